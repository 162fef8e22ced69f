//! Static search: the index the browser searches (`themes/default/static/js/search.js`)
//! and the `/search/` page that lists every page without JavaScript.
//!
//! Built from the rendered HTML of public pages only (handbook pages,
//! post-mortems, services, availability and trends), so nothing that the
//! public view left out can be indexed. Each page's `<main>` is read once,
//! while it is rendered (in parallel): one pass over its bytes finds the
//! title, the excerpt and the terms, whose weights go straight into the
//! reading worker's term table; the index is written after the last page,
//! every file in parallel. Files (fixed names, so the plan knows them):
//! - `index.json`: the manifest: pages (url, title, section, incident facets)
//!   and the shard files;
//! - `shard-NN.json`: term → postings (`[gap, weight, gap, weight, ...]`,
//!   doc ids ascending, each written as its difference from the previous
//!   one; manifest version 2), split by a hash of the term's first three letters, so a query loads
//!   only the shards of its terms (and a prefix of three letters or more
//!   finds one);
//! - `text-NN.json`: the first words of each page (doc id mod files), for
//!   excerpts.
//!
//! Output is deterministic: docs sorted by URL, maps sorted by key.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use chrono::Datelike;
use memchr::memmem;
use rayon::prelude::*;
use serde::Serialize;

use super::{Renderer, context};
use crate::content::PageKind;
use crate::diag::Diagnostics;
use crate::markdown::escape::tag_end;
use crate::output::Sink;
use crate::urls::{self, Job, SEARCH_SHARDS, SearchPart, TEXT_FILES};

/// Weights of a word by where it stands.
const TITLE_WEIGHT: u32 = 10;
const HEADING_WEIGHT: u32 = 5;
const BODY_WEIGHT: u32 = 1;
/// Characters of plain text kept per page for its excerpt.
const EXCERPT_CHARS: usize = 300;
/// Bytes of body text read for the excerpt (enough for its characters).
const EXCERPT_BYTES: usize = EXCERPT_CHARS * 8;
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

/// One indexed page (its terms are in the `Postings` that read it).
#[derive(Debug)]
pub struct Doc {
    pub meta: Meta,
    pub title: String,
    pub excerpt: String,
}

/// The postings of every page, filled while pages render: each page gets
/// its id (its rank by URL) before rendering and its terms go into the
/// table of the worker that read it, so no page keeps its words and no
/// lock is held per term.
pub struct Postings {
    ids: HashMap<String, u32>,
    /// Idle workers' tables; a page takes one (or makes one) to be read.
    pool: Mutex<Vec<Worker>>,
}

impl Postings {
    /// Ids for the pages at `urls` (each searched page's URL), by URL.
    pub fn new(mut urls: Vec<String>) -> Postings {
        urls.sort_unstable();
        urls.dedup();
        Postings {
            ids: urls.into_iter().zip(0u32..).collect(),
            pool: Mutex::new(Vec::new()),
        }
    }

    /// Reads a rendered page: its terms are posted (when its URL was given
    /// an id), its title and excerpt returned.
    pub fn doc(&self, meta: Meta, html: &str) -> Doc {
        let pool = || self.pool.lock().unwrap_or_else(|e| e.into_inner());
        let mut worker = pool().pop().unwrap_or_default();
        let (title, excerpt) = worker.read(html);
        worker.end_page(self.ids.get(&meta.url).copied());
        pool().push(worker);
        Doc {
            meta,
            title,
            excerpt,
        }
    }
}

/// One worker's terms and the scratch of the page it reads; reused from
/// page to page, so a page costs no allocation per term.
#[derive(Default)]
struct Worker {
    table: Table,
    /// By term: its postings in the order pages were read, packed (see
    /// `Packed`): 8.2 million postings at 20,000 pages take 2–3 bytes
    /// each instead of 8.
    lists: Vec<Packed>,
    /// The terms of the page being read.
    page: PageTerms,
    /// Body text from where the excerpt starts, and the `<h1>`'s text.
    body: String,
    h1: String,
    /// The table ids of the page's terms (scratch).
    ids: Vec<u32>,
}

impl Worker {
    /// Adds a term of the page being read.
    fn post(&mut self, term: &Key, weight: u32) {
        self.page.add(*term, weight);
    }

    /// Moves the page's summed weights into the lists (or drops them when
    /// the page has no id).
    fn end_page(&mut self, id: Option<u32>) {
        if let Some(id) = id {
            // Most of a page's distinct terms are rare ones, whose slot,
            // list and list end are each a cache miss. Touching them all
            // first, in loops of independent loads, lets the CPU wait for
            // many misses at once instead of one after another.
            let terms = &self.page.terms;
            self.table.touch(terms.iter().map(|t| &t.key));
            let ids = &mut self.ids;
            ids.clear();
            ids.extend(terms.iter().map(|term| self.table.id(&term.key) as u32));
            let known = self.lists.len();
            let mut seen = 0u64;
            for &t in ids.iter() {
                if let Some(list) = self.lists.get(t as usize) {
                    seen ^= u64::from(list.last) ^ list.bytes.len() as u64;
                }
            }
            for &t in ids.iter().filter(|&&t| (t as usize) < known) {
                seen ^= u64::from(self.lists[t as usize].bytes.last().copied().unwrap_or(0));
            }
            std::hint::black_box(seen);
            for (term, &t) in terms.iter().zip(ids.iter()) {
                let t = t as usize;
                if t == self.lists.len() {
                    self.lists.push(Packed::default());
                }
                self.lists[t].push(id, term.weight);
            }
        }
        self.page.clear();
    }

