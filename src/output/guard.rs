//! Guard: decides whether a path may be used as the build output, before
//! anything is touched. An output replaces its directory wholesale, so it
//! must never be (or contain, or lie inside) the site's sources, and it must
//! be a directory opsbook created itself (marked), an empty one, or a new one.

use std::io;
use std::path::{Component, Path, PathBuf};

use crate::diag::{Diagnostic, Location};

/// The marker file in every output opsbook writes. Its presence is what
/// allows a later build to replace the directory.
pub const MARKER: &str = ".opsbook-output";

/// What the marker says to a human who finds it.
pub const MARKER_TEXT: &str = "\
This directory is the output of `opsbook build`.
opsbook deletes and replaces everything in it at the next build:
do not keep other files here.
";

/// Hidden scratch directories of an in-place swap (inside a mounted output):
/// `.opsbook-tmp-PID` (the new site) and `.opsbook-tmp-PID-old`.
pub const INNER_TMP_PREFIX: &str = ".opsbook-tmp-";

/// Site folders an output may never touch.
pub const SOURCE_DIRS: [&str; 5] = ["content", "data", "templates", "static", "themes"];

/// `path` made absolute and free of symlinks and `..`: the nearest existing
/// ancestor is canonicalised and the missing rest is appended with `.` and
/// `..` applied by hand (missing components cannot be symlinks).
pub fn resolve(path: &Path) -> io::Result<PathBuf> {
    let abs = absolute(path)?;
    let comps: Vec<Component> = abs.components().collect();
    for k in (1..=comps.len()).rev() {
        let prefix: PathBuf = comps[..k].iter().collect();
        match prefix.canonicalize() {
            Ok(mut out) => {
                for c in &comps[k..] {
                    match c {
                        Component::ParentDir => {
                            out.pop();
                        }
                        Component::Normal(n) => out.push(n),
                        _ => {}
                    }
                }
                return Ok(out);
            }
            // A dangling symlink is "missing" too: the link itself is then
            // the output, and `inspect` refuses it.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(e),
        }
    }
    // Only reached if even the filesystem root cannot be canonicalised.
    Ok(abs)
}

/// Like `resolve`, but a symlink as the last component is kept, not
/// followed, so that `inspect` sees (and refuses) the link itself.
pub fn resolve_output(path: &Path) -> io::Result<PathBuf> {
    let abs = absolute(path)?;
    if let (Some(Component::Normal(name)), Some(parent)) =
        (abs.components().next_back(), abs.parent())
        && std::fs::symlink_metadata(&abs).is_ok_and(|m| m.file_type().is_symlink())
    {
        return Ok(resolve(parent)?.join(name));
    }
    resolve(&abs)
}

/// Absolute, and rebuilt from components so that a trailing `/` (which
/// would make the OS follow a final symlink) is gone.
fn absolute(path: &Path) -> io::Result<PathBuf> {
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()?.join(path)
    };
    Ok(abs.components().collect())
}

/// Refuses an output that is, contains or lies inside the site root's
/// sources, or that is or contains the site root. Both paths are resolved.
pub fn check_placement(out: &Path, root: &Path) -> Result<(), Diagnostic> {
    let shown = |p: &Path| p.display().to_string();
    let refuse = |why: String| {
        Diagnostic::error(format!("refusing to build into {}: {why}", out.display()))
            .at(Location::file(out))
            .help(format!(
                "the output directory is replaced by every build; choose an --out \
             outside the site's sources, e.g. {} (the default)",
                root.join("public").display()
            ))
    };
    if out == root {
        return Err(refuse("it is the site root".into()));
    }
    if root.starts_with(out) {
        return Err(refuse(format!("it contains the site root {}", shown(root))));
    }
    for dir in SOURCE_DIRS {
        let lexical = root.join(dir);
        // A source folder may be a symlink to somewhere else: guard both.
        let real = lexical.canonicalize().ok();
        for src in std::iter::once(&lexical).chain(real.as_ref()) {
            let why = if out == src {
                format!("it is the site's {dir}/ folder")
            } else if out.starts_with(src) {
                format!("it is inside the site's {dir}/ folder ({})", shown(src))
            } else if src.starts_with(out) {
                format!("it contains the site's {dir}/ folder ({})", shown(src))
            } else {
                continue;
            };
            return Err(refuse(why));
        }
    }
    Ok(())
}

