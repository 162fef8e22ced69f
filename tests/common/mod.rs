//! Helpers shared by the integration tests: a fixture site in a temporary
//! directory, built by running the real `opsbook` binary.
//!
//! Every test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

use scraper::{ElementRef, Html, Selector};
use tempfile::TempDir;

pub mod incident;

/// `data/services.yaml` of two services, api and web, at 99.95 %.
pub const API_WEB_SERVICES: &str = "\
services:
  - id: api
    name: API
    weight: 5
    target: 99.95
  - id: web
    name: Web
    weight: 5
    target: 99.95
";

/// A fixture site: a temporary directory holding `content/`, `templates/`,
/// `opsbook.toml`, ... and, once built, `public/`.
pub struct Site {
    dir: TempDir,
}

/// What a run of the binary left behind.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn success(&self) -> bool {
        self.status.success()
    }

    /// Panics (showing stderr) unless the run succeeded.
    #[track_caller]
    pub fn assert_success(&self) -> &Self {
        assert!(
            self.status.success(),
            "opsbook failed ({}):\n{}",
            self.status,
            self.stderr
        );
        self
    }

    /// Panics (showing stderr) unless the run failed with a non-zero code.
    #[track_caller]
    pub fn assert_failure(&self) -> &Self {
        assert!(
            !self.status.success() && self.status.code().is_some_and(|c| c != 0),
            "opsbook should have failed with a non-zero exit code ({}):\n{}",
            self.status,
            self.stderr
        );
        self
    }

    /// Panics unless stderr contains every one of `needles`.
    #[track_caller]
    pub fn assert_stderr_has(&self, needles: &[&str]) -> &Self {
        let missing: Vec<&&str> = needles
            .iter()
            .filter(|n| !self.stderr.contains(**n))
            .collect();
        assert!(
            missing.is_empty(),
            "stderr lacks {missing:?}; stderr was:\n{}",
            self.stderr
        );
        self
    }
}

impl Default for Site {
    fn default() -> Self {
        Self::new()
    }
}

impl Site {
    pub fn new() -> Site {
        Site {
            dir: tempfile::Builder::new()
                .prefix("opsbook-test-")
                .tempdir()
                .expect("create a temporary directory"),
        }
    }

    /// The site root.
    pub fn root(&self) -> &Path {
        self.dir.path()
    }

    /// The output directory `build` writes to.
    pub fn public(&self) -> PathBuf {
        self.root().join("public")
    }

    /// Writes `text` at `rel` (relative to the site root), creating folders.
    pub fn file(&self, rel: &str, text: &str) -> &Self {
        self.bytes(rel, text.as_bytes())
    }

