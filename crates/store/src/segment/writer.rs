//! Builds a segment file from records pushed in segment order, streaming: memory holds one block
//! of records, the columns (a few bytes per pair) and the distinct referring hosts.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::JoinHandle;

use linkdex_model::{registrable_domain, Record, RecordRef};

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

/// The file being written, with its running checksum.
struct Out {
    path: PathBuf,
    file: BufWriter<File>,
    crc: crc32fast::Hasher,
    offset: u64,
}

impl Out {
    fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.file
            .write_all(bytes)
            .map_err(StoreError::io(&self.path))?;
        self.crc.update(bytes);
        self.offset += bytes.len() as u64;
        Ok(())
    }

    /// Writes `bytes` and returns where they are: (offset, length).
    fn place(&mut self, bytes: &[u8]) -> Result<(u64, u32)> {
        let offset = self.offset;
        self.write(bytes)?;
        Ok((offset, bytes.len() as u32))
    }
}

/// Work for the compressing thread, in file order.
enum Job {
    Block(Vec<Record>),
    /// A stats frame, uncompressed.
    Frame(Vec<u8>),
}

/// Where the compressing thread wrote the blocks and frames, in the order they were sent.
struct Placed {
    out: Out,
    blocks: Vec<(u64, u32)>,
    frames: Vec<(u64, u32)>,
}

/// The compressing thread: encodes and compresses blocks and frames and appends them to the
/// file, while the writer's thread aggregates the records that follow.
fn compress_and_write(mut out: Out, jobs: Receiver<Job>) -> Result<Placed> {
    let mut zstd = zstd::bulk::Compressor::new(ZSTD_LEVEL).map_err(StoreError::io(&out.path))?;
    let (mut blocks, mut frames) = (Vec::new(), Vec::new());
    for job in jobs {
        match job {
            Job::Block(records) => {
                let raw = postcard::to_stdvec(&records)
                    .map_err(|e| StoreError::corrupt(&out.path, out.offset, e.to_string()))?;
                let packed = zstd.compress(&raw).map_err(StoreError::io(&out.path))?;
                blocks.push(out.place(&packed)?);
            }
            Job::Frame(raw) => {
                let packed = zstd.compress(&raw).map_err(StoreError::io(&out.path))?;
                frames.push(out.place(&packed)?);
            }
        }
    }
    Ok(Placed {
        out,
        blocks,
        frames,
    })
}

/// Blocks and frames in flight to the compressing thread (memory: this many blocks).
const JOBS_IN_FLIGHT: usize = 16;

pub struct SegmentWriter {
    path: PathBuf,
    jobs: Option<SyncSender<Job>>,
    worker: Option<JoinHandle<Result<Placed>>>,
    block: Vec<Record>,
    /// The first record of each block sent.
    block_firsts: Vec<u64>,
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
    warm_offsets: Column,
    warm: Vec<u8>,
    /// The last record of the previous block, for the order check across blocks.
    last: Option<Record>,
}

impl SegmentWriter {
    pub fn create(path: &Path) -> Result<SegmentWriter> {
        let file = File::create(path).map_err(StoreError::io(path))?;
        let mut out = Out {
            path: path.to_path_buf(),
            file: BufWriter::with_capacity(1 << 20, file),
            crc: crc32fast::Hasher::new(),
            offset: 0,
        };
        out.write(HEAD_MAGIC)?;
        let (jobs, receiver) = sync_channel(JOBS_IN_FLIGHT);
        let worker = std::thread::spawn(move || compress_and_write(out, receiver));
        Ok(SegmentWriter {
            path: path.to_path_buf(),
            jobs: Some(jobs),
            worker: Some(worker),
            block: Vec::with_capacity(BLOCK_RECORDS),
            block_firsts: Vec::new(),
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
            warm_offsets: Column::default(),
            warm: Vec::new(),
            last: None,
        })
    }

    /// Hands a block or frame to the compressing thread; if it has stopped, its error.
    fn send(&mut self, job: Job) -> Result<()> {
        let sent = self.jobs.as_ref().map(|jobs| jobs.send(job).is_ok());
        if sent == Some(true) {
            return Ok(());
        }
        match self.join_worker() {
            Err(e) => Err(e),
            Ok(_) => Err(StoreError::corrupt(
                &self.path,
                0,
                "the compressing thread stopped early",
            )),
        }
    }

