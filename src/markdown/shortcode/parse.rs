//! The shortcode scanner: finds every `{{< >}}` / `{{% %}}` tag of a text
//! and parses its name and arguments, in one pass (a tag that runs into the
//! end of the text ends the scan).

use super::{Args, Delim, SpanError};

#[derive(Debug)]
pub(super) enum TagKind {
    Open {
        name: String,
        args: Args,
        self_closing: bool,
    },
    Close {
        name: String,
    },
    /// `{{</* x */>}}`: printed as `{{< x >}}`.
    Escaped(String),
}

#[derive(Debug)]
pub(super) struct Tag {
    pub start: usize,
    pub end: usize,
    pub delim: Delim,
    pub kind: TagKind,
}

/// Finds every shortcode tag in `text`.
pub(super) fn scan(text: &str, errors: &mut Vec<SpanError>) -> Vec<Tag> {
    let bytes = text.as_bytes();
    let mut tags = Vec::new();
    let mut pos = 0;
    while let Some(found) = memchr_braces(&bytes[pos..]) {
        let start = pos + found;
        let delim = match bytes.get(start + 2) {
            Some(b'<') => Delim::Html,
            Some(b'%') => Delim::Markdown,
            _ => {
                pos = start + 2;
                continue;
            }
        };
        match parse_tag(text, start, delim) {
            Ok(tag) => {
                pos = tag.end;
                tags.push(tag);
            }
            // A tag that runs to the end of the text swallowed every later
            // one: scanning them again would be quadratic and only repeat it.
            Err((e, resume)) => {
                errors.push(e);
                pos = resume;
            }
        }
    }
    tags
}

fn memchr_braces(hay: &[u8]) -> Option<usize> {
    let mut i = 0;
    while i + 1 < hay.len() {
        match hay[i + 1..].iter().position(|&b| b == b'{') {
            Some(j) => {
                let k = i + j; // hay[k + 1] == '{'
                if hay[k] == b'{' {
                    return Some(k);
                }
                i = k + 1;
            }
            None => return None,
        }
    }
    None
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '-' | '_' | '/' | '.')
}

/// A tag error, and where scanning resumes (the end of the text when the
/// tag ran into it).
type TagError = (SpanError, usize);