    /// One pass over a rendered page: posts the terms of its title
    /// (`<h1>`, else `<title>` without the site's name), of headings
    /// `h2`–`h6` and of the rest of `<main>`, leaving out navigation
    /// (breadcrumbs, contents), scripts, styles, SVG and forms. Returns the
    /// title and the excerpt.
    fn read(&mut self, html: &str) -> (String, String) {
        let mut title = String::new();
        if let Some(start) = memmem::find(html.as_bytes(), b"<title>") {
            let rest = &html[start + 7..];
            let raw = &rest[..memmem::find(rest.as_bytes(), b"</title>").unwrap_or(0)];
            let t = decode(raw);
            title = match t.rsplit_once(" | ") {
                Some((t, _)) => t.to_string(),
                None => t,
            };
        }
        let mut body = std::mem::take(&mut self.body);
        let mut h1 = std::mem::take(&mut self.h1);
        body.clear();
        h1.clear();
        if let Some(main) = memmem::find(html.as_bytes(), b"<main") {
            let end = memmem::rfind(html.as_bytes(), b"</main>").unwrap_or(html.len());
            self.main(&html[main..end.max(main)], &mut title, &mut body, &mut h1);
        }
        scan_terms(&title, false, |t| self.post(t, TITLE_WEIGHT));
        // Only the excerpt needs its white space collapsed.
        let mut end = EXCERPT_BYTES.min(body.len());
        while !body.is_char_boundary(end) {
            end += 1;
        }
        let excerpt = cut(&collapse_head(&body[..end], EXCERPT_CHARS), EXCERPT_CHARS);
        self.body = body;
        self.h1 = h1;
        (title, excerpt)
    }

    /// `read`'s pass over `<main>`. Text after the last tag is not read.
    fn main(&mut self, html: &str, title: &mut String, body: &mut String, h1: &mut String) {
        let bytes = html.as_bytes();
        let mut skip = 0usize; // depth inside skipped elements
        let (mut heading, mut in_h1) = (false, false);
        // Where the excerpt starts: the first paragraph after the page's
        // header (its facts and badges read badly as an excerpt), else the
        // first one, else the start. `body` holds the text from there.
        let (mut first_p, mut header_closed, mut after_header) = (false, false, false);
        let mut i = 0;
        let mut run_start = 0;
        while i < bytes.len() {
            let Some(lt) = memchr::memchr(b'<', &bytes[i..]) else {
                break;
            };
            i += lt;
            let run = &html[run_start..i];
            if in_h1 {
                h1.push_str(run);
            } else if skip == 0 && !run.is_empty() {
                if heading {
                    scan_terms(run, true, |t| self.post(t, HEADING_WEIGHT));
                } else {
                    scan_terms(run, true, |t| self.post(t, BODY_WEIGHT));
                    if body.len() < EXCERPT_BYTES && !run.trim().is_empty() {
                        decode_into(run, body);
                        body.push(' ');
                    }
                }
            }
            let j = tag_end(bytes, i + 1);
            let tag = &html[i + 1..j.min(html.len())];
            let closing = tag.starts_with('/');
            match tag_name(tag) {
                b"h1" if !closing && !in_h1 => {
                    in_h1 = true;
                    h1.clear();
                }
                b"h1" if closing => {
                    *title = collapse(&decode(h1));
                    in_h1 = false;
                    h1.clear();
                }
                b"header" if closing && !header_closed => header_closed = true,
                b"p" if !closing && skip == 0 => {
                    if header_closed && !after_header {
                        after_header = true;
                        body.clear();
                    } else if !first_p && !after_header {
                        body.clear();
                    }
                    first_p = true;
                }
                b"nav" | b"script" | b"style" | b"svg" | b"form" | b"aside" | b"template"
                | b"noscript" => {
                    if closing {
                        skip = skip.saturating_sub(1);
                    } else if !tag.ends_with('/') {
                        skip += 1;
                    }
                }
                b"h2" | b"h3" | b"h4" | b"h5" | b"h6" => heading = !closing,
                _ => {}
            }
            i = j + 1;
            run_start = i.min(bytes.len());
        }
    }
}

/// A tag's name, lower-cased (`/` before it skipped); names longer than
/// any we look for come back empty.
fn tag_name(tag: &str) -> &'static [u8] {
    let name = tag.trim_start_matches('/').as_bytes();
    let len = name
        .iter()
        .position(|b| !b.is_ascii_alphanumeric())
        .unwrap_or(name.len());
    let mut lower = [0u8; 8];
    if len > lower.len() {
        return b"";
    }
    for (l, b) in lower.iter_mut().zip(&name[..len]) {
        *l = b.to_ascii_lowercase();
    }
    const NAMES: [&[u8]; 17] = [
        b"h1",
        b"h2",
        b"h3",
        b"h4",
        b"h5",
        b"h6",
        b"header",
        b"p",
        b"nav",
        b"script",
        b"style",
        b"svg",
        b"form",
        b"aside",
        b"template",
        b"noscript",
        b"",
    ];
    NAMES
        .iter()
        .find(|n| **n == &lower[..len])
        .copied()
        .unwrap_or(b"")
}

/// The terms seen by one worker: open addressing over their bytes (terms
/// are short ASCII; a page repeats the same few hundred). A slot holds a
/// term's first eight bytes, so most look-ups read nothing else.
#[derive(Default)]
struct Table {
    /// A power of two, at most half full.
    slots: Vec<Slot>,
    /// By term: its start in `text` and in `rest`, and its length.
    terms: Vec<(u32, u32, u32)>,
    text: Vec<u8>,
    /// The eight-byte words of terms longer than eight bytes, but the first.
    rest: Vec<u64>,
}

#[derive(Clone, Copy, Default)]
struct Slot {
    first: u64,
    /// The hash's upper bits and the term's length.
    tag: u32,
    /// The term's number + 1; 0 is free.
    term: u32,
}

