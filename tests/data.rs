//! `opsbook::data::load` on small sites in temporary folders: the valid
//! snapshot loads into the expected model, and every rule of
//! docs/data-format.md is reported at its file, line and column.

mod common;

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use common::utc;
use opsbook::data::{
    self, ActionStatus, Dataset, Impact, Month, Percent, Severity, Status, Urgency,
};
use opsbook::diag::{Diagnostic, Diagnostics};
use tempfile::TempDir;

// ---------------------------------------------------------------------------
// Fixtures

const SERVICES: &str = "\
schema: 1
services:
  - id: api
    name: API
    weight: 5
    target: 99.95
  - id: git
    name: Git
    weight: 5
    target: 99.9
    team: Gitaly
  - id: web
    name: Web
    weight: 5
    target: 99.95
    description: The GitLab web interface
";

/// `data/incidents/2026/17054.yaml`; the comments give the line numbers
/// the tests point at.
const INCIDENT: &str = "\
id: \"17054\"
title: Elevated error rate on web after a configuration change
severity: 1
status: resolved
confidential: false
services: [web, api]
started_at: 2026-07-07T09:30:00Z
detected_at: 2026-07-07T09:34:00Z
mitigated_at: 2026-07-07T10:05:00Z
resolved_at: 2026-07-07T10:15:00Z
impact: outage
root_cause: Config-Change
url: https://gitlab.example.com/infra/production/-/issues/17054
labels: [incident, \"severity::1\"]
summary: |
  A load balancer change sent traffic to a drained pool.
timeline:
  - at: 2026-07-07T09:30:00Z
    text: Error ratio on web crosses its SLO
  - at: 2026-07-07T10:05:00Z
    text: Change rolled back
corrective_actions:
  - title: Validate load balancer config in CI
    url: https://gitlab.example.com/infra/production/-/issues/17060
    status: open
    due: 2026-08-01
    owner: Networking team
";
const INCIDENT_FILE: &str = "data/incidents/2026/17054.yaml";

const MAINTENANCE: &str = "\
windows:
  - id: pg16-upgrade
    title: PostgreSQL 16 upgrade
    services: [web, api, git]
    start: 2026-10-10T06:00:00Z
    end: 2026-10-10T08:00:00Z
    url: https://status.example.com/incidents/abc
  - id: redis-failover
    title: Redis failover test
    services: [web]
    start: 2026-10-20T22:00:00Z
    end: 2026-10-20T23:00:00Z
";
const MAINTENANCE_FILE: &str = "data/maintenance/2026-10.yaml";

fn site(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

#[track_caller]
fn load_ok(files: &[(&str, &str)]) -> (Dataset, Diagnostics) {
    let dir = site(files);
    let loaded = data::load(dir.path());
    let d = loaded.diagnostics;
    assert!(!d.has_errors(), "expected the data to load, got:\n{d}");
    (loaded.dataset, d)
}

#[track_caller]
fn load_err(files: &[(&str, &str)]) -> Diagnostics {
    let dir = site(files);
    let d = data::load(dir.path()).diagnostics;
    assert!(d.has_errors(), "expected errors");
    d
}

/// The valid site with one incident file replaced.
#[track_caller]
fn with_incident(text: &str) -> Diagnostics {
    load_err(&[("data/services.yaml", SERVICES), (INCIDENT_FILE, text)])
}

/// `INCIDENT` with `from` replaced by `to` (which must occur).
#[track_caller]
fn incident_with(from: &str, to: &str) -> String {
    assert!(INCIDENT.contains(from), "fixture lacks {from:?}");
    INCIDENT.replacen(from, to, 1)
}

#[track_caller]
fn with_services(text: &str) -> Diagnostics {
    load_err(&[("data/services.yaml", text)])
}

#[track_caller]
fn with_maintenance(text: &str) -> Diagnostics {
    load_err(&[("data/services.yaml", SERVICES), (MAINTENANCE_FILE, text)])
}

/// The one diagnostic whose message contains `needle`, checked to be at
/// `file:line:col` (col 0: any column) and shown as such.
#[track_caller]
fn expect<'a>(
    diags: &'a Diagnostics,
    needle: &str,
    file: &str,
    line: usize,
    col: usize,
) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = diags
        .iter()
        .filter(|d| d.message.contains(needle))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected one diagnostic containing {needle:?}, got:\n{diags}"
    );
    let d = found[0];
    let loc = d.location.as_ref().expect("a location");
    assert_eq!(loc.file, PathBuf::from(file), "{d}");
    assert_eq!(loc.line, line, "wrong line:\n{d}");
    if col > 0 {
        assert_eq!(loc.column, col, "wrong column:\n{d}");
        let shown = d.to_string();
        assert!(
            shown.contains(&format!("--> {file}:{line}:{col}")),
            "{shown}"
        );
    }
    assert!(d.help.is_some(), "every diagnostic says what to do:\n{d}");
    d
}

#[track_caller]
fn help(d: &Diagnostic) -> &str {
    d.help.as_deref().unwrap_or_default()
}

fn month(s: &str) -> Month {
    Month::parse(s).unwrap_or_else(|| panic!("{s}"))
}

fn pct(s: &str) -> Percent {
    Percent::parse(s).unwrap_or_else(|| panic!("{s}"))
}

// ---------------------------------------------------------------------------
// Loading

#[test]
fn a_site_without_data_loads_empty() {
    let dir = site(&[("content/_index.md", "# Home\n")]);
    let data::Loaded {
        dataset: ds,
        diagnostics: diags,
    } = data::load(dir.path());
    assert!(ds.services.is_empty() && ds.incidents.is_empty() && ds.maintenance.is_empty());
    assert!(diags.is_empty());
}

#[test]
fn a_valid_snapshot_loads_into_the_model() {
    let older = "\
schema: 1
id: 16001
title: Git pushes failing in one zone
severity: 2
status: mitigated
confidential: true
services: [git]
started_at: 2026-03-01T01:30:00+02:00
mitigated_at: 2026-02-28T23:55:00Z
impact: degraded
";
    let (ds, diags) = load_ok(&[
        ("data/services.yaml", SERVICES),
        (INCIDENT_FILE, INCIDENT),
        ("data/incidents/2026/16001.yaml", older),
        (MAINTENANCE_FILE, MAINTENANCE),
        (
            "data/maintenance/2026-09.yaml",
            "windows:\n  - id: pg16-upgrade\n    title: Rehearsal\n    services: [api]\n    \
             start: 2026-09-30T23:00:00Z\n    end: 2026-10-01T01:00:00Z\n",
        ),
        // Empty months are valid.
        ("data/sli/2026-10.yaml", "month: 2026-10\nservices: {}\n"),
        ("data/pages/2026-10.yaml", "month: 2026-10\npages: []\n"),
        ("data/incidents/.gitkeep", ""),
    ]);
    assert!(diags.is_empty(), "{diags}");

    let ids: Vec<&str> = ds.services.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["api", "git", "web"]);
    let web = &ds.services[2];
    assert_eq!(
        (web.name.as_str(), web.weight, web.target),
        ("Web", 5, pct("99.95"))
    );
    assert_eq!(web.description.as_deref(), Some("The GitLab web interface"));
    assert_eq!(ds.services[1].team.as_deref(), Some("Gitaly"));
    assert_eq!(web.origin.file, Path::new("data/services.yaml"));
    assert_eq!(web.origin.line, 12);

    // Oldest first; the numeric id is an id.
    let ids: Vec<&str> = ds.incidents.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["16001", "17054"]);
    let old = &ds.incidents[0];
    assert_eq!(old.severity, Severity::S2);
    assert_eq!(old.status, Status::Mitigated);
    assert_eq!(old.impact, Impact::Degraded);
    assert!(old.confidential);
    // +02:00 converted to UTC: the incident started on the last day of
    // February, UTC.
    assert_eq!(old.started_at, utc("2026-02-28T23:30:00Z"));
    assert_eq!(old.impact_end(), Some(utc("2026-02-28T23:55:00Z")));
    assert_eq!((old.detected_at, old.resolved_at), (None, None));
    assert!(old.labels.is_empty() && old.timeline.is_empty());
    assert!(old.corrective_actions.is_empty());

    let inc = ds.incident(&data::Id::parse("17054").unwrap()).unwrap();
    assert_eq!(inc.severity, Severity::S1);
    assert_eq!(inc.status, Status::Resolved);
    assert!(!inc.confidential);
    let services: Vec<&str> = inc.services.iter().map(|s| s.as_str()).collect();
    assert_eq!(services, ["web", "api"]);
    assert_eq!(inc.detected_at, Some(utc("2026-07-07T09:34:00Z")));
    assert_eq!(inc.resolved_at, Some(utc("2026-07-07T10:15:00Z")));
    assert_eq!(inc.impact_end(), Some(utc("2026-07-07T10:05:00Z")));
    assert_eq!(inc.root_cause.as_deref(), Some("Config-Change"));
    assert_eq!(inc.labels, ["incident", "severity::1"]);
    assert_eq!(
        inc.summary.as_deref(),
        Some("A load balancer change sent traffic to a drained pool.\n")
    );
    assert_eq!(inc.timeline.len(), 2);
    assert_eq!(inc.timeline[1].text, "Change rolled back");
    let action = &inc.corrective_actions[0];
    assert_eq!(action.status, ActionStatus::Open);
    assert_eq!(action.due, NaiveDate::from_ymd_opt(2026, 8, 1));
    assert_eq!(action.owner.as_deref(), Some("Networking team"));
    assert_eq!(inc.origin.file, Path::new(INCIDENT_FILE));
    assert_eq!(inc.origin.line, 1);
    assert_eq!(ds.public_incidents().count(), 1);

    // Sorted by start then id, across files.
    let windows: Vec<(&str, DateTime<Utc>)> = ds
        .maintenance
        .iter()
        .map(|w| (w.id.as_str(), w.start))
        .collect();
    assert_eq!(
        windows,
        [
            ("pg16-upgrade", utc("2026-09-30T23:00:00Z")),
            ("pg16-upgrade", utc("2026-10-10T06:00:00Z")),
            ("redis-failover", utc("2026-10-20T22:00:00Z")),
        ]
    );
    assert_eq!(ds.maintenance[2].origin.line, 8);
    assert_eq!(ds.maintenance[2].url, None);
}

