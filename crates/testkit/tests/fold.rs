//! The index state after observations: one record per key, the contract's update rule, and
//! idempotent re-import.

mod common;

use common::rec;
use linkdex_testkit::{fold, gen_observations};
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde_json::json;

#[test]
fn updates_keep_first_seen_and_take_the_newer_fields() {
    let old = rec(
        json!({"url_from": "http://a.com/", "url_to": "http://b.com/",
        "first_seen": "2020-01-01 00:00:00 +00:00", "last_seen": "2021-01-01 00:00:00 +00:00",
        "anchor": "old"}),
    );
    let new = rec(
        json!({"url_from": "HTTP://A.com:80/#x", "url_to": "http://b.com",
        "first_seen": "2020-06-01 00:00:00 +00:00", "last_seen": "2022-01-01 00:00:00 +00:00",
        "anchor": "new"}),
    );
    let other_type =
        rec(json!({"url_from": "http://a.com/", "url_to": "http://b.com/", "item_type": "image"}));
    let state = fold(&[old.clone(), other_type.clone(), new.clone()]);
    assert_eq!(state.len(), 2, "same URLs, other item_type: another key");
    let merged = &state[0];
    assert_eq!(merged.anchor.as_deref(), Some("new"));
    assert_eq!(
        (merged.first_seen, merged.last_seen),
        (old.first_seen, new.last_seen)
    );
    assert_eq!(merged.prev_seen, Some(old.last_seen));
    assert_eq!(state[1], other_type);
    // An older observation arriving again after the newer one changes nothing.
    let once = fold(&[old.clone(), new.clone()]);
    assert_eq!(fold(&[old.clone(), new, old]), once);
}

#[test]
fn importing_the_same_observations_twice_changes_nothing() {
    for seed in 0..50 {
        let obs = gen_observations(&mut StdRng::seed_from_u64(seed), 60);
        let once = fold(&obs);
        let twice = fold(&[obs.clone(), obs].concat());
        assert_eq!(once, twice, "seed {seed}");
        assert_eq!(fold(&once), once);
        assert!(
            once.windows(2).all(|w| w[0].key() < w[1].key()),
            "sorted, unique keys"
        );
    }
}

#[test]
fn on_a_last_seen_tie_the_later_import_wins() {
    let obs = |anchor: &str| {
        rec(
            json!({"url_from": "http://a.com/", "url_to": "http://b.com/",
            "last_seen": "2021-01-01 00:00:00 +00:00", "anchor": anchor}),
        )
    };
    let state = fold(&[obs("first"), obs("second")]);
    assert_eq!(state[0].anchor.as_deref(), Some("second"));
}
