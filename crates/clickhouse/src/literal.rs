//! Values written into SQL text. User input only ever reaches a statement through these
//! functions: strings as escaped literals, regex fragments quoted, numbers in exponent form.

use std::fmt::Write;

/// A string literal: `'...'` with backslash, quote and every control byte escaped.
pub fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\x{:02X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// An array literal of strings. ClickHouse cannot type an empty array of strings from `[]`
/// in every function, so callers handle the empty case themselves.
pub fn string_array(items: &[String]) -> String {
    let parts: Vec<String> = items.iter().map(|s| string(s)).collect();
    format!("[{}]", parts.join(", "))
}

/// A Float64 literal that parses back to exactly `x` (finite by validation).
pub fn float(x: f64) -> String {
    format!("{x:e}")
}

/// `text` as a literal piece of an RE2 pattern (RE2's QuoteMeta): every ASCII byte but
/// `[A-Za-z0-9_]` is escaped; non-ASCII UTF-8 passes through; NUL becomes `\x00`.
pub fn quote_regex(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if c == '\0' {
            out.push_str("\\x00");
        } else if c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '_') {
            out.push('\\');
            out.push(c);
        } else {
            out.push(c);
        }
    }
    out
}

/// An RE2 pattern matching the whole text when `parts` (the pattern split at its wildcard)
/// appear in order with any run of characters between them.
pub fn glob_regex<S: AsRef<str>>(parts: &[S]) -> String {
    let quoted: Vec<String> = parts.iter().map(|p| quote_regex(p.as_ref())).collect();
    format!("(?s)^{}$", quoted.join(".*"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped() {
        assert_eq!(string("a'b\\c"), r"'a\'b\\c'");
        assert_eq!(string("x\ny\0"), r"'x\x0Ay\x00'");
        assert_eq!(string("é'"), "'é\\''");
    }

    #[test]
    fn floats_round_trip() {
        for x in [0.0, 1.0, -2.5, 1e300, 0.1, 123456789.0] {
            assert_eq!(float(x).parse::<f64>().unwrap(), x);
        }
    }

    #[test]
    fn regex_pieces_are_literal() {
        assert_eq!(quote_regex("a.b*c"), r"a\.b\*c");
        assert_eq!(
            glob_regex(&["https://a.com/", ""]),
            r"(?s)^https\:\/\/a\.com\/.*$"
        );
    }
}
