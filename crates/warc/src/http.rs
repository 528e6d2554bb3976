//! The HTTP response inside a `response` record: status, headers and the payload, de-chunked
//! and decompressed when the headers say so *and* the bytes agree (many archives keep the
//! original `Content-Encoding`/`Transfer-Encoding` headers over an already decoded payload).

use std::borrow::Cow;
use std::io::Read;

use crate::{Headers, WarcRecord};

/// Decompressed payloads larger than this are cut: bounded memory on gzip bombs.
const MAX_PAYLOAD: u64 = 64 << 20;

/// A parsed HTTP response.
#[derive(Debug, Clone)]
pub struct HttpResponse<'a> {
    pub status: u16,
    pub headers: Headers,
    pub body: Cow<'a, [u8]>,
}

impl WarcRecord {
    /// The HTTP response this record holds, if it is a `response` record whose block is one.
    pub fn http_response(&self) -> Option<HttpResponse<'_>> {
        if !self
            .warc_type()
            .is_some_and(|t| t.eq_ignore_ascii_case("response"))
        {
            return None;
        }
        HttpResponse::parse(&self.body)
    }
}

impl<'a> HttpResponse<'a> {
    /// Parses `HTTP/x.y NNN reason`, the header block and the payload.
    pub fn parse(block: &'a [u8]) -> Option<HttpResponse<'a>> {
        let mut rest = block;
        let status_line = next_line(&mut rest)?;
        let mut parts = status_line.split_whitespace();
        if !parts.next()?.starts_with("HTTP/") {
            return None;
        }
        let status: u16 = parts.next()?.parse().ok()?;
        let mut headers = Headers::default();
        loop {
            let line = next_line(&mut rest)?;
            if line.is_empty() {
                break;
            }
            // A malformed header line in a real capture is ignored, not fatal.
            headers.parse_line(&line);
        }
        let mut body: Cow<'a, [u8]> = Cow::Borrowed(rest);
        let chunked = headers
            .get("Transfer-Encoding")
            .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
        if chunked {
            if let Some(d) = dechunk(&body) {
                body = Cow::Owned(d);
            }
        }
        let coding = headers
            .get("Content-Encoding")
            .map(|v| v.trim().to_ascii_lowercase());
        if let Some(coding) = coding {
            if let Some(d) = decode(&coding, &body) {
                body = Cow::Owned(d);
            }
        }
        Some(HttpResponse {
            status,
            headers,
            body,
        })
    }
}

/// Takes one line (LF or CRLF) off the front of `rest`.
fn next_line(rest: &mut &[u8]) -> Option<String> {
    if rest.is_empty() {
        return None;
    }
    let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
    let line = &rest[..end];
    *rest = &rest[(end + 1).min(rest.len())..];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Some(String::from_utf8_lossy(line).into_owned())
}

/// Decodes `Transfer-Encoding: chunked`; None when the bytes are not chunked after all.
fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(b.len());
    loop {
        let end = memchr::memchr(b'\n', b)?;
        let size_text = std::str::from_utf8(&b[..end]).ok()?;
        let size_text = size_text.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        b = &b[end + 1..];
        if size == 0 {
            return Some(out);
        }
        if size > b.len() {
            // A capture cut inside a chunk: keep what is there.
            out.extend_from_slice(b);
            return Some(out);
        }
        out.extend_from_slice(&b[..size]);
        b = &b[size..];
        b = b.strip_prefix(b"\r").unwrap_or(b);
        b = b.strip_prefix(b"\n").unwrap_or(b);
        if b.is_empty() {
            return Some(out);
        }
    }
}

/// Undoes gzip/deflate when the payload really is compressed; None otherwise.
fn decode(coding: &str, body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let ok = match coding {
        "gzip" | "x-gzip" if body.starts_with(&[0x1f, 0x8b]) => {
            flate2::read::MultiGzDecoder::new(body)
                .take(MAX_PAYLOAD)
                .read_to_end(&mut out)
                .is_ok()
                || !out.is_empty()
        }
        "deflate" if body.first().is_some_and(|b| b & 0x0f == 8) => {
            flate2::read::ZlibDecoder::new(body)
                .take(MAX_PAYLOAD)
                .read_to_end(&mut out)
                .is_ok()
        }
        _ => false,
    };
    ok.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_status_headers_and_chunked_body() {
        let raw = b"HTTP/1.1 301 Moved\r\nLocation: /x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
        let r = HttpResponse::parse(raw).unwrap();
        assert_eq!(r.status, 301);
        assert_eq!(r.headers.get("location"), Some("/x"));
        assert_eq!(&*r.body, b"abcde");
    }

    #[test]
    fn keeps_a_payload_that_is_not_encoded_as_announced() {
        let raw = b"HTTP/1.0 200 OK\nContent-Encoding: gzip\nTransfer-Encoding: chunked\n\n<html>";
        let r = HttpResponse::parse(raw).unwrap();
        assert_eq!(&*r.body, b"<html>");
    }

    #[test]
    fn gunzips_a_real_gzip_payload() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"<p>hi</p>").unwrap();
        let gz = enc.finish().unwrap();
        let mut raw = b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n".to_vec();
        raw.extend_from_slice(&gz);
        assert_eq!(&*HttpResponse::parse(&raw).unwrap().body, b"<p>hi</p>");
    }

    #[test]
    fn refuses_what_is_not_http() {
        assert!(HttpResponse::parse(b"GET / HTTP/1.1\r\n\r\n").is_none());
        assert!(HttpResponse::parse(b"").is_none());
    }
}
