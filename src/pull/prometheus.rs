//! SLIs from a Prometheus-compatible engine (Prometheus, Thanos, Mimir,
//! VictoriaMetrics) → `SliMonth` records for `data/sli/YYYY-MM.yaml`.
//!
//! The engine aggregates; opsbook never downloads raw samples. Per period
//! (`SliPeriod { month, until }`) two requests are made:
//!
//! | snapshot field | upstream |
//! |---|---|
//! | `month` | the period's month |
//! | `services.<id>` | `metric[<label>]` of each result series (`label`, default `service`); must be a valid id, once per query |
//! | `availability` | `GET /api/v1/query?query=Q&time=T`: `Q` = `query` with `{range}` = the period's length (`2678400s` for 31 days), `T` = `until` in unix seconds (the first instant of the next month, or now for the month to date) |
//! | `daily` | `GET /api/v1/query_range` with `{range}` = `86400s`, `start` = end of the first day, `end` = end of the last whole day up to `until`, `step=86400`: one value per day; left out (with a warning) when any day is missing |
//!
//! Values are the engine's decimal strings, converted exactly (no floating
//! point): `unit = "ratio"` (default) shifts the point by two (`0.9995` →
//! `99.95`, `9.995e-01` too), `unit = "percent"` takes them as they are; the
//! result is cut (not rounded) to 6 decimals so that every engine and every
//! re-pull write the same bytes. NaN, ±Inf, negative or above 100 % is an
//! error naming the service, month and value. An engine's `status: error`
//! answer is an error with its `errorType`, message, the month and the
//! query; the first failed request ends the fetch (the same query would
//! fail for every month), while mapping errors of all periods are collected.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::config::{PrometheusSource, SliUnit};
use crate::data::Month;
use crate::data::model::{Id, Origin, SliMonth, SliService};
use crate::data::percent::Percent;
use crate::diag::{Diagnostic, Diagnostics};

use super::http::{Auth, ErrorKind};
use super::window::SliPeriod;
use super::{Ctx, Fetched, http_diag};

const SOURCE: &str = "prometheus";
const DAY: i64 = 86_400;
/// Decimals kept of a percentage (cut, not rounded).
pub const DECIMALS: usize = 6;

