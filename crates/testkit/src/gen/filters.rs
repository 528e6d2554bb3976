//! Random filter expressions (contract §6): nested `and`/`or` lists of at most 8 conditions and
//! depth at most 3, over result fields or record fields, with every operator of each type.

use linkdex_model::{format_time, Record};
use rand::seq::SliceRandom;
use rand::{Rng, RngCore};
use serde_json::{json, Value};

use super::pick;
use super::pools::{ATTRIBUTES, COUNTRIES, EPOCH, PLATFORMS, SPAN, TEXTS};
use super::request::Pool;
use crate::reference::fields::{record_field, FieldKind, Val, RECORD_FIELDS, RESULT_METRICS};

/// Valid in RE2 and in the `regex` crate alike.
const REGEXES: &[&str] = &[
    "moz",
    "^https://",
    "\\.co\\.uk",
    "blog|news",
    "[0-9]+",
    "(?i)XROXY",
    "^$",
    "o{2}",
    "post-\\d",
    "^[a-z]+$",
];
const WORDS: &[&str] = &[
    "www",
    "xroxy com",
    "moz",
    "Example ORG",
    "blog",
    "2001",
    "seo GUIDE",
    "straße",
];

type Leaf<'a> = dyn FnMut(&mut dyn RngCore) -> Value + 'a;

/// An expression with `n` (1–8) conditions made by `leaf`: a bare condition, a one-element
/// list, or a list with nested lists.
pub(crate) fn gen_filter(rng: &mut dyn RngCore, n: usize, leaf: &mut Leaf) -> Value {
    if n == 1 && rng.gen_bool(0.5) {
        return leaf(rng);
    }
    list(rng, n, 1, leaf)
}

fn list(rng: &mut dyn RngCore, n: usize, depth: usize, leaf: &mut Leaf) -> Value {
    let mut items = Vec::new();
    let mut left = n;
    while left > 0 {
        if !items.is_empty() {
            items.push(json!(pick(rng, &["and", "or"])));
        }
        // A nested list takes 2+ conditions, never all of them at the top (that would only add
        // a pointless level).
        let most = if items.is_empty() { left - 1 } else { left };
        let take = if depth < 3 && most >= 2 && rng.gen_bool(0.3) {
            rng.gen_range(2..=most)
        } else {
            1
        };
        items.push(if take == 1 {
            leaf(rng)
        } else {
            list(rng, take, depth + 1, leaf)
        });
        left -= take;
    }
    Value::Array(items)
}

/// `intersections_count` or `"<key>.<metric>"` for a key of this request.
pub(crate) fn result_field<R: Rng + ?Sized>(rng: &mut R, keys: &[String]) -> String {
    if rng.gen_bool(0.15) {
        return "intersections_count".into();
    }
    let (metric, _) = pick(rng, RESULT_METRICS);
    format!("{}.{metric}", keys.choose(rng).expect("at least one key"))
}

pub(crate) fn result_condition(rng: &mut dyn RngCore, keys: &[String], pool: &Pool) -> Value {
    let field = result_field(rng, keys);
    let metric = field.split_once('.').map_or(field.as_str(), |(_, m)| m);
    let kind = RESULT_METRICS
        .iter()
        .find(|(m, _)| *m == metric)
        .map_or(FieldKind::Num, |(_, k)| *k);
    let op = pick(rng, kind.operators());
    let value = match kind {
        FieldKind::Num => {
            let max = match metric {
                "rank" => {
                    if rng.gen_bool(0.5) {
                        100
                    } else {
                        1000
                    }
                }
                "backlinks_spam_score" => 100,
                "backlinks" | "broken_backlinks" => 15,
                _ => 4,
            };
            num_value(rng, op, max)
        }
        FieldKind::Time => json!(time_text(rng)),
        _ => {
            let host = pool.from_hosts.choose(rng).expect("non-empty pool").clone();
            str_value(rng, op, &host)
        }
    };
    json!([field, op, value])
}

