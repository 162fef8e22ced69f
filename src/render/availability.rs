//! Views of the availability record for templates: the history
//! (`/availability/`), the Monthly Availability Update
//! (`/availability/YYYY-MM/`), the trends review (`/trends/YYYY-MM/`), and
//! the availability blocks of service pages and the home page.
//!
//! Reads the public record only. Percentages are cut (never rounded) from
//! the exact figures by `Ratio::cut_to_two_decimals`; minutes show one
//! decimal; floats exist here only for charts.

use chrono::{DateTime, Datelike, Duration, Utc};
use serde::Serialize;
use tera::Context;

use super::charts::{self, Chart, ChartSpec, Series};
use super::format::{self, count_change, duration_change};
use super::incidents::{IncidentSummary, Views, page_meta};
use super::uptime;
use crate::analyse::availability::{MonthFigures, Ratio, Source, minutes};
use crate::analyse::measures::{Delta, DurationStats};
use crate::config::Config;
use crate::data::{Id, Month};
use crate::markdown::escape_html;
use crate::publish::PublicSite;
use crate::publish::record::{PublicMonth, PublicRecord};
use crate::urls;

#[derive(Serialize)]
pub struct ChartView {
    svg: String,
    table: TableView,
}

#[derive(Serialize)]
struct TableView {
    caption: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

fn chart_view(c: Chart) -> ChartView {
    ChartView {
        svg: c.svg,
        table: TableView {
            caption: c.table.caption,
            header: c.table.header,
            rows: c.table.rows,
        },
    }
}

pub fn month_label(m: Month) -> String {
    format!("{} {}", m.year(), m.name())
}

pub(crate) fn pct(r: Ratio) -> String {
    r.cut_to_two_decimals()
}

pub(crate) fn mins(seconds: Ratio) -> String {
    format!("{:.1}", minutes(seconds).to_f64())
}

/// A burn rate to two decimals; `–` without a budget.
pub(crate) fn burn(rate: Option<Ratio>) -> String {
    rate.map_or_else(|| "–".into(), |b| format!("{:.2}", b.to_f64()))
}

fn when(t: DateTime<Utc>) -> String {
    format::utc_minute(t)
}

fn iso(t: DateTime<Utc>) -> String {
    t.to_rfc3339()
}

/// Everything these views share.
pub struct Record<'a> {
    pub public: &'a PublicSite<'a>,
    pub record: &'a PublicRecord<'a>,
    pub config: &'a Config,
}

#[derive(Serialize)]
struct Column {
    name: String,
    url: String,
    target: String,
}

#[derive(Serialize)]
struct Cell {
    value: Option<String>,
    below: bool,
}

#[derive(Serialize)]
struct HistoryRow {
    label: String,
    url: Option<String>,
    complete: bool,
    imported: bool,
    platform: Option<String>,
    platform_below: bool,
    comments: String,
    cells: Vec<Cell>,
}

impl<'a> Record<'a> {
    fn base(&self) -> &str {
        self.config.base_path()
    }

    fn href(&self, url: &str) -> String {
        format!("{}{url}", self.base())
    }

    fn service_name(&self, id: &Id) -> String {
        self.public
            .service(id)
            .map_or_else(|| id.to_string(), |s| s.service.name.clone())
    }

