//! Full check of one segment: checksum, every block and frame, and every invariant of the
//! columns.

use std::cmp::Ordering;

use super::format::Hot;
use super::reader::{SegmentReader, StatsFrame};
use super::writer::segment_order;
use crate::error::{Result, StoreError};
use crate::stats::{scale, StatsBuilder};
use linkdex_model::{registrable_domain, RecordRef};

/// Reads every byte and record of the segment and checks the invariants listed on `SegmentMeta`.
pub fn verify_segment(seg: &SegmentReader) -> Result<()> {
    seg.verify_checksum()?;
    let meta = seg.meta();
    let bad = |what: String| StoreError::corrupt(seg.path(), 0, what);
    let hosts: Vec<&str> = (0..seg.host_count() as u32)
        .map(|i| seg.from_host(i))
        .collect();
    if hosts.iter().any(|h| h.is_empty()) || hosts.windows(2).any(|w| w[0] >= w[1]) {
        return Err(bad(
            "referring hosts empty, not text, or not sorted and unique".into(),
        ));
    }
    let keys: Vec<&str> = (0..seg.target_count()).map(|t| seg.target_key(t)).collect();
    if keys.iter().any(|k| k.is_empty()) || keys.windows(2).any(|w| w[0] >= w[1]) {
        return Err(bad(
            "target hosts empty, not text, or not sorted and unique".into(),
        ));
    }
    let mut expected_start = 0u64;
    let mut next_pair = 0;
    for t in 0..seg.target_count() {
        let range = seg.pair_range(t);
        let pairs: Vec<_> = seg.pairs(t).collect();
        if range.start != next_pair
            || pairs.is_empty()
            || pairs.windows(2).any(|w| w[0].from >= w[1].from)
        {
            return Err(bad(format!(
                "pairs of target {} out of place, empty or not sorted",
                seg.target_host(t)
            )));
        }
        next_pair = range.end;
        for p in pairs {
            if p.record_start != expected_start
                || p.record_count == 0
                || p.from as usize >= seg.host_count()
            {
                return Err(bad(format!(
                    "pair of target {} does not continue the record runs",
                    seg.target_host(t)
                )));
            }
            expected_start += u64::from(p.record_count);
        }
    }
    if next_pair != seg.pair_count() || expected_start != meta.record_count {
        return Err(bad(format!(
            "pairs cover {expected_start} records, meta says {}",
            meta.record_count
        )));
    }
    let mut next_first = 0u64;
    for (i, b) in meta.blocks.iter().enumerate() {
        if b.first_record != next_first {
            return Err(StoreError::corrupt(
                seg.path(),
                b.offset,
                "block does not start where the previous ended",
            ));
        }
        next_first += seg.block(i)?.len() as u64;
    }
    if next_first != meta.record_count {
        return Err(bad(format!(
            "blocks hold {next_first} records, meta says {}",
            meta.record_count
        )));
    }
    // Walk records and pairs together, recomputing every pair's aggregates.
    let mut records = seg.iter();
    let mut prev = None;
    let mut frame: Option<StatsFrame> = None;
    for t in 0..seg.target_count() {
        let host = seg.target_host(t);
        for p in seg.pair_range(t) {
            let (f, i) = SegmentReader::frame_of(p);
            if i == 0 {
                frame = Some(seg.stats_frame(f)?);
            }
            let pair = seg.pair(p);
            let mut live = StatsBuilder::default();
            for _ in 0..pair.record_count {
                let r = records
                    .next()
                    .ok_or_else(|| bad("fewer records than pairs say".into()))??;
                if r.domain_to != host || r.domain_from != seg.from_host(pair.from) {
                    return Err(bad(format!(
                        "record {} -> {} filed under the wrong pair",
                        r.url_from, r.url_to
                    )));
                }
                if prev
                    .as_ref()
                    .is_some_and(|q| segment_order(q, &r) != Ordering::Less)
                {
                    return Err(bad(format!(
                        "record {} -> {} out of order",
                        r.url_from, r.url_to
                    )));
                }
                if !r.is_lost {
                    live.add(&RecordRef::of(&r));
                }
                prev = Some(r);
            }
            let live = live.finish();
            let from = seg.from_host(pair.from);
            let internal = registrable_domain(from) == registrable_domain(&host);
            let hot = Hot::new(
                scale(live.cold.rank_mass),
                live.warm.records > 0,
                live.cold.indirect > 0,
                internal,
            );
            let stored = frame.as_ref().and_then(|fr| seg.pair_stats(fr, p));
            if stored != Some(live) || seg.hot(p) != hot {
                return Err(bad(format!(
                    "statistics of pair {host} <- {} do not match its records",
                    seg.from_host(pair.from)
                )));
            }
        }
    }
    Ok(())
}
