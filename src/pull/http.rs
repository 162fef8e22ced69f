//! The HTTP layer of `opsbook pull`: one small `Client` API over the HTTP
//! library (ureq today; swapping it touches only this file), with the
//! reliability rules of the pull stage (timeouts, retries with backoff and
//! jitter, 429 `Retry-After`/`ratelimit-reset`, a bounded total time) and
//! the secrecy rules for tokens (`Secret`: sent only in a header, never
//! shown in URLs, errors, logs or panics).

use std::collections::BTreeMap;
use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Largest response body read, so a misbehaving server cannot exhaust memory.
const BODY_LIMIT: u64 = 64 * 1024 * 1024;
/// How much of a failing response's body an error shows.
const EXCERPT_CHARS: usize = 300;
/// Query parameters whose values are credentials, redacted when shown.
const SECRET_PARAMS: &[&str] = &["token", "private_token", "access_token", "api_key"];

/// How patient the client is.
#[derive(Clone, Debug)]
pub struct Settings {
    pub connect_timeout: Duration,
    /// The longest wait for any single read (headers or body).
    pub read_timeout: Duration,
    /// All attempts of one request, waits included, end within this.
    pub total_budget: Duration,
    /// Attempts after the first.
    pub retries: u32,
    pub user_agent: String,
    /// First backoff; it doubles on each retry up to `backoff_max`.
    pub backoff_base: Duration,
    pub backoff_max: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            total_budget: Duration::from_secs(300),
            retries: 5,
            user_agent: concat!("opsbook/", env!("CARGO_PKG_VERSION")).to_string(),
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
        }
    }
}

/// Time as the retry logic sees it: injectable so tests never wait.
pub trait Clock: Send + Sync {
    /// Wall-clock time, for `Retry-After` dates and `ratelimit-reset`.
    fn now(&self) -> SystemTime;
    fn sleep(&self, d: Duration);
}

/// The real clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
    fn sleep(&self, d: Duration) {
        std::thread::sleep(d);
    }
}

/// A clock whose `sleep` returns at once and only advances `now`; it
/// records every wait so tests can check the backoff and `Retry-After`.
pub struct VirtualClock {
    base: SystemTime,
    started: Instant,
    slept: Mutex<Vec<Duration>>,
}

impl VirtualClock {
    pub fn new() -> VirtualClock {
        VirtualClock {
            base: SystemTime::now(),
            started: Instant::now(),
            slept: Mutex::new(Vec::new()),
        }
    }

    /// Every wait asked for, in order.
    pub fn slept(&self) -> Vec<Duration> {
        self.slept.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Default for VirtualClock {
    fn default() -> Self {
        VirtualClock::new()
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> SystemTime {
        self.base + self.started.elapsed() + self.slept().iter().sum::<Duration>()
    }
    fn sleep(&self, d: Duration) {
        self.slept.lock().unwrap_or_else(|e| e.into_inner()).push(d);
    }
}

/// A token read from an environment variable. It prints as `[redacted]`
/// and leaves this module only inside a request header.
#[derive(Clone)]
pub struct Secret {
    var: String,
    value: String,
}

impl Secret {
    /// Reads the token from environment variable `var`.
    pub fn from_env(var: &str) -> Result<Secret, SecretError> {
        match std::env::var(var) {
            Ok(value) if !value.trim().is_empty() => Ok(Secret::new(var, value.trim())),
            Ok(_) => Err(SecretError {
                var: var.to_string(),
                problem: "is empty",
            }),
            Err(std::env::VarError::NotPresent) => Err(SecretError {
                var: var.to_string(),
                problem: "is not set",
            }),
            Err(std::env::VarError::NotUnicode(_)) => Err(SecretError {
                var: var.to_string(),
                problem: "is not valid UTF-8",
            }),
        }
    }

    /// A token from elsewhere; `var` names where it came from in messages.
    pub fn new(var: &str, value: &str) -> Secret {
        Secret {
            var: var.to_string(),
            value: value.to_string(),
        }
    }

    /// The environment variable the token came from (safe to show).
    pub fn var(&self) -> &str {
        &self.var
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A token's environment variable is missing or unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretError {
    pub var: String,
    problem: &'static str,
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "environment variable {} {}; set it to the API token (e.g. `export {}=...`) or change `token_env` in opsbook.toml",
            self.var, self.problem, self.var
        )
    }
}

impl std::error::Error for SecretError {}

/// A token and the header that carries it.
#[derive(Clone, Debug)]
pub struct Auth {
    secret: Secret,
    header: &'static str,
    prefix: &'static str,
}

impl Auth {
    /// GitLab: `PRIVATE-TOKEN: <token>`.
    pub fn gitlab(secret: Secret) -> Auth {
        Auth::header("PRIVATE-TOKEN", "", secret)
    }

    /// PagerDuty: `Authorization: Token token=<token>`.
    pub fn pagerduty(secret: Secret) -> Auth {
        Auth::header("Authorization", "Token token=", secret)
    }

    /// Any other scheme, e.g. `("Authorization", "Bearer ")`.
    pub fn header(name: &'static str, prefix: &'static str, secret: Secret) -> Auth {
        Auth {
            secret,
            header: name,
            prefix,
        }
    }
}

/// A successful (status below 400) response.
#[derive(Clone, Debug)]
pub struct Response {
    /// The URL asked, credentials redacted.
    pub url: String,
    pub status: u16,
    /// Names in lower case; repeated headers joined with ", ".
    pub headers: BTreeMap<String, String>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .get(&name.to_ascii_lowercase())
            .map(String::as_str)
    }

    /// GitLab's next page number (`x-next-page`), absent or empty on the last.
    pub fn next_page(&self) -> Option<u64> {
        self.header("x-next-page")?.trim().parse().ok()
    }

    /// The body parsed as JSON; a malformed body is an error naming the URL.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, HttpError> {
        serde_json::from_str(&self.body).map_err(|e| HttpError {
            method: "GET",
            url: self.url.clone(),
            attempts: 1,
            token_var: None,
            gave_up: None,
            kind: ErrorKind::Decode(format!("{e}; body starts: {}", excerpt(&self.body))),
        })
    }
}

