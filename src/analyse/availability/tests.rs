//! Hand-computed cases of the availability rules, and an independent
//! second-by-second recomputation over generated data.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::*;
use crate::data::{Impact, Origin, Severity, Status};

fn t(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn m(s: &str) -> Month {
    Month::parse(s).unwrap()
}

fn p(s: &str) -> Percent {
    Percent::parse(s).unwrap()
}

fn id(s: &str) -> Id {
    Id::parse(s).unwrap()
}

fn r(n: i128, d: i128) -> Ratio {
    Ratio::new(n, d)
}

fn secs(n: i128) -> Ratio {
    Ratio::integer(n)
}

fn svc(name: &str, weight: u32, target: &str) -> ServiceSpec {
    ServiceSpec {
        id: id(name),
        weight,
        target: p(target),
    }
}

/// An incident of `services` from `start` to `end` (`None`: still
/// impacting).
fn inc(
    name: &str,
    services: &[&str],
    start: &str,
    end: Option<&str>,
    impact: Impact,
    severity: Severity,
) -> Incident {
    Incident {
        services: services.iter().map(|s| id(s)).collect(),
        mitigated_at: end.map(t),
        status: if end.is_some() {
            Status::Mitigated
        } else {
            Status::Active
        },
        impact,
        severity,
        ..Incident::example(name, t(start))
    }
}

fn outage(name: &str, start: &str, end: &str) -> Incident {
    inc(
        name,
        &["web"],
        start,
        Some(end),
        Impact::Outage,
        Severity::S2,
    )
}

fn maint(name: &str, services: &[&str], start: &str, end: &str) -> MaintenanceWindow {
    MaintenanceWindow {
        id: id(name),
        title: name.into(),
        services: services.iter().map(|s| id(s)).collect(),
        start: t(start),
        end: t(end),
        url: None,
        origin: Origin::default(),
    }
}

fn input<'a>(
    services: Vec<ServiceSpec>,
    incidents: &'a [Incident],
    maintenance: &'a [MaintenanceWindow],
    first: &str,
    as_of: &str,
) -> Input<'a> {
    Input {
        services,
        incidents,
        maintenance,
        sli: BTreeMap::new(),
        imported: BTreeMap::new(),
        first_data_month: Some(m(first)),
        as_of: t(as_of),
        rules: Rules::default(),
    }
}

fn web() -> Vec<ServiceSpec> {
    vec![svc("web", 1, "99.9")]
}

fn figure<'r>(record: &'r Record, month: &str, service: &str) -> &'r ServiceMonth {
    record
        .month(m(month))
        .and_then(|f| f.service(&id(service)))
        .unwrap_or_else(|| panic!("{service} in {month}"))
}

#[test]
fn overlapping_incidents_count_once_and_the_largest_weight_wins() {
    let incidents = [
        outage("a", "2026-03-03T10:00:00Z", "2026-03-03T11:00:00Z"),
        // Inside `a`: adds nothing.
        inc(
            "b",
            &["web"],
            "2026-03-03T10:30:00Z",
            Some("2026-03-03T10:45:00Z"),
            Impact::Outage,
            Severity::S1,
        ),
        // Degraded S1 (0.5): under `a` until 11:00, then 60 min at half.
        inc(
            "c",
            &["web"],
            "2026-03-03T10:50:00Z",
            Some("2026-03-03T12:00:00Z"),
            Impact::Degraded,
            Severity::S1,
        ),
    ];
    let rec = analyse(&input(
        web(),
        &incidents,
        &[],
        "2026-03",
        "2026-04-15T00:00:00Z",
    ));
    let f = figure(&rec, "2026-03", "web");
    // 60 min + 30 min.
    assert_eq!(f.downtime, secs(5400));
    assert_eq!(minutes(f.downtime), secs(90));
    assert_eq!(f.source, Source::Incidents);
    let t_march = 31 * 86_400;
    assert_eq!(f.availability, r(100 * (t_march - 5400), t_march));
    assert_eq!(f.availability.cut_to_two_decimals(), "99.79");
    // Budget at 99.9 %: 0.1 % of 44,640 min = 44.64 min.
    assert_eq!(minutes(f.budget), r(4464, 100));
    assert_eq!(f.spent, f.downtime);
    assert_eq!(f.remaining, r(26_784, 10) - secs(5400));
    assert_eq!(f.burn_rate, Some(secs(5400) / r(26_784, 10)));
    assert_eq!(f.met, Some(false));
    // April is the month to date and has no incident.
    let april = rec.month(m("2026-04")).unwrap();
    assert!(!april.complete);
    assert_eq!(april.seconds, 14 * 86_400);
    assert_eq!(april.minutes(), secs(14 * 1440));
    let f = &april.services[0];
    assert_eq!((f.availability, f.met), (Ratio::HUNDRED, None));
    assert_eq!(f.availability.cut_to_two_decimals(), "100.00");
}

