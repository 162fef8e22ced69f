//! The built-in shortcodes, plain Rust so that the common case never goes
//! through a template engine: `details`, `alert`, `youtube`, and Hugo's
//! own `highlight` and `figure` (their HTML as Hugo 0.168 writes it,
//! checked by tests/hugo_parity.rs).

use super::{Call, Delim, Output, SpanError};
use crate::config::Markdown;
use crate::markdown::escape::escape_html;

/// The colours of `alert` the theme styles.
pub const ALERT_COLORS: &[&str] = &[
    "primary",
    "secondary",
    "info",
    "success",
    "warning",
    "danger",
];

/// `prefix inner suffix`, remembering where the inner text went.
fn around(prefix: String, inner: &str, suffix: &str) -> Output {
    let mut text = prefix;
    let inner_at = (!inner.is_empty()).then_some(text.len());
    text.push_str(inner);
    text.push_str(suffix);
    Output { text, inner_at }
}

/// `{{% details summary="..." %}}`: a collapsible block. The blank lines
/// close the HTML blocks so that the inner markdown is rendered.
pub(super) fn details(call: &Call<'_>) -> Output {
    let summary = escape_html(call.args.named_or_nth("summary", 0).unwrap_or("Details"));
    let open = if call.args.get("open").is_some_and(|v| v != "false") {
        " open"
    } else {
        ""
    };
    let inner = call.inner.unwrap_or("");
    match call.delim {
        Delim::Markdown => around(
            format!("<details class=\"details\"{open}>\n<summary>{summary}</summary>\n\n"),
            inner,
            "\n\n</details>",
        ),
        Delim::Html => around(
            format!("<details class=\"details\"{open}><summary>{summary}</summary>"),
            inner,
            "</details>",
        ),
    }
}

/// `{{% alert title="Note" color="warning" %}}`: a coloured call-out box in
/// one of the `ALERT_COLORS`.
pub(super) fn alert(call: &Call<'_>) -> Result<Output, SpanError> {
    let color = call.args.named_or_nth("color", 0).unwrap_or("primary");
    if !ALERT_COLORS.contains(&color) {
        return Err(
            SpanError::new(0, format!("`{color}` is not a colour of `alert`")).help(format!(
                "use one of: {} (the default is primary)",
                ALERT_COLORS.join(", ")
            )),
        );
    }
    let heading = call
        .args
        .get("title")
        .map(|t| {
            format!(
                "<div class=\"alert-heading\"><strong>{}</strong></div>",
                escape_html(t)
            )
        })
        .unwrap_or_default();
    let inner = call.inner.unwrap_or("");
    Ok(match call.delim {
        Delim::Markdown => around(
            format!("<div class=\"alert alert-{color}\" role=\"alert\">\n{heading}\n\n"),
            inner,
            "\n\n</div>",
        ),
        Delim::Html => around(
            format!("<div class=\"alert alert-{color}\" role=\"alert\">{heading}"),
            inner,
            "</div>",
        ),
    })
}

/// `{{< youtube ID >}}`: an embedded video from the privacy-enhanced domain.
pub(super) fn youtube(call: &Call<'_>) -> Result<String, String> {
    let Some(id) = call.args.named_or_nth("id", 0) else {
        return Err("shortcode `youtube` needs a video id: {{< youtube VIDEO_ID >}}".into());
    };
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(format!(
            "`{id}` is not a YouTube video id (letters, digits, - and _ only)"
        ));
    }
    let title = escape_html(call.args.get("title").unwrap_or("YouTube video"));
    Ok(format!(
        "<div class=\"video\"><iframe src=\"https://www.youtube-nocookie.com/embed/{id}\" title=\"{title}\" loading=\"lazy\" allow=\"encrypted-media; picture-in-picture\" allowfullscreen></iframe></div>"
    ))
}

/// `{{< highlight LANG >}}code{{< /highlight >}}`: a code block, as a
/// fenced one with that language is (Hugo's options after the language,
/// `linenos=table` and the like, are accepted and not applied).
pub(super) fn highlight(call: &Call<'_>) -> String {
    let lang = call.args.named_or_nth("lang", 0).unwrap_or("");
    crate::markdown::code_block(lang, &deindent(call.inner.unwrap_or("")), true)
}

