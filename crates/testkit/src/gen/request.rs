//! Random valid request objects: every field of contract §3, sometimes absent, sometimes an
//! explicit `null`, with targets drawn from the hosts and URLs of the records so that they hit.

use std::collections::BTreeSet;

use linkdex_model::{is_ip, registrable_domain, Record};
use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::{json, Map, Value};

use super::filters::{gen_filter, record_condition, result_condition, result_field};
use super::pick;
use super::pools::{PATHS, TARGET_HOSTS};

/// Hosts and URLs the request generator aims at.
pub(crate) struct Pool {
    pub to_hosts: Vec<String>,
    pub from_hosts: Vec<String>,
    pub to_urls: Vec<String>,
}

impl Pool {
    fn new(records: &[Record]) -> Pool {
        let set = |f: fn(&Record) -> &str| -> Vec<String> {
            let s: BTreeSet<&str> = records.iter().map(f).collect();
            s.into_iter().map(str::to_string).collect()
        };
        let mut pool = Pool {
            to_hosts: set(|r| &r.domain_to),
            from_hosts: set(|r| &r.domain_from),
            to_urls: set(|r| &r.url_to),
        };
        if pool.to_hosts.is_empty() {
            pool.to_hosts = TARGET_HOSTS.iter().map(|h| h.to_string()).collect();
            pool.from_hosts = pool.to_hosts.clone();
            pool.to_urls = PATHS
                .iter()
                .map(|p| format!("https://moz.com{p}"))
                .collect();
        }
        pool
    }
}

/// A random request that the contract's validator accepts.
pub fn gen_request(rng: &mut impl Rng, records: &[Record]) -> Value {
    let pool = Pool::new(records);
    let mut task = Map::new();
    let keys = target_keys(rng);
    let targets: Map<String, Value> = keys
        .iter()
        .map(|k| (k.clone(), json!(pattern(rng, &pool))))
        .collect();
    task.insert("targets".into(), Value::Object(targets));
    // An exclude target equal to a target would empty every result; draw again instead.
    let n = pick(rng, &[0, 0, 1, 1, 2, 3]);
    let excludes: Vec<String> = (0..n)
        .filter_map(|_| {
            let p = pattern(rng, &pool);
            let same = |t: &Value| t.as_str().is_some_and(|t| t.eq_ignore_ascii_case(&p));
            (!task["targets"].as_object()?.values().any(same)).then_some(p)
        })
        .collect();
    put(rng, &mut task, "exclude_targets", json!(excludes));
    let n = condition_count(rng);
    let filters = gen_filter(rng, n, &mut |rng| result_condition(rng, &keys, &pool));
    put_filter(rng, &mut task, "filters", filters);
    let n = rng.gen_range(0..=3);
    let rules: Vec<String> = (0..n)
        .map(|_| {
            let dir = pick(rng, &["asc", "desc"]);
            format!("{},{dir}", result_field(rng, &keys))
        })
        .collect();
    put(rng, &mut task, "order_by", json!(rules));
    let (offset, limit, list) = (
        rng.gen_range(0..=5),
        rng.gen_range(1..=10),
        rng.gen_range(1..=4),
    );
    put(rng, &mut task, "offset", json!(offset));
    put(rng, &mut task, "limit", json!(limit));
    put(rng, &mut task, "internal_list_limit", json!(list));
    let status = pick(rng, &["all", "live", "lost"]);
    put(rng, &mut task, "backlinks_status_type", json!(status));
    let n = condition_count(rng);
    let filters = gen_filter(rng, n, &mut |rng| record_condition(rng, records, &pool));
    put_filter(rng, &mut task, "backlinks_filters", filters);
    for flag in [
        "include_subdomains",
        "include_indirect_links",
        "exclude_internal_backlinks",
    ] {
        let b = rng.gen_bool(0.5);
        put(rng, &mut task, flag, json!(b));
    }
    let mode = pick(rng, &["all", "partial"]);
    put(rng, &mut task, "intersection_mode", json!(mode));
    let scale = pick(rng, &["one_thousand", "one_hundred"]);
    put(rng, &mut task, "rank_scale", json!(scale));
    let tag = format!("tag-{}", rng.gen_range(0..1000));
    put(rng, &mut task, "tag", json!(tag));
    Value::Object(task)
}

