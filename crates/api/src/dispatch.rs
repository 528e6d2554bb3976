//! Running a request's tasks: the first on the blocking pool under the deadline, every further
//! one answered 40000 (contract §1).

use std::sync::Arc;
use std::time::Instant;

use linkdex_query::{ApiError, ErrorCode};
use serde_json::Value;

use crate::app::App;
use crate::envelope::{echo_data, task_id, TaskReport};
use crate::limits::Permit;
use crate::log;
use crate::transport::Task;

pub(crate) const DOMAIN_INTERSECTION_PATH: &[&str] =
    &["v3", "backlinks", "domain_intersection", "live"];

/// A failure that is a bug or an I/O fault rather than the caller's doing: the whole request
/// is answered 50000 and the details are already logged.
pub(crate) struct Internal;

pub(crate) async fn domain_intersection(
    app: &App,
    tasks: Vec<Task>,
    permit: Permit,
) -> Result<Vec<TaskReport>, Internal> {
    let mut tasks = tasks.into_iter();
    let Some(first) = tasks.next() else {
        return Ok(Vec::new());
    };
    let started = Instant::now();
    let data = echo_data("backlinks", "domain_intersection", &first);
    let outcome = run_blocking(app, first, permit).await?;
    Ok(reports(outcome, data, started, tasks, &app.pricing))
}

/// The task reports of a request: the first task's outcome, and 40000 for every further task.
pub(crate) fn reports(
    outcome: Result<Value, ApiError>,
    data: serde_json::Map<String, Value>,
    started: Instant,
    extra: impl Iterator<Item = Task>,
    pricing: &crate::config::Pricing,
) -> Vec<TaskReport> {
    let cost = match &outcome {
        Ok(result) => pricing.task_cost(
            result
                .get("items_count")
                .and_then(Value::as_u64)
                .unwrap_or(0),
        ),
        Err(_) => 0.0,
    };
    let mut reports = vec![TaskReport {
        id: task_id(),
        outcome,
        time: started.elapsed(),
        cost,
        path: DOMAIN_INTERSECTION_PATH,
        data,
    }];
    reports.extend(extra.map(|extra| TaskReport {
        id: task_id(),
        outcome: Err(ApiError::new(ErrorCode::OneTaskAtATime)),
        time: std::time::Duration::ZERO,
        cost: 0.0,
        path: DOMAIN_INTERSECTION_PATH,
        data: echo_data("backlinks", "domain_intersection", &extra),
    }));
    reports
}

/// Answers a domain_intersection request body without HTTP (the `linkdex query` command): the
/// same parsing, tasks and envelope as the server, run on the calling thread.
pub fn answer_body(
    backend: &dyn linkdex_query::Backend,
    body: &[u8],
    pricing: &crate::config::Pricing,
) -> Value {
    let started = Instant::now();
    let tasks = match crate::transport::parse_tasks(
        body,
        crate::config::Limits::default().max_body_bytes,
    ) {
        Ok(t) => t,
        Err(e) => return crate::envelope::error_envelope(&e, started.elapsed()),
    };
    let mut tasks = tasks.into_iter();
    let Some(first) = tasks.next() else {
        return crate::envelope::error_envelope(
            &ApiError::new(ErrorCode::EmptyPostData),
            started.elapsed(),
        );
    };
    let data = echo_data("backlinks", "domain_intersection", &first);
    let outcome = backend.domain_intersection(&first);
    let reports = reports(outcome, data, started, tasks, pricing);
    crate::envelope::tasks_envelope(&reports, started.elapsed())
}

/// The query runs on the blocking pool and keeps the login's in-flight slot until it really
/// ends: a query past its deadline is answered 50401 but still occupies a slot (the engine
/// cannot be interrupted), so a client cannot pile up abandoned queries.
async fn run_blocking(
    app: &App,
    task: Task,
    permit: Permit,
) -> Result<Result<Value, ApiError>, Internal> {
    let backend = Arc::clone(&app.backend);
    let handle = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        backend.domain_intersection(&task)
    });
    match tokio::time::timeout(app.limits.deadline, handle).await {
        Err(_) => Ok(Err(ApiError::new(ErrorCode::Timeout))),
        Ok(Err(join)) => {
            log::internal_error("domain_intersection query", &join.to_string());
            Err(Internal)
        }
        Ok(Ok(Err(e))) if e.code == ErrorCode::Internal => {
            log::internal_error("domain_intersection query", &e.message);
            Err(Internal)
        }
        Ok(Ok(outcome)) => Ok(outcome),
    }
}
