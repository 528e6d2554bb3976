//! The index state after a sequence of observations: the contract's update rule, applied by
//! `Record::merge`, over a `BTreeMap` keyed by `Record::key()`.

use std::collections::BTreeMap;

use linkdex_model::Record;

/// Applies `observations` in order (a later one is "the newer import" on a `last_seen` tie)
/// and returns the stored records sorted by key, one per key.
pub fn fold(observations: &[Record]) -> Vec<Record> {
    let mut index = BTreeMap::new();
    for obs in observations {
        let merged = match index.get(&obs.key()) {
            Some(stored) => Record::merge(stored, obs),
            None => obs.clone(),
        };
        index.insert(obs.key(), merged);
    }
    index.into_values().collect()
}
