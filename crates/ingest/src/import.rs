//! JSONL import: streaming, bounded memory (every `chunk_records` records are sorted to a
//! temporary run; the runs are merged into one new segment), every bad line reported with its
//! number, one commit at the end.

use std::io::BufRead;

use linkdex_model::{RawObject, Record};
use linkdex_store::{Index, StoreError};
use serde_json::{Map, Value};

use crate::source::open_source;

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The time given to records without `first_seen`/`last_seen` (Unix seconds).
    pub now: i64,
    /// Records held in memory before they are written to a segment.
    pub chunk_records: usize,
    /// How many rejected lines are kept with their reasons (all are counted).
    pub max_listed_errors: usize,
    /// Merge every segment into one after the commit when the index has more than this many.
    pub merge_above: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            now: 0,
            chunk_records: 200_000,
            max_listed_errors: 1000,
            merge_above: 8,
        }
    }
}

/// A rejected line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub reason: String,
}

#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub accepted: u64,
    pub rejected: u64,
    /// The first `max_listed_errors` rejected lines.
    pub errors: Vec<LineError>,
    /// The generation committed (unchanged when nothing was accepted).
    pub generation: u64,
}

/// Why an import failed as a whole; the index then stays at its previous commit.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{name}: {source}")]
    Read {
        name: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The destination (another backend) refused a chunk.
    #[error("writing records: {0}")]
    Sink(Box<dyn std::error::Error + Send + Sync>),
}

/// Imports the JSONL records of `name` (a path or `-`) into `index` as one commit.
pub fn import(
    index: &Index,
    name: &str,
    opts: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let mut writer = index.writer()?;
    let mut report = read_records(name, opts, |chunk| writer.stage(chunk))?;
    report.generation = writer.manifest().generation;
    if report.accepted > 0 {
        report.generation = writer.commit()?;
        if writer.manifest().segments.len() > opts.merge_above {
            report.generation = writer.merge_all()?;
        }
    }
    Ok(report)
}

/// Reads the JSONL records of `name` and hands them to `write` in chunks of at most
/// `opts.chunk_records`, in line order (the order decides which of two observations of a key
/// is the newer import). Bad lines are counted and listed in the report, not written.
pub fn read_records<E>(
    name: &str,
    opts: &ImportOptions,
    mut write: impl FnMut(Vec<Record>) -> Result<(), E>,
) -> Result<ImportReport, ImportError>
where
    ImportError: From<E>,
{
    let read_err = |source| ImportError::Read {
        name: name.to_string(),
        source,
    };
    let mut input = open_source(name).map_err(read_err)?;
    let mut report = ImportReport::default();
    let mut chunk: Vec<Record> = Vec::new();
    let mut batch: Vec<(u64, Vec<u8>)> = Vec::with_capacity(PARSE_BATCH);
    let mut number = 0u64;
    loop {
        // Read a batch of lines, parse it on every core, then apply the results in line order.
        batch.clear();
        while batch.len() < PARSE_BATCH {
            let mut line = Vec::new();
            if input.read_until(b'\n', &mut line).map_err(read_err)? == 0 {
                break;
            }
            number += 1;
            if !line.trim_ascii().is_empty() {
                batch.push((number, line));
            }
        }
        if batch.is_empty() {
            break;
        }
        for ((line, _), parsed) in batch.iter().zip(parse_batch(&batch, opts.now)) {
            match parsed {
                Ok(r) => {
                    report.accepted += 1;
                    chunk.push(r);
                    if chunk.len() >= opts.chunk_records {
                        write(std::mem::take(&mut chunk))?;
                    }
                }
                Err(reason) => {
                    report.rejected += 1;
                    if report.errors.len() < opts.max_listed_errors {
                        report.errors.push(LineError {
                            line: *line,
                            reason,
                        });
                    }
                }
            }
        }
    }
    if !chunk.is_empty() {
        write(chunk)?;
    }
    Ok(report)
}

/// Lines parsed together (memory: one batch of raw lines and their records).
const PARSE_BATCH: usize = 8192;

/// Parses a batch of lines on all cores; results in line order.
fn parse_batch(lines: &[(u64, Vec<u8>)], now: i64) -> Vec<Result<Record, String>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let parse_part = |part: &[(u64, Vec<u8>)]| -> Vec<Result<Record, String>> {
        part.iter()
            .map(|(_, l)| parse_line(l.trim_ascii(), now))
            .collect()
    };
    if threads == 1 || lines.len() < 512 {
        return parse_part(lines);
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = lines
            .chunks(lines.len().div_ceil(threads))
            .map(|part| s.spawn(move || parse_part(part)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

fn parse_line(text: &[u8], now: i64) -> Result<Record, String> {
    if let Some(obj) = RawObject::parse(text) {
        return Record::from_raw(&obj, now);
    }
    // Not an object: `Value` says precisely why.
    let value: Value = serde_json::from_slice(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let obj: &Map<String, Value> = value.as_object().ok_or("not a JSON object")?;
    Record::from_json(obj, now)
}
