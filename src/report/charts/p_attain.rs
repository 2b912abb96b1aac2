//! P(quota) per rep with its 95 % interval against the fairness band: red
//! bars fall below it, amber above; the dashed line is p* (or the mean).

use super::draw::{self, Cx, anchor};
use super::frame::{
    MAX_ROWS, Res, WIDTH, by_risk, label_at, legend, mesh, pct_axis, rows_height, vline,
};
use super::{Chart, Kind, Summary};
use crate::analysis::{FAIR_HIGH, FAIR_LOW};
use crate::report::format;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

#[derive(Clone, Debug)]
pub struct PRow {
    id: String,
    name: String,
    p: f64,
    ci: [f64; 2],
}

#[derive(Clone, Debug)]
pub struct PAttain {
    rows: Vec<PRow>,
    hidden: usize,
    p_star: Option<f64>,
    mean: f64,
}

pub fn p_attain_chart(s: &Summary) -> Chart {
    let order = by_risk(s);
    let rows: Vec<PRow> = order
        .iter()
        .map(|&i| {
            let r = &s.reps[i];
            PRow {
                id: r.id.clone(),
                name: r.name.clone(),
                p: r.p_attain,
                ci: r.p_attain_ci95,
            }
        })
        .collect();
    let mean = if rows.is_empty() {
        0.0
    } else {
        rows.iter().map(|r| r.p).sum::<f64>() / rows.len() as f64
    };
    let hidden = rows.len().saturating_sub(MAX_ROWS);
    let rows: Vec<PRow> = rows.into_iter().take(MAX_ROWS).collect();
    Chart {
        id: "p-attain".into(),
        title: "P(quota) per rep and the fairness band".into(),
        caption: format!(
            "Probability that each rep reaches quota, with its 95 % interval. Reps outside the green band ({}–{}) are flagged: red below (quota heavier than the territory), amber above (quota light).",
            format::pct0_spaced(FAIR_LOW),
            format::pct0_spaced(FAIR_HIGH)
        ),
        size: (WIDTH, rows_height(rows.len(), 24.0, 150.0)),
        kind: Kind::PAttain(PAttain {
            rows,
            hidden,
            p_star: s.quota.p_star,
            mean,
        }),
    }
}

pub fn p_attain<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    title: &str,
    d: &PAttain,
) -> Res<DB> {
    let mut sub = format!("Mean over reps {}", format::pct_spaced(d.mean));
    if let Some(p) = d.p_star {
        sub.push_str(&format!(
            " · equal-probability quotas: p* = {}",
            format::pct_spaced(p)
        ));
    }
    if d.hidden > 0 {
        sub.push_str(&format!(" · {} more reps in the table", d.hidden));
    }
    let body = draw::title(root, cx, title, &sub)?;
    legend(
        &body,
        cx,
        &[
            (draw::PALE_GREEN, "fairness band 30–80 %"),
            (draw::mix(draw::RED, WHITE, 0.35), "below"),
            (draw::mix(draw::BLUE, WHITE, 0.35), "within"),
            (draw::mix(draw::AMBER, WHITE, 0.35), "above"),
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
    let mut chart = ChartBuilder::on(&body)
        .margin_top(cx.px(40.0))
        .margin_right(cx.px(30.0))
        .margin_left(cx.px(8.0))
        .x_label_area_size(cx.px(46.0))
        .y_label_area_size(label_w as i32 + cx.px(14.0))
        .build_cartesian_2d(0.0..1.0, -0.5..(n as f64 - 0.5))?;
    chart.draw_series(std::iter::once(Rectangle::new(
        [(FAIR_LOW, -0.5), (FAIR_HIGH, n as f64 - 0.5)],
        draw::PALE_GREEN.filled(),
    )))?;
    mesh(
        &mut chart,
        cx,
        "P(sales ≥ quota)",
        "",
        &pct_axis,
        &|_| String::new(),
        10,
        0,
    )?;
    let y = |i: usize| (n - 1 - i) as f64;
    for (i, r) in d.rows.iter().enumerate() {
        let yc = y(i);
        let c = draw::probability_colour(r.p);
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, yc - 0.3), (r.p.clamp(0.0, 1.0), yc + 0.3)],
            draw::mix(c, WHITE, 0.35).filled(),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(r.ci[0], yc), (r.ci[1], yc)],
            draw::INK.stroke_width(cx.pxu(1.5)),
        )))?;
        for e in r.ci {
            chart.draw_series(std::iter::once(PathElement::new(
                vec![(e, yc - 0.15), (e, yc + 0.15)],
                draw::INK.stroke_width(cx.pxu(1.5)),
            )))?;
        }
        let l = &labels[i];
        label_at(
            root,
            &chart,
            cx,
            l,
            (0.0, yc),
            (-8.0, 0.0),
            anchor(cx.font(12.5, l), HPos::Right, VPos::Center),
        )?;
        let p = format::pct_spaced(r.p);
        let inside = r.p > 0.86;
        label_at(
            root,
            &chart,
            cx,
            &p,
            (if inside { 0.0 } else { r.ci[1].max(r.p) }, yc),
            (6.0, 0.0),
            anchor(cx.font(12.0, &p), HPos::Left, VPos::Center),
        )?;
    }
    let marks: Vec<(f64, &str, RGBColor)> = match d.p_star {
        Some(p) => vec![(p, "p*", draw::GREEN)],
        None => vec![(d.mean, "mean", draw::MUTED)],
    };
    for (x, name, colour) in marks {
        vline(
            &mut chart,
            x,
            (-0.5, n as f64 - 0.5),
            colour.stroke_width(cx.pxu(1.5)),
            Some((cx.px(6.0), cx.px(4.0))),
        )?;
        label_at(
            root,
            &chart,
            cx,
            name,
            (x, n as f64 - 0.5),
            (0.0, -3.0),
            anchor(
                cx.font(12.0, name).color(&colour),
                HPos::Center,
                VPos::Bottom,
            ),
        )?;
    }
    Ok(())
}
