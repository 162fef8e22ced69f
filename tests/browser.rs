//! Pages in a real browser: the sample site is built for a GitLab Pages
//! project sub-path, served over HTTP on 127.0.0.1, and loaded in headless
//! Chromium. A probe script, added by this test's server (not by opsbook),
//! writes what the browser computed into the DOM, which `--dump-dom` returns.
//!
//! The availability record (`/availability/`, a month, its trends review, a
//! service) is loaded in light and dark mode and at phone width; every load
//! leaves a screenshot in `target/browser-artifacts/` for a human to look at.
//!
//! The sample's main pages (issue 9) are loaded at 1366 and 390 px in
//! light and dark mode, with axe-core injected by the test server (never by
//! opsbook) to find serious or critical accessibility violations. axe-core
//! comes from npm (`.ci/run` installs it and sets `OPSBOOK_AXE`); without it
//! the axe checks fail under CI and are skipped, loudly, elsewhere.
//!
//! Chromium comes from the system (`apt-get install chromium`; `.ci/run`
//! installs it). Without it the test fails under CI and is skipped, loudly,
//! elsewhere so that `cargo test` works on a fresh machine.

mod common;

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use common::{build_sample_site, found_or_skip, found_or_skip_under};

/// Injected first in `<head>`: records script errors and failed loads that
/// the console may not show (a broken image, a stylesheet that 404s).
const HOOK: &str = r#"<script>
window.__errors = [];
addEventListener("error", e => {
  const t = e.target;
  __errors.push(e.message || ("failed to load " + (t && (t.currentSrc || t.src || t.href))));
}, true);
addEventListener("unhandledrejection", e => __errors.push("unhandled rejection: " + e.reason));
addEventListener("securitypolicyviolation", e => __errors.push("CSP: " + e.violatedDirective));
</script>"#;

// Runs at DOMContentLoaded, after the theme's deferred scripts.
const PROBE: &str = r#"<script>
addEventListener("DOMContentLoaded", () => {
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
  // The availability record: charts, uptime bars, what sticks out at phone width.
  out.title = document.title;
  out.errors = window.__errors ? __errors.join(" | ") : "no hook";
  out.dark = matchMedia("(prefers-color-scheme: dark)").matches;
  out.width = innerWidth;
  const shown = e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && e.checkVisibility({ visibilityProperty: true, opacityProperty: true }); };
  const charts = [...document.querySelectorAll("svg.ob-chart")];
  out.charts = charts.length;
  out.chartsShown = charts.filter(shown).length;
  const line = document.querySelector("svg.ob-chart polyline.chart-line");
  const bar = document.querySelector("svg.ob-chart rect.chart-bar");
  out.series = line ? getComputedStyle(line).stroke : bar ? getComputedStyle(bar).fill : "none";
  const text = document.querySelector("svg.ob-chart text");
  out.chartText = text ? getComputedStyle(text).fill : "none";
  const bars = [...document.querySelectorAll(".uptime-bars > li > *")];
  out.bars = bars.length;
  out.barsShown = bars.filter(b => shown(b) && getComputedStyle(b).backgroundColor !== "rgba(0, 0, 0, 0)").length;
  out.brokenImages = [...document.images].filter(i => i.complete && i.naturalWidth === 0).length;
  // Wider than the viewport, outside the boxes that scroll on purpose
  // (table wrappers, code blocks).
  out.scrollWidth = document.documentElement.scrollWidth;
  out.overflowing = [...document.body.querySelectorAll("*")].filter(e => {
    if (e.parentElement.closest(".table-wrap, pre")) return false;
    const r = e.getBoundingClientRect();
    return r.width > 1 && r.right > innerWidth + 0.5;
  }).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined ? "." + e.className.trim().split(/\s+/).join(".") : "")).join(" ");
  // Reading comfort (issue 9).
  out.proseWidth = prose ? Math.round(prose.width) : 0;
  out.rem = parseFloat(getComputedStyle(document.documentElement).fontSize);
  out.navTree = css("nav.sidebar .nav-tree", "display");
  out.navToggle = css(".sidebar-toggle-label", "display");
  const facts = box("dl.facts");
  out.factsFit = facts ? facts.right <= innerWidth + 0.5 : "none";
  out.pre = document.querySelectorAll(".prose pre").length;
  out.copyButtons = document.querySelectorAll(".prose .copy-code").length;
  const sw = document.querySelector("button.theme-switch");
  out.themeSwitch = !!sw;
  if (sw) {
    const before = getComputedStyle(document.body).backgroundColor;
    const rootVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    const chartBefore = rootVar("--chart-sev-1");
    sw.click();
    out.themeFlipped = getComputedStyle(document.body).backgroundColor !== before;
    out.chartFlipped = rootVar("--chart-sev-1") !== chartBefore;
    out.themeStored = localStorage.getItem("opsbook-theme") || "";
    sw.click();
    localStorage.removeItem("opsbook-theme");
  }
  // The incident index's filters: which severities the visible rows have.
  const rows = [...document.querySelectorAll("tr.incident-row")];
  out.incidentRows = rows.length;
  out.incidentRowsShown = rows.filter(shown).length;
  out.shownSeverities = [...new Set(rows.filter(shown).map(r => r.dataset.severity))].sort().join(",");
  document.body.setAttribute("data-probe", JSON.stringify(out));
});
</script>"#;

