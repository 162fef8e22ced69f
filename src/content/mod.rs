//! Content: finds every page under `content/`, reads them in parallel, parses
//! their front matter and arranges them into the section tree.
//!
//! Owns URLs of content: `a/_index.md` is the section `a/`, `a/b/index.md`
//! the leaf bundle `a/b/`, `a/c.md` the page `a/c/`, each path sanitised as
//! Hugo does (see `paths`). An `.html` file that starts with front matter is
//! a page too (its body is HTML, only shortcodes are expanded), as in Hugo.
//! Everything else under `content/` is a static file, copied to its
//! sanitised relative path. Dotfiles, dot-directories and editor backups are
//! never read (`paths::is_ignored_name`). Pages with `build: {render:
//! never}` are dropped like drafts (`include` can still read them).

pub mod frontmatter;
pub mod paths;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics, Location};
pub use frontmatter::{FrontMatter, Spanned};

pub const CONTENT_DIR: &str = "content";
/// Post-mortem narratives live here; they join their incident's page
/// instead of becoming pages of their own.
pub const POSTMORTEMS_DIR: &str = "postmortems/";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// `content/_index.md`, or a synthesised home when there is none.
    Home,
    /// An `_index.md`: lists its children and forms the navigation tree.
    Section,
    /// Any other page, including leaf bundles.
    Page,
}

/// A page as read from disk, before rendering.
#[derive(Debug)]
pub struct Page {
    /// Path relative to the site root, for diagnostics: `content/a/b.md`.
    pub file: PathBuf,
    /// Path relative to `content/` with `/` separators: `a/b.md`.
    pub rel: String,
    pub kind: PageKind,
    /// URL path relative to the site's base path, percent-encoded for
    /// hrefs, `""` for home, else ending in `/`: `a/on-call-%232/`.
    pub url: String,
    /// The same location as a UTF-8 path relative to the output directory,
    /// for writing files: `a/on-call-#2/` (see `paths`).
    pub path: String,
    pub front: FrontMatter,
    pub title: String,
    /// The file's text (line endings normalised). A large handbook page
    /// keeps only its front matter here (`source[..body_start]`): its body
    /// is read again when the page renders (`text`), so the memory of a
    /// build does not grow with the size of the handbook.
    pub source: String,
    pub body_start: usize,
    /// Set when the body was dropped: where to read it again, and what it was.
    reread: Option<Reread>,
    /// Index of the parent section in `Content::pages` (none for home).
    pub parent: Option<usize>,
    /// Children (for sections), ordered by weight, then title, then URL.
    pub children: Vec<usize>,
    /// Words in the body, for reading time.
    pub word_count: usize,
    /// The body is HTML (`page.html`), not markdown.
    pub is_html: bool,
}

/// A dropped body: the file to read again and a fingerprint of its text.
#[derive(Debug)]
struct Reread {
    abs: PathBuf,
    len: usize,
    hash: u64,
}

/// Bodies longer than this are read again at render time instead of being
/// kept from discovery to rendering.
const RESIDENT_BODY: usize = 1024;

fn fingerprint(text: &str) -> u64 {
    use std::hash::Hasher;
    // Not keyed and not cryptographic, only deterministic and fast: it
    // runs over every long page twice (read, and read again to render),
    // and tells an edited file from the one that was read, nothing more.
    let mut h = rustc_hash::FxHasher::default();
    h.write(text.as_bytes());
    h.finish()
}

/// The text of a content file as opsbook reads it: UTF-8 without a BOM,
/// `\n` line endings.
fn normalised(bytes: Vec<u8>) -> Result<String, std::string::FromUtf8Error> {
    let mut source = String::from_utf8(bytes)?;
    if source.starts_with('\u{feff}') {
        source.drain(..3);
    }
    if source.contains('\r') {
        source = source.replace("\r\n", "\n");
    }
    Ok(source)
}

impl Page {
    /// The body as kept in memory: whole for narratives and short pages,
    /// empty for a page whose body was dropped (use `text` for those).
    pub fn resident_body(&self) -> &str {
        &self.source[self.body_start..]
    }