/// One `SliMonth` per period asked (services sorted by id; empty, with a
/// warning, when the engine has no series for it).
pub fn fetch(
    ctx: &Ctx,
    cfg: &PrometheusSource,
    auth: Option<&Auth>,
    periods: &[SliPeriod],
) -> Result<Fetched<Vec<SliMonth>>, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut records = Vec::new();
    for period in periods {
        match fetch_period(ctx, cfg, auth, period, &mut diags) {
            Some(month) => records.push(month),
            None => break,
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    records.sort_by_key(|m| m.month);
    records.dedup_by_key(|m| m.month);
    Ok(Fetched {
        records,
        warnings: diags,
    })
}

/// One month; `None` when a request failed (the error is in `diags`).
fn fetch_period(
    ctx: &Ctx,
    cfg: &PrometheusSource,
    auth: Option<&Auth>,
    period: &SliPeriod,
    diags: &mut Diagnostics,
) -> Option<SliMonth> {
    let month = period.month;
    let base = cfg.url.trim_end_matches('/');
    ctx.progress
        .step(SOURCE, &format!("{month}: monthly value"));
    let query = cfg
        .query
        .replace("{range}", &format!("{}s", period.seconds()));
    let time = period.until.timestamp().to_string();
    let data = request(
        ctx,
        auth,
        &format!("{base}/api/v1/query"),
        &[("query", &query), ("time", &time)],
        month,
        &query,
        diags,
    )?;
    let mut services = Vec::new();
    match data.result_type.as_str() {
        "vector" => {
            for (id, s) in series_ids(&data.result, cfg, month, &query, diags) {
                let Some((_, value)) = &s.value else {
                    continue;
                };
                match to_percent(value, cfg.unit) {
                    Ok(p) => services.push(SliService {
                        id,
                        availability: p,
                        daily: None,
                    }),
                    Err(why) => diags.push(value_error(&id, &month.to_string(), value, why)),
                }
            }
        }
        other => {
            diags.push(result_type_error(other, "vector", month, &query));
            return Some(sli_month(month, services));
        }
    }
    if services.is_empty() && !diags.has_errors() {
        diags.push(
            Diagnostic::warning(format!(
                "{SOURCE}: {month}: the query returned no series; data/sli/{month}.yaml lists no service (query: {query})"
            ))
            .help("check `query` and `label` in [prometheus] of opsbook.toml and that the engine keeps data this old"),
        );
    }
    let days = period.seconds() / DAY;
    // After a mapping error the run fails anyway: no need to ask for more.
    if days > 0 && !services.is_empty() && !diags.has_errors() {
        daily(ctx, cfg, auth, period, days, &mut services, diags)?;
    }
    ctx.progress
        .step(SOURCE, &format!("{month}: {} service(s)", services.len()));
    Some(sli_month(month, services))
}

/// Fills `daily` of each service from one range query; `None` when the
/// request failed.
fn daily(
    ctx: &Ctx,
    cfg: &PrometheusSource,
    auth: Option<&Auth>,
    period: &SliPeriod,
    days: i64,
    services: &mut [SliService],
    diags: &mut Diagnostics,
) -> Option<()> {
    let month = period.month;
    ctx.progress.step(SOURCE, &format!("{month}: daily values"));
    let first = month.start().timestamp() + DAY;
    let query = cfg.query.replace("{range}", &format!("{DAY}s"));
    let (start, end, step) = (
        first.to_string(),
        (first + (days - 1) * DAY).to_string(),
        DAY.to_string(),
    );
    let data = request(
        ctx,
        auth,
        &format!("{}/api/v1/query_range", cfg.url.trim_end_matches('/')),
        &[
            ("query", &query),
            ("start", &start),
            ("end", &end),
            ("step", &step),
        ],
        month,
        &query,
        diags,
    )?;
    if data.result_type != "matrix" {
        diags.push(result_type_error(
            &data.result_type,
            "matrix",
            month,
            &query,
        ));
        return Some(());
    }
    let mut by_id: BTreeMap<Id, Vec<Option<Percent>>> = BTreeMap::new();
    for (id, s) in series_ids(&data.result, cfg, month, &query, diags) {
        let mut values = vec![None; days as usize];
        for (ts, value) in &s.values {
            // The point at the end of day i (0-based) is day i's value.
            let Some(i) = ts
                .as_f64()
                .map(|t| (t.round() as i64 - first) / DAY)
                .filter(|i| (0..days).contains(i))
            else {
                continue;
            };
            let day = month.start() + chrono::Duration::days(i);
            match to_percent(value, cfg.unit) {
                Ok(p) => values[i as usize] = Some(p),
                Err(why) => diags.push(value_error(
                    &id,
                    &day.format("%Y-%m-%d").to_string(),
                    value,
                    why,
                )),
            }
        }
        by_id.insert(id, values);
    }
    for s in services.iter_mut() {
        let values = by_id
            .remove(&s.id)
            .unwrap_or_else(|| vec![None; days as usize]);
        let missing: Vec<String> = values
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_none())
            .map(|(i, _)| {
                (month.start() + chrono::Duration::days(i as i64))
                    .format("%d")
                    .to_string()
            })
            .collect();
        if missing.is_empty() {
            s.daily = Some(values.into_iter().flatten().collect());
        } else {
            diags.push(
                Diagnostic::warning(format!(
                    "{SOURCE}: {month}: {}: no daily value for day(s) {} of {month}; `daily` is left out of data/sli/{month}.yaml for it",
                    s.id,
                    missing.join(", ")
                ))
                .help("daily values need one value per day: check that the engine has samples for every day"),
            );
        }
    }
    for id in by_id.keys() {
        diags.push(Diagnostic::warning(format!(
            "{SOURCE}: {month}: {id} has daily values but no monthly value; it is left out"
        )));
    }
    Some(())
}

