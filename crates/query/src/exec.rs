//! The executor over an index snapshot: which records feed each target (§4), which referring
//! hosts qualify (§5), their metrics (§8), filters, order and paging (§6–7).

use std::cmp::Ordering;
use std::collections::{HashMap, VecDeque};
use std::ops::Range;

use linkdex_model::{exact_glob_host, registrable_domain, Pattern, Record, RecordRef};
use linkdex_store::{
    host_order_key, rank_mass, scale, PairStats, RawBlock, SegmentReader, Snapshot, StatsBuilder,
    StatsFrame, StoreError, WarmStats,
};

use crate::fields::{record_value, FieldValue, ResultField, TARGET_METRICS};
use crate::metrics::{reported_rank, stats_value, Metrics};
use crate::request::{Request, StatusType};

/// One returned referring host with its full metrics per target slot.
pub struct Row {
    pub intersections: usize,
    pub metrics: Vec<Option<Metrics>>,
}

/// The whole answer before rendering: the page of rows and the total.
pub struct Answer {
    pub total_count: u64,
    pub rows: Vec<Row>,
}

/// Decompressed blocks, shared within one query.
pub(crate) struct Blocks<'a> {
    pub snap: &'a Snapshot,
    /// The most recently read blocks, by (segment, block), oldest first in `order`.
    cache: HashMap<(usize, usize), Cached>,
    order: VecDeque<(usize, usize)>,
    /// The buffer of the last block evicted, reused for the next one.
    spare: Vec<u8>,
}

/// A block and where reading it stopped: records are read one after the other, and pairs are
/// visited in record order, so each record is decoded once.
struct Cached {
    block: RawBlock,
    /// The next record and where it starts.
    next: usize,
    at: usize,
}

/// Blocks one query keeps (256 records each). Pairs are read in record order, so a handful
/// suffice; the bound keeps a query's memory flat however many records it reads.
const BLOCK_CACHE: usize = 64;

