//! `opsbook report monthly|trends YYYY-MM`: the merge-request text of the
//! Monthly Availability Update and the agenda of the Monthly Review of
//! Incident and Pager Trends, in markdown, for stdout.
//!
//! Runs the build's stages up to `publish` (no handbook pages: the reports
//! need none) and reads the public view only, because both texts may be
//! pasted where anyone can read them: confidential incidents are counted,
//! never named. The one internal exception is the noisiest alerts of the
//! trends agenda, always by title (issue 7: the review is internal). Figures
//! are formatted as the site formats them (`render::availability`):
//! percentages cut, never rounded.

use std::fmt::Write;

use chrono::{Duration, NaiveDate};

use crate::analyse::availability::{MonthFigures, Ratio};
use crate::analyse::measures::{Delta, DurationStats};
use crate::analyse::{self, record::Analysis};
use crate::config::Config;
use crate::content::{Content, Postmortems};
use crate::data::{self, Dataset, Incident, Month, Severity};
use crate::diag::{Diagnostic, Diagnostics};
use crate::publish::PublicSite;
use crate::publish::record::PublicMonth;
use crate::render::availability::{burn, mins, month_label, pct};
use crate::render::format::{self, maybe_duration as dur};
use crate::scaffold::markdown_literal as md;
use crate::settings::{BuildOptions, Settings};
use crate::urls;

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The Monthly Availability Update merge request.
    Monthly,
    /// The trends review agenda.
    Trends,
}

/// A report, and the warnings of the run that made it.
#[derive(Debug)]
pub struct Report {
    pub text: String,
    pub warnings: Diagnostics,
}

/// Builds the `kind` report for `month` (as typed: `YYYY-MM`). Every
/// problem of the run (settings, data, the month) comes back together.
pub fn run(kind: Kind, opts: &BuildOptions, month: &str) -> Result<Report, Diagnostics> {
    let (settings, mut diags) = Settings::new(opts)?;
    let wanted = Month::parse(month.trim());
    if wanted.is_none() {
        diags.push(
            Diagnostic::error(format!("`{month}` is not a month"))
                .help("write the month as YYYY-MM, e.g. `opsbook report monthly 2026-11`"),
        );
    }
    let loaded = data::load(&settings.root);
    diags.extend(loaded.diagnostics.0);
    let data = loaded.dataset;
    // A report from a partial dataset would print wrong figures with
    // confidence: any data error stops it, as it stops a build.
    let Some(month) = wanted.filter(|_| !diags.has_errors()) else {
        diags.sort();
        return Err(diags);
    };
    let as_of = settings.as_of.resolve(&data);
    let analysis = analyse::record::run(&data, &settings.config, as_of);
    // The public view without handbook pages: nothing here reads them.
    let content = Content {
        pages: Vec::new(),
        files: Vec::new(),
        by_url: Default::default(),
        by_rel: Default::default(),
    };
    let postmortems = Postmortems::default();
    let public = PublicSite::new(
        &content,
        &postmortems,
        &data,
        &analysis,
        as_of,
        &Default::default(),
        &mut Diagnostics::new(),
    );
    let view = match find_month(&public, &data, &analysis, month) {
        Ok((mf, pm)) => View {
            public: &public,
            analysis: &analysis,
            data: &data,
            config: &settings.config,
            mf,
            pm,
        },
        Err(d) => {
            diags.push(d);
            diags.sort();
            return Err(diags);
        }
    };
    let text = match kind {
        Kind::Monthly => view.monthly(),
        Kind::Trends => view.trends(),
    };
    diags.sort();
    Ok(Report {
        text,
        warnings: diags,
    })
}

