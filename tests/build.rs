//! `opsbook build` on small fixture sites: the HTML it writes, checked with
//! CSS selectors.

mod common;

use common::{
    Site, all_text, assert_same_tree, count, first, one_page_site, page, select_attr, select_text,
    weighted,
};

// ---------------------------------------------------------------- sections

#[test]
fn section_lists_children_by_weight_then_title() {
    let site = Site::new();
    site.file("content/_index.md", &page("Home", "Welcome.\n"))
        .file("content/ops/_index.md", &page("Ops", "The ops section.\n"))
        // File names sort differently from the expected order on purpose.
        .file("content/ops/a-last.md", &page("Zulu", "no weight\n"))
        .file("content/ops/b-unweighted.md", &page("Echo", "no weight\n"))
        .file("content/ops/c.md", &weighted("Delta", 2, "w2\n"))
        .file("content/ops/d.md", &weighted("Bravo", 2, "w2\n"))
        .file("content/ops/e.md", &weighted("Yankee", 1, "w1\n"))
        .file(
            "content/ops/sub/_index.md",
            &weighted("Charlie section", 3, "sub\n"),
        );
    site.build_ok();

    let html = site.html("/ops/");
    assert_eq!(
        select_text(&html, "section.children ul.child-list > li > a"),
        [
            "Yankee",
            "Bravo",
            "Delta",
            "Charlie section",
            "Echo",
            "Zulu"
        ],
        "weighted children first (by weight, then title), then unweighted by title"
    );
    assert_eq!(
        select_attr(&html, "section.children ul.child-list > li > a", "href"),
        [
            "/ops/e/",
            "/ops/d/",
            "/ops/c/",
            "/ops/sub/",
            "/ops/b-unweighted/",
            "/ops/a-last/"
        ]
    );
    // A plain page lists no children.
    assert_eq!(count(&site.html("/ops/e/"), "section.children"), 0);
}

#[test]
fn sidebar_lists_sections_and_open_section_children() {
    let site = Site::new();
    site.file("content/_index.md", &page("Home", ""))
        .file("content/ops/_index.md", &weighted("Ops", 1, ""))
        .file("content/dev/_index.md", &weighted("Dev", 2, ""))
        .file("content/dev/build.md", &page("Build", ""))
        .file("content/ops/oncall.md", &page("On-call", ""))
        .file("content/ops/runbooks/_index.md", &page("Runbooks", ""))
        .file("content/ops/runbooks/db.md", &page("Database", ""));
    site.build_ok();

    // On the home page: the top-level sections.
    let home = site.html("/");
    assert_eq!(select_text(&home, "nav.sidebar a"), ["Ops", "Dev"]);
    assert_eq!(
        select_attr(&home, "nav.sidebar a", "href"),
        ["/ops/", "/dev/"]
    );

    // Deep in ops: every top-level section, and the open path's children.
    let db = site.html("/ops/runbooks/db/");
    let links = select_text(&db, "nav.sidebar a");
    for expected in ["Ops", "Dev", "On-call", "Runbooks", "Database"] {
        assert!(
            links.iter().any(|l| l == expected),
            "{expected} missing in {links:?}"
        );
    }
    assert!(
        !links.iter().any(|l| l == "Build"),
        "a closed section's children are not listed: {links:?}"
    );
    assert_eq!(
        select_text(&db, "nav.sidebar a[aria-current=page]"),
        ["Database"],
        "the current page is marked"
    );
    // Tree order: Ops, its children (On-call, Runbooks, Database), then Dev.
    let pos = |t: &str| links.iter().position(|l| l == t).unwrap();
    assert!(pos("Ops") < pos("Runbooks"));
    assert!(pos("Runbooks") < pos("Database"));
    assert!(pos("Database") < pos("Dev"));
}

#[test]
fn breadcrumbs_show_ancestors() {
    let site = Site::new();
    site.file("content/_index.md", &page("My Handbook", ""))
        .file("content/ops/_index.md", &page("Ops", ""))
        .file("content/ops/oncall/_index.md", &page("On-call", ""))
        .file("content/ops/oncall/handover.md", &page("Handover", ""));
    site.build_ok();

    let html = site.html("/ops/oncall/handover/");
    assert_eq!(
        select_text(&html, "nav.breadcrumbs li"),
        ["My Handbook", "Ops", "On-call", "Handover"]
    );
    assert_eq!(
        select_attr(&html, "nav.breadcrumbs a", "href"),
        ["/", "/ops/", "/ops/oncall/"],
        "ancestors are links, the current page is not"
    );
    assert_eq!(
        select_text(&html, "nav.breadcrumbs li[aria-current=page]"),
        ["Handover"]
    );
}

