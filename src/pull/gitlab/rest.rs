//! GitLab's REST API: the incident list (every page, de-duplicated) and
//! the project's full path for GraphQL.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use crate::config::GitLabSource;
use crate::diag::{Diagnostic, Diagnostics};

use super::super::Ctx;
use super::super::http::Auth;
use super::failed;

/// The issue fields the mapping reads (times stay text until mapped, so a
/// bad one is an error naming its incident rather than a decode failure).
#[derive(Debug, Clone, Deserialize)]
pub struct Issue {
    /// Global id: GraphQL's `gid://gitlab/Issue/<id>`.
    pub id: u64,
    /// The project-scoped number users see: the snapshot id.
    pub iid: u64,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub labels: Vec<String>,
    pub created_at: String,
    #[serde(default)]
    pub closed_at: Option<String>,
    pub updated_at: String,
    #[serde(default)]
    pub confidential: bool,
    #[serde(default)]
    pub web_url: Option<String>,
}

impl Issue {
    fn updated(&self) -> Option<DateTime<Utc>> {
        super::map::parse_time(&self.updated_at)
    }
}

/// Every incident updated at or after `updated_after`, one per `iid` (the
/// latest `updated_at` wins), sorted by `iid`.
pub fn list(
    ctx: &Ctx,
    base: &str,
    cfg: &GitLabSource,
    auth: &Auth,
    updated_after: DateTime<Utc>,
) -> Result<Vec<Issue>, Diagnostics> {
    let url = format!("{base}/api/v4/projects/{}/issues", cfg.project.api_id());
    let after = updated_after.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut by_iid: BTreeMap<u64, Issue> = BTreeMap::new();
    let mut page = 1u64;
    loop {
        let page_s = page.to_string();
        let query = [
            ("issue_type", "incident"),
            ("state", "all"),
            ("updated_after", after.as_str()),
            ("order_by", "updated_at"),
            ("sort", "asc"),
            ("per_page", "100"),
            ("page", page_s.as_str()),
        ];
        let resp = ctx
            .client
            .get_json(&url, &query, Some(auth))
            .map_err(|e| failed(&e))?;
        let issues: Vec<Issue> = resp.json().map_err(|e| failed(&e))?;
        for issue in issues {
            // The server filters already; this guards against one that
            // ignores the parameter, so no timeline is fetched for nothing.
            if issue.updated().is_some_and(|u| u < updated_after) {
                continue;
            }
            match by_iid.get(&issue.iid) {
                Some(seen) if seen.updated() > issue.updated() => {}
                _ => {
                    by_iid.insert(issue.iid, issue);
                }
            }
        }
        ctx.progress.step(
            "gitlab",
            &format!("page {page}: {} incidents", by_iid.len()),
        );
        match resp.next_page() {
            None => break,
            Some(next) if next > page => page = next,
            Some(next) => {
                return Err(Diagnostic::error(format!(
                    "gitlab: GET {}: page {page} says the next page is {next}; pagination would never end",
                    resp.url
                ))
                .help("the server's x-next-page header is wrong: check `url` in [gitlab] points at GitLab itself, not a proxy rewriting headers")
                .into());
            }
        }
    }
    Ok(by_iid.into_values().collect())
}

#[derive(Deserialize)]
struct Project {
    path_with_namespace: String,
}

/// The project's `path_with_namespace`, for a numeric `project`.
pub fn full_path(
    ctx: &Ctx,
    base: &str,
    cfg: &GitLabSource,
    auth: &Auth,
) -> Result<String, Diagnostics> {
    let url = format!("{base}/api/v4/projects/{}", cfg.project.api_id());
    let resp = ctx
        .client
        .get_json(&url, &[], Some(auth))
        .map_err(|e| failed(&e))?;
    let project: Project = resp.json().map_err(|e| failed(&e))?;
    Ok(project.path_with_namespace)
}
