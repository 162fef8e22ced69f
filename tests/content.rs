//! Content, front matter, configuration and static files, as a user meets
//! them: URLs made from file names, files that are never published, and the
//! errors for mistakes in front matter and `opsbook.toml`.

mod common;

use std::path::{Path, PathBuf};

use common::{Site, page, select_attr, select_text, tree};

/// Decodes `%XX` escapes, as a web server does before finding the file.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).expect("valid escape"));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8 path")
}

/// The file a web server answers `href` (a path under `/docs/`) with.
fn served_file(site: &Site, href: &str) -> PathBuf {
    let rel = href
        .strip_prefix("/docs/")
        .unwrap_or_else(|| panic!("{href} is not under /docs/"));
    assert!(
        !rel.contains(['#', '?', ' ']),
        "`{href}` has a raw character a browser cuts or rejects"
    );
    let path = site.public().join(percent_decode(rel));
    if href.ends_with('/') {
        path.join("index.html")
    } else {
        path
    }
}

/// The `<loc>` of every URL in a sitemap, read with a real XML parser.
fn sitemap_locs(xml: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).expect("sitemap.xml is well-formed XML");
    doc.descendants()
        .filter(|n| n.has_tag_name("loc"))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect()
}

// ------------------------------------------------------------------ URLs

#[test]
fn page_named_with_punctuation_gets_a_working_link_and_sitemap_entry() {
    let site = Site::new();
    site.file("opsbook.toml", "base_url = \"https://example.org/docs/\"\n")
        .file("content/ops/_index.md", &page("Ops", ""))
        .file(
            "content/ops/On Call #2 (50%).md",
            &page("On call, part two", "Half the rota.\n"),
        );
    site.build_ok();

    // Hugo's rule: lower case, spaces to hyphens, `#` kept, `( ) %` dropped.
    let written = site.public().join("ops/on-call-#2-50/index.html");
    assert!(written.is_file(), "{:?}", tree(&site.public()).keys());

    let section = site.html("/ops/");
    let hrefs = select_attr(&section, "section.children ul.child-list a", "href");
    assert_eq!(hrefs, ["/docs/ops/on-call-%232-50/"]);
    assert_eq!(served_file(&site, &hrefs[0]), written);
    assert_eq!(
        select_text(&section, "section.children ul.child-list a"),
        ["On call, part two"]
    );

    let locs = sitemap_locs(&site.output("/sitemap.xml"));
    let loc = locs
        .iter()
        .find(|l| l.contains("on-call"))
        .unwrap_or_else(|| panic!("no sitemap entry in {locs:?}"));
    assert_eq!(loc, "https://example.org/docs/ops/on-call-%232-50/");
    let href = loc.strip_prefix("https://example.org").unwrap();
    assert_eq!(served_file(&site, href), written);
}

#[test]
fn unicode_and_upper_case_names() {
    let site = Site::new();
    site.file("opsbook.toml", "base_url = \"https://example.org/docs/\"\n")
        .file("content/Équipe Ops/_index.md", &page("Équipe", ""))
        .file("content/Équipe Ops/Astreinte.md", &page("Astreinte", ""))
        .bytes("content/Équipe Ops/Plan Réseau.SVG", b"<svg/>");
    site.build_ok();

    let section = site.public().join("équipe-ops/index.html");
    assert!(section.is_file(), "{:?}", tree(&site.public()).keys());
    assert!(site.public().join("équipe-ops/plan-réseau.svg").is_file());
    let html = site.html("/équipe-ops/");
    let hrefs = select_attr(&html, "section.children ul.child-list a", "href");
    assert_eq!(hrefs, ["/docs/%C3%A9quipe-ops/astreinte/"]);
    assert!(served_file(&site, &hrefs[0]).is_file());
    let locs = sitemap_locs(&site.output("/sitemap.xml"));
    assert!(
        locs.contains(&"https://example.org/docs/%C3%A9quipe-ops/".to_string()),
        "{locs:?}"
    );
}

