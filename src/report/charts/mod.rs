//! Charts of a run, drawn with plotters into memory: SVG text or PNG bytes.
//! Nothing here touches files; the CLI decides where the bytes go.
//!
//! Build charts with the functions below (each takes the summary and, where
//! it needs more, [`ChartData`]), then render each with [`Chart::svg`] or
//! [`Chart::png`]. PNG text uses the [`FontSet`]; labels it cannot draw are
//! replaced (names by ids) and listed in [`Rendered::missing_glyphs`].

mod convergence;
mod draw;
mod fonts;
mod frame;
mod group_p_hit;
mod heatmap;
mod map;
mod p_attain;
mod payout;
mod pit_histogram;
mod quarterly_fan;
mod reliability;
mod rep_attainment;
mod team_distribution;
mod tornado;

pub use fonts::{CJK_FONT, EMBEDDED_FONT, FontError, FontSet};
pub use reliability::{MIN_CHART_ITEMS, level_count};

use crate::analysis::{ChartData, MapData, Summary};
use crate::backtest::{Backtest, LevelScore};
use draw::{Cx, DrawError};
use frame::Res;
use plotters::coord::Shift;
use plotters::prelude::*;

/// A generic grid of values for a heatmap (e.g. a sweep of two scenario
/// parameters). `values[row][col]`; `None` for a cell without a value.
#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// Column headings (left to right).
    pub columns: Vec<String>,
    /// Row headings (top to bottom).
    pub rows: Vec<String>,
    pub values: Vec<Vec<Option<f64>>>,
    /// How cell values read.
    pub format: ValueFormat,
    /// Colours run from bad (low) to good (high), or the reverse.
    pub higher_is_better: bool,
}

/// How numbers in a chart read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueFormat {
    /// 0.523 reads "52.3 %".
    Percent,
    /// Plain number with up to three significant decimals.
    Number,
    /// Money in the currency's millions / thousands.
    Money,
}

/// What a chart shows, with the data it needs (owned, so a chart can be
/// rendered in any format later).
#[derive(Clone, Debug)]
pub(crate) enum Kind {
    TeamDistribution(team_distribution::TeamDist),
    RepAttainment(rep_attainment::RepFan),
    PAttain(p_attain::PAttain),
    Tornado(tornado::TornadoData),
    QuarterlyFan(quarterly_fan::QuarterFan),
    Payout(payout::PayoutData),
    Convergence(convergence::ConvergenceData),
    Map(map::MapChart),
    Heatmap(heatmap::HeatmapData),
    PitHistogram(pit_histogram::PitData),
    Reliability(reliability::ReliabilityData),
    GroupHits(group_p_hit::GroupHits),
}

/// One chart, ready to render.
#[derive(Clone, Debug)]
pub struct Chart {
    /// File stem and HTML anchor, e.g. "team-distribution".
    pub id: String,
    pub title: String,
    /// One or two sentences on how to read it.
    pub caption: String,
    /// Logical size in pixels (SVG user units; PNG is this times the scale).
    pub size: (u32, u32),
    pub(crate) kind: Kind,
}

/// A rendered chart.
#[derive(Clone, Debug)]
pub struct Rendered<T> {
    pub data: T,
    /// Texts the fonts could not draw (PNG only); each was replaced.
    pub missing_glyphs: Vec<String>,
}

/// Why a chart could not be drawn or encoded.
#[derive(Debug, thiserror::Error)]
#[error("cannot draw chart `{chart}`: {source}")]
pub struct ChartError {
    pub chart: String,
    pub source: ChartErrorKind,
}

