//! `opsbook merge-request`: opens or updates the Monthly Availability
//! Update merge request of the CI `refresh` job (docs/ci.md), through
//! GitLab's REST API.
//!
//! - Text: the first line of `opsbook report monthly M` is the title, the
//!   rest the description (`report::run`: one text, never duplicated here).
//! - Where: the API base is `CI_API_V4_URL` when set, else `[gitlab].url` +
//!   `/api/v4`; the project is `CI_PROJECT_ID` when set, else
//!   `[gitlab].project` (`ProjectRef::api_id`); the token comes from the
//!   variable `[gitlab].token_env` (default `GITLAB_TOKEN`), sent only as the
//!   `PRIVATE-TOKEN` header. The target branch is `--target-branch`, else
//!   `CI_DEFAULT_BRANCH`, else `main`.
//! - Calls: `GET /projects/:id/merge_requests?source_branch=B&state=opened`;
//!   an open one (the one targeting T first, then the lowest iid) gets
//!   `PUT /projects/:id/merge_requests/:iid` {title, description}; none gets
//!   `POST /projects/:id/merge_requests` {source_branch, target_branch,
//!   title, description, remove_source_branch: true}.
//! - Duplicates: the POST is never retried blindly. It is sent with no
//!   automatic retry; when its failure is ambiguous (transport error, 408,
//!   409, 429, 5xx) the GET runs again: an MR open by then is updated (PUT is
//!   idempotent, so it keeps the client's retries), else the POST is sent
//!   once more, and a second failure is the error.
//! - `--dry-run` still makes the read-only GET (it checks URL, project and
//!   token) and prints the write request instead of sending it.

use std::path::PathBuf;

use serde::Deserialize;
use serde_json::json;

use crate::config::{Config, GitLabSource};
use crate::diag::{Diagnostic, Diagnostics};
use crate::pull::http::{self, Auth, Client, HttpError, Secret};
use crate::pull::http_diag;
use crate::report;
use crate::settings::BuildOptions;

/// What the command was asked.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub root: PathBuf,
    /// `YYYY-MM`, as typed.
    pub month: String,
    pub source_branch: String,
    pub target_branch: Option<String>,
    pub as_of: Option<String>,
    pub dry_run: bool,
}

/// What was done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Created {
        iid: u64,
        web_url: String,
    },
    Updated {
        iid: u64,
        web_url: String,
    },
    /// `--dry-run`: the request that would have been sent, for stdout.
    DryRun(String),
}

/// Where the API is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `https://gitlab.example.com/api/v4`, no trailing slash.
    pub api: String,
    /// The `:id` of `/projects/:id`, already encoded.
    pub project: String,
    pub token_env: String,
}

impl Endpoint {
    fn merge_requests(&self) -> String {
        format!("{}/projects/{}/merge_requests", self.api, self.project)
    }
}

/// An open merge request, as GitLab lists it (only what is needed).
#[derive(Debug, Clone, Deserialize)]
struct OpenMr {
    iid: u64,
    #[serde(default)]
    web_url: String,
    #[serde(default)]
    target_branch: String,
}

/// Runs the command. Every problem found before sending (report, config,
/// token) comes back together; nothing is sent when there is one.
pub fn run(opts: &Options) -> Result<(Outcome, Diagnostics), Diagnostics> {
    let mut diags = Diagnostics::new();
    let build = BuildOptions {
        root: opts.root.clone(),
        as_of: opts.as_of.clone(),
        ..BuildOptions::default()
    };
    let text = match report::run(report::Kind::Monthly, &build, &opts.month) {
        Ok(r) => {
            diags.extend(r.warnings.0);
            Some(r.text)
        }
        Err(d) => {
            diags.extend(d.0);
            None
        }
    };
    // Config errors are in the report's diagnostics already.
    let cfg = Config::load(&opts.root).ok();
    let env = |v: &str| std::env::var(v).ok().filter(|s| !s.trim().is_empty());
    let endpoint = endpoint(cfg.as_ref().and_then(|c| c.gitlab.as_ref()), env)
        .map_err(|d| diags.push(d))
        .ok();
    let secret = endpoint.as_ref().and_then(|ep| {
        Secret::from_env(&ep.token_env)
            .map_err(|e| diags.push(Diagnostic::error(format!("merge-request: {e}"))))
            .ok()
    });
    if opts.source_branch.trim().is_empty() {
        diags.push(
            Diagnostic::error("merge-request: --source-branch is empty")
                .help("pass the branch the refresh job pushed, e.g. opsbook/availability-2026-11"),
        );
    }
    let (Some(text), Some(ep), Some(secret)) = (text, endpoint, secret) else {
        diags.sort();
        return Err(diags);
    };
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    let (title, description) = split(&text);
    let target = opts
        .target_branch
        .clone()
        .or_else(|| env("CI_DEFAULT_BRANCH"))
        .unwrap_or_else(|| "main".into());
    let req = Request {
        ep: &ep,
        auth: Auth::gitlab(secret),
        source: opts.source_branch.trim(),
        target: target.trim(),
        title,
        description,
    };
    let outcome = if opts.dry_run {
        req.dry_run()
    } else {
        req.send()
    };
    outcome
        .map(|o| (o, diags))
        .map_err(|e| http_diag("gitlab", &e).into())
}

