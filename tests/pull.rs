//! `opsbook pull` end to end: the real binary against fake upstreams on
//! 127.0.0.1 speaking the documented API shapes. What a user relies on:
//! the snapshots written, a re-pull that changes nothing, hand-kept fields
//! that survive, confidential text that never reaches data/ or public/, a
//! failed or killed pull that leaves data/ byte-identical, and a token that
//! never shows anywhere.

mod common;
#[path = "common/fake_gitlab.rs"]
mod fake_gitlab;
#[path = "common/fake_pagerduty.rs"]
mod fake_pagerduty;
#[path = "common/fixture.rs"]
mod fixture;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Output, Site, tree};
use fake_gitlab::{FakeGitLab, FakeIssue, PROJECT_PATH};
use fake_pagerduty::{FakePage, FakePagerDuty};
use fixture::{FixtureServer, Recorded, Reply};

const PROM_TOKEN: &str = "prom-SECRET-a81c";

const SERVICES: &str = common::API_WEB_SERVICES;

/// A site with two services and one hand-written incident.
fn site(sources: &str) -> Site {
    let site = Site::new();
    site.file("data/services.yaml", SERVICES)
        .file(
            "opsbook.toml",
            &format!("title = \"Pull test\"\nbase_url = \"https://ops.example.com/\"\n{sources}"),
        )
        .file("content/_index.md", "---\ntitle: Home\n---\nHello.\n");
    site
}

fn prometheus_section(url: &str) -> String {
    format!(
        "[prometheus]\nurl = \"{url}\"\nquery = 'avg_over_time(sli:availability:ratio[{{range}}])'\ntoken_env = \"PROM_TOKEN\"\n"
    )
}

fn query_param<'a>(r: &'a Recorded, name: &str) -> Option<&'a str> {
    let (_, query) = r.target.split_once('?')?;
    query
        .split('&')
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
}

/// A Prometheus-compatible engine: web is at 99.95 % every month, api at
/// 100 %; daily values are one per day asked.
fn fake_prometheus() -> FixtureServer {
    FixtureServer::routed(|_, r| {
        if r.header("authorization") != Some(&format!("Bearer {PROM_TOKEN}")) {
            return Reply::json(
                401,
                r#"{"status":"error","errorType":"unauthorized","error":"no"}"#,
            );
        }
        let path = r.target.split('?').next().unwrap_or("");
        match path {
            "/api/v1/query" => {
                let t = query_param(r, "time").unwrap_or("0");
                Reply::json(
                    200,
                    &format!(
                        r#"{{"status":"success","data":{{"resultType":"vector","result":[
                        {{"metric":{{"service":"web"}},"value":[{t},"0.9995"]}},
                        {{"metric":{{"service":"api"}},"value":[{t},"1"]}}]}}}}"#
                    ),
                )
            }
            "/api/v1/query_range" => {
                let start: i64 = query_param(r, "start")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                let end: i64 = query_param(r, "end")
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0);
                let points = |v: &str| {
                    (0..)
                        .map(|d| start + d * 86_400)
                        .take_while(|t| *t <= end)
                        .map(|t| format!("[{t},\"{v}\"]"))
                        .collect::<Vec<_>>()
                        .join(",")
                };
                Reply::json(
                    200,
                    &format!(
                        r#"{{"status":"success","data":{{"resultType":"matrix","result":[
                        {{"metric":{{"service":"web"}},"values":[{}]}},
                        {{"metric":{{"service":"api"}},"values":[{}]}}]}}}}"#,
                        points("0.9995"),
                        points("1")
                    ),
                )
            }
            _ => Reply::json(404, r#"{"status":"error","error":"not found"}"#),
        }
    })
}

fn pull(site: &Site, args: &[&str]) -> Output {
    let mut all = vec![
        "pull",
        "--root",
        site.root_str(),
        "--now",
        "2026-12-02T10:00:00Z",
        "--timeout",
        "2",
        "--backoff-ms",
        "5",
    ];
    all.extend_from_slice(args);
    site.run_env(
        &all,
        &[
            ("PROM_TOKEN", Some(PROM_TOKEN)),
            ("GITLAB_TOKEN", Some(fake_gitlab::TOKEN)),
            ("PAGERDUTY_TOKEN", Some(fake_pagerduty::TOKEN)),
        ],
    )
}