#[test]
fn an_incident_across_a_month_and_a_year_boundary_is_split() {
    let incidents = [outage("a", "2025-12-31T23:30:00Z", "2026-01-01T00:45:00Z")];
    let rec = analyse(&input(
        web(),
        &incidents,
        &[],
        "2025-12",
        "2026-02-10T00:00:00Z",
    ));
    let months: Vec<String> = rec.months.iter().map(|f| f.month.to_string()).collect();
    assert_eq!(months, ["2025-12", "2026-01", "2026-02"]);
    assert_eq!(figure(&rec, "2025-12", "web").downtime, secs(1800));
    assert_eq!(figure(&rec, "2026-01", "web").downtime, secs(2700));
    assert_eq!(figure(&rec, "2026-02", "web").downtime, Ratio::ZERO);
}

#[test]
fn a_long_outage_covers_whole_months_between_its_ends() {
    let incidents = [outage("a", "2026-01-31T12:00:00Z", "2026-04-01T06:00:00Z")];
    let rec = analyse(&input(
        web(),
        &incidents,
        &[],
        "2026-01",
        "2026-05-01T00:00:00Z",
    ));
    assert_eq!(figure(&rec, "2026-01", "web").downtime, secs(12 * 3600));
    assert_eq!(figure(&rec, "2026-02", "web").downtime, secs(28 * 86_400));
    assert_eq!(figure(&rec, "2026-02", "web").availability, Ratio::ZERO);
    assert_eq!(figure(&rec, "2026-03", "web").downtime, secs(31 * 86_400));
    assert_eq!(figure(&rec, "2026-04", "web").downtime, secs(6 * 3600));
}

#[test]
fn a_maintenance_window_inside_an_outage_weighs_zero() {
    let incidents = [outage("a", "2026-03-03T10:00:00Z", "2026-03-03T12:00:00Z")];
    let maintenance = [
        maint(
            "mw",
            &["web"],
            "2026-03-03T10:30:00Z",
            "2026-03-03T11:00:00Z",
        ),
        // Another service's window changes nothing for web.
        maint(
            "api-mw",
            &["api"],
            "2026-03-03T09:00:00Z",
            "2026-03-03T13:00:00Z",
        ),
    ];
    let rec = analyse(&input(
        web(),
        &incidents,
        &maintenance,
        "2026-03",
        "2026-04-01T00:00:00Z",
    ));
    assert_eq!(figure(&rec, "2026-03", "web").downtime, secs(90 * 60));
}

#[test]
fn budgets_of_28_29_30_and_31_day_months() {
    // 0.05 % of the month's minutes.
    for (month, days, budget_minutes) in [
        ("2026-02", 28, r(2016, 100)),
        ("2024-02", 29, r(2088, 100)),
        ("2026-04", 30, r(2160, 100)),
        ("2026-10", 31, r(2232, 100)),
    ] {
        let as_of = m(month).end().to_rfc3339();
        let rec = analyse(&input(
            vec![svc("web", 1, "99.95")],
            &[],
            &[],
            month,
            &as_of,
        ));
        let f = rec.month(m(month)).unwrap();
        assert!(f.complete, "{month}");
        assert_eq!(f.seconds, days * 86_400, "{month}");
        let s = &f.services[0];
        assert_eq!(minutes(s.budget), budget_minutes, "{month}");
        assert_eq!((s.availability, s.met), (Ratio::HUNDRED, Some(true)));
        assert_eq!(s.burn_rate, Some(Ratio::ZERO));
    }
}

