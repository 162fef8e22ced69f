//! Front matter: the YAML (`---`) or TOML (`+++`) block at the top of a page.
//!
//! Known keys are typed; every other key is kept in `extra` for templates,
//! because real handbooks carry dozens of keys of their own and they must
//! not break the build. A key one typo away from a known one is a warning.
//!
//! Like Hugo (go-yaml), a quoted YAML value continued on lines starting at
//! column 0 is accepted, with a warning: strict YAML wants them indented.
//!
//! Keys keep their byte offsets in the page (`key_offset`, `Spanned`), so
//! later stages point at the right line without searching the text. Every
//! problem of one front matter is reported at once.

use std::collections::BTreeMap;
use std::path::Path;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics, Location};

/// A value and the byte offset in the page's source where it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spanned<T> {
    pub value: T,
    pub offset: usize,
}

#[derive(Debug, Clone, Default)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub description: Option<String>,
    /// Lower comes first among siblings; unweighted pages come last.
    pub weight: Option<i64>,
    pub draft: bool,
    pub aliases: Vec<Spanned<String>>,
    pub toc_hide: bool,
    /// `build: {render: never}` (or `_build`, Hugo's older name): the page
    /// is neither written nor listed (it may still be included).
    pub render_never: bool,
    /// `build: {list: never}`: written, but left out of lists and menus.
    pub list_never: bool,
    /// Set on post-mortem narratives: the incident they belong to.
    pub incident: Option<String>,
    pub extra: BTreeMap<String, Value>,
    /// Every top-level key (known ones by their canonical name) and its
    /// byte offset in the page.
    keys: Vec<(String, usize)>,
}

impl FrontMatter {
    /// The byte offset in the page's source of top-level key `key`.
    pub fn key_offset(&self, key: &str) -> Option<usize> {
        self.keys.iter().find(|(k, _)| k == key).map(|&(_, o)| o)
    }
}

/// The keys opsbook reads, each with what a valid value looks like.
const KNOWN: &[(&str, &str)] = &[
    ("title", "text, e.g. `title: \"On-call rota\"`"),
    (
        "description",
        "text: one sentence shown in lists and search results",
    ),
    (
        "weight",
        "a whole number: pages are listed by weight, lowest first, then by title (e.g. `weight: 10`)",
    ),
    (
        "draft",
        "true or false: a draft is only built with --drafts",
    ),
    (
        "aliases",
        "a list of old site paths that redirect here, e.g. `aliases: [\"/old/name/\"]`",
    ),
    ("toc_hide", "true or false: hides the table of contents"),
    (
        "build",
        "Hugo's build options, e.g. `build: {render: never, list: never}` (render: always | never; list: always | never | local)",
    ),
    (
        "incident",
        "the id of an incident in data/incidents/, e.g. `incident: \"2024-03-db\"`",
    ),
];

/// Keys Hugo themes commonly use: kept in `extra` without a typo warning.
const COMMON: &[&str] = &[
    "date",
    "lastmod",
    "publishdate",
    "expirydate",
    "tags",
    "categories",
    "keywords",
    "slug",
    "url",
    "layout",
    "type",
    "summary",
    "linktitle",
    "author",
    "authors",
    "menu",
    "params",
    "images",
];

/// A page's text split into front matter and body.
pub struct Split<'a> {
    pub front: FrontMatter,
    /// Byte offset of the body in the page's text.
    pub body_start: usize,
    pub body: &'a str,
}

