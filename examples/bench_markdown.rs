//! Benchmark of `markdown::render` on pages that stress its own algorithms
//! (not pulldown-cmark's): many paired shortcodes, many identical headings,
//! deep shortcode nesting, and a typical handbook page.
//!
//! ```text
//! cargo run --release --example bench_markdown -- [--sizes 8000,16000,32000] [--runs 5] [--only NAME]
//! ```
//!
//! Prints the median wall time of `--runs` renders per case and size, so
//! that growth with size shows whether a stage is linear. Not a test: times
//! depend on the machine.

use std::time::{Duration, Instant};

use opsbook::markdown::shortcode::{Expander, PageInfo};
use opsbook::markdown::{Links, render};

fn paired_shortcodes(n: usize) -> String {
    "{{% alert title=\"t\" %}}\nsome *text*\n{{% /alert %}}\n\n".repeat(n)
}

fn html_shortcodes(n: usize) -> String {
    "{{< details summary=\"s\" >}}x {{< youtube abc >}}{{< /details >}}\n\n".repeat(n)
}

fn identical_headings(n: usize) -> String {
    "## Heading\n\ntext\n\n".repeat(n)
}

fn deep_nesting(n: usize) -> String {
    let mut s = "{{< alert >}}\n".repeat(n);
    s.push_str("x\n");
    s.push_str(&"{{< /alert >}}\n".repeat(n));
    s
}

/// A handbook-like page, repeated `n / 100` times so it scales like the rest.
fn typical(n: usize) -> String {
    let unit = "## Escalation\n\nPage the **EOC** first; see [severities](../sev.md) and \
                [rotation](/handbook/rotation/).\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n\
                ```shell\necho \"done\" && exit 0\n```\n\n{{% details summary=\"Log\" %}}\n\
                ### Inner\nmore\n{{% /details %}}\n\n";
    unit.repeat((n / 100).max(1))
}

type Case = (&'static str, fn(usize) -> String);

const CASES: &[Case] = &[
    ("paired_shortcodes", paired_shortcodes),
    ("html_shortcodes", html_shortcodes),
    ("identical_headings", identical_headings),
    ("deep_nesting", deep_nesting),
    ("typical", typical),
];

fn main() {
    let mut sizes = vec![8_000, 16_000, 32_000];
    let mut runs = 5;
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = args.next().unwrap_or_default();
        match a.as_str() {
            "--sizes" => {
                sizes = value
                    .split(',')
                    .map(|s| s.trim().parse().expect("--sizes takes numbers"))
                    .collect()
            }
            "--runs" => runs = value.parse().expect("--runs takes a number"),
            "--only" => only = Some(value),
            other => panic!("unknown argument {other}"),
        }
    }
    let resolve = |_: &str| None;
    let links = Links {
        base_url: "/",
        base_path: "/",
        source_dir: "handbook",
        resolve_md: &resolve,
    };
    let expander = Expander {
        templates: None,
        page: PageInfo {
            title: "Bench",
            url: "/bench/",
        },
        options: Default::default(),
    };
    println!("{:<20} {:>8} {:>12} {:>8}", "case", "n", "median", "result");
    for (name, make) in CASES {
        if only.as_deref().is_some_and(|o| o != *name) {
            continue;
        }
        for &n in &sizes {
            let body = make(n);
            let mut times: Vec<Duration> = Vec::with_capacity(runs);
            let mut result = "";
            for _ in 0..runs {
                let started = Instant::now();
                let r = render(&body, &expander, &links, (2, 4));
                times.push(started.elapsed());
                result = if r.is_ok() { "ok" } else { "errors" };
                drop(r);
            }
            times.sort();
            let median = times[times.len() / 2];
            println!(
                "{name:<20} {n:>8} {:>10.2}ms {result:>8}",
                median.as_secs_f64() * 1e3
            );
        }
    }
}
