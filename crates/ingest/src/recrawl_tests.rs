//! The recrawl rules on hand-made fetches.

use std::collections::BTreeMap;

use linkdex_model::{Hop, ItemType, Record};

use crate::fetch::Fetch;
use crate::recrawl::apply_captures;

const A: &str = "https://a.com/page";
const B: &str = "https://b.org/";
const C: &str = "https://c.net/x";
const X: &str = "https://x.com/old";
const Y: &str = "https://y.com/new";

fn fetch(url: &str, date: i64, status: u16, links: &[&str]) -> Fetch {
    Fetch {
        url: url.into(),
        date,
        status: Some(status),
        redirect: None,
        canonical: None,
        links: links
            .iter()
            .map(|to| Record::new(url, to, date).unwrap())
            .collect(),
    }
}

fn redirect(url: &str, date: i64, status: u16, to: &str) -> Fetch {
    let mut f = fetch(url, date, status, &[to]);
    f.links[0].item_type = ItemType::Redirect;
    f.redirect = Some(to.into());
    f
}

/// Output by (url_from, url_to) for anchors.
fn run(fetches: Vec<Fetch>, existing: Vec<Record>) -> BTreeMap<(String, String), Record> {
    apply_captures(fetches, existing)
        .into_iter()
        .filter(|r| r.item_type == ItemType::Anchor)
        .map(|r| ((r.url_from.clone(), r.url_to.clone()), r))
        .collect()
}

fn get<'a>(out: &'a BTreeMap<(String, String), Record>, from: &str, to: &str) -> &'a Record {
    out.get(&(from.to_string(), to.to_string()))
        .unwrap_or_else(|| panic!("no record {from} -> {to}: {:?}", out.keys()))
}

#[test]
fn a_link_gone_from_a_newer_capture_is_lost_then_live_again() {
    let out = run(
        vec![fetch(A, 10, 200, &[B, C]), fetch(A, 20, 200, &[B])],
        vec![],
    );
    let c = get(&out, A, C);
    assert!(c.is_lost);
    assert_eq!((c.lost_date, c.last_seen), (Some(20), 10));
    assert!(!get(&out, A, B).is_lost);
    assert_eq!(get(&out, A, B).prev_seen, Some(10));

    let out = run(
        vec![
            fetch(A, 10, 200, &[B, C]),
            fetch(A, 20, 200, &[B]),
            fetch(A, 30, 200, &[B, C]),
        ],
        vec![],
    );
    let c = get(&out, A, C);
    assert!(!c.is_lost);
    assert_eq!((c.first_seen, c.prev_seen, c.last_seen), (10, Some(10), 30));
}

#[test]
fn state_from_a_previous_run_is_carried_on() {
    let first: Vec<Record> = apply_captures(vec![fetch(A, 10, 200, &[B, C])], vec![]);
    let second = apply_captures(vec![fetch(A, 20, 200, &[B])], first.clone());
    let c_new = second.iter().find(|r| r.url_to == C).unwrap();
    let c_old = first.iter().find(|r| r.url_to == C).unwrap();
    // Folded as the store folds segments: the lost mark wins on the tie of last_seen.
    let folded = Record::merge(c_old, c_new);
    assert!(folded.is_lost);
    assert_eq!(folded.lost_date, Some(20));
    assert_eq!(folded.last_seen, 10);
}

#[test]
fn an_older_capture_changes_no_newer_link_set() {
    let stored = apply_captures(vec![fetch(A, 30, 200, &[B, C])], vec![]);
    let out = run(vec![fetch(A, 20, 200, &[B])], stored);
    assert!(!out.contains_key(&(A.to_string(), C.to_string())));
    assert_eq!(get(&out, A, B).last_seen, 30);
}

#[test]
fn a_referring_page_answering_4xx_or_5xx_loses_all_its_links() {
    for status in [404, 410, 500, 503] {
        let out = run(
            vec![fetch(A, 10, 200, &[B, C]), fetch(A, 20, status, &[])],
            vec![],
        );
        for to in [B, C] {
            assert!(get(&out, A, to).is_lost, "{status}");
            assert_eq!(get(&out, A, to).lost_date, Some(20));
        }
    }
}

#[test]
fn a_304_or_a_capture_without_status_loses_nothing() {
    let mut unknown = fetch(A, 20, 200, &[]);
    unknown.status = None;
    for f in [fetch(A, 20, 304, &[]), unknown] {
        let out = run(vec![fetch(A, 10, 200, &[B, C]), f], vec![]);
        assert!(out.values().all(|r| !r.is_lost));
    }
}

