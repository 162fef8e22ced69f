//! `opsbook report monthly|trends YYYY-MM`, through the real binary, on a
//! fixture whose figures are computed by hand below. The markdown printed
//! is parsed (pulldown-cmark, then scraper), so the assertions read table
//! cells and link targets, not substrings of a layout.

mod common;

use common::Site;
use pulldown_cmark::{Options, Parser, html};
use scraper::{Html, Selector};

/// November 2026 has 30 days: 43,200 minutes.
/// - web (weight 5, target 99.95): one S1 outage of 43.2 min (2,592 s):
///   100 × (43,200 − 43.2) / 43,200 = 99.90 %, missed; budget 0.05 % of
///   43,200 = 21.6 min; spent 43.2; remaining −21.6; burn rate 2.00. The
///   platform is web alone (ci has weight 0): 99.90 %, missed.
/// - ci (weight 0, target 99.5): a confidential S1 outage of 10 min:
///   100 × 43,190 / 43,200 = 99.976… → 99.97 %, met; budget 216 min.
/// - a maintenance window on web, 2 h (excluded, listed).
/// - October: one S3 on ci, so November has a previous complete month.
/// - pages (default shifts and hours; November: Amsterdam UTC+1, New York
///   UTC−5): Tue 10:00Z EMEA (11:00 local, business), Wed 05:00Z EMEA
///   (06:00 local, sleep), Sat 20:00Z AMER (15:00 local, off hours).
///   Acknowledged after 2 and 10 min, one never: MTTA median (rank 1 of 2)
///   2 min, p90 (rank 2) 10 min. Resolved after 45, 60, 30 min: MTTR
///   median (rank 2 of 3) 45 min, p90 (rank 3) 1 h.
fn site() -> Site {
    let site = Site::new();
    site.file(
        "opsbook.toml",
        "title = \"T\"\nbase_url = \"https://ops.example.com/book/\"\n",
    )
    .file(
        "data/services.yaml",
        "services:\n  - id: ci\n    name: CI Runners\n    weight: 0\n    target: 99.5\n\
         \x20 - id: web\n    name: Web\n    weight: 5\n    target: 99.95\n",
    )
    .file(
        "data/incidents/2026/pub-0.yaml",
        "id: pub-0\ntitle: Slow CI queue\nseverity: 3\nstatus: resolved\nconfidential: false\n\
         services: [ci]\nstarted_at: 2026-10-05T10:00:00Z\nresolved_at: 2026-10-05T10:05:00Z\n\
         impact: degraded\n",
    )
    .file(
        "data/incidents/2026/pub-1.yaml",
        "id: pub-1\ntitle: \"Web outage [x](http://evil.example) <b>x</b>\"\nseverity: 1\n\
         status: resolved\nconfidential: false\nservices: [web]\n\
         started_at: 2026-11-10T10:00:00Z\ndetected_at: 2026-11-10T10:04:00Z\n\
         mitigated_at: 2026-11-10T10:43:12Z\nresolved_at: 2026-11-10T12:00:00Z\n\
         impact: outage\nroot_cause: Config-Change\n\
         corrective_actions:\n  - title: Validate load balancer config in CI\n\
         \x20   url: https://gitlab.example.com/infra/-/issues/60\n    status: open\n\
         \x20   due: 2026-11-20\n    owner: Networking team\n",
    )
    .file(
        "data/incidents/2026/conf-1.yaml",
        "id: conf-1\ntitle: CONFMARK customer Acme data exposure\nseverity: 1\n\
         status: resolved\nconfidential: true\nservices: [ci]\n\
         started_at: 2026-11-12T08:00:00Z\nmitigated_at: 2026-11-12T08:10:00Z\n\
         resolved_at: 2026-11-12T09:00:00Z\nimpact: outage\nroot_cause: CONFMARK-cause\n\
         summary: CONFMARK summary\n\
         corrective_actions:\n  - title: CONFMARK rotate Acme keys\n    status: open\n\
         \x20   due: 2026-11-15\n    owner: CONFMARK team\n",
    )
    .file(
        "data/maintenance/2026-11.yaml",
        "windows:\n  - id: lb-upgrade\n    title: Load balancer upgrade\n    services: [web]\n\
         \x20   start: 2026-11-15T02:00:00Z\n    end: 2026-11-15T04:00:00Z\n",
    )
    .file(
        "data/pages/2026-11.yaml",
        "month: 2026-11\npages:\n\
         \x20 - id: P1\n    title: \"HighErrorRate: web 5xx\"\n    service: web\n    urgency: high\n\
         \x20   created_at: 2026-11-10T10:00:00Z\n    acknowledged_at: 2026-11-10T10:02:00Z\n\
         \x20   resolved_at: 2026-11-10T10:45:00Z\n\
         \x20 - id: P2\n    title: \"HighErrorRate: web 5xx\"\n    service: web\n    urgency: low\n\
         \x20   created_at: 2026-11-11T05:00:00Z\n    acknowledged_at: 2026-11-11T05:10:00Z\n\
         \x20   resolved_at: 2026-11-11T06:00:00Z\n\
         \x20 - id: P3\n    title: \"DiskSpaceLow: ci-7 /var above 90%\"\n    service: ci\n\
         \x20   urgency: low\n    created_at: 2026-11-14T20:00:00Z\n\
         \x20   resolved_at: 2026-11-14T20:30:00Z\n",
    );
    site
}

