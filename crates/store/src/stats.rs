//! Aggregates of a set of records of one referring host towards one target: everything the
//! per-target metrics of domain_intersection need (contract §8), in a form that segments store
//! per (target host, referring host) pair for the default request, and that the query builds
//! from records when a request needs a subset.

use std::collections::{BTreeMap, BTreeSet};

use linkdex_model::{subnet, RecordRef};
use serde::{Deserialize, Serialize};

/// `value → distinct url_from`, sorted by value.
pub type PageCounts = Vec<(String, u32)>;

/// The aggregates of a pair's records, in the two parts a segment stores apart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PairStats {
    pub warm: WarmStats,
    pub cold: ColdStats,
}

/// The scalar aggregates of a pair: everything a result filter or sort can read besides the
/// rank (contract §8). Segments store them uncompressed per pair (a few varint bytes), since
/// `filters` and `order_by` read them for every candidate, not only for the returned rows.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct WarmStats {
    /// Records aggregated (0: the host does not feed the target).
    pub records: u32,
    pub backlinks: u64,
    pub first_seen: i64,
    pub any_live: bool,
    /// Latest `lost_date` of the lost records.
    pub lost_date: Option<i64>,
    pub spam_sum: u64,
    pub broken_backlinks: u64,
    pub broken_pages: u32,
    pub any_dofollow: bool,
    pub pages: u32,
    pub pages_nofollow: u32,
    /// How many distinct IPs `ColdStats::ips` holds, and distinct subnets of them.
    pub ips: u32,
    pub subnets: u32,
}

impl WarmStats {
    /// The bytes after the first `n` postcard-encoded entries of `bytes`, found without decoding
    /// them (`None`: too short). Postcard writes each field as a varint (the integers; the
    /// bools are one byte below 0x80), and `lost_date` as a one-byte tag followed by a varint
    /// when it is `Some`: so an entry is [`WARM_FIELDS`] varints, plus one after a tag of 1.
    pub fn skip(bytes: &[u8], n: usize) -> Option<&[u8]> {
        // One pass over the bytes, counting the varints' last bytes (high bit clear).
        let mut at = 0;
        for _ in 0..n {
            let (mut ended, mut left) = (0, WARM_FIELDS);
            while left > 0 {
                let b = *bytes.get(at)?;
                at += 1;
                if b & 0x80 == 0 {
                    left += usize::from(ended == LOST_DATE_FIELD && b == 1);
                    ended += 1;
                    left -= 1;
                }
            }
        }
        bytes.get(at..)
    }

    /// Decodes the postcard-encoded entry at the start of `bytes` and moves past it (`None`:
    /// damaged), as `postcard::take_from_bytes` does, several times faster: the fields in
    /// declaration order, integers as varints (signed ones zigzagged), bools as one byte.
    pub fn decode(bytes: &mut &[u8]) -> Option<WarmStats> {
        Some(WarmStats {
            records: small(bytes)?,
            backlinks: varint(bytes)?,
            first_seen: zigzag(varint(bytes)?),
            any_live: flag(bytes)?,
            lost_date: match flag(bytes)? {
                false => None,
                true => Some(zigzag(varint(bytes)?)),
            },
            spam_sum: varint(bytes)?,
            broken_backlinks: varint(bytes)?,
            broken_pages: small(bytes)?,
            any_dofollow: flag(bytes)?,
            pages: small(bytes)?,
            pages_nofollow: small(bytes)?,
            ips: small(bytes)?,
            subnets: small(bytes)?,
        })
    }
}

/// Postcard's varint at the start of `bytes` (at most 10 bytes), moved past.
#[inline]
fn varint(bytes: &mut &[u8]) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = bytes.split_first()?;
        *bytes = rest;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

#[inline]
fn small(bytes: &mut &[u8]) -> Option<u32> {
    u32::try_from(varint(bytes)?).ok()
}

#[inline]
fn zigzag(v: u64) -> i64 {
    (v >> 1) as i64 ^ -((v & 1) as i64)
}

