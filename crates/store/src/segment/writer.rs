//! Builds a segment file from records pushed in segment order, streaming: memory holds one block
//! of records plus the pair table and host strings.

use std::cmp::Ordering;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use linkdex_model::Record;

use super::format::*;
use crate::error::{Result, StoreError};

/// The order of records in a segment: target host (labels reversed), referring host, then key.
pub fn segment_order(a: &Record, b: &Record) -> Ordering {
    if a.domain_to != b.domain_to {
        return host_order_key(&a.domain_to).cmp(&host_order_key(&b.domain_to));
    }
    same_target_order(a, b)
}

/// [`segment_order`] for two records of the same target host.
pub fn same_target_order(a: &Record, b: &Record) -> Ordering {
    a.domain_from
        .cmp(&b.domain_from)
        .then_with(|| a.url_from.cmp(&b.url_from))
        .then_with(|| a.url_to.cmp(&b.url_to))
        .then_with(|| a.item_type.cmp(&b.item_type))
}

/// Where the writer stands: the open pair and target while records stream in.
struct Open {
    target_host: String,
    from: String,
    record_start: u64,
    live: crate::stats::StatsBuilder,
}

pub struct SegmentWriter {
    path: PathBuf,
    out: BufWriter<File>,
    crc: crc32fast::Hasher,
    offset: u64,
    block: Vec<Record>,
    meta: SegmentMeta,
    /// Referring host of each pair, as text until `finish` assigns ids.
    pair_from: Vec<String>,
    open: Option<Open>,
    /// Aggregates of the pairs since the last stats chunk.
    stats: Vec<crate::stats::PairStats>,
    /// The last record of the previous block, for the order check across blocks.
    last: Option<Record>,
}

impl SegmentWriter {
    pub fn create(path: &Path) -> Result<SegmentWriter> {
        let file = File::create(path).map_err(StoreError::io(path))?;
        let mut w = SegmentWriter {
            path: path.to_path_buf(),
            out: BufWriter::with_capacity(1 << 20, file),
            crc: crc32fast::Hasher::new(),
            offset: 0,
            block: Vec::with_capacity(BLOCK_RECORDS),
            meta: SegmentMeta::default(),
            pair_from: Vec::new(),
            open: None,
            stats: Vec::new(),
            last: None,
        };
        w.write(HEAD_MAGIC)?;
        Ok(w)
    }

    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.out
            .write_all(bytes)
            .map_err(StoreError::io(&self.path))?;
        self.crc.update(bytes);
        self.offset += bytes.len() as u64;
        Ok(())
    }

    /// Appends a record; it must come strictly after the previous one in [`segment_order`].
    pub fn push(&mut self, record: Record) -> Result<()> {
        let last = self.block.last().or(self.last.as_ref());
        if let Some(last) = last {
            if segment_order(last, &record) != Ordering::Less {
                return Err(StoreError::Order {
                    what: format!(
                        "{} -> {} after {} -> {}",
                        record.url_from, record.url_to, last.url_from, last.url_to
                    ),
                });
            }
        }
        let index = self.meta.record_count;
        let new_target = self
            .open
            .as_ref()
            .is_none_or(|o| o.target_host != record.domain_to);
        let new_pair = new_target
            || self
                .open
                .as_ref()
                .is_some_and(|o| o.from != record.domain_from);
        if new_pair {
            self.close_pair(index);
            if new_target {
                if self.stats.len() >= STATS_CHUNK_PAIRS {
                    self.flush_stats()?;
                }
                self.meta.targets.push(TargetEntry {
                    host: record.domain_to.clone(),
                    pair_start: self.meta.pairs.len() as u32,
                });
            }
            self.open = Some(Open {
                target_host: record.domain_to.clone(),
                from: record.domain_from.clone(),
                record_start: index,
                live: Default::default(),
            });
        }
        if !record.is_lost {
            if let Some(open) = self.open.as_mut() {
                open.live.add(&record);
            }
        }
        self.meta.record_count += 1;
        self.block.push(record);
        if self.block.len() >= BLOCK_RECORDS {
            self.flush_block()?;
        }
        Ok(())
    }

    fn close_pair(&mut self, end: u64) {
        if let Some(open) = self.open.take() {
            self.meta.pairs.push(Pair {
                from: 0,
                record_start: open.record_start,
                record_count: (end - open.record_start) as u32,
            });
            self.pair_from.push(open.from);
            self.stats.push(open.live.finish());
        }
    }

    /// Writes the aggregates gathered since the last chunk as one chunk.
    fn flush_stats(&mut self) -> Result<()> {
        if self.stats.is_empty() {
            return Ok(());
        }
        let first_pair = (self.meta.pairs.len() - self.stats.len()) as u32;
        let raw = postcard::to_stdvec(&self.stats)
            .map_err(|e| StoreError::corrupt(&self.path, self.offset, e.to_string()))?;
        let packed = zstd::bulk::compress(&raw, ZSTD_LEVEL).map_err(StoreError::io(&self.path))?;
        self.meta.stats_chunks.push(StatsChunk {
            offset: self.offset,
            len: packed.len() as u32,
            first_pair,
        });
        self.write(&packed)?;
        self.stats.clear();
        Ok(())
    }

    fn flush_block(&mut self) -> Result<()> {
        if self.block.is_empty() {
            return Ok(());
        }
        let first_record = self.meta.record_count - self.block.len() as u64;
        let raw = postcard::to_stdvec(&self.block)
            .map_err(|e| StoreError::corrupt(&self.path, self.offset, e.to_string()))?;
        let packed = zstd::bulk::compress(&raw, ZSTD_LEVEL).map_err(StoreError::io(&self.path))?;
        self.meta.blocks.push(BlockRef {
            offset: self.offset,
            len: packed.len() as u32,
            first_record,
        });
        self.write(&packed)?;
        self.last = self.block.pop();
        self.block.clear();
        Ok(())
    }

    /// Writes the meta and footer and syncs the file. Returns (records, bytes, crc32).
    pub fn finish(mut self) -> Result<(u64, u64, u32)> {
        self.flush_block()?;
        self.close_pair(self.meta.record_count);
        self.flush_stats()?;
        let mut hosts: Vec<String> = self.pair_from.clone();
        hosts.sort_unstable();
        hosts.dedup();
        for (pair, from) in self.meta.pairs.iter_mut().zip(&self.pair_from) {
            pair.from = hosts.binary_search(from).unwrap_or_default() as u32;
        }
        self.meta.from_hosts = hosts;
        let raw = postcard::to_stdvec(&self.meta)
            .map_err(|e| StoreError::corrupt(&self.path, self.offset, e.to_string()))?;
        let packed = zstd::bulk::compress(&raw, ZSTD_LEVEL).map_err(StoreError::io(&self.path))?;
        let meta_offset = self.offset;
        self.write(&packed)?;
        let crc = self.crc.clone().finalize();
        let foot = footer(meta_offset, packed.len() as u64, crc);
        self.out
            .write_all(&foot)
            .map_err(StoreError::io(&self.path))?;
        let bytes = self.offset + FOOTER_LEN as u64;
        let file = self.out.into_inner().map_err(|e| StoreError::Io {
            path: self.path.clone(),
            source: e.into_error(),
        })?;
        file.sync_all().map_err(StoreError::io(&self.path))?;
        Ok((self.meta.record_count, bytes, crc))
    }
}
