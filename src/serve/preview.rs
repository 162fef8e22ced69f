//! The fast path of `serve`: after a handbook page or narrative is saved,
//! render that one page again with the data and figures of the last good
//! build, so its new HTML is served before the full rebuild has finished.
//!
//! It runs the stages of `build` in the same order, but keeps the loaded
//! snapshots and their analysis (the slow part) and renders only the
//! entries made from the saved file. Whatever it gets wrong (a title that
//! changes the sidebar of other pages) the full rebuild that follows puts
//! right; any error here just means "wait for the full rebuild".

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, Utc};

use crate::analyse::{self, record::Analysis};
use crate::content;
use crate::data::{self, Dataset};
use crate::diag::Diagnostics;
use crate::output::{Published, Sink};
use crate::publish::PublicSite;
use crate::render::Renderer;
use crate::settings::{BuildOptions, Settings};
use crate::templates::{self, Templates};
use crate::urls::{self, Job, Plan};

/// The slow, page-independent part of a build: `data/` and its figures.
/// Valid while `data/` and `opsbook.toml` are unchanged.
pub struct DataCache {
    data: Dataset,
    analysis: Analysis,
    as_of: DateTime<Utc>,
}

impl DataCache {
    /// Loads `data/` and analyses it; `None` when the data or the settings
    /// have errors (the fast path is then off until they are fixed).
    pub fn load(opts: &BuildOptions) -> Option<DataCache> {
        let (settings, diags) = Settings::new(opts).ok()?;
        let loaded = data::load(&settings.root);
        if diags.has_errors() || loaded.diagnostics.has_errors() {
            return None;
        }
        let as_of = settings.as_of.resolve(&loaded.dataset);
        let analysis = analyse::record::run(&loaded.dataset, &settings.config, as_of);
        Some(DataCache {
            data: loaded.dataset,
            analysis,
            as_of,
        })
    }
}

/// Renders the outputs made from `changed` (a page under `content/`,
/// relative to the site root): the page itself, or the post-mortem its
/// narrative joins. `None` when the site does not build cleanly so far.
pub fn render_changed(
    opts: &BuildOptions,
    cache: &DataCache,
    changed: &Path,
) -> Option<BTreeMap<String, Vec<u8>>> {
    let (settings, diags) = Settings::new(opts).ok()?;
    let root = &settings.root;
    let config = &settings.config;
    let (content, postmortems, content_diags) = content::load(root, &config.title, settings.drafts);
    if diags.has_errors() || content_diags.has_errors() {
        return None;
    }
    let statics = templates::static_files(root, &config.theme).ok()?;
    let mut templates = Templates::load(root, &config.theme).ok()?;
    let mut diags = Diagnostics::new();
    let public = PublicSite::new(
        &content,
        &postmortems,
        &cache.data,
        &cache.analysis,
        cache.as_of,
        // The cache holds only data without errors: no incident is
        // missing because its file failed to load.
        &BTreeSet::new(),
        &mut diags,
    );
    let (mut plan, plan_diags) = urls::plan(&public, &statics, root);
    if diags.has_errors() || plan_diags.has_errors() {
        return None;
    }
    let made_from_changed = |job: &Job<'_>| match *job {
        Job::Page(k) => content.pages[k].file == changed,
        Job::Incident(k) => public.incidents[k]
            .narrative
            .is_some_and(|p| p.file == changed),
        _ => false,
    };
    let entries = std::mem::take(&mut plan.entries)
        .into_iter()
        .filter(|(_, e)| made_from_changed(&e.job))
        .collect::<BTreeMap<_, _>>();
    if entries.is_empty() {
        return None;
    }
    let one = Plan::new(entries);

    crate::build::set_template_globals(&mut templates, config, &public);
    let sink = Sink::memory();
    // Link warnings are meaningless against a one-entry plan; the full
    // rebuild reports them.
    let (_, render_diags) = Renderer::new(&public, &one, config, &templates, root)
        .run(&sink, &mut crate::timings::Timings::start());
    if render_diags.has_errors() {
        return None;
    }
    match sink.commit().ok()? {
        Published::Memory(files) => Some(files),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_page_renders_as_the_full_build_renders_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("content/a")).unwrap();
        std::fs::write(
            root.join("content/_index.md"),
            "---\ntitle: Home\n---\nhi\n",
        )
        .unwrap();
        std::fs::write(root.join("content/a/_index.md"), "---\ntitle: A\n---\n").unwrap();
        std::fs::write(
            root.join("content/a/b.md"),
            "---\ntitle: B\n---\n## Two\n\n[up](../_index.md) text\n",
        )
        .unwrap();
        let opts = BuildOptions {
            root: root.to_path_buf(),
            base_url: Some("http://127.0.0.1:9/".into()),
            ..Default::default()
        };
        let (_, full) = crate::build::build_in_memory(&opts).unwrap();
        let cache = DataCache::load(&opts).unwrap();
        let one = render_changed(&opts, &cache, Path::new("content/a/b.md")).unwrap();
        assert_eq!(one.keys().collect::<Vec<_>>(), ["a/b/index.html"]);
        assert_eq!(
            String::from_utf8_lossy(&one["a/b/index.html"]),
            String::from_utf8_lossy(&full["a/b/index.html"])
        );
        // A file nothing is made from, or a page that does not load: no
        // fast path.
        assert!(render_changed(&opts, &cache, Path::new("content/x.md")).is_none());
        std::fs::write(root.join("content/a/b.md"), "---\ntitle: [\n---\n").unwrap();
        assert!(render_changed(&opts, &cache, Path::new("content/a/b.md")).is_none());
    }
}
