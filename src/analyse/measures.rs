//! Measures shared by the incident and pager statistics: nearest-rank
//! median and p90 of durations (records lacking the time counted beside),
//! month-over-month deltas, and the index of a month in a report's range.
//! Exact: durations are compared as they are, never as floats.

use chrono::{DateTime, Duration, Utc};

use crate::data::Month;

/// Median and p90 of one duration over a month's records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DurationStats {
    /// Records that have the time (the figures are over these).
    pub n: usize,
    /// Records that lack it (not acknowledged, not resolved, ... as of "as
    /// of"): left out of the figures and counted here.
    pub missing: usize,
    /// Nearest-rank: the ceil(0.5·n)-th smallest; `None` when `n` is 0.
    pub median: Option<Duration>,
    /// Nearest-rank: the ceil(0.9·n)-th smallest; `None` when `n` is 0.
    pub p90: Option<Duration>,
}

impl DurationStats {
    /// Figures of `values` (reordered in place), with `missing` beside.
    /// Linear: two selections, no sort.
    pub fn of(values: &mut [Duration], missing: usize) -> DurationStats {
        DurationStats {
            n: values.len(),
            missing,
            median: nearest_rank(values, 50),
            p90: nearest_rank(values, 90),
        }
    }
}

/// The ceil(percent/100 · n)-th smallest of `values` (1-based rank, at
/// least 1), or `None` for no values. Integer arithmetic, so the rank is
/// exact (no `0.9 * n` rounding surprises).
pub fn nearest_rank(values: &mut [Duration], percent: u32) -> Option<Duration> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let rank = (n * percent as usize).div_ceil(100).clamp(1, n);
    Some(*values.select_nth_unstable(rank - 1).1)
}

/// FNV-1a: a fast hasher for counting by short keys (titles, ids, root
/// causes). The keys come from the team's own data, so HashDoS resistance
/// (std's SipHash) buys nothing here, and SipHash was the largest cost.
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        for b in bytes {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// A `HashMap` with `Fnv`.
pub type FastMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

/// A figure this month and the previous complete month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Delta<T> {
    pub previous: T,
    pub current: T,
}

impl Delta<usize> {
    /// current − previous.
    pub fn diff(&self) -> i64 {
        self.current as i64 - self.previous as i64
    }
}

impl Delta<Option<Duration>> {
    /// current − previous, when both months have the figure.
    pub fn diff(&self) -> Option<Duration> {
        Some(self.current? - self.previous?)
    }
}

/// Months `first..=last` as indices `0..len`, for linear bucketing.
#[derive(Debug, Clone, Copy)]
pub struct MonthRange {
    first: Month,
    len: usize,
}

impl MonthRange {
    /// Empty when `last` is before `first`.
    pub fn new(first: Month, last: Month) -> MonthRange {
        let len = (ordinal(last) - ordinal(first) + 1).max(0) as usize;
        MonthRange { first, len }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn months(&self) -> impl Iterator<Item = Month> {
        std::iter::successors(Some(self.first), |m| Some(m.next())).take(self.len)
    }

    /// Index of the month containing `t`, if it is in the range.
    pub fn index(&self, t: DateTime<Utc>) -> Option<usize> {
        let i = ordinal(Month::of(t)) - ordinal(self.first);
        (0..self.len as i64).contains(&i).then_some(i as usize)
    }
}

fn ordinal(m: Month) -> i64 {
    i64::from(m.year()) * 12 + i64::from(m.number()) - 1
}

/// A month is complete when it ended at or before "as of"; the month
/// containing "as of" is month to date.
pub fn complete(m: Month, as_of: DateTime<Utc>) -> bool {
    m.end() <= as_of
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mins(v: &[i64]) -> Vec<Duration> {
        v.iter().map(|m| Duration::minutes(*m)).collect()
    }

    fn figures(v: &[i64], missing: usize) -> (Option<i64>, Option<i64>, usize, usize) {
        let s = DurationStats::of(&mut mins(v), missing);
        (
            s.median.map(|d| d.num_minutes()),
            s.p90.map(|d| d.num_minutes()),
            s.n,
            s.missing,
        )
    }

    #[test]
    fn nearest_rank_on_small_sets() {
        // n = 0: nothing to rank, the missing ones still counted.
        assert_eq!(figures(&[], 3), (None, None, 0, 3));
        // n = 1: both ranks are 1.
        assert_eq!(figures(&[7], 0), (Some(7), Some(7), 1, 0));
        // n = 2: median rank ceil(1) = 1, p90 rank ceil(1.8) = 2.
        assert_eq!(figures(&[9, 4], 0), (Some(4), Some(9), 2, 0));
        // n = 5: median rank ceil(2.5) = 3, p90 rank ceil(4.5) = 5.
        assert_eq!(
            figures(&[50, 10, 40, 20, 30], 1),
            (Some(30), Some(50), 5, 1)
        );
        // n = 10: median rank 5, p90 rank 9 (not the 10th: no rounding up).
        assert_eq!(
            figures(&[10, 1, 9, 2, 8, 3, 7, 4, 6, 5], 2),
            (Some(5), Some(9), 10, 2)
        );
        // n = 11: p90 rank ceil(9.9) = 10, median rank ceil(5.5) = 6.
        assert_eq!(
            figures(&[11, 1, 10, 2, 9, 3, 8, 4, 7, 5, 6], 0),
            (Some(6), Some(10), 11, 0)
        );
        // Ties keep their value.
        assert_eq!(figures(&[3, 3, 3], 0), (Some(3), Some(3), 3, 0));
    }

    #[test]
    fn seconds_are_kept() {
        let mut v = vec![Duration::seconds(61), Duration::seconds(59)];
        assert_eq!(nearest_rank(&mut v, 90), Some(Duration::seconds(61)));
    }

    #[test]
    fn month_range_indices() {
        let m = |s| Month::parse(s).unwrap();
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        let r = MonthRange::new(m("2025-11"), m("2026-02"));
        assert_eq!(r.len(), 4);
        assert_eq!(r.index(t("2025-10-31T23:59:59Z")), None);
        assert_eq!(r.index(t("2025-11-01T00:00:00Z")), Some(0));
        assert_eq!(r.index(t("2025-12-31T23:59:59Z")), Some(1));
        assert_eq!(r.index(t("2026-01-01T00:00:00Z")), Some(2));
        assert_eq!(r.index(t("2026-03-01T00:00:00Z")), None);
        assert!(MonthRange::new(m("2026-02"), m("2026-01")).is_empty());
        assert!(complete(m("2026-01"), t("2026-02-01T00:00:00Z")));
        assert!(!complete(m("2026-02"), t("2026-02-01T00:00:00Z")));
    }

    #[test]
    fn deltas() {
        assert_eq!(
            Delta {
                previous: 5,
                current: 3
            }
            .diff(),
            -2
        );
        let d = Delta {
            previous: Some(Duration::minutes(10)),
            current: None,
        };
        assert_eq!(d.diff(), None);
    }
}
