//! The page when one target's rank orders the answer: read from the front of that target's
//! hosts in rank order (kept by its segment), level by level of `intersections_count` when
//! that orders first, instead of ranking every qualifying host.

use linkdex_store::TargetBits;

use super::sets::Qualifying;
use super::words::Words;
use crate::fields::{ResultField, TARGET_METRICS};
use crate::metrics::reported_rank;
use crate::request::RankScale;

/// An order read from one target's hosts in rank order.
pub(super) struct RankPlan {
    /// The target slot whose rank orders the hosts; hosts not in it (a null rank) come after,
    /// by host.
    pub(super) slot: usize,
    pub(super) desc: bool,
    /// Whether `intersections_count` orders first, and descending (under `all` it is the same
    /// for every host, and set aside).
    levels: Option<bool>,
}

/// The plan when the rules are one target's rank, after `intersections_count` or not.
pub(super) fn rank_plan(rules: &[(ResultField, bool)], all: bool) -> Option<RankPlan> {
    let rules: Vec<_> = rules
        .iter()
        .filter(|(f, _)| !(all && *f == ResultField::IntersectionsCount))
        .collect();
    let rank = |metric: usize| TARGET_METRICS[metric].0 == "rank";
    match rules[..] {
        [&(ResultField::Metric { slot, metric }, desc)] if rank(metric) => Some(RankPlan {
            slot,
            desc,
            levels: None,
        }),
        [&(ResultField::IntersectionsCount, by), &(ResultField::Metric { slot, metric }, desc)]
            if rank(metric) =>
        {
            Some(RankPlan {
                slot,
                desc,
                levels: Some(by),
            })
        }
        _ => None,
    }
}

/// The qualifying hosts of one `intersections_count` (all of them when it does not order).
struct Level {
    n: Option<usize>,
    count: u64,
    /// Those in the ordering target.
    in_slot: u64,
}

/// One part of the page: hosts of level `level`, in the ordering target (by rank) or not (by
/// host), `skip` of them passed over, then `take` taken.
struct Step {
    level: usize,
    in_slot: bool,
    skip: u64,
    take: u64,
}

/// The hosts of a word whose count in `planes` is `n`.
fn exactly(planes: &[u64], n: usize) -> u64 {
    planes
        .iter()
        .enumerate()
        .fold(u64::MAX, |acc, (b, &plane)| {
            acc & if n >> b & 1 == 1 { plane } else { !plane }
        })
}

/// How many targets the host of bit `bit` of word `w` is in, from the stored counters.
fn level_of(planes: &[Words], w: usize, bit: u32) -> usize {
    planes
        .iter()
        .enumerate()
        .map(|(b, plane)| ((plane[w] >> bit & 1) as usize) << b)
        .sum()
}

