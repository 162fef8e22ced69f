//! Markdown defects of issue 6, end to end: the real `opsbook` binary builds
//! fixture sites, and the tests read exit codes, stderr and the HTML (with
//! scraper, and as raw strings where a parser would hide the fault).

mod common;

use common::incident::Incident;
use common::{Site, count, page, select_text};

// ---------------------------------------------------- defect 5: deep nesting

#[test]
fn deep_shortcode_nesting_is_an_error_at_the_level_too_deep() {
    let site = Site::new();
    let n = 30_000;
    let mut body = "{{< alert >}}\n".repeat(n);
    body.push_str("deep\n");
    body.push_str(&"{{< /alert >}}\n".repeat(n));
    site.file("content/deep.md", &page("Deep", &body));
    // Lines 1-3 are front matter: the 65th tag is on line 68.
    site.build().assert_failure().assert_stderr_has(&[
        "content/deep.md:68:1",
        "nested more than 64",
        "help:",
    ]);
    assert!(!site.public().join("deep").exists());
}

#[test]
fn sixty_four_levels_of_mixed_shortcodes_render() {
    let site = Site::new();
    let mut body = String::new();
    for i in 0..64 {
        body.push_str(if i % 2 == 0 {
            "{{% alert %}}\n"
        } else {
            "{{< alert >}}\n"
        });
    }
    body.push_str("core\n");
    for i in (0..64).rev() {
        body.push_str(if i % 2 == 0 {
            "{{% /alert %}}\n"
        } else {
            "{{< /alert >}}\n"
        });
    }
    site.file("content/deep.md", &page("Deep", &body));
    site.build_ok();
    let html = site.html("/deep/");
    assert_eq!(count(&html, "div.alert"), 64);
    assert!(select_text(&html, "div.alert").concat().contains("core"));
}

// ------------------------------------- defect 6: sections of a narrative

const SERVICES: &str = "\
services:
  - id: web
    name: Web
    weight: 5
    target: 99.95
";

/// The raw HTML of `<section id="ID" ...>` up to its `</section>`.
fn raw_section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id} in:\n{html}"));
    let end = html[start..].find("</section>").expect("section closes") + start;
    &html[start..end]
}

#[test]
fn details_with_a_heading_inside_a_narrative_stays_in_its_section() {
    let site = Site::new();
    Incident::new("inc-1", "2026-03-05T08:00:00Z")
        .title("Pool drained")
        .write(&site);
    site.file("data/services.yaml", SERVICES)
        .file("content/_index.md", &page("Home", "Welcome.\n"))
        .file(
            "content/postmortems/inc-1.md",
            "---\ntitle: \"Review\"\nincident: \"inc-1\"\n---\n\
             Intro.\n\n## Root cause\n\nBefore.\n\n\
             {{% details summary=\"x\" %}}\n## Inner\ntext\n{{% /details %}}\n\n\
             After.\n\n> ## Quoted\n\n## Lessons learned\n\nLessons.\n",
        );
    site.build_ok();
    let raw = site.output("/incidents/inc-1/");
    let root = raw_section(&raw, "root-cause");
    assert_eq!(root.matches("<details").count(), 1, "{root}");
    assert_eq!(root.matches("</details>").count(), 1, "{root}");
    assert!(root.find("<details").unwrap() < root.find("</details>").unwrap());
    assert!(
        root.contains("Before.") && root.contains("After."),
        "{root}"
    );
    assert!(root.contains("<blockquote>"), "{root}");
    assert!(raw_section(&raw, "lessons").contains("Lessons."));

    let html = site.html("/incidents/inc-1/");
    assert_eq!(
        select_text(&html, "section#root-cause details h2"),
        ["Inner#"]
    );
    // Neither the heading in the shortcode nor the quoted one made a
    // section of its own.
    let titles = select_text(&html, "section.review-section > h2");
    assert!(
        !titles.iter().any(|t| t == "Inner" || t == "Quoted"),
        "{titles:?}"
    );
    assert_eq!(count(&html, "details"), 1);
}

// ------------------------------------------ defect 7: placeholders

