//! `opsbook merge-request`, through the real binary, against a fixture
//! GitLab on 127.0.0.1: which requests it sends (method, path, query,
//! JSON body, the `PRIVATE-TOKEN` header), and that the token is sent only
//! as that header and never printed.

mod common;
#[path = "common/fixture.rs"]
mod fixture;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::incident::Incident;
use common::{Output, Site};
use fixture::{FixtureServer, Recorded, Reply};
use serde_json::Value;

const TOKEN: &str = "glpat-SECRETVALUE-0123456789";
const BRANCH: &str = "opsbook/availability-2026-11";
const TITLE: &str = "Monthly Availability Update: 2026 November";
const MRS: &str = "/api/v4/projects/infra%2Fhandbook/merge_requests";

/// A site with one month of data, so `report monthly 2026-11` has content,
/// whose `[gitlab]` points at `server` (or no `[gitlab]` when `None`).
fn site(server: Option<&FixtureServer>) -> Site {
    let site = Site::new();
    let mut toml = "title = \"T\"\nbase_url = \"https://ops.example.com/book/\"\n".to_string();
    if let Some(s) = server {
        toml.push_str(&format!(
            "[gitlab]\nurl = \"{}\"\nproject = \"infra/handbook\"\ntoken_env = \"MR_TEST_TOKEN\"\n",
            s.url("")
        ));
    }
    site.file("opsbook.toml", &toml).file(
        "data/services.yaml",
        "services:\n  - id: web\n    name: Web\n    weight: 1\n    target: 99.9\n",
    );
    Incident::new("inc-1", "2026-11-10T10:00:00Z")
        .title("Web outage")
        .severity(1)
        .mitigated_at(None)
        .write(&site);
    site
}

/// Runs `opsbook merge-request` with a clean CI environment plus `env`.
fn run(site: &Site, extra: &[&str], env: &[(&str, Option<&str>)]) -> Output {
    let mut args = vec![
        "merge-request",
        "--month",
        "2026-11",
        "--source-branch",
        BRANCH,
        "--root",
        site.root_str(),
        "--as-of",
        "2026-12-02",
    ];
    args.extend_from_slice(extra);
    let mut all: Vec<(&str, Option<&str>)> = vec![
        ("MR_TEST_TOKEN", Some(TOKEN)),
        ("GITLAB_TOKEN", None),
        ("CI_API_V4_URL", None),
        ("CI_PROJECT_ID", None),
        ("CI_DEFAULT_BRANCH", None),
        ("SOURCE_DATE_EPOCH", None),
    ];
    all.extend_from_slice(env);
    site.run_env(&args, &all)
}

/// A fake GitLab: the GET lists `open` (a JSON array); PUT and POST echo a
/// merge request; `post` may replace the POST's reply (by POST number).
fn gitlab(
    open: impl Fn(usize) -> String + Send + Sync + 'static,
    post: impl Fn(usize) -> Option<Reply> + Send + Sync + 'static,
) -> FixtureServer {
    let gets = Arc::new(AtomicUsize::new(0));
    let posts = Arc::new(AtomicUsize::new(0));
    FixtureServer::routed(move |_, req: &Recorded| {
        match req.method.as_str() {
        "GET" => Reply::json(200, &open(gets.fetch_add(1, Ordering::SeqCst))),
        "POST" => post(posts.fetch_add(1, Ordering::SeqCst)).unwrap_or_else(|| {
            Reply::json(
                201,
                r#"{"iid": 7, "web_url": "https://gitlab.example.com/infra/handbook/-/merge_requests/7", "target_branch": "main"}"#,
            )
        }),
        "PUT" => Reply::json(
            200,
            r#"{"iid": 12, "web_url": "https://gitlab.example.com/infra/handbook/-/merge_requests/12", "target_branch": "main"}"#,
        ),
        _ => Reply::json(405, "{}"),
    }
    })
}

