//! Getting records into the index: JSONL import (and, later, web archive ingest).

mod import;
mod source;

pub use import::{import, ImportError, ImportOptions, ImportReport, LineError};
pub use source::open_source;
