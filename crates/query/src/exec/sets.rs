//! Host sets as bits over host ids: the hosts feeding each pattern, the qualifying ones word
//! by word, and a popular target's hosts walked in rank order.

use std::ops::Range;
use std::sync::Arc;

use linkdex_store::{Snapshot, TargetBits};

use super::hosts::gallop;
use super::words::Words;
use super::{Feed, Src};

/// Bits over host ids: built by this query, or a popular target's, kept by its segment.
pub(super) enum Bits {
    Own(Words),
    Kept(Arc<TargetBits>),
}

impl Bits {
    /// Word `w` of the hosts with a pair (a [`SetSource::Run`]'s `all`).
    #[inline]
    fn pairs_word(&self, w: usize) -> u64 {
        match self {
            Bits::Own(words) => words[w],
            Bits::Kept(bits) => bits.all[w],
        }
    }
}

/// The hosts feeding one pattern as bits over host ids, and where each feeds from. Only pairs
/// whose records must be read are judged one by one; the sources of the others are not stored
/// but found by counting bits.
pub(super) struct FeedSet {
    /// The feeding hosts: a pattern's own bits, or a kept target's live hosts (less its
    /// internal ones when `less_internal`).
    pub(super) feeds: Bits,
    pub(super) less_internal: bool,
    pub(super) source: SetSource,
}

pub(super) enum SetSource {
    /// One target host's `pairs` in segment `seg`: a host's pair is the first plus the hosts in
    /// `all` (every pair's host) before it, unless its records were read (`owned`, by host).
    Run {
        seg: u32,
        pairs: Range<usize>,
        all: Bits,
        owned: Vec<(u32, Src)>,
    },
    /// The feeding hosts and their sources, in host order.
    Listed(Vec<Feed>),
}

/// The bits of a [`FeedSet`]'s words before the current one, counted as a walk goes.
#[derive(Clone, Copy, Default)]
pub(super) struct Ranks {
    feeds: u32,
    all: u32,
}

/// Sets `host`'s bit in `words` when `on`, without a branch.
#[inline]
pub(super) fn put(words: &mut [u64], host: u32, on: bool) {
    words[(host / 64) as usize] |= u64::from(on) << (host % 64);
}

impl FeedSet {
    /// Word `w` of the feeding hosts.
    #[inline]
    pub(super) fn word(&self, w: usize) -> u64 {
        match &self.feeds {
            Bits::Own(words) => words[w],
            Bits::Kept(bits) => {
                bits.live[w] & !(bits.internal[w] & u64::from(self.less_internal).wrapping_neg())
            }
        }
    }

    /// Where the host of bit `bit` of word `w` feeds from, if it does; `before` counts the
    /// bits of the words before `w`.
    #[inline]
    pub(super) fn src(&self, w: usize, bit: u32, before: Ranks) -> Option<Src> {
        let word = self.word(w);
        if word >> bit & 1 == 0 {
            return None;
        }
        let below = (1u64 << bit) - 1;
        Some(match &self.source {
            SetSource::Run {
                seg,
                pairs,
                all,
                owned,
            } => {
                let host = (w * 64) as u32 + bit;
                match owned.binary_search_by_key(&host, |o| o.0).ok() {
                    Some(i) => owned[i].1,
                    None => {
                        let all = all.pairs_word(w);
                        let p = pairs.start + (before.all + (all & below).count_ones()) as usize;
                        Src::Pair {
                            seg: *seg,
                            p: p as u32,
                        }
                    }
                }
            }
            SetSource::Listed(feeds) => {
                feeds[(before.feeds + (word & below).count_ones()) as usize].src
            }
        })
    }

    /// `before` moved past word `w`.
    #[inline]
    pub(super) fn advance(&self, w: usize, before: &mut Ranks) {
        match &self.source {
            SetSource::Run { all, .. } => before.all += all.pairs_word(w).count_ones(),
            SetSource::Listed(_) => before.feeds += self.word(w).count_ones(),
        }
    }