fn parse_tag(text: &str, start: usize, delim: Delim) -> Result<Tag, TagError> {
    let to_end = |e: SpanError| (e, text.len());
    let next = |e: SpanError| (e, start + 3);
    let close = delim.close();
    let mut p = start + 3;
    let rest = |p: usize| &text[p..];
    let skip_ws = |p: &mut usize| {
        while let Some(c) = text[*p..].chars().next() {
            if c.is_whitespace() {
                *p += c.len_utf8();
            } else {
                break;
            }
        }
    };
    skip_ws(&mut p);
    // Escaped form: {{</* ... */>}}
    if rest(p).starts_with("/*") {
        let inner_start = p + 2;
        let Some(end_rel) = rest(inner_start).find("*/") else {
            return Err(to_end(
                SpanError::new(start, "escaped shortcode is never closed").help(format!(
                    "write it as {}/* name */{}",
                    delim.open(),
                    close
                )),
            ));
        };
        let inner = &text[inner_start..inner_start + end_rel];
        let mut q = inner_start + end_rel + 2;
        skip_ws(&mut q);
        if !rest(q).starts_with(close) {
            return Err(next(
                SpanError::new(start, "escaped shortcode is never closed")
                    .help(format!("end it with */{close}")),
            ));
        }
        return Ok(Tag {
            start,
            end: q + close.len(),
            delim,
            kind: TagKind::Escaped(format!("{}{}{}", delim.open(), inner, close)),
        });
    }
    let closing = rest(p).starts_with('/');
    if closing {
        p += 1;
        skip_ws(&mut p);
    }
    let name_start = p;
    while let Some(c) = rest(p).chars().next() {
        if is_name_char(c) && !(c == '/' && rest(p)[1..].starts_with(close)) {
            p += c.len_utf8();
        } else {
            break;
        }
    }
    let name = text[name_start..p].trim_end_matches('/').to_string();
    p = name_start + name.len();
    if name.is_empty() {
        return Err(next(
            SpanError::new(start, "shortcode without a name").help(format!(
                "write {} name {}",
                delim.open(),
                close
            )),
        ));
    }
    let mut named = Vec::new();
    let mut positional = Vec::new();
    let mut first_kind: Option<(bool, usize)> = None;
    let mut self_closing = false;
    loop {
        skip_ws(&mut p);
        if rest(p).is_empty() {
            return Err(to_end(
                SpanError::new(start, format!("shortcode `{name}` is never closed"))
                    .help(format!("end the tag with `{close}`")),
            ));
        }
        if rest(p).starts_with(close) {
            p += close.len();
            break;
        }
        if rest(p).starts_with('/') && rest(p + 1).trim_start().starts_with(close) {
            self_closing = true;
            p += 1;
            continue;
        }
        if closing {
            return Err(next(SpanError::new(
                p,
                format!("closing tag of `{name}` takes no arguments"),
            )));
        }
        let arg_start = p;
        let (first, after) = parse_value(text, p, close)?;
        p = after;
        // Hugo reads `role = "x"` as named too: look past spaces for `=`.
        let mut eq = p;
        skip_ws(&mut eq);
        if rest(eq).starts_with('=') && first.1 {
            let mut v = eq + 1;
            skip_ws(&mut v);
            let (value, after) = parse_value(text, v, close)?;
            p = after;
            named.push((first.0, value.0));
            check_mixed(&name, &mut first_kind, true, arg_start).map_err(next)?;
        } else {
            positional.push(first.0);
            check_mixed(&name, &mut first_kind, false, arg_start).map_err(next)?;
        }
    }
    let kind = if closing {
        TagKind::Close { name }
    } else {
        let args = if !named.is_empty() {
            Args::Named(named)
        } else if !positional.is_empty() {
            Args::Positional(positional)
        } else {
            Args::None
        };
        TagKind::Open {
            name,
            args,
            self_closing,
        }
    };
    Ok(Tag {
        start,
        end: p,
        delim,
        kind,
    })
}

fn check_mixed(
    name: &str,
    first: &mut Option<(bool, usize)>,
    named: bool,
    at: usize,
) -> Result<(), SpanError> {
    match *first {
        None => {
            *first = Some((named, at));
            Ok(())
        }
        Some((was_named, _)) if was_named == named => Ok(()),
        Some(_) => Err(SpanError::new(
            at,
            format!("shortcode `{name}` mixes positional and named arguments"),
        )
        .help("use either only `key=\"value\"` arguments or only positional ones")),
    }
}

/// Parses one argument value at `p`: `"quoted"`, `` `raw` `` or bare.
/// Returns the value, whether it was bare (only bare values can be keys),
/// and the position after it. Its errors run to the end of the text.
fn parse_value(text: &str, p: usize, close: &str) -> Result<((String, bool), usize), TagError> {
    let rest = &text[p..];
    if let Some(body) = rest.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => return Ok(((out, false), p + 1 + i + 1)),
                '\\' => match chars.next() {
                    Some((_, e @ ('"' | '\\'))) => out.push(e),
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, e)) => {
                        out.push('\\');
                        out.push(e);
                    }
                    None => break,
                },
                _ => out.push(c),
            }
        }
        return Err((
            SpanError::new(p, "quoted argument is never closed")
                .help("close the string with a `\"`"),
            text.len(),
        ));
    }
    if let Some(body) = rest.strip_prefix('`') {
        return match body.find('`') {
            Some(i) => Ok(((body[..i].to_string(), false), p + 1 + i + 1)),
            None => Err((
                SpanError::new(p, "raw argument is never closed")
                    .help("close the raw string with a backtick"),
                text.len(),
            )),
        };
    }
    let mut end = p;
    for (i, c) in rest.char_indices() {
        if c.is_whitespace() || c == '=' || rest[i..].starts_with(close) {
            break;
        }
        if c == '/' && rest[i + 1..].trim_start().starts_with(close) {
            break;
        }
        end = p + i + c.len_utf8();
    }
    Ok(((text[p..end].to_string(), true), end))
}
