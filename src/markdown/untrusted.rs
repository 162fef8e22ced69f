//! Markdown from upstream issue trackers (incident titles, summaries,
//! timelines, corrective actions): untrusted, so the HTML it produces is
//! sanitised with ammonia, and link targets are limited to safe schemes.
//!
//! Raw HTML can only enter markdown through a `<`; text without one goes
//! through pulldown-cmark alone (which escapes text), so the common case
//! skips the HTML parser. Anything with a `<` is cleaned by ammonia.

use pulldown_cmark::{CowStr, Options, Parser};

/// Renders block markdown (summaries) to safe HTML.
pub fn block(md: &str) -> String {
    render(md, false)
}

/// Renders one line of markdown (timeline entries, action titles) to safe
/// inline HTML: a single paragraph loses its `<p>`.
pub fn inline(md: &str) -> String {
    render(md, true)
}

fn render(md: &str, inline: bool) -> String {
    let parser = Parser::new_ext(
        md,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS,
    )
    .map(|e| super::map_destination(e, safe_url));
    let mut html = String::with_capacity(md.len() + 16);
    pulldown_cmark::html::push_html(&mut html, parser);
    if md.contains('<') {
        html = ammonia::Builder::default()
            .link_rel(Some("noopener noreferrer nofollow"))
            .clean(&html)
            .to_string();
    }
    if inline {
        let t = html.trim_end();
        if let Some(inner) = t.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>"))
            && !inner.contains("<p>")
        {
            return inner.to_string();
        }
    }
    html
}

/// Keeps http(s), mailto and scheme-less (relative) URLs; anything else
/// (`javascript:`, `data:`, `vbscript:`) becomes `#`.
pub fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    if is_safe_url(&url) { url } else { "#".into() }
}

/// The one URL rule lives in `urls`.
pub use crate::urls::is_safe_link as is_safe_url;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_and_handlers_are_inert() {
        let out = block("Hello <script>alert(1)</script> <img src=x onerror=alert(2)> **b**");
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("onerror"), "{out}");
        assert!(out.contains("<strong>b</strong>"));
    }

    #[test]
    fn dangerous_link_schemes_are_dropped() {
        let out =
            inline("[x](javascript:alert(1)) [y]( JaVaScRiPt:alert(1)) [z](https://ok.example/a)");
        assert!(!out.to_lowercase().contains("javascript"), "{out}");
        assert!(out.contains("href=\"https://ok.example/a\""));
    }

    #[test]
    fn inline_drops_paragraph() {
        assert_eq!(
            inline("Error ratio on `web` > SLO"),
            "Error ratio on <code>web</code> &gt; SLO"
        );
    }
}
