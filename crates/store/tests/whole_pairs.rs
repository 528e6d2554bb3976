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

/// A segment that claims whole pairs but lacks an older copy's record fails `verify`.
#[test]
fn verify_finds_a_pair_that_is_not_whole() {
    let old = Record::new("https://a.example/1", "https://t.example/", 1_700_000_000).unwrap();
    let new = Record::new("https://a.example/2", "https://t.example/", 1_700_000_100).unwrap();
    // Two single-segment indexes, so the second segment is written without the first.
    let dirs: Vec<_> = [&old, &new]
        .iter()
        .map(|r| {
            let dir = tempfile::tempdir().unwrap();
            let mut w = Index::open(dir.path()).unwrap().writer().unwrap();
            w.write_segment(vec![(*r).clone()]).unwrap();
            w.commit().unwrap();
            dir
        })
        .collect();
    let joined = tempfile::tempdir().unwrap();
    let mut manifest = Manifest::default();
    for (i, dir) in dirs.iter().enumerate() {
        let mut entry = Manifest::load(dir.path()).unwrap().segments.remove(0);
        std::fs::rename(
            dir.path().join(segment_file_name(entry.id)),
            joined.path().join(segment_file_name(i as u64 + 1)),
        )
        .unwrap();
        entry.id = i as u64 + 1;
        entry.whole_pairs = true;
        manifest.segments.push(entry);
    }
    manifest.generation = 1;
    manifest.next_segment = 3;
    manifest.store(joined.path()).unwrap();
    let index = Index::open(joined.path()).unwrap();
    let err = index.verify().unwrap_err().to_string();
    assert!(err.contains("lacks a record"), "{err}");

    // The same files, not claiming whole pairs (as written before them): consistent.
    manifest.segments[1].whole_pairs = false;
    manifest.store(joined.path()).unwrap();
    index.verify().unwrap();
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
