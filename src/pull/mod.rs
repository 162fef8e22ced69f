//! `opsbook pull`: fetches incidents (GitLab), pages (PagerDuty) and SLIs
//! (Prometheus-compatible engines) and writes them as the canonical data
//! snapshots, staged and validated before anything under `data/` changes.
//!
//! The stage's parts:
//! - `http`: the one HTTP client (timeouts, retries, rate limits, secrets);
//! - `window`: which months and which incidents a run asks for;
//! - `gitlab`, `pagerduty`, `prometheus`: one module per source, each
//!   turning API answers into model records (`data::model`) and nothing
//!   else: they never touch files;
//! - `merge`: joins fetched records with the snapshots on disk, keeping
//!   the fields a source does not own (docs/pull.md lists them);
//! - `run` (here): the command. It writes only through
//!   `data::write::Staging`, validates the staged `data/` with the same
//!   loader as `build`, and moves it in only when every source succeeded.

pub mod gitlab;
pub mod http;
pub mod merge;
pub mod pagerduty;
pub mod progress;
pub mod prometheus;
pub mod window;

use crate::diag::{Diagnostic, Diagnostics};

pub use progress::Progress;

/// What every source gets: the HTTP client and the progress reporter.
pub struct Ctx<'a> {
    pub client: &'a http::Client,
    pub progress: &'a Progress,
}

/// What a source fetched, with the warnings it has for the user (skipped
/// records, unmapped names).
#[derive(Debug)]
pub struct Fetched<T> {
    pub records: T,
    pub warnings: Diagnostics,
}

/// A failed request as a diagnostic: the redacted URL, the status, a body
/// excerpt and what to do (all from `HttpError`, which never holds a token).
pub fn http_diag(source: &str, e: &http::HttpError) -> Diagnostic {
    Diagnostic::error(format!("{source}: {}", e.message())).help(e.help())
}

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::data::model::{Incident, PagesMonth, SliMonth};
use crate::data::write::{self, Staging};
use crate::diag::Location;

/// The sources, in the order they are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    GitLab,
    PagerDuty,
    Prometheus,
}

impl Source {
    pub const ALL: [Source; 3] = [Source::GitLab, Source::PagerDuty, Source::Prometheus];

    pub fn name(self) -> &'static str {
        match self {
            Source::GitLab => "gitlab",
            Source::PagerDuty => "pagerduty",
            Source::Prometheus => "prometheus",
        }
    }

    /// `gitlab`, `pagerduty`, `prometheus` (the names of `--only`).
    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|x| x.name() == s.trim())
    }
}

/// One run of `opsbook pull`.
#[derive(Debug, Clone)]
pub struct Options {
    pub root: PathBuf,
    pub span: window::Span,
    /// `--only`: these sources; `None`: every source opsbook.toml configures.
    pub only: Option<BTreeSet<Source>>,
    /// Fetch and validate, report what would change, write nothing.
    pub dry_run: bool,
    /// The current instant (the wall clock, or `--now` in tests).
    pub now: DateTime<Utc>,
    pub http: http::Settings,
}

/// What a successful run did.
#[derive(Debug)]
pub struct Outcome {
    /// Files changed (or that would change, with `--dry-run`), relative to
    /// the root.
    pub changed: Vec<PathBuf>,
    /// Warnings of the sources and of the validation of the new snapshots.
    pub warnings: Diagnostics,
    /// One line per source: what it fetched.
    pub fetched: Vec<String>,
}

/// Runs a pull: fetch every selected source, join with `data/`, stage,
/// validate with the loader, and move in only when all of it succeeded.
pub fn run(opts: &Options, progress: &Progress) -> Result<Outcome, Diagnostics> {
    let client = http::Client::new(opts.http.clone());
    run_with(opts, progress, &client)
}

