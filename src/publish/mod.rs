//! Publish: the confidentiality boundary. Builds, once per build, the public
//! view of the site — the only thing `urls` and `render` ever see.
//!
//! Where "public" is decided: `PublicSite::new`. A confidential incident
//! becomes a number in `Figures` and nothing else; its text, narrative and
//! bundle files are not reachable from a `PublicSite`. Narratives join their
//! incidents here (`incident:` in the front matter), and the rules that keep
//! that join unambiguous are enforced here: one narrative per incident, a
//! bundle folder named after its incident, no narrative for an unknown id.

pub mod blameless;
pub mod record;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Utc};

use crate::analyse::record::Analysis;
use crate::analyse::{Figures, ServiceFigures};
use crate::content::{Content, ContentFile, POSTMORTEMS_DIR, Page, Postmortems};
use crate::data::{Dataset, Id, Incident, Service};
use crate::diag::{Diagnostic, Diagnostics, Location};

/// An incident that may be published, with its narrative and bundle files.
/// Only `PublicSite::new` makes one, and only from a non-confidential
/// incident.
pub struct PublicIncident<'a> {
    incident: &'a Incident,
    /// `content/postmortems/<id>.md` or `<id>/index.md`.
    pub narrative: Option<&'a Page>,
    /// Files of the narrative's bundle (`postmortems/<id>/diagram.svg`),
    /// published beside the post-mortem.
    pub bundle: Vec<&'a ContentFile>,
}

impl<'a> PublicIncident<'a> {
    pub fn incident(&self) -> &'a Incident {
        self.incident
    }

    pub fn id(&self) -> &'a Id {
        &self.incident.id
    }
}

pub struct PublicService<'a> {
    pub service: &'a Service,
    /// Counts of all its incidents, confidential ones included.
    pub figures: ServiceFigures,
    /// Indices into `PublicSite::incidents`, newest first.
    pub incidents: Vec<usize>,
}

pub struct PublicYear {
    pub year: i32,
    /// All incidents of the year by severity, confidential ones included.
    pub counts: [usize; 4],
    /// Indices into `PublicSite::incidents`, newest first.
    pub incidents: Vec<usize>,
}

/// The public view of the site.
pub struct PublicSite<'a> {
    /// The handbook, public as a whole (drafts are already out). Narratives
    /// and their files are not in it: they are reachable only through
    /// `incidents`.
    pub content: &'a Content,
    /// Oldest first, as in the data.
    pub incidents: Vec<PublicIncident<'a>>,
    pub services: Vec<PublicService<'a>>,
    pub years: Vec<PublicYear>,
    pub figures: Figures,
    /// The "as of" instant of this build.
    pub as_of: DateTime<Utc>,
    /// Whether there is an incident record at all (services or incidents):
    /// without one, no incident or service pages are made.
    pub has_record: bool,
    /// The availability record and the monthly statistics, when there is
    /// any data to make them from.
    pub record: Option<record::PublicRecord<'a>>,
}

impl<'a> PublicSite<'a> {
    /// Draws the boundary. Narrative problems are reported in `diags`; the
    /// offending narratives are left out. `broken_ids` are incidents whose
    /// snapshot failed to load (already reported): their narratives are
    /// skipped silently rather than called orphans.
    pub fn new(
        content: &'a Content,
        postmortems: &'a Postmortems,
        data: &'a Dataset,
        analysis: &'a Analysis,
        as_of: DateTime<Utc>,
        broken_ids: &BTreeSet<String>,
        diags: &mut Diagnostics,
    ) -> PublicSite<'a> {
        let figures = analysis.figures.clone();
        let mut incidents: Vec<PublicIncident<'a>> = Vec::new();
        let mut index: BTreeMap<&Id, usize> = BTreeMap::new();
        for i in data.incidents.iter().filter(|i| !i.confidential) {
            index.insert(&i.id, incidents.len());
            incidents.push(PublicIncident {
                incident: i,
                narrative: None,
                bundle: Vec::new(),
            });
        }

