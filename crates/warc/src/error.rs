//! The one error type of the crate. Every variant names the input and the byte offset (in the
//! decompressed stream) of the record it concerns, so that a report can point at it.

/// What went wrong while reading an archive.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be opened or read at all.
    #[error("{file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// A record's header or framing is not WARC; the reader skips to the next record.
    #[error("{file}: corrupt record at offset {offset}: {what}")]
    Corruption {
        file: String,
        offset: u64,
        what: String,
    },
    /// The input ends (or its compression breaks) inside a record; nothing follows.
    #[error("{file}: truncated record at offset {offset}: {what}")]
    Truncated {
        file: String,
        offset: u64,
        what: String,
    },
    /// A WAT metadata record whose JSON does not parse or lacks its envelope.
    #[error("{file}: bad WAT JSON at offset {offset}: {what}")]
    Wat {
        file: String,
        offset: u64,
        what: String,
    },
}

impl Error {
    /// The byte offset the error concerns, when it concerns a record.
    pub fn offset(&self) -> Option<u64> {
        match self {
            Error::Io { .. } => None,
            Error::Corruption { offset, .. }
            | Error::Truncated { offset, .. }
            | Error::Wat { offset, .. } => Some(*offset),
        }
    }
}