struct Server {
    base: String,
    missing: Arc<Mutex<Vec<String>>>,
}

/// Serves `root` at `http://127.0.0.1:PORT/project/`, records every 404.
fn serve(root: PathBuf) -> Server {
    serve_with(root, None)
}

/// Runs axe-core in a page once it has loaded, and writes the serious and
/// critical violations (rule, impact, target selectors) into `data-axe`.
const AXE_RUNNER: &str = r#"<script>
window.__axeWanted = true;
addEventListener("load", () => {
  axe.run(document, { resultTypes: ["violations"] }).then(r => {
    const bad = r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({
      id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 8).map(n => n.target.join(" ") + (n.failureSummary ? " (" + n.failureSummary.split("\n").slice(1).join(" ").trim() + ")" : "")),
    }));
    document.body.setAttribute("data-axe", JSON.stringify(bad));
  }, e => document.body.setAttribute("data-axe", JSON.stringify([{ id: "axe-error", impact: "critical", help: String(e), targets: [] }])));
});
</script>"#;

/// As [`serve`]; with `axe` (the path of `axe.min.js`), every HTML page also
/// loads it from `/__axe.js` and runs it (only the test server does this).
/// Unknown paths under the sub-path get `404.html` with status 404, as
/// GitLab Pages answers.
fn serve_with(root: PathBuf, axe: Option<PathBuf>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let missing = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&missing);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            // One thread a connection: Chromium opens several at once, and
            // a speculative one that sends nothing must not hold up the rest.
            let (root, axe, log) = (root.clone(), axe.clone(), Arc::clone(&log));
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream);
                let mut line = String::new();
                // A speculative connection Chromium closes without a request
                // (0 bytes) asks for nothing: it used to be logged as `/`.
                if !reader.read_line(&mut line).is_ok_and(|n| n > 0) {
                    return;
                }
                let Some(target) = line.split_whitespace().nth(1).map(str::to_string) else {
                    return;
                };
                // Drain the headers.
                let mut h = String::new();
                while reader.read_line(&mut h).is_ok_and(|n| n > 2) {
                    h.clear();
                }
                let path = target.split('?').next().unwrap_or("").to_string();
                let mut stream = reader.into_inner();
                let respond = |stream: &mut std::net::TcpStream,
                               status: &str,
                               ctype: &str,
                               body: &[u8]| {
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = stream.write_all(body);
                };
                if let Some(page) = target.strip_prefix("/phone") {
                    // Headless windows are at least 500 px wide: a phone is a
                    // PHONE px frame (the query string kept), whose probe and
                    // axe results the wrapper copies out.
                    let html = format!(
                        "<!doctype html><html><body style=\"margin:0\"><iframe src=\"{page}\" \
                         style=\"border:0;width:{PHONE}px;height:2400px\" onload=\"document.body.setAttribute(\
                         'data-probe', this.contentDocument.body.getAttribute('data-probe'))\"></iframe>\
                         <script>const t = setInterval(() => {{ const b = document.querySelector('iframe').contentDocument.body; \
                         if (b && b.hasAttribute('data-axe')) {{ document.body.setAttribute('data-axe', b.getAttribute('data-axe')); clearInterval(t); }} }}, 50);</script>\
                         </body></html>"
                    );
                    respond(
                        &mut stream,
                        "200 OK",
                        "text/html; charset=utf-8",
                        html.as_bytes(),
                    );
                    return;
                }
                let axe_js = (path == "/__axe.js")
                    .then(|| axe.as_deref().and_then(|p| std::fs::read(p).ok()))
                    .flatten();
                if let Some(js) = axe_js {
                    respond(&mut stream, "200 OK", "text/javascript", &js);
                    return;
                }
                let file = path.strip_prefix("/project/").map(|rel| {
                    let p = root.join(rel);
                    if rel.is_empty() || rel.ends_with('/') {
                        p.join("index.html")
                    } else {
                        p
                    }
                });
                let found = file
                    .as_deref()
                    .and_then(|f| std::fs::read(f).ok().map(|b| (f.to_path_buf(), b)));
                let (status, found) = match found {
                    Some(found) => ("200 OK", Some(found)),
                    None => {
                        if !path.ends_with("favicon.ico") {
                            log.lock().unwrap().push(path.clone());
                        }
                        let not_found = root.join("404.html");
                        let page = file
                            .is_some()
                            .then(|| std::fs::read(&not_found).ok().map(|b| (not_found, b)))
                            .flatten();
                        ("404 Not Found", page)
                    }
                };
                let Some((f, mut b)) = found else {
                    respond(&mut stream, status, "text/plain", b"not found");
                    return;
                };
                let ext = f.extension().and_then(|e| e.to_str()).unwrap_or("");
                let ctype = match ext {
                    "html" => "text/html; charset=utf-8",
                    "css" => "text/css",
                    "svg" => "image/svg+xml",
                    "xml" => "application/xml",
                    "js" => "text/javascript",
                    "json" => "application/json",
                    _ => "application/octet-stream",
                };
                if ext == "html" {
                    let html = String::from_utf8(b).unwrap();
                    let tail = if axe.is_some() {
                        format!("{PROBE}<script src=\"/__axe.js\"></script>{AXE_RUNNER}</body>")
                    } else {
                        format!("{PROBE}</body>")
                    };
                    b = html
                        .replacen("<head>", &format!("<head>{HOOK}"), 1)
                        .replacen("</body>", &tail, 1)
                        .into_bytes();
                }
                respond(&mut stream, status, ctype, &b);
            });
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

