//! A whole update of `data/` (what `opsbook pull` writes): every file is
//! written into a staging folder beside `data/` first; `prepare` lays the
//! complete next `data/` beside it (hard links to the unchanged files plus
//! the staged ones), which the caller validates with the loader; `commit`
//! then swaps it in with one atomic rename, so that a reader, a crash or a
//! kill at any moment sees the old `data/` or the new one, never a mix.
//!
//! A failed update leaves `data/` as it was; an update never deletes a file
//! it did not write or was not asked to remove, and a file someone changes
//! while the update runs is kept (see `restore_foreign`).

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
    /// Paths to remove (a snapshot that moved), relative to the site root.
    removed: BTreeSet<PathBuf>,
    /// Paths written with the bytes they already have.
    unchanged: BTreeSet<PathBuf>,
    /// Whether `<staging>/next` holds the next data/ (see `prepare`).
    prepared: bool,
}

/// Inside the staging folder: the staged files, and the next `data/`.
const STAGED: &str = "staged";
const NEXT: &str = "next";

impl Staging {
    /// Creates the staging folder for an update of `root/data/`.
    pub fn new(root: &Path) -> io::Result<Staging> {
        static NEXT_N: AtomicU32 = AtomicU32::new(0);
        remove_stale(root);
        loop {
            let n = NEXT_N.fetch_add(1, Ordering::Relaxed);
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
                        removed: BTreeSet::new(),
                        unchanged: BTreeSet::new(),
                        prepared: false,
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
        if self.removed.contains(rel) || self.unchanged.contains(rel) || self.files.contains(rel) {
            return Err(invalid(rel, "is written twice in one update"));
        }
        // A file that would not change is not staged: a re-pull with no
        // upstream change writes nothing at all.
        if std::fs::read(self.root.join(rel)).is_ok_and(|old| old == contents.as_bytes()) {
            self.unchanged.insert(rel.to_path_buf());
            return Ok(());
        }
        self.files.insert(rel.to_path_buf());
        let path = self.dir.join(STAGED).join(inside);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&path, contents)
    }

    /// Stages the removal of `rel` (a snapshot the update moved elsewhere).
    pub fn remove(&mut self, rel: &Path) -> io::Result<()> {
        checked(rel)?;
        if self.files.contains(rel)
            || self.unchanged.contains(rel)
            || !self.removed.insert(rel.to_path_buf())
        {
            return Err(invalid(rel, "is written and removed in one update"));
        }
        Ok(())
    }

