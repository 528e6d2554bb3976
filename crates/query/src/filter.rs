//! The filter language (contract §6): parsing with size and depth limits, and evaluation.
//!
//! `[field, op, value]` is a condition; `[item, "and"|"or", item, ...]` a list of conditions
//! or nested lists. `and` binds tighter than `or`, so a list parses into a disjunction of
//! conjunctions.

use regex::Regex;
use serde_json::Value;

use crate::fields::{FieldType, FieldValue};

pub const MAX_CONDITIONS: usize = 8;
pub const MAX_DEPTH: usize = 4;
const MAX_REGEX_LEN: usize = 1000;

#[derive(Debug, Clone)]
pub enum Expr<F> {
    Cond(Cond<F>),
    /// Any of the conjunctions holds.
    Or(Vec<Vec<Expr<F>>>),
}

#[derive(Debug, Clone)]
pub struct Cond<F> {
    pub field: F,
    pub test: Test,
}

/// An operator with its parsed operand.
#[derive(Debug, Clone)]
pub enum Test {
    Num(NumOp, f64),
    NumIn(bool, Vec<f64>),
    StrEq(bool, String),
    StrIn(bool, Vec<String>),
    Like {
        negate: bool,
        fold_case: bool,
        parts: Vec<String>,
    },
    Regex(bool, Regex),
    Match(bool, Vec<String>),
    Time(NumOp, i64),
    Bool(bool, bool),
    Has(bool, String),
    ListEq(bool, Vec<String>),
}

#[derive(Debug, Clone, Copy)]
pub enum NumOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl NumOp {
    fn parse(op: &str) -> Option<NumOp> {
        Some(match op {
            "<" => NumOp::Lt,
            "<=" => NumOp::Le,
            ">" => NumOp::Gt,
            ">=" => NumOp::Ge,
            "=" => NumOp::Eq,
            "<>" => NumOp::Ne,
            _ => return None,
        })
    }

    fn holds<T: PartialOrd>(self, a: T, b: T) -> bool {
        match self {
            NumOp::Lt => a < b,
            NumOp::Le => a <= b,
            NumOp::Gt => a > b,
            NumOp::Ge => a >= b,
            NumOp::Eq => a == b,
            NumOp::Ne => a != b,
        }
    }
}

/// Parses a filter expression; `lookup` resolves field names. The error is the detail that
/// follows `Invalid Field: '<name>'.`
pub fn parse<F: Copy>(
    value: &Value,
    lookup: &dyn Fn(&str) -> Option<(F, FieldType)>,
) -> Result<Expr<F>, String> {
    let mut count = 0;
    let expr = parse_item(value, lookup, 1, &mut count)?;
    Ok(expr)
}

fn is_condition(items: &[Value]) -> bool {
    items.first().is_some_and(Value::is_string)
}

fn parse_item<F: Copy>(
    value: &Value,
    lookup: &dyn Fn(&str) -> Option<(F, FieldType)>,
    depth: usize,
    count: &mut usize,
) -> Result<Expr<F>, String> {
    let Value::Array(items) = value else {
        return Err("Expected a condition [field, operator, value] or a list of them.".into());
    };
    if is_condition(items) {
        *count += 1;
        if *count > MAX_CONDITIONS {
            return Err(format!("Too many conditions (at most {MAX_CONDITIONS})."));
        }
        return parse_condition(items, lookup).map(Expr::Cond);
    }
    if depth > MAX_DEPTH {
        return Err(format!(
            "Filters nested too deep (at most {MAX_DEPTH} levels)."
        ));
    }
    if items.is_empty() || items.len() % 2 == 0 {
        return Err("A list of conditions must alternate conditions and 'and'/'or'.".into());
    }
    let mut disjuncts: Vec<Vec<Expr<F>>> = vec![Vec::new()];
    for (i, item) in items.iter().enumerate() {
        if i % 2 == 1 {
            match item.as_str() {
                Some("and") => {}
                Some("or") => disjuncts.push(Vec::new()),
                _ => return Err(format!("Expected 'and' or 'or', got {item}.")),
            }
        } else {
            let sub = parse_item(item, lookup, depth + 1, count)?;
            disjuncts.last_mut().expect("starts non-empty").push(sub);
        }
    }
    Ok(Expr::Or(disjuncts))
}

