//! Per-target metrics of one referring host (contract §8) and the rank scale (§9).

use linkdex_store::{PageCounts, PairStats, WarmStats};

use crate::fields::{FieldValue, TARGET_METRICS};
use crate::request::RankScale;

pub use linkdex_store::{scale, unscale};

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

fn count_map(counts: &PageCounts, limit: usize) -> CountMap {
    let mut v: CountMap = counts
        .iter()
        .map(|(k, n)| (k.clone(), u64::from(*n)))
        .collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.truncate(limit);
    v
}

impl Metrics {
    /// The metrics of referring host `d` from the aggregates of the records feeding one target
    /// (`stats.warm.records > 0`).
    pub fn from_stats(d: &str, stats: &PairStats, scale: RankScale, list_limit: usize) -> Metrics {
        let (w, c) = (&stats.warm, &stats.cold);
        Metrics {
            target: d.to_string(),
            rank: reported_rank(self::scale(c.rank_mass), scale),
            backlinks: w.backlinks,
            first_seen: w.first_seen,
            lost_date: lost_date(w),
            backlinks_spam_score: spam_score(w),
            broken_backlinks: w.broken_backlinks,
            broken_pages: u64::from(w.broken_pages),
            nofollow: !w.any_dofollow,
            referring_ips: u64::from(w.ips),
            referring_subnets: u64::from(w.subnets),
            referring_pages: u64::from(w.pages),
            referring_pages_nofollow: u64::from(w.pages_nofollow),
            tld: count_map(&c.tld, list_limit),
            types: count_map(&c.types, list_limit),
            attributes: (!c.attributes.is_empty()).then(|| count_map(&c.attributes, list_limit)),
            platform_types: count_map(&c.platform_types, list_limit),
            semantic_locations: count_map(&c.semantic_locations, list_limit),
            countries: (!c.countries.is_empty()).then(|| count_map(&c.countries, list_limit)),
        }
    }
}

/// `lost_date`: the latest lost date when every record is lost.
fn lost_date(w: &WarmStats) -> Option<i64> {
    if w.any_live {
        None
    } else {
        w.lost_date
    }
}

/// `backlinks_spam_score`: the mean over the records, rounded half up.
fn spam_score(w: &WarmStats) -> u64 {
    let count = u64::from(w.records.max(1));
    (2 * w.spam_sum + count) / (2 * count)
}

/// The value of `TARGET_METRICS[metric]` of a referring host for one target, for filters and
/// sorting, from the pair's scalar aggregates (`rank` already on the reported scale; `target`,
/// the host, is the caller's).
pub fn stats_value(s: &WarmStats, rank: u16, metric: usize) -> FieldValue<'static> {
    use FieldValue::*;
    let num = |n: u64| Num(n as f64);
    match TARGET_METRICS[metric].0 {
        "rank" => Num(f64::from(rank)),
        "backlinks" => num(s.backlinks),
        "first_seen" => Time(s.first_seen),
        "lost_date" => lost_date(s).map_or(Null, Time),
        "backlinks_spam_score" => num(spam_score(s)),
        "broken_backlinks" => num(s.broken_backlinks),
        "broken_pages" => num(u64::from(s.broken_pages)),
        "referring_domains" | "referring_main_domains" => num(1),
        "referring_domains_nofollow" | "referring_main_domains_nofollow" => {
            num(u64::from(!s.any_dofollow))
        }
        "referring_ips" => num(u64::from(s.ips)),
        "referring_subnets" => num(u64::from(s.subnets)),
        "referring_pages" => num(u64::from(s.pages)),
        "referring_pages_nofollow" => num(u64::from(s.pages_nofollow)),
        _ => Null,
    }
}