pub(crate) fn record_condition(rng: &mut dyn RngCore, records: &[Record], pool: &Pool) -> Value {
    let (field, kind) = pick(rng, RECORD_FIELDS);
    let op = pick(rng, kind.operators());
    let sample = records
        .choose(rng)
        .map_or(Val::Null, |r| record_field(r, field));
    let value = match kind {
        FieldKind::Num => match sample {
            Val::Num(x) if rng.gen_bool(0.5) && !op.ends_with("in") => json!(x as i64),
            _ => {
                let max = match field {
                    "links_count" => 5,
                    "backlink_spam_score" | "url_to_spam_score" => 100,
                    f if f.ends_with("rank") => 1000,
                    f if f.ends_with("status_code") => 500,
                    _ => 200,
                };
                num_value(rng, op, max)
            }
        },
        FieldKind::Time => match sample {
            Val::Time(t) if rng.gen_bool(0.5) => json!(format_time(t)),
            _ => json!(time_text(rng)),
        },
        FieldKind::Bool => json!(rng.gen_bool(0.5)),
        FieldKind::StrArray => {
            let vocab = if field == "attributes" {
                ATTRIBUTES
            } else {
                PLATFORMS
            };
            match (op, sample) {
                ("=" | "<>", Val::StrArray(items)) if rng.gen_bool(0.5) => {
                    let mut items = items.clone();
                    items.reverse();
                    json!(items)
                }
                ("=" | "<>", _) => {
                    let mut v: Vec<&str> = {
                        let k = rng.gen_range(0..=2);
                        vocab.choose_multiple(rng, k)
                    }
                    .copied()
                    .collect();
                    if let (true, Some(first)) = (rng.gen_bool(0.3), v.first().copied()) {
                        v.push(first);
                    }
                    json!(v)
                }
                _ => json!(pick(rng, vocab)),
            }
        }
        FieldKind::Str => {
            let text = match sample {
                Val::Str(s) => s,
                _ if field == "domain_from_country" => pick(rng, COUNTRIES).to_string(),
                _ if field.contains("domain") => {
                    pool.from_hosts.choose(rng).expect("non-empty").clone()
                }
                _ => pick(rng, TEXTS).to_string(),
            };
            str_value(rng, op, &text)
        }
    };
    json!([field, op, value])
}

/// A number as JSON: an integer, a numeric string or a fraction; a 1–3 element array for
/// `in`/`not_in`.
fn num_value(rng: &mut dyn RngCore, op: &str, max: i64) -> Value {
    let one = |rng: &mut dyn RngCore| {
        let x = if rng.gen_bool(0.3) {
            0
        } else {
            rng.gen_range(0..=max)
        };
        match rng.gen_range(0..10) {
            0..=6 => json!(x),
            7..=8 => json!(x.to_string()),
            _ => json!(x as f64 + 0.5),
        }
    };
    if op.ends_with("in") {
        json!((0..rng.gen_range(1..=3))
            .map(|_| one(rng))
            .collect::<Vec<_>>())
    } else {
        one(rng)
    }
}

/// A string value for `op`, derived from `text` (a value that occurs in the data) so that
/// conditions sometimes hold and sometimes not.
fn str_value(rng: &mut dyn RngCore, op: &str, text: &str) -> Value {
    let chars: Vec<char> = text.chars().collect();
    let cut = rng.gen_range(0..=chars.len());
    let head: String = chars[..cut].iter().collect();
    let tail: String = chars[cut..].iter().collect();
    let mid: String = chars[cut..].iter().take(3).collect();
    match op.trim_start_matches("not_") {
        "in" => json!([text, pick(rng, &["moz.com", "", "www.xroxy.com"])]),
        "like" | "ilike" => {
            let p = match rng.gen_range(0..5) {
                0 => format!("{head}%"),
                1 => format!("%{tail}"),
                2 => format!("%{mid}%"),
                3 => "%_%".to_string(),
                _ => text.to_string(),
            };
            json!(if op.ends_with("ilike") && rng.gen_bool(0.5) {
                p.to_uppercase()
            } else {
                p
            })
        }
        "regex" => json!(pick(rng, REGEXES)),
        "match" => json!(if rng.gen_bool(0.5) {
            text.to_string()
        } else {
            pick(rng, WORDS).to_string()
        }),
        _ => json!(if rng.gen_bool(0.7) {
            text.to_string()
        } else {
            text.to_uppercase()
        }),
    }
}

/// A contract time over the generated span and a little beyond it.
fn time_text(rng: &mut dyn RngCore) -> String {
    format_time(EPOCH - 86_400 * 30 + rng.gen_range(0..SPAN + SPAN / 4))
}
