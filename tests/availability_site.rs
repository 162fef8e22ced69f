//! The availability record end to end, through the real binary: the
//! numbers of `/api/availability.json` on a hand-computable site, an
//! independent second-by-second recomputation on a generated one, the
//! history, monthly and trends pages (parsed with scraper, their charts with
//! roxmltree), no confidential text anywhere in the output, and
//! byte-identical builds.

mod common;

use std::collections::BTreeMap;

use common::incident::Incident;
use common::{Site, all_text, page, select_attr, select_text, selector, tree};
use scraper::Html;
use serde_json::Value;

const AS_OF: &str = "2026-01-15T12:00:00Z";

/// Marks every text field of the confidential incident; must appear in no
/// output file.
const LEAK: &str = "LEAKMARK";
/// The confidential incident's id.
const SECRET_ID: &str = "conf-q7x";
/// A page title naming a host: public only with `public_alert_titles`.
const ALERT: &str = "DiskFull on db-host-17";

const SERVICES: &str = "\
services:
  - id: api
    name: API
    weight: 1
    target: 99.95
  - id: docs
    name: Docs
    weight: 0
    target: 99.5
  - id: web
    name: Web
    weight: 3
    target: 99.9
";

/// A resolved incident of `service` from `start` to `end`.
fn inc(id: &str, severity: u8, service: &str, start: &str, end: &str) -> Incident {
    Incident::new(id, start)
        .severity(severity)
        .services(&format!("[{service}]"))
        .mitigated_at(Some(end))
        .resolved_at(Some(end))
}

/// The hand-computable site, "as of" 2026-01-15 12:00 UTC (see each
/// incident for what it proves). Minutes: November 43,200; December
/// 44,640; January to date 14.5 days = 20,880.
fn record_site() -> Site {
    let site = Site::new();
    site.file("content/_index.md", &page("Home", "Hello.\n"))
        .file(
            "opsbook.toml",
            "title = \"T\"\nbase_url = \"https://ops.example.com/book/\"\n",
        )
        .file("data/services.yaml", SERVICES)
        .file(
            "data/maintenance/2025-11.yaml",
            "windows:\n  - id: lb-upgrade\n    title: Load balancer upgrade\n    services: [web]\n\
             \x20   start: 2025-11-20T10:20:00Z\n    end: 2025-11-20T10:30:00Z\n",
        )
        .file(
            "data/sli/2025-12.yaml",
            "month: 2025-12\nservices:\n  web:\n    availability: 99.95\n",
        )
        .file(
            "data/pages/2025-11.yaml",
            &format!(
                "month: 2025-11\npages:\n\
                 \x20 - id: p1\n    title: \"{ALERT}\"\n    service: api\n    urgency: high\n\
                 \x20   created_at: 2025-11-03T10:00:00Z\n    acknowledged_at: 2025-11-03T10:02:00Z\n\
                 \x20 - id: p2\n    title: \"{ALERT}\"\n    service: api\n    urgency: high\n\
                 \x20   created_at: 2025-11-04T10:00:00Z\n\
                 \x20 - id: p3\n    title: \"Web latency\"\n    service: web\n    urgency: low\n\
                 \x20   created_at: 2025-11-05T03:00:00Z\n"
            ),
        );
    // api, November: one 43.2-minute outage (2,592 s) ...
    inc(
        "api-outage",
        2,
        "api",
        "2025-11-10T12:00:00Z",
        "2025-11-10T12:43:12Z",
    )
    .extra(
        "root_cause: Config-Change\ncorrective_actions:\n\
         \x20 - title: Validate configs in CI\n    status: open\n    due: 2025-12-01\n\
         \x20   owner: Networking team\n\
         \x20 - title: Closed action\n    status: closed\n    due: 2025-12-01\n\
         \x20 - title: Not yet due\n    status: open\n    due: 2026-02-01\n",
    )
    .write(&site);
    // ... and a degraded S1 inside it, counted once (the outage wins).
    inc(
        "api-slow",
        1,
        "api",
        "2025-11-10T12:10:00Z",
        "2025-11-10T12:30:00Z",
    )
    .impact("degraded")
    .write(&site);
    // web, November: a 60-minute outage with a 10-minute maintenance
    // window inside it: 50 minutes.
    inc(
        "web-outage",
        2,
        "web",
        "2025-11-20T10:00:00Z",
        "2025-11-20T11:00:00Z",
    )
    .write(&site);
    // web, across the month boundary: 60 minutes in November, 60 in
    // December (where the SLI figure overrides incidents).
    inc(
        "web-boundary",
        3,
        "web",
        "2025-11-30T23:00:00Z",
        "2025-12-01T01:00:00Z",
    )
    .write(&site);
    // api, across the year boundary: 30 minutes in December, 30 in January.
    inc(
        "api-new-year",
        3,
        "api",
        "2025-12-31T23:30:00Z",
        "2026-01-01T00:30:00Z",
    )
    .write(&site);
    // docs (weight 0): 100 minutes in November; left out of the platform.
    inc(
        "docs-outage",
        2,
        "docs",
        "2025-11-05T00:00:00Z",
        "2025-11-05T01:40:00Z",
    )
    .write(&site);
    // docs, January: still active, impacting up to "as of": 60 minutes.
    Incident::new("docs-active", "2026-01-15T11:00:00Z")
        .severity(4)
        .services("[docs]")
        .active()
        .write(&site);
    // A confidential S1 on docs, 20 minutes in November: it counts, it is
    // never named; its marker is in every text field.
    let secret_extra = format!(
        "root_cause: \"{LEAK}-cause free text\"\nurl: https://tracker.example.com/{LEAK}-url\n\
         labels: [\"{LEAK}-label\"]\nsummary: |\n  {LEAK}-summary customer Acme\n\
         timeline:\n  - at: 2025-11-15T08:00:00Z\n    text: \"{LEAK}-timeline\"\n\
         corrective_actions:\n  - title: \"{LEAK}-action\"\n    url: https://tracker.example.com/{LEAK}-action-url\n\
         \x20   status: open\n    due: 2025-12-01\n    owner: \"{LEAK}-owner\"\n"
    );
    // The title carries the marker too.
    inc(
        SECRET_ID,
        1,
        "docs",
        "2025-11-15T08:00:00Z",
        "2025-11-15T08:20:00Z",
    )
    .title(&format!("{LEAK}-title"))
    .confidential(true)
    .extra(&secret_extra)
    .write(&site);
    site
}

