//! Deterministic sample-data generator for opsbook.
//!
//! ```text
//! cargo run --release --example gen_data -- --out DIR [--seed 42] [--incidents N]
//!     [--months 26 | --years N] [--end 2026-10] [--services N] [--pages-per-month N] [--stats]
//! ```
//!
//! Writes `DIR/data/services.yaml`, `DIR/data/incidents/YYYY/<id>.yaml`,
//! `DIR/data/maintenance/YYYY-MM.yaml`, `DIR/data/pages/YYYY-MM.yaml` and
//! `DIR/data/sli/YYYY-MM.yaml` through opsbook's canonical writer
//! (`opsbook::data::write`), in the form of `docs/data-format.md`.
//! The same arguments always give byte-identical files: a private PRNG
//! (splitmix64), no hash-map iteration, no wall-clock time.
//!
//! Without `--incidents` it writes *the sample*: the incident history of
//! the fictional Larkspur Cloud, including the incidents, maintenance windows
//! and monthly figures the handbook in `content/` refers to (INC-1958,
//! INC-2207, INC-2319, ...), plus seeded filler. With `--incidents N` it
//! writes N seeded incidents spread over the period (for benchmarks), without
//! the hand-written story.
//!
//! Pages (every month, both shifts, noisy alerts, a page for each incident
//! an alert detected) and SLI figures (derived from the incidents, so that
//! a month with an outage is below 100) come from their own PRNG streams:
//! adding them left the incidents and windows of the sample unchanged. In
//! the sample, SLI files cover 2025 (weighted services and `ci-runners`)
//! and, for 2026, only weight-0 services, whose figures the handbook does
//! not publish; with `--incidents`, every second month and every service.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Timelike, Utc};
use clap::Parser;
use opsbook::data::{Id, model, write};
use rayon::prelude::*;

#[derive(Parser, Debug)]
#[command(about = "Write deterministic sample data (services, incidents, maintenance) for opsbook")]
struct Args {
    /// Site root to write into: files go to OUT/data/...
    #[arg(long)]
    out: PathBuf,
    /// Seed of the generator: same seed, same files.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of incidents (benchmark mode, no hand-written story). Default: the sample.
    #[arg(long)]
    incidents: Option<usize>,
    /// Number of months covered, ending with --end.
    #[arg(long, default_value_t = 26)]
    months: u32,
    /// Number of years covered, ending with --end (instead of --months).
    #[arg(long, conflicts_with = "months")]
    years: Option<u32>,
    /// Number of services, at least the sample's 8; the others get generated
    /// ids (`svc-09`, ...) and share the incidents and pages.
    #[arg(long)]
    services: Option<usize>,
    /// Pages per complete month (the month to date gets its share).
    /// Default: the sample's 30 to 60.
    #[arg(long)]
    pages_per_month: Option<usize>,
    /// Last month covered (YYYY-MM). The snapshot is taken on its 23rd at 09:00 UTC.
    #[arg(long, default_value = "2026-10")]
    end: String,
    /// Print per-month counts and the availability the data implies, to stderr.
    #[arg(long)]
    stats: bool,
}

// ---------------------------------------------------------------------------
// PRNG: splitmix64

struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        let mut r = Rng(seed ^ 0x6F70_7362_6F6F_6B21);
        r.next();
        r
    }
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
    /// Inclusive range.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            lo
        } else {
            lo + self.below((hi - lo + 1) as u64) as i64
        }
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| w as u64).sum();
        let mut x = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if x < w as u64 {
                return i;
            }
            x -= w as u64;
        }
        weights.len() - 1
    }
}

// ---------------------------------------------------------------------------
// Services

struct Svc {
    id: &'static str,
    name: &'static str,
    weight: u32,
    target: &'static str,
    team: &'static str,
    description: &'static str,
}

const SERVICES: &[Svc] = &[
    Svc {
        id: "api",
        name: "API",
        weight: 5,
        target: "99.95",
        team: "Reliability",
        description: "The REST and GraphQL API at `api.larkspur.example`, used by integrations, the CLI, CI runners and much of the web interface.",
    },
    Svc {
        id: "ci-runners",
        name: "CI Runners",
        weight: 0,
        target: "99.5",
        team: "Delivery",
        description: "The shared Linux and Windows runner fleets that run customers' CI jobs, autoscaled on cloud VMs.",
    },
    Svc {
        id: "git",
        name: "Git",
        weight: 5,
        target: "99.95",
        team: "Reliability",
        description: "Git over SSH and HTTPS, and Git LFS, served by the Gitaly storage fleet.",
    },
    Svc {
        id: "jobs",
        name: "Jobs",
        weight: 0,
        target: "99.5",
        team: "Database Reliability",
        description: "Background job processing: webhooks, email, project imports and pipeline scheduling, on the Redis `queues` cluster.",
    },
    Svc {
        id: "pages",
        name: "Pages",
        weight: 0,
        target: "99.9",
        team: "Networking & Edge",
        description: "Static websites built by CI and served from object storage through the CDN, including custom domains.",
    },
    Svc {
        id: "registry",
        name: "Registry",
        weight: 1,
        target: "99.9",
        team: "Reliability",
        description: "The container and package registry, with blob storage pools in each region and its own metadata database.",
    },
    Svc {
        id: "search",
        name: "Search",
        weight: 0,
        target: "99.5",
        team: "Reliability",
        description: "Code, issue and merge request search, indexed through jobs on the `jobs` queues.",
    },
    Svc {
        id: "web",
        name: "Web",
        weight: 5,
        target: "99.95",
        team: "Reliability",
        description: "The Larkspur Cloud web interface: projects, merge requests, issues, pipelines and settings.",
    },
];

const ALL_SERVICES: &[&str] = &[
    "api",
    "ci-runners",
    "git",
    "jobs",
    "pages",
    "registry",
    "search",
    "web",
];

/// Services beyond the sample's (`--services`), made once at start-up.
static EXTRA: std::sync::OnceLock<Vec<Svc>> = std::sync::OnceLock::new();

fn extra_services() -> &'static [Svc] {
    EXTRA.get().map_or(&[], Vec::as_slice)
}

fn all_services() -> impl Iterator<Item = &'static Svc> {
    SERVICES.iter().chain(extra_services())
}

fn svc(id: &str) -> &'static Svc {
    all_services()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("unknown service {id}"))
}

/// `total - 8` generated services, from their own PRNG stream. Their
/// strings are leaked: they live as long as the program, like the
/// sample's.
fn make_extra_services(seed: u64, total: usize) -> Vec<Svc> {
    const TEAMS: &[&str] = &[
        "Reliability",
        "Delivery",
        "Database Reliability",
        "Networking & Edge",
    ];
    const TARGETS: &[&str] = &["99.5", "99.9", "99.95"];
    let mut rng = Rng::new(seed ^ 0x5E4F_1CE5);
    let width = total.to_string().len().max(2);
    (SERVICES.len() + 1..=total)
        .map(|n| {
            let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
            Svc {
                id: leak(format!("svc-{n:0width$}")),
                name: leak(format!("Service {n:0width$}")),
                weight: [0, 0, 1, 2, 3][rng.below(5) as usize],
                target: TARGETS[rng.below(3) as usize],
                team: TEAMS[rng.below(4) as usize],
                description: leak(format!("Generated service {n} (benchmark data).")),
            }
        })
        .collect()
}

fn weighted(id: &str) -> bool {
    svc(id).weight > 0
}

// ---------------------------------------------------------------------------
// Time helpers

type Ts = NaiveDateTime;

fn ts(s: &str) -> Ts {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M")
        .unwrap_or_else(|e| panic!("bad time {s}: {e}"))
}

fn fmt_ts(t: Ts) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn month_start(y: i32, m: u32) -> Ts {
    NaiveDate::from_ymd_opt(y, m, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
}

fn add_months(y: i32, m: u32, k: i32) -> (i32, u32) {
    let idx = y * 12 + (m as i32 - 1) + k;
    (idx.div_euclid(12), (idx.rem_euclid(12) + 1) as u32)
}

fn days_in_month(y: i32, m: u32) -> i64 {
    let (ny, nm) = add_months(y, m, 1);
    (month_start(ny, nm) - month_start(y, m)).num_days()
}

fn hhmm(t: Ts) -> String {
    t.format("%H:%M").to_string()
}

fn fmt_minutes(min: i64) -> String {
    if min < 60 {
        format!("{min} minute{}", if min == 1 { "" } else { "s" })
    } else if min < 48 * 60 {
        format!("{} h {:02} min", min / 60, min % 60)
    } else {
        format!("{} days {} h", min / 1440, (min % 1440) / 60)
    }
}

/// "On 2026-07-22 from 09:14 to 10:01 UTC (47 minutes)"
fn span_phrase(a: Ts, b: Ts) -> String {
    let min = (b - a).num_minutes();
    if a.date() == b.date() {
        format!(
            "On {} from {} to {} UTC ({})",
            a.date(),
            hhmm(a),
            hhmm(b),
            fmt_minutes(min)
        )
    } else {
        format!(
            "From {} {} to {} {} UTC ({})",
            a.date(),
            hhmm(a),
            b.date(),
            hhmm(b),
            fmt_minutes(min)
        )
    }
}

fn shift(t: Ts) -> &'static str {
    if (4..16).contains(&t.hour()) {
        "EMEA"
    } else {
        "AMER"
    }
}

// ---------------------------------------------------------------------------
// Summary text

/// A summary as its snapshot holds it: each markdown line word-wrapped at
/// 78 characters, trailing spaces dropped, one final newline. (The writer,
/// `opsbook::data::write`, writes the text as it is.)
fn wrapped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.trim_end_matches('\n').split('\n') {
        let line = line.trim_end();
        if line.is_empty() {
            out.push('\n');
            continue;
        }
        for part in wrap(line, 78) {
            out.push_str(&part);
            out.push('\n');
        }
    }
    out
}

/// Word-wraps one markdown line (a paragraph or a list item) at `width`,
/// never inside a code span; list items continue indented under their text.
fn wrap(line: &str, width: usize) -> Vec<String> {
    fn safe_line_start(word: &str) -> bool {
        let Some(c) = word.chars().next() else {
            return false;
        };
        let numbered = word
            .trim_end_matches(['.', ')'])
            .chars()
            .all(|c| c.is_ascii_digit())
            && (word.ends_with('.') || word.ends_with(')'));
        !matches!(
            c,
            '-' | '+' | '*' | '#' | '>' | '=' | '|' | '<' | '[' | '!' | '{'
        ) && !numbered
    }
    if line.chars().count() <= width {
        return vec![line.to_string()];
    }
    let cont = if line.starts_with("- ") { "  " } else { "" };
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut ticks = 0usize; // backticks so far: even = not inside a code span
    for word in line.split(' ') {
        let too_long = cur.chars().count() + 1 + word.chars().count() > width;
        if cur.is_empty() {
            cur.push_str(word);
        } else if too_long
            && ticks.is_multiple_of(2)
            && cur.len() > cont.len()
            && safe_line_start(word)
        {
            out.push(std::mem::take(&mut cur));
            cur.push_str(cont);
            cur.push_str(word);
        } else {
            cur.push(' ');
            cur.push_str(word);
        }
        ticks += word.matches('`').count();
    }
    if !cur.trim().is_empty() {
        out.push(cur);
    }
    out
}

// ---------------------------------------------------------------------------
// Maintenance windows

struct Window {
    id: String,
    title: String,
    services: Vec<&'static str>,
    start: Ts,
    end: Ts,
    url: Option<String>,
}

const MW_POOL: &[(&str, &str, &[&str])] = &[
    (
        "pg-minor-main",
        "PostgreSQL minor version upgrade of the main cluster",
        &["api", "git", "jobs", "web"],
    ),
    (
        "redis-sessions",
        "Redis upgrade of the sessions cluster",
        &["api", "web"],
    ),
    (
        "gitaly-os",
        "Operating system upgrade of the Gitaly storage fleet",
        &["git"],
    ),
    (
        "k8s-control-plane",
        "Kubernetes control plane upgrade of the production clusters",
        &["api", "jobs", "search"],
    ),
    (
        "lb-amer",
        "Load balancer tier replacement in AMER",
        &["api", "git", "web"],
    ),
    (
        "registry-db",
        "Registry metadata database migration",
        &["registry"],
    ),
    (
        "pages-storage",
        "Object storage migration for Pages",
        &["pages"],
    ),
    (
        "ci-partitioning",
        "Partitioning of the CI pipelines tables",
        &["api", "ci-runners"],
    ),
    (
        "core-switch-emea",
        "Core network switch replacement in EMEA",
        ALL_SERVICES,
    ),
    (
        "search-upgrade",
        "Search cluster version upgrade",
        &["search"],
    ),
    (
        "redis-queues",
        "Redis upgrade of the queues cluster",
        &["ci-runners", "jobs"],
    ),
    (
        "pgbouncer-fleet",
        "PgBouncer fleet replacement",
        &["api", "web"],
    ),
    (
        "blobstore-migration",
        "Registry blob storage pool migration",
        &["ci-runners", "registry"],
    ),
    ("dr-gameday", "Disaster recovery gameday", ALL_SERVICES),
];

/// The windows the handbook mentions, in the sample.
const STORY_WINDOWS: &[(&str, &str, &str, &str, &[&str])] = &[
    (
        "2025-10-18 06:00",
        "2025-10-18 10:00",
        "dr-gameday",
        "Disaster recovery gameday: EMEA failover (yearly)",
        ALL_SERVICES,
    ),
    (
        "2026-03-14 06:00",
        "2026-03-14 10:00",
        "dr-gameday",
        "Disaster recovery gameday: AMER failover",
        ALL_SERVICES,
    ),
    (
        "2026-06-16 06:00",
        "2026-06-16 10:00",
        "dr-gameday",
        "Disaster recovery gameday: EMEA failover",
        ALL_SERVICES,
    ),
    (
        "2026-08-08 06:00",
        "2026-08-08 07:00",
        "edge-lb",
        "Edge load balancer replacement",
        &["api", "git", "pages", "registry", "web"],
    ),
    (
        "2026-09-19 06:00",
        "2026-09-19 08:30",
        "pg16-ci",
        "PostgreSQL 16 upgrade of the CI database",
        &["api", "ci-runners"],
    ),
    (
        "2026-10-10 06:00",
        "2026-10-10 08:00",
        "pg16-main",
        "PostgreSQL 16 upgrade of the main database",
        &["api", "git", "web"],
    ),
];

fn window(start: Ts, end: Ts, slug: &str, title: &str, services: &[&'static str]) -> Window {
    let id = format!("mw-{}-{}", start.date(), slug);
    let url = Some(format!("https://status.larkspur.example/maintenance/{id}"));
    let mut services = services.to_vec();
    services.sort();
    Window {
        id,
        title: title.to_string(),
        services,
        start,
        end,
        url,
    }
}

// ---------------------------------------------------------------------------
// Incident scenarios

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Impact {
    Outage,
    Degraded,
    None,
}

type Action = (&'static str, &'static str);

struct Scn {
    key: &'static str,
    services: &'static [&'static str],
    extra: &'static [&'static str],
    cause: &'static str,
    sev: (u8, u8),
    confidential: bool,
    no_impact: bool,
    titles: &'static [&'static str],
    what: &'static str,
    why: &'static str,
    fix: &'static str,
    /// Alert that detects it; "" = found by people.
    alert: &'static str,
    start_note: &'static str,
    steps: &'static [&'static str],
    mitigation: &'static str,
    resolution: &'static str,
    actions: &'static [Action],
}

