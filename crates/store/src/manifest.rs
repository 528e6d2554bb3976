//! The manifest: the list of segments that make the current commit. Replaced atomically
//! (write `MANIFEST.tmp`, fsync, rename over `MANIFEST`, fsync the directory).

use std::fs::{self, File};
use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Result, StoreError};

pub const MANIFEST: &str = "MANIFEST";
pub const MANIFEST_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SegmentEntry {
    pub id: u64,
    pub records: u64,
    pub bytes: u64,
    pub crc32: u32,
    /// Whether every pair of this segment holds every record that pair has in the segments
    /// listed before it ("whole pairs", docs/format.md). Absent in manifests written before
    /// whole pairs, which read as `false`: their pairs are folded across segments.
    #[serde(default)]
    pub whole_pairs: bool,
}

/// One commit of the index. Segments are listed oldest first: for a key stored in several,
/// the observations fold in this order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format_version: u32,
    pub generation: u64,
    pub next_segment: u64,
    pub segments: Vec<SegmentEntry>,
}

impl Default for Manifest {
    fn default() -> Self {
        Manifest {
            format_version: MANIFEST_VERSION,
            generation: 0,
            next_segment: 1,
            segments: Vec::new(),
        }
    }
}

/// When a commit is followed by a merge of every segment into one. Queries are fastest over one
/// segment, and stay close to it while the later segments are small beside the first (they take
/// the first segment alone for the hosts the later ones do not touch); past that, they fold every
/// segment, at a cost that grows with the share of hosts the later ones touch (at 10M records: 39 ms
/// at 10%, 93 ms at 27%, 127 ms at 53%, against 4 ms merged; docs/benchmarks.md). A merge rewrites
/// the whole index, so merging past a quarter rewrites each record about five times as the index
/// grows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MergePolicy {
    /// Merge when the index has more segments than this.
    pub max_segments: usize,
    /// Merge when the later segments hold more records than this share of the first's; `None`
    /// never merges for size.
    pub max_later_share: Option<f64>,
}

impl Default for MergePolicy {
    fn default() -> Self {
        MergePolicy {
            max_segments: 8,
            max_later_share: Some(0.25),
        }
    }
}

impl MergePolicy {
    /// Never merges on its own: `linkdex merge` does it when the user says so.
    pub const NEVER: MergePolicy = MergePolicy {
        max_segments: usize::MAX,
        max_later_share: None,
    };

    /// Whether the index of `manifest` is due a merge.
    pub fn due(&self, manifest: &Manifest) -> bool {
        let Some((first, later)) = manifest.segments.split_first() else {
            return false;
        };
        if later.is_empty() {
            return false;
        }
        let later_records: u64 = later.iter().map(|s| s.records).sum();
        manifest.segments.len() > self.max_segments
            || self
                .max_later_share
                .is_some_and(|share| later_records as f64 > share * first.records as f64)
    }
}

pub fn segment_file_name(id: u64) -> String {
    format!("seg-{id:08}.ldx")
}

impl Manifest {
    /// Reads the manifest of `dir`; an index without one is empty (generation 0).
    pub fn load(dir: &Path) -> Result<Manifest> {
        let path = dir.join(MANIFEST);
        let text = match fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Manifest::default()),
            Err(e) => return Err(StoreError::Io { path, source: e }),
        };
        let corrupt = |what: &str| StoreError::corrupt(&path, 0, what);
        let (body, tail) = text
            .trim_end()
            .rsplit_once('\n')
            .ok_or_else(|| corrupt("no checksum line"))?;
        let stored = tail
            .strip_prefix("crc32 ")
            .and_then(|h| u32::from_str_radix(h, 16).ok());
        if stored != Some(crc32fast::hash(body.as_bytes())) {
            return Err(corrupt("checksum mismatch"));
        }
        let m: Manifest = serde_json::from_str(body).map_err(|e| corrupt(&e.to_string()))?;
        if m.format_version != MANIFEST_VERSION {
            return Err(StoreError::Version {
                path,
                found: m.format_version,
                supported: MANIFEST_VERSION,
            });
        }
        Ok(m)
    }

    /// Makes this manifest the current commit of `dir`, durably.
    pub fn store(&self, dir: &Path) -> Result<()> {
        let body = serde_json::to_string_pretty(self)
            .map_err(|e| StoreError::corrupt(dir, 0, e.to_string()))?;
        let text = format!("{body}\ncrc32 {:08x}\n", crc32fast::hash(body.as_bytes()));
        let tmp = dir.join("MANIFEST.tmp");
        let mut f = File::create(&tmp).map_err(StoreError::io(&tmp))?;
        f.write_all(text.as_bytes()).map_err(StoreError::io(&tmp))?;
        f.sync_all().map_err(StoreError::io(&tmp))?;
        drop(f);
        fs::rename(&tmp, dir.join(MANIFEST)).map_err(StoreError::io(dir))?;
        sync_dir(dir)
    }
}

pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(StoreError::io(dir))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_records(records: &[u64]) -> Manifest {
        Manifest {
            segments: records
                .iter()
                .enumerate()
                .map(|(i, &records)| SegmentEntry {
                    id: i as u64 + 1,
                    records,
                    bytes: 0,
                    crc32: 0,
                    whole_pairs: true,
                })
                .collect(),
            ..Manifest::default()
        }
    }

    #[test]
    fn a_merge_is_due_past_half_the_first_segment_or_past_the_segment_count() {
        let policy = MergePolicy::default();
        let due = |records: &[u64]| policy.due(&with_records(records));
        assert!(!due(&[]));
        assert!(!due(&[1000]), "one segment is merged already");
        assert!(!due(&[1000, 250]), "a quarter is still small");
        assert!(due(&[1000, 251]));
        assert!(due(&[1000, 150, 101]), "the later segments count together");
        assert!(!due(&[1000, 1, 1, 1, 1, 1, 1, 1]));
        assert!(due(&[1000, 1, 1, 1, 1, 1, 1, 1, 1]), "nine segments");
        assert!(!MergePolicy::NEVER.due(&with_records(&[1, 1000, 1000])));
    }
}
