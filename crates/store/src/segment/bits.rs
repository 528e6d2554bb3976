//! Bitmaps over host ids of a popular target's pairs, derived from the segment's columns on
//! first use and kept in memory within a budget. A query then reads such a target as words
//! (host count / 64) instead of pairs: at 100M records the most linked targets have millions
//! of referring hosts, and a word holds dozens of them.

use std::collections::HashMap;
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

    /// The bytes of the bits of a target with `pairs` pairs over `hosts` host ids.
    pub(crate) fn bytes_for(hosts: usize, pairs: usize) -> usize {
        3 * hosts.div_ceil(64) * 8 + (pairs + MAX_RANK + 2) * 4
    }
}

/// A target earns bitmaps when its pairs outnumber the words of one bitmap this many times.
pub const BITS_MIN_PAIRS_PER_WORD: usize = 1;

/// The bytes of bitmaps one segment keeps; the least recently used go first.
pub const BITS_BUDGET: usize = 256 << 20;

/// The bitmaps built so far, by target, with when each was last used.
pub(crate) struct BitsCache {
    inner: Mutex<Entries>,
    /// The bytes kept at most.
    budget: usize,
}

impl Default for BitsCache {
    fn default() -> Self {
        BitsCache::with_budget(BITS_BUDGET)
    }
}

#[derive(Default)]
struct Entries {
    map: HashMap<usize, (Arc<TargetBits>, u64)>,
    clock: u64,
    bytes: usize,
}

impl BitsCache {
    fn with_budget(budget: usize) -> BitsCache {
        BitsCache {
            inner: Mutex::default(),
            budget,
        }
    }

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
        while e.bytes + bits.bytes() > self.budget && !e.map.is_empty() {
            let oldest = e
                .map
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(t, _)| *t);
            if let Some((old, _)) = oldest.and_then(|t| e.map.remove(&t)) {
                e.bytes -= old.bytes();
            }
        }
        if e.bytes + bits.bytes() <= self.budget {
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
pub(crate) fn earns_bits(pairs: usize, hosts: usize) -> bool {
    pairs >= BITS_MIN_PAIRS_PER_WORD * hosts.div_ceil(64).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hot(rank: u16, live: bool, internal: bool) -> Hot {
        Hot::new(rank, live, false, internal)
    }

    #[test]
    fn bits_and_rank_order_follow_the_pairs() {
        let pairs = [
            (3, hot(10, true, false)),
            (64, hot(500, false, true)),
            (70, hot(10, true, true)),
            (129, hot(1000, true, false)),
        ];
        let bits = TargetBits::build(130, || pairs.iter().copied()).expect("well-formed pairs");
        assert_eq!(bits.all, vec![1 << 3, 1 << 0 | 1 << 6, 1 << 1]);
        assert_eq!(bits.live, vec![1 << 3, 1 << 6, 1 << 1]);
        assert_eq!(bits.internal, vec![0, 1 << 0 | 1 << 6, 0]);
        assert_eq!(bits.hosts_of_rank(1000), &[129]);
        assert_eq!(bits.hosts_of_rank(500), &[64]);
        assert_eq!(
            bits.hosts_of_rank(10),
            &[3, 70],
            "a rank's hosts in host order"
        );
        assert!(bits.hosts_of_rank(11).is_empty() && bits.hosts_of_rank(1001).is_empty());
        assert_eq!(bits.len(), 4);
        assert_eq!(bits.bytes(), TargetBits::bytes_for(130, 4));
    }

    #[test]
    fn damaged_pairs_build_nothing() {
        let build = |pairs: &[(u32, Hot)]| TargetBits::build(100, || pairs.iter().copied());
        assert!(build(&[(5, hot(1, true, false)), (5, hot(1, true, false))]).is_none());
        assert!(build(&[(7, hot(1, true, false)), (6, hot(1, true, false))]).is_none());
        assert!(
            build(&[(100, hot(1, true, false))]).is_none(),
            "host past the table"
        );
        assert!(
            build(&[(1, hot(1001, true, false))]).is_none(),
            "rank past 1000"
        );
    }

    #[test]
    fn the_cache_keeps_its_budget_dropping_the_least_recently_used() {
        let one = |n: usize| {
            let pairs: Vec<(u32, Hot)> = (0..n as u32).map(|h| (h, hot(1, true, false))).collect();
            move || TargetBits::build(640, || pairs.clone().into_iter())
        };
        let size = one(10)().map(|b| b.bytes()).unwrap_or(0);
        let cache = BitsCache::with_budget(2 * size);
        let built = std::cell::Cell::new(0);
        let get = |t: usize| {
            cache.get(t, || {
                built.set(built.get() + 1);
                one(10)()
            })
        };
        assert!(get(1).is_some() && get(2).is_some());
        assert_eq!(built.get(), 2);
        get(1);
        assert_eq!(built.get(), 2, "kept bits are not built again");
        get(3);
        assert_eq!(built.get(), 3);
        get(1);
        assert_eq!(built.get(), 3, "the most recently used stayed");
        get(2);
        assert_eq!(
            built.get(),
            4,
            "the least recently used was dropped for the third"
        );
        let e = cache.inner.lock().unwrap_or_else(|p| p.into_inner());
        assert!(e.bytes <= 2 * size && e.map.len() == 2);
    }
}
