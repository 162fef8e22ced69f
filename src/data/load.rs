//! Loading `data/`: find the snapshot files, read and check them in
//! parallel, then apply the rules that span files.
//!
//! Where a file lives says what it holds (`classify`). Monthly snapshot
//! folders are a table (`MONTHLY`): a kind of snapshot is added by giving its
//! folder a checker.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::model::{Dataset, Id, MaintenanceWindow, SliMonth};
use super::month::Month;
use super::validate::{
    self, Check, CheckedIncident, CheckedPages, IncidentPath, KnownServices, ServicesFile,
};
use crate::diag::{Diagnostic, Diagnostics, Location};

/// The data folder, relative to the site root.
pub const DATA_DIR: &str = "data";
const SERVICES_FILE: &str = "services.yaml";
const INCIDENTS_DIR: &str = "incidents";

/// A folder of monthly snapshots, `data/<name>/YYYY-MM.yaml`.
struct Monthly {
    name: &'static str,
    /// What its files hold, for messages.
    holds: &'static str,
    /// Checks one file; `None`: not read yet (the files are accepted and
    /// ignored).
    check: Option<CheckMonthly>,
}

type CheckMonthly = fn(&mut Check, Month, Option<&KnownServices>) -> Parsed;

static MONTHLY: [Monthly; 3] = [
    Monthly {
        name: "maintenance",
        holds: "maintenance windows",
        check: Some(check_maintenance),
    },
    Monthly {
        name: "sli",
        holds: "availability measured by the metrics engine",
        check: Some(check_sli),
    },
    Monthly {
        name: "pages",
        holds: "pages from the paging system",
        check: Some(check_pages),
    },
];

fn check_maintenance(ck: &mut Check, month: Month, known: Option<&KnownServices>) -> Parsed {
    Parsed::Maintenance(validate::maintenance_file(ck, month, known))
}

fn check_sli(ck: &mut Check, month: Month, known: Option<&KnownServices>) -> Parsed {
    validate::sli_file(ck, month, known).map_or(Parsed::Nothing, Parsed::Sli)
}

fn check_pages(ck: &mut Check, month: Month, known: Option<&KnownServices>) -> Parsed {
    validate::pages_file(ck, month, known).map_or(Parsed::Nothing, |p| Parsed::Pages(Box::new(p)))
}

/// What a file under `data/` is, by its place.
#[derive(Clone, Copy)]
enum Kind {
    Services,
    Incident {
        year: i32,
    },
    Monthly {
        folder: &'static Monthly,
        month: Month,
    },
}

struct DataFile {
    /// Relative to the site root: `data/incidents/2026/17054.yaml`.
    rel: PathBuf,
    kind: Kind,
}

/// What one file contributed.
enum Parsed {
    Nothing,
    Incident(Box<CheckedIncident>),
    Maintenance(Vec<MaintenanceWindow>),
    Sli(SliMonth),
    Pages(Box<CheckedPages>),
}

/// What `load` found: everything that could be loaded, and every problem.
#[derive(Debug, Default)]
pub struct Loaded {
    /// Every file without errors. services.yaml is the exception: its valid
    /// services are kept one by one, as every other file names them; an
    /// incident or window naming a service left out is left out too, so
    /// that every service id in the dataset resolves.
    pub dataset: Dataset,
    /// Errors and warnings of all files, sorted by file, line and column.
    pub diagnostics: Diagnostics,
}

