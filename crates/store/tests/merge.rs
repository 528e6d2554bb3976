//! Merging segments gives the segment a single build of the same observations gives:
//! merge(build(a), build(b)) == build(a ++ b), for pending and for committed segments, and for
//! chunks staged as sorted runs.

use linkdex_model::Record;
use linkdex_store::Index;
use proptest::prelude::*;
use rand::SeedableRng;

fn all_records(index: &Index) -> Vec<Record> {
    let snap = index.snapshot().unwrap();
    assert!(snap.segments.len() <= 1);
    snap.segments
        .iter()
        .flat_map(|s| s.iter().map(|r| r.unwrap()))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn merged_segments_equal_one_build(seed in any::<u64>(), chunks in 1usize..12) {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let observations = linkdex_testkit::gen_observations(&mut rng, 120);
        let size = observations.len().div_ceil(chunks).max(1);

        let one = tempfile::tempdir().unwrap();
        let single = Index::open(one.path()).unwrap();
        let mut w = single.writer().unwrap();
        w.write_segment(observations.clone()).unwrap();
        w.commit().unwrap();
        drop(w);

        let two = tempfile::tempdir().unwrap();
        let pending = Index::open(two.path()).unwrap();
        let mut w = pending.writer().unwrap();
        for c in observations.chunks(size) {
            w.write_segment(c.to_vec()).unwrap();
        }
        w.merge_pending().unwrap();
        w.commit().unwrap();
        drop(w);

        let three = tempfile::tempdir().unwrap();
        let committed = Index::open(three.path()).unwrap();
        let mut w = committed.writer().unwrap();
        for c in observations.chunks(size) {
            w.write_segment(c.to_vec()).unwrap();
            w.commit().unwrap();
        }
        w.merge_all().unwrap();
        drop(w);

        let four = tempfile::tempdir().unwrap();
        let staged = Index::open(four.path()).unwrap();
        let mut w = staged.writer().unwrap();
        for c in observations.chunks(size) {
            w.stage(c.to_vec()).unwrap();
        }
        w.commit().unwrap();
        drop(w);

        let want = all_records(&single);
        prop_assert_eq!(want.len(), linkdex_testkit::fold(&observations).len());
        prop_assert_eq!(&all_records(&pending), &want);
        prop_assert_eq!(&all_records(&committed), &want);
        prop_assert_eq!(&all_records(&staged), &want);
        for index in [&single, &pending, &committed, &staged] {
            index.verify().unwrap();
            let files = std::fs::read_dir(index.dir()).unwrap().flatten().filter(|e| e.file_name().to_string_lossy().starts_with("seg-")).count();
            prop_assert_eq!(files, 1, "no segment file left behind");
        }
    }
}
