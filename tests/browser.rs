//! Pages in a real browser: the sample site is built for a GitLab Pages
//! project sub-path, served over HTTP on 127.0.0.1, and loaded in headless
//! Chromium. A probe script, added by this test's server (not by opsbook),
//! writes what the browser computed into the DOM, which `--dump-dom` returns.
//!
//! Chromium comes from the system (`apt-get install chromium`; `.ci/run`
//! installs it). Without it the test fails under CI and is skipped, loudly,
//! elsewhere so that `cargo test` works on a fresh machine.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

const PROBE: &str = r#"<script>
(() => {
  const out = {};
  const css = (sel, prop) => { const e = document.querySelector(sel); return e ? getComputedStyle(e)[prop] : "missing"; };
  const box = (sel) => { const e = document.querySelector(sel); return e ? e.getBoundingClientRect() : null; };
  out.sheets = document.styleSheets.length;
  out.rules = [...document.styleSheets].reduce((n, s) => n + s.cssRules.length, 0);
  out.bodyBg = css("body", "backgroundColor");
  out.bodyFont = css("body", "fontFamily");
  out.sidebar = css("nav.sidebar", "display");
  const toc = box("aside.toc"), prose = box("div.prose");
  out.tocRightOfProse = !!(toc && prose && toc.left >= prose.right - 1);
  out.keyword = css("pre.highlight span.hl-k", "color");
  out.codeText = css("pre.highlight code", "color");
  out.alertBg = css("div.alert", "backgroundColor");
  if (out.alertBg === "missing") delete out.alertBg;
  if (out.keyword === "missing" && !document.querySelector("pre.highlight")) { delete out.keyword; delete out.codeText; }
  // The print stylesheet hides the navigation: look for it in the CSSOM.
  out.printHidesSidebar = [...document.styleSheets].some(s => [...s.cssRules].some(r =>
    r.media && [...r.media].includes("print") && [...r.cssRules].some(x =>
      x.selectorText && x.selectorText.includes(".sidebar") && x.style.display === "none")));
  document.body.setAttribute("data-probe", JSON.stringify(out));
})();
</script>"#;

struct Server {
    base: String,
    missing: Arc<Mutex<Vec<String>>>,
}

/// Serves `root` at `http://127.0.0.1:PORT/project/`, records every 404.
fn serve(root: PathBuf) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let missing = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&missing);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            // Drain the headers.
            let mut h = String::new();
            while reader.read_line(&mut h).is_ok_and(|n| n > 2) {
                h.clear();
            }
            let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
            let path = path.split('?').next().unwrap_or("").to_string();
            let file = path.strip_prefix("/project/").map(|rel| {
                let p = root.join(rel);
                if rel.is_empty() || rel.ends_with('/') {
                    p.join("index.html")
                } else {
                    p
                }
            });
            let mut stream = reader.into_inner();
            let body = file.as_deref().and_then(|f| std::fs::read(f).ok());
            let (status, ctype, body) = match (body, file) {
                (Some(mut b), Some(f)) => {
                    let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
                    let ctype = match ext {
                        "html" => "text/html; charset=utf-8",
                        "css" => "text/css",
                        "svg" => "image/svg+xml",
                        "xml" => "application/xml",
                        _ => "application/octet-stream",
                    };
                    if ext == "html" {
                        let html = String::from_utf8(b).unwrap();
                        b = html
                            .replacen("</body>", &format!("{PROBE}</body>"), 1)
                            .into_bytes();
                    }
                    ("200 OK", ctype, b)
                }
                _ => {
                    if !path.ends_with("favicon.ico") {
                        log.lock().unwrap().push(path.clone());
                    }
                    ("404 Not Found", "text/plain", b"not found".to_vec())
                }
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    Server {
        base: format!("http://127.0.0.1:{port}/project/"),
        missing,
    }
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH")?
                .to_str()?
                .split(':')
                .map(|d| Path::new(d).join(name))
                .find(|p| p.is_file())
        })
}

