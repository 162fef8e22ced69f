//! The one canonical snapshot writer: model values to the YAML text of
//! docs/data-format.md. The sample-data generator, `opsbook new postmortem`
//! and `opsbook pull` write snapshots through it, so that an unchanged
//! upstream always gives byte-identical files.
//!
//! Canonical means: keys in the contract's order (the key tables of
//! `validate`), absent optional keys and empty optional lists left out,
//! lists sorted as the contract says (services by id, labels, timeline by
//! `at`, windows by start then id, SLI services by id, pages by created_at
//! then id), times in UTC as `2026-07-07T09:30:00Z` (a fraction of a second
//! only when there is one), dates `YYYY-MM-DD`, numbers and percentages in
//! their shortest exact form (`99.95`, `100`). A text is written
//! plain when YAML reads it back as exactly that text under every common
//! schema (YAML 1.1 and 1.2), as a `|` block when it spans lines, and
//! double-quoted with escapes otherwise, so any string round-trips.
//!
//! `staging` writes a whole update of `data/` beside it and moves it into
//! place only when every file was written.

mod staging;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use super::load::DATA_DIR;
use super::model::{Dataset, Id, Incident, MaintenanceWindow, Page, PagesMonth, Service, SliMonth};
use super::month::Month;

pub use staging::Staging;

/// Every file of `data` as written canonically: `(path relative to the
/// site root, text)`, services.yaml first, then incidents by path, then one
/// file per month of maintenance windows, of SLI figures and of pages, each
/// kind by month. For `Staging::write`.
pub fn files(data: &Dataset) -> Vec<(PathBuf, String)> {
    let mut out = vec![(services_path(), services(&data.services))];
    let mut incidents: Vec<(PathBuf, String)> = data
        .incidents
        .iter()
        .map(|i| (incident_path(i), incident(i)))
        .collect();
    incidents.sort_by(|a, b| a.0.cmp(&b.0));
    out.extend(incidents);
    let mut months: BTreeMap<PathBuf, Vec<MaintenanceWindow>> = BTreeMap::new();
    for w in &data.maintenance {
        months
            .entry(maintenance_path(w.start))
            .or_default()
            .push(w.clone());
    }
    out.extend(
        months
            .into_iter()
            .map(|(path, windows)| (path, maintenance_month(&windows))),
    );
    let mut sli: Vec<(PathBuf, String)> = data
        .sli
        .iter()
        .map(|m| (sli_path(m.month), sli_month(m)))
        .collect();
    sli.sort_by(|a, b| a.0.cmp(&b.0));
    out.extend(sli);
    let mut pages: Vec<(PathBuf, String)> = data
        .pages
        .iter()
        .map(|m| (pages_path(m.month), pages_month(m)))
        .collect();
    pages.sort_by(|a, b| a.0.cmp(&b.0));
    out.extend(pages);
    if !data.imported.is_empty() {
        out.push((
            super::imported::path(),
            super::imported::to_yaml(&data.imported),
        ));
    }
    out
}

/// `data/services.yaml`: the services, sorted by id.
pub fn services(services: &[Service]) -> String {
    let mut sorted: Vec<&Service> = services.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let mut w = Writer::default();
    if sorted.is_empty() {
        w.line(0, "services: []");
    } else {
        w.line(0, "services:");
    }
    for s in sorted {
        w.item_start();
        w.text(2, "id", s.id.as_str());
        w.text(4, "name", &s.name);
        w.raw(4, "weight", &s.weight.to_string());
        w.raw(4, "target", &s.target.to_string());
        w.opt_text(4, "team", s.team.as_deref());
        w.opt_text(4, "description", s.description.as_deref());
    }
    w.out
}

