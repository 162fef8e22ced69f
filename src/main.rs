//! The `opsbook` command line.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use opsbook::build;
use opsbook::diag::Diagnostics;
use opsbook::render;
use opsbook::settings::BuildOptions;

#[derive(Parser)]
#[command(
    name = "opsbook",
    version,
    about = "Builds an SRE team's handbook, post-mortems and availability record into a static site",
    after_help = "\
Examples:
  opsbook build                          build ./content and ./data into ./public
  opsbook check --strict                 what CI runs on a merge request
  opsbook new postmortem 2319            start the written review of incident 2319
  opsbook pull --month 2026-11           fetch November's incidents, pages and SLIs into data/
  opsbook report monthly 2026-11         the Monthly Availability Update text
  opsbook merge-request --month 2026-11 --source-branch opsbook/availability-2026-11

Documentation: README.md, docs/pull.md, docs/ci.md, docs/data-format.md"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output directory (default: public/).
    ///
    /// The new site is written beside the output directory and swapped in
    /// only when everything succeeded: a failed build leaves the previous
    /// output untouched.
    Build {
        /// Site root: the folder holding content/ and opsbook.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Output directory (default: ROOT/public).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Override base_url from opsbook.toml, e.g. https://group.gitlab.io/project/.
        #[arg(long)]
        base_url: Option<String>,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// The instant that judges "overdue" (a date such as 2026-11-30, or
        /// an RFC 3339 instant). Default: SOURCE_DATE_EPOCH, else the latest
        /// incident time in data/.
        #[arg(long, value_name = "WHEN")]
        as_of: Option<String>,
    },
    /// Check everything `build` checks, writing nothing.
    Check {
        /// Site root: the folder holding content/ and opsbook.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Include pages marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Treat warnings (broken links, blameless findings, ...) as errors.
        #[arg(long)]
        strict: bool,
        /// Check against this base URL instead of opsbook.toml's.
        #[arg(long)]
        base_url: Option<String>,
        /// See `build --as-of`.
        #[arg(long, value_name = "WHEN")]
        as_of: Option<String>,
        /// Also check outside (http/https) links, politely: at most 2
        /// requests at a time per host, answers cached for a day.
        #[arg(long)]
        external: bool,
        /// The cache of --external (default: ROOT/.opsbook-linkcache.json).
        #[arg(long, value_name = "FILE", requires = "external")]
        cache: Option<PathBuf>,
        /// Seconds --external waits for a server.
        #[arg(
            long,
            value_name = "SECONDS",
            default_value_t = 10,
            requires = "external"
        )]
        timeout: u64,
    },
    /// Preview the site: build into memory, serve it on loopback, rebuild
    /// on every change and reload the open pages.
    Serve(ServeArgs),
    /// Create a new file from a template.
    #[command(subcommand)]
    New(New),
    /// Bring records kept elsewhere into data/.
    #[command(subcommand)]
    Import(Import),
    /// Print a monthly text in markdown to stdout.
    #[command(subcommand)]
    Report(Report),
    /// Fetch incidents (GitLab), pages (PagerDuty) and SLIs (Prometheus)
    /// into the snapshots under data/.
    ///
    /// Without --since or --month: incidents updated since the start of the
    /// previous month, pages of the previous and the current month, SLIs of
    /// the previous month. Everything is staged and validated first; data/
    /// changes only when every source succeeded. Tokens come from the
    /// variables opsbook.toml names (token_env).
    Pull(PullArgs),
    /// Open or update the Monthly Availability Update merge request of
    /// SOURCE_BRANCH, its text from `report monthly` (docs/ci.md).
    MergeRequest(MergeRequestArgs),
}