/// What one page load gave back.
struct Load {
    /// The probe's findings, `key -> value` as text.
    probe: BTreeMap<String, String>,
    /// Console messages: the site ships no script, so every one is a fault.
    console: Vec<String>,
    /// axe-core's serious and critical violations (JSON), when it ran.
    axe: Option<String>,
}

/// A phone's width in CSS px (an iPhone 12 to 15 is 390 × 844).
const PHONE: u32 = 390;

/// Loads `url` at `width` px (under 500: in a phone-sized frame), optionally
/// saving a screenshot.
fn load(browser: &Path, url: &str, width: u32, extra: &[&str], shot: Option<&Path>) -> Load {
    let phone;
    let (url, width) = if width < 500 {
        let (origin, path) = url.split_at(url.find("/project/").unwrap());
        phone = format!("{origin}/phone{path}");
        (phone.as_str(), 500)
    } else {
        (url, width)
    };
    let profile = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(browser);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!(
        "--window-size={width},{}",
        if shot.is_some() { 2400 } else { 1000 }
    ))
    .arg(format!("--user-data-dir={}", profile.path().display()))
    .args(extra);
    if let Some(path) = shot {
        cmd.arg(format!("--screenshot={}", path.display()));
    }
    let out = cmd
        .args(["--dump-dom", url])
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let json = attribute(&dom, "data-probe")
        .unwrap_or_else(|| panic!("no probe result for {url}; stderr: {stderr}"));
    let map: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&json).unwrap_or_else(|e| panic!("probe of {url}: {e}: {json}"));
    let probe = map
        .into_iter()
        .map(|(k, v)| match v {
            serde_json::Value::String(s) => (k, s),
            other => (k, other.to_string()),
        })
        .collect();
    // Chromium logs page console messages as `...:CONSOLE:N] "text", source: url (line)`.
    let console = stderr
        .lines()
        .filter(|l| l.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    let axe = attribute(&dom, "data-axe");
    Load {
        probe,
        console,
        axe,
    }
}

