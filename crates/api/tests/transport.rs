//! Transport and envelope over real HTTP: body shapes, gzip, empty and broken bodies, extra
//! tasks, unknown paths. The backend here never decides anything a test asserts on beyond
//! "the first task ran" (see common/backends.rs).

mod common;

use std::io::Write;

use common::backends::FixedOutcome;
use common::*;
use linkdex_query::ApiError;
use serde_json::json;

const TASK: &str = r#"{"targets":{"1":"moz.com","2":"ahrefs.com"},"limit":5,"tag":null,"order_by":["1.backlinks,desc"]}"#;

fn ok_task_snapshot() -> serde_json::Value {
    json!({
        "id": "<id>", "status_code": 20000, "status_message": "Ok.", "time": "<time>",
        "cost": 0, "result_count": 1,
        "path": ["v3", "backlinks", "domain_intersection", "live"],
        "data": {
            "api": "backlinks", "function": "domain_intersection",
            "targets": {"1": "moz.com", "2": "ahrefs.com"}, "limit": 5,
            "order_by": ["1.backlinks,desc"]
        },
        "result": [{
            "targets": {"1": "moz.com", "2": "ahrefs.com"},
            "total_count": 0, "items_count": 0, "items": []
        }]
    })
}

#[test]
fn array_body_gets_the_full_envelope() {
    let server = start(config(), FixedOutcome::ok(0));
    let resp = post(server.addr, &format!("[{TASK}]"));
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("content-type"), Some("application/json"));
    let body = resp.json();
    let version = body["version"].as_str().unwrap();
    assert!(
        version.starts_with("0.1.") && version.len() == 12,
        "{version}"
    );
    assert!(body["time"].as_str().unwrap().ends_with(" sec."));
    assert_eq!(
        normalize(body),
        json!({
            "version": "<version>", "status_code": 20000, "status_message": "Ok.",
            "time": "<time>", "cost": 0, "tasks_count": 1, "tasks_error": 0,
            "tasks": [ok_task_snapshot()]
        })
    );
}

#[test]
fn data_keeps_the_callers_key_order() {
    let server = start(config(), FixedOutcome::ok(0));
    let resp = post(
        server.addr,
        r#"[{"tag":"x","targets":{"2":"b.com","1":"a.com"},"offset":null}]"#,
    );
    let text = resp.text();
    let data_at = text.find("\"data\":").unwrap();
    let data = &text[data_at..];
    let order: Vec<usize> = [
        "\"api\"",
        "\"function\"",
        "\"tag\"",
        "\"targets\":{\"2\"",
        "\"1\"",
    ]
    .iter()
    .map(|k| data.find(k).unwrap())
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{data}");
    assert!(!data[..data.find("\"result\"").unwrap()].contains("offset"));
}

#[test]
fn legacy_object_body_and_extra_tasks_answered_40000_each() {
    let server = start(config(), FixedOutcome::ok(0));
    let body = format!(r#"{{"1":{{"tag":"second"}},"0":{TASK},"2":{{"tag":"third"}}}}"#);
    let resp = post(server.addr, &body).json();
    assert_eq!(resp["tasks_count"], 3);
    assert_eq!(resp["tasks_error"], 2);
    let tasks = resp["tasks"].as_array().unwrap();
    assert_eq!(normalize(tasks[0].clone()), ok_task_snapshot());
    for (task, tag) in tasks[1..].iter().zip(["second", "third"]) {
        assert_eq!(
            normalize(task.clone()),
            json!({
                "id": "<id>", "status_code": 40000,
                "status_message": "You can set only one task at a time.",
                "time": "<time>", "cost": 0, "result_count": 0,
                "path": ["v3", "backlinks", "domain_intersection", "live"],
                "data": {"api": "backlinks", "function": "domain_intersection", "tag": tag},
                "result": null
            })
        );
    }
    let ids: std::collections::HashSet<&str> =
        tasks.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 3, "every task has its own id");
}

#[test]
fn false_gzip_header_real_gzip_and_content_types() {
    let server = start(config(), FixedOutcome::ok(0));
    let auth = basic(LOGIN, PASSWORD);
    let body = format!("[{TASK}]");
    let plain_claiming_gzip = request(
        server.addr,
        "POST",
        LIVE,
        &[
            ("Authorization", &auth),
            ("Content-Encoding", "gzip"),
            ("Content-Type", "application/json"),
        ],
        body.as_bytes(),
    );
    assert_eq!(plain_claiming_gzip.json()["tasks"][0]["status_code"], 20000);

    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(body.as_bytes()).unwrap();
    let gz = enc.finish().unwrap();
    let real_gzip = request(
        server.addr,
        "POST",
        LIVE,
        &[
            ("Authorization", &auth),
            ("Content-Encoding", "gzip"),
            ("Content-Type", "text/plain"),
        ],
        &gz,
    );
    assert_eq!(
        normalize(real_gzip.json()["tasks"][0].clone()),
        ok_task_snapshot()
    );
}

