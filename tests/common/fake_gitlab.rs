//! A fake GitLab for the pull tests, on `FixtureServer::routed`: the
//! incident list (`updated_after` filter, `per_page`/`page` paging with
//! `x-next-page`, no totals above 10,000 records), the project lookup and
//! GraphQL timeline events (aliases and incident ids read from the query
//! text). Every request needs `PRIVATE-TOKEN` (401 otherwise). Faults are
//! injected once each, for the Nth request or a path, and a record can be
//! repeated on a page as if updated mid-pull.
//!
//! Include it with `#[path = "common/fixture.rs"] mod fixture;` and
//! `#[path = "common/fake_gitlab.rs"] mod fake_gitlab;`.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use crate::fixture::{FixtureServer, Recorded, Reply};

pub const TOKEN: &str = "glpat-FAKE-SECRET-91b2";
pub const PROJECT_ID: u64 = 278964;
pub const PROJECT_PATH: &str = "infra/production";

/// One timeline event.
#[derive(Clone, Debug)]
pub struct FakeEvent {
    pub occurred_at: String,
    pub note: String,
    pub tags: Vec<String>,
}

/// An incident issue, built with defaults: open, created and updated
/// 2026-10-05T10:00:00Z, global id `iid + 1,000,000`.
#[derive(Clone, Debug)]
pub struct FakeIssue {
    pub id: u64,
    pub iid: u64,
    pub title: String,
    pub description: Option<String>,
    pub labels: Vec<String>,
    pub created_at: String,
    pub closed_at: Option<String>,
    pub updated_at: String,
    pub confidential: bool,
    pub events: Vec<FakeEvent>,
}

impl FakeIssue {
    pub fn new(iid: u64) -> FakeIssue {
        FakeIssue {
            id: iid + 1_000_000,
            iid,
            title: format!("Incident {iid}"),
            description: None,
            labels: Vec::new(),
            created_at: "2026-10-05T10:00:00Z".into(),
            closed_at: None,
            updated_at: "2026-10-05T10:00:00Z".into(),
            confidential: false,
            events: Vec::new(),
        }
    }
    pub fn id(mut self, id: u64) -> Self {
        self.id = id;
        self
    }
    pub fn title(mut self, t: &str) -> Self {
        self.title = t.into();
        self
    }
    pub fn description(mut self, d: &str) -> Self {
        self.description = Some(d.into());
        self
    }
    pub fn labels(mut self, labels: &[&str]) -> Self {
        self.labels = labels.iter().map(|l| l.to_string()).collect();
        self
    }
    pub fn created(mut self, at: &str) -> Self {
        self.created_at = at.into();
        self
    }
    /// Closes the issue at `at`.
    pub fn closed(mut self, at: &str) -> Self {
        self.closed_at = Some(at.into());
        self
    }
    pub fn updated(mut self, at: &str) -> Self {
        self.updated_at = at.into();
        self
    }
    pub fn confidential(mut self) -> Self {
        self.confidential = true;
        self
    }
    pub fn event(mut self, at: &str, note: &str, tags: &[&str]) -> Self {
        self.events.push(FakeEvent {
            occurred_at: at.into(),
            note: note.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        });
        self
    }

    pub fn web_url(&self, base: &str) -> String {
        format!("{base}/{PROJECT_PATH}/-/issues/{}", self.iid)
    }

    fn rest(&self, base: &str) -> Value {
        json!({
            "id": self.id,
            "iid": self.iid,
            "project_id": PROJECT_ID,
            "title": self.title,
            "description": self.description,
            "state": if self.closed_at.is_some() { "closed" } else { "opened" },
            "issue_type": "incident",
            "labels": self.labels,
            "created_at": self.created_at,
            "closed_at": self.closed_at,
            "updated_at": self.updated_at,
            "confidential": self.confidential,
            "web_url": self.web_url(base),
        })
    }
}

/// When an injected fault fires.
#[derive(Clone, Debug)]
pub enum Trigger {
    /// The request of this 0-based number.
    Nth(usize),
    /// The first request whose path and query contain this text.
    Path(String),
}

