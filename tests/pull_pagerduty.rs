//! `pull::pagerduty::fetch` against the fake PagerDuty API: the field
//! mapping, windows of at most six months, the split past PagerDuty's
//! 10,000 offset cap, records repeated across pages, unmapped services,
//! the log-entry fallback, rate limits and a refused token. Waits go
//! through a `VirtualClock`, so no test sleeps.

mod common;
#[path = "common/fixture.rs"]
mod fixture;

#[path = "common/fake_pagerduty.rs"]
mod fake_pagerduty;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::DateTime;
use common::utc;
use fake_pagerduty::{FakePage, FakePagerDuty, TOKEN};
use opsbook::config::PagerDutySource;
use opsbook::data::Month;
use opsbook::data::model::{PagesMonth, Urgency};
use opsbook::diag::Diagnostics;
use opsbook::pull::http::{Auth, Client, Secret, Settings, VirtualClock};
use opsbook::pull::{Ctx, Fetched, Progress, pagerduty};

fn settings() -> Settings {
    Settings {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(5),
        total_budget: Duration::from_secs(120),
        retries: 3,
        user_agent: "opsbook-test".into(),
        backoff_base: Duration::from_secs(1),
        backoff_max: Duration::from_secs(8),
    }
}

fn cfg(fake: &FakePagerDuty, services: &[(&str, &str)]) -> PagerDutySource {
    PagerDutySource {
        url: fake.url(),
        token_env: "PAGERDUTY_TOKEN".into(),
        services: services
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

fn months(first: &str, last: &str) -> Vec<Month> {
    Month::parse(first)
        .unwrap()
        .through(Month::parse(last).unwrap())
        .collect()
}

/// Runs `fetch` with `token`; also returns the clock's waits.
fn run_with(
    cfg: &PagerDutySource,
    months: &[Month],
    token: &str,
) -> (Result<Fetched<Vec<PagesMonth>>, Diagnostics>, Vec<Duration>) {
    let clock = Arc::new(VirtualClock::new());
    let client = Client::with_clock(settings(), clock.clone());
    let progress = Progress::quiet();
    let ctx = Ctx {
        client: &client,
        progress: &progress,
    };
    let auth = Auth::pagerduty(Secret::new("PAGERDUTY_TOKEN", token));
    let out = pagerduty::fetch(&ctx, cfg, &auth, months);
    (out, clock.slept())
}

fn run(cfg: &PagerDutySource, months: &[Month]) -> Fetched<Vec<PagesMonth>> {
    match run_with(cfg, months, TOKEN).0 {
        Ok(f) => f,
        Err(d) => panic!("fetch failed:\n{d}"),
    }
}

fn ids(f: &Fetched<Vec<PagesMonth>>) -> Vec<String> {
    f.records
        .iter()
        .flat_map(|m| m.pages.iter().map(|p| p.id.clone()))
        .collect()
}

#[test]
fn maps_fields_into_one_sorted_month_per_month_asked() {
    let fake = FakePagerDuty::start(vec![
        FakePage::new("PB", "API", "2026-10-06T21:30:42Z")
            .title("HighErrorRate:\u{1b}[2J web\r\n5xx\tabove SLO")
            .acked(&["2026-10-06T21:40:00Z", "2026-10-06T21:32:52.750Z"])
            .resolved(Some("2026-10-06T23:38:23+02:00"))
            .policy("Production on-call"),
        // Same instant as PB: the id orders them.
        FakePage::new("PA", "Web", "2026-10-06T21:30:42.900Z").urgency("low"),
        FakePage::new("PC", "API", "2026-10-01T00:00:00Z"),
        // A month not asked for.
        FakePage::new("PZ", "API", "2026-12-01T00:00:00Z"),
    ]);
    let cfg = cfg(&fake, &[("API", "api"), ("Web", "web")]);
    let f = run(&cfg, &months("2026-10", "2026-11"));
    assert!(f.warnings.is_empty(), "{}", f.warnings);
    assert_eq!(f.records.len(), 2);
    assert_eq!(f.records[1].month, Month::parse("2026-11").unwrap());
    assert!(f.records[1].pages.is_empty());

    let oct = &f.records[0];
    assert_eq!(oct.month, Month::parse("2026-10").unwrap());
    let order: Vec<&str> = oct.pages.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(order, ["PC", "PA", "PB"]);

    let pb = &oct.pages[2];
    assert_eq!(pb.title, "HighErrorRate:[2J web\n5xx\tabove SLO");
    assert_eq!(pb.service.as_str(), "api");
    assert_eq!(pb.urgency, Urgency::High);
    assert_eq!(pb.created_at, utc("2026-10-06T21:30:42Z"));
    assert_eq!(pb.acknowledged_at, Some(utc("2026-10-06T21:32:52Z")));
    assert_eq!(pb.resolved_at, Some(utc("2026-10-06T21:38:23Z")));
    assert_eq!(pb.escalation_policy.as_deref(), Some("Production on-call"));

    let pa = &oct.pages[1];
    assert_eq!(pa.created_at, utc("2026-10-06T21:30:42Z"));
    assert_eq!(pa.urgency, Urgency::Low);
    assert_eq!((pa.acknowledged_at, pa.resolved_at), (None, None));
    assert_eq!(pa.escalation_policy, None);

    // The headers PagerDuty asks for, on every request.
    for r in fake.requests() {
        assert_eq!(
            r.header("accept"),
            Some("application/vnd.pagerduty+json;version=2")
        );
        assert!(r.target.contains("time_zone=UTC") && r.target.contains("limit=100"));
    }
}

#[test]
fn months_are_asked_in_windows_of_at_most_six() {
    let fake = FakePagerDuty::start(vec![
        FakePage::new("P1", "API", "2025-11-03T10:00:00Z"),
        FakePage::new("P2", "API", "2026-07-31T23:59:59Z"),
        FakePage::new("P3", "API", "2026-12-31T12:00:00Z"),
        FakePage::new("P4", "API", "2027-03-05T12:00:00Z"),
    ]);
    let cfg = cfg(&fake, &[("API", "api")]);
    let mut asked = months("2025-11", "2026-12");
    asked.push(Month::parse("2027-03").unwrap());
    let f = run(&cfg, &asked);
    assert_eq!(f.records.len(), 15);
    assert_eq!(ids(&f), ["P1", "P2", "P3", "P4"]);
    let windows: Vec<(String, String)> = fake
        .list_queries()
        .into_iter()
        .map(|(s, u, _)| (s, u))
        .collect();
    let w = |s: &str, u: &str| (s.to_string(), u.to_string());
    assert_eq!(
        windows,
        [
            w("2025-11-01T00:00:00Z", "2026-05-01T00:00:00Z"),
            w("2026-05-01T00:00:00Z", "2026-11-01T00:00:00Z"),
            w("2026-11-01T00:00:00Z", "2027-01-01T00:00:00Z"),
            w("2027-03-01T00:00:00Z", "2027-04-01T00:00:00Z"),
        ]
    );
}

#[test]
fn a_window_past_ten_thousand_incidents_is_split() {
    // 10,300 pages over March 2026, one every 260 seconds.
    let start = utc("2026-03-01T00:00:00Z").timestamp();
    let pages: Vec<FakePage> = (0..10_300)
        .map(|i| {
            let t = DateTime::from_timestamp(start + i * 260, 0).unwrap();
            FakePage::new(&format!("P{i:05}"), "API", &t.to_rfc3339())
        })
        .collect();
    let fake = FakePagerDuty::start(pages);
    let cfg = cfg(&fake, &[("API", "api")]);
    let f = run(&cfg, &months("2026-03", "2026-03"));
    let got = ids(&f);
    assert_eq!(got.len(), 10_300);
    assert_eq!(got.iter().collect::<BTreeSet<_>>().len(), 10_300);
    assert!(got.windows(2).all(|w| w[0] < w[1]), "sorted by created_at");

    let queries = fake.list_queries();
    assert!(queries.iter().all(|(_, _, offset)| offset + 100 <= 10_000));
    let windows: BTreeSet<(String, String)> = queries.into_iter().map(|(s, u, _)| (s, u)).collect();
    let w = |s: &str, u: &str| (s.to_string(), u.to_string());
    assert_eq!(
        windows,
        BTreeSet::from([
            w("2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z"),
            w("2026-03-01T00:00:00Z", "2026-03-16T00:00:00Z"),
            w("2026-03-16T00:00:00Z", "2026-04-01T00:00:00Z"),
        ])
    );
}

#[test]
fn records_repeated_across_pages_count_once() {
    let start = utc("2026-05-01T00:00:00Z").timestamp();
    let pages: Vec<FakePage> = (0..250)
        .map(|i| {
            let t = DateTime::from_timestamp(start + i * 3_600, 0).unwrap();
            FakePage::new(&format!("P{i:03}"), "API", &t.to_rfc3339())
        })
        .collect();
    let fake = FakePagerDuty::start(pages);
    fake.repeat_across_pages();
    let cfg = cfg(&fake, &[("API", "api")]);
    let f = run(&cfg, &months("2026-05", "2026-05"));
    let got = ids(&f);
    assert_eq!(got.len(), 250);
    assert_eq!(got.iter().collect::<BTreeSet<_>>().len(), 250);
    assert!(fake.list_queries().len() >= 3, "paged over several pages");
}

#[test]
fn unmapped_services_are_skipped_and_listed_once_with_counts() {
    let fake = FakePagerDuty::start(vec![
        FakePage::new("P1", "API", "2026-06-01T01:00:00Z"),
        FakePage::new("P2", "Legacy \"batch\"", "2026-06-01T02:00:00Z"),
        FakePage::new("P3", "Legacy \"batch\"", "2026-06-02T02:00:00Z"),
        FakePage::new("P4", "Checkout API", "2026-06-03T02:00:00Z"),
        FakePage::new("P5", "Legacy \"batch\"", "2026-06-04T02:00:00Z"),
    ]);
    let cfg = cfg(&fake, &[("API", "api")]);
    let f = run(&cfg, &months("2026-06", "2026-06"));
    assert_eq!(ids(&f), ["P1"]);
    assert_eq!(f.warnings.warning_count(), 1, "{}", f.warnings);
    let w = f.warnings.iter().next().unwrap();
    assert!(
        w.message
            .contains(r#"skipped 4 pages of services missing from [pagerduty.services]: "Checkout API" (1), "Legacy \"batch\"" (3)"#),
        "{}",
        w.message
    );
    let help = w.help.as_deref().unwrap();
    assert!(
        help.contains(r#""Checkout API" = "checkout-api""#),
        "{help}"
    );
    assert!(
        help.contains(r#""Legacy \"batch\"" = "legacy-batch""#),
        "{help}"
    );
}

#[test]
fn missing_times_come_from_log_entries() {
    let fake = FakePagerDuty::start(vec![
        // Resolved, but the list has neither time.
        FakePage::new("PLOG", "API", "2026-07-01T10:00:00Z")
            .resolved(None)
            .without_acknowledgements()
            .log("notify_log_entry", "2026-07-01T10:00:01Z")
            .log("resolve_log_entry", "2026-07-01T11:00:00.400Z")
            .log("acknowledge_log_entry", "2026-07-01T10:09:00Z")
            .log("acknowledge_log_entry", "2026-07-01T10:05:00.999Z")
            .log("resolve_log_entry", "2026-07-01T11:30:00Z"),
        // The list has the times: no log request.
        FakePage::new("PLIST", "API", "2026-07-02T10:00:00Z")
            .acked(&["2026-07-02T10:01:00Z"])
            .resolved(Some("2026-07-02T10:30:00Z")),
    ]);
    let cfg = cfg(&fake, &[("API", "api")]);
    let f = run(&cfg, &months("2026-07", "2026-07"));
    let p = &f.records[0].pages;
    assert_eq!(p[0].id, "PLOG");
    assert_eq!(p[0].acknowledged_at, Some(utc("2026-07-01T10:05:00Z")));
    assert_eq!(p[0].resolved_at, Some(utc("2026-07-01T11:00:00Z")));
    assert_eq!(p[1].acknowledged_at, Some(utc("2026-07-02T10:01:00Z")));
    let logs: Vec<String> = fake
        .requests()
        .into_iter()
        .filter(|r| r.target.contains("log_entries"))
        .map(|r| r.target.split('?').next().unwrap().to_string())
        .collect();
    assert_eq!(logs, ["/incidents/PLOG/log_entries"]);
}

#[test]
fn rate_limits_and_transient_faults_are_waited_out() {
    let fake = FakePagerDuty::start(vec![FakePage::new("P1", "API", "2026-08-01T01:00:00Z")]);
    fake.rate_limit_once(7);
    fake.server_error_once();
    fake.truncated_once();
    let cfg = cfg(&fake, &[("API", "api")]);
    let (out, slept) = run_with(&cfg, &months("2026-08", "2026-08"), TOKEN);
    let f = out.unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(ids(&f), ["P1"]);
    assert_eq!(slept.len(), 3, "{slept:?}");
    assert_eq!(slept[0], Duration::from_secs(7), "ratelimit-reset honoured");
    assert_eq!(fake.list_queries().len(), 4);
}

#[test]
fn a_refused_token_is_an_error_naming_the_status_without_the_token() {
    let fake = FakePagerDuty::start(vec![FakePage::new("P1", "API", "2026-08-01T01:00:00Z")]);
    let cfg = cfg(&fake, &[("API", "api")]);
    let wrong = "pd-SECRET-expired-9f";
    let (out, _) = run_with(&cfg, &months("2026-08", "2026-08"), wrong);
    let err = out.expect_err("401 must fail");
    let text = format!("{err}\n{err:?}");
    assert!(text.contains("HTTP 401"), "{text}");
    assert!(text.contains("/incidents?since="), "{text}");
    assert!(text.contains("PAGERDUTY_TOKEN"), "{text}");
    assert!(!text.contains(wrong) && !text.contains("SECRET"), "{text}");
    assert_eq!(fake.requests().len(), 1, "a 401 is not retried");
}

#[test]
fn every_bad_record_is_reported_by_name() {
    let fake = FakePagerDuty::start(vec![
        FakePage::new("P1", "API", "2026-09-01T01:00:00Z").urgency("medium"),
        FakePage::new("P2", "API", "2026-09-02T01:00:00Z"),
        FakePage::new("P3", "API", "2026-09-03T01:00:00Z").urgency(""),
        FakePage::new("P4", "Bad", "2026-09-03T02:00:00Z"),
        FakePage::new("P5", "Bad", "2026-09-03T03:00:00Z"),
    ]);
    let cfg = cfg(&fake, &[("API", "api"), ("Bad", "Not An Id")]);
    let (out, _) = run_with(&cfg, &months("2026-09", "2026-09"), TOKEN);
    let err = out.expect_err("bad urgency must fail");
    assert_eq!(err.error_count(), 3, "{err}");
    let text = err.to_string();
    let base = fake.url();
    assert!(
        text.contains(&format!(
            "pagerduty: incident P1 ({base}/incidents/P1): urgency `medium` is neither `high` nor `low`"
        )),
        "{text}"
    );
    assert!(text.contains("incident P3"), "{text}");
    assert!(
        text.contains(r#"[pagerduty.services] maps "Bad" to `Not An Id`"#),
        "{text}"
    );
}