impl<'a> Blocks<'a> {
    pub(crate) fn new(snap: &'a Snapshot) -> Blocks<'a> {
        Blocks {
            snap,
            cache: HashMap::new(),
            order: VecDeque::new(),
            spare: Vec::new(),
        }
    }

    /// Calls `f` on records `start..start + count` of segment `seg`, in order, read in place.
    pub(crate) fn visit(
        &mut self,
        seg: usize,
        start: u64,
        count: u32,
        mut f: impl FnMut(&RecordRef<'_>),
    ) -> Result<(), StoreError> {
        let reader = &self.snap.segments[seg];
        let corrupt = |what: &str| StoreError::Corruption {
            path: reader.path().into(),
            offset: 0,
            what: what.into(),
        };
        let mut index = start;
        let end = start + u64::from(count);
        while index < end {
            let b = reader.block_of(index);
            if !self.cache.contains_key(&(seg, b)) {
                if self.order.len() == BLOCK_CACHE {
                    if let Some(old) = self.order.pop_front().and_then(|k| self.cache.remove(&k)) {
                        self.spare = old.block.into_buffer();
                    }
                }
                let block = reader.raw_block(b, std::mem::take(&mut self.spare))?;
                let at = block.first();
                self.cache.insert((seg, b), Cached { block, next: 0, at });
                self.order.push_back((seg, b));
            }
            let Some(cached) = self.cache.get_mut(&(seg, b)) else {
                return Err(corrupt("block not cached"));
            };
            let first = reader.block_first_record(b).unwrap_or(u64::MAX);
            if first > index {
                return Err(corrupt("record outside every block"));
            }
            let from = (index - first) as usize;
            let take = ((end - index) as usize).min(cached.block.len().saturating_sub(from));
            if take == 0 {
                return Err(corrupt("record run past its block"));
            }
            if cached.next > from {
                (cached.next, cached.at) = (0, cached.block.first());
            }
            while cached.next < from + take {
                let (r, next_at) = cached
                    .block
                    .read(cached.at)
                    .ok_or_else(|| corrupt("record does not decode"))?;
                if cached.next >= from {
                    f(&r);
                }
                (cached.next, cached.at) = (cached.next + 1, next_at);
            }
            index += take as u64;
        }
        Ok(())
    }
}

/// Target hosts of segment `seg` that can hold records matching `pattern`.
fn candidate_targets(
    snap: &Snapshot,
    seg: usize,
    pattern: &Pattern,
    include_subdomains: bool,
) -> Vec<usize> {
    let reader = &snap.segments[seg];
    let mut out: Vec<usize> = Vec::new();
    match pattern {
        Pattern::Domain(p) => {
            out.extend(reader.target(p));
            if include_subdomains {
                out.extend(reader.targets_with_key_prefix(&format!("{}.", host_order_key(p))));
            } else {
                out.extend(reader.target(&format!("www.{p}")));
            }
        }
        Pattern::Page { host, .. } => out.extend(reader.target(host)),
        Pattern::Wildcard { glob, .. } => match exact_glob_host(glob) {
            Some(host) => out.extend(reader.target(host)),
            None => out.extend(0..reader.target_count()),
        },
    }
    out
}

/// Where one referring host's aggregates for one target come from: a pair's stored live
/// aggregates (`seg`, pair `p`), or aggregates built from records (`Query::owned[i]`).
#[derive(Debug, Clone, Copy)]
enum Src {
    Pair { seg: u32, p: u32 },
    Owned(u32),
}

/// One referring host feeding a pattern: its host id and its aggregates.
#[derive(Debug, Clone, Copy)]
struct Feed {
    host: u32,
    src: Src,
}

/// Referring hosts as ids that order like the hosts' bytes: a single segment's own host ids,
/// or, over several segments, positions in the sorted union of the hosts a query touches.
struct Hosts<'s> {
    snap: &'s Snapshot,
    union: Option<Vec<&'s str>>,
}

impl<'s> Hosts<'s> {
    /// Rule 4: whether host `id` has the registrable domain `own`. Only `own` itself or a
    /// subdomain can, so a byte suffix test comes before the PSL lookup.
    fn same_site(&self, id: u32, own: &str) -> bool {
        let bytes = match &self.union {
            Some(names) => names[id as usize].as_bytes(),
            None => self.snap.segments[0].from_host_bytes(id),
        };
        let candidate = bytes
            .strip_suffix(own.as_bytes())
            .is_some_and(|head| head.is_empty() || head.ends_with(b"."));
        candidate && registrable_domain(self.name(id)) == own
    }

    fn name(&self, id: u32) -> &'s str {
        match &self.union {
            Some(names) => names[id as usize],
            None => self.snap.segments[0].from_host(id),
        }
    }

    /// `id`, or a corruption error when the segment's column holds an id past its host table.
    fn checked(&self, id: u32) -> Result<u32, StoreError> {
        if (id as usize) < self.len() {
            return Ok(id);
        }
        let path = self.snap.segments[0].path();
        Err(StoreError::corrupt(
            path,
            0,
            format!("referring host id {id} out of range"),
        ))
    }

    fn len(&self) -> usize {
        match &self.union {
            Some(names) => names.len(),
            None => self.snap.segments.first().map_or(0, |s| s.host_count()),
        }
    }

    fn id(&self, seg: usize, p: usize) -> u32 {
        let reader = &self.snap.segments[seg];
        match &self.union {
            Some(names) => names
                .binary_search(&reader.from_host(reader.pair_from(p)))
                .unwrap_or_default() as u32,
            None => reader.pair_from(p),
        }
    }
}

/// The pairs of one target host a pattern may read: (segment, pair range, whether the pairs'
/// hot `internal` bit answers rule 4 for this pattern, i.e. the target host has the pattern's
/// registrable domain).
type PatternRun = (usize, Range<usize>, bool);

/// A pair as the general path groups them: (host id, segment, pair, the run's `exact`).
type Keyed = (u32, usize, usize, bool);

/// The pairs of every target host, in every segment (oldest first), that can hold records
/// matching `pattern`.
fn pattern_runs(snap: &Snapshot, pattern: &Pattern, req: &Request) -> Vec<PatternRun> {
    let own = registrable_domain(pattern.host());
    let mut out = Vec::new();
    for (seg, reader) in snap.segments.iter().enumerate() {
        for t in candidate_targets(snap, seg, pattern, req.include_subdomains) {
            let exact = registrable_domain(&reader.target_host(t)) == own;
            out.push((seg, reader.pair_range(t), exact));
        }
    }
    out
}

