//! Placeholders: how HTML that markdown must not touch (`{{< >}}` output,
//! the in-text TOC) and section boundaries travel through pulldown-cmark.
//!
//! A placeholder is `OPEN key CLOSE` with two private-use characters chosen
//! per page so that neither occurs in the page's text: nothing a user writes
//! can be read as a placeholder, and none can leak into the page.

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt::{Display, Write as _};

/// What a placeholder stands for.
pub enum Key {
    /// The HTML of the `n`th `{{< >}}` call.
    Shortcode(usize),
    /// The in-text table of contents (kramdown `{:toc}`).
    Toc,
    /// Where a top-level `<h2>` starts, and where the text after it starts:
    /// recorded as positions, replaced by nothing.
    SectionHeading,
    SectionBody,
}

impl Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Shortcode(n) => write!(f, "{n}"),
            Key::Toc => f.write_str("toc"),
            Key::SectionHeading => f.write_str("h"),
            Key::SectionBody => f.write_str("b"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Markers {
    pub open: char,
    pub close: char,
}

impl Default for Markers {
    fn default() -> Self {
        Markers {
            open: '\u{E000}',
            close: '\u{E001}',
        }
    }
}

/// The private-use areas of Unicode, in the order markers are taken.
const PRIVATE_USE: [(char, char); 3] = [
    ('\u{E000}', '\u{F8FF}'),
    ('\u{F0000}', '\u{FFFFD}'),
    ('\u{100000}', '\u{10FFFD}'),
];

impl Markers {
    /// Two private-use characters that do not occur in `text`; `None` only
    /// if the text uses all 137,468 of them.
    pub fn for_text(text: &str) -> Option<Markers> {
        let d = Markers::default();
        // Every page is checked: a SIMD search for each marker's bytes
        // instead of decoding every character.
        let has = |c: char| {
            let mut buf = [0; 4];
            memchr::memmem::find(text.as_bytes(), c.encode_utf8(&mut buf).as_bytes()).is_some()
        };
        if !has(d.open) && !has(d.close) {
            return Some(d);
        }
        let used: HashSet<char> = text
            .chars()
            .filter(|&c| PRIVATE_USE.iter().any(|&(a, b)| (a..=b).contains(&c)))
            .collect();
        let mut free = PRIVATE_USE
            .iter()
            .flat_map(|&(a, b)| a..=b)
            .filter(|c| !used.contains(c));
        Some(Markers {
            open: free.next()?,
            close: free.next()?,
        })
    }

    pub fn push(&self, out: &mut String, key: Key) {
        let _ = write!(out, "{}{key}{}", self.open, self.close);
    }

    pub fn wrap(&self, key: Key) -> String {
        let mut s = String::new();
        self.push(&mut s, key);
        s
    }

    /// `text` without its placeholders (heading text for ids and the TOC).
    pub fn strip<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !text.contains(self.open) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(i) = rest.find(self.open) {
            out.push_str(&rest[..i]);
            rest = &rest[i..];
            match rest.find(self.close) {
                Some(j) => rest = &rest[j + self.close.len_utf8()..],
                None => break,
            }
        }
        out.push_str(rest);
        Cow::Owned(out)
    }

    /// Swaps the placeholders of rendered `html` for shortcode HTML and the
    /// TOC (`toc` makes it, at most once). A placeholder alone in a
    /// paragraph replaces the whole paragraph (block HTML must not sit inside
    /// `<p>`); one inside a tag (an image's alt text, say) is dropped, as
    /// HTML there would break the tag. Returns the HTML and the positions of
    /// the section marks in it, in order.
    pub fn fill(
        &self,
        html: &str,
        shortcodes: &[String],
        toc: impl Fn() -> String,
    ) -> (String, Vec<usize>) {
        let mut out =
            String::with_capacity(html.len() + shortcodes.iter().map(String::len).sum::<usize>());
        let mut marks = Vec::new();
        let mut toc_html: Option<String> = None;
        let mut in_tag = false;
        let mut rest = html;
        while let Some(i) = rest.find(self.open) {
            let after = &rest[i + self.open.len_utf8()..];
            let Some(j) = after.find(self.close) else {
                break;
            };
            let (head, key) = (&rest[..i], &after[..j]);
            let tail = &after[j + self.close.len_utf8()..];
            // Only tags hold raw `<` and `>`: text has them escaped.
            if let Some(k) = head.rfind(['<', '>']) {
                in_tag = head.as_bytes()[k] == b'<';
            }
            let replacement: &str = match key {
                "h" | "b" => {
                    out.push_str(head);
                    marks.push(out.len());
                    rest = tail;
                    continue;
                }
                _ if in_tag => "",
                "toc" => toc_html.get_or_insert_with(&toc),
                n => n
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| shortcodes.get(n))
                    .map_or("", String::as_str),
            };
            if head.ends_with("<p>") && tail.starts_with("</p>") {
                out.push_str(&head[..head.len() - 3]);
                out.push_str(replacement);
                rest = &tail[4..];
            } else {
                out.push_str(head);
                out.push_str(replacement);
                rest = tail;
            }
        }
        out.push_str(rest);
        (out, marks)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_avoid_characters_of_the_text() {
        assert_eq!(Markers::for_text("plain"), Some(Markers::default()));
        let m = Markers::for_text("a \u{E000}0\u{E001} \u{E002}").unwrap();
        assert_eq!((m.open, m.close), ('\u{E003}', '\u{E004}'));
    }

    #[test]
    fn fill_replaces_paragraphs_drops_in_tags_and_records_marks() {
        let m = Markers::default();
        let ph = |k| m.wrap(k);
        let html = format!(
            "<p>{}</p>\n<p>a {} b</p><img alt=\"{}\">{}<h2>T</h2>{}<p>x</p>",
            ph(Key::Shortcode(0)),
            ph(Key::Toc),
            ph(Key::Shortcode(0)),
            ph(Key::SectionHeading),
            ph(Key::SectionBody),
        );
        let (out, marks) = m.fill(&html, &["<div>V</div>".into()], || "<nav/>".into());
        assert_eq!(
            out,
            "<div>V</div>\n<p>a <nav/> b</p><img alt=\"\"><h2>T</h2><p>x</p>"
        );
        assert_eq!(&out[marks[0]..marks[1]], "<h2>T</h2>");
        assert_eq!(m.strip(&format!("a{}b", ph(Key::Shortcode(3)))), "ab");
    }
}
