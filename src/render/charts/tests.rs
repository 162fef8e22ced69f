//! The chart contract, for every kind: parsed SVG with title, desc, role
//! and viewBox; classes instead of colours; byte-identical reruns; the
//! table equal to the input; empty, single-point and gappy data drawn.

use super::*;

fn months(values: &[Option<f64>]) -> Vec<(String, Option<f64>)> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| (format!("2026-{:02}", i + 1), *v))
        .collect()
}

fn spec(id: &str) -> ChartSpec {
    ChartSpec {
        id: id.into(),
        title: format!("Title of {id}"),
        description: format!("What {id} shows"),
        x_label: "Month".into(),
        y_label: "Value".into(),
    }
}

/// Every kind, drawn from `series`.
fn all_kinds(series: &[Series]) -> Vec<Chart> {
    vec![
        availability(&spec("avail"), series, Some(99.9)),
        incidents_by_severity(&spec("sev"), series),
        budget_burn_down(&spec("burn"), series),
        pages_by_shift(&spec("pages"), series),
        time_to_mitigate(&spec("ttm"), series),
    ]
}

fn sample() -> Vec<Series> {
    vec![
        Series::new(
            "api",
            "",
            months(&[Some(99.95), Some(100.0), Some(99.871), None, Some(99.5)]),
        ),
        Series::new(
            "web & <edge>",
            "sev-1",
            months(&[Some(100.0), Some(f64::NAN), Some(99.99)]),
        ),
    ]
}

/// Parses `svg` and checks the contract; returns every text node's text.
fn check_svg(chart: &Chart) -> Vec<String> {
    let doc =
        roxmltree::Document::parse(&chart.svg).unwrap_or_else(|e| panic!("{e}\n{}", chart.svg));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.attribute("role"), Some("img"));
    assert!(root.attribute("viewBox").is_some());
    assert!(
        root.attribute("width").is_none(),
        "scales with its container"
    );
    let ids: Vec<&str> = root
        .attribute("aria-labelledby")
        .unwrap()
        .split(' ')
        .collect();
    for (id, tag) in ids.iter().zip(["title", "desc"]) {
        let node = doc
            .descendants()
            .find(|n| n.attribute("id") == Some(id))
            .unwrap();
        assert_eq!(node.tag_name().name(), tag);
        assert!(!node.text().unwrap_or("").is_empty());
    }
    for node in doc.descendants().filter(|n| n.is_element()) {
        for attr in node.attributes() {
            assert!(
                !matches!(
                    attr.name(),
                    "fill" | "stroke" | "style" | "color" | "opacity" | "font-family"
                ),
                "inline {}={:?} in {}",
                attr.name(),
                attr.value(),
                chart.svg
            );
            assert!(
                !attr.value().contains('#'),
                "colour literal {:?}",
                attr.value()
            );
        }
        if node != root && !matches!(node.tag_name().name(), "title" | "desc") {
            assert!(
                node.attribute("class")
                    .is_some_and(|c| c.starts_with("chart-")),
                "{node:?}"
            );
        }
    }
    assert!(!chart.svg.contains("fill=\"#") && !chart.svg.contains("stroke=\"#"));
    doc.descendants()
        .filter(|n| n.tag_name().name() == "text")
        .map(|n| n.text().unwrap_or("").trim().to_string())
        .collect()
}

#[test]
fn every_kind_is_well_formed_accessible_and_coloured_by_classes() {
    for chart in all_kinds(&sample()) {
        let texts = check_svg(&chart);
        for wanted in ["Month", "Value", "api", "web & <edge>", "2026-01"] {
            assert!(
                texts.iter().any(|t| t == wanted),
                "{wanted} missing in {texts:?}"
            );
        }
        assert!(
            chart.svg.contains("class=\"chart-line sev-1\"")
                || chart.svg.contains("class=\"chart-bar sev-1\"")
        );
        assert!(
            chart.svg.contains("chart-s1"),
            "the palette colours a series without class"
        );
    }
}

#[test]
fn output_is_byte_identical_run_to_run() {
    assert_eq!(all_kinds(&sample()), all_kinds(&sample()));
}

