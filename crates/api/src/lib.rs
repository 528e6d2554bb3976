//! The HTTP API of linkdex: `POST /v3/backlinks/domain_intersection/live` and
//! `GET /v3/backlinks/available_filters` in the DataForSEO envelope, HTTP Basic auth, per-login
//! limits, `/health` and `/metrics`; and the Link Gap page at `/` with its helpers
//! `/overlap.json` and `/export.csv` (`page`, `overlap`, `export`).
//!
//! A request flows: `middleware` (panic guard, log, metrics) → auth → handler: admission
//! (`limits`) → body (`transport`) → the first task on the blocking pool (`dispatch`) →
//! `envelope`.

mod app;
mod auth;
mod config;
mod dispatch;
mod envelope;
mod error;
mod export;
mod gap_query;
mod handlers;
mod limits;
mod log;
mod metrics;
mod middleware;
mod overlap;
mod page;
mod result_pages;
mod server;
mod transport;
mod users;

pub use config::{Limits, Pricing, ServerConfig, UsersSource, USERS_ENV};
pub use dispatch::answer_body;
pub use error::Error;
pub use server::{serve, serve_until_signal, shutdown_signal, Server};
pub use users::{add_user, remove_user};

/// The `version` every envelope carries: `0.1.YYYYMMDD` (crate major.minor, build date).
pub const API_VERSION: &str = envelope::VERSION;
