//! `check --external`: outside (http/https) links, checked politely.
//!
//! Each URL is asked once per run (HEAD, then GET when the server answers
//! 405 or 501), by a few workers with at most `PER_HOST` requests in
//! flight per host, with short timeouts and one retry. Definite answers are
//! kept in a cache file for a day, so a re-run asks nothing it already
//! knows; timeouts and 429/5xx are asked again next run. The cache is
//! written atomically (temporary file, then rename).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::path::Path;
use std::sync::{Condvar, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use super::External;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::pull::http::{Client, ErrorKind, Settings};

/// The cache file's default name, at the site root.
pub const CACHE_FILE: &str = ".opsbook-linkcache.json";
/// Requests in flight to any one host.
pub const PER_HOST: usize = 2;
/// Requests in flight in all.
const WORKERS: usize = 8;
/// How long a cached answer is trusted.
const MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

/// One cached answer: the status, or the transport error of a definite
/// failure (e.g. host not found).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
struct Entry {
    /// Seconds since the Unix epoch.
    checked: u64,
    status: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Cache {
    entries: BTreeMap<String, Entry>,
}

/// What a run did, for the summary line.
#[derive(Debug, Default)]
pub struct Summary {
    pub urls: usize,
    pub from_cache: usize,
    pub broken: usize,
}

/// Checks `links` (cache at `cache_path`); broken ones come back as
/// warnings at each place the URL is written.
pub fn check(links: &[External], cache_path: &Path, timeout: Duration) -> (Summary, Diagnostics) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs();
    let mut diags = Diagnostics::new();
    let mut cache = match std::fs::read_to_string(cache_path) {
        Ok(text) => serde_json::from_str::<Cache>(&text).unwrap_or_else(|e| {
            diags.push(
                Diagnostic::warning(format!("link cache unreadable ({e}); checking every link"))
                    .at(Location::file(cache_path))
                    .help("delete the file; the next run writes a fresh one"),
            );
            Cache::default()
        }),
        Err(_) => Cache::default(),
    };
    cache
        .entries
        .retain(|_, e| now.saturating_sub(e.checked) < MAX_AGE.as_secs());

    let mut by_url: BTreeMap<&str, Vec<&Location>> = BTreeMap::new();
    for l in links {
        by_url.entry(&l.url).or_default().push(&l.location);
    }
    let mut summary = Summary {
        urls: by_url.len(),
        ..Summary::default()
    };
    let todo: Vec<&str> = by_url
        .keys()
        .copied()
        .filter(|u| !cache.entries.contains_key(*u))
        .collect();
    summary.from_cache = summary.urls - todo.len();
    let client = Client::new(Settings {
        connect_timeout: timeout,
        read_timeout: timeout,
        total_budget: timeout * 3,
        retries: 1,
        backoff_base: Duration::from_millis(300),
        backoff_max: Duration::from_secs(2),
        ..Settings::default()
    });
    for (url, answer) in fetch_all(&client, &todo) {
        let entry = Entry {
            checked: now,
            status: answer.status,
            error: answer.error,
        };
        if answer.definite {
            cache.entries.insert(url.to_string(), entry);
        } else {
            report(&mut diags, &mut summary, url, &entry, &by_url[url]);
        }
    }
    for (url, locations) in &by_url {
        if let Some(entry) = cache.entries.get(*url) {
            report(&mut diags, &mut summary, url, entry, locations);
        }
    }
    if !todo.is_empty()
        && let Err(e) = write_atomically(cache_path, &cache)
    {
        diags.push(
            Diagnostic::warning(format!("could not write the link cache: {e}"))
                .at(Location::file(cache_path))
                .help("check that the folder is writable, or pass --cache FILE"),
        );
    }
    (summary, diags)
}

fn report(
    diags: &mut Diagnostics,
    summary: &mut Summary,
    url: &str,
    entry: &Entry,
    locations: &[&Location],
) {
    let why = match (entry.status, &entry.error) {
        (Some(s), _) if s < 400 => return,
        (Some(s), _) => format!("HTTP {s}"),
        (None, Some(e)) => e.clone(),
        (None, None) => "no answer".into(),
    };
    summary.broken += 1;
    for loc in locations {
        diags.push(
            Diagnostic::warning(format!("broken external link `{url}`: {why}"))
                .at((*loc).clone())
                .help("fix or remove the link (answers are cached for a day)"),
        );
    }
}

/// One URL's answer; `definite` ones are worth caching.
struct Answer {
    status: Option<u16>,
    error: Option<String>,
    definite: bool,
}

fn ask(client: &Client, url: &str) -> Answer {
    let mut result = client.send("HEAD", url, &[], &[], None, None);
    // Some servers refuse HEAD: ask again with GET.
    if let Err(e) = &result
        && matches!(e.status(), Some(405 | 501))
    {
        result = client.send("GET", url, &[], &[], None, None);
    }
    match result {
        Ok(r) => Answer {
            status: Some(r.status),
            error: None,
            definite: true,
        },
        Err(e) => match &e.kind {
            ErrorKind::Status { status, .. } => Answer {
                status: Some(*status),
                error: None,
                definite: !matches!(status, 408 | 429 | 500..),
            },
            ErrorKind::Transport(msg) | ErrorKind::Decode(msg) => Answer {
                status: None,
                error: Some(msg.clone()),
                definite: msg == "host not found",
            },
        },
    }
}

/// Asks every URL, at most `PER_HOST` at a time per host.
fn fetch_all<'u>(client: &Client, urls: &[&'u str]) -> Vec<(&'u str, Answer)> {
    struct Queue<'u> {
        pending: VecDeque<&'u str>,
        in_flight: HashMap<String, usize>,
        done: Vec<(&'u str, Answer)>,
    }
    let state = Mutex::new(Queue {
        pending: urls.iter().copied().collect(),
        in_flight: HashMap::new(),
        done: Vec::new(),
    });
    let freed = Condvar::new();
    let workers = WORKERS.min(urls.len());
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let mut q = state.lock().unwrap();
                    let url = loop {
                        if q.pending.is_empty() {
                            return;
                        }
                        let free = q.pending.iter().position(|u| {
                            q.in_flight.get(host(u)).copied().unwrap_or(0) < PER_HOST
                        });
                        if let Some(i) = free {
                            break q.pending.remove(i).expect("position is in range");
                        }
                        q = freed.wait(q).unwrap();
                    };
                    *q.in_flight.entry(host(url).to_string()).or_default() += 1;
                    drop(q);
                    let answer = ask(client, url);
                    let mut q = state.lock().unwrap();
                    if let Some(n) = q.in_flight.get_mut(host(url)) {
                        *n -= 1;
                    }
                    q.done.push((url, answer));
                    freed.notify_all();
                }
            });
        }
    });
    state.into_inner().unwrap().done
}

/// The `host[:port]` of an http(s) URL, lower case.
fn host(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    authority.rsplit_once('@').map_or(authority, |(_, h)| h)
}

fn write_atomically(path: &Path, cache: &Cache) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(cache).map_err(std::io::Error::other)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| CACHE_FILE.into());
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, text + "\n")?;
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_of_urls() {
        assert_eq!(host("https://a.example/x?y"), "a.example");
        assert_eq!(host("http://u:p@127.0.0.1:8080/"), "127.0.0.1:8080");
        assert_eq!(host("https://b.example"), "b.example");
    }

    #[test]
    fn cache_round_trips_and_is_written_atomically() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(CACHE_FILE);
        let mut cache = Cache::default();
        cache.entries.insert(
            "https://a.example/".into(),
            Entry {
                checked: 1,
                status: Some(200),
                error: None,
            },
        );
        write_atomically(&path, &cache).unwrap();
        let back: Cache = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(back.entries, cache.entries);
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(names.len(), 1, "no temporary file is left behind");
    }
}
