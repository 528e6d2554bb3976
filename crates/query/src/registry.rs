//! `GET /v3/backlinks/available_filters`: generated from the same field registries the
//! validator uses.

use serde_json::{Map, Value};

use crate::fields::{RECORD_FIELDS, TARGET_METRICS};

/// The `available_filters` result: record fields under `backlinks`, result fields under
/// `domain_intersection` (metrics without the key prefix, plus `intersections_count`).
pub fn available_filters() -> Value {
    let backlinks: Map<String, Value> = RECORD_FIELDS
        .iter()
        .map(|(n, t)| (n.to_string(), Value::from(t.name())))
        .collect();
    let mut di: Map<String, Value> = TARGET_METRICS
        .iter()
        .map(|(n, t)| (n.to_string(), Value::from(t.name())))
        .collect();
    di.insert("intersections_count".into(), Value::from("num"));
    let mut out = Map::new();
    out.insert("backlinks".into(), Value::Object(backlinks));
    out.insert("domain_intersection".into(), Value::Object(di));
    Value::Object(out)
}