    /// Waits for the compressing thread to write everything sent.
    fn join_worker(&mut self) -> Result<Placed> {
        self.jobs = None;
        let worker = self
            .worker
            .take()
            .ok_or_else(|| StoreError::corrupt(&self.path, 0, "the compressing thread is gone"))?;
        worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
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
                open.live.add(&RecordRef::of(&record));
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
            .map_err(|e| StoreError::corrupt(&self.path, 0, e.to_string()))?;
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
                .map_err(|e| StoreError::corrupt(&self.path, 0, e.to_string()))?;
            ends.u32(body.len() as u32);
        }
        let mut raw = Column::default();
        raw.u32(self.stats.len() as u32);
        raw.0.extend_from_slice(&ends.0);
        raw.0.extend_from_slice(&body);
        self.stats.clear();
        self.send(Job::Frame(raw.0))
    }

    fn flush_block(&mut self) -> Result<()> {
        if self.block.is_empty() {
            return Ok(());
        }
        self.block_firsts
            .push(self.meta.record_count - self.block.len() as u64);
        self.last = self.block.last().cloned();
        let block = std::mem::replace(&mut self.block, Vec::with_capacity(BLOCK_RECORDS));
        self.send(Job::Block(block))
    }

    /// Writes the columns, meta and footer and syncs the file. Returns (records, bytes, crc32).
    pub fn finish(mut self) -> Result<(u64, u64, u32)> {
        self.flush_block()?;
        self.close_pair()?;
        self.flush_frame()?;
        let Placed {
            mut out,
            blocks,
            frames: frame_places,
        } = self.join_worker()?;
        if blocks.len() != self.block_firsts.len() {
            return Err(StoreError::corrupt(
                &self.path,
                out.offset,
                "the compressing thread lost a block",
            ));
        }
        self.meta.blocks = self
            .block_firsts
            .iter()
            .zip(blocks)
            .map(|(&first_record, (offset, len))| BlockRef {
                offset,
                len,
                first_record,
            })
            .collect();
        let mut frames = Column::default();
        for &(offset, len) in &frame_places {
            frames.u64(offset);
            frames.u32(len);
        }
        let pairs = self.pair_from.len();
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
        let mut section = |bytes: &[u8]| -> Result<Section> {
            let (offset, _) = out.place(bytes)?;
            Ok(Section {
                offset,
                len: bytes.len() as u64,
            })
        };
        self.meta.columns = Columns {
            target_key_offsets: section(&self.target_key_offsets.0)?,
            target_keys: section(&self.target_keys)?,
            target_pairs: section(&self.target_pairs.0)?,
            host_offsets: section(&host_offsets.0)?,
            host_bytes: section(&host_bytes)?,
            pair_from: section(&pair_from.0)?,
            pair_counts: section(&self.pair_counts.0)?,
            frame_records: section(&self.frame_records.0)?,
            pair_hot: section(&self.pair_hot.0)?,
            frames: section(&frames.0)?,
            warm_offsets: section(&self.warm_offsets.0)?,
            warm: section(&self.warm)?,
        };
        self.meta.host_count = hosts.len() as u32;
        self.meta.pair_count = pairs as u32;
        self.meta.frame_count = frame_places.len() as u32;
        let raw = postcard::to_stdvec(&self.meta)
            .map_err(|e| StoreError::corrupt(&self.path, out.offset, e.to_string()))?;
        let packed = zstd::bulk::compress(&raw, ZSTD_LEVEL).map_err(StoreError::io(&self.path))?;
        let (meta_offset, _) = out.place(&packed)?;
        let crc = out.crc.clone().finalize();
        let foot = footer(meta_offset, packed.len() as u64, crc);
        out.file
            .write_all(&foot)
            .map_err(StoreError::io(&self.path))?;
        let bytes = out.offset + FOOTER_LEN as u64;
        let file = out.file.into_inner().map_err(|e| StoreError::Io {
            path: self.path.clone(),
            source: e.into_error(),
        })?;
        file.sync_all().map_err(StoreError::io(&self.path))?;
        Ok((self.meta.record_count, bytes, crc))
    }
}
