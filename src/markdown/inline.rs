//! Text-level extensions Hugo's goldmark applies and pulldown-cmark lacks:
//! GFM extended autolinks (bare `https://…`, `www.…`, e-mail addresses)
//! and emoji shortcodes (`:white_check_mark:` → ✅).
//!
//! Works on runs of adjacent text events (code spans, raw HTML and link
//! text never reach it), in one pass over the run: every scan moves
//! forward, so the cost is linear in the text.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use super::escape::tag_end;
use super::escape_html_into;

#[derive(Debug, Clone, Copy)]
pub struct Opts {
    pub linkify: bool,
    pub emoji: bool,
    /// Smart punctuation is on: `–` in a text may stand for `--` typed in
    /// a URL, which linkify must see as typed.
    pub smart: bool,
}

impl Opts {
    /// What the site's `[markdown]` switches turn on.
    pub fn of(settings: &crate::config::Markdown) -> Opts {
        Opts {
            linkify: settings.linkify,
            emoji: settings.emoji,
            smart: settings.smart_punctuation,
        }
    }
}

/// Applies linkify and emoji to the text of `events`, outside links,
/// images and raw `<a>` elements.
pub fn apply<'a>(events: Vec<Event<'a>>, opts: Opts) -> Vec<Event<'a>> {
    if !opts.linkify && !opts.emoji {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut run: Vec<CowStr<'a>> = Vec::new();
    // Inside a link or image (their text is theirs), or a raw `<a>`.
    let mut link_depth = 0usize;
    let mut raw_a = false;
    for e in events {
        if let Event::Text(t) = e {
            if link_depth == 0 && !raw_a {
                run.push(t);
            } else {
                out.push(Event::Text(t));
            }
            continue;
        }
        if !run.is_empty() {
            process_run(std::mem::take(&mut run), opts, &mut out);
        }
        match &e {
            Event::Start(Tag::Link { .. } | Tag::Image { .. }) => link_depth += 1,
            Event::End(TagEnd::Link | TagEnd::Image) => link_depth = link_depth.saturating_sub(1),
            Event::InlineHtml(h) | Event::Html(h) => raw_a = inside_a_after(raw_a, h),
            _ => {}
        }
        out.push(e);
    }
    if !run.is_empty() {
        process_run(run, opts, &mut out);
    }
    out
}

/// Whether text after the HTML `h` is inside a raw `<a>` element, given
/// whether it started inside one. Every tag of `h` counts, not only its
/// start: a heading's closing HTML holds a whole `<a class="anchor">…</a>`
/// and leaves the text after it outside any link. Comments and quoted
/// attribute values are not tags (`<!-- <a> -->`, `title="<a>"`).
fn inside_a_after(mut inside: bool, h: &str) -> bool {
    let b = h.as_bytes();
    // Most HTML here (highlighted code, headings' openings) has no `<a` or
    // `</a` at all: nothing to walk.
    let names_a = |at: usize| {
        let rest = &b[at + 1..];
        let name = rest.strip_prefix(b"/").unwrap_or(rest);
        name.first().is_some_and(|c| c.eq_ignore_ascii_case(&b'a'))
    };
    if !memchr::memchr_iter(b'<', b).any(names_a) {
        return inside;
    }
    let mut i = 0;
    while let Some(k) = memchr::memchr(b'<', &b[i..]) {
        let at = i + k;
        let rest = &b[at + 1..];
        if rest.starts_with(b"!--") {
            i = match memchr::memmem::find(&rest[3..], b"-->") {
                Some(e) => at + 1 + 3 + e + 3,
                None => return inside,
            };
            continue;
        }
        let (closing, name) = match rest.strip_prefix(b"/") {
            Some(name) => (true, name),
            None => (false, rest),
        };
        if !name.first().is_some_and(u8::is_ascii_alphabetic) {
            // `a <3 b`: not a tag.
            i = at + 1;
            continue;
        }
        let is_a = name.first().is_some_and(|c| c.eq_ignore_ascii_case(&b'a'))
            && name
                .get(1)
                .is_none_or(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/');
        if is_a {
            inside = !closing;
        }
        i = tag_end(b, at + 1);
    }
    inside
}

/// What smart punctuation made of typed text.
pub fn unsmart(t: &str) -> Option<&'static str> {
    Some(match t {
        "’" | "‘" => "'",
        "“" | "”" => "\"",
        "–" => "--",
        "—" => "---",
        "…" => "...",
        _ => return None,
    })
}

