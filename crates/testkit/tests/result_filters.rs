//! Result filters, order and paging (contract §6, §7), including what a missing target (partial
//! mode) and a null value mean.

mod common;

use common::{hosts, link, rec, run};
use serde_json::{json, Value};

/// d1 links to targets 1 and 2 (3 links to 2), d2 to 1 only, d3 to all three.
fn records() -> Vec<linkdex_model::Record> {
    vec![
        link("https://d1.org/", "https://moz.com/"),
        rec(
            json!({"url_from": "https://d1.org/", "url_to": "https://ahrefs.com/", "links_count": 3}),
        ),
        link("https://d2.org/", "https://moz.com/"),
        rec(json!({"url_from": "https://d3.org/", "url_to": "https://moz.com/", "rank": 300})),
        link("https://d3.org/", "https://ahrefs.com/"),
        link("https://d3.org/", "https://a.co.uk/"),
    ]
}

fn partial(extra: Value) -> Value {
    let mut req = json!({
        "targets": {"1": "moz.com", "2": "ahrefs.com", "3": "a.co.uk"},
        "intersection_mode": "partial",
    });
    for (k, v) in extra.as_object().unwrap() {
        req[k] = v.clone();
    }
    run(&records(), req)
}

#[test]
fn a_condition_on_a_missing_target_is_false_whatever_the_operator() {
    // d1 has no "3": even "<>" and "not_in" are false for it.
    for filter in [
        json!(["3.backlinks", "<>", 999]),
        json!(["3.backlinks", "not_in", [999]]),
        json!(["3.target", "not_like", "%nothing%"]),
    ] {
        assert_eq!(hosts(&partial(json!({"filters": filter}))), ["d3.org"]);
    }
    let either = json!([
        ["3.backlinks", ">", 0],
        "or",
        ["intersections_count", "=", 2]
    ]);
    assert_eq!(
        hosts(&partial(json!({"filters": either}))),
        ["d3.org", "d1.org"]
    );
}

#[test]
fn a_condition_on_a_null_value_is_false() {
    // lost_date is null for live hosts.
    let f = json!(["1.lost_date", "<>", "2000-01-01 00:00:00 +00:00"]);
    assert_eq!(partial(json!({"filters": f}))["total_count"], json!(0));
    let f = json!(["1.first_seen", "=", common::NOW]);
    assert_eq!(partial(json!({"filters": f}))["total_count"], json!(2));
}

#[test]
fn string_filters_on_the_referring_host() {
    let t = |op: &str, v: Value| hosts(&partial(json!({"filters": ["1.target", op, v]})));
    assert_eq!(t("like", json!("d1%")), ["d1.org"]);
    assert_eq!(
        t("ilike", json!("D_.ORG")),
        Vec::<String>::new(),
        "_ is literal"
    );
    assert_eq!(t("ilike", json!("D%.ORG")), ["d3.org", "d1.org"]);
    assert_eq!(t("match", json!("ORG d3")), ["d3.org"]);
    assert_eq!(t("regex", json!("1")), ["d1.org"]);
    assert_eq!(t("in", json!(["d3.org", "x"])), ["d3.org"]);
}

#[test]
fn missing_and_null_values_sort_last_in_both_directions() {
    for dir in ["asc", "desc"] {
        let out = partial(json!({"order_by": [format!("3.backlinks,{dir}")]}));
        assert_eq!(hosts(&out), ["d3.org", "d1.org"], "{dir}");
    }
    // Ties break by D ascending.
    let out = partial(json!({"order_by": ["1.backlinks,desc"]}));
    assert_eq!(hosts(&out), ["d1.org", "d3.org"]);
    let out = partial(json!({"order_by": ["2.backlinks,desc", "1.target,desc"]}));
    assert_eq!(hosts(&out), ["d1.org", "d3.org"]);
}

#[test]
fn default_order_is_intersections_then_lowest_key_rank_then_host() {
    let targets = json!({"2": "ahrefs.com", "1": "moz.com"});
    let out = run(
        &records(),
        json!({"targets": targets, "intersection_mode": "partial"}),
    );
    // Both have 2 intersections; d3's "1.rank" (300) beats d1's (0).
    assert_eq!(hosts(&out), ["d3.org", "d1.org"]);
    let out = run(&records(), json!({"targets": {"1": "moz.com"}}));
    assert_eq!(hosts(&out), ["d3.org", "d1.org", "d2.org"]);
}

#[test]
fn paging_counts_all_and_returns_a_window() {
    let page = |offset: u64, limit: u64| {
        run(
            &records(),
            json!({"targets": {"1": "moz.com"}, "offset": offset, "limit": limit}),
        )
    };
    let out = page(1, 1);
    assert_eq!(
        (out["total_count"].clone(), out["items_count"].clone()),
        (json!(3), json!(1))
    );
    assert_eq!(hosts(&out), ["d1.org"]);
    let out = page(5, 10);
    assert_eq!(
        (out["total_count"].clone(), out["items_count"].clone()),
        (json!(3), json!(0))
    );
}
