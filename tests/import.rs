//! `opsbook import availability-table`, run as the real binary on fixture
//! sites in temporary folders: a realistic hand-kept table (every
//! irregularity real tables have) imports to the expected YAML, which the
//! loader reads into `Dataset::imported`; bad rows are reported at their
//! lines and nothing is written; a re-import changes nothing; months
//! already imported need `--replace` to change.
//!
//! The last test imports the real rows of the shared domain notes and the
//! real seed page when `../shared` exists; without it, it says so and
//! skips, except under CI (`CI` set), where a missing folder fails.

mod common;

use std::path::Path;

use common::{Output, Site, found_or_skip};
use opsbook::data::{self, ImportedMonth, Month, Percent};

const FILE: &str = "data/imported-availability.yaml";

/// A page in the shape of the seed's "Historical Service Level
/// Availability", newest first, with every irregularity real tables have:
/// `**bold**` headers, `99.89` without `%`, `100%`, `100.00%`, `TBD`, rows
/// without a trailing `|`, links and `<br>` in comments, an escaped pipe,
/// months written three ways, a figure in bold, an empty comment.
const MONITORING: &str = "\
---
title: \"Monitoring\"
---

## Historical Service Level Availability

An example, not data:

```markdown
| Year Month | Availability | Comments |
| --- | --- | --- |
| 2020 January | 1% | ignored |
```

