//! Pieces shared by the statistical charts: the plot type, sizes, axis
//! styling, legend, vertical lines, labels at data points, and the order
//! and height of the per-rep charts.

use super::Summary;
use super::draw::{self, Cx, anchor};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

pub type Res<DB> = Result<(), draw::DrawError<DB>>;
pub type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Most rows in a per-rep chart; the rest are summarised in a note.
pub const MAX_ROWS: usize = 60;
pub const WIDTH: u32 = 960;

/// Axis styling shared by every chart.
#[allow(clippy::too_many_arguments)]
pub fn mesh<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    cx: &Cx<'_>,
    x_desc: &str,
    y_desc: &str,
    x_fmt: &dyn Fn(&f64) -> String,
    y_fmt: &dyn Fn(&f64) -> String,
    x_labels: usize,
    y_labels: usize,
) -> Res<DB> {
    let xd = cx.text(x_desc);
    let yd = cx.text(y_desc);
    let mut m = chart.configure_mesh();
    m.x_labels(x_labels)
        .y_labels(y_labels)
        .x_label_formatter(x_fmt)
        .y_label_formatter(y_fmt)
        .label_style(cx.font(12.0, "0").color(&draw::MUTED))
        .axis_desc_style(cx.font(13.0, &format!("{xd}{yd}")))
        .bold_line_style(draw::GRID.stroke_width(cx.pxu(1.0)))
        .light_line_style(TRANSPARENT)
        .axis_style(draw::MUTED.stroke_width(cx.pxu(1.0)))
        .set_all_tick_mark_size(cx.px(4.0));
    if !xd.is_empty() {
        m.x_desc(xd);
    }
    if !yd.is_empty() {
        m.y_desc(yd);
    }
    m.draw()?;
    Ok(())
}

/// A row of legend entries (colour swatch, text) right-aligned at `y`.
pub fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    items: &[(RGBColor, &str)],
    y: f64,
) -> Res<DB> {
    let (w, _) = area.dim_in_pixel();
    let size = 12.0;
    let widths: Vec<f64> = items
        .iter()
        .map(|(_, t)| cx.width(t, size) + f64::from(cx.px(26.0)))
        .collect();
    let mut x = f64::from(w) - widths.iter().sum::<f64>() - f64::from(cx.px(14.0));
    for ((c, t), wd) in items.iter().zip(&widths) {
        let (x0, y0) = (x as i32, cx.px(y));
        area.draw(&Rectangle::new(
            [(x0, y0 - cx.px(5.0)), (x0 + cx.px(12.0), y0 + cx.px(5.0))],
            c.filled(),
        ))?;
        let t = cx.text(t);
        area.draw(&Text::new(
            t.clone(),
            (x0 + cx.px(17.0), y0),
            anchor(
                cx.font(size, &t).color(&draw::MUTED),
                HPos::Left,
                VPos::Center,
            ),
        ))?;
        x += wd;
    }
    Ok(())
}

/// A vertical line across the plot.
pub fn vline<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    x: f64,
    y: (f64, f64),
    style: ShapeStyle,
    dashed: Option<(i32, i32)>,
) -> Res<DB> {
    match dashed {
        None => {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(x, y.0), (x, y.1)],
                style,
            )))?;
        }
        Some((size, gap)) => {
            chart.draw_series(std::iter::once(DashedPathElement::new(
                vec![(x, y.0), (x, y.1)],
                size,
                gap,
                style,
            )))?;
        }
    }
    Ok(())
}

/// Text at a data point, nudged by (dx, dy) logical pixels.
#[allow(clippy::too_many_arguments)]
pub fn label_at<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Plot<'_, DB>,
    cx: &Cx<'_>,
    text: &str,
    at: (f64, f64),
    nudge: (f64, f64),
    style: TextStyle<'_>,
) -> Res<DB> {
    let (x, y) = chart.backend_coord(&at);
    let o = root.get_base_pixel();
    root.draw(&Text::new(
        text.to_string(),
        (x - o.0 + cx.px(nudge.0), y - o.1 + cx.px(nudge.1)),
        style,
    ))?;
    Ok(())
}

pub fn pct_axis(v: &f64) -> String {
    format!("{:.0} %", v * 100.0)
}

/// Rep indices by P(quota), lowest (riskiest) first; ties by order.
pub fn by_risk(s: &Summary) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..s.reps.len()).collect();
    idx.sort_by(|&a, &b| {
        s.reps[a]
            .p_attain
            .total_cmp(&s.reps[b].p_attain)
            .then(a.cmp(&b))
    });
    idx
}

pub fn rows_height(rows: usize, per: f64, extra: f64) -> u32 {
    (extra + per * rows.max(1) as f64).round() as u32
}
