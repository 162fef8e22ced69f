//! `Month`: a calendar month in UTC, the unit of the availability record
//! (`data/sli/YYYY-MM.yaml`, `/availability/YYYY-MM/`). A value is always a
//! real month: the constructor checks it, so no later stage re-validates.

use std::fmt;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    /// 1..=12.
    month: u32,
}

impl Month {
    /// `None` unless `month` is 1..=12 and the year is 1000..=9999.
    pub fn new(year: i32, month: u32) -> Option<Month> {
        ((1000..=9999).contains(&year) && (1..=12).contains(&month))
            .then_some(Month { year, month })
    }

    /// `2026-10`, exactly (four digits, dash, two digits).
    pub fn parse(s: &str) -> Option<Month> {
        let b = s.as_bytes();
        if b.len() != 7
            || b[4] != b'-'
            || !s[..4]
                .bytes()
                .chain(s[5..].bytes())
                .all(|c| c.is_ascii_digit())
        {
            return None;
        }
        Month::new(s[..4].parse().ok()?, s[5..].parse().ok()?)
    }

    /// The month containing `t`.
    pub fn of(t: DateTime<Utc>) -> Month {
        Month {
            year: t.year(),
            month: t.month(),
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn number(self) -> u32 {
        self.month
    }

    /// The first instant of the month.
    pub fn start(self) -> DateTime<Utc> {
        NaiveDate::from_ymd_opt(self.year, self.month, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("a checked month has a first day")
            .and_utc()
    }

    /// The first instant of the next month (the end, exclusive).
    pub fn end(self) -> DateTime<Utc> {
        self.next().start()
    }

    pub fn next(self) -> Month {
        match self.month {
            12 => Month {
                year: self.year + 1,
                month: 1,
            },
            m => Month {
                year: self.year,
                month: m + 1,
            },
        }
    }

    pub fn prev(self) -> Month {
        match self.month {
            1 => Month {
                year: self.year - 1,
                month: 12,
            },
            m => Month {
                year: self.year,
                month: m - 1,
            },
        }
    }

    pub fn days(self) -> u32 {
        (self.end() - self.start()).num_days() as u32
    }

    /// Length in seconds (exact: UTC has no leap seconds in chrono).
    pub fn seconds(self) -> i64 {
        (self.end() - self.start()).num_seconds()
    }

    pub fn duration(self) -> Duration {
        self.end() - self.start()
    }

    /// `October`.
    pub fn name(self) -> &'static str {
        const NAMES: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        NAMES[self.month as usize - 1]
    }

    /// Every month from `self` to `last`, both included (empty if `last` is
    /// earlier).
    pub fn through(self, last: Month) -> impl Iterator<Item = Month> {
        std::iter::successors(Some(self), |m| Some(m.next())).take_while(move |m| *m <= last)
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print() {
        assert_eq!(Month::parse("2026-10").unwrap().to_string(), "2026-10");
        for bad in [
            "2026-13",
            "2026-00",
            "26-10",
            "2026-1",
            "2026/10",
            "2026-10-01",
            "２０26-10",
        ] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn lengths() {
        let m = |s| Month::parse(s).unwrap();
        assert_eq!(m("2026-02").days(), 28);
        assert_eq!(m("2024-02").days(), 29);
        assert_eq!(m("2026-04").days(), 30);
        assert_eq!(m("2026-10").days(), 31);
        assert_eq!(m("2026-10").seconds(), 31 * 86_400);
        assert_eq!(m("2026-12").next(), m("2027-01"));
        assert_eq!(m("2027-01").prev(), m("2026-12"));
        assert_eq!(m("2026-12").end().to_rfc3339(), "2027-01-01T00:00:00+00:00");
        let months: Vec<String> = m("2025-11")
            .through(m("2026-02"))
            .map(|m| m.to_string())
            .collect();
        assert_eq!(months, ["2025-11", "2025-12", "2026-01", "2026-02"]);
        assert_eq!(m("2026-02").through(m("2026-01")).count(), 0);
    }
}
