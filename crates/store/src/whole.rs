//! Whole pairs: a segment a writer adds holds, for every (target host, referring host) pair it
//! stores, every record that pair has in the segments before it, folded with the new ones.
//!
//! Folding keys oldest first over all segments then gives, for a pair, exactly what its newest
//! segment holds: for a record `x` folded into `m`, `Record::merge(x, m) == m` (`m` is at least
//! as new, holds the earlier `first_seen`, and its `prev_seen` already covers `x`). So a reader
//! may take a pair from the newest segment that has it, with its stored aggregates, instead of
//! reading and folding the records of every copy; older copies are *shadowed*.

use std::iter::Peekable;
use std::sync::Arc;

use linkdex_model::Record;

use crate::error::{Result, StoreError};
use crate::segment::{same_target_order, SegmentReader};

/// Records in segment order with unique keys, each pair completed with the records the pair
/// has in `older` segments (oldest first).
pub(crate) struct WholePairs<'a, I: Iterator<Item = Result<Record>>> {
    input: Pairs<I>,
    older: Vec<Older<'a>>,
    /// The completed pair being handed out.
    out: std::vec::IntoIter<Record>,
}

impl<'a, I: Iterator<Item = Result<Record>>> WholePairs<'a, I> {
    pub(crate) fn new(input: I, older: &'a [SegmentReader]) -> Self {
        WholePairs {
            input: Pairs(input.peekable()),
            older: older.iter().map(Older::new).collect(),
            out: Vec::new().into_iter(),
        }
    }

    /// The next pair of the input, completed: its records and those of its older copies,
    /// folded by key, in key order (the segment order within a pair).
    fn next_pair(&mut self) -> Result<Option<Vec<Record>>> {
        let Some(mut new) = self.input.next().transpose()? else {
            return Ok(None);
        };
        let mut old = Vec::new();
        for segment in &mut self.older {
            segment.pair_records(&new[0].domain_to, &new[0].domain_from, &mut old)?;
        }
        if old.is_empty() {
            return Ok(Some(new));
        }
        old.append(&mut new);
        Ok(Some(Record::fold(old).into_values().collect()))
    }
}

impl<I: Iterator<Item = Result<Record>>> Iterator for WholePairs<'_, I> {
    type Item = Result<Record>;

    fn next(&mut self) -> Option<Result<Record>> {
        if let Some(r) = self.out.next() {
            return Some(Ok(r));
        }
        match self.next_pair() {
            Ok(Some(pair)) => {
                self.out = pair.into_iter();
                self.out.next().map(Ok)
            }
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        }
    }
}

/// Records in segment order, a pair's at a time.
struct Pairs<I: Iterator<Item = Result<Record>>>(Peekable<I>);

impl<I: Iterator<Item = Result<Record>>> Iterator for Pairs<I> {
    type Item = Result<Vec<Record>>;

    fn next(&mut self) -> Option<Result<Vec<Record>>> {
        let mut pair = match self.0.next()? {
            Ok(first) => vec![first],
            Err(e) => return Some(Err(e)),
        };
        while let Some(Ok(next)) = self.0.peek() {
            if next.domain_to != pair[0].domain_to || next.domain_from != pair[0].domain_from {
                break;
            }
            pair.extend(self.0.next().and_then(Result::ok));
        }
        Some(Ok(pair))
    }
}

/// One older segment, looked up pair by pair in segment order.
struct Older<'a> {
    reader: &'a SegmentReader,
    /// The last target host looked up, and its index there.
    target: Option<(String, Option<usize>)>,
    /// The last block read, by index.
    block: Option<(usize, Arc<Vec<Record>>)>,
}

impl<'a> Older<'a> {
    fn new(reader: &'a SegmentReader) -> Self {
        Older {
            reader,
            target: None,
            block: None,
        }
    }

    /// Appends the records of pair (`to`, `from`) in this segment, in key order.
    fn pair_records(&mut self, to: &str, from: &str, out: &mut Vec<Record>) -> Result<()> {
        let reader = self.reader;
        let t = match &self.target {
            Some((host, t)) if host == to => *t,
            _ => {
                let t = reader.target(to);
                self.target = Some((to.to_string(), t));
                t
            }
        };
        let Some(p) = t
            .zip(reader.host_id(from))
            .and_then(|(t, id)| reader.find_pair(t, id))
        else {
            return Ok(());
        };
        let pair = reader.pair(p);
        for span in reader.block_spans(pair.record_start, pair.record_count) {
            let (b, records) = span?;
            let block = match &self.block {
                Some((i, block)) if *i == b => block.clone(),
                _ => {
                    let block = reader.block(b)?;
                    self.block = Some((b, block.clone()));
                    block
                }
            };
            let Some(records) = block.get(records) else {
                let what = format!("pair {p} points past its block");
                return Err(StoreError::corrupt(reader.path(), 0, what));
            };
            out.extend_from_slice(records);
        }
        Ok(())
    }
}

/// Checks that `newer` holds whole every pair it shares with `older`: each record of such a
/// pair in `older` has its key in `newer`, and folding it in changes nothing. Reads `newer`
/// whole and, of `older`, only the pairs they share.
pub(crate) fn verify_whole(older: &SegmentReader, newer: &SegmentReader) -> Result<()> {
    let mut old = Older::new(older);
    let mut theirs = Vec::new();
    for pair in Pairs(newer.iter().peekable()) {
        let pair = pair?;
        theirs.clear();
        old.pair_records(&pair[0].domain_to, &pair[0].domain_from, &mut theirs)?;
        for r in &theirs {
            // A pair's records are in key order (verified for each segment on its own).
            let found = pair.binary_search_by(|x| same_target_order(x, r));
            let fail = |what: &str| {
                let what = format!("{what}: {} -> {}", r.url_from, r.url_to);
                Err(StoreError::corrupt(newer.path(), 0, what))
            };
            match found {
                Ok(i) if Record::merge(r, &pair[i]) == pair[i] => {}
                Ok(_) => return fail("a whole pair's record is older than a copy it shadows"),
                Err(_) => return fail("a whole pair lacks a record of a copy it shadows"),
            }
        }
    }
    Ok(())
}
