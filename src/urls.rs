//! URLs and the output plan: every path a build writes, decided in one
//! place before anything is rendered.
//!
//! `plan` lists each output file once with what makes it (`Job`) and where it
//! comes from (`Origin`); a path claimed twice (an alias onto a generated
//! page, `content/incidents/_index.md` against the incident index, a file
//! where another output needs a folder) is an error naming both origins.
//! Rendering then runs over the plan, and link checking asks the plan.
//! URL strings here are relative to the site's base path: `""` is home,
//! folders end in `/`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::content::frontmatter::Spanned;
use crate::content::paths::{decode_path, encode_path};
use crate::content::{CONTENT_DIR, Page};
use crate::data::Id;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::publish::PublicSite;
use crate::templates::StaticFile;

pub const INCIDENTS: &str = "incidents/";
pub const SERVICES: &str = "services/";
pub const FEED: &str = "incidents/atom.xml";
pub const INCIDENT_ACTIONS: &str = "incidents/actions/";
pub const SITEMAP: &str = "sitemap.xml";
pub const NOT_FOUND: &str = "404.html";
pub const API_INCIDENTS: &str = "api/incidents.json";
pub const API_AVAILABILITY: &str = "api/availability.json";
pub const API_TRENDS: &str = "api/trends.json";
pub const AVAILABILITY: &str = "availability/";
pub const TRENDS: &str = "trends/";
/// The search page; its index files sit beside it (`render::search`).
pub const SEARCH: &str = "search/";
/// Shards of the search index and its excerpt files: fixed, so the plan
/// knows every path before anything is rendered.
pub const SEARCH_SHARDS: usize = 256;
pub const TEXT_FILES: usize = 64;

pub fn incident(id: &Id) -> String {
    format!("{INCIDENTS}{id}/")
}

pub fn service(id: &Id) -> String {
    format!("{SERVICES}{id}/")
}

/// The file behind a URL: folders get `index.html`.
pub fn file_for(url: &str) -> String {
    if url.is_empty() || url.ends_with('/') {
        format!("{url}index.html")
    } else {
        url.to_string()
    }
}

/// The URL rules, in one place. A link inside text from upstream may be
/// relative, http(s) or mailto; anything else (`javascript:`, `data:`,
/// `vbscript:`, with any case, whitespace or control characters hidden in
/// the scheme) is not published.
pub fn is_safe_link(url: &str) -> bool {
    let lower: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(12)
        .collect::<String>()
        .to_ascii_lowercase();
    match lower.find(':') {
        None => true,
        Some(i) => {
            let scheme = &lower[..i];
            // A colon after a path or query character is not a scheme.
            scheme.contains(['/', '?', '#']) || matches!(scheme, "http" | "https" | "mailto")
        }
    }
}

/// A link field from data (an issue URL, an action's link) must be an
/// absolute http(s) URL without whitespace or control characters. `data`
/// checks it on load (with a location), renderers again.
pub fn is_safe_external(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// What produces an output file.
#[derive(Clone, Copy)]
pub enum Job<'a> {
    /// A handbook page, by index into `Content::pages`.
    Page(usize),
    /// A redirect to a page, from one of its `aliases`.
    Alias(usize),
    NotFound,
    IncidentIndex,
    /// `/incidents/actions/`: open corrective actions of public incidents.
    IncidentActions,
    /// A post-mortem, by index into `PublicSite::incidents`.
    Incident(usize),
    ServiceIndex,
    /// By index into `PublicSite::services`.
    Service(usize),
    Feed,
    Sitemap,
    /// `/api/incidents.json`.
    IncidentsJson,
    /// `/availability/`.
    AvailabilityIndex,
    /// `/availability/YYYY-MM/`, by index into the record's months.
    AvailabilityMonth(usize),
    /// `/trends/YYYY-MM/`, by index into `PublicRecord::months`.
    TrendsMonth(usize),
    AvailabilityJson,
    TrendsJson,
    Static(&'a StaticFile),
    /// A file under `content/` (relative to it), copied as it is.
    ContentFile(&'a str),
    /// `/search/`, `/search/index.json`, `/search/shard-NN.json` and
    /// `/search/text-NN.json`: written after every page (`render::search`).
    Search(SearchPart),
}

/// The files of the search (see `Job::Search`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SearchPart {
    Page,
    Manifest,
    Shard(usize),
    Text(usize),
}

impl SearchPart {
    /// The file's name in the search folder (`""`: the page, the folder
    /// itself): the plan's paths and the manifest's names both come from it.
    pub fn file_name(self) -> String {
        match self {
            SearchPart::Page => String::new(),
            SearchPart::Manifest => "index.json".to_string(),
            SearchPart::Shard(k) => format!("shard-{k:02}.json"),
            SearchPart::Text(k) => format!("text-{k:02}.json"),
        }
    }
}

/// Every search output with its path.
pub fn search_parts() -> Vec<(String, SearchPart)> {
    let shards = (0..SEARCH_SHARDS).map(SearchPart::Shard);
    let texts = (0..TEXT_FILES).map(SearchPart::Text);
    [SearchPart::Page, SearchPart::Manifest]
        .into_iter()
        .chain(shards)
        .chain(texts)
        .map(|part| (format!("{SEARCH}{}", part.file_name()), part))
        .collect()
}

/// Where an output comes from, for collision messages.
#[derive(Debug, Clone)]
pub struct Origin {
    /// What it is, in words: "the page", "the incident index".
    pub what: String,
    pub location: Location,
}

pub struct Entry<'a> {
    /// The URL (relative to the base path) that serves this file.
    pub url: String,
    pub job: Job<'a>,
    pub origin: Origin,
    /// Listed in `sitemap.xml`.
    pub listed: bool,
}