/// The unescaped value of the first `name="..."` attribute in a dumped DOM.
fn attribute(dom: &str, name: &str) -> Option<String> {
    let start = dom.find(&format!("{name}=\""))? + name.len() + 2;
    let rest = &dom[start..];
    Some(
        rest[..rest.find('"')?]
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

/// Loads `url` and returns the probe's findings as `key -> value` text.
fn probe(browser: &Path, url: &str, extra: &[&str]) -> BTreeMap<String, String> {
    load(browser, url, 1400, extra, None).probe
}

/// One browser test at a time: each starts several headless Chromiums, and
/// on a 2-core CI machine five of them at once starve the page loads.
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static ONE: Mutex<()> = Mutex::new(());
    ONE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Chromium, or `None` outside CI when it is not installed (CI must have it).
fn browser_or_skip() -> Option<PathBuf> {
    found_or_skip(chromium().ok_or_else(|| {
        "the browser tests need chromium on PATH: apt-get install chromium".to_string()
    }))
}

/// The sample site, built as GitLab Pages serves a project: its temporary
/// directory (removed on drop) and the output folder in it.
fn build_sample() -> (tempfile::TempDir, PathBuf) {
    build_sample_site(&["--base-url", "https://larkspur.gitlab.io/project/"])
}

/// `target/browser-artifacts/`, emptied of an earlier run's screenshots
/// (once per run).
fn artifacts() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            // target/debug/deps/browser-HASH
            let exe = std::env::current_exe().ok()?;
            Some(exe.parent()?.parent()?.parent()?.to_path_buf())
        })
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    let dir = target.join("browser-artifacts");
    // Once per run: the tests run in parallel, and emptying it in each
    // would delete the screenshots another test has just taken.
    static EMPTIED: std::sync::Once = std::sync::Once::new();
    EMPTIED.call_once(|| {
        let _ = std::fs::remove_dir_all(&dir);
    });
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn sample_site_renders_styled_in_a_real_browser() {
    let _one = one_at_a_time();
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let (_dir, out) = build_sample();
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

/// Issue 7: the availability record renders its charts and uptime bars in
/// light and dark mode, without console errors or missing assets, and fits
/// a phone.
#[test]
fn availability_pages_render_in_light_dark_and_on_a_phone() {
    let _one = one_at_a_time();
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let (_dir, out) = build_sample();
    let server = serve(out.clone());
    let shots = artifacts();

    // The newest complete month, and a weighted service, from the export.
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("api/availability.json")).unwrap()).unwrap();
    let month = json["months"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|m| m["complete"] == true && !m["services"].as_object().unwrap().is_empty())
        .expect("a complete month");
    let service = month["services"]
        .as_object()
        .unwrap()
        .iter()
        .find(|(_, s)| s["weight"].as_u64() > Some(0))
        .map(|(id, _)| id.clone())
        .unwrap();
    let month = month["month"].as_str().unwrap();

    // (name, path, has charts, has uptime bars)
    let pages = [
        ("availability", "availability/".to_string(), true, true),
        ("month", format!("availability/{month}/"), true, false),
        ("trends", format!("trends/{month}/"), true, false),
        ("service", format!("services/{service}/"), false, true),
    ];
    let mut problems = Vec::new();
    for (name, path, has_charts, has_bars) in &pages {
        let url = format!("{}{path}", server.base);
        let mut seen = BTreeMap::new();
        for (mode, width, extra) in [
            ("light", 1400, &[][..]),
            ("dark", 1400, &["--force-dark-mode"][..]),
            ("phone", PHONE, &[][..]),
        ] {
            let shot = shots.join(format!("{name}-{mode}.png"));
            let Load {
                probe: p, console, ..
            } = load(&browser, &url, width, extra, Some(&shot));
            let at = format!("{path} ({mode})");
            let mut check = |ok: bool, what: &str| {
                if !ok {
                    problems.push(format!("{at}: {what}: {p:?}"));
                }
            };
            check(
                p["dark"] == (mode == "dark").to_string(),
                "colour scheme emulated",
            );
            check(p["sheets"] == "2", "both stylesheets load");
            check(console.is_empty(), &format!("console: {console:?}"));
            check(p["errors"].is_empty(), "no load or script errors");
            check(p["brokenImages"] == "0", "no broken images");
            let n = |k: &str| p[k].parse::<usize>().unwrap();
            if *has_charts {
                check(n("charts") > 0, "has inline SVG charts");
                check(
                    n("chartsShown") == n("charts"),
                    "every chart has a size and is visible",
                );
            }
            if *has_bars {
                check(n("bars") >= 90, "90 daily uptime bars");
                check(n("barsShown") == n("bars"), "every bar is drawn");
            }
            if mode == "phone" {
                check(p["width"] == PHONE.to_string(), "phone viewport");
                check(n("scrollWidth") <= PHONE as usize, "no horizontal scroll");
                check(
                    p["overflowing"].is_empty(),
                    "nothing wider than the screen outside .table-wrap",
                );
            }
            check(shot.is_file(), "screenshot saved");
            seen.insert(mode, p);
        }
        if *has_charts {
            let (light, dark) = (&seen["light"], &seen["dark"]);
            if light["series"] == dark["series"] || light["series"] == "none" {
                problems.push(format!(
                    "{path}: a series colour differs between light and dark: {} / {}",
                    light["series"], dark["series"]
                ));
            }
            if light["chartText"] == dark["chartText"] {
                problems.push(format!(
                    "{path}: chart text follows dark mode: {}",
                    light["chartText"]
                ));
            }
        }
    }
    let missing = server.missing.lock().unwrap().clone();
    assert!(
        missing.is_empty(),
        "requests that found nothing under the sub-path: {missing:?}"
    );
    assert!(
        problems.is_empty(),
        "screenshots in {}:\n{}",
        shots.display(),
        problems.join("\n")
    );
}