fn build(site: &Site) {
    site.build_with(&["--as-of", AS_OF]).assert_success();
}

fn availability_json(site: &Site) -> Value {
    serde_json::from_str(&site.output("/api/availability.json")).expect("valid JSON")
}

#[track_caller]
fn assert_close(actual: &Value, expected: f64, what: &str) {
    let a = actual
        .as_f64()
        .unwrap_or_else(|| panic!("{what}: {actual} is not a number"));
    assert!(
        (a - expected).abs() <= 1e-9 * expected.abs().max(1.0),
        "{what}: {a} != {expected}"
    );
}

/// Checks one service of one month against hand-computed values: downtime
/// `d` minutes over `t` minutes at `target`.
#[track_caller]
fn assert_service(s: &Value, t: f64, d: f64, target: f64, met: Option<bool>, what: &str) {
    let budget = (100.0 - target) / 100.0 * t;
    assert_close(&s["availability"], (t - d) / t * 100.0, what);
    assert_close(&s["downtime_minutes"], d, what);
    assert_close(&s["budget_minutes"], budget, what);
    assert_close(&s["budget_remaining_minutes"], budget - d, what);
    assert_close(&s["burn_rate"], d / budget, what);
    assert_close(&s["target"], target, what);
    assert_eq!(
        s["met"],
        met.map_or(Value::Null, Value::Bool),
        "{what}: met"
    );
}

// ------------------------------------------------ 1. availability.json

