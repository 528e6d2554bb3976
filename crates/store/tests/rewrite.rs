//! `rewrite_all`: every folded record passes through the closure exactly once into one segment
//! and one commit; a closure that fails, or moves a record out of order, leaves the previous
//! commit and no stray file.

use linkdex_model::Record;
use linkdex_store::{Index, StoreError};
use rand::SeedableRng;

/// The records a query sees (keys in several segments folded).
fn records(index: &Index) -> Vec<Record> {
    let mut out = Vec::new();
    index
        .writer()
        .unwrap()
        .scan_all(|r| {
            out.push(r.clone());
            Ok(())
        })
        .unwrap();
    out
}

fn segment_files(index: &Index) -> usize {
    std::fs::read_dir(index.dir())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("seg-"))
        .count()
}

/// An index of three commits (keys repeated across them) and its folded records.
fn three_commits(dir: &std::path::Path) -> (Index, Vec<Record>) {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    let observations = linkdex_testkit::gen_observations(&mut rng, 150);
    let index = Index::open(dir).unwrap();
    let mut w = index.writer().unwrap();
    for c in observations.chunks(50) {
        w.write_segment(c.to_vec()).unwrap();
        w.commit().unwrap();
    }
    let mut folded = Vec::new();
    w.scan_all(|r| {
        folded.push(r.clone());
        Ok(())
    })
    .unwrap();
    drop(w);
    (index, folded)
}

#[test]
fn every_record_passes_once_into_one_commit() {
    let dir = tempfile::tempdir().unwrap();
    let (index, folded) = three_commits(dir.path());
    let before = index.generation().unwrap();
    let mut w = index.writer().unwrap();
    let mut seen = 0u64;
    let generation = w
        .rewrite_all(|r| {
            seen += 1;
            r.page_from_rank = 7;
            Ok(())
        })
        .unwrap();
    drop(w);
    assert_eq!(generation, before + 1, "one commit");
    assert_eq!(seen, folded.len() as u64);
    let after = records(&index);
    let want: Vec<Record> = folded
        .into_iter()
        .map(|mut r| {
            r.page_from_rank = 7;
            r
        })
        .collect();
    assert!(after == want, "every record rewritten by f");
    assert_eq!(index.verify().unwrap(), (1, want.len() as u64));
    assert_eq!(segment_files(&index), 1);
}

#[test]
fn rewrite_of_a_single_segment_still_commits() {
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open(dir.path()).unwrap();
    let mut w = index.writer().unwrap();
    let r = Record::new("https://a.com/", "https://b.com/", 0).unwrap();
    w.write_segment(vec![r]).unwrap();
    w.commit().unwrap();
    let generation = w
        .rewrite_all(|r| {
            r.rank = 3;
            Ok(())
        })
        .unwrap();
    drop(w);
    assert_eq!(generation, 2);
    assert_eq!(records(&index)[0].rank, 3);
    assert_eq!(segment_files(&index), 1);
}

#[test]
fn a_failed_rewrite_leaves_the_previous_commit() {
    let dir = tempfile::tempdir().unwrap();
    let (index, folded) = three_commits(dir.path());
    let before = index.generation().unwrap();
    let mut w = index.writer().unwrap();
    let mut n = 0;
    let err = w
        .rewrite_all(|r| {
            n += 1;
            r.rank = 1;
            if n == 60 {
                return Err("injected".into());
            }
            Ok(())
        })
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Rewrite { reason, .. } if reason == "injected"),
        "{err}"
    );
    drop(w);
    assert_eq!(index.generation().unwrap(), before);
    assert!(records(&index) == folded, "records unchanged");
    index.verify().unwrap();
    assert_eq!(segment_files(&index), 3, "no partial segment left");
}

#[test]
fn changing_the_order_fails_the_rewrite() {
    let dir = tempfile::tempdir().unwrap();
    let (index, folded) = three_commits(dir.path());
    let mut w = index.writer().unwrap();
    let err = w
        .rewrite_all(|r| {
            r.url_to = "https://zzz.example/".into();
            r.domain_to = "aaa.example".into();
            Ok(())
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::Order { .. }), "{err}");
    drop(w);
    assert!(records(&index) == folded, "records unchanged");
}