/// A request an engine may answer from a target's hosts in rank order: domain targets, live
/// records, no filters, ordered by default or by one target's rank (after
/// `intersections_count` or not), paged anywhere. The rest as [`gen_request`] draws it.
pub fn gen_ranked_request(rng: &mut impl Rng, records: &[Record]) -> Value {
    let pool = Pool::new(records);
    let mut task = gen_request(rng, records);
    let task_map = task.as_object_mut().expect("requests are objects");
    for field in [
        "filters",
        "backlinks_filters",
        "backlinks_status_type",
        "include_indirect_links",
    ] {
        task_map.remove(field);
    }
    // Up to five targets: under `partial`, several levels of `intersections_count`.
    let keys: Vec<String> = (1..=pick(rng, &[1, 2, 3, 4, 5]))
        .map(|k| k.to_string())
        .collect();
    let targets: Map<String, Value> = keys
        .iter()
        .map(|k| {
            let host = &pool.to_hosts[rng.gen_range(0..pool.to_hosts.len())];
            (k.clone(), json!(host))
        })
        .collect();
    task_map.insert("targets".into(), Value::Object(targets));
    let key = &keys[rng.gen_range(0..keys.len())];
    let (by, dir) = (pick(rng, &["asc", "desc"]), pick(rng, &["asc", "desc"]));
    let rules = match rng.gen_range(0..4) {
        0 => json!([]),
        1 => json!([format!("{key}.rank,{dir}")]),
        _ => json!([
            format!("intersections_count,{by}"),
            format!("{key}.rank,{dir}")
        ]),
    };
    task_map.insert("order_by".into(), rules);
    task_map.insert("offset".into(), json!(rng.gen_range(0..=40)));
    task
}

/// Sets an optional field: absent 30%, explicit `null` 10%, else `value`.
fn put(rng: &mut impl Rng, task: &mut Map<String, Value>, name: &str, value: Value) {
    match rng.gen_range(0..10) {
        0..=2 => {}
        3 => {
            task.insert(name.into(), Value::Null);
        }
        _ => {
            task.insert(name.into(), value);
        }
    }
}

/// Filters empty most results, so they are present less often than other fields (45%).
fn put_filter(rng: &mut impl Rng, task: &mut Map<String, Value>, name: &str, value: Value) {
    if rng.gen_bool(0.75) {
        put(rng, task, name, value);
    }
}

/// 1–8 conditions, mostly few, so that results are often non-empty.
fn condition_count(rng: &mut impl Rng) -> usize {
    match rng.gen_range(0..20) {
        0..=11 => 1,
        12..=16 => rng.gen_range(2..=3),
        _ => rng.gen_range(4..=8),
    }
}

/// 1–4 distinct keys from "1".."20": often "1", "2", ...; sometimes gaps; sometimes sent in
/// non-ascending order.
fn target_keys(rng: &mut impl Rng) -> Vec<String> {
    let n = pick(rng, &[1, 1, 2, 2, 2, 3, 3, 4]);
    let mut keys: Vec<u32> = if rng.gen_bool(0.5) {
        (1..=n).collect()
    } else {
        let all: Vec<u32> = (1..=20).collect();
        let mut k: Vec<u32> = all.choose_multiple(rng, n as usize).copied().collect();
        k.sort_unstable();
        k
    };
    if rng.gen_bool(0.3) {
        keys.shuffle(rng);
    }
    keys.iter().map(u32::to_string).collect()
}

/// A domain, www, page or wildcard pattern aimed at the pool, or one that matches nothing.
pub(crate) fn pattern(rng: &mut impl Rng, pool: &Pool) -> String {
    let host = pool.to_hosts.choose(rng).expect("non-empty pool").clone();
    let base = if is_ip(&host) {
        host.clone()
    } else {
        registrable_domain(&host).to_string()
    };
    let url = pool.to_urls.choose(rng).expect("non-empty pool").clone();
    let (scheme, rest) = url.split_once("://").expect("normalized URL");
    let (url_host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match rng.gen_range(0..24) {
        0..=5 => host,
        6..=9 => base,
        10 => base.to_uppercase() + ".",
        11..=12 if !is_ip(&base) => format!("www.{base}"),
        13..=15 => url,
        // Scheme and host case and a fragment normalize away.
        16 => format!(
            "{}://{}{path}#frag",
            scheme.to_uppercase(),
            url_host.to_uppercase()
        ),
        17..=19 => {
            let cut = rng.gen_range(0..=path.len());
            let cut = (0..=cut)
                .rev()
                .find(|&i| path.is_char_boundary(i))
                .unwrap_or(0);
            format!("{scheme}://{url_host}{}*", &path[..cut])
        }
        20 => format!("{scheme}://{url_host}/*post*"),
        21 => format!("https://*.{base}/*"),
        22 => pool.from_hosts.choose(rng).expect("non-empty pool").clone(),
        _ => pick(rng, &["unknown-example.net", "https://nowhere.example/*"]).to_string(),
    }
}
