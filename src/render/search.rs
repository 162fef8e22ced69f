//! Static search: the index the browser searches (`themes/default/static/js/search.js`)
//! and the `/search/` page that lists every page without JavaScript.
//!
//! Built from the rendered HTML of public pages only (handbook pages,
//! post-mortems, services, availability and trends), so nothing that the
//! public view left out can be indexed. Each page's `<main>` is reduced to
//! words once, while it is rendered (in parallel); the index is written
//! after the last page. Files (fixed names, so the plan knows them):
//! - `index.json`: the manifest: pages (url, title, section, incident facets)
//!   and the shard files;
//! - `shard-NN.json`: term → postings (`[doc, weight, doc, weight, ...]`),
//!   split by a hash of the term's first three letters, so a query loads
//!   only the shards of its terms (and a prefix of three letters or more
//!   finds one);
//! - `text-NN.json`: the first words of each page (doc id mod files), for
//!   excerpts.
//!
//! Output is deterministic: docs sorted by URL, maps sorted by key.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

use chrono::Datelike;
use serde::Serialize;

use super::{Renderer, context};
use crate::content::PageKind;
use crate::diag::Diagnostics;
use crate::output::Sink;
use crate::urls::{self, Job, SEARCH_SHARDS, SearchPart, TEXT_FILES};

/// Weights of a word by where it stands.
const TITLE_WEIGHT: u32 = 10;
const HEADING_WEIGHT: u32 = 5;
const BODY_WEIGHT: u32 = 1;
/// Characters of plain text kept per page for its excerpt.
const EXCERPT_CHARS: usize = 300;
/// Longer "words" are hashes, ids or URLs: not worth indexing.
const MAX_TERM: usize = 32;

/// What the index says of a page besides its words.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    /// Relative to the base path (`handbook/x/`); the manifest has it whole.
    #[serde(skip)]
    pub url: String,
    pub section: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<u8>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
}

/// One indexed page.
#[derive(Debug)]
pub struct Doc {
    pub meta: Meta,
    pub title: String,
    /// Distinct terms (in no order), each followed by `\n` (one allocation
    /// per page, not per word: a 5,000-page site has millions of them).
    pub words: String,
    /// The summed weight of each term of `words`, in order.
    pub weights: Vec<u32>,
    pub excerpt: String,
}

/// The postings of every page, filled while pages render: each page gets
/// its id (its rank by URL) before rendering and adds its terms to the
/// shard maps at once, so no page keeps its words until the end.
pub struct Postings {
    ids: HashMap<String, u32>,
    shards: Vec<std::sync::Mutex<TermLists>>,
}

/// Term → `[doc, weight, doc, weight, ...]`.
type TermLists = HashMap<Box<str>, Vec<u32>, Fnv>;

impl Postings {
    /// Ids for the pages at `urls` (each searched page's URL), by URL.
    pub fn new(mut urls: Vec<String>) -> Postings {
        urls.sort_unstable();
        urls.dedup();
        Postings {
            ids: urls.into_iter().zip(0u32..).collect(),
            shards: (0..SEARCH_SHARDS).map(|_| Default::default()).collect(),
        }
    }

    /// Moves a page's terms into the shards (the doc keeps its metadata).
    pub fn add(&self, doc: &mut Doc) {
        let Some(&id) = self.ids.get(&doc.meta.url) else {
            return;
        };
        let words = std::mem::take(&mut doc.words);
        let weights = std::mem::take(&mut doc.weights);
        let mut by_shard: Vec<Vec<(&str, u32)>> = vec![Vec::new(); SEARCH_SHARDS];
        for (term, w) in words.lines().zip(weights) {
            by_shard[shard_of(term)].push((term, w));
        }
        for (k, terms) in by_shard.into_iter().enumerate() {
            if terms.is_empty() {
                continue;
            }
            let mut shard = self.shards[k].lock().unwrap_or_else(|e| e.into_inner());
            for (term, w) in terms {
                match shard.get_mut(term) {
                    Some(list) => list.extend([id, w]),
                    None => {
                        shard.insert(term.into(), vec![id, w]);
                    }
                }
            }
        }
    }
}

