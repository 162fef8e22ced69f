//! The post-mortem workflow, end to end with the real binary: "review
//! pending" against written reviews (pages, index, home, feed), the
//! incident index's filters and year links, the open corrective actions
//! page, `new postmortem` drafts and their placeholders, and the blameless
//! check's levels.

mod common;

use common::incident::{Incident, narrative};
use common::{Site, all_text, count, first, select_attr, select_text};
use scraper::Html;

const SERVICES: &str = common::API_WEB_SERVICES;

/// A resolved 30-minute outage on 1 June of `year`.
fn incident(id: &str, year: u32, severity: u8, services: &str) -> Incident {
    Incident::new(id, &format!("{year}-06-01T10:00:00Z"))
        .severity(severity)
        .services(services)
}

/// Two public incidents, one with a written review, one without.
fn two_incidents() -> Site {
    let site = Site::new();
    site.file("data/services.yaml", SERVICES);
    site.file("content/_index.md", "---\ntitle: Home\n---\nWelcome.\n");
    incident("written-1", 2025, 1, "[api]").write(&site);
    incident("pending-2", 2026, 2, "[web]").write(&site);
    site.file(
        "content/postmortems/written-1.md",
        &narrative(
            "written-1",
            "Review of written-1",
            "## Summary\n\nThe review text.\n",
        ),
    );
    site
}

