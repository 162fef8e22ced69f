//! Failing builds: what `opsbook build` / `opsbook check` report, and that a
//! failed build leaves the previous output alone.

mod common;

use common::{Site, assert_same_tree, page, small_site};

// --------------------------------------------------------------- shortcodes

#[test]
fn unknown_shortcode() {
    let site = Site::new();
    site.file(
        "templates/shortcodes/team/card.html",
        "<div>{{ args.name }}</div>",
    )
    .file(
        "content/ops/page.md",
        "---\ntitle: P\n---\nIntro\n\ntext {{< nope x=\"1\" >}}\n",
    );
    site.build().assert_failure().assert_stderr_has(&[
        "content/ops/page.md:6:6",
        "`nope`",
        "text {{< nope x=\"1\" >}}",
        "alert, details, figure, highlight, include, ref, relref, team/card, youtube",
    ]);
    assert!(!site.public().exists());
}

#[test]
fn unclosed_details() {
    let site = Site::new();
    site.file(
        "content/ops/page.md",
        "---\ntitle: P\n---\nIntro\n\n{{% details summary=\"Log\" %}}\nbody\n",
    );
    site.build().assert_failure().assert_stderr_has(&[
        "content/ops/page.md:6:1",
        "`details`",
        "never closed",
    ]);
}

#[test]
fn mismatched_closing_tag() {
    let site = Site::new();
    site.file(
        "content/p.md",
        "---\ntitle: P\n---\n{{% details summary=\"a\" %}}\ntext\n  {{% /alert %}}\n",
    );
    let out = site.build();
    out.assert_failure().assert_stderr_has(&[
        // The stray closing tag, where it is...
        "content/p.md:6:3",
        "/alert",
        // ...and the shortcode left open, where it was opened.
        "content/p.md:4:1",
        "`details`",
    ]);
}

#[test]
fn closing_tag_for_shortcode_without_inner() {
    let site = Site::new();
    site.file(
        "content/p.md",
        "---\ntitle: P\n---\n\n{{< youtube abc >}}x{{< /youtube >}}\n",
    );
    site.build()
        .assert_failure()
        .assert_stderr_has(&["content/p.md:5:21", "`youtube`"]);
}

#[test]
fn mixed_positional_and_named_args() {
    let site = Site::new();
    site.file(
        "content/p.md",
        "---\ntitle: P\n---\n{{< youtube abc title=\"x\" >}}\n",
    );
    site.build().assert_failure().assert_stderr_has(&[
        // The column of the first argument of the other kind.
        "content/p.md:4:17",
        "`youtube`",
        "positional and named",
    ]);
}

// ------------------------------------------------------------ configuration

#[test]
fn unknown_config_key() {
    let site = Site::new();
    site.file(
        "opsbook.toml",
        "title = \"x\"\nbase_url = \"/\"\ntheem = \"dark\"\n",
    )
    .file("content/p.md", &page("P", ""));
    site.build().assert_failure().assert_stderr_has(&[
        "opsbook.toml:3:1",
        "`theem`",
        "title, description, base_url",
    ]);
    assert!(!site.public().exists());
}

// ------------------------------------------------------------ front matter

const BAD_YAML: &str = "---\ntitle: ok\ndescription: fine\nweight: heavy\n---\nbody\n";

#[test]
fn invalid_yaml_front_matter_points_at_the_file_line() {
    let site = Site::new();
    site.file("content/ops/page.md", BAD_YAML);
    site.build().assert_failure().assert_stderr_has(&[
        // Line 4 of the file (line 3 of the YAML block), at the value.
        "content/ops/page.md:4:9",
        "weight: heavy",
        "`weight` must be a whole number",
    ]);
}

#[test]
fn invalid_yaml_message_has_no_block_relative_line() {
    let site = Site::new();
    site.file("content/ops/page.md", BAD_YAML);
    let out = site.build();
    out.assert_failure();
    // The message must not contradict the location with the line number
    // inside the YAML block (3) instead of the file (4).
    assert!(
        !out.stderr.contains("line 3 column"),
        "stderr quotes the YAML block's line number:\n{}",
        out.stderr
    );
}

#[test]
fn invalid_yaml_syntax_points_at_the_file_line() {
    let site = Site::new();
    site.file(
        "content/p.md",
        "---\ntitle: ok\nowner: x\n  bad: indent\n---\nbody\n",
    );
    site.build()
        .assert_failure()
        .assert_stderr_has(&["content/p.md:4:6", "bad: indent"]);
}

// ---------------------------------------------------------------- templates

