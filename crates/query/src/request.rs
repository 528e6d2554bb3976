//! The domain_intersection request: every field of contract §3 parsed and validated into a
//! [`Request`] that any backend executes. Unknown keys are 40506; a bad field is 40501 naming it.

use linkdex_model::Pattern;
use serde_json::{Map, Value};

use crate::error::ApiError;
use crate::fields::{record_field, result_field, RecordField, ResultField};
use crate::filter::{self, Expr};

pub const MAX_TARGETS: usize = 20;
pub const MAX_EXCLUDE_TARGETS: usize = 10;
pub const MAX_ORDER_RULES: usize = 3;
pub const MAX_LIMIT: u64 = 1000;
pub const MAX_TAG_CHARS: usize = 255;

/// The fields of the request, in the contract's table order (the order validation reports in).
pub const FIELDS: &[&str] = &[
    "targets",
    "exclude_targets",
    "filters",
    "order_by",
    "offset",
    "limit",
    "internal_list_limit",
    "backlinks_status_type",
    "backlinks_filters",
    "include_subdomains",
    "include_indirect_links",
    "exclude_internal_backlinks",
    "intersection_mode",
    "rank_scale",
    "tag",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusType {
    All,
    Live,
    Lost,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntersectionMode {
    All,
    Partial,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RankScale {
    OneThousand,
    OneHundred,
}

/// One target: its key as sent, and its pattern.
#[derive(Debug, Clone)]
pub struct Target {
    pub key: String,
    pub pattern: Pattern,
}

/// A validated request. Targets are in numeric key order; `ResultField::Metric::slot` indexes them.
#[derive(Debug, Clone)]
pub struct Request {
    pub targets: Vec<Target>,
    /// `targets` exactly as sent, echoed in the result.
    pub targets_json: Value,
    pub exclude_targets: Vec<Pattern>,
    pub filters: Option<Expr<ResultField>>,
    pub order_by: Vec<(ResultField, bool)>,
    pub offset: u64,
    pub limit: u64,
    pub internal_list_limit: usize,
    pub status: StatusType,
    pub backlinks_filters: Option<Expr<RecordField>>,
    pub include_subdomains: bool,
    pub include_indirect_links: bool,
    pub exclude_internal_backlinks: bool,
    pub mode: IntersectionMode,
    pub rank_scale: RankScale,
    pub tag: Option<String>,
}

impl Request {
    /// How many targets a referring host must link to, in this request's mode.
    pub fn threshold(&self) -> usize {
        match self.mode {
            IntersectionMode::All => self.targets.len(),
            // Decision (contract §5): partial = at least min(2, N) of the targets.
            IntersectionMode::Partial => self.targets.len().min(2),
        }
    }

    /// The sort rules with the default (`intersections_count desc, <lowest key>.rank desc`).
    pub fn sort_rules(&self) -> Vec<(ResultField, bool)> {
        if !self.order_by.is_empty() {
            return self.order_by.clone();
        }
        let rank = crate::fields::TARGET_METRICS
            .iter()
            .position(|(n, _)| *n == "rank")
            .unwrap_or(1);
        vec![
            (ResultField::IntersectionsCount, true),
            (
                ResultField::Metric {
                    slot: 0,
                    metric: rank,
                },
                true,
            ),
        ]
    }
}

fn invalid(field: &str) -> ApiError {
    ApiError::invalid_field(field, None)
}

/// Validates one task object.
pub fn parse_request(task: &Map<String, Value>) -> Result<Request, ApiError> {
    if let Some(unknown) = task.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(ApiError::unknown_field(unknown));
    }
    // `null` means "absent".
    let get = |name: &str| task.get(name).filter(|v| !v.is_null());

    let targets_json = get("targets").cloned().ok_or_else(|| invalid("targets"))?;
    let targets = parse_targets(&targets_json).ok_or_else(|| invalid("targets"))?;
    let keys: Vec<String> = targets.iter().map(|t| t.key.clone()).collect();

    let exclude_targets = match get("exclude_targets") {
        None => Vec::new(),
        Some(Value::Array(items)) if items.len() <= MAX_EXCLUDE_TARGETS => items
            .iter()
            .map(|v| v.as_str().and_then(Pattern::parse))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| invalid("exclude_targets"))?,
        Some(_) => return Err(invalid("exclude_targets")),
    };

    let result_lookup = |name: &str| result_field(name, &keys);
    let filters = match get("filters") {
        None => None,
        Some(v) => Some(
            filter::parse(v, &result_lookup)
                .map_err(|d| ApiError::invalid_field("filters", Some(&d)))?,
        ),
    };

    let order_by = match get("order_by") {
        None => Vec::new(),
        Some(Value::Array(rules)) if rules.len() <= MAX_ORDER_RULES => rules
            .iter()
            .map(|r| parse_order_rule(r, &keys))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| invalid("order_by"))?,
        Some(_) => return Err(invalid("order_by")),
    };

    let offset = int_field(get("offset"), "offset", 0, u64::MAX, 0)?;
    let limit = int_field(get("limit"), "limit", 1, MAX_LIMIT, 100)?;
    let internal_list_limit = int_field(
        get("internal_list_limit"),
        "internal_list_limit",
        1,
        MAX_LIMIT,
        10,
    )? as usize;

    let status = match enum_field(
        get("backlinks_status_type"),
        "backlinks_status_type",
        &["live", "all", "lost"],
    )? {
        "all" => StatusType::All,
        "lost" => StatusType::Lost,
        _ => StatusType::Live,
    };

    let backlinks_filters = match get("backlinks_filters") {
        None => None,
        Some(v) => Some(
            filter::parse(v, &record_field)
                .map_err(|d| ApiError::invalid_field("backlinks_filters", Some(&d)))?,
        ),
    };

    let include_subdomains = bool_field(get("include_subdomains"), "include_subdomains", true)?;
    let include_indirect_links = bool_field(
        get("include_indirect_links"),
        "include_indirect_links",
        true,
    )?;
    let exclude_internal_backlinks = bool_field(
        get("exclude_internal_backlinks"),
        "exclude_internal_backlinks",
        true,
    )?;
    let mode = match enum_field(
        get("intersection_mode"),
        "intersection_mode",
        &["all", "partial"],
    )? {
        "partial" => IntersectionMode::Partial,
        _ => IntersectionMode::All,
    };
    let rank_scale = match enum_field(
        get("rank_scale"),
        "rank_scale",
        &["one_thousand", "one_hundred"],
    )? {
        "one_hundred" => RankScale::OneHundred,
        _ => RankScale::OneThousand,
    };
    let tag = match get("tag") {
        None => None,
        Some(Value::String(s)) if s.chars().count() <= MAX_TAG_CHARS => Some(s.clone()),
        Some(_) => return Err(invalid("tag")),
    };

    Ok(Request {
        targets,
        targets_json,
        exclude_targets,
        filters,
        order_by,
        offset,
        limit,
        internal_list_limit,
        status,
        backlinks_filters,
        include_subdomains,
        include_indirect_links,
        exclude_internal_backlinks,
        mode,
        rank_scale,
        tag,
    })
}

