//! Several segments, where each after the first holds whole pairs and all of them together are
//! small beside the first: the index after a large first import and smaller ones since.
//!
//! A referring host with no pair in a later segment, for any of the request's target hosts, has
//! all its pairs for them in the first segment, none shadowed: the first segment answers for it
//! alone, on the one-segment paths (kept bitmaps, the page read in rank order). The other hosts,
//! the *touched* ones, are left out there and answered over every segment, their pairs grouped
//! as on the general path. Each part ranks its first `offset + limit` hosts; the page is cut from
//! the two, merged by the sort order.

use linkdex_store::{Snapshot, StoreError};

use super::hosts::{gallop, Hosts, Union};
use super::sets::{put, Bits, FeedSet, SetSource};
use super::top::{compare, row_values};
use super::words::Words;
use super::{
    answer, feed_sets, key_run, listed_set, patterns_with, rank, Answer, Keyed, PatternRun, Query,
};
use crate::fields::ResultField;
use crate::request::Request;

/// The later segments' pairs a request reads are at most this fraction of the first's. The
/// touched hosts' part costs about what the general path costs for them, so two parts win
/// unless the later segments are as large as the first (docs/benchmarks.md: 10M + 1M).
const LATER_SHARE: usize = 2;

/// Whether `runs` (each pattern's) are best answered in two parts.
pub(super) fn applies(snap: &Snapshot, runs: &[Vec<PatternRun>]) -> bool {
    let n = snap.segments.len();
    if n < 2 || !(1..n).all(|seg| snap.whole_pairs(seg)) {
        return false;
    }
    let (mut first, mut later) = (0usize, 0usize);
    for run in runs.iter().flatten() {
        match run.seg {
            0 => first += run.pairs.len(),
            _ => later += run.pairs.len(),
        }
    }
    later.saturating_mul(LATER_SHARE) <= first
}

/// Answers `req` in two parts (see the module).
pub(super) fn execute<'s>(
    q: &mut Query<'s>,
    req: &Request,
    rules: &[(ResultField, bool)],
    warm_slots: Vec<bool>,
    runs: &[Vec<PatternRun>],
) -> Result<Answer, StoreError> {
    let snap = q.blocks.snap;
    let first = &snap.segments[0];
    // Each part ranks its first offset + limit hosts.
    let part = Request {
        offset: 0,
        limit: req.offset.saturating_add(req.limit),
        ..req.clone()
    };
    // The touched hosts: their ids in each later segment, and in the first those it has.
    let mut touched: Vec<Vec<u32>> = vec![Vec::new(); snap.segments.len()];
    for run in runs.iter().flatten().filter(|run| run.seg > 0) {
        touched[run.seg].extend(snap.segments[run.seg].pair_from_run(run.pairs.clone()));
    }
    let mut in_first = Vec::new();
    for (seg, ids) in touched.iter_mut().enumerate().skip(1) {
        ids.sort_unstable();
        ids.dedup();
        // Both segments' ids order like the hosts' bytes: one galloping pass finds them all.
        let (reader, n) = (&snap.segments[seg], first.host_count());
        let mut at = 0;
        for &id in ids.iter() {
            let host = reader.from_host_bytes(id);
            at = gallop(at, n, |i| first.from_host_bytes(i as u32) < host);
            if at < n && first.from_host_bytes(at as u32) == host {
                in_first.push(at as u32);
            }
        }
    }
    in_first.sort_unstable();
    in_first.dedup();

    // The first segment alone, the touched hosts left out (as one more excluded set).
    let hosts = Hosts { snap, union: None };
    let first_runs: Vec<Vec<PatternRun>> = runs
        .iter()
        .map(|runs| runs.iter().filter(|run| run.seg == 0).cloned().collect())
        .collect();
    let mut sets = feed_sets(q, &hosts, &patterns_with(req, &first_runs), &part)?;
    if !in_first.is_empty() {
        let mut left_out = Words::zeroed(hosts.len().div_ceil(64));
        for &id in &in_first {
            put(&mut left_out, hosts.checked(id)?, true);
        }
        sets.push(FeedSet {
            feeds: Bits::Own(left_out),
            less_internal: false,
            source: SetSource::Listed(Vec::new()),
        });
    }
    let (mut total_count, mut rows) = rank(q, &hosts, sets, &part, rules, warm_slots.clone())?;

    // The touched hosts over every segment.
    if touched.iter().any(|ids| !ids.is_empty()) {
        touched[0] = in_first;
        let union = Union::of(snap, touched);
        let (first_ids, first_union_ids) = union.ids[0].clone();
        let hosts = Hosts {
            snap,
            union: Some(union),
        };
        let mut sets = Vec::with_capacity(runs.len());
        for (pattern, runs) in patterns_with(req, runs) {
            let mut keyed: Vec<Keyed> = Vec::new();
            for run in runs {
                if run.seg > 0 {
                    key_run(&hosts, run, &mut keyed)?;
                    continue;
                }
                // The run's pairs are in host order too: gallop through them.
                let mut p = run.pairs.start;
                for (&id, &u) in first_ids.iter().zip(&first_union_ids) {
                    p = gallop(p, run.pairs.end, |p| first.pair_from(p) < id);
                    if p < run.pairs.end && first.pair_from(p) == id {
                        keyed.push((hosts.checked(u)?, 0, p, run.exact, run.target));
                    }
                }
            }
            keyed.sort();
            let listed = q.feed_groups(&hosts, &keyed, pattern, &part)?;
            sets.push(listed_set(&hosts, listed));
        }
        let (count, more) = rank(q, &hosts, sets, &part, rules, warm_slots)?;
        total_count += count;
        rows.extend(more);
    }

    // The page, from both parts' first offset + limit.
    let mut ranked = Vec::with_capacity(rows.len());
    for row in rows {
        let key = row_values(q, &part, rules, (row.host, row.intersections, &row.slots))?;
        ranked.push((key, row));
    }
    ranked.sort_by(|(a, x), (b, y)| {
        compare(a, b, rules).then_with(|| x.host.as_bytes().cmp(y.host.as_bytes()))
    });
    let page = ranked
        .into_iter()
        .map(|(_, row)| row)
        .skip(usize::try_from(req.offset).unwrap_or(usize::MAX))
        .take(usize::try_from(req.limit).unwrap_or(usize::MAX))
        .collect();
    answer(q, req, total_count, page)
}
