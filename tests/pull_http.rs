//! The HTTP layer of `opsbook pull` against a scripted local server with
//! injected faults: what is retried (5xx, 429, resets, truncated bodies,
//! stalls), what is not (401), that the total budget holds, and that the
//! token never shows in an error or in Debug output. Waits go through a
//! `VirtualClock`, so no test sleeps for a backoff.

#[path = "common/fixture.rs"]
mod fixture;

use std::sync::Arc;
use std::time::Duration;

use fixture::{FixtureServer, Reply, assert_no_token};
use opsbook::pull::http::{Auth, Client, HttpError, Secret, Settings, VirtualClock};

const TOKEN: &str = "glpat-SECRET-7f3a9c";

fn settings() -> Settings {
    Settings {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_millis(300),
        total_budget: Duration::from_secs(60),
        retries: 4,
        user_agent: "opsbook-test".into(),
        backoff_base: Duration::from_secs(1),
        backoff_max: Duration::from_secs(8),
    }
}

fn client(settings: Settings) -> (Client, Arc<VirtualClock>) {
    let clock = Arc::new(VirtualClock::new());
    (Client::with_clock(settings, clock.clone()), clock)
}

fn auth() -> Auth {
    Auth::gitlab(Secret::new("GITLAB_TOKEN", TOKEN))
}

const OK: &str = r#"[{"iid":1}]"#;

/// Everything a user or a log could see of an error.
fn shown(e: &HttpError) -> String {
    format!("{e}\n{e:?}\n{}", e.help())
}

#[test]
fn server_error_then_success_is_retried_with_backoff() {
    let server = FixtureServer::scripted(vec![
        Reply::json(500, r#"{"message":"boom"}"#),
        Reply::json(503, "unavailable"),
        Reply::json(200, OK),
    ]);
    let (client, clock) = client(settings());
    let resp = client
        .get_json(
            &server.url("/api/v4/projects/1/issues"),
            &[("page", "1")],
            Some(&auth()),
        )
        .unwrap();
    assert_eq!(resp.status, 200);
    let body: serde_json::Value = resp.json().unwrap();
    assert_eq!(body[0]["iid"], 1);

    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for r in &requests {
        // The token travels in its header only, never in the URL.
        assert_eq!(r.header("private-token"), Some(TOKEN));
        assert_eq!(r.target, "/api/v4/projects/1/issues?page=1");
        assert_eq!(r.header("user-agent"), Some("opsbook-test"));
    }
    // Exponential with jitter: the n-th wait lies in [base*2^(n-1)/2, base*2^(n-1)].
    let slept = clock.slept();
    assert_eq!(slept.len(), 2);
    assert!(slept[0] >= Duration::from_millis(500) && slept[0] <= Duration::from_secs(1));
    assert!(slept[1] >= Duration::from_secs(1) && slept[1] <= Duration::from_secs(2));
}

#[test]
fn too_many_requests_honours_retry_after_and_ratelimit_reset() {
    let server = FixtureServer::scripted(vec![
        Reply::json(429, "slow down").header("Retry-After", "7"),
        Reply::json(429, "slow down").header("ratelimit-reset", "3"),
        Reply::json(200, OK),
    ]);
    let (client, clock) = client(settings());
    let auth = Auth::pagerduty(Secret::new("PAGERDUTY_TOKEN", TOKEN));
    let resp = client
        .get_json(&server.url("/incidents"), &[], Some(&auth))
        .unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(
        clock.slept(),
        [Duration::from_secs(7), Duration::from_secs(3)]
    );
    let expected = format!("Token token={TOKEN}");
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(expected.as_str())
    );
}

