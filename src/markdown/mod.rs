//! Markdown → HTML for one page: shortcodes, kramdown leftovers, headings
//! with unique ids and anchors, the table of contents, highlighted code,
//! link rewriting (base path, `.md` links) with the links' places in the
//! source, and the page's sections at its top-level `<h2>` headings.
//!
//! Pure and page-local, so pages render in parallel; knowledge of other
//! pages comes in through `Links`. Nothing here recurses over the input
//! except shortcode expansion, which is bounded (`shortcode::MAX_DEPTH`).

pub mod blocks;
pub mod escape;
pub mod footnotes;
pub mod headings;
pub mod highlight;
pub mod inline;
pub mod kramdown;
pub mod placeholder;
pub mod shortcode;
pub mod srcmap;
pub mod untrusted;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

pub use crate::config::Markdown;
pub use escape::{escape_html, escape_html_into};
pub use headings::{Section, slugify};
use placeholder::{Key, Markers};
use shortcode::{Expander, SpanError};

/// How links of a page resolve.
pub struct Links<'a> {
    /// The site's base URL as configured (`https://host/project/`, or a
    /// path): Hugo's `ref` gives absolute URLs under it.
    pub base_url: &'a str,
    /// Path part of the site's base URL, `/` or `/project/`.
    pub base_path: &'a str,
    /// Directory of the page's source file, relative to `content/`.
    pub source_dir: &'a str,
    /// Content-relative `.md` path → URL path relative to the base path.
    pub resolve_md: &'a (dyn Fn(&str) -> Option<String> + Sync),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    /// HTML-escaped heading text.
    pub title: String,
}

/// A link of the page, for link checking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    /// For internal links the URL path relative to the base path, without
    /// fragment; for broken `.md` links the URL it was given instead.
    pub target: String,
    /// The destination as written.
    pub written: String,
    /// Byte offset in the page body of the link (its `[`); for a link made
    /// by a shortcode from something else than its inner text, the offset
    /// of the shortcode.
    pub offset: usize,
}

#[derive(Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Root-relative links (`/handbook/x/`), to check that they exist.
    pub internal_links: Vec<LinkRef>,
    /// `.md` links whose file does not exist.
    pub broken_md_links: Vec<LinkRef>,
    /// Same-page `#fragment` links (`target` empty), for anchor checks.
    pub same_page_links: Vec<LinkRef>,
    /// `http(s)://` links (`target` the URL), for `check --external`.
    pub external_links: Vec<LinkRef>,
    /// `html` cut at its top-level `<h2>` headings (not those inside a
    /// shortcode, list or quote); the first part holds what comes before the
    /// first of them and may be empty.
    pub sections: Vec<Section>,
}

impl Rendered {
    /// Takes the links `other` found (markdown rendered inside shortcode
    /// output); `sort_links` puts them in source order.
    pub(crate) fn add_links(&mut self, other: Rendered) {
        for (list, more) in [
            (&mut self.internal_links, other.internal_links),
            (&mut self.broken_md_links, other.broken_md_links),
            (&mut self.same_page_links, other.same_page_links),
            (&mut self.external_links, other.external_links),
        ] {
            list.extend(more);
        }
    }

    /// Puts each link list in source order, once all are added (sorting
    /// after each `add_links` would cost a page of k fragments O(k²)).
    pub(crate) fn sort_links(&mut self) {
        for list in [
            &mut self.internal_links,
            &mut self.broken_md_links,
            &mut self.same_page_links,
            &mut self.external_links,
        ] {
            list.sort_by_key(|l| l.offset);
        }
    }

    /// The same links, found at `offset` instead (text of an included file).
    pub(crate) fn links_at(mut self, offset: usize) -> Rendered {
        for list in [
            &mut self.internal_links,
            &mut self.broken_md_links,
            &mut self.same_page_links,
            &mut self.external_links,
        ] {
            for l in list {
                l.offset = offset;
            }
        }
        self
    }
}

/// Renders a page body with the default `[markdown]` settings.
pub fn render(
    body: &str,
    expander: &Expander<'_>,
    links: &Links<'_>,
    toc_levels: (u8, u8),
) -> Result<Rendered, Vec<SpanError>> {
    render_with(body, expander, links, toc_levels, &Markdown::default())
}

