//! K-way merge of segments in segment order: the one stream every whole-index rewrite reads.

use std::cmp::Ordering;

use linkdex_model::Record;

use crate::error::Result;
use crate::segment::{segment_order, SegmentReader};

/// K-way merge of segments in segment order; a key in several segments is folded oldest first.
pub(crate) struct MergeIter<'a> {
    heads: Vec<Option<Record>>,
    iters: Vec<crate::segment::SegmentIter<'a>>,
    failed: bool,
}

impl<'a> MergeIter<'a> {
    pub(crate) fn new(readers: &'a [SegmentReader]) -> Self {
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
