//! The GitLab source of `opsbook pull` against a fake GitLab
//! (`common/fake_gitlab.rs`): the field mapping, confidential incidents,
//! pagination past 10,000 records, de-duplication, mapping errors and
//! warnings, the project path lookup, GraphQL errors, retries, and the
//! token never shown. Waits go through a `VirtualClock`.

mod common;
#[path = "common/fake_gitlab.rs"]
mod fake_gitlab;
#[path = "common/fixture.rs"]
mod fixture;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use common::utc;
use fake_gitlab::{FakeGitLab, FakeIssue, PROJECT_ID, PROJECT_PATH, TOKEN, Trigger};
use fixture::{Reply, assert_no_token};
use opsbook::config::{GitLabLabels, GitLabSource, ProjectRef, TimelineTags};
use opsbook::data::model::{Impact, Incident, Severity, Status};
use opsbook::diag::Diagnostics;
use opsbook::pull::http::{Auth, Client, Secret, Settings, VirtualClock};
use opsbook::pull::window::IncidentWindow;
use opsbook::pull::{Ctx, Fetched, Progress, gitlab};

fn config(fake: &FakeGitLab, project: ProjectRef) -> GitLabSource {
    GitLabSource {
        url: fake.url(""),
        project,
        token_env: "GITLAB_TOKEN".into(),
        services: BTreeMap::from([
            ("API".to_string(), "api".to_string()),
            ("Web".to_string(), "web".to_string()),
        ]),
        labels: GitLabLabels::default(),
        timeline_tags: TimelineTags::default(),
    }
}

fn window() -> IncidentWindow {
    IncidentWindow {
        updated_after: utc("2026-10-01T00:00:00Z"),
        started_in: None,
    }
}

fn run_with(
    cfg: &GitLabSource,
    token: &str,
    window: &IncidentWindow,
) -> Result<Fetched<Vec<Incident>>, Diagnostics> {
    let settings = Settings {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(5),
        total_budget: Duration::from_secs(120),
        retries: 3,
        user_agent: "opsbook-test".into(),
        backoff_base: Duration::from_millis(100),
        backoff_max: Duration::from_secs(1),
    };
    let client = Client::with_clock(settings, Arc::new(VirtualClock::new()));
    let progress = Progress::quiet();
    let ctx = Ctx {
        client: &client,
        progress: &progress,
    };
    let auth = Auth::gitlab(Secret::new("GITLAB_TOKEN", token));
    gitlab::fetch(&ctx, cfg, &auth, window)
}

fn run(fake: &FakeGitLab) -> Result<Fetched<Vec<Incident>>, Diagnostics> {
    run_with(
        &config(fake, ProjectRef::Path(PROJECT_PATH.into())),
        TOKEN,
        &window(),
    )
}

/// An incident that maps without a warning.
fn plain(iid: u64) -> FakeIssue {
    FakeIssue::new(iid).labels(&["severity::2", "Service::API"])
}

