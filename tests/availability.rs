//! `[availability]` in `opsbook.toml`, through the real binary: a valid
//! section builds, and every mistake in it is reported at its line with
//! what to write instead (the engine itself is unit-tested in
//! `src/analyse/availability/tests.rs`).

mod common;

use common::{Site, page};

#[test]
fn a_valid_availability_section_builds() {
    let site = Site::new();
    site.file(
        "opsbook.toml",
        "title = \"x\"\n\n[availability]\ndegraded = [1, 0.5, 0.25, 0]\nplatform_target = 99.95\n",
    )
    .file("content/p.md", &page("P", "text"));
    site.build_ok();
}

#[test]
fn every_availability_mistake_is_reported_at_its_line() {
    let site = Site::new();
    site.file(
        "opsbook.toml",
        "title = \"x\"\n[availability]\ndegraded = [0.5, 1.5, 0, 0]\nplatform_target = 99.95.0\n",
    )
    .file("content/p.md", &page("P", "text"));
    // 99.95.0 is not TOML at all: the syntax error comes first.
    site.build()
        .assert_failure()
        .assert_stderr_has(&["opsbook.toml:4:", "invalid TOML"]);
    site.file(
        "opsbook.toml",
        "title = \"x\"\n[availability]\ndegraded = [0.5, 1.5, 0, 0]\nplatform_target = 101\ndegarded = 1\n",
    );
    site.build().assert_failure().assert_stderr_has(&[
        "opsbook.toml:3:18",
        "the S2 value is not a fraction from 0 to 1",
        "opsbook.toml:4:19",
        "platform_target is not a percentage",
        "opsbook.toml:5:1",
        "unknown key `degarded` in [availability]",
        "did you mean `degraded`?",
        "3 errors found",
    ]);
    assert!(!site.public().exists());
}