/// Issue 9: reading comfort. On a 390 px phone a post-mortem (facts box),
/// the availability page and a handbook page with a wide table never scroll
/// sideways, and the sidebar is folded behind its toggle; at 1280 px the
/// content column is wide enough for tables; code blocks get copy buttons
/// and the header a light/dark switch that is remembered.
#[test]
fn pages_fit_a_phone_and_a_laptop() {
    let _one = one_at_a_time();
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let (_dir, out) = build_sample();
    let server = serve(out.clone());
    let shots = artifacts();
    // The bundle post-mortem (diagram and a long facts box), the availability
    // table, and handbook pages whose tables are wide.
    let pages = [
        ("postmortem", "incidents/2231/"),
        ("availability", "availability/"),
        ("table", "handbook/change-management/"),
        ("runbook", "handbook/runbooks/postgres-failover/"),
    ];
    let mut problems = Vec::new();
    for (name, path) in pages {
        let url = format!("{}{path}", server.base);
        for (mode, width) in [("phone", PHONE), ("laptop", 1280)] {
            let shot = shots.join(format!("layout-{name}-{mode}.png"));
            let Load {
                probe: p, console, ..
            } = load(&browser, &url, width, &[], Some(&shot));
            let at = format!("{path} ({mode})");
            let mut check = |ok: bool, what: &str| {
                if !ok {
                    problems.push(format!("{at}: {what}: {p:?}"));
                }
            };
            let v = |k: &str| p.get(k).map_or("missing", String::as_str);
            let n = |k: &str| v(k).parse::<f64>().unwrap_or(f64::NAN);
            check(console.is_empty(), &format!("console: {console:?}"));
            check(v("errors").is_empty(), "no load or script errors");
            check(v("brokenImages") == "0", "no broken images");
            check(v("themeSwitch") == "true", "a light/dark switch");
            check(v("themeFlipped") == "true", "the switch changes colours");
            check(
                v("chartFlipped") == "true",
                "the switch changes the charts' colours too",
            );
            check(
                ["light", "dark"].contains(&v("themeStored")),
                "the choice is remembered",
            );
            check(
                n("copyButtons") == n("pre"),
                "a copy button on every code block",
            );
            check(v("factsFit") != "false", "the facts box fits");
            if mode == "phone" {
                check(v("width") == PHONE.to_string(), "phone viewport");
                check(n("scrollWidth") <= f64::from(PHONE), "no horizontal scroll");
                check(
                    v("overflowing").is_empty(),
                    "nothing wider than the screen outside .table-wrap",
                );
                check(v("navTree") == "none", "the sidebar is folded");
                check(v("navToggle") != "none", "with a toggle to open it");
            } else {
                check(v("navTree") != "none", "the sidebar is open");
                check(v("navToggle") == "none", "no toggle on a laptop");
                if name == "table" || name == "runbook" {
                    check(
                        n("proseWidth") >= 46.0 * n("rem"),
                        "the content column is at least 46rem",
                    );
                }
            }
        }
    }
    let missing = server.missing.lock().unwrap().clone();
    assert!(
        missing.is_empty(),
        "requests that found nothing under the sub-path: {missing:?}"
    );
    assert!(
        problems.is_empty(),
        "screenshots in {}:\n{}",
        shots.display(),
        problems.join("\n")
    );
}

