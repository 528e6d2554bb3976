//! The open-element stack, kept only as far as semantic locations need: which HTML5 semantic
//! element is the nearest open ancestor. End tags close up to the matching open element (as
//! the tree builder does for misnested markup); unmatched end tags are ignored; void
//! elements and `/>` never open. Depth is capped so hostile input cannot grow it unbounded.

/// The elements a link's `semantic_location` may name.
pub const SEMANTIC: [&str; 11] = [
    "article",
    "aside",
    "footer",
    "header",
    "main",
    "nav",
    "section",
    "figure",
    "figcaption",
    "details",
    "summary",
];

const VOID: [&str; 15] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen",
];

const MAX_DEPTH: usize = 1024;

#[derive(Debug, Default)]
pub(crate) struct Stack {
    /// (name hash, index into SEMANTIC or u8::MAX)
    open: Vec<(u64, u8)>,
    svg: usize,
}

fn hash(name: &str) -> u64 {
    // FNV-1a: names are short; a collision only misplaces a semantic location.
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Stack {
    pub fn push(&mut self, name: &str, self_closing: bool) {
        if self_closing || VOID.contains(&name) || self.open.len() >= MAX_DEPTH {
            return;
        }
        if name == "svg" {
            self.svg += 1;
        }
        let sem = SEMANTIC
            .iter()
            .position(|s| *s == name)
            .map_or(u8::MAX, |i| i as u8);
        self.open.push((hash(name), sem));
    }

    pub fn pop(&mut self, name: &str) {
        let h = hash(name);
        if let Some(i) = self.open.iter().rposition(|(x, _)| *x == h) {
            self.open.truncate(i);
            if name == "svg" {
                self.svg = self.svg.saturating_sub(1);
            }
        }
    }

    /// The nearest open semantic element.
    pub fn semantic(&self) -> Option<&'static str> {
        self.open
            .iter()
            .rev()
            .find(|(_, s)| *s != u8::MAX)
            .map(|(_, s)| SEMANTIC[*s as usize])
    }

    pub fn in_svg(&self) -> bool {
        self.svg > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn nearest_semantic_ancestor() {
        let mut s = Stack::default();
        for t in ["html", "body", "nav", "ul", "li"] {
            s.push(t, false);
        }
        assert_eq!(s.semantic(), Some("nav"));
        s.push("footer", false);
        s.push("br", false);
        assert_eq!(s.semantic(), Some("footer"));
        s.pop("nav"); // closes the misnested footer too
        assert_eq!(s.semantic(), None);
        s.pop("article"); // unmatched: ignored
        assert_eq!(s.open.len(), 2);
    }

    proptest! {
        /// The answer equals a plain reference walk over the tags (without the depth cap).
        #[test]
        fn matches_a_reference_tree_walk(ops in proptest::collection::vec((any::<bool>(), 0usize..16), 0..200)) {
            let names = ["div", "nav", "p", "section", "img", "article", "span", "aside", "footer", "header", "main", "figure", "ul", "li", "details", "a"];
            let mut s = Stack::default();
            let mut model: Vec<&str> = Vec::new();
            for (open, i) in ops {
                let n = names[i];
                if open {
                    s.push(n, false);
                    if n != "img" { model.push(n); }
                } else {
                    s.pop(n);
                    if let Some(p) = model.iter().rposition(|m| *m == n) { model.truncate(p); }
                }
                let want = model.iter().rev().find(|m| SEMANTIC.contains(m)).copied();
                prop_assert_eq!(s.semantic(), want);
            }
        }
    }
}
