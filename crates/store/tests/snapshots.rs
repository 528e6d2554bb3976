//! A snapshot taken after a commit keeps the open readers of the segments the commit still
//! lists (and with them what a reader keeps, such as a popular target's bitmaps); segments a
//! merge replaced are opened anew.

use std::sync::Arc;

use linkdex_model::Record;
use linkdex_store::Index;

fn record(url_from: &str) -> Record {
    Record::new(url_from, "https://t.example/", 1_700_000_000).unwrap()
}

#[test]
fn a_new_commit_keeps_the_readers_of_unchanged_segments() {
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open(dir.path()).unwrap();
    let mut w = index.writer().unwrap();
    w.write_segment(vec![record("https://a.example/1")])
        .unwrap();
    w.commit().unwrap();
    let first = index.snapshot().unwrap();

    w.write_segment(vec![record("https://b.example/1")])
        .unwrap();
    w.commit().unwrap();
    let second = index.snapshot_after(Some(&first)).unwrap();
    assert_eq!(second.segments.len(), 2);
    assert!(Arc::ptr_eq(&first.segments[0], &second.segments[0]));
    assert_eq!(second.record_count(), 2);
    assert!(second.whole_pairs(1));

    w.merge_all().unwrap();
    let merged = index.snapshot_after(Some(&second)).unwrap();
    assert_eq!(merged.segments.len(), 1);
    assert!(!Arc::ptr_eq(&merged.segments[0], &second.segments[0]));
    assert_eq!(merged.record_count(), 2);
    // The replaced segment's reader still reads (its file is unlinked, not gone).
    assert_eq!(second.segments[0].iter().count(), 1);
}