        let known: BTreeMap<&Id, &Incident> = data.incidents.iter().map(|i| (&i.id, i)).collect();
        // Bundle folder → the public incident its files go with.
        let mut bundles: BTreeMap<&str, usize> = BTreeMap::new();
        // Every bundle folder with a narrative, whatever became of it.
        let narrated: BTreeSet<&str> = postmortems
            .narratives
            .iter()
            .filter_map(bundle_folder)
            .collect();
        for page in &postmortems.narratives {
            let Some(raw) = page.front.incident.as_deref() else {
                diags.push(no_incident_key(page));
                continue;
            };
            let Some(incident) = Id::parse(raw).and_then(|id| known.get(&id).copied()) else {
                if broken_ids.contains(raw) {
                    continue;
                }
                diags.push(
                    Diagnostic::error(format!(
                        "post-mortem narrative for unknown incident `{raw}`"
                    ))
                    .at(incident_key(page))
                    .help("the id must match a file data/incidents/YYYY/<id>.yaml"),
                );
                continue;
            };
            let folder = bundle_folder(page);
            if let Some(folder) = folder
                && folder != incident.id.as_str()
            {
                diags.push(
                    Diagnostic::error(format!(
                        "post-mortem bundle `postmortems/{folder}/` is for incident `{}`",
                        incident.id
                    ))
                    .at(incident_key(page))
                    .help(format!(
                        "a bundle's files are published with its incident: rename the folder to \
                         content/postmortems/{}/, or fix `incident:`",
                        incident.id
                    )),
                );
                continue;
            }
            let Some(&k) = index.get(&incident.id) else {
                // Confidential: nothing of it is published, not even its files.
                continue;
            };
            if let Some(first) = incidents[k].narrative {
                diags.push(
                    Diagnostic::error(format!(
                        "two post-mortem narratives for incident `{}`",
                        incident.id
                    ))
                    .at(incident_key(page))
                    .label(incident_key(first), "the first narrative for it")
                    .help("merge them into one file: an incident has one post-mortem"),
                );
                continue;
            }
            diags.extend(misspelt_headings(page));
            if !page.front.draft {
                diags.extend(placeholders(page));
            }
            incidents[k].narrative = Some(page);
            if let Some(folder) = folder {
                bundles.insert(folder, k);
            }
        }
        for file in &postmortems.files {
            let rel = &file.rel;
            let Some(inner) = rel.strip_prefix(POSTMORTEMS_DIR) else {
                continue;
            };
            // Files of bundles that did not join a public incident (a
            // confidential one, an error above) stay unpublished.
            let folder = inner.split_once('/').map(|(f, _)| f);
            match folder.and_then(|f| bundles.get(f)) {
                Some(&k) => incidents[k].bundle.push(file),
                None if folder.is_some_and(|f| narrated.contains(f)) => {}
                None => diags.push(
                    Diagnostic::warning(format!(
                        "content/{rel} is not part of a post-mortem bundle; it is not published"
                    ))
                    .at(Location::file(&std::path::Path::new(crate::content::CONTENT_DIR).join(rel)))
                    .help("files of a post-mortem go beside its narrative: content/postmortems/<id>/index.md"),
                ),
            }
        }

