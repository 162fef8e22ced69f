//! Hugo-compatible shortcodes: `{{< name args >}}`, `{{% name args %}}`,
//! paired forms with inner text, self-closing `{{< name />}}`, and the
//! escaped form `{{</* name */>}}` that prints literally.
//!
//! Expansion happens on the markdown source, before markdown rendering:
//! - `{{% %}}` output is spliced into the markdown, so its inner markdown is
//!   rendered with the page (its headings join the table of contents);
//! - `{{< >}}` output is HTML that markdown must not touch: it is replaced by
//!   a placeholder that `markdown::render` swaps back afterwards.
//!
//! Built-in shortcodes (`details`, `alert`, `youtube`, `include`) are plain
//! Rust, so the common case never goes through a template engine; a site's
//! own shortcodes come from `ShortcodeTemplates` (Tera templates), which may
//! also override a built-in.
//!
//! A `{{% %}}` call inside a `{{< >}}` call cannot be rendered with the page
//! (its output lands in HTML that markdown never sees), so its output is
//! rendered to HTML on the spot, as Hugo does (Docsy's `tabpane` + `tab`),
//! through `markdown::render_fragment`: the page's own rendering, so its
//! links are rewritten and collected for the link check like the page's.
//!
//! `include` (see `Run::include`) splices another content file's body, its
//! own shortcodes expanded; errors in it are located in that file.
//!
//! When migrating, `Options::missing` turns unknown shortcodes from errors
//! into visible placeholders, counted for one warning per build.
//!
//! Linear in the size of the page, and paired shortcodes nest at most
//! `MAX_DEPTH` deep (the expansion recurses once per level).

mod builtins;
mod parse;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

pub use builtins::ALERT_COLORS;
use builtins::{alert, details, figure, highlight, missing, youtube};
use parse::{Tag, TagKind, scan};

use super::headings::Ids;
use super::placeholder::{Key, Markers};
use super::srcmap::SourceMap;
use super::{Links, Rendered};
use crate::diag::{Diagnostic, Location};

/// How deep paired shortcodes may nest.
pub const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delim {
    /// `{{% %}}`: output is markdown, rendered with the page.
    Markdown,
    /// `{{< >}}`: output is final HTML.
    Html,
}

impl Delim {
    fn open(self) -> &'static str {
        match self {
            Delim::Markdown => "{{%",
            Delim::Html => "{{<",
        }
    }
    fn close(self) -> &'static str {
        match self {
            Delim::Markdown => "%}}",
            Delim::Html => ">}}",
        }
    }
}

/// Arguments of one call: all named or all positional, never mixed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Args {
    #[default]
    None,
    Named(Vec<(String, String)>),
    Positional(Vec<String>),
}

impl Args {
    pub fn get(&self, name: &str) -> Option<&str> {
        match self {
            Args::Named(v) => v.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()),
            _ => None,
        }
    }
    pub fn nth(&self, i: usize) -> Option<&str> {
        match self {
            Args::Positional(v) => v.get(i).map(String::as_str),
            _ => None,
        }
    }
    /// A named argument, or the positional one at `i` (Hugo's `.Get`).
    pub fn named_or_nth(&self, name: &str, i: usize) -> Option<&str> {
        self.get(name).or_else(|| self.nth(i))
    }
}

/// One shortcode call, as a template sees it.
#[derive(Debug, Clone)]
pub struct Call<'a> {
    pub name: &'a str,
    pub args: &'a Args,
    /// Inner text (shortcodes inside already expanded), `None` when the call
    /// has no closing tag.
    pub inner: Option<&'a str>,
    pub delim: Delim,
}

/// A site's own shortcodes (templates). Implemented by the template stage.
pub trait ShortcodeTemplates: Sync {
    /// Whether `name` exists, and if so whether its template uses the inner
    /// text (then a call must be closed or self-closing).
    fn lookup(&self, name: &str) -> Option<bool>;
    fn render(&self, call: &Call<'_>, page: &PageInfo<'_>) -> Result<String, String>;
    /// All names, sorted, for error messages.
    fn names(&self) -> Vec<String>;
}

/// What a shortcode may know about the page it is called from.
#[derive(Debug, Clone, Copy)]
pub struct PageInfo<'a> {
    pub title: &'a str,
    /// Absolute URL path of the page, base path included.
    pub url: &'a str,
}

pub const BUILTINS: &[(&str, bool)] = &[
    ("alert", true),
    ("details", true),
    ("figure", false),
    ("highlight", true),
    ("include", false),
    ("ref", false),
    ("relref", false),
    ("youtube", false),
];

/// A content file read for `include`.
#[derive(Debug, Clone)]
pub struct Included {
    /// Path for messages, relative to the site root: `content/a/b.md`.
    pub file: PathBuf,
    /// The whole file (line endings normalised).
    pub source: String,
    /// Where the body starts (after the front matter).
    pub body_start: usize,
}

/// Reads a content-relative path for `include`; `Err` says why not.
pub type IncludeFn<'a> = &'a (dyn Fn(&str) -> Result<Arc<Included>, String> + Sync);

