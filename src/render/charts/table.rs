//! The accessible table beside each chart, and how its numbers read.
//!
//! Fixed precision, one rule per unit (the axis ticks use the same rules):
//! - `Percent`: two decimals, **cut, never rounded up** (99.996 reads
//!   `99.99`, so a month below 100% never reads `100.00`), as the
//!   availability record does. f64 noise below 1e-6 of the last digit is
//!   forgiven first, so an exact 99.95 that arrives as 99.94999… reads
//!   `99.95`.
//! - `Count`: a whole number (rounded).
//! - `Minutes`: one decimal, rounded half away from zero.
//!
//! A gap (no value, NaN or infinite) reads `no data`.

use crate::markdown::escape_html;

/// What a chart's numbers measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Percent,
    Count,
    Minutes,
}

/// What a gap reads in the table.
pub const NO_DATA: &str = "no data";

impl Unit {
    /// The suffix of a column header: `Availability (%)`.
    pub fn symbol(self) -> &'static str {
        match self {
            Unit::Percent => "%",
            Unit::Count => "count",
            Unit::Minutes => "min",
        }
    }

    /// `v` at this unit's fixed precision (see the module comment).
    pub fn format(self, v: f64) -> String {
        if !v.is_finite() {
            return NO_DATA.into();
        }
        match self {
            Unit::Percent => {
                let scaled = v * 100.0;
                let near = scaled.round();
                let cut = if (scaled - near).abs() < 1e-6 {
                    near
                } else {
                    scaled.floor()
                };
                fixed(cut as i64, 2)
            }
            Unit::Count => format!("{}", v.round() as i64),
            Unit::Minutes => fixed((v * 10.0).round() as i64, 1),
        }
    }

    /// A table cell: the value, or `no data`.
    pub fn cell(self, v: Option<f64>) -> String {
        v.map_or_else(|| NO_DATA.into(), |v| self.format(v))
    }
}

/// `units` / 10^`decimals`, written with integer arithmetic (no `-0.0`,
/// no float formatting).
fn fixed(units: i64, decimals: u32) -> String {
    let div = 10i64.pow(decimals);
    let sign = if units < 0 { "-" } else { "" };
    let (int, frac) = (
        units.unsigned_abs() / div as u64,
        units.unsigned_abs() % div as u64,
    );
    format!("{sign}{int}.{frac:0width$}", width = decimals as usize)
}

/// The chart's numbers as a table: one row per x label, one column per
/// series (and per named reference line, and a total for stacked bars).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub caption: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// `<table class="chart-table">` with caption, `th scope="col"` header
    /// and `th scope="row"` first cells; all text escaped.
    pub fn to_html(&self) -> String {
        let mut out = String::from("<table class=\"chart-table\">\n");
        out.push_str(&format!(
            "<caption>{}</caption>\n<thead><tr>",
            escape_html(&self.caption)
        ));
        for h in &self.header {
            out.push_str(&format!("<th scope=\"col\">{}</th>", escape_html(h)));
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for row in &self.rows {
            out.push_str("<tr>");
            for (i, cell) in row.iter().enumerate() {
                let cell = escape_html(cell);
                if i == 0 {
                    out.push_str(&format!("<th scope=\"row\">{cell}</th>"));
                } else {
                    out.push_str(&format!("<td>{cell}</td>"));
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n</table>");
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_is_cut_not_rounded() {
        assert_eq!(Unit::Percent.format(99.996), "99.99");
        assert_eq!(Unit::Percent.format(100.0), "100.00");
        assert_eq!(Unit::Percent.format(99.999_999), "99.99");
        // 20.16 min of downtime in a 28-day month, through f64: 99.95, met.
        let exact = (1.0 - 20.16 / 40_320.0) * 100.0;
        assert_eq!(Unit::Percent.format(exact), "99.95");
        assert_eq!(Unit::Percent.format(99.5), "99.50");
        assert_eq!(Unit::Percent.format(0.0), "0.00");
    }

    #[test]
    fn counts_and_minutes_have_fixed_precision() {
        assert_eq!(Unit::Count.format(3.0), "3");
        assert_eq!(Unit::Minutes.format(20.16), "20.2");
        assert_eq!(Unit::Minutes.format(-0.04), "0.0");
        assert_eq!(Unit::Minutes.format(-12.25), "-12.3");
        assert_eq!(Unit::Minutes.format(f64::NAN), NO_DATA);
        assert_eq!(Unit::Count.cell(None), NO_DATA);
    }

    #[test]
    fn html_is_escaped() {
        let t = Table {
            caption: "<b>".into(),
            header: vec!["Month".into(), "a&b".into()],
            rows: vec![vec!["2026-07".into(), "1".into()]],
        };
        let html = t.to_html();
        assert!(html.contains("<caption>&lt;b&gt;</caption>"));
        assert!(html.contains("<th scope=\"col\">a&amp;b</th>"));
        assert!(html.contains("<th scope=\"row\">2026-07</th><td>1</td>"));
    }
}
