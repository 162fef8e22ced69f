//! Site: runs a build from start to finish. Loads config, content and
//! templates, renders every page in parallel, adds sitemap, aliases and
//! static files, and hands it all to `output` (or discards it for `check`).

mod context;
pub mod incidents;
mod sitemap;

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use std::collections::{BTreeMap, BTreeSet};

use crate::config::Config;
use crate::content::{self, Content, Page};
use crate::data::{self, Dataset, Id};
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::markdown::{self, Links, shortcode::Expander, shortcode::PageInfo};
use crate::output::Sink;
use crate::templates::{self, StaticFile, Templates};

mod blameless;

pub struct BuildOptions {
    pub root: PathBuf,
    /// `None`: render and check everything, write nothing.
    pub out: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
}

#[derive(Debug)]
pub struct Report {
    pub pages: usize,
    pub files: usize,
    /// Warnings (errors make the build fail instead).
    pub diagnostics: Diagnostics,
    pub seconds: f64,
}

/// A rendered page on its way to the output.
struct Output {
    rel: String,
    html: String,
}

pub fn build(opts: &BuildOptions) -> Result<Report, Diagnostics> {
    let started = Instant::now();
    let root = &opts.root;
    let mut diags = Diagnostics::new();

    let mut config = Config::load(root).unwrap_or_else(|d| {
        diags.push(d);
        Config::default()
    });
    if let Some(url) = &opts.base_url {
        config.base_url = if url.ends_with('/') {
            url.clone()
        } else {
            format!("{url}/")
        };
    }
    // Every stage runs even when an earlier one found errors, so that one
    // run reports all of them; only a theme that cannot load stops early.
    let (content, content_diags) = content::load(root, &config.title, opts.drafts);
    diags.extend(content_diags.0);
    let (data, data_ok) = match data::load(root) {
        Ok((d, warnings)) => {
            diags.extend(warnings.0);
            (d, true)
        }
        Err(e) => {
            diags.extend(e.0);
            (Dataset::default(), false)
        }
    };
    let statics = templates::static_files(root, &config.theme).unwrap_or_else(|e| {
        diags.extend(e.0);
        BTreeMap::new()
    });
    let mut templates = match Templates::load(root, &config.theme) {
        Ok(t) => t,
        Err(e) => {
            diags.extend(e.0);
            diags.sort();
            return Err(diags);
        }
    };

    let base_path = config.base_path().to_string();
    templates.set_global("config", &context::config(&config));
    templates.set_global("base_path", &base_path);
    templates.set_global("data_nav", &context::data_nav(&data, &base_path));

    // Post-mortem narratives join their incidents; they are rendered first
    // so that the incident pages can merge them.
    // With broken snapshots every narrative would look orphaned: report the
    // snapshot errors alone.
    let narratives = match render_narratives(&content, &data, &config, &templates) {
        _ if !data_ok => {
            diags.extend(orphan_narratives(root, &content).0);
            BTreeMap::new()
        }
        Ok((n, w)) => {
            diags.extend(w.0);
            n
        }
        Err(d) => {
            diags.extend(d.0);
            BTreeMap::new()
        }
    };
    let incident_pages = incidents::Pages {
        data: &data,
        config: &config,
        narratives: &narratives,
        as_of: incidents::as_of(&data),
    };
    diags.extend(blameless::check(root, &data, &content, &config).0);
    let home_extra = incident_pages.latest(5);

    let sink = match &opts.out {
        Some(out) => Sink::staging(out).map_err(Diagnostics::from)?,
        None => Sink::Discard,
    };

    // Render and write every page in parallel; nothing is kept in memory
    // longer than it takes to write it.
    let nav = context::NavCache::new(&content, &base_path);
    let targets = known_targets(&content, &statics, &data);
    let results: Vec<Result<Diagnostics, Diagnostics>> = (0..content.pages.len())
        .into_par_iter()
        .map(|i| {
            let (out, warnings) = render_page(
                &content,
                i,
                &config,
                &templates,
                &nav,
                &home_extra,
                &targets,
            )?;
            sink.write(&out.rel, out.html.as_bytes())
                .map_err(Diagnostics::from)?;
            Ok(warnings)
        })
        .collect();
    for r in results {
        match r {
            Ok(w) | Err(w) => diags.extend(w.0),
        }
    }

    let data_urls =
        data_pages(&incident_pages, &templates, &content, &nav, &sink).unwrap_or_else(|d| {
            diags.extend(d.0);
            Vec::new()
        });
    let extra = extra_outputs(&content, &config, &templates, &nav, &data_urls);
    let mut files = 0;
    match extra {
        Ok(outputs) => {
            for o in outputs {
                if let Err(d) = sink.write(&o.rel, o.html.as_bytes()) {
                    diags.push(d);
                }
            }
        }
        Err(d) => diags.extend(d.0),
    }
    // Static files: theme, then site `static/`, then files beside the content.
    for (rel, file) in &statics {
        let r = match file {
            StaticFile::Disk(path) => sink.copy(path, rel),
            StaticFile::Builtin(text) => sink.write(rel, text.as_bytes()),
        };
        files += 1;
        if let Err(d) = r {
            diags.push(d);
        }
    }
    let content_dir = root.join(content::CONTENT_DIR);
    let copied: Vec<Result<(), Diagnostic>> = content
        .files
        .par_iter()
        .filter_map(|rel| match rel.strip_prefix(content::POSTMORTEMS_DIR) {
            None => Some(sink.copy(&content_dir.join(rel), rel)),
            // Files of a post-mortem bundle (`postmortems/<id>/x.svg`) go
            // beside its incident's page, and only for public incidents.
            Some(inner) => {
                let (id, file) = inner.split_once('/')?;
                let incident = Id::parse(id).and_then(|id| data.incident(&id))?;
                (!incident.confidential)
                    .then(|| sink.copy(&content_dir.join(rel), &format!("incidents/{id}/{file}")))
            }
        })
        .collect();
    files += copied.len();
    diags.extend(copied.into_iter().filter_map(Result::err));

    diags.sort();
    if diags.has_errors() {
        sink.abort();
        return Err(diags);
    }
    sink.commit().map_err(Diagnostics::from)?;
    Ok(Report {
        pages: content.pages.len() + data_urls.len(),
        files,
        diagnostics: diags,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Renders one page to its final HTML. Warnings come back with the page.
fn render_page(
    content: &Content,
    i: usize,
    config: &Config,
    templates: &Templates,
    nav: &context::NavCache,
    latest: &[incidents::IncidentSummary],
    targets: &BTreeSet<String>,
) -> Result<(Output, Diagnostics), Diagnostics> {
    let page = &content.pages[i];
    let url = format!("{}{}", config.base_path(), page.url);
    let rendered = render_markdown(page, &url, content, config, templates)?;
    let mut warnings = Diagnostics::new();
    for link in &rendered.broken_md_links {
        warnings.push(link_warning(page, link, "no such page"));
    }
    for link in &rendered.internal_links {
        if !link_resolves(content, targets, &link.target) {
            warnings.push(link_warning(page, link, "no page or file at this path"));
        }
    }
    let template = match page.kind {
        content::PageKind::Home if templates.has("index.html") => "index.html",
        content::PageKind::Home | content::PageKind::Section => "section.html",
        content::PageKind::Page => "page.html",
    };
    let mut ctx = context::page(content, i, config, &rendered, nav);
    if page.kind == content::PageKind::Home {
        ctx.insert("latest_incidents", latest);
    }
    let html = templates.render(template, &ctx).map_err(|d| {
        let help = format!("while rendering {} with {template}", page.file.display());
        Diagnostics::from(match d.help {
            Some(_) => d,
            None => d.help(help),
        })
    })?;
    Ok((
        Output {
            rel: format!("{}index.html", page.url),
            html,
        },
        warnings,
    ))
}

/// Markdown of one page (or narrative) → HTML, with its errors located in
/// the page's file.
fn render_markdown(
    page: &Page,
    url: &str,
    content: &Content,
    config: &Config,
    templates: &Templates,
) -> Result<markdown::Rendered, Diagnostics> {
    let resolve = |rel: &str| {
        content
            .by_rel
            .get(rel)
            .map(|&j| content.pages[j].url.clone())
    };
    let links = Links {
        base_path: config.base_path(),
        source_dir: page.source_dir(),
        resolve_md: &resolve,
    };
    let expander = Expander {
        templates: Some(templates),
        page: PageInfo {
            title: &page.title,
            url,
        },
    };
    markdown::render(page.body(), &expander, &links, config.toc_levels).map_err(|errs| {
        Diagnostics(
            errs.into_iter()
                .map(|e| {
                    let loc =
                        Location::at_offset(&page.file, &page.source, page.body_start + e.offset);
                    e.into_diagnostic(loc)
                })
                .collect(),
        )
    })
}

fn link_warning(page: &Page, link: &markdown::LinkRef, why: &str) -> Diagnostic {
    let offset = page.body_start + link.offset;
    Diagnostic::warning(format!("broken link `{}`: {why}", link.written))
        .at(Location::at_offset(&page.file, &page.source, offset))
        .help("fix the path, or remove the link")
}

fn link_resolves(content: &Content, targets: &BTreeSet<String>, target: &str) -> bool {
    let path = target.split(['#', '?']).next().unwrap_or("");
    let key = path.trim_start_matches('/');
    let as_dir = if key.is_empty() || key.ends_with('/') {
        key.to_string()
    } else {
        format!("{key}/")
    };
    let dir_of_index = key.strip_suffix("index.html").unwrap_or(key);
    content.by_url.contains_key(&as_dir)
        || content.by_url.contains_key(dir_of_index)
        || targets.contains(key)
        || targets.contains(&as_dir)
        || targets.contains(dir_of_index)
}

/// Every path the build writes besides content pages (static files, pages
/// made from data, aliases, feeds), for checking links before anything is
/// rendered. A link to a confidential incident finds no page here.
fn known_targets(
    content: &Content,
    statics: &BTreeMap<String, StaticFile>,
    data: &Dataset,
) -> BTreeSet<String> {
    let mut t: BTreeSet<String> = statics.keys().cloned().collect();
    t.extend(content.files.iter().cloned());
    t.extend(["sitemap.xml", "404.html"].map(String::from));
    for page in &content.pages {
        t.extend(page.front.aliases.iter().map(|a| {
            let a = a.trim_matches('/');
            if a.is_empty() || a.ends_with(".html") {
                a.to_string()
            } else {
                format!("{a}/")
            }
        }));
    }
    if !(data.services.is_empty() && data.incidents.is_empty()) {
        t.extend(["incidents/", "services/", "incidents/atom.xml"].map(String::from));
        t.extend(
            data.public_incidents()
                .map(|i| format!("incidents/{}/", i.id)),
        );
        t.extend(data.services.iter().map(|s| format!("services/{}/", s.id)));
    }
    t
}

/// Aliases, sitemap and 404 page.
fn extra_outputs(
    content: &Content,
    config: &Config,
    templates: &Templates,
    nav: &context::NavCache,
    data_urls: &[String],
) -> Result<Vec<Output>, Diagnostics> {
    let mut out = Vec::new();
    let mut diags = Diagnostics::new();
    let base_path = config.base_path();
    for page in &content.pages {
        for alias in &page.front.aliases {
            let clean = alias.trim_matches('/');
            if clean.split('/').any(|c| c == ".." || c == ".") || alias.contains("://") {
                diags.push(
                    Diagnostic::error(format!("alias `{alias}` is not a path inside the site"))
                        .at(alias_location(page, alias))
                        .help("write aliases as site paths such as /handbook/old-name/"),
                );
                continue;
            }
            let rel = if clean.is_empty() {
                "index.html".to_string()
            } else if clean.ends_with(".html") {
                clean.to_string()
            } else {
                format!("{clean}/index.html")
            };
            if content.by_url.contains_key(&format!("{clean}/")) {
                diags.push(
                    Diagnostic::error(format!("alias `{alias}` is the URL of an existing page"))
                        .at(alias_location(page, alias))
                        .help("remove the alias or the other page"),
                );
                continue;
            }
            let mut ctx = tera::Context::new();
            ctx.insert("target", &format!("{base_path}{}", page.url));
            ctx.insert(
                "permalink",
                &format!("{}/{}", config.origin_and_path(), page.url),
            );
            ctx.insert("title", &page.title);
            match templates.render("alias.html", &ctx) {
                Ok(html) => out.push(Output { rel, html }),
                Err(d) => diags.push(d),
            }
        }
    }
    out.push(Output {
        rel: "sitemap.xml".into(),
        html: sitemap::render(content, config, data_urls),
    });
    if templates.has("404.html") {
        let ctx = context::not_found(content, config, nav);
        match templates.render("404.html", &ctx) {
            Ok(html) => out.push(Output {
                rel: "404.html".into(),
                html,
            }),
            Err(d) => diags.push(d),
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(out)
    }
}

fn alias_location(page: &Page, alias: &str) -> Location {
    let offset = page.source[..page.body_start].find(alias).unwrap_or(0);
    Location::at_offset(&page.file, &page.source, offset)
}

/// The site root a command works on: `--root`, or the current directory.
pub fn root_or_cwd(root: Option<&Path>) -> PathBuf {
    root.map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// When the snapshots have errors, narratives are only checked against the
/// snapshot files that exist (nothing is rendered from broken data).
fn orphan_narratives(root: &Path, content: &Content) -> Diagnostics {
    let ids = data::incident_ids_on_disk(root);
    let mut diags = Diagnostics::new();
    for page in &content.narratives {
        match page.front.incident.as_deref() {
            Some(id) if ids.contains(id) => {}
            Some(id) => diags.push(
                Diagnostic::error(format!("post-mortem narrative for unknown incident `{id}`"))
                    .at(incident_key(page))
                    .help("the id must match a file data/incidents/YYYY/<id>.yaml"),
            ),
            None => diags.push(no_incident_key(page)),
        }
    }
    diags
}

/// Where the `incident:` key of a narrative's front matter is.
fn incident_key(page: &Page) -> Location {
    let front = &page.source[..page.body_start];
    let offset = front
        .match_indices("incident")
        .find(|(i, _)| {
            (*i == 0 || front.as_bytes()[i - 1] == b'\n')
                && front[i + 8..].trim_start().starts_with([':', '='])
        })
        .map_or(0, |(i, _)| i);
    Location::at_offset(&page.file, &page.source, offset)
}

fn no_incident_key(page: &Page) -> Diagnostic {
    Diagnostic::error("post-mortem narrative without `incident:`")
        .at(Location::at_offset(&page.file, &page.source, 0))
        .help("add `incident: \"<id>\"` to the front matter: the id of the incident in data/incidents/")
}

/// Renders `content/postmortems/*.md` for public incidents. A narrative
/// whose `incident:` is missing or unknown is an error; one for a
/// confidential incident is not rendered at all.
fn render_narratives(
    content: &Content,
    data: &Dataset,
    config: &Config,
    templates: &Templates,
) -> Result<(BTreeMap<Id, incidents::Narrative>, Diagnostics), Diagnostics> {
    let results: Vec<Result<Option<(Id, incidents::Narrative)>, Diagnostics>> = content
        .narratives
        .par_iter()
        .map(|page| {
            let Some(raw) = page.front.incident.as_deref() else {
                return Err(Diagnostics::from(no_incident_key(page)));
            };
            let incident = Id::parse(raw).and_then(|id| data.incident(&id));
            let Some(incident) = incident else {
                return Err(Diagnostics::from(
                    Diagnostic::error(format!(
                        "post-mortem narrative for unknown incident `{raw}`"
                    ))
                    .at(incident_key(page))
                    .help("the id must match a file data/incidents/YYYY/<id>.yaml"),
                ));
            };
            if incident.confidential {
                return Ok(None);
            }
            let url = incidents::incident_url(config.base_path(), &incident.id);
            let rendered = render_markdown(page, &url, content, config, templates)?;
            Ok(Some((
                incident.id.clone(),
                incidents::Narrative {
                    title: page.title.clone(),
                    sections: rendered.sections,
                },
            )))
        })
        .collect();
    let mut out = BTreeMap::new();
    let mut diags = Diagnostics::new();
    for r in results {
        match r {
            Ok(Some((id, n))) => {
                out.insert(id, n);
            }
            Ok(None) => {}
            Err(d) => diags.extend(d.0),
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok((out, diags))
    }
}

/// Pages made from data: incidents, services, the feed, rendered and
/// written in parallel. Returns their URLs (relative to the base path) for
/// the sitemap.
fn data_pages(
    pages: &incidents::Pages<'_>,
    templates: &Templates,
    content: &Content,
    nav: &context::NavCache,
    sink: &Sink,
) -> Result<Vec<String>, Diagnostics> {
    let data = pages.data;
    if data.services.is_empty() && data.incidents.is_empty() {
        return Ok(Vec::new());
    }
    let shared = |mut ctx: tera::Context| {
        ctx.extend(context::chrome(content, pages.config.base_path(), nav));
        ctx
    };
    type Job<'a> = (
        String,
        &'static str,
        Box<dyn Fn() -> tera::Context + Sync + 'a>,
    );
    let mut jobs: Vec<Job<'_>> = vec![
        (
            "incidents/".into(),
            "incidents.html",
            Box::new(|| pages.index_context()),
        ),
        (
            "services/".into(),
            "services.html",
            Box::new(|| pages.services_context()),
        ),
    ];
    for i in data.public_incidents() {
        jobs.push((
            format!("incidents/{}/", i.id),
            "incident.html",
            Box::new(move || pages.incident_context(i)),
        ));
    }
    for s in &data.services {
        jobs.push((
            format!("services/{}/", s.id),
            "service.html",
            Box::new(move || pages.service_context(s)),
        ));
    }
    let mut diags = Diagnostics(
        jobs.par_iter()
            .filter_map(
                |(url, template, ctx)| match templates.render(template, &shared(ctx())) {
                    Ok(html) => sink
                        .write(&format!("{url}index.html"), html.as_bytes())
                        .err(),
                    Err(d) => Some(d),
                },
            )
            .collect(),
    );
    if let Err(d) = sink.write("incidents/atom.xml", pages.atom().as_bytes()) {
        diags.push(d);
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(jobs.into_iter().map(|(url, _, _)| url).collect())
}
