//! Heading ids (GitHub-style slugs, made unique in linear time) and the
//! review sections a page splits into at its top-level `<h2>` headings.

use rustc_hash::{FxHashMap, FxHashSet};

/// Hugo's default heading id (`autoHeadingIDType = "github"`) of a
/// heading's text as shown: trimmed, lower case, each space and `-` a `-`,
/// letters, digits and `_` kept, everything else dropped (`A – B`, which
/// smart punctuation makes of `A -- B`, is `a--b`; `A -- B` without it is
/// `a----b`); `heading` if nothing is left.
pub fn slugify(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c == ' ' || c == '-' {
            s.push('-');
        } else if c.is_alphanumeric() || c == '_' {
            s.extend(c.to_lowercase());
        }
    }
    if s.is_empty() { "heading".into() } else { s }
}

/// The ids of one page: a repeated id gets `-1`, `-2`, ... (the first
/// suffix no other heading holds).
#[derive(Default)]
pub struct Ids {
    used: FxHashSet<String>,
    /// Per id, the next suffix to try: without it the n-th repeat of a
    /// heading would try n suffixes (8k identical headings: 21 s).
    next: FxHashMap<String, usize>,
}

impl Ids {
    /// An id given by the page (`{#id}`): kept as written even when
    /// repeated, as Hugo does; later automatic ids avoid it.
    pub fn explicit(&mut self, id: String) -> String {
        self.used.insert(id.clone());
        id
    }

    pub fn unique(&mut self, id: String) -> String {
        if self.used.insert(id.clone()) {
            return id;
        }
        // Each failed try is an id `id-n` some other heading holds; it is
        // tried once, so the total work is linear.
        let mut n = self.next.get(&id).copied().unwrap_or(1);
        let candidate = loop {
            let candidate = format!("{id}-{n}");
            n += 1;
            if self.used.insert(candidate.clone()) {
                break candidate;
            }
        };
        self.next.insert(id, n);
        candidate
    }
}

/// A part of a page: what comes before its first top-level `<h2>`, or one
/// such heading (without its HTML: a template writes its own) and what
/// follows it up to the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Plain text of the heading (not escaped); `None` for the first part.
    pub title: Option<String>,
    pub id: Option<String>,
    pub html: String,
}

/// Cuts `html` at `marks` (pairs: where a heading starts, where the text
/// after it starts), naming the parts after `headings` (title, id).
pub fn sections(html: &str, marks: &[usize], headings: Vec<(String, String)>) -> Vec<Section> {
    debug_assert_eq!(marks.len(), headings.len() * 2);
    // Never expected; one part is better than a panic.
    let (marks, headings) = if marks.len() == headings.len() * 2 {
        (marks, headings)
    } else {
        (&[][..], Vec::new())
    };
    let mut out = Vec::with_capacity(headings.len() + 1);
    let first_end = marks.first().copied().unwrap_or(html.len());
    out.push(Section {
        title: None,
        id: None,
        html: html[..first_end].to_string(),
    });
    for (k, (title, id)) in headings.into_iter().enumerate() {
        let start = marks[2 * k + 1];
        let end = marks.get(2 * k + 2).copied().unwrap_or(html.len());
        out.push(Section {
            title: Some(title),
            id: Some(id),
            html: html[start..end].to_string(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_ids_take_the_first_free_suffix() {
        let mut ids = Ids::default();
        let got: Vec<String> = ["a", "a-1", "a", "a", "b", "a-3", "a"]
            .into_iter()
            .map(|s| ids.unique(s.to_string()))
            .collect();
        assert_eq!(got, ["a", "a-1", "a-2", "a-3", "b", "a-3-1", "a-4"]);
    }

    #[test]
    fn slugs_as_hugo_makes_them() {
        assert_eq!(slugify(" Use `x` & y "), "use-x--y");
        assert_eq!(slugify("A -- B"), "a----b");
        assert_eq!(slugify("Día_1: ¿Qué?"), "día_1-qué");
        assert_eq!(slugify("?!"), "heading");
        let mut ids = Ids::default();
        assert_eq!(ids.explicit("x".into()), "x");
        assert_eq!(ids.explicit("x".into()), "x");
        assert_eq!(ids.unique("x".into()), "x-1");
    }

    #[test]
    fn sections_cut_at_marks() {
        let html = "<p>i</p><h2>A</h2><p>a</p><h2>B</h2><p>b</p>";
        let s = sections(
            html,
            &[8, 18, 26, 36],
            vec![("A".into(), "a".into()), ("B".into(), "b".into())],
        );
        assert_eq!(s[0].html, "<p>i</p>");
        assert_eq!(
            (s[1].title.as_deref(), s[1].html.as_str()),
            (Some("A"), "<p>a</p>")
        );
        assert_eq!(
            (s[2].id.as_deref(), s[2].html.as_str()),
            (Some("b"), "<p>b</p>")
        );
    }
}
