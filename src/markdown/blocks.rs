//! Block syntax goldmark (Hugo) accepts and pulldown-cmark does not, made
//! ready before markdown parsing, line by line (fenced code left alone):
//! - a block attribute line (`{.class #id key="v"}`) right under a
//!   paragraph, heading, list, table or quote is blanked (same length, so
//!   offsets hold) and its attributes are kept, sanitised, for that block;
//! - a table header with fewer cells than its separator row gets empty
//!   cells (goldmark pads it; GFM would make it a paragraph).

use std::borrow::Cow;

use super::escape_html_into;
use super::kramdown::fence_marker;
use super::srcmap::SourceMap;

/// The attributes of one block attribute line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attrs {
    /// Offset in the prepared text of the (blanked) attribute line.
    pub pos: usize,
    pub id: Option<String>,
    pub classes: Vec<String>,
    pub others: Vec<(String, String)>,
}

impl Attrs {
    /// The attributes as HTML (` class="a" k="v"`), without `id` when
    /// `with_id` is false (headings place their own).
    pub fn html(&self, with_id: bool) -> String {
        let mut s = String::new();
        let mut push = |k: &str, v: &str| {
            s.push(' ');
            s.push_str(k);
            s.push_str("=\"");
            escape_html_into(&mut s, v);
            s.push('"');
        };
        if let Some(id) = self.id.as_deref().filter(|_| with_id) {
            push("id", id);
        }
        if !self.classes.is_empty() {
            push("class", &self.classes.join(" "));
        }
        for (k, v) in &self.others {
            push(k, v);
        }
        s
    }
}

