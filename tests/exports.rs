//! JSON exports under `/api/`, parsed with serde_json: public incidents only,
//! derived times exact, deterministic bytes.

mod common;

use common::{Site, page};
use serde_json::Value;

fn site() -> Site {
    let site = Site::new();
    site.file("content/_index.md", &page("Home", "Hello.\n"))
        .file(
            "opsbook.toml",
            "title = \"T\"\nbase_url = \"https://ops.example.com/book/\"\n",
        )
        .file(
            "data/services.yaml",
            "services:\n  - id: api\n    name: API\n    weight: 5\n    target: 99.95\n",
        )
        .file(
            "data/incidents/2026/pub-1.yaml",
            "id: pub-1\ntitle: \"Public \\\"quoted\\\" <b>outage</b>\"\nseverity: 1\nstatus: resolved\n\
             confidential: false\nservices: [api]\nstarted_at: 2026-03-02T08:00:00Z\n\
             detected_at: 2026-03-02T08:04:30Z\nmitigated_at: 2026-03-02T08:30:00Z\n\
             resolved_at: 2026-03-02T10:00:00Z\nimpact: outage\nroot_cause: Saturation\n",
        )
        .file(
            "data/incidents/2026/sec-1.yaml",
            "id: sec-1\ntitle: CONFMARK secret\nseverity: 2\nstatus: active\nconfidential: true\n\
             services: [api]\nstarted_at: 2026-03-03T08:00:00Z\nimpact: outage\n",
        );
    site
}

#[test]
fn incidents_json_lists_public_incidents_with_derived_times() {
    let site = site();
    site.build_ok();
    let text = site.output("/api/incidents.json");
    assert!(
        !text.contains("CONFMARK") && !text.contains("sec-1"),
        "{text}"
    );
    let json: Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(json["schema"], 1);
    assert_eq!(json["as_of"], "2026-03-03T08:00:00Z");
    let incidents = json["incidents"].as_array().expect("a list");
    assert_eq!(incidents.len(), 1);
    let i = &incidents[0];
    assert_eq!(i["id"], "pub-1");
    assert_eq!(i["title"], "Public \"quoted\" <b>outage</b>");
    assert_eq!(i["severity"], 1);
    assert_eq!(i["services"], serde_json::json!(["api"]));
    assert_eq!(i["started_at"], "2026-03-02T08:00:00Z");
    assert_eq!(i["time_to_detect_minutes"], 4.5);
    assert_eq!(i["time_to_mitigate_minutes"], 30.0);
    assert_eq!(i["time_to_resolve_minutes"], 120.0);
    assert_eq!(i["url"], "https://ops.example.com/book/incidents/pub-1/");
    assert_eq!(i["has_postmortem"], false);
}

#[test]
fn exports_are_byte_identical_across_builds() {
    let site = site();
    site.build_ok();
    let first = site.output("/api/incidents.json");
    site.build_ok();
    assert_eq!(site.output("/api/incidents.json"), first);
}
