//! What every chart shares: the size, the legend band, the axes (x: one
//! category per label; y: our own "nice" ticks, so counts never get half
//! steps and tick text is stable), and the plotters run that ends in
//! `Palette::finish`.

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::svg::{Palette, clean, ident};
use super::{ChartSpec, Unit};

/// The viewBox; the SVG scales to its container (CSS `width: 100%`).
pub(super) const SIZE: (u32, u32) = (640, 340);
/// plotters' font size: its SVG writes `size / 1.24` (12 px) and its
/// layout estimates 0.7 × size / 1.24² per byte, close to a 12 px sans.
const FONT: f64 = 15.0;
const MARGIN: i32 = 12;

pub(super) type Ctx<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Axis, Axis>>;

/// A linear f64 axis whose ticks are exactly `keys` (plotters'
/// `WithKeyPoints` over f64 loses the label formatter the mesh needs).
#[derive(Clone)]
pub(super) struct Axis {
    lo: f64,
    hi: f64,
    keys: Vec<f64>,
}

impl Ranged for Axis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, v: &f64, limit: (i32, i32)) -> i32 {
        let share = (v - self.lo) / (self.hi - self.lo);
        let pixels = (limit.1 - limit.0) as f64 * share;
        if pixels.is_finite() {
            limit.0 + pixels.round() as i32
        } else {
            limit.0
        }
    }

    fn key_points<H: KeyPointHint>(&self, _: H) -> Vec<f64> {
        self.keys.clone()
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}
pub(super) type Drawn = Result<(), DrawingAreaErrorKind<std::io::Error>>;

/// How a legend entry is drawn.
#[derive(Clone, Copy)]
pub(super) enum Swatch {
    Line,
    Bar,
    Rule,
}

pub(super) struct LegendItem {
    pub name: String,
    pub colour: RGBColor,
    pub swatch: Swatch,
}

/// One chart to draw: categories on x, the y extent, the legend.
pub(super) struct Frame<'s> {
    pub spec: &'s ChartSpec,
    pub unit: Unit,
    pub labels: &'s [String],
    pub y: (f64, f64),
    pub legend: Vec<LegendItem>,
    /// Whether any value was drawn; else the plot says "No data".
    pub has_data: bool,
}

/// Runs plotters for `frame`, `draw` adding the data; returns our SVG.
pub(super) fn render(
    frame: &Frame,
    palette: &mut Palette,
    draw: impl FnOnce(&mut Ctx) -> Drawn,
) -> String {
    let text = palette.paint("chart-text");
    let grid = palette.paint("chart-grid");
    let axis = palette.paint("chart-axis");
    let mut raw = String::new();
    let ok = {
        let root = SVGBackend::with_string(&mut raw, SIZE).into_drawing_area();
        draw_all(frame, &root, text, grid, axis, draw).and_then(|()| root.present())
    };
    let id = ident(&frame.spec.id);
    let (title, desc) = (&frame.spec.title, &frame.spec.description);
    if ok.is_err() {
        // Never expected (the backend writes to a String); a page still
        // gets a valid SVG with its title, and the table has the numbers.
        raw.clear();
    }
    palette.finish(&raw, &id, title, desc, SIZE)
}

fn draw_all(
    frame: &Frame,
    root: &DrawingArea<SVGBackend, Shift>,
    text: RGBColor,
    grid: RGBColor,
    axis: RGBColor,
    draw: impl FnOnce(&mut Ctx) -> Drawn,
) -> Drawn {
    let rows = legend_rows(&frame.legend);
    let band = MARGIN + 22 * rows.len() as i32;
    let (top, plot) = root.split_vertically(band);
    draw_legend(&top, &rows, &frame.legend, text)?;

    let n = frame.labels.len().max(1);
    let widest = frame
        .labels
        .iter()
        .map(|l| text_width(l))
        .max()
        .unwrap_or(0);
    let slots = ((SIZE.0 as i32 - 100) / (widest + 12).max(1)).max(1) as usize;
    let step = n.div_ceil(slots);
    let x_keys: Vec<f64> = (0..frame.labels.len())
        .step_by(step)
        .map(|i| i as f64)
        .collect();
    let (lo, hi) = frame.y;
    let (y_keys, decimals) = ticks(lo, hi, frame.unit);

    let x_range = Axis {
        lo: -0.5,
        hi: n as f64 - 0.5,
        keys: x_keys,
    };
    let y_range = Axis {
        lo,
        hi,
        keys: y_keys,
    };
    let mut chart = ChartBuilder::on(&plot)
        .margin_left(MARGIN)
        .margin_right(MARGIN * 2)
        .margin_top(MARGIN / 2)
        .margin_bottom(MARGIN / 2)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(x_range, y_range)?;

    let labels = frame.labels;
    let x_fmt = |v: &f64| {
        let i = v.round();
        if (v - i).abs() < 1e-9 && i >= 0.0 {
            labels.get(i as usize).map_or(String::new(), |l| clean(l))
        } else {
            String::new()
        }
    };
    let y_fmt = |v: &f64| tick_text(*v, decimals);
    let font = || ("sans-serif", FONT).into_font().color(&text);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(grid)
        .light_line_style(TRANSPARENT)
        .axis_style(axis)
        .label_style(font())
        .axis_desc_style(font())
        .x_desc(clean(&frame.spec.x_label))
        .y_desc(clean(&frame.spec.y_label))
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .draw()?;

    if !frame.has_data {
        let (w, h) = plot.dim_in_pixel();
        let style = ("sans-serif", FONT)
            .into_font()
            .color(&text)
            .pos(Pos::new(HPos::Center, VPos::Center));
        plot.draw(&Text::new("No data", (w as i32 / 2, h as i32 / 2), style))?;
    }
    draw(&mut chart)
}

