//! The link graph as a compressed sparse row (CSR) of in-links.
//!
//! Rows are *destinations* so that PageRank pulls: each node's new score is a sum over its own
//! row, computed by one thread in a fixed order. Nodes are stored under internal ids (see
//! `build::degree_order`); every public method speaks the caller's (external) ids.

use crate::build::build;
use crate::error::RankError;

/// A directed graph over nodes `0..node_count`, without self-loops or parallel edges.
///
/// Invariants: `offsets.len() == n + 1`, `offsets` is non-decreasing from 0 to
/// `sources.len()`; each row `sources[offsets[v]..offsets[v + 1]]` is strictly ascending and
/// never holds `v`; `out_degree[u]` is the number of rows holding `u`; `external` and
/// `internal` are inverse permutations of `0..n`.
#[derive(Debug, Clone)]
pub struct Graph {
    offsets: Vec<u64>,
    sources: Vec<u32>,
    out_degree: Vec<u32>,
    /// internal id -> external id
    external: Vec<u32>,
    /// external id -> internal id
    internal: Vec<u32>,
}

impl Graph {
    /// Builds the graph of `node_count` nodes from `(src, dst)` edges in any order.
    ///
    /// Policy: a self-loop is dropped; an edge given several times is kept once, so it counts
    /// once towards `src`'s out-degree and passes rank once. Errors if an id is
    /// `>= node_count` or a node has 2^32 or more links.
    pub fn from_edges(node_count: u32, edges: &[(u32, u32)]) -> Result<Graph, RankError> {
        build(node_count, available_threads(), |emit| {
            for &(src, dst) in edges {
                emit(src, dst);
            }
        })
    }

    /// Folds the graph onto groups (pages onto hosts): node `v` belongs to group `group_of[v]`,
    /// and the result has an edge `g -> h` when some edge goes from a node of `g` to a node of
    /// `h != g`. Links inside a group are dropped; many links between two groups are one edge.
    pub fn fold(&self, group_of: &[u32], group_count: u32) -> Result<Graph, RankError> {
        if group_of.len() != self.external.len() {
            let reason = format!(
                "has {} entries for {} nodes",
                group_of.len(),
                self.external.len()
            );
            return Err(RankError::invalid("group_of", reason));
        }
        if let Some(g) = group_of.iter().find(|&&g| g >= group_count) {
            let reason = format!("group {g} is outside 0..{group_count}");
            return Err(RankError::invalid("group_of", reason));
        }
        let group: Vec<u32> = self
            .external
            .iter()
            .map(|&e| group_of[e as usize])
            .collect();
        build(group_count, available_threads(), |emit| {
            for (v, &to) in group.iter().enumerate() {
                for &u in self.row(v) {
                    let from = group[u as usize];
                    if from != to {
                        emit(from, to);
                    }
                }
            }
        })
    }

    pub fn node_count(&self) -> u32 {
        self.external.len() as u32
    }

    /// Number of distinct non-self edges.
    pub fn edge_count(&self) -> u64 {
        self.sources.len() as u64
    }

    /// Distinct nodes `node` links to, itself excluded. Panics if `node >= node_count()`.
    pub fn out_degree(&self, node: u32) -> u32 {
        self.out_degree[self.internal[node as usize] as usize]
    }

    /// Distinct nodes linking to `node`, itself excluded. Panics if `node >= node_count()`.
    pub fn in_degree(&self, node: u32) -> u32 {
        self.row(self.internal[node as usize] as usize).len() as u32
    }

    /// The nodes linking to `node`, in no documented order. Panics if `node >= node_count()`.
    pub fn in_neighbors(&self, node: u32) -> impl Iterator<Item = u32> + '_ {
        let row = self.row(self.internal[node as usize] as usize);
        row.iter().map(|&u| self.external[u as usize])
    }

    /// Bytes held on the heap by the graph's arrays.
    pub fn heap_bytes(&self) -> usize {
        self.offsets.capacity() * 8
            + (self.sources.capacity()
                + self.out_degree.capacity()
                + self.external.capacity()
                + self.internal.capacity())
                * 4
    }

    pub(crate) fn from_parts(
        offsets: Vec<u64>,
        sources: Vec<u32>,
        out_degree: Vec<u32>,
        external: Vec<u32>,
        internal: Vec<u32>,
    ) -> Graph {
        Graph {
            offsets,
            sources,
            out_degree,
            external,
            internal,
        }
    }

    /// In-neighbours of internal node `v`, as internal ids.
    pub(crate) fn row(&self, v: usize) -> &[u32] {
        &self.sources[self.offsets[v] as usize..self.offsets[v + 1] as usize]
    }

    pub(crate) fn offsets(&self) -> &[u64] {
        &self.offsets
    }

    /// Out-degrees by internal id.
    pub(crate) fn internal_out_degrees(&self) -> &[u32] {
        &self.out_degree
    }

    /// internal id -> external id.
    pub(crate) fn external_ids(&self) -> &[u32] {
        &self.external
    }
}

pub(crate) fn available_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sorted_in(g: &Graph, v: u32) -> Vec<u32> {
        let mut n: Vec<u32> = g.in_neighbors(v).collect();
        n.sort_unstable();
        n
    }

    #[test]
    fn drops_self_loops_and_keeps_parallel_edges_once() {
        let g = Graph::from_edges(4, &[(0, 1), (0, 1), (1, 1), (2, 1), (0, 2), (3, 3)]).unwrap();
        assert_eq!(g.node_count(), 4);
        assert_eq!(g.edge_count(), 3);
        assert_eq!(g.out_degree(0), 2);
        assert_eq!(g.out_degree(1), 0);
        assert_eq!(g.out_degree(3), 0);
        assert_eq!(sorted_in(&g, 1), vec![0, 2]);
        assert_eq!(g.in_degree(2), 1);
        assert_eq!(g.in_degree(3), 0);
    }

    #[test]
    fn rejects_ids_outside_the_node_range() {
        let err = Graph::from_edges(2, &[(0, 1), (1, 2)]).unwrap_err();
        assert!(matches!(
            err,
            RankError::InvalidInput { field: "edges", .. }
        ));
    }

    #[test]
    fn empty_graphs_build() {
        let g = Graph::from_edges(0, &[]).unwrap();
        assert_eq!((g.node_count(), g.edge_count()), (0, 0));
        let g = Graph::from_edges(3, &[]).unwrap();
        assert_eq!((g.node_count(), g.edge_count()), (3, 0));
    }

    #[test]
    fn fold_drops_internal_links_and_merges_parallel_ones() {
        // Pages 0,1 on host 0; 2,3 on host 1; 4 on host 2.
        let pages =
            Graph::from_edges(5, &[(0, 1), (0, 2), (1, 3), (2, 0), (3, 4), (4, 3)]).unwrap();
        let hosts = pages.fold(&[0, 0, 1, 1, 2], 3).unwrap();
        assert_eq!(hosts.edge_count(), 4);
        assert_eq!(sorted_in(&hosts, 0), vec![1]);
        assert_eq!(sorted_in(&hosts, 1), vec![0, 2]);
        assert_eq!(sorted_in(&hosts, 2), vec![1]);
        assert_eq!(hosts.out_degree(0), 1);
        assert_eq!(hosts.out_degree(1), 2);
    }

    #[test]
    fn fold_validates_the_mapping() {
        let pages = Graph::from_edges(2, &[(0, 1)]).unwrap();
        assert!(pages.fold(&[0], 1).is_err());
        assert!(pages.fold(&[0, 1], 1).is_err());
    }
}
