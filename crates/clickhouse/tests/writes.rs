//! Writes: the stored state is the contract's fold of every observation whatever the batch
//! boundaries; re-writing changes nothing; hostile strings are values, never SQL.

mod common;

use linkdex_clickhouse::{read_all, ClickHouse, Client, Writer};
use linkdex_model::Record;
use linkdex_query::parse_request;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

#[test]
fn stored_state_is_the_fold_of_all_observations() {
    for seed in 0..6u64 {
        let Some(nodes) = common::single("fold") else {
            return;
        };
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let observations = linkdex_testkit::gen_observations(&mut rng, 300);
        common::write(&nodes[0], &observations, rng.gen_range(1..120));
        let mut want = linkdex_testkit::fold(&observations);
        want.sort_by_key(Record::key);
        let mut got = read_all(&Client::new(nodes[0].clone())).unwrap();
        got.sort_by_key(Record::key);
        assert_eq!(got.len(), want.len(), "seed {seed}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "seed {seed}");
        }
        common::drop_database(&nodes);
    }
}

/// Re-writing may rewrite a key whose observations tie on `last_seen` (the newer write wins a
/// tie, so a batch boundary can flip it and the next batch flips it back), but the stored state
/// ends where it was.
#[test]
fn writing_the_same_observations_again_leaves_the_same_state() {
    let Some(nodes) = common::single("again") else {
        return;
    };
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let observations = linkdex_testkit::gen_observations(&mut rng, 400);
    let client = Client::new(nodes[0].clone());
    let first = {
        let mut w = Writer::new(client.clone()).with_batch(97);
        observations.iter().for_each(|r| w.add(r.clone()).unwrap());
        w.finish().unwrap()
    };
    let before = read_all(&client).unwrap();
    let second = {
        let mut w = Writer::new(client.clone()).with_batch(150);
        observations.iter().for_each(|r| w.add(r.clone()).unwrap());
        w.finish().unwrap()
    };
    assert!(first.written > 0);
    assert!(second.unchanged > second.written, "{second:?}");
    assert_eq!(read_all(&client).unwrap(), before);
    common::drop_database(&nodes);
}

/// Text that breaks naive quoting: quotes, backslashes, wildcards, control bytes, unicode and
/// an injection attempt.
const HOSTILE: &[&str] = &[
    "it's",
    r"back\slash",
    r"\'",
    "50% off_sale",
    "line\nbreak\ttab",
    "é✓ ünïcode",
    "'); DROP TABLE links; --",
    r"a\\'b",
];

#[test]
fn hostile_strings_are_values_not_sql() {
    for nodes in [common::single("hostile"), common::two_shards("hostile2")]
        .into_iter()
        .flatten()
    {
        let mut records = Vec::new();
        for (i, text) in HOSTILE.iter().enumerate() {
            for target in ["https://t0.com/", "https://t1.com/"] {
                let mut r =
                    Record::new(&format!("https://r{i}.org/p"), target, 1_600_000_000).unwrap();
                r.anchor = Some(text.to_string());
                r.page_from_title = Some(format!("{text} title"));
                records.push(r);
            }
        }
        common::write(&nodes[0], &records, 5);
        let dir = tempfile::tempdir().unwrap();
        let engine = common::embedded(dir.path(), &records, 1);
        let ch = ClickHouse::new(nodes[0].clone());
        for text in HOSTILE {
            let like = format!("%{}%", text.chars().skip(1).collect::<String>());
            let conditions = [
                json!(["anchor", "=", text]),
                json!(["anchor", "<>", text]),
                json!(["anchor", "in", [text, "x"]]),
                json!(["anchor", "like", like]),
                json!(["anchor", "not_ilike", like]),
                json!(["anchor", "match", text]),
                json!(["page_from_title", "regex", regex_escape(text)]),
                json!(["domain_from", "not_in", [text]]),
            ];
            for condition in conditions {
                let request = json!({
                    "targets": {"1": "t0.com", "2": "t1.com"},
                    "backlinks_filters": condition,
                    "filters": ["1.target", "<>", text],
                    "order_by": ["1.target,asc"],
                });
                let req = parse_request(request.as_object().unwrap()).unwrap();
                let want = engine.run(&req).unwrap();
                let got = ch
                    .run(&req)
                    .unwrap_or_else(|e| panic!("{e}\nrequest: {request}"));
                assert_eq!(got, want, "request: {request}");
            }
        }
        let stored = read_all(&Client::new(nodes[0].clone())).unwrap();
        assert_eq!(stored.len(), records.len(), "every row is still there");
        common::drop_database(&nodes);
    }
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let special = "\\.+*?()|[]{}^$".contains(c);
            special
                .then_some('\\')
                .into_iter()
                .chain(std::iter::once(c))
        })
        .collect()
}

#[test]
fn an_error_after_the_answer_started_fails_the_scan() {
    let Some(nodes) = common::single("stream") else {
        return;
    };
    let client = Client::new(nodes[0].clone());
    // ClickHouse sends rows as they are made; an exception after some of them comes as a line
    // of text after the rows, under HTTP 200. A scan must fail, not end early as if complete.
    let mut rows = 0u64;
    let sql = "SELECT number, throwIf(number = 150000) FROM numbers(300000) FORMAT JSONEachRow";
    let result = client.query_lines(sql, &[("max_block_size", "1000")], |_| {
        rows += 1;
        Ok(())
    });
    match result {
        Err(linkdex_clickhouse::ChError::Server { message, .. }) => {
            assert!(message.starts_with("Code: 395"), "{message}")
        }
        other => panic!("expected the server's error, got {other:?} after {rows} rows"),
    }
    assert!(rows > 0 && rows <= 150_000, "{rows}");
    common::drop_database(&nodes);
}
