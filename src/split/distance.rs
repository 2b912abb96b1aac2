//! Distances: of every unit to each territory's home, and between
//! adjacent units.

use super::SplitInput;

/// Distance (km) of every unit to each territory's home unit: great-circle
/// for geographic units, planar otherwise.
pub fn home_distances(input: &SplitInput<'_>) -> Vec<Option<Vec<f64>>> {
    input
        .home_unit
        .iter()
        .map(|h| {
            let h = (*h)?;
            match (input.lat_lon, input.locations) {
                (Some(ll), _) => Some(
                    ll.iter()
                        .map(|&x| crate::model::geo::great_circle_km(x, ll[h]))
                        .collect(),
                ),
                (None, Some(loc)) => Some(loc.iter().map(|&x| dist(x, loc[h])).collect()),
                (None, None) => None,
            }
        })
        .collect()
}

/// Planar distance between two locations.
pub(super) fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// The typical distance between adjacent units: the unit of the
/// distance-to-home term, so `home_weight` means the same at any scale.
pub(super) fn mean_edge_length(input: &SplitInput<'_>) -> f64 {
    let Some(loc) = input.locations else {
        return 1.0;
    };
    let g = input.graph;
    let total: f64 = g.edges().map(|(i, j)| dist(loc[i], loc[j])).sum();
    if g.edge_count() == 0 || total <= 0.0 {
        1.0
    } else {
        total / g.edge_count() as f64
    }
}
