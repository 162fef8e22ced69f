//! `[pager]` in `opsbook.toml`: a build with shifts that leave part of the
//! day uncovered, or overlap, fails with every problem at its line.

mod common;

use common::{Site, page};

#[test]
fn shifts_must_cover_the_day_exactly_once() {
    let site = Site::new();
    site.file("content/_index.md", &page("Home", "hello")).file(
        "opsbook.toml",
        "title = \"x\"\n\n[pager]\nsleep_hours = [\"23:00\", \"09:30\"]\n\n\
             [[pager.regions]]\nname = \"EMEA\"\nshift_utc = [\"04:00\", \"17:00\"]\n\
             time_zone = \"Europe/Amsterdam\"\n\n\
             [[pager.regions]]\nname = \"AMER\"\nshift_utc = [\"16:00\", \"03:00\"]\n\
             time_zone = \"America/New_York\"\n",
    );
    site.build().assert_failure().assert_stderr_has(&[
        "opsbook.toml:4:15",
        "sleep hours and business hours overlap 09:00–09:30",
        "opsbook.toml:13:13",
        "regions `EMEA` and `AMER` both cover 16:00–17:00 UTC",
        "opsbook.toml:6:1",
        "no region is on call 03:00–04:00 UTC",
        "exactly once",
    ]);
    assert!(!site.public().exists());
}

#[test]
fn a_misspelt_time_zone_names_its_line() {
    let site = Site::new();
    site.file("content/_index.md", &page("Home", "hello")).file(
        "opsbook.toml",
        "[[pager.regions]]\nname = \"ALL\"\nshift_utc = [\"00:00\", \"00:00\"]\n\
             time_zone = \"Europe/Amsterdm\"\n",
    );
    site.build().assert_failure().assert_stderr_has(&[
        "opsbook.toml:4:13",
        "`Europe/Amsterdm` is not an IANA time zone",
        "`time_zone` is an IANA time zone name",
    ]);
    // Spelt right, the same site builds.
    site.file(
        "opsbook.toml",
        "[[pager.regions]]\nname = \"ALL\"\nshift_utc = [\"00:00\", \"00:00\"]\n\
         time_zone = \"Europe/Amsterdam\"\n",
    );
    site.build_ok();
}
