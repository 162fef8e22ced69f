//! Site configuration: `opsbook.toml` at the root of a site.
//!
//! Every key has a default, so a repository with only `content/` builds.
//! Unknown keys are errors (a typo must not pass silently) that name the key,
//! its line and the keys of its section; free-form values for templates go
//! under `[extra]`. `base_url` is checked here, from the file or the flag.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::analyse::availability::{Fraction, Rules};
use crate::data::Percent;
use crate::diag::{Diagnostic, Diagnostics, Location};

mod sources;
pub use sources::{
    GitLabLabels, GitLabSource, PagerDutySource, ProjectRef, PrometheusSource, SliUnit,
    TimelineTags,
};

pub const CONFIG_FILE: &str = "opsbook.toml";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute URL the site is served at, e.g. `https://group.gitlab.io/project/`.
    pub base_url: String,
    pub language: String,
    /// Folder name under `themes/`.
    pub theme: String,
    /// Build the table of contents from these heading levels.
    pub toc_levels: (u8, u8),
    /// `[markdown]`: the Hugo (goldmark) extensions of page markdown.
    pub markdown: Markdown,
    pub blameless: Blameless,
    /// `[availability]`: parsed exactly from the text by `parse` (serde
    /// only checks it is there, since it would read numbers as floats).
    #[serde(skip_serializing, deserialize_with = "read_from_text")]
    pub availability: Rules,
    pub pager: Pager,
    /// `[gitlab]`, `[pagerduty]`, `[prometheus]`: the sources of `opsbook pull`.
    pub gitlab: Option<GitLabSource>,
    pub pagerduty: Option<PagerDutySource>,
    pub prometheus: Option<PrometheusSource>,
    pub shortcodes: Shortcodes,
    /// Where the site's sources live (GitLab project URL): pages get an
    /// "Edit this page" link to `{repo_url}/-/edit/{edit_branch}/content/...`.
    pub repo_url: Option<String>,
    pub edit_branch: String,
    /// Anything a site's templates want; passed through untouched.
    pub extra: BTreeMap<String, toml::Value>,
}

/// `[shortcodes]`: `unknown = "warn"` lets a migrating site build with
/// shortcodes it has no template for yet (placeholders, one warning).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Shortcodes {
    pub unknown: Level,
}

/// What a finding that a site may choose to tolerate is: an error that
/// fails the build (the default), or a warning (`"error"` | `"warn"`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    #[default]
    Error,
    Warn,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Blameless {
    /// Names of people that must not appear in public post-mortems.
    pub names: Vec<String>,
    /// What a hit in a hand-written narrative is: an error (default) or a
    /// warning. Hits in upstream text (data/) are always warnings.
    pub level: Level,
}

/// `[markdown]`: each switch turns one of Hugo's markdown extensions on or
/// off. All on by default: Hugo's defaults, plus emoji (off in Hugo, but
/// GitLab-style handbooks turn `enableEmoji` on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Markdown {
    /// `'` `"` `--` `---` `...` → ’ “ ” – — … (goldmark's typographer).
    pub smart_punctuation: bool,
    /// Bare `https://…`, `www.…` and e-mail addresses become links.
    pub linkify: bool,
    /// `:white_check_mark:` → ✅.
    pub emoji: bool,
}

impl Default for Markdown {
    fn default() -> Self {
        Markdown {
            smart_punctuation: true,
            linkify: true,
            emoji: true,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Handbook".into(),
            description: String::new(),
            base_url: "/".into(),
            language: "en".into(),
            theme: "default".into(),
            toc_levels: (2, 4),
            markdown: Markdown::default(),
            blameless: Blameless::default(),
            availability: Rules::default(),
            pager: Pager::default(),
            gitlab: None,
            pagerduty: None,
            prometheus: None,
            shortcodes: Shortcodes::default(),
            repo_url: None,
            edit_branch: "main".into(),
            extra: BTreeMap::new(),
        }
    }
}

/// Keys of each section, with what a valid value looks like (for help).
const TOP_KEYS: &[(&str, &str)] = &[
    ("title", "the site's name, e.g. title = \"Ops handbook\""),
    ("description", "one sentence about the site"),
    (
        "base_url",
        "the absolute URL the site is served at, e.g. base_url = \"https://group.gitlab.io/project/\"",
    ),
    ("language", "a language code, e.g. language = \"en\""),
    ("theme", "a folder under themes/, e.g. theme = \"default\""),
    (
        "toc_levels",
        "the heading levels of tables of contents, e.g. toc_levels = [2, 4]",
    ),
    (
        "markdown",
        "the section [markdown]: smart_punctuation, linkify, emoji (true or false)",
    ),
    ("blameless", "the section [blameless]"),
    ("availability", "the section [availability]"),
    ("pager", PAGER_HELP),
    (
        "gitlab",
        "the section [gitlab]: url, project, token_env, [gitlab.services] (see docs/pull.md)",
    ),
    (
        "pagerduty",
        "the section [pagerduty]: url, token_env, [pagerduty.services] (see docs/pull.md)",
    ),
    (
        "prometheus",
        "the section [prometheus]: url, query, label, unit (see docs/pull.md)",
    ),
    (
        "shortcodes",
        "the section [shortcodes]: unknown = \"error\" or \"warn\" (placeholders for shortcodes without a template)",
    ),
    (
        "repo_url",
        "the project's web URL, for \"Edit this page\" links, e.g. repo_url = \"https://gitlab.com/group/handbook\"",
    ),
    (
        "edit_branch",
        "the branch \"Edit this page\" links open, e.g. edit_branch = \"main\"",
    ),
    ("extra", "the section [extra]: values for your templates"),
];
const BLAMELESS_KEYS: &[(&str, &str)] = &[
    (
        "names",
        "names that must not appear in public post-mortems, e.g. names = [\"Dana\", \"Lee\"]",
    ),
    (
        "level",
        "what a hit in a hand-written post-mortem is: level = \"error\" (default) or \"warn\"",
    ),
];

