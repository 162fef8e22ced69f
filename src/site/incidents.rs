//! Incident pages: the public post-mortems (`/incidents/<id>/`), the
//! incident index (`/incidents/`), service pages (`/services/<id>/`) and the
//! Atom feed of post-mortems.
//!
//! Confidential incidents never reach this module's output: every view is
//! built from `Dataset::public_incidents`, and confidential ones appear only
//! as numbers. Upstream text is rendered by `markdown::untrusted`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tera::Context;

use crate::analyse::{self, IncidentTimes};
use crate::config::Config;
use crate::data::{ActionStatus, Dataset, Id, Incident, Service, Severity};
use crate::markdown::{Section, escape_html, untrusted};

/// A post-mortem narrative rendered from `content/postmortems/<id>.md`.
pub struct Narrative {
    pub title: String,
    /// The rendered text cut at its top-level `## ` headings.
    pub sections: Vec<Section>,
}

#[derive(Serialize, Clone)]
pub struct ServiceRef {
    id: String,
    name: String,
    url: String,
}

#[derive(Serialize)]
struct TimelineView {
    at: String,
    at_iso: String,
    text: String,
}

#[derive(Serialize)]
struct ActionView {
    title: String,
    /// The title holds a link of its own: the issue link goes beside it.
    title_has_link: bool,
    url: Option<String>,
    status: &'static str,
    due: Option<String>,
    overdue: bool,
    owner: Option<String>,
}

/// One part of a post-mortem page, in the order of a blameless review.
#[derive(Serialize)]
struct SectionView {
    id: &'static str,
    title: String,
    /// Which structured part the template adds: "summary", "impact",
    /// "detection", "timeline", "root_cause", "actions" or "" (text only).
    kind: &'static str,
    /// The narrative's text for this section (trusted repository content).
    html: String,
}

/// What every list of incidents shows.
#[derive(Serialize)]
pub struct IncidentSummary {
    id: String,
    url: String,
    title: String,
    severity: u8,
    status: &'static str,
    impact: &'static str,
    date: String,
    started_iso: String,
    duration: Option<String>,
    root_cause: Option<String>,
    services: Vec<ServiceRef>,
    has_postmortem: bool,
}

#[derive(Serialize)]
struct IncidentView {
    #[serde(flatten)]
    summary: IncidentSummary,
    severity_text: &'static str,
    started: String,
    detected: Option<String>,
    mitigated: Option<String>,
    resolved: Option<String>,
    time_to_detect: Option<String>,
    time_to_mitigate: Option<String>,
    source_url: Option<String>,
    labels: Vec<String>,
    summary_html: String,
    timeline: Vec<TimelineView>,
    actions: Vec<ActionView>,
    overdue_actions: usize,
    sections: Vec<SectionView>,
}

pub struct Pages<'a> {
    pub data: &'a Dataset,
    pub config: &'a Config,
    pub narratives: &'a BTreeMap<Id, Narrative>,
    /// "Now" for overdue marks: derived from the data, so that output
    /// depends only on the inputs (see `as_of`).
    pub as_of: NaiveDate,
}

/// The reference date for "overdue": `SOURCE_DATE_EPOCH` when set (the
/// reproducible-builds convention), else the latest time in the data.
pub fn as_of(data: &Dataset) -> NaiveDate {
    if let Some(t) = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|s| DateTime::<Utc>::from_timestamp(s, 0))
    {
        return t.date_naive();
    }
    data.incidents
        .iter()
        .flat_map(|i| {
            [
                Some(i.started_at),
                i.detected_at,
                i.mitigated_at,
                i.resolved_at,
            ]
        })
        .chain(data.maintenance.iter().map(|m| Some(m.end)))
        .flatten()
        .max()
        .map_or(NaiveDate::MIN, |t| t.date_naive())
}

pub fn incident_url(base: &str, id: &Id) -> String {
    format!("{base}incidents/{id}/")
}

pub fn service_url(base: &str, id: &Id) -> String {
    format!("{base}services/{id}/")
}

/// Only http(s) links from upstream are published.
fn safe_link(url: &Option<String>) -> Option<String> {
    url.as_deref()
        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
        .map(str::to_string)
}

impl<'a> Pages<'a> {
    fn base(&self) -> &str {
        self.config.base_path()
    }

    fn service_ref(&self, id: &Id) -> ServiceRef {
        ServiceRef {
            id: id.to_string(),
            name: self
                .data
                .service(id)
                .map_or_else(|| id.to_string(), |s| s.name.clone()),
            url: service_url(self.base(), id),
        }
    }

