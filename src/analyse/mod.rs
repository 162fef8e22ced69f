//! Analyse: numbers derived from the data model (durations of incidents,
//! counts by severity). Every figure the site shows is computed here, from
//! plain model types, so there is one place to look for each.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, Utc};

use crate::data::{Dataset, Id, Incident, Severity};

/// Derived times of one incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentTimes {
    /// Start of impact → detection.
    pub time_to_detect: Option<Duration>,
    /// Start of impact → mitigation.
    pub time_to_mitigate: Option<Duration>,
    /// Length of the impact window; `None` while still impacting.
    pub impact: Option<Duration>,
}

pub fn incident_times(i: &Incident) -> IncidentTimes {
    IncidentTimes {
        time_to_detect: i.detected_at.map(|t| t - i.started_at),
        time_to_mitigate: i.mitigated_at.map(|t| t - i.started_at),
        impact: i.impact_end().map(|t| t - i.started_at),
    }
}

/// `1 h 35 min`, `12 min`, `45 s`, `2 d 3 h`: short, for tables.
pub fn human_duration(d: Duration) -> String {
    let secs = d.num_seconds().max(0);
    let (days, hours, mins) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    match (days, hours, mins) {
        (0, 0, 0) => format!("{secs} s"),
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (d, 0, _) => format!("{d} d"),
        (d, h, _) => format!("{d} d {h} h"),
    }
}

/// `2026-07-07 09:30 UTC`.
pub fn utc_minute(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
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

pub fn severity_label(s: Severity) -> String {
    format!("S{}", s.number())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(human_duration(Duration::seconds(45)), "45 s");
        assert_eq!(human_duration(Duration::minutes(12)), "12 min");
        assert_eq!(human_duration(Duration::minutes(95)), "1 h 35 min");
        assert_eq!(human_duration(Duration::hours(2)), "2 h");
        assert_eq!(human_duration(Duration::hours(51)), "2 d 3 h");
    }
}
