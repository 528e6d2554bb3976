//! Link extraction throughput on one core over the real HTML corpora (html-aeb and
//! html-python311-docs): pages/s and MB/s of HTML, decompression excluded (pages are
//! gunzipped into memory first). Run:
//! `cargo run --release -p linkdex-extract --example extract_bench [ROUNDS]`

use std::io::Read;
use std::path::PathBuf;
use std::time::Instant;

fn data() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"))
}

fn gunzip(p: &PathBuf) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(std::fs::File::open(p).unwrap())
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5);
    let mut pages: Vec<(String, Vec<u8>)> = Vec::new();
    let gt: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data().join("html-aeb/ground-truth.json")).unwrap())
            .unwrap();
    for (sha, o) in gt.as_object().unwrap() {
        let f = data().join(format!("html-aeb/html/{sha}.html.gz"));
        pages.push((o["url"].as_str().unwrap().to_string(), gunzip(&f)));
    }
    let manifest =
        std::fs::read_to_string(data().join("html-python311-docs/manifest.jsonl")).unwrap();
    for line in manifest.lines() {
        let o: serde_json::Value = serde_json::from_str(line).unwrap();
        let f = data()
            .join("html-python311-docs")
            .join(o["file"].as_str().unwrap());
        pages.push((o["url"].as_str().unwrap().to_string(), gunzip(&f)));
    }
    let bytes: usize = pages.iter().map(|(_, b)| b.len()).sum();
    let mut best = f64::MAX;
    let mut links = 0;
    for _ in 0..rounds {
        let t = Instant::now();
        links = 0;
        for (url, body) in &pages {
            let p = linkdex_extract::extract_html(url, body, Some("text/html")).unwrap();
            links += p.links.len() + (p.internal_links as usize);
        }
        best = best.min(t.elapsed().as_secs_f64());
    }
    println!(
        "pages={} bytes={} links={} best_of={} secs={:.3} pages_per_s={:.0} mb_per_s={:.1}",
        pages.len(),
        bytes,
        links,
        rounds,
        best,
        pages.len() as f64 / best,
        bytes as f64 / 1e6 / best
    );
}