/// The qualifying hosts counted, and the page (`offset`, then up to `bound - offset` hosts)
/// in order with each host's `intersections_count`; `None` when reading the rank order
/// would cost more than ranking every qualifying host (few qualify, or the page is deep).
pub(super) fn page_by_rank(
    plan: &RankPlan,
    bits: &TargetBits,
    scale: RankScale,
    qualifying: &mut Qualifying,
    words: usize,
    (offset, bound): (u64, u64),
) -> Option<(u64, Vec<(u32, usize)>)> {
    let targets = qualifying.targets;
    let (k, threshold) = (targets.len(), qualifying.threshold);
    let ordering = &targets[plan.slot];
    let mut levels: Vec<Level> = match plan.levels {
        Some(_) => (threshold..=k).map(Some).collect(),
        None => vec![None],
    }
    .into_iter()
    .map(|n| Level {
        n,
        count: 0,
        in_slot: 0,
    })
    .collect();
    if plan.levels == Some(true) {
        levels.reverse();
    }
    // Under `partial`: the qualifying hosts in the ordering target and not, and the counters
    // of how many targets each is in, kept for the page. (Under `all` every qualifying host is
    // in the ordering target, and its word is cheaper to compute again than to keep.)
    let partial = threshold < k;
    let mut kept = partial.then(|| (Words::zeroed(words), Words::zeroed(words)));
    let width = match plan.levels {
        Some(_) => usize::BITS as usize - k.leading_zeros() as usize,
        None => 0,
    };
    let mut planes: Vec<Words> = (0..width).map(|_| Words::zeroed(words)).collect();
    let mut counts = vec![0u64; width];
    for w in 0..words {
        let q = match width {
            0 => qualifying.word(w),
            _ => qualifying.word_counting(w, &mut counts),
        };
        if q == 0 {
            continue;
        }
        let slot = ordering.word(w);
        if let Some((inside, outside)) = &mut kept {
            (inside[w], outside[w]) = (q & slot, q & !slot);
        }
        for (plane, &count) in planes.iter_mut().zip(&counts) {
            plane[w] = count;
        }
        for level in &mut levels {
            let m = level.n.map_or(q, |n| q & exactly(&counts, n));
            level.count += u64::from(m.count_ones());
            level.in_slot += u64::from((m & slot).count_ones());
        }
    }
    let total: u64 = levels.iter().map(|l| l.count).sum();
    // The steps, and what they cost (hosts or words read) against ranking every qualifying
    // host.
    let (mut skip, mut need) = (offset, bound.min(total).saturating_sub(offset));
    let (mut steps, mut cost) = (Vec::new(), 0u64);
    for (i, level) in levels.iter().enumerate() {
        for (in_slot, count) in [(true, level.in_slot), (false, level.count - level.in_slot)] {
            if need == 0 {
                break;
            }
            if skip >= count {
                skip -= count;
                continue;
            }
            let take = need.min(count - skip);
            cost += match in_slot {
                true => ((skip + take) as u128 * bits.len() as u128 / count as u128) as u64,
                false => words as u64,
            };
            steps.push(Step {
                level: i,
                in_slot,
                skip,
                take,
            });
            (skip, need) = (0, need - take);
        }
    }
    if cost > total.saturating_mul(8) {
        return None;
    }
    let mut page = Vec::new();
    let level = |host: u32| match plan.levels {
        Some(_) => level_of(&planes, (host / 64) as usize, host % 64),
        None => (0..k)
            .filter(|&t| targets[t].word((host / 64) as usize) >> (host % 64) & 1 == 1)
            .count(),
    };
    for step in steps {
        let n = levels[step.level].n;
        let of_level = |host: u32| n.is_none_or(|n| level(host) == n);
        let wanted = (step.skip + step.take) as usize;
        let hosts = if step.in_slot {
            let (w, bit) = (|h: u32| (h / 64) as usize, |h: u32| h % 64);
            match &kept {
                Some((inside, _)) => walk_by_rank(bits, plan.desc, scale, wanted, |h| {
                    inside[w(h)] >> bit(h) & 1 == 1 && of_level(h)
                }),
                None => walk_by_rank(bits, plan.desc, scale, wanted, |h| {
                    qualifying.word(w(h)) >> bit(h) & 1 == 1
                }),
            }
        } else {
            let mut hosts = Vec::with_capacity(wanted);
            let outside = kept.as_ref().map_or(&[][..], |(_, outside)| &outside[..]);
            for (w, &word) in outside.iter().enumerate() {
                let mut word = word;
                while word != 0 && hosts.len() < wanted {
                    let host = (w * 64) as u32 + word.trailing_zeros();
                    word &= word - 1;
                    if of_level(host) {
                        hosts.push(host);
                    }
                }
            }
            hosts
        };
        page.extend(
            hosts
                .into_iter()
                .skip(step.skip as usize)
                .map(|h| (h, n.unwrap_or_else(|| level(h)))),
        );
    }
    Some((total, page))
}

/// The first `bound` hosts that `qualifies` keeps (there must be as many, or it reads them
/// all), ordered by their pair's rank in `bits`'s target as `scale` reports it (descending
/// when `desc`), then by host.
fn walk_by_rank(
    bits: &TargetBits,
    desc: bool,
    scale: RankScale,
    bound: usize,
    mut qualifies: impl FnMut(u32) -> bool,
) -> Vec<u32> {
    let mut ranks: Vec<u16> = (0..=1000).collect();
    if desc {
        ranks.reverse();
    }
    let (mut out, mut group) = (Vec::new(), Vec::new());
    // Stored ranks that report alike form one group, whose hosts are ordered together.
    for alike in ranks.chunk_by(|a, b| reported_rank(*a, scale) == reported_rank(*b, scale)) {
        if out.len() >= bound {
            break;
        }
        if let [rank] = alike {
            for &host in bits.hosts_of_rank(*rank) {
                if out.len() >= bound {
                    break;
                }
                if qualifies(host) {
                    out.push(host);
                }
            }
            continue;
        }
        group.clear();
        for &rank in alike {
            group.extend(bits.hosts_of_rank(rank).iter().filter(|&&h| qualifies(h)));
        }
        group.sort_unstable();
        out.extend(group.iter().take(bound - out.len()));
    }
    out
}