#[test]
fn two_files_with_one_url_is_an_error_naming_both() {
    let site = Site::new();
    site.file("content/Rota.md", &page("Rota", ""))
        .file("content/rota.md", &page("rota", ""))
        .bytes("content/img/Map.png", b"png")
        .bytes("content/img/map.png", b"png");
    let out = site.build();
    out.assert_failure().assert_stderr_has(&[
        "content/Rota.md and content/rota.md both publish the page /rota/",
        "--> content/Rota.md: first claimed here",
        "content/img/Map.png and content/img/map.png both publish the file /img/map.png",
        "rename or remove one of the files",
    ]);
    assert!(!site.public().exists());
}

// ------------------------------------------------------ never published

#[test]
fn dotfiles_dot_directories_and_editor_backups_are_not_published() {
    let site = Site::new();
    // A theme of our own, so that its static/ folder is read from disk.
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default"),
        &site.root().join("themes/plain"),
    );
    site.file("opsbook.toml", "theme = \"plain\"\n")
        .file("content/_index.md", &page("Home", "Welcome.\n"))
        .file("content/ops.md", &page("Ops", "Ops.\n"))
        .file("content/.secret/creds.txt", "password=hunter2\n")
        .file("content/.secret/page.md", &page("Secret", ""))
        .file("content/ops.md~", "old\n")
        .file("content/#ops.md#", "autosave\n")
        .file("content/.ops.md.swp", "swap\n")
        .file("content/notes.swp", "swap\n")
        .file("content/runbook.md.bak", "backup\n")
        .file("content/img/.DS_Store", "junk\n")
        .file("content/img/map.svg", "<svg/>")
        .file("static/.env", "TOKEN=x\n")
        .file("static/.git/config", "[core]\n")
        .file("static/css/site.css", "body{}\n")
        .file("static/css/site.css~", "old\n")
        .file("static/css/site.css.orig", "old\n")
        .file("themes/plain/static/.hidden/x.css", "x\n")
        .file("themes/plain/static/js/app.js.swp", "swap\n");
    site.build_ok();

    // `.opsbook-output` is opsbook's own marker of the output directory.
    let published: Vec<String> = tree(&site.public())
        .into_keys()
        .filter(|n| n != ".opsbook-output")
        .collect();
    for name in &published {
        let leaks = [
            "secret", "creds", "~", "#", ".swp", ".bak", ".orig", ".env", ".git",
        ]
        .iter()
        .any(|bad| name.contains(bad))
            || name.split('/').any(|seg| seg.starts_with('.'));
        assert!(!leaks, "published {name}; all: {published:?}");
    }
    for wanted in [
        "index.html",
        "ops/index.html",
        "img/map.svg",
        "css/site.css",
        "css/style.css",
    ] {
        assert!(
            published.iter().any(|p| p == wanted),
            "{wanted} missing: {published:?}"
        );
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

// ---------------------------------------------------------- front matter

#[test]
fn key_one_typo_away_is_a_warning_with_did_you_mean() {
    let site = Site::new();
    site.file(
        "content/p.md",
        "---\ntitel: Rota\nwieght: 2\nalaises: [/old/]\nowning_team: ops\n---\nbody\n",
    );
    let out = site.build();
    out.assert_success().assert_stderr_has(&[
        "warning: unknown front matter key `titel`: did you mean `title`?",
        "content/p.md:2:1",
        "did you mean `weight`?",
        "content/p.md:3:1",
        "did you mean `aliases`?",
        "content/p.md:4:1",
        "3 warnings",
    ]);
    assert!(!out.stderr.contains("owning_team"), "{}", out.stderr);
}

#[test]
fn weight_that_is_not_a_number_says_what_a_weight_is() {
    let site = Site::new();
    site.file("content/p.md", "---\ntitle: P\nweight: ten\n---\nbody\n");
    let out = site.build();
    out.assert_failure().assert_stderr_has(&[
        "content/p.md:3:9",
        "`weight` must be a whole number, not the text `ten`",
        "lowest first",
    ]);
    assert!(!out.stderr.contains("i64"), "{}", out.stderr);
}

#[test]
fn missing_closing_fence_is_reported_at_the_opening_line() {
    let site = Site::new();
    site.file("content/y.md", "---\ntitle: Y\n\n# Heading\ntext\n")
        .file("content/t.md", "+++\ntitle = \"T\"\n\ntext\n");
    site.build().assert_failure().assert_stderr_has(&[
        "front matter opened with `---` on line 1 is never closed",
        "content/y.md:1:1",
        "front matter opened with `+++` on line 1 is never closed",
        "content/t.md:1:1",
        "2 errors found",
    ]);
}

#[test]
fn all_problems_of_one_front_matter_are_reported_together() {
    let site = Site::new();
    site.file(
        "content/p.md",
        "---\ntitle: [a, b]\nweight: heavy\ndraft: perhaps\naliases: [/ok/, 7]\ntitel: x\n---\nbody\n",
    );
    site.build().assert_failure().assert_stderr_has(&[
        "content/p.md:2:8",
        "`title` must be text",
        "content/p.md:3:9",
        "content/p.md:4:8",
        "`draft` must be true or false",
        "content/p.md:5:17",
        "an alias must be a site path, not `7`",
        "content/p.md:6:1",
        "4 errors found",
    ]);
}

#[test]
fn alias_error_points_at_the_alias_not_at_earlier_equal_text() {
    // Aliases keep their spans: the error is at the alias, not at the first
    // place the same text happens to occur in the file.
    let site = Site::new();
    site.file("content/ops/_index.md", &page("Ops", "")).file(
        "content/old.md",
        "---\ntitle: \"/ops/ in the title\"\naliases:\n  - /ops/\n---\n",
    );
    site.build()
        .assert_failure()
        .assert_stderr_has(&["content/old.md:4:5", "both write /ops/index.html"]);
}

// -------------------------------------------------------- configuration

#[test]
fn unknown_key_in_a_config_section_lists_that_sections_keys() {
    let site = Site::new();
    site.file(
        "opsbook.toml",
        "title = \"x\"\n\n[blameless]\nnmes = [\"Dana\"]\n",
    )
    .file("content/p.md", &page("P", ""));
    let out = site.build();
    out.assert_failure().assert_stderr_has(&[
        "opsbook.toml:4:1",
        "unknown key `nmes` in [blameless]",
        "did you mean `names`?",
        "known keys of this section: names",
    ]);
    assert!(!out.stderr.contains("base_url"), "{}", out.stderr);
}

#[test]
fn toml_syntax_error_has_line_and_column_and_lists_no_keys() {
    let site = Site::new();
    site.file("opsbook.toml", "title = \"x\"\ntheme = \"dark\n")
        .file("content/p.md", &page("P", ""));
    let out = site.build();
    out.assert_failure()
        .assert_stderr_has(&["opsbook.toml:2:", "invalid TOML"]);
    for unrelated in ["base_url", "toc_levels", "[blameless]"] {
        assert!(!out.stderr.contains(unrelated), "{}", out.stderr);
    }
}

#[test]
fn base_url_flag_is_validated() {
    let site = Site::new();
    site.file("content/p.md", &page("P", ""));
    let out = site.build_with(&["--base-url", "notaurl"]);
    out.assert_failure().assert_stderr_has(&[
        "`notaurl` is not a valid base URL",
        "e.g. https://group.gitlab.io/project/",
    ]);
    assert!(!site.public().exists());
    for bad in ["https://example.org/?x=1", "ftp://example.org/", "https://"] {
        site.build_with(&["--base-url", bad]).assert_failure();
    }
    site.build_with(&["--base-url", "https://example.org/docs"])
        .assert_success();
    let locs = sitemap_locs(&site.output("/sitemap.xml"));
    assert!(
        locs.contains(&"https://example.org/docs/p/".to_string()),
        "{locs:?}"
    );
}

#[test]
fn base_url_in_config_is_validated_at_its_value() {
    let site = Site::new();
    site.file(
        "opsbook.toml",
        "title = \"x\"\nbase_url = \"example.org\"\n",
    )
    .file("content/p.md", &page("P", ""));
    site.build().assert_failure().assert_stderr_has(&[
        "opsbook.toml:2:12",
        "`example.org` is not a valid base URL: it does not start with http:// or https://",
    ]);
}
