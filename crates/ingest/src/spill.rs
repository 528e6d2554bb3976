//! Puts fetches in date order with bounded memory: each fetch is appended to an anonymous
//! temporary file (deleted by the OS when closed, also when the process is killed) and only
//! `(date, sequence, offset, length)` — 24 bytes per capture — stays in memory. Reading back
//! sorts those and reads each fetch at its offset.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::fetch::Fetch;

#[derive(Debug, Clone, Copy)]
struct Entry {
    date: i64,
    offset: u64,
    len: u32,
    /// Arrival order: equal dates keep the order of the files given, then of the file.
    seq: u32,
}

/// Fetches written to disk in arrival order, to be read in date order.
pub(crate) struct Spill {
    out: BufWriter<File>,
    entries: Vec<Entry>,
    end: u64,
}

impl Spill {
    /// Creates the spill file in `dir` (the index directory: same disk, no `/tmp` size limit).
    pub(crate) fn new(dir: &Path) -> io::Result<Spill> {
        Ok(Spill {
            out: BufWriter::with_capacity(1 << 20, tempfile::tempfile_in(dir)?),
            entries: Vec::new(),
            end: 0,
        })
    }

    pub(crate) fn push(&mut self, f: &Fetch) -> io::Result<()> {
        let bytes = serde_json::to_vec(f).map_err(io::Error::other)?;
        let len = u32::try_from(bytes.len())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "capture over 4 GiB"))?;
        let seq = u32::try_from(self.entries.len())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "over 2^32 captures"))?;
        self.out.write_all(&bytes)?;
        self.entries.push(Entry {
            date: f.date,
            offset: self.end,
            len,
            seq,
        });
        self.end += u64::from(len);
        Ok(())
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The fetches in date order (ties in arrival order).
    pub(crate) fn into_sorted(mut self) -> io::Result<Sorted> {
        self.entries.sort_by_key(|e| (e.date, e.seq));
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        Ok(Sorted {
            file,
            entries: self.entries.into_iter(),
            buf: Vec::new(),
        })
    }
}

/// Iterator of spilled fetches in date order.
pub(crate) struct Sorted {
    file: File,
    entries: std::vec::IntoIter<Entry>,
    buf: Vec<u8>,
}

impl Sorted {
    fn read(&mut self, e: Entry) -> io::Result<Fetch> {
        self.buf.resize(e.len as usize, 0);
        self.file.seek(SeekFrom::Start(e.offset))?;
        self.file.read_exact(&mut self.buf)?;
        serde_json::from_slice(&self.buf).map_err(|err| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!("spill file at {}: {err}", e.offset),
            )
        })
    }
}

impl Iterator for Sorted {
    type Item = io::Result<Fetch>;

    fn next(&mut self) -> Option<io::Result<Fetch>> {
        let e = self.entries.next()?;
        Some(self.read(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fetch(url: &str, date: i64) -> Fetch {
        Fetch {
            url: url.into(),
            date,
            status: Some(200),
            redirect: None,
            canonical: None,
            links: vec![linkdex_model::Record::new(url, "https://b.org/", date).unwrap()],
        }
    }

    #[test]
    fn reads_back_in_date_order_ties_in_arrival_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Spill::new(dir.path()).unwrap();
        for (u, d) in [
            ("https://a.com/3", 30),
            ("https://a.com/1", 10),
            ("https://a.com/2", 10),
        ] {
            s.push(&fetch(u, d)).unwrap();
        }
        assert_eq!(s.len(), 3);
        let back: Vec<Fetch> = s.into_sorted().unwrap().map(Result::unwrap).collect();
        let urls: Vec<&str> = back.iter().map(|f| f.url.as_str()).collect();
        assert_eq!(
            urls,
            ["https://a.com/1", "https://a.com/2", "https://a.com/3"]
        );
        assert_eq!(back[2], fetch("https://a.com/3", 30));
    }
}
