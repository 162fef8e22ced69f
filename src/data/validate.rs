//! One data file, from YAML to the model: the raw shapes the files are
//! parsed into, and the checks that turn them into typed records.
//!
//! Every scalar is read as its source text (`Spanned<String>`), so that
//! `id: 17054` is an id like `id: "17054"`, and so that each check writes its
//! own message at the value's line and column instead of serde's. Every key
//! is optional in the raw shapes: a missing key is reported by the check at
//! the record it belongs to, and all of a file's problems come out in one run
//! (only a YAML syntax error, an unknown or duplicate key, or a value of the
//! wrong shape stops the file at the first problem).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_saphyr::{Location as YamlLocation, MessageFormatter, Spanned};

use super::model::{
    ActionStatus, CorrectiveAction, Id, Impact, Incident, MaintenanceWindow, Origin, Service,
    Severity, Status, TimelineEntry,
};
use crate::diag::{Diagnostic, Location};

/// The only `schema:` value this version reads.
pub(super) const SCHEMA: &str = "1";

/// A scalar, as written in the file.
type Scalar = Option<Spanned<String>>;
/// A list of records or scalars, each with its location.
type List<T> = Option<Spanned<Vec<Spanned<T>>>>;

// ---------------------------------------------------------------------------
// Raw shapes. Field order is the canonical key order (the "known keys" help
// lists them in this order).

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawServicesFile {
    schema: Scalar,
    services: List<RawService>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    id: Scalar,
    name: Scalar,
    weight: Scalar,
    target: Scalar,
    team: Scalar,
    description: Scalar,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIncident {
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
    timeline: List<RawTimelineEntry>,
    corrective_actions: List<RawAction>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTimelineEntry {
    at: Scalar,
    text: Scalar,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAction {
    title: Scalar,
    url: Scalar,
    status: Scalar,
    due: Scalar,
    owner: Scalar,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMaintenanceFile {
    schema: Scalar,
    windows: List<RawWindow>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    id: Scalar,
    title: Scalar,
    services: List<String>,
    start: Scalar,
    end: Scalar,
    url: Scalar,
}

// ---------------------------------------------------------------------------
// Shared context.

/// A calendar month (UTC), as in `data/maintenance/2026-10.yaml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    /// Parses `YYYY-MM`.
    pub fn parse(s: &str) -> Option<YearMonth> {
        let (y, m) = s.split_once('-')?;
        let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if y.len() != 4 || m.len() != 2 || !all_digits(y) || !all_digits(m) {
            return None;
        }
        let year = y.parse().ok()?;
        let month = m.parse().ok()?;
        (1..=12)
            .contains(&month)
            .then_some(YearMonth { year, month })
    }

    fn of(t: DateTime<Utc>) -> YearMonth {
        YearMonth {
            year: t.year(),
            month: t.month(),
        }
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

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

/// A record being checked: where it starts and what to call it.
#[derive(Clone, Copy)]
struct Record {
    at: YamlLocation,
    noun: &'static str,
}

/// The checks of one file: its relative path, its text, what went wrong.
pub(super) struct Check<'a> {
    file: &'a Path,
    text: &'a str,
    diags: Vec<Diagnostic>,
}

impl<'a> Check<'a> {
    /// `file` is relative to the site root (`data/services.yaml`).
    pub fn new(file: &'a Path, text: &'a str) -> Check<'a> {
        Check {
            file,
            text,
            diags: Vec::new(),
        }
    }

    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diags
    }

    fn loc(&self, at: &YamlLocation) -> Location {
        if at.line() == 0 {
            return Location::file(self.file);
        }
        Location::at_line(
            self.file,
            self.text,
            at.line() as usize,
            at.column() as usize,
        )
    }

    fn origin(&self, record: &Record) -> Origin {
        Origin {
            file: self.file.to_path_buf(),
            line: record.at.line() as usize,
        }
    }

    fn error(&mut self, at: &YamlLocation, message: impl Into<String>, help: impl Into<String>) {
        let d = Diagnostic::error(message).at(self.loc(at)).help(help);
        self.diags.push(d);
    }

    fn warning(&mut self, at: &YamlLocation, message: impl Into<String>, help: impl Into<String>) {
        let d = Diagnostic::warning(message).at(self.loc(at)).help(help);
        self.diags.push(d);
    }

    // -- YAML ---------------------------------------------------------------

    /// Parses the whole file into `T`; `None` (with the error recorded) when
    /// it is not YAML of that shape.
    fn yaml<T: DeserializeOwned>(&mut self, holds: &str) -> Option<Spanned<T>> {
        if self.text.trim().is_empty() {
            self.diags.push(
                Diagnostic::error("the file is empty")
                    .at(Location::file(self.file))
                    .help(format!("this file holds {holds}; fill it in or delete it")),
            );
            return None;
        }
        match serde_saphyr::from_str::<Spanned<T>>(self.text) {
            Ok(v) => Some(v),
            Err(e) => {
                self.diags.push(yaml_error(self.file, self.text, &e));
                None
            }
        }
    }

    fn schema(&mut self, schema: &Scalar) {
        if let Some(s) = schema
            && s.value.trim() != SCHEMA
        {
            self.error(
                &s.referenced,
                format!("unsupported `schema: {}`", s.value),
                format!(
                    "this opsbook reads data files of schema {SCHEMA}: write `schema: {SCHEMA}` \
                     (or leave it out), or upgrade opsbook"
                ),
            );
        }
    }

    // -- keys and values -----------------------------------------------------

    fn required<'v, T>(
        &mut self,
        value: &'v Option<Spanned<T>>,
        key: &str,
        record: &Record,
    ) -> Option<&'v Spanned<T>> {
        if value.is_none() {
            self.error(
                &record.at,
                format!("{} without `{key}`", record.noun),
                format!("add `{key}:` to this {}", record.noun),
            );
        }
        value.as_ref()
    }

    fn id(&mut self, v: &Spanned<String>, key: &str) -> Option<Id> {
        let id = Id::parse(&v.value);
        if id.is_none() {
            self.error(
                &v.referenced,
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
                &v.referenced,
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
                &v.referenced,
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
        self.error(&v.referenced, message, help);
        None
    }

    fn date(&mut self, v: &Spanned<String>, key: &str) -> Option<NaiveDate> {
        let s = v.value.trim();
        let date = is_date(s)
            .then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
            .flatten();
        if date.is_none() {
            self.error(
                &v.referenced,
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
        let lower = s.to_ascii_lowercase();
        if !(lower.starts_with("https://") || lower.starts_with("http://"))
            || s.chars().any(char::is_whitespace)
        {
            self.error(
                &v.referenced,
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
                &list.referenced,
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
                self.error(
                    &v.referenced,
                    format!("unknown service `{id}`"),
                    known.help.clone(),
                );
                ok = false;
                continue;
            }
            if !seen.insert(id.clone()) {
                self.warning(
                    &v.referenced,
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

/// A serde-saphyr error as a diagnostic at its line and column.
fn yaml_error(file: &Path, text: &str, err: &serde_saphyr::Error) -> Diagnostic {
    use serde_saphyr::Error as E;
    let mut inner = err;
    while let E::WithSnippet { error, .. } | E::AliasError { error, .. } = inner {
        inner = error;
    }
    let (message, help) = match inner {
        E::SerdeUnknownField {
            field, expected, ..
        } => {
            let mut help = String::new();
            if let Some(close) = closest(field, expected) {
                help.push_str(&format!("did you mean `{close}`? "));
            }
            help.push_str(&format!("known keys here: {}", expected.join(", ")));
            (format!("unknown key `{field}`"), help)
        }
        E::DuplicateMappingKey { key, .. } => (
            match key {
                Some(k) => format!("duplicate key `{k}`"),
                None => "duplicate key".to_string(),
            },
            "a key appears once in a mapping: remove the repeated one".to_string(),
        ),
        E::SerdeMissingField { field, .. } => {
            (format!("missing `{field}`"), format!("add `{field}:`"))
        }
        E::MultipleDocuments { .. } => (
            "more than one YAML document in the file".to_string(),
            "a data file holds one document: remove the `---` and what follows it".to_string(),
        ),
        other => (
            format!(
                "invalid YAML: {}",
                serde_saphyr::DefaultMessageFormatter.format_message(other)
            ),
            "see docs/data-format.md for the shape of this file; quote text that contains `: ` \
             or starts with a special character"
                .to_string(),
        ),
    };
    let location = match err.location() {
        Some(l) if l.line() > 0 => {
            Location::at_line(file, text, l.line() as usize, l.column() as usize)
        }
        _ => Location::file(file),
    };
    Diagnostic::error(message).at(location).help(help)
}

/// The candidate closest to `word` by edit distance, if close enough to be a
/// likely typo.
fn closest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
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
    let raw = ck.yaml::<RawServicesFile>("the services (`services:`)")?;
    ck.schema(&raw.value.schema);
    let file_record = Record {
        at: raw.referenced,
        noun: "services.yaml",
    };
    let mut out = ServicesFile {
        services: Vec::new(),
        ids: BTreeSet::new(),
    };
    let Some(list) = ck.required(&raw.value.services, "services", &file_record) else {
        return Some(out);
    };
    // First line of each id, for duplicate and order messages.
    let mut lines: BTreeMap<Id, usize> = BTreeMap::new();
    let mut previous: Option<Id> = None;
    for item in &list.value {
        let record = Record {
            at: item.referenced,
            noun: SERVICE,
        };
        let raw = &item.value;
        let id = ck
            .required(&raw.id, "id", &record)
            .and_then(|v| ck.id(v, "id").map(|id| (id, v.referenced)));
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
                lines.insert(id.clone(), at.line() as usize);
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
            &v.referenced,
            format!("`weight` must be a whole number, 0 or more, not `{s}`"),
            "the platform figure weighs each service by `weight` (e.g. web 5, registry 1); 0 \
             leaves the service out",
        );
    }
    parsed
}

fn target(ck: &mut Check, v: &Spanned<String>) -> Option<f64> {
    let s = v.value.trim();
    let help = "write the monthly target as a percentage above 0 and at most 100: `99.95` means \
                99.95 %";
    if s.ends_with('%') {
        ck.error(
            &v.referenced,
            format!("`target` is written without `%`: `{s}`"),
            help,
        );
        return None;
    }
    match s.parse::<f64>() {
        Ok(t) if t.is_finite() && t > 0.0 && t <= 100.0 => {
            if t <= 1.0 {
                ck.warning(
                    &v.referenced,
                    format!(
                        "`target: {s}` means {s} %, not {} %",
                        (t * 100.0 * 1e9).round() / 1e9
                    ),
                    help,
                );
            }
            Some(t)
        }
        _ => {
            ck.error(
                &v.referenced,
                format!("`target` must be a percentage in (0, 100], not `{s}`"),
                help,
            );
            None
        }
    }
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
    let raw = ck.yaml::<RawIncident>("one incident")?;
    let record = Record {
        at: raw.referenced,
        noun: INCIDENT,
    };
    let raw = raw.value;
    ck.schema(&raw.schema);

    let id = ck
        .required(&raw.id, "id", &record)
        .and_then(|v| ck.id(v, "id").map(|id| (id, v.referenced)));
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
    let mut latest: Option<(&str, DateTime<Utc>, YamlLocation)> = None;
    for (key, value, parsed) in &times {
        let (Some(t), Some(v)) = (parsed, value) else {
            continue;
        };
        match latest {
            Some((before, bt, bat)) if *t < bt => ck.error(
                &v.referenced,
                format!("`{key}` is before `{before}`"),
                format!(
                    "times run started_at ≤ detected_at ≤ mitigated_at ≤ resolved_at; \
                     `{before}` is {} (line {})",
                    bt.format("%Y-%m-%dT%H:%M:%SZ"),
                    bat.line()
                ),
            ),
            _ => latest = Some((key, *t, v.referenced)),
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
                &v.referenced,
                format!("`status: {}` needs `{key}`", status.as_str()),
                format!("add `{key}:` with the time, or correct the status"),
            );
        }
    }
    if let (Some(started), Some(v)) = (started_at, &raw.started_at)
        && started.year() != path.year
    {
        ck.error(
            &v.referenced,
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
            &list.value[i + 1].referenced,
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
    let mut previous: Option<(DateTime<Utc>, u64)> = None;
    for item in &list.value {
        let record = Record {
            at: item.referenced,
            noun: "timeline entry",
        };
        let at_value = ck.required(&item.value.at, "at", &record);
        let at = at_value.and_then(|v| ck.time(v, "at"));
        if let (Some(t), Some(v)) = (at, at_value) {
            match previous {
                Some((pt, line)) if t < pt => ck.error(
                    &v.referenced,
                    "the timeline is not sorted by `at`",
                    format!(
                        "this entry is earlier than the one on line {line}: move it up, the \
                         timeline is in time order"
                    ),
                ),
                _ => previous = Some((t, v.referenced.line())),
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
        let record = Record {
            at: item.referenced,
            noun: "corrective action",
        };
        let raw = &item.value;
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
    month: YearMonth,
    known: Option<&KnownServices>,
) -> Vec<MaintenanceWindow> {
    let Some(raw) = ck.yaml::<RawMaintenanceFile>("a month of maintenance windows (`windows:`)")
    else {
        return Vec::new();
    };
    ck.schema(&raw.value.schema);
    let file_record = Record {
        at: raw.referenced,
        noun: "maintenance file",
    };
    let Some(list) = ck.required(&raw.value.windows, "windows", &file_record) else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(list.value.len());
    let mut lines: BTreeMap<Id, u64> = BTreeMap::new();
    let mut previous: Option<(DateTime<Utc>, Id, u64)> = None;
    for item in &list.value {
        let record = Record {
            at: item.referenced,
            noun: WINDOW,
        };
        let raw = &item.value;
        let id = ck
            .required(&raw.id, "id", &record)
            .and_then(|v| ck.id(v, "id").map(|id| (id, v.referenced)));
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
                lines.insert(id.clone(), at.line());
            }
        }
        let title = ck.text(&raw.title, "title", &record);
        let services = ck.service_list(&raw.services, &record, known);
        let start_value = ck.required(&raw.start, "start", &record);
        let start = start_value.and_then(|v| ck.time(v, "start"));
        let end_value = ck.required(&raw.end, "end", &record);
        let end = end_value.and_then(|v| ck.time(v, "end"));
        if let (Some(s), Some(sv)) = (start, start_value) {
            let of_start = YearMonth::of(s);
            if of_start != month {
                ck.error(
                    &sv.referenced,
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
                    &ev.referenced,
                    "`end` is not after `start`",
                    format!(
                        "a window ends after it starts; `start` is {} (line {})",
                        s.format("%Y-%m-%dT%H:%M:%SZ"),
                        sv.referenced.line()
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
                _ => previous = Some((s, id.clone(), record.at.line())),
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
    fn year_month() {
        assert_eq!(
            YearMonth::parse("2026-10"),
            Some(YearMonth {
                year: 2026,
                month: 10
            })
        );
        for bad in [
            "2026-13", "2026-00", "26-10", "2026-1", "2026_10", "abcd-10",
        ] {
            assert_eq!(YearMonth::parse(bad), None, "{bad}");
        }
        assert_eq!(YearMonth::parse("2026-03").unwrap().to_string(), "2026-03");
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
        let v = Spanned::new(
            "2026-07-07T09:30:00".to_string(),
            YamlLocation::UNKNOWN,
            YamlLocation::UNKNOWN,
        );
        let (t, d) = check(text, |ck| ck.time(&v, "started_at"));
        assert!(t.is_none());
        assert!(d[0].message.contains("no UTC offset"), "{}", d[0].message);
        let v = Spanned::new(
            "2026-07-07T11:30:00+02:00".to_string(),
            YamlLocation::UNKNOWN,
            YamlLocation::UNKNOWN,
        );
        let (t, d) = check(text, |ck| ck.time(&v, "started_at"));
        assert_eq!(t.unwrap().to_rfc3339(), "2026-07-07T09:30:00+00:00");
        assert!(d.is_empty());
    }

    #[test]
    fn weights_and_targets() {
        let v = |s: &str| Spanned::new(s.to_string(), YamlLocation::UNKNOWN, YamlLocation::UNKNOWN);
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
        assert_eq!(t, Some(0.9995));
        assert!(!d[0].is_error(), "a fraction is a warning");
    }
}
