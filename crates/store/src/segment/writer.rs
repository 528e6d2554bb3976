//! Builds a segment file from records pushed in segment order, streaming: memory holds one block
//! of records, the columns (a few bytes per pair) and the distinct referring hosts.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use linkdex_model::{registrable_domain, Record};

use super::format::*;
use crate::error::{Result, StoreError};
use crate::stats::{scale, PairStats, StatsBuilder};

/// The order of records in a segment: target host (labels reversed), referring host, then key.
pub fn segment_order(a: &Record, b: &Record) -> Ordering {
    if a.domain_to != b.domain_to {
        return cmp_host_order(&a.domain_to, &b.domain_to);
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
    live: StatsBuilder,
}

/// Fixed-width little-endian column being built.
#[derive(Default)]
struct Column(Vec<u8>);

impl Column {
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }

    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
}

pub struct SegmentWriter {
    path: PathBuf,
    out: BufWriter<File>,
    crc: crc32fast::Hasher,
    offset: u64,
    block: Vec<Record>,
    meta: SegmentMeta,
    open: Option<Open>,
    /// Order keys of the targets so far, concatenated, and where each starts.
    target_keys: Vec<u8>,
    target_key_offsets: Column,
    target_pairs: Column,
    /// Referring host of each pair as a provisional id (first-seen order) until `finish`
    /// sorts the hosts.
    host_ids: HashMap<String, u32>,
    pair_from: Vec<u32>,
    pair_counts: Column,
    frame_records: Column,
    pair_hot: Column,
    /// Aggregates of the pairs since the last stats frame.
    stats: Vec<PairStats>,
    frames: Column,
    warm_offsets: Column,
    warm: Vec<u8>,
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
            open: None,
            target_keys: Vec::new(),
            target_key_offsets: Column::default(),
            target_pairs: Column::default(),
            host_ids: HashMap::new(),
            pair_from: Vec::new(),
            pair_counts: Column::default(),
            frame_records: Column::default(),
            pair_hot: Column::default(),
            stats: Vec::with_capacity(STATS_FRAME_PAIRS),
            frames: Column::default(),
            warm_offsets: Column::default(),
            warm: Vec::new(),
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
            self.close_pair()?;
            if new_target {
                self.target_key_offsets.u64(self.target_keys.len() as u64);
                self.target_keys
                    .extend_from_slice(host_order_key(&record.domain_to).as_bytes());
                self.target_pairs.u32(self.pair_from.len() as u32);
                self.meta.target_count += 1;
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

    fn close_pair(&mut self) -> Result<()> {
        let Some(open) = self.open.take() else {
            return Ok(());
        };
        let internal = registrable_domain(&open.from) == registrable_domain(&open.target_host);
        let next = self.host_ids.len() as u32;
        let id = *self.host_ids.entry(open.from).or_insert(next);
        self.pair_from.push(id);
        self.pair_counts
            .u32((self.meta.record_count - open.record_start) as u32);
        let stats = open.live.finish();
        let hot = Hot::new(
            scale(stats.cold.rank_mass),
            stats.warm.records > 0,
            stats.cold.indirect > 0,
            internal,
        );
        self.pair_hot.u32(hot.0);
        if self.stats.is_empty() {
            self.warm_offsets.u64(self.warm.len() as u64);
            self.frame_records.u64(open.record_start);
        }
        self.warm = postcard::to_extend(&stats.warm, std::mem::take(&mut self.warm))
            .map_err(|e| StoreError::corrupt(&self.path, self.offset, e.to_string()))?;
        self.stats.push(stats);
        if self.stats.len() == STATS_FRAME_PAIRS {
            self.flush_frame()?;
        }
        Ok(())
    }

    /// Writes the aggregates gathered since the last frame as one frame.
    fn flush_frame(&mut self) -> Result<()> {
        if self.stats.is_empty() {
            return Ok(());
        }
        let mut ends = Column::default();
        let mut body = Vec::new();
        for stats in &self.stats {
            body = postcard::to_extend(&stats.cold, body)
                .map_err(|e| StoreError::corrupt(&self.path, self.offset, e.to_string()))?;
            ends.u32(body.len() as u32);
        }
        let mut raw = Column::default();
        raw.u32(self.stats.len() as u32);
        raw.0.extend_from_slice(&ends.0);
        raw.0.extend_from_slice(&body);
        let packed =
            zstd::bulk::compress(&raw.0, ZSTD_LEVEL).map_err(StoreError::io(&self.path))?;
        self.frames.u64(self.offset);
        self.frames.u32(packed.len() as u32);
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

    /// Writes one column and returns where it is.
    fn section(&mut self, bytes: &[u8]) -> Result<Section> {
        let offset = self.offset;
        self.write(bytes)?;
        Ok(Section {
            offset,
            len: bytes.len() as u64,
        })
    }

    /// Writes the columns, meta and footer and syncs the file. Returns (records, bytes, crc32).
    pub fn finish(mut self) -> Result<(u64, u64, u32)> {
        self.flush_block()?;
        self.close_pair()?;
        self.flush_frame()?;
        let pairs = self.pair_from.len();
        let frame_count = self.frames.0.len() / 12;
        self.target_key_offsets.u64(self.target_keys.len() as u64);
        self.target_pairs.u32(pairs as u32);
        // Host ids in byte order, so a target's pairs (sorted by host) have increasing ids.
        let mut hosts: Vec<(String, u32)> =
            std::mem::take(&mut self.host_ids).into_iter().collect();
        hosts.sort_unstable();
        let mut sorted_id = vec![0u32; hosts.len()];
        let (mut host_offsets, mut host_bytes) = (Column::default(), Vec::new());
        for (i, (host, provisional)) in hosts.iter().enumerate() {
            sorted_id[*provisional as usize] = i as u32;
            host_offsets.u64(host_bytes.len() as u64);
            host_bytes.extend_from_slice(host.as_bytes());
        }
        host_offsets.u64(host_bytes.len() as u64);
        let mut pair_from = Column::default();
        for &p in &self.pair_from {
            pair_from.u32(sorted_id[p as usize]);
        }
        let target_key_offsets = std::mem::take(&mut self.target_key_offsets.0);
        let target_keys = std::mem::take(&mut self.target_keys);
        let target_pairs = std::mem::take(&mut self.target_pairs.0);
        let pair_counts = std::mem::take(&mut self.pair_counts.0);
        let frame_records = std::mem::take(&mut self.frame_records.0);
        let pair_hot = std::mem::take(&mut self.pair_hot.0);
        let frames = std::mem::take(&mut self.frames.0);
        let warm_offsets = std::mem::take(&mut self.warm_offsets.0);
        let warm = std::mem::take(&mut self.warm);
        self.meta.columns = Columns {
            target_key_offsets: self.section(&target_key_offsets)?,
            target_keys: self.section(&target_keys)?,
            target_pairs: self.section(&target_pairs)?,
            host_offsets: self.section(&host_offsets.0)?,
            host_bytes: self.section(&host_bytes)?,
            pair_from: self.section(&pair_from.0)?,
            pair_counts: self.section(&pair_counts)?,
            frame_records: self.section(&frame_records)?,
            pair_hot: self.section(&pair_hot)?,
            frames: self.section(&frames)?,
            warm_offsets: self.section(&warm_offsets)?,
            warm: self.section(&warm)?,
        };
        self.meta.host_count = hosts.len() as u32;
        self.meta.pair_count = pairs as u32;
        self.meta.frame_count = frame_count as u32;
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
