//! Benchmark of the search reader (`render::search::Postings::doc`) on the
//! pages of a built site: how fast a rendered page's `<main>` becomes
//! postings, title and excerpt, on one thread.
//!
//! ```text
//! cargo run --release --example bench_search -- BUILT_SITE_DIR [--runs 5]
//! ```
//!
//! Prints the median time of `--runs` passes over every `index.html` and the
//! throughput. Not a test: times depend on the machine.

use std::time::{Duration, Instant};

use opsbook::render::search::{Meta, Postings};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(site) = args.first() else {
        eprintln!("usage: bench_search BUILT_SITE_DIR [--runs N]");
        std::process::exit(2);
    };
    let runs: usize = match args.get(1).map(String::as_str) {
        Some("--runs") => args.get(2).and_then(|n| n.parse().ok()).unwrap_or(5),
        _ => 5,
    };
    let pages: Vec<(String, String)> = walkdir::WalkDir::new(site)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .map(|e| {
            let url = e.path().parent().unwrap_or(e.path()).display().to_string();
            (url, std::fs::read_to_string(e.path()).unwrap_or_default())
        })
        .collect();
    let bytes: usize = pages.iter().map(|(_, html)| html.len()).sum();
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let postings = Postings::new(pages.iter().map(|(url, _)| url.clone()).collect());
            let start = Instant::now();
            for (url, html) in &pages {
                let meta = Meta {
                    url: url.clone(),
                    section: String::new(),
                    severity: None,
                    services: Vec::new(),
                    year: None,
                };
                std::hint::black_box(postings.doc(meta, html));
            }
            start.elapsed()
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "{} pages, {:.1} MB of HTML: median {:.1} ms ({:.0} MB/s, {:.1} µs/page)",
        pages.len(),
        bytes as f64 / 1e6,
        median.as_secs_f64() * 1e3,
        bytes as f64 / 1e6 / median.as_secs_f64(),
        median.as_secs_f64() * 1e6 / pages.len() as f64
    );
}
