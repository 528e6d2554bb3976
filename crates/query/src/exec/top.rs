//! Filtering, counting and ordering the qualifying hosts, keeping only the first page's
//! worth.

use std::cmp::Ordering;

use linkdex_store::{StoreError, WarmStats};

use super::sets::At;
use super::{needs_stats, Hosts, Query, Src};
use crate::fields::{FieldValue, ResultField, TARGET_METRICS};
use crate::metrics::{reported_rank, stats_value};
use crate::request::{RankScale, Request};

/// A kept candidate while the first `offset + limit` are selected.
#[derive(Clone)]
pub(super) struct Ranked<'s> {
    /// The sort key packed with the host id, when every rule packs ([`packable`]); else 0.
    packed: u128,
    /// The sort key's values when it does not pack; else empty.
    values: Box<[FieldValue<'s>]>,
    pub(super) id: u32,
    pub(super) intersections: usize,
    /// Where its target slots start in [`Top::slots`].
    slot: usize,
}

/// Filters candidates, counts the kept ones, and keeps the first `offset + limit` in order:
/// a buffer of at most twice that many, cut back to it by selection when full, so a walk over
/// millions of candidates keeps a page's worth.
pub(super) struct Top<'r, 's> {
    req: &'r Request,
    rules: &'r [(ResultField, bool)],
    hosts: &'r Hosts<'s>,
    packed: bool,
    /// Target slots per candidate.
    k: usize,
    /// `offset + limit`.
    pub(super) bound: usize,
    total: u64,
    kept: Vec<Ranked<'s>>,
    /// The kept candidates' target slots, `k` each.
    arena: Vec<Option<Src>>,
    /// The last kept candidate after a cut: later ones ordered after it cannot be on the page.
    worst: Option<Ranked<'s>>,
    /// The reported rank of each stored rank (0–1000), in the request's scale.
    scaled: Vec<u16>,
    warm: Vec<Option<WarmStats>>,
    /// The slots whose scalar aggregates filters or the order read.
    warm_slots: Vec<bool>,
}

impl<'r, 's> Top<'r, 's> {
    pub(super) fn new(
        req: &'r Request,
        rules: &'r [(ResultField, bool)],
        hosts: &'r Hosts<'s>,
        warm_slots: Vec<bool>,
    ) -> Self {
        Top {
            req,
            rules,
            hosts,
            packed: rules.iter().all(|&(f, _)| packable(f)),
            k: req.targets.len(),
            bound: usize::try_from(req.offset.saturating_add(req.limit)).unwrap_or(usize::MAX),
            total: 0,
            kept: Vec::new(),
            arena: Vec::new(),
            worst: None,
            scaled: (0..=1000)
                .map(|r| reported_rank(r, req.rank_scale))
                .collect(),
            warm: Vec::new(),
            warm_slots,
        }
    }

    /// Order by the rules, nulls last, then by host id (ids order like host bytes).
    #[inline]
    fn order(&self, a: &Ranked, b: &Ranked) -> Ordering {
        if self.packed {
            return a.packed.cmp(&b.packed);
        }
        a.packed
            .cmp(&b.packed)
            .then_with(|| compare(&a.values, &b.values, self.rules))
            .then(a.id.cmp(&b.id))
    }

