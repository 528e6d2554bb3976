//! The Link Gap page: static HTML, CSS and JS embedded in the binary, served behind the same
//! HTTP Basic auth as the API. The page is a client of the API (`POST .../live` for the table)
//! and of `/overlap.json` and `/export.csv`; its query lives in the URL (see `gap_query`).

use axum::http::header;
use axum::response::{IntoResponse, Response};

const INDEX_HTML: &str = include_str!("../assets/index.html");
const LINKGAP_CSS: &str = include_str!("../assets/linkgap.css");
const LINKGAP_JS: &str = include_str!("../assets/linkgap.js");

pub(crate) const PAGE_ROUTE: &str = "/";
pub(crate) const CSS_ROUTE: &str = "/assets/linkgap.css";
pub(crate) const JS_ROUTE: &str = "/assets/linkgap.js";

/// Everything comes from this origin; the referring-site links must not tell those sites which
/// query led to them.
const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
                   script-src 'self'; connect-src 'self'; frame-ancestors 'none'; \
                   base-uri 'none'; form-action 'self'";

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            // Small files, revalidated on every load so a new binary's page is never mixed with
            // an old script.
            (header::CACHE_CONTROL, "no-cache"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
            (header::CONTENT_SECURITY_POLICY, CSP),
        ],
        body,
    )
        .into_response()
}

pub(crate) async fn index() -> Response {
    asset("text/html; charset=utf-8", INDEX_HTML)
}

pub(crate) async fn css() -> Response {
    asset("text/css; charset=utf-8", LINKGAP_CSS)
}

pub(crate) async fn js() -> Response {
    asset("text/javascript; charset=utf-8", LINKGAP_JS)
}
