//! Footnotes as Hugo (goldmark) renders them: numbered by first reference,
//! references `<sup id="fnref:N">`, and one `<div class="footnotes">` at the
//! end of the page listing the referenced notes with back-links.

use std::collections::HashMap;

use pulldown_cmark::{Event, TagEnd};

use super::escape_html;

#[derive(Default)]
pub struct Footnotes<'a> {
    /// Label (case-folded) → number, in order of first reference.
    numbers: HashMap<String, usize>,
    /// Per number: its label and how many references it has.
    refs: Vec<(String, usize)>,
    defs: HashMap<String, Vec<Event<'a>>>,
}

fn key(label: &str) -> String {
    label.to_lowercase()
}

impl<'a> Footnotes<'a> {
    /// The HTML of a reference to `label`.
    pub fn reference(&mut self, label: &str) -> String {
        let k = key(label);
        let n = match self.numbers.get(&k) {
            Some(&n) => n,
            None => {
                self.refs.push((k.clone(), 0));
                self.numbers.insert(k, self.refs.len());
                self.refs.len()
            }
        };
        let count = &mut self.refs[n - 1].1;
        // goldmark: the first reference is `fnref:N`, later ones `fnrefK:N`.
        let id = ref_id(*count, n);
        *count += 1;
        format!(
            "<sup id=\"{id}\"><a href=\"#fn:{n}\" class=\"footnote-ref\" role=\"doc-noteref\">{n}</a></sup>"
        )
    }

    /// The body of the note `label` (its events, without start and end).
    pub fn define(&mut self, label: &str, events: Vec<Event<'a>>) {
        self.defs.entry(key(label)).or_insert(events);
    }

    /// Appends the footnotes section, if any note is referenced.
    pub fn finish(mut self, events: &mut Vec<Event<'a>>) {
        let listed: Vec<(usize, Vec<Event<'a>>, usize)> = self
            .refs
            .iter()
            .enumerate()
            .filter_map(|(i, (k, count))| self.defs.remove(k).map(|d| (i + 1, d, *count)))
            .collect();
        if listed.is_empty() {
            return;
        }
        events.push(Event::Html(
            "<div class=\"footnotes\" role=\"doc-endnotes\">\n<hr>\n<ol>\n".into(),
        ));
        for (n, mut body, count) in listed {
            events.push(Event::Html(format!("<li id=\"fn:{n}\">\n").into()));
            let mut back = String::new();
            for k in 0..count {
                back.push_str(&format!(
                    "&#160;<a href=\"#{}\" class=\"footnote-backref\" role=\"doc-backlink\">&#x21a9;&#xfe0e;</a>",
                    escape_html(&ref_id(k, n))
                ));
            }
            // The back-links go inside the note's last paragraph.
            if matches!(body.last(), Some(Event::End(TagEnd::Paragraph))) {
                let end = body.pop().expect("checked");
                body.push(Event::InlineHtml(back.into()));
                body.push(end);
            } else {
                body.push(Event::Html(format!("<p>{back}</p>\n").into()));
            }
            events.extend(body);
            events.push(Event::Html("</li>\n".into()));
        }
        events.push(Event::Html("</ol>\n</div>\n".into()));
    }
}

fn ref_id(k: usize, n: usize) -> String {
    if k == 0 {
        format!("fnref:{n}")
    } else {
        format!("fnref{k}:{n}")
    }
}