/// What `include` read, by content-relative path, for one build: a file
/// included by many pages is checked, canonicalised and read once. A failed
/// read is kept too, so every call reports the same error at its own line.
#[derive(Debug, Default)]
pub struct IncludeCache(Mutex<HashMap<String, Arc<ReadOnce>>>);

type ReadOnce = OnceLock<Result<Arc<Included>, String>>;

impl IncludeCache {
    /// `rel` as `read` reads it, read at most once per cache.
    pub fn get(
        &self,
        rel: &str,
        read: impl FnOnce(&str) -> Result<Included, String>,
    ) -> Result<Arc<Included>, String> {
        // The map is locked only to find the path's cell: reads of other
        // files go on in parallel, the same file's wait for its one read.
        let cell = {
            let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
            Arc::clone(map.entry(rel.to_string()).or_default())
        };
        cell.get_or_init(|| read(rel).map(Arc::new)).clone()
    }
}

/// Per-build settings of expansion beyond the templates.
#[derive(Clone, Copy, Default)]
pub struct Options<'a> {
    /// `[shortcodes] unknown = "warn"`: unknown shortcodes render a
    /// placeholder and are counted here instead of failing the page.
    pub missing: Option<&'a Missing>,
    /// How `include` reads files; without it `include` is an error.
    pub include: Option<IncludeFn<'a>>,
    /// The page's own content-relative path: where include chains start.
    pub rel: &'a str,
    /// The site's `[markdown]` switches, for `{{% %}}` output rendered on
    /// its own inside HTML output.
    pub markdown: crate::config::Markdown,
}

/// Unknown shortcode names and their uses, over a whole (parallel) build.
#[derive(Debug, Default)]
pub struct Missing(Mutex<BTreeMap<String, usize>>);

impl Missing {
    fn add(&self, name: &str) {
        let mut m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *m.entry(name.to_string()).or_default() += 1;
    }

    /// One warning listing every missing name once, with its uses.
    pub fn warning(&self) -> Option<Diagnostic> {
        let m = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if m.is_empty() {
            return None;
        }
        let list: Vec<String> = m
            .iter()
            .map(|(n, c)| format!("`{n}` ({c} use{})", if *c == 1 { "" } else { "s" }))
            .collect();
        Some(
            Diagnostic::warning(format!(
                "{} unknown shortcode{} rendered as placeholders: {}",
                m.len(),
                if m.len() == 1 { "" } else { "s" },
                list.join(", ")
            ))
            .help("add each as templates/shortcodes/NAME.html, or remove the calls; `[shortcodes] unknown = \"error\"` makes them errors"),
        )
    }
}

/// An error at a byte offset of the text being expanded.
#[derive(Debug)]
pub struct SpanError {
    pub offset: usize,
    pub message: String,
    pub help: Option<String>,
    /// For an error inside an included file: where in it (`offset` is then
    /// the `include` call in the page).
    pub included: Option<Box<(PathBuf, String, usize)>>,
}

impl SpanError {
    fn new(offset: usize, message: impl Into<String>) -> Self {
        SpanError {
            offset,
            message: message.into(),
            help: None,
            included: None,
        }
    }
    fn help(mut self, h: impl Into<String>) -> Self {
        self.help = Some(h.into());
        self
    }
    /// `loc` is where `offset` is in the page.
    pub fn into_diagnostic(self, loc: Location) -> Diagnostic {
        let d = match self.included {
            Some(inc) => {
                let (file, source, offset) = *inc;
                Diagnostic::error(self.message)
                    .at(Location::at_offset(&file, &source, offset))
                    .label(loc, "included from here")
            }
            None => Diagnostic::error(self.message).at(loc),
        };
        match self.help {
            Some(h) => d.help(h),
            None => d,
        }
    }
}

/// A parsed call with its inner content.
#[derive(Debug)]
struct Node {
    tag: usize,
    /// Where the call ends: after its closing tag if it has one.
    end: usize,
    inner: Option<Inner>,
}

/// The inner text of a paired call (a byte range) and the calls inside it.
#[derive(Debug)]
struct Inner {
    start: usize,
    end: usize,
    kids: Vec<Node>,
}

pub struct Expander<'a> {
    pub templates: Option<&'a dyn ShortcodeTemplates>,
    pub page: PageInfo<'a>,
    pub options: Options<'a>,
}

/// The result of expanding a page: markdown with `{{< >}}` placeholders.
pub struct Expanded {
    pub markdown: String,
    /// HTML for placeholder `n`.
    pub html: Vec<String>,
    /// The placeholder characters of this page.
    pub markers: Markers,
    /// Offsets of `markdown` → offsets of the expanded text.
    pub map: SourceMap,
    /// The links of markdown rendered inside shortcode HTML output (only
    /// the link lists are filled), located in the expanded text.
    pub links: Rendered,
    /// The heading ids that markdown took: the page's own headings avoid
    /// them, so every id of the page is unique.
    pub ids: Ids,
}

