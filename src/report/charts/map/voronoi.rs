//! Voronoi cells of unit locations, clipped to a box, for territory maps.
//! Each cell edge remembers which neighbour made it, so borders between
//! territories can be drawn from the cells alone.

use std::collections::HashMap;

/// A convex cell: vertices in order; edge `i` runs from `poly[i]` to
/// `poly[(i + 1) % n]` and was cut by the bisector with unit `by[i]`
/// (`None`: the bounding box).
#[derive(Clone, Debug)]
pub struct Cell {
    pub poly: Vec<(f64, f64)>,
    pub by: Vec<Option<usize>>,
}

/// Above this many points without a triangulation, cells are skipped
/// (the quadratic fallback would be slow); the map then shows points.
const QUADRATIC_LIMIT: usize = 3000;

/// Cells of `points` clipped to `bbox` = (x0, y0, x1, y1). A point that
/// repeats an earlier location gets no cell (`None`): the earlier one's
/// cell stands for both.
pub fn cells(points: &[(f64, f64)], bbox: (f64, f64, f64, f64)) -> Vec<Option<Cell>> {
    let n = points.len();
    let mut first: HashMap<(u64, u64), usize> = HashMap::new();
    let mut dup = vec![false; n];
    for (i, p) in points.iter().enumerate() {
        if !(p.0.is_finite() && p.1.is_finite()) {
            dup[i] = true;
            continue;
        }
        let key = (p.0.to_bits(), p.1.to_bits());
        if let std::collections::hash_map::Entry::Vacant(e) = first.entry(key) {
            e.insert(i);
        } else {
            dup[i] = true;
        }
    }
    let unique: Vec<usize> = (0..n).filter(|&i| !dup[i]).collect();
    let pts: Vec<delaunator::Point> = unique
        .iter()
        .map(|&i| delaunator::Point {
            x: points[i].0,
            y: points[i].1,
        })
        .collect();
    let tri = delaunator::triangulate(&pts);
    let mut neighbours: Vec<Vec<usize>> = vec![Vec::new(); unique.len()];
    for t in tri.triangles.chunks_exact(3) {
        for (a, b) in [(t[0], t[1]), (t[1], t[2]), (t[2], t[0])] {
            if !neighbours[a].contains(&b) {
                neighbours[a].push(b);
            }
            if !neighbours[b].contains(&a) {
                neighbours[b].push(a);
            }
        }
    }
    let mut out: Vec<Option<Cell>> = vec![None; n];
    for (k, &i) in unique.iter().enumerate() {
        let others: Vec<usize> = if !neighbours[k].is_empty() {
            neighbours[k].clone()
        } else if unique.len() <= QUADRATIC_LIMIT {
            (0..unique.len()).filter(|&j| j != k).collect()
        } else {
            continue;
        };
        let (x0, y0, x1, y1) = bbox;
        let mut cell = Cell {
            poly: vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1)],
            by: vec![None; 4],
        };
        for j in others {
            cell = clip(&cell, points[i], points[unique[j]], unique[j]);
            if cell.poly.len() < 3 {
                break;
            }
        }
        if cell.poly.len() >= 3 {
            out[i] = Some(cell);
        }
    }
    out
}

/// Keeps the part of `cell` closer to `p` than to `q` (Sutherland–Hodgman
/// with one half-plane); new edges along the bisector are labelled `j`.
fn clip(cell: &Cell, p: (f64, f64), q: (f64, f64), j: usize) -> Cell {
    let d = (q.0 - p.0, q.1 - p.1);
    let m = ((p.0 + q.0) / 2.0, (p.1 + q.1) / 2.0);
    let side = |v: (f64, f64)| (v.0 - m.0) * d.0 + (v.1 - m.1) * d.1;
    let n = cell.poly.len();
    let mut out = Cell {
        poly: Vec::with_capacity(n + 1),
        by: Vec::with_capacity(n + 1),
    };
    for k in 0..n {
        let a = cell.poly[k];
        let b = cell.poly[(k + 1) % n];
        let (sa, sb) = (side(a), side(b));
        let cross = |t: f64| (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t);
        match (sa <= 0.0, sb <= 0.0) {
            (true, true) => {
                out.poly.push(a);
                out.by.push(cell.by[k]);
            }
            (true, false) => {
                out.poly.push(a);
                out.by.push(cell.by[k]);
                out.poly.push(cross(sa / (sa - sb)));
                out.by.push(Some(j));
            }
            (false, true) => {
                out.poly.push(cross(sa / (sa - sb)));
                out.by.push(cell.by[k]);
            }
            (false, false) => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(poly: &[(f64, f64)]) -> f64 {
        let n = poly.len();
        (0..n)
            .map(|i| {
                let (a, b) = (poly[i], poly[(i + 1) % n]);
                a.0 * b.1 - b.0 * a.1
            })
            .sum::<f64>()
            / 2.0
    }

    #[test]
    fn cells_tile_the_box_and_know_their_neighbours() {
        let pts = [(1.0, 1.0), (3.0, 1.0), (1.0, 3.0), (3.0, 3.0), (2.0, 2.0)];
        let c = cells(&pts, (0.0, 0.0, 4.0, 4.0));
        let total: f64 = c.iter().flatten().map(|c| area(&c.poly).abs()).sum();
        assert!((total - 16.0).abs() < 1e-9, "cells cover the box: {total}");
        // The centre's cell is bounded by the four others only.
        let centre = c[4].as_ref().unwrap();
        let mut by: Vec<usize> = centre.by.iter().flatten().copied().collect();
        by.sort();
        assert_eq!(by, vec![0, 1, 2, 3]);
        assert!(c[0].as_ref().unwrap().by.contains(&None));
    }

    #[test]
    fn duplicates_and_collinear_points_do_not_break() {
        let pts = [(0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (1.0, 0.0)];
        let c = cells(&pts, (-1.0, -1.0, 3.0, 1.0));
        assert!(c[3].is_none(), "a repeated location has no cell of its own");
        let total: f64 = c.iter().flatten().map(|c| area(&c.poly).abs()).sum();
        assert!((total - 8.0).abs() < 1e-9, "{total}");
    }
}