#[test]
fn exactly_on_target_is_met_and_shows_the_target() {
    // 20.16 min in a 28-day month is exactly 0.05 %: 3,024 s degraded at 0.4.
    let incidents = [inc(
        "a",
        &["web"],
        "2026-02-10T10:00:00Z",
        Some("2026-02-10T10:50:24Z"),
        Impact::Degraded,
        Severity::S1,
    )];
    let mut i = input(
        vec![svc("web", 1, "99.95")],
        &incidents,
        &[],
        "2026-02",
        "2026-03-01T00:00:00Z",
    );
    i.rules.degraded[0] = Fraction::parse("0.4").unwrap();
    let rec = analyse(&i);
    let f = figure(&rec, "2026-02", "web");
    assert_eq!(minutes(f.downtime), r(2016, 100));
    assert_eq!(f.availability, Ratio::percent(p("99.95")));
    assert_eq!(f.availability.cut_to_two_decimals(), "99.95");
    assert_eq!(f.met, Some(true));
    assert_eq!(f.remaining, Ratio::ZERO);
    assert_eq!(f.burn_rate, Some(Ratio::ONE));
    // One second more and the target is missed, shown as 99.94.
    let mut longer = incidents.clone();
    longer[0].mitigated_at = Some(t("2026-02-10T10:50:27Z"));
    i.incidents = &longer;
    let f = analyse(&i).months[0].services[0].clone();
    assert_eq!(f.met, Some(false));
    assert_eq!(f.availability.cut_to_two_decimals(), "99.94");
}

#[test]
fn display_is_cut_and_100_only_without_downtime() {
    // One second of outage in 31 days: 99.99996... shows 99.99, not 100.00.
    let incidents = [outage("a", "2026-03-03T10:00:00Z", "2026-03-03T10:00:01Z")];
    let rec = analyse(&input(
        web(),
        &incidents,
        &[],
        "2026-03",
        "2026-04-01T00:00:00Z",
    ));
    let f = figure(&rec, "2026-03", "web");
    assert_eq!(f.downtime, secs(1));
    assert_eq!(f.availability.cut_to_two_decimals(), "99.99");
    assert!(f.availability.to_f64() > 99.999);
    // 99.996 itself.
    assert_eq!(r(99_996, 1000).cut_to_two_decimals(), "99.99");
}

#[test]
fn an_active_incident_impacts_to_each_month_end_and_to_as_of() {
    let incidents = [
        inc(
            "a",
            &["web"],
            "2026-03-31T23:00:00Z",
            None,
            Impact::Outage,
            Severity::S1,
        ),
        inc(
            "b",
            &["api"],
            "2026-04-02T06:00:00Z",
            None,
            Impact::Degraded,
            Severity::S2,
        ),
    ];
    let services = vec![svc("web", 1, "99.9"), svc("api", 1, "99.9")];
    let rec = analyse(&input(
        services,
        &incidents,
        &[],
        "2026-03",
        "2026-04-02T12:00:00Z",
    ));
    assert_eq!(figure(&rec, "2026-03", "web").downtime, secs(3600));
    let april = rec.month(m("2026-04")).unwrap();
    assert_eq!(april.seconds, 36 * 3600);
    let web = april.service(&id("web")).unwrap();
    assert_eq!(web.downtime, secs(36 * 3600));
    assert_eq!(web.availability, Ratio::ZERO);
    // Budget over the minutes elapsed: 0.1 % of 36 h = 129.6 s.
    assert_eq!(web.budget, r(1296, 10));
    assert_eq!(web.burn_rate, Some(secs(1000)));
    assert_eq!(web.met, None);
    // 6 h at 0.5.
    assert_eq!(april.service(&id("api")).unwrap().downtime, secs(3 * 3600));
    assert_eq!(april.platform_met, None);
}

