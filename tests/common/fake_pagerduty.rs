//! A fake PagerDuty REST API v2 on the fixture server, for the pull tests:
//! `GET /incidents` (since/until filter on `created_at` in `[since,
//! until)`, `offset`/`limit`/`more` paging) and
//! `GET /incidents/{id}/log_entries`, with PagerDuty's refusals (a window
//! longer than 6 months or an `offset` past 10,000: 400; a wrong or missing
//! `Authorization`: 401; a missing version `Accept`: 406) and injectable
//! faults. Include it beside the fixture server under these names:
//!
//! ```ignore
//! #[path = "common/fixture.rs"] mod fixture;
//! #[path = "common/fake_pagerduty.rs"] mod fake_pagerduty;
//! ```
#![allow(dead_code)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Months, Utc};
use serde_json::{Value, json};

use crate::fixture::{FixtureServer, Recorded, Reply};

/// The token the fake accepts (`Authorization: Token token=<TOKEN>`).
pub const TOKEN: &str = "pd-SECRET-u+8xk2Q";
const ACCEPT: &str = "application/vnd.pagerduty+json;version=2";

/// One incident as the fake serves it.
#[derive(Clone, Debug)]
pub struct FakePage {
    pub id: String,
    pub title: String,
    /// `service.summary`.
    pub service: String,
    pub urgency: String,
    pub status: String,
    /// RFC 3339, as served.
    pub created_at: String,
    pub resolved_at: Option<String>,
    /// `None`: the `acknowledgements` key is left out of the list.
    pub acknowledgements: Option<Vec<String>>,
    pub escalation_policy: Option<String>,
    /// `(type, created_at)` of `/incidents/{id}/log_entries`.
    pub log_entries: Vec<(String, String)>,
}

impl FakePage {
    /// A triggered high-urgency page with no acknowledgement yet.
    pub fn new(id: &str, service: &str, created_at: &str) -> FakePage {
        FakePage {
            id: id.into(),
            title: format!("Alert {id}"),
            service: service.into(),
            urgency: "high".into(),
            status: "triggered".into(),
            created_at: created_at.into(),
            resolved_at: None,
            acknowledgements: Some(Vec::new()),
            escalation_policy: None,
            log_entries: Vec::new(),
        }
    }

    pub fn title(mut self, t: &str) -> Self {
        self.title = t.into();
        self
    }

    pub fn urgency(mut self, u: &str) -> Self {
        self.urgency = u.into();
        self
    }

    pub fn acked(mut self, at: &[&str]) -> Self {
        self.acknowledgements = Some(at.iter().map(|s| s.to_string()).collect());
        self.status = "acknowledged".into();
        self
    }

    pub fn resolved(mut self, at: Option<&str>) -> Self {
        self.resolved_at = at.map(Into::into);
        self.status = "resolved".into();
        self
    }

    pub fn policy(mut self, p: &str) -> Self {
        self.escalation_policy = Some(p.into());
        self
    }

    /// Leaves `acknowledgements` out of the list (times then come from the log).
    pub fn without_acknowledgements(mut self) -> Self {
        self.acknowledgements = None;
        self
    }

    pub fn log(mut self, kind: &str, at: &str) -> Self {
        self.log_entries.push((kind.into(), at.into()));
        self
    }

    fn created(&self) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&self.created_at)
            .expect("FakePage created_at is RFC 3339")
            .to_utc()
    }

    fn to_json(&self, base: &str) -> Value {
        let mut v = json!({
            "id": self.id,
            "type": "incident",
            "incident_number": 1,
            "title": self.title,
            "summary": format!("[#1] {}", self.title),
            "status": self.status,
            "urgency": self.urgency,
            "created_at": self.created_at,
            "resolved_at": self.resolved_at,
            "html_url": format!("{base}/incidents/{}", self.id),
            "service": {"id": "PSVC", "type": "service_reference", "summary": self.service},
            "escalation_policy": self.escalation_policy.as_ref()
                .map(|p| json!({"id": "PEP", "summary": p})),
        });
        if let Some(acks) = &self.acknowledgements {
            v["acknowledgements"] = acks
                .iter()
                .map(|at| json!({"at": at, "acknowledger": {"summary": "on-call"}}))
                .collect();
        }
        v
    }
}

/// Faults, applied to the next requests they match.
#[derive(Default)]
struct Faults {
    /// Replies given instead of the next `/incidents` list answers.
    list: VecDeque<Reply>,
    /// Each page after the first also repeats the previous page's last record.
    repeat: bool,
}

pub struct FakePagerDuty {
    server: FixtureServer,
    faults: Arc<Mutex<Faults>>,
}

impl FakePagerDuty {
    pub fn start(incidents: Vec<FakePage>) -> FakePagerDuty {
        let mut incidents = incidents;
        incidents.sort_by(|a, b| (a.created(), &a.id).cmp(&(b.created(), &b.id)));
        let dated: Vec<(DateTime<Utc>, FakePage)> =
            incidents.into_iter().map(|p| (p.created(), p)).collect();
        let faults = Arc::new(Mutex::new(Faults::default()));
        let f = Arc::clone(&faults);
        let server = FixtureServer::routed(move |_, req| route(req, &dated, &f));
        FakePagerDuty { server, faults }
    }

    /// The API base, for `[pagerduty] url`.
    pub fn url(&self) -> String {
        self.server.url("")
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.server.requests()
    }