impl Table {
    /// The number of a term, new ones numbered in order.
    fn id(&mut self, term: &Key) -> usize {
        if self.slots.is_empty() {
            self.slots = vec![Slot::default(); 1 << 12];
        }
        let (key, len, h) = (&term.words, term.len as usize, term.hash);
        let words = len.div_ceil(8);
        let tag = (h & !0xff) | len as u32;
        let mask = self.slots.len() - 1;
        let mut i = (h >> 8) as usize & mask;
        loop {
            let slot = self.slots[i];
            if slot.term == 0 {
                break;
            }
            if slot.tag == tag && slot.first == key[0] {
                let t = slot.term as usize - 1;
                let rest = self.terms[t].1 as usize;
                if words <= 1 || self.rest[rest..rest + words - 1] == key[1..words] {
                    return t;
                }
            }
            i = (i + 1) & mask;
        }
        let t = self.terms.len();
        self.terms
            .push((self.text.len() as u32, self.rest.len() as u32, len as u32));
        let bytes = key.iter().flat_map(|w| w.to_le_bytes());
        self.text.extend(bytes.take(len));
        self.rest.extend_from_slice(&key[1.min(words)..words]);
        self.slots[i] = Slot {
            first: key[0],
            tag,
            term: t as u32 + 1,
        };
        if self.terms.len() * 2 > self.slots.len() {
            self.grow();
        }
        t
    }

    /// Loads the first slot of each key (see `Worker::end_page`).
    fn touch<'k>(&self, keys: impl Iterator<Item = &'k Key>) {
        if self.slots.is_empty() {
            return;
        }
        let mask = self.slots.len() - 1;
        let mut seen = 0u32;
        for key in keys {
            seen ^= self.slots[(key.hash >> 8) as usize & mask].term;
        }
        std::hint::black_box(seen);
    }

    fn term(&self, t: usize) -> &[u8] {
        let (start, _, len) = self.terms[t];
        &self.text[start as usize..(start + len) as usize]
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        let old = std::mem::replace(&mut self.slots, vec![Slot::default(); size]);
        let mask = size - 1;
        for slot in old.into_iter().filter(|s| s.term != 0) {
            // The tag's upper bits are the hash's: enough to place it.
            let mut i = (slot.tag >> 8) as usize & mask;
            while self.slots[i].term != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = slot;
        }
    }
}

/// A term as the tables take it: its bytes as little-endian words (zero
/// after the term), its length and hash.
#[derive(Clone, Copy)]
struct Key {
    words: [u64; MAX_TERM / 8],
    len: u32,
    hash: u32,
}

impl PartialEq for Key {
    /// Word by word, the first (which tells most terms apart) first: a key
    /// was just written word by word, and comparing it in wider loads would
    /// make the CPU wait for those stores.
    fn eq(&self, other: &Key) -> bool {
        self.words[0] == other.words[0]
            && self.len == other.len
            && self.words[1] == other.words[1]
            && self.words[2] == other.words[2]
            && self.words[3] == other.words[3]
    }
}

impl Key {
    /// A run of ASCII letters and digits, 2 to `MAX_TERM` bytes, lower-cased
    /// as whole words: OR-ing 0x20 lower-cases a letter and leaves a digit
    /// as it is. Words are read whole from `text` (past the run where it
    /// goes on) and masked, not byte by byte: storing bytes and loading
    /// them as words stalls the CPU.
    fn of_run(text: &[u8], start: usize, len: usize) -> Key {
        debug_assert!((2..=MAX_TERM).contains(&len));
        const LOWER: u64 = 0x2020_2020_2020_2020;
        let word = |k: usize| {
            let at = start + 8 * k;
            let left = len - 8 * k;
            let word = match text.get(at..at + 8) {
                Some(b) => u64::from_le_bytes(b.try_into().unwrap_or_default()),
                None => {
                    let mut b = [0u8; 8];
                    b[..left].copy_from_slice(&text[at..at + left]);
                    u64::from_le_bytes(b)
                }
            };
            let mask = if left >= 8 {
                u64::MAX
            } else {
                (1u64 << (8 * left)) - 1
            };
            (word | LOWER) & mask
        };
        let n = len.div_ceil(8);
        let mut words = [0u64; MAX_TERM / 8];
        // Hashed as made, in registers (see `hash`).
        let mut h = n as u64;
        for (k, w) in words.iter_mut().enumerate().take(n) {
            *w = word(k);
            h = (h.rotate_left(5) ^ *w).wrapping_mul(HASH_K);
        }
        Key {
            words,
            len: len as u32,
            hash: finish(h),
        }
    }

    /// The term's bytes.
    fn bytes(&self) -> [u8; MAX_TERM] {
        let mut out = [0u8; MAX_TERM];
        for (chunk, w) in out.chunks_exact_mut(8).zip(self.words) {
            chunk.copy_from_slice(&w.to_le_bytes());
        }
        out
    }
}

/// The distinct terms of the page being read and their summed weights: a
/// table small enough to stay in the L1 cache, so each token costs no
/// look-up in the worker's large one (each distinct term does, once).
#[derive(Default)]
struct PageTerms {
    /// Term + 1; 0 is free. A power of two, at most half full.
    slots: Vec<u32>,
    terms: Vec<PageTerm>,
}

struct PageTerm {
    key: Key,
    weight: u32,
    slot: u32,
}

impl PageTerms {
    fn add(&mut self, key: Key, weight: u32) {
        if self.slots.is_empty() {
            self.slots = vec![0; 1 << 11];
        }
        let mask = self.slots.len() - 1;
        let mut i = (key.hash >> 8) as usize & mask;
        loop {
            match self.slots[i] {
                0 => break,
                t => {
                    let term = &mut self.terms[t as usize - 1];
                    if term.key == key {
                        term.weight += weight;
                        return;
                    }
                }
            }
            i = (i + 1) & mask;
        }
        self.terms.push(PageTerm {
            key,
            weight,
            slot: i as u32,
        });
        self.slots[i] = self.terms.len() as u32;
        if self.terms.len() * 2 > self.slots.len() {
            self.grow();
        }
    }

    fn grow(&mut self) {
        let size = self.slots.len() * 2;
        self.slots = vec![0; size];
        for (t, term) in self.terms.iter_mut().enumerate() {
            let mut i = (term.key.hash >> 8) as usize & (size - 1);
            while self.slots[i] != 0 {
                i = (i + 1) & (size - 1);
            }
            self.slots[i] = t as u32 + 1;
            term.slot = i as u32;
        }
    }

    /// Empties the table for the next page (only the slots it used).
    fn clear(&mut self) {
        for term in self.terms.drain(..) {
            self.slots[term.slot as usize] = 0;
        }
    }
}

