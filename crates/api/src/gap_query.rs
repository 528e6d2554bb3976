//! The Link Gap query as it travels in a URL, turned into a domain_intersection task.
//!
//! `?t=a.com&t=b.com&x=mine.com&mode=partial&status=all&dofollow=1&subdomains=0`
//! `&f=1.rank,>=,100&sort=2.backlinks,desc&offset=50&limit=50`
//!
//! | param | task field |
//! |---|---|
//! | `t` (repeated, in order) | `targets` keyed `"1"`, `"2"`, … |
//! | `x` (repeated) | `exclude_targets` |
//! | `mode` | `intersection_mode` (default `all`) |
//! | `status` | `backlinks_status_type` (default `live`) |
//! | `dofollow=1` | `backlinks_filters: ["dofollow","=",true]` |
//! | `subdomains=0` | `include_subdomains: false` |
//! | `f` (repeated) `field,op,value` | `filters`, joined with `and` |
//! | `sort` (repeated) `field,dir` | `order_by` |
//! | `offset`, `limit` | `offset`, `limit` |
//!
//! Nothing is validated here: a bad value is passed on as sent, so the request validator of
//! linkdex-query names it exactly as the API would. The page's script (`assets/linkgap.js`,
//! `toTask`) builds the same task from the same URL; the browser test checks that the table
//! (built by the script) and the CSV export (built from this) agree with the API.

use linkdex_query::{FieldType, TARGET_METRICS};
use serde_json::{json, Map, Value};

use crate::transport::Task;

/// The task a Link Gap URL stands for. Parameters it does not know are ignored.
pub(crate) fn task_from_query(query: &str) -> Task {
    let mut targets = Map::new();
    let mut excludes = Vec::new();
    let mut filters = Vec::new();
    let mut order_by = Vec::new();
    let mut task = Map::new();
    let mut scalars: Vec<(&str, Value)> = Vec::new();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let value = value.trim().to_string();
        match &*name {
            "t" if !value.is_empty() => {
                targets.insert((targets.len() + 1).to_string(), value.into());
            }
            "x" if !value.is_empty() => excludes.push(Value::from(value)),
            "f" if !value.is_empty() => filters.push(condition(&value)),
            "sort" if !value.is_empty() => order_by.push(Value::from(value)),
            "mode" => scalars.push(("intersection_mode", value.into())),
            "status" => scalars.push(("backlinks_status_type", value.into())),
            "dofollow" if value == "1" => {
                scalars.push(("backlinks_filters", json!(["dofollow", "=", true])))
            }
            "subdomains" if value == "0" => scalars.push(("include_subdomains", false.into())),
            "offset" => scalars.push(("offset", integer(value))),
            "limit" => scalars.push(("limit", integer(value))),
            _ => {}
        }
    }
    // An empty `targets` is sent as such so that validation reports it (40501 'targets').
    task.insert("targets".into(), Value::Object(targets));
    if !excludes.is_empty() {
        task.insert("exclude_targets".into(), Value::Array(excludes));
    }
    match filters.len() {
        0 => {}
        1 => {
            task.insert("filters".into(), filters.remove(0));
        }
        _ => {
            let mut joined = Vec::with_capacity(filters.len() * 2 - 1);
            for (i, c) in filters.into_iter().enumerate() {
                if i > 0 {
                    joined.push(Value::from("and"));
                }
                joined.push(c);
            }
            task.insert("filters".into(), Value::Array(joined));
        }
    }
    if !order_by.is_empty() {
        task.insert("order_by".into(), Value::Array(order_by));
    }
    for (field, value) in scalars {
        task.insert(field.into(), value);
    }
    task
}

/// `field,op,value` → `[field, op, value]`; the value is split only at the first two commas,
/// so a `like` pattern may hold commas. Numbers become JSON numbers for numeric fields, and
/// `in`/`not_in` values are `|`-separated lists.
fn condition(text: &str) -> Value {
    let mut parts = text.splitn(3, ',');
    let field = parts.next().unwrap_or("").trim();
    let op = parts.next().unwrap_or("").trim();
    let raw = parts.next().unwrap_or("").trim();
    let numeric = field_type(field) == Some(FieldType::Num);
    let typed = |s: &str| {
        if numeric {
            number(s)
        } else {
            Value::from(s)
        }
    };
    let value = if op == "in" || op == "not_in" {
        Value::Array(raw.split('|').map(|s| typed(s.trim())).collect())
    } else {
        typed(raw)
    };
    json!([field, op, value])
}

fn field_type(field: &str) -> Option<FieldType> {
    if field == "intersections_count" {
        return Some(FieldType::Num);
    }
    let (_, metric) = field.split_once('.')?;
    TARGET_METRICS
        .iter()
        .find(|(name, _)| *name == metric)
        .map(|(_, t)| *t)
}

/// A JSON number when the text is one, else the text (which validation then refuses).
fn number(s: &str) -> Value {
    if let Ok(i) = s.parse::<i64>() {
        return i.into();
    }
    match s.parse::<f64>() {
        Ok(f) if f.is_finite() => f.into(),
        _ => s.into(),
    }
}

fn integer(s: String) -> Value {
    s.parse::<u64>().map_or(Value::String(s), Value::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(q: &str) -> Value {
        Value::Object(task_from_query(q))
    }

    #[test]
    fn full_query_maps_every_parameter() {
        let q = "t=moz.com&t=+ahrefs.com+&t=&x=semrush.com&mode=partial&status=all&dofollow=1\
                 &subdomains=0&f=1.rank%2C%3E%3D%2C100&f=2.target,ilike,%25blog%2C%25\
                 &sort=2.backlinks%2Cdesc&offset=50&limit=25&unknown=1";
        assert_eq!(
            task(q),
            json!({
                "targets": {"1": "moz.com", "2": "ahrefs.com"},
                "exclude_targets": ["semrush.com"],
                "filters": [["1.rank", ">=", 100], "and", ["2.target", "ilike", "%blog,%"]],
                "order_by": ["2.backlinks,desc"],
                "intersection_mode": "partial",
                "backlinks_status_type": "all",
                "backlinks_filters": ["dofollow", "=", true],
                "include_subdomains": false,
                "offset": 50,
                "limit": 25,
            })
        );
    }

    #[test]
    fn defaults_are_left_to_the_api() {
        assert_eq!(task("t=a.com"), json!({"targets": {"1": "a.com"}}));
        assert_eq!(task(""), json!({"targets": {}}));
        assert_eq!(task("t=a.com&dofollow=0&subdomains=1"), task("t=a.com"));
    }

    #[test]
    fn values_that_are_not_numbers_reach_the_validator_as_sent() {
        assert_eq!(
            task("t=a.com&limit=ten&f=intersections_count,in,2|3&f=1.rank,>,x"),
            json!({"targets": {"1": "a.com"},
                   "filters": [["intersections_count", "in", [2, 3]], "and", ["1.rank", ">", "x"]],
                   "limit": "ten"})
        );
        assert_eq!(
            task("t=a.com&f=1.first_seen,>,2020-01-01+00:00:00+%2B00:00")["filters"],
            json!(["1.first_seen", ">", "2020-01-01 00:00:00 +00:00"])
        );
    }
}
