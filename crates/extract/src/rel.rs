//! `rel` tokens and what they decide: the record's `attributes` and `dofollow`, and for
//! `<link>` the item type.

use linkdex_model::ItemType;

/// The rel tokens: ASCII-lowercased, split on whitespace, deduplicated, in order.
pub(crate) fn rel_tokens(rel: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in rel.unwrap_or("").split_ascii_whitespace() {
        let t = t.to_ascii_lowercase();
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// False when the tokens hold `nofollow`, `ugc` or `sponsored` (the contract's rule).
pub(crate) fn dofollow(tokens: &[String]) -> bool {
    !tokens
        .iter()
        .any(|t| matches!(t.as_str(), "nofollow" | "ugc" | "sponsored"))
}

/// The item type of a `<link>`: `canonical`; `alternate` for hreflang versions and feeds
/// (any `alternate` that is not an alternate style sheet); `link` for everything else.
pub(crate) fn link_item_type(tokens: &[String]) -> ItemType {
    let has = |t: &str| tokens.iter().any(|x| x == t);
    if has("canonical") {
        ItemType::Canonical
    } else if has("alternate") && !has("stylesheet") {
        ItemType::Alternate
    } else {
        ItemType::Link
    }
}

/// Whether a robots directive (`<meta name=robots>`, `X-Robots-Tag`) forbids following links.
pub(crate) fn robots_nofollow(content: &str) -> bool {
    content
        .split([',', ' ', ';'])
        .map(str::trim)
        .any(|d| d.eq_ignore_ascii_case("nofollow") || d.eq_ignore_ascii_case("none"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tokens_decide_attributes_and_dofollow() {
        let t = rel_tokens(Some("  NoFollow\tnoopener nofollow\nUGC "));
        assert_eq!(t, ["nofollow", "noopener", "ugc"]);
        assert!(!dofollow(&t));
        assert!(dofollow(&rel_tokens(Some("noopener noreferrer"))));
        assert!(dofollow(&rel_tokens(None)));
        assert!(!dofollow(&rel_tokens(Some("sponsored"))));
    }

    #[test]
    fn link_types() {
        let ty = |r: &str| link_item_type(&rel_tokens(Some(r)));
        assert_eq!(ty("Canonical"), ItemType::Canonical);
        assert_eq!(ty("alternate"), ItemType::Alternate);
        assert_eq!(ty("alternate stylesheet"), ItemType::Link);
        assert_eq!(ty("stylesheet"), ItemType::Link);
        assert!(robots_nofollow("noindex, NOFOLLOW"));
        assert!(robots_nofollow("none"));
        assert!(!robots_nofollow("index,follow"));
    }

    proptest! {
        #[test]
        fn tokens_are_lowercase_unique_and_nonempty(rel in "[a-zA-Z \t\n]{0,40}") {
            let t = rel_tokens(Some(&rel));
            for (i, x) in t.iter().enumerate() {
                prop_assert!(!x.is_empty() && !x.contains(char::is_whitespace));
                prop_assert_eq!(x.to_ascii_lowercase(), x.clone());
                prop_assert!(!t[..i].contains(x));
            }
            let has_nf = rel.split_ascii_whitespace().any(|w| ["nofollow", "ugc", "sponsored"].contains(&w.to_ascii_lowercase().as_str()));
            prop_assert_eq!(dofollow(&t), !has_nf);
        }
    }
}