#[track_caller]
fn assert_no_secret(site: &Site, out: &Output) {
    for token in [PROM_TOKEN, fake_gitlab::TOKEN, fake_pagerduty::TOKEN] {
        for text in [&out.stdout, &out.stderr] {
            assert!(!text.contains(token), "token in output:\n{text}");
        }
        for (path, bytes) in tree(site.root()) {
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(token), "token in {path}");
        }
    }
}

#[test]
fn slis_are_written_canonically_and_a_re_pull_changes_nothing() {
    let prom = fake_prometheus();
    let site = site(&prometheus_section(&prom.url("")));
    let out = pull(&site, &["--since", "2026-10-01"]);
    out.assert_success();
    assert_eq!(
        out.stdout.lines().collect::<Vec<_>>(),
        ["data/sli/2026-10.yaml", "data/sli/2026-11.yaml"],
        "the changed files, one per line on stdout"
    );
    let oct = std::fs::read_to_string(site.root().join("data/sli/2026-10.yaml")).unwrap();
    assert!(
        oct.starts_with("month: 2026-10\nservices:\n  api:\n    availability: 100\n"),
        "{oct}"
    );
    assert!(oct.contains("  web:\n    availability: 99.95\n"), "{oct}");
    let daily = oct.lines().find(|l| l.contains("daily")).unwrap();
    assert_eq!(daily.matches(',').count(), 30, "31 daily values: {daily}");
    assert!(
        !site.root().join("data/sli/2026-12.yaml").exists(),
        "the month to date is not fetched"
    );

    let before = tree(site.root());
    let again = pull(&site, &["--since", "2026-10-01"]);
    again.assert_success();
    assert_eq!(again.stdout, "", "nothing changed");
    assert_eq!(tree(site.root()), before, "byte-identical");
    assert_no_secret(&site, &again);
    site.build().assert_success();
}

#[test]
fn a_failing_source_leaves_data_byte_identical() {
    let site_dir = {
        let prom = fake_prometheus();
        let site = site(&prometheus_section(&prom.url("")));
        pull(&site, &["--month", "2026-10"]).assert_success();
        site
    };
    // The engine now fails every request.
    let broken = FixtureServer::routed(|_, _| {
        Reply::json(
            503,
            r#"{"status":"error","errorType":"unavailable","error":"overloaded"}"#,
        )
    });
    site_dir.file(
        "opsbook.toml",
        &format!("title = \"x\"\n{}", prometheus_section(&broken.url(""))),
    );
    let before = tree(site_dir.root());
    let out = pull(&site_dir, &["--since", "2026-09-01"]);
    out.assert_failure()
        .assert_stderr_has(&["/api/v1/query", "503", "data/ is as it was"]);
    assert_eq!(tree(site_dir.root()), before, "data/ untouched on failure");
    assert_no_secret(&site_dir, &out);
}

#[test]
fn dry_run_lists_the_changes_and_writes_nothing() {
    let prom = fake_prometheus();
    let site = site(&prometheus_section(&prom.url("")));
    let before = tree(site.root());
    let out = pull(&site, &["--month", "2026-11", "--dry-run"]);
    out.assert_success()
        .assert_stderr_has(&["would change", "dry run"]);
    assert_eq!(out.stdout.trim(), "data/sli/2026-11.yaml");
    assert_eq!(tree(site.root()), before);
}

#[test]
fn a_killed_pull_leaves_data_as_it_was() {
    // The engine answers the first request and then never again.
    let stall = FixtureServer::routed(|n, _| {
        if n == 0 {
            Reply::json(
                200,
                r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#,
            )
        } else {
            Reply::Stall {
                for_: Duration::from_secs(30),
            }
        }
    });
    let site = site(&prometheus_section(&stall.url("")));
    site.file(
        "data/sli/2026-10.yaml",
        "month: 2026-10\nservices:\n  web:\n    availability: 99.9\n",
    );
    let before = tree(site.root());
    let mut child = Command::new(env!("CARGO_BIN_EXE_opsbook"))
        .args([
            "pull",
            "--root",
            site.root_str(),
            "--now",
            "2026-12-02T10:00:00Z",
        ])
        .args(["--since", "2026-09-01", "--timeout", "30"])
        .env("PROM_TOKEN", PROM_TOKEN)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while stall.requests().len() < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the pull never reached the stall"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let after = tree(site.root());
    let data = |t: &std::collections::BTreeMap<String, Vec<u8>>| {
        t.iter()
            .filter(|(p, _)| p.starts_with("data/"))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        data(&after),
        data(&before),
        "data/ byte-identical after a kill"
    );

    // The next pull cleans up the killed one's staging folder.
    let prom = fake_prometheus();
    site.file(
        "opsbook.toml",
        &format!("title = \"x\"\n{}", prometheus_section(&prom.url(""))),
    );
    pull(&site, &["--month", "2026-10"]).assert_success();
    let leftovers: Vec<String> = std::fs::read_dir(site.root())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left: {leftovers:?}");
}

