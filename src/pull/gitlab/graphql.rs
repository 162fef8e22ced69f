//! GitLab's GraphQL API: incident timeline events (they have no REST
//! endpoint), several incidents per request through aliases.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::diag::{Diagnostic, Diagnostics};

use super::super::http::Auth;
use super::super::{Ctx, Fetched};
use super::failed;

/// One timeline event, as GraphQL gives it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    pub occurred_at: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub timeline_event_tags: Option<Tags>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct Tags {
    #[serde(default)]
    pub nodes: Vec<Tag>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Tag {
    pub name: String,
}

impl Event {
    pub fn has_tag(&self, tag: &str) -> bool {
        self.timeline_event_tags
            .as_ref()
            .is_some_and(|t| t.nodes.iter().any(|n| n.name.eq_ignore_ascii_case(tag)))
    }
}

#[derive(Deserialize)]
struct Connection {
    #[serde(default)]
    nodes: Vec<Event>,
    #[serde(default, rename = "pageInfo")]
    page_info: Option<PageInfo>,
}

#[derive(Deserialize)]
struct PageInfo {
    #[serde(default, rename = "hasNextPage")]
    has_next_page: bool,
}

/// The query for one batch: `t<id>: incidentManagementTimelineEvents(...)`
/// per incident; ids are numbers, so nothing needs escaping but the path,
/// which travels as a variable.
pub fn query(ids: &[u64]) -> String {
    let mut q = String::from("query($path: ID!) { project(fullPath: $path) {");
    for id in ids {
        q.push_str(&format!(
            " t{id}: incidentManagementTimelineEvents(incidentId: \"gid://gitlab/Issue/{id}\") \
             {{ nodes {{ occurredAt note timelineEventTags {{ nodes {{ name }} }} }} pageInfo {{ hasNextPage }} }}"
        ));
    }
    q.push_str(" } }");
    q
}

/// Timeline events by global issue id, for every id in `ids`.
pub fn timelines(
    ctx: &Ctx,
    base: &str,
    full_path: &str,
    auth: &Auth,
    ids: &[u64],
    per_query: usize,
) -> Result<Fetched<BTreeMap<u64, Vec<Event>>>, Diagnostics> {
    let url = format!("{base}/api/graphql");
    let mut out = BTreeMap::new();
    let mut warnings = Diagnostics::new();
    for (n, batch) in ids.chunks(per_query.max(1)).enumerate() {
        let body = serde_json::json!({
            "query": query(batch),
            "variables": { "path": full_path },
        })
        .to_string();
        let resp = ctx
            .client
            .post_json(&url, &body, Some(auth))
            .map_err(|e| failed(&e))?;
        let answer: Value = resp.json().map_err(|e| failed(&e))?;
        if let Some(errors) = answer.get("errors").and_then(Value::as_array)
            && !errors.is_empty()
        {
            let messages: Vec<&str> = errors
                .iter()
                .map(|e| {
                    e.get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("(no message)")
                })
                .collect();
            return Err(Diagnostic::error(format!(
                "gitlab: POST {}: GraphQL error: {}",
                resp.url,
                messages.join("; ")
            ))
            .help(format!(
                "check that project `{full_path}` exists and that the token can read its incidents (scope read_api)"
            ))
            .into());
        }
        let Some(project) = answer.pointer("/data/project").filter(|p| !p.is_null()) else {
            return Err(Diagnostic::error(format!(
                "gitlab: POST {}: project `{full_path}` not found",
                resp.url
            ))
            .help("check `project` in [gitlab] of opsbook.toml and that the token can read it")
            .into());
        };
        for id in batch {
            let conn = project
                .get(format!("t{id}"))
                .filter(|c| !c.is_null())
                .map(|c| serde_json::from_value::<Connection>(c.clone()));
            match conn {
                Some(Ok(conn)) => {
                    if conn.page_info.is_some_and(|p| p.has_next_page) {
                        warnings.push(Diagnostic::warning(format!(
                            "gitlab: issue gid://gitlab/Issue/{id} has more timeline events than one page; only the first {} are used",
                            conn.nodes.len()
                        )));
                    }
                    out.insert(*id, conn.nodes);
                }
                Some(Err(e)) => {
                    return Err(Diagnostic::error(format!(
                        "gitlab: POST {}: unexpected timeline of gid://gitlab/Issue/{id}: {e}",
                        resp.url
                    ))
                    .help("check `url` in [gitlab] points at a GitLab with incident timelines (15.x or later)")
                    .into());
                }
                None => {
                    return Err(Diagnostic::error(format!(
                        "gitlab: POST {}: no timeline for gid://gitlab/Issue/{id}",
                        resp.url
                    ))
                    .help("check that the token can read the project's incidents")
                    .into());
                }
            }
        }
        ctx.progress.step(
            "gitlab",
            &format!(
                "timelines: {} of {}",
                (n * per_query + batch.len()),
                ids.len()
            ),
        );
    }
    Ok(Fetched {
        records: out,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_alias_per_incident_by_global_id() {
        let q = query(&[123, 456]);
        assert!(q.contains(
            r#"t123: incidentManagementTimelineEvents(incidentId: "gid://gitlab/Issue/123")"#
        ));
        assert!(q.contains(
            r#"t456: incidentManagementTimelineEvents(incidentId: "gid://gitlab/Issue/456")"#
        ));
        assert_eq!(q.matches("incidentManagementTimelineEvents").count(), 2);
    }
}
