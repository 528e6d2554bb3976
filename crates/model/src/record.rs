//! The backlink record of the contract (`backlink_record.md`): its stored form, its JSON import
//! with defaults and derivations, and its JSON export.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::host::{icann_suffix, is_ip};
use crate::json::{Json, Object, RawObject};
use crate::time::{format_time, parse_time};
use crate::url::normalize_url;

/// How a link is made on the referring page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ItemType {
    Anchor,
    Image,
    Link,
    Meta,
    Canonical,
    Alternate,
    Redirect,
}

impl ItemType {
    pub const ALL: [ItemType; 7] = [
        ItemType::Anchor,
        ItemType::Image,
        ItemType::Link,
        ItemType::Meta,
        ItemType::Canonical,
        ItemType::Alternate,
        ItemType::Redirect,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemType::Anchor => "anchor",
            ItemType::Image => "image",
            ItemType::Link => "link",
            ItemType::Meta => "meta",
            ItemType::Canonical => "canonical",
            ItemType::Alternate => "alternate",
            ItemType::Redirect => "redirect",
        }
    }

    pub fn parse(text: &str) -> Option<ItemType> {
        ItemType::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// One hop of an indirect link: how `url` passed the link on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    #[serde(rename = "type")]
    pub kind: String,
    pub status_code: Option<i64>,
    pub url: String,
}

/// One stored backlink. URLs are normalized; times are Unix seconds; derived fields
/// (`domain_*`, `*_https`, `tld_from`, `domain_from_is_ip`) are always derived from the URLs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub url_from: String,
    pub url_to: String,
    pub domain_from: String,
    pub domain_to: String,
    pub url_from_https: bool,
    pub url_to_https: bool,
    pub tld_from: String,
    pub item_type: ItemType,
    pub attributes: Vec<String>,
    pub dofollow: bool,
    pub semantic_location: Option<String>,
    pub anchor: Option<String>,
    pub alt: Option<String>,
    pub image_url: Option<String>,
    pub text_pre: Option<String>,
    pub text_post: Option<String>,
    pub links_count: u64,
    pub first_seen: i64,
    pub prev_seen: Option<i64>,
    pub last_seen: i64,
    pub is_new: bool,
    pub is_lost: bool,
    pub lost_date: Option<i64>,
    pub is_broken: bool,
    pub url_to_status_code: Option<i64>,
    pub url_to_spam_score: Option<i64>,
    pub url_to_redirect_target: Option<String>,
    pub is_indirect_link: bool,
    pub indirect_link_path: Option<Vec<Hop>>,
    pub rank: u16,
    pub page_from_rank: u16,
    pub domain_from_rank: u16,
    pub backlink_spam_score: u8,
    pub domain_from_ip: Option<String>,
    pub domain_from_country: Option<String>,
    pub domain_from_platform_type: Vec<String>,
    pub domain_from_is_ip: bool,
    pub page_from_external_links: Option<i64>,
    pub page_from_internal_links: Option<i64>,
    pub page_from_size: Option<i64>,
    pub page_from_status_code: Option<i64>,
    pub page_from_encoding: Option<String>,
    pub page_from_language: Option<String>,
    pub page_from_title: Option<String>,
    pub original: bool,
}

/// A record's identity: `(url_from, url_to, item_type)` after normalization.
pub type RecordKey = (String, String, ItemType);

impl Record {
    /// A live, dofollow anchor record with every other field at its default.
    pub fn new(url_from: &str, url_to: &str, seen: i64) -> Result<Record, String> {
        let mut obj = Map::new();
        obj.insert("url_from".into(), Value::String(url_from.into()));
        obj.insert("url_to".into(), Value::String(url_to.into()));
        Record::from_json(&obj, seen)
    }

    pub fn key(&self) -> RecordKey {
        (self.url_from.clone(), self.url_to.clone(), self.item_type)
    }

    /// Builds a record from one JSON object of the import format. `now` is the time used for
    /// absent `first_seen`/`last_seen`. The error names the field and what is wrong with it.
    pub fn from_json(obj: &Map<String, Value>, now: i64) -> Result<Record, String> {
        Record::from_object(Fields(Object::Value(obj)), now)
    }