/// What a shortcode produced, and where in it its inner text was placed
/// verbatim (to locate links in it).
struct Output {
    text: String,
    inner_at: Option<usize>,
}

impl Expander<'_> {
    fn lookup(&self, name: &str) -> Option<bool> {
        if let Some(t) = self.templates
            && let Some(uses_inner) = t.lookup(name)
        {
            return Some(uses_inner);
        }
        BUILTINS.iter().find(|(n, _)| *n == name).map(|(_, i)| *i)
    }

    fn known_names(&self) -> String {
        let mut names: Vec<String> = BUILTINS.iter().map(|(n, _)| n.to_string()).collect();
        if let Some(t) = self.templates {
            names.extend(t.names());
        }
        names.sort();
        names.dedup();
        names.join(", ")
    }

    /// Whether a site template overrides `name`.
    fn is_template(&self, name: &str) -> bool {
        self.templates.is_some_and(|t| t.lookup(name).is_some())
    }

    /// Expands every shortcode of an HTML page's body: all output inline,
    /// `{{% %}}` output rendered to HTML (no markdown pass follows). Returns
    /// the HTML and the links of that markdown.
    pub fn expand_html(&self, text: &str, links: &Links<'_>) -> Result<Rendered, Vec<SpanError>> {
        if !text.contains("{{<") && !text.contains("{{%") {
            return Ok(Rendered {
                html: text.to_string(),
                ..Rendered::default()
            });
        }
        let mut out = String::with_capacity(text.len());
        let cx = Context {
            raw: true,
            nested: false,
        };
        let mut map = SourceMap::default();
        let (_, mut found, _) =
            self.expand_into(text, Markers::default(), links, cx, &mut out, &mut map)?;
        found.html = out;
        Ok(found)
    }

    /// Expands every shortcode of `text`; `links` is how links of markdown
    /// rendered inside shortcode output resolve. On failure returns all
    /// errors found.
    pub fn expand(&self, text: &str, links: &Links<'_>) -> Result<Expanded, Vec<SpanError>> {
        let Some(markers) = Markers::for_text(text) else {
            return Err(vec![
                SpanError::new(0, "this page uses every private-use character of Unicode")
                    .help("opsbook needs two of them free; split the page"),
            ]);
        };
        // Fast path: most pages of a big handbook have no shortcode at all.
        if !text.contains("{{<") && !text.contains("{{%") {
            return Ok(Expanded {
                markdown: text.to_string(),
                html: Vec::new(),
                markers,
                map: SourceMap::default(),
                links: Rendered::default(),
                ids: Ids::default(),
            });
        }
        let mut markdown = String::with_capacity(text.len() + text.len() / 4);
        let mut map = SourceMap::default();
        let (html, links, ids) = self.expand_into(
            text,
            markers,
            links,
            Context::default(),
            &mut markdown,
            &mut map,
        )?;
        Ok(Expanded {
            markdown,
            html,
            markers,
            map,
            links,
            ids,
        })
    }

    /// Scans `text` and writes it to `out` with every shortcode expanded
    /// (`map` says where each output byte came from). Returns the HTML of
    /// the shortcodes left as markers and the links of markdown rendered on
    /// the spot, or every error, in source order.
    fn expand_into(
        &self,
        text: &str,
        markers: Markers,
        links: &Links<'_>,
        cx: Context,
        out: &mut String,
        map: &mut SourceMap,
    ) -> Result<(Vec<String>, Rendered, Ids), Vec<SpanError>> {
        let mut errors = Vec::new();
        let tags = scan(text, &mut errors);
        let nodes = self.build_tree(&tags, &mut errors);
        let mut run = Run {
            expander: self,
            text,
            tags: &tags,
            markers,
            html: Vec::new(),
            errors,
            chain: vec![self.options.rel.to_string()],
            links,
            found: Rendered::default(),
            ids: Ids::default(),
        };
        run.render((0, text.len(), &nodes), cx, out, map);
        let Run {
            html,
            mut errors,
            mut found,
            ids,
            ..
        } = run;
        found.sort_links();
        if errors.is_empty() {
            Ok((html, found, ids))
        } else {
            errors.sort_by_key(|e| e.offset);
            Err(errors)
        }
    }

    fn unknown(&self, tag: &Tag, name: &str) -> SpanError {
        SpanError::new(tag.start, format!("unknown shortcode `{name}`")).help(format!(
            "known shortcodes: {}; a site adds its own as templates/shortcodes/{name}.html",
            self.known_names()
        ))
    }

    fn build_tree(&self, tags: &[Tag], errors: &mut Vec<SpanError>) -> Vec<Node> {
        // Each frame: (tag index of the open tag, children so far). The
        // stack never holds more than MAX_DEPTH frames, so every search of
        // it below is bounded.
        let mut stack: Vec<(usize, Vec<Node>)> = Vec::new();
        let mut top: Vec<Node> = Vec::new();
        // Inside a call nested too deep: how many paired calls are open
        // there. Its content is skipped (the page fails anyway).
        let mut skipped = 0usize;
        fn push(stack: &mut [(usize, Vec<Node>)], top: &mut Vec<Node>, n: Node) {
            match stack.last_mut() {
                Some((_, kids)) => kids.push(n),
                None => top.push(n),
            }
        }
        let open_name = |t: usize| match &tags[t].kind {
            TagKind::Open { name, .. } => name.as_str(),
            _ => "",
        };
        // Warn mode: an unknown call is paired when a closing tag of its
        // name follows it.
        let mut last_close: HashMap<&str, usize> = HashMap::new();
        if self.options.missing.is_some() {
            for (i, t) in tags.iter().enumerate() {
                if let TagKind::Close { name } = &t.kind {
                    last_close.insert(name, i);
                }
            }
        }
        let lookup = |i: usize, name: &str, errors: &mut Vec<SpanError>| match self.lookup(name) {
            Some(u) => Some(u),
            None => match self.options.missing {
                Some(m) => {
                    m.add(name);
                    Some(last_close.get(name).is_some_and(|&c| c > i))
                }
                None => {
                    errors.push(self.unknown(&tags[i], name));
                    None
                }
            },
        };
        let lookup_close = |name: &str| {
            self.lookup(name)
                .or_else(|| last_close.contains_key(name).then_some(true))
        };
        for (i, tag) in tags.iter().enumerate() {
            if skipped > 0 {
                match &tag.kind {
                    TagKind::Open {
                        name, self_closing, ..
                    } => match lookup(i, name, errors) {
                        None => {}
                        Some(true) if !self_closing => skipped += 1,
                        Some(_) => {}
                    },
                    TagKind::Close { name } if lookup_close(name) == Some(true) => skipped -= 1,
                    _ => {}
                }
                continue;
            }
            match &tag.kind {
                TagKind::Escaped(_) => push(
                    &mut stack,
                    &mut top,
                    Node {
                        tag: i,
                        end: tag.end,
                        inner: None,
                    },
                ),
                TagKind::Open {
                    name, self_closing, ..
                } => match lookup(i, name, errors) {
                    None => {}
                    Some(true) if !self_closing && stack.len() == MAX_DEPTH => {
                        errors.push(too_deep(tag, name));
                        skipped = 1;
                    }
                    Some(true) if !self_closing => stack.push((i, Vec::new())),
                    Some(_) => push(
                        &mut stack,
                        &mut top,
                        Node {
                            tag: i,
                            end: tag.end,
                            inner: None,
                        },
                    ),
                },
                TagKind::Close { name } => {
                    let pos = if stack.last().is_some_and(|(t, _)| open_name(*t) == name) {
                        Some(stack.len() - 1)
                    } else if lookup_close(name) == Some(false) {
                        errors.push(
                            SpanError::new(
                                tag.start,
                                format!("shortcode `{name}` takes no inner content, but a closing tag was found"),
                            )
                            .help(format!("remove this closing tag, or self-close the call: `{} {name} ... /{}`", tag.delim.open(), tag.delim.close())),
                        );
                        None
                    } else if let Some(pos) = stack.iter().rposition(|(t, _)| open_name(*t) == name)
                    {
                        // Everything opened after the match is unclosed.
                        for (t, _) in stack.drain(pos + 1..).rev() {
                            errors.push(unclosed(&tags[t], open_name(t)));
                        }
                        Some(pos)
                    } else {
                        let help = match stack.last() {
                            Some((t, _)) => format!(
                                "the innermost open shortcode here is `{}`; close it with `{} /{} {}`",
                                open_name(*t),
                                tags[*t].delim.open(),
                                open_name(*t),
                                tags[*t].delim.close()
                            ),
                            None => "remove it, or add the opening tag".to_string(),
                        };
                        errors.push(
                            SpanError::new(
                                tag.start,
                                format!("closing tag `/{name}` does not match any open shortcode"),
                            )
                            .help(help),
                        );
                        None
                    };
                    if pos.is_some() {
                        let (t, kids) = stack.pop().expect("pos is in the stack");
                        let node = Node {
                            tag: t,
                            end: tag.end,
                            inner: Some(Inner {
                                start: tags[t].end,
                                end: tag.start,
                                kids,
                            }),
                        };
                        push(&mut stack, &mut top, node);
                    }
                }
            }
        }
        for (t, _) in stack.drain(..) {
            errors.push(unclosed(&tags[t], open_name(t)));
        }
        top
    }

    fn render_one(&self, call: &Call<'_>, at: usize) -> Result<Output, SpanError> {
        if let Some(t) = self.templates
            && t.lookup(call.name).is_some()
        {
            let text = t.render(call, &self.page).map_err(|e| {
                SpanError::new(at, format!("shortcode `{}` failed: {e}", call.name))
            })?;
            let inner_at = call
                .inner
                .filter(|i| !i.is_empty())
                .and_then(|i| text.find(i));
            return Ok(Output { text, inner_at });
        }
        match call.name {
            "details" => Ok(details(call)),
            "alert" => alert(call).map_err(|e| SpanError { offset: at, ..e }),
            "highlight" => Ok(Output {
                text: highlight(call),
                inner_at: None,
            }),
            "figure" => figure(call, &self.options.markdown)
                .map(|text| Output {
                    text,
                    inner_at: None,
                })
                .map_err(|e| SpanError::new(at, e)),
            "youtube" => youtube(call)
                .map(|text| Output {
                    text,
                    inner_at: None,
                })
                .map_err(|e| SpanError::new(at, e)),
            _ if self.options.missing.is_some() => Ok(missing(call)),
            other => Err(SpanError::new(at, format!("unknown shortcode `{other}`"))),
        }
    }
}