/// Whether a pair's stored live aggregates answer this pattern and request exactly: the default
/// record selection (live, no backlinks_filters) on a domain pattern, where every record of a
/// matched target host matches rule 1.
fn stats_answer(pattern: &Pattern, req: &Request) -> bool {
    matches!(pattern, Pattern::Domain(_))
        && req.status == StatusType::Live
        && req.backlinks_filters.is_none()
}

/// The state of one query: decoded blocks, stats frames and pairs' aggregates, and aggregates
/// built from records.
struct Query<'s> {
    blocks: Blocks<'s>,
    frames: HashMap<(usize, usize), StatsFrame>,
    decoded: HashMap<(u32, u32), PairStats>,
    owned: Vec<Owned>,
    /// The pairs of every owned source, each source's a range of it.
    groups: Vec<Keyed>,
    /// Whether filters or the order read scalar metrics besides the rank: then aggregates built
    /// from records are complete from the start; otherwise only their rank mass is summed, and
    /// the rows returned are aggregated again in full ([`Query::load`]).
    scalars: bool,
}

/// Aggregates built from the records of one host's pairs (`Query::groups[group]`) that feed a
/// pattern.
struct Owned {
    group: Range<u32>,
    /// Σ unscale(rank) of the feeding dofollow, unbroken records (contract §9).
    rank_mass: f64,
    stats: Option<Box<PairStats>>,
}