impl Config {
    /// Reads `root/opsbook.toml`, or the defaults when there is none.
    pub fn load(root: &Path) -> Result<Config, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text, Path::new(CONFIG_FILE)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(
                Diagnostic::error(format!("cannot read {}: {e}", path.display()))
                    .at(Location::file(Path::new(CONFIG_FILE)))
                    .into(),
            ),
        }
    }

    /// Parses and checks `opsbook.toml`, reporting every unknown key and
    /// invalid value it can find at once.
    pub fn parse(text: &str, file: &Path) -> Result<Config, Diagnostics> {
        let at = |offset: usize| Location::at_offset(file, text, offset);
        // Syntax first: its error says where, and nothing about keys.
        let tree = toml::de::DeTable::parse(text).map_err(|e| {
            Diagnostic::error(format!(
                "invalid TOML in the site configuration: {}",
                e.message().trim_end()
            ))
            .at(at(e.span().map_or(0, |s| s.start)))
            .help("opsbook.toml is TOML: `key = \"text\"` lines, sections start with `[name]`")
        })?;
        let mut diags = Diagnostics::new();
        let top = tree.get_ref();
        unknown_keys(top, TOP_KEYS, "", &at, &mut diags);
        if let Some(b) = top.get("blameless").and_then(|v| v.get_ref().as_table()) {
            unknown_keys(b, BLAMELESS_KEYS, "[blameless] ", &at, &mut diags);
        }
        let availability = top
            .get("availability")
            .map(|v| availability_section(v, &at, &mut diags));
        if diags.has_errors() {
            return Err(diags);
        }
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            let mut d = Diagnostic::error(format!(
                "invalid site configuration: {}",
                e.message().trim_end()
            ))
            .at(at(offset));
            if let Some((key, expected)) = key_at(top, offset) {
                d = d.help(format!("`{key}` is {expected}"));
            } else if let Some(help) = pager_help_at(top, offset) {
                d = d.help(help);
            }
            Diagnostics::from(d)
        })?;
        config.availability = availability.unwrap_or_default();
        let value_at = |key: &str| top.get(key).map_or(0, |v| v.span().start);
        if top.contains_key("base_url") {
            let url = std::mem::take(&mut config.base_url);
            if let Err(d) = config.set_base_url(&url) {
                diags.push(d.at(at(value_at("base_url"))));
            }
        }
        let (lo, hi) = config.toc_levels;
        if !(1..=6).contains(&lo) || !(lo..=6).contains(&hi) {
            diags.push(
                Diagnostic::error(format!("toc_levels = [{lo}, {hi}] is not a heading range"))
                    .at(at(value_at("toc_levels")))
                    .help("use two levels from 1 to 6, lowest first, e.g. toc_levels = [2, 4]"),
            );
        }
        check_pager(&config.pager, top, &at, &mut diags);
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(config)
    }

    /// Sets `base_url` (from `opsbook.toml` or `--base-url`) after checking
    /// it: `http(s)://host[:port][/path]`, no query or fragment, or `/`
    /// alone (served at the root of an unknown host). Adds the trailing
    /// slash. The error has no location: the caller adds one if it has it.
    pub fn set_base_url(&mut self, url: &str) -> Result<(), Diagnostic> {
        match check_base_url(url) {
            Ok(url) => {
                self.base_url = url;
                Ok(())
            }
            Err(why) => Err(Diagnostic::error(format!(
                "`{url}` is not a valid base URL: {why}"
            ))
            .help(
                "give the absolute URL the site is served at: http:// or https://, a host, \
                 an optional path, no `?query` or `#fragment`, e.g. https://group.gitlab.io/project/",
            )),
        }
    }

    /// The path part of `base_url`, always starting and ending with `/`:
    /// `https://group.gitlab.io/project/` gives `/project/`.
    pub fn base_path(&self) -> &str {
        let url = self.base_url.as_str();
        let after_scheme = url.find("://").map_or(url, |i| &url[i + 3..]);
        if url.contains("://") {
            after_scheme.find('/').map_or("/", |i| &after_scheme[i..])
        } else if url.starts_with('/') {
            url
        } else {
            "/"
        }
    }

    /// `base_url` without its trailing slash, for building absolute URLs.
    pub fn origin_and_path(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
}