#[test]
fn percentages_are_written_as_humans_write_them() {
    let (ds, _) = load_ok(&[("data/services.yaml", SERVICES)]);
    assert_eq!(ds.services[0].target, pct("99.95"));
    assert_eq!(ds.services[1].target, pct("99.9"));
}

#[test]
fn all_errors_of_all_files_in_one_run_sorted() {
    let services = SERVICES.replace(
        "weight: 5\n    target: 99.9\n",
        "weight: -2\n    target: 99.9\n",
    );
    let diags = load_err(&[
        ("data/services.yaml", &services),
        (INCIDENT_FILE, &incident_with("severity: 1", "severity: 7")),
        (
            "data/incidents/2026/17055.yaml",
            &INCIDENT
                .replace("\"17054\"", "17055")
                .replace("impact: outage", "impact: total")
                .replace("services: [web, api]", "services: [web, dns]"),
        ),
        (
            MAINTENANCE_FILE,
            &MAINTENANCE.replace("end: 2026-10-10T08:00:00Z", "end: 2026-10-10T05:00:00Z"),
        ),
        ("data/incidents/notes.txt", "x"),
    ]);
    let at: Vec<String> = diags
        .iter()
        .map(|d| {
            let l = d.location.as_ref().unwrap();
            format!("{}:{}", l.file.display(), l.line)
        })
        .collect();
    assert_eq!(
        at,
        [
            "data/incidents/2026/17054.yaml:3",
            "data/incidents/2026/17055.yaml:6",
            "data/incidents/2026/17055.yaml:11",
            "data/incidents/notes.txt:0",
            "data/maintenance/2026-10.yaml:6",
            "data/services.yaml:9",
        ],
        "{diags}"
    );
    assert_eq!(diags.error_count(), 6);
}

// ---------------------------------------------------------------------------
// YAML: unknown keys, duplicate keys, schema, syntax

#[test]
fn unknown_key_is_an_error_with_the_known_keys() {
    let d = with_incident(&incident_with("timeline:", "timline:"));
    let e = expect(&d, "unknown key `timline`", INCIDENT_FILE, 17, 1);
    assert!(help(e).contains("did you mean `timeline`?"), "{e}");
    assert!(
        help(e).contains("known keys here: schema, id, title,"),
        "{e}"
    );
}

#[test]
fn unknown_key_in_a_nested_record() {
    let d = with_incident(&incident_with(
        "    owner: Networking",
        "    ownr: Networking",
    ));
    let e = expect(&d, "unknown key `ownr`", INCIDENT_FILE, 27, 5);
    assert!(help(e).contains("title, url, status, due, owner"), "{e}");
}

#[test]
fn duplicate_key_is_an_error_at_the_repeated_key() {
    let d = with_incident(&incident_with(
        "impact: outage\n",
        "impact: outage\nseverity: 2\n",
    ));
    let e = expect(&d, "duplicate key `severity`", INCIDENT_FILE, 12, 1);
    assert_eq!(e.location.as_ref().unwrap().source_line, "severity: 2");
}

#[test]
fn schema_1_is_accepted_and_others_are_not() {
    load_ok(&[
        ("data/services.yaml", SERVICES),
        (INCIDENT_FILE, &format!("schema: 1\n{INCIDENT}")),
        (MAINTENANCE_FILE, &format!("schema: 1\n{MAINTENANCE}")),
    ]);
    let d = with_services(&SERVICES.replace("schema: 1", "schema: 2"));
    let e = expect(&d, "unsupported `schema: 2`", "data/services.yaml", 1, 9);
    assert!(help(e).contains("schema 1"), "{e}");
}

#[test]
fn yaml_syntax_error_has_its_line() {
    let d = with_incident(&incident_with(
        "title: Elevated error rate on web after a configuration change",
        "title: Elevated: error: rate",
    ));
    expect(&d, "invalid YAML", INCIDENT_FILE, 2, 0);
}

#[test]
fn empty_file_is_an_error() {
    let d = with_incident("\n");
    let e = expect(&d, "the file is empty", INCIDENT_FILE, 0, 0);
    assert!(help(e).contains("one incident"), "{e}");
}

#[test]
fn missing_key_is_reported_at_the_record() {
    let d = with_incident(&incident_with(
        "title: Elevated error rate on web after a configuration change\n",
        "",
    ));
    let e = expect(&d, "incident without `title`", INCIDENT_FILE, 1, 1);
    assert!(help(e).contains("add `title:`"), "{e}");

    let d = with_maintenance(&MAINTENANCE.replace("    end: 2026-10-20T23:00:00Z\n", ""));
    expect(
        &d,
        "maintenance window without `end`",
        MAINTENANCE_FILE,
        8,
        5,
    );
}

#[test]
fn confidential_is_required_and_boolean() {
    let d = with_incident(&incident_with("confidential: false\n", ""));
    expect(&d, "incident without `confidential`", INCIDENT_FILE, 1, 1);
    let d = with_incident(&incident_with("confidential: false", "confidential: maybe"));
    expect(
        &d,
        "`confidential` must be one of true, false, not `maybe`",
        INCIDENT_FILE,
        5,
        15,
    );
}

// ---------------------------------------------------------------------------
// Ids and enums

#[test]
fn ids_must_be_lowercase_slugs() {
    let d = with_incident(&incident_with("id: \"17054\"", "id: INC_17054"));
    let e = expect(
        &d,
        "`id` must match [a-z0-9][a-z0-9-]*, not `INC_17054`",
        INCIDENT_FILE,
        1,
        5,
    );
    assert!(help(e).contains("lowercase"), "{e}");

    let d = with_maintenance(&MAINTENANCE.replace("id: redis-failover", "id: Redis Failover"));
    expect(&d, "not `Redis Failover`", MAINTENANCE_FILE, 8, 9);
}

#[test]
fn a_numeric_incident_id_is_accepted() {
    let (ds, _) = load_ok(&[
        ("data/services.yaml", SERVICES),
        (INCIDENT_FILE, &incident_with("id: \"17054\"", "id: 17054")),
    ]);
    assert_eq!(ds.incidents[0].id.as_str(), "17054");
}

#[test]
fn severity_is_1_to_4() {
    let d = with_incident(&incident_with("severity: 1", "severity: 5"));
    expect(
        &d,
        "`severity` must be one of 1, 2, 3, 4, not `5`",
        INCIDENT_FILE,
        3,
        11,
    );
}

#[test]
fn status_lists_the_allowed_values() {
    let d = with_incident(&incident_with("status: resolved", "status: closed"));
    expect(
        &d,
        "`status` must be one of active, mitigated, resolved, not `closed`",
        INCIDENT_FILE,
        4,
        9,
    );
}

#[test]
fn impact_lists_the_allowed_values() {
    let d = with_incident(&incident_with("impact: outage", "impact: partial"));
    expect(
        &d,
        "`impact` must be one of outage, degraded, none, not `partial`",
        INCIDENT_FILE,
        11,
        9,
    );
}

#[test]
fn action_status_is_open_or_closed() {
    let d = with_incident(&incident_with("    status: open", "    status: done"));
    expect(
        &d,
        "`status` must be one of open, closed, not `done`",
        INCIDENT_FILE,
        25,
        13,
    );
}

// ---------------------------------------------------------------------------
// Times

#[test]
fn times_need_an_explicit_offset() {
    let d = with_incident(&incident_with(
        "started_at: 2026-07-07T09:30:00Z",
        "started_at: 2026-07-07T09:30:00",
    ));
    let e = expect(&d, "`started_at` has no UTC offset", INCIDENT_FILE, 7, 13);
    assert!(help(e).contains("`2026-07-07T09:30:00Z`"), "{e}");

    let d = with_incident(&incident_with(
        "  - at: 2026-07-07T10:05:00Z",
        "  - at: yesterday",
    ));
    expect(
        &d,
        "`at` is not an RFC 3339 time: `yesterday`",
        INCIDENT_FILE,
        20,
        9,
    );
}

