//! The running estimate of P(team hits target) against trials, with its
//! 95 % interval; it settles as trials accumulate.

use super::draw::{self, Cx};
use super::frame::{Res, WIDTH, legend, mesh};
use super::{Chart, Kind, Summary};
use crate::analysis::{ChartData, ConvergencePoint};
use crate::report::format;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

#[derive(Clone, Debug)]
pub struct ConvergenceData {
    points: Vec<ConvergencePoint>,
    reached_precision: bool,
}

pub fn convergence_chart(s: &Summary, d: &ChartData) -> Chart {
    Chart {
        id: "convergence".into(),
        title: "Convergence of P(team hits target)".into(),
        caption: format!(
            "The running estimate after each chunk of {} trials with its 95 % interval; the estimate settles as trials accumulate. Final: {} ± {}.",
            s.chunk_size,
            format::pct_spaced(s.team.p_hit_target),
            format::pct_spaced(1.96 * s.team.p_hit_target_se)
        ),
        size: (WIDTH, 420),
        kind: Kind::Convergence(ConvergenceData {
            points: d.convergence.clone(),
            reached_precision: s.reached_precision,
        }),
    }
}

pub fn convergence<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    title: &str,
    d: &ConvergenceData,
) -> Res<DB> {
    let last = d.points.last().cloned().unwrap_or(ConvergencePoint {
        trials: 0,
        p_hit: f64::NAN,
        se: 0.0,
    });
    let mut sub = format!(
        "After {} trials: {} ± {} (95 %)",
        last.trials,
        format::pct_spaced(last.p_hit),
        format::pct_spaced(1.96 * last.se)
    );
    if d.reached_precision {
        sub.push_str(" · stopped at the requested precision");
    }
    let body = draw::title(root, cx, title, &sub)?;
    legend(
        &body,
        cx,
        &[
            (draw::PALE_BLUE, "95 % interval"),
            (draw::BLUE, "running estimate"),
        ],
        10.0,
    )?;
    let (mut lo, mut hi) = (1.0f64, 0.0f64);
    for p in &d.points {
        lo = lo.min(p.p_hit - 1.96 * p.se);
        hi = hi.max(p.p_hit + 1.96 * p.se);
    }
    if hi.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        (lo, hi) = (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.1).max(0.005);
    let (y0, y1) = ((lo - pad).max(0.0), (hi + pad).min(1.0));
    let xmax = (last.trials as f64).max(1.0);
    let mut chart = ChartBuilder::on(&body)
        .margin_top(cx.px(26.0))
        .margin_right(cx.px(30.0))
        .margin_left(cx.px(10.0))
        .x_label_area_size(cx.px(46.0))
        .y_label_area_size(cx.px(64.0))
        .build_cartesian_2d(0.0..xmax, y0..y1)?;
    mesh(
        &mut chart,
        cx,
        "Trials",
        "P(team hits target)",
        &|v| format!("{v:.0}"),
        &|v| format!("{:.1} %", v * 100.0),
        8,
        6,
    )?;
    let pts: Vec<(f64, f64, f64)> = d
        .points
        .iter()
        .map(|p| (p.trials as f64, p.p_hit, 1.96 * p.se))
        .collect();
    if pts.len() > 1 {
        let mut band: Vec<(f64, f64)> = pts.iter().map(|&(x, p, h)| (x, (p + h).min(y1))).collect();
        band.extend(pts.iter().rev().map(|&(x, p, h)| (x, (p - h).max(y0))));
        chart.draw_series(std::iter::once(Polygon::new(
            band,
            draw::PALE_BLUE.filled(),
        )))?;
    }
    chart.draw_series(std::iter::once(DashedPathElement::new(
        vec![(0.0, last.p_hit), (xmax, last.p_hit)],
        cx.px(5.0),
        cx.px(4.0),
        draw::MUTED.stroke_width(cx.pxu(1.0)),
    )))?;
    chart.draw_series(LineSeries::new(
        pts.iter().map(|&(x, p, _)| (x, p)),
        draw::BLUE.stroke_width(cx.pxu(2.0)),
    ))?;
    if pts.len() == 1 {
        let (x, p, h) = pts[0];
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x, p - h), (x, p + h)],
            draw::BLUE.stroke_width(cx.pxu(2.0)),
        )))?;
        chart.draw_series(std::iter::once(Circle::new(
            (x, p),
            cx.px(4.0),
            draw::BLUE.filled(),
        )))?;
    }
    Ok(())
}
