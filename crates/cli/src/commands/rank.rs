//! `linkdex rank`: compute page, domain and link ranks and spam scores over the whole index and
//! write them as one new commit (the job: `linkdex_rank::rank_index`, rules: `docs/ranking.md`).

use std::path::Path;
use std::process::ExitCode;

use linkdex_rank::{rank_index, rank_target, GraphKind, JobEvent, JobOptions, Options};

use super::clickhouse::{Connection, RankTarget};
use linkdex_store::Index;

#[derive(clap::Args)]
pub struct Args {
    /// Recompute every record's ranks. Without it, records that carry a rank (any of rank,
    /// page_from_rank, domain_from_rank non-zero: imported, or from an earlier run) keep theirs.
    #[arg(long)]
    recompute: bool,
    /// PageRank stops when the L1 change of a step falls below this.
    #[arg(long, default_value_t = 1e-7)]
    tolerance: f64,
    /// PageRank stops after this many steps even if not converged.
    #[arg(long, default_value_t = 200)]
    max_iter: u32,
    /// Worker threads (0: all cores); results are identical for every value.
    #[arg(long, default_value_t = 0)]
    threads: usize,
}

pub fn run(data: &Path, ch: Option<&Connection>, args: Args) -> anyhow::Result<ExitCode> {
    let options = JobOptions {
        pagerank: Options {
            tolerance: args.tolerance,
            max_iter: args.max_iter,
            threads: args.threads,
            ..Options::default()
        },
        recompute: args.recompute,
    };
    let mut events = |event: JobEvent<'_>| match event {
        JobEvent::Scanned {
            records,
            pages,
            hosts,
            edges,
        } => eprintln!("rank: {records} records: {pages} pages, {hosts} hosts, {edges} links"),
        JobEvent::Iteration { graph, progress } => eprintln!(
            "rank: {} iteration {}: residual {:.3e} ({:.3}s)",
            match graph {
                GraphKind::Pages => "pages",
                GraphKind::Hosts => "hosts",
            },
            progress.iteration,
            progress.residual,
            progress.elapsed.as_secs_f64()
        ),
        JobEvent::Writing => eprintln!("rank: writing"),
    };
    let report = match ch {
        Some(conn) => {
            let mut target = RankTarget(linkdex_clickhouse::Client::new(conn.config()?));
            rank_target(&mut target, &options, &mut events)?
        }
        None => rank_index(&Index::open(data)?, &options, &mut events)?,
    };
    if !report.page_converged {
        eprintln!(
            "rank: page graph not converged after {} iterations",
            report.page_iterations
        );
    }
    println!(
        "ranked {} records ({} filled, {} kept their ranks): {} pages, {} page links, {} hosts, \
         {} host links; {:.1}s, generation {}",
        report.records,
        report.filled,
        report.kept,
        report.pages,
        report.page_edges,
        report.hosts,
        report.host_edges,
        report.seconds,
        report.generation
    );
    Ok(ExitCode::SUCCESS)
}