/// A bool, or an `Option`'s tag: one byte, 0 or 1.
#[inline]
fn flag(bytes: &mut &[u8]) -> Option<bool> {
    let (&b, rest) = bytes.split_first()?;
    *bytes = rest;
    match b {
        0 => Some(false),
        1 => Some(true),
        _ => None,
    }
}

/// The fields of [`WarmStats`], and the place of `lost_date` among them.
const WARM_FIELDS: usize = 13;
const LOST_DATE_FIELD: usize = 4;

/// What a pair's aggregates hold besides the scalars: stored in the stats frames and decoded
/// only for the rows a query returns.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ColdStats {
    /// Records that are `is_indirect_link` (a request without indirect links can still use
    /// the stored aggregates when this is 0).
    pub indirect: u32,
    /// Σ unscale(rank) of dofollow, unbroken records (contract §9).
    pub rank_mass: f64,
    /// Distinct `domain_from_ip`, sorted.
    pub ips: Vec<String>,
    pub tld: PageCounts,
    pub types: PageCounts,
    pub attributes: PageCounts,
    pub platform_types: PageCounts,
    pub semantic_locations: PageCounts,
    pub countries: PageCounts,
}

/// `unscale(r) = 0 if r == 0 else 10^((r - 1000) / 100)`: a 0–1000 rank back to rank mass
/// (contract §9). Ranks above 1000 are read as 1000; `scale(unscale(r)) == r` for every `r` in
/// `0..=1000`.
pub fn unscale(r: u16) -> f64 {
    if r == 0 {
        return 0.0;
    }
    10f64.powf((f64::from(r.min(1000)) - 1000.0) / 100.0)
}

/// What one record adds to its pair's rank mass: `unscale(rank)` when it is dofollow and not
/// broken, else 0 (contract §9).
pub fn rank_mass(r: &RecordRef<'_>) -> f64 {
    if r.dofollow && !r.is_broken {
        unscale(r.rank)
    } else {
        0.0
    }
}

/// `scale(x) = 0 if x <= 0 else clamp(round_half_up(1000 + 100 * log10(x)), 0, 1000)`: rank
/// mass to the 0–1000 logarithmic scale (contract §9). 1000 is all of the graph's rank mass and
/// every factor of 10 is 100 points, so a mass of 1e-10 or less is 0. NaN is 0 and +inf 1000: no
/// float gives a rank out of range.
pub fn scale(x: f64) -> u16 {
    if x.is_nan() || x <= 0.0 {
        return 0;
    }
    (1000.0 + 100.0 * x.log10()).round().clamp(0.0, 1000.0) as u16
}

/// Builds [`PairStats`] from records given grouped by `url_from` (all records of a page
/// consecutive), as segments and key order give them.
#[derive(Default)]
pub struct StatsBuilder {
    stats: PairStats,
    broken_pages: Vec<String>,
    maps: [BTreeMap<String, u32>; 6],
    page: Option<String>,
    page_dofollow: bool,
    page_keys: [Vec<String>; 6],
}

impl StatsBuilder {
    pub fn add(&mut self, r: &RecordRef<'_>) {
        if self.page.as_deref() != Some(r.url_from) {
            self.close_page();
            self.page = Some(r.url_from.to_string());
        }
        let (s, c) = (&mut self.stats.warm, &mut self.stats.cold);
        if s.records == 0 {
            s.first_seen = r.first_seen;
        }
        s.records += 1;
        c.indirect += u32::from(r.is_indirect_link);
        s.backlinks += r.links_count;
        s.first_seen = s.first_seen.min(r.first_seen);
        if r.is_lost {
            s.lost_date = s.lost_date.max(r.lost_date);
        } else {
            s.any_live = true;
        }
        c.rank_mass += rank_mass(r);
        s.spam_sum += u64::from(r.backlink_spam_score);
        if r.is_broken {
            s.broken_backlinks += r.links_count;
            if !self.broken_pages.iter().any(|p| p == r.url_to) {
                self.broken_pages.push(r.url_to.to_string());
            }
        }
        s.any_dofollow |= r.dofollow;
        self.page_dofollow |= r.dofollow;
        if let Some(ip) = r.domain_from_ip {
            if !c.ips.iter().any(|i| i == ip) {
                c.ips.push(ip.to_string());
            }
        }
        let keys = &mut self.page_keys;
        push_unique(&mut keys[0], r.tld_from);
        push_unique(&mut keys[1], r.item_type.as_str());
        for a in &r.attributes {
            push_unique(&mut keys[2], a);
        }
        if r.domain_from_platform_type.is_empty() {
            push_unique(&mut keys[3], "unknown");
        }
        for p in &r.domain_from_platform_type {
            push_unique(&mut keys[3], p);
        }
        push_unique(&mut keys[4], r.semantic_location.unwrap_or(""));
        if let Some(c) = r.domain_from_country {
            push_unique(&mut keys[5], c);
        }
    }