    /// The whole text of the file, as it was when the site was read: kept in
    /// memory, or read again (an error if the file changed meanwhile).
    pub fn text(&self) -> Result<Cow<'_, str>, Diagnostic> {
        let Some(r) = &self.reread else {
            return Ok(Cow::Borrowed(&self.source));
        };
        let changed = || {
            Diagnostic::error("the page changed while the site was being built")
                .at(Location::file(&self.file))
                .help("build again")
        };
        let bytes = std::fs::read(&r.abs).map_err(|e| {
            Diagnostic::error(format!("cannot read the page again: {e}"))
                .at(Location::file(&self.file))
                .help("build again once the file is back")
        })?;
        let text = normalised(bytes).map_err(|_| changed())?;
        if text.len() != r.len || fingerprint(&text) != r.hash {
            return Err(changed());
        }
        Ok(Cow::Owned(text))
    }

    /// Drops a long body (see `source`).
    fn drop_body(&mut self, abs: PathBuf) {
        if self.source.len() - self.body_start <= RESIDENT_BODY {
            return;
        }
        self.reread = Some(Reread {
            abs,
            len: self.source.len(),
            hash: fingerprint(&self.source),
        });
        self.source.truncate(self.body_start);
        self.source.shrink_to_fit();
    }

    /// The directory of the source file relative to `content/` (`a` for
    /// `a/b.md`), against which relative links resolve.
    pub fn source_dir(&self) -> &str {
        self.rel.rsplit_once('/').map_or("", |(dir, _)| dir)
    }

    pub fn is_section(&self) -> bool {
        matches!(self.kind, PageKind::Home | PageKind::Section)
    }
}

/// A non-markdown file under `content/`, copied as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentFile {
    /// Source path relative to `content/`: `Runbooks/DB Plan.PNG`.
    pub rel: String,
    /// Output path, relative to the output directory: `runbooks/db-plan.png`.
    pub path: String,
    /// `path` percent-encoded, for links (see `paths`).
    pub url: String,
}

/// Everything under `content/`: pages (index 0 is always home) and static files.
#[derive(Debug)]
pub struct Content {
    pub pages: Vec<Page>,
    /// Non-markdown files, sorted by source path.
    pub files: Vec<ContentFile>,
    /// URL → page index.
    pub by_url: BTreeMap<String, usize>,
    /// Content-relative source path (`a/b.md`) → page index, for `.md` links.
    pub by_rel: BTreeMap<String, usize>,
}

/// What lives under `content/postmortems/`: narratives and the files of
/// their bundles. Kept apart from the handbook (which is public as a
/// whole): which of these are published is decided by `publish` alone.
#[derive(Debug, Default)]
pub struct Postmortems {
    /// `postmortems/**/*.md`, sorted by path; not part of the page tree.
    pub narratives: Vec<Page>,
    /// Every other file under `postmortems/`, sorted by source path.
    pub files: Vec<ContentFile>,
}

impl Content {
    pub fn home(&self) -> &Page {
        &self.pages[0]
    }

    /// Ancestors of a page from home down to its parent.
    pub fn ancestors(&self, mut idx: usize) -> Vec<usize> {
        let mut out = Vec::new();
        while let Some(p) = self.pages[idx].parent {
            out.push(p);
            idx = p;
        }
        out.reverse();
        out
    }
}

