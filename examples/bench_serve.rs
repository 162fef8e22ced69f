//! How long from saving a handbook page to its new HTML being served by
//! `opsbook serve`, on a temporary copy of the sample site.
//!
//! `cargo build --release && cargo run --release --example bench_serve [N]`
//! starts `target/release/opsbook serve --port 0` on the copy, then N times
//! rewrites one page with a new marker and polls the page (1 ms apart) until
//! the marker is served; prints each latency and the median.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PAGE: &str = "content/handbook/_index.md";
const URL_PATH: &str = "/handbook/";

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(15);
    let sample = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    std::fs::create_dir_all(&root).unwrap();
    // Everything `serve` watches: the sample site whole.
    for part in opsbook::serve::WATCHED {
        if sample.join(part).exists() {
            let ok = Command::new("cp")
                .arg("-r")
                .arg(sample.join(part))
                .arg(root.join(part))
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "copy {part}");
        }
    }
    let bin = sample.join("target/release/opsbook");
    let bin = std::env::var_os("CARGO_TARGET_DIR")
        .map(|d| Path::new(&d).join("release/opsbook"))
        .filter(|p| p.exists())
        .unwrap_or(bin);
    let mut child = Command::new(&bin)
        .args(["serve", "--port", "0", "--root"])
        .arg(&root)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run target/release/opsbook (cargo build --release first)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("http://"))
        .expect("printed URL")
        .trim_end_matches('/')
        .to_string();

    let original = std::fs::read_to_string(root.join(PAGE)).expect("the sample page");
    let mut times = Vec::new();
    for i in 0..n {
        // Let the previous full rebuild finish, as between two saves.
        std::thread::sleep(Duration::from_millis(1500));
        let marker = format!("bench-marker-{i}-{}", std::process::id());
        let text = format!("{original}\n\n{marker}\n");
        let saved = Instant::now();
        std::fs::write(root.join(PAGE), text).unwrap();
        loop {
            if get(&addr, URL_PATH).contains(&marker) {
                break;
            }
            assert!(saved.elapsed() < Duration::from_secs(30), "never served");
            std::thread::sleep(Duration::from_millis(1));
        }
        let ms = saved.elapsed().as_secs_f64() * 1e3;
        println!("save {i}: served after {ms:.1} ms");
        times.push(ms);
    }
    let _ = child.kill();
    let _ = child.wait();
    times.sort_by(f64::total_cmp);
    println!(
        "median of {n}: {:.1} ms (min {:.1}, max {:.1})",
        times[n / 2],
        times[0],
        times[n - 1]
    );
}

fn get(addr: &str, path: &str) -> String {
    let Ok(mut s) = TcpStream::connect(addr) else {
        return String::new();
    };
    let _ = write!(s, "GET {path} HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    out
}
