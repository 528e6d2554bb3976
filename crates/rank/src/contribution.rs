//! The per-step contribution `PR(u) / out(u)`: its storage type and the row sums over it.
//!
//! This array is the only one read at random (once per edge), so its element size decides how
//! much of it stays in cache; sums are always accumulated in `f64`.

/// A stored contribution: `f32` or `f64`.
pub(crate) trait Contribution: Copy + Default + Send + Sync {
    fn narrow(value: f64) -> Self;
    fn widen(self) -> f64;
}

impl Contribution for f32 {
    fn narrow(value: f64) -> f32 {
        value as f32
    }
    fn widen(self) -> f64 {
        f64::from(self)
    }
}

impl Contribution for f64 {
    fn narrow(value: f64) -> f64 {
        value
    }
    fn widen(self) -> f64 {
        self
    }
}

/// Σ `values[u]` over `row`, four accumulators combined in a fixed order (the order depends
/// only on the row, so the result does not depend on threads).
#[inline]
pub(crate) fn row_sum<C: Contribution>(row: &[u32], values: &[C]) -> f64 {
    let mut acc = [0.0f64; 4];
    let mut quads = row.chunks_exact(4);
    for q in &mut quads {
        acc[0] += values[q[0] as usize].widen();
        acc[1] += values[q[1] as usize].widen();
        acc[2] += values[q[2] as usize].widen();
        acc[3] += values[q[3] as usize].widen();
    }
    let mut tail = 0.0;
    for &u in quads.remainder() {
        tail += values[u as usize].widen();
    }
    ((acc[0] + acc[1]) + (acc[2] + acc[3])) + tail
}
