//! Pager statistics per calendar month, for the trends review: counts by
//! service, urgency and shift; time to acknowledge and to resolve
//! (nearest-rank median and p90); interruptions in business, off and sleep
//! hours; the noisiest alerts; the change from the previous month.
//!
//! A page belongs to the month of its `created_at` (UTC). The shift on call
//! is found from the UTC time of day (boundaries in UTC, `[pager]` in
//! `opsbook.toml`); business and sleep hours are judged in that region's
//! local time (IANA zone, so DST is right). Figures are as of "as of": later
//! pages are left out, later acknowledgements and resolutions are missing.
//! One pass over the pages, then linear selections per month.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};

use super::measures::{Delta, DurationStats, FastMap, MonthRange, complete};
use crate::config::{Pager, TimeOfDay};
use crate::data::{Id, Month};

/// How many noisiest alerts a month lists.
pub const NOISIEST: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Urgency {
    High,
    Low,
}

/// One page, as the statistics need it (borrowed from the pages snapshot).
#[derive(Debug, Clone, Copy)]
pub struct PageIn<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub service: &'a Id,
    pub urgency: Urgency,
    pub created_at: DateTime<Utc>,
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// The kind of hours a page interrupted, in the on-call region's local time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hours {
    Business,
    Off,
    Sleep,
}

/// The `[pager]` configuration made fast to apply: which region is on call
/// at each UTC minute of the day, and the local hours.
#[derive(Debug, Clone)]
pub struct Shifts {
    names: Vec<String>,
    zones: Vec<chrono_tz::Tz>,
    /// Region index for each UTC minute of the day.
    on_call: Vec<usize>,
    /// Indexed by `Weekday::num_days_from_monday`.
    business_days: [bool; 7],
    business: (TimeOfDay, TimeOfDay),
    sleep: (TimeOfDay, TimeOfDay),
}

impl Shifts {
    /// From a checked config (`Config::parse` rejects gaps and overlaps;
    /// should an unchecked one leave a minute uncovered, the first region
    /// takes it, and where two overlap the first listed wins).
    pub fn new(p: &Pager) -> Shifts {
        let on_call = (0..1440)
            .map(|m| {
                p.regions
                    .iter()
                    .position(|r| TimeOfDay::in_span(m, r.shift_utc))
                    .unwrap_or(0)
            })
            .collect();
        let mut business_days = [false; 7];
        for d in &p.business_days {
            business_days[d.num_days_from_monday() as usize] = true;
        }
        Shifts {
            names: p.regions.iter().map(|r| r.name.clone()).collect(),
            zones: p.regions.iter().map(|r| r.time_zone.0).collect(),
            on_call,
            business_days,
            business: p.business_hours,
            sleep: p.sleep_hours,
        }
    }