/// Splits `text` (line endings already normalised to `\n`) and parses its
/// front matter. A page without front matter is all body. `Ok` carries the
/// warnings; `Err` every error found.
pub fn split<'a>(file: &Path, text: &'a str) -> Result<(Split<'a>, Diagnostics), Diagnostics> {
    let (fence, is_toml) = if text.starts_with("---\n") || text == "---" {
        ("---", false)
    } else if text.starts_with("+++\n") || text == "+++" {
        ("+++", true)
    } else {
        let split = Split {
            front: FrontMatter::default(),
            body_start: 0,
            body: text,
        };
        return Ok((split, Diagnostics::new()));
    };
    let start = (fence.len() + 1).min(text.len());
    // The closing fence is a line of its own.
    let mut pos = start;
    let end = loop {
        let rest = &text[pos..];
        let line_end = rest.find('\n').map_or(text.len(), |i| pos + i);
        if text[pos..line_end].trim_end() == fence {
            break Some((pos, (line_end + 1).min(text.len())));
        }
        if line_end >= text.len() {
            break None;
        }
        pos = line_end + 1;
    };
    let Some((fm_end, body_start)) = end else {
        return Err(Diagnostic::error(format!(
            "front matter opened with `{fence}` on line 1 is never closed"
        ))
        .at(Location::at_offset(file, text, 0))
        .help(format!(
            "end the front matter with a line holding only `{fence}`, before the page's text"
        ))
        .into());
    };
    let raw = &text[start.min(fm_end)..fm_end];
    let (entries, lenient) = if is_toml {
        (toml_entries(file, text, raw, start)?, Diagnostics::new())
    } else {
        yaml_entries(file, text, raw, start)?
    };
    let (front, mut diags) = interpret(file, text, entries);
    diags.extend(lenient.0);
    if diags.has_errors() {
        return Err(diags);
    }
    let split = Split {
        front,
        body_start,
        body: &text[body_start..],
    };
    Ok((split, diags))
}

/// One top-level key as parsed, before its value is checked. Offsets are in
/// the page's text.
struct Entry {
    key: String,
    key_offset: usize,
    value: Value,
    value_offset: usize,
    /// For a list: the offset of each element.
    items: Vec<usize>,
}

// ------------------------------------------------------------------ YAML

/// A YAML mapping with the position of each key, value and list element.
struct YamlEntries(
    Vec<(
        serde_saphyr::Spanned<String>,
        serde_saphyr::Spanned<YamlValue>,
    )>,
);

/// A value, with the positions of its elements when it is a list.
struct YamlValue {
    value: Value,
    items: Vec<serde_saphyr::Location>,
}

