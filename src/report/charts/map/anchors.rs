//! Where each territory's label belongs: its rep's home when the home lies
//! in the territory, else the territory's pole of inaccessibility (the
//! point of its cells farthest from its border).

use super::geometry::extent;
use super::grid::Grid;
use super::home_of;
use crate::analysis::{MapRep, MapUnit};

/// Where a territory's label belongs (map coordinates).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Anchor {
    pub(super) at: (f64, f64),
    /// The unit whose cell holds `at` (owned by the territory).
    pub(super) unit: usize,
    /// `at` is the rep's home.
    pub(super) home: bool,
}

/// The unit whose cell holds `p`: the nearest, the first of equally near
/// ones (as [`super::voronoi::cells`] gives a repeated location to the first).
pub(super) fn cell_of(units: &[MapUnit], p: (f64, f64)) -> Option<usize> {
    let mut best: Option<(f64, usize)> = None;
    for (i, u) in units.iter().enumerate() {
        if !(u.x.is_finite() && u.y.is_finite()) {
            continue;
        }
        let d = (u.x - p.0).hypot(u.y - p.1);
        if best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, i));
        }
    }
    best.map(|b| b.1)
}

/// How far inside its territory unit `u` lies: the distance to the nearest
/// bisector with a unit of another territory (or none), at most the
/// distance to the map's edge `bbox` = (x0, x1, y0, y1).
fn depth(grid: &Grid, assignment: &[Option<usize>], u: usize, bbox: (f64, f64, f64, f64)) -> f64 {
    let p = grid.pts[u];
    let edge = (p.0 - bbox.0)
        .min(bbox.1 - p.0)
        .min(p.1 - bbox.2)
        .min(bbox.3 - p.1)
        .max(0.0);
    let own = assignment[u];
    match grid.nearest(p, 2.0 * edge, |j| assignment[j] != own) {
        Some((d, _)) => (d / 2.0).min(edge),
        None => edge,
    }
}

/// Samples across the longer side of the map when looking for each
/// territory's pole of inaccessibility.
const POLE_RASTER: usize = 200;

/// Per territory, the point of its cells farthest from its border (the
/// map's edge `bbox` = (x0, x1, y0, y1) included), to within a raster step:
/// (point, the unit whose cell holds it). The map is sampled on a raster,
/// each sample taking the territory of its nearest unit; the border runs
/// between neighbouring samples of different territories. The first of
/// equally deep samples wins. `None` for a territory no sample falls in.
fn poles(
    grid: &Grid,
    assignment: &[Option<usize>],
    k: usize,
    bbox: (f64, f64, f64, f64),
) -> Vec<Option<((f64, f64), usize)>> {
    let (x0, x1, y0, y1) = bbox;
    let step = ((x1 - x0).max(y1 - y0) / POLE_RASTER as f64).max(1e-12);
    let nx = (((x1 - x0) / step).round() as usize).clamp(1, 2 * POLE_RASTER);
    let ny = (((y1 - y0) / step).round() as usize).clamp(1, 2 * POLE_RASTER);
    let (sx, sy) = ((x1 - x0) / nx as f64, (y1 - y0) / ny as f64);
    let at = |i: usize, j: usize| (x0 + (i as f64 + 0.5) * sx, y0 + (j as f64 + 0.5) * sy);
    let unit: Vec<Option<usize>> = (0..nx * ny)
        .map(|s| {
            grid.nearest(at(s % nx, s / nx), f64::INFINITY, |_| true)
                .map(|(_, u)| u)
        })
        .collect();
    let label = |s: usize| unit[s].and_then(|u| assignment[u]);
    let mut border: Vec<(f64, f64)> = Vec::new();
    for j in 0..ny {
        for i in 0..nx {
            let s = j * nx + i;
            let p = at(i, j);
            if i + 1 < nx && label(s) != label(s + 1) {
                let q = at(i + 1, j);
                border.push(((p.0 + q.0) / 2.0, p.1));
            }
            if j + 1 < ny && label(s) != label(s + nx) {
                let q = at(i, j + 1);
                border.push((p.0, (p.1 + q.1) / 2.0));
            }
        }
    }
    let border = Grid::new(&border);
    // Per territory: (depth, point, unit).
    type Deepest = Option<(f64, (f64, f64), usize)>;
    let mut best: Vec<Deepest> = vec![None; k];
    for (s, u) in unit.iter().enumerate() {
        let (Some(u), Some(t)) = (*u, label(s)) else {
            continue;
        };
        if t >= k {
            continue;
        }
        let p = at(s % nx, s / nx);
        let edge = (p.0 - x0).min(x1 - p.0).min(p.1 - y0).min(y1 - p.1);
        if best[t].is_some_and(|(d, _, _)| edge <= d) {
            continue;
        }
        let d = border
            .nearest(p, edge, |_| true)
            .map_or(edge, |(d, _)| d.min(edge));
        if best[t].is_none_or(|(bd, _, _)| d > bd) {
            best[t] = Some((d, p, u));
        }
    }
    best.into_iter()
        .map(|b| b.map(|(_, p, u)| (p, u)))
        .collect()
}

/// Per territory, where its label belongs: the rep's home when the
/// territory holds the home's cell, else its pole of inaccessibility
/// ([`poles`]), else (a territory too small for the raster) its deepest
/// unit ([`depth`]; the first of equally deep ones). `None` for a
/// territory without units.
pub(super) fn anchors(
    units: &[MapUnit],
    assignment: &[Option<usize>],
    reps: &[MapRep],
) -> Vec<Option<Anchor>> {
    let k = reps.len();
    let bbox = extent(units);
    let pts: Vec<(f64, f64)> = units.iter().map(|u| (u.x, u.y)).collect();
    let grid = Grid::new(&pts);
    let poles = poles(&grid, assignment, k, bbox);
    let mut members: Vec<Vec<(f64, usize)>> = vec![Vec::new(); k];
    for (i, a) in assignment.iter().enumerate() {
        let p = pts[i];
        if let Some(t) = *a
            && t < k
            && p.0.is_finite()
            && p.1.is_finite()
        {
            let edge = (p.0 - bbox.0)
                .min(bbox.1 - p.0)
                .min(p.1 - bbox.2)
                .min(bbox.3 - p.1)
                .max(0.0);
            members[t].push((edge, i));
        }
    }
    (0..k)
        .map(|t| {
            if let Some(h) = home_of(&reps[t])
                && let Some(u) = cell_of(units, h)
                && assignment[u] == Some(t)
            {
                return Some(Anchor {
                    at: h,
                    unit: u,
                    home: true,
                });
            }
            if let Some((at, unit)) = poles[t] {
                return Some(Anchor {
                    at,
                    unit,
                    home: false,
                });
            }
            let m = &mut members[t];
            // Deepest first by the bound (the edge distance), so the search
            // stops once no unit left can be deeper than the best so far.
            m.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
            let mut best: Option<(f64, usize)> = None;
            for &(edge, u) in m.iter() {
                if best.is_some_and(|(d, _)| edge < d) {
                    break;
                }
                let d = depth(&grid, assignment, u, bbox);
                let better = match best {
                    None => true,
                    Some((bd, bu)) => d > bd || (d == bd && u < bu),
                };
                if better {
                    best = Some((d, u));
                }
            }
            best.map(|(_, u)| Anchor {
                at: pts[u],
                unit: u,
                home: false,
            })
        })
        .collect()
}
