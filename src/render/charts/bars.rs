//! Stacked bar charts (incidents by severity, pages by shift): one bar per
//! label, series stacked in order from zero (negative values stack below
//! zero); a gap adds nothing.

use plotters::prelude::*;

use super::canvas::{self, Frame, LegendItem, Swatch};
use super::svg::Palette;
use super::{Chart, ChartSpec, Grid, Series, Unit};

pub(super) fn stacked(spec: &ChartSpec, unit: Unit, series: &[Series]) -> Chart {
    let grid = Grid::of(series);
    let mut palette = Palette::default();
    let fills: Vec<RGBColor> = series
        .iter()
        .enumerate()
        .map(|(i, s)| palette.paint(&format!("chart-bar {}", s.class_or(i))))
        .collect();
    let legend = series
        .iter()
        .zip(&fills)
        .map(|(s, &colour)| LegendItem {
            name: s.name.clone(),
            colour,
            swatch: Swatch::Bar,
        })
        .collect();
    // Each bar's extent: the sums of its positive and of its negative parts.
    let extents: Vec<f64> = (0..grid.labels.len())
        .flat_map(|x| {
            let parts = || grid.values.iter().filter_map(move |c| c[x]);
            [
                parts().filter(|v| *v > 0.0).sum(),
                parts().filter(|v| *v < 0.0).sum(),
            ]
        })
        .collect();
    let frame = Frame {
        spec,
        unit,
        labels: &grid.labels,
        y: canvas::y_extent(&extents, &[], unit, true),
        legend,
        has_data: grid.values.iter().flatten().any(Option::is_some),
    };
    let svg = canvas::render(&frame, &mut palette, |chart| {
        let mut up = vec![0.0; grid.labels.len()];
        let mut down = vec![0.0; grid.labels.len()];
        for (column, &colour) in grid.values.iter().zip(&fills) {
            let mut bars = Vec::new();
            for (x, v) in column.iter().enumerate() {
                let Some(v) = *v else { continue };
                let base = if v >= 0.0 { &mut up[x] } else { &mut down[x] };
                let (from, to) = (*base, *base + v);
                *base = to;
                if v != 0.0 {
                    let x = x as f64;
                    bars.push(Rectangle::new(
                        [(x - 0.35, from), (x + 0.35, to)],
                        colour.filled(),
                    ));
                }
            }
            chart.draw_series(bars)?;
        }
        Ok(())
    });
    Chart {
        svg,
        table: grid.table(spec, unit, series, &[], true),
    }
}
