//! Reading comfort (issue 9, "Layout"): what every page kind carries in its
//! HTML, checked with a real parser: meta description and Open Graph tags,
//! heading anchors, breadcrumbs, previous/next links, "Edit this page",
//! call-outs, cross-links and the footer. How it looks on a phone is in
//! tests/browser.rs.

mod common;

use std::path::Path;

use common::incident::Incident;
use common::{Site, build_sample_site, count, first, page, select_attr, select_text, weighted};
use scraper::Html;

const SERVICES: &str = "\
services:
  - id: api
    name: API
    weight: 5
    target: 99.95
";

/// A small site: a section of three pages, a service and two public
/// incidents (one with a written review), one confidential incident.
fn site(config: &str) -> Site {
    let site = Site::new();
    site.file("opsbook.toml", config)
        .file("content/_index.md", &page("Home", "Welcome.\n"))
        .file(
            "content/guide/_index.md",
            &weighted("Guide", 1, "The guide.\n"),
        )
        .file(
            "content/guide/first.md",
            &weighted("First", 1, "## Start here\n\nText.\n"),
        )
        .file(
            "content/guide/second.md",
            "---\ntitle: \"Second\"\nweight: 2\ndescription: \"The second page.\"\n---\n\
             > [!NOTE]\n> Read **this**.\n\n> [!CAUTION]\n> Careful.\n\n```sh\necho hi\n```\n",
        )
        .file("content/guide/third.md", &weighted("Third", 3, "Last.\n"))
        .file("data/services.yaml", SERVICES);
    for (id, day, confidential, title) in [
        ("101", 2, false, "Public outage of the API"),
        ("102", 5, false, "Slow API pages"),
        ("103", 7, true, "CONFMARK secret outage"),
    ] {
        Incident::new(id, &format!("2026-03-{day:02}T08:00:00Z"))
            .title(title)
            .services("[api]")
            .confidential(confidential)
            .resolved_after(60)
            .write(&site);
    }
    site.file(
        "content/postmortems/101.md",
        "---\ntitle: \"Review\"\nincident: \"101\"\ndescription: \"How a config change broke the API.\"\n---\n\
         ## Summary\n\nIt broke.\n\n### Details\n\nMore.\n",
    );
    site
}

const CONFIG: &str = "title = \"Ops\"\ndescription = \"Our handbook.\"\nbase_url = \"https://ops.example.com/hb/\"\n";

fn meta(html: &Html, attr: &str, name: &str) -> String {
    let v = select_attr(html, &format!("meta[{attr}=\"{name}\"]"), "content");
    assert_eq!(v.len(), 1, "one {name} meta tag: {v:?}");
    v[0].clone()
}

#[test]
fn every_page_kind_has_a_description_and_open_graph_tags() {
    let site = site(CONFIG);
    site.build_ok();
    for (path, title, description, kind) in [
        ("/", "Home", "Our handbook.", "website"),
        ("/guide/second/", "Second", "The second page.", "website"),
        (
            "/incidents/101/",
            "Post-mortem: Public outage of the API",
            "How a config change broke the API.",
            "article",
        ),
        (
            "/incidents/102/",
            "Review pending: Slow API pages",
            "S2 incident: Slow API pages",
            "article",
        ),
        (
            "/services/api/",
            "API",
            "Availability target, monthly availability and incidents of API.",
            "website",
        ),
        ("/services/", "Services", "User-facing services", "website"),
        ("/incidents/", "Incidents", "Our handbook.", "website"),
        ("/404.html", "Page not found", "There is no page", "website"),
    ] {
        let html = site.html(path);
        let d = meta(&html, "name", "description");
        assert!(d.starts_with(description), "{path}: {d}");
        assert_eq!(meta(&html, "property", "og:description"), d, "{path}");
        assert_eq!(meta(&html, "property", "og:title"), title, "{path}");
        assert_eq!(meta(&html, "property", "og:type"), kind, "{path}");
        let url = meta(&html, "property", "og:url");
        let rel = if path == "/" { "" } else { &path[1..] };
        assert_eq!(url, format!("https://ops.example.com/hb/{rel}"), "{path}");
    }
    // Nothing of the confidential incident reaches any page's head.
    for (name, bytes) in site.output_tree() {
        assert!(
            !String::from_utf8_lossy(&bytes).contains("CONFMARK"),
            "{name}"
        );
    }
}

