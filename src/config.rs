//! Site configuration: `opsbook.toml` at the root of a site.
//!
//! Every key has a default, so a repository with only `content/` builds.
//! Unknown keys are errors (a typo must not pass silently) that name the key
//! and its line; free-form values for templates go under `[extra]`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Location};

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
            extra: BTreeMap::new(),
        }
    }
}

impl Config {
    /// Reads `root/opsbook.toml`, or the defaults when there is none.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text, Path::new(CONFIG_FILE)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(
                Diagnostic::error(format!("cannot read {}: {e}", path.display()))
                    .at(Location::file(Path::new(CONFIG_FILE))),
            ),
        }
    }

    pub fn parse(text: &str, file: &Path) -> Result<Config, Diagnostic> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            Diagnostic::error(format!("invalid site configuration: {}", e.message()))
                .at(Location::at_offset(file, text, offset))
                .help(
                    "known keys: title, description, base_url, language, theme, toc_levels, \
                     [blameless], [extra] (put template-only values under [extra])",
                )
        })?;
        if !config.base_url.ends_with('/') {
            config.base_url.push('/');
        }
        let (lo, hi) = config.toc_levels;
        if !(1..=6).contains(&lo) || !(lo..=6).contains(&hi) {
            let offset = text.find("toc_levels").unwrap_or(0);
            return Err(Diagnostic::error(format!(
                "toc_levels = [{lo}, {hi}] is not a heading range"
            ))
            .at(Location::at_offset(file, text, offset))
            .help("use two levels from 1 to 6, lowest first, e.g. toc_levels = [2, 4]"));
        }
        Ok(config)
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
        let loc = d.location.clone().unwrap();
        assert_eq!(loc.line, 2);
        assert!(d.message.contains("theem"), "{}", d.message);
    }
}