fn open_mr(iid: u64) -> String {
    format!(
        r#"[{{"iid": {iid}, "web_url": "https://gitlab.example.com/infra/handbook/-/merge_requests/{iid}", "target_branch": "main", "source_branch": "{BRANCH}"}}]"#
    )
}

fn methods(reqs: &[Recorded]) -> Vec<&str> {
    reqs.iter().map(|r| r.method.as_str()).collect()
}

/// The token travels in the PRIVATE-TOKEN header of every request and
/// nowhere else: not in a URL, a body, another header or the output.
#[track_caller]
fn token_only_in_header(reqs: &[Recorded], out: &Output) {
    for r in reqs {
        assert_eq!(
            r.header("private-token"),
            Some(TOKEN),
            "{} {}",
            r.method,
            r.target
        );
        assert!(!r.target.contains(TOKEN), "token in URL {}", r.target);
        assert!(!r.body.contains(TOKEN), "token in body");
        for (name, value) in &r.headers {
            assert!(
                name == "private-token" || !value.contains(TOKEN),
                "token in {name}"
            );
        }
    }
    assert!(!out.stdout.contains(TOKEN), "token in stdout");
    assert!(!out.stderr.contains(TOKEN), "token in stderr");
}

/// The GET that looks for the open merge request of the branch.
#[track_caller]
fn assert_lookup(r: &Recorded) {
    assert_eq!(r.method, "GET");
    let (path, query) = r.target.split_once('?').expect("a query");
    assert_eq!(path, MRS);
    let mut q: Vec<&str> = query.split('&').collect();
    q.sort_unstable();
    assert_eq!(
        q,
        [
            "source_branch=opsbook%2Favailability-2026-11",
            "state=opened"
        ]
    );
}

#[test]
fn opens_a_merge_request_when_none_is_open() {
    let server = gitlab(|_| "[]".into(), |_| None);
    let site = site(Some(&server));
    let out = run(&site, &[], &[("CI_DEFAULT_BRANCH", Some("trunk"))]);
    out.assert_success();
    assert_eq!(
        out.stdout.trim(),
        "https://gitlab.example.com/infra/handbook/-/merge_requests/7"
    );
    let reqs = server.requests();
    assert_eq!(methods(&reqs), ["GET", "POST"]);
    assert_lookup(&reqs[0]);
    assert_eq!(reqs[1].target, MRS);
    assert_eq!(reqs[1].header("content-type"), Some("application/json"));
    let body: Value = serde_json::from_str(&reqs[1].body).expect("JSON body");
    assert_eq!(body["source_branch"], BRANCH);
    assert_eq!(body["target_branch"], "trunk", "CI_DEFAULT_BRANCH");
    assert_eq!(body["remove_source_branch"], true);
    assert_eq!(body["title"], TITLE);
    let description = body["description"].as_str().expect("a description");
    assert!(description.contains("## Availability"), "{description}");
    assert!(description.contains("Web outage"), "{description}");
    assert!(!description.starts_with("Monthly Availability Update"));
    token_only_in_header(&reqs, &out);
}

#[test]
fn updates_the_open_merge_request() {
    let server = gitlab(|_| open_mr(12), |_| None);
    let site = site(Some(&server));
    let out = run(&site, &["--target-branch", "main"], &[]);
    out.assert_success();
    assert_eq!(
        out.stdout.trim(),
        "https://gitlab.example.com/infra/handbook/-/merge_requests/12"
    );
    let reqs = server.requests();
    assert_eq!(methods(&reqs), ["GET", "PUT"], "no POST");
    assert_eq!(reqs[1].target, format!("{MRS}/12"));
    let body: Value = serde_json::from_str(&reqs[1].body).expect("JSON body");
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["description", "title"]);
    assert_eq!(body["title"], TITLE);
    token_only_in_header(&reqs, &out);
}