/// One piece of a run: `raw[start..end]` as typed, `shown` as rendered.
struct Seg<'a> {
    start: usize,
    end: usize,
    shown: CowStr<'a>,
}

fn process_run<'a>(texts: Vec<CowStr<'a>>, opts: Opts, out: &mut Vec<Event<'a>>) {
    let maybe_link = |t: &str| opts.linkify && t.contains(['.', '@']);
    let maybe_emoji = |t: &str| opts.emoji && t.contains(':');
    if !texts.iter().any(|t| maybe_link(t) || maybe_emoji(t)) {
        out.extend(texts.into_iter().map(Event::Text));
        return;
    }
    let mut raw = String::new();
    let mut segs = Vec::with_capacity(texts.len());
    for t in texts {
        let start = raw.len();
        match unsmart(&t).filter(|_| opts.smart) {
            Some(typed) => raw.push_str(typed),
            None => raw.push_str(&t),
        }
        segs.push(Seg {
            start,
            end: raw.len(),
            shown: t,
        });
    }
    let links = if opts.linkify {
        find_links(&raw)
    } else {
        Vec::new()
    };
    let mut shown = String::with_capacity(raw.len());
    let mut seg = 0;
    let mut cur = 0;
    for (a, b, href) in links {
        shown_text(&raw, &segs, &mut seg, cur, a, &mut shown);
        flush(&mut shown, opts, out);
        let mut html = String::from("<a href=\"");
        escape_html_into(&mut html, &href);
        html.push_str("\">");
        escape_html_into(&mut html, &raw[a..b]);
        html.push_str("</a>");
        out.push(Event::InlineHtml(html.into()));
        cur = b;
    }
    shown_text(&raw, &segs, &mut seg, cur, raw.len(), &mut shown);
    flush(&mut shown, opts, out);
}

/// Appends what is shown for `raw[from..to]`: typed text as is, a smart
/// character wholly inside the range as rendered.
fn shown_text(
    raw: &str,
    segs: &[Seg<'_>],
    seg: &mut usize,
    from: usize,
    to: usize,
    out: &mut String,
) {
    while *seg < segs.len() && segs[*seg].end <= from {
        *seg += 1;
    }
    let mut i = *seg;
    while i < segs.len() && segs[i].start < to {
        let s = &segs[i];
        let (a, b) = (s.start.max(from), s.end.min(to));
        if a == s.start && b == s.end {
            out.push_str(&s.shown);
        } else {
            out.push_str(&raw[a..b]);
        }
        if s.end > to {
            break;
        }
        i += 1;
    }
    *seg = i;
}

fn flush<'a>(text: &mut String, opts: Opts, out: &mut Vec<Event<'a>>) {
    if text.is_empty() {
        return;
    }
    let t = std::mem::take(text);
    let t = if opts.emoji {
        emojify(&t).unwrap_or(t)
    } else {
        t
    };
    out.push(Event::Text(t.into()));
}

/// `:name:` → the emoji of GitHub's shortcode `name`; unknown names stay.
/// `None` when nothing changed.
pub fn emojify(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out: Option<String> = None;
    let mut last = 0;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b':' {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b"_+-".contains(&b[j])) {
            j += 1;
        }
        if j < b.len()
            && b[j] == b':'
            && j > i + 1
            && let Some(e) = emojis::get_by_shortcode(&s[i + 1..j])
        {
            let o = out.get_or_insert_with(|| String::with_capacity(s.len()));
            o.push_str(&s[last..i]);
            o.push_str(e.as_str());
            last = j + 1;
            i = j + 1;
            continue;
        }
        // The colon that ended a failed name may open the next one.
        i = j;
    }
    out.map(|mut o| {
        o.push_str(&s[last..]);
        o
    })
}

