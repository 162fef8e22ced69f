//! What a blameless review is: its sections, in order. The one table that
//! `new postmortem` writes headings from, the post-mortem page orders a
//! narrative by, and the check uses to spot a misspelt heading.

/// What the page adds to a review section from the incident's snapshot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Facts {
    /// Text only.
    None,
    Summary,
    Impact,
    Detection,
    Timeline,
    RootCause,
    Actions,
}

impl Facts {
    /// Sections with facts are shown even when the narrative is silent.
    pub fn always_shown(self) -> bool {
        self != Facts::None
    }
}

pub struct Section {
    /// The HTML id of the section on the page.
    pub id: &'static str,
    /// The heading `new postmortem` writes, and the page shows by default.
    pub title: &'static str,
    pub facts: Facts,
    /// Lower-case words that file a narrative heading under this section.
    pub words: &'static [&'static str],
}

pub const SECTIONS: &[Section] = &[
    Section {
        id: "summary",
        title: "Summary",
        facts: Facts::Summary,
        words: &["summary", "overview"],
    },
    Section {
        id: "impact",
        title: "Customer impact",
        facts: Facts::Impact,
        words: &["impact"],
    },
    Section {
        id: "detection",
        title: "Detection",
        facts: Facts::Detection,
        words: &["detection", "detect"],
    },
    Section {
        id: "timeline",
        title: "Timeline",
        facts: Facts::Timeline,
        words: &["timeline"],
    },
    Section {
        id: "root-cause",
        title: "Root cause and contributing factors",
        facts: Facts::RootCause,
        words: &["root cause", "contributing", "whys", "cause"],
    },
    Section {
        id: "resolution",
        title: "Resolution",
        facts: Facts::None,
        words: &["resolution", "recovery", "remediation"],
    },
    Section {
        id: "went-well",
        title: "What went well",
        facts: Facts::None,
        words: &["went well"],
    },
    Section {
        id: "went-wrong",
        title: "What went wrong",
        facts: Facts::None,
        words: &["went wrong", "could have gone better"],
    },
    Section {
        id: "lucky",
        title: "Where we got lucky",
        facts: Facts::None,
        words: &["lucky", "luck"],
    },
    Section {
        id: "lessons",
        title: "Lessons learned",
        facts: Facts::None,
        words: &["lesson", "learned", "learnings"],
    },
    Section {
        id: "actions",
        title: "Corrective actions",
        facts: Facts::Actions,
        words: &["corrective", "action", "follow-up"],
    },
];

/// The review section a narrative heading belongs to, if any.
pub fn classify(heading: &str) -> Option<usize> {
    let lower = heading.to_lowercase();
    SECTIONS
        .iter()
        .position(|s| s.words.iter().any(|w| lower.contains(w)))
}

/// For a heading that files under no section: the section title it is one
/// or two typos away from ("Summry" → "Summary"), for a warning.
pub fn near_miss(heading: &str) -> Option<&'static str> {
    let lower = heading.trim().to_lowercase();
    if lower.len() < 4 {
        return None;
    }
    SECTIONS
        .iter()
        .flat_map(|s| {
            std::iter::once(s.title.to_lowercase())
                .chain(s.words.iter().map(|w| w.to_string()))
                .map(move |cand| (s.title, cand))
        })
        .filter(|(_, cand)| cand.len() >= 4)
        .map(|(title, cand)| (edit_distance(&lower, &cand), title))
        .filter(|&(d, _)| d > 0 && d <= 2)
        .min()
        .map(|(_, title)| title)
}

/// Levenshtein distance over chars (headings are short).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_file_under_sections() {
        assert_eq!(SECTIONS[classify("Root Cause").unwrap()].id, "root-cause");
        assert_eq!(SECTIONS[classify("Lessons").unwrap()].id, "lessons");
        assert_eq!(classify("Extra notes"), None);
    }

    #[test]
    fn misspelt_headings_are_near_misses() {
        assert_eq!(near_miss("Summry"), Some("Summary"));
        assert_eq!(near_miss("Timelnie"), Some("Timeline"));
        assert_eq!(near_miss("Extra notes"), None);
        assert_eq!(near_miss("Glossary"), None);
    }
}
