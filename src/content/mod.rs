//! Content: finds every page under `content/`, reads them in parallel, parses
//! their front matter and arranges them into the section tree.
//!
//! Owns URLs: `a/_index.md` is the section `a/`, `a/b/index.md` the leaf
//! bundle `a/b/`, `a/c.md` the page `a/c/`. Everything else under `content/`
//! is a static file, copied to the same relative path.

pub mod frontmatter;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics, Location};
pub use frontmatter::FrontMatter;

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
    /// URL path relative to the site's base path, `""` for home, else
    /// ending in `/`: `a/b/`.
    pub url: String,
    pub front: FrontMatter,
    pub title: String,
    /// The whole file (line endings normalised), kept for diagnostics.
    pub source: String,
    pub body_start: usize,
    /// Index of the parent section in `Content::pages` (none for home).
    pub parent: Option<usize>,
    /// Children (for sections), ordered by weight, then title, then URL.
    pub children: Vec<usize>,
    /// Words in the body, for reading time.
    pub word_count: usize,
}

impl Page {
    pub fn body(&self) -> &str {
        &self.source[self.body_start..]
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

/// Everything under `content/`: pages (index 0 is always home) and static files.
#[derive(Debug)]
pub struct Content {
    pub pages: Vec<Page>,
    /// Non-markdown files, relative to `content/`.
    pub files: Vec<String>,
    /// URL → page index.
    pub by_url: BTreeMap<String, usize>,
    /// Content-relative source path (`a/b.md`) → page index, for `.md` links.
    pub by_rel: BTreeMap<String, usize>,
    /// `postmortems/*.md`, sorted by path; not part of the page tree.
    pub narratives: Vec<Page>,
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
pub fn load(root: &Path, site_title: &str, drafts: bool) -> (Content, Diagnostics) {
    let dir = root.join(CONTENT_DIR);
    let mut diags = Diagnostics::new();
    let mut md = Vec::new();
    let mut files = Vec::new();
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir).sort_by_file_name() {
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
                        .at(Location::file(entry.path())),
                );
                continue;
            };
            // Editors' and OS droppings are not content.
            let name = rel.rsplit('/').next().unwrap_or(&rel);
            if name.starts_with('.') {
                continue;
            }
            if rel.ends_with(".md") {
                md.push(rel);
            } else {
                files.push(rel);
            }
        }
    }

    let read: Vec<Result<Option<Page>, Diagnostic>> = md
        .par_iter()
        .map(|rel| read_page(root, rel, drafts))
        .collect();
    let mut pages = Vec::with_capacity(read.len() + 1);
    let mut narratives = Vec::new();
    for r in read {
        match r {
            Ok(Some(p)) if p.rel.starts_with(POSTMORTEMS_DIR) => narratives.push(p),
            Ok(Some(p)) => pages.push(p),
            Ok(None) => {}
            Err(d) => diags.push(d),
        }
    }
    if !pages.iter().any(|p| p.kind == PageKind::Home) {
        pages.push(synthetic_home(site_title));
    }
    // Home first, then by URL: a stable order whatever the file system says.
    pages.sort_by(|a, b| {
        (a.kind != PageKind::Home, &a.url).cmp(&(b.kind != PageKind::Home, &b.url))
    });

    let mut by_url: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_rel = BTreeMap::new();
    for (i, p) in pages.iter().enumerate() {
        if let Some(&other) = by_url.get(&p.url) {
            diags.push(
                Diagnostic::error(format!(
                    "{} and {} both produce the page /{}",
                    pages[other].file.display(),
                    p.file.display(),
                    p.url
                ))
                .at(Location::file(&p.file))
                .help("rename or remove one of them"),
            );
            continue;
        }
        by_url.insert(p.url.clone(), i);
        by_rel.insert(p.rel.clone(), i);
    }
    link_tree(&mut pages, &by_url);
    let content = Content {
        pages,
        files,
        by_url,
        by_rel,
        narratives,
    };
    (content, diags)
}

fn read_page(root: &Path, rel: &str, drafts: bool) -> Result<Option<Page>, Diagnostic> {
    let file = Path::new(CONTENT_DIR).join(rel);
    let bytes = std::fs::read(root.join(&file)).map_err(|e| {
        Diagnostic::error(format!("cannot read the page: {e}")).at(Location::file(&file))
    })?;
    let mut source = String::from_utf8(bytes).map_err(|e| {
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        Diagnostic::error("the page is not valid UTF-8")
            .at(Location::at_offset(
                &file,
                &text,
                e.utf8_error().valid_up_to(),
            ))
            .help("save the file as UTF-8")
    })?;
    if source.starts_with('\u{feff}') {
        source.drain(..3);
    }
    if source.contains('\r') {
        source = source.replace("\r\n", "\n");
    }
    let split = frontmatter::split(&file, &source)?;
    if split.front.draft && !drafts {
        return Ok(None);
    }
    let (kind, url) = url_of(rel);
    let title = split
        .front
        .title
        .clone()
        .unwrap_or_else(|| title_from_url(&url));
    let body_start = split.body_start;
    let word_count = count_words(split.body);
    let front = split.front;
    Ok(Some(Page {
        file,
        rel: rel.to_string(),
        kind,
        url,
        front,
        title,
        source,
        body_start,
        parent: None,
        children: Vec::new(),
        word_count,
    }))
}

fn synthetic_home(site_title: &str) -> Page {
    Page {
        file: Path::new(CONTENT_DIR).join("_index.md"),
        rel: "_index.md".into(),
        kind: PageKind::Home,
        url: String::new(),
        front: FrontMatter::default(),
        title: site_title.to_string(),
        source: String::new(),
        body_start: 0,
        parent: None,
        children: Vec::new(),
        word_count: 0,
    }
}

/// Counts whitespace-separated words, byte-wise (cheap on big handbooks).
fn count_words(text: &str) -> usize {
    let mut words = 0;
    let mut in_word = false;
    for &b in text.as_bytes() {
        let space = b.is_ascii_whitespace();
        if !space && !in_word {
            words += 1;
        }
        in_word = !space;
    }
    words
}

/// The kind and URL of a content-relative markdown path.
pub fn url_of(rel: &str) -> (PageKind, String) {
    let (dir, name) = rel.rsplit_once('/').map_or(("", rel), |(d, n)| (d, n));
    let stem = name.strip_suffix(".md").unwrap_or(name);
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

fn title_from_url(url: &str) -> String {
    let last = url.trim_end_matches('/').rsplit('/').next().unwrap_or("");
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
        if let Some(parent) = p.parent {
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
    fn urls() {
        assert_eq!(url_of("_index.md"), (PageKind::Home, "".into()));
        assert_eq!(url_of("a/_index.md"), (PageKind::Section, "a/".into()));
        assert_eq!(url_of("a/b/index.md"), (PageKind::Page, "a/b/".into()));
        assert_eq!(url_of("a/c.md"), (PageKind::Page, "a/c/".into()));
        assert_eq!(url_of("c.md"), (PageKind::Page, "c/".into()));
    }

    #[test]
    fn titles_from_file_names() {
        assert_eq!(title_from_url("a/on-call_rota/"), "On call rota");
    }
}