impl<'s> Query<'s> {
    /// Decodes `src`'s aggregates (frames decompressed once), or aggregates in full the
    /// records of an owned source that only has its rank mass (`pattern` is the one it feeds).
    fn load(&mut self, src: Src, pattern: &Pattern, req: &Request) -> Result<(), StoreError> {
        let (seg, p) = match src {
            Src::Pair { seg, p } => (seg, p),
            Src::Owned(i) => {
                let owned = &self.owned[i as usize];
                if owned.stats.is_none() {
                    let range = owned.group.start as usize..owned.group.end as usize;
                    let group = self.groups[range].to_vec();
                    let mut builder = StatsBuilder::default();
                    self.feeding_records(&group, pattern, req, |r| builder.add(r))?;
                    self.owned[i as usize].stats = Some(Box::new(builder.finish()));
                }
                return Ok(());
            }
        };
        if self.decoded.contains_key(&(seg, p)) {
            return Ok(());
        }
        let reader = &self.blocks.snap.segments[seg as usize];
        let (f, _) = SegmentReader::frame_of(p as usize);
        let frame = match self.frames.entry((seg as usize, f)) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(reader.stats_frame(f)?),
        };
        let stats = reader.pair_stats(frame, p as usize).ok_or_else(|| {
            StoreError::corrupt(reader.path(), 0, format!("stats of pair {p} do not decode"))
        })?;
        self.decoded.insert((seg, p), stats);
        Ok(())
    }

    /// `src`'s aggregates (decoded by [`Query::load`]).
    fn stats(&self, src: Src) -> &PairStats {
        match src {
            Src::Owned(i) => self.owned[i as usize]
                .stats
                .as_ref()
                .expect("owned aggregates are loaded before they are read"),
            Src::Pair { seg, p } => &self.decoded[&(seg, p)],
        }
    }

    /// `src`'s scalar aggregates, read in place.
    fn warm(&self, src: Src) -> Result<WarmStats, StoreError> {
        match src {
            Src::Owned(i) => self.owned[i as usize]
                .stats
                .as_ref()
                .map(|s| s.warm.clone())
                .ok_or_else(|| StoreError::corrupt("", 0, "scalars of records not aggregated")),
            Src::Pair { seg, p } => {
                let reader = &self.blocks.snap.segments[seg as usize];
                reader.warm(p as usize).ok_or_else(|| {
                    StoreError::corrupt(reader.path(), 0, format!("scalars of pair {p} damaged"))
                })
            }
        }
    }

    /// `src`'s §9 rank (0–1000), without decoding a frame.
    fn rank(&self, src: Src) -> u16 {
        match src {
            Src::Owned(i) => scale(self.owned[i as usize].rank_mass),
            Src::Pair { seg, p } => self.blocks.snap.segments[seg as usize]
                .hot(p as usize)
                .rank(),
        }
    }

    /// The referring hosts feeding `pattern` (rules 1–5), sorted by host id. A host with one
    /// pair uses the pair's stored aggregates when they answer the request; otherwise its
    /// records are read, keys stored in several segments folded (oldest first), and the rules
    /// applied record by record.
    fn feeding(
        &mut self,
        hosts: &Hosts<'s>,
        runs: &[PatternRun],
        pattern: &Pattern,
        req: &Request,
    ) -> Result<Vec<Feed>, StoreError> {
        let snap = self.blocks.snap;
        let own_domain = registrable_domain(pattern.host()).to_string();
        let fast = stats_answer(pattern, req);
        let internal = |host: u32, exact_bit: Option<bool>| {
            exact_bit.unwrap_or_else(|| hosts.same_site(host, &own_domain))
        };
        if let ([(seg, range, exact)], None) = (runs, &hosts.union) {
            // One target host of the one segment (the default path, and most record paths):
            // its pairs are already sorted by host id and unique; the columns are read in place.
            let reader = &snap.segments[*seg];
            let mut out = Vec::with_capacity(range.len());
            let columns = reader
                .pair_from_run(range.clone())
                .zip(reader.hot_run(range.clone()));
            for (p, (host, hot)) in (range.start..).zip(columns) {
                let host = hosts.checked(host)?;
                if (fast && !hot.live())
                    || (req.exclude_internal_backlinks
                        && internal(host, exact.then_some(hot.internal())))
                {
                    continue;
                }
                if fast && (req.include_indirect_links || !hot.indirect()) {
                    let src = Src::Pair {
                        seg: *seg as u32,
                        p: p as u32,
                    };
                    out.push(Feed { host, src });
                } else if let Some(src) =
                    self.aggregate_records(&[(host, *seg, p, *exact)], pattern, req)?
                {
                    out.push(Feed { host, src });
                }
            }
            return Ok(out);
        }
        let mut keyed: Vec<Keyed> = Vec::new();
        for (seg, range, exact) in runs {
            for p in range.clone() {
                keyed.push((hosts.checked(hosts.id(*seg, p))?, *seg, p, *exact));
            }
        }
        keyed.sort_unstable();
        let mut out = Vec::with_capacity(keyed.len());
        for group in keyed.chunk_by(|a, b| a.0 == b.0) {
            let host = group[0].0;
            let bit = match group {
                [(_, seg, p, true)] => Some(snap.segments[*seg].hot(*p).internal()),
                _ => None,
            };
            if req.exclude_internal_backlinks && internal(host, bit) {
                continue;
            }
            if let ([(_, seg, p, _)], true) = (group, fast) {
                let hot = snap.segments[*seg].hot(*p);
                if !hot.live() {
                    continue;
                }
                if req.include_indirect_links || !hot.indirect() {
                    let src = Src::Pair {
                        seg: *seg as u32,
                        p: *p as u32,
                    };
                    out.push(Feed { host, src });
                    continue;
                }
            }
            if let Some(src) = self.aggregate_records(group, pattern, req)? {
                out.push(Feed { host, src });
            }
        }
        Ok(out)
    }

    /// The aggregates of the records of one host's pairs (segments oldest first) that feed
    /// `pattern`, or `None` when none does: complete when `scalars`, else the rank mass only.
    fn aggregate_records(
        &mut self,
        group: &[Keyed],
        pattern: &Pattern,
        req: &Request,
    ) -> Result<Option<Src>, StoreError> {
        let (stats, rank_mass, records) = if self.scalars {
            let mut builder = StatsBuilder::default();
            self.feeding_records(group, pattern, req, |r| builder.add(r))?;
            let stats = builder.finish();
            let (mass, records) = (stats.cold.rank_mass, stats.warm.records);
            (Some(Box::new(stats)), mass, records)
        } else {
            let (mut mass, mut records) = (0.0, 0u32);
            self.feeding_records(group, pattern, req, |r| {
                records += 1;
                mass += rank_mass(r);
            })?;
            (None, mass, records)
        };
        if records == 0 {
            return Ok(None);
        }
        let start = self.groups.len() as u32;
        self.groups.extend_from_slice(group);
        self.owned.push(Owned {
            group: start..self.groups.len() as u32,
            rank_mass,
            stats,
        });
        Ok(Some(Src::Owned(self.owned.len() as u32 - 1)))
    }

    /// Calls `f` on the records of one host's pairs that feed `pattern` (rules 1, 2, 3, 5), in
    /// key order, keys stored in several segments folded oldest first.
    fn feeding_records(
        &mut self,
        group: &[Keyed],
        pattern: &Pattern,
        req: &Request,
        mut f: impl FnMut(&RecordRef<'_>),
    ) -> Result<(), StoreError> {
        let snap = self.blocks.snap;
        if let [(_, seg, p, _)] = group {
            // One run: records are unique and grouped by page already; read them in place.
            let pair = snap.segments[*seg].pair(*p);
            self.blocks
                .visit(*seg, pair.record_start, pair.record_count, |r| {
                    if feeds(r, pattern, req) {
                        f(r);
                    }
                })?;
        } else {
            // Several segments or several target hosts: fold keys, then key order groups pages.
            let mut records = Vec::new();
            for &(_, seg, p, _) in group {
                let pair = snap.segments[seg].pair(p);
                self.blocks
                    .visit(seg, pair.record_start, pair.record_count, |r| {
                        records.push(r.to_record())
                    })?;
            }
            for r in Record::fold(records).values() {
                let r = RecordRef::of(r);
                if feeds(&r, pattern, req) {
                    f(&r);
                }
            }
        }
        Ok(())
    }
}

