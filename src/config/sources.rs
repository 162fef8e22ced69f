//! The `[gitlab]`, `[pagerduty]` and `[prometheus]` sections of
//! `opsbook.toml`: where `opsbook pull` fetches from and how upstream
//! names map to the service ids of `data/services.yaml`.
//!
//! Tokens are never in this file: each section names the environment
//! variable holding its token (`token_env`), read only by `pull`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `[gitlab]`: incidents from a GitLab project.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GitLabSource {
    /// e.g. `https://gitlab.example.com` (the API is under `/api/v4`).
    pub url: String,
    /// The project's full path (`infra/production`) or numeric id.
    pub project: ProjectRef,
    #[serde(default = "gitlab_token_env")]
    pub token_env: String,
    /// `Service::<Label>` label value → service id.
    #[serde(default)]
    pub services: BTreeMap<String, String>,
    /// Label prefixes, when a project names its scoped labels otherwise.
    #[serde(default)]
    pub labels: GitLabLabels,
    /// Timeline event tags giving the impact window.
    #[serde(default)]
    pub timeline_tags: TimelineTags,
}

/// A GitLab project: `"infra/production"` or `278964`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum ProjectRef {
    Id(u64),
    Path(String),
}

impl ProjectRef {
    /// The `:id` of `/api/v4/projects/:id`: the numeric id, or the path
    /// with its slashes percent-encoded, as GitLab's REST API asks.
    pub fn api_id(&self) -> String {
        match self {
            ProjectRef::Id(n) => n.to_string(),
            ProjectRef::Path(p) => p
                .trim_matches('/')
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect(),
        }
    }
}

/// Scoped-label prefixes (with their `::`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct GitLabLabels {
    /// `severity::1` … `severity::4`.
    pub severity: String,
    /// `Incident::Active|Mitigated|Resolved`.
    pub status: String,
    /// `Service::<Label>`, mapped through `[gitlab.services]`.
    pub service: String,
    /// `RootCause::<Cause>`.
    pub root_cause: String,
    /// `Impact::Outage|Degraded|None`.
    pub impact: String,
}

impl Default for GitLabLabels {
    fn default() -> Self {
        GitLabLabels {
            severity: "severity::".into(),
            status: "Incident::".into(),
            service: "Service::".into(),
            root_cause: "RootCause::".into(),
            impact: "Impact::".into(),
        }
    }
}

/// Timeline event tags (GitLab's defaults).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct TimelineTags {
    pub start: String,
    pub mitigated: String,
    pub end: String,
}

impl Default for TimelineTags {
    fn default() -> Self {
        TimelineTags {
            start: "Start time".into(),
            mitigated: "Impact mitigated".into(),
            end: "End time".into(),
        }
    }
}

/// `[pagerduty]`: pages from PagerDuty's REST API v2.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PagerDutySource {
    #[serde(default = "pagerduty_url")]
    pub url: String,
    #[serde(default = "pagerduty_token_env")]
    pub token_env: String,
    /// PagerDuty service name (`service.summary`) → service id.
    #[serde(default)]
    pub services: BTreeMap<String, String>,
}

/// `[prometheus]`: SLIs from a Prometheus-compatible engine.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PrometheusSource {
    /// e.g. `http://prometheus:9090` (the API is under `/api/v1`).
    pub url: String,
    /// PromQL with `{range}` standing for the period's length; one series
    /// per service.
    pub query: String,
    /// The result label holding the service id.
    #[serde(default = "prometheus_label")]
    pub label: String,
    #[serde(default)]
    pub unit: SliUnit,
    /// A variable holding a bearer token, for engines behind auth.
    #[serde(default)]
    pub token_env: Option<String>,
}

/// How the query's values read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SliUnit {
    /// 0..1 (`0.9995`).
    #[default]
    Ratio,
    /// 0..100 (`99.95`).
    Percent,
}

fn gitlab_token_env() -> String {
    "GITLAB_TOKEN".into()
}

fn pagerduty_url() -> String {
    "https://api.pagerduty.com".into()
}

fn pagerduty_token_env() -> String {
    "PAGERDUTY_TOKEN".into()
}

fn prometheus_label() -> String {
    "service".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_paths_are_encoded_for_the_rest_api() {
        assert_eq!(
            ProjectRef::Path("infra/production".into()).api_id(),
            "infra%2Fproduction"
        );
        assert_eq!(ProjectRef::Id(278964).api_id(), "278964");
    }
}
