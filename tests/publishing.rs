//! The publishing core, end to end: one confidentiality boundary (bundle
//! files follow the narrative's `incident:`), one output plan (every path
//! claimed once; a second claim is an error naming both origins), XML that
//! parses whatever upstream sends, validated settings (`--root`, `--as-of`).

mod common;

use common::incident::{Incident, narrative};
use common::{Site, page, tree};

const SERVICES: &str = "\
services:
  - id: api
    name: API
    weight: 5
    target: 99.95
";

/// An S2 outage of the API on day `day` of March 2026, mitigated after 30
/// minutes and resolved after 60.
fn incident(id: &str, day: u32) -> Incident {
    Incident::new(id, &format!("2026-03-{day:02}T08:00:00Z"))
        .services("[api]")
        .resolved_after(60)
}

fn record_site() -> Site {
    let site = Site::new();
    site.file("content/_index.md", &page("Home", "Hello.\n"))
        .file("data/services.yaml", SERVICES);
    incident("pub-1", 2).title("Public outage").write(&site);
    incident("sec-1", 3)
        .title("CONFMARK secret outage")
        .confidential(true)
        .write(&site);
    site
}

/// Builds once, then asserts that a second build of the changed site fails
/// with all `needles` in stderr and leaves the first output byte-identical.
#[track_caller]
fn assert_rejected(site: &Site, needles: &[&str]) {
    let before = tree(&site.public());
    let out = site.build();
    out.assert_failure().assert_stderr_has(needles);
    assert_eq!(
        tree(&site.public()),
        before,
        "a failed build changed the output"
    );
}

// ------------------------------------------------- 3. bundles and narratives

#[test]
fn bundle_files_follow_the_narratives_incident_not_its_folder() {
    let site = record_site();
    site.build_ok();
    // The folder says pub-1, the narrative says sec-1 (confidential).
    site.file(
        "content/postmortems/pub-1/index.md",
        &narrative("sec-1", "Review", "CONFMARK narrative ![d](diagram.svg)\n"),
    )
    .file(
        "content/postmortems/pub-1/diagram.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>CONFMARK</text></svg>",
    );
    assert_rejected(
        &site,
        &[
            "post-mortem bundle `postmortems/pub-1/` is for incident `sec-1`",
            "content/postmortems/pub-1/index.md:3:1",
            "rename the folder to content/postmortems/sec-1/",
        ],
    );
    assert!(!site.has_output("/incidents/pub-1/diagram.svg"));
}

#[test]
fn a_confidential_bundle_publishes_nothing() {
    let site = record_site();
    site.file(
        "content/postmortems/sec-1/index.md",
        &narrative("sec-1", "Review", "CONFMARK narrative ![d](diagram.svg)\n"),
    )
    .file(
        "content/postmortems/sec-1/diagram.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>CONFMARK</text></svg>",
    )
    .file(
        "content/postmortems/pub-1/index.md",
        &narrative("pub-1", "Review", "Public review ![d](diagram.svg)\n"),
    )
    .file(
        "content/postmortems/pub-1/diagram.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>public</text></svg>",
    );
    site.build_ok();
    assert!(site.has_output("/incidents/pub-1/diagram.svg"));
    for (name, bytes) in site.output_tree() {
        assert!(
            !name.contains("sec-1") && !String::from_utf8_lossy(&bytes).contains("CONFMARK"),
            "confidential material in {name}"
        );
    }
}

#[test]
fn two_narratives_for_one_incident_name_both_files() {
    let site = record_site();
    site.build_ok();
    site.file(
        "content/postmortems/a.md",
        &narrative("pub-1", "Review", "One.\n"),
    )
    .file(
        "content/postmortems/b.md",
        &narrative("pub-1", "Review", "Two.\n"),
    );
    assert_rejected(
        &site,
        &[
            "two post-mortem narratives for incident `pub-1`",
            "content/postmortems/b.md:3:1",
            "content/postmortems/a.md:3:1",
            "the first narrative for it",
        ],
    );
}

// --------------------------------------------------- 4. no silent overwrite

#[test]
fn an_alias_onto_a_generated_page_is_an_error_naming_both() {
    for (alias, other) in [
        ("/", "the page content/_index.md"),
        ("/incidents/", "the incident index"),
        ("/incidents/pub-1/", "the post-mortem of incident `pub-1`"),
        ("/services/api/", "the page of service `api`"),
        ("/services/", "the service index"),
        (
            "/css/style.css",
            "the static file themes/default/static/css/style.css",
        ),
        ("/sitemap.xml", "the sitemap"),
        ("/404.html", "the 404 page"),
    ] {
        let site = record_site();
        site.build_ok();
        site.file(
            "content/old.md",
            &format!("---\ntitle: Old\naliases: [\"{alias}\"]\n---\nBody.\n"),
        );
        assert_rejected(
            &site,
            &[
                &format!("the alias `{alias}` of content/old.md and {other} both write"),
                "content/old.md:3:",
                "claims it first",
            ],
        );
    }
}

#[test]
fn two_pages_with_the_same_alias_is_an_error_naming_both() {
    let site = record_site();
    site.build_ok();
    site.file(
        "content/a.md",
        "---\ntitle: A\naliases: [\"/old/\"]\n---\nA.\n",
    )
    .file(
        "content/b.md",
        "---\ntitle: B\naliases: [\"/old/\"]\n---\nB.\n",
    );
    assert_rejected(
        &site,
        &[
            "both write /old/index.html",
            "content/a.md:3:",
            "content/b.md:3:",
        ],
    );
}