#[test]
fn a_broken_target_is_marked_then_fixed() {
    let out = run(
        vec![fetch(A, 10, 200, &[C]), fetch(C, 20, 404, &[])],
        vec![],
    );
    let r = get(&out, A, C);
    assert!(r.is_broken && !r.is_lost);
    assert_eq!((r.url_to_status_code, r.last_seen), (Some(404), 10));

    // A later observation of the link keeps the target's last known status.
    let out = run(
        vec![
            fetch(A, 10, 200, &[C]),
            fetch(C, 20, 500, &[]),
            fetch(A, 30, 200, &[C]),
        ],
        vec![],
    );
    assert!(get(&out, A, C).is_broken);
    assert_eq!(get(&out, A, C).last_seen, 30);

    // Fixed by a later 2xx, also across runs (the stored record is broken).
    let stored = apply_captures(
        vec![fetch(A, 10, 200, &[C]), fetch(C, 20, 404, &[])],
        vec![],
    );
    let kept = run(vec![fetch(A, 25, 200, &[C])], stored.clone());
    assert!(get(&kept, A, C).is_broken, "a refetch of A keeps C broken");
    let fixed = run(vec![fetch(C, 30, 200, &[])], stored);
    let r = get(&fixed, A, C);
    assert!(!r.is_broken);
    assert_eq!(r.url_to_status_code, Some(200));
}

#[test]
fn a_redirect_passes_links_on_as_indirect_records() {
    let out = run(
        vec![fetch(A, 10, 200, &[X, B]), redirect(X, 20, 301, Y)],
        vec![],
    );
    let r = get(&out, A, Y);
    assert!(r.is_indirect_link && !r.is_lost);
    assert_eq!(
        r.indirect_link_path,
        Some(vec![Hop {
            kind: "redirect".into(),
            status_code: Some(301),
            url: X.into(),
        }])
    );
    assert_eq!(
        (r.first_seen, r.last_seen, r.domain_to.as_str()),
        (10, 10, "y.com")
    );
    let x = get(&out, A, X);
    assert_eq!(x.url_to_status_code, Some(301));
    assert_eq!(x.url_to_redirect_target.as_deref(), Some(Y));
    assert!(!x.is_indirect_link);

    // Redirect seen first, link later; then the link goes and the indirect one with it.
    let out = run(
        vec![
            redirect(X, 5, 302, Y),
            fetch(A, 10, 200, &[X]),
            fetch(A, 20, 200, &[B]),
        ],
        vec![],
    );
    let r = get(&out, A, Y);
    assert!(r.is_indirect_link && r.is_lost);
    assert_eq!((r.last_seen, r.lost_date), (10, Some(20)));
    assert_eq!(
        r.indirect_link_path.as_ref().unwrap()[0].status_code,
        Some(302)
    );
}

#[test]
fn a_canonical_passes_links_on_and_a_self_or_same_host_one_does_not() {
    let mut canon = fetch(X, 20, 200, &[]);
    canon.canonical = Some(Y.into());
    let out = run(vec![fetch(A, 10, 200, &[X]), canon.clone()], vec![]);
    let r = get(&out, A, Y);
    assert!(r.is_indirect_link);
    let hop = &r.indirect_link_path.as_ref().unwrap()[0];
    assert_eq!(
        (hop.kind.as_str(), hop.status_code),
        ("canonical", Some(200))
    );

    let mut own = fetch(X, 20, 200, &[]);
    own.canonical = Some(X.into());
    let out = run(vec![fetch(A, 10, 200, &[X]), own], vec![]);
    assert_eq!(out.len(), 1, "{:?}", out.keys());

    // A page of y.com linking to X reaches its own host: not a backlink.
    let from_y = "https://y.com/blog";
    let out = run(vec![fetch(from_y, 10, 200, &[X]), canon], vec![]);
    assert_eq!(out.len(), 1, "{:?}", out.keys());
}

#[test]
fn a_target_that_stops_redirecting_loses_its_indirect_links() {
    let out = run(
        vec![
            fetch(A, 10, 200, &[X]),
            redirect(X, 20, 301, Y),
            fetch(X, 30, 200, &[]),
        ],
        vec![],
    );
    let r = get(&out, A, Y);
    assert!(r.is_lost);
    assert_eq!(r.lost_date, Some(30));
    assert!(!get(&out, A, X).is_lost);

    // Across runs: the stored indirect record carries the alias; A refetched keeps it live.
    let stored = apply_captures(
        vec![fetch(A, 10, 200, &[X]), redirect(X, 20, 301, Y)],
        vec![],
    );
    let out = run(vec![fetch(A, 40, 200, &[X])], stored);
    let r = get(&out, A, Y);
    assert!(!r.is_lost && r.is_indirect_link);
    assert_eq!(r.last_seen, 40);
}

#[test]
fn a_direct_link_wins_over_an_indirect_one_with_the_same_key() {
    let out = run(
        vec![fetch(A, 10, 200, &[X, Y]), redirect(X, 20, 301, Y)],
        vec![],
    );
    assert!(!get(&out, A, Y).is_indirect_link);
}
