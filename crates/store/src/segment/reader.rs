//! Reads a segment over mmap'd bytes: the meta is decoded at open, blocks on demand.

use std::fs::File;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use linkdex_model::Record;
use memmap2::Mmap;

use super::format::*;
use crate::error::{Result, StoreError};

pub struct SegmentReader {
    path: PathBuf,
    map: Mmap,
    meta: SegmentMeta,
    /// `host_order_key` of each target, for range lookups.
    target_keys: Vec<String>,
    /// Decoded stats chunks (`None` inside: the chunk is corrupt).
    stats: Vec<OnceLock<Option<Vec<crate::stats::PairStats>>>>,
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
        check_shape(&meta, meta_offset)
            .map_err(|what| StoreError::corrupt(path, meta_offset, what))?;
        let target_keys = meta
            .targets
            .iter()
            .map(|t| host_order_key(&t.host))
            .collect();
        let stats = meta.stats_chunks.iter().map(|_| OnceLock::new()).collect();
        Ok(SegmentReader {
            path: path.to_path_buf(),
            map,
            meta,
            target_keys,
            stats,
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

    /// The target with exactly this host.
    pub fn target(&self, host: &str) -> Option<usize> {
        self.target_keys.binary_search(&host_order_key(host)).ok()
    }

    /// Targets whose order key starts with `prefix` (e.g. `com.moz.` for the subdomains of moz.com).
    pub fn targets_with_key_prefix(&self, prefix: &str) -> Range<usize> {
        let start = self.target_keys.partition_point(|k| k.as_str() < prefix);
        let end = start + self.target_keys[start..].partition_point(|k| k.starts_with(prefix));
        start..end
    }

    pub fn target_count(&self) -> usize {
        self.meta.targets.len()
    }

    pub fn target_host(&self, target: usize) -> &str {
        &self.meta.targets[target].host
    }

    /// The pairs (referring hosts) of one target, sorted by referring host.
    pub fn pairs(&self, target: usize) -> &[Pair] {
        let start = self.meta.targets[target].pair_start as usize;
        let end = self
            .meta
            .targets
            .get(target + 1)
            .map_or(self.meta.pairs.len(), |t| t.pair_start as usize);
        &self.meta.pairs[start..end]
    }

    /// The aggregates of the live records of the pairs of one target (parallel to [`Self::pairs`]).
    pub fn live_stats(&self, target: usize) -> Result<&[crate::stats::PairStats]> {
        let start = self.meta.targets[target].pair_start as usize;
        let end = self
            .meta
            .targets
            .get(target + 1)
            .map_or(self.meta.pairs.len(), |t| t.pair_start as usize);
        let chunks = &self.meta.stats_chunks;
        let c = chunks
            .partition_point(|c| c.first_pair as usize <= start)
            .saturating_sub(1);
        let chunk = chunks
            .get(c)
            .ok_or_else(|| StoreError::corrupt(&self.path, 0, "no stats chunk"))?;
        let decoded = self.stats[c].get_or_init(|| {
            let end = chunk
                .offset
                .checked_add(u64::from(chunk.len))
                .filter(|&e| e <= self.map.len() as u64)?;
            let raw =
                zstd::stream::decode_all(&self.map[chunk.offset as usize..end as usize]).ok()?;
            postcard::from_bytes(&raw).ok()
        });
        let stats = decoded.as_ref().ok_or_else(|| {
            StoreError::corrupt(&self.path, chunk.offset, "stats chunk does not decode")
        })?;
        let first = chunk.first_pair as usize;
        start
            .checked_sub(first)
            .and_then(|from| stats.get(from..end - first))
            .ok_or_else(|| {
                StoreError::corrupt(
                    &self.path,
                    chunk.offset,
                    "stats chunk does not cover its target",
                )
            })
    }

    pub fn from_host(&self, id: u32) -> &str {
        &self.meta.from_hosts[id as usize]
    }

    /// Decodes block `i`.
    pub fn block(&self, i: usize) -> Result<Arc<Vec<Record>>> {
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
        let packed = &self.map[b.offset as usize..end as usize];
        let raw = zstd::stream::decode_all(packed)
            .map_err(|e| StoreError::corrupt(&self.path, b.offset, format!("block: {e}")))?;
        let records: Vec<Record> = postcard::from_bytes(&raw)
            .map_err(|e| StoreError::corrupt(&self.path, b.offset, format!("block: {e}")))?;
        Ok(Arc::new(records))
    }

    /// The block holding record `index` (the first record of block `i` is
    /// [`Self::block_first_record`]).
    pub fn block_of(&self, index: u64) -> usize {
        self.meta
            .blocks
            .partition_point(|b| b.first_record <= index)
            .saturating_sub(1)
    }

    pub fn block_first_record(&self, i: usize) -> Option<u64> {
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

    /// Every record in segment order.
    pub fn iter(&self) -> SegmentIter<'_> {
        SegmentIter {
            reader: self,
            block: 0,
            records: Arc::new(Vec::new()),
            pos: 0,
        }
    }
}

/// The bounds every reader method indexes by, checked at open so that no byte of a damaged
/// file can make a query index out of range (the checksum is only read by `verify`).
fn check_shape(meta: &SegmentMeta, meta_offset: u64) -> std::result::Result<(), String> {
    let pairs = meta.pairs.len();
    if meta
        .targets
        .windows(2)
        .any(|w| w[0].pair_start > w[1].pair_start)
        || meta.targets.iter().any(|t| t.pair_start as usize > pairs)
    {
        return Err("target table out of range".into());
    }
    let hosts = meta.from_hosts.len();
    let in_records = |p: &super::format::Pair| {
        (p.from as usize) < hosts
            && p.record_start
                .checked_add(u64::from(p.record_count))
                .is_some_and(|end| end <= meta.record_count)
    };
    if !meta.pairs.iter().all(in_records) {
        return Err("pair table out of range".into());
    }
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
    let chunks_ok = meta
        .stats_chunks
        .iter()
        .all(|c| c.first_pair as usize <= pairs)
        && meta
            .stats_chunks
            .windows(2)
            .all(|w| w[0].first_pair < w[1].first_pair)
        && meta.stats_chunks.first().is_none_or(|c| c.first_pair == 0);
    if !chunks_ok {
        return Err("stats chunk table out of range".into());
    }
    Ok(())
}

pub struct SegmentIter<'a> {
    reader: &'a SegmentReader,
    block: usize,
    records: Arc<Vec<Record>>,
    pos: usize,
}

impl Iterator for SegmentIter<'_> {
    type Item = Result<Record>;

    fn next(&mut self) -> Option<Result<Record>> {
        while self.pos >= self.records.len() {
            if self.block >= self.reader.meta.blocks.len() {
                return None;
            }
            match self.reader.block(self.block) {
                Ok(r) => self.records = r,
                Err(e) => {
                    self.block = usize::MAX - 1;
                    return Some(Err(e));
                }
            }
            self.block += 1;
            self.pos = 0;
        }
        self.pos += 1;
        Some(Ok(self.records[self.pos - 1].clone()))
    }
}
