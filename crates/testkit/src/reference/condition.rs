//! What one condition `[field, op, value]` means for one field value (contract §6 and the
//! decisions of the reference model): a `Null` field makes every condition false, whatever the
//! operator, and a `not_*` operator is the negation of its positive form on non-null values.

use std::cmp::Ordering;

use linkdex_model::parse_time;
use serde_json::Value;

use super::fields::Val;
use super::filters::Condition;

pub(crate) fn holds(c: &Condition, field: &Val) -> bool {
    let op = c.op.as_str();
    let v = &c.value;
    match field {
        Val::Null => false,
        Val::Num(x) => match op {
            "in" => list(v).iter().any(|e| as_num(e) == Some(*x)),
            "not_in" => !list(v).iter().any(|e| as_num(e) == Some(*x)),
            _ => as_num(v)
                .and_then(|y| x.partial_cmp(&y))
                .is_some_and(|o| compare(op, o)),
        },
        Val::Time(t) => v
            .as_str()
            .and_then(parse_time)
            .is_some_and(|y| compare(op, t.cmp(&y))),
        Val::Bool(b) => match (op, v.as_bool()) {
            ("=", Some(y)) => *b == y,
            ("<>", Some(y)) => *b != y,
            _ => false,
        },
        Val::StrArray(items) => match op {
            "has" => v.as_str().is_some_and(|s| items.iter().any(|i| i == s)),
            "has_not" => v.as_str().is_some_and(|s| !items.iter().any(|i| i == s)),
            "=" | "<>" => {
                let Some(want) = v
                    .as_array()
                    .map(|a| set(a.iter().filter_map(Value::as_str)))
                else {
                    return false;
                };
                let have = set(items.iter().map(String::as_str));
                (have == want) == (op == "=")
            }
            _ => false,
        },
        Val::Str(s) => match op.strip_prefix("not_") {
            Some(positive) if positive != "in" => str_holds(positive, s, c).map(|b| !b),
            _ => str_holds(op, s, c),
        }
        .unwrap_or(false),
    }
}

/// The positive string operators; `None` when the value has the wrong type.
fn str_holds(op: &str, s: &str, c: &Condition) -> Option<bool> {
    let v = &c.value;
    Some(match op {
        "=" => s == v.as_str()?,
        "<>" => s != v.as_str()?,
        "in" => list(v).iter().any(|e| e.as_str() == Some(s)),
        "not_in" => !list(v).iter().any(|e| e.as_str() == Some(s)),
        "like" => like(v.as_str()?, s),
        "ilike" => like(&v.as_str()?.to_ascii_lowercase(), &s.to_ascii_lowercase()),
        "regex" => c.regex.as_ref()?.is_match(s),
        "match" => words_match(v.as_str()?, s),
        _ => return None,
    })
}

fn compare(op: &str, o: Ordering) -> bool {
    match op {
        "<" => o.is_lt(),
        "<=" => o.is_le(),
        ">" => o.is_gt(),
        ">=" => o.is_ge(),
        "=" => o.is_eq(),
        "<>" => o.is_ne(),
        _ => false,
    }
}

/// A number, or a string that parses as one (`"10"`, `"2.5"`).
fn as_num(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn list(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

fn set<'a>(items: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = items.collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// SQL-ish `like`: `%` matches any run of characters, everything else (including `_`) is
/// literal, and the whole string must match.
pub(crate) fn like(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('%').collect();
    let (first, rest) = parts.split_first().expect("split yields one part");
    let Some(mut tail) = text.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return tail.is_empty();
    };
    for part in middle {
        // Leftmost match is enough: a later match never leaves more room for what follows.
        match tail.find(part) {
            Some(i) => tail = &tail[i + part.len()..],
            None => return false,
        }
    }
    tail.ends_with(last)
}

/// Maximal runs of alphanumeric characters, lowercased.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// `match`: every word of the value is a whole word of the field, ignoring case.
pub(crate) fn words_match(value: &str, field: &str) -> bool {
    let have = words(field);
    words(value).iter().all(|w| have.contains(w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn check(field: Val, op: &str, value: Value) -> bool {
        let regex = value.as_str().and_then(|p| regex::Regex::new(p).ok());
        let c = Condition {
            field: "f".into(),
            op: op.into(),
            value,
            regex,
        };
        holds(&c, &field)
    }

    fn s(text: &str) -> Val {
        Val::Str(text.into())
    }

    #[test]
    fn like_is_percent_only_and_anchored() {
        assert!(like("%moz%", "www.moz.com"));
        assert!(like("www.%", "www.moz.com"));
        assert!(!like("moz%", "www.moz.com"), "anchored at the start");
        assert!(!like("%moz", "www.moz.com"), "anchored at the end");
        assert!(!like("a_c", "abc"), "_ is a literal");
        assert!(like("a_c", "a_c"));
        assert!(like("%", ""));
        assert!(!like("a%a", "a"), "prefix and suffix may not overlap");
        assert!(like("a%b%a", "aba"));
        assert!(check(s("WWW.Moz.com"), "ilike", json!("www.moz%")));
        assert!(!check(s("WWW.Moz.com"), "like", json!("www.moz%")));
        assert!(check(s("WWW.Moz.com"), "not_like", json!("www.moz%")));
    }

    #[test]
    fn match_takes_whole_words_ignoring_case() {
        assert!(words_match("SEO tools", "Best seo-tools, 2023"));
        assert!(!words_match("tool", "Best seo tools"), "whole words only");
        assert!(words_match("STRASSE straße", "Straße strasse"));
        assert!(words_match("", "anything"), "no words: nothing to miss");
        assert!(check(s("Link building guide"), "not_match", json!("seo")));
    }

    #[test]
    fn null_is_false_for_every_operator() {
        for op in [
            "=",
            "<>",
            "not_in",
            "not_like",
            "not_regex",
            "not_match",
            "has_not",
        ] {
            assert!(!check(Val::Null, op, json!("x")), "{op}");
        }
    }

    #[test]
    fn numbers_accept_numeric_strings_and_lists() {
        assert!(check(Val::Num(10.0), ">=", json!("10")));
        assert!(check(Val::Num(10.0), "<", json!(10.5)));
        assert!(check(Val::Num(3.0), "in", json!([1, "3"])));
        assert!(check(Val::Num(3.0), "not_in", json!([1, 2])));
        assert!(!check(Val::Num(3.0), "<>", json!("3")));
    }

    #[test]
    fn regex_is_unanchored_and_arrays_compare_as_sets() {
        assert!(check(
            s("https://blog.moz.com/x"),
            "regex",
            json!("moz\\.com")
        ));
        assert!(check(s("abc"), "not_regex", json!("^b")));
        let attrs = Val::StrArray(vec!["noopener".into(), "nofollow".into()]);
        assert!(check(
            attrs.clone(),
            "=",
            json!(["nofollow", "noopener", "nofollow"])
        ));
        assert!(check(attrs.clone(), "<>", json!(["nofollow"])));
        assert!(check(attrs.clone(), "has", json!("nofollow")));
        assert!(check(attrs, "has_not", json!("ugc")));
        assert!(check(
            Val::Time(0),
            "<",
            json!("1970-01-01 00:00:01 +00:00")
        ));
        assert!(check(Val::Bool(true), "<>", json!(false)));
    }
}