#[test]
fn broken_site_template_syntax() {
    let site = Site::new();
    site.file(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<p>\n{% for x in %}\n{% endfor %}\n{% endblock main %}\n",
    )
    .file("content/p.md", &page("P", ""));
    site.build()
        .assert_failure()
        .assert_stderr_has(&["templates/page.html:4:", "{% for x in %}"]);
    assert!(!site.public().exists());
}

#[test]
fn unknown_filter_in_site_template_names_the_site_file() {
    let site = Site::new();
    site.file(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}\n<p>\n{{ page.title | nosuchfilter }}\n{% block after_content %}{% endblock after_content %}\n{% endblock main %}\n",
    )
    .file("content/p.md", &page("P", ""));
    site.build()
        .assert_failure()
        .assert_stderr_has(&["templates/page.html:4:", "nosuchfilter"]);
}

// ---------------------------------------------------------- several errors

#[test]
fn errors_in_several_pages_are_all_reported() {
    let site = Site::new();
    site.file("content/a.md", "---\ntitle: A\n---\n{{< nope >}}\n")
        .file("content/b.md", "---\ntitle: B\n---\nx\n\n{{% details %}}\n")
        .file(
            "content/ops/c.md",
            "---\ntitle: C\n---\n{{< youtube a title=\"t\" >}}\n",
        )
        .file("content/fine.md", &page("Fine", ""));
    site.build().assert_failure().assert_stderr_has(&[
        "content/a.md:4:1",
        "`nope`",
        "content/b.md:6:1",
        "`details`",
        "content/ops/c.md:4:15",
        "`youtube`",
        "3 errors found",
    ]);
}

#[test]
fn front_matter_error_does_not_hide_other_pages_errors() {
    let site = Site::new();
    site.file("content/a.md", "---\ntitle: A\n---\n{{< nope >}}\n")
        .file("content/b.md", "---\ntitle: B\nweight: x\n---\nok\n")
        .file("content/ops/c.md", "---\ntitle: C\n---\n{{% details %}}\n");
    site.build().assert_failure().assert_stderr_has(&[
        "content/b.md:3:9",
        "content/a.md:4:1",
        "`nope`",
        "content/ops/c.md:4:1",
        "`details`",
        "3 errors found",
    ]);
}

#[test]
fn config_template_and_front_matter_errors_are_reported_together() {
    let site = Site::new();
    site.file("opsbook.toml", "titel = \"x\"\n")
        .file("templates/page.html", "{% for %}\n")
        .file("content/b.md", "---\ntitle: B\nweight: x\n---\nok\n");
    site.build().assert_failure().assert_stderr_has(&[
        "opsbook.toml:1:1",
        "`titel`",
        "templates/page.html:1:",
        "content/b.md:3:9",
        "3 errors found",
    ]);
}

// ------------------------------------------------------ output is atomic

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let site = small_site();
    site.build_ok();
    assert_eq!(
        site.root_entries(),
        ["content", "public", "static"],
        "a build left files beside the output"
    );
    let before = site.output_tree();
    assert!(before.contains_key("ops/a/index.html"));

    // Break one page, change another and add a third: none of it may show.
    site.file("content/ops/a.md", &page("A", "{{< nope >}}\n"))
        .file("content/_index.md", &page("Home", "Changed.\n"))
        .file("content/new.md", &page("New", ""));
    site.build().assert_failure();

    assert_same_tree(&before, &site.output_tree());
    assert_eq!(
        site.root_entries(),
        ["content", "public", "static"],
        "a failed build left a temporary directory behind"
    );
}

#[test]
fn failed_first_build_creates_no_output() {
    let site = small_site();
    site.file("content/ops/a.md", &page("A", "{{% details %}}\n"));
    site.build()
        .assert_failure()
        .assert_stderr_has(&["nothing was written"]);
    assert_eq!(site.root_entries(), ["content", "static"]);
}

// -------------------------------------------------------------------- check

#[test]
fn check_writes_nothing() {
    let site = small_site();
    let out = site.check_with(&[]);
    out.assert_success();
    assert!(out.stderr.contains("checked"), "{}", out.stderr);
    assert!(!site.public().exists(), "check wrote public/");
    assert_eq!(site.root_entries(), ["content", "static"]);
}

#[test]
fn check_fails_on_the_same_errors_as_build() {
    let site = small_site();
    site.file("content/ops/a.md", &page("A", "{{< nope >}}\n"))
        .file("content/c.md", "---\ntitle: C\n---\n{{% details %}}\n");

    let check = site.check_with(&[]);
    check
        .assert_failure()
        .assert_stderr_has(&["content/ops/a.md:", "`nope`", "content/c.md:4:1"]);
    assert!(!site.public().exists(), "check wrote public/");
    assert_eq!(site.root_entries(), ["content", "static"]);

    let build = site.build();
    build.assert_failure();
    assert_eq!(check.stderr, build.stderr);
}
