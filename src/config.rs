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
    pub blameless: Blameless,
    /// `[availability]`: parsed exactly from the text by `parse` (serde
    /// only checks it is there, since it would read numbers as floats).
    #[serde(skip_serializing, deserialize_with = "read_from_text")]
    pub availability: Rules,
    /// Anything a site's templates want; passed through untouched.
    pub extra: BTreeMap<String, toml::Value>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Blameless {
    /// Names of people that must not appear in public post-mortems.
    pub names: Vec<String>,
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
            blameless: Blameless::default(),
            availability: Rules::default(),
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
    ("blameless", "the section [blameless]"),
    ("availability", "the section [availability]"),
    ("extra", "the section [extra]: values for your templates"),
];
const BLAMELESS_KEYS: &[(&str, &str)] = &[(
    "names",
    "names that must not appear in public post-mortems, e.g. names = [\"Dana\", \"Lee\"]",
)];

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
            "title, description, base_url, language, theme, toc_levels, [blameless], [availability], [extra]"
                .to_string()
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