#[test]
fn missing_home_index_still_gives_a_home_page() {
    let site = Site::new();
    site.file("opsbook.toml", "title = \"Fixture Book\"\n")
        .file("content/ops/_index.md", &page("Ops", ""))
        .file("content/about.md", &page("About", ""));
    site.build_ok();

    assert!(site.has_output("/"), "public/index.html is missing");
    let home = site.html("/");
    assert_eq!(select_text(&home, "title"), ["Fixture Book"]);
    assert_eq!(
        select_text(&home, "section.children ul.child-list a"),
        ["About", "Ops"]
    );
}

// ---------------------------------------------------------------------- TOC

const TOC_PAGE: &str = "\
# Body title

## Intro

### Details

#### Deeper

##### Too deep

## Intro

## Intro

## Custom {#my-id}

## What's new? (2024)
";

#[test]
fn toc_holds_h2_to_h4_nested() {
    let (_site, html) = one_page_site(TOC_PAGE, None);

    assert_eq!(
        select_attr(&html, "nav#TableOfContents a", "href"),
        [
            "#intro",
            "#details",
            "#deeper",
            "#intro-1",
            "#intro-2",
            "#my-id",
            "#whats-new-2024"
        ],
        "h2-h4 only, in document order"
    );
    assert_eq!(
        select_attr(&html, "nav#TableOfContents > ul > li > a", "href"),
        [
            "#intro",
            "#intro-1",
            "#intro-2",
            "#my-id",
            "#whats-new-2024"
        ]
    );
    assert_eq!(
        select_attr(&html, "nav#TableOfContents > ul > li > ul > li > a", "href"),
        ["#details"]
    );
    assert_eq!(
        select_attr(
            &html,
            "nav#TableOfContents > ul > li > ul > li > ul > li > a",
            "href"
        ),
        ["#deeper"]
    );
    assert_eq!(
        select_text(&html, "nav#TableOfContents > ul > li > a"),
        ["Intro", "Intro", "Intro", "Custom", "What’s new? (2024)"]
    );
}

#[test]
fn headings_get_unique_slug_ids_and_anchors() {
    let (_site, html) = one_page_site(TOC_PAGE, None);

    let prose = ".prose :is(h1, h2, h3, h4, h5, h6)";
    assert_eq!(
        select_attr(&html, prose, "id"),
        [
            "body-title",
            "intro",
            "details",
            "deeper",
            "too-deep",
            "intro-1",
            "intro-2",
            "my-id",
            "whats-new-2024"
        ]
    );
    for h in html.select(&common::selector(prose)) {
        let id = h.value().attr("id").unwrap();
        let anchors: Vec<_> = h
            .select(&common::selector("a.anchor"))
            .map(|a| a.value().attr("href").unwrap_or(""))
            .collect();
        assert_eq!(anchors, [format!("#{id}")], "anchor of heading #{id}");
    }
    // The custom id's braces do not leak into the heading text.
    assert!(!all_text(&html).contains("{#my-id}"));
}

#[test]
fn toc_hide_removes_the_aside() {
    let site = Site::new();
    site.file(
        "content/hidden.md",
        "---\ntitle: Hidden\ntoc_hide: true\n---\n## One\n\n## Two\n",
    )
    .file("content/shown.md", &page("Shown", "## One\n\n## Two\n"));
    site.build_ok();

    let hidden = site.html("/hidden/");
    assert_eq!(count(&hidden, "aside.toc"), 0);
    assert_eq!(count(&hidden, "nav#TableOfContents"), 0);
    assert_eq!(count(&hidden, ".prose h2#one"), 1, "headings still render");

    let shown = site.html("/shown/");
    assert_eq!(count(&shown, "aside.toc nav#TableOfContents"), 1);
}

// --------------------------------------------------------------- shortcodes

