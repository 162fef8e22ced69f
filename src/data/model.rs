//! The data model: typed snapshots of services, incidents, maintenance
//! windows, measured availability (SLI) and pages, as loaded and validated
//! from `data/` (see docs/data-format.md).
//!
//! Invalid states are unrepresentable where the type system allows it: ids
//! are checked `Id`s, severities and statuses are enums, times are UTC.

use std::fmt;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::month::Month;
use super::percent::Percent;

/// An id: lowercase `[a-z0-9][a-z0-9-]*`. Safe as a path segment and a URL
/// segment by construction.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Id(String);

impl Id {
    pub fn parse(s: &str) -> Option<Id> {
        let mut chars = s.chars();
        let first = chars.next()?;
        let ok_first = first.is_ascii_lowercase() || first.is_ascii_digit();
        let ok_rest = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        (ok_first && ok_rest && s.len() <= 128).then(|| Id(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `severity::N`: S1 is the worst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Severity {
    S1 = 1,
    S2 = 2,
    S3 = 3,
    S4 = 4,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Severity::S1, Severity::S2, Severity::S3, Severity::S4];

    pub fn from_number(n: i64) -> Option<Severity> {
        match n {
            1 => Some(Severity::S1),
            2 => Some(Severity::S2),
            3 => Some(Severity::S3),
            4 => Some(Severity::S4),
            _ => None,
        }
    }

    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn describe(self) -> &'static str {
        match self {
            Severity::S1 => {
                "service unavailable or severely degraded for the typical user, or data loss"
            }
            Severity::S2 => "degraded for a subset of users, or a workaround exists",
            Severity::S3 => "broad but minor impact",
            Severity::S4 => "minimal impact",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Active,
    Mitigated,
    Resolved,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Mitigated => "mitigated",
            Status::Resolved => "resolved",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Impact {
    Outage,
    Degraded,
    None,
}

impl Impact {
    pub fn as_str(self) -> &'static str {
        match self {
            Impact::Outage => "outage",
            Impact::Degraded => "degraded",
            Impact::None => "none",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionStatus {
    Open,
    Closed,
}

impl ActionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::Closed => "closed",
        }
    }
}

/// Where a record came from, for messages that point at it later.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Origin {
    /// Path relative to the site root, e.g. `data/incidents/2026/17054.yaml`.
    pub file: PathBuf,
    /// 1-based line of the record (0 when unknown).
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub id: Id,
    pub name: String,
    /// Weight in the platform figure; 0 = not counted.
    pub weight: u32,
    /// Monthly availability target, percent (99.95 means 99.95 %), exact.
    pub target: Percent,
    pub team: Option<String>,
    /// Markdown.
    pub description: Option<String>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub at: DateTime<Utc>,
    /// Markdown from upstream: untrusted.
    pub text: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CorrectiveAction {
    /// Untrusted.
    pub title: String,
    pub url: Option<String>,
    pub status: ActionStatus,
    pub due: Option<NaiveDate>,
    /// A team or role, never a person (blameless).
    pub owner: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: Id,
    /// Untrusted.
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    /// Never published; counted only in aggregates.
    pub confidential: bool,
    /// At least one; every id exists in services.yaml.
    pub services: Vec<Id>,
    pub started_at: DateTime<Utc>,
    pub detected_at: Option<DateTime<Utc>>,
    pub mitigated_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub impact: Impact,
    pub root_cause: Option<String>,
    pub url: Option<String>,
    pub labels: Vec<String>,
    /// Markdown from upstream: untrusted.
    pub summary: Option<String>,
    /// Sorted by `at`.
    pub timeline: Vec<TimelineEntry>,
    pub corrective_actions: Vec<CorrectiveAction>,
    pub origin: Origin,
}

impl Incident {
    /// A minimal valid incident for unit tests: S2 outage of `web`, still
    /// active, public.
    #[cfg(test)]
    pub fn example(id: &str, started_at: DateTime<Utc>) -> Incident {
        Incident {
            id: Id::parse(id).expect("a valid test id"),
            title: format!("Incident {id}"),
            severity: Severity::S2,
            status: Status::Active,
            confidential: false,
            services: vec![Id::parse("web").expect("a valid id")],
            started_at,
            detected_at: None,
            mitigated_at: None,
            resolved_at: None,
            impact: Impact::Outage,
            root_cause: None,
            url: None,
            labels: Vec::new(),
            summary: None,
            timeline: Vec::new(),
            corrective_actions: Vec::new(),
            origin: Origin::default(),
        }
    }

    /// End of the impact window: mitigation, else resolution; `None` while
    /// the incident is still impacting.
    pub fn impact_end(&self) -> Option<DateTime<Utc>> {
        self.mitigated_at.or(self.resolved_at)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MaintenanceWindow {
    pub id: Id,
    pub title: String,
    pub services: Vec<Id>,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub url: Option<String>,
    pub origin: Origin,
}

/// One month of `data/sli/YYYY-MM.yaml`: availability as the metrics
/// engine measured it.
#[derive(Debug, Clone, PartialEq)]
pub struct SliMonth {
    pub month: Month,
    /// Sorted by id; each id once, each in services.yaml.
    pub services: Vec<SliService>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SliService {
    pub id: Id,
    /// Over the whole month, exactly as written.
    pub availability: Percent,
    /// One value per day of the month, in order, when the engine gave them.
    pub daily: Option<Vec<Percent>>,
}

/// A page's urgency in the paging system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Urgency {
    High,
    Low,
}

impl Urgency {
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::High => "high",
            Urgency::Low => "low",
        }
    }
}

/// One month of `data/pages/YYYY-MM.yaml`: the pages created that month.
#[derive(Debug, Clone, PartialEq)]
pub struct PagesMonth {
    pub month: Month,
    /// Sorted by `created_at`, then id.
    pub pages: Vec<Page>,
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// The paging system's id, `[A-Za-z0-9]+` (PagerDuty's `PT4KHLK`);
    /// unique across all months. Not an `Id`: upstream ids keep their case.
    pub id: String,
    /// The alert's title. Untrusted: it can name hosts or customers.
    pub title: String,
    pub service: Id,
    pub urgency: Urgency,
    /// In the file's month.
    pub created_at: DateTime<Utc>,
    /// Not before `created_at`.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// Not before `created_at` nor `acknowledged_at`.
    pub resolved_at: Option<DateTime<Utc>>,
    pub escalation_policy: Option<String>,
}

/// Everything under `data/`, validated.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Sorted by id.
    pub services: Vec<Service>,
    /// Sorted by `started_at`, newest last, then id.
    pub incidents: Vec<Incident>,
    /// Sorted by start, then id.
    pub maintenance: Vec<MaintenanceWindow>,
    /// `data/imported-availability.yaml`, sorted by month.
    pub imported: Vec<super::ImportedMonth>,
    /// Sorted by month, each month once.
    pub sli: Vec<SliMonth>,
    /// Sorted by month, each month once.
    pub pages: Vec<PagesMonth>,
}

impl Dataset {
    pub fn service(&self, id: &Id) -> Option<&Service> {
        self.services
            .binary_search_by(|s| s.id.cmp(id))
            .ok()
            .map(|i| &self.services[i])
    }

    pub fn incident(&self, id: &Id) -> Option<&Incident> {
        self.incidents.iter().find(|i| &i.id == id)
    }

    /// Incidents that may be published.
    pub fn public_incidents(&self) -> impl DoubleEndedIterator<Item = &Incident> {
        self.incidents.iter().filter(|i| !i.confidential)
    }

    /// The latest instant the data records: any incident's started,
    /// detected, mitigated or resolved time, timeline time, or any page's
    /// created, acknowledged or resolved time (confidential incidents
    /// included: only the instant is used). A candidate for the build's "as
    /// of"; maintenance windows (planned, often in the future),
    /// corrective-action due dates and SLI months never move it.
    pub fn latest_instant(&self) -> Option<DateTime<Utc>> {
        let incidents = self.incidents.iter().flat_map(|i| {
            [
                Some(i.started_at),
                i.detected_at,
                i.mitigated_at,
                i.resolved_at,
            ]
            .into_iter()
            .flatten()
            .chain(i.timeline.iter().map(|t| t.at))
        });
        let pages = self
            .pages
            .iter()
            .flat_map(|m| &m.pages)
            .flat_map(|p| [Some(p.created_at), p.acknowledged_at, p.resolved_at])
            .flatten();
        incidents.chain(pages).max()
    }

    /// The SLI figures of `month`, if there is a file for it.
    pub fn sli_month(&self, month: Month) -> Option<&SliMonth> {
        self.sli
            .binary_search_by(|m| m.month.cmp(&month))
            .ok()
            .map(|i| &self.sli[i])
    }

    /// The pages of `month`, if there is a file for it.
    pub fn pages_month(&self, month: Month) -> Option<&PagesMonth> {
        self.pages
            .binary_search_by(|m| m.month.cmp(&month))
            .ok()
            .map(|i| &self.pages[i])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn incident(id: &str, started: &str) -> Incident {
        Incident::example(id, t(started))
    }

    #[test]
    fn latest_instant_of_incidents_timelines_and_pages_only() {
        assert_eq!(Dataset::default().latest_instant(), None);
        let mut late = incident("2", "2026-07-01T00:00:00Z");
        late.resolved_at = Some(t("2026-07-03T10:00:00Z"));
        late.corrective_actions.push(CorrectiveAction {
            title: "x".into(),
            url: None,
            status: ActionStatus::Open,
            due: NaiveDate::from_ymd_opt(2027, 1, 1),
            owner: None,
        });
        let mut data = Dataset {
            incidents: vec![incident("1", "2026-07-02T00:00:00Z"), late],
            maintenance: vec![MaintenanceWindow {
                id: Id::parse("mw").unwrap(),
                title: "planned".into(),
                services: vec![Id::parse("web").unwrap()],
                start: t("2026-12-01T00:00:00Z"),
                end: t("2026-12-01T02:00:00Z"),
                url: None,
                origin: Origin::default(),
            }],
            ..Dataset::default()
        };
        assert_eq!(data.latest_instant(), Some(t("2026-07-03T10:00:00Z")));
        // A timeline entry after every incident time moves it; so does a
        // confidential incident.
        data.incidents[0].timeline.push(TimelineEntry {
            at: t("2026-07-04T08:00:00Z"),
            text: "follow-up".into(),
        });
        assert_eq!(data.latest_instant(), Some(t("2026-07-04T08:00:00Z")));
        let mut secret = incident("3", "2026-07-05T00:00:00Z");
        secret.confidential = true;
        data.incidents.push(secret);
        assert_eq!(data.latest_instant(), Some(t("2026-07-05T00:00:00Z")));
        // A page's times count too, its resolution included.
        let month = Month::parse("2026-07").unwrap();
        data.pages.push(PagesMonth {
            month,
            pages: vec![Page {
                id: "PT4KHLK".into(),
                title: "HighErrorRate".into(),
                service: Id::parse("web").unwrap(),
                urgency: Urgency::High,
                created_at: t("2026-07-05T23:00:00Z"),
                acknowledged_at: Some(t("2026-07-05T23:10:00Z")),
                resolved_at: Some(t("2026-07-06T01:00:00Z")),
                escalation_policy: None,
            }],
            origin: Origin::default(),
        });
        assert_eq!(data.latest_instant(), Some(t("2026-07-06T01:00:00Z")));
        assert!(data.pages_month(month).is_some());
        assert!(data.pages_month(month.next()).is_none());
    }

    #[test]
    fn ids() {
        assert!(Id::parse("17054").is_some());
        assert!(Id::parse("pg16-upgrade").is_some());
        for bad in ["", "-x", "A", "../x", "a/b", "a b", "a.b", "é"] {
            assert!(Id::parse(bad).is_none(), "{bad}");
        }
    }
}