        let mut per_year: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
        for (k, i) in incidents.iter().enumerate().rev() {
            per_year
                .entry(i.incident.started_at.year())
                .or_default()
                .push(k);
        }
        let years = figures
            .years
            .iter()
            .map(|y| PublicYear {
                year: y.year,
                counts: y.counts,
                incidents: per_year.remove(&y.year).unwrap_or_default(),
            })
            .collect();
        let services = data
            .services
            .iter()
            .map(|s| PublicService {
                service: s,
                figures: figures.per_service.get(&s.id).cloned().unwrap_or_default(),
                incidents: (0..incidents.len())
                    .rev()
                    .filter(|&k| incidents[k].incident.services.contains(&s.id))
                    .collect(),
            })
            .collect();
        let pages_months = data.pages.iter().map(|p| p.month).collect();
        let record = record::PublicRecord::new(
            analysis,
            &incidents,
            &data.incidents,
            &data.maintenance,
            &pages_months,
        );
        PublicSite {
            content,
            has_record: !(data.services.is_empty() && data.incidents.is_empty()),
            record,
            incidents,
            services,
            years,
            figures,
            as_of,
        }
    }

    pub fn service(&self, id: &Id) -> Option<&PublicService<'a>> {
        self.services
            .binary_search_by(|s| s.service.id.cmp(id))
            .ok()
            .map(|k| &self.services[k])
    }

    /// Latest public incidents, newest first.
    pub fn latest(&self, n: usize) -> impl Iterator<Item = &PublicIncident<'a>> {
        self.incidents.iter().rev().take(n)
    }
}

/// Warnings for narrative `## headings` one or two typos away from a review
/// section ("Summry"): they would land among the extra sections.
fn misspelt_headings(page: &Page) -> Vec<Diagnostic> {
    use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
    let mut out = Vec::new();
    let mut heading: Option<(usize, String)> = None;
    for (event, range) in Parser::new(page.resident_body()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) => heading = Some((range.start, String::new())),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = heading.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => {
                let Some((offset, text)) = heading.take() else {
                    continue;
                };
                if crate::postmortem::classify(&text).is_some() {
                    continue;
                }
                if let Some(title) = crate::postmortem::near_miss(&text) {
                    out.push(
                        Diagnostic::warning(format!(
                            "post-mortem heading `{}` is not a review section",
                            text.trim()
                        ))
                        .at(Location::at_offset(
                            &page.file,
                            &page.source,
                            page.body_start + offset,
                        ))
                        .help(format!(
                            "did you mean `{title}`? Unknown headings are shown after the review's sections"
                        )),
                    );
                }
            }
            _ => {}
        }
    }
    out
}

/// Warnings (errors under `check --strict`) for the scaffold's `TODO`
/// markers left in a review that is no longer a draft: unfinished text
/// must not reach the public site unnoticed. Code is not searched.
fn placeholders(page: &Page) -> Vec<Diagnostic> {
    use pulldown_cmark::{Event, Parser};
    let marker = crate::scaffold::PLACEHOLDER;
    let body = page.resident_body();
    let mut out = Vec::new();
    for (event, range) in Parser::new(body).into_offset_iter() {
        if !matches!(event, Event::Text(_)) {
            continue;
        }
        let text = &body[range.clone()];
        for (i, _) in text.match_indices(marker) {
            let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
            if word(text[..i].chars().next_back()) || word(text[i + marker.len()..].chars().next())
            {
                continue;
            }
            out.push(
                Diagnostic::warning(format!(
                    "unfilled placeholder `{marker}` in a published post-mortem"
                ))
                .at(Location::at_offset(
                    &page.file,
                    &page.source,
                    page.body_start + range.start + i,
                ))
                .help(format!(
                    "write the section and delete the {marker} text, or put `draft: true` back \
                     in the front matter until the review is finished"
                )),
            );
        }
    }
    out
}

/// `Some("x")` for a bundle narrative `postmortems/x/index.md`.
fn bundle_folder(page: &Page) -> Option<&str> {
    page.rel
        .strip_prefix(POSTMORTEMS_DIR)?
        .strip_suffix("/index.md")
        .filter(|f| !f.contains('/'))
}

/// Where the `incident:` key of a narrative's front matter is.
pub fn incident_key(page: &Page) -> Location {
    let offset = page.front.key_offset("incident").unwrap_or(0);
    Location::at_offset(&page.file, &page.source, offset)
}

fn no_incident_key(page: &Page) -> Diagnostic {
    Diagnostic::error("post-mortem narrative without `incident:`")
        .at(Location::at_offset(&page.file, &page.source, 0))
        .help("add `incident: \"<id>\"` to the front matter: the id of the incident in data/incidents/")
}
