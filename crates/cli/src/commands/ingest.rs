use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use linkdex_ingest::{ingest, ingest_into, Event, IngestOptions};
use linkdex_store::Index;

use super::clickhouse::Connection;

#[derive(clap::Args)]
pub struct Args {
    /// WARC or WAT files (plain or .gz, in any order: captures are applied in WARC-Date
    /// order), or - for stdin.
    #[arg(required = true)]
    files: Vec<String>,
    /// Exit 0 even when some records of the archives were corrupt or truncated.
    #[arg(long)]
    tolerate_errors: bool,
    /// Date of captures with neither a valid WARC-Date nor HTTP Date
    /// ("yyyy-mm-dd hh:mm:ss +00:00"). Default: the file's modification time, or now for stdin.
    #[arg(long)]
    seen_at: Option<String>,
    /// Seconds between progress lines on stderr (0: none).
    #[arg(long, default_value_t = 2)]
    progress_every: u64,
    /// Keep the new segment even when the index is due a merge (more than 8 segments, or later
    /// segments holding more than a quarter as many records as the first); `linkdex merge` merges.
    #[arg(long)]
    no_merge: bool,
}

pub fn run(data: &Path, ch: Option<&Connection>, args: Args) -> anyhow::Result<ExitCode> {
    let now = match &args.seen_at {
        Some(t) => Some(
            linkdex_model::parse_time(t)
                .ok_or_else(|| anyhow::anyhow!("--seen-at: not a time: {t}"))?,
        ),
        None => None,
    };
    let opts = IngestOptions {
        now,
        merge: super::import::merge_policy(args.no_merge),
        ..IngestOptions::default()
    };
    let every = Duration::from_secs(args.progress_every);
    let mut last = Instant::now();
    let mut on = |e: Event<'_>| match e {
        Event::Read {
            file,
            captures,
            elapsed,
        } if every > Duration::ZERO && last.elapsed() >= every => {
            last = Instant::now();
            eprintln!(
                "{file}: {captures} captures, {:.0} pages/s",
                captures as f64 / elapsed.as_secs_f64().max(1e-9)
            );
        }
        Event::Read { .. } => {}
        Event::Error(err) => eprintln!("{err}"),
        Event::FileDone(f) => eprintln!(
            "{}: read {} captures, {} records, {} errors",
            f.file, f.captures, f.records, f.errors
        ),
        Event::Applying { captures } => {
            eprintln!("applying {captures} captures in date order to the stored state")
        }
    };
    let report = match ch {
        Some(conn) => {
            let mut target = super::clickhouse::IngestTarget::new(conn)?;
            ingest_into(&mut target, &args.files, &opts, &mut on)?
        }
        None => ingest(&Index::open(data)?, &args.files, &opts, &mut on)?,
    };
    for f in &report.files {
        println!(
            "{}: {} captures, {} records, {} errors, {:.1}s ({:.0} pages/s)",
            f.file,
            f.captures,
            f.records,
            f.errors,
            f.seconds,
            f.captures as f64 / f.seconds.max(1e-9)
        );
    }
    if report.error_count > report.errors.len() as u64 {
        eprintln!(
            "... and {} more errors",
            report.error_count - report.errors.len() as u64
        );
    }
    println!(
        "total: {} files, {} captures, {} records, {} errors, {:.1}s ({:.0} pages/s); \
         {} stored records read back; {} records written ({} lost, {} broken, {} indirect), \
         generation {}",
        report.files.len(),
        report.captures,
        report.records,
        report.error_count,
        report.seconds,
        report.captures as f64 / report.seconds.max(1e-9),
        report.stored_read,
        report.written,
        report.lost,
        report.broken,
        report.indirect,
        report.generation
    );
    Ok(if report.error_count > 0 && !args.tolerate_errors {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
