//! The payout curve (top: payout as a multiple of the target incentive at
//! each attainment) over the pooled attainment of all reps (bottom); red is quota.

use super::draw::{self, Cx, anchor};
use super::frame::{Res, WIDTH, label_at, mesh, pct_axis, vline};
use super::{Chart, Kind, Summary};
use crate::analysis::{ChartData, Hist, PayoutCurve};
use crate::report::format;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

#[derive(Clone, Debug)]
pub struct PayoutData {
    curve: PayoutCurve,
    attainment: Hist,
    mean_total: Option<f64>,
    currency: String,
}

pub fn payout_chart(s: &Summary, d: &ChartData) -> Option<Chart> {
    let curve = d.payout.clone()?;
    if curve.curve.is_empty() {
        return None;
    }
    Some(Chart {
        id: "payout-curve".into(),
        title: "Payout curve and where reps land".into(),
        caption: "Top: the comp plan's payout as a multiple of the target incentive at each attainment. Bottom: the attainment of all reps pooled (each rep weighted equally); the red line is quota.".into(),
        size: (WIDTH, 580),
        kind: Kind::Payout(PayoutData {
            curve,
            attainment: d.attainment.clone(),
            mean_total: s.compensation.as_ref().map(|c| c.total_payout.mean),
            currency: s.currency.clone(),
        }),
    })
}

/// Width of the y labels (logical pixels), the same in both panels so that
/// their attainment axes line up.
const Y_LABELS: f64 = 64.0;

pub fn payout<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    title: &str,
    d: &PayoutData,
) -> Res<DB> {
    let c = &d.curve;
    let body = draw::title(root, cx, title, &subtitle(d))?;
    let (_, h) = body.dim_in_pixel();
    let (top, bottom) = body.split_vertically((f64::from(h) * 0.56) as u32);
    let xmax = d
        .attainment
        .hi
        .max(c.curve.last().map_or(1.0, |p| p[0]) * 1.1);
    curve_panel(root, &top, cx, c, xmax)?;
    attainment_panel(root, &bottom, cx, &d.attainment, xmax)
}

/// The target incentive, the team bonus, the mean total payout and whether
/// commission tiers come on top.
fn subtitle(d: &PayoutData) -> String {
    let c = &d.curve;
    let mut sub = format!(
        "Target incentive {} per rep",
        format::money_short(c.target_incentive, &d.currency)
    );
    if let Some(b) = c.team_bonus {
        sub.push_str(&format!(
            " · team bonus {} per rep when the team makes target",
            format::money_short(b, &d.currency)
        ));
    }
    if let Some(m) = d.mean_total {
        sub.push_str(&format!(
            " · mean total payout {}",
            format::money_short(m, &d.currency)
        ));
    }
    if c.commission {
        sub.push_str(" · plus commission tiers (not shown)");
    }
    sub
}

/// The upper panel: the payout curve up to `xmax`, each point labelled,
/// and quota.
fn curve_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    top: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    c: &PayoutCurve,
    xmax: f64,
) -> Res<DB> {
    let ymax = c.curve.iter().map(|p| p[1]).fold(1.0, f64::max) * 1.18;
    let mut upper = ChartBuilder::on(top)
        .margin_top(cx.px(12.0))
        .margin_right(cx.px(30.0))
        .margin_left(cx.px(10.0))
        .x_label_area_size(cx.px(8.0))
        .y_label_area_size(cx.px(Y_LABELS))
        .build_cartesian_2d(0.0..xmax, 0.0..ymax)?;
    mesh(
        &mut upper,
        cx,
        "",
        "Payout (× target incentive)",
        &|_| String::new(),
        &|v| format!("{v:.1}×"),
        10,
        5,
    )?;
    let mut pts: Vec<(f64, f64)> = Vec::new();
    if c.curve[0][0] > 0.0 {
        pts.push((0.0, c.curve[0][1]));
    }
    pts.extend(c.curve.iter().map(|p| (p[0].min(xmax), p[1])));
    if let Some(last) = c.curve.last()
        && last[0] < xmax
    {
        pts.push((xmax, last[1]));
    }
    upper.draw_series(AreaSeries::new(
        pts.iter().copied(),
        0.0,
        draw::PALE_GREEN.filled(),
    ))?;
    upper.draw_series(LineSeries::new(
        pts.iter().copied(),
        draw::GREEN.stroke_width(cx.pxu(2.5)),
    ))?;
    for p in &c.curve {
        if p[0] > xmax {
            continue;
        }
        upper.draw_series(std::iter::once(Circle::new(
            (p[0], p[1]),
            cx.px(4.0),
            draw::GREEN.filled(),
        )))?;
        let t = format!("{:.0} % → {:.2}×", p[0] * 100.0, p[1]);
        let left = p[0] < xmax * 0.15;
        label_at(
            root,
            &upper,
            cx,
            &t,
            (p[0], p[1]),
            (if left { 6.0 } else { -4.0 }, -8.0),
            anchor(
                cx.font(11.5, &t).color(&draw::MUTED),
                if left { HPos::Left } else { HPos::Right },
                VPos::Bottom,
            ),
        )?;
    }
    vline(
        &mut upper,
        1.0,
        (0.0, ymax),
        draw::RED.stroke_width(cx.pxu(1.5)),
        Some((cx.px(6.0), cx.px(4.0))),
    )
}

/// The lower panel: the pooled attainment histogram up to `xmax` (below
/// quota in red), quota, and the share beyond the histogram's range.
fn attainment_panel<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    bottom: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    hist: &Hist,
    xmax: f64,
) -> Res<DB> {
    let total = hist.total().max(1) as f64;
    let shares: Vec<f64> = hist.counts.iter().map(|&n| n as f64 / total).collect();
    let hmax = shares.iter().copied().fold(0.0, f64::max).max(1e-9) * 1.15;
    let mut lower = ChartBuilder::on(bottom)
        .margin_top(cx.px(6.0))
        .margin_right(cx.px(30.0))
        .margin_left(cx.px(10.0))
        .x_label_area_size(cx.px(46.0))
        .y_label_area_size(cx.px(Y_LABELS))
        .build_cartesian_2d(0.0..xmax, 0.0..hmax)?;
    mesh(
        &mut lower,
        cx,
        "Attainment (% of quota)",
        "Share of rep-years",
        &pct_axis,
        &|v| format!("{:.1} %", v * 100.0),
        10,
        4,
    )?;
    let w = hist.width();
    lower.draw_series(shares.iter().enumerate().map(|(i, &s)| {
        let a = hist.lo + w * i as f64;
        let colour = if a + w / 2.0 < 1.0 {
            draw::LIGHT_RED
        } else {
            draw::LIGHT_BLUE
        };
        Rectangle::new([(a + w * 0.05, 0.0), (a + w * 0.95, s)], colour.filled())
    }))?;
    vline(
        &mut lower,
        1.0,
        (0.0, hmax),
        draw::RED.stroke_width(cx.pxu(1.5)),
        Some((cx.px(6.0), cx.px(4.0))),
    )?;
    if hist.above > 0 {
        let t = format!(
            "{} above {}",
            format::pct_spaced(hist.above as f64 / total),
            format::pct0_spaced(hist.hi)
        );
        label_at(
            root,
            &lower,
            cx,
            &t,
            (xmax, hmax),
            (-4.0, 2.0),
            anchor(
                cx.font(11.5, &t).color(&draw::MUTED),
                HPos::Right,
                VPos::Top,
            ),
        )?;
    }
    Ok(())
}
