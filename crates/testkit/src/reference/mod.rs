//! The reference model of `POST /v3/backlinks/domain_intersection/live` (contract §4–§9):
//! a full scan of the records per target, as directly as the contract states each rule.
//!
//! Readings the contract leaves open, fixed here so engine and model agree:
//! - a filter `[]` filters nothing; a value of the wrong type for its operator, an unknown
//!   field, a `null` field value or a target D has no entry for make the condition false, for
//!   `<>` and every `not_*` too (`not_x` is `!x` on non-null values);
//! - `match` splits value and field into maximal runs of `char::is_alphanumeric`, lowercases
//!   each run (`to_lowercase`), and holds when every value word is a field word;
//! - the per-target rank sums `unscale` in `f64` in the order of `records`;
//! - `lost_date` of an all-lost target is the latest `lost_date` present, `null` if none is.

mod condition;
pub(crate) mod fields;
mod filters;
mod metrics;
mod order;
pub(crate) mod rank;
mod request;
mod row;

use std::collections::{BTreeMap, BTreeSet};

use linkdex_model::Record;
use serde_json::{json, Value};

use metrics::Metrics;
use request::Request;
use row::Row;

/// The partial-mode threshold: D qualifies when it links to at least this many of `n` targets.
/// (The contract never defines `partial`; every observed payload fits `min(2, n)`.)
fn partial_threshold(n: usize) -> usize {
    n.min(2)
}

/// Answers one valid task over the final index state `records` (unique keys). Returns the
/// object the API puts in `result[0]`.
pub fn domain_intersection(records: &[Record], request: &Value) -> Value {
    let req = Request::from_json(request);
    // X: hosts with a record feeding any exclude target.
    let excluded: BTreeSet<&str> = records
        .iter()
        .filter(|r| req.exclude_targets.iter().any(|p| req.feeds(r, p)))
        .map(|r| r.domain_from.as_str())
        .collect();
    // S_i with its feeding records, per target in numeric key order.
    let feeding: Vec<(&str, BTreeMap<&str, Vec<&Record>>)> = req
        .targets
        .iter()
        .map(|(key, p)| {
            let mut by_host: BTreeMap<&str, Vec<&Record>> = BTreeMap::new();
            for r in records.iter().filter(|r| req.feeds(r, p)) {
                by_host.entry(r.domain_from.as_str()).or_default().push(r);
            }
            (key.as_str(), by_host)
        })
        .collect();
    let n = feeding.len();
    let needed = if req.partial { partial_threshold(n) } else { n };
    let hosts: BTreeSet<&str> = feeding
        .iter()
        .flat_map(|(_, s)| s.keys().copied())
        .collect();
    let mut rows: Vec<Row> = hosts
        .into_iter()
        .filter(|d| !excluded.contains(d))
        .filter_map(|d| {
            let per_target: Vec<(String, Metrics)> = feeding
                .iter()
                .filter_map(|(key, s)| {
                    let recs = s.get(d)?;
                    Some((key.to_string(), Metrics::compute(d, recs, req.one_hundred)))
                })
                .collect();
            (per_target.len() >= needed && !per_target.is_empty()).then(|| Row {
                d: d.to_string(),
                intersections_count: per_target.len(),
                per_target,
            })
        })
        .filter(|row| {
            req.filters
                .as_ref()
                .is_none_or(|f| f.eval(&|name| row.field(name)))
        })
        .collect();
    let lowest_key = req.targets.first().map_or("", |(k, _)| k.as_str());
    order::sort_rows(&mut rows, &req.order_by, lowest_key);
    let total_count = rows.len();
    let items: Vec<Value> = rows
        .iter()
        .skip(req.offset)
        .take(req.limit)
        .map(|row| row.to_json(req.internal_list_limit))
        .collect();
    json!({
        "targets": request.get("targets").cloned().unwrap_or(Value::Null),
        "total_count": total_count,
        "items_count": items.len(),
        "items": items,
    })
}