/// The search facts of a job, or `None` when it is not searched.
pub fn meta(r: &Renderer<'_>, job: Job<'_>, url: &str) -> Option<Meta> {
    let plain = |section: &str| Meta {
        url: url.to_string(),
        section: section.to_string(),
        severity: None,
        services: Vec::new(),
        year: None,
    };
    Some(match job {
        Job::Page(k) => plain(&handbook_section(r, k)),
        Job::Incident(k) => {
            let i = r.public.incidents[k].incident();
            Meta {
                severity: Some(i.severity.number()),
                services: i.services.iter().map(|s| s.to_string()).collect(),
                year: Some(i.started_at.year()),
                ..plain("Post-mortems")
            }
        }
        Job::Service(_) => plain("Services"),
        Job::AvailabilityIndex | Job::AvailabilityMonth(_) => plain("Availability"),
        Job::TrendsMonth(_) => plain("Trends"),
        _ => return None,
    })
}

/// A handbook page's section: its top-level section's title.
fn handbook_section(r: &Renderer<'_>, k: usize) -> String {
    let pages = &r.public.content.pages;
    let mut at = k;
    while let Some(parent) = pages[at].parent {
        if pages[parent].kind == PageKind::Home {
            break;
        }
        at = parent;
    }
    let top = &pages[at];
    if top.kind == PageKind::Section {
        top.title.clone()
    } else {
        "Handbook".to_string()
    }
}

impl Doc {
    /// Reduces a rendered page to its searchable words.
    pub fn new(meta: Meta, html: &str) -> Doc {
        let text = extract(html);
        // All terms into one buffer, then sorted and merged.
        let mut buf = String::new();
        let mut spans: Vec<(u32, u32, u32)> = Vec::new();
        for (part, w) in [
            (&text.title, TITLE_WEIGHT),
            (&text.headings, HEADING_WEIGHT),
            (&text.body, BODY_WEIGHT),
        ] {
            each_term(part, |t| {
                let start = buf.len() as u32;
                buf.push_str(t);
                spans.push((start, buf.len() as u32, w));
            });
        }
        // Merged by a hash map, not a sort: the global map sorts once.
        let mut merged: HashMap<&str, u32, Fnv> = HashMap::default();
        for &(s, e, w) in &spans {
            *merged.entry(&buf[s as usize..e as usize]).or_default() += w;
        }
        let mut words = String::with_capacity(buf.len() / 2);
        let mut weights: Vec<u32> = Vec::with_capacity(merged.len());
        for (term, w) in merged {
            words.push_str(term);
            words.push('\n');
            weights.push(w);
        }
        Doc {
            meta,
            title: text.title,
            words,
            weights,
            excerpt: text.excerpt,
        }
    }
}

fn cut(text: &str, chars: usize) -> String {
    match text.char_indices().nth(chars) {
        None => text.to_string(),
        Some((end, _)) => {
            // End on a word boundary when one is near.
            let head = &text[..end];
            let end = head.rfind(' ').filter(|&i| i > end / 2).unwrap_or(end);
            format!("{}…", &text[..end])
        }
    }
}

/// A page's text by where it stands.
#[derive(Debug, Default, PartialEq)]
struct Text {
    title: String,
    headings: String,
    body: String,
    excerpt: String,
}

