//! The contract's logarithmic rank scale (spec `domain_intersection.md` §9).
//!
//! 1000 means "all of the graph's rank mass" and every factor of 10 is 100 points, so a mass of
//! 1e-10 or less is rank 0.

/// The highest rank.
pub const MAX_RANK: u16 = 1000;

/// The ranking job and the query engine share one definition: the engine's, in the store.
pub use linkdex_store::{scale, unscale};

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
