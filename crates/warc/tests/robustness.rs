//! Arbitrary bytes give records or errors, never a panic; corruption is skipped over.

use linkdex_warc::{Error, WarcReader};
use proptest::prelude::*;

fn read_all(bytes: Vec<u8>) -> Vec<Result<linkdex_warc::WarcRecord, Error>> {
    WarcReader::from_reader("mem", std::io::Cursor::new(bytes))
        .unwrap()
        .collect()
}

const GOOD: &str = "WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n";

#[test]
fn a_corrupt_record_is_reported_and_the_next_one_read() {
    let input = format!("{GOOD}garbage line\r\nmore\r\nWARC/1.0\r\nBroken header\r\n\r\n{GOOD}");
    let out = read_all(input.into_bytes());
    let kinds: Vec<_> = out
        .iter()
        .map(|r| match r {
            Ok(_) => "ok",
            Err(Error::Corruption { .. }) => "corrupt",
            Err(_) => "other",
        })
        .collect();
    assert_eq!(kinds, ["ok", "corrupt", "corrupt", "ok"]);
    let offset = out[1].as_ref().unwrap_err().offset();
    assert_eq!(offset, Some(GOOD.len() as u64));
}

#[test]
fn a_short_block_is_truncation_and_ends_the_stream() {
    let input = format!("{GOOD}WARC/1.0\r\nContent-Length: 100\r\n\r\nabc");
    let out = read_all(input.into_bytes());
    assert_eq!(out.len(), 2);
    assert!(matches!(out[1], Err(Error::Truncated { .. })));
}

#[test]
fn a_block_over_the_cap_is_cut_and_flagged() {
    let r = WarcReader::from_reader("mem", std::io::Cursor::new(GOOD.as_bytes().to_vec()))
        .unwrap()
        .with_max_body(2)
        .next()
        .unwrap()
        .unwrap();
    assert_eq!(r.body, b"he");
    assert!(r.body_truncated);
}

#[test]
fn gzip_members_and_one_stream_both_read() {
    use std::io::Write;
    let gz = |s: &str| {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(s.as_bytes()).unwrap();
        e.finish().unwrap()
    };
    let mut members = gz(GOOD);
    members.extend(gz(GOOD));
    assert_eq!(read_all(members).len(), 2);
    let one = gz(&format!("{GOOD}{GOOD}{GOOD}"));
    assert_eq!(read_all(one).len(), 3);
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = read_all(bytes);
    }

    #[test]
    fn mangled_records_never_panic(cut in 0usize..GOOD.len() * 2, flip in 0usize..GOOD.len() * 2) {
        let mut b = format!("{GOOD}{GOOD}").into_bytes();
        b[flip] ^= 0x20;
        b.truncate(cut);
        let _ = read_all(b);
    }
}
