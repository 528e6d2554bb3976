//! Running a request's tasks: the first on the blocking pool under the deadline, every further
//! one answered 40000 (contract §1). The same for every task endpoint; an [`Endpoint`] names
//! the function and the backend method that runs it.

use std::sync::Arc;
use std::time::Instant;

use linkdex_query::{ApiError, Backend, ErrorCode};
use serde_json::{Map, Value};

use crate::app::App;
use crate::envelope::{echo_data, task_id, TaskReport};
use crate::limits::Permit;
use crate::log;
use crate::transport::Task;

/// A backend method that validates and runs one task.
pub(crate) type RunTask = fn(&dyn Backend, &Map<String, Value>) -> Result<Value, ApiError>;

/// A live task endpoint: its `function` (in `data`), its `path`, and the backend method.
pub(crate) struct Endpoint {
    pub function: &'static str,
    pub path: &'static [&'static str],
    pub run: RunTask,
}

pub(crate) const DOMAIN_INTERSECTION: Endpoint = Endpoint {
    function: "domain_intersection",
    path: &["v3", "backlinks", "domain_intersection", "live"],
    run: |b, t| b.domain_intersection(t),
};

pub(crate) const BULK_RANKS: Endpoint = Endpoint {
    function: "bulk_ranks",
    path: &["v3", "backlinks", "bulk_ranks", "live"],
    run: |b, t| b.bulk_ranks(t),
};

/// A failure that is a bug or an I/O fault rather than the caller's doing: the whole request
/// is answered 50000 and the details are already logged.
pub(crate) struct Internal;

pub(crate) async fn run_tasks(
    app: &App,
    endpoint: &'static Endpoint,
    tasks: Vec<Task>,
    permit: Permit,
) -> Result<Vec<TaskReport>, Internal> {
    let mut tasks = tasks.into_iter();
    let Some(first) = tasks.next() else {
        return Ok(Vec::new());
    };
    let started = Instant::now();
    let data = echo_data("backlinks", endpoint.function, &first);
    let outcome = run_blocking(app, endpoint, first, permit).await?;
    Ok(reports(
        endpoint,
        outcome,
        data,
        started,
        tasks,
        &app.pricing,
    ))
}

/// The task reports of a request: the first task's outcome, and 40000 for every further task.
pub(crate) fn reports(
    endpoint: &Endpoint,
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
        path: endpoint.path,
        data,
    }];
    reports.extend(extra.map(|extra| TaskReport {
        id: task_id(),
        outcome: Err(ApiError::new(ErrorCode::OneTaskAtATime)),
        time: std::time::Duration::ZERO,
        cost: 0.0,
        path: endpoint.path,
        data: echo_data("backlinks", endpoint.function, &extra),
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
    let endpoint = &DOMAIN_INTERSECTION;
    let data = echo_data("backlinks", endpoint.function, &first);
    let outcome = (endpoint.run)(backend, &first);
    let reports = reports(endpoint, outcome, data, started, tasks, pricing);
    crate::envelope::tasks_envelope(&reports, started.elapsed())
}

/// The query runs on the blocking pool and keeps the login's in-flight slot until it really
/// ends: a query past its deadline is answered 50401 but still occupies a slot (the engine
/// cannot be interrupted), so a client cannot pile up abandoned queries.
async fn run_blocking(
    app: &App,
    endpoint: &'static Endpoint,
    task: Task,
    permit: Permit,
) -> Result<Result<Value, ApiError>, Internal> {
    let backend = Arc::clone(&app.backend);
    let handle = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        (endpoint.run)(backend.as_ref(), &task)
    });
    match tokio::time::timeout(app.limits.deadline, handle).await {
        Err(_) => Ok(Err(ApiError::new(ErrorCode::Timeout))),
        Ok(Err(join)) => {
            log::internal_error(&format!("{} query", endpoint.function), &join.to_string());
            Err(Internal)
        }
        Ok(Ok(Err(e))) if e.code == ErrorCode::Internal => {
            log::internal_error(&format!("{} query", endpoint.function), &e.message);
            Err(Internal)
        }
        Ok(Ok(outcome)) => Ok(outcome),
    }
}
