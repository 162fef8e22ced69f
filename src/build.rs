//! Build: runs the pipeline once, start to finish, and nothing else.
//!
//! settings → content + data (load) → analyse (figures) → publish (the
//! public view) → urls (the plan) → render → sink (disk, or nothing for
//! `check`). Every stage runs even when an earlier one found problems, so
//! one run reports all of them; only a theme that cannot load stops early.
//! The sink commits only when the whole run is free of errors.

use std::time::Instant;

use crate::analyse;
use crate::config::Config;
use crate::content;
use crate::data;
use crate::diag::Diagnostics;
use crate::output::{Published, Sink};
use crate::publish::{self, PublicSite};
use crate::render::{self, Renderer};
use crate::settings::{BuildOptions, Settings};
use crate::templates::{self, Templates};
use crate::timings::Timings;
use crate::urls;

#[derive(Debug)]
pub struct Report {
    pub pages: usize,
    pub files: usize,
    /// Warnings (errors make the build fail instead).
    pub diagnostics: Diagnostics,
    pub seconds: f64,
    /// Outside links and where they are written (`check --external`).
    pub external_links: Vec<render::links::External>,
}

pub fn build(opts: &BuildOptions) -> Result<Report, Diagnostics> {
    run(opts, false).map(|(report, _)| report)
}

/// Builds into memory (`opsbook serve`): every file by `/`-separated path.
pub fn build_in_memory(
    opts: &BuildOptions,
) -> Result<(Report, std::collections::BTreeMap<String, Vec<u8>>), Diagnostics> {
    let (report, published) = run(opts, true)?;
    match published {
        Published::Memory(files) => Ok((report, files)),
        _ => unreachable!("a memory sink publishes into memory"),
    }
}

/// The values every template sees; `serve`'s fast path sets the same.
pub(crate) fn set_template_globals(
    templates: &mut Templates,
    config: &Config,
    public: &PublicSite,
) {
    let base_path = config.base_path().to_string();
    templates.set_global("config", &render::context::config(config));
    templates.set_global("base_path", &base_path);
    templates.set_global(
        "data_nav",
        &render::context::data_nav(public.has_record, public.record.is_some(), &base_path),
    );
}

fn run(opts: &BuildOptions, memory: bool) -> Result<(Report, Published), Diagnostics> {
    let started = Instant::now();
    let mut time = Timings::start();
    let (settings, mut diags) = Settings::new(opts)?;
    let root = &settings.root;
    let config = &settings.config;

    let (content, postmortems, content_diags) = content::load(root, &config.title, settings.drafts);
    diags.extend(content_diags.0);
    time.mark("content");
    // A snapshot with errors is left out of the dataset; with any data
    // error the build fails, but everything else is still checked.
    let loaded = data::load(root);
    let data_ok = !loaded.diagnostics.has_errors();
    diags.extend(loaded.diagnostics.0);
    let data = loaded.dataset;
    time.mark("data");
    let statics = templates::static_files(root, &config.theme).unwrap_or_else(|e| {
        diags.extend(e.0);
        Default::default()
    });
    let mut templates = match Templates::load(root, &config.theme) {
        Ok(t) => t,
        Err(e) => {
            diags.extend(e.0);
            diags.sort();
            return Err(diags);
        }
    };

    time.mark("templates");
    let as_of = settings.as_of.resolve(&data);
    let analysis = analyse::record::run(&data, config, as_of);
    // With broken snapshots a narrative's incident may be missing from the
    // data only because its file failed to load: do not call it an orphan.
    let broken_ids = if data_ok {
        Default::default()
    } else {
        data::incident_ids_on_disk(root)
    };
    let public = PublicSite::new(
        &content,
        &postmortems,
        &data,
        &analysis,
        as_of,
        &broken_ids,
        &mut diags,
    );
    diags.extend(publish::blameless::check(root, &public, &config.blameless).0);
    time.mark("analyse + publish");

    let (plan, plan_diags) = urls::plan(&public, &statics, root);
    diags.extend(plan_diags.0);
    time.mark("plan");

    set_template_globals(&mut templates, config, &public);

    // A refused output is reported with everything else: render on into
    // nothing so that one run shows all errors.
    let sink = match &settings.out {
        _ if memory => Sink::memory(),
        Some(out) => Sink::disk(out, root).unwrap_or_else(|d| {
            diags.push(d);
            Sink::discard()
        }),
        None => Sink::discard(),
    };
    let renderer = Renderer::new(&public, &plan, config, &templates, root);
    time.mark("sink + navigation");
    let (counts, render_diags) = renderer.run(&sink, &mut time);
    diags.extend(render_diags.0);

    diags.sort();
    if diags.has_errors() {
        sink.abort();
        return Err(diags);
    }
    let published = sink.commit().map_err(Diagnostics::from)?;
    time.mark("commit");
    let report = Report {
        pages: counts.pages,
        files: counts.files,
        diagnostics: diags,
        seconds: started.elapsed().as_secs_f64(),
        external_links: counts.external,
    };
    Ok((report, published))
}
