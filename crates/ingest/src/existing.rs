//! The stored state the recrawl rules start from: every record of the current commit whose
//! referring page or linked page was fetched, or which passes through a fetched URL (indirect).
//!
//! Cost: one sequential read of every block of every segment (the store has no index by
//! referring page), each record read in place and only the matching ones decoded whole, and
//! memory for the matching records only. A store index by `url_from` would make this
//! proportional to the pages fetched.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use linkdex_model::{Record, RecordKey};
use linkdex_store::{SegmentReader, Snapshot, StoreError};

/// The affected records, each folded oldest segment first as readers see it.
pub(crate) fn affected_records(
    snap: &Snapshot,
    urls: &HashSet<String>,
) -> Result<Vec<Record>, StoreError> {
    let mut found: HashMap<RecordKey, Record> = HashMap::new();
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    for segment in &snap.segments {
        // A segment holds each key once: its parts can be read in any order, by several threads.
        let blocks = segment.block_count();
        let parts = (0..threads).map(|t| blocks * t / threads..blocks * (t + 1) / threads);
        let hits = std::thread::scope(|s| {
            let readers: Vec<_> = parts
                .map(|part| s.spawn(|| matching(segment, part, urls)))
                .collect();
            readers
                .into_iter()
                .map(|r| r.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect::<Result<Vec<_>, _>>()
        })?;
        for r in hits.into_iter().flatten() {
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

/// The records of `blocks` of `segment` whose referring page or linked page is one of `urls`, or
/// whose indirect path passes through one.
fn matching(
    segment: &SegmentReader,
    blocks: Range<usize>,
    urls: &HashSet<String>,
) -> Result<Vec<Record>, StoreError> {
    let mut hits = Vec::new();
    segment.for_each_ref(blocks, |r| {
        let through = r.indirect_link_path.iter().flatten();
        let hit = urls.contains(r.url_from)
            || urls.contains(r.url_to)
            || through.into_iter().any(|h| urls.contains(h.url));
        if hit {
            hits.push(r.to_record());
        }
        Ok(())
    })?;
    Ok(hits)
}