const POOL: &[Scn] = &[
    Scn {
        key: "web-deploy-500",
        services: &["web"],
        extra: &["api"],
        cause: "Software-Change",
        sev: (1, 3),
        confidential: false,
        no_impact: false,
        titles: &[
            "Elevated 5xx error rate on web after deploy {deploy}",
            "Merge request pages failing with HTTP 500 after deploy {deploy}",
            "Web UI errors in {region} following deploy {deploy}",
        ],
        what: "about {pct}% of requests to `web` in {region} failed with HTTP 500 errors",
        why: "Deploy `{deploy}` changed the merge request page to issue one query per diff file. For merge requests with many files the page ran into its 60-second request timeout, and the slow requests tied up Puma workers for everyone else on the same nodes.",
        fix: "Rolling {region} back to the previous package with `deployctl rollback` ended the impact; a fixed version shipped with the next deploy.",
        alert: "WebErrorBudgetBurnFast",
        start_note: "Deploy `{deploy}` reaches 100% of {region}; the `web` 5xx ratio starts rising",
        steps: &[
            "EOC correlates the start of the errors with deploy `{deploy}` reaching {region}",
            "Deploys locked with `deployctl lock`; rollback of {region} started",
            "Puma worker saturation visible on the {region} web fleet dashboard; timeouts concentrated on `/merge_requests/:id/diffs`",
        ],
        mitigation: "Rollback of {region} complete; `web` error ratio back under SLO",
        resolution: "Fix merged and deployed; deploys unlocked",
        actions: &[
            (
                "Add the merge request diffs endpoint to the canary SLO checks",
                "Delivery",
            ),
            (
                "Cap the number of diff files rendered per request and paginate the rest",
                "Code Review team",
            ),
            (
                "Alert on Puma worker saturation per node pool, low urgency",
                "Reliability",
            ),
            (
                "Add a query-count regression test for the merge request page",
                "Code Review team",
            ),
        ],
    },
    Scn {
        key: "web-apdex-crawler",
        services: &["web"],
        extra: &[],
        cause: "Saturation",
        sev: (2, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "Slow page loads on web: Apdex below SLO in {region}",
            "Web latency degraded by crawler traffic in {region}",
        ],
        what: "`web` pages in {region} loaded slowly, with the p95 page load time reaching {m} seconds",
        why: "An unauthenticated crawler requested repository history and blame pages, among the most expensive pages we serve, at about {n} requests per second from a few hundred addresses. The per-IP rate limit never triggered because no single address exceeded it.",
        fix: "An edge rule throttling the crawler's user agent, and scaling the {region} web fleet out by {m} nodes, brought Apdex back above its SLO.",
        alert: "WebApdexBurnFast",
        start_note: "Apdex of `web` in {region} drops below its SLO",
        steps: &[
            "Traffic breakdown shows a surge of unauthenticated requests to blame and history pages",
            "Networking & Edge on-call joins; per-IP limits are not being hit",
            "Web fleet in {region} scaled out by {m} nodes",
        ],
        mitigation: "Edge rule for the crawler's user agent deployed; Apdex back above SLO",
        resolution: "Rule made permanent through the rate-limit repository",
        actions: &[
            (
                "Rate-limit expensive unauthenticated pages per user agent and network, not only per IP",
                "Networking & Edge",
            ),
            (
                "Cache rendered blame pages of public repositories",
                "Source Code team",
            ),
            ("Autoscale the web fleet on Puma queue depth", "Reliability"),
        ],
    },
    Scn {
        key: "web-sessions-failover",
        services: &["web"],
        extra: &["api"],
        cause: "Database-Failover",
        sev: (2, 3),
        confidential: false,
        no_impact: false,
        titles: &[
            "Users signed out unexpectedly after a Redis sessions failover",
            "Sign-in loops on web after a failover of the sessions Redis cluster",
        ],
        what: "users of `web` were signed out and about {pct}% of sign-in attempts failed",
        why: "The primary of the `sessions` Redis cluster failed over to a replica that had restarted minutes earlier and had not finished loading its data set. The new primary answered with empty sessions until the load finished.",
        fix: "Impact ended when the replica finished loading; no session data was lost, and the old primary rejoined as a replica.",
        alert: "WebErrorBudgetBurnFast",
        start_note: "Redis Sentinel promotes a replica of the `sessions` cluster; sign-ins start failing",
        steps: &[
            "Support reports users signed out across the product",
            "Database Reliability on-call confirms the new primary is still loading its data set",
            "A second failover is considered and rejected: it would repeat the problem",
        ],
        mitigation: "Replica finished loading; sign-ins succeed again",
        resolution: "Old primary rejoined as a replica; Sentinel configuration reviewed",
        actions: &[
            (
                "Make Sentinel refuse to promote a replica that is still loading its data set",
                "Database Reliability",
            ),
            (
                "Alert when a Redis replica restarts while it is the only replica in sync",
                "Database Reliability",
            ),
            (
                "Describe the sessions failover behaviour in the Redis runbook",
                "Database Reliability",
            ),
        ],
    },
    Scn {
        key: "web-cdn-assets",
        services: &["web"],
        extra: &["pages"],
        cause: "External-Dependency",
        sev: (2, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "Static assets failing to load from the CDN in {region}",
            "Broken styling on web: the CDN returned errors for static assets",
        ],
        what: "about {pct}% of static asset requests from users in {region} failed, leaving pages without styles or scripts",
        why: "Our CDN provider had a partial outage at several of its points of presence in {region}. Origin servers were healthy; the failures were at the CDN edge.",
        fix: "The provider rerouted traffic away from the failing points of presence; on our side we monitored and kept the status page updated.",
        alert: "WebAssetsErrorRateHigh",
        start_note: "CDN error ratio for `/assets/` rises in {region}",
        steps: &[
            "Origin error ratio normal; failures only at the CDN edge",
            "CDN provider confirms a partial outage on its status page",
            "Bypassing the CDN evaluated; not needed as the provider is already rerouting",
        ],
        mitigation: "CDN error ratio back to normal",
        resolution: "Provider's incident report received and reviewed",
        actions: &[
            (
                "Alert separately on CDN edge errors and origin errors",
                "Reliability",
            ),
            (
                "Inline critical CSS so that pages stay usable without the CDN",
                "Foundations team",
            ),
        ],
    },
    Scn {
        key: "api-ratelimit-config",
        services: &["api"],
        extra: &["ci-runners"],
        cause: "Config-Change",
        sev: (2, 3),
        confidential: false,
        no_impact: false,
        titles: &[
            "API requests rejected with HTTP 429 after a rate-limit change",
            "CI runners throttled by the API after rate-limit change CR-{cr}",
        ],
        what: "about {pct}% of authenticated `api` requests were rejected with HTTP 429, most of them from CI runners",
        why: "Change request CR-{cr} consolidated the edge rate-limit rules. One rule meant for unauthenticated requests matched on the client address only, so runner managers sharing a few egress addresses were limited as if they were anonymous clients.",
        fix: "Reverting CR-{cr} ended the impact; the rule was rewritten and re-applied the next day with a test for authenticated traffic.",
        alert: "ApiErrorBudgetBurnFast",
        start_note: "CR-{cr} applied at the edge; 429 responses on `api` start rising",
        steps: &[
            "Runner managers report `429 Too Many Requests` when requesting jobs",
            "EOC finds CR-{cr} in the change log, applied minutes before the start",
            "Networking & Edge on-call prepares the revert",
        ],
        mitigation: "CR-{cr} reverted; 429 ratio back to baseline",
        resolution: "Corrected rule re-applied with a test for authenticated runner traffic",
        actions: &[
            (
                "Replay sampled production traffic against rate-limit changes in CI",
                "Networking & Edge",
            ),
            (
                "Exempt authenticated runner traffic from per-IP limits explicitly",
                "Networking & Edge",
            ),
            (
                "Add the 429 ratio per client type to the api overview dashboard",
                "Reliability",
            ),
        ],
    },
    Scn {
        key: "api-pgbouncer-pool",
        services: &["api"],
        extra: &["web", "jobs"],
        cause: "Saturation",
        sev: (1, 3),
        confidential: false,
        no_impact: false,
        titles: &[
            "API latency and errors from PgBouncer connection pool exhaustion",
            "Elevated api timeouts: main database connection pool saturated",
        ],
        what: "`api` requests slowed down and about {pct}% of them timed out",
        why: "A new bulk endpoint held database transactions open while it called an external webhook. Under a burst of calls from one integration the PgBouncer pool for the `main` cluster filled up, and other requests waited for a connection until they timed out.",
        fix: "Turning off the endpoint's feature flag freed the pool within two minutes; the endpoint was changed to call webhooks outside the transaction.",
        alert: "ApiApdexBurnFast",
        start_note: "PgBouncer pool for `main` reaches its limit; `api` latency rises",
        steps: &[
            "Dashboards show PgBouncer clients waiting and long idle-in-transaction sessions",
            "Database Reliability on-call traces the transactions to the new bulk endpoint",
            "Feature flag turned off with `/flag`",
        ],
        mitigation: "Pool wait time back to zero; `api` error ratio under SLO",
        resolution: "Fix deployed: webhook calls moved out of the transaction",
        actions: &[
            (
                "Set `idle_in_transaction_session_timeout` on the main cluster to 60 s",
                "Database Reliability",
            ),
            (
                "Alert on PgBouncer client wait time per pool",
                "Database Reliability",
            ),
            (
                "Add a static check for network calls inside database transactions",
                "Foundations team",
            ),
        ],
    },
    Scn {
        key: "api-deploy-latency",
        services: &["api"],
        extra: &[],
        cause: "Software-Change",
        sev: (2, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "Slow responses on the projects API after deploy {deploy}",
            "API Apdex below SLO after deploy {deploy}",
        ],
        what: "requests to the projects endpoints of `api` were slow, with about {pct}% of them over the tolerated latency",
        why: "Deploy `{deploy}` changed how project statistics are loaded, and a frequent query switched to a sequential scan for large namespaces.",
        fix: "A hot patch restoring the previous query shape was deployed, and latency returned to normal as it rolled out.",
        alert: "ApiApdexBurnFast",
        start_note: "Deploy `{deploy}` completes; `api` Apdex starts falling",
        steps: &[
            "Slow query log shows a new sequential scan on `project_statistics`",
            "Rollback considered; a hot patch is safer because a post-deploy migration already ran",
            "Hot patch built and deployed to canary",
        ],
        mitigation: "Hot patch on all nodes; Apdex back above SLO",
        resolution: "Regression test for the query plan added",
        actions: &[
            (
                "Capture the plans of the 50 most frequent queries in canary and compare them with production",
                "Database Reliability",
            ),
            (
                "Add a performance regression test for the projects endpoints",
                "Source Code team",
            ),
        ],
    },
    Scn {
        key: "git-ssh-timeout",
        services: &["git"],
        extra: &[],
        cause: "Config-Change",
        sev: (2, 3),
        confidential: false,
        no_impact: false,
        titles: &[
            "Git over SSH connections failing in {region}",
            "Git SSH clones dropped after an HAProxy configuration change",
        ],
        what: "about {pct}% of Git operations over SSH in {region} failed, while Git over HTTPS kept working",
        why: "Change request CR-{cr} lowered the idle timeout of the SSH frontend on the HAProxy tier as part of a cleanup. Clones of large repositories, which stay quiet while the server packs objects, were cut off.",
        fix: "Reverting the timeout change of CR-{cr} ended the failures.",
        alert: "GitSshErrorRateHigh",
        start_note: "CR-{cr} applied to the HAProxy tier in {region}; SSH sessions start being cut",
        steps: &[
            "Customers report `Connection closed by remote host` during clones",
            "Failures only on SSH, and only for long-running operations",
            "Timeout change in CR-{cr} identified",
        ],
        mitigation: "Timeout reverted; SSH error ratio back under SLO",
        resolution: "Change request closed with a note on long-running Git operations",
        actions: &[
            (
                "Document next to the setting why SSH timeouts must exceed the longest pack generation",
                "Networking & Edge",
            ),
            (
                "Add a synthetic SSH clone of a large repository to the probes",
                "Reliability",
            ),
        ],
    },
    Scn {
        key: "git-disk-full",
        services: &["git"],
        extra: &["web"],
        cause: "Capacity-Planning",
        sev: (2, 3),
        confidential: false,
        no_impact: false,
        titles: &[
            "Pushes failing for repositories on {node}: disk full",
            "Git storage node {node} out of disk space",
        ],
        what: "pushes to the repositories stored on `{node}`, about {pct}% of all repositories, were rejected",
        why: "A handful of repositories on `{node}` grew by several hundred gigabytes in a day through large binary files pushed by automated jobs. The disk forecast looked 30 days ahead and did not react to a sudden jump.",
        fix: "Moving the three largest repositories to `{node2}` and growing the disk brought usage back under the limit.",
        alert: "GitFsDiskSoftLimit",
        start_note: "`{node}` disk reaches 100%; pushes to its repositories fail",
        steps: &[
            "`GitFsDiskSoftLimit` had fired as low urgency earlier and was queued for the next working day",
            "Repository size report shows three repositories that grew by more than 300 GB since yesterday",
            "Repository moves to `{node2}` started",
        ],
        mitigation: "Disk of `{node}` grown and moves complete; pushes succeed",
        resolution: "Usage under 80% on `{node}`; the repositories' owners contacted by support",
        actions: &[
            (
                "Page at 95% disk on Git storage nodes, not only at the soft limit",
                "Reliability",
            ),
            (
                "Add a 24-hour growth alert to the disk forecast",
                "Reliability",
            ),
            (
                "Enforce the repository size limit on pushes for all plans",
                "Source Code team",
            ),
        ],
    },
    Scn {
        key: "git-gitaly-cpu",
        services: &["git"],
        extra: &["web"],
        cause: "Saturation",
        sev: (2, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "Slow clones and fetches from Gitaly node {node}",
            "Git fetch latency on {node} from CI clone traffic",
        ],
        what: "Git operations on repositories stored on `{node}` were slow, and about {pct}% of them timed out",
        why: "Thousands of CI jobs cloned the same large repository at full depth at once, after a pipeline change in that project. Pack generation saturated the CPU of `{node}`.",
        fix: "Enabling the pack-objects cache for the repository and limiting concurrent uploads per repository brought latency back down.",
        alert: "GitApdexBurnFast",
        start_note: "CPU of `{node}` reaches 100%; Git latency rises for its repositories",
        steps: &[
            "Gitaly logs show thousands of concurrent `upload-pack` calls for one repository",
            "Project owner contacted through support about shallow clones",
            "Per-repository concurrency limit applied on `{node}`",
        ],
        mitigation: "Pack-objects cache enabled; latency back under SLO",
        resolution: "Concurrency limits rolled out to all storage nodes",
        actions: &[
            (
                "Enable the pack-objects cache on the whole storage fleet",
                "Reliability",
            ),
            (
                "Set per-repository upload-pack concurrency limits on all Gitaly nodes",
                "Reliability",
            ),
            ("Default new CI pipelines to shallow clones", "Verify team"),
        ],
    },
    Scn {
        key: "git-internal-cert",
        services: &["git", "web"],
        extra: &["api"],
        cause: "Certificate-Expiry",
        sev: (1, 2),
        confidential: false,
        no_impact: false,
        titles: &[
            "Git and web errors after an internal certificate expired",
            "Expired mTLS certificate between the application and Gitaly",
        ],
        what: "about {pct}% of Git operations and repository pages failed with internal errors",
        why: "The client certificate the application uses for mutual TLS to the Gitaly storage nodes expired. It had been issued by hand before certificate renewal was automated, and was missing from the certificate inventory.",
        fix: "A new certificate was issued and rolled out to the application fleet; errors stopped as the nodes reloaded it.",
        alert: "GitErrorBudgetBurnFast",
        start_note: "Client certificate for Gitaly mTLS expires; TLS handshakes to storage nodes fail",
        steps: &[
            "Application logs show `certificate has expired` on connections to Gitaly",
            "Networking & Edge on-call issues a replacement following the TLS rotation runbook",
            "New certificate rolled out to canary first",
        ],
        mitigation: "New certificate on all application nodes; error ratio under SLO",
        resolution: "Inventory scan run for other hand-issued certificates",
        actions: &[
            (
                "Move the Gitaly mTLS certificate to the automated issuer",
                "Networking & Edge",
            ),
            (
                "Scan all hosts monthly for certificates missing from the inventory",
                "Networking & Edge",
            ),
            (
                "Alert 30 days before any certificate in the inventory expires",
                "Reliability",
            ),
        ],
    },
    Scn {
        key: "registry-capacity",
        services: &["registry"],
        extra: &["ci-runners"],
        cause: "Capacity-Planning",
        sev: (2, 3),
        confidential: false,
        no_impact: false,
        titles: &[
            "Registry pushes failing in {region}: blob storage near capacity",
            "Registry blob storage in {region} above its hard limit",
        ],
        what: "image pushes to `registry` in {region} failed for about {pct}% of requests",
        why: "The {region} blob storage pool crossed its hard limit after a month of faster-than-forecast growth. The capacity forecast used a 90-day trend that lagged behind the recent growth.",
        fix: "Admitting {m} standby nodes to the pool brought usage under the limit, and pushes recovered.",
        alert: "RegistryErrorBudgetBurnFast",
        start_note: "Blob storage pool in {region} reaches its hard limit; pushes rejected",
        steps: &[
            "EOC follows the registry storage saturation runbook",
            "Garbage collection confirmed running; it cannot free space fast enough",
            "Reliability on-call admits {m} standby nodes to the pool",
        ],
        mitigation: "Pool usage under the hard limit; pushes succeed",
        resolution: "Permanent expansion scheduled as a change request",
        actions: &[
            (
                "Weight recent growth more heavily in the blob storage capacity forecast",
                "Reliability",
            ),
            (
                "Keep standby capacity of at least 5% in every blob storage pool",
                "Reliability",
            ),
            (
                "Alert at the soft limit with a 7-day forecast, not only at the hard limit",
                "Reliability",
            ),
        ],
    },
    Scn {
        key: "registry-db-failover",
        services: &["registry"],
        extra: &["ci-runners"],
        cause: "Database-Failover",
        sev: (2, 3),
        confidential: false,
        no_impact: false,
        titles: &[
            "Registry unavailable during an unplanned failover of its metadata database",
            "Registry errors after the registry database primary failed over",
        ],
        what: "about {pct}% of `registry` pulls and pushes failed",
        why: "The primary of the `registry` PostgreSQL cluster failed over when its host restarted for a kernel patch outside the planned order. The registry's connection pool kept connections to the old primary until they timed out.",
        fix: "A rolling restart of the registry pods made them reconnect to the new primary.",
        alert: "RegistryErrorBudgetBurnFast",
        start_note: "Patroni fails over the `registry` database cluster; registry requests start failing",
        steps: &[
            "Database Reliability on-call confirms the new primary is healthy",
            "Registry pods still hold connections to the old primary",
            "Rolling restart of the registry pods started",
        ],
        mitigation: "Rolling restart complete; registry error ratio under SLO",
        resolution: "Patching order for database hosts fixed in the patching tool",
        actions: &[
            (
                "Reconnect the registry's database pool on a Patroni role change",
                "Package team",
            ),
            (
                "Patch database replicas before primaries, and fail over on purpose",
                "Ops",
            ),
        ],
    },
    Scn {
        key: "registry-objstore",
        services: &["registry"],
        extra: &["pages"],
        cause: "External-Dependency",
        sev: (2, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "Elevated registry pull errors from object storage latency in {region}",
            "Registry pulls slow: object storage provider degraded in {region}",
        ],
        what: "`registry` pulls in {region} were slow, and about {pct}% of them failed",
        why: "The object storage service behind the registry's blob store had elevated latency in {region}, which the provider confirmed later. Registry requests waiting on it ran into their timeouts.",
        fix: "Latency recovered on the provider's side; a temporarily raised client timeout reduced failed pulls in the meantime.",
        alert: "RegistryApdexBurnFast",
        start_note: "Object storage latency in {region} rises; registry pull latency follows",
        steps: &[
            "Registry logs show timeouts on object storage GET requests",
            "Provider status page confirms degraded performance",
            "Client timeout raised temporarily",
        ],
        mitigation: "Object storage latency back to normal; errors under SLO",
        resolution: "Temporary timeout change reverted",
        actions: &[
            (
                "Serve blob downloads of public images through the CDN",
                "Package team",
            ),
            ("Alert on object storage latency per region", "Reliability"),
        ],
    },
    Scn {
        key: "runners-quota",
        services: &["ci-runners"],
        extra: &[],
        cause: "Capacity-Planning",
        sev: (2, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "CI jobs queued for over {n} minutes: cloud VM quota reached in {region}",
            "Linux runners not scaling: VM quota exhausted in {region}",
        ],
        what: "CI jobs on the shared Linux runners waited up to {n} minutes before starting",
        why: "The runner autoscaler reached the cloud provider's VM quota for the {region} runner project. A quota increase had been requested but not yet granted, and the monthly growth in jobs made the old quota too small a few days early.",
        fix: "Shifting part of the load to the {other} runner pool, and an emergency quota increase from the provider, ended the queueing.",
        alert: "CiRunnersQueueTimeHigh",
        start_note: "Runner autoscaler hits the VM quota in {region}; pending jobs pile up",
        steps: &[
            "Autoscaler logs show `QUOTA_EXCEEDED` on VM creation",
            "Runner managers in {other} given a larger share of jobs",
            "Support case opened with the provider for an emergency quota increase",
        ],
        mitigation: "Quota increase granted; queue time back under SLO",
        resolution: "Quotas reviewed for all runner projects",
        actions: &[
            (
                "Alert at 80% of each runner project's VM quota",
                "Reliability",
            ),
            (
                "Review runner VM quotas monthly in the capacity forecast",
                "Reliability",
            ),
            (
                "Spread the shared runners over more cloud projects",
                "Runner team",
            ),
        ],
    },
    Scn {
        key: "runners-image",
        services: &["ci-runners"],
        extra: &[],
        cause: "Software-Change",
        sev: (2, 3),
        confidential: false,
        no_impact: false,
        titles: &[
            "CI jobs failing to start after a runner image update",
            "Shared runner jobs failing with image pull errors",
        ],
        what: "about {pct}% of jobs on the shared runners failed before running the user's script",
        why: "A new version of the runner base image moved the Docker credentials helper. Jobs that pulled private images could no longer authenticate to the registry.",
        fix: "Rolling the runner managers back to the previous image ended the failures; affected jobs were retried automatically.",
        alert: "CiRunnersSystemFailuresHigh",
        start_note: "Runner managers start using the new base image; job system failures rise",
        steps: &[
            "All failing jobs use private images from the registry",
            "Image comparison shows the moved credentials helper",
            "Rollback of the runner managers started",
        ],
        mitigation: "Rollback complete; system failure ratio under SLO",
        resolution: "Image fixed and re-released through the canary runner pool",
        actions: &[
            (
                "Run a private-image pull test in the runner image pipeline",
                "Runner team",
            ),
            (
                "Roll out runner images through a canary pool with an SLO gate",
                "Delivery",
            ),
        ],
    },
    Scn {
        key: "runners-autoscaler-config",
        services: &["ci-runners"],
        extra: &[],
        cause: "Config-Change",
        sev: (2, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "Runner autoscaler stopped creating VMs after a configuration change",
            "CI queue times rising: autoscaler misconfiguration",
        ],
        what: "no new runner VMs were created, and CI jobs waited up to {n} minutes",
        why: "Change request CR-{cr} switched the autoscaler to a newer machine type that was not available in one zone. The autoscaler treated the error as fatal and stopped scaling in every zone.",
        fix: "Reverting the machine type and restarting the autoscaler ended the impact.",
        alert: "CiRunnersQueueTimeHigh",
        start_note: "CR-{cr} applied to the runner autoscaler; scaling stops",
        steps: &[
            "Autoscaler logs show `machine type not available in zone`",
            "Revert of CR-{cr} prepared",
            "Autoscaler restarted with the previous configuration",
        ],
        mitigation: "Autoscaler creating VMs again; queue time back under SLO",
        resolution: "Machine type change re-applied zone by zone",
        actions: &[
            (
                "Make the autoscaler skip an unavailable zone instead of stopping",
                "Runner team",
            ),
            (
                "Validate machine types against zone availability in the configuration pipeline",
                "Delivery",
            ),
        ],
    },
    Scn {
        key: "pages-cert-renewal",
        services: &["pages"],
        extra: &[],
        cause: "Certificate-Expiry",
        sev: (3, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "Custom Pages domains serving expired certificates",
            "Pages certificate renewals stalled",
        ],
        what: "about {n} custom Pages domains served an expired TLS certificate",
        why: "The job that renews certificates of custom Pages domains had been failing for two weeks on one domain with a broken DNS configuration, and stopped processing the rest of its queue at that domain.",
        fix: "Skipping the failing domain let the job catch up; the affected certificates were renewed within the hour.",
        alert: "PagesCertificateExpiringSoon",
        start_note: "First custom Pages domain certificate expires",
        steps: &[
            "Renewal job logs show the same domain failing on every run",
            "Job changed to skip domains that fail validation",
            "Renewal of the backlog started",
        ],
        mitigation: "Backlog renewed; no expired certificates left",
        resolution: "Owner of the failing domain notified through support",
        actions: &[
            (
                "Never let one failing domain block the renewal queue",
                "Pages team",
            ),
            (
                "Alert when any custom domain certificate is within 7 days of expiry",
                "Networking & Edge",
            ),
        ],
    },
    Scn {
        key: "pages-deploy-delay",
        services: &["pages"],
        extra: &["jobs"],
        cause: "Saturation",
        sev: (3, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "Pages deployments delayed by up to {n} minutes",
            "Slow Pages deploys: deployment queue backlog",
        ],
        what: "Pages sites took up to {n} minutes to update after a successful pipeline",
        why: "A bulk import of projects created thousands of Pages deployments at once, and deployment jobs share a queue with other low-priority jobs.",
        fix: "Adding workers to the queue cleared the backlog.",
        alert: "JobsQueueLatencyHigh",
        start_note: "Pages deployment queue starts growing",
        steps: &[
            "Queue breakdown shows Pages deployments created by one bulk import",
            "Extra workers added to the queue",
        ],
        mitigation: "Backlog cleared; deploys take under a minute again",
        resolution: "Queue limits for bulk imports agreed with the owning team",
        actions: &[
            ("Give Pages deployments their own queue", "Pages team"),
            (
                "Throttle Pages deployments created by bulk imports",
                "Import team",
            ),
        ],
    },
    Scn {
        key: "pages-404-config",
        services: &["pages"],
        extra: &[],
        cause: "Config-Change",
        sev: (2, 3),
        confidential: false,
        no_impact: false,
        titles: &[
            "Pages sites returning 404 after a routing change",
            "Some Pages sites unreachable after CR-{cr}",
        ],
        what: "about {pct}% of requests to Pages sites returned HTTP 404",
        why: "CR-{cr} moved the edge routing for Pages to a new domain lookup service. Domains stored with uppercase letters did not match the lowercased lookup key.",
        fix: "Reverting CR-{cr} ended the errors; the lookup was made case-insensitive before the change was re-applied.",
        alert: "PagesErrorBudgetBurnFast",
        start_note: "CR-{cr} applied to the Pages edge routing; 404 responses rise",
        steps: &[
            "404 responses concentrated on custom domains",
            "Case mismatch found in the lookup service",
            "Revert of CR-{cr} started",
        ],
        mitigation: "Revert complete; 404 ratio back to baseline",
        resolution: "Stored domains normalised; change re-applied",
        actions: &[
            (
                "Normalise custom domains to lowercase when they are saved",
                "Pages team",
            ),
            (
                "Replay a sample of production host names against routing changes in CI",
                "Networking & Edge",
            ),
        ],
    },
    Scn {
        key: "jobs-backlog",
        services: &["jobs"],
        extra: &["api"],
        cause: "Saturation",
        sev: (2, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "Background job backlog: webhooks and email delayed by up to {n} minutes",
            "Jobs queue latency above SLO: {n}-minute delays",
        ],
        what: "webhooks, notification emails and pipeline scheduling were delayed by up to {n} minutes",
        why: "One integration subscribed thousands of projects to every push event; each push produced one webhook job per project, and the `default` queue fell behind.",
        fix: "Moving the integration's webhook jobs to a throttled queue, and adding workers, cleared the backlog.",
        alert: "JobsQueueLatencyHigh",
        start_note: "Latency of the `default` queue crosses its target",
        steps: &[
            "Queue breakdown shows webhook jobs from one integration",
            "Workers for the `default` queue scaled up",
            "The integration's jobs routed to the throttled queue",
        ],
        mitigation: "Backlog drained; queue latency under target",
        resolution: "Per-integration limits agreed with the integration's owner",
        actions: &[
            (
                "Limit webhook jobs per integration per minute",
                "Integrations team",
            ),
            (
                "Autoscale job workers on queue latency",
                "Database Reliability",
            ),
        ],
    },
    Scn {
        key: "jobs-redis-maxmemory",
        services: &["jobs"],
        extra: &["api", "ci-runners"],
        cause: "Capacity-Planning",
        sev: (1, 3),
        confidential: false,
        no_impact: false,
        titles: &[
            "Redis queues cluster reached maxmemory: jobs rejected",
            "Job enqueue failures after the queues Redis ran out of memory",
        ],
        what: "about {pct}% of background jobs could not be enqueued, delaying pipelines, webhooks and email",
        why: "A retry loop in a new job class re-enqueued failed jobs without a limit. The `queues` Redis cluster filled up and rejected writes at its `maxmemory` limit.",
        fix: "Deleting the runaway retries and turning off the job's feature flag freed memory within minutes.",
        alert: "RedisMemoryHigh",
        start_note: "`queues` Redis reaches `maxmemory`; enqueues fail",
        steps: &[
            "Memory analysis shows millions of retries of one job class",
            "The job's feature flag turned off",
            "Runaway retries deleted from the retry set",
        ],
        mitigation: "Memory below 70%; enqueues succeed",
        resolution: "Fix for the retry loop deployed",
        actions: &[
            ("Cap retries per job class by default", "Foundations team"),
            (
                "Alert on the growth rate of the retry set",
                "Database Reliability",
            ),
            (
                "Forecast `queues` memory in the monthly capacity report",
                "Reliability",
            ),
        ],
    },
    Scn {
        key: "jobs-scheduler-dup",
        services: &["jobs"],
        extra: &["ci-runners"],
        cause: "Software-Change",
        sev: (3, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "Scheduled pipelines triggered twice after a scheduler change",
            "Duplicate scheduled pipelines during a scheduler rollout",
        ],
        what: "about {pct}% of scheduled pipelines ran twice, using runner minutes twice",
        why: "A change moved the cron scheduler to a new leader-election library. During a rolling restart two scheduler pods both believed they were the leader for a few minutes at a time.",
        fix: "Rolling the scheduler back ended the duplicates; runner minutes used by duplicates were refunded.",
        alert: "",
        start_note: "Rolling restart of the scheduler starts; two leaders elected",
        steps: &[
            "Two scheduler pods found holding the lease",
            "Rollback of the scheduler release",
        ],
        mitigation: "A single leader again; no new duplicates",
        resolution: "Runner minutes refunded for the affected namespaces",
        actions: &[
            (
                "Use fencing tokens in the scheduler's leader election",
                "Verify team",
            ),
            (
                "Detect duplicate scheduled pipelines and alert",
                "Verify team",
            ),
        ],
    },
    Scn {
        key: "search-index-lag",
        services: &["search"],
        extra: &["jobs"],
        cause: "Saturation",
        sev: (3, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "Search results stale: indexing lag of {n} minutes",
            "Code search falling behind: indexing lag above threshold",
        ],
        what: "search results lagged behind new commits, issues and merge requests by up to {n} minutes",
        why: "Indexing jobs competed with a large backfill on the search cluster; bulk indexing requests were rejected with back-pressure errors and retried slowly.",
        fix: "Pausing the backfill let incremental indexing catch up.",
        alert: "SearchIndexLagHigh",
        start_note: "Indexing lag rises above 15 minutes",
        steps: &[
            "Search cluster rejecting bulk requests: write thread pool full",
            "Backfill paused",
        ],
        mitigation: "Indexing lag under 5 minutes",
        resolution: "Backfill resumed at a lower rate",
        actions: &[
            (
                "Run backfills at a rate that leaves headroom for incremental indexing",
                "Search team",
            ),
            ("Page when indexing lag exceeds 2 hours", "Reliability"),
        ],
    },
    Scn {
        key: "search-node-loss",
        services: &["search"],
        extra: &[],
        cause: "Hardware",
        sev: (2, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "Search queries failing after the loss of a search cluster node",
            "Search errors: cluster degraded after a node failure",
        ],
        what: "about {pct}% of search queries failed and the rest were slower than usual",
        why: "A data node of the search cluster lost its host. Several shards had their only copy on that node because a rebalancing earlier that week had not completed.",
        fix: "Shards were recovered from snapshots and a replacement node joined the cluster.",
        alert: "SearchErrorRateHigh",
        start_note: "Search data node lost; some indices have unassigned shards",
        steps: &[
            "Cluster health shows unassigned primary shards",
            "Replacement node provisioned",
            "Shard recovery from snapshot in progress",
        ],
        mitigation: "All primary shards assigned; errors under SLO",
        resolution: "Replica count verified for every index",
        actions: &[
            (
                "Alert when any shard has fewer than two copies",
                "Reliability",
            ),
            ("Spread search nodes across three zones", "Reliability"),
        ],
    },
    Scn {
        key: "ddos",
        services: &["api", "web"],
        extra: &["git"],
        cause: "Security",
        sev: (1, 3),
        confidential: false,
        no_impact: false,
        titles: &[
            "Edge saturated by a volumetric DDoS attack in {region}",
            "Elevated errors during a DDoS attack on larkspur.example",
        ],
        what: "about {pct}% of requests to `web` and `api` failed or timed out",
        why: "A volumetric attack of several hundred gigabits per second targeted our edge in {region}. Upstream scrubbing engaged only after a manual request, and until then the edge load balancers in {region} were saturated.",
        fix: "Scrubbing at the upstream provider filtered the attack, and an edge rule dropped the remaining malicious requests.",
        alert: "EdgeBandwidthSaturation",
        start_note: "Inbound traffic to the {region} edge rises tenfold",
        steps: &[
            "Networking & Edge on-call paged; attack traffic identified",
            "Upstream scrubbing requested and engaged",
            "Edge rule deployed for the remaining request flood",
        ],
        mitigation: "Attack traffic filtered; error ratios under SLO",
        resolution: "Attack over; edge rules kept for 7 days",
        actions: &[
            (
                "Engage upstream scrubbing automatically above a traffic threshold",
                "Networking & Edge",
            ),
            (
                "Run a DDoS response drill every quarter",
                "Networking & Edge",
            ),
        ],
    },
    Scn {
        key: "dns-provider",
        services: &["api", "git", "web"],
        extra: &["registry", "pages"],
        cause: "External-Dependency",
        sev: (1, 2),
        confidential: false,
        no_impact: false,
        titles: &[
            "DNS resolution failures for larkspur.example",
            "Intermittent DNS failures from the upstream DNS provider",
        ],
        what: "about {pct}% of DNS queries for `larkspur.example` host names failed, so many users could not reach the web interface, the API or Git",
        why: "Our authoritative DNS provider had an outage in part of its anycast network, and we had a single DNS provider.",
        fix: "The provider recovered; resolver caches had hidden part of the impact.",
        alert: "SyntheticProbeFailures",
        start_note: "External probes start failing to resolve `larkspur.example`",
        steps: &[
            "Probes from several regions fail DNS resolution; origin healthy",
            "Provider confirms an incident on its status page",
            "Secondary DNS provider considered; none configured",
        ],
        mitigation: "Provider recovered; probes green",
        resolution: "Provider's incident report reviewed",
        actions: &[
            (
                "Add a secondary authoritative DNS provider",
                "Networking & Edge",
            ),
            (
                "Raise the TTL of stable records to one hour",
                "Networking & Edge",
            ),
        ],
    },
    Scn {
        key: "lb-healthcheck",
        services: &["api", "web"],
        extra: &[],
        cause: "Config-Change",
        sev: (1, 3),
        confidential: false,
        no_impact: false,
        titles: &[
            "Load balancer took healthy web nodes out of rotation after a health-check change",
            "Capacity loss in {region}: backends removed by health checks",
        ],
        what: "about {pct}% of requests to `web` and `api` in {region} failed while most backends were out of rotation",
        why: "CR-{cr} pointed the load balancer health check at a new readiness endpoint that also checked a dependency with a 2-second timeout. Under normal load that dependency answered slower than the timeout, so most backends failed the check.",
        fix: "Reverting the health check to the previous endpoint returned the backends to rotation.",
        alert: "WebErrorBudgetBurnFast",
        start_note: "CR-{cr} applied; backends start failing health checks",
        steps: &[
            "Load balancer shows most backends down while they report healthy locally",
            "Readiness endpoint found waiting on a slow dependency",
            "Revert of CR-{cr} started",
        ],
        mitigation: "Backends back in rotation; error ratios under SLO",
        resolution: "Readiness endpoint changed to check local state only",
        actions: &[
            (
                "Document that health checks test local state only, in the load balancer guide",
                "Networking & Edge",
            ),
            (
                "Fail open when more than half of a pool fails its health checks",
                "Networking & Edge",
            ),
        ],
    },
    Scn {
        key: "pg-replica-lag",
        services: &["api", "web"],
        extra: &[],
        cause: "Saturation",
        sev: (2, 3),
        confidential: false,
        no_impact: false,
        titles: &[
            "Stale reads on web and api: replica lag on the main database",
            "Replica lag on main: recently created items missing",
        ],
        what: "recently created issues, comments and merge requests disappeared or returned 404 for up to a few minutes, for about {pct}% of requests",
        why: "A batched background migration updated rows faster than the replicas could replay them, and the replicas fell up to {m} GB behind. The load balancer measured lag only every 60 seconds and kept sending reads to lagging replicas in between.",
        fix: "Pausing the migration let the replicas catch up.",
        alert: "PostgresReplicationLagHigh",
        start_note: "Replica lag on `main` rises above 1 GB",
        steps: &[
            "Reports of comments missing right after they were posted",
            "Database Reliability on-call pauses the batched migration",
        ],
        mitigation: "Replicas caught up; stale reads stopped",
        resolution: "Migration resumed with smaller batches and pauses between them",
        actions: &[
            (
                "Throttle batched migrations on replica lag automatically",
                "Database Reliability",
            ),
            (
                "Measure replica lag every 5 seconds in the database load balancer",
                "Database Reliability",
            ),
        ],
    },
    Scn {
        key: "pg-unplanned-failover",
        services: &["api", "web"],
        extra: &["git", "jobs"],
        cause: "Database-Failover",
        sev: (1, 2),
        confidential: false,
        no_impact: false,
        titles: &[
            "Errors on web and api during an unplanned failover of the main database",
            "Main PostgreSQL cluster failed over: write errors",
        ],
        what: "writes on `web` and `api` failed and about {pct}% of requests returned errors",
        why: "The primary of the `main` PostgreSQL cluster became unresponsive when its disk latency spiked, and Patroni failed over to a replica. Application processes kept connections to the old primary until PgBouncer was reloaded.",
        fix: "Reloading PgBouncer moved all connections to the new primary.",
        alert: "PatroniLeaderChange",
        start_note: "Disk latency on the `main` primary spikes; writes start timing out",
        steps: &[
            "Patroni promotes a replica",
            "Application processes still connected to the old primary",
            "PgBouncer reloaded on all nodes",
        ],
        mitigation: "All connections on the new primary; errors under SLO",
        resolution: "Old primary's disk replaced; node rejoined as a replica",
        actions: &[
            (
                "Reload PgBouncer automatically on a Patroni role change",
                "Database Reliability",
            ),
            (
                "Alert on disk latency of database primaries",
                "Database Reliability",
            ),
        ],
    },
    Scn {
        key: "feature-flag",
        services: &["web"],
        extra: &["api"],
        cause: "Software-Change",
        sev: (2, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "Merge request pages failing for some users after enabling `{flag}`",
            "Errors for users in the rollout of feature flag `{flag}`",
        ],
        what: "about {pct}% of page views failed for users included in the rollout of feature flag `{flag}`",
        why: "The flag enabled a new code path that assumed every user had a preferences record. Accounts created before 2019 had none, and their requests failed.",
        fix: "Turning the flag off with `/flag` ended the errors.",
        alert: "WebErrorBudgetBurnSlow",
        start_note: "Feature flag `{flag}` raised to 25% of actors; errors start",
        steps: &[
            "Errors correlated with the flag change announced in `#production`",
            "Flag turned off with `/flag`",
        ],
        mitigation: "Flag off; errors gone",
        resolution: "Fix deployed; rollout restarted at 1%",
        actions: &[
            (
                "Show feature flag changes as annotations on the service dashboards",
                "Reliability",
            ),
            (
                "Fall back to default preferences when a user has no preferences record",
                "Foundations team",
            ),
        ],
    },
    Scn {
        key: "node-pool-upgrade",
        services: &["api"],
        extra: &["jobs"],
        cause: "Config-Change",
        sev: (2, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "API capacity reduced during a Kubernetes node pool upgrade",
            "Pods evicted too fast during a node pool upgrade in {region}",
        ],
        what: "`api` in {region} ran at reduced capacity, and about {pct}% of requests were slow or failed",
        why: "A node pool upgrade under CR-{cr} drained nodes faster than the pod disruption budget should have allowed, because the budget still used an old label selector and matched no pods.",
        fix: "Pausing the upgrade let the deployment reschedule its pods.",
        alert: "ApiApdexBurnFast",
        start_note: "Node pool upgrade under CR-{cr} starts draining nodes",
        steps: &[
            "Pod count of `api` drops by half",
            "Disruption budget found matching no pods",
            "Upgrade paused",
        ],
        mitigation: "Pods rescheduled; capacity restored",
        resolution: "Budget fixed; upgrade resumed",
        actions: &[
            (
                "Check in CI that every disruption budget matches at least one pod",
                "Delivery",
            ),
            ("Alert on the pod count of each deployment", "Reliability"),
        ],
    },
    Scn {
        key: "monitoring-gap",
        services: &["api", "git", "web"],
        extra: &[],
        cause: "Software-Change",
        sev: (3, 4),
        confidential: false,
        no_impact: true,
        titles: &[
            "Delayed metrics: dashboards and SLO alerts up to {n} minutes behind",
            "Metrics ingestion lag in the long-term store",
        ],
        what: "dashboards and SLO alerts were up to {n} minutes behind; the services themselves were not affected",
        why: "An upgrade of the long-term metrics store changed its compaction schedule, and ingestion fell behind while compactions ran.",
        fix: "Rolling back the upgrade restored ingestion.",
        alert: "PrometheusRemoteWriteBehind",
        start_note: "Remote-write lag starts rising",
        steps: &[
            "On-call engineers warned in `#production` that alerts evaluate stale data",
            "Upgrade rolled back",
        ],
        mitigation: "Ingestion caught up",
        resolution: "Upgrade re-planned with compaction limits",
        actions: &[(
            "Alert on metrics freshness from outside the metrics stack",
            "Reliability",
        )],
    },
    Scn {
        key: "email-provider",
        services: &["jobs"],
        extra: &[],
        cause: "External-Dependency",
        sev: (3, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "Notification emails delayed: mail provider throttling",
            "Email delivery delayed by up to {n} minutes",
        ],
        what: "notification emails were delayed by up to {n} minutes",
        why: "Our email delivery provider throttled our account after a sudden rise in volume from one large project's notification settings.",
        fix: "The provider raised our limit, and the queue drained.",
        alert: "JobsQueueLatencyHigh",
        start_note: "Mailer jobs start receiving throttling errors",
        steps: &[
            "Provider dashboard shows our account throttled",
            "Support case opened with the provider",
        ],
        mitigation: "Limit raised; email queue drained",
        resolution: "Throttling headroom agreed with the provider",
        actions: &[
            (
                "Alert on throttling responses from the mail provider",
                "Reliability",
            ),
            (
                "Batch notification emails for very large projects",
                "Notifications team",
            ),
        ],
    },
    Scn {
        key: "artifacts-upload",
        services: &["ci-runners"],
        extra: &["api"],
        cause: "Software-Change",
        sev: (2, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "CI artifact uploads failing with HTTP 500",
            "Jobs failing at the artifact upload step after deploy {deploy}",
        ],
        what: "about {pct}% of CI jobs failed while uploading artifacts",
        why: "Deploy `{deploy}` changed the artifact upload endpoint to stream directly to object storage, and did not handle uploads over 5 GB, which need a multipart upload.",
        fix: "Rolling back the deploy ended the failures.",
        alert: "CiRunnersSystemFailuresHigh",
        start_note: "Deploy `{deploy}` reaches production; artifact uploads start failing",
        steps: &["Failures limited to large artifacts", "Rollback started"],
        mitigation: "Rollback complete; uploads succeed",
        resolution: "Fix using multipart uploads deployed",
        actions: &[(
            "Add a large-artifact upload to the QA smoke suite",
            "Verify team",
        )],
    },
    Scn {
        key: "git-lfs",
        services: &["git"],
        extra: &[],
        cause: "External-Dependency",
        sev: (2, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "Git LFS downloads failing in {region}",
            "LFS object downloads timing out in {region}",
        ],
        what: "about {pct}% of Git LFS downloads in {region} failed",
        why: "Signed URLs for LFS objects pointed at an object storage endpoint that was degraded in {region}.",
        fix: "Switching LFS downloads to the {other} endpoint ended the failures.",
        alert: "GitLfsErrorRateHigh",
        start_note: "LFS download errors rise in {region}",
        steps: &[
            "Errors traced to the object storage endpoint",
            "LFS downloads switched to the {other} endpoint",
        ],
        mitigation: "LFS downloads succeed",
        resolution: "Endpoint switched back after the provider recovered",
        actions: &[(
            "Fail over LFS download endpoints automatically on error ratio",
            "Reliability",
        )],
    },
    Scn {
        key: "ui-broken-links",
        services: &["web"],
        extra: &[],
        cause: "Software-Change",
        sev: (4, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "Broken links in the project sidebar after deploy {deploy}",
            "Project settings links returning 404 for some users",
        ],
        what: "links to project settings from the sidebar returned 404 for projects in nested groups, about {pct}% of page views",
        why: "Deploy `{deploy}` built sidebar links from the project path without the group path for projects nested more than three levels deep.",
        fix: "A fix shipped with the next deploy; the pages themselves kept working when opened directly.",
        alert: "",
        start_note: "Deploy `{deploy}` completes; sidebar links for deeply nested projects break",
        steps: &["Cause found in the sidebar link helper"],
        mitigation: "Fix deployed; links work",
        resolution: "Regression test added",
        actions: &[(
            "Add nested-group projects to the QA smoke suite",
            "Foundations team",
        )],
    },
    Scn {
        key: "pages-one-domain",
        services: &["pages"],
        extra: &[],
        cause: "Config-Change",
        sev: (4, 4),
        confidential: false,
        no_impact: false,
        titles: &["Certificate warning on one customer's custom Pages domain"],
        what: "visitors of one customer's custom Pages domain saw a certificate warning",
        why: "The customer moved the domain's DNS to a new provider that blocked the HTTP-01 challenge path, so the certificate could not be renewed.",
        fix: "Support walked the customer through the DNS setting; the certificate was renewed within the hour.",
        alert: "PagesCertificateExpiringSoon",
        start_note: "Certificate of the custom domain expires",
        steps: &["Renewal failure traced to the domain's new DNS configuration"],
        mitigation: "Certificate renewed",
        resolution: "Customer confirmed the fix",
        actions: &[(
            "Email domain owners when a renewal fails 7 days before expiry",
            "Pages team",
        )],
    },
    Scn {
        key: "ci-windows-queue",
        services: &["ci-runners"],
        extra: &[],
        cause: "Saturation",
        sev: (3, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "Windows runner jobs queued for up to {n} minutes",
            "Slow start of Windows CI jobs: runner VM images slow to boot",
        ],
        what: "jobs on the shared Windows runners waited up to {n} minutes before starting",
        why: "A new Windows VM image took four times longer to boot because it ran a full disk optimisation on first start, and the autoscaler's idle pool was sized for the old boot time.",
        fix: "Rolling back to the previous image restored normal queue times.",
        alert: "CiRunnersQueueTimeHigh",
        start_note: "Queue time of Windows jobs rises above target",
        steps: &[
            "Boot times of new Windows VMs found at 12 minutes instead of 3",
            "Image rolled back",
        ],
        mitigation: "Queue time back under target",
        resolution: "Image rebuilt with the optimisation disabled",
        actions: &[(
            "Measure VM boot time in the runner image pipeline",
            "Runner team",
        )],
    },
    Scn {
        key: "ci-cache-throttling",
        services: &["ci-runners"],
        extra: &[],
        cause: "External-Dependency",
        sev: (3, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "CI cache downloads slow: object storage throttling in {region}",
            "Slow CI jobs in {region}: cache archive downloads throttled",
        ],
        what: "CI jobs in {region} that use the shared cache took several minutes longer, and about {pct}% of cache downloads failed",
        why: "The object storage provider throttled the cache bucket in {region} after request volume crossed a per-prefix limit we had not known about.",
        fix: "Spreading cache keys over more prefixes ended the throttling.",
        alert: "CiCacheErrorRateHigh",
        start_note: "Cache download errors rise in {region}",
        steps: &[
            "Provider confirms per-prefix throttling",
            "Cache key layout changed to spread prefixes",
        ],
        mitigation: "Throttling stopped; cache downloads normal",
        resolution: "Provider's limits documented in the runner runbook",
        actions: &[(
            "Alert on throttling responses from object storage",
            "Reliability",
        )],
    },
    Scn {
        key: "webhooks-duplicate",
        services: &["jobs"],
        extra: &[],
        cause: "Software-Change",
        sev: (3, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "Webhooks delivered twice after a retry change",
            "Duplicate webhook deliveries to slow endpoints",
        ],
        what: "about {pct}% of webhook deliveries were sent twice",
        why: "A change to webhook retries treated a response slower than 10 seconds as a failure, even when the receiving endpoint had processed the request.",
        fix: "Reverting the retry change stopped the duplicates.",
        alert: "",
        start_note: "Retry change deployed; duplicate deliveries begin",
        steps: &["Duplicates traced to retries after slow responses"],
        mitigation: "Retry change reverted",
        resolution: "Delivery ids documented so receivers can drop duplicates",
        actions: &[(
            "Send an idempotency key with every webhook delivery",
            "Integrations team",
        )],
    },
    Scn {
        key: "graphql-complexity",
        services: &["api"],
        extra: &[],
        cause: "Config-Change",
        sev: (3, 4),
        confidential: false,
        no_impact: false,
        titles: &["GraphQL queries rejected after the complexity limit was lowered"],
        what: "about {pct}% of GraphQL queries were rejected as too complex, breaking some integrations and IDE plugins",
        why: "The GraphQL complexity limit was lowered to protect the database from expensive queries, without first measuring how many legitimate queries were close to it.",
        fix: "The limit was restored and will be lowered in steps, with the rejected queries logged beforehand.",
        alert: "ApiErrorBudgetBurnSlow",
        start_note: "New complexity limit applied; GraphQL rejections rise",
        steps: &[
            "Rejected queries come from two popular IDE plugins",
            "Limit restored",
        ],
        mitigation: "Rejections back to baseline",
        resolution: "Plugin maintainers contacted about query size",
        actions: &[(
            "Log queries that would exceed a new limit for a week before enforcing it",
            "Foundations team",
        )],
    },
    Scn {
        key: "git-mirror-delay",
        services: &["git"],
        extra: &["jobs"],
        cause: "Saturation",
        sev: (3, 4),
        confidential: false,
        no_impact: false,
        titles: &[
            "Repository pull mirroring delayed by up to {n} minutes",
            "Pull mirrors falling behind",
        ],
        what: "pull mirrors were updated up to {n} minutes late",
        why: "Mirror update jobs for a few thousand very large repositories were scheduled in the same minute after a scheduler restart, and took up all mirror workers.",
        fix: "Spreading the schedule and adding workers cleared the backlog.",
        alert: "JobsQueueLatencyHigh",
        start_note: "Mirror queue latency crosses its target",
        steps: &["Backlog traced to large mirrors scheduled at once"],
        mitigation: "Backlog cleared",
        resolution: "Mirror schedule jittered permanently",
        actions: &[(
            "Add jitter to mirror schedules after a scheduler restart",
            "Source Code team",
        )],
    },
    Scn {
        key: "registry-cleanup-stalled",
        services: &["registry"],
        extra: &[],
        cause: "Software-Change",
        sev: (3, 4),
        confidential: false,
        no_impact: true,
        titles: &["Registry cleanup policies not running for some projects"],
        what: "image cleanup policies did not run for about {pct}% of projects; storage was used longer than customers had asked for, with no effect on pulls or pushes",
        why: "A change to the cleanup worker skipped projects whose policy used a regular expression with a lookahead, which the new matching library does not support.",
        fix: "The worker was fixed to report unsupported policies instead of skipping them, and the skipped policies were run.",
        alert: "",
        start_note: "Cleanup worker release starts skipping some policies",
        steps: &["Skipped policies found to share an unsupported pattern"],
        mitigation: "Skipped policies run",
        resolution: "Unsupported patterns reported to their owners",
        actions: &[(
            "Validate cleanup policy patterns when they are saved",
            "Package team",
        )],
    },
    // ----- confidential (security or customer-identifying) -----
    Scn {
        key: "conf-leaked-token",
        services: &["api"],
        extra: &[],
        cause: "Security",
        sev: (2, 2),
        confidential: true,
        no_impact: true,
        titles: &["Leaked CI job token used to read private project metadata"],
        what: "a leaked CI job token was used to read metadata of private projects in one customer namespace",
        why: "A debugging setting printed a job token into a public job log, and the token stayed valid for the whole of a long-running job. Its scope allowed reads from more endpoints than the job needed.",
        fix: "The token was revoked, the job log redacted and the customer informed.",
        alert: "",
        start_note: "Requests with the job token begin from an unexpected address",
        steps: &[
            "Security confirms the report: the token's requests found in the api logs",
            "Affected namespace and time range established",
        ],
        mitigation: "Token revoked; no further access",
        resolution: "Customer informed; job log redacted",
        actions: &[
            (
                "Mask job tokens in job logs whatever the debug setting",
                "Verify team",
            ),
            (
                "Limit the job token's scope to the job's own project by default",
                "Verify team",
            ),
            ("Review the retention of job token access logs", "Security"),
        ],
    },
    Scn {
        key: "conf-cryptomining",
        services: &["ci-runners"],
        extra: &[],
        cause: "Security",
        sev: (2, 3),
        confidential: true,
        no_impact: false,
        titles: &["Cryptomining abuse on shared runners saturated the Linux runner fleet"],
        what: "CI jobs on the shared Linux runners waited up to {n} minutes because abusive jobs occupied most of the fleet",
        why: "A wave of newly created accounts ran cryptomining jobs that stayed just under the job timeout. Detection looked for known miner binaries, and these were renamed.",
        fix: "The accounts were blocked and their jobs cancelled; queue times recovered within minutes.",
        alert: "CiRunnersQueueTimeHigh",
        start_note: "Shared runner queue time rises; new accounts account for most running jobs",
        steps: &[
            "Trust and Safety confirms mining activity in job CPU profiles",
            "Accounts blocked; their pipelines cancelled",
        ],
        mitigation: "Queue time back under SLO",
        resolution: "Detection rule updated",
        actions: &[
            (
                "Detect miners by CPU profile rather than by binary name",
                "Security",
            ),
            (
                "Require verification of new accounts before they use shared runners",
                "Trust and Safety team",
            ),
        ],
    },
    Scn {
        key: "conf-cached-responses",
        services: &["api", "web"],
        extra: &[],
        cause: "Config-Change",
        sev: (1, 1),
        confidential: true,
        no_impact: false,
        titles: &["Cached API responses served to the wrong users"],
        what: "a small number of responses to authenticated `api` requests were served from the edge cache to other users",
        why: "A change to the edge cache rules made one api endpoint cacheable without varying the cache key on the authorization header.",
        fix: "Reverting the cache rule and purging the cache stopped it; affected customers were informed.",
        alert: "",
        start_note: "Edge cache rule change applied; the endpoint starts being cached",
        steps: &[
            "Cache rule change identified; revert started",
            "Edge cache purged",
        ],
        mitigation: "Rule reverted and cache purged; no further cached responses",
        resolution: "Exposure analysis completed; affected customers informed",
        actions: &[
            (
                "Never cache authenticated api responses at the edge unless a rule opts in explicitly",
                "Networking & Edge",
            ),
            (
                "Add cache-key tests for authenticated endpoints",
                "Networking & Edge",
            ),
            ("Complete the customer notification review", "Security"),
        ],
    },
    Scn {
        key: "conf-import-logs",
        services: &["jobs"],
        extra: &[],
        cause: "Security",
        sev: (3, 3),
        confidential: true,
        no_impact: true,
        titles: &["Project import logs exposed names of private projects to another namespace"],
        what: "import logs visible to one customer listed the names of private projects of another",
        why: "A shared log location for failed imports was not scoped per namespace after a refactoring of the import workers.",
        fix: "The logs were removed and the log location scoped per namespace.",
        alert: "",
        start_note: "Import worker release starts writing failure logs to the shared location",
        steps: &[
            "Shared log location for failed imports identified",
            "Shared logs removed",
        ],
        mitigation: "Logs removed; location scoped per namespace",
        resolution: "Affected customer informed",
        actions: &[(
            "Add a namespace-isolation test for import failure logs",
            "Import team",
        )],
    },
];

