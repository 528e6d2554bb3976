//! The embedded index: immutable segments on disk, a manifest replaced atomically on commit,
//! one writer at a time, snapshots for readers, merges and a full verify.
//! Byte layouts and the commit protocol: `docs/format.md`.

mod error;
mod index;
mod manifest;
mod merge;
mod runs;
mod segment;
mod stats;
mod whole;

pub use error::{Result, StoreError};
pub use index::{Index, IndexWriter, Snapshot};
pub use manifest::{segment_file_name, Manifest, MergePolicy, SegmentEntry};
pub use segment::{
    gallop, host_order_key, segment_order, verify_segment, Hot, Pair, RawBlock, SegmentMeta,
    SegmentReader, StatsFrame, TargetBits, BITS_BUDGET, FORMAT_VERSION, STATS_FRAME_PAIRS,
};
pub use stats::{
    rank_mass, scale, unscale, ColdStats, PageCounts, PairStats, StatsBuilder, WarmStats,
};
