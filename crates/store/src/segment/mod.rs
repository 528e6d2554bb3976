//! Immutable segment files: a writer (streaming build), the byte format, a reader over mmap.

mod bits;
mod format;
mod reader;
mod verify;
mod writer;

pub use bits::{TargetBits, BITS_BUDGET};
pub use format::{host_order_key, Hot, Pair, SegmentMeta, FORMAT_VERSION, STATS_FRAME_PAIRS};
pub use reader::{gallop, RawBlock, SegmentReader, StatsFrame};
pub use verify::verify_segment;
pub use writer::{same_target_order, segment_order, SegmentWriter};
