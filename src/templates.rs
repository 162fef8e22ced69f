//! Templates: loads the theme's and the site's Tera 2 templates and renders
//! them. Also the site's shortcodes (`templates/shortcodes/NAME.html`).
//!
//! Resolution, last one wins: the default theme built into the binary, then
//! the site's theme folder (`themes/<theme>/`) if it has one, then the site's
//! own `templates/`. A theme is thus a layer over the default theme: one
//! copied before a template was added (`actions.html`, say) still builds.
//! Static files follow the same rule (default theme, theme `static/`, then
//! the site's `static/`), see `static_files`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use tera::{Context, Tera, Value};

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::markdown::shortcode::{Args, Call, PageInfo, ShortcodeTemplates};

/// The default theme, compiled in so that a repository with only `content/`
/// builds. Kept in step with `themes/default/` by a test.
macro_rules! theme_files {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../themes/default/", $path)))),*]
    };
}

pub const DEFAULT_THEME: &[(&str, &str)] = theme_files![
    "templates/base.html",
    "templates/page.html",
    "templates/section.html",
    "templates/index.html",
    "templates/404.html",
    "templates/alias.html",
    "templates/incident.html",
    "templates/incidents.html",
    "templates/actions.html",
    "templates/service.html",
    "templates/services.html",
    "templates/partials/article.html",
    "templates/partials/chart.html",
    "templates/partials/uptime.html",
    "templates/partials/meta.html",
    "templates/partials/edit.html",
    "templates/availability.html",
    "templates/availability-month.html",
    "templates/trends-month.html",
    "templates/search.html",
    "static/css/style.css",
    "static/css/highlight.css",
    "static/js/incidents.js",
    "static/js/theme.js",
    "static/js/page.js",
    "static/js/search.js",
];

/// A theme or site file: where it came from (for messages) and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub display: PathBuf,
    pub text: String,
}

pub struct Templates {
    tera: Tera,
    sources: BTreeMap<String, SourceFile>,
    /// Shortcode name → whether its template uses `inner`.
    shortcodes: BTreeMap<String, bool>,
}

/// Reads every file under `dir` (relative names with `/`), sorted.
fn read_tree(
    dir: &Path,
    display_prefix: &Path,
) -> Result<BTreeMap<String, SourceFile>, Diagnostics> {
    let mut out = BTreeMap::new();
    let mut diags = Diagnostics::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).expect("under dir");
        let name = rel.to_string_lossy().replace('\\', "/");
        let display = display_prefix.join(rel);
        match std::fs::read_to_string(entry.path()) {
            Ok(text) => {
                out.insert(name, SourceFile { display, text });
            }
            Err(e) => diags.push(
                Diagnostic::error(format!("cannot read template: {e}"))
                    .at(Location::file(&display)),
            ),
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(out)
    }
}

/// Where the theme lives: a folder of the site, or the built-in default.
pub enum ThemeSource {
    Dir(PathBuf),
    Builtin,
}

pub fn theme_source(root: &Path, theme: &str) -> Result<ThemeSource, Diagnostic> {
    let dir = root.join("themes").join(theme);
    if dir.is_dir() {
        Ok(ThemeSource::Dir(dir))
    } else if theme == "default" {
        Ok(ThemeSource::Builtin)
    } else {
        Err(Diagnostic::error(format!("theme `{theme}` not found"))
            .at(Location::file(Path::new(crate::config::CONFIG_FILE)))
            .help(format!(
                "create themes/{theme}/ with templates/ and static/, or remove `theme` to use the built-in default"
            )))
    }
}

/// The theme's templates by name: the default theme's, with those of the
/// site's theme folder (if any) over them.
fn theme_templates(
    source: &ThemeSource,
    theme: &str,
) -> Result<BTreeMap<String, SourceFile>, Diagnostics> {
    let mut files: BTreeMap<String, SourceFile> = DEFAULT_THEME
        .iter()
        .filter_map(|(path, text)| {
            let name = path.strip_prefix("templates/")?;
            Some((
                name.to_string(),
                SourceFile {
                    display: Path::new("themes/default").join(path),
                    text: (*text).to_string(),
                },
            ))
        })
        .collect();
    if let ThemeSource::Dir(dir) = source {
        let templates = Path::new("themes").join(theme).join("templates");
        files.extend(read_tree(&dir.join("templates"), &templates)?);
    }
    Ok(files)
}