#[test]
fn a_missing_token_fails_before_any_request() {
    let prom = fake_prometheus();
    let site = site(&prometheus_section(&prom.url("")));
    let out = site.run_env(
        &["pull", "--root", site.root_str(), "--month", "2026-10"],
        &[("PROM_TOKEN", None)],
    );
    out.assert_failure()
        .assert_stderr_has(&["PROM_TOKEN", "is not set"]);
    assert!(prom.requests().is_empty(), "no request without a token");
    assert!(!Path::new(&site.root().join("data/sli")).exists());
}

fn gitlab_section(url: &str) -> String {
    format!(
        "[gitlab]\nurl = \"{url}\"\nproject = \"{PROJECT_PATH}\"\n[gitlab.services]\n\"API\" = \"api\"\n\"Web\" = \"web\"\n"
    )
}

const SECRET_TITLE: &str = "Leaked customer list of Initech";
const SECRET_NOTE: &str = "Attacker used the Initech VPN";

/// Three incidents in October and November 2026, one confidential.
fn issues() -> Vec<FakeIssue> {
    vec![
        FakeIssue::new(101)
            .title("Elevated 5xx on web after a config change")
            .description("The load balancer dropped **half** the pool.")
            .labels(&[
                "incident",
                "severity::1",
                "Service::Web",
                "Service::API",
                "RootCause::Config-Change",
                "Incident::Resolved",
            ])
            .created("2026-10-07T09:34:00Z")
            .closed("2026-10-07T10:20:00Z")
            .updated("2026-10-08T12:00:00Z")
            .event(
                "2026-10-07T09:30:00Z",
                "Error ratio crosses the SLO",
                &["Start time"],
            )
            .event(
                "2026-10-07T10:05:00Z",
                "Pool restored",
                &["Impact mitigated"],
            )
            .event("2026-10-07T10:15:00Z", "Monitoring clean", &["End time"]),
        FakeIssue::new(102)
            .title(SECRET_TITLE)
            .description("Customer Initech's data was exposed")
            .labels(&[
                "incident",
                "severity::2",
                "Service::API",
                "Incident::Resolved",
                "RootCause::Security",
            ])
            .confidential()
            .created("2026-11-03T02:00:00Z")
            .closed("2026-11-03T04:00:00Z")
            .updated("2026-11-03T05:00:00Z")
            .event("2026-11-03T01:50:00Z", SECRET_NOTE, &["Start time"])
            .event("2026-11-03T03:00:00Z", "Contained", &["End time"]),
        FakeIssue::new(103)
            .title("Slow git pushes")
            .labels(&["incident", "severity::3", "Service::Web"])
            .created("2026-11-20T15:00:00Z")
            .updated("2026-11-20T16:00:00Z"),
    ]
}