    /// Where `host` feeds from, if it does, found without a walk.
    pub(super) fn src_of(&self, snap: &Snapshot, host: u32) -> Option<Src> {
        if self.word((host / 64) as usize) >> (host % 64) & 1 == 0 {
            return None;
        }
        match &self.source {
            SetSource::Run {
                seg, pairs, owned, ..
            } => {
                if let Ok(i) = owned.binary_search_by_key(&host, |o| o.0) {
                    return Some(owned[i].1);
                }
                let reader = &snap.segments[*seg as usize];
                let p = gallop(pairs.start, pairs.end, |p| reader.pair_from(p) < host);
                Some(Src::Pair {
                    seg: *seg,
                    p: p as u32,
                })
            }
            SetSource::Listed(feeds) => feeds
                .binary_search_by_key(&host, |f| f.host)
                .ok()
                .map(|i| feeds[i].src),
        }
    }

    /// Moves the indices of sources built from records up by `offset` (their aggregates were
    /// taken into another query's).
    pub(super) fn shift_owned(&mut self, offset: u32) {
        let shift = |src: &mut Src| {
            if let Src::Owned(i) = src {
                *i += offset;
            }
        };
        match &mut self.source {
            SetSource::Run { owned, .. } => owned.iter_mut().for_each(|(_, src)| shift(src)),
            SetSource::Listed(feeds) => feeds.iter_mut().for_each(|f| shift(&mut f.src)),
        }
    }

    /// The segment's kept bitmaps this set reads, if it does.
    pub(super) fn kept(&self) -> Option<&TargetBits> {
        match &self.feeds {
            Bits::Kept(bits) => Some(bits),
            Bits::Own(_) => None,
        }
    }
}

/// The qualifying hosts, a word at a time: under `all`, those in every target's set; under
/// `partial`, in at least `threshold` (counted by bit-sliced addition); none in an excluded
/// target's.
pub(super) struct Qualifying<'a> {
    pub(super) targets: &'a [FeedSet],
    pub(super) excludes: &'a [FeedSet],
    pub(super) threshold: usize,
    /// `at_least[i]`: hosts of the word in at least i + 1 of the sets so far.
    pub(super) at_least: Vec<u64>,
}

impl Qualifying<'_> {
    pub(super) fn word(&mut self, w: usize) -> u64 {
        if self.threshold < self.targets.len() {
            return self.word_counting(w, &mut []);
        }
        let word = self
            .targets
            .iter()
            .fold(u64::MAX, |acc, set| acc & set.word(w));
        self.less_excluded(word, w)
    }

    /// [`Qualifying::word`], also counting for each host of the word how many targets it is
    /// in, as bit-sliced counters (`planes[b]` holds bit `b` of each count; empty: not counted).
    pub(super) fn word_counting(&mut self, w: usize, planes: &mut [u64]) -> u64 {
        let all = self.threshold == self.targets.len();
        let mut word = u64::MAX;
        self.at_least.fill(0);
        planes.fill(0);
        for set in self.targets {
            let x = set.word(w);
            if all {
                word &= x;
            } else {
                for i in (1..self.threshold).rev() {
                    self.at_least[i] |= self.at_least[i - 1] & x;
                }
                self.at_least[0] |= x;
            }
            let mut carry = x;
            for plane in planes.iter_mut() {
                (*plane, carry) = (*plane ^ carry, *plane & carry);
            }
        }
        if !all {
            word = self.at_least[self.threshold - 1];
        }
        self.less_excluded(word, w)
    }

    /// `word` (word `w`'s) without the hosts feeding an excluded target.
    #[inline]
    fn less_excluded(&self, word: u64, w: usize) -> u64 {
        match word {
            0 => 0,
            _ => self
                .excludes
                .iter()
                .fold(word, |acc, set| acc & !set.word(w)),
        }
    }
}

/// A qualifying host while the sets are walked: bit `bit` of word `w`, with the target sets
/// and the bits of their words before `w`. Its sources are found only when read.
pub(super) struct At<'a> {
    pub(super) w: usize,
    pub(super) bit: u32,
    pub(super) targets: &'a [FeedSet],
    pub(super) before: &'a [Ranks],
}

impl At<'_> {
    pub(super) fn id(&self) -> u32 {
        (self.w * 64) as u32 + self.bit
    }

    /// Where the host feeds target slot `slot` from, if it does.
    #[inline]
    pub(super) fn src(&self, slot: usize) -> Option<Src> {
        self.targets[slot].src(self.w, self.bit, self.before[slot])
    }
}
