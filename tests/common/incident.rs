//! Incident snapshots for fixture sites: the one writer of
//! `data/incidents/YYYY/<id>.yaml` the tests share, so that every test
//! writes the format the same way. Field order is fixed: tests quote line
//! numbers of these files.

use chrono::{Duration, SecondsFormat};

use super::{Site, utc};

/// An incident snapshot, built up from a resolved 30-minute outage.
#[derive(Clone, Debug)]
pub struct Incident {
    id: String,
    /// A YAML scalar, written as is.
    title: String,
    severity: u8,
    confidential: bool,
    /// A YAML flow list, e.g. `[web, api]`.
    services: String,
    started_at: String,
    mitigated_at: Option<String>,
    resolved_at: Option<String>,
    impact: String,
    root_cause: Option<String>,
    extra: String,
}

impl Incident {
    /// A public S2 outage of `[web]`, titled `Incident <id>`, that starts at
    /// `started_at` (RFC 3339) and is mitigated and resolved 30 minutes
    /// later.
    pub fn new(id: &str, started_at: &str) -> Incident {
        Incident {
            id: id.to_string(),
            title: quoted(&format!("Incident {id}")),
            severity: 2,
            confidential: false,
            services: "[web]".into(),
            started_at: started_at.into(),
            mitigated_at: None,
            resolved_at: None,
            impact: "outage".into(),
            root_cause: None,
            extra: String::new(),
        }
        .minutes(30)
    }

    /// The title, quoted and escaped as a YAML string.
    pub fn title(mut self, text: &str) -> Incident {
        self.title = quoted(text);
        self
    }

    /// The title as a YAML scalar written as is (to test YAML escapes).
    pub fn title_yaml(mut self, scalar: &str) -> Incident {
        self.title = scalar.into();
        self
    }

    pub fn severity(mut self, severity: u8) -> Incident {
        self.severity = severity;
        self
    }

    pub fn confidential(mut self, confidential: bool) -> Incident {
        self.confidential = confidential;
        self
    }

    /// `services` as a YAML flow list, e.g. `[web, api]`.
    pub fn services(mut self, flow_list: &str) -> Incident {
        self.services = flow_list.into();
        self
    }

    /// Mitigated and resolved `minutes` after the start.
    pub fn minutes(self, minutes: i64) -> Incident {
        let end = self.after(minutes);
        self.mitigated_at(Some(&end)).resolved_at(Some(&end))
    }

    /// Resolved `minutes` after the start (the mitigation time is kept).
    pub fn resolved_after(self, minutes: i64) -> Incident {
        let end = self.after(minutes);
        self.resolved_at(Some(&end))
    }

    /// Neither mitigated nor resolved: status `active`.
    pub fn active(self) -> Incident {
        self.mitigated_at(None).resolved_at(None)
    }

    pub fn mitigated_at(mut self, at: Option<&str>) -> Incident {
        self.mitigated_at = at.map(str::to_string);
        self
    }

    /// `None` leaves the incident mitigated (or active, if not mitigated).
    pub fn resolved_at(mut self, at: Option<&str>) -> Incident {
        self.resolved_at = at.map(str::to_string);
        self
    }

    pub fn impact(mut self, impact: &str) -> Incident {
        self.impact = impact.into();
        self
    }

    pub fn root_cause(mut self, text: &str) -> Incident {
        self.root_cause = Some(quoted(text));
        self
    }

    /// More YAML keys, appended as is (summary, timeline, actions...).
    pub fn extra(mut self, yaml: &str) -> Incident {
        self.extra = yaml.into();
        self
    }

    /// `data/incidents/YYYY/<id>.yaml`, YYYY the UTC year of the start.
    pub fn path(&self) -> String {
        let year = utc(&self.started_at).format("%Y");
        format!("data/incidents/{year}/{}.yaml", self.id)
    }

    /// The snapshot's text; the status follows from the times.
    pub fn yaml(&self) -> String {
        let status = match (&self.mitigated_at, &self.resolved_at) {
            (_, Some(_)) => "resolved",
            (Some(_), None) => "mitigated",
            (None, None) => "active",
        };
        let mut y = format!(
            "id: {}\ntitle: {}\nseverity: {}\nstatus: {status}\nconfidential: {}\n\
             services: {}\nstarted_at: {}\n",
            quoted(&self.id),
            self.title,
            self.severity,
            self.confidential,
            self.services,
            self.started_at,
        );
        if let Some(at) = &self.mitigated_at {
            y.push_str(&format!("mitigated_at: {at}\n"));
        }
        if let Some(at) = &self.resolved_at {
            y.push_str(&format!("resolved_at: {at}\n"));
        }
        y.push_str(&format!("impact: {}\n", self.impact));
        if let Some(r) = &self.root_cause {
            y.push_str(&format!("root_cause: {r}\n"));
        }
        y.push_str(&self.extra);
        y
    }

    /// Writes the snapshot into `site` at [`Incident::path`].
    pub fn write(&self, site: &Site) {
        site.file(&self.path(), &self.yaml());
    }

    /// The start plus `minutes`, as RFC 3339 in UTC.
    fn after(&self, minutes: i64) -> String {
        (utc(&self.started_at) + Duration::minutes(minutes))
            .to_rfc3339_opts(SecondsFormat::Secs, true)
    }
}

/// A post-mortem narrative (`content/postmortems/...`) for incident `id`:
/// four lines of front matter, then `body`.
pub fn narrative(id: &str, title: &str, body: &str) -> String {
    format!(
        "---\ntitle: {}\nincident: {}\n---\n{body}",
        quoted(title),
        quoted(id)
    )
}

/// A YAML double-quoted string.
pub fn quoted(s: &str) -> String {
    format!(
        "\"{}\"",
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    )
}
