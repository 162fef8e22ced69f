//! Kramdown leftovers in old handbook pages, rewritten before markdown sees
//! them:
//! - `- TOC` followed by `{:toc}` becomes the in-text table of contents;
//! - `{:.no_toc}` (or `{: #id .class}`) under a heading becomes a heading
//!   attribute, so the heading keeps its id and leaves the TOC;
//! - any other `{: ...}` / `{::...}` attribute line is dropped.
//!
//! Fenced code is left alone.

use std::borrow::Cow;

use super::srcmap::SourceMap;

/// One line of the output, with the offset of the source line it comes
/// from (`exact`: copied, so offsets inside it map one to one).
struct Line<'a> {
    text: Cow<'a, str>,
    src: usize,
    exact: bool,
}

/// Rewrites `text`; `toc` is the placeholder of the in-text TOC. The map
/// leads offsets of the result back to `text`.
pub fn rewrite<'a>(text: &'a str, toc: &str) -> (Cow<'a, str>, SourceMap) {
    if !text.contains("{:") {
        return (Cow::Borrowed(text), SourceMap::default());
    }
    let mut out: Vec<Line<'a>> = Vec::new();
    let mut fence: Option<String> = None;
    let mut src = 0;
    for line in text.split('\n') {
        let at = src;
        src += line.len() + 1;
        let copied = Line {
            text: Cow::Borrowed(line),
            src: at,
            exact: true,
        };
        let trimmed = line.trim_start();
        if let Some(f) = &fence {
            if trimmed.starts_with(f.as_str())
                && trimmed
                    .trim_start_matches(f.chars().next().unwrap())
                    .trim()
                    .is_empty()
            {
                fence = None;
            }
            out.push(copied);
            continue;
        }
        if let Some(f) = fence_marker(trimmed) {
            fence = Some(f);
            out.push(copied);
            continue;
        }
        let Some(ial) = attribute_line(trimmed) else {
            out.push(copied);
            continue;
        };
        let made = |s: &str| Line {
            text: Cow::Owned(s.to_string()),
            src: at,
            exact: false,
        };
        if ial == "toc" {
            // Drop the `- TOC` list item kramdown replaces.
            if out.last().is_some_and(|l| is_toc_item(&l.text)) {
                out.pop();
            }
            out.extend([made(""), made(toc), made("")]);
            continue;
        }
        let prev_is_heading = out.last().is_some_and(|l| {
            let t = l.text.trim_start();
            t.starts_with('#') && t.trim_start_matches('#').starts_with(' ')
        });
        if prev_is_heading && !ial.starts_with(':') {
            let attrs = ial_to_heading_attrs(ial);
            if !attrs.is_empty() {
                let last = out.last_mut().expect("checked").text.to_mut();
                last.push_str(" {");
                last.push_str(&attrs);
                last.push('}');
            }
        }
        // Any other attribute line is kramdown-only: drop it.
    }
    let mut joined = String::with_capacity(text.len() + toc.len());
    let mut map = SourceMap::default();
    for (i, line) in out.iter().enumerate() {
        if i > 0 {
            joined.push('\n');
        }
        if line.exact {
            map.copied(joined.len(), line.src, false);
        } else {
            map.generated(joined.len(), line.src, false);
        }
        joined.push_str(&line.text);
    }
    (Cow::Owned(joined), map)
}

pub(super) fn fence_marker(trimmed: &str) -> Option<String> {
    for ch in ['`', '~'] {
        let n = trimmed.chars().take_while(|&c| c == ch).count();
        if n >= 3 {
            return Some(std::iter::repeat_n(ch, n).collect());
        }
    }
    None
}

/// `{:toc}` → `toc`, `{: .no_toc}` → `.no_toc`, `{::options x}` → `:options x`.
fn attribute_line(trimmed: &str) -> Option<&str> {
    let t = trimmed.trim_end();
    let inner = t.strip_prefix("{:")?.strip_suffix('}')?;
    Some(inner.trim())
}

fn is_toc_item(line: &str) -> bool {
    let t = line.trim();
    let item = t
        .strip_prefix("- ")
        .or_else(|| t.strip_prefix("* "))
        .or_else(|| t.strip_prefix("+ "))
        .or_else(|| t.strip_prefix("1. "));
    item.is_some_and(|i| i.trim().eq_ignore_ascii_case("toc"))
}

/// Keeps `#id` and `.class` parts of a kramdown attribute list.
fn ial_to_heading_attrs(ial: &str) -> String {
    ial.split_whitespace()
        .flat_map(|part| {
            // `.a.b` is two classes in kramdown.
            if let Some(classes) = part.strip_prefix('.') {
                classes
                    .split('.')
                    .filter(|c| !c.is_empty())
                    .map(|c| format!(".{c}"))
                    .collect::<Vec<_>>()
            } else if part.starts_with('#') && part.len() > 1 {
                vec![part.to_string()]
            } else {
                Vec::new()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toc_and_no_toc() {
        let src = "## On this page\n{:.no_toc}\n\n- TOC\n{:toc}\n\n## A\n";
        let (out, map) = rewrite(src, "<TOC>");
        assert_eq!(out, "## On this page {.no_toc}\n\n\n<TOC>\n\n\n## A\n");
        // `## A` is at 42 in the source.
        assert_eq!(map.lookup(out.find("## A").unwrap()), (42, false));
        assert_eq!(&src[42..], "## A\n");
    }

    #[test]
    fn other_attribute_lines_are_dropped_but_not_in_code() {
        let src = "Para\n{: .alert .alert-info}\n```\n{: keep}\n```\n";
        assert_eq!(rewrite(src, "").0, "Para\n```\n{: keep}\n```\n");
    }
}