/// Code as written inside a call, possibly indented under a list item:
/// blank lines at both ends dropped, the indent all lines share removed
/// (Hugo's `.InnerDeindent`), one newline at the end.
fn deindent(inner: &str) -> String {
    let lines: Vec<&str> = inner.lines().collect();
    let blank = |l: &&str| l.trim().is_empty();
    let first = lines.iter().position(|l| !blank(l)).unwrap_or(lines.len());
    let last = lines
        .iter()
        .rposition(|l| !blank(l))
        .map_or(first, |k| k + 1);
    let lines = &lines[first..last.max(first)];
    let indent = lines
        .iter()
        .filter(|l| !blank(l))
        .map(|l| l.len() - l.trim_start_matches([' ', '\t']).len())
        .min()
        .unwrap_or(0);
    let mut code = String::new();
    for line in lines {
        code.push_str(line.get(indent..).unwrap_or(line.trim_start()));
        code.push('\n');
    }
    code
}

/// `{{< figure src="x.png" alt="…" title="…" caption="…" link="…" >}}`:
/// an image with its caption (inline markdown, as Hugo's `markdownify`).
pub(super) fn figure(call: &Call<'_>, settings: &Markdown) -> Result<String, String> {
    let Some(src) = call.args.named_or_nth("src", 0) else {
        return Err(
            "shortcode `figure` needs an image: {{< figure src=\"image.png\" alt=\"what it shows\" >}}"
                .into(),
        );
    };
    let get = |k: &str| call.args.get(k).filter(|v| !v.is_empty());
    let attr = |html: &mut String, name: &str, value: Option<&str>| {
        if let Some(v) = value {
            html.push_str(&format!(" {name}=\"{}\"", escape_html(v)));
        }
    };
    let mut html = String::from("<figure");
    attr(&mut html, "class", get("class"));
    html.push('>');
    let link = get("link");
    if let Some(link) = link {
        html.push_str(&format!("<a href=\"{}\"", escape_html(link)));
        attr(&mut html, "target", get("target"));
        attr(&mut html, "rel", get("rel"));
        html.push('>');
    }
    html.push_str(&format!("<img src=\"{}\"", escape_html(src)));
    // Without `alt`, the caption's text is the image's text, as in Hugo.
    let alt = get("alt")
        .map(str::to_string)
        .or_else(|| get("caption").map(|c| markdown_text(c, settings)));
    attr(&mut html, "alt", alt.as_deref());
    for name in ["width", "height", "loading"] {
        attr(&mut html, name, get(name));
    }
    html.push('>');
    if link.is_some() {
        html.push_str("</a>");
    }
    let (title, caption, credit) = (get("title"), get("caption"), get("attr"));
    if title.is_some() || caption.is_some() || credit.is_some() {
        html.push_str("<figcaption>");
        if let Some(t) = title {
            html.push_str(&format!("<h4>{}</h4>", escape_html(t)));
        }
        if caption.is_some() || credit.is_some() {
            html.push_str("<p>");
            html.push_str(&inline_markdown(caption.unwrap_or(""), settings));
            let credit = credit.map_or(String::new(), |c| inline_markdown(c, settings));
            match get("attrlink") {
                Some(l) => html.push_str(&format!("<a href=\"{}\">{credit}</a>", escape_html(l))),
                None => html.push_str(&credit),
            }
            html.push_str("</p>");
        }
        html.push_str("</figcaption>");
    }
    html.push_str("</figure>");
    Ok(html)
}

/// One line of markdown as inline HTML (no surrounding paragraph), with
/// the site's smart punctuation, autolinks and emoji (Hugo's `markdownify`).
fn inline_markdown(md: &str, settings: &Markdown) -> String {
    let events: Vec<_> =
        pulldown_cmark::Parser::new_ext(md, crate::markdown::options(settings)).collect();
    let events =
        crate::markdown::inline::apply(events, crate::markdown::inline::Opts::of(settings));
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    let html = html.trim_end();
    match html
        .strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
    {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html.to_string(),
    }
}

/// The text of one line of markdown (markup dropped), for an `alt`.
fn markdown_text(md: &str, settings: &Markdown) -> String {
    use pulldown_cmark::Event;
    let mut text = String::new();
    for event in pulldown_cmark::Parser::new_ext(md, crate::markdown::options(settings)) {
        match event {
            Event::Text(t) => match crate::markdown::inline::emojify(&t).filter(|_| settings.emoji)
            {
                Some(e) => text.push_str(&e),
                None => text.push_str(&t),
            },
            Event::Code(t) => text.push_str(&t),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text
}

/// An unknown shortcode when migrating (`[shortcodes] unknown = "warn"`):
/// the call shown as written, around its inner text.
pub(super) fn missing(call: &Call<'_>) -> Output {
    let tag = |slash: &str| {
        format!(
            "<span class=\"shortcode-missing\">{}</span>",
            escape_html(&format!(
                "{} {slash}{} {}",
                call.delim.open(),
                call.name,
                call.delim.close()
            ))
        )
    };
    match call.inner {
        Some(inner) => around(tag(""), inner, &tag("/")),
        None => Output {
            text: tag(""),
            inner_at: None,
        },
    }
}
