//! Static search, end to end: the real binary builds fixture sites and the
//! tests read `/search/` (manifest, shards, excerpt files, the page) with
//! serde_json and scraper. Ranking is computed here from the shards the way
//! `search.js` does it; `tests/browser.rs` drives the real script.

mod common;

use std::collections::BTreeMap;

use common::incident::Incident;
use common::{Site, assert_same_tree, page, select_attr, select_text, tree};
use serde_json::Value;

const SERVICES: &str = common::API_WEB_SERVICES;

/// A site with handbook pages in two sections and a public and a
/// confidential incident.
fn fixture() -> Site {
    let site = Site::new();
    site.file(
        "opsbook.toml",
        "title = \"Ops\"\nbase_url = \"https://example.org/hb/\"\n",
    )
    .file("content/_index.md", &page("Home", "Welcome."))
    .file(
        "content/runbooks/_index.md",
        &page("Runbooks", "How to fix things."),
    )
    .file(
        "content/runbooks/kestrel.md",
        &page(
            "Kestrel failover",
            "Promote the replica.\n\n## Checks\n\nLook at lag.",
        ),
    )
    .file(
        "content/runbooks/disks.md",
        &page(
            "Full disks",
            "When kestrel nodes fill up, delete old WAL.\n\n## Kestrel cleanup\n\nRun the job.",
        ),
    )
    .file(
        "content/policies/_index.md",
        &page("Policies", "What we agreed."),
    )
    .file(
        "content/policies/oncall.md",
        &page("On-call", "A kestrel is a bird; nothing here is about it."),
    )
    .file("data/services.yaml", SERVICES);
    Incident::new("101", "2025-03-04T10:00:00Z")
        .title("Login outage from expired certificate")
        .services("[api]")
        .extra("summary: \"Users could not log in.\"\n")
        .write(&site);
    Incident::new("102", "2025-03-04T10:00:00Z")
        .title("Zanzibarquux vendor breach")
        .services("[api]")
        .confidential(true)
        .extra("summary: \"Quixotrellis details of a breach.\"\n")
        .write(&site);
    site
}

fn json(site: &Site, url: &str) -> Value {
    serde_json::from_str(&site.output(url)).unwrap_or_else(|e| panic!("{url}: {e}"))
}

/// `shard_of` in search.rs and search.js: FNV-1a of the first three letters.
fn shard_of(term: &str, count: u64) -> u64 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in term.as_bytes().iter().take(3) {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    u64::from(h) % count
}

/// Page URL → score for a one-word query, from the shards.
fn rank(site: &Site, term: &str) -> Vec<(String, u64)> {
    let manifest = json(site, "/search/index.json");
    let count = manifest["shard_count"].as_u64().unwrap();
    let file = manifest["shards"][shard_of(term, count) as usize]
        .as_str()
        .unwrap();
    let shard = json(site, &format!("/search/{file}"));
    let postings = shard[term].as_array().cloned().unwrap_or_default();
    // Doc ids are written as gaps from the previous one.
    let mut id = 0;
    let mut ranked: Vec<(String, u64)> = postings
        .chunks(2)
        .map(|p| {
            id += p[0].as_u64().unwrap() as usize;
            let url = manifest["pages"][id]["url"].as_str().unwrap().to_string();
            (url, p[1].as_u64().unwrap())
        })
        .collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked
}

#[test]
fn manifest_and_shards_are_json_and_describe_public_pages() {
    let site = fixture();
    site.build_ok();
    let manifest = json(&site, "/search/index.json");
    let count = manifest["shard_count"].as_u64().unwrap() as usize;
    assert_eq!(manifest["shards"].as_array().unwrap().len(), count);
    for file in manifest["shards"]
        .as_array()
        .unwrap()
        .iter()
        .chain(manifest["texts"].as_array().unwrap())
    {
        let v = json(&site, &format!("/search/{}", file.as_str().unwrap()));
        assert!(v.is_object(), "{file}");
    }
    let pages = manifest["pages"].as_array().unwrap();
    let by_url: BTreeMap<&str, &Value> = pages
        .iter()
        .map(|p| (p["url"].as_str().unwrap(), p))
        .collect();
    let kestrel = by_url["/hb/runbooks/kestrel/"];
    assert_eq!(kestrel["title"], "Kestrel failover");
    assert_eq!(kestrel["section"], "Runbooks");
    assert_eq!(by_url["/hb/policies/oncall/"]["section"], "Policies");
    let inc = by_url["/hb/incidents/101/"];
    assert_eq!(inc["title"], "Login outage from expired certificate");
    assert_eq!(inc["section"], "Post-mortems");
    assert_eq!(inc["severity"], 2);
    assert_eq!(inc["services"], serde_json::json!(["api"]));
    assert_eq!(inc["year"], 2025);
    assert!(!by_url.contains_key("/hb/incidents/102/"));
    // A title word finds its incident.
    assert_eq!(rank(&site, "certificate")[0].0, "/hb/incidents/101/");
}

