//! The ClickHouse backend against the embedded engine: random records written in batches
//! (stored keys merged across batches), random valid requests, byte-identical JSON — on one
//! node and on a 2-shard Distributed cluster.

mod common;

use linkdex_clickhouse::{ClickHouse, Config};
use linkdex_query::parse_request;
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Writes random observations to ClickHouse and the embedded index, then compares `requests`
/// random requests. Returns how many found something.
fn compare(nodes: &[Config], seed: u64, requests: usize, layout: &str) -> usize {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = rng.gen_range(1..160);
    let observations = linkdex_testkit::gen_observations(&mut rng, n);
    let state = linkdex_testkit::fold(&observations);
    let batch = rng.gen_range(1..=n.max(1));
    common::write(&nodes[0], &observations, batch);
    let dir = tempfile::tempdir().unwrap();
    let engine = common::embedded(dir.path(), &observations, 1);
    let ch = ClickHouse::new(nodes[0].clone());
    let mut answered = 0;
    for _ in 0..requests {
        let request = linkdex_testkit::gen_request(&mut rng, &state);
        let req = parse_request(request.as_object().unwrap()).expect("valid request");
        let want = engine.run(&req).unwrap();
        let got = ch
            .run(&req)
            .unwrap_or_else(|e| panic!("{layout}: {e}\nrequest: {request}"));
        answered += usize::from(want["total_count"].as_u64() > Some(0));
        let (got, want) = (
            serde_json::to_string_pretty(&got).unwrap(),
            serde_json::to_string_pretty(&want).unwrap(),
        );
        assert!(
            got == want,
            "{layout} (seed {seed}, batch {batch}): {}\nrequest: {request}",
            common::first_difference(&got, &want)
        );
    }
    answered
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn single_node_matches_embedded(seed in any::<u64>()) {
        if let Some(nodes) = common::single("diff") {
            compare(&nodes, seed, 12, "single node");
            common::drop_database(&nodes);
        }
    }

    #[test]
    fn two_shards_match_embedded(seed in any::<u64>()) {
        if let Some(nodes) = common::two_shards("diff2") {
            compare(&nodes, seed, 12, "two shards");
            common::drop_database(&nodes);
        }
    }
}

/// The comparison must see non-empty answers, or it proves little.
#[test]
fn comparisons_find_referring_hosts() {
    let mut found = 0;
    for seed in 1000..1006 {
        let Some(nodes) = common::single("found") else {
            return;
        };
        found += compare(&nodes, seed, 10, "single node");
        common::drop_database(&nodes);
    }
    assert!(found >= 10, "only {found} of 60 requests found anything");
}