/// Loads ROOT/data. A site without data/ gets an empty Dataset (a
/// handbook-only site builds). Never all-or-nothing: a file with errors is
/// left out of the dataset and the other files are in it.
pub fn load(root: &Path) -> Loaded {
    let dir = root.join(DATA_DIR);
    let mut diags = Diagnostics::new();
    if !dir.exists() {
        return Loaded::default();
    }
    if !dir.is_dir() {
        diags.push(
            Diagnostic::error("`data` is not a folder")
                .at(Location::file(Path::new(DATA_DIR)))
                .help("data/ is the folder of snapshots (services.yaml, incidents/, ...)"),
        );
        return Loaded {
            dataset: Dataset::default(),
            diagnostics: diags,
        };
    }

    let files = discover(&dir, &mut diags);

    // services.yaml first: the other files name its services.
    let services_file = files.iter().find(|f| matches!(f.kind, Kind::Services));
    let services: Option<ServicesFile> = match services_file {
        Some(f) => {
            let (out, d) = with_file(root, &f.rel, validate::services_file);
            diags.extend(d);
            out.flatten()
        }
        None => {
            let needs_services = files
                .iter()
                .any(|f| matches!(f.kind, Kind::Incident { .. } | Kind::Monthly { .. }));
            if needs_services {
                diags.push(
                    Diagnostic::error("`data/services.yaml` is missing")
                        .at(Location::file(&Path::new(DATA_DIR).join(SERVICES_FILE)))
                        .help(
                            "incidents and maintenance windows name services: list them in \
                             data/services.yaml",
                        ),
                );
            }
            None
        }
    };
    let known = services.as_ref().map(|s| KnownServices::new(s.ids.clone()));

    let results: Vec<(Parsed, Vec<Diagnostic>)> = files
        .par_iter()
        .filter(|f| !matches!(f.kind, Kind::Services))
        .map(|f| {
            let (parsed, d) = with_file(root, &f.rel, |ck| check_file(ck, f, known.as_ref()));
            // A file with an error is left out as a whole: half an incident
            // would be counted as if it were right.
            let parsed = match parsed {
                Some(p) if !d.iter().any(Diagnostic::is_error) => p,
                _ => Parsed::Nothing,
            };
            (parsed, d)
        })
        .collect();

    let mut dataset = Dataset {
        services: services.map(|s| s.services).unwrap_or_default(),
        ..Dataset::default()
    };
    let mut checked = Vec::new();
    let mut pages = Vec::new();
    for (parsed, d) in results {
        diags.extend(d);
        match parsed {
            Parsed::Nothing => {}
            Parsed::Incident(i) => checked.push(*i),
            Parsed::Maintenance(w) => dataset.maintenance.extend(w),
            Parsed::Sli(m) => dataset.sli.push(m),
            Parsed::Pages(p) => pages.push(*p),
        }
    }
    // A month with a page id used in another month is in error as a whole.
    let (duplicates, months) = duplicate_pages(&pages);
    diags.extend(duplicates);
    dataset.pages = pages
        .into_iter()
        .map(|p| p.month)
        .filter(|m| !months.contains(&m.month))
        .collect();
    let (duplicates, duplicated) = duplicate_incidents(&checked);
    diags.extend(duplicates);
    // Both files of a duplicated id are in error: neither is kept.
    dataset.incidents = checked
        .into_iter()
        .map(|c| c.incident)
        .filter(|i| !duplicated.contains(&i.id))
        .collect();

    dataset.services.sort_by(|a, b| a.id.cmp(&b.id));
    let known: BTreeSet<&Id> = dataset.services.iter().map(|s| &s.id).collect();
    let resolves = |ids: &[Id]| ids.iter().all(|id| known.contains(id));
    dataset.incidents.retain(|i| resolves(&i.services));
    dataset.maintenance.retain(|w| resolves(&w.services));
    dataset
        .sli
        .retain(|m| m.services.iter().all(|s| known.contains(&s.id)));
    dataset
        .pages
        .retain(|m| m.pages.iter().all(|p| known.contains(&p.service)));
    // One file per month (the file name is the month): sorting by month is
    // a total order.
    dataset.sli.sort_by_key(|m| m.month);
    dataset.pages.sort_by_key(|m| m.month);
    dataset
        .incidents
        .sort_by(|a, b| (a.started_at, &a.id).cmp(&(b.started_at, &b.id)));
    dataset
        .maintenance
        .sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));

    let (imported, d) = super::imported::load(root);
    diags.extend(d);
    dataset.imported = imported;

    diags.sort();
    Loaded {
        dataset,
        diagnostics: diags,
    }
}

fn check_file(ck: &mut Check, f: &DataFile, known: Option<&KnownServices>) -> Parsed {
    match f.kind {
        Kind::Services => Parsed::Nothing,
        Kind::Incident { year } => {
            let stem = f
                .rel
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            validate::incident_file(ck, &IncidentPath { year, stem }, known)
                .map_or(Parsed::Nothing, |i| Parsed::Incident(Box::new(i)))
        }
        Kind::Monthly { folder, month } => match folder.check {
            Some(check) => check(ck, month, known),
            None => Parsed::Nothing,
        },
    }
}

/// Reads `root/rel` and runs `f` on its text; `None` when it cannot be read.
fn with_file<T>(
    root: &Path,
    rel: &Path,
    f: impl FnOnce(&mut Check) -> T,
) -> (Option<T>, Vec<Diagnostic>) {
    let bytes = match std::fs::read(root.join(rel)) {
        Ok(b) => b,
        Err(e) => {
            let d = Diagnostic::error(format!("cannot read the file: {e}"))
                .at(Location::file(rel))
                .help("check that the file exists and is readable");
            return (None, vec![d]);
        }
    };
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            let d = Diagnostic::error("the file is not valid UTF-8")
                .at(Location::at_offset(
                    rel,
                    &text,
                    e.utf8_error().valid_up_to(),
                ))
                .help("save the file as UTF-8");
            return (None, vec![d]);
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut ck = Check::new(rel, text);
    let out = f(&mut ck);
    (Some(out), ck.into_diagnostics())
}