/// The month's figures, or why the record has none for it.
fn find_month<'a>(
    public: &'a PublicSite<'a>,
    data: &Dataset,
    analysis: &'a Analysis,
    month: Month,
) -> Result<(&'a MonthFigures, &'a PublicMonth<'a>), Diagnostic> {
    let Some(record) = &public.record else {
        return Err(Diagnostic::error(format!(
            "no record to report on for {month}: data/ is empty"
        ))
        .help(
            "the record is made from data/incidents/, data/maintenance/, data/sli/ and data/pages/",
        ));
    };
    let found = analysis
        .availability
        .month(month)
        .filter(|m| !m.imported)
        .zip(record.month(month));
    if let Some(found) = found {
        return Ok(found);
    }
    let span = format!(
        "the record runs from {} to {} (the month of \"as of\", {})",
        record.first,
        record.last,
        format::utc_minute(public.as_of)
    );
    Err(if month > record.last {
        Diagnostic::error(format!("{month} is after the record: {span}")).help(format!(
            "pass --as-of with an instant after the month, e.g. --as-of {}, once its data is in data/",
            month.end().date_naive()
        ))
    } else if data.imported.iter().any(|m| m.month == month) {
        Diagnostic::error(format!(
            "{month} is imported history (data/imported-availability.yaml): only its platform figure is known"
        ))
        .help(format!("reports need the month's data; {span}"))
    } else {
        Diagnostic::error(format!("{month} is before the record: {span}"))
            .help("pick a month of the record, or add that month's snapshots to data/")
    })
}

/// Everything one report reads.
struct View<'a> {
    public: &'a PublicSite<'a>,
    analysis: &'a Analysis,
    data: &'a Dataset,
    config: &'a Config,
    mf: &'a MonthFigures,
    pm: &'a PublicMonth<'a>,
}

