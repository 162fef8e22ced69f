//! `opsbook serve`: the live preview. Builds the site into memory, serves it
//! over HTTP on loopback (`http`), watches the sources and rebuilds on every
//! change; open pages reload. A failed build keeps the last good site
//! served, with the diagnostics shown over every page and in the terminal.
//! Nothing is ever written under the site root.
//!
//! Watching polls modification times (no file-watching crate: a few
//! hundred `stat`s every 20 ms cost less than a dependency, and work the
//! same on every file system; a site whose scan takes longer is scanned
//! less often, so watching never takes more than a tenth of a core). A saved handbook page is rendered alone
//! first (`preview`), so its new HTML is served before the full rebuild,
//! which follows at once and is what the site then holds.

mod http;
mod preview;

use std::collections::BTreeMap;
use std::io::Write;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

use crate::build;
use crate::content::paths::is_ignored_name;
use crate::diag::{Diagnostic, Diagnostics};
use crate::settings::BuildOptions;

pub use http::{RELOAD_PATH, content_type, site_path};

/// What `opsbook serve` was asked for.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// 0 picks a free port.
    pub port: u16,
    pub drafts: bool,
}

/// How often the sources are looked at.
const POLL: Duration = Duration::from_millis(20);

/// What is watched, relative to the site root.
pub const WATCHED: [&str; 6] = [
    "content",
    "data",
    "templates",
    "themes",
    "static",
    "opsbook.toml",
];

type Files = BTreeMap<String, Arc<[u8]>>;

/// The served site, shared by the server threads and the watcher.
pub(crate) struct State {
    site: RwLock<(Arc<Files>, Option<Arc<str>>)>,
    generation: Mutex<u64>,
    changed: Condvar,
}

impl State {
    /// The files and the error text of the last failed build, if the last
    /// build failed.
    fn snapshot(&self) -> (Arc<Files>, Option<Arc<str>>) {
        let site = self.site.read().unwrap_or_else(|p| p.into_inner());
        (Arc::clone(&site.0), site.1.clone())
    }

    fn set(&self, files: Option<Arc<Files>>, error: Option<String>) {
        {
            let mut site = self.site.write().unwrap_or_else(|p| p.into_inner());
            if let Some(files) = files {
                site.0 = files;
            }
            site.1 = error.map(Arc::from);
        }
        let mut g = self.generation.lock().unwrap_or_else(|p| p.into_inner());
        *g += 1;
        self.changed.notify_all();
    }

