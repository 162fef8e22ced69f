//! The preview's HTTP/1.1 server: GET and HEAD of the in-memory site, one
//! thread per connection, one request per connection (loopback preview
//! needs no more). Directories serve `index.html`, unknown paths `404.html`
//! with status 404 (as GitLab Pages does), and nothing outside the site is
//! reachable: the site is a map of paths, and `..` is refused outright.
//!
//! Served HTML (never the built files themselves) gets a small script that
//! listens on `/__opsbook/reload` (Server-Sent Events) and reloads the page
//! after each rebuild, and, while the last build failed, an overlay with
//! its diagnostics.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use super::State;
use crate::content::paths::decode_path_strict;
use crate::markdown::escape::escape_html;

/// The Server-Sent Events endpoint.
pub const RELOAD_PATH: &str = "/__opsbook/reload";

/// Accepts connections for ever, each on its own thread.
pub fn serve(listener: TcpListener, state: Arc<State>) {
    for stream in listener.incoming().flatten() {
        let state = Arc::clone(&state);
        std::thread::spawn(move || {
            // A client that goes away mid-answer is not our problem.
            let _ = handle(stream, &state);
        });
    }
}

fn handle(mut stream: TcpStream, state: &State) -> std::io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    // Headers are read and ignored: nothing here depends on them.
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim_end().is_empty() {
            break;
        }
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let head = method == "HEAD";
    if method != "GET" && !head {
        return respond(
            &mut stream,
            405,
            "text/plain; charset=utf-8",
            b"GET or HEAD only\n",
            head,
        );
    }
    let path = target.split(['?', '#']).next().unwrap_or("");
    if path == RELOAD_PATH {
        return events(stream, state);
    }
    let Some(rel) = site_path(path) else {
        return respond(
            &mut stream,
            400,
            "text/plain; charset=utf-8",
            b"bad path\n",
            head,
        );
    };
    let (files, error) = state.snapshot();
    let found = if rel.is_empty() || rel.ends_with('/') {
        files
            .get(&format!("{rel}index.html"))
            .map(|b| (rel.clone() + "index.html", b))
    } else {
        files.get(&rel).map(|b| (rel.clone(), b))
    };
    match found {
        Some((name, body)) => {
            let body = decorate(&name, body, error.as_deref());
            respond(&mut stream, 200, content_type(&name), &body, head)
        }
        // `/a/b` is the directory `/a/b/`: send the browser there, so
        // that relative links resolve as on the real host.
        None if files.contains_key(&format!("{rel}/index.html")) => {
            let to = format!("{path}/");
            let msg = format!(
                "HTTP/1.1 301 Moved Permanently\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            stream.write_all(msg.as_bytes())
        }
        None => {
            let body = match files.get("404.html") {
                Some(b) => decorate("404.html", b, error.as_deref()),
                None => b"not found\n".to_vec(),
            };
            respond(&mut stream, 404, "text/html; charset=utf-8", &body, head)
        }
    }
}

/// The `/`-separated key of a request path (percent-decoded, leading `/`
/// dropped, a trailing `/` kept), or `None` for anything that could climb
/// out (`..`, `\`, NUL) or is not UTF-8.
pub fn site_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix('/')?;
    let rel = decode_path_strict(rest)?;
    if rel.contains(['\\', '\0']) || rel.split('/').any(|c| c == ".." || c == ".") {
        return None;
    }
    // `//` collapses, as on a static host.
    let mut out = rel
        .split('/')
        .filter(|c| !c.is_empty())
        .collect::<Vec<_>>()
        .join("/");
    if rel.ends_with('/') && !out.is_empty() {
        out.push('/');
    }
    Some(out)
}

pub fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map_or("", |(_, e)| e);
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" if name.ends_with("atom.xml") => "application/atom+xml",
        "xml" => "application/xml",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "txt" | "md" => "text/plain; charset=utf-8",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// The reload script (and the error overlay) added to served HTML.
fn decorate(name: &str, body: &[u8], error: Option<&str>) -> Vec<u8> {
    if !name.ends_with(".html") {
        return body.to_vec();
    }
    let mut extra = format!(
        "<script>new EventSource(\"{RELOAD_PATH}\").onmessage=function(){{location.reload()}};</script>"
    );
    if let Some(error) = error {
        extra.push_str(&format!(
            "<div id=\"opsbook-error\" style=\"position:fixed;inset:0;z-index:99999;overflow:auto;\
             background:rgba(20,0,0,.92);color:#fdd;padding:2em;font:14px/1.4 monospace\">\
             <p><strong>opsbook: the last edit does not build; this is the last good site.</strong></p>\
             <pre style=\"white-space:pre-wrap\">{}</pre></div>",
            escape_html(error)
        ));
    }
    let text = String::from_utf8_lossy(body);
    match text.rfind("</body>") {
        Some(at) => format!("{}{extra}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{extra}").into_bytes(),
    }
}

fn respond(
    stream: &mut TcpStream,
    status: u16,
    ctype: &str,
    body: &[u8],
    head: bool,
) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let header = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(header.as_bytes())?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Server-Sent Events: one `reload` event per finished rebuild (good or
/// bad), a comment every few seconds so a closed tab ends the thread.
fn events(mut stream: TcpStream, state: &State) -> std::io::Result<()> {
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
          Connection: close\r\n\r\n: connected\n\n",
    )?;
    stream.flush()?;
    let mut seen = state.generation();
    loop {
        let now = state.wait_change(seen, Duration::from_secs(5));
        if now == seen {
            stream.write_all(b": ping\n\n")?;
        } else {
            seen = now;
            stream.write_all(format!("event: message\ndata: reload {now}\n\n").as_bytes())?;
        }
        stream.flush()?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_keys_and_traversal_is_refused() {
        assert_eq!(site_path("/").as_deref(), Some(""));
        assert_eq!(site_path("/a/b/").as_deref(), Some("a/b/"));
        assert_eq!(site_path("/a//b").as_deref(), Some("a/b"));
        assert_eq!(site_path("/on-call-%232/").as_deref(), Some("on-call-#2/"));
        assert_eq!(site_path("/../etc/passwd"), None);
        assert_eq!(site_path("/a/%2e%2e/%2e%2e/x"), None);
        assert_eq!(site_path("/a/..%2fx"), None);
        assert_eq!(site_path("/a%5c..%5cx"), None);
        assert_eq!(site_path("/%zz"), None);
        // Two hex digits, not a signed number: `%+1` is no escape.
        assert_eq!(site_path("/%+1"), None);
        assert_eq!(site_path("relative"), None);
    }

    #[test]
    fn only_html_is_decorated_and_errors_are_escaped() {
        let html = decorate("a/index.html", b"<html><body>x</body></html>", Some("<b>&"));
        let html = String::from_utf8(html).unwrap();
        assert!(html.contains(RELOAD_PATH));
        assert!(
            html.contains("&lt;b&gt;&amp;") && !html.contains("<b>&"),
            "{html}"
        );
        assert!(html.ends_with("</body></html>"));
        assert_eq!(decorate("css/a.css", b"body{}", Some("e")), b"body{}");
        assert_eq!(content_type("css/a.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("incidents/atom.xml"), "application/atom+xml");
    }
}
