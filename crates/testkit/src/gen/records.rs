//! Random records over small host pools, so that referring hosts link to several targets and
//! intersections happen. Records are built through `Record::from_json`, so derived fields are
//! what an import would derive.

use std::collections::BTreeMap;

use linkdex_model::{format_time, Record};
use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::{json, Map, Value};

use super::pick;
use super::pools::{
    ATTRIBUTES, COUNTRIES, EPOCH, IPS, ITEM_TYPES, OTHER_TARGET_HOSTS, PATHS, PLATFORMS,
    REFERRING_HOSTS, SEMANTIC, SPAN, TARGET_HOSTS, TEXTS,
};

/// `n` records with distinct keys, sorted by key.
pub fn gen_records(rng: &mut impl Rng, n: usize) -> Vec<Record> {
    let mut out: BTreeMap<_, Record> = BTreeMap::new();
    // The key space is large, but a bound keeps a tiny pool from looping forever.
    for _ in 0..n.saturating_mul(20) {
        if out.len() == n {
            break;
        }
        let r = build(rng, None, None);
        out.entry(r.key()).or_insert(r);
    }
    out.into_values().collect()
}

/// `n` observations in arrival order, where many re-observe an earlier key (older, newer or
/// the same `last_seen`, sometimes an exact repeat): input for `fold` and the engine's updates.
pub fn gen_observations(rng: &mut impl Rng, n: usize) -> Vec<Record> {
    let mut out: Vec<Record> = Vec::with_capacity(n);
    while out.len() < n {
        let next = match out.choose(rng) {
            Some(prev) if rng.gen_bool(0.1) => prev.clone(),
            Some(prev) if rng.gen_bool(0.4) => {
                let key = (
                    prev.url_from.clone(),
                    prev.url_to.clone(),
                    prev.item_type.as_str(),
                );
                // Sometimes the same last_seen with other fields: the tie rule decides.
                let tie = rng.gen_bool(0.3).then_some(prev.last_seen);
                build(rng, Some(key), tie)
            }
            _ => build(rng, None, None),
        };
        out.push(next);
    }
    out
}

/// [`gen_observations`] with most referring pages moved to `hosts` generated hosts
/// (front-loaded, so some link to several targets): sets of referring hosts that span many
/// 64-bit words, as an engine working on bitmaps sees at scale. A page moves by its URL, so
/// every observation of a key moves alike.
pub fn gen_wide_observations(rng: &mut impl Rng, n: usize, hosts: usize) -> Vec<Record> {
    gen_observations(rng, n)
        .into_iter()
        .map(|r| {
            let mut hash = fnv1a(&r.url_from);
            if hash.is_multiple_of(4) || hosts == 0 {
                return r;
            }
            let mut draw = || {
                hash = fnv1a(&hash.to_string());
                hash as usize % hosts
            };
            let k = draw().min(draw());
            let mut json = r.to_json();
            json["url_from"] = json!(format!("https://r{k}.w{}.example/p{}", k % 7, hash % 5));
            let obj = json.as_object().expect("records are objects");
            Record::from_json(obj, EPOCH + SPAN).expect("moved records are valid")
        })
        .collect()
}

/// FNV-1a: a stable hash, the same on every run and toolchain.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn url(rng: &mut impl Rng, hosts: &[&str]) -> String {
    let scheme = if rng.gen_bool(0.7) { "https" } else { "http" };
    // Skewed towards the front of the pool: a few hub hosts with many links make
    // intersections common, the tail still appears.
    let host = hosts[rng
        .gen_range(0..hosts.len())
        .min(rng.gen_range(0..hosts.len()))];
    // Default ports and fragments normalize away; the key must not depend on them.
    let port = match (rng.gen_range(0..10), scheme) {
        (0, "https") => ":443",
        (0, _) => ":80",
        _ => "",
    };
    let frag = if rng.gen_bool(0.1) { "#top" } else { "" };
    format!("{scheme}://{host}{port}{}{frag}", pick(rng, PATHS))
}

fn maybe<T>(rng: &mut impl Rng, p_null: f64, f: impl FnOnce(&mut dyn rand::RngCore) -> T) -> Value
where
    T: Into<Value>,
{
    if rng.gen_bool(p_null) {
        Value::Null
    } else {
        f(rng).into()
    }
}

