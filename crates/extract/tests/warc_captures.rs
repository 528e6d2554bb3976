//! Every sample WARC yields its captures without error; the WAT and its paired WARC agree.

mod common;

use std::collections::BTreeSet;

use common::data;
use linkdex_extract::{Capture, Captures};
use linkdex_model::ItemType;
use linkdex_warc::WarcReader;

fn captures(rel: &str) -> Vec<Capture> {
    let reader = WarcReader::open(&data(rel)).unwrap();
    Captures::new(reader, 0)
        .map(|c| c.unwrap_or_else(|e| panic!("{rel}: {e}")))
        .collect()
}

#[test]
fn every_sample_warc_gives_its_captures() {
    // (file, responses = captures, HTML pages parsed, records emitted) — responses counted
    // with `zcat | grep -ac '^WARC-Type: response'`; HTML pages per SOURCES.md where it gives
    // them (archiveit: 140 text/html responses plus pages sniffed or typed application/xhtml).
    let cases = [
        ("cc2014-CC-MAIN-20140820021334-00006.warc", 4),
        ("cc2024-whirlwind.warc.gz", 1),
        ("cc-resiliparse-warcfile.warc.gz", 16),
        ("dolma-sample-0000.warc.gz", 22),
        ("dolma-sample-0001.warc.gz", 15),
        // 299 responses, 38 of them Heritrix `dns:` lookups, which are not web captures.
        ("archiveit-aut-example.warc.gz", 261),
        ("pywb-iana.warc.gz", 48),
        ("clueweb-quirk.warc.gz", 29),
    ];
    for (file, responses) in cases {
        let caps = captures(&format!("warc-samples/{file}"));
        assert_eq!(caps.len(), responses, "{file}");
        let pages = caps.iter().filter(|c| c.page.is_some()).count();
        let links: usize = caps.iter().map(|c| c.links.len()).sum();
        eprintln!("{file}: {responses} responses, {pages} HTML pages, {links} records");
        for c in &caps {
            for r in &c.links {
                assert_eq!(r.first_seen, c.date);
                assert_eq!(r.url_from, c.url);
                assert_ne!(
                    r.domain_to, r.domain_from,
                    "same-host links are not backlinks"
                );
            }
        }
    }
}

#[test]
fn clueweb_euc_jp_pages_decode_and_date_falls_back_to_http() {
    let caps = captures("warc-samples/clueweb-quirk.warc.gz");
    let p = caps[0].page.as_ref().unwrap();
    assert_eq!(p.encoding, "euc-jp");
    assert!(
        p.title.as_deref().unwrap().contains("HEADPORTER"),
        "{:?}",
        p.title
    );
    // WARC-Date 2008-10-294T… is invalid; the HTTP Date is Wed, 28 Jan 2009 17:05:56 GMT.
    assert_eq!(
        caps[0].date,
        linkdex_model::parse_time("2009-01-28 17:05:56").unwrap()
    );
}

#[test]
fn redirects_ips_and_wget_uris() {
    let caps = captures("warc-samples/pywb-iana.warc.gz");
    assert!(caps.iter().all(|c| c.ip.is_some() || c.status.is_some()));
    let dolma = captures("warc-samples/dolma-sample-0000.warc.gz");
    assert!(dolma.iter().all(|c| c.url.starts_with("http")));
    let with_ip = dolma.iter().filter(|c| c.ip.is_some()).count();
    assert_eq!(with_ip, 22);
    for c in caps.iter().chain(&dolma) {
        if let Some(loc) = &c.redirect_location {
            assert!((300..400).contains(&c.status.unwrap()));
            let r = c.links.iter().find(|r| r.item_type == ItemType::Redirect);
            if let Some(r) = r {
                assert_eq!(&r.url_to, loc);
            }
        }
    }
}

/// Sets of (url_from, url_to) for anchors+images as the HTML gives them vs as the WAT does.
#[test]
fn wat_and_paired_warc_give_the_same_links() {
    let warc = captures("warc-samples/cc2014-CC-MAIN-20140820021334-00006.warc");
    let wat = captures("wat-samples/cc2014-CC-MAIN-20140820021334-00006.warc.wat");
    assert_eq!(wat.len(), 2);
    for w in &wat {
        let h = warc
            .iter()
            .find(|c| c.url == w.url)
            .unwrap_or_else(|| panic!("{} not in the WARC", w.url));
        assert_eq!((h.status, &h.ip, h.date), (w.status, &w.ip, w.date));
        // The HTML path makes one `image` record for <a><img></a> (url_to = href,
        // image_url = src); the WAT lists href and src apart. Compare targets of both kinds.
        let targets = |c: &Capture| -> BTreeSet<(String, String)> {
            c.links
                .iter()
                .flat_map(|r| {
                    let mut v = vec![r.url_to.clone()];
                    if let Some(i) = &r.image_url {
                        v.push(i.clone());
                    }
                    v
                })
                .filter(|u| !u.contains("//0pointer.de/"))
                .map(|u| (c.url.clone(), u))
                .collect()
        };
        // Image sources on the page's own host are internal (not emitted) on both sides, but
        // the HTML path reports them as image_url of linked images: filtered above.
        assert_eq!(targets(h), targets(w), "{}", w.url);
        let hp = h.page.as_ref();
        let wp = w.page.as_ref();
        assert_eq!(
            hp.map(|p| (p.internal_links, p.external_links, p.title.clone())),
            wp.map(|p| (p.internal_links, p.external_links, p.title.clone())),
            "{}",
            w.url
        );
    }
}

#[test]
fn truncated_wats_are_reported_not_fatal() {
    for name in [
        "cc2019-pycommoncrawl-file0.warc.wat.gz",
        "cc2019-pycommoncrawl-file1.warc.wat.gz",
        "cc-priyanlc-sample.warc.wat.gz",
    ] {
        let reader = WarcReader::open(&data(&format!("wat-samples/truncated/{name}"))).unwrap();
        let (mut ok, mut err) = (0, 0);
        for c in Captures::new(reader, 0) {
            match c {
                Ok(_) => ok += 1,
                Err(e) => {
                    assert!(e.to_string().contains("offset"), "{e}");
                    err += 1;
                }
            }
        }
        eprintln!("{name}: {ok} captures, {err} errors");
        assert_eq!(
            err > 0,
            name != "cc2019-pycommoncrawl-file1.warc.wat.gz",
            "{name}"
        );
    }
}