#[test]
fn a_month_to_date_with_nothing_elapsed_is_100_without_a_burn_rate() {
    let incidents = [inc(
        "a",
        &["web"],
        "2026-03-31T23:00:00Z",
        None,
        Impact::Outage,
        Severity::S1,
    )];
    let rec = analyse(&input(
        web(),
        &incidents,
        &[],
        "2026-03",
        "2026-04-01T00:00:00Z",
    ));
    let april = rec.month(m("2026-04")).unwrap();
    assert_eq!(april.seconds, 0);
    let f = &april.services[0];
    assert_eq!(
        (f.availability, f.budget, f.burn_rate),
        (Ratio::HUNDRED, Ratio::ZERO, None)
    );
    assert_eq!(figure(&rec, "2026-03", "web").downtime, secs(3600));
}

#[test]
fn an_sli_figure_overrides_incidents_for_its_month_only() {
    let incidents = [
        outage("a", "2026-03-03T10:00:00Z", "2026-03-03T11:00:00Z"),
        outage("b", "2026-04-03T10:00:00Z", "2026-04-03T11:00:00Z"),
    ];
    let mut i = input(
        vec![svc("web", 1, "99.95"), svc("api", 1, "99.95")],
        &incidents,
        &[],
        "2026-03",
        "2026-05-01T00:00:00Z",
    );
    i.sli.insert(
        (id("web"), m("2026-03")),
        SliFigure {
            availability: p("99.9621"),
            daily: None,
        },
    );
    let rec = analyse(&i);
    let f = figure(&rec, "2026-03", "web");
    assert_eq!(f.source, Source::Sli);
    assert_eq!(f.availability, Ratio::percent(p("99.9621")));
    // 0.0379 % of 2,678,400 s.
    assert_eq!(f.downtime, r(10_151_136, 10_000));
    assert_eq!(f.met, Some(true));
    assert_eq!(figure(&rec, "2026-04", "web").source, Source::Incidents);
    assert_eq!(figure(&rec, "2026-04", "web").downtime, secs(3600));
    assert_eq!(figure(&rec, "2026-03", "api").source, Source::Incidents);
}

#[test]
fn the_platform_figure_leaves_weight_0_services_out() {
    let incidents = [
        outage("a", "2026-03-03T10:00:00Z", "2026-03-03T11:00:00Z"),
        inc(
            "b",
            &["docs"],
            "2026-03-04T00:00:00Z",
            Some("2026-03-05T00:00:00Z"),
            Impact::Outage,
            Severity::S1,
        ),
    ];
    let services = vec![
        svc("web", 3, "99.9"),
        svc("api", 1, "99.5"),
        svc("docs", 0, "99"),
    ];
    let rec = analyse(&input(
        services,
        &incidents,
        &[],
        "2026-03",
        "2026-04-01T00:00:00Z",
    ));
    // (3 × 99.9 + 99.5) / 4; docs' 99 is not in it.
    assert_eq!(rec.platform_target, Some(r(998, 10)));
    let march = rec.month(m("2026-03")).unwrap();
    let t = 31 * 86_400;
    let web = r(100 * (t - 3600), t);
    assert_eq!(march.platform, Some((secs(3) * web + secs(100)) / secs(4)));
    assert_eq!(march.platform_met, Some(true));
    // docs is still computed, with its weight.
    let docs = march.service(&id("docs")).unwrap();
    assert_eq!((docs.weight, docs.downtime), (0, secs(86_400)));

    // No weighted service: no platform figure, no default target.
    let rec = analyse(&input(
        vec![svc("docs", 0, "99")],
        &incidents,
        &[],
        "2026-03",
        "2026-04-01T00:00:00Z",
    ));
    assert_eq!(rec.platform_target, None);
    assert_eq!(rec.months[0].platform, None);
    assert_eq!(rec.months[0].platform_met, None);
}

#[test]
fn a_configured_platform_target_wins() {
    let mut i = input(web(), &[], &[], "2026-03", "2026-04-01T00:00:00Z");
    i.rules.platform_target = Some(p("99.95"));
    assert_eq!(analyse(&i).platform_target, Some(r(9995, 100)));
}

