//! JSONL import: streaming, bounded memory (every `chunk_records` records are sorted to a
//! temporary run; the runs are merged into one new segment), every bad line reported with its
//! number, one commit at the end.

use std::io::BufRead;
use std::ops::Range;
use std::sync::mpsc::SyncSender;

use linkdex_model::{RawObject, Record};
use linkdex_store::{Index, MergePolicy, StoreError};
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
    /// When the commit is followed by a merge of every segment into one.
    pub merge: MergePolicy,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            now: 0,
            chunk_records: 200_000,
            max_listed_errors: 1000,
            merge: MergePolicy::default(),
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
    /// Whether the commit was followed by a merge of every segment into one.
    pub merged: bool,
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
        if let Some(generation) = writer.merge_if_due(&opts.merge)? {
            report.generation = generation;
            report.merged = true;
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
    let input = open_source(name).map_err(read_err)?;
    let mut report = ImportReport::default();
    let mut chunk: Vec<Record> = Vec::new();
    std::thread::scope(|s| {
        // A thread reads (and decompresses) the next batches while this one parses.
        let (batches, received) = std::sync::mpsc::sync_channel(2);
        s.spawn(move || read_batches(input, batches));
        for batch in received {
            let batch = batch.map_err(read_err)?;
            for ((line, _), parsed) in batch.lines.iter().zip(parse_batch(&batch, opts.now)) {
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
        Ok::<(), ImportError>(())
    })?;
    if !chunk.is_empty() {
        write(chunk)?;
    }
    Ok(report)
}

/// Lines read together: their bytes, and each non-blank line's number and place in them.
struct Batch {
    text: Vec<u8>,
    lines: Vec<(u64, Range<usize>)>,
}

/// Lines parsed together (memory: a few batches of raw lines and their records).
const PARSE_BATCH: usize = 8192;

/// Reads `input` into batches of [`PARSE_BATCH`] non-blank lines, in order, until the end, a
/// read error (sent as the last item) or the receiver is gone.
fn read_batches(mut input: Box<dyn BufRead + Send>, out: SyncSender<std::io::Result<Batch>>) {
    let mut number = 0u64;
    loop {
        let mut batch = Batch {
            text: Vec::new(),
            lines: Vec::with_capacity(PARSE_BATCH),
        };
        while batch.lines.len() < PARSE_BATCH {
            let start = batch.text.len();
            match input.read_until(b'\n', &mut batch.text) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    let _ = out.send(Err(e));
                    return;
                }
            }
            number += 1;
            if !batch.text[start..].trim_ascii().is_empty() {
                batch.lines.push((number, start..batch.text.len()));
            }
        }
        if batch.lines.is_empty() || out.send(Ok(batch)).is_err() {
            return;
        }
    }
}

/// Parses a batch of lines on all cores; results in line order.
fn parse_batch(batch: &Batch, now: i64) -> Vec<Result<Record, String>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(8);
    let parse_part = |part: &[(u64, Range<usize>)]| -> Vec<Result<Record, String>> {
        part.iter()
            .map(|(_, range)| parse_line(batch.text[range.clone()].trim_ascii(), now))
            .collect()
    };
    if threads == 1 || batch.lines.len() < 512 {
        return parse_part(&batch.lines);
    }
    std::thread::scope(|s| {
        let handles: Vec<_> = batch
            .lines
            .chunks(batch.lines.len().div_ceil(threads))
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
