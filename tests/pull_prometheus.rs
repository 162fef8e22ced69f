//! The Prometheus source of `opsbook pull` against REAL engines (Prometheus
//! backfilled with promtool, VictoriaMetrics loaded through its import API)
//! over generated series with a known truth: the monthly and daily
//! availabilities equal the truth cut to 6 decimals, and both engines give
//! byte-identical `data/sli` snapshots. Fixture-server tests cover the
//! engine's `status: error` answers and values that are no availability.

mod common;
#[path = "common/engines.rs"]
mod engines;
#[path = "common/fixture.rs"]
mod fixture;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use engines::Series;
use fixture::{FixtureServer, Reply};
use opsbook::config::{PrometheusSource, SliUnit};
use opsbook::data::write::sli_month;
use opsbook::data::{Month, Percent, SliMonth};
use opsbook::diag::Diagnostics;
use opsbook::pull::http::{Client, Settings, VirtualClock};
use opsbook::pull::prometheus;
use opsbook::pull::window::SliPeriod;
use opsbook::pull::{Ctx, Fetched, Progress};

const METRIC: &str = "sli:availability:ratio";
const QUERY: &str = "avg_over_time(sli:availability:ratio[{range}])";
const STEP: i64 = 300;
/// No sample sits on a day or month boundary: `[R]` at t covers (t−R, t].
const OFFSET: i64 = 150;
const PER_DAY: i64 = 86_400 / STEP;

fn month(s: &str) -> Month {
    Month::parse(s).unwrap()
}

fn months() -> Vec<Month> {
    month("2026-08").through(month("2026-10")).collect()
}

/// Whether `service`'s sample `j` of day `d` (days counted from the first
/// month's start) is down: a known, uneven pattern per service.
fn down(service: &str, d: i64, j: i64) -> bool {
    match service {
        "web" => j < (d % 7) * 3,
        _ => d % 10 == 3 && (100..160).contains(&j),
    }
}

const SERVICES: [&str; 2] = ["api", "web"];

fn series() -> Vec<Series> {
    let start = months()[0].start().timestamp();
    let days = (months()[2].end().timestamp() - start) / 86_400;
    SERVICES
        .iter()
        .map(|svc| Series {
            name: METRIC.into(),
            labels: vec![("service".into(), (*svc).into())],
            samples: (0..days)
                .flat_map(|d| (0..PER_DAY).map(move |j| (d, j)))
                .map(|(d, j)| {
                    let t = start + d * 86_400 + OFFSET + j * STEP;
                    (t, if down(svc, d, j) { 0.0 } else { 1.0 })
                })
                .collect(),
        })
        .collect()
}

/// `up / total` as a percentage cut to 6 decimals, in integers.
fn cut(up: i64, total: i64) -> Percent {
    Percent::from_units(up * 100_000_000 / total, 6).unwrap()
}

/// The truth: (monthly, daily) of `svc` in `m`.
fn truth(svc: &str, m: Month) -> (Percent, Vec<Percent>) {
    let first = (m.start().timestamp() - months()[0].start().timestamp()) / 86_400;
    let days: Vec<i64> = (first..first + i64::from(m.days())).collect();
    let up_on = |d: i64| (0..PER_DAY).filter(|j| !down(svc, d, *j)).count() as i64;
    let up: i64 = days.iter().map(|d| up_on(*d)).sum();
    let daily = days.iter().map(|d| cut(up_on(*d), PER_DAY)).collect();
    (cut(up, days.len() as i64 * PER_DAY), daily)
}

fn source(url: &str, query: &str) -> PrometheusSource {
    PrometheusSource {
        url: url.into(),
        query: query.into(),
        label: "service".into(),
        unit: SliUnit::Ratio,
        token_env: None,
    }
}

fn periods(ms: &[Month]) -> Vec<SliPeriod> {
    ms.iter()
        .map(|m| SliPeriod {
            month: *m,
            until: m.end(),
        })
        .collect()
}

fn fetch_with(
    client: &Client,
    cfg: &PrometheusSource,
    periods: &[SliPeriod],
) -> Result<Fetched<Vec<SliMonth>>, Diagnostics> {
    let progress = Progress::quiet();
    let ctx = Ctx {
        client,
        progress: &progress,
    };
    prometheus::fetch(&ctx, cfg, None, periods)
}

