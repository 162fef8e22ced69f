//! Output: where a build's files go. A `Sink` writes to disk (staged, then
//! swapped in atomically only when the whole build succeeded, see `disk`),
//! to memory (for `serve`), or nowhere (`check`). It is shared by the
//! parallel renderers, refuses paths that leave the output, and refuses a
//! path written twice (two sources claiming one URL).
//!
//! - `guard`: which paths may be an output at all (never the sources).
//! - `lock`: one build per output at a time.
//! - `disk`: staging, the swap, cleanup of scratch directories.

mod disk;
mod guard;
mod lock;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::diag::Diagnostic;

pub(crate) use disk::is_stale;
pub use guard::MARKER;

/// Where a build writes. `write` and `copy` take `&self` and may be called
/// from many threads at once.
pub struct Sink {
    target: Target,
    /// Every relative path written so far, normalised.
    claimed: Mutex<rustc_hash::FxHashSet<String>>,
}

enum Target {
    Disk(disk::Disk),
    Discard,
    Memory(Mutex<BTreeMap<String, Vec<u8>>>),
}

/// What a committed sink produced.
#[derive(Debug)]
pub enum Published {
    /// The output directory now holding the new site.
    Disk(PathBuf),
    Discarded,
    /// Every file, by `/`-separated relative path.
    Memory(BTreeMap<String, Vec<u8>>),
}

impl Sink {
    /// A sink for the output directory `out` of the site at `site_root`.
    /// Refuses (touching nothing) an output that is or holds the site's
    /// sources, a file, a symlink, or a non-empty directory opsbook did not
    /// create; waits while another build writes the same output.
    pub fn disk(out: &Path, site_root: &Path) -> Result<Sink, Diagnostic> {
        Ok(Sink::new(Target::Disk(disk::Disk::open(out, site_root)?)))
    }

    /// Renders everything, keeps nothing (`opsbook check`).
    pub fn discard() -> Sink {
        Sink::new(Target::Discard)
    }

    /// Keeps every file in memory; `commit` hands them over.
    pub fn memory() -> Sink {
        Sink::new(Target::Memory(Mutex::default()))
    }

    fn new(target: Target) -> Sink {
        Sink {
            target,
            claimed: Mutex::default(),
        }
    }

    /// Writes `bytes` at `rel` (a `/`-separated path inside the output).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let rel = self.claim(rel)?;
        match &self.target {
            Target::Disk(d) => {
                let path = prepare(d.staging(), &rel)?;
                std::fs::write(&path, bytes).map_err(disk::write_err(&path))
            }
            Target::Discard => Ok(()),
            Target::Memory(files) => {
                lock(files).insert(rel, bytes.to_vec());
                Ok(())
            }
        }
    }

    /// Copies the file `from` to `rel` inside the output.
    pub fn copy(&self, from: &Path, rel: &str) -> Result<(), Diagnostic> {
        let rel = self.claim(rel)?;
        let read_err = |e: std::io::Error| {
            Diagnostic::error(format!("cannot read {}: {e}", from.display()))
                .at(crate::diag::Location::file(from))
                .help("check that the file exists and is readable")
        };
        match &self.target {
            Target::Disk(d) => {
                let path = prepare(d.staging(), &rel)?;
                std::fs::copy(from, &path).map(|_| ()).map_err(|e| {
                    // Report the side that failed: a missing source is
                    // not a full disk.
                    match std::fs::File::open(from) {
                        Err(e) => read_err(e),
                        Ok(_) => disk::write_err(&path)(e),
                    }
                })
            }
            Target::Discard => Ok(()),
            Target::Memory(files) => {
                let bytes = std::fs::read(from).map_err(read_err)?;
                lock(files).insert(rel, bytes);
                Ok(())
            }
        }
    }

    /// Publishes what was written: swaps the new site in on disk, hands
    /// over the files in memory.
    pub fn commit(self) -> Result<Published, Diagnostic> {
        match self.target {
            Target::Disk(d) => d.commit().map(Published::Disk),
            Target::Discard => Ok(Published::Discarded),
            Target::Memory(files) => Ok(Published::Memory(
                files.into_inner().unwrap_or_else(|p| p.into_inner()),
            )),
        }
    }

    /// Throws the unfinished output away; the target is untouched.
    /// (Dropping the sink does the same, on every path out of a build.)
    pub fn abort(self) {}

    /// Checks `rel` and records it; a second write of one path is an error.
    fn claim(&self, rel: &str) -> Result<String, Diagnostic> {
        let norm = normalise(rel)?;
        let top = norm.split('/').next().unwrap_or("");
        if top == MARKER || guard::is_inner_scratch(top) {
            return Err(Diagnostic::error(format!(
                "refusing to write `{rel}`: opsbook keeps this name for itself"
            ))
            .help(format!(
                "rename the file: `{MARKER}` and `.opsbook-tmp-*` at the top of the output are reserved"
            )));
        }
        if !lock(&self.claimed).insert(norm.clone()) {
            return Err(Diagnostic::error(format!(
                "`{norm}` is written twice in one build: the second would silently replace the first"
            ))
            .help("two sources produce the same output file; rename or remove one of them"));
        }
        Ok(norm)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere cannot leave a set or map half-updated.
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The path of `rel` under `base`, with its folders created.
fn prepare(base: &Path, rel: &str) -> Result<PathBuf, Diagnostic> {
    let path = safe_join(base, rel)?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(disk::write_err(dir))?;
    }
    Ok(path)
}

