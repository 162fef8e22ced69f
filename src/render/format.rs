//! How figures read: durations and times as the site (and the post-mortem
//! skeleton) print them. `analyse` computes, this module formats.

use chrono::{DateTime, Duration, Utc};

use crate::analyse::measures::Delta;

/// `1 h 35 min`, `12 min`, `45 s`, `2 d 3 h`: short, for tables.
pub fn duration(d: Duration) -> String {
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

/// A duration that may be missing (no record had the time): `–`.
pub fn maybe_duration(d: Option<Duration>) -> String {
    d.map_or_else(|| "–".into(), duration)
}

/// `2026-07-07 09:30 UTC`.
pub fn utc_minute(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// A change of a count from the previous month: `+3 (was 10)`.
pub fn count_change(d: &Delta<usize>) -> String {
    format!("{:+} (was {})", d.diff(), d.previous)
}

/// A change of a duration: `-12 min (was 1 h 4 min)`, `–` when either side
/// has no value.
pub fn duration_change(d: &Delta<Option<Duration>>) -> String {
    match (d.diff(), d.previous) {
        (Some(x), Some(was)) => format!("{} (was {})", signed_duration(x), duration(was)),
        _ => "–".into(),
    }
}

/// `+4 min`, `-1 h 2 min`, `+0 s`.
pub fn signed_duration(d: Duration) -> String {
    if d < Duration::zero() {
        format!("-{}", duration(-d))
    } else {
        format!("+{}", duration(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(Duration::seconds(45)), "45 s");
        assert_eq!(duration(Duration::minutes(12)), "12 min");
        assert_eq!(duration(Duration::minutes(95)), "1 h 35 min");
        assert_eq!(duration(Duration::hours(2)), "2 h");
        assert_eq!(duration(Duration::hours(51)), "2 d 3 h");
    }

    #[test]
    fn changes_are_signed_with_the_previous_value() {
        let d = Delta {
            previous: 10,
            current: 9,
        };
        assert_eq!(count_change(&d), "-1 (was 10)");
        let t = Delta {
            previous: Some(Duration::minutes(64)),
            current: Some(Duration::minutes(52)),
        };
        assert_eq!(duration_change(&t), "-12 min (was 1 h 4 min)");
        let none = Delta {
            previous: None,
            current: Some(Duration::minutes(5)),
        };
        assert_eq!(duration_change(&none), "–");
    }
}