    fn close_page(&mut self) {
        if self.page.take().is_none() {
            return;
        }
        self.stats.warm.pages += 1;
        self.stats.warm.pages_nofollow += u32::from(!self.page_dofollow);
        self.page_dofollow = false;
        for (map, keys) in self.maps.iter_mut().zip(self.page_keys.iter_mut()) {
            for k in keys.drain(..) {
                *map.entry(k).or_default() += 1;
            }
        }
    }

    pub fn finish(mut self) -> PairStats {
        self.close_page();
        let PairStats { mut warm, mut cold } = self.stats;
        warm.broken_pages = self.broken_pages.len() as u32;
        cold.ips.sort();
        warm.ips = cold.ips.len() as u32;
        let subnets: BTreeSet<String> = cold.ips.iter().filter_map(|ip| subnet(ip)).collect();
        warm.subnets = subnets.len() as u32;
        let [tld, types, attributes, platform_types, semantic_locations, countries] =
            self.maps.map(|m| m.into_iter().collect());
        PairStats {
            warm,
            cold: ColdStats {
                tld,
                types,
                attributes,
                platform_types,
                semantic_locations,
                countries,
                ..cold
            },
        }
    }
}

fn push_unique(keys: &mut Vec<String>, k: &str) {
    if !keys.iter().any(|x| x == k) {
        keys.push(k.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Skipping entries lands where decoding them would, and the hand decoder reads what
        /// postcard wrote. Every field is set here, so a new
        /// field fails to compile until this test (and `skip`) know it.
        #[test]
        fn skip_and_decode_agree_with_postcard(
            fields in proptest::collection::vec(
                (any::<(u32, u64, i64, bool, Option<i64>, u64)>(),
                 any::<(u64, u32, bool, u32, u32, u32, u32)>()),
                1..12,
            ),
            at in 0usize..12,
        ) {
            let all: Vec<WarmStats> = fields
                .into_iter()
                .map(|((records, backlinks, first_seen, any_live, lost_date, spam_sum),
                       (broken_backlinks, broken_pages, any_dofollow, pages, pages_nofollow, ips, subnets))| WarmStats {
                    records, backlinks, first_seen, any_live, lost_date, spam_sum,
                    broken_backlinks, broken_pages, any_dofollow, pages, pages_nofollow, ips, subnets,
                })
                .collect();
            let mut bytes = Vec::new();
            for w in &all {
                bytes = postcard::to_extend(w, bytes).unwrap();
            }
            let at = at.min(all.len() - 1);
            let rest = WarmStats::skip(&bytes, at).unwrap();
            let (next, _) = postcard::take_from_bytes::<WarmStats>(rest).unwrap();
            prop_assert_eq!(&next, &all[at]);
            let mut rest = &bytes[..];
            for w in &all {
                let got = WarmStats::decode(&mut rest);
                prop_assert_eq!(got.as_ref(), Some(w));
            }
            prop_assert!(rest.is_empty());
            let mut short = &bytes[..bytes.len().min(3)];
            prop_assert_eq!(WarmStats::decode(&mut short), None);
            prop_assert_eq!(WarmStats::skip(&bytes, all.len()), Some(&[][..]));
            prop_assert_eq!(WarmStats::skip(&bytes[..bytes.len() - 1], all.len()), None);
        }
    }
}
