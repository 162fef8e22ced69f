//! Joins what a source fetched with the snapshots already in `data/`: the
//! one place that decides which fields each source owns.
//!
//! - GitLab owns an incident's id, title, severity, status, confidentiality,
//!   services, times, impact, URL and labels: its value replaces the
//!   snapshot's, even when it is gone upstream.
//! - `summary`, `timeline` and `root_cause` are GitLab's when it has them;
//!   when it has none, a hand-written value in the snapshot is kept.
//! - `corrective_actions` are hand-kept: a pull never changes them.
//! - A confidential incident keeps none of its text: summary, timeline,
//!   root cause, URL and labels are dropped even if the snapshot had them
//!   (the repository is often public). Corrective actions, written by the
//!   team for the repository, stay.
//! - PagerDuty owns `data/pages/M.yaml` and the metrics engine owns
//!   `data/sli/M.yaml` whole, for the months a run fetched.

use crate::data::model::Incident;

/// The snapshot to write for `fetched`, given the one on disk (if any).
pub fn incident(existing: Option<&Incident>, mut fetched: Incident) -> Incident {
    let Some(old) = existing else {
        return fetched;
    };
    fetched.corrective_actions = old.corrective_actions.clone();
    if fetched.confidential {
        fetched.summary = None;
        fetched.timeline.clear();
        fetched.root_cause = None;
        fetched.url = None;
        fetched.labels.clear();
        return fetched;
    }
    if fetched.summary.is_none() {
        fetched.summary = old.summary.clone();
    }
    if fetched.timeline.is_empty() {
        fetched.timeline = old.timeline.clone();
    }
    if fetched.root_cause.is_none() {
        fetched.root_cause = old.root_cause.clone();
    }
    fetched
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::model::{ActionStatus, CorrectiveAction, TimelineEntry};
    use chrono::{DateTime, Utc};

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn on_disk() -> Incident {
        let mut i = Incident::example("17054", at("2026-07-07T09:30:00Z"));
        i.title = "Old title".into();
        i.summary = Some("Written by hand.".into());
        i.root_cause = Some("Config-Change".into());
        i.timeline = vec![TimelineEntry {
            at: at("2026-07-07T09:30:00Z"),
            text: "Hand-kept entry".into(),
        }];
        i.corrective_actions = vec![CorrectiveAction {
            title: "Validate config in CI".into(),
            url: None,
            status: ActionStatus::Open,
            due: None,
            owner: Some("Networking team".into()),
        }];
        i
    }

    #[test]
    fn upstream_fields_replace_and_hand_kept_ones_stay() {
        let mut fetched = Incident::example("17054", at("2026-07-07T09:31:00Z"));
        fetched.title = "New title".into();
        let merged = incident(Some(&on_disk()), fetched);
        assert_eq!(merged.title, "New title");
        assert_eq!(merged.started_at, at("2026-07-07T09:31:00Z"));
        assert_eq!(merged.summary.as_deref(), Some("Written by hand."));
        assert_eq!(merged.timeline.len(), 1);
        assert_eq!(merged.root_cause.as_deref(), Some("Config-Change"));
        assert_eq!(merged.corrective_actions, on_disk().corrective_actions);
    }

    #[test]
    fn upstream_text_wins_when_it_has_some() {
        let mut fetched = Incident::example("17054", at("2026-07-07T09:30:00Z"));
        fetched.summary = Some("From the tracker.".into());
        let merged = incident(Some(&on_disk()), fetched);
        assert_eq!(merged.summary.as_deref(), Some("From the tracker."));
    }

    #[test]
    fn a_confidential_incident_keeps_no_text() {
        let mut fetched = Incident::example("17054", at("2026-07-07T09:30:00Z"));
        fetched.confidential = true;
        fetched.title = "Confidential incident".into();
        let merged = incident(Some(&on_disk()), fetched);
        assert_eq!(merged.summary, None);
        assert!(merged.timeline.is_empty());
        assert_eq!(merged.root_cause, None);
        assert_eq!(merged.corrective_actions.len(), 1);
    }
}
