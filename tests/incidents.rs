//! Incident snapshots and public post-mortems, end to end: the real
//! `opsbook` binary builds fixture sites with `data/` snapshots and
//! `content/postmortems/` narratives, and the tests read the HTML, the feed,
//! the sitemap, exit codes and stderr.

mod common;

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::incident::{Incident, narrative, quoted};
use common::utc;
use common::{
    Site, all_text, assert_same_tree, count, elements_with_attrs, first, page, select_attr,
    select_text, tree,
};
use scraper::Html;

// ------------------------------------------------------------------ fixtures

const SERVICES: &str = "\
services:
  - id: api
    name: API
    weight: 5
    target: 99.95
  - id: web
    name: Web
    weight: 5
    target: 99.95
    team: Production Engineering
";

/// `SOURCE_DATE_EPOCH` for midnight UTC of a date.
fn epoch(y: i32, m: u32, d: u32) -> String {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp()
        .to_string()
}

/// `<dt>` → `<dd>` text of the `dl.facts` in a post-mortem header.
fn facts(html: &Html) -> BTreeMap<String, String> {
    let dts = select_text(html, "header dl.facts dt");
    let dds = select_text(html, "header dl.facts dd");
    assert_eq!(dts.len(), dds.len());
    dts.into_iter().zip(dds).collect()
}

/// Parses `xml` with a real XML parser, panicking (with the document) if
/// it is not well-formed.
#[track_caller]
fn parse_xml(xml: &str) -> roxmltree::Document<'_> {
    assert!(xml.starts_with("<?xml"), "no XML declaration:\n{xml}");
    roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{xml}"))
}

/// The decoded text of every element named `name`, in document order.
#[track_caller]
fn xml_texts(xml: &str, name: &str) -> Vec<String> {
    parse_xml(xml)
        .descendants()
        .filter(|n| n.tag_name().name() == name)
        .map(|n| n.text().unwrap_or("").to_string())
        .collect()
}

/// For every Atom `<entry>`, the decoded text of its child `name`.
#[track_caller]
fn entry_texts(xml: &str, name: &str) -> Vec<String> {
    parse_xml(xml)
        .descendants()
        .filter(|n| n.tag_name().name() == "entry")
        .map(|e| {
            e.children()
                .find(|c| c.tag_name().name() == name)
                .and_then(|c| c.text())
                .unwrap_or_else(|| panic!("an entry without <{name}>"))
                .to_string()
        })
        .collect()
}

/// For every Atom `<entry>`, the `href` of its `<link>`.
#[track_caller]
fn entry_links(xml: &str) -> Vec<String> {
    parse_xml(xml)
        .descendants()
        .filter(|n| n.tag_name().name() == "entry")
        .map(|e| {
            e.children()
                .find(|c| c.tag_name().name() == "link")
                .and_then(|c| c.attribute("href"))
                .expect("an entry without <link href>")
                .to_string()
        })
        .collect()
}

/// `(message, "file:line")` of every warning (or error) in stderr.
fn located(stderr: &str, level: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = stderr.lines().peekable();
    let prefix = format!("{level}: ");
    while let Some(line) = lines.next() {
        let Some(msg) = line.strip_prefix(&prefix) else {
            continue;
        };
        let loc = lines
            .peek()
            .and_then(|l| l.split_once("--> "))
            .map(|(_, loc)| {
                // file:line:col → file:line
                match loc.rsplit_once(':') {
                    Some((file_line, col)) if col.chars().all(|c| c.is_ascii_digit()) => {
                        file_line.to_string()
                    }
                    _ => loc.to_string(),
                }
            })
            .unwrap_or_default();
        out.push((msg.to_string(), loc));
    }
    out
}

// ------------------------------------------------------------ 1. the leak

