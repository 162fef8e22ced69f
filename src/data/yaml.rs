//! One YAML document as a tree of nodes that keep their byte offsets, read
//! from the event parser that serde-saphyr re-exports (`granit_parser`).
//!
//! Why not serde: a derived `Deserialize` stops at the first unknown key,
//! repeated key or value of the wrong shape, and hides every later problem
//! of the file. This tree holds everything the file says, so the checks in
//! `validate` can report all of a file's problems in one run. It also keeps
//! each scalar's source text and whether it was quoted, so that `id: 17054`
//! is the text `17054` and `"null"` is not a null.
//!
//! Only a syntax error stops a file. Repeated keys (the first one is kept)
//! and aliases are reported here and the reading goes on.

use std::collections::BTreeMap;
use std::path::Path;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, ScanError, Span};

use crate::diag::{Diagnostic, Location};

/// A node and the byte offset where it starts in the file.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Node {
    pub kind: NodeKind,
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum NodeKind {
    /// `~`, `null`, or nothing after the colon.
    Null,
    /// Any other scalar, as text (quotes and escapes resolved).
    Scalar(String),
    Seq(Vec<Node>),
    /// Entries in file order; a repeated key is left out (and reported).
    Map(Vec<Entry>),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Entry {
    pub key: String,
    pub key_at: usize,
    pub value: Node,
}

/// What the document is, for messages: "a list", "a mapping", ...
pub(super) fn shape(kind: &NodeKind) -> &'static str {
    match kind {
        NodeKind::Null => "nothing",
        NodeKind::Scalar(_) => "a single value",
        NodeKind::Seq(_) => "a list",
        NodeKind::Map(_) => "a mapping of keys",
    }
}

/// Parses the one document of `text`. `None` when the file is empty or not
/// YAML; every problem found is pushed to `diags`.
pub(super) fn parse(file: &Path, text: &str, diags: &mut Vec<Diagnostic>) -> Option<Node> {
    let mut reader = Reader {
        parser: Parser::new_from_str(text),
        file,
        text,
        diags,
    };
    reader.document().ok().flatten()
}

struct Reader<'t, 'd> {
    parser: Parser<'t, serde_saphyr::granit_parser::StrInput<'t>>,
    file: &'t Path,
    text: &'t str,
    diags: &'d mut Vec<Diagnostic>,
}

/// A syntax error was reported: stop reading the file.
struct Stop;

impl<'t> Reader<'t, '_> {
    fn loc(&self, offset: usize) -> Location {
        Location::at_offset(self.file, self.text, offset)
    }

    fn offset(span: &Span) -> usize {
        span.start.byte_offset().unwrap_or(0)
    }

    fn syntax_error(&mut self, e: &ScanError) -> Stop {
        let at = e.marker().byte_offset().unwrap_or(0);
        self.diags.push(
            Diagnostic::error(format!("invalid YAML: {}", e.info()))
                .at(self.loc(at))
                .help(
                    "see docs/data-format.md for the shape of this file; quote text that \
                     contains `: ` or starts with a special character",
                ),
        );
        Stop
    }

    /// The next event that matters (comments and anchor names are skipped).
    fn next(&mut self) -> Result<(Event<'t>, Span), Stop> {
        loop {
            match self.parser.next_event() {
                None => return Ok((Event::StreamEnd, Span::default())),
                Some(Err(e)) => return Err(self.syntax_error(&e)),
                Some(Ok((event, span))) => match event {
                    Event::StreamStart
                    | Event::StreamEnd
                    | Event::DocumentStart(..)
                    | Event::DocumentEnd
                    | Event::SequenceEnd
                    | Event::MappingEnd => return Ok((event, span)),
                    e if e.is_node() => return Ok((e, span)),
                    _ => continue,
                },
            }
        }
    }

    fn document(&mut self) -> Result<Option<Node>, Stop> {
        let mut root = None;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamEnd => return Ok(root),
                Event::StreamStart | Event::DocumentEnd => {}
                Event::DocumentStart(..) if root.is_some() => {
                    self.diags.push(
                        Diagnostic::error("more than one YAML document in the file")
                            .at(self.loc(Self::offset(&span)))
                            .help(
                                "a data file holds one document: remove the `---` and what \
                                 follows it",
                            ),
                    );
                    return Ok(root);
                }
                Event::DocumentStart(..) => {
                    let (event, span) = self.next()?;
                    root = Some(self.node(event, span)?);
                }
                _ => {}
            }
        }
    }

    fn node(&mut self, event: Event<'t>, span: Span) -> Result<Node, Stop> {
        let at = Self::offset(&span);
        let kind = match event {
            Event::Scalar(value, style, _, tag) => {
                let is_str_tag = tag
                    .as_ref()
                    .is_some_and(|t| t.is_yaml_core_schema_tag("str"));
                if style == ScalarStyle::Plain && !is_str_tag && is_null(&value) {
                    NodeKind::Null
                } else {
                    NodeKind::Scalar(value.into_owned())
                }
            }
            Event::SequenceStart(..) => {
                let mut items = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    match event {
                        Event::SequenceEnd | Event::StreamEnd => break,
                        e => items.push(self.node(e, span)?),
                    }
                }
                NodeKind::Seq(items)
            }
            Event::MappingStart(..) => NodeKind::Map(self.mapping()?),
            _ => {
                // An alias (`*name`): data files spell every value out, and
                // refusing aliases rules out "billion laughs" expansion.
                self.diags.push(
                    Diagnostic::error("aliases (`*name`) are not used in data files")
                        .at(self.loc(at))
                        .help("write the value out in full"),
                );
                NodeKind::Null
            }
        };
        Ok(Node { kind, at })
    }

    fn mapping(&mut self) -> Result<Vec<Entry>, Stop> {
        let mut entries = Vec::new();
        let mut first_at: BTreeMap<String, usize> = BTreeMap::new();
        loop {
            let (event, span) = self.next()?;
            let key = match event {
                Event::MappingEnd | Event::StreamEnd => return Ok(entries),
                e => self.node(e, span)?,
            };
            let (value_event, value_span) = self.next()?;
            let value = self.node(value_event, value_span)?;
            let NodeKind::Scalar(name) = key.kind else {
                self.diags.push(
                    Diagnostic::error(format!(
                        "a key must be a single word, not {}",
                        shape(&key.kind)
                    ))
                    .at(self.loc(key.at))
                    .help("keys are names such as `title:`; see docs/data-format.md"),
                );
                continue;
            };
            if let Some(&first) = first_at.get(&name) {
                self.diags.push(
                    Diagnostic::error(format!("duplicate key `{name}`"))
                        .at(self.loc(key.at))
                        .label(self.loc(first), "first defined here")
                        .help("a key appears once in a mapping: remove one of them"),
                );
                continue;
            }
            first_at.insert(name.clone(), key.at);
            entries.push(Entry {
                key: name,
                key_at: key.at,
                value,
            });
        }
    }
}

