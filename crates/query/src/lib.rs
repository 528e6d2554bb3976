//! The domain_intersection query: request model, validation, the filter language, and the
//! executor over the embedded index. Validation is shared by every backend; only execution
//! differs.

mod bulk_ranks;
mod engine;
mod error;
mod exec;
mod fields;
mod filter;
mod metrics;
mod registry;
mod render;
mod request;

pub use bulk_ranks::{
    bulk_ranks, parse_bulk_ranks, BulkRanksRequest, BULK_RANKS_FIELDS, MAX_BULK_TARGETS,
};
pub use engine::Engine;
pub use error::{ApiError, ErrorCode};
pub use exec::{Answer, Row};
pub use fields::{FieldType, FieldValue, RecordField, ResultField, RECORD_FIELDS, TARGET_METRICS};
pub use filter::{Cond, NumOp, Test};
pub use filter::{Expr, MAX_CONDITIONS, MAX_DEPTH};
pub use metrics::{reported_rank, CountMap, Metrics};
pub use metrics::{scale, unscale};
pub use registry::available_filters;
pub use render::render;
pub use request::{parse_request, IntersectionMode, RankScale, Request, StatusType, Target};

use serde_json::{Map, Value};

/// Something that answers the API's tasks: the embedded engine, later a ClickHouse cluster.
/// Both validate a task with the same code and return the same JSON.
pub trait Backend: Send + Sync {
    /// Validates one domain_intersection task and runs it. `Ok` is the task's result object
    /// (`{targets, total_count, items_count, items}`); `Err` is a 40501/40506 validation error or
    /// a 50000 internal error.
    fn domain_intersection(&self, task: &Map<String, Value>) -> Result<Value, ApiError>;

    /// Validates one bulk_ranks task and runs it. `Ok` is the task's result object
    /// (`{items_count, items: [{type, target, rank}]}`); errors as for domain_intersection.
    fn bulk_ranks(&self, task: &Map<String, Value>) -> Result<Value, ApiError>;
}