/// Loads `root/content`. Drafts are dropped unless `drafts` is set.
/// Pages that cannot be read are left out and reported, so that the rest
/// can still be rendered and their errors reported in the same run.
pub fn load(root: &Path, site_title: &str, drafts: bool) -> (Content, Postmortems, Diagnostics) {
    let dir = root.join(CONTENT_DIR);
    let mut diags = Diagnostics::new();
    let mut md = Vec::new();
    let mut sources = Vec::new();
    if dir.is_dir() {
        // Ignored folders (`.git`, `.secret`) are not even entered.
        let walk = walkdir::WalkDir::new(&dir)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                e.depth() == 0 || !e.file_name().to_str().is_some_and(paths::is_ignored_name)
            });
        for entry in walk {
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    diags.push(Diagnostic::error(format!(
                        "cannot read {}: {e}",
                        dir.display()
                    )));
                    continue;
                }
            };
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry
                .path()
                .strip_prefix(&dir)
                .expect("walkdir stays under its root");
            let Some(rel) = rel.to_str().map(|s| s.replace('\\', "/")) else {
                diags.push(
                    Diagnostic::error("file name is not valid UTF-8")
                        .at(Location::file(entry.path()))
                        .help("rename the file using UTF-8 characters"),
                );
                continue;
            };
            if rel.ends_with(".md")
                || (is_html_name(&rel) && starts_with_front_matter(entry.path()))
            {
                md.push(rel);
            } else {
                sources.push(rel);
            }
        }
    }

    let read: Vec<(Option<Page>, Diagnostics)> = md
        .par_iter()
        .map(|rel| read_page(root, rel, drafts))
        .collect();
    let mut pages = Vec::with_capacity(read.len() + 1);
    let mut narratives = Vec::new();
    for (page, d) in read {
        diags.extend(d.0);
        match page {
            Some(p) if p.rel.starts_with(POSTMORTEMS_DIR) => narratives.push(p),
            Some(p) => pages.push(p),
            None => {}
        }
    }
    if !pages.iter().any(|p| p.kind == PageKind::Home) {
        pages.push(synthetic_home(site_title));
    }
    // Home first, then by URL (then source, for duplicates): a stable order
    // whatever the file system says.
    pages.sort_by(|a, b| {
        (a.kind != PageKind::Home, &a.url, &a.rel).cmp(&(b.kind != PageKind::Home, &b.url, &b.rel))
    });

    // Two sources with one URL (`A.md` and `a.md` once lower-cased): the
    // first keeps it, the error names both, the second leaves the tree.
    let mut first_of: BTreeMap<&str, usize> = BTreeMap::new();
    let mut dropped = vec![false; pages.len()];
    for (i, p) in pages.iter().enumerate() {
        if let Some(&first) = first_of.get(p.url.as_str()) {
            diags.push(same_url(&pages[first].file, &p.file, &p.url, "page"));
            dropped[i] = true;
        } else {
            first_of.insert(&p.url, i);
        }
    }
    let mut dropped = dropped.into_iter();
    pages.retain(|_| !dropped.next().unwrap_or(false));
    let by_url: BTreeMap<String, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.url.clone(), i))
        .collect();
    let by_rel = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.rel.clone(), i))
        .collect();
    link_tree(&mut pages, &by_url);
    let (postmortem_files, files) = content_files(sources, &mut diags)
        .into_iter()
        .partition(|f| f.rel.starts_with(POSTMORTEMS_DIR));
    let content = Content {
        pages,
        files,
        by_url,
        by_rel,
    };
    let postmortems = Postmortems {
        narratives,
        files: postmortem_files,
    };
    (content, postmortems, diags)
}

/// "X and Y both publish /url/", at the second file with the first labelled.
fn same_url(first: &Path, second: &Path, url: &str, what: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "{} and {} both publish the {what} /{}",
        first.display(),
        second.display(),
        paths::decode_path(url)
    ))
    .at(Location::file(second))
    .label(Location::file(first), "first claimed here")
    .help("URLs are lower case with spaces as hyphens and other punctuation dropped, as in Hugo: rename or remove one of the files")
}

/// Maps the non-markdown sources to their output paths, reporting names that
/// sanitise to nothing and two files with one output path.
fn content_files(sources: Vec<String>, diags: &mut Diagnostics) -> Vec<ContentFile> {
    let mut files: Vec<ContentFile> = Vec::with_capacity(sources.len());
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for rel in sources {
        let file = Path::new(CONTENT_DIR).join(&rel);
        let Some(path) = paths::sanitize_path(&rel) else {
            diags.push(unusable_name(&file));
            continue;
        };
        if let Some(&first) = seen.get(&path) {
            let first = Path::new(CONTENT_DIR).join(&files[first].rel);
            diags.push(same_url(&first, &file, &paths::encode_path(&path), "file"));
            continue;
        }
        seen.insert(path.clone(), files.len());
        let url = paths::encode_path(&path);
        files.push(ContentFile { rel, path, url });
    }
    files
}

fn unusable_name(file: &Path) -> Diagnostic {
    Diagnostic::error("nothing of this path is left for a URL")
        .at(Location::file(file))
        .help("URLs keep letters, digits and `. _ # + ~` of file and folder names: rename it to include some")
}

