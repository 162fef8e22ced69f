//! The availability record, exact to the second: per service and month the
//! availability, downtime, error budget, budget spent and remaining, burn
//! rate and whether the target was met; the platform figure; per service
//! the daily values of the 90 days ending at "as of" and rolling 30-, 90-
//! and 365-day figures. The rules are docs/data-format.md "How availability
//! is computed"; the arithmetic is in whole seconds and exact rationals
//! (`exact::Ratio`), never minute by minute and never in floating point.
//! Instants count to the whole second (a sub-second part is dropped, at
//! both ends alike); the record starts at the first second of the first
//! data month and ends at "as of" (nothing after it counts).
//!
//! The input is a plain `Input`, not the `Dataset`, so that the engine does
//! not move with the loading code; the output is typed figures (seconds
//! and percents as `Ratio`), formatted by the renderers.
//! Confidential incidents count here like any other.

mod sweep;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};

pub use super::exact::{Fraction, Ratio};
use crate::data::{Id, Incident, MaintenanceWindow, Month, Percent};

const SECONDS_PER_DAY: i64 = 86_400;
/// Day slots computed per service: enough for the longest rolling figure.
const DAY_SLOTS: usize = 365;
/// Daily values shown per service (the uptime bars).
pub const DAILY_BARS: usize = 90;
/// Lengths of the rolling figures, in days.
pub const ROLLING_DAYS: [u32; 3] = [30, 90, 365];

/// A service as the engine needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceSpec {
    pub id: Id,
    /// Weight in the platform figure; 0 = left out of it.
    pub weight: u32,
    pub target: Percent,
}

/// A service's figure in `data/sli/YYYY-MM.yaml`.
#[derive(Debug, Clone, PartialEq)]
pub struct SliFigure {
    pub availability: Percent,
    /// One value per day of the month, from the 1st (may be shorter in the
    /// month to date).
    pub daily: Option<Vec<Percent>>,
}

/// The configurable rules (`[availability]` in `opsbook.toml`).
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    /// Weight of a second of `impact: degraded`, per severity S1..S4.
    pub degraded: [Fraction; 4],
    /// The platform's target; `None`: the weight-weighted mean of the
    /// services' targets.
    pub platform_target: Option<Percent>,
}

impl Default for Rules {
    fn default() -> Rules {
        Rules {
            degraded: [
                Fraction::HALF,
                Fraction::HALF,
                Fraction::ZERO,
                Fraction::ZERO,
            ],
            platform_target: None,
        }
    }
}

/// Everything the record is computed from.
#[derive(Debug, Clone)]
pub struct Input<'a> {
    pub services: Vec<ServiceSpec>,
    pub incidents: &'a [Incident],
    pub maintenance: &'a [MaintenanceWindow],
    pub sli: BTreeMap<(Id, Month), SliFigure>,
    /// Platform figures of imported months (a computed month wins).
    pub imported: BTreeMap<Month, Percent>,
    /// The earliest month with any incident, maintenance window, SLI figure
    /// or page: the record is computed from its first second.
    pub first_data_month: Option<Month>,
    pub as_of: DateTime<Utc>,
    pub rules: Rules,
}

/// Where a figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    Sli,
    Incidents,
    Imported,
}

impl Source {
    /// As in `availability.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Sli => "sli",
            Source::Incidents => "incidents",
            Source::Imported => "imported",
        }
    }
}

/// The record. Percents and seconds are exact; see `Ratio::to_f64` and
/// `minutes` for charts and exports.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub as_of: DateTime<Utc>,
    /// Percent; `None` when no service has a weight and none is configured.
    pub platform_target: Option<Ratio>,
    /// Oldest first: imported months before the data, then every month from
    /// the first data month to the month of "as of".
    pub months: Vec<MonthFigures>,
    /// Per service, in the order of `Input::services`.
    pub recent: Vec<ServiceRecent>,
}

