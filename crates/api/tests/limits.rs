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

/// Waits for the server to close `stream`, reading and keeping what it sends; false when the
/// connection is still open after `patience` (the tests give far more than the read timeout).
fn closed_by_server(stream: &mut std::net::TcpStream, patience: Duration) -> (bool, Vec<u8>) {
    use std::io::Read;
    let started = std::time::Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while started.elapsed() < patience {
        match stream.read(&mut buf) {
            Ok(0) => return (true, got),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => return (true, got),
            Err(_) => {} // nothing yet
        }
    }
    (false, got)
}

fn quick_reads() -> linkdex_api::ServerConfig {
    let mut cfg = config();
    cfg.limits.read_timeout = Duration::from_millis(300);
    cfg
}

#[test]
fn a_client_trickling_its_headers_is_disconnected() {
    use std::io::Write;
    let server = start(quick_reads(), FixedOutcome::ok(0));
    let mut stream = std::net::TcpStream::connect(server.addr).unwrap();
    let head = format!(
        "POST {LIVE} HTTP/1.1\r\nHost: x\r\nX-Pad: {}",
        "a".repeat(400)
    );
    // A byte every 50 ms: the headers would take 20 s; the server gives them 300 ms.
    let mut cut = false;
    for byte in head.as_bytes() {
        if stream.write_all(&[*byte]).is_err() {
            cut = true;
            break;
        }
        let (closed, _) = closed_by_server(&mut stream, Duration::from_millis(50));
        if closed {
            cut = true;
            break;
        }
    }
    assert!(
        cut,
        "the server kept a connection whose headers never ended"
    );
    // The server still answers others.
    assert_eq!(post(server.addr, BODY).json()["status_code"], 20000);
}

#[test]
fn a_body_that_stops_arriving_is_40503_and_closes_the_connection() {
    use std::io::Write;
    let server = start(quick_reads(), FixedOutcome::ok(0));
    let mut stream = std::net::TcpStream::connect(server.addr).unwrap();
    let auth = basic(LOGIN, PASSWORD);
    write!(
        stream,
        "POST {LIVE} HTTP/1.1\r\nHost: x\r\nAuthorization: {auth}\r\nContent-Length: 100\r\n\r\n{}",
        &BODY[..10]
    )
    .unwrap();
    let (closed, answer) = closed_by_server(&mut stream, Duration::from_secs(20));
    assert!(closed, "the connection of an unfinished body stays open");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""status_code":40503"#), "{answer}");
}

#[test]
fn shutdown_does_not_wait_for_a_client_that_never_sends_its_request() {
    use std::io::Write;
    let server = start(quick_reads(), FixedOutcome::ok(0));
    let mut stalled = std::net::TcpStream::connect(server.addr).unwrap();
    stalled.write_all(b"POST /v3/backlinks/dom").unwrap();
    let idle = std::net::TcpStream::connect(server.addr).unwrap();
    assert_eq!(post(server.addr, BODY).json()["status_code"], 20000);
    let stopper = std::thread::spawn(move || server.stop());
    let started = std::time::Instant::now();
    while !stopper.is_finished() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(stopper.is_finished(), "shutdown waits on stalled clients");
    stopper.join().unwrap().expect("clean exit");
    drop((stalled, idle));
}
