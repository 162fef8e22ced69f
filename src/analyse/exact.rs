//! Exact numbers for the availability record: `Ratio`, a reduced fraction
//! of `i128`s (availabilities, downtimes, budgets, burn rates), and
//! `Fraction`, a decimal share 0..=1 as written in `opsbook.toml` (the
//! weight of a degraded incident). Decisions (`met`, the cut display) are
//! taken on these, never on an `f64`; `to_f64` exists for charts and JSON.
//!
//! Overflow: operands are reduced (cross-gcd) before every multiplication
//! and comparisons never multiply (continued-fraction comparison), so the
//! record's figures stay far inside `i128`; a result that still would not
//! fit panics with a clear message rather than wrapping silently.

use std::cmp::Ordering;
use std::fmt;
use std::ops::{Add, Div, Mul, Neg, Sub};

use crate::data::Percent;

/// `num / den`, `den > 0`, `gcd(num, den) = 1`: one representation per
/// value, so derived equality and hashing are exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ratio {
    num: i128,
    den: i128,
}

const OVERFLOW: &str = "exact availability arithmetic overflowed i128";

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.unsigned_abs(), b.unsigned_abs());
    // 64-bit remainders are a single instruction, 128-bit ones a library
    // call: most figures fit in 64 bits.
    while b != 0 {
        if let (Ok(x), Ok(y)) = (u64::try_from(a), u64::try_from(b)) {
            let (mut x, mut y) = (x, y);
            while y != 0 {
                (x, y) = (y, x % y);
            }
            return i128::from(x);
        }
        (a, b) = (b, a % b);
    }
    i128::try_from(a).expect(OVERFLOW)
}

impl Ratio {
    pub const ZERO: Ratio = Ratio { num: 0, den: 1 };
    pub const ONE: Ratio = Ratio { num: 1, den: 1 };
    pub const HUNDRED: Ratio = Ratio { num: 100, den: 1 };

    /// `num / den`, reduced. Panics if `den` is 0.
    pub fn new(num: i128, den: i128) -> Ratio {
        assert!(den != 0, "a ratio with denominator 0");
        let g = gcd(num, den).max(1);
        let sign = den.signum();
        Ratio {
            num: sign * num / g,
            den: sign * den / g,
        }
    }

    pub fn integer(n: i128) -> Ratio {
        Ratio { num: n, den: 1 }
    }

    /// The value of a percentage, in percent (`99.95` → 9995/100).
    pub fn percent(p: Percent) -> Ratio {
        let (num, den) = p.fraction();
        Ratio::new(num * 100, den)
    }

    pub fn numer(self) -> i128 {
        self.num
    }

    pub fn denom(self) -> i128 {
        self.den
    }

    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    /// For charts and JSON only; never for decisions.
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// The largest integer not above the value.
    pub fn floor(self) -> i128 {
        self.num.div_euclid(self.den)
    }

    pub fn min(self, other: Ratio) -> Ratio {
        if other < self { other } else { self }
    }

