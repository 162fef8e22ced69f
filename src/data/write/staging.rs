//! A whole update of `data/` (what `opsbook pull` writes): every file is
//! written into a staging folder beside `data/` first, and moved into place
//! only when all of them were written. A failed update leaves `data/` as it
//! was; an update never deletes a file it did not write.

use std::collections::BTreeSet;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use super::super::load::DATA_DIR;

/// Staged files, moved into `ROOT/data/` by `commit`; dropping it without
/// committing removes the staging folder and changes nothing.
#[derive(Debug)]
pub struct Staging {
    root: PathBuf,
    /// `ROOT/.data.opsbook-staging-<pid>-<n>`: beside data/, so on the same
    /// file system, where a rename replaces a file atomically.
    dir: PathBuf,
    /// Staged paths, relative to the site root (`data/...`).
    files: BTreeSet<PathBuf>,
}

impl Staging {
    /// Creates the staging folder for an update of `root/data/`.
    pub fn new(root: &Path) -> io::Result<Staging> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        loop {
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let dir = root.join(format!(
                ".{DATA_DIR}.opsbook-staging-{}-{n}",
                std::process::id()
            ));
            // `create_dir` fails on an existing folder: never reuse one.
            match std::fs::create_dir(&dir) {
                Ok(()) => {
                    return Ok(Staging {
                        root: root.to_path_buf(),
                        dir,
                        files: BTreeSet::new(),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// The staging folder (for messages).
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Stages `contents` for `rel`, a path relative to the site root under
    /// `data/` (as `write::incident_path` gives). Each path once.
    pub fn write(&mut self, rel: &Path, contents: &str) -> io::Result<()> {
        let inside = checked(rel)?;
        if !self.files.insert(rel.to_path_buf()) {
            return Err(invalid(rel, "is written twice in one update"));
        }
        let path = self.dir.join(inside);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, contents)
    }

    /// Moves every staged file into `data/`, leaving unchanged files
    /// untouched, and returns the paths that changed (relative to the root).
    ///
    /// Every folder is made and every target checked before the first move,
    /// so what can fail fails while `data/` is still as it was. Each move
    /// replaces one file atomically: a reader sees the old or the new file,
    /// never half of one.
    pub fn commit(self) -> io::Result<Vec<PathBuf>> {
        let mut moves = Vec::new();
        for rel in &self.files {
            let target = self.root.join(rel);
            let staged = self.dir.join(checked(rel)?);
            if target.is_dir() {
                return Err(invalid(rel, "is a folder; it was not replaced"));
            }
            let new = std::fs::read(&staged)?;
            if std::fs::read(&target).is_ok_and(|old| old == new) {
                continue;
            }
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            moves.push((staged, target, rel.clone()));
        }
        let mut changed = Vec::with_capacity(moves.len());
        for (staged, target, rel) in moves {
            std::fs::rename(&staged, &target)?;
            changed.push(rel);
        }
        Ok(changed)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // Best effort: a folder left by a crash is named after its process.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// `rel` below `data/`, as a path inside the staging folder; an error for
/// anything else (`..`, absolute paths, hidden names), so that an update
/// can only ever write snapshot files.
fn checked(rel: &Path) -> io::Result<PathBuf> {
    let mut parts = rel.components();
    if parts.next() != Some(Component::Normal(DATA_DIR.as_ref())) {
        return Err(invalid(rel, "is not under data/"));
    }
    let inside: PathBuf = parts.clone().collect();
    let normal =
        parts.all(|c| matches!(c, Component::Normal(n) if !n.to_string_lossy().starts_with('.')));
    if !normal || inside.as_os_str().is_empty() {
        return Err(invalid(rel, "is not a snapshot file path"));
    }
    Ok(inside)
}

fn invalid(rel: &Path, what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{} {what}", rel.display()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap();
                (
                    rel.to_string_lossy().into_owned(),
                    std::fs::read_to_string(e.path()).unwrap(),
                )
            })
            .collect();
        out.sort();
        out
    }

    fn site() -> PathBuf {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "opsbook-staging-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("data/incidents/2026")).unwrap();
        std::fs::write(dir.join("data/services.yaml"), "old\n").unwrap();
        std::fs::write(dir.join("data/incidents/2026/1.yaml"), "mine\n").unwrap();
        dir
    }

    #[test]
    fn commit_moves_new_and_changed_files_only() {
        let root = site();
        let mut s = Staging::new(&root).unwrap();
        let staging = s.dir().to_path_buf();
        s.write(Path::new("data/services.yaml"), "new\n").unwrap();
        s.write(Path::new("data/maintenance/2026-10.yaml"), "w\n")
            .unwrap();
        s.write(Path::new("data/incidents/2026/1.yaml"), "mine\n")
            .unwrap();
        let changed = s.commit().unwrap();
        assert_eq!(
            changed,
            [
                PathBuf::from("data/maintenance/2026-10.yaml"),
                PathBuf::from("data/services.yaml")
            ]
        );
        assert_eq!(
            tree(&root),
            [
                ("data/incidents/2026/1.yaml".into(), "mine\n".into()),
                ("data/maintenance/2026-10.yaml".into(), "w\n".into()),
                ("data/services.yaml".into(), "new\n".into()),
            ]
        );
        assert!(!staging.exists(), "the staging folder is removed");
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn an_update_that_fails_leaves_data_untouched() {
        let root = site();
        let before = tree(&root);
        let mut s = Staging::new(&root).unwrap();
        let staging = s.dir().to_path_buf();
        s.write(Path::new("data/services.yaml"), "new\n").unwrap();
        // A pull that fails half-way drops its update.
        assert!(s.write(Path::new("data/../escape.yaml"), "x").is_err());
        assert!(s.write(Path::new("content/x.md"), "x").is_err());
        assert!(s.write(Path::new("data/.hidden"), "x").is_err());
        assert!(s.write(Path::new("data/services.yaml"), "again").is_err());
        drop(s);
        assert_eq!(tree(&root), before);
        assert!(!staging.exists());
        std::fs::remove_dir_all(root).unwrap();
    }
}