#[test]
fn a_full_incident_maps_every_field() {
    let fake = FakeGitLab::start(vec![
        FakeIssue::new(17054)
            .id(98765)
            .title("API \u{1b}[31merrors\u{7} after deploy")
            .description("Checkout failed.\r\n\tSee the graph.")
            .labels(&[
                "severity::1",
                "Service::Web",
                "Service::API",
                "RootCause::Deploy",
                "Incident::Resolved",
                "team::sre",
            ])
            .created("2026-10-03T12:10:00Z")
            .closed("2026-10-04T09:00:00Z")
            .updated("2026-10-04T09:00:00Z")
            // Any offset and fractional seconds: UTC, whole seconds.
            .event(
                "2026-10-03T14:02:30.750+02:00",
                "Errors began",
                &["Start time"],
            )
            .event("2026-10-03T13:00:00Z", "Rolled back", &["Impact mitigated"])
            .event("2026-10-03T12:30:00Z", "Paged the DB team", &[])
            .event("2026-10-03T12:30:00Z", "Escalated", &[])
            .event("2026-10-03T14:00:00Z", "", &["End time"]),
    ]);
    let got = run(&fake).unwrap();
    assert!(got.warnings.is_empty(), "{}", got.warnings);
    let [i] = got.records.as_slice() else {
        panic!("one record expected: {:?}", got.records)
    };
    assert_eq!(i.id.as_str(), "17054");
    assert_eq!(i.title, "API [31merrors after deploy");
    assert_eq!(i.severity, Severity::S1);
    assert_eq!(i.status, Status::Resolved);
    assert!(!i.confidential);
    let services: Vec<&str> = i.services.iter().map(|s| s.as_str()).collect();
    assert_eq!(services, ["api", "web"]);
    assert_eq!(i.started_at, utc("2026-10-03T12:02:30Z"));
    assert_eq!(i.detected_at, Some(utc("2026-10-03T12:10:00Z")));
    assert_eq!(i.mitigated_at, Some(utc("2026-10-03T13:00:00Z")));
    // "End time" wins over closed_at.
    assert_eq!(i.resolved_at, Some(utc("2026-10-03T14:00:00Z")));
    assert_eq!(i.impact, Impact::Outage);
    assert_eq!(i.root_cause.as_deref(), Some("Deploy"));
    assert_eq!(
        i.url.as_deref(),
        Some(fake.url("/infra/production/-/issues/17054").as_str())
    );
    assert_eq!(
        i.labels,
        [
            "Incident::Resolved",
            "RootCause::Deploy",
            "Service::API",
            "Service::Web",
            "severity::1",
            "team::sre"
        ]
    );
    assert_eq!(
        i.summary.as_deref(),
        Some("Checkout failed.\n\tSee the graph.")
    );
    let timeline: Vec<(String, &str)> = i
        .timeline
        .iter()
        .map(|e| (e.at.format("%H:%M:%S").to_string(), e.text.as_str()))
        .collect();
    assert_eq!(
        timeline,
        [
            ("12:02:30".to_string(), "Errors began"),
            ("12:30:00".to_string(), "Escalated"),
            ("12:30:00".to_string(), "Paged the DB team"),
            ("13:00:00".to_string(), "Rolled back"),
        ]
    );
    assert!(i.corrective_actions.is_empty());

    // The list asked what the docs say; GraphQL used the global id.
    let list = fake.list_requests();
    assert_eq!(list.len(), 1);
    for part in [
        "issue_type=incident",
        "state=all",
        "updated_after=2026-10-01T00%3A00%3A00Z",
        "per_page=100",
        "page=1",
    ] {
        assert!(
            list[0].target.contains(part),
            "{} lacks {part}",
            list[0].target
        );
    }
    assert!(
        list[0]
            .target
            .starts_with("/api/v4/projects/infra%2Fproduction/issues?")
    );
    let gql = fake.graphql_requests();
    assert_eq!(gql.len(), 1);
    assert!(gql[0].body.contains("gid://gitlab/Issue/98765"));
    assert!(!gql[0].body.contains("gid://gitlab/Issue/17054"));
    for r in fake.requests() {
        assert_eq!(r.header("private-token"), Some(TOKEN));
        assert_no_token(TOKEN, &r.target);
    }
}

#[test]
fn defaults_without_labels_or_events() {
    let fake = FakeGitLab::start(vec![
        // Closed, no status label: resolved at closed_at; S3 → degraded.
        FakeIssue::new(1)
            .labels(&["severity::3", "Service::API"])
            .created("2026-10-05T10:00:00Z")
            .closed("2026-10-05T11:00:00Z"),
        // Open: active, started at creation.
        FakeIssue::new(2).labels(&["severity::2", "Service::API", "Impact::None"]),
        // Filed after the fact: created after the end, so no detected_at.
        FakeIssue::new(3)
            .labels(&["severity::2", "Service::API"])
            .created("2026-10-07T10:00:00Z")
            .event("2026-10-06T10:00:00Z", "", &["Start time"])
            .event("2026-10-06T11:00:00Z", "", &["End time"]),
    ]);
    let got = run(&fake).unwrap();
    assert!(got.warnings.is_empty(), "{}", got.warnings);
    let r = &got.records;
    assert_eq!(r[0].status, Status::Resolved);
    assert_eq!(r[0].resolved_at, Some(utc("2026-10-05T11:00:00Z")));
    assert_eq!(r[0].started_at, utc("2026-10-05T10:00:00Z"));
    assert_eq!(r[0].detected_at, Some(utc("2026-10-05T10:00:00Z")));
    assert_eq!(r[0].impact, Impact::Degraded);
    assert_eq!(r[1].status, Status::Active);
    assert_eq!(r[1].resolved_at, None);
    assert_eq!(r[1].impact, Impact::None);
    assert_eq!(r[1].summary, None);
    assert_eq!(r[2].started_at, utc("2026-10-06T10:00:00Z"));
    assert_eq!(r[2].resolved_at, Some(utc("2026-10-06T11:00:00Z")));
    assert_eq!(r[2].detected_at, None);
}

