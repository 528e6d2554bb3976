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
use crate::page::{CSS_ROUTE, JS_ROUTE, PAGE_ROUTE};
use crate::{export, overlap, page};

pub(crate) const DOMAIN_INTERSECTION_ROUTE: &str = "/v3/backlinks/domain_intersection/live";
pub(crate) const BULK_RANKS_ROUTE: &str = "/v3/backlinks/bulk_ranks/live";
pub(crate) const AVAILABLE_FILTERS_ROUTE: &str = "/v3/backlinks/available_filters";
pub(crate) const HEALTH_ROUTE: &str = "/health";
pub(crate) const METRICS_ROUTE: &str = "/metrics";
pub(crate) const EXPORT_ROUTE: &str = "/export.csv";
pub(crate) const OVERLAP_ROUTE: &str = "/overlap.json";

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
        BULK_RANKS_ROUTE,
        AVAILABLE_FILTERS_ROUTE,
        HEALTH_ROUTE,
        METRICS_ROUTE,
        PAGE_ROUTE,
        CSS_ROUTE,
        JS_ROUTE,
        EXPORT_ROUTE,
        OVERLAP_ROUTE,
    ]
    .into_iter()
    .find(|r| *r == path)
    .unwrap_or("other")
}

/// `/health` is open; the API, `/metrics` and the Link Gap page with its assets and helpers
/// need credentials; anything else is 40400. A known path with the wrong method is answered
/// like an unknown path.
pub(crate) fn router(app: Arc<App>) -> Router {
    let authed = Router::new()
        .route(
            DOMAIN_INTERSECTION_ROUTE,
            post(handlers::domain_intersection).fallback(handlers::not_found),
        )
        .route(
            BULK_RANKS_ROUTE,
            post(handlers::bulk_ranks).fallback(handlers::not_found),
        )
        .route(
            AVAILABLE_FILTERS_ROUTE,
            get(handlers::available_filters).fallback(handlers::not_found),
        )
        .route(
            METRICS_ROUTE,
            get(handlers::metrics).fallback(handlers::not_found),
        )
        .route(PAGE_ROUTE, get(page::index).fallback(handlers::not_found))
        .route(CSS_ROUTE, get(page::css).fallback(handlers::not_found))
        .route(JS_ROUTE, get(page::js).fallback(handlers::not_found))
        .route(
            EXPORT_ROUTE,
            get(export::export_csv).fallback(handlers::not_found),
        )
        .route(
            OVERLAP_ROUTE,
            get(overlap::overlap_json).fallback(handlers::not_found),
        )
        .route_layer(from_fn_with_state(Arc::clone(&app), require_auth));
    Router::new()
        .merge(authed)
        .route(HEALTH_ROUTE, get(handlers::health))
        .fallback(handlers::not_found)
        .layer(from_fn_with_state(Arc::clone(&app), observe))
        .with_state(app)
}