    /// [`Record::from_json`] of an object parsed with [`RawObject::parse`] (no `Value` built):
    /// the same record, or the same message.
    pub fn from_raw(obj: &RawObject<'_>, now: i64) -> Result<Record, String> {
        Record::from_object(Fields(Object::Raw(obj)), now)
    }

    fn from_object(f: Fields<'_>, now: i64) -> Result<Record, String> {
        let from =
            normalize_url(f.req_str("url_from")?).map_err(|e| format!("field 'url_from': {e}"))?;
        let to = normalize_url(f.req_str("url_to")?).map_err(|e| format!("field 'url_to': {e}"))?;
        let item_type = match f.opt_str("item_type")? {
            None => ItemType::Anchor,
            Some(t) => ItemType::parse(t)
                .ok_or_else(|| format!("field 'item_type': unknown type '{t}'"))?,
        };
        let mut attributes: Vec<String> = Vec::new();
        for a in f.str_array("attributes")? {
            let a = a.to_ascii_lowercase();
            if !attributes.contains(&a) {
                attributes.push(a);
            }
        }
        let dofollow = match f.opt_bool("dofollow")? {
            Some(b) => b,
            None => !attributes
                .iter()
                .any(|a| matches!(a.as_str(), "nofollow" | "ugc" | "sponsored")),
        };
        let first = f.opt_time("first_seen")?;
        let last = f.opt_time("last_seen")?;
        let (first_seen, last_seen) = match (first, last) {
            (Some(a), Some(b)) => (a, b),
            (Some(a), None) => (a, now.max(a)),
            (None, Some(b)) => (b.min(now), b),
            (None, None) => (now, now),
        };
        if first_seen > last_seen {
            return Err("field 'first_seen': later than last_seen".into());
        }
        let prev_seen = f.opt_time("prev_seen")?;
        if prev_seen.is_some_and(|p| p > last_seen) {
            return Err("field 'prev_seen': later than last_seen".into());
        }
        let is_lost = f.opt_bool("is_lost")?.unwrap_or(false);
        let lost_date = match f.opt_time("lost_date")? {
            Some(t) => Some(t),
            None if is_lost => Some(last_seen),
            None => None,
        };
        let mut platform: Vec<String> = Vec::new();
        for p in f.str_array("domain_from_platform_type")? {
            if !platform.iter().any(|q| q == p) {
                platform.push(p.to_string());
            }
        }
        let indirect_link_path = match f.get("indirect_link_path") {
            None => None,
            Some(v) => Some(
                serde_json::from_value::<Vec<Hop>>(v.to_value()).map_err(|_| {
                    "field 'indirect_link_path': expected an array of {type, status_code, url}"
                        .to_string()
                })?,
            ),
        };
        let domain_from_ip = match f.opt_str("domain_from_ip")? {
            None => None,
            Some(ip) => Some(
                ip.parse::<std::net::IpAddr>()
                    .map_err(|_| format!("field 'domain_from_ip': '{ip}' is not an IP address"))?
                    .to_string(),
            ),
        };
        Ok(Record {
            tld_from: icann_suffix(&from.host).to_string(),
            domain_from_is_ip: is_ip(&from.host),
            url_from_https: from.https,
            url_to_https: to.https,
            domain_from: from.host,
            domain_to: to.host,
            url_from: from.url,
            url_to: to.url,
            item_type,
            attributes,
            dofollow,
            semantic_location: f.opt_string("semantic_location")?,
            anchor: f.opt_string("anchor")?,
            alt: f.opt_string("alt")?,
            image_url: f.opt_string("image_url")?,
            text_pre: f.opt_string("text_pre")?,
            text_post: f.opt_string("text_post")?,
            links_count: f.opt_int("links_count", 1, i64::MAX)?.unwrap_or(1) as u64,
            first_seen,
            prev_seen,
            last_seen,
            is_new: f.opt_bool("is_new")?.unwrap_or(false),
            is_lost,
            lost_date,
            is_broken: f.opt_bool("is_broken")?.unwrap_or(false),
            url_to_status_code: f.opt_int("url_to_status_code", i64::MIN, i64::MAX)?,
            url_to_spam_score: f.opt_int("url_to_spam_score", i64::MIN, i64::MAX)?,
            url_to_redirect_target: f.opt_string("url_to_redirect_target")?,
            is_indirect_link: f.opt_bool("is_indirect_link")?.unwrap_or(false),
            indirect_link_path,
            rank: f.opt_int("rank", 0, 1000)?.unwrap_or(0) as u16,
            page_from_rank: f.opt_int("page_from_rank", 0, 1000)?.unwrap_or(0) as u16,
            domain_from_rank: f.opt_int("domain_from_rank", 0, 1000)?.unwrap_or(0) as u16,
            backlink_spam_score: f.opt_int("backlink_spam_score", 0, 100)?.unwrap_or(0) as u8,
            domain_from_ip,
            domain_from_country: f.opt_string("domain_from_country")?,
            domain_from_platform_type: platform,
            page_from_external_links: f.opt_int("page_from_external_links", i64::MIN, i64::MAX)?,
            page_from_internal_links: f.opt_int("page_from_internal_links", i64::MIN, i64::MAX)?,
            page_from_size: f.opt_int("page_from_size", i64::MIN, i64::MAX)?,
            page_from_status_code: f.opt_int("page_from_status_code", i64::MIN, i64::MAX)?,
            page_from_encoding: f.opt_string("page_from_encoding")?,
            page_from_language: f.opt_string("page_from_language")?,
            page_from_title: f.opt_string("page_from_title")?,
            original: f.opt_bool("original")?.unwrap_or(false),
        })
    }

