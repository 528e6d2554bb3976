//! The whole result of a task, read page by page through the backend (the API caps `limit` at
//! 1000). The CSV export and the overlap summary both read results this way, so they see exactly
//! what the API answers.
//!
//! Each page is a separate query: a commit landing between two pages could shift rows. A walk
//! therefore checks that every page reports the `total_count` of the first, and fails with
//! [`PagesError::Changed`] otherwise, rather than return a row twice or not at all.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use linkdex_query::{ApiError, Backend, ErrorCode};
use serde_json::{json, Value};

use crate::log;
use crate::transport::Task;

/// Rows per query: the API's largest `limit`.
pub(crate) const PAGE_SIZE: u64 = 1000;

/// One page: the result's `total_count` and its items.
pub(crate) struct Page {
    pub total: u64,
    pub items: Vec<Value>,
}

#[derive(Debug)]
pub(crate) enum PagesError {
    /// The task is invalid (40501/40506), or the backend failed (50000, already logged).
    Api(ApiError),
    /// The index changed while the result was being read.
    Changed { first_total: u64, now_total: u64 },
}

impl From<ApiError> for PagesError {
    fn from(e: ApiError) -> PagesError {
        PagesError::Api(e)
    }
}

/// The page routes are not the API: they answer a refusal with the HTTP status that says what
/// happened, and a small JSON body with the API's code and message.
impl IntoResponse for PagesError {
    fn into_response(self) -> Response {
        let (status, code, message) = match self {
            PagesError::Api(e) => {
                let status = match e.code {
                    ErrorCode::RateLimited | ErrorCode::TooManyInFlight => {
                        StatusCode::TOO_MANY_REQUESTS
                    }
                    ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorCode::Timeout => StatusCode::GATEWAY_TIMEOUT,
                    _ => StatusCode::BAD_REQUEST,
                };
                (status, e.code.code(), e.message)
            }
            PagesError::Changed {
                first_total,
                now_total,
            } => (
                StatusCode::CONFLICT,
                ErrorCode::Internal.code(),
                format!(
                    "The index changed while the result was read ({first_total} rows, then \
                     {now_total}); try again."
                ),
            ),
        };
        json_response(
            status,
            &json!({"status_code": code, "status_message": message}),
        )
    }
}

/// A JSON body with its status (axum's `json` feature is not built).
pub(crate) fn json_response(status: StatusCode, body: &Value) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_else(|_| b"{}".to_vec());
    (status, [(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

/// The page of `task` at `offset`. Per-target maps (`referring_links_*`) are cut to one entry:
/// neither reader uses them.
pub(crate) fn page(backend: &dyn Backend, task: &Task, offset: u64) -> Result<Page, ApiError> {
    let mut paged = task.clone();
    paged.insert("offset".into(), offset.into());
    paged.insert("limit".into(), PAGE_SIZE.into());
    paged.insert("internal_list_limit".into(), 1.into());
    let mut result = backend.domain_intersection(&paged)?;
    let total = result.get("total_count").and_then(Value::as_u64);
    let items = match result.get_mut("items").map(Value::take) {
        Some(Value::Array(items)) => Some(items),
        _ => None,
    };
    match (total, items) {
        (Some(total), Some(items)) => Ok(Page { total, items }),
        _ => {
            log::internal_error("result pages", "result without total_count or items");
            Err(ApiError::new(ErrorCode::Internal))
        }
    }
}

/// The offsets of the pages after the first, for a result of `total` rows.
pub(crate) fn later_offsets(total: u64) -> impl Iterator<Item = u64> {
    (1..total.div_ceil(PAGE_SIZE)).map(|i| i * PAGE_SIZE)
}

/// The page at `offset`, checked against the first page's total.
pub(crate) fn later_page(
    backend: &dyn Backend,
    task: &Task,
    offset: u64,
    first_total: u64,
) -> Result<Page, PagesError> {
    let page = page(backend, task, offset)?;
    if page.total != first_total {
        return Err(PagesError::Changed {
            first_total,
            now_total: page.total,
        });
    }
    Ok(page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_cover_the_result_once() {
        assert_eq!(later_offsets(0).count(), 0);
        assert_eq!(later_offsets(1000).count(), 0);
        assert_eq!(later_offsets(1001).collect::<Vec<_>>(), [1000]);
        assert_eq!(later_offsets(3000).collect::<Vec<_>>(), [1000, 2000]);
    }
}
