//! The registries of filterable fields: record fields (`backlinks_filters`) and result fields
//! (`filters`, `order_by`). The validator, the evaluator and `available_filters` all read these.

use linkdex_model::RecordRef;

/// The type of a filterable field; it decides the operators and the value shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Num,
    Str,
    Time,
    Bool,
    StrArray,
}

impl FieldType {
    pub fn name(self) -> &'static str {
        match self {
            FieldType::Num => "num",
            FieldType::Str => "str",
            FieldType::Time => "time",
            FieldType::Bool => "bool",
            FieldType::StrArray => "array.str",
        }
    }
}

/// A field's value in one record or result row.
#[derive(Debug, Clone, Copy)]
pub enum FieldValue<'a> {
    /// `null`, or a target the row has no entry for: every condition on it is false.
    Null,
    Num(f64),
    Str(&'a str),
    Time(i64),
    Bool(bool),
    StrArray(&'a [&'a str]),
}

/// Record fields marked filterable in the record contract, with their types.
pub const RECORD_FIELDS: &[(&str, FieldType)] = &[
    ("url_from", FieldType::Str),
    ("url_to", FieldType::Str),
    ("domain_from", FieldType::Str),
    ("domain_to", FieldType::Str),
    ("url_from_https", FieldType::Bool),
    ("url_to_https", FieldType::Bool),
    ("tld_from", FieldType::Str),
    ("item_type", FieldType::Str),
    ("attributes", FieldType::StrArray),
    ("dofollow", FieldType::Bool),
    ("semantic_location", FieldType::Str),
    ("anchor", FieldType::Str),
    ("alt", FieldType::Str),
    ("image_url", FieldType::Str),
    ("text_pre", FieldType::Str),
    ("text_post", FieldType::Str),
    ("links_count", FieldType::Num),
    ("first_seen", FieldType::Time),
    ("prev_seen", FieldType::Time),
    ("last_seen", FieldType::Time),
    ("is_new", FieldType::Bool),
    ("is_lost", FieldType::Bool),
    ("lost_date", FieldType::Time),
    ("is_broken", FieldType::Bool),
    ("url_to_status_code", FieldType::Num),
    ("url_to_spam_score", FieldType::Num),
    ("url_to_redirect_target", FieldType::Str),
    ("is_indirect_link", FieldType::Bool),
    ("rank", FieldType::Num),
    ("page_from_rank", FieldType::Num),
    ("domain_from_rank", FieldType::Num),
    ("backlink_spam_score", FieldType::Num),
    ("domain_from_ip", FieldType::Str),
    ("domain_from_country", FieldType::Str),
    ("domain_from_platform_type", FieldType::StrArray),
    ("domain_from_is_ip", FieldType::Bool),
    ("page_from_external_links", FieldType::Num),
    ("page_from_internal_links", FieldType::Num),
    ("page_from_size", FieldType::Num),
    ("page_from_status_code", FieldType::Num),
    ("page_from_encoding", FieldType::Str),
    ("page_from_language", FieldType::Str),
    ("page_from_title", FieldType::Str),
    ("original", FieldType::Bool),
];

/// Per-target metrics usable in `filters` and `order_by` as `"<key>.<metric>"`.
pub const TARGET_METRICS: &[(&str, FieldType)] = &[
    ("target", FieldType::Str),
    ("rank", FieldType::Num),
    ("backlinks", FieldType::Num),
    ("first_seen", FieldType::Time),
    ("lost_date", FieldType::Time),
    ("backlinks_spam_score", FieldType::Num),
    ("broken_backlinks", FieldType::Num),
    ("broken_pages", FieldType::Num),
    ("referring_domains", FieldType::Num),
    ("referring_domains_nofollow", FieldType::Num),
    ("referring_main_domains", FieldType::Num),
    ("referring_main_domains_nofollow", FieldType::Num),
    ("referring_ips", FieldType::Num),
    ("referring_subnets", FieldType::Num),
    ("referring_pages", FieldType::Num),
    ("referring_pages_nofollow", FieldType::Num),
];

/// Index into [`RECORD_FIELDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordField(pub usize);

