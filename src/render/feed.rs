//! The Atom feed of public post-mortems (`/incidents/atom.xml`), newest
//! first, at most 50 entries. Every entry says whether its review is
//! written: `<category term="postmortem">` or `term="review-pending"`.
//! Every text goes through `xml::escape`, so upstream control characters
//! cannot make the feed invalid.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::xml::escape;
use crate::config::Config;
use crate::data::Incident;
use crate::markdown::untrusted;
use crate::publish::PublicSite;
use crate::urls;

pub fn atom(public: &PublicSite<'_>, config: &Config) -> String {
    let origin = config.origin_and_path();
    // Atom ids must be absolute IRIs: without a host in base_url, use
    // stable URNs instead of relative URLs.
    let id_of = |path: &str| {
        if origin.contains("://") {
            format!("{origin}/{path}")
        } else {
            format!(
                "urn:opsbook:{}",
                path.trim_end_matches('/').replace('/', ":")
            )
        }
    };
    let entries: Vec<(&Incident, bool)> = public
        .latest(50)
        .map(|p| (p.incident(), p.narrative.is_some()))
        .collect();
    let incidents: Vec<&Incident> = entries.iter().map(|(i, _)| *i).collect();
    let updated = |i: &Incident| -> DateTime<Utc> {
        i.resolved_at.or(i.mitigated_at).unwrap_or(i.started_at)
    };
    let feed_updated = incidents.iter().map(|i| updated(i)).max();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
    );
    let origin_x = escape(origin);
    let _ = writeln!(
        out,
        "  <title>{} – post-mortems</title>",
        escape(&config.title)
    );
    let _ = writeln!(out, "  <id>{}</id>", escape(&id_of(urls::INCIDENTS)));
    let _ = writeln!(
        out,
        "  <link rel=\"self\" href=\"{origin_x}/{}\"/>",
        urls::FEED
    );
    let _ = writeln!(out, "  <link href=\"{origin_x}/{}\"/>", urls::INCIDENTS);
    let _ = writeln!(
        out,
        "  <updated>{}</updated>",
        feed_updated.unwrap_or(DateTime::UNIX_EPOCH).to_rfc3339()
    );
    for (i, written) in entries {
        let (term, label) = if written {
            ("postmortem", "Post-mortem")
        } else {
            ("review-pending", "Review pending")
        };
        let summary = i
            .summary
            .as_deref()
            .map(untrusted::block)
            .unwrap_or_default();
        let url = urls::incident(&i.id);
        let _ = write!(
            out,
            "  <entry>\n    <title>S{} {}</title>\n    <id>{}</id>\n    <category term=\"{term}\" label=\"{label}\"/>\n    <link href=\"{origin_x}/{url}\"/>\n    <published>{}</published>\n    <updated>{}</updated>\n    <author><name>{}</name></author>\n    <summary type=\"html\">{}</summary>\n  </entry>\n",
            i.severity.number(),
            escape(&i.title),
            escape(&id_of(&url)),
            i.started_at.to_rfc3339(),
            updated(i).to_rfc3339(),
            escape(&config.title),
            escape(&summary),
        );
    }
    out.push_str("</feed>\n");
    out
}
