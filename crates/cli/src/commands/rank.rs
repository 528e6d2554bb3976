//! `linkdex rank`: compute page, domain and link ranks and spam scores over the whole index and
//! write them as one new commit (the job: `linkdex_rank::rank_index`, rules: `docs/ranking.md`).

use std::path::Path;
use std::process::ExitCode;

use linkdex_rank::{rank_index, GraphKind, JobEvent, JobOptions, Options};
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

pub fn run(data: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let index = Index::open(data)?;
    let options = JobOptions {
        pagerank: Options {
            tolerance: args.tolerance,
            max_iter: args.max_iter,
            threads: args.threads,
            ..Options::default()
        },
        recompute: args.recompute,
    };
    let report = rank_index(&index, &options, &mut |event| match event {
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
    })?;
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
