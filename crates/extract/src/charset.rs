//! The page's character encoding, in the HTML standard's order: byte order mark, then the
//! HTTP `Content-Type` charset, then a `<meta charset>` / `<meta http-equiv>` in the first
//! 4 KiB; failing all three, UTF-8 when the bytes are valid UTF-8, else windows-1252 (the
//! standard's fallback for the Western locales). Decoding is encoding_rs's, so EUC-JP,
//! Shift_JIS, GBK, windows-125x, … pages become correct text.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

const PRESCAN: usize = 4096;

/// The decoded text and the encoding used.
pub(crate) fn decode<'a>(
    body: &'a [u8],
    content_type: Option<&str>,
) -> (Cow<'a, str>, &'static Encoding) {
    let (enc, bom) = match Encoding::for_bom(body) {
        Some((e, n)) => (e, n),
        None => (detect(body, content_type), 0),
    };
    let bytes = &body[bom..];
    if enc == UTF_8 {
        if let Ok(s) = std::str::from_utf8(bytes) {
            return (Cow::Borrowed(s), enc);
        }
    }
    (enc.decode_without_bom_handling(bytes).0, enc)
}

fn detect(body: &[u8], content_type: Option<&str>) -> &'static Encoding {
    let http = content_type
        .and_then(|ct| linkdex_warc::Headers::param(ct, "charset"))
        .and_then(|l| Encoding::for_label(l.trim().as_bytes()));
    if let Some(e) = http {
        return e;
    }
    if let Some(e) = prescan(&body[..body.len().min(PRESCAN)]) {
        // A page cannot declare itself UTF-16 in ASCII-compatible bytes: the standard reads
        // that as UTF-8, and x-user-defined as windows-1252.
        return match e.name() {
            "UTF-16LE" | "UTF-16BE" => UTF_8,
            "x-user-defined" => WINDOWS_1252,
            _ => e,
        };
    }
    if std::str::from_utf8(body).is_ok() {
        UTF_8
    } else {
        WINDOWS_1252
    }
}

/// `charset=` inside the first `<meta …>` tags of the page head.
fn prescan(head: &[u8]) -> Option<&'static Encoding> {
    let mut from = 0;
    while let Some(p) = find_ci(&head[from..], b"<meta") {
        let start = from + p + 5;
        let end = memchr::memchr(b'>', &head[start..]).map_or(head.len(), |e| start + e);
        let tag = &head[start..end];
        if let Some(c) = find_ci(tag, b"charset") {
            let mut v = &tag[c + 7..];
            v = trim_start(v);
            if let Some(rest) = v.strip_prefix(b"=") {
                let v = trim_start(rest);
                let v = v.strip_prefix(b"\"").or(v.strip_prefix(b"'")).unwrap_or(v);
                let len = v
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || b"-_:.".contains(c))
                    .count();
                if let Some(e) = Encoding::for_label(&v[..len]) {
                    return Some(e);
                }
            }
        }
        from = end;
    }
    None
}

fn trim_start(v: &[u8]) -> &[u8] {
    let n = v.iter().take_while(|c| c.is_ascii_whitespace()).count();
    &v[n..]
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn follows_the_standard_order() {
        let euc = encoding_rs::EUC_JP.encode("<p>日本語</p>").0.into_owned();
        let (text, enc) = decode(&euc, Some("text/html; charset=EUC-JP"));
        assert_eq!((text.as_ref(), enc.name()), ("<p>日本語</p>", "EUC-JP"));
        let mut meta = b"<meta charset=\"shift_jis\">".to_vec();
        meta.extend_from_slice(&encoding_rs::SHIFT_JIS.encode("日本").0);
        assert_eq!(decode(&meta, None).0, "<meta charset=\"shift_jis\">日本");
        let equiv = b"<META HTTP-EQUIV=Content-Type CONTENT='text/html; charset=windows-1251'>\xc0";
        assert!(decode(equiv, None).0.ends_with('А'));
        let bom = b"\xef\xbb\xbf<p>\xc3\xa9</p>";
        assert_eq!(
            decode(bom, Some("text/html; charset=iso-8859-1")).0,
            "<p>é</p>"
        );
        assert_eq!(
            decode(b"caf\xe9", None),
            (Cow::Borrowed("café"), WINDOWS_1252)
        );
        assert_eq!(decode("café".as_bytes(), None).1, UTF_8);
        assert_eq!(decode(b"<meta charset=utf-16le>x", None).1, UTF_8);
    }

    proptest! {
        #[test]
        fn utf8_text_round_trips(s in "\\PC{0,60}") {
            prop_assert_eq!(decode(s.as_bytes(), Some("text/html; charset=utf-8")).0, s.as_str());
        }

        #[test]
        fn any_bytes_decode(b in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = decode(&b, None);
        }

        #[test]
        fn latin1_text_round_trips_through_its_label(s in "[ -~àéîõüçÀÉ]{0,40}") {
            let bytes = WINDOWS_1252.encode(&s).0.into_owned();
            prop_assert_eq!(decode(&bytes, Some("text/html;charset=ISO-8859-1")).0, s.as_str());
        }
    }
}
