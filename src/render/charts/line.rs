//! Line charts (availability, budget burn-down, time to mitigate): one
//! polyline per run of values (a gap breaks the line), a marker on every
//! value (so a single point shows), and dashed reference lines (a target,
//! zero).

use plotters::prelude::*;

use super::canvas::{self, Frame, LegendItem, Swatch};
use super::svg::Palette;
use super::{Chart, ChartSpec, Grid, Rule, Series, Unit};

pub(super) fn draw(
    spec: &ChartSpec,
    unit: Unit,
    series: &[Series],
    rules: &[Rule],
    from_zero: bool,
) -> Chart {
    let grid = Grid::of(series);
    let mut palette = Palette::default();
    let lines: Vec<RGBColor> = series
        .iter()
        .enumerate()
        .map(|(i, s)| palette.paint(&format!("chart-line {}", s.class_or(i))))
        .collect();
    let rule_colours: Vec<RGBColor> = rules
        .iter()
        .map(|r| palette.paint(&format!("chart-rule {}", r.class_or())))
        .collect();
    let mut legend: Vec<LegendItem> = series
        .iter()
        .zip(&lines)
        .map(|(s, &colour)| LegendItem {
            name: s.name.clone(),
            colour,
            swatch: Swatch::Line,
        })
        .collect();
    legend.extend(
        rules
            .iter()
            .zip(&rule_colours)
            .filter(|(r, _)| !r.name.is_empty())
            .map(|(r, &colour)| LegendItem {
                name: r.name.clone(),
                colour,
                swatch: Swatch::Rule,
            }),
    );
    let values: Vec<f64> = grid.values.iter().flatten().flatten().copied().collect();
    let marks: Vec<f64> = rules.iter().map(|r| r.value).collect();
    let frame = Frame {
        spec,
        unit,
        labels: &grid.labels,
        y: canvas::y_extent(&values, &marks, unit, from_zero),
        legend,
        has_data: !values.is_empty(),
    };
    let n = grid.labels.len().max(1) as f64;
    let svg = canvas::render(&frame, &mut palette, |chart| {
        for (rule, &colour) in rules.iter().zip(&rule_colours) {
            if rule.value.is_finite() {
                let points = vec![(-0.5, rule.value), (n - 0.5, rule.value)];
                chart.draw_series(std::iter::once(PathElement::new(
                    points,
                    colour.stroke_width(2),
                )))?;
            }
        }
        for (column, &colour) in grid.values.iter().zip(&lines) {
            for run in runs(column) {
                if run.len() > 1 {
                    chart.draw_series(std::iter::once(PathElement::new(
                        run.clone(),
                        colour.stroke_width(2),
                    )))?;
                }
                chart.draw_series(run.into_iter().map(|p| Circle::new(p, 3, colour.filled())))?;
            }
        }
        Ok(())
    });
    Chart {
        svg,
        table: grid.table(spec, unit, series, rules, false),
    }
}

/// The runs of consecutive values of one series, as (x, y) points.
fn runs(column: &[Option<f64>]) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut open = false;
    for (x, v) in column.iter().enumerate() {
        match (v, out.last_mut()) {
            (Some(v), Some(run)) if open => run.push((x as f64, *v)),
            (Some(v), _) => out.push(vec![(x as f64, *v)]),
            (None, _) => {}
        }
        open = v.is_some();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_split_runs() {
        let runs = runs(&[Some(1.0), Some(2.0), None, Some(3.0), None]);
        assert_eq!(runs, vec![vec![(0.0, 1.0), (1.0, 2.0)], vec![(3.0, 3.0)]]);
    }
}