/// The same incident id in two files: both are named. Returns the errors
/// and the ids concerned.
fn duplicate_incidents(checked: &[CheckedIncident]) -> (Vec<Diagnostic>, BTreeSet<Id>) {
    let mut by_id: BTreeMap<&str, Vec<&CheckedIncident>> = BTreeMap::new();
    for c in checked {
        by_id.entry(c.incident.id.as_str()).or_default().push(c);
    }
    let mut out = Vec::new();
    let mut ids = BTreeSet::new();
    for (id, mut files) in by_id {
        if files.len() < 2 {
            continue;
        }
        ids.insert(files[0].incident.id.clone());
        files.sort_by(|a, b| a.id_at.cmp(&b.id_at));
        let first = files[0];
        for dup in &files[1..] {
            out.push(
                Diagnostic::error(format!(
                    "incident `{id}` is also in {}",
                    first.incident.origin.file.display()
                ))
                .at(dup.id_at.clone())
                .help(format!(
                    "an incident id is used by one file only: keep one of {} and {}",
                    first.incident.origin.file.display(),
                    dup.incident.origin.file.display()
                )),
            );
        }
    }
    (out, ids)
}

/// The same page id in two months: the later use is an error naming the
/// first. Returns the errors and the months concerned.
fn duplicate_pages(checked: &[CheckedPages]) -> (Vec<Diagnostic>, BTreeSet<Month>) {
    // (month, file, page index) of each use of an id.
    let mut by_id: BTreeMap<&str, Vec<(Month, usize, usize)>> = BTreeMap::new();
    for (f, c) in checked.iter().enumerate() {
        for (i, page) in c.month.pages.iter().enumerate() {
            by_id
                .entry(page.id.as_str())
                .or_default()
                .push((c.month.month, f, i));
        }
    }
    let mut out = Vec::new();
    let mut months = BTreeSet::new();
    for (id, mut uses) in by_id {
        if uses.len() < 2 {
            continue;
        }
        uses.sort_unstable();
        let (first_month, ff, fi) = uses[0];
        let first = checked[ff].id_location(fi);
        months.insert(first_month);
        for &(month, f, i) in &uses[1..] {
            months.insert(month);
            out.push(
                Diagnostic::error(format!("page `{id}` is also in {first_month}"))
                    .at(checked[f].id_location(i))
                    .label(first.clone(), "first used here")
                    .help(format!(
                        "a page id is used once across all months: a page is filed in the \
                         month it was created; remove it from {month} or from {first_month}"
                    )),
            );
        }
    }
    (out, months)
}

// ---------------------------------------------------------------------------
// Finding the files.

/// Every snapshot file under `dir` (= ROOT/data), in a stable order; an
/// error for everything else. Names starting with `.` (`.gitkeep`, editor
/// files) are skipped.
fn discover(dir: &Path, diags: &mut Diagnostics) -> Vec<DataFile> {
    let mut out = Vec::new();
    let mut walk = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walk.next() {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e
                    .path()
                    .and_then(|p| p.strip_prefix(dir).ok())
                    .map_or_else(|| PathBuf::from(DATA_DIR), |p| Path::new(DATA_DIR).join(p));
                diags.push(
                    Diagnostic::error(format!("cannot read the folder: {e}"))
                        .at(Location::file(&at))
                        .help("check the permissions and links under data/"),
                );
                continue;
            }
        };
        let is_dir = entry.file_type().is_dir();
        let within = entry
            .path()
            .strip_prefix(dir)
            .expect("walkdir stays under its root");
        let rel = Path::new(DATA_DIR).join(within);
        let parts: Option<Vec<&str>> = within.iter().map(|p| p.to_str()).collect();
        let Some(parts) = parts else {
            diags.push(
                Diagnostic::error("file name is not valid UTF-8")
                    .at(Location::file(&rel))
                    .help("rename it; data file names are ids and months"),
            );
            if is_dir {
                walk.skip_current_dir();
            }
            continue;
        };
        if parts.last().is_some_and(|n| n.starts_with('.')) {
            if is_dir {
                walk.skip_current_dir();
            }
            continue;
        }
        match classify(&parts, is_dir) {
            Ok(Some(kind)) => out.push(DataFile { rel, kind }),
            Ok(None) => {}
            Err(help) => {
                let what = if is_dir { "folder" } else { "file" };
                let shown = if is_dir {
                    format!("{}/", slash_path(&rel))
                } else {
                    slash_path(&rel)
                };
                diags.push(
                    Diagnostic::error(format!("unexpected {what} `{shown}`"))
                        .at(Location::file(&rel))
                        .help(help),
                );
                if is_dir {
                    walk.skip_current_dir();
                }
            }
        }
    }
    out
}

