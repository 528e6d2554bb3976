use std::path::Path;
use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use linkdex_ingest::{import, ImportOptions};
use linkdex_store::{Index, MergePolicy};

use super::clickhouse::Connection;

#[derive(clap::Args)]
pub struct Args {
    /// JSONL files (.jsonl, .jsonl.gz, .jsonl.zst), or - for stdin.
    #[arg(required = true)]
    files: Vec<String>,
    /// Exit 0 even when some lines were rejected.
    #[arg(long)]
    tolerate_errors: bool,
    /// With --backend clickhouse: records per write batch. Each batch reads the stored rows of
    /// its keys in one pass over the table's key columns, so bigger batches load faster (and
    /// hold more records in memory: about 1 kB each).
    #[arg(long, default_value_t = 100_000)]
    batch_records: usize,
    /// Time given to records without first_seen/last_seen ("yyyy-mm-dd hh:mm:ss +00:00").
    /// Default: the file's modification time (so importing the same file twice changes
    /// nothing), or now for stdin.
    #[arg(long)]
    seen_at: Option<String>,
    /// Keep the new segment even when the index is due a merge (more than 8 segments, or later
    /// segments holding more than a quarter as many records as the first); `linkdex merge` merges.
    #[arg(long)]
    no_merge: bool,
}

/// The merge policy of `import` and `ingest`: the default, or none with `--no-merge`.
pub fn merge_policy(no_merge: bool) -> MergePolicy {
    if no_merge {
        MergePolicy::NEVER
    } else {
        MergePolicy::default()
    }
}

pub fn run(data: &Path, ch: Option<&Connection>, args: Args) -> anyhow::Result<ExitCode> {
    let index = match ch {
        None => Some(Index::open(data)?),
        Some(_) => None,
    };
    let mut failed = false;
    for file in &args.files {
        let now = match &args.seen_at {
            Some(t) => linkdex_model::parse_time(t)
                .ok_or_else(|| anyhow::anyhow!("--seen-at: not a time: {t}"))?,
            None => default_time(file),
        };
        let opts = ImportOptions {
            now,
            merge: merge_policy(args.no_merge),
            ..ImportOptions::default()
        };
        let started = Instant::now();
        let (report, written) = match (&index, ch) {
            (Some(index), _) => {
                let r = import(index, file, &opts)?;
                let merged = if r.merged {
                    ", segments merged into one"
                } else {
                    ""
                };
                let g = format!("generation {}{merged}", r.generation);
                (r, g)
            }
            (None, Some(conn)) => {
                let (r, stats) = super::clickhouse::import(conn, file, &opts, args.batch_records)?;
                let w = format!(
                    "{} rows written, {} unchanged",
                    stats.written, stats.unchanged
                );
                (r, w)
            }
            (None, None) => unreachable!("one backend is chosen"),
        };
        let secs = started.elapsed().as_secs_f64();
        for e in &report.errors {
            eprintln!("{file}:{}: {}", e.line, e.reason);
        }
        if report.rejected > report.errors.len() as u64 {
            eprintln!(
                "{file}: ... and {} more rejected lines",
                report.rejected - report.errors.len() as u64
            );
        }
        println!(
            "{file}: {} accepted, {} rejected, {:.1}s ({:.0} records/s), {written}",
            report.accepted,
            report.rejected,
            secs,
            report.accepted as f64 / secs.max(1e-9),
        );
        failed |= report.rejected > 0;
    }
    Ok(if failed && !args.tolerate_errors {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn default_time(file: &str) -> i64 {
    let modified = if file == "-" {
        None
    } else {
        std::fs::metadata(file).and_then(|m| m.modified()).ok()
    };
    let t = modified.unwrap_or_else(SystemTime::now);
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
