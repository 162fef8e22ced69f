//! The impact sweep: the downtime of every service in every month slot and
//! day slot, in whole seconds weighted in millionths (an outage second is
//! 1,000,000; a degraded S1 second at 0.5 is 500,000), so that every sum is
//! an exact integer.
//!
//! Every impact window and maintenance window becomes two events; the
//! events of all services are sorted once and swept once. Between two
//! consecutive event times the weight is constant: 0 inside a maintenance
//! window, else the largest weight of the incidents open then (overlaps
//! never count twice). Each constant piece is added to the slots it covers
//! with a difference array, so a piece spanning years costs the same as one
//! spanning a minute: the work per incident depends on neither the number
//! of incidents nor the number of months.

use chrono::{DateTime, Datelike};

use crate::data::{Impact, Incident, MaintenanceWindow};

use super::{Fraction, SECONDS_PER_DAY};

/// Where slots begin and end, in Unix seconds.
pub(super) struct Grid {
    /// Nothing before this instant counts (the start of the first month).
    pub range_start: i64,
    /// Nothing at or after this instant counts ("as of").
    pub range_end: i64,
    /// `year * 12 + month - 1` of the first month slot.
    pub month_base: i64,
    /// Start of every month slot, plus the end of the last one.
    pub month_starts: Vec<i64>,
    /// Start of the first day slot; day slots are whole UTC days.
    pub day0: i64,
    pub days: usize,
}

impl Grid {
    fn months(&self) -> usize {
        self.month_starts.len().saturating_sub(1)
    }

    fn month_index(&self, t: i64) -> usize {
        let d = DateTime::from_timestamp(t, 0).expect("a time inside the record");
        (i64::from(d.year()) * 12 + i64::from(d.month0()) - self.month_base) as usize
    }

    fn day_start(&self, i: usize) -> i64 {
        self.day0 + i as i64 * SECONDS_PER_DAY
    }
}

/// Weighted downtime (millionth-seconds) per service and slot.
pub(super) struct Downtime {
    /// `[service][month slot]`.
    pub months: Vec<Vec<i128>>,
    /// `[service][day slot]`.
    pub days: Vec<Vec<i128>>,
}

/// Downtime of slots from pieces: the partial slots at both ends directly,
/// the whole slots between through a difference array of weights.
struct Slots {
    down: Vec<i128>,
    rate: Vec<i128>,
}

impl Slots {
    fn new(n: usize) -> Slots {
        Slots {
            down: vec![0; n],
            rate: vec![0; n + 1],
        }
    }

    /// Adds `[a, b)` at weight `w`; `a` is in slot `ia`, `b - 1` in `ib`.
    fn add(
        &mut self,
        a: i64,
        b: i64,
        w: i128,
        (ia, ib): (usize, usize),
        start: impl Fn(usize) -> i64,
    ) {
        if ia == ib {
            self.down[ia] += w * i128::from(b - a);
            return;
        }
        self.down[ia] += w * i128::from(start(ia + 1) - a);
        self.down[ib] += w * i128::from(b - start(ib));
        self.rate[ia + 1] += w;
        self.rate[ib] -= w;
    }

    fn finish(mut self, len: impl Fn(usize) -> i64) -> Vec<i128> {
        let mut run = 0;
        for (i, d) in self.down.iter_mut().enumerate() {
            run += self.rate[i];
            if run != 0 {
                *d += run * i128::from(len(i));
            }
        }
        self.down
    }
}

#[derive(Clone, Copy)]
struct Event {
    service: u32,
    time: i64,
    /// Index into the weight classes, or `MAINTENANCE`.
    class: u8,
    start: bool,
}

const MAINTENANCE: u8 = u8::MAX;

/// The weight of an incident in millionths: outage 1, degraded its
/// severity's fraction, none 0.
pub(super) fn weight(i: &Incident, degraded: &[Fraction; 4]) -> u32 {
    match i.impact {
        Impact::Outage => Fraction::SCALE,
        Impact::Degraded => degraded[i.severity as usize - 1].millionths(),
        Impact::None => 0,
    }
}

