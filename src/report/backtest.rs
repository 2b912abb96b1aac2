//! A scored backtest for people and programs: the calibration table the
//! CLI prints, `backtest.json`, and the report's backtest section (the
//! table, the reliability chart and a PIT histogram per level).

use super::charts::{self, Chart, ChartError, FontSet, MIN_CHART_ITEMS, level_count};
use super::escape::escape as esc;
use super::export::OutputFile;
use super::export::{Exporter, ReportError};
use super::format::{TERMINAL_WIDTH, lpad, money, pad, pct, wrap, wrap_indented};
use super::html::{Charts, figure};
use crate::backtest::{Backtest, BacktestOutcome, Coverage, HEADLINE, LevelScore};
use std::fmt::Write;

/// A backtest with the forecast it scored: what `backtest.json` is made of.
pub struct BacktestRun<'a> {
    pub backtest: &'a Backtest,
    /// The last day of history the forecast saw, e.g. "2016-12-31".
    pub cutoff: &'a str,
    pub horizon_months: u32,
}

/// `backtest.json`: [`Backtest::to_json`], pretty-printed.
pub struct BacktestJsonFile;

impl Exporter<BacktestRun<'_>> for BacktestJsonFile {
    fn file_name(&self) -> String {
        "backtest.json".into()
    }
    fn export(&self, r: &BacktestRun<'_>) -> Result<Vec<u8>, ReportError> {
        super::export::json(&r.backtest.to_json(r.cutoff, r.horizon_months))
    }
}

/// A score in money (CRPS is in the outcome's units): whole units, or two
/// decimals below 10.
fn amount(x: f64) -> String {
    if x.is_finite() && x.abs() < 10.0 {
        format!("{x:.2}")
    } else {
        money(x)
    }
}

/// How an observed coverage compares with its nominal level.
fn verdict(c: &Coverage) -> &'static str {
    match (c.flagged(), c.z() < 0.0) {
        (false, _) if !c.decidable() => "too few items to tell",
        (false, _) => "ok",
        (true, true) => "LOW: overconfident",
        (true, false) => "HIGH: too cautious",
    }
}

/// The calibration table for the terminal: per level, the observed share
/// of actuals inside the central 50 / 80 / 90 % intervals with the
/// binomial standard error of that share if the forecast were calibrated,
/// flagged outside ±2 SE when that is rare under the exact binomial
/// ([`Coverage::flagged`]); then the CRPS against the naive forecast
/// (last period's actual) with the skill score, and the Brier score.
pub fn calibration_table(b: &Backtest) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{} {:>7}  {:>8} {:>9} {:>7} {:>7}  Calibrated?",
        pad("Level", 7),
        "Items",
        "Interval",
        "Observed",
        "SE",
        "z"
    );
    for l in &b.levels {
        for (k, &nominal) in HEADLINE.iter().enumerate() {
            let Some(c) = l.coverage_at(nominal) else {
                continue;
            };
            let (name, n) = if k == 0 {
                (l.level.key().to_string(), l.n().to_string())
            } else {
                (String::new(), String::new())
            };
            let _ = writeln!(
                o,
                "{} {:>7}  {:>8} {:>9} {:>7} {:>+7.1}  {}",
                pad(&name, 7),
                n,
                format!("{:.0}%", 100.0 * c.nominal),
                pct(c.observed),
                pct(c.se),
                c.z(),
                verdict(c)
            );
        }
    }
    o.push_str(&wrap(
        "(SE: binomial, if the forecast were calibrated; flagged beyond 2 SE when a calibrated forecast lands that far out less than 2.5 % of the time, exact binomial; items of a level share market shocks, so treat the SE as a lower bound)",
        TERMINAL_WIDTH,
    ));
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{} {:>7} {:>14} {:>14} {:>7} {:>7}",
        pad("Level", 7),
        "Items",
        "CRPS",
        "Naive CRPS",
        "Skill",
        "Brier"
    );
    for l in &b.levels {
        let _ = writeln!(
            o,
            "{} {:>7} {} {} {:>7} {:>7}",
            pad(l.level.key(), 7),
            l.n(),
            lpad(&amount(l.crps), 14),
            lpad(&l.crps_naive.map_or("—".into(), amount), 14),
            l.skill().map_or("—".into(), |s| format!("{s:+.2}")),
            l.brier.map_or("—".into(), |s| format!("{s:.3}"))
        );
    }
    o.push_str(&wrap(
        "(CRPS: mean continuous ranked probability score, lower is better; naive: next period = last period's actual; skill = 1 − CRPS / naive CRPS on the items with a last period, above 0 beats naive; Brier: P(actual ≥ last × 1.1), 0 is perfect, 0.25 a coin flip)",
        TERMINAL_WIDTH,
    ));
    for l in &b.levels {
        if l.n_last < l.n() && l.n_last > 0 {
            o.push_str(&wrap(&format!(
                "{}: {} of {} items have a last period; the naive forecast and Brier score use only those",
                l.level.key(),
                l.n_last,
                l.n()
            ), TERMINAL_WIDTH));
        }
    }
    o
}