#[test]
fn retry_after_past_the_budget_gives_up_at_once() {
    let server = FixtureServer::scripted(vec![
        Reply::json(429, "slow down").header("Retry-After", "3600"),
    ]);
    let (client, clock) = client(settings());
    let e = client
        .get_json(&server.url("/incidents"), &[], Some(&auth()))
        .unwrap_err();
    assert_eq!(e.status(), Some(429));
    assert!(clock.slept().is_empty());
    let text = e.to_string();
    assert!(text.contains("HTTP 429"), "{text}");
    assert!(text.contains("total time budget"), "{text}");
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn truncated_body_is_retried() {
    let server = FixtureServer::scripted(vec![
        Reply::Truncated {
            body: r#"[{"iid":1},{"ii"#.into(),
            claimed: 4096,
        },
        Reply::json(200, OK),
    ]);
    let (client, clock) = client(settings());
    let resp = client
        .get_json(&server.url("/issues"), &[], Some(&auth()))
        .unwrap();
    assert_eq!(resp.body, OK);
    assert_eq!(server.requests().len(), 2);
    assert_eq!(clock.slept().len(), 1);
}

#[test]
fn connection_reset_is_retried() {
    let server = FixtureServer::scripted(vec![Reply::Reset, Reply::json(200, OK)]);
    let (client, _clock) = client(settings());
    let resp = client
        .get_json(&server.url("/issues"), &[], Some(&auth()))
        .unwrap();
    assert_eq!(resp.body, OK);
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn stall_past_the_read_timeout_is_retried() {
    let server = FixtureServer::scripted(vec![
        Reply::Stall {
            for_: Duration::from_secs(5),
        },
        Reply::json(200, OK),
    ]);
    let (client, _clock) = client(settings());
    let resp = client
        .get_json(&server.url("/issues"), &[], Some(&auth()))
        .unwrap();
    assert_eq!(resp.body, OK);
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn stalls_until_retries_run_out_report_the_timeout() {
    let stall = Reply::Stall {
        for_: Duration::from_secs(5),
    };
    let server = FixtureServer::scripted(vec![stall.clone(), stall.clone(), stall]);
    let (client, _clock) = client(Settings {
        retries: 2,
        ..settings()
    });
    let e = client
        .get_json(&server.url("/issues"), &[], Some(&auth()))
        .unwrap_err();
    let text = e.to_string();
    assert!(text.contains("timed out"), "{text}");
    assert!(text.contains("3 attempts"), "{text}");
    assert!(text.contains("retries exhausted"), "{text}");
    assert_no_token(TOKEN, &shown(&e));
}

#[test]
fn unauthorized_is_not_retried_and_names_status_url_and_variable() {
    let server = FixtureServer::scripted(vec![Reply::json(
        401,
        "{\"message\":\"401 Unauthorized\"}\n\u{1b}[2J",
    )]);
    let (client, clock) = client(settings());
    // A caller that (wrongly) put a token in the query still gets it redacted.
    let e = client
        .get_json(
            &server.url("/api/v4/projects/1/issues"),
            &[("private_token", TOKEN), ("page", "2")],
            Some(&auth()),
        )
        .unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert!(clock.slept().is_empty());
    assert_eq!(e.status(), Some(401));
    let text = e.to_string();
    let url = server.url("/api/v4/projects/1/issues?private_token=[redacted]&page=2");
    assert!(text.contains(&url), "{text}");
    assert!(text.contains("HTTP 401"), "{text}");
    assert!(text.contains(r#"{"message":"401 Unauthorized"}"#), "{text}");
    assert!(text.contains("GITLAB_TOKEN"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "control characters kept: {text:?}"
    );
    assert_no_token(TOKEN, &shown(&e));
}

#[test]
fn server_errors_stop_within_the_total_budget() {
    let server = FixtureServer::routed(|_, _| Reply::json(502, "bad gateway"));
    let (client, clock) = client(Settings {
        retries: 100,
        total_budget: Duration::from_secs(20),
        ..settings()
    });
    let e = client
        .get_json(&server.url("/issues"), &[], Some(&auth()))
        .unwrap_err();
    assert_eq!(e.status(), Some(502));
    let waited: Duration = clock.slept().iter().sum();
    assert!(waited < Duration::from_secs(20), "waited {waited:?}");
    // 1/2+2/2+4/2+8/2 = 7.5s at least before the 5th attempt; the budget
    // stops it well before 100 retries.
    let n = server.requests().len();
    assert!((4..=12).contains(&n), "{n} requests");
    let text = e.to_string();
    assert!(text.contains("total time budget of 20.0s"), "{text}");
    assert!(text.contains("bad gateway"), "{text}");
}

#[test]
fn unreachable_server_is_a_transport_error() {
    // Bind then drop: nothing listens on this port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (client, clock) = client(Settings {
        retries: 1,
        ..settings()
    });
    let e = client
        .get_json(&format!("http://127.0.0.1:{port}/x"), &[], Some(&auth()))
        .unwrap_err();
    assert_eq!(e.status(), None);
    assert_eq!(clock.slept().len(), 1);
    let text = e.to_string();
    assert!(text.contains("2 attempts"), "{text}");
    assert_no_token(TOKEN, &shown(&e));
}

#[test]
fn token_never_in_debug_or_errors() {
    let secret = Secret::new("GITLAB_TOKEN", TOKEN);
    assert_no_token(TOKEN, &format!("{secret} {secret:?} {:?}", auth()));
    // A body echoing the token back (some proxies do) is scrubbed too.
    let echo = format!("{{\"error\":\"bad token {TOKEN}\"}}");
    let server = FixtureServer::scripted(vec![Reply::json(403, &echo)]);
    let (client, _clock) = client(settings());
    let e = client
        .get_json(&server.url("/x"), &[], Some(&auth()))
        .unwrap_err();
    assert_eq!(e.status(), Some(403));
    assert!(e.to_string().contains("bad token [redacted]"), "{e}");
    assert_no_token(TOKEN, &shown(&e));
}

#[test]
fn next_page_follows_x_next_page() {
    let server = FixtureServer::routed(|_, req| {
        let page: u32 = req
            .target
            .split("page=")
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let next = if page < 3 {
            (page + 1).to_string()
        } else {
            String::new()
        };
        Reply::json(200, &format!("[{{\"iid\":{page}}}]")).header("x-next-page", &next)
    });
    let (client, _clock) = client(settings());
    let mut page = Some(1);
    let mut seen = Vec::new();
    while let Some(p) = page {
        let resp = client
            .get_json(&server.url("/issues"), &[("page", &p.to_string())], None)
            .unwrap();
        let items: Vec<serde_json::Value> = resp.json().unwrap();
        seen.extend(items.into_iter().map(|i| i["iid"].as_u64().unwrap()));
        page = resp.next_page();
    }
    assert_eq!(seen, [1, 2, 3]);
}
