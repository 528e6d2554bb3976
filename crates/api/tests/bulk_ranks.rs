//! `POST /v3/backlinks/bulk_ranks/live` over the real engine and server: ranks computed by hand
//! from imported record ranks (§9 sum over live, dofollow, unbroken records; domains count
//! only links from outside the site), the same answer from several segments and from one,
//! `rank_scale`, and validation (40501 naming the field, 40506, more than 1000 targets).

mod common;

use std::path::Path;
use std::sync::Arc;

use common::*;
use linkdex_ingest::{import, ImportOptions};
use linkdex_query::Engine;
use linkdex_store::{Index, MergePolicy};
use serde_json::{json, Value};

const BULK_RANKS: &str = "/v3/backlinks/bulk_ranks/live";

const RECORDS: &str = r#"{"url_from":"https://x.com/1","url_to":"https://a.com/","rank":500,"last_seen":"2024-01-01 00:00:00 +00:00"}
{"url_from":"https://y.com/1","url_to":"https://a.com/x","rank":500}
{"url_from":"https://z.com/1","url_to":"https://blog.a.com/","rank":600}
{"url_from":"https://a.com/p","url_to":"https://a.com/","rank":900}
{"url_from":"https://w.com/1","url_to":"https://a.com/","rank":700,"attributes":["nofollow"]}
{"url_from":"https://v.com/1","url_to":"https://a.com/","rank":800,"is_broken":true}
{"url_from":"https://u.com/1","url_to":"https://a.com/","rank":800,"is_lost":true}
"#;

fn import_text(dir: &Path, name: &str, text: &str) {
    let jsonl = dir.join(name);
    std::fs::write(&jsonl, text).unwrap();
    let index = Index::open(&dir.join("index")).unwrap();
    // Each import stays a segment: the tests merge when they mean to.
    let opts = ImportOptions {
        merge: MergePolicy::NEVER,
        ..ImportOptions::default()
    };
    let report = import(&index, jsonl.to_str().unwrap(), &opts).unwrap();
    assert_eq!(report.rejected, 0);
}

fn engine(dir: &Path) -> Arc<Engine> {
    Arc::new(Engine::open(&dir.join("index")).unwrap())
}

fn bulk(server: &TestServer, body: &str) -> Value {
    let auth = basic(LOGIN, PASSWORD);
    let resp = request(
        server.addr,
        "POST",
        BULK_RANKS,
        &[("Authorization", &auth)],
        body.as_bytes(),
    );
    assert_eq!(resp.status, 200);
    resp.json()
}

