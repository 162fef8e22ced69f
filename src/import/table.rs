//! The availability table of a handbook page: finding the first table whose
//! header is `Year Month | Availability | Comments` (GitHub-flavoured
//! markdown: any `**bold**`, case or spacing; tables inside fenced code are
//! examples, not data) and reading its rows.
//!
//! People kept these tables by hand, so a row is read leniently where its
//! meaning is clear (`2023 October`, `Oct 2023`, `2023-10`; `99.89`,
//! `99.89%`, `100.00%`; no trailing `|`; `\|` in a comment) and is an error
//! otherwise, at its line and column: a guess would put a wrong figure on
//! the public record.

use std::collections::BTreeMap;
use std::path::Path;

use crate::data::{Month, Percent};
use crate::diag::{Diagnostic, Location};

const HEADER: [&str; 3] = ["year month", "availability", "comments"];

/// The table found, with the rows that could be read.
#[derive(Debug)]
pub(super) struct Table {
    /// 1-based line of the header row.
    pub header_line: usize,
    /// Body rows, including those with errors.
    pub row_count: usize,
    /// Rows read without error, in table order.
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Row {
    pub line: usize,
    /// Byte offset of the month cell in the file (for messages).
    pub at: usize,
    pub month: Month,
    pub figure: Figure,
    /// The comment cell as written (with `\|` unescaped); `None` if empty.
    pub comments: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Figure {
    Percent(Percent),
    /// A row that gives no figure yet (`TBD`): skipped, and listed.
    NotYet(String),
}

/// Reads the table of `text` (the contents of `file`): the table when there
/// is one, and every problem found.
pub(super) fn read(file: &Path, text: &str) -> (Option<Table>, Vec<Diagnostic>) {
    let lines = lines(text);
    let Some(found) = find(&lines) else {
        return (None, vec![not_found(file, text, &lines)]);
    };
    let mut diags = Vec::new();
    let body = &lines[found + 2..];
    let body = &body[..body
        .iter()
        .position(|l| ends_table(l.text))
        .unwrap_or(body.len())];
    if body.is_empty() {
        diags.push(
            Diagnostic::error("the availability table has no rows")
                .at(Location::at_line(file, text, lines[found].number, 1))
                .help("add one row per month under the `| --- |` line, newest first"),
        );
    }
    let mut rows = Vec::with_capacity(body.len());
    // The first row of each month, for duplicates.
    let mut seen: BTreeMap<Month, usize> = BTreeMap::new();
    for line in body {
        let loc = |offset: usize| Location::at_offset(file, text, line.start + offset);
        let (row, errors) = read_row(line);
        diags.extend(
            errors
                .into_iter()
                .map(|e| Diagnostic::error(e.message).at(loc(e.at)).help(e.help)),
        );
        let Some(row) = row else { continue };
        if let Some(&first) = seen.get(&row.month) {
            diags.push(
                Diagnostic::error(format!("{} is in the table twice", row.month))
                    .at(Location::at_offset(file, text, row.at))
                    .label(Location::at_offset(file, text, first), "first listed here")
                    .help("each month has one row: delete or correct one of the two"),
            );
            continue;
        }
        seen.insert(row.month, row.at);
        rows.push(row);
    }
    let table = Table {
        header_line: lines[found].number,
        row_count: body.len(),
        rows,
    };
    (Some(table), diags)
}

/// A line of the file: its 1-based number, its byte offset, its text
/// without the line ending.
struct Line<'t> {
    number: usize,
    start: usize,
    text: &'t str,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut start = 0;
    text.split_inclusive('\n')
        .enumerate()
        .map(|(i, raw)| {
            let line = Line {
                number: i + 1,
                start,
                text: raw.trim_end_matches('\n').trim_end_matches('\r'),
            };
            start += raw.len();
            line
        })
        .collect()
}

/// The index of the header line of the first availability table outside
/// fenced code.
fn find(lines: &[Line]) -> Option<usize> {
    let mut fence: Option<(char, usize)> = None;
    for (i, line) in lines.iter().enumerate() {
        if let Some(open) = fence {
            if closes(open, line.text) {
                fence = None;
            }
            continue;
        }
        if let Some(open) = opens_fence(line.text) {
            fence = Some(open);
            continue;
        }
        if is_header(line.text) && lines.get(i + 1).is_some_and(|l| is_delimiter(l.text)) {
            return Some(i);
        }
    }
    None
}

/// The error when there is no table, pointing at a header that almost
/// made one when there is such a line.
fn not_found(file: &Path, text: &str, lines: &[Line]) -> Diagnostic {
    let help = "opsbook reads the first table whose header row is `| Year Month | Availability \
                | Comments |`, followed by a `| --- | --- | --- |` line";
    let header = lines.iter().position(|l| is_header(l.text));
    match header {
        Some(i) if in_fence(lines, i) => {
            Diagnostic::error("the only availability table is inside a code block")
                .at(Location::at_line(file, text, lines[i].number, 1))
                .help(format!(
                    "tables inside ``` code blocks are examples, not data: take the table out of \
                     the block; {help}"
                ))
        }
        Some(i) => Diagnostic::error("this header is not followed by a `| --- |` line")
            .at(Location::at_line(file, text, lines[i].number, 1))
            .help(format!(
                "without it, markdown does not make a table: {help}"
            )),
        None => Diagnostic::error(format!("no availability table in {}", file.display()))
            .at(Location::file(file))
            .help(help),
    }
}

fn in_fence(lines: &[Line], index: usize) -> bool {
    let mut fence: Option<(char, usize)> = None;
    for line in &lines[..index] {
        match fence {
            Some(open) if closes(open, line.text) => fence = None,
            Some(_) => {}
            None => fence = opens_fence(line.text),
        }
    }
    fence.is_some()
}

/// ```` ``` ```` or `~~~` (three or more) opening a fenced code block.
fn opens_fence(line: &str) -> Option<(char, usize)> {
    let t = line.trim_start();
    let c = t.chars().next().filter(|c| matches!(c, '`' | '~'))?;
    let n = t.chars().take_while(|&x| x == c).count();
    (n >= 3).then_some((c, n))
}

fn closes((c, n): (char, usize), line: &str) -> bool {
    let t = line.trim();
    t.len() >= n && t.chars().all(|x| x == c)
}

/// A line after which the table's body ends: a blank line or the start of
/// another block (heading, quote, code fence), as in GitHub's markdown.
fn ends_table(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#') || t.starts_with('>') || opens_fence(line).is_some()
}

fn is_header(line: &str) -> bool {
    let cells = cells(line);
    cells.len() == HEADER.len()
        && cells.iter().zip(HEADER).all(|(c, h)| {
            let plain = unemphasised(&c.text).to_lowercase();
            plain.split_whitespace().collect::<Vec<_>>().join(" ") == h
        })
}

/// `| --- | :---: | ---: |` with one cell per header cell.
fn is_delimiter(line: &str) -> bool {
    let cells = cells(line);
    cells.len() == HEADER.len()
        && cells.iter().all(|c| {
            let t = c.text.trim();
            let t = t.strip_prefix(':').unwrap_or(t);
            let t = t.strip_suffix(':').unwrap_or(t);
            !t.is_empty() && t.bytes().all(|b| b == b'-')
        })
}

/// A cell's text (trimmed, `\|` unescaped) and the byte offset in its line
/// where it starts.
#[derive(Debug, PartialEq)]
struct Cell {
    text: String,
    at: usize,
}

/// The cells of a table row: split at each `|` that is not escaped; the
/// leading and trailing `|` are optional.
fn cells(line: &str) -> Vec<Cell> {
    let line = line.trim_end();
    let bytes = line.as_bytes();
    let mut i = line.len() - line.trim_start().len();
    if bytes.get(i) == Some(&b'|') {
        i += 1;
    }
    let mut out = Vec::new();
    let mut start = i;
    let mut text = String::new();
    let mut closed = false;
    while i < bytes.len() {
        closed = false;
        match bytes[i] {
            b'\\' if bytes.get(i + 1) == Some(&b'|') => {
                text.push('|');
                i += 2;
            }
            // Other escapes stay as written (they are markdown), but an
            // escaped backslash does not escape the `|` after it.
            b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) => {
                text.push_str(&line[i..i + 2]);
                i += 2;
            }
            b'|' => {
                out.push(cell(line, start, i, &text));
                text.clear();
                i += 1;
                start = i;
                closed = true;
            }
            _ => {
                let c = line[i..].chars().next().expect("inside the line");
                text.push(c);
                i += c.len_utf8();
            }
        }
    }
    if !closed && start < bytes.len() {
        out.push(cell(line, start, bytes.len(), &text));
    }
    out
}

