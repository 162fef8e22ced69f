//! Content paths: which files under `content/` and `static/` are published,
//! and the URL a source path gets.
//!
//! URLs follow Hugo (`Sanitize` + lower case, then escaping for links), so a
//! later Hugo-compatibility switch publishes the same URLs:
//!
//! - each path segment is lower-cased; runs of spaces and hyphens become one
//!   hyphen (none at either end of a segment);
//! - Unicode letters, digits and combining marks stay, as do `. _ # + ~`
//!   and `%XX` escapes; every other character (`( ) ? & ' ! …`, a bare `%`)
//!   is dropped.
//!
//! A sanitised path has two forms. The *path* (`on-call-#2-50/`, `équipe/`)
//! is UTF-8, used to write files. The *URL* (`on-call-%232-50/`,
//! `%C3%A9quipe/`) percent-encodes it for hrefs, sitemaps and feeds. A web
//! server decodes the URL back to the path, so the two always name the same
//! file. Unlike Hugo, a `%` kept in a path is written `%25` in its URL, so
//! that `100%25.md` links to the file actually written (`100%25/`).

/// Whether a file or folder name is never published: dotfiles and
/// dot-directories (`.git`, `.env`, `.secret/`, vim's `.x.swp`, emacs
/// `.#x` locks) and editor or merge leftovers (`x~`, `#x#`, `x.swp`,
/// `x.swo`, `x.bak`, `x.orig`, `x.rej`). Such files hold secrets or stale
/// text far more often than anything meant for readers.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || (name.len() > 1 && name.starts_with('#') && name.ends_with('#'))
        || [".swp", ".swo", ".bak", ".orig", ".rej"]
            .iter()
            .any(|ext| name.len() > ext.len() && name.ends_with(ext))
}

/// Whether a `/`-separated relative path is published: no segment is
/// ignored (see `is_ignored_name`).
pub fn is_published(rel: &str) -> bool {
    !rel.split('/').any(is_ignored_name)
}

/// One path segment as Hugo publishes it (see the module comment). Empty
/// when nothing publishable is left (`(%).md`).
pub fn sanitize_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    let mut hyphen = false;
    let bytes = segment.as_bytes();
    for (i, c) in segment.char_indices() {
        let keep = c.is_alphanumeric()
            || is_combining_mark(c)
            || matches!(c, '.' | '_' | '#' | '+' | '~')
            || (c == '%'
                && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit));
        if keep {
            if hyphen && !out.is_empty() {
                out.push('-');
            }
            hyphen = false;
            out.extend(c.to_lowercase());
        } else if c == '-' || c.is_whitespace() {
            hyphen = true;
        }
    }
    out
}

/// Combining marks (Unicode category M) in the blocks where they occur
/// outside scripts whose marks are already alphabetic: accents written as
/// separate code points (decomposed `é`) must not be dropped.
fn is_combining_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE20}'..='\u{FE2F}')
}

/// A `/`-separated relative path with every segment sanitised. `None` when
/// a segment sanitises to nothing (the caller reports it).
pub fn sanitize_path(rel: &str) -> Option<String> {
    let mut out = String::with_capacity(rel.len());
    for (i, segment) in rel.split('/').enumerate() {
        let clean = sanitize_segment(segment);
        if clean.is_empty() {
            return None;
        }
        if i > 0 {
            out.push('/');
        }
        out.push_str(&clean);
    }
    Some(out)
}

/// Percent-encodes a sanitised path for use in a URL: everything but ASCII
/// letters, digits, `/` and `- . _ ~ +` (so `#`, `%`, non-ASCII).
pub fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'/' | b'-' | b'.' | b'_' | b'~' | b'+') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes (invalid ones stay as written); the inverse of
/// `encode_path`, for comparing a link as written with published URLs.
pub fn decode_path(url: &str) -> String {
    let bytes = percent_decode(url, false).unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `decode_path` for a request (`serve`): `None` when an escape is
/// invalid or the result is not UTF-8, so no two spellings reach one file.
pub fn decode_path_strict(url: &str) -> Option<String> {
    String::from_utf8(percent_decode(url, true)?).ok()
}

/// The one `%XX` decoder; `strict`: an invalid escape is `None`, not kept.
fn percent_decode(url: &str, strict: bool) -> Option<Vec<u8>> {
    let bytes = url.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |at: usize| bytes.get(at).and_then(|&b| (b as char).to_digit(16));
            match (hex(i + 1), hex(i + 2)) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ if strict => return None,
                _ => {}
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_as_hugo_sanitises_them() {
        assert_eq!(sanitize_segment("On Call #2 (50%)"), "on-call-#2-50");
        assert_eq!(sanitize_segment("Runbooks"), "runbooks");
        assert_eq!(sanitize_segment("a  -  b"), "a-b");
        assert_eq!(sanitize_segment(" -a- "), "a");
        assert_eq!(sanitize_segment("what? why!"), "what-why");
        assert_eq!(sanitize_segment("c++ & c#"), "c++-c#");
        assert_eq!(sanitize_segment("v1.2_notes~x"), "v1.2_notes~x");
        assert_eq!(sanitize_segment("100%25"), "100%25");
        assert_eq!(sanitize_segment("Équipe Ops"), "équipe-ops");
        assert_eq!(sanitize_segment("Ελληνικά"), "ελληνικά");
        assert_eq!(sanitize_segment("e\u{301}t\u{e9}"), "e\u{301}t\u{e9}");
        assert_eq!(sanitize_segment("日本語"), "日本語");
        assert_eq!(sanitize_segment("(%)"), "");
    }

    #[test]
    fn paths_sanitise_each_segment() {
        assert_eq!(
            sanitize_path("Runbooks/DB Fail-over/Plan.PNG").as_deref(),
            Some("runbooks/db-fail-over/plan.png")
        );
        assert_eq!(sanitize_path("a/(!)/b"), None);
    }

    #[test]
    fn urls_encode_what_is_not_url_safe() {
        assert_eq!(encode_path("on-call-#2-50/"), "on-call-%232-50/");
        assert_eq!(encode_path("équipe/"), "%C3%A9quipe/");
        assert_eq!(encode_path("100%25/"), "100%2525/");
        assert_eq!(encode_path("c++/a_b.c~/"), "c++/a_b.c~/");
    }

    #[test]
    fn decoding_inverts_encoding() {
        for path in ["on-call-#2-50/", "équipe/日本/", "100%25/", "plain/"] {
            assert_eq!(decode_path(&encode_path(path)), path);
        }
        assert_eq!(decode_path("a%zz%2"), "a%zz%2");
        assert_eq!(decode_path("%FF/x"), "\u{FFFD}/x");
        assert_eq!(decode_path_strict("a%20b/%C3%A9").as_deref(), Some("a b/é"));
        for bad in ["a%zz", "a%2", "%+1", "%-1", "%FF"] {
            assert_eq!(decode_path_strict(bad), None, "{bad}");
        }
    }

    #[test]
    fn ignored_names() {
        for name in [
            ".env",
            ".git",
            ".secret",
            ".page.md.swp",
            ".#page.md",
            "page.md~",
            "#page.md#",
            "page.swp",
            "page.md.bak",
            "x.orig",
            "x.rej",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["page.md", "c#.md", "#", "a~b.md", "swp", "swp.md"] {
            assert!(!is_ignored_name(name), "{name}");
        }
        assert!(!is_published("a/.git/config"));
        assert!(!is_published(".secret/creds.txt"));
        assert!(is_published("a/b/c.svg"));
    }
}