/// Sweeps the windows of `incidents` and `maintenance` for the services
/// that `service_of` numbers (0..n; others are ignored).
pub(super) fn sweep<'a>(
    grid: &Grid,
    n: usize,
    service_of: impl Fn(&crate::data::Id) -> Option<usize>,
    incidents: &'a [Incident],
    maintenance: &'a [MaintenanceWindow],
    degraded: &[Fraction; 4],
) -> Downtime {
    // Distinct positive weights, largest first: the weight at an instant is
    // the first class with an open incident.
    let mut classes: Vec<u32> = std::iter::once(Fraction::SCALE)
        .chain(degraded.iter().map(|f| f.millionths()))
        .filter(|w| *w > 0)
        .collect();
    classes.sort_unstable_by(|a, b| b.cmp(a));
    classes.dedup();

    let mut events = Vec::with_capacity(incidents.len() * 4 + maintenance.len() * 2);
    let mut push = |services: &[crate::data::Id], a: i64, b: i64, class: u8| {
        let (a, b) = (a.max(grid.range_start), b.min(grid.range_end));
        if a >= b {
            return;
        }
        for s in services.iter().filter_map(&service_of) {
            let service = s as u32;
            events.push(Event {
                service,
                time: a,
                class,
                start: true,
            });
            events.push(Event {
                service,
                time: b,
                class,
                start: false,
            });
        }
    };
    for i in incidents {
        let w = weight(i, degraded);
        if w == 0 {
            continue;
        }
        let class = classes
            .iter()
            .position(|c| *c == w)
            .expect("a listed weight") as u8;
        // Still impacting: up to "as of" (the range end), which is the end
        // of every complete month and "as of" in the month to date.
        let end = i.impact_end().map_or(grid.range_end, |t| t.timestamp());
        push(&i.services, i.started_at.timestamp(), end, class);
    }
    for m in maintenance {
        push(
            &m.services,
            m.start.timestamp(),
            m.end.timestamp(),
            MAINTENANCE,
        );
    }
    events.sort_unstable_by_key(|e| (e.service, e.time));

    let mut months: Vec<Slots> = (0..n).map(|_| Slots::new(grid.months())).collect();
    let mut days: Vec<Slots> = (0..n).map(|_| Slots::new(grid.days)).collect();
    let mut open = vec![0i64; classes.len()];
    let mut in_maintenance = 0i64;
    let mut k = 0;
    while k < events.len() {
        let (service, time) = (events[k].service, events[k].time);
        let group_end = events[k..]
            .iter()
            .position(|e| (e.service, e.time) != (service, time))
            .map_or(events.len(), |p| k + p);
        for e in &events[k..group_end] {
            let delta = if e.start { 1 } else { -1 };
            if e.class == MAINTENANCE {
                in_maintenance += delta;
            } else {
                open[e.class as usize] += delta;
            }
        }
        // The piece from here to the next event of the same service.
        let next = events.get(group_end).filter(|e| e.service == service);
        let weight = (in_maintenance == 0)
            .then(|| open.iter().position(|c| *c > 0))
            .flatten()
            .map(|c| i128::from(classes[c]));
        if let (Some(next), Some(w)) = (next, weight) {
            let s = service as usize;
            let (a, b) = (time, next.time);
            let slots = (grid.month_index(a), grid.month_index(b - 1));
            months[s].add(a, b, w, slots, |i| grid.month_starts[i]);
            let a = a.max(grid.day0);
            if a < b {
                let slots = (
                    ((a - grid.day0) / SECONDS_PER_DAY) as usize,
                    ((b - 1 - grid.day0) / SECONDS_PER_DAY) as usize,
                );
                days[s].add(a, b, w, slots, |i| grid.day_start(i));
            }
        }
        k = group_end;
    }
    debug_assert!(open.iter().all(|c| *c == 0) && in_maintenance == 0);

    Downtime {
        months: months
            .into_iter()
            .map(|s| s.finish(|i| grid.month_starts[i + 1] - grid.month_starts[i]))
            .collect(),
        days: days
            .into_iter()
            .map(|s| s.finish(|_| SECONDS_PER_DAY))
            .collect(),
    }
}
