//! Real metrics engines for the pull tests: Prometheus over a TSDB
//! backfilled with `promtool tsdb create-blocks-from openmetrics`, and
//! VictoriaMetrics loaded through its import API, each on a free loopback
//! port in a temporary directory and killed when dropped.
//!
//! Skipping rule (`common::found_or_skip`): without the binaries a test
//! skips (loudly) outside CI and fails under CI (`CI` set), where `.ci/run`
//! installs them. Include it with `mod common;` and
//! `#[path = "common/engines.rs"] mod engines;`.
#![allow(dead_code)]

use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use opsbook::pull::http::{Client, Settings};

use crate::common::found_or_skip;

/// One series: labels (besides the name) and `(unix seconds, value)`.
pub struct Series {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub samples: Vec<(i64, f64)>,
}

impl Series {
    fn selector(&self) -> String {
        let labels: Vec<String> = self
            .labels
            .iter()
            .map(|(k, v)| format!("{k}=\"{v}\""))
            .collect();
        format!("{}{{{}}}", self.name, labels.join(","))
    }
}

/// A running engine; killed (and its directory removed) on drop.
pub struct Engine {
    pub name: &'static str,
    pub url: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Engine {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

const BINARIES: &[&str] = &["prometheus", "promtool", "victoria-metrics"];

/// True when every engine binary is installed; otherwise prints why the
/// test is skipped, or panics under CI.
pub fn engines_or_skip() -> bool {
    let missing: Vec<&str> = BINARIES
        .iter()
        .copied()
        .filter(|b| {
            Command::new(b)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_err()
        })
        .collect();
    let found = if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{} not installed: apt-get install prometheus victoria-metrics",
            missing.join(", ")
        ))
    };
    found_or_skip(found).is_some()
}

/// Starts Prometheus and VictoriaMetrics over `series`, in parallel.
pub fn start_both(series: &[Series]) -> (Engine, Engine) {
    std::thread::scope(|s| {
        let prom = s.spawn(|| prometheus(series));
        let vm = s.spawn(|| victoria_metrics(series));
        (prom.join().unwrap(), vm.join().unwrap())
    })
}

/// Prometheus over a TSDB backfilled from `series`.
pub fn prometheus(series: &[Series]) -> Engine {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("series.om");
    let mut om = String::new();
    let mut names: Vec<&str> = series.iter().map(|s| s.name.as_str()).collect();
    names.dedup();
    // OpenMetrics: families grouped, samples in time order, seconds, `# EOF`.
    for name in names {
        om.push_str(&format!("# TYPE {name} gauge\n"));
        for s in series.iter().filter(|s| s.name == name) {
            let sel = s.selector();
            for (t, v) in &s.samples {
                om.push_str(&format!("{sel} {v} {t}\n"));
            }
        }
    }
    om.push_str("# EOF\n");
    std::fs::write(&input, om).unwrap();
    let data = dir.path().join("data");
    let out = Command::new("promtool")
        .args(["tsdb", "create-blocks-from", "openmetrics", "--quiet"])
        .arg(&input)
        .arg(&data)
        .output()
        .expect("run promtool");
    assert!(
        out.status.success(),
        "promtool failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let config = dir.path().join("prometheus.yml");
    std::fs::write(&config, "scrape_configs: []\n").unwrap();
    let port = free_port();
    let child = Command::new("prometheus")
        .arg(format!("--storage.tsdb.path={}", data.display()))
        .arg("--storage.tsdb.retention.time=100y")
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .arg(format!("--config.file={}", config.display()))
        .stdout(log(dir.path(), "stdout"))
        .stderr(log(dir.path(), "stderr"))
        .spawn()
        .expect("start prometheus");
    let engine = Engine {
        name: "prometheus",
        url: format!("http://127.0.0.1:{port}"),
        child,
        _dir: dir,
    };
    wait_ready(&engine, "/-/ready");
    engine
}

/// VictoriaMetrics loaded with `series` through `/api/v1/import/prometheus`.
pub fn victoria_metrics(series: &[Series]) -> Engine {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let child = Command::new("victoria-metrics")
        .arg(format!(
            "-storageDataPath={}",
            dir.path().join("data").display()
        ))
        .arg(format!("-httpListenAddr=127.0.0.1:{port}"))
        .arg("-retentionPeriod=100y")
        .stdout(log(dir.path(), "stdout"))
        .stderr(log(dir.path(), "stderr"))
        .spawn()
        .expect("start victoria-metrics");
    let engine = Engine {
        name: "victoria-metrics",
        url: format!("http://127.0.0.1:{port}"),
        child,
        _dir: dir,
    };
    wait_ready(&engine, "/health");
    // Prometheus text format with millisecond timestamps.
    let mut body = String::new();
    for s in series {
        let sel = s.selector();
        for (t, v) in &s.samples {
            body.push_str(&format!("{sel} {v} {}\n", t * 1000));
        }
    }
    let client = client();
    let url = format!("{}/api/v1/import/prometheus", engine.url);
    client
        .send("POST", &url, &[], &[], Some(&body), None)
        .expect("import into victoria-metrics");
    client
        .send(
            "GET",
            &format!("{}/internal/force_flush", engine.url),
            &[],
            &[],
            None,
            None,
        )
        .expect("flush victoria-metrics");
    engine
}

pub fn client() -> Client {
    Client::new(Settings {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(30),
        total_budget: Duration::from_secs(60),
        retries: 0,
        ..Settings::default()
    })
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn log(dir: &Path, name: &str) -> std::fs::File {
    std::fs::File::create(dir.join(format!("engine.{name}"))).unwrap()
}

/// Polls `path` until it answers 200; panics with the engine's log after 60 s
/// or when the process exits.
fn wait_ready(engine: &Engine, path: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    let url = format!("{}{path}", engine.url);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(2)))
        .build()
        .into();
    loop {
        if agent.get(&url).call().is_ok_and(|r| r.status() == 200) {
            return;
        }
        let logs = || {
            std::fs::read_to_string(engine._dir.path().join("engine.stderr")).unwrap_or_default()
        };
        assert!(
            Instant::now() < deadline,
            "{} did not become ready at {url}:\n{}",
            engine.name,
            logs()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Writes `text` to stderr (a helper for debugging failed engine runs).
pub fn note(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}
