//! WARC/WAT ingest: every capture of every file (or stdin) through `linkdex-extract`, put in
//! WARC-Date order whatever the file order (spilled to disk, see `spill.rs`), applied to the
//! stored state by the recrawl rules (`recrawl.rs`), written as one commit. Every corrupt or
//! truncated record is reported with its file and offset and reading goes on.
//!
//! Memory: 24 bytes per capture plus the set of fetched URLs while reading; then the recrawl
//! state, which holds the records of this run (one per key) and the stored records they
//! concern. Record bodies of pages are never held: one record of the archive at a time.

use std::collections::HashSet;
use std::io;
use std::path::PathBuf;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use linkdex_extract::Captures;
use linkdex_model::Record;
use linkdex_store::{Index, IndexWriter, MergePolicy, StoreError};
use linkdex_warc::WarcReader;

use crate::existing::affected_records;
use crate::fetch::Fetch;
use crate::recrawl::apply_captures;
use crate::report::{ArchiveError, Event, FileReport, IngestReport};
use crate::spill::Spill;

#[derive(Debug, Clone)]
pub struct IngestOptions {
    /// The date of captures with neither a valid WARC-Date nor HTTP Date (Unix seconds).
    /// None: the file's modification time (now for stdin), so re-ingesting changes nothing.
    pub now: Option<i64>,
    /// Records per segment written (all segments join the index in one commit).
    pub chunk_records: usize,
    /// How many archive errors are kept in the report (all are counted).
    pub max_listed_errors: usize,
    /// When the commit is followed by a merge of every segment into one.
    pub merge: MergePolicy,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            now: None,
            chunk_records: 200_000,
            max_listed_errors: 1000,
            merge: MergePolicy::default(),
        }
    }
}

/// Why an ingest failed as a whole; the index then stays at its previous commit.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("spill file in {dir}: {source}")]
    Spill { dir: String, source: io::Error },
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Another backend failed to read the stored state or to write the outcome.
    #[error("backend: {0}")]
    Target(Box<dyn std::error::Error + Send + Sync>),
}

/// Where an ingest reads the stored state from and writes its outcome to.
pub trait IngestTarget {
    /// A directory for the spill file of captures.
    fn spill_dir(&self) -> PathBuf;
    /// The stored records whose referring or linked page is one of `urls`, or whose indirect
    /// path passes through one: each key once, as readers see it.
    fn affected(&mut self, urls: &HashSet<String>) -> Result<Vec<Record>, IngestError>;
    /// Writes one chunk of the run's records (the new state of their keys).
    fn write(&mut self, chunk: Vec<Record>) -> Result<(), IngestError>;
    /// Makes every chunk visible; returns the generation (0 where the backend has none).
    fn commit(&mut self) -> Result<u64, IngestError>;
}

/// The embedded index as an ingest target: one commit for the whole run.
struct Embedded<'a> {
    index: &'a Index,
    writer: IndexWriter,
    merge: MergePolicy,
}

impl IngestTarget for Embedded<'_> {
    fn spill_dir(&self) -> PathBuf {
        self.index.dir().to_path_buf()
    }

    fn affected(&mut self, urls: &HashSet<String>) -> Result<Vec<Record>, IngestError> {
        let snap = self.index.snapshot()?;
        Ok(affected_records(&snap, urls)?)
    }

    fn write(&mut self, chunk: Vec<Record>) -> Result<(), IngestError> {
        Ok(self.writer.stage(chunk)?)
    }

    fn commit(&mut self) -> Result<u64, IngestError> {
        let generation = self.writer.commit()?;
        Ok(self.writer.merge_if_due(&self.merge)?.unwrap_or(generation))
    }
}

