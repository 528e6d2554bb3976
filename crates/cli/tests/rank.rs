//! The real `linkdex rank` in a temp dir: progress per iteration, ranks written as one commit,
//! imported ranks kept unless `--recompute`, and a rank killed mid-rewrite leaves a valid index
//! at the previous or the next commit.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};

mod common;
use common::linkdex;

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const LINES: &str = r#"{"url_from":"https://a.com/","url_to":"https://b.com/"}
{"url_from":"https://b.com/","url_to":"https://c.com/"}
{"url_from":"https://c.com/","url_to":"https://a.com/"}
{"url_from":"https://d.com/","url_to":"https://a.com/"}
{"url_from":"https://e.com/","url_to":"https://a.com/","rank":123}
"#;

/// Referring host -> its per-target `rank` in a domain_intersection answer for `target`.
fn ranks_of(data: &Path, target: &str) -> BTreeMap<String, u64> {
    let body = format!(r#"[{{"targets":{{"1":"{target}"}}}}]"#);
    let q = data.with_extension("q.json");
    std::fs::write(&q, body).unwrap();
    let out = linkdex(data, &["query", q.to_str().unwrap()]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["tasks"][0]["result"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let m = &i["domain_intersection"]["1"];
            (
                m["target"].as_str().unwrap().to_string(),
                m["rank"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn rank_writes_ranks_as_one_commit_and_keeps_imported_ones() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("idx");
    let file = dir.path().join("in.jsonl");
    std::fs::write(&file, LINES).unwrap();
    assert!(linkdex(&data, &["import", file.to_str().unwrap()])
        .status
        .success());
    assert_eq!(ranks_of(&data, "b.com")["a.com"], 0, "no ranks before");

    let out = linkdex(&data, &["rank"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("rank: pages iteration 1: residual"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("rank: hosts iteration 1: residual"));
    assert!(
        stdout(&out).contains("ranked 5 records (4 filled, 1 kept their ranks): 5 pages"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("generation 2"), "{}", stdout(&out));
    assert!(
        ranks_of(&data, "b.com")["a.com"] > 0,
        "a.com passes rank to b.com"
    );
    let into_a = ranks_of(&data, "a.com");
    assert_eq!(into_a["e.com"], 123, "imported rank kept");
    assert!(into_a["c.com"] > 0 && into_a["d.com"] > 0, "{into_a:?}");
    let verify = linkdex(&data, &["verify"]);
    assert!(
        stdout(&verify).contains("ok: 5 records in 1 segments"),
        "{}",
        stdout(&verify)
    );

    let again = linkdex(&data, &["rank", "--recompute", "--threads", "1"]);
    assert!(
        stdout(&again).contains("(5 filled, 0 kept their ranks)"),
        "{}",
        stdout(&again)
    );
    assert_ne!(ranks_of(&data, "a.com")["e.com"], 123, "recomputed");
}

#[test]
fn a_killed_rank_leaves_a_valid_commit() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("idx");
    let gen = linkdex(&data, &["gen", "--records", "40000"]);
    assert!(gen.status.success(), "{}", stderr(&gen));
    let before = stdout(&linkdex(&data, &["verify"]));
    let records = before.split_whitespace().nth(1).unwrap().to_string();

    let mut child = Command::new(env!("CARGO_BIN_EXE_linkdex"))
        .arg("--data")
        .arg(&data)
        .args(["rank", "--recompute"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let writing = lines.any(|l| l.is_ok_and(|l| l == "rank: writing"));
    assert!(writing, "rank reached the rewrite");
    std::thread::sleep(std::time::Duration::from_millis(20));
    child.kill().unwrap();
    child.wait().unwrap();

    let after = linkdex(&data, &["verify"]);
    assert!(after.status.success(), "{}", stderr(&after));
    let now = stdout(&after);
    assert_eq!(now.split_whitespace().nth(1).unwrap(), records, "{now}");
    // The next writer cleans up after the killed one, and ranks then run to completion.
    let out = linkdex(&data, &["rank"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let files = std::fs::read_dir(&data)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("seg-"))
        .count();
    assert_eq!(files, 1);
}
