//! Tornado of the risk drivers: team sales P50 in each risk's worst (red)
//! and best (green) decile of years around the overall P50; longer bars
//! move the result more.

use super::draw::{self, Cx, anchor};
use super::frame::{MAX_ROWS, Res, WIDTH, label_at, legend, mesh, rows_height, vline};
use super::{Chart, Kind, Summary};
use crate::report::format;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

#[derive(Clone, Debug)]
pub struct TornadoRow {
    id: String,
    kind: String,
    low: f64,
    high: f64,
    contribution: f64,
}

#[derive(Clone, Debug)]
pub struct TornadoData {
    rows: Vec<TornadoRow>,
    base: f64,
    currency: String,
}

pub fn tornado_chart(s: &Summary) -> Option<Chart> {
    if s.risks.is_empty() {
        return None;
    }
    let mut rows: Vec<TornadoRow> = s
        .risks
        .iter()
        .map(|r| TornadoRow {
            id: r.id.clone(),
            kind: r.kind.clone(),
            low: r.tornado.low_p50,
            high: r.tornado.high_p50,
            contribution: r.contribution,
        })
        .collect();
    rows.sort_by(|a, b| {
        (b.high - b.low)
            .abs()
            .total_cmp(&(a.high - a.low).abs())
            .then(a.id.cmp(&b.id))
    });
    rows.truncate(MAX_ROWS);
    Some(Chart {
        id: "tornado".into(),
        title: "Risk drivers (tornado)".into(),
        caption: "For each risk, team sales P50 among the simulated years where the risk's driver was in its worst decile (red side) and its best decile (green side). Longer bars move the result more.".into(),
        size: (WIDTH, rows_height(rows.len(), 34.0, 150.0)),
        kind: Kind::Tornado(TornadoData {
            rows,
            base: s.team.sales.p50,
            currency: s.currency.clone(),
        }),
    })
}

pub fn tornado<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    title: &str,
    d: &TornadoData,
) -> Res<DB> {
    let sub = format!(
        "Team sales P50 {} · bars: P50 in the risk's worst and best decile of years",
        format::money_short(d.base, &d.currency)
    );
    let body = draw::title(root, cx, title, &sub)?;
    legend(
        &body,
        cx,
        &[
            (draw::LIGHT_RED, "worst decile"),
            (draw::mix(draw::GREEN, WHITE, 0.3), "best decile"),
        ],
        10.0,
    )?;
    let n = d.rows.len();
    let labels: Vec<String> = d.rows.iter().map(|r| cx.text(&r.id)).collect();
    let label_w = labels
        .iter()
        .map(|l| cx.width(l, 12.5))
        .fold(0.0, f64::max)
        .max(f64::from(cx.px(60.0)))
        .min(f64::from(cx.px(320.0)));
    let (mut lo, mut hi) = (d.base, d.base);
    for r in &d.rows {
        lo = lo.min(r.low).min(r.high);
        hi = hi.max(r.low).max(r.high);
    }
    let pad = ((hi - lo) * 0.18).max(d.base.abs() * 0.01).max(1.0);
    let (x0, x1) = (lo - pad, hi + pad);
    let unit = format::money_unit(x1.abs().max(x0.abs()));
    let mut chart = ChartBuilder::on(&body)
        .margin_top(cx.px(40.0))
        .margin_right(cx.px(30.0))
        .margin_left(cx.px(8.0))
        .x_label_area_size(cx.px(46.0))
        .y_label_area_size(label_w as i32 + cx.px(14.0))
        .build_cartesian_2d(x0..x1, -0.5..(n as f64 - 0.5))?;
    let cur = if d.currency.is_empty() {
        String::new()
    } else {
        format!(", {}", d.currency)
    };
    mesh(
        &mut chart,
        cx,
        &format!("Team sales P50 ({}{cur})", unit.1),
        "",
        &|v| format::scaled(*v, (unit.0, "")),
        &|_| String::new(),
        8,
        0,
    )?;
    let y = |i: usize| (n - 1 - i) as f64;
    for (i, r) in d.rows.iter().enumerate() {
        let yc = y(i);
        let (a, b) = (r.low.min(r.high), r.low.max(r.high));
        if a < d.base {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(a, yc - 0.32), (b.min(d.base), yc + 0.32)],
                draw::LIGHT_RED.filled(),
            )))?;
        }
        if b > d.base {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(a.max(d.base), yc - 0.32), (b, yc + 0.32)],
                draw::mix(draw::GREEN, WHITE, 0.3).filled(),
            )))?;
        }
        let l = &labels[i];
        label_at(
            root,
            &chart,
            cx,
            l,
            (x0, yc),
            (-8.0, -6.0),
            anchor(cx.font(12.5, l), HPos::Right, VPos::Center),
        )?;
        let k = format!(
            "{} · {} of variance",
            r.kind,
            format::pct0_spaced(r.contribution)
        );
        label_at(
            root,
            &chart,
            cx,
            &k,
            (x0, yc),
            (-8.0, 8.0),
            anchor(
                cx.font(10.5, &k).color(&draw::MUTED),
                HPos::Right,
                VPos::Center,
            ),
        )?;
        for (v, h, dx) in [(a, HPos::Right, -4.0), (b, HPos::Left, 4.0)] {
            let t = format!("{:.1}", v / unit.0);
            label_at(
                root,
                &chart,
                cx,
                &t,
                (v, yc),
                (dx, 0.0),
                anchor(cx.font(11.0, &t).color(&draw::MUTED), h, VPos::Center),
            )?;
        }
    }
    vline(
        &mut chart,
        d.base,
        (-0.5, n as f64 - 0.5),
        draw::INK.stroke_width(cx.pxu(1.5)),
        None,
    )?;
    let t = format!("P50 {:.1}", d.base / unit.0);
    label_at(
        root,
        &chart,
        cx,
        &t,
        (d.base, n as f64 - 0.5),
        (0.0, -3.0),
        anchor(cx.font(12.0, &t), HPos::Center, VPos::Bottom),
    )?;
    Ok(())
}
