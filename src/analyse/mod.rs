//! Analyse: numbers derived from the data model (durations of incidents,
//! counts by severity, year and service). Every figure the site shows is
//! computed here, from plain model types, so there is one place to look for
//! each. Figures only: formatting them for readers is `render::format`'s job.
//! Sees every incident: confidential ones count.

pub mod availability;
pub mod exact;
pub mod incidents;
pub mod measures;
pub mod pager;
pub mod record;

use std::collections::BTreeMap;

use chrono::{Datelike, Duration};

use crate::data::{Dataset, Id, Incident};

/// Derived times of one incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentTimes {
    /// Start of impact → detection.
    pub time_to_detect: Option<Duration>,
    /// Start of impact → mitigation.
    pub time_to_mitigate: Option<Duration>,
    /// Length of the impact window; `None` while still impacting.
    pub impact: Option<Duration>,
    /// Start of impact → resolution.
    pub time_to_resolve: Option<Duration>,
}

pub fn incident_times(i: &Incident) -> IncidentTimes {
    IncidentTimes {
        time_to_detect: i.detected_at.map(|t| t - i.started_at),
        time_to_mitigate: i.mitigated_at.map(|t| t - i.started_at),
        impact: i.impact_end().map(|t| t - i.started_at),
        time_to_resolve: i.resolved_at.map(|t| t - i.started_at),
    }
}

/// Counts of the incident record. They include confidential incidents:
/// numbers are not confidential, text is (see `publish`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    /// All incidents by severity (index 0 is S1).
    pub by_severity: [usize; 4],
    pub total: usize,
    pub confidential: usize,
    /// By year of start, newest first.
    pub years: Vec<YearFigures>,
    /// By service id, for every service in `services.yaml`.
    pub per_service: BTreeMap<Id, ServiceFigures>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearFigures {
    pub year: i32,
    pub counts: [usize; 4],
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceFigures {
    pub counts: [usize; 4],
    pub total: usize,
    pub confidential: usize,
}

pub fn figures(data: &Dataset) -> Figures {
    let mut f = Figures {
        per_service: data
            .services
            .iter()
            .map(|s| (s.id.clone(), ServiceFigures::default()))
            .collect(),
        ..Figures::default()
    };
    let mut years: BTreeMap<i32, [usize; 4]> = BTreeMap::new();
    for i in &data.incidents {
        let sev = i.severity as usize - 1;
        f.by_severity[sev] += 1;
        f.total += 1;
        f.confidential += usize::from(i.confidential);
        years.entry(i.started_at.year()).or_default()[sev] += 1;
        for s in &i.services {
            if let Some(sf) = f.per_service.get_mut(s) {
                sf.counts[sev] += 1;
                sf.total += 1;
                sf.confidential += usize::from(i.confidential);
            }
        }
    }
    f.years = years
        .into_iter()
        .rev()
        .map(|(year, counts)| YearFigures { year, counts })
        .collect();
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::{Origin, Service, Severity, Status};
    use chrono::{DateTime, Utc};

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn incident(id: &str, start: &str, severity: Severity, confidential: bool) -> Incident {
        Incident {
            severity,
            confidential,
            services: vec![Id::parse("api").unwrap()],
            status: Status::Resolved,
            detected_at: Some(t(start) + Duration::minutes(5)),
            mitigated_at: Some(t(start) + Duration::minutes(30)),
            resolved_at: Some(t(start) + Duration::minutes(90)),
            ..Incident::example(id, t(start))
        }
    }

    #[test]
    fn times_of_an_incident() {
        let i = incident("a", "2026-03-01T10:00:00Z", Severity::S2, false);
        let times = incident_times(&i);
        assert_eq!(times.time_to_detect, Some(Duration::minutes(5)));
        assert_eq!(times.time_to_mitigate, Some(Duration::minutes(30)));
        assert_eq!(times.impact, Some(Duration::minutes(30)));
    }

    #[test]
    fn figures_count_confidential_incidents() {
        let data = Dataset {
            services: vec![Service {
                id: Id::parse("api").unwrap(),
                name: "API".into(),
                weight: 1,
                target: crate::data::Percent::parse("99.9").unwrap(),
                team: None,
                description: None,
                origin: Origin::default(),
            }],
            incidents: vec![
                incident("a", "2025-12-31T23:00:00Z", Severity::S1, false),
                incident("b", "2026-01-01T00:00:00Z", Severity::S2, true),
                incident("c", "2026-02-01T00:00:00Z", Severity::S2, false),
            ],
            ..Dataset::default()
        };
        let f = figures(&data);
        assert_eq!(f.by_severity, [1, 2, 0, 0]);
        assert_eq!((f.total, f.confidential), (3, 1));
        let years: Vec<(i32, [usize; 4])> = f.years.iter().map(|y| (y.year, y.counts)).collect();
        assert_eq!(years, [(2026, [0, 2, 0, 0]), (2025, [1, 0, 0, 0])]);
        let api = &f.per_service[&Id::parse("api").unwrap()];
        assert_eq!((api.total, api.confidential), (3, 1));
    }
}
