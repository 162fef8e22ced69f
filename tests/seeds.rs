//! Real handbook pages (`../shared/seeds/`) built as pages of a fixture site.

mod common;

use std::path::PathBuf;

use common::{Site, all_text, count, first, page, select_attr, select_text};
use scraper::Html;

/// The text of the seed whose file name starts with `prefix`.
fn seed(prefix: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
        })
        .collect();
    names.sort();
    let path = names
        .first()
        .unwrap_or_else(|| panic!("no seed {prefix}* in {}", dir.display()));
    std::fs::read_to_string(path).expect("read the seed")
}

/// Seed 000 at /handbook/ops/, seed 003 at /handbook/production/.
fn seed_site() -> Site {
    let site = Site::new();
    site.file("opsbook.toml", "title = \"Seeds\"\n")
        .file("content/_index.md", &page("Home", "Seeds.\n"))
        .file("content/handbook/_index.md", &page("Handbook", ""))
        .file("content/handbook/ops.md", &seed("000_"))
        .file("content/handbook/production.md", &seed("003_"))
        .file(
            "templates/shortcodes/team-by-manager-slug.html",
            "<div class=\"team\" data-manager=\"{{ args.manager }}\">Team of {{ args.manager }}</div>",
        );
    let out = site.build();
    out.assert_success();
    assert!(
        !out.stderr.lines().any(|l| l.starts_with("error")),
        "the seeds built with errors:\n{}",
        out.stderr
    );
    site
}

#[test]
fn seeds_build_as_pages() {
    let site = seed_site();
    let ops = site.html("/handbook/ops/");
    assert_eq!(
        select_text(&ops, "article h1"),
        ["Production Engineering Ops Team"]
    );
    let production = site.html("/handbook/production/");
    assert_eq!(select_text(&production, "article h1"), ["Production"]);
    assert_eq!(
        select_text(&site.html("/handbook/"), "section.children ul.child-list a"),
        ["Production", "Production Engineering Ops Team"]
    );
}

#[test]
fn seed_000_alert_and_site_shortcode() {
    let site = seed_site();
    let html = site.html("/handbook/ops/");

    assert_eq!(count(&html, "div.alert"), 1);
    assert_eq!(
        select_text(&html, "div.alert.alert-primary .alert-heading"),
        ["Note"]
    );
    let body = select_text(&html, "div.alert.alert-primary > p").join(" ");
    assert!(
        body.starts_with("Updates must be merged by the 7th day of each month."),
        "{body}"
    );
    assert_eq!(select_attr(&html, "div.team", "data-manager"), ["kkyrala"]);
    assert_eq!(count(&html, "p div.team"), 0, "block output inside <p>");
}

/// In seed 000 both `details` calls sit inside a fenced ```markdown block (an
/// epic template to copy). As in Hugo, shortcodes are expanded there too: the
/// code shows the expansion as text and no live `<details>` appears.
#[test]
fn seed_000_details_inside_fenced_code_expand_as_code_text() {
    let site = seed_site();
    let html = site.html("/handbook/ops/");

    let code = first(&html, "pre code.language-markdown");
    let text: String = code.text().collect();
    assert!(text.contains("## Decision log"), "{text}");
    assert!(text.contains("<summary>Log</summary>"), "{text}");
    assert!(text.contains("<summary>date</summary>"), "{text}");
    assert!(text.contains("[decision taken and why]"), "{text}");
    assert!(!text.contains("{{%"), "{text}");
    assert_eq!(
        count(&html, "details"),
        0,
        "code block content must stay code, not live HTML"
    );
}

/// The decision log of seed 000 outside a code block renders as nested
/// `<details><summary>` elements.
#[test]
fn seed_000_decision_log_renders_as_details() {
    let text = seed("000_");
    let start = text
        .find("{{% details summary=\"Log\" %}}")
        .expect("the seed has a decision log");
    let end = text[start..]
        .rfind("{{% /details %}}")
        .map(|i| start + i + "{{% /details %}}".len())
        .expect("closed");
    let log = &text[start..end];
    assert_eq!(log.matches("{{% details").count(), 2, "{log}");

    let site = Site::new();
    site.file(
        "content/log.md",
        &page("Log", &format!("## Decision log\n\n{log}\n")),
    );
    site.build_ok();
    let html = site.html("/log/");

    assert_eq!(select_text(&html, "details > summary"), ["Log", "date"]);
    assert_eq!(
        select_text(&html, "details > details > p"),
        ["[decision taken and why]"]
    );
    assert!(!all_text(&html).contains("{{%"));
}

#[test]
fn seed_003_kramdown_toc() {
    let site = seed_site();
    let html = site.html("/handbook/production/");

    let inline = select_attr(&html, "nav.toc-inline a", "href");
    assert_eq!(
        inline,
        [
            "#common-links",
            "#production-team",
            "#tenets",
            "#production-and-staging-access",
            "#production-events-logging"
        ]
    );
    assert_eq!(
        select_attr(&html, "nav.toc-inline > ul > li > ul > li > a", "href"),
        ["#tenets", "#production-and-staging-access"]
    );
    assert_eq!(
        select_attr(&html, "nav#TableOfContents a", "href"),
        inline,
        "{{:.no_toc}} keeps `On this page` out of the sidebar TOC too"
    );
    assert_eq!(count(&html, ".prose h2#on-this-page"), 1);
    assert!(
        !select_text(&html, ".prose li").iter().any(|l| l == "TOC"),
        "the `- TOC` item is replaced"
    );
}

#[test]
fn no_shortcode_or_kramdown_text_remains() {
    let site = seed_site();
    let mut checked = 0;
    for (rel, bytes) in site.output_tree() {
        if !rel.ends_with(".html") {
            continue;
        }
        checked += 1;
        let raw = String::from_utf8(bytes).expect("UTF-8 output");
        for needle in ["{{%", "{{<", "{{&lt;", "{:"] {
            assert!(!raw.contains(needle), "{rel} contains `{needle}`");
        }
        let text = all_text(&Html::parse_document(&raw));
        for needle in ["{{%", "{{<", "{:"] {
            let at = text.find(needle);
            assert!(
                at.is_none(),
                "{rel} shows `{needle}`: …{}…",
                &text[at.unwrap().saturating_sub(80)..(at.unwrap() + 80).min(text.len())]
            );
        }
    }
    assert!(checked >= 4, "only {checked} HTML files");
}