    /// Considers the host `at` feeding `intersections` targets.
    pub(super) fn offer(
        &mut self,
        q: &Query<'s>,
        intersections: usize,
        at: &At,
    ) -> Result<(), StoreError> {
        let (req, id) = (self.req, at.id());
        self.warm.clear();
        if q.scalars {
            for (slot, &read) in self.warm_slots.iter().enumerate() {
                let src = if read { at.src(slot) } else { None };
                self.warm.push(src.map(|s| q.warm(s)).transpose()?);
            }
        }
        let cand = Candidate {
            q,
            hosts: self.hosts,
            scale: (req.rank_scale, &self.scaled),
            id,
            intersections,
            at,
            warm: &self.warm,
        };
        if !req
            .filters
            .as_ref()
            .is_none_or(|f| f.eval(&|field| cand.value(field)))
        {
            return Ok(());
        }
        self.total += 1;
        if self.bound == 0 {
            return Ok(());
        }
        let mut ranked = Ranked {
            packed: 0,
            values: Box::default(),
            id,
            intersections,
            slot: self.arena.len(),
        };
        if self.packed {
            let key = self.rules.iter().fold(0u128, |key, &(f, desc)| {
                key << 11 | u128::from(packed_code(cand.value(f), desc))
            });
            ranked.packed = key << 32 | u128::from(id);
        } else {
            ranked.values = self.rules.iter().map(|&(f, _)| cand.value(f)).collect();
        }
        if let Some(worst) = &self.worst {
            if self.order(&ranked, worst) == Ordering::Greater {
                return Ok(());
            }
        }
        self.arena.extend((0..self.k).map(|slot| at.src(slot)));
        self.kept.push(ranked);
        if self.kept.len() >= self.bound.saturating_mul(2) {
            self.cut();
        }
        Ok(())
    }

    /// Keeps the first `bound` candidates in order.
    fn cut(&mut self) {
        let mut kept = std::mem::take(&mut self.kept);
        if kept.len() > self.bound {
            kept.select_nth_unstable_by(self.bound - 1, |a, b| self.order(a, b));
            kept.truncate(self.bound);
            self.worst = kept.iter().max_by(|a, b| self.order(a, b)).cloned();
        }
        let k = self.k;
        let mut arena = Vec::with_capacity(kept.len() * k);
        for ranked in &mut kept {
            arena.extend_from_slice(&self.arena[ranked.slot..ranked.slot + k]);
            ranked.slot = arena.len() - k;
        }
        (self.kept, self.arena) = (kept, arena);
    }

    /// A host placed by the caller's order: `intersections` targets fed from `slots`.
    pub(super) fn row(
        &mut self,
        id: u32,
        intersections: usize,
        slots: impl Iterator<Item = Option<Src>>,
    ) -> Ranked<'s> {
        let slot = self.arena.len();
        self.arena.extend(slots);
        Ranked {
            packed: 0,
            values: Box::default(),
            id,
            intersections,
            slot,
        }
    }

    /// The number of kept candidates, and the page (`offset..offset + limit`) in order.
    pub(super) fn finish(&mut self) -> (u64, Vec<Ranked<'s>>) {
        let mut kept = std::mem::take(&mut self.kept);
        kept.sort_unstable_by(|a, b| self.order(a, b));
        let start = usize::try_from(self.req.offset).unwrap_or(usize::MAX);
        let page = kept
            .into_iter()
            .skip(start)
            .take(self.bound - start.min(self.bound));
        (self.total, page.collect())
    }

    /// A ranked candidate's target slots.
    pub(super) fn slots(&self, ranked: &Ranked) -> &[Option<Src>] {
        &self.arena[ranked.slot..ranked.slot + self.k]
    }
}

/// Whether `field`'s values are small integers or null (the rank scales and
/// `intersections_count` stay ≤ 1000), so a sort key packs into 11 bits.
pub(super) fn packable(field: ResultField) -> bool {
    match field {
        ResultField::IntersectionsCount => true,
        ResultField::Metric { metric, .. } => TARGET_METRICS[metric].0 == "rank",
    }
}

/// The 11-bit code of a packable value whose ascending order is the rule's order, nulls last.
pub(super) fn packed_code(v: FieldValue, desc: bool) -> u16 {
    match v {
        FieldValue::Num(n) if desc => 1024 - n as u16,
        FieldValue::Num(n) => n as u16,
        _ => 2047,
    }
}

