//! The per-target metrics of contract §8: for one referring host D and one target, computed
//! from the records from D that feed the target.

use std::collections::{BTreeMap, BTreeSet};

use linkdex_model::{format_time, subnet, Record};
use serde_json::{json, Map, Value};

use super::fields::Val;
use super::rank::{hundred, scale, unscale};

/// A `referring_links_*` map: `(value, distinct url_from)`, in output order.
type Counts = Vec<(String, u64)>;

/// The metrics of D for one target. Maps hold every entry, already ordered; the
/// `internal_list_limit` cut happens when writing JSON.
#[derive(Debug, Clone)]
pub(crate) struct Metrics {
    target: String,
    /// On the scale the response reports (`rank_scale`), as filters and sorting see it.
    rank: u64,
    backlinks: u64,
    first_seen: i64,
    lost_date: Option<i64>,
    spam_score: u64,
    broken_backlinks: u64,
    broken_pages: u64,
    nofollow_domain: u64,
    ips: u64,
    subnets: u64,
    pages: u64,
    pages_nofollow: u64,
    maps: Vec<(&'static str, Option<Counts>)>,
}

impl Metrics {
    /// `feeding` is non-empty: D is in S_i only through at least one record.
    pub fn compute(d: &str, feeding: &[&Record], one_hundred: bool) -> Metrics {
        let n = feeding.len() as u64;
        let spam_sum: u64 = feeding
            .iter()
            .map(|r| u64::from(r.backlink_spam_score))
            .sum();
        let mass: f64 = feeding
            .iter()
            .filter(|r| r.dofollow && !r.is_broken)
            .map(|r| unscale(u64::from(r.rank)))
            .sum();
        let rank = if one_hundred {
            hundred(scale(mass))
        } else {
            scale(mass)
        };
        let broken: Vec<&&Record> = feeding.iter().filter(|r| r.is_broken).collect();
        let ips: BTreeSet<&str> = feeding
            .iter()
            .filter_map(|r| r.domain_from_ip.as_deref())
            .collect();
        let subnets: BTreeSet<String> = ips.iter().filter_map(|ip| subnet(ip)).collect();
        let pages: BTreeSet<&str> = feeding.iter().map(|r| r.url_from.as_str()).collect();
        let dofollow_pages: BTreeSet<&str> = feeding
            .iter()
            .filter(|r| r.dofollow)
            .map(|r| r.url_from.as_str())
            .collect();
        let any_live = feeding.iter().any(|r| !r.is_lost);
        Metrics {
            target: d.to_string(),
            rank,
            backlinks: feeding.iter().map(|r| r.links_count).sum(),
            first_seen: feeding.iter().map(|r| r.first_seen).min().unwrap_or(0),
            lost_date: if any_live {
                None
            } else {
                feeding.iter().filter_map(|r| r.lost_date).max()
            },
            // The mean rounded half up, in integers.
            spam_score: (2 * spam_sum + n) / (2 * n),
            broken_backlinks: broken.iter().map(|r| r.links_count).sum(),
            broken_pages: broken
                .iter()
                .map(|r| r.url_to.as_str())
                .collect::<BTreeSet<_>>()
                .len() as u64,
            nofollow_domain: u64::from(dofollow_pages.is_empty()),
            ips: ips.len() as u64,
            subnets: subnets.len() as u64,
            pages: pages.len() as u64,
            pages_nofollow: pages.difference(&dofollow_pages).count() as u64,
            maps: vec![
                (
                    "referring_links_tld",
                    Some(count_pages(feeding, |r| vec![r.tld_from.clone()])),
                ),
                (
                    "referring_links_types",
                    Some(count_pages(feeding, |r| vec![r.item_type.as_str().into()])),
                ),
                (
                    "referring_links_attributes",
                    non_empty(count_pages(feeding, |r| r.attributes.clone())),
                ),
                (
                    "referring_links_platform_types",
                    Some(count_pages(feeding, platforms)),
                ),
                (
                    "referring_links_semantic_locations",
                    Some(count_pages(feeding, |r| {
                        vec![r.semantic_location.clone().unwrap_or_default()]
                    })),
                ),
                (
                    "referring_links_countries",
                    non_empty(count_pages(feeding, |r| {
                        r.domain_from_country.iter().cloned().collect()
                    })),
                ),
            ],
        }
    }

    /// The value of a result metric for filters and sorting.
    pub fn field(&self, metric: &str) -> Val {
        let n = |x: u64| Val::Num(x as f64);
        match metric {
            "target" => Val::Str(self.target.clone()),
            "rank" => n(self.rank),
            "backlinks" => n(self.backlinks),
            "first_seen" => Val::Time(self.first_seen),
            "lost_date" => self.lost_date.map_or(Val::Null, Val::Time),
            "backlinks_spam_score" => n(self.spam_score),
            "broken_backlinks" => n(self.broken_backlinks),
            "broken_pages" => n(self.broken_pages),
            "referring_domains" | "referring_main_domains" => n(1),
            "referring_domains_nofollow" | "referring_main_domains_nofollow" => {
                n(self.nofollow_domain)
            }
            "referring_ips" => n(self.ips),
            "referring_subnets" => n(self.subnets),
            "referring_pages" => n(self.pages),
            "referring_pages_nofollow" => n(self.pages_nofollow),
            _ => Val::Null,
        }
    }

    /// The per-target object, keys in the order of the public sample response.
    pub fn to_json(&self, list_limit: usize) -> Value {
        let mut o = json!({
            "type": "backlinks_domain_intersection",
            "target": self.target,
            "rank": self.rank,
            "backlinks": self.backlinks,
            "first_seen": format_time(self.first_seen),
            "lost_date": self.lost_date.map(format_time),
            "backlinks_spam_score": self.spam_score,
            "broken_backlinks": self.broken_backlinks,
            "broken_pages": self.broken_pages,
            "referring_domains": 1,
            "referring_domains_nofollow": self.nofollow_domain,
            "referring_main_domains": 1,
            "referring_main_domains_nofollow": self.nofollow_domain,
            "referring_ips": self.ips,
            "referring_subnets": self.subnets,
            "referring_pages": self.pages,
            "referring_pages_nofollow": self.pages_nofollow,
        });
        let obj = o.as_object_mut().expect("built as an object");
        for (name, map) in &self.maps {
            let v = map.as_ref().map_or(Value::Null, |entries| {
                let cut = entries.iter().take(list_limit);
                Value::Object(
                    cut.map(|(k, c)| (k.clone(), json!(c)))
                        .collect::<Map<_, _>>(),
                )
            });
            obj.insert((*name).to_string(), v);
        }
        o
    }
}

fn platforms(r: &Record) -> Vec<String> {
    if r.domain_from_platform_type.is_empty() {
        vec!["unknown".to_string()]
    } else {
        r.domain_from_platform_type.clone()
    }
}

/// value → number of distinct `url_from` with a record carrying that value; ordered by count
/// descending, then value ascending (byte order).
fn count_pages(feeding: &[&Record], values: impl Fn(&Record) -> Vec<String>) -> Counts {
    let mut pages: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for r in feeding {
        for v in values(r) {
            pages.entry(v).or_default().insert(&r.url_from);
        }
    }
    let mut out: Vec<(String, u64)> = pages
        .into_iter()
        .map(|(k, p)| (k, p.len() as u64))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

fn non_empty(entries: Counts) -> Option<Counts> {
    (!entries.is_empty()).then_some(entries)
}
