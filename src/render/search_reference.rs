//! The search tokenizer and page reader as they were before they were made
//! one pass (test only): the new ones must give the same terms, weights,
//! titles and excerpts.

use std::collections::HashMap;

// `cut` (the excerpt's end) and `fold` did not change: shared, not copied.
use super::{BODY_WEIGHT, EXCERPT_CHARS, HEADING_WEIGHT, MAX_TERM, TITLE_WEIGHT, cut, fold};

/// The old `Doc::new`: (title, excerpt, terms with their summed weights, sorted).
pub fn doc(html: &str) -> (String, String, Vec<(String, u32)>) {
    let text = extract(html);
    let mut merged: HashMap<String, u32> = HashMap::new();
    for (part, w) in [
        (&text.title, TITLE_WEIGHT),
        (&text.headings, HEADING_WEIGHT),
        (&text.body, BODY_WEIGHT),
    ] {
        each_term(part, |t| *merged.entry(t.to_string()).or_default() += w);
    }
    let mut terms: Vec<(String, u32)> = merged.into_iter().collect();
    terms.sort_unstable();
    (text.title, text.excerpt, terms)
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