fn scn(key: &str) -> usize {
    POOL.iter()
        .position(|s| s.key == key)
        .unwrap_or_else(|| panic!("unknown scenario {key}"))
}

const FLAGS: &[&str] = &[
    "mr_diff_batching",
    "new_navigation_v3",
    "async_merge_checks",
    "project_overview_v2",
    "pipeline_graph_v2",
    "todo_list_rewrite",
];

// ---------------------------------------------------------------------------
// Hand-written incidents of the sample (referenced by the handbook)

struct Script {
    /// Upstream iid when the handbook refers to it; else assigned in order.
    iid: Option<u32>,
    title: &'static str,
    severity: u8,
    impact: Impact,
    services: &'static [&'static str],
    cause: &'static str,
    start: &'static str,
    detected: &'static str,
    mitigated: &'static str,
    resolved: &'static str,
    summary: &'static str,
    timeline: &'static [(&'static str, &'static str)],
    /// (title, owner team, due, closed)
    actions: &'static [(&'static str, &'static str, &'static str, bool)],
}

const SCRIPTS: &[Script] = &[
    Script {
        iid: None,
        title: "DR gameday overran its maintenance window by 3 h 40 min",
        severity: 2,
        impact: Impact::Degraded,
        services: &["git", "web"],
        cause: "Config-Change",
        start: "2025-10-18 09:20",
        detected: "2025-10-18 09:25",
        mitigated: "2025-10-18 13:40",
        resolved: "2025-10-18 15:10",
        summary: "The yearly disaster recovery gameday (EMEA failover) was announced for 06:00–10:00 UTC. The failback of the Git storage fleet stalled at 09:20 because the runbook's node list no longer matched the fleet, and the last storage node was failed back at 13:40 UTC: 3 h 40 min after the announced end of the window, 7 h 40 min after the start.\n\nFrom 10:00 to 13:40 UTC (3 h 40 min) `git` and repository pages on `web` were slow for repositories on the nine storage nodes still being re-seeded. Minutes after the announced end of a window count as downtime.\n\n- **Services:** `git`, `web`\n- **Impact:** 3 h 40 min of degradation outside the maintenance window\n- **Detected by:** the gameday lead, at 09:25\n",
        timeline: &[
            (
                "2025-10-18 09:20",
                "Failback of the Git storage fleet stalls: the runbook lists storage nodes that no longer exist and misses nine that do",
            ),
            (
                "2025-10-18 09:25",
                "Gameday lead reports in `#production` that the failback will overrun the window",
            ),
            (
                "2025-10-18 09:40",
                "S2 declared for the overrun; status page: maintenance extended",
            ),
            (
                "2025-10-18 10:00",
                "Announced end of the maintenance window passes; minutes from now count against availability",
            ),
            (
                "2025-10-18 11:15",
                "Replication for the nine missing nodes re-seeded by hand",
            ),
            (
                "2025-10-18 13:40",
                "Last storage node failed back; `git` and `web` latency under SLO",
            ),
            (
                "2025-10-18 15:10",
                "Incident resolved; phase timings recorded in the gameday issue",
            ),
        ],
        actions: &[
            (
                "Generate the DR runbook's node lists from the inventory instead of writing them by hand",
                "Ops",
                "2025-12-17",
                true,
            ),
            (
                "Move from yearly to quarterly gamedays, one region and a subset of services each time",
                "Ops",
                "2026-03-31",
                true,
            ),
            (
                "Add a go/no-go checkpoint at 75% of every maintenance window",
                "Ops",
                "2025-12-17",
                true,
            ),
        ],
    },
    Script {
        iid: Some(1958),
        title: "Web UI errors during a CDN provider incident: cache misses overloaded the origin",
        severity: 1,
        impact: Impact::Outage,
        services: &["web"],
        cause: "External-Dependency",
        start: "2026-01-09 14:22",
        detected: "2026-01-09 14:25",
        mitigated: "2026-01-09 15:20",
        resolved: "2026-01-09 17:05",
        summary: "On 2026-01-09 from 14:22 to 15:20 UTC (58 minutes), about 38% of requests to `web` failed with HTTP 502 and 504 errors, almost all of them for users served by emea-1.\n\nOur CDN provider had an incident at its European points of presence: their caches restarted empty and stopped combining identical requests, so every edge server fetched every static asset from us. Those fetches go to the same `web` fleet that renders pages, and asset requests to it jumped from about 200 to 9,000 per second. The fleet ran out of workers and page requests failed. Impact ended when the CDN's asset origin was switched to the object storage bucket the assets are published to, taking the load off the web fleet.\n\n- **Services:** `web`\n- **Impact:** 58 minutes of outage, mostly in emea-1\n- **Detected by:** `WebErrorBudgetBurnFast`, 3 minutes after impact started\n",
        timeline: &[
            (
                "2026-01-09 14:22",
                "Asset requests from the CDN to emea-1 jump from about 200 to 9,000 per second; `web` 5xx ratio rises above 30%",
            ),
            (
                "2026-01-09 14:25",
                "`WebErrorBudgetBurnFast` pages the EMEA EOC",
            ),
            (
                "2026-01-09 14:28",
                "EOC declares an S1; incident manager and communications lead paged",
            ),
            (
                "2026-01-09 14:34",
                "Status page: investigating errors on larkspur.example",
            ),
            (
                "2026-01-09 14:41",
                "Traffic breakdown: the new load is CDN cache misses for `/assets/`; the CDN provider's status page reports a partial outage in Europe",
            ),
            (
                "2026-01-09 14:52",
                "Incident manager approves pointing the CDN's asset origin at the asset bucket in object storage (C2 change during an incident)",
            ),
            (
                "2026-01-09 15:08",
                "CDN origin change live; asset requests move off the web fleet as the configuration propagates",
            ),
            (
                "2026-01-09 15:20",
                "Error ratio on `web` back under SLO; impact mitigated",
            ),
            (
                "2026-01-09 16:40",
                "CDN provider reports its incident resolved; request coalescing working again",
            ),
            (
                "2026-01-09 17:05",
                "Asset origin kept on the bucket; incident resolved",
            ),
        ],
        actions: &[
            (
                "Serve static assets to the CDN from the asset bucket only, never from the web fleet",
                "Networking & Edge",
                "2026-02-06",
                true,
            ),
            (
                "Cap the rate of CDN cache-miss requests the origin accepts",
                "Networking & Edge",
                "2026-02-06",
                true,
            ),
            (
                "Alert on CDN cache-miss traffic to the origin separately from user traffic",
                "Reliability",
                "2026-02-08",
                true,
            ),
            (
                "Evaluate a second CDN provider for static assets",
                "Networking & Edge",
                "2026-04-30",
                false,
            ),
        ],
    },
    Script {
        iid: Some(2012),
        title: "Git storage node git-fs-07 failed: repositories unavailable, suspected data loss",
        severity: 1,
        impact: Impact::Outage,
        services: &["git"],
        cause: "Hardware",
        start: "2026-03-04 03:18",
        detected: "2026-03-04 03:21",
        mitigated: "2026-03-04 05:48",
        resolved: "2026-03-05 11:30",
        summary: "On 2026-03-04 from 03:18 to 05:48 UTC (2 h 30 min), Git operations on the roughly 41,000 repositories stored on `git-fs-07` failed: clones, fetches and pushes returned errors, and their pages on `web` showed a repository error. That is about 4% of all Git operations, enough to put `git` over its error-rate SLO for the whole period.\n\nThe cloud host of `git-fs-07` failed, and the provider's automatic recovery left the VM hung with its data disk attached. The node was one of seven storage nodes not yet on replicated storage, so no other copy could serve its repositories. Because the last log lines before the hang showed I/O errors, we treated it as suspected data loss and raised it to S1. Impact ended when the data disk was moved to a replacement VM. Verification the next day found no data lost.\n\n- **Services:** `git`\n- **Impact:** 2 h 30 min of outage for the repositories on one storage node\n- **Detected by:** `GitErrorBudgetBurnFast`, 3 minutes after impact started\n",
        timeline: &[
            (
                "2026-03-04 03:18",
                "Host of `git-fs-07` fails; Git operations on its repositories start failing",
            ),
            (
                "2026-03-04 03:21",
                "`GitErrorBudgetBurnFast` pages the AMER EOC",
            ),
            (
                "2026-03-04 03:27",
                "EOC declares an S2: one storage node, about 4% of repositories",
            ),
            (
                "2026-03-04 03:39",
                "VM reported as repairing by the provider; I/O errors in its last log lines: raised to S1 for suspected data loss",
            ),
            (
                "2026-03-04 03:52",
                "Reliability and Database Reliability on-call join; decision to give the provider's recovery until 04:30",
            ),
            (
                "2026-03-04 04:05",
                "EMEA EOC takes over at the shift handover; AMER EOC stays on the call for context",
            ),
            (
                "2026-03-04 04:35",
                "Provider recovery still not complete; replacement procedure started: detach the data disk, attach it to `git-fs-07b`",
            ),
            (
                "2026-03-04 05:31",
                "Replacement VM serving; file system check clean",
            ),
            (
                "2026-03-04 05:48",
                "Error ratio on `git` back under SLO; impact mitigated",
            ),
            (
                "2026-03-05 11:30",
                "Verification complete: pushes accepted in the last minutes before the failure are all present; no data lost; incident resolved",
            ),
        ],
        actions: &[
            (
                "Automate moving a storage node's data disk to a replacement VM (`gitalyctl node replace`)",
                "Reliability",
                "2026-04-03",
                true,
            ),
            (
                "Alert when a storage VM stays in a repairing state for more than 10 minutes",
                "Reliability",
                "2026-04-03",
                true,
            ),
            (
                "Show the error ratio per storage node on the git overview dashboard",
                "Reliability",
                "2026-04-03",
                true,
            ),
            (
                "Write down how to verify that no data was lost after a storage node failure",
                "Database Reliability",
                "2026-04-03",
                true,
            ),
            (
                "Migrate the remaining six unreplicated storage nodes to replicated storage",
                "Reliability",
                "2026-06-30",
                false,
            ),
        ],
    },
    Script {
        iid: None,
        title: "DR gameday failback of Git storage ran 25 minutes past the maintenance window",
        severity: 2,
        impact: Impact::Degraded,
        services: &["git"],
        cause: "Saturation",
        start: "2026-03-14 09:40",
        detected: "2026-03-14 09:42",
        mitigated: "2026-03-14 10:25",
        resolved: "2026-03-14 11:30",
        summary: "The first quarterly disaster recovery gameday (AMER failover) was announced for 06:00–10:00 UTC on 2026-03-14. The failback of the Git storage fleet was slower than rehearsed: replication throughput was held by the everyday replication throttle. From 09:40 the latency of `git` was above its SLO for repositories still resyncing, and the last node was in sync at 10:25 UTC.\n\nThe 25 minutes after the announced end of the window (10:00–10:25) count as downtime. Aborting the failback would have taken longer than finishing it, so the gameday lead continued and declared the overrun.\n\n- **Services:** `git`\n- **Impact:** 25 minutes of degradation outside the maintenance window\n- **Detected by:** the gameday lead, 2 minutes after impact started\n",
        timeline: &[
            (
                "2026-03-14 09:40",
                "Failback of Git storage slower than planned; `git` latency above SLO for repositories still resyncing",
            ),
            (
                "2026-03-14 09:42",
                "Gameday lead expects an overrun of about 30 minutes; decision to continue, since aborting would take longer",
            ),
            (
                "2026-03-14 09:45",
                "S2 declared for the overrun; status page: maintenance extended",
            ),
            (
                "2026-03-14 10:00",
                "Announced end of the maintenance window",
            ),
            (
                "2026-03-14 10:25",
                "Last storage nodes in sync; `git` latency under SLO; impact mitigated",
            ),
            (
                "2026-03-14 11:30",
                "Incident resolved; phase timings recorded in the gameday issue",
            ),
        ],
        actions: &[
            (
                "Raise the replication throttle during failback, as a step of the DR runbook",
                "Reliability",
                "2026-05-13",
                true,
            ),
            (
                "Track each gameday phase against its planned duration live, with a go/no-go at 75% of the window",
                "Ops",
                "2026-05-13",
                true,
            ),
        ],
    },
    Script {
        iid: Some(2039),
        title: "Unplanned failover of the main PostgreSQL cluster: writes failing on web, api and git",
        severity: 1,
        impact: Impact::Outage,
        services: &["api", "git", "web"],
        cause: "Database-Failover",
        start: "2026-03-17 02:47",
        detected: "2026-03-17 02:48",
        mitigated: "2026-03-17 02:56",
        resolved: "2026-03-17 04:40",
        summary: "On 2026-03-17 from 02:47 to 02:56 UTC (9 minutes), `web`, `api` and `git` failed requests that write to the `main` database. For the first 3 minutes no writes succeeded at all; for the next 6, about a third of writes still failed with `cannot execute UPDATE in a read-only transaction`.\n\nA 41-second network disruption in one zone cut the primary `db-main-01` off from etcd, Patroni's consensus store; its leader lock expired and Patroni demoted it and promoted `db-main-02`, as designed. Writes came back for new connections once the `main-primary` DNS record followed the new leader, but PgBouncer kept its open server connections to the demoted node, which now rejected writes, until it was told to reconnect. No committed transaction was lost: replication to the new primary is synchronous.\n\n- **Services:** `web`, `api`, `git`\n- **Impact:** 9 minutes of outage for writes (3 minutes with no writes at all)\n- **Detected by:** `PatroniLeaderChange` (not paging), 1 minute after impact started; paged by `WebErrorBudgetBurnFast` after 3 minutes\n",
        timeline: &[
            (
                "2026-03-17 02:47",
                "Network disruption in zone b isolates `db-main-01` from etcd for 41 s; its leader lock expires and Patroni demotes it",
            ),
            (
                "2026-03-17 02:48",
                "`db-main-02` promoted; `PatroniLeaderChange` notifies the Database Reliability channel; writes on web, api and git failing",
            ),
            (
                "2026-03-17 02:50",
                "`main-primary` DNS record follows the new leader; new PgBouncer connections reach `db-main-02`. `WebErrorBudgetBurnFast` pages the AMER EOC",
            ),
            (
                "2026-03-17 02:53",
                "EOC declares an S1 and pages the Database on-call: about a third of writes still fail with `cannot execute UPDATE in a read-only transaction`",
            ),
            (
                "2026-03-17 02:55",
                "Database on-call runs `RECONNECT` on all PgBouncer pools, closing server connections still open to `db-main-01`",
            ),
            (
                "2026-03-17 02:56",
                "Error ratios back under SLO; impact mitigated",
            ),
            (
                "2026-03-17 03:30",
                "`db-main-01` rebuilt as a replica with `patronictl reinit`",
            ),
            (
                "2026-03-17 04:40",
                "No committed transactions lost (synchronous replication confirmed); incident resolved",
            ),
        ],
        actions: &[
            (
                "Make PgBouncer reconnect automatically on a Patroni role change (callback)",
                "Database Reliability",
                "2026-04-16",
                true,
            ),
            (
                "Raise the Patroni TTL from 30 s to 45 s after a load test",
                "Database Reliability",
                "2026-04-16",
                true,
            ),
            (
                "Ask the cloud provider for advance notice of zone network maintenance",
                "Networking & Edge",
                "2026-04-16",
                true,
            ),
            (
                "Page when write errors follow a Patroni leader change",
                "Database Reliability",
                "2026-04-16",
                true,
            ),
            (
                "Add a consensus-store partition of the primary to the gameday scenarios",
                "Ops",
                "2026-06-16",
                true,
            ),
        ],
    },
    Script {
        iid: Some(2207),
        title: "Registry blob storage full in EMEA: pushes and recent pulls failing",
        severity: 1,
        impact: Impact::Outage,
        services: &["ci-runners", "registry"],
        cause: "Capacity-Planning",
        start: "2026-07-22 09:14",
        detected: "2026-07-22 09:18",
        mitigated: "2026-07-22 10:01",
        resolved: "2026-07-22 16:20",
        summary: "On 2026-07-22 from 09:14 to 10:01 UTC (47 minutes), container image pulls from the `registry` in the EMEA region failed for about 18% of requests, and pushes were rejected. The registry's blob storage pool `emea-1` reached its hard capacity limit after garbage collection had been paused during an earlier change (CR-1841, on 2026-07-03) and not resumed. CI jobs using recently pushed images failed with them.\n\nImpact ended when four standby storage nodes were admitted to the pool; new writes had been routed to `amer-1` in the meantime. Garbage collection was resumed the same day and reclaimed 38 TiB.\n\n- **Services:** `registry`, `ci-runners`\n- **Impact:** 47 minutes of outage in EMEA\n- **Detected by:** `RegistryErrorBudgetBurnFast`, 4 minutes after impact started\n",
        timeline: &[
            (
                "2026-07-22 09:14",
                "Blob storage pool `emea-1` reaches 97%, where it rejects writes; registry pushes in EMEA start failing",
            ),
            (
                "2026-07-22 09:18",
                "`RegistryErrorBudgetBurnFast` pages the EMEA EOC",
            ),
            (
                "2026-07-22 09:22",
                "EOC declares an S2: pushes failing in EMEA, pulls mostly working",
            ),
            (
                "2026-07-22 09:26",
                "Following the registry storage runbook, `registryctl gc status` shows garbage collection on `emea-1` paused since 2026-07-03 (CR-1841)",
            ),
            (
                "2026-07-22 09:31",
                "Failed requests reach 18%, including pulls of recently pushed images and the CI jobs using them: raised to S1",
            ),
            (
                "2026-07-22 09:33",
                "Garbage collection resumed on `emea-1`; it needs about 30 minutes to make a difference",
            ),
            (
                "2026-07-22 09:40",
                "Incident manager approves routing new writes to `amer-1` (C2 change during an incident)",
            ),
            (
                "2026-07-22 09:47",
                "Writes routed to `amer-1`; push errors fall, pulls of partially pushed images still failing",
            ),
            (
                "2026-07-22 10:01",
                "Four standby nodes admitted to `emea-1`; usage at 93%; error ratio under SLO; impact mitigated",
            ),
            (
                "2026-07-22 16:20",
                "Garbage collection has reclaimed 38 TiB; writes routed back to `emea-1`; incident resolved",
            ),
        ],
        actions: &[
            (
                "Add a *temporary measures* section to the change request template, required for C1 and C2",
                "Delivery",
                "2026-08-21",
                true,
            ),
            (
                "Alert when registry garbage collection has not completed for 48 h",
                "Reliability",
                "2026-08-21",
                true,
            ),
            (
                "Add the write-routing step to the registry storage saturation runbook",
                "Reliability",
                "2026-08-21",
                true,
            ),
            (
                "Expand the EMEA blob storage pool by 200 TB (CR-1871)",
                "Reliability",
                "2026-09-30",
                true,
            ),
            (
                "Generate the alert rules of every blob storage pool from the pool inventory",
                "Reliability",
                "2026-08-21",
                true,
            ),
            (
                "Include blob storage pools in the monthly capacity forecast with a 90-day horizon",
                "Reliability",
                "2026-08-21",
                false,
            ),
        ],
    },
    Script {
        iid: Some(2231),
        title: "API and web errors after a load balancer configuration change",
        severity: 1,
        impact: Impact::Outage,
        services: &["api", "web"],
        cause: "Config-Change",
        start: "2026-07-29 14:06",
        detected: "2026-07-29 14:08",
        mitigated: "2026-07-29 14:54",
        resolved: "2026-07-29 16:30",
        summary: "On 2026-07-29 from 14:06 to 14:54 UTC (48 minutes), between 9% and 22% of requests to `api` failed with HTTP 503, and the pages of `web` that call the API failed with them.\n\nA change to the HAProxy tier applied at 13:10 (CR-1852) moved the `api` backends to a templated configuration. The template divided each server's connection limit by a process count, but the new tier runs one process with many threads, so each `api` server accepted an eighth of the connections it used to. The change looked healthy in the quiet early afternoon; when traffic ramped up at 14:00, requests queued in HAProxy and timed out. A deploy that reached production at 14:02 drew the first investigation, and its rollback changed nothing; the error started to fall after CR-1852 was reverted.\n\n- **Services:** `api`, `web`\n- **Impact:** 48 minutes of outage\n- **Detected by:** `ApiErrorBudgetBurnFast`, 2 minutes after impact started\n",
        timeline: &[
            (
                "2026-07-29 14:06",
                "`api` 503 ratio rises above 5% in both regions as afternoon traffic ramps up; web pages that call the API fail too",
            ),
            (
                "2026-07-29 14:08",
                "`ApiErrorBudgetBurnFast` pages the EMEA EOC",
            ),
            (
                "2026-07-29 14:11",
                "EOC declares an S1; incident manager and communications lead paged",
            ),
            (
                "2026-07-29 14:15",
                "Deploy `2026.07.29-1202` reached production at 14:02; EOC starts rolling it back in both regions",
            ),
            ("2026-07-29 14:18", "Status page: investigating API errors"),
            (
                "2026-07-29 14:27",
                "Rollback complete; no change in the error ratio",
            ),
            (
                "2026-07-29 14:38",
                "HAProxy logs show requests queued at the `api` backend and timing out; CR-1852, applied at 13:10, found in the change log",
            ),
            (
                "2026-07-29 14:47",
                "Networking & Edge on-call reverts CR-1852",
            ),
            (
                "2026-07-29 14:54",
                "Error ratios back under SLO; impact mitigated",
            ),
            (
                "2026-07-29 16:30",
                "Effective connection limits confirmed back at their previous values; deploy re-released; incident resolved",
            ),
        ],
        actions: &[
            (
                "Render and diff the effective HAProxy limits per server in CI for every load balancer change",
                "Networking & Edge",
                "2026-08-28",
                true,
            ),
            (
                "Alert on HAProxy backend queue time for api and web",
                "Reliability",
                "2026-08-28",
                true,
            ),
            (
                "Keep C2 load balancer changes open until they have been observed through a daily traffic peak",
                "Delivery",
                "2026-08-28",
                true,
            ),
            (
                "List the change requests of the last 24 hours in the incident declaration message",
                "Ops",
                "2026-08-28",
                false,
            ),
        ],
    },
    Script {
        iid: Some(2291),
        title: "Elevated api error rate in emea-1 after deploy 2026.08.25-0802",
        severity: 2,
        impact: Impact::Outage,
        services: &["api"],
        cause: "Software-Change",
        start: "2026-08-25 10:08",
        detected: "2026-08-25 10:10",
        mitigated: "2026-08-25 10:24",
        resolved: "2026-08-25 11:40",
        summary: "On 2026-08-25 from 10:08 to 10:24 UTC (16 minutes), about 6% of `api` requests in emea-1 failed with HTTP 500 after deploy `2026.08.25-0802` reached the region. amer-1 was still on the previous package and was not affected.\n\nA dependency upgrade in the package lowered the default timeout of the Redis client to one second, and cache reads that occasionally take longer under load failed instead of waiting. Rolling emea-1 back ended the impact.\n\n- **Services:** `api`\n- **Impact:** 16 minutes of outage in emea-1\n- **Detected by:** `ApiErrorBudgetBurnFast`, 2 minutes after impact started\n",
        timeline: &[
            (
                "2026-08-25 10:08",
                "Deploy `2026.08.25-0802` reaches 100% of emea-1; `api` 5xx ratio jumps to 6%",
            ),
            (
                "2026-08-25 10:10",
                "`ApiErrorBudgetBurnFast` pages the EMEA EOC",
            ),
            ("2026-08-25 10:12", "EOC declares an S2 (emea-1 only)"),
            (
                "2026-08-25 10:13",
                "Deploys locked (\"INC-2291: rolling back api error spike\"); rollback of emea-1 started",
            ),
            ("2026-08-25 10:22", "Rollback of emea-1 complete"),
            (
                "2026-08-25 10:24",
                "Error ratio under SLO; impact mitigated",
            ),
            (
                "2026-08-25 11:40",
                "Cause found: Redis client default timeout lowered by a dependency upgrade; incident resolved",
            ),
        ],
        actions: &[
            (
                "Set Redis client timeouts explicitly in configuration",
                "Foundations team",
                "2026-10-24",
                true,
            ),
            (
                "Hold the canary bake for 30 minutes in the first region before promoting a package",
                "Delivery",
                "2026-10-24",
                false,
            ),
        ],
    },
    Script {
        iid: Some(2304),
        title: "Project imports delayed by up to 3 hours: import queue backlog",
        severity: 3,
        impact: Impact::Degraded,
        services: &["jobs"],
        cause: "Saturation",
        start: "2026-09-02 01:40",
        detected: "2026-09-02 02:05",
        mitigated: "2026-09-02 05:55",
        resolved: "2026-09-02 18:00",
        summary: "From 01:40 to 05:55 UTC on 2026-09-02 (4 h 15 min), project imports started by customers waited up to 3 hours in the `imports` queue. A scheduled bulk import of about 4,000 projects by one customer filled the queue, which had 20 workers. Other queues were not affected.\n\nScaling the import workers to 60 and giving the bulk import its own throttled lane ended the delays for everyone else; the bulk import completed at 18:00 UTC.\n\n- **Services:** `jobs`\n- **Impact:** 4 h 15 min of delayed imports\n- **Detected by:** `JobsQueueLatencyHigh`, 25 minutes after impact started\n",
        timeline: &[
            (
                "2026-09-02 01:40",
                "Latency of the `imports` queue starts rising as a bulk import of about 4,000 projects begins",
            ),
            (
                "2026-09-02 02:05",
                "`JobsQueueLatencyHigh` pages the AMER EOC",
            ),
            (
                "2026-09-02 02:12",
                "EOC opens an S3 incident: imports delayed, other queues healthy",
            ),
            (
                "2026-09-02 02:40",
                "EOC requests break-glass read access to a replica to count pending imports",
            ),
            (
                "2026-09-02 03:05",
                "3,912 projects pending; each import takes 4–9 minutes on 20 workers",
            ),
            (
                "2026-09-02 04:10",
                "EMEA EOC takes over at the handover; import workers scaled from 20 to 60",
            ),
            (
                "2026-09-02 05:55",
                "Bulk import moved to a throttled lane; other customers' imports start within target; impact mitigated",
            ),
            (
                "2026-09-02 18:00",
                "Bulk import complete; incident resolved",
            ),
        ],
        actions: &[
            (
                "Route bulk imports to their own throttled queue automatically",
                "Import team",
                "2026-12-01",
                false,
            ),
            (
                "Give the AMER on-call standing read access to import statistics, without break-glass",
                "Ops",
                "2026-12-01",
                true,
            ),
        ],
    },
    Script {
        iid: Some(2317),
        title: "API error budget burn after deploy 2026.09.14-0602",
        severity: 2,
        impact: Impact::Degraded,
        services: &["api"],
        cause: "Software-Change",
        start: "2026-09-14 07:04",
        detected: "2026-09-14 07:12",
        mitigated: "2026-09-14 07:31",
        resolved: "2026-09-14 08:30",
        summary: "On 2026-09-14 from 07:04 to 07:31 UTC (27 minutes), about 2% of `api` requests in emea-1 timed out after deploy `2026.09.14-0602` reached the region. The new project search serializer loaded each project's namespace separately, and large result pages ran into the request timeout.\n\nRolling emea-1 back ended the impact.\n\n- **Services:** `api`\n- **Impact:** 27 minutes of degradation in emea-1\n- **Detected by:** `ApiErrorBudgetBurnFast`, 8 minutes after impact started\n",
        timeline: &[
            (
                "2026-09-14 07:04",
                "Deploy `2026.09.14-0602` reaches 100% of emea-1; project search requests on `api` slow down",
            ),
            (
                "2026-09-14 07:12",
                "`ApiErrorBudgetBurnFast` pages the EMEA EOC",
            ),
            ("2026-09-14 07:15", "EOC declares an S2; deploys locked"),
            ("2026-09-14 07:17", "Rollback of emea-1 started"),
            ("2026-09-14 07:26", "Rollback complete; burn rate falling"),
            (
                "2026-09-14 07:31",
                "Error ratio under SLO; impact mitigated",
            ),
            (
                "2026-09-14 08:30",
                "Cause found: one query per project in the new search serializer; incident resolved",
            ),
        ],
        actions: &[(
            "Add a query-count test for the project search endpoint",
            "Source Code team",
            "2026-11-13",
            false,
        )],
    },
    Script {
        iid: Some(2318),
        title: "Search results stale: indexing lag up to 40 minutes during a full reindex",
        severity: 3,
        impact: Impact::Degraded,
        services: &["search"],
        cause: "Saturation",
        start: "2026-09-14 09:20",
        detected: "2026-09-14 09:36",
        mitigated: "2026-09-14 14:50",
        resolved: "2026-09-15 06:10",
        summary: "From 09:20 to 14:50 UTC on 2026-09-14 (5 h 30 min), code and issue search results lagged behind by up to 40 minutes. A full reindex started that morning competed with incremental indexing for the search cluster's write capacity.\n\nPausing the reindex let incremental indexing catch up. The reindex was resumed at 20:00 UTC at a lower rate and finished overnight. There was no runbook for this; one is being written.\n\n- **Services:** `search`\n- **Impact:** 5 h 30 min of stale results\n- **Detected by:** `SearchIndexLagHigh`, 16 minutes after impact started\n",
        timeline: &[
            (
                "2026-09-14 09:20",
                "Indexing lag starts growing as the full reindex ramps up",
            ),
            (
                "2026-09-14 09:36",
                "`SearchIndexLagHigh` (low urgency) notifies the EMEA EOC",
            ),
            ("2026-09-14 09:50", "EOC opens an S3 incident"),
            (
                "2026-09-14 13:10",
                "Lag reaches 40 minutes; search cluster rejecting bulk requests",
            ),
            (
                "2026-09-14 14:50",
                "Reindex paused; lag back under 5 minutes; impact mitigated",
            ),
            (
                "2026-09-14 20:00",
                "Reindex resumed at half the rate by the AMER EOC",
            ),
            ("2026-09-15 06:10", "Reindex complete; incident resolved"),
        ],
        actions: &[
            (
                "Write and review the search index lag and reindex runbook",
                "Reliability",
                "2026-12-13",
                false,
            ),
            (
                "Give full reindexes a rate limit that leaves headroom for incremental indexing",
                "Search team",
                "2026-12-13",
                false,
            ),
        ],
    },
    Script {
        iid: Some(2319),
        title: "API 5xx in emea-1 after deploy 2026.09.14-1402, with replica lag on db-main-03",
        severity: 2,
        impact: Impact::Outage,
        services: &["api"],
        cause: "Software-Change",
        start: "2026-09-14 14:02",
        detected: "2026-09-14 14:05",
        mitigated: "2026-09-14 14:41",
        resolved: "2026-09-14 15:40",
        summary: "On 2026-09-14 from 14:02 to 14:41 UTC (39 minutes), about 3% of `api` requests in emea-1 failed with HTTP 500; amer-1 was not affected.\n\nTwo things met. Deploy `2026.09.14-1402` added a read-after-write step to the notes API that reads from a replica. At the same time the replica `db-main-03` was 2 GB behind its primary, because a batched background migration saturated its disk, and the database load balancer still sent it reads: its replication-lag check timed out under the same disk load, and a timeout counted as healthy. Rolling back the deploy removed most errors; taking `db-main-03` out of the read pool and pausing the migration removed the rest.\n\n- **Services:** `api`\n- **Impact:** 39 minutes of outage in emea-1\n- **Detected by:** `ApiErrorBudgetBurnFast`, 3 minutes after impact started\n",
        timeline: &[
            (
                "2026-09-14 14:02",
                "Error rate on api crosses 1% in emea-1, two minutes after deploy 2026.09.14-1402 reaches 100% of the region",
            ),
            (
                "2026-09-14 14:05",
                "`ApiErrorBudgetBurnFast` pages the EMEA EOC; 5xx ratio at 3%",
            ),
            (
                "2026-09-14 14:07",
                "EOC declares an S2 (emea-1 only); incident channel `#inc-2319` opened",
            ),
            (
                "2026-09-14 14:09",
                "Rollback of emea-1 to `2026.09.14-1202` started; deploys locked",
            ),
            (
                "2026-09-14 14:11",
                "EOC pages the Database Reliability on-call: replica lag 2 GB on `db-main-03`",
            ),
            (
                "2026-09-14 14:18",
                "Rollback complete; `api` 5xx ratio falls to 0.6%, still above SLO",
            ),
            (
                "2026-09-14 14:26",
                "DB on-call finds the lag check of `db-main-03` timing out, and the load balancer still sending it reads",
            ),
            (
                "2026-09-14 14:33",
                "`db-main-03` removed from the read pool; batched background migration paused",
            ),
            (
                "2026-09-14 14:41",
                "Error ratio back under SLO; impact mitigated",
            ),
            (
                "2026-09-14 15:40",
                "`db-main-03` caught up and back in the pool; incident resolved",
            ),
        ],
        actions: &[
            (
                "Treat a timed-out replication lag check as unhealthy in the database load balancer",
                "Database Reliability",
                "2026-11-13",
                true,
            ),
            (
                "Throttle batched background migrations on replica disk utilisation as well as lag",
                "Database Reliability",
                "2026-11-13",
                false,
            ),
            (
                "Review read-after-write paths that read from replicas; use the primary or sticky sessions",
                "Foundations team",
                "2026-11-13",
                false,
            ),
            (
                "Add replica lag to the canary gate of the deploy pipeline",
                "Delivery",
                "2026-11-13",
                false,
            ),
        ],
    },
    Script {
        iid: None,
        title: "Slow web and api after the PostgreSQL 16 upgrade: planner statistics not yet rebuilt",
        severity: 3,
        impact: Impact::Degraded,
        services: &["api", "web"],
        cause: "Software-Change",
        start: "2026-10-10 07:50",
        detected: "2026-10-10 07:52",
        mitigated: "2026-10-10 08:40",
        resolved: "2026-10-10 10:15",
        summary: "The PostgreSQL 16 upgrade of the `main` cluster was announced for 06:00–08:00 UTC on 2026-10-10. Traffic returned to the upgraded cluster at 07:50, before the planner statistics were rebuilt (a major upgrade does not carry them over), and many queries ran with poor plans. `web` and `api` were slow until 08:40 UTC, 40 minutes after the announced end of the window.\n\n- **Services:** `web`, `api`\n- **Impact:** 50 minutes of degraded latency, 40 of them outside the maintenance window\n- **Detected by:** `WebApdexBurnFast`, 2 minutes after impact started; the maintenance owner was already watching\n",
        timeline: &[
            (
                "2026-10-10 07:50",
                "Traffic returned to the upgraded `main` cluster; `web` and `api` latency above SLO",
            ),
            (
                "2026-10-10 07:52",
                "`WebApdexBurnFast` fires; the maintenance owner is already watching",
            ),
            (
                "2026-10-10 07:58",
                "`vacuumdb --analyze-in-stages` running; first stage complete",
            ),
            (
                "2026-10-10 08:00",
                "Announced end of the maintenance window",
            ),
            (
                "2026-10-10 08:40",
                "Statistics rebuilt for the largest tables; latency under SLO; impact mitigated",
            ),
            (
                "2026-10-10 10:15",
                "Full analyze complete; incident resolved",
            ),
        ],
        actions: &[(
            "Run the analyze stage before returning traffic after a major upgrade",
            "Database Reliability",
            "2027-01-08",
            false,
        )],
    },
];

