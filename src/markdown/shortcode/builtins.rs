//! The built-in shortcodes, plain Rust so that the common case never goes
//! through a template engine: `details`, `alert`, `youtube`.

use super::{Call, Delim, Output, SpanError};
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