fn report(site: &Site, args: &[&str]) -> common::Output {
    let root = site.root().to_str().expect("UTF-8 temp path").to_string();
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--root", &root]);
    site.run(&all)
}

/// The report's markdown as an HTML document.
fn parse(markdown: &str) -> Html {
    let mut out = String::new();
    html::push_html(
        &mut out,
        Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_GFM),
    );
    Html::parse_fragment(&out)
}

/// The cells of the first table body row whose first cell is `first`.
fn row(doc: &Html, first: &str) -> Vec<String> {
    rows(doc, first)
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no row {first:?}"))
}

/// The cells of every table body row whose first cell is `first`.
fn rows(doc: &Html, first: &str) -> Vec<Vec<String>> {
    let rows = Selector::parse("tbody tr").unwrap();
    let cells = Selector::parse("td").unwrap();
    doc.select(&rows)
        .map(|r| {
            r.select(&cells)
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|cells| cells.first().is_some_and(|c| c == first))
        .collect()
}

fn links(doc: &Html) -> Vec<(String, String)> {
    let a = Selector::parse("a").unwrap();
    doc.select(&a)
        .map(|e| {
            (
                e.text().collect::<String>(),
                e.value().attr("href").unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn text(doc: &Html) -> String {
    doc.root_element().text().collect::<String>()
}

#[test]
fn monthly_figures_equal_the_hand_computation() {
    let site = site();
    let out = report(&site, &["monthly", "2026-11", "--as-of", "2026-12-03"]);
    out.assert_success();
    let md = &out.stdout;
    assert!(
        md.starts_with("Monthly Availability Update: 2026 November\n\n"),
        "{md}"
    );
    let doc = parse(md);
    let all = text(&doc);
    assert!(
        all.contains("Platform: 99.90% against a target of 99.95%: missed."),
        "{all}"
    );
    let tables = rows(&doc, "Web");
    assert_eq!(
        tables[0],
        [
            "Web",
            "5",
            "99.95%",
            "99.90%",
            "missed",
            "43.2",
            "incidents"
        ]
    );
    assert_eq!(
        tables[1],
        ["Web", "21.6", "43.2", "-21.6", "2.00", "overspent"]
    );
    let ci = rows(&doc, "CI Runners");
    assert_eq!(
        ci[0],
        [
            "CI Runners",
            "0",
            "99.5%",
            "99.97%",
            "met",
            "10.0",
            "incidents"
        ]
    );
    assert_eq!(
        ci[1],
        [
            "CI Runners",
            "216.0",
            "10.0",
            "206.0",
            "0.05",
            "within budget"
        ]
    );
    // The deadline: the 7th of the next month.
    assert!(all.contains("Deadline: merge by 2026-12-07"), "{all}");
    assert!(!all.contains("Month to date"), "{all}");
}

#[test]
fn monthly_lists_incidents_maintenance_and_pages() {
    let site = site();
    let out = report(&site, &["monthly", "2026-11", "--as-of", "2026-12-03"]);
    out.assert_success();
    let doc = parse(&out.stdout);
    let all = text(&doc);
    // The public S1 is linked to its post-mortem; its upstream title is
    // literal text (no link or HTML comes out of it).
    let links = links(&doc);
    let pm = "https://ops.example.com/book/incidents/pub-1/";
    assert!(
        links.contains(&(
            "Web outage [x](http://evil.example) <b>x</b>".to_string(),
            pm.to_string()
        )),
        "{links:?}"
    );
    assert!(links.iter().all(|(_, href)| href != "http://evil.example"));
    assert!(all.contains("impact 43 min"), "{all}");
    assert!(
        all.contains("1 confidential S1 incident (counted, not named)"),
        "{all}"
    );
    assert!(
        all.contains(
            "2026-11-15 02:00 UTC to 2026-11-15 04:00 UTC: Load balancer upgrade (Web; 120 min"
        ),
        "{all}"
    );
    for line in [
        "Pages: 3 (high urgency 1, low urgency 2)",
        "By shift: EMEA 2, AMER 1",
        "Business / off / sleep hours: 1 / 1 / 1 (high urgency: 1 / 0 / 0)",
        "MTTA (time to acknowledge): median 2 min, p90 10 min (1 not acknowledged, left out)",
        "MTTR (time to resolve): median 45 min, p90 1 h",
    ] {
        assert!(all.contains(line), "{line:?} missing from:\n{all}");
    }
    // The row for the handbook's table: the seed's three columns.
    let row = row(&doc, "2026 November");
    assert_eq!(row[1], "99.90%");
    assert!(
        row[2].starts_with("Nov 10 S1 Web outage")
            && row[2].contains("1 confidential S1")
            && row[2].contains("Maintenance: Nov 15 02:00–04:00 UTC, Load balancer upgrade"),
        "{row:?}"
    );
}

#[test]
fn confidential_text_never_appears() {
    let site = site();
    for kind in ["monthly", "trends"] {
        let out = report(&site, &[kind, "2026-11", "--as-of", "2026-12-03"]);
        out.assert_success();
        for secret in ["CONFMARK", "Acme", "conf-1"] {
            assert!(
                !out.stdout.contains(secret) && !out.stderr.contains(secret),
                "{kind} report names {secret}:\n{}",
                out.stdout
            );
        }
    }
}

#[test]
fn the_month_to_date_says_so_and_counts_elapsed_minutes() {
    let site = site();
    // 19 days elapsed: 27,360 minutes. Web: 100 × (27,360 − 43.2) /
    // 27,360 = 99.842… → 99.84 %; budget 0.05 % of 27,360 = 13.68 min.
    let out = report(
        &site,
        &["monthly", "2026-11", "--as-of", "2026-11-20T00:00:00Z"],
    );
    out.assert_success();
    assert!(
        out.stdout
            .starts_with("Monthly Availability Update: 2026 November (month to date)\n"),
        "{}",
        out.stdout
    );
    let doc = parse(&out.stdout);
    let all = text(&doc);
    assert!(
        all.contains("Month to date: 2026 November is not complete.")
            && all.contains("27360 minutes elapsed"),
        "{all}"
    );
    let web = rows(&doc, "Web");
    assert_eq!(
        web[0],
        [
            "Web",
            "5",
            "99.95%",
            "99.84%",
            "not judged yet",
            "43.2",
            "incidents"
        ]
    );
    assert_eq!(web[1][1], "13.7");
    assert!(all.contains("Deadline: merge by 2026-12-07"), "{all}");
    let trends = report(
        &site,
        &["trends", "2026-11", "--as-of", "2026-11-20T00:00:00Z"],
    );
    assert!(
        trends
            .assert_success()
            .stdout
            .contains("**Month to date: 2026 November is not complete.**")
    );
}

#[test]
fn trends_agenda_has_changes_titles_overdue_actions_and_an_empty_trends_section() {
    let site = site();
    let out = report(&site, &["trends", "2026-11", "--as-of", "2026-12-03"]);
    out.assert_success();
    assert!(
        out.stdout
            .starts_with("Monthly Review of Incident and Pager Trends: 2026 November\n\n")
    );
    let doc = parse(&out.stdout);
    // Key metrics against October (1 incident, an S3; no pages).
    assert_eq!(
        row(&doc, "Incidents (all severities)"),
        ["Incidents (all severities)", "2", "1", "+1"]
    );
    assert_eq!(row(&doc, "S1 incidents"), ["S1 incidents", "2", "0", "+2"]);
    assert_eq!(row(&doc, "Pages"), ["Pages", "3", "0", "+3"]);
    assert_eq!(
        row(&doc, "Interruptions in sleep hours"),
        ["Interruptions in sleep hours", "1", "0", "+1"]
    );
    // Noisiest alerts by title, although the public site hides titles.
    assert_eq!(row(&doc, "1"), ["1", "HighErrorRate: web 5xx", "2"]);
    assert_eq!(
        row(&doc, "2"),
        ["2", "DiskSpaceLow: ci-7 /var above 90%", "1"]
    );
    // Overdue actions: the public one linked, the confidential counted.
    let all = text(&doc);
    assert!(
        all.contains(
            "Validate load balancer config in CI: incident pub-1, owner Networking team, due 2026-11-20, 13 days overdue"
        ),
        "{all}"
    );
    assert!(
        all.contains("1 overdue action of confidential incidents (counted, not named)"),
        "{all}"
    );
    let links = links(&doc);
    assert!(links.contains(&(
        "Validate load balancer config in CI".into(),
        "https://gitlab.example.com/infra/-/issues/60".into()
    )));
    assert!(links.contains(&(
        "pub-1".into(),
        "https://ops.example.com/book/incidents/pub-1/".into()
    )));
    // The last section is "Identified trends", with nothing in it yet.
    let h2 = Selector::parse("h2").unwrap();
    let headings: Vec<String> = doc.select(&h2).map(|h| h.text().collect()).collect();
    assert_eq!(
        headings.last().map(String::as_str),
        Some("Identified trends")
    );
    let tail = out.stdout.split("## Identified trends").nth(1).unwrap();
    assert!(
        tail.lines()
            .all(|l| l.trim().is_empty() || l.starts_with("<!--")),
        "{tail}"
    );
}

#[test]
fn reports_are_deterministic() {
    let site = site();
    for kind in ["monthly", "trends"] {
        let args = [kind, "2026-11", "--as-of", "2026-12-03"];
        let first = report(&site, &args);
        first.assert_success();
        assert_eq!(report(&site, &args).stdout, first.stdout);
    }
}

#[test]
fn a_bad_month_is_an_error_with_what_to_write() {
    let site = site();
    for bad in ["2026-13", "November", "2026-1-01"] {
        let out = report(&site, &["monthly", bad]);
        out.assert_failure().assert_stderr_has(&[
            &format!("`{bad}` is not a month"),
            "write the month as YYYY-MM",
        ]);
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn a_month_outside_the_record_is_an_error() {
    let site = site();
    let after = report(&site, &["monthly", "2027-01", "--as-of", "2026-12-03"]);
    after.assert_failure().assert_stderr_has(&[
        "2027-01 is after the record: the record runs from 2026-10 to 2026-12",
        "--as-of 2027-02-01",
    ]);
    let before = report(&site, &["trends", "2026-09", "--as-of", "2026-12-03"]);
    before
        .assert_failure()
        .assert_stderr_has(&["2026-09 is before the record"]);
    assert!(after.stdout.is_empty() && before.stdout.is_empty());
}

#[test]
fn data_errors_are_reported_with_their_line_and_nothing_is_printed() {
    let site = site();
    site.file(
        "data/incidents/2026/pub-2.yaml",
        "id: pub-2\ntitle: Broken\nseverity: 7\nstatus: resolved\nconfidential: false\n\
         services: [web]\nstarted_at: 2026-11-20T10:00:00Z\nresolved_at: 2026-11-20T10:05:00Z\n\
         impact: outage\n",
    );
    // A bad month and a data error: both reported in one run.
    let out = report(&site, &["monthly", "2026-13", "--as-of", "2026-12-03"]);
    out.assert_failure().assert_stderr_has(&[
        "data/incidents/2026/pub-2.yaml:3:",
        "`2026-13` is not a month",
        "2 errors found; no report was printed",
    ]);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
}
