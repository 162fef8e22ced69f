//! One data file, from its YAML tree (`yaml`) to the model: the raw shapes
//! each record is read into, and the checks that turn them into typed
//! records.
//!
//! Every scalar is read as its source text (`Spanned<String>`), so that
//! `id: 17054` is an id like `id: "17054"`, and so that each check writes its
//! own message at the value's line and column. Every key is optional in the
//! raw shapes: a missing key is reported by the check at the record it
//! belongs to. Nothing but a YAML syntax error stops a file: unknown and
//! repeated keys, values of the wrong shape and every broken rule are all
//! reported in one run.

mod pages;
mod sli;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};

use super::model::{
    ActionStatus, CorrectiveAction, Id, Impact, Incident, MaintenanceWindow, Origin, Service,
    Severity, Status, TimelineEntry,
};
use super::month::Month;
use super::percent::{MAX_DECIMALS, Percent};

use super::yaml::{self, Entry, Node, NodeKind};
use crate::diag::{Diagnostic, Location};
pub(super) use pages::{CheckedPages, pages_file};
pub(super) use sli::sli_file;

/// The only `schema:` value this version reads.
pub(super) const SCHEMA: &str = "1";

/// A value and the byte offset where it is written.
#[derive(Debug, Clone)]
pub(super) struct Spanned<T> {
    pub value: T,
    pub at: usize,
}

/// A scalar, as written in the file.
type Scalar = Option<Spanned<String>>;
/// A list of records or scalars, each with its location.
type List<T> = Option<Spanned<Vec<Spanned<T>>>>;

// ---------------------------------------------------------------------------
// The keys of each record, in canonical order: the writer (`write`) writes
// them in this order and the "known keys" help lists them so.

pub(super) const SERVICES_FILE_KEYS: &[&str] = &["schema", "services"];
pub(super) const SERVICE_KEYS: &[&str] = &["id", "name", "weight", "target", "team", "description"];
pub(super) const INCIDENT_KEYS: &[&str] = &[
    "schema",
    "id",
    "title",
    "severity",
    "status",
    "confidential",
    "services",
    "started_at",
    "detected_at",
    "mitigated_at",
    "resolved_at",
    "impact",
    "root_cause",
    "url",
    "labels",
    "summary",
    "timeline",
    "corrective_actions",
];
pub(super) const TIMELINE_KEYS: &[&str] = &["at", "text"];
pub(super) const ACTION_KEYS: &[&str] = &["title", "url", "status", "due", "owner"];
pub(super) const MAINTENANCE_FILE_KEYS: &[&str] = &["schema", "windows"];
pub(super) const WINDOW_KEYS: &[&str] = &["id", "title", "services", "start", "end", "url"];

// ---------------------------------------------------------------------------
// Raw shapes, read from the tree.

struct RawServicesFile<'n> {
    record: Record<'n>,
    schema: Scalar,
    services: List<RawService<'n>>,
}

struct RawService<'n> {
    record: Record<'n>,
    id: Scalar,
    name: Scalar,
    weight: Scalar,
    target: Scalar,
    team: Scalar,
    description: Scalar,
}

struct RawIncident<'n> {
    record: Record<'n>,
    schema: Scalar,
    id: Scalar,
    title: Scalar,
    severity: Scalar,
    status: Scalar,
    confidential: Scalar,
    services: List<String>,
    started_at: Scalar,
    detected_at: Scalar,
    mitigated_at: Scalar,
    resolved_at: Scalar,
    impact: Scalar,
    root_cause: Scalar,
    url: Scalar,
    labels: List<String>,
    summary: Scalar,
    timeline: List<RawTimelineEntry<'n>>,
    corrective_actions: List<RawAction<'n>>,
}

struct RawTimelineEntry<'n> {
    record: Record<'n>,
    at: Scalar,
    text: Scalar,
}

struct RawAction<'n> {
    record: Record<'n>,
    title: Scalar,
    url: Scalar,
    status: Scalar,
    due: Scalar,
    owner: Scalar,
}

struct RawMaintenanceFile<'n> {
    record: Record<'n>,
    schema: Scalar,
    windows: List<RawWindow<'n>>,
}

struct RawWindow<'n> {
    record: Record<'n>,
    id: Scalar,
    title: Scalar,
    services: List<String>,
    start: Scalar,
    end: Scalar,
    url: Scalar,
}

fn services_file_raw<'n>(ck: &mut Check, node: &'n Node) -> Option<RawServicesFile<'n>> {
    let f = ck.fields(node, "services.yaml", SERVICES_FILE_KEYS)?;
    Some(RawServicesFile {
        schema: ck.scalar(&f, "schema"),
        services: ck.list(&f, "services", |ck, n| {
            let f = ck.fields(n, SERVICE, SERVICE_KEYS)?;
            Some(RawService {
                id: ck.scalar(&f, "id"),
                name: ck.scalar(&f, "name"),
                weight: ck.scalar(&f, "weight"),
                target: ck.scalar(&f, "target"),
                team: ck.scalar(&f, "team"),
                description: ck.scalar(&f, "description"),
                record: f,
            })
        }),
        record: f,
    })
}