#[test]
fn due_is_a_date() {
    let d = with_incident(&incident_with(
        "due: 2026-08-01",
        "due: 2026-08-01T00:00:00Z",
    ));
    expect(&d, "`due` is not a date YYYY-MM-DD", INCIDENT_FILE, 26, 10);
    let d = with_incident(&incident_with("due: 2026-08-01", "due: 2026-02-30"));
    expect(&d, "`due` is not a date YYYY-MM-DD", INCIDENT_FILE, 26, 10);
}

#[test]
fn incident_times_run_in_order() {
    let cases = [
        (
            "detected_at: 2026-07-07T09:34:00Z",
            "detected_at: 2026-07-07T09:00:00Z",
            "`detected_at` is before `started_at`",
            8,
        ),
        (
            "mitigated_at: 2026-07-07T10:05:00Z",
            "mitigated_at: 2026-07-07T09:32:00Z",
            "`mitigated_at` is before `detected_at`",
            9,
        ),
        (
            "resolved_at: 2026-07-07T10:15:00Z",
            "resolved_at: 2026-07-07T10:00:00Z",
            "`resolved_at` is before `mitigated_at`",
            10,
        ),
    ];
    for (from, to, message, line) in cases {
        let d = with_incident(&incident_with(from, to));
        let e = expect(&d, message, INCIDENT_FILE, line, 0);
        assert!(
            help(e).contains("started_at ≤ detected_at ≤ mitigated_at ≤ resolved_at"),
            "{e}"
        );
        assert_eq!(d.error_count(), 1, "{d}");
    }
    // Without the times in between, the rule still holds.
    let text = incident_with(
        "detected_at: 2026-07-07T09:34:00Z\nmitigated_at: 2026-07-07T10:05:00Z\n",
        "",
    )
    .replace(
        "resolved_at: 2026-07-07T10:15:00Z",
        "resolved_at: 2026-07-07T09:15:00Z",
    );
    let d = with_incident(&text);
    expect(
        &d,
        "`resolved_at` is before `started_at`",
        INCIDENT_FILE,
        8,
        14,
    );
}

#[test]
fn resolved_needs_resolved_at_and_mitigated_needs_mitigated_at() {
    let d = with_incident(&incident_with("resolved_at: 2026-07-07T10:15:00Z\n", ""));
    expect(
        &d,
        "`status: resolved` needs `resolved_at`",
        INCIDENT_FILE,
        4,
        9,
    );

    let text = incident_with("status: resolved", "status: mitigated")
        .replace("mitigated_at: 2026-07-07T10:05:00Z\n", "");
    let d = with_incident(&text);
    expect(
        &d,
        "`status: mitigated` needs `mitigated_at`",
        INCIDENT_FILE,
        4,
        9,
    );

    // Active needs neither.
    let text = incident_with("status: resolved", "status: active")
        .replace("mitigated_at: 2026-07-07T10:05:00Z\n", "")
        .replace("resolved_at: 2026-07-07T10:15:00Z\n", "");
    load_ok(&[("data/services.yaml", SERVICES), (INCIDENT_FILE, &text)]);
}

#[test]
fn maintenance_start_before_end() {
    let d = with_maintenance(
        &MAINTENANCE.replace("end: 2026-10-10T08:00:00Z", "end: 2026-10-10T06:00:00Z"),
    );
    let e = expect(&d, "`end` is not after `start`", MAINTENANCE_FILE, 6, 10);
    assert!(help(e).contains("line 5"), "{e}");
}

// ---------------------------------------------------------------------------
// Services

#[test]
fn incident_needs_at_least_one_service() {
    let d = with_incident(&incident_with("services: [web, api]", "services: []"));
    expect(&d, "`services` is empty", INCIDENT_FILE, 6, 11);
    let d = with_incident(&incident_with("services: [web, api]\n", ""));
    expect(&d, "incident without `services`", INCIDENT_FILE, 1, 1);
}

#[test]
fn services_must_be_in_services_yaml() {
    let d = with_incident(&incident_with(
        "services: [web, api]",
        "services: [web, ci]",
    ));
    let e = expect(&d, "unknown service `ci`", INCIDENT_FILE, 6, 17);
    assert!(help(e).contains("known services: api, git, web"), "{e}");

    let d = with_maintenance(&MAINTENANCE.replace("services: [web]", "services: [pages]"));
    expect(&d, "unknown service `pages`", MAINTENANCE_FILE, 10, 16);
}

#[test]
fn services_yaml_is_needed_by_incidents() {
    let d = load_err(&[(INCIDENT_FILE, INCIDENT)]);
    let e = expect(
        &d,
        "`data/services.yaml` is missing",
        "data/services.yaml",
        0,
        0,
    );
    assert!(help(e).contains("list them"), "{e}");
    assert_eq!(d.error_count(), 1, "no cascade of unknown services:\n{d}");
}

#[test]
fn services_sorted_by_id() {
    let text = "services:\n  - id: web\n    name: Web\n    weight: 5\n    target: 99.95\n  - id: api\n    name: API\n    weight: 5\n    target: 99.95\n";
    let d = with_services(text);
    let e = expect(
        &d,
        "services are not sorted by id: `api` comes after `web`",
        "data/services.yaml",
        6,
        9,
    );
    assert!(help(e).contains("line 2"), "{e}");
}

#[test]
fn service_ids_are_unique() {
    let text = SERVICES.replace("id: git", "id: api");
    let d = with_services(&text);
    let e = expect(&d, "duplicate service id `api`", "data/services.yaml", 7, 9);
    assert!(help(e).contains("line 3"), "{e}");
}

#[test]
fn weight_is_a_whole_number_0_or_more() {
    for bad in ["-1", "1.5", "five"] {
        let text = SERVICES.replacen("weight: 5", &format!("weight: {bad}"), 1);
        let d = with_services(&text);
        expect(
            &d,
            &format!("`weight` must be a whole number, 0 or more, not `{bad}`"),
            "data/services.yaml",
            5,
            13,
        );
    }
    let (ds, _) = load_ok(&[(
        "data/services.yaml",
        &SERVICES.replacen("weight: 5", "weight: 0", 1),
    )]);
    assert_eq!(ds.services[0].weight, 0);
}

#[test]
fn target_is_a_percentage_up_to_100() {
    for bad in ["0", "-5", "100.5", "1e9"] {
        let text = SERVICES.replacen("target: 99.95", &format!("target: {bad}"), 1);
        let d = with_services(&text);
        let e = expect(
            &d,
            &format!(
                "`target` must be a percentage in (0, 100] with at most 12 decimals, not `{bad}`"
            ),
            "data/services.yaml",
            6,
            13,
        );
        assert!(help(e).contains("`99.95` means 99.95 %"), "{e}");
    }
    let d = with_services(&SERVICES.replacen("target: 99.95", "target: 99.95%", 1));
    expect(
        &d,
        "`target` is written without `%`",
        "data/services.yaml",
        6,
        13,
    );

    // 100 is allowed; a fraction is a likely mistake, warned about.
    let text = SERVICES
        .replacen("target: 99.95", "target: 100", 1)
        .replacen("target: 99.9\n", "target: 0.999\n", 1);
    let (ds, diags) = load_ok(&[("data/services.yaml", &text)]);
    assert_eq!(ds.services[0].target, Percent::HUNDRED);
    assert_eq!(diags.warning_count(), 1, "{diags}");
    expect(
        &diags,
        "`target: 0.999` means 0.999 %",
        "data/services.yaml",
        10,
        13,
    );
}

// ---------------------------------------------------------------------------
// Incident files: name, folder, uniqueness, timeline, labels

#[test]
fn incident_file_is_named_after_its_id() {
    let d = load_err(&[
        ("data/services.yaml", SERVICES),
        ("data/incidents/2026/17055.yaml", INCIDENT),
    ]);
    let e = expect(
        &d,
        "the file is named `17055.yaml` but holds incident `17054`",
        "data/incidents/2026/17055.yaml",
        1,
        5,
    );
    assert!(help(e).contains("rename it to `17054.yaml`"), "{e}");
}

#[test]
fn incident_folder_is_the_utc_year_of_started_at() {
    // 00:30 on New Year's Day at +02:00 is still the old year in UTC.
    let text = INCIDENT
        .replace("2026-07-07T09:30:00Z", "2026-01-01T00:30:00+02:00")
        .replace("2026-07-07T09:34:00Z", "2026-01-01T00:34:00+02:00");
    let d = load_err(&[("data/services.yaml", SERVICES), (INCIDENT_FILE, &text)]);
    let e = expect(
        &d,
        "`started_at` is in 2025 (UTC) but the file is in the folder of 2026",
        INCIDENT_FILE,
        7,
        13,
    );
    assert!(help(e).contains("data/incidents/2025/"), "{e}");
}

