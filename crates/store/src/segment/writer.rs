//! Builds a segment file from records pushed in segment order, streaming: memory holds one block
//! of records, the columns (a few bytes per pair) and the distinct referring hosts.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
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

/// A per-pair column appended to an anonymous temporary file (beside the segment; the OS
/// deletes it on close or death) as it grows, so the writer's memory does not grow with the
/// number of pairs. [`SegmentWriter::finish`] copies it into the segment.
struct Spilled {
    file: BufWriter<File>,
    len: u64,
}

impl Spilled {
    fn new(segment: &Path) -> Result<Spilled> {
        let dir = segment.parent().unwrap_or(Path::new("."));
        let file = tempfile::tempfile_in(dir).map_err(StoreError::io(dir))?;
        Ok(Spilled {
            file: BufWriter::with_capacity(1 << 16, file),
            len: 0,
        })
    }

    fn put(&mut self, bytes: &[u8], segment: &Path) -> Result<()> {
        self.file
            .write_all(bytes)
            .map_err(StoreError::io(segment))?;
        self.len += bytes.len() as u64;
        Ok(())
    }

    /// Appends the column to `out`, each `u32` passed through `map` when given.
    fn copy_to(self, out: &mut Out, map: Option<&[u32]>) -> Result<Section> {
        let path = out.path.clone();
        let io = |e| StoreError::Io {
            path: path.clone(),
            source: e,
        };
        let mut file = self.file.into_inner().map_err(|e| io(e.into_error()))?;
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        let mut input = BufReader::with_capacity(1 << 16, file);
        let offset = out.offset;
        let mut buf = vec![0u8; 1 << 16];
        let mut left = self.len;
        while left > 0 {
            let n = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            input.read_exact(&mut buf[..n]).map_err(io)?;
            if let Some(map) = map {
                for v in buf[..n].chunks_exact_mut(4) {
                    let id = u32::from_le_bytes([v[0], v[1], v[2], v[3]]);
                    let mapped = map.get(id as usize).copied().ok_or_else(|| {
                        StoreError::corrupt(&path, offset, "a pair's host id has no host")
                    })?;
                    v.copy_from_slice(&mapped.to_le_bytes());
                }
            }
            out.write(&buf[..n])?;
            left -= n as u64;
        }
        Ok(Section {
            offset,
            len: self.len,
        })
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
    /// Each pair's provisional host id (`u32`s: their count is the pairs').
    pair_from: Spilled,
    pair_counts: Spilled,
    frame_records: Column,
    pair_hot: Spilled,
    /// Aggregates of the pairs since the last stats frame.
    stats: Vec<PairStats>,
    warm_offsets: Column,
    warm: Spilled,
    /// One pair's scalars while they are encoded.
    scratch: Vec<u8>,
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
            pair_from: Spilled::new(path)?,
            pair_counts: Spilled::new(path)?,
            frame_records: Column::default(),
            pair_hot: Spilled::new(path)?,
            stats: Vec::with_capacity(STATS_FRAME_PAIRS),
            warm_offsets: Column::default(),
            warm: Spilled::new(path)?,
            scratch: Vec::new(),
            last: None,
        })
    }

    /// Pairs closed so far.
    fn pairs(&self) -> u32 {
        (self.pair_from.len / 4) as u32
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
                self.target_pairs.u32(self.pairs());
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
        let path = &self.path;
        self.pair_from.put(&id.to_le_bytes(), path)?;
        let count = (self.meta.record_count - open.record_start) as u32;
        self.pair_counts.put(&count.to_le_bytes(), path)?;
        let stats = open.live.finish();
        let hot = Hot::new(
            scale(stats.cold.rank_mass),
            stats.warm.records > 0,
            stats.cold.indirect > 0,
            internal,
        );
        self.pair_hot.put(&hot.0.to_le_bytes(), path)?;
        if self.stats.is_empty() {
            self.warm_offsets.u64(self.warm.len);
            self.frame_records.u64(open.record_start);
        }
        self.scratch.clear();
        self.scratch = postcard::to_extend(&stats.warm, std::mem::take(&mut self.scratch))
            .map_err(|e| StoreError::corrupt(&self.path, 0, e.to_string()))?;
        self.warm.put(&self.scratch, &self.path)?;
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
        let pairs = self.pairs();
        self.target_key_offsets.u64(self.target_keys.len() as u64);
        self.target_pairs.u32(pairs);
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
        let section = |out: &mut Out, bytes: &[u8]| -> Result<Section> {
            let (offset, _) = out.place(bytes)?;
            Ok(Section {
                offset,
                len: bytes.len() as u64,
            })
        };
        self.meta.columns = Columns {
            target_key_offsets: section(&mut out, &self.target_key_offsets.0)?,
            target_keys: section(&mut out, &self.target_keys)?,
            target_pairs: section(&mut out, &self.target_pairs.0)?,
            host_offsets: section(&mut out, &host_offsets.0)?,
            host_bytes: section(&mut out, &host_bytes)?,
            pair_from: self.pair_from.copy_to(&mut out, Some(&sorted_id))?,
            pair_counts: self.pair_counts.copy_to(&mut out, None)?,
            frame_records: section(&mut out, &self.frame_records.0)?,
            pair_hot: self.pair_hot.copy_to(&mut out, None)?,
            frames: section(&mut out, &frames.0)?,
            warm_offsets: section(&mut out, &self.warm_offsets.0)?,
            warm: self.warm.copy_to(&mut out, None)?,
        };
        self.meta.host_count = hosts.len() as u32;
        self.meta.pair_count = pairs;
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