fn incident_raw<'n>(ck: &mut Check, node: &'n Node) -> Option<RawIncident<'n>> {
    let f = ck.fields(node, INCIDENT, INCIDENT_KEYS)?;
    Some(RawIncident {
        schema: ck.scalar(&f, "schema"),
        id: ck.scalar(&f, "id"),
        title: ck.scalar(&f, "title"),
        severity: ck.scalar(&f, "severity"),
        status: ck.scalar(&f, "status"),
        confidential: ck.scalar(&f, "confidential"),
        services: ck.list(&f, "services", |ck, n| ck.item(n, "services")),
        started_at: ck.scalar(&f, "started_at"),
        detected_at: ck.scalar(&f, "detected_at"),
        mitigated_at: ck.scalar(&f, "mitigated_at"),
        resolved_at: ck.scalar(&f, "resolved_at"),
        impact: ck.scalar(&f, "impact"),
        root_cause: ck.scalar(&f, "root_cause"),
        url: ck.scalar(&f, "url"),
        labels: ck.list(&f, "labels", |ck, n| ck.item(n, "labels")),
        summary: ck.scalar(&f, "summary"),
        timeline: ck.list(&f, "timeline", |ck, n| {
            let f = ck.fields(n, "timeline entry", TIMELINE_KEYS)?;
            Some(RawTimelineEntry {
                at: ck.scalar(&f, "at"),
                text: ck.scalar(&f, "text"),
                record: f,
            })
        }),
        corrective_actions: ck.list(&f, "corrective_actions", |ck, n| {
            let f = ck.fields(n, "corrective action", ACTION_KEYS)?;
            Some(RawAction {
                title: ck.scalar(&f, "title"),
                url: ck.scalar(&f, "url"),
                status: ck.scalar(&f, "status"),
                due: ck.scalar(&f, "due"),
                owner: ck.scalar(&f, "owner"),
                record: f,
            })
        }),
        record: f,
    })
}

fn maintenance_file_raw<'n>(ck: &mut Check, node: &'n Node) -> Option<RawMaintenanceFile<'n>> {
    let f = ck.fields(node, "maintenance file", MAINTENANCE_FILE_KEYS)?;
    Some(RawMaintenanceFile {
        schema: ck.scalar(&f, "schema"),
        windows: ck.list(&f, "windows", |ck, n| {
            let f = ck.fields(n, WINDOW, WINDOW_KEYS)?;
            Some(RawWindow {
                id: ck.scalar(&f, "id"),
                title: ck.scalar(&f, "title"),
                services: ck.list(&f, "services", |ck, n| ck.item(n, "services")),
                start: ck.scalar(&f, "start"),
                end: ck.scalar(&f, "end"),
                url: ck.scalar(&f, "url"),
                record: f,
            })
        }),
        record: f,
    })
}

// ---------------------------------------------------------------------------
// Shared context.

/// The service ids of `data/services.yaml`, which incidents and maintenance
/// windows must name.
pub(super) struct KnownServices {
    ids: BTreeSet<Id>,
    /// "known services: api, git, web".
    help: String,
}

impl KnownServices {
    pub fn new(ids: BTreeSet<Id>) -> KnownServices {
        const SHOWN: usize = 30;
        let help = if ids.is_empty() {
            "data/services.yaml lists no services yet: add this one there".to_string()
        } else {
            let mut list: Vec<&str> = ids.iter().take(SHOWN).map(Id::as_str).collect();
            if ids.len() > SHOWN {
                list.push("…");
            }
            format!(
                "known services: {}; a new service is added to data/services.yaml first",
                list.join(", ")
            )
        };
        KnownServices { ids, help }
    }
}

/// What services.yaml yields.
pub(super) struct ServicesFile {
    pub services: Vec<Service>,
    /// Every valid id in the file, also of services with other problems, so
    /// that one broken service does not make every incident naming it fail.
    pub ids: BTreeSet<Id>,
}

/// Where an incident file lives: `data/incidents/<year>/<stem>.yaml`.
pub(super) struct IncidentPath<'a> {
    pub year: i32,
    pub stem: &'a str,
}

/// A checked incident and where its `id` is, for cross-file messages.
pub(super) struct CheckedIncident {
    pub incident: Incident,
    pub id_at: Location,
}

/// A record being checked (a mapping in the file): where it starts, what to
/// call it, and its entries (to tell a missing key from one of the wrong
/// shape, which was reported already).
#[derive(Clone, Copy)]
struct Record<'n> {
    at: usize,
    noun: &'static str,
    entries: &'n [Entry],
}

impl<'n> Record<'n> {
    /// The value of `key`, unless absent or null.
    fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|e| e.key == key)
            .map(|e| &e.value)
            .filter(|n| n.kind != NodeKind::Null)
    }
}

