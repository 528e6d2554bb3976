//! `bulk_ranks`: the rank of up to 1000 domains, subdomains or pages.
//!
//! A target's rank is the §9 sum over the live, dofollow, unbroken records pointing to it:
//! `scale(Σ unscale(record.rank))`, the rank the whole graph passes to it. A domain or subdomain
//! `P` is fed by records whose `domain_to` is `P` or ends with `.P`, from referring hosts outside
//! that set (links within a site only circulate its own rank); a page by records whose
//! normalized `url_to` is the page, from any page (as on the page graph, so a page target's rank
//! is its page rank up to rounding). After `linkdex rank`, these are the graph's ranks.

use std::collections::HashMap;

use linkdex_model::{domain_matches, Pattern, Record, RecordKey};
use linkdex_store::{host_order_key, SegmentReader, Snapshot, StoreError};
use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::exec::Blocks;
use crate::metrics::{reported_rank, scale, unscale};
use crate::request::{enum_field, RankScale, MAX_TAG_CHARS};

pub const MAX_BULK_TARGETS: usize = 1000;

/// The fields of the request, in validation order.
pub const BULK_RANKS_FIELDS: &[&str] = &["targets", "rank_scale", "tag"];

/// A validated bulk_ranks task: each target as sent, with its pattern (domain or page).
#[derive(Debug, Clone)]
pub struct BulkRanksRequest {
    pub targets: Vec<(String, Pattern)>,
    pub rank_scale: RankScale,
}

/// Validates one task: 40506 for an unknown key, 40501 naming the first bad field.
pub fn parse_bulk_ranks(task: &Map<String, Value>) -> Result<BulkRanksRequest, ApiError> {
    if let Some(unknown) = task
        .keys()
        .find(|k| !BULK_RANKS_FIELDS.contains(&k.as_str()))
    {
        return Err(ApiError::unknown_field(unknown));
    }
    let get = |name: &str| task.get(name).filter(|v| !v.is_null());
    let invalid_targets = || ApiError::invalid_field("targets", None);
    let items = match get("targets") {
        Some(Value::Array(items)) if !items.is_empty() && items.len() <= MAX_BULK_TARGETS => items,
        _ => return Err(invalid_targets()),
    };
    let targets = items
        .iter()
        .map(|v| {
            let text = v.as_str()?;
            match Pattern::parse(text)? {
                Pattern::Wildcard { .. } => None,
                p => Some((text.to_string(), p)),
            }
        })
        .collect::<Option<Vec<_>>>()
        .ok_or_else(invalid_targets)?;
    let rank_scale = match enum_field(
        get("rank_scale"),
        "rank_scale",
        &["one_thousand", "one_hundred"],
    )? {
        "one_hundred" => RankScale::OneHundred,
        _ => RankScale::OneThousand,
    };
    match get("tag") {
        None => {}
        Some(Value::String(s)) if s.chars().count() <= MAX_TAG_CHARS => {}
        Some(_) => return Err(ApiError::invalid_field("tag", None)),
    }
    Ok(BulkRanksRequest {
        targets,
        rank_scale,
    })
}

/// The result object: `{items_count, items: [{type, target, rank}]}` in target order.
pub fn bulk_ranks(snap: &Snapshot, req: &BulkRanksRequest) -> Result<Value, StoreError> {
    let mut blocks = Blocks::new(snap);
    let mut items = Vec::with_capacity(req.targets.len());
    for (text, pattern) in &req.targets {
        let mass = match pattern {
            Pattern::Domain(host) if snap.segments.len() == 1 => host_mass_from_stats(snap, host)?,
            _ => target_mass(&mut blocks, pattern)?,
        };
        items.push(json!({
            "type": "bulk_ranks",
            "target": text,
            "rank": reported_rank(scale(mass), req.rank_scale),
        }));
    }
    Ok(json!({ "items_count": items.len(), "items": items }))
}

/// Target hosts of segment `seg` that a domain pattern covers (the host and its subdomains).
fn covered_targets(snap: &Snapshot, seg: usize, host: &str) -> Vec<usize> {
    let reader = &snap.segments[seg];
    let mut out: Vec<usize> = reader.target(host).into_iter().collect();
    out.extend(reader.targets_with_key_prefix(&format!("{}.", host_order_key(host))));
    out
}

/// One segment holds every record once, so the stored live aggregates of each external pair
/// answer a domain target without reading records.
fn host_mass_from_stats(snap: &Snapshot, host: &str) -> Result<f64, StoreError> {
    let reader = &snap.segments[0];
    let mut mass = 0.0;
    let mut frame = None;
    for t in covered_targets(snap, 0, host) {
        for p in reader.pair_range(t) {
            let hot = reader.hot(p);
            if !hot.live() {
                continue;
            }
            if domain_matches(host, reader.from_host(reader.pair_from(p)), true) {
                continue;
            }
            let (f, i) = SegmentReader::frame_of(p);
            if frame.as_ref().is_none_or(|(g, _)| *g != f) {
                frame = Some((f, reader.stats_frame(f)?));
            }
            let cold = frame.as_ref().and_then(|(_, fr)| fr.get(i));
            mass += cold.map_or(0.0, |c| c.rank_mass);
        }
    }
    Ok(mass)
}

/// Σ unscale(rank) over the records feeding `pattern`, a key stored in several segments folded
/// oldest first before the rules apply.
fn target_mass(blocks: &mut Blocks<'_>, pattern: &Pattern) -> Result<f64, StoreError> {
    let snap = blocks.snap;
    let mut folded: HashMap<RecordKey, Record> = HashMap::new();
    for seg in 0..snap.segments.len() {
        let reader = &snap.segments[seg];
        let targets = match pattern {
            Pattern::Domain(host) => covered_targets(snap, seg, host),
            _ => reader.target(pattern.host()).into_iter().collect(),
        };
        for t in targets {
            for pair in reader.pairs(t) {
                let from = reader.from_host(pair.from);
                if let Pattern::Domain(host) = pattern {
                    if domain_matches(host, from, true) {
                        continue;
                    }
                }
                blocks.visit(seg, pair.record_start, pair.record_count, |r| {
                    if !pattern.matches(r.url_to, r.domain_to, true) {
                        return;
                    }
                    let r = r.to_record();
                    let key = r.key();
                    let merged = match folded.remove(&key) {
                        Some(stored) => Record::merge(&stored, &r),
                        None => r,
                    };
                    folded.insert(key, merged);
                })?;
            }
        }
    }
    Ok(folded
        .values()
        .filter(|r| !r.is_lost && r.dofollow && !r.is_broken)
        .map(|r| unscale(r.rank))
        .sum())
}
