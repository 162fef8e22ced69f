//! Render: turns every entry of the output plan into bytes, in parallel, and
//! hands them to a sink (disk, memory, or nothing for `check`).
//!
//! Sees only the public view (`publish::PublicSite`) and the plan
//! (`urls::Plan`): no renderer can reach a confidential incident, and no
//! renderer decides an output path. Page-level problems (a bad shortcode, a
//! broken link) come back as diagnostics with the page; one bad page never
//! stops the others, so a run reports all of them.

pub mod availability;
pub mod charts;
pub mod context;
pub mod exports;
pub mod feed;
pub mod format;
pub mod incidents;
pub mod links;
pub mod search;
pub mod sitemap;
pub mod uptime;
mod xml;

use std::collections::HashMap;
use std::path::Path;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, Page, PageKind};
use crate::diag::{Diagnostics, Location};
use crate::markdown::{self, Links, shortcode};
use crate::output::Sink;
use crate::publish::PublicSite;
use crate::templates::{StaticFile, Templates};
use crate::urls::{self, Job, Plan};
use shortcode::{Expander, PageInfo};

/// Everything rendering needs, shared by all jobs.
pub struct Renderer<'a> {
    pub public: &'a PublicSite<'a>,
    pub plan: &'a Plan<'a>,
    pub config: &'a Config,
    pub templates: &'a Templates,
    pub root: &'a Path,
    nav: context::NavCache,
    latest: Vec<incidents::IncidentSummary>,
    /// Unknown shortcodes when `[shortcodes] unknown = "warn"`.
    missing: shortcode::Missing,
    /// Files read by `include`, once per build.
    includes: shortcode::IncludeCache,
}

/// What a run produced.
#[derive(Debug, Default)]
pub struct Counts {
    /// HTML pages (handbook pages, post-mortems, indexes; not redirects).
    pub pages: usize,
    /// Everything else: static files, copies, feed, sitemap, redirects.
    pub files: usize,
    /// Outside links of pages and narratives, for `check --external`.
    pub external: Vec<links::External>,
}

enum Bytes<'a> {
    Owned(String),
    Builtin(&'a str),
    Copy(std::path::PathBuf),
}