/// Rules 1, 2, 3 and 5 (rule 4 is per host).
fn feeds(r: &RecordRef<'_>, pattern: &Pattern, req: &Request) -> bool {
    pattern.matches(r.url_to, r.domain_to, req.include_subdomains)
        && match req.status {
            StatusType::Live => !r.is_lost,
            StatusType::Lost => r.is_lost,
            StatusType::All => true,
        }
        && (req.include_indirect_links || !r.is_indirect_link)
        && req
            .backlinks_filters
            .as_ref()
            .is_none_or(|f| f.eval(&|field| record_value(r, field)))
}

/// Whether reading `field` needs a pair's scalar aggregates (the hot column holds the rank).
fn needs_stats(field: ResultField) -> bool {
    match field {
        ResultField::IntersectionsCount => false,
        ResultField::Metric { metric, .. } => {
            !matches!(TARGET_METRICS[metric].0, "rank" | "target")
        }
    }
}

/// Runs a validated request over a snapshot.
pub fn execute(snap: &Snapshot, req: &Request) -> Result<Answer, StoreError> {
    let rules = req.sort_rules();
    let mut fields: Vec<ResultField> = rules.iter().map(|&(f, _)| f).collect();
    if let Some(f) = &req.filters {
        fields.extend(f.fields());
    }
    let scalars = fields.into_iter().any(needs_stats);
    let mut q = Query {
        blocks: Blocks::new(snap),
        frames: HashMap::new(),
        decoded: HashMap::new(),
        owned: Vec::new(),
        groups: Vec::new(),
        scalars,
    };
    let target_runs: Vec<_> = req
        .targets
        .iter()
        .map(|t| pattern_runs(snap, &t.pattern, req))
        .collect();
    let exclude_runs: Vec<_> = req
        .exclude_targets
        .iter()
        .map(|p| pattern_runs(snap, p, req))
        .collect();
    let union = (snap.segments.len() > 1).then(|| {
        let mut names: Vec<&str> = target_runs
            .iter()
            .chain(&exclude_runs)
            .flatten()
            .flat_map(|(seg, range, _)| {
                let reader = &snap.segments[*seg];
                reader
                    .pair_from_run(range.clone())
                    .map(|id| reader.from_host(id))
            })
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    });
    let hosts = Hosts { snap, union };
    let mut per_target = Vec::with_capacity(req.targets.len());
    for (t, runs) in req.targets.iter().zip(&target_runs) {
        per_target.push(q.feeding(&hosts, runs, &t.pattern, req)?);
    }
    // How many targets each host feeds; 0 for hosts feeding an excluded target.
    let mut count = vec![0u8; hosts.len()];
    for feed in &per_target {
        for f in feed {
            count[f.host as usize] += 1;
        }
    }
    for (p, runs) in req.exclude_targets.iter().zip(&exclude_runs) {
        for f in q.feeding(&hosts, runs, p, req)? {
            count[f.host as usize] = 0;
        }
    }
    // The qualifying hosts, each once, in id order; under `all` each feeds the smallest list.
    let threshold = req.threshold();
    let lists: Vec<&Vec<Feed>> = if threshold == per_target.len() {
        per_target
            .iter()
            .min_by_key(|f| f.len())
            .into_iter()
            .collect()
    } else {
        per_target.iter().collect()
    };
    let mut ids: Vec<(u32, u8)> = Vec::new();
    for list in &lists {
        for f in *list {
            let n = &mut count[f.host as usize];
            if usize::from(*n) >= threshold.max(1) {
                ids.push((f.host, *n));
                *n = 0;
            }
        }
    }
    if lists.len() > 1 {
        ids.sort_unstable();
    }
    // Each candidate's source per target slot (`k` slots per candidate), by a merge walk.
    let k = per_target.len();
    let mut slots: Vec<Option<Src>> = vec![None; ids.len() * k];
    for (s, feed) in per_target.iter().enumerate() {
        let mut cursor = 0;
        for (c, &(id, _)) in ids.iter().enumerate() {
            while cursor < feed.len() && feed[cursor].host < id {
                cursor += 1;
            }
            if cursor < feed.len() && feed[cursor].host == id {
                slots[c * k + s] = Some(feed[cursor].src);
            }
        }
    }
    let warm: Vec<Option<WarmStats>> = if scalars {
        slots
            .iter()
            .map(|s| s.map(|s| q.warm(s)).transpose())
            .collect::<Result<_, _>>()?
    } else {
        Vec::new()
    };
    let ranks: Vec<u16> = slots
        .iter()
        .map(|s| s.map_or(0, |s| reported_rank(q.rank(s), req.rank_scale)))
        .collect();
    let row = |c: usize| Candidate {
        hosts: &hosts,
        id: ids[c].0,
        intersections: usize::from(ids[c].1),
        slots: &slots[c * k..(c + 1) * k],
        ranks: &ranks[c * k..(c + 1) * k],
        warm: warm.get(c * k..(c + 1) * k).unwrap_or(&[]),
    };
    let kept: Vec<usize> = (0..ids.len())
        .filter(|&c| {
            let cand = row(c);
            req.filters
                .as_ref()
                .is_none_or(|f| f.eval(&|field| cand.value(field)))
        })
        .collect();
    let total_count = kept.len() as u64;
    let start = req.offset.min(total_count) as usize;
    let end = req.offset.saturating_add(req.limit).min(total_count) as usize;
    // Sort keys once per host; only the first `offset + limit` are fully sorted. Ids order
    // like host bytes: the final tie-break.
    let order: Vec<usize> = if rules.iter().all(|&(f, _)| packable(f)) {
        let mut keyed: Vec<(u128, usize)> = kept
            .iter()
            .map(|&c| {
                let cand = row(c);
                let key = rules.iter().fold(0u128, |key, &(f, desc)| {
                    key << 11 | u128::from(packed_code(cand.value(f), desc))
                });
                (key << 32 | u128::from(ids[c].0), c)
            })
            .collect();
        if end > 0 && end < keyed.len() {
            keyed.select_nth_unstable(end - 1);
            keyed.truncate(end);
        }
        keyed.sort_unstable();
        keyed.into_iter().map(|(_, c)| c).collect()
    } else {
        let width = rules.len();
        let mut keys: Vec<FieldValue> = Vec::with_capacity(kept.len() * width);
        for &c in &kept {
            let cand = row(c);
            keys.extend(rules.iter().map(|&(f, _)| cand.value(f)));
        }
        let mut order: Vec<usize> = (0..kept.len()).collect();
        let cmp = |a: &usize, b: &usize| {
            compare(
                &keys[a * width..(a + 1) * width],
                &keys[b * width..(b + 1) * width],
                &rules,
            )
            .then(ids[kept[*a]].0.cmp(&ids[kept[*b]].0))
        };
        if end > 0 && end < order.len() {
            order.select_nth_unstable_by(end - 1, cmp);
            order.truncate(end);
        }
        order.sort_unstable_by(cmp);
        order.into_iter().map(|i| kept[i]).collect()
    };
    let page: Vec<usize> = order[start..end].to_vec();

    for &c in &page {
        for (src, target) in slots[c * k..(c + 1) * k].iter().zip(&req.targets) {
            if let Some(src) = src {
                q.load(*src, &target.pattern, req)?;
            }
        }
    }
    let rows = page
        .iter()
        .map(|&c| Row {
            intersections: usize::from(ids[c].1),
            metrics: slots[c * k..(c + 1) * k]
                .iter()
                .map(|s| {
                    s.map(|s| {
                        let host = hosts.name(ids[c].0);
                        let stats = q.stats(s);
                        Metrics::from_stats(host, stats, req.rank_scale, req.internal_list_limit)
                    })
                })
                .collect(),
        })
        .collect();
    Ok(Answer { total_count, rows })
}