/// The charts of the backtest section: the reliability chart, then a PIT
/// histogram per level with at least [`MIN_CHART_ITEMS`] items.
pub fn charts(b: &Backtest) -> Vec<Chart> {
    let mut out: Vec<Chart> = charts::reliability(b).into_iter().collect();
    out.extend(
        b.levels
            .iter()
            .filter(|l| l.n() >= MIN_CHART_ITEMS)
            .map(charts::pit_histogram),
    );
    out
}

/// The report's backtest section (`<section id="backtest">`, styled by
/// the report's page): what was scored, the calibration and accuracy table
/// with out-of-band shares marked, the reliability chart and the PIT
/// histograms, rendered as inline SVG.
pub fn html_section(
    b: &Backtest,
    cutoff: &str,
    horizon_months: u32,
    fonts: &FontSet,
) -> Result<String, ChartError> {
    let list = charts(b);
    let mut svgs = Vec::with_capacity(list.len());
    for c in &list {
        svgs.push(c.svg(fonts)?.data);
    }
    let pairs: Vec<(&Chart, &str)> = list.iter().zip(svgs.iter().map(String::as_str)).collect();
    Ok(section(b, cutoff, horizon_months, &pairs))
}

/// What a reader should know of a backtest beyond its scores.
pub fn notes(o: &BacktestOutcome) -> Vec<String> {
    let mut notes = Vec::new();
    if o.partial {
        notes.push(format!(
            "the history ends before the horizon does ({}): the actuals of the last months are partial",
            o.horizon_end.pred_opt().unwrap_or(o.horizon_end)
        ));
    }
    if o.new_units > 0 {
        notes.push(format!(
            "{} unit(s) first sold after the cutoff ({:.0} in the horizon): no forecast can know them, so they are only in the team and region actuals",
            o.new_units, o.new_units_sales
        ));
    }
    notes
}

/// `backtest.html` (the notes, then the section with its charts inline)
/// and the charts as SVG and PNG files, as `report` writes them.
pub fn page(
    o: &BacktestOutcome,
    history: &str,
    cutoff: &str,
    horizon_months: u32,
    fonts: &FontSet,
) -> Result<(String, Vec<OutputFile>), ChartError> {
    let list = charts(&o.backtest);
    let files = charts::ChartFiles {
        svg: true,
        png: true,
        png_scale: 2.0,
    };
    let drawn = charts::draw_all(&list, fonts, files)?;
    let pairs: Vec<(&Chart, &str)> = list
        .iter()
        .zip(drawn.svgs.iter().map(String::as_str))
        .collect();
    let mut body = String::new();
    for n in notes(o) {
        let _ = writeln!(body, "<p class=\"note\">{}</p>", esc(&n));
    }
    body.push_str(&section(&o.backtest, cutoff, horizon_months, &pairs));
    let html = super::html::standalone(&format!("Backtest of {history} at {cutoff}"), &body);
    Ok((html, drawn.files))
}

