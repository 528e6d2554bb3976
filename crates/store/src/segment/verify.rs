//! Full check of one segment: checksum, every block, and every invariant of the meta.

use std::cmp::Ordering;

use super::format::host_order_key;
use super::reader::SegmentReader;
use super::writer::segment_order;
use crate::error::{Result, StoreError};

/// Reads every byte and record of the segment and checks the invariants listed on `SegmentMeta`.
pub fn verify_segment(seg: &SegmentReader) -> Result<()> {
    seg.verify_checksum()?;
    let meta = seg.meta();
    let bad = |what: String| StoreError::corrupt(seg.path(), 0, what);
    if meta.from_hosts.windows(2).any(|w| w[0] >= w[1]) {
        return Err(bad("referring hosts not sorted and unique".into()));
    }
    let keys: Vec<String> = meta
        .targets
        .iter()
        .map(|t| host_order_key(&t.host))
        .collect();
    if keys.windows(2).any(|w| w[0] >= w[1]) {
        return Err(bad("target hosts not sorted and unique".into()));
    }
    let mut expected_start = 0u64;
    for (ti, target) in meta.targets.iter().enumerate() {
        let pairs = seg.pairs(ti);
        if pairs.is_empty() || pairs.windows(2).any(|w| w[0].from >= w[1].from) {
            return Err(bad(format!(
                "pairs of target {} empty or not sorted",
                target.host
            )));
        }
        for p in pairs {
            if p.record_start != expected_start
                || p.record_count == 0
                || p.from as usize >= meta.from_hosts.len()
            {
                return Err(bad(format!(
                    "pair of target {} does not continue the record runs",
                    target.host
                )));
            }
            expected_start += u64::from(p.record_count);
        }
    }
    if expected_start != meta.record_count {
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
    let chunk_starts_ok = meta
        .stats_chunks
        .windows(2)
        .all(|w| w[0].first_pair < w[1].first_pair)
        && meta.stats_chunks.first().is_none_or(|c| c.first_pair == 0)
        && meta
            .stats_chunks
            .iter()
            .all(|c| meta.targets.iter().any(|t| t.pair_start == c.first_pair));
    if !chunk_starts_ok || (meta.stats_chunks.is_empty() && !meta.pairs.is_empty()) {
        return Err(bad("stats chunks do not start at target boundaries".into()));
    }
    // Walk records and pairs together.
    let mut records = seg.iter();
    let mut prev = None;
    for ti in 0..meta.targets.len() {
        let stats = seg.live_stats(ti)?;
        if stats.len() != seg.pairs(ti).len() {
            return Err(bad(format!(
                "pair statistics of {} missing",
                seg.target_host(ti)
            )));
        }
        for (p, stored) in seg.pairs(ti).iter().zip(stats) {
            let mut live = crate::stats::StatsBuilder::default();
            for _ in 0..p.record_count {
                let r = records
                    .next()
                    .ok_or_else(|| bad("fewer records than pairs say".into()))??;
                if r.domain_to != seg.target_host(ti) || r.domain_from != seg.from_host(p.from) {
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
                    live.add(&r);
                }
                prev = Some(r);
            }
            if live.finish() != *stored {
                return Err(bad(format!(
                    "statistics of pair {} <- {} do not match its records",
                    seg.target_host(ti),
                    seg.from_host(p.from)
                )));
            }
        }
    }
    Ok(())
}
