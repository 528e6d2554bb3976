//! Archive → captures: the iterator ingest runs over a WARC or WAT file (or stdin). Each
//! record is a WARC response (HTML parsed here) or a WAT metadata record (links as the WAT
//! carries them); every other record is skipped. Errors are yielded with file and offset, and
//! reading continues where the reader can.

use linkdex_warc::{WarcReader, WatPage};

use crate::{Capture, Error};

/// Iterator of the captures of one archive.
pub struct Captures {
    reader: WarcReader,
    now: i64,
}

impl Captures {
    /// `now` is used for the date of a capture with neither a valid WARC-Date nor HTTP Date.
    pub fn new(reader: WarcReader, now: i64) -> Captures {
        Captures { reader, now }
    }
}

impl Iterator for Captures {
    type Item = Result<Capture, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let record = match self.reader.next()? {
                Ok(r) => r,
                Err(e) => return Some(Err(e.into())),
            };
            let kind = record.warc_type().unwrap_or("").to_ascii_lowercase();
            let capture = match kind.as_str() {
                "response" => Capture::from_warc(&record, self.now),
                "metadata" => match WatPage::from_record(&record, self.reader.file()) {
                    Ok(Some(w)) => Capture::from_wat(&w, self.now),
                    Ok(None) => None,
                    Err(e) => return Some(Err(e.into())),
                },
                _ => None,
            };
            if let Some(c) = capture {
                return Some(Ok(c));
            }
        }
    }
}
