//! From request body to task objects (contract §1): size limit, gzip, the two body shapes.

use std::io::Read;

use axum::body::{Body, Bytes};
use flate2::read::MultiGzDecoder;
use linkdex_query::{ApiError, ErrorCode};

use crate::config::Limits;
use serde_json::{Map, Value};

/// A task as the caller sent it.
pub(crate) type Task = Map<String, Value>;

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Reads at most `limits.max_body_bytes` of body, within `limits.read_timeout`. Reading it whole before answering
/// anything, even a refusal, keeps the connection reusable: a server that answers before the body
/// is consumed must close the connection, and keep-alive clients then fail their next POST.
pub(crate) async fn read_body(body: Body, limits: &Limits) -> Result<Bytes, ApiError> {
    let (max, timeout) = (limits.max_body_bytes, limits.read_timeout);
    // Too large, too slow, or the connection broke mid-body: the POST data is unusable. A body
    // left unread makes hyper close the connection after the answer.
    match tokio::time::timeout(timeout, axum::body::to_bytes(body, max)).await {
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(_)) | Err(_) => Err(ApiError::new(ErrorCode::InvalidPostData)),
    }
}

/// Gzip is recognized by its magic bytes, not by `Content-Encoding`: the documented example
/// clients send that header over plain JSON, and JSON text never starts with 0x1f.
pub(crate) fn parse_tasks(bytes: &[u8], max: usize) -> Result<Vec<Task>, ApiError> {
    let plain;
    let json = if bytes.starts_with(&GZIP_MAGIC) {
        plain = gunzip(bytes, max)?;
        &plain[..]
    } else {
        bytes
    };
    if json.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::new(ErrorCode::EmptyPostData));
    }
    let value: Value =
        serde_json::from_slice(json).map_err(|_| ApiError::new(ErrorCode::InvalidPostData))?;
    let tasks = match value {
        Value::Array(items) => items,
        Value::Object(map) => legacy_object_tasks(map)?,
        _ => return Err(ApiError::new(ErrorCode::InvalidPostData)),
    };
    if tasks.is_empty() {
        return Err(ApiError::new(ErrorCode::EmptyPostData));
    }
    tasks
        .into_iter()
        .map(|t| match t {
            Value::Object(task) => Ok(task),
            _ => Err(ApiError::new(ErrorCode::InvalidPostData)),
        })
        .collect()
}

/// Decompresses, refusing output beyond `max` bytes (a small body must not inflate unbounded).
fn gunzip(bytes: &[u8], max: usize) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    MultiGzDecoder::new(bytes)
        .take(max as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|_| ApiError::new(ErrorCode::InvalidPostData))?;
    if out.len() > max {
        return Err(ApiError::new(ErrorCode::InvalidPostData));
    }
    Ok(out)
}

/// `{"0": {...}, "1": {...}}` from PHP-style clients: keys must be decimal indexes and are
/// taken in numeric order.
fn legacy_object_tasks(map: Map<String, Value>) -> Result<Vec<Value>, ApiError> {
    let mut keyed = Vec::with_capacity(map.len());
    for (key, task) in map {
        let index: u64 = if !key.is_empty() && key.bytes().all(|b| b.is_ascii_digit()) {
            key.parse()
                .map_err(|_| ApiError::new(ErrorCode::InvalidPostData))?
        } else {
            return Err(ApiError::new(ErrorCode::InvalidPostData));
        };
        keyed.push((index, task));
    }
    keyed.sort_by_key(|(index, _)| *index);
    Ok(keyed.into_iter().map(|(_, task)| task).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use std::io::Write;

    const MAX: usize = 1024;

    fn code(r: Result<Vec<Task>, ApiError>) -> u32 {
        r.map_or_else(|e| e.code.code(), |_| 20000)
    }

    #[test]
    fn empty_bodies_are_40502() {
        for body in ["", "  \n", "[]", "{}"] {
            assert_eq!(code(parse_tasks(body.as_bytes(), MAX)), 40502, "{body:?}");
        }
    }

    #[test]
    fn broken_bodies_are_40503() {
        for body in [
            "{",
            "null",
            "3",
            "\"x\"",
            "[1]",
            "[{}, 2]",
            r#"{"a":{}}"#,
            r#"{"0":1}"#,
        ] {
            assert_eq!(code(parse_tasks(body.as_bytes(), MAX)), 40503, "{body:?}");
        }
        assert_eq!(code(parse_tasks(&[0xff, 0xfe], MAX)), 40503);
        assert_eq!(code(parse_tasks(&[0x1f, 0x8b, 0, 0], MAX)), 40503);
    }

    #[test]
    fn object_of_tasks_is_taken_in_numeric_key_order() {
        let body = r#"{"10":{"tag":"c"},"2":{"tag":"b"},"0":{"tag":"a"}}"#;
        let tags: Vec<Value> = parse_tasks(body.as_bytes(), MAX)
            .unwrap()
            .into_iter()
            .map(|t| t["tag"].clone())
            .collect();
        assert_eq!(tags, ["a", "b", "c"]);
    }

    #[test]
    fn real_gzip_is_decompressed_and_bounded() {
        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
        enc.write_all(br#"[{"tag":"z"}]"#).unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(parse_tasks(&gz, MAX).unwrap()[0]["tag"], "z");

        let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&vec![b' '; MAX + 1]).unwrap();
        let bomb = enc.finish().unwrap();
        assert!(bomb.len() < MAX);
        assert_eq!(code(parse_tasks(&bomb, MAX)), 40503);
    }
}