fn snapshots(records: &[SliMonth]) -> String {
    records
        .iter()
        .map(sli_month)
        .collect::<Vec<_>>()
        .join("---\n")
}

#[test]
fn real_engines_give_the_truth_and_identical_snapshots() {
    if !engines::engines_or_skip() {
        return;
    }
    let (prom, vm) = engines::start_both(&series());
    let client = engines::client();
    let asked = periods(&months());

    let mut shown = Vec::new();
    for engine in [&prom, &vm] {
        let got = fetch_with(&client, &source(&engine.url, QUERY), &asked)
            .unwrap_or_else(|e| panic!("{}: {e}", engine.name));
        assert!(got.warnings.is_empty(), "{}: {}", engine.name, got.warnings);
        assert_eq!(got.records.len(), 3, "{}", engine.name);
        for (rec, m) in got.records.iter().zip(months()) {
            assert_eq!(rec.month, m);
            let ids: Vec<&str> = rec.services.iter().map(|s| s.id.as_str()).collect();
            assert_eq!(ids, SERVICES, "{} {m}", engine.name);
            for s in &rec.services {
                let (monthly, daily) = truth(s.id.as_str(), m);
                assert_eq!(s.availability, monthly, "{} {m} {}", engine.name, s.id);
                assert_eq!(
                    s.daily.as_ref(),
                    Some(&daily),
                    "{} {m} {} daily",
                    engine.name,
                    s.id
                );
            }
        }
        shown.push(snapshots(&got.records));
    }
    // The pattern is not trivial: months below 100 %, uneven days.
    assert!(shown[0].contains("availability: 97.076612"), "{}", shown[0]);
    assert_eq!(shown[0], shown[1], "Prometheus and VictoriaMetrics differ");

    // The month to date: the range is the time elapsed, daily values only
    // for the whole days.
    let until: DateTime<Utc> = month("2026-10").start() + chrono::Duration::hours(10 * 24 + 6);
    let partial = [SliPeriod {
        month: month("2026-10"),
        until,
    }];
    let got = fetch_with(&client, &source(&prom.url, QUERY), &partial).unwrap();
    let web = &got.records[0].services[1];
    assert_eq!(web.daily.as_ref().map(Vec::len), Some(10));
    assert_eq!(
        web.daily.as_ref().unwrap()[..],
        truth("web", month("2026-10")).1[..10]
    );

    // Bad PromQL: the engine's own message, the month and the query.
    for engine in [&prom, &vm] {
        let err = fetch_with(
            &client,
            &source(&engine.url, "avg_over_time(sli:availability:ratio[{range}]"),
            &asked,
        )
        .unwrap_err();
        let text = err.to_string();
        assert_eq!(
            err.error_count(),
            1,
            "{}: one failed query stops: {text}",
            engine.name
        );
        assert!(text.contains("2026-08"), "{}: {text}", engine.name);
        assert!(
            text.contains("the engine refused the query"),
            "{}: {text}",
            engine.name
        );
        assert!(
            text.contains("avg_over_time(sli:availability:ratio[2678400s]"),
            "{}: {text}",
            engine.name
        );
        // Both engines name the problem (Prometheus: "parse error",
        // VictoriaMetrics: "cannot parse").
        assert!(text.contains("parse"), "{}: {text}", engine.name);
    }
}

fn fixture_client() -> Client {
    Client::with_clock(
        Settings {
            connect_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_secs(2),
            retries: 2,
            ..Settings::default()
        },
        Arc::new(VirtualClock::new()),
    )
}

fn vector(result: &str) -> String {
    format!(r#"{{"status":"success","data":{{"resultType":"vector","result":[{result}]}}}}"#)
}

#[test]
fn an_unavailable_engine_error_carries_its_message_month_and_query() {
    let server = FixtureServer::routed(|_, _| {
        Reply::json(
            503,
            r#"{"status":"error","errorType":"unavailable","error":"too many concurrent queries"}"#,
        )
    });
    let err = fetch_with(
        &fixture_client(),
        &source(&server.url(""), QUERY),
        &periods(&[month("2026-09")]),
    )
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("too many concurrent queries"), "{text}");
    assert!(text.contains("unavailable"), "{text}");
    assert!(text.contains("2026-09"), "{text}");
    assert!(text.contains("[2592000s]"), "{text}");
    // 503 is retried, then given up.
    assert_eq!(server.requests().len(), 3);
    let first = &server.requests()[0].target;
    assert!(
        first.starts_with("/api/v1/query?query=avg_over_time"),
        "{first}"
    );
    assert!(first.ends_with("&time=1790812800"), "{first}"); // 2026-10-01T00:00:00Z
}

