//! The index directory: snapshots for readers, one writer at a time, commits, merges, verify.

use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use linkdex_model::Record;

use crate::error::{Result, StoreError};
use crate::manifest::{segment_file_name, sync_dir, Manifest, MergePolicy, SegmentEntry};
use crate::merge::MergeIter;
use crate::runs::{run_file, sort_fold, Run, RunIter};
use crate::segment::{verify_segment, SegmentReader, SegmentWriter};
use crate::whole::{verify_whole, WholePairs};

/// An index directory.
#[derive(Debug, Clone)]
pub struct Index {
    dir: PathBuf,
}

/// One commit, open for reading. Segments oldest first.
pub struct Snapshot {
    pub generation: u64,
    pub segments: Vec<Arc<SegmentReader>>,
    /// Each segment's manifest entry.
    entries: Vec<SegmentEntry>,
}

impl Snapshot {
    pub fn record_count(&self) -> u64 {
        self.segments.iter().map(|s| s.record_count()).sum()
    }

    /// Whether every pair of segment `seg` holds every record that pair has in the segments
    /// before it, so that those older copies are shadowed: folding them in changes nothing
    /// (docs/format.md, "Whole pairs").
    pub fn whole_pairs(&self, seg: usize) -> bool {
        self.entries.get(seg).is_some_and(|e| e.whole_pairs)
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
        self.snapshot_after(None)
    }

