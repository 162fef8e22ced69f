//! `opsbook import availability-table FILE.md`: turns the availability
//! table a team kept by hand in its handbook into
//! `data/imported-availability.yaml` (`data::imported`), the record of the
//! months before its snapshots begin.
//!
//! All or nothing: any row that cannot be read, a month twice, a month
//! already imported with another value (unless `--replace`) or an existing
//! file with errors stops the import with every problem reported, and
//! nothing is written. Otherwise the months are merged into the existing
//! file (months the table does not give are kept) and the file is written
//! canonically through `data::write::Staging`, so a repeated import leaves
//! it byte-identical.

mod table;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::data::imported::{self, ImportedFile, ImportedMonth};
use crate::data::write::Staging;
use crate::data::{Month, Origin};
use crate::diag::{Diagnostic, Diagnostics, Location, line_text};
use table::Figure;

/// What an import did, for the command's summary.
#[derive(Debug)]
pub struct Summary {
    /// The markdown file, as given.
    pub source: PathBuf,
    /// The line of the table's header.
    pub table_line: usize,
    /// Body rows of the table.
    pub rows: usize,
    pub added: Vec<Month>,
    pub replaced: Vec<Month>,
    /// Months the file already had with the same figure and comments.
    pub unchanged: Vec<Month>,
    /// Rows without a figure (`TBD`): line, month, what the cell says.
    pub skipped: Vec<(usize, Month, String)>,
    /// `data/imported-availability.yaml`.
    pub path: PathBuf,
    /// Months in the file after the import (0: no file was needed).
    pub months: usize,
    /// Whether the file's bytes changed.
    pub written: bool,
}

/// Imports the availability table of `file` (a path as the user gave it)
/// into `root`'s data. `replace`: months already imported take the
/// table's values instead of being an error when they differ.
pub fn availability_table(root: &Path, file: &Path, replace: bool) -> Result<Summary, Diagnostics> {
    if !root.is_dir() {
        return Err(Diagnostic::error(format!(
            "the site root `{}` is not a folder",
            root.display()
        ))
        .help("pass `--root` with the folder that holds opsbook.toml and data/")
        .into());
    }
    let text = read_markdown(file)?;
    let (table, mut diags) = table::read(file, &text);
    let existing = imported::read(root);
    if let Some(f) = &existing {
        diags.extend(f.diagnostics.iter().cloned());
    }
    let existing_ok = existing
        .as_ref()
        .is_none_or(|f| !f.diagnostics.iter().any(Diagnostic::is_error));
    let mut diags = Diagnostics(diags);
    let Some(table) = table else {
        return Err(diags);
    };
    let merged = existing_ok.then(|| merge(file, &text, &table, existing.as_ref(), replace));
    let merged = match merged {
        Some(Ok(m)) if !diags.has_errors() => m,
        Some(Err(conflicts)) => {
            diags.extend(conflicts);
            diags.sort();
            return Err(diags);
        }
        _ => {
            diags.sort();
            return Err(diags);
        }
    };

    let path = imported::path();
    let months: Vec<ImportedMonth> = merged.months.into_values().collect();
    // An import that yields no month (only `TBD` rows) creates no file.
    let written = if months.is_empty() && existing.is_none() {
        false
    } else {
        write(root, &path, &imported::to_yaml(&months))?
    };
    Ok(Summary {
        source: file.to_path_buf(),
        table_line: table.header_line,
        rows: table.row_count,
        added: merged.added,
        replaced: merged.replaced,
        unchanged: merged.unchanged,
        skipped: table
            .rows
            .iter()
            .filter_map(|r| match &r.figure {
                Figure::NotYet(s) => Some((r.line, r.month, s.clone())),
                Figure::Percent(_) => None,
            })
            .collect(),
        path,
        months: months.len(),
        written,
    })
}

fn read_markdown(file: &Path) -> Result<String, Diagnostics> {
    let bytes = std::fs::read(file).map_err(|e| {
        Diagnostic::error(format!("cannot read {}: {e}", file.display()))
            .at(Location::file(file))
            .help("give the markdown file that holds the table (a path from the current folder)")
    })?;
    match String::from_utf8(bytes) {
        Ok(t) => Ok(t.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(t)),
        Err(e) => {
            let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
            Err(Diagnostic::error("the file is not valid UTF-8")
                .at(Location::at_offset(
                    file,
                    &text,
                    e.utf8_error().valid_up_to(),
                ))
                .help("save the file as UTF-8")
                .into())
        }
    }
}

