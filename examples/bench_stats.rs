//! Benchmark of the incident and pager statistics (`analyse::incidents`,
//! `analyse::pager`) on generated records held in memory (loading
//! excluded): by default 100,000 incidents and 300 pages a month over 120
//! months, then twice that, to show the growth is linear.
//!
//! ```text
//! cargo run --release --example bench_stats -- [--scales 1,2] [--runs 5]
//! ```
//!
//! Prints the median wall time of `--runs` runs of each. Not a test: times
//! depend on the machine.

use std::time::{Duration as Wall, Instant};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use opsbook::analyse::incidents::incident_stats;
use opsbook::analyse::pager::{PageIn, Shifts, Urgency, pager_stats};
use opsbook::config::Pager;
use opsbook::data::{
    ActionStatus, CorrectiveAction, Id, Impact, Incident, Month, Origin, Severity, Status,
};

const MONTHS: i64 = 120;

/// xorshift64: the same records on every run, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2016-01-01T00:00:00Z")
        .unwrap()
        .to_utc()
}

fn incidents(n: usize, services: &[Id], rng: &mut Rng) -> Vec<Incident> {
    let span = (MONTHS * 30 * 86_400) as u64;
    let causes = [
        "Config-Change",
        "Saturation",
        "Software-Change",
        "Database-Failover",
    ];
    // Built in time order, as `data::load` builds them (file by file), so
    // that memory is laid out as in a real run.
    let mut starts: Vec<DateTime<Utc>> = (0..n)
        .map(|_| start() + Duration::seconds(rng.below(span) as i64))
        .collect();
    starts.sort();
    starts
        .into_iter()
        .enumerate()
        .map(|(k, s)| {
            let at = |rng: &mut Rng, max: u64| {
                (rng.below(10) > 0).then(|| s + Duration::seconds(rng.below(max) as i64))
            };
            let detected = at(rng, 900);
            let mitigated = at(rng, 7_200);
            let resolved = mitigated.map(|m| m + Duration::seconds(rng.below(86_400) as i64));
            let actions = (0..rng.below(3))
                .map(|_| CorrectiveAction {
                    title: "Fix".into(),
                    url: None,
                    status: if rng.below(2) == 0 {
                        ActionStatus::Open
                    } else {
                        ActionStatus::Closed
                    },
                    due: NaiveDate::from_ymd_opt(2016 + rng.below(10) as i32, 6, 1),
                    owner: None,
                })
                .collect();
            Incident {
                id: Id::parse(&k.to_string()).unwrap(),
                title: format!("Incident {k}"),
                severity: Severity::ALL[rng.below(4) as usize],
                status: Status::Resolved,
                confidential: rng.below(20) == 0,
                services: vec![services[rng.below(services.len() as u64) as usize].clone()],
                started_at: s,
                detected_at: detected,
                mitigated_at: mitigated,
                resolved_at: resolved,
                impact: Impact::Outage,
                root_cause: (rng.below(4) > 0).then(|| causes[rng.below(4) as usize].into()),
                url: None,
                labels: Vec::new(),
                summary: None,
                timeline: Vec::new(),
                corrective_actions: actions,
                origin: Origin::default(),
            }
        })
        .collect()
}

struct PageRec {
    title: String,
    service: usize,
    urgency: Urgency,
    created_at: DateTime<Utc>,
    acknowledged_at: Option<DateTime<Utc>>,
    resolved_at: Option<DateTime<Utc>>,
}

fn pages(per_month: usize, services: usize, rng: &mut Rng) -> Vec<PageRec> {
    let first = Month::of(start());
    let mut out = Vec::new();
    for month in std::iter::successors(Some(first), |m| Some(m.next())).take(MONTHS as usize) {
        for _ in 0..per_month {
            let c = month.start() + Duration::seconds(rng.below(month.seconds() as u64) as i64);
            // A few noisy titles, a long tail of host-specific ones.
            let title = if rng.below(3) == 0 {
                format!("HighErrorRate {}", rng.below(5))
            } else {
                format!("DiskFull host-{}", rng.below(400))
            };
            out.push(PageRec {
                title,
                service: rng.below(services as u64) as usize,
                urgency: if rng.below(3) == 0 {
                    Urgency::High
                } else {
                    Urgency::Low
                },
                created_at: c,
                acknowledged_at: (rng.below(8) > 0)
                    .then(|| c + Duration::seconds(rng.below(1_800) as i64)),
                resolved_at: (rng.below(8) > 0)
                    .then(|| c + Duration::seconds(rng.below(14_400) as i64)),
            });
        }
    }
    out
}

fn median(mut runs: Vec<Wall>) -> Wall {
    runs.sort();
    runs[runs.len() / 2]
}

fn main() {
    let mut scales = vec![1, 2];
    let mut runs = 5;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let value = args.next().unwrap_or_default();
        match a.as_str() {
            "--scales" => {
                scales = value
                    .split(',')
                    .map(|s| s.trim().parse().expect("--scales takes numbers"))
                    .collect()
            }
            "--runs" => runs = value.parse().expect("--runs takes a number"),
            other => panic!("unknown argument {other}"),
        }
    }
    let services: Vec<Id> = (0..50)
        .map(|k| Id::parse(&format!("svc-{k}")).unwrap())
        .collect();
    let shifts = Shifts::new(&Pager::default());
    let first = Month::of(start());
    let last = std::iter::successors(Some(first), |m| Some(m.next()))
        .nth(MONTHS as usize - 1)
        .unwrap();
    // Mid-month: the last month is month to date.
    let as_of = last.start() + Duration::days(15);
    println!("case                      records   median of {runs}");
    for scale in scales {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let incidents = incidents(100_000 * scale, &services, &mut rng);
        let recs = pages(300 * scale, services.len(), &mut rng);
        let input: Vec<PageIn> = recs
            .iter()
            .map(|p| PageIn {
                id: "p",
                title: &p.title,
                service: &services[p.service],
                urgency: p.urgency,
                created_at: p.created_at,
                acknowledged_at: p.acknowledged_at,
                resolved_at: p.resolved_at,
            })
            .collect();
        let time = |f: &dyn Fn() -> usize| {
            let times: Vec<Wall> = (0..runs)
                .map(|_| {
                    let t = Instant::now();
                    std::hint::black_box(f());
                    t.elapsed()
                })
                .collect();
            median(times)
        };
        let inc = time(&|| incident_stats(&incidents, first, last, as_of).months.len());
        let pag = time(&|| {
            pager_stats(&input, &shifts, false, first, last, as_of)
                .months
                .len()
        });
        println!(
            "incidents ×{scale:<14} {:>8}   {:>8.1} ms",
            incidents.len(),
            inc.as_secs_f64() * 1e3
        );
        println!(
            "pages ×{scale:<18} {:>8}   {:>8.1} ms",
            input.len(),
            pag.as_secs_f64() * 1e3
        );
    }
}
