//! Which records a run of `opsbook pull` asks for, from its flags and the
//! current instant:
//!
//! - neither flag: incidents updated since the start of the previous
//!   month; pages of the previous and the current month; SLIs of the
//!   previous month (the current one is incomplete);
//! - `--since DATE`: incidents updated since DATE; pages of every month
//!   from DATE's to the current one; SLIs of those months that are
//!   complete;
//! - `--month M`: the incidents that started in M; M's pages and SLIs
//!   (the month to date when M is the current month).

use chrono::{DateTime, NaiveDate, Utc};

use crate::data::Month;
use crate::diag::Diagnostic;

/// The flags that choose the window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Span {
    Default,
    Since(NaiveDate),
    Month(Month),
}

/// What one run fetches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    pub incidents: IncidentWindow,
    /// Months whose `data/pages/M.yaml` is fetched whole, oldest first.
    pub page_months: Vec<Month>,
    /// Months whose `data/sli/M.yaml` is fetched, oldest first.
    pub sli: Vec<SliPeriod>,
}

/// The incidents asked of the tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncidentWindow {
    /// `updated_after` of the list request.
    pub updated_after: DateTime<Utc>,
    /// Keep only incidents whose `started_at` is in `[start, end)`
    /// (`--month`); `None` keeps every incident returned.
    pub started_in: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// One month of SLIs, measured up to `until`: the month's end, or the
/// current instant for the month to date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SliPeriod {
    pub month: Month,
    pub until: DateTime<Utc>,
}

impl SliPeriod {
    /// The measured length, in whole seconds (the `{range}` of the query).
    pub fn seconds(&self) -> i64 {
        (self.until - self.month.start()).num_seconds()
    }
}

/// The plan for `span` at the instant `now`.
pub fn plan(span: Span, now: DateTime<Utc>) -> Result<Plan, Diagnostic> {
    let current = Month::of(now);
    let complete = |m: Month| SliPeriod {
        month: m,
        until: m.end(),
    };
    match span {
        Span::Default => {
            let prev = current.prev();
            Ok(Plan {
                incidents: IncidentWindow {
                    updated_after: prev.start(),
                    started_in: None,
                },
                page_months: vec![prev, current],
                sli: vec![complete(prev)],
            })
        }
        Span::Since(date) => {
            let start = date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            if start > now {
                return Err(Diagnostic::error(format!(
                    "--since {date} is in the future (now is {})",
                    now.format("%Y-%m-%d %H:%M UTC")
                ))
                .help("give a date up to today, e.g. the first day of the month to refresh"));
            }
            let first = Month::of(start);
            Ok(Plan {
                incidents: IncidentWindow {
                    updated_after: start,
                    started_in: None,
                },
                page_months: first.through(current).collect(),
                sli: first
                    .through(current)
                    .filter(|m| *m < current)
                    .map(complete)
                    .collect(),
            })
        }
        Span::Month(m) => {
            if m > current {
                return Err(Diagnostic::error(format!(
                    "--month {m} has not started yet (now is {})",
                    now.format("%Y-%m-%d %H:%M UTC")
                ))
                .help(format!("give a month up to {current}")));
            }
            let until = if m == current { now } else { m.end() };
            Ok(Plan {
                incidents: IncidentWindow {
                    updated_after: m.start(),
                    started_in: Some((m.start(), m.end())),
                },
                page_months: vec![m],
                sli: vec![SliPeriod { month: m, until }],
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn month(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    #[test]
    fn default_is_the_previous_and_current_month() {
        let p = plan(Span::Default, at("2026-12-02T10:00:00Z")).unwrap();
        assert_eq!(p.incidents.updated_after, at("2026-11-01T00:00:00Z"));
        assert_eq!(p.page_months, [month("2026-11"), month("2026-12")]);
        assert_eq!(
            p.sli,
            [SliPeriod {
                month: month("2026-11"),
                until: at("2026-12-01T00:00:00Z")
            }]
        );
    }

    #[test]
    fn january_reaches_back_into_the_previous_year() {
        let p = plan(Span::Default, at("2027-01-01T00:00:00Z")).unwrap();
        assert_eq!(p.page_months, [month("2026-12"), month("2027-01")]);
    }

    #[test]
    fn since_takes_every_month_and_only_complete_slis() {
        let d = NaiveDate::from_ymd_opt(2026, 9, 15).unwrap();
        let p = plan(Span::Since(d), at("2026-12-02T10:00:00Z")).unwrap();
        assert_eq!(p.incidents.updated_after, at("2026-09-15T00:00:00Z"));
        assert_eq!(p.page_months.len(), 4);
        let sli: Vec<Month> = p.sli.iter().map(|s| s.month).collect();
        assert_eq!(sli, [month("2026-09"), month("2026-10"), month("2026-11")]);
        let future = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert!(plan(Span::Since(future), at("2026-12-02T10:00:00Z")).is_err());
    }

    #[test]
    fn month_filters_by_start_and_measures_the_month_to_date() {
        let now = at("2026-12-02T10:00:00Z");
        let p = plan(Span::Month(month("2026-10")), now).unwrap();
        assert_eq!(
            p.incidents.started_in,
            Some((at("2026-10-01T00:00:00Z"), at("2026-11-01T00:00:00Z")))
        );
        assert_eq!(p.sli[0].seconds(), 31 * 86_400);
        let current = plan(Span::Month(month("2026-12")), now).unwrap();
        assert_eq!(current.sli[0].until, now);
        assert_eq!(current.sli[0].seconds(), 86_400 + 10 * 3_600);
        assert!(plan(Span::Month(month("2027-01")), now).is_err());
    }
}
