//! Reads a segment over mmap'd bytes: the meta is decoded at open; columns are read in place,
//! blocks and stats frames decoded on demand.

use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use linkdex_model::{Record, RecordRef};
use memmap2::Mmap;

use super::bits::{earns_bits, BitsCache, TargetBits};
use super::format::*;
use crate::error::{Result, StoreError};
use crate::stats::{ColdStats, PairStats, WarmStats};

pub struct SegmentReader {
    path: PathBuf,
    map: Mmap,
    meta: SegmentMeta,
    cols: Ranges,
    bits: BitsCache,
}

/// A decompressed stats frame: `u32 count, u32 end[count]`, then each pair's postcard bytes.
pub struct StatsFrame {
    raw: Vec<u8>,
    count: usize,
}

impl StatsFrame {
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Decodes the non-scalar aggregates of the frame's pair `i` (`None`: out of range or
    /// damaged); [`SegmentReader::pair_stats`] joins them with the pair's scalars.
    pub fn get(&self, i: usize) -> Option<ColdStats> {
        if i >= self.count {
            return None;
        }
        let ends = &self.raw[4..];
        let body = &self.raw[4 + 4 * self.count..];
        let start = if i == 0 {
            0
        } else {
            u32_at(ends, i - 1) as usize
        };
        let end = u32_at(ends, i) as usize;
        postcard::from_bytes(body.get(start..end)?).ok()
    }
}

/// A decompressed block whose records are read in place, as [`RecordRef`]s borrowing from it,
/// one after the other from [`RawBlock::first`].
pub struct RawBlock {
    bytes: Vec<u8>,
    count: usize,
    /// Where the first record starts (after the record count).
    first: usize,
}

impl RawBlock {
    /// The block of postcard bytes (`Vec<Record>`); `None` without a record count.
    fn new(bytes: Vec<u8>) -> Option<RawBlock> {
        let (count, rest) = postcard::take_from_bytes::<u64>(&bytes).ok()?;
        Some(RawBlock {
            count: usize::try_from(count).ok()?,
            first: bytes.len() - rest.len(),
            bytes,
        })
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Where record 0 starts.
    pub fn first(&self) -> usize {
        self.first
    }

    /// The record starting at byte `at` and where the next one starts (`None`: it does not
    /// decode, or `at` is past the end).
    pub fn read(&self, at: usize) -> Option<(RecordRef<'_>, usize)> {
        let bytes = self.bytes.get(at..)?;
        let (r, rest) = postcard::take_from_bytes(bytes).ok()?;
        Some((r, self.bytes.len() - rest.len()))
    }

    /// The decompressed bytes: every string of the block's records appears in them as stored.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The block's buffer, to decompress another block into.
    pub fn into_buffer(self) -> Vec<u8> {
        self.bytes
    }
}

/// The first index of `start..end` where `before` turns false (`before` holds on a prefix of
/// the range), found by galloping from `start`: cheap when it is near, as when a sorted list
/// of keys is looked up in a sorted column.
pub fn gallop(start: usize, end: usize, before: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi, mut step) = (start, start, 1);
    while hi < end && before(hi) {
        lo = hi + 1;
        hi = lo.saturating_add(step).min(end);
        step *= 2;
    }
    partition_point(lo..hi, before)
}

/// The first index of `range` where `pred` fails (`pred` true on a prefix of it): a binary
/// search over a column read in place.
fn partition_point(range: Range<usize>, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (range.start, range.end);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo
}

thread_local! {
    /// One decompression context per thread, reused across frames.
    static DECOMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> =
        const { std::cell::RefCell::new(None) };
}

/// Decompresses one zstd frame that records its content size (as `zstd::bulk::compress` writes).
fn decompress(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    decompress_into(bytes, &mut out)?;
    Ok(out)
}