    /// The record as the API writes it (`type: "backlink"`, times as contract text).
    pub fn to_json(&self) -> Value {
        let t = |v: Option<i64>| v.map(format_time);
        json!({
            "type": "backlink",
            "domain_from": self.domain_from, "url_from": self.url_from,
            "url_from_https": self.url_from_https, "domain_to": self.domain_to,
            "url_to": self.url_to, "url_to_https": self.url_to_https,
            "tld_from": self.tld_from, "is_new": self.is_new, "is_lost": self.is_lost,
            "backlink_spam_score": self.backlink_spam_score, "rank": self.rank,
            "page_from_rank": self.page_from_rank, "domain_from_rank": self.domain_from_rank,
            "domain_from_platform_type": self.domain_from_platform_type,
            "domain_from_is_ip": self.domain_from_is_ip, "domain_from_ip": self.domain_from_ip,
            "domain_from_country": self.domain_from_country,
            "page_from_external_links": self.page_from_external_links,
            "page_from_internal_links": self.page_from_internal_links,
            "page_from_size": self.page_from_size, "page_from_encoding": self.page_from_encoding,
            "page_from_language": self.page_from_language, "page_from_title": self.page_from_title,
            "page_from_status_code": self.page_from_status_code,
            "first_seen": format_time(self.first_seen), "prev_seen": t(self.prev_seen),
            "last_seen": format_time(self.last_seen), "item_type": self.item_type.as_str(),
            "attributes": self.attributes, "dofollow": self.dofollow, "original": self.original,
            "alt": self.alt, "image_url": self.image_url, "anchor": self.anchor,
            "text_pre": self.text_pre, "text_post": self.text_post,
            "semantic_location": self.semantic_location, "links_count": self.links_count,
            "lost_date": t(self.lost_date), "url_to_status_code": self.url_to_status_code,
            "url_to_spam_score": self.url_to_spam_score,
            "url_to_redirect_target": self.url_to_redirect_target,
            "is_broken": self.is_broken, "is_indirect_link": self.is_indirect_link,
            "indirect_link_path": self.indirect_link_path,
        })
    }

    /// Applies a newer observation of the same key, by the contract's update rules:
    /// `first_seen` the earlier, `last_seen` the later, every other field from the observation
    /// with the later `last_seen` (on a tie, `incoming`).
    ///
    /// `prev_seen` is the latest time the link was seen before `last_seen`: the largest of both
    /// sides' `prev_seen` (never later than their `last_seen`, import checks it) and of their
    /// `last_seen` values that are earlier than the merged `last_seen`. For observations in time order this is "the stored `last_seen`", as the
    /// contract says; unlike that literal rule it also makes `merge` associative and
    /// idempotent, so segments folded separately and then together, or the same file imported
    /// twice, give the same record as one fold in order.
    pub fn merge(stored: &Record, incoming: &Record) -> Record {
        let newer = incoming.last_seen >= stored.last_seen;
        let mut out = if newer {
            incoming.clone()
        } else {
            stored.clone()
        };
        out.first_seen = stored.first_seen.min(incoming.first_seen);
        out.last_seen = stored.last_seen.max(incoming.last_seen);
        let last = out.last_seen;
        let earlier = |t: i64| (t < last).then_some(t);
        out.prev_seen = [
            stored.prev_seen,
            incoming.prev_seen,
            earlier(stored.last_seen),
            earlier(incoming.last_seen),
        ]
        .into_iter()
        .flatten()
        .max();
        out
    }
}