/// `url` normalised (lower-case scheme and host, trailing slash), or why
/// it is not a base URL.
fn check_base_url(url: &str) -> Result<String, String> {
    if url == "/" {
        return Ok(url.into());
    }
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err("it does not start with http:// or https://".into());
    };
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return Err(format!("the scheme `{scheme}` is not http or https"));
    }
    if let Some(c) = url
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || "<>\"{}|\\^`".contains(*c))
    {
        return Err(format!("it contains {c:?}, which URLs cannot hold"));
    }
    if url.contains(['?', '#']) {
        return Err("it has a query or fragment (`?…` or `#…`)".into());
    }
    let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
    if authority.contains('@') {
        return Err("it has a user name (`…@`)".into());
    }
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => (h, Some(p)),
        _ => (authority, None),
    };
    let host_ok = if let Some(v6) = host.strip_prefix('[') {
        v6.strip_suffix(']')
            .is_some_and(|a| !a.is_empty() && a.chars().all(|c| c.is_ascii_hexdigit() || c == ':'))
    } else {
        !host.is_empty()
            && host.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
    };
    if !host_ok {
        return Err(if host.is_empty() {
            "it has no host".into()
        } else {
            format!("`{host}` is not a host name")
        });
    }
    if let Some(port) = port
        && port.parse::<u16>().is_err()
    {
        return Err(format!("`{port}` is not a port number"));
    }
    if !path.is_ascii() {
        return Err("its path has non-ASCII characters: percent-encode them".into());
    }
    let mut out = format!("{scheme}://{}{path}", authority.to_ascii_lowercase());
    if !out.ends_with('/') {
        out.push('/');
    }
    Ok(out)
}

/// Reports keys of `table` not in `known`, each with the section's keys as
/// help and the nearest one as a suggestion.
fn unknown_keys(
    table: &toml::de::DeTable<'_>,
    known: &[(&str, &str)],
    section: &str,
    at: &dyn Fn(usize) -> Location,
    diags: &mut Diagnostics,
) {
    let names: Vec<&str> = known.iter().map(|(k, _)| *k).collect();
    for key in table.keys() {
        let name = key.get_ref();
        if names.contains(&name.as_ref()) {
            continue;
        }
        let near = names
            .iter()
            .find(|k| crate::content::frontmatter::edit_distance(name, k) <= 2)
            .map_or(String::new(), |k| format!("did you mean `{k}`? "));
        let keys = if section.is_empty() {
            // Every top-level key, sections in brackets, from the one table.
            const SECTIONS: &[&str] = &[
                "markdown",
                "shortcodes",
                "blameless",
                "availability",
                "pager",
                "gitlab",
                "pagerduty",
                "prometheus",
                "extra",
            ];
            names
                .iter()
                .map(|k| {
                    if SECTIONS.contains(k) {
                        format!("[{k}]")
                    } else {
                        k.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            names.join(", ")
        };
        diags.push(
            Diagnostic::error(format!("unknown key `{name}` in {section}opsbook.toml"))
                .at(at(key.span().start))
                .help(format!(
                    "{near}known keys{}: {keys}{}",
                    if section.is_empty() {
                        ""
                    } else {
                        " of this section"
                    },
                    if section.is_empty() {
                        " (put template-only values under [extra])"
                    } else {
                        ""
                    }
                )),
        );
    }
}

const AVAILABILITY_KEYS: &[(&str, &str)] = &[
    (
        "degraded",
        "the weight of a second of `impact: degraded`, one per severity S1..S4, \
         each from 0 to 1, e.g. degraded = [0.5, 0.5, 0, 0]",
    ),
    (
        "platform_target",
        "the platform's target in percent, e.g. platform_target = 99.95 \
         (default: the services' targets averaged by weight)",
    ),
];

fn read_from_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Rules, D::Error> {
    serde::de::IgnoredAny::deserialize(d)?;
    Ok(Rules::default())
}

/// `[availability]`, its numbers taken exactly as written (`0.5`, `99.95`),
/// never through a float. Problems go to `diags`; the defaults stand in.
fn availability_section(
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    at: &dyn Fn(usize) -> Location,
    diags: &mut Diagnostics,
) -> Rules {
    use toml::de::DeValue;
    let mut rules = Rules::default();
    let Some(table) = value.get_ref().as_table() else {
        diags.push(
            Diagnostic::error("`availability` in opsbook.toml must be a section")
                .at(at(value.span().start))
                .help("write it as [availability] followed by degraded = [0.5, 0.5, 0, 0]"),
        );
        return rules;
    };
    unknown_keys(table, AVAILABILITY_KEYS, "[availability] ", at, diags);
    // The number as written: TOML's text of a decimal integer or float.
    let text = |v: &DeValue<'_>| match v {
        DeValue::Integer(i) if i.radix() == 10 => Some(i.as_str().to_string()),
        DeValue::Float(f) => Some(f.as_str().to_string()),
        _ => None,
    };
    if let Some(v) = table.get("degraded") {
        let items = v.get_ref().as_array().map_or(&[][..], |a| &a[..]);
        if items.len() != 4 {
            diags.push(
                Diagnostic::error(
                    "[availability] degraded needs four values, one per severity S1..S4",
                )
                .at(at(v.span().start))
                .help(AVAILABILITY_KEYS[0].1),
            );
        }
        for (k, item) in items.iter().enumerate().take(4) {
            match text(item.get_ref()).and_then(|t| Fraction::parse(&t)) {
                Some(f) => rules.degraded[k] = f,
                None => diags.push(
                    Diagnostic::error(format!(
                        "[availability] degraded: the S{} value is not a fraction from 0 to 1",
                        k + 1
                    ))
                    .at(at(item.span().start))
                    .help("write a decimal from 0 to 1 with at most six decimals, e.g. 0.5"),
                ),
            }
        }
    }
    if let Some(v) = table.get("platform_target") {
        match text(v.get_ref()).and_then(|t| Percent::parse(&t)) {
            Some(p) => rules.platform_target = Some(p),
            None => diags.push(
                Diagnostic::error(
                    "[availability] platform_target is not a percentage from 0 to 100",
                )
                .at(at(v.span().start))
                .help("write it as a decimal percent, e.g. platform_target = 99.95"),
            ),
        }
    }
    rules
}

/// The known top-level or `[blameless]` key whose value holds `offset`.
fn key_at(top: &toml::de::DeTable<'_>, offset: usize) -> Option<(String, &'static str)> {
    let sections = [(top, TOP_KEYS, "")].into_iter().chain(
        top.get("blameless")
            .and_then(|b| b.get_ref().as_table())
            .map(|b| (b, BLAMELESS_KEYS, "blameless.")),
    );
    for (table, known, prefix) in sections {
        for (key, value) in table.iter() {
            if value.span().contains(&offset) || key.span().contains(&offset) {
                let name = key.get_ref();
                if let Some((k, expected)) = known.iter().find(|(k, _)| *k == name.as_ref()) {
                    if *k == "blameless" && prefix.is_empty() {
                        continue;
                    }
                    return Some((format!("{prefix}{k}"), expected));
                }
            }
        }
    }
    None
}

// `[pager]` (analyse::pager): kept in one block so it merges on its own.

const PAGER_HELP: &str = "the section [pager]: [[pager.regions]] (name, shift_utc = [\"04:00\", \"16:00\"], \
     time_zone = \"Europe/Amsterdam\"), business_days, business_hours, sleep_hours, public_alert_titles";

/// On-call shifts and the hours pages are judged in. `Config::parse` checks
/// what serde cannot: the regions cover the day exactly once, business
/// hours do not wrap midnight, sleep hours are not empty, and the two do not
/// overlap (so each page is in exactly one of business, sleep, off hours).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Pager {
    /// Follow-the-sun shifts, in the order figures list them.
    pub regions: Vec<PagerRegion>,
    /// Days with business hours, in the on-call region's local time.
    pub business_days: Vec<chrono::Weekday>,
    /// Local `[start, end)`; start before end.
    pub business_hours: (TimeOfDay, TimeOfDay),
    /// Local `[start, end)`; may wrap midnight.
    pub sleep_hours: (TimeOfDay, TimeOfDay),
    /// Alert titles can name hosts or customers: the public site shows the
    /// noisiest alerts by title only when this is true.
    pub public_alert_titles: bool,
}

#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PagerRegion {
    pub name: String,
    /// UTC `[start, end)`; may wrap midnight; start = end is the whole day.
    pub shift_utc: (TimeOfDay, TimeOfDay),
    pub time_zone: TimeZone,
}