/// Where a run of `Run::render` is.
#[derive(Debug, Clone, Copy, Default)]
struct Context {
    /// Inside a `{{< >}}` call: output is HTML, never seen by markdown.
    raw: bool,
    /// Inside any call's inner text.
    nested: bool,
}

/// One expansion: the tags of a text and what their rendering collects.
struct Run<'e, 't> {
    expander: &'e Expander<'e>,
    text: &'t str,
    tags: &'t [Tag],
    markers: Markers,
    html: Vec<String>,
    errors: Vec<SpanError>,
    /// Content-relative paths from the page down to the file being
    /// expanded, for include cycles.
    chain: Vec<String>,
    /// How links of markdown rendered here resolve, and those found.
    links: &'t Links<'t>,
    found: Rendered,
    /// Heading ids taken by markdown rendered here, shared by every
    /// fragment of the page.
    ids: Ids,
}

impl Run<'_, '_> {
    /// Renders `text[from..to]` holding `nodes` into `out`, and its source
    /// map into `map`. Recurses once per nesting level (at most MAX_DEPTH).
    fn render(
        &mut self,
        (from, to, nodes): (usize, usize, &[Node]),
        cx: Context,
        out: &mut String,
        map: &mut SourceMap,
    ) {
        let mut pos = from;
        for node in nodes {
            let tag = &self.tags[node.tag];
            self.copy(pos, tag.start, cx, out, map);
            pos = node.end;
            let (name, args) = match &tag.kind {
                TagKind::Escaped(lit) => {
                    map.generated(out.len(), tag.start, cx.nested);
                    out.push_str(lit);
                    continue;
                }
                TagKind::Open { name, args, .. } => (name.as_str(), args),
                TagKind::Close { .. } => continue,
            };
            if matches!(name, "ref" | "relref") && !self.expander.is_template(name) {
                self.reference(tag, name, args, cx, out, map);
                continue;
            }
            if name == "include" && !self.expander.is_template(name) {
                self.include(tag, args, cx, out, map);
                continue;
            }
            let inner = node.inner.as_ref().map(|inner| {
                let inner_cx = Context {
                    raw: cx.raw || tag.delim == Delim::Html,
                    nested: true,
                };
                let mut buf = String::new();
                let mut inner_map = SourceMap::default();
                self.render(
                    (inner.start, inner.end, &inner.kids),
                    inner_cx,
                    &mut buf,
                    &mut inner_map,
                );
                (buf, inner_map)
            });
            let call = Call {
                name,
                args,
                inner: inner.as_ref().map(|(s, _)| s.as_str()),
                delim: tag.delim,
            };
            match self.expander.render_one(&call, tag.start) {
                Ok(o) if tag.delim == Delim::Html && !cx.raw => {
                    map.generated(out.len(), tag.start, cx.nested);
                    self.markers.push(out, Key::Shortcode(self.html.len()));
                    self.html.push(o.text);
                }
                // Markdown output inside HTML output: markdown never sees
                // it later, so it is rendered now.
                Ok(o) if tag.delim == Delim::Markdown && cx.raw => {
                    map.generated(out.len(), tag.start, true);
                    let mut o_map = SourceMap::default();
                    place(&mut o_map, 0, tag.start, &o, inner.as_ref());
                    self.markdown(&o.text, &|at| o_map.lookup(at), out);
                }
                Ok(o) => {
                    place(map, out.len(), tag.start, &o, inner.as_ref());
                    out.push_str(&o.text);
                }
                Err(e) => self.errors.push(e),
            }
        }
        self.copy(pos, to, cx, out, map);
    }