/// The search, typed as a reader would: a query in the header box of the
/// home page (a GET form to `/search/`), then another typed into the search
/// page's own box. A wrapper page (written into the output, no probe of its
/// own) drives the site in a same-origin frame and reports what it saw.
#[test]
fn search_box_finds_and_highlights_and_never_finds_confidential() {
    let _one = one_at_a_time();
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let (_dir, out) = build_sample();
    // Confidential incidents of the sample: their pages must never be found.
    let confidential: Vec<String> =
        walk_yaml(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data/incidents"))
            .into_iter()
            .filter(|text| text.contains("\nconfidential: true"))
            .map(|text| {
                text.lines()
                    .next()
                    .unwrap()
                    .trim_start_matches("id: ")
                    .trim_matches('"')
                    .to_string()
            })
            .collect();
    assert!(
        !confidential.is_empty(),
        "the sample has confidential incidents"
    );
    let wrapper = r#"<!doctype html><meta charset="utf-8">
<iframe id="f" src="./" style="width:1200px;height:1500px"></iframe>
<script>
const f = document.getElementById("f");
const out = {};
let step = 0;
const results = (d) => [...d.querySelectorAll(".search-results li")].map(li => ({
  url: li.querySelector("a").getAttribute("href"),
  title: li.querySelector("a").textContent,
  marks: [...li.querySelectorAll("mark")].map(m => m.textContent.toLowerCase()),
}));
const wait = (d, test, then) => {
  const t = setInterval(() => { if (test()) { clearInterval(t); then(); } }, 50);
};
f.onload = () => {
  const d = f.contentDocument;
  if (step === 0) {
    step = 1;
    const box = d.querySelector("header form.site-search input[name=q]");
    box.value = "mirroring";
    box.form.submit();
    return;
  }
  if (step !== 1) return;
  step = 2;
  wait(d, () => d.querySelector(".search-results li"), () => {
    out.address = f.contentWindow.location.pathname + f.contentWindow.location.search;
    out.first = results(d);
    const box = d.getElementById("search-q");
    box.value = "private projects namespace";
    box.dispatchEvent(new Event("input", { bubbles: true }));
    wait(d, () => /match/.test(d.querySelector(".search-status").textContent) && results(d).every(r => !/mirroring/i.test(r.title)), () => {
      out.second = results(d);
      out.errors = (f.contentWindow.__errors || ["no hook"]).join(" | ");
      document.body.setAttribute("data-probe", JSON.stringify({ result: JSON.stringify(out) }));
    });
  });
};
</script>"#;
    std::fs::write(out.join("search-driver.html"), wrapper).unwrap();
    let server = serve(out.clone());
    let url = format!("{}search-driver.html", server.base);
    let Load { probe, console, .. } =
        load(&browser, &url, 1400, &["--virtual-time-budget=20000"], None);
    let seen: serde_json::Value = serde_json::from_str(&probe["result"]).unwrap();
    assert_eq!(seen["address"], "/project/search/?q=mirroring", "{seen}");
    let first = seen["first"].as_array().unwrap();
    assert!(!first.is_empty(), "{seen}");
    assert!(
        first[0]["title"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("mirroring"),
        "{seen}"
    );
    assert!(
        first[0]["marks"]
            .as_array()
            .unwrap()
            .contains(&"mirroring".into()),
        "{seen}"
    );
    let second = seen["second"].as_array().unwrap();
    for r in first.iter().chain(second) {
        let url = r["url"].as_str().unwrap();
        assert!(
            url.starts_with("/project/"),
            "same origin, under the base path: {url}"
        );
        for id in &confidential {
            assert!(
                !url.contains(&format!("incidents/{id}/")),
                "confidential {id} found: {seen}"
            );
        }
    }
    assert_eq!(seen["errors"], "", "{seen}");
    assert!(console.is_empty(), "{console:?}");
    assert!(
        server.missing.lock().unwrap().is_empty(),
        "{:?}",
        server.missing.lock().unwrap()
    );
}

/// The text of every `.yaml` file under `dir`.
fn walk_yaml(dir: &Path) -> Vec<String> {
    let mut texts = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            texts.extend(walk_yaml(&path));
        } else if path.extension().is_some_and(|e| e == "yaml") {
            texts.push(std::fs::read_to_string(&path).unwrap());
        }
    }
    texts
}

