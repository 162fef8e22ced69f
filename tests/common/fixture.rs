//! A scripted HTTP/1.1 server for the pull tests: it listens on
//! 127.0.0.1:0, answers each connection from a script (one reply per
//! request, `Connection: close`) and records what it was asked, so tests
//! can inject the faults real APIs show: 5xx, 429, truncated bodies,
//! resets and stalls.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// What the server does with one request.
#[derive(Clone, Debug)]
pub enum Reply {
    /// A complete response.
    Full {
        status: u16,
        headers: Vec<(String, String)>,
        body: String,
    },
    /// Headers claim `Content-Length: claimed` but only `body` is sent
    /// before the connection is closed.
    Truncated { body: String, claimed: usize },
    /// The connection is reset (RST) before any response byte.
    Reset,
    /// Nothing is sent for `for_`, then the connection is closed.
    Stall { for_: Duration },
}

impl Reply {
    pub fn json(status: u16, body: &str) -> Reply {
        Reply::Full {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    /// Adds a response header (only to `Full` replies).
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Full { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

/// One request as the server received it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

type Router = dyn Fn(usize, &Recorded) -> Reply + Send + Sync;

pub struct FixtureServer {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

impl FixtureServer {
    /// Replies with `script` in order; once it is exhausted, every further
    /// request gets a 599 so that an unexpected request shows in the test.
    pub fn scripted(script: Vec<Reply>) -> FixtureServer {
        FixtureServer::routed(move |n, _| {
            script
                .get(n)
                .cloned()
                .unwrap_or_else(|| Reply::json(599, r#"{"error":"script exhausted"}"#))
        })
    }

    /// Replies with whatever `route(request_number, request)` says.
    pub fn routed(route: impl Fn(usize, &Recorded) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let route: Arc<Router> = Arc::new(route);
        let recorded = Arc::clone(&requests);
        // The accept loop lives as long as the test process; one thread per
        // connection so a stalled reply never holds up the client's retry.
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let route = Arc::clone(&route);
                let recorded = Arc::clone(&recorded);
                thread::spawn(move || serve(stream, &*route, &recorded));
            }
        });
        FixtureServer { addr, requests }
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(mut stream: TcpStream, route: &Router, recorded: &Mutex<Vec<Recorded>>) {
    let Some((request, len)) = peek_request(&stream) else {
        return;
    };
    let n = {
        let mut all = recorded.lock().unwrap();
        all.push(request.clone());
        all.len() - 1
    };
    let reply = route(n, &request);
    if let Reply::Reset = reply {
        // Closing a socket whose received bytes were never read makes the
        // kernel answer with RST (std has no SO_LINGER): a crashed proxy.
        drop(stream);
        return;
    }
    let mut consumed = vec![0; len];
    if stream.read_exact(&mut consumed).is_err() {
        return;
    }
    match reply {
        Reply::Full {
            status,
            headers,
            body,
        } => {
            let mut head = format!(
                "HTTP/1.1 {status} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
                reason(status),
                body.len()
            );
            for (name, value) in headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
        Reply::Truncated { body, claimed } => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {claimed}\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
        Reply::Stall { for_ } => thread::sleep(for_),
        Reply::Reset => unreachable!(),
    }
}

/// Parses one request from peeked (not consumed) bytes, so that a `Reset`
/// can still leave them unread; returns it with its length in bytes.
fn peek_request(stream: &TcpStream) -> Option<(Recorded, usize)> {
    let mut buf = vec![0; 1 << 16];
    for _ in 0..200 {
        let n = stream.peek(&mut buf).ok()?;
        if n == 0 {
            return None;
        }
        if let Some(parsed) = parse_request(&buf[..n]) {
            return Some(parsed);
        }
        thread::sleep(Duration::from_millis(5));
    }
    None
}

fn parse_request(bytes: &[u8]) -> Option<(Recorded, usize)> {
    let head_end = bytes.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&bytes[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split_whitespace();
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let len: usize = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let body = bytes.get(head_end..head_end + len)?;
    let request = Recorded {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(body).into_owned(),
    };
    Some((request, head_end + len))
}

/// Panics unless `text` is free of `token` and of any `SECRET` (the tests'
/// tokens all hold it, so a part of one shows too).
#[track_caller]
pub fn assert_no_token(token: &str, text: &str) {
    assert!(!text.contains(token), "token leaked into: {text}");
    assert!(!text.contains("SECRET"), "token leaked into: {text}");
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
