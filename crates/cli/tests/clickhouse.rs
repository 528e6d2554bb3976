//! The real binary with `--backend clickhouse` against a ClickHouse server (one node and two
//! shards, started by scripts/test.sh): import with bad lines and re-import, ingest of real
//! archives, and the query answers compared with the embedded index built from the same input.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::text;

fn data(rel: &str) -> String {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        .join(rel)
        .display()
        .to_string()
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The servers to test on: (node URLs, cluster), one node and two shards.
fn layouts() -> Vec<(Vec<String>, Option<String>)> {
    let mut out = Vec::new();
    if let Some(url) = env("LINKDEX_TEST_CLICKHOUSE_URL") {
        out.push((vec![url], None));
    }
    if let (Some(s1), Some(s2), Some(c)) = (
        env("LINKDEX_TEST_CLICKHOUSE_S1_URL"),
        env("LINKDEX_TEST_CLICKHOUSE_S2_URL"),
        env("LINKDEX_TEST_CLICKHOUSE_CLUSTER"),
    ) {
        out.push((vec![s1, s2], Some(c)));
    }
    if out.is_empty() {
        assert!(
            env("LINKDEX_REQUIRE_CLICKHOUSE").as_deref() != Some("1"),
            "LINKDEX_REQUIRE_CLICKHOUSE=1 but no LINKDEX_TEST_CLICKHOUSE_* server is set"
        );
        eprintln!("skipped: no LINKDEX_TEST_CLICKHOUSE_* server is set");
    }
    out
}

/// `linkdex --backend clickhouse` with the connection flags of one node.
fn ch(url: &str, database: &str, cluster: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_linkdex"));
    cmd.args(["--backend", "clickhouse", "--clickhouse-url", url]);
    cmd.args(["--clickhouse-database", database]);
    if let Some(c) = cluster {
        cmd.args(["--clickhouse-cluster", c]);
    }
    cmd.args(args).output().expect("runs")
}

/// The answer without what differs between runs (time, task id).
fn answer(o: &Output) -> serde_json::Value {
    let (stdout, stderr) = text(o);
    assert!(o.status.success(), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    v["tasks"][0]["result"].clone()
}

fn write_request(dir: &Path, name: &str, body: serde_json::Value) -> String {
    let path = dir.join(name);
    std::fs::write(&path, body.to_string()).unwrap();
    path.display().to_string()
}

#[test]
fn import_and_ingest_on_clickhouse_answer_like_the_embedded_index() {
    for (nodes, cluster) in layouts() {
        let tmp = tempfile::tempdir().unwrap();
        let idx = tmp.path().join("idx");
        let database = format!("linkdex_cli_{}", std::process::id());
        let c = cluster.as_deref();
        for node in &nodes {
            let o = ch(node, &database, c, &["clickhouse", "init"]);
            assert!(o.status.success(), "{}", text(&o).1);
        }
        let url = &nodes[0];

        // Import: a bad line is reported with its number, the rest is stored; again: nothing.
        let jsonl = tmp.path().join("recs.jsonl");
        let gen = common::linkdex(
            &idx,
            &[
                "gen",
                "--records",
                "3000",
                "--out",
                &jsonl.display().to_string(),
            ],
        );
        assert!(gen.status.success());
        let mut lines = std::fs::read_to_string(&jsonl).unwrap();
        lines.insert_str(0, "{\"url_from\": \"nope\"}\n");
        std::fs::write(&jsonl, lines).unwrap();
        let file = jsonl.display().to_string();
        let first = ch(url, &database, c, &["import", &file]);
        let (stdout, stderr) = text(&first);
        assert_eq!(first.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("recs.jsonl:1: "), "{stderr}");
        assert!(stdout.contains("3000 accepted, 1 rejected"), "{stdout}");
        let again = ch(url, &database, c, &["import", "--tolerate-errors", &file]);
        assert!(
            text(&again).0.contains(" 0 rows written"),
            "{}",
            text(&again).0
        );
        let embedded = common::linkdex(&idx, &["import", "--tolerate-errors", &file]);
        assert!(embedded.status.success());

        // Ingest real archives on top, twice (the second run changes nothing).
        let archives = [
            data("warc-samples/dolma-sample-0000.warc.gz"),
            data("warc-samples/dolma-sample-0001.warc.gz"),
            data("warc-samples/cc2014-CC-MAIN-20140820021334-00006.warc"),
        ];
        let mut args = vec!["ingest"];
        args.extend(archives.iter().map(String::as_str));
        for _ in 0..2 {
            let o = ch(url, &database, c, &args);
            assert!(o.status.success(), "{}", text(&o).1);
        }
        let o = common::linkdex(&idx, &args);
        assert!(o.status.success(), "{}", text(&o).1);

        // Ranks computed on both backends (the generated records carry imported ranks).
        for out in [
            ch(url, &database, c, &["rank", "--recompute"]),
            common::linkdex(&idx, &["rank", "--recompute"]),
        ] {
            assert!(out.status.success(), "{}", text(&out).1);
        }

        // The same answers from both backends, for generated and ingested targets.
        let mut requests = vec![
            serde_json::json!([{"targets": {"1": "t0.com", "2": "t1.com"}, "limit": 50}]),
            serde_json::json!([{"targets": {"1": "t0.com", "2": "t2.com", "3": "t3.com"},
                "intersection_mode": "partial", "backlinks_status_type": "all",
                "order_by": ["1.backlinks,desc"], "limit": 20}]),
        ];
        for host in ingested_hosts(&idx) {
            requests.push(serde_json::json!([{"targets": {"1": host},
                "backlinks_status_type": "all", "limit": 1000, "internal_list_limit": 50}]));
        }
        assert!(requests.len() > 4, "the archives yield linked hosts");
        for (i, body) in requests.into_iter().enumerate() {
            let file = write_request(tmp.path(), &format!("q{i}.json"), body.clone());
            let want = answer(&common::linkdex(&idx, &["query", &file]));
            let got = answer(&ch(url, &database, c, &["query", &file]));
            assert_eq!(got, want, "request {body}");
        }
        // `serve` answers the API from the cluster with the same result.
        let body = serde_json::json!([{"targets": {"1": "t0.com", "2": "t1.com"}, "limit": 50}]);
        let file = write_request(tmp.path(), "served.json", body.clone());
        let want = answer(&ch(url, &database, c, &["query", &file]));
        assert_eq!(
            served(url, &database, c, &body.to_string())["tasks"][0]["result"],
            want
        );

        for node in &nodes {
            let sql = format!("DROP DATABASE IF EXISTS {database}");
            let mut cfg = linkdex_clickhouse::Config::new(node);
            cfg.database = "default".into();
            linkdex_clickhouse::Client::new(cfg)
                .query(&sql, &[])
                .unwrap();
        }
    }
}

/// A few hosts the archives link to (from the embedded index's answer for `all` records).
fn ingested_hosts(idx: &Path) -> Vec<String> {
    let snap = linkdex_store::Index::open(idx).unwrap().snapshot().unwrap();
    let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
    for seg in &snap.segments {
        for r in seg.iter() {
            let r = r.unwrap();
            if !r.domain_to.starts_with('t') || !r.domain_to.ends_with(".com") {
                *counts.entry(r.domain_to.clone()).or_default() += 1;
            }
        }
    }
    let mut hosts: Vec<(usize, String)> = counts.into_iter().map(|(h, n)| (n, h)).collect();
    hosts.sort_by(|a, b| b.cmp(a));
    hosts.into_iter().take(6).map(|(_, h)| h).collect()
}

/// Starts `linkdex --backend clickhouse serve` on a free loopback port, POSTs `body` to the
/// endpoint with Basic auth, stops the server and returns the envelope.
fn served(url: &str, database: &str, cluster: Option<&str>, body: &str) -> serde_json::Value {
    use std::io::{Read, Write};
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_linkdex"));
    cmd.args(["--backend", "clickhouse", "--clickhouse-url", url]);
    cmd.args(["--clickhouse-database", database]);
    if let Some(c) = cluster {
        cmd.args(["--clickhouse-cluster", c]);
    }
    let listen = format!("127.0.0.1:{port}");
    let mut server = cmd
        .args(["serve", "--listen", &listen])
        .env("LINKDEX_USERS", "tester:secret")
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut stream = None;
    for _ in 0..100 {
        match std::net::TcpStream::connect(&listen) {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(100)),
        }
    }
    let mut stream = stream.expect("the server listens");
    // "tester:secret" in base64. HTTP/1.0, so the body is not chunked and ends at close.
    let request = format!(
        "POST /v3/backlinks/domain_intersection/live HTTP/1.0\r\nHost: {listen}\r\n\
         Authorization: Basic dGVzdGVyOnNlY3JldA==\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    server.kill().unwrap();
    server.wait().unwrap();
    assert!(
        response.starts_with("HTTP/1.0 200") || response.starts_with("HTTP/1.1 200"),
        "{response}"
    );
    let (_, payload) = response.split_once("\r\n\r\n").expect("a body");
    serde_json::from_str(payload).unwrap_or_else(|e| panic!("{e}: {payload}"))
}