    pub fn summary(&self, i: &Incident) -> IncidentSummary {
        debug_assert!(
            !i.confidential,
            "confidential incidents are never summarised"
        );
        let times = analyse::incident_times(i);
        IncidentSummary {
            id: i.id.to_string(),
            url: incident_url(self.base(), &i.id),
            title: i.title.clone(),
            severity: i.severity.number(),
            status: i.status.as_str(),
            impact: i.impact.as_str(),
            date: i.started_at.format("%Y-%m-%d").to_string(),
            started_iso: i.started_at.to_rfc3339(),
            duration: times.impact.map(analyse::human_duration),
            root_cause: i.root_cause.clone(),
            services: i.services.iter().map(|s| self.service_ref(s)).collect(),
            has_postmortem: self.narratives.contains_key(&i.id),
        }
    }

    fn view(&self, i: &Incident) -> IncidentView {
        let times: IncidentTimes = analyse::incident_times(i);
        let actions: Vec<ActionView> = i
            .corrective_actions
            .iter()
            .map(|a| {
                let title = untrusted::inline(&a.title);
                ActionView {
                    title_has_link: title.contains("<a "),
                    title,
                    url: safe_link(&a.url),
                    status: match a.status {
                        ActionStatus::Open => "open",
                        ActionStatus::Closed => "closed",
                    },
                    due: a.due.map(|d| d.to_string()),
                    overdue: a.status == ActionStatus::Open
                        && a.due.is_some_and(|d| d < self.as_of),
                    owner: a.owner.clone(),
                }
            })
            .collect();
        IncidentView {
            summary: self.summary(i),
            severity_text: i.severity.describe(),
            started: analyse::utc_minute(i.started_at),
            detected: i.detected_at.map(analyse::utc_minute),
            mitigated: i.mitigated_at.map(analyse::utc_minute),
            resolved: i.resolved_at.map(analyse::utc_minute),
            time_to_detect: times.time_to_detect.map(analyse::human_duration),
            time_to_mitigate: times.time_to_mitigate.map(analyse::human_duration),
            source_url: safe_link(&i.url),
            labels: i.labels.clone(),
            summary_html: i
                .summary
                .as_deref()
                .map(untrusted::block)
                .unwrap_or_default(),
            timeline: i
                .timeline
                .iter()
                .map(|t| TimelineView {
                    at: analyse::utc_minute(t.at),
                    at_iso: t.at.to_rfc3339(),
                    text: untrusted::inline(&t.text),
                })
                .collect(),
            overdue_actions: actions.iter().filter(|a| a.overdue).count(),
            actions,
            sections: sections(self.narratives.get(&i.id)),
        }
    }

    /// The context of `/incidents/<id>/`.
    pub fn incident_context(&self, i: &Incident) -> Context {
        let mut ctx = Context::new();
        ctx.insert("incident", &self.view(i));
        ctx.insert("as_of", &self.as_of.to_string());
        ctx.insert(
            "page",
            &page_meta(
                self.config,
                &i.title,
                &format!("incidents/{}/", i.id),
                "incident",
            ),
        );
        ctx
    }

    /// The context of `/incidents/`.
    pub fn index_context(&self) -> Context {
        #[derive(Serialize)]
        struct Year {
            year: i32,
            counts: [usize; 4],
            total: usize,
            incidents: Vec<IncidentSummary>,
        }
        let years: Vec<Year> = analyse::by_year(self.data)
            .into_iter()
            .map(|y| Year {
                year: y.year,
                counts: y.counts,
                total: y.counts.iter().sum(),
                incidents: y.public.into_iter().map(|i| self.summary(i)).collect(),
            })
            .collect();
        let confidential = self
            .data
            .incidents
            .iter()
            .filter(|i| i.confidential)
            .count();
        let mut ctx = Context::new();
        ctx.insert("years", &years);
        ctx.insert("counts", &analyse::counts_by_severity(&self.data.incidents));
        ctx.insert("public_count", &(self.data.incidents.len() - confidential));
        ctx.insert("confidential_count", &confidential);
        ctx.insert("severities", &severity_legend());
        ctx.insert(
            "page",
            &page_meta(self.config, "Incidents", "incidents/", "incidents"),
        );
        ctx
    }

