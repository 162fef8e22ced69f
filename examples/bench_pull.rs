//! The pull benchmark: `opsbook pull` of N incidents (three timeline events
//! each) from a local fake GitLab, a fresh site per run, then a re-pull of
//! the same site (which must change nothing). Reports the median wall time
//! and the peak memory of the `opsbook` process.
//!
//! ```sh
//! cargo build --release && cargo run --release --example bench_pull -- --incidents 20000 --runs 5
//! ```
//!
//! The fake server runs in this process; the pull is the real binary
//! (`target/release/opsbook`), so its memory is its own.

#[path = "../tests/common/fixture.rs"]
mod fixture;

#[path = "../tests/common/fake_gitlab.rs"]
mod fake_gitlab;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use fake_gitlab::{FakeGitLab, FakeIssue, PROJECT_PATH};

fn main() {
    let mut incidents = 20_000u64;
    let mut runs = 5;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = args.next().and_then(|v| v.parse().ok()).expect("a number");
        match a.as_str() {
            "--incidents" => incidents = value,
            "--runs" => runs = value as usize,
            other => panic!("unknown flag {other}"),
        }
    }
    let bin = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/opsbook");
    assert!(bin.exists(), "build first: cargo build --release");

    let services = ["api", "git", "registry", "web"];
    let issues: Vec<FakeIssue> = (1..=incidents)
        .map(|iid| {
            // Spread over 2026, one to three hours each.
            let start = 1_767_225_600 + (iid as i64 * 1_571) % 31_000_000;
            let at = |s: i64| {
                chrono::DateTime::from_timestamp(s, 0)
                    .unwrap()
                    .format("%Y-%m-%dT%H:%M:%SZ")
                    .to_string()
            };
            let service = services[(iid % 4) as usize];
            FakeIssue::new(iid)
                .title(&format!("Elevated error rate on {service} (#{iid})"))
                .description("The error ratio crossed the SLO; see the timeline.")
                .labels(&[
                    "incident",
                    &format!("severity::{}", 1 + iid % 4),
                    &format!("Service::{service}"),
                    "Incident::Resolved",
                ])
                .created(&at(start + 240))
                .closed(&at(start + 7_200))
                .updated(&at(start + 7_300))
                .event(&at(start), "Error ratio crosses the SLO", &["Start time"])
                .event(&at(start + 3_600), "Rolled back", &["Impact mitigated"])
                .event(&at(start + 5_400), "Monitoring clean", &["End time"])
        })
        .collect();
    let gitlab = FakeGitLab::start(issues);
    let toml = format!(
        "title = \"bench\"\n[gitlab]\nurl = \"{}\"\nproject = \"{PROJECT_PATH}\"\n[gitlab.services]\n{}",
        gitlab.url(""),
        services
            .iter()
            .map(|s| format!("\"{s}\" = \"{s}\"\n"))
            .collect::<String>()
    );
    let services_yaml = format!(
        "services:\n{}",
        services
            .iter()
            .map(|s| format!("  - id: {s}\n    name: {s}\n    weight: 1\n    target: 99.9\n"))
            .collect::<String>()
    );

    let mut first = Vec::new();
    let mut again = Vec::new();
    // Sites are removed only at the end: creating files where thousands
    // were just deleted is slow on ext4 (it scans for recently freed
    // inodes), which would measure the benchmark, not the pull.
    let mut sites = Vec::new();
    for _ in 0..runs {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        std::fs::write(dir.path().join("opsbook.toml"), &toml).unwrap();
        std::fs::write(dir.path().join("data/services.yaml"), &services_yaml).unwrap();
        first.push(run(&bin, dir.path()));
        again.push(run(&bin, dir.path()));
        sites.push(dir);
    }
    report("pull into an empty data/", incidents, &mut first);
    report("re-pull, nothing changed", incidents, &mut again);
}

/// One pull: (seconds, files changed).
fn run(bin: &Path, root: &Path) -> (f64, usize) {
    let start = Instant::now();
    let out = Command::new(bin)
        .args(["pull", "--root"])
        .arg(root)
        .args(["--since", "2026-01-01", "--now", "2026-12-31T00:00:00Z"])
        .env("GITLAB_TOKEN", fake_gitlab::TOKEN)
        .output()
        .unwrap();
    let secs = start.elapsed().as_secs_f64();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (secs, String::from_utf8_lossy(&out.stdout).lines().count())
}

fn report(what: &str, incidents: u64, runs: &mut [(f64, usize)]) {
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    let median = runs[runs.len() / 2];
    // The children's peak resident set, in KiB on Linux.
    let peak = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage.ru_maxrss
    };
    println!(
        "{what}: {incidents} incidents, median {:.2} s over {} runs (min {:.2}, max {:.2}), {} files changed, peak RSS of any pull {:.1} MiB",
        median.0,
        runs.len(),
        runs[0].0,
        runs[runs.len() - 1].0,
        median.1,
        peak as f64 / 1024.0
    );
}