/// Loads `url` and returns the probe's findings as `key -> value` text.
fn probe(browser: &Path, url: &str, extra: &[&str]) -> std::collections::BTreeMap<String, String> {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--window-size=1400,1000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .args(["--dump-dom", url])
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    let start = dom.find("data-probe=\"").unwrap_or_else(|| {
        panic!(
            "no probe result for {url}; stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let rest = &dom[start + 12..];
    let json = rest[..rest.find('"').unwrap()].replace("&quot;", "\"");
    // A flat JSON object of strings, numbers and booleans.
    json.trim_matches(|c| c == '{' || c == '}')
        .split(",\"")
        .filter_map(|kv| {
            let (k, v) = kv.split_once("\":")?;
            Some((
                k.trim_matches('"').to_string(),
                v.trim_matches('"').to_string(),
            ))
        })
        .collect()
}

#[test]
fn sample_site_renders_styled_in_a_real_browser() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "chromium is required under CI: apt-get install chromium"
        );
        eprintln!("SKIPPED: no chromium on PATH (apt-get install chromium)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let status = Command::new(env!("CARGO_BIN_EXE_opsbook"))
        .args(["build", "--root"])
        .arg(root)
        .arg("--out")
        .arg(&out)
        .args(["--base-url", "https://larkspur.gitlab.io/project/"])
        .env("SOURCE_DATE_EPOCH", "1793491200")
        .status()
        .unwrap();
    assert!(status.success());
    let server = serve(out.clone());
    let incident = std::fs::read_dir(out.join("incidents"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .max()
        .unwrap();

    // A handbook page with highlighted SQL, at desktop width.
    let page = format!("{}handbook/production-engineering/database/", server.base);
    let light = probe(&browser, &page, &[]);
    assert!(
        !light.values().any(|v| v == "missing"),
        "every probed element exists: {light:?}"
    );
    assert_eq!(light["sheets"], "2", "{light:?}");
    assert!(light["rules"].parse::<usize>().unwrap() > 100, "{light:?}");
    assert_eq!(light["bodyBg"], "rgb(255, 255, 255)", "{light:?}");
    assert!(
        !light["bodyFont"].contains("Times"),
        "system font stack: {light:?}"
    );
    assert_ne!(light["sidebar"], "none", "{light:?}");
    assert_eq!(light["tocRightOfProse"], "true", "{light:?}");
    assert_ne!(
        light["keyword"], light["codeText"],
        "keywords are coloured: {light:?}"
    );
    assert_eq!(light["printHidesSidebar"], "true", "{light:?}");

    // The same page in dark mode gets a dark background.
    let dark = probe(&browser, &page, &["--force-dark-mode"]);
    let channels: Vec<u32> = dark["bodyBg"]
        .trim_start_matches("rgb(")
        .trim_end_matches(')')
        .split(", ")
        .map(|c| c.parse().unwrap())
        .collect();
    assert!(
        channels.iter().all(|&c| c < 64),
        "dark background: {dark:?}"
    );
    assert_ne!(
        dark["keyword"], light["keyword"],
        "the code palette follows dark mode"
    );

    // Alerts are coloured boxes (the ops page has several).
    let ops = probe(
        &browser,
        &format!("{}handbook/production-engineering/ops/", server.base),
        &[],
    );
    assert_ne!(
        ops["alertBg"], "rgba(0, 0, 0, 0)",
        "alerts are boxes: {ops:?}"
    );
    assert_ne!(ops["alertBg"], ops["bodyBg"], "alerts stand out: {ops:?}");

    // A post-mortem page, the incident index and home load with their styles.
    for url in [
        format!("incidents/{incident}/"),
        "incidents/".to_string(),
        String::new(),
    ] {
        let p = probe(&browser, &format!("{}{url}", server.base), &[]);
        assert_eq!(p["sheets"], "2", "{url}: {p:?}");
        assert_ne!(p["sidebar"], "none", "{url}: {p:?}");
    }
    let missing = server.missing.lock().unwrap().clone();
    assert!(
        missing.is_empty(),
        "requests that found nothing under the sub-path: {missing:?}"
    );
}