    /// [`Index::snapshot`], keeping the open readers of `before`'s segments that the current
    /// commit still lists, with what they keep (a popular target's bitmaps).
    pub fn snapshot_after(&self, before: Option<&Snapshot>) -> Result<Arc<Snapshot>> {
        let mut attempt = 0;
        loop {
            let manifest = Manifest::load(&self.dir)?;
            let open = |entry: &SegmentEntry| -> Result<Arc<SegmentReader>> {
                let kept = before.and_then(|b| {
                    let i = b.entries.iter().position(|e| same_file(e, entry))?;
                    Some(b.segments[i].clone())
                });
                match kept {
                    Some(reader) => Ok(reader),
                    None => Ok(Arc::new(SegmentReader::open(
                        &self.dir.join(segment_file_name(entry.id)),
                    )?)),
                }
            };
            let opened: Result<Vec<Arc<SegmentReader>>> =
                manifest.segments.iter().map(open).collect();
            match opened {
                Ok(segments) => {
                    return Ok(Arc::new(Snapshot {
                        generation: manifest.generation,
                        segments,
                        entries: manifest.segments,
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
            runs: Vec::new(),
            staging: None,
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
        for (i, newer) in snap.segments.iter().enumerate() {
            if snap.whole_pairs(i) {
                for older in &snap.segments[..i] {
                    verify_whole(older, newer)?;
                }
            }
        }
        Ok((snap.segments.len(), snap.record_count()))
    }
}

/// Whether two manifest entries name the same segment file (ids are not reused, and the
/// size and checksum guard against a directory rebuilt under the same names).
fn same_file(a: &SegmentEntry, b: &SegmentEntry) -> bool {
    (a.id, a.bytes, a.crc32) == (b.id, b.bytes, b.crc32)
}

/// Records the merging thread hands over at a time.
const MERGE_BATCH: usize = 4096;

/// The single writer of an index. Segments it writes are invisible until [`IndexWriter::commit`].
pub struct IndexWriter {
    dir: PathBuf,
    _lock: File,
    manifest: Manifest,
    pending: Vec<SegmentEntry>,
    /// Chunks given to [`IndexWriter::stage`], sorted on disk, and the one being written.
    runs: Vec<Run>,
    staging: Option<JoinHandle<Result<Run>>>,
}

impl IndexWriter {
    pub fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    /// Writes one segment from records (any order, duplicates allowed: later ones are newer
    /// observations). It joins the index at the next commit, after every existing segment.
    pub fn write_segment(&mut self, records: Vec<Record>) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        let older = self.open_older()?;
        let records = sort_fold(records).into_iter().map(Ok);
        self.write_sorted(WholePairs::new(records, &older), true)
    }

    /// Adds a chunk of records (any order, duplicates allowed: later chunks and later records
    /// are newer observations) to the one segment this writer builds from all the chunks it is
    /// given; [`IndexWriter::commit`] writes that segment. Memory holds this chunk and the one
    /// before it: each chunk is sorted and written to a temporary run file on a second thread
    /// while the caller reads the next.
    pub fn stage(&mut self, records: Vec<Record>) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        self.join_staging()?;
        // Runs follow each other in one file, made at the first chunk.
        let (file, start) = match self.runs.last() {
            Some(last) => last.next_place(),
            None => (run_file(&self.dir)?, 0),
        };
        let dir = self.dir.clone();
        self.staging = Some(std::thread::spawn(move || {
            Run::write(file, start, &dir, records)
        }));
        Ok(())
    }

    fn join_staging(&mut self) -> Result<()> {
        if let Some(handle) = self.staging.take() {
            let run = handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
            self.runs.push(run);
        }
        Ok(())
    }

    /// Writes the staged chunks as one pending segment (a key in several chunks folded in
    /// chunk order).
    fn write_staged(&mut self) -> Result<()> {
        self.join_staging()?;
        let runs: Vec<RunIter> = std::mem::take(&mut self.runs)
            .into_iter()
            .map(Run::into_iter)
            .collect::<Result<_>>()?;
        if runs.is_empty() {
            return Ok(());
        }
        let older = self.open_older()?;
        pipelined(MergeIter::new(runs), |merged| {
            self.write_sorted(WholePairs::new(merged, &older), true)
        })
    }

    /// Every segment a new one of this writer goes after: the committed ones, then the pending
    /// ones, oldest first.
    fn open_older(&self) -> Result<Vec<SegmentReader>> {
        let entries = self.manifest.segments.iter().chain(&self.pending);
        entries
            .map(|s| SegmentReader::open(&self.dir.join(segment_file_name(s.id))))
            .collect()
    }

    /// Writes a segment from records already in segment order with unique keys; `whole_pairs`:
    /// whether each pair holds every record the pair has in the segments before it.
    fn write_sorted(
        &mut self,
        records: impl Iterator<Item = Result<Record>>,
        whole_pairs: bool,
    ) -> Result<()> {
        let id = self.manifest.next_segment;
        self.manifest.next_segment += 1;
        let path = self.dir.join(segment_file_name(id));
        let tmp = path.with_extension("ldx.tmp");
        let written = SegmentWriter::create(&tmp).and_then(|mut w| {
            for r in records {
                w.push(r?)?;
            }
            w.finish()
        });
        let (records, bytes, crc32) = written.inspect_err(|_| {
            let _ = fs::remove_file(&tmp);
        })?;
        fs::rename(&tmp, &path).map_err(StoreError::io(&path))?;
        self.pending.push(SegmentEntry {
            id,
            records,
            bytes,
            crc32,
            whole_pairs,
        });
        Ok(())
    }

    /// Publishes the pending segments, and the segment of the staged chunks, as a new commit.
    /// Returns its generation.
    pub fn commit(&mut self) -> Result<u64> {
        self.write_staged()?;
        sync_dir(&self.dir)?;
        let mut next = self.manifest.clone();
        next.generation += 1;
        next.segments.append(&mut self.pending);
        next.store(&self.dir)?;
        self.manifest = next;
        Ok(self.manifest.generation)
    }

    /// Drops the pending segments (their files are removed now or by the next writer) and the
    /// staged chunks.
    pub fn rollback(&mut self) {
        let _ = self.join_staging();
        self.runs.clear();
        for s in self.pending.drain(..) {
            let _ = fs::remove_file(self.dir.join(segment_file_name(s.id)));
        }
    }

    /// Merges the pending (uncommitted) segments into one, so that one import adds one
    /// segment however many chunks it wrote.
    pub fn merge_pending(&mut self) -> Result<()> {
        if self.pending.len() <= 1 {
            return Ok(());
        }
        let old: Vec<SegmentEntry> = std::mem::take(&mut self.pending);
        let readers: Vec<SegmentReader> = old
            .iter()
            .map(|s| SegmentReader::open(&self.dir.join(segment_file_name(s.id))))
            .collect::<Result<_>>()?;
        // Each pending segment went after the committed ones and the pending ones before it,
        // with whole pairs: so does their merge.
        let whole_pairs = old.iter().all(|s| s.whole_pairs);
        let result = self.write_sorted(
            MergeIter::new(readers.iter().map(SegmentReader::iter).collect()),
            whole_pairs,
        );
        for s in &old {
            let _ = fs::remove_file(self.dir.join(segment_file_name(s.id)));
        }
        result
    }

    /// Merges every committed segment into one, folding keys stored in several, and commits.
    pub fn merge_all(&mut self) -> Result<u64> {
        if self.manifest.segments.len() <= 1 {
            return Ok(self.manifest.generation);
        }
        self.replace_all(&mut |_| Ok(()))
    }

    /// Merges every committed segment into one, and commits, when `policy` says the index is
    /// due. Returns the new generation, or `None` when it was not due.
    pub fn merge_if_due(&mut self, policy: &MergePolicy) -> Result<Option<u64>> {
        if !policy.due(&self.manifest) {
            return Ok(None);
        }
        self.merge_all().map(Some)
    }

    /// Calls `f` on every committed record in segment order, keys stored in several segments
    /// folded oldest first (the records a query sees). Reads the writer's own commit, so no other
    /// writer can change the records between this and a following [`IndexWriter::rewrite_all`].
    pub fn scan_all(&self, mut f: impl FnMut(&Record) -> Result<()>) -> Result<u64> {
        let readers = self.open_committed()?;
        let mut count = 0;
        for r in MergeIter::new(readers.iter().map(SegmentReader::iter).collect()) {
            f(&r?)?;
            count += 1;
        }
        Ok(count)
    }

    /// Streams every committed record (folded as in [`IndexWriter::scan_all`]) through `f` into
    /// one new segment and commits it as the only segment: one manifest swap, like a merge, so a
    /// rewrite that fails or is killed leaves the previous commit. `f` may change any field but
    /// the key and the hosts (the segment order); a record moved out of order fails the rewrite
    /// with [`StoreError::Order`]. An error from `f` fails it with [`StoreError::Rewrite`].
    pub fn rewrite_all(
        &mut self,
        mut f: impl FnMut(&mut Record) -> std::result::Result<(), String>,
    ) -> Result<u64> {
        self.replace_all(&mut |r| {
            f(r).map_err(|reason| StoreError::Rewrite {
                url_from: r.url_from.clone(),
                url_to: r.url_to.clone(),
                reason,
            })
        })
    }

    fn open_committed(&self) -> Result<Vec<SegmentReader>> {
        self.manifest
            .segments
            .iter()
            .map(|s| SegmentReader::open(&self.dir.join(segment_file_name(s.id))))
            .collect()
    }

    /// Writes the merged records, each passed through `f`, as one segment that replaces every
    /// committed one in a single commit; then deletes the old files.
    fn replace_all(&mut self, f: &mut dyn FnMut(&mut Record) -> Result<()>) -> Result<u64> {
        let old = self.manifest.segments.clone();
        let readers = self.open_committed()?;
        let id = self.manifest.next_segment;
        let merged = MergeIter::new(readers.iter().map(SegmentReader::iter).collect());
        pipelined(merged, |merged| {
            let changed = merged.map(|r| {
                let mut r = r?;
                f(&mut r)?;
                Ok(r)
            });
            // The one segment left: nothing goes before it.
            self.write_sorted(changed, true)
        })?;
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
        drop(readers);
        for s in old {
            let _ = fs::remove_file(self.dir.join(segment_file_name(s.id)));
        }
        if empty {
            let _ = fs::remove_file(self.dir.join(segment_file_name(id)));
        }
        Ok(self.manifest.generation)
    }
}

/// Hands the records of `merged` to `write`, with `merged` (decoding and folding the sources)
/// running on a second thread in batches while `write` builds the segment on this one.
fn pipelined<T>(
    merged: impl Iterator<Item = Result<Record>> + Send,
    write: impl FnOnce(&mut dyn Iterator<Item = Result<Record>>) -> Result<T>,
) -> Result<T> {
    std::thread::scope(|s| {
        let (batches, received) = std::sync::mpsc::sync_channel::<Result<Vec<Record>>>(4);
        s.spawn(move || {
            let mut merged = merged.peekable();
            while merged.peek().is_some() {
                let batch: Result<Vec<Record>> = merged.by_ref().take(MERGE_BATCH).collect();
                let failed = batch.is_err();
                // On an error `write` has dropped the receiver: stop at the next send.
                if batches.send(batch).is_err() || failed {
                    return;
                }
            }
        });
        let mut records = received.into_iter().flat_map(|batch| {
            let (records, failed) = match batch {
                Ok(records) => (records, None),
                Err(e) => (Vec::new(), Some(Err(e))),
            };
            records.into_iter().map(Ok).chain(failed)
        });
        write(&mut records)
    })
}

impl Drop for IndexWriter {
    fn drop(&mut self) {
        self.rollback();
    }
}
