//! The sidebar stays bounded whatever the size of a section: a long section
//! shows a window of its children and links to its index, which lists them
//! all; short sections and deep paths show everything on the way down.

mod common;

use std::collections::{BTreeSet, VecDeque};

use common::*;

/// The most links a sidebar of the fixtures below may hold: the top-level
/// sections, the open section's siblings, a window of about 25 children and
/// the link to the section index.
const BOUND: usize = 40;

/// A site with `ops/runbooks/` holding `n` pages (`Page 001` ... in order)
/// next to a short `dev/` section.
fn long_section(n: usize) -> Site {
    let site = Site::new();
    site.file("content/_index.md", &page("Home", ""))
        .file("content/ops/_index.md", &weighted("Ops", 1, ""))
        .file("content/ops/oncall.md", &weighted("On-call", 1, ""))
        .file(
            "content/ops/runbooks/_index.md",
            &weighted("Runbooks", 2, ""),
        )
        .file("content/dev/_index.md", &weighted("Dev", 2, ""))
        .file("content/dev/build.md", &page("Build", ""));
    for k in 1..=n {
        site.file(
            &format!("content/ops/runbooks/p{k:03}.md"),
            &weighted(&format!("Page {k:03}"), k as i64, "Body."),
        );
    }
    site.build_ok();
    site
}

fn sidebar_links(html: &scraper::Html) -> Vec<(String, String)> {
    select_text(html, "nav.sidebar a")
        .into_iter()
        .zip(select_attr(html, "nav.sidebar a", "href"))
        .collect()
}

#[test]
fn a_page_in_a_long_section_has_a_bounded_sidebar_with_itself_and_the_index() {
    let site = long_section(300);
    let html = site.html("/ops/runbooks/p150/");
    let links = sidebar_links(&html);
    assert!(
        links.len() <= BOUND,
        "{} sidebar links (bound {BOUND}): {links:?}",
        links.len()
    );
    assert_eq!(
        select_text(&html, "nav.sidebar a[aria-current=page]"),
        ["Page 150"],
        "the page's own entry is marked current"
    );
    let texts: Vec<&str> = links.iter().map(|(t, _)| t.as_str()).collect();
    // The path, the neighbours, the first and the last page are shown.
    for expected in [
        "Ops", "Dev", "Runbooks", "Page 001", "Page 149", "Page 151", "Page 300",
    ] {
        assert!(texts.contains(&expected), "{expected} missing: {texts:?}");
    }
    assert!(!texts.contains(&"Page 100"), "far siblings are left out");
    // The link that stands for every child leads to the section index.
    let more: Vec<_> = select_attr(&html, "nav.sidebar .nav-more a", "href");
    assert_eq!(more, ["/ops/runbooks/"]);
    let more_text = select_text(&html, "nav.sidebar .nav-more a");
    assert!(more_text[0].contains("300"), "{more_text:?}");
    // Left-out runs are marked.
    assert!(count(&html, "nav.sidebar .nav-gap") >= 1);
}

#[test]
fn the_section_index_lists_every_child_and_its_sidebar_is_bounded() {
    let site = long_section(300);
    let html = site.html("/ops/runbooks/");
    let children = select_attr(&html, "section.children a", "href");
    assert_eq!(children.len(), 300);
    let all: BTreeSet<String> = (1..=300)
        .map(|k| format!("/ops/runbooks/p{k:03}/"))
        .collect();
    assert_eq!(children.into_iter().collect::<BTreeSet<_>>(), all);
    let links = sidebar_links(&html);
    assert!(links.len() <= BOUND, "{} links: {links:?}", links.len());
    assert_eq!(
        select_text(&html, "nav.sidebar a[aria-current=page]"),
        ["Runbooks"]
    );
}

#[test]
fn the_sidebar_does_not_grow_with_the_section() {
    let small = long_section(60);
    let large = long_section(400);
    let n = |s: &Site, url: &str| count(&s.html(url), "nav.sidebar a");
    assert_eq!(
        n(&small, "/ops/runbooks/p030/"),
        n(&large, "/ops/runbooks/p200/")
    );
    assert_eq!(n(&small, "/ops/runbooks/"), n(&large, "/ops/runbooks/"));
    // Near either end too.
    assert_eq!(
        n(&small, "/ops/runbooks/p002/"),
        n(&large, "/ops/runbooks/p399/")
    );
}

#[test]
fn every_page_is_reachable_without_javascript() {
    let site = long_section(300);
    let mut seen = BTreeSet::from(["/".to_string()]);
    let mut queue = VecDeque::from(["/".to_string()]);
    while let Some(url) = queue.pop_front() {
        let html = site.html(&url);
        for href in select_attr(&html, "a", "href") {
            if href.starts_with('/') && href.ends_with('/') && seen.insert(href.clone()) {
                queue.push_back(href);
            }
        }
    }
    for k in 1..=300 {
        let url = format!("/ops/runbooks/p{k:03}/");
        assert!(seen.contains(&url), "{url} cannot be reached by links");
    }
}