    /// Writes raw bytes at `rel` (relative to the site root).
    pub fn bytes(&self, rel: &str, bytes: &[u8]) -> &Self {
        let path = self.root().join(rel);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create fixture folder");
        }
        std::fs::write(&path, bytes).expect("write fixture file");
        self
    }

    /// Runs `opsbook ARGS` in the site root.
    pub fn run(&self, args: &[&str]) -> Output {
        let out = Command::new(env!("CARGO_BIN_EXE_opsbook"))
            .args(args)
            .current_dir(self.root())
            .output()
            .expect("run the opsbook binary");
        Output {
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `opsbook build --root ROOT --out ROOT/public`.
    pub fn build(&self) -> Output {
        self.build_with(&[])
    }

    /// `opsbook build --root ROOT --out ROOT/public EXTRA...`.
    pub fn build_with(&self, extra: &[&str]) -> Output {
        let root = self.root().to_str().expect("UTF-8 temp path").to_string();
        let out = self.public().to_str().expect("UTF-8 temp path").to_string();
        let mut args = vec!["build", "--root", &root, "--out", &out];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// `opsbook check --root ROOT EXTRA...`.
    pub fn check_with(&self, extra: &[&str]) -> Output {
        let root = self.root().to_str().expect("UTF-8 temp path").to_string();
        let mut args = vec!["check", "--root", &root];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    /// Builds and panics (showing stderr) unless the build succeeded.
    #[track_caller]
    pub fn build_ok(&self) -> Output {
        let out = self.build();
        out.assert_success();
        out
    }

    /// The path of an output file: `/a/b/` → `public/a/b/index.html`,
    /// `/404.html` → `public/404.html`.
    pub fn output_path(&self, url_path: &str) -> PathBuf {
        let rel = url_path.trim_start_matches('/');
        if rel.is_empty() || rel.ends_with('/') {
            self.public().join(rel).join("index.html")
        } else if rel.rsplit('/').next().is_some_and(|n| n.contains('.')) {
            self.public().join(rel)
        } else {
            self.public().join(rel).join("index.html")
        }
    }

    /// Whether the output has a page or file at `url_path`.
    pub fn has_output(&self, url_path: &str) -> bool {
        self.output_path(url_path).is_file()
    }

    /// The text of an output file (see `output_path`).
    #[track_caller]
    pub fn output(&self, url_path: &str) -> String {
        let path = self.output_path(url_path);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    /// The parsed HTML of the page at `url_path`.
    #[track_caller]
    pub fn html(&self, url_path: &str) -> Html {
        Html::parse_document(&self.output(url_path))
    }

    /// Every file under `public/`, by relative path, with its bytes.
    pub fn output_tree(&self) -> BTreeMap<String, Vec<u8>> {
        tree(&self.public())
    }

    /// Names of the entries directly in the site root, sorted.
    pub fn root_entries(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.root())
            .expect("read the site root")
            .map(|e| {
                e.expect("dir entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    /// Convenience: `select_text` on the page at `url_path`.
    #[track_caller]
    pub fn texts(&self, url_path: &str, selector: &str) -> Vec<String> {
        select_text(&self.html(url_path), selector)
    }
}

/// The rule for tests that need something from outside the repository
/// (chromium, axe-core, the metrics engines, `../shared`): `found` is it, or
/// why it is missing. Outside CI a missing one skips, saying why on stderr,
/// so that `cargo test` works on a fresh machine; under CI (`CI` set), where
/// `.ci/run` installs everything, it fails the test with that reason.
#[track_caller]
pub fn found_or_skip<T>(found: Result<T, String>) -> Option<T> {
    found_or_skip_under(found, std::env::var_os("CI").is_some())
}

/// [`found_or_skip`], with whether this is CI given (to test the rule).
#[track_caller]
pub fn found_or_skip_under<T>(found: Result<T, String>, ci: bool) -> Option<T> {
    match found {
        Ok(found) => Some(found),
        Err(why) => {
            assert!(!ci, "CI is set, and {why}");
            eprintln!("SKIPPED: {why}");
            None
        }
    }
}

/// The repository's own sample site, built with a fixed
/// `SOURCE_DATE_EPOCH` into a fresh temporary directory; `extra` is passed
/// to `build`. Returns that directory (removed on drop) and the output
/// folder in it. Panics (showing stderr) unless the build succeeded.
#[track_caller]
pub fn build_sample_site(extra: &[&str]) -> (TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix("opsbook-sample-")
        .tempdir()
        .expect("create a temporary directory");
    let out = dir.path().join("public");
    let run = Command::new(env!("CARGO_BIN_EXE_opsbook"))
        .args(["build", "--root", env!("CARGO_MANIFEST_DIR"), "--out"])
        .arg(&out)
        .args(extra)
        .env("SOURCE_DATE_EPOCH", "1793491200")
        .output()
        .expect("run the opsbook binary");
    assert!(
        run.status.success(),
        "building the sample site failed ({}):\n{}",
        run.status,
        String::from_utf8_lossy(&run.stderr)
    );
    (dir, out)
}

/// Every file under `dir`, by `/`-separated relative path, with its bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|e| e.expect("dir entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let rel = path
                    .strip_prefix(base)
                    .expect("under base")
                    .to_string_lossy()
                    .replace('\\', "/");
                let bytes = std::fs::read(&path)
                    .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
                out.insert(rel, bytes);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// Panics with the first difference unless two trees are identical.
#[track_caller]
pub fn assert_same_tree(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) {
    let names_a: Vec<&String> = a.keys().collect();
    let names_b: Vec<&String> = b.keys().collect();
    assert_eq!(names_a, names_b, "the output trees hold different files");
    for (name, bytes) in a {
        assert!(
            *bytes == b[name],
            "{name} differs:\n--- first\n{}\n--- second\n{}",
            String::from_utf8_lossy(bytes),
            String::from_utf8_lossy(&b[name])
        );
    }
}

#[track_caller]
pub fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|e| panic!("bad selector `{css}`: {e}"))
}

/// The text of every element matching `css`, whitespace-trimmed.
#[track_caller]
pub fn select_text(html: &Html, css: &str) -> Vec<String> {
    html.select(&selector(css))
        .map(|e| e.text().collect::<String>().trim().to_string())
        .collect()
}

/// Attribute `attr` of every element matching `css` (elements without it
/// are skipped).
#[track_caller]
pub fn select_attr(html: &Html, css: &str, attr: &str) -> Vec<String> {
    html.select(&selector(css))
        .filter_map(|e| e.value().attr(attr).map(str::to_string))
        .collect()
}

/// How many elements match `css`.
#[track_caller]
pub fn count(html: &Html, css: &str) -> usize {
    html.select(&selector(css)).count()
}

/// The first element matching `css`; panics (showing the document) if none.
#[track_caller]
pub fn first<'a>(html: &'a Html, css: &str) -> ElementRef<'a> {
    html.select(&selector(css))
        .next()
        .unwrap_or_else(|| panic!("no element matches `{css}` in:\n{}", html.html()))
}

/// The whole text of a document (all text nodes, entities decoded).
pub fn all_text(html: &Html) -> String {
    html.root_element().text().collect()
}

/// A small valid site: a home page, a section of a page and a bundle with
/// an image, and a static file.
pub fn small_site() -> Site {
    let site = Site::new();
    site.file("content/_index.md", &page("Home", "Hello.\n"))
        .file("content/ops/_index.md", &page("Ops", ""))
        .file("content/ops/a.md", &page("A", "## A\n"))
        .file("content/ops/b/index.md", &page("B", "![x](x.png)\n"))
        .bytes("content/ops/b/x.png", b"\x89PNG")
        .file("static/robots.txt", "User-agent: *\n");
    site
}

/// An RFC 3339 time of a fixture, in UTC.
#[track_caller]
pub fn utc(s: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(s)
        .unwrap_or_else(|e| panic!("bad fixture time {s}: {e}"))
        .to_utc()
}

/// A markdown page with YAML front matter.
pub fn page(title: &str, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\n---\n{body}")
}

/// A site of one page, `content/p.md` titled "P" holding `body` (and
/// `opsbook.toml` when `config` is given), built; with that page, `/p/`,
/// parsed. Panics (showing stderr) unless the build succeeded.
#[track_caller]
pub fn one_page_site(body: &str, config: Option<&str>) -> (Site, Html) {
    let site = Site::new();
    site.file("content/p.md", &page("P", body));
    if let Some(c) = config {
        site.file("opsbook.toml", c);
    }
    site.build_ok();
    let html = site.html("/p/");
    (site, html)
}

/// A markdown page with a title and a weight.
pub fn weighted(title: &str, weight: i64, body: &str) -> String {
    format!("---\ntitle: \"{title}\"\nweight: {weight}\n---\n{body}")
}

// ------------------------------------------------- added for tests/incidents.rs

impl Site {
    /// The site root as a string, for `--root`.
    pub fn root_str(&self) -> &str {
        self.root().to_str().expect("UTF-8 temp path")
    }

    /// Runs `opsbook ARGS` in the site root with changes to the environment:
    /// `(name, Some(value))` sets a variable, `(name, None)` removes it.
    pub fn run_env(&self, args: &[&str], env: &[(&str, Option<&str>)]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_opsbook"));
        cmd.args(args).current_dir(self.root());
        for (name, value) in env {
            match value {
                Some(v) => cmd.env(name, v),
                None => cmd.env_remove(name),
            };
        }
        let out = cmd.output().expect("run the opsbook binary");
        Output {
            status: out.status,
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    /// `opsbook build --root ROOT --out ROOT/public EXTRA...` with changes
    /// to the environment (see `run_env`).
    pub fn build_env(&self, extra: &[&str], env: &[(&str, Option<&str>)]) -> Output {
        let out = self.public().to_str().expect("UTF-8 temp path").to_string();
        let mut args = vec!["build", "--root", self.root_str(), "--out", &out];
        args.extend_from_slice(extra);
        self.run_env(&args, env)
    }
}

/// Every element of a parsed document or fragment, with its attributes:
/// `(element name, [(attribute name, value)])`.
pub fn elements_with_attrs(html: &Html) -> Vec<(String, Vec<(String, String)>)> {
    html.select(&selector("*"))
        .map(|e| {
            (
                e.value().name().to_string(),
                e.value()
                    .attrs()
                    .map(|(n, v)| (n.to_string(), v.to_string()))
                    .collect(),
            )
        })
        .collect()
}