#[test]
fn incidents_are_written_and_hand_kept_fields_survive_a_re_pull() {
    let gitlab = FakeGitLab::start(issues());
    let site = site(&gitlab_section(&gitlab.url("")));
    let out = pull(&site, &["--since", "2026-10-01"]);
    out.assert_success();
    assert_eq!(
        out.stdout.lines().collect::<Vec<_>>(),
        [
            "data/incidents/2026/101.yaml",
            "data/incidents/2026/102.yaml",
            "data/incidents/2026/103.yaml"
        ]
    );
    let path = site.root().join("data/incidents/2026/101.yaml");
    let first = std::fs::read_to_string(&path).unwrap();
    assert!(first.starts_with("id: \"101\"\ntitle: Elevated 5xx on web after a config change\nseverity: 1\nstatus: resolved\n"), "{first}");
    assert!(first.contains("services: [api, web]\nstarted_at: 2026-10-07T09:30:00Z\ndetected_at: 2026-10-07T09:34:00Z\nmitigated_at: 2026-10-07T10:05:00Z\nresolved_at: 2026-10-07T10:15:00Z\nimpact: outage\nroot_cause: Config-Change\n"), "{first}");

    // A person adds corrective actions; a re-pull keeps them and changes nothing else.
    let edited = format!(
        "{first}corrective_actions:\n  - title: Validate load balancer config in CI\n    status: open\n    owner: Networking team\n"
    );
    std::fs::write(&path, &edited).unwrap();
    let before = tree(site.root());
    let again = pull(&site, &["--since", "2026-10-01"]);
    again.assert_success();
    assert_eq!(
        again.stdout, "",
        "a re-pull with no upstream change changes nothing"
    );
    assert_eq!(tree(site.root()), before);
    assert_no_secret(&site, &again);

    // Upstream changes the title: the title follows, the actions stay.
    let mut changed = issues();
    changed[0].title = "Elevated 5xx on web after a load balancer change".into();
    gitlab.set_issues(changed);
    pull(&site, &["--since", "2026-10-01"]).assert_success();
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after.contains("title: Elevated 5xx on web after a load balancer change\n"));
    assert!(after.contains("owner: Networking team"), "{after}");
}

#[test]
fn confidential_text_reaches_neither_data_nor_the_site() {
    let gitlab = FakeGitLab::start(issues());
    let site = site(&gitlab_section(&gitlab.url("")));
    pull(&site, &[]).assert_success();
    let snapshot =
        std::fs::read_to_string(site.root().join("data/incidents/2026/102.yaml")).unwrap();
    assert!(snapshot.contains("confidential: true"), "{snapshot}");
    assert!(
        snapshot.contains("title: Confidential incident"),
        "{snapshot}"
    );
    site.build().assert_success();
    for (path, bytes) in tree(site.root()) {
        let text = String::from_utf8_lossy(&bytes);
        for secret in [
            SECRET_TITLE,
            SECRET_NOTE,
            "Initech",
            "Security",
            "/-/issues/102",
        ] {
            assert!(!text.contains(secret), "{secret:?} leaked into {path}");
        }
    }
}

#[test]
fn an_incident_whose_start_moves_to_another_year_moves_its_snapshot() {
    let gitlab = FakeGitLab::start(vec![
        FakeIssue::new(7)
            .labels(&["severity::2", "Service::Web"])
            .created("2026-01-01T00:10:00Z")
            .updated("2026-11-05T00:00:00Z"),
    ]);
    let site = site(&gitlab_section(&gitlab.url("")));
    pull(&site, &[]).assert_success();
    assert!(site.root().join("data/incidents/2026/7.yaml").exists());
    // The start time is set afterwards, in the previous year.
    gitlab.set_issues(vec![
        FakeIssue::new(7)
            .labels(&["severity::2", "Service::Web"])
            .created("2026-01-01T00:10:00Z")
            .updated("2026-11-06T00:00:00Z")
            .event("2025-12-31T23:50:00Z", "Started", &["Start time"]),
    ]);
    let out = pull(&site, &[]);
    out.assert_success();
    assert_eq!(
        out.stdout.lines().collect::<Vec<_>>(),
        ["data/incidents/2025/7.yaml", "data/incidents/2026/7.yaml"]
    );
    assert!(site.root().join("data/incidents/2025/7.yaml").exists());
    assert!(!site.root().join("data/incidents/2026/7.yaml").exists());
}

#[test]
fn an_unmapped_service_label_fails_the_pull_and_names_the_fix() {
    let gitlab = FakeGitLab::start(vec![
        FakeIssue::new(9)
            .labels(&["severity::2", "Service::Billing"])
            .updated("2026-11-05T00:00:00Z"),
        FakeIssue::new(10)
            .labels(&["severity::2", "Service::Search"])
            .updated("2026-11-05T00:00:00Z"),
    ]);
    let site = site(&gitlab_section(&gitlab.url("")));
    let before = tree(site.root());
    let out = pull(&site, &[]);
    out.assert_failure().assert_stderr_has(&[
        "Service::Billing",
        "Service::Search",
        "[gitlab.services]",
        "data/ is as it was",
    ]);
    assert_eq!(tree(site.root()), before);
}

