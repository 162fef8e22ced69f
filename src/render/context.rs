//! What templates see: plain serialisable views of the config and of a page
//! with its place in the site (breadcrumbs, navigation, children).

use std::collections::BTreeMap;

use serde::Serialize;
use tera::{Context, Value};

use crate::config::Config;
use crate::content::{Content, PageKind};
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

#[derive(Serialize)]
struct NavItem<'a> {
    title: &'a str,
    url: String,
    depth: usize,
    active: bool,
    ancestor: bool,
    section: bool,
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
    };
    let mut ctx = Context::new();
    ctx.insert("page", &view);
    ctx.insert(
        "breadcrumbs",
        &ancestors.iter().map(|&j| link(j)).collect::<Vec<_>>(),
    );
    ctx.insert_value("nav", nav(content, i, base, cache));
    ctx.insert("top_nav", &top_nav(content, i, base));
    ctx
}

/// Navigation items of every page, serialised once: a page's sidebar is
/// mostly the same items as its neighbours', so only the few items on the
/// page's own path are built per page.
pub struct NavCache {
    items: Vec<Value>,
}

impl NavCache {
    pub fn new(content: &Content, base: &str) -> NavCache {
        let items = (0..content.pages.len())
            .map(|j| Value::from_serializable(&nav_item(content, j, base, false, false)))
            .collect();
        NavCache { items }
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
    }
}

/// The sidebar for page `i`: the top-level sections, and the children of
/// every section on the way down to the page (and of the page itself, when
/// it is a section), in tree order. Flat with a depth: templates stay simple
/// and a 5,000-page handbook does not put 5,000 links on every page.
fn nav(content: &Content, i: usize, base: &str, cache: &NavCache) -> Value {
    let mut open = content.ancestors(i);
    open.push(i);
    let mut out = Vec::new();
    let mut stack = vec![(0usize, 0usize)]; // (section, next child position)
    while let Some((section, pos)) = stack.pop() {
        let Some(&c) = content.pages[section].children.get(pos) else {
            continue;
        };
        stack.push((section, pos + 1));
        let on_path = open.contains(&c);
        out.push(if on_path {
            Value::from_serializable(&nav_item(content, c, base, c == i, c != i))
        } else {
            cache.items[c].clone()
        });
        if on_path && content.pages[c].is_section() {
            stack.push((c, 0));
        }
    }
    Value::from(out)
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
        })
        .collect()
}

pub fn not_found(content: &Content, config: &Config, cache: &NavCache) -> Context {
    let mut ctx = Context::new();
    ctx.insert("top_nav", &top_nav(content, 0, config.base_path()));
    ctx.insert_value("nav", nav(content, 0, config.base_path(), cache));
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
    ctx.insert_value("nav", nav(content, 0, base, cache));
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
