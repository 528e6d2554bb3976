//! Import reads lines with `RawObject` (no `serde_json::Value` per line). Differential test:
//! on random lines — valid records, wrong types, escapes, repeated keys, nulls, unknown keys,
//! lines that are not objects — it gives exactly what `Value` + `Record::from_json` gives: the
//! same record or the same message.

use linkdex_model::{RawObject, Record};
use proptest::prelude::*;
use serde_json::Value;

const FIELDS: &[&str] = &[
    "url_from",
    "url_to",
    "item_type",
    "attributes",
    "dofollow",
    "semantic_location",
    "anchor",
    "alt",
    "image_url",
    "text_pre",
    "text_post",
    "links_count",
    "first_seen",
    "prev_seen",
    "last_seen",
    "is_new",
    "is_lost",
    "lost_date",
    "is_broken",
    "url_to_status_code",
    "url_to_spam_score",
    "url_to_redirect_target",
    "is_indirect_link",
    "indirect_link_path",
    "rank",
    "page_from_rank",
    "domain_from_rank",
    "backlink_spam_score",
    "domain_from_ip",
    "domain_from_country",
    "domain_from_platform_type",
    "page_from_external_links",
    "page_from_internal_links",
    "page_from_size",
    "page_from_status_code",
    "page_from_encoding",
    "page_from_language",
    "page_from_title",
    "original",
    "unknown_field",
];

/// A JSON value of any kind, biased towards what the fields accept.
fn value() -> impl Strategy<Value = String> {
    let text = prop_oneof![
        Just("https://a.example.com/p?q=1#f".to_string()),
        Just("http://B.org:80/x/../y".to_string()),
        Just("2021-03-04 05:06:07 +00:00".to_string()),
        Just("2019-01-01 00:00:00 +00:00".to_string()),
        Just("nofollow".to_string()),
        Just("image".to_string()),
        Just("10.1.2.3".to_string()),
        Just("::1".to_string()),
        "[a-zA-Z0-9 \"\\\\/\u{e9}\u{1F600}\n\t.:-]{0,12}",
    ];
    let scalar = prop_oneof![
        Just("null".to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        (-5i64..1200).prop_map(|n| n.to_string()),
        any::<i64>().prop_map(|n| n.to_string()),
        Just("18446744073709551615".to_string()),
        Just("1e400".to_string()),
        Just("2.5".to_string()),
        Just("-0.0".to_string()),
        text.clone()
            .prop_map(|t| serde_json::to_string(&Value::String(t)).unwrap()),
        // Escapes the serializer would not write.
        Just(r#""\u0068ttps://a.com/\/x""#.to_string()),
    ];
    scalar.prop_recursive(2, 8, 4, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4)
                .prop_map(|v| format!("[{}]", v.join(","))),
            proptest::collection::vec(("[a-z_]{1,6}", inner), 0..3).prop_map(|kv| {
                let fields: Vec<String> = kv
                    .into_iter()
                    .map(|(k, v)| format!("\"{k}\":{v}"))
                    .collect();
                format!("{{{}}}", fields.join(","))
            }),
        ]
    })
}

/// A line: mostly objects with a valid pair of URLs and random other fields (some repeated),
/// sometimes something else.
fn line() -> impl Strategy<Value = String> {
    let field = (0..FIELDS.len(), value());
    let object = (
        any::<bool>(),
        proptest::collection::vec(field, 0..12),
        any::<bool>(),
    )
        .prop_map(|(urls, fields, spaced)| {
            let mut parts: Vec<String> = Vec::new();
            if urls {
                parts.push(r#""url_from":"https://www.r1.io/page/6""#.into());
                parts.push(r#""url_to":"https://t0.com/p2""#.into());
            }
            parts.extend(
                fields
                    .into_iter()
                    .map(|(i, v)| format!("\"{}\":{v}", FIELDS[i])),
            );
            let sep = if spaced { " , " } else { "," };
            format!("{{{}}}", parts.join(sep))
        });
    prop_oneof![
        8 => object,
        1 => value(),
        1 => Just(r#"{"url_from":"https://a.com/","url_to":"#.to_string()),
        1 => Just(r#"{"url_from":"https://a.com/","url_to":"https://b.com/"} x"#.to_string()),
    ]
}

/// What import did before `RawObject`: the whole line as a `Value`.
fn via_value(line: &str) -> Option<Result<Record, String>> {
    let v: Value = serde_json::from_str(line).ok()?;
    Some(Record::from_json(v.as_object()?, 1_700_000_000))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn raw_object_reads_lines_as_value_does(line in line()) {
        let raw = RawObject::parse(line.as_bytes());
        let want = via_value(&line);
        prop_assert_eq!(raw.is_some(), want.is_some(), "parsed as an object by one only");
        if let (Some(raw), Some(want)) = (raw, want) {
            prop_assert_eq!(Record::from_raw(&raw, 1_700_000_000), want);
        }
    }
}

#[test]
fn repeated_keys_keep_the_last_value() {
    let line =
        r#"{"url_from":"https://a.com/","url_to":"https://b.com/","anchor":"one","anchor":"two"}"#;
    let raw = RawObject::parse(line.as_bytes()).unwrap();
    let r = Record::from_raw(&raw, 1_700_000_000).unwrap();
    assert_eq!(r.anchor.as_deref(), Some("two"));
    assert_eq!(via_value(line), Some(Ok(r)));
}
