//! A popular target's bitmaps, derived from the segment's columns: which targets earn them,
//! that they agree with the columns, and that a server can prepare the most linked ones.

use linkdex_model::Record;
use linkdex_store::Index;

#[test]
fn popular_targets_get_bitmaps_that_agree_with_the_columns() {
    let dir = tempfile::tempdir().unwrap();
    let index = Index::open(dir.path()).unwrap();
    let mut records = Vec::new();
    // a.com: 300 referring hosts, b.com: every third, c.com: three.
    for (target, hosts) in [("a.com", 0..300), ("b.com", 0..100), ("c.com", 0..3)] {
        for h in hosts {
            let h = if target == "b.com" { h * 3 } else { h };
            let from = format!("https://r{h}.example/p");
            let mut r = Record::new(&from, &format!("https://{target}/"), 1_600_000_000).unwrap();
            r.rank = (h * 7 % 1001) as u16;
            r.is_lost = h % 5 == 0;
            records.push(r);
        }
    }
    let mut writer = index.writer().unwrap();
    writer.write_segment(records).unwrap();
    writer.commit().unwrap();
    drop(writer);
    let snap = index.snapshot().unwrap();
    let seg = &snap.segments[0];
    let words = seg.host_count().div_ceil(64);
    assert_eq!(words, 5, "300 referring hosts");

    // A target earns bitmaps with at least one pair per word: a.com and b.com, not c.com.
    assert_eq!(seg.keep_largest_targets(), 2);
    let target = |host: &str| seg.target(host).unwrap();
    assert!(seg.target_bits(target("c.com")).is_none());
    for host in ["a.com", "b.com"] {
        let t = target(host);
        let bits = seg.target_bits(t).expect("a popular target has bitmaps");
        let (mut all, mut live) = (vec![0u64; words], vec![0u64; words]);
        for p in seg.pair_range(t) {
            let (h, hot) = (seg.pair_from(p), seg.hot(p));
            all[h as usize / 64] |= 1 << (h % 64);
            live[h as usize / 64] |= u64::from(hot.live()) << (h % 64);
            assert!(
                bits.hosts_of_rank(hot.rank()).contains(&h),
                "{host}: host {h} under its rank"
            );
        }
        assert_eq!(bits.all, all, "{host}: hosts with a pair");
        assert_eq!(bits.live, live, "{host}: live pairs");
        let ranked: usize = (0..=1000).map(|r| bits.hosts_of_rank(r).len()).sum();
        assert_eq!(
            ranked,
            seg.pair_range(t).len(),
            "{host}: every pair ranked once"
        );
    }
}
