//! Splitting node ranges across threads without making results depend on the split.
//!
//! Determinism rule: every floating-point sum is either over one row (computed by one thread, in
//! CSR order) or over per-[`BLOCK`] partial sums added in block order. Thread boundaries fall on
//! block boundaries, so the thread count changes who computes a block, never what it computes.

use std::ops::Range;
use std::thread;

/// Nodes per reduction block. Fixed, so partial sums never depend on the thread count.
pub(crate) const BLOCK: usize = 4096;

/// Contiguous node ranges, one per worker; every inner boundary is a multiple of [`BLOCK`].
#[derive(Debug, Clone)]
pub(crate) struct Partition {
    bounds: Vec<usize>,
}

impl Partition {
    /// Splits `0..n` (`n = offsets.len() - 1`) into at most `parts` ranges of about equal
    /// cost, the cost of a node being its row length plus one (rows are CSR `offsets`).
    pub(crate) fn balanced(offsets: &[u64], parts: usize) -> Partition {
        let n = offsets.len().saturating_sub(1);
        let blocks = n.div_ceil(BLOCK);
        let parts = parts.clamp(1, blocks.max(1));
        let cost = |block: usize| {
            let node = (block * BLOCK).min(n);
            offsets[node] + node as u64
        };
        let total = cost(blocks);
        let mut bounds = vec![0];
        for p in 1..parts {
            let target = total / parts as u64 * p as u64;
            // First block boundary whose cumulative cost reaches the target.
            let (mut lo, mut hi) = (0, blocks);
            while lo < hi {
                let mid = (lo + hi) / 2;
                if cost(mid) < target {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            let node = (lo * BLOCK).min(n);
            if node > *bounds.last().unwrap_or(&0) && node < n {
                bounds.push(node);
            }
        }
        bounds.push(n);
        Partition { bounds }
    }

    pub(crate) fn ranges(&self) -> impl Iterator<Item = Range<usize>> + '_ {
        self.bounds.windows(2).map(|w| w[0]..w[1])
    }

    /// Splits a per-node slice into one mutable piece per range.
    pub(crate) fn split_nodes<'a, T>(&self, slice: &'a mut [T]) -> Vec<&'a mut [T]> {
        split_at_bounds(slice, &self.bounds)
    }

    /// Splits a per-block slice (`len = n.div_ceil(BLOCK)`) into one piece per range.
    pub(crate) fn split_blocks<'a, T>(&self, slice: &'a mut [T]) -> Vec<&'a mut [T]> {
        let bounds: Vec<usize> = self.bounds.iter().map(|b| b.div_ceil(BLOCK)).collect();
        split_at_bounds(slice, &bounds)
    }
}

pub(crate) fn split_at_bounds<'a, T>(mut slice: &'a mut [T], bounds: &[usize]) -> Vec<&'a mut [T]> {
    let mut pieces = Vec::with_capacity(bounds.len());
    for w in bounds.windows(2) {
        let (head, tail) = slice.split_at_mut(w[1] - w[0]);
        pieces.push(head);
        slice = tail;
    }
    pieces
}

/// Runs `work` on every job, the first on the calling thread and the rest on scoped threads.
pub(crate) fn run_parts<J: Send, F: Fn(J) + Sync>(jobs: Vec<J>, work: F) {
    if jobs.len() <= 1 {
        jobs.into_iter().for_each(work);
        return;
    }
    thread::scope(|scope| {
        let mut jobs = jobs.into_iter();
        let first = jobs.next();
        for job in jobs {
            let work = &work;
            scope.spawn(move || work(job));
        }
        if let Some(job) = first {
            work(job);
        }
    });
}

/// Sums per-block partials in block order: the one place block results are combined.
pub(crate) fn ordered_sum(partials: &[f64]) -> f64 {
    partials.iter().sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_block_aligned_and_cover_everything() {
        // 20 blocks; all edges on the first node (a hub) and none elsewhere.
        let n = 20 * BLOCK - 7;
        let mut offsets = vec![1_000_000u64; n + 1];
        offsets[0] = 0;
        for parts in 1..5 {
            let p = Partition::balanced(&offsets, parts);
            let ranges: Vec<_> = p.ranges().collect();
            assert_eq!(ranges.first().map(|r| r.start), Some(0));
            assert_eq!(ranges.last().map(|r| r.end), Some(n));
            for w in ranges.windows(2) {
                assert_eq!(w[0].end, w[1].start);
                assert_eq!(w[0].end % BLOCK, 0);
            }
            assert!(ranges.len() <= parts);
        }
    }

    #[test]
    fn tiny_inputs_get_one_part() {
        let p = Partition::balanced(&[0, 1, 2], 8);
        assert_eq!(p.ranges().collect::<Vec<_>>(), vec![0..2]);
        let empty = Partition::balanced(&[0], 8);
        assert_eq!(empty.ranges().collect::<Vec<_>>(), vec![0..0]);
    }
}