/// What is at the output path today.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Existing {
    /// Nothing: the build creates it.
    Absent,
    /// An empty directory (a fresh mount, say).
    Empty,
    /// A directory opsbook wrote: it has the marker, or the scratch
    /// directories of an interrupted in-place swap.
    Ours,
}

/// Looks at `out` without following a symlink there, and refuses anything
/// but a missing path, an empty directory or a directory opsbook made.
pub fn inspect(out: &Path) -> Result<Existing, Diagnostic> {
    let meta = match std::fs::symlink_metadata(out) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Existing::Absent),
        Err(e) => return Err(io_error(out, e)),
    };
    let at = || Location::file(out);
    if meta.file_type().is_symlink() {
        return Err(Diagnostic::error(format!(
            "refusing to build into {}: it is a symbolic link",
            out.display()
        ))
        .at(at())
        .help(
            "opsbook replaces its output directory and does not follow links to do it; \
             point --out at the real directory, or at a new path",
        ));
    }
    if !meta.is_dir() {
        return Err(Diagnostic::error(format!(
            "refusing to build into {}: it is a file, not a directory",
            out.display()
        ))
        .at(at())
        .help("choose another --out, or delete the file yourself"));
    }
    let mut names: Vec<String> = std::fs::read_dir(out)
        .map_err(|e| io_error(out, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    if names.is_empty() {
        return Ok(Existing::Empty);
    }
    if out.join(MARKER).is_file() || names.iter().any(|n| is_inner_scratch(n)) {
        return Ok(Existing::Ours);
    }
    names.sort();
    let shown: Vec<String> = names.iter().take(3).map(|n| format!("`{n}`")).collect();
    let more = match names.len() {
        n if n > 3 => format!(" and {} more", n - 3),
        _ => String::new(),
    };
    Err(Diagnostic::error(format!(
        "refusing to build into {}: it is not empty and opsbook did not create it \
         (it holds {}{more}, and no {MARKER} marker)",
        out.display(),
        shown.join(", ")
    ))
    .at(at())
    .help(
        "every build deletes what is in its output directory; if nothing there is needed, \
         empty it or delete it yourself, otherwise choose another --out",
    ))
}

/// `.opsbook-tmp-PID` or `.opsbook-tmp-PID-old`.
pub fn is_inner_scratch(name: &str) -> bool {
    scratch_pid(name, INNER_TMP_PREFIX).is_some()
}

/// The pid in a scratch directory name `PREFIX PID` or `PREFIX PID-old`.
pub fn scratch_pid(name: &str, prefix: &str) -> Option<u32> {
    let rest = name.strip_prefix(prefix)?;
    let digits = rest.strip_suffix("-old").unwrap_or(rest);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

pub fn io_error(path: &Path, e: io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot use {} as output: {e}", path.display()))
        .at(Location::file(path))
        .help("check that the path and its parent folders are accessible")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap().join("site");
        for d in ["content/handbook", "data", "static"] {
            std::fs::create_dir_all(root.join(d)).unwrap();
        }
        (dir, root)
    }

    fn placed(out: &Path, root: &Path) -> Result<(), String> {
        let out = resolve(out).unwrap();
        let root = resolve(root).unwrap();
        check_placement(&out, &root).map_err(|d| d.message)
    }

    #[test]
    fn resolve_applies_dot_dot_after_the_existing_part() {
        let (_d, root) = site();
        let p = resolve(&root.join("nope/../content/./x/..")).unwrap();
        assert_eq!(p, root.join("content"));
        let p = resolve(&root.join("content/handbook/../../public")).unwrap();
        assert_eq!(p, root.join("public"));
        let p = resolve(&root.join("a/b/../../..")).unwrap();
        assert_eq!(p, root.parent().unwrap());
    }

    #[test]
    fn placement_refuses_root_sources_and_parents() {
        let (_d, root) = site();
        let refused = [
            root.clone(),
            root.join("."),
            root.join("content"),
            root.join("content/handbook"),
            root.join("content/new/deep"),
            root.join("data"),
            root.join("templates"), // missing folders are guarded too
            root.join("themes/x"),
            root.join("static/"),
            root.join("public/../content"),
            root.join("nope/../../site"),
            root.parent().unwrap().to_path_buf(),
            PathBuf::from("/"),
        ];
        for out in &refused {
            let r = placed(out, &root);
            assert!(r.is_err(), "{} was accepted", out.display());
        }
        let msg = placed(&root.join("content/x"), &root).unwrap_err();
        assert!(msg.contains("inside the site's content/ folder"), "{msg}");
        let msg = placed(root.parent().unwrap(), &root).unwrap_err();
        assert!(msg.contains("contains the site root"), "{msg}");
    }

    #[test]
    fn placement_accepts_public_and_paths_outside() {
        let (d, root) = site();
        for out in [
            root.join("public"),
            root.join("build/site"),
            root.join("content-out"),
            root.join("content/../public"),
            d.path().join("elsewhere"),
        ] {
            assert_eq!(placed(&out, &root), Ok(()), "{}", out.display());
        }
    }

    #[cfg(unix)]
    #[test]
    fn placement_sees_through_symlinked_roots_and_sources() {
        use std::os::unix::fs::symlink;
        let (d, root) = site();
        let link = d.path().join("link-to-site");
        symlink(&root, &link).unwrap();
        // Root given through a link, output given by the real path.
        assert!(placed(&root.join("content"), &link).is_err());
        // Root given by the real path, output through the link.
        assert!(placed(&link.join("data/x"), &root).is_err());
        assert!(placed(&link, &root).is_err());
        assert_eq!(placed(&link.join("public"), &root), Ok(()));
        // A source folder that is a link elsewhere guards its target too.
        let shared = d.path().join("shared-templates");
        std::fs::create_dir(&shared).unwrap();
        symlink(&shared, root.join("templates")).unwrap();
        assert!(placed(&shared, &root).is_err());
        assert!(placed(&shared.join("sub"), &root).is_err());
    }

    #[test]
    fn inspect_classifies_what_is_there() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        assert_eq!(inspect(&p.join("missing")), Ok(Existing::Absent));
        std::fs::create_dir(p.join("empty")).unwrap();
        assert_eq!(inspect(&p.join("empty")), Ok(Existing::Empty));
        std::fs::create_dir(p.join("ours")).unwrap();
        std::fs::write(p.join("ours").join(MARKER), MARKER_TEXT).unwrap();
        std::fs::write(p.join("ours/index.html"), "x").unwrap();
        assert_eq!(inspect(&p.join("ours")), Ok(Existing::Ours));
        std::fs::create_dir_all(p.join("half/.opsbook-tmp-77-old")).unwrap();
        assert_eq!(inspect(&p.join("half")), Ok(Existing::Ours));

        std::fs::create_dir(p.join("foreign")).unwrap();
        for n in ["a", "b", "c", "d", ".git"] {
            std::fs::write(p.join("foreign").join(n), "x").unwrap();
        }
        let err = inspect(&p.join("foreign")).unwrap_err();
        assert!(err.message.contains("opsbook did not create it"), "{err}");
        assert!(err.message.contains("`.git`, `a`, `b` and 2 more"), "{err}");
        assert!(err.help.unwrap().contains("choose another --out"));

        std::fs::write(p.join("file"), "x").unwrap();
        let err = inspect(&p.join("file")).unwrap_err();
        assert!(err.message.contains("is a file"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn inspect_refuses_symlinks_even_to_our_directories() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        std::fs::create_dir(p.join("ours")).unwrap();
        std::fs::write(p.join("ours").join(MARKER), MARKER_TEXT).unwrap();
        std::os::unix::fs::symlink(p.join("ours"), p.join("link")).unwrap();
        std::os::unix::fs::symlink(p.join("missing"), p.join("dangling")).unwrap();
        for l in ["link", "link/", "dangling", "./dangling/"] {
            let out = resolve_output(&p.join(l)).unwrap();
            assert!(
                out.ends_with(l.trim_matches(['.', '/'])),
                "{}",
                out.display()
            );
            let err = inspect(&out).unwrap_err();
            assert!(err.message.contains("symbolic link"), "{err}");
        }
    }

    #[test]
    fn scratch_names() {
        assert_eq!(scratch_pid(".opsbook-tmp-42", INNER_TMP_PREFIX), Some(42));
        assert_eq!(
            scratch_pid(".opsbook-tmp-42-old", INNER_TMP_PREFIX),
            Some(42)
        );
        assert_eq!(scratch_pid(".p.opsbook-tmp-7", ".p.opsbook-tmp-"), Some(7));
        for bad in [".opsbook-tmp-", ".opsbook-tmp-x", ".opsbook-tmp-1-new", "x"] {
            assert_eq!(scratch_pid(bad, INNER_TMP_PREFIX), None, "{bad}");
        }
    }
}