/// One record; `key` fixes its identity and `last_seen` its last sighting when given.
fn build(
    rng: &mut impl Rng,
    key: Option<(String, String, &str)>,
    last_seen: Option<i64>,
) -> Record {
    let (from, to, item_type) = key.unwrap_or_else(|| {
        let from_hosts = if rng.gen_bool(0.75) {
            REFERRING_HOSTS
        } else {
            TARGET_HOSTS
        };
        let to_hosts = if rng.gen_bool(0.9) {
            TARGET_HOSTS
        } else {
            OTHER_TARGET_HOSTS
        };
        (
            url(rng, from_hosts),
            url(rng, to_hosts),
            pick(rng, ITEM_TYPES),
        )
    });
    let host_ix = REFERRING_HOSTS
        .iter()
        .position(|h| from.contains(h))
        .unwrap_or(7);
    let mut first = EPOCH + rng.gen_range(0..SPAN);
    let last = match last_seen {
        Some(t) => t,
        None if rng.gen_bool(0.2) => first,
        None => first + rng.gen_range(0..SPAN / 2),
    };
    first = first.min(last);
    let is_lost = rng.gen_bool(0.3);
    let mut attrs: Vec<&str> = {
        let k = rng.gen_range(0..=3);
        ATTRIBUTES.choose_multiple(rng, k)
    }
    .copied()
    .collect();
    if rng.gen_bool(0.4) {
        attrs.clear();
    }
    let mut o = Map::new();
    let mut set = |k: &str, v: Value| {
        o.insert(k.to_string(), v);
    };
    set("url_from", json!(from));
    set("url_to", json!(to));
    set("item_type", json!(item_type));
    set(
        "attributes",
        json!(attrs
            .iter()
            .map(|a| if rng.gen_bool(0.1) {
                a.to_uppercase()
            } else {
                a.to_string()
            })
            .collect::<Vec<_>>()),
    );
    set("dofollow", maybe(rng, 0.7, |r| r.gen_bool(0.5)));
    set("semantic_location", maybe(rng, 0.5, |r| pick(r, SEMANTIC)));
    for field in ["anchor", "alt", "text_pre", "text_post", "page_from_title"] {
        set(field, maybe(rng, 0.4, |r| pick(r, TEXTS)));
    }
    set(
        "image_url",
        maybe(rng, 0.7, |r| {
            format!("https://cdn.example.org/{}.png", r.gen_range(0..3))
        }),
    );
    set("links_count", json!(rng.gen_range(1..=5)));
    set("first_seen", json!(format_time(first)));
    set("last_seen", json!(format_time(last)));
    set(
        "prev_seen",
        maybe(rng, 0.7, |r| format_time(r.gen_range(first..=last))),
    );
    set("is_new", json!(rng.gen_bool(0.2)));
    set("is_lost", json!(is_lost));
    // Mostly derived (last_seen); sometimes explicit, rarely even on a live record.
    let p_date = if is_lost { 0.5 } else { 0.97 };
    set(
        "lost_date",
        maybe(rng, p_date, |r| {
            format_time(r.gen_range(first..=last + 86_400))
        }),
    );
    set("is_broken", json!(rng.gen_bool(0.2)));
    set(
        "url_to_status_code",
        maybe(rng, 0.5, |r| {
            *[200, 301, 404, 500].choose(r).expect("non-empty")
        }),
    );
    set(
        "url_to_spam_score",
        maybe(rng, 0.5, |r| r.gen_range(0..=100)),
    );
    set(
        "url_to_redirect_target",
        maybe(rng, 0.8, |r| {
            format!("https://moz.com/r{}", r.gen_range(0..3))
        }),
    );
    let indirect = rng.gen_bool(0.2);
    set("is_indirect_link", json!(indirect));
    if indirect && rng.gen_bool(0.5) {
        set(
            "indirect_link_path",
            json!([{"type": "redirect", "status_code": 301, "url": to}]),
        );
    }
    for field in ["rank", "page_from_rank", "domain_from_rank"] {
        let v = if rng.gen_bool(0.4) {
            0
        } else {
            rng.gen_range(0..=1000)
        };
        set(field, json!(v));
    }
    let spam = if rng.gen_bool(0.5) {
        0
    } else {
        rng.gen_range(0..=100)
    };
    set("backlink_spam_score", json!(spam));
    // IPs are mostly a property of the host (two per host, sharing /24s across hosts).
    set(
        "domain_from_ip",
        maybe(rng, 0.15, |r| {
            IPS[(host_ix * 3 + r.gen_range(0..2)) % IPS.len()]
        }),
    );
    set(
        "domain_from_country",
        maybe(rng, 0.3, |r| COUNTRIES[(host_ix + r.gen_range(0..2)) % 4]),
    );
    let platforms: Vec<&str> = {
        let k = rng.gen_range(0..=2);
        PLATFORMS.choose_multiple(rng, k)
    }
    .copied()
    .collect();
    set("domain_from_platform_type", json!(platforms));
    for field in [
        "page_from_external_links",
        "page_from_internal_links",
        "page_from_size",
    ] {
        set(field, maybe(rng, 0.3, |r| r.gen_range(0..200)));
    }
    set(
        "page_from_status_code",
        maybe(rng, 0.3, |r| *[200, 404].choose(r).expect("non-empty")),
    );
    set(
        "page_from_encoding",
        maybe(rng, 0.3, |r| pick(r, &["utf-8", "iso-8859-1"])),
    );
    set(
        "page_from_language",
        maybe(rng, 0.3, |r| pick(r, &["en", "de", "fr"])),
    );
    set("original", json!(rng.gen_bool(0.3)));
    Record::from_json(&o, EPOCH + SPAN).expect("generated records are valid")
}