/// Renders a page body. Errors are offsets into `body`.
pub fn render_with(
    body: &str,
    expander: &Expander<'_>,
    links: &Links<'_>,
    toc_levels: (u8, u8),
    settings: &Markdown,
) -> Result<Rendered, Vec<SpanError>> {
    let mut expanded = expander.expand(body, links)?;
    let mut ids = std::mem::take(&mut expanded.ids);
    let source = |offset: usize| expanded.map.lookup(offset);
    let pass = Pass {
        links,
        toc_levels,
        settings,
    };
    let (mut out, marks, h2s) = render_expanded(
        &expanded.markdown,
        &expanded.html,
        expanded.markers,
        &source,
        pass,
        &mut ids,
    );
    out.sections = headings::sections(&out.html, &marks, h2s);
    out.add_links(expanded.links);
    out.sort_links();
    Ok(out)
}

/// Renders the body of an HTML content page: its shortcodes expanded, the
/// rest passed through; markdown of `{{% %}}` calls in it is rendered (and
/// its links rewritten and collected) as in a markdown page.
pub fn render_html_page(
    body: &str,
    expander: &Expander<'_>,
    links: &Links<'_>,
) -> Result<Rendered, Vec<SpanError>> {
    let mut out = expander.expand_html(body, links)?;
    out.sections = vec![Section {
        title: None,
        id: None,
        html: out.html.clone(),
    }];
    Ok(out)
}

/// Markdown rendered on its own inside a shortcode's HTML output (a
/// `{{% %}}` call inside a `{{< >}}` call or an HTML page): the page's own
/// rendering, so its links get the base path, `.md` resolution and the link
/// check (`source` leads its offsets back to the page). Its headings join
/// neither the page's TOC nor its sections.
pub(crate) fn render_fragment(
    md: &str,
    links: &Links<'_>,
    settings: &Markdown,
    source: &dyn Fn(usize) -> (usize, bool),
    ids: &mut headings::Ids,
) -> Rendered {
    // Cannot fail: the page around it already found free markers.
    let markers = placeholder::Markers::for_text(md).unwrap_or_default();
    // Marked as shortcode output: no heading starts a section.
    let nested = |offset: usize| (source(offset).0, true);
    let pass = Pass {
        links,
        toc_levels: (1, 0),
        settings,
    };
    let (mut out, _, _) = render_expanded(md, &[], markers, &nested, pass, ids);
    out.toc.clear();
    out
}

/// What a markdown pass takes from its page: how links resolve, which
/// heading levels the TOC lists (none when the first is above the second)
/// and the site's `[markdown]` switches.
#[derive(Clone, Copy)]
struct Pass<'a> {
    links: &'a Links<'a>,
    toc_levels: (u8, u8),
    settings: &'a Markdown,
}

/// Markdown with its shortcodes expanded (`html`: the `{{< >}}` output its
/// placeholders stand for) → HTML: the one path of a page's markdown and of
/// markdown inside shortcode output. Returns the page, the places of its
/// section markers and its top-level h2s, for `headings::sections`.
fn render_expanded(
    md: &str,
    html: &[String],
    markers: Markers,
    source: &dyn Fn(usize) -> (usize, bool),
    pass: Pass<'_>,
    ids: &mut headings::Ids,
) -> (Rendered, Vec<usize>, Vec<(String, String)>) {
    let (md, kramdown_map) = kramdown::rewrite(md, &markers.wrap(Key::Toc));
    let (md, attrs, blocks_map) = blocks::prepare(&md);
    // Offsets of `md` → offset in the body, and whether a shortcode made it.
    let source = |offset: usize| source(kramdown_map.lookup(blocks_map.lookup(offset).0).0);
    let (mut out, h2s) = render_markdown(&md, pass, markers, &source, &attrs, ids);
    let mut marks = Vec::new();
    if out.html.contains(markers.open) {
        let toc = || {
            format!(
                "<nav class=\"toc-inline\" aria-label=\"Contents\">{}</nav>",
                toc_html(&out.toc)
            )
        };
        let (filled, m) = markers.fill(&out.html, html, toc);
        out.html = filled;
        marks = m;
    }
    (out, marks, h2s)
}

