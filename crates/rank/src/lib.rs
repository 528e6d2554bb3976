//! Ranking for linkdex: PageRank over the page and host link graphs, ranks on the contract's
//! 0–1000 scale (spec `domain_intersection.md` §9), and the spam score.
//!
//! Pure library over `u32` node ids: the caller maps URLs and hosts to ids and writes ranks
//! back. Definitions and formulas: `docs/ranking.md`.

mod build;
mod contribution;
mod error;
mod graph;
mod mass;
mod options;
mod pagerank;
mod parallel;
mod scale;
mod spam;
mod spam_lists;

pub use error::RankError;
pub use graph::Graph;
pub use mass::{inbound_mass, link_rank, node_ranks};
pub use options::{Options, Precision};
pub use pagerank::{pagerank, pagerank_with_progress, PageRankResult, Progress};
pub use scale::{scale, unscale, MAX_RANK};
pub use spam::{spam_score, spam_signals, PageFacts, Signal};