/// Typed access to the fields of one import line, with errors that name the field.
struct Fields<'a>(Object<'a>);

impl<'a> Fields<'a> {
    fn get(&self, name: &str) -> Option<Json<'a>> {
        self.0.get(name).filter(|v| *v != Json::Null)
    }

    fn req_str(&self, name: &str) -> Result<&'a str, String> {
        match self.get(name) {
            None => Err(format!("field '{name}': required")),
            Some(Json::Str(s)) => Ok(s),
            Some(_) => Err(format!("field '{name}': expected a string")),
        }
    }

    fn opt_str(&self, name: &str) -> Result<Option<&'a str>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(Json::Str(s)) => Ok(Some(s)),
            Some(_) => Err(format!("field '{name}': expected a string")),
        }
    }

    fn opt_string(&self, name: &str) -> Result<Option<String>, String> {
        Ok(self.opt_str(name)?.map(str::to_string))
    }

    fn opt_bool(&self, name: &str) -> Result<Option<bool>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(Json::Bool(b)) => Ok(Some(b)),
            Some(_) => Err(format!("field '{name}': expected true or false")),
        }
    }

    fn opt_int(&self, name: &str, min: i64, max: i64) -> Result<Option<i64>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(Json::Number(n)) => match n.as_i64() {
                Some(i) if (min..=max).contains(&i) => Ok(Some(i)),
                _ if min == i64::MIN => Err(format!("field '{name}': expected an integer")),
                _ => Err(format!(
                    "field '{name}': expected an integer from {min} to {max}"
                )),
            },
            Some(_) => Err(format!("field '{name}': expected an integer")),
        }
    }

    fn opt_time(&self, name: &str) -> Result<Option<i64>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(Json::Str(s)) => parse_time(s)
                .map(Some)
                .ok_or_else(|| format!("field '{name}': expected \"yyyy-mm-dd hh:mm:ss +00:00\"")),
            Some(_) => Err(format!("field '{name}': expected a time string")),
        }
    }

    fn str_array(&self, name: &str) -> Result<Vec<&'a str>, String> {
        match self.get(name) {
            None => Ok(Vec::new()),
            Some(Json::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Json::Str(s) => Ok(*s),
                    _ => Err(format!("field '{name}': expected an array of strings")),
                })
                .collect(),
            Some(_) => Err(format!("field '{name}': expected an array of strings")),
        }
    }
}

