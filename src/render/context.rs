//! What templates see: plain serialisable views of the config and of a page
//! with its place in the site (breadcrumbs, navigation, children).

use std::collections::BTreeMap;

use serde::Serialize;
use tera::{Context, Value};

use crate::config::Config;
use crate::content::paths::encode_path;
use crate::content::{Content, PageKind};
use crate::markdown::escape::escape_html_into;
use crate::markdown::{self, Rendered};

#[derive(Serialize)]
pub struct ConfigView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub base_path: &'a str,
    pub language: &'a str,
    pub extra: &'a BTreeMap<String, toml::Value>,
}

pub fn config(c: &Config) -> ConfigView<'_> {
    ConfigView {
        title: &c.title,
        description: &c.description,
        base_url: &c.base_url,
        base_path: c.base_path(),
        language: &c.language,
        extra: &c.extra,
    }
}

#[derive(Serialize)]
struct Link<'a> {
    title: &'a str,
    url: String,
    description: &'a str,
    kind: &'static str,
}

/// One sidebar entry: a page, or (`more` > 0) the link to a section index
/// standing for all its children, or (`gap`) the mark of children left out.
/// False flags and a zero `more` are left out (undefined reads as false in
/// a template's `if`): every page's entry is kept as a template value for
/// the whole build, and half its fields are those.
#[derive(Serialize)]
struct NavItem<'a> {
    title: &'a str,
    url: String,
    depth: usize,
    #[serde(skip_serializing_if = "is_false")]
    active: bool,
    #[serde(skip_serializing_if = "is_false")]
    ancestor: bool,
    #[serde(skip_serializing_if = "is_false")]
    section: bool,
    #[serde(skip_serializing_if = "is_zero")]
    more: usize,
    #[serde(skip_serializing_if = "is_false")]
    gap: bool,
}

fn is_false(b: &bool) -> bool {
    !b
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Serialize)]
struct PageView<'a> {
    title: &'a str,
    description: &'a str,
    kind: &'static str,
    url: String,
    permalink: String,
    file: String,
    weight: Option<i64>,
    content: &'a str,
    toc: String,
    toc_hide: bool,
    word_count: usize,
    reading_minutes: usize,
    extra: &'a BTreeMap<String, serde_json::Value>,
    children: Vec<Link<'a>>,
    /// The neighbours in the parent section, in tree (sidebar) order.
    prev: Option<Link<'a>>,
    next: Option<Link<'a>>,
    /// "Edit this page" in the repository, when `repo_url` is set.
    edit_url: Option<String>,
}

fn kind_name(k: PageKind) -> &'static str {
    match k {
        PageKind::Home => "home",
        PageKind::Section => "section",
        PageKind::Page => "page",
    }
}

pub fn page(
    content: &Content,
    i: usize,
    config: &Config,
    rendered: &Rendered,
    cache: &NavCache,
) -> Context {
    let base = config.base_path();
    let p = &content.pages[i];
    let ancestors = content.ancestors(i);
    let link = |j: usize| {
        let q = &content.pages[j];
        Link {
            title: &q.title,
            url: format!("{base}{}", q.url),
            description: q.front.description.as_deref().unwrap_or(""),
            kind: kind_name(q.kind),
        }
    };
    let word_count = p.word_count;
    let view = PageView {
        title: &p.title,
        description: p.front.description.as_deref().unwrap_or(""),
        kind: kind_name(p.kind),
        url: format!("{base}{}", p.url),
        permalink: format!("{}/{}", config.origin_and_path(), p.url),
        file: p.file.to_string_lossy().replace('\\', "/"),
        weight: p.front.weight,
        content: &rendered.html,
        toc: if p.front.toc_hide {
            String::new()
        } else {
            markdown::toc_html(&rendered.toc)
        },
        toc_hide: p.front.toc_hide || rendered.toc.is_empty(),
        word_count,
        reading_minutes: word_count.div_ceil(220).max(1),
        extra: &p.front.extra,
        children: p.children.iter().map(|&j| link(j)).collect(),
        prev: sibling(content, i, cache, -1).map(link),
        next: sibling(content, i, cache, 1).map(link),
        edit_url: edit_url(config, &p.rel),
    };
    let mut ctx = Context::new();
    ctx.insert("page", &view);
    ctx.insert(
        "breadcrumbs",
        &ancestors.iter().map(|&j| link(j)).collect::<Vec<_>>(),
    );
    nav(content, i, base, cache, &mut ctx);
    ctx.insert("top_nav", &top_nav(content, i, base));
    ctx
}

/// The page `step` places from `i` among its parent's children: O(1) from
/// the cached positions, so no page scans its section.
fn sibling(content: &Content, i: usize, cache: &NavCache, step: isize) -> Option<usize> {
    let kids = &content.pages[content.pages[i].parent?].children;
    let at = cache.position[i].checked_add_signed(step)?;
    kids.get(at).copied()
}