#[test]
fn post_mortem_breadcrumbs_end_with_the_title_and_headings_have_anchors() {
    let site = site(CONFIG);
    site.build_ok();
    let html = site.html("/incidents/101/");
    let crumbs = select_text(&html, "nav.breadcrumbs li");
    assert_eq!(
        crumbs.last().map(String::as_str),
        Some("Public outage of the API"),
        "{crumbs:?}"
    );
    // Every review section heading and the narrative's h3 link to themselves.
    for h in html.select(&common::selector(".prose h2, .prose h3")) {
        let id = h
            .value()
            .attr("id")
            .or_else(|| h.parent().and_then(|p| p.value().as_element()?.attr("id")))
            .unwrap_or_else(|| panic!("heading without id: {}", h.html()));
        let a = h
            .select(&common::selector("a.anchor"))
            .next()
            .unwrap_or_else(|| panic!("heading without anchor: {}", h.html()));
        assert_eq!(a.value().attr("href"), Some(format!("#{id}").as_str()));
    }
    assert!(count(&html, ".prose h2 a.anchor") >= 5);
    // Service pages too.
    let service = site.html("/services/api/");
    assert_eq!(
        select_attr(&service, "h2 a.anchor", "href"),
        ["#availability", "#incidents"],
        "service headings link to themselves"
    );
    // A handbook page.
    let hb = site.html("/guide/first/");
    assert_eq!(
        select_attr(&hb, ".prose h2 a.anchor", "href"),
        ["#start-here"]
    );
}

#[test]
fn service_badges_link_to_service_pages() {
    let site = site(CONFIG);
    site.build_ok();
    let html = site.html("/incidents/101/");
    assert_eq!(
        select_attr(&html, ".badges a.badge.service", "href"),
        ["/hb/services/api/"]
    );
    // The home page's latest post-mortems name services as links.
    let home = site.html("/");
    assert!(
        select_attr(&home, ".latest-postmortems .desc a", "href")
            .contains(&"/hb/services/api/".to_string()),
        "{}",
        home.html()
    );
}

#[test]
fn pages_of_a_section_link_to_their_neighbours_in_order() {
    let site = site(CONFIG);
    site.build_ok();
    let links = |path: &str| {
        let html = site.html(path);
        (
            select_attr(&html, "nav.pager a[rel=prev]", "href"),
            select_attr(&html, "nav.pager a[rel=next]", "href"),
        )
    };
    assert_eq!(
        links("/guide/first/"),
        (vec![], vec!["/hb/guide/second/".into()])
    );
    assert_eq!(
        links("/guide/second/"),
        (
            vec!["/hb/guide/first/".into()],
            vec!["/hb/guide/third/".into()]
        )
    );
    assert_eq!(
        links("/guide/third/"),
        (vec!["/hb/guide/second/".into()], vec![])
    );
    let html = site.html("/guide/third/");
    assert_eq!(
        first(&html, "nav.pager a[rel=prev]")
            .text()
            .collect::<String>(),
        "Previous Second"
    );
}

#[test]
fn edit_links_appear_only_with_repo_url_and_only_on_written_pages() {
    let site = site(CONFIG);
    site.build_ok();
    assert_eq!(count(&site.html("/guide/first/"), ".edit-link a"), 0);

    let site = site_with_repo();
    site.build_ok();
    assert_eq!(
        select_attr(&site.html("/guide/first/"), ".edit-link a", "href"),
        ["https://gitlab.example.com/ops/hb/-/edit/live/content/guide/first.md"]
    );
    assert_eq!(
        select_attr(&site.html("/guide/"), ".edit-link a", "href"),
        ["https://gitlab.example.com/ops/hb/-/edit/live/content/guide/_index.md"]
    );
    // A written review is edited in its narrative file...
    assert_eq!(
        select_attr(&site.html("/incidents/101/"), ".edit-link a", "href"),
        ["https://gitlab.example.com/ops/hb/-/edit/live/content/postmortems/101.md"]
    );
    // ...and pages made only from data have nothing to edit.
    for path in [
        "/incidents/102/",
        "/services/api/",
        "/incidents/",
        "/404.html",
    ] {
        assert_eq!(count(&site.html(path), ".edit-link"), 0, "{path}");
    }
}

