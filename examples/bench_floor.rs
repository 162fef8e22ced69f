//! The floor a handbook build cannot go below on this machine: every
//! markdown file of a content directory read, front matter cut off, the
//! body turned into HTML by pulldown-cmark (no shortcodes, templates,
//! links, search or navigation) and written to `OUT/<path>/index.html`,
//! pages in parallel with rayon. What the issue calls "the bare
//! pulldown-cmark + rayon floor"; `docs/benchmarks.md` compares the full
//! build with it.
//!
//! ```text
//! cargo build --release --example bench_floor
//! target/release/examples/bench_floor CONTENT_DIR OUT_DIR   # OUT_DIR must not exist
//! ```
//!
//! Run it the way the shared harness runs a generator (for example as its
//! `--cmd`, with `{content}` and `{out}`) to get a ratio against Hugo.

use std::path::{Path, PathBuf};

use pulldown_cmark::{Options, Parser, html};
use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [content, out] = args.as_slice() else {
        eprintln!("usage: bench_floor CONTENT_DIR OUT_DIR (OUT_DIR must not exist)");
        std::process::exit(2);
    };
    let (content, out) = (PathBuf::from(content), PathBuf::from(out));
    if out.exists() {
        eprintln!("{} exists: give a directory that does not", out.display());
        std::process::exit(2);
    }
    let files: Vec<PathBuf> = walkdir::WalkDir::new(&content)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let bytes: usize = files
        .par_iter()
        .map(|path| page(&content, &out, path))
        .sum();
    println!("{} pages, {bytes} bytes written", files.len());
}

/// One page: read, rendered, written; returns the bytes written.
fn page(content: &Path, out: &Path, path: &Path) -> usize {
    let text = std::fs::read_to_string(path).expect("read");
    let body = match text.strip_prefix("---\n") {
        Some(rest) => rest.split_once("\n---\n").map_or(rest, |(_, body)| body),
        None => &text,
    };
    let mut page = String::with_capacity(body.len() * 2);
    page.push_str("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head><body><main>\n");
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION;
    html::push_html(&mut page, Parser::new_ext(body, options));
    page.push_str("</main></body></html>\n");
    let rel = path.strip_prefix(content).expect("under content");
    let dir = match rel.file_stem().and_then(|s| s.to_str()) {
        Some("_index" | "index") => out.join(rel.parent().unwrap_or(Path::new(""))),
        _ => out.join(rel.with_extension("")),
    };
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("index.html"), &page).expect("write");
    page.len()
}
