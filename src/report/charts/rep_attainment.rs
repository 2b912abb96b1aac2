//! Attainment per rep, riskiest (lowest P(quota)) first: P5–P95 whiskers,
//! P10–P90 and P25–P75 boxes, median tick and mean dot; P(quota) at the right.

use super::draw::{self, Cx, anchor};
use super::frame::{
    MAX_ROWS, Res, WIDTH, by_risk, label_at, legend, mesh, pct_axis, rows_height, vline,
};
use super::{Chart, Kind, Summary};
use crate::analysis::{ChartData, RepDist};
use crate::report::format;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

#[derive(Clone, Debug)]
pub struct FanRow {
    id: String,
    name: String,
    d: RepDist,
    p_attain: f64,
}

#[derive(Clone, Debug)]
pub struct RepFan {
    rows: Vec<FanRow>,
    hidden: usize,
}

pub fn rep_attainment_chart(s: &Summary, d: &ChartData) -> Chart {
    let order = by_risk(s);
    let rows: Vec<FanRow> = order
        .iter()
        .filter_map(|&i| {
            let r = &s.reps[i];
            let dist = d.reps.get(i).filter(|x| x.id == r.id)?;
            Some(FanRow {
                id: r.id.clone(),
                name: r.name.clone(),
                d: dist.clone(),
                p_attain: r.p_attain,
            })
        })
        .collect();
    let hidden = rows.len().saturating_sub(MAX_ROWS);
    let rows: Vec<FanRow> = rows.into_iter().take(MAX_ROWS).collect();
    Chart {
        id: "rep-attainment".into(),
        title: "Attainment per rep, riskiest first".into(),
        caption: "Whiskers span P5–P95 of each rep's attainment, the light box P10–P90, the dark box P25–P75; the white tick is the median and the dot the mean. Reps are sorted by P(quota), lowest first.".into(),
        size: (WIDTH, rows_height(rows.len(), 26.0, 150.0)),
        kind: Kind::RepAttainment(RepFan { rows, hidden }),
    }
}

pub fn rep_attainment<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    title: &str,
    d: &RepFan,
) -> Res<DB> {
    let sub = if d.hidden > 0 {
        format!(
            "The {} riskiest reps; {} more in the table",
            d.rows.len(),
            d.hidden
        )
    } else {
        "Attainment = sales / quota; the red line is quota (100 %)".to_string()
    };
    let body = draw::title(root, cx, title, &sub)?;
    legend(
        &body,
        cx,
        &[
            (draw::PALE_BLUE, "P5–P95"),
            (draw::LIGHT_BLUE, "P10–P90"),
            (draw::BLUE, "P25–P75"),
            (draw::INK, "mean"),
        ],
        10.0,
    )?;
    let n = d.rows.len();
    let labels: Vec<String> = d.rows.iter().map(|r| cx.id_name(&r.id, &r.name)).collect();
    let label_w = labels
        .iter()
        .map(|l| cx.width(l, 12.5))
        .fold(0.0, f64::max)
        .max(f64::from(cx.px(40.0)))
        .min(f64::from(cx.px(300.0)));
    let xmax = d
        .rows
        .iter()
        .map(|r| r.d.p95)
        .filter(|x| x.is_finite())
        .fold(1.25, f64::max)
        .min(4.0)
        * 1.05;
    let xmin = d
        .rows
        .iter()
        .map(|r| r.d.p5)
        .filter(|x| x.is_finite())
        .fold(0.8, f64::min);
    let xmin = ((xmin - 0.1) * 10.0).floor().max(0.0) / 10.0;
    let mut chart = ChartBuilder::on(&body)
        .margin_top(cx.px(40.0))
        .margin_right(cx.px(84.0))
        .margin_left(cx.px(8.0))
        .x_label_area_size(cx.px(46.0))
        .y_label_area_size(label_w as i32 + cx.px(14.0))
        .build_cartesian_2d(xmin..xmax, -0.5..(n as f64 - 0.5))?;
    mesh(
        &mut chart,
        cx,
        "Attainment (% of quota)",
        "",
        &pct_axis,
        &|_| String::new(),
        10,
        0,
    )?;
    let y = |i: usize| (n - 1 - i) as f64;
    let half = 0.3;
    for (i, r) in d.rows.iter().enumerate() {
        let yc = y(i);
        let q = &r.d;
        let c = |v: f64| v.clamp(xmin, xmax);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(c(q.p5), yc - 0.06), (c(q.p95), yc + 0.06)],
            draw::PALE_BLUE.filled(),
        )))?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(c(q.p10), yc - half), (c(q.p90), yc + half)],
            draw::LIGHT_BLUE.filled(),
        )))?;
        chart.draw_series(std::iter::once(Rectangle::new(
            [(c(q.p25), yc - half), (c(q.p75), yc + half)],
            draw::BLUE.filled(),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(c(q.p50), yc - half), (c(q.p50), yc + half)],
            WHITE.stroke_width(cx.pxu(2.0)),
        )))?;
        chart.draw_series(std::iter::once(Circle::new(
            (c(q.mean), yc),
            cx.px(3.5),
            draw::INK.filled(),
        )))?;
    }
    vline(
        &mut chart,
        1.0,
        (-0.5, n as f64 - 0.5),
        draw::RED.stroke_width(cx.pxu(1.5)),
        Some((cx.px(6.0), cx.px(4.0))),
    )?;
    for (i, (r, l)) in d.rows.iter().zip(&labels).enumerate() {
        label_at(
            root,
            &chart,
            cx,
            l,
            (xmin, y(i)),
            (-8.0, 0.0),
            anchor(cx.font(12.5, l), HPos::Right, VPos::Center),
        )?;
        let p = format::pct_spaced(r.p_attain);
        label_at(
            root,
            &chart,
            cx,
            &p,
            (xmax, y(i)),
            (10.0, 0.0),
            anchor(
                cx.font(12.5, &p)
                    .color(&draw::probability_colour(r.p_attain)),
                HPos::Left,
                VPos::Center,
            ),
        )?;
    }
    label_at(
        root,
        &chart,
        cx,
        "P(quota)",
        (xmax, n as f64 - 0.5),
        (10.0, -4.0),
        anchor(
            cx.font(12.0, "P").color(&draw::MUTED),
            HPos::Left,
            VPos::Bottom,
        ),
    )?;
    Ok(())
}