pub(crate) fn options(settings: &Markdown) -> Options {
    let smart = if settings.smart_punctuation {
        Options::ENABLE_SMART_PUNCTUATION
    } else {
        Options::empty()
    };
    smart
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// Renders expanded markdown. Returns the page (placeholders still in it)
/// and the (title, id) of each top-level h2, whose places are marked.
fn render_markdown(
    md: &str,
    pass: Pass<'_>,
    markers: Markers,
    source: &dyn Fn(usize) -> (usize, bool),
    attrs: &[blocks::Attrs],
    ids: &mut headings::Ids,
) -> (Rendered, Vec<(String, String)>) {
    let Pass {
        links,
        toc_levels: (toc_lo, toc_hi),
        settings,
    } = pass;
    let mut out = Rendered {
        html: String::with_capacity(md.len() * 3 / 2),
        ..Rendered::default()
    };
    let mut h2s = Vec::new();
    let mut events: Vec<Event<'_>> = Vec::new();
    // Open blocks (quotes, lists, tables...) around the current event.
    let mut depth = 0usize;
    let mut parser = Parser::new_ext(md, options(settings)).into_offset_iter();
    let mut notes = footnotes::Footnotes::default();
    // Where the footnote definition being read starts in `events`.
    let mut note_start: Option<(usize, String)> = None;
    // Block attribute lines not yet given to a block, in order.
    let mut pending = attrs.iter().peekable();
    // Where the current top-level block's start tag is in `events`, if it
    // is one that takes attributes; and the attributes found for blocks.
    let mut top_start: Option<usize> = None;
    let mut block_marks: Vec<(usize, String)> = Vec::new();

    while let Some((event, range)) = parser.next() {
        match event {
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let line_attrs = if depth == 0 {
                    attrs_for(&mut pending, md, &range)
                } else {
                    None
                };
                // Gather the heading's inline events to know its text.
                let mut inner = Vec::new();
                // The heading's text as shown (`–` where `--` was typed
                // and smart punctuation is on): goldmark makes ids from it,
                // so `A -- B` is `a--b` (checked against Hugo 0.168 by
                // tests/hugo_parity.rs).
                let mut shown = String::new();
                for (e, r) in parser.by_ref() {
                    match &e {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Text(t) | Event::Code(t) => shown.push_str(t),
                        Event::SoftBreak | Event::HardBreak => shown.push(' '),
                        _ => {}
                    }
                    inner.push(map_link(e, r.start, links, source, &mut out));
                }
                let text = plain_text(&inner, markers);
                let id = match line_attrs.and_then(|a| a.id.as_deref()).or(id.as_deref()) {
                    // Hugo keeps an explicit id as written, even repeated.
                    Some(id) => ids.explicit(id.to_string()),
                    None => ids.unique(slugify(&markers.strip(&shown))),
                };
                let n = heading_number(level);
                let no_toc = classes.iter().any(|c| &**c == "no_toc");
                if !no_toc && (toc_lo..=toc_hi).contains(&n) {
                    out.toc.push(TocEntry {
                        level: n,
                        id: id.clone(),
                        title: escape_html(&text),
                    });
                }
                // A section starts at an h2 outside any block and outside
                // shortcode output.
                let starts_section = n == 2 && depth == 0 && !source(range.start).1;
                let mut open = String::new();
                if starts_section {
                    markers.push(&mut open, Key::SectionHeading);
                }
                open.push_str(&format!("<h{n} id=\"{}\"", escape_html(&id)));
                let classes: Vec<&str> = classes
                    .iter()
                    .map(|c| &**c)
                    .chain(
                        line_attrs
                            .iter()
                            .flat_map(|a| a.classes.iter().map(|c| &**c)),
                    )
                    .filter(|c| *c != "no_toc")
                    .collect();
                if !classes.is_empty() {
                    open.push_str(&format!(" class=\"{}\"", escape_html(&classes.join(" "))));
                }
                for (k, v) in attrs {
                    open.push_str(&format!(
                        " {}=\"{}\"",
                        escape_html(&k),
                        escape_html(v.as_deref().unwrap_or(""))
                    ));
                }
                if let Some(a) = line_attrs {
                    let others = blocks::Attrs {
                        others: a.others.clone(),
                        ..blocks::Attrs::default()
                    };
                    open.push_str(&others.html(false));
                }
                open.push('>');
                events.push(Event::Html(open.into()));
                events.extend(inner);
                let mut close = format!(
                    "<a class=\"anchor\" href=\"#{}\" aria-label=\"Link to this section\">#</a></h{n}>",
                    escape_html(&id)
                );
                if starts_section {
                    markers.push(&mut close, Key::SectionBody);
                    h2s.push((text, id));
                }
                // Ending in a newline keeps the writer from adding one.
                close.push('\n');
                events.push(Event::Html(close.into()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let mut code = String::new();
                for (e, _) in parser.by_ref() {
                    match e {
                        Event::Text(t) => code.push_str(&t),
                        Event::End(TagEnd::CodeBlock) => break,
                        _ => {}
                    }
                }
                let lang = match &kind {
                    CodeBlockKind::Fenced(info) => info
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '{')
                        .next()
                        .unwrap_or(""),
                    CodeBlockKind::Indented => "",
                };
                // A lexer could cut a placeholder apart: such code stays plain.
                let highlight = !code.contains(markers.open);
                events.push(Event::Html(code_block(lang, &code, highlight).into()));
            }
            // Wide tables scroll inside their own box on small screens.
            Event::Start(Tag::Table(align)) => {
                events.push(Event::Html("<div class=\"table-wrap\">".into()));
                if depth == 0 {
                    top_start = Some(events.len());
                }
                depth += 1;
                events.push(Event::Start(Tag::Table(align)));
            }
            Event::End(TagEnd::Table) => {
                depth -= 1;
                end_block(
                    depth,
                    &mut top_start,
                    &mut pending,
                    md,
                    &range,
                    &mut block_marks,
                );
                events.push(Event::End(TagEnd::Table));
                events.push(Event::Html("</div>\n".into()));
            }
            Event::FootnoteReference(label) => {
                events.push(Event::InlineHtml(notes.reference(&label).into()));
            }
            Event::Start(Tag::FootnoteDefinition(label)) => {
                depth += 1;
                note_start = Some((events.len(), label.to_string()));
            }
            Event::End(TagEnd::FootnoteDefinition) => {
                depth = depth.saturating_sub(1);
                if let Some((at, label)) = note_start.take() {
                    notes.define(&label, events.drain(at..).collect());
                }
            }
            e => {
                match &e {
                    Event::Start(tag) => {
                        if depth == 0 {
                            top_start = matches!(
                                tag,
                                Tag::Paragraph
                                    | Tag::List(_)
                                    | Tag::BlockQuote(_)
                                    | Tag::DefinitionList
                            )
                            .then_some(events.len());
                        }
                        depth += 1;
                    }
                    Event::End(_) => {
                        depth = depth.saturating_sub(1);
                        end_block(
                            depth,
                            &mut top_start,
                            &mut pending,
                            md,
                            &range,
                            &mut block_marks,
                        );
                    }
                    _ => {}
                }
                events.push(match e {
                    Event::Start(Tag::BlockQuote(Some(kind))) => {
                        Event::Html(callout_open(kind).into())
                    }
                    Event::End(TagEnd::BlockQuote(Some(_))) => Event::Html("</div>\n".into()),
                    e => map_link(e, range.start, links, source, &mut out),
                });
            }
        }
    }
    notes.finish(&mut events);
    if !block_marks.is_empty() {
        events = mark_blocks(events, &block_marks, markers);
    }
    let events = inline::apply(events, inline::Opts::of(settings));
    pulldown_cmark::html::push_html(&mut out.html, events.into_iter());
    if !block_marks.is_empty() {
        out.html = place_block_attrs(&out.html, markers);
    }
    (out, h2s)
}

/// A GitHub alert (`> [!NOTE]` ...) as a titled call-out box; the theme
/// styles `.callout-{kind}`.
fn callout_open(kind: pulldown_cmark::BlockQuoteKind) -> String {
    use pulldown_cmark::BlockQuoteKind as K;
    let (class, title) = match kind {
        K::Note => ("note", "Note"),
        K::Tip => ("tip", "Tip"),
        K::Important => ("important", "Important"),
        K::Warning => ("warning", "Warning"),
        K::Caution => ("caution", "Caution"),
    };
    format!(
        "<div class=\"callout callout-{class}\" role=\"note\">\n<p class=\"callout-title\">{title}</p>\n"
    )
}

/// The attribute line right under the top-level block at `range`, if any;
/// lines under blocks that take none are skipped on the way.
fn attrs_for<'a>(
    pending: &mut std::iter::Peekable<std::slice::Iter<'a, blocks::Attrs>>,
    md: &str,
    range: &std::ops::Range<usize>,
) -> Option<&'a blocks::Attrs> {
    while pending.next_if(|a| a.pos <= range.start).is_some() {}
    let a = pending.peek()?;
    (range.end >= a.pos || md[range.end..a.pos].trim().is_empty()).then(|| pending.next())?
}

