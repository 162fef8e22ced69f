//! `opsbook new postmortem <id>`: writes the skeleton of a blameless review
//! for an incident into `content/postmortems/<id>.md`, as a draft whose
//! sections hold `TODO` guidance. The timeline is not copied: the page
//! renders it from the snapshot. Never overwrites an existing file. The
//! front matter's texts are written by the canonical writer's quoting
//! (`data::write::inline`), so any incident title reads back as itself.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::analyse;
use crate::content::{CONTENT_DIR, POSTMORTEMS_DIR};
use crate::data::{self, Id, Incident};
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::postmortem;
use crate::render::format;

/// What `new_postmortem` wrote.
#[derive(Debug)]
pub struct Written {
    /// The new narrative, relative to the site root.
    pub path: PathBuf,
    /// Things the author should know (a confidential incident's review is
    /// never published).
    pub warnings: Diagnostics,
}

/// Creates the narrative file and says where (relative to `root`).
pub fn new_postmortem(root: &Path, id: &str) -> Result<Written, Diagnostics> {
    let Some(id) = Id::parse(id) else {
        return Err(Diagnostic::error(format!("`{id}` is not an incident id"))
            .help("ids are lowercase letters, digits and `-`, as in data/incidents/YYYY/<id>.yaml")
            .into());
    };
    let loaded = data::load(root);
    let data = &loaded.dataset;
    let Some(incident) = data.incident(&id) else {
        // Its file may be the one with errors: show them.
        if loaded.diagnostics.has_errors() {
            return Err(loaded.diagnostics);
        }
        let mut known: Vec<&str> = data
            .incidents
            .iter()
            .rev()
            .take(5)
            .map(|i| i.id.as_str())
            .collect();
        known.sort_unstable();
        return Err(Diagnostic::error(format!("no incident `{id}` in data/incidents/"))
            .help(if known.is_empty() {
                "there are no incidents yet: run `opsbook pull`, or add data/incidents/YYYY/<id>.yaml".to_string()
            } else {
                format!("the latest incidents are: {}", known.join(", "))
            })
            .into());
    };
    let rel = Path::new(CONTENT_DIR)
        .join(POSTMORTEMS_DIR)
        .join(format!("{id}.md"));
    let path = root.join(&rel);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            Diagnostics::from(Diagnostic::error(format!(
                "cannot create {}: {e}",
                dir.display()
            )))
        })?;
    }
    // `create_new` refuses an existing file atomically: no check-then-write race.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| {
            let d = if e.kind() == std::io::ErrorKind::AlreadyExists {
                Diagnostic::error(format!(
                    "{} already exists; not overwriting it",
                    rel.display()
                ))
                .at(Location::file(&rel))
                .help("edit the existing post-mortem, or delete it first to start over")
            } else {
                Diagnostic::error(format!("cannot write {}: {e}", rel.display()))
            };
            Diagnostics::from(d)
        })?;
    file.write_all(template(incident).as_bytes()).map_err(|e| {
        Diagnostics::from(Diagnostic::error(format!(
            "cannot write {}: {e}",
            rel.display()
        )))
    })?;
    let mut warnings = Diagnostics::new();
    if incident.confidential {
        warnings.push(
            Diagnostic::warning(format!(
                "incident `{id}` is confidential: this post-mortem will never be published"
            ))
            .at(Location::file(&rel))
            .label(
                Location::file(&incident.origin.file),
                "`confidential: true` here",
            )
            .help(
                "write the review for internal use; the site leaves out confidential incidents \
                 and their post-mortems. Publish a redacted review under a public incident \
                 instead, if one is wanted",
            ),
        );
    }
    Ok(Written {
        path: rel,
        warnings,
    })
}

/// The marker of text the author has yet to write: `check --strict` fails
/// on it in a published (non-draft) review (`publish::placeholders`).
pub const PLACEHOLDER: &str = "TODO";

fn template(i: &Incident) -> String {
    let times = analyse::incident_times(i);
    let services: Vec<&str> = i.services.iter().map(Id::as_str).collect();
    let duration = times
        .impact
        .map_or_else(|| "still ongoing".to_string(), format::duration);
    let detect = times
        .time_to_detect
        .map_or_else(|| "not recorded".to_string(), format::duration);
    let title = data::write::inline(&i.title);
    let incident = data::write::inline(i.id.as_str());
    // `draft: true` keeps the review off the site (the page says "Review
    // pending") until the author deletes the line.
    let mut out = format!(
        r#"---
title: {title}
incident: {incident}
draft: true
---

<!--
Blameless review of incident {id} (S{sev}, {services}).
Name roles and systems, never people: the build refuses user handles.
The incident's facts, timeline and corrective actions come from its
snapshot and are shown on the page: do not copy them here.
Replace every {PLACEHOLDER} paragraph, then delete `draft: true` to publish.
-->
"#,
        id = i.id,
        sev = i.severity.number(),
        services = services.join(", "),
    );
    // The headings are the review's sections, in the page's order.
    for section in postmortem::SECTIONS {
        let guidance = match section.id {
            "summary" => format!(
                "What happened, in two or three sentences: which services ({}), how\n\
                 long ({duration} of {}), and how it was fixed.",
                services.join(", "),
                i.impact.as_str()
            ),
            "impact" => "Who was affected, what they could not do, and how many.".into(),
            "detection" => format!(
                "How we found out (alert, customer report, ...) and how fast: {detect} after\n\
                 impact started. Could we have known sooner?"
            ),
            // The snapshot's timeline is rendered under this heading: the
            // narrative only adds context, so the timeline appears once.
            "timeline" => "Context the timeline above lacks (it comes from the incident's\n\
                 snapshot, all times UTC), or delete this paragraph."
                .into(),
            "root-cause" => "Ask \"why?\" until you reach causes in systems and processes\n\
                 (five whys), and name the contributing factors."
                .into(),
            "resolution" => "What restored service, and what made it take the time it took.".into(),
            "actions" => "Context for the actions listed above; they are tracked in the\n\
                 incident's snapshot (`corrective_actions`), each with an issue link, an\n\
                 owner team and a due date. Or delete this paragraph."
                .into(),
            _ => "Write this section, or delete it.".into(),
        };
        out.push_str(&format!(
            "\n## {}\n\n{PLACEHOLDER}: {guidance}\n",
            section.title
        ));
    }
    out
}

/// Upstream text as literal markdown text: no HTML, no links, no
/// shortcodes, no emphasis can come out of it.
pub(crate) fn markdown_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '{' => out.push_str("&#123;"),
            '}' => out.push_str("&#125;"),
            '\\' | '[' | ']' | '(' | ')' | '*' | '_' | '`' | '!' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upstream_text_stays_literal() {
        let md = markdown_literal("[x](javascript:alert(1)) <b> {{< y >}} **z**");
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(&md));
        assert_eq!(
            html,
            "<p>[x](javascript:alert(1)) &lt;b&gt; {{&lt; y &gt;}} **z**</p>\n"
        );
    }
}
