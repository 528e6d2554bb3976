//! The shared state of a running server and the routing table.

use std::sync::Arc;

use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;
use linkdex_query::Backend;

use crate::auth::Authenticator;
use crate::config::{Limits, Pricing};
use crate::handlers;
use crate::limits::Limiter;
use crate::metrics::Metrics;
use crate::middleware::{observe, require_auth};

pub(crate) const DOMAIN_INTERSECTION_ROUTE: &str = "/v3/backlinks/domain_intersection/live";
pub(crate) const AVAILABLE_FILTERS_ROUTE: &str = "/v3/backlinks/available_filters";
pub(crate) const HEALTH_ROUTE: &str = "/health";
pub(crate) const METRICS_ROUTE: &str = "/metrics";

pub(crate) struct App {
    pub backend: Arc<dyn Backend>,
    pub auth: Arc<Authenticator>,
    pub limiter: Arc<Limiter>,
    pub metrics: Metrics,
    pub limits: Limits,
    pub pricing: Pricing,
}

/// A fixed label for metrics: the route, or `other` for paths that matched none.
pub(crate) fn route_label(path: &str) -> &'static str {
    [
        DOMAIN_INTERSECTION_ROUTE,
        AVAILABLE_FILTERS_ROUTE,
        HEALTH_ROUTE,
        METRICS_ROUTE,
    ]
    .into_iter()
    .find(|r| *r == path)
    .unwrap_or("other")
}

/// `/health` is open; the API and `/metrics` need credentials; anything else is 40400. A known
/// path with the wrong method is answered like an unknown path.
pub(crate) fn router(app: Arc<App>) -> Router {
    let authed = Router::new()
        .route(
            DOMAIN_INTERSECTION_ROUTE,
            post(handlers::domain_intersection).fallback(handlers::not_found),
        )
        .route(
            AVAILABLE_FILTERS_ROUTE,
            get(handlers::available_filters).fallback(handlers::not_found),
        )
        .route(
            METRICS_ROUTE,
            get(handlers::metrics).fallback(handlers::not_found),
        )
        .route_layer(from_fn_with_state(Arc::clone(&app), require_auth));
    Router::new()
        .merge(authed)
        .route(HEALTH_ROUTE, get(handlers::health))
        .fallback(handlers::not_found)
        .layer(from_fn_with_state(Arc::clone(&app), observe))
        .with_state(app)
}
