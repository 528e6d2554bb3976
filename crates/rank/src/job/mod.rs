//! The ranking job over an index: read every record of the current commit, build the page graph
//! (pages = `url_from` and `url_to`; edges = live, dofollow, unbroken records), run PageRank on
//! it and on its host fold, score every referring page for spam, and write every record back
//! with `page_from_rank`, `domain_from_rank`, `rank` and `backlink_spam_score` as one new commit
//! that replaces all segments. Definitions: `docs/ranking.md`.
//!
//! The job holds the index's writer lock from the first read to the commit, so the graph it
//! computes is the graph of exactly the records it rewrites. A job that fails or is killed
//! leaves the previous commit.

mod ranks;
mod scan;

use std::time::Instant;

use linkdex_model::Record;
use linkdex_store::{Index, IndexWriter, StoreError};

use crate::error::RankError;
use crate::options::Options;
use crate::pagerank::Progress;
use ranks::Ranks;
use scan::Scan;

/// How the job runs.
#[derive(Debug, Clone, Default)]
pub struct JobOptions {
    pub pagerank: Options,
    /// Overwrite the ranks of every record. Without it, a record keeps its four computed fields
    /// when any of `rank`, `page_from_rank`, `domain_from_rank` is non-zero (they came from an
    /// import, or from an earlier run).
    pub recompute: bool,
}

/// Which PageRank an iteration belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphKind {
    Pages,
    Hosts,
}

/// What the job reports while it runs.
#[derive(Debug)]
pub enum JobEvent<'a> {
    /// Pass 1 is done: the graph's size.
    Scanned {
        records: u64,
        pages: u32,
        hosts: u32,
        edges: u64,
    },
    /// One PageRank step.
    Iteration {
        graph: GraphKind,
        progress: &'a Progress,
    },
    /// Ranks are computed; the rewrite starts.
    Writing,
}

/// The outcome of a job.
#[derive(Debug, Clone, PartialEq)]
pub struct JobReport {
    pub records: u64,
    pub pages: u32,
    pub hosts: u32,
    /// Distinct rank-passing page links and host links (after dropping self-links/duplicates).
    pub page_edges: u64,
    pub host_edges: u64,
    pub page_iterations: u32,
    pub page_converged: bool,
    /// Records whose ranks were (re)computed, and records that kept their ranks.
    pub filled: u64,
    pub kept: u64,
    pub generation: u64,
    pub seconds: f64,
}

/// Why a job failed; the index is then at its previous commit.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error("index: {0}")]
    Store(#[from] StoreError),
    #[error(transparent)]
    Rank(#[from] RankError),
    #[error("the index has too many {what} for u32 ids")]
    TooLarge { what: &'static str },
    /// Another backend failed to read or write the records.
    #[error("backend: {0}")]
    Target(Box<dyn std::error::Error + Send + Sync>),
}

/// Where the job reads records from and writes them back to: the embedded index, or another
/// backend.
pub trait RankTarget {
    /// Calls `f` on every stored record (one per key).
    fn scan(&mut self, f: &mut dyn FnMut(&Record)) -> Result<(), JobError>;
    /// Passes every stored record through `f` and stores the result; returns the generation
    /// (0 where the backend has none). The records are those `scan` saw.
    fn rewrite(
        &mut self,
        f: &mut dyn FnMut(&mut Record) -> Result<(), String>,
    ) -> Result<u64, JobError>;
}

impl RankTarget for IndexWriter {
    fn scan(&mut self, f: &mut dyn FnMut(&Record)) -> Result<(), JobError> {
        self.scan_all(|r| {
            f(r);
            Ok(())
        })?;
        Ok(())
    }

    fn rewrite(
        &mut self,
        f: &mut dyn FnMut(&mut Record) -> Result<(), String>,
    ) -> Result<u64, JobError> {
        Ok(self.rewrite_all(f)?)
    }
}

/// Ranks every record of `index` (see the module doc).
pub fn rank_index(
    index: &Index,
    options: &JobOptions,
    events: &mut dyn FnMut(JobEvent<'_>),
) -> Result<JobReport, JobError> {
    // The writer lock is held from the first read to the commit.
    let mut writer = index.writer()?;
    rank_target(&mut writer, options, events)
}

/// Ranks every record of any target (see the module doc).
pub fn rank_target(
    target: &mut dyn RankTarget,
    options: &JobOptions,
    events: &mut dyn FnMut(JobEvent<'_>),
) -> Result<JobReport, JobError> {
    let started = Instant::now();
    let mut scan = Scan::new();
    let mut failed: Option<JobError> = None;
    target.scan(&mut |r| {
        if failed.is_none() {
            failed = scan.add(r).err();
        }
    })?;
    if let Some(e) = failed {
        return Err(e);
    }
    events(JobEvent::Scanned {
        records: scan.records,
        pages: scan.page_count(),
        hosts: scan.host_count(),
        edges: scan.edges.len() as u64,
    });
    let ranks = Ranks::compute(&mut scan, &options.pagerank, events)?;
    events(JobEvent::Writing);
    let (mut filled, mut kept) = (0u64, 0u64);
    let generation = target.rewrite(&mut |r| {
        let imported = r.rank != 0 || r.page_from_rank != 0 || r.domain_from_rank != 0;
        if imported && !options.recompute {
            kept += 1;
            return Ok(());
        }
        filled += 1;
        ranks.apply(&scan, r)
    })?;
    Ok(JobReport {
        records: scan.records,
        pages: scan.page_count(),
        hosts: scan.host_count(),
        page_edges: ranks.page_graph.edge_count(),
        host_edges: ranks.host_edges,
        page_iterations: ranks.page_result.iterations,
        page_converged: ranks.page_result.converged,
        filled,
        kept,
        generation,
        seconds: started.elapsed().as_secs_f64(),
    })
}
