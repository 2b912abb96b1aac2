//! The statistical charts: team distribution, per-rep attainment, P(quota)
//! with the fairness band, tornado, quarterly fan, payout curve,
//! convergence, and a generic heatmap.

use super::draw::{self, Cx, anchor};
use super::{Chart, Grid, Kind};
use crate::analysis::Summary;
use crate::analysis::{ChartData, ConvergencePoint, Hist, PayoutCurve, RepDist};
use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

type Res = Result<(), Box<dyn std::error::Error>>;
type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Most rows in a per-rep chart; the rest are summarised in a note.
const MAX_ROWS: usize = 60;
const WIDTH: u32 = 960;

/// The flags' thresholds (summary fairness): reps outside are flagged.
const FAIR_LOW: f64 = 0.3;
const FAIR_HIGH: f64 = 0.8;

/// Axis styling shared by every chart.
#[allow(clippy::too_many_arguments)]
fn mesh<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    cx: &Cx,
    x_desc: &str,
    y_desc: &str,
    x_fmt: &dyn Fn(&f64) -> String,
    y_fmt: &dyn Fn(&f64) -> String,
    x_labels: usize,
    y_labels: usize,
) -> Res
where
    DB::ErrorType: 'static,
{
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
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    cx: &Cx,
    items: &[(RGBColor, &str)],
    y: f64,
) -> Res
where
    DB::ErrorType: 'static,
{
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
fn vline<DB: DrawingBackend>(
    chart: &mut Plot<'_, DB>,
    x: f64,
    y: (f64, f64),
    style: ShapeStyle,
    dashed: Option<(i32, i32)>,
) -> Res
where
    DB::ErrorType: 'static,
{
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
fn label_at<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &Plot<'_, DB>,
    cx: &Cx,
    text: &str,
    at: (f64, f64),
    nudge: (f64, f64),
    style: TextStyle<'_>,
) -> Res
where
    DB::ErrorType: 'static,
{
    let (x, y) = chart.backend_coord(&at);
    let o = root.get_base_pixel();
    root.draw(&Text::new(
        text.to_string(),
        (x - o.0 + cx.px(nudge.0), y - o.1 + cx.px(nudge.1)),
        style,
    ))?;
    Ok(())
}

fn pct_axis(v: &f64) -> String {
    format!("{:.0} %", v * 100.0)
}

// ---------------------------------------------------------------- team

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
            draw::pct(t.p_hit_target),
            draw::pct(1.96 * t.p_hit_target_se)
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
    cx: &Cx,
    title: &str,
    d: &TeamDist,
) -> Res
where
    DB::ErrorType: 'static,
{
    let sub = format!(
        "P(team hits target) {} ± {} · target {} · {} simulated years",
        draw::pct(d.p_hit),
        draw::pct(1.96 * d.p_hit_se),
        draw::money(d.target, &d.currency),
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
    let unit = draw::money_unit(x1.abs().max(x0.abs()));
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
        &|v| draw::fmt_scaled(*v, (unit.0, "")),
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
        let t = format!("{name} {}", draw::fmt_scaled(q, (unit.0, "")));
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
    let tl = format!("target {}", draw::fmt_scaled(d.target, unit));
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

// ---------------------------------------------------------------- reps

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

/// Rep indices by P(quota), lowest (riskiest) first; ties by order.
fn by_risk(s: &Summary) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..s.reps.len()).collect();
    idx.sort_by(|&a, &b| {
        s.reps[a]
            .p_attain
            .total_cmp(&s.reps[b].p_attain)
            .then(a.cmp(&b))
    });
    idx
}