/// The API base and project: CI's predefined variables win over
/// `[gitlab]`, so the job works in whatever project runs it.
pub fn endpoint(
    cfg: Option<&GitLabSource>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Endpoint, Diagnostic> {
    let api = env("CI_API_V4_URL")
        .or_else(|| cfg.map(|c| format!("{}/api/v4", c.url.trim().trim_end_matches('/'))));
    let project = env("CI_PROJECT_ID").or_else(|| cfg.map(|c| c.project.api_id()));
    let token_env = cfg.map_or_else(|| "GITLAB_TOKEN".to_string(), |c| c.token_env.clone());
    match (api, project) {
        (Some(api), Some(project)) => Ok(Endpoint {
            api: api.trim().trim_end_matches('/').to_string(),
            project: project.trim().to_string(),
            token_env,
        }),
        _ => Err(Diagnostic::error(
            "merge-request: no GitLab to talk to: opsbook.toml has no [gitlab] section and CI_API_V4_URL / CI_PROJECT_ID are not both set",
        )
        .help("add to opsbook.toml:\n[gitlab]\nurl = \"https://gitlab.example.com\"\nproject = \"group/handbook\"\ntoken_env = \"GITLAB_TOKEN\"")),
    }
}

/// The report's first line is the title (without markdown), the rest,
/// from its first non-blank line, the description.
pub fn split(text: &str) -> (String, String) {
    let (first, rest) = text.split_once('\n').unwrap_or((text, ""));
    let title = first.trim_start_matches('#').trim().to_string();
    (title, rest.trim_start_matches('\n').to_string())
}

/// One merge request to open or update.
struct Request<'a> {
    ep: &'a Endpoint,
    auth: Auth,
    source: &'a str,
    target: &'a str,
    title: String,
    description: String,
}

impl Request<'_> {
    fn create_body(&self) -> serde_json::Value {
        json!({
            "source_branch": self.source,
            "target_branch": self.target,
            "title": self.title,
            "description": self.description,
            "remove_source_branch": true,
        })
    }

    fn update_body(&self) -> serde_json::Value {
        json!({ "title": self.title, "description": self.description })
    }

    /// The open merge request of the source branch, if any.
    fn find_open(&self, client: &Client) -> Result<Option<OpenMr>, HttpError> {
        let resp = client.get_json(
            &self.ep.merge_requests(),
            &[("source_branch", self.source), ("state", "opened")],
            Some(&self.auth),
        )?;
        let mut open: Vec<OpenMr> = resp.json()?;
        open.sort_by_key(|m| (m.target_branch != self.target, m.iid));
        Ok(open.into_iter().next())
    }

    fn dry_run(&self) -> Result<Outcome, HttpError> {
        let client = Client::new(http::Settings::default());
        let (method, url, body) = match self.find_open(&client)? {
            Some(mr) => (
                "PUT",
                format!("{}/{}", self.ep.merge_requests(), mr.iid),
                self.update_body(),
            ),
            None => ("POST", self.ep.merge_requests(), self.create_body()),
        };
        let body = serde_json::to_string_pretty(&body).unwrap_or_default();
        Ok(Outcome::DryRun(format!(
            "dry run: would send {method} {}\n{body}\n",
            http::redact_url(&url)
        )))
    }

    fn send(&self) -> Result<Outcome, HttpError> {
        let client = Client::new(http::Settings::default());
        // No automatic retry for POST: a retry after a lost answer could
        // open a second merge request.
        let once = Client::new(http::Settings {
            retries: 0,
            ..http::Settings::default()
        });
        let mut last = None;
        for _ in 0..2 {
            if let Some(mr) = self.find_open(&client)? {
                return self.update(&client, mr.iid);
            }
            match self.post(&once) {
                Err(e) if ambiguous(&e) => last = Some(e),
                done => return done,
            }
        }
        Err(last.expect("the loop ran"))
    }

    fn update(&self, client: &Client, iid: u64) -> Result<Outcome, HttpError> {
        let url = format!("{}/{iid}", self.ep.merge_requests());
        let resp = client.send(
            "PUT",
            &url,
            &[],
            JSON_HEADERS,
            Some(&self.update_body().to_string()),
            Some(&self.auth),
        )?;
        let mr: OpenMr = resp.json()?;
        Ok(Outcome::Updated {
            iid,
            web_url: clean(&mr.web_url),
        })
    }

    fn post(&self, client: &Client) -> Result<Outcome, HttpError> {
        let resp = client.send(
            "POST",
            &self.ep.merge_requests(),
            &[],
            JSON_HEADERS,
            Some(&self.create_body().to_string()),
            Some(&self.auth),
        )?;
        let mr: OpenMr = resp.json()?;
        Ok(Outcome::Created {
            iid: mr.iid,
            web_url: clean(&mr.web_url),
        })
    }
}

