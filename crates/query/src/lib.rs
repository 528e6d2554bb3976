//! The domain_intersection query: request model, validation, the filter language, and the
//! executor over the embedded index.

mod error;

pub use error::{ApiError, ErrorCode};

use serde_json::{Map, Value};

/// Something that answers the API's tasks: the embedded engine, later a ClickHouse cluster.
/// Both validate a task with the same code and return the same JSON.
pub trait Backend: Send + Sync {
    /// Validates one domain_intersection task and runs it. `Ok` is the task's result object
    /// (`{targets, total_count, items_count, items}`); `Err` is a 40501/40506 validation error or
    /// a 50000 internal error.
    fn domain_intersection(&self, task: &Map<String, Value>) -> Result<Value, ApiError>;
}