#[test]
fn details_markdown_form_renders_inner_markdown_and_joins_toc() {
    let (_site, html) = one_page_site(
        "## Before\n\n{{% details summary=\"Show the log\" %}}\nSome **bold** text.\n\n## Inside heading\n\n- one\n- two\n{{% /details %}}\n\nAfter.\n",
        None,
    );

    assert_eq!(select_text(&html, "details > summary"), ["Show the log"]);
    assert_eq!(select_text(&html, "details strong"), ["bold"]);
    assert_eq!(select_text(&html, "details li"), ["one", "two"]);
    assert_eq!(count(&html, "details h2#inside-heading"), 1);
    assert_eq!(
        select_attr(&html, "nav#TableOfContents a", "href"),
        ["#before", "#inside-heading"]
    );
    assert!(!all_text(&html).contains("**"), "markdown left unrendered");
}

#[test]
fn alert_shortcode() {
    let (_site, html) = one_page_site(
        "{{% alert title=\"Heads up\" color=\"warning\" %}}\nMind the *gap*.\n{{% /alert %}}\n",
        None,
    );

    assert_eq!(count(&html, "div.alert.alert-warning"), 1);
    assert_eq!(
        select_text(&html, "div.alert.alert-warning .alert-heading"),
        ["Heads up"]
    );
    assert_eq!(select_text(&html, "div.alert.alert-warning em"), ["gap"]);
}

#[test]
fn youtube_positional_and_named() {
    let (_site, html) = one_page_site(
        "{{< youtube dQw4w9WgXcQ >}}\n\n{{< youtube id=\"abc_DEF-1\" >}}\n",
        None,
    );

    let srcs = select_attr(&html, "iframe", "src");
    assert_eq!(srcs.len(), 2, "{srcs:?}");
    assert!(
        srcs[0].contains("youtube-nocookie.com/embed/dQw4w9WgXcQ"),
        "{srcs:?}"
    );
    assert!(
        srcs[1].contains("youtube-nocookie.com/embed/abc_DEF-1"),
        "{srcs:?}"
    );
    // Block output is not wrapped in a paragraph.
    assert_eq!(count(&html, "p iframe"), 0);
}

#[test]
fn nested_shortcodes() {
    let (_site, html) = one_page_site(
        "{{% details summary=\"Outer\" %}}\n{{% details summary=\"Inner\" %}}\n{{% alert title=\"Deep\" color=\"danger\" %}}\nDeep *text*.\n{{% /alert %}}\n{{% /details %}}\n{{% /details %}}\n\n\
             {{< details summary=\"H-outer\" >}}{{< alert color=\"info\" >}}html inner{{< /alert >}}{{< /details >}}\n",
        None,
    );

    assert_eq!(
        select_text(&html, "details > summary"),
        ["Outer", "Inner", "H-outer"]
    );
    assert_eq!(
        select_text(
            &html,
            "details > details > div.alert.alert-danger .alert-heading"
        ),
        ["Deep"]
    );
    assert_eq!(
        select_text(&html, "details > details > div.alert.alert-danger em"),
        ["text"]
    );
    assert_eq!(
        select_text(&html, "details > div.alert.alert-info"),
        ["html inner"]
    );
}

/// Site shortcodes used by the shortcode tests.
fn site_with_shortcodes() -> Site {
    let site = Site::new();
    site.file(
        "templates/shortcodes/x.html",
        "<span class=\"x\">x:{{ args.who }}</span>",
    )
    .file(
        "templates/shortcodes/team/card.html",
        "<div class=\"card\" data-name=\"{{ args.name }}\">\
         {%- if inner %}<p class=\"card-inner\">{{ inner }}</p>{% endif -%}\
         </div>",
    )
    .file(
        "templates/shortcodes/pos.html",
        "<span class=\"pos\">{{ pos[0] }}|{{ pos[1] }}|{{ pos[2] }}</span>",
    )
    .file(
        "templates/shortcodes/args.html",
        "<span class=\"args\" data-quoted=\"{{ args.quoted }}\" data-raw=\"{{ args.raw }}\" data-bare=\"{{ args.bare }}\"></span>",
    )
    .file(
        "templates/shortcodes/box.html",
        "<div class=\"box\">\n\n{{ inner }}\n\n</div>",
    );
    site
}

