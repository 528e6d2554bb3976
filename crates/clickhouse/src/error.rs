//! Errors of the ClickHouse backend.

#[derive(Debug, thiserror::Error)]
pub enum ChError {
    /// The server could not be reached (after the retries).
    #[error("ClickHouse at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    /// The server answered with an error (its code and text).
    #[error("ClickHouse error (HTTP {status}): {message}")]
    Server { status: u16, message: String },
    /// The server answered something this backend cannot read.
    #[error("unexpected answer from ClickHouse: {what}")]
    Decode { what: String },
    /// A stored row that is not a valid record.
    #[error("stored row is not a valid record: {reason}")]
    BadRow { reason: String },
}

impl ChError {
    pub(crate) fn decode(what: impl Into<String>) -> ChError {
        ChError::Decode { what: what.into() }
    }

    /// Whether retrying the same statement can succeed (a transient server condition).
    pub(crate) fn is_transient(&self) -> bool {
        match self {
            ChError::Unreachable { .. } => true,
            // 252 TOO_MANY_PARTS (inserts faster than merges), 202 TOO_MANY_SIMULTANEOUS_QUERIES,
            // 5xx without a code: the server is busy or restarting.
            ChError::Server { status, message } => {
                message.contains("Code: 252,")
                    || message.contains("Code: 202,")
                    || (*status >= 500 && !message.contains("Code: "))
            }
            _ => false,
        }
    }
}
