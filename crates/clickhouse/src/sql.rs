//! A validated request compiled to one SQL statement that computes the whole answer (contract
//! §4–§9) in ClickHouse, in the subset of SQL that 18.16 and current releases share (no Map
//! type, no window functions, no query parameters: every value is an escaped literal).
//!
//! The statement has four levels:
//! 1. per referring host D (`GROUP BY domain_from`) over the records of the targets' ranges
//!    (from 3 targets on, only of the hosts a light first pass found feeding enough targets
//!    and no exclude target):
//!    for each target slot `i` the aggregates of the records feeding it (flag `f{i}`), the
//!    exclude count, `intersections_count`; `HAVING` keeps qualifying hosts that pass `filters`.
//!    On a cluster this level runs whole on each shard (a host's records live on one shard).
//! 2. the order of §7 (nulls and missing targets last, then D);
//! 3. the row number of each host in that order;
//! 4. `total_count` and the rows of the requested page, in one result row.

use linkdex_model::{exact_glob_host, registrable_domain, Pattern};
use linkdex_query::{
    BulkRanksRequest, Cond, Expr, RankScale, RecordField, Request, ResultField, StatusType, Test,
    RECORD_FIELDS, TARGET_METRICS,
};
use linkdex_store::host_order_key;

use crate::literal::{float, glob_regex, string, string_array};
use crate::schema::COLUMNS;

/// The columns of one target slot in a result row, in this order (see `backend::decode`).
pub(crate) const SLOT_COLUMNS: &[&str] = &[
    "n",
    "rank",
    "backlinks",
    "first_seen",
    "lost",
    "score",
    "broken_backlinks",
    "broken_pages",
    "nofollow",
    "ips",
    "subnets",
    "pages",
    "pages_nofollow",
    "tld",
    "types",
    "attributes",
    "platform_types",
    "semantic_locations",
    "countries",
];

/// The SQL of `req` (ending in `FORMAT JSONCompact`: one row `[total_count, rows]`).
/// The same statement serves one node and a cluster; only the settings differ
/// ([`crate::schema::Layout::read_settings`]).
pub fn compile(req: &Request) -> String {
    let mut with = Vec::new();
    for (i, t) in req.targets.iter().enumerate() {
        with.push(format!("({}) AS f{i}", feeds(&t.pattern, req)));
    }
    if !req.exclude_targets.is_empty() {
        let any: Vec<String> = req
            .exclude_targets
            .iter()
            .map(|p| format!("({})", feeds(p, req)))
            .collect();
        with.push(format!("({}) AS fx", any.join(" OR ")));
    }

    let mut select = vec!["domain_from AS D".to_string()];
    for i in 0..req.targets.len() {
        select.extend(slot_aggregates(i, req));
    }
    let present: Vec<String> = (0..req.targets.len())
        .map(|i| format!("(t{i}_n > 0)"))
        .collect();
    select.push(format!("toUInt64({}) AS ic", present.join(" + ")));

    let mut having = vec![format!("ic >= {}", req.threshold())];
    if !req.exclude_targets.is_empty() {
        having.push("countIf(fx) = 0".into());
    }
    if let Some(f) = &req.filters {
        having.push(expr(f, &|field| result_value(field)));
    }

    let mut ranges: Vec<String> = req.targets.iter().map(|t| range(&t.pattern, req)).collect();
    ranges.extend(req.exclude_targets.iter().map(|p| range(p, req)));
    let mut filter = vec![format!("({})", ranges.join(" OR "))];
    filter.extend(common(req));
    if req.targets.len() >= PREFILTER_TARGETS {
        // A light first pass: the hosts that feed enough targets and no exclude target. The
        // per-slot aggregates (the memory and time of level 1, growing with the slots) are then
        // built for them only. With fewer targets the second scan costs more than it saves.
        let flags: Vec<String> = (0..req.targets.len())
            .map(|i| format!("max(f{i})"))
            .collect();
        let mut qualify = vec![format!("{} >= {}", flags.join(" + "), req.threshold())];
        if !req.exclude_targets.is_empty() {
            qualify.push("max(fx) = 0".into());
        }
        filter.push(format!(
            "domain_from IN (\n  WITH {}\n  SELECT domain_from FROM links FINAL\n  WHERE {}\n  GROUP BY domain_from\n  HAVING {})",
            with.join(",\n       "),
            filter.join("\n    AND "),
            qualify.join(" AND ")
        ));
    }

    let level1 = format!(
        "WITH {}\nSELECT {}\nFROM links FINAL\nWHERE {}\nGROUP BY domain_from\nHAVING {}",
        with.join(",\n     "),
        select.join(",\n       "),
        filter.join("\n  AND "),
        having.join("\n   AND ")
    );

    let mut order: Vec<String> = Vec::new();
    for (field, desc) in req.sort_rules() {
        let (value, null) = order_value(field);
        // (A bare constant would be a column position on current releases.)
        if let Some(null) = null {
            order.push(format!("{null} ASC"));
        }
        order.push(format!("{value} {}", if desc { "DESC" } else { "ASC" }));
    }
    order.push("D ASC".into());

    // One tuple per target slot inside the row: a tuple has at most 255 elements on 18.16.
    let mut row = vec!["rn".to_string(), "D".into(), "ic".into()];
    let mut finished: Vec<String> = (1..=3).map(|k| format!("tupleElement(r, {k})")).collect();
    for i in 0..req.targets.len() {
        let slot: Vec<String> = SLOT_COLUMNS.iter().map(|c| format!("t{i}_{c}")).collect();
        row.push(format!("({})", slot.join(", ")));
        // Level 5: the count maps are finished (counted, sorted, cut) for the page's rows only.
        let elements: Vec<String> = SLOT_COLUMNS
            .iter()
            .enumerate()
            .map(|(j, _)| {
                let element = format!("tupleElement(tupleElement(r, {}), {})", 4 + i, j + 1);
                if j >= FIRST_MAP {
                    count_map(&element, req.internal_list_limit)
                } else {
                    element
                }
            })
            .collect();
        finished.push(format!("({})", elements.join(", ")));
    }
    let (start, end) = (req.offset, req.offset.saturating_add(req.limit));
    format!(
        "SELECT any(total), groupArrayIf(({}), length(rows) > 0)\n\
         FROM (\n\
         SELECT count() AS total, groupArrayIf(({}), rn >= {start} AND rn < {end}) AS rows\n\
         FROM (SELECT *, rowNumberInAllBlocks() AS rn FROM (\n\
         SELECT * FROM (\n{level1}\n) ORDER BY {}\n))\n\
         ) LEFT ARRAY JOIN rows AS r\nFORMAT JSONCompact",
        finished.join(", "),
        row.join(", "),
        order.join(", ")
    )
}