#[test]
fn pages_without_a_written_review_say_review_pending() {
    let site = two_incidents();
    site.build_ok();

    let pending = site.html("/incidents/pending-2/");
    let title = select_text(&pending, "title").concat();
    assert!(!title.contains("Post-mortem"), "{title}");
    assert!(title.starts_with("Review pending"), "{title}");
    let meta = select_text(&pending, "header p.page-meta").concat();
    assert!(meta.starts_with("Review pending"), "{meta}");
    assert_eq!(count(&pending, "p.review-pending-note"), 1);
    assert_eq!(select_text(&pending, "h1"), ["Incident pending-2"]);

    let written = site.html("/incidents/written-1/");
    let title = select_text(&written, "title").concat();
    assert!(title.starts_with("Post-mortem: "), "{title}");
    assert_eq!(count(&written, "p.review-pending-note"), 0);
    assert!(all_text(&written).contains("The review text."));

    // The index labels each row and carries the status for the filters.
    let index = site.html("/incidents/");
    assert_eq!(
        select_text(&index, "tr.incident-row span.review"),
        ["Review pending", "Post-mortem"]
    );
    assert_eq!(
        select_attr(&index, "tr.incident-row", "data-review"),
        ["pending", "written"]
    );

    // The home page lists written reviews only, and counts pending ones.
    let home = site.html("/");
    assert_eq!(
        select_text(&home, "section.latest-postmortems li > a"),
        ["Incident written-1"]
    );
    assert!(
        select_text(&home, "p.pending-reviews")
            .concat()
            .contains("1 incident awaits its written review"),
    );

    // The feed: one category per entry, in entry order (newest first).
    let feed = site.output("/incidents/atom.xml");
    let doc = roxmltree::Document::parse(&feed).expect("the feed parses");
    let terms: Vec<(&str, &str)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .map(|e| {
            let c = e
                .children()
                .find(|n| n.has_tag_name("category"))
                .expect("a category");
            (
                e.children()
                    .find(|n| n.has_tag_name("title"))
                    .and_then(|t| t.text())
                    .unwrap_or(""),
                c.attribute("term").unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        terms,
        [
            ("S2 Incident pending-2", "review-pending"),
            ("S1 Incident written-1", "postmortem")
        ]
    );
}

#[test]
fn incident_index_has_filters_year_links_and_readable_root_causes() {
    let site = two_incidents();
    incident("cfg-3", 2026, 3, "[api, web]")
        .extra("root_cause: Config-Change\n")
        .write(&site);
    site.build_ok();
    let index = site.html("/incidents/");

    // The filters: a form of selects, hidden until its script shows it.
    let form = first(&index, "form#incident-filters");
    assert!(form.value().attr("hidden").is_some());
    assert_eq!(
        select_attr(&index, "form#incident-filters select", "name"),
        ["severity", "service", "year", "review"]
    );
    assert_eq!(
        select_attr(&index, "select[name=service] option", "value"),
        ["", "api", "web"]
    );
    assert_eq!(
        select_attr(&index, "select[name=year] option", "value"),
        ["", "2026", "2025"]
    );
    assert_eq!(
        select_attr(&index, "select[name=review] option", "value"),
        ["", "written", "pending"]
    );
    // What the script filters on, row by row (newest first; the two 2026
    // incidents start at the same time, so the later id comes first).
    let rows = |attr: &str| select_attr(&index, "tr.incident-row", attr);
    assert_eq!(rows("data-severity"), ["2", "3", "1"]);
    assert_eq!(rows("data-services"), ["web", "api web", "api"]);
    assert_eq!(rows("data-year"), ["2026", "2026", "2025"]);

    // The script is a file of the site, and the page has no inline script.
    let scripts = select_attr(&index, "script", "src");
    assert_eq!(scripts, ["/js/theme.js", "/js/incidents.js", "/js/page.js"]);
    assert_eq!(count(&index, "script"), 3);
    let js = site.output("/js/incidents.js");
    for attr in ["severity", "services", "year", "review"] {
        assert!(js.contains(&format!("dataset.{attr}")), "{attr}");
    }

    // Jump-to-year links land on the year sections.
    let jumps = select_attr(&index, "nav.year-jump a", "href");
    assert_eq!(jumps, ["#y2026", "#y2025"]);
    for j in &jumps {
        assert_eq!(count(&index, &format!("section{j}")), 1, "{j}");
    }

    // Every cell is labelled for the phone layout (rows become cards).
    assert_eq!(
        count(&index, "tr.incident-row td"),
        count(&index, "tr.incident-row td[data-label]")
    );
    let css = site.output("/css/style.css");
    assert!(css.contains("content: attr(data-label)"));

    // Root causes as words, in the index and on the page.
    let cause = select_text(&index, "tr.incident-row td[data-label='Root cause']");
    assert_eq!(cause, ["–", "Config change", "–"]);
    let page = site.html("/incidents/cfg-3/");
    assert!(all_text(&page).contains("Config change"));
    assert!(!all_text(&page).contains("Config-Change"));
}

#[test]
fn open_and_overdue_corrective_actions_are_listed_without_confidential_ones() {
    let site = Site::new();
    site.file("data/services.yaml", SERVICES);
    incident("a-1", 2026, 2, "[api]")
        .extra(
            "corrective_actions:
  - title: Not due yet
    status: open
    due: 2026-12-01
    owner: Storage
  - title: Long overdue
    status: open
    due: 2026-01-10
  - title: Already done
    status: closed
    due: 2026-01-01
",
        )
        .write(&site);
    incident("b-2", 2026, 3, "[web]")
        .extra(
            "corrective_actions:
  - title: No due date
    status: open
  - title: Slightly overdue
    status: open
    due: 2026-06-30
",
        )
        .write(&site);
    incident("secret-3", 2026, 1, "[web]")
        .confidential(true)
        .extra(
            "corrective_actions:
  - title: CONFMARK action
    status: open
    due: 2026-01-01
",
        )
        .write(&site);
    site.build_with(&["--as-of", "2026-07-01"]).assert_success();

    let page = site.html("/incidents/actions/");
    let titles: Vec<String> = select_text(&page, "table.open-actions tbody tr td:first-child")
        .into_iter()
        .map(|t| t.trim().to_string())
        .collect();
    assert_eq!(
        titles,
        [
            "Long overdue",
            "Slightly overdue",
            "Not due yet",
            "No due date"
        ]
    );
    assert_eq!(
        select_attr(&page, "table.open-actions tbody tr", "class"),
        ["overdue", "overdue"]
    );
    assert_eq!(count(&page, "table.open-actions .badge.overdue"), 2);
    assert_eq!(
        select_attr(&page, "table.open-actions a.incident-link", "href"),
        [
            "/incidents/a-1/",
            "/incidents/b-2/",
            "/incidents/a-1/",
            "/incidents/b-2/"
        ]
    );
    assert!(all_text(&page).contains("as of 2026-07-01"));
    assert!(!site.output("/incidents/actions/").contains("CONFMARK"));

    // Linked from the index, with the counts.
    let index = site.html("/incidents/");
    assert_eq!(
        select_attr(&index, "p.actions-link a", "href"),
        ["/incidents/actions/"]
    );
    let text = select_text(&index, "p.actions-link").concat();
    assert!(
        text.contains("4 open") && text.contains("2 overdue"),
        "{text}"
    );

    // Judged against "as of", not once and for all.
    site.build_with(&["--as-of", "2026-01-01"]).assert_success();
    assert_eq!(
        count(
            &site.html("/incidents/actions/"),
            "table.open-actions .badge.overdue"
        ),
        0
    );
}

/// The site after `opsbook new postmortem 17054`.
fn scaffolded() -> Site {
    let site = Site::new();
    site.file("data/services.yaml", SERVICES);
    incident("17054", 2026, 2, "[web]")
        .extra(
            "timeline:
  - at: 2026-06-01T10:00:00Z
    text: Error ratio crosses its SLO
  - at: 2026-06-01T10:20:00Z
    text: Change rolled back
",
        )
        .write(&site);
    let root = site.root().to_str().unwrap().to_string();
    site.run(&["new", "postmortem", "17054", "--root", &root])
        .assert_success();
    site
}

const SKELETON: &str = "content/postmortems/17054.md";

#[test]
fn new_postmortem_is_a_draft_until_the_author_publishes_it() {
    let site = scaffolded();
    let text = std::fs::read_to_string(site.root().join(SKELETON)).unwrap();
    let front = text.split("---\n").nth(1).expect("front matter");
    assert!(front.lines().any(|l| l == "draft: true"), "{front}");
    // The timeline is rendered from the snapshot, not copied.
    assert!(!text.contains("Error ratio crosses its SLO"), "{text}");

    site.build_ok();
    let page = site.html("/incidents/17054/");
    assert!(
        select_text(&page, "title")
            .concat()
            .starts_with("Review pending")
    );
    let body = all_text(&page);
    assert!(!body.contains("TODO"), "the draft's text is published");
    assert!(
        !body.contains("Who was affected"),
        "the draft's text is published"
    );
    assert_eq!(body.matches("Error ratio crosses its SLO").count(), 1);

    // Published: the page is a post-mortem, the timeline still there once.
    std::fs::write(
        site.root().join(SKELETON),
        text.replace("draft: true\n", "")
            .replace("TODO: ", "")
            .replace("Write this section, or delete it.", "Written."),
    )
    .unwrap();
    site.build_ok();
    let page = site.html("/incidents/17054/");
    assert!(
        select_text(&page, "title")
            .concat()
            .starts_with("Post-mortem: ")
    );
    let body = all_text(&page);
    assert!(body.contains("Who was affected"));
    assert_eq!(body.matches("Error ratio crosses its SLO").count(), 1);
    assert_eq!(count(&page, "ol.timeline"), 1);
}

#[test]
fn check_strict_fails_on_placeholders_left_in_a_published_review() {
    let site = scaffolded();
    let text = std::fs::read_to_string(site.root().join(SKELETON)).unwrap();
    // A draft may hold placeholders.
    site.check_with(&["--strict"]).assert_success();

    let published = text.replace("draft: true\n", "");
    std::fs::write(site.root().join(SKELETON), &published).unwrap();
    let first_todo = published
        .lines()
        .position(|l| l.starts_with("TODO"))
        .unwrap()
        + 1;
    let out = site.check_with(&["--strict"]);
    out.assert_failure().assert_stderr_has(&[
        "unfilled placeholder `TODO`",
        &format!("{SKELETON}:{first_todo}:1"),
        "draft: true",
    ]);
    // Without --strict it is a warning; the build still names it.
    site.check_with(&[])
        .assert_success()
        .assert_stderr_has(&["warning: unfilled placeholder"]);

    // Filled in: clean. `TODOS` or `todo` in prose are not markers.
    let filled: String = published
        .lines()
        .map(|l| {
            if l.starts_with("TODO") {
                "Written; no todo or TODOS left."
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(site.root().join(SKELETON), filled).unwrap();
    site.check_with(&["--strict"]).assert_success();
}

#[test]
fn a_named_person_in_a_narrative_fails_the_build_unless_configured_as_warning() {
    let site = two_incidents();
    site.file(
        "content/postmortems/written-1.md",
        &narrative(
            "written-1",
            "Review of written-1",
            "## Summary\n\nThe deploy was rolled back by @jdoe.\n",
        ),
    );
    let out = site.build();
    out.assert_failure().assert_stderr_has(&[
        "error: post-mortem text names a person: `@jdoe`",
        "content/postmortems/written-1.md:7:31",
        "blameless reviews name roles and systems",
        "level = \"warn\"",
    ]);
    assert!(!site.public().exists(), "a failed build writes nothing");

    site.file("opsbook.toml", "[blameless]\nlevel = \"warn\"\n");
    site.build()
        .assert_success()
        .assert_stderr_has(&["warning: post-mortem text names a person: `@jdoe`"]);
    site.check_with(&["--strict"]).assert_failure();

    site.file("opsbook.toml", "[blameless]\nlevel = \"loud\"\n");
    site.build()
        .assert_failure()
        .assert_stderr_has(&["opsbook.toml:2:"]);
}

#[test]
fn a_named_person_in_upstream_text_stays_a_warning() {
    let site = two_incidents();
    site.file("opsbook.toml", "[blameless]\nnames = [\"Jane Doe\"]\n");
    incident("pending-2", 2026, 2, "[web]").extra("summary: Paged Jane Doe at night\ntimeline:\n  - at: 2026-06-01T10:05:00Z\n    text: \"@jdoe acknowledged\"\n").write(&site);
    // A routine pull must not turn the build red...
    let out = site.build();
    out.assert_success().assert_stderr_has(&[
        "warning: post-mortem text names a person: `Jane Doe`",
        "warning: post-mortem text names a person: `@jdoe`",
        "data/incidents/2026/pending-2.yaml:",
    ]);
    // ...while a merge request's `check --strict` still reports it.
    site.check_with(&["--strict"]).assert_failure();
    let html = Html::parse_document(&site.output("/incidents/pending-2/"));
    assert!(all_text(&html).contains("acknowledged"));
}