    /// The context of `/services/<id>/`.
    pub fn service_context(&self, s: &Service) -> Context {
        let incidents: Vec<IncidentSummary> = self
            .data
            .public_incidents()
            .rev()
            .filter(|i| i.services.contains(&s.id))
            .map(|i| self.summary(i))
            .collect();
        let confidential = self
            .data
            .incidents
            .iter()
            .filter(|i| i.confidential && i.services.contains(&s.id))
            .count();
        #[derive(Serialize)]
        struct ServiceView<'a> {
            id: &'a str,
            name: &'a str,
            weight: u32,
            target: String,
            team: Option<&'a str>,
            description: String,
            budget_minutes_30d: String,
        }
        let mut ctx = Context::new();
        ctx.insert(
            "service",
            &ServiceView {
                id: s.id.as_str(),
                name: &s.name,
                weight: s.weight,
                target: format!("{}", s.target),
                team: s.team.as_deref(),
                description: s
                    .description
                    .as_deref()
                    .map(untrusted::block)
                    .unwrap_or_default(),
                budget_minutes_30d: format!(
                    "{:.1}",
                    (100.0 - s.target) / 100.0 * 30.0 * 24.0 * 60.0
                ),
            },
        );
        ctx.insert(
            "counts",
            &analyse::counts_by_severity(
                self.data
                    .incidents
                    .iter()
                    .filter(|i| i.services.contains(&s.id)),
            ),
        );
        ctx.insert("incidents", &incidents);
        ctx.insert("confidential_count", &confidential);
        ctx.insert(
            "page",
            &page_meta(
                self.config,
                &s.name,
                &format!("services/{}/", s.id),
                "service",
            ),
        );
        ctx
    }

    /// The context of `/services/`.
    pub fn services_context(&self) -> Context {
        #[derive(Serialize)]
        struct Row {
            id: String,
            name: String,
            url: String,
            weight: u32,
            target: String,
            team: Option<String>,
            incidents: usize,
        }
        let rows: Vec<Row> = self
            .data
            .services
            .iter()
            .map(|s| Row {
                id: s.id.to_string(),
                name: s.name.clone(),
                url: service_url(self.base(), &s.id),
                weight: s.weight,
                target: format!("{}", s.target),
                team: s.team.clone(),
                incidents: self
                    .data
                    .incidents
                    .iter()
                    .filter(|i| i.services.contains(&s.id))
                    .count(),
            })
            .collect();
        let mut ctx = Context::new();
        ctx.insert("services", &rows);
        ctx.insert(
            "page",
            &page_meta(self.config, "Services", "services/", "services"),
        );
        ctx
    }

    /// Latest public incidents, newest first, for the home page.
    pub fn latest(&self, n: usize) -> Vec<IncidentSummary> {
        self.data
            .public_incidents()
            .rev()
            .take(n)
            .map(|i| self.summary(i))
            .collect()
    }

    /// Atom feed of public post-mortems, newest first (at most 50 entries).
    pub fn atom(&self) -> String {
        let origin = self.config.origin_and_path();
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
        let incidents: Vec<&Incident> = self.data.public_incidents().rev().take(50).collect();
        let updated = |i: &Incident| i.resolved_at.or(i.mitigated_at).unwrap_or(i.started_at);
        let feed_updated = incidents.iter().map(|i| updated(i)).max();
        let mut out = String::from(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n",
        );
        let _ = writeln!(
            out,
            "  <title>{} – post-mortems</title>",
            escape_html(&self.config.title)
        );
        let _ = writeln!(out, "  <id>{}</id>", id_of("incidents/"));
        let _ = writeln!(
            out,
            "  <link rel=\"self\" href=\"{origin}/incidents/atom.xml\"/>"
        );
        let _ = writeln!(out, "  <link href=\"{origin}/incidents/\"/>");
        if let Some(t) = feed_updated {
            let _ = writeln!(out, "  <updated>{}</updated>", t.to_rfc3339());
        } else {
            out.push_str("  <updated>1970-01-01T00:00:00+00:00</updated>\n");
        }
        for i in incidents {
            let summary = i
                .summary
                .as_deref()
                .map(untrusted::block)
                .unwrap_or_default();
            let _ = write!(
                out,
                "  <entry>\n    <title>S{} {}</title>\n    <id>{}</id>\n    <link href=\"{origin}/incidents/{}/\"/>\n    <published>{}</published>\n    <updated>{}</updated>\n    <author><name>{}</name></author>\n    <summary type=\"html\">{}</summary>\n  </entry>\n",
                i.severity.number(),
                escape_html(&i.title),
                id_of(&format!("incidents/{}/", i.id)),
                i.id,
                i.started_at.to_rfc3339(),
                updated(i).to_rfc3339(),
                escape_html(&self.config.title),
                escape_html(&summary),
            );
        }
        out.push_str("</feed>\n");
        out
    }
}

#[derive(Serialize)]
struct PageMeta {
    title: String,
    description: String,
    kind: &'static str,
    url: String,
    permalink: String,
}

