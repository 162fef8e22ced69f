//! `Percent`: a percentage exactly as written (`99.95`, `100`, `99.9621`),
//! kept as a decimal, never as a float, so that targets and measured
//! availabilities compare and subtract exactly (a month exactly on target is
//! "met", and displays the target).

use std::cmp::Ordering;
use std::fmt;

/// At most this many decimals: finer than any metrics engine reports
/// meaningfully, and small enough that arithmetic stays inside `i128`.
pub const MAX_DECIMALS: u32 = 12;

/// `units / 10^scale` percent, 0 ≤ value ≤ 100, trailing zeros removed (so
/// that equal values are equal structs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Percent {
    units: i64,
    scale: u32,
}

impl Percent {
    pub const HUNDRED: Percent = Percent {
        units: 100,
        scale: 0,
    };
    pub const ZERO: Percent = Percent { units: 0, scale: 0 };

    /// Parses `99.95`, `100`, `0.5`, `99.9621`: plain decimal notation,
    /// no sign, no exponent, at most `MAX_DECIMALS` decimals, 0..=100.
    pub fn parse(s: &str) -> Option<Percent> {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        if int.is_empty()
            || int.len() > 3
            || !int.bytes().all(|b| b.is_ascii_digit())
            || !frac.bytes().all(|b| b.is_ascii_digit())
            || frac.len() > MAX_DECIMALS as usize
            || (s.contains('.') && frac.is_empty())
        {
            return None;
        }
        let scale = frac.len() as u32;
        let units: i64 = format!("{int}{frac}").parse().ok()?;
        let p = Percent { units, scale }.normalised();
        (p <= Percent::HUNDRED).then_some(p)
    }

    /// From a number of `1/10^scale` percent (for tests and generators).
    pub fn from_units(units: i64, scale: u32) -> Option<Percent> {
        let p = Percent { units, scale }.normalised();
        (units >= 0 && scale <= MAX_DECIMALS && p <= Percent::HUNDRED).then_some(p)
    }

    fn normalised(mut self) -> Percent {
        while self.scale > 0 && self.units % 10 == 0 {
            self.units /= 10;
            self.scale -= 1;
        }
        self
    }

    /// The exact value as a fraction of one (`99.95` → 9995/10000):
    /// `(numerator, denominator)`, denominator a power of ten.
    pub fn fraction(self) -> (i128, i128) {
        (i128::from(self.units), 100 * 10i128.pow(self.scale))
    }

    /// For charts and JSON only; never for comparisons.
    pub fn to_f64(self) -> f64 {
        self.units as f64 / 10f64.powi(self.scale as i32)
    }
}

impl Ord for Percent {
    fn cmp(&self, other: &Percent) -> Ordering {
        let (a, da) = self.fraction();
        let (b, db) = other.fraction();
        (a * db).cmp(&(b * da))
    }
}

impl PartialOrd for Percent {
    fn partial_cmp(&self, other: &Percent) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// As written, without trailing zeros: `99.95`, `100`, `99.9621`.
impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.units.to_string();
        let scale = self.scale as usize;
        if scale == 0 {
            return f.write_str(&digits);
        }
        let padded = format!("{digits:0>width$}", width = scale + 1);
        let (int, frac) = padded.split_at(padded.len() - scale);
        write!(f, "{int}.{frac}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Percent {
        Percent::parse(s).unwrap_or_else(|| panic!("{s}"))
    }

    #[test]
    fn parses_what_people_write() {
        assert_eq!(p("99.95").to_string(), "99.95");
        assert_eq!(p("99.950").to_string(), "99.95");
        assert_eq!(p("100").to_string(), "100");
        assert_eq!(p("100.000"), Percent::HUNDRED);
        assert_eq!(p("0.05").to_string(), "0.05");
        assert_eq!(p("99.962134789123").to_string(), "99.962134789123");
        for bad in [
            "",
            "-1",
            "100.01",
            "1e2",
            "99.",
            ".5",
            "99,95",
            "abc",
            "99.9621347891234",
            "1000",
        ] {
            assert_eq!(Percent::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn compares_exactly() {
        assert!(p("99.95") < p("99.951"));
        assert!(p("99.9") > p("99.89999999"));
        assert_eq!(p("99.5").cmp(&p("99.50")), Ordering::Equal);
        assert_eq!(p("99.95").fraction(), (9995, 10000));
        assert_eq!(Percent::from_units(9995, 2), Some(p("99.95")));
        assert_eq!(Percent::from_units(10001, 2), None);
    }
}
