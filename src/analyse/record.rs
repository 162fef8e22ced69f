//! The analysis of one build, all of it: counts of the incident record,
//! the availability record, incident and pager statistics, over the months
//! the record covers. Built once from the dataset and the rules in
//! `opsbook.toml`; sees every incident (confidential ones count), returns
//! numbers only. `publish` decides what of it may be shown.

use chrono::{DateTime, Utc};

use super::availability::{self, Input, Record, ServiceSpec, SliFigure};
use super::incidents::{self, IncidentStats};
use super::pager::{self, PageIn, PagerStats, Shifts, Urgency};
use super::{Figures, figures};
use crate::config::Config;
use crate::data::{self, Dataset, Month};

pub struct Analysis {
    pub figures: Figures,
    /// First and last month of the record (the last holds "as of"); `None`
    /// when there is no incident, maintenance, SLI or pages data at all.
    pub months: Option<(Month, Month)>,
    pub availability: Record,
    pub incidents: IncidentStats,
    pub pager: PagerStats,
}

/// The earliest month with any incident, maintenance window, SLI figure or
/// page (imported months are history before it, not data).
pub fn first_data_month(data: &Dataset) -> Option<Month> {
    let incidents = data.incidents.iter().map(|i| Month::of(i.started_at));
    let maintenance = data.maintenance.iter().map(|m| Month::of(m.start));
    let sli = data.sli.iter().map(|s| s.month);
    let pages = data.pages.iter().map(|p| p.month);
    incidents.chain(maintenance).chain(sli).chain(pages).min()
}

pub fn run(data: &Dataset, config: &Config, as_of: DateTime<Utc>) -> Analysis {
    let first = first_data_month(data);
    let last = Month::of(as_of);
    let input = Input {
        services: data
            .services
            .iter()
            .map(|s| ServiceSpec {
                id: s.id.clone(),
                weight: s.weight,
                target: s.target,
            })
            .collect(),
        incidents: &data.incidents,
        maintenance: &data.maintenance,
        sli: data
            .sli
            .iter()
            .flat_map(|m| {
                m.services.iter().map(move |s| {
                    (
                        (s.id.clone(), m.month),
                        SliFigure {
                            availability: s.availability,
                            daily: s.daily.clone(),
                        },
                    )
                })
            })
            .collect(),
        imported: data
            .imported
            .iter()
            .map(|m| (m.month, m.availability))
            .collect(),
        first_data_month: first,
        as_of,
        rules: config.availability.clone(),
    };
    let availability = availability::analyse(&input);
    // Statistics cover the months with data; with none, the month of "as of".
    let (from, to) = match first {
        Some(f) if f <= last => (f, last),
        _ => (last, last),
    };
    let incidents = incidents::incident_stats(&data.incidents, from, to, as_of);
    let pages: Vec<PageIn<'_>> = data
        .pages
        .iter()
        .flat_map(|m| &m.pages)
        .map(|p| PageIn {
            id: &p.id,
            title: &p.title,
            service: &p.service,
            urgency: match p.urgency {
                data::Urgency::High => Urgency::High,
                data::Urgency::Low => Urgency::Low,
            },
            created_at: p.created_at,
            acknowledged_at: p.acknowledged_at,
            resolved_at: p.resolved_at,
        })
        .collect();
    let shifts = Shifts::new(&config.pager);
    let pager = pager::pager_stats(
        &pages,
        &shifts,
        config.pager.public_alert_titles,
        from,
        to,
        as_of,
    );
    Analysis {
        figures: figures(data),
        months: first.filter(|f| *f <= last).map(|f| (f, last)),
        availability,
        incidents,
        pager,
    }
}
