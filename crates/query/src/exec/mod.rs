//! The executor over an index snapshot: which records feed each target (§4), which referring
//! hosts qualify (§5), their metrics (§8), filters, order and paging (§6–7).

mod by_rank;
mod delta;
mod hosts;
mod sets;
mod top;
mod words;

use std::cell::RefCell;
use std::collections::{HashMap, VecDeque};
use std::ops::Range;

use linkdex_model::{exact_glob_host, registrable_domain, Pattern, Record, RecordRef};
use linkdex_store::{
    host_order_key, rank_mass, scale, PairStats, RawBlock, SegmentReader, Snapshot, StatsBuilder,
    StatsFrame, StoreError, WarmStats,
};

use by_rank::{page_by_rank, rank_plan};
use hosts::{Hosts, Union};
use sets::{put, At, Bits, FeedSet, Qualifying, Ranks, SetSource};
use top::{Ranked, Top};
use words::Words;

use crate::fields::{record_value, ResultField, TARGET_METRICS};
use crate::metrics::Metrics;
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
        for span in reader.block_spans(start, count) {
            let (b, records) = span?;
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
            if records.end > cached.block.len() {
                return Err(corrupt("record run past its block"));
            }
            if cached.next > records.start {
                (cached.next, cached.at) = (0, cached.block.first());
            }
            while cached.next < records.end {
                let (r, next_at) = cached
                    .block
                    .read(cached.at)
                    .ok_or_else(|| corrupt("record does not decode"))?;
                if cached.next >= records.start {
                    f(&r);
                }
                (cached.next, cached.at) = (cached.next + 1, next_at);
            }
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

/// The pairs of one target host a pattern may read.
#[derive(Clone)]
struct PatternRun {
    seg: usize,
    target: usize,
    pairs: Range<usize>,
    /// Whether the pairs' hot `internal` bit answers rule 4 for this pattern: the target host
    /// has the pattern's registrable domain.
    exact: bool,
}

/// A pair as the general path groups them: (host id, segment, pair, the run's `exact`, the
/// run's target host in that segment).
type Keyed = (u32, usize, usize, bool, usize);

/// What decides whether a pair feeds one pattern.
struct FeedRule<'p> {
    pattern: &'p Pattern,
    /// The pattern's registrable domain (rule 4).
    own: String,
    /// Whether the pairs' stored live aggregates answer the pattern ([`stats_answer`]).
    fast: bool,
}

