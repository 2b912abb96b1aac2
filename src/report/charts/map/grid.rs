//! Points bucketed on a square grid: the nearest unit to a point and the
//! units under a box, without a scan of every unit (maps hold thousands).

use super::geometry::Rect;

/// Points bucketed on a square grid, for nearest-point and in-box queries.
pub(super) struct Grid {
    pub(super) pts: Vec<(f64, f64)>,
    /// Finite points.
    count: usize,
    x0: f64,
    y0: f64,
    cell: f64,
    nx: usize,
    ny: usize,
    buckets: Vec<Vec<usize>>,
}

impl Grid {
    /// `pts` (non-finite points are left out of every query).
    pub(super) fn new(pts: &[(f64, f64)]) -> Grid {
        let ok = |p: &(f64, f64)| p.0.is_finite() && p.1.is_finite();
        let (mut x0, mut x1, mut y0, mut y1) = (
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        );
        let mut n = 0usize;
        for p in pts.iter().filter(|p| ok(p)) {
            x0 = x0.min(p.0);
            x1 = x1.max(p.0);
            y0 = y0.min(p.1);
            y1 = y1.max(p.1);
            n += 1;
        }
        if n == 0 {
            (x0, x1, y0, y1) = (0.0, 1.0, 0.0, 1.0);
        }
        let side = ((n as f64).sqrt().ceil() as usize).clamp(1, 256);
        let cell = ((x1 - x0).max(y1 - y0) / side as f64).max(1e-9);
        let nx = (((x1 - x0) / cell).floor() as usize + 1).min(side + 1);
        let ny = (((y1 - y0) / cell).floor() as usize + 1).min(side + 1);
        let mut g = Grid {
            pts: pts.to_vec(),
            count: n,
            x0,
            y0,
            cell,
            nx,
            ny,
            buckets: vec![Vec::new(); nx * ny],
        };
        for (i, p) in pts.iter().enumerate().filter(|(_, p)| ok(p)) {
            let (bx, by) = g.key(*p);
            let (bx, by) = (
                bx.clamp(0, nx as isize - 1) as usize,
                by.clamp(0, ny as isize - 1) as usize,
            );
            g.buckets[by * nx + bx].push(i);
        }
        g
    }

    pub(super) fn key(&self, p: (f64, f64)) -> (isize, isize) {
        let f = |v: f64| {
            if v.is_finite() {
                v.floor().clamp(-1e9, 1e9) as isize
            } else {
                0
            }
        };
        (
            f((p.0 - self.x0) / self.cell),
            f((p.1 - self.y0) / self.cell),
        )
    }

    pub(super) fn bucket(&self, bx: isize, by: isize) -> &[usize] {
        if bx < 0 || by < 0 || bx >= self.nx as isize || by >= self.ny as isize {
            return &[];
        }
        &self.buckets[by as usize * self.nx + bx as usize]
    }

    /// Calls `f` with each point inside `r` (edges included).
    pub(super) fn in_rect(&self, r: &Rect, mut f: impl FnMut(usize)) {
        let (ax, ay) = self.key((r.x0, r.y0));
        let (bx, by) = self.key((r.x1, r.y1));
        let (ax, bx) = (ax.max(0), bx.min(self.nx as isize - 1));
        let (ay, by) = (ay.max(0), by.min(self.ny as isize - 1));
        for y in ay..=by {
            for x in ax..=bx {
                for &i in self.bucket(x, y) {
                    if r.contains(self.pts[i]) {
                        f(i);
                    }
                }
            }
        }
    }

    /// The nearest point to `p` for which `ok` holds, within `within`:
    /// (distance, index), the lowest index among equally near points.
    pub(super) fn nearest(
        &self,
        p: (f64, f64),
        within: f64,
        ok: impl Fn(usize) -> bool,
    ) -> Option<(f64, usize)> {
        if self.count == 0 {
            return None;
        }
        let (bx, by) = self.key(p);
        let reach = [bx, self.nx as isize - 1 - bx, by, self.ny as isize - 1 - by]
            .into_iter()
            .map(isize::abs)
            .max()
            .unwrap_or(0)
            + 1;
        let mut best: Option<(f64, usize)> = None;
        let visit = |x: isize, y: isize, best: &mut Option<(f64, usize)>| {
            for &i in self.bucket(x, y) {
                if !ok(i) {
                    continue;
                }
                let q = self.pts[i];
                let d = (q.0 - p.0).hypot(q.1 - p.1);
                if d > within {
                    continue;
                }
                let better = match *best {
                    None => true,
                    Some((bd, bi)) => d < bd || (d == bd && i < bi),
                };
                if better {
                    *best = Some((d, i));
                }
            }
        };
        for r in 0..=reach {
            let lower = (r as f64 - 1.0).max(0.0) * self.cell;
            if lower > within || best.is_some_and(|(d, _)| lower > d) {
                break;
            }
            if r == 0 {
                visit(bx, by, &mut best);
                continue;
            }
            let (xa, xb) = ((bx - r).max(-1), (bx + r).min(self.nx as isize));
            for x in xa..=xb {
                visit(x, by - r, &mut best);
                visit(x, by + r, &mut best);
            }
            let (ya, yb) = ((by - r + 1).max(-1), (by + r - 1).min(self.ny as isize));
            for y in ya..=yb {
                visit(bx - r, y, &mut best);
                visit(bx + r, y, &mut best);
            }
        }
        best
    }
}
