//! A streaming HTML tokenizer: start tags with attributes, end tags, text; comments, doctypes
//! and processing instructions skipped; raw-text elements (`script`, `style`, `title`,
//! `textarea`, …) read to their closing tag as the HTML standard says.
//!
//! Why our own rather than a crate: link extraction needs tags, attributes, text and a tag
//! stack, not a DOM. html5ever/scraper build a tree (slow, and a long compile on 2 cores);
//! lol_html pulls a selector engine and cssparser; tl and html5gum would do, but this file is
//! ~200 lines with zero dependencies beyond memchr, allocates nothing per tag (attributes are
//! byte ranges into the page) and is fuzzed by the crate's proptests.

use std::borrow::Cow;
use std::ops::Range;

use crate::entities::decode_entities;

/// Attributes of the current start tag, as ranges into the page text.
#[derive(Default)]
pub(crate) struct Attrs<'a> {
    src: &'a str,
    list: Vec<(Range<usize>, Option<Range<usize>>)>,
}

/// At most this many attributes per tag are kept (bounded work on garbage).
const MAX_ATTRS: usize = 64;

impl<'a> Attrs<'a> {
    /// The first attribute named `name` (ASCII, lowercase), entities decoded. A valueless
    /// attribute gives `""`.
    pub fn get(&self, name: &str) -> Option<Cow<'a, str>> {
        self.list.iter().find_map(|(n, v)| {
            if !self.src[n.clone()].eq_ignore_ascii_case(name) {
                return None;
            }
            Some(match v {
                Some(v) => decode_entities(&self.src[v.clone()], true),
                None => Cow::Borrowed(""),
            })
        })
    }

    #[cfg(test)]
    pub fn iter(&self) -> impl Iterator<Item = (&'a str, &'a str)> + '_ {
        self.list
            .iter()
            .map(|(n, v)| (&self.src[n.clone()], v.clone().map_or("", |v| &self.src[v])))
    }
}