/// The pairs of every target host, in every segment (oldest first), that can hold records
/// matching `pattern`.
fn pattern_runs(snap: &Snapshot, pattern: &Pattern, req: &Request) -> Vec<PatternRun> {
    let own = registrable_domain(pattern.host());
    let mut out = Vec::new();
    for (seg, reader) in snap.segments.iter().enumerate() {
        for t in candidate_targets(snap, seg, pattern, req.include_subdomains) {
            out.push(PatternRun {
                seg,
                target: t,
                pairs: reader.pair_range(t),
                exact: registrable_domain(&reader.target_host(t)) == own,
            });
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
    decoded: HashMap<(u32, u32), PairStats>,
    owned: Vec<Owned>,
    /// The pairs of every owned source, each source's a range of it.
    groups: Vec<Keyed>,
    /// The last pair read of recently read stats frames' scalar aggregates, direct-mapped by
    /// (segment, frame).
    warm_frames: RefCell<Vec<Option<WarmFrame>>>,
    /// Whether filters or the order read scalar metrics besides the rank: then aggregates built
    /// from records are complete from the start; otherwise only their rank mass is summed, and
    /// the rows returned are aggregated again in full ([`Query::load_owned`]).
    scalars: bool,
}

/// Where the scalar aggregates of the last pair read of a stats frame end: (segment, frame),
/// the pair's place in the frame, and the byte after its entry.
type WarmFrame = ((u32, usize), usize, usize);

/// Pairs whose aggregates are worth decoding on two threads.
const PARALLEL_LOAD: usize = 32;

/// Stats frames whose scalars a query keeps decoded.
const WARM_FRAMES: usize = 64;

/// Aggregates built from the records of one host's pairs (`Query::groups[group]`) that feed a
/// pattern.
struct Owned {
    group: Range<u32>,
    /// Σ unscale(rank) of the feeding dofollow, unbroken records (contract §9).
    rank_mass: f64,
    stats: Option<Box<PairStats>>,
}

impl<'s> Query<'s> {
    fn new(snap: &'s Snapshot, scalars: bool) -> Query<'s> {
        Query {
            blocks: Blocks::new(snap),
            decoded: HashMap::new(),
            owned: Vec::new(),
            groups: Vec::new(),
            warm_frames: RefCell::new(vec![None; WARM_FRAMES]),
            scalars,
        }
    }

    /// Takes in the aggregates `other` built from records, after this query's own: `other`'s
    /// `Src::Owned` indices move up by the returned offset.
    fn absorb(&mut self, other: Query<'s>) -> u32 {
        let (offset, groups) = (self.owned.len() as u32, self.groups.len() as u32);
        self.groups.extend(other.groups);
        self.owned.extend(other.owned.into_iter().map(|mut owned| {
            owned.group = owned.group.start + groups..owned.group.end + groups;
            owned
        }));
        offset
    }

    /// Aggregates in full the records of an owned source that only has its rank mass
    /// (`pattern` is the one it feeds).
    fn load_owned(&mut self, i: u32, pattern: &Pattern, req: &Request) -> Result<(), StoreError> {
        let owned = &self.owned[i as usize];
        if owned.stats.is_none() {
            let range = owned.group.start as usize..owned.group.end as usize;
            let group = self.groups[range].to_vec();
            let mut builder = StatsBuilder::default();
            self.feeding_records(&group, pattern, req, |r| builder.add(r))?;
            self.owned[i as usize].stats = Some(Box::new(builder.finish()));
        }
        Ok(())
    }

    /// Decodes the stored aggregates of `pairs` ((segment, pair)), each stats frame
    /// decompressed once; a page's worth is split between two threads at a frame boundary.
    fn load_pairs(&mut self, mut pairs: Vec<(u32, u32)>) -> Result<(), StoreError> {
        pairs.sort_unstable();
        pairs.dedup();
        pairs.retain(|key| !self.decoded.contains_key(key));
        let snap = self.blocks.snap;
        let decode = |part: &[(u32, u32)]| {
            let mut out = Vec::with_capacity(part.len());
            let mut frame: Option<((u32, usize), StatsFrame)> = None;
            for &(seg, p) in part {
                let reader = &snap.segments[seg as usize];
                let (f, _) = SegmentReader::frame_of(p as usize);
                let stats = match &frame {
                    Some((key, decoded)) if *key == (seg, f) => decoded,
                    _ => &frame.insert(((seg, f), reader.stats_frame(f)?)).1,
                };
                let stats = reader.pair_stats(stats, p as usize).ok_or_else(|| {
                    StoreError::corrupt(reader.path(), 0, format!("stats of pair {p} damaged"))
                })?;
                out.push(((seg, p), stats));
            }
            Ok::<_, StoreError>(out)
        };
        let frame_of = |&(seg, p): &(u32, u32)| (seg, SegmentReader::frame_of(p as usize).0);
        let mut mid = pairs.len() / 2;
        while mid > 0 && mid < pairs.len() && frame_of(&pairs[mid - 1]) == frame_of(&pairs[mid]) {
            mid += 1;
        }
        let (first, second) = pairs.split_at(mid);
        let (first, second) = if pairs.len() >= PARALLEL_LOAD {
            std::thread::scope(|scope| {
                let other = scope.spawn(|| decode(second));
                let first = decode(first);
                let second = other
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e));
                (first, second)
            })
        } else {
            (decode(first), decode(second))
        };
        self.decoded.extend(first?.into_iter().chain(second?));
        Ok(())
    }

    /// `src`'s aggregates (decoded by [`Query::load_pairs`] or [`Query::load_owned`]).
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
                let (f, i) = SegmentReader::frame_of(p as usize);
                let slot = (seg as usize * 7919 + f) % WARM_FRAMES;
                // Each target's pairs are read in order: the next pair of the same frame is
                // found by skipping from the last one read, so a frame's bytes are read once and
                // only the pairs asked for are decoded.
                let mut frames = self.warm_frames.borrow_mut();
                let (from, skip) = match frames[slot] {
                    Some((key, last, after)) if key == (seg, f) && i > last => {
                        (after, i - last - 1)
                    }
                    _ => (0, i),
                };
                let bytes = reader.warm_bytes(f).unwrap_or_default();
                let mut rest = bytes.get(from..).and_then(|b| WarmStats::skip(b, skip));
                let warm = rest.as_mut().and_then(WarmStats::decode);
                frames[slot] = match (&warm, rest) {
                    (Some(_), Some(rest)) => Some(((seg, f), i, bytes.len() - rest.len())),
                    _ => None,
                };
                warm.ok_or_else(|| {
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

    /// The hosts feeding `pattern` (rules 1–5). One target host of the one segment (the default
    /// path, and most record paths) is read from the columns in place, in host order; a popular
    /// one from its segment's bitmaps when the hot column decides every pair.
    fn feed_set(
        &mut self,
        hosts: &Hosts<'s>,
        runs: &[PatternRun],
        pattern: &Pattern,
        req: &Request,
    ) -> Result<FeedSet, StoreError> {
        let words = hosts.len().div_ceil(64);
        let ([run], None) = (runs, &hosts.union) else {
            let listed = self.feeding(hosts, runs, pattern, req)?;
            return Ok(listed_set(hosts, listed));
        };
        let rule = FeedRule {
            pattern,
            own: registrable_domain(pattern.host()).to_string(),
            fast: stats_answer(pattern, req),
        };
        // The hot column alone decides a pair when its stored aggregates answer the pattern,
        // rule 4 needs no host name, and rule 3 keeps indirect links.
        let by_hot = rule.fast && (run.exact || !req.exclude_internal_backlinks);
        let reader = &self.blocks.snap.segments[run.seg];
        let kept = (by_hot && req.include_indirect_links)
            .then(|| reader.target_bits(run.target))
            .flatten();
        let seg = run.seg as u32;
        if let Some(bits) = kept {
            return Ok(FeedSet {
                feeds: Bits::Kept(bits.clone()),
                less_internal: req.exclude_internal_backlinks,
                source: SetSource::Run {
                    seg,
                    pairs: run.pairs.clone(),
                    all: Bits::Kept(bits),
                    owned: Vec::new(),
                },
            });
        }
        let (mut feeds, mut all) = (Words::zeroed(words), Words::zeroed(words));
        let mut owned = Vec::new();
        let mut next = 0u64;
        for p in run.pairs.clone() {
            let host = hosts.checked(reader.pair_from(p))?;
            if u64::from(host) < next {
                let what = format!("referring hosts of pair {p} out of order");
                return Err(StoreError::corrupt(reader.path(), 0, what));
            }
            next = u64::from(host) + 1;
            let hot = reader.hot(p);
            put(&mut all, host, true);
            if by_hot & (req.include_indirect_links | !hot.indirect()) {
                let internal = req.exclude_internal_backlinks & hot.internal();
                put(&mut feeds, host, hot.live() & !internal);
            } else if let Some(feed) =
                self.qualify(hosts, &rule, (host, run.seg, p, run.exact, run.target), req)?
            {
                put(&mut feeds, host, true);
                if let Src::Owned(_) = feed.src {
                    owned.push((host, feed.src));
                }
            }
        }
        Ok(FeedSet {
            feeds: Bits::Own(feeds),
            less_internal: false,
            source: SetSource::Run {
                seg,
                pairs: run.pairs.clone(),
                all: Bits::Own(all),
                owned,
            },
        })
    }

    /// Whether pair `keyed` (of the one segment) feeds `rule`'s pattern (rules 1–5),
    /// and from where: its stored aggregates when they answer the request, else its records.
    fn qualify(
        &mut self,
        hosts: &Hosts<'s>,
        rule: &FeedRule,
        keyed: Keyed,
        req: &Request,
    ) -> Result<Option<Feed>, StoreError> {
        let (host, seg, p, exact, _) = keyed;
        let reader = &self.blocks.snap.segments[seg];
        let hot = reader.hot(p);
        let internal = || match exact {
            true => hot.internal(),
            false => hosts.same_site(host, &rule.own),
        };
        if (rule.fast && !hot.live()) || (req.exclude_internal_backlinks && internal()) {
            return Ok(None);
        }
        let src = if rule.fast && (req.include_indirect_links || !hot.indirect()) {
            Some(Src::Pair {
                seg: seg as u32,
                p: p as u32,
            })
        } else {
            self.aggregate_records(&[keyed], rule.pattern, req)?
        };
        Ok(src.map(|src| Feed { host, src }))
    }

    /// The referring hosts feeding `pattern` over several runs (rules 1–5), sorted by host id.
    /// A pair shadowed by a newer segment's whole copy is left out. A host with one pair left
    /// uses the pair's stored aggregates when they answer the request; otherwise its records are
    /// read, keys stored in several segments folded (oldest first), and the rules applied record
    /// by record.
    fn feeding(
        &mut self,
        hosts: &Hosts<'s>,
        runs: &[PatternRun],
        pattern: &Pattern,
        req: &Request,
    ) -> Result<Vec<Feed>, StoreError> {
        let mut keyed: Vec<Keyed> = Vec::with_capacity(runs.iter().map(|r| r.pairs.len()).sum());
        for run in runs {
            key_run(hosts, run, &mut keyed)?;
        }
        // Each run is in host order already: a stable sort merges them.
        keyed.sort();
        self.feed_groups(hosts, &keyed, pattern, req)
    }

    /// [`Query::feeding`] of pairs grouped by host (`keyed`, sorted).
    fn feed_groups(
        &mut self,
        hosts: &Hosts<'s>,
        keyed: &[Keyed],
        pattern: &Pattern,
        req: &Request,
    ) -> Result<Vec<Feed>, StoreError> {
        let snap = self.blocks.snap;
        let own_domain = registrable_domain(pattern.host()).to_string();
        let fast = stats_answer(pattern, req);
        let internal = |host: u32, exact_bit: Option<bool>| {
            exact_bit.unwrap_or_else(|| hosts.same_site(host, &own_domain))
        };
        let mut out = Vec::with_capacity(keyed.len());
        let mut left = Vec::new();
        for group in keyed.chunk_by(|a, b| a.0 == b.0) {
            let group = match group {
                [_] => group,
                all => {
                    left.clear();
                    left.extend(all.iter().filter(|a| !shadowed(snap, a, all)));
                    &left[..]
                }
            };
            let host = group[0].0;
            let bit = match group {
                [(_, seg, p, true, _)] => Some(snap.segments[*seg].hot(*p).internal()),
                _ => None,
            };
            if req.exclude_internal_backlinks && internal(host, bit) {
                continue;
            }
            if let ([(_, seg, p, _, _)], true) = (group, fast) {
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
    #[inline(never)]
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
        if let [(_, seg, p, _, _)] = group {
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
            for &(_, seg, p, _, _) in group {
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

/// Appends the pairs of `run` as the general path groups them.
fn key_run(hosts: &Hosts, run: &PatternRun, keyed: &mut Vec<Keyed>) -> Result<(), StoreError> {
    for (p, id) in hosts.ids(run.seg, run.pairs.clone()) {
        keyed.push((hosts.checked(id)?, run.seg, p, run.exact, run.target));
    }
    Ok(())
}

/// The feed set of hosts listed with their sources (in host order).
fn listed_set(hosts: &Hosts, listed: Vec<Feed>) -> FeedSet {
    let mut feeds = Words::zeroed(hosts.len().div_ceil(64));
    for feed in &listed {
        put(&mut feeds, feed.host, true);
    }
    FeedSet {
        feeds: Bits::Own(feeds),
        less_internal: false,
        source: SetSource::Listed(listed),
    }
}

/// Whether pair `a` of `group` (one referring host's pairs, by segment) is shadowed: the same
/// pair in a newer segment holds all its records (`Snapshot::whole_pairs`), so folding them in
/// would change nothing.
fn shadowed(snap: &Snapshot, a: &Keyed, group: &[Keyed]) -> bool {
    let key = |k: &Keyed| snap.segments[k.1].target_key(k.4);
    group
        .iter()
        .any(|b| b.1 > a.1 && snap.whole_pairs(b.1) && key(b) == key(a))
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

/// The feed sets of `patterns` (each with its runs), in order. When records must be read for
/// some, the patterns are shared between this thread and a second one (the most pairs first, to
/// the less loaded), each reading blocks on its own.
fn feed_sets<'s>(
    q: &mut Query<'s>,
    hosts: &Hosts<'s>,
    patterns: &[(&Pattern, &[PatternRun])],
    req: &Request,
) -> Result<Vec<FeedSet>, StoreError> {
    let from_records = patterns.iter().any(|(p, _)| !stats_answer(p, req));
    if !from_records || patterns.len() < 2 {
        let sets = patterns
            .iter()
            .map(|(p, runs)| q.feed_set(hosts, runs, p, req));
        return sets.collect();
    }
    let pairs = |i: usize| -> usize { patterns[i].1.iter().map(|r| r.pairs.len()).sum() };
    let mut order: Vec<usize> = (0..patterns.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(pairs(i)));
    let (mut mine, mut theirs, mut load) = (Vec::new(), Vec::new(), [0usize; 2]);
    for i in order {
        let side = usize::from(load[1] < load[0]);
        load[side] += pairs(i);
        [&mut mine, &mut theirs][side].push(i);
    }
    let (snap, scalars) = (q.blocks.snap, q.scalars);
    let (own, other) = std::thread::scope(|scope| {
        let other = scope.spawn(|| {
            let mut other = Query::new(snap, scalars);
            let sets = theirs.iter().map(|&i| {
                let (pattern, runs) = patterns[i];
                other.feed_set(hosts, runs, pattern, req)
            });
            sets.collect::<Result<Vec<_>, _>>()
                .map(|sets| (sets, other))
        });
        let own = mine.iter().map(|&i| {
            let (pattern, runs) = patterns[i];
            q.feed_set(hosts, runs, pattern, req)
        });
        let own = own.collect::<Result<Vec<_>, _>>();
        let other = other
            .join()
            .unwrap_or_else(|e| std::panic::resume_unwind(e));
        (own, other)
    });
    let (mut other_sets, other) = other?;
    let offset = q.absorb(other);
    for set in &mut other_sets {
        set.shift_owned(offset);
    }
    let mut out: Vec<Option<FeedSet>> = (0..patterns.len()).map(|_| None).collect();
    for (i, set) in mine
        .into_iter()
        .zip(own?)
        .chain(theirs.into_iter().zip(other_sets))
    {
        out[i] = Some(set);
    }
    Ok(out.into_iter().flatten().collect())
}

/// Runs a validated request over a snapshot.
pub fn execute(snap: &Snapshot, req: &Request) -> Result<Answer, StoreError> {
    let rules = req.sort_rules();
    let mut fields: Vec<ResultField> = rules.iter().map(|&(f, _)| f).collect();
    if let Some(f) = &req.filters {
        fields.extend(f.fields());
    }
    // The target slots whose scalar aggregates filters or the order read.
    let mut warm_slots = vec![false; req.targets.len()];
    for field in fields {
        if let (ResultField::Metric { slot, .. }, true) = (field, needs_stats(field)) {
            warm_slots[slot] = true;
        }
    }
    let scalars = warm_slots.contains(&true);
    let mut q = Query::new(snap, scalars);
    let runs: Vec<Vec<PatternRun>> = (req.targets.iter().map(|t| &t.pattern))
        .chain(&req.exclude_targets)
        .map(|p| pattern_runs(snap, p, req))
        .collect();
    if delta::applies(snap, &runs) {
        return delta::execute(&mut q, req, &rules, warm_slots, &runs);
    }
    let union = (snap.segments.len() > 1).then(|| {
        Union::new(
            snap,
            runs.iter()
                .flatten()
                .map(|run| (run.seg, run.pairs.clone())),
        )
    });
    let hosts = Hosts { snap, union };
    let patterns = patterns_with(req, &runs);
    let sets = feed_sets(&mut q, &hosts, &patterns, req)?;
    let (total_count, rows) = rank(&mut q, &hosts, sets, req, &rules, warm_slots)?;
    answer(&mut q, req, total_count, rows)
}

/// The request's patterns (targets, then excluded targets) with their runs.
fn patterns_with<'a>(
    req: &'a Request,
    runs: &'a [Vec<PatternRun>],
) -> Vec<(&'a Pattern, &'a [PatternRun])> {
    (req.targets.iter().map(|t| &t.pattern))
        .chain(&req.exclude_targets)
        .zip(runs.iter().map(Vec::as_slice))
        .collect()
}

/// A returned row before its metrics: the host, how many targets it feeds, and from where.
struct PageRow<'s> {
    host: &'s str,
    intersections: usize,
    slots: Vec<Option<Src>>,
}

/// Counts the hosts qualifying under `sets` (the targets', then the excluded targets' and any
/// more left out) and ranks them: the total, and the rows of the page `req` asks for.
fn rank<'s>(
    q: &mut Query<'s>,
    hosts: &Hosts<'s>,
    mut targets: Vec<FeedSet>,
    req: &Request,
    rules: &[(ResultField, bool)],
    warm_slots: Vec<bool>,
) -> Result<(u64, Vec<PageRow<'s>>), StoreError> {
    let snap = q.blocks.snap;
    let excludes = targets.split_off(req.targets.len());
    let threshold = req.threshold().max(1);
    let all = threshold == targets.len();
    let mut qualifying = Qualifying {
        targets: &targets,
        excludes: &excludes,
        threshold,
        at_least: vec![0; threshold],
    };
    let words = hosts.len().div_ceil(64);
    let mut top = Top::new(req, rules, hosts, warm_slots);
    let rows = |top: &Top, page: Vec<Ranked>| -> Vec<PageRow<'s>> {
        let row = |r: Ranked| PageRow {
            host: hosts.name(r.id),
            intersections: r.intersections,
            slots: top.slots(&r).to_vec(),
        };
        page.into_iter().map(row).collect()
    };
    // Ordered by one target's rank, whose hosts its segment keeps in rank order: count the
    // qualifying hosts word by word, and read the page from the front of that order, unless
    // so few qualify that ranking each is cheaper than looking for them.
    let plan = match &req.filters {
        None => rank_plan(rules, all),
        Some(_) => None,
    };
    if let Some((plan, bits)) = plan.and_then(|p| targets[p.slot].kept().map(|b| (p, b))) {
        let page = (req.offset, top.bound as u64);
        let found = page_by_rank(&plan, bits, req.rank_scale, &mut qualifying, words, page);
        if let Some((total, page)) = found {
            let page = page
                .into_iter()
                .map(|(host, n)| top.row(host, n, targets.iter().map(|t| t.src_of(snap, host))))
                .collect();
            return Ok((total, rows(&top, page)));
        }
    }
    // Else every qualifying host is ranked, in id order.
    let mut before = vec![Ranks::default(); targets.len()];
    for w in 0..words {
        let mut word = qualifying.word(w);
        while word != 0 {
            let bit = word.trailing_zeros();
            word &= word - 1;
            let n = match all {
                true => targets.len(),
                false => targets.iter().filter(|t| t.word(w) >> bit & 1 == 1).count(),
            };
            let at = At {
                w,
                bit,
                targets: &targets,
                before: &before,
            };
            top.offer(q, n, &at)?;
        }
        for (set, before) in targets.iter().zip(&mut before) {
            set.advance(w, before);
        }
    }
    let (total_count, page) = top.finish();
    Ok((total_count, rows(&top, page)))
}

/// The answer of `rows` (the page, in order) of `total_count` kept hosts: their full metrics.
fn answer(
    q: &mut Query,
    req: &Request,
    total_count: u64,
    rows: Vec<PageRow>,
) -> Result<Answer, StoreError> {
    let mut pairs = Vec::new();
    for row in &rows {
        for (src, target) in row.slots.iter().zip(&req.targets) {
            match *src {
                Some(Src::Pair { seg, p }) => pairs.push((seg, p)),
                Some(Src::Owned(i)) => q.load_owned(i, &target.pattern, req)?,
                None => {}
            }
        }
    }
    q.load_pairs(pairs)?;
    let rows = rows
        .iter()
        .map(|row| Row {
            intersections: row.intersections,
            metrics: row
                .slots
                .iter()
                .map(|s| {
                    s.map(|s| {
                        let stats = q.stats(s);
                        Metrics::from_stats(
                            row.host,
                            stats,
                            req.rank_scale,
                            req.internal_list_limit,
                        )
                    })
                })
                .collect(),
        })
        .collect();
    Ok(Answer { total_count, rows })
}
