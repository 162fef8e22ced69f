//! Settings: the command line, `opsbook.toml` and the environment, turned
//! once into one validated value that every later stage reads.
//!
//! Owns the two decisions no renderer may make on its own: that the site
//! root exists, and the "as of" instant that judges overdue actions (and,
//! later, the month to date). "As of" is `--as-of`, else
//! `SOURCE_DATE_EPOCH`, else the latest incident or timeline time in the
//! data: never the wall clock (chrono's `clock` feature is off), so the same
//! inputs give the same output.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};

use crate::config::Config;
use crate::data::Dataset;
use crate::diag::{Diagnostic, Diagnostics};

/// What the command line asked for.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// `None`: render and check everything, write nothing.
    pub out: Option<PathBuf>,
    pub base_url: Option<String>,
    pub drafts: bool,
    /// `--as-of`, as written.
    pub as_of: Option<String>,
}

/// Where the "as of" instant comes from, before the data is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsOfRule {
    /// `--as-of`.
    Given(DateTime<Utc>),
    /// `SOURCE_DATE_EPOCH`, the reproducible-builds convention.
    SourceDateEpoch(DateTime<Utc>),
    /// The latest incident or timeline time in the data.
    LatestInData,
}

impl AsOfRule {
    /// The instant, once the data is known. With no data at all it is the
    /// Unix epoch: nothing can be overdue in an empty record.
    pub fn resolve(self, data: &Dataset) -> DateTime<Utc> {
        match self {
            AsOfRule::Given(t) | AsOfRule::SourceDateEpoch(t) => t,
            AsOfRule::LatestInData => data.latest_instant().unwrap_or(DateTime::UNIX_EPOCH),
        }
    }
}

/// Everything a build needs to know before it reads a page.
#[derive(Debug, Clone)]
pub struct Settings {
    pub root: PathBuf,
    pub out: Option<PathBuf>,
    pub config: Config,
    pub drafts: bool,
    pub as_of: AsOfRule,
}

impl Settings {
    /// Validates the options: every problem is reported, not the first. A
    /// missing root is fatal; other problems come back beside usable
    /// settings (defaults in place of what was wrong), so that the build
    /// goes on to report the problems of the pages too.
    pub fn new(opts: &BuildOptions) -> Result<(Settings, Diagnostics), Diagnostics> {
        let mut diags = Diagnostics::new();
        if !opts.root.is_dir() {
            let what = if opts.root.exists() {
                "is not a directory"
            } else {
                "does not exist"
            };
            return Err(
                Diagnostic::error(format!("site root {} {what}", opts.root.display()))
                    .help("pass --root with the folder that holds content/ and opsbook.toml")
                    .into(),
            );
        }
        let mut config = Config::load(&opts.root).unwrap_or_else(|d| {
            diags.extend(d.0);
            Config::default()
        });
        if let Some(url) = &opts.base_url
            && let Err(d) = config.set_base_url(url)
        {
            diags.push(Diagnostic {
                message: format!("--base-url: {}", d.message),
                ..d
            });
        }
        let as_of = match &opts.as_of {
            Some(text) => match parse_instant(text) {
                Some(t) => AsOfRule::Given(t),
                None => {
                    diags.push(
                        Diagnostic::error(format!("--as-of `{text}` is not a date or an instant"))
                            .help("write a date (2026-11-30, meaning 00:00 UTC) or an RFC 3339 instant (2026-11-30T23:59:59Z)"),
                    );
                    AsOfRule::LatestInData
                }
            },
            None => match std::env::var("SOURCE_DATE_EPOCH") {
                Ok(s) => match s
                    .trim()
                    .parse::<i64>()
                    .ok()
                    .and_then(|s| DateTime::from_timestamp(s, 0))
                {
                    Some(t) => AsOfRule::SourceDateEpoch(t),
                    None => {
                        diags.push(
                            Diagnostic::error(format!(
                                "SOURCE_DATE_EPOCH `{s}` is not a number of seconds since 1970"
                            ))
                            .help("unset it, or set it to e.g. `git log -1 --format=%ct`"),
                        );
                        AsOfRule::LatestInData
                    }
                },
                Err(_) => AsOfRule::LatestInData,
            },
        };
        let settings = Settings {
            root: opts.root.clone(),
            out: opts.out.clone(),
            config,
            drafts: opts.drafts,
            as_of,
        };
        Ok((settings, diags))
    }
}

/// `2026-11-30` (00:00 UTC) or an RFC 3339 instant with its offset.
pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()?;
    Some(day.and_hms_opt(0, 0, 0)?.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_and_dates() {
        assert_eq!(
            parse_instant("2026-11-30").unwrap().to_rfc3339(),
            "2026-11-30T00:00:00+00:00"
        );
        assert_eq!(
            parse_instant("2026-11-30T10:00:00+02:00")
                .unwrap()
                .to_rfc3339(),
            "2026-11-30T08:00:00+00:00"
        );
        assert!(parse_instant("30/11/2026").is_none());
        assert!(parse_instant("2026-02-30").is_none());
    }
}
