//! Power iteration for PageRank with uniform teleport and uniform dangling redistribution.
//!
//! One step, for every node v (N nodes, damping d, D = mass on nodes without out-links):
//! `x'[v] = (1 - d) / N + d * D / N + d * Σ_{u -> v} x[u] / out(u)`.
//! The step conserves total mass exactly in real arithmetic, so Σ x = 1 throughout. Under
//! rounding (and `f32` contributions) it is kept so by computing the first two terms together
//! as `(1 - d * L) / N`, L = Σ_u out(u) * contrib[u] being the mass actually sent over links:
//! then Σ x' = N * (1 - d L) / N + d L = 1 whatever the rounding of the contributions.

use std::time::{Duration, Instant};

use crate::contribution::{row_sum, Contribution};
use crate::error::RankError;
use crate::graph::{available_threads, Graph};
use crate::options::{Options, Precision};
use crate::parallel::{ordered_sum, run_parts, Partition, BLOCK};

/// Reported after every step.
#[derive(Debug, Clone, PartialEq)]
pub struct Progress {
    /// Steps done so far (1-based).
    pub iteration: u32,
    /// L1 change of this step.
    pub residual: f64,
    /// Wall time of this step.
    pub elapsed: Duration,
}

/// The outcome of [`pagerank`].
#[derive(Debug, Clone, PartialEq)]
pub struct PageRankResult {
    /// PR by external node id; sums to 1 (up to rounding) for a non-empty graph.
    pub scores: Vec<f64>,
    /// Steps performed.
    pub iterations: u32,
    /// L1 change of the last step.
    pub residual: f64,
    /// Whether `residual < tolerance` was reached within `max_iter`.
    pub converged: bool,
    /// The damping the scores were computed with (needed to split off link-borne mass).
    pub damping: f64,
}

/// PageRank of every node of `graph`.
pub fn pagerank(graph: &Graph, options: &Options) -> Result<PageRankResult, RankError> {
    pagerank_with_progress(graph, options, &mut |_| {})
}

/// [`pagerank`], calling `progress` after every step.
pub fn pagerank_with_progress(
    graph: &Graph,
    options: &Options,
    progress: &mut dyn FnMut(&Progress),
) -> Result<PageRankResult, RankError> {
    options.validate()?;
    match options.precision {
        Precision::Single => iterate::<f32>(graph, options, progress),
        Precision::Double => iterate::<f64>(graph, options, progress),
    }
}

fn iterate<C: Contribution>(
    graph: &Graph,
    options: &Options,
    progress: &mut dyn FnMut(&Progress),
) -> Result<PageRankResult, RankError> {
    let n = graph.node_count() as usize;
    let d = options.damping;
    let mut result = PageRankResult {
        scores: Vec::new(),
        iterations: 0,
        residual: 0.0,
        converged: true,
        damping: d,
    };
    if n == 0 {
        return Ok(result);
    }
    let threads = match options.threads {
        0 => available_threads(),
        t => t,
    };
    let partition = Partition::balanced(graph.offsets(), threads);
    let blocks = n.div_ceil(BLOCK);
    let mut x = vec![1.0 / n as f64; n];
    let mut contrib = vec![C::default(); n];
    let mut block_sums = vec![0.0f64; blocks];
    result.converged = false;

    for iteration in 1..=options.max_iter {
        let started = Instant::now();
        spread(graph, &partition, &x, &mut contrib, &mut block_sums);
        let linked = ordered_sum(&block_sums);
        let base = (1.0 - d * linked) / n as f64;
        gather(
            graph,
            &partition,
            &contrib,
            d,
            base,
            &mut x,
            &mut block_sums,
        );
        let residual = ordered_sum(&block_sums);
        result.iterations = iteration;
        result.residual = residual;
        progress(&Progress {
            iteration,
            residual,
            elapsed: started.elapsed(),
        });
        if residual < options.tolerance {
            result.converged = true;
            break;
        }
    }

    let mut scores = vec![0.0; n];
    for (&e, &value) in graph.external_ids().iter().zip(&x) {
        scores[e as usize] = value;
    }
    result.scores = scores;
    Ok(result)
}

/// `contrib[u] = x[u] / out(u)` (0 for dangling u); `linked[b]` = Σ out(u) * contrib[u] over
/// block b, the mass block b sends over links as stored (rounding included).
fn spread<C: Contribution>(
    graph: &Graph,
    partition: &Partition,
    x: &[f64],
    contrib: &mut [C],
    linked: &mut [f64],
) {
    let out = graph.internal_out_degrees();
    let jobs: Vec<_> = partition
        .ranges()
        .zip(partition.split_nodes(contrib))
        .zip(partition.split_blocks(linked))
        .collect();
    run_parts(jobs, |((range, contrib), linked)| {
        let (x, out) = (&x[range.clone()], &out[range]);
        for (b, sum) in linked.iter_mut().enumerate() {
            let nodes = b * BLOCK..((b + 1) * BLOCK).min(x.len());
            let mut block = 0.0;
            for i in nodes {
                if out[i] == 0 {
                    contrib[i] = C::default();
                } else {
                    let degree = f64::from(out[i]);
                    contrib[i] = C::narrow(x[i] / degree);
                    block += contrib[i].widen() * degree;
                }
            }
            *sum = block;
        }
    });
}

/// `x[v] = base + d * Σ_{u -> v} contrib[u]`; `residual[b]` = Σ |Δx| over block b.
fn gather<C: Contribution>(
    graph: &Graph,
    partition: &Partition,
    contrib: &[C],
    d: f64,
    base: f64,
    x: &mut [f64],
    residual: &mut [f64],
) {
    let jobs: Vec<_> = partition
        .ranges()
        .zip(partition.split_nodes(x))
        .zip(partition.split_blocks(residual))
        .collect();
    run_parts(jobs, |((range, x), residual)| {
        let start = range.start;
        for (b, sum) in residual.iter_mut().enumerate() {
            let nodes = b * BLOCK..((b + 1) * BLOCK).min(x.len());
            let mut block = 0.0;
            for i in nodes {
                let next = base + d * row_sum(graph.row(start + i), contrib);
                block += (next - x[i]).abs();
                x[i] = next;
            }
            *sum = block;
        }
    });
}
