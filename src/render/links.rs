//! Link and anchor checks of handbook pages and post-mortem narratives.
//!
//! A link's page is judged against the output plan while its page renders;
//! its `#fragment` can only be judged once the target has rendered, so each
//! page hands back its fragment links (`Found::pending`) and its ids
//! (`ids_of`), and `check_fragments` runs once after the parallel render:
//! the cost stays linear in the site. `external` checks http(s) links for
//! `check --external`.

pub mod external;

use std::collections::HashMap;

use crate::content::{Content, Page, paths::decode_path};
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::markdown::{LinkRef, Rendered};
use crate::postmortem::edit_distance;
use crate::urls::Plan;

// The one entity decoder: search reads page text with it too.
use super::search::decode;

/// An outside link and where it is written.
#[derive(Debug, Clone)]
pub struct External {
    pub url: String,
    pub location: Location,
}

/// A page's `id` values in order, in one allocation: a page has dozens,
/// and every page's are kept until the fragment checks (20,000 pages'
/// worth as separate strings took 18 MB).
#[derive(Debug, Default)]
pub struct Ids(Box<str>);

/// Separates ids in `Ids`: no id written by markdown or a template holds it.
const ID_SEP: char = '\0';

impl Ids {
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.split(ID_SEP).filter(|id| !id.is_empty())
    }

    pub fn contains(&self, id: &str) -> bool {
        self.iter().any(|known| known == id)
    }
}

/// A `#fragment` to look up once every page's ids are known.
pub struct Pending<'a> {
    page: &'a Page,
    link: LinkRef,
    /// Output path of the target page (`a/b/index.html`).
    key: String,
    fragment: String,
}

/// What the pages of a run hand to the checker.
#[derive(Default)]
pub struct Found<'a> {
    pub warnings: Diagnostics,
    pub pending: Vec<Pending<'a>>,
    pub external: Vec<External>,
}

impl<'a> Found<'a> {
    pub fn extend(&mut self, other: Found<'a>) {
        self.warnings.extend(other.warnings.0);
        self.pending.extend(other.pending);
        self.external.extend(other.external);
    }
}

/// Checks the links of one rendered page (`text`: its file's text, to
/// locate them; `self_key`: its output path); fragments are queued in
/// `found.pending`.
pub fn check_page<'a>(
    plan: &Plan<'_>,
    page: &'a Page,
    text: &str,
    self_key: &str,
    rendered: &Rendered,
    found: &mut Found<'a>,
) {
    for md in &rendered.broken_md_links {
        found.warnings.push(warning(
            location(page, text, md),
            md,
            "no such page".into(),
            None,
        ));
    }
    let mut key = String::new();
    for link in &rendered.internal_links {
        match output_key_into(plan, &link.target, &mut key) {
            true => queue(page, link, &key, found),
            false => found.warnings.push(warning(
                location(page, text, link),
                link,
                "no page or file at this path".into(),
                None,
            )),
        }
    }
    for link in &rendered.same_page_links {
        queue(page, link, self_key, found);
    }
    for link in &rendered.external_links {
        let url = link.written.split('#').next().unwrap_or("").to_string();
        found.external.push(External {
            url,
            location: location(page, text, link),
        });
    }
}

fn queue<'a>(page: &'a Page, link: &LinkRef, key: &str, found: &mut Found<'a>) {
    if let Some((_, frag)) = link.written.split_once('#')
        && !frag.is_empty()
    {
        found.pending.push(Pending {
            page,
            link: link.clone(),
            key: key.to_string(),
            fragment: decode_path(frag),
        });
    }
}

