//! Disk: stages a build in a hidden scratch directory and swaps it in only
//! when the whole build succeeded. Normally the scratch directory sits
//! beside the output and the swap is two renames; when the output is a
//! mount point (it cannot be renamed) the scratch directory sits inside it
//! and its entries are swapped one by one, the marker written last. Scratch
//! directories are removed on every exit path (`Drop`), and those of dead
//! processes at the next build.

use std::io;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Location};

use super::guard::{self, Existing, INNER_TMP_PREFIX, MARKER, MARKER_TEXT};
use super::lock::Lock;

/// How the staged site replaces the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Scratch beside the output; the output is renamed aside, the scratch
    /// renamed in.
    Rename,
    /// Scratch inside the output (a mount point); entries are moved.
    InPlace,
}

pub struct Disk {
    target: PathBuf,
    /// Where the build writes.
    tmp: PathBuf,
    mode: Mode,
    /// Scratch directories to remove when done, whatever happened.
    scratch: Vec<PathBuf>,
    /// Set while an in-place swap has moved entries and not finished or
    /// rolled back: the scratch directories then hold the only copy of
    /// something and are left for the next build (see `guard::inspect`).
    swapping: bool,
    /// Test switch `OPSBOOK_TEST_FAIL=panic`: the first write panics.
    panic_on_write: bool,
    // Dropped after `Drop::drop` has cleaned up: no other build can see
    // our scratch directories.
    _lock: Lock,
}

impl Disk {
    /// Checks `out` against the site `root`, takes the lock, removes stale
    /// scratch directories and creates a fresh one. Touches nothing if the
    /// output is refused.
    pub fn open(out: &Path, root: &Path) -> Result<Disk, Diagnostic> {
        let target = guard::resolve_output(out).map_err(|e| guard::io_error(out, e))?;
        let root = guard::resolve(root).map_err(|e| guard::io_error(root, e))?;
        guard::check_placement(&target, &root)?;
        let (Some(name), Some(parent)) = (target.file_name(), target.parent()) else {
            return Err(Diagnostic::error(format!(
                "refusing to build into {}: it has no folder name",
                target.display()
            ))
            .help("choose an --out such as public/"));
        };
        let name = name.to_string_lossy().into_owned();
        // Refuse before creating anything (parents, lock file).
        guard::inspect(&target)?;
        std::fs::create_dir_all(parent).map_err(write_err(parent))?;
        let lock = Lock::acquire(parent.join(format!(".{name}.opsbook-lock")), &target)?;
        // Again under the lock: another build may have changed it meanwhile.
        let existing = guard::inspect(&target)?;
        let beside = format!(".{name}.opsbook-tmp-");
        remove_stale(parent, &beside);

        let pid = std::process::id();
        let in_place = existing != Existing::Absent && (is_mount(&target, parent) || forced());
        let (mode, tmp, old) = if in_place {
            let tmp = target.join(format!("{INNER_TMP_PREFIX}{pid}"));
            (Mode::InPlace, tmp.clone(), with_old(&tmp))
        } else {
            let tmp = parent.join(format!("{beside}{pid}"));
            (Mode::Rename, tmp.clone(), with_old(&tmp))
        };
        let disk = Disk {
            target,
            scratch: vec![tmp.clone(), old],
            tmp,
            mode,
            swapping: false,
            panic_on_write: test_env("OPSBOOK_TEST_FAIL").as_deref() == Some("panic"),
            _lock: lock,
        };
        // Leftovers with our own pid can only be from a long-dead process.
        remove_dir(&disk.tmp);
        std::fs::create_dir(&disk.tmp).map_err(write_err(&disk.tmp))?;
        Ok(disk)
    }

    /// The directory the build writes into.
    pub fn staging(&self) -> &Path {
        if self.panic_on_write {
            panic!("OPSBOOK_TEST_FAIL=panic: a build that panics while writing");
        }
        &self.tmp
    }

    /// Puts the staged site in place of the output.
    pub fn commit(mut self) -> Result<PathBuf, Diagnostic> {
        match self.mode {
            Mode::Rename => self.commit_rename()?,
            Mode::InPlace => {
                let tmp = self.tmp.clone();
                self.commit_in_place(&tmp)?;
            }
        }
        Ok(self.target.clone())
    }