fn sli_month(month: Month, mut services: Vec<SliService>) -> SliMonth {
    services.sort_by(|a, b| a.id.cmp(&b.id));
    SliMonth {
        month,
        services,
        origin: Origin {
            file: format!("data/sli/{month}.yaml").into(),
            line: 0,
        },
    }
}

/// The answer's `data`.
#[derive(Debug, Deserialize)]
struct Data {
    #[serde(rename = "resultType")]
    result_type: String,
    /// Series for vector and matrix; anything else is rejected by type.
    #[serde(default)]
    result: serde_json::Value,
}

#[derive(Debug, Deserialize)]
struct Answer {
    status: String,
    #[serde(default)]
    data: Option<Data>,
    #[serde(default, rename = "errorType")]
    error_type: Option<String>,
    #[serde(default)]
    error: Option<String>,
}

/// One series of a vector (`value`) or matrix (`values`).
#[derive(Debug, Deserialize)]
struct Series {
    #[serde(default)]
    metric: BTreeMap<String, String>,
    #[serde(default)]
    value: Option<(serde_json::Number, String)>,
    #[serde(default)]
    values: Vec<(serde_json::Number, String)>,
}

/// A GET of the query API; `None` (the error pushed) unless it succeeded.
fn request(
    ctx: &Ctx,
    auth: Option<&Auth>,
    url: &str,
    query: &[(&str, &str)],
    month: Month,
    promql: &str,
    diags: &mut Diagnostics,
) -> Option<Data> {
    let engine_error = |kind: Option<&str>, msg: &str, asked: &str| {
        Diagnostic::error(format!(
            "{SOURCE}: {month}: the engine refused the query ({}): {} (query: {}; {asked})",
            clean(kind.unwrap_or("error")),
            clean(msg),
            clean(promql)
        ))
        .help(
            "fix `query` in [prometheus] of opsbook.toml; try it in the engine's query page first",
        )
    };
    let resp = match ctx.client.get_json(url, query, auth) {
        Ok(resp) => resp,
        Err(e) => {
            // An engine's own error answer (400/422/503 with `errorType`)
            // says more than the status line.
            let answer = match &e.kind {
                ErrorKind::Status { excerpt, .. } => engine_answer(excerpt),
                _ => None,
            };
            let asked = format!(
                "GET {}: HTTP {}",
                e.url,
                e.status().map_or("-".into(), |s| s.to_string())
            );
            let d = answer
                .map(|(kind, msg)| engine_error(Some(&kind), &msg, &asked).help(e.help()))
                .unwrap_or_else(|| http_diag(SOURCE, &e));
            diags.push(d);
            return None;
        }
    };
    let answer: Answer = match resp.json() {
        Ok(a) => a,
        Err(e) => {
            diags.push(http_diag(SOURCE, &e));
            return None;
        }
    };
    match answer {
        Answer {
            status,
            data: Some(data),
            ..
        } if status == "success" => Some(data),
        Answer {
            error_type, error, ..
        } => {
            diags.push(engine_error(
                error_type.as_deref(),
                error.as_deref().unwrap_or("no message"),
                &format!("GET {}: HTTP {}", resp.url, resp.status),
            ));
            None
        }
    }
}

/// `(errorType, error)` of an error status whose body (as far as the
/// excerpt goes) is the engine's JSON.
fn engine_answer(excerpt: &str) -> Option<(String, String)> {
    if let Ok(a) = serde_json::from_str::<Answer>(excerpt) {
        return Some((a.error_type?, a.error?));
    }
    // A long message is cut in the excerpt: take what there is of it.
    let field = |name: &str| {
        let at = excerpt.find(&format!("\"{name}\":\""))? + name.len() + 4;
        let mut out = String::new();
        let mut chars = excerpt[at..].chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => break,
                '\\' => out.extend(chars.next()),
                c => out.push(c),
            }
        }
        Some(out)
    };
    Some((field("errorType")?, field("error")?))
}

