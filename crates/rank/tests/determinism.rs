//! Bit-identical results whatever the thread count, on a graph spanning many reduction blocks.

use linkdex_rank::{inbound_mass, pagerank, Graph, Options, Precision};

fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn skewed_graph(n: u32, m: usize) -> Vec<(u32, u32)> {
    let mut s = 7;
    let mut pick = |power: i32| {
        let u = (splitmix(&mut s) >> 11) as f64 / (1u64 << 53) as f64;
        ((f64::from(n) * u.powi(power)) as u32).min(n - 1)
    };
    (0..m).map(|_| (pick(2), pick(3))).collect()
}

#[test]
fn scores_do_not_depend_on_threads() {
    let n = 60_000;
    let edges = skewed_graph(n, 400_000);
    let g = Graph::from_edges(n, &edges).unwrap();
    let run = |threads, precision| {
        let opts = Options {
            threads,
            precision,
            ..Options::default()
        };
        pagerank(&g, &opts).unwrap()
    };
    for precision in [Precision::Single, Precision::Double] {
        let one = run(1, precision);
        assert!(one.converged);
        let sum: f64 = one.scores.iter().sum();
        assert!((sum - 1.0).abs() < 1e-12, "sum {sum}");
        for threads in [2, 3, 7] {
            let other = run(threads, precision);
            assert_eq!(other.iterations, one.iterations);
            let same = other.scores.iter().zip(&one.scores);
            assert!(same.clone().all(|(a, b)| a.to_bits() == b.to_bits()));
        }
    }
    let one = run(1, Precision::Single);
    // Edge order does not matter either: rows are sorted before summing.
    let mut reversed = edges.clone();
    reversed.reverse();
    let h = Graph::from_edges(n, &reversed).unwrap();
    let again = pagerank(&h, &Options::default()).unwrap();
    assert!(again
        .scores
        .iter()
        .zip(&one.scores)
        .all(|(a, b)| a.to_bits() == b.to_bits()));
    assert_eq!(inbound_mass(&g, &one), inbound_mass(&h, &again));
}