/// At the end of a top-level block that takes attributes, records those of
/// the attribute line under it.
fn end_block(
    depth: usize,
    top_start: &mut Option<usize>,
    pending: &mut std::iter::Peekable<std::slice::Iter<'_, blocks::Attrs>>,
    md: &str,
    range: &std::ops::Range<usize>,
    marks: &mut Vec<(usize, String)>,
) {
    if depth != 0 {
        return;
    }
    if let Some(at) = top_start.take()
        && let Some(a) = attrs_for(pending, md, range)
    {
        marks.push((at, a.html(true)));
    }
}

/// Puts a marker holding the attributes before each marked start tag
/// (`marks` in event order); `place_block_attrs` moves them into the tag.
fn mark_blocks<'a>(
    events: Vec<Event<'a>>,
    marks: &[(usize, String)],
    markers: Markers,
) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(events.len() + marks.len());
    let mut next = marks.iter().peekable();
    for (i, e) in events.into_iter().enumerate() {
        while let Some((_, attrs)) = next.next_if(|(at, _)| *at == i) {
            out.push(Event::Html(
                format!("{}@{attrs}{}", markers.open, markers.close).into(),
            ));
        }
        out.push(e);
    }
    out
}

/// `MARK<tag ...` → `<tag ATTRS ...`, in one pass.
fn place_block_attrs(html: &str, markers: Markers) -> String {
    let open = format!("{}@", markers.open);
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(&open) {
        out.push_str(&rest[..i]);
        let after = &rest[i + open.len()..];
        let Some(j) = after.find(markers.close) else {
            rest = after;
            break;
        };
        let attrs = &after[..j];
        let tail = after[j + markers.close.len_utf8()..].trim_start();
        let name = tail
            .strip_prefix('<')
            .map(|t| {
                t.find(|c: char| !c.is_ascii_alphanumeric())
                    .unwrap_or(t.len())
                    + 1
            })
            .unwrap_or(0);
        out.push_str(&tail[..name]);
        if name > 0 {
            out.push_str(attrs);
        }
        rest = &tail[name..];
    }
    out.push_str(rest);
    out
}

