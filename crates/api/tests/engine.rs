//! The real engine behind the real server: an index built by the JSONL import or from
//! generated records, queried over HTTP, checked against hand-computed answers and against the
//! reference model of the query semantics (linkdex-testkit).

mod common;

use std::path::Path;
use std::sync::Arc;

use common::*;
use linkdex_ingest::{import, ImportOptions};
use linkdex_query::Engine;
use linkdex_store::Index;
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde_json::{json, Value};

/// x.com and w.com link to both a.com and b.com; y.com only to a.com, z.com only to b.com;
/// w.com also links to c.com.
const RECORDS: &str = r#"{"url_from":"https://x.com/1","url_to":"https://a.com/","rank":500}
{"url_from":"https://x.com/2","url_to":"https://b.com/page"}
{"url_from":"https://y.com/1","url_to":"https://a.com/"}
{"url_from":"https://z.com/1","url_to":"https://b.com/"}
{"url_from":"https://w.com/1","url_to":"https://a.com/x"}
{"url_from":"https://w.com/2","url_to":"https://b.com/"}
{"url_from":"https://w.com/3","url_to":"https://c.com/"}
"#;

fn imported_engine(dir: &Path) -> Arc<Engine> {
    let jsonl = dir.join("records.jsonl");
    std::fs::write(&jsonl, RECORDS).unwrap();
    let index = Index::open(&dir.join("index")).unwrap();
    let report = import(&index, jsonl.to_str().unwrap(), &ImportOptions::default()).unwrap();
    assert_eq!((report.accepted, report.rejected), (7, 0));
    Arc::new(Engine::open(&dir.join("index")).unwrap())
}

fn referring_hosts(result: &Value) -> Vec<String> {
    result["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i["domain_intersection"]["1"]["target"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn imported_index_answers_through_the_envelope() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(config(), imported_engine(dir.path()));
    let body = r#"[{"targets":{"1":"a.com","2":"b.com"},"order_by":["1.rank,desc"],"tag":"t"},
                   {"targets":{"1":"a.com","2":"b.com"},"exclude_targets":["c.com"]}]"#;
    let resp = post(server.addr, body).json();
    assert_eq!(
        (resp["tasks_count"].clone(), resp["tasks_error"].clone()),
        (json!(2), json!(1))
    );
    let task = &resp["tasks"][0];
    assert_eq!(task["status_code"], 20000, "{task}");
    assert_eq!(task["data"]["tag"], "t");
    let result = &task["result"][0];
    assert_eq!(result["targets"], json!({"1": "a.com", "2": "b.com"}));
    assert_eq!(
        (result["total_count"].clone(), result["items_count"].clone()),
        (json!(2), json!(2))
    );
    assert_eq!(referring_hosts(result), ["x.com", "w.com"]);
    assert_eq!(result["items"][0]["summary"]["intersections_count"], 2);
    assert_eq!(result["items"][0]["domain_intersection"]["1"]["rank"], 500);
    assert_eq!(resp["tasks"][1]["status_code"], 40000);

    let excluded = post(
        server.addr,
        &body.replace(
            r#""order_by":["1.rank,desc"],"tag":"t""#,
            r#""exclude_targets":["c.com"]"#,
        ),
    )
    .json();
    assert_eq!(
        referring_hosts(&excluded["tasks"][0]["result"][0]),
        ["x.com"]
    );
}

#[test]
fn validation_errors_of_the_engine_are_task_errors() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(config(), imported_engine(dir.path()));
    let cases = [
        (
            r#"{"targets":{"1":"a.com"},"limit":1001}"#,
            40501,
            "Invalid Field: 'limit'.",
        ),
        (
            r#"{"targets":{"1":"a.com"},"limit":"5"}"#,
            40501,
            "Invalid Field: 'limit'.",
        ),
        (r#"{"targets":{}}"#, 40501, "Invalid Field: 'targets'."),
        (
            r#"{"targets":{"1":"a.com"},"colour":"red"}"#,
            40506,
            "Unknown Fields in POST Data: 'colour'.",
        ),
    ];
    for (task, code, message) in cases {
        let resp = post(server.addr, &format!("[{task}]")).json();
        let t = &resp["tasks"][0];
        assert_eq!(
            (
                t["status_code"].as_u64().unwrap(),
                t["status_message"].as_str().unwrap()
            ),
            (code, message),
            "{task}"
        );
        assert_eq!(
            (
                t["result"].clone(),
                t["result_count"].clone(),
                t["cost"].clone()
            ),
            (json!(null), json!(0), json!(0))
        );
    }
}

#[test]
fn available_filters_come_from_the_query_registry() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(config(), imported_engine(dir.path()));
    let auth = basic(LOGIN, PASSWORD);
    let resp = request(
        server.addr,
        "GET",
        "/v3/backlinks/available_filters",
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(
        resp.json()["tasks"][0]["result"],
        json!([linkdex_query::available_filters()])
    );
}

/// Random records and random valid requests: the result object over HTTP equals the reference
/// model's, value for value.
#[test]
fn http_results_equal_the_reference_model() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = StdRng::seed_from_u64(20_240_601);
    let records = linkdex_testkit::gen_records(&mut rng, 150);
    let index = Index::open(dir.path()).unwrap();
    let mut writer = index.writer().unwrap();
    writer.write_segment(records.clone()).unwrap();
    writer.commit().unwrap();
    drop(writer);
    let server = start(config(), Arc::new(Engine::open(dir.path()).unwrap()));
    let mut nonempty = 0;
    for i in 0..100 {
        let request = linkdex_testkit::gen_request(&mut rng, &records);
        let expected = linkdex_testkit::domain_intersection(&records, &request);
        let resp = post(server.addr, &json!([request]).to_string()).json();
        let task = &resp["tasks"][0];
        assert_eq!(
            task["status_code"], 20000,
            "request {i}: {request} -> {task}"
        );
        assert_eq!(task["result"][0], expected, "request {i}: {request}");
        nonempty += usize::from(expected["items_count"].as_u64().unwrap() > 0);
    }
    assert!(
        nonempty >= 15,
        "only {nonempty} of 100 requests had items: the check is too weak"
    );
}

/// A commit made while the server runs (here by the JSONL import, as `linkdex import` does from
/// another process) is answered on the next request, without a restart.
#[test]
fn a_commit_made_while_serving_is_visible_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(config(), imported_engine(dir.path()));
    let body = r#"[{"targets":{"1":"a.com","2":"b.com"}}]"#;
    let before = post(server.addr, body).json();
    assert_eq!(
        referring_hosts(&before["tasks"][0]["result"][0]),
        ["x.com", "w.com"]
    );

    let more = dir.path().join("more.jsonl");
    std::fs::write(
        &more,
        "{\"url_from\":\"https://y.com/9\",\"url_to\":\"https://b.com/\"}\n",
    )
    .unwrap();
    let index = Index::open(&dir.path().join("index")).unwrap();
    import(&index, more.to_str().unwrap(), &ImportOptions::default()).unwrap();

    let after = post(server.addr, body).json();
    assert_eq!(
        referring_hosts(&after["tasks"][0]["result"][0]),
        ["x.com", "w.com", "y.com"]
    );
}