fn read_page(root: &Path, rel: &str, drafts: bool) -> (Option<Page>, Diagnostics) {
    let file = Path::new(CONTENT_DIR).join(rel);
    let fail = |d: Diagnostic| (None, Diagnostics::from(d));
    let bytes = match std::fs::read(root.join(&file)) {
        Ok(b) => b,
        Err(e) => {
            return fail(
                Diagnostic::error(format!("cannot read the page: {e}")).at(Location::file(&file)),
            );
        }
    };
    let source = match normalised(bytes) {
        Ok(s) => s,
        Err(e) => {
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            return fail(
                Diagnostic::error("the page is not valid UTF-8")
                    .at(Location::at_offset(
                        &file,
                        &text,
                        e.utf8_error().valid_up_to(),
                    ))
                    .help("save the file as UTF-8"),
            );
        }
    };
    let Some((kind, path)) = locate(rel) else {
        return fail(unusable_name(&file));
    };
    let (split, warnings) = match frontmatter::split(&file, &source) {
        Ok(ok) => ok,
        Err(errors) => return (None, errors),
    };
    if (split.front.draft && !drafts) || split.front.render_never {
        return (None, warnings);
    }
    let title = split
        .front
        .title
        .clone()
        .unwrap_or_else(|| title_from_path(&path));
    let body_start = split.body_start;
    let word_count = count_words(split.body);
    let front = split.front;
    let page = Page {
        file,
        rel: rel.to_string(),
        kind,
        url: paths::encode_path(&path),
        path,
        front,
        title,
        source,
        body_start,
        parent: None,
        children: Vec::new(),
        word_count,
        is_html: !rel.ends_with(".md"),
        reread: None,
    };
    let mut page = page;
    // Narratives stay whole: `publish` reads them before rendering.
    if !rel.starts_with(POSTMORTEMS_DIR) {
        page.drop_body(root.join(&page.file));
    }
    (Some(page), warnings)
}

fn synthetic_home(site_title: &str) -> Page {
    Page {
        file: Path::new(CONTENT_DIR).join("_index.md"),
        rel: "_index.md".into(),
        kind: PageKind::Home,
        url: String::new(),
        path: String::new(),
        front: FrontMatter::default(),
        title: site_title.to_string(),
        source: String::new(),
        body_start: 0,
        reread: None,
        parent: None,
        children: Vec::new(),
        word_count: 0,
        is_html: false,
    }
}

fn is_html_name(rel: &str) -> bool {
    rel.ends_with(".html") || rel.ends_with(".htm")
}

/// Whether a file starts with a front matter fence (an HTML content page;
/// other HTML files are static). Reads a few bytes only.
fn starts_with_front_matter(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 7];
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let n = f.read(&mut head).unwrap_or(0);
    let head = head[..n]
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(&head[..n]);
    head.starts_with(b"---") || head.starts_with(b"+++")
}

/// Reads `content/<rel>` for the `include` shortcode: the path must stay
/// inside `content/` (no `..`, no hidden names, no symlink out) and the
/// front matter is stripped.
pub fn read_include(
    root: &Path,
    rel: &str,
) -> Result<crate::markdown::shortcode::Included, String> {
    if rel.is_empty()
        || rel
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == ".." || paths::is_ignored_name(s))
    {
        return Err("the path must name a file inside content/ (no `..`, no hidden names)".into());
    }
    let dir = root.join(CONTENT_DIR);
    let full = dir.join(rel);
    let inside = match (full.canonicalize(), dir.canonicalize()) {
        (Ok(f), Ok(d)) => f.starts_with(d) && f.is_file(),
        _ => false,
    };
    if !inside {
        return Err(format!("no file content/{rel}"));
    }
    let bytes = std::fs::read(&full).map_err(|e| e.to_string())?;
    let source = normalised(bytes).map_err(|_| "the file is not valid UTF-8".to_string())?;
    let file = Path::new(CONTENT_DIR).join(rel);
    let body_start = match frontmatter::split(&file, &source) {
        Ok((split, _)) => split.body_start,
        Err(e) => {
            let first = e.0.first().map_or(String::new(), |d| d.message.clone());
            return Err(format!("its front matter is invalid: {first}"));
        }
    };
    Ok(crate::markdown::shortcode::Included {
        file,
        source,
        body_start,
    })
}