/// Warnings for fragments that name no id of their target page. Targets
/// with no ids recorded (files, pages that failed) are not judged.
pub fn check_fragments(pending: &[Pending<'_>], ids: &HashMap<String, Ids>) -> Diagnostics {
    let mut warnings = Diagnostics::new();
    for p in pending {
        let Some(known) = ids.get(&p.key) else {
            continue;
        };
        if known.contains(&p.fragment) {
            continue;
        }
        let help = Some(match closest(&p.fragment, known.iter()) {
            Some(c) => {
                format!("the closest anchor on that page is `#{c}`; fix the fragment, or remove it")
            }
            None => "no anchor on that page is close: link to one of its headings, or remove the fragment".into(),
        });
        let on = if p.link.written.starts_with('#') {
            "this page".to_string()
        } else {
            format!("`{}`", p.key.trim_end_matches("index.html"))
        };
        let why = format!("{on} has no anchor `#{}`", p.fragment);
        warnings.push(warning(located_again(p.page, &p.link), &p.link, why, help));
    }
    warnings
}

/// The output path a site-relative link target lands on, after `//`,
/// `/./` and `../` are normalised away.
pub fn output_key(plan: &Plan<'_>, target: &str) -> Option<String> {
    let mut key = String::new();
    output_key_into(plan, target, &mut key).then_some(key)
}

/// `output_key` into `key`: a plain path (no `%`, `.`, `..` or empty
/// segment: nearly every link) is looked up as it is, without the copies
/// that decoding and normalising make.
fn output_key_into(plan: &Plan<'_>, target: &str, key: &mut String) -> bool {
    let path = target.split(['#', '?']).next().unwrap_or("");
    match plain(path) {
        Some(plain) => plan.file_of_into(plain, key),
        None => plan.file_of_into(&normalise(&decode_path(path)), key),
    }
}

/// `path` without its leading `/` when that is already what `normalise`
/// and `decode_path` would make of it.
fn plain(path: &str) -> Option<&str> {
    let rest = path.strip_prefix('/').unwrap_or(path);
    let body = rest.strip_suffix('/').unwrap_or(rest);
    let clean = !path.contains('%')
        && (body.is_empty() && rest.len() <= 1
            || body.split('/').all(|s| !matches!(s, "" | "." | "..")));
    clean.then_some(if body.is_empty() { "" } else { rest })
}

/// `a//b/./c/../d/` → `a/b/d/`: no leading slash, the trailing one kept.
pub fn normalise(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut out = parts.join("/");
    if !out.is_empty() && (path.ends_with('/') || path.ends_with("/.") || path.ends_with("/..")) {
        out.push('/');
    }
    out
}

/// A content-relative `.md` path → the page's URL. `dir/index.md` and
/// `dir/_index.md` name the same section, as in Hugo; `//` and `./` are
/// normalised first.
pub fn resolve_md(content: &Content, rel: &str) -> Option<String> {
    let rel = normalise(rel);
    let found = |r: &str| content.by_rel.get(r).map(|&k| content.pages[k].url.clone());
    found(&rel).or_else(|| {
        let (dir, name) = rel
            .rsplit_once('/')
            .map_or(("", rel.as_str()), |(d, n)| (d, n));
        let other = match name {
            "index.md" => "_index.md",
            "_index.md" => "index.md",
            _ => return None,
        };
        found(&if dir.is_empty() {
            other.to_string()
        } else {
            format!("{dir}/{other}")
        })
    })
}

/// Every `id` attribute value of an HTML page, in order. Runs over every
/// page's whole output, so it searches with SIMD (`memmem`) for ` id=`.
pub fn ids_of(html: &str) -> Ids {
    let bytes = html.as_bytes();
    let mut ids = Vec::new();
    // ` id=` inside a tag (whitespace before it), not `data-id=` or `grid=`.
    for sep in [&b" id="[..], b"\nid=", b"\tid="] {
        for at in memchr::memmem::find_iter(bytes, sep) {
            let from = at + sep.len();
            let quote = match bytes.get(from) {
                Some(&q @ (b'"' | b'\'')) => q,
                _ => continue,
            };
            if let Some(end) = memchr::memchr(quote, &bytes[from + 1..]) {
                ids.push((at, decode(&html[from + 1..from + 1 + end])));
            }
        }
    }
    ids.sort_by_key(|(at, _)| *at);
    let mut joined = String::new();
    for (_, id) in ids {
        if !id.contains(ID_SEP) {
            joined.push_str(&id);
            joined.push(ID_SEP);
        }
    }
    Ids(joined.into_boxed_str())
}

/// The id nearest to `want` by edit distance, if near enough to be the
/// one meant (a typo, a changed word), not merely the least far.
fn closest<'i>(want: &str, ids: impl Iterator<Item = &'i str>) -> Option<&'i str> {
    let (d, id) = ids
        .map(|id| (edit_distance(want, id), id))
        .min_by_key(|(d, _)| *d)?;
    (d <= (want.chars().count() / 2).max(2)).then_some(id)
}