    /// Hugo's `{{< ref "page.md" >}}` / `{{< relref "page.md#part" >}}`:
    /// the URL of a content file, relative to this page's folder or, with a
    /// leading `/`, to `content/`; `.md`, `_index.md` and `index.md` may be
    /// left out. Written into the text itself (it is a link's destination),
    /// where markdown's link rewriting gives it the base path and checks
    /// it; `ref` is absolute under the base URL, as in Hugo.
    fn reference(
        &mut self,
        tag: &Tag,
        name: &str,
        args: &Args,
        cx: Context,
        out: &mut String,
        map: &mut SourceMap,
    ) {
        let links = self.links;
        let Some(target) = args
            .named_or_nth("path", 0)
            .map(str::trim)
            .filter(|p| !p.is_empty())
        else {
            self.errors.push(
                SpanError::new(tag.start, format!("shortcode `{name}` needs a page"))
                    .help(format!("write {{{{< {name} \"path/to/page.md\" >}}}}")),
            );
            return;
        };
        let (path, fragment) = match target.find('#') {
            Some(i) => (&target[..i], &target[i..]),
            None => (target, ""),
        };
        if path.is_empty() {
            // `{{< relref "#part" >}}`: a part of this page, as Hugo writes
            // it (and checked as a same-page link).
            map.generated(out.len(), tag.start, cx.nested);
            out.push_str(fragment);
            return;
        }
        let rel = match path.strip_prefix('/') {
            Some(abs) => abs.trim_end_matches('/').to_string(),
            None => crate::markdown::normalise(links.source_dir, path.trim_end_matches('/')),
        };
        // A file as named, else the page or section it names (`resolve_md`
        // takes `index.md` for `_index.md` and back).
        let candidates = if rel.ends_with(".md") || rel.ends_with(".html") {
            vec![rel.clone()]
        } else {
            let section = |name: &str| match rel.as_str() {
                "" => name.to_string(),
                dir => format!("{dir}/{name}"),
            };
            let own = [format!("{rel}.md"), format!("{rel}.html")];
            let own = own.into_iter().filter(|_| !rel.is_empty());
            own.chain([section("_index.md"), section("_index.html")])
                .collect()
        };
        let Some(url) = candidates.iter().find_map(|c| (links.resolve_md)(c)) else {
            self.errors.push(
                SpanError::new(tag.start, format!("shortcode `{name}`: no page `{path}`"))
                    .help("give a content file's path, relative to this page or from content/ with a leading /"),
            );
            return;
        };
        let written = if name == "ref" && links.base_url.contains("://") {
            format!("{}/{url}{fragment}", links.base_url.trim_end_matches('/'))
        } else if cx.raw {
            // Inside HTML nothing rewrites it: the base path goes in now.
            format!("{}{url}{fragment}", links.base_path)
        } else {
            format!("/{url}{fragment}")
        };
        map.generated(out.len(), tag.start, cx.nested);
        out.push_str(&written);
    }

