//! `GET /export.csv?<Link Gap query>`: the whole result, not one page, as CSV, streamed while it
//! is read from the engine 1000 rows at a time (see `result_pages`). Rows follow the query's
//! `order_by`; `offset` and `limit` are ignored.
//!
//! The first page is read before the response starts, so an invalid query is answered 400 with
//! the validator's message. A failure after that (a commit changed the result, an internal
//! error) aborts the body: the client sees a truncated transfer, never a silently short file.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, Uri};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::Value;
use tokio::sync::mpsc;

use crate::app::App;
use crate::auth::Login;
use crate::gap_query::task_from_query;
use crate::log;
use crate::result_pages::{later_offsets, later_page, page, Page, PagesError};
use crate::transport::Task;

/// Per competitor: the column label and the metric of the API item it holds.
const COLUMNS: &[&str] = &[
    "rank",
    "backlinks",
    "referring_pages",
    "first_seen",
    "lost_date",
    "referring_domains_nofollow",
];

type Chunk = Result<Bytes, std::io::Error>;

pub(crate) async fn export_csv(
    State(app): State<Arc<App>>,
    Extension(login): Extension<Login>,
    uri: Uri,
) -> Response {
    let permit = match app.limiter.admit(&login.0) {
        Ok(p) => p,
        Err(e) => return PagesError::Api(e).into_response(),
    };
    let mut task = task_from_query(uri.query().unwrap_or(""));
    task.remove("offset");
    task.remove("limit");
    let (task, backend) = (Arc::new(task), Arc::clone(&app.backend));
    let first = {
        let (task, backend) = (Arc::clone(&task), Arc::clone(&backend));
        tokio::task::spawn_blocking(move || page(&*backend, &task, 0)).await
    };
    let first = match first {
        Ok(Ok(first)) => first,
        Ok(Err(e)) => return PagesError::Api(e).into_response(),
        Err(join) => {
            log::internal_error("export.csv", &join.to_string());
            return PagesError::Api(linkdex_query::ApiError::new(
                linkdex_query::ErrorCode::Internal,
            ))
            .into_response();
        }
    };
    let keys = target_keys(&task);
    let mut head = header_row(&keys);
    rows(&mut head, &first, &keys);
    let (tx, rx) = mpsc::channel::<Chunk>(4);
    let _ = tx.try_send(Ok(Bytes::from(head)));
    let total = first.total;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        for offset in later_offsets(total) {
            let chunk = match later_page(&*backend, &task, offset, total) {
                Ok(p) => {
                    let mut text = String::new();
                    rows(&mut text, &p, &keys);
                    Ok(Bytes::from(text))
                }
                Err(e) => {
                    log::internal_error("export.csv", &format!("{e:?}"));
                    Err(std::io::Error::other("the result could not be read whole"))
                }
            };
            let failed = chunk.is_err();
            // A send fails when the client went away: stop querying.
            if tx.blocking_send(chunk).is_err() || failed {
                return;
            }
        }
    });
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"link-gap.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        Body::from_stream(Chunks(rx)),
    )
        .into_response()
}

/// The task's target keys and targets, in key order (the URL's order: keys are 1, 2, …).
fn target_keys(task: &Task) -> Vec<(String, String)> {
    let mut keys: Vec<(String, String)> = task
        .get("targets")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
                .collect()
        })
        .unwrap_or_default();
    keys.sort_by_key(|(k, _)| k.parse::<u32>().unwrap_or(u32::MAX));
    keys
}

fn header_row(keys: &[(String, String)]) -> String {
    let mut cells = vec!["referring_site".to_string(), "intersections_count".into()];
    for (key, target) in keys {
        for metric in COLUMNS {
            cells.push(format!("{key}.{metric} ({target})"));
        }
    }
    let mut out = String::new();
    push_row(&mut out, cells.iter().map(String::as_str));
    out
}

fn rows(out: &mut String, page: &Page, keys: &[(String, String)]) {
    for item in &page.items {
        let per_target = &item["domain_intersection"];
        let site = keys
            .iter()
            .find_map(|(k, _)| per_target[k.as_str()]["target"].as_str())
            .unwrap_or("");
        let mut cells = vec![
            site.to_string(),
            scalar(&item["summary"]["intersections_count"]),
        ];
        for (key, _) in keys {
            let m = &per_target[key.as_str()];
            cells.extend(COLUMNS.iter().map(|c| scalar(&m[*c])));
        }
        push_row(out, cells.iter().map(String::as_str));
    }
}

/// A number or string as its CSV text; `null` and missing (a target the site does not link to,
/// in partial mode) are empty.
fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

fn push_row<'a>(out: &mut String, cells: impl Iterator<Item = &'a str>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_cell(out, cell);
    }
    out.push_str("\r\n");
}

/// RFC 4180 quoting; a cell a spreadsheet would run as a formula gets a leading `'`.
fn push_cell(out: &mut String, cell: &str) {
    let formula = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = formula || cell.contains([',', '"', '\r', '\n']);
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    for c in cell.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
}

/// The body's chunks as they are produced by the blocking reader.
struct Chunks(mpsc::Receiver<Chunk>);

impl futures_core::Stream for Chunks {
    type Item = Chunk;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Chunk>> {
        self.0.poll_recv(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cells_are_quoted_and_formulas_neutralized() {
        let mut out = String::new();
        push_row(
            &mut out,
            ["a.com", "x,y", "say \"hi\"", "=1+1", ""].into_iter(),
        );
        assert_eq!(out, "a.com,\"x,y\",\"say \"\"hi\"\"\",\"'=1+1\",\r\n");
    }

    #[test]
    fn a_missing_target_leaves_its_cells_empty() {
        let keys = vec![
            ("1".to_string(), "a.com".to_string()),
            ("2".into(), "b.com".into()),
        ];
        let item = json!({"domain_intersection": {"2": {"target": "r.org", "rank": 5,
            "backlinks": 3, "referring_pages": 2, "first_seen": "2020-01-01 00:00:00 +00:00",
            "lost_date": null, "referring_domains_nofollow": 1}},
            "summary": {"intersections_count": 1}});
        let mut out = String::new();
        rows(
            &mut out,
            &Page {
                total: 1,
                items: vec![item],
            },
            &keys,
        );
        assert_eq!(out, "r.org,1,,,,,,,5,3,2,2020-01-01 00:00:00 +00:00,,1\r\n");
        assert!(header_row(&keys)
            .starts_with("referring_site,intersections_count,1.rank (a.com),1.backlinks (a.com)"));
    }
}
