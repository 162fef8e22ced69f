//! Output safety: what `opsbook build --out X` may touch. It refuses the
//! site's own folders, foreign directories, files and symlinks (touching
//! nothing), leaves no scratch directories, swaps in place inside a mount
//! point, and serialises concurrent builds of one output.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{Output, Site, assert_same_tree, page, small_site, tree};

const MARKER: &str = ".opsbook-output";

/// `common::small_site` in a git checkout.
fn good_site() -> Site {
    let site = small_site();
    site.file(".git/HEAD", "ref: refs/heads/main\n");
    site
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

/// `opsbook build --root ROOT --out OUT` (run in the site root).
fn build_into(site: &Site, out: &Path) -> Output {
    site.run(&["build", "--root", site.root_str(), "--out", s(out)])
}

/// Builds into `out` and checks that it failed, touched nothing under the
/// site root, and said why and what to do.
#[track_caller]
fn assert_refused(site: &Site, out: &Path, needles: &[&str]) -> Output {
    let before = tree(site.root());
    let entries = site.root_entries();
    let run = build_into(site, out);
    run.assert_failure()
        .assert_stderr_has(&["refusing to build into", "help:"])
        .assert_stderr_has(needles);
    assert_same_tree(&before, &tree(site.root()));
    assert_eq!(site.root_entries(), entries, "the build left files behind");
    run
}

/// Names in the folder holding the output that start with a dot.
fn hidden_entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != MARKER && n != ".git")
        .collect();
    v.sort();
    v
}

// ------------------------------------------------------------ refusals

#[test]
fn out_at_the_site_root_is_refused() {
    let site = good_site();
    site.build_ok();
    assert_refused(
        &site,
        site.root(),
        &["it is the site root", "(the default)"],
    );
    // The same by a relative path from inside the root, and through `..`.
    let run = site.run(&["build", "--root", ".", "--out", "."]);
    run.assert_failure()
        .assert_stderr_has(&["it is the site root"]);
    assert_refused(
        &site,
        &site.root().join("content/.."),
        &["it is the site root"],
    );
}

#[test]
fn out_at_or_inside_a_source_folder_is_refused() {
    let site = good_site();
    site.file("data/services.yaml", "services: []\n");
    let root = site.root();
    for (out, why) in [
        (root.join("content"), "it is the site's content/ folder"),
        (
            root.join("content/ops"),
            "inside the site's content/ folder",
        ),
        (
            root.join("content/new/deep"),
            "inside the site's content/ folder",
        ),
        (
            root.join("public/../static"),
            "it is the site's static/ folder",
        ),
        (root.join("data"), "it is the site's data/ folder"),
        // Folders the site does not have yet are guarded too.
        (root.join("templates"), "it is the site's templates/ folder"),
        (root.join("themes/mine"), "inside the site's themes/ folder"),
    ] {
        assert_refused(&site, &out, &[why]);
    }
}

#[test]
fn out_containing_the_site_root_is_refused() {
    let outer = Site::new();
    outer
        .file("site/content/_index.md", &page("Home", "Hello.\n"))
        .file("notes.txt", "mine\n");
    let before = tree(outer.root());
    let root = outer.root().join("site");
    let run = outer.run(&["build", "--root", s(&root), "--out", outer.root_str()]);
    run.assert_failure()
        .assert_stderr_has(&["refusing to build into", "it contains the site root"]);
    assert_same_tree(&before, &tree(outer.root()));
}

#[test]
fn out_at_a_non_empty_foreign_directory_is_refused() {
    let site = good_site();
    site.file("elsewhere/notes.txt", "keep me\n")
        .file("elsewhere/.git/HEAD", "ref\n");
    let run = assert_refused(
        &site,
        &site.root().join("elsewhere"),
        &[
            "opsbook did not create it",
            "`.git`, `notes.txt`",
            "empty it or delete it yourself",
            "choose another --out",
        ],
    );
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
}

#[test]
fn an_existing_public_without_marker_is_refused() {
    // A `public/` someone else wrote (another generator, a copy by hand).
    let site = good_site();
    site.file("public/index.html", "<p>hand-made</p>\n");
    assert_refused(&site, &site.public(), &["opsbook did not create it"]);
}

#[test]
fn out_at_a_file_is_refused() {
    let site = good_site();
    site.file("out.txt", "a file\n");
    assert_refused(
        &site,
        &site.root().join("out.txt"),
        &["it is a file, not a directory"],
    );
}