#[test]
fn self_closing_shortcodes() {
    let site = site_with_shortcodes();
    site.file(
        "content/p.md",
        &page(
            "Self",
            "{{< youtube id=\"selfclose\" />}}\n\n{{< x who=\"me\" />}}\n\n{{< team/card name=\"solo\" />}}\n\nEnd.\n",
        ),
    );
    site.build_ok();
    let html = site.html("/p/");

    assert_eq!(
        select_attr(&html, "iframe", "src")
            .iter()
            .filter(|s| s.contains("embed/selfclose"))
            .count(),
        1
    );
    assert_eq!(select_text(&html, "span.x"), ["x:me"]);
    assert_eq!(select_attr(&html, "div.card", "data-name"), ["solo"]);
    assert_eq!(count(&html, "div.card p.card-inner"), 0);
    assert_eq!(select_text(&html, ".prose p"), ["End."]);
}

#[test]
fn site_shortcodes_with_named_positional_and_inner() {
    let site = site_with_shortcodes();
    site.file(
        "content/p.md",
        &page(
            "Site",
            "{{< x who=\"you\" >}}\n\n\
             {{< team/card name=\"a\" />}}\n\n\
             {{< team/card name=\"b\" >}}plain inner text{{< /team/card >}}\n\n\
             {{< pos first \"second arg\" `third` >}}\n",
        ),
    );
    site.build_ok();
    let html = site.html("/p/");

    assert_eq!(select_text(&html, "span.x"), ["x:you"]);
    assert_eq!(select_attr(&html, "div.card", "data-name"), ["a", "b"]);
    assert_eq!(
        select_text(&html, "div.card p.card-inner"),
        ["plain inner text"],
        "only the call with a closing tag has inner text"
    );
    assert_eq!(select_text(&html, "span.pos"), ["first|second arg|third"]);
}

#[test]
fn quoted_raw_and_bare_argument_values() {
    let site = site_with_shortcodes();
    site.file(
        "content/p.md",
        &page(
            "Args",
            "{{< args quoted=\"two words \\\"q\\\"\" raw=`C:\\path \"as is\"` bare=plain-value >}}\n",
        ),
    );
    site.build_ok();
    let html = site.html("/p/");

    let span = first(&html, "span.args");
    assert_eq!(span.value().attr("data-quoted"), Some("two words \"q\""));
    assert_eq!(span.value().attr("data-raw"), Some("C:\\path \"as is\""));
    assert_eq!(span.value().attr("data-bare"), Some("plain-value"));
}

#[test]
fn escaped_shortcodes_print_literally() {
    let (_site, html) = one_page_site(
        "Write {{</* alert */>}} for a call-out and {{%/* details summary=\"S\" */%}} for a fold.\n",
        None,
    );

    let text = select_text(&html, ".prose p").join("\n");
    assert!(text.contains("{{< alert >}}"), "{text}");
    // Printed as markdown text, so with smart quotes (Hugo's default).
    assert!(text.contains("{{% details summary=“S” %}}"), "{text}");
    assert!(!text.contains("/*"), "{text}");
    assert_eq!(count(&html, "div.alert"), 0);
    assert_eq!(count(&html, "details"), 0);
}

#[test]
fn inner_is_raw_in_angle_form_and_rendered_in_percent_form() {
    let site = site_with_shortcodes();
    site.file(
        "content/p.md",
        &page(
            "Inner",
            "{{% details summary=\"md\" %}}\n**rendered**\n{{% /details %}}\n\n\
             {{< details summary=\"raw\" >}}**not rendered**{{< /details >}}\n\n\
             {{% box %}}\n*site rendered*\n{{% /box %}}\n\n\
             {{< box >}}*site raw*{{< /box >}}\n",
        ),
    );
    site.build_ok();
    let html = site.html("/p/");

    assert_eq!(select_text(&html, "details strong"), ["rendered"]);
    let details = select_text(&html, "details");
    assert!(details[1].contains("**not rendered**"), "{details:?}");
    assert_eq!(select_text(&html, "div.box em"), ["site rendered"]);
    let boxes = select_text(&html, "div.box");
    assert_eq!(boxes.len(), 2, "{boxes:?}");
    assert!(boxes[1].contains("*site raw*"), "{boxes:?}");
    assert_eq!(count(&html, "div.box em"), 1);
}

// ----------------------------------------------------------------- kramdown