/// Minutes after midnight (0..1440), written `"HH:MM"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeOfDay(pub u16);

/// An IANA time zone, written by name (`"Europe/Amsterdam"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(pub chrono_tz::Tz);

impl Default for Pager {
    fn default() -> Self {
        let hm = |h: u16, m: u16| TimeOfDay(h * 60 + m);
        let region = |name: &str, start, end, tz| PagerRegion {
            name: name.into(),
            shift_utc: (hm(start, 0), hm(end, 0)),
            time_zone: TimeZone(tz),
        };
        use chrono::Weekday::*;
        Pager {
            regions: vec![
                region("EMEA", 4, 16, chrono_tz::Europe::Amsterdam),
                region("AMER", 16, 4, chrono_tz::America::New_York),
            ],
            business_days: vec![Mon, Tue, Wed, Thu, Fri],
            business_hours: (hm(9, 0), hm(18, 0)),
            sleep_hours: (hm(22, 0), hm(7, 0)),
            public_alert_titles: false,
        }
    }
}

impl TimeOfDay {
    /// Whether minute `m` of the day is in `[start, end)`, wrapping midnight
    /// when end ≤ start (so start = end is the whole day).
    pub fn in_span(m: u16, (start, end): (TimeOfDay, TimeOfDay)) -> bool {
        if start < end {
            (start.0..end.0).contains(&m)
        } else {
            m >= start.0 || m < end.0
        }
    }
}

impl std::fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl<'de> Deserialize<'de> for TimeOfDay {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        let b = s.as_bytes();
        let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u16>().ok());
        match (b.len() == 5 && b[2] == b':', num(0..2), num(3..5)) {
            (true, Some(h), Some(m)) if h < 24 && m < 60 && s.is_ascii() => {
                Ok(TimeOfDay(h * 60 + m))
            }
            _ => Err(serde::de::Error::custom(format!(
                "`{s}` is not a time of day: write \"HH:MM\" from \"00:00\" to \"23:59\""
            ))),
        }
    }
}

