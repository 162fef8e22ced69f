//! `sitemap.xml`: every published page, sorted, no timestamps (the same
//! input gives the same bytes).

use std::fmt::Write as _;

use crate::config::Config;
use crate::content::Content;
use crate::markdown::escape_html;

/// `extra` holds URL paths (relative to the base path) of pages that later
/// stages publish (post-mortems, services).
pub fn render(content: &Content, config: &Config, extra: &[String]) -> String {
    let mut urls: Vec<&str> = content.pages.iter().map(|p| p.url.as_str()).collect();
    urls.extend(extra.iter().map(String::as_str));
    urls.sort_unstable();
    urls.dedup();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in urls {
        let _ = writeln!(
            out,
            "  <url><loc>{}/{}</loc></url>",
            escape_html(config.origin_and_path()),
            escape_html(url)
        );
    }
    out.push_str("</urlset>\n");
    out
}