| **Year Month** | **Availability** | **Comments** |
| ---- | ----------- | ---- |
| 2023 November | TBD | Pending the dashboard |
| 2023 October | 99.89 | Oct 30 [Sev 1](https://gitlab.example.com/production/-/issues/17054) |
| 2023 September | 100% | Sep 12 [maintenance window](https://status.example.com/pages/history/5b36)<br>Sep 19 database upgrade
| 2023 August | 100.00% | |
| 2023 July | 99.78% | Two severity 1 incidents contributed to ~94% of service disruption. |
| Jun 2023 | **99.95%** | Failover test; `a \\| b` in a comment
| 2023-05 | 99.9 |

The figures come from the General SLA dashboard.
";

/// What MONITORING imports to, canonically: oldest first, `%` gone,
/// `100.00` as `100`, comments as written (the escaped pipe unescaped),
/// quoted only where YAML needs it.
const EXPECTED: &str = "\
months:
  - month: 2023-05
    availability: 99.9
  - month: 2023-06
    availability: 99.95
    comments: Failover test; `a | b` in a comment
  - month: 2023-07
    availability: 99.78
    comments: Two severity 1 incidents contributed to ~94% of service disruption.
  - month: 2023-08
    availability: 100
  - month: 2023-09
    availability: 100
    comments: Sep 12 [maintenance window](https://status.example.com/pages/history/5b36)<br>Sep 19 database upgrade
  - month: 2023-10
    availability: 99.89
    comments: Oct 30 [Sev 1](https://gitlab.example.com/production/-/issues/17054)
";

fn import(site: &Site, file: &str, extra: &[&str]) -> Output {
    let mut args = vec![
        "import",
        "availability-table",
        file,
        "--root",
        site.root_str(),
    ];
    args.extend_from_slice(extra);
    site.run(&args)
}

fn read(site: &Site, rel: &str) -> String {
    std::fs::read_to_string(site.root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// `(month, availability, comments)` of each month the loader read.
fn loaded(root: &Path) -> Vec<(String, String, Option<String>)> {
    let loaded = data::load(root);
    assert!(
        loaded.diagnostics.is_empty(),
        "the imported file must load cleanly:\n{}",
        loaded.diagnostics
    );
    loaded
        .dataset
        .imported
        .iter()
        .map(|m: &ImportedMonth| {
            (
                m.month.to_string(),
                m.availability.to_string(),
                m.comments.clone(),
            )
        })
        .collect()
}

#[test]
fn a_realistic_table_imports_to_the_expected_yaml() {
    let site = Site::new();
    site.file("content/handbook/monitoring.md", MONITORING);
    let out = import(&site, "content/handbook/monitoring.md", &[]);
    out.assert_success();
    assert_eq!(read(&site, FILE), EXPECTED);
    out.assert_stderr_has(&[
        "read the table at content/handbook/monitoring.md:15: 7 rows, 6 months with a figure (6 new, 0 \
         replaced, 0 unchanged)",
        "skipped 1 row without a figure:",
        "content/handbook/monitoring.md:17: 2023-11 is `TBD`, not a figure",
        "wrote data/imported-availability.yaml (6 months)",
    ]);

    // The loader reads it back to exactly the table's values.
    let months = loaded(site.root());
    let expected = [
        ("2023-05", "99.9", None),
        (
            "2023-06",
            "99.95",
            Some("Failover test; `a | b` in a comment"),
        ),
        (
            "2023-07",
            "99.78",
            Some("Two severity 1 incidents contributed to ~94% of service disruption."),
        ),
        ("2023-08", "100", None),
        (
            "2023-09",
            "100",
            Some(
                "Sep 12 [maintenance window](https://status.example.com/pages/history/5b36)<br>Sep \
                 19 database upgrade",
            ),
        ),
        (
            "2023-10",
            "99.89",
            Some("Oct 30 [Sev 1](https://gitlab.example.com/production/-/issues/17054)"),
        ),
    ];
    let expected: Vec<(String, String, Option<String>)> = expected
        .iter()
        .map(|(m, a, c)| (m.to_string(), a.to_string(), c.map(str::to_string)))
        .collect();
    assert_eq!(months, expected);
    // Exact decimals, not floats.
    let dataset = data::load(site.root()).dataset;
    assert_eq!(dataset.imported[4].availability, Percent::HUNDRED);
    assert_eq!(dataset.imported[5].month, Month::new(2023, 10).unwrap());
    assert_eq!(dataset.imported[5].origin.line, 15);

    // Nothing else was left beside data/ (no staging folder).
    assert_eq!(site.root_entries(), ["content", "data"]);
}

#[test]
fn the_site_checks_with_the_imported_file() {
    let site = Site::new();
    site.file("content/_index.md", "---\ntitle: \"Home\"\n---\nHello\n")
        .file("monitoring.md", MONITORING);
    import(&site, "monitoring.md", &[]).assert_success();
    let out = site.check_with(&[]);
    out.assert_success();
    assert!(!out.stderr.contains("warning"), "{}", out.stderr);

    // The loader checks it like every snapshot: each problem at its place.
    site.file(
        FILE,
        "months:\n  - month: 2023-10\n    availabilty: 99.89\n  - month: 2023-07\n    \
         availability: 99.78%\n",
    );
    site.check_with(&[]).assert_failure().assert_stderr_has(&[
        "error: unknown key `availabilty`",
        "--> data/imported-availability.yaml:3:5",
        "did you mean `availability`?",
        "error: month without `availability`",
        "--> data/imported-availability.yaml:2:5",
        "error: months are not sorted: 2023-07 comes after 2023-10",
        "--> data/imported-availability.yaml:4:12",
        "error: `availability` is written without `%`: `99.78%`",
        "--> data/imported-availability.yaml:5:19",
    ]);
    assert!(data::load(site.root()).dataset.imported.is_empty());
}

#[test]
fn bad_rows_are_reported_at_their_lines_and_nothing_is_written() {
    let site = Site::new();
    let table = "\
# Availability

| Year Month | Availability | Comments |
|---|---|---|
| 2023 Octobre | 99.89 | typo in the month |
| 2023 September | 99,9% | decimal comma |
| 2023 August | 100.5% | above 100 |
| 2023 July | 99.7 | an unescaped | pipe |
| 2023 June | | no figure |
| 2023 May | 99.9 | first |
| May 2023 | 99.9 | twice |
| 2023 April | 99.95% | fine |
";
    site.file("bad.md", table);
    let out = import(&site, "bad.md", &[]);
    out.assert_failure().assert_stderr_has(&[
        "error: cannot read the month `2023 Octobre`",
        "--> bad.md:5:3",
        "help: write the month as `2023 October`, `Oct 2023` or `2023-10`",
        "error: `99,9%` has a decimal comma",
        "--> bad.md:6:20",
        "error: `100.5%` is above 100%",
        "--> bad.md:7:17",
        "error: this row has 4 cells; the table has 3",
        "--> bad.md:8:37",
        "a `|` inside a comment is written `\\|`",
        "error: this row has no availability",
        "--> bad.md:9:15",
        "error: 2023-05 is in the table twice",
        "--> bad.md:11:3",
        "- first listed here",
        "error: 6 errors found; nothing was written",
    ]);
    assert_eq!(site.root_entries(), ["bad.md"], "nothing was written");

    // With an existing file: it stays byte for byte as it was.
    site.file("good.md", MONITORING);
    import(&site, "good.md", &[]).assert_success();
    let before = read(&site, FILE);
    import(&site, "bad.md", &[]).assert_failure();
    assert_eq!(read(&site, FILE), before);
    assert_eq!(
        common::tree(&site.root().join("data")).len(),
        1,
        "only the imported file"
    );
}

#[test]
fn a_page_without_the_table_is_an_error() {
    let site = Site::new();
    site.file(
        "page.md",
        "# Ops\n\n```\n| Year Month | Availability | Comments |\n| - | - | - |\n| 2023-10 | 99 \
         | |\n```\n",
    );
    import(&site, "page.md", &[])
        .assert_failure()
        .assert_stderr_has(&[
            "error: the only availability table is inside a code block",
            "--> page.md:4:1",
        ]);
    import(&site, "missing.md", &[])
        .assert_failure()
        .assert_stderr_has(&["error: cannot read missing.md"]);
    assert_eq!(site.root_entries(), ["page.md"]);
}

#[test]
fn a_second_import_of_the_same_table_changes_nothing() {
    let site = Site::new();
    site.file("monitoring.md", MONITORING);
    import(&site, "monitoring.md", &[]).assert_success();
    let path = site.root().join(FILE);
    let before = std::fs::read(&path).unwrap();
    let modified = std::fs::metadata(&path).unwrap().modified().unwrap();

    let out = import(&site, "monitoring.md", &[]);
    out.assert_success().assert_stderr_has(&[
        "7 rows, 6 months with a figure (0 new, 0 replaced, 6 unchanged)",
        "data/imported-availability.yaml is unchanged (6 months)",
    ]);
    assert_eq!(std::fs::read(&path).unwrap(), before, "byte-identical");
    assert_eq!(
        std::fs::metadata(&path).unwrap().modified().unwrap(),
        modified,
        "not even rewritten"
    );
}

#[test]
fn months_already_imported_change_only_with_replace() {
    let site = Site::new();
    site.file("monitoring.md", MONITORING);
    import(&site, "monitoring.md", &[]).assert_success();
    let before = read(&site, FILE);

    // An older page: one month the file lacks, one with another figure, one
    // with other comments, one the same.
    site.file(
        "older.md",
        "| Year Month | Availability | Comments |\n| --- | --- | --- |\n| 2023 October | 99.9 | \
         rounded |\n| 2023 July | 99.78% | Two incidents |\n| 2023 May | 99.90% |\n| 2023 April \
         | 99.99 | new |\n",
    );
    let out = import(&site, "older.md", &[]);
    out.assert_failure().assert_stderr_has(&[
        "error: 2023-10 is already imported as 99.89%; this table says 99.9%",
        "--> older.md:3:3",
        "--> data/imported-availability.yaml:15:3",
        "- imported here",
        "help: pass `--replace`",
        "error: 2023-07 is already imported with other comments",
        "--> older.md:4:3",
        "error: 2 errors found; nothing was written",
    ]);
    assert_eq!(read(&site, FILE), before, "nothing was written");

    let out = import(&site, "older.md", &["--replace"]);
    out.assert_success().assert_stderr_has(&[
        "4 rows, 4 months with a figure (1 new, 2 replaced, 1 unchanged)",
        "wrote data/imported-availability.yaml (7 months)",
    ]);
    let months = loaded(site.root());
    let by_month = |m: &str| months.iter().find(|x| x.0 == m).cloned().unwrap();
    assert_eq!(by_month("2023-04").1, "99.99");
    assert_eq!(
        by_month("2023-10"),
        ("2023-10".into(), "99.9".into(), Some("rounded".into()))
    );
    assert_eq!(by_month("2023-07").2.as_deref(), Some("Two incidents"));
    // Months the older page does not give are kept.
    assert_eq!(by_month("2023-09").1, "100");
    assert_eq!(months.len(), 7);
}

#[test]
fn a_broken_imported_file_stops_the_import() {
    let site = Site::new();
    site.file("monitoring.md", MONITORING).file(
        FILE,
        "months:\n  - month: 2023-10\n    availability: high\n",
    );
    import(&site, "monitoring.md", &[])
        .assert_failure()
        .assert_stderr_has(&[
            "error: `availability` must be a percentage from 0 to 100, not `high`",
            "--> data/imported-availability.yaml:3:19",
        ]);
    assert_eq!(
        read(&site, FILE),
        "months:\n  - month: 2023-10\n    availability: high\n"
    );
}

// ---------------------------------------------------------------------------
// The real table.

/// The real rows quoted in ../shared/DOMAIN.md ("Availability table as
/// published"): the fenced block after that heading line.
fn shared_table(domain: &str) -> String {
    let start = domain
        .find("Availability table as published")
        .expect("DOMAIN.md quotes the published table");
    let block = &domain[start..];
    let open = block.find("```\n").expect("in a code block") + 4;
    let close = block[open..].find("```").expect("closed") + open;
    block[open..close].to_string()
}

#[test]
fn the_real_table_imports() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared");
    let seeds = shared.join("seeds");
    let found = if seeds.is_dir() {
        Ok(())
    } else {
        Err(format!(
            "{} is missing: the real table is not imported (the realistic fixtures ran instead)",
            seeds.display()
        ))
    };
    if found_or_skip(found).is_none() {
        return;
    }
    let domain = std::fs::read_to_string(shared.join("DOMAIN.md")).expect("read DOMAIN.md");
    let table = shared_table(&domain);
    let seed = std::fs::read_dir(&seeds)
        .expect("read the seeds")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("000_"))
        })
        .expect("seed 000");
    let seed = std::fs::read_to_string(seed).expect("read seed 000");

    let expected = vec![
        (
            "2023-07".to_string(),
            "99.78".to_string(),
            Some("Two severity 1 incidents contributed to ~94% of service disruption.".to_string()),
        ),
        (
            "2023-10".to_string(),
            "99.89".to_string(),
            Some(
                "Oct 30 [Sev 1](https://gitlab.com/gitlab-com/gl-infra/production/-/issues/17054)"
                    .to_string(),
            ),
        ),
    ];

    // The rows as published.
    let site = Site::new();
    site.file("table.md", &table);
    import(&site, "table.md", &[]).assert_success();
    assert_eq!(loaded(site.root()), expected);

    // Seed 000 (the ops team's page) names the table but does not hold it:
    // its only table-like text is in a code block, and nothing is written.
    let site = Site::new();
    site.file("ops.md", &seed);
    import(&site, "ops.md", &[])
        .assert_failure()
        .assert_stderr_has(&["error: no availability table in ops.md"]);
    assert_eq!(site.root_entries(), ["ops.md"]);

    // The seed page with the real table where its team keeps it: found
    // among its other tables, code blocks and shortcodes.
    let at = seed
        .find("#### Monthly Review of Incident and Pager Trends")
        .expect("seed 000's trends section");
    let page = format!(
        "{}### Historical Service Level Availability\n\n{table}\n{}",
        &seed[..at],
        &seed[at..]
    );
    let site = Site::new();
    site.file("ops.md", &page);
    import(&site, "ops.md", &[]).assert_success();
    assert_eq!(loaded(site.root()), expected);
}
