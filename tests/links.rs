//! Link and anchor checks (`opsbook check`, `check --external`), end to
//! end: each broken link or anchor reported at the file:line:column of the
//! link; outside links checked against a local fixture server.

mod common;
#[path = "common/fixture.rs"]
mod fixture;

use common::incident::Incident;
use common::{Output, Site, page};
use fixture::{FixtureServer, Reply};

/// The lines of stderr that report a broken link.
fn broken(out: &Output) -> Vec<&str> {
    out.stderr
        .lines()
        .filter(|l| l.contains("broken"))
        .collect()
}

fn handbook() -> Site {
    let site = Site::new();
    site.file("content/_index.md", &page("Home", "Hello.\n"))
        .file(
            "content/guide/_index.md",
            &page(
                "Guide",
                "## Getting started\n\nText.\n\n## Escalation policy\n",
            ),
        )
        .file(
            "content/guide/setup.md",
            &page(
                "Setup",
                "<div id=\"raw-box\">x</div>\n\n## Install\n\nSee [above](#install).\n",
            ),
        );
    site
}

#[test]
fn broken_page_and_anchor_are_reported_at_the_link() {
    let site = handbook();
    site.file(
        "content/links.md",
        &page(
            "Links",
            "Intro.\n\n[gone](/nowhere/)\n\nAnd [policy](/guide/#escalation-polcy) here.\n\n\
             [md](guide/setup.md#instal) [self](#nothing)\n\n## Real heading\n",
        ),
    );
    let out = site.check_with(&[]);
    out.assert_success().assert_stderr_has(&[
        "content/links.md:6:1",
        "broken link `/nowhere/`: no page or file at this path",
        "content/links.md:8:5",
        "broken link `/guide/#escalation-polcy`: `guide/` has no anchor `#escalation-polcy`",
        "the closest anchor on that page is `#escalation-policy`",
        "content/links.md:10:1",
        "`guide/setup/` has no anchor `#instal`",
        "`#install`",
        "content/links.md:10:29",
        "broken link `#nothing`: this page has no anchor `#nothing`",
        "no anchor on that page is close",
    ]);
    assert_eq!(broken(&out).len(), 4, "{}", out.stderr);
    // Under --strict they fail the check.
    site.check_with(&["--strict"])
        .assert_failure()
        .assert_stderr_has(&["content/links.md:8:5"]);
}

#[test]
fn existing_heading_raw_html_and_same_page_anchors_are_accepted() {
    let site = handbook();
    site.file(
        "content/ok.md",
        &page(
            "Ok",
            "[a](/guide/#getting-started) [b](/guide/setup/#raw-box) [c](#here)\n\
             [d](guide/setup.md#install) [e](/guide/setup/#configure-missing-but-no) \n\n## Here\n",
        ),
    );
    let out = site.check_with(&[]);
    out.assert_success();
    let lines = broken(&out);
    assert_eq!(lines.len(), 1, "only the real miss: {}", out.stderr);
    assert!(out.stderr.contains("#configure-missing-but-no"));
}

#[test]
fn index_md_double_and_dot_slashes_resolve() {
    let site = handbook();
    site.file(
        "content/paths.md",
        &page(
            "Paths",
            "[a](guide/index.md) [b](guide/index.md#getting-started) [c](/guide//setup/)\n\
             [d](/guide/./setup/#install) [e](./guide//setup.md) [f](/guide/x/../setup/)\n",
        ),
    );
    let out = site.check_with(&["--strict"]);
    out.assert_success();
    assert!(broken(&out).is_empty(), "{}", out.stderr);
}

#[test]
fn a_link_to_a_confidential_incident_is_broken() {
    let site = handbook();
    site.file(
        "data/services.yaml",
        "services:\n  - id: api\n    name: API\n    weight: 5\n    target: 99.95\n",
    );
    for (id, conf) in [("pub-1", false), ("sec-1", true)] {
        Incident::new(id, "2026-03-02T08:00:00Z")
            .title("T")
            .services("[api]")
            .confidential(conf)
            .resolved_after(60)
            .write(&site);
    }
    site.file(
        "content/postmortems/pub-1.md",
        "---\ntitle: \"Review\"\nincident: \"pub-1\"\n---\n## Summary\n\nSee [the other](/incidents/sec-1/).\n",
    )
    .file(
        "content/inc.md",
        &page("Inc", "[ok](/incidents/pub-1/) [secret](/incidents/sec-1/)\n"),
    );
    let out = site.check_with(&[]);
    out.assert_success().assert_stderr_has(&[
        "content/inc.md:4:25",
        "broken link `/incidents/sec-1/`",
        "content/postmortems/pub-1.md:7:5",
    ]);
    assert_eq!(broken(&out).len(), 2, "{}", out.stderr);
}