    /// Services with weight > 0: the columns of the history.
    fn weighted(&self) -> Vec<&'a crate::data::Service> {
        self.public
            .services
            .iter()
            .map(|s| s.service)
            .filter(|s| s.weight > 0)
            .collect()
    }

    fn platform_target(&self) -> String {
        self.record
            .availability
            .platform_target
            .map_or_else(|| "–".into(), pct)
    }

    /// The comments cell: maintenance windows and S1 incidents, linked;
    /// confidential S1s counted, never named.
    fn comments(&self, m: &PublicMonth<'_>) -> String {
        let mut parts: Vec<String> = Vec::new();
        for &k in &m.s1 {
            let i = self.public.incidents[k].incident();
            parts.push(format!(
                "{} <a href=\"{}\">S1</a> {}",
                i.started_at.format("%b %-d"),
                escape_html(&self.href(&urls::incident(&i.id))),
                escape_html(&i.title)
            ));
        }
        if m.s1_confidential > 0 {
            parts.push(format!("{} confidential S1", m.s1_confidential));
        }
        if m.s1.is_empty() && m.s1_confidential == 0 {
            parts.push("No S1 incidents".into());
        }
        for w in &m.maintenance {
            parts.push(format!(
                "Maintenance: {}–{} UTC, {}",
                w.start.format("%b %-d %H:%M"),
                w.end.format("%H:%M"),
                escape_html(&w.title)
            ));
        }
        parts.join(". ")
    }

    fn below(value: Option<Ratio>, target: Option<Ratio>) -> bool {
        matches!((value, target), (Some(v), Some(t)) if v < t)
    }

    /// `/availability/`.
    pub fn history_context(&self) -> Context {
        #[derive(Serialize)]
        struct View {
            as_of: String,
            as_of_iso: String,
            platform_target: String,
            columns: Vec<Column>,
            months: Vec<HistoryRow>,
            charts: Vec<ChartView>,
            uptime: Vec<Uptime>,
            degraded_text: String,
            weights_text: String,
        }
        #[derive(Serialize)]
        struct Uptime {
            id: String,
            name: String,
            url: String,
            block: ServiceBlock,
        }
        let av = self.record.availability;
        let weighted = self.weighted();
        let target = av.platform_target;
        let rows = av
            .months
            .iter()
            .rev()
            .map(|mf| {
                let pm = self.record.month(mf.month);
                HistoryRow {
                    label: month_label(mf.month),
                    url: (!mf.imported).then(|| self.href(&month_url(mf.month))),
                    complete: mf.complete,
                    imported: mf.imported,
                    platform: mf.platform.map(pct),
                    platform_below: mf.complete && Self::below(mf.platform, target),
                    comments: pm.map(|m| self.comments(m)).unwrap_or_default(),
                    cells: weighted
                        .iter()
                        .map(|s| {
                            let sm = mf.service(&s.id);
                            Cell {
                                value: sm.map(|x| pct(x.availability)),
                                below: sm.is_some_and(|x| x.met == Some(false)),
                            }
                        })
                        .collect(),
                }
            })
            .collect();
        let view = View {
            as_of: when(av.as_of),
            as_of_iso: iso(av.as_of),
            platform_target: self.platform_target(),
            columns: weighted
                .iter()
                .map(|s| Column {
                    name: s.name.clone(),
                    url: self.href(&urls::service(&s.id)),
                    target: s.target.to_string(),
                })
                .collect(),
            months: rows,
            charts: self.history_charts(None, true),
            // The daily bars of every service, as on its own page.
            uptime: av
                .recent
                .iter()
                .filter_map(|r| {
                    Some(Uptime {
                        id: r.id.to_string(),
                        name: self.service_name(&r.id),
                        url: self.href(&urls::service(&r.id)),
                        block: self.service_block(&r.id)?,
                    })
                })
                .collect(),
            degraded_text: self.degraded_text(),
            weights_text: weighted
                .iter()
                .map(|s| format!("{} {}", s.name, s.weight))
                .collect::<Vec<_>>()
                .join(", "),
        };
        let mut ctx = Context::new();
        ctx.insert("av", &view);
        ctx.insert(
            "page",
            &page_meta(
                self.config,
                "Availability",
                urls::AVAILABILITY,
                "availability",
            ),
        );
        ctx
    }

    fn degraded_text(&self) -> String {
        let d = &self.config.availability.degraded;
        (0..4)
            .map(|k| {
                let r = d[k].ratio();
                format!("S{} weighs {}", k + 1, trim_float(r.to_f64()))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn months_complete(&self) -> impl Iterator<Item = &MonthFigures> {
        self.record
            .availability
            .months
            .iter()
            .filter(|m| !m.imported)
    }

    /// The record's charts. `window`: only the `n` months ending with this
    /// one (a month page's charts must not grow with the record's length);
    /// `None`: every month (the history page). `with_availability` adds the
    /// availability chart first.
    fn history_charts(
        &self,
        window: Option<(Month, usize)>,
        with_availability: bool,
    ) -> Vec<ChartView> {
        let range = window.map(|(last, n)| {
            let first = (1..n).fold(last, |m, _| m.prev());
            (first, last)
        });
        let in_window = |m: Month| range.is_none_or(|(first, last)| (first..=last).contains(&m));
        let mut out = Vec::new();
        let months: Vec<&MonthFigures> = self
            .months_complete()
            .filter(|m| in_window(m.month))
            .collect();
        let record_months: Vec<&PublicMonth<'_>> = self
            .record
            .months
            .iter()
            .filter(|m| in_window(m.month))
            .collect();
        let label = |m: &MonthFigures| m.month.to_string();
        let mut series = vec![Series::new(
            "Platform",
            "chart-s1",
            months
                .iter()
                .map(|m| (label(m), m.platform.map(Ratio::to_f64)))
                .collect(),
        )];
        for (k, s) in self.weighted().iter().enumerate() {
            series.push(Series::new(
                &s.name,
                &format!("chart-s{}", (k + 1) % 8 + 1),
                months
                    .iter()
                    .map(|m| (label(m), m.service(&s.id).map(|x| x.availability.to_f64())))
                    .collect(),
            ));
        }
        if with_availability {
            out.push(chart_view(charts::availability(
            &ChartSpec {
                id: "availability-by-month".into(),
                title: "Availability per month".into(),
                description: "Monthly availability of the platform and of each weighted service, in percent, with the platform target as a line.".into(),
                x_label: "Month".into(),
                y_label: "Availability (%)".into(),
            },
            &series,
            self.record.availability.platform_target.map(Ratio::to_f64),
        )));
        }
        let sev: Vec<Series> = (0..4)
            .map(|k| {
                Series::new(
                    &format!("S{}", k + 1),
                    &format!("chart-sev-{}", k + 1),
                    record_months
                        .iter()
                        .map(|m| (m.month.to_string(), Some(m.stats.by_severity[k] as f64)))
                        .collect(),
                )
            })
            .collect();
        out.push(chart_view(charts::incidents_by_severity(
            &ChartSpec {
                id: "incidents-by-severity".into(),
                title: "Incidents per month by severity".into(),
                description: "Number of incidents that started each month, stacked by severity; confidential incidents included.".into(),
                x_label: "Month".into(),
                y_label: "Incidents".into(),
            },
            &sev,
        )));
        let ttm = |f: fn(&DurationStats) -> Option<Duration>, name: &str, class: &str| {
            Series::new(
                name,
                class,
                record_months
                    .iter()
                    .map(|m| {
                        (
                            m.month.to_string(),
                            f(&m.stats.time_to_mitigate).map(|d| d.num_seconds() as f64 / 60.0),
                        )
                    })
                    .collect(),
            )
        };
        out.push(chart_view(charts::time_to_mitigate(
            &ChartSpec {
                id: "time-to-mitigate".into(),
                title: "Time to mitigate per month".into(),
                description: "Median and 90th percentile of the minutes from the start of impact to mitigation, by month of the incident's start.".into(),
                x_label: "Month".into(),
                y_label: "Minutes".into(),
            },
            &[
                ttm(|s| s.median, "Median", "chart-median"),
                ttm(|s| s.p90, "p90", "chart-p90"),
            ],
        )));
        if record_months.iter().any(|m| m.pager.is_some()) {
            let shifts: Vec<Series> = self
                .record
                .shifts
                .iter()
                .enumerate()
                .map(|(k, name)| {
                    Series::new(
                        name,
                        &format!("chart-shift-{}", name.to_ascii_lowercase()),
                        record_months
                            .iter()
                            .map(|m| {
                                (
                                    m.month.to_string(),
                                    m.pager
                                        .as_ref()
                                        .map(|p| p.by_shift.get(k).copied().unwrap_or(0) as f64),
                                )
                            })
                            .collect(),
                    )
                })
                .collect();
            out.push(chart_view(charts::pages_by_shift(
                &ChartSpec {
                    id: "pages-by-shift".into(),
                    title: "Pages per month by shift".into(),
                    description: "Number of pages each month, stacked by the on-call shift that received them.".into(),
                    x_label: "Month".into(),
                    y_label: "Pages".into(),
                },
                &shifts,
            )));
        }
        out
    }

    /// `/availability/YYYY-MM/`.
    pub fn month_context(&self, views: &Views<'_>, mf: &MonthFigures) -> Context {
        #[derive(Serialize)]
        struct Row {
            name: String,
            url: String,
            weight: u32,
            target: String,
            availability: String,
            downtime: String,
            budget: String,
            remaining: String,
            burn: String,
            status: &'static str,
            status_text: &'static str,
            source: &'static str,
        }
        #[derive(Serialize)]
        struct Window {
            title: String,
            url: Option<String>,
            start: String,
            start_iso: String,
            end: String,
            end_iso: String,
            services: String,
        }
        #[derive(Serialize)]
        struct View {
            label: String,
            complete: bool,
            as_of: String,
            as_of_iso: String,
            minutes: String,
            platform: Option<String>,
            platform_target: String,
            platform_below: bool,
            rows: Vec<Row>,
            incidents: Vec<IncidentSummary>,
            incident_count: usize,
            confidential_count: usize,
            maintenance: Vec<Window>,
            charts: Vec<ChartView>,
            prev_url: Option<String>,
            prev_label: String,
            next_url: Option<String>,
            next_label: String,
            trends_url: Option<String>,
        }
        let pm = self.record.month(mf.month);
        let rows = mf
            .services
            .iter()
            .map(|s| {
                let (status, status_text) = match s.met {
                    Some(true) => ("met", "met"),
                    Some(false) => ("missed", "missed"),
                    None => ("to-date", "month to date"),
                };
                Row {
                    name: self.service_name(&s.id),
                    url: self.href(&urls::service(&s.id)),
                    weight: s.weight,
                    target: s.target.to_string(),
                    availability: pct(s.availability),
                    downtime: mins(s.downtime),
                    budget: mins(s.budget),
                    remaining: mins(s.remaining),
                    burn: burn(s.burn_rate),
                    status,
                    status_text,
                    source: s.source.as_str(),
                }
            })
            .collect();
        let neighbour = |m: Month| {
            self.record
                .availability
                .month(m)
                .filter(|x| !x.imported)
                .map(|_| self.href(&month_url(m)))
        };
        let view = View {
            label: month_label(mf.month),
            complete: mf.complete,
            as_of: when(self.record.availability.as_of),
            as_of_iso: iso(self.record.availability.as_of),
            minutes: format!("{:.0}", mf.minutes().to_f64()),
            platform: mf.platform.map(pct),
            platform_target: self.platform_target(),
            platform_below: mf.complete
                && Self::below(mf.platform, self.record.availability.platform_target),
            rows,
            incidents: pm
                .map(|m| {
                    m.incidents
                        .iter()
                        .map(|&k| views.summary(&self.public.incidents[k]))
                        .collect()
                })
                .unwrap_or_default(),
            incident_count: pm.map_or(0, |m| m.incidents.len() + m.confidential),
            confidential_count: pm.map_or(0, |m| m.confidential),
            maintenance: pm
                .map(|m| {
                    m.maintenance
                        .iter()
                        .map(|w| Window {
                            title: w.title.clone(),
                            url: w.url.clone().filter(|u| urls::is_safe_external(u)),
                            start: when(w.start),
                            start_iso: iso(w.start),
                            end: when(w.end),
                            end_iso: iso(w.end),
                            services: w
                                .services
                                .iter()
                                .map(|s| self.service_name(s))
                                .collect::<Vec<_>>()
                                .join(", "),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            charts: self.burn_down(mf).into_iter().collect(),
            prev_url: neighbour(mf.month.prev()),
            prev_label: month_label(mf.month.prev()),
            next_url: neighbour(mf.month.next()),
            next_label: month_label(mf.month.next()),
            trends_url: pm.map(|_| self.href(&trends_url(mf.month))),
        };
        let mut ctx = Context::new();
        ctx.insert("m", &view);
        ctx.insert(
            "page",
            &page_meta(
                self.config,
                &format!("Availability {}", month_label(mf.month)),
                &month_url(mf.month),
                "availability",
            ),
        );
        ctx
    }

    /// Remaining budget per day of the month, for weighted services, from
    /// the daily figures the record keeps (the last 90 days).
    fn burn_down(&self, mf: &MonthFigures) -> Option<ChartView> {
        let mut series = Vec::new();
        for (k, s) in mf.services.iter().filter(|s| s.weight > 0).enumerate() {
            let recent = self
                .record
                .availability
                .recent
                .iter()
                .find(|r| r.id == s.id)?;
            let days: Vec<_> = recent
                .days
                .iter()
                .filter(|d| Month::new(d.date.year(), d.date.month()) == Some(mf.month))
                .collect();
            if days.is_empty() {
                return None;
            }
            // Only a whole month's days add up to its downtime: a month
            // partly older than the kept days, or an SLI month without
            // `daily` values (its days come from incidents), would end the
            // line away from the budget the table shows.
            let whole = days[0].date.day() == 1;
            let same_source = s.source != Source::Sli
                || days
                    .iter()
                    .all(|d| d.value.as_ref().is_none_or(|v| v.source == Source::Sli));
            if !whole || !same_source {
                continue;
            }
            let mut remaining = s.budget;
            let points = days
                .iter()
                .map(|d| {
                    let v = d.value.as_ref().map(|v| {
                        remaining = remaining - v.downtime;
                        minutes(remaining).to_f64()
                    });
                    (d.date.format("%d").to_string(), v)
                })
                .collect();
            series.push(Series::new(
                &self.service_name(&s.id),
                &format!("chart-s{}", (k + 1) % 8 + 1),
                points,
            ));
        }
        if series.is_empty() {
            return None;
        }
        Some(chart_view(charts::budget_burn_down(
            &ChartSpec {
                id: format!("burn-down-{}", mf.month),
                title: format!("Error budget burn-down, {}", month_label(mf.month)),
                description: "Error budget left at the end of each day of the month, in minutes, per weighted service; below zero the target is missed.".into(),
                x_label: "Day of the month".into(),
                y_label: "Budget left (minutes)".into(),
            },
            &series,
        )))
    }

    /// `/trends/YYYY-MM/`.
    pub fn trends_context(&self, pm: &PublicMonth<'_>) -> Context {
        #[derive(Serialize)]
        struct Metric {
            name: String,
            value: String,
            change: Option<String>,
        }
        #[derive(Serialize)]
        struct Noisy {
            name: String,
            count: usize,
        }
        #[derive(Serialize)]
        struct Overdue {
            title: String,
            url: Option<String>,
            due: String,
            owner: Option<String>,
            incident: String,
            incident_url: String,
        }
        #[derive(Serialize)]
        struct View {
            label: String,
            complete: bool,
            as_of: String,
            as_of_iso: String,
            prev_label: String,
            prev_url: Option<String>,
            next_url: Option<String>,
            next_label: String,
            availability_url: String,
            metrics: Vec<Metric>,
            charts: Vec<ChartView>,
            noisiest_label: &'static str,
            noisiest: Vec<Noisy>,
            overdue: Vec<Overdue>,
            overdue_confidential: usize,
        }
        let s = &pm.stats;
        let metric = |name: &str, value: String, change: Option<String>| Metric {
            name: name.to_string(),
            value,
            change,
        };
        // "median / p90", and the change of the median.
        let dur = format::maybe_duration;
        let spread = |st: &DurationStats| format!("{} / {}", dur(st.median), dur(st.p90));
        let c = s.change.as_ref();
        let mut metrics = vec![
            metric(
                "Incidents",
                s.incidents.to_string(),
                c.map(|c| count_change(&c.incidents)),
            ),
            metric(
                "S1 and S2 incidents",
                (s.by_severity[0] + s.by_severity[1]).to_string(),
                c.map(|c| {
                    count_change(&Delta {
                        previous: c.by_severity[0].previous + c.by_severity[1].previous,
                        current: c.by_severity[0].current + c.by_severity[1].current,
                    })
                }),
            ),
            metric(
                "Time to detect (median / p90)",
                spread(&s.time_to_detect),
                c.map(|c| duration_change(&c.time_to_detect_median)),
            ),
            metric(
                "Time to mitigate (median / p90)",
                spread(&s.time_to_mitigate),
                c.map(|c| duration_change(&c.time_to_mitigate_median)),
            ),
            metric(
                "Time to resolve (median / p90)",
                spread(&s.time_to_resolve),
                c.map(|c| duration_change(&c.time_to_resolve_median)),
            ),
            metric(
                "Corrective actions open / overdue",
                format!("{} / {}", s.actions.open, s.actions.overdue),
                None,
            ),
        ];
        let mut noisiest = Vec::new();
        let mut noisiest_label = "Alert";
        if let Some(p) = &pm.pager {
            let c = p.change.as_ref();
            metrics.push(metric(
                "Pages",
                p.pages.to_string(),
                c.map(|c| count_change(&c.pages)),
            ));
            metrics.push(metric(
                "High-urgency pages",
                p.high_urgency.to_string(),
                c.map(|c| count_change(&c.high_urgency)),
            ));
            for (k, name) in self.record.shifts.iter().enumerate() {
                metrics.push(metric(
                    &format!("Pages in the {name} shift"),
                    p.by_shift.get(k).copied().unwrap_or(0).to_string(),
                    c.and_then(|c| c.by_shift.get(k)).map(count_change),
                ));
            }
            let i = &p.interruptions;
            metrics.push(metric(
                "Interruptions: business / off / sleep hours",
                format!("{} / {} / {}", i.business, i.off, i.sleep),
                c.map(|c| {
                    [&c.business, &c.off, &c.sleep]
                        .map(|d| format!("{:+}", d.diff()))
                        .join(" / ")
                }),
            ));
            metrics.push(metric(
                "Time to acknowledge (median / p90)",
                spread(&p.time_to_acknowledge),
                c.map(|c| duration_change(&c.time_to_acknowledge_median)),
            ));
            metrics.push(metric(
                "Time to resolve a page (median / p90)",
                spread(&p.time_to_resolve),
                c.map(|c| duration_change(&c.time_to_resolve_median)),
            ));
            if self.record.public_alert_titles {
                noisiest = p
                    .noisiest
                    .iter()
                    .map(|a| Noisy {
                        name: a.title.clone(),
                        count: a.count,
                    })
                    .collect();
            } else {
                noisiest_label = "Service and urgency";
                noisiest = p
                    .noisiest_public
                    .iter()
                    .map(|g| Noisy {
                        name: format!(
                            "{} ({})",
                            self.service_name(&g.service),
                            match g.urgency {
                                crate::analyse::pager::Urgency::High => "high urgency",
                                crate::analyse::pager::Urgency::Low => "low urgency",
                            }
                        ),
                        count: g.count,
                    })
                    .collect();
            }
        }
        let overdue = pm
            .overdue
            .iter()
            .filter_map(|&(k, a, _)| {
                let inc = self.public.incidents.get(k)?.incident();
                let action = inc.corrective_actions.get(a)?;
                Some(Overdue {
                    title: crate::markdown::untrusted::inline(&action.title),
                    url: action.url.clone().filter(|u| urls::is_safe_external(u)),
                    due: action.due.map(|d| d.to_string()).unwrap_or_default(),
                    owner: action.owner.clone(),
                    incident: inc.id.to_string(),
                    incident_url: self.href(&urls::incident(&inc.id)),
                })
            })
            .collect();
        let has = |m: Month| self.record.month(m).map(|_| self.href(&trends_url(m)));
        let view = View {
            label: month_label(pm.month),
            complete: pm.stats.complete,
            as_of: when(self.record.availability.as_of),
            as_of_iso: iso(self.record.availability.as_of),
            prev_label: month_label(pm.month.prev()),
            prev_url: has(pm.month.prev()),
            next_url: has(pm.month.next()),
            next_label: month_label(pm.month.next()),
            availability_url: self.href(&month_url(pm.month)),
            metrics,
            // The incident and pager charts (the availability one is the update's).
            // The year up to this month: what a review looks back on.
            charts: self.history_charts(Some((pm.month, 12)), false),
            noisiest_label,
            noisiest,
            overdue,
            overdue_confidential: pm.overdue_confidential,
        };
        let mut ctx = Context::new();
        ctx.insert("t", &view);
        ctx.insert(
            "page",
            &page_meta(
                self.config,
                &format!("Trends {}", month_label(pm.month)),
                &trends_url(pm.month),
                "trends",
            ),
        );
        ctx
    }

    /// Availability history, daily bars and rolling figures of one service.
    pub fn service_block(&self, id: &Id) -> Option<ServiceBlock> {
        let recent = self
            .record
            .availability
            .recent
            .iter()
            .find(|r| &r.id == id)?;
        let target = self.public.service(id)?.service.target;
        // The service's public incidents by day of the window: one pass over
        // that service's incidents, never over the whole record per day.
        let first_day = recent.days.first().map(|d| d.date);
        let mut by_day: std::collections::BTreeMap<chrono::NaiveDate, Vec<(String, String)>> =
            Default::default();
        if let (Some(first_day), Some(service)) = (first_day, self.public.service(id)) {
            for &k in &service.incidents {
                let p = &self.public.incidents[k];
                let i = p.incident();
                let end = i
                    .impact_end()
                    .unwrap_or(self.record.availability.as_of)
                    .date_naive();
                let mut day = i.started_at.date_naive().max(first_day);
                while day <= end && day <= self.record.availability.as_of.date_naive() {
                    by_day
                        .entry(day)
                        .or_default()
                        .push((i.title.clone(), self.href(&urls::incident(p.id()))));
                    day = day.succ_opt().unwrap_or(day);
                    if day == chrono::NaiveDate::MAX {
                        break;
                    }
                }
            }
        }
        let days = recent
            .days
            .iter()
            .map(|d| uptime::Day {
                date: d.date.to_string(),
                availability: d.value.as_ref().map(|v| v.availability.to_f64()),
                display: d.value.as_ref().map(|v| pct(v.availability)),
                incidents: by_day.remove(&d.date).unwrap_or_default(),
            })
            .collect();
        let history = self
            .record
            .availability
            .months
            .iter()
            .rev()
            .filter_map(|m| {
                let s = m.service(id)?;
                Some(ServiceMonthView {
                    label: month_label(m.month),
                    url: self.href(&month_url(m.month)),
                    availability: pct(s.availability),
                    downtime: mins(s.downtime),
                    budget: mins(s.budget),
                    remaining: mins(s.remaining),
                    met: s.met,
                })
            })
            .collect();
        Some(ServiceBlock {
            bars: uptime::bars(days, target.to_f64()),
            rolling: recent
                .rolling
                .iter()
                .map(|r| RollingView {
                    days: r.days,
                    availability: r.availability.map(pct),
                })
                .collect(),
            history,
        })
    }

    /// The latest complete months' platform figures, for the home page.
    pub fn latest(&self, n: usize) -> Vec<LatestView> {
        self.record
            .availability
            .months
            .iter()
            .rev()
            .filter(|m| m.complete && !m.imported)
            .take(n)
            .map(|m| LatestView {
                label: month_label(m.month),
                url: self.href(&month_url(m.month)),
                platform: m.platform.map(pct),
                below: Self::below(m.platform, self.record.availability.platform_target),
            })
            .collect()
    }
}

#[derive(Serialize)]
pub struct ServiceBlock {
    bars: uptime::Bars,
    rolling: Vec<RollingView>,
    history: Vec<ServiceMonthView>,
}

#[derive(Serialize)]
struct RollingView {
    days: u32,
    availability: Option<String>,
}

#[derive(Serialize)]
struct ServiceMonthView {
    label: String,
    url: String,
    availability: String,
    downtime: String,
    budget: String,
    remaining: String,
    met: Option<bool>,
}

#[derive(Serialize)]
pub struct LatestView {
    label: String,
    url: String,
    platform: Option<String>,
    below: bool,
}

pub fn month_url(m: Month) -> String {
    format!("{}{m}/", urls::AVAILABILITY)
}

pub fn trends_url(m: Month) -> String {
    format!("{}{m}/", urls::TRENDS)
}

/// `0.5`, `0`, `1`: a weight as people write it.
fn trim_float(f: f64) -> String {
    let s = format!("{f:.6}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
