//! Getting records into the index: JSONL import, and WARC/WAT ingest with the recrawl rules
//! (lost, broken, indirect links).

mod archive;
mod existing;
mod fetch;
mod import;
mod recrawl;
#[cfg(test)]
mod recrawl_tests;
mod report;
mod source;
mod spill;
mod target;

pub use archive::{ingest, ingest_into, IngestError, IngestOptions, IngestTarget};
pub use fetch::Fetch;
pub use import::{import, read_records, ImportError, ImportOptions, ImportReport, LineError};
pub use recrawl::apply_captures;
pub use report::{ArchiveError, Event, FileReport, IngestReport};
pub use source::open_source;