    fn commit_rename(&mut self) -> Result<(), Diagnostic> {
        // Last file of the new site: a scratch directory is never marked
        // before it is complete.
        write_marker(&self.tmp)?;
        let old = with_old(&self.tmp);
        let had_old = std::fs::symlink_metadata(&self.target).is_ok();
        if had_old && let Err(e) = rename(&self.target, &old) {
            // A mount point the device check did not catch (a bind mount
            // of the same filesystem): copy the site inside and swap there.
            if is_busy_or_cross_device(&e) {
                return self.commit_copied_in_place();
            }
            return Err(write_err(&self.target)(e));
        }
        if let Err(e) = fail_point("commit").and_then(|_| std::fs::rename(&self.tmp, &self.target))
        {
            if had_old {
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(write_err(&self.target)(e));
        }
        Ok(())
    }

    /// The staged site is beside an output that cannot be renamed: copy it
    /// into a scratch directory inside the output, then swap in place.
    fn commit_copied_in_place(&mut self) -> Result<(), Diagnostic> {
        let inner = self
            .target
            .join(format!("{INNER_TMP_PREFIX}{}", std::process::id()));
        self.scratch.push(inner.clone());
        self.scratch.push(with_old(&inner));
        remove_dir(&inner);
        copy_tree(&self.tmp, &inner)?;
        remove_dir(&self.tmp);
        // The marker was copied too; it is written last by the swap.
        std::fs::remove_file(inner.join(MARKER)).map_err(write_err(&inner))?;
        self.commit_in_place(&inner)
    }

    /// Moves the old entries of the output into a hidden `-old` directory
    /// inside it, the new ones in from `tmp`, and writes the marker. On an
    /// error everything moved so far is moved back.
    fn commit_in_place(&mut self, tmp: &Path) -> Result<(), Diagnostic> {
        let target = self.target.clone();
        let old = with_old(tmp);
        let tmp_name = tmp.file_name().expect("scratch has a name").to_owned();
        let old_name = old.file_name().expect("scratch has a name").to_owned();
        remove_dir(&old);
        std::fs::create_dir(&old).map_err(write_err(&old))?;
        self.swapping = true;
        // Unmark first: from here until the end the output is not a
        // finished build, and must not look like one.
        let marker = target.join(MARKER);
        let had_marker = marker.exists();
        if had_marker {
            std::fs::rename(&marker, old.join(MARKER)).map_err(write_err(&marker))?;
        }
        let restore_marker = || {
            if had_marker {
                let _ = std::fs::rename(old.join(MARKER), &marker);
            }
        };
        let old_entries: Vec<_> = match entries(&target) {
            Ok(v) => v
                .into_iter()
                .filter(|n| *n != tmp_name && *n != old_name)
                .collect(),
            Err(e) => {
                restore_marker();
                self.swapping = false;
                return Err(write_err(&target)(e));
            }
        };
        if let Err(e) = move_entries(&target, &old, &old_entries) {
            restore_marker();
            self.swapping = !move_back(&old, &target, &e.moved);
            return Err(write_err(&target)(e.error));
        }
        let new_entries = match fail_point("commit").and_then(|_| entries(tmp)) {
            Ok(v) => v,
            Err(e) => {
                self.swapping = !move_back(&old, &target, &old_entries);
                restore_marker();
                return Err(write_err(tmp)(e));
            }
        };
        if let Err(e) = move_entries(tmp, &target, &new_entries) {
            self.swapping =
                !(move_back(&target, tmp, &e.moved) && move_back(&old, &target, &old_entries));
            restore_marker();
            return Err(write_err(&target)(e.error));
        }
        write_marker(&target)?;
        self.swapping = false;
        Ok(())
    }
}

impl Drop for Disk {
    fn drop(&mut self) {
        if self.swapping {
            return;
        }
        // A panic between the two renames of `commit_rename`: put the old
        // output back rather than lose it.
        let old = with_old(&self.tmp);
        if self.mode == Mode::Rename
            && std::fs::symlink_metadata(&self.target).is_err()
            && old.is_dir()
        {
            let _ = std::fs::rename(&old, &self.target);
        }
        for dir in &self.scratch {
            remove_dir(dir);
        }
    }
}

fn with_old(tmp: &Path) -> PathBuf {
    let mut name = tmp.file_name().expect("scratch has a name").to_owned();
    name.push("-old");
    tmp.with_file_name(name)
}

fn write_marker(dir: &Path) -> Result<(), Diagnostic> {
    let path = dir.join(MARKER);
    std::fs::write(&path, MARKER_TEXT).map_err(write_err(&path))
}

/// Removes a scratch directory if it is there (never following a link).
/// The previous output can hold thousands of files: its top-level entries
/// are removed in parallel (a quarter of a second of system time on its
/// own for a 10,000-page site).
fn remove_dir(dir: &Path) {
    use rayon::prelude::*;
    if !std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir()) {
        return;
    }
    if let Ok(list) = std::fs::read_dir(dir) {
        let entries: Vec<PathBuf> = list.flatten().map(|e| e.path()).collect();
        entries.par_iter().for_each(|p| {
            // `symlink_metadata`: a link inside is removed, never followed.
            match std::fs::symlink_metadata(p) {
                Ok(m) if m.is_dir() => {
                    let _ = std::fs::remove_dir_all(p);
                }
                Ok(_) => {
                    let _ = std::fs::remove_file(p);
                }
                Err(_) => {}
            }
        });
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Removes `PREFIX PID` and `PREFIX PID-old` directories in `dir` whose
/// process is gone.
fn remove_stale(dir: &Path, prefix: &str) {
    let Ok(list) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in list.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| guard::scratch_pid(n, prefix)) else {
            continue;
        };
        if entry.file_type().is_ok_and(|t| t.is_dir()) && is_stale(pid, &entry.path()) {
            remove_dir(&entry.path());
        }
    }
}