/// [`decompress`] into `out` (cleared first), reusing its allocation.
fn decompress_into(bytes: &[u8], out: &mut Vec<u8>) -> std::io::Result<()> {
    let size = zstd::zstd_safe::get_frame_content_size(bytes)
        .ok()
        .flatten()
        .filter(|&n| n <= 1 << 26)
        .ok_or_else(|| std::io::Error::other("frame without a valid content size"))?;
    out.clear();
    out.reserve(size as usize);
    DECOMPRESSOR.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(zstd::bulk::Decompressor::new()?);
        }
        match slot.as_mut() {
            Some(d) => d.decompress_to_buffer(bytes, out).map(|_| ()),
            None => Err(std::io::Error::other("no decompression context")),
        }
    })
}

/// The columns as byte ranges of the map, bounds checked at open.
struct Ranges {
    target_key_offsets: Range<usize>,
    target_keys: Range<usize>,
    target_pairs: Range<usize>,
    host_offsets: Range<usize>,
    host_bytes: Range<usize>,
    pair_from: Range<usize>,
    pair_counts: Range<usize>,
    frame_records: Range<usize>,
    pair_hot: Range<usize>,
    frames: Range<usize>,
    warm_offsets: Range<usize>,
    warm: Range<usize>,
}

/// Value `i` of a little-endian `u32` column (0 past its end: open checked the lengths).
#[inline]
fn u32_at(col: &[u8], i: usize) -> u32 {
    col.get(4 * i..4 * i + 4)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u32::from_le_bytes)
}

/// Values `range` of a little-endian `u32` column (empty past its end).
fn u32_run(col: &[u8], range: Range<usize>) -> impl Iterator<Item = u32> + '_ {
    col.get(4 * range.start..4 * range.end)
        .unwrap_or(&[])
        .chunks_exact(4)
        .map(|b| <[u8; 4]>::try_from(b).map_or(0, u32::from_le_bytes))
}

fn u64_at(col: &[u8], i: usize) -> u64 {
    col.get(8 * i..8 * i + 8)
        .and_then(|b| b.try_into().ok())
        .map_or(0, u64::from_le_bytes)
}

/// Text `i` of a blob with `u64` start offsets ("" when damaged; `verify` reports it).
fn text_at<'a>(offsets: &[u8], bytes: &'a [u8], i: usize) -> &'a str {
    let (start, end) = (u64_at(offsets, i) as usize, u64_at(offsets, i + 1) as usize);
    bytes
        .get(start..end)
        .and_then(|b| std::str::from_utf8(b).ok())
        .unwrap_or("")
}

