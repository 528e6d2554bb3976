//! Which records feed a target and which referring hosts qualify (contract §4, §5).

mod common;

use common::{hosts, keys, link, rec, run};
use serde_json::json;

#[test]
fn www_is_the_same_site_whatever_include_subdomains_says() {
    let records = [
        link("https://a.org/", "https://www.moz.com/"),
        link("https://b.org/", "https://blog.moz.com/"),
        link("https://c.org/", "https://notmoz.com/"),
    ];
    let req = |subs: bool| json!({"targets": {"1": "moz.com"}, "include_subdomains": subs});
    assert_eq!(hosts(&run(&records, req(false))), ["a.org"]);
    assert_eq!(hosts(&run(&records, req(true))), ["a.org", "b.org"]);
}

#[test]
fn internal_links_share_the_registrable_domain() {
    let records = [
        link("https://blog.moz.com/", "https://moz.com/"),
        link("https://x.github.io/", "https://y.github.io/"),
        link("https://shop.a.co.uk/", "https://a.co.uk/"),
    ];
    let req = |target: &str, exclude: bool| json!({"targets": {"1": target}, "exclude_internal_backlinks": exclude});
    assert!(hosts(&run(&records, req("moz.com", true))).is_empty());
    assert_eq!(
        hosts(&run(&records, req("moz.com", false))),
        ["blog.moz.com"]
    );
    // github.io is a (private) public suffix: x.github.io and y.github.io are different sites.
    assert_eq!(
        hosts(&run(&records, req("y.github.io", true))),
        ["x.github.io"]
    );
    assert!(hosts(&run(&records, req("a.co.uk", true))).is_empty());
    // A page pattern's host decides too.
    assert!(hosts(&run(&records, req("https://moz.com/", true))).is_empty());
}

/// d1 links to targets 1 and 2, d2 to 1 only, d3 to all three.
fn three_targets() -> Vec<linkdex_model::Record> {
    vec![
        link("https://d1.org/", "https://moz.com/"),
        link("https://d1.org/", "https://ahrefs.com/"),
        link("https://d2.org/", "https://moz.com/"),
        link("https://d3.org/", "https://moz.com/"),
        link("https://d3.org/", "https://ahrefs.com/"),
        link("https://d3.org/", "https://a.co.uk/"),
    ]
}

#[test]
fn partial_mode_needs_two_targets_and_lists_only_linked_ones() {
    let targets = json!({"1": "moz.com", "2": "ahrefs.com", "3": "a.co.uk"});
    let all = run(&three_targets(), json!({"targets": targets}));
    assert_eq!(hosts(&all), ["d3.org"]);
    let partial = run(
        &three_targets(),
        json!({"targets": targets, "intersection_mode": "partial"}),
    );
    assert_eq!(hosts(&partial), ["d3.org", "d1.org"]);
    assert_eq!(keys(&partial["items"][1]), ["1", "2"]);
    assert_eq!(
        partial["items"][1]["summary"]["intersections_count"],
        json!(2)
    );
    // With one target, min(2, 1) = 1: every host linking to it.
    let one = run(
        &three_targets(),
        json!({"targets": {"1": "moz.com"}, "intersection_mode": "partial"}),
    );
    assert_eq!(one["total_count"], json!(3));
}

#[test]
fn exclude_targets_remove_hosts_that_link_to_them() {
    let mut records = three_targets();
    records.push(link("https://d3.org/x", "https://semrush.com/page"));
    let req = |ex: serde_json::Value| json!({"targets": {"1": "moz.com"}, "exclude_targets": ex});
    assert_eq!(
        hosts(&run(&records, req(json!(["semrush.com"])))),
        ["d1.org", "d2.org"]
    );
    assert_eq!(
        hosts(&run(&records, req(json!(["https://semrush.com/other"])))).len(),
        3
    );
    assert_eq!(
        hosts(&run(&records, req(json!(["https://semrush.com/*"])))).len(),
        2
    );
}

#[test]
fn status_indirect_and_backlinks_filters_pick_records() {
    let records = [
        rec(
            json!({"url_from": "https://lost.org/", "url_to": "https://moz.com/", "is_lost": true}),
        ),
        rec(
            json!({"url_from": "https://via.org/", "url_to": "https://moz.com/", "is_indirect_link": true}),
        ),
        rec(
            json!({"url_from": "https://nf.org/", "url_to": "https://moz.com/", "attributes": ["nofollow"]}),
        ),
    ];
    let run_with = |extra: serde_json::Value| {
        let mut req = json!({"targets": {"1": "moz.com"}});
        for (k, v) in extra.as_object().unwrap() {
            req[k] = v.clone();
        }
        hosts(&run(&records, req))
    };
    assert_eq!(run_with(json!({})), ["nf.org", "via.org"]);
    assert_eq!(
        run_with(json!({"backlinks_status_type": null})),
        ["nf.org", "via.org"]
    );
    assert_eq!(
        run_with(json!({"backlinks_status_type": "lost"})),
        ["lost.org"]
    );
    assert_eq!(run_with(json!({"backlinks_status_type": "all"})).len(), 3);
    assert_eq!(
        run_with(json!({"include_indirect_links": false})),
        ["nf.org"]
    );
    assert_eq!(
        run_with(json!({"backlinks_filters": [["dofollow", "=", true]]})),
        ["via.org"]
    );
    let not_tagged = json!({"backlinks_filters": ["attributes", "has_not", "nofollow"]});
    assert_eq!(run_with(not_tagged), ["via.org"]);
}

#[test]
fn page_and_wildcard_targets_compare_normalized_urls() {
    let records = [
        link("https://a.org/", "https://moz.com/blog/post"),
        link("https://b.org/", "http://moz.com/blog/post"),
        link("https://c.org/", "https://moz.com/about"),
    ];
    let t = |target: &str| hosts(&run(&records, json!({"targets": {"1": target}})));
    assert_eq!(t("HTTPS://MOZ.com:443/blog/post#x"), ["a.org"]);
    assert_eq!(t("https://moz.com/blog/*"), ["a.org"]);
    assert_eq!(t("https://moz.com/*o*"), ["a.org", "c.org"]);
}
