//! `data/pages/YYYY-MM.yaml`: the pages the paging system sent in one
//! month. Checked to the standard of the incident files: every problem of
//! the file in one run, each at its line and column. Ids unique across
//! months is a rule between files: `load` checks it with `CheckedPages`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::super::model::{Page, PagesMonth, Urgency};
use super::super::month::Month;
use super::{Check, KnownServices, List, Record, Scalar};
use crate::diag::Location;

/// The keys of the file and of one page, in canonical order (the writer
/// follows them).
pub(in super::super) const PAGES_FILE_KEYS: &[&str] = &["schema", "month", "pages"];
pub(in super::super) const PAGE_KEYS: &[&str] = &[
    "id",
    "title",
    "service",
    "urgency",
    "created_at",
    "acknowledged_at",
    "resolved_at",
    "escalation_policy",
];

const FILE: &str = "pages file";
const PAGE: &str = "page";
const URGENCIES: [(&str, Urgency); 2] = [("high", Urgency::High), ("low", Urgency::Low)];

/// The longest page id accepted (PagerDuty's are 7 to 14 characters).
const MAX_ID: usize = 64;

/// A checked month of pages, and where each page's `id` is (byte offsets,
/// in the order of `month.pages`), for the duplicate check across months.
pub(in super::super) struct CheckedPages {
    pub month: PagesMonth,
    id_at: Vec<usize>,
    /// The file's text: a location is made only for a duplicate.
    text: String,
}

impl CheckedPages {
    /// Where the `i`-th page's id is written.
    pub fn id_location(&self, i: usize) -> Location {
        Location::at_offset(&self.month.origin.file, &self.text, self.id_at[i])
    }
}

struct RawPage<'n> {
    record: Record<'n>,
    id: Scalar,
    title: Scalar,
    service: Scalar,
    urgency: Scalar,
    created_at: Scalar,
    acknowledged_at: Scalar,
    resolved_at: Scalar,
    escalation_policy: Scalar,
}

/// `[A-Za-z0-9]+`: the paging system's id, case kept (`PT4KHLK`,
/// `pt4khlk`).
fn is_page_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_ID && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Checks one month of pages; `None` when the file is not a month of pages
/// at all.
pub(in super::super) fn pages_file(
    ck: &mut Check,
    month: Month,
    known: Option<&KnownServices>,
) -> Option<CheckedPages> {
    let node = ck.yaml("a month of pages (`month:` and `pages:`)")?;
    let record = ck.fields(&node, FILE, PAGES_FILE_KEYS)?;
    let schema = ck.scalar(&record, "schema");
    ck.schema(&schema);
    let month_value = ck.scalar(&record, "month");
    let month_ok = ck.file_month(&month_value, month, &record);
    let raw: List<RawPage> = ck.list(&record, "pages", |ck, n| {
        let f = ck.fields(n, PAGE, PAGE_KEYS)?;
        Some(RawPage {
            id: ck.scalar(&f, "id"),
            title: ck.scalar(&f, "title"),
            service: ck.scalar(&f, "service"),
            urgency: ck.scalar(&f, "urgency"),
            created_at: ck.scalar(&f, "created_at"),
            acknowledged_at: ck.scalar(&f, "acknowledged_at"),
            resolved_at: ck.scalar(&f, "resolved_at"),
            escalation_policy: ck.scalar(&f, "escalation_policy"),
            record: f,
        })
    });
    let list = ck.required(&raw, "pages", &record)?;

    let mut pages = Vec::with_capacity(list.value.len());
    let mut id_at = Vec::with_capacity(list.value.len());
    let mut ok = month_ok;
    let mut lines: BTreeMap<&str, usize> = BTreeMap::new();
    let mut previous: Option<(DateTime<Utc>, &str, usize)> = None;
    for item in &list.value {
        let raw = &item.value;
        let record = raw.record;
        let id = ck.required(&raw.id, "id", &record).and_then(|v| {
            let s = v.value.as_str();
            if !is_page_id(s) {
                ck.error(
                    &v.at,
                    format!("a page `id` must match [A-Za-z0-9]+, not `{s}`"),
                    format!(
                        "write the paging system's id as it gives it, letters and digits only \
                         (at most {MAX_ID}), e.g. `PT4KHLK`"
                    ),
                );
                return None;
            }
            match lines.get(s) {
                Some(line) => {
                    ck.error(
                        &v.at,
                        format!("duplicate page id `{s}` in {month}"),
                        format!("`{s}` is already used on line {line}: each page appears once"),
                    );
                    None
                }
                None => {
                    lines.insert(s, ck.line(&v.at));
                    Some(v)
                }
            }
        });
        let title = ck.text(&raw.title, "title", &record);
        let service = ck.required(&raw.service, "service", &record).and_then(|v| {
            let id = ck.id(v, "service")?;
            if let Some(known) = known
                && !known.ids.contains(&id)
            {
                ck.error(&v.at, format!("unknown service `{id}`"), known.help.clone());
                return None;
            }
            Some(id)
        });
        let urgency = ck.required(&raw.urgency, "urgency", &record).and_then(|v| {
            ck.choice(
                v,
                "urgency",
                &URGENCIES,
                "`high` pages the on-call engineer at once, `low` waits for working hours",
            )
        });
        let times = times(ck, raw, &record, month);

        if let (Some(Some(created)), Some(v)) = (times.map(|t| t[0]), id) {
            match previous {
                Some((pt, pid, pline)) if (created, v.value.as_str()) < (pt, pid) => ck.error(
                    &record.at,
                    format!(
                        "`pages` are not sorted by `created_at`, then `id`: `{}` comes after \
                         `{pid}`",
                        v.value
                    ),
                    format!(
                        "move `{}` before `{pid}` (line {pline}): the file lists pages by \
                         created_at, then id, as `opsbook pull` writes it",
                        v.value
                    ),
                ),
                _ => previous = Some((created, v.value.as_str(), ck.line(&record.at))),
            }
        }

        match (id, title, service, urgency, times) {
            (
                Some(v),
                Some(title),
                Some(service),
                Some(urgency),
                Some([Some(created), ack, res]),
            ) => {
                id_at.push(v.at);
                pages.push(Page {
                    id: v.value.clone(),
                    title,
                    service,
                    urgency,
                    created_at: created,
                    acknowledged_at: ack,
                    resolved_at: res,
                    escalation_policy: Check::opt_text(&raw.escalation_policy),
                });
            }
            _ => ok = false,
        }
    }
    let origin = ck.origin(&record);
    ok.then(|| CheckedPages {
        month: PagesMonth {
            month,
            pages,
            origin,
        },
        id_at,
        text: ck.source_text().to_string(),
    })
}

