//! Units on a map: the one projection of their locations to the plane, and
//! adjacency derived from locations when a scenario gives no edge list.
//! Territory design measures distances with it and the territory maps draw
//! with it, so both agree on where a unit is.

use super::{Location, Unit};

/// Kilometres per degree of a great circle (mean Earth radius 6,371 km).
pub const KM_PER_DEGREE: f64 = 6371.0 * std::f64::consts::PI / 180.0;

/// Equirectangular projection around the mean latitude of the geographic
/// units, in km: accurate enough for a sales region, and distances along it
/// read as kilometres. Planar locations pass through unchanged.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Projection {
    /// Cosine of the reference latitude (kept above 0.05 so a scenario near
    /// a pole does not collapse its longitudes).
    coslat: f64,
}

impl Projection {
    /// The projection for these units (any latitude when none is geographic).
    pub fn for_units(units: &[Unit]) -> Projection {
        let lats: Vec<f64> = units
            .iter()
            .filter_map(|u| match u.location {
                Some(Location::Geo { lat, .. }) => Some(lat),
                _ => None,
            })
            .collect();
        let coslat = if lats.is_empty() {
            1.0
        } else {
            (lats.iter().sum::<f64>() / lats.len() as f64)
                .to_radians()
                .cos()
                .max(0.05)
        };
        Projection { coslat }
    }

    /// Planar coordinates of a location (x east, y north).
    pub fn project(&self, location: &Location) -> (f64, f64) {
        match *location {
            Location::Planar { x, y } => (x, y),
            Location::Geo { lat, lon } => (KM_PER_DEGREE * lon * self.coslat, KM_PER_DEGREE * lat),
        }
    }
}

/// Each unit's planar coordinates, `None` for a unit without a location.
pub fn planar(units: &[Unit]) -> Vec<Option<(f64, f64)>> {
    let p = Projection::for_units(units);
    units
        .iter()
        .map(|u| u.location.as_ref().map(|l| p.project(l)))
        .collect()
}

/// Planar coordinates of every unit, when every unit has a location.
pub fn planar_all(units: &[Unit]) -> Option<Vec<(f64, f64)>> {
    planar(units).into_iter().collect()
}

/// Great-circle distance in km between two `(lat, lon)` points in degrees
/// (haversine on the mean Earth radius).
pub fn great_circle_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, la2) = (a.0.to_radians(), b.0.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.1 - a.1).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().min(1.0).asin()
}

/// `(lat, lon)` of every unit, when every unit has a geographic location.
pub fn lat_lon_all(units: &[Unit]) -> Option<Vec<(f64, f64)>> {
    units
        .iter()
        .map(|u| match u.location {
            Some(Location::Geo { lat, lon }) => Some((lat, lon)),
            _ => None,
        })
        .collect()
}

/// A location that is not a finite number (index of the point).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("location of unit {0} is not a finite number")]
pub struct NonFinite(pub usize);

/// Delaunay adjacency of `points`: edges `(i, j)` with `i < j`, sorted and
/// without duplicates. The triangulation is planar (at most 3n - 6 edges)
/// and connected, which is what contiguous territories need; degenerate
/// inputs stay connected too: collinear points are chained in order, and
/// points the triangulation drops (duplicates) are joined to their nearest
/// point.
pub fn delaunay(points: &[(f64, f64)]) -> Result<Vec<(u32, u32)>, NonFinite> {
    if let Some(unit) = points
        .iter()
        .position(|p| !p.0.is_finite() || !p.1.is_finite())
    {
        return Err(NonFinite(unit));
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
    Ok(list)
}

fn dist2(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_with_centre() {
        let e = delaunay(&[(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 1.0), (0.5, 0.5)]).unwrap();
        assert_eq!(e.len(), 8);
        assert_eq!(e.iter().filter(|&&(a, b)| a == 4 || b == 4).count(), 4);
    }

    #[test]
    fn degenerate_inputs_stay_connected() {
        assert_eq!(
            delaunay(&[(2.0, 0.0), (0.0, 0.0), (1.0, 0.0)]).unwrap(),
            vec![(0, 2), (1, 2)]
        );
        let dup = delaunay(&[(0.0, 0.0), (1.0, 0.0), (0.0, 1.0), (1.0, 0.0)]).unwrap();
        assert!(
            dup.contains(&(1, 3)),
            "a dropped duplicate joins its twin: {dup:?}"
        );
        assert!(delaunay(&[]).unwrap().is_empty());
        assert!(delaunay(&[(1.0, 1.0)]).unwrap().is_empty());
        assert_eq!(delaunay(&[(0.0, f64::NAN)]), Err(NonFinite(0)));
    }

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        let p = Projection { coslat: 0.5 };
        let (x, y) = p.project(&Location::Geo { lat: 1.0, lon: 2.0 });
        assert!((y - 111.19).abs() < 0.01, "{y}");
        assert!((x - 111.19).abs() < 0.01, "{x}");
        assert_eq!(p.project(&Location::Planar { x: 3.0, y: 4.0 }), (3.0, 4.0));
    }
}
