//! The DataForSEO response envelope (contract §2): the top-level fields, one object per task,
//! and the HTTP response that carries it.

use std::time::Duration;

use argon2::password_hash::rand_core::{OsRng, RngCore};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use linkdex_query::{ApiError, ErrorCode};
use serde_json::{json, Map, Value};

/// `0.1.YYYYMMDD`: the crate's major.minor and the build date.
pub(crate) const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION_MAJOR"),
    ".",
    env!("CARGO_PKG_VERSION_MINOR"),
    ".",
    env!("LINKDEX_BUILD_DATE")
);

const OK_CODE: u32 = 20000;
const OK_MESSAGE: &str = "Ok.";

/// One answered task. `outcome` is the result object, or why the task failed.
pub(crate) struct TaskReport {
    pub id: String,
    pub outcome: Result<Value, ApiError>,
    pub time: Duration,
    pub cost: f64,
    pub path: &'static [&'static str],
    pub data: Map<String, Value>,
}

impl TaskReport {
    fn to_json(&self) -> Value {
        let (code, message, result_count, result, cost) = match &self.outcome {
            Ok(r) => (OK_CODE, OK_MESSAGE, 1, json!([r]), self.cost),
            Err(e) => (e.code.code(), e.message.as_str(), 0, Value::Null, 0.0),
        };
        json!({
            "id": self.id,
            "status_code": code,
            "status_message": message,
            "time": format_time(self.time),
            "cost": cost_value(cost),
            "result_count": result_count,
            "path": self.path,
            "data": self.data,
            "result": result,
        })
    }
}

/// The envelope of a request whose tasks were read: top level 20000, each task its own status.
pub(crate) fn tasks_envelope(tasks: &[TaskReport], elapsed: Duration) -> Value {
    let cost: f64 = tasks
        .iter()
        .filter(|t| t.outcome.is_ok())
        .map(|t| t.cost)
        .sum();
    let errors = tasks.iter().filter(|t| t.outcome.is_err()).count();
    json!({
        "version": VERSION,
        "status_code": OK_CODE,
        "status_message": OK_MESSAGE,
        "time": format_time(elapsed),
        "cost": cost_value(cost),
        "tasks_count": tasks.len(),
        "tasks_error": errors,
        "tasks": tasks.iter().map(TaskReport::to_json).collect::<Vec<_>>(),
    })
}

/// The envelope of a request refused as a whole: the error at top level and no tasks.
pub(crate) fn error_envelope(err: &ApiError, elapsed: Duration) -> Value {
    json!({
        "version": VERSION,
        "status_code": err.code.code(),
        "status_message": err.message,
        "time": format_time(elapsed),
        "cost": 0,
        "tasks_count": 0,
        "tasks_error": 0,
        "tasks": [],
    })
}

/// A task's `data`: the endpoint's identity, then every non-null field as sent, in order.
pub(crate) fn echo_data(
    api: &str,
    function: &str,
    task: &Map<String, Value>,
) -> Map<String, Value> {
    let mut data = Map::new();
    data.insert("api".into(), api.into());
    data.insert("function".into(), function.into());
    for (k, v) in task.iter().filter(|(_, v)| !v.is_null()) {
        data.insert(k.clone(), v.clone());
    }
    data
}

/// A random UUID-shaped id with the version-4 and RFC 4122 variant bits set.
pub(crate) fn task_id() -> String {
    let mut b = [0u8; 16];
    OsRng.fill_bytes(&mut b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// `"0.0123 sec."`
pub(crate) fn format_time(d: Duration) -> String {
    format!("{:.4} sec.", d.as_secs_f64())
}

/// A whole cost prints as an integer (`0`), any other as a float; both are JSON numbers.
fn cost_value(cost: f64) -> Value {
    if cost.fract() == 0.0 && cost.abs() < 1e15 {
        json!(cost as i64)
    } else {
        json!(cost)
    }
}

/// The envelope status a response carried, left in its extensions for the log and metrics.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EnvelopeStatus(pub u32);

/// An envelope on its way out, with the HTTP status that its top-level code maps to.
pub(crate) struct Reply {
    pub top: Option<ErrorCode>,
    pub body: Value,
}

impl Reply {
    pub fn tasks(tasks: &[TaskReport], elapsed: Duration) -> Reply {
        Reply {
            top: None,
            body: tasks_envelope(tasks, elapsed),
        }
    }

    pub fn error(err: &ApiError, elapsed: Duration) -> Reply {
        Reply {
            top: Some(err.code),
            body: error_envelope(err, elapsed),
        }
    }

    /// The generic 50000 answer to a bug; the details belong in the log, never here.
    pub fn internal() -> Reply {
        Reply::error(&ApiError::new(ErrorCode::Internal), Duration::ZERO)
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let http = self.top.map_or(200, ErrorCode::http_status);
        let code = self.top.map_or(OK_CODE, ErrorCode::code);
        let bytes = serde_json::to_vec(&self.body).unwrap_or_else(|_| b"{}".to_vec());
        let mut resp = (
            StatusCode::from_u16(http).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response();
        resp.extensions_mut().insert(EnvelopeStatus(code));
        resp
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_is_major_minor_build_date() {
        let parts: Vec<&str> = VERSION.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[2].len(), 8);
        assert!(parts[2].bytes().all(|b| b.is_ascii_digit()));
    }

    #[test]
    fn task_id_is_uuid_v4_shaped() {
        let id = task_id();
        let groups: Vec<usize> = id.split('-').map(str::len).collect();
        assert_eq!(groups, [8, 4, 4, 4, 12]);
        assert_eq!(&id[14..15], "4");
        assert!("89ab".contains(&id[19..20]));
        assert_ne!(task_id(), id);
    }

    #[test]
    fn time_has_four_decimals() {
        assert_eq!(format_time(Duration::from_micros(12_345)), "0.0123 sec.");
        assert_eq!(format_time(Duration::ZERO), "0.0000 sec.");
    }

    #[test]
    fn cost_is_integer_when_whole() {
        assert_eq!(cost_value(0.0).to_string(), "0");
        assert_eq!(cost_value(0.02015).to_string(), "0.02015");
    }

    #[test]
    fn data_drops_nulls_and_keeps_order() {
        let task: Map<String, Value> =
            serde_json::from_str(r#"{"tag":"t","limit":null,"targets":{"1":"a.com"}}"#).unwrap();
        let data = echo_data("backlinks", "domain_intersection", &task);
        let keys: Vec<&str> = data.keys().map(String::as_str).collect();
        assert_eq!(keys, ["api", "function", "tag", "targets"]);
    }
}