/// From this many targets on, a first pass selects the qualifying hosts (measured at 10M on
/// 18.16: 2-target requests ran 1.2–2.7× slower with it, 5- and 20-target requests only
/// finish with it).
const PREFILTER_TARGETS: usize = 3;

/// The slot columns from this one on hold (value, page) pairs until level 5 makes them count
/// maps.
const FIRST_MAP: usize = 13;

/// The aggregates of target slot `i` over the records with flag `f{i}`.
fn slot_aggregates(i: usize, req: &Request) -> Vec<String> {
    let f = format!("f{i}");
    let rank1000 = format!(
        "if(t{i}_mass <= 0, 0, least(greatest(floor(1000 + 100 * log10(t{i}_mass) + 0.5), 0), 1000))"
    );
    let rank = match req.rank_scale {
        RankScale::OneThousand => format!("toUInt64({rank1000})"),
        RankScale::OneHundred => format!("toUInt64(floor(sin(({rank1000}) / 636.62) * 100 + 0.5))"),
    };
    let pairs = |key: &str, cond: &str| format!("groupUniqArrayIf(({key}, url_from), {f}{cond})");
    // 18.16 lambdas cannot capture a table column: the page goes in as a second array.
    let array_pairs = |array: &str| {
        format!(
            "groupUniqArrayArrayIf(arrayMap((a, p) -> (a, p), {array}, arrayResize(emptyArrayString(), length({array}), url_from)), {f})"
        )
    };
    let maps = [
        ("tld", pairs("tld_from", "")),
        ("types", pairs("item_type", "")),
        ("attributes", array_pairs("attributes")),
        (
            "platform_types",
            array_pairs(
                "if(empty(domain_from_platform_type), ['unknown'], domain_from_platform_type)",
            ),
        ),
        (
            "semantic_locations",
            pairs("ifNull(semantic_location, '')", ""),
        ),
        (
            "countries",
            pairs(
                "assumeNotNull(domain_from_country)",
                " AND isNotNull(domain_from_country)",
            ),
        ),
    ];
    let mut out = vec![
        format!("countIf({f}) AS t{i}_n"),
        format!("sumIf(links_count, {f}) AS t{i}_backlinks"),
        format!("minIf(first_seen, {f}) AS t{i}_first_seen"),
        // (NULL also without records: releases disagree on maxIf over no rows.)
        format!("if(t{i}_n = 0 OR countIf({f} AND is_lost = 0) > 0, NULL, maxIf(lost_date, {f} AND is_lost = 1)) AS t{i}_lost"),
        format!("intDiv(2 * sumIf(backlink_spam_score, {f}) + t{i}_n, 2 * greatest(t{i}_n, 1)) AS t{i}_score"),
        format!("sumIf(links_count, {f} AND is_broken = 1) AS t{i}_broken_backlinks"),
        format!("uniqExactIf(url_to, {f} AND is_broken = 1) AS t{i}_broken_pages"),
        format!("toUInt64(countIf({f} AND dofollow = 1) = 0) AS t{i}_nofollow"),
        format!("uniqExactIf(assumeNotNull(domain_from_ip), {f} AND isNotNull(domain_from_ip)) AS t{i}_ips"),
        format!("uniqExactIf(domain_from_subnet, {f} AND domain_from_subnet != '') AS t{i}_subnets"),
        format!("uniqExactIf(url_from, {f}) AS t{i}_pages"),
        format!("t{i}_pages - uniqExactIf(url_from, {f} AND dofollow = 1) AS t{i}_pages_nofollow"),
        format!(
            "sumIf(if(rank = 0, 0, pow(10, (toFloat64(rank) - 1000) / 100)), {f} AND dofollow = 1 AND is_broken = 0) AS t{i}_mass"
        ),
        format!("{rank} AS t{i}_rank"),
    ];
    for (name, raw) in maps {
        out.push(format!("{raw} AS t{i}_{name}"));
    }
    out
}