/// axe-core, or `None` outside CI when it is not installed (see
/// [`find_axe`]; CI must have it).
fn axe_or_skip() -> Option<PathBuf> {
    found_or_skip(find_axe(
        std::env::var_os("OPSBOOK_AXE"),
        std::env::var_os("HOME"),
    ))
}

/// The `axe.min.js` that `opsbook_axe` (the value of `OPSBOOK_AXE`) names,
/// or, when it is not set, the one `.ci/run` installs from npm under
/// `home`. A set `OPSBOOK_AXE` that names no file is a mistake to name,
/// not a missing install to skip over quietly.
fn find_axe(opsbook_axe: Option<OsString>, home: Option<OsString>) -> Result<PathBuf, String> {
    if let Some(path) = opsbook_axe.map(PathBuf::from) {
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!(
                "OPSBOOK_AXE is set to {}, which is not a file: point it at axe.min.js, or unset it",
                path.display()
            ))
        };
    }
    home.map(|h| PathBuf::from(h).join(".cache/opsbook-a11y/node_modules/axe-core/axe.min.js"))
        .filter(|p| p.is_file())
        .ok_or_else(|| {
            "the axe-core checks need axe-core: npm install --no-save --prefix \
             \"$HOME/.cache/opsbook-a11y\" axe-core@4, or set OPSBOOK_AXE"
                .to_string()
        })
}

/// A set `OPSBOOK_AXE` that names nothing fails under CI, and skips
/// elsewhere, with a message naming the path; one that names a file is
/// used, and without it the npm install under `HOME` is.
#[test]
fn a_wrong_opsbook_axe_path_is_named_and_fails_under_ci() {
    let dir = tempfile::tempdir().unwrap();
    let wrong = dir.path().join("nowhere/axe.min.js");
    let named = wrong.display().to_string();
    let why = find_axe(Some(wrong.clone().into()), None).unwrap_err();
    assert!(why.contains(&named), "{why}");
    let under_ci = std::panic::catch_unwind(|| {
        found_or_skip_under(find_axe(Some(wrong.clone().into()), None), true)
    })
    .expect_err("a wrong OPSBOOK_AXE fails under CI");
    let message = under_ci
        .downcast_ref::<String>()
        .expect("a formatted panic");
    assert!(message.contains(&named), "{message}");
    assert_eq!(found_or_skip_under(Err::<PathBuf, _>(why), false), None);

    let set = dir.path().join("axe.min.js");
    std::fs::write(&set, "/* axe */").unwrap();
    assert_eq!(find_axe(Some(set.clone().into()), None), Ok(set));
    let installed = dir
        .path()
        .join(".cache/opsbook-a11y/node_modules/axe-core/axe.min.js");
    assert!(find_axe(None, Some(dir.path().into())).is_err());
    std::fs::create_dir_all(installed.parent().unwrap()).unwrap();
    std::fs::write(&installed, "/* axe */").unwrap();
    assert_eq!(find_axe(None, Some(dir.path().into())), Ok(installed));
}

