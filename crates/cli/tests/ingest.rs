//! The real `linkdex ingest` binary over the real archives in `shared/data`.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

fn data(rel: &str) -> String {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
        .join(rel)
        .display()
        .to_string()
}

mod common;
use common::{linkdex, text};

#[test]
fn ingest_reports_corrupt_records_keeps_the_rest_and_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let warc = data("warc-samples/cc2014-CC-MAIN-20140820021334-00006.warc");
    let cut = data("wat-samples/truncated/cc2019-pycommoncrawl-file0.warc.wat.gz");
    let out = linkdex(&idx, &["ingest", &cut, &warc]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("file0.warc.wat.gz: corrupt record at offset 532"),
        "{stderr}"
    );
    assert!(
        stdout.contains("00006.warc: 4 captures, 13 records, 0 errors"),
        "{stdout}"
    );
    assert!(stdout.contains("total: 2 files, 4 captures"), "{stdout}");
    let ok = linkdex(&idx, &["verify"]);
    assert!(ok.status.success(), "{:?}", text(&ok));
    assert!(text(&ok).0.starts_with("ok: "), "{:?}", text(&ok));

    // Tolerated, the same run exits 0 and changes no answer.
    let q = dir.path().join("q.json");
    std::fs::write(
        &q,
        r#"[{"targets":{"1":"creativecommons.org"},"limit":100}]"#,
    )
    .unwrap();
    let query = || {
        let out = linkdex(&idx, &["query", q.to_str().unwrap()]);
        assert!(out.status.success(), "{:?}", text(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["tasks"][0]["result"].clone()
    };
    let before = query();
    assert_eq!(before[0]["total_count"], 1, "{before}");
    let again = linkdex(&idx, &["ingest", "--tolerate-errors", &cut, &warc]);
    assert!(again.status.success(), "{:?}", text(&again));
    assert_eq!(query(), before);
    assert!(linkdex(&idx, &["verify"]).status.success());
}

#[test]
fn ingest_reads_stdin_and_answers_queries() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let bytes = std::fs::read(data("warc-samples/dolma-sample-0001.warc.gz")).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_linkdex"))
        .arg("--data")
        .arg(&idx)
        .args(["ingest", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{:?}", text(&out));
    assert!(text(&out).0.contains("-: 15 captures"), "{:?}", text(&out));

    // allenai.org links github.com/allenai and twitter.com/allen_ai (checked in the HTML).
    let q = dir.path().join("q.json");
    let body = r#"[{"targets":{"1":"github.com","2":"twitter.com"},"limit":100}]"#;
    std::fs::write(&q, body).unwrap();
    let out = linkdex(&idx, &["query", q.to_str().unwrap()]);
    assert!(out.status.success(), "{:?}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let items = v["tasks"][0]["result"][0]["items"]
        .as_array()
        .unwrap()
        .clone();
    let hosts: Vec<&str> = items
        .iter()
        .map(|i| i["domain_intersection"]["1"]["target"].as_str().unwrap())
        .collect();
    assert!(hosts.contains(&"allenai.org"), "{hosts:?}");
    assert!(!hosts.contains(&"creativecommons.org"), "{hosts:?}");
}

/// Ranks computed over ingested real pages reach domain_intersection: every referring host that
/// links to github.com with a dofollow link passes it a non-zero rank after `linkdex rank`.
#[test]
fn ranks_over_ingested_archives_reach_the_query() {
    let dir = tempfile::tempdir().unwrap();
    let idx = dir.path().join("idx");
    let files = [
        "warc-samples/dolma-sample-0000.warc.gz",
        "warc-samples/dolma-sample-0001.warc.gz",
    ]
    .map(data);
    let mut args = vec!["ingest"];
    args.extend(files.iter().map(String::as_str));
    assert!(linkdex(&idx, &args).status.success());
    let body = r#"[{"targets":{"1":"github.com"},"backlinks_filters":["dofollow","=",true],"limit":1000}]"#;
    let q = dir.path().join("q.json");
    std::fs::write(&q, body).unwrap();
    let ranks = |idx: &std::path::Path| -> Vec<(String, u64)> {
        let out = linkdex(idx, &["query", q.to_str().unwrap()]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["tasks"][0]["result"][0]["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|it| {
                (
                    it["domain_intersection"]["1"]["target"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    it["domain_intersection"]["1"]["rank"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let before = ranks(&idx);
    assert!(before.len() >= 3, "{before:?}");
    assert!(
        before.iter().all(|(_, r)| *r == 0),
        "archives carry no ranks before `rank`"
    );
    let out = linkdex(&idx, &["rank"]);
    assert!(out.status.success(), "{:?}", text(&out));
    let after = ranks(&idx);
    assert_eq!(after.len(), before.len());
    assert!(after.iter().all(|(_, r)| *r > 0), "{after:?}");
}