/// `data/incidents/YYYY/<id>.yaml`: one incident.
pub fn incident(i: &Incident) -> String {
    let mut w = Writer::default();
    w.text(0, "id", i.id.as_str());
    w.text(0, "title", &i.title);
    w.raw(0, "severity", &i.severity.number().to_string());
    w.raw(0, "status", i.status.as_str());
    w.raw(
        0,
        "confidential",
        if i.confidential { "true" } else { "false" },
    );
    w.raw(0, "services", &flow_list(i.services.iter().map(Id::as_str)));
    w.raw(0, "started_at", &time(i.started_at));
    for (key, t) in [
        ("detected_at", i.detected_at),
        ("mitigated_at", i.mitigated_at),
        ("resolved_at", i.resolved_at),
    ] {
        if let Some(t) = t {
            w.raw(0, key, &time(t));
        }
    }
    w.raw(0, "impact", i.impact.as_str());
    w.opt_text(0, "root_cause", i.root_cause.as_deref());
    w.opt_text(0, "url", i.url.as_deref());
    if !i.labels.is_empty() {
        let mut labels: Vec<&str> = i.labels.iter().map(String::as_str).collect();
        labels.sort_unstable();
        w.raw(0, "labels", &flow_list(labels));
    }
    w.opt_text(0, "summary", i.summary.as_deref());
    if !i.timeline.is_empty() {
        let mut timeline: Vec<_> = i.timeline.iter().collect();
        // Stable: entries at the same instant keep their order.
        timeline.sort_by_key(|t| t.at);
        w.line(0, "timeline:");
        for t in timeline {
            w.item_start();
            w.raw(2, "at", &time(t.at));
            w.text(4, "text", &t.text);
        }
    }
    if !i.corrective_actions.is_empty() {
        w.line(0, "corrective_actions:");
        for a in &i.corrective_actions {
            w.item_start();
            w.text(2, "title", &a.title);
            w.opt_text(4, "url", a.url.as_deref());
            w.raw(4, "status", a.status.as_str());
            if let Some(d) = a.due {
                w.raw(4, "due", &date(d));
            }
            w.opt_text(4, "owner", a.owner.as_deref());
        }
    }
    w.out
}

/// `data/maintenance/YYYY-MM.yaml`: the windows of one month, sorted by
/// start, then id. The caller passes the windows that start in that month.
pub fn maintenance_month(windows: &[MaintenanceWindow]) -> String {
    let mut sorted: Vec<&MaintenanceWindow> = windows.iter().collect();
    sorted.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    let mut w = Writer::default();
    if sorted.is_empty() {
        w.line(0, "windows: []");
    } else {
        w.line(0, "windows:");
    }
    for m in sorted {
        w.item_start();
        w.text(2, "id", m.id.as_str());
        w.text(4, "title", &m.title);
        w.raw(4, "services", &flow_list(m.services.iter().map(Id::as_str)));
        w.raw(4, "start", &time(m.start));
        w.raw(4, "end", &time(m.end));
        w.opt_text(4, "url", m.url.as_deref());
    }
    w.out
}

/// `data/sli/YYYY-MM.yaml`: one month of measured availability, services
/// sorted by id, `daily` on one line.
pub fn sli_month(m: &SliMonth) -> String {
    let mut sorted: Vec<_> = m.services.iter().collect();
    sorted.sort_by(|a, b| a.id.cmp(&b.id));
    let mut w = Writer::default();
    w.raw(0, "month", &m.month.to_string());
    if sorted.is_empty() {
        w.line(0, "services: {}");
    } else {
        w.line(0, "services:");
    }
    for s in sorted {
        // Ids are plain-safe unless they read as numbers (`2026`).
        w.line(2, &format!("{}:", inline(s.id.as_str())));
        w.raw(4, "availability", &s.availability.to_string());
        if let Some(daily) = &s.daily {
            let values: Vec<String> = daily.iter().map(ToString::to_string).collect();
            w.raw(4, "daily", &format!("[{}]", values.join(", ")));
        }
    }
    w.out
}

/// `data/pages/YYYY-MM.yaml`: the pages created in one month, sorted by
/// `created_at`, then id.
pub fn pages_month(m: &PagesMonth) -> String {
    let mut sorted: Vec<&Page> = m.pages.iter().collect();
    sorted.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
    let mut w = Writer::default();
    w.raw(0, "month", &m.month.to_string());
    if sorted.is_empty() {
        w.line(0, "pages: []");
    } else {
        w.line(0, "pages:");
    }
    for p in sorted {
        w.item_start();
        w.text(2, "id", &p.id);
        w.text(4, "title", &p.title);
        w.text(4, "service", p.service.as_str());
        w.raw(4, "urgency", p.urgency.as_str());
        w.raw(4, "created_at", &time(p.created_at));
        for (key, t) in [
            ("acknowledged_at", p.acknowledged_at),
            ("resolved_at", p.resolved_at),
        ] {
            if let Some(t) = t {
                w.raw(4, key, &time(t));
            }
        }
        w.opt_text(4, "escalation_policy", p.escalation_policy.as_deref());
    }
    w.out
}

/// `data/sli/YYYY-MM.yaml`, relative to the site root.
pub fn sli_path(month: Month) -> PathBuf {
    PathBuf::from(DATA_DIR)
        .join("sli")
        .join(format!("{month}.yaml"))
}

/// `data/pages/YYYY-MM.yaml`, relative to the site root.
pub fn pages_path(month: Month) -> PathBuf {
    PathBuf::from(DATA_DIR)
        .join("pages")
        .join(format!("{month}.yaml"))
}

