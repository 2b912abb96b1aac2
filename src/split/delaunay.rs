//! Adjacency derived from locations, for scenarios that give points but no
//! edge list. The Delaunay triangulation is planar (at most 3n - 6 edges) and
//! connected, which is what the contiguity constraint needs.

use super::{Graph, SplitError};

impl Graph {
    /// Delaunay adjacency of `points`. Degenerate inputs still give a
    /// connected graph: collinear points are chained in order, and points the
    /// triangulation drops (duplicates) are joined to their nearest point.
    pub fn delaunay(points: &[(f64, f64)]) -> Result<Graph, SplitError> {
        if let Some(unit) = points
            .iter()
            .position(|p| !p.0.is_finite() || !p.1.is_finite())
        {
            return Err(SplitError::NonFiniteLocation { unit });
        }
        let n = points.len();
        let pts: Vec<delaunator::Point> = points.iter().map(|&p| p.into()).collect();
        let tri = delaunator::triangulate(&pts);
        let mut list: Vec<(u32, u32)> = Vec::with_capacity(3 * n);
        let mut push = |a: usize, b: usize| {
            if a != b {
                list.push((a.min(b) as u32, a.max(b) as u32));
            }
        };
        if tri.triangles.is_empty() {
            for w in tri.hull.windows(2) {
                push(w[0], w[1]);
            }
        } else {
            for e in 0..tri.triangles.len() {
                let next = if e % 3 == 2 { e - 2 } else { e + 1 };
                push(tri.triangles[e], tri.triangles[next]);
            }
        }
        let mut has = vec![false; n];
        for &(a, b) in &list {
            has[a as usize] = true;
            has[b as usize] = true;
        }
        if n > 1 {
            for u in (0..n).filter(|&u| !has[u]) {
                let nearest = (0..n)
                    .filter(|&v| v != u)
                    .min_by(|&a, &b| {
                        dist2(points[u], points[a])
                            .total_cmp(&dist2(points[u], points[b]))
                            .then(a.cmp(&b))
                    })
                    .unwrap_or(u);
                list.push((u.min(nearest) as u32, u.max(nearest) as u32));
            }
        }
        list.sort_unstable();
        list.dedup();
        Ok(Graph::build(n, list))
    }
}

fn dist2(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_with_centre() {
        let g =
            Graph::delaunay(&[(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0), (0.5, 0.5)]).unwrap();
        assert_eq!(g.edge_count(), 8);
        assert_eq!(g.degree(4), 4);
    }

    #[test]
    fn degenerate_inputs_stay_connected() {
        let line = Graph::delaunay(&[(2.0, 0.0), (0.0, 0.0), (1.0, 0.0)]).unwrap();
        assert_eq!(line.edges().collect::<Vec<_>>(), vec![(0, 2), (1, 2)]);
        let dup = Graph::delaunay(&[(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 0.0)]).unwrap();
        assert_eq!(dup.components().len(), 1);
        assert_eq!(Graph::delaunay(&[]).unwrap().len(), 0);
        assert_eq!(Graph::delaunay(&[(1.0, 1.0)]).unwrap().edge_count(), 0);
        assert_eq!(
            Graph::delaunay(&[(0.0, f64::NAN)]),
            Err(SplitError::NonFiniteLocation { unit: 0 })
        );
    }
}