#[derive(clap::Args)]
struct ServeArgs {
    /// Site root: the folder holding content/ and opsbook.toml.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Port to listen on (0 picks a free one; the URL is printed).
    #[arg(long, default_value_t = 1313)]
    port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

#[derive(clap::Args)]
struct PullArgs {
    /// Site root: the folder holding data/ and opsbook.toml.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// Incidents updated since this date, pages and SLIs of every month
    /// from its month on (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD", conflicts_with = "month")]
    since: Option<String>,
    /// That month's pages and SLIs, and the incidents that started in it
    /// (YYYY-MM; the current month gives the month to date).
    #[arg(long, value_name = "YYYY-MM")]
    month: Option<String>,
    /// Only these sources, comma-separated: gitlab,pagerduty,prometheus.
    #[arg(long, value_name = "SOURCES", value_delimiter = ',')]
    only: Option<Vec<String>>,
    /// Fetch and validate, list what would change, write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Seconds to wait for any single read from a server.
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    timeout: u64,
    /// The current instant, RFC 3339 (for tests and reproductions).
    #[arg(long, hide = true)]
    now: Option<String>,
    /// First retry wait in milliseconds (for tests).
    #[arg(long, hide = true)]
    backoff_ms: Option<u64>,
}

#[derive(clap::Args)]
struct MergeRequestArgs {
    /// The month, YYYY-MM.
    #[arg(long)]
    month: String,
    #[arg(long)]
    source_branch: String,
    /// Default: CI_DEFAULT_BRANCH, else main.
    #[arg(long)]
    target_branch: Option<String>,
    /// Site root: the folder holding data/ and opsbook.toml.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// See `build --as-of`.
    #[arg(long, value_name = "WHEN")]
    as_of: Option<String>,
    /// Look up the open merge request, print the request, send nothing.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Subcommand)]
enum Report {
    /// The merge-request title and description of the Monthly
    /// Availability Update: figures against target, S1/S2 incidents,
    /// maintenance, error budgets, the pager summary and the deadline.
    Monthly(ReportArgs),
    /// The agenda of the Monthly Review of Incident and Pager Trends.
    Trends(ReportArgs),
}

#[derive(clap::Args)]
struct ReportArgs {
    /// The month, YYYY-MM.
    month: String,
    /// Site root: the folder holding data/ and opsbook.toml.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// See `build --as-of`; the month holding it is the month to date.
    #[arg(long, value_name = "WHEN")]
    as_of: Option<String>,
}

#[derive(Subcommand)]
enum Import {
    /// Read the first `Year Month | Availability | Comments` table of a
    /// markdown page into data/imported-availability.yaml (months the file
    /// has are kept). Any row it cannot read stops the import: nothing is
    /// written. `TBD` rows are skipped.
    AvailabilityTable {
        /// The markdown file holding the table.
        file: PathBuf,
        /// Site root: the folder holding data/ and opsbook.toml.
        #[arg(long, default_value = ".")]
        root: PathBuf,
        /// Replace months already imported whose figure or comments differ
        /// (without it, that is an error).
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Subcommand)]
enum New {
    /// Write content/postmortems/ID.md: a draft (`draft: true`) with the
    /// sections of a blameless review, each with TODO guidance; delete
    /// `draft: true` to publish it. Never overwrites an existing file.
    Postmortem {
        /// Incident id, as in data/incidents/YYYY/ID.yaml.
        id: String,
        /// Site root: the folder holding content/ and data/.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // `check --external`: the cache file and the timeout.
    let mut external = None;
    let (opts, strict) = match cli.command {
        Command::New(New::Postmortem { id, root }) => {
            return match opsbook::scaffold::new_postmortem(&root, &id) {
                Ok(written) => {
                    eprint!("{}", written.warnings);
                    eprintln!("wrote {}", written.path.display());
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    eprint!("{diags}");
                    ExitCode::FAILURE
                }
            };
        }
        Command::Import(Import::AvailabilityTable {
            file,
            root,
            replace,
        }) => {
            return match opsbook::import::availability_table(&root, &file, replace) {
                Ok(summary) => {
                    eprint!("{summary}");
                    ExitCode::SUCCESS
                }
                Err(diags) => fail(&diags),
            };
        }
        Command::Pull(args) => return pull(args),
        Command::Serve(a) => {
            let opts = opsbook::serve::Options {
                root: a.root,
                bind: a.bind,
                port: a.port,
                drafts: a.drafts,
            };
            return opsbook::serve::run(&opts).map_or_else(|d| fail(&d), |()| ExitCode::SUCCESS);
        }
        Command::Report(r) => {
            let (kind, args) = match r {
                Report::Monthly(a) => (opsbook::report::Kind::Monthly, a),
                Report::Trends(a) => (opsbook::report::Kind::Trends, a),
            };
            let opts = BuildOptions {
                root: args.root,
                as_of: args.as_of,
                ..BuildOptions::default()
            };
            return match opsbook::report::run(kind, &opts, &args.month) {
                Ok(report) => {
                    eprint!("{}", report.warnings);
                    print!("{}", report.text);
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    eprint!("{diags}");
                    let n = diags.error_count();
                    eprintln!(
                        "error: {n} error{} found; no report was printed",
                        if n == 1 { "" } else { "s" }
                    );
                    ExitCode::FAILURE
                }
            };
        }
        Command::MergeRequest(a) => {
            use opsbook::merge_request::{self as mr, Outcome};
            let opts = mr::Options {
                root: a.root,
                month: a.month,
                source_branch: a.source_branch,
                target_branch: a.target_branch,
                as_of: a.as_of,
                dry_run: a.dry_run,
            };
            return match mr::run(&opts) {
                Ok((outcome, warnings)) => {
                    eprint!("{warnings}");
                    match outcome {
                        Outcome::Created { iid, web_url } => {
                            eprintln!("opened merge request !{iid}");
                            println!("{web_url}");
                        }
                        Outcome::Updated { iid, web_url } => {
                            eprintln!("updated merge request !{iid}");
                            println!("{web_url}");
                        }
                        Outcome::DryRun(text) => print!("{text}"),
                    }
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    eprint!("{diags}");
                    eprintln!("error: no merge request was opened or updated");
                    ExitCode::FAILURE
                }
            };
        }
        Command::Build {
            root,
            out,
            base_url,
            drafts,
            as_of,
        } => {
            let out = out.unwrap_or_else(|| root.join("public"));
            (
                BuildOptions {
                    root,
                    out: Some(out),
                    base_url,
                    drafts,
                    as_of,
                },
                false,
            )
        }
        Command::Check {
            root,
            drafts,
            strict,
            base_url,
            as_of,
            external: ext,
            cache,
            timeout,
        } => {
            if ext {
                let cache = cache.unwrap_or_else(|| root.join(render::links::external::CACHE_FILE));
                external = Some((cache, std::time::Duration::from_secs(timeout.max(1))));
            }
            (
                BuildOptions {
                    root,
                    out: None,
                    base_url,
                    drafts,
                    as_of,
                },
                strict,
            )
        }
    };
    let checking = opts.out.is_none();
    let written_to = opts.out.clone();
    match build::build(&opts) {
        Ok(report) => {
            let mut diags = report.diagnostics;
            if let Some((cache, timeout)) = external {
                let (summary, found) =
                    render::links::external::check(&report.external_links, &cache, timeout);
                diags.extend(found.0);
                diags.sort();
                eprintln!(
                    "checked {} external links ({} from the cache), {} broken",
                    summary.urls, summary.from_cache, summary.broken
                );
            }
            if strict && !diags.is_empty() {
                diags.make_warnings_errors();
                return fail(&diags);
            }
            eprint!("{diags}");
            let what = if checking { "checked" } else { "built" };
            let into = written_to.map_or(String::new(), |out| format!(" into {}", out.display()));
            eprintln!(
                "{what} {} pages and {} files{into} in {:.2} s{}",
                report.pages,
                report.files,
                report.seconds,
                match diags.warning_count() {
                    0 => String::new(),
                    n => format!(", {n} warning{}", if n == 1 { "" } else { "s" }),
                }
            );
            ExitCode::SUCCESS
        }
        Err(diags) => fail(&diags),
    }
}

fn pull(args: PullArgs) -> ExitCode {
    use opsbook::pull::{self, Source, window::Span};
    let mut diags = Diagnostics::new();
    let mut bad = |flag: &str, value: &str, want: &str, example: &str| {
        diags.push(
            opsbook::diag::Diagnostic::error(format!("{flag} {value:?} is not {want}"))
                .help(format!("e.g. {flag} {example}")),
        );
    };
    let span = match (&args.since, &args.month) {
        (Some(d), _) => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Span::Since(d),
            Err(_) => {
                bad("--since", d, "a date", "2026-10-01");
                Span::Default
            }
        },
        (_, Some(m)) => match opsbook::data::Month::parse(m) {
            Some(m) => Span::Month(m),
            None => {
                bad("--month", m, "a month", "2026-10");
                Span::Default
            }
        },
        _ => Span::Default,
    };
    let only = args.only.as_ref().map(|names| {
        names
            .iter()
            .filter_map(|n| {
                let s = Source::parse(n);
                if s.is_none() {
                    bad("--only", n, "a source", "gitlab,pagerduty,prometheus");
                }
                s
            })
            .collect()
    });
    let now = match &args.now {
        Some(t) => chrono::DateTime::parse_from_rfc3339(t)
            .map(|t| t.to_utc())
            .unwrap_or_else(|_| {
                bad("--now", t, "an RFC 3339 instant", "2026-12-01T00:00:00Z");
                chrono::DateTime::UNIX_EPOCH
            }),
        None => {
            let since_epoch = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default();
            chrono::DateTime::from_timestamp(since_epoch.as_secs() as i64, 0).unwrap_or_default()
        }
    };
    if diags.has_errors() {
        return fail(&diags);
    }
    let mut http = pull::http::Settings {
        read_timeout: std::time::Duration::from_secs(args.timeout.max(1)),
        ..Default::default()
    };
    if let Some(ms) = args.backoff_ms {
        http.backoff_base = std::time::Duration::from_millis(ms);
        http.backoff_max = std::time::Duration::from_millis(ms * 8);
    }
    let opts = pull::Options {
        root: args.root,
        span,
        only,
        dry_run: args.dry_run,
        now,
        http,
    };
    match pull::run(&opts, &pull::Progress::stderr()) {
        Ok(outcome) => {
            eprint!("{}", outcome.warnings);
            for line in &outcome.fetched {
                eprintln!("{line}");
            }
            let verb = if opts.dry_run {
                "would change"
            } else {
                "changed"
            };
            for path in &outcome.changed {
                println!("{}", path.display());
            }
            eprintln!(
                "pull: {} file{} {verb} under data/{}",
                outcome.changed.len(),
                if outcome.changed.len() == 1 { "" } else { "s" },
                if opts.dry_run {
                    " (dry run: nothing written)"
                } else {
                    ""
                }
            );
            ExitCode::SUCCESS
        }
        Err(diags) => fail(&diags),
    }
}

fn fail(diags: &Diagnostics) -> ExitCode {
    eprint!("{diags}");
    let n = diags.error_count();
    eprintln!(
        "error: {n} error{} found; nothing was written",
        if n == 1 { "" } else { "s" }
    );
    ExitCode::FAILURE
}