/// Why a request failed, once retries were spent or pointless.
#[derive(Clone, Debug)]
pub enum ErrorKind {
    /// The server answered with an error status.
    Status { status: u16, excerpt: String },
    /// No usable answer: connection refused or reset, timeout, truncated body.
    Transport(String),
    /// The body was not the JSON expected.
    Decode(String),
}

/// A failed request: the redacted URL, what went wrong and what to do.
#[derive(Clone, Debug)]
pub struct HttpError {
    pub method: &'static str,
    /// Credentials redacted.
    pub url: String,
    pub attempts: u32,
    pub kind: ErrorKind,
    /// The token's variable, to point at on 401/403.
    token_var: Option<String>,
    /// Why retrying stopped early, if it did.
    gave_up: Option<String>,
}

impl HttpError {
    pub fn status(&self) -> Option<u16> {
        match self.kind {
            ErrorKind::Status { status, .. } => Some(status),
            _ => None,
        }
    }

    /// What the user can do about it.
    pub fn help(&self) -> String {
        let var = self.token_var.as_deref().unwrap_or("the token variable");
        match self.status() {
            Some(401) => format!("check that {var} holds a valid, unexpired token"),
            Some(403) => format!("the token in {var} lacks access: give it read access to the API"),
            Some(404) => "check the URL and project/service ids in opsbook.toml".into(),
            Some(429) => "the API is rate limiting: wait and run `opsbook pull` again".into(),
            Some(s) if s >= 500 => "the server is failing: try again later".into(),
            Some(_) => "check the URL and settings in opsbook.toml".into(),
            None => match self.kind {
                ErrorKind::Decode(_) => {
                    "the server did not answer with the expected JSON: check the URL in opsbook.toml"
                        .into()
                }
                _ => "check the URL in opsbook.toml and that the server is reachable".into(),
            },
        }
    }
}

impl HttpError {
    /// What failed, without the help (diagnostics show the help apart).
    pub fn message(&self) -> String {
        use std::fmt::Write;
        let mut f = format!("{} {}: ", self.method, self.url);
        match &self.kind {
            ErrorKind::Status { status, excerpt } => {
                let _ = write!(f, "HTTP {status}");
                if !excerpt.is_empty() {
                    let _ = write!(f, ", body: \"{excerpt}\"");
                }
            }
            ErrorKind::Transport(msg) => f.push_str(msg),
            ErrorKind::Decode(msg) => {
                let _ = write!(f, "invalid JSON: {msg}");
            }
        }
        let s = if self.attempts == 1 { "" } else { "s" };
        let _ = write!(f, " ({} attempt{s}", self.attempts);
        if let Some(why) = &self.gave_up {
            let _ = write!(f, "; {why}");
        }
        f.push(')');
        f
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; help: {}", self.message(), self.help())
    }
}

impl std::error::Error for HttpError {}

