//! The one error type of the crate.

/// What went wrong while turning archives into captures.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The archive itself: I/O, a corrupt or truncated record, bad WAT JSON (with file and
    /// offset). Reading goes on after a corrupt record.
    #[error(transparent)]
    Warc(#[from] linkdex_warc::Error),
    /// The page's own URL is not an absolute http(s) URL.
    #[error("page URL {url:?}: {reason}")]
    PageUrl { url: String, reason: String },
}