impl Record {
    pub fn month(&self, m: Month) -> Option<&MonthFigures> {
        self.months
            .binary_search_by(|f| f.month.cmp(&m))
            .ok()
            .map(|i| &self.months[i])
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MonthFigures {
    pub month: Month,
    /// False for the month to date.
    pub complete: bool,
    /// `T`: seconds in the month, or elapsed up to "as of" in the month to
    /// date.
    pub seconds: i64,
    /// An imported month: only `platform` is known, `services` is empty.
    pub imported: bool,
    /// Percent: mean of the services' availabilities weighted by weight
    /// (weight 0 left out); `None` without a weighted service.
    pub platform: Option<Ratio>,
    /// `platform >= platform target`; `None` in the month to date or
    /// without either figure.
    pub platform_met: Option<bool>,
    /// In the order of `Input::services`.
    pub services: Vec<ServiceMonth>,
}

impl MonthFigures {
    /// `T` in minutes (fractional in the month to date).
    pub fn minutes(&self) -> Ratio {
        minutes(Ratio::from(self.seconds))
    }

    pub fn service(&self, id: &Id) -> Option<&ServiceMonth> {
        self.services.iter().find(|s| &s.id == id)
    }
}

/// One service in one month. Durations in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceMonth {
    pub id: Id,
    pub weight: u32,
    pub target: Percent,
    pub source: Source,
    /// Percent.
    pub availability: Ratio,
    /// `D`: weighted downtime (for an SLI month, `(100 − a) / 100 × T`).
    pub downtime: Ratio,
    /// `(100 − target) / 100 × T`.
    pub budget: Ratio,
    /// Budget spent: the downtime.
    pub spent: Ratio,
    /// `budget − spent`; negative once the budget is overspent.
    pub remaining: Ratio,
    /// `spent / budget`; `None` when the budget is 0 (a 100 % target or an
    /// empty month to date).
    pub burn_rate: Option<Ratio>,
    /// `availability >= target`, exactly; `None` in the month to date.
    pub met: Option<bool>,
}

/// A service's recent days and rolling figures, ending at "as of".
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceRecent {
    pub id: Id,
    /// The `DAILY_BARS` UTC days ending at "as of", oldest first; the last
    /// one holds "as of" (or ends at it, when "as of" is midnight).
    pub days: Vec<DayFigure>,
    /// One per `ROLLING_DAYS`, in that order.
    pub rolling: Vec<Rolling>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DayFigure {
    pub date: NaiveDate,
    /// Seconds of the day up to "as of" (86,400 but for the last day).
    pub seconds: i64,
    /// `None`: before the data begins ("no data", not 100 %).
    pub value: Option<DayValue>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DayValue {
    /// Percent.
    pub availability: Ratio,
    /// Seconds.
    pub downtime: Ratio,
    /// `Sli` (the `daily` value) or `Incidents`.
    pub source: Source,
}

/// The `days` days ending at "as of": the day slots that have data.
#[derive(Debug, Clone, PartialEq)]
pub struct Rolling {
    pub days: u32,
    /// Seconds with data in the window.
    pub seconds: i64,
    /// Seconds.
    pub downtime: Ratio,
    /// Percent over `seconds`; `None` when no day of the window has data.
    pub availability: Option<Ratio>,
}

/// Seconds to minutes, exactly.
pub fn minutes(seconds: Ratio) -> Ratio {
    seconds / Ratio::integer(60)
}

/// `100 × (T − D) / T` percent; 100 when `T` is 0 (nothing elapsed,
/// nothing missed).
fn availability_of(seconds: i64, downtime: Ratio) -> Ratio {
    if seconds == 0 {
        return Ratio::HUNDRED;
    }
    let t = Ratio::from(seconds);
    Ratio::HUNDRED * (t - downtime) / t
}

/// `(100 − a) / 100 × T`: the downtime that availability `a` means.
fn downtime_of(availability: Ratio, seconds: i64) -> Ratio {
    (Ratio::HUNDRED - availability) * Ratio::new(i128::from(seconds), 100)
}

/// Weighted millionth-seconds from the sweep, as seconds.
fn seconds_of(millionths: i128) -> Ratio {
    Ratio::new(millionths, i128::from(Fraction::SCALE))
}

/// Computes the record.
pub fn analyse(input: &Input<'_>) -> Record {
    let as_of = input.as_of.timestamp();
    let last = Month::of(input.as_of);
    let computed: Vec<Month> = input
        .first_data_month
        .map(|first| first.through(last).collect())
        .unwrap_or_default();
    let range_start = computed.first().map_or(as_of, |m| m.start().timestamp());
    let month_starts: Vec<i64> = computed
        .iter()
        .map(|m| m.start().timestamp())
        .chain(computed.last().map(|m| m.end().timestamp()))
        .collect();
    // The last day slot is the one holding the last second before "as of".
    let last_day = (as_of - 1).div_euclid(SECONDS_PER_DAY) * SECONDS_PER_DAY;
    let grid = sweep::Grid {
        range_start,
        range_end: as_of,
        month_base: computed
            .first()
            .map_or(0, |m| i64::from(m.year()) * 12 + i64::from(m.number()) - 1),
        month_starts,
        day0: last_day - (DAY_SLOTS as i64 - 1) * SECONDS_PER_DAY,
        days: DAY_SLOTS,
    };
    let index: BTreeMap<&Id, usize> = input
        .services
        .iter()
        .enumerate()
        .map(|(i, s)| (&s.id, i))
        .collect();
    let down = sweep::sweep(
        &grid,
        input.services.len(),
        |id| index.get(id).copied(),
        input.incidents,
        input.maintenance,
        &input.rules.degraded,
    );

    let platform_target = input.rules.platform_target.map(Ratio::percent).or_else(|| {
        weighted_mean(
            input
                .services
                .iter()
                .map(|s| (s.weight, Ratio::percent(s.target))),
        )
    });
    let imported = input
        .imported
        .iter()
        .filter(|(m, _)| computed.first().map_or(**m <= last, |first| *m < first))
        .map(|(m, p)| {
            let complete = *m < last;
            let platform = Ratio::percent(*p);
            MonthFigures {
                month: *m,
                complete,
                seconds: month_seconds(*m, complete, as_of),
                imported: true,
                platform: Some(platform),
                platform_met: platform_target.filter(|_| complete).map(|t| platform >= t),
                services: Vec::new(),
            }
        });
    let computed_months = computed.iter().enumerate().map(|(k, m)| {
        let complete = *m < last;
        let seconds = month_seconds(*m, complete, as_of);
        let services: Vec<ServiceMonth> = input
            .services
            .iter()
            .enumerate()
            .map(|(s, spec)| {
                let sli = input.sli.get(&(spec.id.clone(), *m));
                service_month(spec, sli, down.months[s][k], seconds, complete)
            })
            .collect();
        let platform = weighted_mean(services.iter().map(|s| (s.weight, s.availability)));
        MonthFigures {
            month: *m,
            complete,
            seconds,
            imported: false,
            platform,
            platform_met: platform
                .zip(platform_target)
                .filter(|_| complete)
                .map(|(p, t)| p >= t),
            services,
        }
    });
    let months = imported.chain(computed_months).collect();

    let recent = input
        .services
        .iter()
        .enumerate()
        .map(|(s, spec)| recent(input, &grid, spec, &down.days[s]))
        .collect();
    Record {
        as_of: input.as_of,
        platform_target,
        months,
        recent,
    }
}

fn month_seconds(m: Month, complete: bool, as_of: i64) -> i64 {
    if complete {
        m.seconds()
    } else {
        (as_of - m.start().timestamp()).max(0)
    }
}

/// `Σ w·x / Σ w` over positive weights; `None` when there is none.
fn weighted_mean(items: impl Iterator<Item = (u32, Ratio)>) -> Option<Ratio> {
    let (sum, weights) = items
        .filter(|(w, _)| *w > 0)
        .fold((Ratio::ZERO, 0i128), |(sum, ws), (w, x)| {
            (sum + Ratio::integer(i128::from(w)) * x, ws + i128::from(w))
        });
    (weights > 0).then(|| sum / Ratio::integer(weights))
}

fn service_month(
    spec: &ServiceSpec,
    sli: Option<&SliFigure>,
    millionths: i128,
    seconds: i64,
    complete: bool,
) -> ServiceMonth {
    let (source, availability, downtime) = match sli {
        Some(f) => {
            let a = Ratio::percent(f.availability);
            (Source::Sli, a, downtime_of(a, seconds))
        }
        None => {
            let d = seconds_of(millionths);
            (Source::Incidents, availability_of(seconds, d), d)
        }
    };
    let target = Ratio::percent(spec.target);
    let budget = downtime_of(target, seconds);
    ServiceMonth {
        id: spec.id.clone(),
        weight: spec.weight,
        target: spec.target,
        source,
        availability,
        downtime,
        budget,
        spent: downtime,
        remaining: budget - downtime,
        burn_rate: (!budget.is_zero()).then(|| downtime / budget),
        met: complete.then(|| availability >= target),
    }
}

fn recent(
    input: &Input<'_>,
    grid: &sweep::Grid,
    spec: &ServiceSpec,
    down: &[i128],
) -> ServiceRecent {
    let days: Vec<DayFigure> = down
        .iter()
        .enumerate()
        .map(|(i, millionths)| {
            let start = grid.day0 + i as i64 * SECONDS_PER_DAY;
            let date = DateTime::from_timestamp(start, 0)
                .expect("a day of the record")
                .date_naive();
            let seconds = (grid.range_end - start).clamp(0, SECONDS_PER_DAY);
            let value = (start >= grid.range_start).then(|| {
                let month = Month::new(date.year(), date.month()).expect("a month of the record");
                let daily = input
                    .sli
                    .get(&(spec.id.clone(), month))
                    .and_then(|f| f.daily.as_ref())
                    .and_then(|d| d.get(date.day0() as usize));
                match daily {
                    Some(p) => {
                        let a = Ratio::percent(*p);
                        DayValue {
                            availability: a,
                            downtime: downtime_of(a, seconds),
                            source: Source::Sli,
                        }
                    }
                    None => {
                        let d = seconds_of(*millionths);
                        DayValue {
                            availability: availability_of(seconds, d),
                            downtime: d,
                            source: Source::Incidents,
                        }
                    }
                }
            });
            DayFigure {
                date,
                seconds,
                value,
            }
        })
        .collect();
    let rolling = ROLLING_DAYS
        .iter()
        .map(|&n| {
            let window = &days[days.len() - n as usize..];
            let (seconds, downtime) = window
                .iter()
                .filter_map(|d| d.value.as_ref().map(|v| (d.seconds, v.downtime)))
                .fold((0i64, Ratio::ZERO), |(s, dt), (ds, dd)| (s + ds, dt + dd));
            Rolling {
                days: n,
                seconds,
                downtime,
                availability: (seconds > 0).then(|| availability_of(seconds, downtime)),
            }
        })
        .collect();
    ServiceRecent {
        id: spec.id.clone(),
        days: days[days.len() - DAILY_BARS..].to_vec(),
        rolling,
    }
}