struct Merged {
    months: BTreeMap<Month, ImportedMonth>,
    added: Vec<Month>,
    replaced: Vec<Month>,
    unchanged: Vec<Month>,
}

/// The existing months with the table's merged in; an error for each month
/// the file has with another value, unless `replace`.
fn merge(
    file: &Path,
    text: &str,
    table: &table::Table,
    existing: Option<&ImportedFile>,
    replace: bool,
) -> Result<Merged, Vec<Diagnostic>> {
    let mut out = Merged {
        months: existing
            .into_iter()
            .flat_map(|f| f.months.iter().map(|m| (m.month, m.clone())))
            .collect(),
        added: Vec::new(),
        replaced: Vec::new(),
        unchanged: Vec::new(),
    };
    let mut conflicts = Vec::new();
    for row in &table.rows {
        let Figure::Percent(availability) = row.figure else {
            continue;
        };
        let new = ImportedMonth {
            month: row.month,
            availability,
            comments: row.comments.clone(),
            origin: Origin {
                file: file.to_path_buf(),
                line: row.line,
            },
        };
        match out.months.get(&row.month) {
            None => out.added.push(row.month),
            Some(old) if old.availability == new.availability && old.comments == new.comments => {
                out.unchanged.push(row.month);
                continue;
            }
            Some(_) if replace => out.replaced.push(row.month),
            Some(old) => {
                let what = if old.availability == new.availability {
                    format!("{} is already imported with other comments", row.month)
                } else {
                    format!(
                        "{} is already imported as {}%; this table says {}%",
                        row.month, old.availability, new.availability
                    )
                };
                let existing_text = existing.map_or("", |f| f.text.as_str());
                conflicts.push(
                    Diagnostic::error(what)
                        .at(Location::at_offset(file, text, row.at))
                        .label(at_item(&old.origin, existing_text), "imported here")
                        .help(
                            "pass `--replace` to replace imported months by the table's values, \
                             or correct the table",
                        ),
                );
                continue;
            }
        }
        out.months.insert(row.month, new);
    }
    if conflicts.is_empty() {
        Ok(out)
    } else {
        Err(conflicts)
    }
}

/// The start of the record on its line (after the indentation).
fn at_item(origin: &Origin, text: &str) -> Location {
    let line = line_text(text, origin.line);
    let column = line.len() - line.trim_start().len() + 1;
    Location::at_line(&origin.file, text, origin.line, column)
}

/// Writes the file through the staging update; whether its bytes changed.
fn write(root: &Path, rel: &Path, yaml: &str) -> Result<bool, Diagnostics> {
    let io = |e: std::io::Error| -> Diagnostics {
        Diagnostic::error(format!("cannot write {}: {e}", rel.display()))
            .at(Location::file(rel))
            .help("check that the site root and its data/ folder are writable; nothing was changed")
            .into()
    };
    let mut staging = Staging::new(root).map_err(io)?;
    staging.write(rel, yaml).map_err(io)?;
    let changed = staging.commit().map_err(io)?;
    Ok(!changed.is_empty())
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let months = |n: usize| format!("{n} month{}", if n == 1 { "" } else { "s" });
        let figures = self.added.len() + self.replaced.len() + self.unchanged.len();
        writeln!(
            f,
            "read the table at {}:{}: {} row{}, {} with a figure ({} new, {} replaced, {} \
             unchanged)",
            self.source.display(),
            self.table_line,
            self.rows,
            if self.rows == 1 { "" } else { "s" },
            months(figures),
            self.added.len(),
            self.replaced.len(),
            self.unchanged.len(),
        )?;
        if !self.skipped.is_empty() {
            writeln!(
                f,
                "skipped {} row{} without a figure:",
                self.skipped.len(),
                if self.skipped.len() == 1 { "" } else { "s" }
            )?;
            for (line, month, text) in &self.skipped {
                writeln!(
                    f,
                    "  {}:{line}: {month} is `{text}`, not a figure",
                    self.source.display()
                )?;
            }
        }
        let path = self.path.display();
        match (self.written, self.months) {
            (true, n) => writeln!(f, "wrote {path} ({})", months(n)),
            (false, 0) => writeln!(f, "nothing to write: the table gives no figure"),
            (false, n) => writeln!(f, "{path} is unchanged ({})", months(n)),
        }
    }
}