#[test]
fn values_and_series_that_are_no_availability_are_all_reported() {
    let server = FixtureServer::routed(|_, _| {
        Reply::json(
            200,
            &vector(
                r#"{"metric":{"service":"web"},"value":[1790812800,"abc"]},
                   {"metric":{"service":"api"},"value":[1790812800,"NaN"]},
                   {"metric":{"service":"db"},"value":[1790812800,"1.5"]},
                   {"metric":{"job":"x"},"value":[1790812800,"1"]},
                   {"metric":{"service":"Bad_Id"},"value":[1790812800,"1"]},
                   {"metric":{"service":"ok","zone":"a"},"value":[1790812800,"1"]},
                   {"metric":{"service":"ok","zone":"b"},"value":[1790812800,"1"]}"#,
            ),
        )
    });
    let err = fetch_with(
        &fixture_client(),
        &source(&server.url(""), QUERY),
        &periods(&[month("2026-09")]),
    )
    .unwrap_err();
    let text = err.to_string();
    assert_eq!(err.error_count(), 6, "{text}");
    for needle in [
        "service web: value \"abc\" is not a number",
        "service api: value \"NaN\" is not a number (NaN)",
        "service db: value \"1.5\" is above 100 %",
        "series {job=\"x\"} has no label `service`",
        "\"Bad_Id\" is not a valid service id",
        "two series for service ok",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
}

#[test]
fn an_unknown_unit_is_refused_and_percent_values_are_taken_as_they_are() {
    let bad = toml::from_str::<PrometheusSource>(
        "url = \"http://x\"\nquery = \"q\"\nunit = \"permille\"\n",
    );
    let msg = bad.unwrap_err().to_string();
    assert!(msg.contains("permille") && msg.contains("ratio"), "{msg}");

    let server = FixtureServer::routed(|_, req| {
        if req.target.starts_with("/api/v1/query_range") {
            return Reply::json(
                200,
                r#"{"status":"success","data":{"resultType":"matrix","result":[
                    {"metric":{"service":"web"},"values":[[1788307200,"100"],[1788393600,"99.5"]]}]}}"#,
            );
        }
        Reply::json(
            200,
            &vector(r#"{"metric":{"service":"web"},"value":[1788393600,"99.9876543"]}"#),
        )
    });
    let mut cfg = source(&server.url(""), QUERY);
    cfg.unit = SliUnit::Percent;
    // Two and a half days into 2026-09: two whole days have a value.
    let until = month("2026-09").start() + chrono::Duration::hours(60);
    let got = fetch_with(
        &fixture_client(),
        &cfg,
        &[SliPeriod {
            month: month("2026-09"),
            until,
        }],
    )
    .unwrap();
    assert_eq!(
        sli_month(&got.records[0]),
        "month: 2026-09\nservices:\n  web:\n    availability: 99.987654\n    daily: [100, 99.5]\n"
    );
    let range = &server.requests()[1].target;
    assert!(
        range.contains("&start=1788307200&end=1788393600&step=86400"),
        "{range}"
    );
}

#[test]
fn a_missing_day_leaves_daily_out_with_a_warning() {
    let server = FixtureServer::routed(|_, req| {
        if req.target.starts_with("/api/v1/query_range") {
            return Reply::json(
                200,
                r#"{"status":"success","data":{"resultType":"matrix","result":[
                    {"metric":{"service":"web"},"values":[[1788307200,"1"]]}]}}"#,
            );
        }
        Reply::json(
            200,
            &vector(r#"{"metric":{"service":"web"},"value":[1788393600,"0.999"]}"#),
        )
    });
    let until = month("2026-09").start() + chrono::Duration::hours(60);
    let got = fetch_with(
        &fixture_client(),
        &source(&server.url(""), QUERY),
        &[SliPeriod {
            month: month("2026-09"),
            until,
        }],
    )
    .unwrap();
    assert_eq!(got.records[0].services[0].daily, None);
    let w = got.warnings.to_string();
    assert!(w.contains("no daily value for day(s) 02"), "{w}");
}
