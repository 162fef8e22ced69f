//! Charts as inline SVG, made at build time from plain numbers (no
//! analysis types: the caller turns its figures into `Series`).
//!
//! Five kinds, each a thin choice of unit and shape over two drawings:
//! `availability` (lines, %, target line), `incidents_by_severity` and
//! `pages_by_shift` (stacked bars, counts), `budget_burn_down` (lines,
//! minutes, zero line) and `time_to_mitigate` (lines, minutes). Every chart
//! comes with a `Table` holding the same numbers at a fixed precision
//! (`table.rs` documents it).
//!
//! plotters lays the chart out (scales, ticks, text placement) with its SVG
//! backend and no font files (its `ttf` feature is off: text size is
//! estimated, the browser draws the text). It writes colours inline, so it
//! draws with sentinel colours that `svg.rs` turns into CSS classes: the
//! theme colours charts for light, dark and print. Output is a pure
//! function of the input: integer coordinates, no random ids, no hash maps.

mod bars;
mod canvas;
mod line;
mod svg;
mod table;

use std::collections::BTreeMap;

pub use table::{NO_DATA, Table, Unit};

/// What a chart says about itself: the SVG's `<title>` and `<desc>`, its
/// axis labels, and `id`, the prefix of its element ids (unique in a page;
/// characters other than `[A-Za-z0-9_-]` become `-`).
#[derive(Debug, Clone, Default)]
pub struct ChartSpec {
    pub id: String,
    pub title: String,
    pub description: String,
    pub x_label: String,
    pub y_label: String,
}

/// One line or one stack of bars. `points` are (x label, value) in order;
/// the chart's x axis is every series' labels in order of first appearance,
/// so series may start late or skip labels. `None`, NaN and infinities are
/// gaps; a label repeated in one series keeps its first value. `class` is
/// the CSS class that colours it (`[A-Za-z0-9_ -]` kept; empty: the
/// palette's `chart-s1` … `chart-s8` by position).
#[derive(Debug, Clone, Default)]
pub struct Series {
    pub name: String,
    pub class: String,
    pub points: Vec<(String, Option<f64>)>,
}

impl Series {
    pub fn new(name: &str, class: &str, points: Vec<(String, Option<f64>)>) -> Series {
        Series {
            name: name.into(),
            class: class.into(),
            points,
        }
    }

    fn class_or(&self, index: usize) -> String {
        let class = css_class(&self.class);
        if class.is_empty() {
            format!("chart-s{}", index % 8 + 1)
        } else {
            class
        }
    }
}

/// A horizontal reference line (a target); named ones join the legend and
/// the table.
#[derive(Debug, Clone, Default)]
pub struct Rule {
    pub name: String,
    pub class: String,
    pub value: f64,
}

impl Rule {
    fn class_or(&self) -> String {
        let class = css_class(&self.class);
        if class.is_empty() {
            "chart-target".into()
        } else {
            class
        }
    }
}

/// A chart: the `<svg>` element to inline, and its data table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub svg: String,
    pub table: Table,
}

impl Chart {
    /// `<figure class="chart">` with the SVG and the table beside it.
    pub fn to_html(&self) -> String {
        format!(
            "<figure class=\"chart\">\n{}\n<div class=\"chart-table-wrap\">\n{}\n</div>\n</figure>",
            self.svg,
            self.table.to_html()
        )
    }
}

/// Availability per month per service (%), with the target line.
pub fn availability(spec: &ChartSpec, services: &[Series], target: Option<f64>) -> Chart {
    let rules: Vec<Rule> = target
        .map(|value| Rule {
            name: "Target".into(),
            class: "chart-target".into(),
            value,
        })
        .into_iter()
        .collect();
    line::draw(spec, Unit::Percent, services, &rules, false)
}

/// Incidents per month, one stacked series per severity.
pub fn incidents_by_severity(spec: &ChartSpec, severities: &[Series]) -> Chart {
    bars::stacked(spec, Unit::Count, severities)
}

/// Error budget remaining (minutes) per day of a month, with the zero line.
pub fn budget_burn_down(spec: &ChartSpec, remaining: &[Series]) -> Chart {
    let zero = Rule {
        name: String::new(),
        class: "chart-zero".into(),
        value: 0.0,
    };
    line::draw(spec, Unit::Minutes, remaining, &[zero], true)
}

/// Pages per month, one stacked series per shift.
pub fn pages_by_shift(spec: &ChartSpec, shifts: &[Series]) -> Chart {
    bars::stacked(spec, Unit::Count, shifts)
}

/// Time to mitigate per month (minutes): typically a median and a p90 series.
pub fn time_to_mitigate(spec: &ChartSpec, lines: &[Series]) -> Chart {
    line::draw(spec, Unit::Minutes, lines, &[], true)
}

fn css_class(s: &str) -> String {
    let kept: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ' '))
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The series on one x axis: `values[series][label]`.
struct Grid {
    labels: Vec<String>,
    values: Vec<Vec<Option<f64>>>,
}

impl Grid {
    fn of(series: &[Series]) -> Grid {
        let mut index: BTreeMap<&str, usize> = BTreeMap::new();
        let mut labels = Vec::new();
        for (label, _) in series.iter().flat_map(|s| &s.points) {
            index.entry(label).or_insert_with(|| {
                labels.push(label.clone());
                labels.len() - 1
            });
        }
        let values = series
            .iter()
            .map(|s| {
                let mut column = vec![None; labels.len()];
                let mut seen = vec![false; labels.len()];
                for (label, v) in &s.points {
                    let i = index[label.as_str()];
                    if !std::mem::replace(&mut seen[i], true) {
                        column[i] = v.filter(|v| v.is_finite());
                    }
                }
                column
            })
            .collect();
        Grid { labels, values }
    }

    fn table(
        &self,
        spec: &ChartSpec,
        unit: Unit,
        series: &[Series],
        rules: &[Rule],
        total: bool,
    ) -> Table {
        let sym = unit.symbol();
        let named: Vec<&Rule> = rules.iter().filter(|r| !r.name.is_empty()).collect();
        let mut header = vec![spec.x_label.clone()];
        header.extend(series.iter().map(|s| format!("{} ({sym})", s.name)));
        header.extend(named.iter().map(|r| format!("{} ({sym})", r.name)));
        if total {
            header.push(format!("Total ({sym})"));
        }
        let rows = self
            .labels
            .iter()
            .enumerate()
            .map(|(x, label)| {
                let mut row = vec![label.clone()];
                row.extend(self.values.iter().map(|c| unit.cell(c[x])));
                row.extend(named.iter().map(|r| unit.format(r.value)));
                if total {
                    let parts: Vec<f64> = self.values.iter().filter_map(|c| c[x]).collect();
                    row.push(if parts.is_empty() {
                        NO_DATA.into()
                    } else {
                        unit.format(parts.iter().sum())
                    });
                }
                row
            })
            .collect();
        Table {
            caption: spec.title.clone(),
            header,
            rows,
        }
    }
}

#[cfg(test)]
mod tests;
