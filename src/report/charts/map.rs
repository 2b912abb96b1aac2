//! The territory map: Voronoi cells of the units coloured by territory,
//! borders between territories, units sized by potential, each rep's home
//! marked, units that change owner against a reference assignment ringed,
//! one label per territory inside it, and a legend of the territories
//! below the map.
//!
//! Labels: each territory's label belongs at its rep's home when the home
//! lies in the territory, else at the territory's pole of inaccessibility,
//! the point of its cells farthest from its border ([`anchors`]). Labels
//! are placed largest territory first: beside their anchor (the name, else
//! the id) where they hide no other label's anchor, then farther out with a
//! leader line, then wherever they still fit; a label that fits nowhere is
//! left out (the legend still names it). No two labels, markers or leader
//! lines overlap ([`place`]).

use super::draw::{self, Cx, anchor};
use super::fonts::FontSet;
use super::frame::Res;
use super::voronoi;
use super::{Chart, Kind};
use crate::analysis::{MapData, MapRep, MapUnit};
use crate::report::format;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Above this many units the map shows dots without cells.
const MAX_CELLS: usize = 5000;
const WIDTH: u32 = 960;
/// Label text size, box height and horizontal padding (logical pixels).
const LABEL_SIZE: f64 = 12.5;
const LABEL_H: f64 = 19.0;
const LABEL_PAD: f64 = 5.0;
/// Free space kept between two labels (logical pixels).
const LABEL_GAP: f64 = 3.0;
/// Legend text size, row height and colour swatch (logical pixels).
const LEGEND_SIZE: f64 = 12.0;
const LEGEND_ROW: f64 = 18.0;
const SWATCH: f64 = 11.0;
/// Legend rows at most; more territories end in "+N more".
const LEGEND_MAX_ROWS: usize = 16;
/// Half the size of a home marker (logical pixels).
const HOUSE: f64 = 7.0;
/// Label background opacity (also how tests find label boxes in the SVG).
const LABEL_BG: f64 = 0.92;

#[derive(Clone, Debug)]
pub struct MapChart {
    units: Vec<MapUnit>,
    reps: Vec<MapRep>,
    assignment: Vec<Option<usize>>,
    changed: Option<Vec<bool>>,
    projection: String,
    legend: Legend,
}

/// Where the legend's entries go (logical pixels), fixed when the chart is
/// built so that its height is known before drawing.
#[derive(Clone, Debug, PartialEq)]
struct Legend {
    cols: usize,
    rows: usize,
    col_w: f64,
    /// Entries listed; when fewer than the reps, the last cell says
    /// "+N more".
    shown: usize,
    /// A first row explaining the markers.
    key: bool,
    height: f64,
}

pub fn chart(
    map: &MapData,
    assignment: &[Option<usize>],
    compare_to: Option<&[Option<usize>]>,
    title: &str,
) -> Option<Chart> {
    if map.units.is_empty() {
        return None;
    }
    let n = map.units.len();
    let k = map.reps.len();
    let fit = |a: &[Option<usize>]| -> Vec<Option<usize>> {
        (0..n)
            .map(|i| a.get(i).copied().flatten().filter(|&t| t < k))
            .collect()
    };
    let assignment = fit(assignment);
    let changed = compare_to.map(|c| {
        let c = fit(c);
        assignment.iter().zip(&c).map(|(a, b)| a != b).collect()
    });
    let (x0, x1, y0, y1) = extent(&map.units);
    let ratio = ((y1 - y0) / (x1 - x0)).clamp(0.45, 1.0);
    let has_home = map.reps.iter().any(|r| home_of(r).is_some());
    let key = has_home || changed.is_some() || assignment.iter().any(Option::is_none);
    let fonts = FontSet::embedded();
    let widths: Vec<f64> = map
        .reps
        .iter()
        .map(|r| text_em(&fonts, &legend_text(r)))
        .collect();
    let legend = legend_layout(&widths, key);
    let height = (f64::from(WIDTH - 40) * ratio + 90.0 + legend.height).round() as u32;
    let moved = changed
        .as_ref()
        .map(|c: &Vec<bool>| c.iter().filter(|&&x| x).count());
    Some(Chart {
        id: if compare_to.is_some() {
            "territory-map-proposed".into()
        } else {
            "territory-map".into()
        },
        title: title.to_string(),
        caption: format!(
            "{} units as cells (each point of the map belongs to its nearest unit), coloured by territory (legend below the map); thick lines are territory borders, dots are units sized by potential{}{}.",
            n,
            if has_home {
                "; a house marks each rep's home"
            } else {
                ""
            },
            match moved {
                Some(m) => format!("; {m} ringed units change owner"),
                None => String::new(),
            }
        ),
        size: (WIDTH, height),
        kind: Kind::Map(MapChart {
            units: map.units.clone(),
            reps: map.reps.clone(),
            assignment,
            changed,
            projection: map.projection.clone(),
            legend,
        }),
    })
}

/// A rep's home when it is a finite point.
fn home_of(r: &MapRep) -> Option<(f64, f64)> {
    r.home
        .map(|h| (h[0], h[1]))
        .filter(|h| h.0.is_finite() && h.1.is_finite())
}

/// "R01 王芳" (or the id alone when the name adds nothing).
fn legend_text(r: &MapRep) -> String {
    if r.name.is_empty() || r.name == r.id {
        r.id.clone()
    } else {
        format!("{} {}", r.id, r.name)
    }
}

/// A conservative width in em of `s` in an unknown sans-serif face: wide
/// (CJK, full-width) characters 1 em, the others 0.6 em.
fn est_em(s: &str) -> f64 {
    let n = s.chars().count();
    let wide = format::width(s).saturating_sub(n);
    wide as f64 + (n - wide.min(n)) as f64 * 0.6
}

/// Width in em of `s`: the fonts' advances, never less than [`est_em`]
/// (an SVG viewer draws with its own fonts).
fn text_em(fonts: &FontSet, s: &str) -> f64 {
    fonts.width_em(s).max(est_em(s))
}

/// Width in backend pixels of `s` at `size` logical pixels, as drawn (a PNG
/// draws a fallback font's text scaled by its size factor).
fn text_width(cx: &Cx<'_>, s: &str, size: f64) -> f64 {
    let factor = if cx.png { cx.fonts.size_factor(s) } else { 1.0 };
    (cx.width(s, size) * factor).max(est_em(s) * size * cx.scale)
}

