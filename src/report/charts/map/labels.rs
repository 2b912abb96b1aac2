//! One label per territory, placed without overlaps: largest territory
//! first, beside its anchor (the name, else the id) where it hides no other
//! label's anchor, then farther out with a leader line, then wherever it
//! still fits; a label that fits nowhere is left out (the legend still
//! names it). No two labels, markers or leader lines overlap ([`place`]).

use super::MapChart;
use super::anchors::{Anchor, anchors};
use super::geometry::{Rect, segments_meet};
use super::grid::Grid;
use super::markers::HOUSE;
use super::text::text_width;
use crate::report::charts::draw::Cx;

/// Label text size, box height and horizontal padding (logical pixels).
pub(super) const LABEL_SIZE: f64 = 12.5;
pub(super) const LABEL_H: f64 = 19.0;
const LABEL_PAD: f64 = 5.0;
/// Free space kept between two labels (logical pixels).
pub(super) const LABEL_GAP: f64 = 3.0;

/// A label to place: its territory, its anchor (backend pixels), the
/// widths of its texts in order of preference (the box width, padding
/// included), how far from the anchor a box beside it keeps (room for the
/// marker or dot there), and whether a box may sit on the anchor.
#[derive(Clone, Debug)]
pub(super) struct Want {
    pub(super) t: usize,
    pub(super) at: (f64, f64),
    pub(super) widths: Vec<f64>,
    pub(super) clear: f64,
    pub(super) centre: bool,
}

/// A placed label: which of its texts, its box, and the leader line from
/// its anchor to the box when the box does not touch the anchor.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Placed {
    pub(super) text: usize,
    pub(super) rect: Rect,
    pub(super) leader: Option<((f64, f64), (f64, f64))>,
}

/// What labels must keep clear of and prefer to avoid.
pub(super) struct Scene<'a> {
    /// Boxes stay inside.
    pub(super) bounds: Rect,
    /// Box height.
    pub(super) h: f64,
    /// Space kept between boxes.
    pub(super) gap: f64,
    /// Boxes (e.g. home markers) no label or leader covers, with the
    /// territory they belong to (a leader may leave its own).
    pub(super) obstacles: &'a [(Rect, usize)],
    /// Units (backend pixels) and their territories: a box prefers to cover
    /// few units and to lie over its own territory.
    pub(super) dots: &'a [(f64, f64)],
    pub(super) owner: &'a [Option<usize>],
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
pub(super) fn place(scene: &Scene<'_>, wants: &[Want]) -> Vec<Option<Placed>> {
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

/// A label as drawn: its territory, text, anchor and placement.
#[derive(Clone, Debug)]
pub(super) struct Drawn {
    pub(super) t: usize,
    pub(super) text: String,
    pub(super) anchor: Anchor,
    pub(super) placed: Placed,
}

/// The labels drawn, largest territory (most units) first. `at` maps map
/// coordinates to backend pixels.
pub(super) fn labels(
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