/// The HTTP client of `opsbook pull`.
pub struct Client {
    agent: ureq::Agent,
    settings: Settings,
    clock: Arc<dyn Clock>,
}

impl Client {
    pub fn new(settings: Settings) -> Client {
        Client::with_clock(settings, Arc::new(SystemClock))
    }

    /// A client whose waits go through `clock` (tests pass a `VirtualClock`).
    pub fn with_clock(settings: Settings, clock: Arc<dyn Clock>) -> Client {
        let agent = ureq::Agent::config_builder()
            .timeout_connect(Some(settings.connect_timeout))
            .timeout_per_read(Some(settings.read_timeout))
            // Error statuses are answers to inspect, not transport failures.
            .http_status_as_error(false)
            .user_agent(settings.user_agent.as_str())
            .build()
            .into();
        Client {
            agent,
            settings,
            clock,
        }
    }

    /// `GET url?query` expecting JSON, retried as the settings say.
    pub fn get_json(
        &self,
        url: &str,
        query: &[(&str, &str)],
        auth: Option<&Auth>,
    ) -> Result<Response, HttpError> {
        self.send(
            "GET",
            url,
            query,
            &[("Accept", "application/json")],
            None,
            auth,
        )
    }

    /// `POST url` with a JSON body (GitLab GraphQL queries: safe to retry).
    pub fn post_json(
        &self,
        url: &str,
        body: &str,
        auth: Option<&Auth>,
    ) -> Result<Response, HttpError> {
        let headers = [
            ("Accept", "application/json"),
            ("Content-Type", "application/json"),
        ];
        self.send("POST", url, &[], &headers, Some(body), auth)
    }

    /// Any request, with extra headers (e.g. PagerDuty's `Accept`).
    pub fn send(
        &self,
        method: &'static str,
        url: &str,
        query: &[(&str, &str)],
        headers: &[(&str, &str)],
        body: Option<&str>,
        auth: Option<&Auth>,
    ) -> Result<Response, HttpError> {
        let full = with_query(url, query);
        let shown = redact_url(&full);
        let start = self.clock.now();
        let elapsed = || self.clock.now().duration_since(start).unwrap_or_default();
        let mut attempts = 0;
        loop {
            attempts += 1;
            let remaining = self.settings.total_budget.saturating_sub(elapsed());
            let (kind, wait) = match self.once(method, &full, headers, body, auth, remaining) {
                Ok((status, headers, body)) if status < 400 => {
                    return Ok(Response {
                        url: shown,
                        status,
                        headers,
                        body,
                    });
                }
                Ok((status, headers, body)) => {
                    let kind = ErrorKind::Status {
                        status,
                        excerpt: excerpt(&body),
                    };
                    let wait = match status {
                        429 => Some(
                            server_wait(&headers, self.clock.now())
                                .unwrap_or_else(|| self.backoff(attempts)),
                        ),
                        408 | 500.. => Some(self.backoff(attempts)),
                        _ => None,
                    };
                    (kind, wait)
                }
                Err(msg) => (ErrorKind::Transport(msg), Some(self.backoff(attempts))),
            };
            let fail = |gave_up: Option<String>| HttpError {
                method,
                url: shown.clone(),
                attempts,
                kind: scrub(kind.clone(), auth),
                token_var: auth.map(|a| a.secret.var.clone()),
                gave_up,
            };
            let Some(wait) = wait else {
                return Err(fail(None));
            };
            if attempts > self.settings.retries {
                return Err(fail(Some("retries exhausted".into())));
            }
            if elapsed() + wait >= self.settings.total_budget {
                return Err(fail(Some(format!(
                    "giving up: waiting {} more would pass the total time budget of {}",
                    secs(wait),
                    secs(self.settings.total_budget)
                ))));
            }
            self.clock.sleep(wait);
        }
    }