#[cfg(unix)]
#[test]
fn out_at_a_symlink_is_refused_even_to_an_output() {
    let site = good_site();
    let real = site.root().join("real-out");
    build_into(&site, &real).assert_success();
    let link = site.root().join("link-out");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    assert_refused(&site, &link, &["it is a symbolic link"]);
    // With a trailing slash (which would make the OS follow the link) too.
    let slashed = PathBuf::from(format!("{}/", s(&link)));
    assert_refused(&site, &slashed, &["it is a symbolic link"]);
}

#[test]
fn a_refused_output_is_reported_with_the_other_errors() {
    let site = good_site();
    site.file("content/ops/a.md", &page("A", "{{< nope >}}\n"));
    let before = tree(site.root());
    build_into(&site, &site.root().join("content"))
        .assert_failure()
        .assert_stderr_has(&[
            "content/ops/a.md:",
            "`nope`",
            "refusing to build into",
            "2 errors",
        ]);
    assert_same_tree(&before, &tree(site.root()));
}

// ------------------------------------------------------ accepted outputs

#[test]
fn an_empty_directory_is_used_and_marked() {
    let site = good_site();
    let out = site.root().join("site-out");
    std::fs::create_dir(&out).unwrap();
    build_into(&site, &out).assert_success();
    let files = tree(&out);
    assert!(files.contains_key("ops/a/index.html"));
    let marker = String::from_utf8(files[MARKER].clone()).unwrap();
    assert!(marker.contains("opsbook"), "{marker}");
    // Marked: the next build may replace it.
    build_into(&site, &out).assert_success();
}

#[test]
fn two_builds_in_a_row_leave_no_hidden_directory() {
    let site = good_site();
    site.build_ok();
    site.file("content/ops/a.md", &page("A", "Second version.\n"));
    site.build_ok();
    assert_eq!(
        hidden_entries(site.root()),
        Vec::<String>::new(),
        "scratch left beside the output"
    );
    assert_eq!(hidden_entries(&site.public()), Vec::<String>::new());
    assert!(site.output("/ops/a/").contains("Second version."));
    assert!(site.public().join(MARKER).is_file());
}

#[test]
fn a_failed_build_leaves_the_previous_output_and_no_scratch() {
    let site = good_site();
    site.build_ok();
    let before = site.output_tree();
    site.file("content/ops/a.md", &page("A", "{{< nope >}}\n"));
    // Scratch of a killed build: even a failing build clears it.
    site.file(".public.opsbook-tmp-4194305/index.html", "half");
    site.build().assert_failure();
    assert_same_tree(&before, &site.output_tree());
    assert_eq!(hidden_entries(site.root()), Vec::<String>::new());
    // The same when swapping in place (a mount point).
    site.build_env(&[], &[("OPSBOOK_TEST_FORCE_IN_PLACE", Some("1"))])
        .assert_failure();
    assert_same_tree(&before, &site.output_tree());
    assert_eq!(hidden_entries(&site.public()), Vec::<String>::new());
}

#[test]
fn an_error_during_the_swap_leaves_the_previous_output_and_no_scratch() {
    let site = good_site();
    site.build_ok();
    let before = site.output_tree();
    site.file("content/ops/a.md", &page("A", "Second version.\n"));
    for in_place in [None, Some("1")] {
        let run = site.build_env(
            &[],
            &[
                ("OPSBOOK_TEST_FAIL", Some("commit")),
                ("OPSBOOK_TEST_FORCE_IN_PLACE", in_place),
            ],
        );
        run.assert_failure()
            .assert_stderr_has(&["cannot write", "injected failure"]);
        assert_same_tree(&before, &site.output_tree());
        assert_eq!(hidden_entries(site.root()), Vec::<String>::new());
        assert_eq!(hidden_entries(&site.public()), Vec::<String>::new());
    }
    // Still ours: the next build replaces it.
    site.build_ok();
    assert!(site.output("/ops/a/").contains("Second version."));
}

#[test]
fn a_panicking_build_leaves_the_previous_output_and_no_scratch() {
    let site = good_site();
    site.build_ok();
    let before = site.output_tree();
    for in_place in [None, Some("1")] {
        let run = site.build_env(
            &[],
            &[
                ("OPSBOOK_TEST_FAIL", Some("panic")),
                ("OPSBOOK_TEST_FORCE_IN_PLACE", in_place),
            ],
        );
        run.assert_failure().assert_stderr_has(&["panicked"]);
        assert_same_tree(&before, &site.output_tree());
        assert_eq!(site.root_entries(), [".git", "content", "public", "static"]);
        assert_eq!(hidden_entries(&site.public()), Vec::<String>::new());
    }
}