/// `rel` as plain `/`-separated components (no `.`, no empty parts),
/// refusing what `safe_join` refuses.
fn normalise(rel: &str) -> Result<String, Diagnostic> {
    let joined = safe_join(Path::new(""), rel)?;
    let parts: Vec<String> = joined
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.is_empty() {
        return Err(
            Diagnostic::error(format!("refusing to write `{rel}`: it names no file"))
                .help("use a relative path such as `dir/index.html`"),
        );
    }
    Ok(parts.join("/"))
}

/// Joins a relative output path, refusing anything that would leave `base`
/// (`..`, absolute paths, drive prefixes): ids and aliases come from data.
pub fn safe_join(base: &Path, rel: &str) -> Result<PathBuf, Diagnostic> {
    let mut out = base.to_path_buf();
    for comp in Path::new(rel).components() {
        match comp {
            Component::Normal(c) => out.push(c),
            Component::CurDir => {}
            _ => {
                return Err(Diagnostic::error(format!(
                    "refusing to write `{rel}`: it points outside the output directory"
                ))
                .help("use a plain relative path without `..`"));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_join_refuses_escape() {
        let base = Path::new("/out");
        assert!(safe_join(base, "a/b/index.html").is_ok());
        assert!(safe_join(base, "../x").is_err());
        assert!(safe_join(base, "a/../../x").is_err());
        assert!(safe_join(base, "a/../x").is_err());
        assert!(safe_join(base, "/etc/passwd").is_err());
    }

    #[test]
    fn memory_sink_collects_files_and_refuses_a_second_write() {
        let sink = Sink::memory();
        let d = tempfile::tempdir().unwrap();
        let src = d.path().join("x.css");
        std::fs::write(&src, "body{}").unwrap();
        // Called from many threads, as the renderers do.
        std::thread::scope(|s| {
            for i in 0..8 {
                let sink = &sink;
                s.spawn(move || sink.write(&format!("p/{i}/index.html"), b"<p>").unwrap());
            }
        });
        sink.copy(&src, "css/x.css").unwrap();
        let err = sink.write("./p//3/index.html", b"again").unwrap_err();
        assert!(
            err.message.contains("`p/3/index.html` is written twice"),
            "{err}"
        );
        assert!(sink.copy(&src, "css/x.css").is_err());
        let Ok(Published::Memory(files)) = sink.commit() else {
            panic!("a memory sink publishes its files")
        };
        assert_eq!(files.len(), 9);
        assert_eq!(files["p/3/index.html"], b"<p>");
        assert_eq!(files["css/x.css"], b"body{}");
    }

    #[test]
    fn discard_sink_still_checks_paths() {
        let sink = Sink::discard();
        sink.write("a.html", b"").unwrap();
        assert!(sink.write("a.html", b"").is_err());
        assert!(sink.write("../a.html", b"").is_err());
        assert!(sink.write("", b"").is_err());
        assert!(sink.write(MARKER, b"").is_err());
        assert!(sink.write(".opsbook-tmp-12/x", b"").is_err());
        assert!(sink.write("docs/.opsbook-output", b"").is_ok());
    }

    #[test]
    fn sink_is_shareable_between_threads() {
        fn assert_sync<T: Sync + Send>() {}
        assert_sync::<Sink>();
    }
}
