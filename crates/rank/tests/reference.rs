//! PageRank against an obviously-correct dense power iteration on small random graphs.

use linkdex_rank::{
    inbound_mass, link_rank, node_ranks, pagerank, scale, unscale, Graph, Options, Precision,
};
use proptest::prelude::*;

const D: f64 = 0.85;

/// Dense reference: adjacency matrix without self-loops or duplicates, iterated to 1e-15.
fn reference(n: usize, edges: &[(u32, u32)]) -> Vec<f64> {
    let mut adj = vec![vec![false; n]; n];
    for &(s, t) in edges {
        if s != t {
            adj[s as usize][t as usize] = true;
        }
    }
    let out: Vec<usize> = adj
        .iter()
        .map(|row| row.iter().filter(|&&b| b).count())
        .collect();
    let mut x = vec![1.0 / n as f64; n];
    for _ in 0..100_000 {
        let dangling: f64 = (0..n).filter(|&u| out[u] == 0).map(|u| x[u]).sum();
        let next: Vec<f64> = (0..n)
            .map(|v| {
                let links: f64 = (0..n)
                    .filter(|&u| adj[u][v])
                    .map(|u| x[u] / out[u] as f64)
                    .sum();
                (1.0 - D) / n as f64 + D * dangling / n as f64 + D * links
            })
            .collect();
        let delta: f64 = next.iter().zip(&x).map(|(a, b)| (a - b).abs()).sum();
        x = next;
        if delta < 1e-15 {
            break;
        }
    }
    x
}

fn exact() -> Options {
    Options {
        tolerance: 1e-14,
        max_iter: 100_000,
        precision: Precision::Double,
        ..Options::default()
    }
}

fn graphs() -> impl Strategy<Value = (u32, Vec<(u32, u32)>)> {
    (1u32..40).prop_flat_map(|n| (Just(n), prop::collection::vec((0..n, 0..n), 0..200)))
}

proptest! {
    #[test]
    fn matches_dense_reference((n, edges) in graphs()) {
        let g = Graph::from_edges(n, &edges).unwrap();
        let r = pagerank(&g, &exact()).unwrap();
        prop_assert!(r.converged);
        let want = reference(n as usize, &edges);
        for (v, (got, want)) in r.scores.iter().zip(&want).enumerate() {
            prop_assert!((got - want).abs() < 1e-11, "node {}: {} vs {}", v, got, want);
        }
        let sum: f64 = r.scores.iter().sum();
        prop_assert!((sum - 1.0).abs() < 1e-12, "sum {}", sum);
    }

    #[test]
    fn single_precision_stays_within_1e6_relative((n, edges) in graphs()) {
        let g = Graph::from_edges(n, &edges).unwrap();
        let single = Options { tolerance: 1e-12, max_iter: 1_000, ..Options::default() };
        let (a, b) = (pagerank(&g, &single).unwrap(), pagerank(&g, &exact()).unwrap());
        for (x, y) in a.scores.iter().zip(&b.scores) {
            prop_assert!((x - y).abs() <= 1e-6 * y, "{} vs {}", x, y);
        }
        let sum: f64 = a.scores.iter().sum();
        prop_assert!((sum - 1.0).abs() < 1e-12, "sum {}", sum);
        let (p, q) = (node_ranks(&g, &a), node_ranks(&g, &b));
        prop_assert!(p.iter().zip(&q).all(|(p, q)| p.abs_diff(*q) <= 1));
    }

    #[test]
    fn link_borne_mass_is_pr_minus_teleport_and_dangling((n, edges) in graphs()) {
        let g = Graph::from_edges(n, &edges).unwrap();
        let r = pagerank(&g, &exact()).unwrap();
        let m = inbound_mass(&g, &r);
        let nf = f64::from(n);
        let dangling: f64 = (0..n).filter(|&u| g.out_degree(u) == 0).map(|u| r.scores[u as usize]).sum();
        for v in 0..n {
            let i = v as usize;
            let expected = r.scores[i] - (1.0 - D) / nf - D * dangling / nf;
            prop_assert!((m[i] - expected).abs() < 1e-11);
            if g.in_degree(v) == 0 {
                prop_assert_eq!(m[i], 0.0);
            }
        }
        let total: f64 = m.iter().sum();
        prop_assert!((total - D * (1.0 - dangling)).abs() < 1e-11);
    }

    #[test]
    fn link_ranks_add_up_to_the_target_rank((n, edges) in graphs()) {
        let g = Graph::from_edges(n, &edges).unwrap();
        let r = pagerank(&g, &exact()).unwrap();
        let ranks = node_ranks(&g, &r);
        for v in 0..n {
            // §9: the per-target rank is scale(Σ unscale(link rank)) over its in-links.
            let passed: f64 = g
                .in_neighbors(v)
                .map(|u| unscale(link_rank(&g, &r, u, v, true, false)))
                .sum();
            let diff = i32::from(scale(passed)) - i32::from(ranks[v as usize]);
            prop_assert!(diff.abs() <= 1, "node {}: {} vs {}", v, scale(passed), ranks[v as usize]);
        }
    }

    #[test]
    fn relabelling_permutes_the_scores(
        (n, edges, perm) in graphs().prop_flat_map(|(n, edges)| {
            (Just(n), Just(edges), Just((0..n).collect::<Vec<u32>>()).prop_shuffle())
        })
    ) {
        let g = Graph::from_edges(n, &edges).unwrap();
        let relabelled: Vec<(u32, u32)> =
            edges.iter().map(|&(s, t)| (perm[s as usize], perm[t as usize])).collect();
        let h = Graph::from_edges(n, &relabelled).unwrap();
        let (a, b) = (pagerank(&g, &exact()).unwrap(), pagerank(&h, &exact()).unwrap());
        for (v, &p) in perm.iter().enumerate() {
            prop_assert!((a.scores[v] - b.scores[p as usize]).abs() < 1e-13);
        }
    }

    #[test]
    fn fold_equals_building_the_mapped_edges(
        (n, edges, groups, k) in graphs().prop_flat_map(|(n, edges)| {
            (1u32..6).prop_flat_map(move |k| {
                (Just(n), Just(edges.clone()), prop::collection::vec(0..k, n as usize), Just(k))
            })
        })
    ) {
        let folded = Graph::from_edges(n, &edges).unwrap().fold(&groups, k).unwrap();
        let mapped: Vec<(u32, u32)> =
            edges.iter().map(|&(s, t)| (groups[s as usize], groups[t as usize])).collect();
        let direct = Graph::from_edges(k, &mapped).unwrap();
        prop_assert_eq!(folded.edge_count(), direct.edge_count());
        for h in 0..k {
            let mut a: Vec<u32> = folded.in_neighbors(h).collect();
            let mut b: Vec<u32> = direct.in_neighbors(h).collect();
            a.sort_unstable();
            b.sort_unstable();
            prop_assert_eq!(a, b);
            prop_assert_eq!(folded.out_degree(h), direct.out_degree(h));
        }
    }
}

#[test]
fn all_dangling_is_uniform() {
    let g = Graph::from_edges(7, &[(3, 3)]).unwrap();
    let r = pagerank(&g, &Options::default()).unwrap();
    assert_eq!(r.iterations, 1);
    for &s in &r.scores {
        assert!((s - 1.0 / 7.0).abs() < 1e-15);
    }
    assert!(node_ranks(&g, &r).iter().all(|&rank| rank == 0));
}
