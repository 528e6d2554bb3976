//! [`RecordRef`]: a stored record read in place. Its fields are [`Record`]'s, in the same
//! order with the same serde layout, but strings borrow from the decoded block, so reading a
//! record allocates nothing (the record path of a query reads millions).

use serde::Deserialize;

use crate::record::{Hop, ItemType, Record};

/// A [`Record`] borrowed from its postcard bytes (or from a `Record`, by [`RecordRef::of`]).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RecordRef<'a> {
    #[serde(borrow)]
    pub url_from: &'a str,
    #[serde(borrow)]
    pub url_to: &'a str,
    #[serde(borrow)]
    pub domain_from: &'a str,
    #[serde(borrow)]
    pub domain_to: &'a str,
    pub url_from_https: bool,
    pub url_to_https: bool,
    #[serde(borrow)]
    pub tld_from: &'a str,
    pub item_type: ItemType,
    #[serde(borrow)]
    pub attributes: Vec<&'a str>,
    pub dofollow: bool,
    #[serde(borrow)]
    pub semantic_location: Option<&'a str>,
    #[serde(borrow)]
    pub anchor: Option<&'a str>,
    #[serde(borrow)]
    pub alt: Option<&'a str>,
    #[serde(borrow)]
    pub image_url: Option<&'a str>,
    #[serde(borrow)]
    pub text_pre: Option<&'a str>,
    #[serde(borrow)]
    pub text_post: Option<&'a str>,
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
    #[serde(borrow)]
    pub url_to_redirect_target: Option<&'a str>,
    pub is_indirect_link: bool,
    #[serde(borrow)]
    pub indirect_link_path: Option<Vec<HopRef<'a>>>,
    pub rank: u16,
    pub page_from_rank: u16,
    pub domain_from_rank: u16,
    pub backlink_spam_score: u8,
    #[serde(borrow)]
    pub domain_from_ip: Option<&'a str>,
    #[serde(borrow)]
    pub domain_from_country: Option<&'a str>,
    #[serde(borrow)]
    pub domain_from_platform_type: Vec<&'a str>,
    pub domain_from_is_ip: bool,
    pub page_from_external_links: Option<i64>,
    pub page_from_internal_links: Option<i64>,
    pub page_from_size: Option<i64>,
    pub page_from_status_code: Option<i64>,
    #[serde(borrow)]
    pub page_from_encoding: Option<&'a str>,
    #[serde(borrow)]
    pub page_from_language: Option<&'a str>,
    #[serde(borrow)]
    pub page_from_title: Option<&'a str>,
    pub original: bool,
}

/// A [`Hop`] borrowed from its bytes.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct HopRef<'a> {
    pub kind: &'a str,
    pub status_code: Option<i64>,
    pub url: &'a str,
}

