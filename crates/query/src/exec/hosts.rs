//! Referring hosts as ids that order like the hosts' bytes: the one segment's own host ids, or
//! over several segments, positions in the union of the hosts a query touches.

use std::ops::Range;

use linkdex_model::registrable_domain;
pub(super) use linkdex_store::gallop;
use linkdex_store::{Snapshot, StoreError};

pub(super) struct Hosts<'s> {
    pub(super) snap: &'s Snapshot,
    pub(super) union: Option<Union>,
}

/// The hosts a query touches over several segments, in byte order. Each segment's touched
/// hosts (already in byte order: a segment's ids order like its hosts) are merged into the
/// largest segment's by binary search, so names are compared only for the smaller segments'
/// hosts; a union id then maps back and forth with integer lookups.
pub(super) struct Union {
    /// Union id → (segment, host id there) of one segment holding the host.
    reps: Vec<(u32, u32)>,
    /// Per segment: its touched host ids, sorted, and their union ids.
    pub(super) ids: Vec<(Vec<u32>, Vec<u32>)>,
}

impl Union {
    /// The union of the referring hosts of `runs` ((segment, pairs)).
    pub(super) fn new(snap: &Snapshot, runs: impl Iterator<Item = (usize, Range<usize>)>) -> Union {
        let mut touched: Vec<Vec<u32>> = vec![Vec::new(); snap.segments.len()];
        for (seg, pairs) in runs {
            touched[seg].extend(snap.segments[seg].pair_from_run(pairs));
        }
        Union::of(snap, touched)
    }

    /// The union of the hosts `touched` (per segment, host ids there).
    pub(super) fn of(snap: &Snapshot, mut touched: Vec<Vec<u32>>) -> Union {
        for ids in &mut touched {
            // Sorted runs, one per target host: a stable sort merges them.
            ids.sort();
            ids.dedup();
        }
        let name = |(seg, id): (u32, u32)| snap.segments[seg as usize].from_host_bytes(id);
        let base = (0..touched.len())
            .max_by_key(|&s| touched[s].len())
            .unwrap_or(0);
        let mut reps: Vec<(u32, u32)> = touched[base].iter().map(|&id| (base as u32, id)).collect();
        for (seg, ids) in touched.iter().enumerate().filter(|(s, _)| *s != base) {
            let mut merged = Vec::with_capacity(reps.len() + ids.len());
            let mut at = 0;
            for &id in ids {
                let host = name((seg as u32, id));
                let next = gallop(at, reps.len(), |i| name(reps[i]) < host);
                merged.extend_from_slice(&reps[at..next]);
                at = next;
                if reps.get(at).is_none_or(|&r| name(r) != host) {
                    merged.push((seg as u32, id));
                }
            }
            merged.extend_from_slice(&reps[at..]);
            reps = merged;
        }
        let ids = touched
            .into_iter()
            .enumerate()
            .map(|(seg, ids)| {
                let union_ids: Vec<u32> = if seg == base {
                    // The base segment's hosts are all representatives, in order.
                    let kept = reps.iter().enumerate().filter(|(_, r)| r.0 == seg as u32);
                    kept.map(|(k, _)| k as u32).collect()
                } else {
                    let mut at = 0;
                    let mut union_ids = Vec::with_capacity(ids.len());
                    for &id in &ids {
                        let host = name((seg as u32, id));
                        at = gallop(at, reps.len(), |i| name(reps[i]) < host);
                        union_ids.push(at as u32);
                    }
                    union_ids
                };
                (ids, union_ids)
            })
            .collect();
        Union { reps, ids }
    }
}

impl<'s> Hosts<'s> {
    /// Rule 4: whether host `id` has the registrable domain `own`. Only `own` itself or a
    /// subdomain can, so a byte suffix test comes before the PSL lookup.
    pub(super) fn same_site(&self, id: u32, own: &str) -> bool {
        let bytes = match &self.union {
            Some(u) => {
                let (seg, host) = u.reps[id as usize];
                self.snap.segments[seg as usize].from_host_bytes(host)
            }
            None => self.snap.segments[0].from_host_bytes(id),
        };
        let candidate = bytes
            .strip_suffix(own.as_bytes())
            .is_some_and(|head| head.is_empty() || head.ends_with(b"."));
        candidate && registrable_domain(self.name(id)) == own
    }

    pub(super) fn name(&self, id: u32) -> &'s str {
        match &self.union {
            Some(u) => {
                let (seg, host) = u.reps[id as usize];
                self.snap.segments[seg as usize].from_host(host)
            }
            None => self.snap.segments[0].from_host(id),
        }
    }

    /// `id`, or a corruption error when the segment's column holds an id past its host table.
    #[inline]
    pub(super) fn checked(&self, id: u32) -> Result<u32, StoreError> {
        if (id as usize) < self.len() {
            return Ok(id);
        }
        self.out_of_range(id)
    }

    #[cold]
    fn out_of_range(&self, id: u32) -> Result<u32, StoreError> {
        let path = self.snap.segments[0].path();
        Err(StoreError::corrupt(
            path,
            0,
            format!("referring host id {id} out of range"),
        ))
    }

    #[inline]
    pub(super) fn len(&self) -> usize {
        match &self.union {
            Some(u) => u.reps.len(),
            None => self.snap.segments.first().map_or(0, |s| s.host_count()),
        }
    }

    /// The pairs `pairs` of segment `seg` (one target host's: in host order) with their hosts'
    /// ids.
    pub(super) fn ids(
        &self,
        seg: usize,
        pairs: Range<usize>,
    ) -> impl Iterator<Item = (usize, u32)> + '_ {
        let reader = &self.snap.segments[seg];
        let mut at = 0;
        pairs.map(move |p| {
            let host = reader.pair_from(p);
            let Some(u) = &self.union else {
                return (p, host);
            };
            let (touched, union_ids) = &u.ids[seg];
            at = gallop(at, touched.len(), |i| touched[i] < host);
            if touched.get(at) != Some(&host) {
                // Out of host order (a damaged column): look it up.
                at = touched.binary_search(&host).unwrap_or(0);
            }
            (p, union_ids.get(at).copied().unwrap_or(u32::MAX))
        })
    }
}
