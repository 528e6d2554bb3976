//! The contract's logarithmic rank scale (spec `domain_intersection.md` §9).
//!
//! 1000 means "all of the graph's rank mass" and every factor of 10 is 100 points, so a mass of
//! 1e-10 or less is rank 0.

/// The highest rank.
pub const MAX_RANK: u16 = 1000;

/// `scale(x) = 0 if x <= 0 else clamp(round_half_up(1000 + 100 * log10(x)), 0, 1000)`.
///
/// NaN maps to 0 and +inf to 1000, so no float input can produce an out-of-range rank.
pub fn scale(mass: f64) -> u16 {
    // NaN fails `mass > 0.0` too.
    if mass.is_nan() || mass <= 0.0 {
        return 0;
    }
    let points = (1000.0 + 100.0 * mass.log10() + 0.5).floor();
    points.clamp(0.0, f64::from(MAX_RANK)) as u16
}

/// `unscale(r) = 0 if r == 0 else 10^((r - 1000) / 100)`; ranks above 1000 are read as 1000.
///
/// `scale(unscale(r)) == r` for every `r` in `0..=1000`.
pub fn unscale(rank: u16) -> f64 {
    if rank == 0 {
        return 0.0;
    }
    let rank = rank.min(MAX_RANK);
    10f64.powf((f64::from(rank) - 1000.0) / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_negative_and_nan_are_rank_zero() {
        assert_eq!(scale(0.0), 0);
        assert_eq!(scale(-0.0), 0);
        assert_eq!(scale(-1.0), 0);
        assert_eq!(scale(f64::NAN), 0);
        assert_eq!(scale(f64::NEG_INFINITY), 0);
        assert_eq!(scale(f64::MIN_POSITIVE), 0);
    }

    #[test]
    fn whole_mass_and_beyond_clamp_to_1000() {
        assert_eq!(scale(1.0), 1000);
        assert_eq!(scale(10.0), 1000);
        assert_eq!(scale(f64::INFINITY), 1000);
    }

    #[test]
    fn every_factor_of_ten_is_100_points() {
        assert_eq!(scale(0.1), 900);
        assert_eq!(scale(1e-5), 500);
        assert_eq!(scale(1e-9), 100);
        assert_eq!(scale(1e-10), 0);
        assert_eq!(scale(1e-11), 0);
        // 1000 + 100 * log10(2e-10) = 30.10
        assert_eq!(scale(2e-10), 30);
    }

    #[test]
    fn rounds_half_up() {
        // 1000 + 100 * log10(x) = 500.6 and 500.4 either side of the half.
        assert_eq!(scale(10f64.powf(-4.994)), 501);
        assert_eq!(scale(10f64.powf(-4.996)), 500);
    }

    #[test]
    fn ten_links_of_500_give_600() {
        assert_eq!(scale(10.0 * unscale(500)), 600);
    }

    #[test]
    fn unscale_edges() {
        assert_eq!(unscale(0), 0.0);
        assert_eq!(unscale(1000), 1.0);
        assert_eq!(unscale(u16::MAX), 1.0);
        assert!((unscale(900) - 0.1).abs() < 1e-15);
    }

    #[test]
    fn scale_inverts_unscale_on_every_rank() {
        for rank in 0..=MAX_RANK {
            assert_eq!(scale(unscale(rank)), rank, "rank {rank}");
        }
    }
}