#[test]
fn duplicate_incident_ids_name_both_files() {
    let copy = INCIDENT.replace("2026-07-07", "2025-07-07");
    let d = load_err(&[
        ("data/services.yaml", SERVICES),
        (INCIDENT_FILE, INCIDENT),
        ("data/incidents/2025/17054.yaml", &copy),
    ]);
    let e = expect(
        &d,
        "incident `17054` is also in data/incidents/2025/17054.yaml",
        INCIDENT_FILE,
        1,
        5,
    );
    assert!(
        help(e).contains("data/incidents/2025/17054.yaml and data/incidents/2026/17054.yaml"),
        "{e}"
    );
    assert_eq!(d.error_count(), 1, "{d}");
}

#[test]
fn timeline_is_sorted_by_at() {
    let d = with_incident(&incident_with(
        "  - at: 2026-07-07T10:05:00Z",
        "  - at: 2026-07-07T09:00:00Z",
    ));
    let e = expect(
        &d,
        "the timeline is not sorted by `at`",
        INCIDENT_FILE,
        20,
        9,
    );
    assert!(help(e).contains("line 18"), "{e}");
}

#[test]
fn unsorted_labels_are_a_warning() {
    let text = incident_with(
        "labels: [incident, \"severity::1\"]",
        "labels: [\"severity::1\", incident]",
    );
    let (ds, diags) = load_ok(&[("data/services.yaml", SERVICES), (INCIDENT_FILE, &text)]);
    assert_eq!(
        ds.incidents[0].labels,
        ["severity::1", "incident"],
        "kept as written"
    );
    let w = expect(
        &diags,
        "`labels` are not sorted: `incident` comes after `severity::1`",
        INCIDENT_FILE,
        14,
        25,
    );
    assert!(!w.is_error());
    assert!(help(w).contains("[incident, \"severity::1\"]"), "{w}");
}

#[test]
fn urls_are_web_addresses() {
    let d = with_incident(&incident_with(
        "url: https://gitlab.example.com/infra/production/-/issues/17054",
        "url: javascript:alert(1)",
    ));
    expect(&d, "`url` is not an http(s) address", INCIDENT_FILE, 13, 6);
}

// ---------------------------------------------------------------------------
// Maintenance files

#[test]
fn maintenance_file_is_the_month_of_each_start() {
    let text = MAINTENANCE
        .replace(
            "start: 2026-10-20T22:00:00Z",
            "start: 2026-11-01T01:00:00+02:00",
        )
        .replace(
            "end: 2026-10-20T23:00:00Z",
            "end: 2026-11-01T02:00:00+02:00",
        );
    // 2026-10-31T23:00Z: still October in UTC.
    load_ok(&[("data/services.yaml", SERVICES), (MAINTENANCE_FILE, &text)]);

    let text = MAINTENANCE
        .replace("start: 2026-10-20T22:00:00Z", "start: 2026-11-20T22:00:00Z")
        .replace("end: 2026-10-20T23:00:00Z", "end: 2026-11-20T23:00:00Z");
    let d = with_maintenance(&text);
    let e = expect(
        &d,
        "`start` is in 2026-11 (UTC) but the file is 2026-10.yaml",
        MAINTENANCE_FILE,
        11,
        12,
    );
    assert!(help(e).contains("data/maintenance/2026-11.yaml"), "{e}");
}

#[test]
fn window_ids_are_unique_within_a_month() {
    let d = with_maintenance(&MAINTENANCE.replace("id: redis-failover", "id: pg16-upgrade"));
    let e = expect(
        &d,
        "duplicate window id `pg16-upgrade` in 2026-10",
        MAINTENANCE_FILE,
        8,
        9,
    );
    assert!(help(e).contains("line 2"), "{e}");
}

#[test]
fn windows_are_sorted_by_start_then_id() {
    let text = MAINTENANCE
        .replace("start: 2026-10-20T22:00:00Z", "start: 2026-10-02T22:00:00Z")
        .replace("end: 2026-10-20T23:00:00Z", "end: 2026-10-02T23:00:00Z");
    let d = with_maintenance(&text);
    let e = expect(
        &d,
        "`windows` are not sorted by `start`, then `id`: `redis-failover` comes after `pg16-upgrade`",
        MAINTENANCE_FILE,
        8,
        5,
    );
    assert!(help(e).contains("line 2"), "{e}");

    // Same start: by id.
    let text = MAINTENANCE
        .replace("2026-10-20T22:00:00Z", "2026-10-10T06:00:00Z")
        .replace("id: redis-failover", "id: a-first");
    let d = with_maintenance(&text);
    expect(
        &d,
        "`a-first` comes after `pg16-upgrade`",
        MAINTENANCE_FILE,
        8,
        5,
    );
}

// ---------------------------------------------------------------------------
// SLI files

/// `data/sli/2026-02.yaml`, a 28-day month; line numbers in the comments.
fn sli_text() -> String {
    let daily: Vec<&str> = (1..=28)
        .map(|d| if d == 9 { "99.3" } else { "100" })
        .collect();
    format!(
        "\
month: 2026-02
services:
  api:
    availability: 99.9621
  web:
    availability: 99.975
    daily: [{}]
",
        daily.join(", ")
    )
}
const SLI_FILE: &str = "data/sli/2026-02.yaml";

#[track_caller]
fn with_sli(text: &str) -> Diagnostics {
    load_err(&[("data/services.yaml", SERVICES), (SLI_FILE, text)])
}

#[test]
fn sli_file_loads_exact_percentages() {
    let (ds, diags) = load_ok(&[
        ("data/services.yaml", SERVICES),
        (SLI_FILE, &sli_text()),
        (
            "data/sli/2025-12.yaml",
            "schema: 1\nmonth: 2025-12\nservices:\n  git:\n    availability: 100\n",
        ),
    ]);
    assert!(diags.is_empty(), "{diags}");
    let months: Vec<String> = ds.sli.iter().map(|m| m.month.to_string()).collect();
    assert_eq!(months, ["2025-12", "2026-02"], "sorted by month");
    let feb = ds.sli_month(month("2026-02")).unwrap();
    assert_eq!(feb.origin.file, Path::new(SLI_FILE));
    let ids: Vec<&str> = feb.services.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, ["api", "web"]);
    assert_eq!(feb.services[0].availability, pct("99.9621"));
    assert_eq!(feb.services[0].daily, None);
    let daily = feb.services[1].daily.as_ref().unwrap();
    assert_eq!(daily.len(), 28);
    assert_eq!(daily[8], pct("99.3"));
    assert_eq!(daily[0], Percent::HUNDRED);
    // Exact, not a float: 99.975 is exactly 99.975.
    assert_eq!(feb.services[1].availability.fraction(), (99975, 100000));
    // SLI figures never move "as of".
    assert_eq!(ds.latest_instant(), None);
}

#[test]
fn sli_month_matches_the_file_name() {
    let d = with_sli(&sli_text().replace("month: 2026-02", "month: 2026-03"));
    let e = expect(
        &d,
        "`month: 2026-03` but the file is 2026-02.yaml",
        SLI_FILE,
        1,
        8,
    );
    assert!(help(e).contains("write `month: 2026-02`"), "{e}");
    let d = with_sli(&sli_text().replace("month: 2026-02", "month: February"));
    expect(
        &d,
        "`month` must be a month YYYY-MM, not `February`",
        SLI_FILE,
        1,
        8,
    );
    let d = with_sli(&sli_text().replace("month: 2026-02\n", ""));
    expect(&d, "SLI file without `month`", SLI_FILE, 1, 1);
}

#[test]
fn sli_unknown_keys_suggest_the_known_one() {
    let d = with_sli(&sli_text().replace("    availability: 99.9621", "    availabilty: 99.9621"));
    let e = expect(&d, "unknown key `availabilty`", SLI_FILE, 4, 5);
    assert!(help(e).contains("did you mean `availability`?"), "{e}");
    expect(&d, "SLI service without `availability`", SLI_FILE, 4, 5);
    let d = with_sli(&format!("{}note: x\n", sli_text()));
    let e = expect(&d, "unknown key `note`", SLI_FILE, 8, 1);
    assert!(
        help(e).contains("known keys here: schema, month, services"),
        "{e}"
    );
}

#[test]
fn sli_services_are_known_unique_and_sorted() {
    let d = with_sli(&sli_text().replace("  api:", "  dns:"));
    let e = expect(&d, "unknown service `dns`", SLI_FILE, 3, 3);
    assert!(help(e).contains("known services: api, git, web"), "{e}");
    let d = with_sli(&sli_text().replace("  api:", "  zzz:"));
    let e = expect(
        &d,
        "`services` are not sorted by id: `web` comes after `zzz`",
        SLI_FILE,
        5,
        3,
    );
    assert!(help(e).contains("line 3"), "{e}");
    let d = with_sli(&sli_text().replace("  api:", "  web:"));
    expect(&d, "duplicate key `web`", SLI_FILE, 5, 3);
    let d = with_sli(&sli_text().replace("  api:", "  Api:"));
    expect(
        &d,
        "`services` must match [a-z0-9][a-z0-9-]*, not `Api`",
        SLI_FILE,
        3,
        3,
    );
    let d = with_sli("month: 2026-02\nservices: [web]\n");
    expect(
        &d,
        "`services` must be a mapping of service ids, not a list",
        SLI_FILE,
        2,
        11,
    );
}