#[test]
fn confidential_incidents_keep_only_what_the_numbers_need() {
    let fake = FakeGitLab::start(vec![
        FakeIssue::new(42)
            .title("Customer Zorblax data exposed")
            .description("Zorblax bucket was public")
            .labels(&[
                "severity::1",
                "Service::API",
                "RootCause::Leakyacl",
                "Incident::Mitigated",
            ])
            .confidential()
            .event("2026-10-05T09:00:00Z", "Zorblax noticed", &["Start time"])
            .event(
                "2026-10-05T09:30:00Z",
                "Locked the Zorblax bucket",
                &["Impact mitigated"],
            ),
    ]);
    let got = run(&fake).unwrap();
    let i = &got.records[0];
    assert!(i.confidential);
    assert_eq!(i.title, "Confidential incident");
    assert_eq!(i.severity, Severity::S1);
    assert_eq!(i.status, Status::Mitigated);
    assert_eq!(i.services[0].as_str(), "api");
    // The timeline still gives the times.
    assert_eq!(i.started_at, utc("2026-10-05T09:00:00Z"));
    assert_eq!(i.mitigated_at, Some(utc("2026-10-05T09:30:00Z")));
    assert_eq!(i.impact, Impact::Outage);
    assert!(i.labels.is_empty() && i.timeline.is_empty());
    assert_eq!(
        (i.url.as_ref(), i.summary.as_ref(), i.root_cause.as_ref()),
        (None, None, None)
    );
    let shown = format!("{:?}\n{}", got.records, got.warnings);
    for secret in ["Zorblax", "Leakyacl", "issues/42", "RootCause"] {
        assert!(!shown.contains(secret), "{secret} leaked: {shown}");
    }
}

#[test]
fn every_page_is_followed_and_timelines_are_batched() {
    let issues: Vec<FakeIssue> = (1..=250).map(plain).collect();
    let fake = FakeGitLab::start(issues);
    let got = run(&fake).unwrap();
    assert_eq!(got.records.len(), 250);
    let ids: Vec<String> = got.records.iter().map(|i| i.id.to_string()).collect();
    let expected: Vec<String> = (1..=250).map(|n| n.to_string()).collect();
    assert_eq!(ids, expected, "sorted by iid, each once");
    let pages: Vec<String> = fake
        .list_requests()
        .iter()
        .map(|r| r.target.clone())
        .collect();
    assert_eq!(pages.len(), 3);
    for (n, t) in pages.iter().enumerate() {
        assert!(t.ends_with(&format!("&page={}", n + 1)), "{t}");
    }
    // 250 incidents, 25 per query.
    assert_eq!(fake.graphql_requests().len(), 10);
}

#[test]
fn more_than_ten_thousand_incidents_without_totals() {
    let issues: Vec<FakeIssue> = (1..=10_050)
        .map(|n| {
            // Spread updates over time so the order is by update, not iid.
            let s = (n * 7919) % 100_000;
            plain(n).updated(&format!(
                "2026-10-{:02}T{:02}:{:02}:{:02}Z",
                5 + s / 86_400,
                (s / 3600) % 24,
                (s / 60) % 60,
                s % 60
            ))
        })
        .collect();
    let fake = FakeGitLab::start(issues);
    let got = run(&fake).unwrap();
    assert_eq!(got.records.len(), 10_050);
    assert_eq!(got.records.last().unwrap().id.as_str(), "10050");
    assert_eq!(fake.list_requests().len(), 101);
    assert_eq!(fake.graphql_requests().len(), 402);
}