impl SegmentReader {
    /// Opens a segment, checking magic, version and footer bounds. The checksum of the whole file
    /// is only checked by [`SegmentReader::verify_checksum`] (it reads every byte).
    pub fn open(path: &Path) -> Result<SegmentReader> {
        let file = File::open(path).map_err(StoreError::io(path))?;
        // SAFETY: segment files are immutable once renamed into place; nothing writes them again.
        let map = unsafe { Mmap::map(&file) }.map_err(StoreError::io(path))?;
        let len = map.len();
        if len < HEAD_MAGIC.len() + FOOTER_LEN || &map[..8] != HEAD_MAGIC {
            return Err(StoreError::corrupt(
                path,
                0,
                "not a linkdex segment (bad magic or too short)",
            ));
        }
        let foot = &map[len - FOOTER_LEN..];
        if &foot[24..32] != FOOT_MAGIC {
            return Err(StoreError::corrupt(
                path,
                (len - 8) as u64,
                "bad footer magic (truncated file?)",
            ));
        }
        let u64_at = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or([0; 8]));
        let version = u32::from_le_bytes(foot[16..20].try_into().unwrap_or([0; 4]));
        if version != FORMAT_VERSION {
            return Err(StoreError::Version {
                path: path.to_path_buf(),
                found: version,
                supported: FORMAT_VERSION,
            });
        }
        let (meta_offset, meta_len) = (u64_at(&foot[0..8]), u64_at(&foot[8..16]));
        let meta_end = meta_offset
            .checked_add(meta_len)
            .filter(|&e| e == (len - FOOTER_LEN) as u64);
        if meta_end.is_none() || meta_offset < 8 {
            return Err(StoreError::corrupt(
                path,
                (len - FOOTER_LEN) as u64,
                "footer points outside the file",
            ));
        }
        let packed = &map[meta_offset as usize..(len - FOOTER_LEN)];
        let raw = zstd::stream::decode_all(packed)
            .map_err(|e| StoreError::corrupt(path, meta_offset, format!("meta: {e}")))?;
        let meta: SegmentMeta = postcard::from_bytes(&raw)
            .map_err(|e| StoreError::corrupt(path, meta_offset, format!("meta: {e}")))?;
        let cols = check_shape(&meta, meta_offset)
            .map_err(|what| StoreError::corrupt(path, meta_offset, what))?;
        Ok(SegmentReader {
            path: path.to_path_buf(),
            map,
            meta,
            cols,
            bits: BitsCache::default(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn meta(&self) -> &SegmentMeta {
        &self.meta
    }

    pub fn record_count(&self) -> u64 {
        self.meta.record_count
    }

    #[inline]
    fn col(&self, range: &Range<usize>) -> &[u8] {
        &self.map[range.clone()]
    }

    /// The order key (`host_order_key`) of target `t`.
    pub fn target_key(&self, t: usize) -> &str {
        let c = &self.cols;
        text_at(self.col(&c.target_key_offsets), self.col(&c.target_keys), t)
    }

    /// The target with exactly this host.
    pub fn target(&self, host: &str) -> Option<usize> {
        let key = host_order_key(host);
        let i = self.partition(|k| k < key.as_str());
        (i < self.target_count() && self.target_key(i) == key).then_some(i)
    }

    /// Targets whose order key starts with `prefix` (e.g. `com.moz.` for the subdomains of moz.com).
    pub fn targets_with_key_prefix(&self, prefix: &str) -> Range<usize> {
        let start = self.partition(|k| k < prefix);
        let end = self.partition(|k| k < prefix || k.starts_with(prefix));
        start..end.max(start)
    }

    /// The first target whose key fails `pred` (keys are sorted, `pred` true on a prefix).
    fn partition(&self, pred: impl Fn(&str) -> bool) -> usize {
        partition_point(0..self.target_count(), |t| pred(self.target_key(t)))
    }

    pub fn target_count(&self) -> usize {
        self.meta.target_count as usize
    }

    /// The host of target `t` (the order key reversed back).
    pub fn target_host(&self, t: usize) -> String {
        host_order_key(self.target_key(t))
    }

    /// The pairs of target `t` (its referring hosts, sorted by id), as pair indices.
    pub fn pair_range(&self, t: usize) -> Range<usize> {
        let col = self.col(&self.cols.target_pairs);
        let end = (u32_at(col, t + 1) as usize).min(self.pair_count());
        (u32_at(col, t) as usize).min(end)..end
    }

    pub fn pair_count(&self) -> usize {
        self.meta.pair_count as usize
    }

    /// The referring host id of pair `p`.
    #[inline]
    pub fn pair_from(&self, p: usize) -> u32 {
        u32_at(self.col(&self.cols.pair_from), p)
    }

    /// The referring host ids of pairs `range` (a target's pairs: sorted), read in place.
    pub fn pair_from_run(&self, range: Range<usize>) -> impl Iterator<Item = u32> + '_ {
        u32_run(self.col(&self.cols.pair_from), range)
    }

    /// The hot aggregates of pairs `range`, read in place.
    pub fn hot_run(&self, range: Range<usize>) -> impl Iterator<Item = Hot> + '_ {
        u32_run(self.col(&self.cols.pair_hot), range).map(Hot)
    }

    /// Target `t`'s pairs as bitmaps over host ids, when it has enough pairs that reading
    /// words beats reading pairs: built from the columns on first use, then kept in memory
    /// (least recently used dropped past [`crate::BITS_BUDGET`]). `None` for other targets, and
    /// when the target's host column is damaged.
    pub fn target_bits(&self, t: usize) -> Option<Arc<TargetBits>> {
        let range = self.pair_range(t);
        if !earns_bits(range.len(), self.host_count()) {
            return None;
        }
        self.bits.get(t, || {
            let pairs = || {
                let range = range.clone();
                self.pair_from_run(range.clone()).zip(self.hot_run(range))
            };
            TargetBits::build(self.host_count(), pairs)
        })
    }

    /// Builds and keeps the bitmaps of the targets with the most pairs, most first, as long as
    /// they fit the budget together: a server's first queries on its most linked targets then
    /// read words too. Returns how many targets' bitmaps are kept.
    pub fn keep_largest_targets(&self) -> usize {
        let hosts = self.host_count();
        let mut targets: Vec<(usize, usize)> = (0..self.target_count())
            .map(|t| (self.pair_range(t).len(), t))
            .filter(|&(pairs, _)| earns_bits(pairs, hosts))
            .collect();
        targets.sort_unstable_by(|a, b| b.cmp(a));
        let mut bytes = 0;
        let mut kept = 0;
        for (pairs, t) in targets {
            bytes += TargetBits::bytes_for(hosts, pairs);
            if bytes > crate::BITS_BUDGET {
                break;
            }
            kept += usize::from(self.target_bits(t).is_some());
        }
        kept
    }

    /// The scalar aggregates of pair `p`'s live records (`None`: damaged).
    pub fn warm(&self, p: usize) -> Option<WarmStats> {
        let (f, i) = Self::frame_of(p);
        WarmStats::decode(&mut WarmStats::skip(self.warm_bytes(f)?, i)?)
    }

    /// The encoded scalar aggregates of stats frame `f`'s pairs, one [`WarmStats`] entry after
    /// another (read with [`WarmStats::skip`] and [`WarmStats::decode`]).
    pub fn warm_bytes(&self, f: usize) -> Option<&[u8]> {
        let offsets = self.col(&self.cols.warm_offsets);
        let warm = self.col(&self.cols.warm);
        let start = u64_at(offsets, f) as usize;
        let end = if f + 1 < self.frame_count() {
            u64_at(offsets, f + 1) as usize
        } else {
            warm.len()
        };
        warm.get(start..end)
    }

    /// The hot aggregates of pair `p`'s live records.
    #[inline]
    pub fn hot(&self, p: usize) -> Hot {
        Hot(u32_at(self.col(&self.cols.pair_hot), p))
    }

    pub fn pair(&self, p: usize) -> Pair {
        let (f, i) = Self::frame_of(p);
        let counts = self.col(&self.cols.pair_counts);
        let before: u64 = u32_run(counts, p - i..p).map(u64::from).sum();
        Pair {
            from: self.pair_from(p),
            record_start: u64_at(self.col(&self.cols.frame_records), f) + before,
            record_count: u32_at(counts, p),
        }
    }

    /// The pairs of target `t`, sorted by referring host.
    pub fn pairs(&self, t: usize) -> impl Iterator<Item = Pair> + '_ {
        self.pair_range(t).map(|p| self.pair(p))
    }