fn location(page: &Page, text: &str, link: &LinkRef) -> Location {
    Location::at_offset(&page.file, text, page.body_start + link.offset)
}

/// `location` once rendering is over: a long page's text is read again,
/// which is fine for the few broken fragments.
fn located_again(page: &Page, link: &LinkRef) -> Location {
    match page.text() {
        Ok(text) => location(page, &text, link),
        Err(_) => Location::file(&page.file),
    }
}

/// A broken link, located by the span markdown kept for it.
fn warning(at: Location, link: &LinkRef, why: String, help: Option<String>) -> Diagnostic {
    Diagnostic::warning(format!("broken link `{}`: {why}", link.written))
        .at(at)
        .help(help.unwrap_or_else(|| "fix the path, or remove the link".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_skip_only_what_would_not_change_them() {
        let cases = [
            "",
            "/",
            "//",
            "/a",
            "/a/",
            "a",
            "a/b",
            "/a/b/",
            "/a/b.html",
            "/a//b",
            "/a/./b",
            "/a/../b",
            "/a/b/.",
            "/a/b/..",
            "./a",
            "../a",
            "/a%20b/",
            "/%2e%2e/x",
            "/a/b//",
            "///",
            "/é/ü/",
            "/.well-known/x",
        ];
        for path in cases {
            let slow = normalise(&decode_path(path));
            match plain(path) {
                Some(fast) => assert_eq!(fast, slow, "{path:?}"),
                None => assert!(
                    path.contains('%') || path.contains("//") || path.contains('.'),
                    "{path:?} is plain"
                ),
            }
        }
        assert_eq!(plain("/a/b/"), Some("a/b/"));
        assert_eq!(plain("/a/./b"), None);
        assert_eq!(plain("/a%20b/"), None);
    }

    #[test]
    fn paths_are_normalised() {
        assert_eq!(normalise("a//b/./c/../d/"), "a/b/d/");
        assert_eq!(normalise("/a/b"), "a/b");
        assert_eq!(normalise("../../x/"), "x/");
        assert_eq!(normalise("a/."), "a/");
        assert_eq!(normalise("/"), "");
    }

    #[test]
    fn ids_come_from_id_attributes_only() {
        let html = r#"<h2 id="a-b">x</h2><div data-id="no" grid="no"><span id='c&amp;d'></span><p id=bare>"#;
        assert_eq!(ids_of(html).iter().collect::<Vec<_>>(), ["a-b", "c&d"]);
        assert!(ids_of(html).contains("c&d") && !ids_of(html).contains("c"));
        // Numeric references (raw HTML in a page) decode as a browser does.
        let raw = r#"<h3 id="q&#38;a">x</h3><p id="it&#x27;s">"#;
        assert_eq!(ids_of(raw).iter().collect::<Vec<_>>(), ["q&a", "it's"]);
    }

    #[test]
    fn closest_anchor_by_edit_distance() {
        let ids = ["install", "configure", "usage"];
        assert_eq!(closest("instal", ids.into_iter()), Some("install"));
        assert_eq!(closest("configuration", ids.into_iter()), Some("configure"));
        assert_eq!(closest("nothing", ids.into_iter()), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