#[test]
fn sli_availability_is_an_exact_percentage() {
    for (bad, message) in [
        (
            "100.5",
            "`availability` must be a percentage from 0 to 100 with at most 12 decimals, not `100.5`",
        ),
        ("-1", "not `-1`"),
        (
            "99.9621%",
            "`availability` is written without `%`: `99.9621%`",
        ),
        ("99.9999999999999", "not `99.9999999999999`"),
        ("0.9e2", "not `0.9e2`"),
    ] {
        let d = with_sli(&sli_text().replace("99.9621", bad));
        let e = expect(&d, message, SLI_FILE, 4, 19);
        assert!(help(e).contains("without `%`"), "{e}");
    }
    // 12 decimals and 0 are fine.
    load_ok(&[
        ("data/services.yaml", SERVICES),
        (
            SLI_FILE,
            &sli_text()
                .replace("99.9621", "99.962134789123")
                .replace("99.975", "0"),
        ),
    ]);
}

#[test]
fn sli_daily_has_one_value_per_day() {
    // 28 days in February 2026: 27 or 29 values are wrong; 29 is right in 2024.
    let text = sli_text();
    let d = with_sli(&text.replacen("100, ", "", 1));
    let e = expect(
        &d,
        "`daily` has 27 values but 2026-02 has 28 days",
        SLI_FILE,
        7,
        12,
    );
    assert!(help(e).contains("one value per day"), "{e}");
    let d = with_sli(&text.replacen("100, ", "100, 100, ", 1));
    expect(
        &d,
        "`daily` has 29 values but 2026-02 has 28 days",
        SLI_FILE,
        7,
        12,
    );
    load_ok(&[
        ("data/services.yaml", SERVICES),
        (
            "data/sli/2024-02.yaml",
            &text
                .replace("2026-02", "2024-02")
                .replacen("100, ", "100, 100, ", 1),
        ),
    ]);
    let d = with_sli(&text.replacen("100, ", "101, ", 1));
    expect(&d, "not `101`", SLI_FILE, 7, 13);
    let d = with_sli(&text.replacen("100, ", "~, ", 1));
    expect(&d, "the `daily` value of day 1 is missing", SLI_FILE, 7, 13);
    let d = with_sli(&text.replace("daily: [", "daily: 100 #["));
    expect(
        &d,
        "`daily` must be a list, not a single value",
        SLI_FILE,
        7,
        12,
    );
}

// ---------------------------------------------------------------------------
// Pages files

/// `data/pages/2026-10.yaml`; line numbers in the comments.
const PAGES: &str = "\
month: 2026-10
pages:
  - id: PT4KHLK
    title: \"HighErrorRate: web 5xx ratio above SLO\"
    service: web
    urgency: high
    created_at: 2026-10-06T21:30:42Z
    acknowledged_at: 2026-10-06T21:32:52Z
    resolved_at: 2026-10-06T21:38:23Z
    escalation_policy: Production on-call
  - id: pt4khlm
    title: \"DiskSpaceLow: file-07 /var/opt above 90%\"
    service: git
    urgency: low
    created_at: 2026-10-07T03:00:00Z
";
const PAGES_FILE: &str = "data/pages/2026-10.yaml";

#[track_caller]
fn with_pages(text: &str) -> Diagnostics {
    load_err(&[("data/services.yaml", SERVICES), (PAGES_FILE, text)])
}

#[test]
fn pages_file_loads_into_the_model() {
    let (ds, diags) = load_ok(&[("data/services.yaml", SERVICES), (PAGES_FILE, PAGES)]);
    assert!(diags.is_empty(), "{diags}");
    let oct = ds.pages_month(month("2026-10")).unwrap();
    assert_eq!(oct.origin.file, Path::new(PAGES_FILE));
    assert_eq!(oct.pages.len(), 2);
    let p = &oct.pages[0];
    assert_eq!(p.id, "PT4KHLK", "the upstream id keeps its case");
    assert_eq!(p.title, "HighErrorRate: web 5xx ratio above SLO");
    assert_eq!((p.service.as_str(), p.urgency), ("web", Urgency::High));
    assert_eq!(p.acknowledged_at, Some(utc("2026-10-06T21:32:52Z")));
    assert_eq!(p.escalation_policy.as_deref(), Some("Production on-call"));
    let q = &oct.pages[1];
    assert_eq!((q.id.as_str(), q.urgency), ("pt4khlm", Urgency::Low));
    assert_eq!(
        (q.acknowledged_at, q.resolved_at, &q.escalation_policy),
        (None, None, &None)
    );
    // The latest page time is a candidate for "as of".
    assert_eq!(ds.latest_instant(), Some(utc("2026-10-07T03:00:00Z")));
}

#[test]
fn page_created_at_is_in_the_files_month() {
    let d = with_pages(&PAGES.replace(
        "created_at: 2026-10-07T03:00:00Z",
        "created_at: 2026-11-01T00:00:00Z",
    ));
    let e = expect(
        &d,
        "`created_at` is in 2026-11 (UTC) but the file is 2026-10.yaml",
        PAGES_FILE,
        15,
        17,
    );
    assert!(help(e).contains("data/pages/2026-11.yaml"), "{e}");
    // An offset that puts it in October, UTC, is fine.
    load_ok(&[
        ("data/services.yaml", SERVICES),
        (
            PAGES_FILE,
            &PAGES.replace(
                "created_at: 2026-10-07T03:00:00Z",
                "created_at: 2026-11-01T00:30:00+01:00",
            ),
        ),
    ]);
    let d = with_pages(&PAGES.replace("month: 2026-10", "month: 2026-09"));
    expect(
        &d,
        "`month: 2026-09` but the file is 2026-10.yaml",
        PAGES_FILE,
        1,
        8,
    );
}

#[test]
fn page_times_run_in_order() {
    let d = with_pages(&PAGES.replace(
        "acknowledged_at: 2026-10-06T21:32:52Z",
        "acknowledged_at: 2026-10-06T21:30:00Z",
    ));
    let e = expect(
        &d,
        "`acknowledged_at` is before `created_at`",
        PAGES_FILE,
        8,
        22,
    );
    assert!(
        help(e).contains("created_at ≤ acknowledged_at ≤ resolved_at"),
        "{e}"
    );
    assert!(help(e).contains("(line 7)"), "{e}");
    let d = with_pages(&PAGES.replace(
        "resolved_at: 2026-10-06T21:38:23Z",
        "resolved_at: 2026-10-06T21:31:00Z",
    ));
    expect(
        &d,
        "`resolved_at` is before `acknowledged_at`",
        PAGES_FILE,
        9,
        18,
    );
    // Without acknowledged_at, resolved_at is still checked against created_at.
    let d = with_pages(
        &PAGES
            .replace("    acknowledged_at: 2026-10-06T21:32:52Z\n", "")
            .replace(
                "resolved_at: 2026-10-06T21:38:23Z",
                "resolved_at: 2026-10-06T20:00:00Z",
            ),
    );
    expect(
        &d,
        "`resolved_at` is before `created_at`",
        PAGES_FILE,
        8,
        18,
    );
    let d = with_pages(&PAGES.replace(
        "created_at: 2026-10-07T03:00:00Z",
        "created_at: 2026-10-07T03:00:00",
    ));
    expect(&d, "`created_at` has no UTC offset", PAGES_FILE, 15, 17);
}

#[test]
fn page_urgency_service_and_id() {
    let d = with_pages(&PAGES.replace("urgency: low", "urgency: medium"));
    let e = expect(
        &d,
        "`urgency` must be one of high, low, not `medium`",
        PAGES_FILE,
        14,
        14,
    );
    assert!(help(e).contains("`high`"), "{e}");
    let d = with_pages(&PAGES.replace("service: git", "service: dns"));
    expect(&d, "unknown service `dns`", PAGES_FILE, 13, 14);
    let d = with_pages(&PAGES.replace("id: pt4khlm", "id: pt-4khlm"));
    let e = expect(
        &d,
        "a page `id` must match [A-Za-z0-9]+, not `pt-4khlm`",
        PAGES_FILE,
        11,
        9,
    );
    assert!(help(e).contains("PT4KHLK"), "{e}");
    let d = with_pages(&PAGES.replace(
        "    title: \"DiskSpaceLow: file-07 /var/opt above 90%\"\n",
        "",
    ));
    expect(&d, "page without `title`", PAGES_FILE, 11, 5);
}

#[test]
fn page_unknown_key_suggests_the_known_one() {
    let d = with_pages(&PAGES.replace("acknowledged_at:", "acknowleged_at:"));
    let e = expect(&d, "unknown key `acknowleged_at`", PAGES_FILE, 8, 5);
    assert!(help(e).contains("did you mean `acknowledged_at`?"), "{e}");
}