    pub fn host_count(&self) -> usize {
        self.meta.host_count as usize
    }

    /// Referring host `id` (ids order like the hosts' bytes).
    pub fn from_host(&self, id: u32) -> &str {
        std::str::from_utf8(self.from_host_bytes(id)).unwrap_or("")
    }

    /// The id of referring host `host`, if this segment has it (a binary search of the sorted
    /// hosts).
    pub fn host_id(&self, host: &str) -> Option<u32> {
        let bytes = |i: usize| self.from_host_bytes(i as u32);
        let i = partition_point(0..self.host_count(), |i| bytes(i) < host.as_bytes());
        (i < self.host_count() && bytes(i) == host.as_bytes()).then_some(i as u32)
    }

    /// The pair of target `t` and referring host `id`, if there is one (a binary search of the
    /// target's pairs, which are sorted by host id).
    pub fn find_pair(&self, t: usize, id: u32) -> Option<usize> {
        let pairs = self.pair_range(t);
        let p = partition_point(pairs.clone(), |p| self.pair_from(p) < id);
        (p < pairs.end && self.pair_from(p) == id).then_some(p)
    }

    /// Referring host `id` as bytes, without the UTF-8 check (for suffix tests in hot loops).
    pub fn from_host_bytes(&self, id: u32) -> &[u8] {
        let c = &self.cols;
        let offsets = self.col(&c.host_offsets);
        let (start, end) = (
            u64_at(offsets, id as usize) as usize,
            u64_at(offsets, id as usize + 1) as usize,
        );
        self.col(&c.host_bytes).get(start..end).unwrap_or(&[])
    }

