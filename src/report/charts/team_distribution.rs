//! Team sales over the horizon: a histogram of the simulated years (red bars
//! miss the target) with the target line and P10/P50/P90 marked.

use super::draw::{self, Cx, anchor};
use super::frame::{Res, WIDTH, label_at, legend, mesh, vline};
use super::{Chart, Kind, Summary};
use crate::analysis::{ChartData, Hist};
use crate::report::format;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

#[derive(Clone, Debug)]
pub struct TeamDist {
    hist: Hist,
    target: f64,
    p10: f64,
    p50: f64,
    p90: f64,
    p_hit: f64,
    p_hit_se: f64,
    currency: String,
    trials: u64,
}

pub fn team_distribution_chart(s: &Summary, d: &ChartData) -> Chart {
    let t = &s.team;
    Chart {
        id: "team-distribution".into(),
        title: format!("Team sales over {} months", s.months),
        caption: format!(
            "Each bar is the share of simulated years whose team sales fall in it; red bars miss the target. P(team hits target) = {} ± {}.",
            format::pct_spaced(t.p_hit_target),
            format::pct_spaced(1.96 * t.p_hit_target_se)
        ),
        size: (WIDTH, 470),
        kind: Kind::TeamDistribution(TeamDist {
            hist: d.team_sales.clone(),
            target: t.target,
            p10: t.sales.p10,
            p50: t.sales.p50,
            p90: t.sales.p90,
            p_hit: t.p_hit_target,
            p_hit_se: t.p_hit_target_se,
            currency: s.currency.clone(),
            trials: s.trials,
        }),
    }
}

pub fn team_distribution<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    title: &str,
    d: &TeamDist,
) -> Res<DB> {
    let sub = format!(
        "P(team hits target) {} ± {} · target {} · {} simulated years",
        format::pct_spaced(d.p_hit),
        format::pct_spaced(1.96 * d.p_hit_se),
        format::money_short(d.target, &d.currency),
        d.trials
    );
    let body = draw::title(root, cx, title, &sub)?;
    legend(
        &body,
        cx,
        &[
            (draw::LIGHT_RED, "years below target"),
            (draw::LIGHT_BLUE, "years at or above target"),
        ],
        10.0,
    )?;
    let h = &d.hist;
    let total = h.total().max(1) as f64;
    let shares: Vec<f64> = h.counts.iter().map(|&c| c as f64 / total).collect();
    let ymax = shares.iter().copied().fold(0.0, f64::max).max(1e-9) * 1.22;
    let lo = h.lo.min(d.target);
    let hi = h.hi.max(d.target);
    let pad = (hi - lo).max(1.0) * 0.03;
    let (x0, x1) = (lo - pad, hi + pad);
    let unit = format::money_unit(x1.abs().max(x0.abs()));
    let mut chart = ChartBuilder::on(&body)
        .margin_top(cx.px(26.0))
        .margin_right(cx.px(28.0))
        .margin_left(cx.px(10.0))
        .x_label_area_size(cx.px(46.0))
        .y_label_area_size(cx.px(64.0))
        .build_cartesian_2d(x0..x1, 0.0..ymax)?;
    let cur = if d.currency.is_empty() {
        String::new()
    } else {
        format!(", {}", d.currency)
    };
    let x_desc = format!("Team sales ({}{cur})", unit.1);
    mesh(
        &mut chart,
        cx,
        &x_desc,
        "Share of simulated years",
        &|v| format::scaled(*v, (unit.0, "")),
        &|v| format!("{:.1} %", v * 100.0),
        10,
        6,
    )?;
    let w = h.width();
    chart.draw_series(shares.iter().enumerate().map(|(i, &s)| {
        let a = h.lo + w * i as f64;
        let colour = if a + w / 2.0 < d.target {
            draw::LIGHT_RED
        } else {
            draw::LIGHT_BLUE
        };
        Rectangle::new([(a + w * 0.04, 0.0), (a + w * 0.96, s)], colour.filled())
    }))?;
    let near = (x1 - x0) * 0.035;
    for (q, name) in [(d.p10, "P10"), (d.p50, "P50"), (d.p90, "P90")] {
        let top = if (q - d.target).abs() < near {
            ymax * 0.74
        } else {
            ymax * 0.86
        };
        vline(
            &mut chart,
            q,
            (0.0, top),
            draw::INK.stroke_width(cx.pxu(1.0)),
            Some((cx.px(5.0), cx.px(4.0))),
        )?;
        let t = format!("{name} {}", format::scaled(q, (unit.0, "")));
        label_at(
            root,
            &chart,
            cx,
            &t,
            (q, top),
            (0.0, -3.0),
            anchor(cx.font(12.0, &t), HPos::Center, VPos::Bottom),
        )?;
    }
    vline(
        &mut chart,
        d.target,
        (0.0, ymax),
        draw::RED.stroke_width(cx.pxu(2.0)),
        None,
    )?;
    let tl = format!("target {}", format::scaled(d.target, unit));
    let right = d.target < (x0 + x1) / 2.0;
    label_at(
        root,
        &chart,
        cx,
        &tl,
        (d.target, ymax * 0.97),
        (if right { 5.0 } else { -5.0 }, 0.0),
        anchor(
            cx.font(12.5, &tl).color(&draw::RED),
            if right { HPos::Left } else { HPos::Right },
            VPos::Top,
        ),
    )?;
    Ok(())
}
