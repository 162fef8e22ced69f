//! The blameless check: public post-mortem text must name roles and
//! systems, never people: `@handles` and the names listed in `opsbook.toml`
//! (`[blameless] names`). A hit in a hand-written narrative is an error
//! (the author can fix it in the same change) unless `[blameless] level =
//! "warn"`; a hit in upstream text (data/, rewritten by every pull) stays a
//! warning, so a routine pull cannot fail CI (`check --strict` still makes
//! it an error). Confidential incidents are not published, so they are not
//! checked.

use std::path::Path;

use crate::config::{Blameless, Level};
use crate::data::Incident;
use crate::diag::{Diagnostic, Diagnostics, Location};

use super::PublicSite;

/// Finds person references in `text`: `(byte offset, what was found)`.
pub fn find_people(text: &str, names: &[String]) -> Vec<(usize, String)> {
    let mut hits = Vec::new();
    let bytes = text.as_bytes();
    for (i, _) in text.match_indices('@') {
        // `user@example.com` is an address, not a handle.
        let prev_ok = i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric()
                || matches!(bytes[i - 1], b'.' | b'_' | b'-' | b'/' | b'`'));
        let handle: String = text[i + 1..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            .collect();
        let handle = handle.trim_end_matches('.');
        if prev_ok
            && handle
                .chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphanumeric())
        {
            hits.push((i, format!("@{handle}")));
        }
    }
    let lower = text.to_lowercase();
    for name in names.iter().filter(|n| !n.trim().is_empty()) {
        let needle = name.to_lowercase();
        for (i, _) in lower.match_indices(&needle) {
            let before = lower[..i].chars().next_back();
            let after = lower[i + needle.len()..].chars().next();
            let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
            if !word(before) && !word(after) {
                hits.push((i, name.clone()));
            }
        }
    }
    hits.sort();
    hits
}

const HELP: &str = "blameless reviews name roles and systems (the incident manager, the on-call engineer, the deploy pipeline), never people";

/// A hit in upstream text: fixed upstream, so never more than a warning.
fn warning(found: &str, loc: Location) -> Diagnostic {
    Diagnostic::warning(format!("post-mortem text names a person: `{found}`"))
        .at(loc)
        .help(HELP)
}

/// A hit in a hand-written narrative: an error unless configured as a warning.
fn narrative_hit(found: &str, loc: Location, level: Level) -> Diagnostic {
    let message = format!("post-mortem text names a person: `{found}`");
    let d = match level {
        Level::Error => Diagnostic::error(message),
        Level::Warn => Diagnostic::warning(message),
    };
    d.at(loc).help(format!(
        "{HELP}; reword it (or set `[blameless] level = \"warn\"` in opsbook.toml to publish anyway)"
    ))
}

/// Checks what will be published, and nothing else.
pub fn check(root: &Path, public: &PublicSite<'_>, config: &Blameless) -> Diagnostics {
    let names = &config.names;
    let mut diags = Diagnostics::new();
    for incident in public.incidents.iter().map(|p| p.incident()) {
        let texts = incident_texts(incident);
        if texts.iter().all(|t| find_people(t, names).is_empty()) {
            continue;
        }
        // Only now read the file again, to point at the line.
        let file = &incident.origin.file;
        let source = std::fs::read_to_string(root.join(file)).unwrap_or_default();
        // Find each hit in the file the way it was found in the text:
        // case-insensitively, whole words, the n-th time for the n-th hit.
        let in_file = find_people(&source, names);
        let mut seen: Vec<String> = Vec::new();
        for text in texts {
            for (_, found) in find_people(text, names) {
                let key = found.to_lowercase();
                let nth = seen.iter().filter(|s| **s == key).count();
                seen.push(key.clone());
                let offset = in_file
                    .iter()
                    .filter(|(_, f)| f.to_lowercase() == key)
                    .nth(nth)
                    .map_or(0, |(o, _)| *o);
                diags.push(warning(&found, Location::at_offset(file, &source, offset)));
            }
        }
    }
    for page in public.incidents.iter().filter_map(|p| p.narrative) {
        for (offset, found) in find_people(page.resident_body(), names) {
            diags.push(narrative_hit(
                &found,
                Location::at_offset(&page.file, &page.source, page.body_start + offset),
                config.level,
            ));
        }
    }
    diags
}

fn incident_texts(i: &Incident) -> Vec<&str> {
    let mut t = vec![i.title.as_str()];
    t.extend(i.summary.as_deref());
    t.extend(i.timeline.iter().map(|e| e.text.as_str()));
    for a in &i.corrective_actions {
        t.push(&a.title);
        t.extend(a.owner.as_deref());
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_and_names_but_not_emails() {
        let names = vec!["Jane Doe".to_string()];
        let hits = find_people(
            "Paged @jdoe; mail ops@example.com; jane doe rolled back. Janet Does",
            &names,
        );
        let found: Vec<_> = hits.iter().map(|(_, f)| f.as_str()).collect();
        assert_eq!(found, ["@jdoe", "Jane Doe"]);
    }
}