#[test]
fn the_last_source_failing_leaves_data_byte_identical() {
    let gitlab = FakeGitLab::start(issues());
    let broken =
        FixtureServer::routed(|_, _| Reply::json(500, "{\"status\":\"error\",\"error\":\"boom\"}"));
    let site = site(&format!(
        "{}{}",
        gitlab_section(&gitlab.url("")),
        prometheus_section(&broken.url(""))
    ));
    let before = tree(site.root());
    let out = pull(&site, &[]);
    out.assert_failure()
        .assert_stderr_has(&["prometheus", "500", "data/ is as it was"]);
    assert!(!gitlab.requests().is_empty(), "gitlab was fetched");
    assert_eq!(tree(site.root()), before, "nothing of gitlab's was written");
    assert_no_secret(&site, &out);
}

#[test]
fn a_snapshot_gitlab_no_longer_returns_is_reported_and_kept() {
    let gitlab = FakeGitLab::start(issues());
    let site = site(&gitlab_section(&gitlab.url("")));
    pull(&site, &[]).assert_success();
    gitlab.set_issues(issues().into_iter().filter(|i| i.iid != 103).collect());
    let out = pull(&site, &[]);
    out.assert_success()
        .assert_stderr_has(&["incident 103", "did not return it"]);
    assert!(site.root().join("data/incidents/2026/103.yaml").exists());
}

fn pagerduty_section(url: &str) -> String {
    format!(
        "[pagerduty]\nurl = \"{url}\"\n[pagerduty.services]\n\"Web Frontend\" = \"web\"\n\"Public API\" = \"api\"\n"
    )
}

#[test]
fn all_three_sources_give_a_site_that_builds_and_a_re_pull_changes_nothing() {
    let gitlab = FakeGitLab::start(issues());
    let pagerduty = FakePagerDuty::start(vec![
        FakePage::new("PA1", "Web Frontend", "2026-11-06T21:30:42Z")
            .title("HighErrorRate: web 5xx ratio above SLO")
            .acked(&["2026-11-06T21:32:52Z"])
            .resolved(Some("2026-11-06T21:38:23Z"))
            .policy("Production on-call"),
        FakePage::new("PA2", "Public API", "2026-12-01T03:00:00Z").urgency("low"),
        FakePage::new("PA3", "Legacy Batch", "2026-11-09T03:00:00Z"),
    ]);
    let prom = fake_prometheus();
    let site = site(&format!(
        "{}{}{}",
        gitlab_section(&gitlab.url("")),
        pagerduty_section(&pagerduty.url()),
        prometheus_section(&prom.url(""))
    ));
    let out = pull(&site, &[]);
    out.assert_success().assert_stderr_has(&["Legacy Batch"]);
    assert_eq!(
        out.stdout.lines().collect::<Vec<_>>(),
        [
            "data/incidents/2026/102.yaml",
            "data/incidents/2026/103.yaml",
            "data/pages/2026-11.yaml",
            "data/pages/2026-12.yaml",
            "data/sli/2026-11.yaml"
        ]
    );
    let nov = std::fs::read_to_string(site.root().join("data/pages/2026-11.yaml")).unwrap();
    assert_eq!(
        nov,
        "month: 2026-11\npages:\n  - id: PA1\n    title: \"HighErrorRate: web 5xx ratio above SLO\"\n    service: web\n    urgency: high\n    created_at: 2026-11-06T21:30:42Z\n    acknowledged_at: 2026-11-06T21:32:52Z\n    resolved_at: 2026-11-06T21:38:23Z\n    escalation_policy: Production on-call\n"
    );
    site.build().assert_success();
    let before = tree(site.root());
    let again = pull(&site, &[]);
    again.assert_success();
    assert_eq!(again.stdout, "");
    assert_eq!(tree(site.root()), before, "a re-pull changes no byte");
    assert_no_secret(&site, &again);
}

#[test]
fn a_mapping_to_an_unknown_service_is_reported_at_its_own_line() {
    let site = site(
        "[pagerduty]\nurl = \"http://127.0.0.1:9\"\n[pagerduty.services]\n\"Web Frontend\" = \"www\"\n\"Public API\" = \"www\"\n",
    );
    let out = pull(&site, &["--only", "pagerduty"]);
    out.assert_failure().assert_stderr_has(&[
        "maps \"Public API\" to \"www\"",
        "opsbook.toml:7:16",
        "maps \"Web Frontend\" to \"www\"",
        "opsbook.toml:6:18",
        "use one of: api, web",
    ]);
}