/// Static files to copy into the output: the default theme's, then the
/// theme's, then the site's `static/`, each overriding by path. Values are absolute paths on disk or built-in text.
pub enum StaticFile {
    Disk(PathBuf),
    Builtin(&'static str),
}

pub fn static_files(root: &Path, theme: &str) -> Result<BTreeMap<String, StaticFile>, Diagnostics> {
    let mut out = BTreeMap::new();
    let source = theme_source(root, theme).map_err(Diagnostics::from)?;
    // The default theme's, under the theme's (as for templates).
    for (path, text) in DEFAULT_THEME {
        if let Some(name) = path.strip_prefix("static/") {
            out.insert(name.to_string(), StaticFile::Builtin(text));
        }
    }
    if let ThemeSource::Dir(dir) = &source {
        collect_paths(&dir.join("static"), &mut out);
    }
    collect_paths(&root.join("static"), &mut out);
    Ok(out)
}

fn collect_paths(dir: &Path, out: &mut BTreeMap<String, StaticFile>) {
    if !dir.is_dir() {
        return;
    }
    // Dot-directories (`.git`), dotfiles (`.env`) and editor backups are
    // never published, and ignored folders are not even entered.
    let published = |e: &walkdir::DirEntry| {
        e.depth() == 0
            || !e
                .file_name()
                .to_str()
                .is_some_and(crate::content::paths::is_ignored_name)
    };
    for entry in walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(published)
        .flatten()
    {
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(dir).expect("under dir");
            out.insert(
                rel.to_string_lossy().replace('\\', "/"),
                StaticFile::Disk(entry.path().to_path_buf()),
            );
        }
    }
}

impl Templates {
    pub fn load(root: &Path, theme: &str) -> Result<Templates, Diagnostics> {
        let source = theme_source(root, theme).map_err(Diagnostics::from)?;
        let mut sources = theme_templates(&source, theme)?;
        sources.extend(read_tree(&root.join("templates"), Path::new("templates"))?);

        let mut tera = Tera::new();
        // Only HTML and XML are escaped; plain-text outputs stay as written.
        tera.autoescape_on([".html", ".xml"]);
        register_filters(&mut tera);
        if let Err(e) =
            tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.text.as_str())))
        {
            return Err(Self::load_errors(e, &sources));
        }
        let shortcodes = sources
            .keys()
            .filter_map(|name| {
                let short = name.strip_prefix("shortcodes/")?.strip_suffix(".html")?;
                let uses_inner = tera
                    .get_template_variables(name)
                    .map(|vars| vars.contains("inner"))
                    .unwrap_or(true);
                Some((short.to_string(), uses_inner))
            })
            .collect();
        Ok(Templates {
            tera,
            sources,
            shortcodes,
        })
    }

    /// Tera stops at the first bad template of a batch; check each one on
    /// its own so that every syntax error is reported.
    fn load_errors(first: tera::Error, sources: &BTreeMap<String, SourceFile>) -> Diagnostics {
        let mut diags = Diagnostics::new();
        for (name, src) in sources {
            let mut one = Tera::new();
            register_filters(&mut one);
            if let Err(e) = one.add_raw_template(name, &src.text)
                && matches!(e.kind(), tera::ErrorKind::SyntaxError(_))
            {
                diags.push(tera_diagnostic(&e, sources));
            }
        }
        if diags.is_empty() {
            match first.kind() {
                tera::ErrorKind::SyntaxError(_) | tera::ErrorKind::RenderingError(_) => {
                    diags.push(tera_diagnostic(&first, sources));
                }
                // Reference errors of the whole set (unknown filters, blocks
                // a parent lacks) come as one text of blank-line-separated
                // reports: one diagnostic each, so all are seen at once.
                // A block the theme's base.html lacks is reported by every
                // built-in template that fills it: once per block is enough.
                _ => {
                    let text = first.to_string();
                    let mut seen = std::collections::HashSet::new();
                    for report in text.split("\n\n") {
                        let first_line = report.lines().next().unwrap_or("");
                        if !first_line.contains("is not defined in any parent template")
                            || seen.insert(first_line)
                        {
                            diags.push(text_diagnostic(report, sources));
                        }
                    }
                }
            }
        }
        diags
    }

    /// Whether any template may read the top-level variable `name`
    /// (Tera's own best-effort list; when it cannot tell, yes).
    pub fn refers_to(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|t| {
            self.tera.get_template_variables(t).map_or(true, |vars| {
                vars.contains(name) || vars.contains("__tera_context")
            })
        })
    }

    /// Values every template sees (`config`, `nav`, ...), set once.
    pub fn set_global(&mut self, key: &'static str, value: &impl Serialize) {
        self.tera.global_context().insert(key, value);
    }

    pub fn render(&self, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        self.tera
            .render(name, ctx)
            .map_err(|e| tera_diagnostic(&e, &self.sources))
    }
}

