//! Markdown as Hugo (goldmark) renders it by default (issue 10, items 1–7
//! and 14): the real binary builds a one-page site and the page body is
//! read with scraper, compared with the shape of Hugo's output.

mod common;

use common::{Site, count, first, one_page_site, page, select_attr, select_text};
use scraper::Html;

fn prose(body: &str) -> Html {
    prose_with(body, None)
}

fn prose_with(body: &str, config: Option<&str>) -> Html {
    let (_site, html) = one_page_site(body, config);
    Html::parse_fragment(&first(&html, "div.prose").inner_html())
}

fn text(html: &Html, css: &str) -> String {
    select_text(html, css).join("|")
}

// ------------------------------------------------ 1. smart punctuation

#[test]
fn smart_punctuation_by_default_never_in_code_urls_or_html() {
    let html = prose(
        "\"Quoted\" and it's 'single' -- en --- em...\n\n\
         `\"code\" -- x` [l](https://e.example/a--b) <span title=\"a--b\">\"raw\"</span>\n\n\
         ```\n\"block\" -- y\n```\n",
    );
    assert_eq!(
        text(&html, "p:first-child"),
        "“Quoted” and it’s ‘single’ – en — em…"
    );
    assert_eq!(text(&html, "p code"), "\"code\" -- x");
    assert_eq!(
        select_attr(&html, "p a", "href"),
        ["https://e.example/a--b"]
    );
    assert_eq!(select_attr(&html, "span", "title"), ["a--b"]);
    assert_eq!(text(&html, "pre code"), "\"block\" -- y");
}

#[test]
fn smart_punctuation_can_be_turned_off() {
    let html = prose_with(
        "\"Quoted\" -- it's...\n",
        Some("[markdown]\nsmart_punctuation = false\n"),
    );
    assert_eq!(text(&html, "p"), "\"Quoted\" -- it's...");
}

// ------------------------------------------------ 2. extended autolinks

#[test]
fn bare_urls_www_and_email_become_links() {
    let html = prose(
        "See https://status.example/x. Or www.example.com/a--b, mail ops@example.com.\n\n\
         (https://e.example/p_(q)) `https://code.example` [text](https://given.example) \
         <a href=\"/x\">https://raw.example</a>\n",
    );
    let links: Vec<(String, String)> = html
        .select(&common::selector("a"))
        .map(|a| {
            (
                a.value().attr("href").unwrap_or("").to_string(),
                a.text().collect(),
            )
        })
        .collect();
    let want = [
        ("https://status.example/x", "https://status.example/x"),
        ("https://www.example.com/a--b", "www.example.com/a--b"),
        ("mailto:ops@example.com", "ops@example.com"),
        ("https://e.example/p_(q)", "https://e.example/p_(q)"),
        ("https://given.example", "text"),
        ("/x", "https://raw.example"),
    ];
    assert_eq!(
        links,
        want.map(|(h, t)| (h.to_string(), t.to_string())),
        "{}",
        html.html()
    );
    assert_eq!(text(&html, "code"), "https://code.example");
}

/// Headings end in a whole `<a class="anchor">#</a>`: the text after the
/// first heading of a page was once taken for the inside of a link, and
/// neither linked nor given its emoji.
#[test]
fn bare_urls_and_emoji_after_headings_and_raw_links() {
    let html = prose(
        "## Common links\n\n- Initiatives: https://tracker.example/groups/42 :rocket:\n\n\
         ### More\n\n<a href=\"/x\">raw</a> then www.example.com :tada:\n",
    );
    assert_eq!(
        select_attr(&html, "li a, p a", "href"),
        [
            "https://tracker.example/groups/42",
            "/x",
            "https://www.example.com"
        ],
        "{}",
        html.html()
    );
    assert_eq!(
        text(&html, "li"),
        "Initiatives: https://tracker.example/groups/42 🚀"
    );
    assert!(text(&html, "p").ends_with("then www.example.com 🎉"));
    // A comment or an attribute value holding `<a` opens no link.
    let html = prose(
        "Text <!-- old <a href=\"x\"> --> then https://after.example :smile:\n\n\
         <span title=\"see <a href\">t</span> https://two.example\n",
    );
    assert_eq!(
        select_attr(&html, "p a", "href"),
        ["https://after.example", "https://two.example"],
        "{}",
        html.html()
    );
    assert!(text(&html, "p").contains('😄'));
}

