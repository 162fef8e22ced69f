//! JSON exports under `/api/`: public numbers and public text only, full
//! precision, deterministic (maps are sorted, floats printed by serde_json's
//! shortest round-trip form). The schemas are documented in
//! `docs/exports.md`; these structs are that schema.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::Serialize;

use crate::analyse;
use crate::config::Config;
use crate::publish::PublicSite;
use crate::urls;

pub const SCHEMA: u32 = 1;

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn minutes(d: Duration) -> f64 {
    d.num_seconds() as f64 / 60.0
}

#[derive(Serialize)]
struct IncidentsExport<'a> {
    schema: u32,
    as_of: String,
    incidents: Vec<IncidentExport<'a>>,
}

#[derive(Serialize)]
struct IncidentExport<'a> {
    id: &'a str,
    /// Upstream text, as written (JSON-escaped, not rendered).
    title: &'a str,
    severity: u8,
    status: &'static str,
    impact: &'static str,
    services: Vec<&'a str>,
    started_at: String,
    detected_at: Option<String>,
    mitigated_at: Option<String>,
    resolved_at: Option<String>,
    time_to_detect_minutes: Option<f64>,
    time_to_mitigate_minutes: Option<f64>,
    time_to_resolve_minutes: Option<f64>,
    root_cause: Option<&'a str>,
    /// The post-mortem page.
    url: String,
    has_postmortem: bool,
}

/// `/api/incidents.json`: every public incident, oldest first.
pub fn incidents(public: &PublicSite<'_>, config: &Config) -> String {
    let origin = config.origin_and_path();
    let incidents = public
        .incidents
        .iter()
        .map(|p| {
            let i = p.incident();
            let times = analyse::incident_times(i);
            IncidentExport {
                id: i.id.as_str(),
                title: &i.title,
                severity: i.severity.number(),
                status: i.status.as_str(),
                impact: i.impact.as_str(),
                services: i.services.iter().map(|s| s.as_str()).collect(),
                started_at: rfc3339(i.started_at),
                detected_at: i.detected_at.map(rfc3339),
                mitigated_at: i.mitigated_at.map(rfc3339),
                resolved_at: i.resolved_at.map(rfc3339),
                time_to_detect_minutes: times.time_to_detect.map(minutes),
                time_to_mitigate_minutes: times.time_to_mitigate.map(minutes),
                time_to_resolve_minutes: times.time_to_resolve.map(minutes),
                root_cause: i.root_cause.as_deref(),
                url: format!("{origin}/{}", urls::incident(&i.id)),
                has_postmortem: p.narrative.is_some(),
            }
        })
        .collect();
    let export = IncidentsExport {
        schema: SCHEMA,
        as_of: rfc3339(public.as_of),
        incidents,
    };
    to_json(&export)
}

/// Pretty JSON with `<`, `>` and `&` written as `\u003c`, `\u003e`,
/// `\u0026`: the same strings once decoded, but upstream text can never
/// form markup, even if a consumer pastes the file into a page. (Outside
/// strings JSON has none of these characters, so the swap is safe.)
fn to_json(value: &impl Serialize) -> String {
    let text = serde_json::to_string_pretty(value).expect("plain data serialises");
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c => out.push(c),
        }
    }
    out.push('\n');
    out
}
