//! Content and shortcodes a Hugo handbook already has (issue 10, items
//! 8–13, 15–17): each test is a minimal site built by the real binary, with
//! the HTML read by a real parser.

mod common;

use common::{Site, count, one_page_site, page, select_attr, select_text};

// ------------------------------------------------------------ shortcodes

#[test]
fn markdown_shortcode_inside_an_html_shortcode_has_its_markdown_rendered() {
    let (site, html) = one_page_site(
        "{{< details summary=\"Tab\" >}}\n{{% alert color=\"info\" %}}\n**bold** and [a link](https://example.org/)\n{{% /alert %}}\n{{< /details >}}\n",
        None,
    );
    assert_eq!(
        select_text(&html, "details .alert-info strong"),
        ["bold"],
        "{}",
        site.output("/p/")
    );
    assert_eq!(
        select_attr(&html, "details .alert-info a", "href"),
        ["https://example.org/"]
    );
    assert!(!site.output("/p/").contains("**bold**"));
}

/// The inner markdown of a nested `{{% %}}` reads as the rest of the page:
/// smart punctuation, emoji and bare links, or none of them when the site
/// turns them off.
#[test]
fn nested_markdown_follows_the_sites_markdown_switches() {
    let body = "{{< details summary=\"Tab\" >}}\n{{% alert color=\"info\" %}}\nDone :white_check_mark: -- see https://status.example\n{{% /alert %}}\n{{< /details >}}\n";
    let text = |config: Option<&str>| {
        let (_site, html) = one_page_site(body, config);
        let links = select_attr(&html, "details .alert-info a", "href");
        (select_text(&html, "details .alert-info p").join(""), links)
    };
    let (on, links) = text(None);
    assert_eq!(on, "Done ✅ – see https://status.example");
    assert_eq!(links, ["https://status.example"]);
    let (off, links) = text(Some(
        "[markdown]\nsmart_punctuation = false\nemoji = false\nlinkify = false\n",
    ));
    assert_eq!(off, "Done :white_check_mark: -- see https://status.example");
    assert!(links.is_empty());
}
/// Links in a nested `{{% %}}` are a page's links: the base path on
/// root-relative ones, `.md` files turned into page URLs, and broken ones
/// reported at their file:line:column like those outside it.
#[test]
fn nested_markdown_links_are_rewritten_and_checked_as_the_pages_own() {
    let site = Site::new();
    site.file(
        "opsbook.toml",
        "title = \"T\"\nbase_url = \"https://example.org/handbook/\"\n",
    )
    .file(
        "templates/shortcodes/tabs.html",
        "<div class=\"tabs\">{{ inner | safe }}</div>",
    )
    .file(
        "templates/shortcodes/tab.html",
        "<section class=\"tab\">\n\n{{ inner }}\n\n</section>",
    )
    .file("content/guide/_index.md", &page("Guide", "## Top\n"))
    .file("content/guide/setup.md", &page("Setup", "Text.\n"))
    .file(
        "content/team/p.md",
        &page(
            "P",
            "[out](/guide/) [gone out](/nowhere/)\n\n\
             {{< tabs >}}\n{{% tab %}}\n\
             [root](/guide/) [md](../guide/setup.md) [dir](../guide/_index.md#top)\n\
             [gone](/nowhere/) and [old](old.md)\n\
             {{% /tab %}}\n{{< /tabs >}}\n",
        ),
    );
    let out = site.build();
    out.assert_success().assert_stderr_has(&[
        "content/team/p.md:4:16",
        "content/team/p.md:9:1",
        "broken link `/nowhere/`: no page or file at this path",
        "content/team/p.md:9:23",
        "broken link `old.md`: no such page",
    ]);
    let broken: Vec<&str> = out
        .stderr
        .lines()
        .filter(|l| l.contains("broken link"))
        .collect();
    assert_eq!(broken.len(), 3, "only the broken ones: {}", out.stderr);
    let html = site.html("/team/p/");
    assert_eq!(
        select_attr(&html, ".tabs .tab a", "href"),
        [
            "/handbook/guide/",
            "/handbook/guide/setup/",
            "/handbook/guide/#top",
            "/handbook/nowhere/",
            "/handbook/team/old/",
        ],
        "{}",
        site.output("/team/p/")
    );
}

#[test]
fn named_arguments_may_have_spaces_around_the_equals_sign() {
    let (_site, html) = one_page_site(
        "{{< alert color = \"warning\" title= \"Heads up\" >}}x{{< /alert >}}\n",
        None,
    );
    assert_eq!(count(&html, ".alert-warning"), 1);
    assert_eq!(
        select_text(&html, ".alert-warning .alert-heading"),
        ["Heads up"]
    );
}

// --------------------------------------------------------------- include