/// `value -> distinct pages` from an array of distinct (value, page) pairs: ordered by count
/// descending then value, cut to the list limit.
fn count_map(pairs: &str, limit: usize) -> String {
    let keys = format!("arrayMap(p -> p.1, {pairs})");
    format!(
        "arraySlice(arraySort(x -> (-x.2, x.1), arrayMap(k -> (k, toUInt64(countEqual({keys}, k))), arrayDistinct({keys}))), 1, {limit})"
    )
}

/// Rules 1 and 4 of §4 for one pattern (rules 2, 3 and 5 are common, see [`common`]).
fn feeds(pattern: &Pattern, req: &Request) -> String {
    let rule1 = match pattern {
        Pattern::Domain(_) | Pattern::Page { .. } => range(pattern, req),
        Pattern::Wildcard { glob, .. } => {
            let parts: Vec<&str> = glob.split('*').collect();
            format!("match(url_to, {})", string(&glob_regex(&parts)))
        }
    };
    if req.exclude_internal_backlinks {
        let own = registrable_domain(pattern.host());
        format!("{rule1} AND domain_from_reg != {}", string(own))
    } else {
        rule1
    }
}

/// The sort-key range of the records a pattern can match (exact for domains and pages).
fn range(pattern: &Pattern, req: &Request) -> String {
    match pattern {
        Pattern::Domain(p) => {
            let key = host_order_key(p);
            if req.include_subdomains {
                format!(
                    "(target_key = {} OR (target_key >= {} AND target_key < {}))",
                    string(&key),
                    string(&format!("{key}.")),
                    string(&format!("{key}/"))
                )
            } else {
                format!(
                    "target_key IN ({}, {})",
                    string(&key),
                    string(&format!("{key}.www"))
                )
            }
        }
        Pattern::Page { url, host } => format!(
            "(target_key = {} AND url_to = {})",
            string(&host_order_key(host)),
            string(url)
        ),
        Pattern::Wildcard { glob, .. } => match exact_glob_host(glob) {
            Some(host) => format!("target_key = {}", string(&host_order_key(host))),
            None => "1".into(),
        },
    }
}

/// Rules 2, 3 and 5: the same for every target and exclude target.
fn common(req: &Request) -> Vec<String> {
    let mut out = Vec::new();
    match req.status {
        StatusType::Live => out.push("is_lost = 0".to_string()),
        StatusType::Lost => out.push("is_lost = 1".to_string()),
        StatusType::All => {}
    }
    if !req.include_indirect_links {
        out.push("is_indirect_link = 0".into());
    }
    if let Some(f) = &req.backlinks_filters {
        out.push(expr(f, &record_value));
    }
    out
}

