//! What an ingest reports: per file and in total, and the events it sends while it runs.

use std::fmt;
use std::time::Duration;

use crate::archive::IngestOptions;

/// A corrupt or truncated record, bad WAT JSON, or a file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveError {
    pub file: String,
    /// Byte offset of the record in the decompressed stream; None for the file as a whole.
    pub offset: Option<u64>,
    pub reason: String,
}

impl fmt::Display for ArchiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The reader's messages already name the file and offset.
        write!(f, "{}", self.reason)
    }
}

/// What one input gave.
#[derive(Debug, Clone, Default)]
pub struct FileReport {
    pub file: String,
    pub captures: u64,
    /// Backlink records in those captures (before the recrawl rules).
    pub records: u64,
    pub errors: u64,
    pub seconds: f64,
}

#[derive(Debug, Clone, Default)]
pub struct IngestReport {
    pub files: Vec<FileReport>,
    /// The first `max_listed_errors` errors of all files.
    pub errors: Vec<ArchiveError>,
    pub captures: u64,
    pub records: u64,
    pub error_count: u64,
    /// Stored records the run read back because a fetch concerns them.
    pub stored_read: u64,
    /// Records written (one per key changed or observed), and among them:
    pub written: u64,
    pub lost: u64,
    pub broken: u64,
    pub indirect: u64,
    /// The generation committed (unchanged when nothing was written).
    pub generation: u64,
    pub seconds: f64,
}

/// What the caller is told while the ingest runs.
#[derive(Debug)]
pub enum Event<'a> {
    /// After each capture read.
    Read {
        file: &'a str,
        captures: u64,
        elapsed: Duration,
    },
    Error(&'a ArchiveError),
    FileDone(&'a FileReport),
    /// Reading is over; the stored state is read and the rules applied.
    Applying {
        captures: u64,
    },
}

impl IngestReport {
    pub(crate) fn failed(
        &mut self,
        fr: &mut FileReport,
        e: ArchiveError,
        opts: &IngestOptions,
        on: &mut dyn FnMut(Event<'_>),
    ) {
        on(Event::Error(&e));
        fr.errors += 1;
        self.error_count += 1;
        if self.errors.len() < opts.max_listed_errors {
            self.errors.push(e);
        }
    }
}