/// The checks of one file: its relative path, its text, what went wrong.
pub(super) struct Check<'a> {
    file: &'a Path,
    text: &'a str,
    diags: Vec<Diagnostic>,
    /// Byte offset of each line's start, made on first use: a month of
    /// pages asks for the line of every record, and counting from the top
    /// each time made that quadratic.
    line_starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> Check<'a> {
    /// `file` is relative to the site root (`data/services.yaml`).
    pub fn new(file: &'a Path, text: &'a str) -> Check<'a> {
        Check {
            file,
            text,
            diags: Vec::new(),
            line_starts: std::cell::OnceCell::new(),
        }
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diags
    }

    fn loc(&self, at: &usize) -> Location {
        Location::at_offset(self.file, self.text, *at)
    }

    /// The 1-based line of byte offset `at`, for "(line 7)" in messages.
    fn line(&self, at: &usize) -> usize {
        let starts = self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        starts.partition_point(|&s| s <= *at)
    }

    /// The file's text, to place an offset later (`Location::at_offset`).
    fn source_text(&self) -> &'a str {
        self.text
    }

    fn origin(&self, record: &Record) -> Origin {
        Origin {
            file: self.file.to_path_buf(),
            line: self.line(&record.at),
        }
    }

    fn error(&mut self, at: &usize, message: impl Into<String>, help: impl Into<String>) {
        let d = Diagnostic::error(message).at(self.loc(at)).help(help);
        self.diags.push(d);
    }

    fn warning(&mut self, at: &usize, message: impl Into<String>, help: impl Into<String>) {
        let d = Diagnostic::warning(message).at(self.loc(at)).help(help);
        self.diags.push(d);
    }

    // -- YAML ---------------------------------------------------------------

    /// The file's YAML tree; `None` (with the error recorded) when the file
    /// is empty or not YAML.
    fn yaml(&mut self, holds: &str) -> Option<Node> {
        let node = yaml::parse(self.file, self.text, &mut self.diags);
        let empty = match &node {
            None => self.diags.is_empty(),
            Some(n) => n.kind == NodeKind::Null,
        };
        if empty {
            self.diags.push(
                Diagnostic::error("the file is empty")
                    .at(Location::file(self.file))
                    .help(format!("this file holds {holds}; fill it in or delete it")),
            );
            return None;
        }
        node
    }

    /// `node` as a record with `keys`: each unknown key is an error that
    /// suggests the closest known one. `None` when it is not a mapping.
    fn fields<'n>(
        &mut self,
        node: &'n Node,
        noun: &'static str,
        keys: &[&str],
    ) -> Option<Record<'n>> {
        let NodeKind::Map(entries) = &node.kind else {
            self.error(
                &node.at,
                format!(
                    "a {noun} is a mapping of keys, not {}",
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
            self.error(&e.key_at, format!("unknown key `{}`", e.key), help);
        }
        Some(Record {
            at: node.at,
            noun,
            entries,
        })
    }

    /// The text of `key`; a list or mapping there is an error.
    fn scalar(&mut self, record: &Record, key: &str) -> Scalar {
        let node = record.get(key)?;
        self.item(node, key)
            .map(|value| Spanned { value, at: node.at })
    }

    /// A list item or value that must be a single value.
    fn item(&mut self, node: &Node, key: &str) -> Option<String> {
        match &node.kind {
            NodeKind::Scalar(s) => Some(s.clone()),
            NodeKind::Null => None,
            other => {
                self.error(
                    &node.at,
                    format!("`{key}` must be a single value, not {}", yaml::shape(other)),
                    "see docs/data-format.md for what each key holds",
                );
                None
            }
        }
    }

    /// The list at `key`, each item read by `item` (an item it cannot read
    /// is left out, its error recorded); anything but a list is an error.
    fn list<'n, T>(
        &mut self,
        record: &Record<'n>,
        key: &str,
        mut item: impl FnMut(&mut Self, &'n Node) -> Option<T>,
    ) -> List<T> {
        let node = record.get(key)?;
        let NodeKind::Seq(items) = &node.kind else {
            self.error(
                &node.at,
                format!("`{key}` must be a list, not {}", yaml::shape(&node.kind)),
                format!("write a list: `{key}: [a, b]`, or one `- item` per line"),
            );
            return None;
        };
        let value = items
            .iter()
            .filter_map(|n| item(self, n).map(|value| Spanned { value, at: n.at }))
            .collect();
        Some(Spanned { value, at: node.at })
    }

    fn schema(&mut self, schema: &Scalar) {
        if let Some(s) = schema
            && s.value.trim() != SCHEMA
        {
            self.error(
                &s.at,
                format!("unsupported `schema: {}`", s.value),
                format!(
                    "this opsbook reads data files of schema {SCHEMA}: write `schema: {SCHEMA}` \
                     (or leave it out), or upgrade opsbook"
                ),
            );
        }
    }

    /// `month:` of a monthly file (`data/sli/`, `data/pages/`): present,
    /// `YYYY-MM`, and the month of the file's name.
    fn file_month(&mut self, value: &Scalar, month: Month, record: &Record) -> bool {
        let Some(v) = self.required(value, "month", record) else {
            return false;
        };
        let s = v.value.trim();
        match Month::parse(s) {
            None => {
                self.error(
                    &v.at,
                    format!("`month` must be a month YYYY-MM, not `{s}`"),
                    format!("write the month of the file's name: `month: {month}`"),
                );
                false
            }
            Some(m) if m != month => {
                self.error(
                    &v.at,
                    format!("`month: {m}` but the file is {month}.yaml"),
                    format!(
                        "a monthly file holds the month of its name: write `month: {month}`, \
                         or rename the file to `{m}.yaml`"
                    ),
                );
                false
            }
            Some(_) => true,
        }
    }

    // -- keys and values -----------------------------------------------------

    /// `value`, or an error at the record when the key is missing or has no
    /// value (a value of the wrong shape was reported when it was read).
    fn required<'v, T>(
        &mut self,
        value: &'v Option<Spanned<T>>,
        key: &str,
        record: &Record,
    ) -> Option<&'v Spanned<T>> {
        if value.is_none() {
            match record.entries.iter().find(|e| e.key == key) {
                None => self.error(
                    &record.at,
                    format!("{} without `{key}`", record.noun),
                    format!("add `{key}:` to this {}", record.noun),
                ),
                Some(e) if e.value.kind == NodeKind::Null => self.error(
                    &e.key_at,
                    format!("`{key}` has no value"),
                    format!("write the {}'s {key} after `{key}:`", record.noun),
                ),
                Some(_) => {}
            }
        }
        value.as_ref()
    }

    /// A percentage as people write it (`99.95`): 0..=100, plain decimal,
    /// at most `MAX_DECIMALS` decimals, kept exact.
    fn percent(&mut self, v: &Spanned<String>, key: &str, help: &str) -> Option<Percent> {
        let s = v.value.trim();
        let parsed = Percent::parse(s);
        if parsed.is_none() {
            let message = if s.ends_with('%') {
                format!("`{key}` is written without `%`: `{s}`")
            } else {
                format!(
                    "`{key}` must be a percentage from 0 to 100 with at most {MAX_DECIMALS} \
                     decimals, not `{s}`"
                )
            };
            self.error(&v.at, message, help);
        }
        parsed
    }

    fn id(&mut self, v: &Spanned<String>, key: &str) -> Option<Id> {
        let id = Id::parse(&v.value);
        if id.is_none() {
            self.error(
                &v.at,
                format!("`{key}` must match [a-z0-9][a-z0-9-]*, not `{}`", v.value),
                "use lowercase letters, digits and `-` (at most 128), starting with a letter or \
                 digit, e.g. `pg16-upgrade`",
            );
        }
        id
    }

    /// A required text: present and not blank.
    fn text(&mut self, value: &Scalar, key: &str, record: &Record) -> Option<String> {
        let v = self.required(value, key, record)?;
        if v.value.trim().is_empty() {
            self.error(
                &v.at,
                format!("`{key}` is empty"),
                format!("write the {}'s {key}", record.noun),
            );
            return None;
        }
        Some(v.value.clone())
    }

    /// An optional text; blank counts as absent.
    fn opt_text(value: &Scalar) -> Option<String> {
        value
            .as_ref()
            .filter(|v| !v.value.trim().is_empty())
            .map(|v| v.value.clone())
    }

    fn choice<T: Copy>(
        &mut self,
        v: &Spanned<String>,
        key: &str,
        allowed: &[(&str, T)],
        help: &str,
    ) -> Option<T> {
        let found = allowed
            .iter()
            .find(|(name, _)| *name == v.value)
            .map(|(_, t)| *t);
        if found.is_none() {
            let names: Vec<&str> = allowed.iter().map(|(n, _)| *n).collect();
            self.error(
                &v.at,
                format!(
                    "`{key}` must be one of {}, not `{}`",
                    names.join(", "),
                    v.value
                ),
                help,
            );
        }
        found
    }

    fn boolean(&mut self, v: &Spanned<String>, key: &str, help: &str) -> Option<bool> {
        self.choice(v, key, &[("true", true), ("false", false)], help)
    }

    fn time(&mut self, v: &Spanned<String>, key: &str) -> Option<DateTime<Utc>> {
        let s = v.value.trim();
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Some(t.with_timezone(&Utc));
        }
        let naive = [
            "%Y-%m-%dT%H:%M:%S%.f",
            "%Y-%m-%d %H:%M:%S%.f",
            "%Y-%m-%dT%H:%M",
        ]
        .iter()
        .any(|f| NaiveDateTime::parse_from_str(s, f).is_ok());
        let (message, help) = if naive {
            (
                format!("`{key}` has no UTC offset: `{s}`"),
                format!(
                    "say which time zone the time is in: `{s}Z` for UTC, or an offset such as \
                     `+02:00`"
                ),
            )
        } else if is_date(s) {
            (
                format!("`{key}` is a date, not a time: `{s}`"),
                format!("write a time with its offset, e.g. `{s}T00:00:00Z`"),
            )
        } else {
            (
                format!("`{key}` is not an RFC 3339 time: `{s}`"),
                "write a time with its offset, e.g. `2026-07-07T09:30:00Z`".to_string(),
            )
        };
        self.error(&v.at, message, help);
        None
    }

    fn date(&mut self, v: &Spanned<String>, key: &str) -> Option<NaiveDate> {
        let s = v.value.trim();
        let date = is_date(s)
            .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .flatten();
        if date.is_none() {
            self.error(
                &v.at,
                format!("`{key}` is not a date YYYY-MM-DD: `{s}`"),
                "write a calendar date such as `2026-08-01`",
            );
        }
        date
    }

    /// An optional link; only web addresses, as it ends up in an `href`.
    fn url(&mut self, value: &Scalar, key: &str) -> Option<String> {
        let v = value.as_ref()?;
        let s = v.value.trim();
        if s.is_empty() {
            return None;
        }
        // The same rule the pages apply (`urls`), checked early with a location.
        if !crate::urls::is_safe_external(s) {
            self.error(
                &v.at,
                format!("`{key}` is not an http(s) address: `{s}`"),
                "write the full address, e.g. `https://gitlab.example.com/group/project/-/issues/1`",
            );
            return None;
        }
        Some(s.to_string())
    }

    /// `services:` of an incident or a window: at least one, each known.
    fn service_list(
        &mut self,
        value: &List<String>,
        record: &Record,
        known: Option<&KnownServices>,
    ) -> Option<Vec<Id>> {
        let list = self.required(value, "services", record)?;
        if list.value.is_empty() {
            self.error(
                &list.at,
                "`services` is empty",
                "list at least one service id from data/services.yaml, e.g. `services: [web]`",
            );
            return None;
        }
        let mut ids = Vec::with_capacity(list.value.len());
        let mut ok = true;
        let mut seen = BTreeSet::new();
        for v in &list.value {
            let Some(id) = self.id(v, "services") else {
                ok = false;
                continue;
            };
            if let Some(known) = known
                && !known.ids.contains(&id)
            {
                self.error(&v.at, format!("unknown service `{id}`"), known.help.clone());
                ok = false;
                continue;
            }
            if !seen.insert(id.clone()) {
                self.warning(
                    &v.at,
                    format!("service `{id}` is listed twice"),
                    "list each service once",
                );
                continue;
            }
            ids.push(id);
        }
        ok.then_some(ids)
    }
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// The candidate closest to `word` by edit distance, if close enough to be a
/// likely typo.
pub(super) fn closest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    fn distance(a: &str, b: &str) -> usize {
        let b: Vec<char> = b.chars().collect();
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut cur = vec![i + 1];
            for (j, cb) in b.iter().enumerate() {
                let sub = prev[j] + usize::from(ca != *cb);
                cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
            }
            prev = cur;
        }
        prev[b.len()]
    }
    let limit = (word.chars().count() / 3).max(1);
    candidates
        .iter()
        .map(|c| (distance(word, c), *c))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