/// Plain text of a rendered page: the title (its `<h1>`, else `<title>`
/// without the site's name), headings `h2`–`h6` and the rest of `<main>`,
/// leaving out navigation (breadcrumbs, contents), scripts, styles, SVG and
/// forms.
fn extract(html: &str) -> Text {
    let mut text = Text::default();
    if let Some(start) = html.find("<title>") {
        let rest = &html[start + 7..];
        let raw = &rest[..rest.find("</title>").unwrap_or(0)];
        let title = decode(raw);
        text.title = match title.rsplit_once(" | ") {
            Some((t, _)) => t.to_string(),
            None => title,
        };
    }
    let Some(main) = html.find("<main") else {
        return text;
    };
    let end = html.rfind("</main>").unwrap_or(html.len());
    let html = &html[main..end.max(main)];
    let bytes = html.as_bytes();
    let mut skip = 0usize; // depth inside skipped elements
    let mut heading = false;
    let mut h1 = None::<String>;
    // Where the excerpt starts: the first paragraph after the page's header
    // (its facts and badges read badly as an excerpt), else the first one.
    let (mut first_p, mut after_header) = (None, None);
    let mut i = 0;
    let mut run_start = 0;
    let flush = |text: &mut Text, run: &str, skip: usize, heading: bool| {
        if skip > 0 || run.trim().is_empty() {
            return;
        }
        let into = if heading {
            &mut text.headings
        } else {
            &mut text.body
        };
        into.push_str(&decode(run));
        into.push(' ');
    };
    while i < bytes.len() {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        if let Some(h1) = &mut h1 {
            h1.push_str(&html[run_start..i]);
        }
        let skipped = skip + usize::from(h1.is_some());
        flush(&mut text, &html[run_start..i], skipped, heading);
        // Find the tag's end, minding quoted attribute values.
        let mut j = i + 1;
        let mut quote = 0u8;
        while j < bytes.len() {
            let b = bytes[j];
            if quote != 0 {
                if b == quote {
                    quote = 0;
                }
            } else if b == b'"' || b == b'\'' {
                quote = b;
            } else if b == b'>' {
                break;
            }
            j += 1;
        }
        let tag = &html[i + 1..j.min(html.len())];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        match name.as_str() {
            "h1" if !closing && h1.is_none() => h1 = Some(String::new()),
            "h1" if closing => text.title = collapse(&decode(&h1.take().unwrap_or_default())),
            "header" if closing && after_header.is_none() => after_header = Some(None),
            "p" if !closing && skip == 0 => {
                first_p.get_or_insert(text.body.len());
                if after_header == Some(None) {
                    after_header = Some(Some(text.body.len()));
                }
            }
            "nav" | "script" | "style" | "svg" | "form" | "aside" | "template" | "noscript" => {
                if closing {
                    skip = skip.saturating_sub(1);
                } else if !tag.ends_with('/') {
                    skip += 1;
                }
            }
            "h2" | "h3" | "h4" | "h5" | "h6" => heading = !closing,
            _ => {}
        }
        i = j + 1;
        run_start = i.min(bytes.len());
    }
    let start = after_header.flatten().or(first_p).unwrap_or(0);
    // Only the excerpt needs its white space collapsed: enough bytes for it.
    let mut end = (start + EXCERPT_CHARS * 8).min(text.body.len());
    while !text.body.is_char_boundary(end) {
        end += 1;
    }
    text.excerpt = cut(&collapse(&text.body[start..end]), EXCERPT_CHARS);
    text
}

/// FNV-1a for the per-page term maps: short keys, no untrusted collisions
/// worth defending against at build time, much cheaper than SipHash.
#[derive(Default)]
struct FnvHasher(u64);

impl std::hash::Hasher for FnvHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

type Fnv = std::hash::BuildHasherDefault<FnvHasher>;

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Decodes the entities our renderers write (and numeric ones).
fn decode(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let semi = rest.bytes().take(12).position(|b| b == b';');
        let decoded = semi.and_then(|semi| {
            let name = &rest[1..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => {
                    let n = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                        u32::from_str_radix(hex, 16).ok()
                    } else {
                        name.strip_prefix('#').and_then(|d| d.parse().ok())
                    };
                    n.and_then(char::from_u32)
                }
            };
            c.map(|c| (c, semi))
        });
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// ASCII for a lower-case letter with a diacritic (Latin-1 and Latin
/// Extended-A); `search.js` folds the same way (NFD, then this short list).
fn fold(c: char) -> Option<&'static str> {
    Some(match c {
        'à'..='å' | 'ā' | 'ă' | 'ą' => "a",
        'æ' => "ae",
        'ç' | 'ć' | 'ĉ' | 'ċ' | 'č' => "c",
        'ď' | 'đ' | 'ð' => "d",
        'è'..='ë' | 'ē' | 'ĕ' | 'ė' | 'ę' | 'ě' => "e",
        'ĝ' | 'ğ' | 'ġ' | 'ģ' => "g",
        'ĥ' | 'ħ' => "h",
        'ì'..='ï' | 'ĩ' | 'ī' | 'ĭ' | 'į' | 'ı' => "i",
        'ĵ' => "j",
        'ķ' => "k",
        'ĺ' | 'ļ' | 'ľ' | 'ŀ' | 'ł' => "l",
        'ñ' | 'ń' | 'ņ' | 'ň' => "n",
        'ò'..='ö' | 'ø' | 'ō' | 'ŏ' | 'ő' => "o",
        'œ' => "oe",
        'ŕ' | 'ŗ' | 'ř' => "r",
        'ś' | 'ŝ' | 'ş' | 'š' => "s",
        'ß' => "ss",
        'ţ' | 'ť' | 'ŧ' => "t",
        'þ' => "th",
        'ù'..='ü' | 'ũ' | 'ū' | 'ŭ' | 'ů' | 'ű' | 'ų' => "u",
        'ŵ' => "w",
        'ý' | 'ÿ' | 'ŷ' => "y",
        'ź' | 'ż' | 'ž' => "z",
        _ => return None,
    })
}

