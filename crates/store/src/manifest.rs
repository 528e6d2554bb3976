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