/// Receives tokens in document order.
pub(crate) trait Sink {
    fn start_tag(&mut self, name: &str, attrs: &Attrs<'_>, self_closing: bool);
    fn end_tag(&mut self, name: &str);
    /// Character data between tags, entities not yet decoded.
    fn text(&mut self, text: &str);
    /// The content of a raw-text element (`title`, `script`, …), before its end tag.
    fn raw_text(&mut self, element: &str, text: &str);
}

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

const RAW_TEXT: [&str; 9] = [
    "script",
    "style",
    "title",
    "textarea",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// Tokenizes `src` into `sink`.
pub(crate) fn tokenize(src: &str, sink: &mut impl Sink) {
    let b = src.as_bytes();
    let mut attrs = Attrs {
        src,
        list: Vec::with_capacity(8),
    };
    let mut name = String::with_capacity(16);
    let (mut i, mut text_start) = (0, 0);
    while let Some(off) = memchr::memchr(b'<', &b[i..]) {
        let lt = i + off;
        let flush = |sink: &mut dyn FnMut(&str)| {
            if text_start < lt {
                sink(&src[text_start..lt]);
            }
        };
        match b.get(lt + 1) {
            Some(c) if c.is_ascii_alphabetic() => {
                flush(&mut |t| sink.text(t));
                let Some((end, self_closing)) = start_tag(b, lt + 1, &mut name, &mut attrs) else {
                    return; // EOF inside a tag: the tag is dropped, as browsers do
                };
                sink.start_tag(&name, &attrs, self_closing);
                i = end;
                if !self_closing && RAW_TEXT.contains(&name.as_str()) {
                    let (content_end, after) = if name == "plaintext" {
                        (b.len(), b.len())
                    } else {
                        raw_text_end(b, end, &name)
                    };
                    sink.raw_text(&name, &src[end..content_end]);
                    sink.end_tag(&name);
                    i = after;
                }
            }
            Some(b'/') if b.get(lt + 2).is_some_and(u8::is_ascii_alphabetic) => {
                flush(&mut |t| sink.text(t));
                let s = lt + 2;
                let e = s + b[s..]
                    .iter()
                    .position(|&c| is_ws(c) || c == b'/' || c == b'>')
                    .unwrap_or(b.len() - s);
                name.clear();
                name.extend(src[s..e].chars().map(|c| c.to_ascii_lowercase()));
                let Some(gt) = memchr::memchr(b'>', &b[e..]) else {
                    return;
                };
                sink.end_tag(&name);
                i = e + gt + 1;
            }
            Some(b'!') | Some(b'?') | Some(b'/') => {
                flush(&mut |t| sink.text(t));
                i = skip_markup(b, lt);
            }
            _ => {
                // A '<' that opens nothing is text.
                i = lt + 1;
                continue;
            }
        }
        text_start = i;
    }
    if text_start < b.len() {
        sink.text(&src[text_start..]);
    }
}

/// Parses a start tag whose name begins at `p`. Returns the index after `>` and whether the
/// tag ends in `/>`; None when the input ends first.
fn start_tag(
    b: &[u8],
    p: usize,
    name: &mut String,
    attrs: &mut Attrs<'_>,
) -> Option<(usize, bool)> {
    let mut j = p;
    while j < b.len() && !is_ws(b[j]) && b[j] != b'/' && b[j] != b'>' {
        j += 1;
    }
    name.clear();
    name.extend(attrs.src[p..j].chars().map(|c| c.to_ascii_lowercase()));
    attrs.list.clear();
    let mut self_closing = false;
    loop {
        while j < b.len() && (is_ws(b[j]) || b[j] == b'/') {
            self_closing = b[j] == b'/';
            j += 1;
        }
        match b.get(j)? {
            b'>' => return Some((j + 1, self_closing)),
            _ => self_closing = false,
        }
        let ns = j;
        j += 1; // the first character of a name may be '='
        while j < b.len() && !is_ws(b[j]) && !matches!(b[j], b'/' | b'>' | b'=') {
            j += 1;
        }
        let n = ns..j;
        while j < b.len() && is_ws(b[j]) {
            j += 1;
        }
        let mut value = None;
        if b.get(j) == Some(&b'=') {
            j += 1;
            while j < b.len() && is_ws(b[j]) {
                j += 1;
            }
            match b.get(j)? {
                q @ (b'"' | b'\'') => {
                    let close = memchr::memchr(*q, &b[j + 1..])?;
                    value = Some(j + 1..j + 1 + close);
                    j = j + 2 + close;
                }
                _ => {
                    let s = j;
                    while j < b.len() && !is_ws(b[j]) && b[j] != b'>' {
                        j += 1;
                    }
                    value = Some(s..j);
                }
            }
        }
        if attrs.list.len() < MAX_ATTRS {
            attrs.list.push((n, value));
        }
    }
}

/// Finds `</name` closing a raw-text element; returns (content end, index after its `>`).
fn raw_text_end(b: &[u8], from: usize, name: &str) -> (usize, usize) {
    let n = name.len();
    let mut k = from;
    while let Some(off) = memchr::memmem::find(&b[k..], b"</") {
        let at = k + off;
        let after = at + 2 + n;
        if after <= b.len()
            && b[at + 2..after].eq_ignore_ascii_case(name.as_bytes())
            && b.get(after)
                .is_none_or(|&c| is_ws(c) || c == b'/' || c == b'>')
        {
            let end = memchr::memchr(b'>', &b[after..]).map_or(b.len(), |g| after + g + 1);
            return (at, end);
        }
        k = at + 2;
    }
    (b.len(), b.len())
}

/// Skips a comment, doctype, CDATA section or bogus comment starting at `lt`.
fn skip_markup(b: &[u8], lt: usize) -> usize {
    let rest = &b[lt..];
    let (open, close): (usize, &[u8]) = if rest.starts_with(b"<!--") {
        if rest[4..].starts_with(b">") || rest[4..].starts_with(b"->") {
            return lt + 4 + if rest[4] == b'>' { 1 } else { 2 };
        }
        (4, b"-->")
    } else if rest.starts_with(b"<![CDATA[") {
        (9, b"]]>")
    } else {
        (2, b">")
    };
    match memchr::memmem::find(&rest[open..], close) {
        Some(p) => lt + open + p + close.len(),
        None => b.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[derive(Default)]
    struct Log(Vec<String>);

    impl Sink for Log {
        fn start_tag(&mut self, name: &str, attrs: &Attrs<'_>, sc: bool) {
            let a: Vec<String> = attrs.iter().map(|(n, v)| format!("{n}={v}")).collect();
            self.0.push(format!(
                "<{name} {}{}>",
                a.join(" "),
                if sc { "/" } else { "" }
            ));
        }
        fn end_tag(&mut self, name: &str) {
            self.0.push(format!("</{name}>"));
        }
        fn text(&mut self, t: &str) {
            self.0.push(t.to_string());
        }
        fn raw_text(&mut self, e: &str, t: &str) {
            self.0.push(format!("[{e}:{t}]"));
        }
    }

    fn log(s: &str) -> Vec<String> {
        let mut l = Log::default();
        tokenize(s, &mut l);
        l.0
    }

    #[test]
    fn tags_attributes_and_text() {
        assert_eq!(
            log("a<A HREF=x.html rel='no follow' hidden data-x=\"1>2\">b</a >c<br/>"),
            [
                "a",
                "<a HREF=x.html rel=no follow hidden= data-x=1>2>",
                "b",
                "</a>",
                "c",
                "<br />"
            ]
        );
    }

    #[test]
    fn comments_doctype_and_raw_text_are_not_markup() {
        assert_eq!(
            log("<!DOCTYPE html><!-- <a href=x> --><script>if (a<b) '<a href=y>'</script><title>T &amp; <b></title>x < y"),
            ["<script >", "[script:if (a<b) '<a href=y>']", "</script>", "<title >", "[title:T &amp; <b>]", "</title>", "x < y"]
        );
        assert_eq!(log("<!--><p>"), ["<p >"]);
        assert_eq!(log("<a href='x"), Vec::<String>::new());
    }

    proptest! {
        #[test]
        fn any_text_tokenizes(s in "[<>a-z/!=\"' -]{0,80}") {
            let _ = log(&s);
        }

        #[test]
        fn text_without_markup_is_one_token(s in "[^<]{1,60}") {
            prop_assert_eq!(log(&s), vec![s.clone()]);
        }
    }
}