#[test]
fn external_links_are_checked_once_and_cached() {
    let server = FixtureServer::routed(|_, req| {
        let status = match (req.method.as_str(), req.target.as_str()) {
            (_, "/ok") => 200,
            (_, "/gone") => 404,
            ("HEAD", "/nohead") => 405,
            ("GET", "/nohead") => 200,
            _ => 599,
        };
        Reply::json(status, "{}")
    });
    let site = handbook();
    site.file(
        "content/ext.md",
        &page(
            "Ext",
            &format!(
                "[a]({}) [b]({}#frag)\n\n[c]({})\n\n[again]({})\n",
                server.url("/ok"),
                server.url("/gone"),
                server.url("/nohead"),
                server.url("/ok"),
            ),
        ),
    );
    let out = site.check_with(&["--external", "--timeout", "5"]);
    out.assert_success().assert_stderr_has(&[
        "content/ext.md:4:",
        &format!("broken external link `{}`: HTTP 404", server.url("/gone")),
        "checked 3 external links (0 from the cache), 1 broken",
    ]);
    assert_eq!(broken(&out).len(), 2, "{}", out.stderr); // one warning + summary
    let mut asked: Vec<String> = server
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.target))
        .collect();
    asked.sort();
    assert_eq!(
        asked,
        ["GET /nohead", "HEAD /gone", "HEAD /nohead", "HEAD /ok"]
    );
    let cache = std::fs::read_to_string(site.root().join(".opsbook-linkcache.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&cache).unwrap();
    assert_eq!(json["entries"].as_object().unwrap().len(), 3);

    // The second run asks nothing and still reports the 404.
    let again = site.check_with(&["--external"]);
    again.assert_success().assert_stderr_has(&[
        "HTTP 404",
        "checked 3 external links (3 from the cache), 1 broken",
    ]);
    assert_eq!(server.requests().len(), 4);
    // Under --strict the broken outside link fails the check.
    site.check_with(&["--external", "--strict"])
        .assert_failure();

    // --cache FILE puts the cache elsewhere (a fresh one: everything asked).
    let other = tempfile::tempdir().unwrap();
    let path = other.path().join("links.json");
    site.check_with(&["--external", "--cache", path.to_str().unwrap()])
        .assert_success();
    assert!(path.exists());
    assert_eq!(server.requests().len(), 8);
}

/// A slow server is cut off by `--timeout` and reported (and not cached, so
/// the next run asks again); a 429 is waited for as `Retry-After` says, then
/// asked again; no host ever sees more than two requests at a time.
#[test]
fn external_links_time_out_wait_out_429_and_stay_polite() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let in_flight = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let limited = Arc::new(AtomicUsize::new(0));
    let (f, m, l) = (in_flight.clone(), most.clone(), limited.clone());
    let server = FixtureServer::routed(move |_, req| {
        let now = f.fetch_add(1, Ordering::SeqCst) + 1;
        m.fetch_max(now, Ordering::SeqCst);
        // Hold each request a little so that overlaps show.
        std::thread::sleep(std::time::Duration::from_millis(60));
        let reply = match req.target.as_str() {
            "/slow" => Reply::Stall {
                for_: std::time::Duration::from_secs(4),
            },
            "/busy" if l.fetch_add(1, Ordering::SeqCst) == 0 => {
                Reply::json(429, "{}").header("Retry-After", "1")
            }
            _ => Reply::json(200, "{}"),
        };
        f.fetch_sub(1, Ordering::SeqCst);
        reply
    });
    let site = handbook();
    let links: String = (0..6)
        .map(|i| format!("[p{i}]({})\n\n", server.url(&format!("/p{i}"))))
        .collect();
    site.file(
        "content/ext.md",
        &page(
            "Ext",
            &format!(
                "[slow]({})\n\n[busy]({})\n\n{links}",
                server.url("/slow"),
                server.url("/busy")
            ),
        ),
    );
    let out = site.check_with(&["--external", "--timeout", "1"]);
    out.assert_success().assert_stderr_has(&[
        "content/ext.md:4:1",
        &server.url("/slow"),
        "timed out",
    ]);
    assert!(
        !out.stderr.contains(&format!("`{}`", server.url("/busy"))),
        "the 429 was waited out and asked again: {}",
        out.stderr
    );
    assert_eq!(limited.load(Ordering::SeqCst), 2, "/busy asked twice");
    assert!(
        most.load(Ordering::SeqCst) <= 2,
        "at most two requests at a time to one host, saw {}",
        most.load(Ordering::SeqCst)
    );
    // The timeout is not cached: the next run asks the slow server again.
    let before = server
        .requests()
        .iter()
        .filter(|r| r.target == "/slow")
        .count();
    site.check_with(&["--external", "--timeout", "1"])
        .assert_success();
    let after = server
        .requests()
        .iter()
        .filter(|r| r.target == "/slow")
        .count();
    assert!(after > before, "a timed-out link is asked again");
}