/// `s`, cut and ended with "…" when wider than `max` backend pixels.
fn fit_text(cx: &Cx<'_>, s: &str, size: f64, max: f64) -> String {
    if text_width(cx, s, size) <= max {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    for keep in (1..chars.len()).rev() {
        let t: String = chars[..keep].iter().collect::<String>() + "…";
        if text_width(cx, &t, size) <= max {
            return t;
        }
    }
    "…".to_string()
}

/// The legend grid for entries `widths_em` wide: as many equal columns as
/// the widest entry allows, filled column by column, at most
/// [`LEGEND_MAX_ROWS`] rows.
fn legend_layout(widths_em: &[f64], key: bool) -> Legend {
    let avail = f64::from(WIDTH) - 28.0;
    let k = widths_em.len();
    let widest = widths_em
        .iter()
        .map(|&e| SWATCH + 6.0 + e * LEGEND_SIZE + 16.0)
        .fold(0.0, f64::max);
    let widest = widest.min(if k > 1 { avail / 2.0 } else { avail });
    let cols = ((avail / widest.max(1.0)).floor() as usize).clamp(1, k.max(1));
    let mut rows = k.div_ceil(cols);
    let mut shown = k;
    if rows > LEGEND_MAX_ROWS {
        rows = LEGEND_MAX_ROWS;
        shown = cols * rows - 1;
    }
    let key_h = if key { LEGEND_ROW + 4.0 } else { 0.0 };
    Legend {
        cols,
        rows,
        col_w: avail / cols as f64,
        shown,
        key,
        height: 12.0 + key_h + rows as f64 * LEGEND_ROW + 8.0,
    }
}

/// Padded extent (x0, x1, y0, y1) of the units.
fn extent(units: &[MapUnit]) -> (f64, f64, f64, f64) {
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

/// A colour per territory: the palette in order when it has enough
/// colours, else greedy colouring so that neighbours differ.
fn colours(k: usize, adjacent: &[Vec<usize>]) -> Vec<RGBColor> {
    let p = &draw::PALETTE;
    if k <= p.len() {
        return (0..k).map(|t| p[t]).collect();
    }
    let mut pick: Vec<Option<usize>> = vec![None; k];
    for t in 0..k {
        let used: Vec<usize> = adjacent[t].iter().filter_map(|&o| pick[o]).collect();
        let c = (0..p.len())
            .find(|c| !used.contains(c))
            .unwrap_or(t % p.len());
        pick[t] = Some(c);
    }
    pick.into_iter().map(|c| p[c.unwrap_or(0)]).collect()
}

/// Points bucketed on a square grid, for nearest-point and in-box queries.
struct Grid {
    pts: Vec<(f64, f64)>,
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
    fn new(pts: &[(f64, f64)]) -> Grid {
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

    fn key(&self, p: (f64, f64)) -> (isize, isize) {
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

    fn bucket(&self, bx: isize, by: isize) -> &[usize] {
        if bx < 0 || by < 0 || bx >= self.nx as isize || by >= self.ny as isize {
            return &[];
        }
        &self.buckets[by as usize * self.nx + bx as usize]
    }

    /// Calls `f` with each point inside `r` (edges included).
    fn in_rect(&self, r: &Rect, mut f: impl FnMut(usize)) {
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
    fn nearest(
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

/// Where a territory's label belongs (map coordinates).
#[derive(Clone, Copy, Debug, PartialEq)]
struct Anchor {
    at: (f64, f64),
    /// The unit whose cell holds `at` (owned by the territory).
    unit: usize,
    /// `at` is the rep's home.
    home: bool,
}

/// The unit whose cell holds `p`: the nearest, the first of equally near
/// ones (as [`voronoi::cells`] gives a repeated location to the first).
fn cell_of(units: &[MapUnit], p: (f64, f64)) -> Option<usize> {
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
fn anchors(
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

/// An axis-aligned box in backend pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    fn around(p: (f64, f64), r: f64) -> Rect {
        Rect {
            x0: p.0 - r,
            y0: p.1 - r,
            x1: p.0 + r,
            y1: p.1 + r,
        }
    }

    /// Interiors overlap.
    pub fn hits(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    fn grown(&self, g: f64) -> Rect {
        Rect {
            x0: self.x0 - g,
            y0: self.y0 - g,
            x1: self.x1 + g,
            y1: self.y1 + g,
        }
    }

    fn contains(&self, p: (f64, f64)) -> bool {
        p.0 >= self.x0 && p.0 <= self.x1 && p.1 >= self.y0 && p.1 <= self.y1
    }

    fn inside(&self, o: &Rect) -> bool {
        self.x0 >= o.x0 && self.x1 <= o.x1 && self.y0 >= o.y0 && self.y1 <= o.y1
    }

    /// The point of the box nearest to `p`.
    fn nearest(&self, p: (f64, f64)) -> (f64, f64) {
        (p.0.clamp(self.x0, self.x1), p.1.clamp(self.y0, self.y1))
    }

    /// Whether the segment a–b passes through the box's interior.
    pub fn crossed_by(&self, a: (f64, f64), b: (f64, f64)) -> bool {
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
fn segments_meet(a: (f64, f64), b: (f64, f64), c: (f64, f64), d: (f64, f64)) -> bool {
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

/// A label to place: its territory, its anchor (backend pixels), the
/// widths of its texts in order of preference (the box width, padding
/// included), how far from the anchor a box beside it keeps (room for the
/// marker or dot there), and whether a box may sit on the anchor.
#[derive(Clone, Debug)]
pub(crate) struct Want {
    pub t: usize,
    pub at: (f64, f64),
    pub widths: Vec<f64>,
    pub clear: f64,
    pub centre: bool,
}

/// A placed label: which of its texts, its box, and the leader line from
/// its anchor to the box when the box does not touch the anchor.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Placed {
    pub text: usize,
    pub rect: Rect,
    pub leader: Option<((f64, f64), (f64, f64))>,
}

/// What labels must keep clear of and prefer to avoid.
pub(crate) struct Scene<'a> {
    /// Boxes stay inside.
    pub bounds: Rect,
    /// Box height.
    pub h: f64,
    /// Space kept between boxes.
    pub gap: f64,
    /// Boxes (e.g. home markers) no label or leader covers, with the
    /// territory they belong to (a leader may leave its own).
    pub obstacles: &'a [(Rect, usize)],
    /// Units (backend pixels) and their territories: a box prefers to cover
    /// few units and to lie over its own territory.
    pub dots: &'a [(f64, f64)],
    pub owner: &'a [Option<usize>],
}

type Segment = ((f64, f64), (f64, f64));

/// Rings (in box heights beyond the box's half size) on which a label led
/// out by a leader line may sit.
const LEADER_RINGS: [f64; 8] = [0.8, 1.5, 2.3, 3.2, 4.4, 6.0, 8.0, 10.5];

/// Labels placed so far.
struct Board<'s, 'a> {
    scene: &'s Scene<'a>,
    wants: &'s [Want],
    dots: Grid,
    anchors: Grid,
    h: f64,
    boxes: Vec<Rect>,
    leaders: Vec<Segment>,
    out: Vec<Option<Placed>>,
}

impl Board<'_, '_> {
    /// Whether box `r` of label `wi` fits: on the map, clear of the other
    /// boxes by the gap, of obstacles and of leader lines, and (`strict`)
    /// of the other labels' anchors.
    fn free(&self, wi: usize, r: &Rect, strict: bool) -> bool {
        if !r.inside(&self.scene.bounds)
            || self.boxes.iter().any(|b| b.grown(self.scene.gap).hits(r))
            || self.scene.obstacles.iter().any(|(o, _)| o.hits(r))
            || self
                .leaders
                .iter()
                .any(|&(a, b)| r.grown(1.0).crossed_by(a, b))
        {
            return false;
        }
        let mut covers = false;
        if strict {
            self.anchors.in_rect(&r.grown(2.0), |j| covers |= j != wi);
        }
        !covers
    }

    /// Whether a leader a–b of label `wi` stays clear of boxes, of other
    /// territories' obstacles and of other leaders.
    fn leader_free(&self, wi: usize, a: (f64, f64), b: (f64, f64)) -> bool {
        let t = self.wants[wi].t;
        !self.boxes.iter().any(|r| r.grown(1.0).crossed_by(a, b))
            && !self
                .scene
                .obstacles
                .iter()
                .any(|(o, ot)| *ot != t && o.crossed_by(a, b))
            && !self.leaders.iter().any(|&(c, d)| segments_meet(a, b, c, d))
    }

    /// Lower is better: covering the anchor of a label not yet placed
    /// weighs most (it could no longer be led out), then samples of the
    /// box over other territories' cells, then other territories' units
    /// covered, then its own.
    fn score(&self, wi: usize, r: &Rect) -> f64 {
        let t = self.wants[wi].t;
        let owner = self.scene.owner;
        let mut s = 0.0;
        self.anchors.in_rect(&r.grown(2.0), |j| {
            if j != wi && self.out[j].is_none() {
                s += 25.0;
            }
        });
        for fx in [0.0, 0.5, 1.0] {
            for fy in [0.0, 0.5, 1.0] {
                let p = (r.x0 + fx * (r.x1 - r.x0), r.y0 + fy * (r.y1 - r.y0));
                if let Some((_, i)) = self.dots.nearest(p, f64::INFINITY, |_| true)
                    && owner[i] != Some(t)
                {
                    s += 4.0;
                }
            }
        }
        self.dots.in_rect(r, |i| {
            s += if owner[i] == Some(t) { 0.5 } else { 2.0 };
        });
        s
    }

    fn snap(&self, x0: f64, y0: f64, width: f64) -> Rect {
        let (x0, y0) = (x0.round(), y0.round());
        Rect {
            x0,
            y0,
            x1: x0 + width.ceil(),
            y1: y0 + self.h,
        }
    }

    /// The best free spot touching the anchor: on it (when nothing is drawn
    /// there), then above, below, right, left and the corners; full text
    /// first, then shorter ones.
    fn near(&self, wi: usize, strict: bool) -> Option<Placed> {
        let w = &self.wants[wi];
        let ((ax, ay), c, h) = (w.at, w.clear, self.h);
        for (ti, &bw) in w.widths.iter().enumerate() {
            let mut spots = Vec::new();
            if w.centre {
                spots.push((ax - bw / 2.0, ay - h / 2.0));
            }
            spots.extend([
                (ax - bw / 2.0, ay - c - h),
                (ax - bw / 2.0, ay + c),
                (ax + c, ay - h / 2.0),
                (ax - c - bw, ay - h / 2.0),
                (ax + c, ay - c - h),
                (ax - c - bw, ay - c - h),
                (ax + c, ay + c),
                (ax - c - bw, ay + c),
            ]);
            let mut best: Option<(f64, Rect)> = None;
            for (x0, y0) in spots {
                let r = self.snap(x0, y0, bw);
                if !self.free(wi, &r, strict) {
                    continue;
                }
                let s = self.score(wi, &r);
                if best.is_none_or(|(bs, _)| s < bs) {
                    best = Some((s, r));
                }
            }
            if let Some((_, rect)) = best {
                return Some(Placed {
                    text: ti,
                    rect,
                    leader: None,
                });
            }
        }
        None
    }

    /// The best free spot on rings around the anchor (nearer rings
    /// preferred), joined to it by a free leader line; full text first.
    fn far(&self, wi: usize, strict: bool) -> Option<Placed> {
        let w = &self.wants[wi];
        let ((ax, ay), c, h) = (w.at, w.clear, self.h);
        for (ti, &bw) in w.widths.iter().enumerate() {
            let mut best: Option<(f64, Rect, (f64, f64))> = None;
            for (ring, f) in LEADER_RINGS.into_iter().enumerate() {
                let r = f * h + c;
                for j in 0..16 {
                    let a = j as f64 * std::f64::consts::PI / 8.0 - std::f64::consts::FRAC_PI_2;
                    let (x, y) = (ax + a.cos() * (bw / 2.0 + r), ay + a.sin() * (h / 2.0 + r));
                    let rect = self.snap(x - bw / 2.0, y - h / 2.0, bw);
                    if !self.free(wi, &rect, strict) {
                        continue;
                    }
                    let end = rect.nearest(w.at);
                    if !self.leader_free(wi, w.at, end) {
                        continue;
                    }
                    let s = self.score(wi, &rect) + 3.0 * ring as f64;
                    if best.is_none_or(|(bs, _, _)| s < bs) {
                        best = Some((s, rect, end));
                    }
                }
            }
            if let Some((_, rect, end)) = best {
                return Some(Placed {
                    text: ti,
                    rect,
                    leader: Some((w.at, end)),
                });
            }
        }
        None
    }

    fn put(&mut self, wi: usize, p: Placed) {
        self.boxes.push(p.rect);
        if let Some(l) = p.leader {
            self.leaders.push(l);
        }
        self.out[wi] = Some(p);
    }
}

/// Places labels greedily in the order given, in three rounds: first each
/// label beside its anchor where it covers no other label's anchor, then
/// the labels left farther out with a leader line, again covering no
/// anchor, then whatever still fits anywhere. Within a round a label takes
/// the free spot that covers least of other territories ([`Board::score`]);
/// a label with no free spot is left out (`None`). Boxes are snapped to
/// whole pixels; no two boxes come closer than `gap`, and no box or leader
/// covers an obstacle, another box or another leader.
pub(crate) fn place(scene: &Scene<'_>, wants: &[Want]) -> Vec<Option<Placed>> {
    let at: Vec<(f64, f64)> = wants.iter().map(|w| w.at).collect();
    let mut board = Board {
        scene,
        wants,
        dots: Grid::new(scene.dots),
        anchors: Grid::new(&at),
        h: scene.h.ceil(),
        boxes: Vec::new(),
        leaders: Vec::new(),
        out: vec![None; wants.len()],
    };
    type Round = fn(&Board<'_, '_>, usize) -> Option<Placed>;
    let rounds: [Round; 4] = [
        |b, i| b.near(i, true),
        |b, i| b.far(i, true),
        |b, i| b.near(i, false),
        |b, i| b.far(i, false),
    ];
    for round in rounds {
        for wi in 0..wants.len() {
            if board.out[wi].is_none()
                && let Some(p) = round(&board, wi)
            {
                board.put(wi, p);
            }
        }
    }
    board.out
}

/// The house marking a rep's home, centred on `p` with half-size `s`.
fn house(p: (i32, i32), s: f64) -> Vec<(i32, i32)> {
    [
        (0.0, -1.1),
        (1.0, -0.2),
        (1.0, 1.0),
        (-1.0, 1.0),
        (-1.0, -0.2),
    ]
    .iter()
    .map(|&(x, y)| (p.0 + (x * s).round() as i32, p.1 + (y * s).round() as i32))
    .collect()
}

/// A home marker: a house in the territory colour with a white outline and
/// a thin dark edge, readable on any fill.
fn draw_house<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    p: (i32, i32),
    c: RGBColor,
) -> Res<DB> {
    area.draw(&Polygon::new(
        house(p, cx.scale * (HOUSE + 2.2)),
        draw::INK.filled(),
    ))?;
    area.draw(&Polygon::new(
        house(p, cx.scale * (HOUSE + 1.2)),
        WHITE.filled(),
    ))?;
    area.draw(&Polygon::new(
        house(p, cx.scale * HOUSE),
        draw::mix(c, BLACK, 0.1).filled(),
    ))?;
    Ok(())
}

/// The ring around a unit that changes owner: dark on a white halo, seen
/// on every fill; `thin` for maps of many small dots.
fn draw_ring<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    p: (i32, i32),
    r: f64,
    thin: bool,
) -> Res<DB> {
    let (halo, ink) = if thin { (3.0, 1.2) } else { (4.5, 2.0) };
    area.draw(&Circle::new(p, cx.px(r), WHITE.stroke_width(cx.pxu(halo))))?;
    area.draw(&Circle::new(
        p,
        cx.px(r),
        draw::INK.stroke_width(cx.pxu(ink)),
    ))?;
    Ok(())
}

pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    title: &str,
    d: &MapChart,
) -> Res<DB> {
    let n = d.units.len();
    let k = d.reps.len();
    let territories = d
        .assignment
        .iter()
        .flatten()
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let unassigned = d.assignment.iter().filter(|a| a.is_none()).count();
    let mut sub = format!(
        "{n} units in {territories} territories · coordinates: {}",
        d.projection
    );
    if unassigned > 0 {
        sub.push_str(&format!(" · {unassigned} units without an owner (grey)"));
    }
    if let Some(c) = &d.changed {
        sub.push_str(&format!(
            " · {} units change owner (ringed)",
            c.iter().filter(|&&x| x).count()
        ));
    }
    let body = draw::title(root, cx, title, &sub)?;
    let (_, bh) = body.dim_in_pixel();
    let legend_h = cx.pxu(d.legend.height).min(bh);
    let (body, legend_area) = body.split_vertically(bh - legend_h);
    let (w, h) = body.dim_in_pixel();
    let margin = f64::from(cx.px(14.0));
    let (pw, ph) = (f64::from(w) - 2.0 * margin, f64::from(h) - 2.0 * margin);
    let (x0, x1, y0, y1) = extent(&d.units);
    // Equal scale on both axes: widen the range that is short for the area.
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
    let mut chart = ChartBuilder::on(&body)
        .margin(cx.px(14.0))
        .build_cartesian_2d(vx0..vx1, vy0..vy1)?;

    let points: Vec<(f64, f64)> = d.units.iter().map(|u| (u.x, u.y)).collect();
    let cells = if n <= MAX_CELLS {
        voronoi::cells(&points, (x0, y0, x1, y1))
    } else {
        vec![None; n]
    };
    let mut adjacent: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (i, c) in cells.iter().enumerate() {
        let (Some(c), Some(a)) = (c, d.assignment[i]) else {
            continue;
        };
        for b in c.by.iter().flatten().filter_map(|&j| d.assignment[j]) {
            if a != b && !adjacent[a].contains(&b) {
                adjacent[a].push(b);
            }
        }
    }
    let palette = colours(k, &adjacent);
    let colour = |i: usize| d.assignment[i].map_or(RGBColor(200, 200, 200), |t| palette[t]);

    for (i, c) in cells.iter().enumerate() {
        let Some(c) = c else { continue };
        chart.draw_series(std::iter::once(Polygon::new(
            c.poly.clone(),
            draw::mix(colour(i), WHITE, 0.45).filled(),
        )))?;
    }
    // Unit edges inside a territory (thin, white), then borders (thick).
    for (i, c) in cells.iter().enumerate() {
        let Some(c) = c else { continue };
        let m = c.poly.len();
        for e in 0..m {
            let seg = vec![c.poly[e], c.poly[(e + 1) % m]];
            match c.by[e] {
                Some(j) if d.assignment[j] != d.assignment[i] => {
                    if j > i || cells[j].is_none() {
                        chart.draw_series(std::iter::once(PathElement::new(
                            seg,
                            draw::INK.stroke_width(cx.pxu(2.2)),
                        )))?;
                    }
                }
                Some(j) => {
                    if j > i {
                        chart.draw_series(std::iter::once(PathElement::new(
                            seg,
                            WHITE.mix(0.9).stroke_width(cx.pxu(1.0)),
                        )))?;
                    }
                }
                None => {
                    chart.draw_series(std::iter::once(PathElement::new(
                        seg,
                        draw::MUTED.stroke_width(cx.pxu(1.0)),
                    )))?;
                }
            }
        }
    }
    let pmax = d
        .units
        .iter()
        .map(|u| u.potential)
        .fold(0.0, f64::max)
        .max(1e-9);
    let small = n > 400;
    let radius = |u: &MapUnit| {
        if small {
            1.5
        } else {
            2.5 + 5.0 * (u.potential.max(0.0) / pmax).sqrt()
        }
    };
    let at = |p: (f64, f64)| chart.backend_coord(&p);
    for (i, u) in d.units.iter().enumerate() {
        if d.changed.as_ref().is_some_and(|c| c[i]) {
            let gap = if small { 2.0 } else { 3.5 };
            draw_ring(root, cx, at((u.x, u.y)), radius(u) + gap, small)?;
        }
        root.draw(&Circle::new(
            at((u.x, u.y)),
            cx.px(radius(u)),
            draw::mix(colour(i), BLACK, 0.35).filled(),
        ))?;
    }

    // Leader lines, homes, then label boxes.
    let homes: Vec<Option<(f64, f64)>> = d.reps.iter().map(home_of).collect();
    let obstacles: Vec<(Rect, usize)> = homes
        .iter()
        .enumerate()
        .filter_map(|(t, h)| {
            let p = at((*h)?);
            let r = (HOUSE + 2.5) * cx.scale;
            Some((Rect::around((f64::from(p.0), f64::from(p.1)), r), t))
        })
        .collect();
    // Labels stay on the map's frame (the cells' box).
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let (f0, f1) = (at((x0, y1)), at((x1, y0)));
    let bounds = Rect {
        x0: f64::from(f0.0.max(xr.start)) + 2.0,
        y0: f64::from(f0.1.max(yr.start)) + 2.0,
        x1: f64::from(f1.0.min(xr.end)) - 2.0,
        y1: f64::from(f1.1.min(yr.end)) - 2.0,
    };
    let dots: Vec<(f64, f64)> = d
        .units
        .iter()
        .map(|u| {
            let p = at((u.x, u.y));
            (f64::from(p.0), f64::from(p.1))
        })
        .collect();
    let plan = labels(d, cx, &at, bounds, &obstacles, &dots);
    for l in &plan {
        if let Some((a, b)) = l.placed.leader {
            let ink = draw::mix(palette[l.t], BLACK, 0.45);
            let a = (a.0.round() as i32, a.1.round() as i32);
            root.draw(&PathElement::new(
                vec![a, (b.0.round() as i32, b.1.round() as i32)],
                ink.stroke_width(cx.pxu(1.3)),
            ))?;
            if !l.anchor.home {
                root.draw(&Circle::new(a, cx.px(2.5), ink.filled()))?;
            }
        }
    }
    for (t, h) in homes.iter().enumerate() {
        if let Some(h) = h {
            draw_house(root, cx, at(*h), palette[t])?;
        }
    }
    for l in &plan {
        let (t, text) = (&l.t, &l.text);
        let r = l.placed.rect;
        let (a, b) = ((r.x0 as i32, r.y0 as i32), (r.x1 as i32, r.y1 as i32));
        root.draw(&Rectangle::new([a, b], WHITE.mix(LABEL_BG).filled()))?;
        root.draw(&Rectangle::new(
            [a, b],
            draw::mix(palette[*t], BLACK, 0.2).stroke_width(cx.pxu(1.5)),
        ))?;
        root.draw(&Text::new(
            text.clone(),
            ((a.0 + b.0) / 2, (a.1 + b.1) / 2),
            anchor(cx.font(LABEL_SIZE, text), HPos::Center, VPos::Center),
        ))?;
    }
    legend(&legend_area, cx, d, &palette)
}

/// A label as drawn: its territory, text, anchor and placement.
#[derive(Clone, Debug)]
struct Drawn {
    t: usize,
    text: String,
    anchor: Anchor,
    placed: Placed,
}

/// The labels drawn, largest territory (most units) first. `at` maps map
/// coordinates to backend pixels.
fn labels(
    d: &MapChart,
    cx: &Cx<'_>,
    at: &dyn Fn((f64, f64)) -> (i32, i32),
    bounds: Rect,
    obstacles: &[(Rect, usize)],
    dots: &[(f64, f64)],
) -> Vec<Drawn> {
    let k = d.reps.len();
    let anchors = anchors(&d.units, &d.assignment, &d.reps);
    let mut size = vec![0usize; k];
    for t in d.assignment.iter().flatten() {
        size[*t] += 1;
    }
    let mut order: Vec<(usize, Anchor)> =
        (0..k).filter_map(|t| anchors[t].map(|a| (t, a))).collect();
    order.sort_by(|a, b| size[b.0].cmp(&size[a.0]).then(a.0.cmp(&b.0)));
    let pad = LABEL_PAD * cx.scale;
    let mut texts: Vec<Vec<String>> = Vec::new();
    let wants: Vec<Want> = order
        .iter()
        .map(|&(t, a)| {
            let rep = &d.reps[t];
            let mut ts = vec![cx.name(&rep.name, &rep.id)];
            let id = cx.text(&rep.id);
            if !ts.contains(&id) {
                ts.push(id);
            }
            let widths = ts
                .iter()
                .map(|s| text_width(cx, s, LABEL_SIZE) + 2.0 * pad)
                .collect();
            texts.push(ts);
            let p = at(a.at);
            Want {
                t,
                at: (f64::from(p.0), f64::from(p.1)),
                widths,
                clear: if a.home { HOUSE + 3.0 } else { 4.0 } * cx.scale,
                centre: !a.home,
            }
        })
        .collect();
    let scene = Scene {
        bounds,
        h: LABEL_H * cx.scale,
        gap: LABEL_GAP * cx.scale,
        obstacles,
        dots,
        owner: &d.assignment,
    };
    place(&scene, &wants)
        .into_iter()
        .zip(order.iter().zip(texts))
        .filter_map(|(p, (&(t, anchor), ts))| {
            p.map(|placed| Drawn {
                t,
                text: ts[placed.text].clone(),
                anchor,
                placed,
            })
        })
        .collect()
}

/// The legend below the map: a key to the markers, then every territory's
/// colour with its rep's id and name, in columns.
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    d: &MapChart,
    palette: &[RGBColor],
) -> Res<DB> {
    let (w, _) = area.dim_in_pixel();
    let l = &d.legend;
    let x0 = cx.px(14.0);
    area.draw(&PathElement::new(
        vec![(x0, cx.px(4.0)), (w as i32 - x0, cx.px(4.0))],
        draw::GRID.stroke_width(cx.pxu(1.0)),
    ))?;
    let muted = |s: &str| {
        anchor(
            cx.font(LEGEND_SIZE, s).color(&draw::MUTED),
            HPos::Left,
            VPos::Center,
        )
    };
    let mut top = 12.0;
    if l.key {
        let y = cx.px(top + LEGEND_ROW / 2.0);
        let mut x = x0 + cx.px(8.0);
        let item = |x: &mut i32, text: &str| -> Res<DB> {
            let t = cx.text(text);
            area.draw(&Text::new(t.clone(), (*x + cx.px(14.0), y), muted(&t)))?;
            *x += cx.px(14.0) + text_width(cx, &t, LEGEND_SIZE).round() as i32 + cx.px(24.0);
            Ok(())
        };
        if d.reps.iter().any(|r| home_of(r).is_some()) {
            draw_house(area, cx, (x, y), draw::MUTED)?;
            item(&mut x, "rep's home")?;
        }
        if d.changed.is_some() {
            draw_ring(area, cx, (x, y), 5.0, false)?;
            item(&mut x, "unit changes owner")?;
        }
        if d.assignment.iter().any(Option::is_none) {
            let s = cx.px(SWATCH / 2.0);
            area.draw(&Rectangle::new(
                [(x - s, y - s), (x + s, y + s)],
                draw::mix(RGBColor(200, 200, 200), WHITE, 0.45).filled(),
            ))?;
            area.draw(&Rectangle::new(
                [(x - s, y - s), (x + s, y + s)],
                draw::MUTED.stroke_width(cx.pxu(1.0)),
            ))?;
            item(&mut x, "no owner")?;
        }
        top += LEGEND_ROW + 4.0;
    }
    let cell = |i: usize| {
        let (col, row) = (i / l.rows, i % l.rows);
        (
            x0 + cx.px(col as f64 * l.col_w),
            cx.px(top + row as f64 * LEGEND_ROW),
        )
    };
    let room = l.col_w * cx.scale - f64::from(cx.px(SWATCH + 6.0 + 10.0));
    for (t, rep) in d.reps.iter().enumerate().take(l.shown) {
        let (x, y) = cell(t);
        let s = cx.px((LEGEND_ROW - SWATCH) / 2.0);
        let sq = [(x, y + s), (x + cx.px(SWATCH), y + s + cx.px(SWATCH))];
        area.draw(&Rectangle::new(
            sq,
            draw::mix(palette[t], WHITE, 0.45).filled(),
        ))?;
        area.draw(&Rectangle::new(
            sq,
            draw::mix(palette[t], BLACK, 0.35).stroke_width(cx.pxu(1.5)),
        ))?;
        let text = fit_text(cx, &cx.id_name(&rep.id, &rep.name), LEGEND_SIZE, room);
        area.draw(&Text::new(
            text.clone(),
            (x + cx.px(SWATCH + 6.0), y + cx.px(LEGEND_ROW / 2.0)),
            anchor(cx.font(LEGEND_SIZE, &text), HPos::Left, VPos::Center),
        ))?;
    }
    if l.shown < d.reps.len() {
        let (x, y) = cell(l.shown);
        let text = format!("+{} more", d.reps.len() - l.shown);
        area.draw(&Text::new(
            text.clone(),
            (x, y + cx.px(LEGEND_ROW / 2.0)),
            muted(&text),
        ))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic stream of numbers in [0, 1).
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (self.0 >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    fn d2(a: (f64, f64), b: (f64, f64)) -> f64 {
        (a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)
    }

    /// `n` units scattered over a 100 × 70 box, each owned by the nearest
    /// of `k` seeds; reps T01..Tk named "Name t", without homes.
    fn synthetic(n: usize, k: usize, seed: u64) -> MapData {
        let mut r = Lcg(seed);
        let seeds: Vec<(f64, f64)> = (0..k)
            .map(|_| (r.next() * 100.0, r.next() * 70.0))
            .collect();
        let units = (0..n)
            .map(|i| {
                let p = (r.next() * 100.0, r.next() * 70.0);
                let owner = (0..k).min_by(|&a, &b| d2(seeds[a], p).total_cmp(&d2(seeds[b], p)));
                MapUnit {
                    id: format!("U{i:05}"),
                    name: String::new(),
                    x: p.0,
                    y: p.1,
                    potential: 1.0 + 9.0 * r.next(),
                    owner,
                }
            })
            .collect();
        let reps = (0..k)
            .map(|t| MapRep {
                id: format!("T{:02}", t + 1),
                name: format!("Name {}", t + 1),
                home: None,
            })
            .collect();
        MapData {
            projection: "planar".into(),
            units,
            reps,
        }
    }

    fn map_chart(c: &Chart) -> &MapChart {
        match &c.kind {
            Kind::Map(m) => m,
            _ => panic!("not a map"),
        }
    }

    /// The labels of `c` laid out as `draw` lays them out at scale 1 on a
    /// `w` × `h` plot, with home markers as obstacles.
    fn layout(c: &MapChart, w: f64, h: f64) -> (Vec<Drawn>, Rect, Vec<(Rect, usize)>) {
        let fonts = FontSet::embedded();
        let cx = Cx::new(&fonts, false, 1.0);
        let (x0, x1, y0, y1) = extent(&c.units);
        let s = (w / (x1 - x0)).min(h / (y1 - y0));
        let at = move |p: (f64, f64)| {
            (
                ((p.0 - x0) * s).round() as i32,
                ((y1 - p.1) * s).round() as i32,
            )
        };
        let bounds = Rect {
            x0: 2.0,
            y0: 2.0,
            x1: (x1 - x0) * s - 2.0,
            y1: (y1 - y0) * s - 2.0,
        };
        let obstacles: Vec<(Rect, usize)> = c
            .reps
            .iter()
            .enumerate()
            .filter_map(|(t, r)| {
                let p = at(home_of(r)?);
                Some((
                    Rect::around((f64::from(p.0), f64::from(p.1)), HOUSE + 2.5),
                    t,
                ))
            })
            .collect();
        let dots: Vec<(f64, f64)> = c
            .units
            .iter()
            .map(|u| {
                let p = at((u.x, u.y));
                (f64::from(p.0), f64::from(p.1))
            })
            .collect();
        let drawn = labels(c, &cx, &at, bounds, &obstacles, &dots);
        (drawn, bounds, obstacles)
    }

    #[test]
    fn text_estimates_count_cjk_as_wide() {
        assert_eq!(est_em("王芳"), 2.0);
        assert!((est_em("ab") - 1.2).abs() < 1e-12);
        assert!((est_em("R01 王芳") - (4.0 * 0.6 + 2.0)).abs() < 1e-12);
        let fonts = FontSet::embedded();
        let cx = Cx::new(&fonts, false, 2.0);
        // Never below the estimate, scaled to backend pixels.
        assert!(text_width(&cx, "待招聘", 10.0) >= 60.0);
        let cut = fit_text(&cx, "A very long territory name indeed", 12.0, 80.0);
        assert!(
            cut.ends_with('…') && text_width(&cx, &cut, 12.0) <= 80.0,
            "{cut}"
        );
    }

    #[test]
    fn boxes_and_segments_meet_as_geometry_says() {
        let r = Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 10.0,
            y1: 5.0,
        };
        assert!(r.crossed_by((-5.0, 2.0), (15.0, 2.0)));
        assert!(r.crossed_by((5.0, 2.0), (5.0, 30.0)));
        assert!(!r.crossed_by((-5.0, 6.0), (15.0, 6.0)));
        assert!(!r.crossed_by((-5.0, -1.0), (-1.0, 20.0)));
        // Along an edge is not through the interior.
        assert!(!r.crossed_by((0.0, -3.0), (0.0, 8.0)));
        assert!(r.hits(&Rect {
            x0: 9.0,
            y0: 4.0,
            x1: 20.0,
            y1: 20.0
        }));
        assert!(!r.hits(&Rect {
            x0: 10.0,
            y0: 0.0,
            x1: 20.0,
            y1: 5.0
        }));
        assert!(segments_meet(
            (0.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (10.0, 0.0)
        ));
        assert!(!segments_meet(
            (0.0, 0.0),
            (1.0, 1.0),
            (0.0, 10.0),
            (10.0, 0.0)
        ));
    }

    #[test]
    fn every_label_anchor_lies_in_a_unit_of_its_own_territory() {
        let mut m = synthetic(400, 15, 7);
        let first =
            |m: &MapData, t: usize| m.units.iter().position(|u| u.owner == Some(t)).unwrap();
        // Rep 1's home is a unit it owns; rep 2's is a unit rep 3 owns.
        let h1 = first(&m, 1);
        m.reps[1].home = Some([m.units[h1].x, m.units[h1].y]);
        let h2 = first(&m, 3);
        m.reps[2].home = Some([m.units[h2].x, m.units[h2].y]);
        // Two units at one place with different owners, and one unit without.
        let (a, b) = (
            first(&m, 4),
            m.units.iter().position(|u| u.owner == Some(5)).unwrap(),
        );
        (m.units[b].x, m.units[b].y) = (m.units[a].x, m.units[a].y);
        let none = first(&m, 6);
        m.units[none].owner = None;
        let asg = m.current();
        let got = anchors(&m.units, &asg, &m.reps);
        for (t, an) in got.iter().enumerate() {
            let Some(an) = an else {
                assert!(
                    !asg.contains(&Some(t)),
                    "territory {t} has units but no anchor"
                );
                continue;
            };
            let cell = cell_of(&m.units, an.at).unwrap();
            assert_eq!(
                asg[cell],
                Some(t),
                "territory {t}: anchor {:?} lies in unit {cell}",
                an.at
            );
            assert_eq!(an.unit, cell);
        }
        let home1 = got[1].unwrap();
        assert!(home1.home && home1.at == (m.units[h1].x, m.units[h1].y));
        let home2 = got[2].unwrap();
        assert!(!home2.home, "a home in another territory is no anchor");

        // The same through the layout that draws them, dense and sparse.
        for (m, w, h) in [
            (m.clone(), 900.0, 640.0),
            (synthetic(1500, 60, 3), 900.0, 640.0),
        ] {
            let c = chart(&m, &m.current(), None, "t").unwrap();
            let d = map_chart(&c);
            let (drawn, _, _) = layout(d, w, h);
            assert!(
                drawn.len() >= d.reps.len() / 2,
                "{} of {} labels",
                drawn.len(),
                d.reps.len()
            );
            for l in &drawn {
                let cell = cell_of(&d.units, l.anchor.at).unwrap();
                assert_eq!(
                    d.assignment[cell],
                    Some(l.t),
                    "label {} is anchored outside",
                    l.text
                );
            }
        }
    }

    #[test]
    fn poles_sit_in_the_middle_of_band_territories() {
        // A 30 × 10 lattice cut into three bands of ten columns.
        let units: Vec<MapUnit> = (0..300)
            .map(|i| MapUnit {
                id: format!("U{i}"),
                name: String::new(),
                x: (i % 30) as f64,
                y: (i / 30) as f64,
                potential: 1.0,
                owner: Some((i % 30) / 10),
            })
            .collect();
        let reps: Vec<MapRep> = (0..3)
            .map(|t| MapRep {
                id: format!("T{t}"),
                name: String::new(),
                home: None,
            })
            .collect();
        let asg: Vec<Option<usize>> = units.iter().map(|u| u.owner).collect();
        let got = anchors(&units, &asg, &reps);
        // Extent: x in [-1.74, 30.74], y in [-1.74, 10.74]; bands meet at
        // x = 9.5 and 19.5.
        for (t, centre) in [
            (0, (-1.74 + 9.5) / 2.0),
            (1, 14.5),
            (2, (19.5 + 30.74) / 2.0),
        ] {
            let a = got[t].unwrap();
            assert!(
                (a.at.0 - centre).abs() < 0.3,
                "band {t}: pole {:?}, centre x {centre}",
                a.at
            );
            assert!(a.at.1 > 3.0 && a.at.1 < 6.0, "band {t}: pole {:?}", a.at);
        }
    }

    #[test]
    fn placed_labels_never_overlap_in_a_dense_cluster() {
        let mut r = Lcg(11);
        let bounds = Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 420.0,
            y1: 300.0,
        };
        // 60 territories' anchors within 200 × 140 pixels; every fifth one
        // a home with its marker.
        let wants: Vec<Want> = (0..60)
            .map(|t| Want {
                t,
                at: (110.0 + 200.0 * r.next(), 80.0 + 140.0 * r.next()),
                widths: vec![30.0 + 80.0 * r.next(), 30.0],
                clear: if t % 5 == 0 { HOUSE + 3.0 } else { 4.0 },
                centre: t % 5 != 0,
            })
            .collect();
        let obstacles: Vec<(Rect, usize)> = wants
            .iter()
            .filter(|w| w.t % 5 == 0)
            .map(|w| (Rect::around(w.at, HOUSE + 2.5), w.t))
            .collect();
        let mut dots: Vec<(f64, f64)> = wants.iter().map(|w| w.at).collect();
        dots.extend((0..300).map(|_| (420.0 * r.next(), 300.0 * r.next())));
        let owner: Vec<Option<usize>> = dots
            .iter()
            .map(|&p| (0..60).min_by(|&a, &b| d2(wants[a].at, p).total_cmp(&d2(wants[b].at, p))))
            .collect();
        let scene = Scene {
            bounds,
            h: LABEL_H,
            gap: LABEL_GAP,
            obstacles: &obstacles,
            dots: &dots,
            owner: &owner,
        };
        let got = place(&scene, &wants);
        assert_eq!(got, place(&scene, &wants), "placement is deterministic");
        let placed: Vec<(&Want, &Placed)> = wants
            .iter()
            .zip(&got)
            .filter_map(|(w, p)| p.as_ref().map(|p| (w, p)))
            .collect();
        let leadered = placed.iter().filter(|(_, p)| p.leader.is_some()).count();
        // The case is dense: some labels need leaders or find no room.
        assert!(
            leadered > 0 && placed.len() < 60 || leadered > 5,
            "{leadered} leaders, {} placed",
            placed.len()
        );
        assert!(
            placed.len() >= 25,
            "only {} of 60 labels placed",
            placed.len()
        );
        for (i, (w, p)) in placed.iter().enumerate() {
            let b = p.rect;
            assert!(b.inside(&bounds), "label {} leaves the map: {b:?}", w.t);
            assert_eq!(
                (b.x1 - b.x0, b.y1 - b.y0),
                (w.widths[p.text].ceil(), LABEL_H.ceil())
            );
            for (o, _) in &obstacles {
                assert!(!o.hits(&b), "label {} covers a marker", w.t);
            }
            for (v, q) in &placed[i + 1..] {
                assert!(
                    !b.grown(LABEL_GAP - 1e-9).hits(&q.rect),
                    "labels {} and {} overlap: {b:?} {:?}",
                    w.t,
                    v.t,
                    q.rect
                );
            }
            match p.leader {
                None => {
                    let n = b.nearest(w.at);
                    assert!(
                        (n.0 - w.at.0).hypot(n.1 - w.at.1) <= w.clear * 2f64.sqrt() + 1.0,
                        "label {} is neither beside its anchor nor led to it",
                        w.t
                    );
                }
                Some((a, e)) => {
                    assert_eq!(a, w.at);
                    assert_eq!(e, b.nearest(w.at));
                    for (v, q) in &placed {
                        if v.t != w.t {
                            assert!(
                                !q.rect.crossed_by(a, e),
                                "leader of {} crosses label {}",
                                w.t,
                                v.t
                            );
                        }
                        if let Some((c, f)) = q.leader
                            && v.t != w.t
                        {
                            assert!(
                                !segments_meet(a, e, c, f),
                                "leaders of {} and {} cross",
                                w.t,
                                v.t
                            );
                        }
                    }
                    for (o, t) in &obstacles {
                        assert!(
                            *t == w.t || !o.crossed_by(a, e),
                            "leader of {} crosses a marker",
                            w.t
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn drawn_labels_do_not_overlap_on_a_dense_map() {
        let mut m = synthetic(1500, 60, 5);
        for t in (0..60).step_by(4) {
            let u = m.units.iter().position(|u| u.owner == Some(t)).unwrap();
            m.reps[t].home = Some([m.units[u].x, m.units[u].y]);
            m.reps[t].name = format!("城市 {t}");
        }
        let c = chart(&m, &m.current(), None, "dense").unwrap();
        let (drawn, bounds, obstacles) = layout(map_chart(&c), 600.0, 420.0);
        assert!(!drawn.is_empty());
        for (i, a) in drawn.iter().enumerate() {
            assert!(a.placed.rect.inside(&bounds));
            assert!(!obstacles.iter().any(|(o, _)| o.hits(&a.placed.rect)));
            for b in &drawn[i + 1..] {
                assert!(
                    !a.placed.rect.hits(&b.placed.rect),
                    "{} and {} overlap",
                    a.text,
                    b.text
                );
            }
        }
    }

    #[test]
    fn the_legend_lists_every_territory() {
        let m = synthetic(300, 60, 9);
        let c = chart(&m, &m.current(), None, "legend").unwrap();
        let svg = c.svg(&FontSet::embedded()).unwrap().data;
        for r in &m.reps {
            let entry = format!(">\n{} {}\n</text>", r.id, r.name);
            assert!(svg.contains(&entry), "the legend lists {} {}", r.id, r.name);
        }
        assert!(!svg.contains(" more\n</text>"));
        // The chart grows to hold the legend.
        let few = synthetic(300, 4, 9);
        let small = chart(&few, &few.current(), None, "legend").unwrap();
        assert!(
            c.size.1 > small.size.1 + 60,
            "{:?} vs {:?}",
            c.size,
            small.size
        );

        // Hundreds of territories: full columns, then "+N more".
        let many = synthetic(2000, 400, 9);
        let c = chart(&many, &many.current(), None, "legend").unwrap();
        let l = &map_chart(&c).legend;
        assert!(l.shown < 400 && l.shown + 1 == l.cols * l.rows && l.rows == LEGEND_MAX_ROWS);
        let svg = c.svg(&FontSet::embedded()).unwrap().data;
        assert!(svg.contains(&format!(">\n+{} more\n</text>", 400 - l.shown)));
        let listed = many
            .reps
            .iter()
            .filter(|r| svg.contains(&format!(">\n{} {}\n</text>", r.id, r.name)))
            .count();
        assert_eq!(listed, l.shown);
    }

    #[test]
    fn the_map_is_deterministic() {
        let mut m = synthetic(500, 25, 4);
        let u = m.units.iter().position(|u| u.owner == Some(3)).unwrap();
        m.reps[3].home = Some([m.units[u].x, m.units[u].y]);
        let before = m.current();
        let mut after = before.clone();
        for a in after.iter_mut().step_by(7) {
            *a = Some(0);
        }
        let render = || {
            let c = chart(&m, &after, Some(&before), "proposed").unwrap();
            let fonts = FontSet::embedded();
            (
                c.svg(&fonts).unwrap().data,
                c.png(&fonts, 1.0).unwrap().data,
            )
        };
        let (svg, png) = render();
        let (svg2, png2) = render();
        assert!(svg == svg2, "the SVG differs between two renderings");
        assert!(png == png2, "the PNG differs between two renderings");
        assert!(svg.contains("unit changes owner") && svg.contains("rep&apos;s home"));
    }

    #[test]
    fn maps_of_thousands_of_units_show_dots_and_labels() {
        let m = synthetic(MAX_CELLS + 1000, 120, 2);
        let c = chart(&m, &m.current(), None, "big").unwrap();
        let svg = c.svg(&FontSet::embedded()).unwrap().data;
        assert!(!svg.contains("<polygon"), "no cells above MAX_CELLS units");
        let boxes = svg
            .matches(&format!("opacity=\"{LABEL_BG}\" fill=\"#FFFFFF\""))
            .count();
        assert!(boxes >= 40, "{boxes} labels");
    }
}