#[test]
fn nothing_confidential_reaches_the_search_files() {
    let site = fixture();
    site.build_ok();
    let files = tree(&site.public().join("search"));
    assert!(files.len() > 3);
    for (path, bytes) in &files {
        let text = String::from_utf8_lossy(bytes).to_lowercase();
        for word in ["zanzibarquux", "quixotrellis", "incidents/102"] {
            assert!(!text.contains(word), "search/{path} contains {word}");
        }
    }
    assert!(rank(&site, "zanzibarquux").is_empty());
}

#[test]
fn title_outranks_heading_outranks_body() {
    let site = fixture();
    site.build_ok();
    let ranked = rank(&site, "kestrel");
    let urls: Vec<&str> = ranked.iter().map(|(u, _)| u.as_str()).collect();
    // (The section page lists the title among its children: body weight.)
    assert_eq!(
        urls[..3],
        [
            "/hb/runbooks/kestrel/",
            "/hb/runbooks/disks/",
            "/hb/policies/oncall/"
        ],
        "{ranked:?}"
    );
    // Title ×10, heading ×5 + body ×1, body ×1.
    assert_eq!(ranked[0].1, 10);
    assert_eq!(ranked[1].1, 6);
    assert_eq!(ranked[2].1, 1);
    // Excerpts are the page's text.
    let manifest = json(&site, "/search/index.json");
    let id = manifest["pages"]
        .as_array()
        .unwrap()
        .iter()
        .position(|p| p["url"] == "/hb/runbooks/disks/")
        .unwrap();
    let count = manifest["texts"].as_array().unwrap().len();
    let texts = json(
        &site,
        &format!(
            "/search/{}",
            manifest["texts"][id % count].as_str().unwrap()
        ),
    );
    assert!(
        texts[id.to_string()]
            .as_str()
            .unwrap()
            .starts_with("When kestrel nodes fill up"),
        "{texts}"
    );
}

#[test]
fn two_builds_write_identical_bytes() {
    let site = fixture();
    site.build_ok();
    let first = tree(&site.public().join("search"));
    site.build_ok();
    let second = tree(&site.public().join("search"));
    assert_same_tree(&first, &second);
}

#[test]
fn search_page_lists_pages_by_section_without_javascript() {
    let site = fixture();
    site.build_ok();
    let html = site.html("/search/");
    let sections = select_text(&html, ".search-all h3");
    for s in ["Policies", "Post-mortems", "Runbooks"] {
        assert!(sections.contains(&s.to_string()), "{sections:?}");
    }
    let links = select_attr(&html, ".search-all li a", "href");
    assert!(links.contains(&"/hb/runbooks/kestrel/".to_string()));
    assert!(links.contains(&"/hb/incidents/101/".to_string()));
    assert!(!links.iter().any(|l| l.contains("102")));
    // The header box on every page is a plain GET form to /search/.
    let page = site.html("/runbooks/kestrel/");
    assert_eq!(
        select_attr(&page, "header form.site-search", "action"),
        ["/hb/search/"]
    );
    assert_eq!(
        select_attr(&page, "header form.site-search input[type=search]", "name"),
        ["q"]
    );
    // The search script is loaded from the site, on the search page only.
    let search_js = |h: &scraper::Html| {
        select_attr(h, "script[src]", "src")
            .into_iter()
            .filter(|s| s.ends_with("search.js"))
            .collect::<Vec<_>>()
    };
    assert_eq!(search_js(&html), ["/hb/js/search.js"]);
    assert!(search_js(&page).is_empty());
    assert!(site.has_output("/js/search.js"));
}
