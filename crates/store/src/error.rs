use std::path::PathBuf;

/// Everything that can go wrong reading or writing the index.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: corrupt at byte {offset}: {what}")]
    Corruption {
        path: PathBuf,
        offset: u64,
        what: String,
    },
    #[error("{path}: format version {found} is not supported (this build reads {supported})")]
    Version {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
    #[error("records must be pushed in key order: {what}")]
    Order { what: String },
    #[error("rewriting the record {url_from} -> {url_to}: {reason}")]
    Rewrite {
        url_from: String,
        url_to: String,
        reason: String,
    },
}

impl StoreError {
    pub(crate) fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> StoreError {
        let path = path.into();
        move |source| StoreError::Io { path, source }
    }

    pub fn corrupt(path: impl Into<PathBuf>, offset: u64, what: impl Into<String>) -> StoreError {
        StoreError::Corruption {
            path: path.into(),
            offset,
            what: what.into(),
        }
    }
}

pub type Result<T> = std::result::Result<T, StoreError>;
