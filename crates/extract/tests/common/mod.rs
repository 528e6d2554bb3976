//! Shared helpers of the real-data tests: paths into `shared/data` and gzip reading.
#![allow(dead_code)]

use std::io::Read;
use std::path::PathBuf;

pub fn data(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(rel)
}

pub fn gunzip(rel: &str) -> Vec<u8> {
    let f = std::fs::File::open(data(rel)).unwrap();
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(f)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// (url, gzipped file) of the 181 html-aeb pages.
pub fn aeb_pages() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(data("html-aeb/ground-truth.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut out: Vec<(String, String)> = v
        .as_object()
        .unwrap()
        .iter()
        .map(|(sha, o)| {
            let url = o["url"].as_str().unwrap().to_string();
            (url, format!("html-aeb/html/{sha}.html.gz"))
        })
        .collect();
    out.sort();
    out
}