/// Every output file of a build, by `/`-separated path inside the output.
#[derive(Default)]
pub struct Plan<'a> {
    pub entries: BTreeMap<String, Entry<'a>>,
    /// The paths of `entries`, hashed: every link of every page is looked
    /// up (half a million at 5,000 pages), a B-tree walk of string
    /// comparisons each. Built on first use: `entries` must not change after.
    index: std::sync::OnceLock<rustc_hash::FxHashSet<String>>,
}

impl<'a> Plan<'a> {
    pub fn new(entries: BTreeMap<String, Entry<'a>>) -> Plan<'a> {
        Plan {
            entries,
            index: Default::default(),
        }
    }

    /// Whether `path` (inside the output) is planned.
    pub fn has(&self, path: &str) -> bool {
        self.index
            .get_or_init(|| self.entries.keys().cloned().collect())
            .contains(path)
    }

    /// The planned file a site-relative location `key` (decoded, without
    /// leading `/`) lands on: itself, or its `index.html`.
    pub fn file_of(&self, key: &str) -> Option<String> {
        let mut file = String::new();
        self.file_of_into(key, &mut file).then_some(file)
    }

    /// `file_of` into `file` (cleared first), so that the half a million
    /// link look-ups of a large site reuse one buffer.
    pub fn file_of_into(&self, key: &str, file: &mut String) -> bool {
        file.clear();
        file.push_str(key);
        if key.is_empty() || key.ends_with('/') {
            file.push_str("index.html");
            return self.has(file);
        }
        if self.has(key) {
            return true;
        }
        file.push_str("/index.html");
        self.has(file)
    }

    /// Claims the file behind `path` (a UTF-8 location such as `a/b/`);
    /// `url` is the same location percent-encoded, for links.
    fn claim(
        &mut self,
        path: &str,
        url: String,
        job: Job<'a>,
        origin: Origin,
        listed: bool,
        diags: &mut Diagnostics,
    ) {
        let path = file_for(path);
        if let Some(first) = self.entries.get(&path) {
            diags.push(collision(&path, &origin, &first.origin));
            return;
        }
        self.entries.insert(
            path,
            Entry {
                url,
                job,
                origin,
                listed,
            },
        );
    }

    /// URLs listed in the sitemap, sorted.
    pub fn listed(&self) -> Vec<&str> {
        let mut urls: Vec<&str> = self
            .entries
            .values()
            .filter(|e| e.listed)
            .map(|e| e.url.as_str())
            .collect();
        urls.sort_unstable();
        urls
    }

    /// Errors for an output file that sits where another output needs a
    /// folder (`incidents` the file against `incidents/index.html`).
    fn check_file_folder_clashes(&self, diags: &mut Diagnostics) {
        for (path, entry) in &self.entries {
            let mut cut = path.len();
            while let Some(slash) = path[..cut].rfind('/') {
                cut = slash;
                if let Some(file) = self.entries.get(&path[..cut]) {
                    diags.push(collision(path, &entry.origin, &file.origin));
                    break;
                }
            }
        }
    }
}

fn collision(path: &str, second: &Origin, first: &Origin) -> Diagnostic {
    Diagnostic::error(format!(
        "{} and {} both write /{path}",
        second.what, first.what
    ))
    .at(second.location.clone())
    .label(first.location.clone(), format!("{} claims it first", first.what))
    .help("rename or remove one of them (an alias may not point at a URL that something else publishes)")
}

fn page_origin(page: &Page) -> Origin {
    Origin {
        what: format!("the page {}", page.file.display()),
        location: Location::at_offset(&page.file, &page.source, 0),
    }
}

fn generated(what: &str, file: &Path) -> Origin {
    Origin {
        what: what.to_string(),
        location: Location::file(file),
    }
}

/// An alias as written → the URL it claims, or why it is not one.
pub fn alias_url(alias: &str) -> Result<String, &'static str> {
    let clean = alias.trim_matches('/');
    if alias.contains("://") || alias.starts_with("//") {
        return Err("an alias is a path inside the site, not a URL");
    }
    if clean.split('/').any(|c| c == ".." || c == ".")
        || alias.contains(['\\', '?', '#'])
        || alias.chars().any(char::is_control)
    {
        return Err("an alias is a plain path inside the site");
    }
    Ok(if clean.is_empty() {
        String::new()
    } else if clean.ends_with(".html") {
        clean.to_string()
    } else {
        format!("{clean}/")
    })
}