fn cell(line: &str, start: usize, end: usize, text: &str) -> Cell {
    let segment = &line[start..end];
    Cell {
        text: text.trim().to_string(),
        at: start + (segment.len() - segment.trim_start().len()),
    }
}

/// Without `*` and `_` (bold and italics around a value).
fn unemphasised(s: &str) -> String {
    s.replace(['*', '_'], "").trim().to_string()
}

/// A problem of one row: where in the line, what, what to do.
struct RowError {
    at: usize,
    message: String,
    help: String,
}

fn read_row(line: &Line) -> (Option<Row>, Vec<RowError>) {
    let mut cells = cells(line.text);
    let mut errors = Vec::new();
    if let Some(extra) = cells.get(HEADER.len()) {
        errors.push(RowError {
            at: extra.at,
            message: format!(
                "this row has {} cells; the table has {}",
                cells.len(),
                HEADER.len()
            ),
            help: "a `|` inside a comment is written `\\|`; otherwise remove the extra cell"
                .to_string(),
        });
    }
    // Missing cells are empty, as markdown shows them.
    let end = line.text.trim_end().len();
    while cells.len() < HEADER.len() {
        cells.push(Cell {
            text: String::new(),
            at: end,
        });
    }
    let month_cell = &cells[0];
    let month = parse_month(&month_cell.text);
    if month.is_none() {
        let written = month_cell.text.as_str();
        errors.push(RowError {
            at: month_cell.at,
            message: if written.is_empty() {
                "this row has no month".to_string()
            } else {
                format!("cannot read the month `{written}`")
            },
            help: "write the month as `2023 October`, `Oct 2023` or `2023-10`".to_string(),
        });
    }
    let figure = parse_figure(&cells[1].text).map_err(|(message, help)| RowError {
        at: cells[1].at,
        message,
        help,
    });
    let figure = match figure {
        Ok(f) => Some(f),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let comments = Some(cells[2].text.clone()).filter(|c| !c.is_empty());
    let row = match (month, figure) {
        (Some(month), Some(figure)) if errors.is_empty() => Some(Row {
            line: line.number,
            at: line.start + month_cell.at,
            month,
            figure,
            comments,
        }),
        _ => None,
    };
    (row, errors)
}

/// `2023 October`, `2023 Oct`, `October 2023`, `Oct. 2023`, `2023-10`
/// (any case, bold or not).
fn parse_month(cell: &str) -> Option<Month> {
    let s = unemphasised(cell);
    if let Some(m) = Month::parse(&s) {
        return Some(m);
    }
    let words: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let [a, b] = words[..] else {
        return None;
    };
    let is_year = |w: &str| w.len() == 4 && w.bytes().all(|b| b.is_ascii_digit());
    let (year, name) = match (is_year(a), is_year(b)) {
        (true, false) => (a, b),
        (false, true) => (b, a),
        _ => return None,
    };
    Month::new(year.parse().ok()?, month_number(name)?)
}

/// `October`, `oct`, `Oct.`, `Sept`: a month's name or its first three or
/// more letters (three letters already tell every month apart).
fn month_number(name: &str) -> Option<u32> {
    let n = name.strip_suffix('.').unwrap_or(name).to_lowercase();
    if n.len() < 3 {
        return None;
    }
    (1..=12).find(|&k| {
        Month::new(2000, k)
            .expect("1..=12 is a month")
            .name()
            .to_lowercase()
            .starts_with(&n)
    })
}

/// `99.89`, `99.89%`, `100 %`, `**100.00%**`, or `TBD`.
fn parse_figure(cell: &str) -> Result<Figure, (String, String)> {
    let help = "write the platform figure as a percentage (`99.89`, `99.89%` or `100%`), or \
                `TBD` while it is not known";
    let s = unemphasised(cell);
    if s.eq_ignore_ascii_case("tbd") {
        return Ok(Figure::NotYet(s));
    }
    if s.is_empty() {
        return Err(("this row has no availability".to_string(), help.to_string()));
    }
    let number = s.strip_suffix('%').map_or(s.as_str(), str::trim_end);
    if let Some(p) = Percent::parse(number) {
        return Ok(Figure::Percent(p));
    }
    let message = if number.contains(',') {
        format!("`{s}` has a decimal comma")
    } else if number.parse::<f64>().is_ok_and(|x| x > 100.0) {
        format!("`{s}` is above 100%")
    } else {
        format!("cannot read the availability `{s}`")
    };
    let help = if number.contains(',') {
        format!("write the decimal point: `{}`", number.replace(',', "."))
    } else {
        help.to_string()
    };
    Err((message, help))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(line: &str) -> Vec<String> {
        cells(line).into_iter().map(|c| c.text).collect()
    }

    fn p(s: &str) -> Figure {
        Figure::Percent(Percent::parse(s).unwrap())
    }

    #[test]
    fn splits_cells_like_github() {
        assert_eq!(texts("| a | b | c |"), ["a", "b", "c"]);
        assert_eq!(texts("a | b | c"), ["a", "b", "c"]);
        assert_eq!(texts("| a | b | c"), ["a", "b", "c"]);
        assert_eq!(texts("  | a |  | c |  "), ["a", "", "c"]);
        assert_eq!(texts(r"| a | b \| c | d |"), ["a", "b | c", "d"]);
        assert_eq!(texts(r"| a | b\\| c |"), ["a", r"b\\", "c"]);
        assert_eq!(texts(r"| a | \* b |"), ["a", r"\* b"]);
        assert_eq!(texts("| é | ü |"), ["é", "ü"]);
        assert_eq!(cells("| a |  bc |")[1].at, 7);
        assert!(texts("|").is_empty());
    }

    #[test]
    fn finds_headers_and_delimiters() {
        assert!(is_header(
            "| **Year Month** | **Availability** | **Comments** |"
        ));
        assert!(is_header("|year  month|AVAILABILITY|  __Comments__"));
        assert!(!is_header("| Year Month | Availability |"));
        assert!(!is_header("| Year | Month | Availability | Comments |"));
        assert!(is_delimiter("| ---- | ----------- | ---- |"));
        assert!(is_delimiter("|:--|--:|:-:"));
        assert!(!is_delimiter("| --- | --- |"));
        assert!(!is_delimiter("| --- | x | --- |"));
    }

    #[test]
    fn reads_months_as_people_write_them() {
        let m = |s: &str| parse_month(s).map(|m| m.to_string());
        for s in [
            "2023 October",
            "2023 Oct",
            "October 2023",
            "Oct 2023",
            "oct. 2023",
            "**2023 October**",
            "2023-10",
            "OCTOBER, 2023",
        ] {
            assert_eq!(m(s).as_deref(), Some("2023-10"), "{s}");
        }
        assert_eq!(m("Sept 2023").as_deref(), Some("2023-09"));
        for bad in [
            "October",
            "2023",
            "Oc 2023",
            "2023 Octobre",
            "23 Oct",
            "2023-13",
            "Q3 2023",
        ] {
            assert_eq!(m(bad), None, "{bad}");
        }
    }

    #[test]
    fn reads_figures_as_people_write_them() {
        assert_eq!(parse_figure("99.89"), Ok(p("99.89")));
        assert_eq!(parse_figure("99.78%"), Ok(p("99.78")));
        assert_eq!(parse_figure("100%"), Ok(p("100")));
        assert_eq!(parse_figure("100.00%"), Ok(p("100")));
        assert_eq!(parse_figure("**99.9 %**"), Ok(p("99.9")));
        assert_eq!(parse_figure("TBD"), Ok(Figure::NotYet("TBD".into())));
        assert_eq!(parse_figure("*tbd*"), Ok(Figure::NotYet("tbd".into())));
        let message = |s: &str| parse_figure(s).unwrap_err().0;
        assert_eq!(message(""), "this row has no availability");
        assert_eq!(message("99,89%"), "`99,89%` has a decimal comma");
        assert_eq!(message("100.5%"), "`100.5%` is above 100%");
        assert_eq!(message("n/a"), "cannot read the availability `n/a`");
        assert_eq!(message("-1"), "cannot read the availability `-1`");
    }

    #[test]
    fn skips_tables_in_code_and_stops_at_the_first_blank_line() {
        let text = "```\n| Year Month | Availability | Comments |\n|-|-|-|\n| 2020-01 | 1 | \
                    |\n```\n\n| Year Month | Availability | Comments |\n|-|-|-|\n| 2023-10 | 99.89 \
                    | x |\n| Oct 2023 | 99.8 |\n2023-09 | bad\n\n| 2023-08 | 99 | after |\n";
        let (table, diags) = read(Path::new("t.md"), text);
        let table = table.unwrap();
        assert_eq!(table.header_line, 7);
        assert_eq!(table.row_count, 3);
        assert_eq!(table.rows.len(), 1);
        let found: Vec<String> = diags
            .iter()
            .map(|d| {
                let l = d.location.as_ref().unwrap();
                format!("{}:{} {}", l.line, l.column, d.message)
            })
            .collect();
        assert_eq!(
            found,
            [
                "10:3 2023-10 is in the table twice",
                "11:11 cannot read the availability `bad`"
            ]
        );
    }

    #[test]
    fn reads_windows_line_endings() {
        let text = "\u{feff}x\r\n| Year Month | Availability | Comments\r\n|--|--|--\r\n| 2023-10 | \
                    99.89% | a <br> b\r\n| 2023-1 | 99 |\r\n";
        let (table, diags) = read(Path::new("t.md"), text);
        let rows = table.unwrap().rows;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].line, 4);
        assert_eq!(rows[0].comments.as_deref(), Some("a <br> b"));
        let l = diags[0].location.as_ref().unwrap();
        assert_eq!((l.line, l.column), (5, 3));
        assert_eq!(l.source_line, "| 2023-1 | 99 |");
    }

    #[test]
    fn says_why_there_is_no_table() {
        let message = |text: &str| read(Path::new("t.md"), text).1[0].message.clone();
        assert_eq!(message("# Title\n"), "no availability table in t.md");
        assert_eq!(
            message("```\n| Year Month | Availability | Comments |\n| - | - | - |\n```\n"),
            "the only availability table is inside a code block"
        );
        assert_eq!(
            message("| Year Month | Availability | Comments |\n| 2023-10 | 99 | |\n"),
            "this header is not followed by a `| --- |` line"
        );
        assert_eq!(
            message("| Year Month | Availability | Comments |\n| - | - | - |\n\ntext\n"),
            "the availability table has no rows"
        );
    }
}
