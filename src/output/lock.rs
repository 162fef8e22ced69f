//! Lock: one build at a time per output directory. The lock is an OS file
//! lock on `.NAME.opsbook-lock` beside the output (never inside it, so it is
//! never published); a second build waits for the first and says so.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Location};

/// Held while a build stages and commits; released (and its file removed)
/// on drop.
pub struct Lock {
    path: PathBuf,
    /// `None` where the filesystem has no locks: the build goes on unlocked.
    file: Option<File>,
}

impl Lock {
    /// Takes the lock at `path` for the output `target`, waiting for
    /// another build that holds it.
    pub fn acquire(path: PathBuf, target: &Path) -> Result<Lock, Diagnostic> {
        let fail = |e: io::Error| {
            Diagnostic::error(format!("cannot lock {}: {e}", path.display()))
                .at(Location::file(&path))
                .help("opsbook needs to create this lock file beside the output directory; check that its folder is writable")
        };
        let mut announced = false;
        loop {
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(fail)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    if !announced {
                        announced = true;
                        let holder = holder(&mut file)
                            .map(|pid| format!(" (pid {pid})"))
                            .unwrap_or_default();
                        eprintln!("waiting for another build of {}{holder}", target.display());
                    }
                    file.lock().map_err(fail)?;
                }
                Err(TryLockError::Error(e)) if e.kind() == io::ErrorKind::Unsupported => {
                    return Ok(Lock { path, file: None });
                }
                Err(TryLockError::Error(e)) => return Err(fail(e)),
            }
            // The build before us removes the file just before it unlocks:
            // a lock on that removed file guards nothing, so start again.
            if !same_file(&file, &path) {
                continue;
            }
            let pid = std::process::id();
            // Only informative (for the "waiting" message): errors are fine.
            let _ = file
                .set_len(0)
                .and_then(|_| file.rewind())
                .and_then(|_| writeln!(file, "{pid}"));
            return Ok(Lock {
                path,
                file: Some(file),
            });
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Remove while still locked (see `acquire`), then unlock by closing.
        if cfg!(unix) && self.file.is_some() {
            let _ = std::fs::remove_file(&self.path);
        }
        self.file.take();
    }
}

/// The pid the current holder wrote into the lock file, if any yet.
fn holder(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

/// Elsewhere the lock file is never removed, so it is always the same.
#[cfg(not(unix))]
fn same_file(_: &File, _: &Path) -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lock_waits_for_the_first_and_file_is_removed() {
        let d = tempfile::tempdir().unwrap();
        let path = d.path().join(".public.opsbook-lock");
        let first = Lock::acquire(path.clone(), Path::new("public")).unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap().trim(),
            std::process::id().to_string()
        );
        let other = File::open(&path).unwrap();
        assert!(matches!(other.try_lock(), Err(TryLockError::WouldBlock)));
        drop(other);
        let p = path.clone();
        let waiter = std::thread::spawn(move || drop(Lock::acquire(p, Path::new("public"))));
        drop(first);
        waiter.join().unwrap();
        if cfg!(unix) {
            assert!(!path.exists(), "the lock file was left behind");
        }
    }
}
