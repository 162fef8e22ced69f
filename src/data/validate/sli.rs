//! `data/sli/YYYY-MM.yaml`: the availability the metrics engine measured,
//! per service, for one month. Checked to the standard of the incident
//! files: every problem of the file in one run, each at its line and column.

use super::super::model::{Id, SliMonth, SliService};
use super::super::month::Month;
use super::super::percent::Percent;
use super::super::yaml::{self, Node, NodeKind};
use super::{Check, KnownServices, Scalar, Spanned};

/// The keys of the file and of one service, in canonical order (the
/// writer follows them).
pub(in super::super) const SLI_FILE_KEYS: &[&str] = &["schema", "month", "services"];
pub(in super::super) const SLI_SERVICE_KEYS: &[&str] = &["availability", "daily"];

const FILE: &str = "SLI file";
const SERVICE: &str = "SLI service";
const PERCENT_HELP: &str = "write the percentage as the engine gives it, without `%`: `99.9621` \
                            means 99.9621 %, from 0 to 100";

/// Checks one month of SLI figures; `None` when the file has an error that
/// leaves no usable month (the caller drops files with errors anyway).
pub(in super::super) fn sli_file(
    ck: &mut Check,
    month: Month,
    known: Option<&KnownServices>,
) -> Option<SliMonth> {
    let node = ck.yaml("a month of measured availability (`month:` and `services:`)")?;
    let record = ck.fields(&node, FILE, SLI_FILE_KEYS)?;
    let schema = ck.scalar(&record, "schema");
    ck.schema(&schema);
    let month_value = ck.scalar(&record, "month");
    let month_ok = ck.file_month(&month_value, month, &record);

    let services_node = match record.get("services") {
        Some(n) => n,
        None => {
            ck.required(&None::<Spanned<()>>, "services", &record);
            return None;
        }
    };
    let NodeKind::Map(entries) = &services_node.kind else {
        ck.error(
            &services_node.at,
            format!(
                "`services` must be a mapping of service ids, not {}",
                yaml::shape(&services_node.kind)
            ),
            "write one entry per service: `web:` and under it `availability: 99.95`",
        );
        return None;
    };
    let mut ok = true;
    let mut out = Vec::with_capacity(entries.len());
    let mut previous: Option<(Id, usize)> = None;
    for e in entries {
        let Some(id) = ck.id(
            &Spanned {
                value: e.key.clone(),
                at: e.key_at,
            },
            "services",
        ) else {
            ok = false;
            continue;
        };
        if let Some(known) = known
            && !known.ids.contains(&id)
        {
            ck.error(
                &e.key_at,
                format!("unknown service `{id}`"),
                known.help.clone(),
            );
            ok = false;
        }
        match &previous {
            Some((prev, line)) if *prev > id => ck.error(
                &e.key_at,
                format!("`services` are not sorted by id: `{id}` comes after `{prev}`"),
                format!(
                    "move `{id}` before `{prev}` (line {line}): the file lists services by id, \
                     as `opsbook pull` writes it"
                ),
            ),
            _ => previous = Some((id.clone(), ck.line(&e.key_at))),
        }
        match service(ck, &e.value, month) {
            Some((availability, daily)) => out.push(SliService {
                id,
                availability,
                daily,
            }),
            None => ok = false,
        }
    }
    let origin = ck.origin(&record);
    (ok && month_ok).then_some(SliMonth {
        month,
        services: out,
        origin,
    })
}

/// One service's figures: the month's availability and the optional daily
/// values, exactly one per day of `month`.
fn service(ck: &mut Check, node: &Node, month: Month) -> Option<(Percent, Option<Vec<Percent>>)> {
    let record = ck.fields(node, SERVICE, SLI_SERVICE_KEYS)?;
    let availability: Scalar = ck.scalar(&record, "availability");
    let availability = ck
        .required(&availability, "availability", &record)
        .and_then(|v| ck.percent(v, "availability", PERCENT_HELP));
    let daily = match record.get("daily") {
        None => Some(None),
        Some(node) => daily(ck, node, month).map(Some),
    };
    Some((availability?, daily?))
}

/// `daily:`: a list of exactly one percentage per day of `month`.
fn daily(ck: &mut Check, node: &Node, month: Month) -> Option<Vec<Percent>> {
    let NodeKind::Seq(items) = &node.kind else {
        ck.error(
            &node.at,
            format!("`daily` must be a list, not {}", yaml::shape(&node.kind)),
            "write one value per day of the month: `daily: [100, 99.98, ...]`",
        );
        return None;
    };
    let mut values = Vec::with_capacity(items.len());
    let mut ok = true;
    for (day, item) in (1..).zip(items) {
        let value = match &item.kind {
            NodeKind::Scalar(s) => ck.percent(
                &Spanned {
                    value: s.clone(),
                    at: item.at,
                },
                "daily",
                PERCENT_HELP,
            ),
            NodeKind::Null => {
                ck.error(
                    &item.at,
                    format!("the `daily` value of day {day} is missing"),
                    "give a value for every day of the month, or leave `daily` out",
                );
                None
            }
            other => {
                ck.error(
                    &item.at,
                    format!(
                        "a `daily` value must be a single percentage, not {}",
                        yaml::shape(other)
                    ),
                    PERCENT_HELP,
                );
                None
            }
        };
        match value {
            Some(v) => values.push(v),
            None => ok = false,
        }
    }
    let days = month.days() as usize;
    if items.len() != days {
        ck.error(
            &node.at,
            format!(
                "`daily` has {} values but {month} has {days} days",
                items.len()
            ),
            format!(
                "give exactly one value per day of the month, 1 to {days}, in order; leave \
                 `daily` out when the engine has no daily figures (e.g. for the month in \
                 progress)"
            ),
        );
        ok = false;
    }
    ok.then_some(values)
}