/// Calls `f` with each term of a text: lower-cased, ASCII-folded runs of
/// letters and digits, two to `MAX_TERM` characters long.
pub fn each_term(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::new();
    let mut end = |word: &mut String| {
        if (2..=MAX_TERM).contains(&word.len()) {
            f(word);
        }
        word.clear();
    };
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            word.push(c.to_ascii_lowercase());
        } else if c.is_ascii() {
            end(&mut word);
        } else {
            for c in c.to_lowercase() {
                match fold(c) {
                    Some(f) => word.push_str(f),
                    None => end(&mut word),
                }
            }
        }
    }
    end(&mut word);
}

/// The terms of a text (see `each_term`).
pub fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    each_term(text, |t| out.push(t.to_string()));
    out
}

/// The shard of a term: FNV-1a of its first three bytes (terms are ASCII),
/// the same function as in `search.js`. A prefix of three letters or more
/// is in one shard.
pub fn shard_of(term: &str) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for &b in term.as_bytes().iter().take(3) {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h as usize % SEARCH_SHARDS
}

#[derive(Serialize)]
struct PageEntry<'a> {
    url: String,
    title: &'a str,
    #[serde(flatten)]
    meta: &'a Meta,
}

#[derive(Serialize)]
struct Manifest<'a> {
    version: u32,
    /// Term → shard: FNV-1a of the first three letters, modulo this.
    shard_count: usize,
    shards: Vec<String>,
    texts: Vec<String>,
    sections: Vec<&'a str>,
    /// By doc id.
    pages: Vec<PageEntry<'a>>,
}

/// The search files, by part; shards as sorted terms until written.
pub struct Index {
    pub files: HashMap<SearchPart, String>,
    shards: Vec<Vec<(Box<str>, Vec<u32>)>>,
}

impl Index {
    /// The bytes of one part (a shard's JSON is made here, then its terms
    /// are dropped).
    pub fn take(&mut self, part: &SearchPart) -> String {
        match part {
            SearchPart::Shard(k) => self
                .shards
                .get_mut(*k)
                .map(|terms| {
                    let json = shard_json(terms);
                    *terms = Vec::new();
                    json
                })
                .unwrap_or_default(),
            part => self.files.remove(part).unwrap_or_default(),
        }
    }
}

/// Builds every search file from the docs (in any order).
pub fn build(docs: Vec<Doc>, base_path: &str) -> Index {
    let urls = docs.iter().map(|d| d.meta.url.clone()).collect();
    build_with(docs, base_path, Postings::new(urls))
}

/// `build`, with the postings pages added while they rendered (docs whose
/// words are still theirs are added here).
pub fn build_with(mut docs: Vec<Doc>, base_path: &str, given: Postings) -> Index {
    docs.sort_by(|a, b| a.meta.url.cmp(&b.meta.url));
    // Ids were given by URL before rendering; a page that failed to render
    // leaves a gap, closed here so that ids are the manifest's positions.
    let mut remap: Vec<Option<u32>> = vec![None; given.ids.len()];
    for (id, doc) in docs.iter().enumerate() {
        if let Some(&given_id) = given.ids.get(&doc.meta.url) {
            remap[given_id as usize] = Some(id as u32);
        }
    }
    for doc in &mut docs {
        if !doc.words.is_empty() {
            given.add(doc);
        }
    }
    let gapless = remap.iter().enumerate().all(|(k, r)| *r == Some(k as u32));
    let mut postings: Vec<(Box<str>, Vec<u32>)> = Vec::new();
    for shard in given.shards {
        let shard = shard.into_inner().unwrap_or_else(|e| e.into_inner());
        for (term, list) in shard {
            // Pages added their terms in any order: sort by id, as pairs.
            let mut pairs: Vec<(u32, u32)> = list
                .chunks_exact(2)
                .filter_map(|p| {
                    let id = if gapless {
                        Some(p[0])
                    } else {
                        remap[p[0] as usize]
                    };
                    id.map(|id| (id, p[1]))
                })
                .collect();
            pairs.sort_unstable();
            let flat = pairs.into_iter().flat_map(|(id, w)| [id, w]).collect();
            postings.push((term, flat));
        }
    }
    let mut texts: Vec<BTreeMap<u32, &str>> = vec![BTreeMap::new(); TEXT_FILES];
    for (id, doc) in docs.iter().enumerate() {
        texts[id % TEXT_FILES].insert(id as u32, &doc.excerpt);
    }
    // Terms by shard, sorted; each shard's JSON is made only when written.
    let mut shards: Vec<Vec<(Box<str>, Vec<u32>)>> = vec![Vec::new(); SEARCH_SHARDS];
    for (term, list) in postings {
        shards[shard_of(&term)].push((term, list));
    }
    for shard in &mut shards {
        shard.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    }
    let mut sections: Vec<&str> = docs.iter().map(|d| d.meta.section.as_str()).collect();
    sections.sort_unstable();
    sections.dedup();
    let name = |kind: &str, k: usize| format!("{kind}-{k:02}.json");
    let manifest = Manifest {
        version: 1,
        shard_count: SEARCH_SHARDS,
        shards: (0..SEARCH_SHARDS).map(|k| name("shard", k)).collect(),
        texts: (0..TEXT_FILES).map(|k| name("text", k)).collect(),
        sections,
        pages: docs
            .iter()
            .map(|d| PageEntry {
                url: format!("{base_path}{}", d.meta.url),
                title: &d.title,
                meta: &d.meta,
            })
            .collect(),
    };
    let mut files = HashMap::new();
    files.insert(SearchPart::Manifest, json(&manifest));
    for (k, text) in texts.iter().enumerate() {
        files.insert(SearchPart::Text(k), json(text));
    }
    Index { files, shards }
}

