//! P(group hits its quota) per roll-up (region, manager, ...) with its 95 %
//! interval, key by key in the summary's order, each beside its quota.

use super::draw::{self, Cx, anchor};
use super::frame::{MAX_ROWS, Res, WIDTH, label_at, legend, mesh, pct_axis, rows_height};
use super::{Chart, Kind, Summary};
use crate::report::format;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

#[derive(Clone, Debug)]
pub struct GroupRow {
    by: String,
    id: String,
    reps: usize,
    p: f64,
    ci: [f64; 2],
}

#[derive(Clone, Debug)]
pub struct GroupHits {
    rows: Vec<GroupRow>,
    hidden: usize,
    team: f64,
}

/// `None` when the reps carry no grouping keys.
pub fn group_p_hit_chart(s: &Summary) -> Option<Chart> {
    if s.groups.is_empty() {
        return None;
    }
    let rows: Vec<GroupRow> = s
        .groups
        .iter()
        .map(|g| GroupRow {
            by: g.by.clone(),
            id: g.id.clone(),
            reps: g.reps,
            p: g.p_hit,
            ci: g.p_hit_ci95,
        })
        .collect();
    let hidden = rows.len().saturating_sub(MAX_ROWS);
    let rows: Vec<GroupRow> = rows.into_iter().take(MAX_ROWS).collect();
    Some(Chart {
        id: "group-p-hit".into(),
        title: "P(group reaches its quota) by region, manager and other groups".into(),
        caption: "Each group's sales are the sum of its reps' sales in the same simulated year, against the sum of their quotas; the bar is the share of years the group reaches it, with its 95 % interval. Good and bad years of its reps partly offset each other, so a group's chance is pulled toward 100 % when its quota is below its expected sales and toward 0 % when above.".into(),
        size: (WIDTH, rows_height(rows.len(), 24.0, 150.0)),
        kind: Kind::GroupHits(GroupHits {
            rows,
            hidden,
            team: s.team.p_hit_target,
        }),
    })
}

pub fn group_p_hit<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    title: &str,
    d: &GroupHits,
) -> Res<DB> {
    let mut sub = format!(
        "Dashed line: P(team hits target) {}",
        format::pct_spaced(d.team)
    );
    if d.hidden > 0 {
        sub.push_str(&format!(" · {} more groups in the table", d.hidden));
    }
    let body = draw::title(root, cx, title, &sub)?;
    legend(
        &body,
        cx,
        &[
            (draw::mix(draw::RED, WHITE, 0.35), "below 50 %"),
            (draw::mix(draw::BLUE, WHITE, 0.35), "50 % and above"),
        ],
        10.0,
    )?;
    let n = d.rows.len();
    let labels: Vec<String> = d
        .rows
        .iter()
        .map(|r| format!("{} · {} ({})", cx.text(&r.by), cx.text(&r.id), r.reps))
        .collect();
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
    mesh(
        &mut chart,
        cx,
        "P(group sales ≥ group quota)",
        "",
        &pct_axis,
        &|_| String::new(),
        10,
        0,
    )?;
    let y = |i: usize| (n - 1 - i) as f64;
    for (i, r) in d.rows.iter().enumerate() {
        let yc = y(i);
        let c = if r.p < 0.5 { draw::RED } else { draw::BLUE };
        chart.draw_series(std::iter::once(Rectangle::new(
            [(0.0, yc - 0.3), (r.p.clamp(0.0, 1.0), yc + 0.3)],
            draw::mix(c, WHITE, 0.35).filled(),
        )))?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![(r.ci[0], yc), (r.ci[1], yc)],
            draw::INK.stroke_width(cx.pxu(1.5)),
        )))?;
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
    super::frame::vline(
        &mut chart,
        d.team,
        (-0.5, n as f64 - 0.5),
        draw::MUTED.stroke_width(cx.pxu(1.5)),
        Some((cx.px(6.0), cx.px(4.0))),
    )?;
    Ok(())
}