fn slash_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// What the file or folder at `parts` (below data/) is: `Ok(None)` for a
/// folder that holds snapshots, `Err(help)` for anything that does not
/// belong there, the help saying what does.
fn classify(parts: &[&str], is_dir: bool) -> Result<Option<Kind>, String> {
    let top_help = || {
        let folders: Vec<String> = std::iter::once(INCIDENTS_DIR)
            .chain(MONTHLY.iter().map(|m| m.name))
            .map(|n| format!("`{n}/`"))
            .collect();
        format!(
            "data/ holds `{SERVICES_FILE}`, `{}` and the folders {}",
            super::imported::FILE_NAME,
            folders.join(", ")
        )
    };
    let incidents_help = || {
        "data/incidents/ holds a folder per year (`2026/`), each holding one `<id>.yaml` per \
         incident that started in that year (UTC)"
            .to_string()
    };
    let monthly_help = |m: &Monthly| {
        format!(
            "data/{}/ holds one file per month, `YYYY-MM.yaml`, of {}",
            m.name, m.holds
        )
    };
    match (parts, is_dir) {
        ([name], false) if *name == SERVICES_FILE => Ok(Some(Kind::Services)),
        // Read on its own, by `imported::load`.
        ([name], false) if *name == super::imported::FILE_NAME => Ok(None),
        ([name], true) if *name == INCIDENTS_DIR => Ok(None),
        ([name], true) if MONTHLY.iter().any(|m| m.name == *name) => Ok(None),
        ([name], false) => Err(yml_hint(name).unwrap_or_else(top_help)),
        ([_], true) => Err(top_help()),
        ([dir, year], true) if *dir == INCIDENTS_DIR => match parse_year(year) {
            Some(_) => Ok(None),
            None => Err(incidents_help()),
        },
        ([dir, year, name], false) if *dir == INCIDENTS_DIR => {
            match (parse_year(year), name.strip_suffix(".yaml")) {
                (Some(year), Some(stem)) if !stem.is_empty() => Ok(Some(Kind::Incident { year })),
                _ => Err(yml_hint(name).unwrap_or_else(incidents_help)),
            }
        }
        ([dir, ..], _) if *dir == INCIDENTS_DIR => Err(incidents_help()),
        ([dir, name], false) => {
            let folder = MONTHLY
                .iter()
                .find(|m| m.name == *dir)
                .expect("only known folders are entered");
            match name.strip_suffix(".yaml").and_then(Month::parse) {
                Some(month) => Ok(Some(Kind::Monthly { folder, month })),
                None => Err(yml_hint(name).unwrap_or_else(|| monthly_help(folder))),
            }
        }
        ([dir, ..], _) => {
            let folder = MONTHLY
                .iter()
                .find(|m| m.name == *dir)
                .expect("only known folders are entered");
            Err(monthly_help(folder))
        }
        ([], _) => Ok(None),
    }
}

/// `x.yml` → "rename it to `x.yaml`".
fn yml_hint(name: &str) -> Option<String> {
    let stem = name.strip_suffix(".yml")?;
    Some(format!(
        "data files end in `.yaml`: rename it to `{stem}.yaml`"
    ))
}

fn parse_year(s: &str) -> Option<i32> {
    (s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(path: &str, is_dir: bool) -> Result<Option<&'static str>, String> {
        let parts: Vec<&str> = path.split('/').collect();
        classify(&parts, is_dir).map(|k| {
            k.map(|k| match k {
                Kind::Services => "services",
                Kind::Incident { .. } => "incident",
                Kind::Monthly { folder, .. } => folder.name,
            })
        })
    }

    #[test]
    fn classifies_paths() {
        assert_eq!(kind("services.yaml", false), Ok(Some("services")));
        assert_eq!(kind("incidents", true), Ok(None));
        assert_eq!(kind("incidents/2026", true), Ok(None));
        assert_eq!(
            kind("incidents/2026/17054.yaml", false),
            Ok(Some("incident"))
        );
        assert_eq!(
            kind("maintenance/2026-10.yaml", false),
            Ok(Some("maintenance"))
        );
        assert_eq!(kind("sli/2026-10.yaml", false), Ok(Some("sli")));
        assert_eq!(kind("pages/2026-10.yaml", false), Ok(Some("pages")));
        for bad in [
            "services.yml",
            "README.md",
            "incidents/foo.txt",
            "incidents/2026/x.yml",
            "incidents/2026/.yaml",
            "incidents/26/x.yaml",
            "maintenance/2026-13.yaml",
            "maintenance/october.yaml",
        ] {
            assert!(kind(bad, false).is_err(), "{bad}");
        }
        for bad in [
            "other",
            "incidents/latest",
            "incidents/2026/sub",
            "sli/2026",
        ] {
            assert!(kind(bad, true).is_err(), "{bad}");
        }
        let help = kind("incidents/2026/x.yml", false).unwrap_err();
        assert!(help.contains("rename it to `x.yaml`"), "{help}");
    }
}
