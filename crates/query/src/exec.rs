//! The executor over an index snapshot: which records feed each target (§4), which referring
//! hosts qualify (§5), their metrics (§8), filters, order and paging (§6–7).

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use linkdex_model::{exact_glob_host, registrable_domain, Pattern, Record};
use linkdex_store::{host_order_key, PairStats, Snapshot, StatsBuilder, StoreError};

use crate::fields::{record_value, FieldValue, ResultField};
use crate::metrics::{reported_rank, scale, stats_value, Metrics};
use crate::request::{Request, StatusType};

/// One qualifying referring host while the answer is sorted: its aggregates per target slot
/// (`None`: no link to that target) and its reported rank per slot.
struct Candidate<'a> {
    host: &'a str,
    intersections: usize,
    stats: Vec<Option<&'a PairStats>>,
    ranks: Vec<u16>,
}

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

/// Decoded blocks, shared within one query.
pub(crate) struct Blocks<'a> {
    pub snap: &'a Snapshot,
    pub cache: HashMap<(usize, usize), Arc<Vec<Record>>>,
}

impl Blocks<'_> {
    /// Calls `f` on records `start..start + count` of segment `seg`, in order, without copying.
    pub(crate) fn visit(
        &mut self,
        seg: usize,
        start: u64,
        count: u32,
        mut f: impl FnMut(&Record),
    ) -> Result<(), StoreError> {
        let reader = &self.snap.segments[seg];
        let mut index = start;
        let end = start + u64::from(count);
        while index < end {
            let b = reader.block_of(index);
            let block = match self.cache.get(&(seg, b)) {
                Some(blk) => blk.clone(),
                None => {
                    let blk = reader.block(b)?;
                    self.cache.insert((seg, b), blk.clone());
                    blk
                }
            };
            let first = reader.block_first_record(b).unwrap_or(u64::MAX);
            let corrupt = |what: &str| StoreError::Corruption {
                path: reader.path().into(),
                offset: 0,
                what: what.into(),
            };
            if first > index {
                return Err(corrupt("record outside every block"));
            }
            let from = (index - first) as usize;
            let take = ((end - index) as usize).min(block.len().saturating_sub(from));
            if take == 0 {
                return Err(corrupt("record run past its block"));
            }
            block[from..from + take].iter().for_each(&mut f);
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

/// FxHash (as in rustc): hosts are short strings hashed once per pair; SipHash's DoS
/// resistance buys nothing here and costs a third of the query.
#[derive(Default)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(i)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
type FastSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

/// Where the records of one referring host towards one pattern are: its pairs, as
/// (segment, target index in it, pair index in that target).
type Runs = Vec<(usize, usize, usize)>;

/// Whether a pair's stored live aggregates answer this pattern and request exactly: the default
/// record selection (live, no backlinks_filters) on a domain pattern, where every record of a
/// matched target host matches rule 1.
fn stats_answer(pattern: &Pattern, req: &Request) -> bool {
    matches!(pattern, Pattern::Domain(_))
        && req.status == StatusType::Live
        && req.backlinks_filters.is_none()
}

/// The aggregates of the records feeding `pattern` (rules 1–5), by referring host. A host with
/// one pair uses the pair's stored aggregates when they answer the request; otherwise its
/// records are read, keys stored in several segments folded (oldest first), and the rules
/// applied record by record.
fn feeding<'s>(
    blocks: &mut Blocks<'s>,
    pattern: &Pattern,
    req: &Request,
) -> Result<FastMap<&'s str, Cow<'s, PairStats>>, StoreError> {
    let snap = blocks.snap;
    let mut by_host: FastMap<&'s str, Runs> = FastMap::default();
    for seg in 0..snap.segments.len() {
        let reader = &snap.segments[seg];
        for t in candidate_targets(snap, seg, pattern, req.include_subdomains) {
            for (i, pair) in reader.pairs(t).iter().enumerate() {
                let host = reader.from_host(pair.from);
                by_host.entry(host).or_default().push((seg, t, i));
            }
        }
    }
    let own_domain = registrable_domain(pattern.host()).to_string();
    let fast = stats_answer(pattern, req);
    let mut out = FastMap::with_capacity_and_hasher(by_host.len(), Default::default());
    for (host, runs) in by_host {
        if req.exclude_internal_backlinks && same_site(host, &own_domain) {
            continue;
        }
        if let ([(seg, t, i)], true) = (runs.as_slice(), fast) {
            let stats = &snap.segments[*seg].live_stats(*t)?[*i];
            if stats.records > 0 && (req.include_indirect_links || stats.indirect == 0) {
                out.insert(host, Cow::Borrowed(stats));
                continue;
            }
            if stats.records == 0 {
                continue;
            }
        }
        let mut builder = StatsBuilder::default();
        if let [(seg, t, i)] = runs.as_slice() {
            // One run: records are unique and grouped by page already; read them in place.
            let pair = snap.segments[*seg].pairs(*t)[*i];
            blocks.visit(*seg, pair.record_start, pair.record_count, |r| {
                if feeds(r, pattern, req) {
                    builder.add(r);
                }
            })?;
        } else {
            // Several segments or several target hosts: fold keys, then key order groups pages.
            let mut records = Vec::new();
            for &(seg, t, i) in &runs {
                let pair = snap.segments[seg].pairs(t)[i];
                blocks.visit(seg, pair.record_start, pair.record_count, |r| {
                    records.push(r.clone())
                })?;
            }
            for r in Record::fold(records)
                .values()
                .filter(|r| feeds(r, pattern, req))
            {
                builder.add(r);
            }
        }
        let stats = builder.finish();
        if stats.records > 0 {
            out.insert(host, Cow::Owned(stats));
        }
    }
    Ok(out)
}

/// Rule 4: whether `host` has the registrable domain `own` (the suffix test first, since
/// only `own` itself or its subdomains can).
fn same_site(host: &str, own: &str) -> bool {
    let candidate = host == own
        || host
            .strip_suffix(own)
            .is_some_and(|head| head.ends_with('.'));
    candidate && registrable_domain(host) == own
}

/// Rules 1, 2, 3 and 5 (rule 4 is per host).
fn feeds(r: &Record, pattern: &Pattern, req: &Request) -> bool {
    pattern.matches(&r.url_to, &r.domain_to, req.include_subdomains)
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

/// Runs a validated request over a snapshot.
pub fn execute(snap: &Snapshot, req: &Request) -> Result<Answer, StoreError> {
    let mut blocks = Blocks {
        snap,
        cache: HashMap::new(),
    };
    let mut per_target = Vec::with_capacity(req.targets.len());
    for t in &req.targets {
        per_target.push(feeding(&mut blocks, &t.pattern, req)?);
    }
    let mut excluded: FastSet<&str> = FastSet::default();
    for p in &req.exclude_targets {
        excluded.extend(feeding(&mut blocks, p, req)?.into_keys());
    }
    let mut counts: FastMap<&str, usize> = FastMap::default();
    for set in &per_target {
        for host in set.keys() {
            *counts.entry(host).or_default() += 1;
        }
    }
    let threshold = req.threshold();
    let mut candidates: Vec<Candidate> = Vec::new();
    for (host, n) in counts {
        if n < threshold || excluded.contains(host) {
            continue;
        }
        let stats: Vec<Option<&PairStats>> = per_target
            .iter()
            .map(|set| set.get(host).map(|s| s.as_ref()))
            .collect();
        let ranks = stats
            .iter()
            .map(|s| s.map_or(0, |s| reported_rank(scale(s.rank_mass), req.rank_scale)))
            .collect();
        let c = Candidate {
            host,
            intersections: n,
            stats,
            ranks,
        };
        if req
            .filters
            .as_ref()
            .is_none_or(|f| f.eval(&|field| c.value(field)))
        {
            candidates.push(c);
        }
    }
    let rules = req.sort_rules();
    // Sort keys are computed once per host; only the first `offset + limit` are fully sorted.
    let mut keyed: Vec<(Vec<FieldValue>, &Candidate)> = candidates
        .iter()
        .map(|c| (rules.iter().map(|&(f, _)| c.value(f)).collect(), c))
        .collect();
    let total_count = keyed.len() as u64;
    let start = req.offset.min(total_count) as usize;
    let end = req.offset.saturating_add(req.limit).min(total_count) as usize;
    let order = |a: &(Vec<FieldValue>, &Candidate), b: &(Vec<FieldValue>, &Candidate)| {
        compare(a, b, &rules)
    };
    if end > 0 && end < keyed.len() {
        keyed.select_nth_unstable_by(end - 1, order);
        keyed.truncate(end);
    }
    keyed.sort_unstable_by(order);
    let rows = keyed[start..end]
        .iter()
        .map(|(_, c)| *c)
        .map(|c| Row {
            intersections: c.intersections,
            metrics: c
                .stats
                .iter()
                .map(|s| {
                    s.map(|s| {
                        Metrics::from_stats(c.host, s, req.rank_scale, req.internal_list_limit)
                    })
                })
                .collect(),
        })
        .collect();
    Ok(Answer { total_count, rows })
}

impl Candidate<'_> {
    fn value(&self, field: ResultField) -> FieldValue<'_> {
        match field {
            ResultField::IntersectionsCount => FieldValue::Num(self.intersections as f64),
            ResultField::Metric { slot, metric } => self.stats[slot]
                .map_or(FieldValue::Null, |s| {
                    stats_value(self.host, s, self.ranks[slot], metric)
                }),
        }
    }
}

/// Order by the rules (nulls and missing targets last in both directions), then host bytes.
fn compare(
    a: &(Vec<FieldValue>, &Candidate),
    b: &(Vec<FieldValue>, &Candidate),
    rules: &[(ResultField, bool)],
) -> Ordering {
    for (i, &(_, desc)) in rules.iter().enumerate() {
        let ord = match (a.0[i], b.0[i]) {
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
    a.1.host.as_bytes().cmp(b.1.host.as_bytes())
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