#[test]
fn a_deep_path_shows_every_ancestor() {
    let site = Site::new();
    site.file("content/_index.md", &page("Home", ""));
    let mut dir = "content".to_string();
    for (k, name) in ["a", "b", "c", "d", "e"].iter().enumerate() {
        dir = format!("{dir}/{name}");
        site.file(
            &format!("{dir}/_index.md"),
            &weighted(&format!("Level {k}"), 1, ""),
        );
        site.file(
            &format!("{dir}/side.md"),
            &weighted(&format!("Side {k}"), 2, ""),
        );
    }
    site.file(&format!("{dir}/leaf.md"), &weighted("Leaf", 3, ""));
    site.build_ok();
    let html = site.html("/a/b/c/d/e/leaf/");
    assert_eq!(
        select_text(&html, "nav.sidebar .ancestor > a"),
        ["Level 0", "Level 1", "Level 2", "Level 3", "Level 4"]
    );
    assert_eq!(
        select_text(&html, "nav.sidebar a[aria-current=page]"),
        ["Leaf"]
    );
    // Each level's siblings are there, in tree order, one level deeper each.
    let links = select_text(&html, "nav.sidebar a");
    assert_eq!(
        links,
        [
            "Level 0", "Level 1", "Level 2", "Level 3", "Level 4", "Side 4", "Leaf", "Side 3",
            "Side 2", "Side 1", "Side 0"
        ]
    );
    assert_eq!(
        select_text(&html, "nav.sidebar li.depth-5 > a"),
        ["Side 4", "Leaf"]
    );
}

#[test]
fn short_sections_list_every_child() {
    let site = long_section(25);
    for url in [
        "/ops/runbooks/p013/",
        "/ops/runbooks/",
        "/ops/runbooks/p025/",
    ] {
        let html = site.html(url);
        let texts = select_text(&html, "nav.sidebar a");
        for k in 1..=25 {
            let t = format!("Page {k:03}");
            assert!(texts.contains(&t), "{url}: {t} missing in {texts:?}");
        }
        assert_eq!(count(&html, "nav.sidebar .nav-more"), 0, "{url}");
        assert_eq!(count(&html, "nav.sidebar .nav-gap"), 0, "{url}");
    }
    // A closed section's children stay hidden.
    let html = site.html("/ops/runbooks/p001/");
    assert!(!select_text(&html, "nav.sidebar a").contains(&"Build".to_string()));
}

#[test]
fn a_long_top_level_is_windowed_on_pages_made_from_nothing_open() {
    let site = Site::new();
    site.file("content/_index.md", &page("Home", ""));
    for k in 1..=60 {
        site.file(
            &format!("content/t{k:02}.md"),
            &weighted(&format!("Top {k:02}"), k as i64, ""),
        );
    }
    site.build_ok();
    for url in ["/", "/404.html", "/t30/"] {
        let html = site.html(url);
        let n = count(&html, "nav.sidebar a");
        assert!(n <= BOUND, "{url}: {n} links");
        assert_eq!(
            select_attr(&html, "nav.sidebar .nav-more a", "href"),
            ["/"],
            "{url}"
        );
    }
    // The home page, the site's index, lists every top-level page.
    assert_eq!(count(&site.html("/"), "section.children a"), 60);
}

/// A theme that lays the sidebar out itself reads `nav`: the same entries,
/// flags and window as the default theme's `nav_html`.
#[test]
fn a_template_that_reads_nav_gets_the_same_entries_as_the_default_sidebar() {
    let site = long_section(60);
    let default = site.html("/ops/runbooks/p030/");
    let expected: Vec<(String, String)> = sidebar_links(&default)
        .into_iter()
        .filter(|(_, href)| !href.is_empty())
        .collect();
    let current = select_text(&default, "nav.sidebar a[aria-current=page]");

    let base = include_str!("../themes/default/templates/base.html");
    let own = base.replace(
        "{{ nav_html | safe }}",
        "{% for item in nav %}{% if not item.gap %}<li><a href=\"{{ item.url }}\"\
         {% if item.active %} aria-current=\"page\"{% endif %}>{% if item.more %}All {{ item.more }} pages in {% endif %}\
         {{ item.title }}</a></li>{% endif %}{% endfor %}",
    );
    assert_ne!(own, base, "the default theme's sidebar line moved");
    site.file("templates/base.html", &own);
    site.build_ok();
    let html = site.html("/ops/runbooks/p030/");
    assert_eq!(sidebar_links(&html), expected);
    assert_eq!(
        select_text(&html, "nav.sidebar a[aria-current=page]"),
        current
    );
}