struct State {
    /// Sorted by (updated_at, iid), as `order_by=updated_at&sort=asc`.
    issues: Vec<(DateTime<Utc>, FakeIssue)>,
    /// Global id → index in `issues`.
    by_id: HashMap<u64, usize>,
    faults: Vec<(Trigger, Reply)>,
    /// (page, issue): served at the end of that list page as well.
    repeats: Vec<(u64, FakeIssue)>,
    base: String,
}

pub struct FakeGitLab {
    server: FixtureServer,
    state: Arc<Mutex<State>>,
}

impl FakeGitLab {
    pub fn start(issues: Vec<FakeIssue>) -> FakeGitLab {
        let state = Arc::new(Mutex::new(State {
            issues: Vec::new(),
            by_id: HashMap::new(),
            faults: Vec::new(),
            repeats: Vec::new(),
            base: String::new(),
        }));
        let shared = Arc::clone(&state);
        let server = FixtureServer::routed(move |n, req| route(&shared, n, req));
        state.lock().unwrap().base = server.url("");
        let fake = FakeGitLab { server, state };
        fake.set_issues(issues);
        fake
    }

    /// `http://127.0.0.1:PORT` + `path` (`url("")` is `[gitlab] url`).
    pub fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.server.requests()
    }

    /// Answers `reply` once, to the first request matching `when`.
    pub fn fault(&self, when: Trigger, reply: Reply) -> &Self {
        self.state.lock().unwrap().faults.push((when, reply));
        self
    }

    /// Serves `issue` again at the end of list page `page` (1-based).
    pub fn repeat_on_page(&self, page: u64, issue: FakeIssue) -> &Self {
        self.state.lock().unwrap().repeats.push((page, issue));
        self
    }

    /// Replaces the issues served from now on (an upstream change).
    pub fn set_issues(&self, issues: Vec<FakeIssue>) {
        let mut sorted: Vec<(DateTime<Utc>, FakeIssue)> = issues
            .into_iter()
            .map(|i| (time(&i.updated_at), i))
            .collect();
        sorted.sort_by_key(|(t, i)| (*t, i.iid));
        let mut st = self.state.lock().unwrap();
        st.by_id = sorted
            .iter()
            .enumerate()
            .map(|(n, (_, i))| (i.id, n))
            .collect();
        st.issues = sorted;
    }

    /// The list requests made (GET …/issues), in order.
    pub fn list_requests(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.method == "GET" && r.target.contains("/issues?"))
            .collect()
    }

    /// The GraphQL requests made, in order.
    pub fn graphql_requests(&self) -> Vec<Recorded> {
        self.requests()
            .into_iter()
            .filter(|r| r.target == "/api/graphql")
            .collect()
    }
}