#[test]
fn kramdown_toc_no_toc_and_attribute_lines() {
    let (_site, html) = one_page_site(
        "## On this page\n{:.no_toc}\n\n- TOC\n{:toc}\n\n## Alpha\n\nA paragraph.\n{: .alert .alert-info}\n\n### Beta\n\n## Gamma\n",
        None,
    );

    assert_eq!(
        select_attr(&html, "nav.toc-inline a", "href"),
        ["#alpha", "#beta", "#gamma"]
    );
    assert_eq!(
        select_attr(&html, "nav#TableOfContents a", "href"),
        ["#alpha", "#beta", "#gamma"]
    );
    assert_eq!(
        count(&html, ".prose h2#on-this-page"),
        1,
        "a no_toc heading still renders with its id"
    );
    assert_eq!(count(&html, ".prose h2.no_toc"), 0, "no_toc is not a class");
    let text = all_text(&html);
    assert!(!text.contains("{:"), "an attribute line leaked:\n{text}");
    assert!(
        !select_text(&html, ".prose li").iter().any(|l| l == "TOC"),
        "the `- TOC` item is replaced"
    );
    assert_eq!(select_text(&html, ".prose p"), ["A paragraph."]);
}

// --------------------------------------------------------------------- code

#[test]
fn fenced_yaml_is_highlighted() {
    let (_site, html) = one_page_site("```yaml\nservice: api # the name\nreplicas: 3\n```\n", None);

    let code = first(&html, "pre.highlight code.language-yaml");
    assert!(
        code.select(&common::selector("span[class^=hl-]"))
            .next()
            .is_some(),
        "no highlight tokens in: {}",
        code.html()
    );
    assert_eq!(
        code.text().collect::<String>(),
        "service: api # the name\nreplicas: 3\n",
        "highlighting keeps the code text"
    );
}

#[test]
fn unknown_language_is_plain_escaped_code() {
    let (site, html) = one_page_site("```xyz\nif a < b && c > d { \"<b>\" }\n```\n", None);

    let code = first(&html, "pre > code.language-xyz");
    assert_eq!(
        code.text().collect::<String>(),
        "if a < b && c > d { \"<b>\" }\n"
    );
    assert_eq!(count(&html, "pre.highlight"), 0);
    assert_eq!(count(&html, "pre b"), 0, "code must be escaped");
    assert!(site.output("/p/").contains("&lt;b&gt;"));
}

// -------------------------------------------------------------------- links

fn site_with_links() -> Site {
    let site = Site::new();
    site.file("content/_index.md", &page("Home", ""))
        .file("content/handbook/_index.md", &page("Handbook", ""))
        .file("content/handbook/x.md", &page("X", ""))
        .file("content/a/b.md", &page("B", "## Frag\n"))
        .file(
            "content/handbook/page.md",
            &page(
                "Links",
                "[root](/handbook/x/) [md](../a/b.md#frag) [ext](https://example.com/handbook/x/) [frag](#top)\n",
            ),
        );
    site
}

fn assert_sub_path_links(site: &Site) {
    let html = site.html("/handbook/page/");
    assert_eq!(
        select_attr(&html, ".prose a", "href"),
        [
            "/project/handbook/x/",
            "/project/a/b/#frag",
            "https://example.com/handbook/x/",
            "#top"
        ]
    );
    let sheets = select_attr(&html, "link[rel=stylesheet]", "href");
    assert!(
        sheets.iter().any(|s| s == "/project/css/style.css"),
        "{sheets:?}"
    );
    assert!(
        select_attr(&html, "nav.sidebar a", "href")
            .iter()
            .all(|h| h.starts_with("/project/")),
        "sidebar links carry the base path"
    );
    assert_eq!(
        select_attr(&html, "nav.breadcrumbs a", "href"),
        ["/project/", "/project/handbook/"]
    );
}

#[test]
fn sub_path_base_url_from_config() {
    let site = site_with_links();
    site.file(
        "opsbook.toml",
        "base_url = \"https://group.gitlab.io/project/\"\n",
    );
    site.build_ok();
    assert_sub_path_links(&site);
}

#[test]
fn sub_path_base_url_from_flag() {
    let site = site_with_links();
    site.file(
        "opsbook.toml",
        "base_url = \"https://elsewhere.example/\"\n",
    );
    site.build_with(&["--base-url", "https://group.gitlab.io/project"])
        .assert_success();
    assert_sub_path_links(&site);
    assert!(
        site.output("/sitemap.xml")
            .contains("<loc>https://group.gitlab.io/project/handbook/x/</loc>"),
        "the flag wins over opsbook.toml"
    );
}