/// Each series with its service id, in id order; series without a usable
/// id, or repeating one, are errors (and left out).
fn series_ids(
    result: &serde_json::Value,
    cfg: &PrometheusSource,
    month: Month,
    query: &str,
    diags: &mut Diagnostics,
) -> Vec<(Id, Series)> {
    let series: Vec<Series> = match serde_json::from_value(result.clone()) {
        Ok(s) => s,
        Err(e) => {
            diags.push(Diagnostic::error(format!(
                "{SOURCE}: {month}: the engine's result is not a list of series: {} (query: {})",
                clean(&e.to_string()),
                clean(query)
            )));
            return Vec::new();
        }
    };
    let label = &cfg.label;
    let mut out: BTreeMap<Id, Series> = BTreeMap::new();
    for s in series {
        let shown = show_metric(&s.metric);
        let Some(raw) = s.metric.get(label) else {
            diags.push(
                Diagnostic::error(format!(
                    "{SOURCE}: {month}: series {shown} has no label `{label}` (query: {})",
                    clean(query)
                ))
                .help(format!(
                    "keep the `{label}` label in the query's result (e.g. `avg by ({label}) (...)`), or set `label` in [prometheus] of opsbook.toml"
                )),
            );
            continue;
        };
        let Some(id) = Id::parse(raw) else {
            diags.push(
                Diagnostic::error(format!(
                    "{SOURCE}: {month}: series {shown}: `{label}` value \"{}\" is not a valid service id (query: {})",
                    clean(raw),
                    clean(query)
                ))
                .help("service ids are lower-case letters, digits and `-`: relabel the series in the query (label_replace) to the ids of data/services.yaml"),
            );
            continue;
        };
        if out.contains_key(&id) {
            diags.push(
                Diagnostic::error(format!(
                    "{SOURCE}: {month}: two series for service {id} ({shown} and another) (query: {})",
                    clean(query)
                ))
                .help(format!(
                    "aggregate to one series per service, e.g. `avg by ({label}) (...)`"
                )),
            );
            continue;
        }
        out.insert(id, s);
    }
    out.into_iter().collect()
}

fn show_metric(metric: &BTreeMap<String, String>) -> String {
    let labels: Vec<String> = metric
        .iter()
        .map(|(k, v)| format!("{}=\"{}\"", clean(k), clean(v)))
        .collect();
    format!("{{{}}}", labels.join(", "))
}

fn result_type_error(got: &str, want: &str, month: Month, query: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "{SOURCE}: {month}: the query gave a {} result where a {want} (one series per service) is needed (query: {})",
        clean(got),
        clean(query)
    ))
    .help("the query must be an instant vector expression such as `avg_over_time(sli:availability:ratio[{range}])`")
}

fn value_error(id: &Id, when: &str, value: &str, why: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "{SOURCE}: {when}: service {id}: value \"{}\" {why}",
        clean(value)
    ))
    .help("availability must be 0..1 with unit = \"ratio\" or 0..100 with unit = \"percent\" ([prometheus] in opsbook.toml); check the query")
}

/// Upstream text for a message: control characters (but \n, \t) removed.
fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