#[test]
fn availability_json_has_the_hand_computed_figures() {
    let site = record_site();
    build(&site);
    let json = availability_json(&site);
    assert_eq!(json["schema"], 1);
    assert_eq!(json["as_of"], AS_OF);
    let months = json["months"].as_array().expect("months");
    let names: Vec<&str> = months
        .iter()
        .map(|m| m["month"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["2025-11", "2025-12", "2026-01"], "oldest first");

    // November: 30 days.
    let nov = &months[0];
    assert_eq!(nov["complete"], true);
    assert_close(&nov["minutes"], 43_200.0, "Nov minutes");
    let api = &nov["services"]["api"];
    // The example of the issue, exactly.
    assert_close(&api["availability"], 99.9, "api Nov availability");
    assert_close(&api["downtime_minutes"], 43.2, "api Nov downtime");
    assert_close(&api["budget_minutes"], 21.6, "api Nov budget");
    assert_close(&api["budget_remaining_minutes"], -21.6, "api Nov remaining");
    assert_close(&api["burn_rate"], 2.0, "api Nov burn rate");
    assert_eq!(api["met"], false);
    assert_eq!(api["source"], "incidents");
    assert_eq!(api["weight"], 1);
    // web: 60 − 10 (maintenance) + 60 (to midnight of the 30th).
    assert_service(
        &nov["services"]["web"],
        43_200.0,
        110.0,
        99.9,
        Some(false),
        "web Nov",
    );
    assert_eq!(nov["services"]["web"]["weight"], 3);
    // docs: 100 + 20 (the confidential one).
    assert_service(
        &nov["services"]["docs"],
        43_200.0,
        120.0,
        99.5,
        Some(true),
        "docs Nov",
    );
    assert_eq!(nov["services"]["docs"]["weight"], 0);
    // The platform leaves docs (weight 0) out.
    let web_nov = (43_200.0 - 110.0) / 432.0;
    assert_close(
        &nov["platform"],
        (99.9 + 3.0 * web_nov) / 4.0,
        "Nov platform",
    );

    // December: 31 days; web from the SLI file, whatever its incidents say.
    let dec = &months[1];
    assert_eq!(dec["complete"], true);
    assert_close(&dec["minutes"], 44_640.0, "Dec minutes");
    let web = &dec["services"]["web"];
    assert_eq!(web["source"], "sli");
    assert_service(web, 44_640.0, 22.32, 99.9, Some(true), "web Dec (SLI)");
    assert_close(&web["availability"], 99.95, "web Dec SLI availability");
    assert_service(
        &dec["services"]["api"],
        44_640.0,
        30.0,
        99.95,
        Some(false),
        "api Dec",
    );
    assert_service(
        &dec["services"]["docs"],
        44_640.0,
        0.0,
        99.5,
        Some(true),
        "docs Dec",
    );
    let api_dec = (44_640.0 - 30.0) / 446.4;
    assert_close(
        &dec["platform"],
        (api_dec + 3.0 * 99.95) / 4.0,
        "Dec platform",
    );

    // January: the month to date, over the minutes elapsed.
    let jan = &months[2];
    assert_eq!(jan["complete"], false);
    assert_close(&jan["minutes"], 20_880.0, "Jan minutes elapsed");
    assert_service(
        &jan["services"]["api"],
        20_880.0,
        30.0,
        99.95,
        None,
        "api Jan",
    );
    assert_service(
        &jan["services"]["docs"],
        20_880.0,
        60.0,
        99.5,
        None,
        "docs Jan",
    );
    assert_service(
        &jan["services"]["web"],
        20_880.0,
        0.0,
        99.9,
        None,
        "web Jan",
    );
    let api_jan = (20_880.0 - 30.0) / 208.8;
    assert_close(
        &jan["platform"],
        (api_jan + 3.0 * 100.0) / 4.0,
        "Jan platform",
    );
    for m in months {
        for (id, s) in m["services"].as_object().unwrap() {
            assert!(
                s["source"] == "incidents" || (id == "web" && m["month"] == "2025-12"),
                "{id} {}: {}",
                m["month"],
                s["source"]
            );
        }
    }
}

// ------------------------------------------------ helpers for the pages

/// `v` percent cut (not rounded) to two decimals, as the site shows it;
/// f64 noise far below a hundredth is forgiven.
fn cut(v: f64) -> String {
    let hundredths = (v * 100.0 + 1e-6).floor() as i64;
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

fn month_label(month: &str) -> String {
    let m = opsbook::data::Month::parse(month).unwrap();
    format!("{} {}", m.year(), m.name())
}

/// The cells (`th` and `td`) of every body row of the first table matching
/// `css`.
fn rows(html: &Html, css: &str) -> Vec<Vec<String>> {
    let table = html
        .select(&selector(css))
        .next()
        .unwrap_or_else(|| panic!("no table `{css}`"));
    table
        .select(&selector("tbody tr"))
        .map(|tr| {
            tr.select(&selector("th, td"))
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect()
        })
        .collect()
}

/// Every inline `<svg>…</svg>` of a page's source, parsed as XML.
#[track_caller]
fn check_svgs(source: &str) -> usize {
    let mut n = 0;
    let mut rest = source;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").expect("a closed <svg>") + start + 6;
        let svg = &rest[start..end];
        let doc = roxmltree::Document::parse(svg)
            .unwrap_or_else(|e| panic!("an ill-formed SVG ({e}):\n{svg}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        for part in ["title", "desc"] {
            let text = root
                .children()
                .find(|c| c.has_tag_name(part))
                .and_then(|c| c.text())
                .unwrap_or_default();
            assert!(!text.trim().is_empty(), "an SVG without a <{part}>:\n{svg}");
        }
        n += 1;
        rest = &rest[end..];
    }
    n
}

/// The accessible table of the chart captioned `caption`:
/// header and rows.
fn chart_table(html: &Html, caption: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let figure = html
        .select(&selector("figure.chart"))
        .find(|f| {
            f.select(&selector("figcaption"))
                .any(|c| c.text().collect::<String>().trim() == caption)
        })
        .unwrap_or_else(|| panic!("no chart captioned `{caption}`"));
    let header = figure
        .select(&selector("table thead th"))
        .map(|c| c.text().collect::<String>())
        .collect();
    let rows = figure
        .select(&selector("table tbody tr"))
        .map(|tr| {
            tr.select(&selector("td"))
                .map(|c| c.text().collect::<String>())
                .collect()
        })
        .collect();
    (header, rows)
}

// ------------------------------------------------ 3. /availability/

#[test]
fn the_history_page_lists_months_newest_first_with_marks_and_comments() {
    let site = record_site();
    build(&site);
    let json = availability_json(&site);
    let html = site.html("/availability/");
    let header = select_text(&html, "table.availability-history thead th");
    assert_eq!(header[..3], ["Year Month", "Availability", "Comments"]);
    // One column per weight > 0 service (docs has weight 0), by name.
    let services = select_text(&html, "table.availability-history thead th a");
    assert_eq!(services, ["API", "Web"]);
    assert_eq!(header.len(), 5);

    let rows = rows(&html, "table.availability-history");
    let labels: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        labels,
        [
            "2026 January (month to date)",
            "2025 December",
            "2025 November"
        ],
        "newest first"
    );
    // The cells equal the export, cut to two decimals; a below-target cell
    // carries the ▼ mark and the words "below target", not only a colour.
    let months = json["months"].as_array().unwrap();
    for (row, month) in rows.iter().zip(months.iter().rev()) {
        let platform = month["platform"].as_f64().unwrap();
        let platform_below = month["complete"] == true && platform < (99.95 + 3.0 * 99.9) / 4.0;
        let cells = [
            (&row[1], platform, platform_below),
            (
                &row[3],
                month["services"]["api"]["availability"].as_f64().unwrap(),
                month["services"]["api"]["met"] == false,
            ),
            (
                &row[4],
                month["services"]["web"]["availability"].as_f64().unwrap(),
                month["services"]["web"]["met"] == false,
            ),
        ];
        for (cell, value, below) in cells {
            let mark = if below { "▼below target: " } else { "" };
            assert_eq!(*cell, format!("{mark}{}%", cut(value)), "{}", row[0]);
        }
    }
    // November: platform, API and Web below; December: API only.
    assert_eq!(rows[2][1], "▼below target: 99.78%");
    assert_eq!(rows[1][3], "▼below target: 99.93%");
    assert_eq!(rows[1][4], "99.95%");

    // Comments: the public S1 linked to its post-mortem, the confidential
    // one counted, never named; the maintenance window listed.
    let comments = select_text(&html, "td.comments");
    assert_eq!(comments[0], "No S1 incidents");
    assert!(comments[2].contains("1 confidential S1"), "{}", comments[2]);
    assert!(
        comments[2].contains("Maintenance: Nov 20 10:20–10:30 UTC, Load balancer upgrade"),
        "{}",
        comments[2]
    );
    let links = select_attr(&html, "td.comments a", "href");
    assert_eq!(links, ["/book/incidents/api-slow/"]);
    let source = site.output("/availability/");
    assert!(!source.contains(LEAK) && !source.contains(SECRET_ID));

    // The charts: well-formed SVG, and the availability table says what
    // the export says.
    assert_eq!(check_svgs(&source), 4);
    let (header, table) = chart_table(&html, "Availability per month");
    assert_eq!(
        header,
        ["Month", "Platform (%)", "API (%)", "Web (%)", "Target (%)"]
    );
    assert_eq!(table.len(), months.len());
    for (row, month) in table.iter().zip(months) {
        assert_eq!(row[0], month["month"].as_str().unwrap());
        assert_eq!(row[1], cut(month["platform"].as_f64().unwrap()));
        assert_eq!(
            row[2],
            cut(month["services"]["api"]["availability"].as_f64().unwrap())
        );
        assert_eq!(
            row[3],
            cut(month["services"]["web"]["availability"].as_f64().unwrap())
        );
        assert_eq!(row[4], "99.91");
    }
    // Incidents by severity count the confidential S1 in November.
    let (_, table) = chart_table(&html, "Incidents per month by severity");
    assert_eq!(table[0], ["2025-11", "2", "3", "1", "0", "6"]);
}

// ------------------------------------------------ 4. month and trends pages

/// The services table of `/availability/MONTH/` equals the export.
#[track_caller]
fn assert_month_page_matches(site: &Site, json: &Value) {
    for month in json["months"].as_array().unwrap() {
        let name = month["month"].as_str().unwrap();
        let url = format!("/availability/{name}/");
        let source = site.output(&url);
        let html = Html::parse_document(&source);
        check_svgs(&source);
        let h1 = select_text(&html, "h1");
        assert_eq!(
            h1,
            [format!(
                "Monthly Availability Update: {}",
                month_label(name)
            )]
        );
        let services = month["services"].as_object().unwrap();
        let rows = rows(&html, "#services + .table-wrap table");
        assert_eq!(rows.len(), services.len(), "{url}");
        for (row, (id, s)) in rows.iter().zip(services) {
            let f = |k: &str| s[k].as_f64().unwrap();
            let zero = if s["weight"] == 0 { " (weight 0)" } else { "" };
            assert!(row[0].ends_with(zero), "{url} {id}: {}", row[0]);
            let target: f64 = row[1].trim_end_matches('%').parse().unwrap();
            assert_eq!(target, f("target"), "{url} {id}");
            assert_eq!(row[2], format!("{}%", cut(f("availability"))), "{url} {id}");
            assert_eq!(
                row[3],
                format!("{:.1}", f("downtime_minutes")),
                "{url} {id}"
            );
            assert_eq!(row[4], format!("{:.1}", f("budget_minutes")), "{url} {id}");
            assert_eq!(
                row[5],
                format!("{:.1}", f("budget_remaining_minutes")),
                "{url} {id}"
            );
            assert_eq!(row[6], format!("{:.2}", f("burn_rate")), "{url} {id}");
            let status = match s["met"].as_bool() {
                Some(true) => "met",
                Some(false) => "missed",
                None => "month to date",
            };
            assert_eq!(row[7], status, "{url} {id}");
            assert_eq!(row[8], s["source"].as_str().unwrap(), "{url} {id}");
        }
        // The burn-down ends where the table does: at the budget left.
        let by_name: BTreeMap<&str, &Value> = rows
            .iter()
            .map(|r| r[0].trim_end_matches(" (weight 0)"))
            .zip(services.values())
            .collect();
        let caption = format!("Error budget burn-down, {}", month_label(name));
        let has_chart = html
            .select(&selector("figcaption"))
            .any(|c| c.text().collect::<String>().trim() == caption);
        if has_chart {
            let (header, table) = chart_table(&html, &caption);
            let last = table.last().expect("days");
            for (k, column) in header.iter().enumerate().skip(1) {
                let name = column.trim_end_matches(" (min)");
                let s = by_name
                    .get(name)
                    .unwrap_or_else(|| panic!("{url}: no service named {name}"));
                let shown: f64 = last[k].parse().unwrap();
                let remaining = s["budget_remaining_minutes"].as_f64().unwrap();
                assert!(
                    (shown - remaining).abs() <= 0.05 + 1e-9,
                    "{url}: the burn-down of {name} ends at {shown}, the table says {remaining}"
                );
            }
        }
    }
}

#[test]
fn month_pages_equal_the_export() {
    let site = record_site();
    build(&site);
    let json = availability_json(&site);
    assert_month_page_matches(&site, &json);
    // December's web figure is the SLI month's: its days (from incidents)
    // do not add up to it, so it has no burn-down line; API has one.
    let (header, _) = chart_table(
        &site.html("/availability/2025-12/"),
        "Error budget burn-down, 2025 December",
    );
    assert_eq!(header, ["Day of the month", "API (min)"]);
    let (header, _) = chart_table(
        &site.html("/availability/2025-11/"),
        "Error budget burn-down, 2025 November",
    );
    assert_eq!(header, ["Day of the month", "API (min)", "Web (min)"]);
    // The month to date says so.
    let lead = site.texts("/availability/2026-01/", "p.lead");
    assert!(lead[0].starts_with("Month to date, as of 2026-01-15 12:00 UTC: 20880 minutes."));
    // The month's incidents: public ones listed, the confidential one
    // counted.
    let html = site.html("/availability/2025-11/");
    let listed = select_attr(&html, "table.incident-list a[href*='/incidents/']", "href");
    assert_eq!(
        listed,
        [
            "/book/incidents/docs-outage/",
            "/book/incidents/api-outage/",
            "/book/incidents/api-slow/",
            "/book/incidents/web-outage/",
            "/book/incidents/web-boundary/"
        ]
    );
    assert_eq!(
        select_text(&html, "p.confidential-note"),
        ["1 confidential incident not listed; it counts in the figures above."]
    );
}

#[test]
fn trends_page_lists_public_overdue_actions_and_groups_alerts() {
    let site = record_site();
    build(&site);
    let html = site.html("/trends/2025-11/");
    let metrics: BTreeMap<String, String> = rows(&html, "table.key-metrics")
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    assert_eq!(metrics["Incidents"], "6");
    assert_eq!(metrics["Pages"], "3");
    assert_eq!(
        metrics["Interruptions: business / off / sleep hours"],
        "2 / 0 / 1"
    );
    // Overdue as of January 15: the open action due December 1 of the
    // public incident; not the closed one, not the one due in February,
    // not the confidential incident's.
    let overdue = select_text(&html, "#overdue + ul li");
    assert_eq!(
        overdue,
        ["Validate configs in CI — due 2025-12-01, Networking team (incident api-outage)"]
    );
    // The confidential incident's overdue action is counted beside the list
    // (the key metric counts it too).
    assert_eq!(metrics["Corrective actions open / overdue"], "3 / 2");
    assert_eq!(
        select_text(&html, "#overdue ~ p.confidential-note"),
        ["And 1 overdue on confidential incidents, not listed."]
    );
    // By default alerts are grouped by service and urgency: titles can name
    // hosts or customers.
    let noisy = rows(&html, "#noisiest + .table-wrap table");
    assert_eq!(
        noisy,
        [["API (high urgency)", "2"], ["Web (low urgency)", "1"]]
    );
    for file in site.output_tree().keys() {
        let text = String::from_utf8_lossy(&site.output_tree()[file]).into_owned();
        assert!(!text.contains(ALERT), "{file} names an alert");
    }

    // With `public_alert_titles`, by title; the JSON still has none.
    site.file(
        "opsbook.toml",
        "title = \"T\"\nbase_url = \"https://ops.example.com/book/\"\n\n[pager]\npublic_alert_titles = true\n",
    );
    build(&site);
    let html = site.html("/trends/2025-11/");
    let noisy = rows(&html, "#noisiest + .table-wrap table");
    assert_eq!(noisy, [[ALERT, "2"], ["Web latency", "1"]]);
    assert!(!site.output("/api/trends.json").contains(ALERT));
}

// ------------------------------------------------ 5. leaks

#[test]
fn no_confidential_text_in_any_output_file() {
    let site = record_site();
    build(&site);
    let files = tree(&site.public());
    assert!(files.contains_key("api/availability.json"));
    assert!(files.contains_key("trends/2025-11/index.html"));
    for (name, bytes) in &files {
        let text = String::from_utf8_lossy(bytes);
        for needle in [LEAK, SECRET_ID] {
            assert!(!text.contains(needle), "{name} contains `{needle}`");
        }
    }
    // The incident counts all the same: in the figures and as a number.
    let json = availability_json(&site);
    assert_close(
        &json["months"][0]["services"]["docs"]["downtime_minutes"],
        120.0,
        "docs Nov",
    );
    let text = all_text(&site.html("/availability/"));
    assert!(text.contains("1 confidential S1"));
}

// ------------------------------------------------ 6. determinism

#[test]
fn two_builds_are_byte_identical() {
    let site = record_site();
    build(&site);
    let first = tree(&site.public());
    build(&site);
    common::assert_same_tree(&first, &tree(&site.public()));
}

// ------------------------------------------------ 2. the independent check

/// A deterministic pseudo-random sequence (a 64-bit LCG, high bits).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

fn at(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn ts(rfc3339: &str) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .timestamp()
}

/// One generated impact window: services (indices), `[start, end)`, weight
/// in halves (2 outage, 1 degraded S1/S2).
struct Window {
    services: Vec<usize>,
    start: i64,
    end: i64,
    halves: u8,
}

#[test]
fn a_second_by_second_recount_agrees_with_the_export() {
    const IDS: [&str; 3] = ["alpha", "beta", "gamma"];
    let range_start = ts("2025-10-01T00:00:00Z");
    let as_of = "2026-01-20T06:30:17Z";
    let end = ts(as_of);
    let site = Site::new();
    site.file("content/_index.md", &page("Home", "Hello.\n"))
        .file("opsbook.toml", "title = \"T\"\n")
        .file(
            "data/services.yaml",
            "services:\n  - id: alpha\n    name: Alpha\n    weight: 1\n    target: 99.9\n\
             \x20 - id: beta\n    name: Beta\n    weight: 2\n    target: 99.5\n\
             \x20 - id: gamma\n    name: Gamma\n    weight: 0\n    target: 99\n",
        );
    let mut rng = Lcg(7);
    let mut windows = Vec::new();
    for k in 0..32 {
        let mut severity = 1 + rng.below(4) as u8;
        let mut impact = ["outage", "degraded", "degraded", "none"][rng.below(4) as usize];
        let mut services: Vec<usize> = (0..3).filter(|_| rng.below(2) == 0).collect();
        if services.is_empty() {
            services.push(rng.below(3) as usize);
        }
        // Starts from October 1 to January 18, lasting up to two days
        // (so they end before "as of"), but for a few chosen ones: an
        // outage and a degraded S2 across the year boundary, and an active
        // outage at the end.
        let start = match k {
            0 => ts("2025-12-31T20:00:07Z"),
            1 => ts("2025-12-31T23:59:59Z"),
            31 => ts("2026-01-19T22:13:05Z"),
            _ => range_start + rng.below((ts("2026-01-18T00:00:00Z") - range_start) as u64) as i64,
        };
        if matches!(k, 0 | 1 | 31) {
            services = vec![k % 2, 1 + k % 2];
            (severity, impact) = if k == 1 {
                (2, "degraded")
            } else {
                (3, "outage")
            };
        }
        let stop = start + 1 + rng.below(2 * 86_400) as i64;
        // The last one is still active: it impacts up to "as of".
        let (mitigated, resolved, impact_end) = match k {
            31 => (None, None, end),
            k if k % 5 == 0 => (Some(stop), Some(stop + 3_600), stop),
            k if k % 3 == 0 => (Some(stop), None, stop),
            _ => (None, Some(stop), stop),
        };
        let halves = match (impact, severity) {
            ("outage", _) => 2,
            ("degraded", 1 | 2) => 1,
            _ => 0,
        };
        windows.push(Window {
            services: services.clone(),
            start,
            end: impact_end,
            halves,
        });
        let list: Vec<&str> = services.iter().map(|&s| IDS[s]).collect();
        Incident::new(&format!("gen-{k:02}"), &at(start))
            .severity(severity)
            .confidential(k % 6 == 0)
            .services(&format!("[{}]", list.join(", ")))
            .mitigated_at(mitigated.map(at).as_deref())
            .resolved_at(resolved.map(at).as_deref())
            .impact(impact)
            .write(&site);
    }
    // Maintenance: one across the November/December boundary, one on every
    // service, one inside the first (year-boundary) incident.
    let maintenance = [
        (
            "m-b",
            vec![0, 1, 2],
            "2025-11-12T03:15:30Z",
            "2025-11-12T09:00:00Z",
        ),
        (
            "m-a",
            vec![0usize],
            "2025-11-30T22:00:00Z",
            "2025-12-01T02:00:00Z",
        ),
        (
            "m-c",
            vec![0, 1, 2],
            "2025-12-31T21:00:00Z",
            "2025-12-31T21:45:00Z",
        ),
    ];
    let mut files: BTreeMap<String, String> = BTreeMap::new();
    for (id, services, start, stop) in &maintenance {
        let list: Vec<&str> = services.iter().map(|&s| IDS[s]).collect();
        files
            .entry(format!("data/maintenance/{}.yaml", &start[..7]))
            .or_insert_with(|| "windows:\n".into())
            .push_str(&format!(
                "  - id: {id}\n    title: Window {id}\n    services: [{}]\n    start: {start}\n    end: {stop}\n",
                list.join(", ")
            ));
    }
    for (path, text) in &files {
        site.file(path, text);
    }
    site.build_with(&["--as-of", as_of]).assert_success();
    let json = availability_json(&site);

    // Paint every second of every service with the largest weight of the
    // incidents open then; maintenance seconds weigh nothing.
    let seconds = (end - range_start) as usize;
    let mut weight = vec![vec![0u8; seconds]; 3];
    for w in &windows {
        for &s in &w.services {
            for t in w.start.max(range_start)..w.end.min(end) {
                let slot = &mut weight[s][(t - range_start) as usize];
                *slot = (*slot).max(w.halves);
            }
        }
    }
    for (_, services, start, stop) in &maintenance {
        for &s in services {
            for t in ts(start)..ts(stop) {
                weight[s][(t - range_start) as usize] = 0;
            }
        }
    }
    let months = [
        ("2025-10", "2025-10-01T00:00:00Z"),
        ("2025-11", "2025-11-01T00:00:00Z"),
        ("2025-12", "2025-12-01T00:00:00Z"),
        ("2026-01", "2026-01-01T00:00:00Z"),
    ];
    let exported = json["months"].as_array().unwrap();
    assert_eq!(exported.len(), months.len());
    for (k, (name, start)) in months.iter().enumerate() {
        let from = (ts(start) - range_start) as usize;
        let to = months
            .get(k + 1)
            .map_or(seconds, |(_, s)| (ts(s) - range_start) as usize);
        let m = &exported[k];
        assert_eq!(m["month"], *name);
        assert_close(&m["minutes"], (to - from) as f64 / 60.0, name);
        for (s, id) in IDS.iter().enumerate() {
            let halves: u64 = weight[s][from..to].iter().map(|&w| u64::from(w)).sum();
            let expected = halves as f64 / 120.0;
            let actual = m["services"][id]["downtime_minutes"].as_f64().unwrap();
            assert!(
                (actual - expected).abs() <= 0.01,
                "{id} {name}: the export says {actual} minutes of downtime, the recount {expected}"
            );
        }
    }
    // The generated data is not trivial: downtime in every month.
    for m in exported {
        let d: Vec<f64> = IDS
            .iter()
            .map(|id| m["services"][id]["downtime_minutes"].as_f64().unwrap())
            .collect();
        assert!(d.iter().all(|d| *d > 0.0), "{}: {d:?}", m["month"]);
    }
    // October is older than the 90 days kept per day: its month page has
    // no burn-down that starts mid-month at a full budget.
    assert_month_page_matches(&site, &json);
}