/// What went wrong with a chart. plotters' drawing error is generic over
/// the backend, so each backend's error is a variant of its own.
#[derive(Debug, thiserror::Error)]
pub enum ChartErrorKind {
    /// Drawing the SVG document.
    #[error(transparent)]
    Svg(DrawError<SVGBackend<'static>>),
    /// Drawing the PNG's pixels.
    #[error(transparent)]
    Bitmap(DrawError<BitMapBackend<'static>>),
    /// Encoding the pixels as PNG.
    #[error(transparent)]
    Png(#[from] png::EncodingError),
    /// A sweep's heatmap has one axis per varied key.
    #[error("a heatmap needs one or two varied keys")]
    HeatmapKeys,
    /// A territory map places units by their coordinates.
    #[error("no unit has a location")]
    NoLocation,
}

impl Chart {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>, cx: &Cx<'_>) -> Res<DB> {
        root.fill(&WHITE)?;
        match &self.kind {
            Kind::TeamDistribution(d) => {
                team_distribution::team_distribution(root, cx, &self.title, d)
            }
            Kind::RepAttainment(d) => rep_attainment::rep_attainment(root, cx, &self.title, d),
            Kind::PAttain(d) => p_attain::p_attain(root, cx, &self.title, d),
            Kind::Tornado(d) => tornado::tornado(root, cx, &self.title, d),
            Kind::QuarterlyFan(d) => quarterly_fan::quarterly_fan(root, cx, &self.title, d),
            Kind::Payout(d) => payout::payout(root, cx, &self.title, d),
            Kind::Convergence(d) => convergence::convergence(root, cx, &self.title, d),
            Kind::Map(d) => map::draw(root, cx, &self.title, d),
            Kind::Heatmap(d) => heatmap::heatmap(root, cx, &self.title, d),
            Kind::PitHistogram(d) => pit_histogram::pit_histogram(root, cx, &self.title, d),
            Kind::Reliability(d) => reliability::reliability(root, cx, &self.title, d),
            Kind::GroupHits(d) => group_p_hit::group_p_hit(root, cx, &self.title, d),
        }
    }

    fn error(&self, source: impl Into<ChartErrorKind>) -> ChartError {
        ChartError {
            chart: self.id.clone(),
            source: source.into(),
        }
    }

    /// The chart as an SVG document (text as text: any script shows in a
    /// browser), with a `<title>` for accessibility.
    pub fn svg(&self, fonts: &FontSet) -> Result<Rendered<String>, ChartError> {
        let cx = Cx::new(fonts, false, 1.0);
        let mut buf = String::new();
        {
            let root = SVGBackend::with_string(&mut buf, self.size).into_drawing_area();
            let svg = |e| self.error(ChartErrorKind::Svg(e));
            self.draw(&root, &cx).map_err(svg)?;
            root.present().map_err(svg)?;
        }
        let title = format!("<title>{}</title>\n", super::escape(&self.title));
        if let Some(end) = buf.find('>') {
            buf.insert_str(end + 1, &format!("\n{title}"));
        }
        Ok(Rendered {
            data: buf,
            missing_glyphs: Vec::new(),
        })
    }

    /// The chart as PNG bytes at `scale` times its logical size (2.0 makes
    /// sharp images for slides). Text the fonts cannot draw is replaced and
    /// reported in `missing_glyphs`.
    pub fn png(&self, fonts: &FontSet, scale: f64) -> Result<Rendered<Vec<u8>>, ChartError> {
        let scale = scale.clamp(0.5, 4.0);
        let (w, h) = (
            (f64::from(self.size.0) * scale).round() as u32,
            (f64::from(self.size.1) * scale).round() as u32,
        );
        let cx = Cx::new(fonts, true, scale);
        let mut rgb = vec![0u8; w as usize * h as usize * 3];
        {
            let root = BitMapBackend::with_buffer(&mut rgb, (w, h)).into_drawing_area();
            let bitmap = |e| self.error(ChartErrorKind::Bitmap(e));
            self.draw(&root, &cx).map_err(bitmap)?;
            root.present().map_err(bitmap)?;
        }
        let mut out = Vec::new();
        {
            let mut enc = png::Encoder::new(&mut out, w, h);
            enc.set_color(png::ColorType::Rgb);
            enc.set_depth(png::BitDepth::Eight);
            enc.set_compression(png::Compression::Best);
            let mut writer = enc.write_header().map_err(|e| self.error(e))?;
            writer.write_image_data(&rgb).map_err(|e| self.error(e))?;
        }
        Ok(Rendered {
            data: out,
            missing_glyphs: cx.missing(),
        })
    }
}

/// Which chart files go beside a page, and the PNGs' scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChartFiles {
    pub svg: bool,
    pub png: bool,
    pub png_scale: f64,
}

/// Charts drawn for a page: each chart's SVG (in the order given, for the
/// page), the files asked for (`<id>.svg`, `<id>.png`), and the texts no
/// font could draw in a PNG.
#[derive(Clone, Debug)]
pub struct Drawn {
    pub svgs: Vec<String>,
    pub files: Vec<crate::report::OutputFile>,
    pub missing_glyphs: std::collections::BTreeSet<String>,
}

/// Draws every chart of `charts` as SVG, and as the files `files` asks for.
pub fn draw_all(charts: &[Chart], fonts: &FontSet, files: ChartFiles) -> Result<Drawn, ChartError> {
    let mut drawn = Drawn {
        svgs: Vec::with_capacity(charts.len()),
        files: Vec::new(),
        missing_glyphs: Default::default(),
    };
    for c in charts {
        let svg = c.svg(fonts)?.data;
        if files.svg {
            drawn.files.push(crate::report::OutputFile {
                name: format!("{}.svg", c.id),
                bytes: svg.clone().into_bytes(),
            });
        }
        if files.png {
            let png = c.png(fonts, files.png_scale)?;
            drawn.missing_glyphs.extend(png.missing_glyphs);
            drawn.files.push(crate::report::OutputFile {
                name: format!("{}.png", c.id),
                bytes: png.data,
            });
        }
        drawn.svgs.push(svg);
    }
    Ok(drawn)
}

/// Every chart the summary and chart data support, in report order.
/// Without chart data only the charts drawn from the summary alone are
/// returned.
pub fn standard(s: &Summary, d: Option<&ChartData>) -> Vec<Chart> {
    let mut out = Vec::new();
    if let Some(d) = d {
        out.push(team_distribution(s, d));
        out.push(convergence(s, d));
        out.push(rep_attainment(s, d));
    }
    out.push(p_attain(s));
    out.extend(group_p_hit(s));
    out.extend(quarterly_fan(s));
    if let Some(d) = d {
        out.extend(payout_curve(s, d));
    }
    out.extend(tornado(s));
    if let Some(map) = d.and_then(|d| d.map.as_ref()) {
        out.extend(territory_map(
            map,
            &map.current(),
            None,
            "Territories today",
        ));
    }
    out
}

/// Team sales over the horizon: histogram with the target and P10/P50/P90.
pub fn team_distribution(s: &Summary, d: &ChartData) -> Chart {
    team_distribution::team_distribution_chart(s, d)
}

/// Per-rep attainment (P5–P95 whiskers, P10–P90 and P25–P75 boxes, median,
/// mean), riskiest rep (lowest P(quota)) first.
pub fn rep_attainment(s: &Summary, d: &ChartData) -> Chart {
    rep_attainment::rep_attainment_chart(s, d)
}

/// P(quota) per rep with its 95 % interval and the fairness band.
pub fn p_attain(s: &Summary) -> Chart {
    p_attain::p_attain_chart(s)
}

/// P(group reaches its quota) per roll-up with its 95 % interval. `None`
/// when the reps carry no grouping keys.
pub fn group_p_hit(s: &Summary) -> Option<Chart> {
    group_p_hit::group_p_hit_chart(s)
}

/// Tornado of the risk drivers: team sales P50 in each risk's worst and
/// best decile. `None` without risk analytics.
pub fn tornado(s: &Summary) -> Option<Chart> {
    tornado::tornado_chart(s)
}

/// Team sales per quarter against the quarter's target, with bands.
pub fn quarterly_fan(s: &Summary) -> Option<Chart> {
    quarterly_fan::quarterly_fan_chart(s)
}

/// The payout curve over the pooled attainment distribution. `None`
/// without a comp plan.
pub fn payout_curve(s: &Summary, d: &ChartData) -> Option<Chart> {
    payout::payout_chart(s, d)
}

/// The running estimate of P(team hits target) against trials.
pub fn convergence(s: &Summary, d: &ChartData) -> Chart {
    convergence::convergence_chart(s, d)
}

/// The territory map for an assignment (index into `map.units`, which
/// holds the located units, -> index into `map.reps`; see
/// [`MapData::assign_by_id`]): Voronoi
/// cells of the units coloured by territory, borders between territories,
/// units sized by potential, homes marked, each rep labelled inside its
/// territory (home, else pole of inaccessibility) without overlaps, and a
/// legend. With `compare_to` (e.g. the current owners
/// when `assignment` is a proposed split), units that change owner are
/// ringed. `None` when no unit has a location.
pub fn territory_map(
    map: &MapData,
    assignment: &[Option<usize>],
    compare_to: Option<&[Option<usize>]>,
    title: &str,
) -> Option<Chart> {
    map::chart(map, assignment, compare_to, title)
}

/// A heatmap of a grid of values (e.g. a parameter sweep).
pub fn heatmap(grid: &Grid) -> Chart {
    heatmap::heatmap_chart(grid)
}

/// A backtest level's PIT histogram: ten bins of the simulated CDF at the
/// actuals, the uniform line and its ±2 SE band.
pub fn pit_histogram(level: &LevelScore) -> Chart {
    pit_histogram::pit_chart(level)
}

/// A backtest's reliability chart: observed against nominal coverage of
/// the 10 % … 90 % central intervals, per level with at least
/// [`MIN_CHART_ITEMS`] items, with the diagonal. `None` without such a
/// level.
pub fn reliability(backtest: &Backtest) -> Option<Chart> {
    reliability::reliability_chart(backtest)
}

/// A text in the summary or chart data that PNG charts cannot draw with
/// the embedded font alone (e.g. a Chinese name), if any: the CLI looks for
/// a fallback font only when this says one is needed.
pub fn needs_fallback(s: &Summary, d: Option<&ChartData>) -> Option<String> {
    let fonts = FontSet::embedded();
    let mut texts: Vec<&str> = vec![&s.scenario, &s.currency];
    texts.extend(s.reps.iter().flat_map(|r| [r.id.as_str(), r.name.as_str()]));
    texts.extend(s.risks.iter().map(|r| r.id.as_str()));
    texts.extend(s.groups.iter().flat_map(|g| [g.by.as_str(), g.id.as_str()]));
    if let Some(m) = d.and_then(|d| d.map.as_ref()) {
        texts.extend(m.reps.iter().flat_map(|r| [r.id.as_str(), r.name.as_str()]));
    }
    texts
        .into_iter()
        .find(|t| !fonts.latin_covers(t))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error;

    #[test]
    fn chart_errors_name_the_chart_and_keep_the_cause() {
        let e = ChartError {
            chart: "sweep".into(),
            source: ChartErrorKind::HeatmapKeys,
        };
        assert_eq!(
            e.to_string(),
            "cannot draw chart `sweep`: a heatmap needs one or two varied keys"
        );
        let e = ChartError {
            chart: "territory-map".into(),
            source: ChartErrorKind::Svg(DrawingAreaErrorKind::LayoutError),
        };
        assert_eq!(
            e.to_string(),
            "cannot draw chart `territory-map`: Bad layout"
        );
        assert_eq!(
            e.source().map(ToString::to_string).as_deref(),
            Some("Bad layout")
        );
    }
}