/// Linux: the process no longer exists. Elsewhere (no cheap portable
/// check), or without `/proc`: the directory is more than a day old.
pub(crate) fn is_stale(pid: u32, path: &Path) -> bool {
    if cfg!(target_os = "linux") && Path::new("/proc/self").exists() {
        return !Path::new("/proc").join(pid.to_string()).exists();
    }
    std::fs::symlink_metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age.as_secs() > 24 * 60 * 60)
}

/// Whether `target` is a mount point: on another device than its parent.
#[cfg(unix)]
fn is_mount(target: &Path, parent: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(target), std::fs::metadata(parent)) {
        (Ok(t), Ok(p)) => t.dev() != p.dev(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn is_mount(_: &Path, _: &Path) -> bool {
    false
}

/// Test switches, read in debug builds only (integration tests run the
/// debug binary): `OPSBOOK_TEST_FORCE_IN_PLACE=1` treats an existing output
/// as a mount point, `=rename-fails` makes renaming it fail as on a bind
/// mount; `OPSBOOK_TEST_FAIL=commit` fails the swap halfway, `=panic`
/// panics at the first write.
#[cfg(debug_assertions)]
fn test_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

#[cfg(not(debug_assertions))]
fn test_env(_: &str) -> Option<String> {
    None
}

fn forced() -> bool {
    test_env("OPSBOOK_TEST_FORCE_IN_PLACE").as_deref() == Some("1")
}

/// `std::fs::rename`, failing like a mount point under the test switch.
fn rename(from: &Path, to: &Path) -> io::Result<()> {
    if test_env("OPSBOOK_TEST_FORCE_IN_PLACE").as_deref() == Some("rename-fails") {
        return Err(io::Error::from(io::ErrorKind::ResourceBusy));
    }
    std::fs::rename(from, to)
}

/// An injected I/O error at `point` under `OPSBOOK_TEST_FAIL`.
fn fail_point(point: &str) -> io::Result<()> {
    match test_env("OPSBOOK_TEST_FAIL") {
        Some(p) if p == point => Err(io::Error::other(format!(
            "OPSBOOK_TEST_FAIL={point}: an injected failure"
        ))),
        _ => Ok(()),
    }
}

fn is_busy_or_cross_device(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ResourceBusy | io::ErrorKind::CrossesDevices
    )
}

/// The names in `dir`.
fn entries(dir: &Path) -> io::Result<Vec<std::ffi::OsString>> {
    std::fs::read_dir(dir)?
        .map(|e| e.map(|e| e.file_name()))
        .collect()
}

struct MoveError {
    error: io::Error,
    moved: Vec<std::ffi::OsString>,
}

fn move_entries(from: &Path, to: &Path, names: &[std::ffi::OsString]) -> Result<(), MoveError> {
    for (i, n) in names.iter().enumerate() {
        if let Err(error) = std::fs::rename(from.join(n), to.join(n)) {
            return Err(MoveError {
                error,
                moved: names[..i].to_vec(),
            });
        }
    }
    Ok(())
}

/// Undoes `move_entries(to, from, names)`; whether all came back.
fn move_back(from: &Path, to: &Path, names: &[std::ffi::OsString]) -> bool {
    names
        .iter()
        .all(|n| std::fs::rename(from.join(n), to.join(n)).is_ok())
}

/// Copies a directory tree (files and folders; the staging area holds
/// nothing else).
fn copy_tree(from: &Path, to: &Path) -> Result<(), Diagnostic> {
    std::fs::create_dir(to).map_err(write_err(to))?;
    for entry in std::fs::read_dir(from).map_err(write_err(from))? {
        let entry = entry.map_err(write_err(from))?;
        let (src, dst) = (entry.path(), to.join(entry.file_name()));
        if entry.file_type().map_err(write_err(&src))?.is_dir() {
            copy_tree(&src, &dst)?;
        } else {
            std::fs::copy(&src, &dst).map_err(write_err(&dst))?;
        }
    }
    Ok(())
}

pub fn write_err(path: &Path) -> impl Fn(io::Error) -> Diagnostic + '_ {
    move |e| {
        Diagnostic::error(format!("cannot write {}: {e}", path.display()))
            .at(Location::file(path))
            .help("check that the output directory is writable and the disk is not full")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into();
                (rel, std::fs::read_to_string(e.path()).unwrap())
            })
            .collect();
        out.sort();
        out
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = entries(dir)
            .unwrap()
            .into_iter()
            .map(|n| n.to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn site() -> (tempfile::TempDir, PathBuf) {
        let d = tempfile::tempdir().unwrap();
        let root = d.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("content")).unwrap();
        (d, root)
    }

    /// Opens `root/public`, switched to the in-place swap if asked (as a
    /// mount point would be).
    fn open(root: &Path, in_place: bool) -> Disk {
        let mut disk = Disk::open(&root.join("public"), root).unwrap();
        if in_place && disk.target.is_dir() {
            remove_dir(&disk.tmp);
            disk.mode = Mode::InPlace;
            disk.tmp = disk.target.join(".opsbook-tmp-1");
            disk.scratch = vec![disk.tmp.clone(), with_old(&disk.tmp)];
            std::fs::create_dir(&disk.tmp).unwrap();
        }
        disk
    }

    fn stage(disk: &Disk, files: &[(&str, &str)]) {
        for (rel, text) in files {
            let p = disk.staging().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
    }

    fn build(root: &Path, files: &[(&str, &str)], in_place: bool) {
        let disk = open(root, in_place);
        stage(&disk, files);
        disk.commit().unwrap();
    }

    const OLD: [(&str, &str); 2] = [("old.html", "x"), ("a/old", "y")];
    const NEW: [(&str, &str); 2] = [("index.html", "home"), ("a/b/index.html", "b")];

    #[test]
    fn rename_and_in_place_swaps_give_the_same_tree() {
        let (_d, root) = site();
        build(&root, &OLD, false);
        build(&root, &NEW, false);
        let renamed = tree(&root.join("public"));
        assert_eq!(names(&root), ["content", "public"]);

        build(&root, &OLD, false);
        build(&root, &NEW, true);
        assert_eq!(tree(&root.join("public")), renamed);
        assert_eq!(names(&root), ["content", "public"]);
        assert_eq!(names(&root.join("public")), [MARKER, "a", "index.html"]);
    }

    #[test]
    fn dropping_without_commit_leaves_the_output_as_it_was() {
        let (_d, root) = site();
        build(&root, &OLD, false);
        let before = tree(&root.join("public"));
        for in_place in [false, true] {
            let disk = open(&root, in_place);
            stage(&disk, &NEW);
            drop(disk);
            assert_eq!(tree(&root.join("public")), before);
            assert_eq!(names(&root), ["content", "public"]);
            assert_eq!(names(&root.join("public")), [MARKER, "a", "old.html"]);
        }
    }

    #[test]
    fn a_failing_in_place_swap_is_rolled_back() {
        let (_d, root) = site();
        build(&root, &OLD, false);
        let before = tree(&root.join("public"));
        let disk = open(&root, true);
        // A new entry that cannot be moved in: a file where the swap keeps
        // its `-old` directory.
        stage(&disk, &NEW);
        stage(&disk, &[(".opsbook-tmp-1-old", "clash")]);
        let err = disk.commit().unwrap_err();
        assert!(err.message.contains("cannot write"), "{err}");
        assert_eq!(tree(&root.join("public")), before);
        assert_eq!(names(&root.join("public")), [MARKER, "a", "old.html"]);
        assert_eq!(names(&root), ["content", "public"]);
    }

    #[test]
    fn stale_scratch_of_dead_processes_is_removed() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        // Above Linux's largest pid_max: never a live process.
        let dead = ".public.opsbook-tmp-4294967";
        let alive = format!(".public.opsbook-tmp-{}", std::process::id());
        let other = ".other.opsbook-tmp-4294967";
        for n in [dead, &format!("{dead}-old"), &alive, other] {
            std::fs::create_dir_all(p.join(n).join("x")).unwrap();
        }
        remove_stale(p, ".public.opsbook-tmp-");
        if cfg!(target_os = "linux") {
            assert_eq!(names(p), [other, alive.as_str()]);
        }
    }
}