    pub fn frame_count(&self) -> usize {
        self.meta.frame_count as usize
    }

    /// The stats frame holding pair `p`'s aggregates, and `p`'s place in it.
    pub fn frame_of(p: usize) -> (usize, usize) {
        (p / STATS_FRAME_PAIRS, p % STATS_FRAME_PAIRS)
    }

    /// The full aggregates of pair `p`'s live records: its scalars joined with its entry in
    /// `frame` (which must be `p`'s frame; `None`: damaged).
    pub fn pair_stats(&self, frame: &StatsFrame, p: usize) -> Option<PairStats> {
        let (_, i) = Self::frame_of(p);
        Some(PairStats {
            warm: self.warm(p)?,
            cold: frame.get(i)?,
        })
    }

    /// Decompresses stats frame `f`: the aggregates of the live records of pairs
    /// `f * STATS_FRAME_PAIRS ..`, in pair order, each decoded when asked for.
    pub fn stats_frame(&self, f: usize) -> Result<StatsFrame> {
        let col = self.col(&self.cols.frames);
        let entry = col.get(12 * f..12 * f + 12).unwrap_or(&[]);
        let offset = u64_at(entry, 0);
        let len = u32_at(entry.get(8..).unwrap_or(&[]), 0);
        let corrupt = |what: String| StoreError::corrupt(&self.path, offset, what);
        let bytes = offset
            .checked_add(u64::from(len))
            .filter(|&e| e <= self.meta_offset() && entry.len() == 12)
            .map(|e| &self.map[offset as usize..e as usize])
            .ok_or_else(|| corrupt("stats frame outside the file".into()))?;
        let raw = decompress(bytes).map_err(|e| corrupt(format!("stats frame: {e}")))?;
        let expected = self
            .pair_count()
            .saturating_sub(f * STATS_FRAME_PAIRS)
            .min(STATS_FRAME_PAIRS);
        let count = u32_at(&raw, 0) as usize;
        let body = 4 + 4 * count;
        let ends_ok = count == expected
            && raw.len() >= body
            && (0..count).all(|i| {
                let end = u32_at(&raw[4..], i) as usize;
                end <= raw.len() - body && (i == 0 || end >= u32_at(&raw[4..], i - 1) as usize)
            });
        if !ends_ok {
            return Err(corrupt("stats frame table damaged".into()));
        }
        Ok(StatsFrame { raw, count })
    }

    fn meta_offset(&self) -> u64 {
        let len = self.map.len();
        u64_at(&self.map[len - FOOTER_LEN..], 0)
    }

    /// Decodes block `i`.
    pub fn block(&self, i: usize) -> Result<Arc<Vec<Record>>> {
        let (packed, offset) = self.packed_block(i)?;
        let raw = decompress(packed)
            .map_err(|e| StoreError::corrupt(&self.path, offset, format!("block: {e}")))?;
        let records: Vec<Record> = postcard::from_bytes(&raw)
            .map_err(|e| StoreError::corrupt(&self.path, offset, format!("block: {e}")))?;
        Ok(Arc::new(records))
    }

