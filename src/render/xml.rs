//! Text for XML outputs (feed, sitemap). XML 1.0 forbids most control
//! characters even as references, and upstream titles can carry them
//! (`\x1b` from a terminal paste): they are dropped, everything else is
//! escaped, so every feed parses.

use crate::markdown::escape_html_into as escape_into;

/// Whether XML 1.0 allows `c` in a document.
pub fn allowed(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes `s` for XML text or attribute values, dropping forbidden chars.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    if s.chars().all(allowed) {
        escape_into(&mut out, s);
    } else {
        let clean: String = s.chars().filter(|&c| allowed(c)).collect();
        escape_into(&mut out, &clean);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_dropped() {
        assert_eq!(escape("a\u{1}b\u{1b}[31m<c>"), "ab[31m&lt;c&gt;");
        assert_eq!(escape("tab\tnewline\n"), "tab\tnewline\n");
        assert_eq!(escape("\u{FFFE}é"), "é");
    }
}
