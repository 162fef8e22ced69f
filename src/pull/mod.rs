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
    Diagnostic::error(format!("{source}: {e}")).help(e.help())
}
