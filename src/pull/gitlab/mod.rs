//! GitLab incidents: the REST issue list and GraphQL timeline events,
//! turned into `Incident` records (never files: the orchestrator writes).
//!
//! Requests (header `PRIVATE-TOKEN`, never in a URL):
//! - `GET {url}/api/v4/projects/:id/issues?issue_type=incident&state=all&updated_after=…&order_by=updated_at&sort=asc&per_page=100&page=N`,
//!   following `x-next-page` until it is empty (GitLab omits the totals
//!   above 10,000 records, so they are never needed);
//! - with a numeric `project`, `GET {url}/api/v4/projects/:id` once for its
//!   `path_with_namespace`, which GraphQL needs;
//! - `POST {url}/api/graphql`: timeline events of 25 incidents per request,
//!   one alias per incident (`incidentId: "gid://gitlab/Issue/<id>"`, the
//!   issue's global `id`, not its `iid`).
//!
//! Records repeated across pages (an issue updated mid-pull moves to a
//! later page) are kept once, by `iid`, the one with the latest
//! `updated_at`. Issues the server returns although updated before
//! `updated_after` are dropped before any timeline is fetched.
//!
//! Field mapping (label prefixes and timeline tags are the defaults of
//! `[gitlab.labels]` and `[gitlab.timeline_tags]`; values compare without
//! regard to case):
//!
//! | snapshot field | from GitLab | default / rule |
//! |---|---|---|
//! | `id` | `iid` | |
//! | `title` | `title` | confidential: "Confidential incident" |
//! | `severity` | label `severity::N` (1–4) | missing or invalid: 4, with a warning |
//! | `status` | label `Incident::Active\|Mitigated\|Resolved` | else `resolved` when `state` is closed, else `active` |
//! | `confidential` | `confidential` | |
//! | `services` | labels `Service::X` through `[gitlab.services]` | none, or unmapped: an error |
//! | `started_at` | earliest "Start time" event's `occurredAt` | else `created_at` |
//! | `detected_at` | `created_at` | omitted when before `started_at` or after the mitigation/resolution (a record filed afterwards) |
//! | `mitigated_at` | latest "Impact mitigated" event | status `mitigated` without it: `resolved_at`, else `updated_at`, with a warning |
//! | `resolved_at` | latest "End time" event | else `closed_at`; status `resolved` without either: `updated_at`, with a warning |
//! | `impact` | label `Impact::Outage\|Degraded\|None` | else S1 `outage`, S2–S4 `degraded` |
//! | `root_cause` | label `RootCause::X` → `X` | none |
//! | `url` | `web_url` | |
//! | `labels` | every label, sorted | |
//! | `summary` | `description` | none when empty |
//! | `timeline` | events with a non-empty `note`: `at` = `occurredAt`, `text` = `note` | sorted by (at, text) |
//! | `corrective_actions` | (hand-kept in the snapshot) | empty |
//!
//! Times: any RFC 3339 offset, converted to UTC, cut to whole seconds.
//! Times out of the order started ≤ mitigated ≤ resolved are an error
//! naming the incident and both fields. A confidential incident keeps only
//! id, severity, status, services, times, impact and `confidential: true`:
//! never its title, description, timeline text, labels, root cause or URL.
//! Upstream text is kept as text (the renderer sanitises it) without
//! control characters other than newline and tab.

mod graphql;
mod map;
mod rest;

use std::collections::BTreeMap;

use crate::config::{GitLabSource, ProjectRef};
use crate::data::model::Incident;
use crate::diag::Diagnostics;

use super::http::Auth;
use super::window::IncidentWindow;
use super::{Ctx, Fetched, http_diag};

/// Incidents per GraphQL request: a pull of 20,000 incidents makes 800
/// requests, each well under GitLab's query complexity limit.
const TIMELINES_PER_QUERY: usize = 25;

/// Every incident the window asks for, mapped to the snapshot model
/// (confidential ones with only what the numbers need), de-duplicated by
/// id, sorted by id. Corrective actions are left empty: they are hand-kept.
pub fn fetch(
    ctx: &Ctx,
    cfg: &GitLabSource,
    auth: &Auth,
    window: &IncidentWindow,
) -> Result<Fetched<Vec<Incident>>, Diagnostics> {
    let base = cfg.url.trim_end_matches('/');
    let issues = rest::list(ctx, base, cfg, auth, window.updated_after)?;
    let mut warnings = Diagnostics::new();
    let mut errors = Diagnostics::new();
    let events = if issues.is_empty() {
        BTreeMap::new()
    } else {
        let full_path = match &cfg.project {
            ProjectRef::Path(p) => p.trim_matches('/').to_string(),
            ProjectRef::Id(_) => rest::full_path(ctx, base, cfg, auth)?,
        };
        let ids: Vec<u64> = issues.iter().map(|i| i.id).collect();
        let fetched = graphql::timelines(ctx, base, &full_path, auth, &ids, TIMELINES_PER_QUERY)?;
        warnings.extend(fetched.warnings.0);
        fetched.records
    };
    let mut records = Vec::with_capacity(issues.len());
    let none = Vec::new();
    for issue in &issues {
        let evs = events.get(&issue.id).unwrap_or(&none);
        let mapped = map::incident(issue, evs, cfg, window.started_in);
        for d in mapped.diagnostics {
            if d.is_error() {
                errors.push(d);
            } else {
                warnings.push(d);
            }
        }
        records.extend(mapped.record);
    }
    ctx.progress.done(
        "gitlab",
        &format!("{} incidents ({} listed)", records.len(), issues.len()),
    );
    if errors.has_errors() {
        errors.extend(warnings.0);
        return Err(errors);
    }
    Ok(Fetched { records, warnings })
}

/// An HTTP failure of this source as diagnostics.
fn failed(e: &super::http::HttpError) -> Diagnostics {
    http_diag("gitlab", e).into()
}
