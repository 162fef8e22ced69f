//! Analyse: numbers derived from the data model (durations of incidents,
//! counts by severity). Every figure the site shows is computed here, from
//! plain model types, so there is one place to look for each.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, Utc};

use crate::data::{Dataset, Incident, Severity};

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

/// Incidents per severity (all of them, confidential included: counts are
/// not confidential).
pub fn counts_by_severity<'a>(incidents: impl IntoIterator<Item = &'a Incident>) -> [usize; 4] {
    let mut counts = [0; 4];
    for i in incidents {
        counts[i.severity as usize - 1] += 1;
    }
    counts
}

/// One year of the incident record.
pub struct Year<'a> {
    pub year: i32,
    /// All incidents of the year by severity, confidential ones included.
    pub counts: [usize; 4],
    /// Public incidents, newest first.
    pub public: Vec<&'a Incident>,
}

/// The record by year of start, newest year first. Counts include
/// confidential incidents (numbers are not confidential); lists do not.
pub fn by_year(data: &Dataset) -> Vec<Year<'_>> {
    let mut years: BTreeMap<i32, Year<'_>> = BTreeMap::new();
    for i in data.incidents.iter().rev() {
        let y = i.started_at.year();
        let year = years.entry(y).or_insert_with(|| Year {
            year: y,
            counts: [0; 4],
            public: Vec::new(),
        });
        year.counts[i.severity as usize - 1] += 1;
        if !i.confidential {
            year.public.push(i);
        }
    }
    years.into_values().rev().collect()
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