pub(crate) fn code_block(lang: &str, code: &str, highlight: bool) -> String {
    let mut html = String::with_capacity(code.len() * 2 + 64);
    if let Some(canon) = highlight::canonical_lang(lang).filter(|_| highlight) {
        html.push_str("<pre class=\"highlight\" data-lang=\"");
        html.push_str(canon);
        html.push_str("\"><code class=\"language-");
        html.push_str(canon);
        html.push_str("\">");
        if highlight::highlight_into(&mut html, lang, code) {
            html.push_str("</code></pre>\n");
            return html;
        }
        html.clear();
    }
    html.push_str("<pre><code");
    if !lang.is_empty() {
        html.push_str(" class=\"language-");
        escape_html_into(&mut html, lang);
        html.push('"');
    }
    html.push('>');
    escape_html_into(&mut html, code);
    html.push_str("</code></pre>\n");
    html
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// The text of a heading, without placeholders (a `{{< >}}` call in a
/// heading shows in the page, not in ids, the TOC or section titles).
fn plain_text(events: &[Event<'_>], markers: Markers) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    markers.strip(&s).trim().to_string()
}

fn map_link<'a>(
    e: Event<'a>,
    at: usize,
    links: &Links<'_>,
    source: &dyn Fn(usize) -> (usize, bool),
    out: &mut Rendered,
) -> Event<'a> {
    map_destination(e, |url| rewrite_url(url, || source(at).0, links, out))
}