impl Serialize for TimeOfDay {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TimeZone {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map(TimeZone).map_err(|_| {
            serde::de::Error::custom(format!(
                "`{s}` is not an IANA time zone: write its name, e.g. \"Europe/Amsterdam\", \
                 \"America/New_York\", \"Asia/Tokyo\" or \"UTC\""
            ))
        })
    }
}

impl Serialize for TimeZone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name())
    }
}

const PAGER_KEYS: &[(&str, &str)] = &[
    (
        "regions",
        "the on-call regions: [[pager.regions]] with name, shift_utc and time_zone",
    ),
    ("name", "a region's name, e.g. name = \"EMEA\""),
    (
        "shift_utc",
        "a region's shift in UTC, [start, end), may wrap midnight, e.g. shift_utc = [\"04:00\", \"16:00\"]",
    ),
    (
        "time_zone",
        "an IANA time zone name, e.g. time_zone = \"Europe/Amsterdam\"",
    ),
    (
        "business_days",
        "the local days with business hours, e.g. business_days = [\"Mon\", \"Tue\", \"Wed\", \"Thu\", \"Fri\"]",
    ),
    (
        "business_hours",
        "local business hours, e.g. business_hours = [\"09:00\", \"18:00\"]",
    ),
    (
        "sleep_hours",
        "local sleep hours, may wrap midnight, e.g. sleep_hours = [\"22:00\", \"07:00\"]",
    ),
    (
        "public_alert_titles",
        "true or false: whether the public site may show the noisiest alerts' titles",
    ),
];

/// Help for a type error at `offset` inside `[pager]` (its tables' spans
/// are only their headers, so look at each key and value).
fn pager_help_at(top: &toml::de::DeTable<'_>, offset: usize) -> Option<String> {
    let pager = top.get("pager")?.get_ref().as_table()?;
    let regions = pager.get("regions").and_then(|r| r.get_ref().as_array());
    let tables = regions
        .into_iter()
        .flat_map(|a| a.iter())
        .filter_map(|t| t.get_ref().as_table());
    let (key, _) = std::iter::once(pager)
        .chain(tables)
        .flat_map(|t| t.iter())
        .find(|(k, v)| k.span().contains(&offset) || v.span().contains(&offset))?;
    let name = key.get_ref();
    Some(match PAGER_KEYS.iter().find(|(k, _)| *k == name.as_ref()) {
        Some((k, what)) => format!("`{k}` is {what}"),
        None => format!("`[pager]` is {PAGER_HELP}"),
    })
}

/// Checks `[pager]` beyond its types, each problem at the key it is about.
fn check_pager(
    p: &Pager,
    top: &toml::de::DeTable<'_>,
    at: &dyn Fn(usize) -> Location,
    diags: &mut Diagnostics,
) {
    // Where `[pager] key` (or `key[i].sub`) is written; else the section.
    let section = top.get("pager");
    let span_of = |key: &str, sub: Option<(usize, &str)>| {
        let v = section?.get_ref().as_table()?.get(key)?;
        let v = match sub {
            Some((i, k)) => v
                .get_ref()
                .as_array()?
                .get(i)?
                .get_ref()
                .as_table()?
                .get(k)?,
            None => v,
        };
        Some(v.span().start)
    };
    let mut report = |key: &str, sub: Option<(usize, &str)>, message: String, help: &str| {
        let offset = span_of(key, sub)
            .or(section.map(|s| s.span().start))
            .unwrap_or(0);
        diags.push(
            Diagnostic::error(format!("[pager] {message}"))
                .at(at(offset))
                .help(help.to_string()),
        );
    };
    const REGIONS: &str = "each [[pager.regions]] has a name, shift_utc = [\"HH:MM\", \"HH:MM\"] in UTC \
        and a time_zone; together the shifts cover the 24 hours of the day exactly once, \
        e.g. EMEA [\"04:00\", \"16:00\"] and AMER [\"16:00\", \"04:00\"]";
    let mask = |span| -> Vec<bool> { (0..1440).map(|m| TimeOfDay::in_span(m, span)).collect() };
    let masks: Vec<Vec<bool>> = p.regions.iter().map(|r| mask(r.shift_utc)).collect();
    for (i, r) in p.regions.iter().enumerate() {
        let earlier = p.regions[..i].iter().position(|o| o.name == r.name);
        if r.name.trim().is_empty() || earlier.is_some() {
            let what = if earlier.is_some() {
                "repeats the name"
            } else {
                "has no name"
            };
            report(
                "regions",
                Some((i, "name")),
                format!("region {} {what} `{}`", i + 1, r.name),
                REGIONS,
            );
        }
        for j in 0..i {
            for (a, b) in runs(|m| masks[i][m] && masks[j][m]) {
                report(
                    "regions",
                    Some((i, "shift_utc")),
                    format!(
                        "regions `{}` and `{}` both cover {a}–{b} UTC",
                        p.regions[j].name, r.name
                    ),
                    REGIONS,
                );
            }
        }
    }
    for (a, b) in runs(|m| masks.iter().all(|k| !k[m])) {
        report(
            "regions",
            None,
            format!("no region is on call {a}–{b} UTC"),
            REGIONS,
        );
    }
    let (bs, be) = p.business_hours;
    if bs >= be {
        report(
            "business_hours",
            None,
            format!("business hours {bs}–{be} end before they start"),
            "write business_hours = [start, end] in local time within one day, e.g. [\"09:00\", \"18:00\"]",
        );
    } else if p.sleep_hours.0 == p.sleep_hours.1 {
        report(
            "sleep_hours",
            None,
            "sleep hours start and end at the same time".into(),
            "write sleep_hours = [start, end] in local time, e.g. [\"22:00\", \"07:00\"]",
        );
    } else {
        let sleep = mask(p.sleep_hours);
        for (a, b) in runs(|m| sleep[m] && (bs.0..be.0).contains(&(m as u16))) {
            report(
                "sleep_hours",
                None,
                format!("sleep hours and business hours overlap {a}–{b}"),
                "each page must be in exactly one of business, sleep or off hours: \
                 make business_hours and sleep_hours disjoint",
            );
        }
    }
}

