//! Bitmaps over host ids of a popular target's pairs, derived from the segment's columns on
//! first use and kept in memory within a budget. A query then reads such a target as words
//! (host count / 64) instead of pairs: at 100M records the most linked targets have millions
//! of referring hosts, and a word holds dozens of them.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use super::format::Hot;

/// One target's pairs as bits over the segment's host ids.
pub struct TargetBits {
    /// Hosts with a pair: pair `p` of the target is its first pair plus the bits before its
    /// host's.
    pub all: Vec<u64>,
    /// Hosts whose pair has live records.
    pub live: Vec<u64>,
    /// Hosts whose pair's hot `internal` bit is set.
    pub internal: Vec<u64>,
    /// The hosts ordered by their pair's rank, highest first, then by host: a query ordered by
    /// this target's rank finds its first page at the front.
    by_rank: Vec<u32>,
    /// Where the hosts of rank `r` start in `by_rank`: at `rank_starts[MAX_RANK - r]`.
    rank_starts: Vec<u32>,
}

/// The highest stored rank (contract §9: ranks are 0–1000).
const MAX_RANK: usize = 1000;

impl TargetBits {
    /// Bits of a target's pairs, read twice as (host, hot) in host order, or `None` when a host is
    /// out of range or out of order, or a rank past 1000 (a damaged column: `verify` names it;
    /// readers of the columns report it).
    pub(crate) fn build<I: Iterator<Item = (u32, Hot)>>(
        hosts: usize,
        pairs: impl Fn() -> I,
    ) -> Option<Self> {
        let words = hosts.div_ceil(64);
        // A counting sort by rank keeps each rank's hosts in host order.
        let mut rank_starts = vec![0u32; MAX_RANK + 2];
        for (_, hot) in pairs() {
            let r = usize::from(hot.rank());
            *rank_starts.get_mut(MAX_RANK.checked_sub(r)? + 1)? += 1;
        }
        for i in 1..rank_starts.len() {
            rank_starts[i] += rank_starts[i - 1];
        }
        let mut by_rank = vec![0u32; rank_starts[MAX_RANK + 1] as usize];
        let mut at = rank_starts.clone();
        let mut bits = TargetBits {
            all: vec![0; words],
            live: vec![0; words],
            internal: vec![0; words],
            by_rank: Vec::new(),
            rank_starts: Vec::new(),
        };
        let mut next = 0u64;
        for (host, hot) in pairs() {
            if u64::from(host) < next || host as usize >= hosts {
                return None;
            }
            let slot = &mut at[MAX_RANK - usize::from(hot.rank())];
            by_rank[*slot as usize] = host;
            *slot += 1;
            next = u64::from(host) + 1;
            let (w, b) = ((host / 64) as usize, host % 64);
            bits.all[w] |= 1 << b;
            bits.live[w] |= u64::from(hot.live()) << b;
            bits.internal[w] |= u64::from(hot.internal()) << b;
        }
        (bits.by_rank, bits.rank_starts) = (by_rank, rank_starts);
        Some(bits)
    }

    /// The target's pairs.
    pub fn len(&self) -> usize {
        self.by_rank.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_rank.is_empty()
    }

    /// The hosts whose pair has stored rank `rank`, in host order (none past 1000).
    pub fn hosts_of_rank(&self, rank: u16) -> &[u32] {
        let Some(i) = MAX_RANK.checked_sub(usize::from(rank)) else {
            return &[];
        };
        &self.by_rank[self.rank_starts[i] as usize..self.rank_starts[i + 1] as usize]
    }

    fn bytes(&self) -> usize {
        (self.all.len() + self.live.len() + self.internal.len()) * 8
            + (self.by_rank.len() + self.rank_starts.len()) * 4
    }
}

/// A target earns bitmaps when its pairs outnumber the words of one bitmap this many times.
pub const BITS_MIN_PAIRS_PER_WORD: usize = 1;

/// The bytes of bitmaps one segment keeps; the least recently used go first.
pub const BITS_BUDGET: usize = 256 << 20;

/// The bitmaps built so far, by target, with when each was last used.
#[derive(Default)]
pub(crate) struct BitsCache {
    inner: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    map: HashMap<usize, (Arc<TargetBits>, u64)>,
    clock: u64,
    bytes: usize,
}

impl BitsCache {
    /// Target `t`'s bitmaps, built by `build` unless kept.
    pub(crate) fn get(
        &self,
        t: usize,
        build: impl FnOnce() -> Option<TargetBits>,
    ) -> Option<Arc<TargetBits>> {
        if let Some(bits) = self.touch(t) {
            return Some(bits);
        }
        // Built outside the lock: another query may build the same bits meanwhile; the first
        // kept wins.
        let bits = Arc::new(build()?);
        let mut e = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((kept, _)) = e.map.get(&t) {
            return Some(kept.clone());
        }
        while e.bytes + bits.bytes() > BITS_BUDGET && !e.map.is_empty() {
            let oldest = e
                .map
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(t, _)| *t);
            if let Some((old, _)) = oldest.and_then(|t| e.map.remove(&t)) {
                e.bytes -= old.bytes();
            }
        }
        if e.bytes + bits.bytes() <= BITS_BUDGET {
            e.clock += 1;
            let clock = e.clock;
            e.bytes += bits.bytes();
            e.map.insert(t, (bits.clone(), clock));
        }
        Some(bits)
    }

    fn touch(&self, t: usize) -> Option<Arc<TargetBits>> {
        let mut e = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        e.clock += 1;
        let clock = e.clock;
        let (bits, used) = e.map.get_mut(&t)?;
        *used = clock;
        Some(bits.clone())
    }
}

/// Whether a target with these pairs earns bitmaps over `hosts` host ids.
pub(crate) fn earns_bits(pairs: &Range<usize>, hosts: usize) -> bool {
    pairs.len() >= BITS_MIN_PAIRS_PER_WORD * hosts.div_ceil(64).max(1)
}
