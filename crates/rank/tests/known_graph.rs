//! Ranks of a small graph solved by hand.
//!
//! Edges 0->1, 0->2, 1->2, 2->0, d = 17/20, N = 3. The fixed point, solved with fractions:
//! x0 = 686/1769, x1 = 380/1769, x2 = 703/1769. Link-borne mass m = x - (1-d)/N (no dangling):
//! m0 = d*x2 = 0.33779 (952.86 -> 953), m1 = d*x0/2 = 0.16481 (921.70 -> 922),
//! m2 = d*(x0/2 + x1) = 0.34740 (954.08 -> 954).

use linkdex_rank::{inbound_mass, link_rank, node_ranks, pagerank, Graph, Options, Precision};

fn exact() -> Options {
    Options {
        tolerance: 1e-14,
        max_iter: 10_000,
        precision: Precision::Double,
        ..Options::default()
    }
}

#[test]
fn three_node_cycle_matches_the_hand_solution() {
    let g = Graph::from_edges(3, &[(0, 1), (0, 2), (1, 2), (2, 0)]).unwrap();
    let r = pagerank(&g, &exact()).unwrap();
    assert!(r.converged);
    let want = [686.0 / 1769.0, 380.0 / 1769.0, 703.0 / 1769.0];
    for (got, want) in r.scores.iter().zip(want) {
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    }
    let m = inbound_mass(&g, &r);
    let teleport = 0.15 / 3.0;
    for (mass, pr) in m.iter().zip(&r.scores) {
        assert!((mass - (pr - teleport)).abs() < 1e-12);
    }
    assert_eq!(node_ranks(&g, &r), vec![953, 922, 954]);
    assert_eq!(link_rank(&g, &r, 2, 0, true, false), 953);
    assert_eq!(link_rank(&g, &r, 0, 1, true, false), 922);
    assert_eq!(
        link_rank(&g, &r, 0, 1, false, false),
        0,
        "nofollow passes nothing"
    );
    assert_eq!(
        link_rank(&g, &r, 0, 1, true, true),
        0,
        "broken passes nothing"
    );
    assert_eq!(
        link_rank(&g, &r, 0, 0, true, false),
        0,
        "self-link passes nothing"
    );
}

#[test]
fn a_page_without_in_links_ranks_zero() {
    // Node 3 links in but nothing links to it; node 4 is isolated (dangling).
    let g = Graph::from_edges(5, &[(0, 1), (0, 2), (1, 2), (2, 0), (3, 0)]).unwrap();
    let r = pagerank(&g, &exact()).unwrap();
    let m = inbound_mass(&g, &r);
    assert_eq!(m[3], 0.0);
    assert_eq!(m[4], 0.0);
    let ranks = node_ranks(&g, &r);
    assert_eq!((ranks[3], ranks[4]), (0, 0));
    assert!(ranks[0] > 0);
    assert!(link_rank(&g, &r, 3, 0, true, false) > 0);
    // Teleport and the dangling share still give them PR, just no rank.
    assert!(r.scores[3] > 0.0 && r.scores[4] > 0.0);
}

#[test]
fn host_ranks_come_from_the_folded_graph() {
    // Hosts: {0,1} -> 0, {2} -> 1, {3,4} -> 2. Host 0 links to host 1 twice (one host edge),
    // host 1 to host 2; host 2 only links inside itself.
    let pages = Graph::from_edges(5, &[(0, 2), (1, 2), (0, 1), (2, 3), (3, 4), (4, 3)]).unwrap();
    let hosts = pages.fold(&[0, 0, 1, 2, 2], 3).unwrap();
    assert_eq!(hosts.edge_count(), 2);
    let r = pagerank(&hosts, &exact()).unwrap();
    let ranks = node_ranks(&hosts, &r);
    assert_eq!(ranks[0], 0, "no other host links to host 0");
    assert!(ranks[2] > ranks[1] && ranks[1] > 0);
}

#[test]
fn empty_graph_and_bad_options() {
    let g = Graph::from_edges(0, &[]).unwrap();
    let r = pagerank(&g, &Options::default()).unwrap();
    assert!(r.scores.is_empty() && r.converged);
    let g = Graph::from_edges(2, &[(0, 1)]).unwrap();
    for bad in [
        Options {
            damping: 1.0,
            ..Options::default()
        },
        Options {
            damping: -0.1,
            ..Options::default()
        },
        Options {
            tolerance: 0.0,
            ..Options::default()
        },
        Options {
            tolerance: f64::NAN,
            ..Options::default()
        },
        Options {
            max_iter: 0,
            ..Options::default()
        },
    ] {
        assert!(pagerank(&g, &bad).is_err(), "{bad:?}");
    }
}

#[test]
fn stops_at_max_iter_unconverged() {
    let g = Graph::from_edges(3, &[(0, 1), (1, 2)]).unwrap();
    let mut seen = Vec::new();
    let opts = Options {
        max_iter: 2,
        tolerance: 1e-300,
        ..Options::default()
    };
    let r =
        linkdex_rank::pagerank_with_progress(&g, &opts, &mut |p| seen.push(p.iteration)).unwrap();
    assert_eq!((r.iterations, r.converged), (2, false));
    assert_eq!(seen, vec![1, 2]);
}
