//! Hand-computed per-target metrics (contract §8, §9) and the exact output shape.

mod common;

use common::{link, rec, run};
use serde_json::json;

#[test]
fn one_item_exactly_as_the_api_writes_it() {
    let records = [
        rec(
            json!({"url_from": "https://www.xroxy.com/a", "url_to": "https://moz.com/",
            "rank": 500, "links_count": 2, "backlink_spam_score": 10, "attributes": ["noopener"],
            "domain_from_country": "US", "domain_from_ip": "192.0.2.1",
            "domain_from_platform_type": ["blogs"], "semantic_location": "article",
            "first_seen": "2022-01-01 00:00:00 +00:00"}),
        ),
        rec(
            json!({"url_from": "https://www.xroxy.com/b", "url_to": "https://moz.com/x",
            "attributes": ["nofollow"], "is_broken": true, "links_count": 3,
            "backlink_spam_score": 21, "domain_from_ip": "192.0.2.7", "item_type": "image",
            "first_seen": "2021-06-01 00:00:00 +00:00"}),
        ),
        rec(
            json!({"url_from": "https://www.xroxy.com/a", "url_to": "https://ahrefs.com/",
            "rank": 700, "domain_from_ip": "2001:db8::1"}),
        ),
        link("https://example.org/", "https://moz.com/"),
    ];
    // Keys sent "10" then "2": echoed as sent, but items list "2" before "10".
    let out = run(
        &records,
        json!({"targets": {"10": "ahrefs.com", "2": "moz.com"}}),
    );
    let want = json!({
        "targets": {"10": "ahrefs.com", "2": "moz.com"},
        "total_count": 1,
        "items_count": 1,
        "items": [{
            "domain_intersection": {
                "2": {
                    "type": "backlinks_domain_intersection", "target": "www.xroxy.com",
                    "rank": 500, // only the dofollow, unbroken record passes rank
                    "backlinks": 5, "first_seen": "2021-06-01 00:00:00 +00:00",
                    "lost_date": null,
                    "backlinks_spam_score": 16, // mean 15.5 rounds half up
                    "broken_backlinks": 3, "broken_pages": 1,
                    "referring_domains": 1, "referring_domains_nofollow": 0,
                    "referring_main_domains": 1, "referring_main_domains_nofollow": 0,
                    "referring_ips": 2, "referring_subnets": 1,
                    "referring_pages": 2, "referring_pages_nofollow": 1,
                    "referring_links_tld": {"com": 2},
                    "referring_links_types": {"anchor": 1, "image": 1},
                    "referring_links_attributes": {"nofollow": 1, "noopener": 1},
                    "referring_links_platform_types": {"blogs": 1, "unknown": 1},
                    "referring_links_semantic_locations": {"": 1, "article": 1},
                    "referring_links_countries": {"US": 1}
                },
                "10": {
                    "type": "backlinks_domain_intersection", "target": "www.xroxy.com",
                    "rank": 700, "backlinks": 1, "first_seen": common::NOW, "lost_date": null,
                    "backlinks_spam_score": 0, "broken_backlinks": 0, "broken_pages": 0,
                    "referring_domains": 1, "referring_domains_nofollow": 0,
                    "referring_main_domains": 1, "referring_main_domains_nofollow": 0,
                    "referring_ips": 1, "referring_subnets": 1,
                    "referring_pages": 1, "referring_pages_nofollow": 0,
                    "referring_links_tld": {"com": 1},
                    "referring_links_types": {"anchor": 1},
                    "referring_links_attributes": null,
                    "referring_links_platform_types": {"unknown": 1},
                    "referring_links_semantic_locations": {"": 1},
                    "referring_links_countries": null
                }
            },
            "summary": {"intersections_count": 2}
        }]
    });
    // Byte-identical, key order included.
    assert_eq!(out.to_string(), want.to_string());
}