/// `created_at`, `acknowledged_at`, `resolved_at`: each a time, in this
/// order where present, `created_at` in the file's month. `None` when one
/// of them is wrong (reported).
fn times(
    ck: &mut Check,
    raw: &RawPage,
    record: &Record,
    month: Month,
) -> Option<[Option<DateTime<Utc>>; 3]> {
    let created_value = ck.required(&raw.created_at, "created_at", record);
    let created = created_value.and_then(|v| ck.time(v, "created_at"));
    let mut ok = created.is_some();
    if let (Some(t), Some(v)) = (created, created_value) {
        let of = Month::of(t);
        if of != month {
            ck.error(
                &v.at,
                format!("`created_at` is in {of} (UTC) but the file is {month}.yaml"),
                format!(
                    "pages are filed by the month they were created: move this one to \
                     data/pages/{of}.yaml"
                ),
            );
            ok = false;
        }
    }
    let values = [
        ("created_at", &raw.created_at),
        ("acknowledged_at", &raw.acknowledged_at),
        ("resolved_at", &raw.resolved_at),
    ];
    let mut parsed = [created, None, None];
    for (i, (key, value)) in values.iter().enumerate().skip(1) {
        if let Some(v) = value {
            parsed[i] = ck.time(v, key);
            ok &= parsed[i].is_some();
        }
    }
    let mut latest: Option<(&str, DateTime<Utc>, usize)> = None;
    for ((key, value), t) in values.iter().zip(parsed) {
        let (Some(t), Some(v)) = (t, value) else {
            continue;
        };
        match latest {
            Some((before, bt, bat)) if t < bt => {
                ck.error(
                    &v.at,
                    format!("`{key}` is before `{before}`"),
                    format!(
                        "times run created_at ≤ acknowledged_at ≤ resolved_at; `{before}` is {} \
                         (line {})",
                        bt.format("%Y-%m-%dT%H:%M:%SZ"),
                        ck.line(&bat)
                    ),
                );
                ok = false;
            }
            _ => latest = Some((key, t, v.at)),
        }
    }
    ok.then_some(parsed)
}