/// What `backtest` prints: what was fitted and forecast, the calibration
/// table, and the notes.
pub fn terminal(
    o: &BacktestOutcome,
    source: &str,
    cutoff: &str,
    horizon_months: u32,
    trials: u64,
) -> String {
    let mut text = wrap(
        &format!(
            "Backtest: fitted on {source} up to {cutoff}, {horizon_months} months forecast ({trials} trials) against what happened"
        ),
        TERMINAL_WIDTH,
    );
    text.push('\n');
    text.push_str(&calibration_table(&o.backtest));
    for n in notes(o) {
        text.push('\n');
        text.push_str(&wrap_indented(&n, TERMINAL_WIDTH, "note: ", "  "));
    }
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn section(b: &Backtest, cutoff: &str, horizon_months: u32, charts: &Charts<'_>) -> String {
    let pct = super::html::pct;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<section id=\"backtest\">\n<h2>Backtest</h2>\n<p>The forecast made with the history up to {} for the next {horizon_months} months, scored against what happened.</p>",
        esc(cutoff)
    );
    o.push_str("<div class=\"scroll\"><table><thead><tr><th class=\"t\">Level</th><th>Items</th>");
    for c in HEADLINE {
        let _ = write!(o, "<th>In {} interval</th>", pct(c));
    }
    o.push_str(
        "<th>CRPS</th><th>Naive CRPS</th><th>Skill</th><th>Brier</th></tr></thead><tbody>\n",
    );
    for l in &b.levels {
        let _ = write!(
            o,
            "<tr><td class=\"t\">{}</td><td>{}</td>",
            l.level.key(),
            l.n()
        );
        for &nominal in &HEADLINE {
            coverage_cell(&mut o, l, nominal);
        }
        let _ = writeln!(
            o,
            "<td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            amount(l.crps).replacen('-', "−", 1),
            l.crps_naive.map_or("—".into(), amount),
            l.skill()
                .map_or("—".into(), |s| format!("{s:+.2}").replacen('-', "−", 1)),
            l.brier.map_or("—".into(), |s| format!("{s:.3}"))
        );
    }
    o.push_str("</tbody></table></div>\n");
    o.push_str(
        "<ul class=\"read muted\">\
<li><b>In the P % interval</b>: the share of actuals inside the forecast's central P % interval, ± 2 binomial standard errors if the forecast were calibrated. Red: fewer than that (overconfident); amber: more (too cautious); either only when a calibrated forecast would land that far out less than 2.5 % of the time (exact binomial), so a level of one or two items is never flagged. Items of a level share market shocks, so the bands are a lower bound on the noise.</li>\
<li><b>CRPS</b>: the continuous ranked probability score, in sales, averaged over items; lower is better. The naive forecast repeats last period's actual. <b>Skill</b> = 1 − CRPS / naive CRPS on the same items: above 0 the simulation beats the naive forecast.</li>\
<li><b>Brier</b>: how well the forecast called P(actual ≥ last period × 1.1); 0 is perfect, 0.25 is a coin flip.</li>\
</ul>\n",
    );
    figure(&mut o, charts, "reliability");
    for l in &b.levels {
        figure(&mut o, charts, &format!("pit-{}", l.level.key()));
    }
    let few: Vec<String> = b
        .levels
        .iter()
        .filter(|l| l.n() < MIN_CHART_ITEMS)
        .map(level_count)
        .collect();
    if !few.is_empty() {
        let _ = writeln!(
            o,
            "<p class=\"muted\">Not in the charts, fewer than {MIN_CHART_ITEMS} items: {}.</p>",
            few.join(", ")
        );
    }
    o.push_str("</section>\n");
    o
}

/// One coverage cell: observed ± 2 SE, coloured when outside the band.
fn coverage_cell(o: &mut String, l: &LevelScore, nominal: f64) {
    let pct = super::html::pct;
    match l.coverage_at(nominal) {
        Some(c) => {
            let class = match (c.flagged(), c.z() < 0.0) {
                (false, _) => "",
                (true, true) => " class=\"cell-low\"",
                (true, false) => " class=\"cell-high\"",
            };
            let _ = write!(
                o,
                "<td{class}>{} ± {}</td>",
                pct(c.observed),
                pct(2.0 * c.se)
            );
        }
        None => o.push_str("<td class=\"cell-none\">—</td>"),
    }
}