#[test]
fn include_inserts_another_files_markdown_with_its_shortcodes() {
    let site = Site::new();
    site.file(
        "content/shared/oncall.md",
        "---\ntitle: Snippet\n_build:\n  render: never\n---\n## Paging rules\n\nPage **once**.\n\n{{< youtube abc >}}\n",
    )
    .file(
        "content/a.md",
        &page(
            "A",
            "Intro\n\n{{% include \"shared/oncall.md\" %}}\n\n{{< include \"/content/shared/oncall.md\" >}}\n",
        ),
    );
    site.build_ok();
    let html = site.html("/a/");
    assert_eq!(select_text(&html, "h2#paging-rules"), ["Paging rules#"]);
    assert_eq!(count(&html, ".prose strong"), 2, "{}", site.output("/a/"));
    assert_eq!(count(&html, ".prose iframe"), 2);
    let text = site.output("/a/");
    assert!(!text.contains("render: never") && !text.contains("title: Snippet"));
    // The snippet itself is not a page.
    assert!(!site.has_output("/shared/oncall/"));
}

#[test]
fn include_cycles_and_missing_files_are_errors_with_their_place() {
    let site = Site::new();
    site.file("content/a.md", &page("A", "{{% include \"b.md\" %}}\n"))
        .file(
            "content/b.md",
            &page("B", "text\n\n{{% include \"a.md\" %}}\n"),
        )
        .file(
            "content/c.md",
            &page("C", "one\n\n{{< include \"nope.md\" >}}\n"),
        )
        .file("content/d.md", &page("D", "{{< include \"bad.md\" >}}\n"))
        .file("content/bad.md", &page("Bad", "x\n{{< nosuch >}}\n"));
    site.build().assert_failure().assert_stderr_has(&[
        "include cycle: a.md → b.md → a.md",
        "include cycle: b.md → a.md → b.md",
        "content/c.md:6:1",
        "cannot include `nope.md`: no file content/nope.md",
        // An error inside an included file is located in that file, and
        // the page's include call is named.
        "content/bad.md:5:1",
        "unknown shortcode `nosuch`",
        "content/d.md:4:1",
        "included from here",
    ]);
}

#[test]
fn include_cannot_leave_content() {
    let site = Site::new();
    site.file("secret.md", "s3cr3t\n").file(
        "content/a.md",
        &page("A", "{{% include \"../secret.md\" %}}\n"),
    );
    let out = site.build();
    out.assert_failure()
        .assert_stderr_has(&["content/a.md:4:1", "inside content/"]);
    assert!(!out.stderr.contains("s3cr3t"));
}

// -------------------------------------------------- unknown shortcodes

#[test]
fn unknown_shortcodes_warn_with_placeholders_and_one_list() {
    let site = Site::new();
    site.file("opsbook.toml", "[shortcodes]\nunknown = \"warn\"\n")
        .file(
            "content/a.md",
            &page("A", "x {{< foo a=1 >}} y\n\n{{< foo >}}\n"),
        )
        .file(
            "content/b.md",
            &page("B", "{{< foo >}}\n\n{{% bar %}}\n**in**\n{{% /bar %}}\n"),
        );
    let out = site.build_ok();
    assert_eq!(
        select_text(&site.html("/a/"), "span.shortcode-missing"),
        ["{{< foo >}}", "{{< foo >}}"]
    );
    let b = site.html("/b/");
    assert_eq!(
        select_text(&b, "span.shortcode-missing"),
        ["{{< foo >}}", "{{% bar %}}", "{{% /bar %}}"]
    );
    assert_eq!(select_text(&b, ".prose strong"), ["in"]);
    // One warning for the whole build, each name once with its uses.
    out.assert_stderr_has(&[
        "2 unknown shortcodes rendered as placeholders: `bar` (1 use), `foo` (3 uses)",
    ]);
    assert_eq!(
        out.stderr.matches("unknown shortcode").count(),
        1,
        "{}",
        out.stderr
    );
}

#[test]
fn unknown_shortcodes_are_errors_by_default() {
    let site = Site::new();
    site.file("content/a.md", &page("A", "x\n{{< foo >}}\n"));
    site.build()
        .assert_failure()
        .assert_stderr_has(&["content/a.md:5:1", "unknown shortcode `foo`"]);
}

// ---------------------------------------------------------- front matter

#[test]
fn quoted_value_continued_at_column_0_builds_with_a_warning() {
    let site = Site::new();
    site.file(
        "content/p.md",
        "---\ntitle: \"Incident review\nprocess\"\ndescription: \"How we\nreview\"\n---\nBody\n",
    );
    site.build_ok().assert_stderr_has(&[
        "warning: quoted value continued at the start of a line",
        "content/p.md:3:1",
        "content/p.md:5:1",
    ]);
    let html = site.html("/p/");
    assert_eq!(select_text(&html, "h1"), ["Incident review process"]);
    assert_eq!(select_text(&html, "p.lead"), ["How we review"]);
}