    /// The list requests' `(since, until, offset)`, in order.
    pub fn list_queries(&self) -> Vec<(String, String, usize)> {
        self.requests()
            .iter()
            .filter(|r| path(&r.target) == "/incidents")
            .map(|r| {
                let q = |k| param(&r.target, k).unwrap_or_default();
                (q("since"), q("until"), q("offset").parse().unwrap_or(0))
            })
            .collect()
    }

    /// The next `/incidents` request gets `reply` instead (queued in order).
    pub fn fail_next(&self, reply: Reply) {
        self.faults.lock().unwrap().list.push_back(reply);
    }

    /// A 500, once.
    pub fn server_error_once(&self) {
        self.fail_next(Reply::json(
            500,
            r#"{"error":{"message":"Internal error"}}"#,
        ));
    }

    /// A 429 asking to wait `seconds` (`ratelimit-reset`), once.
    pub fn rate_limit_once(&self, seconds: u64) {
        self.fail_next(
            Reply::json(
                429,
                r#"{"error":{"message":"Rate Limit Exceeded","code":2020}}"#,
            )
            .header("ratelimit-reset", &seconds.to_string())
            .header("ratelimit-limit", "960")
            .header("ratelimit-remaining", "0"),
        );
    }

    /// A body cut short, once.
    pub fn truncated_once(&self) {
        self.fail_next(Reply::Truncated {
            body: r#"{"incidents":[{"id":"P"#.into(),
            claimed: 4096,
        });
    }

    /// Pages after the first start with the previous page's last record
    /// (what offset paging shows when records shift between requests).
    pub fn repeat_across_pages(&self) {
        self.faults.lock().unwrap().repeat = true;
    }
}

fn route(req: &Recorded, incidents: &[(DateTime<Utc>, FakePage)], faults: &Mutex<Faults>) -> Reply {
    if req.header("authorization") != Some(&format!("Token token={TOKEN}")) {
        return error(401, "Unauthorized", 2006);
    }
    if req.header("accept") != Some(ACCEPT) {
        return error(
            406,
            "Not Acceptable: send Accept: application/vnd.pagerduty+json;version=2",
            2000,
        );
    }
    let p = path(&req.target);
    let offset: usize = match param(&req.target, "offset").map(|o| o.parse()) {
        None => 0,
        Some(Ok(o)) => o,
        Some(Err(_)) => return error(400, "Invalid offset", 2001),
    };
    let limit: usize = param(&req.target, "limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(25)
        .clamp(1, 100);
    if offset > 10_000 {
        return error(400, "Offset must be at most 10000", 2001);
    }
    let base = format!("http://{}", req.header("host").unwrap_or("127.0.0.1"));
    if p == "/incidents" {
        let mut f = faults.lock().unwrap();
        if let Some(reply) = f.list.pop_front() {
            return reply;
        }
        let repeat = f.repeat;
        drop(f);
        let time = |k| {
            param(&req.target, k)
                .and_then(|v| DateTime::parse_from_rfc3339(&v).ok().map(|t| t.to_utc()))
        };
        let (Some(since), Some(until)) = (time("since"), time("until")) else {
            return error(400, "since and until are required by this fake", 2001);
        };
        if since
            .checked_add_months(Months::new(6))
            .is_none_or(|max| until > max)
        {
            return error(400, "Date Range must be less than 6 months", 2001);
        }
        let window: Vec<&FakePage> = incidents
            .iter()
            .filter(|(t, _)| *t >= since && *t < until)
            .map(|(_, p)| p)
            .collect();
        let from = if repeat && offset > 0 {
            offset - 1
        } else {
            offset
        };
        let page: Vec<Value> = window
            .iter()
            .skip(from)
            .take(limit)
            .map(|p| p.to_json(&base))
            .collect();
        let more = from + limit < window.len();
        return list_reply("incidents", page, limit, offset, more);
    }
    if let Some(id) = p
        .strip_prefix("/incidents/")
        .and_then(|r| r.strip_suffix("/log_entries"))
    {
        let Some((_, inc)) = incidents.iter().find(|(_, p)| p.id == id) else {
            return error(404, "Incident Not Found", 5001);
        };
        let entries: Vec<Value> = inc
            .log_entries
            .iter()
            .enumerate()
            .skip(offset)
            .take(limit)
            .map(|(i, (kind, at))| json!({"id": format!("R{i}"), "type": kind, "created_at": at}))
            .collect();
        let more = offset + limit < inc.log_entries.len();
        return list_reply("log_entries", entries, limit, offset, more);
    }
    error(404, "Not Found", 2100)
}

fn list_reply(key: &str, records: Vec<Value>, limit: usize, offset: usize, more: bool) -> Reply {
    let body = json!({key: records, "limit": limit, "offset": offset, "more": more, "total": null});
    Reply::json(200, &body.to_string())
}

fn error(status: u16, message: &str, code: u32) -> Reply {
    Reply::json(
        status,
        &json!({"error": {"message": message, "code": code}}).to_string(),
    )
}

fn path(target: &str) -> &str {
    target.split('?').next().unwrap_or(target)
}

/// A query parameter, percent-decoded.
fn param(target: &str, key: &str) -> Option<String> {
    let query = target.split_once('?')?.1;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| decode(k) == key)
        .map(|(_, v)| decode(v))
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'%' if i + 2 < b.len() => {
                let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(v) => {
                        out.push(v);
                        i += 3;
                        continue;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
