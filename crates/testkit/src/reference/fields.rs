//! The typed fields the filter language can name: record fields (`backlinks_filters`, from the
//! filterable column of `backlink_record.md`) and per-target result metrics (`filters`,
//! `order_by`, contract §6). The generators draw from the same tables.

use linkdex_model::Record;

/// A field's type in the filter language; it decides the allowed operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Num,
    Str,
    Time,
    Bool,
    StrArray,
}

impl FieldKind {
    /// The operators the contract allows for this type.
    pub fn operators(self) -> &'static [&'static str] {
        match self {
            FieldKind::Num => &["<", "<=", ">", ">=", "=", "<>", "in", "not_in"],
            FieldKind::Str => &[
                "=",
                "<>",
                "in",
                "not_in",
                "like",
                "not_like",
                "ilike",
                "not_ilike",
                "regex",
                "not_regex",
                "match",
                "not_match",
            ],
            FieldKind::Time => &["<", "<=", ">", ">=", "=", "<>"],
            FieldKind::Bool => &["=", "<>"],
            FieldKind::StrArray => &["has", "has_not", "=", "<>"],
        }
    }
}

/// Every filterable record field (`indirect_link_path` is not filterable).
pub const RECORD_FIELDS: &[(&str, FieldKind)] = &[
    ("url_from", FieldKind::Str),
    ("url_to", FieldKind::Str),
    ("domain_from", FieldKind::Str),
    ("domain_to", FieldKind::Str),
    ("url_from_https", FieldKind::Bool),
    ("url_to_https", FieldKind::Bool),
    ("tld_from", FieldKind::Str),
    ("item_type", FieldKind::Str),
    ("attributes", FieldKind::StrArray),
    ("dofollow", FieldKind::Bool),
    ("semantic_location", FieldKind::Str),
    ("anchor", FieldKind::Str),
    ("alt", FieldKind::Str),
    ("image_url", FieldKind::Str),
    ("text_pre", FieldKind::Str),
    ("text_post", FieldKind::Str),
    ("links_count", FieldKind::Num),
    ("first_seen", FieldKind::Time),
    ("prev_seen", FieldKind::Time),
    ("last_seen", FieldKind::Time),
    ("is_new", FieldKind::Bool),
    ("is_lost", FieldKind::Bool),
    ("lost_date", FieldKind::Time),
    ("is_broken", FieldKind::Bool),
    ("url_to_status_code", FieldKind::Num),
    ("url_to_spam_score", FieldKind::Num),
    ("url_to_redirect_target", FieldKind::Str),
    ("is_indirect_link", FieldKind::Bool),
    ("rank", FieldKind::Num),
    ("page_from_rank", FieldKind::Num),
    ("domain_from_rank", FieldKind::Num),
    ("backlink_spam_score", FieldKind::Num),
    ("domain_from_ip", FieldKind::Str),
    ("domain_from_country", FieldKind::Str),
    ("domain_from_platform_type", FieldKind::StrArray),
    ("domain_from_is_ip", FieldKind::Bool),
    ("page_from_external_links", FieldKind::Num),
    ("page_from_internal_links", FieldKind::Num),
    ("page_from_size", FieldKind::Num),
    ("page_from_status_code", FieldKind::Num),
    ("page_from_encoding", FieldKind::Str),
    ("page_from_language", FieldKind::Str),
    ("page_from_title", FieldKind::Str),
    ("original", FieldKind::Bool),
];

/// The per-target metrics a result filter names as `"<key>.<metric>"`; `intersections_count`
/// (num) is the one result field without a key.
pub const RESULT_METRICS: &[(&str, FieldKind)] = &[
    ("target", FieldKind::Str),
    ("rank", FieldKind::Num),
    ("backlinks", FieldKind::Num),
    ("first_seen", FieldKind::Time),
    ("lost_date", FieldKind::Time),
    ("backlinks_spam_score", FieldKind::Num),
    ("broken_backlinks", FieldKind::Num),
    ("broken_pages", FieldKind::Num),
    ("referring_domains", FieldKind::Num),
    ("referring_domains_nofollow", FieldKind::Num),
    ("referring_main_domains", FieldKind::Num),
    ("referring_main_domains_nofollow", FieldKind::Num),
    ("referring_ips", FieldKind::Num),
    ("referring_subnets", FieldKind::Num),
    ("referring_pages", FieldKind::Num),
    ("referring_pages_nofollow", FieldKind::Num),
];