#[test]
fn page_ids_are_unique_within_and_across_months() {
    let d = with_pages(&PAGES.replace("id: pt4khlm", "id: PT4KHLK"));
    let e = expect(
        &d,
        "duplicate page id `PT4KHLK` in 2026-10",
        PAGES_FILE,
        11,
        9,
    );
    assert!(help(e).contains("line 3"), "{e}");
    // Ids keep their case: these are two pages.
    load_ok(&[
        ("data/services.yaml", SERVICES),
        (PAGES_FILE, &PAGES.replace("id: pt4khlm", "id: pt4khlk")),
    ]);

    let september = "\
month: 2026-09
pages:
  - id: PT4KHLK
    title: Earlier page
    service: api
    urgency: low
    created_at: 2026-09-30T23:59:59Z
";
    let loaded = data::load(
        site(&[
            ("data/services.yaml", SERVICES),
            (PAGES_FILE, PAGES),
            ("data/pages/2026-09.yaml", september),
        ])
        .path(),
    );
    let d = &loaded.diagnostics;
    let e = expect(d, "page `PT4KHLK` is also in 2026-09", PAGES_FILE, 3, 9);
    assert_eq!(e.labels[0].0.file, Path::new("data/pages/2026-09.yaml"));
    assert_eq!(e.labels[0].0.line, 3);
    assert!(help(e).contains("used once across all months"), "{e}");
    assert!(loaded.dataset.pages.is_empty(), "both months are in error");
}

#[test]
fn pages_are_sorted_by_created_at_then_id() {
    let d = with_pages(&PAGES.replace(
        "created_at: 2026-10-07T03:00:00Z",
        "created_at: 2026-10-01T03:00:00Z",
    ));
    let e = expect(
        &d,
        "`pages` are not sorted by `created_at`, then `id`: `pt4khlm` comes after `PT4KHLK`",
        PAGES_FILE,
        11,
        5,
    );
    assert!(help(e).contains("line 3"), "{e}");
    // Same instant: by id (uppercase sorts first).
    let same = PAGES.replace(
        "created_at: 2026-10-07T03:00:00Z",
        "created_at: 2026-10-06T21:30:42Z",
    );
    load_ok(&[("data/services.yaml", SERVICES), (PAGES_FILE, &same)]);
    let d = with_pages(&same.replace("id: pt4khlm", "id: PA"));
    expect(&d, "`PA` comes after `PT4KHLK`", PAGES_FILE, 11, 5);
}

#[test]
fn every_mistake_of_one_pages_file_is_reported() {
    let text = PAGES
        .replace("month: 2026-10", "month: 2026-9")
        .replace("id: PT4KHLK", "id: PT4-KHLK")
        .replace("service: web", "service: dns")
        .replace("urgency: high", "urgency: urgent")
        .replace(
            "acknowledged_at: 2026-10-06T21:32:52Z",
            "acknowledged_at: yesterday",
        )
        .replace("escalation_policy:", "escalation:")
        .replace(
            "created_at: 2026-10-07T03:00:00Z",
            "created_at: 2026-12-07T03:00:00Z",
        );
    let d = with_pages(&text);
    for needle in [
        "`month` must be a month",
        "a page `id` must match",
        "unknown service `dns`",
        "`urgency` must be one of",
        "`acknowledged_at` is not an RFC 3339 time",
        "unknown key `escalation`",
        "`created_at` is in 2026-12",
    ] {
        assert!(
            d.iter().any(|e| e.message.contains(needle)),
            "{needle} missing:\n{d}"
        );
    }
    assert_eq!(d.error_count(), 7, "{d}");
}

#[test]
fn sli_and_pages_files_are_written_back_byte_for_byte() {
    let services = SERVICES.replace("schema: 1\n", "");
    let sli = sli_text()
        .replace("2026-02", "2026-10")
        .replacen("100, ", "100, 100, 100, 100, ", 1);
    let dir = site(&[
        ("data/services.yaml", &services),
        (PAGES_FILE, PAGES),
        ("data/pages/2026-09.yaml", "month: 2026-09\npages: []\n"),
        ("data/sli/2026-10.yaml", &sli),
        ("data/sli/2026-09.yaml", "month: 2026-09\nservices: {}\n"),
    ]);
    assert_load_write_same_bytes(dir.path());
}

// ---------------------------------------------------------------------------
// What belongs under data/

#[test]
fn unexpected_files_say_what_belongs_there() {
    let d = load_err(&[
        ("data/services.yaml", SERVICES),
        ("data/incidents/foo.txt", "x"),
        ("data/incidents/2026/17054.yml", INCIDENT),
        ("data/maintenance/october.yaml", MAINTENANCE),
        ("data/notes.md", "x"),
        ("data/archive/2019.yaml", "x"),
    ]);
    let e = expect(
        &d,
        "unexpected file `data/incidents/foo.txt`",
        "data/incidents/foo.txt",
        0,
        0,
    );
    assert!(help(e).contains("one `<id>.yaml` per incident"), "{e}");
    let e = expect(
        &d,
        "unexpected file `data/incidents/2026/17054.yml`",
        "data/incidents/2026/17054.yml",
        0,
        0,
    );
    assert!(help(e).contains("rename it to `17054.yaml`"), "{e}");
    let e = expect(
        &d,
        "unexpected file `data/maintenance/october.yaml`",
        "data/maintenance/october.yaml",
        0,
        0,
    );
    assert!(help(e).contains("`YYYY-MM.yaml`"), "{e}");
    expect(&d, "unexpected file `data/notes.md`", "data/notes.md", 0, 0);
    let e = expect(
        &d,
        "unexpected folder `data/archive/`",
        "data/archive",
        0,
        0,
    );
    assert!(
        help(e).contains("`incidents/`, `maintenance/`, `sli/`, `pages/`"),
        "{e}"
    );
    assert_eq!(
        d.error_count(),
        5,
        "nothing inside an unexpected folder:\n{d}"
    );
}

/// The benchmark's scale: `cargo test --release --test data -- --ignored`.
#[test]
#[ignore]
fn loads_ten_thousand_incidents() {
    let dir = site(&[("data/services.yaml", SERVICES)]);
    for n in 0..10_000 {
        let year = 2016 + n % 10;
        let text = INCIDENT
            .replace("\"17054\"", &n.to_string())
            .replace("2026-", &format!("{year}-"));
        let p = dir.path().join(format!("data/incidents/{year}/{n}.yaml"));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let start = std::time::Instant::now();
    let data::Loaded {
        dataset: ds,
        diagnostics: diags,
    } = data::load(dir.path());
    eprintln!(
        "loaded {} incidents in {:?}",
        ds.incidents.len(),
        start.elapsed()
    );
    assert_eq!(ds.incidents.len(), 10_000);
    assert!(diags.is_empty());
}

// ---------------------------------------------------------------------------
// All problems of a file together

#[test]
fn every_mistake_of_one_incident_file_is_reported() {
    // Six different mistakes in one file: before the per-file check went on
    // after a key problem, the unknown key hid all the others.
    let text = INCIDENT
        .replace("severity: 1\n", "severity: 1\ntitle: Twice\n")
        .replace("status: resolved", "status: closed")
        .replace(
            "detected_at: 2026-07-07T09:34:00Z",
            "detected_at: 2026-07-07T09:00:00Z",
        )
        .replace(
            "mitigated_at: 2026-07-07T10:05:00Z",
            "mitigated_at: 2026-07-07T10:05:00",
        )
        .replace("impact: outage\n", "")
        .replace("timeline:", "timline:");
    let d = with_incident(&text);
    let errors: Vec<&Diagnostic> = d.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 6, "{d}");
    expect(&d, "duplicate key `title`", INCIDENT_FILE, 4, 1);
    expect(&d, "`status` must be one of", INCIDENT_FILE, 5, 9);
    expect(
        &d,
        "`detected_at` is before `started_at`",
        INCIDENT_FILE,
        9,
        14,
    );
    expect(
        &d,
        "`mitigated_at` has no UTC offset",
        INCIDENT_FILE,
        10,
        15,
    );
    expect(&d, "incident without `impact`", INCIDENT_FILE, 1, 1);
    let typo = expect(&d, "unknown key `timline`", INCIDENT_FILE, 17, 1);
    assert!(help(typo).contains("did you mean `timeline`?"), "{typo}");
    let dup = expect(&d, "duplicate key `title`", INCIDENT_FILE, 4, 1);
    assert_eq!(dup.labels[0].0.line, 2, "the first `title` is labelled");
}

#[test]
fn values_of_the_wrong_shape_do_not_stop_the_file() {
    let text = INCIDENT
        .replace("title: Elevated", "title: [Elevated")
        .replace("change\n", "change]\n")
        .replace("labels: [incident, \"severity::1\"]", "labels: incident")
        .replace("severity: 1", "severity: 7");
    let d = with_incident(&text);
    expect(
        &d,
        "`title` must be a single value, not a list",
        INCIDENT_FILE,
        2,
        8,
    );
    expect(&d, "`labels` must be a list", INCIDENT_FILE, 14, 9);
    expect(&d, "`severity` must be one of", INCIDENT_FILE, 3, 11);
    assert!(
        !d.iter().any(|d| d.message.contains("without `title`")),
        "a wrong shape is not also a missing key:\n{d}"
    );
}

