//! The rank scale of contract §9: integers 0–1000 on one logarithmic scale, 100 points per
//! factor of 10, and the `one_hundred` presentation of §7.

/// `scale(x) = 0 if x <= 0 else clamp(round(1000 + 100 * log10(x)), 0, 1000)`.
pub fn scale(mass: f64) -> u64 {
    if mass <= 0.0 {
        return 0;
    }
    (1000.0 + 100.0 * mass.log10()).round().clamp(0.0, 1000.0) as u64
}

/// `unscale(r) = 0 if r == 0 else 10^((r - 1000) / 100)`.
pub fn unscale(rank: u64) -> f64 {
    if rank == 0 {
        return 0.0;
    }
    10f64.powf((rank as f64 - 1000.0) / 100.0)
}

/// A 0–1000 rank as `rank_scale: one_hundred` reports it: `round(sin(r / 636.62) * 100)`.
pub fn hundred(rank: u64) -> u64 {
    ((rank as f64 / 636.62).sin() * 100.0).round() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_links_of_500_give_600() {
        let mass: f64 = (0..10).map(|_| unscale(500)).sum();
        assert_eq!(scale(mass), 600);
    }

    #[test]
    fn scale_round_trips_and_clamps() {
        for r in [1, 7, 100, 500, 999, 1000] {
            assert_eq!(scale(unscale(r)), r);
        }
        assert_eq!(scale(0.0), 0);
        assert_eq!(scale(5.0), 1000, "more than all the mass is still 1000");
        assert_eq!(scale(1e-12), 0, "below the scale clamps to 0");
        assert_eq!(unscale(0), 0.0);
    }

    #[test]
    fn one_hundred_scale() {
        assert_eq!(hundred(0), 0);
        assert_eq!(hundred(1000), 100);
        assert_eq!(hundred(500), 71); // sin(0.7854) = 0.7071
        assert_eq!(hundred(113), 18); // sin(0.1775) = 0.1766
    }
}