fn page_meta(config: &Config, title: &str, rel_url: &str, kind: &'static str) -> PageMeta {
    PageMeta {
        title: title.to_string(),
        description: String::new(),
        kind,
        url: format!("{}{rel_url}", config.base_path()),
        permalink: format!("{}/{rel_url}", config.origin_and_path()),
    }
}

#[derive(Serialize)]
struct SeverityLegend {
    number: u8,
    text: &'static str,
}

fn severity_legend() -> Vec<SeverityLegend> {
    Severity::ALL
        .iter()
        .map(|s| SeverityLegend {
            number: s.number(),
            text: s.describe(),
        })
        .collect()
}

/// The sections of a blameless review, in order: (id, title, structured
/// part, words that identify a narrative heading as this section).
const REVIEW_ORDER: &[(&str, &str, &str, &[&str])] = &[
    ("summary", "Summary", "summary", &["summary", "overview"]),
    ("impact", "Customer impact", "impact", &["impact"]),
    (
        "detection",
        "Detection",
        "detection",
        &["detection", "detect"],
    ),
    ("timeline", "Timeline", "timeline", &["timeline"]),
    (
        "root-cause",
        "Root cause and contributing factors",
        "root_cause",
        &["root cause", "contributing", "whys", "cause"],
    ),
    (
        "resolution",
        "Resolution",
        "",
        &["resolution", "recovery", "remediation"],
    ),
    ("went-well", "What went well", "", &["went well"]),
    (
        "went-wrong",
        "What went wrong",
        "",
        &["went wrong", "could have gone better"],
    ),
    ("lucky", "Where we got lucky", "", &["lucky", "luck"]),
    (
        "lessons",
        "Lessons learned",
        "",
        &["lesson", "learned", "learnings"],
    ),
    (
        "actions",
        "Corrective actions",
        "actions",
        &["corrective", "action", "follow-up"],
    ),
];

/// Splits a narrative at its `<h2>` headings and files each part under a
/// review section; parts that match none come last under their own title.
fn sections(narrative: Option<&Narrative>) -> Vec<SectionView> {
    let mut matched: Vec<String> = vec![String::new(); REVIEW_ORDER.len()];
    let mut titles: Vec<Option<String>> = vec![None; REVIEW_ORDER.len()];
    let mut others: Vec<SectionView> = Vec::new();
    if let Some(n) = narrative {
        for Section { title, html, .. } in n.sections.iter().cloned() {
            let lower = title.as_deref().unwrap_or("").to_lowercase();
            let slot = match &title {
                None => Some(0), // text before the first heading: the summary
                Some(_) => REVIEW_ORDER
                    .iter()
                    .position(|(_, _, _, words)| words.iter().any(|w| lower.contains(w))),
            };
            match slot {
                Some(k) => {
                    matched[k].push_str(&html);
                    if titles[k].is_none() {
                        titles[k] = title;
                    }
                }
                None => others.push(SectionView {
                    id: "",
                    title: title.unwrap_or_default(),
                    kind: "",
                    html,
                }),
            }
        }
    }
    let mut out: Vec<SectionView> = REVIEW_ORDER
        .iter()
        .zip(matched.into_iter().zip(titles))
        .filter(|((_, _, kind, _), (html, _))| !kind.is_empty() || !html.trim().is_empty())
        .map(|((id, title, kind, _), (html, t))| SectionView {
            id,
            title: t.unwrap_or_else(|| title.to_string()),
            kind,
            html,
        })
        .collect();
    out.extend(others);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrative_sections_follow_review_order() {
        let part = |title: Option<&str>, html: &str| Section {
            title: title.map(str::to_string),
            id: None,
            html: html.to_string(),
        };
        let n = Narrative {
            title: "t".into(),
            sections: vec![
                part(None, "<p>intro</p>\n"),
                part(Some("Lessons"), "<p>L</p>"),
                part(Some("Root cause"), "<p>R</p>"),
                part(Some("Extra notes"), "<p>E</p>"),
            ],
        };
        let s = sections(Some(&n));
        let ids: Vec<_> = s.iter().map(|s| (s.id, s.title.as_str())).collect();
        assert_eq!(
            ids,
            [
                ("summary", "Summary"),
                ("impact", "Customer impact"),
                ("detection", "Detection"),
                ("timeline", "Timeline"),
                ("root-cause", "Root cause"),
                ("lessons", "Lessons"),
                ("actions", "Corrective actions"),
                ("", "Extra notes"),
            ]
        );
        assert_eq!(s[0].html.trim(), "<p>intro</p>");
        assert_eq!(s[5].html, "<p>L</p>");
    }
}
