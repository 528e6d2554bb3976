//! Structured log lines on stderr, one JSON object per line.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// The one line every request gets.
pub(crate) fn request(login: &str, method: &str, path: &str, http: u16, code: u32, time: Duration) {
    // A client-chosen path is capped so one request cannot write an arbitrarily long line.
    let path: String = path.chars().take(256).collect();
    let line = json!({
        "ts": now(),
        "event": "request",
        "login": login,
        "method": method,
        "path": path,
        "http_status": http,
        "status_code": code,
        "time": (time.as_secs_f64() * 1e6).round() / 1e6,
    });
    eprintln!("{line}");
}

/// A bug or an internal failure: the details the client is never shown.
pub(crate) fn internal_error(context: &str, detail: &str) {
    let line =
        json!({ "ts": now(), "event": "internal_error", "context": context, "detail": detail });
    eprintln!("{line}");
}

/// Server lifecycle: listening, draining, stopped.
pub(crate) fn lifecycle(event: &str, detail: &str) {
    let line = json!({ "ts": now(), "event": event, "detail": detail });
    eprintln!("{line}");
}