/// Where an alias is written in its page's front matter.
pub fn alias_location(page: &Page, alias: &Spanned<String>) -> Location {
    Location::at_offset(&page.file, &page.source, alias.offset)
}

/// Plans a build. Generated pages claim their paths first, so that a
/// collision is reported at the user's file (the alias or page that
/// collides), with the generated output as the other origin.
pub fn plan<'a>(
    public: &'a PublicSite<'a>,
    statics: &'a BTreeMap<String, StaticFile>,
    root: &Path,
) -> (Plan<'a>, Diagnostics) {
    let mut plan = Plan::default();
    let mut diags = Diagnostics::new();
    let d = &mut diags;
    let content = public.content;
    let data_dir = Path::new(crate::data::DATA_DIR);
    // Generated locations are ASCII ids: their path is their URL.
    let generate = |plan: &mut Plan<'a>, at: String, job, origin, listed, d: &mut Diagnostics| {
        plan.claim(&at.clone(), at, job, origin, listed, d);
    };

    if public.has_record {
        let incidents_dir = data_dir.join("incidents");
        let index = generated("the incident index", &incidents_dir);
        generate(
            &mut plan,
            INCIDENTS.into(),
            Job::IncidentIndex,
            index,
            true,
            d,
        );
        let actions = generated("the corrective-actions page", &incidents_dir);
        generate(
            &mut plan,
            INCIDENT_ACTIONS.into(),
            Job::IncidentActions,
            actions,
            true,
            d,
        );
        let feed = generated("the post-mortem feed", &incidents_dir);
        generate(&mut plan, FEED.into(), Job::Feed, feed, false, d);
        let json = generated("the incident export", &incidents_dir);
        generate(
            &mut plan,
            API_INCIDENTS.into(),
            Job::IncidentsJson,
            json,
            false,
            d,
        );
        let services = generated("the service index", &data_dir.join("services.yaml"));
        generate(
            &mut plan,
            SERVICES.into(),
            Job::ServiceIndex,
            services,
            true,
            d,
        );
        for (k, s) in public.services.iter().enumerate() {
            let origin = Origin {
                what: format!("the page of service `{}`", s.service.id),
                location: location_of(&s.service.origin),
            };
            generate(
                &mut plan,
                service(&s.service.id),
                Job::Service(k),
                origin,
                true,
                d,
            );
        }
        for (k, i) in public.incidents.iter().enumerate() {
            let origin = Origin {
                what: format!("the post-mortem of incident `{}`", i.id()),
                location: location_of(&i.incident().origin),
            };
            generate(
                &mut plan,
                incident(i.id()),
                Job::Incident(k),
                origin,
                true,
                d,
            );
            for f in &i.bundle {
                // The name as published (lower case, ...), beside the page.
                let name = |p: &'a str| p.rsplit_once('/').map_or(p, |(_, n)| n);
                let origin = Origin {
                    what: format!("the post-mortem file content/{}", f.rel),
                    location: Location::file(&Path::new(CONTENT_DIR).join(&f.rel)),
                };
                plan.claim(
                    &format!("{}{}", incident(i.id()), name(&f.path)),
                    format!("{}{}", incident(i.id()), name(&f.url)),
                    Job::ContentFile(&f.rel),
                    origin,
                    false,
                    d,
                );
            }
        }
    }
    if let Some(record) = &public.record {
        let from = generated("the availability record", data_dir);
        let g = |what: &str| generated(what, data_dir);
        generate(
            &mut plan,
            AVAILABILITY.into(),
            Job::AvailabilityIndex,
            from,
            true,
            d,
        );
        for (k, m) in record.availability.months.iter().enumerate() {
            if !m.imported {
                let what = format!("the availability update of {}", m.month);
                let url = format!("{AVAILABILITY}{}/", m.month);
                generate(&mut plan, url, Job::AvailabilityMonth(k), g(&what), true, d);
            }
        }
        for (k, m) in record.months.iter().enumerate() {
            let what = format!("the trends review of {}", m.month);
            let url = format!("{TRENDS}{}/", m.month);
            generate(&mut plan, url, Job::TrendsMonth(k), g(&what), true, d);
        }
        let json = g("the availability export");
        generate(
            &mut plan,
            API_AVAILABILITY.into(),
            Job::AvailabilityJson,
            json,
            false,
            d,
        );
        let json = g("the trends export");
        generate(
            &mut plan,
            API_TRENDS.into(),
            Job::TrendsJson,
            json,
            false,
            d,
        );
    }
    let sitemap = generated("the sitemap", Path::new(SITEMAP));
    generate(&mut plan, SITEMAP.into(), Job::Sitemap, sitemap, false, d);
    for (at, part) in search_parts() {
        let origin = generated("the search index", Path::new(SEARCH));
        generate(&mut plan, at, Job::Search(part), origin, false, d);
    }
    // Every theme has a 404 page: themes are layered over the default.
    let origin = generated("the 404 page", Path::new("templates/404.html"));
    generate(&mut plan, NOT_FOUND.into(), Job::NotFound, origin, false, d);
    for (k, page) in content.pages.iter().enumerate() {
        plan.claim(
            &page.path,
            page.url.clone(),
            Job::Page(k),
            page_origin(page),
            true,
            d,
        );
    }
    for (rel, file) in statics {
        let location = match file {
            StaticFile::Disk(path) => Location::file(path.strip_prefix(root).unwrap_or(path)),
            StaticFile::Builtin(_) => {
                Location::file(&PathBuf::from("themes/default/static").join(rel))
            }
        };
        let origin = Origin {
            what: format!("the static file {}", location.file.display()),
            location,
        };
        plan.claim(rel, encode_path(rel), Job::Static(file), origin, false, d);
    }
    for f in &content.files {
        let file = Path::new(CONTENT_DIR).join(&f.rel);
        let origin = Origin {
            what: format!("the file {}", file.display()),
            location: Location::file(&file),
        };
        plan.claim(
            &f.path,
            f.url.clone(),
            Job::ContentFile(&f.rel),
            origin,
            false,
            d,
        );
    }
    // Aliases last: they never win over a real output.
    for (k, page) in content.pages.iter().enumerate() {
        for alias in &page.front.aliases {
            let location = alias_location(page, alias);
            let written = &alias.value;
            match alias_url(written) {
                Ok(url) => {
                    let origin = Origin {
                        what: format!("the alias `{written}` of {}", page.file.display()),
                        location,
                    };
                    let path = decode_path(&url);
                    plan.claim(&path, url, Job::Alias(k), origin, false, d);
                }
                Err(why) => d.push(
                    Diagnostic::error(format!("alias `{written}` is not a path inside the site"))
                        .at(location)
                        .help(format!(
                            "{why}: write aliases as site paths such as /handbook/old-name/"
                        )),
                ),
            }
        }
    }
    plan.check_file_folder_clashes(d);
    (plan, diags)
}

fn location_of(origin: &crate::data::Origin) -> Location {
    Location::file(&origin.file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_behind_urls() {
        assert_eq!(file_for(""), "index.html");
        assert_eq!(file_for("a/b/"), "a/b/index.html");
        assert_eq!(file_for("old.html"), "old.html");
    }

    #[test]
    fn aliases_are_site_paths() {
        assert_eq!(alias_url("/old/name").unwrap(), "old/name/");
        assert_eq!(alias_url("/").unwrap(), "");
        assert_eq!(alias_url("/x.html").unwrap(), "x.html");
        for bad in [
            "https://evil.example/",
            "//evil.example/x",
            "/a/../../b",
            "/a?b",
            "/a\u{1}",
        ] {
            assert!(alias_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn external_links() {
        assert!(is_safe_external("https://gitlab.example.com/x/-/issues/1"));
        assert!(is_safe_external("HTTP://example.com"));
        for bad in [
            "javascript:alert(1)",
            "data:text/html,x",
            "/local",
            "https://a b",
            "ftp://x",
        ] {
            assert!(!is_safe_external(bad), "{bad}");
        }
    }
}
