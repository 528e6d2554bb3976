//! The index directory: snapshots for readers, one writer at a time, commits, merges, verify.

use std::cmp::Ordering;
use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use linkdex_model::Record;

use crate::error::{Result, StoreError};
use crate::manifest::{segment_file_name, sync_dir, Manifest, SegmentEntry};
use crate::segment::{
    host_order_key, same_target_order, segment_order, verify_segment, SegmentReader, SegmentWriter,
};

/// An index directory.
#[derive(Debug, Clone)]
pub struct Index {
    dir: PathBuf,
}

/// One commit, open for reading. Segments oldest first.
pub struct Snapshot {
    pub generation: u64,
    pub segments: Vec<SegmentReader>,
}

impl Snapshot {
    pub fn record_count(&self) -> u64 {
        self.segments.iter().map(SegmentReader::record_count).sum()
    }
}

impl Index {
    /// Opens (creating if needed) an index directory.
    pub fn open(dir: &Path) -> Result<Index> {
        fs::create_dir_all(dir).map_err(StoreError::io(dir))?;
        Ok(Index {
            dir: dir.to_path_buf(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The generation of the current commit, read cheaply (to notice new commits).
    pub fn generation(&self) -> Result<u64> {
        Ok(Manifest::load(&self.dir)?.generation)
    }

    /// Opens the current commit. A concurrent commit may delete a segment between reading the
    /// manifest and opening it; then the newer manifest is read again.
    pub fn snapshot(&self) -> Result<Arc<Snapshot>> {
        let mut attempt = 0;
        loop {
            let manifest = Manifest::load(&self.dir)?;
            let opened: Result<Vec<SegmentReader>> = manifest
                .segments
                .iter()
                .map(|s| SegmentReader::open(&self.dir.join(segment_file_name(s.id))))
                .collect();
            match opened {
                Ok(segments) => {
                    return Ok(Arc::new(Snapshot {
                        generation: manifest.generation,
                        segments,
                    }))
                }
                Err(StoreError::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::NotFound && attempt < 5 =>
                {
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Takes the writer lock (blocking while another writer holds it) and removes files left
    /// by a writer that died before committing.
    pub fn writer(&self) -> Result<IndexWriter> {
        let lock_path = self.dir.join("LOCK");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(StoreError::io(&lock_path))?;
        lock.lock().map_err(StoreError::io(&lock_path))?;
        let manifest = Manifest::load(&self.dir)?;
        let live: Vec<String> = manifest
            .segments
            .iter()
            .map(|s| segment_file_name(s.id))
            .collect();
        for entry in fs::read_dir(&self.dir)
            .map_err(StoreError::io(&self.dir))?
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().into_owned();
            let orphan = name.starts_with("seg-") && !live.contains(&name);
            if orphan || name == "MANIFEST.tmp" {
                let _ = fs::remove_file(entry.path());
            }
        }
        Ok(IndexWriter {
            dir: self.dir.clone(),
            _lock: lock,
            manifest,
            pending: Vec::new(),
        })
    }

    /// Checks the manifest, every segment's checksum and invariants, and that the manifest's
    /// counts match the files. Returns (segments, records).
    pub fn verify(&self) -> Result<(usize, u64)> {
        let manifest = Manifest::load(&self.dir)?;
        let snap = self.snapshot()?;
        for (entry, seg) in manifest.segments.iter().zip(&snap.segments) {
            verify_segment(seg)?;
            if seg.record_count() != entry.records
                || seg.byte_len() != entry.bytes
                || seg.stored_checksum() != entry.crc32
            {
                return Err(StoreError::corrupt(
                    seg.path(),
                    0,
                    "segment does not match its manifest entry",
                ));
            }
        }
        Ok((snap.segments.len(), snap.record_count()))
    }
}

/// The single writer of an index. Segments it writes are invisible until [`IndexWriter::commit`].
pub struct IndexWriter {
    dir: PathBuf,
    _lock: File,
    manifest: Manifest,
    pending: Vec<SegmentEntry>,
}

impl IndexWriter {
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Writes one segment from records (any order, duplicates allowed: later ones are newer
    /// observations). It joins the index at the next commit, after every existing segment.
    pub fn write_segment(&mut self, mut records: Vec<Record>) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        // Order keys are computed once per record, not once per comparison. The sort is stable,
        // so equal keys keep input order and the fold applies them oldest first.
        let mut keyed: Vec<(String, Record)> = records
            .drain(..)
            .map(|r| (host_order_key(&r.domain_to), r))
            .collect();
        keyed.sort_by(|(ka, a), (kb, b)| ka.cmp(kb).then_with(|| same_target_order(a, b)));
        let mut folded: Vec<Record> = Vec::with_capacity(keyed.len());
        let mut last_key = String::new();
        for (k, r) in keyed {
            match folded.last_mut() {
                Some(last) if k == last_key && same_target_order(last, &r) == Ordering::Equal => {
                    *last = Record::merge(last, &r)
                }
                _ => {
                    folded.push(r);
                    last_key = k;
                }
            }
        }
        self.write_sorted(folded.into_iter().map(Ok))
    }

    /// Writes a segment from records already in segment order with unique keys.
    fn write_sorted(&mut self, records: impl Iterator<Item = Result<Record>>) -> Result<()> {
        let id = self.manifest.next_segment;
        self.manifest.next_segment += 1;
        let path = self.dir.join(segment_file_name(id));
        let tmp = path.with_extension("ldx.tmp");
        let mut w = SegmentWriter::create(&tmp)?;
        for r in records {
            w.push(r?)?;
        }
        let (records, bytes, crc32) = w.finish()?;
        fs::rename(&tmp, &path).map_err(StoreError::io(&path))?;
        self.pending.push(SegmentEntry {
            id,
            records,
            bytes,
            crc32,
        });
        Ok(())
    }

    /// Publishes the pending segments as a new commit. Returns its generation.
    pub fn commit(&mut self) -> Result<u64> {
        sync_dir(&self.dir)?;
        let mut next = self.manifest.clone();
        next.generation += 1;
        next.segments.append(&mut self.pending);
        next.store(&self.dir)?;
        self.manifest = next;
        Ok(self.manifest.generation)
    }

    /// Drops the pending segments (their files are removed now or by the next writer).
    pub fn rollback(&mut self) {
        for s in self.pending.drain(..) {
            let _ = fs::remove_file(self.dir.join(segment_file_name(s.id)));
        }
    }

    /// Merges every committed segment into one, folding keys stored in several, and commits.
    pub fn merge_all(&mut self) -> Result<u64> {
        if self.manifest.segments.len() <= 1 {
            return Ok(self.manifest.generation);
        }
        let old = self.manifest.segments.clone();
        let readers: Vec<SegmentReader> = old
            .iter()
            .map(|s| SegmentReader::open(&self.dir.join(segment_file_name(s.id))))
            .collect::<Result<_>>()?;
        let merged = MergeIter::new(&readers);
        let id = self.manifest.next_segment;
        self.write_sorted(merged)?;
        let entry = self
            .pending
            .pop()
            .filter(|e| e.id == id)
            .ok_or_else(|| StoreError::corrupt(&self.dir, 0, "merge lost its segment"))?;
        sync_dir(&self.dir)?;
        let mut next = self.manifest.clone();
        next.generation += 1;
        let empty = entry.records == 0;
        next.segments = if empty { Vec::new() } else { vec![entry] };
        next.store(&self.dir)?;
        self.manifest = next;
        for s in old {
            let _ = fs::remove_file(self.dir.join(segment_file_name(s.id)));
        }
        if empty {
            let _ = fs::remove_file(self.dir.join(segment_file_name(id)));
        }
        Ok(self.manifest.generation)
    }
}

impl Drop for IndexWriter {
    fn drop(&mut self) {
        self.rollback();
    }
}

/// K-way merge of segments in segment order; a key in several segments is folded oldest first.
struct MergeIter<'a> {
    heads: Vec<Option<Record>>,
    iters: Vec<crate::segment::SegmentIter<'a>>,
    failed: bool,
}

impl<'a> MergeIter<'a> {
    fn new(readers: &'a [SegmentReader]) -> Self {
        let iters: Vec<_> = readers.iter().map(SegmentReader::iter).collect();
        MergeIter {
            heads: vec![None; iters.len()],
            iters,
            failed: false,
        }
    }

    fn fill(&mut self) -> Result<()> {
        for (head, it) in self.heads.iter_mut().zip(self.iters.iter_mut()) {
            if head.is_none() {
                *head = it.next().transpose()?;
            }
        }
        Ok(())
    }
}

impl Iterator for MergeIter<'_> {
    type Item = Result<Record>;

    fn next(&mut self) -> Option<Result<Record>> {
        if self.failed {
            return None;
        }
        if let Err(e) = self.fill() {
            self.failed = true;
            return Some(Err(e));
        }
        let min = self
            .heads
            .iter()
            .flatten()
            .min_by(|a, b| segment_order(a, b))?
            .clone();
        let mut out: Option<Record> = None;
        for head in self.heads.iter_mut() {
            if head
                .as_ref()
                .is_some_and(|h| segment_order(h, &min) == Ordering::Equal)
            {
                let r = head.take()?;
                out = Some(match out {
                    None => r,
                    Some(stored) => Record::merge(&stored, &r),
                });
            }
        }
        out.map(Ok)
    }
}