#[test]
fn unauthorized_fails_with_the_redacted_url_and_status_and_no_token() {
    let server =
        FixtureServer::routed(|_, _| Reply::json(401, r#"{"message":"401 Unauthorized"}"#));
    let site = site(Some(&server));
    let out = run(&site, &[], &[]);
    out.assert_failure().assert_stderr_has(&[
        &server.url(MRS),
        "HTTP 401",
        "401 Unauthorized",
        "MR_TEST_TOKEN",
    ]);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    let reqs = server.requests();
    assert_eq!(methods(&reqs), ["GET"], "nothing written after a 401");
    token_only_in_header(&reqs, &out);
}

#[test]
fn dry_run_sends_no_write_request() {
    for (open, method) in [("[]".to_string(), "POST"), (open_mr(12), "PUT")] {
        let server = gitlab(move |_| open.clone(), |_| None);
        let site = site(Some(&server));
        let out = run(&site, &["--dry-run"], &[]);
        out.assert_success();
        let reqs = server.requests();
        assert_eq!(methods(&reqs), ["GET"], "{method}");
        let (first, json) = out.stdout.split_once('\n').expect("two parts");
        let url = match method {
            "PUT" => server.url(&format!("{MRS}/12")),
            _ => server.url(MRS),
        };
        assert_eq!(first, format!("dry run: would send {method} {url}"));
        let body: Value = serde_json::from_str(json).expect("the body as JSON");
        assert_eq!(body["title"], TITLE);
        assert_eq!(body.get("source_branch").is_some(), method == "POST");
        token_only_in_header(&reqs, &out);
    }
}

/// A POST whose answer is lost may have opened the merge request: it is
/// looked up again (found: updated) instead of posted twice.
#[test]
fn a_lost_post_answer_is_rechecked_not_posted_again() {
    let server = gitlab(
        |n| if n == 0 { "[]".into() } else { open_mr(12) },
        |n| (n == 0).then_some(Reply::Reset),
    );
    let site = site(Some(&server));
    let out = run(&site, &[], &[]);
    out.assert_success();
    let reqs = server.requests();
    assert_eq!(methods(&reqs), ["GET", "POST", "GET", "PUT"]);
    assert_eq!(reqs[3].target, format!("{MRS}/12"));
    assert!(out.stdout.contains("merge_requests/12"), "{}", out.stdout);
}

#[test]
fn ci_variables_name_the_api_and_project() {
    let server = gitlab(|_| "[]".into(), |_| None);
    let site = site(None);
    let api = server.url("/api/v4");
    let out = run(
        &site,
        &[],
        &[
            ("CI_API_V4_URL", Some(&api)),
            ("CI_PROJECT_ID", Some("42")),
            ("GITLAB_TOKEN", Some(TOKEN)),
        ],
    );
    out.assert_success();
    let reqs = server.requests();
    assert_eq!(methods(&reqs), ["GET", "POST"]);
    assert!(
        reqs[0]
            .target
            .starts_with("/api/v4/projects/42/merge_requests?")
    );
    let body: Value = serde_json::from_str(&reqs[1].body).expect("JSON body");
    assert_eq!(body["target_branch"], "main", "the default target");
}

#[test]
fn every_problem_is_reported_before_anything_is_sent() {
    let site = site(None);
    let out = run(&site, &[], &[("MR_TEST_TOKEN", None)]);
    out.assert_failure().assert_stderr_has(&[
        "[gitlab]",
        "CI_API_V4_URL",
        "token_env = \"GITLAB_TOKEN\"",
    ]);
    let bad_month = Site::new();
    bad_month.file("opsbook.toml", "title = \"T\"\n");
    let out = bad_month.run_env(
        &[
            "merge-request",
            "--month",
            "2026-13",
            "--source-branch",
            BRANCH,
            "--root",
            bad_month.root_str(),
        ],
        &[
            ("CI_API_V4_URL", None),
            ("CI_PROJECT_ID", None),
            ("GITLAB_TOKEN", None),
        ],
    );
    out.assert_failure()
        .assert_stderr_has(&["`2026-13` is not a month", "[gitlab]"]);
}
