//! Per-target metrics of one referring host (contract §8) and the rank scale (§9).

use std::collections::{BTreeMap, BTreeSet};

use linkdex_model::{subnet, Record};

use crate::fields::{FieldValue, TARGET_METRICS};
use crate::request::RankScale;

/// `scale(x)`: rank mass to the 0–1000 logarithmic scale.
pub fn scale(x: f64) -> u16 {
    if x <= 0.0 {
        return 0;
    }
    (1000.0 + 100.0 * x.log10()).round().clamp(0.0, 1000.0) as u16
}

/// `unscale(r)`: a 0–1000 rank back to rank mass.
pub fn unscale(r: u16) -> f64 {
    if r == 0 {
        0.0
    } else {
        10f64.powf((f64::from(r) - 1000.0) / 100.0)
    }
}

/// A rank as the response reports it.
pub fn reported_rank(r: u16, scale: RankScale) -> u16 {
    match scale {
        RankScale::OneThousand => r,
        RankScale::OneHundred => ((f64::from(r) / 636.62).sin() * 100.0).round() as u16,
    }
}

/// A `value → count` map, ordered count desc then key asc, cut to the list limit.
pub type CountMap = Vec<(String, u64)>;

#[derive(Debug, Clone)]
pub struct Metrics {
    pub target: String,
    pub rank: u16,
    pub backlinks: u64,
    pub first_seen: i64,
    pub lost_date: Option<i64>,
    pub backlinks_spam_score: u64,
    pub broken_backlinks: u64,
    pub broken_pages: u64,
    pub nofollow: bool,
    pub referring_ips: u64,
    pub referring_subnets: u64,
    pub referring_pages: u64,
    pub referring_pages_nofollow: u64,
    pub tld: CountMap,
    pub types: CountMap,
    pub attributes: Option<CountMap>,
    pub platform_types: CountMap,
    pub semantic_locations: CountMap,
    pub countries: Option<CountMap>,
}

/// Counts distinct `url_from` per key.
#[derive(Default)]
struct PageCounter<'a>(BTreeMap<&'a str, BTreeSet<&'a str>>);

impl<'a> PageCounter<'a> {
    fn add(&mut self, key: &'a str, page: &'a str) {
        self.0.entry(key).or_default().insert(page);
    }

    fn finish(self, limit: usize) -> CountMap {
        let mut v: CountMap = self
            .0
            .into_iter()
            .map(|(k, pages)| (k.to_string(), pages.len() as u64))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v.truncate(limit);
        v
    }
}

/// Computes the metrics of referring host `d` over the records feeding one target
/// (`records` is not empty).
pub fn compute(d: &str, records: &[&Record], scale: RankScale, list_limit: usize) -> Metrics {
    let mut mass = 0.0f64;
    let (mut backlinks, mut broken_backlinks, mut spam_sum) = (0u64, 0u64, 0u64);
    let mut first_seen = i64::MAX;
    let mut any_live = false;
    let mut lost_date: Option<i64> = None;
    let mut broken_pages = BTreeSet::new();
    let mut pages = BTreeSet::new();
    let mut dofollow_pages = BTreeSet::new();
    let mut ips = BTreeSet::new();
    let (mut tld, mut types, mut attrs, mut platforms, mut semantic, mut countries) = (
        PageCounter::default(),
        PageCounter::default(),
        PageCounter::default(),
        PageCounter::default(),
        PageCounter::default(),
        PageCounter::default(),
    );
    for r in records {
        if r.dofollow && !r.is_broken {
            mass += unscale(r.rank);
        }
        backlinks += r.links_count;
        spam_sum += u64::from(r.backlink_spam_score);
        first_seen = first_seen.min(r.first_seen);
        if r.is_lost {
            lost_date = lost_date.max(r.lost_date);
        } else {
            any_live = true;
        }
        if r.is_broken {
            broken_backlinks += r.links_count;
            broken_pages.insert(r.url_to.as_str());
        }
        let page = r.url_from.as_str();
        pages.insert(page);
        if r.dofollow {
            dofollow_pages.insert(page);
        }
        if let Some(ip) = &r.domain_from_ip {
            ips.insert(ip.as_str());
        }
        tld.add(&r.tld_from, page);
        types.add(r.item_type.as_str(), page);
        for a in &r.attributes {
            attrs.add(a, page);
        }
        if r.domain_from_platform_type.is_empty() {
            platforms.add("unknown", page);
        }
        for p in &r.domain_from_platform_type {
            platforms.add(p, page);
        }
        semantic.add(r.semantic_location.as_deref().unwrap_or(""), page);
        if let Some(c) = &r.domain_from_country {
            countries.add(c, page);
        }
    }
    let count = records.len() as u64;
    let subnets: BTreeSet<String> = ips.iter().filter_map(|ip| subnet(ip)).collect();
    let attributes = (!attrs.0.is_empty()).then(|| attrs.finish(list_limit));
    let countries = (!countries.0.is_empty()).then(|| countries.finish(list_limit));
    Metrics {
        target: d.to_string(),
        rank: reported_rank(self::scale(mass), scale),
        backlinks,
        first_seen,
        lost_date: if any_live { None } else { lost_date },
        backlinks_spam_score: (2 * spam_sum + count) / (2 * count),
        broken_backlinks,
        broken_pages: broken_pages.len() as u64,
        nofollow: dofollow_pages.is_empty(),
        referring_ips: ips.len() as u64,
        referring_subnets: subnets.len() as u64,
        referring_pages: pages.len() as u64,
        referring_pages_nofollow: pages.difference(&dofollow_pages).count() as u64,
        tld: tld.finish(list_limit),
        types: types.finish(list_limit),
        attributes,
        platform_types: platforms.finish(list_limit),
        semantic_locations: semantic.finish(list_limit),
        countries,
    }
}

impl Metrics {
    /// The value of `TARGET_METRICS[metric]`, for filters and sorting.
    pub fn value(&self, metric: usize) -> FieldValue<'_> {
        use FieldValue::*;
        let num = |n: u64| Num(n as f64);
        match TARGET_METRICS[metric].0 {
            "target" => Str(&self.target),
            "rank" => Num(f64::from(self.rank)),
            "backlinks" => num(self.backlinks),
            "first_seen" => Time(self.first_seen),
            "lost_date" => self.lost_date.map_or(Null, Time),
            "backlinks_spam_score" => num(self.backlinks_spam_score),
            "broken_backlinks" => num(self.broken_backlinks),
            "broken_pages" => num(self.broken_pages),
            "referring_domains" | "referring_main_domains" => num(1),
            "referring_domains_nofollow" | "referring_main_domains_nofollow" => {
                num(u64::from(self.nofollow))
            }
            "referring_ips" => num(self.referring_ips),
            "referring_subnets" => num(self.referring_subnets),
            "referring_pages" => num(self.referring_pages),
            "referring_pages_nofollow" => num(self.referring_pages_nofollow),
            _ => Null,
        }
    }
}