#[test]
fn degraded_s3_and_impact_none_weigh_zero_by_default() {
    let incidents = [
        inc(
            "a",
            &["web"],
            "2026-03-03T10:00:00Z",
            Some("2026-03-03T15:00:00Z"),
            Impact::Degraded,
            Severity::S3,
        ),
        inc(
            "b",
            &["web"],
            "2026-03-04T10:00:00Z",
            Some("2026-03-04T15:00:00Z"),
            Impact::None,
            Severity::S1,
        ),
    ];
    let mut i = input(web(), &incidents, &[], "2026-03", "2026-04-01T00:00:00Z");
    let f = analyse(&i).months[0].services[0].clone();
    assert_eq!((f.downtime, f.availability), (Ratio::ZERO, Ratio::HUNDRED));
    assert_eq!(f.availability.cut_to_two_decimals(), "100.00");
    // Configured: S3 degraded at 0.25 counts a quarter of its 5 hours.
    i.rules.degraded[2] = Fraction::parse("0.25").unwrap();
    let f = analyse(&i).months[0].services[0].clone();
    assert_eq!(f.downtime, secs(75 * 60));
}

#[test]
fn times_outside_the_record_are_cut_off() {
    let incidents = [
        // Before the first month.
        outage("a", "2026-02-28T23:00:00Z", "2026-03-01T00:30:00Z"),
        // Past "as of": counted up to it.
        outage("b", "2026-04-10T11:00:00Z", "2026-04-10T14:00:00Z"),
        // Starts after "as of".
        outage("c", "2026-04-10T13:00:00Z", "2026-04-10T15:00:00Z"),
    ];
    let rec = analyse(&input(
        web(),
        &incidents,
        &[],
        "2026-03",
        "2026-04-10T12:00:00Z",
    ));
    assert_eq!(figure(&rec, "2026-03", "web").downtime, secs(1800));
    assert_eq!(figure(&rec, "2026-04", "web").downtime, secs(3600));
}

#[test]
fn imported_months_before_the_data_are_kept_and_computed_months_win() {
    let mut i = input(web(), &[], &[], "2026-02", "2026-03-15T00:00:00Z");
    i.rules.platform_target = Some(p("99.95"));
    for (month, value) in [
        ("2025-11", "99.99"),
        ("2025-12", "99.89"),
        ("2026-02", "98"),
    ] {
        i.imported.insert(m(month), p(value));
    }
    let rec = analyse(&i);
    let months: Vec<(String, bool, Option<Ratio>, Option<bool>)> = rec
        .months
        .iter()
        .map(|f| (f.month.to_string(), f.imported, f.platform, f.platform_met))
        .collect();
    assert_eq!(
        months,
        [
            ("2025-11".into(), true, Some(r(9999, 100)), Some(true)),
            ("2025-12".into(), true, Some(r(9989, 100)), Some(false)),
            ("2026-02".into(), false, Some(Ratio::HUNDRED), Some(true)),
            ("2026-03".into(), false, Some(Ratio::HUNDRED), None),
        ]
    );
    assert!(rec.months[0].services.is_empty());
    // No data at all: only the imported months up to "as of".
    i.first_data_month = None;
    i.imported.insert(m("2026-04"), p("99"));
    let months: Vec<String> = analyse(&i)
        .months
        .iter()
        .map(|f| f.month.to_string())
        .collect();
    assert_eq!(months, ["2025-11", "2025-12", "2026-02"]);
}