    /// Block `i`'s compressed bytes and their offset.
    fn packed_block(&self, i: usize) -> Result<(&[u8], u64)> {
        let b = self
            .meta
            .blocks
            .get(i)
            .ok_or_else(|| StoreError::corrupt(&self.path, 0, format!("no block {i}")))?;
        let end = b
            .offset
            .checked_add(u64::from(b.len))
            .filter(|&e| e <= self.map.len() as u64);
        let Some(end) = end else {
            return Err(StoreError::corrupt(
                &self.path,
                b.offset,
                "block outside the file",
            ));
        };
        Ok((&self.map[b.offset as usize..end as usize], b.offset))
    }

    /// Block `i`, decompressed into `buffer` (its allocation reused), for reading its records
    /// in place.
    pub fn raw_block(&self, i: usize, mut buffer: Vec<u8>) -> Result<RawBlock> {
        let (packed, offset) = self.packed_block(i)?;
        decompress_into(packed, &mut buffer)
            .map_err(|e| StoreError::corrupt(&self.path, offset, format!("block: {e}")))?;
        RawBlock::new(buffer)
            .ok_or_else(|| StoreError::corrupt(&self.path, offset, "block: no record count"))
    }

    /// The blocks holding records `start..start + count`, in order, each with the places of
    /// those records in it, from the block table alone (`Err`: a record outside every block).
    pub fn block_spans(
        &self,
        start: u64,
        count: u32,
    ) -> impl Iterator<Item = Result<(usize, Range<usize>)>> + '_ {
        let end = start + u64::from(count);
        let mut index = start;
        std::iter::from_fn(move || {
            if index >= end {
                return None;
            }
            let b = self.block_of(index);
            let first = self.block_first_record(b).unwrap_or(u64::MAX);
            let next = self
                .block_first_record(b + 1)
                .unwrap_or(self.record_count());
            if first > index || next <= index {
                index = end;
                let what = "record outside every block";
                return Some(Err(StoreError::corrupt(&self.path, 0, what)));
            }
            let take = end.min(next) - index;
            let from = (index - first) as usize;
            index += take;
            Some(Ok((b, from..from + take as usize)))
        })
    }

    /// The block holding record `index` (the first record of block `i` is
    /// [`Self::block_first_record`]).
    fn block_of(&self, index: u64) -> usize {
        self.meta
            .blocks
            .partition_point(|b| b.first_record <= index)
            .saturating_sub(1)
    }

    fn block_first_record(&self, i: usize) -> Option<u64> {
        self.meta.blocks.get(i).map(|b| b.first_record)
    }

    /// Checks the crc32 in the footer against every byte before it.
    pub fn verify_checksum(&self) -> Result<()> {
        let len = self.map.len();
        let stored = u32::from_le_bytes(self.map[len - 12..len - 8].try_into().unwrap_or([0; 4]));
        let actual = crc32fast::hash(&self.map[..len - FOOTER_LEN]);
        if stored != actual {
            return Err(StoreError::corrupt(
                &self.path,
                0,
                format!("checksum mismatch: footer {stored:08x}, bytes {actual:08x}"),
            ));
        }
        Ok(())
    }

    pub fn stored_checksum(&self) -> u32 {
        let len = self.map.len();
        u32::from_le_bytes(self.map[len - 12..len - 8].try_into().unwrap_or([0; 4]))
    }

    pub fn byte_len(&self) -> u64 {
        self.map.len() as u64
    }

    /// How many record blocks the segment has.
    pub fn block_count(&self) -> usize {
        self.meta.blocks.len()
    }

    /// Calls `f` on every record of `blocks` in segment order, read in place: nothing is
    /// allocated for the records `f` only looks at (a scan for a few records decodes no others).
    /// A block whose decompressed bytes `wanted` rejects is skipped without reading its records.
    /// Disjoint ranges of blocks can be read by several threads.
    pub fn for_each_ref(
        &self,
        blocks: Range<usize>,
        wanted: impl Fn(&[u8]) -> bool,
        mut f: impl FnMut(&RecordRef<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut buffer = Vec::new();
        let packed = self.meta.blocks.get(blocks.clone()).unwrap_or_default();
        for (b, packed) in blocks.zip(packed) {
            let block = self.raw_block(b, std::mem::take(&mut buffer))?;
            if !wanted(block.bytes()) {
                buffer = block.into_buffer();
                continue;
            }
            let mut at = block.first();
            for _ in 0..block.len() {
                let (r, next) = block.read(at).ok_or_else(|| {
                    StoreError::corrupt(
                        &self.path,
                        packed.offset,
                        "block: a record does not decode",
                    )
                })?;
                f(&r)?;
                at = next;
            }
            buffer = block.into_buffer();
        }
        Ok(())
    }

    /// Every record in segment order.
    pub fn iter(&self) -> SegmentIter<'_> {
        SegmentIter {
            reader: self,
            block: 0,
            records: Vec::new().into_iter(),
        }
    }
}

