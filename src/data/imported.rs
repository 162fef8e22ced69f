//! `data/imported-availability.yaml`: the availability record of months
//! kept by hand before opsbook (the handbook's "Historical Service Level
//! Availability" table), as `opsbook import availability-table` writes it
//! (`crate::import`). This module owns its model, its checks (every problem
//! at its line and column, like the other snapshots) and its canonical text.
//!
//! An imported month has only the platform figure and the comment cell as
//! published; a month computed from `sli/` or incidents wins over it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::load::DATA_DIR;
use super::model::Origin;
use super::month::Month;
use super::percent::Percent;
use super::validate::{SCHEMA, closest};
use super::write::inline;
use super::yaml::{self, Entry, Node, NodeKind};
use crate::diag::{Diagnostic, Location};

/// The file's name, directly under `data/`.
pub const FILE_NAME: &str = "imported-availability.yaml";

const FILE_KEYS: &[&str] = &["schema", "months"];
const MONTH_KEYS: &[&str] = &["month", "availability", "comments"];

/// One month of the imported record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedMonth {
    pub month: Month,
    /// The platform figure as published, exactly (`99.89`).
    pub availability: Percent,
    /// The comment cell as written (markdown from a person's table, with
    /// links and `<br>`): untrusted, sanitised when rendered.
    pub comments: Option<String>,
    pub origin: Origin,
}

/// `data/imported-availability.yaml`, relative to the site root.
pub fn path() -> PathBuf {
    Path::new(DATA_DIR).join(FILE_NAME)
}

/// The file as read from disk.
#[derive(Debug)]
pub struct ImportedFile {
    pub text: String,
    /// Sorted by month; empty when the file has an error (a file is used
    /// whole or not at all).
    pub months: Vec<ImportedMonth>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads and checks ROOT/data/imported-availability.yaml; `None` when there
/// is no such file.
pub fn read(root: &Path) -> Option<ImportedFile> {
    let rel = path();
    let bytes = match std::fs::read(root.join(&rel)) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            let d = Diagnostic::error(format!("cannot read the file: {e}"))
                .at(Location::file(&rel))
                .help("check that the file is readable");
            return Some(ImportedFile {
                text: String::new(),
                months: Vec::new(),
                diagnostics: vec![d],
            });
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let d = Diagnostic::error("the file is not valid UTF-8")
                .at(Location::at_offset(
                    &rel,
                    &text,
                    e.utf8_error().valid_up_to(),
                ))
                .help("save the file as UTF-8");
            return Some(ImportedFile {
                text,
                months: Vec::new(),
                diagnostics: vec![d],
            });
        }
    };
    let text = match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    };
    let (months, diagnostics) = check(&rel, &text);
    Some(ImportedFile {
        text,
        months,
        diagnostics,
    })
}

/// For `data::load`: the months (empty when there is no file or it has an
/// error) and every problem.
pub(super) fn load(root: &Path) -> (Vec<ImportedMonth>, Vec<Diagnostic>) {
    read(root).map_or_else(Default::default, |f| (f.months, f.diagnostics))
}

/// Checks the text of the file (`file` relative to the site root, for
/// messages): the months, sorted, when there is no error; every problem.
pub fn check(file: &Path, text: &str) -> (Vec<ImportedMonth>, Vec<Diagnostic>) {
    let mut ck = Checker {
        file,
        text,
        diags: Vec::new(),
    };
    let months = ck.file().unwrap_or_default();
    let mut diags = ck.diags;
    diags.sort_by(|a, b| a.location.cmp(&b.location));
    if diags.iter().any(Diagnostic::is_error) {
        return (Vec::new(), diags);
    }
    (months, diags)
}