/// A value in SQL: its expression, not null where `guard` holds.
struct Value {
    sql: String,
    guard: Option<String>,
}

fn record_value(field: RecordField) -> Value {
    let name = RECORD_FIELDS[field.0].0;
    let nullable = COLUMNS
        .iter()
        .any(|(c, t)| *c == name && t.starts_with("Nullable"));
    if nullable {
        Value {
            sql: format!("assumeNotNull({name})"),
            guard: Some(format!("isNotNull({name})")),
        }
    } else {
        Value {
            sql: name.to_string(),
            guard: None,
        }
    }
}

/// A result field at level 1: `None` where the host has no key for the target (§6).
fn result_value(field: ResultField) -> Value {
    match field {
        ResultField::IntersectionsCount => Value {
            sql: "ic".into(),
            guard: None,
        },
        ResultField::Metric { slot, metric } => {
            let name = TARGET_METRICS[metric].0;
            let present = format!("t{slot}_n > 0");
            let (sql, guard) = match name {
                "target" => ("D".to_string(), present),
                "lost_date" => (
                    format!("assumeNotNull(t{slot}_lost)"),
                    format!("{present} AND isNotNull(t{slot}_lost)"),
                ),
                "referring_domains" | "referring_main_domains" => ("1".into(), present),
                "referring_domains_nofollow" | "referring_main_domains_nofollow" => {
                    (format!("t{slot}_nofollow"), present)
                }
                other => (format!("t{slot}_{}", metric_column(other)), present),
            };
            Value {
                sql,
                guard: Some(guard),
            }
        }
    }
}

/// The level-1 column of a numeric or time metric.
fn metric_column(metric: &str) -> &str {
    match metric {
        "backlinks_spam_score" => "score",
        "referring_ips" => "ips",
        "referring_subnets" => "subnets",
        "referring_pages" => "pages",
        "referring_pages_nofollow" => "pages_nofollow",
        other => other,
    }
}

/// Sort key of a rule: (value, is-null flag) over the level-1 columns. Where the value is null
/// or the target missing, the value is a constant, so such rows tie on this rule (§7).
fn order_value(field: ResultField) -> (String, Option<String>) {
    let v = result_value(field);
    match v.guard {
        Some(g) => {
            let blank = if v.sql == "D" { "''" } else { "0" };
            (
                format!("if({g}, {}, {blank})", v.sql),
                Some(format!("NOT ({g})")),
            )
        }
        None => (v.sql, None),
    }
}

fn expr<F: Copy>(e: &Expr<F>, value: &dyn Fn(F) -> Value) -> String {
    match e {
        Expr::Cond(c) => cond(c, value),
        Expr::Or(disjuncts) => {
            let parts: Vec<String> = disjuncts
                .iter()
                .map(|conj| {
                    let all: Vec<String> = conj.iter().map(|e| expr(e, value)).collect();
                    format!("({})", all.join(" AND "))
                })
                .collect();
            format!("({})", parts.join(" OR "))
        }
    }
}

/// One condition: false on a null value or a missing target, whatever the operator.
fn cond<F: Copy>(c: &Cond<F>, value: &dyn Fn(F) -> Value) -> String {
    let v = value(c.field);
    let test = test(&c.test, &v);
    match v.guard {
        Some(g) => format!("({g} AND {test})"),
        None => format!("({test})"),
    }
}

fn negate(neg: bool, sql: String) -> String {
    if neg {
        format!("NOT ({sql})")
    } else {
        sql
    }
}