    /// The value cut (towards zero, never rounded) to two decimals:
    /// 99.996 → `99.99`, so `100.00` only ever shows an exact 100, and a
    /// value exactly on a two-decimal target shows that target.
    pub fn cut_to_two_decimals(self) -> String {
        let neg = self.num < 0;
        let abs = Ratio {
            num: self.num.abs(),
            den: self.den,
        };
        let int = abs.num / abs.den;
        let frac = Ratio::new(abs.num % abs.den, abs.den);
        // The largest k with k/100 <= frac, by comparison only (no product
        // that could overflow).
        let (mut lo, mut hi) = (0i128, 99i128);
        while lo < hi {
            let mid = (lo + hi + 1) / 2;
            if Ratio::new(mid, 100) <= frac {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        let sign = if neg && (int != 0 || lo != 0) {
            "-"
        } else {
            ""
        };
        format!("{sign}{int}.{lo:02}")
    }
}

impl From<i64> for Ratio {
    fn from(n: i64) -> Ratio {
        Ratio::integer(i128::from(n))
    }
}

impl Add for Ratio {
    type Output = Ratio;
    fn add(self, o: Ratio) -> Ratio {
        let g = gcd(self.den, o.den);
        let (bd, db) = (self.den / g, o.den / g);
        let num = self
            .num
            .checked_mul(db)
            .and_then(|a| o.num.checked_mul(bd).and_then(|c| a.checked_add(c)))
            .expect(OVERFLOW);
        let den = self.den.checked_mul(db).expect(OVERFLOW);
        Ratio::new(num, den)
    }
}

impl Neg for Ratio {
    type Output = Ratio;
    fn neg(self) -> Ratio {
        Ratio {
            num: -self.num,
            den: self.den,
        }
    }
}

impl Sub for Ratio {
    type Output = Ratio;
    fn sub(self, o: Ratio) -> Ratio {
        self + -o
    }
}

impl Mul for Ratio {
    type Output = Ratio;
    fn mul(self, o: Ratio) -> Ratio {
        let g1 = gcd(self.num, o.den).max(1);
        let g2 = gcd(o.num, self.den).max(1);
        let num = (self.num / g1).checked_mul(o.num / g2).expect(OVERFLOW);
        let den = (self.den / g2).checked_mul(o.den / g1).expect(OVERFLOW);
        Ratio::new(num, den)
    }
}

impl Div for Ratio {
    type Output = Ratio;
    /// Panics on division by zero (callers check: a zero budget has no
    /// burn rate).
    fn div(self, o: Ratio) -> Ratio {
        assert!(o.num != 0, "division of a ratio by zero");
        self * Ratio::new(o.den, o.num)
    }
}

impl Ord for Ratio {
    /// Compares `a/b` and `c/d` by their continued fractions: integer parts
    /// first, then the reciprocals of the remainders, so nothing is
    /// multiplied and nothing can overflow.
    fn cmp(&self, other: &Ratio) -> Ordering {
        let (mut a, mut b, mut c, mut d) = (self.num, self.den, other.num, other.den);
        let mut flipped = false;
        loop {
            let (qa, qc) = (a.div_euclid(b), c.div_euclid(d));
            let (ra, rc) = (a.rem_euclid(b), c.rem_euclid(d));
            let ord = match (qa.cmp(&qc), ra == 0, rc == 0) {
                (Ordering::Equal, true, true) => Ordering::Equal,
                (Ordering::Equal, true, false) => Ordering::Less,
                (Ordering::Equal, false, true) => Ordering::Greater,
                (Ordering::Equal, false, false) => {
                    // ra/b < rc/d  ⇔  b/ra > d/rc
                    (a, b, c, d) = (b, ra, d, rc);
                    flipped = !flipped;
                    continue;
                }
                (ord, _, _) => ord,
            };
            return if flipped { ord.reverse() } else { ord };
        }
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Ratio) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Ratio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.den == 1 {
            write!(f, "{}", self.num)
        } else {
            write!(f, "{}/{}", self.num, self.den)
        }
    }
}

/// A share from 0 to 1 written as a decimal with at most six decimals
/// (`0.5`, `0`, `1`, `0.25`), kept in millionths so that it is exact and
/// every weight of a record shares one denominator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fraction {
    millionths: u32,
}

impl Fraction {
    pub const ZERO: Fraction = Fraction { millionths: 0 };
    pub const HALF: Fraction = Fraction {
        millionths: 500_000,
    };
    pub const ONE: Fraction = Fraction {
        millionths: Fraction::SCALE,
    };
    /// Millionths in one.
    pub const SCALE: u32 = 1_000_000;

    /// `0`, `1`, `0.5`, `0.125`, `1.0`: plain decimal notation, no sign or
    /// exponent, at most six decimals, 0..=1.
    pub fn parse(s: &str) -> Option<Fraction> {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if int.is_empty()
            || int.len() > 1
            || !digits(int)
            || !digits(frac)
            || frac.len() > 6
            || (s.contains('.') && frac.is_empty())
        {
            return None;
        }
        let millionths: u32 = format!("{int}{frac:0<6}").parse().ok()?;
        Fraction::from_millionths(millionths)
    }

