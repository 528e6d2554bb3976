//! The streaming record reader. It holds one record in memory at a time (its block capped by
//! `max_body`), reads plain or gzip input (one member per record, or one stream) and keeps
//! going after a corrupt record by skipping to the next `WARC/` version line.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use flate2::bufread::MultiGzDecoder;

use crate::{Error, Headers};

/// Default cap on a record block held in memory; longer blocks are cut (and flagged).
pub const DEFAULT_MAX_BODY: usize = 32 << 20;
/// A header line longer than this is corruption, not a header (bounds memory on garbage).
const MAX_LINE: u64 = 1 << 20;
const BUF: usize = 256 << 10;

/// One WARC record: version, header fields and block.
#[derive(Debug, Clone)]
pub struct WarcRecord {
    /// `1.0`, `1.1`, `0.18`, … (the text after `WARC/`).
    pub version: String,
    pub headers: Headers,
    /// The record block (for a response: the HTTP message as captured).
    pub body: Vec<u8>,
    /// Offset of the record's first byte in the (decompressed) input.
    pub offset: u64,
    /// The block was longer than the reader's cap: `body` holds its first bytes only.
    pub body_truncated: bool,
}

impl WarcRecord {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    /// `WARC-Type`, lowercased by the caller's comparison (`eq_ignore_ascii_case`).
    pub fn warc_type(&self) -> Option<&str> {
        self.header("WARC-Type")
    }

    /// `WARC-Target-URI`, with the `<…>` some writers (wget) wrap it in removed.
    pub fn target_uri(&self) -> Option<&str> {
        let t = self.header("WARC-Target-URI")?.trim();
        Some(
            t.strip_prefix('<')
                .and_then(|s| s.strip_suffix('>'))
                .unwrap_or(t),
        )
    }

    pub fn date(&self) -> Option<&str> {
        self.header("WARC-Date")
    }

    pub fn ip_address(&self) -> Option<&str> {
        self.header("WARC-IP-Address")
    }
}

/// Reads WARC records one after the other from a file, stdin or any byte stream.
pub struct WarcReader {
    input: Box<dyn BufRead + Send>,
    file: String,
    offset: u64,
    max_body: usize,
    done: bool,
    /// Set after a corruption: lines are skipped silently until the next `WARC/` line.
    skipping: bool,
    line: Vec<u8>,
}

impl WarcReader {
    /// Opens a file, plain or gzip-compressed (detected from its first bytes).
    pub fn open(path: &Path) -> Result<WarcReader, Error> {
        let file = path.display().to_string();
        let f = File::open(path).map_err(|source| Error::Io {
            file: file.clone(),
            source,
        })?;
        WarcReader::from_reader(&file, f)
    }

    /// Reads from any stream (stdin, a socket); `name` is used in error reports.
    pub fn from_reader<R: Read + Send + 'static>(name: &str, r: R) -> Result<WarcReader, Error> {
        let mut buf = BufReader::with_capacity(BUF, r);
        let head = buf.fill_buf().map_err(|source| Error::Io {
            file: name.to_string(),
            source,
        })?;
        let input: Box<dyn BufRead + Send> = if head.starts_with(&[0x1f, 0x8b]) {
            Box::new(BufReader::with_capacity(BUF, MultiGzDecoder::new(buf)))
        } else {
            Box::new(buf)
        };
        Ok(WarcReader {
            input,
            file: name.to_string(),
            offset: 0,
            max_body: DEFAULT_MAX_BODY,
            done: false,
            skipping: false,
            line: Vec::with_capacity(256),
        })
    }

    /// Caps the block bytes kept per record (the rest is read and dropped).
    pub fn with_max_body(mut self, max_body: usize) -> WarcReader {
        self.max_body = max_body;
        self
    }

    pub fn file(&self) -> &str {
        &self.file
    }

    fn corrupt(&mut self, offset: u64, what: String) -> Error {
        self.skipping = true;
        Error::Corruption {
            file: self.file.clone(),
            offset,
            what,
        }
    }

    fn truncated(&mut self, offset: u64, what: String) -> Error {
        self.done = true;
        Error::Truncated {
            file: self.file.clone(),
            offset,
            what,
        }
    }

    /// Reads one line into `self.line`; Ok(false) at the end of input.
    fn read_line(&mut self) -> io::Result<bool> {
        self.line.clear();
        let n = (&mut self.input)
            .take(MAX_LINE)
            .read_until(b'\n', &mut self.line)?;
        self.offset += n as u64;
        Ok(n > 0)
    }

    fn next_record(&mut self) -> Option<Result<WarcRecord, Error>> {
        // Find the version line.
        let start = loop {
            let at = self.offset;
            match self.read_line() {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Err(e) => return Some(Err(self.truncated(at, e.to_string()))),
            }
            if self.line.starts_with(b"WARC/") {
                self.skipping = false;
                break at;
            }
            if self.line.iter().all(u8::is_ascii_whitespace) || self.skipping {
                continue;
            }
            let seen = String::from_utf8_lossy(&self.line[..self.line.len().min(40)]).into_owned();
            return Some(Err(self.corrupt(
                at,
                format!("expected a WARC/ version line, found {seen:?}"),
            )));
        };
        let version = String::from_utf8_lossy(&self.line[5..]).trim().to_string();
        let mut headers = Headers::default();
        loop {
            match self.read_line() {
                Ok(true) => {}
                Ok(false) => {
                    return Some(Err(self.truncated(start, "input ends in the header".into())))
                }
                Err(e) => return Some(Err(self.truncated(start, e.to_string()))),
            }
            let text = String::from_utf8_lossy(&self.line);
            let text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() {
                break;
            }
            if !headers.parse_line(text) {
                let what = format!("bad header line {:?}", &text[..text.len().min(60)]);
                return Some(Err(self.corrupt(start, what)));
            }
        }
        let len = match headers
            .get("Content-Length")
            .map(|v| v.trim().parse::<u64>())
        {
            Some(Ok(n)) => n,
            Some(Err(_)) => return Some(Err(self.corrupt(start, "bad Content-Length".into()))),
            None => return Some(Err(self.corrupt(start, "no Content-Length".into()))),
        };
        let keep = len.min(self.max_body as u64);
        let mut body = Vec::with_capacity(keep as usize);
        let got = match (&mut self.input).take(keep).read_to_end(&mut body) {
            Ok(n) => n as u64,
            Err(e) => return Some(Err(self.truncated(start, e.to_string()))),
        };
        let dropped = match io::copy(&mut (&mut self.input).take(len - keep), &mut io::sink()) {
            Ok(n) => n,
            Err(e) => return Some(Err(self.truncated(start, e.to_string()))),
        };
        self.offset += got + dropped;
        if got + dropped < len {
            let what = format!("block has {} of {len} bytes", got + dropped);
            return Some(Err(self.truncated(start, what)));
        }
        Some(Ok(WarcRecord {
            version,
            headers,
            body,
            offset: start,
            body_truncated: len > keep,
        }))
    }
}

impl Iterator for WarcReader {
    type Item = Result<WarcRecord, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        self.next_record()
    }
}