#[test]
fn a_file_with_errors_is_left_out_and_the_others_load() {
    let bad = incident_with("impact: outage", "impact: total");
    let good = INCIDENT
        .replace("\"17054\"", "\"17055\"")
        .replace("confidential: false", "confidential: true");
    let dir = site(&[
        ("data/services.yaml", SERVICES),
        (INCIDENT_FILE, &bad),
        ("data/incidents/2026/17055.yaml", &good),
        (MAINTENANCE_FILE, MAINTENANCE),
    ]);
    let loaded = data::load(dir.path());
    assert_eq!(
        loaded.diagnostics.error_count(),
        1,
        "{}",
        loaded.diagnostics
    );
    let ids: Vec<&str> = loaded
        .dataset
        .incidents
        .iter()
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(ids, ["17055"]);
    assert_eq!(loaded.dataset.maintenance.len(), 2);
    assert_eq!(loaded.dataset.services.len(), 3);
}

#[test]
fn an_incident_naming_a_broken_service_is_left_out() {
    // `git` has a bad weight: services.yaml keeps its other services, and
    // no incident in the dataset names a service that is not in it.
    let services = SERVICES.replace(
        "weight: 5\n    target: 99.9\n",
        "weight: lots\n    target: 99.9\n",
    );
    let uses_git = incident_with("services: [web, api]", "services: [git]");
    let dir = site(&[
        ("data/services.yaml", &services),
        (INCIDENT_FILE, &uses_git),
    ]);
    let loaded = data::load(dir.path());
    assert_eq!(
        loaded.diagnostics.error_count(),
        1,
        "{}",
        loaded.diagnostics
    );
    let ids: Vec<&str> = loaded
        .dataset
        .services
        .iter()
        .map(|s| s.id.as_str())
        .collect();
    assert_eq!(ids, ["api", "web"]);
    assert!(loaded.dataset.incidents.is_empty());
}

// ---------------------------------------------------------------------------
// The canonical writer: round trips

fn without_origins(mut ds: Dataset) -> Dataset {
    for s in &mut ds.services {
        s.origin = Default::default();
    }
    for i in &mut ds.incidents {
        i.origin = Default::default();
    }
    for w in &mut ds.maintenance {
        w.origin = Default::default();
    }
    for m in &mut ds.sli {
        m.origin = Default::default();
    }
    for m in &mut ds.pages {
        m.origin = Default::default();
    }
    ds
}

#[track_caller]
fn assert_same_data(a: &Dataset, b: &Dataset) {
    assert_eq!(a.services, b.services);
    assert_eq!(a.maintenance, b.maintenance);
    assert_eq!(a.sli, b.sli);
    assert_eq!(a.pages, b.pages);
    assert_eq!(a.incidents.len(), b.incidents.len());
    for (x, y) in a.incidents.iter().zip(&b.incidents) {
        assert_eq!(x, y);
    }
}

/// Writes `ds` into a fresh site through a staging update, loads it back
/// (which must succeed without warnings) and returns what loaded.
#[track_caller]
fn write_and_load(ds: &Dataset) -> (TempDir, Dataset) {
    let dir = tempfile::tempdir().unwrap();
    let mut staging = data::write::Staging::new(dir.path()).unwrap();
    for (rel, text) in data::write::files(ds) {
        staging.write(&rel, &text).unwrap();
    }
    staging.commit().unwrap();
    let loaded = data::load(dir.path());
    assert!(loaded.diagnostics.is_empty(), "{}", loaded.diagnostics);
    let back = without_origins(loaded.dataset);
    (dir, back)
}

/// Every file under `root/data`, relative to `root`, with its text.
fn data_files(root: &Path) -> Vec<(PathBuf, String)> {
    let mut out: Vec<(PathBuf, String)> = walkdir_files(&root.join("data"))
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p.strip_prefix(root).unwrap().to_path_buf(), text)
        })
        .collect();
    out.sort();
    out
}

fn walkdir_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out
}

#[track_caller]
fn assert_load_write_same_bytes(root: &Path) {
    let loaded = data::load(root);
    assert!(!loaded.diagnostics.has_errors(), "{}", loaded.diagnostics);
    let mut written = data::write::files(&loaded.dataset);
    written.sort();
    let on_disk = data_files(root);
    assert_eq!(
        written.iter().map(|f| &f.0).collect::<Vec<_>>(),
        on_disk.iter().map(|f| &f.0).collect::<Vec<_>>(),
        "the writer writes exactly the files there are"
    );
    for ((path, text), (_, disk)) in written.iter().zip(&on_disk) {
        assert_eq!(
            text,
            disk,
            "{} is not written back byte for byte",
            path.display()
        );
    }
}

#[test]
fn the_sample_data_is_written_back_byte_for_byte() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert_load_write_same_bytes(root);
    let loaded = data::load(root);
    assert!(loaded.dataset.incidents.len() > 100);
    assert!(loaded.diagnostics.is_empty(), "{}", loaded.diagnostics);
}