fn parse_condition<F: Copy>(
    items: &[Value],
    lookup: &dyn Fn(&str) -> Option<(F, FieldType)>,
) -> Result<Cond<F>, String> {
    if items.len() != 3 {
        return Err("A condition is [field, operator, value].".into());
    }
    let name = items[0].as_str().unwrap_or_default();
    let (field, ty) = lookup(name).ok_or_else(|| format!("Unknown field '{name}'."))?;
    let op = items[1]
        .as_str()
        .ok_or_else(|| format!("Operator for '{name}' must be a string."))?;
    let v = &items[2];
    let bad_op = || {
        format!(
            "Operator '{op}' is not valid for {} field '{name}'.",
            ty.name()
        )
    };
    let bad_value = |what: &str| format!("Value for '{name}' must be {what}.");
    let test = match ty {
        FieldType::Num => match op {
            "in" | "not_in" => {
                let list = v
                    .as_array()
                    .ok_or_else(|| bad_value("an array of numbers"))?;
                let nums = list
                    .iter()
                    .map(as_number)
                    .collect::<Option<Vec<f64>>>()
                    .ok_or_else(|| bad_value("an array of numbers"))?;
                Test::NumIn(op == "not_in", nums)
            }
            _ => Test::Num(
                NumOp::parse(op).ok_or_else(bad_op)?,
                as_number(v).ok_or_else(|| bad_value("a number"))?,
            ),
        },
        FieldType::Time => {
            let t = v
                .as_str()
                .and_then(linkdex_model::parse_time)
                .ok_or_else(|| bad_value("a time \"yyyy-mm-dd hh:mm:ss +00:00\""))?;
            Test::Time(NumOp::parse(op).ok_or_else(bad_op)?, t)
        }
        FieldType::Bool => {
            let b = v.as_bool().ok_or_else(|| bad_value("true or false"))?;
            match op {
                "=" => Test::Bool(false, b),
                "<>" => Test::Bool(true, b),
                _ => return Err(bad_op()),
            }
        }
        FieldType::StrArray => match op {
            "has" | "has_not" => Test::Has(
                op == "has_not",
                v.as_str().ok_or_else(|| bad_value("a string"))?.to_string(),
            ),
            "=" | "<>" => {
                let mut list = str_list(v).ok_or_else(|| bad_value("an array of strings"))?;
                list.sort();
                list.dedup();
                Test::ListEq(op == "<>", list)
            }
            _ => return Err(bad_op()),
        },
        FieldType::Str => {
            if matches!(op, "in" | "not_in") {
                Test::StrIn(
                    op == "not_in",
                    str_list(v).ok_or_else(|| bad_value("an array of strings"))?,
                )
            } else {
                let s = v.as_str().ok_or_else(|| bad_value("a string"))?;
                match op {
                    "=" | "<>" => Test::StrEq(op == "<>", s.to_string()),
                    "like" | "not_like" | "ilike" | "not_ilike" => {
                        let fold_case = op.contains("ilike");
                        let text = if fold_case {
                            s.to_ascii_lowercase()
                        } else {
                            s.to_string()
                        };
                        Test::Like {
                            negate: op.starts_with("not_"),
                            fold_case,
                            parts: text.split('%').map(str::to_string).collect(),
                        }
                    }
                    "regex" | "not_regex" => {
                        if s.chars().count() > MAX_REGEX_LEN {
                            return Err(format!(
                                "Regex for '{name}' is longer than {MAX_REGEX_LEN} characters."
                            ));
                        }
                        let re = regex::RegexBuilder::new(s)
                            .size_limit(1 << 20)
                            .build()
                            .map_err(|_| format!("Regex for '{name}' does not compile."))?;
                        Test::Regex(op == "not_regex", re)
                    }
                    "match" | "not_match" => Test::Match(op == "not_match", words(s)),
                    _ => return Err(bad_op()),
                }
            }
        }
    };
    Ok(Cond { field, test })
}

fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()),
        _ => None,
    }
}

fn str_list(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|x| x.as_str().map(str::to_string))
        .collect()
}

/// Maximal runs of alphanumeric characters, lowercased: the words `match` compares.
pub fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// `%` matches any run of characters; everything else is literal; the whole text must match.
/// `parts` is the pattern split at `%`.
fn like_matches(parts: &[String], text: &str) -> bool {
    let Some((first, rest)) = parts.split_first() else {
        return text.is_empty();
    };
    let Some(mut tail) = text.strip_prefix(first.as_str()) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return tail.is_empty();
    };
    for p in middle {
        match tail.find(p.as_str()) {
            Some(i) => tail = &tail[i + p.len()..],
            None => return false,
        }
    }
    tail.ends_with(last.as_str())
}

impl<F: Copy> Expr<F> {
    /// Every field the expression reads, in order of appearance.
    pub fn fields(&self) -> Vec<F> {
        match self {
            Expr::Cond(c) => vec![c.field],
            Expr::Or(ds) => ds.iter().flatten().flat_map(Expr::fields).collect(),
        }
    }

    pub fn eval<'a>(&self, value_of: &dyn Fn(F) -> FieldValue<'a>) -> bool {
        match self {
            Expr::Cond(c) => c.eval(value_of(c.field)),
            Expr::Or(ds) => ds.iter().any(|conj| conj.iter().all(|e| e.eval(value_of))),
        }
    }
}

impl<F> Cond<F> {
    fn eval(&self, v: FieldValue<'_>) -> bool {
        use FieldValue as V;
        match (&self.test, v) {
            (_, V::Null) => false,
            (Test::Num(op, b), V::Num(a)) => op.holds(a, *b),
            (Test::NumIn(neg, set), V::Num(a)) => set.contains(&a) != *neg,
            (Test::Time(op, b), V::Time(a)) => op.holds(a, *b),
            (Test::Bool(neg, b), V::Bool(a)) => (a == *b) != *neg,
            (Test::StrEq(neg, s), V::Str(a)) => (a == s) != *neg,
            (Test::StrIn(neg, set), V::Str(a)) => set.iter().any(|s| s == a) != *neg,
            (
                Test::Like {
                    negate,
                    fold_case,
                    parts,
                },
                V::Str(a),
            ) => {
                let hit = if *fold_case {
                    like_matches(parts, &a.to_ascii_lowercase())
                } else {
                    like_matches(parts, a)
                };
                hit != *negate
            }
            (Test::Regex(neg, re), V::Str(a)) => re.is_match(a) != *neg,
            (Test::Match(neg, want), V::Str(a)) => {
                let have = words(a);
                want.iter().all(|w| have.contains(w)) != *neg
            }
            (Test::Has(neg, s), V::StrArray(list)) => list.iter().any(|x| *x == s) != *neg,
            (Test::ListEq(neg, want), V::StrArray(list)) => {
                let mut have: Vec<&str> = list.to_vec();
                have.sort_unstable();
                have.dedup();
                (have.len() == want.len() && have.iter().zip(want).all(|(a, b)| *a == b)) != *neg
            }
            _ => false,
        }
    }
}
