//! A server's engine picks up each commit without dropping what it prepared: the segments a new
//! commit still lists keep their open readers, and a popular target's bitmaps are not built
//! again.

use std::sync::Arc;

use linkdex_model::Record;
use linkdex_query::Engine;
use linkdex_store::Index;

fn links(target: &str, hosts: std::ops::Range<u32>) -> Vec<Record> {
    let to = format!("https://{target}/");
    hosts
        .map(|h| Record::new(&format!("https://r{h}.example/"), &to, 1_600_000_000).unwrap())
        .collect()
}

#[test]
fn a_commit_keeps_the_prepared_bitmaps_of_unchanged_segments() {
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open(dir.path()).unwrap();
    let mut writer = index.writer().unwrap();
    writer.write_segment(links("a.com", 0..200)).unwrap();
    writer.commit().unwrap();

    let engine = Engine::open(dir.path()).unwrap();
    assert_eq!(engine.keep_largest_targets().unwrap(), 1);
    let before = engine.snapshot().unwrap();
    let a = before.segments[0].target("a.com").unwrap();
    let bits = before.segments[0].target_bits(a).unwrap();

    writer.write_segment(links("b.com", 0..3)).unwrap();
    writer.commit().unwrap();
    let after = engine.snapshot().unwrap();
    assert_eq!(after.segments.len(), 2, "the new commit is read");
    assert!(Arc::ptr_eq(&before.segments[0], &after.segments[0]));
    let kept = after.segments[0].target_bits(a).unwrap();
    assert!(
        Arc::ptr_eq(&bits, &kept),
        "a.com's bitmaps are not built again"
    );
}
