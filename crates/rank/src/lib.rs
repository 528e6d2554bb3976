//! Ranking for linkdex: PageRank over the page and host link graphs, ranks on the contract's
//! 0–1000 scale (spec `domain_intersection.md` §9), and the spam score.
//!
//! The algorithms are a pure library over `u32` node ids; [`rank_index`] is the job that maps an
//! index's URLs and hosts to ids and writes the ranks back. Definitions and formulas:
//! `docs/ranking.md`.

mod build;
mod contribution;
mod error;
mod graph;
mod job;
mod mass;
mod options;
mod pagerank;
mod parallel;
mod scale;
mod spam;
mod spam_lists;

pub use error::RankError;
pub use graph::Graph;
pub use job::{
    rank_index, rank_target, GraphKind, JobError, JobEvent, JobOptions, JobReport, RankTarget,
};
pub use mass::{inbound_mass, link_rank, node_ranks};
pub use options::{Options, Precision};
pub use pagerank::{pagerank, pagerank_with_progress, PageRankResult, Progress};
pub use scale::{scale, unscale, MAX_RANK};
pub use spam::{spam_score, spam_signals, PageFacts, Signal};