/// Every order of `{{< >}}` and `{{% %}}` over details > alert > youtube.
fn three_level_forms() -> String {
    let mut body = String::new();
    for forms in 0..8 {
        let delims: Vec<(&str, &str)> = (0..3)
            .map(|level| {
                if forms & (1 << level) == 0 {
                    ("<", ">")
                } else {
                    ("%", "%")
                }
            })
            .collect();
        let [(a, a2), (b, b2), (c, c2)] = [delims[0], delims[1], delims[2]];
        body.push_str(&format!(
            "{{{{{a} details summary=\"s{forms}\" {a2}}}}}{{{{{b} alert {b2}}}}}{{{{{c} youtube v{forms} {c2}}}}}{{{{{b} /alert {b2}}}}}{{{{{a} /details {a2}}}}}\n\n\
             {{{{{a} details {a2}}}}}\n{{{{{b} alert {b2}}}}}\n{{{{{c} youtube w{forms} {c2}}}}}\n{{{{{b} /alert {b2}}}}}\n{{{{{a} /details {a2}}}}}\n\n"
        ));
    }
    body
}

#[test]
fn three_level_mixed_nesting_leaves_no_placeholder() {
    let site = Site::new();
    let body = format!("## Clip {{{{< youtube h1 >}}}}\n\n{}", three_level_forms());
    site.file("content/mixed.md", &page("Mixed", &body));
    site.build_ok();
    let raw = site.output("/mixed/");
    assert!(
        !raw.contains(['\u{E000}', '\u{E001}']),
        "a placeholder leaked:\n{raw}"
    );
    let html = site.html("/mixed/");
    assert_eq!(count(&html, "details"), 16);
    assert_eq!(count(&html, "details div.alert"), 16);
    assert_eq!(count(&html, "details div.alert div.video iframe"), 16);
    assert_eq!(raw.matches("<details").count(), 16);
    assert_eq!(raw.matches("</details>").count(), 16);
    // The video in the heading is in the page, not in its id or the TOC.
    assert_eq!(count(&html, "h2#clip div.video, h2#clip + div.video"), 1);
}

#[test]
fn private_use_characters_in_text_are_printed_as_written() {
    let site = Site::new();
    let typed = "Typed \u{E000}0\u{E001} and \u{E000}toc\u{E001} here.";
    site.file(
        "content/pua.md",
        &page(
            "PUA",
            &format!("{typed}\n\n{{{{< youtube abc >}}}}\n\n## A\n"),
        ),
    );
    site.build_ok();
    let raw = site.output("/pua/");
    assert!(raw.contains(typed), "{raw}");
    assert_eq!(raw.matches("embed/abc").count(), 1);
    assert!(!raw.contains("toc-inline"), "{raw}");
}

// ------------------------------------------------ defect 10: link spans

#[test]
fn broken_link_warnings_point_at_the_link_not_at_earlier_text() {
    let site = Site::new();
    site.file(
        "content/links.md",
        "---\ntitle: \"Links\"\n---\nUse `/nowhere/` or `gone.md` as examples.\n\n\
         See [the page](/nowhere/) and [old](gone.md).\n\n\
         {{% details summary=\"more\" %}}\nMore: `/elsewhere/`, [there](/elsewhere/).\n{{% /details %}}\n",
    );
    let out = site.build_ok();
    out.assert_stderr_has(&[
        "content/links.md:6:5",
        "content/links.md:6:31",
        "content/links.md:9:22",
        "broken link `/nowhere/`",
        "broken link `gone.md`",
        "broken link `/elsewhere/`",
    ]);
    assert!(!out.stderr.contains("links.md:4:"), "{}", out.stderr);
    assert!(!out.stderr.contains("links.md:9:7"), "{}", out.stderr);
}

// ---------------------------------------------------------- alert colours

#[test]
fn unknown_alert_colour_is_an_error_naming_the_colours() {
    let site = Site::new();
    site.file(
        "content/a.md",
        &page(
            "A",
            "Fine:\n\n{{% alert color=\"warning\" %}}ok{{% /alert %}}\n\n{{< alert color=\"purple\" >}}x{{< /alert >}}\n",
        ),
    );
    site.build().assert_failure().assert_stderr_has(&[
        "content/a.md:8:1",
        "`purple`",
        "primary, secondary, info, success, warning, danger",
    ]);
}