/// The engine's value string as a percentage, exactly: ratio values are
/// shifted by two places, then the decimals are cut to `DECIMALS`.
pub fn to_percent(value: &str, unit: SliUnit) -> Result<Percent, &'static str> {
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    if lower.contains("nan") {
        return Err("is not a number (NaN)");
    }
    if lower.contains("inf") {
        return Err("is infinite");
    }
    let (negative, v) = match v.as_bytes().first() {
        Some(b'-') => (true, &v[1..]),
        Some(b'+') => (false, &v[1..]),
        _ => (false, v),
    };
    let (mantissa, exp) = match v.find(['e', 'E']) {
        Some(i) => (
            &v[..i],
            v[i + 1..].parse::<i64>().map_err(|_| "is not a number")?,
        ),
        None => (v, 0),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if (int.is_empty() && frac.is_empty())
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err("is not a number");
    }
    // Leading zeros would only move the point.
    let int = int.trim_start_matches('0');
    let digits = format!("{int}{frac}");
    let zero = digits.bytes().all(|b| b == b'0');
    if negative && !zero {
        return Err("is negative");
    }
    let shift = match unit {
        SliUnit::Ratio => 2,
        SliUnit::Percent => 0,
    };
    // Where the decimal point falls in `digits` after scaling.
    let point = (int.len() as i64).saturating_add(exp).saturating_add(shift);
    if zero || point < -(DECIMALS as i64) {
        return Ok(Percent::ZERO);
    }
    if point > digits.len() as i64 + 3 {
        return Err("is above 100 %");
    }
    let (whole, decimals) = if point <= 0 {
        let pad = "0".repeat((-point) as usize);
        ("0".to_string(), format!("{pad}{digits}"))
    } else if point as usize >= digits.len() {
        let pad = "0".repeat(point as usize - digits.len());
        (format!("{digits}{pad}"), String::new())
    } else {
        let (w, d) = digits.split_at(point as usize);
        (w.to_string(), d.to_string())
    };
    let whole = whole.trim_start_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let cut: String = decimals.chars().take(DECIMALS).collect();
    let cut = cut.trim_end_matches('0');
    let text = if cut.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{cut}")
    };
    Percent::parse(&text).ok_or("is above 100 %")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(v: &str) -> Result<String, &'static str> {
        to_percent(v, SliUnit::Ratio).map(|p| p.to_string())
    }

    #[test]
    fn ratio_strings_become_exact_percentages() {
        assert_eq!(pct("0.9995").unwrap(), "99.95");
        assert_eq!(pct("1").unwrap(), "100");
        assert_eq!(pct("1e+00").unwrap(), "100");
        assert_eq!(pct("9.995e-01").unwrap(), "99.95");
        assert_eq!(pct("0").unwrap(), "0");
        assert_eq!(pct("-0").unwrap(), "0");
        assert_eq!(pct("1e-05").unwrap(), "0.001");
        assert_eq!(pct("1e-09").unwrap(), "0");
        assert_eq!(pct(".5").unwrap(), "50");
        assert_eq!(pct("0.5E0").unwrap(), "50");
        assert_eq!(pct("00000000000001e0").unwrap(), "100");
        assert_eq!(pct("1e-9223372036854775807").unwrap(), "0");
    }

    #[test]
    fn decimals_are_cut_not_rounded() {
        assert_eq!(pct("0.99999999999").unwrap(), "99.999999");
        assert_eq!(pct("0.9899999999999999").unwrap(), "98.999999");
        assert_eq!(pct("0.996527777777777").unwrap(), "99.652777");
        assert_eq!(
            to_percent("99.12345678", SliUnit::Percent)
                .unwrap()
                .to_string(),
            "99.123456"
        );
        assert_eq!(
            to_percent("1.0e2", SliUnit::Percent).unwrap().to_string(),
            "100"
        );
    }

    #[test]
    fn impossible_values_are_refused() {
        assert_eq!(pct("NaN"), Err("is not a number (NaN)"));
        assert_eq!(pct("+Inf"), Err("is infinite"));
        assert_eq!(pct("-Inf"), Err("is infinite"));
        assert_eq!(pct("-0.1"), Err("is negative"));
        assert_eq!(pct("1.0000001"), Err("is above 100 %"));
        assert_eq!(pct("1e999999"), Err("is above 100 %"));
        assert_eq!(pct("1e9223372036854775807"), Err("is above 100 %"));
        assert_eq!(pct("2"), Err("is above 100 %"));
        assert_eq!(pct(""), Err("is not a number"));
        assert_eq!(pct("0x1p-2"), Err("is not a number"));
        assert_eq!(pct("1e"), Err("is not a number"));
        assert!(to_percent("100.5", SliUnit::Percent).is_err());
    }

    #[test]
    fn engine_messages_are_read_from_the_excerpt() {
        let cut = r#"{"status":"error","errorType":"bad_data","error":"invalid parameter \"query\": 1:5: parse error"#;
        let full = format!("{cut}\"}}");
        for body in [cut.to_string(), full] {
            let (kind, msg) = engine_answer(&body).unwrap();
            assert_eq!(kind, "bad_data");
            assert_eq!(msg, "invalid parameter \"query\": 1:5: parse error");
        }
        assert_eq!(engine_answer("upstream unavailable"), None);
    }
}
