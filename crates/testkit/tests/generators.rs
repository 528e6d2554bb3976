//! The generators: deterministic per seed, valid, and covering every field, operator and enum
//! value; and the model's invariants over what they make.

use std::collections::BTreeSet;

use linkdex_model::{parse_time, Pattern};
use linkdex_testkit::{
    domain_intersection, gen_records, gen_request, RECORD_FIELDS, RESULT_METRICS,
};
use rand::rngs::StdRng;
use rand::SeedableRng;
use serde_json::{json, Value};

fn pair(seed: u64) -> (Vec<linkdex_model::Record>, Value) {
    let mut rng = StdRng::seed_from_u64(seed);
    let records = gen_records(&mut rng, 120);
    let request = gen_request(&mut rng, &records);
    (records, request)
}

/// Every condition of a filter expression.
fn conditions<'a>(v: &'a Value, out: &mut Vec<&'a [Value]>) {
    let items = v.as_array().expect("filters are arrays");
    if items.first().is_some_and(Value::is_string) {
        out.push(items);
    } else {
        for (i, item) in items.iter().enumerate() {
            if i % 2 == 1 {
                assert!(item == "and" || item == "or", "{item}");
            } else {
                conditions(item, out);
            }
        }
    }
}

#[test]
fn same_seed_same_output() {
    assert_eq!(pair(7), pair(7));
    assert_ne!(pair(7).1, pair(8).1);
}

#[test]
fn records_have_distinct_keys() {
    let records = gen_records(&mut StdRng::seed_from_u64(1), 200);
    assert_eq!(records.len(), 200);
    let keys: BTreeSet<_> = records.iter().map(|r| r.key()).collect();
    assert_eq!(keys.len(), 200);
}

#[test]
fn requests_are_valid_and_cover_every_field_and_operator() {
    let allowed = [
        "targets",
        "exclude_targets",
        "filters",
        "order_by",
        "offset",
        "limit",
        "internal_list_limit",
        "backlinks_status_type",
        "backlinks_filters",
        "include_subdomains",
        "include_indirect_links",
        "exclude_internal_backlinks",
        "intersection_mode",
        "rank_scale",
        "tag",
    ];
    let mut seen: BTreeSet<String> = BTreeSet::new();
    // One record set and one RNG for many requests: cheap enough for full coverage.
    let mut rng = StdRng::seed_from_u64(3);
    let records = gen_records(&mut rng, 120);
    for _ in 0..6000 {
        let req = gen_request(&mut rng, &records);
        for (k, v) in req.as_object().unwrap() {
            assert!(allowed.contains(&k.as_str()), "{k}");
            seen.insert(if v.is_null() {
                format!("{k}=null")
            } else {
                format!("{k}={v}")
            });
        }
        let targets = req["targets"].as_object().unwrap();
        assert!((1..=4).contains(&targets.len()));
        for (k, t) in targets {
            assert!((1..=20).contains(&k.parse::<u32>().unwrap()), "{k}");
            assert!(Pattern::parse(t.as_str().unwrap()).is_some(), "{t}");
        }
        for t in req["exclude_targets"].as_array().into_iter().flatten() {
            assert!(Pattern::parse(t.as_str().unwrap()).is_some(), "{t}");
        }
        assert!(req["order_by"].as_array().map_or(0, Vec::len) <= 3);
        for name in ["filters", "backlinks_filters"] {
            if req[name].is_null() {
                continue;
            }
            let mut conds = Vec::new();
            conditions(&req[name], &mut conds);
            assert!((1..=8).contains(&conds.len()), "{}", req[name]);
            for c in conds {
                let (field, op, value) = (c[0].as_str().unwrap(), c[1].as_str().unwrap(), &c[2]);
                let metric = field.split_once('.').map_or(field, |(_, m)| m);
                let kind = if name == "filters" {
                    RESULT_METRICS
                        .iter()
                        .chain([&("intersections_count", linkdex_testkit::FieldKind::Num)])
                        .find(|(f, _)| *f == metric)
                } else {
                    RECORD_FIELDS.iter().find(|(f, _)| *f == field)
                };
                let (_, kind) = kind.unwrap_or_else(|| panic!("unknown field {field}"));
                assert!(kind.operators().contains(&op), "{field} {op}");
                if *kind == linkdex_testkit::FieldKind::Time {
                    assert!(parse_time(value.as_str().unwrap()).is_some());
                }
                if op.ends_with("regex") {
                    assert!(regex::Regex::new(value.as_str().unwrap()).is_ok());
                }
                seen.insert(format!("{name}:{metric}"));
                seen.insert(format!("{name}:{metric}:{op}"));
            }
        }
    }
    let mut missing: Vec<String> = Vec::new();
    let mut want = |s: String| {
        if !seen.contains(&s) {
            missing.push(s);
        }
    };
    for (f, kind) in RECORD_FIELDS {
        for op in kind.operators() {
            want(format!("backlinks_filters:{f}:{op}"));
        }
    }
    for (m, kind) in RESULT_METRICS
        .iter()
        .chain([&("intersections_count", linkdex_testkit::FieldKind::Num)])
    {
        for op in kind.operators() {
            want(format!("filters:{m}:{op}"));
        }
    }
    for v in [
        json!({"backlinks_status_type": "all"}),
        json!({"backlinks_status_type": "live"}),
        json!({"backlinks_status_type": "lost"}),
        json!({"intersection_mode": "all"}),
        json!({"intersection_mode": "partial"}),
        json!({"rank_scale": "one_thousand"}),
        json!({"rank_scale": "one_hundred"}),
        json!({"include_subdomains": false}),
        json!({"exclude_internal_backlinks": false}),
        json!({"include_indirect_links": false}),
    ] {
        let (k, v) = v.as_object().unwrap().iter().next().unwrap();
        want(format!("{k}={v}"));
    }
    for k in allowed.iter().skip(1) {
        want(format!("{k}=null"));
    }
    assert!(missing.is_empty(), "never generated: {missing:?}");
}

#[test]
fn results_are_consistent_and_often_non_empty() {
    let mut non_empty = 0;
    for seed in 0..400 {
        let (records, req) = pair(seed);
        let out = domain_intersection(&records, &req);
        assert_eq!(out["targets"], req["targets"]);
        let items = out["items"].as_array().unwrap();
        assert_eq!(out["items_count"], json!(items.len()));
        assert!(out["total_count"].as_u64().unwrap() >= items.len() as u64);
        non_empty += usize::from(out["total_count"] != json!(0));
        // Paging: the window is a slice of the full, unpaged result.
        let mut full_req = req.clone();
        full_req["offset"] = json!(0);
        full_req["limit"] = json!(1000);
        let full = domain_intersection(&records, &full_req);
        let offset = req["offset"].as_u64().unwrap_or(0) as usize;
        let window: Vec<&Value> = full["items"]
            .as_array()
            .unwrap()
            .iter()
            .skip(offset)
            .take(items.len())
            .collect();
        assert_eq!(window, items.iter().collect::<Vec<_>>(), "seed {seed}");
        assert_eq!(full["total_count"], out["total_count"]);
    }
    assert!(
        non_empty > 80,
        "only {non_empty} of 400 results have qualifying hosts"
    );
}

#[test]
#[ignore = "prints a sample for eyeballing"]
fn show_sample() {
    let (records, req) = pair(11);
    println!(
        "{}",
        serde_json::to_string_pretty(&records[0].to_json()).unwrap()
    );
    println!("{}", serde_json::to_string_pretty(&req).unwrap());
    println!(
        "{}",
        serde_json::to_string_pretty(&domain_intersection(&records, &req)).unwrap()
    );
}