// ------------------------------------------------------------------ aliases

#[test]
fn alias_writes_a_redirect() {
    let site = Site::new();
    site.file(
        "content/handbook/new.md",
        "---\ntitle: New home\naliases: [\"/old/path/\", \"/older.html\"]\n---\nMoved.\n",
    );
    site.build_ok();

    for alias in ["/old/path/", "/older.html"] {
        assert!(site.has_output(alias), "no redirect at {alias}");
        let html = site.html(alias);
        assert_eq!(
            select_attr(&html, "meta[http-equiv=refresh]", "content"),
            ["0; url=/handbook/new/"],
            "redirect at {alias}"
        );
    }
}

#[test]
fn alias_with_dotdot_is_an_error() {
    let site = Site::new();
    site.file(
        "content/p.md",
        "---\ntitle: P\naliases: [\"/ok/\", \"/../escape/\"]\n---\nx\n",
    );
    let out = site.build();
    out.assert_failure()
        .assert_stderr_has(&["content/p.md:3:", "/../escape/"]);
    assert!(!site.public().exists(), "a failed build wrote public/");
    assert!(!site.root().parent().unwrap().join("escape").exists());
}

// ------------------------------------------------------------------- drafts

#[test]
fn drafts_only_with_flag() {
    let site = Site::new();
    site.file("content/_index.md", &page("Home", ""))
        .file("content/done.md", &page("Done", ""))
        .file(
            "content/wip.md",
            "---\ntitle: Work in progress\ndraft: true\n---\nSoon.\n",
        );

    site.build_ok();
    assert!(site.has_output("/done/"));
    assert!(!site.has_output("/wip/"), "a draft was published");
    assert!(!site.output("/sitemap.xml").contains("/wip/"));
    assert_eq!(
        select_text(&site.html("/"), "section.children ul.child-list a"),
        ["Done"],
        "a draft is listed"
    );

    site.build_with(&["--drafts"]).assert_success();
    assert!(site.has_output("/wip/"));
    assert_eq!(
        select_text(&site.html("/wip/"), "article h1"),
        ["Work in progress"]
    );
}

// --------------------------------------------------------------------- CRLF

#[test]
fn crlf_page_renders() {
    let site = Site::new();
    site.file(
        "content/crlf.md",
        "---\r\ntitle: \"CRLF page\"\r\ndescription: Windows line endings\r\n---\r\n\r\n## First heading\r\n\r\n- item one\r\n- item two\r\n\r\n{{% details summary=\"More\" %}}\r\n### Inner\r\n{{% /details %}}\r\n",
    )
    .file(
        "content/crlf-toml.md",
        "+++\r\ntitle = \"TOML CRLF\"\r\n+++\r\n## Toml heading\r\n",
    );
    site.build_ok();

    let html = site.html("/crlf/");
    assert_eq!(select_text(&html, "article h1"), ["CRLF page"]);
    assert_eq!(select_text(&html, "p.lead"), ["Windows line endings"]);
    assert_eq!(
        select_attr(&html, ".prose :is(h2, h3)", "id"),
        ["first-heading", "inner"]
    );
    assert_eq!(
        select_text(&html, ".prose ul > li"),
        ["item one", "item two"]
    );
    assert_eq!(select_text(&html, "details > summary"), ["More"]);
    assert!(!site.output("/crlf/").contains('\r'));

    let toml = site.html("/crlf-toml/");
    assert_eq!(select_text(&toml, "article h1"), ["TOML CRLF"]);
    assert_eq!(count(&toml, ".prose h2#toml-heading"), 1);
}

// ------------------------------------------------------------ front matter

/// A site `page.html` that prints front matter keys opsbook does not know.
/// It keeps the theme's `after_content` block, which the theme's
/// `section.html` fills, and guards keys that not every page has (Tera 2
/// fails on undefined fields).
const TEAM_PAGE_TEMPLATE: &str = "\
{% extends \"base.html\" %}
{% block main %}
<article class=\"custom\">
<h1 class=\"custom-title\">{{ page.title }}</h1>
{% if page.extra.owning_team %}<p class=\"team\">{{ page.extra.owning_team }}</p>{% endif %}
{% if page.extra.links %}<p class=\"oncall\">{{ page.extra.links.oncall }}</p>{% endif %}
{{ page.content | safe }}
{% block after_content %}{% endblock after_content %}
</article>
{% endblock main %}
";

