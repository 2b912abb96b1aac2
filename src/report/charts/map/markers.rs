//! The markers drawn over the map and repeated in the legend's key: a
//! rep's home and the ring of a unit that changes owner.

use crate::report::charts::draw::{self, Cx};
use crate::report::charts::frame::Res;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Half the size of a home marker (logical pixels).
pub(super) const HOUSE: f64 = 7.0;

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
pub(super) fn draw_house<DB: DrawingBackend>(
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
pub(super) fn draw_ring<DB: DrawingBackend>(
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