/// One shard's JSON: `{"term":[doc,weight,...],...}`, terms sorted.
fn shard_json(terms: &[(Box<str>, Vec<u32>)]) -> String {
    let mut out = String::from("{");
    for (term, list) in terms {
        if out.len() > 1 {
            out.push(',');
        }
        // Terms are [a-z0-9]: nothing to escape.
        out.push('"');
        out.push_str(term);
        out.push_str("\":[");
        for (k, n) in list.iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            let _ = write!(out, "{n}");
        }
        out.push(']');
    }
    out.push('}');
    out
}

/// JSON with `<` escaped: page text (a title quoting `<script>`) stays
/// inert even for a consumer that sniffs the file as HTML.
fn json<T: Serialize>(value: &T) -> String {
    let text = serde_json::to_string(value).expect("index values serialise");
    text.replace('<', "\\u003c")
}

/// The `/search/` page: every indexed page by section, a plain list that
/// works without JavaScript; `search.js` adds the search box's results.
pub fn page(r: &Renderer<'_>, docs: &[Doc]) -> Result<String, Diagnostics> {
    #[derive(Serialize)]
    struct Link<'a> {
        url: String,
        title: &'a str,
    }
    #[derive(Serialize)]
    struct Section<'a> {
        title: &'a str,
        pages: Vec<Link<'a>>,
    }
    let base = r.config.base_path();
    let mut by_section: BTreeMap<&str, Vec<&Doc>> = BTreeMap::new();
    for d in docs {
        by_section.entry(&d.meta.section).or_default().push(d);
    }
    let sections: Vec<Section<'_>> = by_section
        .into_iter()
        .map(|(title, mut docs)| {
            docs.sort_by(|a, b| (&a.title, &a.meta.url).cmp(&(&b.title, &b.meta.url)));
            Section {
                title,
                pages: docs
                    .into_iter()
                    .map(|d| Link {
                        url: format!("{base}{}", d.meta.url),
                        title: &d.title,
                    })
                    .collect(),
            }
        })
        .collect();
    if !r.templates.has("search.html") {
        // A site theme without the template still gets a usable page.
        let mut html = String::from("<!DOCTYPE html><title>Search</title><h1>Search</h1>");
        for s in &sections {
            html.push_str(&format!("<h2>{}</h2><ul>", esc(s.title)));
            for p in &s.pages {
                html.push_str(&format!(
                    "<li><a href=\"{}\">{}</a></li>",
                    esc(&p.url),
                    esc(p.title)
                ));
            }
            html.push_str("</ul>");
        }
        return Ok(html);
    }
    let mut ctx = tera::Context::new();
    ctx.insert("sections", &sections);
    ctx.insert("index_url", &format!("{base}{}index.json", urls::SEARCH));
    ctx.insert(
        "page",
        &super::incidents::page_meta(r.config, "Search", urls::SEARCH, "search"),
    );
    ctx.extend(context::chrome(r.public.content, base, &r.nav));
    Ok(r.templates.render("search.html", &ctx)?)
}

fn esc(s: &str) -> String {
    crate::markdown::escape::escape_html(s)
}