/// Where an incident's snapshot lives, relative to the site root:
/// `data/incidents/<UTC year of started_at>/<id>.yaml`.
pub fn incident_path(i: &Incident) -> PathBuf {
    PathBuf::from(DATA_DIR)
        .join("incidents")
        .join(i.started_at.format("%Y").to_string())
        .join(format!("{}.yaml", i.id))
}

/// Where the windows starting in `start`'s month (UTC) live, relative to
/// the site root: `data/maintenance/YYYY-MM.yaml`.
pub fn maintenance_path(start: DateTime<Utc>) -> PathBuf {
    PathBuf::from(DATA_DIR)
        .join("maintenance")
        .join(format!("{}.yaml", start.format("%Y-%m")))
}

/// `data/services.yaml`, relative to the site root.
pub fn services_path() -> PathBuf {
    PathBuf::from(DATA_DIR).join("services.yaml")
}

/// A time as the contract writes it: UTC, `Z`, whole seconds (a fraction
/// only when the time has one, so that no instant is changed).
pub fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A date, `YYYY-MM-DD`.
pub fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// A number in its shortest form that reads back as the same `f64`
/// (`99.95`, `100`; never an exponent).
pub fn number(x: f64) -> String {
    format!("{x}")
}

/// A text as a one-line YAML value (after `key: ` in block context): plain
/// when that is safe, else double-quoted. For front matter and other
/// one-line places; snapshot files also use `|` blocks for multi-line text.
pub fn inline(s: &str) -> String {
    if plain_ok(s, false) {
        s.to_string()
    } else {
        quoted(s)
    }
}

// ---------------------------------------------------------------------------
// Lines and scalars.

/// The text being written, one `key: value` line at a time.
#[derive(Default)]
struct Writer {
    out: String,
    /// The next key opens a list item (`- key: ...`).
    item: bool,
}

impl Writer {
    fn line(&mut self, indent: usize, text: &str) {
        self.out.extend(std::iter::repeat_n(' ', indent));
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn item_start(&mut self) {
        self.item = true;
    }

    /// `key: value` with `value` already YAML. In a list item, the first
    /// key is written after `- ` at `indent` (so its keys align at +2).
    fn raw(&mut self, indent: usize, key: &str, value: &str) {
        let dash = std::mem::take(&mut self.item);
        self.out.extend(std::iter::repeat_n(' ', indent));
        if dash {
            self.out.push_str("- ");
        }
        let _ = writeln!(self.out, "{key}: {value}");
    }

    fn text(&mut self, indent: usize, key: &str, value: &str) {
        // The key's own column: list items' keys sit two after the dash.
        let column = if self.item { indent + 2 } else { indent };
        match literal_block(value) {
            Some(header) => {
                self.raw(indent, key, header);
                for line in value.trim_end_matches('\n').split('\n') {
                    if line.is_empty() {
                        self.out.push('\n');
                    } else {
                        self.line(column + 2, line);
                    }
                }
            }
            None => self.raw(indent, key, &inline(value)),
        }
    }

    fn opt_text(&mut self, indent: usize, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.text(indent, key, v);
        }
    }
}

/// `[a, "b::c"]`: items plain when safe inside a flow list, else quoted.
fn flow_list<'a>(items: impl IntoIterator<Item = &'a str>) -> String {
    let parts: Vec<String> = items
        .into_iter()
        .map(|s| {
            if plain_ok(s, true) {
                s.to_string()
            } else {
                quoted(s)
            }
        })
        .collect();
    format!("[{}]", parts.join(", "))
}

/// The block header (`|` or `|-`) when `s` can be written as a literal
/// block that reads back exactly, else `None` (then it is double-quoted).
fn literal_block(s: &str) -> Option<&'static str> {
    if !s.contains('\n') {
        return None;
    }
    let body = s.strip_suffix('\n').unwrap_or(s);
    let header = if body.len() == s.len() { "|-" } else { "|" };
    // Kept trailing newlines would need `|+`: rare enough to quote instead.
    if body.ends_with('\n') || body.is_empty() {
        return None;
    }
    let lines_ok = body.split('\n').all(|line| {
        !line.ends_with([' ', '\t']) && line.chars().all(|c| c != '\t' && c != '\r' && printable(c))
    });
    // The first line that has text sets the block's indentation: it may not
    // start with a space (that would need an explicit indentation digit).
    let first = body.split('\n').find(|l| !l.is_empty())?;
    (lines_ok && !first.starts_with(' ')).then_some(header)
}