/// `run` with a given client (tests pass one with a virtual clock).
pub fn run_with(
    opts: &Options,
    progress: &Progress,
    client: &http::Client,
) -> Result<Outcome, Diagnostics> {
    let root = &opts.root;
    if !root.is_dir() {
        return Err(
            Diagnostic::error(format!("the site root {} is not a folder", root.display()))
                .help("run `opsbook pull` in the handbook repository, or pass --root DIR")
                .into(),
        );
    }
    let config = Config::load(root)?;
    let sources = selected(&config, opts.only.as_ref())?;
    let auths = Auths::from_env(&config, &sources)?;
    let plan = window::plan(opts.span, opts.now)?;

    // The snapshots on disk: what the merge keeps, and a check that the
    // update starts from valid data (a broken file is fixed by hand first).
    let loaded = crate::data::load(root);
    if loaded.diagnostics.has_errors() {
        let mut diags = loaded.diagnostics;
        diags.push(Diagnostic::error(
            "data/ has errors: fix them before pulling (nothing was fetched or written)",
        ));
        return Err(diags);
    }
    let existing = loaded.dataset;
    check_mappings(root, &config, &sources, &existing)?;

    let ctx = Ctx { client, progress };
    let fetched = fetch_all(&ctx, &config, &auths, &sources, &plan)?;
    let mut warnings = fetched.warnings;
    let mut summary = Vec::new();

    let mut staging = Staging::new(root).map_err(|e| io_diag(root, &e))?;
    let stage = |rel: &Path, text: String, staging: &mut Staging| -> Result<(), Diagnostics> {
        staging
            .write(rel, &text)
            .map_err(|e| io_diag(rel, &e).into())
    };

    if let Some(incidents) = fetched.incidents {
        summary.push(format!("gitlab: {} incidents", incidents.len()));
        let by_id: BTreeMap<&str, &Incident> = existing
            .incidents
            .iter()
            .map(|i| (i.id.as_str(), i))
            .collect();
        let mut seen = BTreeSet::new();
        for fresh in incidents {
            seen.insert(fresh.id.as_str().to_string());
            let old = by_id.get(fresh.id.as_str()).copied();
            let merged = merge::incident(old, fresh);
            let path = write::incident_path(&merged);
            if let Some(old) =
                old.filter(|o| o.origin.file != path && !o.origin.file.as_os_str().is_empty())
            {
                // The start moved to another year: the snapshot moves too.
                staging
                    .remove(&old.origin.file)
                    .map_err(|e| Diagnostics::from(io_diag(&old.origin.file, &e)))?;
            }
            stage(&path, write::incident(&merged), &mut staging)?;
        }
        warnings.extend(gone_upstream(&existing.incidents, &seen, &plan.incidents));
    }
    if let Some(months) = fetched.pages {
        let total: usize = months.iter().map(|m| m.pages.len()).sum();
        summary.push(format!(
            "pagerduty: {total} pages in {} months",
            months.len()
        ));
        for m in months {
            stage(
                &write::pages_path(m.month),
                write::pages_month(&m),
                &mut staging,
            )?;
        }
    }
    if let Some(months) = fetched.sli {
        let mut written = 0;
        for m in months {
            if m.services.is_empty() {
                warnings.push(
                    Diagnostic::warning(format!(
                        "prometheus: the query gave no series for {}; data/sli/{}.yaml was not written",
                        m.month, m.month
                    ))
                    .help("check the query in [prometheus] and that the engine keeps samples that old"),
                );
                continue;
            }
            written += 1;
            stage(
                &write::sli_path(m.month),
                write::sli_month(&m),
                &mut staging,
            )?;
        }
        summary.push(format!("prometheus: {written} months of SLIs"));
    }

    let changed = staging.changes().map_err(|e| io_diag(staging.dir(), &e))?;
    if changed.is_empty() {
        // data/ was valid before the run and nothing changes.
        return Ok(Outcome {
            changed,
            warnings,
            fetched: summary,
        });
    }
    // Validate the next data/ exactly as `build` will read it.
    let next = staging.prepare().map_err(|e| io_diag(staging.dir(), &e))?;
    let checked = crate::data::load(&next);
    let mut problems = Diagnostics::new();
    for d in checked.diagnostics.0 {
        if d.is_error() {
            problems.push(d);
        } else if d
            .location
            .as_ref()
            .is_some_and(|l| changed.contains(&l.file))
        {
            warnings.push(d);
        }
    }
    if problems.has_errors() {
        problems.push(
            Diagnostic::error("the pulled snapshots are not valid: data/ was left as it was")
                .help("fix the records upstream or the mapping in opsbook.toml, then pull again"),
        );
        problems.extend(warnings.0);
        return Err(problems);
    }
    if opts.dry_run {
        return Ok(Outcome {
            changed,
            warnings,
            fetched: summary,
        });
    }
    let changed = staging.commit().map_err(|e| io_diag(root, &e))?;
    Ok(Outcome {
        changed,
        warnings,
        fetched: summary,
    })
}