/// Prepares `text`: the result, the attribute lines found (in order) and
/// the map of the result's offsets back to `text`.
pub fn prepare(text: &str) -> (Cow<'_, str>, Vec<Attrs>, SourceMap) {
    // Fast path: neither a `{` line nor a separator row can be there.
    if !text.contains('{') && !text.contains("-|") && !text.contains("|-") && !text.contains("|:") {
        return (Cow::Borrowed(text), Vec::new(), SourceMap::default());
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut attrs = Vec::new();
    let mut map = SourceMap::default();
    let mut fence: Option<String> = None;
    let mut prev: Option<(usize, &str)> = None; // previous line: (start in out, text)
    let mut src = 0;
    let mut changed = false;
    for line in text.split('\n') {
        let at = src;
        src += line.len() + 1;
        let trimmed = line.trim_start();
        if let Some(f) = &fence {
            if trimmed.starts_with(f.as_str())
                && trimmed
                    .trim_start_matches(f.chars().next().unwrap_or('`'))
                    .trim()
                    .is_empty()
            {
                fence = None;
            }
        } else if let Some(f) = fence_marker(trimmed) {
            fence = Some(f);
        } else if let Some((prev_start, prev_text)) = prev.filter(|(_, p)| !p.trim().is_empty()) {
            if line.starts_with('{')
                && let Some(mut a) = parse_attrs(line.trim_end())
            {
                a.pos = out.len();
                attrs.push(a);
                out.extend(std::iter::repeat_n(' ', line.len()));
                out.push('\n');
                changed = true;
                prev = Some((at, ""));
                continue;
            }
            if let Some(cols) = separator_cells(line)
                && prev_text.contains('|')
            {
                let have = header_cells(prev_text);
                if have < cols && have > 0 {
                    // Pad the header, which is the last line written.
                    let end = prev_start + prev_text.len();
                    debug_assert_eq!(out.len(), end + 1);
                    out.pop();
                    if !prev_text.trim_end().ends_with('|') {
                        out.push_str(" |");
                    }
                    for _ in have..cols {
                        out.push_str("  |");
                    }
                    map.generated(end, at.saturating_sub(1), false);
                    out.push('\n');
                    map.copied(out.len(), at, false);
                    changed = true;
                }
            }
        }
        if out.is_empty() && at == 0 {
            map.copied(0, 0, false);
        }
        prev = Some((out.len(), line));
        out.push_str(line);
        out.push('\n');
    }
    if !changed {
        return (Cow::Borrowed(text), Vec::new(), SourceMap::default());
    }
    // `split` saw one more line than there are newlines.
    out.pop();
    (Cow::Owned(out), attrs, map)
}

/// The cell count of a GFM table separator row (`| --- | :-: |`), or
/// `None` if `line` is not one.
fn separator_cells(line: &str) -> Option<usize> {
    let t = line.trim();
    if !t.contains('|') || !t.contains('-') {
        return None;
    }
    let inner = t.strip_prefix('|').unwrap_or(t);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut n = 0;
    for cell in inner.split('|') {
        let c = cell.trim();
        let c = c.strip_prefix(':').unwrap_or(c);
        let c = c.strip_suffix(':').unwrap_or(c);
        if c.is_empty() || !c.bytes().all(|b| b == b'-') {
            return None;
        }
        n += 1;
    }
    Some(n)
}

/// Cells of a header row: pipes not escaped by `\`, outer ones not counted.
fn header_cells(line: &str) -> usize {
    let t = line.trim();
    let b = t.as_bytes();
    let pipes = (0..b.len())
        .filter(|&i| b[i] == b'|' && (i == 0 || b[i - 1] != b'\\'))
        .count();
    let lead = usize::from(t.starts_with('|'));
    let trail = usize::from(t.len() > 1 && t.ends_with('|') && !t.ends_with("\\|"));
    (pipes + 1).saturating_sub(lead + trail)
}

/// `{.a .b #x key="v w" k2=v}` → its attributes; `None` if the line is
/// anything else. `on*` attributes and `javascript:` values are dropped.
pub fn parse_attrs(line: &str) -> Option<Attrs> {
    let inner = line.strip_prefix('{')?.strip_suffix('}')?;
    if inner.starts_with([':', '{', '%', '<']) {
        return None;
    }
    let mut a = Attrs::default();
    let mut rest = inner.trim_start();
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let name_len = |s: &str| {
            s.find(|c: char| c.is_whitespace() || c == '=')
                .unwrap_or(s.len())
        };
        if let Some(r) = rest.strip_prefix('.') {
            let n = r.find(char::is_whitespace).unwrap_or(r.len());
            let class = &r[..n];
            if class.is_empty() || !class.chars().all(is_name_char) {
                return None;
            }
            a.classes.push(class.to_string());
            rest = &r[n..];
        } else if let Some(r) = rest.strip_prefix('#') {
            let n = r.find(char::is_whitespace).unwrap_or(r.len());
            let id = &r[..n];
            if id.is_empty() || !id.chars().all(is_name_char) {
                return None;
            }
            a.id = Some(id.to_string());
            rest = &r[n..];
        } else {
            let n = name_len(rest);
            let key = &rest[..n];
            let mut chars = key.chars();
            let first_ok = chars
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == ':');
            if !first_ok || !chars.all(|c| c.is_ascii_alphanumeric() || "_:.-".contains(c)) {
                return None;
            }
            let r = rest[n..].trim_start().strip_prefix('=')?.trim_start();
            let (value, after) = match r.chars().next() {
                Some(q @ ('"' | '\'')) => {
                    let end = r[1..].find(q)? + 1;
                    (&r[1..end], &r[end + 1..])
                }
                _ => {
                    let end = r.find(char::is_whitespace).unwrap_or(r.len());
                    (&r[..end], &r[end..])
                }
            };
            if value.contains(['\n']) {
                return None;
            }
            let k = key.to_ascii_lowercase();
            let unsafe_value = {
                let v: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_ascii_lowercase();
                v.starts_with("javascript:") || v.starts_with("vbscript:")
            };
            // Sanitised: no event handlers, no script URLs.
            if !k.starts_with("on") && !unsafe_value {
                match k.as_str() {
                    "id" => a.id = Some(value.to_string()),
                    "class" => a
                        .classes
                        .extend(value.split_whitespace().map(str::to_string)),
                    _ => a.others.push((key.to_string(), value.to_string())),
                }
            }
            rest = after;
        }
        let trimmed = rest.trim_start();
        if trimmed.len() == rest.len() && !rest.is_empty() {
            return None;
        }
        rest = trimmed;
    }
    Some(a)
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-' || c == '_' || c == ':'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_lines_are_parsed_and_sanitised() {
        let a =
            parse_attrs("{.a .b #x key=\"v w\" onclick=\"x()\" href='javascript:alert(1)' k=v}")
                .unwrap();
        assert_eq!(a.id.as_deref(), Some("x"));
        assert_eq!(a.classes, ["a", "b"]);
        assert_eq!(
            a.others,
            [
                ("key".to_string(), "v w".to_string()),
                ("k".into(), "v".into())
            ]
        );
        assert_eq!(a.html(true), " id=\"x\" class=\"a b\" key=\"v w\" k=\"v\"");
        for not in ["{}", "{\"a\": 1}", "{:toc}", "{x}", "{.a}b}", "{ .a .}"] {
            assert_eq!(parse_attrs(not), None, "{not}");
        }
    }

    #[test]
    fn attribute_lines_blanked_and_headers_padded() {
        let src = "Para\n{.note}\n\n| a |\n|---|---|\n| 1 | 2 |\n```\n{.keep}\n```\n";
        let (out, attrs, map) = prepare(src);
        assert_eq!(
            out,
            "Para\n       \n\n| a |  |\n|---|---|\n| 1 | 2 |\n```\n{.keep}\n```\n"
        );
        assert_eq!(attrs.len(), 1);
        assert_eq!(attrs[0].pos, 5);
        // `| 1 |` keeps its place in the source.
        let row = out.find("| 1").unwrap();
        assert_eq!(map.lookup(row).0, src.find("| 1").unwrap());
        assert_eq!(map.lookup(2).0, 2);
        let plain = "no attributes here\n";
        assert!(matches!(prepare(plain).0, Cow::Borrowed(_)));
    }
}