    /// The paths the update would change, relative to the site root:
    /// staged files whose bytes differ from `data/`'s (or are new), and
    /// removals of files that exist.
    pub fn changes(&self) -> io::Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        for rel in &self.files {
            let staged = std::fs::read(self.dir.join(STAGED).join(checked(rel)?))?;
            if !std::fs::read(self.root.join(rel)).is_ok_and(|old| old == staged) {
                out.push(rel.clone());
            }
        }
        out.extend(
            self.removed
                .iter()
                .filter(|rel| self.root.join(rel).is_file())
                .cloned(),
        );
        out.sort();
        Ok(out)
    }

    /// Lays out the next `data/` in the staging folder and returns the root
    /// that holds it (`<staging>/next`), for the loader to validate: the
    /// current files (hard links, or copies where links are refused) with
    /// the removals left out and the staged files in place.
    pub fn prepare(&mut self) -> io::Result<PathBuf> {
        let next_root = self.dir.join(NEXT);
        self.prepared = false;
        let next = next_root.join(DATA_DIR);
        if next_root.exists() {
            std::fs::remove_dir_all(&next_root)?;
        }
        std::fs::create_dir_all(&next)?;
        let current = self.root.join(DATA_DIR);
        if current.is_dir() {
            for entry in walkdir::WalkDir::new(&current).min_depth(1) {
                let entry = entry.map_err(io::Error::other)?;
                let inside = entry.path().strip_prefix(&current).expect("walked below");
                let rel = Path::new(DATA_DIR).join(inside);
                let target = next.join(inside);
                if entry.file_type().is_dir() {
                    std::fs::create_dir_all(&target)?;
                } else if !self.removed.contains(&rel) && !self.files.contains(&rel) {
                    link_or_copy(entry.path(), &target)?;
                }
            }
        }
        for rel in &self.files {
            let inside = checked(rel)?;
            let target = next.join(&inside);
            if target.is_dir() {
                return Err(invalid(rel, "is a folder; it was not replaced"));
            }
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            link_or_copy(&self.dir.join(STAGED).join(&inside), &target)?;
        }
        self.prepared = true;
        Ok(next_root)
    }

    /// Puts the update in place and returns the paths that changed
    /// (relative to the root); with no change, touches nothing.
    ///
    /// Where the system can exchange two folders atomically (Linux), the
    /// next `data/` laid by `prepare` takes the place of the current one in
    /// one step. Elsewhere each file is replaced atomically, one by one.
    pub fn commit(mut self) -> io::Result<Vec<PathBuf>> {
        let changed = self.changes()?;
        if changed.is_empty() {
            return Ok(changed);
        }
        // The tree the caller validated, if it laid one out.
        let next_root = if self.prepared {
            self.dir.join(NEXT)
        } else {
            self.prepare()?
        };
        let current = self.root.join(DATA_DIR);
        let plain_dir = std::fs::symlink_metadata(&current).is_ok_and(|m| m.is_dir());
        if plain_dir && exchange(&current, &next_root.join(DATA_DIR)).is_ok() {
            // The old data/ is now at next/data.
            self.restore_foreign(&next_root.join(DATA_DIR))?;
            return Ok(changed);
        }
        self.move_one_by_one(&changed)?;
        Ok(changed)
    }

    /// After the exchange: a file of the old `data/` that the new one lacks
    /// or holds as another file (someone wrote it after `prepare`), and that
    /// this update did not stage or remove, goes back into `data/`.
    fn restore_foreign(&self, old: &Path) -> io::Result<()> {
        let current = self.root.join(DATA_DIR);
        for entry in walkdir::WalkDir::new(old).min_depth(1) {
            let entry = entry.map_err(io::Error::other)?;
            if entry.file_type().is_dir() {
                continue;
            }
            let inside = entry.path().strip_prefix(old).expect("walked below");
            let rel = Path::new(DATA_DIR).join(inside);
            if self.files.contains(&rel) || self.removed.contains(&rel) {
                continue;
            }
            let target = current.join(inside);
            if !same_file(entry.path(), &target) {
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                std::fs::rename(entry.path(), &target)?;
            }
        }
        Ok(())
    }

    fn move_one_by_one(&self, changed: &[PathBuf]) -> io::Result<()> {
        // Every folder is made and every target checked before the first
        // move, so what can fail fails while data/ is still as it was.
        let mut moves = Vec::new();
        for rel in changed.iter().filter(|r| self.files.contains(*r)) {
            let target = self.root.join(rel);
            if target.is_dir() {
                return Err(invalid(rel, "is a folder; it was not replaced"));
            }
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent)?;
            }
            moves.push((self.dir.join(STAGED).join(checked(rel)?), target));
        }
        for (staged, target) in moves {
            std::fs::rename(&staged, &target)?;
        }
        for rel in changed.iter().filter(|r| self.removed.contains(*r)) {
            std::fs::remove_file(self.root.join(rel))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        // Best effort: a folder left by a crash is named after its process.
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Staging folders of killed runs (their process is gone): removed, so a
/// killed pull leaves nothing behind for long.
fn remove_stale(root: &Path) {
    let prefix = format!(".{DATA_DIR}.opsbook-staging-");
    let Ok(list) = std::fs::read_dir(root) else {
        return;
    };
    for entry in list.flatten() {
        let name = entry.file_name();
        let pid = name
            .to_str()
            .and_then(|n| n.strip_prefix(&prefix))
            .and_then(|rest| rest.split('-').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        let Some(pid) = pid else { continue };
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && pid != std::process::id() && crate::output::is_stale(pid, &entry.path()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn link_or_copy(from: &Path, to: &Path) -> io::Result<()> {
    if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to)?;
    }
    Ok(())
}

#[cfg(unix)]
fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(a: &Path, b: &Path) -> bool {
    b.exists() && std::fs::read(a).ok() == std::fs::read(b).ok()
}

/// Swaps two folders in one step (`renameat2(RENAME_EXCHANGE)`).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let a = CString::new(a.as_os_str().as_bytes()).map_err(io::Error::other)?;
    let b = CString::new(b.as_os_str().as_bytes()).map_err(io::Error::other)?;
    // SAFETY: two valid NUL-terminated paths; the call only reads them.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
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

    #[test]
    fn a_moved_snapshot_is_removed_and_others_are_kept() {
        let root = site();
        std::fs::write(root.join("data/incidents/2026/2.yaml"), "two\n").unwrap();
        let mut s = Staging::new(&root).unwrap();
        s.write(Path::new("data/incidents/2025/2.yaml"), "two\n")
            .unwrap();
        s.remove(Path::new("data/incidents/2026/2.yaml")).unwrap();
        assert!(
            s.write(Path::new("data/incidents/2026/2.yaml"), "x")
                .is_err()
        );
        let next = s.prepare().unwrap();
        assert_eq!(
            tree(&next),
            [
                ("data/incidents/2025/2.yaml".into(), "two\n".into()),
                ("data/incidents/2026/1.yaml".into(), "mine\n".into()),
                ("data/services.yaml".into(), "old\n".into()),
            ]
        );
        let changed = s.commit().unwrap();
        assert_eq!(
            changed,
            [
                PathBuf::from("data/incidents/2025/2.yaml"),
                PathBuf::from("data/incidents/2026/2.yaml")
            ]
        );
        assert_eq!(
            tree(&root),
            [
                ("data/incidents/2025/2.yaml".into(), "two\n".into()),
                ("data/incidents/2026/1.yaml".into(), "mine\n".into()),
                ("data/services.yaml".into(), "old\n".into()),
            ]
        );
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn a_file_written_by_someone_else_during_the_update_is_kept() {
        let root = site();
        let mut s = Staging::new(&root).unwrap();
        s.write(Path::new("data/pages/2026-10.yaml"), "pages\n")
            .unwrap();
        s.prepare().unwrap();
        // After the next data/ was laid out, a person saves two files.
        std::fs::write(root.join("data/maintenance.yaml"), "new\n").unwrap();
        std::fs::remove_file(root.join("data/services.yaml")).unwrap();
        std::fs::write(root.join("data/services.yaml"), "edited\n").unwrap();
        s.commit().unwrap();
        assert_eq!(
            tree(&root),
            [
                ("data/incidents/2026/1.yaml".into(), "mine\n".into()),
                ("data/maintenance.yaml".into(), "new\n".into()),
                ("data/pages/2026-10.yaml".into(), "pages\n".into()),
                ("data/services.yaml".into(), "edited\n".into()),
            ]
        );
        std::fs::remove_dir_all(root).unwrap();
    }

    #[test]
    fn staging_folders_of_dead_processes_are_removed() {
        let root = site();
        // No process has pid u32::MAX - 1 (Linux pids stay below 2^22).
        let dead = root.join(format!(".data.opsbook-staging-{}-0", u32::MAX - 1));
        std::fs::create_dir_all(dead.join("staged")).unwrap();
        let s = Staging::new(&root).unwrap();
        if cfg!(target_os = "linux") {
            assert!(!dead.exists(), "a killed pull's staging folder is removed");
        }
        assert!(s.dir().exists(), "our own is kept");
        drop(s);
        std::fs::remove_dir_all(root).unwrap();
    }
}