/// One qualifying referring host while the answer is filtered and sorted.
pub(super) struct Candidate<'a, 's> {
    pub(super) q: &'a Query<'s>,
    pub(super) hosts: &'a Hosts<'s>,
    /// The request's rank scale, and the reported rank of each stored rank in it.
    pub(super) scale: (RankScale, &'a [u16]),
    pub(super) id: u32,
    pub(super) intersections: usize,
    pub(super) at: &'a At<'a>,
    /// The slots' scalar aggregates, when a filter or sort reads them (else empty).
    pub(super) warm: &'a [Option<WarmStats>],
}

impl<'s> Candidate<'_, 's> {
    /// The reported rank of `src`.
    pub(super) fn rank(&self, src: Src) -> u16 {
        let (scale, scaled) = self.scale;
        let stored = self.q.rank(src);
        scaled
            .get(usize::from(stored))
            .copied()
            .unwrap_or_else(|| reported_rank(stored, scale))
    }

    pub(super) fn value(&self, field: ResultField) -> FieldValue<'s> {
        match field {
            ResultField::IntersectionsCount => FieldValue::Num(self.intersections as f64),
            ResultField::Metric { slot, metric } => metric_value(
                self.at.src(slot),
                metric,
                |src| self.rank(src),
                || self.hosts.name(self.id),
                self.warm.get(slot).and_then(Option::as_ref),
            ),
        }
    }
}

/// Target metric `metric` of a host fed from `src` (`None`: not fed), from its reported rank,
/// its name, and for the other metrics its scalar aggregates.
fn metric_value<'s>(
    src: Option<Src>,
    metric: usize,
    rank: impl Fn(Src) -> u16,
    host: impl FnOnce() -> &'s str,
    warm: Option<&WarmStats>,
) -> FieldValue<'s> {
    match src {
        None => FieldValue::Null,
        Some(src) if TARGET_METRICS[metric].0 == "rank" => FieldValue::Num(f64::from(rank(src))),
        Some(_) if TARGET_METRICS[metric].0 == "target" => FieldValue::Str(host()),
        Some(src) => warm.map_or(FieldValue::Null, |w| stats_value(w, rank(src), metric)),
    }
}

/// The sort key of a row ranked elsewhere (`host` feeding `intersections` targets from
/// `slots`), to merge pages ranked apart: compare keys with [`compare`], then hosts' bytes.
pub(super) fn row_values<'s>(
    q: &Query<'s>,
    req: &Request,
    rules: &[(ResultField, bool)],
    (host, intersections, slots): (&'s str, usize, &[Option<Src>]),
) -> Result<Vec<FieldValue<'s>>, StoreError> {
    let rank = |src| reported_rank(q.rank(src), req.rank_scale);
    let value = |&(field, _): &(ResultField, bool)| match field {
        ResultField::IntersectionsCount => Ok(FieldValue::Num(intersections as f64)),
        ResultField::Metric { slot, metric } => {
            let warm = match slots[slot] {
                Some(src) if needs_stats(field) => Some(q.warm(src)?),
                _ => None,
            };
            Ok(metric_value(
                slots[slot],
                metric,
                rank,
                || host,
                warm.as_ref(),
            ))
        }
    };
    rules.iter().map(value).collect()
}

/// Order by the rules (nulls and missing targets last in both directions).
pub(super) fn compare(
    a: &[FieldValue],
    b: &[FieldValue],
    rules: &[(ResultField, bool)],
) -> Ordering {
    for (i, &(_, desc)) in rules.iter().enumerate() {
        let ord = match (a[i], b[i]) {
            (FieldValue::Null, FieldValue::Null) => Ordering::Equal,
            (FieldValue::Null, _) => Ordering::Greater,
            (_, FieldValue::Null) => Ordering::Less,
            (x, y) => {
                let o = cmp_values(x, y);
                if desc {
                    o.reverse()
                } else {
                    o
                }
            }
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

pub(super) fn cmp_values(x: FieldValue, y: FieldValue) -> Ordering {
    match (x, y) {
        (FieldValue::Num(a), FieldValue::Num(b)) => a.total_cmp(&b),
        (FieldValue::Time(a), FieldValue::Time(b)) => a.cmp(&b),
        (FieldValue::Str(a), FieldValue::Str(b)) => a.as_bytes().cmp(b.as_bytes()),
        (FieldValue::Bool(a), FieldValue::Bool(b)) => a.cmp(&b),
        _ => Ordering::Equal,
    }
}