    /// `{{< include "a/b.md" >}}`: the body of `content/a/b.md`, its own
    /// shortcodes expanded, spliced as markdown (rendered to HTML when the
    /// call sits in HTML output).
    fn include(
        &mut self,
        tag: &Tag,
        args: &Args,
        cx: Context,
        out: &mut String,
        map: &mut SourceMap,
    ) {
        let err = |m: String, h: &str| SpanError::new(tag.start, m).help(h);
        let Some(path) = args
            .named_or_nth("file", 0)
            .filter(|p| !p.trim().is_empty())
        else {
            self.errors.push(err(
                "shortcode `include` needs a path".into(),
                "write {{< include \"path/relative/to/content.md\" >}}",
            ));
            return;
        };
        let rel = path.trim().trim_start_matches('/');
        let rel = rel.strip_prefix("content/").unwrap_or(rel).to_string();
        if let Some(first) = self.chain.iter().position(|r| *r == rel) {
            let mut names: Vec<&str> = self.chain[first..].iter().map(String::as_str).collect();
            names.push(&rel);
            self.errors.push(err(
                format!("include cycle: {}", names.join(" → ")),
                "a file cannot include itself, directly or through other files: remove one of these includes",
            ));
            return;
        }
        if self.chain.len() > MAX_DEPTH {
            self.errors.push(err(
                format!("includes are nested more than {MAX_DEPTH} levels deep"),
                "include fewer levels",
            ));
            return;
        }
        let Some(read) = self.expander.options.include else {
            self.errors.push(err(
                "shortcode `include` cannot be used here".into(),
                "include works in handbook pages and post-mortem narratives",
            ));
            return;
        };
        let inc = match read(&rel) {
            Ok(inc) => inc,
            Err(why) => {
                self.errors.push(err(
                    format!("cannot include `{path}`: {why}"),
                    "the path is relative to content/, e.g. {{< include \"shared/oncall.md\" >}}",
                ));
                return;
            }
        };
        let body = &inc.source[inc.body_start.min(inc.source.len())..];
        if body.contains([self.markers.open, self.markers.close]) {
            self.errors.push(err(
                format!("cannot include `{path}`: it uses private-use characters this page needs"),
                "remove the characters U+E000 and U+E001 from the included file",
            ));
            return;
        }
        let mut errors = Vec::new();
        let tags = scan(body, &mut errors);
        let nodes = self.expander.build_tree(&tags, &mut errors);
        let mut chain = std::mem::take(&mut self.chain);
        chain.push(rel);
        let mut sub = Run {
            expander: self.expander,
            text: body,
            tags: &tags,
            markers: self.markers,
            html: std::mem::take(&mut self.html),
            errors,
            chain,
            links: self.links,
            found: Rendered::default(),
            ids: std::mem::take(&mut self.ids),
        };
        let mut buf = String::with_capacity(body.len());
        let sub_cx = Context {
            raw: cx.raw,
            nested: true,
        };
        sub.render(
            (0, body.len(), &nodes),
            sub_cx,
            &mut buf,
            &mut SourceMap::default(),
        );
        let Run {
            html,
            errors,
            mut chain,
            found,
            ids,
            ..
        } = sub;
        chain.pop();
        self.chain = chain;
        self.html = html;
        self.ids = ids;
        // Links of the included file are located at the call, as its text
        // spliced into the page is.
        self.found.add_links(found.links_at(tag.start));
        for mut e in errors {
            if e.included.is_none() {
                e.included = Some(Box::new((
                    inc.file.clone(),
                    inc.source.clone(),
                    inc.body_start + e.offset,
                )));
            }
            e.offset = tag.start;
            self.errors.push(e);
        }
        map.generated(out.len(), tag.start, true);
        if cx.raw {
            self.markdown(&buf, &|_| (tag.start, true), out);
        } else {
            out.push_str(&buf);
        }
    }