/// GitLab's web editor for `content/{rel}`; `None` without `repo_url`.
/// The path is encoded as page URLs are (`+` stays: a path character).
pub fn edit_url(config: &Config, rel: &str) -> Option<String> {
    let repo = config.repo_url.as_deref()?.trim_end_matches('/');
    Some(format!(
        "{repo}/-/edit/{}/content/{}",
        config.edit_branch,
        encode_path(rel)
    ))
}

/// Each page's sidebar entry, made once: a page's sidebar is mostly the
/// same entries as its neighbours', so only the few on the page's own path
/// are made per page. The sidebar is both HTML (`nav_html`, what the
/// default theme shows) and template values (`nav`, for themes that lay it
/// out themselves); the values are only made when a template reads `nav`.
pub struct NavCache {
    /// By page: its sidebar line, not open.
    lines: Vec<String>,
    /// By page: its template value, not open (empty when no template
    /// reads `nav`).
    items: Vec<Value>,
    /// Each page's position among its parent's children, so that the window
    /// around a page is found without scanning its siblings.
    position: Vec<usize>,
}

impl NavCache {
    /// `values`: whether templates read `nav` (else only HTML is made).
    pub fn new(content: &Content, base: &str, values: bool) -> NavCache {
        let item = |j| nav_item(content, j, base, false, false);
        let lines = (0..content.pages.len()).map(|j| item(j).line()).collect();
        let items = match values {
            true => (0..content.pages.len())
                .map(|j| Value::from_serializable(&item(j)))
                .collect(),
            false => Vec::new(),
        };
        let mut position = vec![0; content.pages.len()];
        for p in &content.pages {
            for (k, &c) in p.children.iter().enumerate() {
                position[c] = k;
            }
        }
        NavCache {
            lines,
            items,
            position,
        }
    }

    fn values(&self) -> bool {
        !self.items.is_empty()
    }
}

