//! Character references in text and attribute values: numeric ones, and the named ones that
//! real pages use (a table of the common ~40; an unknown name is left as written, which keeps
//! URLs intact). In attributes a legacy name without `;` followed by an alphanumeric or `=`
//! is not a reference (`?a=1&copy=2` stays), as the HTML standard says.

use std::borrow::Cow;

const NAMED: &[(&str, &str)] = &[
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("quot", "\""),
    ("apos", "'"),
    ("nbsp", "\u{a0}"),
    ("copy", "©"),
    ("reg", "®"),
    ("trade", "™"),
    ("hellip", "…"),
    ("mdash", "—"),
    ("ndash", "–"),
    ("lsquo", "‘"),
    ("rsquo", "’"),
    ("sbquo", "‚"),
    ("ldquo", "“"),
    ("rdquo", "”"),
    ("bdquo", "„"),
    ("laquo", "«"),
    ("raquo", "»"),
    ("middot", "·"),
    ("bull", "•"),
    ("euro", "€"),
    ("pound", "£"),
    ("yen", "¥"),
    ("cent", "¢"),
    ("sect", "§"),
    ("deg", "°"),
    ("plusmn", "±"),
    ("times", "×"),
    ("divide", "÷"),
    ("para", "¶"),
    ("shy", "\u{ad}"),
    ("zwnj", "\u{200c}"),
    ("zwj", "\u{200d}"),
    ("lrm", "\u{200e}"),
    ("rlm", "\u{200f}"),
    ("thinsp", "\u{2009}"),
    ("ensp", "\u{2002}"),
    ("emsp", "\u{2003}"),
    ("larr", "←"),
    ("rarr", "→"),
    ("uarr", "↑"),
    ("darr", "↓"),
    ("iexcl", "¡"),
    ("iquest", "¿"),
    ("eacute", "é"),
    ("egrave", "è"),
    ("aacute", "á"),
    ("agrave", "à"),
    ("ouml", "ö"),
    ("uuml", "ü"),
    ("auml", "ä"),
    ("szlig", "ß"),
    ("ccedil", "ç"),
];

/// Names the standard also accepts without a trailing `;`.
const LEGACY: &[&str] = &["amp", "lt", "gt", "quot", "nbsp", "copy", "reg"];

/// Decodes character references; borrows when there are none.
pub(crate) fn decode_entities(s: &str, in_attribute: bool) -> Cow<'_, str> {
    let Some(first) = s.find('&') else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len());
    out.push_str(&s[..first]);
    let mut rest = &s[first..];
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        match reference(rest, in_attribute) {
            Some((text, used)) => {
                out.push_str(&text);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// Decodes the reference at the start of `s` (which starts with `&`): (text, bytes used).
fn reference(s: &str, in_attribute: bool) -> Option<(Cow<'static, str>, usize)> {
    let b = s.as_bytes();
    if b.get(1) == Some(&b'#') {
        let (hex, start) = match b.get(2) {
            Some(b'x' | b'X') => (true, 3),
            _ => (false, 2),
        };
        let digits = b[start..]
            .iter()
            .take_while(|c| {
                if hex {
                    c.is_ascii_hexdigit()
                } else {
                    c.is_ascii_digit()
                }
            })
            .count();
        if digits == 0 {
            return None;
        }
        let text = &s[start..start + digits];
        let code = u32::from_str_radix(text, if hex { 16 } else { 10 }).unwrap_or(u32::MAX);
        let c = match code {
            0 => '\u{fffd}',
            _ => char::from_u32(code).unwrap_or('\u{fffd}'),
        };
        let semi = usize::from(b.get(start + digits) == Some(&b';'));
        return Some((Cow::Owned(c.to_string()), start + digits + semi));
    }
    let len = b[1..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    let name = &s[1..1 + len];
    let (_, text) = NAMED.iter().find(|(n, _)| *n == name)?;
    if b.get(1 + len) == Some(&b';') {
        return Some((Cow::Borrowed(text), len + 2));
    }
    if !LEGACY.contains(&name) {
        return None;
    }
    if in_attribute
        && b.get(1 + len)
            .is_some_and(|&c| c == b'=' || c.is_ascii_alphanumeric())
    {
        return None;
    }
    Some((Cow::Borrowed(text), len + 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn decodes_what_pages_use() {
        assert_eq!(
            decode_entities("a &amp; b &lt;&#39;&#x41;&hellip;", false),
            "a & b <'A…"
        );
        assert_eq!(decode_entities("/p?a=1&amp;b=2", true), "/p?a=1&b=2");
        assert_eq!(decode_entities("/p?a=1&copy=2&amp", true), "/p?a=1&copy=2&");
        assert_eq!(
            decode_entities("&unknown; &#0; &#xD800;", false),
            "&unknown; \u{fffd} \u{fffd}"
        );
        assert!(matches!(decode_entities("plain", false), Cow::Borrowed(_)));
    }

    proptest! {
        #[test]
        fn text_without_ampersand_is_unchanged(s in "[^&]{0,40}") {
            prop_assert_eq!(decode_entities(&s, true), s.as_str());
        }

        #[test]
        fn escaping_then_decoding_round_trips(s in "\\PC{0,40}") {
            let escaped = s.replace('&', "&amp;").replace('<', "&lt;").replace('"', "&quot;");
            prop_assert_eq!(decode_entities(&escaped, true), s.as_str());
        }
    }
}
