//! Per-pair aggregates are stored in chunks that start at target boundaries; a segment with
//! more pairs than one chunk holds still gives every target its own aggregates.

use linkdex_model::Record;
use linkdex_store::{Index, StatsBuilder};

#[test]
fn aggregates_span_several_chunks_and_match_their_records() {
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open(dir.path()).unwrap();
    let mut records = Vec::new();
    for t in 0..3 {
        for r in 0..5000 {
            let mut rec = Record::new(
                &format!("https://r{r}.example/p"),
                &format!("https://t{t}.com/"),
                1_600_000_000,
            )
            .unwrap();
            rec.is_lost = r % 7 == 0;
            rec.links_count = 1 + (r % 3) as u64;
            records.push(rec);
        }
    }
    let mut w = index.writer().unwrap();
    w.write_segment(records).unwrap();
    w.commit().unwrap();
    drop(w);

    index.verify().unwrap();
    let snap = index.snapshot().unwrap();
    let seg = &snap.segments[0];
    assert!(
        seg.meta().stats_chunks.len() >= 3,
        "{} chunks",
        seg.meta().stats_chunks.len()
    );
    let records: Vec<Record> = seg.iter().map(|r| r.unwrap()).collect();
    for t in 0..seg.target_count() {
        let stats = seg.live_stats(t).unwrap();
        assert_eq!(stats.len(), seg.pairs(t).len());
        for (pair, stored) in seg.pairs(t).iter().zip(stats) {
            let mut b = StatsBuilder::default();
            let run = &records[pair.record_start as usize
                ..(pair.record_start + u64::from(pair.record_count)) as usize];
            run.iter().filter(|r| !r.is_lost).for_each(|r| b.add(r));
            assert_eq!(&b.finish(), stored);
        }
    }
}