impl NavItem<'_> {
    /// The entry as one line of the sidebar's list (one line per entry, no
    /// indentation: the sidebar is on every page).
    fn line(&self) -> String {
        use std::fmt::Write;
        let mut out = String::with_capacity(96 + self.title.len() + self.url.len());
        let depth = self.depth;
        if self.gap {
            let _ = write!(
                out,
                r#"<li class="nav-gap depth-{depth}" aria-hidden="true">…</li>"#
            );
            return out;
        }
        if self.more > 0 {
            let _ = write!(out, r#"<li class="nav-more depth-{depth}"><a href=""#);
            escape_html_into(&mut out, &self.url);
            let _ = write!(out, r#"">All {} pages in "#, self.more);
            escape_html_into(&mut out, self.title);
            out.push_str("</a></li>");
            return out;
        }
        let _ = write!(out, r#"<li class="depth-{depth}"#);
        for (on, class) in [
            (self.section, " nav-section"),
            (self.active, " active"),
            (self.ancestor, " ancestor"),
        ] {
            if on {
                out.push_str(class);
            }
        }
        out.push_str(r#""><a href=""#);
        escape_html_into(&mut out, &self.url);
        out.push('"');
        if self.active {
            out.push_str(r#" aria-current="page""#);
        }
        out.push('>');
        escape_html_into(&mut out, self.title);
        out.push_str("</a></li>");
        out
    }
}

fn nav_item<'a>(
    content: &'a Content,
    j: usize,
    base: &str,
    active: bool,
    ancestor: bool,
) -> NavItem<'a> {
    let q = &content.pages[j];
    NavItem {
        title: &q.title,
        url: format!("{base}{}", q.url),
        depth: content.ancestors(j).len().saturating_sub(1),
        active,
        ancestor,
        section: q.is_section(),
        more: 0,
        gap: false,
    }
}

/// Children shown at the start and at the end of a long section, and on
/// each side of the open child: a section lists at most `NAV_WINDOW`
/// children in the sidebar, and its index page lists them all.
const NAV_HEAD: usize = 3;
const NAV_TAIL: usize = 3;
const NAV_AROUND: usize = 9;
pub const NAV_WINDOW: usize = NAV_HEAD + 2 * NAV_AROUND + 1 + NAV_TAIL;

/// Which of `n` children a sidebar shows, as sorted disjoint ranges, when
/// the one at `focus` is open (`None`: the section itself is the page, or
/// nothing is open). At most `NAV_WINDOW` positions, all when `n` fits.
fn window(n: usize, focus: Option<usize>) -> Vec<std::ops::Range<usize>> {
    if n <= NAV_WINDOW {
        return std::iter::once(0..n).collect();
    }
    // Keep the middle run its full width near either end.
    let mid = match focus {
        None => NAV_HEAD..NAV_HEAD + 2 * NAV_AROUND + 1,
        Some(f) => {
            let lo = f
                .saturating_sub(NAV_AROUND)
                .clamp(NAV_HEAD, n - NAV_TAIL - 2 * NAV_AROUND - 1);
            lo..lo + 2 * NAV_AROUND + 1
        }
    };
    let mut out: Vec<std::ops::Range<usize>> = Vec::with_capacity(3);
    for r in [0..NAV_HEAD, mid, n - NAV_TAIL..n] {
        match out.last_mut() {
            Some(last) if last.end >= r.start => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// The sidebar for page `i`: the top-level sections, and the children of
/// every section on the way down to the page (and of the page itself, when
/// it is a section), in tree order. Flat with a depth: templates stay simple.
/// A long section shows a window of its children (the first few, those
/// around the open one, the last few) and a link to its index, so a page's
/// sidebar costs O(depth × window) whatever the size of the site.
fn nav(content: &Content, i: usize, base: &str, cache: &NavCache, ctx: &mut Context) {
    let mut open = content.ancestors(i);
    open.push(i);
    let mut out = Nav {
        html: String::new(),
        values: cache.values().then(Vec::new),
    };
    section_nav(content, &open, 0, i, base, cache, &mut out);
    ctx.insert_value("nav_html", Value::safe_string(&out.html));
    if let Some(values) = out.values {
        ctx.insert_value("nav", Value::from(values));
    }
}

/// A sidebar being made: its HTML lines, and its template values when
/// templates read them.
struct Nav {
    html: String,
    values: Option<Vec<Value>>,
}

impl Nav {
    fn push(&mut self, item: &NavItem<'_>) {
        self.push_line(&item.line());
        if let Some(values) = &mut self.values {
            values.push(Value::from_serializable(item));
        }
    }

    fn push_line(&mut self, line: &str) {
        if !self.html.is_empty() {
            self.html.push('\n');
        }
        self.html.push_str(line);
    }
}

/// Appends the shown children of `open[level]` (and, below the open one,
/// the next level's) to `out`.
fn section_nav(
    content: &Content,
    open: &[usize],
    level: usize,
    i: usize,
    base: &str,
    cache: &NavCache,
    out: &mut Nav,
) {
    let section = open[level];
    let kids = &content.pages[section].children;
    let next = open.get(level + 1).copied();
    let ranges = window(kids.len(), next.map(|c| cache.position[c]));
    let depth = level;
    for (k, r) in ranges.iter().enumerate() {
        if k > 0 || r.start > 0 {
            out.push(&gap(depth));
        }
        for &c in &kids[r.clone()] {
            if Some(c) == next {
                out.push(&nav_item(content, c, base, c == i, c != i));
                if content.pages[c].is_section() {
                    section_nav(content, open, level + 1, i, base, cache, out);
                }
            } else {
                out.push_line(&cache.lines[c]);
                if let Some(values) = &mut out.values {
                    values.push(cache.items[c].clone());
                }
            }
        }
    }
    if ranges.last().is_some_and(|r| r.end < kids.len()) {
        out.push(&gap(depth));
    }
    if ranges.iter().map(|r| r.len()).sum::<usize>() < kids.len() {
        let s = &content.pages[section];
        out.push(&NavItem {
            title: &s.title,
            url: format!("{base}{}", s.url),
            depth,
            active: false,
            ancestor: false,
            section: false,
            more: kids.len(),
            gap: false,
        });
    }
}

/// The mark of children left out of a window.
fn gap(depth: usize) -> NavItem<'static> {
    NavItem {
        title: "",
        url: String::new(),
        depth,
        active: false,
        ancestor: false,
        section: false,
        more: 0,
        gap: true,
    }
}

fn top_nav<'a>(content: &'a Content, i: usize, base: &str) -> Vec<NavItem<'a>> {
    let ancestors = content.ancestors(i);
    content.pages[0]
        .children
        .iter()
        .filter(|&&c| content.pages[c].is_section())
        .map(|&c| NavItem {
            title: &content.pages[c].title,
            url: format!("{base}{}", content.pages[c].url),
            depth: 0,
            active: c == i,
            ancestor: ancestors.contains(&c),
            section: true,
            more: 0,
            gap: false,
        })
        .collect()
}

pub fn not_found(content: &Content, config: &Config, cache: &NavCache) -> Context {
    let mut ctx = Context::new();
    ctx.insert("top_nav", &top_nav(content, 0, config.base_path()));
    nav(content, 0, config.base_path(), cache, &mut ctx);
    ctx.insert(
        "page",
        &serde_json::json!({
            "title": "Page not found",
            "description": "",
            "kind": "404",
            "url": format!("{}404.html", config.base_path()),
            "permalink": format!("{}/404.html", config.origin_and_path()),
        }),
    );
    ctx
}

/// Header and sidebar for pages made from data (incidents, services): the
/// site's sections, with nothing of the content tree open.
pub fn chrome(content: &Content, base: &str, cache: &NavCache) -> Context {
    let mut ctx = Context::new();
    ctx.insert("top_nav", &top_nav(content, 0, base));
    nav(content, 0, base, cache, &mut ctx);
    ctx.insert("breadcrumbs", &Vec::<()>::new());
    ctx
}

#[derive(Serialize)]
pub struct DataNav {
    title: &'static str,
    url: String,
    /// Page kinds for which this entry is the active one.
    kinds: &'static [&'static str],
}

/// Header entries for the pages made from data, when there is data.
pub fn data_nav(has_record: bool, has_availability: bool, base: &str) -> Vec<DataNav> {
    if !has_record {
        return Vec::new();
    }
    let mut nav = vec![
        DataNav {
            title: "Incidents",
            url: format!("{base}{}", crate::urls::INCIDENTS),
            kinds: &["incidents", "incident"],
        },
        DataNav {
            title: "Services",
            url: format!("{base}{}", crate::urls::SERVICES),
            kinds: &["services", "service"],
        },
    ];
    if has_availability {
        nav.push(DataNav {
            title: "Availability",
            url: format!("{base}{}", crate::urls::AVAILABILITY),
            kinds: &["availability", "trends"],
        });
    }
    nav
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(n: usize, focus: Option<usize>) -> Vec<usize> {
        window(n, focus).into_iter().flatten().collect()
    }

    #[test]
    fn edit_links_point_at_gitlab_web_editor() {
        let mut c = Config::default();
        assert_eq!(edit_url(&c, "a/b.md"), None);
        c.repo_url = Some("https://gitlab.example.com/ops/handbook/".into());
        assert_eq!(
            edit_url(&c, "handbook/on call/_index.md").as_deref(),
            Some(
                "https://gitlab.example.com/ops/handbook/-/edit/main/content/handbook/on%20call/_index.md"
            )
        );
        assert!(
            edit_url(&c, "c++/50% #2.md")
                .unwrap()
                .ends_with("/content/c++/50%25%20%232.md")
        );
        c.edit_branch = "master".into();
        assert!(
            edit_url(&c, "x.md")
                .unwrap()
                .contains("/-/edit/master/content/x.md")
        );
    }

    #[test]
    fn sidebar_lines_escape_titles_and_urls_and_mark_the_open_page() {
        let item = |active, ancestor, section, more, gap| NavItem {
            title: "Q&A <on-call> \"tips\"",
            url: "/q&a/\"x\"/".into(),
            depth: 2,
            active,
            ancestor,
            section,
            more,
            gap,
        };
        assert_eq!(
            item(true, false, true, 0, false).line(),
            r#"<li class="depth-2 nav-section active"><a href="/q&amp;a/&quot;x&quot;/" aria-current="page">Q&amp;A &lt;on-call&gt; &quot;tips&quot;</a></li>"#
        );
        assert_eq!(
            item(false, true, false, 0, false).line(),
            r#"<li class="depth-2 ancestor"><a href="/q&amp;a/&quot;x&quot;/">Q&amp;A &lt;on-call&gt; &quot;tips&quot;</a></li>"#
        );
        assert_eq!(
            item(false, false, false, 40, false).line(),
            r#"<li class="nav-more depth-2"><a href="/q&amp;a/&quot;x&quot;/">All 40 pages in Q&amp;A &lt;on-call&gt; &quot;tips&quot;</a></li>"#
        );
        assert_eq!(
            item(false, false, false, 0, true).line(),
            r#"<li class="nav-gap depth-2" aria-hidden="true">…</li>"#
        );
    }

    #[test]
    fn short_sections_show_every_child() {
        assert_eq!(
            shown(NAV_WINDOW, Some(7)),
            (0..NAV_WINDOW).collect::<Vec<_>>()
        );
        assert_eq!(shown(0, None), Vec::<usize>::new());
    }

    #[test]
    fn long_sections_show_a_bounded_window_around_the_open_child() {
        for n in [NAV_WINDOW + 1, 300, 4000] {
            for f in [0, 1, 5, n / 2, n - 2, n - 1] {
                let s = shown(n, Some(f));
                assert_eq!(s.len(), NAV_WINDOW, "n={n} f={f}: {s:?}");
                assert!(s.contains(&f) && s.contains(&0) && s.contains(&(n - 1)));
                assert!(s.windows(2).all(|w| w[0] < w[1]), "sorted, no repeats");
            }
            let s = shown(n, None);
            assert_eq!(s.len(), NAV_WINDOW);
            assert!(s.contains(&0) && s.contains(&(n - 1)));
        }
        // The open child sits in the middle of its run of neighbours.
        let w = window(300, Some(150));
        assert_eq!(w, vec![0..3, 141..160, 297..300]);
    }
}