/// Incidents of the sample pinned to a date and shape, with pool text: they
/// set the monthly figures the handbook's availability table publishes.
/// (scenario, start, severity, impact, services, impact minutes, detect
/// minutes, minutes from mitigation to resolution, confidential)
type Pin = (
    &'static str,
    &'static str,
    u8,
    Impact,
    &'static [&'static str],
    i64,
    i64,
    i64,
);

const PINS: &[Pin] = &[
    (
        "conf-cached-responses",
        "2024-12-03 16:48",
        1,
        Impact::Degraded,
        &["api", "web"],
        62,
        41,
        400,
    ),
    (
        "conf-cryptomining",
        "2025-02-11 02:20",
        2,
        Impact::Degraded,
        &["ci-runners"],
        70,
        9,
        300,
    ),
    (
        "conf-leaked-token",
        "2025-06-17 11:30",
        2,
        Impact::None,
        &["api"],
        570,
        540,
        1500,
    ),
    (
        "git-gitaly-cpu",
        "2026-01-21 10:12",
        2,
        Impact::Degraded,
        &["git"],
        12,
        3,
        95,
    ),
    (
        "api-pgbouncer-pool",
        "2026-02-12 15:31",
        2,
        Impact::Degraded,
        &["api"],
        40,
        4,
        180,
    ),
    (
        "web-apdex-crawler",
        "2026-05-06 09:02",
        2,
        Impact::Degraded,
        &["web"],
        40,
        5,
        240,
    ),
    (
        "api-deploy-latency",
        "2026-05-20 11:14",
        2,
        Impact::Degraded,
        &["api"],
        60,
        6,
        150,
    ),
    (
        "conf-import-logs",
        "2026-05-27 08:10",
        3,
        Impact::None,
        &["jobs"],
        1500,
        1380,
        600,
    ),
    (
        "git-ssh-timeout",
        "2026-07-09 13:40",
        2,
        Impact::Degraded,
        &["git"],
        28,
        4,
        70,
    ),
    (
        "feature-flag",
        "2026-08-13 10:21",
        2,
        Impact::Degraded,
        &["web"],
        36,
        6,
        45,
    ),
    (
        "runners-quota",
        "2026-10-21 13:10",
        2,
        Impact::Degraded,
        &["ci-runners"],
        135,
        7,
        4000,
    ),
    (
        "jobs-backlog",
        "2026-10-22 11:05",
        3,
        Impact::Degraded,
        &["jobs"],
        95,
        8,
        3000,
    ),
    (
        "search-index-lag",
        "2026-10-22 18:40",
        3,
        Impact::Degraded,
        &["search"],
        2000,
        16,
        600,
    ),
    (
        "pages-cert-renewal",
        "2026-10-23 07:15",
        4,
        Impact::Degraded,
        &["pages"],
        600,
        20,
        600,
    ),
];

