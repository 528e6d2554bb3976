//! A fixed-seed power-law edge generator, standing in for a crawl's page graph.
//!
//! N = edges / 10 nodes. Sources are drawn among the first 60 % of (pre-shuffle) nodes so 40 %
//! of pages have no out-links, like `url_to`-only pages of a crawl. Node rank r is drawn as
//! `floor(S · u^k)`: k = 2 for sources, 3 for destinations, i.e. out-degree and in-degree
//! follow Zipf laws with exponents 1/2 and 2/3 (the top page gets ~1 % of all in-links at 1M
//! nodes). Ranks are then scattered over ids by `r · P mod N` (P a prime > N), so hubs are
//! not clustered at low ids — dictionaries assign ids in discovery order, not by popularity.

/// SplitMix64: tiny, fast and reproducible everywhere.
pub struct SplitMix(u64);

impl SplitMix {
    pub fn new(seed: u64) -> SplitMix {
        SplitMix(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// Returns `(node_count, edges)`; may contain self-loops and duplicates, as real data does.
pub fn generate(edge_count: u64, seed: u64) -> (u32, Vec<(u32, u32)>) {
    let n = (edge_count / 10).clamp(1, u64::from(u32::MAX - 1));
    let sources = (n * 6 / 10).max(1);
    // 4_294_967_311 is prime and > any u32 N, so multiplication by it permutes 0..N.
    const P: u64 = 4_294_967_311;
    let scatter = |r: u64| ((r * P) % n) as u32;
    let mut rng = SplitMix::new(seed);
    let mut edges = Vec::with_capacity(edge_count as usize);
    for _ in 0..edge_count {
        let u = rng.next_f64();
        let src = ((sources as f64 * u * u) as u64).min(sources - 1);
        let u = rng.next_f64();
        let dst = ((n as f64 * u * u * u) as u64).min(n - 1);
        edges.push((scatter(src), scatter(dst)));
    }
    (n as u32, edges)
}