/// The canonical text: `months:` oldest first, keys in the order
/// month, availability, comments; `comments` left out when absent.
pub fn to_yaml(months: &[ImportedMonth]) -> String {
    let mut sorted: Vec<&ImportedMonth> = months.iter().collect();
    sorted.sort_by_key(|m| m.month);
    if sorted.is_empty() {
        return "months: []\n".to_string();
    }
    let mut out = String::from("months:\n");
    for m in sorted {
        out.push_str(&format!("  - month: {}\n", m.month));
        out.push_str(&format!("    availability: {}\n", m.availability));
        if let Some(c) = &m.comments {
            // One line: a table cell never spans lines, and `inline`
            // quotes anything else so that it reads back exactly.
            out.push_str(&format!("    comments: {}\n", inline(c)));
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Checks.

struct Checker<'a> {
    file: &'a Path,
    text: &'a str,
    diags: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn loc(&self, at: usize) -> Location {
        Location::at_offset(self.file, self.text, at)
    }

    fn error(&mut self, at: usize, message: impl Into<String>, help: impl Into<String>) {
        let d = Diagnostic::error(message).at(self.loc(at)).help(help);
        self.diags.push(d);
    }

    fn file(&mut self) -> Option<Vec<ImportedMonth>> {
        let node = yaml::parse(self.file, self.text, &mut self.diags);
        let node = match node {
            Some(n) if n.kind != NodeKind::Null => n,
            None if !self.diags.is_empty() => return None,
            _ => {
                self.diags.push(
                    Diagnostic::error("the file is empty")
                        .at(Location::file(self.file))
                        .help(
                            "this file holds the imported availability record (`months:`); \
                             write `months: []` or delete it",
                        ),
                );
                return None;
            }
        };
        let entries = self.mapping(&node, "the file", FILE_KEYS)?;
        if let Some(schema) = self.scalar(entries, "schema")
            && schema.0.trim() != SCHEMA
        {
            self.error(
                schema.1,
                format!("unsupported `schema: {}`", schema.0),
                format!(
                    "this opsbook reads data files of schema {SCHEMA}: write `schema: {SCHEMA}` \
                     (or leave it out), or upgrade opsbook"
                ),
            );
        }
        let Some(list) = entries.iter().find(|e| e.key == "months") else {
            self.error(
                node.at,
                "the file has no `months`",
                "add `months:` with one `- month: YYYY-MM` item per month (or `months: []`)",
            );
            return None;
        };
        let items = match &list.value.kind {
            NodeKind::Seq(items) => items,
            NodeKind::Null => {
                self.error(
                    list.key_at,
                    "`months` has no value",
                    "write one `- month: YYYY-MM` item per month, or `months: []`",
                );
                return None;
            }
            other => {
                self.error(
                    list.value.at,
                    format!("`months` must be a list, not {}", yaml::shape(other)),
                    "write one `- month: YYYY-MM` item per month, or `months: []`",
                );
                return None;
            }
        };
        let mut out = Vec::with_capacity(items.len());
        // Each month's first item, for duplicate and order messages.
        let mut seen: BTreeMap<Month, usize> = BTreeMap::new();
        let mut previous: Option<(Month, usize)> = None;
        for item in items {
            // The order and uniqueness of months are checked also for
            // items with other problems, so that one run reports them all.
            let (Some((month, at)), record) = self.month(item) else {
                continue;
            };
            if let Some(&first) = seen.get(&month) {
                let d = Diagnostic::error(format!("month {month} is listed twice"))
                    .at(self.loc(at))
                    .label(self.loc(first), "first listed here")
                    .help("each month appears once: keep one of the two");
                self.diags.push(d);
                continue;
            }
            if let Some((prev, prev_at)) = previous
                && prev > month
            {
                let line = self.loc(prev_at).line;
                self.error(
                    at,
                    format!("months are not sorted: {month} comes after {prev}"),
                    format!("move {month} before {prev} (line {line}): the file is sorted by month, oldest first"),
                );
            }
            seen.insert(month, at);
            previous = Some((month, at));
            out.extend(record);
        }
        Some(out)
    }

    /// One `- month: ...` item: its month and where it is written, and the
    /// record when it has no error.
    fn month(&mut self, node: &Node) -> (Option<(Month, usize)>, Option<ImportedMonth>) {
        let Some(entries) = self.mapping(node, "month", MONTH_KEYS) else {
            return (None, None);
        };
        let month = self.required(node, entries, "month").and_then(|(s, at)| {
            let m = Month::parse(s.trim());
            if m.is_none() {
                self.error(
                    at,
                    format!("`month` must be YYYY-MM, not `{s}`"),
                    "write the calendar month as `2023-10`",
                );
            }
            m.map(|m| (m, at))
        });
        let availability = self
            .required(node, entries, "availability")
            .and_then(|(s, at)| self.percent(&s, at));
        let comments = self
            .scalar(entries, "comments")
            .map(|(s, _)| s)
            .filter(|s| !s.trim().is_empty());
        let record = month
            .zip(availability)
            .map(|((month, _), availability)| ImportedMonth {
                month,
                availability,
                comments,
                origin: Origin {
                    file: self.file.to_path_buf(),
                    line: self.loc(node.at).line,
                },
            });
        (month, record)
    }

    fn percent(&mut self, s: &str, at: usize) -> Option<Percent> {
        let s = s.trim();
        let p = Percent::parse(s);
        if p.is_none() {
            let help = "write the platform figure as a percentage without `%`, at most 100 and \
                        12 decimals: `99.89` means 99.89 %";
            let message = if s.ends_with('%') {
                format!("`availability` is written without `%`: `{s}`")
            } else {
                format!("`availability` must be a percentage from 0 to 100, not `{s}`")
            };
            self.error(at, message, help);
        }
        p
    }

    /// `node`'s entries; an error for each unknown key, and for anything but
    /// a mapping.
    fn mapping<'n>(&mut self, node: &'n Node, noun: &str, keys: &[&str]) -> Option<&'n [Entry]> {
        let NodeKind::Map(entries) = &node.kind else {
            self.error(
                node.at,
                format!(
                    "{noun} must be a mapping of keys, not {}",
                    yaml::shape(&node.kind)
                ),
                format!("known keys here: {}", keys.join(", ")),
            );
            return None;
        };
        for e in entries.iter().filter(|e| !keys.contains(&e.key.as_str())) {
            let mut help = String::new();
            if let Some(close) = closest(&e.key, keys) {
                help.push_str(&format!("did you mean `{close}`? "));
            }
            help.push_str(&format!("known keys here: {}", keys.join(", ")));
            self.error(e.key_at, format!("unknown key `{}`", e.key), help);
        }
        Some(entries)
    }

    /// The text of `key` and where it is; `None` when absent or null (an
    /// error when it is a list or a mapping).
    fn scalar(&mut self, entries: &[Entry], key: &str) -> Option<(String, usize)> {
        let node = &entries.iter().find(|e| e.key == key)?.value;
        match &node.kind {
            NodeKind::Scalar(s) => Some((s.clone(), node.at)),
            NodeKind::Null => None,
            other => {
                self.error(
                    node.at,
                    format!("`{key}` must be a single value, not {}", yaml::shape(other)),
                    "see docs/data-format.md for what each key holds",
                );
                None
            }
        }
    }

    fn required(&mut self, node: &Node, entries: &[Entry], key: &str) -> Option<(String, usize)> {
        let value = self.scalar(entries, key);
        if value.is_none() {
            match entries.iter().find(|e| e.key == key) {
                None => self.error(
                    node.at,
                    format!("month without `{key}`"),
                    format!("add `{key}:` to this month"),
                ),
                Some(e) if e.value.kind == NodeKind::Null => self.error(
                    e.key_at,
                    format!("`{key}` has no value"),
                    format!("write the month's {key} after `{key}:`"),
                ),
                Some(_) => {}
            }
        }
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> PathBuf {
        path()
    }

    fn month(m: &str, a: &str, c: Option<&str>) -> ImportedMonth {
        ImportedMonth {
            month: Month::parse(m).unwrap(),
            availability: Percent::parse(a).unwrap(),
            comments: c.map(str::to_string),
            origin: Origin::default(),
        }
    }

    fn messages(text: &str) -> Vec<String> {
        let (months, diags) = check(&file(), text);
        assert!(months.is_empty(), "a file with errors yields no months");
        diags
            .iter()
            .map(|d| {
                let l = d.location.as_ref().unwrap();
                format!("{}:{} {}", l.line, l.column, d.message)
            })
            .collect()
    }

    #[test]
    fn writes_canonically_and_reads_back() {
        let months = vec![
            month(
                "2023-10",
                "99.89",
                Some("Oct 30 [Sev 1](https://x.example/1)"),
            ),
            month("2023-07", "99.780", Some("a: b<br>c \"q\"")),
            month("2023-08", "100", None),
        ];
        let text = to_yaml(&months);
        assert_eq!(
            text,
            "months:\n  - month: 2023-07\n    availability: 99.78\n    comments: \"a: \
             b<br>c \\\"q\\\"\"\n  - month: 2023-08\n    availability: 100\n  - month: \
             2023-10\n    availability: 99.89\n    comments: Oct 30 [Sev 1](https://x.example/1)\n"
        );
        let (back, diags) = check(&file(), &text);
        assert!(diags.is_empty(), "{diags:?}");
        let strip = |v: Vec<ImportedMonth>| -> Vec<(Month, Percent, Option<String>)> {
            v.into_iter()
                .map(|m| (m.month, m.availability, m.comments))
                .collect()
        };
        let mut expected = months.clone();
        expected.sort_by_key(|m| m.month);
        assert_eq!(strip(back.clone()), strip(expected));
        assert_eq!(back[1].origin.line, 5);
        assert_eq!(to_yaml(&back), text, "load → write is byte-identical");
        assert_eq!(to_yaml(&[]), "months: []\n");
        assert_eq!(check(&file(), "months: []\n").0, vec![]);
    }

    #[test]
    fn reports_every_problem_with_its_place() {
        let text = "schema: 2\nmonth:\nmonths:\n  - month: 2023-10\n    availability: 99.89%\n  \
                    - month: 2023-13\n    availabilty: 99\n  - month: 2023-07\n    \
                    availability: 101\n  - month: 2023-07\n    availability: 99\n    comments: \
                    [a]\n";
        assert_eq!(
            messages(text),
            [
                "1:9 unsupported `schema: 2`",
                "2:1 unknown key `month`",
                "5:19 `availability` is written without `%`: `99.89%`",
                "6:5 month without `availability`",
                "6:12 `month` must be YYYY-MM, not `2023-13`",
                "7:5 unknown key `availabilty`",
                "8:12 months are not sorted: 2023-07 comes after 2023-10",
                "9:19 `availability` must be a percentage from 0 to 100, not `101`",
                "10:12 month 2023-07 is listed twice",
                "12:15 `comments` must be a single value, not a list",
            ]
        );
        let (_, diags) = check(
            &file(),
            "months:\n  - month: 2023-07\n    availability: 99\n  - month: 2023-07\n    availability: 98\n",
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].message, "month 2023-07 is listed twice");
        assert_eq!(diags[0].labels[0].0.line, 2);
        assert_eq!(messages("")[0], "0:0 the file is empty");
        assert_eq!(messages("schema: 1\n")[0], "1:1 the file has no `months`");
        assert_eq!(
            messages("months: 3\n")[0],
            "1:9 `months` must be a list, not a single value"
        );
    }
}