fn site_with_repo() -> Site {
    site(&format!(
        "{CONFIG}repo_url = \"https://gitlab.example.com/ops/hb/\"\nedit_branch = \"live\"\n"
    ))
}

#[test]
fn github_alerts_are_titled_callouts() {
    let site = site(CONFIG);
    site.build_ok();
    let html = site.html("/guide/second/");
    assert_eq!(
        select_text(&html, ".prose div.callout > p.callout-title"),
        ["Note", "Caution"]
    );
    assert_eq!(count(&html, "div.callout-note strong"), 1);
    assert_eq!(count(&html, "div.callout-caution"), 1);
    assert_eq!(count(&html, ".prose blockquote"), 0);
}

#[test]
fn theme_scripts_are_files_and_no_control_needs_them() {
    let site = site(CONFIG);
    site.build_ok();
    let html = site.html("/guide/second/");
    // The light/dark choice is applied from <head>, before the stylesheets.
    let head_scripts = select_attr(&html, "head script", "src");
    assert_eq!(head_scripts, ["/hb/js/theme.js"]);
    assert_eq!(select_attr(&html, "body script", "src"), ["/hb/js/page.js"]);
    assert!(site.has_output("/js/theme.js") && site.has_output("/js/page.js"));
    // No inline script, and no dead button without JavaScript.
    assert_eq!(count(&html, "script:not([src])"), 0);
    assert_eq!(count(&html, "button.copy-code, button.theme-switch"), 0);
    // The phone sidebar folds with a checkbox and its label, no script.
    assert_eq!(
        count(&html, "nav.sidebar > input#sidebar-toggle[type=checkbox]"),
        1
    );
    assert_eq!(count(&html, "nav.sidebar > label[for=sidebar-toggle]"), 1);
}

#[test]
fn the_footer_does_not_double_its_full_stop() {
    for (description, expected) in [
        ("Our handbook.", "Ops: Our handbook. Built with opsbook."),
        ("Our handbook", "Ops: Our handbook. Built with opsbook."),
        ("Is it up?", "Ops: Is it up? Built with opsbook."),
        ("", "Ops. Built with opsbook."),
    ] {
        let site = site(&format!(
            "title = \"Ops\"\ndescription = \"{description}\"\nbase_url = \"https://ops.example.com/hb/\"\n"
        ));
        site.build_ok();
        assert_eq!(
            select_text(&site.html("/"), "footer.site-footer p"),
            [expected]
        );
    }
}

fn read(out: &Path, rel: &str) -> Html {
    Html::parse_document(&std::fs::read_to_string(out.join(rel)).unwrap())
}

#[test]
fn the_sample_shows_the_features() {
    let (_dir, out) = build_sample_site(&[]);
    // A post-mortem bundle with its diagram, referenced from the narrative.
    let pm = read(&out, "incidents/2231/index.html");
    assert_eq!(
        select_attr(&pm, ".prose img[src$='.svg']", "src"),
        ["maxconn.svg"]
    );
    let svg = std::fs::read_to_string(out.join("incidents/2231/maxconn.svg")).unwrap();
    roxmltree::Document::parse(&svg).expect("the diagram is well-formed SVG");
    // Call-outs of every kind in the handbook.
    let mut kinds = std::collections::BTreeSet::new();
    for rel in [
        "handbook/incident-management/post-mortems/index.html",
        "handbook/change-management/freezes/index.html",
        "handbook/runbooks/postgres-failover/index.html",
    ] {
        for class in select_attr(&read(&out, rel), "div.callout", "class") {
            kinds.insert(class);
        }
    }
    assert_eq!(kinds.len(), 5, "{kinds:?}");
    // Availability headings have anchors; S1 comments link to our pages.
    let av = read(&out, "availability/index.html");
    assert!(count(&av, "h2 a.anchor") >= 3);
    let s1 = select_attr(&av, "td.comments a", "href");
    assert!(!s1.is_empty());
    assert!(
        s1.iter().all(|h| h.starts_with("/handbook/incidents/")),
        "{s1:?}"
    );
    // The shift shortcode renders its styled card.
    let oncall = read(&out, "handbook/on-call/index.html");
    assert_eq!(count(&oncall, ".oncall-shift .oncall-shift-hours"), 2);
}