fn rows_height(rows: usize, per: f64, extra: f64) -> u32 {
    (extra + per * rows.max(1) as f64).round() as u32
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
    cx: &Cx,
    title: &str,
    d: &RepFan,
) -> Res
where
    DB::ErrorType: 'static,
{
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
        let p = draw::pct(r.p_attain);
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
            draw::pct0(FAIR_LOW),
            draw::pct0(FAIR_HIGH)
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
    cx: &Cx,
    title: &str,
    d: &PAttain,
) -> Res
where
    DB::ErrorType: 'static,
{
    let mut sub = format!("Mean over reps {}", draw::pct(d.mean));
    if let Some(p) = d.p_star {
        sub.push_str(&format!(
            " · equal-probability quotas: p* = {}",
            draw::pct(p)
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
        let p = draw::pct(r.p);
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

// ---------------------------------------------------------------- risks

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
    cx: &Cx,
    title: &str,
    d: &TornadoData,
) -> Res
where
    DB::ErrorType: 'static,
{
    let sub = format!(
        "Team sales P50 {} · bars: P50 in the risk's worst and best decile of years",
        draw::money(d.base, &d.currency)
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
    let unit = draw::money_unit(x1.abs().max(x0.abs()));
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
        &|v| draw::fmt_scaled(*v, (unit.0, "")),
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
        let k = format!("{} · {} of variance", r.kind, draw::pct0(r.contribution));
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

// ---------------------------------------------------------------- quarters

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
    cx: &Cx,
    title: &str,
    d: &QuarterFan,
) -> Res
where
    DB::ErrorType: 'static,
{
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
    let unit = draw::money_unit(ymax);
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
        &|v| draw::fmt_scaled(*v, (unit.0, "")),
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
        let t = format!("P(hit) {}", draw::pct(r.p_hit));
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

// ---------------------------------------------------------------- payout

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

pub fn payout<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cx: &Cx,
    title: &str,
    d: &PayoutData,
) -> Res
where
    DB::ErrorType: 'static,
{
    let c = &d.curve;
    let mut sub = format!(
        "Target incentive {} per rep",
        draw::money(c.target_incentive, &d.currency)
    );
    if let Some(b) = c.team_bonus {
        sub.push_str(&format!(
            " · team bonus {} per rep when the team makes target",
            draw::money(b, &d.currency)
        ));
    }
    if let Some(m) = d.mean_total {
        sub.push_str(&format!(
            " · mean total payout {}",
            draw::money(m, &d.currency)
        ));
    }
    if c.commission {
        sub.push_str(" · plus commission tiers (not shown)");
    }
    let body = draw::title(root, cx, title, &sub)?;
    let (_, h) = body.dim_in_pixel();
    let (top, bottom) = body.split_vertically((f64::from(h) * 0.56) as u32);
    let xmax = d
        .attainment
        .hi
        .max(c.curve.last().map_or(1.0, |p| p[0]) * 1.1);
    let ymax = c.curve.iter().map(|p| p[1]).fold(1.0, f64::max) * 1.18;
    let label_area = cx.px(64.0);
    let mut upper = ChartBuilder::on(&top)
        .margin_top(cx.px(12.0))
        .margin_right(cx.px(30.0))
        .margin_left(cx.px(10.0))
        .x_label_area_size(cx.px(8.0))
        .y_label_area_size(label_area)
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
    )?;

    let hist = &d.attainment;
    let total = hist.total().max(1) as f64;
    let shares: Vec<f64> = hist.counts.iter().map(|&n| n as f64 / total).collect();
    let hmax = shares.iter().copied().fold(0.0, f64::max).max(1e-9) * 1.15;
    let mut lower = ChartBuilder::on(&bottom)
        .margin_top(cx.px(6.0))
        .margin_right(cx.px(30.0))
        .margin_left(cx.px(10.0))
        .x_label_area_size(cx.px(46.0))
        .y_label_area_size(label_area)
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
            draw::pct(hist.above as f64 / total),
            draw::pct0(hist.hi)
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

// ---------------------------------------------------------------- convergence

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
            draw::pct(s.team.p_hit_target),
            draw::pct(1.96 * s.team.p_hit_target_se)
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
    cx: &Cx,
    title: &str,
    d: &ConvergenceData,
) -> Res
where
    DB::ErrorType: 'static,
{
    let last = d.points.last().cloned().unwrap_or(ConvergencePoint {
        trials: 0,
        p_hit: f64::NAN,
        se: 0.0,
    });
    let mut sub = format!(
        "After {} trials: {} ± {} (95 %)",
        last.trials,
        draw::pct(last.p_hit),
        draw::pct(1.96 * last.se)
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

// ---------------------------------------------------------------- heatmap

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
    cx: &Cx,
    title: &str,
    d: &HeatmapData,
) -> Res
where
    DB::ErrorType: 'static,
{
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