/// Ingests the captures of `files` (paths, or `-` for stdin) into `index` as one commit.
pub fn ingest(
    index: &Index,
    files: &[String],
    opts: &IngestOptions,
    on: &mut dyn FnMut(Event<'_>),
) -> Result<IngestReport, IngestError> {
    let writer = index.writer()?;
    let generation = writer.manifest().generation;
    let mut target = Embedded {
        index,
        writer,
        merge: opts.merge,
    };
    let mut report = ingest_into(&mut target, files, opts, on)?;
    if report.written == 0 {
        report.generation = generation;
    }
    Ok(report)
}

/// Ingests the captures of `files` into any target (see [`IngestTarget`]).
pub fn ingest_into(
    target: &mut dyn IngestTarget,
    files: &[String],
    opts: &IngestOptions,
    on: &mut dyn FnMut(Event<'_>),
) -> Result<IngestReport, IngestError> {
    let started = Instant::now();
    let dir = target.spill_dir();
    let spill_err = |source| IngestError::Spill {
        dir: dir.display().to_string(),
        source,
    };
    let mut report = IngestReport::default();
    let mut spill = Spill::new(&dir).map_err(spill_err)?;
    let mut urls: HashSet<String> = HashSet::new();
    for file in files {
        let file_started = Instant::now();
        let mut fr = FileReport {
            file: file.clone(),
            ..Default::default()
        };
        match open(file) {
            Err(e) => report.failed(&mut fr, archive_error(file, e), opts, on),
            Ok(reader) => {
                let now = opts.now.unwrap_or_else(|| file_time(file));
                for item in Captures::new(reader, now) {
                    match item {
                        Ok(c) => {
                            let f = Fetch::from(c);
                            fr.captures += 1;
                            fr.records += f.links.len() as u64;
                            urls.insert(f.url.clone());
                            spill.push(&f).map_err(spill_err)?;
                            on(Event::Read {
                                file,
                                captures: fr.captures,
                                elapsed: file_started.elapsed(),
                            });
                        }
                        Err(e) => report.failed(&mut fr, extract_error(file, e), opts, on),
                    }
                }
            }
        }
        fr.seconds = file_started.elapsed().as_secs_f64();
        report.captures += fr.captures;
        report.records += fr.records;
        on(Event::FileDone(&fr));
        report.files.push(fr);
    }
    on(Event::Applying {
        captures: spill.len() as u64,
    });
    let existing = target.affected(&urls)?;
    drop(urls);
    report.stored_read = existing.len() as u64;
    let mut failed: Option<io::Error> = None;
    let fetches = spill
        .into_sorted()
        .map_err(spill_err)?
        .map_while(|r| r.map_err(|e| failed = Some(e)).ok());
    let out = apply_captures(fetches, existing);
    if let Some(e) = failed {
        return Err(spill_err(e));
    }
    report.written = out.len() as u64;
    report.lost = out.iter().filter(|r| r.is_lost).count() as u64;
    report.broken = out.iter().filter(|r| r.is_broken).count() as u64;
    report.indirect = out.iter().filter(|r| r.is_indirect_link).count() as u64;
    let mut out = out.into_iter();
    loop {
        let chunk: Vec<_> = out.by_ref().take(opts.chunk_records.max(1)).collect();
        if chunk.is_empty() {
            break;
        }
        target.write(chunk)?;
    }
    if report.written > 0 {
        report.generation = target.commit()?;
    }
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

fn open(file: &str) -> Result<WarcReader, linkdex_warc::Error> {
    if file == "-" {
        WarcReader::from_reader("-", io::stdin())
    } else {
        WarcReader::open(std::path::Path::new(file))
    }
}

fn archive_error(file: &str, e: linkdex_warc::Error) -> ArchiveError {
    ArchiveError {
        file: file.to_string(),
        offset: e.offset(),
        reason: e.to_string(),
    }
}

fn extract_error(file: &str, e: linkdex_extract::Error) -> ArchiveError {
    match e {
        linkdex_extract::Error::Warc(w) => archive_error(file, w),
        other => ArchiveError {
            file: file.to_string(),
            offset: None,
            reason: format!("{file}: {other}"),
        },
    }
}

/// The modification time of `file` (now for stdin or when unknown), Unix seconds.
fn file_time(file: &str) -> i64 {
    let modified = (file != "-")
        .then(|| std::fs::metadata(file).and_then(|m| m.modified()).ok())
        .flatten();
    modified
        .unwrap_or_else(SystemTime::now)
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
