//! Queries read stored records in place as `RecordRef`s. Their layout must be `Record`'s:
//! every generated record, encoded as a segment block encodes it, reads back as a `RecordRef`
//! equal to the record borrowed, and owning it gives the record back.

use linkdex_model::{Record, RecordRef};
use proptest::prelude::*;
use rand::SeedableRng;

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn record_ref_reads_the_stored_layout(seed in any::<u64>()) {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let records = linkdex_testkit::gen_observations(&mut rng, 60);
        let bytes = postcard::to_stdvec(&records).unwrap();
        let (count, mut rest) = postcard::take_from_bytes::<u64>(&bytes).unwrap();
        prop_assert_eq!(count as usize, records.len());
        for r in &records {
            let (read, after) = postcard::take_from_bytes::<RecordRef>(rest).unwrap();
            prop_assert_eq!(&read, &RecordRef::of(r));
            prop_assert_eq!(&read.to_record(), r);
            rest = after;
        }
        prop_assert!(rest.is_empty());
    }
}

#[test]
fn every_optional_field_set_round_trips() {
    let line = r#"{"url_from":"https://a.com/x","url_to":"https://b.org/y","item_type":"image","attributes":["nofollow","ugc"],"semantic_location":"article","anchor":"a","alt":"b","image_url":"https://b.org/i.png","text_pre":"c","text_post":"d","links_count":3,"first_seen":"2020-01-01 00:00:00 +00:00","prev_seen":"2020-06-01 00:00:00 +00:00","last_seen":"2021-01-01 00:00:00 +00:00","is_new":true,"is_lost":true,"lost_date":"2021-01-01 00:00:00 +00:00","is_broken":true,"url_to_status_code":404,"url_to_spam_score":7,"url_to_redirect_target":"https://c.net/","is_indirect_link":true,"indirect_link_path":[{"type":"redirect","status_code":301,"url":"https://b.org/z"}],"rank":5,"page_from_rank":6,"domain_from_rank":7,"backlink_spam_score":8,"domain_from_ip":"10.0.0.1","domain_from_country":"DE","domain_from_platform_type":["blogs"],"page_from_external_links":1,"page_from_internal_links":2,"page_from_size":3,"page_from_status_code":200,"page_from_encoding":"utf-8","page_from_language":"de","page_from_title":"t","original":true}"#;
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    let r = Record::from_json(v.as_object().unwrap(), 0).unwrap();
    let bytes = postcard::to_stdvec(&r).unwrap();
    let read: RecordRef = postcard::from_bytes(&bytes).unwrap();
    assert_eq!(read, RecordRef::of(&r));
    assert_eq!(read.to_record(), r);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// A scan in place over any split of the blocks reads every record once, in segment order,
    /// and owning each gives the records the segment iterator decodes.
    #[test]
    fn a_scan_in_place_over_split_blocks_reads_every_record(seed in any::<u64>(), cut in any::<prop::sample::Index>()) {
        let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
        let observations = linkdex_testkit::gen_observations(&mut rng, 4000);
        let dir = tempfile::tempdir().unwrap();
        let index = linkdex_store::Index::open(dir.path()).unwrap();
        let mut w = index.writer().unwrap();
        w.write_segment(observations).unwrap();
        w.commit().unwrap();
        let snap = index.snapshot().unwrap();
        let segment = &snap.segments[0];
        let blocks = segment.block_count();
        prop_assert!(blocks > 1, "{} blocks", blocks);
        let cut = cut.index(blocks + 1);
        let mut scanned = Vec::new();
        for part in [0..cut, cut..blocks] {
            segment.for_each_ref(part, |_| true, |r| {
                scanned.push(r.to_record());
                Ok(())
            }).unwrap();
        }
        let decoded: Vec<Record> = segment.iter().map(|r| r.unwrap()).collect();
        prop_assert_eq!(scanned, decoded);
    }
}
