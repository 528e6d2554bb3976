//! Per-login limits, the deadline, bugs, pricing and graceful shutdown over real HTTP.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::backends::{FixedOutcome, Gate, Panics};
use common::*;
use linkdex_api::Pricing;
use serde_json::json;

const BODY: &str = r#"[{"targets":{"1":"a.com"}}]"#;

#[test]
fn requests_per_minute_limit_is_40202_per_login() {
    let mut cfg = config();
    cfg.limits.requests_per_minute = 3;
    let server = start(cfg, FixedOutcome::ok(0));
    for _ in 0..3 {
        assert_eq!(post(server.addr, BODY).json()["status_code"], 20000);
    }
    let limited = post(server.addr, BODY);
    assert_eq!(limited.status, 200);
    let mut body = normalize(limited.json());
    body.as_object_mut().unwrap().remove("version");
    assert_eq!(
        body,
        json!({"status_code": 40202, "status_message": "Too many requests per minute.",
               "time": "<time>", "cost": 0, "tasks_count": 0, "tasks_error": 0, "tasks": []})
    );
    let bob = basic("bob", "builder");
    let other = request(
        server.addr,
        "POST",
        LIVE,
        &[("Authorization", &bob)],
        BODY.as_bytes(),
    );
    assert_eq!(other.json()["status_code"], 20000, "limits are per login");
}

#[test]
fn in_flight_limit_is_40209() {
    let mut cfg = config();
    cfg.limits.max_in_flight = 2;
    let gate = Arc::new(Gate::default());
    let server = start(cfg, gate.clone());
    let addr = server.addr;
    let blocked: Vec<_> = (0..2)
        .map(|_| std::thread::spawn(move || post(addr, BODY)))
        .collect();
    gate.wait_entered(2);
    let refused = post(addr, BODY);
    assert_eq!(refused.status, 200);
    assert_eq!(refused.json()["status_code"], 40209);
    assert_eq!(
        refused.json()["status_message"],
        "Too many simultaneous requests."
    );
    gate.open();
    for t in blocked {
        assert_eq!(t.join().unwrap().json()["tasks"][0]["status_code"], 20000);
    }
    assert_eq!(post(addr, BODY).json()["tasks"][0]["status_code"], 20000);
}

#[test]
fn query_past_deadline_is_50401() {
    let mut cfg = config();
    cfg.limits.deadline = Duration::from_millis(100);
    // The query never finishes while the gate is closed, so an answer proves the deadline
    // answered it (no timing assertion: that would fail on a loaded machine, not on a bug).
    let gate = Arc::new(Gate::default());
    let server = start(cfg, gate.clone());
    let resp = post(server.addr, BODY);
    gate.open();
    assert_eq!(resp.status, 200);
    let body = resp.json();
    assert_eq!(body["status_code"], 20000);
    assert_eq!(body["tasks_error"], 1);
    let task = &body["tasks"][0];
    assert_eq!(
        (task["status_code"].clone(), task["status_message"].clone()),
        (json!(50401), json!("Timeout."))
    );
    assert_eq!(task["result"], json!(null));
    assert_eq!(task["result_count"], 0);
}

#[test]
fn a_bug_is_500_with_a_generic_50000_and_the_server_keeps_serving() {
    let server = start(config(), Arc::new(Panics));
    for _ in 0..2 {
        let resp = post(server.addr, BODY);
        assert_eq!(resp.status, 500);
        assert!(!resp.text().contains("secret"));
        let mut body = normalize(resp.json());
        body.as_object_mut().unwrap().remove("version");
        assert_eq!(
            body,
            json!({"status_code": 50000, "status_message": "Internal Error.", "time": "<time>",
                   "cost": 0, "tasks_count": 0, "tasks_error": 0, "tasks": []})
        );
    }
    assert_eq!(request(server.addr, "GET", "/health", &[], b"").status, 200);
}

#[test]
fn pricing_is_base_plus_per_item_and_failed_tasks_are_free() {
    let mut cfg = config();
    cfg.pricing = Pricing {
        base_per_task: 0.02,
        per_item: 0.00003,
    };
    let server = start(cfg, FixedOutcome::ok(5));
    let body = post(
        server.addr,
        &format!("[{t},{t}]", t = r#"{"targets":{"1":"a.com"}}"#),
    )
    .json();
    assert_eq!(body["cost"], json!(0.02015));
    assert_eq!(body["tasks"][0]["cost"], json!(0.02015));
    assert_eq!(body["tasks"][1]["cost"], json!(0));
}

#[test]
fn shutdown_drains_requests_in_flight() {
    let gate = Arc::new(Gate::default());
    let server = start(config(), gate.clone());
    let addr = server.addr;
    let in_flight = std::thread::spawn(move || post(addr, BODY));
    gate.wait_entered(1);
    let stopper = std::thread::spawn(move || server.stop());
    std::thread::sleep(Duration::from_millis(200));
    assert!(
        !stopper.is_finished(),
        "shutdown must wait for the request in flight"
    );
    gate.open();
    assert_eq!(
        in_flight.join().unwrap().json()["tasks"][0]["status_code"],
        20000
    );
    stopper.join().unwrap().expect("clean exit");
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "no longer listening"
    );
}

#[test]
fn refusals_leave_keep_alive_connections_usable() {
    let mut cfg = config();
    cfg.limits.requests_per_minute = 1;
    let server = start(cfg, FixedOutcome::ok(0));
    let auth = || vec![("Authorization", basic(LOGIN, PASSWORD))];
    let body = BODY.as_bytes();
    let answers = keep_alive(
        server.addr,
        &[
            ("POST", LIVE, vec![], body),
            ("POST", LIVE, auth(), body),
            ("POST", LIVE, auth(), body),
            ("POST", "/v3/nowhere", auth(), body),
            ("GET", "/health", vec![], b""),
        ],
    );
    let codes: Vec<(u16, u64)> = answers
        .iter()
        .map(|r| {
            (
                r.status,
                if r.status == 200 && r.text() == "ok\n" {
                    0
                } else {
                    r.json()["status_code"].as_u64().unwrap()
                },
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            (401, 40100),
            (200, 20000),
            (200, 40202),
            (404, 40400),
            (200, 0)
        ]
    );
}