// ---------------------------------------------------------------------------
// data/services.yaml

const SERVICE: &str = "service";

/// Checks `data/services.yaml`; `None` when it is not readable as YAML of
/// the right shape (then no service id can be checked).
pub(super) fn services_file(ck: &mut Check) -> Option<ServicesFile> {
    let node = ck.yaml("the services (`services:`)")?;
    let raw = services_file_raw(ck, &node)?;
    ck.schema(&raw.schema);
    let file_record = raw.record;
    let mut out = ServicesFile {
        services: Vec::new(),
        ids: BTreeSet::new(),
    };
    let Some(list) = ck.required(&raw.services, "services", &file_record) else {
        return Some(out);
    };
    // First line of each id, for duplicate and order messages.
    let mut lines: BTreeMap<Id, usize> = BTreeMap::new();
    let mut previous: Option<Id> = None;
    for item in &list.value {
        let raw = &item.value;
        let record = raw.record;
        let id = ck
            .required(&raw.id, "id", &record)
            .and_then(|v| ck.id(v, "id").map(|id| (id, v.at)));
        if let Some((id, at)) = &id {
            if let Some(line) = lines.get(id) {
                ck.error(
                    at,
                    format!("duplicate service id `{id}`"),
                    format!("`{id}` is already defined on line {line}: each service appears once"),
                );
            } else {
                if let Some(prev) = &previous
                    && prev > id
                {
                    ck.error(
                        at,
                        format!("services are not sorted by id: `{id}` comes after `{prev}`"),
                        format!(
                            "move `{id}` before `{prev}` (line {}): services.yaml is sorted by id",
                            lines[prev]
                        ),
                    );
                }
                lines.insert(id.clone(), ck.line(at));
                out.ids.insert(id.clone());
                previous = Some(id.clone());
            }
        }
        let name = ck.text(&raw.name, "name", &record);
        let weight = ck
            .required(&raw.weight, "weight", &record)
            .and_then(|v| weight(ck, v));
        let target = ck
            .required(&raw.target, "target", &record)
            .and_then(|v| target(ck, v));
        if let (Some((id, _)), Some(name), Some(weight), Some(target)) = (id, name, weight, target)
        {
            out.services.push(Service {
                id,
                name,
                weight,
                target,
                team: Check::opt_text(&raw.team),
                description: Check::opt_text(&raw.description),
                origin: ck.origin(&record),
            });
        }
    }
    Some(out)
}