#[test]
fn a_record_repeated_across_pages_counts_once_in_its_latest_version() {
    let issues: Vec<FakeIssue> = (1..=150).map(plain).collect();
    let fake = FakeGitLab::start(issues);
    // Issue 7 was edited during the pull: seen on page 1, again on page 2.
    fake.repeat_on_page(
        2,
        plain(7)
            .title("Edited mid-pull")
            .updated("2026-10-06T00:00:00Z"),
    );
    let got = run(&fake).unwrap();
    assert_eq!(got.records.len(), 150);
    let seven: Vec<&Incident> = got
        .records
        .iter()
        .filter(|i| i.id.as_str() == "7")
        .collect();
    assert_eq!(seven.len(), 1);
    assert_eq!(seven[0].title, "Edited mid-pull");

    // An older copy arriving later does not win.
    let fake = FakeGitLab::start((1..=150).map(plain).collect());
    fake.repeat_on_page(2, plain(7).title("Stale").updated("2026-10-01T00:00:00Z"));
    let got = run(&fake).unwrap();
    assert_eq!(got.records.len(), 150);
    assert_eq!(got.records[6].title, "Incident 7");
}

#[test]
fn unmapped_and_missing_service_labels_are_all_reported() {
    let fake = FakeGitLab::start(vec![
        plain(1),
        FakeIssue::new(2).labels(&["severity::2", "Service::Billing"]),
        FakeIssue::new(3).labels(&["severity::2"]),
        FakeIssue::new(4).labels(&["severity::2", "Service::API", "Service::Search Engine"]),
    ]);
    let err = run(&fake).unwrap_err();
    assert_eq!(err.error_count(), 3, "{err}");
    let text = err.to_string();
    let url2 = fake.url("/infra/production/-/issues/2");
    assert!(
        text.contains(&format!(
            "gitlab: incident #2 ({url2}): label `Service::Billing` is not in [gitlab.services]"
        )),
        "{text}"
    );
    assert!(
        text.contains("add the line `Billing = \"<service-id>\"` under [gitlab.services]"),
        "{text}"
    );
    assert!(
        text.contains("incident #3") && text.contains("no `Service::` label"),
        "{text}"
    );
    assert!(text.contains("`Service::Search Engine`"), "{text}");
    assert!(
        text.contains("`\"Search Engine\" = \"<service-id>\"`"),
        "{text}"
    );
    assert!(!text.contains("incident #1 "), "{text}");
}

#[test]
fn a_missing_severity_is_a_warning_and_severity_four() {
    let fake = FakeGitLab::start(vec![plain(1), FakeIssue::new(2).labels(&["Service::Web"])]);
    let got = run(&fake).unwrap();
    assert_eq!(got.records[1].severity, Severity::S4);
    assert_eq!(got.records[1].impact, Impact::Degraded);
    assert_eq!(got.warnings.warning_count(), 1, "{}", got.warnings);
    let text = got.warnings.to_string();
    assert!(
        text.contains("incident #2") && text.contains("no `severity::N` label"),
        "{text}"
    );
}

#[test]
fn times_out_of_order_name_the_incident_and_both_fields() {
    let fake = FakeGitLab::start(vec![
        plain(5)
            .event("2026-10-05T12:00:00Z", "", &["Start time"])
            .event("2026-10-05T11:00:00Z", "", &["Impact mitigated"]),
    ]);
    let text = run(&fake).unwrap_err().to_string();
    assert!(text.contains("incident #5"), "{text}");
    assert!(
        text.contains("mitigated_at 2026-10-05T11:00:00Z (the \"Impact mitigated\" timeline event) is before started_at 2026-10-05T12:00:00Z"),
        "{text}"
    );
}

#[test]
fn a_resolved_label_without_an_end_falls_back_with_a_warning() {
    let fake = FakeGitLab::start(vec![
        plain(8)
            .labels(&["severity::2", "Service::API", "Incident::Resolved"])
            .updated("2026-10-06T08:00:00Z"),
    ]);
    let got = run(&fake).unwrap();
    assert_eq!(got.records[0].status, Status::Resolved);
    assert_eq!(
        got.records[0].resolved_at,
        Some(utc("2026-10-06T08:00:00Z"))
    );
    assert!(got.warnings.to_string().contains("incident #8"));
}