impl<'a> HopRef<'a> {
    fn of(h: &'a Hop) -> HopRef<'a> {
        HopRef {
            kind: &h.kind,
            status_code: h.status_code,
            url: &h.url,
        }
    }

    fn to_hop(&self) -> Hop {
        Hop {
            kind: self.kind.to_string(),
            status_code: self.status_code,
            url: self.url.to_string(),
        }
    }
}

impl<'a> RecordRef<'a> {
    /// `r`, borrowed.
    pub fn of(r: &'a Record) -> RecordRef<'a> {
        RecordRef {
            url_from: &r.url_from,
            url_to: &r.url_to,
            domain_from: &r.domain_from,
            domain_to: &r.domain_to,
            url_from_https: r.url_from_https,
            url_to_https: r.url_to_https,
            tld_from: &r.tld_from,
            item_type: r.item_type,
            attributes: r.attributes.iter().map(String::as_str).collect(),
            dofollow: r.dofollow,
            semantic_location: r.semantic_location.as_deref(),
            anchor: r.anchor.as_deref(),
            alt: r.alt.as_deref(),
            image_url: r.image_url.as_deref(),
            text_pre: r.text_pre.as_deref(),
            text_post: r.text_post.as_deref(),
            links_count: r.links_count,
            first_seen: r.first_seen,
            prev_seen: r.prev_seen,
            last_seen: r.last_seen,
            is_new: r.is_new,
            is_lost: r.is_lost,
            lost_date: r.lost_date,
            is_broken: r.is_broken,
            url_to_status_code: r.url_to_status_code,
            url_to_spam_score: r.url_to_spam_score,
            url_to_redirect_target: r.url_to_redirect_target.as_deref(),
            is_indirect_link: r.is_indirect_link,
            indirect_link_path: r
                .indirect_link_path
                .as_ref()
                .map(|hops| hops.iter().map(HopRef::of).collect()),
            rank: r.rank,
            page_from_rank: r.page_from_rank,
            domain_from_rank: r.domain_from_rank,
            backlink_spam_score: r.backlink_spam_score,
            domain_from_ip: r.domain_from_ip.as_deref(),
            domain_from_country: r.domain_from_country.as_deref(),
            domain_from_platform_type: r
                .domain_from_platform_type
                .iter()
                .map(String::as_str)
                .collect(),
            domain_from_is_ip: r.domain_from_is_ip,
            page_from_external_links: r.page_from_external_links,
            page_from_internal_links: r.page_from_internal_links,
            page_from_size: r.page_from_size,
            page_from_status_code: r.page_from_status_code,
            page_from_encoding: r.page_from_encoding.as_deref(),
            page_from_language: r.page_from_language.as_deref(),
            page_from_title: r.page_from_title.as_deref(),
            original: r.original,
        }
    }

    /// The owned record.
    pub fn to_record(&self) -> Record {
        Record {
            url_from: self.url_from.to_string(),
            url_to: self.url_to.to_string(),
            domain_from: self.domain_from.to_string(),
            domain_to: self.domain_to.to_string(),
            url_from_https: self.url_from_https,
            url_to_https: self.url_to_https,
            tld_from: self.tld_from.to_string(),
            item_type: self.item_type,
            attributes: self.attributes.iter().map(|s| s.to_string()).collect(),
            dofollow: self.dofollow,
            semantic_location: self.semantic_location.map(str::to_string),
            anchor: self.anchor.map(str::to_string),
            alt: self.alt.map(str::to_string),
            image_url: self.image_url.map(str::to_string),
            text_pre: self.text_pre.map(str::to_string),
            text_post: self.text_post.map(str::to_string),
            links_count: self.links_count,
            first_seen: self.first_seen,
            prev_seen: self.prev_seen,
            last_seen: self.last_seen,
            is_new: self.is_new,
            is_lost: self.is_lost,
            lost_date: self.lost_date,
            is_broken: self.is_broken,
            url_to_status_code: self.url_to_status_code,
            url_to_spam_score: self.url_to_spam_score,
            url_to_redirect_target: self.url_to_redirect_target.map(str::to_string),
            is_indirect_link: self.is_indirect_link,
            indirect_link_path: self
                .indirect_link_path
                .as_ref()
                .map(|hops| hops.iter().map(HopRef::to_hop).collect()),
            rank: self.rank,
            page_from_rank: self.page_from_rank,
            domain_from_rank: self.domain_from_rank,
            backlink_spam_score: self.backlink_spam_score,
            domain_from_ip: self.domain_from_ip.map(str::to_string),
            domain_from_country: self.domain_from_country.map(str::to_string),
            domain_from_platform_type: self
                .domain_from_platform_type
                .iter()
                .map(|s| s.to_string())
                .collect(),
            domain_from_is_ip: self.domain_from_is_ip,
            page_from_external_links: self.page_from_external_links,
            page_from_internal_links: self.page_from_internal_links,
            page_from_size: self.page_from_size,
            page_from_status_code: self.page_from_status_code,
            page_from_encoding: self.page_from_encoding.map(str::to_string),
            page_from_language: self.page_from_language.map(str::to_string),
            page_from_title: self.page_from_title.map(str::to_string),
            original: self.original,
        }
    }
}