#[test]
fn yaml_and_toml_front_matter_keep_extra_keys() {
    let site = Site::new();
    site.file("templates/page.html", TEAM_PAGE_TEMPLATE)
        .file(
            "content/yaml.md",
            "---\ntitle: From YAML\nowning_team: sre-yaml\nlinks:\n  oncall: \"#yaml-oncall\"\n---\nYAML body.\n",
        )
        .file(
            "content/toml.md",
            "+++\ntitle = \"From TOML\"\nowning_team = \"sre-toml\"\nlast_reviewed = 2026-01-31\n[links]\noncall = \"#toml-oncall\"\n+++\nTOML body.\n",
        );
    site.build_ok();

    let yaml = site.html("/yaml/");
    assert_eq!(select_text(&yaml, "h1.custom-title"), ["From YAML"]);
    assert_eq!(select_text(&yaml, "p.team"), ["sre-yaml"]);
    assert_eq!(select_text(&yaml, "p.oncall"), ["#yaml-oncall"]);
    assert!(select_text(&yaml, "article.custom p").contains(&"YAML body.".to_string()));

    let toml = site.html("/toml/");
    assert_eq!(select_text(&toml, "h1.custom-title"), ["From TOML"]);
    assert_eq!(select_text(&toml, "p.team"), ["sre-toml"]);
    assert_eq!(select_text(&toml, "p.oncall"), ["#toml-oncall"]);
}

#[test]
fn site_templates_override_the_theme() {
    let site = Site::new();
    site.file("templates/page.html", TEAM_PAGE_TEMPLATE)
        .file("content/_index.md", &page("Home", ""))
        .file("content/ops/_index.md", &page("Ops", ""))
        .file(
            "content/ops/p.md",
            "---\ntitle: Custom\nowning_team: ops\n---\n## Body\n",
        );
    site.build_ok();

    let html = site.html("/ops/p/");
    assert_eq!(count(&html, "article.custom"), 1);
    assert_eq!(
        count(&html, "article.page"),
        0,
        "the theme's page.html was used"
    );
    assert_eq!(
        count(&html, "nav.sidebar"),
        1,
        "the theme's base.html still applies"
    );
    assert_eq!(select_text(&html, "p.team"), ["ops"]);
    // Sections keep the theme's section.html: overriding page.html does not
    // change them.
    let section = site.html("/ops/");
    assert_eq!(count(&section, "article.custom"), 0);
    assert_eq!(
        select_text(&section, "section.children ul.child-list a"),
        ["Custom"]
    );
}

/// A site's `page.html` written from scratch (no `after_content` block) must
/// not break the theme's section and home pages.
#[test]
fn minimal_page_template_override_keeps_sections_building() {
    let site = Site::new();
    site.file(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}<article class=\"mine\">{{ page.content | safe }}</article>{% endblock main %}\n",
    )
    .file("content/_index.md", &page("Home", ""))
    .file("content/ops/_index.md", &page("Ops", ""))
    .file("content/ops/p.md", &page("P", "Body.\n"));
    site.build_ok();

    assert_eq!(count(&site.html("/ops/p/"), "article.mine"), 1);
    assert!(site.has_output("/ops/"));
    assert!(site.has_output("/"));
}

#[test]
fn site_static_files_override_the_theme() {
    let site = Site::new();
    site.file(
        "static/css/style.css",
        "/* site stylesheet */\nbody { color: red }\n",
    )
    .file("static/img/logo.svg", "<svg/>")
    .file("content/p.md", &page("P", ""));
    site.build_ok();

    assert_eq!(
        std::fs::read_to_string(site.public().join("css/style.css")).unwrap(),
        "/* site stylesheet */\nbody { color: red }\n"
    );
    assert!(
        site.public().join("css/highlight.css").is_file(),
        "theme files the site does not override are kept"
    );
    assert_eq!(
        std::fs::read_to_string(site.public().join("img/logo.svg")).unwrap(),
        "<svg/>"
    );
}

// -------------------------------------------------------------- leaf bundle

