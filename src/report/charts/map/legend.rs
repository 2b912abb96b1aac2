//! The legend below the map: a key to the markers, then every territory's
//! colour with its rep's id and name, in columns. Its layout is fixed when
//! the chart is built, so the chart's height holds it.

use super::markers::{draw_house, draw_ring};
use super::text::{fit_text, text_width};
use super::{MapChart, WIDTH, home_of};
use crate::report::charts::draw::{self, Cx, anchor};
use crate::report::charts::frame::Res;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

/// Legend text size, row height and colour swatch (logical pixels).
const LEGEND_SIZE: f64 = 12.0;
const LEGEND_ROW: f64 = 18.0;
const SWATCH: f64 = 11.0;
/// Legend rows at most; more territories end in "+N more".
pub(super) const LEGEND_MAX_ROWS: usize = 16;

/// Where the legend's entries go (logical pixels), fixed when the chart is
/// built so that its height is known before drawing.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Legend {
    pub(super) cols: usize,
    pub(super) rows: usize,
    pub(super) col_w: f64,
    /// Entries listed; when fewer than the reps, the last cell says
    /// "+N more".
    pub(super) shown: usize,
    /// A first row explaining the markers.
    pub(super) key: bool,
    pub(super) height: f64,
}

/// The legend grid for entries `widths_em` wide: as many equal columns as
/// the widest entry allows, filled column by column, at most
/// [`LEGEND_MAX_ROWS`] rows.
pub(super) fn legend_layout(widths_em: &[f64], key: bool) -> Legend {
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

/// The legend below the map: a key to the markers, then every territory's
/// colour with its rep's id and name, in columns.
pub(super) fn draw<DB: DrawingBackend>(
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
