//! One GitLab issue and its timeline events → one `Incident` (the table
//! of rules is in the parent module's comment).

use chrono::{DateTime, Timelike, Utc};

use crate::config::GitLabSource;
use crate::data::model::{Id, Impact, Incident, Origin, Severity, Status, TimelineEntry};
use crate::diag::Diagnostic;

use super::graphql::Event;
use super::rest::Issue;

/// The title every confidential incident carries.
pub const CONFIDENTIAL_TITLE: &str = "Confidential incident";

/// A mapped incident (none when it failed or lies outside the window) and
/// what the user should hear about it.
pub struct Mapped {
    pub record: Option<Incident>,
    pub diagnostics: Vec<Diagnostic>,
}

/// RFC 3339 with any offset → UTC, cut to whole seconds.
pub fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    let t = DateTime::parse_from_rfc3339(s.trim()).ok()?.to_utc();
    t.with_nanosecond(0)
}

/// Upstream text without control characters other than newline and tab.
pub fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

fn fmt(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The value of the first label with `prefix`, compared without case.
fn scoped<'a>(labels: &'a [String], prefix: &str) -> Vec<&'a str> {
    labels
        .iter()
        .filter(|l| {
            l.len() >= prefix.len()
                && l.is_char_boundary(prefix.len())
                && l[..prefix.len()].eq_ignore_ascii_case(prefix)
        })
        .map(|l| l[prefix.len()..].trim())
        .collect()
}

