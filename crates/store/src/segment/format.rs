//! Byte layout of a segment file (see docs/format.md):
//!
//! ```text
//! magic "LDXSEG\0\x01"                        8 bytes
//! block 0 .. block n-1                         zstd(postcard(Vec<Record>)), records in key order
//! stats chunks                                 zstd(postcard(Vec<PairStats>)), per-pair aggregates
//! meta                                         zstd(postcard(SegmentMeta))
//! footer                                       32 bytes, little endian:
//!   meta_offset u64, meta_len u64, format_version u32, crc32 u32 (of every byte before it),
//!   magic "LDXEND\0\x01"
//! ```

use serde::{Deserialize, Serialize};

pub const HEAD_MAGIC: &[u8; 8] = b"LDXSEG\0\x01";
pub const FOOT_MAGIC: &[u8; 8] = b"LDXEND\0\x01";
pub const FOOTER_LEN: usize = 32;
pub const FORMAT_VERSION: u32 = 2;

/// Records go into a block until it holds this many.
pub const BLOCK_RECORDS: usize = 256;
pub const ZSTD_LEVEL: i32 = 3;

/// Where a block of records is.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BlockRef {
    pub offset: u64,
    pub len: u32,
    /// Index of the block's first record in the segment.
    pub first_record: u64,
}

/// One target host (a `domain_to`) and where its pairs start in `SegmentMeta::pairs`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TargetEntry {
    pub host: String,
    pub pair_start: u32,
}

/// The records of one (target host, referring host) pair: a contiguous run of the segment.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
pub struct Pair {
    /// Index into `SegmentMeta::from_hosts` (sorted by bytes, so ids order like the hosts).
    pub from: u32,
    pub record_start: u64,
    pub record_count: u32,
}

/// Everything a reader needs besides the blocks.
///
/// Invariants (checked by `verify`): `targets` sorted by [`host_order_key`], pairs of a target
/// sorted by `from`, record runs contiguous and in record order, `from_hosts` sorted and unique.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SegmentMeta {
    pub record_count: u64,
    pub blocks: Vec<BlockRef>,
    pub targets: Vec<TargetEntry>,
    pub from_hosts: Vec<String>,
    pub pairs: Vec<Pair>,
    /// Where the per-pair aggregates of live records are: zstd(postcard(Vec<PairStats>)) chunks
    /// in pair order, each starting at a target boundary (so one target's aggregates are in one
    /// chunk), decoded only when a query reads them.
    pub stats_chunks: Vec<StatsChunk>,
}

/// A chunk of per-pair aggregates.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StatsChunk {
    pub offset: u64,
    pub len: u32,
    /// Index of the chunk's first pair in `SegmentMeta::pairs`.
    pub first_pair: u32,
}

/// A stats chunk is closed at the first target boundary after this many pairs.
pub const STATS_CHUNK_PAIRS: usize = 4096;

/// Sort key of target hosts: labels reversed (`blog.moz.com` → `com.moz.blog`), so a domain
/// and all its subdomains are one contiguous range.
pub fn host_order_key(host: &str) -> String {
    let mut out = String::with_capacity(host.len());
    for (i, label) in host.rsplit('.').enumerate() {
        if i > 0 {
            out.push('.');
        }
        out.push_str(label);
    }
    out
}

pub fn footer(meta_offset: u64, meta_len: u64, crc: u32) -> [u8; FOOTER_LEN] {
    let mut f = [0u8; FOOTER_LEN];
    f[0..8].copy_from_slice(&meta_offset.to_le_bytes());
    f[8..16].copy_from_slice(&meta_len.to_le_bytes());
    f[16..20].copy_from_slice(&FORMAT_VERSION.to_le_bytes());
    f[20..24].copy_from_slice(&crc.to_le_bytes());
    f[24..32].copy_from_slice(FOOT_MAGIC);
    f
}
