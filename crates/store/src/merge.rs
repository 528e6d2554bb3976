//! K-way merge of segments in segment order: the one stream every whole-index rewrite reads.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use linkdex_model::Record;

use crate::error::Result;
use crate::segment::segment_order;

/// K-way merge of record streams in segment order (segments or runs, oldest first); a key in
/// several streams is folded oldest first. The heads sit in a binary heap, so a record costs
/// O(log k) comparisons however many streams there are.
pub(crate) struct MergeIter<I> {
    heap: BinaryHeap<Head>,
    iters: Vec<I>,
    started: bool,
    failed: bool,
}

/// The next record of stream `stream`, ordered for a min-heap: segment order, then the older
/// stream first.
struct Head {
    record: Record,
    stream: usize,
}

impl Ord for Head {
    fn cmp(&self, other: &Head) -> Ordering {
        segment_order(&other.record, &self.record).then(other.stream.cmp(&self.stream))
    }
}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Head) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Head {
    fn eq(&self, other: &Head) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Head {}

impl<I: Iterator<Item = Result<Record>>> MergeIter<I> {
    pub(crate) fn new(iters: Vec<I>) -> Self {
        MergeIter {
            heap: BinaryHeap::with_capacity(iters.len()),
            iters,
            started: false,
            failed: false,
        }
    }

    /// Puts the next record of `stream` on the heap.
    fn advance(&mut self, stream: usize) -> Result<()> {
        if let Some(record) = self.iters[stream].next().transpose()? {
            self.heap.push(Head { record, stream });
        }
        Ok(())
    }

    fn step(&mut self) -> Result<Option<Record>> {
        if !self.started {
            self.started = true;
            for stream in 0..self.iters.len() {
                self.advance(stream)?;
            }
        }
        let Some(Head { mut record, stream }) = self.heap.pop() else {
            return Ok(None);
        };
        self.advance(stream)?;
        // Equal keys pop in stream order: oldest first, as the fold needs.
        while self
            .heap
            .peek()
            .is_some_and(|next| segment_order(&next.record, &record) == Ordering::Equal)
        {
            let Some(Head {
                record: newer,
                stream,
            }) = self.heap.pop()
            else {
                break;
            };
            record = Record::merge(&record, &newer);
            self.advance(stream)?;
        }
        Ok(Some(record))
    }
}

impl<I: Iterator<Item = Result<Record>>> Iterator for MergeIter<I> {
    type Item = Result<Record>;

    fn next(&mut self) -> Option<Result<Record>> {
        if self.failed {
            return None;
        }
        let step = self.step();
        self.failed = step.is_err();
        step.transpose()
    }
}
