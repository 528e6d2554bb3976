//! Opens an input by name: a file (`.gz` and `.zst` decompressed by extension) or `-` for stdin.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

/// A buffered reader over the decompressed bytes of `name`.
pub fn open_source(name: &str) -> io::Result<Box<dyn BufRead + Send>> {
    let raw: Box<dyn Read + Send> = if name == "-" {
        Box::new(io::stdin())
    } else {
        Box::new(File::open(name)?)
    };
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("");
    let decoded: Box<dyn Read + Send> = match ext {
        "gz" | "gzip" => Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(
            1 << 16,
            raw,
        ))),
        "zst" | "zstd" => Box::new(zstd::stream::read::Decoder::new(raw)?),
        _ => raw,
    };
    Ok(Box::new(BufReader::with_capacity(1 << 20, decoded)))
}