/// A multiplicative hash of a term's words; the low byte is left for the
/// tag's length, so slots are found by bits 8 and up (ample below 2^24
/// slots, and only slower past that).
fn hash(words: &[u64]) -> u32 {
    let mut h = words.len() as u64;
    for &w in words {
        h = (h.rotate_left(5) ^ w).wrapping_mul(HASH_K);
    }
    finish(h)
}

const HASH_K: u64 = 0x517c_c1b7_2722_0a95;

fn finish(h: u64) -> u32 {
    ((h ^ (h >> 29)).wrapping_mul(HASH_K) >> 32) as u32
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

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `collapse`, stopped once it has more than `chars` characters: what
/// `cut(_, chars)` needs of it.
fn collapse_head(s: &str, chars: usize) -> String {
    let mut out = String::new();
    let mut n = 0;
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
            n += 1;
        }
        out.push_str(word);
        n += word.chars().count();
        if n > chars {
            break;
        }
    }
    out
}

/// Decodes the entities our renderers write (and numeric ones); also
/// reads `id` values for the link check (`links::ids_of`).
pub(crate) fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    decode_into(s, &mut out);
    out
}

fn decode_into(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match entity(rest) {
            Some((c, len)) => {
                out.push(c);
                rest = &rest[len..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
}

/// The character of the entity `at` starts with (at its `&`) and the
/// entity's length: named ones our renderers write, numeric ones.
fn entity(at: &str) -> Option<(char, usize)> {
    let semi = at.bytes().take(12).position(|b| b == b';')?;
    let name = &at[1..semi];
    let c = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        _ => {
            let n = if let Some(hex) = name.strip_prefix("#x").or(name.strip_prefix("#X")) {
                u32::from_str_radix(hex, 16).ok()
            } else {
                name.strip_prefix('#').and_then(|d| d.parse().ok())
            };
            n.and_then(char::from_u32)?
        }
    };
    Some((c, semi + 1))
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

/// A term being read: its first `MAX_TERM` bytes (zero after them) and its
/// whole length.
struct Word {
    bytes: [u8; MAX_TERM],
    len: usize,
}

/// The lower case of an ASCII letter or digit; 0 for any other byte.
const ALNUM: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        if (b as u8).is_ascii_alphanumeric() {
            table[b] = (b as u8).to_ascii_lowercase();
        }
        b += 1;
    }
    table
};

impl Word {
    const fn new() -> Word {
        Word {
            bytes: [0; MAX_TERM],
            len: 0,
        }
    }

    /// The term (of 2 to `MAX_TERM` bytes) as the tables take it.
    fn key(&self) -> Key {
        let words = std::array::from_fn(|k| {
            let mut w = [0u8; 8];
            w.copy_from_slice(&self.bytes[8 * k..8 * k + 8]);
            u64::from_le_bytes(w)
        });
        Key {
            words,
            len: self.len as u32,
            hash: hash(&words[..self.len.div_ceil(8)]),
        }
    }

    fn push(&mut self, b: u8) {
        if let Some(slot) = self.bytes.get_mut(self.len) {
            *slot = b;
        }
        self.len += 1;
    }

    /// Adds a run of ASCII letters and digits, lower-cased.
    fn push_run(&mut self, run: &[u8]) {
        let free = &mut self.bytes[self.len.min(MAX_TERM)..];
        for (slot, &b) in free.iter_mut().zip(run) {
            *slot = ALNUM[b as usize];
        }
        self.len += run.len();
    }

    fn end(&mut self, f: &mut impl FnMut(&Key)) {
        if self.len == 0 {
            return;
        }
        if self.len <= MAX_TERM {
            if self.len >= 2 {
                f(&self.key());
            }
            self.bytes[..self.len].fill(0);
        } else {
            self.bytes = [0; MAX_TERM];
        }
        self.len = 0;
    }

    /// A character that is not in an ASCII run: folded into the word, or
    /// ending it.
    fn char(&mut self, c: char, f: &mut impl FnMut(&Key)) {
        if c.is_ascii_alphanumeric() {
            self.push(c.to_ascii_lowercase() as u8);
        } else if c.is_ascii() {
            self.end(f);
        } else {
            for c in c.to_lowercase() {
                match fold(c) {
                    Some(s) => s.bytes().for_each(|b| self.push(b)),
                    None => self.end(f),
                }
            }
        }
    }
}

/// Where the run of ASCII letters and digits at `i` ends: eight bytes at a
/// time, so the end of a word costs no mispredicted branch per byte.
fn alnum_run_end(bytes: &[u8], mut i: usize) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // Per byte (its low seven bits, so no carry crosses bytes): the high
    // bit of `t + (0x80 - lo)` is set when t >= lo.
    let at_least =
        |t: u64, lo: u8| t.wrapping_add(u64::from(0x80 - lo) * 0x0101_0101_0101_0101) & HIGH;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let t = x & LOW7;
        let lower = (x | 0x2020_2020_2020_2020) & LOW7;
        let digit = at_least(t, b'0') & !at_least(t, b'9' + 1);
        let letter = at_least(lower, b'a') & !at_least(lower, b'z' + 1);
        let other = !((digit | letter) & !x) & HIGH;
        if other != 0 {
            return i + (other.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && ALNUM[bytes[i] as usize] != 0 {
        i += 1;
    }
    i
}

/// Calls `f` with each term of a text: lower-cased, ASCII-folded runs of
/// letters and digits, two to `MAX_TERM` characters long; with `entities`,
/// of the text `decode` makes of it. Runs of ASCII letters and digits are
/// taken whole; the rest a character at a time.
fn scan_terms(text: &str, entities: bool, mut f: impl FnMut(&Key)) {
    let bytes = text.as_bytes();
    let mut word = Word::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if ALNUM[b as usize] != 0 {
            let start = i;
            i = alnum_run_end(bytes, i + 1);
            // Most words are a whole ASCII run: made into a key from the
            // text at once, when nothing before or after joins them.
            let ends = match bytes.get(i) {
                None => true,
                Some(&b'&') => !entities,
                Some(&b) => b.is_ascii(),
            };
            if word.len == 0 && ends {
                if (2..=MAX_TERM).contains(&(i - start)) {
                    f(&Key::of_run(bytes, start, i - start));
                }
                continue;
            }
            word.push_run(&bytes[start..i]);
        } else if b.is_ascii() {
            let decoded = if b == b'&' && entities {
                entity(&text[i..])
            } else {
                None
            };
            match decoded {
                Some((c, len)) => {
                    word.char(c, &mut f);
                    i += len;
                }
                None => {
                    word.end(&mut f);
                    i += 1;
                }
            }
        } else {
            let c = text[i..].chars().next().unwrap_or_default();
            word.char(c, &mut f);
            i += c.len_utf8();
        }
    }
    word.end(&mut f);
}

/// Calls `f` with each term of a text: lower-cased, ASCII-folded runs of
/// letters and digits, two to `MAX_TERM` characters long.
pub fn each_term(text: &str, mut f: impl FnMut(&str)) {
    // Terms are ASCII.
    scan_terms(text, false, |t| {
        let bytes = t.bytes();
        f(std::str::from_utf8(&bytes[..t.len as usize]).unwrap_or_default())
    });
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
    shard_of_bytes(term.as_bytes())
}

fn shard_of_bytes(term: &[u8]) -> usize {
    let mut h: u32 = 0x811c_9dc5;
    for &b in term.iter().take(3) {
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
    /// 2: postings hold doc id gaps (1: doc ids).
    version: u32,
    /// Term → shard: FNV-1a of the first three letters, modulo this.
    shard_count: usize,
    shards: Vec<String>,
    texts: Vec<String>,
    sections: Vec<&'a str>,
    /// By doc id.
    pages: Vec<PageEntry<'a>>,
}

/// One term's postings as one worker read them: each a varint of the
/// zig-zagged difference from the previous doc id (pages come nearly in
/// order, so mostly one byte), then a varint of the weight.
#[derive(Default, Clone)]
struct Packed {
    bytes: Vec<u8>,
    last: u32,
}

impl Packed {
    fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    fn push(&mut self, id: u32, weight: u32) {
        let delta = i64::from(id) - i64::from(self.last);
        push_varint(&mut self.bytes, ((delta << 1) ^ (delta >> 63)) as u64);
        push_varint(&mut self.bytes, u64::from(weight));
        self.last = id;
    }

    /// `doc id << 32 | weight`, in the order pushed.
    fn unpack(&self, into: &mut Vec<u64>) {
        let (mut at, mut last) = (0, 0i64);
        while at < self.bytes.len() {
            let zz = read_varint(&self.bytes, &mut at);
            last += ((zz >> 1) as i64) ^ -((zz & 1) as i64);
            let weight = read_varint(&self.bytes, &mut at);
            into.push((last as u64) << 32 | weight);
        }
    }
}

fn push_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push(n as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn read_varint(bytes: &[u8], at: &mut usize) -> u64 {
    let (mut n, mut shift) = (0u64, 0);
    loop {
        let b = bytes[*at];
        *at += 1;
        n |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return n;
        }
        shift += 7;
    }
}

/// A term and one worker's postings of it.
type TermList<'w> = (&'w [u8], Packed);

/// Every term's postings from every worker, by shard, and the doc ids'
/// final values (ids given before rendering, less the pages that failed).
struct Shards<'w> {
    terms: Vec<Mutex<Vec<TermList<'w>>>>,
    /// Given id → manifest position, unless they are all the same.
    remap: Option<Vec<Option<u32>>>,
}