fn weight(ck: &mut Check, v: &Spanned<String>) -> Option<u32> {
    let s = v.value.trim();
    let parsed = if s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty() {
        s.parse::<u32>().ok()
    } else {
        None
    };
    if parsed.is_none() {
        ck.error(
            &v.at,
            format!("`weight` must be a whole number, 0 or more, not `{s}`"),
            "the platform figure weighs each service by `weight` (e.g. web 5, registry 1); 0 \
             leaves the service out",
        );
    }
    parsed
}

fn target(ck: &mut Check, v: &Spanned<String>) -> Option<Percent> {
    let s = v.value.trim();
    let help = "write the monthly target as a percentage above 0 and at most 100: `99.95` means \
                99.95 %";
    if s.ends_with('%') {
        ck.error(
            &v.at,
            format!("`target` is written without `%`: `{s}`"),
            help,
        );
        return None;
    }
    let Some(t) = Percent::parse(s).filter(|t| *t > Percent::ZERO) else {
        ck.error(
            &v.at,
            format!(
                "`target` must be a percentage in (0, 100] with at most {MAX_DECIMALS} \
                 decimals, not `{s}`"
            ),
            help,
        );
        return None;
    };
    if t <= Percent::parse("1").expect("1 is a percentage") {
        ck.warning(
            &v.at,
            format!("`target: {s}` means {s} %, not {} %", hundred_times(t)),
            help,
        );
    }
    Some(t)
}