#[test]
fn ten_links_of_rank_500_give_600() {
    let mut records: Vec<_> = (0..10)
        .map(|i| rec(json!({"url_from": format!("https://d.com/{i}"), "url_to": "https://moz.com/", "rank": 500})))
        .collect();
    // Neither a nofollow nor a broken link passes rank, whatever rank it carries.
    records.push(rec(json!({"url_from": "https://d.com/n", "url_to": "https://moz.com/", "rank": 1000, "attributes": ["ugc"]})));
    records.push(rec(json!({"url_from": "https://d.com/b", "url_to": "https://moz.com/", "rank": 1000, "is_broken": true})));
    let out = run(&records, json!({"targets": {"1": "moz.com"}}));
    assert_eq!(
        out["items"][0]["domain_intersection"]["1"]["rank"],
        json!(600)
    );
    let out = run(
        &records,
        json!({"targets": {"1": "moz.com"}, "rank_scale": "one_hundred"}),
    );
    // round(sin(600 / 636.62) * 100) = round(80.90)
    assert_eq!(
        out["items"][0]["domain_intersection"]["1"]["rank"],
        json!(81)
    );
    // Filters see the reported scale.
    let f = |op: &str, v: i64| {
        let req = json!({"targets": {"1": "moz.com"}, "rank_scale": "one_hundred", "filters": ["1.rank", op, v]});
        run(&records, req)["total_count"].clone()
    };
    assert_eq!((f("=", 81), f(">", 81)), (json!(1), json!(0)));
}

#[test]
fn maps_count_pages_order_by_count_then_key_and_are_cut() {
    let attrs = [
        vec!["nofollow", "ugc"],
        vec!["ugc"],
        vec!["ugc", "external"],
        vec!["noopener"],
    ];
    let mut records: Vec<_> = attrs
        .iter()
        .enumerate()
        .map(|(i, a)| rec(json!({"url_from": format!("https://d.com/{i}"), "url_to": "https://moz.com/", "attributes": a})))
        .collect();
    // A second link on page 0 adds no page to "ugc".
    records.push(rec(json!({"url_from": "https://d.com/0", "url_to": "https://moz.com/p", "attributes": ["ugc"]})));
    let req = |limit: u64| json!({"targets": {"1": "moz.com"}, "internal_list_limit": limit});
    let m = &run(&records, req(10))["items"][0]["domain_intersection"]["1"];
    assert_eq!(
        m["referring_links_attributes"].to_string(),
        r#"{"ugc":3,"external":1,"nofollow":1,"noopener":1}"#
    );
    assert_eq!(m["referring_pages"], json!(4));
    assert_eq!(
        m["referring_pages_nofollow"],
        json!(3),
        "pages 0, 1, 2 have no dofollow link"
    );
    assert_eq!(
        m["referring_domains_nofollow"],
        json!(0),
        "page 3 is dofollow"
    );
    let m = &run(&records, req(2))["items"][0]["domain_intersection"]["1"];
    assert_eq!(
        m["referring_links_attributes"].to_string(),
        r#"{"ugc":3,"external":1}"#
    );
}

#[test]
fn lost_date_is_null_while_any_link_lives() {
    let lost = |path: &str, date: &str| {
        rec(
            json!({"url_from": format!("https://d.com/{path}"), "url_to": "https://moz.com/",
            "is_lost": true, "first_seen": "2020-01-01 00:00:00 +00:00", "lost_date": date}),
        )
    };
    let records = vec![
        lost("a", "2021-01-01 00:00:00 +00:00"),
        lost("b", "2022-02-02 00:00:00 +00:00"),
    ];
    let req = json!({"targets": {"1": "moz.com"}, "backlinks_status_type": "all"});
    let m = run(&records, req.clone())["items"][0]["domain_intersection"]["1"].clone();
    assert_eq!(m["lost_date"], json!("2022-02-02 00:00:00 +00:00"));
    let mut with_live = records.clone();
    with_live.push(link("https://d.com/c", "https://moz.com/"));
    let m = run(&with_live, req)["items"][0]["domain_intersection"]["1"].clone();
    assert_eq!(m["lost_date"], json!(null));
}
