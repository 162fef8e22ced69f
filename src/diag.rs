//! Diagnostics: every error and warning opsbook reports to a user.
//!
//! Each stage collects `Diagnostic`s instead of stopping at the first problem,
//! so one run reports everything that is wrong. A diagnostic names the file,
//! line and column (1-based), quotes the offending source line and says what
//! to do, in the style of rustc and Hugo:
//!
//! ```text
//! error: unknown shortcode `detials`
//!   --> content/handbook/ops.md:12:1
//!    |
//! 12 | {{% detials summary="Log" %}}
//!    | ^
//!    = help: known shortcodes: alert, details, youtube
//! ```

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Warning,
    Error,
}

/// A position in a source file, 1-based, with the text of that line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
    /// The whole source line, without its line ending (empty if unknown).
    pub source_line: String,
}

impl Location {
    /// The location of byte `offset` in `text` (the full contents of `file`).
    pub fn at_offset(file: &Path, text: &str, offset: usize) -> Location {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = text[line_start..offset].chars().count() + 1;
        Location {
            file: file.to_path_buf(),
            line,
            column,
            source_line: line_text(text, line),
        }
    }

    /// The location of a 1-based line and column in `text`.
    pub fn at_line(file: &Path, text: &str, line: usize, column: usize) -> Location {
        Location {
            file: file.to_path_buf(),
            line,
            column: column.max(1),
            source_line: line_text(text, line),
        }
    }

    /// A location that names only a file (the whole file is at fault).
    pub fn file(file: &Path) -> Location {
        Location {
            file: file.to_path_buf(),
            line: 0,
            column: 0,
            source_line: String::new(),
        }
    }
}

/// The text of 1-based line `line` of `text`, without its line ending.
pub fn line_text(text: &str, line: usize) -> String {
    text.split('\n')
        .nth(line.saturating_sub(1))
        .unwrap_or("")
        .trim_end_matches('\r')
        .to_string()
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub level: Level,
    pub message: String,
    /// Where the problem is; `None` for problems without a source file
    /// (an unwritable output directory, say).
    pub location: Option<Location>,
    /// Other places that explain the problem ("first defined here"),
    /// each quoted under the main location.
    pub labels: Vec<(Location, String)>,
    /// What the user should do about it.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Error,
            message: message.into(),
            location: None,
            labels: Vec::new(),
            help: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Warning,
            ..Diagnostic::error(message)
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// Adds a secondary location, e.g. the other origin of a collision.
    pub fn label(mut self, location: Location, note: impl Into<String>) -> Self {
        self.labels.push((location, note.into()));
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.level == Level::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        writeln!(f, "{level}: {}", self.message)?;
        let mut gutter = 1;
        if let Some(loc) = &self.location {
            gutter = write_snippet(f, loc, None)?;
        }
        for (loc, note) in &self.labels {
            gutter = gutter.max(write_snippet(f, loc, Some(note))?);
        }
        if let Some(help) = &self.help {
            writeln!(f, "{} = help: {help}", " ".repeat(gutter))?;
        }
        Ok(())
    }
}

/// Writes `--> file:line:col`, the quoted line and a caret (with `note`
/// after it for secondary labels). Returns the gutter width used.
fn write_snippet(
    f: &mut fmt::Formatter<'_>,
    loc: &Location,
    note: Option<&str>,
) -> Result<usize, fmt::Error> {
    if loc.line == 0 {
        match note {
            Some(note) => writeln!(f, "--> {}: {note}", loc.file.display())?,
            None => writeln!(f, "--> {}", loc.file.display())?,
        }
        return Ok(1);
    }
    let num = loc.line.to_string();
    let gutter = num.len();
    let pad = " ".repeat(gutter);
    writeln!(
        f,
        "{pad}--> {}:{}:{}",
        loc.file.display(),
        loc.line,
        loc.column
    )?;
    writeln!(f, "{pad} |")?;
    writeln!(f, "{num} | {}", loc.source_line)?;
    // The caret sits under the column; tabs keep their width.
    let lead: String = loc
        .source_line
        .chars()
        .take(loc.column.saturating_sub(1))
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    match note {
        Some(note) => writeln!(f, "{pad} | {lead}- {note}")?,
        None => writeln!(f, "{pad} | {lead}^")?,
    }
    Ok(gutter)
}

/// All diagnostics of a run, in a stable order (by file, line, column), so
/// that parallel stages report identically from run to run.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            a.location
                .cmp(&b.location)
                .then_with(|| a.message.cmp(&b.message))
        });
        self.0.dedup();
    }

    /// Turns every warning into an error (`--strict`).
    pub fn make_warnings_errors(&mut self) {
        for d in &mut self.0 {
            d.level = Level::Error;
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_maps_to_line_and_column() {
        let text = "a\nbc\r\ndé{{x";
        let loc = Location::at_offset(Path::new("f.md"), text, text.find("{{").unwrap());
        assert_eq!((loc.line, loc.column), (3, 3));
        assert_eq!(loc.source_line, "dé{{x");
        let loc = Location::at_offset(Path::new("f.md"), text, 3);
        assert_eq!(
            (loc.line, loc.column, loc.source_line.as_str()),
            (2, 2, "bc")
        );
    }

    #[test]
    fn display_quotes_source_line_with_caret() {
        let text = "one\n  {{< nope >}}\n";
        let d = Diagnostic::error("unknown shortcode `nope`")
            .at(Location::at_offset(Path::new("c/p.md"), text, 6))
            .help("known shortcodes: alert, details");
        let s = d.to_string();
        assert!(s.contains("--> c/p.md:2:3"), "{s}");
        assert!(s.contains("2 |   {{< nope >}}"), "{s}");
        assert!(s.contains("  |   ^"), "{s}");
        assert!(s.contains("= help: known shortcodes"), "{s}");
    }

    #[test]
    fn display_quotes_secondary_labels() {
        let a = "aliases: [\"/x/\"]\n";
        let d = Diagnostic::error("two pages claim /x/")
            .at(Location::at_offset(Path::new("content/b.md"), a, 10))
            .label(
                Location::at_offset(Path::new("content/a.md"), a, 10),
                "first claimed here",
            );
        let s = d.to_string();
        assert!(s.contains("--> content/b.md:1:11"), "{s}");
        assert!(s.contains("--> content/a.md:1:11"), "{s}");
        assert!(s.contains("- first claimed here"), "{s}");
    }
}
