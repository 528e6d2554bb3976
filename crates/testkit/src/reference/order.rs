//! Result order (contract §7): the `order_by` rules in turn, `null` and missing targets last in
//! both directions, then D ascending so that paging is stable.

use std::cmp::Ordering;

use super::fields::Val;
use super::row::Row;

/// Sorts `rows` by `rules` (`(field, descending)`), or by the default rules when there are none.
pub(crate) fn sort_rows(rows: &mut [Row], rules: &[(String, bool)], lowest_key: &str) {
    let default_rules = [
        ("intersections_count".to_string(), true),
        (format!("{lowest_key}.rank"), true),
    ];
    let rules = if rules.is_empty() {
        &default_rules[..]
    } else {
        rules
    };
    rows.sort_by(|a, b| {
        rules
            .iter()
            .map(|(field, desc)| compare(&a.field(field), &b.field(field), *desc))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
            .then_with(|| a.d.as_bytes().cmp(b.d.as_bytes()))
    });
}

/// One rule on two values: `Null` after any value whatever the direction.
fn compare(a: &Val, b: &Val, desc: bool) -> Ordering {
    let natural = match (a, b) {
        (Val::Null, Val::Null) => return Ordering::Equal,
        (Val::Null, _) => return Ordering::Greater,
        (_, Val::Null) => return Ordering::Less,
        (Val::Num(x), Val::Num(y)) => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        (Val::Str(x), Val::Str(y)) => x.as_bytes().cmp(y.as_bytes()),
        (Val::Time(x), Val::Time(y)) => x.cmp(y),
        (Val::Bool(x), Val::Bool(y)) => x.cmp(y),
        (Val::StrArray(x), Val::StrArray(y)) => x.cmp(y),
        // One field has one type; mixed kinds cannot occur.
        _ => Ordering::Equal,
    };
    if desc {
        natural.reverse()
    } else {
        natural
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_sort_last_in_both_directions() {
        let vals = [Val::Num(2.0), Val::Null, Val::Num(1.0)];
        let mut asc: Vec<&Val> = vals.iter().collect();
        asc.sort_by(|a, b| compare(a, b, false));
        assert_eq!(asc, [&Val::Num(1.0), &Val::Num(2.0), &Val::Null]);
        let mut desc: Vec<&Val> = vals.iter().collect();
        desc.sort_by(|a, b| compare(a, b, true));
        assert_eq!(desc, [&Val::Num(2.0), &Val::Num(1.0), &Val::Null]);
    }

    #[test]
    fn strings_compare_by_bytes() {
        let (upper, lower) = (Val::Str("Z".into()), Val::Str("a".into()));
        assert_eq!(compare(&upper, &lower, false), Ordering::Less);
    }
}
