//! The engine against the reference model of the contract (testkit): random records, random
//! valid requests, byte-identical JSON — over one segment, many segments, and merged segments.

use linkdex_model::Record;
use linkdex_query::{parse_request, Engine};
use linkdex_store::{segment_file_name, Index, Manifest};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Builds an index holding `observations`, one commit (and segment) per chunk, in order.
fn build(dir: &std::path::Path, observations: &[Record], chunks: usize) -> Engine {
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

/// Builds an index from a large first import of most of `observations` and `later` small
/// imports of the rest, one segment each.
fn build_grown(dir: &std::path::Path, observations: &[Record], later: usize) -> Engine {
    let index = Index::open(dir).unwrap();
    let mut writer = index.writer().unwrap();
    let (first, rest) = observations.split_at(observations.len() * 19 / 20);
    writer.write_segment(first.to_vec()).unwrap();
    writer.commit().unwrap();
    for chunk in rest.chunks(rest.len().div_ceil(later).max(1)) {
        writer.write_segment(chunk.to_vec()).unwrap();
        writer.commit().unwrap();
    }
    drop(writer);
    Engine::open(dir).unwrap()
}

/// Builds an index of one segment per chunk, as written before whole pairs: each segment holds
/// only its own chunk's observations and the manifest does not claim whole pairs, so the engine
/// must fold keys across segments.
fn build_folded(dir: &std::path::Path, observations: &[Record], chunks: usize) -> Engine {
    let size = observations.len().div_ceil(chunks).max(1);
    let mut manifest = Manifest::default();
    for (i, chunk) in observations.chunks(size).enumerate() {
        let alone = tempfile::tempdir().unwrap();
        let mut writer = Index::open(alone.path()).unwrap().writer().unwrap();
        writer.write_segment(chunk.to_vec()).unwrap();
        writer.commit().unwrap();
        drop(writer);
        let mut entry = Manifest::load(alone.path()).unwrap().segments.remove(0);
        let id = i as u64 + 1;
        std::fs::rename(
            alone.path().join(segment_file_name(entry.id)),
            dir.join(segment_file_name(id)),
        )
        .unwrap();
        entry.id = id;
        entry.whole_pairs = false;
        manifest.segments.push(entry);
    }
    manifest.generation = 1;
    manifest.next_segment = manifest.segments.len() as u64 + 1;
    manifest.store(dir).unwrap();
    Engine::open(dir).unwrap()
}

/// Draws a random request over the stored records.
type Gen = fn(&mut ChaCha8Rng, &[Record]) -> serde_json::Value;

/// Runs `requests` random requests; returns how many had a non-empty answer.
fn check(
    engine: &Engine,
    state: &[Record],
    rng: &mut ChaCha8Rng,
    requests: usize,
    layout: &str,
) -> usize {
    check_with(
        engine,
        state,
        rng,
        requests,
        layout,
        linkdex_testkit::gen_request,
    )
}

fn check_with(
    engine: &Engine,
    state: &[Record],
    rng: &mut ChaCha8Rng,
    requests: usize,
    layout: &str,
    gen: Gen,
) -> usize {
    let mut answered = 0;
    for _ in 0..requests {
        let request = gen(rng, state);
        let task = request.as_object().expect("requests are objects");
        let parsed =
            parse_request(task).unwrap_or_else(|e| panic!("valid request refused: {e}\n{request}"));
        let got = engine.run(&parsed).unwrap();
        let want = linkdex_testkit::domain_intersection(state, &request);
        answered += usize::from(want["total_count"].as_u64() > Some(0));
        let (got, want) = (
            serde_json::to_string_pretty(&got).unwrap(),
            serde_json::to_string_pretty(&want).unwrap(),
        );
        if got != want {
            let line = got
                .lines()
                .zip(want.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            panic!(
                "{layout}: engine and model differ at line {line}\nrequest: {request}\nengine: {}\nmodel:  {}",
                got.lines().nth(line).unwrap_or("<end>"),
                want.lines().nth(line).unwrap_or("<end>")
            );
        }
    }
    answered
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn engine_matches_model(seed in any::<u64>()) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let n = rng.gen_range(1..160);
        let observations = linkdex_testkit::gen_observations(&mut rng, n);
        let state = linkdex_testkit::fold(&observations);

        let one = tempfile::tempdir().unwrap();
        check(&build(one.path(), &observations, 1), &state, &mut rng, 12, "one segment");


        let many = tempfile::tempdir().unwrap();
        let chunks = rng.gen_range(2..6);
        let engine = build(many.path(), &observations, chunks);
        check(&engine, &state, &mut rng, 12, "many segments");

        let grown = tempfile::tempdir().unwrap();
        let later = rng.gen_range(1..4);
        check(&build_grown(grown.path(), &observations, later), &state, &mut rng, 12, "grown by small imports");

        let folded = tempfile::tempdir().unwrap();
        let engine_folded = build_folded(folded.path(), &observations, chunks);
        check(&engine_folded, &state, &mut rng, 12, "many segments, written before whole pairs");
        Index::open(folded.path()).unwrap().verify().unwrap();

        Index::open(many.path()).unwrap().writer().unwrap().merge_all().unwrap();
        check(&engine, &state, &mut rng, 12, "merged");
        let (segments, _) = Index::open(many.path()).unwrap().verify().unwrap();
        prop_assert!(segments <= 1);
    }
}

/// Observations over hundreds of referring hosts, and the state they fold to.
fn wide(seed: u64) -> (ChaCha8Rng, Vec<Record>, Vec<Record>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n = rng.gen_range(200..900);
    let hosts = rng.gen_range(70..600);
    let observations = linkdex_testkit::gen_wide_observations(&mut rng, n, hosts);
    let state = linkdex_testkit::fold(&observations);
    (rng, observations, state)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Hundreds of referring hosts: the engine walks host sets word by word and finds a host's
    /// pair by counting the bits before it, across many words; popular targets are read from
    /// their segment's bitmaps.
    #[test]
    fn engine_matches_model_over_wide_host_sets(seed in any::<u64>()) {
        let (mut rng, observations, state) = wide(seed);

        let one = tempfile::tempdir().unwrap();
        check(&build(one.path(), &observations, 1), &state, &mut rng, 16, "one segment, wide");

        let many = tempfile::tempdir().unwrap();
        let engine = build(many.path(), &observations, 3);
        check(&engine, &state, &mut rng, 8, "many segments, wide");

        let grown = tempfile::tempdir().unwrap();
        let engine = build_grown(grown.path(), &observations, 2);
        check(&engine, &state, &mut rng, 16, "grown by small imports, wide");
        let gen = linkdex_testkit::gen_ranked_request;
        check_with(&engine, &state, &mut rng, 16, "grown by small imports, ranked", gen);
    }

    /// Requests the engine may answer by reading a popular target's hosts in rank order: the
    /// default path ordered by default or by one target's rank, under `all` and `partial`,
    /// paged deep.
    #[test]
    fn engine_matches_model_on_pages_in_rank_order(seed in any::<u64>()) {
        let (mut rng, observations, state) = wide(seed);
        let one = tempfile::tempdir().unwrap();
        let engine = build(one.path(), &observations, 1);
        let gen = linkdex_testkit::gen_ranked_request;
        let answered = check_with(&engine, &state, &mut rng, 24, "ranked pages", gen);
        prop_assert!(answered > 0, "no ranked request found anything");
    }
}

/// The generators must make requests that find something, or the comparison proves little.
#[test]
fn random_requests_mostly_find_referring_hosts() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let (mut answered, mut total) = (0, 0);
    for _ in 0..20 {
        let n = rng.gen_range(40..160);
        let state = linkdex_testkit::fold(&linkdex_testkit::gen_observations(&mut rng, n));
        for _ in 0..10 {
            let request = linkdex_testkit::gen_request(&mut rng, &state);
            total += 1;
            answered += usize::from(
                linkdex_testkit::domain_intersection(&state, &request)["total_count"].as_u64()
                    > Some(0),
            );
        }
    }
    assert!(
        answered * 8 >= total,
        "only {answered} of {total} random requests found anything"
    );
}
