//! One result item: a qualifying referring host D with its metrics per target it links to.

use serde_json::{json, Map, Value};

use super::fields::Val;
use super::metrics::Metrics;

pub(crate) struct Row {
    pub d: String,
    pub intersections_count: usize,
    /// `(key, metrics)` in numeric key order, only for the targets D links to.
    pub per_target: Vec<(String, Metrics)>,
}

impl Row {
    /// A result field: `intersections_count` or `"<key>.<metric>"`; `Null` when D has no entry
    /// for that key (partial mode), so every condition on it is false and it sorts last.
    pub fn field(&self, name: &str) -> Val {
        if name == "intersections_count" {
            return Val::Num(self.intersections_count as f64);
        }
        let Some((key, metric)) = name.split_once('.') else {
            return Val::Null;
        };
        self.per_target
            .iter()
            .find(|(k, _)| k == key)
            .map_or(Val::Null, |(_, m)| m.field(metric))
    }

    pub fn to_json(&self, list_limit: usize) -> Value {
        let di: Map<String, Value> = self
            .per_target
            .iter()
            .map(|(k, m)| (k.clone(), m.to_json(list_limit)))
            .collect();
        json!({
            "domain_intersection": di,
            "summary": { "intersections_count": self.intersections_count },
        })
    }
}