/// GFM extended autolinks in `s`: (start, end, href), in order.
pub fn find_links(s: &str) -> Vec<(usize, usize, String)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    // No link starts before the end of the previous one (nor an e-mail's
    // local part reaches back over it).
    let mut floor = 0;
    let mut i = 0;
    while i < b.len() {
        let c = b[i].to_ascii_lowercase();
        if (c == b'h' || c == b'w')
            && (i == 0 || b" \t\n\r*_~(".contains(&b[i - 1]))
            && let Some((end, href)) = url_at(s, i)
        {
            out.push((i, end, href));
            i = end;
            floor = end;
            continue;
        }
        if c == b'@'
            && let Some((start, end)) = email_at(b, i, floor)
        {
            out.push((start, end, format!("mailto:{}", &s[start..end])));
            i = end;
            floor = end;
            continue;
        }
        i += 1;
    }
    out
}

fn starts_with_ci(s: &[u8], prefix: &str) -> bool {
    s.len() >= prefix.len() && s[..prefix.len()].eq_ignore_ascii_case(prefix.as_bytes())
}

/// A URL or `www.` link starting at `i`: its end and href.
fn url_at(s: &str, i: usize) -> Option<(usize, String)> {
    let b = &s.as_bytes()[i..];
    let (scheme_len, www) = if starts_with_ci(b, "https://") {
        (8, false)
    } else if starts_with_ci(b, "http://") {
        (7, false)
    } else if starts_with_ci(b, "www.") {
        (0, true)
    } else {
        return None;
    };
    let domain_len = valid_domain(&b[scheme_len..])?;
    if www && domain_len <= 4 {
        return None;
    }
    // The path runs to the next space or `<`.
    let rest = &s[i + scheme_len + domain_len..];
    let path_len = rest
        .find(|c: char| c.is_whitespace() || c == '<')
        .unwrap_or(rest.len());
    let end = trim_trailing(
        &s[i..i + scheme_len + domain_len + path_len],
        scheme_len + domain_len,
    );
    let text = &s[i..i + end];
    // Hugo's `linkifyProtocol` default: `www.` addresses get https.
    let href = if www {
        format!("https://{text}")
    } else {
        text.to_string()
    };
    Some((i + end, href))
}

/// Length of a valid domain at the start of `b`: labels of letters,
/// digits, `-` and `_` joined by `.`, with at least one `.` (or a single
/// label for `localhost`-like hosts after a scheme), no `_` in the last two.
fn valid_domain(b: &[u8]) -> Option<usize> {
    let n = b
        .iter()
        .take_while(|&&c| {
            c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.' || c >= 0x80
        })
        .count();
    // A trailing period ends a sentence, not the domain.
    let d = &b[..n];
    let d = match d.iter().rposition(|&c| c != b'.') {
        Some(p) => &d[..=p],
        None => return None,
    };
    let labels: Vec<&[u8]> = d.split(|&c| c == b'.').collect();
    if labels.iter().any(|l| l.is_empty()) {
        return None;
    }
    if labels.iter().rev().take(2).any(|l| l.contains(&b'_')) {
        return None;
    }
    Some(d.len())
}

/// The link's length once GFM's trailing punctuation is dropped: `?!.,:*_~`
/// and quotes, a `)` without its `(`, an entity-like `&x;`. Never shorter
/// than `min` (scheme and domain).
fn trim_trailing(link: &str, min: usize) -> usize {
    let b = link.as_bytes();
    let mut end = b.len();
    let open = b.iter().filter(|&&c| c == b'(').count();
    let mut close = b.iter().filter(|&&c| c == b')').count();
    while end > min {
        match b[end - 1] {
            b'?' | b'!' | b'.' | b',' | b':' | b'*' | b'_' | b'~' | b'\'' | b'"' => end -= 1,
            b')' if close > open => {
                end -= 1;
                close -= 1;
            }
            b';' => {
                let amp = b[..end - 1]
                    .iter()
                    .rposition(|&c| !c.is_ascii_alphanumeric());
                match amp {
                    Some(a) if b[a] == b'&' && a + 1 < end - 1 && a >= min => end = a,
                    _ => break,
                }
            }
            _ => break,
        }
    }
    end
}

