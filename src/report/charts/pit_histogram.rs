//! The PIT histogram of one level of a backtest: where the actuals fell in
//! their forecasts. Flat within the band is calibrated; a U shape means the
//! forecasts were too narrow, a hump too wide, a slope biased.

use super::draw::{self, Cx};
use super::frame::{Res, WIDTH, legend, mesh};
use super::{Chart, Kind};
use crate::backtest::{LevelScore, PIT_BINS, bin_se};
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

#[derive(Clone, Debug)]
pub struct PitData {
    level: String,
    n: usize,
    shares: [f64; PIT_BINS],
    /// Two standard errors of a bin's share under calibration.
    band: f64,
}

impl PitData {
    /// Bins whose share is outside the ±2 SE band.
    fn outside(&self) -> usize {
        let u = 1.0 / PIT_BINS as f64;
        self.shares
            .iter()
            .filter(|s| (*s - u).abs() > self.band)
            .count()
    }
}

pub fn pit_chart(l: &LevelScore) -> Chart {
    let d = PitData {
        level: l.level.key().to_string(),
        n: l.n(),
        shares: l.pit_histogram,
        band: 2.0 * bin_se(l.n()),
    };
    let outside = d.outside();
    Chart {
        id: format!("pit-{}", d.level),
        title: format!("PIT histogram, {} level", d.level),
        caption: format!(
            "Where each of {} actuals fell in its own forecast (the simulated CDF at the actual; ties spread over the jump). A calibrated forecast is flat at 10 % within the band of ±2 binomial standard errors; a U shape means intervals too narrow, a hump too wide, a slope a bias. {outside} of {PIT_BINS} bins outside the band.",
            d.n
        ),
        size: (WIDTH, 420),
        kind: Kind::PitHistogram(d),
    }
}

pub fn pit_histogram<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    cx: &Cx<'_>,
    title: &str,
    d: &PitData,
) -> Res<DB> {
    let u = 1.0 / PIT_BINS as f64;
    let sub = format!(
        "{} items · uniform 10 % ± {} (2 SE) · {} of {PIT_BINS} bins outside",
        d.n,
        crate::report::format::pct_spaced(d.band),
        d.outside()
    );
    let body = draw::title(root, cx, title, &sub)?;
    legend(
        &body,
        cx,
        &[
            (draw::LIGHT_BLUE, "share of items"),
            (draw::BLUE, "outside the band"),
            (draw::PALE_GREEN, "uniform ± 2 SE"),
        ],
        10.0,
    )?;
    let top = d.shares.iter().copied().fold(u + d.band, f64::max);
    let ymax = (top * 1.15).min(1.0).max(u * 1.5);
    let mut chart = ChartBuilder::on(&body)
        .margin_top(cx.px(26.0))
        .margin_right(cx.px(30.0))
        .margin_left(cx.px(10.0))
        .x_label_area_size(cx.px(46.0))
        .y_label_area_size(cx.px(64.0))
        .build_cartesian_2d(0.0..1.0, 0.0..ymax)?;
    mesh(
        &mut chart,
        cx,
        "PIT: simulated CDF at the actual",
        "Share of items",
        &|v| format!("{v:.1}"),
        &|v| format!("{:.0} %", v * 100.0),
        11,
        6,
    )?;
    let (lo, hi) = ((u - d.band).max(0.0), (u + d.band).min(ymax));
    chart.draw_series(std::iter::once(Rectangle::new(
        [(0.0, lo), (1.0, hi)],
        draw::PALE_GREEN.filled(),
    )))?;
    chart.draw_series(d.shares.iter().enumerate().map(|(i, &s)| {
        let a = i as f64 * u;
        let colour = if (s - u).abs() > d.band {
            draw::BLUE
        } else {
            draw::LIGHT_BLUE
        };
        Rectangle::new([(a + u * 0.06, 0.0), (a + u * 0.94, s)], colour.filled())
    }))?;
    chart.draw_series(std::iter::once(DashedPathElement::new(
        vec![(0.0, u), (1.0, u)],
        cx.px(6.0),
        cx.px(4.0),
        draw::GREEN.stroke_width(cx.pxu(2.0)),
    )))?;
    Ok(())
}
