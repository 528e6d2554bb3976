//! Hand-made WARC files through the whole ingest path: captures are applied in WARC-Date
//! order whatever the file order, and a redirect seen in the archive makes indirect links.

mod common;

use std::path::{Path, PathBuf};

use common::{ingest_paths, stored};
use linkdex_model::{parse_time, ItemType, RecordKey};
use linkdex_store::Index;

fn response(url: &str, date: &str, http: &str) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: {date}\r\n\
         Content-Type: application/http;msgtype=response\r\nContent-Length: {}\r\n\r\n",
        http.len()
    )
    .into_bytes();
    out.extend_from_slice(http.as_bytes());
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn page(url: &str, date: &str, hrefs: &[&str]) -> Vec<u8> {
    let links: String = hrefs
        .iter()
        .map(|h| format!("<a href=\"{h}\">x</a>"))
        .collect();
    let body = format!("<html><body>{links}</body></html>");
    let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{body}");
    response(url, date, &http)
}

fn write(dir: &Path, name: &str, records: &[Vec<u8>]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, records.concat()).unwrap();
    path
}

fn key(from: &str, to: &str) -> RecordKey {
    (from.to_string(), to.to_string(), ItemType::Anchor)
}

const A: &str = "https://a.com/";

#[test]
fn a_newer_file_given_first_is_still_applied_last() {
    let dir = tempfile::tempdir().unwrap();
    let newer = write(
        dir.path(),
        "newer.warc",
        &[
            page(
                A,
                "2024-02-01T00:00:00Z",
                &["https://b.org/", "https://x.com/old"],
            ),
            response(
                "https://x.com/old",
                "2024-02-02T00:00:00Z",
                "HTTP/1.1 301 Moved Permanently\r\nLocation: https://y.com/new\r\n\r\n",
            ),
            response(
                "https://b.org/",
                "2024-02-03T00:00:00Z",
                "HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\ngone",
            ),
        ],
    );
    let older = write(
        dir.path(),
        "older.warc",
        &[page(
            A,
            "2024-01-01T00:00:00Z",
            &["https://b.org/", "https://c.net/"],
        )],
    );
    let idx = dir.path().join("idx");
    let index = Index::open(&idx).unwrap();
    let report = ingest_paths(&index, &[newer, older]);
    assert_eq!((report.captures, report.error_count), (4, 0));
    let s = stored(&idx);
    let t = |text: &str| parse_time(text).unwrap();

    let c = &s[&key(A, "https://c.net/")];
    assert!(c.is_lost, "c.net is gone from the newer capture");
    assert_eq!(c.lost_date, Some(t("2024-02-01 00:00:00")));
    assert_eq!(c.last_seen, t("2024-01-01 00:00:00"));

    let b = &s[&key(A, "https://b.org/")];
    assert!(!b.is_lost && b.is_broken);
    assert_eq!(b.url_to_status_code, Some(404));
    assert_eq!(
        (b.first_seen, b.prev_seen, b.last_seen),
        (
            t("2024-01-01 00:00:00"),
            Some(t("2024-01-01 00:00:00")),
            t("2024-02-01 00:00:00")
        )
    );

    let y = &s[&key(A, "https://y.com/new")];
    assert!(y.is_indirect_link && !y.is_lost);
    let hop = &y.indirect_link_path.as_ref().unwrap()[0];
    assert_eq!(
        (hop.kind.as_str(), hop.status_code, hop.url.as_str()),
        ("redirect", Some(301), "https://x.com/old")
    );
    // The redirect itself is a backlink of x.com/old.
    let r = (
        "https://x.com/old".to_string(),
        "https://y.com/new".to_string(),
        ItemType::Redirect,
    );
    assert!(s.contains_key(&r));
    index.verify().unwrap();

    // A later run in which b.org answers again un-breaks the stored record.
    let fixed = write(
        dir.path(),
        "fixed.warc",
        &[response(
            "https://b.org/",
            "2024-03-01T00:00:00Z",
            "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>back</p>",
        )],
    );
    ingest_paths(&index, &[fixed]);
    let b = &stored(&idx)[&key(A, "https://b.org/")];
    assert!(!b.is_broken);
    assert_eq!(b.url_to_status_code, Some(200));
}