impl View<'_> {
    fn month(&self) -> Month {
        self.mf.month
    }

    fn permalink(&self, rel: &str) -> String {
        format!("{}/{rel}", self.config.origin_and_path())
    }

    fn service_name(&self, id: &data::Id) -> String {
        self.data
            .service(id)
            .map_or_else(|| id.to_string(), |s| s.name.clone())
    }

    /// Public incidents of the month up to "as of", oldest first.
    fn incidents(&self) -> impl Iterator<Item = &Incident> {
        self.pm
            .incidents
            .iter()
            .map(|&k| self.public.incidents[k].incident())
            .filter(|i| i.started_at <= self.public.as_of)
    }

    /// Confidential incidents of severity `s`: all of them (from the
    /// statistics) less the public ones.
    fn confidential(&self, s: Severity) -> usize {
        let k = usize::from(s.number()) - 1;
        let public = self.incidents().filter(|i| i.severity == s).count();
        self.pm.stats.by_severity[k].saturating_sub(public)
    }

    /// `[title](permalink)`, the title literal.
    fn incident_link(&self, i: &Incident) -> String {
        format!(
            "[{}]({})",
            md(&i.title),
            self.permalink(&urls::incident(&i.id))
        )
    }

    /// The month-to-date warning, or nothing for a complete month.
    fn to_date_notice(&self, what: &str) -> String {
        if self.mf.complete {
            return String::new();
        }
        format!(
            "> [!WARNING]\n> **Month to date: {label} is not complete.** The figures cover the {minutes} minutes elapsed, \
             up to \"as of\" ({as_of}); targets are not judged and month-over-month changes are not shown. \
             Run the {what} again once the month is over.\n\n",
            label = month_label(self.month()),
            minutes = self.mf.minutes().to_f64().floor(),
            as_of = format::utc_minute(self.public.as_of),
        )
    }

    fn monthly(&self) -> String {
        let m = self.month();
        let label = month_label(m);
        let mut out = String::new();
        let title_tail = if self.mf.complete {
            ""
        } else {
            " (month to date)"
        };
        let _ = writeln!(out, "Monthly Availability Update: {label}{title_tail}\n");
        out.push_str(&self.to_date_notice("report"));
        let _ = writeln!(
            out,
            "Adds {label} to the Historical Service Level Availability. Figures from `opsbook report monthly {m}`, as of {}.\n",
            format::utc_minute(self.public.as_of)
        );
        let _ = writeln!(
            out,
            "**Deadline: merge by {}** (the 7th day of the month after {label}).\n",
            deadline(m)
        );
        self.availability_section(&mut out);
        self.budget_section(&mut out);
        self.incident_section(&mut out);
        self.maintenance_section(&mut out);
        self.pager_section(&mut out);
        let _ = writeln!(
            out,
            "## Row for the availability table\n\n| Year Month | Availability | Comments |\n| ---- | ----------- | ---- |\n| {label} | {} | {} |",
            self.mf
                .platform
                .map_or_else(|| "TBD".into(), |p| format!("{}%", pct(p))),
            self.comments()
        );
        out
    }

    fn availability_section(&self, out: &mut String) {
        let mf = self.mf;
        let _ = writeln!(out, "## Availability\n");
        let target = self.analysis.availability.platform_target;
        let status = |met: Option<bool>| match met {
            Some(true) => "met",
            Some(false) => "**missed**",
            None if mf.complete => "–",
            None => "not judged yet",
        };
        match mf.platform {
            Some(p) => {
                let _ = writeln!(
                    out,
                    "Platform: **{}%** against a target of {}: {}.\n",
                    pct(p),
                    target.map_or_else(|| "–".into(), |t| format!("{}%", pct(t))),
                    status(mf.platform_met)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "Platform: no figure (no service has a weight above 0).\n"
                );
            }
        }
        let _ = writeln!(
            out,
            "| Service | Weight | Target | Availability | Target met | Downtime (min) | Source |\n\
             | --- | ---: | ---: | ---: | --- | ---: | --- |"
        );
        for s in &mf.services {
            let _ = writeln!(
                out,
                "| {} | {} | {}% | {}% | {} | {} | {} |",
                md(&self.service_name(&s.id)),
                s.weight,
                s.target,
                pct(s.availability),
                status(s.met),
                mins(s.downtime),
                s.source.as_str()
            );
        }
        let _ = writeln!(
            out,
            "\nThe platform figure is the mean of the services' availabilities weighted by weight (weight 0 is left out); \
             percentages are cut to two decimals, never rounded up.\n"
        );
    }

    fn budget_section(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "## Error budget\n\n| Service | Budget (min) | Spent (min) | Remaining (min) | Burn rate | Status |\n\
             | --- | ---: | ---: | ---: | ---: | --- |"
        );
        for s in &self.mf.services {
            let state = if s.remaining < Ratio::ZERO {
                "**overspent**"
            } else if s.spent.is_zero() {
                "untouched"
            } else {
                "within budget"
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {state} |",
                md(&self.service_name(&s.id)),
                mins(s.budget),
                mins(s.spent),
                mins(s.remaining),
                burn(s.burn_rate)
            );
        }
        let _ = writeln!(
            out,
            "\nBudget = (1 − target) × the month's minutes; burn rate = spent / budget (above 1.00 the target is missed).\n"
        );
    }

    fn incident_section(&self, out: &mut String) {
        let _ = writeln!(out, "## Severity 1 and 2 incidents\n");
        let mut any = false;
        for i in self
            .incidents()
            .filter(|i| matches!(i.severity, Severity::S1 | Severity::S2))
        {
            any = true;
            let impact = analyse::incident_times(i)
                .impact
                .map_or_else(|| "still ongoing".into(), format::duration);
            let services: Vec<String> = i
                .services
                .iter()
                .map(|s| md(&self.service_name(s)))
                .collect();
            let _ = writeln!(
                out,
                "- S{} {}: {} ({}; impact {impact})",
                i.severity.number(),
                format::utc_minute(i.started_at),
                self.incident_link(i),
                services.join(", ")
            );
        }
        for s in [Severity::S1, Severity::S2] {
            let n = self.confidential(s);
            if n > 0 {
                any = true;
                let _ = writeln!(
                    out,
                    "- {n} confidential S{} incident{} (counted, not named)",
                    s.number(),
                    plural(n)
                );
            }
        }
        if !any {
            let _ = writeln!(out, "No severity 1 or 2 incidents.");
        }
        out.push('\n');
    }

    fn maintenance_section(&self, out: &mut String) {
        let _ = writeln!(out, "## Maintenance windows\n");
        if self.pm.maintenance.is_empty() {
            let _ = writeln!(out, "None.");
        }
        for w in &self.pm.maintenance {
            let title = match w.url.as_deref().filter(|u| urls::is_safe_external(u)) {
                Some(u) => format!("[{}]({})", md(&w.title), link_target(u)),
                None => md(&w.title),
            };
            let services: Vec<String> = w
                .services
                .iter()
                .map(|s| md(&self.service_name(s)))
                .collect();
            let _ = writeln!(
                out,
                "- {} to {}: {title} ({}; {} min, excluded from availability)",
                format::utc_minute(w.start),
                format::utc_minute(w.end),
                services.join(", "),
                (w.end - w.start).num_minutes()
            );
        }
        out.push('\n');
    }

    fn has_pages(&self) -> bool {
        self.data.pages.iter().any(|p| p.month == self.month())
    }

    fn pager_section(&self, out: &mut String) {
        let _ = writeln!(out, "## Pager summary\n");
        let Some(p) = self.pm.pager.as_ref().filter(|_| self.has_pages()) else {
            let _ = writeln!(
                out,
                "No pager data: data/pages/{}.yaml is absent.\n",
                self.month()
            );
            return;
        };
        let shifts: Vec<String> = self
            .analysis
            .pager
            .shifts
            .iter()
            .zip(&p.by_shift)
            .map(|(name, n)| format!("{} {n}", md(name)))
            .collect();
        let (i, h) = (&p.interruptions, &p.high_urgency_interruptions);
        let _ = writeln!(
            out,
            "- Pages: **{}** (high urgency {}, low urgency {})\n\
             - By shift: {}\n\
             - Business / off / sleep hours: {} / {} / {} (high urgency: {} / {} / {})\n\
             - MTTA (time to acknowledge): {}\n\
             - MTTR (time to resolve): {}\n",
            p.pages,
            p.high_urgency,
            p.low_urgency,
            shifts.join(", "),
            i.business,
            i.off,
            i.sleep,
            h.business,
            h.off,
            h.sleep,
            stats_text(&p.time_to_acknowledge, "not acknowledged"),
            stats_text(&p.time_to_resolve, "not resolved"),
        );
    }

    /// The comments cell as the handbook's table has it: S1 incidents
    /// linked, confidential ones counted, maintenance windows.
    fn comments(&self) -> String {
        let mut parts: Vec<String> = self
            .incidents()
            .filter(|i| i.severity == Severity::S1)
            .map(|i| {
                format!(
                    "{} [S1]({}) {}",
                    i.started_at.format("%b %-d"),
                    self.permalink(&urls::incident(&i.id)),
                    md(&i.title)
                )
            })
            .collect();
        let hidden = self.confidential(Severity::S1);
        if hidden > 0 {
            parts.push(format!("{hidden} confidential S1"));
        }
        if parts.is_empty() {
            parts.push("No S1 incidents".into());
        }
        for w in &self.pm.maintenance {
            parts.push(format!(
                "Maintenance: {}–{} UTC, {}",
                w.start.format("%b %-d %H:%M"),
                w.end.format("%H:%M"),
                md(&w.title)
            ));
        }
        parts.join(". ")
    }

    fn trends(&self) -> String {
        let m = self.month();
        let label = month_label(m);
        let mut out = String::new();
        let title_tail = if self.mf.complete {
            ""
        } else {
            " (month to date)"
        };
        let _ = writeln!(
            out,
            "Monthly Review of Incident and Pager Trends: {label}{title_tail}\n"
        );
        out.push_str(&self.to_date_notice("agenda"));
        let _ = writeln!(
            out,
            "Agenda from `opsbook report trends {m}`, as of {}. Confidential incidents are counted in the figures, never named.\n",
            format::utc_minute(self.public.as_of)
        );
        self.metrics_section(&mut out);
        self.noisiest_section(&mut out);
        self.overdue_section(&mut out);
        let _ = writeln!(
            out,
            "## Identified trends\n\n\
             <!-- Filled in during the review: each trend with its corrective action, \
             infradev or reliability issue, owner team and severity. -->\n"
        );
        out
    }

    fn metrics_section(&self, out: &mut String) {
        let s = &self.pm.stats;
        let prev = s.change.as_ref().map(|c| c.previous);
        let _ = writeln!(
            out,
            "## Key metrics\n\n| Metric | {} | {} | Change |\n| --- | ---: | ---: | ---: |",
            month_label(self.month()),
            prev.map_or_else(|| "Previous month".into(), month_label)
        );
        let mut row = |name: &str, now: String, delta: Option<(String, String)>| {
            let (was, change) = delta.unwrap_or_else(|| ("–".into(), "–".into()));
            let _ = writeln!(out, "| {name} | {now} | {was} | {change} |");
        };
        let c = s.change.as_ref();
        row(
            "Incidents (all severities)",
            s.incidents.to_string(),
            c.map(|c| count_delta(&c.incidents)),
        );
        for k in 0..4 {
            row(
                &format!("S{} incidents", k + 1),
                s.by_severity[k].to_string(),
                c.map(|c| count_delta(&c.by_severity[k])),
            );
        }
        for (name, st, delta) in [
            (
                "Time to detect, median",
                &s.time_to_detect,
                c.map(|c| c.time_to_detect_median),
            ),
            (
                "Time to mitigate, median",
                &s.time_to_mitigate,
                c.map(|c| c.time_to_mitigate_median),
            ),
            (
                "Time to resolve, median",
                &s.time_to_resolve,
                c.map(|c| c.time_to_resolve_median),
            ),
        ] {
            row(name, dur(st.median), delta.map(|d| duration_delta(&d)));
        }
        row("Corrective actions open", s.actions.open.to_string(), None);
        row(
            "Corrective actions overdue",
            s.actions.overdue.to_string(),
            c.map(|c| count_delta(&c.overdue_actions)),
        );
        if let Some(p) = self.pm.pager.as_ref().filter(|_| self.has_pages()) {
            let c = p.change.as_ref();
            row(
                "Pages",
                p.pages.to_string(),
                c.map(|c| count_delta(&c.pages)),
            );
            row(
                "High-urgency pages",
                p.high_urgency.to_string(),
                c.map(|c| count_delta(&c.high_urgency)),
            );
            for (k, name) in self.analysis.pager.shifts.iter().enumerate() {
                row(
                    &format!("Pages in the {} shift", md(name)),
                    p.by_shift.get(k).copied().unwrap_or(0).to_string(),
                    c.and_then(|c| c.by_shift.get(k)).map(count_delta),
                );
            }
            let i = &p.interruptions;
            for (name, n, delta) in [
                (
                    "Interruptions in business hours",
                    i.business,
                    c.map(|c| c.business),
                ),
                ("Interruptions in off hours", i.off, c.map(|c| c.off)),
                ("Interruptions in sleep hours", i.sleep, c.map(|c| c.sleep)),
            ] {
                row(name, n.to_string(), delta.map(|d| count_delta(&d)));
            }
            row(
                "MTTA (time to acknowledge), median",
                dur(p.time_to_acknowledge.median),
                c.map(|c| duration_delta(&c.time_to_acknowledge_median)),
            );
            row(
                "MTTR (time to resolve a page), median",
                dur(p.time_to_resolve.median),
                c.map(|c| duration_delta(&c.time_to_resolve_median)),
            );
        }
        let _ = writeln!(out);
        if !self.has_pages() {
            let _ = writeln!(
                out,
                "No pager data: data/pages/{}.yaml is absent.\n",
                self.month()
            );
        }
        let causes: Vec<String> = s
            .by_root_cause
            .iter()
            .map(|(cause, n)| format!("{} {n}", md(cause)))
            .chain(
                (s.without_root_cause > 0)
                    .then(|| format!("none recorded {}", s.without_root_cause)),
            )
            .collect();
        if !causes.is_empty() {
            let _ = writeln!(out, "Root causes: {}.\n", causes.join(", "));
        }
    }

    fn noisiest_section(&self, out: &mut String) {
        let _ = writeln!(out, "## Noisiest alerts\n");
        // Always by title: the review is internal (the public record may
        // have dropped them, so they come from the analysis).
        let noisiest = self
            .analysis
            .pager
            .months
            .iter()
            .find(|p| p.month == self.month())
            .map(|p| p.noisiest.as_slice())
            .unwrap_or_default();
        if noisiest.is_empty() {
            let _ = writeln!(out, "No pages this month.\n");
            return;
        }
        let _ = writeln!(out, "| # | Alert | Pages |\n| ---: | --- | ---: |");
        for (k, a) in noisiest.iter().enumerate() {
            let _ = writeln!(out, "| {} | {} | {} |", k + 1, md(&a.title), a.count);
        }
        out.push('\n');
    }

    fn overdue_section(&self, out: &mut String) {
        let _ = writeln!(
            out,
            "## Overdue corrective actions\n\nActions of the month's incidents still open past their due date, as of {}.\n",
            self.public.as_of.date_naive()
        );
        for &(k, a, days) in &self.pm.overdue {
            let Some(i) = self.public.incidents.get(k).map(|p| p.incident()) else {
                continue;
            };
            let Some(action) = i.corrective_actions.get(a) else {
                continue;
            };
            let title = match action.url.as_deref().filter(|u| urls::is_safe_external(u)) {
                Some(u) => format!("[{}]({})", md(&action.title), link_target(u)),
                None => md(&action.title),
            };
            let _ = writeln!(
                out,
                "- {title}: incident [{}]({}), owner {}, due {}, {days} day{} overdue",
                i.id,
                self.permalink(&urls::incident(&i.id)),
                action.owner.as_deref().map_or_else(|| "not set".into(), md),
                action.due.map(|d| d.to_string()).unwrap_or_default(),
                plural(days.unsigned_abs() as usize)
            );
        }
        let hidden = self.pm.overdue_confidential;
        if hidden > 0 {
            let _ = writeln!(
                out,
                "- {hidden} overdue action{} of confidential incidents (counted, not named)",
                plural(hidden)
            );
        }
        if self.pm.overdue.is_empty() && hidden == 0 {
            let _ = writeln!(out, "None.");
        }
        out.push('\n');
    }
}