/// A field's value as the filter language sees it. `Null` also stands for "no such field" and
/// "D has no entry for that target": every condition on it is false.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    Null,
    Num(f64),
    Str(String),
    Time(i64),
    Bool(bool),
    StrArray(Vec<String>),
}

fn num<T: Into<f64>>(v: Option<T>) -> Val {
    v.map_or(Val::Null, |x| Val::Num(x.into()))
}

fn int(v: Option<i64>) -> Val {
    v.map_or(Val::Null, |x| Val::Num(x as f64))
}

fn text(v: &Option<String>) -> Val {
    v.as_ref().map_or(Val::Null, |s| Val::Str(s.clone()))
}

fn time(v: Option<i64>) -> Val {
    v.map_or(Val::Null, Val::Time)
}

/// The value of record field `name` (stored scale for `rank`); `Null` for unknown names.
pub(crate) fn record_field(r: &Record, name: &str) -> Val {
    let s = |v: &str| Val::Str(v.to_string());
    match name {
        "url_from" => s(&r.url_from),
        "url_to" => s(&r.url_to),
        "domain_from" => s(&r.domain_from),
        "domain_to" => s(&r.domain_to),
        "url_from_https" => Val::Bool(r.url_from_https),
        "url_to_https" => Val::Bool(r.url_to_https),
        "tld_from" => s(&r.tld_from),
        "item_type" => s(r.item_type.as_str()),
        "attributes" => Val::StrArray(r.attributes.clone()),
        "dofollow" => Val::Bool(r.dofollow),
        "semantic_location" => text(&r.semantic_location),
        "anchor" => text(&r.anchor),
        "alt" => text(&r.alt),
        "image_url" => text(&r.image_url),
        "text_pre" => text(&r.text_pre),
        "text_post" => text(&r.text_post),
        "links_count" => Val::Num(r.links_count as f64),
        "first_seen" => Val::Time(r.first_seen),
        "prev_seen" => time(r.prev_seen),
        "last_seen" => Val::Time(r.last_seen),
        "is_new" => Val::Bool(r.is_new),
        "is_lost" => Val::Bool(r.is_lost),
        "lost_date" => time(r.lost_date),
        "is_broken" => Val::Bool(r.is_broken),
        "url_to_status_code" => int(r.url_to_status_code),
        "url_to_spam_score" => int(r.url_to_spam_score),
        "url_to_redirect_target" => text(&r.url_to_redirect_target),
        "is_indirect_link" => Val::Bool(r.is_indirect_link),
        "rank" => num(Some(r.rank)),
        "page_from_rank" => num(Some(r.page_from_rank)),
        "domain_from_rank" => num(Some(r.domain_from_rank)),
        "backlink_spam_score" => num(Some(r.backlink_spam_score)),
        "domain_from_ip" => text(&r.domain_from_ip),
        "domain_from_country" => text(&r.domain_from_country),
        "domain_from_platform_type" => Val::StrArray(r.domain_from_platform_type.clone()),
        "domain_from_is_ip" => Val::Bool(r.domain_from_is_ip),
        "page_from_external_links" => int(r.page_from_external_links),
        "page_from_internal_links" => int(r.page_from_internal_links),
        "page_from_size" => int(r.page_from_size),
        "page_from_status_code" => int(r.page_from_status_code),
        "page_from_encoding" => text(&r.page_from_encoding),
        "page_from_language" => text(&r.page_from_language),
        "page_from_title" => text(&r.page_from_title),
        "original" => Val::Bool(r.original),
        _ => Val::Null,
    }
}