/// Counts whitespace-separated words (as `split_ascii_whitespace`): the
/// non-space bytes that follow a space or start the text. It runs over
/// every page's whole text, so eight bytes at a time without branches
/// (SWAR): a byte loop ran at under 1 GB/s on real pages, this at ~3.4.
fn count_words(text: &str) -> usize {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of `x` that equals `v`.
    let eq = |x: u64, v: u8| {
        let t = x ^ (LOW * u64::from(v));
        !(((t & !HIGH) + !HIGH) | t) & HIGH
    };
    let bytes = text.as_bytes();
    let mut words = 0;
    // The high bit of the byte before the chunk, when it is a space (the
    // text's start counts as one).
    let mut before = 0x80;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let space = eq(x, b' ') | eq(x, b'\t') | eq(x, b'\n') | eq(x, b'\r') | eq(x, 0x0c);
        let starts = !space & HIGH & ((space << 8) | before);
        words += starts.count_ones() as usize;
        before = (space >> 56) & 0x80;
    }
    let mut in_word = before == 0;
    for &b in chunks.remainder() {
        let space = b.is_ascii_whitespace();
        if !space && !in_word {
            words += 1;
        }
        in_word = !space;
    }
    words
}

/// The kind and URL (percent-encoded, see `paths`) of a content-relative
/// markdown path. A path with nothing publishable in a segment keeps that
/// segment as written (`load` reports it).
pub fn url_of(rel: &str) -> (PageKind, String) {
    match locate(rel) {
        Some((kind, path)) => (kind, paths::encode_path(&path)),
        None => {
            let (kind, path) = locate_raw(rel);
            (kind, paths::encode_path(&path))
        }
    }
}

/// The kind and output path (UTF-8, sanitised) of a content-relative
/// markdown path; `None` when a segment sanitises to nothing.
fn locate(rel: &str) -> Option<(PageKind, String)> {
    let (kind, path) = locate_raw(rel);
    if path.is_empty() {
        return Some((kind, path));
    }
    let clean = paths::sanitize_path(path.trim_end_matches('/'))?;
    Some((kind, format!("{clean}/")))
}

/// `locate` before sanitising.
fn locate_raw(rel: &str) -> (PageKind, String) {
    let (dir, name) = rel.rsplit_once('/').map_or(("", rel), |(d, n)| (d, n));
    let stem = [".md", ".html", ".htm"]
        .iter()
        .find_map(|ext| name.strip_suffix(ext))
        .unwrap_or(name);
    let dir_url = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    match stem {
        "_index" if dir.is_empty() => (PageKind::Home, String::new()),
        "_index" => (PageKind::Section, dir_url),
        "index" => (PageKind::Page, dir_url),
        _ => (PageKind::Page, format!("{dir_url}{stem}/")),
    }
}

fn title_from_path(path: &str) -> String {
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    let words = last.replace(['-', '_'], " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => "Home".into(),
    }
}

