//! A valid task object read into plain values, every absent or `null` field at its default
//! (contract §3), and rules 1–5 of §4: which records feed a pattern.

use linkdex_model::{registrable_domain, Pattern, Record};
use serde_json::Value;

use super::fields::record_field;
use super::filters::Expr;

/// Which records count by their `is_lost` flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    All,
    Live,
    Lost,
}

#[derive(Debug)]
pub(crate) struct Request {
    /// `(key, pattern)` in numeric key order; a pattern that does not parse matches nothing.
    pub targets: Vec<(String, Option<Pattern>)>,
    pub exclude_targets: Vec<Option<Pattern>>,
    pub filters: Option<Expr>,
    /// `(field, descending)`; empty means the default order.
    pub order_by: Vec<(String, bool)>,
    pub offset: usize,
    pub limit: usize,
    pub internal_list_limit: usize,
    pub status: Status,
    pub backlinks_filters: Option<Expr>,
    pub include_subdomains: bool,
    pub include_indirect_links: bool,
    pub exclude_internal_backlinks: bool,
    pub partial: bool,
    pub one_hundred: bool,
}

impl Request {
    pub fn from_json(task: &Value) -> Request {
        let get = |name: &str| task.get(name).filter(|v| !v.is_null());
        let flag =
            |name: &str, default: bool| get(name).and_then(Value::as_bool).unwrap_or(default);
        let count = |name: &str, default: usize| {
            get(name)
                .and_then(Value::as_u64)
                .map_or(default, |n| usize::try_from(n).unwrap_or(usize::MAX))
        };
        let text = |name: &str| get(name).and_then(Value::as_str);
        let mut targets: Vec<(String, Option<Pattern>)> = get("targets")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().and_then(Pattern::parse)))
                    .collect()
            })
            .unwrap_or_default();
        targets.sort_by_key(|(k, _)| key_order(k));
        let exclude_targets = get("exclude_targets")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .map(|v| v.as_str().and_then(Pattern::parse))
                    .collect()
            })
            .unwrap_or_default();
        let order_by = get("order_by")
            .and_then(Value::as_array)
            .map(|rules| {
                rules
                    .iter()
                    .filter_map(|r| r.as_str().map(order_rule))
                    .collect()
            })
            .unwrap_or_default();
        Request {
            targets,
            exclude_targets,
            filters: get("filters").map(Expr::parse),
            order_by,
            offset: count("offset", 0),
            limit: count("limit", 100),
            internal_list_limit: count("internal_list_limit", 10),
            status: match text("backlinks_status_type") {
                Some("all") => Status::All,
                Some("lost") => Status::Lost,
                _ => Status::Live,
            },
            backlinks_filters: get("backlinks_filters").map(Expr::parse),
            include_subdomains: flag("include_subdomains", true),
            include_indirect_links: flag("include_indirect_links", true),
            exclude_internal_backlinks: flag("exclude_internal_backlinks", true),
            partial: text("intersection_mode") == Some("partial"),
            one_hundred: text("rank_scale") == Some("one_hundred"),
        }
    }

    /// Rules 1–5 of §4: whether `r` feeds pattern `p`.
    pub fn feeds(&self, r: &Record, p: &Option<Pattern>) -> bool {
        let Some(p) = p else { return false };
        let status_ok = match self.status {
            Status::All => true,
            Status::Live => !r.is_lost,
            Status::Lost => r.is_lost,
        };
        p.matches(&r.url_to, &r.domain_to, self.include_subdomains)
            && status_ok
            && (self.include_indirect_links || !r.is_indirect_link)
            && (!self.exclude_internal_backlinks
                || registrable_domain(&r.domain_from) != registrable_domain(p.host()))
            && self
                .backlinks_filters
                .as_ref()
                .is_none_or(|f| f.eval(&|field| record_field(r, field)))
    }
}

/// Target keys sort numerically ("2" before "10"); the text breaks ties of odd spellings.
pub(crate) fn key_order(key: &str) -> (u64, String) {
    (key.parse().unwrap_or(u64::MAX), key.to_string())
}

/// `"field,asc"` / `"field,desc"`; the field may not contain the last comma.
fn order_rule(rule: &str) -> (String, bool) {
    match rule.rsplit_once(',') {
        Some((field, dir)) => (
            field.trim().to_string(),
            dir.trim().eq_ignore_ascii_case("desc"),
        ),
        None => (rule.trim().to_string(), false),
    }
}