/// A result field: `intersections_count`, or metric `TARGET_METRICS[metric]` of target `slot`
/// (the position of its key among the request's targets in numeric key order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultField {
    IntersectionsCount,
    Metric { slot: usize, metric: usize },
}

pub fn record_field(name: &str) -> Option<(RecordField, FieldType)> {
    RECORD_FIELDS
        .iter()
        .position(|(n, _)| *n == name)
        .map(|i| (RecordField(i), RECORD_FIELDS[i].1))
}

/// Looks up a result field against the request's target keys (numeric order).
pub fn result_field(name: &str, keys: &[String]) -> Option<(ResultField, FieldType)> {
    if name == "intersections_count" {
        return Some((ResultField::IntersectionsCount, FieldType::Num));
    }
    let (key, metric) = name.split_once('.')?;
    let slot = keys.iter().position(|k| k == key)?;
    let m = TARGET_METRICS.iter().position(|(n, _)| *n == metric)?;
    Some((ResultField::Metric { slot, metric: m }, TARGET_METRICS[m].1))
}

fn opt_num(v: Option<i64>) -> FieldValue<'static> {
    v.map_or(FieldValue::Null, |n| FieldValue::Num(n as f64))
}

fn opt_str(v: Option<&str>) -> FieldValue<'_> {
    v.map_or(FieldValue::Null, FieldValue::Str)
}

/// The value of a record field (index into [`RECORD_FIELDS`]).
pub fn record_value<'a>(r: &'a RecordRef<'_>, field: RecordField) -> FieldValue<'a> {
    use FieldValue::*;
    match RECORD_FIELDS[field.0].0 {
        "url_from" => Str(r.url_from),
        "url_to" => Str(r.url_to),
        "domain_from" => Str(r.domain_from),
        "domain_to" => Str(r.domain_to),
        "url_from_https" => Bool(r.url_from_https),
        "url_to_https" => Bool(r.url_to_https),
        "tld_from" => Str(r.tld_from),
        "item_type" => Str(r.item_type.as_str()),
        "attributes" => StrArray(&r.attributes),
        "dofollow" => Bool(r.dofollow),
        "semantic_location" => opt_str(r.semantic_location),
        "anchor" => opt_str(r.anchor),
        "alt" => opt_str(r.alt),
        "image_url" => opt_str(r.image_url),
        "text_pre" => opt_str(r.text_pre),
        "text_post" => opt_str(r.text_post),
        "links_count" => Num(r.links_count as f64),
        "first_seen" => Time(r.first_seen),
        "prev_seen" => r.prev_seen.map_or(Null, Time),
        "last_seen" => Time(r.last_seen),
        "is_new" => Bool(r.is_new),
        "is_lost" => Bool(r.is_lost),
        "lost_date" => r.lost_date.map_or(Null, Time),
        "is_broken" => Bool(r.is_broken),
        "url_to_status_code" => opt_num(r.url_to_status_code),
        "url_to_spam_score" => opt_num(r.url_to_spam_score),
        "url_to_redirect_target" => opt_str(r.url_to_redirect_target),
        "is_indirect_link" => Bool(r.is_indirect_link),
        "rank" => Num(f64::from(r.rank)),
        "page_from_rank" => Num(f64::from(r.page_from_rank)),
        "domain_from_rank" => Num(f64::from(r.domain_from_rank)),
        "backlink_spam_score" => Num(f64::from(r.backlink_spam_score)),
        "domain_from_ip" => opt_str(r.domain_from_ip),
        "domain_from_country" => opt_str(r.domain_from_country),
        "domain_from_platform_type" => StrArray(&r.domain_from_platform_type),
        "domain_from_is_ip" => Bool(r.domain_from_is_ip),
        "page_from_external_links" => opt_num(r.page_from_external_links),
        "page_from_internal_links" => opt_num(r.page_from_internal_links),
        "page_from_size" => opt_num(r.page_from_size),
        "page_from_status_code" => opt_num(r.page_from_status_code),
        "page_from_encoding" => opt_str(r.page_from_encoding),
        "page_from_language" => opt_str(r.page_from_language),
        "page_from_title" => opt_str(r.page_from_title),
        "original" => Bool(r.original),
        _ => Null,
    }
}