#[test]
fn daily_values_and_rolling_figures_end_at_as_of() {
    let incidents = [outage("a", "2026-04-14T23:00:00Z", "2026-04-15T01:00:00Z")];
    let mut i = input(web(), &incidents, &[], "2026-03", "2026-04-15T12:00:00Z");
    let mut daily = vec![p("100"); 31];
    daily[1] = p("99.5");
    i.sli.insert(
        (id("web"), m("2026-03")),
        SliFigure {
            availability: p("99.98"),
            daily: Some(daily),
        },
    );
    let rec = analyse(&i);
    let web = &rec.recent[0];
    assert_eq!(web.days.len(), DAILY_BARS);
    let first = &web.days[0];
    assert_eq!(first.date.to_string(), "2026-01-16");
    // Before the data begins: no data, not 100 %.
    assert_eq!(first.value, None);
    let day = |date: &str| {
        web.days
            .iter()
            .find(|d| d.date.to_string() == date)
            .unwrap()
    };
    assert_eq!(day("2026-02-28").value, None);
    let mar2 = day("2026-03-02").value.clone().unwrap();
    assert_eq!((mar2.source, mar2.availability), (Source::Sli, r(995, 10)));
    assert_eq!(mar2.downtime, secs(432));
    let apr14 = day("2026-04-14");
    assert_eq!(apr14.seconds, 86_400);
    let v = apr14.value.clone().unwrap();
    assert_eq!((v.source, v.downtime), (Source::Incidents, secs(3600)));
    assert_eq!(v.availability, r(100 * (86_400 - 3600), 86_400));
    let last = web.days.last().unwrap();
    assert_eq!(
        (last.date.to_string(), last.seconds),
        ("2026-04-15".into(), 43_200)
    );
    assert_eq!(last.value.as_ref().unwrap().downtime, secs(3600));

    let [d30, d90, d365] = &web.rolling[..] else {
        panic!("three rolling figures")
    };
    assert_eq!((d30.days, d30.seconds), (30, 29 * 86_400 + 43_200));
    assert_eq!(d30.downtime, secs(7200));
    let covered = 45 * 86_400 + 43_200;
    assert_eq!((d90.seconds, d90.downtime), (covered, secs(7200 + 432)));
    assert_eq!(
        d90.availability,
        Some(r(100 * (i128::from(covered) - 7632), covered.into()))
    );
    assert_eq!((d365.seconds, d365.downtime), (covered, secs(7632)));
}

#[test]
fn at_midnight_the_last_bar_is_the_day_before() {
    let rec = analyse(&input(web(), &[], &[], "2026-03", "2026-04-15T00:00:00Z"));
    let last = rec.recent[0].days.last().unwrap();
    assert_eq!(
        (last.date.to_string(), last.seconds),
        ("2026-04-14".into(), 86_400)
    );
    let none = analyse(&Input {
        first_data_month: None,
        ..input(web(), &[], &[], "2026-03", "2026-04-15T00:00:00Z")
    });
    assert!(none.months.is_empty());
    assert!(none.recent[0].days.iter().all(|d| d.value.is_none()));
    assert_eq!(none.recent[0].rolling[0].availability, None);
}

/// splitmix64: a private, deterministic generator for the check below.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// The rules read literally, second by second: at each second the weight
/// is 0 inside a maintenance window of the service, else the largest
/// weight of the incidents whose window holds it (up to "as of" when still
/// impacting). Returns weighted millionth-seconds per (service, month) and
/// per (service, day).
#[allow(clippy::type_complexity)]
fn second_by_second(
    services: &[&str],
    incidents: &[Incident],
    maintenance: &[MaintenanceWindow],
    rules: &Rules,
    from: i64,
    as_of: i64,
) -> (
    BTreeMap<(String, Month), i128>,
    BTreeMap<(String, NaiveDate), i128>,
) {
    let mut months = BTreeMap::new();
    let mut days = BTreeMap::new();
    for s in services {
        let hits = |ids: &[Id]| ids.iter().any(|i| i.as_str() == *s);
        let mine: Vec<(i64, i64, u32)> = incidents
            .iter()
            .filter(|i| hits(&i.services))
            .map(|i| {
                let w = match i.impact {
                    Impact::Outage => 1_000_000,
                    Impact::Degraded => rules.degraded[i.severity as usize - 1].millionths(),
                    Impact::None => 0,
                };
                let end = i.impact_end().map_or(as_of, |e| e.timestamp());
                (i.started_at.timestamp(), end, w)
            })
            .collect();
        let windows: Vec<(i64, i64)> = maintenance
            .iter()
            .filter(|w| hits(&w.services))
            .map(|w| (w.start.timestamp(), w.end.timestamp()))
            .collect();
        for x in from..as_of {
            let w = if windows.iter().any(|(a, b)| (*a..*b).contains(&x)) {
                0
            } else {
                mine.iter()
                    .filter(|(a, b, _)| (*a..*b).contains(&x))
                    .map(|(_, _, w)| *w)
                    .max()
                    .unwrap_or(0)
            };
            let at = DateTime::from_timestamp(x, 0).unwrap();
            *months.entry((s.to_string(), Month::of(at))).or_insert(0) += i128::from(w);
            *days.entry((s.to_string(), at.date_naive())).or_insert(0) += i128::from(w);
        }
    }
    (months, days)
}