/// `t × 100` written out exactly, for `t ≤ 1` (`0.9995` → `99.95`).
fn hundred_times(t: Percent) -> String {
    let (num, den) = t.fraction();
    // t = num / den × 100, so t × 100 = num × 10^4 / den exactly.
    let value = Percent::from_units(
        i64::try_from(num * 10_000 * 10i128.pow(MAX_DECIMALS) / den).unwrap_or(i64::MAX),
        MAX_DECIMALS,
    );
    value.map_or_else(|| t.to_string(), |p| p.to_string())
}

// ---------------------------------------------------------------------------
// data/incidents/YYYY/<id>.yaml

const INCIDENT: &str = "incident";

const SEVERITIES: [(&str, Severity); 4] = [
    ("1", Severity::S1),
    ("2", Severity::S2),
    ("3", Severity::S3),
    ("4", Severity::S4),
];
const STATUSES: [(&str, Status); 3] = [
    ("active", Status::Active),
    ("mitigated", Status::Mitigated),
    ("resolved", Status::Resolved),
];
const IMPACTS: [(&str, Impact); 3] = [
    ("outage", Impact::Outage),
    ("degraded", Impact::Degraded),
    ("none", Impact::None),
];
const ACTION_STATUSES: [(&str, ActionStatus); 2] = [
    ("open", ActionStatus::Open),
    ("closed", ActionStatus::Closed),
];

/// Checks one incident file.
pub(super) fn incident_file(
    ck: &mut Check,
    path: &IncidentPath,
    known: Option<&KnownServices>,
) -> Option<CheckedIncident> {
    let node = ck.yaml("one incident")?;
    let raw = incident_raw(ck, &node)?;
    let record = raw.record;
    ck.schema(&raw.schema);

    let id = ck
        .required(&raw.id, "id", &record)
        .and_then(|v| ck.id(v, "id").map(|id| (id, v.at)));
    if let Some((id, at)) = &id
        && id.as_str() != path.stem
    {
        ck.error(
            at,
            format!(
                "the file is named `{}.yaml` but holds incident `{id}`",
                path.stem
            ),
            format!("an incident file is named after its id: rename it to `{id}.yaml`"),
        );
    }
    let title = ck.text(&raw.title, "title", &record);
    let severity = ck
        .required(&raw.severity, "severity", &record)
        .and_then(|v| {
            ck.choice(
                v,
                "severity",
                &SEVERITIES,
                "1 is the worst (service unavailable for the typical user, or data loss), 4 \
                 the least",
            )
        });
    let status = ck.required(&raw.status, "status", &record).and_then(|v| {
        ck.choice(
            v,
            "status",
            &STATUSES,
            "`active` while impacting, `mitigated` once the impact ended, `resolved` when closed",
        )
    });
    let confidential = ck
        .required(&raw.confidential, "confidential", &record)
        .and_then(|v| {
            ck.boolean(
                v,
                "confidential",
                "`true` keeps the incident off the site (it still counts in the figures)",
            )
        });
    let services = ck.service_list(&raw.services, &record, known);
    let impact = ck.required(&raw.impact, "impact", &record).and_then(|v| {
        ck.choice(
            v,
            "impact",
            &IMPACTS,
            "`outage` counts fully as downtime, `degraded` partly, `none` not at all",
        )
    });

    // The four times, in the order they must run.
    let started_at = ck
        .required(&raw.started_at, "started_at", &record)
        .and_then(|v| ck.time(v, "started_at"));
    let mut times = [
        ("started_at", &raw.started_at, started_at),
        ("detected_at", &raw.detected_at, None),
        ("mitigated_at", &raw.mitigated_at, None),
        ("resolved_at", &raw.resolved_at, None),
    ];
    for (key, value, parsed) in times.iter_mut().skip(1) {
        *parsed = value.as_ref().and_then(|v| ck.time(v, key));
    }
    let mut latest: Option<(&str, DateTime<Utc>, usize)> = None;
    for (key, value, parsed) in &times {
        let (Some(t), Some(v)) = (parsed, value) else {
            continue;
        };
        match latest {
            Some((before, bt, bat)) if *t < bt => ck.error(
                &v.at,
                format!("`{key}` is before `{before}`"),
                format!(
                    "times run started_at ≤ detected_at ≤ mitigated_at ≤ resolved_at; \
                     `{before}` is {} (line {})",
                    bt.format("%Y-%m-%dT%H:%M:%SZ"),
                    ck.line(&bat)
                ),
            ),
            _ => latest = Some((key, *t, v.at)),
        }
    }
    if let (Some(status), Some(v)) = (status, &raw.status) {
        let needs = match status {
            Status::Resolved => Some("resolved_at"),
            Status::Mitigated => Some("mitigated_at"),
            Status::Active => None,
        };
        if let Some(key) = needs
            && times
                .iter()
                .any(|(k, value, _)| *k == key && value.is_none())
        {
            ck.error(
                &v.at,
                format!("`status: {}` needs `{key}`", status.as_str()),
                format!("add `{key}:` with the time, or correct the status"),
            );
        }
    }
    if let (Some(started), Some(v)) = (started_at, &raw.started_at)
        && started.year() != path.year
    {
        ck.error(
            &v.at,
            format!(
                "`started_at` is in {} (UTC) but the file is in the folder of {}",
                started.year(),
                path.year
            ),
            format!(
                "incidents are filed by the year they started: move the file to \
                 data/incidents/{}/",
                started.year()
            ),
        );
    }

    let labels = labels(ck, &raw.labels);
    let timeline = timeline(ck, &raw.timeline);
    let corrective_actions = actions(ck, &raw.corrective_actions);
    let url = ck.url(&raw.url, "url");

    let (
        Some((id, id_at)),
        Some(title),
        Some(severity),
        Some(status),
        Some(confidential),
        Some(services),
        Some(started_at),
        Some(impact),
        Some(timeline),
        Some(corrective_actions),
    ) = (
        id,
        title,
        severity,
        status,
        confidential,
        services,
        started_at,
        impact,
        timeline,
        corrective_actions,
    )
    else {
        return None;
    };
    Some(CheckedIncident {
        id_at: ck.loc(&id_at),
        incident: Incident {
            id,
            title,
            severity,
            status,
            confidential,
            services,
            started_at,
            detected_at: times[1].2,
            mitigated_at: times[2].2,
            resolved_at: times[3].2,
            impact,
            root_cause: Check::opt_text(&raw.root_cause),
            url,
            labels,
            summary: Check::opt_text(&raw.summary),
            timeline,
            corrective_actions,
            origin: ck.origin(&record),
        },
    })
}

