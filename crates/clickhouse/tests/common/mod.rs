//! Servers for the tests: `scripts/clickhouse.sh start DIR` writes their URLs to DIR/env;
//! `scripts/test.sh` exports them as LINKDEX_TEST_CLICKHOUSE_URL (one node),
//! LINKDEX_TEST_CLICKHOUSE_S1_URL / _S2_URL and LINKDEX_TEST_CLICKHOUSE_CLUSTER (two shards).
//! Without them the tests say so and pass, unless LINKDEX_REQUIRE_CLICKHOUSE=1 (CI).

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use linkdex_clickhouse::{init, Client, Config, Writer};
use linkdex_model::Record;
use linkdex_query::Engine;
use linkdex_store::Index;

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn missing(what: &str) -> Option<Vec<Config>> {
    if env("LINKDEX_REQUIRE_CLICKHOUSE").as_deref() == Some("1") {
        panic!("LINKDEX_REQUIRE_CLICKHOUSE=1 but {what} is not set");
    }
    eprintln!("skipped: {what} is not set (scripts/clickhouse.sh start DIR)");
    None
}

/// A fresh database name per call, so tests and cases never see each other's rows.
fn fresh_database(test: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "linkdex_{test}_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// One node: the config of a new, initialized database.
pub fn single(test: &str) -> Option<Vec<Config>> {
    let Some(url) = env("LINKDEX_TEST_CLICKHOUSE_URL") else {
        return missing("LINKDEX_TEST_CLICKHOUSE_URL");
    };
    let mut c = Config::new(&url);
    c.database = fresh_database(test);
    init(&Client::new(c.clone())).expect("init on the single node");
    Some(vec![c])
}

/// Two shards: the config of every node (the first is the one the backend talks to), each
/// initialized with the cluster's tables.
pub fn two_shards(test: &str) -> Option<Vec<Config>> {
    let (Some(s1), Some(s2), Some(cluster)) = (
        env("LINKDEX_TEST_CLICKHOUSE_S1_URL"),
        env("LINKDEX_TEST_CLICKHOUSE_S2_URL"),
        env("LINKDEX_TEST_CLICKHOUSE_CLUSTER"),
    ) else {
        return missing("LINKDEX_TEST_CLICKHOUSE_S1_URL/_S2_URL/_CLUSTER");
    };
    let database = fresh_database(test);
    let nodes: Vec<Config> = [s1, s2]
        .iter()
        .map(|url| {
            let mut c = Config::new(url);
            c.database = database.clone();
            c.cluster = Some(cluster.clone());
            init(&Client::new(c.clone())).expect("init on a shard");
            c
        })
        .collect();
    Some(nodes)
}

/// Drops the test's database on every node.
pub fn drop_database(nodes: &[Config]) {
    for c in nodes {
        let sql = format!("DROP DATABASE IF EXISTS {}", c.database);
        let mut admin = c.clone();
        admin.database = "default".into();
        let _ = Client::new(admin).query(&sql, &[]);
    }
}

/// Writes `observations` in order through the writer, in batches of `batch`.
pub fn write(config: &Config, observations: &[Record], batch: usize) {
    let mut writer = Writer::new(Client::new(config.clone())).with_batch(batch);
    for r in observations {
        writer.add(r.clone()).expect("write");
    }
    writer.finish().expect("flush");
}

/// The embedded engine over the same observations (one segment per chunk, in order).
pub fn embedded(dir: &std::path::Path, observations: &[Record], chunks: usize) -> Engine {
    let index = Index::open(dir).unwrap();
    let mut writer = index.writer().unwrap();
    let size = observations.len().div_ceil(chunks).max(1);
    for chunk in observations.chunks(size) {
        writer.write_segment(chunk.to_vec()).unwrap();
        writer.commit().unwrap();
    }
    drop(writer);
    Engine::open(dir).unwrap()
}

/// The first line where two pretty JSON texts differ, for a readable failure.
pub fn first_difference(got: &str, want: &str) -> String {
    let line = got
        .lines()
        .zip(want.lines())
        .position(|(a, b)| a != b)
        .unwrap_or(0);
    format!(
        "line {line}\n  clickhouse: {}\n  embedded:   {}",
        got.lines().nth(line).unwrap_or("<end>"),
        want.lines().nth(line).unwrap_or("<end>")
    )
}
