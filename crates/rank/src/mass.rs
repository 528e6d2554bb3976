//! What mass a node "has" for ranking, and the ranks on the §9 scale.
//!
//! A node's PR splits into teleport `(1 - d) / N`, dangling share `d * D / N`, and the part
//! that arrived over links. Only the last is rank: `m(v) = d * Σ_{u -> v} PR(u) / out(u)`.
//! So a node without in-links has m = 0 and rank 0, the mass a link passes is
//! `d * PR(u) / out(u)`, and Σ over a node's in-links of that is exactly m(v): the §9 sum of a
//! target's link ranks reproduces the target's own rank (up to rounding of each link).

use crate::contribution::row_sum;
use crate::graph::Graph;
use crate::pagerank::PageRankResult;
use crate::scale::scale;

/// `m(v)` for every node, by external id.
///
/// Panics if `result` was not computed on `graph` (length mismatch).
pub fn inbound_mass(graph: &Graph, result: &PageRankResult) -> Vec<f64> {
    let external = graph.external_ids();
    assert_eq!(
        result.scores.len(),
        external.len(),
        "result is not of this graph"
    );
    let out = graph.internal_out_degrees();
    // Same contributions as a PageRank step, over the final scores.
    let contrib: Vec<f64> = external
        .iter()
        .zip(out)
        .map(|(&e, &deg)| match deg {
            0 => 0.0,
            deg => result.scores[e as usize] / f64::from(deg),
        })
        .collect();
    let mut mass = vec![0.0; external.len()];
    for (v, &e) in external.iter().enumerate() {
        mass[e as usize] = result.damping * row_sum(graph.row(v), &contrib);
    }
    mass
}

/// `scale(m(v))` for every node, by external id: page rank on the page graph, domain rank on
/// the host graph.
pub fn node_ranks(graph: &Graph, result: &PageRankResult) -> Vec<u16> {
    inbound_mass(graph, result).into_iter().map(scale).collect()
}

/// The rank a link `from -> to` passes: `scale(d * PR(from) / out(from))`, and 0 when the link
/// is not `dofollow`, is broken, or is a self-link (none of which is in the graph).
///
/// Panics if `from` is not a node of `graph`.
pub fn link_rank(
    graph: &Graph,
    result: &PageRankResult,
    from: u32,
    to: u32,
    dofollow: bool,
    is_broken: bool,
) -> u16 {
    let out = graph.out_degree(from);
    if !dofollow || is_broken || from == to || out == 0 {
        return 0;
    }
    scale(result.damping * result.scores[from as usize] / f64::from(out))
}
