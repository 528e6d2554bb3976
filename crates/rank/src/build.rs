//! Building the in-link CSR by counting sort: two passes over an edge source, no edge list.
//!
//! Memory: the caller's input, plus 4 bytes per edge (`sources`) and about 24 bytes per node
//! while building (degrees, order, offsets). Duplicate edges occupy a slot until the per-row
//! dedup; `shrink_to_fit` then returns the slack.

use crate::error::RankError;
use crate::graph::Graph;
use crate::parallel::{run_parts, split_at_bounds, Partition};

/// Builds a [`Graph`] over `0..node_count` from `edges`, which is called exactly twice and must
/// yield the same `(src, dst)` pairs both times (it emits them through the callback it is given).
///
/// Self-loops are dropped and parallel edges kept once (see `docs/ranking.md`, "Graph").
pub(crate) fn build<F>(node_count: u32, threads: usize, mut edges: F) -> Result<Graph, RankError>
where
    F: FnMut(&mut dyn FnMut(u32, u32)),
{
    let n = node_count as usize;
    // Pass 1: validate and count raw degrees (duplicates included, self-loops not).
    let mut out_raw = vec![0u32; n];
    let mut in_raw = vec![0u32; n];
    let mut bad: Option<(u32, u32)> = None;
    let mut overflow = false;
    edges(&mut |src, dst| {
        if src >= node_count || dst >= node_count {
            bad.get_or_insert((src, dst));
        } else if src != dst {
            let (s, d) = (src as usize, dst as usize);
            match (out_raw[s].checked_add(1), in_raw[d].checked_add(1)) {
                (Some(o), Some(i)) => (out_raw[s], in_raw[d]) = (o, i),
                _ => overflow = true,
            }
        }
    });
    if let Some((src, dst)) = bad {
        let reason = format!("edge ({src}, {dst}) names a node outside 0..{node_count}");
        return Err(RankError::invalid("edges", reason));
    }
    if overflow {
        return Err(RankError::invalid("edges", "a node has 2^32 or more links"));
    }

    let external = degree_order(&out_raw);
    let mut internal = vec![0u32; n];
    for (i, &e) in external.iter().enumerate() {
        internal[e as usize] = i as u32;
    }

    // Row *ends*; the scatter decrements each to its row's start.
    let mut offsets = vec![0u64; n + 1];
    let mut total = 0u64;
    for (i, &e) in external.iter().enumerate() {
        total += u64::from(in_raw[e as usize]);
        offsets[i] = total;
    }
    offsets[n] = total;
    drop(in_raw);

    // Pass 2: scatter every source into its destination's row.
    let mut sources = vec![0u32; total as usize];
    edges(&mut |src, dst| {
        if src != dst && src < node_count && dst < node_count {
            let row = internal[dst as usize] as usize;
            offsets[row] -= 1;
            sources[offsets[row] as usize] = internal[src as usize];
        }
    });

    let kept = sort_and_dedup_rows(&offsets, &mut sources, threads);
    compact(&mut offsets, &mut sources, &kept);

    let mut out_degree = out_raw;
    out_degree.fill(0);
    for &u in &sources {
        out_degree[u as usize] += 1;
    }
    Ok(Graph::from_parts(
        offsets, sources, out_degree, external, internal,
    ))
}

/// Internal order: out-degree descending, then external id. Sources read most often (the ones
/// with most out-links) end up packed at the front of the score arrays, where they stay in
/// cache; the id tie-break makes the order a pure function of the edge multiset.
fn degree_order(out_raw: &[u32]) -> Vec<u32> {
    let mut keys: Vec<u64> = out_raw
        .iter()
        .enumerate()
        .map(|(id, &deg)| (u64::from(u32::MAX - deg) << 32) | id as u64)
        .collect();
    keys.sort_unstable();
    let mut order: Vec<u32> = keys.into_iter().map(|k| k as u32).collect();
    order.shrink_to_fit();
    order
}

/// Sorts each row ascending and removes duplicates in place at the row's start; returns the
/// kept length per row. Rows are independent, so they are spread over threads by edge count.
fn sort_and_dedup_rows(offsets: &[u64], sources: &mut [u32], threads: usize) -> Vec<u32> {
    let n = offsets.len() - 1;
    let mut kept = vec![0u32; n];
    let partition = Partition::balanced(offsets, threads);
    let edge_bounds: Vec<usize> = partition
        .ranges()
        .map(|r| offsets[r.start] as usize)
        .chain(std::iter::once(sources.len()))
        .collect();
    let jobs: Vec<_> = partition
        .ranges()
        .zip(split_at_bounds(sources, &edge_bounds))
        .zip(partition.split_nodes(&mut kept))
        .map(|((range, rows), kept)| (range, rows, kept))
        .collect();
    run_parts(jobs, |(range, rows, kept)| {
        let base = offsets[range.start];
        for (k, v) in range.enumerate() {
            let row = &mut rows[(offsets[v] - base) as usize..(offsets[v + 1] - base) as usize];
            row.sort_unstable();
            let mut len = 0;
            for i in 0..row.len() {
                if len == 0 || row[i] != row[len - 1] {
                    row[len] = row[i];
                    len += 1;
                }
            }
            kept[k] = len as u32;
        }
    });
    kept
}

/// Moves every row's kept prefix left so rows are contiguous again, then frees the slack.
fn compact(offsets: &mut [u64], sources: &mut Vec<u32>, kept: &[u32]) {
    let mut write = 0usize;
    for (v, &len) in kept.iter().enumerate() {
        let start = offsets[v] as usize;
        sources.copy_within(start..start + len as usize, write);
        offsets[v] = write as u64;
        write += len as usize;
    }
    offsets[kept.len()] = write as u64;
    sources.truncate(write);
    sources.shrink_to_fit();
}
