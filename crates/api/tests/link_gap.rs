//! The Link Gap page's routes over the real engine: the page and its assets behind the login,
//! the streamed CSV export of a whole result (several 1000-row pages), and the overlap counts.

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use common::*;
use linkdex_ingest::{import, ImportOptions};
use linkdex_query::Engine;
use linkdex_store::Index;
use serde_json::{json, Value};

struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        let dir =
            std::env::temp_dir().join(format!("linkdex-api-gap-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Sites linking to a.com and b.com; `r<i>.com` link `i % 7 + 1` times to b.com, and every
/// tenth also to c.com. x.com links to a.com only.
const SHARED_SITES: usize = 2_345;

fn engine(dir: &Path) -> Arc<Engine> {
    let mut jsonl = String::new();
    for i in 0..SHARED_SITES {
        writeln!(
            jsonl,
            r#"{{"url_from":"https://r{i}.com/p","url_to":"https://a.com/","rank":{}}}"#,
            300 + i % 600
        )
        .unwrap();
        writeln!(
            jsonl,
            r#"{{"url_from":"https://r{i}.com/q","url_to":"https://b.com/","links_count":{}}}"#,
            i % 7 + 1
        )
        .unwrap();
        if i % 10 == 0 {
            writeln!(
                jsonl,
                r#"{{"url_from":"https://r{i}.com/s","url_to":"https://c.com/"}}"#
            )
            .unwrap();
        }
    }
    jsonl.push_str("{\"url_from\":\"https://x.com/1\",\"url_to\":\"https://a.com/\"}\n");
    let path = dir.join("records.jsonl");
    std::fs::write(&path, jsonl).unwrap();
    let index = Index::open(&dir.join("index")).unwrap();
    let report = import(&index, path.to_str().unwrap(), &ImportOptions::default()).unwrap();
    assert_eq!(report.rejected, 0);
    Arc::new(Engine::open(&dir.join("index")).unwrap())
}

fn get(addr: std::net::SocketAddr, path: &str, authed: bool) -> HttpResponse {
    let auth = basic(LOGIN, PASSWORD);
    let headers: Vec<(&str, &str)> = if authed {
        vec![("Authorization", auth.as_str())]
    } else {
        vec![]
    };
    request(addr, "GET", path, &headers, b"")
}

fn assert_401(resp: &HttpResponse) {
    assert_eq!(resp.status, 401);
    assert_eq!(
        resp.header("www-authenticate"),
        Some("Basic realm=\"linkdex\"")
    );
}

#[test]
fn the_page_and_its_routes_need_a_login() {
    let server = start(config(), common::backends::FixedOutcome::ok(0));
    for path in [
        "/",
        "/assets/linkgap.js",
        "/assets/linkgap.css",
        "/export.csv?t=a.com",
        "/overlap.json?t=a.com",
    ] {
        assert_401(&get(server.addr, path, false));
    }

    let page = get(server.addr, "/", true);
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert!(page
        .header("content-security-policy")
        .is_some_and(|c| c.contains("default-src 'self'")));
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    let html = page.text();
    assert!(html.contains("<title>Link Gap · linkdex</title>"));
    assert!(html.contains(r#"<script src="/assets/linkgap.js" defer></script>"#));

    let js = get(server.addr, "/assets/linkgap.js", true);
    assert_eq!(
        js.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert!(js.text().contains("function toTask"));
    let css = get(server.addr, "/assets/linkgap.css", true);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));

    // Only GET; another method is an unknown route, as for the API.
    let auth = basic(LOGIN, PASSWORD);
    let post = request(server.addr, "POST", "/", &[("Authorization", &auth)], b"");
    assert_eq!(post.status, 404);
}

fn csv_lines(resp: &HttpResponse) -> Vec<String> {
    let text = resp.text();
    assert!(text.ends_with("\r\n"));
    text.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// Every item of the API's answer for `task`, 1000 at a time.
fn api_items(addr: std::net::SocketAddr, task: Value) -> Vec<Value> {
    let mut items = Vec::new();
    loop {
        let mut paged = task.clone();
        paged["offset"] = json!(items.len());
        paged["limit"] = json!(1000);
        let resp = post(addr, &json!([paged]).to_string()).json();
        let result = &resp["tasks"][0]["result"][0];
        let page = result["items"].as_array().unwrap();
        items.extend(page.iter().cloned());
        if page.is_empty() || items.len() as u64 >= result["total_count"].as_u64().unwrap() {
            return items;
        }
    }
}

#[test]
fn export_streams_the_whole_result_in_the_requested_order() {
    let dir = TempDir::new("export");
    let server = start(config(), engine(&dir.0));
    let resp = get(
        server.addr,
        "/export.csv?t=a.com&t=b.com&t=c.com&mode=partial&sort=2.backlinks,desc&offset=5&limit=3",
        true,
    );
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(
        resp.header("content-disposition"),
        Some("attachment; filename=\"link-gap.csv\"")
    );
    assert_eq!(resp.header("transfer-encoding"), Some("chunked"));
    let lines = csv_lines(&resp);
    assert_eq!(
        lines[0],
        "referring_site,intersections_count,\
         1.rank (a.com),1.backlinks (a.com),1.referring_pages (a.com),1.first_seen (a.com),\
         1.lost_date (a.com),1.referring_domains_nofollow (a.com),\
         2.rank (b.com),2.backlinks (b.com),2.referring_pages (b.com),2.first_seen (b.com),\
         2.lost_date (b.com),2.referring_domains_nofollow (b.com),\
         3.rank (c.com),3.backlinks (c.com),3.referring_pages (c.com),3.first_seen (c.com),\
         3.lost_date (c.com),3.referring_domains_nofollow (c.com)"
    );
    // offset and limit are the page's, not the export's: every row, in the API's order.
    let items = api_items(
        server.addr,
        json!({"targets": {"1": "a.com", "2": "b.com", "3": "c.com"},
               "intersection_mode": "partial", "order_by": ["2.backlinks,desc"]}),
    );
    assert_eq!(items.len(), SHARED_SITES);
    assert_eq!(lines.len() - 1, SHARED_SITES);
    let cell = |v: &Value| match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    for (line, item) in lines[1..].iter().zip(&items) {
        let per = &item["domain_intersection"];
        let mut expected = vec![
            cell(&per["1"]["target"]),
            cell(&item["summary"]["intersections_count"]),
        ];
        for key in ["1", "2", "3"] {
            for metric in [
                "rank",
                "backlinks",
                "referring_pages",
                "first_seen",
                "lost_date",
                "referring_domains_nofollow",
            ] {
                expected.push(cell(&per[key][metric]));
            }
        }
        assert_eq!(*line, expected.join(","));
    }
}

#[test]
fn export_of_an_invalid_query_is_400_with_the_validators_message() {
    let dir = TempDir::new("invalid");
    let server = start(config(), engine(&dir.0));
    for (query, message) in [
        ("", "Invalid Field: 'targets'."),
        ("t=a.com&mode=some", "Invalid Field: 'intersection_mode'."),
        ("t=a.com&sort=9.rank,desc", "Invalid Field: 'order_by'."),
    ] {
        let resp = get(server.addr, &format!("/export.csv?{query}"), true);
        assert_eq!(resp.status, 400, "{query}");
        assert_eq!(resp.json()["status_code"], 40501);
        assert!(
            resp.json()["status_message"]
                .as_str()
                .unwrap()
                .starts_with(message),
            "{query}: {}",
            resp.text()
        );
    }
}

#[test]
fn overlap_counts_every_combination_of_competitors() {
    let dir = TempDir::new("overlap");
    let server = start(config(), engine(&dir.0));
    let resp = get(server.addr, "/overlap.json?t=a.com&t=b.com&t=c.com", true);
    assert_eq!(resp.status, 200);
    assert_eq!(resp.header("content-type"), Some("application/json"));
    let body = resp.json();
    let with_c = SHARED_SITES.div_ceil(10) as u64;
    let shared = SHARED_SITES as u64;
    assert_eq!(body["shared_total"], shared);
    // `all` mode (the default): only the sites linking to all three are the result.
    assert_eq!(body["result_total"], with_c);
    assert_eq!(
        body["combinations"],
        json!([{"keys": ["1", "2"], "count": shared - with_c},
               {"keys": ["1", "2", "3"], "count": with_c}])
    );
    assert_eq!(
        body["sets"],
        json!([{"key": "1", "target": "a.com", "count": shared},
               {"key": "2", "target": "b.com", "count": shared},
               {"key": "3", "target": "c.com", "count": with_c}])
    );
    let ranks: u64 = body["rank_histogram"]["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_u64().unwrap())
        .sum();
    assert_eq!(ranks, with_c);

    // Result filters apply: only sites passing 2 or more links to b.com.
    let filtered = get(
        server.addr,
        "/overlap.json?t=a.com&t=b.com&mode=partial&f=2.backlinks,%3E%3D,2",
        true,
    )
    .json();
    let expected = (0..SHARED_SITES).filter(|i| i % 7 + 1 >= 2).count() as u64;
    assert_eq!(filtered["result_total"], expected);
    assert_eq!(
        filtered["combinations"],
        json!([{"keys": ["1", "2"], "count": expected}])
    );
    assert_eq!(
        get(server.addr, "/overlap.json?t=a.com&f=1.nope,%3E,1", true).status,
        400
    );
}