impl<'a> Renderer<'a> {
    pub fn new(
        public: &'a PublicSite<'a>,
        plan: &'a Plan<'a>,
        config: &'a Config,
        templates: &'a Templates,
        root: &'a Path,
    ) -> Renderer<'a> {
        let nav = context::NavCache::new(
            public.content,
            config.base_path(),
            templates.refers_to("nav"),
        );
        let mut r = Renderer {
            public,
            plan,
            config,
            templates,
            root,
            nav,
            latest: Vec::new(),
            missing: shortcode::Missing::default(),
            includes: shortcode::IncludeCache::default(),
        };
        r.latest = r.incident_views().latest(5);
        r
    }

    fn record_views(&self) -> Option<availability::Record<'_>> {
        Some(availability::Record {
            public: self.public,
            record: self.public.record.as_ref()?,
            config: self.config,
        })
    }

    fn incident_views(&self) -> incidents::Views<'_> {
        incidents::Views {
            public: self.public,
            config: self.config,
        }
    }

    /// Renders and writes every planned output; nothing is kept in memory
    /// longer than it takes to write it.
    pub fn run(&self, sink: &Sink, time: &mut crate::timings::Timings) -> (Counts, Diagnostics) {
        // The search files need every page's words: they are written last.
        let (entries, search_parts): (Vec<_>, Vec<_>) = self
            .plan
            .entries
            .iter()
            .partition(|(_, e)| !matches!(e.job, Job::Search(_)));
        type Done<'f> = (
            bool,
            Diagnostics,
            links::Found<'f>,
            Option<links::Ids>,
            Option<search::Doc>,
        );
        // Each entry's search facts, made once. Search ids by URL before
        // rendering: pages post their terms as they render instead of
        // keeping them.
        let metas: Vec<_> = entries
            .iter()
            .map(|(_, e)| search::meta(self, e.job, &e.url))
            .collect();
        let postings =
            search::Postings::new(metas.iter().flatten().map(|m| m.url.clone()).collect());
        let results: Vec<Done<'_>> = entries
            .par_iter()
            .zip(metas)
            .map(|((path, entry), meta)| {
                let is_page = matches!(
                    entry.job,
                    Job::Page(_)
                        | Job::Incident(_)
                        | Job::Service(_)
                        | Job::IncidentIndex
                        | Job::IncidentActions
                        | Job::ServiceIndex
                        | Job::AvailabilityIndex
                        | Job::AvailabilityMonth(_)
                        | Job::TrendsMonth(_)
                );
                let mut diags = Diagnostics::new();
                let mut found = links::Found::default();
                // A page's ids, for the fragment checks after the render.
                let mut ids = None;
                let mut doc = None;
                match self.render(entry.job, path, &mut found) {
                    Ok(Bytes::Owned(text)) => {
                        if is_page {
                            ids = Some(links::ids_of(&text));
                        }
                        doc = meta.map(|meta| postings.doc(meta, &text));
                        diags.extend(sink.write(path, text.as_bytes()).err())
                    }
                    Ok(Bytes::Builtin(text)) => {
                        diags.extend(sink.write(path, text.as_bytes()).err())
                    }
                    Ok(Bytes::Copy(from)) => diags.extend(sink.copy(&from, path).err()),
                    Err(d) => diags.extend(d.0),
                }
                (is_page, diags, found, ids, doc)
            })
            .collect();
        time.mark("render");
        let mut counts = Counts::default();
        let mut diags = Diagnostics::new();
        let mut found = links::Found::default();
        let mut ids = HashMap::new();
        let mut docs = Vec::new();
        for ((is_page, d, f, page_ids, doc), (path, _)) in results.into_iter().zip(&entries) {
            docs.extend(doc);
            if is_page {
                counts.pages += 1;
            } else {
                counts.files += 1;
            }
            diags.extend(d.0);
            found.extend(f);
            if let Some(page_ids) = page_ids {
                ids.insert((*path).clone(), page_ids);
            }
        }
        let parts: Vec<_> = search_parts
            .iter()
            .filter_map(|(path, e)| match e.job {
                Job::Search(part) => Some((*path, part)),
                _ => None,
            })
            .collect();
        // Anchors first: every page's ids are freed before the search
        // files, the build's last peak of memory, are made.
        diags.extend(links::check_fragments(&found.pending, &ids).0);
        drop(ids);
        diags.extend(found.warnings.0);
        drop(found.pending);
        time.mark("collect + anchors");
        let (pages, files, d) = search::write(self, &parts, docs, postings, sink);
        time.mark("search");
        counts.pages += pages;
        counts.files += files;
        diags.extend(d.0);
        counts.external = found.external;
        diags.extend(self.missing.warning());
        (counts, diags)
    }

    fn render(
        &self,
        job: Job<'a>,
        path: &str,
        found: &mut links::Found<'a>,
    ) -> Result<Bytes<'_>, Diagnostics> {
        let views = self.incident_views();
        let content = self.public.content;
        let html = match job {
            Job::Page(k) => self.page(k, path, found)?,
            Job::Alias(k) => self.alias(&content.pages[k])?,
            Job::NotFound => {
                let ctx = context::not_found(content, self.config, &self.nav);
                self.templates.render("404.html", &ctx)?
            }
            Job::IncidentIndex => self.data_page("incidents.html", views.index_context())?,
            Job::IncidentActions => self.data_page("actions.html", views.actions_context())?,
            Job::ServiceIndex => self.data_page("services.html", views.services_context())?,
            Job::Service(k) => {
                let service = &self.public.services[k];
                let mut ctx = views.service_context(service);
                if let Some(r) = self.record_views() {
                    ctx.insert("availability", &r.service_block(&service.service.id));
                }
                self.data_page("service.html", ctx)?
            }
            Job::Incident(k) => {
                let incident = &self.public.incidents[k];
                let narrative = match incident.narrative {
                    Some(page) => {
                        let url = format!(
                            "{}{}",
                            self.config.base_path(),
                            urls::incident(incident.id())
                        );
                        let rendered = self.markdown(page, &url, path, found)?;
                        Some(rendered)
                    }
                    None => None,
                };
                self.data_page(
                    "incident.html",
                    views.incident_context(incident, narrative.as_ref()),
                )?
            }
            Job::Feed => feed::atom(self.public, self.config),
            Job::IncidentsJson => exports::incidents(self.public, self.config),
            Job::AvailabilityIndex => {
                let ctx = self
                    .record_views()
                    .expect("planned with a record")
                    .history_context();
                self.data_page("availability.html", ctx)?
            }
            Job::AvailabilityMonth(k) => {
                let r = self.record_views().expect("planned with a record");
                let m = &r.record.availability.months[k];
                self.data_page("availability-month.html", r.month_context(&views, m))?
            }
            Job::TrendsMonth(k) => {
                let r = self.record_views().expect("planned with a record");
                self.data_page("trends-month.html", r.trends_context(&r.record.months[k]))?
            }
            Job::AvailabilityJson => exports::availability(self.public),
            Job::TrendsJson => exports::trends(self.public),
            Job::Sitemap => sitemap::render(&self.plan.listed(), self.config),
            Job::Static(StaticFile::Builtin(text)) => return Ok(Bytes::Builtin(text)),
            Job::Static(StaticFile::Disk(path)) => return Ok(Bytes::Copy(path.clone())),
            Job::ContentFile(rel) => {
                return Ok(Bytes::Copy(self.root.join(content::CONTENT_DIR).join(rel)));
            }
            Job::Search(_) => unreachable!("search files are written by `search::write`"),
        };
        Ok(Bytes::Owned(html))
    }

    /// A handbook page: markdown, links checked against the plan, template.
    fn page(
        &self,
        k: usize,
        path: &str,
        found: &mut links::Found<'a>,
    ) -> Result<String, Diagnostics> {
        let content = self.public.content;
        let page = &content.pages[k];
        let url = format!("{}{}", self.config.base_path(), page.url);
        let rendered = self.markdown(page, &url, path, found)?;
        let template = match page.kind {
            PageKind::Home => "index.html",
            PageKind::Section => "section.html",
            PageKind::Page => "page.html",
        };
        let mut ctx = context::page(content, k, self.config, &rendered, &self.nav);
        if page.kind == PageKind::Home {
            ctx.insert("latest_incidents", &self.latest);
            ctx.insert("pending_reviews", &self.incident_views().pending_reviews());
            if let Some(r) = self.record_views() {
                ctx.insert("latest_availability", &r.latest(3));
                ctx.insert(
                    "availability_url",
                    &format!("{}{}", self.config.base_path(), urls::AVAILABILITY),
                );
            }
        }
        self.templates.render(template, &ctx).map_err(|d| {
            let help = format!("while rendering {} with {template}", page.file.display());
            Diagnostics::from(match d.help {
                Some(_) => d,
                None => d.help(help),
            })
        })
    }

    fn alias(&self, page: &Page) -> Result<String, Diagnostics> {
        let mut ctx = tera::Context::new();
        ctx.insert(
            "target",
            &format!("{}{}", self.config.base_path(), page.url),
        );
        ctx.insert(
            "permalink",
            &format!("{}/{}", self.config.origin_and_path(), page.url),
        );
        ctx.insert("title", &page.title);
        Ok(self.templates.render("alias.html", &ctx)?)
    }

    /// Pages made from data get the site's header and sidebar.
    fn data_page(&self, template: &str, mut ctx: tera::Context) -> Result<String, Diagnostics> {
        ctx.extend(context::chrome(
            self.public.content,
            self.config.base_path(),
            &self.nav,
        ));
        Ok(self.templates.render(template, &ctx)?)
    }

    /// Markdown of one page (or narrative) → HTML, with its errors located
    /// in the page's file.
    /// Its links are checked here, while the page's text is at hand to
    /// locate them (a long page's text is read from disk again).
    fn markdown(
        &self,
        page: &'a Page,
        url: &str,
        path: &str,
        found: &mut links::Found<'a>,
    ) -> Result<markdown::Rendered, Diagnostics> {
        let content = self.public.content;
        let resolve = |rel: &str| links::resolve_md(content, rel);
        let links = Links {
            base_url: &self.config.base_url,
            base_path: self.config.base_path(),
            source_dir: page.source_dir(),
            resolve_md: &resolve,
        };
        let include = |rel: &str| {
            self.includes
                .get(rel, |rel| content::read_include(self.root, rel))
        };
        let warn = self.config.shortcodes.unknown == crate::config::Level::Warn;
        let expander = Expander {
            templates: Some(self.templates),
            page: PageInfo {
                title: &page.title,
                url,
            },
            options: shortcode::Options {
                missing: warn.then_some(&self.missing),
                include: Some(&include),
                rel: &page.rel,
                markdown: self.config.markdown,
            },
        };
        let text = page.text()?;
        let body = &text[page.body_start..];
        let rendered = if page.is_html {
            // HTML pages: shortcodes only, the body passes through.
            markdown::render_html_page(body, &expander, &links)
        } else {
            markdown::render_with(
                body,
                &expander,
                &links,
                self.config.toc_levels,
                &self.config.markdown,
            )
        };
        let rendered = rendered.map_err(|errs| {
            Diagnostics(
                errs.into_iter()
                    .map(|e| {
                        let loc =
                            Location::at_offset(&page.file, &text, page.body_start + e.offset);
                        e.into_diagnostic(loc)
                    })
                    .collect(),
            )
        })?;
        links::check_page(self.plan, page, &text, path, &rendered, found);
        Ok(rendered)
    }
}