/// The 7th day of the month after `m`.
fn deadline(m: Month) -> NaiveDate {
    let next = m.next();
    NaiveDate::from_ymd_opt(next.year(), next.number(), 7).expect("every month has a 7th day")
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// `median 4 min, p90 12 min (9 pages; 1 not acknowledged, left out)`.
fn stats_text(s: &DurationStats, lacking: &str) -> String {
    let mut text = format!("median {}, p90 {}", dur(s.median), dur(s.p90));
    if s.missing > 0 {
        let _ = write!(text, " ({} {lacking}, left out)", s.missing);
    }
    text
}

/// (previous, change) of a count: `+3`, `-1`, `0`.
fn count_delta(d: &Delta<usize>) -> (String, String) {
    (d.previous.to_string(), format!("{:+}", d.diff()))
}

/// (previous, change) of a duration: `+4 min`, `-1 h 2 min`.
fn duration_delta(d: &Delta<Option<Duration>>) -> (String, String) {
    let change = d.diff().map_or_else(|| "–".into(), format::signed_duration);
    (dur(d.previous), change)
}

/// A link target that cannot end the markdown link early.
fn link_target(url: &str) -> String {
    url.replace('(', "%28")
        .replace(')', "%29")
        .replace('<', "%3C")
        .replace('>', "%3E")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_deadline_is_the_seventh_of_the_next_month() {
        let m = |s| Month::parse(s).unwrap();
        assert_eq!(deadline(m("2026-11")).to_string(), "2026-12-07");
        assert_eq!(deadline(m("2026-12")).to_string(), "2027-01-07");
    }

    #[test]
    fn changes_are_signed() {
        let d = Delta {
            previous: 5usize,
            current: 3,
        };
        assert_eq!(count_delta(&d), ("5".into(), "-2".into()));
        let t = Delta {
            previous: Some(Duration::minutes(10)),
            current: Some(Duration::minutes(4)),
        };
        assert_eq!(duration_delta(&t), ("10 min".into(), "-6 min".into()));
        let none = Delta {
            previous: None,
            current: Some(Duration::minutes(4)),
        };
        assert_eq!(duration_delta(&none).1, "–");
    }

    #[test]
    fn link_targets_cannot_close_the_link() {
        assert_eq!(
            link_target("https://x.example/a_(b)<c>"),
            "https://x.example/a_%28b%29%3Cc%3E"
        );
    }
}
