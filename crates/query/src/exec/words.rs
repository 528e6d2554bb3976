//! Word buffers (bits over host ids) reused across the queries of a thread. A query over a large
//! index needs several of about a megabyte each; fresh ones cost page faults, which on the
//! machines measured cost more than the query's own work.

use std::cell::RefCell;
use std::ops::{Deref, DerefMut};

/// The bytes of buffers a thread keeps for its next queries.
const KEPT_BYTES: usize = 32 << 20;

thread_local! {
    static POOL: RefCell<Vec<Vec<u64>>> = const { RefCell::new(Vec::new()) };
}

/// `len` zeroed words, returned to the thread's pool when dropped.
pub(super) struct Words(Vec<u64>);

impl Words {
    pub(super) fn zeroed(len: usize) -> Words {
        let kept = POOL.with(|pool| pool.borrow_mut().pop());
        let mut words = kept.unwrap_or_default();
        words.clear();
        words.resize(len, 0);
        Words(words)
    }
}

impl Drop for Words {
    fn drop(&mut self) {
        let words = std::mem::take(&mut self.0);
        POOL.with(|pool| {
            let mut pool = pool.borrow_mut();
            let kept: usize = pool.iter().map(|w| w.capacity() * 8).sum();
            if kept + words.capacity() * 8 <= KEPT_BYTES {
                pool.push(words);
            }
        });
    }
}

impl Deref for Words {
    type Target = [u64];

    fn deref(&self) -> &[u64] {
        &self.0
    }
}

impl DerefMut for Words {
    fn deref_mut(&mut self) -> &mut [u64] {
        &mut self.0
    }
}

#[cfg(test)]
mod tests {
    use super::Words;

    #[test]
    fn a_reused_buffer_comes_back_zeroed_and_sized() {
        let mut first = Words::zeroed(1000);
        first.iter_mut().for_each(|w| *w = u64::MAX);
        drop(first);
        let second = Words::zeroed(700);
        assert_eq!(second.len(), 700);
        assert!(second.iter().all(|&w| w == 0));
        let third = Words::zeroed(2000);
        assert_eq!(third.len(), 2000);
        assert!(third.iter().all(|&w| w == 0));
    }
}