fn io_diag(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write the update of data/: {e}"))
        .at(Location::file(path))
        .help("check that the site root is writable; data/ was left as it was")
}

/// Every service a `[*.services]` mapping names must be in services.yaml:
/// caught here, before any request, at the line of opsbook.toml.
fn check_mappings(
    root: &Path,
    config: &Config,
    sources: &[Source],
    data: &crate::data::Dataset,
) -> Result<(), Diagnostics> {
    let file = Path::new(crate::config::CONFIG_FILE);
    let text = std::fs::read_to_string(root.join(file)).unwrap_or_default();
    let mut diags = Diagnostics::new();
    let mut check = |section: &str, map: &BTreeMap<String, String>| {
        for (name, id) in map {
            let known =
                crate::data::model::Id::parse(id).is_some_and(|id| data.service(&id).is_some());
            if known {
                continue;
            }
            // The mapping's own line: its name and its value on one line.
            let needle = format!("\"{id}\"");
            let mut offset = 0;
            let mut found = None;
            for line in text.split_inclusive('\n') {
                if let Some(col) = line.find(&needle).filter(|_| line.contains(name.as_str())) {
                    found = Some(offset + col);
                    break;
                }
                offset += line.len();
            }
            let at = match found {
                Some(offset) => Location::at_offset(file, &text, offset),
                None => Location::file(file),
            };
            let ids: Vec<&str> = data.services.iter().map(|s| s.id.as_str()).collect();
            diags.push(
                Diagnostic::error(format!(
                    "[{section}.services] maps {name:?} to {id:?}, which is not a service in data/services.yaml"
                ))
                .at(at)
                .help(format!("use one of: {}", ids.join(", "))),
            );
        }
    };
    if let Some(g) = config
        .gitlab
        .as_ref()
        .filter(|_| sources.contains(&Source::GitLab))
    {
        check("gitlab", &g.services);
    }
    if let Some(p) = config
        .pagerduty
        .as_ref()
        .filter(|_| sources.contains(&Source::PagerDuty))
    {
        check("pagerduty", &p.services);
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(())
}

/// The sources to fetch: `--only`'s (each must be configured), else all
/// configured ones (at least one).
fn selected(config: &Config, only: Option<&BTreeSet<Source>>) -> Result<Vec<Source>, Diagnostics> {
    let configured = |s: Source| match s {
        Source::GitLab => config.gitlab.is_some(),
        Source::PagerDuty => config.pagerduty.is_some(),
        Source::Prometheus => config.prometheus.is_some(),
    };
    let at = Location::file(Path::new(crate::config::CONFIG_FILE));
    match only {
        Some(only) => {
            let mut diags = Diagnostics::new();
            for s in only.iter().filter(|s| !configured(**s)) {
                diags.push(
                    Diagnostic::error(format!(
                        "--only {} asks for a source opsbook.toml does not configure",
                        s.name()
                    ))
                    .at(at.clone())
                    .help(format!("add a [{}] section (see docs/pull.md)", s.name())),
                );
            }
            if diags.has_errors() {
                return Err(diags);
            }
            Ok(only.iter().copied().collect())
        }
        None => {
            let all: Vec<Source> = Source::ALL.into_iter().filter(|s| configured(*s)).collect();
            if all.is_empty() {
                return Err(Diagnostic::error("opsbook.toml configures no source to pull from")
                    .at(at)
                    .help("add a [gitlab], [pagerduty] or [prometheus] section (see docs/pull.md)")
                    .into());
            }
            Ok(all)
        }
    }
}

/// The tokens of the selected sources, read before any request so that a
/// missing variable fails at once, with every missing one named.
struct Auths {
    gitlab: Option<http::Auth>,
    pagerduty: Option<http::Auth>,
    prometheus: Option<http::Auth>,
}

impl Auths {
    fn from_env(config: &Config, sources: &[Source]) -> Result<Auths, Diagnostics> {
        let mut diags = Diagnostics::new();
        let mut read = |var: &str| match http::Secret::from_env(var) {
            Ok(s) => Some(s),
            Err(e) => {
                diags.push(Diagnostic::error(e.to_string()).help(format!(
                    "export {var}=<token> before `opsbook pull` (in CI: a masked CI/CD variable)"
                )));
                None
            }
        };
        let has = |s: Source| sources.contains(&s);
        let gitlab = config
            .gitlab
            .as_ref()
            .filter(|_| has(Source::GitLab))
            .and_then(|g| read(&g.token_env))
            .map(http::Auth::gitlab);
        let pagerduty = config
            .pagerduty
            .as_ref()
            .filter(|_| has(Source::PagerDuty))
            .and_then(|p| read(&p.token_env))
            .map(http::Auth::pagerduty);
        let prometheus = config
            .prometheus
            .as_ref()
            .filter(|_| has(Source::Prometheus))
            .and_then(|p| p.token_env.as_deref())
            .and_then(&mut read)
            .map(|s| http::Auth::header("Authorization", "Bearer ", s));
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Auths {
            gitlab,
            pagerduty,
            prometheus,
        })
    }
}

