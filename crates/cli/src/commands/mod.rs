pub mod bench;
pub mod clickhouse;
pub mod gen;
pub mod import;
pub mod ingest;
pub mod query;
pub mod rank;
pub mod serve;

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use linkdex_store::Index;

pub fn verify(data: &Path) -> anyhow::Result<ExitCode> {
    let index = Index::open(data)?;
    let (segments, records) = index.verify().context("index is corrupt")?;
    println!("ok: {records} records in {segments} segments, every checksum and invariant holds");
    Ok(ExitCode::SUCCESS)
}

pub fn merge(data: &Path) -> anyhow::Result<ExitCode> {
    let index = Index::open(data)?;
    let mut writer = index.writer()?;
    let generation = writer.merge_all()?;
    println!("merged into generation {generation}");
    Ok(ExitCode::SUCCESS)
}
