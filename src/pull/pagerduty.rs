//! PagerDuty incidents → `data/pages/YYYY-MM.yaml` months (REST API v2).
//!
//! Requests: `GET {url}/incidents?since&until&limit=100&offset&time_zone=UTC
//! &sort_by=created_at:asc` with `Authorization: Token token=…` and
//! `Accept: application/vnd.pagerduty+json;version=2`, following
//! `offset`/`more`. The months asked are grouped into windows of whole
//! calendar months, consecutive months together, at most six per window
//! (PagerDuty refuses longer ranges). PagerDuty also refuses an `offset`
//! past 10,000, so a window whose next page would need `offset + limit >
//! 10,000` is dropped and fetched again as two halves (split on whole days,
//! down to one day). Records repeated across pages or windows count once
//! (by `id`, the first seen kept).
//!
//! Field mapping (upstream → `Page`):
//! - `id` ← `id` (kept as given, must be `[A-Za-z0-9]+`);
//! - `title` ← `title`, else `summary`, else "Untitled page" (control
//!   characters other than newline and tab removed; the renderer escapes
//!   the rest);
//! - `service` ← `service.summary` through `[pagerduty.services]`; pages of
//!   services missing from the mapping are skipped and listed once in a
//!   warning, with counts and the TOML lines to add;
//! - `urgency` ← `urgency` (`high` | `low`; anything else is an error);
//! - `created_at` ← `created_at`; the page goes to that month's file;
//! - `acknowledged_at` ← the earliest `acknowledgements[].at`;
//! - `resolved_at` ← `resolved_at`;
//! - `escalation_policy` ← `escalation_policy.summary` (absent when empty).
//!
//! When the list lacks times (`acknowledgements` absent, or `status:
//! resolved` without `resolved_at`), they come from
//! `GET {url}/incidents/{id}/log_entries` (paged the same way): the earliest
//! `acknowledge_log_entry` and `resolve_log_entry` `created_at`. Every time
//! is read in UTC and cut to whole seconds. Each month asked gets one
//! `PagesMonth` (empty when nothing paged), sorted by (`created_at`, `id`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use serde_json::Value;

use crate::config::PagerDutySource;
use crate::data::Month;
use crate::data::model::{Id, Origin, Page, PagesMonth, Urgency};
use crate::diag::{Diagnostic, Diagnostics};

use super::http::{Auth, Response};
use super::{Ctx, Fetched, http_diag};

/// An optional instant.
type Time = Option<DateTime<Utc>>;

const SOURCE: &str = "pagerduty";
const ACCEPT: &str = "application/vnd.pagerduty+json;version=2";
/// Records per page (PagerDuty's maximum).
const LIMIT: usize = 100;
/// PagerDuty refuses `offset + limit` past this.
const OFFSET_CAP: usize = 10_000;
/// Months per window (PagerDuty refuses longer ranges).
const WINDOW_MONTHS: usize = 6;

