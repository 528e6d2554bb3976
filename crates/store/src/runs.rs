//! External sort for the segment one writer builds from many chunks: each chunk is sorted,
//! folded and written as a *run* to an anonymous temporary file in the index directory
//! (deleted by the OS when closed, also when the process is killed), and the runs are merged in
//! one pass into the segment. A chunk is thus encoded once, cheaply, instead of being written as
//! a whole segment (columns, aggregates, compressed blocks) and merged again.

use std::cmp::Ordering;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use linkdex_model::Record;

use crate::error::{Result, StoreError};
use crate::segment::{host_order_key, same_target_order};

/// The zstd level of runs: they are read once, so speed matters more than size.
const RUN_ZSTD_LEVEL: i32 = 1;

/// Sorts records into segment order and folds each key's records (input order is observation
/// order: later records are newer observations).
pub(crate) fn sort_fold(records: Vec<Record>) -> Vec<Record> {
    // Order keys are computed once per record, not once per comparison, and the sort moves
    // (key, index) pairs rather than records. It is stable, so equal keys keep input order and
    // the fold applies them oldest first.
    let mut order: Vec<(String, u32)> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (host_order_key(&r.domain_to), i as u32))
        .collect();
    order.sort_by(|(ka, a), (kb, b)| {
        ka.cmp(kb)
            .then_with(|| same_target_order(&records[*a as usize], &records[*b as usize]))
    });
    let mut slots: Vec<Option<Record>> = records.into_iter().map(Some).collect();
    let mut folded: Vec<Record> = Vec::with_capacity(order.len());
    let mut last_key = String::new();
    for (k, i) in order {
        let Some(r) = slots[i as usize].take() else {
            continue;
        };
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
    folded
}

/// One sorted, folded chunk on disk: `u32` length + postcard record, repeated, zstd-compressed,
/// at bytes `start..end` of the writer's run file. Every run of a writer shares one anonymous
/// file (read and written at offsets), so an import holds one file descriptor however many
/// chunks it has.
pub(crate) struct Run {
    file: Arc<File>,
    start: u64,
    end: u64,
    records: u64,
    /// The directory the file lives in, for error messages (the file itself has no name).
    dir: PathBuf,
}

/// The window of runs' zstd frames: the merge holds one decoder per run, so a small window
/// keeps its memory at a few hundred KiB per run (runs are read once; ratio matters little).
const RUN_WINDOW_LOG: u32 = 17;

/// Buffer of each run's reader during the merge.
const RUN_READ_BUFFER: usize = 64 << 10;

/// A temporary file for the runs of one writer, in `dir` (the index directory: same disk, no
/// `/tmp` size limit; the OS deletes it when it is closed, also when the process is killed).
pub(crate) fn run_file(dir: &Path) -> Result<Arc<File>> {
    Ok(Arc::new(
        tempfile::tempfile_in(dir).map_err(StoreError::io(dir))?,
    ))
}

impl Run {
    /// Sorts and folds `records` and writes them as a run at byte `start` of `file`.
    pub(crate) fn write(
        file: Arc<File>,
        start: u64,
        dir: &Path,
        records: Vec<Record>,
    ) -> Result<Run> {
        let folded = sort_fold(records);
        let io_err = |source| StoreError::Io {
            path: dir.to_path_buf(),
            source,
        };
        let at = At {
            file: file.clone(),
            at: start,
        };
        let mut out = zstd::stream::write::Encoder::new(
            BufWriter::with_capacity(1 << 20, at),
            RUN_ZSTD_LEVEL,
        )
        .map_err(io_err)?;
        out.window_log(RUN_WINDOW_LOG).map_err(io_err)?;
        let mut buf = Vec::new();
        for r in &folded {
            buf.clear();
            buf = postcard::to_extend(r, buf)
                .map_err(|e| StoreError::corrupt(dir, 0, format!("encoding a run: {e}")))?;
            out.write_all(&(buf.len() as u32).to_le_bytes())
                .and_then(|()| out.write_all(&buf))
                .map_err(io_err)?;
        }
        let end = out
            .finish()
            .and_then(|w| w.into_inner().map_err(|e| e.into_error()))
            .map_err(io_err)?
            .at;
        Ok(Run {
            file,
            start,
            end,
            records: folded.len() as u64,
            dir: dir.to_path_buf(),
        })
    }

    /// The file and offset where the next run goes: right after this one.
    pub(crate) fn next_place(&self) -> (Arc<File>, u64) {
        (self.file.clone(), self.end)
    }

    /// Its records, in segment order.
    pub(crate) fn into_iter(self) -> Result<RunIter> {
        let span = Span {
            file: self.file,
            at: self.start,
            end: self.end,
        };
        let input = zstd::stream::read::Decoder::with_buffer(BufReader::with_capacity(
            RUN_READ_BUFFER,
            span,
        ))
        .map_err(StoreError::io(&self.dir))?;
        Ok(RunIter {
            input,
            left: self.records,
            buf: Vec::new(),
            dir: self.dir,
        })
    }
}

/// Writes to a shared file from an offset on.
struct At {
    file: Arc<File>,
    at: u64,
}

impl Write for At {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write_at(bytes, self.at)?;
        self.at += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Reads bytes `at..end` of a shared file.
struct Span {
    file: Arc<File>,
    at: u64,
    end: u64,
}

impl Read for Span {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = usize::try_from(self.end - self.at).unwrap_or(usize::MAX);
        let want = buf.len().min(left);
        if want == 0 {
            return Ok(0);
        }
        let n = self.file.read_at(&mut buf[..want], self.at)?;
        self.at += n as u64;
        Ok(n)
    }
}

pub(crate) struct RunIter {
    input: zstd::stream::read::Decoder<'static, BufReader<Span>>,
    left: u64,
    buf: Vec<u8>,
    dir: PathBuf,
}

impl RunIter {
    fn read(&mut self) -> Result<Record> {
        let corrupt = |what: String| StoreError::corrupt(&self.dir, 0, what);
        let mut len = [0u8; 4];
        self.input
            .read_exact(&mut len)
            .map_err(|e| corrupt(format!("reading a run: {e}")))?;
        self.buf.resize(u32::from_le_bytes(len) as usize, 0);
        self.input
            .read_exact(&mut self.buf)
            .map_err(|e| corrupt(format!("reading a run: {e}")))?;
        postcard::from_bytes(&self.buf).map_err(|e| corrupt(format!("reading a run: {e}")))
    }
}

impl Iterator for RunIter {
    type Item = Result<Record>;

    fn next(&mut self) -> Option<Result<Record>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        let r = self.read();
        if r.is_err() {
            self.left = 0;
        }
        Some(r)
    }
}