/// `{"1": "moz.com", ...}`: 1–20 entries, keys canonical decimals 1–20, values valid patterns.
fn parse_targets(v: &Value) -> Option<Vec<Target>> {
    let obj = v.as_object()?;
    if obj.is_empty() || obj.len() > MAX_TARGETS {
        return None;
    }
    let mut out: Vec<(u32, Target)> = Vec::with_capacity(obj.len());
    for (key, value) in obj {
        let n: u32 = key
            .parse()
            .ok()
            .filter(|n| (1..=MAX_TARGETS as u32).contains(n) && n.to_string() == *key)?;
        let pattern = Pattern::parse(value.as_str()?)?;
        out.push((
            n,
            Target {
                key: key.clone(),
                pattern,
            },
        ));
    }
    out.sort_by_key(|(n, _)| *n);
    Some(out.into_iter().map(|(_, t)| t).collect())
}

fn parse_order_rule(rule: &Value, keys: &[String]) -> Option<(ResultField, bool)> {
    let (name, dir) = rule.as_str()?.split_once(',')?;
    let desc = match dir.trim() {
        "asc" => false,
        "desc" => true,
        _ => return None,
    };
    let (field, _) = result_field(name.trim(), keys)?;
    Some((field, desc))
}

fn int_field(
    v: Option<&Value>,
    name: &str,
    min: u64,
    max: u64,
    default: u64,
) -> Result<u64, ApiError> {
    match v {
        None => Ok(default),
        Some(Value::Number(n)) => n
            .as_u64()
            .filter(|i| (min..=max).contains(i))
            .ok_or_else(|| invalid(name)),
        Some(_) => Err(invalid(name)),
    }
}

fn bool_field(v: Option<&Value>, name: &str, default: bool) -> Result<bool, ApiError> {
    match v {
        None => Ok(default),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(invalid(name)),
    }
}

pub(crate) fn enum_field<'a>(
    v: Option<&'a Value>,
    name: &str,
    allowed: &[&'static str],
) -> Result<&'a str, ApiError> {
    match v {
        None => Ok(allowed[0]),
        Some(Value::String(s)) if allowed.contains(&s.as_str()) => Ok(s),
        Some(_) => Err(invalid(name)),
    }
}
