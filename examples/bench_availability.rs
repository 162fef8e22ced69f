//! Benchmark of the availability engine (`analyse::availability::analyse`)
//! alone, loading excluded, on synthetic records: 50 services, incidents
//! spread over 10 years (1–3 services each, every impact and severity, some
//! still active, long ones crossing months), a maintenance window a week,
//! and SLI figures (with daily values) for half the months of ten services.
//!
//! ```text
//! cargo run --release --example bench_availability -- [--sizes 10000,50000,100000] [--runs 5]
//! ```
//!
//! Prints the median wall time of `--runs` analyses per size, and the time
//! per incident, so that growth with size shows whether the engine is
//! linear. Not a test: times depend on the machine.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use opsbook::analyse::availability::{Input, Rules, ServiceSpec, SliFigure, analyse};
use opsbook::data::{
    Id, Impact, Incident, MaintenanceWindow, Month, Origin, Percent, Severity, Status,
};

/// splitmix64: deterministic input, no dependency.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    }
}

const SERVICES: usize = 50;

fn id(s: &str) -> Id {
    Id::parse(s).expect("a valid id")
}

fn at(t: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(t, 0).expect("a valid time")
}

struct Data {
    services: Vec<ServiceSpec>,
    incidents: Vec<Incident>,
    maintenance: Vec<MaintenanceWindow>,
    sli: BTreeMap<(Id, Month), SliFigure>,
    first: Month,
    as_of: DateTime<Utc>,
}

fn data(n: usize) -> Data {
    let mut rng = Rng(42);
    let first = Month::parse("2016-11").expect("a month");
    let as_of: DateTime<Utc> = "2026-10-20T12:00:00Z".parse().expect("a time");
    let (from, to) = (first.start().timestamp(), as_of.timestamp());
    let services: Vec<ServiceSpec> = (0..SERVICES)
        .map(|k| ServiceSpec {
            id: id(&format!("svc-{k:02}")),
            weight: (k % 6) as u32,
            target: Percent::parse(["99.9", "99.95", "99.5"][k % 3]).expect("a percent"),
        })
        .collect();
    let pick = |rng: &mut Rng| -> Vec<Id> {
        let mut v: Vec<Id> = (0..1 + rng.below(3))
            .map(|_| services[rng.below(SERVICES as u64) as usize].id.clone())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let mut incidents: Vec<Incident> = (0..n)
        .map(|k| {
            let start = from + rng.below((to - from) as u64) as i64;
            // Mostly minutes to hours; one in fifty lasts days.
            let len = if rng.below(50) == 0 {
                rng.below(10 * 86_400)
            } else {
                60 + rng.below(12 * 3600)
            } as i64;
            let active = rng.below(200) == 0;
            Incident {
                id: id(&k.to_string()),
                title: format!("Incident {k}"),
                severity: Severity::ALL[rng.below(4) as usize],
                status: if active {
                    Status::Active
                } else {
                    Status::Mitigated
                },
                confidential: rng.below(10) == 0,
                services: pick(&mut rng),
                started_at: at(start),
                detected_at: None,
                mitigated_at: (!active).then(|| at(start + len)),
                resolved_at: None,
                impact: [Impact::Outage, Impact::Degraded, Impact::None][rng.below(3) as usize],
                root_cause: None,
                url: None,
                labels: Vec::new(),
                summary: None,
                timeline: Vec::new(),
                corrective_actions: Vec::new(),
                origin: Origin::default(),
            }
        })
        .collect();
    incidents.sort_by_key(|i| i.started_at);
    let maintenance = (0..(to - from) / (7 * 86_400))
        .map(|k| {
            let start = from + k * 7 * 86_400 + 6 * 3600;
            MaintenanceWindow {
                id: id(&format!("mw-{k}")),
                title: "Weekly maintenance".into(),
                services: pick(&mut rng),
                start: at(start),
                end: at(start + 2 * 3600),
                url: None,
                origin: Origin::default(),
            }
        })
        .collect();
    let mut sli = BTreeMap::new();
    for (k, m) in first.through(Month::of(as_of)).enumerate() {
        if k % 2 == 0 {
            continue;
        }
        for s in services.iter().take(10) {
            let daily = (0..m.days())
                .map(|_| Percent::from_units(9990 + rng.below(11) as i64, 2).expect("a percent"))
                .collect();
            sli.insert(
                (s.id.clone(), m),
                SliFigure {
                    availability: Percent::parse("99.97").expect("a percent"),
                    daily: Some(daily),
                },
            );
        }
    }
    Data {
        services,
        incidents,
        maintenance,
        sli,
        first,
        as_of,
    }
}

fn main() {
    let mut sizes = vec![10_000, 50_000, 100_000];
    let mut runs = 5;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--sizes" => {
                sizes = args
                    .next()
                    .expect("--sizes N,N,...")
                    .split(',')
                    .map(|s| s.parse().expect("a number"))
                    .collect()
            }
            "--runs" => runs = args.next().expect("--runs N").parse().expect("a number"),
            other => panic!("unknown argument {other}"),
        }
    }
    println!("services: {SERVICES}, months: 2016-11..2026-10, runs per size: {runs} (median)");
    for n in sizes {
        let d = data(n);
        let input = Input {
            services: d.services.clone(),
            incidents: &d.incidents,
            maintenance: &d.maintenance,
            sli: d.sli.clone(),
            imported: BTreeMap::new(),
            first_data_month: Some(d.first),
            as_of: d.as_of,
            rules: Rules::default(),
        };
        let mut times: Vec<Duration> = (0..runs)
            .map(|_| {
                let start = Instant::now();
                let record = analyse(&input);
                let elapsed = start.elapsed();
                assert_eq!(record.months.len(), 120);
                elapsed
            })
            .collect();
        times.sort();
        let median = times[times.len() / 2];
        println!(
            "{n:>7} incidents: median {:>8.2} ms  ({:.0} ns per incident)",
            median.as_secs_f64() * 1e3,
            median.as_nanos() as f64 / n as f64
        );
    }
}