/// Sets each page's parent (the nearest section above it) and each section's
/// ordered children.
fn link_tree(pages: &mut [Page], by_url: &BTreeMap<String, usize>) {
    for i in 1..pages.len() {
        let mut url = pages[i].url.trim_end_matches('/').to_string();
        let parent = loop {
            url = match url.rfind('/') {
                Some(cut) => url[..cut].to_string(),
                None => String::new(),
            };
            let key = if url.is_empty() {
                String::new()
            } else {
                format!("{url}/")
            };
            match by_url.get(&key) {
                Some(&p) if pages[p].is_section() => break p,
                _ if url.is_empty() => break 0,
                _ => {}
            }
        };
        pages[i].parent = Some(parent);
    }
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); pages.len()];
    for (i, p) in pages.iter().enumerate() {
        // `build: {list: never}`: the page exists but no list shows it.
        if let Some(parent) = p.parent.filter(|_| !p.front.list_never) {
            children[parent].push(i);
        }
    }
    for (i, mut kids) in children.into_iter().enumerate() {
        kids.sort_by(|&a, &b| {
            let (a, b) = (&pages[a], &pages[b]);
            // Unweighted pages come after weighted ones, as in Hugo.
            let wa = a.front.weight.unwrap_or(i64::MAX);
            let wb = b.front.weight.unwrap_or(i64::MAX);
            wa.cmp(&wb)
                .then_with(|| a.title.to_lowercase().cmp(&b.title.to_lowercase()))
                .then_with(|| a.url.cmp(&b.url))
        });
        pages[i].children = kids;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_runs_of_non_space_bytes() {
        for text in [
            "",
            " ",
            "one",
            " one",
            "one ",
            "one two\tthree\nfour\r\nfive\x0csix",
            "  héllo   wörld  ",
            "a\u{a0}b",
            "x\n\n\n- y\n",
        ] {
            assert_eq!(
                count_words(text),
                text.split_ascii_whitespace().count(),
                "{text:?}"
            );
        }
        // Every placement of spaces across the eight-byte chunks: all
        // strings of up to 12 bytes over "a", " ", "\n", "\x0b" (not a
        // space) and "é" (two bytes).
        let alphabet = ["a", " ", "\n", "\x0b", "é"];
        let mut texts = vec![String::new()];
        for _ in 0..7 {
            texts = texts
                .iter()
                .flat_map(|t| alphabet.iter().map(move |c| format!("{t}{c}")))
                .filter(|t| t.len() <= 12)
                .collect();
            for text in &texts {
                assert_eq!(
                    count_words(text),
                    text.split_ascii_whitespace().count(),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn urls() {
        assert_eq!(url_of("_index.md"), (PageKind::Home, "".into()));
        assert_eq!(url_of("a/_index.md"), (PageKind::Section, "a/".into()));
        assert_eq!(url_of("a/b/index.md"), (PageKind::Page, "a/b/".into()));
        assert_eq!(url_of("a/c.md"), (PageKind::Page, "a/c/".into()));
        assert_eq!(url_of("c.md"), (PageKind::Page, "c/".into()));
    }

    #[test]
    fn urls_from_file_names_as_hugo() {
        assert_eq!(
            url_of("Team Ops/On Call #2 (50%).md"),
            (PageKind::Page, "team-ops/on-call-%232-50/".into())
        );
        assert_eq!(
            locate("Team Ops/On Call #2 (50%).md"),
            Some((PageKind::Page, "team-ops/on-call-#2-50/".into()))
        );
        assert_eq!(
            url_of("Équipe/_index.md"),
            (PageKind::Section, "%C3%A9quipe/".into())
        );
        assert_eq!(url_of("A/B/index.md"), (PageKind::Page, "a/b/".into()));
        assert_eq!(locate("a/(%).md"), None);
    }

    #[test]
    fn titles_from_file_names() {
        assert_eq!(title_from_path("a/on-call_rota/"), "On call rota");
    }

    #[test]
    fn a_long_body_is_read_again_and_a_changed_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("content/guide.md");
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        let body = "A line of the guide.\r\n".repeat(200);
        std::fs::write(&file, format!("---\r\ntitle: Guide\r\n---\r\n{body}")).unwrap();
        let (page, _) = read_page(dir.path(), "guide.md", false);
        let page = page.unwrap();
        assert_eq!(page.resident_body(), "", "the long body is not kept");
        let text = page.text().unwrap();
        assert_eq!(&text[page.body_start..], body.replace("\r\n", "\n"));
        std::fs::write(&file, "---\ntitle: Guide\n---\nEdited meanwhile.\n").unwrap();
        let err = page.text().unwrap_err();
        assert!(
            err.message
                .contains("changed while the site was being built")
        );
    }

    #[test]
    fn short_pages_and_narratives_stay_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let long = format!(
            "---\nincident: \"7\"\n---\n{}",
            "Narrative text. ".repeat(200)
        );
        std::fs::create_dir_all(dir.path().join("content/postmortems")).unwrap();
        std::fs::write(dir.path().join("content/postmortems/7.md"), &long).unwrap();
        std::fs::write(
            dir.path().join("content/short.md"),
            "---\ntitle: S\n---\nShort.\n",
        )
        .unwrap();
        let (n, _) = read_page(dir.path(), "postmortems/7.md", false);
        assert!(n.unwrap().resident_body().starts_with("Narrative text."));
        let (p, _) = read_page(dir.path(), "short.md", false);
        assert_eq!(p.unwrap().resident_body(), "Short.\n");
    }
}