#[test]
fn hand_written_canonical_files_are_written_back_byte_for_byte() {
    let services = SERVICES.replace("schema: 1\n", "");
    let dir = site(&[
        ("data/services.yaml", &services),
        (INCIDENT_FILE, INCIDENT),
        (MAINTENANCE_FILE, MAINTENANCE),
        (
            "data/incidents/2025/nasty.yaml",
            "\
id: nasty
title: \"Outage: web # all of it\"
severity: 2
status: active
confidential: true
services: [web]
started_at: 2025-12-31T23:59:59.250Z
impact: degraded
labels: [\"a,b\", no-colon, \"x: y\", \"yes\"]
summary: |-
  Two lines,

    the last indented and without a final newline
timeline:
  - at: 2025-12-31T23:59:59.250Z
    text: \"yes\"
  - at: 2026-01-01T00:00:00Z
    text: \"\\x01\\x1B \\\"quoted\\\" \\\\ \\N\\L\"
",
        ),
    ]);
    assert_load_write_same_bytes(dir.path());
}

/// Texts that YAML could read as something else, or that need escapes.
const NASTY: &[&str] = &[
    "a: b",
    "# not a comment",
    "a #b",
    "- leading dash",
    "\"quoted\"",
    "'single'",
    "multi\nline",
    "trailing newline\n",
    "two newlines\n\n",
    "\n leading newline",
    " leading space\nsecond\n",
    "trailing space \nsecond\n",
    "control \u{1} \u{1b}[31m \u{7f} \u{9f}",
    "unicode é ☕ 𝄞 \u{a0}nbsp",
    "line sep \u{2028} para \u{2029} nel \u{85}",
    "\u{feff}bom",
    "yes",
    "No",
    "off",
    "null",
    "~",
    "NULL",
    "True",
    "17054",
    "1e3",
    "0x1F",
    "0o17",
    "+1",
    "-1",
    ".nan",
    "2026-08-01",
    "12:30",
    "2026-07-07T09:30:00Z",
    "[x]",
    "{y: z}",
    "*alias",
    "&anchor",
    "!tag",
    "%directive",
    "@at",
    "`code`",
    "|",
    ">",
    "key:",
    "back\\slash",
    "tab\there",
    "\tlead tab",
    "cr\r\nlf",
    "  spaces  ",
    "---",
    "...",
    "<<",
    "=",
    "?",
    "a\u{0}b",
];

fn time(s: &str) -> DateTime<Utc> {
    utc(s)
}

fn id(s: &str) -> opsbook::data::Id {
    opsbook::data::Id::parse(s).unwrap()
}

/// A valid dataset whose texts are the nasty strings.
fn nasty_dataset() -> Dataset {
    use opsbook::data::{
        CorrectiveAction, Incident, MaintenanceWindow, Page, PagesMonth, Service, SliMonth,
        SliService, TimelineEntry,
    };
    // Required texts may not be blank; optional blank texts read as absent.
    let texts: Vec<&str> = NASTY
        .iter()
        .copied()
        .filter(|s| !s.trim().is_empty())
        .collect();
    let services = vec![
        Service {
            id: id("17054"),
            name: "yes".into(),
            weight: 0,
            target: pct("99.5"),
            team: Some("a: b".into()),
            description: Some("multi\n\nline *markdown*\n".into()),
            origin: Default::default(),
        },
        Service {
            id: id("web"),
            name: "Web # main".into(),
            weight: 5,
            target: Percent::HUNDRED,
            team: None,
            description: None,
            origin: Default::default(),
        },
    ];
    let mut incidents = Vec::new();
    for (n, t) in texts.iter().enumerate() {
        let start = time("2026-07-07T09:30:00Z") + chrono::Duration::minutes(n as i64 * 61);
        incidents.push(Incident {
            id: id(&format!("{}", 100 + n)),
            title: t.to_string(),
            severity: Severity::S2,
            status: Status::Resolved,
            confidential: n % 3 == 0,
            services: vec![id("web"), id("17054")],
            started_at: start,
            detected_at: Some(start + chrono::Duration::seconds(59)),
            mitigated_at: None,
            resolved_at: Some(start + chrono::Duration::minutes(30)),
            impact: Impact::Degraded,
            root_cause: Some(t.to_string()),
            url: Some(format!("https://gitlab.example.com/x/-/issues/{n}#note")),
            labels: {
                let mut l: Vec<String> = NASTY.iter().map(|s| s.to_string()).collect();
                l.sort();
                l
            },
            summary: Some(t.to_string()),
            timeline: vec![
                TimelineEntry {
                    at: start,
                    text: t.to_string(),
                },
                TimelineEntry {
                    at: start,
                    text: "same instant".into(),
                },
            ],
            corrective_actions: vec![CorrectiveAction {
                title: t.to_string(),
                url: None,
                status: ActionStatus::Closed,
                due: NaiveDate::from_ymd_opt(2026, 8, 1),
                owner: Some(t.to_string()),
            }],
            origin: Default::default(),
        });
    }
    let maintenance = texts
        .iter()
        .enumerate()
        .map(|(n, t)| MaintenanceWindow {
            id: id(&format!("mw-{n}")),
            title: t.to_string(),
            services: vec![id("web")],
            start: time("2026-10-01T00:00:00Z") + chrono::Duration::hours(n as i64 * 9),
            end: time("2026-10-01T02:00:00Z") + chrono::Duration::hours(n as i64 * 9),
            url: None,
            origin: Default::default(),
        })
        .collect();
    let pages = vec![PagesMonth {
        month: month("2026-10"),
        pages: texts
            .iter()
            .enumerate()
            .map(|(n, t)| {
                let created =
                    time("2026-10-01T00:00:00Z") + chrono::Duration::minutes(n as i64 * 97);
                Page {
                    // Upper, lower and digit-only ids (the last reads as a number).
                    id: match n % 3 {
                        0 => format!("PT{n}KHLK"),
                        1 => format!("pt{n}x"),
                        _ => format!("{}", 1000 + n),
                    },
                    title: t.to_string(),
                    service: if n % 2 == 0 { id("web") } else { id("17054") },
                    urgency: if n % 2 == 0 {
                        Urgency::High
                    } else {
                        Urgency::Low
                    },
                    created_at: created,
                    acknowledged_at: (n % 4 != 0).then(|| created + chrono::Duration::seconds(130)),
                    resolved_at: (n % 5 != 0)
                        .then(|| created + chrono::Duration::seconds(n as i64 * 11 + 200)),
                    escalation_policy: (n % 3 == 0).then(|| t.to_string()),
                }
            })
            .collect(),
        origin: Default::default(),
    }];
    let daily = |m: Month| -> Vec<Percent> {
        (0..m.days())
            .map(|d| {
                Percent::from_units(100 * 10i64.pow(12) - i64::from(d) * 37_000_000_001, 12)
                    .unwrap()
            })
            .collect()
    };
    let sli = vec![
        SliMonth {
            month: month("2024-02"),
            services: vec![SliService {
                id: id("17054"),
                availability: pct("99.962134789123"),
                daily: Some(daily(month("2024-02"))),
            }],
            origin: Default::default(),
        },
        SliMonth {
            month: month("2026-02"),
            services: vec![
                SliService {
                    id: id("17054"),
                    availability: Percent::ZERO,
                    daily: Some(daily(month("2026-02"))),
                },
                SliService {
                    id: id("web"),
                    availability: Percent::HUNDRED,
                    daily: None,
                },
            ],
            origin: Default::default(),
        },
    ];
    Dataset {
        services,
        incidents,
        maintenance,
        sli,
        pages,
        ..Dataset::default()
    }
}

#[test]
fn nasty_texts_are_written_and_read_back_exactly() {
    let ds = nasty_dataset();
    let (dir, back) = write_and_load(&ds);
    assert_same_data(&back, &ds);
    assert_load_write_same_bytes(dir.path());
}

/// splitmix64: a small deterministic generator for the property test.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self) -> bool {
        self.next().is_multiple_of(2)
    }
    /// A text of 1–4 pieces: words, nasty strings and single characters.
    fn text(&mut self) -> String {
        const CHARS: &[char] = &[
            ' ', ':', '#', '-', '"', '\'', '\\', '\n', '\t', '\r', '|', '>', '{', '[', ',', '*',
            '&', '!', '%', '@', '`', 'é', '☕', '\u{1}', '\u{85}', '\u{2028}', '\u{feff}',
        ];
        let n = 1 + self.below(4);
        let mut s = String::new();
        for _ in 0..n {
            match self.below(3) {
                0 => s.push_str(NASTY[self.below(NASTY.len())]),
                1 => s.push(CHARS[self.below(CHARS.len())]),
                _ => s.push_str(["web", "outage", "99.95", "2026", "x"][self.below(5)]),
            }
        }
        if s.trim().is_empty() {
            s.push('x');
        }
        s
    }
}

#[test]
fn generated_incidents_round_trip() {
    use opsbook::data::{CorrectiveAction, TimelineEntry};
    let mut ds = nasty_dataset();
    ds.maintenance.clear();
    let template = ds.incidents[0].clone();
    for seed in [1u64, 42, 2026] {
        let mut rng = Rng(seed);
        ds.incidents.clear();
        for n in 0..60 {
            let mut i = template.clone();
            i.id = id(&format!("g{seed}-{n}"));
            i.title = rng.text();
            i.confidential = rng.chance();
            i.severity = Severity::ALL[rng.below(4)];
            let start = time("2024-01-01T00:00:00Z")
                + chrono::Duration::seconds(rng.below(3 * 365 * 86_400) as i64);
            i.started_at = start;
            let mut t = start;
            let mut later = |rng: &mut Rng| {
                t += chrono::Duration::seconds(rng.below(90_000) as i64);
                t
            };
            i.detected_at = rng.chance().then(|| later(&mut rng));
            i.mitigated_at = rng.chance().then(|| later(&mut rng));
            i.resolved_at = rng.chance().then(|| later(&mut rng));
            i.status = match (i.mitigated_at, i.resolved_at) {
                (_, Some(_)) => Status::Resolved,
                (Some(_), None) => Status::Mitigated,
                _ => Status::Active,
            };
            i.root_cause = rng.chance().then(|| rng.text());
            i.summary = rng.chance().then(|| rng.text());
            i.labels = (0..rng.below(4)).map(|_| rng.text()).collect();
            i.labels.sort();
            i.timeline = (0..rng.below(5))
                .map(|k| TimelineEntry {
                    at: start + chrono::Duration::minutes(k as i64 * 7),
                    text: rng.text(),
                })
                .collect();
            i.corrective_actions = (0..rng.below(3))
                .map(|_| CorrectiveAction {
                    title: rng.text(),
                    url: None,
                    status: ActionStatus::Open,
                    due: None,
                    owner: rng.chance().then(|| rng.text()),
                })
                .collect();
            ds.incidents.push(i);
        }
        ds.incidents
            .sort_by(|a, b| (a.started_at, &a.id).cmp(&(b.started_at, &b.id)));
        let (dir, back) = write_and_load(&ds);
        assert_same_data(&back, &ds);
        assert_load_write_same_bytes(dir.path());
    }
}

// ---------------------------------------------------------------------------
// opsbook new postmortem

fn new_postmortem(root: &Path, id: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_opsbook"))
        .args(["new", "postmortem", id, "--root"])
        .arg(root)
        .output()
        .unwrap()
}

#[test]
fn new_postmortem_of_a_confidential_incident_warns_it_is_never_published() {
    let secret = incident_with("confidential: false", "confidential: true").replace(
        "title: Elevated",
        "title: \"Leak: \\\"x\\\"\\nsecond line\\u0001\" # Elevated",
    );
    let dir = site(&[("data/services.yaml", SERVICES), (INCIDENT_FILE, &secret)]);
    let out = new_postmortem(dir.path(), "17054");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "warning: incident `17054` is confidential: this post-mortem will never be published"
        ),
        "{stderr}"
    );
    assert!(stderr.contains(INCIDENT_FILE), "{stderr}");
    // The skeleton is still written, its front matter by the canonical
    // writer: the title reads back as itself.
    let text = std::fs::read_to_string(dir.path().join("content/postmortems/17054.md")).unwrap();
    let front = text.split("---\n").nth(1).unwrap();
    assert!(
        front.contains("title: \"Leak: \\\"x\\\"\\nsecond line\\x01\"\n"),
        "{front}"
    );

    // A public incident: no warning.
    let dir = site(&[("data/services.yaml", SERVICES), (INCIDENT_FILE, INCIDENT)]);
    let out = new_postmortem(dir.path(), "17054");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !stderr.contains("warning"),
        "{stderr}"
    );
}

#[test]
fn new_postmortem_goes_on_when_another_snapshot_is_broken() {
    let broken = INCIDENT
        .replace("\"17054\"", "\"17055\"")
        .replace("impact: outage", "impact: total");
    let dir = site(&[
        ("data/services.yaml", SERVICES),
        (INCIDENT_FILE, INCIDENT),
        ("data/incidents/2026/17055.yaml", &broken),
    ]);
    let out = new_postmortem(dir.path(), "17054");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The broken one itself: its errors are shown.
    let out = new_postmortem(dir.path(), "17055");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("`impact` must be one of"), "{stderr}");
}