fn route(state: &Mutex<State>, n: usize, req: &Recorded) -> Reply {
    let mut st = state.lock().unwrap();
    let fired = st.faults.iter().position(|(t, _)| match t {
        Trigger::Nth(k) => *k == n,
        Trigger::Path(p) => req.target.contains(p.as_str()),
    });
    if let Some(i) = fired {
        return st.faults.remove(i).1;
    }
    if req.header("private-token") != Some(TOKEN) {
        return Reply::json(401, r#"{"message":"401 Unauthorized"}"#);
    }
    let (path, query) = req.target.split_once('?').unwrap_or((&req.target, ""));
    let params = parse_query(query);
    let ids = [PROJECT_ID.to_string(), PROJECT_PATH.replace('/', "%2F")];
    let project = |rest: &str| {
        path.strip_prefix("/api/v4/projects/")
            .and_then(|p| p.strip_suffix(rest))
            .is_some_and(|id| ids.iter().any(|i| i.eq_ignore_ascii_case(id)))
    };
    match req.method.as_str() {
        "GET" if project("/issues") => list(&st, &params),
        "GET" if project("") => Reply::json(
            200,
            &json!({"id": PROJECT_ID, "path_with_namespace": PROJECT_PATH}).to_string(),
        ),
        "POST" if path == "/api/graphql" => graphql(&st, &req.body),
        _ => Reply::json(404, r#"{"message":"404 Not Found"}"#),
    }
}

fn list(st: &State, params: &[(String, String)]) -> Reply {
    let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    if get("issue_type") != Some("incident") || get("state") != Some("all") {
        return Reply::json(400, r#"{"error":"expected issue_type=incident&state=all"}"#);
    }
    let after = get("updated_after").map(time);
    let per_page: usize = get("per_page")
        .and_then(|v| v.parse().ok())
        .unwrap_or(20)
        .clamp(1, 100);
    let page: u64 = get("page").and_then(|v| v.parse().ok()).unwrap_or(1).max(1);
    let all: Vec<&FakeIssue> = st
        .issues
        .iter()
        .filter(|(t, _)| after.is_none_or(|a| *t >= a))
        .map(|(_, i)| i)
        .collect();
    let total = all.len();
    let from = (page as usize - 1) * per_page;
    let mut body: Vec<Value> = all
        .iter()
        .skip(from)
        .take(per_page)
        .map(|i| i.rest(&st.base))
        .collect();
    body.extend(
        st.repeats
            .iter()
            .filter(|(p, _)| *p == page)
            .map(|(_, i)| i.rest(&st.base)),
    );
    let next = if from + per_page < total {
        (page + 1).to_string()
    } else {
        String::new()
    };
    let mut reply = Reply::json(200, &Value::Array(body).to_string())
        .header("x-page", &page.to_string())
        .header("x-per-page", &per_page.to_string())
        .header("x-next-page", &next);
    // GitLab stops counting above 10,000 records.
    if total <= 10_000 {
        reply = reply.header("x-total", &total.to_string()).header(
            "x-total-pages",
            &total.div_ceil(per_page).max(1).to_string(),
        );
    }
    reply
}

fn graphql(st: &State, body: &str) -> Reply {
    let Ok(req) = serde_json::from_str::<Value>(body) else {
        return Reply::json(400, r#"{"errors":[{"message":"invalid JSON body"}]}"#);
    };
    let query = req["query"].as_str().unwrap_or("");
    let path_ok = query.contains(&format!("fullPath: \"{PROJECT_PATH}\""))
        || req["variables"]
            .as_object()
            .is_some_and(|v| v.values().any(|x| x == PROJECT_PATH));
    if !path_ok {
        return Reply::json(200, r#"{"data":{"project":null}}"#);
    }
    let mut project = serde_json::Map::new();
    let mut errors = Vec::new();
    for (alias, gid) in aliases(query) {
        match st.by_id.get(&gid).map(|n| &st.issues[*n].1) {
            Some(issue) => {
                let nodes: Vec<Value> = issue
                    .events
                    .iter()
                    .map(|e| {
                        json!({
                            "occurredAt": e.occurred_at,
                            "note": e.note,
                            "timelineEventTags": {"nodes": e.tags.iter().map(|t| json!({"name": t})).collect::<Vec<_>>()},
                        })
                    })
                    .collect();
                project.insert(
                    alias,
                    json!({"nodes": nodes, "pageInfo": {"hasNextPage": false}}),
                );
            }
            None => {
                project.insert(alias, Value::Null);
                errors.push(json!({"message": format!("The resource that you are attempting to access does not exist or you don't have permission to perform this action (gid://gitlab/Issue/{gid})")}));
            }
        }
    }
    let mut answer = json!({"data": {"project": project}});
    if !errors.is_empty() {
        answer["errors"] = Value::Array(errors);
    }
    Reply::json(200, &answer.to_string())
}

/// `(alias, global id)` of each `alias: incidentManagementTimelineEvents(
/// incidentId: "gid://gitlab/Issue/N")` in the query.
pub fn aliases(query: &str) -> Vec<(String, u64)> {
    const FIELD: &str = "incidentManagementTimelineEvents";
    const GID: &str = "gid://gitlab/Issue/";
    let mut out = Vec::new();
    let mut rest = query;
    while let Some(at) = rest.find(FIELD) {
        let before = rest[..at].trim_end();
        let alias = match before.strip_suffix(':') {
            Some(b) => {
                let b = b.trim_end();
                let start = b
                    .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .map_or(0, |i| i + 1);
                b[start..].to_string()
            }
            None => FIELD.to_string(),
        };
        rest = &rest[at + FIELD.len()..];
        if let Some(g) = rest.find(GID) {
            let digits: String = rest[g + GID.len()..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            if let Ok(id) = digits.parse() {
                out.push((alias, id));
            }
        }
    }
    out
}

fn time(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("fake issue times are RFC 3339")
        .to_utc()
}

fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}