/// One `PagesMonth` per month asked (empty when nothing paged), pages of
/// unmapped services skipped and listed once in the warnings.
pub fn fetch(
    ctx: &Ctx,
    cfg: &PagerDutySource,
    auth: &Auth,
    months: &[Month],
) -> Result<Fetched<Vec<PagesMonth>>, Diagnostics> {
    let api = Api {
        ctx,
        base: cfg.url.trim_end_matches('/'),
        auth,
    };
    let months: BTreeSet<Month> = months.iter().copied().collect();
    let mut raw: BTreeMap<String, Raw> = BTreeMap::new();
    let mut errors = Diagnostics::new();
    for (since, until) in windows(&months) {
        for record in api.incidents(since, until)? {
            match Raw::read(record, &api) {
                Ok(r) => {
                    raw.entry(r.id.clone()).or_insert(r);
                }
                Err(d) => errors.push(d),
            }
        }
    }

    let mut by_month: BTreeMap<Month, Vec<Page>> = months.iter().map(|m| (*m, vec![])).collect();
    let mut unmapped: BTreeMap<String, usize> = BTreeMap::new();
    let mut bad_ids: BTreeSet<(String, String)> = BTreeSet::new();
    let mut warnings = Diagnostics::new();
    for r in raw.into_values() {
        let Some(list) = by_month.get_mut(&Month::of(r.created_at)) else {
            continue; // outside the months asked: not this run's business
        };
        if r.service.trim().is_empty() {
            errors.push(
                Diagnostic::error(format!("{SOURCE}: {}: no `service.summary`", r.name)).help(
                    "every PagerDuty incident belongs to a service: check the incident there",
                ),
            );
            continue;
        }
        let service = match cfg.services.get(&r.service) {
            Some(id) => match Id::parse(id) {
                Some(id) => id,
                None => {
                    bad_ids.insert((r.service.clone(), id.clone()));
                    continue;
                }
            },
            None => {
                *unmapped.entry(r.service.clone()).or_default() += 1;
                continue;
            }
        };
        match r.into_page(service, &api, &mut warnings) {
            Ok(p) => list.push(p),
            Err(d) => errors.extend(d.0),
        }
    }
    if !unmapped.is_empty() {
        warnings.push(unmapped_warning(&unmapped));
    }
    for (name, id) in bad_ids {
        errors.push(
            Diagnostic::error(format!(
                "{SOURCE}: [pagerduty.services] maps {} to `{id}`, which is not a service id",
                toml_key(&name)
            ))
            .help(
                "use the service's id from data/services.yaml: lowercase letters, digits and `-`",
            ),
        );
    }
    if errors.has_errors() {
        errors.extend(warnings.0);
        return Err(errors);
    }

    let records = by_month
        .into_iter()
        .map(|(month, mut pages)| {
            pages.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
            PagesMonth {
                month,
                pages,
                origin: Origin {
                    file: PathBuf::from(format!("data/pages/{month}.yaml")),
                    line: 0,
                },
            }
        })
        .collect();
    Ok(Fetched { records, warnings })
}

/// The request windows: runs of consecutive months, cut every six months.
fn windows(months: &BTreeSet<Month>) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let mut runs: Vec<Vec<Month>> = Vec::new();
    for &m in months {
        match runs.last_mut() {
            Some(run) if run.last().map(|l| l.next()) == Some(m) && run.len() < WINDOW_MONTHS => {
                run.push(m)
            }
            _ => runs.push(vec![m]),
        }
    }
    runs.iter()
        .map(|run| (run[0].start(), run[run.len() - 1].end()))
        .collect()
}

/// A window cut in two on a whole day, or `None` for a single day.
fn halve(since: DateTime<Utc>, until: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let days = ((until - since).num_seconds() + 86_399) / 86_400;
    (days > 1).then(|| since + Duration::days(days / 2))
}

struct Api<'a> {
    ctx: &'a Ctx<'a>,
    base: &'a str,
    auth: &'a Auth,
}

