//! Visible text as the link records quote it: whitespace runs collapsed to one space, bounded
//! length, and the rolling window of recent page text that `text_pre` is cut from.

/// Longest anchor text kept, in characters.
pub const MAX_ANCHOR_CHARS: usize = 256;
/// Longest `text_pre` / `text_post`, in characters.
pub const MAX_SNIPPET_CHARS: usize = 96;
/// Longest title kept, in characters.
pub const MAX_TITLE_CHARS: usize = 512;

/// Text with whitespace collapsed, capped at `max` characters.
#[derive(Debug, Clone)]
pub(crate) struct Collapsed {
    s: String,
    chars: usize,
    max: usize,
    space: bool,
}

impl Collapsed {
    pub fn new(max: usize) -> Collapsed {
        Collapsed {
            s: String::new(),
            chars: 0,
            max,
            space: false,
        }
    }

    pub fn is_full(&self) -> bool {
        self.chars >= self.max
    }

    /// A boundary that reads as a space (a `<br>`, the edge of a block element).
    pub fn space(&mut self) {
        self.space = true;
    }

    pub fn push(&mut self, text: &str) {
        for c in text.chars() {
            if c.is_whitespace() {
                self.space = true;
                continue;
            }
            let sep = self.space && !self.s.is_empty();
            if self.chars + 1 + usize::from(sep) > self.max {
                self.chars = self.max;
                return;
            }
            if sep {
                self.s.push(' ');
                self.chars += 1;
            }
            self.space = false;
            self.s.push(c);
            self.chars += 1;
        }
    }

    pub fn as_str(&self) -> &str {
        &self.s
    }

    /// The text, None when empty.
    pub fn into_option(self) -> Option<String> {
        (!self.s.is_empty()).then_some(self.s)
    }
}

/// The last characters of page text seen so far (for `text_pre`); keeps memory bounded by
/// dropping what lies far behind.
#[derive(Debug)]
pub(crate) struct Recent(Collapsed);

impl Recent {
    pub fn new() -> Recent {
        Recent(Collapsed::new(usize::MAX))
    }

    pub fn push(&mut self, text: &str) {
        self.0.push(text);
        if self.0.s.len() > 16 * MAX_SNIPPET_CHARS {
            let keep_from = self.0.s.len() - 8 * MAX_SNIPPET_CHARS;
            let cut = (keep_from..self.0.s.len())
                .find(|&i| self.0.s.is_char_boundary(i))
                .unwrap_or(self.0.s.len());
            self.0.s.drain(..cut);
            self.0.chars = self.0.s.chars().count();
        }
    }

    pub fn space(&mut self) {
        self.0.space();
    }

    /// The last `MAX_SNIPPET_CHARS` characters, None when there is no text yet.
    pub fn tail(&self) -> Option<String> {
        let s = &self.0.s;
        let start = s
            .char_indices()
            .rev()
            .nth(MAX_SNIPPET_CHARS - 1)
            .map_or(0, |(i, _)| i);
        let t = s[start..].trim();
        (!t.is_empty()).then(|| t.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn collapses_and_caps() {
        let mut c = Collapsed::new(7);
        c.push("  a \n\t b");
        c.space();
        c.push("cd\u{a0}efgh");
        assert_eq!(c.as_str(), "a b cd");
        assert!(c.is_full());
        c.push("x");
        assert_eq!(c.as_str(), "a b cd");
    }

    proptest! {
        #[test]
        fn collapsed_text_has_no_runs_and_respects_the_cap(parts in proptest::collection::vec("\\PC{0,30}", 0..8), max in 1usize..50) {
            let mut c = Collapsed::new(max);
            for p in &parts { c.push(p); }
            let s = c.as_str();
            prop_assert!(s.chars().count() <= max);
            prop_assert!(!s.starts_with(' ') && !s.contains("  "));
            prop_assert!(!s.chars().any(|ch| ch.is_whitespace() && ch != ' '));
        }

        #[test]
        fn recent_tail_is_the_end_of_the_text(words in proptest::collection::vec("[a-z]{1,9}", 0..400)) {
            let mut r = Recent::new();
            for w in &words { r.push(w); r.push(" "); }
            let all = words.join(" ");
            match r.tail() {
                None => prop_assert!(all.is_empty()),
                Some(t) => {
                    prop_assert!(all.ends_with(&t));
                    prop_assert!(t.chars().count() <= MAX_SNIPPET_CHARS);
                }
            }
        }
    }
}
