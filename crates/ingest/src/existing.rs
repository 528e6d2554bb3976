//! The stored state the recrawl rules start from: every record of the current commit whose
//! referring page or linked page was fetched, or which passes through a fetched URL (indirect).
//!
//! Cost: one sequential read of every block of every segment (the store has no index by
//! referring page), and memory for the matching records only. A store index by `url_from`
//! would make this proportional to the pages fetched.

use std::collections::{HashMap, HashSet};

use linkdex_model::{Record, RecordKey};
use linkdex_store::{Snapshot, StoreError};

/// The affected records, each folded oldest segment first as readers see it.
pub(crate) fn affected_records(
    snap: &Snapshot,
    urls: &HashSet<String>,
) -> Result<Vec<Record>, StoreError> {
    let mut found: HashMap<RecordKey, Record> = HashMap::new();
    for segment in &snap.segments {
        for r in segment.iter() {
            let r = r?;
            let through = r.indirect_link_path.iter().flatten();
            let hit = urls.contains(&r.url_from)
                || urls.contains(&r.url_to)
                || through.into_iter().any(|h| urls.contains(&h.url));
            if !hit {
                continue;
            }
            match found.get_mut(&r.key()) {
                Some(stored) => *stored = Record::merge(stored, &r),
                None => {
                    found.insert(r.key(), r);
                }
            }
        }
    }
    let mut out: Vec<Record> = found.into_values().collect();
    out.sort_by_key(Record::key);
    Ok(out)
}
