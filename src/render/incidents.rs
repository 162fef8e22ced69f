//! Views of the incident record for templates: the public post-mortems
//! (`/incidents/<id>/`, "review pending" until a narrative is written), the
//! incident index (`/incidents/`, with the data its filters read), the open
//! corrective actions (`/incidents/actions/`) and the service pages
//! (`/services/`, `/services/<id>/`).
//!
//! Built from the public view only: confidential incidents exist here as
//! numbers in `Figures`, never as text. Upstream text is rendered by
//! `markdown::untrusted`; durations and times are formatted here.

use chrono::Datelike;
use serde::Serialize;
use tera::Context;

use super::format;
use crate::analyse::{self, IncidentTimes};
use crate::config::Config;
use crate::data::{ActionStatus, CorrectiveAction, Id, Severity};
use crate::markdown::{Rendered, Section, untrusted};
use crate::postmortem::{self, Facts};
use crate::publish::{PublicIncident, PublicService, PublicSite};
use crate::urls;

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
    /// "detection", "timeline", "root_cause", "actions" or "none" (text only).
    kind: Facts,
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
    year: i32,
    duration: Option<String>,
    root_cause: Option<String>,
    /// `root_cause` as words: `Config-Change` → "Config change".
    root_cause_text: Option<String>,
    services: Vec<ServiceRef>,
    /// Service ids separated by spaces, for the index's filters.
    service_ids: String,
    /// A written review (narrative) is published with it.
    has_postmortem: bool,
    /// "written" or "pending", for labels and filters.
    review: &'static str,
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

pub struct Views<'a> {
    pub public: &'a PublicSite<'a>,
    pub config: &'a Config,
}

/// Only http(s) links from upstream are published.
fn safe_link(url: &Option<String>) -> Option<String> {
    url.as_deref()
        .filter(|u| urls::is_safe_external(u))
        .map(str::to_string)
}

impl<'a> Views<'a> {
    fn base(&self) -> &str {
        self.config.base_path()
    }

    fn service_ref(&self, id: &Id) -> ServiceRef {
        ServiceRef {
            id: id.to_string(),
            name: self
                .public
                .service(id)
                .map_or_else(|| id.to_string(), |s| s.service.name.clone()),
            url: format!("{}{}", self.base(), urls::service(id)),
        }
    }

    pub fn summary(&self, p: &PublicIncident<'_>) -> IncidentSummary {
        let i = p.incident();
        let times = analyse::incident_times(i);
        IncidentSummary {
            id: i.id.to_string(),
            url: format!("{}{}", self.base(), urls::incident(&i.id)),
            title: i.title.clone(),
            severity: i.severity.number(),
            status: i.status.as_str(),
            impact: i.impact.as_str(),
            date: i.started_at.format("%Y-%m-%d").to_string(),
            started_iso: i.started_at.to_rfc3339(),
            year: i.started_at.year(),
            duration: times.impact.map(format::duration),
            root_cause: i.root_cause.clone(),
            root_cause_text: i.root_cause.as_deref().map(readable),
            services: i.services.iter().map(|s| self.service_ref(s)).collect(),
            service_ids: i
                .services
                .iter()
                .map(Id::as_str)
                .collect::<Vec<_>>()
                .join(" "),
            has_postmortem: p.narrative.is_some(),
            review: review_status(p),
        }
    }

