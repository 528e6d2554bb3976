//! Route handlers: admission, body, dispatch, envelope. The work lives in the modules they call.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::Extension;
use linkdex_query::{ApiError, ErrorCode};
use serde_json::Map;

use crate::app::App;
use crate::auth::Login;
use crate::dispatch;
use crate::envelope::{task_id, Reply, TaskReport};
use crate::transport::{parse_tasks, read_body};

const AVAILABLE_FILTERS_PATH: &[&str] = &["v3", "backlinks", "available_filters"];

pub(crate) async fn domain_intersection(
    State(app): State<Arc<App>>,
    Extension(login): Extension<Login>,
    req: Request,
) -> Reply {
    live_task(&app, &login, req, &dispatch::DOMAIN_INTERSECTION).await
}

pub(crate) async fn bulk_ranks(
    State(app): State<Arc<App>>,
    Extension(login): Extension<Login>,
    req: Request,
) -> Reply {
    live_task(&app, &login, req, &dispatch::BULK_RANKS).await
}

/// Admission, body, tasks, dispatch and envelope of a live task endpoint.
async fn live_task(
    app: &App,
    login: &Login,
    req: Request,
    endpoint: &'static dispatch::Endpoint,
) -> Reply {
    let started = Instant::now();
    let max = app.limits.max_body_bytes;
    let body = read_body(req.into_body(), &app.limits).await;
    let permit = match app.limiter.admit(&login.0) {
        Ok(p) => p,
        Err(e) => return Reply::error(&e, started.elapsed()),
    };
    let tasks = match body.and_then(|b| parse_tasks(&b, max)) {
        Ok(t) => t,
        Err(e) => return Reply::error(&e, started.elapsed()),
    };
    match dispatch::run_tasks(app, endpoint, tasks, permit).await {
        Ok(reports) => Reply::tasks(&reports, started.elapsed()),
        Err(dispatch::Internal) => Reply::internal(),
    }
}

pub(crate) async fn available_filters(
    State(app): State<Arc<App>>,
    Extension(login): Extension<Login>,
) -> Reply {
    let started = Instant::now();
    let _permit = match app.limiter.admit(&login.0) {
        Ok(p) => p,
        Err(e) => return Reply::error(&e, started.elapsed()),
    };
    let mut data = Map::new();
    data.insert("api".into(), "backlinks".into());
    data.insert("function".into(), "available_filters".into());
    let report = TaskReport {
        id: task_id(),
        outcome: Ok(linkdex_query::available_filters()),
        time: started.elapsed(),
        cost: 0.0,
        path: AVAILABLE_FILTERS_PATH,
        data,
    };
    Reply::tasks(&[report], started.elapsed())
}

pub(crate) async fn health() -> &'static str {
    "ok\n"
}

pub(crate) async fn metrics(State(app): State<Arc<App>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        app.metrics.render(),
    )
}

pub(crate) async fn not_found(State(app): State<Arc<App>>, req: Request) -> Reply {
    let _ = read_body(req.into_body(), &app.limits).await;
    Reply::error(&ApiError::new(ErrorCode::NotFound), Duration::ZERO)
}