#[test]
fn content_that_collides_with_generated_pages_is_an_error() {
    for (file, text, other) in [
        (
            "content/incidents/_index.md",
            page("Incidents", "Mine.\n"),
            "the incident index",
        ),
        (
            "content/services/api.md",
            page("API", "Mine.\n"),
            "the page of service `api`",
        ),
        (
            "content/incidents/atom.xml",
            "<feed/>".to_string(),
            "the post-mortem feed",
        ),
        (
            "content/sitemap.xml",
            "<urlset/>".to_string(),
            "the sitemap",
        ),
    ] {
        let site = record_site();
        site.build_ok();
        site.file(file, &text);
        assert_rejected(&site, &[file, other, "claims it first"]);
    }
}

#[test]
fn a_file_where_an_output_needs_a_folder_is_an_error() {
    let site = record_site();
    site.build_ok();
    // A file named `incidents` (no extension) would be a folder's name.
    site.file("static/incidents", "x");
    assert_rejected(&site, &["static/incidents", "the incident index"]);
}

// -------------------------------------------------------------- 8. XML

#[test]
fn control_characters_from_upstream_do_not_break_the_feed_or_sitemap() {
    let site = record_site();
    // YAML escapes: \x01 and ESC, as a terminal paste brings them.
    incident("ctl-1", 4)
        .title_yaml("\"Disk \\x01 full \\e[31m red\"")
        .write(&site);
    site.build_ok();
    let feed = site.output("/incidents/atom.xml");
    let doc = roxmltree::Document::parse(&feed).expect("the feed parses as XML");
    let titles: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("title") && n.parent().is_some_and(|p| p.has_tag_name("entry")))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        titles.contains(&"S2 Disk  full [31m red"),
        "titles: {titles:?}"
    );
    let sitemap = site.output("/sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).expect("the sitemap parses as XML");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    assert!(
        locs.iter().any(|l| l.ends_with("/incidents/ctl-1/")),
        "{locs:?}"
    );
    assert!(!locs.iter().any(|l| l.contains("sec-1")), "{locs:?}");
}

// --------------------------------------------------------- 12. settings

#[test]
fn a_missing_root_is_an_error_and_is_not_created() {
    let site = Site::new();
    let missing = site.root().join("nope");
    let m = missing.to_str().unwrap();
    let out = site.run(&["check", "--root", m]);
    out.assert_failure()
        .assert_stderr_has(&["site root", "does not exist", "--root"]);
    let public = site.root().join("nope/public");
    let out = site.run(&["build", "--root", m, "--out", public.to_str().unwrap()]);
    out.assert_failure().assert_stderr_has(&["does not exist"]);
    assert!(!missing.exists(), "build created the missing root");
}

#[test]
fn as_of_decides_what_is_overdue() {
    let site = record_site();
    incident("act-1", 5)
        .title("With an action")
        .severity(3)
        .impact("degraded")
        .extra("corrective_actions:\n  - title: \"Add an alert\"\n    status: open\n    due: 2026-06-01\n")
        .write(&site);
    let overdue = |extra: &[&str]| {
        let out = site.build_with(extra);
        out.assert_success();
        common::count(&site.html("/incidents/act-1/"), ".overdue")
    };
    // Default: the latest time in the data (2026-03-05), before the due date.
    assert_eq!(overdue(&[]), 0);
    assert!(overdue(&["--as-of", "2026-06-02"]) > 0);
    assert_eq!(overdue(&["--as-of", "2026-06-01T12:00:00Z"]), 0);
    let out = site.build_with(&["--as-of", "yesterday"]);
    out.assert_failure()
        .assert_stderr_has(&["--as-of `yesterday` is not a date", "2026-11-30"]);
}

#[test]
fn a_misspelt_review_heading_is_a_warning_with_the_section() {
    let site = record_site();
    site.file(
        "content/postmortems/pub-1.md",
        &narrative(
            "pub-1",
            "Review",
            "Intro.\n\n## Summry\n\nText.\n\n## Extra notes\n\nMore.\n",
        ),
    );
    let out = site.build_ok();
    out.assert_stderr_has(&[
        "warning: post-mortem heading `Summry` is not a review section",
        "content/postmortems/pub-1.md:7:1",
        "did you mean `Summary`?",
    ]);
    assert!(!out.stderr.contains("Extra notes"), "{}", out.stderr);
}

#[test]
fn a_file_outside_any_postmortem_bundle_is_reported_not_published() {
    let site = record_site();
    site.file("content/postmortems/stray.svg", "<svg/>")
        .file("content/postmortems/pub-1/orphan.png", "png");
    let out = site.build_ok();
    out.assert_stderr_has(&[
        "content/postmortems/stray.svg is not part of a post-mortem bundle",
        "content/postmortems/pub-1/orphan.png is not part of a post-mortem bundle",
    ]);
    let names: Vec<String> = site.output_tree().into_keys().collect();
    assert!(
        !names
            .iter()
            .any(|n| n.contains("stray") || n.contains("orphan")),
        "{names:?}"
    );
}