    /// Region names, in the order of `PagerMonth::by_shift`.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The region on call at `t` and the kind of hours it is there. Sleep
    /// hours are every day; business hours only on business days; the rest
    /// is off hours. The config keeps the two from overlapping.
    pub fn classify(&self, t: DateTime<Utc>) -> (usize, Hours) {
        let region = self.on_call[(t.hour() * 60 + t.minute()) as usize];
        let Some(zone) = self.zones.get(region) else {
            return (region, Hours::Off); // no regions: nothing is on call
        };
        let local = t.with_timezone(zone);
        let minute = (local.hour() * 60 + local.minute()) as u16;
        let hours = if TimeOfDay::in_span(minute, self.sleep) {
            Hours::Sleep
        } else if self.business_days[local.weekday().num_days_from_monday() as usize]
            && (self.business.0.0..self.business.1.0).contains(&minute)
        {
            Hours::Business
        } else {
            Hours::Off
        };
        (region, hours)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagerStats {
    /// Region names, in the order of each month's `by_shift`.
    pub shifts: Vec<String>,
    /// Oldest first, one per month of the range asked for.
    pub months: Vec<PagerMonth>,
    /// Whether the public site may show `noisiest` (titles); else it shows
    /// `noisiest_public`. Both are always computed: the renderer picks.
    pub public_alert_titles: bool,
    /// Pages outside the range or created after "as of".
    pub left_out: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Interruptions {
    pub business: usize,
    pub off: usize,
    pub sleep: usize,
}

impl Interruptions {
    fn add(&mut self, h: Hours) {
        match h {
            Hours::Business => self.business += 1,
            Hours::Off => self.off += 1,
            Hours::Sleep => self.sleep += 1,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoisyAlert {
    /// Exact title (can name hosts or customers: internal unless allowed).
    pub title: String,
    pub count: usize,
}

/// The public grouping of noisy alerts: no titles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoisyGroup {
    pub service: Id,
    pub urgency: Urgency,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagerMonth {
    pub month: Month,
    /// False for the month to date (and any later month).
    pub complete: bool,
    pub pages: usize,
    /// Services with at least one page.
    pub by_service: BTreeMap<Id, usize>,
    pub high_urgency: usize,
    pub low_urgency: usize,
    /// Pages per region on call at `created_at`, in `PagerStats::shifts`
    /// order.
    pub by_shift: Vec<usize>,
    /// `created_at` → `acknowledged_at`.
    pub time_to_acknowledge: DurationStats,
    /// `created_at` → `resolved_at`.
    pub time_to_resolve: DurationStats,
    /// Every page is an interruption, in exactly one kind of hours.
    pub interruptions: Interruptions,
    /// The high-urgency ones among `interruptions`.
    pub high_urgency_interruptions: Interruptions,
    /// Top `NOISIEST` exact titles by count, ties by title.
    pub noisiest: Vec<NoisyAlert>,
    /// Top `NOISIEST` (service, urgency) groups by count, ties by service
    /// then urgency (high first).
    pub noisiest_public: Vec<NoisyGroup>,
    /// Against the previous month, when both are complete.
    pub change: Option<PagerChange>,
}

/// Key figures against the previous complete month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagerChange {
    pub previous: Month,
    pub pages: Delta<usize>,
    pub high_urgency: Delta<usize>,
    pub by_shift: Vec<Delta<usize>>,
    pub business: Delta<usize>,
    pub off: Delta<usize>,
    pub sleep: Delta<usize>,
    pub time_to_acknowledge_median: Delta<Option<Duration>>,
    pub time_to_resolve_median: Delta<Option<Duration>>,
}

#[derive(Default)]
struct Acc<'a> {
    pages: usize,
    by_service: FastMap<&'a Id, usize>,
    urgency: [usize; 2],
    by_shift: Vec<usize>,
    ack: (Vec<Duration>, usize),
    resolve: (Vec<Duration>, usize),
    all: Interruptions,
    high: Interruptions,
    titles: FastMap<&'a str, usize>,
    groups: FastMap<(&'a Id, Urgency), usize>,
}

/// Statistics of `pages` for every month `first..=last`, as of `as_of`.
pub fn pager_stats(
    pages: &[PageIn<'_>],
    shifts: &Shifts,
    public_alert_titles: bool,
    first: Month,
    last: Month,
    as_of: DateTime<Utc>,
) -> PagerStats {
    let range = MonthRange::new(first, last);
    let regions = shifts.names.len().max(1);
    let mut accs: Vec<Acc> = (0..range.len())
        .map(|_| Acc {
            by_shift: vec![0; regions],
            ..Acc::default()
        })
        .collect();
    let mut left_out = 0;
    for p in pages {
        let Some(slot) = range.index(p.created_at).filter(|_| p.created_at <= as_of) else {
            left_out += 1;
            continue;
        };
        let a = &mut accs[slot];
        a.pages += 1;
        *a.by_service.entry(p.service).or_default() += 1;
        a.urgency[p.urgency as usize] += 1;
        let (region, hours) = shifts.classify(p.created_at);
        a.by_shift[region] += 1;
        a.all.add(hours);
        if p.urgency == Urgency::High {
            a.high.add(hours);
        }
        for (end, into) in [
            (p.acknowledged_at, &mut a.ack),
            (p.resolved_at, &mut a.resolve),
        ] {
            match end.filter(|t| *t <= as_of) {
                Some(t) => into.0.push(t - p.created_at),
                None => into.1 += 1,
            }
        }
        *a.titles.entry(p.title).or_default() += 1;
        *a.groups.entry((p.service, p.urgency)).or_default() += 1;
    }
    let mut months: Vec<PagerMonth> = Vec::with_capacity(range.len());
    for (month, mut a) in range.months().zip(accs) {
        let noisiest = top(a.titles.into_iter().collect(), |(t, _)| *t)
            .into_iter()
            .map(|(title, count)| NoisyAlert {
                title: title.to_string(),
                count,
            })
            .collect();
        let noisiest_public = top(a.groups.into_iter().collect(), |(k, _)| *k)
            .into_iter()
            .map(|((service, urgency), count)| NoisyGroup {
                service: service.clone(),
                urgency,
                count,
            })
            .collect();
        let mut m = PagerMonth {
            month,
            complete: complete(month, as_of),
            pages: a.pages,
            by_service: a
                .by_service
                .into_iter()
                .map(|(k, v)| (k.clone(), v))
                .collect(),
            high_urgency: a.urgency[Urgency::High as usize],
            low_urgency: a.urgency[Urgency::Low as usize],
            by_shift: a.by_shift,
            time_to_acknowledge: DurationStats::of(&mut a.ack.0, a.ack.1),
            time_to_resolve: DurationStats::of(&mut a.resolve.0, a.resolve.1),
            interruptions: a.all,
            high_urgency_interruptions: a.high,
            noisiest,
            noisiest_public,
            change: None,
        };
        // Complete months are consecutive from the start: the month before
        // a complete month is complete.
        if let Some(p) = months.last().filter(|_| m.complete) {
            m.change = Some(change(p, &m));
        }
        months.push(m);
    }
    PagerStats {
        shifts: shifts.names.clone(),
        months,
        public_alert_titles,
        left_out,
    }
}

/// The `NOISIEST` largest counts, ties by `key` ascending. Linear: a
/// selection, then a sort of at most `NOISIEST` entries.
fn top<K, O: Ord>(mut v: Vec<(K, usize)>, key: impl Fn(&(K, usize)) -> O) -> Vec<(K, usize)> {
    let order = |a: &(K, usize), b: &(K, usize)| b.1.cmp(&a.1).then_with(|| key(a).cmp(&key(b)));
    if v.len() > NOISIEST {
        v.select_nth_unstable_by(NOISIEST - 1, order);
        v.truncate(NOISIEST);
    }
    v.sort_unstable_by(order);
    v
}

fn change(p: &PagerMonth, c: &PagerMonth) -> PagerChange {
    let d = |f: fn(&PagerMonth) -> usize| Delta {
        previous: f(p),
        current: f(c),
    };
    PagerChange {
        previous: p.month,
        pages: d(|m| m.pages),
        high_urgency: d(|m| m.high_urgency),
        by_shift: p
            .by_shift
            .iter()
            .zip(&c.by_shift)
            .map(|(&previous, &current)| Delta { previous, current })
            .collect(),
        business: d(|m| m.interruptions.business),
        off: d(|m| m.interruptions.off),
        sleep: d(|m| m.interruptions.sleep),
        time_to_acknowledge_median: Delta {
            previous: p.time_to_acknowledge.median,
            current: c.time_to_acknowledge.median,
        },
        time_to_resolve_median: Delta {
            previous: p.time_to_resolve.median,
            current: c.time_to_resolve.median,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use std::path::Path;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn m(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    fn shifts() -> Shifts {
        Shifts::new(&Pager::default())
    }

    fn at(s: &str) -> (&'static str, Hours) {
        let sh = shifts();
        let (r, h) = sh.classify(t(s));
        (if r == 0 { "EMEA" } else { "AMER" }, h)
    }

    #[test]
    fn shift_boundaries_are_in_utc() {
        // 2026-07-08 is a Wednesday, summer time on both sides.
        assert_eq!(at("2026-07-08T03:59:59Z").0, "AMER");
        assert_eq!(at("2026-07-08T04:00:00Z").0, "EMEA");
        assert_eq!(at("2026-07-08T15:59:59Z").0, "EMEA");
        assert_eq!(at("2026-07-08T16:00:00Z").0, "AMER");
        assert_eq!(at("2026-07-08T00:00:00Z").0, "AMER");
    }

    #[test]
    fn hours_in_the_local_time_of_the_region_on_call() {
        use Hours::*;
        // Wednesday 2026-07-08, CEST (UTC+2) and EDT (UTC−4).
        // EMEA 04:30Z = 06:30 Amsterdam: sleep; 05:00Z = 07:00: off;
        // 07:00Z = 09:00: business; 15:59Z = 17:59: business.
        assert_eq!(at("2026-07-08T04:30:00Z"), ("EMEA", Sleep));
        assert_eq!(at("2026-07-08T05:00:00Z"), ("EMEA", Off));
        assert_eq!(at("2026-07-08T06:59:00Z"), ("EMEA", Off));
        assert_eq!(at("2026-07-08T07:00:00Z"), ("EMEA", Business));
        assert_eq!(at("2026-07-08T15:59:00Z"), ("EMEA", Business));
        // AMER 16:00Z = 12:00 New York: business; 22:00Z = 18:00: off;
        // 02:00Z = 22:00: sleep; 03:59Z = 23:59: sleep.
        assert_eq!(at("2026-07-08T16:00:00Z"), ("AMER", Business));
        assert_eq!(at("2026-07-08T21:59:00Z"), ("AMER", Business));
        assert_eq!(at("2026-07-08T22:00:00Z"), ("AMER", Off));
        assert_eq!(at("2026-07-09T02:00:00Z"), ("AMER", Sleep));
        assert_eq!(at("2026-07-09T03:59:00Z"), ("AMER", Sleep));
        // Weekend: Saturday 2026-07-11 midday in Amsterdam is off hours, its
        // early morning still sleep.
        assert_eq!(at("2026-07-11T10:00:00Z"), ("EMEA", Off));
        assert_eq!(at("2026-07-11T04:30:00Z"), ("EMEA", Sleep));
        // Friday 20:00Z = 16:00 New York (business); the same UTC time on
        // Saturday is off.
        assert_eq!(at("2026-07-10T20:00:00Z"), ("AMER", Business));
        assert_eq!(at("2026-07-11T20:00:00Z"), ("AMER", Off));
        // Monday 00:30Z is Sunday 20:30 in New York: off, not business.
        assert_eq!(at("2026-07-13T00:30:00Z"), ("AMER", Off));
    }

    #[test]
    fn daylight_saving_changes() {
        use Hours::*;
        // Amsterdam goes CET → CEST on Sunday 2026-03-29 at 01:00Z. At 05:30Z
        // it is 07:30 CEST that day (off, Sunday); a week earlier 06:30 CET
        // (sleep).
        assert_eq!(at("2026-03-29T05:30:00Z"), ("EMEA", Off));
        assert_eq!(at("2026-03-22T05:30:00Z"), ("EMEA", Sleep));
        // Monday after: 07:30Z is 09:30 CEST, business; the Friday before,
        // 08:30 CET, off.
        assert_eq!(at("2026-03-30T07:30:00Z"), ("EMEA", Business));
        assert_eq!(at("2026-03-27T07:30:00Z"), ("EMEA", Off));
        // New York goes EST → EDT on Sunday 2026-03-08 at 07:00Z (but AMER
        // is on call 16:00–04:00Z). Monday 2026-03-09 22:30Z is 18:30 EDT,
        // off; Friday 2026-03-06 22:30Z was 17:30 EST, business.
        assert_eq!(at("2026-03-09T22:30:00Z"), ("AMER", Off));
        assert_eq!(at("2026-03-06T22:30:00Z"), ("AMER", Business));
        // Back to EST on Sunday 2026-11-01: 02:30Z on the 2nd is 21:30 EST
        // (off); 02:30Z on Nov 1st was 22:30 EDT (sleep).
        assert_eq!(at("2026-11-02T02:30:00Z"), ("AMER", Off));
        assert_eq!(at("2026-11-01T02:30:00Z"), ("AMER", Sleep));
    }

    #[test]
    fn configured_regions_and_hours() {
        let c = Config::parse(
            "[pager]\nbusiness_days = [\"Sun\"]\nbusiness_hours = [\"08:00\", \"12:00\"]\n\
             sleep_hours = [\"00:00\", \"06:00\"]\n\
             [[pager.regions]]\nname = \"APAC\"\nshift_utc = [\"00:00\", \"00:00\"]\n\
             time_zone = \"Asia/Tokyo\"\n",
            Path::new("opsbook.toml"),
        )
        .unwrap();
        let s = Shifts::new(&c.pager);
        assert_eq!(s.names(), ["APAC"]);
        // Saturday 23:30Z is Sunday 08:30 in Tokyo (UTC+9): business.
        assert_eq!(s.classify(t("2026-07-11T23:30:00Z")), (0, Hours::Business));
        // Saturday 16:00Z is Sunday 01:00: sleep.
        assert_eq!(s.classify(t("2026-07-11T16:00:00Z")), (0, Hours::Sleep));
        // Monday 00:00Z is Monday 09:00: not a business day here.
        assert_eq!(s.classify(t("2026-07-13T00:00:00Z")), (0, Hours::Off));
    }

    fn page<'a>(
        service: &'a Id,
        title: &'a str,
        urgency: Urgency,
        created: &str,
        ack: Option<i64>,
        resolve: Option<i64>,
    ) -> PageIn<'a> {
        let c = t(created);
        PageIn {
            id: "p",
            title,
            service,
            urgency,
            created_at: c,
            acknowledged_at: ack.map(|s| c + Duration::seconds(s)),
            resolved_at: resolve.map(|s| c + Duration::seconds(s)),
        }
    }

    #[test]
    fn counts_times_and_interruptions_of_a_month() {
        let web = Id::parse("web").unwrap();
        let api = Id::parse("api").unwrap();
        use Urgency::*;
        let pages = [
            // EMEA business (Wed 09:00 CEST), high.
            page(&web, "A", High, "2026-07-08T07:00:00Z", Some(60), Some(600)),
            // AMER sleep (22:00 EDT), high.
            page(&web, "A", High, "2026-07-09T02:00:00Z", Some(180), None),
            // AMER off (Sat), low.
            page(&api, "B", Low, "2026-07-11T20:00:00Z", None, Some(1200)),
            // EMEA sleep (06:30 CEST), low; acknowledged after "as of".
            page(&api, "C", Low, "2026-07-31T04:30:00Z", Some(7200), None),
            // Next month and after "as of": left out.
            page(&api, "C", Low, "2026-08-01T00:00:00Z", None, None),
        ];
        let s = pager_stats(
            &pages,
            &shifts(),
            false,
            m("2026-07"),
            m("2026-07"),
            t("2026-07-31T05:00:00Z"),
        );
        assert_eq!(s.shifts, ["EMEA", "AMER"]);
        assert_eq!(s.left_out, 1);
        let x = &s.months[0];
        assert!(!x.complete);
        assert_eq!(x.pages, 4);
        assert_eq!((x.high_urgency, x.low_urgency), (2, 2));
        assert_eq!(x.by_service[&web], 2);
        assert_eq!(x.by_service[&api], 2);
        assert_eq!(x.by_shift, [2, 2]);
        assert_eq!(
            x.interruptions,
            Interruptions {
                business: 1,
                off: 1,
                sleep: 2
            }
        );
        assert_eq!(
            x.high_urgency_interruptions,
            Interruptions {
                business: 1,
                off: 0,
                sleep: 1
            }
        );
        let secs = |s: i64| Some(Duration::seconds(s));
        // Acknowledged: 60, 180 (two missing) → median rank 1, p90 rank 2.
        assert_eq!(
            x.time_to_acknowledge,
            DurationStats {
                n: 2,
                missing: 2,
                median: secs(60),
                p90: secs(180)
            }
        );
        assert_eq!(
            x.time_to_resolve,
            DurationStats {
                n: 2,
                missing: 2,
                median: secs(600),
                p90: secs(1200)
            }
        );
        assert_eq!(
            x.noisiest,
            [
                NoisyAlert {
                    title: "A".into(),
                    count: 2
                },
                NoisyAlert {
                    title: "B".into(),
                    count: 1
                },
                NoisyAlert {
                    title: "C".into(),
                    count: 1
                },
            ]
        );
        let groups: Vec<(&str, Urgency, usize)> = x
            .noisiest_public
            .iter()
            .map(|g| (g.service.as_str(), g.urgency, g.count))
            .collect();
        assert_eq!(groups, [("api", Low, 2), ("web", High, 2)]);
    }

    #[test]
    fn noisiest_top_ten_ties_by_title() {
        let web = Id::parse("web").unwrap();
        // Twelve titles: "t00" once … "t11" once, and "z" and "a" three
        // times each; the top ten are a, z, then t00..t07 (ties by title).
        let titles: Vec<String> = (0..12).map(|i| format!("t{i:02}")).collect();
        let mut pages: Vec<PageIn> = titles
            .iter()
            .rev()
            .map(|title| {
                page(
                    &web,
                    title,
                    Urgency::Low,
                    "2026-07-08T07:00:00Z",
                    None,
                    None,
                )
            })
            .collect();
        for title in ["z", "a", "z", "a", "z", "a"] {
            pages.push(page(
                &web,
                title,
                Urgency::Low,
                "2026-07-09T07:00:00Z",
                None,
                None,
            ));
        }
        let s = pager_stats(
            &pages,
            &shifts(),
            false,
            m("2026-07"),
            m("2026-07"),
            t("2026-08-01T00:00:00Z"),
        );
        let got: Vec<(&str, usize)> = s.months[0]
            .noisiest
            .iter()
            .map(|n| (n.title.as_str(), n.count))
            .collect();
        let mut want = vec![("a", 3), ("z", 3)];
        want.extend(titles[..8].iter().map(|t| (t.as_str(), 1)));
        assert_eq!(got, want);
    }

    #[test]
    fn month_over_month_between_complete_months_only() {
        let web = Id::parse("web").unwrap();
        let p = |created: &str, ack: i64| page(&web, "A", Urgency::High, created, Some(ack), None);
        let pages = [
            p("2026-05-31T23:59:59Z", 100),
            p("2026-06-01T00:00:00Z", 60),
            p("2026-06-15T10:00:00Z", 120),
            p("2026-06-30T23:59:59Z", 300),
            p("2026-07-01T00:00:00Z", 10),
        ];
        let s = pager_stats(
            &pages,
            &shifts(),
            false,
            m("2026-05"),
            m("2026-07"),
            t("2026-07-20T00:00:00Z"),
        );
        let counts: Vec<usize> = s.months.iter().map(|x| x.pages).collect();
        assert_eq!(counts, [1, 3, 1]);
        assert_eq!(s.months[0].change, None, "no previous month");
        let june = s.months[1].change.as_ref().unwrap();
        assert_eq!(june.previous, m("2026-05"));
        assert_eq!(june.pages.diff(), 2);
        assert_eq!(
            june.time_to_acknowledge_median.diff(),
            Some(Duration::seconds(20))
        );
        // July is month to date: no change against June.
        assert!(!s.months[2].complete);
        assert_eq!(s.months[2].change, None);
        // Once July is over, it is compared.
        let s = pager_stats(
            &pages,
            &shifts(),
            false,
            m("2026-05"),
            m("2026-08"),
            t("2026-08-01T00:00:00Z"),
        );
        assert_eq!(s.months[2].change.as_ref().unwrap().pages.diff(), -2);
        assert_eq!(s.months[3].change, None);
    }
}