/// Issue 9, how it is checked: the sample's main pages (home, a long
/// handbook page, the incident index filtered to S1, a post-mortem, a
/// service, the 404 page) at 1366 and 390 px, light and dark: no console
/// errors, no failed requests, nothing wider than a phone, a screenshot of
/// each; and axe-core (default rules, run in each of those loads) finds no
/// serious or critical violation.
#[test]
fn main_pages_in_light_dark_laptop_and_phone_load_clean_and_pass_axe() {
    let _one = one_at_a_time();
    let Some(browser) = browser_or_skip() else {
        return;
    };
    let axe = axe_or_skip();
    let (_dir, out) = build_sample();
    let server = serve_with(out.clone(), axe.clone());
    let shots = artifacts();
    let pages = [
        ("home", ""),
        ("handbook", "handbook/availability/"),
        ("incidents-s1", "incidents/?severity=1"),
        ("postmortem", "incidents/2231/"),
        ("service", "services/api/"),
        ("404", "no/such/page/"),
    ];
    let mut problems = Vec::new();
    let mut violations = Vec::new();
    for (name, path) in pages {
        let url = format!("{}{path}", server.base);
        for (mode, width, dark) in [
            ("light", 1366, false),
            ("dark", 1366, true),
            ("phone-light", PHONE, false),
            ("phone-dark", PHONE, true),
        ] {
            let shot = shots.join(format!("matrix-{name}-{mode}.png"));
            let mut extra = vec![];
            if dark {
                extra.push("--force-dark-mode");
            }
            if axe.is_some() {
                // Lets axe.run()'s promise settle before the DOM is dumped.
                extra.push("--virtual-time-budget=30000");
            }
            let Load {
                probe: p,
                console,
                axe: found,
            } = load(&browser, &url, width, &extra, Some(&shot));
            let at = format!("{path} ({mode})");
            let v = |k: &str| p.get(k).map_or("missing", String::as_str);
            let n = |k: &str| v(k).parse::<f64>().unwrap_or(f64::NAN);
            let mut check = |ok: bool, what: &str| {
                if !ok {
                    problems.push(format!("{at}: {what}: {p:?}"));
                }
            };
            // The 404 page's own status is the one failed request allowed.
            let console: Vec<_> = console
                .into_iter()
                .filter(|l| !(name == "404" && l.contains("status of 404")))
                .collect();
            check(console.is_empty(), &format!("console: {console:?}"));
            check(v("errors").is_empty(), "no load or script errors");
            check(v("brokenImages") == "0", "no broken images");
            check(v("sheets") == "2", "both stylesheets load");
            check(v("dark") == dark.to_string(), "colour scheme emulated");
            check(shot.is_file(), "screenshot saved");
            if width == PHONE {
                check(v("width") == PHONE.to_string(), "phone viewport");
                check(n("scrollWidth") <= f64::from(PHONE), "no horizontal scroll");
                check(
                    v("overflowing").is_empty(),
                    "nothing wider than the screen outside .table-wrap and pre",
                );
            }
            if name == "incidents-s1" {
                check(
                    n("incidentRowsShown") > 0.0 && n("incidentRowsShown") < n("incidentRows"),
                    "the filter hides some rows and shows some",
                );
                check(v("shownSeverities") == "1", "only S1 rows are visible");
            }
            if name == "404" {
                check(
                    v("title").starts_with("Page not found"),
                    "the 404 page is served",
                );
            }
            if axe.is_some() {
                match found
                    .as_deref()
                    .map(serde_json::from_str::<serde_json::Value>)
                {
                    Some(Ok(serde_json::Value::Array(list))) => {
                        for x in list {
                            violations.push(format!(
                                "{at}: {} [{}] {}\n    {}",
                                x["id"].as_str().unwrap_or("?"),
                                x["impact"].as_str().unwrap_or("?"),
                                x["help"].as_str().unwrap_or(""),
                                x["targets"]
                                    .as_array()
                                    .into_iter()
                                    .flatten()
                                    .filter_map(|t| t.as_str())
                                    .collect::<Vec<_>>()
                                    .join("\n    ")
                            ));
                        }
                    }
                    other => problems.push(format!("{at}: axe did not report: {other:?}")),
                }
            }
        }
    }
    let mut missing = server.missing.lock().unwrap().clone();
    missing.retain(|p| p != "/project/no/such/page/");
    assert!(
        missing.is_empty(),
        "requests that found nothing under the sub-path: {missing:?}"
    );
    assert!(
        problems.is_empty(),
        "screenshots in {}:\n{}",
        shots.display(),
        problems.join("\n")
    );
    assert!(
        violations.is_empty(),
        "axe-core: serious or critical violations:\n{}",
        violations.join("\n")
    );
}
