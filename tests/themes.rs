//! Custom themes are a layer over the built-in default theme: a template or
//! static file the theme lacks (one added to the default theme since the
//! theme was copied, say) comes from the default theme, one it has wins.

mod common;

use common::{Site, count, page, select_text};

/// A site with one page, one incident with an open corrective action (so
/// the actions page is made) and `theme = "mine"`.
fn site_with_theme() -> Site {
    let site = Site::new();
    site.file("opsbook.toml", "title = \"T\"\ntheme = \"mine\"\n")
        .file("data/services.yaml", common::API_WEB_SERVICES)
        .file("content/_index.md", &page("Home", "Welcome.\n"))
        .file("content/runbook.md", &page("Runbook", "Restart it.\n"))
        .file(
            "data/incidents/2026/inc-1.yaml",
            "id: \"inc-1\"\ntitle: \"Incident inc-1\"\nseverity: 2\nstatus: resolved\n\
             confidential: false\nservices: [api]\n\
             started_at: 2026-06-01T10:00:00Z\nmitigated_at: 2026-06-01T10:30:00Z\n\
             resolved_at: 2026-06-01T10:30:00Z\nimpact: outage\n\
             corrective_actions:\n  - title: Add an alert\n    status: open\n",
        );
    site
}

#[test]
fn a_theme_with_only_a_page_template_builds_on_the_default_theme() {
    let site = site_with_theme();
    site.file(
        "themes/mine/templates/page.html",
        "<!DOCTYPE html><html><head><title>{{ page.title }}</title></head>\
         <body><main class=\"mine\">{{ page.content | safe }}</main></body></html>",
    );
    site.build_with(&["--as-of", "2026-07-01"]).assert_success();
    // Pages use the theme's own template...
    let runbook = site.html("/runbook/");
    assert_eq!(select_text(&runbook, "main.mine p"), ["Restart it."]);
    // ...and everything it lacks comes from the default theme.
    let actions = site.html("/incidents/actions/");
    assert_eq!(
        select_text(&actions, "table.open-actions tbody td:first-child"),
        ["Add an alert"]
    );
    let search = site.html("/search/");
    assert_eq!(
        count(&search, "script[src=\"/js/search.js\"]"),
        1,
        "the default theme's search page"
    );
    assert!(site.has_output("/js/search.js"), "with its script");
    assert!(site.has_output("/css/style.css"));
    assert!(site.has_output("/404.html"));
}

/// A theme's `base.html` defines the blocks the default templates fill.
#[test]
fn a_theme_with_only_a_base_template_frames_the_default_pages() {
    let site = site_with_theme();
    site.file(
        "themes/mine/templates/base.html",
        "<!DOCTYPE html><html><head><title>{% block title %}{% endblock title %}</title>\
         {% block meta %}{% endblock meta %}{% block head_extra %}{% endblock head_extra %}\
         </head><body class=\"{% block kind %}{% endblock kind %}\">\
         {% block breadcrumbs %}{% endblock breadcrumbs %}\
         <div class=\"frame\">{% block main %}{% endblock main %}</div></body></html>",
    )
    .file("themes/mine/static/css/style.css", "body { color: teal }\n");
    site.build_with(&["--as-of", "2026-07-01"]).assert_success();
    let runbook = site.html("/runbook/");
    assert_eq!(count(&runbook, "div.frame article"), 1);
    assert!(site.output("/runbook/").contains("Restart it."));
    let actions = site.html("/incidents/actions/");
    assert_eq!(count(&actions, "div.frame table.open-actions"), 1);
    assert_eq!(count(&site.html("/search/"), "div.frame"), 1);
    // The theme's static files win too.
    assert_eq!(site.output("/css/style.css"), "body { color: teal }\n");
}

/// A theme's `base.html` that lacks blocks the built-in templates fill is
/// refused with each missing block named once, and what to add.
#[test]
fn a_base_template_without_the_default_blocks_names_each_missing_block_once() {
    let site = site_with_theme();
    site.file(
        "themes/mine/templates/base.html",
        "<!DOCTYPE html><html><head><title>{% block title %}{% endblock title %}</title></head>\
         <body>{% block main %}{% endblock main %}</body></html>",
    );
    let out = site.build_with(&["--as-of", "2026-07-01"]);
    out.assert_failure().assert_stderr_has(&[
        "Block `meta` is not defined in any parent template",
        "Block `kind` is not defined in any parent template",
        "Block `breadcrumbs` is not defined in any parent template",
        "Block `head_extra` is not defined in any parent template",
        "must define every block the built-in templates fill",
    ]);
    assert_eq!(
        out.stderr.matches("Block `breadcrumbs` is not").count(),
        1,
        "{}",
        out.stderr
    );
}
