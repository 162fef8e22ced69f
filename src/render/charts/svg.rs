//! From plotters' SVG to ours: plotters draws with sentinel colours (one per
//! CSS class, handed out by `Palette`), then `finish` rewrites every element
//! so that classes decide colours. Inline `fill="#…"`, `stroke="#…"`,
//! `opacity` and `font-family` are dropped: the theme's CSS gives the light,
//! dark and print palettes, which an inline colour would override.
//!
//! plotters-svg writes one element per line with `key="value"` attributes
//! (values escaped) and text content on its own line; that is all this
//! parser relies on, and the unit tests pin it.

use plotters::style::RGBColor;

use super::super::xml;

/// Red channel of every sentinel colour; green and blue hold the index.
const MARK: u8 = 0x0b;
/// Class for a colour that is no sentinel (plotters' own defaults).
const INK: &str = "chart-ink";

/// The classes of one chart, each with its sentinel colour.
#[derive(Default)]
pub(super) struct Palette {
    classes: Vec<String>,
}

impl Palette {
    /// The colour that stands for `class` (the same class, the same colour).
    pub fn paint(&mut self, class: &str) -> RGBColor {
        let index = match self.classes.iter().position(|c| c == class) {
            Some(i) => i,
            None => {
                self.classes.push(class.to_string());
                self.classes.len() - 1
            }
        };
        RGBColor(MARK, (index >> 8) as u8, index as u8)
    }

    fn class_of(&self, colour: &str) -> &str {
        let hex = colour.strip_prefix('#').unwrap_or("");
        let byte = |i: usize| {
            hex.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        };
        match (hex.len(), byte(0), byte(2), byte(4)) {
            (6, Some(MARK), Some(g), Some(b)) => self
                .classes
                .get(usize::from(g) << 8 | usize::from(b))
                .map_or(INK, String::as_str),
            _ => INK,
        }
    }

    /// Our SVG from plotters' `raw`: a root with `viewBox`, `role="img"`,
    /// `<title>` and `<desc>` (ids from `id`), then the drawing with classes.
    pub fn finish(&self, raw: &str, id: &str, title: &str, desc: &str, size: (u32, u32)) -> String {
        let mut out = String::with_capacity(raw.len());
        out.push_str(&format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ob-chart\" viewBox=\"0 0 {} {}\" \
             role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\n\
             <title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>\n",
            size.0,
            size.1,
            xml::escape(title),
            xml::escape(desc),
        ));
        let mut in_text = false;
        for line in raw.lines() {
            if line.starts_with("<svg") || line == "</svg>" {
                continue;
            }
            if line == "</text>" {
                out.push_str("</text>\n");
                in_text = false;
            } else if in_text || !line.starts_with('<') {
                // Text content, escaped by plotters (from text we cleaned).
                out.push_str(line);
            } else {
                in_text = self.element(line, &mut out);
            }
        }
        out.push_str("</svg>");
        out
    }

    /// Rewrites one tag line; returns whether it opened a `<text>`.
    fn element(&self, line: &str, out: &mut String) -> bool {
        let (body, closed) = match line.strip_suffix("/>") {
            Some(b) => (b, true),
            None => (line.strip_suffix('>').unwrap_or(line), false),
        };
        let body = &body[1..];
        let (name, mut rest) = body.split_once(' ').unwrap_or((body, ""));
        let mut class = None;
        let mut attrs = String::new();
        while let Some((key, after)) = rest.trim_start().split_once("=\"") {
            let Some((value, tail)) = after.split_once('"') else {
                break;
            };
            rest = tail;
            match key {
                "fill" | "stroke" if value.starts_with('#') => {
                    class.get_or_insert(self.class_of(value));
                }
                "fill" | "stroke" | "opacity" | "font-family" | "stroke-width" => {}
                "font-size" => {
                    let px = value.parse::<f64>().map_or(12, |v| v.round() as i64);
                    attrs.push_str(&format!(" font-size=\"{px}\""));
                }
                _ => attrs.push_str(&format!(" {key}=\"{value}\"")),
            }
        }
        out.push('<');
        out.push_str(name);
        out.push_str(&format!(" class=\"{}\"", class.unwrap_or(INK)));
        out.push_str(&attrs);
        out.push_str(if closed { "/>\n" } else { ">" });
        name == "text" && !closed
    }
}

/// `s` without the characters XML 1.0 forbids (plotters escapes the rest).
pub(super) fn clean(s: &str) -> String {
    s.chars().filter(|&c| xml::allowed(c)).collect()
}

/// An id safe in an attribute and a CSS selector: `[A-Za-z0-9_-]`, never
/// empty.
pub(super) fn ident(s: &str) -> String {
    let id: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if id.is_empty() { "chart".into() } else { id }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentinel_colours_become_classes_and_literals_go() {
        let mut p = Palette::default();
        let a = p.paint("chart-line sev-1");
        assert_eq!(p.paint("chart-line sev-1"), a);
        let b = p.paint("chart-grid");
        let hex = |c: RGBColor| format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
        let raw = format!(
            "<svg width=\"10\" height=\"10\" viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\">\n\
             <polyline fill=\"none\" opacity=\"1\" stroke=\"{}\" stroke-width=\"2\" points=\"1,2 3,4 \"/>\n\
             <line opacity=\"1\" stroke=\"{}\" stroke-width=\"1\" x1=\"0\" y1=\"0\" x2=\"1\" y2=\"1\"/>\n\
             <rect x=\"0\" y=\"0\" fill=\"#123456\" stroke=\"none\"/>\n\
             <text x=\"1\" y=\"2\" dy=\"0.5ex\" font-family=\"sans-serif\" font-size=\"12.096774193548386\" opacity=\"1\" fill=\"{}\">\n\
             a &amp; b\n</text>\n</svg>\n",
            hex(a),
            hex(b),
            hex(b)
        );
        let svg = p.finish(&raw, "x", "T <1>", "D", (10, 10));
        assert_eq!(
            svg,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"ob-chart\" viewBox=\"0 0 10 10\" \
             role=\"img\" aria-labelledby=\"x-title x-desc\">\n\
             <title id=\"x-title\">T &lt;1&gt;</title>\n<desc id=\"x-desc\">D</desc>\n\
             <polyline class=\"chart-line sev-1\" points=\"1,2 3,4 \"/>\n\
             <line class=\"chart-grid\" x1=\"0\" y1=\"0\" x2=\"1\" y2=\"1\"/>\n\
             <rect class=\"chart-ink\" x=\"0\" y=\"0\"/>\n\
             <text class=\"chart-grid\" x=\"1\" y=\"2\" dy=\"0.5ex\" font-size=\"12\">a &amp; b</text>\n\
             </svg>"
        );
    }

    #[test]
    fn ids_and_text_are_made_safe() {
        assert_eq!(ident("avail 2026/07\"x"), "avail-2026-07-x");
        assert_eq!(ident(""), "chart");
        assert_eq!(clean("a\u{1b}b"), "ab");
    }
}
