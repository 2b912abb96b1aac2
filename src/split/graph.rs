//! Unit adjacency as a compact, immutable graph. Stored in CSR form with an
//! edge id per adjacency slot, because the optimizer's hot loop walks
//! neighbours and flips the cut status of edges millions of times.

use super::SplitError;

/// An undirected simple graph on units `0..n`.
#[derive(Clone, Debug, PartialEq)]
pub struct Graph {
    offsets: Vec<usize>,
    targets: Vec<u32>,
    slot_edge: Vec<u32>,
    edges: Vec<(u32, u32)>,
}

impl Graph {
    /// Duplicate and reversed edges are merged so callers can pass raw
    /// shapefile-style lists; out-of-range ends and self-loops are errors
    /// because they mean the caller's unit numbering is wrong.
    pub fn from_edges(n: usize, edges: &[(usize, usize)]) -> Result<Graph, SplitError> {
        assert!(
            u32::try_from(n).is_ok(),
            "at most 2^32 - 1 units are supported"
        );
        let mut list = Vec::with_capacity(edges.len());
        for (index, &(i, j)) in edges.iter().enumerate() {
            if i >= n || j >= n {
                return Err(SplitError::EdgeOutOfRange { index, i, j, n });
            }
            if i == j {
                return Err(SplitError::SelfLoop { index, unit: i });
            }
            list.push((i.min(j) as u32, i.max(j) as u32));
        }
        list.sort_unstable();
        list.dedup();
        Ok(Self::build(n, list))
    }

    /// `edges` must be sorted, deduplicated and have `i < j`.
    pub(crate) fn build(n: usize, edges: Vec<(u32, u32)>) -> Graph {
        let mut degree = vec![0usize; n];
        for &(i, j) in &edges {
            degree[i as usize] += 1;
            degree[j as usize] += 1;
        }
        let mut offsets = Vec::with_capacity(n + 1);
        offsets.push(0);
        for d in &degree {
            offsets.push(offsets.last().copied().unwrap_or(0) + d);
        }
        let mut fill = offsets[..n].to_vec();
        let mut targets = vec![0u32; offsets[n]];
        let mut slot_edge = vec![0u32; offsets[n]];
        for (e, &(i, j)) in edges.iter().enumerate() {
            let (i, j) = (i as usize, j as usize);
            targets[fill[i]] = j as u32;
            slot_edge[fill[i]] = e as u32;
            fill[i] += 1;
            targets[fill[j]] = i as u32;
            slot_edge[fill[j]] = e as u32;
            fill[j] += 1;
        }
        Graph {
            offsets,
            targets,
            slot_edge,
            edges,
        }
    }

    /// Number of units.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn edge_count(&self) -> usize {
        self.edges.len()
    }

    /// Edges as `(i, j)` with `i < j`, sorted; an edge's id is its index here.
    pub fn edges(&self) -> impl ExactSizeIterator<Item = (usize, usize)> + '_ {
        self.edges.iter().map(|&(i, j)| (i as usize, j as usize))
    }

    pub fn degree(&self, u: usize) -> usize {
        self.offsets[u + 1] - self.offsets[u]
    }

    pub fn neighbors(&self, u: usize) -> impl ExactSizeIterator<Item = usize> + '_ {
        self.nbrs(u).iter().map(|&v| v as usize)
    }

    #[inline]
    pub(crate) fn nbrs(&self, u: usize) -> &[u32] {
        &self.targets[self.offsets[u]..self.offsets[u + 1]]
    }

    /// Edge ids parallel to [`Graph::nbrs`].
    #[inline]
    pub(crate) fn nbr_edges(&self, u: usize) -> &[u32] {
        &self.slot_edge[self.offsets[u]..self.offsets[u + 1]]
    }

    #[inline]
    pub(crate) fn edge(&self, e: usize) -> (usize, usize) {
        let (i, j) = self.edges[e];
        (i as usize, j as usize)
    }

    /// Connected components, each sorted, ordered by their smallest unit, so
    /// the numbering is stable for a given graph.
    pub fn components(&self) -> Vec<Vec<usize>> {
        let n = self.len();
        let mut seen = vec![false; n];
        let mut out = Vec::new();
        let mut stack = Vec::new();
        for s in 0..n {
            if seen[s] {
                continue;
            }
            seen[s] = true;
            stack.push(s);
            let mut comp = Vec::new();
            while let Some(u) = stack.pop() {
                comp.push(u);
                for &v in self.nbrs(u) {
                    if !seen[v as usize] {
                        seen[v as usize] = true;
                        stack.push(v as usize);
                    }
                }
            }
            comp.sort_unstable();
            out.push(comp);
        }
        out
    }

    /// Component index of every unit, numbered as in [`Graph::components`].
    pub fn component_of(&self) -> Vec<usize> {
        let mut of = vec![0; self.len()];
        for (c, comp) in self.components().iter().enumerate() {
            for &u in comp {
                of[u] = c;
            }
        }
        of
    }

    /// The subgraph induced by `units` (in that order) plus `extra` edges given
    /// in local numbering; used to solve one component with its ferry links.
    pub(crate) fn induced(&self, units: &[usize], extra: &[(u32, u32)]) -> Graph {
        let mut local = vec![u32::MAX; self.len()];
        for (i, &u) in units.iter().enumerate() {
            local[u] = i as u32;
        }
        let mut list: Vec<(u32, u32)> = Vec::new();
        for (i, &u) in units.iter().enumerate() {
            for &v in self.nbrs(u) {
                let j = local[v as usize];
                if j != u32::MAX && (i as u32) < j {
                    list.push((i as u32, j));
                }
            }
        }
        list.extend(extra.iter().map(|&(a, b)| (a.min(b), a.max(b))));
        list.sort_unstable();
        list.dedup();
        Self::build(units.len(), list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_duplicates_and_rejects_bad_edges() {
        let g = Graph::from_edges(4, &[(0, 1), (1, 0), (2, 3), (1, 2)]).unwrap();
        assert_eq!(g.edge_count(), 3);
        assert_eq!(g.degree(1), 2);
        assert_eq!(g.components(), vec![vec![0, 1, 2, 3]]);
        assert_eq!(
            Graph::from_edges(2, &[(0, 2)]),
            Err(SplitError::EdgeOutOfRange {
                index: 0,
                i: 0,
                j: 2,
                n: 2
            })
        );
        assert_eq!(
            Graph::from_edges(2, &[(1, 1)]),
            Err(SplitError::SelfLoop { index: 0, unit: 1 })
        );
    }

    #[test]
    fn components_are_ordered() {
        let g = Graph::from_edges(5, &[(3, 4), (0, 2)]).unwrap();
        assert_eq!(g.components(), vec![vec![0, 2], vec![1], vec![3, 4]]);
        assert_eq!(g.component_of(), vec![0, 1, 0, 2, 2]);
    }
}
