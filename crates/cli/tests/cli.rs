//! The real binary in a temp dir: import, query, verify, merge, and what a kill leaves behind.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

mod common;
use common::{linkdex, text};

const LINES: &str = r#"{"url_from":"https://www.xroxy.com/a","url_to":"https://moz.com/x","rank":500,"first_seen":"2022-06-17 19:02:31 +00:00","last_seen":"2023-01-01 00:00:00 +00:00"}
{"url_from":"https://www.xroxy.com/b","url_to":"https://ahrefs.com/","attributes":["nofollow"]}
not json at all
{"url_from":"https://third.org/"}
{"url_from":"https://third.org/","url_to":"https://ahrefs.com/","rank":"high"}
{"url_from":"https://third.org/","url_to":"https://moz.com/"}
"#;

#[test]
fn import_reports_each_bad_line_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.jsonl");
    std::fs::write(&file, LINES).unwrap();
    let out = linkdex(&dir.path().join("idx"), &["import", file.to_str().unwrap()]);
    let (stdout, stderr) = text(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "rejected lines make a non-zero exit"
    );
    assert!(stdout.contains("3 accepted, 3 rejected"), "{stdout}");
    assert!(stderr.contains("in.jsonl:3: not valid JSON"), "{stderr}");
    assert!(
        stderr.contains("in.jsonl:4: field 'url_to': required"),
        "{stderr}"
    );
    assert!(
        stderr.contains("in.jsonl:5: field 'rank': expected an integer"),
        "{stderr}"
    );
    let ok = linkdex(&dir.path().join("idx"), &["verify"]);
    assert!(text(&ok).0.contains("ok: 3 records"), "{:?}", text(&ok));
}

fn query(data: &Path, body: &str) -> serde_json::Value {
    let dir = data.parent().unwrap();
    let q = dir.join("q.json");
    std::fs::write(&q, body).unwrap();
    let out = linkdex(data, &["query", q.to_str().unwrap()]);
    assert!(out.status.success(), "{:?}", text(&out));
    let envelope: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(envelope["tasks"][0]["status_code"], 20000, "{envelope}");
    envelope["tasks"][0]["result"].clone()
}

#[test]
fn importing_the_same_file_twice_changes_no_answer() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("idx");
    let file = dir.path().join("in.jsonl");
    std::fs::write(&file, LINES).unwrap();
    let body = r#"[{"targets":{"1":"moz.com","2":"ahrefs.com"},"intersection_mode":"partial"}]"#;
    linkdex(
        &data,
        &["import", "--tolerate-errors", file.to_str().unwrap()],
    );
    let once = query(&data, body);
    linkdex(
        &data,
        &[
            "import",
            "--tolerate-errors",
            "--no-merge",
            file.to_str().unwrap(),
        ],
    );
    assert!(text(&linkdex(&data, &["verify"]))
        .0
        .contains("ok: 6 records in 2 segments"));
    let twice = query(&data, body);
    assert_eq!(once, twice);
    linkdex(&data, &["merge"]);
    assert_eq!(query(&data, body), once);
    assert!(text(&linkdex(&data, &["verify"]))
        .0
        .contains("ok: 3 records in 1 segments"));
}

/// `n` hosts of `prefix` that link to both moz.com and ahrefs.com: `2n` records in one JSONL file.
fn links(dir: &Path, prefix: &str, n: usize) -> String {
    let path = dir.join(format!("{prefix}.jsonl"));
    let lines: String = (0..n)
        .flat_map(|i| ["moz.com", "ahrefs.com"].map(|target| {
            format!("{{\"url_from\":\"https://{prefix}{i}.org/\",\"url_to\":\"https://{target}/\"}}\n")
        }))
        .collect();
    std::fs::write(&path, lines).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn an_import_past_a_quarter_of_the_first_segment_merges_unless_told_not_to() {
    let dir = tempfile::tempdir().unwrap();
    let (merged, kept) = (dir.path().join("merged"), dir.path().join("kept"));
    let files = [
        links(dir.path(), "a", 40),
        links(dir.path(), "b", 10),
        links(dir.path(), "c", 20),
    ];
    let segments = |data: &Path| {
        let out = text(&linkdex(data, &["verify"])).0;
        let n = out
            .split(" segments")
            .next()
            .and_then(|s| s.rsplit(' ').next());
        n.and_then(|n| n.parse::<usize>().ok()).expect(&out)
    };
    for data in [&merged, &kept] {
        for file in &files[..2] {
            let out = linkdex(data, &["import", file]);
            assert!(out.status.success(), "{:?}", text(&out));
            assert!(!text(&out).0.contains("merged"), "{:?}", text(&out));
        }
        assert_eq!(segments(data), 2, "20 records beside 80 stay a segment");
    }
    let out = linkdex(&merged, &["import", &files[2]]);
    assert!(
        text(&out).0.contains("segments merged into one"),
        "{:?}",
        text(&out)
    );
    assert_eq!(segments(&merged), 1, "60 records beside 80 are merged");
    let out = linkdex(&kept, &["import", "--no-merge", &files[2]]);
    assert!(!text(&out).0.contains("merged"), "{:?}", text(&out));
    assert_eq!(segments(&kept), 3);
    let body = r#"[{"targets":{"1":"moz.com","2":"ahrefs.com"},"limit":100}]"#;
    let answer = query(&merged, body);
    assert_eq!(answer[0]["total_count"], 70);
    assert_eq!(answer, query(&kept, body));
}

#[test]
fn verify_finds_a_flipped_byte() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("idx");
    let file = dir.path().join("in.jsonl");
    std::fs::write(&file, LINES).unwrap();
    linkdex(
        &data,
        &["import", "--tolerate-errors", file.to_str().unwrap()],
    );
    let seg = std::fs::read_dir(&data)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("seg-"))
        .unwrap()
        .path();
    let mut bytes = std::fs::read(&seg).unwrap();
    bytes[20] ^= 0x40;
    std::fs::write(&seg, bytes).unwrap();
    let out = linkdex(&data, &["verify"]);
    assert!(!out.status.success());
    assert!(
        text(&out).1.contains("checksum mismatch"),
        "{:?}",
        text(&out)
    );
}

/// A killed import leaves the index at its previous commit: same answer, verify passes.
#[test]
fn a_killed_import_leaves_the_previous_commit() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("idx");
    let file = dir.path().join("in.jsonl");
    std::fs::write(&file, LINES).unwrap();
    linkdex(
        &data,
        &["import", "--tolerate-errors", file.to_str().unwrap()],
    );
    let body = r#"[{"targets":{"1":"moz.com"}}]"#;
    let before = query(&data, body);

    // An import from stdin that never ends: kill it once it has written segments.
    let mut child = Command::new(env!("CARGO_BIN_EXE_linkdex"))
        .arg("--data")
        .arg(&data)
        .args(["import", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for i in 0..450_000 {
        writeln!(
            stdin,
            r#"{{"url_from":"https://spam{}.example/p","url_to":"https://moz.com/{i}"}}"#,
            i % 5000
        )
        .unwrap();
    }
    stdin.flush().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    child.kill().unwrap();
    child.wait().unwrap();
    drop(stdin);

    assert_eq!(query(&data, body), before);
    let out = linkdex(&data, &["verify"]);
    assert!(out.status.success(), "{:?}", text(&out));
}
