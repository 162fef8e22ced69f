//! Incident statistics per calendar month, for the trends review: counts by
//! severity, service and root cause; time to detect, mitigate and resolve
//! (nearest-rank median and p90); corrective actions open and overdue.
//!
//! An incident belongs to the month of its `started_at` (UTC). Figures are
//! as of the "as of" instant: an incident that starts later is left out, and
//! a time recorded after it counts as missing (it had not happened yet).
//! Confidential incidents count: these are numbers. One pass over the
//! incidents, then linear selections per month.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::measures::{Delta, DurationStats, FastMap, MonthRange, complete};
use crate::data::{ActionStatus, Id, Incident, Month, Severity};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentStats {
    /// Oldest first, one per month of the range asked for.
    pub months: Vec<IncidentMonth>,
    /// Incidents outside the range or started after "as of".
    pub left_out: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentMonth {
    pub month: Month,
    /// False for the month to date (and any later month).
    pub complete: bool,
    pub incidents: usize,
    /// Index 0 is S1.
    pub by_severity: [usize; 4],
    /// Services with at least one incident; an incident of several
    /// services counts once for each.
    pub by_service: BTreeMap<Id, usize>,
    /// By `root_cause` as written (those without one are beside).
    pub by_root_cause: BTreeMap<String, usize>,
    pub without_root_cause: usize,
    /// `started_at` → `detected_at`.
    pub time_to_detect: DurationStats,
    /// `started_at` → `mitigated_at`.
    pub time_to_mitigate: DurationStats,
    /// `started_at` → `resolved_at`.
    pub time_to_resolve: DurationStats,
    /// Corrective actions of this month's incidents.
    pub actions: ActionFigures,
    /// Against the previous month, when both are complete.
    pub change: Option<IncidentChange>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ActionFigures {
    pub total: usize,
    pub open: usize,
    /// Open with a due date before the day of "as of" (UTC): an action due
    /// on the 1st is overdue from the 2nd.
    pub overdue: usize,
    /// The overdue ones, by due date then incident id then position, for the
    /// review's agenda. Ids only: `publish` decides what may be shown.
    pub overdue_actions: Vec<OverdueAction>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueAction {
    pub incident: Id,
    /// Position in the incident's `corrective_actions`.
    pub index: usize,
    pub due: chrono::NaiveDate,
    /// Whole days past due as of "as of" (at least 1).
    pub days_overdue: i64,
}

/// Key figures against the previous complete month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentChange {
    pub previous: Month,
    pub incidents: Delta<usize>,
    pub by_severity: [Delta<usize>; 4],
    pub time_to_detect_median: Delta<Option<Duration>>,
    pub time_to_mitigate_median: Delta<Option<Duration>>,
    pub time_to_resolve_median: Delta<Option<Duration>>,
    pub overdue_actions: Delta<usize>,
}

/// Per-month accumulator: borrowed keys, owned only once at the end.
#[derive(Default)]
struct Acc<'a> {
    incidents: usize,
    by_severity: [usize; 4],
    by_service: FastMap<&'a Id, usize>,
    by_root_cause: FastMap<&'a str, usize>,
    without_root_cause: usize,
    times: [(Vec<Duration>, usize); 3],
    actions: ActionFigures,
}

/// Statistics of `incidents` for every month `first..=last`, as of `as_of`.
pub fn incident_stats(
    incidents: &[Incident],
    first: Month,
    last: Month,
    as_of: DateTime<Utc>,
) -> IncidentStats {
    let range = MonthRange::new(first, last);
    let mut accs: Vec<Acc> = (0..range.len()).map(|_| Acc::default()).collect();
    let today = as_of.date_naive();
    let mut left_out = 0;
    for i in incidents {
        let Some(slot) = range.index(i.started_at).filter(|_| i.started_at <= as_of) else {
            left_out += 1;
            continue;
        };
        let a = &mut accs[slot];
        a.incidents += 1;
        a.by_severity[severity_index(i.severity)] += 1;
        for s in &i.services {
            *a.by_service.entry(s).or_default() += 1;
        }
        match &i.root_cause {
            Some(c) => *a.by_root_cause.entry(c).or_default() += 1,
            None => a.without_root_cause += 1,
        }
        for (k, end) in [i.detected_at, i.mitigated_at, i.resolved_at]
            .into_iter()
            .enumerate()
        {
            match end.filter(|t| *t <= as_of) {
                Some(t) => a.times[k].0.push(t - i.started_at),
                None => a.times[k].1 += 1,
            }
        }
        for (index, c) in i.corrective_actions.iter().enumerate() {
            a.actions.total += 1;
            if c.status != ActionStatus::Open {
                continue;
            }
            a.actions.open += 1;
            if let Some(due) = c.due.filter(|d| *d < today) {
                a.actions.overdue += 1;
                a.actions.overdue_actions.push(OverdueAction {
                    incident: i.id.clone(),
                    index,
                    due,
                    days_overdue: (today - due).num_days(),
                });
            }
        }
    }
    let mut months: Vec<IncidentMonth> = Vec::with_capacity(range.len());
    for (month, a) in range.months().zip(accs) {
        let [mut detect, mut mitigate, mut resolve] = a.times;
        let mut actions = a.actions;
        actions
            .overdue_actions
            .sort_by(|x, y| (x.due, &x.incident, x.index).cmp(&(y.due, &y.incident, y.index)));
        let mut m = IncidentMonth {
            month,
            complete: complete(month, as_of),
            incidents: a.incidents,
            by_severity: a.by_severity,
            by_service: a
                .by_service
                .into_iter()
                .map(|(k, v)| (k.clone(), v))
                .collect(),
            by_root_cause: a
                .by_root_cause
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            without_root_cause: a.without_root_cause,
            time_to_detect: DurationStats::of(&mut detect.0, detect.1),
            time_to_mitigate: DurationStats::of(&mut mitigate.0, mitigate.1),
            time_to_resolve: DurationStats::of(&mut resolve.0, resolve.1),
            actions,
            change: None,
        };
        // Complete months are consecutive from the start, so the previous
        // month of a complete month is complete too.
        if let Some(p) = months.last().filter(|_| m.complete) {
            m.change = Some(change(p, &m));
        }
        months.push(m);
    }
    IncidentStats { months, left_out }
}

fn severity_index(s: Severity) -> usize {
    usize::from(s.number()) - 1
}

fn change(p: &IncidentMonth, c: &IncidentMonth) -> IncidentChange {
    let d = |f: fn(&IncidentMonth) -> usize| Delta {
        previous: f(p),
        current: f(c),
    };
    let median = |f: fn(&IncidentMonth) -> DurationStats| Delta {
        previous: f(p).median,
        current: f(c).median,
    };
    IncidentChange {
        previous: p.month,
        incidents: d(|m| m.incidents),
        by_severity: std::array::from_fn(|k| Delta {
            previous: p.by_severity[k],
            current: c.by_severity[k],
        }),
        time_to_detect_median: median(|m| m.time_to_detect),
        time_to_mitigate_median: median(|m| m.time_to_mitigate),
        time_to_resolve_median: median(|m| m.time_to_resolve),
        overdue_actions: d(|m| m.actions.overdue),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::CorrectiveAction;
    use chrono::NaiveDate;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    fn id(s: &str) -> Id {
        Id::parse(s).unwrap()
    }

    /// Detected after `d`, mitigated after `mi`, resolved after `r` minutes.
    fn incident(name: &str, start: &str, times: [Option<i64>; 3]) -> Incident {
        let s = t(start);
        let at = |m: Option<i64>| m.map(|m| s + Duration::minutes(m));
        Incident {
            detected_at: at(times[0]),
            mitigated_at: at(times[1]),
            resolved_at: at(times[2]),
            ..Incident::example(name, s)
        }
    }

    fn action(status: ActionStatus, due: Option<(i32, u32, u32)>) -> CorrectiveAction {
        CorrectiveAction {
            title: "fix".into(),
            url: None,
            status,
            due: due.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
            owner: None,
        }
    }

    #[test]
    fn month_of_started_at_across_month_and_year_boundaries() {
        let incidents = [
            incident("a", "2025-11-30T23:59:59Z", [None; 3]),
            incident("b", "2025-12-01T00:00:00Z", [None; 3]),
            // Crosses the year boundary: belongs to December only.
            incident("c", "2025-12-31T23:59:59Z", [None, None, Some(120)]),
            incident("d", "2026-01-01T00:00:00Z", [None; 3]),
            // Before the range and after "as of": left out.
            incident("e", "2025-10-31T23:59:59Z", [None; 3]),
            incident("f", "2026-01-20T00:00:01Z", [None; 3]),
        ];
        let s = incident_stats(
            &incidents,
            m("2025-11"),
            m("2026-01"),
            t("2026-01-20T00:00:00Z"),
        );
        let counts: Vec<(String, usize, bool)> = s
            .months
            .iter()
            .map(|x| (x.month.to_string(), x.incidents, x.complete))
            .collect();
        assert_eq!(
            counts,
            [
                ("2025-11".into(), 1, true),
                ("2025-12".into(), 2, true),
                ("2026-01".into(), 1, false)
            ]
        );
        assert_eq!(s.left_out, 2);
    }

    #[test]
    fn counts_by_severity_service_and_root_cause() {
        let mut a = incident("a", "2026-03-02T10:00:00Z", [None; 3]);
        a.severity = Severity::S1;
        a.services = vec![id("api"), id("web")];
        a.root_cause = Some("Config-Change".into());
        a.confidential = true;
        let mut b = incident("b", "2026-03-03T10:00:00Z", [None; 3]);
        b.root_cause = Some("Config-Change".into());
        let c = incident("c", "2026-03-04T10:00:00Z", [None; 3]);
        let s = incident_stats(
            &[a, b, c],
            m("2026-03"),
            m("2026-03"),
            t("2026-04-01T00:00:00Z"),
        );
        let x = &s.months[0];
        assert_eq!(x.incidents, 3);
        assert_eq!(x.by_severity, [1, 2, 0, 0]);
        assert_eq!(x.by_service[&id("web")], 3);
        assert_eq!(x.by_service[&id("api")], 1);
        assert_eq!(x.by_root_cause["Config-Change"], 2);
        assert_eq!(x.without_root_cause, 1);
    }

    #[test]
    fn times_with_missing_ones_counted_beside() {
        let incidents = [
            incident("a", "2026-03-01T00:00:00Z", [Some(2), Some(30), Some(60)]),
            incident("b", "2026-03-02T00:00:00Z", [Some(4), Some(10), None]),
            incident("c", "2026-03-03T00:00:00Z", [Some(6), None, Some(600)]),
            incident("d", "2026-03-04T00:00:00Z", [None, None, None]),
            incident("e", "2026-03-05T00:00:00Z", [Some(8), Some(50), Some(90)]),
            // Resolved after "as of": not resolved yet as of then.
            incident("f", "2026-03-31T23:00:00Z", [Some(10), Some(20), Some(70)]),
        ];
        let s = incident_stats(
            &incidents,
            m("2026-03"),
            m("2026-04"),
            t("2026-04-01T00:00:00Z"),
        );
        let x = &s.months[0];
        let min = |v: i64| Some(Duration::minutes(v));
        // Detect: 2, 4, 6, 8, 10 → median 3rd = 6, p90 5th = 10.
        assert_eq!(
            x.time_to_detect,
            DurationStats {
                n: 5,
                missing: 1,
                median: min(6),
                p90: min(10)
            }
        );
        // Mitigate: 10, 20, 30, 50 → median 2nd = 20, p90 4th = 50.
        assert_eq!(
            x.time_to_mitigate,
            DurationStats {
                n: 4,
                missing: 2,
                median: min(20),
                p90: min(50)
            }
        );
        // Resolve: 60, 90, 600 (f's 70 is after "as of") → 90 and 600.
        assert_eq!(
            x.time_to_resolve,
            DurationStats {
                n: 3,
                missing: 3,
                median: min(90),
                p90: min(600)
            }
        );
        // April: no incidents, no figures.
        assert_eq!(s.months[1].time_to_detect, DurationStats::default());
    }

    #[test]
    fn corrective_actions_open_and_overdue_as_of() {
        let mut a = incident("a", "2026-05-10T00:00:00Z", [None; 3]);
        a.corrective_actions = vec![
            // Due the day before "as of": overdue by one day.
            action(ActionStatus::Open, Some((2026, 7, 14))),
            // Due on the day of "as of": not yet overdue.
            action(ActionStatus::Open, Some((2026, 7, 15))),
            // Closed late: not overdue.
            action(ActionStatus::Closed, Some((2026, 6, 1))),
            // No due date: open, never overdue.
            action(ActionStatus::Open, None),
        ];
        let mut b = incident("b", "2026-06-10T00:00:00Z", [None; 3]);
        b.confidential = true;
        b.corrective_actions = vec![action(ActionStatus::Open, Some((2026, 6, 30)))];
        let s = incident_stats(
            &[a.clone(), b],
            m("2026-05"),
            m("2026-07"),
            t("2026-07-15T23:59:59Z"),
        );
        let may = &s.months[0].actions;
        assert_eq!((may.total, may.open, may.overdue), (4, 3, 1));
        assert_eq!(
            may.overdue_actions,
            [OverdueAction {
                incident: id("a"),
                index: 0,
                due: NaiveDate::from_ymd_opt(2026, 7, 14).unwrap(),
                days_overdue: 1,
            }]
        );
        let june = &s.months[1].actions;
        assert_eq!((june.total, june.open, june.overdue), (1, 1, 1));
        assert_eq!(june.overdue_actions[0].days_overdue, 15);
        assert_eq!(s.months[2].actions, ActionFigures::default());
        // A day later, the action due on the 15th is overdue too.
        let s = incident_stats(&[a], m("2026-05"), m("2026-05"), t("2026-07-16T00:00:00Z"));
        assert_eq!(s.months[0].actions.overdue, 2);
    }

    #[test]
    fn change_between_complete_months_only() {
        let incidents = [
            incident("a", "2026-01-05T00:00:00Z", [Some(5), None, None]),
            incident("b", "2026-02-05T00:00:00Z", [Some(3), None, None]),
            incident("c", "2026-02-06T00:00:00Z", [Some(3), None, None]),
            incident("d", "2026-03-01T00:00:00Z", [None; 3]),
        ];
        let s = incident_stats(
            &incidents,
            m("2026-01"),
            m("2026-03"),
            t("2026-03-10T00:00:00Z"),
        );
        assert_eq!(s.months[0].change, None, "no previous month");
        let feb = s.months[1].change.unwrap();
        assert_eq!(feb.previous, m("2026-01"));
        assert_eq!(feb.incidents.diff(), 1);
        assert_eq!(feb.by_severity[1].diff(), 1);
        assert_eq!(
            feb.time_to_detect_median.diff(),
            Some(Duration::minutes(-2))
        );
        assert_eq!(s.months[2].change, None, "March is month to date");
    }
}