const JSON_HEADERS: &[(&str, &str)] = &[
    ("Accept", "application/json"),
    ("Content-Type", "application/json"),
];

/// A failure after which the POST may or may not have created the merge
/// request (or another run did): look again before posting again.
fn ambiguous(e: &HttpError) -> bool {
    match e.kind {
        http::ErrorKind::Transport(_) => true,
        http::ErrorKind::Status { status, .. } => {
            matches!(status, 408 | 409 | 429) || status >= 500
        }
        http::ErrorKind::Decode(_) => false,
    }
}

/// Upstream text for the terminal: no control characters.
fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ProjectRef;

    fn source() -> GitLabSource {
        GitLabSource {
            url: "https://gitlab.example.com/".into(),
            project: ProjectRef::Path("infra/handbook".into()),
            token_env: "HANDBOOK_TOKEN".into(),
            services: Default::default(),
            labels: Default::default(),
            timeline_tags: Default::default(),
        }
    }

    #[test]
    fn config_gives_the_endpoint_when_ci_does_not() {
        let ep = endpoint(Some(&source()), |_| None).unwrap();
        assert_eq!(ep.api, "https://gitlab.example.com/api/v4");
        assert_eq!(ep.project, "infra%2Fhandbook");
        assert_eq!(ep.token_env, "HANDBOOK_TOKEN");
        assert_eq!(
            ep.merge_requests(),
            "https://gitlab.example.com/api/v4/projects/infra%2Fhandbook/merge_requests"
        );
    }

    #[test]
    fn ci_variables_override_the_config() {
        let env = |v: &str| match v {
            "CI_API_V4_URL" => Some("https://ci.example.com/api/v4/".to_string()),
            "CI_PROJECT_ID" => Some("42".to_string()),
            _ => None,
        };
        let ep = endpoint(Some(&source()), env).unwrap();
        assert_eq!(ep.api, "https://ci.example.com/api/v4");
        assert_eq!(ep.project, "42");
        assert_eq!(ep.token_env, "HANDBOOK_TOKEN");
        let ep = endpoint(None, env).unwrap();
        assert_eq!(ep.token_env, "GITLAB_TOKEN");
    }

    #[test]
    fn no_gitlab_anywhere_is_an_error_with_the_toml_to_add() {
        let d = endpoint(None, |_| None).unwrap_err();
        assert!(d.message.contains("[gitlab]"));
        assert!(format!("{d:?}").contains("token_env = \\\"GITLAB_TOKEN\\\""));
    }

    #[test]
    fn the_first_line_is_the_title() {
        let (t, d) = split("Monthly Availability Update: November 2026\n\nAdds it.\n\n## A\n");
        assert_eq!(t, "Monthly Availability Update: November 2026");
        assert_eq!(d, "Adds it.\n\n## A\n");
    }

    /// An `HttpError` of `kind`. Its other fields are private, so it
    /// starts as the one error a test can make without a server.
    fn error(kind: http::ErrorKind) -> HttpError {
        let mut e = http::Response {
            url: "u".into(),
            status: 200,
            headers: Default::default(),
            body: "not json".into(),
        }
        .json::<serde_json::Value>()
        .unwrap_err();
        e.kind = kind;
        e
    }

    #[test]
    fn only_lost_answers_are_rechecked() {
        assert!(ambiguous(&error(http::ErrorKind::Transport(
            "reset".into()
        ))));
        assert!(!ambiguous(&error(http::ErrorKind::Decode("x".into()))));
        for (status, want) in [(502, true), (409, true), (401, false), (422, false)] {
            let kind = http::ErrorKind::Status {
                status,
                excerpt: String::new(),
            };
            assert_eq!(ambiguous(&error(kind)), want, "{status}");
        }
    }
}
