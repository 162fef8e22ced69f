//! The public part of the analysis: availability figures (numbers only,
//! shown as they are), and the monthly incident and pager statistics with
//! everything that could name a confidential incident taken out. Where a
//! figure includes confidential incidents it stays a number; where a list
//! would name one, it becomes a count ("1 confidential S1").

use std::collections::{BTreeMap, BTreeSet};

use crate::analyse::availability::Record;
use crate::analyse::incidents::IncidentMonth;
use crate::analyse::pager::PagerMonth;
use crate::analyse::record::Analysis;
use crate::data::{Id, MaintenanceWindow, Month, Severity};

use super::PublicIncident;

/// One month of the record as pages may show it.
pub struct PublicMonth<'a> {
    pub month: Month,
    /// Indices into `PublicSite::incidents` of the public incidents that
    /// started this month, oldest first.
    pub incidents: Vec<usize>,
    /// Confidential incidents that started this month, counted.
    pub confidential: usize,
    /// Public S1 incidents (indices as above) and confidential S1s, counted.
    pub s1: Vec<usize>,
    pub s1_confidential: usize,
    /// Maintenance windows overlapping the month.
    pub maintenance: Vec<&'a MaintenanceWindow>,
    /// Incident statistics; overdue actions and root causes only of public
    /// incidents (see `overdue_confidential`).
    pub stats: IncidentMonth,
    /// Overdue corrective actions of public incidents: (incident index,
    /// action index, days overdue).
    pub overdue: Vec<(usize, usize, i64)>,
    pub overdue_confidential: usize,
    /// Pager statistics (`None` without a pages snapshot for the month);
    /// alert titles only when `[pager] public_alert_titles` allows them.
    pub pager: Option<PagerMonth>,
}

pub struct PublicRecord<'a> {
    pub first: Month,
    pub last: Month,
    /// Numbers only: safe to show whole.
    pub availability: &'a Record,
    /// Oldest first, `first..=last`.
    pub months: Vec<PublicMonth<'a>>,
    /// Region names, in the order of `PagerMonth::by_shift`.
    pub shifts: Vec<String>,
    pub public_alert_titles: bool,
}

impl<'a> PublicRecord<'a> {
    pub fn month(&self, m: Month) -> Option<&PublicMonth<'a>> {
        // Months are consecutive and sorted (see `new`).
        self.months
            .binary_search_by(|x| x.month.cmp(&m))
            .ok()
            .map(|k| &self.months[k])
    }

    pub(super) fn new(
        analysis: &'a Analysis,
        incidents: &[PublicIncident<'a>],
        all: &'a [crate::data::Incident],
        maintenance: &'a [MaintenanceWindow],
        pages_months: &BTreeSet<Month>,
    ) -> Option<PublicRecord<'a>> {
        let (first, last) = analysis.months?;
        let index: BTreeMap<&Id, usize> = incidents
            .iter()
            .enumerate()
            .map(|(k, p)| (p.id(), k))
            .collect();
        // Root causes written on some public incident may be named; others
        // (possibly free text of a confidential one) are counted as "other".
        let public_causes: BTreeSet<&str> = incidents
            .iter()
            .filter_map(|p| p.incident().root_cause.as_deref())
            .collect();
        let mut months: Vec<PublicMonth<'a>> = Vec::new();
        let mut by_month: BTreeMap<Month, usize> = BTreeMap::new();
        for (k, stats) in analysis.incidents.months.iter().enumerate() {
            by_month.insert(stats.month, k);
            let mut stats = stats.clone();
            let mut overdue = Vec::new();
            let mut overdue_confidential = 0;
            for a in std::mem::take(&mut stats.actions.overdue_actions) {
                match index.get(&a.incident) {
                    Some(&i) => overdue.push((i, a.index, a.days_overdue)),
                    None => overdue_confidential += 1,
                }
            }
            let mut causes = BTreeMap::new();
            for (cause, n) in std::mem::take(&mut stats.by_root_cause) {
                let key = if public_causes.contains(cause.as_str()) {
                    cause
                } else {
                    "other".to_string()
                };
                *causes.entry(key).or_insert(0) += n;
            }
            stats.by_root_cause = causes;
            // Without a pages snapshot the month has no pager figures (not 0).
            let pager = analysis
                .pager
                .months
                .get(k)
                .filter(|_| pages_months.contains(&stats.month))
                .cloned()
                .map(|mut p| {
                    if !analysis.pager.public_alert_titles {
                        p.noisiest.clear();
                    }
                    p
                });
            months.push(PublicMonth {
                month: stats.month,
                incidents: Vec::new(),
                confidential: 0,
                s1: Vec::new(),
                s1_confidential: 0,
                maintenance: Vec::new(),
                stats,
                overdue,
                overdue_confidential,
                pager,
            });
        }
        // Each window joins every month it overlaps: one pass over the windows.
        for w in maintenance {
            let mut m = Month::of(w.start);
            while m.start() < w.end {
                if let Some(&k) = by_month.get(&m) {
                    months[k].maintenance.push(w);
                }
                m = m.next();
            }
        }
        for i in all {
            let Some(&k) = by_month.get(&Month::of(i.started_at)) else {
                continue;
            };
            let m = &mut months[k];
            let s1 = i.severity == Severity::S1;
            match index.get(&i.id) {
                Some(&p) => {
                    m.incidents.push(p);
                    if s1 {
                        m.s1.push(p);
                    }
                }
                None => {
                    m.confidential += 1;
                    m.s1_confidential += usize::from(s1);
                }
            }
        }
        Some(PublicRecord {
            first,
            last,
            availability: &analysis.availability,
            months,
            shifts: analysis.pager.shifts.clone(),
            public_alert_titles: analysis.pager.public_alert_titles,
        })
    }
}
