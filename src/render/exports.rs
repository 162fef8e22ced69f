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

#[derive(Serialize)]
struct AvailabilityExport {
    schema: u32,
    as_of: String,
    months: Vec<MonthExport>,
}

#[derive(Serialize)]
struct MonthExport {
    month: String,
    complete: bool,
    minutes: f64,
    platform: Option<f64>,
    imported: bool,
    services: std::collections::BTreeMap<String, ServiceExport>,
}

#[derive(Serialize)]
struct ServiceExport {
    availability: f64,
    downtime_minutes: f64,
    budget_minutes: f64,
    budget_remaining_minutes: f64,
    burn_rate: Option<f64>,
    target: f64,
    met: Option<bool>,
    weight: u32,
    source: &'static str,
}

/// `/api/availability.json`: every month of the record, oldest first.
pub fn availability(public: &PublicSite<'_>) -> String {
    use crate::analyse::availability::minutes as to_minutes;
    let Some(record) = &public.record else {
        return to_json(&AvailabilityExport {
            schema: SCHEMA,
            as_of: rfc3339(public.as_of),
            months: Vec::new(),
        });
    };
    let av = record.availability;
    let months = av
        .months
        .iter()
        .map(|m| MonthExport {
            month: m.month.to_string(),
            complete: m.complete,
            minutes: m.minutes().to_f64(),
            platform: m.platform.map(|p| p.to_f64()),
            imported: m.imported,
            services: m
                .services
                .iter()
                .map(|s| {
                    (
                        s.id.to_string(),
                        ServiceExport {
                            availability: s.availability.to_f64(),
                            downtime_minutes: to_minutes(s.downtime).to_f64(),
                            budget_minutes: to_minutes(s.budget).to_f64(),
                            budget_remaining_minutes: to_minutes(s.remaining).to_f64(),
                            burn_rate: s.burn_rate.map(|b| b.to_f64()),
                            target: s.target.to_f64(),
                            met: s.met,
                            weight: s.weight,
                            source: s.source.as_str(),
                        },
                    )
                })
                .collect(),
        })
        .collect();
    to_json(&AvailabilityExport {
        schema: SCHEMA,
        as_of: rfc3339(av.as_of),
        months,
    })
}

#[derive(Serialize)]
struct TrendsExport {
    schema: u32,
    as_of: String,
    shifts: Vec<String>,
    months: Vec<TrendsMonthExport>,
}

#[derive(Serialize)]
struct Stat {
    n: usize,
    missing: usize,
    median_minutes: Option<f64>,
    p90_minutes: Option<f64>,
}

fn stat(s: &crate::analyse::measures::DurationStats) -> Stat {
    Stat {
        n: s.n,
        missing: s.missing,
        median_minutes: s.median.map(minutes),
        p90_minutes: s.p90.map(minutes),
    }
}

#[derive(Serialize)]
struct TrendsMonthExport {
    month: String,
    complete: bool,
    incidents: usize,
    by_severity: [usize; 4],
    by_service: std::collections::BTreeMap<String, usize>,
    by_root_cause: std::collections::BTreeMap<String, usize>,
    time_to_detect: Stat,
    time_to_mitigate: Stat,
    time_to_resolve: Stat,
    actions_open: usize,
    actions_overdue: usize,
    pages: Option<PagesExport>,
}

#[derive(Serialize)]
struct PagesExport {
    total: usize,
    high_urgency: usize,
    low_urgency: usize,
    by_service: std::collections::BTreeMap<String, usize>,
    by_shift: Vec<usize>,
    business_hours: usize,
    off_hours: usize,
    sleep_hours: usize,
    time_to_acknowledge: Stat,
    time_to_resolve: Stat,
}

/// `/api/trends.json`: the monthly incident and pager figures, oldest
/// first (numbers only; alert titles never).
pub fn trends(public: &PublicSite<'_>) -> String {
    let (shifts, months) = match &public.record {
        None => (Vec::new(), Vec::new()),
        Some(r) => (
            r.shifts.clone(),
            r.months
                .iter()
                .map(|m| {
                    let s = &m.stats;
                    TrendsMonthExport {
                        month: m.month.to_string(),
                        complete: s.complete,
                        incidents: s.incidents,
                        by_severity: s.by_severity,
                        by_service: s
                            .by_service
                            .iter()
                            .map(|(k, v)| (k.to_string(), *v))
                            .collect(),
                        by_root_cause: s.by_root_cause.clone(),
                        time_to_detect: stat(&s.time_to_detect),
                        time_to_mitigate: stat(&s.time_to_mitigate),
                        time_to_resolve: stat(&s.time_to_resolve),
                        actions_open: s.actions.open,
                        actions_overdue: s.actions.overdue,
                        pages: m.pager.as_ref().map(|p| PagesExport {
                            total: p.pages,
                            high_urgency: p.high_urgency,
                            low_urgency: p.low_urgency,
                            by_service: p
                                .by_service
                                .iter()
                                .map(|(k, v)| (k.to_string(), *v))
                                .collect(),
                            by_shift: p.by_shift.clone(),
                            business_hours: p.interruptions.business,
                            off_hours: p.interruptions.off,
                            sleep_hours: p.interruptions.sleep,
                            time_to_acknowledge: stat(&p.time_to_acknowledge),
                            time_to_resolve: stat(&p.time_to_resolve),
                        }),
                    }
                })
                .collect(),
        ),
    };
    to_json(&TrendsExport {
        schema: SCHEMA,
        as_of: rfc3339(public.as_of),
        shifts,
        months,
    })
}