fn top_level(resp: &HttpResponse) -> serde_json::Value {
    let mut v = normalize(resp.json());
    v.as_object_mut().unwrap().remove("version");
    v
}

#[test]
fn empty_bodies_are_40502() {
    let server = start(config(), FixedOutcome::ok(0));
    for body in ["", "[]", " \n"] {
        let resp = post(server.addr, body);
        assert_eq!(resp.status, 200);
        assert_eq!(
            top_level(&resp),
            json!({"status_code": 40502, "status_message": "POST Data Is Empty.", "time": "<time>",
                   "cost": 0, "tasks_count": 0, "tasks_error": 0, "tasks": []}),
            "{body:?}"
        );
    }
}

#[test]
fn broken_bodies_are_40503() {
    let server = start(config(), FixedOutcome::ok(0));
    for body in [
        "not json",
        "[1, 2]",
        "\"task\"",
        r#"{"targets":{"1":"a.com"}}"#,
        "[{]",
    ] {
        let resp = post(server.addr, body);
        assert_eq!(resp.status, 200);
        assert_eq!(
            top_level(&resp),
            json!({"status_code": 40503, "status_message": "POST Data Is Invalid.", "time": "<time>",
                   "cost": 0, "tasks_count": 0, "tasks_error": 0, "tasks": []}),
            "{body:?}"
        );
    }
}

#[test]
fn body_over_one_mib_is_40503() {
    let server = start(config(), FixedOutcome::ok(0));
    let pad = "x".repeat(1024 * 1024);
    let resp = post(
        server.addr,
        &format!(r#"[{{"targets":{{"1":"a.com"}},"tag":"{pad}"}}]"#),
    );
    assert_eq!(resp.status, 200);
    assert_eq!(resp.json()["status_code"], 40503);
    let just_under = format!(r#"[{{"tag":"{}"}}]"#, "x".repeat(1024 * 1024 - 20));
    assert_eq!(
        post(server.addr, &just_under).json()["tasks"][0]["status_code"],
        20000
    );
}

#[test]
fn task_errors_keep_id_path_and_data() {
    let server = start(
        config(),
        FixedOutcome::err(ApiError::invalid_field("limit", None)),
    );
    let resp = post(server.addr, r#"[{"targets":{"1":"a.com"},"limit":"5"}]"#);
    assert_eq!(resp.status, 200);
    let body = resp.json();
    assert_eq!(body["status_code"], 20000);
    assert_eq!(body["tasks_error"], 1);
    assert_eq!(
        normalize(body["tasks"][0].clone()),
        json!({
            "id": "<id>", "status_code": 40501, "status_message": "Invalid Field: 'limit'.",
            "time": "<time>", "cost": 0, "result_count": 0,
            "path": ["v3", "backlinks", "domain_intersection", "live"],
            "data": {"api": "backlinks", "function": "domain_intersection",
                     "targets": {"1": "a.com"}, "limit": "5"},
            "result": null
        })
    );
}

#[test]
fn unknown_fields_error_is_passed_through() {
    let server = start(
        config(),
        FixedOutcome::err(ApiError::unknown_field("colour")),
    );
    let task = post(server.addr, r#"[{"targets":{"1":"a.com"},"colour":"red"}]"#).json()["tasks"]
        [0]
    .clone();
    assert_eq!(task["status_code"], 40506);
    assert_eq!(
        task["status_message"],
        "Unknown Fields in POST Data: 'colour'."
    );
    assert_eq!(task["data"]["colour"], "red");
}

#[test]
fn unknown_paths_and_methods_are_404_envelopes() {
    let server = start(config(), FixedOutcome::ok(0));
    let auth = basic(LOGIN, PASSWORD);
    for (method, path) in [
        ("POST", "/v3/backlinks/backlinks/live"),
        ("GET", "/v3/nothing/here"),
        ("GET", LIVE),
        ("POST", "/v3/backlinks/available_filters"),
    ] {
        let resp = request(server.addr, method, path, &[("Authorization", &auth)], b"");
        assert_eq!(resp.status, 404, "{method} {path}");
        assert_eq!(
            top_level(&resp),
            json!({"status_code": 40400, "status_message": "Not Found.", "time": "<time>",
                   "cost": 0, "tasks_count": 0, "tasks_error": 0, "tasks": []})
        );
    }
}

#[test]
fn available_filters_envelope() {
    let server = start(config(), FixedOutcome::ok(0));
    let auth = basic(LOGIN, PASSWORD);
    let resp = request(
        server.addr,
        "GET",
        "/v3/backlinks/available_filters",
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(resp.status, 200);
    let mut task = normalize(resp.json()["tasks"][0].clone());
    assert!(task["result"][0].is_object());
    task.as_object_mut().unwrap().remove("result");
    assert_eq!(
        task,
        json!({
            "id": "<id>", "status_code": 20000, "status_message": "Ok.", "time": "<time>",
            "cost": 0, "result_count": 1, "path": ["v3", "backlinks", "available_filters"],
            "data": {"api": "backlinks", "function": "available_filters"}
        })
    );
}