/// Applies `f` to the destination of a link or image event; other events
/// pass through.
pub(crate) fn map_destination<'a>(
    e: Event<'a>,
    f: impl FnOnce(CowStr<'a>) -> CowStr<'a>,
) -> Event<'a> {
    match e {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: f(dest_url),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Image {
            link_type,
            dest_url: f(dest_url),
            title,
            id,
        }),
        e => e,
    }
}

fn is_external(url: &str) -> bool {
    url.starts_with('#')
        || url.starts_with("//")
        || url.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
}

/// Applies the base path to root-relative URLs and turns `.md` links into
/// page URLs. Other relative URLs are left to the browser, as in Hugo.
fn rewrite_url<'a>(
    url: CowStr<'a>,
    offset: impl Fn() -> usize,
    links: &Links<'_>,
    out: &mut Rendered,
) -> CowStr<'a> {
    if url.is_empty() {
        return url;
    }
    if is_external(&url) {
        // Kept for the link checker; the URL itself is left as written.
        let list = if url.starts_with('#') {
            Some(&mut out.same_page_links)
        } else if starts_with_ci(&url, "http://") || starts_with_ci(&url, "https://") {
            Some(&mut out.external_links)
        } else {
            None
        };
        if let Some(list) = list {
            let target = if url.starts_with('#') { "" } else { &url };
            list.push(LinkRef {
                target: target.to_string(),
                written: url.to_string(),
                offset: offset(),
            });
        }
        return url;
    }
    let (path, suffix) = match url.find(['#', '?']) {
        Some(i) => (&url[..i], &url[i..]),
        None => (&url[..], ""),
    };
    if let Some(md) = path.strip_suffix(".md").map(|_| path) {
        let rel = match md.strip_prefix('/') {
            Some(abs) => abs.strip_prefix("content/").unwrap_or(abs).to_string(),
            None => normalise(links.source_dir, md),
        };
        let target = match (links.resolve_md)(&rel) {
            // With a fragment, kept for the anchor check.
            Some(u) if suffix.contains('#') => {
                out.internal_links.push(LinkRef {
                    target: u.clone(),
                    written: url.to_string(),
                    offset: offset(),
                });
                u
            }
            Some(u) => u,
            None => {
                let target = crate::content::url_of(&rel).1;
                out.broken_md_links.push(LinkRef {
                    target: target.clone(),
                    written: url.to_string(),
                    offset: offset(),
                });
                target
            }
        };
        return format!("{}{}{}", links.base_path, target, suffix).into();
    }
    if let Some(abs) = path.strip_prefix('/') {
        out.internal_links.push(LinkRef {
            target: abs.to_string(),
            written: url.to_string(),
            offset: offset(),
        });
        if links.base_path == "/" {
            return url;
        }
        return format!("{}{}{}", links.base_path, abs, suffix).into();
    }
    url
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// Joins a relative path onto a directory, resolving `.` and `..`.
pub(crate) fn normalise(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Builds the nested `<ul>` of a table of contents.
pub fn toc_html(entries: &[TocEntry]) -> String {
    let Some(base) = entries.iter().map(|e| e.level).min() else {
        return String::new();
    };
    let mut out = String::from("<ul>");
    let mut cur = base;
    for (i, e) in entries.iter().enumerate() {
        if i == 0 {
            out.push_str("<li>");
        } else if e.level > cur {
            for _ in cur..e.level {
                out.push_str("<ul><li>");
            }
        } else {
            out.push_str("</li>");
            for _ in e.level..cur {
                out.push_str("</ul></li>");
            }
            out.push_str("<li>");
        }
        cur = e.level;
        out.push_str(&format!(
            "<a href=\"#{}\">{}</a>",
            escape_html(&e.id),
            e.title
        ));
    }
    out.push_str("</li>");
    for _ in base..cur {
        out.push_str("</ul></li>");
    }
    out.push_str("</ul>");
    out
}

#[cfg(test)]
mod tests {
    use super::shortcode::PageInfo;
    use super::*;

    fn page(md: &str) -> Rendered {
        with_page(|ex, links| render(md, ex, links, (2, 4)).unwrap())
    }

    /// `f` with the expander and links of a page at `/proj/a/` whose
    /// `b.md` exists.
    fn with_page<T>(f: impl FnOnce(&Expander<'_>, &Links<'_>) -> T) -> T {
        let resolve = |rel: &str| (rel == "a/b.md").then(|| "a/b/".to_string());
        let links = Links {
            base_url: "/",
            base_path: "/proj/",
            source_dir: "a",
            resolve_md: &resolve,
        };
        let ex = Expander {
            templates: None,
            page: PageInfo {
                title: "t",
                url: "/proj/a/",
            },
            options: Default::default(),
        };
        f(&ex, &links)
    }

    #[test]
    fn github_alerts_become_titled_callouts() {
        let r = page("> [!WARNING]\n> Mind the **gap**.\n\n> plain quote\n");
        assert!(
            r.html.contains(
                "<div class=\"callout callout-warning\" role=\"note\">\n<p class=\"callout-title\">Warning</p>\n<p>Mind the <strong>gap</strong>.</p>\n</div>"
            ),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("<blockquote>\n<p>plain quote</p>\n</blockquote>")
        );
        for kind in ["NOTE", "TIP", "IMPORTANT", "CAUTION"] {
            let r = page(&format!("> [!{kind}]\n> x\n"));
            let class = format!("callout-{}", kind.to_lowercase());
            assert!(r.html.contains(&class), "{kind}: {}", r.html);
        }
    }

    #[test]
    fn headings_get_unique_ids_anchors_and_toc() {
        let r = page("## Intro\n### Intro\n## Custom {#own}\n##### Deep\n");
        assert!(
            r.html
                .contains("<h2 id=\"intro\">Intro<a class=\"anchor\" href=\"#intro\""),
            "{}",
            r.html
        );
        assert!(r.html.contains("<h3 id=\"intro-1\">"));
        assert!(r.html.contains("<h2 id=\"own\">"));
        let ids: Vec<_> = r.toc.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["intro", "intro-1", "own"]);
        assert_eq!(
            toc_html(&r.toc),
            "<ul><li><a href=\"#intro\">Intro</a><ul><li><a href=\"#intro-1\">Intro</a></li></ul></li><li><a href=\"#own\">Custom</a></li></ul>"
        );
    }

    #[test]
    fn links_get_base_path_and_md_resolution() {
        let r = page("[x](/handbook/) [y](b.md#top) [z](../c.md) [w](https://e.com) [v](#a)");
        assert!(r.html.contains("href=\"/proj/handbook/\""));
        assert!(r.html.contains("href=\"/proj/a/b/#top\""));
        assert!(r.html.contains("href=\"/proj/c/\""));
        let broken: Vec<_> = r
            .broken_md_links
            .iter()
            .map(|l| l.written.as_str())
            .collect();
        assert_eq!(broken, ["../c.md"]);
        assert!(r.html.contains("href=\"https://e.com\""));
        assert!(r.html.contains("href=\"#a\""));
    }

    #[test]
    fn kramdown_toc_and_shortcode_placeholders() {
        let r = page("## Top\n{:.no_toc}\n\n- TOC\n{:toc}\n\n## A\n\n{{< youtube abc >}}\n");
        assert!(r.html.contains("<nav class=\"toc-inline\" aria-label=\"Contents\"><ul><li><a href=\"#a\">A</a></li></ul></nav>"), "{}", r.html);
        assert!(!r.html.contains("{:"));
        assert!(r.html.contains("<div class=\"video\">"));
        assert!(!r.html.contains("<p><div"));
        assert_eq!(r.toc.len(), 1);
    }

    #[test]
    fn unknown_language_is_plain() {
        let r = page("```klingon\n<b>\n```\n");
        assert!(
            r.html
                .contains("<pre><code class=\"language-klingon\">&lt;b&gt;\n</code></pre>"),
            "{}",
            r.html
        );
    }

    #[test]
    fn sections_start_at_top_level_h2_only() {
        let r = page(
            "Intro\n\n## One\n\n{{% details %}}\n## Inner\n{{% /details %}}\n\n> ## Quoted\n\n- ## Listed\n\n### Three\n\n## Two `x` & y\n\nEnd\n",
        );
        let titles: Vec<_> = r.sections.iter().map(|s| s.title.as_deref()).collect();
        assert_eq!(titles, [None, Some("One"), Some("Two x & y")]);
        assert_eq!(r.sections[0].html, "<p>Intro</p>\n");
        assert_eq!(r.sections[2].id.as_deref(), Some("two-x--y"));
        let one = &r.sections[1].html;
        assert!(
            one.contains("<details") && one.contains("</details>"),
            "{one}"
        );
        assert!(one.contains("Quoted") && one.contains("Listed") && one.contains("<h3"));
        assert!(
            !one.contains("<h2 id=\"one\""),
            "the heading itself is left out"
        );
        assert_eq!(r.sections[2].html, "\n<p>End</p>\n");
        assert!(!r.html.contains(['\u{E000}', '\u{E001}']));
    }

    #[test]
    fn links_carry_their_offsets_in_the_body() {
        let body = "`/x/`\n\n[a](/x/) [b](nope.md)\n\n{{% details %}}\n[c](/y/)\n{{% /details %}}\n\n## H\n{: .no_toc}\n\n[d](/z/)\n";
        let r = page(body);
        let offsets: Vec<_> = r
            .internal_links
            .iter()
            .map(|l| (l.target.as_str(), l.offset))
            .collect();
        assert_eq!(
            offsets,
            [
                ("x/", body.find("[a]").unwrap()),
                ("y/", body.find("[c]").unwrap()),
                ("z/", body.find("[d]").unwrap()),
            ]
        );
        assert_eq!(r.broken_md_links[0].offset, body.find("[b]").unwrap());
    }

    #[test]
    fn markdown_inside_html_output_has_the_pages_links() {
        let body = "[t](/t/)\n\n{{< details >}}\n{{% alert %}}\n[a](/x/) [b](b.md) [c](../c.md)\n{{% /alert %}}\n{{< /details >}}\n";
        let r = page(body);
        assert!(r.html.contains("href=\"/proj/x/\""), "{}", r.html);
        assert!(r.html.contains("href=\"/proj/a/b/\""), "{}", r.html);
        let internal: Vec<_> = r
            .internal_links
            .iter()
            .map(|l| (l.target.as_str(), l.offset))
            .collect();
        assert_eq!(
            internal,
            [("t/", 0), ("x/", body.find("[a]").unwrap())],
            "in source order"
        );
        assert_eq!(r.broken_md_links[0].offset, body.find("[c]").unwrap());
        // An HTML page's `{{% %}}` markdown: the same.
        let html = "<div>{{% alert %}}[a](/x/){{% /alert %}}</div>";
        let r = with_page(|ex, links| render_html_page(html, ex, links).unwrap());
        assert!(r.html.contains("href=\"/proj/x/\""), "{}", r.html);
        assert_eq!(r.internal_links[0].offset, html.find("[a]").unwrap());
        assert_eq!(r.sections[0].html, r.html);
    }

    #[test]
    fn placeholders_never_leak_into_ids_toc_or_text() {
        let r = page(
            "## Clip {{< youtube v >}}\n\nTyped \u{E000}0\u{E001} \u{E000}toc\u{E001}\n\n{{< youtube w >}}\n",
        );
        assert_eq!(r.toc[0].id, "clip");
        assert_eq!(r.toc[0].title, "Clip");
        assert!(
            r.html
                .contains("<h2 id=\"clip\">Clip <div class=\"video\">"),
            "{}",
            r.html
        );
        assert!(
            r.html
                .contains("Typed \u{E000}0\u{E001} \u{E000}toc\u{E001}")
        );
        assert_eq!(r.html.matches("<iframe").count(), 2);
        let r = page("![{{< youtube v >}}](a.png)\n\n```yaml\nk: {{< youtube v >}}\n```\n");
        // In a tag the call is dropped; in code it is expanded (as Hugo
        // does), the code left unhighlighted so no lexer cuts it apart.
        assert!(r.html.contains("alt=\"\""), "{}", r.html);
        assert!(
            r.html
                .contains("<pre><code class=\"language-yaml\">k: <div class=\"video\">"),
            "{}",
            r.html
        );
        assert_eq!(r.html.matches("<iframe").count(), 1, "{}", r.html);
    }
}