#[test]
fn the_table_holds_the_input_numbers() {
    let series = sample();
    let chart = availability(&spec("a"), &series, Some(99.9));
    assert_eq!(chart.table.caption, "Title of a");
    assert_eq!(
        chart.table.header,
        ["Month", "api (%)", "web & <edge> (%)", "Target (%)"]
    );
    assert_eq!(chart.table.rows.len(), 5);
    for (row, x) in chart.table.rows.iter().zip(0..) {
        assert_eq!(row[0], format!("2026-{:02}", x + 1));
        for (cell, s) in row[1..3].iter().zip(&series) {
            match s.points.get(x).and_then(|p| p.1).filter(|v| v.is_finite()) {
                Some(v) => assert_eq!(
                    cell.parse::<f64>().unwrap(),
                    (v * 100.0 + 1e-9).floor() / 100.0
                ),
                None => assert_eq!(cell, NO_DATA),
            }
        }
        assert_eq!(row[3], "99.90");
    }
    let bars = incidents_by_severity(
        &spec("b"),
        &[
            Series::new("S1", "sev-1", months(&[Some(1.0), Some(0.0)])),
            Series::new("S2", "sev-2", months(&[Some(3.0), None])),
        ],
    );
    assert_eq!(
        bars.table.header,
        ["Month", "S1 (count)", "S2 (count)", "Total (count)"]
    );
    assert_eq!(
        bars.table.rows,
        [["2026-01", "1", "3", "4"], ["2026-02", "0", NO_DATA, "0"]]
    );
}

#[test]
fn bars_stack_in_order() {
    let chart = pages_by_shift(
        &spec("p"),
        &[
            Series::new("EMEA", "shift-emea", months(&[Some(2.0)])),
            Series::new("AMER", "shift-amer", months(&[Some(3.0)])),
        ],
    );
    let doc = roxmltree::Document::parse(&chart.svg).unwrap();
    let bar = |class: &str| {
        // The last one: the first is the legend's swatch.
        let r = doc
            .descendants()
            .rfind(|n| n.attribute("class") == Some(class))
            .unwrap();
        let num = |a| r.attribute(a).unwrap().parse::<i32>().unwrap();
        (num("y"), num("height"))
    };
    let ((emea_y, emea_h), (amer_y, amer_h)) =
        (bar("chart-bar shift-emea"), bar("chart-bar shift-amer"));
    assert!((amer_y + amer_h - emea_y).abs() <= 1, "AMER sits on EMEA");
    assert!(
        (amer_h * 2 - emea_h * 3).abs() <= 3,
        "heights 3:2, {amer_h} {emea_h}"
    );
}

#[test]
fn empty_single_point_and_gaps_do_not_panic() {
    let cases: Vec<Vec<Series>> = vec![
        vec![],
        vec![Series::new("none", "", vec![])],
        vec![Series::new("one", "", months(&[Some(99.0)]))],
        vec![Series::new(
            "gaps",
            "",
            months(&[None, Some(f64::NAN), Some(f64::INFINITY)]),
        )],
        vec![Series::new("flat", "", months(&[Some(0.0), Some(0.0)]))],
        vec![Series::new("neg", "", months(&[Some(-5.0), Some(1e12)]))],
    ];
    for series in cases {
        for chart in all_kinds(&series) {
            check_svg(&chart);
            let drawn = series
                .iter()
                .flat_map(|s| &s.points)
                .any(|p| p.1.is_some_and(f64::is_finite));
            assert_eq!(
                chart.svg.contains(">No data</text>"),
                !drawn,
                "{}",
                chart.svg
            );
        }
    }
    let one = time_to_mitigate(
        &spec("t"),
        &[Series::new("median", "", months(&[Some(12.0)]))],
    );
    assert!(
        one.svg.contains("<circle class=\"chart-line chart-s1\""),
        "a single point shows"
    );
    let gappy = time_to_mitigate(
        &spec("t"),
        &[Series::new(
            "m",
            "",
            months(&[Some(1.0), Some(2.0), None, Some(3.0), Some(4.0)]),
        )],
    );
    // Two runs, and the legend swatch.
    assert_eq!(
        gappy
            .svg
            .matches("<polyline class=\"chart-line chart-s1\"")
            .count(),
        3,
        "a gap breaks the line"
    );
}

#[test]
fn text_from_data_is_escaped_and_ids_are_safe() {
    let evil = "</text><script>alert(1)</script>\u{1b}";
    let spec = ChartSpec {
        id: "a\"b c".into(),
        title: evil.into(),
        description: "d & <e>".into(),
        ..spec("x")
    };
    let chart = availability(
        &spec,
        &[Series::new(evil, "x\" onload=\"y", months(&[Some(1.0)]))],
        None,
    );
    let texts = check_svg(&chart);
    assert!(texts.contains(&"</text><script>alert(1)</script>".to_string()));
    assert!(!chart.svg.contains("<script"));
    assert!(
        chart
            .svg
            .contains("aria-labelledby=\"a-b-c-title a-b-c-desc\"")
    );
    assert!(chart.svg.contains("class=\"chart-line x onloady\""));
    let html = chart.to_html();
    assert!(!html.contains("<script"));
}