#[test]
fn linkify_can_be_turned_off() {
    let html = prose_with(
        "See https://status.example and ops@example.com\n",
        Some("[markdown]\nlinkify = false\n"),
    );
    assert_eq!(count(&html, "a"), 0);
}

// ------------------------------------------------ 4. emoji

#[test]
fn emoji_shortcodes_but_not_in_code_and_unknown_ones_stay() {
    let html = prose("Done :white_check_mark: :foo: :+1:\n\n`:white_check_mark:`\n");
    assert_eq!(text(&html, "p:first-child"), "Done ✅ :foo: 👍");
    assert_eq!(text(&html, "code"), ":white_check_mark:");
    let off = prose_with(
        "Done :white_check_mark:\n",
        Some("[markdown]\nemoji = false\n"),
    );
    assert_eq!(text(&off, "p"), "Done :white_check_mark:");
}

// ------------------------------------------------ 5. heading ids

#[test]
fn heading_ids_as_hugo_makes_them() {
    let (_site, html) = one_page_site(HEADINGS, None);
    // What Hugo 0.168 writes for these headings, with its default smart
    // punctuation (`--` is an en dash, and dropped) and without it.
    let ids = select_attr(&html, "div.prose h2", "id");
    assert_eq!(
        ids,
        [
            "a--b",
            "use-x--y",
            "intro",
            "intro-1",
            "same",
            "same",
            "same-1",
            "heading",
            "its-quoted---done"
        ]
    );
    // The table of contents links the same ids.
    let toc = select_attr(&html, "nav#TableOfContents a", "href");
    assert_eq!(toc[0], "#a--b");
    assert_eq!(toc.len(), ids.len());
    let (_site, plain) = one_page_site(HEADINGS, Some("[markdown]\nsmart_punctuation = false\n"));
    let ids = select_attr(&plain, "div.prose h2", "id");
    assert_eq!(ids[0], "a----b");
    assert_eq!(ids[8], "its-quoted------done");
}

const HEADINGS: &str = "## A -- B\n\n## Use `x` & *y*\n\n## Intro\n\n## Intro\n\n## Fixed {#same}\n\n\
    ## Again {#same}\n\n## Same\n\n## ?!\n\n## It's \"quoted\" ... --- done\n";

// ------------------------------------------------ 6. footnotes

