//! Front matter: the YAML (`---`) or TOML (`+++`) block at the top of a page.
//!
//! Known keys are typed; every other key is kept in `extra` for templates,
//! because real handbooks carry dozens of keys of their own and they must
//! not break the build.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::diag::{Diagnostic, Location};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    pub weight: Option<i64>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub toc_hide: bool,
    /// Set on post-mortem narratives: the incident they belong to.
    pub incident: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// A page's text split into front matter and body.
pub struct Split<'a> {
    pub front: FrontMatter,
    /// Byte offset of the body in the page's text.
    pub body_start: usize,
    pub body: &'a str,
}

/// Splits `text` (line endings already normalised to `\n`) and parses its
/// front matter. A page without front matter is all body.
pub fn split<'a>(file: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let (fence, is_toml) = if text.starts_with("---\n") || text == "---" {
        ("---", false)
    } else if text.starts_with("+++\n") || text == "+++" {
        ("+++", true)
    } else {
        return Ok(Split {
            front: FrontMatter::default(),
            body_start: 0,
            body: text,
        });
    };
    let start = fence.len() + 1;
    // The closing fence is a line of its own.
    let mut pos = start.min(text.len());
    let end = loop {
        let rest = &text[pos..];
        let line_end = rest.find('\n').map_or(text.len(), |i| pos + i);
        if text[pos..line_end].trim_end() == fence {
            break Some((pos, (line_end + 1).min(text.len())));
        }
        if line_end >= text.len() {
            break None;
        }
        pos = line_end + 1;
    };
    let Some((fm_end, body_start)) = end else {
        return Err(Diagnostic::error(format!(
            "front matter opened with `{fence}` is never closed"
        ))
        .at(Location::at_offset(file, text, 0))
        .help(format!(
            "end the front matter with a line holding only `{fence}`"
        )));
    };
    let raw = &text[start.min(fm_end)..fm_end];
    let mut front = if is_toml {
        parse_toml(file, text, raw, start)?
    } else {
        parse_yaml(file, text, raw)?
    };
    normalise_extra(&mut front.extra);
    Ok(Split {
        front,
        body_start,
        body: &text[body_start..],
    })
}

fn parse_yaml(file: &Path, text: &str, raw: &str) -> Result<FrontMatter, Diagnostic> {
    if raw.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    serde_saphyr::from_str::<FrontMatter>(raw).map_err(|e| {
        // The YAML starts on line 2 of the file, after the `---` line.
        let (line, col) = e
            .location()
            .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
        Diagnostic::error(format!("invalid YAML front matter: {}", yaml_message(&e.to_string())))
            .at(Location::at_line(file, text, line + 1, col))
            .help("front matter is YAML between two `---` lines; quote values that contain `: ` or start with special characters")
    })
}

fn parse_toml(file: &Path, text: &str, raw: &str, start: usize) -> Result<FrontMatter, Diagnostic> {
    toml::from_str::<FrontMatter>(raw).map_err(|e| {
        let offset = start + e.span().map_or(0, |s| s.start);
        Diagnostic::error(format!("invalid TOML front matter: {}", e.message()))
            .at(Location::at_offset(file, text, offset))
            .help("front matter is TOML between two `+++` lines")
    })
}

/// serde-saphyr's message without its own `error: line N column M:` prefix:
/// that position is inside the YAML block, and the diagnostic already gives
/// the position in the file.
fn yaml_message(s: &str) -> &str {
    let first = s.lines().next().unwrap_or(s);
    let first = first.strip_prefix("error:").unwrap_or(first).trim_start();
    if let Some(rest) = first.strip_prefix("line ")
        && let Some(i) = rest.find(": ")
        && rest[..i].contains("column")
    {
        return &rest[i + 2..];
    }
    first
}

/// TOML dates arrive as `{"$__toml_private_datetime": "..."}`; templates want
/// the plain string.
fn normalise_extra(extra: &mut BTreeMap<String, serde_json::Value>) {
    fn fix(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                if map.len() == 1
                    && let Some(serde_json::Value::String(s)) = map.get("$__toml_private_datetime")
                {
                    *v = serde_json::Value::String(s.clone());
                    return;
                }
                map.values_mut().for_each(fix);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(fix),
            _ => {}
        }
    }
    extra.values_mut().for_each(fix);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_with_extra_keys() {
        let text = "---\ntitle: \"Ops\"\nweight: 3\nowning_team: Ops\ntags: [a, b]\n---\n# Body\n";
        let s = split(Path::new("p.md"), text).unwrap();
        assert_eq!(s.front.title.as_deref(), Some("Ops"));
        assert_eq!(s.front.weight, Some(3));
        assert_eq!(s.front.extra["owning_team"], "Ops");
        assert_eq!(s.body, "# Body\n");
    }

    #[test]
    fn toml_with_dates() {
        let text = "+++\ntitle = \"T\"\nlast_reviewed = 2026-09-14\n+++\nbody";
        let s = split(Path::new("p.md"), text).unwrap();
        assert_eq!(s.front.extra["last_reviewed"], "2026-09-14");
        assert_eq!(s.body, "body");
    }

    #[test]
    fn yaml_error_has_file_line() {
        let text = "---\ntitle: ok\nweight: heavy\n---\n";
        let d = split(Path::new("p.md"), text).err().unwrap();
        let loc = d.location.unwrap();
        assert_eq!(loc.line, 3, "{}", d.message);
        assert_eq!(loc.source_line, "weight: heavy");
    }

    #[test]
    fn unclosed_front_matter() {
        let d = split(Path::new("p.md"), "---\ntitle: x\n").err().unwrap();
        assert!(d.message.contains("never closed"));
    }
}
