//! The one HTML escaper of opsbook, for text and for attribute values
//! (quoted with `"` or `'`) alike, in HTML and in XML (feeds, sitemaps);
//! and the one place that finds where a tag ends, for the passes that read
//! HTML back (autolinks, the search index).
//!
//! Escaping both quotes everywhere costs nothing in text and makes one
//! function safe in every context, so there is no second one to pick wrongly.

/// `s` with `& < > " '` replaced by entities.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    escape_html_into(&mut out, s);
    out
}

/// Appends `s`, escaped as by `escape_html`, to `out`.
pub fn escape_html_into(out: &mut String, s: &str) {
    let mut last = 0;
    // Byte-wise: the five characters are ASCII, so every cut is on a char
    // boundary, and runs of plain text are copied at once.
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(entity);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// Where the tag opened before `from` ends (its `>`, or the end), minding
/// quoted attribute values.
pub fn tag_end(bytes: &[u8], mut from: usize) -> usize {
    loop {
        let Some(k) = bytes
            .get(from..)
            .and_then(|rest| memchr::memchr3(b'>', b'"', b'\'', rest))
        else {
            return bytes.len();
        };
        let at = from + k;
        if bytes[at] == b'>' {
            return at;
        }
        match memchr::memchr(bytes[at], &bytes[at + 1..]) {
            Some(close) => from = at + 1 + close + 1,
            None => return bytes.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_characters_and_keeps_the_rest() {
        assert_eq!(
            escape_html("a<b>&\"c\"'d' é ✓"),
            "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39; é ✓"
        );
        let mut out = String::from("x");
        escape_html_into(&mut out, "");
        escape_html_into(&mut out, "&&");
        assert_eq!(out, "x&amp;&amp;");
    }
}
