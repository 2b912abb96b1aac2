//! Drawing the map, layer by layer and bottom first: cells, their edges
//! and the borders between territories, units, leader lines, homes, label
//! boxes, then the legend below.

use super::geometry::{Rect, extent, view};
use super::labels::{Drawn, LABEL_SIZE, labels};
use super::markers::{HOUSE, draw_house, draw_ring};
use super::voronoi::{self, Cell};
use super::{MapChart, home_of, legend};
use crate::analysis::MapUnit;
use crate::report::charts::draw::{self, Cx, anchor};
use crate::report::charts::frame::{Plot, Res};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Above this many units the map shows dots without cells.
pub(super) const MAX_CELLS: usize = 5000;
/// Label background opacity (also how tests find label boxes in the SVG).
pub(super) const LABEL_BG: f64 = 0.92;
/// The fill of units without an owner.
const NO_OWNER: RGBColor = RGBColor(200, 200, 200);

/// Map coordinates to backend pixels.
type At<'a> = &'a dyn Fn((f64, f64)) -> (i32, i32);

pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    title: &str,
    d: &MapChart,
) -> Res<DB> {
    let body = draw::title(root, cx, title, &subtitle(d))?;
    let (_, bh) = body.dim_in_pixel();
    let legend_h = cx.pxu(d.legend.height).min(bh);
    let (body, legend_area) = body.split_vertically(bh - legend_h);
    let (w, h) = body.dim_in_pixel();
    let margin = f64::from(cx.px(14.0));
    let (pw, ph) = (f64::from(w) - 2.0 * margin, f64::from(h) - 2.0 * margin);
    let frame = extent(&d.units);
    let (vx, vy) = view(frame, pw, ph);
    let mut chart = ChartBuilder::on(&body)
        .margin(cx.px(14.0))
        .build_cartesian_2d(vx, vy)?;

    let cells = cells(d, frame);
    let palette = colours(d.reps.len(), &adjacency(d, &cells));
    let colour = |i: usize| d.assignment[i].map_or(NO_OWNER, |t| palette[t]);
    fill_cells(&mut chart, &cells, &colour)?;
    draw_edges(&mut chart, cx, d, &cells)?;
    let at = |p: (f64, f64)| chart.backend_coord(&p);
    draw_units(root, cx, d, &at, &colour)?;

    // Leader lines, homes, then label boxes.
    let homes: Vec<Option<(f64, f64)>> = d.reps.iter().map(home_of).collect();
    let obstacles = home_boxes(cx, &homes, &at);
    let bounds = label_bounds(&chart, frame);
    let dots: Vec<(f64, f64)> = d
        .units
        .iter()
        .map(|u| {
            let p = at((u.x, u.y));
            (f64::from(p.0), f64::from(p.1))
        })
        .collect();
    let plan = labels(d, cx, &at, bounds, &obstacles, &dots);
    draw_leaders(root, cx, &plan, &palette)?;
    for (t, h) in homes.iter().enumerate() {
        if let Some(h) = h {
            draw_house(root, cx, at(*h), palette[t])?;
        }
    }
    draw_label_boxes(root, cx, &plan, &palette)?;
    legend::draw(&legend_area, cx, d, &palette)
}

/// Units and territories, the owners missing, the units that change owner.
fn subtitle(d: &MapChart) -> String {
    let n = d.units.len();
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
    sub
}

/// The units' Voronoi cells clipped to the map's `frame` (x0, x1, y0, y1);
/// none above [`MAX_CELLS`] units.
fn cells(d: &MapChart, frame: (f64, f64, f64, f64)) -> Vec<Option<Cell>> {
    let n = d.units.len();
    let (x0, x1, y0, y1) = frame;
    let points: Vec<(f64, f64)> = d.units.iter().map(|u| (u.x, u.y)).collect();
    if n <= MAX_CELLS {
        voronoi::cells(&points, (x0, y0, x1, y1))
    } else {
        vec![None; n]
    }
}

/// Per territory, the territories whose cells share an edge with its own.
fn adjacency(d: &MapChart, cells: &[Option<Cell>]) -> Vec<Vec<usize>> {
    let mut adjacent: Vec<Vec<usize>> = vec![Vec::new(); d.reps.len()];
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
    adjacent
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

/// Each cell in a pale shade of its unit's colour.
fn fill_cells<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    cells: &[Option<Cell>],
    colour: &dyn Fn(usize) -> RGBColor,
) -> Res<DB> {
    for (i, c) in cells.iter().enumerate() {
        let Some(c) = c else { continue };
        chart.draw_series(std::iter::once(Polygon::new(
            c.poly.clone(),
            draw::mix(colour(i), WHITE, 0.45).filled(),
        )))?;
    }
    Ok(())
}

/// Unit edges inside a territory (thin, white), borders between
/// territories (thick) and the map's edge, each edge once.
fn draw_edges<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    cx: &Cx<'_>,
    d: &MapChart,
    cells: &[Option<Cell>],
) -> Res<DB> {
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
    Ok(())
}

/// A dot per unit sized by potential (small and equal on maps of many
/// units), ringed when the unit changes owner.
fn draw_units<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    d: &MapChart,
    at: At<'_>,
    colour: &dyn Fn(usize) -> RGBColor,
) -> Res<DB> {
    let pmax = d
        .units
        .iter()
        .map(|u| u.potential)
        .fold(0.0, f64::max)
        .max(1e-9);
    let small = d.units.len() > 400;
    let radius = |u: &MapUnit| {
        if small {
            1.5
        } else {
            2.5 + 5.0 * (u.potential.max(0.0) / pmax).sqrt()
        }
    };
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
    Ok(())
}

/// The home markers' boxes (backend pixels) with their territories: no
/// label covers one.
fn home_boxes(cx: &Cx<'_>, homes: &[Option<(f64, f64)>], at: At<'_>) -> Vec<(Rect, usize)> {
    homes
        .iter()
        .enumerate()
        .filter_map(|(t, h)| {
            let p = at((*h)?);
            let r = (HOUSE + 2.5) * cx.scale;
            Some((Rect::around((f64::from(p.0), f64::from(p.1)), r), t))
        })
        .collect()
}

/// Where labels may go: the map's `frame` (the cells' box) within the
/// plot, in backend pixels, kept 2 pixels inside.
fn label_bounds<DB: DrawingBackend>(chart: &Plot<'_, DB>, frame: (f64, f64, f64, f64)) -> Rect {
    let (x0, x1, y0, y1) = frame;
    let at = |p: (f64, f64)| chart.backend_coord(&p);
    let (xr, yr) = chart.plotting_area().get_pixel_range();
    let (f0, f1) = (at((x0, y1)), at((x1, y0)));
    Rect {
        x0: f64::from(f0.0.max(xr.start)) + 2.0,
        y0: f64::from(f0.1.max(yr.start)) + 2.0,
        x1: f64::from(f1.0.min(xr.end)) - 2.0,
        y1: f64::from(f1.1.min(yr.end)) - 2.0,
    }
}

/// The leader lines of labels placed away from their anchors, each with a
/// dot at its anchor unless a home marker is there.
fn draw_leaders<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    plan: &[Drawn],
    palette: &[RGBColor],
) -> Res<DB> {
    for l in plan {
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
    Ok(())
}

/// The labels: text on a white box edged in the territory's colour.
fn draw_label_boxes<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    plan: &[Drawn],
    palette: &[RGBColor],
) -> Res<DB> {
    for l in plan {
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
    Ok(())
}
