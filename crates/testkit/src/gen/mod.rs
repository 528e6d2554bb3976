//! Seeded generators: random records over small host pools, and random valid requests that
//! aim at those records.

mod filters;
mod pools;
mod records;
mod request;

use rand::Rng;

pub use records::{gen_observations, gen_records, gen_wide_observations};
pub use request::{gen_ranked_request, gen_request};

/// One element of a non-empty slice.
pub(crate) fn pick<T: Copy, R: Rng + ?Sized>(rng: &mut R, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}
