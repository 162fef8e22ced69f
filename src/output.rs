//! Output: writes the site into a fresh directory beside the target and swaps
//! it in only when the whole build succeeded, so that a failed build leaves
//! the previous `public/` exactly as it was.

use std::io;
use std::path::{Component, Path, PathBuf};

use crate::diag::Diagnostic;

/// Where a build writes. `Discard` is `opsbook check`: everything is
/// rendered, nothing is written.
pub enum Sink {
    Dir(Staging),
    Discard,
}

pub struct Staging {
    /// The directory the user asked for.
    pub target: PathBuf,
    /// The temporary directory being filled.
    pub tmp: PathBuf,
}

impl Sink {
    pub fn staging(target: &Path) -> Result<Sink, Diagnostic> {
        let target = if target.is_absolute() {
            target.to_path_buf()
        } else {
            std::env::current_dir()
                .map_err(io_err(target))?
                .join(target)
        };
        let name = target
            .file_name()
            .ok_or_else(|| {
                Diagnostic::error(format!("{} is not a directory name", target.display()))
            })?
            .to_string_lossy()
            .into_owned();
        let parent = target.parent().unwrap_or(Path::new("/"));
        std::fs::create_dir_all(parent).map_err(io_err(parent))?;
        let tmp = parent.join(format!(".{name}.opsbook-tmp-{}", std::process::id()));
        if tmp.exists() {
            std::fs::remove_dir_all(&tmp).map_err(io_err(&tmp))?;
        }
        std::fs::create_dir(&tmp).map_err(io_err(&tmp))?;
        Ok(Sink::Dir(Staging { target, tmp }))
    }

    /// Writes `bytes` at `rel` (a `/`-separated path inside the output).
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        let Sink::Dir(s) = self else { return Ok(()) };
        let path = safe_join(&s.tmp, rel)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        std::fs::write(&path, bytes).map_err(io_err(&path))
    }

    /// Copies a file from disk to `rel` inside the output.
    pub fn copy(&self, from: &Path, rel: &str) -> Result<(), Diagnostic> {
        let Sink::Dir(s) = self else { return Ok(()) };
        let path = safe_join(&s.tmp, rel)?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        }
        std::fs::copy(from, &path).map(|_| ()).map_err(io_err(from))
    }

    /// Puts the new output in place of the old one.
    pub fn commit(self) -> Result<(), Diagnostic> {
        let Sink::Dir(s) = self else { return Ok(()) };
        let old = s.tmp.with_file_name(format!(
            "{}-old",
            s.tmp.file_name().expect("tmp has a name").to_string_lossy()
        ));
        let had_old = s.target.exists();
        if had_old {
            std::fs::rename(&s.target, &old).map_err(io_err(&s.target))?;
        }
        if let Err(e) = std::fs::rename(&s.tmp, &s.target) {
            if had_old {
                let _ = std::fs::rename(&old, &s.target);
            }
            return Err(io_err(&s.target)(e));
        }
        if had_old {
            let _ = std::fs::remove_dir_all(&old);
        }
        Ok(())
    }

    /// Throws the unfinished output away; the target is untouched.
    pub fn abort(self) {
        if let Sink::Dir(s) = self {
            let _ = std::fs::remove_dir_all(&s.tmp);
        }
    }
}

fn io_err(path: &Path) -> impl Fn(io::Error) -> Diagnostic + '_ {
    move |e| {
        Diagnostic::error(format!("cannot write {}: {e}", path.display()))
            .help("check that the output directory is writable and the disk is not full")
    }
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
        assert!(safe_join(base, "/etc/passwd").is_err());
    }
}
