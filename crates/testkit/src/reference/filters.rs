//! The shape of a filter expression (contract §6): a condition `[field, op, value]`, or a list
//! `[e1, "and"|"or", e2, ...]` of conditions and nested lists, where `and` binds tighter than
//! `or`. What one condition means is in `condition.rs`.

use regex::Regex;
use serde_json::Value;

use super::condition::holds;
use super::fields::Val;

/// One parsed condition; the regex of `regex`/`not_regex` is compiled once.
#[derive(Debug)]
pub(crate) struct Condition {
    pub field: String,
    pub op: String,
    pub value: Value,
    pub regex: Option<Regex>,
}

/// A parsed filter expression in disjunctive form: true when every expression of some group
/// holds. An empty list of groups (the request sent `[]`) filters nothing.
#[derive(Debug)]
pub(crate) enum Expr {
    Condition(Condition),
    AnyOf(Vec<Vec<Expr>>),
}

impl Expr {
    /// Parses a filter the validator accepted. Parts that do not parse (impossible for valid
    /// requests) become conditions that never hold, so a bug shows up as a difference.
    pub fn parse(v: &Value) -> Expr {
        let Some(items) = v.as_array() else {
            return Expr::never();
        };
        if let Some(Value::String(field)) = items.first() {
            let op = items
                .get(1)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let value = items.get(2).cloned().unwrap_or(Value::Null);
            let regex = match (op.as_str(), value.as_str()) {
                ("regex" | "not_regex", Some(p)) => Regex::new(p).ok(),
                _ => None,
            };
            return Expr::Condition(Condition {
                field: field.clone(),
                op,
                value,
                regex,
            });
        }
        let mut groups: Vec<Vec<Expr>> = Vec::new();
        let mut iter = items.iter();
        if let Some(first) = iter.next() {
            groups.push(vec![Expr::parse(first)]);
        }
        while let (Some(joiner), Some(next)) = (iter.next(), iter.next()) {
            let e = Expr::parse(next);
            match joiner.as_str() {
                Some("and") => groups.last_mut().expect("first group").push(e),
                Some("or") => groups.push(vec![e]),
                _ => return Expr::never(),
            }
        }
        Expr::AnyOf(groups)
    }

    fn never() -> Expr {
        Expr::Condition(Condition {
            field: String::new(),
            op: String::new(),
            value: Value::Null,
            regex: None,
        })
    }

    /// Evaluates against the fields `lookup` gives (`Val::Null` for absent ones).
    pub fn eval(&self, lookup: &dyn Fn(&str) -> Val) -> bool {
        match self {
            Expr::Condition(c) => holds(c, &lookup(&c.field)),
            Expr::AnyOf(groups) if groups.is_empty() => true,
            Expr::AnyOf(groups) => groups.iter().any(|g| g.iter().all(|e| e.eval(lookup))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn eval(filter: Value, a: f64, b: f64, c: f64) -> bool {
        let lookup = move |f: &str| match f {
            "a" => Val::Num(a),
            "b" => Val::Num(b),
            "c" => Val::Num(c),
            _ => Val::Null,
        };
        Expr::parse(&filter).eval(&lookup)
    }

    #[test]
    fn and_binds_tighter_than_or() {
        // a=1 or b=1 and c=1  ==  a=1 or (b=1 and c=1)
        let f = json!([["a", "=", 1], "or", ["b", "=", 1], "and", ["c", "=", 1]]);
        assert!(eval(f.clone(), 1.0, 0.0, 0.0));
        assert!(!eval(f.clone(), 0.0, 1.0, 0.0));
        assert!(eval(f, 0.0, 1.0, 1.0));
        // a=1 and b=1 or c=1  ==  (a=1 and b=1) or c=1
        let g = json!([["a", "=", 1], "and", ["b", "=", 1], "or", ["c", "=", 1]]);
        assert!(eval(g.clone(), 0.0, 0.0, 1.0));
        assert!(!eval(g, 1.0, 0.0, 0.0));
    }

    #[test]
    fn bare_conditions_nesting_and_empty_lists() {
        assert!(eval(json!(["a", ">", 0]), 1.0, 0.0, 0.0));
        let nested = json!([["a", "=", 1], "and", [["b", "=", 1], "or", ["c", "=", 1]]]);
        assert!(eval(nested.clone(), 1.0, 0.0, 1.0));
        assert!(!eval(nested, 1.0, 0.0, 0.0));
        assert!(eval(json!([]), 0.0, 0.0, 0.0));
        assert!(
            !eval(json!(["zzz", "<>", 1]), 0.0, 0.0, 0.0),
            "absent field"
        );
    }
}
