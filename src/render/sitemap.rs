//! `sitemap.xml`: every listed output of the plan, sorted, no timestamps (the
//! same input gives the same bytes).

use std::fmt::Write as _;

use super::xml::escape as escape_xml;
use crate::config::Config;

/// `urls` are paths relative to the base path, from `Plan::listed`.
pub fn render(urls: &[&str], config: &Config) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    let origin = escape_xml(config.origin_and_path());
    for url in urls {
        let _ = writeln!(out, "  <url><loc>{origin}/{}</loc></url>", escape_xml(url));
    }
    out.push_str("</urlset>\n");
    out
}