    /// One attempt: the status, headers and body, or why there was none.
    fn once(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
        auth: Option<&Auth>,
        remaining: Duration,
    ) -> Result<(u16, BTreeMap<String, String>, String), String> {
        if remaining.is_zero() {
            return Err("the total time budget is spent".into());
        }
        let mut req = ureq::http::Request::builder().method(method).uri(url);
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        if let Some(auth) = auth {
            req = req.header(auth.header, format!("{}{}", auth.prefix, auth.secret.value));
        }
        // A GET carries no body at all (not even an empty one).
        let sent = match body {
            Some(body) => req
                .body(body.to_string())
                .map_err(|e| format!("invalid request: {e}"))
                .map(|r| self.run(r, remaining)),
            None => req
                .body(())
                .map_err(|e| format!("invalid request: {e}"))
                .map(|r| self.run(r, remaining)),
        };
        let mut resp = sent?.map_err(transport_message)?;
        let status = resp.status().as_u16();
        let mut map: BTreeMap<String, String> = BTreeMap::new();
        for (name, value) in resp.headers() {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            map.entry(name.as_str().to_ascii_lowercase())
                .and_modify(|v| {
                    v.push_str(", ");
                    v.push_str(&value);
                })
                .or_insert(value);
        }
        let text = resp
            .body_mut()
            .with_config()
            .limit(BODY_LIMIT)
            .read_to_string()
            .map_err(|e| format!("reading the response body failed: {}", transport_message(e)))?;
        Ok((status, map, text))
    }

    fn run<B: ureq::AsSendBody>(
        &self,
        req: ureq::http::Request<B>,
        remaining: Duration,
    ) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        let req = self
            .agent
            .configure_request(req)
            .timeout_global(Some(remaining))
            .build();
        self.agent.run(req)
    }

    /// Exponential backoff with jitter: half fixed, half random, so that
    /// clients failing together do not retry together.
    fn backoff(&self, attempt: u32) -> Duration {
        let exp = self
            .settings
            .backoff_base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
            .min(self.settings.backoff_max);
        let half = exp / 2;
        let nanos = half.as_nanos() as u64;
        let jitter = if nanos == 0 { 0 } else { random() % nanos };
        half + Duration::from_nanos(jitter)
    }
}

/// A short, token-free description of a transport failure.
fn transport_message(e: ureq::Error) -> String {
    match e {
        ureq::Error::Timeout(which) => format!("timed out ({which})"),
        ureq::Error::Io(io) => match io.kind() {
            std::io::ErrorKind::ConnectionReset => "connection reset by the server".into(),
            std::io::ErrorKind::ConnectionRefused => "connection refused".into(),
            std::io::ErrorKind::UnexpectedEof => {
                "the server closed the connection early (truncated response)".into()
            }
            _ => format!("I/O error: {io}"),
        },
        ureq::Error::HostNotFound => "host not found".into(),
        ureq::Error::ConnectionFailed => "connection failed".into(),
        other => other.to_string(),
    }
}

/// Defence in depth: even if a library echoed the token, it is cut here.
fn scrub(kind: ErrorKind, auth: Option<&Auth>) -> ErrorKind {
    let Some(token) = auth
        .map(|a| a.secret.value.as_str())
        .filter(|t| !t.is_empty())
    else {
        return kind;
    };
    let cut = |s: String| s.replace(token, "[redacted]");
    match kind {
        ErrorKind::Status { status, excerpt } => ErrorKind::Status {
            status,
            excerpt: cut(excerpt),
        },
        ErrorKind::Transport(m) => ErrorKind::Transport(cut(m)),
        ErrorKind::Decode(m) => ErrorKind::Decode(cut(m)),
    }
}

/// The wait a 429 asks for: `Retry-After` (seconds or an HTTP date), else
/// `ratelimit-reset` (epoch seconds, or seconds from now when small).
fn server_wait(headers: &BTreeMap<String, String>, now: SystemTime) -> Option<Duration> {
    let now_secs = now.duration_since(UNIX_EPOCH).ok()?.as_secs_f64();
    if let Some(v) = headers.get("retry-after").map(|v| v.trim()) {
        if let Ok(secs) = v.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(date) = chrono::DateTime::parse_from_rfc2822(v) {
            let at = date.timestamp() as f64;
            return Some(Duration::from_secs_f64((at - now_secs).max(0.0)));
        }
    }
    let reset: f64 = headers.get("ratelimit-reset")?.trim().parse().ok()?;
    // Draft RateLimit headers send seconds to wait; PagerDuty sends epoch
    // seconds. No wait is a billion seconds long, so the size tells.
    let wait = if reset > 1e9 { reset - now_secs } else { reset };
    Some(Duration::from_secs_f64(wait.max(0.0)))
}

