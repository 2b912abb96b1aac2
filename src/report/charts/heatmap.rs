//! A heatmap of a grid of values (e.g. a parameter sweep): cells run from red
//! (bad) through pale yellow to green (good), each with its value written in.

use super::draw::{self, Cx, anchor};
use super::frame::{Res, WIDTH, label_at};
use super::{Chart, Grid, Kind};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

#[derive(Clone, Debug)]
pub struct HeatmapData {
    grid: Grid,
}

pub fn heatmap_chart(grid: &Grid) -> Chart {
    let rows = grid.rows.len().max(1);
    Chart {
        id: "heatmap".into(),
        title: grid.title.clone(),
        caption: format!(
            "{} across {} (rows) and {} (columns); {} is better.",
            grid.title,
            grid.y_label,
            grid.x_label,
            if grid.higher_is_better {
                "green (higher)"
            } else {
                "green (lower)"
            }
        ),
        size: (WIDTH, (150 + 36 * rows).min(4000) as u32),
        kind: Kind::Heatmap(HeatmapData { grid: grid.clone() }),
    }
}

pub fn heatmap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    title: &str,
    d: &HeatmapData,
) -> Res<DB> {
    let g = &d.grid;
    let body = draw::title(root, cx, title, "")?;
    let (nr, nc) = (g.rows.len(), g.columns.len());
    let rows: Vec<String> = g.rows.iter().map(|r| cx.text(r)).collect();
    let cols: Vec<String> = g.columns.iter().map(|c| cx.text(c)).collect();
    let label_w = rows
        .iter()
        .map(|l| cx.width(l, 12.5))
        .fold(0.0, f64::max)
        .max(f64::from(cx.px(40.0)))
        .min(f64::from(cx.px(260.0)));
    let values: Vec<f64> = g
        .values
        .iter()
        .flatten()
        .flatten()
        .copied()
        .filter(|v| v.is_finite())
        .collect();
    let vmin = values.iter().copied().fold(f64::INFINITY, f64::min);
    let vmax = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut chart = ChartBuilder::on(&body)
        .margin_top(cx.px(10.0))
        .margin_right(cx.px(24.0))
        .margin_left(cx.px(8.0))
        .x_label_area_size(cx.px(52.0))
        .y_label_area_size(label_w as i32 + cx.px(40.0))
        .build_cartesian_2d(0.0..nc.max(1) as f64, 0.0..nr.max(1) as f64)?;
    let xd = cx.text(&g.x_label);
    let yd = cx.text(&g.y_label);
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(0)
        .y_labels(0)
        .x_desc(xd.clone())
        .y_desc(yd.clone())
        .axis_desc_style(cx.font(13.0, &format!("{xd}{yd}")))
        .axis_style(draw::MUTED.stroke_width(cx.pxu(1.0)))
        .draw()?;
    for (r, row) in g.values.iter().enumerate().take(nr) {
        let y = (nr - 1 - r) as f64;
        for (c, v) in row.iter().enumerate().take(nc) {
            let x = c as f64;
            let (fill, text) = match v {
                Some(v) if v.is_finite() => {
                    let t = if vmax > vmin {
                        (v - vmin) / (vmax - vmin)
                    } else {
                        0.5
                    };
                    let t = if g.higher_is_better { t } else { 1.0 - t };
                    (draw::diverging(t), draw::format_value(*v, g.format))
                }
                _ => (RGBColor(240, 240, 240), "—".to_string()),
            };
            chart.draw_series(std::iter::once(Rectangle::new(
                [(x + 0.02, y + 0.04), (x + 0.98, y + 0.96)],
                fill.filled(),
            )))?;
            let ink = if draw::is_light(fill) {
                draw::INK
            } else {
                WHITE
            };
            label_at(
                root,
                &chart,
                cx,
                &text,
                (x + 0.5, y + 0.5),
                (0.0, 0.0),
                anchor(cx.font(12.0, &text).color(&ink), HPos::Center, VPos::Center),
            )?;
        }
    }
    for (r, l) in rows.iter().enumerate() {
        label_at(
            root,
            &chart,
            cx,
            l,
            (0.0, (nr - 1 - r) as f64 + 0.5),
            (-8.0, 0.0),
            anchor(cx.font(12.5, l), HPos::Right, VPos::Center),
        )?;
    }
    for (c, l) in cols.iter().enumerate() {
        label_at(
            root,
            &chart,
            cx,
            l,
            (c as f64 + 0.5, 0.0),
            (0.0, 6.0),
            anchor(cx.font(12.5, l), HPos::Center, VPos::Top),
        )?;
    }
    Ok(())
}
