//! Shared helpers of the archive tests: paths into `shared/data`, ingest, the stored state.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use linkdex_ingest::{ingest, IngestOptions, IngestReport};
use linkdex_model::{Record, RecordKey};
use linkdex_store::Index;

pub fn data(rel: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data")).join(rel)
}

pub fn ingest_paths(index: &Index, files: &[PathBuf]) -> IngestReport {
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    let opts = IngestOptions {
        now: Some(1_700_000_000),
        ..IngestOptions::default()
    };
    ingest(index, &names, &opts, &mut |_| {}).unwrap()
}

/// Every stored record, folded across segments as readers see them.
pub fn stored(dir: &Path) -> BTreeMap<RecordKey, Record> {
    let snap = Index::open(dir).unwrap().snapshot().unwrap();
    let mut out: BTreeMap<RecordKey, Record> = BTreeMap::new();
    for seg in &snap.segments {
        for r in seg.iter() {
            let r = r.unwrap();
            let folded = match out.get(&r.key()) {
                Some(s) => Record::merge(s, &r),
                None => r,
            };
            out.insert(folded.key(), folded);
        }
    }
    out
}
