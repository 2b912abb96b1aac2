//! The map's frame and boxes: the units' padded extent, its view at one
//! scale on both axes, and the boxes and segments that labels, markers and
//! leader lines are kept apart with.

use crate::analysis::MapUnit;
use std::ops::Range;

/// Padded extent (x0, x1, y0, y1) of the units.
pub(super) fn extent(units: &[MapUnit]) -> (f64, f64, f64, f64) {
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for u in units {
        x0 = x0.min(u.x);
        x1 = x1.max(u.x);
        y0 = y0.min(u.y);
        y1 = y1.max(u.y);
    }
    let span = (x1 - x0).max(y1 - y0).max(1e-9);
    let pad = span * 0.06;
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let hx = ((x1 - x0) / 2.0 + pad).max(span * 0.1);
    let hy = ((y1 - y0) / 2.0 + pad).max(span * 0.1);
    (cx - hx, cx + hx, cy - hy, cy + hy)
}

/// The map's ranges for a plot `pw` × `ph` pixels, at one scale on both
/// axes: the range that is short for the plot's shape is widened about
/// its centre, so the map is not stretched.
pub(super) fn view(extent: (f64, f64, f64, f64), pw: f64, ph: f64) -> (Range<f64>, Range<f64>) {
    let (x0, x1, y0, y1) = extent;
    let (mut vx0, mut vx1, mut vy0, mut vy1) = (x0, x1, y0, y1);
    let (dx, dy) = (x1 - x0, y1 - y0);
    if dx / dy > pw / ph {
        let want = dx * ph / pw;
        let c = (y0 + y1) / 2.0;
        vy0 = c - want / 2.0;
        vy1 = c + want / 2.0;
    } else {
        let want = dy * pw / ph;
        let c = (x0 + x1) / 2.0;
        vx0 = c - want / 2.0;
        vx1 = c + want / 2.0;
    }
    (vx0..vx1, vy0..vy1)
}

/// An axis-aligned box in backend pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Rect {
    pub(super) x0: f64,
    pub(super) y0: f64,
    pub(super) x1: f64,
    pub(super) y1: f64,
}

impl Rect {
    pub(super) fn around(p: (f64, f64), r: f64) -> Rect {
        Rect {
            x0: p.0 - r,
            y0: p.1 - r,
            x1: p.0 + r,
            y1: p.1 + r,
        }
    }

    /// Interiors overlap.
    pub(super) fn hits(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    pub(super) fn grown(&self, g: f64) -> Rect {
        Rect {
            x0: self.x0 - g,
            y0: self.y0 - g,
            x1: self.x1 + g,
            y1: self.y1 + g,
        }
    }

    pub(super) fn contains(&self, p: (f64, f64)) -> bool {
        p.0 >= self.x0 && p.0 <= self.x1 && p.1 >= self.y0 && p.1 <= self.y1
    }

    pub(super) fn inside(&self, o: &Rect) -> bool {
        self.x0 >= o.x0 && self.x1 <= o.x1 && self.y0 >= o.y0 && self.y1 <= o.y1
    }

    /// The point of the box nearest to `p`.
    pub(super) fn nearest(&self, p: (f64, f64)) -> (f64, f64) {
        (p.0.clamp(self.x0, self.x1), p.1.clamp(self.y0, self.y1))
    }

    /// Whether the segment a–b passes through the box's interior.
    pub(super) fn crossed_by(&self, a: (f64, f64), b: (f64, f64)) -> bool {
        // Liang–Barsky clipping against the open box.
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let (mut t0, mut t1) = (0.0f64, 1.0f64);
        for (p, q) in [
            (-dx, a.0 - self.x0),
            (dx, self.x1 - a.0),
            (-dy, a.1 - self.y0),
            (dy, self.y1 - a.1),
        ] {
            if p == 0.0 {
                if q <= 0.0 {
                    return false;
                }
            } else {
                let r = q / p;
                if p < 0.0 {
                    t0 = t0.max(r);
                } else {
                    t1 = t1.min(r);
                }
            }
        }
        t0 < t1
    }
}

/// Whether segments a–b and c–d cross or touch.
pub(super) fn segments_meet(a: (f64, f64), b: (f64, f64), c: (f64, f64), d: (f64, f64)) -> bool {
    let orient = |p: (f64, f64), q: (f64, f64), r: (f64, f64)| {
        let v = (q.0 - p.0) * (r.1 - p.1) - (q.1 - p.1) * (r.0 - p.0);
        if v > 0.0 {
            1
        } else if v < 0.0 {
            -1
        } else {
            0
        }
    };
    let on = |p: (f64, f64), q: (f64, f64), r: (f64, f64)| {
        r.0 >= p.0.min(q.0) && r.0 <= p.0.max(q.0) && r.1 >= p.1.min(q.1) && r.1 <= p.1.max(q.1)
    };
    let (o1, o2, o3, o4) = (
        orient(a, b, c),
        orient(a, b, d),
        orient(c, d, a),
        orient(c, d, b),
    );
    if o1 != o2 && o3 != o4 {
        return true;
    }
    (o1 == 0 && on(a, b, c))
        || (o2 == 0 && on(a, b, d))
        || (o3 == 0 && on(c, d, a))
        || (o4 == 0 && on(c, d, b))
}
