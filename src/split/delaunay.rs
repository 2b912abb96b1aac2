//! The optimizer's graph from locations, for scenarios that give points but
//! no edge list (the triangulation itself is [`crate::model::geo`]'s).

use super::{Graph, SplitError};
use crate::model::geo;

impl Graph {
    /// Delaunay adjacency of `points` (see [`geo::delaunay`]).
    pub fn delaunay(points: &[(f64, f64)]) -> Result<Graph, SplitError> {
        let edges = geo::delaunay(points)
            .map_err(|geo::NonFinite(unit)| SplitError::NonFiniteLocation { unit })?;
        Ok(Graph::build(points.len(), edges))
    }
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