#[test]
fn stale_scratch_of_a_dead_build_is_removed() {
    let site = good_site();
    site.build_ok();
    // Above Linux's largest pid_max: never a live process.
    let dead = ".public.opsbook-tmp-4194305";
    site.file(&format!("{dead}/index.html"), "half")
        .file(&format!("{dead}-old/index.html"), "old")
        .file(".public.opsbook-tmp-4194305x/keep", "not ours");
    let alive = format!(".public.opsbook-tmp-{}", std::process::id());
    site.file(&format!("{alive}/index.html"), "a build in progress");
    site.build_ok();
    let mut expected = vec![alive, ".public.opsbook-tmp-4194305x".to_string()];
    if !cfg!(target_os = "linux") {
        // Elsewhere only day-old scratch is taken for stale.
        expected.extend([dead.to_string(), format!("{dead}-old")]);
    }
    expected.sort();
    assert_eq!(hidden_entries(site.root()), expected);
}

// ------------------------------------------------- mount points (in place)

#[cfg(unix)]
fn inode(p: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).unwrap().ino()
}

/// Builds twice (changing a page between) with `env` on the second build;
/// returns the final output tree.
fn rebuild(env: &[(&str, Option<&str>)]) -> BTreeMap<String, Vec<u8>> {
    let site = good_site();
    site.file("content/gone.md", &page("Gone", "Removed later.\n"));
    site.build_ok();
    #[cfg(unix)]
    let before = inode(&site.public());
    site.file("content/ops/a.md", &page("A", "Second version.\n"));
    std::fs::remove_file(site.root().join("content/gone.md")).unwrap();
    site.build_env(&[], env).assert_success();
    if !env.is_empty() {
        // The directory itself stayed (a mount point cannot move).
        #[cfg(unix)]
        assert_eq!(inode(&site.public()), before, "the output was renamed");
    }
    assert_eq!(hidden_entries(site.root()), Vec::<String>::new());
    assert_eq!(hidden_entries(&site.public()), Vec::<String>::new());
    site.output_tree()
}

#[test]
fn in_place_swap_gives_the_same_tree_as_renaming() {
    let renamed = rebuild(&[]);
    assert!(!renamed.keys().any(|k| k.starts_with("gone")));
    assert!(renamed.contains_key(MARKER));
    for how in ["1", "rename-fails"] {
        let in_place = rebuild(&[("OPSBOOK_TEST_FORCE_IN_PLACE", Some(how))]);
        assert_same_tree(&renamed, &in_place);
    }
}

// ------------------------------------------------------ concurrent builds

#[cfg(unix)]
#[test]
fn concurrent_builds_wait_for_each_other() {
    use std::fs::File;
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};

    let site = good_site();
    site.build_ok();
    let expected = site.output_tree();

    // Hold the lock ourselves, as a running build would, so that every
    // build started now must wait.
    let lock_path = site.root().join(".public.opsbook-lock");
    let mut lock = File::create(&lock_path).unwrap();
    lock.lock().unwrap();
    writeln!(lock, "{}", std::process::id()).unwrap();

    let mut children: Vec<_> = (0..8)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_opsbook"))
                .args([
                    "build",
                    "--root",
                    site.root_str(),
                    "--out",
                    s(&site.public()),
                ])
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    // Each says it waits (a blocking read, not a timer) ...
    let waiting = format!(
        "waiting for another build of {} (pid {})",
        site.public().canonicalize().unwrap().display(),
        std::process::id()
    );
    let mut readers: Vec<_> = children
        .iter_mut()
        .map(|c| BufReader::new(c.stderr.take().unwrap()))
        .collect();
    for r in &mut readers {
        let mut line = String::new();
        r.read_line(&mut line).unwrap();
        assert_eq!(line.trim_end(), waiting);
    }
    // ... and, once we let go, all build one after the other.
    std::fs::remove_file(&lock_path).unwrap();
    drop(lock);
    for (mut c, mut r) in children.into_iter().zip(readers) {
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut r, &mut rest).unwrap();
        assert!(c.wait().unwrap().success(), "a build failed:\n{rest}");
    }
    assert_same_tree(&expected, &site.output_tree());
    assert_eq!(site.root_entries(), [".git", "content", "public", "static"]);

    // A free race, as CI jobs would start them: no failures, no leftovers.
    let racers: Vec<_> = (0..8)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_opsbook"))
                .args([
                    "build",
                    "--root",
                    site.root_str(),
                    "--out",
                    s(&site.public()),
                ])
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in racers {
        let out = c.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "a build failed:\n{stderr}");
    }
    assert_same_tree(&expected, &site.output_tree());
    assert_eq!(site.root_entries(), [".git", "content", "public", "static"]);
    assert_eq!(hidden_entries(&site.public()), Vec::<String>::new());
}