/// YAML's null spellings, for a plain scalar.
fn is_null(s: &str) -> bool {
    matches!(s, "" | "~" | "null" | "Null" | "NULL")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> (Option<Node>, Vec<Diagnostic>) {
        let mut d = Vec::new();
        let n = parse(Path::new("x.yaml"), text, &mut d);
        (n, d)
    }

    fn map(n: &Node) -> &[Entry] {
        match &n.kind {
            NodeKind::Map(m) => m,
            other => panic!("not a map: {other:?}"),
        }
    }

    #[test]
    fn scalars_keep_their_text_and_nulls_are_plain_only() {
        let text = "a: 017054\nb: \"null\"\nc: null\nd:\ne: !!str null\nf: |\n  x\n";
        let (n, d) = tree(text);
        assert!(d.is_empty(), "{d:?}");
        let m = map(n.as_ref().unwrap());
        let kinds: Vec<&NodeKind> = m.iter().map(|e| &e.value.kind).collect();
        assert_eq!(
            kinds,
            [
                &NodeKind::Scalar("017054".into()),
                &NodeKind::Scalar("null".into()),
                &NodeKind::Null,
                &NodeKind::Null,
                &NodeKind::Scalar("null".into()),
                &NodeKind::Scalar("x\n".into()),
            ]
        );
        assert_eq!(m[1].key_at, text.find("b:").unwrap());
        assert_eq!(m[1].value.at, text.find("\"null\"").unwrap());
    }

    #[test]
    fn duplicate_keys_are_reported_and_reading_goes_on() {
        let (n, d) = tree("a: 1\nb: 2\na: 3\nc: [x, y]\n");
        let m = map(n.as_ref().unwrap());
        assert_eq!(m.len(), 3);
        assert_eq!(m[0].value.kind, NodeKind::Scalar("1".into()));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].message, "duplicate key `a`");
        assert_eq!(d[0].location.as_ref().unwrap().line, 3);
        assert_eq!(d[0].labels[0].0.line, 1);
    }

    #[test]
    fn syntax_errors_aliases_and_documents() {
        let (n, d) = tree("a: [x\n");
        assert!(n.is_none());
        assert!(d[0].message.starts_with("invalid YAML"), "{d:?}");
        let (_, d) = tree("a: &x 1\nb: *x\n");
        assert!(d[0].message.contains("aliases"), "{d:?}");
        assert_eq!(d[0].location.as_ref().unwrap().line, 2);
        let (_, d) = tree("a: 1\n---\nb: 2\n");
        assert!(d[0].message.contains("more than one"), "{d:?}");
        let (n, d) = tree("# only a comment\n");
        assert!(n.is_none() && d.is_empty());
    }
}