/// The bounds every reader method indexes by, checked at open so that no byte of a damaged
/// file can make a query index out of range (the checksum is only read by `verify`).
fn check_shape(meta: &SegmentMeta, meta_offset: u64) -> std::result::Result<Ranges, String> {
    let (t, h, p, f) = (
        meta.target_count as u64,
        meta.host_count as u64,
        meta.pair_count as u64,
        meta.frame_count as u64,
    );
    let c = &meta.columns;
    let section = |s: Section, len: Option<u64>, name: &str| {
        let end = s.offset.checked_add(s.len).filter(|&e| e <= meta_offset);
        if end.is_none() || s.offset < 8 || len.is_some_and(|l| l != s.len) {
            return Err(format!("column {name} out of range"));
        }
        Ok(s.offset as usize..(s.offset + s.len) as usize)
    };
    if f != p.div_ceil(STATS_FRAME_PAIRS as u64) {
        return Err("stats frame count does not match the pairs".into());
    }
    let ranges = Ranges {
        target_key_offsets: section(
            c.target_key_offsets,
            Some(8 * (t + 1)),
            "target_key_offsets",
        )?,
        target_keys: section(c.target_keys, None, "target_keys")?,
        target_pairs: section(c.target_pairs, Some(4 * (t + 1)), "target_pairs")?,
        host_offsets: section(c.host_offsets, Some(8 * (h + 1)), "host_offsets")?,
        host_bytes: section(c.host_bytes, None, "host_bytes")?,
        pair_from: section(c.pair_from, Some(4 * p), "pair_from")?,
        pair_counts: section(c.pair_counts, Some(4 * p), "pair_counts")?,
        frame_records: section(c.frame_records, Some(8 * f), "frame_records")?,
        pair_hot: section(c.pair_hot, Some(4 * p), "pair_hot")?,
        frames: section(c.frames, Some(12 * f), "frames")?,
        warm_offsets: section(c.warm_offsets, Some(8 * f), "warm_offsets")?,
        warm: section(c.warm, None, "warm")?,
    };
    let blocks_ok = meta.blocks.iter().all(|b| {
        b.offset
            .checked_add(u64::from(b.len))
            .is_some_and(|e| e <= meta_offset)
    }) && meta
        .blocks
        .windows(2)
        .all(|w| w[0].first_record < w[1].first_record)
        && meta.blocks.first().is_none_or(|b| b.first_record == 0);
    if !blocks_ok {
        return Err("block table out of range".into());
    }
    Ok(ranges)
}

pub struct SegmentIter<'a> {
    reader: &'a SegmentReader,
    block: usize,
    records: std::vec::IntoIter<Record>,
}

impl Iterator for SegmentIter<'_> {
    type Item = Result<Record>;

    fn next(&mut self) -> Option<Result<Record>> {
        loop {
            if let Some(r) = self.records.next() {
                return Some(Ok(r));
            }
            if self.block >= self.reader.meta.blocks.len() {
                return None;
            }
            match self.reader.block(self.block) {
                // `block` hands out a new `Arc`, so the records move out without a copy.
                Ok(r) => self.records = Arc::unwrap_or_clone(r).into_iter(),
                Err(e) => {
                    self.block = usize::MAX - 1;
                    return Some(Err(e));
                }
            }
            self.block += 1;
        }
    }
}