/// Estimated width of `s` in the plot's font (plotters' own estimate).
fn text_width(s: &str) -> i32 {
    let em = FONT / 1.24 / 1.24;
    (em * 0.7 * s.len() as f64).round() as i32
}

/// Legend entries per row, wrapped to the width.
fn legend_rows(items: &[LegendItem]) -> Vec<Range<usize>> {
    let mut rows = Vec::new();
    let (mut start, mut x) = (0, MARGIN);
    for (i, item) in items.iter().enumerate() {
        let w = 28 + text_width(&item.name) + 18;
        if x + w > SIZE.0 as i32 - MARGIN && i > start {
            rows.push(start..i);
            (start, x) = (i, MARGIN);
        }
        x += w;
    }
    if start < items.len() {
        rows.push(start..items.len());
    }
    rows
}

fn draw_legend(
    area: &DrawingArea<SVGBackend, Shift>,
    rows: &[Range<usize>],
    items: &[LegendItem],
    text: RGBColor,
) -> Drawn {
    for (r, range) in rows.iter().enumerate() {
        let y = MARGIN + 22 * r as i32 + 4;
        let mut x = MARGIN;
        for item in &items[range.clone()] {
            let c = item.colour;
            match item.swatch {
                Swatch::Bar => {
                    area.draw(&Rectangle::new([(x, y - 6), (x + 20, y + 6)], c.filled()))?;
                }
                Swatch::Line => {
                    area.draw(&PathElement::new(
                        vec![(x, y), (x + 20, y)],
                        c.stroke_width(2),
                    ))?;
                    area.draw(&Circle::new((x + 10, y), 3, c.filled()))?;
                }
                Swatch::Rule => {
                    area.draw(&PathElement::new(
                        vec![(x, y), (x + 20, y)],
                        c.stroke_width(2),
                    ))?;
                }
            }
            let style = ("sans-serif", FONT)
                .into_font()
                .color(&text)
                .pos(Pos::new(HPos::Left, VPos::Center));
            let name = clean(&item.name);
            area.draw(&Text::new(name.clone(), (x + 28, y), style))?;
            x += 28 + text_width(&name) + 18;
        }
    }
    Ok(())
}

/// Tick values from `lo` to `hi` at a 1-2-5 step (whole numbers for
/// counts), and the decimals that step needs.
pub(super) fn ticks(lo: f64, hi: f64, unit: Unit) -> (Vec<f64>, usize) {
    let span = (hi - lo).max(f64::MIN_POSITIVE);
    let raw = span / 5.0;
    let mag = 10f64.powi(raw.log10().floor() as i32);
    let mut step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    if unit == Unit::Count {
        step = step.max(1.0).round();
    }
    let decimals = (-step.log10().floor()).max(0.0) as usize;
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    let keys = (first..=last).take(50).map(|k| k as f64 * step).collect();
    (keys, decimals)
}

/// A tick's text at `decimals`, never `-0`.
pub(super) fn tick_text(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.trim_start_matches('-')
        .bytes()
        .all(|b| b == b'0' || b == b'.')
    {
        s.trim_start_matches('-').to_string()
    } else {
        s
    }
}

/// The y extent for `values` (finite ones) and the lines that must show
/// (`include`: a target, zero). Percent tops out at 100 when the data
/// does; `from_zero` keeps 0 as the floor for counts and durations.
pub(super) fn y_extent(values: &[f64], include: &[f64], unit: Unit, from_zero: bool) -> (f64, f64) {
    let all = values
        .iter()
        .chain(include)
        .copied()
        .filter(|v| v.is_finite());
    let (mut lo, mut hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
        (l.min(v), h.max(v))
    });
    if lo > hi {
        (lo, hi) = if unit == Unit::Percent {
            (99.0, 100.0)
        } else {
            (0.0, 1.0)
        };
    }
    if from_zero {
        (lo, hi) = (lo.min(0.0), hi.max(0.0));
    }
    let least = match unit {
        Unit::Percent => 0.1,
        Unit::Count | Unit::Minutes => 1.0,
    };
    if hi - lo < least {
        if from_zero && lo == 0.0 {
            hi = lo + least
        } else {
            lo = hi - least
        }
    }
    let pad = (hi - lo) * 0.08;
    let lo = if from_zero && lo == 0.0 {
        0.0
    } else {
        lo - pad
    };
    let hi = if unit == Unit::Percent && hi <= 100.0 {
        (hi + pad).min(100.0)
    } else {
        hi + pad
    };
    let lo = if unit == Unit::Percent && lo >= 0.0 {
        (lo).max(0.0)
    } else {
        lo
    };
    (lo, hi.max(lo + f64::EPSILON))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_nice_and_whole_for_counts() {
        assert_eq!(ticks(0.0, 2.2, Unit::Count), (vec![0.0, 1.0, 2.0], 0));
        let (keys, d) = ticks(99.5, 100.0, Unit::Percent);
        assert_eq!(d, 1);
        assert_eq!(keys.len(), 6);
        assert_eq!(tick_text(keys[5], d), "100.0");
        assert_eq!(tick_text(-0.0001, 2), "0.00");
    }

    #[test]
    fn extents_hold_the_target_and_zero() {
        let (lo, hi) = y_extent(&[100.0, 100.0], &[99.9], Unit::Percent, false);
        assert!(lo < 99.9 && hi == 100.0);
        assert_eq!(y_extent(&[], &[], Unit::Count, true), (0.0, 1.08));
        let (lo, hi) = y_extent(&[30.0, -5.0], &[0.0], Unit::Minutes, true);
        assert!(lo < -5.0 && hi > 30.0);
    }
}
