//! Byte layout of a segment file (see docs/format.md):
//!
//! ```text
//! magic "LDXSEG\0\x01"                        8 bytes
//! block 0 .. block n-1                         zstd(postcard(Vec<Record>)), records in key order
//! stats frames (between blocks)                zstd(postcard(Vec<PairStats>)), 32 pairs each
//! columns                                      fixed-width little-endian arrays and byte blobs
//! meta                                         zstd(postcard(SegmentMeta))
//! footer                                       32 bytes, little endian:
//!   meta_offset u64, meta_len u64, format_version u32, crc32 u32 (of every byte before it),
//!   magic "LDXEND\0\x01"
//! ```
//!
//! The columns are read in place from the mmap: opening a segment decodes only the meta (the
//! block table and where each column is), so memory follows the pages a query touches.

use serde::{Deserialize, Serialize};

pub const HEAD_MAGIC: &[u8; 8] = b"LDXSEG\0\x01";
pub const FOOT_MAGIC: &[u8; 8] = b"LDXEND\0\x01";
pub const FOOTER_LEN: usize = 32;
pub const FORMAT_VERSION: u32 = 3;

/// Records go into a block until it holds this many.
pub const BLOCK_RECORDS: usize = 256;
pub const ZSTD_LEVEL: i32 = 3;

/// Pairs per stats frame. A frame is `zstd(u32 count, u32 end[count], postcard(ColdStats)…)`:
/// a reader decompresses the frame and decodes only the pairs it needs (the page it returns, or
/// every candidate when a filter or sort reads a metric the hot column lacks).
pub const STATS_FRAME_PAIRS: usize = 32;

/// Where a block of records is.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BlockRef {
    pub offset: u64,
    pub len: u32,
    /// Index of the block's first record in the segment.
    pub first_record: u64,
}

/// The records of one (target host, referring host) pair: a contiguous run of the segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    /// Referring host id: index into the sorted host table, so ids order like the hosts.
    pub from: u32,
    pub record_start: u64,
    pub record_count: u32,
}

/// A byte range of the file.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Section {
    pub offset: u64,
    pub len: u64,
}

/// Where each column is. `T` targets, `H` referring hosts, `P` pairs, `F` stats frames.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Columns {
    /// `u64[T + 1]`: where each target's order key starts in `target_keys` (then the end).
    pub target_key_offsets: Section,
    /// Target hosts as [`host_order_key`]s, sorted, concatenated.
    pub target_keys: Section,
    /// `u32[T + 1]`: each target's first pair (then `P`).
    pub target_pairs: Section,
    /// `u64[H + 1]`: where each referring host starts in `host_bytes` (then the end).
    pub host_offsets: Section,
    /// Referring hosts, sorted by bytes and unique, concatenated.
    pub host_bytes: Section,
    /// `u32[P]`: each pair's referring host id; a target's pairs are sorted by it.
    pub pair_from: Section,
    /// `u32[P]`: each pair's record count.
    pub pair_counts: Section,
    /// `u64[F]`: the first record of each frame's first pair (a pair's first record adds the
    /// counts of the pairs before it in its frame).
    pub frame_records: Section,
    /// `u32[P]`: the hot aggregates of each pair's live records, see [`Hot`].
    pub pair_hot: Section,
    /// `(u64 offset, u32 len)[F]`: where each stats frame is (frames and blocks interleave).
    pub frames: Section,
    /// `u64[F]`: where each frame's pairs start in `warm`.
    pub warm_offsets: Section,
    /// `postcard(WarmStats)` of every pair, in pair order, uncompressed.
    pub warm: Section,
}

/// Everything a reader needs to find the blocks and columns.
///
/// Invariants (checked by `verify`): target keys sorted and unique, pairs of a target sorted by
/// `from`, record runs contiguous and in record order, hosts sorted and unique, every frame's
/// aggregates and every hot value equal to what the pair's records give.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SegmentMeta {
    pub record_count: u64,
    pub blocks: Vec<BlockRef>,
    pub target_count: u32,
    pub host_count: u32,
    pub pair_count: u32,
    pub frame_count: u32,
    pub columns: Columns,
}

/// The per-pair value the default request intersects and sorts by, 32 bits: the §9 rank of the
/// live records (`scale(Σ unscale(rank))`, 0–1000) in bits 0–15, bit 16 set when the pair has
/// live records, bit 17 when some of them are indirect, bit 18 when the referring host has the
/// target host's registrable domain (an internal link, rule 4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hot(pub u32);

impl Hot {
    pub fn new(rank: u16, live: bool, indirect: bool, internal: bool) -> Hot {
        Hot(u32::from(rank)
            | u32::from(live) << 16
            | u32::from(indirect) << 17
            | u32::from(internal) << 18)
    }

    #[inline]
    pub fn internal(self) -> bool {
        self.0 & 1 << 18 != 0
    }

    #[inline]
    pub fn rank(self) -> u16 {
        self.0 as u16
    }

    #[inline]
    pub fn live(self) -> bool {
        self.0 & 1 << 16 != 0
    }

    #[inline]
    pub fn indirect(self) -> bool {
        self.0 & 1 << 17 != 0
    }
}

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

/// `host_order_key(a).cmp(&host_order_key(b))`, without building either key (it runs for every
/// comparison of a sort or merge).
pub fn cmp_host_order(a: &str, b: &str) -> std::cmp::Ordering {
    if a == b {
        return std::cmp::Ordering::Equal;
    }
    order_key_bytes(a).cmp(order_key_bytes(b))
}

/// The bytes of `host_order_key(host)`, one at a time.
fn order_key_bytes(host: &str) -> impl Iterator<Item = u8> + '_ {
    host.rsplit('.')
        .enumerate()
        .flat_map(|(i, label)| (i > 0).then_some(b'.').into_iter().chain(label.bytes()))
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The allocation-free comparison orders hosts exactly as their order keys do,
        /// including labels with bytes below '.' ('-', digits) and shared prefixes.
        #[test]
        fn cmp_host_order_is_the_order_of_the_keys(
            a in "[a-c0-9-]{0,3}(\\.[a-c0-9-]{0,3}){0,3}",
            b in "[a-c0-9-]{0,3}(\\.[a-c0-9-]{0,3}){0,3}",
        ) {
            prop_assert_eq!(cmp_host_order(&a, &b), host_order_key(&a).cmp(&host_order_key(&b)));
            prop_assert_eq!(cmp_host_order(&a, &a), std::cmp::Ordering::Equal);
        }
    }
}