#[test]
fn the_month_window_keeps_incidents_that_started_in_it() {
    let fake = FakeGitLab::start(vec![
        // Declared in October, started in September: not October's.
        plain(1).event("2026-09-30T23:00:00Z", "", &["Start time"]),
        plain(2),
        // Out of the window: its mapping error is not this run's.
        FakeIssue::new(3)
            .labels(&["Service::Nope"])
            .created("2026-11-02T00:00:00Z"),
    ]);
    let cfg = config(&fake, ProjectRef::Path(PROJECT_PATH.into()));
    let w = IncidentWindow {
        updated_after: utc("2026-10-01T00:00:00Z"),
        started_in: Some((utc("2026-10-01T00:00:00Z"), utc("2026-11-01T00:00:00Z"))),
    };
    let got = run_with(&cfg, TOKEN, &w).unwrap();
    let ids: Vec<&str> = got.records.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["2"]);
}

#[test]
fn a_numeric_project_is_looked_up_once_for_graphql() {
    let fake = FakeGitLab::start((1..=60).map(plain).collect());
    let cfg = config(&fake, ProjectRef::Id(PROJECT_ID));
    let got = run_with(&cfg, TOKEN, &window()).unwrap();
    assert_eq!(got.records.len(), 60);
    let lookups: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.target == format!("/api/v4/projects/{PROJECT_ID}"))
        .collect();
    assert_eq!(lookups.len(), 1);
    let gql = fake.graphql_requests();
    assert_eq!(gql.len(), 3);
    for r in gql {
        let body: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["variables"]["path"], PROJECT_PATH);
    }
    assert!(
        fake.list_requests()[0]
            .target
            .starts_with(&format!("/api/v4/projects/{PROJECT_ID}/issues?"))
    );
}

#[test]
fn graphql_errors_are_errors_naming_the_message() {
    let fake = FakeGitLab::start(vec![plain(1)]);
    fake.fault(
        Trigger::Path("/api/graphql".into()),
        Reply::json(
            200,
            r#"{"errors":[{"message":"Field 'incidentManagementTimelineEvents' doesn't exist on type 'Project'"}]}"#,
        ),
    );
    let err = run(&fake).unwrap_err();
    let text = err.to_string();
    assert!(err.has_errors());
    assert!(
        text.contains("GraphQL error: Field 'incidentManagementTimelineEvents' doesn't exist"),
        "{text}"
    );
    assert!(text.contains("/api/graphql"), "{text}");
    assert_no_token(TOKEN, &text);
}

#[test]
fn a_server_error_then_success_is_retried() {
    let fake = FakeGitLab::start((1..=120).map(plain).collect());
    fake.fault(
        Trigger::Path("page=2".into()),
        Reply::json(500, r#"{"message":"500 Internal Server Error"}"#),
    );
    fake.fault(Trigger::Path("/api/graphql".into()), Reply::Reset);
    let got = run(&fake).unwrap();
    assert_eq!(got.records.len(), 120);
    let pages: Vec<String> = fake
        .list_requests()
        .iter()
        .map(|r| r.target.clone())
        .collect();
    assert_eq!(pages.len(), 3, "page 2 asked twice: {pages:?}");
}

#[test]
fn the_token_never_shows_in_any_error() {
    // A wrong token: 401, shown with the variable to fix, not the value.
    let fake = FakeGitLab::start(vec![plain(1)]);
    let cfg = config(&fake, ProjectRef::Path(PROJECT_PATH.into()));
    let wrong = "glpat-WRONG-SECRET-0000";
    let err = run_with(&cfg, wrong, &window()).unwrap_err();
    let text = format!("{err}\n{err:?}");
    assert!(
        text.contains("401") && text.contains("GITLAB_TOKEN"),
        "{text}"
    );
    assert!(!text.contains(wrong), "{text}");
    assert_no_token(TOKEN, &text);

    // A failing server past every retry, and a mapping error.
    let fake = FakeGitLab::start(vec![FakeIssue::new(2).labels(&["Service::Zzz"])]);
    for n in 0..10 {
        fake.fault(Trigger::Nth(n), Reply::json(503, "down"));
    }
    let err = run(&fake).unwrap_err();
    let text = format!("{err}\n{err:?}");
    assert!(text.contains("503"), "{text}");
    assert_no_token(TOKEN, &text);
    let fake = FakeGitLab::start(vec![FakeIssue::new(2).labels(&["Service::Zzz"])]);
    let err = run(&fake).unwrap_err();
    assert_no_token(TOKEN, &format!("{err}\n{err:?}"));
}