    /// Renders markdown made inside HTML output (`source`: its offsets in
    /// `self.text`) into `out`, keeping its links.
    fn markdown(&mut self, md: &str, source: &dyn Fn(usize) -> (usize, bool), out: &mut String) {
        let settings = self.expander.options.markdown;
        let r = super::render_fragment(md, self.links, &settings, source, &mut self.ids);
        out.push_str(&r.html);
        self.found.add_links(r);
    }

    fn copy(&self, from: usize, to: usize, cx: Context, out: &mut String, map: &mut SourceMap) {
        if from < to {
            map.copied(out.len(), from, cx.nested);
            out.push_str(&self.text[from..to]);
        }
    }
}

/// Maps output `o` of the call at `tag_start`, placed at `base`: all of it
/// made by the call, except its inner text, which leads back to the source.
fn place(
    map: &mut SourceMap,
    base: usize,
    tag_start: usize,
    o: &Output,
    inner: Option<&(String, SourceMap)>,
) {
    map.generated(base, tag_start, true);
    if let (Some(at), Some((text, inner_map))) = (o.inner_at, inner) {
        map.splice(inner_map, base + at);
        map.generated(base + at + text.len(), tag_start, true);
    }
}

fn too_deep(tag: &Tag, name: &str) -> SpanError {
    SpanError::new(
        tag.start,
        format!("shortcode `{name}` is nested more than {MAX_DEPTH} levels deep"),
    )
    .help(format!(
        "close the shortcodes around it before opening it; nesting deeper than {MAX_DEPTH} levels is not supported (usually a closing tag is missing)"
    ))
}