impl Api<'_> {
    fn get(&self, path: &str, query: &[(&str, &str)]) -> Result<Response, Diagnostics> {
        let url = format!("{}{path}", self.base);
        self.ctx
            .client
            .send(
                "GET",
                &url,
                query,
                &[("Accept", ACCEPT)],
                None,
                Some(self.auth),
            )
            .map_err(|e| Diagnostics::from(http_diag(SOURCE, &e)))
    }

    /// Every record at `path` under `key`, paged by `offset`/`more`. `Ok(None)`
    /// when the next page would pass PagerDuty's offset cap.
    fn list(
        &self,
        path: &str,
        key: &str,
        extra: &[(&str, &str)],
        what: &str,
    ) -> Result<Option<Vec<Value>>, Diagnostics> {
        let mut all = Vec::new();
        let mut offset = 0;
        let limit = LIMIT.to_string();
        loop {
            let off = offset.to_string();
            let mut query = extra.to_vec();
            query.extend([
                ("limit", limit.as_str()),
                ("offset", off.as_str()),
                ("time_zone", "UTC"),
            ]);
            let resp = self.get(path, &query)?;
            let mut body: Value = resp
                .json()
                .map_err(|e| Diagnostics::from(http_diag(SOURCE, &e)))?;
            let more = body.get("more").and_then(Value::as_bool).unwrap_or(false);
            let records = match body.get_mut(key).map(Value::take) {
                Some(Value::Array(a)) => a,
                _ => {
                    return Err(Diagnostic::error(format!(
                        "{SOURCE}: GET {}: the answer has no `{key}` list",
                        resp.url
                    ))
                    .help("check `url` in [pagerduty] of opsbook.toml: it should be the REST API, e.g. https://api.pagerduty.com")
                    .into());
                }
            };
            let got = records.len();
            all.extend(records);
            self.ctx
                .progress
                .step(SOURCE, &format!("{what}: {} records", all.len()));
            // An empty page with `more` would loop for ever.
            if !more || got == 0 {
                return Ok(Some(all));
            }
            offset += got;
            if offset + LIMIT > OFFSET_CAP {
                return Ok(None);
            }
        }
    }

    /// The incidents created in `[since, until)`, the window halved as often
    /// as PagerDuty's offset cap needs.
    fn incidents(
        &self,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<Value>, Diagnostics> {
        let mut todo = vec![(since, until)];
        let mut out = Vec::new();
        while let Some((since, until)) = todo.pop() {
            let (s, u) = (rfc3339(since), rfc3339(until));
            let what = format!("incidents {} to {}", &s[..10], &u[..10]);
            let query = [
                ("since", s.as_str()),
                ("until", u.as_str()),
                ("sort_by", "created_at:asc"),
            ];
            match self.list("/incidents", "incidents", &query, &what)? {
                Some(records) => out.extend(records),
                None => match halve(since, until) {
                    // Later half pushed first, so windows run oldest first.
                    Some(mid) => todo.extend([(mid, until), (since, mid)]),
                    None => {
                        return Err(Diagnostic::error(format!(
                            "{SOURCE}: more than {OFFSET_CAP} incidents were created on {}; PagerDuty lists at most {OFFSET_CAP} per query",
                            &s[..10]
                        ))
                        .help("pull that month with the PagerDuty export (Analytics) instead, or ask PagerDuty support")
                        .into());
                    }
                },
            }
        }
        Ok(out)
    }

    /// The earliest acknowledge and resolve times in an incident's log.
    fn log_times(&self, id: &str, warnings: &mut Diagnostics) -> Result<(Time, Time), Diagnostics> {
        let path = format!("/incidents/{id}/log_entries");
        let entries = match self.list(&path, "log_entries", &[], &format!("log of {id}"))? {
            Some(e) => e,
            None => {
                warnings.push(Diagnostic::warning(format!(
                    "{SOURCE}: incident {id} has more than {OFFSET_CAP} log entries; only the first were read for its acknowledge and resolve times"
                )));
                Vec::new()
            }
        };
        let (mut ack, mut res) = (None, None);
        for e in &entries {
            let at = e.get("created_at").and_then(Value::as_str).and_then(time);
            let slot = match e.get("type").and_then(Value::as_str) {
                Some("acknowledge_log_entry") => &mut ack,
                Some("resolve_log_entry") => &mut res,
                _ => continue,
            };
            if let Some(at) = at {
                *slot = Some(slot.map_or(at, |s: DateTime<Utc>| s.min(at)));
            }
        }
        Ok((ack, res))
    }
}

/// An incident as listed, read but not yet mapped.
struct Raw {
    id: String,
    /// How messages name it: the id and, when given, its `html_url`.
    name: String,
    title: String,
    service: String,
    urgency: String,
    created_at: DateTime<Utc>,
    /// `None`: the list did not say (ask the log).
    acknowledged_at: Option<Time>,
    resolved_at: Option<Time>,
    escalation_policy: Option<String>,
}