impl<'w> Shards<'w> {
    /// `docs` sorted by URL.
    fn new(workers: &'w mut [Worker], ids: &HashMap<String, u32>, docs: &[Doc]) -> Shards<'w> {
        // Ids were given by URL before rendering; a page that failed to
        // render leaves a gap, closed here so that ids are the manifest's
        // positions.
        let mut remap: Vec<Option<u32>> = vec![None; ids.len()];
        for (id, doc) in docs.iter().enumerate() {
            if let Some(&given) = ids.get(&doc.meta.url) {
                remap[given as usize] = Some(id as u32);
            }
        }
        let gapless = remap.iter().enumerate().all(|(k, r)| *r == Some(k as u32));
        let mut terms: Vec<Vec<TermList<'w>>> = vec![Vec::new(); SEARCH_SHARDS];
        for Worker { table, lists, .. } in workers {
            let table: &'w Table = table;
            for (t, list) in lists.iter_mut().enumerate() {
                if !list.is_empty() {
                    let term = table.term(t);
                    terms[shard_of_bytes(term)].push((term, std::mem::take(list)));
                }
            }
        }
        Shards {
            terms: terms.into_iter().map(Mutex::new).collect(),
            remap: (!gapless).then_some(remap),
        }
    }

    /// One shard's JSON: `{"term":[doc,weight,...],...}`, terms sorted;
    /// its postings are dropped.
    fn json(&self, k: usize) -> Vec<u8> {
        let mut terms =
            std::mem::take(&mut *self.terms[k].lock().unwrap_or_else(|e| e.into_inner()));
        // A term read by several workers has a list from each: sorting
        // puts them side by side.
        terms.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let postings: usize = terms.iter().map(|t| t.1.bytes.len() / 2).sum();
        let mut out = Vec::with_capacity(terms.len() * 12 + postings * 10 + 2);
        out.push(b'{');
        let mut at = 0;
        while at < terms.len() {
            let term = terms[at].0;
            let mut list = Vec::new();
            while at < terms.len() && terms[at].0 == term {
                std::mem::take(&mut terms[at].1).unpack(&mut list);
                at += 1;
            }
            if let Some(remap) = &self.remap {
                list.retain_mut(|p| match remap[(*p >> 32) as usize] {
                    Some(id) => {
                        *p = u64::from(id) << 32 | (*p & 0xffff_ffff);
                        true
                    }
                    None => false,
                });
            }
            // Pages were read in any order: by id.
            if !list.is_sorted() {
                list.sort_unstable();
            }
            if out.len() > 1 {
                out.push(b',');
            }
            // Terms are [a-z0-9]: nothing to escape.
            out.push(b'"');
            out.extend_from_slice(term);
            out.extend_from_slice(b"\":[");
            // Each doc id as its gap from the previous one: the digits of
            // a posting then depend on how common the term is, not on how
            // many pages the site has.
            let mut last = 0;
            for (n, p) in list.iter().enumerate() {
                if n > 0 {
                    out.push(b',');
                }
                let id = (p >> 32) as u32;
                push_number(&mut out, id - last);
                last = id;
                out.push(b',');
                push_number(&mut out, *p as u32);
            }
            out.push(b']');
        }
        out.push(b'}');
        out
    }
}

fn push_number(out: &mut Vec<u8>, mut n: u32) {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// Makes every search file but the page, in parallel, handing each one's
/// bytes to `out` as soon as it is made (so at most one per thread is in
/// memory); `docs` sorted by URL. Results by part, in order (`None` for
/// the page).
fn each_file<T: Send>(
    docs: &[Doc],
    base_path: &str,
    postings: Postings,
    parts: &[SearchPart],
    out: impl Fn(usize, &[u8]) -> T + Sync,
) -> Vec<Option<T>> {
    let mut workers = postings
        .pool
        .into_inner()
        .unwrap_or_else(|e| e.into_inner());
    let shards = Shards::new(&mut workers, &postings.ids, docs);
    let manifest = || {
        let mut sections: Vec<&str> = docs.iter().map(|d| d.meta.section.as_str()).collect();
        sections.sort_unstable();
        sections.dedup();
        let name = SearchPart::file_name;
        json(&Manifest {
            version: 2,
            shard_count: SEARCH_SHARDS,
            shards: (0..SEARCH_SHARDS)
                .map(|k| name(SearchPart::Shard(k)))
                .collect(),
            texts: (0..TEXT_FILES).map(|k| name(SearchPart::Text(k))).collect(),
            sections,
            pages: docs
                .iter()
                .map(|d| PageEntry {
                    url: format!("{base_path}{}", d.meta.url),
                    title: &d.title,
                    meta: &d.meta,
                })
                .collect(),
        })
    };
    let text = |k: usize| {
        let texts: BTreeMap<u32, &str> = (k..docs.len())
            .step_by(TEXT_FILES)
            .map(|id| (id as u32, docs[id].excerpt.as_str()))
            .collect();
        json(&texts)
    };
    parts
        .par_iter()
        .enumerate()
        .map(|(n, part)| {
            let bytes = match *part {
                SearchPart::Page => return None,
                SearchPart::Manifest => manifest().into_bytes(),
                SearchPart::Shard(k) if k < SEARCH_SHARDS => shards.json(k),
                SearchPart::Text(k) if k < TEXT_FILES => text(k).into_bytes(),
                _ => Vec::new(),
            };
            Some(out(n, &bytes))
        })
        .collect()
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
    let mut ctx = tera::Context::new();
    ctx.insert("sections", &sections);
    let manifest = SearchPart::Manifest.file_name();
    ctx.insert("index_url", &format!("{base}{}{manifest}", urls::SEARCH));
    ctx.insert(
        "page",
        &super::incidents::page_meta(r.config, "Search", urls::SEARCH, "search"),
    );
    ctx.extend(context::chrome(r.public.content, base, &r.nav));
    Ok(r.templates.render("search.html", &ctx)?)
}

/// Writes the search files and page once every page has been rendered.
/// Returns (pages, files) written.
pub fn write(
    r: &Renderer<'_>,
    parts: &[(&String, SearchPart)],
    mut docs: Vec<Doc>,
    postings: Postings,
    sink: &Sink,
) -> (usize, usize, Diagnostics) {
    docs.sort_by(|a, b| a.meta.url.cmp(&b.meta.url));
    let kinds: Vec<SearchPart> = parts.iter().map(|p| p.1).collect();
    // The page (one template over every doc) is made after the files,
    // once their postings are freed: made alongside them, its template
    // values added 20 MB to the build's peak at 20,000 pages.
    let written = each_file(&docs, r.config.base_path(), postings, &kinds, |n, bytes| {
        sink.write(parts[n].0, bytes).err()
    });
    let page = page(r, &docs);
    let mut diags = Diagnostics::new();
    let (mut pages, mut files) = (0, 0);
    for ((path, _), written) in parts.iter().zip(written) {
        match written {
            Some(error) => {
                files += 1;
                diags.extend(error);
            }
            None => match &page {
                Ok(html) => {
                    pages += 1;
                    diags.extend(sink.write(path, html.as_bytes()).err());
                }
                Err(d) => diags.extend(d.0.clone()),
            },
        }
    }
    (pages, files, diags)
}

#[cfg(test)]
#[path = "search_reference.rs"]
mod reference;

#[cfg(test)]
mod tests {
    use super::*;

    /// A page read by a fresh worker: (title, excerpt, terms and weights
    /// sorted), the shape of `reference::doc`.
    fn read(html: &str) -> (String, String, Vec<(String, u32)>) {
        read_with(&mut Worker::default(), html)
    }

    fn read_with(worker: &mut Worker, html: &str) -> (String, String, Vec<(String, u32)>) {
        let (title, excerpt) = worker.read(html);
        let mut terms: Vec<(String, u32)> = worker
            .page
            .terms
            .iter()
            .map(|t| {
                let bytes = t.key.words.iter().flat_map(|w| w.to_le_bytes());
                let term: Vec<u8> = bytes.take(t.key.len as usize).collect();
                (String::from_utf8(term).unwrap(), t.weight)
            })
            .collect();
        terms.sort_unstable();
        worker.end_page(None);
        (title, excerpt, terms)
    }

    fn meta(url: &str) -> Meta {
        Meta {
            url: url.into(),
            section: "S".into(),
            severity: None,
            services: vec![],
            year: None,
        }
    }

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
        let (title, excerpt, terms) = read(html);
        assert_eq!(title, "Disk & full");
        assert_eq!(excerpt, "Body text More ét&eacute;");
        let w = |t: &str| terms.iter().find(|x| x.0 == t).map(|x| x.1);
        assert_eq!(w("disk"), Some(10));
        assert_eq!(w("cause"), Some(5));
        assert_eq!(w("facts"), Some(1));
        assert_eq!(w("eacute"), Some(1));
        assert_eq!(w("et"), Some(1));
        assert_eq!((w("crumbs"), w("axis"), w("header")), (None, None, None));
        assert_eq!((title, excerpt, terms), reference::doc(html));
    }

    #[test]
    fn weights_add_up() {
        let html = "<title>Zebra | x</title><main><h2>Zebra lion</h2><p>zebra</p></main>";
        let (_, _, terms) = read(html);
        assert_eq!(terms, [("lion".into(), 5), ("zebra".into(), 16)]);
    }

    /// Inputs where the one-pass reader could part from the old one.
    const EDGE_CASES: &[&str] = &[
        // Entities: named, numeric, hex, unknown, unterminated, too long,
        // `+` signs, invalid code points, entities making letters.
        "<main><p>a&amp;b &lt;tag&gt; &quot;q&quot; &apos;s&nbsp;x &#65;&#x42;&#X63;d</p></main>",
        "<main><p>&unknown; & amp &; &#; &#x; &#xZZ; &#1114112; &#xD800; &#+65;bc &#x+41;</p></main>",
        "<main><p>caf&#233; &#xC9;T&#xC9; Stra&szlig;e &#223;x &amp;amp; &&amp;</p></main>",
        "<main><p>&averyveryverylongentityname; end&</p></main>",
        "<main><p>split&am</p><p>p;x</p></main>",
        // Non-ASCII: folding, two-letter folds, upper case, letters that
        // lower-case to ASCII or to two characters, others ending a word.
        "<main><p>Ça-va Æsir Œuvre ÞORN þorn ß İstanbul Kelvin K ǅ Ωmega 日本語 naïve coöp</p></main>",
        "<main><p>ﬁne \u{00a0}nbsp\u{2003}em\u{200b}zw résumé—dash “quoted”</p></main>",
        // Long terms: exactly 32, 33, folds crossing the limit.
        "<main><p>abcdefghijklmnopqrstuvwxyzabcdef abcdefghijklmnopqrstuvwxyzabcdefg \
         abcdefghijklmnopqrstuvwxyzabcdeæ abcdefghijklmnopqrstuvwxyzabcdæ a b 1 12</p></main>",
        // Title: `<h1>` with markup and entities, several, a stray `</h1>`,
        // none; `<title>` without the site's name, unterminated.
        "<title>A | B | Site</title><main><h1>One <em>Two</em> &amp; three</h1><h1>Four</h1></main>",
        "<title>T</title><main><p>x</p></h1><p>after</p></main>",
        "<title>Only &lt;title&gt;</title><main><p>words here</p></main>",
        "<title>Unterminated<main><h1>Heading<p>no close</p></main>",
        "<main><h1>H<h1>nested</h1>tail</h1></main>",
        // Skipped elements: nested, self-closing, upper case, in headings;
        // tags with quoted `>`, unclosed quotes, comments, no end.
        "<main><NAV>n<nav>m</nav>still</NAV><p>kept</p><svg/><p>after svg</p><script>x<y</script>z</main>",
        "<main><h2>head <nav>skip</nav> ing</h2><H3 class=\"a>b\">three</h3><p title='it>s'>body</p></main>",
        "<main><!-- it's a > comment --><p>text</p><p class=\"open>never closed</p></main>",
        "<main><p>a</p><navigation>kept</navigation><navy>kept2</navy><template>t</template>",
        "<main><p>no main end <b>bold</b> trailing text",
        "no main at all <p>words</p>",
        "<main><p>x</p></main> between <main><p>second</p></main>",
        // Excerpt: header before the first paragraph, after it, none, a
        // paragraph in a skipped element, long text, multi-byte at the cut.
        "<main><header><h1>T</h1><p>facts</p></header><p>first after</p><p>second</p></main>",
        "<main><p>before</p><header>h</header><div>div text</div><p>after header</p></main>",
        "<main><div>no paragraphs at all</div></main>",
        "<main><nav><p>nav p</p></nav><p>real</p></main>",
        "<main><h1>x</h1><p>inside</p></main>",
        "<main><p>   </p><p>\u{00a0}</p><p>x</p></main>",
    ];

    #[test]
    fn reads_pages_as_before() {
        let mut worker = Worker::default();
        for html in EDGE_CASES {
            assert_eq!(read(html), reference::doc(html), "{html}");
            // A reused worker reads the same.
            assert_eq!(read_with(&mut worker, html), reference::doc(html), "{html}");
        }
    }

    #[test]
    fn long_texts_and_excerpts_as_before() {
        let words = "word é ".repeat(1000);
        let distinct: String = (0..5000).map(|k| format!("w{k} ")).collect();
        let cases = [
            // More distinct terms than the page table first has room for.
            format!("<main><h2>{distinct}</h2><p>{distinct}</p></main>"),
            format!("<main><p>{words}</p></main>"),
            format!("<main><p>{}€€€€</p></main>", "x".repeat(2398)),
            format!("<main><p>{}</p><p>{words}</p></main>", "y".repeat(3000)),
            format!(
                "<main><p>{words}</p><header>h</header><p>{}</p></main>",
                "z ".repeat(2000)
            ),
        ];
        for html in &cases {
            assert_eq!(read(html), reference::doc(html));
        }
    }

    /// Random pages from pieces that matter to the reader, against the old
    /// reader (a fixed seed: the same pages every run).
    #[test]
    fn random_pages_read_as_before() {
        const PIECES: &[&str] = &[
            "<p>",
            "</p>",
            "<h1>",
            "</h1>",
            "<h2 id=\"a\">",
            "</h2>",
            "<header>",
            "</header>",
            "<nav>",
            "</nav>",
            "<svg/>",
            "<em>",
            "</em>",
            "<a href='x>y'>",
            "</a>",
            "<!-- ' -->",
            "&amp;",
            "&lt;",
            "&#233;",
            "&#x41;",
            "&eacute;",
            "&",
            ";",
            "word",
            "Mot",
            "ÉTÉ",
            "straße",
            "Æ",
            "日",
            " ",
            "  \n",
            "\u{00a0}",
            "-",
            "42",
            "x",
            "abcdefghijklmnop",
            "qrstuvwxyz012345",
            "İ",
            "ǅ",
            "\"",
            "'",
            ">",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut worker = Worker::default();
        for _ in 0..3000 {
            let mut html = String::from("<title>T &amp; t | S</title><main>");
            for _ in 0..next() % 60 {
                html.push_str(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            if next() % 4 > 0 {
                html.push_str("</main>");
            }
            assert_eq!(
                read_with(&mut worker, &html),
                reference::doc(&html),
                "{html}"
            );
        }
    }

    #[test]
    fn word_ends_are_found_eight_bytes_at_a_time_as_byte_by_byte() {
        let by_bytes = |bytes: &[u8], mut i: usize| {
            while i < bytes.len() && ALNUM[bytes[i] as usize] != 0 {
                i += 1;
            }
            i
        };
        // Every byte value at every place of a run, with and without a
        // whole eight-byte chunk before it, and near the end of the text.
        for len in 0..20 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut text = b"aZ09".repeat(5)[..len].to_vec();
                    text[at] = b;
                    for from in 0..=at {
                        assert_eq!(
                            alnum_run_end(&text, from),
                            by_bytes(&text, from),
                            "{text:?} from {from}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn a_run_makes_the_same_key_as_its_bytes() {
        let text = b"Zz09azAZlongerWORDSthaneightbytesX1Y2Z3w4v5u6t7s8r9q0p1o2ab";
        for start in 0..text.len() {
            for len in 2..=MAX_TERM.min(text.len() - start) {
                let mut w = Word::new();
                w.push_run(&text[start..start + len]);
                let key = Key::of_run(text, start, len);
                assert!(key == w.key() && key.hash == w.key().hash, "{start} {len}");
            }
        }
    }

    #[test]
    fn table_grows_and_keeps_every_term() {
        let mut table = Table::default();
        let names: Vec<String> = (0..20_000).map(|k| format!("t{k}")).collect();
        let word = |n: &str| {
            let mut w = Word::new();
            n.bytes().for_each(|b| w.push(b));
            w
        };
        for (k, n) in names.iter().enumerate() {
            assert_eq!(table.id(&word(n).key()), k);
        }
        for (k, n) in names.iter().enumerate() {
            assert_eq!(table.id(&word(n).key()), k);
            assert_eq!(table.term(k), n.as_bytes());
        }
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

    /// Every search file but the page, by part.
    fn files(mut docs: Vec<Doc>, postings: Postings) -> Vec<(SearchPart, String)> {
        docs.sort_by(|a, b| a.meta.url.cmp(&b.meta.url));
        let parts: Vec<SearchPart> = urls::search_parts().into_iter().map(|p| p.1).collect();
        let made = each_file(&docs, "/", postings, &parts, |n, bytes| {
            (parts[n], String::from_utf8(bytes.to_vec()).unwrap())
        });
        made.into_iter().flatten().collect()
    }

    fn page_html(word: &str) -> String {
        format!("<title>{word} | x</title><main><p>{word} shared</p></main>")
    }

    #[test]
    fn index_is_the_same_whatever_order_pages_are_read_in() {
        let urls = ["c/", "a/", "b/"];
        let in_order = Postings::new(urls.map(String::from).to_vec());
        let docs: Vec<Doc> = [("c/", "gamma"), ("a/", "alpha"), ("b/", "beta")]
            .iter()
            .map(|(u, w)| in_order.doc(meta(u), &page_html(w)))
            .collect();
        let expected = files(docs, in_order);
        // Read in another order by several workers, with one more page
        // planned that never rendered (`0/`, which would have taken id 0).
        let given = Postings::new(["0/", "a/", "b/", "c/"].map(String::from).to_vec());
        given.pool.lock().unwrap().push(Worker::default());
        let b = given.doc(meta("b/"), &page_html("beta"));
        // Two workers: the pool's one is busy while another page is read.
        let mut busy = given.pool.lock().unwrap().pop().unwrap();
        let c = given.doc(meta("c/"), &page_html("gamma"));
        read_with(&mut busy, "<main></main>");
        given.pool.lock().unwrap().push(busy);
        let a = given.doc(meta("a/"), &page_html("alpha"));
        assert_eq!(given.pool.lock().unwrap().len(), 2);
        let got = files(vec![c, a, b], given);
        assert_eq!(got, expected);
        let shard = |files: &[(SearchPart, String)], term: &str| {
            files
                .iter()
                .find(|f| f.0 == SearchPart::Shard(shard_of(term)))
                .unwrap()
                .1
                .clone()
        };
        // Doc ids as gaps: 0, 1, 2.
        assert!(shard(&got, "shared").contains("\"shared\":[0,1,1,1,1,1]"));
        assert!(shard(&got, "beta").contains("\"beta\":[1,11]"));
        let manifest: serde_json::Value =
            serde_json::from_str(&got.iter().find(|f| f.0 == SearchPart::Manifest).unwrap().1)
                .unwrap();
        assert_eq!(manifest["pages"][2]["url"], "/c/");
        assert_eq!(manifest["pages"][2]["title"], "gamma");
        let text1 = &got.iter().find(|f| f.0 == SearchPart::Text(1)).unwrap().1;
        assert_eq!(text1, r#"{"1":"beta shared"}"#);
    }

    #[test]
    fn shard_numbers_and_order() {
        let mut out = Vec::new();
        for n in [0, 7, 10, 99, 100, 4_294_967_295] {
            push_number(&mut out, n);
            out.push(b' ');
        }
        assert_eq!(out, b"0 7 10 99 100 4294967295 ");
    }
}