fn unclosed(tag: &Tag, name: &str) -> SpanError {
    SpanError::new(tag.start, format!("shortcode `{name}` is never closed")).help(format!(
        "add `{} /{name} {}` after its content, or self-close it: `{} {name} /{}`",
        tag.delim.open(),
        tag.delim.close(),
        tag.delim.open(),
        tag.delim.close()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(text: &str) -> Result<Expanded, Vec<SpanError>> {
        Expander {
            templates: None,
            page: PageInfo {
                title: "T",
                url: "/t/",
            },
            options: Options::default(),
        }
        .expand(text, &ROOT)
    }

    fn no_md(_: &str) -> Option<String> {
        None
    }

    const ROOT: Links<'static> = Links {
        base_url: "/",
        base_path: "/",
        source_dir: "",
        resolve_md: &no_md,
    };

    #[test]
    fn markdown_notation_is_spliced() {
        let e =
            expand("a\n{{% details summary=\"Log\" %}}\n## Inner\n{{% /details %}}\nb").unwrap();
        assert!(
            e.markdown
                .contains("<summary>Log</summary>\n\n\n## Inner\n\n\n</details>"),
            "{}",
            e.markdown
        );
        assert!(e.html.is_empty());
    }

    #[test]
    fn html_notation_uses_placeholder() {
        let e = expand("x {{< youtube abc_1 >}} y").unwrap();
        let ph = Markers::default().wrap(Key::Shortcode(0));
        assert_eq!(e.markdown, format!("x {ph} y"));
        assert!(e.html[0].contains("embed/abc_1"));
    }

    #[test]
    fn nesting_and_self_closing() {
        let e = expand(
            "{{% details summary=a %}}\n{{% alert title=`raw \"t\"` color=\"info\" %}}\nin\n{{% /alert %}}\n{{< youtube id=\"x\" />}}\n{{% /details %}}",
        )
        .unwrap();
        assert!(e.markdown.contains("<summary>a</summary>"));
        assert!(e.markdown.contains("<strong>raw &quot;t&quot;</strong>"));
        assert!(e.markdown.contains("alert-info"));
        assert_eq!(e.html.len(), 1);
    }

    #[test]
    fn escaped_form_is_literal() {
        let e = expand("use {{</* alert title=\"x\" */>}} and {{%/* details */%}}").unwrap();
        assert_eq!(
            e.markdown,
            "use {{< alert title=\"x\" >}} and {{% details %}}"
        );
    }

    #[test]
    fn errors_are_all_reported_with_offsets() {
        let text = "{{< nope >}}\n{{% details %}}\n{{< youtube a b=c >}}\n";
        let errs = expand(text).err().unwrap();
        let msgs: Vec<_> = errs
            .iter()
            .map(|e| (e.offset, e.message.as_str()))
            .collect();
        assert!(
            msgs.iter()
                .any(|(o, m)| *o == 0 && m.contains("unknown shortcode `nope`")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|(_, m)| m.contains("mixes positional and named")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|(o, m)| *o == 13 && m.contains("`details` is never closed")),
            "{msgs:?}"
        );
        assert!(
            errs[0]
                .help
                .as_deref()
                .unwrap()
                .contains("alert, details, figure, highlight, include, ref, relref, youtube")
        );
    }

    #[test]
    fn mismatched_close() {
        let errs = expand("{{% details %}}\n{{% alert %}}\nx\n{{% /details %}}")
            .err()
            .unwrap();
        assert!(
            errs.iter()
                .any(|e| e.message.contains("`alert` is never closed"))
        );
        let errs = expand("{{% /alert %}}").err().unwrap();
        assert!(errs[0].message.contains("does not match"));
        let errs = expand("{{< youtube x >}}{{< /youtube >}}").err().unwrap();
        assert!(errs[0].message.contains("takes no inner content"));
    }

    #[test]
    fn braces_without_shortcodes_pass() {
        let e = expand("{{ not a shortcode }} {{<").err();
        assert!(e.is_some(), "an unterminated tag is an error");
        let e = expand("{{ x }} and { { <").unwrap();
        assert_eq!(e.markdown, "{{ x }} and { { <");
    }

    #[test]
    fn nesting_is_limited_with_one_error_at_the_first_level_too_deep() {
        let nested = |n: usize| {
            format!(
                "{}x{}",
                "{{< alert >}}".repeat(n),
                "{{< /alert >}}".repeat(n)
            )
        };
        assert!(expand(&nested(MAX_DEPTH)).is_ok());
        for n in [MAX_DEPTH + 1, 30_000] {
            let errs = expand(&nested(n)).err().unwrap();
            assert_eq!(errs.len(), 1, "{errs:?}");
            assert_eq!(errs[0].offset, MAX_DEPTH * "{{< alert >}}".len());
            assert!(errs[0].message.contains("nested more than 64"));
        }
        // Other errors of the page are still reported.
        let text = format!("{}\n{{{{< nope >}}}}", nested(100));
        let errs = expand(&text).err().unwrap();
        assert_eq!(errs.len(), 2, "{errs:?}");
    }

    #[test]
    fn a_tag_running_to_the_end_is_reported_once() {
        let errs = expand("{{< alert title=\"a\n{{< alert b\n{{< youtube x >}}")
            .err()
            .unwrap();
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].message.contains("never closed"));
    }

    #[test]
    fn alert_colours_are_checked() {
        assert!(expand("{{< alert warning >}}x{{< /alert >}}").is_ok());
        let errs = expand("a\n{{< alert color=\"purple\" >}}x{{< /alert >}}")
            .err()
            .unwrap();
        assert_eq!(errs[0].offset, 2);
        assert!(errs[0].message.contains("`purple`"));
        assert!(
            errs[0]
                .help
                .as_deref()
                .unwrap()
                .contains("primary, secondary, info, success, warning, danger")
        );
    }

    #[test]
    fn source_map_leads_inner_text_back_to_the_page() {
        let text = "a\n{{% details %}}\n[l](/x/)\n{{% /details %}}\nb {{< youtube v >}} tail";
        let e = expand(text).unwrap();
        let at = |needle: &str| e.map.lookup(e.markdown.find(needle).unwrap());
        assert_eq!(at("[l]"), (text.find("[l]").unwrap(), true));
        assert_eq!(at("<summary>"), (2, true));
        assert_eq!(at("b "), (text.find("b ").unwrap(), false));
        assert_eq!(at(" tail"), (text.find(" tail").unwrap(), false));
    }

    #[test]
    fn an_included_file_is_read_once_per_cache() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let reads = AtomicUsize::new(0);
        let read = |rel: &str| {
            reads.fetch_add(1, Ordering::Relaxed);
            match rel {
                "a.md" => Ok(Included {
                    file: PathBuf::from("content/a.md"),
                    source: "A".into(),
                    body_start: 0,
                }),
                _ => Err(format!("no file content/{rel}")),
            }
        };
        let cache = IncludeCache::default();
        let first = cache.get("a.md", read).unwrap();
        assert!(Arc::ptr_eq(&first, &cache.get("a.md", read).unwrap()));
        for _ in 0..2 {
            assert_eq!(cache.get("b.md", read).unwrap_err(), "no file content/b.md");
        }
        assert_eq!(reads.load(Ordering::Relaxed), 2);
    }
}