struct AllFetched {
    incidents: Option<Vec<Incident>>,
    pages: Option<Vec<PagesMonth>>,
    sli: Option<Vec<SliMonth>>,
    warnings: Diagnostics,
}

/// Fetches the sources at the same time (each waits on a different
/// server); every source's errors are reported, not only the first's.
fn fetch_all(
    ctx: &Ctx,
    config: &Config,
    auths: &Auths,
    sources: &[Source],
    plan: &window::Plan,
) -> Result<AllFetched, Diagnostics> {
    let has = |s: Source| sources.contains(&s);
    let (gl, pd, prom) = std::thread::scope(|scope| {
        let gl = scope.spawn(|| {
            let (Some(cfg), Some(auth)) = (config.gitlab.as_ref(), auths.gitlab.as_ref()) else {
                return None;
            };
            has(Source::GitLab).then(|| gitlab::fetch(ctx, cfg, auth, &plan.incidents))
        });
        let pd = scope.spawn(|| {
            let (Some(cfg), Some(auth)) = (config.pagerduty.as_ref(), auths.pagerduty.as_ref())
            else {
                return None;
            };
            has(Source::PagerDuty).then(|| pagerduty::fetch(ctx, cfg, auth, &plan.page_months))
        });
        let prom = config
            .prometheus
            .as_ref()
            .filter(|_| has(Source::Prometheus))
            .map(|cfg| prometheus::fetch(ctx, cfg, auths.prometheus.as_ref(), &plan.sli));
        (join(gl), join(pd), prom)
    });
    let mut errors = Diagnostics::new();
    let mut warnings = Diagnostics::new();
    let incidents = take(gl, &mut errors, &mut warnings);
    let pages = take(pd, &mut errors, &mut warnings);
    let sli = take(prom, &mut errors, &mut warnings);
    if errors.has_errors() {
        errors.push(Diagnostic::error(
            "nothing was written: data/ is as it was (every source must succeed)",
        ));
        errors.extend(warnings.0);
        return Err(errors);
    }
    Ok(AllFetched {
        incidents,
        pages,
        sli,
        warnings,
    })
}

fn join<T>(h: std::thread::ScopedJoinHandle<'_, T>) -> T {
    h.join().unwrap_or_else(|p| std::panic::resume_unwind(p))
}

/// A source's records, its warnings and errors sorted into the run's.
fn take<T>(
    r: Option<Result<Fetched<T>, Diagnostics>>,
    errors: &mut Diagnostics,
    warnings: &mut Diagnostics,
) -> Option<T> {
    match r? {
        Ok(f) => {
            warnings.extend(f.warnings.0);
            Some(f.records)
        }
        Err(d) => {
            errors.extend(d.0);
            None
        }
    }
}

/// Snapshots the window covers that GitLab no longer returned: reported,
/// never deleted (a moved or re-typed issue needs a person's decision).
fn gone_upstream(
    existing: &[Incident],
    seen: &BTreeSet<String>,
    window: &window::IncidentWindow,
) -> Vec<Diagnostic> {
    existing
        .iter()
        .filter(|i| !seen.contains(i.id.as_str()))
        .filter(|i| match window.started_in {
            Some((start, end)) => i.started_at >= start && i.started_at < end,
            None => i.detected_at.unwrap_or(i.started_at) >= window.updated_after,
        })
        .map(|i| {
            Diagnostic::warning(format!(
                "incident {} is in data/ but GitLab did not return it (deleted, moved, or no longer an incident?); its snapshot was kept",
                i.id.as_str()
            ))
            .at(Location::file(&i.origin.file))
            .help("remove the file by hand if the incident is gone for good")
        })
        .collect()
}