#[test]
fn a_real_yaml_syntax_error_stays_an_error() {
    let site = Site::new();
    site.file("content/p.md", "---\ntitle: \"Open\nstill: [1\n---\nBody\n");
    site.build()
        .assert_failure()
        .assert_stderr_has(&["invalid YAML front matter", "content/p.md:"]);
}

#[test]
fn capitalised_front_matter_keys_read_as_hugo() {
    let site = Site::new();
    site.file("content/s/_index.md", &page("S", ""))
        .file(
            "content/s/b.md",
            "---\nTitle: Second\nDescription: Said second\nWeight: 2\n---\nx\n",
        )
        .file(
            "content/s/a.md",
            "---\nTITLE: First\nWeight: 1\nDraft: false\n---\nx\n",
        );
    site.build_ok();
    let b = site.html("/s/b/");
    assert_eq!(select_text(&b, "h1"), ["Second"]);
    assert_eq!(select_text(&b, "p.lead"), ["Said second"]);
    assert_eq!(
        select_text(&site.html("/s/"), ".children li > a"),
        ["First", "Second"]
    );
}

#[test]
fn build_render_never_and_list_never_as_hugo() {
    let site = Site::new();
    site.file("content/s/_index.md", &page("S", ""))
        .file(
            "content/s/hidden.md",
            "---\ntitle: Hidden\nbuild:\n  render: never\n---\nx\n",
        )
        .file(
            "content/s/old.md",
            "---\ntitle: Old\n_build:\n  render: never\n  list: never\n---\nx\n",
        )
        .file(
            "content/s/unlisted.md",
            "---\ntitle: Unlisted\n_build:\n  list: never\n---\nx\n",
        )
        .file("content/s/shown.md", &page("Shown", "x\n"))
        .file("content/.gitlab/issue.md", &page("Template", "x\n"));
    site.build_ok();
    assert!(!site.has_output("/s/hidden/"));
    assert!(!site.has_output("/s/old/"));
    assert!(!site.has_output("/.gitlab/issue/"));
    assert!(!site.public().join(".gitlab").exists());
    assert_eq!(select_text(&site.html("/s/unlisted/"), "h1"), ["Unlisted"]);
    assert_eq!(
        select_text(&site.html("/s/"), ".children li > a"),
        ["Shown"]
    );
}

// ---------------------------------------------------------- HTML content

#[test]
fn html_content_files_with_front_matter_are_pages() {
    let site = Site::new();
    site.file(
        "content/_index.html",
        "---\ntitle: Welcome\n---\n<div class=\"raw\"><p>Hi **not markdown**</p>\n\n    <p>indented</p>\n{{< youtube abc >}}</div>\n",
    )
    .file(
        "content/team/page.html",
        "+++\ntitle = \"Team\"\n+++\n<section id=\"t\">{{% alert %}}**md**{{% /alert %}}</section>\n",
    )
    .file("content/team/plain.html", "<p>static</p>\n");
    site.build_ok();
    let home = site.html("/");
    assert_eq!(
        select_text(&home, ".raw > p"),
        ["Hi **not markdown**", "indented"]
    );
    assert_eq!(count(&home, ".raw iframe"), 1);
    assert_eq!(count(&home, "pre"), 0, "the HTML is not read as markdown");
    let team = site.html("/team/page/");
    assert_eq!(select_text(&team, "h1"), ["Team"]);
    assert_eq!(select_text(&team, "#t .alert strong"), ["md"]);
    assert!(!site.public().join("team/page.html").exists());
    // Without front matter an HTML file stays a static file.
    assert_eq!(
        std::fs::read_to_string(site.public().join("team/plain.html")).unwrap(),
        "<p>static</p>\n"
    );
}

/// Headings in `{{% %}}` markdown inside an HTML shortcode share the page's
/// ids: two tabs with the same heading, and the page's own heading of that
/// name, get three different ids.
#[test]
fn headings_in_nested_markdown_get_ids_unique_on_the_page() {
    let site = Site::new();
    site.file(
        "templates/shortcodes/tabs.html",
        "<div class=\"tabs\">{{ inner | safe }}</div>",
    )
    .file(
        "templates/shortcodes/tab.html",
        "<section class=\"tab\">\n\n{{ inner }}\n\n</section>",
    )
    .file("content/_index.md", &page("Home", ""))
    .file(
        "content/p.md",
        &page(
            "P",
            "## Steps\n\nPage.\n\n{{< tabs >}}\n{{% tab %}}\n### Steps\n\nOne.\n{{% /tab %}}\n\
             {{% tab %}}\n### Steps\n\nTwo.\n{{% /tab %}}\n{{< /tabs >}}\n",
        ),
    );
    site.build_ok();
    let html = site.html("/p/");
    let mut ids = select_attr(&html, "h2[id], h3[id]", "id");
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert!(ids.iter().all(|id| id.starts_with("steps")), "{ids:?}");
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "every heading id is unique: {ids:?}");
}
