//! Helpers for the hand-computed cases: records from JSON, one call of the model.
#![allow(dead_code)]

use linkdex_model::{parse_time, Record};
use serde_json::{json, Value};

/// The import time for fields a test leaves out.
pub const NOW: &str = "2023-01-01 00:00:00 +00:00";

pub fn rec(v: Value) -> Record {
    Record::from_json(v.as_object().expect("object"), parse_time(NOW).unwrap()).expect("valid")
}

/// A live dofollow anchor from `from` to `to`, every other field at its default.
pub fn link(from: &str, to: &str) -> Record {
    rec(json!({"url_from": from, "url_to": to}))
}

pub fn run(records: &[Record], request: Value) -> Value {
    linkdex_testkit::domain_intersection(records, &request)
}

/// The referring hosts of a result, in order.
pub fn hosts(result: &Value) -> Vec<String> {
    result["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| {
            let di = item["domain_intersection"].as_object().unwrap();
            let first = di.values().next().unwrap();
            first["target"].as_str().unwrap().to_string()
        })
        .collect()
}

/// The target keys of one item, in output order.
pub fn keys(item: &Value) -> Vec<String> {
    item["domain_intersection"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}