    fn generation(&self) -> u64 {
        *self.generation.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Waits until the generation differs from `seen` (or `timeout`).
    fn wait_change(&self, seen: u64, timeout: Duration) -> u64 {
        let g = self.generation.lock().unwrap_or_else(|p| p.into_inner());
        let (g, _) = self
            .changed
            .wait_timeout_while(g, timeout, |g| *g == seen)
            .unwrap_or_else(|p| p.into_inner());
        *g
    }
}

/// Binds, builds, prints the URL (stdout) and serves until killed. Returns
/// only when the address cannot be bound or the first build cannot start.
pub fn run(opts: &Options) -> Result<(), Diagnostics> {
    let listener = TcpListener::bind(SocketAddr::new(opts.bind, opts.port)).map_err(|e| {
        Diagnostic::error(format!("cannot listen on {}:{}: {e}", opts.bind, opts.port))
            .help("pick another port with --port (0 picks a free one)")
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| Diagnostic::error(format!("cannot read the bound address: {e}")))?;
    let url = format!("http://{addr}/");
    let build_opts = BuildOptions {
        root: opts.root.clone(),
        out: None,
        base_url: Some(url.clone()),
        drafts: opts.drafts,
        as_of: None,
    };
    // The root must exist before anything is watched.
    crate::settings::Settings::new(&build_opts)?;

    let state = Arc::new(State {
        site: RwLock::new((Arc::default(), None)),
        generation: Mutex::new(0),
        changed: Condvar::new(),
    });
    let mut seen = scan(&opts.root);
    full_build(&build_opts, &state);
    let mut cache = preview::DataCache::load(&build_opts);
    {
        let server_state = Arc::clone(&state);
        std::thread::spawn(move || http::serve(listener, server_state));
    }
    println!("serving {url} (Ctrl-C to stop)");
    let _ = std::io::stdout().flush();

    let mut scan_took = Duration::ZERO;
    loop {
        // Idle, watching costs at most a tenth of a core: a 20,000-page
        // handbook takes longer than 20 ms to scan, so it is scanned less often.
        std::thread::sleep(POLL.max(scan_took * 9));
        let scan_started = Instant::now();
        let now = scan(&opts.root);
        scan_took = scan_started.elapsed();
        if now == seen {
            continue;
        }
        let changed = diff(&seen, &now);
        seen = now;
        let started = Instant::now();
        if let Some(cache) = &cache
            && let [(path, Change::Modified)] = changed.as_slice()
            && path.starts_with("content")
            && path.extension().is_some_and(|e| e == "md")
            && let Some(pages) = preview::render_changed(&build_opts, cache, path)
        {
            let (files, _) = state.snapshot();
            let mut files = (*files).clone();
            for (k, v) in pages {
                files.insert(k, v.into());
            }
            state.set(Some(Arc::new(files)), None);
            eprintln!(
                "{}: page updated in {:.0} ms",
                path.display(),
                started.elapsed().as_secs_f64() * 1e3
            );
        }
        full_build(&build_opts, &state);
        if changed
            .iter()
            .any(|(p, _)| p.starts_with("data") || p == Path::new("opsbook.toml"))
            || cache.is_none()
        {
            cache = preview::DataCache::load(&build_opts);
        }
    }
}

/// Rebuilds everything; serves the result if it succeeded, else keeps the
/// last good site and shows the errors.
fn full_build(opts: &BuildOptions, state: &State) {
    match build::build_in_memory(opts) {
        Ok((report, files)) => {
            eprint!("{}", report.diagnostics);
            eprintln!(
                "built {} pages and {} files in memory in {:.2} s",
                report.pages, report.files, report.seconds
            );
            let files: Files = files.into_iter().map(|(k, v)| (k, v.into())).collect();
            let (old, error) = state.snapshot();
            // No second reload when the fast path already served this.
            if *old != files || error.is_some() {
                state.set(Some(Arc::new(files)), None);
            }
        }
        Err(diags) => {
            let text = diags.to_string();
            eprint!("{text}");
            let n = diags.error_count();
            eprintln!(
                "error: {n} error{} found; still serving the last good site",
                if n == 1 { "" } else { "s" }
            );
            state.set(None, Some(text));
        }
    }
}

#[derive(Debug, PartialEq)]
enum Change {
    Added,
    Modified,
    Removed,
}

type Stamps = BTreeMap<PathBuf, (SystemTime, u64)>;

/// Modification time and size of every watched file, by path relative to
/// the root. Editor leftovers and dotfiles are never published, so their
/// churn (swap files) does not trigger a rebuild.
fn scan(root: &Path) -> Stamps {
    let mut out = Stamps::new();
    for top in WATCHED {
        for entry in walkdir::WalkDir::new(root.join(top))
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()))
            .flatten()
        {
            if !entry.file_type().is_file() {
                continue;
            }
            if let Ok(meta) = entry.metadata() {
                let rel = entry.path().strip_prefix(root).unwrap_or(entry.path());
                let stamp = (
                    meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                    meta.len(),
                );
                out.insert(rel.to_path_buf(), stamp);
            }
        }
    }
    out
}

fn diff(old: &Stamps, new: &Stamps) -> Vec<(PathBuf, Change)> {
    let mut out = Vec::new();
    for (p, s) in new {
        match old.get(p) {
            None => out.push((p.clone(), Change::Added)),
            Some(o) if o != s => out.push((p.clone(), Change::Modified)),
            _ => {}
        }
    }
    for p in old.keys().filter(|p| !new.contains_key(*p)) {
        out.push((p.clone(), Change::Removed));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scan_sees_edits_and_skips_editor_leftovers() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/.git")).unwrap();
        std::fs::write(root.join("content/a.md"), "a").unwrap();
        std::fs::write(root.join("content/.git/x"), "a").unwrap();
        std::fs::write(root.join("content/a.md.swp"), "a").unwrap();
        std::fs::write(root.join("opsbook.toml"), "").unwrap();
        std::fs::write(root.join("README.md"), "").unwrap();
        let before = scan(root);
        let keys: Vec<_> = before
            .keys()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        assert_eq!(keys, ["content/a.md", "opsbook.toml"]);
        std::fs::write(root.join("content/a.md"), "ab").unwrap();
        std::fs::write(root.join("content/b.md"), "b").unwrap();
        std::fs::remove_file(root.join("opsbook.toml")).unwrap();
        let changes = diff(&before, &scan(root));
        assert_eq!(
            changes,
            [
                (PathBuf::from("content/a.md"), Change::Modified),
                (PathBuf::from("content/b.md"), Change::Added),
                (PathBuf::from("opsbook.toml"), Change::Removed),
            ]
        );
    }
}
