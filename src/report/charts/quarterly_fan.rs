//! Team sales per quarter: the mean with ≈P10–P90 and ≈P25–P75 bands (normal
//! approximation) against each quarter's target (red), with P(hit) per quarter.

use super::draw::{self, Cx, anchor};
use super::frame::{Res, WIDTH, label_at, legend, mesh};
use super::{Chart, Kind, Summary};
use crate::report::format;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

#[derive(Clone, Debug)]
pub struct QRow {
    name: String,
    target: f64,
    mean: f64,
    sd: f64,
    p_hit: f64,
}

#[derive(Clone, Debug)]
pub struct QuarterFan {
    rows: Vec<QRow>,
    currency: String,
}

pub fn quarterly_fan_chart(s: &Summary) -> Option<Chart> {
    if s.quarters.is_empty() {
        return None;
    }
    Some(Chart {
        id: "quarterly-fan".into(),
        title: "Team sales by quarter".into(),
        caption: "Mean team sales per quarter (line) with bands of ±1.28 sd (≈P10–P90) and ±0.67 sd (≈P25–P75) under a normal approximation, against each quarter's share of the target (red), with P(hit) per quarter.".into(),
        size: (WIDTH, 460),
        kind: Kind::QuarterlyFan(QuarterFan {
            rows: s
                .quarters
                .iter()
                .map(|q| QRow {
                    name: q.quarter.clone(),
                    target: q.target,
                    mean: q.sales_mean,
                    sd: q.sales_sd,
                    p_hit: q.p_hit,
                })
                .collect(),
            currency: s.currency.clone(),
        }),
    })
}

pub fn quarterly_fan<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    title: &str,
    d: &QuarterFan,
) -> Res<DB> {
    let body = draw::title(
        root,
        cx,
        title,
        "Bands: mean ± 1.28 sd (≈P10–P90) and ± 0.67 sd (≈P25–P75), normal approximation",
    )?;
    legend(
        &body,
        cx,
        &[
            (draw::PALE_BLUE, "≈P10–P90"),
            (draw::LIGHT_BLUE, "≈P25–P75"),
            (draw::BLUE, "mean"),
            (draw::RED, "quarter target"),
        ],
        10.0,
    )?;
    let n = d.rows.len();
    let z90 = 1.2816;
    let z75 = 0.6745;
    let ymax = d
        .rows
        .iter()
        .map(|r| (r.mean + z90 * r.sd).max(r.target))
        .fold(0.0, f64::max)
        * 1.15;
    let ymin = d
        .rows
        .iter()
        .map(|r| (r.mean - z90 * r.sd).min(r.target))
        .fold(f64::INFINITY, f64::min);
    let ymin = (ymin - (ymax - ymin) * 0.1).max(0.0);
    let ymax = if ymax > ymin { ymax } else { ymin + 1.0 };
    let unit = format::money_unit(ymax);
    let mut chart = ChartBuilder::on(&body)
        .margin_top(cx.px(26.0))
        .margin_right(cx.px(30.0))
        .margin_left(cx.px(10.0))
        .x_label_area_size(cx.px(40.0))
        .y_label_area_size(cx.px(70.0))
        .build_cartesian_2d(-0.5..(n as f64 - 0.5), ymin..ymax)?;
    let cur = if d.currency.is_empty() {
        String::new()
    } else {
        format!(", {}", d.currency)
    };
    mesh(
        &mut chart,
        cx,
        "",
        &format!("Team sales in the quarter ({}{cur})", unit.1),
        &|_| String::new(),
        &|v| format::scaled(*v, (unit.0, "")),
        0,
        6,
    )?;
    let xs: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let band = |z: f64| -> Vec<(f64, f64)> {
        let mut p: Vec<(f64, f64)> = d
            .rows
            .iter()
            .zip(&xs)
            .map(|(r, &x)| (x, r.mean + z * r.sd))
            .collect();
        p.extend(
            d.rows
                .iter()
                .zip(&xs)
                .rev()
                .map(|(r, &x)| (x, (r.mean - z * r.sd).max(ymin))),
        );
        p
    };
    if n > 1 {
        chart.draw_series(std::iter::once(Polygon::new(
            band(z90),
            draw::PALE_BLUE.filled(),
        )))?;
        chart.draw_series(std::iter::once(Polygon::new(
            band(z75),
            draw::LIGHT_BLUE.filled(),
        )))?;
    } else {
        let r = &d.rows[0];
        for (z, c) in [(z90, draw::PALE_BLUE), (z75, draw::LIGHT_BLUE)] {
            chart.draw_series(std::iter::once(Rectangle::new(
                [(-0.15, r.mean - z * r.sd), (0.15, r.mean + z * r.sd)],
                c.filled(),
            )))?;
        }
    }
    chart.draw_series(LineSeries::new(
        d.rows.iter().zip(&xs).map(|(r, &x)| (x, r.mean)),
        draw::BLUE.stroke_width(cx.pxu(2.5)),
    ))?;
    chart.draw_series(
        d.rows
            .iter()
            .zip(&xs)
            .map(|(r, &x)| Circle::new((x, r.mean), cx.px(4.0), draw::BLUE.filled())),
    )?;
    for (r, &x) in d.rows.iter().zip(&xs) {
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(x - 0.22, r.target), (x + 0.22, r.target)],
            draw::RED.stroke_width(cx.pxu(2.5)),
        )))?;
        let t = format!("P(hit) {}", format::pct_spaced(r.p_hit));
        label_at(
            root,
            &chart,
            cx,
            &t,
            (x, (r.mean + z90 * r.sd).max(r.target)),
            (0.0, -6.0),
            anchor(
                cx.font(12.5, &t).color(&draw::probability_colour(r.p_hit)),
                HPos::Center,
                VPos::Bottom,
            ),
        )?;
        let name = cx.text(&r.name);
        label_at(
            root,
            &chart,
            cx,
            &name,
            (x, ymin),
            (0.0, 8.0),
            anchor(cx.font(13.0, &name), HPos::Center, VPos::Top),
        )?;
    }
    Ok(())
}