impl Record {
    /// Folds observations of equal keys, in the order given, into one record each (by key).
    pub fn fold(records: impl IntoIterator<Item = Record>) -> BTreeMap<RecordKey, Record> {
        let mut by_key: BTreeMap<RecordKey, Record> = BTreeMap::new();
        for r in records {
            let key = r.key();
            let merged = match by_key.remove(&key) {
                Some(stored) => Record::merge(&stored, &r),
                None => r,
            };
            by_key.insert(key, merged);
        }
        by_key
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Record, String> {
        let v: Value = serde_json::from_str(line).unwrap();
        Record::from_json(v.as_object().unwrap(), 1_700_000_000)
    }

    #[test]
    fn derives_defaults() {
        let r = parse(r#"{"url_from":"https://Blog.Example.co.uk/a#x","url_to":"http://moz.com"}"#)
            .unwrap();
        assert_eq!(r.url_from, "https://blog.example.co.uk/a");
        assert_eq!(r.url_to, "http://moz.com/");
        assert_eq!(r.domain_from, "blog.example.co.uk");
        assert_eq!(r.tld_from, "co.uk");
        assert!(r.dofollow && r.url_from_https && !r.url_to_https);
        assert_eq!(
            (r.first_seen, r.last_seen, r.links_count),
            (1_700_000_000, 1_700_000_000, 1)
        );
        assert_eq!(r.item_type, ItemType::Anchor);
    }

    #[test]
    fn attributes_decide_dofollow_and_lost_gets_a_date() {
        let r = parse(r#"{"url_from":"http://a.com/","url_to":"http://b.com/","attributes":["UGC","ugc","noopener"],"is_lost":true,"last_seen":"2023-01-02 03:04:05 +00:00"}"#).unwrap();
        assert_eq!(r.attributes, vec!["ugc", "noopener"]);
        assert!(!r.dofollow);
        assert_eq!(r.lost_date, parse_time("2023-01-02 03:04:05 +00:00"));
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (
                r#"{"url_to":"http://b.com/"}"#,
                "field 'url_from': required",
            ),
            (
                r#"{"url_from":"http://a.com/","url_to":"ftp://b.com/"}"#,
                "field 'url_to'",
            ),
            (
                r#"{"url_from":"http://a.com/","url_to":"http://b.com/","rank":1001}"#,
                "field 'rank'",
            ),
            (
                r#"{"url_from":"http://a.com/","url_to":"http://b.com/","dofollow":"yes"}"#,
                "field 'dofollow'",
            ),
            (
                r#"{"url_from":"http://a.com/","url_to":"http://b.com/","item_type":"banner"}"#,
                "field 'item_type'",
            ),
            (
                r#"{"url_from":"http://a.com/","url_to":"http://b.com/","first_seen":"soon"}"#,
                "field 'first_seen'",
            ),
            (
                r#"{"url_from":"http://a.com/","url_to":"http://b.com/","links_count":0}"#,
                "field 'links_count'",
            ),
        ];
        for (line, want) in cases {
            let err = parse(line).unwrap_err();
            assert!(err.starts_with(want), "{line}: {err}");
        }
    }

    #[test]
    fn merge_follows_the_update_rules_and_is_idempotent() {
        let old = parse(r#"{"url_from":"http://a.com/","url_to":"http://b.com/","first_seen":"2020-01-01 00:00:00 +00:00","last_seen":"2021-01-01 00:00:00 +00:00","anchor":"old"}"#).unwrap();
        let new = parse(r#"{"url_from":"http://a.com/","url_to":"http://b.com/","first_seen":"2020-06-01 00:00:00 +00:00","last_seen":"2022-01-01 00:00:00 +00:00","anchor":"new"}"#).unwrap();
        let m = Record::merge(&old, &new);
        assert_eq!(m.anchor.as_deref(), Some("new"));
        assert_eq!(m.first_seen, old.first_seen);
        assert_eq!(m.last_seen, new.last_seen);
        assert_eq!(m.prev_seen, Some(old.last_seen));
        assert_eq!(Record::merge(&m, &new), m);
        let back = Record::merge(&m, &old);
        assert_eq!(back, m, "an older observation changes nothing");
    }

    #[test]
    fn merge_is_associative_so_segments_can_fold_separately() {
        let at = |last: &str, anchor: &str| {
            parse(&format!(r#"{{"url_from":"http://a.com/","url_to":"http://b.com/","first_seen":"2019-01-01 00:00:00 +00:00","last_seen":"{last} 00:00:00 +00:00","anchor":"{anchor}"}}"#)).unwrap()
        };
        let obs = [
            at("2020-01-01", "a"),
            at("2022-01-01", "b"),
            at("2021-01-01", "c"),
            at("2022-01-01", "d"),
        ];
        for split in 1..obs.len() {
            let fold = |rs: &[Record]| {
                rs[1..]
                    .iter()
                    .fold(rs[0].clone(), |s, r| Record::merge(&s, r))
            };
            let whole = fold(&obs);
            let parts = Record::merge(&fold(&obs[..split]), &fold(&obs[split..]));
            assert_eq!(parts, whole, "split at {split}");
        }
        let whole = obs[1..]
            .iter()
            .fold(obs[0].clone(), |s, r| Record::merge(&s, r));
        assert_eq!(
            whole.anchor.as_deref(),
            Some("d"),
            "a tie goes to the later observation"
        );
        assert_eq!(whole.prev_seen, parse_time("2021-01-01 00:00:00 +00:00"));
    }
}