/// `url` with `query` appended, percent-encoded.
fn with_query(url: &str, query: &[(&str, &str)]) -> String {
    let mut out = url.to_string();
    for (i, (k, v)) in query.iter().enumerate() {
        let sep = if i == 0 && !url.contains('?') {
            '?'
        } else {
            '&'
        };
        out.push(sep);
        out.push_str(&encode(k));
        out.push('=');
        out.push_str(&encode(v));
    }
    out
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `url` safe to show: credential query parameters and user info replaced.
pub fn redact_url(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let mut out = match base.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('/') {
            Some((host, path)) => format!("{scheme}://{}/{path}", redact_userinfo(host)),
            None => format!("{scheme}://{}", redact_userinfo(rest)),
        },
        None => base.to_string(),
    };
    if let Some(query) = query {
        out.push('?');
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((k, _)) if SECRET_PARAMS.contains(&k.to_ascii_lowercase().as_str()) => {
                    format!("{k}=[redacted]")
                }
                _ => pair.to_string(),
            })
            .collect();
        out.push_str(&pairs.join("&"));
    }
    out
}

fn redact_userinfo(authority: &str) -> String {
    match authority.rsplit_once('@') {
        Some((_, host)) => format!("[redacted]@{host}"),
        None => authority.to_string(),
    }
}

/// The first `EXCERPT_CHARS` characters of a body, on one line, without
/// control characters (a body could otherwise rewrite the terminal).
fn excerpt(body: &str) -> String {
    let mut out = String::new();
    for c in body.chars() {
        if out.chars().count() >= EXCERPT_CHARS {
            out.push('…');
            break;
        }
        if c.is_whitespace() {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
        } else if !c.is_control() {
            out.push(c);
        }
    }
    out.trim_end().to_string()
}

fn secs(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

/// A random number for jitter; std's hasher keys are randomly seeded.
fn random() -> u64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_never_prints() {
        let s = Secret::new("GITLAB_TOKEN", "glpat-abc123");
        assert_eq!(format!("{s} {s:?}"), "[redacted] [redacted]");
        let auth = Auth::gitlab(s);
        assert!(!format!("{auth:?}").contains("glpat-abc123"));
    }

    #[test]
    fn missing_env_names_the_variable() {
        let e = Secret::from_env("OPSBOOK_TEST_SURELY_UNSET_VAR").unwrap_err();
        assert!(
            e.to_string()
                .contains("OPSBOOK_TEST_SURELY_UNSET_VAR is not set")
        );
    }

    #[test]
    fn redacts_credential_params_and_userinfo() {
        assert_eq!(
            redact_url("https://u:p@gl.example/api?private_token=x&page=2&Access_Token=y"),
            "https://[redacted]@gl.example/api?private_token=[redacted]&page=2&Access_Token=[redacted]"
        );
        assert_eq!(redact_url("http://h:1/a?b=c"), "http://h:1/a?b=c");
    }

    #[test]
    fn query_is_encoded() {
        assert_eq!(
            with_query(
                "http://h/x",
                &[("q", "a b&c"), ("since", "2026-01-01T00:00:00Z")]
            ),
            "http://h/x?q=a%20b%26c&since=2026-01-01T00%3A00%3A00Z"
        );
        assert_eq!(
            with_query("http://h/x?a=1", &[("b", "2")]),
            "http://h/x?a=1&b=2"
        );
    }

    #[test]
    fn excerpt_is_short_and_clean() {
        assert_eq!(excerpt("a\n\u{1b}[31mb\t c"), "a [31mb c");
        let long = "x".repeat(1000);
        assert_eq!(excerpt(&long).chars().count(), EXCERPT_CHARS + 1);
    }

    #[test]
    fn server_wait_reads_retry_after_and_ratelimit_reset() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let h = |k: &str, v: &str| BTreeMap::from([(k.to_string(), v.to_string())]);
        assert_eq!(
            server_wait(&h("retry-after", "7"), now),
            Some(Duration::from_secs(7))
        );
        // 1_700_000_000 is Tue, 14 Nov 2023 22:13:20 GMT.
        assert_eq!(
            server_wait(&h("retry-after", "Tue, 14 Nov 2023 22:13:32 GMT"), now),
            Some(Duration::from_secs(12))
        );
        assert_eq!(
            server_wait(&h("ratelimit-reset", "1700000005"), now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            server_wait(&h("ratelimit-reset", "3"), now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(server_wait(&h("x", "1"), now), None);
    }

    #[test]
    fn backoff_grows_with_jitter_and_is_capped() {
        let client = Client::new(Settings {
            backoff_base: Duration::from_secs(1),
            backoff_max: Duration::from_secs(8),
            ..Settings::default()
        });
        for (attempt, full) in [(1, 1), (2, 2), (3, 4), (4, 8), (9, 8)] {
            let d = client.backoff(attempt);
            let full = Duration::from_secs(full);
            assert!(d >= full / 2 && d <= full, "attempt {attempt}: {d:?}");
        }
    }
}
