//! Per-pair aggregates are stored in frames of `STATS_FRAME_PAIRS` pairs, in the scalar (warm)
//! column and in the hot column;
//! a segment with many frames, whose targets straddle frame boundaries, still gives every pair
//! the aggregates of its own live records.

use linkdex_model::{registrable_domain, Record, RecordRef};
use linkdex_store::{scale, Hot, Index, SegmentReader, StatsBuilder, STATS_FRAME_PAIRS};

#[test]
fn aggregates_span_many_frames_and_match_their_records() {
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open(dir.path()).unwrap();
    let mut records = Vec::new();
    for t in 0..3 {
        for r in 0..(5000 + t * 7) {
            // Every 13th referring host is a subdomain of the target: an internal link.
            let from = if r % 13 == 0 {
                format!("https://r{r}.t{t}.com/p")
            } else {
                format!("https://r{r}.example/p")
            };
            let mut rec = Record::new(&from, &format!("https://t{t}.com/"), 1_600_000_000).unwrap();
            rec.is_lost = r % 7 == 0;
            rec.is_indirect_link = r % 11 == 0;
            rec.links_count = 1 + (r % 3) as u64;
            rec.rank = (r % 1001) as u16;
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
    assert_eq!(seg.pair_count(), 15021);
    assert_eq!(seg.frame_count(), 15021_usize.div_ceil(STATS_FRAME_PAIRS));
    let records: Vec<Record> = seg.iter().map(|r| r.unwrap()).collect();
    let (mut checked, mut internal) = (0, 0);
    for t in 0..seg.target_count() {
        for p in seg.pair_range(t) {
            let pair = seg.pair(p);
            let mut b = StatsBuilder::default();
            let run = &records[pair.record_start as usize
                ..(pair.record_start + u64::from(pair.record_count)) as usize];
            let pair_host = seg.from_host(pair.from).to_string();
            assert!(run.iter().all(|r| r.domain_from == pair_host));
            internal += usize::from(pair_host.ends_with(&format!(".t{t}.com")));
            run.iter()
                .filter(|r| !r.is_lost)
                .for_each(|r| b.add(&RecordRef::of(r)));
            let expected = b.finish();
            let (f, i) = SegmentReader::frame_of(p);
            let frame = seg.stats_frame(f).unwrap();
            assert_eq!(frame.get(i), Some(expected.cold.clone()));
            assert_eq!(seg.pair_stats(&frame, p), Some(expected.clone()));
            assert_eq!(seg.warm(p), Some(expected.warm.clone()));
            let hot = Hot::new(
                scale(expected.cold.rank_mass),
                expected.warm.records > 0,
                expected.cold.indirect > 0,
                registrable_domain(&seg.target_host(t)) == registrable_domain(&pair_host),
            );
            assert_eq!(seg.hot(p), hot);
            checked += 1;
        }
    }
    assert_eq!(checked, 15021);
    assert_eq!(
        internal,
        (0..3)
            .map(|t| (5000 + t * 7usize).div_ceil(13))
            .sum::<usize>()
    );
}