    /// `None` above one.
    pub fn from_millionths(millionths: u32) -> Option<Fraction> {
        (millionths <= Fraction::SCALE).then_some(Fraction { millionths })
    }

    pub fn millionths(self) -> u32 {
        self.millionths
    }

    pub fn ratio(self) -> Ratio {
        Ratio::new(i128::from(self.millionths), i128::from(Fraction::SCALE))
    }
}

/// As a decimal without trailing zeros: `0.5`, `0`, `1`.
impl fmt::Display for Fraction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let int = self.millionths / Fraction::SCALE;
        let frac = self.millionths % Fraction::SCALE;
        if frac == 0 {
            return write!(f, "{int}");
        }
        let digits = format!("{frac:06}");
        write!(f, "{int}.{}", digits.trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(n: i128, d: i128) -> Ratio {
        Ratio::new(n, d)
    }

    #[test]
    fn reduced_and_signed() {
        assert_eq!(r(2, 4), r(1, 2));
        assert_eq!(r(3, -6), r(-1, 2));
        assert_eq!((r(-1, 2).numer(), r(-1, 2).denom()), (-1, 2));
        assert_eq!(r(1, 3) + r(1, 6), r(1, 2));
        assert_eq!(r(1, 3) - r(1, 2), r(-1, 6));
        assert_eq!(r(2, 3) * r(9, 4), r(3, 2));
        assert_eq!(r(2, 3) / r(4, 9), r(3, 2));
        assert_eq!(r(-7, 2).floor(), -4);
        assert_eq!(
            Ratio::percent(Percent::parse("99.95").unwrap()),
            r(9995, 100)
        );
    }

    #[test]
    fn compares_without_overflow() {
        assert!(r(1, 3) < r(1, 2));
        assert!(r(-1, 2) < r(-1, 3));
        assert!(r(2, 3) > r(3, 5));
        assert_eq!(r(5, 10).cmp(&r(1, 2)), Ordering::Equal);
        // Cross products of these would overflow i128.
        let big = i128::MAX / 3;
        assert!(r(big - 1, big) < r(big, big + 1));
        assert!(r(big, big - 1) > r(big + 1, big));
        assert!(r(-big, big - 1) < r(-big + 1, big));
    }

    #[test]
    fn cuts_never_rounds() {
        assert_eq!(r(99_996, 1000).cut_to_two_decimals(), "99.99");
        assert_eq!(r(99_999_999, 1_000_000).cut_to_two_decimals(), "99.99");
        assert_eq!(Ratio::HUNDRED.cut_to_two_decimals(), "100.00");
        assert_eq!(r(9995, 100).cut_to_two_decimals(), "99.95");
        assert_eq!(r(1, 3).cut_to_two_decimals(), "0.33");
        assert_eq!(r(2, 3).cut_to_two_decimals(), "0.66");
        assert_eq!(r(-1239, 1000).cut_to_two_decimals(), "-1.23");
        assert_eq!(r(-1, 1000).cut_to_two_decimals(), "0.00");
        let big = i128::MAX / 3;
        assert_eq!(r(big - 1, big).cut_to_two_decimals(), "0.99");
    }

    #[test]
    fn fractions_as_written() {
        let f = |s| Fraction::parse(s);
        assert_eq!(f("0.5"), Some(Fraction::HALF));
        assert_eq!(f("0"), Some(Fraction::ZERO));
        assert_eq!(f("1.0"), Some(Fraction::ONE));
        assert_eq!(f("0.125").unwrap().millionths(), 125_000);
        assert_eq!(f("0.000001").unwrap().millionths(), 1);
        assert_eq!(f("0.125").unwrap().ratio(), r(1, 8));
        assert_eq!(f("0.25").unwrap().to_string(), "0.25");
        assert_eq!(Fraction::ONE.to_string(), "1");
        for bad in [
            "",
            "1.5",
            "2",
            "-0.5",
            ".5",
            "0.",
            "5e-1",
            "0.0000001",
            "0,5",
        ] {
            assert_eq!(f(bad), None, "{bad}");
        }
    }
}