/// (target, rank) of the first task's items.
fn ranks(resp: &Value) -> Vec<(String, u64)> {
    let task = &resp["tasks"][0];
    assert_eq!(task["status_code"], 20000, "{task}");
    let result = &task["result"][0];
    let items = result["items"].as_array().unwrap();
    assert_eq!(result["items_count"], items.len());
    items
        .iter()
        .map(|i| {
            assert_eq!(i["type"], "bulk_ranks");
            (
                i["target"].as_str().unwrap().to_string(),
                i["rank"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, u64)]) -> Vec<(String, u64)> {
    list.iter().map(|(t, r)| (t.to_string(), *r)).collect()
}

const TARGETS: &str =
    r#"["a.com", "blog.a.com", "https://a.com/", "https://A.com:443/#top", "b.com"]"#;

#[test]
fn ranks_of_domains_subdomains_and_pages() {
    let dir = tempfile::tempdir().unwrap();
    import_text(dir.path(), "r.jsonl", RECORDS);
    let server = start(config(), engine(dir.path()));
    let resp = bulk(
        &server,
        &format!(r#"[{{"targets": {TARGETS}, "tag": "t"}}]"#),
    );
    // a.com: x 500 + y 500 + z 600 (a.com/p is internal) = 1.2e-4 -> 607.9; blog.a.com: z 600;
    // the page https://a.com/: x 500 + a.com/p 900 (links within a site count for pages).
    assert_eq!(
        ranks(&resp),
        pairs(&[
            ("a.com", 608),
            ("blog.a.com", 600),
            ("https://a.com/", 900),
            ("https://A.com:443/#top", 900),
            ("b.com", 0)
        ])
    );
    let task = &resp["tasks"][0];
    assert_eq!(
        task["path"],
        json!(["v3", "backlinks", "bulk_ranks", "live"])
    );
    assert_eq!(task["data"]["function"], "bulk_ranks");
    assert_eq!(task["data"]["tag"], "t");

    let hundred = bulk(
        &server,
        r#"[{"targets": ["a.com", "b.com"], "rank_scale": "one_hundred"}]"#,
    );
    let want = ((608f64 / 636.62).sin() * 100.0).round() as u64;
    assert_eq!(ranks(&hundred), pairs(&[("a.com", want), ("b.com", 0)]));
}

#[test]
fn several_segments_fold_like_one() {
    let dir = tempfile::tempdir().unwrap();
    import_text(dir.path(), "r.jsonl", RECORDS);
    // x.com's link is lost later: a.com = y 500 + z 600 = 1.1e-4 -> 604.1.
    import_text(
        dir.path(),
        "lost.jsonl",
        r#"{"url_from":"https://x.com/1","url_to":"https://a.com/","rank":500,"is_lost":true,"last_seen":"2025-01-01 00:00:00 +00:00"}"#,
    );
    let body = r#"[{"targets": ["a.com", "https://a.com/"]}]"#;
    let want = pairs(&[("a.com", 604), ("https://a.com/", 900)]);
    let index = Index::open(&dir.path().join("index")).unwrap();
    assert_eq!(index.verify().unwrap().0, 2);
    let server = start(config(), engine(dir.path()));
    assert_eq!(ranks(&bulk(&server, body)), want, "two segments");
    index.writer().unwrap().merge_all().unwrap();
    assert_eq!(index.verify().unwrap().0, 1);
    assert_eq!(ranks(&bulk(&server, body)), want, "merged");
}

#[test]
fn validation() {
    let dir = tempfile::tempdir().unwrap();
    import_text(dir.path(), "r.jsonl", RECORDS);
    let server = start(config(), engine(dir.path()));
    let many = |n: usize| {
        let t: Vec<String> = (0..n).map(|i| format!("\"t{i}.com\"")).collect();
        format!(r#"{{"targets": [{}]}}"#, t.join(","))
    };
    let cases = [
        ("{}".to_string(), 40501, "Invalid Field: 'targets'."),
        (
            r#"{"targets": []}"#.into(),
            40501,
            "Invalid Field: 'targets'.",
        ),
        (
            r#"{"targets": "a.com"}"#.into(),
            40501,
            "Invalid Field: 'targets'.",
        ),
        (
            r#"{"targets": ["a.com", 5]}"#.into(),
            40501,
            "Invalid Field: 'targets'.",
        ),
        (
            r#"{"targets": ["https://a.com/*"]}"#.into(),
            40501,
            "Invalid Field: 'targets'.",
        ),
        (
            r#"{"targets": ["not a host"]}"#.into(),
            40501,
            "Invalid Field: 'targets'.",
        ),
        (many(1001), 40501, "Invalid Field: 'targets'."),
        (
            r#"{"targets": ["a.com"], "rank_scale": "ten"}"#.into(),
            40501,
            "Invalid Field: 'rank_scale'.",
        ),
        (
            r#"{"targets": ["a.com"], "tag": 5}"#.into(),
            40501,
            "Invalid Field: 'tag'.",
        ),
        (
            r#"{"targets": ["a.com"], "limit": 5}"#.into(),
            40506,
            "Unknown Fields in POST Data: 'limit'.",
        ),
    ];
    for (task, code, message) in cases {
        let resp = bulk(&server, &format!("[{task}]"));
        let t = &resp["tasks"][0];
        assert_eq!(
            (t["status_code"].clone(), t["status_message"].clone()),
            (json!(code), json!(message)),
            "{}",
            &task[..task.len().min(80)]
        );
        assert_eq!(t["result"], Value::Null);
    }
    let full = bulk(&server, &format!("[{}]", many(1000)));
    assert_eq!(ranks(&full).len(), 1000);
    let two = bulk(
        &server,
        r#"[{"targets": ["a.com"]}, {"targets": ["a.com"]}]"#,
    );
    assert_eq!(two["tasks"][1]["status_code"], 40000);
}
