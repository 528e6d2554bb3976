//! HTTP Basic auth over real HTTP: inline users, an argon2 users file, the start-up rules.

mod common;

use common::backends::FixedOutcome;
use common::*;
use linkdex_api::{add_user, remove_user, Error, Server, UsersSource};
use serde_json::json;

fn assert_401(resp: &HttpResponse) {
    assert_eq!(resp.status, 401);
    assert_eq!(
        resp.header("www-authenticate"),
        Some("Basic realm=\"linkdex\"")
    );
    let mut body = normalize(resp.json());
    body.as_object_mut().unwrap().remove("version");
    assert_eq!(
        body,
        json!({"status_code": 40100,
               "status_message": "You are not authorized to access this resource.",
               "time": "<time>", "cost": 0, "tasks_count": 0, "tasks_error": 0, "tasks": []})
    );
}

const BODY: &[u8] = br#"[{"targets":{"1":"a.com"}}]"#;

#[test]
fn missing_or_wrong_credentials_are_401() {
    let server = start(config(), FixedOutcome::ok(0));
    assert_401(&request(server.addr, "POST", LIVE, &[], BODY));
    for auth in [
        basic(LOGIN, "wrong"),
        basic("mallory", PASSWORD),
        basic(LOGIN, ""),
        "Bearer abc".to_string(),
        "Basic ***".to_string(),
    ] {
        assert_401(&request(
            server.addr,
            "POST",
            LIVE,
            &[("Authorization", &auth)],
            BODY,
        ));
    }
    assert_401(&request(
        server.addr,
        "GET",
        "/v3/backlinks/available_filters",
        &[],
        b"",
    ));
    assert_401(&request(server.addr, "GET", "/metrics", &[], b""));
    let bob = basic("bob", "builder");
    let ok = request(server.addr, "POST", LIVE, &[("Authorization", &bob)], BODY);
    assert_eq!(ok.json()["tasks"][0]["status_code"], 20000);
    let lower = format!("basic {}", &bob["Basic ".len()..]);
    let ok = request(
        server.addr,
        "POST",
        LIVE,
        &[("Authorization", &lower)],
        BODY,
    );
    assert_eq!(ok.status, 200);
}

#[test]
fn users_file_with_argon2_hashes() {
    let dir = std::env::temp_dir().join(format!("linkdex-api-auth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("users");
    add_user(&path, "carol", "pa:ss").unwrap();
    add_user(&path, "dave", "x").unwrap();
    assert!(remove_user(&path, "dave").unwrap());
    let mut cfg = config();
    cfg.users = UsersSource::File(path.clone());
    let server = start(cfg, FixedOutcome::ok(0));
    let carol = basic("carol", "pa:ss");
    for _ in 0..3 {
        let resp = request(
            server.addr,
            "POST",
            LIVE,
            &[("Authorization", &carol)],
            BODY,
        );
        assert_eq!(resp.json()["tasks"][0]["status_code"], 20000);
    }
    assert_401(&request(
        server.addr,
        "POST",
        LIVE,
        &[("Authorization", &basic("carol", "pa:sS"))],
        BODY,
    ));
    assert_401(&request(
        server.addr,
        "POST",
        LIVE,
        &[("Authorization", &basic("dave", "x"))],
        BODY,
    ));
    drop(server);
    std::fs::remove_dir_all(&dir).unwrap();
}

fn bind_error(cfg: linkdex_api::ServerConfig) -> Error {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    match rt.block_on(Server::bind(cfg, FixedOutcome::ok(0))) {
        Ok(_) => panic!("bind should have been refused"),
        Err(e) => e,
    }
}

#[test]
fn refuses_to_start_without_users_unless_no_auth_on_loopback() {
    let mut cfg = config();
    cfg.users = UsersSource::None;
    assert!(matches!(bind_error(cfg.clone()), Error::NoUsers));

    let mut public = cfg.clone();
    public.no_auth = true;
    public.listen = "0.0.0.0:0".parse().unwrap();
    assert!(matches!(bind_error(public), Error::NoAuthNotLoopback(_)));

    cfg.no_auth = true;
    let server = start(cfg, FixedOutcome::ok(0));
    let resp = request(server.addr, "POST", LIVE, &[], BODY);
    assert_eq!(resp.json()["tasks"][0]["status_code"], 20000);
}

#[test]
fn health_is_open_and_metrics_are_prometheus_text() {
    let server = start(config(), FixedOutcome::ok(0));
    let health = request(server.addr, "GET", "/health", &[], b"");
    assert_eq!((health.status, health.text().as_str()), (200, "ok\n"));
    post(server.addr, "[]");
    post(server.addr, r#"[{"targets":{"1":"a.com"}}]"#);
    request(server.addr, "GET", "/nowhere", &[], b"");
    let auth = basic(LOGIN, PASSWORD);
    let metrics = request(
        server.addr,
        "GET",
        "/metrics",
        &[("Authorization", &auth)],
        b"",
    );
    assert_eq!(metrics.status, 200);
    assert!(metrics
        .header("content-type")
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let text = metrics.text();
    for line in [
        "# TYPE linkdex_requests_total counter",
        "linkdex_requests_total{route=\"/v3/backlinks/domain_intersection/live\",http_status=\"200\",status_code=\"20000\"} 1",
        "linkdex_requests_total{route=\"/v3/backlinks/domain_intersection/live\",http_status=\"200\",status_code=\"40502\"} 1",
        "linkdex_requests_total{route=\"/health\",http_status=\"200\",status_code=\"0\"} 1",
        "linkdex_requests_total{route=\"other\",http_status=\"404\",status_code=\"40400\"} 1",
        "# TYPE linkdex_request_duration_seconds histogram",
        "linkdex_request_duration_seconds_count{route=\"/v3/backlinks/domain_intersection/live\"} 2",
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
    }
}

#[test]
fn a_running_server_sees_the_users_file_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("users");
    add_user(&path, "carol", "one").unwrap();
    let mut cfg = config();
    cfg.users = UsersSource::File(path.clone());
    let server = start(cfg, FixedOutcome::ok(0));
    let status = |login: &str, password: &str| {
        let auth = basic(login, password);
        request(server.addr, "POST", LIVE, &[("Authorization", &auth)], BODY).status
    };
    assert_eq!(status("carol", "one"), 200, "admitted, and now cached");
    assert_eq!(status("erin", "new"), 401);

    add_user(&path, "erin", "new").unwrap();
    assert_eq!(status("erin", "new"), 200, "a user added while serving");

    add_user(&path, "carol", "two").unwrap();
    assert_eq!(
        status("carol", "one"),
        401,
        "the old password, cached or not"
    );
    assert_eq!(status("carol", "two"), 200);

    assert!(remove_user(&path, "carol").unwrap());
    assert_eq!(status("carol", "two"), 401, "a removed user, cached or not");

    // A file broken by hand keeps the logins read before.
    std::fs::write(&path, "erin\n").unwrap();
    assert_eq!(status("erin", "new"), 200);
    assert_eq!(status("carol", "two"), 401);
}
