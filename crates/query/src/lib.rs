//! The domain_intersection query: request model, validation, the filter language, and the
//! executor over the embedded index.

mod error;

pub use error::{ApiError, ErrorCode};
