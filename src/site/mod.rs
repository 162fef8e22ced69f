//! Site: runs a build from start to finish. Loads config, content and
//! templates, renders every page in parallel, adds sitemap, aliases and
//! static files, and hands it all to `output` (or discards it for `check`).

mod context;
mod sitemap;

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::config::Config;
use crate::content::{self, Content, Page};
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::markdown::{self, Links, shortcode::Expander, shortcode::PageInfo};
use crate::output::Sink;
use crate::templates::{self, StaticFile, Templates};

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
    let content = content::load(root, &config.title, opts.drafts);
    let templates = Templates::load(root, &config.theme);
    let statics = templates::static_files(root, &config.theme);
    let (content, mut templates, statics) = match (content, templates, statics) {
        (Ok(c), Ok(t), Ok(s)) if !diags.has_errors() => (c, t, s),
        (c, t, s) => {
            for r in [c.err(), t.err(), s.err()].into_iter().flatten() {
                diags.extend(r.0);
            }
            diags.sort();
            return Err(diags);
        }
    };

    let base_path = config.base_path().to_string();
    templates.set_global("config", &context::config(&config));
    templates.set_global("base_path", &base_path);

    let sink = match &opts.out {
        Some(out) => Sink::staging(out).map_err(Diagnostics::from)?,
        None => Sink::Discard,
    };

    // Render and write every page in parallel; nothing is kept in memory
    // longer than it takes to write it.
    let nav = context::NavCache::new(&content, &base_path);
    let results: Vec<Result<Diagnostics, Diagnostics>> = (0..content.pages.len())
        .into_par_iter()
        .map(|i| {
            let (out, warnings) = render_page(&content, i, &config, &templates, &nav)?;
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

    let extra = extra_outputs(&content, &config, &templates, &nav);
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
        .map(|rel| sink.copy(&content_dir.join(rel), rel))
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
        pages: content.pages.len(),
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
) -> Result<(Output, Diagnostics), Diagnostics> {
    let page = &content.pages[i];
    let base_path = config.base_path();
    let url = format!("{base_path}{}", page.url);
    let resolve = |rel: &str| {
        content
            .by_rel
            .get(rel)
            .map(|&j| content.pages[j].url.clone())
    };
    let links = Links {
        base_path,
        source_dir: page.source_dir(),
        resolve_md: &resolve,
    };
    let expander = Expander {
        templates: Some(templates),
        page: PageInfo {
            title: &page.title,
            url: &url,
        },
    };
    let rendered =
        markdown::render(page.body(), &expander, &links, config.toc_levels).map_err(|errs| {
            Diagnostics(
                errs.into_iter()
                    .map(|e| {
                        let loc = Location::at_offset(
                            &page.file,
                            &page.source,
                            page.body_start + e.offset,
                        );
                        e.into_diagnostic(loc)
                    })
                    .collect(),
            )
        })?;
    let mut warnings = Diagnostics::new();
    for md in &rendered.broken_md_links {
        warnings.push(link_warning(page, md, "no such page"));
    }
    for (target, written) in &rendered.internal_links {
        if !link_resolves(content, target) {
            warnings.push(link_warning(page, written, "no page or file at this path"));
        }
    }
    let template = match page.kind {
        content::PageKind::Home if templates.has("index.html") => "index.html",
        content::PageKind::Home | content::PageKind::Section => "section.html",
        content::PageKind::Page => "page.html",
    };
    let ctx = context::page(content, i, config, &rendered, nav);
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

fn link_warning(page: &Page, written: &str, why: &str) -> Diagnostic {
    let offset = page.source[page.body_start..]
        .find(written)
        .map_or(page.body_start, |o| page.body_start + o);
    Diagnostic::warning(format!("broken link `{written}`: {why}"))
        .at(Location::at_offset(&page.file, &page.source, offset))
        .help("fix the path, or remove the link")
}

fn link_resolves(content: &Content, target: &str) -> bool {
    let path = target.split(['#', '?']).next().unwrap_or("");
    let key = path.trim_start_matches('/');
    let as_dir = if key.is_empty() || key.ends_with('/') {
        key.to_string()
    } else {
        format!("{key}/")
    };
    content.by_url.contains_key(&as_dir)
        || content.by_url.contains_key(key.trim_end_matches("index.html"))
        || content.files.iter().any(|f| f == key)
        // Pages of later stages (incidents, services, feeds) and theme files
        // are not content; links to them are checked by their own stages.
        || ["incidents/", "services/", "availability/", "css/", "atom.xml", "sitemap.xml"]
            .iter()
            .any(|p| key.starts_with(p))
}

/// Aliases, sitemap and 404 page.
fn extra_outputs(
    content: &Content,
    config: &Config,
    templates: &Templates,
    nav: &context::NavCache,
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
        html: sitemap::render(content, config, &[]),
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