fn test(t: &Test, v: &Value) -> String {
    let x = &v.sql;
    match t {
        Test::Num(op, b) => format!("toFloat64({x}) {} {}", op.sql(), float(*b)),
        Test::NumIn(neg, list) if list.is_empty() => u8::from(*neg).to_string(),
        Test::NumIn(neg, list) => {
            let items: Vec<String> = list.iter().map(|f| float(*f)).collect();
            let op = if *neg { "NOT IN" } else { "IN" };
            format!("toFloat64({x}) {op} ({})", items.join(", "))
        }
        Test::Time(op, t) => format!("{x} {} {t}", op.sql()),
        Test::Bool(neg, b) => {
            let op = if *neg { "!=" } else { "=" };
            format!("{x} {op} {}", u8::from(*b))
        }
        Test::StrEq(neg, s) => {
            let op = if *neg { "!=" } else { "=" };
            format!("{x} {op} {}", string(s))
        }
        Test::StrIn(neg, list) if list.is_empty() => u8::from(*neg).to_string(),
        Test::StrIn(neg, list) => {
            let items: Vec<String> = list.iter().map(|s| string(s)).collect();
            let op = if *neg { "NOT IN" } else { "IN" };
            format!("{x} {op} ({})", items.join(", "))
        }
        Test::Like {
            negate: neg,
            fold_case,
            parts,
        } => {
            let text = if *fold_case {
                format!("lower({x})")
            } else {
                x.clone()
            };
            let hit = match parts.as_slice() {
                [only] => format!("{text} = {}", string(only)),
                _ => format!("match({text}, {})", string(&glob_regex(parts))),
            };
            negate(*neg, hit)
        }
        // In a group: ClickHouse 18.16 prefilters a regex by a literal it must contain, taken
        // outside groups without its inline flags, so `(?i)XROXY` missed `xroxy`.
        Test::Regex(neg, re) => {
            let grouped = format!("(?:{})", re.as_str());
            negate(*neg, format!("match({x}, {})", string(&grouped)))
        }
        Test::Match(neg, words) if words.is_empty() => u8::from(!*neg).to_string(),
        Test::Match(neg, words) => negate(
            *neg,
            format!(
                "hasAll(extractAll(lowerUTF8({x}), '[\\\\pL\\\\pN]+'), {})",
                string_array(words)
            ),
        ),
        Test::Has(neg, s) => negate(*neg, format!("has({x}, {})", string(s))),
        Test::ListEq(neg, want) if want.is_empty() => negate(*neg, format!("empty({x})")),
        Test::ListEq(neg, want) => {
            let w = string_array(want);
            negate(*neg, format!("(hasAll({x}, {w}) AND hasAll({w}, {x}))"))
        }
    }
}

/// The SQL of a bulk_ranks request: one row `[mass of target 0, mass of target 1, ...]`.
/// A domain is fed by live, dofollow, unbroken records to it or its subdomains from hosts
/// outside it; a page by those records to exactly that page.
pub fn compile_bulk_ranks(req: &BulkRanksRequest) -> String {
    let mass = "if(rank = 0, 0, pow(10, (toFloat64(rank) - 1000) / 100))";
    let mut sums = Vec::new();
    let mut outer = Vec::new();
    let mut ranges = Vec::new();
    for (i, (_, pattern)) in req.targets.iter().enumerate() {
        let (range, feeds) = match pattern {
            Pattern::Domain(host) => {
                let key = host_order_key(host);
                let range = format!(
                    "(target_key = {} OR (target_key >= {} AND target_key < {}))",
                    string(&key),
                    string(&format!("{key}.")),
                    string(&format!("{key}/"))
                );
                let outside = format!(
                    "NOT (domain_from = {} OR endsWith(domain_from, {}))",
                    string(host),
                    string(&format!(".{host}"))
                );
                (range.clone(), format!("{range} AND {outside}"))
            }
            // bulk_ranks refuses wildcards at validation; a glob would match no url_to exactly.
            Pattern::Page { url, host } | Pattern::Wildcard { glob: url, host } => {
                let range = format!(
                    "(target_key = {} AND url_to = {})",
                    string(&host_order_key(host)),
                    string(url)
                );
                (range.clone(), range)
            }
        };
        sums.push(format!("sumIf({mass}, {feeds}) AS m{i}"));
        outer.push(format!("sum(m{i})"));
        ranges.push(range);
    }
    format!(
        "SELECT {}\nFROM (SELECT {}\nFROM links FINAL\nWHERE ({}) AND is_lost = 0 AND dofollow = 1 AND is_broken = 0)\nFORMAT JSONCompact",
        outer.join(", "),
        sums.join(",\n       "),
        ranges.join(" OR ")
    )
}

trait OpSql {
    fn sql(&self) -> &'static str;
}

impl OpSql for linkdex_query::NumOp {
    fn sql(&self) -> &'static str {
        use linkdex_query::NumOp::*;
        match self {
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            Eq => "=",
            Ne => "!=",
        }
    }
}
