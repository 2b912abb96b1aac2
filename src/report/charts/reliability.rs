//! The reliability of a backtest's intervals: for each central interval
//! from 10 % to 90 %, the share of actuals that fell inside, per level.
//! On the diagonal the intervals mean what they say; below it the forecast
//! was overconfident, above it underconfident.

use super::draw::{self, Cx};
use super::frame::{Res, WIDTH, legend, mesh, pct_axis};
use super::{Chart, Kind};
use crate::backtest::{Backtest, NOMINAL};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

#[derive(Clone, Debug)]
pub struct Series {
    label: String,
    colour: RGBColor,
    /// (nominal, observed, standard error if calibrated).
    points: Vec<(f64, f64, f64)>,
}

#[derive(Clone, Debug)]
pub struct ReliabilityData {
    series: Vec<Series>,
    /// Levels left out for too few items, e.g. "team (1 item)".
    omitted: Vec<String>,
}

/// Fewest items for a level to be drawn in the backtest charts: with
/// fewer, ±2 SE of a share is wider than ±19 points (±30 at 10 items in a
/// PIT bin) and the marks say little. The table still shows them.
pub const MIN_CHART_ITEMS: usize = 10;

/// "team (1 item)".
pub fn level_count(l: &crate::backtest::LevelScore) -> String {
    let n = l.n();
    format!(
        "{} ({n} item{})",
        l.level.key(),
        if n == 1 { "" } else { "s" }
    )
}

/// One colour per level, in [`crate::backtest::Level::ALL`] order.
const COLOURS: [RGBColor; 4] = [draw::BLUE, draw::AMBER, draw::GREEN, draw::RED];

pub fn reliability_chart(b: &Backtest) -> Option<Chart> {
    let drawn = || b.levels.iter().filter(|l| l.n() >= MIN_CHART_ITEMS);
    drawn().next()?;
    let series: Vec<Series> = drawn()
        .map(|l| Series {
            label: format!("{} (n = {})", l.level.key(), l.n()),
            colour: COLOURS[l.level as usize % COLOURS.len()],
            points: l
                .coverage
                .iter()
                .map(|c| (c.nominal, c.observed, c.se))
                .collect(),
        })
        .collect();
    Some(Chart {
        id: "reliability".into(),
        title: "Reliability of the forecast intervals".into(),
        caption: format!(
            "For each central interval from {} to {}, the share of actuals that fell inside it, per level, with ±2 binomial standard errors around each point if the forecast were calibrated. On the diagonal the intervals mean what they say; below it the forecast was overconfident (too narrow or biased), above it too cautious.",
            draw::format_value(NOMINAL[0], super::ValueFormat::Percent),
            draw::format_value(NOMINAL[NOMINAL.len() - 1], super::ValueFormat::Percent)
        ),
        size: (WIDTH, 560),
        kind: Kind::Reliability(ReliabilityData {
            series,
            omitted: b
                .levels
                .iter()
                .filter(|l| l.n() < MIN_CHART_ITEMS)
                .map(level_count)
                .collect(),
        }),
    })
}

pub fn reliability<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    title: &str,
    d: &ReliabilityData,
) -> Res<DB> {
    let mut sub =
        "Observed coverage against nominal; whiskers ±2 SE at the nominal level".to_string();
    if !d.omitted.is_empty() {
        sub.push_str(&format!(
            " · not drawn, fewer than {MIN_CHART_ITEMS} items: {}",
            d.omitted.join(", ")
        ));
    }
    let body = draw::title(root, cx, title, &sub)?;
    let mut items: Vec<(RGBColor, &str)> = d
        .series
        .iter()
        .map(|s| (s.colour, s.label.as_str()))
        .collect();
    items.push((draw::MUTED, "calibrated"));
    legend(&body, cx, &items, 10.0)?;
    let mut chart = ChartBuilder::on(&body)
        .margin_top(cx.px(26.0))
        .margin_right(cx.px(30.0))
        .margin_left(cx.px(10.0))
        .x_label_area_size(cx.px(46.0))
        .y_label_area_size(cx.px(64.0))
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
    mesh(
        &mut chart,
        cx,
        "Nominal coverage of the central interval",
        "Share of actuals inside",
        &pct_axis,
        &pct_axis,
        11,
        11,
    )?;
    chart.draw_series(std::iter::once(DashedPathElement::new(
        vec![(0.0, 0.0), (1.0, 1.0)],
        cx.px(6.0),
        cx.px(4.0),
        draw::MUTED.stroke_width(cx.pxu(1.5)),
    )))?;
    // Series side by side at each nominal level, so whiskers do not hide
    // each other.
    let k = d.series.len() as f64;
    for (j, s) in d.series.iter().enumerate() {
        let dx = (j as f64 - (k - 1.0) / 2.0) * 0.008;
        let style = s.colour.stroke_width(cx.pxu(1.5));
        chart.draw_series(s.points.iter().map(|&(c, _, se)| {
            PathElement::new(
                vec![
                    (c + dx, (c - 2.0 * se).max(0.0)),
                    (c + dx, (c + 2.0 * se).min(1.0)),
                ],
                style,
            )
        }))?;
        chart.draw_series(LineSeries::new(
            s.points.iter().map(|&(c, o, _)| (c + dx, o)),
            s.colour.stroke_width(cx.pxu(2.0)),
        ))?;
        chart.draw_series(
            s.points
                .iter()
                .map(|&(c, o, _)| Circle::new((c + dx, o), cx.px(4.0), s.colour.filled())),
        )?;
    }
    Ok(())
}
