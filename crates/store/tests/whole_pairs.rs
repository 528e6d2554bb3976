//! Whole pairs: each segment a writer adds holds every record its pairs have in the segments
//! before it, folded with the new ones. So taking each (target host, referring host) pair from
//! the newest segment that has it gives the fold of every observation, which is what a query
//! relies on when it skips older copies.

use std::collections::BTreeMap;

use linkdex_model::Record;
use linkdex_store::{segment_file_name, Index, Manifest};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};

/// Every pair from the newest segment that has it, in key order.
fn newest_pairs(index: &Index) -> Vec<Record> {
    let snap = index.snapshot().unwrap();
    let mut pairs: BTreeMap<(String, String), Vec<Record>> = BTreeMap::new();
    for (seg, reader) in snap.segments.iter().enumerate() {
        assert!(snap.whole_pairs(seg), "segment {seg} is not whole");
        let mut here: BTreeMap<(String, String), Vec<Record>> = BTreeMap::new();
        for r in reader.iter() {
            let r = r.unwrap();
            let pair = (r.domain_to.clone(), r.domain_from.clone());
            here.entry(pair).or_default().push(r);
        }
        pairs.extend(here);
    }
    let mut records: Vec<Record> = pairs.into_values().flatten().collect();
    records.sort_by_key(Record::key);
    records
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn the_newest_copy_of_each_pair_is_the_fold_of_all(seed in any::<u64>()) {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let n = rng.gen_range(1..200);
        let observations = linkdex_testkit::gen_observations(&mut rng, n);
        let chunks = rng.gen_range(2..7);
        let size = observations.len().div_ceil(chunks).max(1);
        let mut want = linkdex_testkit::fold(&observations);
        want.sort_by_key(Record::key);

        // One commit per chunk; then pending segments of one writer; then staged runs.
        let committed = tempfile::tempdir().unwrap();
        let index = Index::open(committed.path()).unwrap();
        let mut w = index.writer().unwrap();
        for c in observations.chunks(size) {
            w.write_segment(c.to_vec()).unwrap();
            w.commit().unwrap();
        }
        drop(w);
        prop_assert_eq!(&newest_pairs(&index), &want);
        index.verify().unwrap();

        let pending = tempfile::tempdir().unwrap();
        let index = Index::open(pending.path()).unwrap();
        let mut w = index.writer().unwrap();
        let (first, rest) = observations.split_at(size.min(observations.len()));
        w.write_segment(first.to_vec()).unwrap();
        w.commit().unwrap();
        for c in rest.chunks(size) {
            w.write_segment(c.to_vec()).unwrap();
        }
        w.merge_pending().unwrap();
        w.commit().unwrap();
        drop(w);
        prop_assert_eq!(&newest_pairs(&index), &want);
        index.verify().unwrap();

        let staged = tempfile::tempdir().unwrap();
        let index = Index::open(staged.path()).unwrap();
        for c in observations.chunks(size) {
            let mut w = index.writer().unwrap();
            for part in c.chunks(size.div_ceil(2)) {
                w.stage(part.to_vec()).unwrap();
            }
            w.commit().unwrap();
        }
        prop_assert_eq!(&newest_pairs(&index), &want);
        index.verify().unwrap();
    }
}

/// Joins single-segment indexes, one per record list, into one index whose later segments
/// claim whole pairs (they were written without the earlier ones, so they may not be).
fn joined(parts: &[Vec<Record>]) -> (tempfile::TempDir, Manifest) {
    let joined = tempfile::tempdir().unwrap();
    let mut manifest = Manifest::default();
    for (i, records) in parts.iter().enumerate() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = Index::open(dir.path()).unwrap().writer().unwrap();
        w.write_segment(records.clone()).unwrap();
        w.commit().unwrap();
        drop(w);
        let mut entry = Manifest::load(dir.path()).unwrap().segments.remove(0);
        let id = i as u64 + 1;
        std::fs::rename(
            dir.path().join(segment_file_name(entry.id)),
            joined.path().join(segment_file_name(id)),
        )
        .unwrap();
        entry.id = id;
        entry.whole_pairs = true;
        manifest.segments.push(entry);
    }
    manifest.generation = 1;
    manifest.next_segment = parts.len() as u64 + 1;
    manifest.store(joined.path()).unwrap();
    (joined, manifest)
}

/// A segment that claims whole pairs but lacks an older copy's record, or holds an older
/// observation than the copy it shadows, fails `verify`.
#[test]
fn verify_finds_a_pair_that_is_not_whole() {
    let record = |url_from: &str, seen: i64| {
        Record::new(url_from, "https://t.example/", 1_700_000_000 + seen).unwrap()
    };
    let (dir, mut manifest) = joined(&[
        vec![record("https://a.example/1", 0)],
        vec![record("https://a.example/2", 100)],
    ]);
    let index = Index::open(dir.path()).unwrap();
    let err = index.verify().unwrap_err().to_string();
    assert!(err.contains("lacks a record"), "{err}");
    // The same files, not claiming whole pairs (as written before them): consistent.
    manifest.segments[1].whole_pairs = false;
    manifest.store(dir.path()).unwrap();
    index.verify().unwrap();

    let (dir, _) = joined(&[
        vec![record("https://a.example/1", 100)],
        vec![record("https://a.example/1", 0)],
    ]);
    let err = Index::open(dir.path())
        .unwrap()
        .verify()
        .unwrap_err()
        .to_string();
    assert!(err.contains("older than a copy"), "{err}");
}

/// A manifest written before whole pairs has no flag: its segments are folded, not shadowed.
#[test]
fn a_manifest_without_the_flag_reads_as_not_whole() {
    let before = r#"{"format_version": 1, "generation": 2, "next_segment": 3, "segments": [
        {"id": 1, "records": 10, "bytes": 900, "crc32": 7},
        {"id": 2, "records": 4, "bytes": 500, "crc32": 8}]}"#;
    let m: Manifest = serde_json::from_str(before).unwrap();
    assert!(m.segments.iter().all(|s| !s.whole_pairs));
}
