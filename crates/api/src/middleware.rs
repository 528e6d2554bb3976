//! Layers around every handler: authentication, and the outermost one that catches panics,
//! logs the request and counts it.

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use linkdex_query::{ApiError, ErrorCode};

use crate::app::{route_label, App};
use crate::auth::Login;
use crate::envelope::{EnvelopeStatus, Reply};
use crate::log;
use crate::transport::read_body;

pub(crate) async fn require_auth(
    State(app): State<Arc<App>>,
    mut req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    match app
        .auth
        .authenticate(req.headers().get(header::AUTHORIZATION))
        .await
    {
        Some(login) => {
            req.extensions_mut().insert(login.clone());
            let mut resp = next.run(req).await;
            resp.extensions_mut().insert(login);
            resp
        }
        None => {
            // Consume the body so the connection stays usable (see `transport::read_body`).
            let _ = read_body(req.into_body(), &app.limits).await;
            let mut resp = Reply::error(&ApiError::new(ErrorCode::Unauthorized), started.elapsed())
                .into_response();
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"linkdex\""),
            );
            resp
        }
    }
}

pub(crate) async fn observe(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let path = req.uri().path().to_string();
    let resp = match CatchUnwind(Box::pin(next.run(req))).await {
        Ok(resp) => resp,
        Err(panic) => {
            log::internal_error(&format!("{method} {path}"), &panic_message(&*panic));
            Reply::internal().into_response()
        }
    };
    let elapsed = started.elapsed();
    let http = resp.status().as_u16();
    let code = resp.extensions().get::<EnvelopeStatus>().map_or(0, |s| s.0);
    let login = resp
        .extensions()
        .get::<Login>()
        .map_or("", |l| l.0.as_str());
    log::request(login, &method, &path, http, code, elapsed);
    app.metrics.observe(route_label(&path), http, code, elapsed);
    resp
}

fn panic_message(panic: &(dyn Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic with a non-string payload".into())
}

/// Turns a panic while polling the inner future into an `Err`, so one buggy request gets a
/// 500 envelope instead of a dropped connection.
struct CatchUnwind<F>(Pin<Box<F>>);

impl<F: Future> Future for CatchUnwind<F> {
    type Output = Result<F::Output, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.0.as_mut();
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn catch_unwind_turns_a_panic_into_err() {
        let ok = CatchUnwind(Box::pin(async { 7 })).await;
        assert_eq!(ok.ok(), Some(7));
        let caught = CatchUnwind(Box::pin(async {
            if std::hint::black_box(true) {
                panic!("boom");
            }
        }))
        .await;
        assert_eq!(panic_message(&*caught.unwrap_err()), "boom");
    }
}