pub fn incident(
    issue: &Issue,
    events: &[Event],
    cfg: &GitLabSource,
    started_in: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> Mapped {
    let mut diags = Vec::new();
    // Who the messages name: a confidential incident by number only, so
    // that no CI log shows where it lives.
    let who = match (&issue.web_url, issue.confidential) {
        (Some(url), false) => format!("gitlab: incident #{} ({url})", issue.iid),
        _ => format!("gitlab: incident #{}", issue.iid),
    };
    let fail = |diags: Vec<Diagnostic>| Mapped {
        record: None,
        diagnostics: diags,
    };
    let time = |field: &str, s: &str, diags: &mut Vec<Diagnostic>| {
        let t = parse_time(s);
        if t.is_none() {
            diags.push(
                Diagnostic::error(format!("{who}: {field} `{s}` is not an RFC 3339 time")).help(
                    "report it to the GitLab administrators: the API answered a malformed time",
                ),
            );
        }
        t
    };
    let tags = &cfg.timeline_tags;
    let event_time = |tag: &str, diags: &mut Vec<Diagnostic>| -> Vec<DateTime<Utc>> {
        events
            .iter()
            .filter(|e| e.has_tag(tag))
            .filter_map(|e| time(&format!("timeline event \"{tag}\""), &e.occurred_at, diags))
            .collect()
    };
    let starts = event_time(&tags.start, &mut diags);
    let mitigations = event_time(&tags.mitigated, &mut diags);
    let ends = event_time(&tags.end, &mut diags);
    let created = time("created_at", &issue.created_at, &mut diags);
    let updated = time("updated_at", &issue.updated_at, &mut diags);
    let closed = match issue.closed_at.as_deref() {
        Some(s) => time("closed_at", s, &mut diags),
        None => None,
    };
    if diags.iter().any(Diagnostic::is_error) {
        return fail(diags);
    }
    let (Some(created), Some(updated)) = (created, updated) else {
        return fail(diags);
    };
    let started_at = starts.iter().min().copied().unwrap_or(created);
    if let Some((from, to)) = started_in
        && !(from <= started_at && started_at < to)
    {
        // Outside `--month`: not this run's business, not even its errors.
        return fail(Vec::new());
    }

    let labels = &issue.labels;
    let names = &cfg.labels;
    let severity = match scoped(labels, &names.severity).first() {
        Some(v) => match v.parse().ok().and_then(Severity::from_number) {
            Some(s) => s,
            None => {
                diags.push(
                    Diagnostic::warning(format!(
                        "{who}: label `{}{v}` is not a severity 1–4; using severity 4",
                        names.severity
                    ))
                    .help(format!(
                        "label the incident `{}1` … `{}4` in GitLab",
                        names.severity, names.severity
                    )),
                );
                Severity::S4
            }
        },
        None => {
            diags.push(
                Diagnostic::warning(format!(
                    "{who}: no `{}N` label; using severity 4",
                    names.severity
                ))
                .help(format!(
                    "label the incident `{}1` … `{}4` in GitLab",
                    names.severity, names.severity
                )),
            );
            Severity::S4
        }
    };

    let closed_state = issue.state.eq_ignore_ascii_case("closed");
    let default_status = if closed_state {
        Status::Resolved
    } else {
        Status::Active
    };
    let mut status = default_status;
    if let Some(v) = scoped(labels, &names.status).first() {
        match v.to_ascii_lowercase().as_str() {
            "active" => status = Status::Active,
            "mitigated" => status = Status::Mitigated,
            "resolved" => status = Status::Resolved,
            _ => diags.push(
                Diagnostic::warning(format!(
                    "{who}: label `{}{v}` is not Active, Mitigated or Resolved; using `{}`",
                    names.status,
                    default_status.as_str()
                ))
                .help(format!(
                    "use `{0}Active`, `{0}Mitigated` or `{0}Resolved` in GitLab",
                    names.status
                )),
            ),
        }
    }

    let mut mitigated_at = mitigations.iter().max().copied();
    let mut resolved_at = ends.iter().max().copied().or(closed);
    if status == Status::Resolved && resolved_at.is_none() {
        resolved_at = Some(updated);
        diags.push(
            Diagnostic::warning(format!(
                "{who}: resolved without an \"{}\" event or a close time; using updated_at {}",
                tags.end,
                fmt(updated)
            ))
            .help(format!(
                "add an \"{}\" timeline event to the incident in GitLab",
                tags.end
            )),
        );
    }
    if status == Status::Mitigated && mitigated_at.is_none() {
        let at = resolved_at.unwrap_or(updated);
        mitigated_at = Some(at);
        diags.push(
            Diagnostic::warning(format!(
                "{who}: mitigated without an \"{}\" event; using {}",
                tags.mitigated,
                fmt(at)
            ))
            .help(format!(
                "add an \"{}\" timeline event to the incident in GitLab",
                tags.mitigated
            )),
        );
    }
    // Filed after the fact (created after the impact ended) or before the
    // impact began: the creation time says nothing about detection.
    let impact_end = mitigated_at.or(resolved_at);
    let detected_at =
        Some(created).filter(|c| *c >= started_at && impact_end.is_none_or(|e| *c <= e));

    // started ≤ mitigated ≤ resolved, each named by where it comes from.
    let start_src = if starts.is_empty() {
        "created_at".to_string()
    } else {
        format!("the \"{}\" timeline event", tags.start)
    };
    let chain = [
        ("started_at", Some(started_at), start_src),
        (
            "mitigated_at",
            mitigated_at,
            format!("the \"{}\" timeline event", tags.mitigated),
        ),
        (
            "resolved_at",
            resolved_at,
            if ends.is_empty() {
                "closed_at".to_string()
            } else {
                format!("the \"{}\" timeline event", tags.end)
            },
        ),
    ];
    let mut before: Option<(&str, DateTime<Utc>, &str)> = None;
    for (field, t, src) in &chain {
        let Some(t) = *t else { continue };
        match before {
            Some((bf, bt, bsrc)) if t < bt => diags.push(
                Diagnostic::error(format!(
                    "{who}: {field} {} ({src}) is before {bf} {} ({bsrc})",
                    fmt(t),
                    fmt(bt)
                ))
                .help(format!(
                    "fix the times in GitLab: {bsrc} must not be later than {src}"
                )),
            ),
            _ => before = Some((field, t, src)),
        }
    }

    let impact = match scoped(labels, &names.impact).first() {
        Some(v) => match v.to_ascii_lowercase().as_str() {
            "outage" => Some(Impact::Outage),
            "degraded" => Some(Impact::Degraded),
            "none" => Some(Impact::None),
            _ => {
                diags.push(
                    Diagnostic::warning(format!(
                        "{who}: label `{}{v}` is not Outage, Degraded or None; using the severity's default",
                        names.impact
                    ))
                    .help(format!("use `{0}Outage`, `{0}Degraded` or `{0}None` in GitLab", names.impact)),
                );
                None
            }
        },
        None => None,
    }
    .unwrap_or(if severity == Severity::S1 {
        Impact::Outage
    } else {
        Impact::Degraded
    });

    let mut services = Vec::new();
    let service_labels = scoped(labels, &names.service);
    if service_labels.is_empty() {
        diags.push(
            Diagnostic::error(format!("{who}: no `{}` label", names.service)).help(format!(
                "label the incident in GitLab with the affected service, e.g. `{}<Name>`, and map it under [gitlab.services] in opsbook.toml",
                names.service
            )),
        );
    }
    for v in service_labels {
        let mapped = cfg
            .services
            .iter()
            .find(|(k, _)| k.as_str() == v)
            .or_else(|| cfg.services.iter().find(|(k, _)| k.eq_ignore_ascii_case(v)));
        match mapped.map(|(_, id)| (id, Id::parse(id))) {
            Some((_, Some(id))) => services.push(id),
            Some((id, None)) => diags.push(
                Diagnostic::error(format!(
                    "{who}: label `{}{v}` maps to `{id}`, which is not a valid service id",
                    names.service
                ))
                .help("service ids are lowercase letters, digits and `-`, as in data/services.yaml: fix the value under [gitlab.services] in opsbook.toml"),
            ),
            None => diags.push(
                Diagnostic::error(format!(
                    "{who}: label `{}{v}` is not in [gitlab.services]",
                    names.service
                ))
                .help(format!(
                    "add the line `{} = \"<service-id>\"` under [gitlab.services] in opsbook.toml, with the id from data/services.yaml",
                    toml_key(v)
                )),
            ),
        }
    }
    services.sort();
    services.dedup();

    if diags.iter().any(Diagnostic::is_error) {
        return fail(diags);
    }
    let id = Id::parse(&issue.iid.to_string()).expect("a number is a valid id");
    let mut record = Incident {
        id,
        title: clean(&issue.title),
        severity,
        status,
        confidential: issue.confidential,
        services,
        started_at,
        detected_at,
        mitigated_at,
        resolved_at,
        impact,
        root_cause: None,
        url: None,
        labels: Vec::new(),
        summary: None,
        timeline: Vec::new(),
        corrective_actions: Vec::new(),
        origin: Origin::default(),
    };
    if issue.confidential {
        record.title = CONFIDENTIAL_TITLE.to_string();
    } else {
        record.root_cause = scoped(labels, &names.root_cause)
            .first()
            .filter(|v| !v.is_empty())
            .map(|v| clean(v));
        record.url = issue.web_url.as_deref().map(clean);
        let mut all: Vec<String> = labels.iter().map(|l| clean(l)).collect();
        all.sort();
        all.dedup();
        record.labels = all;
        record.summary = issue
            .description
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .map(clean);
        let mut timeline: Vec<TimelineEntry> = events
            .iter()
            .filter_map(|e| {
                let note = clean(e.note.as_deref()?);
                let at = parse_time(&e.occurred_at)?;
                (!note.trim().is_empty()).then_some(TimelineEntry { at, text: note })
            })
            .collect();
        timeline.sort_by(|a, b| (a.at, &a.text).cmp(&(b.at, &b.text)));
        timeline.dedup();
        record.timeline = timeline;
    }
    Mapped {
        record: Some(record),
        diagnostics: diags,
    }
}

/// A `[gitlab.services]` key as TOML writes it: bare when it can be.
fn toml_key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        k.to_string()
    } else {
        format!("\"{}\"", k.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_take_any_offset_to_whole_utc_seconds() {
        let t = parse_time("2026-10-03T14:05:09.987+02:00").unwrap();
        assert_eq!(fmt(t), "2026-10-03T12:05:09Z");
        assert!(parse_time("yesterday").is_none());
    }

    #[test]
    fn control_characters_go_but_newlines_and_tabs_stay() {
        assert_eq!(clean("a\u{1b}[31mb\r\n\tc\u{0}"), "a[31mb\n\tc");
    }

    #[test]
    fn toml_keys_are_quoted_only_when_needed() {
        assert_eq!(toml_key("API"), "API");
        assert_eq!(toml_key("Web Front"), "\"Web Front\"");
    }
}