#[test]
fn agrees_with_a_second_by_second_recomputation() {
    let names = ["api", "docs", "web"];
    for seed in [7u64, 2026] {
        let mut rng = Rng(seed);
        // Four days around a year boundary, "as of" mid-morning.
        let from = t("2025-12-30T00:00:00Z").timestamp();
        let as_of = t("2026-01-03T09:17:23Z").timestamp();
        let span = (as_of - from) as u64;
        let at = |x: i64| DateTime::from_timestamp(x, 0).unwrap();
        let pick = |rng: &mut Rng| -> Vec<Id> {
            let first = rng.below(3) as usize;
            let mut v = vec![id(names[first])];
            if rng.below(3) == 0 {
                v.push(id(names[(first + 1) % 3]));
            }
            v.sort();
            v
        };
        let incidents: Vec<Incident> = (0..40)
            .map(|k| {
                let start = from + rng.below(span) as i64;
                let end = start + 1 + rng.below(6 * 3600) as i64;
                let mut i = Incident::example(&k.to_string(), at(start));
                i.services = pick(&mut rng);
                i.severity = Severity::ALL[rng.below(4) as usize];
                i.impact = [Impact::Outage, Impact::Degraded, Impact::None][rng.below(3) as usize];
                if rng.below(8) != 0 {
                    i.mitigated_at = Some(at(end));
                }
                i
            })
            .collect();
        let maintenance: Vec<MaintenanceWindow> = (0..6)
            .map(|k| {
                let start = from + rng.below(span) as i64;
                MaintenanceWindow {
                    services: pick(&mut rng),
                    start: at(start),
                    end: at(start + 1 + rng.below(3 * 3600) as i64),
                    ..maint(
                        &format!("mw{k}"),
                        &[],
                        "2026-01-01T00:00:00Z",
                        "2026-01-01T00:00:00Z",
                    )
                }
            })
            .collect();
        let rules = Rules {
            degraded: ["0.5", "0.3", "0.125", "0"].map(|s| Fraction::parse(s).unwrap()),
            platform_target: None,
        };
        let mut i = input(
            names.iter().map(|n| svc(n, 1, "99.9")).collect(),
            &incidents,
            &maintenance,
            "2025-12",
            &at(as_of).to_rfc3339(),
        );
        i.rules = rules.clone();
        let rec = analyse(&i);
        let (months, days) =
            second_by_second(&names, &incidents, &maintenance, &rules, from, as_of);
        let mut impacted = 0;
        for f in &rec.months {
            for s in &f.services {
                let expected = months
                    .get(&(s.id.to_string(), f.month))
                    .copied()
                    .unwrap_or(0);
                impacted += usize::from(expected > 0);
                let got = minutes(s.downtime).to_f64();
                let want = expected as f64 / 60e6;
                assert!(
                    (got - want).abs() <= 0.01,
                    "{seed} {} {}: {got} vs {want}",
                    f.month,
                    s.id
                );
                // And exactly, to the millionth of a second.
                assert_eq!(s.downtime, Ratio::new(expected, 1_000_000));
            }
        }
        assert!(
            impacted >= 4,
            "the generated data impacts most months: {impacted}"
        );
        for recent in &rec.recent {
            for d in &recent.days {
                let Some(v) = &d.value else { continue };
                let expected = days
                    .get(&(recent.id.to_string(), d.date))
                    .copied()
                    .unwrap_or(0);
                assert_eq!(
                    v.downtime,
                    Ratio::new(expected, 1_000_000),
                    "{seed} {} {}",
                    recent.id,
                    d.date
                );
            }
        }
        // Day values exist from 2025-12-01 only.
        let days_with_data = rec.recent[0]
            .days
            .iter()
            .filter(|d| d.value.is_some())
            .count();
        assert_eq!(days_with_data, 31 + 3);
    }
}