/// Writes the search files and page once every page has been rendered.
/// Returns (pages, files) written.
pub fn write(
    r: &Renderer<'_>,
    parts: &[(&String, SearchPart)],
    docs: Vec<Doc>,
    postings: Postings,
    sink: &Sink,
) -> (usize, usize, Diagnostics) {
    let mut diags = Diagnostics::new();
    let page = page(r, &docs);
    let mut index = build_with(docs, r.config.base_path(), postings);
    let (mut pages, mut files) = (0, 0);
    for (path, part) in parts {
        let bytes = match part {
            SearchPart::Page => match &page {
                Ok(html) => {
                    pages += 1;
                    html.clone()
                }
                Err(d) => {
                    diags.extend(d.0.clone());
                    continue;
                }
            },
            part => {
                files += 1;
                index.take(part)
            }
        };
        diags.extend(sink.write(path, bytes.as_bytes()).err());
    }
    (pages, files, diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_folded_words() {
        let t = terms("Ça-va? Café DNS_resolver x 42 Straße ÉTÉ");
        assert_eq!(
            t,
            [
                "ca", "va", "cafe", "dns", "resolver", "42", "strasse", "ete"
            ]
        );
    }

    #[test]
    fn text_by_place() {
        let html = "<html><head><title>Disk &amp; full | Site</title></head><body>\
            <header>header words</header><main id=\"content\"><nav>crumbs</nav>\
            <header><h1>Disk &amp; <code>full</code></h1><p>facts</p></header><p>Body <em>text</em></p><h2 id=\"x\">Cause</h2>\
            <svg><text>axis</text></svg><p>More &#233;t&eacute;</p></main><footer>f</footer>";
        let t = extract(html);
        assert_eq!(t.title, "Disk & full");
        assert_eq!(collapse(&t.headings), "Cause");
        assert_eq!(collapse(&t.body), "facts Body text More ét&eacute;");
        assert_eq!(t.excerpt, "Body text More ét&eacute;");
    }

    #[test]
    fn weights_add_up() {
        let meta = Meta {
            url: "a/".into(),
            section: "S".into(),
            severity: None,
            services: vec![],
            year: None,
        };
        let html = "<title>Zebra | x</title><main><h2>Zebra lion</h2><p>zebra</p></main>";
        let d = Doc::new(meta, html);
        let mut terms: Vec<(&str, u32)> = d.words.lines().zip(d.weights).collect();
        terms.sort_unstable();
        assert_eq!(terms, [("lion", 5), ("zebra", 16)]);
    }

    #[test]
    fn shards_spread_and_match_prefixes() {
        assert_eq!(shard_of("postgres"), shard_of("pos"));
        let used: std::collections::BTreeSet<usize> = ["ab", "cd", "ef", "gh", "ij", "kl", "mn"]
            .iter()
            .map(|t| shard_of(t))
            .collect();
        assert!(used.len() > 4);
    }

    #[test]
    fn long_excerpts_are_cut_at_a_word() {
        let text = "word ".repeat(100);
        let e = cut(&text, 30);
        assert!(e.ends_with('…') && e.len() < 40, "{e}");
    }

    #[test]
    fn pages_posted_while_rendering_index_as_if_built_at_the_end() {
        let doc = |url: &str, word: &str| {
            let meta = Meta {
                url: url.into(),
                section: "S".into(),
                severity: None,
                services: vec![],
                year: None,
            };
            Doc::new(
                meta,
                &format!("<title>{word} | x</title><main><p>{word} shared</p></main>"),
            )
        };
        let all = || vec![doc("c/", "gamma"), doc("a/", "alpha"), doc("b/", "beta")];
        let at_end = build(all(), "/");
        // Posted in another order, with one more page planned that never
        // rendered (`0/`, which would have taken id 0).
        let given = Postings::new(["0/", "a/", "b/", "c/"].map(String::from).to_vec());
        let mut docs = all();
        for d in docs.iter_mut().rev() {
            given.add(d);
        }
        let posted = build_with(docs, "/", given);
        let json = |i: &mut Index| {
            (0..SEARCH_SHARDS)
                .map(|k| i.take(&SearchPart::Shard(k)))
                .collect::<Vec<_>>()
        };
        let (mut a, mut b) = (at_end, posted);
        assert_eq!(json(&mut a), json(&mut b));
        let shared = json(&mut build(all(), "/"))[shard_of("shared")].clone();
        assert!(shared.contains("\"shared\":[0,1,1,1,2,1]"), "{shared}");
    }
}
