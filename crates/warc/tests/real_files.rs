//! Every real archive in `shared/data` reads from start to end. The expected counts were taken
//! independently with `zcat FILE | grep -ac '^WARC-Type: response'` (and `^WARC/` for all
//! records) and agree with the folder's SOURCES.md, which counted them with warcio 1.8.1.

use std::collections::BTreeMap;
use std::path::PathBuf;

use linkdex_warc::{Error, WarcReader, WatPage};

fn data(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(rel)
}

/// Counts records by WARC-Type; panics on any error.
fn count(rel: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for r in WarcReader::open(&data(rel)).unwrap() {
        let r = r.unwrap_or_else(|e| panic!("{rel}: {e}"));
        *out.entry(r.warc_type().unwrap_or("?").to_string())
            .or_default() += 1;
    }
    out
}

#[test]
fn every_sample_warc_reads_without_error() {
    // (file, records, responses, requests, other types)
    type Case<'a> = (&'a str, usize, usize, &'a [(&'a str, usize)]);
    let cases: &[Case] = &[
        (
            "archiveit-aut-example.warc.gz",
            822,
            299,
            &[("request", 261), ("metadata", 261)],
        ),
        (
            "cc-resiliparse-warcfile.warc.gz",
            50,
            16,
            &[("request", 17), ("metadata", 16)],
        ),
        (
            "cc2014-CC-MAIN-20140820021334-00006.warc",
            13,
            4,
            &[("request", 4), ("metadata", 4)],
        ),
        (
            "cc2024-whirlwind.warc.gz",
            4,
            1,
            &[("request", 1), ("metadata", 1)],
        ),
        ("cc2024-whirlwind.warc.wet.gz", 2, 0, &[("conversion", 1)]),
        ("clueweb-quirk.warc.gz", 30, 29, &[("warcinfo", 1)]),
        (
            "dolma-sample-0000.warc.gz",
            48,
            22,
            &[("request", 22), ("resource", 2)],
        ),
        (
            "dolma-sample-0001.warc.gz",
            34,
            15,
            &[("request", 15), ("resource", 2)],
        ),
        (
            "pywb-iana.warc.gz",
            343,
            48,
            &[("request", 171), ("revisit", 123)],
        ),
    ];
    for (file, total, responses, others) in cases {
        let c = count(&format!("warc-samples/{file}"));
        assert_eq!(c.values().sum::<usize>(), *total, "{file}: {c:?}");
        assert_eq!(
            c.get("response").copied().unwrap_or(0),
            *responses,
            "{file}"
        );
        for (t, n) in *others {
            assert_eq!(c.get(*t).copied().unwrap_or(0), *n, "{file}: {t}");
        }
    }
}

#[test]
fn old_and_wget_quirks() {
    let clue: Vec<_> = WarcReader::open(&data("warc-samples/clueweb-quirk.warc.gz"))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(clue.iter().all(|r| r.version == "0.18"));
    let responses = clue.iter().filter_map(|r| r.http_response()).count();
    assert_eq!(responses, 29);
    let dolma = WarcReader::open(&data("warc-samples/dolma-sample-0000.warc.gz")).unwrap();
    for r in dolma.map(Result::unwrap) {
        if let Some(uri) = r.target_uri() {
            assert!(!uri.starts_with('<') && !uri.ends_with('>'), "{uri}");
        }
    }
}

#[test]
fn reads_from_a_stream_like_stdin() {
    let f = std::fs::File::open(data("warc-samples/cc2024-whirlwind.warc.gz")).unwrap();
    let n = WarcReader::from_reader("<stdin>", f).unwrap().count();
    assert_eq!(n, 4);
}

#[test]
fn the_paired_wat_describes_two_responses_with_31_links() {
    let file = data("wat-samples/cc2014-CC-MAIN-20140820021334-00006.warc.wat");
    let mut pages = Vec::new();
    for r in WarcReader::open(&file).unwrap() {
        if let Some(p) = WatPage::from_record(&r.unwrap(), "wat").unwrap() {
            pages.push(p);
        }
    }
    // 8 records: warcinfo, then request/response/metadata captures; 2 responses, one of
    // them the 0pointer.de page with 31 `Links` and 10 `Head.Link` entries.
    assert_eq!(pages.len(), 2);
    let body_links: usize = pages
        .iter()
        .flat_map(|p| &p.links)
        .filter(|l| !l.path.starts_with("LINK@"))
        .count();
    assert_eq!(body_links, 31);
}

#[test]
fn truncated_wats_are_reported_not_fatal() {
    // file1 is cut at a record boundary inside one gzip stream (warcio refuses it because it
    // expects a member per record); we read its 5 records. The other two end inside a record.
    for (name, cut) in [
        ("cc2019-pycommoncrawl-file0.warc.wat.gz", true),
        ("cc2019-pycommoncrawl-file1.warc.wat.gz", false),
        ("cc-priyanlc-sample.warc.wat.gz", true),
    ] {
        let mut ok = 0;
        let mut errors = Vec::new();
        for r in WarcReader::open(&data(&format!("wat-samples/truncated/{name}"))).unwrap() {
            match r
                .map_err(|e| (e, None))
                .and_then(|rec| WatPage::from_record(&rec, name).map_err(|e| (e, Some(rec.offset))))
            {
                Ok(_) => ok += 1,
                Err((e, _)) => errors.push(e),
            }
        }
        assert_eq!(!errors.is_empty(), cut, "{name}: {errors:?}");
        for e in &errors {
            assert!(e.offset().is_some(), "{name}: {e}");
            assert!(
                matches!(
                    e,
                    Error::Truncated { .. } | Error::Wat { .. } | Error::Corruption { .. }
                ),
                "{name}: {e}"
            );
        }
        eprintln!("{name}: {ok} records read, errors: {errors:?}");
    }
}