fn labels(ck: &mut Check, value: &List<String>) -> Vec<String> {
    let Some(list) = value else {
        return Vec::new();
    };
    let labels: Vec<String> = list.value.iter().map(|l| l.value.clone()).collect();
    if let Some(i) = labels.windows(2).position(|w| w[0] > w[1]) {
        let mut sorted = labels.clone();
        sorted.sort();
        ck.warning(
            &list.value[i + 1].at,
            format!(
                "`labels` are not sorted: `{}` comes after `{}`",
                labels[i + 1],
                labels[i]
            ),
            format!("write them sorted: [{}]", quote_list(&sorted)),
        );
    }
    labels
}

/// `a, "severity::1"`: YAML flow items, quoted where needed.
fn quote_list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| {
            if s.chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_' || c == ' ')
                && !s.starts_with(' ')
            {
                s.clone()
            } else {
                format!("{s:?}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn timeline(ck: &mut Check, value: &List<RawTimelineEntry>) -> Option<Vec<TimelineEntry>> {
    let Some(list) = value else {
        return Some(Vec::new());
    };
    let mut out = Vec::with_capacity(list.value.len());
    let mut ok = true;
    let mut previous: Option<(DateTime<Utc>, usize)> = None;
    for item in &list.value {
        let record = item.value.record;
        let at_value = ck.required(&item.value.at, "at", &record);
        let at = at_value.and_then(|v| ck.time(v, "at"));
        if let (Some(t), Some(v)) = (at, at_value) {
            match previous {
                Some((pt, line)) if t < pt => ck.error(
                    &v.at,
                    "the timeline is not sorted by `at`",
                    format!(
                        "this entry is earlier than the one on line {line}: move it up, the \
                         timeline is in time order"
                    ),
                ),
                _ => previous = Some((t, ck.line(&v.at))),
            }
        }
        let text = ck.text(&item.value.text, "text", &record);
        match (at, text) {
            (Some(at), Some(text)) => out.push(TimelineEntry { at, text }),
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

fn actions(ck: &mut Check, value: &List<RawAction>) -> Option<Vec<CorrectiveAction>> {
    let Some(list) = value else {
        return Some(Vec::new());
    };
    let mut out = Vec::with_capacity(list.value.len());
    let mut ok = true;
    for item in &list.value {
        let raw = &item.value;
        let record = raw.record;
        let title = ck.text(&raw.title, "title", &record);
        let status = ck.required(&raw.status, "status", &record).and_then(|v| {
            ck.choice(
                v,
                "status",
                &ACTION_STATUSES,
                "`open` until the follow-up issue is done, then `closed`",
            )
        });
        let due = match &raw.due {
            Some(v) => ck.date(v, "due").map(Some),
            None => Some(None),
        };
        let url = ck.url(&raw.url, "url");
        let url_ok = url.is_some() || raw.url.as_ref().is_none_or(|v| v.value.trim().is_empty());
        match (title, status, due) {
            (Some(title), Some(status), Some(due)) if url_ok => out.push(CorrectiveAction {
                title,
                url,
                status,
                due,
                owner: Check::opt_text(&raw.owner),
            }),
            _ => ok = false,
        }
    }
    ok.then_some(out)
}

// ---------------------------------------------------------------------------
// data/maintenance/YYYY-MM.yaml

const WINDOW: &str = "maintenance window";

/// Checks one month of maintenance windows.
pub(super) fn maintenance_file(
    ck: &mut Check,
    month: Month,
    known: Option<&KnownServices>,
) -> Vec<MaintenanceWindow> {
    let Some(node) = ck.yaml("a month of maintenance windows (`windows:`)") else {
        return Vec::new();
    };
    let Some(raw) = maintenance_file_raw(ck, &node) else {
        return Vec::new();
    };
    ck.schema(&raw.schema);
    let file_record = raw.record;
    let Some(list) = ck.required(&raw.windows, "windows", &file_record) else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(list.value.len());
    let mut lines: BTreeMap<Id, usize> = BTreeMap::new();
    let mut previous: Option<(DateTime<Utc>, Id, usize)> = None;
    for item in &list.value {
        let raw = &item.value;
        let record = raw.record;
        let id = ck
            .required(&raw.id, "id", &record)
            .and_then(|v| ck.id(v, "id").map(|id| (id, v.at)));
        if let Some((id, at)) = &id {
            if let Some(line) = lines.get(id) {
                ck.error(
                    at,
                    format!("duplicate window id `{id}` in {month}"),
                    format!(
                        "`{id}` is already used on line {line}: give each window of a month \
                         its own id"
                    ),
                );
            } else {
                lines.insert(id.clone(), ck.line(at));
            }
        }
        let title = ck.text(&raw.title, "title", &record);
        let services = ck.service_list(&raw.services, &record, known);
        let start_value = ck.required(&raw.start, "start", &record);
        let start = start_value.and_then(|v| ck.time(v, "start"));
        let end_value = ck.required(&raw.end, "end", &record);
        let end = end_value.and_then(|v| ck.time(v, "end"));
        if let (Some(s), Some(sv)) = (start, start_value) {
            let of_start = Month::of(s);
            if of_start != month {
                ck.error(
                    &sv.at,
                    format!("`start` is in {of_start} (UTC) but the file is {month}.yaml"),
                    format!(
                        "windows are filed by the month they start: move this one to \
                         data/maintenance/{of_start}.yaml"
                    ),
                );
            }
            if let (Some(e), Some(ev)) = (end, end_value)
                && e <= s
            {
                ck.error(
                    &ev.at,
                    "`end` is not after `start`",
                    format!(
                        "a window ends after it starts; `start` is {} (line {})",
                        s.format("%Y-%m-%dT%H:%M:%SZ"),
                        ck.line(&sv.at)
                    ),
                );
            }
        }
        if let (Some(s), Some((id, _))) = (start, &id) {
            match &previous {
                Some((ps, pid, pline)) if (s, id) < (*ps, pid) => ck.error(
                    &record.at,
                    format!(
                        "`windows` are not sorted by `start`, then `id`: `{id}` comes after `{pid}`"
                    ),
                    format!(
                        "move `{id}` before `{pid}` (line {pline}): the file lists windows by \
                         start, then id"
                    ),
                ),
                _ => previous = Some((s, id.clone(), ck.line(&record.at))),
            }
        }
        let url = ck.url(&raw.url, "url");
        if let (Some((id, _)), Some(title), Some(services), Some(start), Some(end)) =
            (id, title, services, start, end)
        {
            out.push(MaintenanceWindow {
                id,
                title,
                services,
                start,
                end,
                url,
                origin: ck.origin(&record),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check<T>(text: &str, f: impl FnOnce(&mut Check) -> T) -> (T, Vec<Diagnostic>) {
        let file = Path::new("data/x.yaml");
        let mut ck = Check::new(file, text);
        let out = f(&mut ck);
        (out, ck.into_diagnostics())
    }

    #[test]
    fn lines_from_the_index_match_locations() {
        let text = "a: 1\n\nbb: 2\nc: é\n";
        let file = Path::new("data/x.yaml");
        let ck = Check::new(file, text);
        for at in 0..=text.len() {
            assert_eq!(
                ck.line(&at),
                Location::at_offset(file, text, at).line,
                "{at}"
            );
        }
    }

    #[test]
    fn closest_key() {
        let keys = ["id", "title", "timeline", "started_at"];
        assert_eq!(closest("timline", &keys), Some("timeline"));
        assert_eq!(closest("start_at", &keys), Some("started_at"));
        assert_eq!(closest("colour", &keys), None);
    }

    #[test]
    fn times_need_an_offset() {
        let text = "a: 2026-07-07T09:30:00\n";
        let v = Spanned {
            value: "2026-07-07T09:30:00".to_string(),
            at: 3,
        };
        let (t, d) = check(text, |ck| ck.time(&v, "started_at"));
        assert!(t.is_none());
        assert!(d[0].message.contains("no UTC offset"), "{}", d[0].message);
        let v = Spanned {
            value: "2026-07-07T11:30:00+02:00".to_string(),
            at: 3,
        };
        let (t, d) = check(text, |ck| ck.time(&v, "started_at"));
        assert_eq!(t.unwrap().to_rfc3339(), "2026-07-07T09:30:00+00:00");
        assert!(d.is_empty());
    }

    #[test]
    fn weights_and_targets() {
        let v = |s: &str| Spanned {
            value: s.to_string(),
            at: 0,
        };
        for (s, ok) in [
            ("0", true),
            ("5", true),
            ("-1", false),
            ("1.5", false),
            ("x", false),
        ] {
            let (w, _) = check("", |ck| weight(ck, &v(s)));
            assert_eq!(w.is_some(), ok, "{s}");
        }
        for (s, ok) in [
            ("99.95", true),
            ("100", true),
            ("0", false),
            ("100.01", false),
            ("99.9%", false),
            (".nan", false),
        ] {
            let (t, _) = check("", |ck| target(ck, &v(s)));
            assert_eq!(t.is_some(), ok, "{s}");
        }
        let (t, d) = check("", |ck| target(ck, &v("0.9995")));
        assert_eq!(t, Percent::parse("0.9995"));
        assert!(!d[0].is_error(), "a fraction is a warning");
        assert!(d[0].message.contains("not 99.95 %"), "{}", d[0].message);
        let (t, d) = check("", |ck| target(ck, &v("1")));
        assert_eq!(t, Percent::parse("1"));
        assert!(d[0].message.contains("not 100 %"), "{}", d[0].message);
        // Exact: more decimals than a float keeps apart.
        let (t, _) = check("", |ck| target(ck, &v("99.950000000001")));
        assert!(t > Percent::parse("99.95"));
    }
}