/// Whether `field`'s values are small integers or null (the rank scales and
/// `intersections_count` stay ≤ 1000), so a sort key packs into 11 bits.
fn packable(field: ResultField) -> bool {
    match field {
        ResultField::IntersectionsCount => true,
        ResultField::Metric { metric, .. } => TARGET_METRICS[metric].0 == "rank",
    }
}

/// The 11-bit code of a packable value whose ascending order is the rule's order, nulls last.
fn packed_code(v: FieldValue, desc: bool) -> u16 {
    match v {
        FieldValue::Num(n) if desc => 1024 - n as u16,
        FieldValue::Num(n) => n as u16,
        _ => 2047,
    }
}

/// One qualifying referring host while the answer is filtered and sorted.
struct Candidate<'a, 's> {
    hosts: &'a Hosts<'s>,
    id: u32,
    intersections: usize,
    slots: &'a [Option<Src>],
    ranks: &'a [u16],
    /// The slots' scalar aggregates, when a filter or sort reads them (else empty).
    warm: &'a [Option<WarmStats>],
}

impl<'a> Candidate<'a, '_> {
    fn value(&self, field: ResultField) -> FieldValue<'a> {
        match field {
            ResultField::IntersectionsCount => FieldValue::Num(self.intersections as f64),
            ResultField::Metric { slot, metric } => match self.slots[slot] {
                None => FieldValue::Null,
                Some(_) if TARGET_METRICS[metric].0 == "rank" => {
                    FieldValue::Num(f64::from(self.ranks[slot]))
                }
                Some(_) if TARGET_METRICS[metric].0 == "target" => {
                    FieldValue::Str(self.hosts.name(self.id))
                }
                Some(_) => self
                    .warm
                    .get(slot)
                    .and_then(Option::as_ref)
                    .map_or(FieldValue::Null, |w| {
                        stats_value(w, self.ranks[slot], metric)
                    }),
            },
        }
    }
}

/// Order by the rules (nulls and missing targets last in both directions).
fn compare(a: &[FieldValue], b: &[FieldValue], rules: &[(ResultField, bool)]) -> Ordering {
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

fn cmp_values(x: FieldValue, y: FieldValue) -> Ordering {
    match (x, y) {
        (FieldValue::Num(a), FieldValue::Num(b)) => a.total_cmp(&b),
        (FieldValue::Time(a), FieldValue::Time(b)) => a.cmp(&b),
        (FieldValue::Str(a), FieldValue::Str(b)) => a.as_bytes().cmp(b.as_bytes()),
        (FieldValue::Bool(a), FieldValue::Bool(b)) => a.cmp(&b),
        _ => Ordering::Equal,
    }
}