/// Every text field of a confidential incident holds a marker; none may
/// reach any file of the output.
fn confidential_incident(tag: &str, started: &str, sev: u8, services: &str) -> Incident {
    let m = |field: &str| format!("CONFMARK-{field}-{tag}");
    Incident::new(&format!("confmark-id-{tag}"), started)
        .title(&m("title"))
        .severity(sev)
        .services(services)
        .confidential(true)
        .root_cause(&m("rootcause"))
        .extra(&format!(
            "url: https://gitlab.example.com/infra/production/-/issues/{url}
labels: [{l1}, {l2}]
summary: |
  {summary} with **bold** and a [link](https://gitlab.example.com/{summary_link}).
timeline:
  - at: {started}
    text: {t1}
  - at: {at2}
    text: {t2}
corrective_actions:
  - title: {a1}
    url: https://gitlab.example.com/infra/production/-/issues/{a1url}
    status: open
    due: 2026-01-01
    owner: {owner}
",
            url = m("url"),
            l1 = quoted(&m("label1")),
            l2 = quoted(&m("label2")),
            summary = m("summary"),
            summary_link = m("summarylink"),
            t1 = quoted(&m("timeline1")),
            at2 = (utc(started) + Duration::minutes(5)).to_rfc3339(),
            t2 = quoted(&m("timeline2")),
            a1 = quoted(&m("action")),
            a1url = m("actionurl"),
            owner = quoted(&m("owner")),
        ))
}

fn public_incident(tag: &str, started: &str, sev: u8, services: &str) -> Incident {
    let m = |field: &str| format!("PUBMARK-{field}-{tag}");
    Incident::new(&format!("pub-{tag}"), started)
        .title(&m("title"))
        .severity(sev)
        .services(services)
        .root_cause(&m("rootcause"))
        .extra(&format!(
            "url: https://gitlab.example.com/infra/production/-/issues/{url}
labels: [{l1}]
summary: |
  {summary} with **bold**.
timeline:
  - at: {started}
    text: {t1}
  - at: {at2}
    text: {t2}
corrective_actions:
  - title: {a1}
    url: https://gitlab.example.com/infra/production/-/issues/{a1url}
    status: open
    due: 2026-01-01
    owner: {owner}
",
            url = m("url"),
            l1 = quoted(&m("label")),
            summary = m("summary"),
            t1 = quoted(&m("timeline1")),
            at2 = (utc(started) + Duration::minutes(5)).to_rfc3339(),
            t2 = quoted(&m("timeline2")),
            a1 = quoted(&m("action")),
            a1url = m("actionurl"),
            owner = quoted(&m("owner")),
        ))
}

#[test]
fn confidential_incidents_never_reach_any_output_file() {
    let site = Site::new();
    site.file("data/services.yaml", SERVICES)
        .file("content/_index.md", &page("Home", "Welcome.\n"));
    let conf_a = confidential_incident("a1", "2026-02-10T08:00:00Z", 1, "[web]");
    let conf_b = confidential_incident("b2", "2025-04-01T08:00:00Z", 2, "[api]");
    let pub_a = public_incident("pa", "2026-03-05T08:00:00Z", 1, "[web, api]");
    let pub_b = public_incident("pb", "2025-06-20T08:00:00Z", 3, "[web]");
    for i in [&conf_a, &conf_b, &pub_a, &pub_b] {
        i.write(&site);
    }
    site.file(
        "content/postmortems/confmark-id-a1.md",
        &narrative(
            "confmark-id-a1",
            "CONFMARK-narrtitle-a1",
            "CONFMARK-narrintro-a1\n\n## What went wrong\n\nCONFMARK-narrative-a1\n\n## Lessons learned\n\nCONFMARK-narrative-a2\n",
        ),
    )
    .file(
        "content/postmortems/pub-pa.md",
        &narrative(
            "pub-pa",
            "Review",
            "## What went wrong\n\nPUBMARK-narrative-pa\n",
        ),
    );
    site.build_ok();

    // Every file, its name included, is free of every confidential marker
    // (ids are markers too: `confmark-id-…`).
    let files = site.output_tree();
    assert!(
        files.len() > 5,
        "suspiciously few outputs: {:?}",
        files.keys()
    );
    let leaks: Vec<String> = files
        .iter()
        .filter(|(name, bytes)| {
            name.to_lowercase().contains("confmark")
                || String::from_utf8_lossy(bytes)
                    .to_lowercase()
                    .contains("confmark")
        })
        .map(|(name, bytes)| {
            let text = String::from_utf8_lossy(bytes);
            let found: Vec<&str> = text
                .match_indices("CONFMARK")
                .chain(text.match_indices("confmark"))
                .map(|(i, _)| &text[i..text.len().min(i + 28)])
                .collect();
            format!("{name}: {found:?}")
        })
        .collect();
    assert!(leaks.is_empty(), "confidential text published: {leaks:#?}");

    // No page for a confidential incident.
    assert!(!site.has_output("/incidents/confmark-id-a1/"));
    assert!(!site.has_output("/incidents/confmark-id-b2/"));
    assert!(site.has_output("/incidents/pub-pa/"));
    assert!(site.has_output("/incidents/pub-pb/"));

    // Public markers are where they belong.
    let index = site.html("/incidents/");
    assert_eq!(
        select_text(
            &index,
            "table.incident-list tbody tr td a[href^='/incidents/']"
        ),
        ["PUBMARK-title-pa", "PUBMARK-title-pb"]
    );
    let rows = select_text(&index, "table.incident-list tbody tr");
    // Root causes are shown as words.
    assert!(rows[0].contains("PUBMARK rootcause pa"), "{rows:?}");
    for tag in ["pa", "pb"] {
        let html = site.html(&format!("/incidents/pub-{tag}/"));
        let m = |field: &str| format!("PUBMARK-{field}-{tag}");
        assert_eq!(select_text(&html, "h1"), [m("title")]);
        assert!(
            select_text(&html, "div.upstream")
                .concat()
                .contains(&m("summary")),
            "summary of {tag}"
        );
        assert_eq!(
            select_text(&html, "ol.timeline li .timeline-text"),
            [m("timeline1"), m("timeline2")]
        );
        assert_eq!(
            select_text(&html, "table.actions tbody td a"),
            [m("action")]
        );
        assert_eq!(
            select_attr(&html, "table.actions tbody td a", "href"),
            [format!(
                "https://gitlab.example.com/infra/production/-/issues/{}",
                m("actionurl")
            )]
        );
        assert!(all_text(&html).contains(&m("owner")));
        assert!(all_text(&html).contains(&m("rootcause").replace('-', " ")));
        assert_eq!(
            facts(&html)["Source issue"],
            format!(
                "https://gitlab.example.com/infra/production/-/issues/{}",
                m("url")
            )
        );
    }
    assert!(all_text(&site.html("/incidents/pub-pa/")).contains("PUBMARK-narrative-pa"));
    let feed = site.output("/incidents/atom.xml");
    let titles: Vec<String> = xml_texts(&feed, "title");
    assert!(
        titles.contains(&"S1 PUBMARK-title-pa".to_string()),
        "{titles:?}"
    );
    assert!(
        titles.contains(&"S3 PUBMARK-title-pb".to_string()),
        "{titles:?}"
    );
    let summaries: Vec<String> = xml_texts(&feed, "summary");
    assert_eq!(summaries.len(), 2, "one entry per public incident");
    assert!(summaries[0].contains("PUBMARK-summary-pa"), "{summaries:?}");
    assert!(summaries[1].contains("PUBMARK-summary-pb"), "{summaries:?}");

    // The sitemap lists the public post-mortems only.
    let sitemap = site.output("/sitemap.xml");
    let locs: Vec<String> = xml_texts(&sitemap, "loc");
    assert!(locs.iter().any(|l| l == "/incidents/pub-pa/"), "{locs:?}");
    assert!(locs.iter().any(|l| l == "/incidents/pub-pb/"), "{locs:?}");
    assert_eq!(
        locs.iter()
            .filter(|l| l.starts_with("/incidents/"))
            .filter(|l| *l != "/incidents/" && *l != "/incidents/actions/")
            .count(),
        2,
        "{locs:?}"
    );

    // /incidents/ says how many are not listed, as a number only.
    let note = select_text(&index, "p.confidential-note");
    assert_eq!(note.len(), 1, "{note:?}");
    assert!(note[0].starts_with("2 confidential incidents"), "{note:?}");
    assert_eq!(
        note[0]
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>(),
        "2",
        "the note gives a number and nothing else about them: {note:?}"
    );

    // Severity counts include confidential incidents (numbers are not
    // confidential): pub-pa S1, pub-pb S3, plus the two confidential ones.
    assert_eq!(
        select_text(&index, ".summary-cards .card-value"),
        ["2", "1", "1", "0"]
    );
    assert_eq!(
        select_text(&index, "section#y2026 h2 small"),
        ["2 incidents: S1 2 · S2 0 · S3 0 · S4 0 (1 listed)"]
    );
    // ...while the service pages and /services/ count every incident,
    // confidential ones included (web: conf S1, pub-pa S1, pub-pb S3; api:
    // conf S2, pub-pa S1).
    let facts_of = |url: &str| {
        let html = site.html(url);
        let dts = select_text(&html, "dl.facts dt");
        let dds = select_text(&html, "dl.facts dd");
        dts.into_iter().zip(dds).collect::<BTreeMap<_, _>>()
    };
    assert_eq!(
        facts_of("/services/web/")["Incidents"],
        "S1 2 · S2 0 · S3 1 · S4 0"
    );
    assert_eq!(
        facts_of("/services/api/")["Incidents"],
        "S1 1 · S2 1 · S3 0 · S4 0"
    );
    assert_eq!(
        select_text(&site.html("/services/web/"), "p.confidential-note"),
        ["1 confidential incident is not listed."]
    );
    let services = site.html("/services/");
    assert_eq!(
        select_text(&services, "table.data tbody td:nth-child(5)"),
        ["2", "3"],
        "api, web"
    );
    // The home page lists public written reviews only (pb has none).
    assert_eq!(
        select_text(&site.html("/"), "section.latest-postmortems li > a"),
        ["PUBMARK-title-pa"]
    );
}

/// A confidential post-mortem written as a leaf bundle: its attachments are
/// as confidential as its text.
#[test]
fn confidential_narrative_bundle_attachments_are_not_published() {
    let site = Site::new();
    site.file("data/services.yaml", SERVICES);
    Incident::new("secret-1", "2026-02-10T08:00:00Z")
        .confidential(true)
        .write(&site);
    Incident::new("open-1", "2026-02-11T08:00:00Z").write(&site);
    site.file(
        "content/postmortems/secret-1/index.md",
        &narrative("secret-1", "Secret", "![diagram](diagram.svg)\n"),
    )
    .file(
        "content/postmortems/secret-1/diagram.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><text>CONFMARK-diagram</text></svg>",
    );
    site.build_ok();
    let leaks: Vec<String> = site
        .output_tree()
        .into_iter()
        .filter(|(name, bytes)| {
            name.contains("secret-1") || String::from_utf8_lossy(bytes).contains("CONFMARK")
        })
        .map(|(name, _)| name)
        .collect();
    assert!(
        leaks.is_empty(),
        "files of a confidential post-mortem were published: {leaks:?}"
    );
}

// --------------------------------------------------------- 2. sanitising

/// Hostile markup in every form the tests know.
const PAYLOAD: &str = "<script>alert(1)</script> <img src=x onerror=alert(1)> \
[x](javascript:alert(1)) <a href=\"javascript:alert(2)\">y</a> \
<a href=\"JaVaScRiPt:alert(3)\">z</a> [e](&#106;avascript:alert(4)) \
![i](javascript:alert(5)) <svg onload=alert(6)></svg> \
<iframe src=\"javascript:alert(7)\"></iframe> <SCRIPT>alert(8)</SCRIPT>";

/// Markdown-only hostile links: no `<`, so no raw HTML for a sanitiser to see.
const MD_PAYLOAD: &str = "[x](javascript:alert(1)) [y]( JaVaScRiPt:alert(2)) \
[e](&#106;avascript:alert(3)) ![i](javascript:alert(4)) [d](data:text/html;base64,PHNjcmlwdD4=) \
[v](vbscript:msgbox(1)) [ref][r]\n\n[r]: javascript:alert(5)";

/// A link that passes the http(s) check and tries to break out of the
/// attribute.
const URL_PAYLOAD: &str =
    "https://evil.example/\"><script>alert(1)</script><img/src=x/onerror=alert(1)>";
const URL_PAYLOAD_2: &str = "https://evil.example/'onmouseover='alert(1)'\"onfocus=\"alert(2)";

/// Panics if `html` holds an executable element or attribute.
#[track_caller]
fn assert_inert(what: &str, html: &Html) {
    for (name, attrs) in elements_with_attrs(html) {
        // The theme's own script files, and nothing else, may be loaded.
        let theme_script = name == "script"
            && attrs.iter().all(|(a, v)| {
                a == "defer"
                    || (a == "src"
                        && THEME_SCRIPTS
                            .iter()
                            .any(|t| t.contains(&format!("\"{v}\""))))
            })
            && attrs.iter().any(|(a, _)| a == "src");
        // A <meta> description is data, never run (unlike http-equiv refresh).
        let meta_data = name == "meta" && !attrs.iter().any(|(a, _)| a == "http-equiv");
        if theme_script || meta_data {
            continue;
        }
        assert!(
            !matches!(
                name.as_str(),
                "script" | "iframe" | "object" | "embed" | "frame"
            ),
            "{what}: <{name}> element"
        );
        for (attr, value) in attrs {
            assert!(
                !attr.to_ascii_lowercase().starts_with("on"),
                "{what}: <{name} {attr}=\"{value}\">"
            );
            let v: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            for bad in ["javascript:", "vbscript:", "data:text/html"] {
                assert!(
                    !v.contains(bad),
                    "{what}: <{name} {attr}=\"{value}\"> runs script"
                );
            }
        }
    }
}

/// The theme's own script files (not upstream text): the incident index's
/// filters, the light/dark choice in <head>, the page helpers.
const THEME_SCRIPTS: &[&str] = &[
    "<script src=\"/js/incidents.js\" defer></script>",
    "<script src=\"/js/theme.js\"></script>",
    "<script src=\"/js/page.js\" defer></script>",
    "<script src=\"/js/search.js\" defer></script>",
];

#[test]
fn untrusted_text_is_sanitised_everywhere() {
    let site = Site::new();
    site.file(
        "data/services.yaml",
        &format!(
            "services:\n  - id: api\n    name: API\n    weight: 5\n    target: 99.95\n    description: {}\n  - id: web\n    name: Web\n    weight: 5\n    target: 99.95\n    description: {}\n",
            quoted(&format!("API *docs* {MD_PAYLOAD}")),
            quoted(&format!("Web **bold** {PAYLOAD}"))
        ),
    )
    .file("content/_index.md", &page("Home", "Welcome.\n"));
    Incident::new("evil-1", "2026-07-07T09:30:00Z")
        .title(&format!("Title {PAYLOAD}"))
        .root_cause(&format!("Cause {PAYLOAD}"))
        .extra(&format!(
            "url: {url}
labels: [{label}]
summary: {summary}
timeline:
  - at: 2026-07-07T09:30:00Z
    text: {t1}
  - at: 2026-07-07T09:40:00Z
    text: {t2}
  - at: 2026-07-07T09:50:00Z
    text: {t3}
corrective_actions:
  - title: {a1}
    url: {a1url}
    status: open
    owner: {owner}
  - title: {a2}
    url: {a2url}
    status: closed
  - title: {a3}
    status: open
",
            url = quoted(URL_PAYLOAD),
            label = quoted(PAYLOAD),
            summary = quoted(&format!(
                "Summary **bold** `code` [ok](https://ok.example/a) {PAYLOAD}"
            )),
            t1 = quoted(&format!("Timeline **bold** {PAYLOAD}")),
            t2 = quoted(&format!(
                "[ref link][r] {PAYLOAD}\n\n[r]: javascript:alert(9)"
            )),
            a1 = quoted(&format!("Action **bold** {PAYLOAD}")),
            a1url = quoted(URL_PAYLOAD_2),
            a2 = quoted(&format!("Second {PAYLOAD}")),
            a2url = quoted(URL_PAYLOAD),
            t3 = quoted(&format!("Markdown only {MD_PAYLOAD}")),
            a3 = quoted(&format!("Markdown only {MD_PAYLOAD}")),
            owner = quoted(&format!("Owner {PAYLOAD}")),
        ))
        .write(&site);
    site.build_ok();

    let files = site.output_tree();
    let mut html_files = 0;
    for (name, bytes) in &files {
        // The theme's own script files are the only scripts allowed.
        let text = THEME_SCRIPTS
            .iter()
            .fold(String::from_utf8_lossy(bytes).into_owned(), |t, s| {
                t.replace(s, "")
            });
        assert!(
            !text.to_ascii_lowercase().contains("<script"),
            "{name} contains a <script>:\n{text}"
        );
        if name.ends_with(".html") {
            html_files += 1;
            assert_inert(name, &Html::parse_document(&text));
        }
    }
    assert!(html_files >= 5, "{:?}", files.keys());

    // The feed: the summary is HTML escaped into XML; decoded once it must
    // still be inert.
    let feed = site.output("/incidents/atom.xml");
    let summaries = xml_texts(&feed, "summary");
    assert_eq!(summaries.len(), 1);
    assert!(summaries[0].contains("Summary"), "{feed}");
    let decoded = summaries[0].clone();
    assert!(
        !decoded.to_ascii_lowercase().contains("<script"),
        "{decoded}"
    );
    assert_inert("atom.xml <summary>", &Html::parse_fragment(&decoded));
    assert!(decoded.contains("<strong>bold</strong>"), "{decoded}");
    for (i, _) in feed.match_indices("href=\"") {
        let href = feed[i + 6..].split('"').next().unwrap();
        assert!(!href.to_ascii_lowercase().contains("javascript"), "{href}");
    }

    // Harmless markdown still renders.
    let html = site.html("/incidents/evil-1/");
    assert_eq!(select_text(&html, "div.upstream strong"), ["bold"]);
    assert_eq!(select_text(&html, "div.upstream code"), ["code"]);
    assert_eq!(
        select_attr(&html, "div.upstream a[href^='https:']", "href"),
        ["https://ok.example/a"]
    );
    assert_eq!(
        select_text(&html, "ol.timeline li .timeline-text strong"),
        ["bold"]
    );
    assert_eq!(select_text(&html, "table.actions strong"), ["bold"]);
    assert!(select_text(&html, "h1")[0].starts_with("Title"));
    // The hostile links are kept as links, inside the page.
    assert_eq!(
        facts(&html)["Source issue"],
        URL_PAYLOAD,
        "the source link shows its address as text"
    );
    assert_eq!(
        select_text(&site.html("/services/web/"), ".prose > p strong"),
        ["bold"]
    );
    assert_eq!(
        select_text(&site.html("/services/api/"), ".prose > p em"),
        ["docs"]
    );
}

#[test]
fn javascript_urls_in_snapshots_are_rejected() {
    let site = Site::new();
    site.file("data/services.yaml", SERVICES);
    let i = Incident::new("js-1", "2026-07-07T09:30:00Z").extra(
        "url: javascript:alert(1)
corrective_actions:
  - title: Fix
    url: \"JAVASCRIPT:alert(2)\"
    status: open
",
    );
    i.write(&site);
    site.build().assert_failure().assert_stderr_has(&[
        "data/incidents/2026/js-1.yaml:11:",
        "data/incidents/2026/js-1.yaml:14:",
    ]);
    assert!(!site.public().exists(), "a failed build writes nothing");
}

// -------------------------------------------------------- 3. path safety

#[test]
fn path_like_incident_ids_are_rejected_and_nothing_is_written() {
    let site = Site::new();
    site.file("data/services.yaml", SERVICES);
    let bad = [
        ("dotdot-x", "../x"),
        ("slash", "a/b"),
        ("dotdot", ".."),
        ("upper", "X"),
        ("escape", "../../../escape"),
    ];
    for (file, id) in bad {
        let i = Incident::new(id, "2026-07-07T09:30:00Z");
        site.file(&format!("data/incidents/2026/{file}.yaml"), &i.yaml());
    }
    // The output goes one level down, so that its parent is ours to watch.
    std::fs::create_dir_all(site.root().join("out")).unwrap();
    let before = tree(site.root());
    let out_dir = site.root().join("out/public");
    let out = site.run(&[
        "build",
        "--root",
        site.root_str(),
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    out.assert_failure();
    for (file, id) in bad {
        out.assert_stderr_has(&[
            &format!("data/incidents/2026/{file}.yaml:1:"),
            &format!("`{id}`"),
        ]);
    }
    let after = tree(site.root());
    assert_same_tree(&before, &after);
    assert_eq!(
        std::fs::read_dir(site.root().join("out")).unwrap().count(),
        0,
        "the parent of the output directory gained files"
    );
}

#[test]
fn narrative_with_a_path_as_incident_is_an_error() {
    let site = Site::new();
    site.file("data/services.yaml", SERVICES);
    Incident::new("17054", "2026-07-07T09:30:00Z").write(&site);
    site.file(
        "content/postmortems/x.md",
        &narrative("../../etc", "Escape", "## Summary\n\nText.\n"),
    );
    let before = tree(site.root());
    site.build()
        .assert_failure()
        .assert_stderr_has(&["content/postmortems/x.md:3:", "../../etc"]);
    assert_same_tree(&before, &tree(site.root()));
}

// ------------------------------------------------- 4. the post-mortem page

const FULL_INCIDENT: &str = "\
id: \"17054\"
title: Elevated error rate on web after a configuration change
severity: 1
status: resolved
confidential: false
services: [web, api]
started_at: 2026-07-07T11:30:00+02:00
detected_at: 2026-07-07T09:34:00Z
mitigated_at: 2026-07-07T10:05:00Z
resolved_at: 2026-07-07T10:15:00Z
impact: outage
root_cause: Config-Change
url: https://gitlab.example.com/infra/production/-/issues/17054
labels: [incident, \"severity::1\"]
summary: |
  A load balancer change sent web traffic to a drained pool.
timeline:
  - at: 2026-07-07T09:30:00Z
    text: Error ratio on web crosses its SLO
  - at: 2026-07-07T09:34:00Z
    text: Alert fires; the incident manager is paged
  - at: 2026-07-07T10:05:00Z
    text: Change rolled back
corrective_actions:
  - title: Validate load balancer config in CI
    url: https://gitlab.example.com/infra/production/-/issues/17060
    status: open
    due: 2026-08-01
    owner: Networking team
  - title: Alert on drained pools
    url: https://gitlab.example.com/infra/production/-/issues/17061
    status: closed
    due: 2026-07-10
    owner: Observability team
  - title: Document the rollback
    status: open
    due: 2026-09-01
    owner: SRE
  - title: Review the change process
    status: open
    due: 2026-08-15
    owner: Change advisory board
  - title: Think about canaries
    status: open
";

/// A narrative whose sections come in a scrambled order.
const SCRAMBLED_NARRATIVE: &str = "\
---
title: Load balancer review
incident: \"17054\"
---

## Lessons learned

Lessons-text.

## What went wrong

Wrong-text.

{{% alert title=\"Note\" color=\"warning\" %}}
Watch the *pool*.
{{% /alert %}}

## Where we got lucky

Lucky-text.

## Root cause and contributing factors

Root-text.

## What went well

Well-text.

## Resolution

Resolution-text.

## Summary

Summary-text.

## Customer impact

Impact-text.

## Detection

Detection-text.
";

fn full_site() -> Site {
    let site = Site::new();
    site.file("data/services.yaml", SERVICES)
        .file("data/incidents/2026/17054.yaml", FULL_INCIDENT);
    site
}

#[test]
fn postmortem_page_header_timeline_and_actions() {
    let site = full_site();
    site.build_env(&[], &[("SOURCE_DATE_EPOCH", Some(&epoch(2026, 8, 15)))])
        .assert_success();
    let html = site.html("/incidents/17054/");

    assert_eq!(select_text(&html, "p.badges span.sev.sev-1"), ["S1"]);
    assert_eq!(select_text(&html, "p.badges span.status"), ["resolved"]);
    assert_eq!(
        select_text(&html, "h1"),
        ["Elevated error rate on web after a configuration change"]
    );
    let f = facts(&html);
    assert_eq!(f["Services"], "Web, API");
    assert_eq!(
        select_attr(&html, "header dl.facts dd a[href^='/services/']", "href"),
        ["/services/web/", "/services/api/"]
    );
    // 11:30+02:00 is 09:30 UTC.
    assert_eq!(f["Impact started"], "2026-07-07 09:30 UTC");
    assert_eq!(f["Detected"], "2026-07-07 09:34 UTC");
    assert_eq!(f["Mitigated"], "2026-07-07 10:05 UTC");
    assert_eq!(f["Resolved"], "2026-07-07 10:15 UTC");
    assert_eq!(f["Time to detect"], "4 min");
    assert_eq!(f["Time to mitigate"], "35 min");
    assert_eq!(f["Duration of impact"], "35 min");
    assert_eq!(f["Root cause"], "Config change");
    assert_eq!(
        f["Source issue"],
        "https://gitlab.example.com/infra/production/-/issues/17054"
    );
    assert_eq!(
        select_attr(&html, "header dl.facts dd a[rel~=nofollow]", "href"),
        ["https://gitlab.example.com/infra/production/-/issues/17054"]
    );

    // The timeline, in order, in UTC.
    assert_eq!(
        select_text(&html, "ol.timeline li .timeline-text"),
        [
            "Error ratio on web crosses its SLO",
            "Alert fires; the incident manager is paged",
            "Change rolled back"
        ]
    );
    assert_eq!(
        select_text(&html, "ol.timeline li time"),
        [
            "2026-07-07 09:30 UTC",
            "2026-07-07 09:34 UTC",
            "2026-07-07 10:05 UTC"
        ]
    );

    // Corrective actions: one row each, owner and due date, `overdue` only
    // on open actions due before 2026-08-15 (SOURCE_DATE_EPOCH).
    let rows: Vec<Vec<String>> = html
        .select(&common::selector("table.actions tbody tr"))
        .map(|tr| {
            tr.select(&common::selector("td"))
                .map(|td| td.text().collect::<String>().trim().to_string())
                .collect()
        })
        .collect();
    assert_eq!(
        rows,
        [
            [
                "Validate load balancer config in CI",
                "Networking team",
                "2026-08-01 overdue",
                "open"
            ],
            [
                "Alert on drained pools",
                "Observability team",
                "2026-07-10",
                "closed"
            ],
            ["Document the rollback", "SRE", "2026-09-01", "open"],
            [
                "Review the change process",
                "Change advisory board",
                "2026-08-15",
                "open"
            ],
            ["Think about canaries", "–", "–", "open"],
        ]
    );
    assert_eq!(count(&html, "table.actions span.overdue"), 1);
    assert_eq!(
        select_attr(&html, "table.actions tbody td a", "href"),
        [
            "https://gitlab.example.com/infra/production/-/issues/17060",
            "https://gitlab.example.com/infra/production/-/issues/17061"
        ]
    );
    assert!(
        all_text(&html).contains("1 action overdue as of 2026-08-15"),
        "{}",
        all_text(&html)
    );

    // The reference date is SOURCE_DATE_EPOCH: before every due date,
    // nothing is overdue.
    site.build_env(&[], &[("SOURCE_DATE_EPOCH", Some(&epoch(2026, 7, 20)))])
        .assert_success();
    let html = site.html("/incidents/17054/");
    assert_eq!(count(&html, "table.actions span.overdue"), 0);
    // Long after: every open dated action.
    site.build_env(&[], &[("SOURCE_DATE_EPOCH", Some(&epoch(2027, 1, 1)))])
        .assert_success();
    let html = site.html("/incidents/17054/");
    assert_eq!(count(&html, "table.actions span.overdue"), 3);
}

const REVIEW_IDS: [&str; 11] = [
    "summary",
    "impact",
    "detection",
    "timeline",
    "root-cause",
    "resolution",
    "went-well",
    "went-wrong",
    "lucky",
    "lessons",
    "actions",
];

#[test]
fn narrative_sections_follow_the_review_order() {
    let site = full_site();
    site.file("content/postmortems/17054.md", SCRAMBLED_NARRATIVE);
    site.build_ok();
    let html = site.html("/incidents/17054/");

    assert_eq!(
        select_attr(&html, "div.prose > section.review-section", "id"),
        REVIEW_IDS
    );
    assert_eq!(
        select_text(&html, "div.prose > section.review-section > h2"),
        [
            "Summary",
            "Customer impact",
            "Detection",
            "Timeline",
            "Root cause and contributing factors",
            "Resolution",
            "What went well",
            "What went wrong",
            "Where we got lucky",
            "Lessons learned",
            "Corrective actions"
        ]
    );
    // Each narrative part lands in its own section, beside the data.
    for (id, text) in [
        ("summary", "Summary-text."),
        ("impact", "Impact-text."),
        ("detection", "Detection-text."),
        ("root-cause", "Root-text."),
        ("resolution", "Resolution-text."),
        ("went-well", "Well-text."),
        ("went-wrong", "Wrong-text."),
        ("lucky", "Lucky-text."),
        ("lessons", "Lessons-text."),
    ] {
        let section = select_text(&html, &format!("section#{id}")).concat();
        assert!(section.contains(text), "section {id}: {section}");
        let others = REVIEW_IDS
            .iter()
            .filter(|o| **o != id)
            .map(|o| select_text(&html, &format!("section#{o}")).concat())
            .collect::<String>();
        assert!(!others.contains(text), "{text} is outside section {id}");
    }
    let summary = first(&html, "section#summary");
    assert!(
        summary
            .text()
            .collect::<String>()
            .contains("A load balancer change sent web traffic to a drained pool."),
        "the snapshot's summary is in the summary section"
    );
    assert_eq!(count(&html, "section#timeline ol.timeline li"), 3);
    assert_eq!(count(&html, "section#actions table.actions tbody tr"), 5);
    // Shortcodes of the narrative render.
    assert_eq!(
        count(&html, "section#went-wrong div.alert.alert-warning"),
        1
    );
    assert_eq!(
        select_text(&html, "section#went-wrong div.alert em"),
        ["pool"]
    );
    // The table of contents lists the sections, in the same order.
    assert_eq!(
        select_attr(&html, "aside.toc nav a", "href"),
        REVIEW_IDS.map(|id| format!("#{id}"))
    );
    assert_eq!(
        select_text(&html, "aside.toc nav a")[0..2],
        ["Summary", "Customer impact"]
    );
}

// -------------------------------------- 5. index, services, home and feed

fn index_site() -> Site {
    let site = Site::new();
    site.file("data/services.yaml", SERVICES)
        .file(
            "opsbook.toml",
            "title = \"Larkspur Ops\"\nbase_url = \"https://ops.example.com/book/\"\n",
        )
        .file("content/_index.md", &page("Home", "Welcome.\n"));
    Incident::new("a1", "2026-05-02T08:00:00Z")
        .title("Deploy broke sign-in")
        .severity(2)
        .minutes(90)
        .root_cause("Deploy")
        .write(&site);
    Incident::new("a2", "2026-01-15T08:00:00Z")
        .title("API latency")
        .severity(1)
        .services("[api]")
        .active()
        .write(&site);
    // 01:00+02:00 on New Year's day is still 2025 in UTC.
    Incident::new("b1", "2026-01-01T01:00:00+02:00")
        .title("Slow git pushes")
        .severity(3)
        .services("[web, api]")
        .minutes(12)
        .resolved_at(None)
        .write(&site);
    Incident::new("b2", "2025-02-01T08:00:00Z")
        .title("Web blips")
        .severity(4)
        .write(&site);
    Incident::new("c1", "2026-03-01T08:00:00Z")
        .title("Secret thing")
        .severity(1)
        .confidential(true)
        .write(&site);
    site
}

#[test]
fn incident_index_is_grouped_by_year_newest_first() {
    let site = index_site();
    site.build_ok();
    let html = site.html("/incidents/");

    assert_eq!(select_attr(&html, "section.year", "id"), ["y2026", "y2025"]);
    let rows = |year: &str| -> Vec<Vec<String>> {
        html.select(&common::selector(&format!(
            "section#{year} table.incident-list tbody tr"
        )))
        .map(|tr| {
            tr.select(&common::selector("td"))
                .map(|td| td.text().collect::<String>().trim().to_string())
                .collect()
        })
        .collect()
    };
    assert_eq!(
        rows("y2026"),
        [
            [
                "2026-05-02",
                "S2",
                "Deploy broke sign-in Review pending",
                "Web",
                "1 h 30 min",
                "resolved",
                "Deploy"
            ],
            [
                "2026-01-15",
                "S1",
                "API latency Review pending",
                "API",
                "ongoing",
                "active",
                "–"
            ],
        ]
    );
    assert_eq!(
        rows("y2025"),
        [
            [
                "2025-12-31",
                "S3",
                "Slow git pushes Review pending",
                "Web, API",
                "12 min",
                "mitigated",
                "–"
            ],
            [
                "2025-02-01",
                "S4",
                "Web blips Review pending",
                "Web",
                "30 min",
                "resolved",
                "–"
            ],
        ]
    );
    assert_eq!(
        select_attr(
            &html,
            "section#y2026 tbody td a[href*='/incidents/']",
            "href"
        ),
        ["/book/incidents/a1/", "/book/incidents/a2/"]
    );
    assert_eq!(
        select_attr(
            &html,
            "section#y2025 tbody td a[href*='/services/']",
            "href"
        ),
        [
            "/book/services/web/",
            "/book/services/api/",
            "/book/services/web/"
        ]
    );
    assert_eq!(count(&html, "section#y2026 tbody span.sev.sev-2"), 1);
    // All incidents per severity, confidential ones included.
    assert_eq!(
        select_text(&html, ".summary-cards .card-value"),
        ["2", "1", "1", "1"]
    );
    assert_eq!(
        select_text(&html, "p.confidential-note"),
        [
            "1 confidential incident is not listed; it is included in the counts and in availability figures."
        ]
    );
    assert!(!all_text(&html).contains("Secret thing"));
}

#[test]
fn service_pages_list_their_incidents() {
    let site = index_site();
    site.build_ok();

    let services = site.html("/services/");
    assert_eq!(
        select_text(&services, "table.data tbody td:first-child a"),
        ["API", "Web"]
    );
    assert_eq!(
        select_attr(&services, "table.data tbody td:first-child a", "href"),
        ["/book/services/api/", "/book/services/web/"]
    );
    // Every incident counts here, confidential ones included.
    assert_eq!(
        select_text(&services, "table.data tbody td:nth-child(5)"),
        ["2", "4"]
    );

    let web = site.html("/services/web/");
    assert_eq!(
        select_text(&web, "table.incident-list tbody td a"),
        ["Deploy broke sign-in", "Slow git pushes", "Web blips"]
    );
    assert_eq!(
        select_attr(&web, "table.incident-list tbody td a", "href"),
        [
            "/book/incidents/a1/",
            "/book/incidents/b1/",
            "/book/incidents/b2/"
        ]
    );
    assert_eq!(
        select_text(&web, "p.confidential-note"),
        ["1 confidential incident is not listed."]
    );
    let api = site.html("/services/api/");
    assert_eq!(
        select_text(&api, "table.incident-list tbody td a"),
        ["API latency", "Slow git pushes"]
    );
    assert_eq!(count(&api, "p.confidential-note"), 0);
    assert!(!all_text(&web).contains("Secret thing"));
}

#[test]
fn home_page_shows_the_latest_postmortems() {
    let site = index_site();
    // Written reviews only: b1 has none ("review pending").
    for id in ["a1", "a2", "b2"] {
        site.file(
            &format!("content/postmortems/{id}.md"),
            &narrative(id, "Review", "Written.\n"),
        );
    }
    site.build_ok();
    let home = site.html("/");
    assert_eq!(
        select_text(&home, "section.latest-postmortems li > a"),
        ["Deploy broke sign-in", "API latency", "Web blips"]
    );
    assert_eq!(
        select_attr(&home, "section.latest-postmortems li > a", "href")[0],
        "/book/incidents/a1/"
    );
    assert!(!all_text(&home).contains("Secret thing"));
}

#[test]
fn atom_feed_has_one_entry_per_public_incident_newest_first() {
    let site = index_site();
    site.build_ok();
    let feed = site.output("/incidents/atom.xml");
    let ids: Vec<String> = entry_texts(&feed, "id");
    assert_eq!(
        ids,
        [
            "https://ops.example.com/book/incidents/a1/",
            "https://ops.example.com/book/incidents/a2/",
            "https://ops.example.com/book/incidents/b1/",
            "https://ops.example.com/book/incidents/b2/"
        ]
    );
    assert_eq!(entry_links(&feed), ids);
    let published: Vec<DateTime<Utc>> = entry_texts(&feed, "published")
        .iter()
        .map(|t| utc(t))
        .collect();
    assert!(
        published.windows(2).all(|w| w[0] >= w[1]),
        "newest first: {published:?}"
    );
    assert!(
        feed.contains(
            "<link rel=\"self\" href=\"https://ops.example.com/book/incidents/atom.xml\"/>"
        )
    );
    assert!(!feed.contains("Secret thing"));

    // The sitemap uses the base URL too.
    let sitemap = site.output("/sitemap.xml");
    let locs = xml_texts(&sitemap, "loc");
    for id in ["a1", "a2", "b1", "b2"] {
        let url = format!("https://ops.example.com/book/incidents/{id}/");
        assert!(locs.contains(&url), "{url} not in {locs:?}");
    }
    assert!(!locs.iter().any(|l| l.contains("/c1/")), "{locs:?}");
}

#[test]
fn atom_feed_keeps_the_50_newest() {
    let site = Site::new();
    site.file("data/services.yaml", SERVICES)
        .file("opsbook.toml", "base_url = \"https://ops.example.com/\"\n");
    let start = utc("2026-01-01T00:00:00Z");
    for n in 0..55 {
        Incident::new(
            &format!("n{n:02}"),
            &(start + Duration::days(n)).to_rfc3339(),
        )
        .write(&site);
    }
    site.build_ok();
    let feed = site.output("/incidents/atom.xml");
    let ids: Vec<String> = entry_texts(&feed, "id");
    let expected: Vec<String> = (5..55)
        .rev()
        .map(|n| format!("https://ops.example.com/incidents/n{n:02}/"))
        .collect();
    assert_eq!(ids, expected);
    // The index lists them all.
    assert_eq!(
        count(&site.html("/incidents/"), "table.incident-list tbody tr"),
        55
    );
}

// ------------------------------------------------------ 6. narrative errors

#[test]
fn narrative_for_an_unknown_incident_is_an_error_at_its_key() {
    let site = full_site();
    site.file(
        "content/postmortems/nope.md",
        "---\ntitle: Nope\nweight: 3\nincident: \"99999\"\n---\nText.\n",
    );
    site.build()
        .assert_failure()
        .assert_stderr_has(&["content/postmortems/nope.md:4:", "99999"]);
    assert!(!site.public().exists());
}

#[test]
fn narrative_error_points_at_the_key_not_at_a_title_mentioning_it() {
    let site = full_site();
    site.file(
        "content/postmortems/nope.md",
        "---\ntitle: \"Review of incident: the big one\"\nincident: \"99999\"\n---\nText.\n",
    );
    let out = site.build();
    out.assert_failure();
    let errors = located(&out.stderr, "error");
    let narrative_errors: Vec<&(String, String)> = errors
        .iter()
        .filter(|(_, loc)| loc.starts_with("content/postmortems/nope.md"))
        .collect();
    assert_eq!(
        narrative_errors
            .iter()
            .map(|(_, l)| l.as_str())
            .collect::<Vec<_>>(),
        ["content/postmortems/nope.md:3"],
        "the error points at the `incident:` key (line 3):\n{}",
        out.stderr
    );
}

#[test]
fn narrative_without_incident_is_an_error() {
    let site = full_site();
    site.file(
        "content/postmortems/orphan.md",
        &page("Orphan", "## Summary\n\nText.\n"),
    );
    site.build()
        .assert_failure()
        .assert_stderr_has(&["content/postmortems/orphan.md", "`incident:`"]);
}

#[test]
fn narrative_and_data_errors_are_reported_together_and_keep_the_old_output() {
    let site = full_site();
    site.file("content/postmortems/17054.md", SCRAMBLED_NARRATIVE);
    site.build_ok();
    let before = site.output_tree();

    // One bad snapshot and one bad narrative.
    Incident::new("17099", "2026-08-01T00:00:00Z")
        .services("[web, dns]")
        .write(&site);
    site.file(
        "content/postmortems/ghost.md",
        &narrative("ghost", "Ghost", "Text.\n"),
    );
    let out = site.build();
    out.assert_failure().assert_stderr_has(&[
        "data/incidents/2026/17099.yaml:6:",
        "`dns`",
        "content/postmortems/ghost.md:3:",
        "`ghost`",
    ]);
    assert_same_tree(&before, &site.output_tree());
}

#[test]
fn a_bad_snapshot_does_not_make_valid_narratives_unknown() {
    let site = full_site();
    site.file("content/postmortems/17054.md", SCRAMBLED_NARRATIVE);
    Incident::new("17099", "2026-08-01T00:00:00Z")
        .services("[web, dns]")
        .write(&site);
    let out = site.build();
    out.assert_failure()
        .assert_stderr_has(&["data/incidents/2026/17099.yaml:6:"]);
    let errors = located(&out.stderr, "error");
    assert!(
        errors.iter().all(|(_, loc)| !loc.starts_with("content/")),
        "17054 exists and its narrative is fine; only the bad snapshot is an error:\n{}",
        out.stderr
    );
}

// ---------------------------------------------------------- 7. blameless

const BLAME_INCIDENT: &str = "\
id: blame-1
title: Database failover
severity: 2
status: resolved
confidential: false
services: [web]
started_at: 2026-04-01T10:00:00Z
resolved_at: 2026-04-01T11:00:00Z
impact: degraded
summary: |
  The on-call engineer was paged; mail went to ops@example.com.
  Then @jdoe restarted the primary.
timeline:
  - at: 2026-04-01T10:00:00Z
    text: Replication lag alert fires
  - at: 2026-04-01T10:20:00Z
    text: Jane Doe promoted the replica
corrective_actions:
  - title: Automate the promotion, as @oncall-lead asked
    status: open
    owner: Database team
  - title: Merge the runbooks of MaryJane Doe and Jane Doel (see docs@example.com)
    status: open
";
const BLAME_FILE: &str = "data/incidents/2026/blame-1.yaml";

const CONF_BLAME_INCIDENT: &str = "\
id: hush-1
title: Confidential failover
severity: 2
status: resolved
confidential: true
services: [web]
started_at: 2026-04-02T10:00:00Z
resolved_at: 2026-04-02T11:00:00Z
impact: degraded
summary: |
  @jdoe and Jane Doe did things.
timeline:
  - at: 2026-04-02T10:00:00Z
    text: Jane Doe was paged
";

fn blame_site() -> Site {
    let site = Site::new();
    site.file("data/services.yaml", SERVICES)
        .file(
            "opsbook.toml",
            "[blameless]\nnames = [\"Jane Doe\"]\nlevel = \"warn\"\n",
        )
        .file(BLAME_FILE, BLAME_INCIDENT)
        .file("data/incidents/2026/hush-1.yaml", CONF_BLAME_INCIDENT)
        .file(
            "content/postmortems/blame-1.md",
            "---\ntitle: Failover review\nincident: \"blame-1\"\n---\n\n## What went wrong\n\nThe handover from @asmith was late; write to sre@example.com.\n",
        )
        .file(
            "content/postmortems/hush-1.md",
            "---\ntitle: Hush\nincident: \"hush-1\"\n---\n\n@jdoe and Jane Doe.\n",
        );
    site
}

#[test]
fn blameless_check_warns_on_people_in_public_postmortems() {
    let site = blame_site();
    let out = site.check_with(&[]);
    out.assert_success();
    let mut warnings = located(&out.stderr, "warning");
    warnings.sort();
    let mut expected = vec![
        (
            "post-mortem text names a person: `@jdoe`".to_string(),
            format!("{BLAME_FILE}:12"),
        ),
        (
            "post-mortem text names a person: `Jane Doe`".to_string(),
            format!("{BLAME_FILE}:17"),
        ),
        (
            "post-mortem text names a person: `@oncall-lead`".to_string(),
            format!("{BLAME_FILE}:19"),
        ),
        (
            "post-mortem text names a person: `@asmith`".to_string(),
            "content/postmortems/blame-1.md:8".to_string(),
        ),
    ];
    expected.sort();
    assert_eq!(warnings, expected, "stderr:\n{}", out.stderr);

    // --strict turns them into errors.
    let strict = site.check_with(&["--strict"]);
    strict
        .assert_failure()
        .assert_stderr_has(&["@jdoe", "@asmith", &format!("{BLAME_FILE}:12:")]);
    assert!(!strict.stderr.contains("hush-1"), "{}", strict.stderr);
}

#[test]
fn blameless_name_match_is_case_insensitive_and_located() {
    let site = Site::new();
    site.file("data/services.yaml", SERVICES)
        .file("opsbook.toml", "[blameless]\nnames = [\"Jane Doe\"]\n");
    Incident::new("case-1", "2026-04-01T10:00:00Z")
        .extra(
            "timeline:
  - at: 2026-04-01T10:00:00Z
    text: Alert fires
  - at: 2026-04-01T10:05:00Z
    text: JANE DOE rolled back
",
        )
        .write(&site);
    let out = site.check_with(&[]);
    out.assert_success();
    assert_eq!(
        located(&out.stderr, "warning"),
        [(
            "post-mortem text names a person: `Jane Doe`".to_string(),
            "data/incidents/2026/case-1.yaml:15".to_string()
        )],
        "stderr:\n{}",
        out.stderr
    );
}

// ------------------------------------------------ 8. new postmortem <id>

const SCAFFOLD_INCIDENT_TIMELINE: &str = "\
timeline:
  - at: 2026-07-07T09:30:00Z
    text: Error ratio on web crosses its SLO
  - at: 2026-07-07T09:34:00Z
    text: \"Alert <script>alert(1)</script> fires\"
  - at: 2026-07-07T10:05:00Z
    text: Change rolled back
";

#[test]
fn new_postmortem_writes_the_review_skeleton() {
    let site = Site::new();
    site.file("data/services.yaml", SERVICES);
    Incident::new("17054", "2026-07-07T09:30:00Z")
        .extra(SCAFFOLD_INCIDENT_TIMELINE)
        .write(&site);
    let root = site.root_str().to_string();
    site.run(&["new", "postmortem", "17054", "--root", &root])
        .assert_success();
    let path = site.root().join("content/postmortems/17054.md");
    let text = std::fs::read_to_string(&path).expect("the narrative is written");

    let front = text
        .strip_prefix("---\n")
        .and_then(|t| t.split_once("\n---\n"))
        .expect("front matter")
        .0;
    assert!(front.lines().any(|l| l == "incident: \"17054\""), "{front}");
    let headings: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("## ")).collect();
    assert_eq!(
        headings,
        [
            "Summary",
            "Customer impact",
            "Detection",
            "Timeline",
            "Root cause and contributing factors",
            "Resolution",
            "What went well",
            "What went wrong",
            "Where we got lucky",
            "Lessons learned",
            "Corrective actions"
        ]
    );
    // A draft; the timeline is not copied in (the page renders it from
    // the snapshot, so it appears once).
    assert!(front.lines().any(|l| l == "draft: true"), "{front}");
    assert!(
        !text.contains("Error ratio on web crosses its SLO"),
        "{text}"
    );
    assert!(!text.to_lowercase().contains("<script"), "{text}");

    // A second run refuses to overwrite, even an edited file.
    std::fs::write(&path, format!("{text}\nEdited by hand.\n")).unwrap();
    let edited = std::fs::read(&path).unwrap();
    site.run(&["new", "postmortem", "17054", "--root", &root])
        .assert_failure()
        .assert_stderr_has(&["content/postmortems/17054.md", "already exists"]);
    assert_eq!(std::fs::read(&path).unwrap(), edited);

    // An unknown id fails and writes nothing.
    site.run(&["new", "postmortem", "404", "--root", &root])
        .assert_failure()
        .assert_stderr_has(&["404"]);
    assert!(!site.root().join("content/postmortems/404.md").exists());

    // The written file, once no longer a draft, builds into a page with
    // every section.
    let edited = String::from_utf8(edited)
        .unwrap()
        .replace("draft: true\n", "");
    std::fs::write(&path, edited).unwrap();
    site.build_ok();
    let html = site.html("/incidents/17054/");
    assert_eq!(
        select_attr(&html, "div.prose > section.review-section", "id"),
        REVIEW_IDS
    );
    assert!(all_text(&html).contains("Edited by hand."));
    assert_eq!(count(&html, "script:not([src])"), 0);
}

#[test]
fn new_postmortem_skeleton_passes_the_blameless_check() {
    let site = Site::new();
    site.file("data/services.yaml", SERVICES);
    Incident::new("17054", "2026-07-07T09:30:00Z")
        .extra(SCAFFOLD_INCIDENT_TIMELINE)
        .write(&site);
    site.run(&["new", "postmortem", "17054", "--root", site.root_str()])
        .assert_success();
    let out = site.check_with(&["--strict"]);
    assert!(
        out.success(),
        "a fresh skeleton names nobody, yet `check --strict` fails:\n{}",
        out.stderr
    );
}

#[test]
fn new_postmortem_does_not_turn_upstream_links_into_script() {
    let site = Site::new();
    site.file("data/services.yaml", SERVICES);
    Incident::new("17054", "2026-07-07T09:30:00Z")
        .extra(
            "timeline:
  - at: 2026-07-07T09:30:00Z
    text: \"Change [rolled back](javascript:alert(1)) by the deploy bot\"
",
        )
        .write(&site);
    site.run(&["new", "postmortem", "17054", "--root", site.root_str()])
        .assert_success();
    site.build_ok();
    // The same text is inert in the snapshot's timeline: it must stay inert
    // when the scaffold copies it into the (trusted) narrative.
    assert_inert("/incidents/17054/", &site.html("/incidents/17054/"));
}

#[test]
fn new_postmortem_rejects_path_like_ids() {
    let site = Site::new();
    site.file("data/services.yaml", SERVICES);
    Incident::new("17054", "2026-07-07T09:30:00Z").write(&site);
    let before = tree(site.root());
    for id in ["../../x", "a/b", "..", "X"] {
        site.run(&["new", "postmortem", id, "--root", site.root_str()])
            .assert_failure();
    }
    assert_same_tree(&before, &tree(site.root()));
}

// -------------------------------------------------------- 9. determinism

#[test]
fn building_twice_gives_identical_output() {
    let site = index_site();
    site.file("data/incidents/2026/17054.yaml", FULL_INCIDENT)
        .file("content/postmortems/17054.md", SCRAMBLED_NARRATIVE)
        .file(
            "data/maintenance/2026-10.yaml",
            "windows:\n  - id: pg16-upgrade\n    title: PostgreSQL 16 upgrade\n    services: [web, api]\n    start: 2026-10-10T06:00:00Z\n    end: 2026-10-10T08:00:00Z\n",
        );
    // Without SOURCE_DATE_EPOCH, "now" comes from the data, not the clock.
    let env = [("SOURCE_DATE_EPOCH", None)];
    site.build_env(&[], &env).assert_success();
    let first = site.output_tree();
    assert!(first.contains_key("incidents/17054/index.html"));
    for _ in 0..2 {
        site.build_env(&[], &env).assert_success();
        assert_same_tree(&first, &site.output_tree());
    }
}

/// Handbook links to incident and service pages are checked against what
/// the build publishes: a public post-mortem resolves, a confidential one
/// does not exist (so the link is reported, and `--strict` fails).
#[test]
fn handbook_links_to_incident_pages_are_checked() {
    let site = full_site();
    Incident::new("17077", "2026-08-02T00:00:00Z")
        .confidential(true)
        .write(&site);
    site.file(
        "content/links.md",
        &page(
            "Links",
            "[public](/incidents/17054/) [feed](/incidents/atom.xml) [web](/services/web/)\n\n[secret](/incidents/17077/)\n",
        ),
    );
    let out = site.check_with(&[]);
    out.assert_success()
        .assert_stderr_has(&["content/links.md:6:", "/incidents/17077/"]);
    let stderr = &out.stderr;
    assert!(!stderr.contains("`/incidents/17054/`"), "{stderr}");
    assert!(!stderr.contains("`/incidents/atom.xml`"), "{stderr}");
    assert!(!stderr.contains("`/services/web/`"), "{stderr}");
    site.check_with(&["--strict"]).assert_failure();
}