fn register_filters(tera: &mut Tera) {
    // `x | urlencode`: for building query strings and feed links.
    tera.register_filter(
        "urlencode",
        |s: &str, _: tera::Kwargs, _: &tera::State| -> String {
            s.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect()
        },
    );
}

/// Turns a Tera error into a diagnostic at the template's file and line.
fn tera_diagnostic(e: &tera::Error, sources: &BTreeMap<String, SourceFile>) -> Diagnostic {
    let report = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => Some(r),
        _ => None,
    };
    let Some(r) = report else {
        return text_diagnostic(&e.to_string(), sources);
    };
    let d = Diagnostic::error(format!("template error: {}", r.message()));
    match sources.get(r.filename()) {
        Some(src) => d.at(Location::at_line(
            &src.display,
            &src.text,
            r.span().start_line,
            r.span().start_col + 1,
        )),
        None => d.help(format!("in template `{}`", r.filename())),
    }
}

/// A text report of Tera's (reference errors: unknown filter, test,
/// include, a block no parent defines): located by its `--> name:line:col`.
fn text_diagnostic(text: &str, sources: &BTreeMap<String, SourceFile>) -> Diagnostic {
    let message = text
        .lines()
        .map(|l| l.trim().trim_start_matches("error:").trim())
        .find(|l| !l.is_empty() && !l.starts_with("-->"))
        .unwrap_or("template error")
        .to_string();
    let located = text.lines().find_map(|l| {
        let spot = l.trim().strip_prefix("-->")?.trim();
        let mut parts = spot.rsplitn(3, ':');
        let col: usize = parts.next()?.parse().ok()?;
        let line: usize = parts.next()?.parse().ok()?;
        let src = sources.get(parts.next()?)?;
        Some(Location::at_line(&src.display, &src.text, line, col))
    });
    let mut d = Diagnostic::error(format!("template error: {message}"));
    if message.contains("is not defined in any parent template") {
        // A theme's own base.html under the built-in templates (themes are
        // layered over the default one).
        d = d.help(
            "the base.html of your theme (or of templates/) must define every block the \
             built-in templates fill: title, meta, head_extra, kind, breadcrumbs and main \
             (an empty `{% block kind %}{% endblock kind %}` will do)",
        );
    }
    match located {
        Some(loc) => d.at(loc),
        None => d.help(format!(
            "{text}; check the theme's and the site's templates/ folders"
        )),
    }
}

impl ShortcodeTemplates for Templates {
    fn lookup(&self, name: &str) -> Option<bool> {
        self.shortcodes.get(name).copied()
    }

    fn render(&self, call: &Call<'_>, page: &PageInfo<'_>) -> Result<String, String> {
        let mut ctx = Context::new();
        let (named, positional): (BTreeMap<&str, &str>, Vec<&str>) = match call.args {
            Args::None => (BTreeMap::new(), Vec::new()),
            Args::Named(v) => (
                v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
                Vec::new(),
            ),
            Args::Positional(v) => (BTreeMap::new(), v.iter().map(String::as_str).collect()),
        };
        ctx.insert("args", &named);
        ctx.insert("pos", &positional);
        match call.inner {
            Some(inner) => ctx.insert("inner", inner),
            None => ctx.insert_value("inner", Value::none()),
        }
        ctx.insert(
            "page",
            &serde_json::json!({"title": page.title, "url": page.url}),
        );
        let name = format!("shortcodes/{}.html", call.name);
        self.tera.render(&name, &ctx).map_err(|e| {
            let d = tera_diagnostic(&e, &self.sources);
            match d.location {
                Some(l) => format!("{} ({}:{})", d.message, l.file.display(), l.line),
                None => d.message,
            }
        })
    }

    fn names(&self) -> Vec<String> {
        self.shortcodes.keys().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of themes/default is compiled in, and nothing else.
    #[test]
    fn builtin_theme_matches_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                e.path()
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect();
        on_disk.sort();
        let mut embedded: Vec<String> = DEFAULT_THEME.iter().map(|(p, _)| p.to_string()).collect();
        embedded.sort();
        assert_eq!(
            on_disk, embedded,
            "update DEFAULT_THEME in src/templates.rs"
        );
    }
}