    fn view(&self, p: &PublicIncident<'_>, narrative: Option<&Rendered>) -> IncidentView {
        let i = p.incident();
        let as_of = self.public.as_of.date_naive();
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
                    overdue: is_overdue(a, as_of),
                    owner: a.owner.clone(),
                }
            })
            .collect();
        IncidentView {
            summary: self.summary(p),
            severity_text: i.severity.describe(),
            started: format::utc_minute(i.started_at),
            detected: i.detected_at.map(format::utc_minute),
            mitigated: i.mitigated_at.map(format::utc_minute),
            resolved: i.resolved_at.map(format::utc_minute),
            time_to_detect: times.time_to_detect.map(format::duration),
            time_to_mitigate: times.time_to_mitigate.map(format::duration),
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
                    at: format::utc_minute(t.at),
                    at_iso: t.at.to_rfc3339(),
                    text: untrusted::inline(&t.text),
                })
                .collect(),
            overdue_actions: actions.iter().filter(|a| a.overdue).count(),
            actions,
            sections: sections(narrative),
        }
    }

    /// The context of `/incidents/<id>/`.
    pub fn incident_context(
        &self,
        p: &PublicIncident<'_>,
        narrative: Option<&Rendered>,
    ) -> Context {
        let i = p.incident();
        let mut ctx = Context::new();
        ctx.insert("incident", &self.view(p, narrative));
        ctx.insert("as_of", &self.public.as_of.date_naive().to_string());
        // Only a written review is called a post-mortem.
        let title = match p.narrative {
            Some(_) => format!("Post-mortem: {}", i.title),
            None => format!("Review pending: {}", i.title),
        };
        let mut meta = page_meta(self.config, &title, &urls::incident(&i.id), "incident");
        // The narrative's own summary, else the public facts: title and severity.
        meta.description = p
            .narrative
            .and_then(|n| n.front.description.clone())
            .unwrap_or_else(|| format!("S{} incident: {}", i.severity.number(), i.title));
        ctx.insert("page", &meta);
        // Only the hand-written narrative is edited in the repository.
        let edit = p
            .narrative
            .and_then(|n| super::context::edit_url(self.config, &n.rel));
        ctx.insert("edit_url", &edit);
        ctx
    }

    /// The context of `/incidents/actions/`: open corrective actions of
    /// public incidents, overdue ones (against "as of") first, then by due
    /// date; confidential incidents are not in the public view at all.
    pub fn actions_context(&self) -> Context {
        #[derive(Serialize)]
        struct Row {
            #[serde(flatten)]
            action: ActionView,
            incident: IncidentSummary,
        }
        let as_of = self.public.as_of.date_naive();
        let mut rows: Vec<(bool, Option<chrono::NaiveDate>, usize, Row)> = Vec::new();
        for (k, p) in self.public.incidents.iter().enumerate().rev() {
            for a in p.incident().corrective_actions.iter() {
                if a.status != ActionStatus::Open {
                    continue;
                }
                let title = untrusted::inline(&a.title);
                let overdue = is_overdue(a, as_of);
                let row = Row {
                    action: ActionView {
                        title_has_link: title.contains("<a "),
                        title,
                        url: safe_link(&a.url),
                        status: "open",
                        due: a.due.map(|d| d.to_string()),
                        overdue,
                        owner: a.owner.clone(),
                    },
                    incident: self.summary(p),
                };
                // Newest incident first among equals (`k` descending).
                rows.push((!overdue, a.due, usize::MAX - k, row));
            }
        }
        // Overdue first; then by due date, undated last; stable otherwise.
        rows.sort_by_key(|r| (r.0, r.1.is_none(), r.1, r.2));
        let overdue = rows.iter().filter(|r| !r.0).count();
        let rows: Vec<Row> = rows.into_iter().map(|r| r.3).collect();
        let mut ctx = Context::new();
        ctx.insert("open_count", &rows.len());
        ctx.insert("overdue_count", &overdue);
        ctx.insert("actions", &rows);
        ctx.insert("as_of", &as_of.to_string());
        ctx.insert(
            "page",
            &page_meta(
                self.config,
                "Open corrective actions",
                urls::INCIDENT_ACTIONS,
                "actions",
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
        let public = self.public;
        let years: Vec<Year> = public
            .years
            .iter()
            .map(|y| Year {
                year: y.year,
                counts: y.counts,
                total: y.counts.iter().sum(),
                incidents: y
                    .incidents
                    .iter()
                    .map(|&k| self.summary(&public.incidents[k]))
                    .collect(),
            })
            .collect();
        let f = &public.figures;
        let as_of = public.as_of.date_naive();
        let open: Vec<_> = public
            .incidents
            .iter()
            .flat_map(|p| &p.incident().corrective_actions)
            .filter(|a| a.status == ActionStatus::Open)
            .collect();
        // Services that have public incidents, for the service filter.
        let services: Vec<ServiceRef> = public
            .services
            .iter()
            .filter(|s| !s.incidents.is_empty())
            .map(|s| self.service_ref(&s.service.id))
            .collect();
        let written = public
            .incidents
            .iter()
            .filter(|p| p.narrative.is_some())
            .count();
        let mut ctx = Context::new();
        ctx.insert("services", &services);
        ctx.insert("written_count", &written);
        ctx.insert("pending_count", &(public.incidents.len() - written));
        ctx.insert("open_actions", &open.len());
        ctx.insert(
            "overdue_actions",
            &open.iter().filter(|a| is_overdue(a, as_of)).count(),
        );
        ctx.insert(
            "actions_url",
            &format!("{}{}", self.base(), urls::INCIDENT_ACTIONS),
        );
        ctx.insert("years", &years);
        ctx.insert("counts", &f.by_severity);
        ctx.insert("public_count", &(f.total - f.confidential));
        ctx.insert("confidential_count", &f.confidential);
        ctx.insert("severities", &severity_legend());
        ctx.insert(
            "page",
            &page_meta(self.config, "Incidents", urls::INCIDENTS, "incidents"),
        );
        ctx
    }

    /// The context of `/services/<id>/`.
    pub fn service_context(&self, ps: &PublicService<'_>) -> Context {
        let s = ps.service;
        let incidents: Vec<IncidentSummary> = ps
            .incidents
            .iter()
            .map(|&k| self.summary(&self.public.incidents[k]))
            .collect();
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
                    (100.0 - s.target.to_f64()) / 100.0 * 30.0 * 24.0 * 60.0
                ),
            },
        );
        ctx.insert("counts", &ps.figures.counts);
        ctx.insert("incidents", &incidents);
        ctx.insert("confidential_count", &ps.figures.confidential);
        ctx.insert(
            "page",
            &page_meta(self.config, &s.name, &urls::service(&s.id), "service"),
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
            .public
            .services
            .iter()
            .map(|ps| (ps.service, ps.figures.total))
            .map(|(s, total)| Row {
                id: s.id.to_string(),
                name: s.name.clone(),
                url: format!("{}{}", self.base(), urls::service(&s.id)),
                weight: s.weight,
                target: format!("{}", s.target),
                team: s.team.clone(),
                incidents: total,
            })
            .collect();
        let mut ctx = Context::new();
        ctx.insert("services", &rows);
        ctx.insert(
            "page",
            &page_meta(self.config, "Services", urls::SERVICES, "services"),
        );
        ctx
    }

    /// Latest written reviews (post-mortems with a narrative), newest
    /// first, for the home page.
    pub fn latest(&self, n: usize) -> Vec<IncidentSummary> {
        self.public
            .incidents
            .iter()
            .rev()
            .filter(|p| p.narrative.is_some())
            .take(n)
            .map(|p| self.summary(p))
            .collect()
    }

    /// How many public incidents still await a written review.
    pub fn pending_reviews(&self) -> usize {
        self.public
            .incidents
            .iter()
            .filter(|p| p.narrative.is_none())
            .count()
    }
}