impl Raw {
    fn read(v: Value, api: &Api) -> Result<Raw, Diagnostic> {
        let s = |k: &str| v.get(k).and_then(Value::as_str);
        let summary = |k: &str| {
            v.get(k)
                .and_then(|o| o.get("summary"))
                .and_then(Value::as_str)
        };
        let id = s("id").unwrap_or_default().to_string();
        let name = match s("html_url") {
            Some(u) => format!("incident {} ({})", clean(&id), clean(u)),
            None if id.is_empty() => "an incident without `id`".to_string(),
            None => format!(
                "incident {} ({}/incidents/{})",
                clean(&id),
                api.base,
                clean(&id)
            ),
        };
        let bad = |msg: String| {
            Diagnostic::error(format!("{SOURCE}: {name}: {msg}"))
                .help("this is how PagerDuty answered: check the incident there, or report the odd record")
        };
        if id.is_empty() || id.len() > 64 || !id.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(bad("`id` is missing or not letters and digits".into()));
        }
        let created_at = s("created_at")
            .and_then(time)
            .ok_or_else(|| bad("`created_at` is missing or not an RFC 3339 time".into()))?;
        let acknowledged_at = match v.get("acknowledgements") {
            Some(Value::Array(acks)) => Some(
                acks.iter()
                    .filter_map(|a| a.get("at").and_then(Value::as_str).and_then(time))
                    .min(),
            ),
            _ => None,
        };
        let resolved_at = match (s("resolved_at").and_then(time), s("status")) {
            (Some(t), _) => Some(Some(t)),
            (None, Some("resolved")) => None,
            (None, _) => Some(None),
        };
        let title = [s("title"), s("summary")]
            .into_iter()
            .flatten()
            .map(clean)
            .find(|t| !t.trim().is_empty())
            .unwrap_or_else(|| "Untitled page".into());
        Ok(Raw {
            title,
            service: clean(summary("service").unwrap_or_default()),
            urgency: clean(s("urgency").unwrap_or_default()),
            created_at,
            acknowledged_at,
            resolved_at,
            escalation_policy: summary("escalation_policy")
                .map(clean)
                .filter(|p| !p.trim().is_empty()),
            name,
            id,
        })
    }

    fn into_page(
        self,
        service: Id,
        api: &Api,
        warnings: &mut Diagnostics,
    ) -> Result<Page, Diagnostics> {
        let err = |msg: String, help: &str| {
            Diagnostics::from(
                Diagnostic::error(format!("{SOURCE}: {}: {msg}", self.name)).help(help),
            )
        };
        let urgency = match self.urgency.as_str() {
            "high" => Urgency::High,
            "low" => Urgency::Low,
            other => {
                return Err(err(
                    format!("urgency `{other}` is neither `high` nor `low`"),
                    "set the incident's urgency to high or low in PagerDuty (dynamic urgency resolves to one of them)",
                ));
            }
        };
        let (acknowledged_at, resolved_at) = match (self.acknowledged_at, self.resolved_at) {
            (Some(a), Some(r)) => (a, r),
            (a, r) => {
                let (la, lr) = api.log_times(&self.id, warnings)?;
                (a.unwrap_or(la), r.unwrap_or(lr))
            }
        };
        let order_help = "PagerDuty gave these times out of order: check the incident's log";
        if acknowledged_at.is_some_and(|a| a < self.created_at) {
            return Err(err("acknowledged before it was created".into(), order_help));
        }
        if resolved_at
            .is_some_and(|r| r < self.created_at || acknowledged_at.is_some_and(|a| r < a))
        {
            return Err(err(
                "resolved before it was created or acknowledged".into(),
                order_help,
            ));
        }
        Ok(Page {
            id: self.id,
            title: self.title,
            service,
            urgency,
            created_at: self.created_at,
            acknowledged_at,
            resolved_at,
            escalation_policy: self.escalation_policy,
        })
    }
}