#[test]
fn footnotes_as_hugo_renders_them() {
    let html = prose("Second[^b] first[^a] again[^b].\n\n[^a]: Note A.\n[^b]: Note B.\n\nAfter.\n");
    let refs: Vec<(String, String)> = html
        .select(&common::selector("sup"))
        .map(|s| {
            let a = s
                .select(&common::selector("a.footnote-ref"))
                .next()
                .unwrap();
            assert_eq!(a.value().attr("role"), Some("doc-noteref"));
            (
                s.value().attr("id").unwrap().to_string(),
                a.value().attr("href").unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        ("fnref:1", "#fn:1"),
        ("fnref:2", "#fn:2"),
        ("fnref1:1", "#fn:1"),
    ];
    assert_eq!(refs, want.map(|(a, b)| (a.to_string(), b.to_string())));
    assert_eq!(count(&html, "div.footnotes[role=doc-endnotes]"), 1);
    assert_eq!(count(&html, "div.footnotes > hr"), 1);
    assert_eq!(
        select_attr(&html, "div.footnotes > ol > li", "id"),
        ["fn:1", "fn:2"]
    );
    assert_eq!(text(&html, "li#fn\\:1 > p"), "Note B.\u{a0}↩︎\u{a0}↩︎");
    assert_eq!(
        select_attr(
            &html,
            "li#fn\\:1 > p > a.footnote-backref[role=doc-backlink]",
            "href"
        ),
        ["#fnref:1", "#fnref1:1"]
    );
    // The notes come last, after the text that followed their definitions.
    let all = html.html();
    assert!(all.find("After.").unwrap() < all.find("class=\"footnotes\"").unwrap());
}

// ------------------------------------------------ 14. definition lists

#[test]
fn definition_lists() {
    let html = prose("SLO\n: Service level objective\n\nSLI\n: Service level indicator\n");
    assert_eq!(text(&html, "dl > dt"), "SLO|SLI");
    assert_eq!(
        text(&html, "dl > dd"),
        "Service level objective|Service level indicator"
    );
}

// ------------------------------------------------ 3. block attributes

#[test]
fn block_attribute_lines_set_attributes_sanitised() {
    let (_site, html) = one_page_site(
        "Intro\n{.lead #first}\n\n## Heading\n{#custom .wide}\n\n- a\n- b\n{style=\"color: red\" onclick=\"alert(1)\"}\n\n\
         | h |\n|---|\n| 1 |\n{.data title='t' href=\"javascript:alert(2)\"}\n\n> quoted\n{.note}\n\n\
         ```\n{.not-in-code}\n```\n",
        None,
    );
    let body = Html::parse_fragment(&first(&html, "div.prose").inner_html());
    assert_eq!(select_attr(&body, "p.lead", "id"), ["first"]);
    assert_eq!(text(&body, "p#first"), "Intro");
    assert_eq!(select_attr(&body, "h2.wide", "id"), ["custom"]);
    // The table of contents uses the id the attribute line gives.
    assert_eq!(
        select_attr(&html, "nav#TableOfContents a", "href"),
        ["#custom"]
    );
    assert_eq!(select_attr(&body, "ul", "style"), ["color: red"]);
    assert_eq!(select_attr(&body, "table.data", "title"), ["t"]);
    assert_eq!(count(&body, "blockquote.note"), 1);
    assert_eq!(text(&body, "pre code"), "{.not-in-code}");
    let raw = body.html();
    assert!(
        !raw.contains("onclick") && !raw.contains("javascript"),
        "{raw}"
    );
    assert_eq!(raw.matches("{.").count(), 1, "only the one in code: {raw}");
}

// ------------------------------------------------ 7. tables

#[test]
fn table_whose_header_has_fewer_cells_than_its_separator_is_a_table() {
    // goldmark pads the header (and rows) to the separator's cell count; a
    // header with more cells than the separator stays a paragraph there too.
    let html = prose(
        "| Service | Owner |\n|---|---|---|\n| web | ops | extra |\n\n| a | b |\n|---|\n| 1 | 2 |\n\n[l](/missing/)\n",
    );
    assert_eq!(count(&html, "table"), 1, "{}", html.html());
    assert_eq!(count(&html, "table thead th"), 3);
    assert_eq!(text(&html, "table tbody td"), "web|ops|extra");
    assert_eq!(count(&html, "p"), 2);
}

#[test]
fn link_warnings_point_at_their_line_after_padded_tables_and_attribute_lines() {
    let site = Site::new();
    site.file(
        "content/p.md",
        &page(
            "P",
            "| a |\n|---|---|\n| 1 | 2 |\n\nText\n{.x}\n\n[gone](/nowhere/)\n",
        ),
    );
    // Front matter is 3 lines: the link is on line 11.
    site.check_with(&[])
        .assert_stderr_has(&["content/p.md:11:1", "/nowhere/"]);
}

// ------------------------------------------------ Hugo's highlight and figure

#[test]
fn highlight_shortcode_is_a_highlighted_code_block() {
    let html = prose(
        "{{< highlight yaml \"hl_lines=2\" >}}\nkey: \"value\"\n<b>not html</b>\n{{< /highlight >}}\n\n\
         {{% highlight text %}}\nplain <i>\n\nsecond\n{{% /highlight %}}\n",
    );
    assert_eq!(select_attr(&html, "pre", "data-lang")[0], "yaml");
    assert!(count(&html, "pre span") > 0, "{}", html.html());
    assert_eq!(count(&html, "b"), 0);
    let code = select_text(&html, "pre code");
    assert_eq!(code[0], "key: \"value\"\n<b>not html</b>");
    assert_eq!(code[1], "plain <i>\n\nsecond");

    // Written indented under a list item: the shared indent goes.
    let html =
        prose("- item:\n\n  {{< highlight text >}}\n  first\n    nested\n  {{< /highlight >}}\n");
    assert_eq!(select_text(&html, "li pre code"), ["first\n  nested"]);
}

#[test]
fn figure_shortcode_writes_hugos_figure() {
    let html = prose(
        "{{< figure src=\"/img/a.png\" alt=\"A \\\"quoted\\\" alt\" title=\"T\" caption=\"With *emphasis*\" \
         link=\"https://example.com/a\" target=\"_blank\" >}}\n\n{{< figure src=\"b.png\" >}}\n",
    );
    assert_eq!(count(&html, "figure"), 2);
    assert_eq!(
        select_attr(&html, "figure > a > img", "src"),
        ["/img/a.png"]
    );
    assert_eq!(
        select_attr(&html, "figure > a > img", "alt"),
        ["A \"quoted\" alt"]
    );
    assert_eq!(select_attr(&html, "figure > a", "target"), ["_blank"]);
    assert_eq!(text(&html, "figcaption h4"), "T");
    assert_eq!(text(&html, "figcaption p em"), "emphasis");
    // No caption, no figcaption.
    assert_eq!(count(&html, "figure:nth-of-type(2) figcaption"), 0);

    // A caption is markdown as the page's (Hugo's `markdownify`), and the
    // image's text when there is no `alt`; a credit link stays without
    // credit text.
    let html = prose(
        "{{< figure src=\"c.png\" caption=\"It's \\\"ok\\\" -- ~~old~~ :smile: www.e.example\" \
         attrlink=\"https://example.com/credit\" >}}\n",
    );
    assert_eq!(
        select_attr(&html, "img", "alt"),
        ["It’s “ok” – old 😄 www.e.example"]
    );
    assert_eq!(text(&html, "figcaption del"), "old");
    assert_eq!(
        select_attr(&html, "figcaption a", "href"),
        ["https://www.e.example", "https://example.com/credit"]
    );

    let site = Site::new();
    site.file("content/p.md", &page("P", "{{< figure alt=\"x\" >}}\n"));
    site.build()
        .assert_failure()
        .assert_stderr_has(&["content/p.md:4:1", "figure", "src="]);
}

// ------------------------------------------------ Hugo's ref and relref

#[test]
fn ref_and_relref_give_page_urls_under_the_base_url() {
    let site = Site::new();
    site.file("opsbook.toml", "base_url = \"https://x.example/project/\"\n")
        .file("content/docs/b.md", &page("B", "## Part\n"))
        .file("content/docs/sub/_index.md", &page("Sub", "sub\n"))
        .file("content/top.md", &page("Top", "top\n"))
        .file(
            "content/docs/a.md",
            &page(
                "A",
                "[1]({{< relref \"b.md\" >}}) [2]({{< relref \"b\" >}}) [3]({{< ref \"b.md#part\" >}}) \
                 [4]({{< relref \"sub\" >}}) [5]({{< relref \"/top.md\" >}}) [6]({{< relref \"../top\" >}}) \
                 [7]({{< relref \"#own\" >}})\n\n## Own\n\n\
                 {{< details summary=\"s\" >}}<a href=\"{{< relref \"b\" >}}\">raw</a>{{< /details >}}\n",
            ),
        );
    site.build_ok();
    let html = Html::parse_document(&site.output("/docs/a/"));
    assert_eq!(
        select_attr(&html, "div.prose a:not(.anchor)", "href"),
        [
            "/project/docs/b/",
            "/project/docs/b/",
            "https://x.example/project/docs/b/#part",
            "/project/docs/sub/",
            "/project/top/",
            "/project/top/",
            "#own",
            "/project/docs/b/",
        ]
    );

    site.file(
        "content/docs/a.md",
        &page("A", "Text.\n\n[x]({{< relref \"nowhere.md\" >}})\n"),
    );
    site.build().assert_failure().assert_stderr_has(&[
        "content/docs/a.md:6:5",
        "relref",
        "no page `nowhere.md`",
    ]);
}