/// Characters YAML allows unescaped (its printable set), minus the line
/// and byte-order marks that some readers treat specially.
fn printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
        && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// Whether `s` may be written as a plain scalar and read back as this
/// exact string by YAML 1.1 and 1.2 readers alike. Conservative: when in
/// doubt, quote.
fn plain_ok(s: &str, in_flow: bool) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    let indicator = "-?:,[]{}#&*!|>'\"%@`+=~.".contains(first);
    let chars_ok = s
        .chars()
        .all(|c| c != '\t' && c != '\n' && c != '\r' && printable(c));
    let spacing_ok = !s.starts_with(' ') && !s.ends_with(' ');
    let comment_or_key = s.contains(": ") || s.contains(" #") || s.ends_with(':');
    let flow_ok = !in_flow || !s.contains([',', '[', ']', '{', '}', ':', '#']);
    !indicator
        && chars_ok
        && spacing_ok
        && !comment_or_key
        && flow_ok
        && !reserved_word(s)
        && !number_like(s)
}

/// Words some YAML schema reads as a null or a boolean.
fn reserved_word(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "null" | "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n"
    )
}

/// Anything that could read as a number, a date or a time (`17054`,
/// `0x1F`, `1e3`, `2026-08-01`, `12:30`): a digit first and nothing but
/// number characters after.
fn number_like(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.:+-".contains(c))
}

/// `"..."` with YAML's escapes: any string fits on one line and reads back
/// exactly.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if !printable(c) || c == '\u{feff}' => {
                let n = c as u32;
                if n <= 0xff {
                    let _ = write!(out, "\\x{n:02X}");
                } else {
                    let _ = write!(out, "\\u{n:04X}");
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_only_when_safe() {
        for s in [
            "Config-Change",
            "Elevated error rate on web after a configuration change",
            "https://gitlab.example.com/a/-/issues/1#note_2",
            "5xx errors on web",
            "Café ☕ ok",
            "pg16-upgrade",
        ] {
            assert_eq!(inline(s), s, "{s}");
        }
        for s in [
            "",
            " lead",
            "trail ",
            "a: b",
            "a #b",
            "ends:",
            "- x",
            "#x",
            "\"q\"",
            "'q'",
            "yes",
            "No",
            "null",
            "~",
            "true",
            "17054",
            "2026-08-01",
            "12:30",
            "1e3",
            "0x1F",
            ".inf",
            "*alias",
            "&anchor",
            "!tag",
            "|",
            ">",
            "%x",
            "@x",
            "`x`",
            "a\tb",
            "a\u{1}b",
            "a\u{2028}b",
            "+1",
        ] {
            assert!(inline(s).starts_with('"'), "{s:?} should be quoted");
        }
    }

    #[test]
    fn quoted_escapes() {
        assert_eq!(
            quoted("a\"b\\c\nd\te\u{1}\u{1b}\u{7f}\u{85}\u{2028}\u{feff}é"),
            "\"a\\\"b\\\\c\\nd\\te\\x01\\x1B\\x7F\\N\\L\\uFEFFé\""
        );
    }

    #[test]
    fn flow_items_quote_colons_and_indicators() {
        assert_eq!(
            flow_list(["incident", "severity::1", "a,b", "Service::Web", "web"]),
            "[incident, \"severity::1\", \"a,b\", \"Service::Web\", web]"
        );
    }

    #[test]
    fn blocks_for_multi_line_text() {
        assert_eq!(literal_block("a\n\nb\n"), Some("|"));
        assert_eq!(literal_block("a\nb"), Some("|-"));
        for s in [
            "one line",
            "a\n\n",
            "\n",
            " a\nb\n",
            "a \nb\n",
            "a\r\nb\n",
            "a\tb\nc\n",
        ] {
            assert_eq!(literal_block(s), None, "{s:?}");
        }
        let mut w = Writer::default();
        w.item_start();
        w.text(2, "text", "one\n\n  two\n");
        assert_eq!(w.out, "  - text: |\n      one\n\n        two\n");
    }

    #[test]
    fn times_dates_numbers() {
        let t = DateTime::parse_from_rfc3339("2026-07-07T11:30:00+02:00")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(time(t), "2026-07-07T09:30:00Z");
        let t = DateTime::parse_from_rfc3339("2026-07-07T09:30:00.250Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(time(t), "2026-07-07T09:30:00.250Z");
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2026, 8, 1).unwrap()),
            "2026-08-01"
        );
        assert_eq!(number(99.95), "99.95");
        assert_eq!(number(100.0), "100");
        assert_eq!(number(0.9995), "0.9995");
    }
}