/// The one warning for every skipped page, with counts and the fix.
fn unmapped_warning(unmapped: &BTreeMap<String, usize>) -> Diagnostic {
    let total: usize = unmapped.values().sum();
    let list: Vec<String> = unmapped
        .iter()
        .map(|(name, n)| format!("{} ({n})", toml_key(name)))
        .collect();
    let lines: Vec<String> = unmapped
        .keys()
        .map(|name| format!("{} = \"{}\"", toml_key(name), slug(name)))
        .collect();
    Diagnostic::warning(format!(
        "{SOURCE}: skipped {total} page{} of services missing from [pagerduty.services]: {}",
        if total == 1 { "" } else { "s" },
        list.join(", ")
    ))
    .help(format!(
        "to keep them, add under [pagerduty.services] in opsbook.toml (with the ids of data/services.yaml):\n{}",
        lines.join("\n")
    ))
}

/// A TOML basic-string key.
fn toml_key(name: &str) -> String {
    let mut out = String::from("\"");
    for c in name.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A service id guessed from a name ("Checkout API" → "checkout-api").
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "service-id".into()
    } else {
        out.into()
    }
}

/// Upstream text without control characters other than newline and tab.
fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

/// An RFC 3339 time in UTC, cut to whole seconds.
fn time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s.trim())
        .ok()
        .map(|t| t.to_utc().trunc_subsecs(0))
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn consecutive_months_group_into_windows_of_six() {
        let months: BTreeSet<Month> = m("2025-11")
            .through(m("2026-12"))
            .chain([m("2027-03")])
            .collect();
        let w = windows(&months);
        assert_eq!(
            w,
            [
                (at("2025-11-01T00:00:00Z"), at("2026-05-01T00:00:00Z")),
                (at("2026-05-01T00:00:00Z"), at("2026-11-01T00:00:00Z")),
                (at("2026-11-01T00:00:00Z"), at("2027-01-01T00:00:00Z")),
                (at("2027-03-01T00:00:00Z"), at("2027-04-01T00:00:00Z")),
            ]
        );
    }

    #[test]
    fn halves_on_whole_days_down_to_one() {
        let (s, u) = (at("2026-01-01T00:00:00Z"), at("2026-02-01T00:00:00Z"));
        assert_eq!(halve(s, u), Some(at("2026-01-16T00:00:00Z")));
        assert_eq!(halve(s, at("2026-01-02T00:00:00Z")), None);
        assert_eq!(
            halve(s, at("2026-01-03T00:00:00Z")),
            Some(at("2026-01-02T00:00:00Z"))
        );
    }

    #[test]
    fn text_and_times_are_cleaned() {
        assert_eq!(clean("a\u{1b}[2J\r\nb\tc\u{7}"), "a[2J\nb\tc");
        assert_eq!(
            time("2026-10-06T23:30:42.987+02:00"),
            Some(at("2026-10-06T21:30:42Z"))
        );
        assert_eq!(time("yesterday"), None);
    }

    #[test]
    fn unmapped_names_become_toml_lines() {
        assert_eq!(toml_key(r#"A "b"\c"#), r#""A \"b\"\\c""#);
        assert_eq!(slug("Checkout API (EU)"), "checkout-api-eu");
        assert_eq!(slug("!!"), "service-id");
        let w = unmapped_warning(&BTreeMap::from([("Legacy".into(), 3), ("Web".into(), 1)]));
        assert!(w.message.contains("skipped 4 pages"), "{}", w.message);
        assert!(w.message.contains(r#""Legacy" (3), "Web" (1)"#));
        assert!(w.help.unwrap().contains(r#""Legacy" = "legacy""#));
    }
}