/// "written" when a narrative is published with the incident, else "pending".
pub fn review_status(p: &PublicIncident<'_>) -> &'static str {
    if p.narrative.is_some() {
        "written"
    } else {
        "pending"
    }
}

/// An open action due before the "as of" day.
fn is_overdue(a: &CorrectiveAction, as_of: chrono::NaiveDate) -> bool {
    a.status == ActionStatus::Open && a.due.is_some_and(|d| d < as_of)
}

/// A root-cause label as words: `Config-Change` → "Config change",
/// `dns_failure` → "Dns failure"; all-capital words (`DNS`) are kept.
pub fn readable(label: &str) -> String {
    let words: Vec<String> = label
        .split(['-', '_', ' '])
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(n, w)| {
            let acronym = w.chars().count() > 1 && !w.chars().any(char::is_lowercase);
            if acronym {
                w.to_string()
            } else if n == 0 {
                let mut c = w.chars();
                c.next()
                    .map(|f| {
                        f.to_uppercase()
                            .chain(c.flat_map(char::to_lowercase))
                            .collect()
                    })
                    .unwrap_or_default()
            } else {
                w.to_lowercase()
            }
        })
        .collect();
    words.join(" ")
}

/// What templates see as `page` on pages made from data.
#[derive(Serialize)]
pub(crate) struct PageMeta {
    title: String,
    description: String,
    kind: &'static str,
    url: String,
    permalink: String,
}

pub(crate) fn page_meta(
    config: &Config,
    title: &str,
    rel_url: &str,
    kind: &'static str,
) -> PageMeta {
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

/// Files a narrative's parts under the review sections of
/// `postmortem::SECTIONS`, in review order; parts that match none come last
/// under their own title.
fn sections(narrative: Option<&Rendered>) -> Vec<SectionView> {
    let table = postmortem::SECTIONS;
    let mut matched: Vec<String> = vec![String::new(); table.len()];
    let mut titles: Vec<Option<String>> = vec![None; table.len()];
    let mut others: Vec<SectionView> = Vec::new();
    if let Some(n) = narrative {
        for Section { title, html, .. } in n.sections.iter().cloned() {
            let slot = match &title {
                None => Some(0), // text before the first heading: the summary
                Some(t) => postmortem::classify(t),
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
                    kind: Facts::None,
                    html,
                }),
            }
        }
    }
    let mut out: Vec<SectionView> = table
        .iter()
        .zip(matched.into_iter().zip(titles))
        .filter(|(sec, (html, _))| sec.facts.always_shown() || !html.trim().is_empty())
        .map(|(sec, (html, t))| SectionView {
            id: sec.id,
            title: t.unwrap_or_else(|| sec.title.to_string()),
            kind: sec.facts,
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
    fn root_causes_read_as_words() {
        assert_eq!(readable("Config-Change"), "Config change");
        assert_eq!(readable("capacity_planning"), "Capacity planning");
        assert_eq!(readable("DNS-Failure"), "DNS failure");
        assert_eq!(readable("Bug"), "Bug");
        assert_eq!(readable(""), "");
    }

    #[test]
    fn narrative_sections_follow_review_order() {
        let part = |title: Option<&str>, html: &str| Section {
            title: title.map(str::to_string),
            id: None,
            html: html.to_string(),
        };
        let n = Rendered {
            sections: vec![
                part(None, "<p>intro</p>\n"),
                part(Some("Lessons"), "<p>L</p>"),
                part(Some("Root cause"), "<p>R</p>"),
                part(Some("Extra notes"), "<p>E</p>"),
            ],
            ..Rendered::default()
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