// ---------------------------------------------------------------------------
// Incident specs: what to generate, before ids and text

#[derive(Clone)]
enum Kind {
    Script(usize),
    Pool(usize),
    /// A random maintenance window overrun (index into windows).
    Overrun(usize),
}

#[derive(Clone)]
struct Spec {
    kind: Kind,
    iid: Option<u32>,
    start: Ts,
    severity: u8,
    impact: Impact,
    services: Vec<&'static str>,
    detect: i64,
    human: bool,
    mitigate: i64,
    resolve: i64,
    region: &'static str,
    confidential: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Restrict {
    /// Anything goes.
    Free,
    /// Sample months whose published figure is fixed: no S1, S2 only on
    /// weight-0 services, S3/S4 never outages.
    NoWeightedDowntime,
    /// Sample months with "no incidents affecting weighted services".
    WeightZeroOnly,
}

struct Ctx {
    now: Ts,
    story: bool,
}

fn draw_start(rng: &mut Rng, y: i32, m: u32, now: Ts) -> Option<Ts> {
    let ms = month_start(y, m);
    let mut days = days_in_month(y, m);
    if ms + Duration::days(days) > now {
        days = (now - ms).num_days() + 1;
    }
    if days <= 0 {
        return None;
    }
    const HOURS: [u32; 24] = [
        2, 2, 2, 2, 4, 4, 4, 4, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 5, 5, 5, 5, 3, 3,
    ];
    for _ in 0..20 {
        let d = rng.below(days as u64) as i64;
        let h = rng.weighted(&HOURS) as i64;
        let mi = rng.below(60) as i64;
        let t = ms + Duration::days(d) + Duration::hours(h) + Duration::minutes(mi);
        if t < now - Duration::minutes(30) {
            return Some(t);
        }
    }
    None
}

fn random_spec(rng: &mut Rng, y: i32, m: u32, ctx: &Ctx, restrict: Restrict) -> Option<Spec> {
    let start = draw_start(rng, y, m, ctx.now)?;
    let mut sev: u8 = match restrict {
        Restrict::Free => [1u8, 2, 3, 4][rng.weighted(&[3, 14, 28, 55])],
        _ => [2u8, 3, 4][rng.weighted(&[10, 30, 60])],
    };
    let mut want_conf = !ctx.story && rng.chance(0.012);
    loop {
        let zero_only = restrict == Restrict::WeightZeroOnly
            || (restrict == Restrict::NoWeightedDowntime && sev <= 2);
        let cands: Vec<usize> = (0..POOL.len())
            .filter(|&i| {
                let s = &POOL[i];
                s.confidential == want_conf
                    && s.sev.0 <= sev
                    && sev <= s.sev.1
                    && (!zero_only || s.services.iter().all(|id| !weighted(id)))
            })
            .collect();
        if cands.is_empty() {
            if want_conf {
                want_conf = false;
                continue;
            }
            if sev >= 4 {
                return None;
            }
            sev += 1;
            continue;
        }
        let si = *rng.pick(&cands);
        let s = &POOL[si];
        let mut services: Vec<&'static str> = s.services.to_vec();
        for &e in s.extra {
            if rng.chance(0.3) && (!zero_only || !weighted(e)) {
                services.push(e);
            }
        }
        // Generated services share the incidents (only when there are any,
        // so that the sample's draws are unchanged).
        if !extra_services().is_empty() {
            let extra: Vec<&'static str> = extra_services()
                .iter()
                .filter(|e| !zero_only || e.weight == 0)
                .map(|e| e.id)
                .collect();
            let share = extra.len() as f64 / (extra.len() + SERVICES.len()) as f64;
            if !extra.is_empty() && rng.chance(share) {
                services = vec![*rng.pick(&extra)];
            }
        }
        services.sort();
        services.dedup();
        let impact = if s.no_impact {
            Impact::None
        } else {
            match sev {
                1 => {
                    if rng.chance(0.7) {
                        Impact::Outage
                    } else {
                        Impact::Degraded
                    }
                }
                2 => {
                    if rng.chance(0.3) {
                        Impact::Outage
                    } else {
                        Impact::Degraded
                    }
                }
                3 => {
                    if rng.chance(0.85) {
                        Impact::Degraded
                    } else {
                        Impact::None
                    }
                }
                _ => {
                    if rng.chance(0.45) {
                        Impact::Degraded
                    } else {
                        Impact::None
                    }
                }
            }
        };
        let mitigate = match sev {
            1 => rng.range(15, 150),
            2 => rng.range(15, 200),
            3 => rng.range(20, 480),
            _ => rng.range(30, 1200),
        };
        let human = s.alert.is_empty() || rng.chance([0.05, 0.12, 0.25, 0.35][sev as usize - 1]);
        let detect = if human {
            rng.range(10, 60).min(mitigate)
        } else if sev <= 2 {
            rng.range(1, 8).min(mitigate)
        } else {
            rng.range(2, 20).min(mitigate)
        };
        let resolve = if rng.chance(0.3) {
            rng.range(600, 4320)
        } else {
            rng.range(10, 240)
        };
        let region = if rng.chance(0.55) { "emea-1" } else { "amer-1" };
        return Some(Spec {
            kind: Kind::Pool(si),
            iid: None,
            start,
            severity: sev,
            impact,
            services,
            detect,
            human,
            mitigate,
            resolve,
            region,
            confidential: s.confidential,
        });
    }
}

// ---------------------------------------------------------------------------
// Output records

struct OutAction {
    title: String,
    url: String,
    closed: bool,
    due: NaiveDate,
    owner: String,
}

struct Incident {
    iid: u32,
    title: String,
    severity: u8,
    status: &'static str,
    confidential: bool,
    services: Vec<&'static str>,
    started: Ts,
    detected: Option<Ts>,
    mitigated: Option<Ts>,
    resolved: Option<Ts>,
    impact: Impact,
    root_cause: Option<String>,
    labels: Vec<String>,
    summary: String,
    timeline: Vec<(Ts, String)>,
    actions: Vec<OutAction>,
}

fn fill(t: &str, vars: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(t.len() + 32);
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('}') {
            Some(j) => {
                let key = &after[..j];
                match vars.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => panic!("template variable {{{key}}} not set in {t:?}"),
                }
                rest = &after[j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn label_for_cause(sev: u8, status: &str, cause: Option<&str>, services: &[&str]) -> Vec<String> {
    let mut labels = vec![
        "incident".to_string(),
        format!("severity::{sev}"),
        format!(
            "Incident::{}",
            match status {
                "active" => "Active",
                "mitigated" => "Mitigated",
                _ => "Resolved",
            }
        ),
    ];
    if let Some(c) = cause {
        labels.push(format!("RootCause::{c}"));
    }
    for s in services {
        labels.push(format!("Service::{}", svc(s).name));
    }
    labels.sort();
    labels.dedup();
    labels
}

fn status_at(
    now: Ts,
    mitigated: Option<Ts>,
    resolved: Option<Ts>,
) -> (&'static str, Option<Ts>, Option<Ts>) {
    match (mitigated, resolved) {
        (_, Some(r)) if r <= now => ("resolved", mitigated, Some(r)),
        (Some(mi), _) if mi <= now => ("mitigated", Some(mi), None),
        _ => ("active", None, None),
    }
}

struct Counters {
    action_iid: u32,
    /// Titles given so far.
    titles: std::collections::HashSet<String>,
}

fn action_url(n: u32) -> String {
    format!("https://gitlab.larkspur.example/infra/production-engineering/-/issues/{n}")
}

fn incident_url(iid: u32) -> String {
    format!("https://gitlab.larkspur.example/infra/production/-/issues/{iid}")
}

fn materialize(
    spec: &Spec,
    iid: u32,
    seed: u64,
    ctx: &Ctx,
    windows: &[Window],
    counters: &mut Counters,
) -> Incident {
    let mut rng = Rng::new(seed ^ (iid as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    match spec.kind {
        Kind::Script(i) => materialize_script(&SCRIPTS[i], iid, ctx, counters, &mut rng),
        Kind::Pool(si) => materialize_pool(&POOL[si], None, spec, iid, ctx, counters, &mut rng),
        Kind::Overrun(wi) => materialize_pool(
            &OVERRUN,
            Some(&windows[wi]),
            spec,
            iid,
            ctx,
            counters,
            &mut rng,
        ),
    }
}

fn materialize_script(
    s: &Script,
    iid: u32,
    ctx: &Ctx,
    counters: &mut Counters,
    rng: &mut Rng,
) -> Incident {
    let now = ctx.now;
    let started = ts(s.start);
    let detected = Some(ts(s.detected)).filter(|&t| t <= now);
    let (status, mitigated, resolved) = status_at(now, Some(ts(s.mitigated)), Some(ts(s.resolved)));
    let mut services = s.services.to_vec();
    services.sort();
    let cause = (status != "active").then(|| s.cause.to_string());
    let labels = label_for_cause(s.severity, status, cause.as_deref(), &services);
    let timeline = s
        .timeline
        .iter()
        .map(|(t, text)| (ts(t), text.to_string()))
        .filter(|(t, _)| *t <= now)
        .collect();
    let actions = if status == "active" {
        Vec::new()
    } else {
        s.actions
            .iter()
            .map(|(title, owner, due, closed)| {
                counters.action_iid += 1 + rng.below(4) as u32;
                OutAction {
                    title: title.to_string(),
                    url: action_url(counters.action_iid),
                    closed: *closed,
                    due: NaiveDate::parse_from_str(due, "%Y-%m-%d").unwrap(),
                    owner: owner.to_string(),
                }
            })
            .collect()
    };
    Incident {
        iid,
        title: s.title.to_string(),
        severity: s.severity,
        status,
        confidential: false,
        services,
        started,
        detected,
        mitigated,
        resolved,
        impact: s.impact,
        root_cause: cause,
        labels,
        summary: s.summary.to_string(),
        timeline,
        actions,
    }
}

/// How people noticed, for scenarios with a specific story: (timeline text, who).
fn human_note(key: &str) -> Option<(&'static str, &'static str)> {
    Some(match key {
        "maintenance-overrun" => (
            "Window owner reports in `#production` that the work will overrun the announced end at {mwend} UTC",
            "the window owner",
        ),
        "conf-leaked-token" => (
            "Security receives a report through the bug bounty programme",
            "an external report",
        ),
        "conf-cached-responses" => (
            "A customer reports seeing another account's data; support escalates",
            "a customer report",
        ),
        "conf-import-logs" => (
            "A customer reports project names of another namespace in an import log",
            "a customer report",
        ),
        "webhooks-duplicate" => (
            "A customer reports receiving every webhook twice",
            "a customer report",
        ),
        "registry-cleanup-stalled" => (
            "A customer asks why old images were not cleaned up",
            "a customer report",
        ),
        "ui-broken-links" => (
            "An engineer reports broken sidebar links in `#production`",
            "an engineer",
        ),
        "jobs-scheduler-dup" => (
            "Customers report duplicate pipelines from their schedules",
            "customer reports",
        ),
        _ => return None,
    })
}

const OVERRUN: Scn = Scn {
    key: "maintenance-overrun",
    services: &[],
    extra: &[],
    cause: "Config-Change",
    sev: (2, 3),
    confidential: false,
    no_impact: false,
    titles: &[
        "Maintenance overran: {mwtitle}",
        "{mwtitle} ran past its maintenance window",
    ],
    what: "`{svc}` was degraded while the work of the maintenance window \"{mwtitle}\" continued past its announced end at {mwend} UTC",
    why: "One step of the change took much longer than in the rehearsal, and the point where rolling back was faster than finishing had already passed. Minutes after the announced end of a window count as downtime.",
    fix: "Impact ended when the last step completed and `{svc}` was back under its SLO.",
    alert: "",
    start_note: "A step of the maintenance runs slower than rehearsed; `{svc}` degraded",
    steps: &[
        "Announced end of the maintenance window passes; minutes from now on count against availability",
        "Status page updated: maintenance extended",
    ],
    mitigation: "Last step complete; `{svc}` back under its SLO",
    resolution: "Maintenance closed; the change request updated with the actual timings",
    actions: &[
        (
            "Rehearse the change on production-sized data and record the duration of each step",
            "Ops",
        ),
        (
            "Add a go/no-go checkpoint at 75% of every maintenance window",
            "Ops",
        ),
        (
            "Announce windows with a margin of at least 30% over the rehearsed duration",
            "Delivery",
        ),
    ],
};

#[allow(clippy::too_many_arguments)]
fn materialize_pool(
    s: &Scn,
    win: Option<&Window>,
    spec: &Spec,
    iid: u32,
    ctx: &Ctx,
    counters: &mut Counters,
    rng: &mut Rng,
) -> Incident {
    let now = ctx.now;
    let sev = spec.severity;
    let started = spec.start;
    let det = started + Duration::minutes(spec.detect);
    let mit = started + Duration::minutes(spec.mitigate);
    let res = mit + Duration::minutes(spec.resolve);
    let detected = (det <= now).then_some(det);
    let (status, mitigated, resolved) = status_at(now, Some(mit), Some(res));

    // Template variables.
    let region = spec.region;
    let other = if region == "emea-1" {
        "amer-1"
    } else {
        "emea-1"
    };
    let pct = match sev {
        1 => format!("{}", rng.range(20, 85)),
        2 => format!("{}", rng.range(4, 25)),
        3 => format!("{}.{}", rng.range(1, 4), rng.range(0, 9)),
        _ => format!("0.{}", rng.range(1, 9)),
    };
    let dep_t = started - Duration::minutes(62);
    let deploy = format!(
        "{}.{:02}.{:02}-{:02}02",
        dep_t.year(),
        dep_t.month(),
        dep_t.day(),
        (dep_t.hour() & !1).max(4)
    );
    let months_since = (started.year() - 2024) * 12 + started.month() as i32 - 9;
    let cr = (1500 + months_since.max(0) as i64 * 15 + rng.range(0, 14)).to_string();
    let primary = spec
        .services
        .iter()
        .copied()
        .find(|id| s.services.contains(id))
        .unwrap_or(spec.services[0]);
    let node_n = rng.range(2, 24);
    let (node, node2) = match primary {
        "registry" => (
            format!("blob-emea-{node_n:02}"),
            format!("blob-emea-{:02}", node_n + 17),
        ),
        _ => (
            format!("git-fs-{node_n:02}"),
            format!("git-fs-{:02}", (node_n + 7) % 24 + 2),
        ),
    };
    let mut vars: Vec<(&str, String)> = vec![
        ("region", region.to_string()),
        ("other", other.to_string()),
        ("pct", pct),
        ("deploy", deploy),
        ("cr", cr),
        ("node", node),
        ("node2", node2),
        // "delayed by up to {n} minutes" never exceeds the impact itself.
        ("n", rng.range(12, 96).min(spec.mitigate.max(5)).to_string()),
        ("m", rng.range(2, 9).to_string()),
        ("flag", rng.pick(FLAGS).to_string()),
        ("svc", primary.to_string()),
    ];
    if let Some(w) = win {
        vars.push(("mwtitle", w.title.clone()));
        vars.push(("mwend", hhmm(w.end)));
    }

    let title_t: &&str = rng.pick(s.titles);
    let mut title = fill(title_t, &vars);
    // A cause that recurs gets a title that tells its occurrences apart.
    if !counters.titles.insert(title.clone()) && !title.contains(region) {
        title = format!(
            "{title} ({region}, {} {})",
            opsbook::data::Month::of(started.and_utc()).name(),
            started.year()
        );
    }
    let what = fill(s.what, &vars);

    // Timeline.
    let mut timeline: Vec<(Ts, String)> = vec![(started, fill(s.start_note, &vars))];
    let (human_text, human_who) = match human_note(s.key) {
        Some((text, who)) => (fill(text, &vars), who),
        None if rng.chance(0.5) => (
            "A customer reports the problem through support".to_string(),
            "a customer report",
        ),
        None => (
            "An engineer notices the problem and reports it in `#production`".to_string(),
            "an engineer",
        ),
    };
    let by_people = spec.human || s.alert.is_empty();
    if let Some(d) = detected {
        let text = if by_people {
            human_text.clone()
        } else {
            format!(
                "`{}` {} the {} EOC",
                s.alert,
                if sev <= 2 { "pages" } else { "notifies" },
                shift(d)
            )
        };
        timeline.push((d, text));
        // Declaration soon after detection, then the status page, then the
        // investigation spread until mitigation (or until now).
        let until = mitigated.unwrap_or(now);
        let clamp = |t: Ts| t.max(d).min(until);
        let overrun = win.is_some();
        let declared = clamp(d + Duration::minutes(rng.range(1, 5)));
        timeline.push((
            declared,
            if overrun {
                format!("S{sev} declared for the overrun")
            } else if sev <= 2 {
                format!("EOC declares an S{sev} incident; incident manager and communications lead paged")
            } else {
                format!("EOC opens an S{sev} incident")
            },
        ));
        let mut last = declared;
        if sev <= 2 && !s.confidential && spec.impact != Impact::None && !overrun {
            last = clamp(declared + Duration::minutes(rng.range(3, 10)));
            timeline.push((
                last,
                format!(
                    "Status page: investigating issues with {}",
                    svc(primary).name
                ),
            ));
        }
        let nsteps = match sev {
            1 | 2 => s.steps.len(),
            3 => s.steps.len().min(2),
            _ => s.steps.len().min(1),
        }
        .min(5);
        let gap = (until - last).num_minutes();
        for (i, step) in s.steps.iter().take(nsteps).enumerate() {
            let text = fill(step, &vars);
            let t = match win {
                Some(w) if step.starts_with("Announced end") => w.end,
                _ => {
                    // Evenly spread, the last step a few minutes before
                    // mitigation: it is usually what mitigated.
                    let tail = rng.range(2, 8).min(gap / 3);
                    let span = gap - tail;
                    let slot = span / nsteps as i64;
                    let jitter = if i + 1 < nsteps {
                        rng.range(0, slot / 3)
                    } else {
                        0
                    };
                    last + Duration::minutes(slot * (i as i64 + 1) - jitter)
                }
            };
            timeline.push((clamp(t), text));
        }
    }
    if let Some(mi) = mitigated {
        timeline.push((mi, fill(s.mitigation, &vars)));
    }
    if let Some(r) = resolved {
        timeline.push((r, fill(s.resolution, &vars)));
    }
    timeline.sort_by_key(|(t, _)| *t);

    // Summary.
    let services_md = spec
        .services
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut summary = String::new();
    match status {
        "active" => {
            let _ = writeln!(
                summary,
                "Since {} UTC on {}, {}. Investigation is ongoing; the cause is not confirmed yet.",
                hhmm(started),
                started.date(),
                what
            );
        }
        "mitigated" => {
            let _ = write!(
                summary,
                "{}, {}.\n\n{} Impact has stopped; work to remove the underlying cause continues.\n",
                span_phrase(started, mitigated.unwrap()),
                what,
                fill(s.why, &vars)
            );
        }
        _ => {
            let _ = write!(
                summary,
                "{}, {}.\n\n{} {}\n",
                span_phrase(started, mitigated.unwrap()),
                what,
                fill(s.why, &vars),
                fill(s.fix, &vars)
            );
        }
    }
    let impact_min = mitigated.map(|mi| (mi - started).num_minutes());
    let impact_line = match (spec.impact, impact_min) {
        (Impact::None, _) => "no user-facing impact".to_string(),
        (Impact::Outage, Some(m)) => format!("{} of outage", fmt_minutes(m)),
        (Impact::Degraded, Some(m)) => format!("{} of degradation", fmt_minutes(m)),
        (Impact::Outage, None) => "outage, ongoing".to_string(),
        (Impact::Degraded, None) => "degradation, ongoing".to_string(),
    };
    let _ = write!(
        summary,
        "\n- **Services:** {services_md}\n- **Impact:** {impact_line}\n"
    );
    if let Some(d) = detected {
        let after = (d - started).num_minutes();
        if by_people {
            let _ = writeln!(
                summary,
                "- **Detected by:** {}, {} after impact started",
                human_who,
                fmt_minutes(after)
            );
        } else {
            let _ = writeln!(
                summary,
                "- **Detected by:** `{}`, {} after impact started",
                s.alert,
                fmt_minutes(after)
            );
        }
    }

    // Corrective actions.
    let mut actions = Vec::new();
    if status != "active" {
        let want = match sev {
            1 => rng.range(3, 4),
            2 => rng.range(2, 3),
            3 => rng.range(1, 2),
            _ => rng.range(0, 1),
        } as usize;
        let mut idx: Vec<usize> = (0..s.actions.len()).collect();
        // Partial Fisher-Yates.
        for i in 0..idx.len() {
            let j = i + rng.below((idx.len() - i) as u64) as usize;
            idx.swap(i, j);
        }
        let mut chosen: Vec<(String, &str)> = idx
            .iter()
            .take(want)
            .map(|&i| (s.actions[i].0.to_string(), s.actions[i].1))
            .collect();
        if (spec.human && !s.alert.is_empty()) && sev <= 3 {
            chosen.push((
                format!(
                    "Alert on this failure mode of {} before users report it",
                    svc(primary).name
                ),
                "Reliability",
            ));
        }
        let base = mitigated.unwrap_or(started).date();
        let days = [30, 60, 90, 120][sev as usize - 1];
        for (title, owner) in chosen {
            counters.action_iid += 1 + rng.below(4) as u32;
            let due = base + Duration::days(days + rng.range(0, 10));
            let closed = if status != "resolved" {
                false
            } else if due < now.date() {
                rng.chance(0.86)
            } else {
                rng.chance(0.3)
            };
            actions.push(OutAction {
                title,
                url: action_url(counters.action_iid),
                closed,
                due,
                owner: owner.to_string(),
            });
        }
    }

    let cause = if status == "active" {
        None
    } else {
        Some(s.cause.to_string())
    };
    let labels = label_for_cause(sev, status, cause.as_deref(), &spec.services);
    Incident {
        iid,
        title,
        severity: sev,
        status,
        confidential: spec.confidential,
        services: spec.services.clone(),
        started,
        detected,
        mitigated,
        resolved,
        impact: spec.impact,
        root_cause: cause,
        labels,
        summary,
        timeline,
        actions,
    }
}

// ---------------------------------------------------------------------------
// The model, written by opsbook's canonical writer

fn utc(t: Ts) -> DateTime<Utc> {
    t.and_utc()
}

fn id(s: &str) -> Id {
    Id::parse(s).unwrap_or_else(|| panic!("bad id {s}"))
}

fn ids(list: &[&str]) -> Vec<Id> {
    list.iter().map(|s| id(s)).collect()
}

fn model_incident(inc: &Incident) -> model::Incident {
    model::Incident {
        id: id(&inc.iid.to_string()),
        title: inc.title.clone(),
        severity: model::Severity::from_number(inc.severity.into()).expect("severity 1..4"),
        status: match inc.status {
            "active" => model::Status::Active,
            "mitigated" => model::Status::Mitigated,
            _ => model::Status::Resolved,
        },
        confidential: inc.confidential,
        services: ids(&inc.services),
        started_at: utc(inc.started),
        detected_at: inc.detected.map(utc),
        mitigated_at: inc.mitigated.map(utc),
        resolved_at: inc.resolved.map(utc),
        impact: match inc.impact {
            Impact::Outage => model::Impact::Outage,
            Impact::Degraded => model::Impact::Degraded,
            Impact::None => model::Impact::None,
        },
        root_cause: inc.root_cause.clone(),
        url: Some(incident_url(inc.iid)),
        labels: inc.labels.clone(),
        summary: Some(wrapped(&inc.summary)),
        timeline: inc
            .timeline
            .iter()
            .map(|(t, text)| model::TimelineEntry {
                at: utc(*t),
                text: text.clone(),
            })
            .collect(),
        corrective_actions: inc
            .actions
            .iter()
            .map(|a| model::CorrectiveAction {
                title: a.title.clone(),
                url: Some(a.url.clone()),
                status: if a.closed {
                    model::ActionStatus::Closed
                } else {
                    model::ActionStatus::Open
                },
                due: Some(a.due),
                owner: Some(a.owner.clone()),
            })
            .collect(),
        origin: model::Origin::default(),
    }
}

fn model_services() -> Vec<model::Service> {
    all_services()
        .map(|s| model::Service {
            id: id(s.id),
            name: s.name.to_string(),
            weight: s.weight,
            target: opsbook::data::Percent::parse(s.target).expect("target is a percentage"),
            team: Some(s.team.to_string()),
            description: Some(s.description.to_string()),
            origin: model::Origin::default(),
        })
        .collect()
}

fn model_windows(ws: &[&Window]) -> Vec<model::MaintenanceWindow> {
    ws.iter()
        .map(|w| model::MaintenanceWindow {
            id: id(&w.id),
            title: w.title.clone(),
            services: ids(&w.services),
            start: utc(w.start),
            end: utc(w.end),
            url: w.url.clone(),
            origin: model::Origin::default(),
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Generation

fn parse_month(s: &str) -> (i32, u32) {
    let bad = || -> ! {
        eprintln!("error: --end must be YYYY-MM, got `{s}`");
        std::process::exit(2)
    };
    let (y, m) = s.split_once('-').unwrap_or_else(|| bad());
    let y: i32 = y.parse().unwrap_or_else(|_| bad());
    let m: u32 = m.parse().unwrap_or_else(|_| bad());
    if !(1..=12).contains(&m) || !(1970..=9999).contains(&y) {
        bad();
    }
    (y, m)
}

fn restrict_for(story: bool, y: i32, m: u32) -> Restrict {
    if !story || y != 2026 || m > 10 {
        return Restrict::Free;
    }
    if m == 4 || m == 6 {
        Restrict::WeightZeroOnly
    } else {
        Restrict::NoWeightedDowntime
    }
}

fn gen_windows(
    rng: &mut Rng,
    months: &[(i32, u32)],
    ctx: &Ctx,
    first: Ts,
    end_excl: Ts,
) -> Vec<Window> {
    let mut out = Vec::new();
    if ctx.story {
        for (a, b, slug, title, svcs) in STORY_WINDOWS {
            let (a, b) = (ts(a), ts(b));
            if a >= first && b <= end_excl {
                out.push(window(a, b, slug, title, svcs));
            }
        }
    }
    for &(y, m) in months {
        if ctx.story && y == 2026 {
            continue; // 2026 windows are exactly the ones the handbook lists
        }
        let pinned = out
            .iter()
            .filter(|w| w.start.year() == y && w.start.month() == m)
            .count();
        let n = [0usize, 1, 1, 2][rng.weighted(&[25, 30, 25, 20])].saturating_sub(pinned);
        let ms = month_start(y, m);
        let saturdays: Vec<Ts> = (0..days_in_month(y, m))
            .map(|d| ms + Duration::days(d))
            .filter(|t| t.weekday() == chrono::Weekday::Sat)
            .filter(|t| !out.iter().any(|w| w.start.date() == t.date()))
            .collect();
        let mut used: Vec<usize> = Vec::new();
        let mut slugs_used: Vec<usize> = Vec::new();
        for _ in 0..n {
            if used.len() >= saturdays.len() {
                break;
            }
            let mut di = rng.below(saturdays.len() as u64) as usize;
            while used.contains(&di) {
                di = (di + 1) % saturdays.len();
            }
            used.push(di);
            let pool_len = if ctx.story {
                MW_POOL.len() - 1
            } else {
                MW_POOL.len()
            };
            let mut ti = rng.below(pool_len as u64) as usize;
            while slugs_used.contains(&ti) {
                ti = (ti + 1) % pool_len;
            }
            slugs_used.push(ti);
            let (slug, title, svcs) = MW_POOL[ti];
            let dur = if slug == "dr-gameday" {
                240
            } else {
                60 + 30 * rng.range(0, 6)
            };
            let start = saturdays[di] + Duration::hours(6);
            out.push(window(
                start,
                start + Duration::minutes(dur),
                slug,
                title,
                svcs,
            ));
        }
    }
    out.sort_by(|a, b| (a.start, &a.id).cmp(&(b.start, &b.id)));
    out
}

fn main() {
    let t0 = Instant::now();
    let args = Args::parse();
    let (ey, em) = parse_month(&args.end);
    let n_months = args.years.map_or(args.months, |y| y.saturating_mul(12));
    if n_months == 0 {
        eprintln!("error: --months and --years must be at least 1");
        std::process::exit(2);
    }
    if let Some(n) = args.services {
        if n < SERVICES.len() {
            eprintln!(
                "error: --services must be at least {} (the sample's services)",
                SERVICES.len()
            );
            std::process::exit(2);
        }
        let _ = EXTRA.set(make_extra_services(args.seed, n));
    }
    let months: Vec<(i32, u32)> = (0..n_months as i32)
        .rev()
        .map(|k| add_months(ey, em, -k))
        .collect();
    let first = month_start(months[0].0, months[0].1);
    let (ny, nm) = add_months(ey, em, 1);
    let end_excl = month_start(ny, nm);
    let now = month_start(ey, em)
        + Duration::days(days_in_month(ey, em).min(23) - 1)
        + Duration::hours(9);
    let ctx = Ctx {
        now,
        story: args.incidents.is_none(),
    };
    let mut rng = Rng::new(args.seed);

    let windows = gen_windows(&mut rng, &months, &ctx, first, end_excl);

    // ---- specs
    let mut specs: Vec<Spec> = Vec::new();
    if ctx.story {
        for (i, s) in SCRIPTS.iter().enumerate() {
            let start = ts(s.start);
            if start < first || start >= now {
                continue;
            }
            let mut services = s.services.to_vec();
            services.sort();
            specs.push(Spec {
                kind: Kind::Script(i),
                iid: s.iid,
                start,
                severity: s.severity,
                impact: s.impact,
                services,
                detect: 0,
                human: false,
                mitigate: 0,
                resolve: 0,
                region: "emea-1",
                confidential: false,
            });
        }
        for &(key, start, sev, impact, svcs, mitigate, detect, resolve) in PINS {
            let start = ts(start);
            if start < first || start >= now {
                continue;
            }
            let si = scn(key);
            let mut services = svcs.to_vec();
            services.sort();
            specs.push(Spec {
                kind: Kind::Pool(si),
                iid: None,
                start,
                severity: sev,
                impact,
                services,
                detect,
                human: POOL[si].alert.is_empty() || detect >= 20,
                mitigate,
                resolve,
                region: "emea-1",
                confidential: POOL[si].confidential,
            });
        }
    }
    // Overruns of generated windows (the sample's own windows have scripted ones).
    for (wi, w) in windows.iter().enumerate() {
        let scripted = ctx.story && STORY_WINDOWS.iter().any(|(a, ..)| ts(a) == w.start);
        if scripted || w.start >= now || !rng.chance(0.25) {
            continue;
        }
        let k = rng.range(1, w.services.len().min(2) as i64) as usize;
        let mut services: Vec<&'static str> = Vec::new();
        for _ in 0..k {
            let s = *rng.pick(&w.services);
            if !services.contains(&s) {
                services.push(s);
            }
        }
        services.sort();
        let before = rng.range(5, 40);
        let after = rng.range(10, 75);
        specs.push(Spec {
            kind: Kind::Overrun(wi),
            iid: None,
            start: w.end - Duration::minutes(before),
            severity: if rng.chance(0.5) { 2 } else { 3 },
            impact: Impact::Degraded,
            services,
            detect: rng.range(1, before.min(5)),
            human: true,
            mitigate: before + after,
            resolve: rng.range(30, 180),
            region: "emea-1",
            confidential: false,
        });
    }
    // Filler.
    let fixed = specs.len();
    let per_month: Vec<usize> = match args.incidents {
        None => months
            .iter()
            .map(|&(y, m)| {
                let n = rng.range(4, 10) as f64;
                let ms = month_start(y, m);
                let len = days_in_month(y, m) as f64;
                let avail = ((now - ms).num_minutes() as f64 / 1440.0).clamp(0.0, len);
                (n * avail / len).round() as usize
            })
            .collect(),
        Some(total) => {
            let total = total.saturating_sub(fixed);
            let lens: Vec<f64> = months
                .iter()
                .map(|&(y, m)| {
                    let ms = month_start(y, m);
                    ((now - ms).num_minutes() as f64 / 1440.0)
                        .clamp(0.0, days_in_month(y, m) as f64)
                })
                .collect();
            let sum: f64 = lens.iter().sum();
            let mut counts: Vec<usize> = lens
                .iter()
                .map(|l| (total as f64 * l / sum).floor() as usize)
                .collect();
            let mut rem = total - counts.iter().sum::<usize>();
            let mut i = counts.len();
            while rem > 0 {
                i = if i == 0 { counts.len() - 1 } else { i - 1 };
                counts[i] += 1;
                rem -= 1;
            }
            counts
        }
    };
    for (&(y, m), &n) in months.iter().zip(&per_month) {
        let restrict = restrict_for(ctx.story, y, m);
        for _ in 0..n {
            if let Some(s) = random_spec(&mut rng, y, m, &ctx, restrict) {
                specs.push(s);
            }
        }
    }
    // Keep N exact in benchmark mode even if a draw failed.
    if let Some(total) = args.incidents {
        let (y, m) = months[0];
        let mut guard = 0;
        while specs.len() < total && guard < 10 * total + 100 {
            guard += 1;
            if let Some(s) = random_spec(&mut rng, y, m, &ctx, Restrict::Free) {
                specs.push(s);
            }
        }
        specs.truncate(total);
    }

    // ---- ids: upstream iids grow with time; the handbook's are anchors
    let mut order: Vec<usize> = (0..specs.len()).collect();
    order.sort_by_key(|&i| (specs[i].start, specs[i].iid.is_none(), i));
    let mut assigned: Vec<(usize, u32)> = Vec::with_capacity(specs.len());
    if ctx.story {
        let anchors: Vec<(Ts, u32)> = order
            .iter()
            .filter_map(|&i| specs[i].iid.map(|n| (specs[i].start, n)))
            .collect();
        let rate = 1.3_f64; // iids per day (other issues share the counter)
        let target = |t: Ts| -> f64 {
            let days = |a: Ts, b: Ts| (b - a).num_minutes() as f64 / 1440.0;
            match anchors.iter().position(|&(at, _)| at > t) {
                Some(0) => anchors[0].1 as f64 - days(t, anchors[0].0) * rate,
                Some(j) => {
                    let (a, ia) = anchors[j - 1];
                    let (b, ib) = anchors[j];
                    ia as f64 + (ib - ia) as f64 * days(a, t) / days(a, b).max(1e-9)
                }
                None if anchors.is_empty() => 1000.0 + days(first, t) * rate,
                None => {
                    let (a, ia) = *anchors.last().unwrap();
                    ia as f64 + days(a, t) * rate
                }
            }
        };
        let mut last = 0u32;
        let mut next_anchor = anchors.iter().map(|a| a.1);
        let mut upcoming = next_anchor.next();
        for &i in &order {
            if let Some(n) = specs[i].iid {
                assert!(n > last, "anchor iid {n} out of order");
                assigned.push((i, n));
                last = n;
                upcoming = next_anchor.next();
                continue;
            }
            let want = (target(specs[i].start).round() as i64).max(last as i64 + 1) as u32;
            match upcoming {
                Some(a) if want >= a => {
                    if last + 1 < a {
                        assigned.push((i, last + 1));
                        last += 1;
                    } // else: no room between anchors; drop this filler incident
                }
                _ => {
                    assigned.push((i, want));
                    last = want;
                }
            }
        }
    } else {
        let mut iid = 1000u32;
        for &i in &order {
            iid += 1 + rng.below(3) as u32;
            assigned.push((i, iid));
        }
    }

    // ---- text
    let mut counters = Counters {
        action_iid: if ctx.story { 6200 } else { 10_000 },
        titles: Default::default(),
    };
    let incidents: Vec<Incident> = assigned
        .iter()
        .map(|&(i, iid)| materialize(&specs[i], iid, args.seed, &ctx, &windows, &mut counters))
        .collect();
    // The alert that paged for each incident ("" = people found it).
    let alerts: Vec<&'static str> = assigned
        .iter()
        .map(|&(i, _)| match specs[i].kind {
            Kind::Pool(si) if !specs[i].human => POOL[si].alert,
            Kind::Script(_) if !specs[i].human => "ErrorBudgetBurnFast",
            _ => "",
        })
        .collect();
    let pages = gen_pages(
        args.seed,
        &months,
        now,
        &incidents,
        &alerts,
        args.pages_per_month,
    );
    let sli = gen_sli(args.seed, &months, now, ctx.story, &incidents, &windows);
    let t_gen = t0.elapsed();

    // ---- write
    let data = args.out.join("data");
    for sub in ["incidents", "maintenance", "pages", "sli"] {
        let p = data.join(sub);
        if p.exists() {
            std::fs::remove_dir_all(&p).unwrap_or_else(|e| die(&p, e));
        }
    }
    mkdir(&data);
    mkdir(&data.join("incidents"));
    write(
        &data.join("services.yaml"),
        &write::services(&model_services()),
    );
    let mut years: Vec<i32> = incidents.iter().map(|i| i.started.year()).collect();
    years.sort();
    years.dedup();
    for y in &years {
        mkdir(&data.join("incidents").join(y.to_string()));
    }
    incidents.par_iter().for_each(|inc| {
        let p = data
            .join("incidents")
            .join(inc.started.year().to_string())
            .join(format!("{}.yaml", inc.iid));
        write(&p, &write::incident(&model_incident(inc)));
    });
    mkdir(&data.join("maintenance"));
    for &(y, m) in &months {
        let ws: Vec<&Window> = windows
            .iter()
            .filter(|w| w.start.year() == y && w.start.month() == m)
            .collect();
        if !ws.is_empty() {
            write(
                &data.join("maintenance").join(format!("{y}-{m:02}.yaml")),
                &write::maintenance_month(&model_windows(&ws)),
            );
        }
    }
    for (dir, files) in [
        (
            "pages",
            pages
                .iter()
                .map(|m| (m.month, write::pages_month(m)))
                .collect::<Vec<_>>(),
        ),
        (
            "sli",
            sli.iter().map(|m| (m.month, write::sli_month(m))).collect(),
        ),
    ] {
        mkdir(&data.join(dir));
        for (month, text) in files {
            write(&data.join(dir).join(format!("{month}.yaml")), &text);
        }
    }
    let t_all = t0.elapsed();

    // ---- report
    let mut by_sev = [0usize; 4];
    for i in &incidents {
        by_sev[i.severity as usize - 1] += 1;
    }
    let conf: Vec<String> = incidents
        .iter()
        .filter(|i| i.confidential)
        .map(|i| i.iid.to_string())
        .collect();
    let open: Vec<String> = incidents
        .iter()
        .filter(|i| i.status != "resolved")
        .map(|i| format!("{} ({})", i.iid, i.status))
        .collect();
    eprintln!(
        "gen_data: {} incidents (S1 {}, S2 {}, S3 {}, S4 {}), {} maintenance windows, {} months {}..{}, snapshot at {}",
        incidents.len(),
        by_sev[0],
        by_sev[1],
        by_sev[2],
        by_sev[3],
        windows.len(),
        months.len(),
        format_args!("{}-{:02}", months[0].0, months[0].1),
        format_args!("{ey}-{em:02}"),
        fmt_ts(now)
    );
    if conf.len() <= 20 {
        eprintln!("gen_data: confidential: {}", conf.join(", "));
    } else {
        eprintln!("gen_data: confidential: {} incidents", conf.len());
    }
    if open.len() <= 20 {
        eprintln!("gen_data: not resolved: {}", open.join(", "));
    } else {
        eprintln!("gen_data: not resolved: {} incidents", open.len());
    }
    let n_pages: usize = pages.iter().map(|m| m.pages.len()).sum();
    let n_sli: usize = sli.iter().map(|m| m.services.len()).sum();
    eprintln!(
        "gen_data: {} services, {n_pages} pages in {} months, {n_sli} SLI figures in {} months",
        all_services().count(),
        pages.len(),
        sli.len()
    );
    eprintln!(
        "gen_data: generated in {:.1} ms, written in {:.1} ms total, to {}",
        t_gen.as_secs_f64() * 1e3,
        t_all.as_secs_f64() * 1e3,
        data.display()
    );
    if args.stats {
        stats(&incidents, &windows, &months, now);
    }
}

// ---------------------------------------------------------------------------
// Pages

/// Alerts that page for any service: (title template, weight, share of
/// high urgency). `{svc}` is the service id, `{n}` a host or shard number.
const PAGE_ALERTS: &[(&str, u32, f64)] = &[
    ("ErrorBudgetBurnFast: {svc} 5xx ratio above SLO", 6, 0.9),
    ("ApdexBurnSlow: {svc} latency above SLO for 6h", 8, 0.2),
    ("PodCrashLooping: {svc} pod restarting in {region}", 6, 0.3),
    ("SaturationHigh: {svc} CPU above 90% in {region}", 7, 0.1),
    ("DiskSpaceLow: {svc}-{n} /var/opt above 90%", 6, 0.05),
    (
        "CertificateExpiresSoon: {svc}.larkspur.example in 14 days",
        2,
        0.0,
    ),
    (
        "ProbeFailed: {svc} blackbox probe failing from {region}",
        4,
        0.6,
    ),
    (
        "ReplicaLagHigh: {svc} database replica {n} behind by 60s",
        3,
        0.3,
    ),
];

/// Noisy alerts: the same title again and again, mostly auto-resolving;
/// (title, service, share of all pages, high urgency?).
const NOISY: &[(&str, &str, f64, bool)] = &[
    (
        "DiskSpaceLow: git-fs-07 /var/opt above 90%",
        "git",
        0.10,
        false,
    ),
    (
        "SidekiqQueueBacklog: default queue above 10000 jobs",
        "jobs",
        0.08,
        false,
    ),
    (
        "RunnerManagerDown: shared-runners-manager-3 not reporting",
        "ci-runners",
        0.05,
        true,
    ),
];

/// `P` and six letters or digits, like PagerDuty's ids.
fn page_id(rng: &mut Rng, used: &mut std::collections::BTreeSet<String>) -> String {
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    loop {
        let id: String = std::iter::once('P')
            .chain((0..6).map(|_| CHARS[rng.below(CHARS.len() as u64) as usize] as char))
            .collect();
        if used.insert(id.clone()) {
            return id;
        }
    }
}

/// A page's created, acknowledged and resolved times, cut at `now`: a
/// time after the snapshot is not known yet.
fn page_times(rng: &mut Rng, created: Ts, high: bool, noisy: bool, now: Ts) -> [Option<Ts>; 3] {
    let never_acked = rng.chance(if noisy {
        0.55
    } else if high {
        0.03
    } else {
        0.15
    });
    let ack = (!never_acked).then(|| {
        created
            + if high {
                Duration::seconds(rng.range(20, 600))
            } else {
                Duration::seconds(rng.range(60, 4 * 3600))
            }
    });
    let from = ack.unwrap_or(created);
    let resolved = from
        + if noisy {
            Duration::seconds(rng.range(120, 1800))
        } else {
            Duration::seconds(rng.range(180, 5 * 3600))
        };
    let known = |t: Ts| (t <= now).then_some(t);
    let ack = ack.and_then(known);
    // A page is resolved after its acknowledgement is known.
    let resolved = known(resolved).filter(|_| never_acked || ack.is_some());
    [Some(created), ack, resolved]
}

fn model_page(
    id: String,
    title: String,
    service: &str,
    high: bool,
    [created, ack, resolved]: [Option<Ts>; 3],
    policy: Option<String>,
) -> model::Page {
    model::Page {
        id,
        title,
        service: self::id(service),
        urgency: if high {
            model::Urgency::High
        } else {
            model::Urgency::Low
        },
        created_at: utc(created.expect("a page has a creation time")),
        acknowledged_at: ack.map(utc),
        resolved_at: resolved.map(utc),
        escalation_policy: policy,
    }
}

/// The pages of every month up to `now`: one for each incident an alert
/// detected, the rest drawn across services, hours (both shifts) and
/// alerts, with a few noisy alerts repeating. From its own PRNG stream.
fn gen_pages(
    seed: u64,
    months: &[(i32, u32)],
    now: Ts,
    incidents: &[Incident],
    alerts: &[&str],
    per_month: Option<usize>,
) -> Vec<model::PagesMonth> {
    // Slightly more pages in the day than at night (UTC).
    const HOURS: [u32; 24] = [
        3, 3, 3, 3, 4, 4, 5, 6, 7, 8, 8, 8, 8, 8, 8, 8, 7, 7, 6, 5, 5, 4, 4, 3,
    ];
    let mut rng = Rng::new(seed ^ 0x0070_6167_6573);
    let mut used = std::collections::BTreeSet::new();
    let services: Vec<&'static Svc> = all_services().collect();
    let mut out = Vec::new();
    for &(y, m) in months {
        let ms = month_start(y, m);
        let (ny, nm) = add_months(y, m, 1);
        let me = month_start(ny, nm).min(now);
        if me <= ms {
            continue;
        }
        let full = days_in_month(y, m) as f64 * 1440.0;
        let share = (me - ms).num_minutes() as f64 / full;
        let wanted = per_month.unwrap_or_else(|| rng.range(30, 60) as usize);
        let n = (wanted as f64 * share).round() as usize;
        let mut pages = Vec::with_capacity(n);
        // Incidents detected by an alert paged their on-call engineer.
        for (inc, alert) in incidents.iter().zip(alerts) {
            let Some(det) = inc.detected.filter(|t| *t >= ms && *t < me) else {
                continue;
            };
            if alert.is_empty() || pages.len() >= n {
                continue;
            }
            let service = inc.services[0];
            let title = format!("{alert}: {service} above its SLO burn threshold");
            let times = page_times(&mut rng, det, true, false, now);
            let id = page_id(&mut rng, &mut used);
            pages.push(model_page(
                id,
                title,
                service,
                true,
                times,
                Some("Production on-call".to_string()),
            ));
        }
        while pages.len() < n {
            let day = rng.below(((me - ms).num_minutes() / 1440 + 1) as u64) as i64;
            let created = ms
                + Duration::days(day)
                + Duration::hours(rng.weighted(&HOURS) as i64)
                + Duration::seconds(rng.range(0, 3599));
            if created >= me {
                continue;
            }
            let noisy_pick = {
                let x = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
                let mut acc = 0.0;
                NOISY.iter().find(|(_, _, p, _)| {
                    acc += p;
                    x < acc
                })
            };
            let (title, service, high, noisy) = match noisy_pick {
                Some(&(title, service, _, high)) => (title.to_string(), service, high, true),
                None => {
                    let s = services[rng.below(services.len() as u64) as usize];
                    let weights: Vec<u32> = PAGE_ALERTS.iter().map(|a| a.1).collect();
                    let (template, _, high_share) = PAGE_ALERTS[rng.weighted(&weights)];
                    let region = if shift(created) == "EMEA" {
                        "emea-1"
                    } else {
                        "amer-1"
                    };
                    let title = template
                        .replace("{svc}", s.id)
                        .replace("{n}", &format!("{:02}", rng.range(1, 12)))
                        .replace("{region}", region);
                    (title, s.id, rng.chance(high_share), false)
                }
            };
            let times = page_times(&mut rng, created, high, noisy, now);
            let policy = match (high, rng.chance(0.1)) {
                (_, true) => None,
                (true, false) => Some("Production on-call".to_string()),
                (false, false) => Some(format!("{} (low urgency)", svc(service).team)),
            };
            let id = page_id(&mut rng, &mut used);
            pages.push(model_page(id, title, service, high, times, policy));
        }
        pages.sort_by(|a, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        out.push(model::PagesMonth {
            month: opsbook::data::Month::new(y, m).expect("a real month"),
            pages,
            origin: model::Origin::default(),
        });
    }
    out
}

// ---------------------------------------------------------------------------
// SLI figures

/// Downtime of `service` in `[a, b)`, in half-seconds (a degraded S1/S2
/// weighs one half): the heaviest incident at each instant, nothing inside
/// a maintenance window of the service. The rule of docs/data-format.md.
fn half_seconds_down(
    service: &str,
    a: Ts,
    b: Ts,
    incidents: &[&Incident],
    windows: &[&Window],
) -> i64 {
    let mut spans: Vec<(Ts, Ts, i64)> = Vec::new();
    for inc in incidents {
        let weight = match inc.impact {
            Impact::Outage => 2,
            Impact::Degraded if inc.severity <= 2 => 1,
            _ => 0,
        };
        let end = inc.mitigated.or(inc.resolved).unwrap_or(b);
        let (x, y) = (inc.started.max(a), end.min(b));
        if weight > 0 && x < y && inc.services.contains(&service) {
            spans.push((x, y, weight));
        }
    }
    if spans.is_empty() {
        return 0;
    }
    let quiet: Vec<(Ts, Ts)> = windows
        .iter()
        .filter(|w| w.services.contains(&service))
        .map(|w| (w.start.max(a), w.end.min(b)))
        .filter(|(x, y)| x < y)
        .collect();
    let mut cuts: Vec<Ts> = spans
        .iter()
        .flat_map(|s| [s.0, s.1])
        .chain(quiet.iter().flat_map(|q| [q.0, q.1]))
        .collect();
    cuts.sort();
    cuts.dedup();
    cuts.windows(2)
        .map(|c| {
            let (x, y) = (c[0], c[1]);
            if quiet.iter().any(|q| q.0 <= x && y <= q.1) {
                return 0;
            }
            let w = spans
                .iter()
                .filter(|s| s.0 <= x && y <= s.1)
                .map(|s| s.2)
                .max()
                .unwrap_or(0);
            w * (y - x).num_seconds()
        })
        .sum()
}

/// Which complete months and services have SLI files, and which of them
/// give daily values.
fn sli_plan(story: bool, index: usize, (y, _): (i32, u32), s: &Svc) -> Option<bool> {
    if story {
        match y {
            2025 if s.weight > 0 || s.id == "ci-runners" => Some(matches!(s.id, "web" | "api")),
            // The handbook publishes 2026's figures: only weight-0 services.
            2026 if matches!(s.id, "ci-runners" | "search") => Some(s.id == "ci-runners"),
            _ => None,
        }
    } else {
        let k = all_services().position(|x| x.id == s.id).unwrap_or(0);
        (index % 2 == 1).then_some(k % 2 == 0)
    }
}

/// SLI files for the complete months the plan names: each day's figure
/// is what the incidents imply, less a little background error the
/// engine sees and incidents do not (4 decimals, exact); the month is the
/// mean of its days, cut to 4 decimals. From its own PRNG stream.
fn gen_sli(
    seed: u64,
    months: &[(i32, u32)],
    now: Ts,
    story: bool,
    incidents: &[Incident],
    windows: &[Window],
) -> Vec<model::SliMonth> {
    let mut rng = Rng::new(seed ^ 0x0073_6C69);
    let mut out = Vec::new();
    for (index, &(y, m)) in months.iter().enumerate() {
        let ms = month_start(y, m);
        let (ny, nm) = add_months(y, m, 1);
        let me = month_start(ny, nm);
        if me > now {
            continue; // only complete months: `daily` covers every day
        }
        let in_month: Vec<&Incident> = incidents
            .iter()
            .filter(|i| i.started < me && i.mitigated.or(i.resolved).is_none_or(|e| e > ms))
            .collect();
        let mws: Vec<&Window> = windows
            .iter()
            .filter(|w| w.start < me && w.end > ms)
            .collect();
        let mut services = Vec::new();
        for s in all_services() {
            let Some(with_daily) = sli_plan(story, index, (y, m), s) else {
                continue;
            };
            let days = days_in_month(y, m);
            // Units of 0.0001 %: 100 % is 1,000,000.
            let daily: Vec<i64> = (0..days)
                .map(|d| {
                    let a = ms + Duration::days(d);
                    let down = half_seconds_down(s.id, a, a + Duration::days(1), &in_month, &mws);
                    let up = (2 * 86_400 - down) * 1_000_000 / (2 * 86_400);
                    let noise = if rng.chance(0.3) { rng.range(1, 40) } else { 0 };
                    (up - noise).max(0)
                })
                .collect();
            let month_units = daily.iter().sum::<i64>() / days;
            let pct = |u: i64| opsbook::data::Percent::from_units(u, 4).expect("0..=100 %");
            services.push(model::SliService {
                id: id(s.id),
                availability: pct(month_units),
                daily: with_daily.then(|| daily.iter().map(|&u| pct(u)).collect()),
            });
        }
        if !services.is_empty() {
            services.sort_by(|a, b| a.id.cmp(&b.id));
            out.push(model::SliMonth {
                month: opsbook::data::Month::new(y, m).expect("a real month"),
                services,
                origin: model::Origin::default(),
            });
        }
    }
    out
}

fn die(p: &Path, e: std::io::Error) -> ! {
    eprintln!("error: {}: {e}", p.display());
    std::process::exit(1)
}

fn mkdir(p: &Path) {
    std::fs::create_dir_all(p).unwrap_or_else(|e| die(p, e));
}

fn write(p: &Path, s: &str) {
    std::fs::write(p, s).unwrap_or_else(|e| die(p, e));
}

/// Availability per month as DATA-FORMAT.md defines it (default degraded
/// weights), to check the sample against the handbook's published table.
fn stats(incidents: &[Incident], windows: &[Window], months: &[(i32, u32)], now: Ts) {
    eprintln!("month     inc  S1 S2 S3 S4  mw  platform   per service (weighted)");
    for &(y, m) in months {
        let ms = month_start(y, m);
        let (ny, nm) = add_months(y, m, 1);
        let me = month_start(ny, nm);
        let t_min = (me - ms).num_minutes() as usize;
        let mut num = 0.0;
        let mut den = 0.0;
        let mut per = String::new();
        for s in all_services().filter(|s| s.weight > 0) {
            let mut w = vec![0.0f64; t_min];
            for inc in incidents.iter().filter(|i| i.services.contains(&s.id)) {
                let wt = match inc.impact {
                    Impact::Outage => 1.0,
                    Impact::Degraded if inc.severity <= 2 => 0.5,
                    _ => 0.0,
                };
                if wt == 0.0 {
                    continue;
                }
                let end = inc.mitigated.or(inc.resolved).unwrap_or(me);
                let a = inc.started.max(ms);
                let b = end.min(me);
                if a >= b {
                    continue;
                }
                let range = (a - ms).num_minutes() as usize..(b - ms).num_minutes() as usize;
                for v in &mut w[range] {
                    *v = v.max(wt);
                }
            }
            for win in windows.iter().filter(|x| x.services.contains(&s.id)) {
                let a = win.start.max(ms);
                let b = win.end.min(me);
                if a < b {
                    let range = (a - ms).num_minutes() as usize..(b - ms).num_minutes() as usize;
                    w[range].fill(0.0);
                }
            }
            let d: f64 = w.iter().sum();
            let av = (t_min as f64 - d) / t_min as f64 * 100.0;
            num += av * s.weight as f64;
            den += s.weight as f64;
            let _ = write!(per, " {}={:.4}", s.id, av);
        }
        let plat = num / den;
        let in_month = |i: &&Incident| i.started >= ms && i.started < me;
        let mut sev = [0; 4];
        for i in incidents.iter().filter(in_month) {
            sev[i.severity as usize - 1] += 1;
        }
        let mw = windows
            .iter()
            .filter(|w| w.start >= ms && w.start < me)
            .count();
        eprintln!(
            "{y}-{m:02}  {:4} {:3} {:2} {:2} {:2} {:3}  {:6.2}%{} {per}",
            sev.iter().sum::<i32>(),
            sev[0],
            sev[1],
            sev[2],
            sev[3],
            mw,
            (plat * 100.0).floor() / 100.0,
            if ms > now { " (future)" } else { "" },
        );
    }
}