impl<'de> Deserialize<'de> for YamlEntries {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = YamlEntries;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("`key: value` lines")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<YamlEntries, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key()? {
                    out.push((key, map.next_value()?));
                }
                Ok(YamlEntries(out))
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for YamlValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = YamlValue;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a YAML value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<YamlValue, A::Error> {
                let mut values = Vec::new();
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<serde_saphyr::Spanned<Value>>()? {
                    values.push(item.value);
                    items.push(item.referenced);
                }
                Ok(YamlValue {
                    value: Value::Array(values),
                    items,
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<YamlValue, A::Error> {
                let value = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(plain(value))
            }
            fn visit_bool<E>(self, v: bool) -> Result<YamlValue, E> {
                Ok(plain(Value::Bool(v)))
            }
            fn visit_i64<E>(self, v: i64) -> Result<YamlValue, E> {
                Ok(plain(v.into()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<YamlValue, E> {
                Ok(plain(v.into()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<YamlValue, E> {
                Ok(plain(
                    serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number),
                ))
            }
            fn visit_str<E>(self, v: &str) -> Result<YamlValue, E> {
                Ok(plain(Value::String(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<YamlValue, E> {
                Ok(plain(Value::String(v)))
            }
            fn visit_unit<E>(self) -> Result<YamlValue, E> {
                Ok(plain(Value::Null))
            }
            fn visit_none<E>(self) -> Result<YamlValue, E> {
                Ok(plain(Value::Null))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<YamlValue, D::Error> {
                YamlValue::deserialize(d)
            }
        }
        fn plain(value: Value) -> YamlValue {
            YamlValue {
                value,
                items: Vec::new(),
            }
        }
        d.deserialize_any(V)
    }
}

/// The entries of YAML front matter, and a warning for each quoted value
/// continued at column 0 (accepted as Hugo does, see `indent_continuations`).
fn yaml_entries(
    file: &Path,
    text: &str,
    raw: &str,
    start: usize,
) -> Result<(Vec<Entry>, Diagnostics), Diagnostics> {
    if raw.trim().is_empty() {
        return Ok((Vec::new(), Diagnostics::new()));
    }
    let mut parsed = serde_saphyr::from_str::<YamlEntries>(raw);
    // Only a failing block is retried, so valid YAML costs nothing more.
    let mut inserted = Vec::new();
    let mut warnings = Diagnostics::new();
    if parsed.is_err()
        && let Some((fixed, at)) = indent_continuations(raw)
        && let Ok(ok) = serde_saphyr::from_str::<YamlEntries>(&fixed)
    {
        parsed = Ok(ok);
        for &line_start in &at {
            warnings.push(
                Diagnostic::warning("quoted value continued at the start of a line")
                    .at(Location::at_offset(file, text, start + line_start))
                    .help("indent the continuation lines (strict YAML requires it); read as Hugo reads it, the line break becoming a space"),
            );
        }
        inserted = at;
    }
    let parsed = parsed.map_err(|e| -> Diagnostics {
        // The YAML starts on line 2 of the file, after the `---` line.
        let (line, col) = e
            .location()
            .map_or((1, 1), |l| (l.line() as usize, l.column() as usize));
        Diagnostic::error(format!(
            "invalid YAML front matter: {}",
            yaml_message(&e.to_string())
        ))
        .at(Location::at_line(file, text, line + 1, col))
        .help("front matter is YAML `key: value` lines between two `---` lines; quote values that contain `: ` or start with special characters")
    .into()
    })?;
    // Offsets in the indented text, back to `raw`: one space was added at
    // each of `inserted` (the k-th lands at `inserted[k] + k`).
    let unshift = |o: usize| {
        o - inserted
            .iter()
            .enumerate()
            .filter(|(k, p)| *p + k < o)
            .count()
    };
    let offset = |l: &serde_saphyr::Location| {
        start
            + unshift(l.span().byte_offset().map_or_else(
                || line_col_offset(raw, l.line(), l.column()),
                |o| o as usize,
            ))
    };
    let entries = parsed
        .0
        .into_iter()
        .map(|(k, v)| Entry {
            key_offset: offset(&k.referenced),
            key: k.value,
            value_offset: offset(&v.referenced),
            items: v.value.items.iter().map(offset).collect(),
            value: v.value.value,
        })
        .collect();
    Ok((entries, warnings))
}

/// `raw` with a space before each line that continues a quoted scalar but
/// starts at column 0, and where those lines start in `raw`; `None` when
/// there is none. go-yaml accepts such lines, strict YAML does not.
fn indent_continuations(raw: &str) -> Option<(String, Vec<usize>)> {
    let mut quote: Option<u8> = None;
    let mut at = Vec::new();
    let mut line_start = 0;
    for line in raw.split_inclusive('\n') {
        let b = line.as_bytes();
        let mut i = 0;
        if quote.is_some() && b.first().is_some_and(|c| !c.is_ascii_whitespace()) {
            at.push(line_start);
        }
        if quote.is_none() {
            // A value opens after `key: ` or `- `; only then can a quote open.
            let t = line.trim_start();
            let lead = line.len() - t.len();
            let value = t
                .find(": ")
                .map(|k| k + 2)
                .or_else(|| t.starts_with("- ").then_some(2));
            match value {
                Some(v) => i = lead + v + (t[v..].len() - t[v..].trim_start().len()),
                None => i = b.len(),
            }
            if i < b.len() && (b[i] == b'"' || b[i] == b'\'') {
                quote = Some(b[i]);
                i += 1;
            } else {
                i = b.len();
            }
        }
        while let Some(q) = quote
            && i < b.len()
        {
            match b[i] {
                b'\\' if q == b'"' => i += 1,
                c if c == q && q == b'\'' && b.get(i + 1) == Some(&b'\'') => i += 1,
                c if c == q => quote = None,
                _ => {}
            }
            i += 1;
        }
        line_start += line.len();
    }
    if at.is_empty() {
        return None;
    }
    let mut fixed = String::with_capacity(raw.len() + at.len());
    let mut prev = 0;
    for &p in &at {
        fixed.push_str(&raw[prev..p]);
        fixed.push(' ');
        prev = p;
    }
    fixed.push_str(&raw[prev..]);
    Some((fixed, at))
}

/// The byte offset of a 1-based line and character column in `text`.
fn line_col_offset(text: &str, line: u64, column: u64) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1) as usize)
        .map(str::len)
        .sum();
    let rest = &text[line_start.min(text.len())..];
    line_start
        + rest
            .char_indices()
            .nth(column.saturating_sub(1) as usize)
            .map_or(rest.len(), |(i, _)| i)
}

/// serde-saphyr's message without its own `error: line N column M:` prefix:
/// that position is inside the YAML block, and the diagnostic already gives
/// the position in the file.
fn yaml_message(s: &str) -> &str {
    let first = s.lines().next().unwrap_or(s);
    let first = first.strip_prefix("error:").unwrap_or(first).trim_start();
    if let Some(rest) = first.strip_prefix("line ")
        && let Some(i) = rest.find(": ")
        && rest[..i].contains("column")
    {
        return &rest[i + 2..];
    }
    first
}

// ------------------------------------------------------------------ TOML

fn toml_entries(
    file: &Path,
    text: &str,
    raw: &str,
    start: usize,
) -> Result<Vec<Entry>, Diagnostics> {
    let syntax = |e: toml::de::Error| {
        let offset = start + e.span().map_or(0, |s| s.start);
        Diagnostic::error(format!(
            "invalid TOML front matter: {}",
            e.message().trim_end()
        ))
        .at(Location::at_offset(file, text, offset))
        .help("front matter is TOML `key = value` lines between two `+++` lines")
    };
    // Spans come from the document tree, values from serde (the two parse
    // the same text; front matter is small).
    let tree = toml::de::DeTable::parse(raw).map_err(syntax)?;
    let mut values: BTreeMap<String, Value> = toml::from_str(raw).map_err(syntax)?;
    let mut out = Vec::new();
    for (key, value) in tree.get_ref().iter() {
        let name = key.get_ref().to_string();
        let items = value
            .get_ref()
            .as_array()
            .map(|a| a.iter().map(|item| start + item.span().start).collect())
            .unwrap_or_default();
        let mut json = values.remove(&name).unwrap_or(Value::Null);
        normalise_toml_dates(&mut json);
        out.push(Entry {
            key: name,
            key_offset: start + key.span().start,
            value: json,
            value_offset: start + value.span().start,
            items,
        });
    }
    out.sort_by_key(|e| e.key_offset);
    Ok(out)
}

/// TOML dates arrive as `{"$__toml_private_datetime": "..."}`; templates want
/// the plain string.
fn normalise_toml_dates(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.len() == 1
                && let Some(Value::String(s)) = map.get("$__toml_private_datetime")
            {
                *v = Value::String(s.clone());
                return;
            }
            map.values_mut().for_each(normalise_toml_dates);
        }
        Value::Array(items) => items.iter_mut().for_each(normalise_toml_dates),
        _ => {}
    }
}

// ------------------------------------------------------------ checking

/// Checks the known keys' values and looks for typos in the others.
fn interpret(file: &Path, text: &str, entries: Vec<Entry>) -> (FrontMatter, Diagnostics) {
    let mut front = FrontMatter::default();
    let mut diags = Diagnostics::new();
    let at = |offset: usize| Location::at_offset(file, text, offset);
    for e in entries {
        // Hugo reads front matter keys in any case (`Title:` is the title);
        // `_build` is the older name of `build`.
        let lower = e.key.to_lowercase();
        let lower = match lower.as_str() {
            "_build" => "build".to_string(),
            _ => lower,
        };
        let Some(&(known, expected)) = KNOWN.iter().find(|(k, _)| *k == lower) else {
            if !COMMON.contains(&lower.as_str())
                && let Some(near) = near_known_key(&lower)
            {
                diags.push(
                    Diagnostic::warning(format!(
                        "unknown front matter key `{}`: did you mean `{near}`?",
                        e.key
                    ))
                    .at(at(e.key_offset))
                    .help(format!(
                        "rename it to `{near}`; keys opsbook reads: {}; other keys are passed to templates as they are",
                        known_list()
                    )),
                );
            }
            front.keys.push((e.key.clone(), e.key_offset));
            front.extra.insert(e.key, e.value);
            continue;
        };
        if let Some(first) = front.key_offset(known) {
            diags.push(
                Diagnostic::error(format!("`{known}` is given twice"))
                    .at(at(e.key_offset))
                    .label(at(first), "first given here")
                    .help("keep one of them (key names are not case-sensitive)"),
            );
            continue;
        }
        front.keys.push((known.to_string(), e.key_offset));
        // Hugo treats an empty value as absent.
        if e.value.is_null() {
            continue;
        }
        let bad = |what: &str| {
            Diagnostic::error(format!("`{}` must be {what}", e.key))
                .at(at(e.value_offset))
                .help(format!("`{known}` is {expected}"))
        };
        match known {
            "title" | "description" | "incident" => match scalar_text(&e.value) {
                Some(s) => {
                    let slot = match known {
                        "title" => &mut front.title,
                        "description" => &mut front.description,
                        _ => &mut front.incident,
                    };
                    *slot = Some(s);
                }
                None => diags.push(bad("text, not a list or a mapping")),
            },
            "weight" => match whole_number(&e.value) {
                Some(w) => front.weight = Some(w),
                None => diags.push(bad(&format!("a whole number, not {}", describe(&e.value)))),
            },
            "draft" | "toc_hide" => match boolean(&e.value) {
                Some(b) if known == "draft" => front.draft = b,
                Some(b) => front.toc_hide = b,
                None => diags.push(bad(&format!("true or false, not {}", describe(&e.value)))),
            },
            "aliases" => match &e.value {
                Value::String(s) => front.aliases.push(Spanned {
                    value: s.clone(),
                    offset: e.value_offset,
                }),
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let offset = e.items.get(i).copied().unwrap_or(e.value_offset);
                        match item {
                            Value::String(s) => front.aliases.push(Spanned {
                                value: s.clone(),
                                offset,
                            }),
                            other => diags.push(
                                Diagnostic::error(format!(
                                    "an alias must be a site path, not {}",
                                    describe(other)
                                ))
                                .at(at(offset))
                                .help(format!("`aliases` is {expected}")),
                            ),
                        }
                    }
                }
                other => diags.push(bad(&format!("a list of paths, not {}", describe(other)))),
            },
            "build" => match build_options(&e.value) {
                Ok((render_never, list_never)) => {
                    front.render_never = render_never;
                    front.list_never = list_never;
                }
                Err(what) => diags.push(bad(&what)),
            },
            _ => unreachable!("every known key is handled"),
        }
    }
    (front, diags)
}

/// Hugo's `build` options: (render never, list never). `render: false` is
/// the old spelling of `never`, `link` renders nothing either.
fn build_options(v: &Value) -> Result<(bool, bool), String> {
    let Value::Object(map) = v else {
        return Err(format!("a mapping, not {}", describe(v)));
    };
    let mut out = (false, false);
    for (k, v) in map {
        let word = match v {
            Value::Bool(true) => "always".to_string(),
            Value::Bool(false) => "never".to_string(),
            Value::String(s) => s.to_lowercase(),
            other => return Err(format!("`{k}` as a word, not {}", describe(other))),
        };
        match (k.to_lowercase().as_str(), word.as_str()) {
            ("render", "never" | "link") => out.0 = true,
            ("render", "always") => {}
            ("list", "never") => out.1 = true,
            ("list", "always" | "local") => {}
            ("publishresources", _) => {}
            (key @ ("render" | "list"), w) => {
                return Err(format!("a known `{key}` value, not `{w}`"));
            }
            _ => {}
        }
    }
    Ok(out)
}

fn known_list() -> String {
    KNOWN.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
}

/// A known key one edit (insertion, deletion, substitution or swap of two
/// neighbours) away from `key`. Very short keys are left alone: too many
/// words are one edit from `url`.
fn near_known_key(key: &str) -> Option<&'static str> {
    KNOWN
        .iter()
        .map(|(k, _)| *k)
        .find(|k| key.len() >= 4 && edit_distance(key, k) == 1)
}

/// Optimal-string-alignment distance (Levenshtein with adjacent swaps).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
}

/// Text from a scalar, as Hugo converts it (`title: 2024` is "2024").
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// An integer, also written as a string (`weight: "10"`), as Hugo accepts.
fn whole_number(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn boolean(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A value as a user would name it in a message.
fn describe(v: &Value) -> String {
    match v {
        Value::Null => "empty".into(),
        Value::Bool(b) => format!("`{b}`"),
        Value::Number(n) => format!("`{n}`"),
        Value::String(s) => format!("the text `{s}`"),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str) -> (FrontMatter, Diagnostics) {
        let (s, w) =
            split(Path::new("p.md"), text).unwrap_or_else(|e| panic!("unexpected errors:\n{e}"));
        (s.front, w)
    }

    fn errors(text: &str) -> Diagnostics {
        match split(Path::new("p.md"), text) {
            Ok(_) => panic!("expected errors for:\n{text}"),
            Err(e) => e,
        }
    }

    #[test]
    fn yaml_with_extra_keys() {
        let text = "---\ntitle: \"Ops\"\nweight: 3\nowning_team: Ops\ntags: [a, b]\n---\n# Body\n";
        let (s, w) = split(Path::new("p.md"), text).unwrap();
        assert!(w.is_empty(), "{w}");
        assert_eq!(s.front.title.as_deref(), Some("Ops"));
        assert_eq!(s.front.weight, Some(3));
        assert_eq!(s.front.extra["owning_team"], "Ops");
        assert_eq!(s.front.extra["tags"], serde_json::json!(["a", "b"]));
        assert_eq!(s.body, "# Body\n");
    }

    #[test]
    fn toml_with_dates() {
        let text = "+++\ntitle = \"T\"\nlast_reviewed = 2026-09-14\n+++\nbody";
        let (s, _) = split(Path::new("p.md"), text).unwrap();
        assert_eq!(s.front.title.as_deref(), Some("T"));
        assert_eq!(s.front.extra["last_reviewed"], "2026-09-14");
        assert_eq!(s.body, "body");
    }

    #[test]
    fn keys_and_aliases_keep_their_offsets() {
        for text in [
            "---\ntitle: x\nincident: \"2024-03-db\"\naliases:\n  - /old/\n  - \"/older/\"\n---\n",
            "+++\ntitle = \"x\"\nincident = \"2024-03-db\"\naliases = [\"/old/\", \"/older/\"]\n+++\n",
        ] {
            let (f, _) = ok(text);
            let incident = f.key_offset("incident").unwrap();
            assert!(text[incident..].starts_with("incident"), "{text}");
            assert_eq!(f.incident.as_deref(), Some("2024-03-db"));
            assert_eq!(f.aliases.len(), 2);
            for (a, want) in f.aliases.iter().zip(["/old/", "/older/"]) {
                assert_eq!(a.value, want);
                let at = &text[a.offset..];
                assert!(
                    at.starts_with(want) || at.starts_with(&format!("\"{want}")),
                    "{at}"
                );
            }
            assert_eq!(f.key_offset("nope"), None);
        }
    }

    #[test]
    fn typo_of_a_known_key_is_a_warning_at_the_key() {
        let text = "---\ntitle: x\ntitel: z\nwieght: 2\nalaises: [/a/]\nteam: ops\ndate: 2024-01-01\n---\n";
        let (f, w) = ok(text);
        let got: Vec<(usize, usize, &str)> = w
            .iter()
            .map(|d| {
                let l = d.location.as_ref().unwrap();
                (l.line, l.column, d.message.as_str())
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    3,
                    1,
                    "unknown front matter key `titel`: did you mean `title`?"
                ),
                (
                    4,
                    1,
                    "unknown front matter key `wieght`: did you mean `weight`?"
                ),
                (
                    5,
                    1,
                    "unknown front matter key `alaises`: did you mean `aliases`?"
                ),
            ]
        );
        assert!(w.iter().all(|d| !d.is_error()));
        assert_eq!(f.extra["titel"], "z", "still passed to templates");
    }

    #[test]
    fn keys_in_any_case_as_hugo() {
        let (f, w) = ok("---\nTitle: Big\nWeight: 4\n---\n");
        assert!(w.is_empty());
        assert_eq!((f.title.as_deref(), f.weight), (Some("Big"), Some(4)));
        let e = errors("---\ntitle: a\nTitle: b\n---\n");
        assert!(e.0[0].message.contains("`title` is given twice"), "{e}");
        assert_eq!(e.0[0].labels[0].0.line, 2);
    }

    #[test]
    fn weight_says_what_a_weight_is() {
        let e = errors("---\ntitle: ok\nweight: ten\n---\n");
        let d = &e.0[0];
        let loc = d.location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column), (3, 9), "{d}");
        assert_eq!(
            d.message,
            "`weight` must be a whole number, not the text `ten`"
        );
        let help = d.help.as_deref().unwrap();
        assert!(help.contains("lowest first"), "{help}");
        assert!(!d.to_string().contains("i64"), "{d}");
    }

    #[test]
    fn all_problems_of_one_front_matter_together() {
        let e = errors("---\nweight: ten\ndraft: maybe\naliases: [/a/, 3]\ntitle: [x]\n---\n");
        let lines: Vec<usize> = e
            .iter()
            .map(|d| d.location.as_ref().unwrap().line)
            .collect();
        assert_eq!(lines, [2, 3, 4, 5], "{e}");
    }

    #[test]
    fn lenient_scalars_as_hugo() {
        let (f, _) = ok("---\ntitle: 2024\nweight: \"7\"\ndraft: \"false\"\naliases: /one/\n---\n");
        assert_eq!(f.title.as_deref(), Some("2024"));
        assert_eq!(f.weight, Some(7));
        assert!(!f.draft);
        assert_eq!(f.aliases[0].value, "/one/");
        let (f, _) = ok("---\ntitle:\n---\n");
        assert_eq!(f.title, None);
    }

    #[test]
    fn yaml_error_has_file_line() {
        let e = errors("---\ntitle: ok\ntags: [a, b\n---\n");
        let loc = e.0[0].location.clone().unwrap();
        assert_eq!(loc.line, 3, "{e}");
    }

    #[test]
    fn toml_errors_have_file_line() {
        let e = errors("+++\ntitle = \"ok\"\nweight = \"ten\"\n+++\n");
        assert_eq!(e.0[0].location.as_ref().unwrap().line, 3, "{e}");
        let e = errors("+++\ntitle = \"ok\"\nweight = \n+++\n");
        assert_eq!(e.0[0].location.as_ref().unwrap().line, 3, "{e}");
        assert!(
            e.0[0].message.starts_with("invalid TOML front matter"),
            "{e}"
        );
    }

    #[test]
    fn unclosed_front_matter_says_so_at_the_opening_line() {
        for (text, fence) in [
            ("---\ntitle: x\n\n# Body\n", "---"),
            ("+++\ntitle = 1\n", "+++"),
        ] {
            let e = errors(text);
            let d = &e.0[0];
            assert!(d.message.contains("never closed"), "{d}");
            assert!(d.message.contains(fence), "{d}");
            assert_eq!(d.location.as_ref().unwrap().line, 1);
        }
    }

    #[test]
    fn quoted_value_continued_at_column_0_is_a_warning() {
        let text = "---\ntitle: \"A long\ntitle\"\ndescription: 'one\ntwo'\nweight: 2\n---\n";
        let (f, w) = ok(text);
        assert_eq!(f.title.as_deref(), Some("A long title"));
        assert_eq!(f.description.as_deref(), Some("one two"));
        assert_eq!(f.weight, Some(2));
        let lines: Vec<usize> = w
            .iter()
            .map(|d| d.location.as_ref().unwrap().line)
            .collect();
        assert_eq!(lines, [3, 5], "{w}");
        assert!(w.iter().all(|d| !d.is_error()));
        // Offsets still point at the right text.
        assert!(text[f.key_offset("weight").unwrap()..].starts_with("weight"));
        // A real syntax error stays an error.
        let e = errors("---\ntitle: \"never closed\nweight: [1\n---\n");
        assert!(e.0[0].is_error(), "{e}");
    }

    #[test]
    fn build_options_as_hugo() {
        let (f, _) = ok("---\nbuild:\n  render: never\n---\n");
        assert!(f.render_never && !f.list_never);
        let (f, _) = ok("---\n_build:\n  list: never\n  render: always\n---\n");
        assert!(!f.render_never && f.list_never);
        let (f, _) = ok("+++\n[_build]\nrender = false\n+++\n");
        assert!(f.render_never);
        let e = errors("---\nbuild:\n  render: sometimes\n---\n");
        assert_eq!(e.0[0].location.as_ref().unwrap().line, 3, "{e}");
    }

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("titel", "title"), 1);
        assert_eq!(edit_distance("alaises", "aliases"), 1);
        assert_eq!(edit_distance("wieght", "weight"), 1);
        assert_eq!(edit_distance("team", "title"), 4);
        assert_eq!(near_known_key("tilte"), Some("title"));
        assert_eq!(near_known_key("owner"), None);
    }
}
