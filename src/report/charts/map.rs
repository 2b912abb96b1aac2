//! The territory map: Voronoi cells of the units coloured by territory,
//! borders between territories, units sized by potential, rep labels at
//! their homes (or their territory's centre), and units that change owner
//! against a reference assignment ringed.

use super::draw::{self, Cx, anchor};
use super::voronoi;
use super::{Chart, Kind};
use crate::analysis::{MapData, MapRep, MapUnit};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

type Res = Result<(), Box<dyn std::error::Error>>;

/// Above this many units the map shows dots without cells.
const MAX_CELLS: usize = 5000;
const WIDTH: u32 = 960;

#[derive(Clone, Debug)]
pub struct MapChart {
    units: Vec<MapUnit>,
    reps: Vec<MapRep>,
    assignment: Vec<Option<usize>>,
    changed: Option<Vec<bool>>,
    projection: String,
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
    let height = (f64::from(WIDTH - 40) * ratio + 90.0).round() as u32;
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
            "{} units as cells (each point of the map belongs to its nearest unit), coloured by territory; thick lines are territory borders, dots are units sized by potential{}.",
            n,
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
        }),
    })
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

pub fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    title: &str,
    d: &MapChart,
) -> Res
where
    DB::ErrorType: 'static,
{
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
    for (i, u) in d.units.iter().enumerate() {
        let r = if small {
            1.5
        } else {
            2.5 + 5.0 * (u.potential.max(0.0) / pmax).sqrt()
        };
        if d.changed.as_ref().is_some_and(|c| c[i]) {
            chart.draw_series(std::iter::once(Circle::new(
                (u.x, u.y),
                cx.px(r + 3.5),
                draw::INK.stroke_width(cx.pxu(2.0)),
            )))?;
        }
        chart.draw_series(std::iter::once(Circle::new(
            (u.x, u.y),
            cx.px(r),
            draw::mix(colour(i), BLACK, 0.35).filled(),
        )))?;
    }

    // Rep labels at their homes or their territory's weighted centre,
    // nudged apart when they would overlap.
    let mut sums = vec![(0.0, 0.0, 0.0); k];
    for (u, a) in d.units.iter().zip(&d.assignment) {
        if let Some(t) = a {
            let w = u.potential.max(0.0) + 1e-9;
            sums[*t].0 += u.x * w;
            sums[*t].1 += u.y * w;
            sums[*t].2 += w;
        }
    }
    let mut placed: Vec<(i32, i32, i32, i32)> = Vec::new();
    let size = 12.5;
    let (lh, pad) = (cx.px(19.0), cx.px(5.0));
    for (t, rep) in d.reps.iter().enumerate() {
        let home = rep.home.map(|h| (h[0], h[1]));
        let at = match home {
            Some(h) => h,
            None if sums[t].2 > 0.0 => (sums[t].0 / sums[t].2, sums[t].1 / sums[t].2),
            None => continue,
        };
        let (px, py) = chart.backend_coord(&at);
        if home.is_some() {
            root.draw(&Rectangle::new(
                [
                    (px - cx.px(5.0), py - cx.px(5.0)),
                    (px + cx.px(5.0), py + cx.px(5.0)),
                ],
                draw::INK.filled(),
            ))?;
        }
        let label = cx.name(&rep.name, &rep.id);
        let lw = cx.width(&label, size).round() as i32 + 2 * pad;
        let mut y = py
            - if home.is_some() {
                lh + cx.px(4.0)
            } else {
                lh / 2
            };
        let x = px - lw / 2;
        for step in 0..12 {
            let hit = placed
                .iter()
                .any(|b| x < b.2 && b.0 < x + lw && y < b.3 && b.1 < y + lh);
            if !hit {
                break;
            }
            let off = (step / 2 + 1) * (lh + cx.px(2.0));
            y = py - lh / 2 + if step % 2 == 0 { off } else { -off };
        }
        placed.push((x, y, x + lw, y + lh));
        root.draw(&Rectangle::new(
            [(x, y), (x + lw, y + lh)],
            WHITE.mix(0.88).filled(),
        ))?;
        root.draw(&Rectangle::new(
            [(x, y), (x + lw, y + lh)],
            palette[t].stroke_width(cx.pxu(1.5)),
        ))?;
        root.draw(&Text::new(
            label.clone(),
            (x + lw / 2, y + lh / 2),
            anchor(cx.font(size, &label), HPos::Center, VPos::Center),
        ))?;
    }
    Ok(())
}
