//! `opsbook serve`: the real binary on a fixture site, `--port 0`, spoken
//! to with a plain std HTTP client. Changes are awaited by polling with a
//! generous deadline (never a timed assertion).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::Site;
use scraper::{Html, Selector};

/// A running `opsbook serve`, killed when dropped.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(site: &Site) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_opsbook"))
        .args(["serve", "--port", "0", "--root"])
        .arg(site.root())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start opsbook serve");
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).expect("read the printed URL");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"));
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();
    Server { child, addr }
}

struct Response {
    status: u16,
    headers: String,
    body: String,
}

impl Server {
    /// `GET path` with a raw request line (nothing normalised on our side).
    fn get(&self, path: &str) -> Response {
        let mut s = TcpStream::connect(&self.addr).expect("connect");
        write!(s, "GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.addr).unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (headers, body) = raw.split_once("\r\n\r\n").expect("a full response");
        let status = headers.split(' ').nth(1).unwrap().parse().unwrap();
        Response {
            status,
            headers: headers.to_string(),
            body: body.to_string(),
        }
    }

    /// Polls `path` until `ok` holds (deadline: a loaded CI machine).
    fn wait_for(&self, path: &str, ok: impl Fn(&Response) -> bool) -> Response {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let r = self.get(path);
            if ok(&r) {
                return r;
            }
            assert!(
                Instant::now() < deadline,
                "gave up waiting; last:\n{}",
                r.body
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn text_of(html: &str, css: &str) -> String {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(css).unwrap();
    doc.select(&sel)
        .map(|e| e.text().collect::<String>())
        .collect()
}

fn site() -> Site {
    let site = Site::new();
    site.file("opsbook.toml", "title = \"Fixture\"\n")
        .file(
            "content/_index.md",
            "---\ntitle: Home\n---\nWelcome home.\n",
        )
        .file("content/guide/_index.md", "---\ntitle: Guide\n---\n")
        .file(
            "content/guide/deploy.md",
            "---\ntitle: Deploy\n---\nThe first text.\n",
        );
    site
}

#[test]
fn serves_home_pages_and_static_files_with_content_types() {
    let site = site();
    let server = start(&site);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert!(
        home.headers.contains("Content-Type: text/html"),
        "{}",
        home.headers
    );
    assert!(text_of(&home.body, "main, body").contains("Welcome home."));
    // Served HTML listens for reloads; directories redirect to their `/`.
    assert!(home.body.contains("/__opsbook/reload"));
    let page = server.get("/guide/deploy/");
    assert!(text_of(&page.body, "body").contains("The first text."));
    let moved = server.get("/guide/deploy");
    assert_eq!(moved.status, 301);
    assert!(moved.headers.contains("Location: /guide/deploy/"));
    let sitemap = server.get("/sitemap.xml");
    assert!(sitemap.headers.contains("Content-Type: application/xml"));
    let doc = roxmltree::Document::parse(&sitemap.body).unwrap();
    // Links are made for the preview's own address.
    assert!(
        doc.descendants()
            .any(|n| n.text() == Some(&format!("http://{}/guide/deploy/", server.addr))),
        "{}",
        sitemap.body
    );
}

#[test]
fn unknown_paths_get_the_404_page_with_status_404() {
    let site = site();
    let server = start(&site);
    let r = server.get("/no/such/page/");
    assert_eq!(r.status, 404);
    site.build().assert_success();
    let built = std::fs::read_to_string(site.public().join("404.html")).unwrap();
    let title = text_of(&built, "title");
    assert!(!title.is_empty());
    assert_eq!(text_of(&r.body, "title"), title);
}

#[test]
fn path_traversal_is_refused() {
    let site = site();
    site.file("secret.txt", "TOP-SECRET");
    let server = start(&site);
    for path in [
        "/../secret.txt",
        "/../../../../etc/passwd",
        "/guide/%2e%2e/%2e%2e/secret.txt",
        "/guide/..%2f..%2fsecret.txt",
        "/%5c..%5csecret.txt",
    ] {
        let r = server.get(path);
        assert!(r.status == 400 || r.status == 404, "{path}: {}", r.status);
        assert!(!r.body.contains("TOP-SECRET"), "{path}");
        assert!(!r.body.contains("root:"), "{path}");
    }
}

#[test]
fn an_edit_is_served_and_a_bad_edit_keeps_the_last_good_page() {
    let site = site();
    let server = start(&site);
    assert!(
        server
            .get("/guide/deploy/")
            .body
            .contains("The first text.")
    );

    site.file(
        "content/guide/deploy.md",
        "---\ntitle: Deploy\n---\nThe second text.\n",
    );
    server.wait_for("/guide/deploy/", |r| {
        text_of(&r.body, "body").contains("The second text.")
    });

    // Broken front matter: the page keeps its last good text, and the
    // error (escaped, with its file) is shown over it.
    site.file(
        "content/guide/deploy.md",
        "---\ntitle: [<b>unclosed\n---\nThe third text.\n",
    );
    let r = server.wait_for("/guide/deploy/", |r| r.body.contains("opsbook-error"));
    assert!(text_of(&r.body, "body").contains("The second text."));
    assert!(!r.body.contains("The third text."));
    let overlay = text_of(&r.body, "#opsbook-error");
    assert!(overlay.contains("content/guide/deploy.md"), "{overlay}");
    assert!(
        !r.body.contains("[<b>unclosed"),
        "the error text is escaped"
    );
    // Other pages stay served too.
    assert_eq!(server.get("/").status, 200);

    // Fixed: the overlay goes, the new text comes.
    site.file(
        "content/guide/deploy.md",
        "---\ntitle: Deploy\n---\nThe fourth text.\n",
    );
    let r = server.wait_for("/guide/deploy/", |r| r.body.contains("The fourth text."));
    let r = if r.body.contains("opsbook-error") {
        server.wait_for("/guide/deploy/", |r| !r.body.contains("opsbook-error"))
    } else {
        r
    };
    assert!(text_of(&r.body, "body").contains("The fourth text."));
}

#[test]
fn the_reload_endpoint_emits_an_event_after_a_change() {
    let site = site();
    let server = start(&site);
    let mut s = TcpStream::connect(&server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(s, "GET /__opsbook/reload HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut events = BufReader::new(s);
    let mut head = String::new();
    while events.read_line(&mut head).unwrap() > 0 && !head.ends_with("\r\n\r\n") {}
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(head.contains("Content-Type: text/event-stream"), "{head}");

    site.file(
        "content/guide/deploy.md",
        "---\ntitle: Deploy\n---\nChanged.\n",
    );
    let mut line = String::new();
    loop {
        line.clear();
        assert!(events.read_line(&mut line).unwrap() > 0, "stream closed");
        if line.starts_with("data:") {
            break;
        }
    }
    assert!(line.contains("reload"), "{line}");
}

#[test]
fn nothing_is_written_under_the_site_root() {
    let site = site();
    let before = common::tree(site.root());
    let server = start(&site);
    site.file(
        "content/guide/deploy.md",
        "---\ntitle: Deploy\n---\nEdited.\n",
    );
    server.wait_for("/guide/deploy/", |r| r.body.contains("Edited."));
    drop(server);
    let mut after_expected = before;
    let edited = common::tree(site.root());
    // Only the edit itself differs.
    after_expected.insert(
        "content/guide/deploy.md".into(),
        edited["content/guide/deploy.md"].clone(),
    );
    common::assert_same_tree(&edited, &after_expected);
}