/// Maximal runs of minutes of the day where `f` holds, as `[start, end)`;
/// a run across midnight is one run (`16:00–04:00`).
fn runs(f: impl Fn(usize) -> bool) -> Vec<(TimeOfDay, TimeOfDay)> {
    let mut out = Vec::new();
    let mut start = None;
    for m in 0..=1440 {
        match (start, m < 1440 && f(m)) {
            (None, true) => start = Some(m),
            (Some(s), false) => {
                out.push((TimeOfDay(s as u16), TimeOfDay(m as u16)));
                start = None;
            }
            _ => {}
        }
    }
    if out.len() > 1 && out[0].0.0 == 0 && out[out.len() - 1].1.0 == 1440 {
        let (_, end) = out.remove(0);
        out.last_mut().expect("two runs").1 = end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_when_empty() {
        let c = Config::parse("", Path::new("opsbook.toml")).unwrap();
        assert_eq!(c.base_path(), "/");
        assert_eq!(c.toc_levels, (2, 4));
    }

    #[test]
    fn base_path_from_project_site_url() {
        let c = Config::parse(
            "base_url = \"https://group.gitlab.io/project\"",
            Path::new("opsbook.toml"),
        )
        .unwrap();
        assert_eq!(c.base_url, "https://group.gitlab.io/project/");
        assert_eq!(c.base_path(), "/project/");
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let d = Config::parse(
            "title = \"x\"\ntheem = \"dark\"\n",
            Path::new("opsbook.toml"),
        )
        .unwrap_err();
        let d = &d.0[0];
        let loc = d.location.clone().unwrap();
        assert_eq!(loc.line, 2);
        assert!(d.message.contains("theem"), "{}", d.message);
        assert!(
            d.help.as_deref().unwrap().contains("did you mean `theme`?"),
            "{d}"
        );
    }

    #[test]
    fn unknown_key_in_a_section_gets_that_sections_keys() {
        let text = "title = \"x\"\n\n[blameless]\nnmes = [\"Dana\"]\ntitel = 1\n";
        let e = Config::parse(text, Path::new("opsbook.toml")).unwrap_err();
        assert_eq!(e.0.len(), 2, "every unknown key: {e}");
        let d = &e.0[0];
        assert_eq!(d.location.as_ref().unwrap().line, 4);
        assert!(d.message.contains("`nmes` in [blameless]"), "{d}");
        let help = d.help.as_deref().unwrap();
        assert!(help.contains("did you mean `names`?"), "{help}");
        assert!(help.contains("known keys of this section: names"), "{help}");
        assert!(!help.contains("base_url"), "{help}");
    }

    #[test]
    fn syntax_error_has_line_and_column_and_no_key_list() {
        let e = Config::parse("title = \"x\"\ntheme = \n", Path::new("opsbook.toml")).unwrap_err();
        let d = &e.0[0];
        let loc = d.location.as_ref().unwrap();
        assert_eq!(loc.line, 2, "{d}");
        assert!(loc.column > 1, "{d}");
        assert!(d.message.starts_with("invalid TOML"), "{d}");
        assert!(!d.to_string().contains("base_url"), "{d}");
    }

    #[test]
    fn wrong_type_says_what_the_key_takes() {
        let e = Config::parse("title = 3\n", Path::new("opsbook.toml")).unwrap_err();
        let d = &e.0[0];
        assert_eq!(d.location.as_ref().unwrap().line, 1);
        assert!(
            d.help
                .as_deref()
                .unwrap()
                .contains("`title` is the site's name"),
            "{d}"
        );
    }

    #[test]
    fn availability_rules_exactly_as_written() {
        let c = Config::parse("", Path::new("opsbook.toml")).unwrap();
        assert_eq!(c.availability, Rules::default());
        let text = "[availability]\ndegraded = [1, 0.5, 0.125, 0]\nplatform_target = 99.95\n";
        let c = Config::parse(text, Path::new("opsbook.toml")).unwrap();
        let degraded = c.availability.degraded.map(|f| f.to_string());
        assert_eq!(degraded, ["1", "0.5", "0.125", "0"]);
        assert_eq!(c.availability.platform_target, Percent::parse("99.95"));
    }

    #[test]
    fn availability_errors_all_at_once_with_their_lines() {
        let text = "[availability]\ndegraded = [0.5, 1.5, \"x\", 5e-1]\n\
                    platform_target = 100.5\nplatfrom = 1\n";
        let e = Config::parse(text, Path::new("opsbook.toml")).unwrap_err();
        let found: Vec<(usize, usize, &str)> = e
            .iter()
            .map(|d| {
                let loc = d.location.as_ref().unwrap();
                (loc.line, loc.column, d.message.as_str())
            })
            .collect();
        assert_eq!(found.len(), 5, "{e}");
        assert!(
            found.iter().any(|f| f.0 == 4 && f.2.contains("`platfrom`")),
            "{e}"
        );
        for (column, severity) in [(18, "S2"), (23, "S3"), (28, "S4")] {
            assert!(
                found.iter().any(|f| f == &(2, column, &*format!(
                    "[availability] degraded: the {severity} value is not a fraction from 0 to 1"
                ))),
                "{e}"
            );
        }
        assert!(
            found
                .iter()
                .any(|f| f.0 == 3 && f.2.contains("platform_target")),
            "{e}"
        );
        let e = Config::parse(
            "[availability]\ndegraded = [0.5]\n",
            Path::new("opsbook.toml"),
        )
        .unwrap_err();
        assert!(e.0[0].message.contains("four values"), "{e}");
        let e = Config::parse("availability = 1\n", Path::new("opsbook.toml")).unwrap_err();
        assert!(e.0[0].message.contains("must be a section"), "{e}");
    }

    #[test]
    fn base_urls() {
        let mut c = Config::default();
        for (given, stored) in [
            (
                "https://group.gitlab.io/project",
                "https://group.gitlab.io/project/",
            ),
            ("HTTP://Example.ORG", "http://example.org/"),
            ("http://127.0.0.1:8000/", "http://127.0.0.1:8000/"),
            ("http://[::1]:8080/a/b/", "http://[::1]:8080/a/b/"),
            ("/", "/"),
        ] {
            c.set_base_url(given).unwrap();
            assert_eq!(c.base_url, stored);
        }
        for bad in [
            "notaurl",
            "ftp://example.org/",
            "https://",
            "https:///path",
            "https://exa mple.org/",
            "https://example.org/?q=1",
            "https://example.org/#top",
            "https://user@example.org/",
            "https://example.org:http/",
            "https://-bad-.org/",
            "/sub/",
            "",
        ] {
            let d = c.set_base_url(bad).unwrap_err();
            assert!(d.message.contains("is not a valid base URL"), "{bad}: {d}");
            assert!(d.help.as_deref().unwrap().contains("https://"), "{d}");
        }
    }

    #[test]
    fn base_url_error_in_the_file_points_at_the_value() {
        let e = Config::parse(
            "title = \"x\"\nbase_url = \"notaurl\"\n",
            Path::new("opsbook.toml"),
        )
        .unwrap_err();
        let loc = e.0[0].location.clone().unwrap();
        assert_eq!((loc.line, loc.column), (2, 12));
    }
}

#[cfg(test)]
mod pager_tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Diagnostics> {
        Config::parse(text, Path::new("opsbook.toml"))
    }

    /// (line, message, help) of every error.
    fn errors(text: &str) -> Vec<(usize, String, String)> {
        parse(text)
            .unwrap_err()
            .0
            .iter()
            .map(|d| {
                let loc = d.location.as_ref().expect("a location");
                (
                    loc.line,
                    d.message.clone(),
                    d.help.clone().unwrap_or_default(),
                )
            })
            .collect()
    }

    #[test]
    fn defaults() {
        let p = parse("").unwrap().pager;
        let shifts: Vec<(String, String, String, &str)> = p
            .regions
            .iter()
            .map(|r| {
                let (a, b) = r.shift_utc;
                (
                    r.name.clone(),
                    a.to_string(),
                    b.to_string(),
                    r.time_zone.0.name(),
                )
            })
            .collect();
        assert_eq!(
            shifts,
            [
                (
                    "EMEA".into(),
                    "04:00".into(),
                    "16:00".into(),
                    "Europe/Amsterdam"
                ),
                (
                    "AMER".into(),
                    "16:00".into(),
                    "04:00".into(),
                    "America/New_York"
                ),
            ]
        );
        assert_eq!(p.business_days.len(), 5);
        assert_eq!(p.business_hours, (TimeOfDay(540), TimeOfDay(1080)));
        assert_eq!(p.sleep_hours, (TimeOfDay(1320), TimeOfDay(420)));
        assert!(!p.public_alert_titles);
        // The defaults pass their own check, and serialise back as written.
        let text = toml::to_string(&Config::default()).unwrap();
        assert!(
            text.contains("shift_utc = [\"04:00\", \"16:00\"]"),
            "{text}"
        );
        assert_eq!(parse(&text).unwrap().pager, p);
    }

    #[test]
    fn a_section_of_its_own() {
        let p = parse(
            "[pager]\npublic_alert_titles = true\nbusiness_days = [\"Mon\", \"tuesday\"]\n\
             [[pager.regions]]\nname = \"APAC\"\nshift_utc = [\"22:00\", \"10:00\"]\n\
             time_zone = \"Australia/Sydney\"\n\
             [[pager.regions]]\nname = \"EMEA\"\nshift_utc = [\"10:00\", \"22:00\"]\n\
             time_zone = \"Europe/London\"\n",
        )
        .unwrap()
        .pager;
        assert!(p.public_alert_titles);
        assert_eq!(p.regions[0].time_zone.0, chrono_tz::Australia::Sydney);
        assert_eq!(p.regions[1].shift_utc, (TimeOfDay(600), TimeOfDay(1320)));
        assert_eq!(
            p.business_days,
            [chrono::Weekday::Mon, chrono::Weekday::Tue]
        );
    }

    #[test]
    fn bad_values_point_at_themselves() {
        let e = errors("[pager]\nsleep_hours = [\"22:00\", \"7:00\"]\n");
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].0, 2);
        assert!(e[0].1.contains("`7:00` is not a time of day"), "{e:?}");
        assert!(
            e[0].2.contains("`sleep_hours` is local sleep hours"),
            "{e:?}"
        );
        let e = errors(
            "[[pager.regions]]\nname = \"X\"\nshift_utc = [\"00:00\", \"00:00\"]\ntime_zone = \"Europe/Amsterdm\"\n",
        );
        assert_eq!(e[0].0, 4, "{e:?}");
        assert!(
            e[0].1
                .contains("`Europe/Amsterdm` is not an IANA time zone"),
            "{e:?}"
        );
        assert!(e[0].2.contains("`time_zone` is an IANA"), "{e:?}");
        let e = errors("[pager]\nbusiness_day = [\"Mon\"]\n");
        assert_eq!(e[0].0, 2, "{e:?}");
        assert!(e[0].1.contains("business_day"), "{e:?}");
        assert!(e[0].2.contains("business_hours, sleep_hours"), "{e:?}");
    }

    #[test]
    fn regions_cover_the_day_exactly_once() {
        let text = "[pager]\n\
            [[pager.regions]]\nname = \"EMEA\"\nshift_utc = [\"04:00\", \"17:00\"]\ntime_zone = \"Europe/Amsterdam\"\n\
            [[pager.regions]]\nname = \"AMER\"\nshift_utc = [\"16:00\", \"03:00\"]\ntime_zone = \"America/New_York\"\n\
            [[pager.regions]]\nname = \"AMER\"\nshift_utc = [\"20:00\", \"20:00\"]\ntime_zone = \"UTC\"\n";
        let e = errors(text);
        let got: Vec<(usize, &str)> = e.iter().map(|(l, m, _)| (*l, m.as_str())).collect();
        assert_eq!(
            got,
            [
                (
                    8,
                    "[pager] regions `EMEA` and `AMER` both cover 16:00–17:00 UTC"
                ),
                (11, "[pager] region 3 repeats the name `AMER`"),
                (
                    12,
                    "[pager] regions `EMEA` and `AMER` both cover 04:00–17:00 UTC"
                ),
                (
                    12,
                    "[pager] regions `AMER` and `AMER` both cover 16:00–03:00 UTC"
                ),
            ],
            "{e:?}"
        );
        assert!(e[0].2.contains("exactly once"), "{e:?}");
        // A gap: 03:00–04:00 uncovered, reported at `regions`.
        let e = errors(
            "[pager]\n[[pager.regions]]\nname = \"EMEA\"\nshift_utc = [\"04:00\", \"16:00\"]\n\
             time_zone = \"Europe/Amsterdam\"\n[[pager.regions]]\nname = \"AMER\"\n\
             shift_utc = [\"16:00\", \"03:00\"]\ntime_zone = \"America/New_York\"\n",
        );
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].1, "[pager] no region is on call 03:00–04:00 UTC");
        assert_eq!(e[0].0, 2, "{e:?}");
        let e = errors(
            "[[pager.regions]]\nname = \"EMEA\"\nshift_utc = [\"04:00\", \"16:00\"]\n\
             time_zone = \"Europe/Amsterdam\"\n",
        );
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!(e[0].1, "[pager] no region is on call 16:00–04:00 UTC");
        let e = errors("[pager]\nregions = []\n");
        assert_eq!(e[0].1, "[pager] no region is on call 00:00–24:00 UTC");
    }

    #[test]
    fn business_and_sleep_hours() {
        let e = errors("[pager]\nbusiness_hours = [\"18:00\", \"09:00\"]\n");
        assert_eq!(e[0].0, 2);
        assert!(e[0].1.contains("end before they start"), "{e:?}");
        let e = errors("[pager]\nsleep_hours = [\"23:00\", \"09:30\"]\n");
        assert_eq!(e[0].0, 2);
        assert_eq!(
            e[0].1,
            "[pager] sleep hours and business hours overlap 09:00–09:30"
        );
        assert!(e[0].2.contains("exactly one"), "{e:?}");
        let e = errors("[pager]\nsleep_hours = [\"23:00\", \"23:00\"]\n");
        assert!(e[0].1.contains("same time"), "{e:?}");
    }
}