#[test]
fn leaf_bundle_copies_its_files() {
    let png: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR fake image bytes";
    let site = Site::new();
    site.file(
        "content/a/b/index.md",
        &page("Bundle", "![diagram](pic.png)\n"),
    )
    .bytes("content/a/b/pic.png", png);
    site.build_ok();

    assert!(site.has_output("/a/b/"));
    assert_eq!(select_text(&site.html("/a/b/"), "article h1"), ["Bundle"]);
    assert_eq!(
        std::fs::read(site.public().join("a/b/pic.png")).unwrap(),
        png
    );
    assert_eq!(
        select_attr(&site.html("/a/b/"), ".prose img", "src"),
        ["pic.png"]
    );
    assert!(
        !site.public().join("a/b/index/index.html").exists(),
        "index.md is the bundle's page, not a page of its own"
    );
}

// ------------------------------------------------------- sitemap and 404

#[test]
fn sitemap_lists_every_page_with_base_url() {
    let site = Site::new();
    site.file("opsbook.toml", "base_url = \"https://example.org/docs/\"\n")
        .file("content/_index.md", &page("Home", ""))
        .file("content/ops/_index.md", &page("Ops", ""))
        .file("content/ops/a.md", &page("A", ""))
        .file("content/b/index.md", &page("B", ""))
        .file("content/draft.md", "---\ntitle: D\ndraft: true\n---\n");
    site.build_ok();

    let xml = site.output("/sitemap.xml");
    let locs: Vec<&str> = xml
        .split("<loc>")
        .skip(1)
        .map(|s| s.split("</loc>").next().unwrap())
        .collect();
    assert_eq!(
        locs,
        [
            "https://example.org/docs/",
            "https://example.org/docs/b/",
            "https://example.org/docs/ops/",
            "https://example.org/docs/ops/a/"
        ]
    );
    assert!(xml.starts_with("<?xml"));
}

#[test]
fn not_found_page_exists() {
    let site = Site::new();
    site.file("opsbook.toml", "base_url = \"https://example.org/docs/\"\n")
        .file("content/p.md", &page("P", ""));
    site.build_ok();

    assert!(site.public().join("404.html").is_file());
    let html = site.html("/404.html");
    assert_eq!(select_text(&html, "h1"), ["Page not found"]);
    let sheets = select_attr(&html, "link[rel=stylesheet]", "href");
    assert!(
        sheets.iter().any(|s| s == "/docs/css/style.css"),
        "{sheets:?}"
    );
}

// ------------------------------------------------------------- determinism

#[test]
fn builds_are_byte_identical() {
    let site = Site::new();
    site.file(
        "opsbook.toml",
        "title = \"Det\"\nbase_url = \"https://example.org/p/\"\n",
    )
    .file("content/_index.md", &page("Home", "{{< youtube abc >}}\n"))
    .file("static/extra.txt", "static\n")
    .bytes("content/s0/b/pic.png", b"\x89PNG\r\n");
    for s in 0..6 {
        site.file(
            &format!("content/s{s}/_index.md"),
            &weighted(&format!("Section {s}"), 6 - s, "## Intro\n"),
        );
        for p in 0..8 {
            site.file(
                &format!("content/s{s}/p{p}.md"),
                &format!(
                    "---\ntitle: Page {s}-{p}\naliases: [\"/old/{s}/{p}/\"]\n---\n## A\n\n{{{{% details summary=\"d\" %}}}}\n### B\n{{{{% /details %}}}}\n\n[x](/s0/p0/) [y](p{}.md)\n",
                    (p + 1) % 8
                ),
            );
        }
    }
    site.build_ok();
    let first_tree = site.output_tree();
    assert!(first_tree.len() > 50, "{} files", first_tree.len());

    site.build_ok();
    assert_same_tree(&first_tree, &site.output_tree());
}

#[test]
fn the_summary_says_where_the_site_was_written_and_help_has_examples() {
    let site = Site::new();
    site.file("content/_index.md", &page("Home", "Hello."));
    let out = site.build();
    out.assert_success();
    let public = site.public();
    out.assert_stderr_has(&[&format!("into {}", public.display())]);
    let help = site.run(&["--help"]);
    assert!(help.stdout.contains("Examples:"), "{}", help.stdout);
    assert!(
        help.stdout.contains("opsbook pull --month"),
        "{}",
        help.stdout
    );
}