/// An e-mail address around the `@` at `at`: `[A-Za-z0-9.+_-]+@domain`,
/// the local part not reaching back before `floor`.
fn email_at(b: &[u8], at: usize, floor: usize) -> Option<(usize, usize)> {
    let local = |c: u8| c.is_ascii_alphanumeric() || b".+-_".contains(&c);
    let mut start = at;
    while start > floor && local(b[start - 1]) {
        start -= 1;
    }
    if start == at {
        return None;
    }
    let d = &b[at + 1..];
    let n = d
        .iter()
        .take_while(|&&c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.')
        .count();
    let mut dom = &d[..n];
    while let Some((&last, rest)) = dom.split_last() {
        if last == b'.' {
            dom = rest;
        } else {
            break;
        }
    }
    if !dom.contains(&b'.') || dom.split(|&c| c == b'.').any(|l| l.is_empty()) {
        return None;
    }
    if matches!(dom.last(), Some(b'-' | b'_')) {
        return None;
    }
    Some((start, at + 1 + dom.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(s: &str) -> Vec<(&str, String)> {
        find_links(s)
            .into_iter()
            .map(|(a, b, h)| (&s[a..b], h))
            .collect()
    }

    #[test]
    fn gfm_autolinks_and_trailing_punctuation() {
        assert_eq!(
            links(
                "See https://a.example/x. Or www.b.example/y, (https://c.example/p_(q)) and ops@d.example."
            ),
            [
                ("https://a.example/x", "https://a.example/x".to_string()),
                ("www.b.example/y", "https://www.b.example/y".to_string()),
                (
                    "https://c.example/p_(q)",
                    "https://c.example/p_(q)".to_string()
                ),
                ("ops@d.example", "mailto:ops@d.example".to_string()),
            ]
        );
        assert!(links("xhttps://a.example www. nobody@host").is_empty());
        assert_eq!(
            links("https://a.example/x&amp;")[0].0,
            "https://a.example/x"
        );
    }

    #[test]
    fn text_after_a_whole_raw_link_is_outside_it() {
        assert!(!inside_a_after(
            false,
            "<a class=\"anchor\" href=\"#x\">#</a></h2>\n"
        ));
        assert!(inside_a_after(false, "<A HREF=\"x\">"));
        assert!(inside_a_after(false, "<a>"));
        assert!(!inside_a_after(true, "</a >"));
        assert!(inside_a_after(true, "<abbr title=\"x\">"));
        assert!(!inside_a_after(false, "<abbr>x</abbr><aside>"));
        assert!(!inside_a_after(
            false,
            "<a href=\"x\"></a><a\nhref=\"y\">y</a>"
        ));
        // Linkify and emoji go on after a heading's anchor.
        let events = vec![
            Event::Html("<h2 id=\"x\">".into()),
            Event::Text("X".into()),
            Event::Html("<a class=\"anchor\" href=\"#x\">#</a></h2>\n".into()),
            Event::Text("see https://e.example/a :tada:".into()),
        ];
        let opts = Opts {
            linkify: true,
            emoji: true,
            smart: false,
        };
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, apply(events, opts).into_iter());
        assert!(html.contains("<a href=\"https://e.example/a\">"), "{html}");
        assert!(html.contains('🎉'), "{html}");
    }

    #[test]
    fn emoji_shortcodes() {
        assert_eq!(
            emojify("ok :white_check_mark: :foo: a :+1:").as_deref(),
            Some("ok ✅ :foo: a 👍")
        );
        assert_eq!(emojify("10:30 :nope:"), None);
    }

    #[test]
    fn linear_on_hostile_text() {
        let s = "a@".repeat(50_000) + &")".repeat(50_000) + &":x".repeat(50_000);
        find_links(&s);
        emojify(&s);
    }
}
