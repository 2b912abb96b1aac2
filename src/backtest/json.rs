//! The backtest as JSON, for programs and the lead's `backtest.json`:
//! the keys of the documented shape first, extras after. A borrowed view
//! with serde field order, so the file reads in the documented order.

use super::{Backtest, HEADLINE, Level, LevelScore, percent_key};
use serde::Serialize;
use std::collections::BTreeMap;

/// `{"cutoff", "horizon_months", "levels": {"team", "owner", "unit",
/// "region"}}`; a level is absent when it was not scored. Each level:
/// - `n`: items scored;
/// - `coverage`: {"50", "80", "90"}: share of actuals inside the central
///   interval;
/// - `pit`: each item's mid-rank PIT, in the order given (`ids` alongside);
/// - `crps`: mean CRPS of the sample forecast over every item;
/// - `crps_naive`: mean CRPS (absolute error) of the naive forecast over
///   the items with a last period, `null` without one;
/// - `brier`: Brier score of P(actual ≥ last × 1.1), `null` without a last
///   period;
/// - extras: `ids`, `coverage_se` (binomial SE if calibrated),
///   `reliability` (coverage of every central interval "10" … "90"),
///   `pit_histogram` (ten shares, non-randomised), `n_last`,
///   `crps_with_last` (the forecast's CRPS on the naive forecast's items)
///   and `skill` (1 − crps_with_last / crps_naive).
#[derive(Serialize)]
pub struct BacktestJson<'a> {
    cutoff: &'a str,
    horizon_months: u32,
    levels: Levels<'a>,
}

#[derive(Serialize)]
struct Levels<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    team: Option<LevelJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<LevelJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    unit: Option<LevelJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<LevelJson<'a>>,
}

#[derive(Serialize)]
struct LevelJson<'a> {
    n: usize,
    coverage: BTreeMap<String, f64>,
    pit: Vec<f64>,
    crps: f64,
    crps_naive: Option<f64>,
    brier: Option<f64>,
    ids: Vec<&'a str>,
    coverage_se: BTreeMap<String, f64>,
    reliability: BTreeMap<String, f64>,
    pit_histogram: Vec<f64>,
    n_last: usize,
    crps_with_last: Option<f64>,
    skill: Option<f64>,
}

impl<'a> BacktestJson<'a> {
    pub(super) fn new(b: &'a Backtest, cutoff: &'a str, horizon_months: u32) -> Self {
        let at = |level: Level| b.level(level).map(LevelJson::new);
        BacktestJson {
            cutoff,
            horizon_months,
            levels: Levels {
                team: at(Level::Team),
                owner: at(Level::Owner),
                unit: at(Level::Unit),
                region: at(Level::Region),
            },
        }
    }
}

impl<'a> LevelJson<'a> {
    fn new(l: &'a LevelScore) -> Self {
        // Two-digit keys sort in numeric order.
        let headline = |f: fn(&super::Coverage) -> f64| -> BTreeMap<String, f64> {
            HEADLINE
                .iter()
                .filter_map(|&c| l.coverage_at(c))
                .map(|c| (c.key(), f(c)))
                .collect()
        };
        LevelJson {
            n: l.n(),
            coverage: headline(|c| c.observed),
            pit: l.items.iter().map(|i| i.pit).collect(),
            crps: l.crps,
            crps_naive: l.crps_naive,
            brier: l.brier,
            ids: l.items.iter().map(|i| i.id.as_str()).collect(),
            coverage_se: headline(|c| c.se),
            reliability: l
                .coverage
                .iter()
                .map(|c| (percent_key(c.nominal), c.observed))
                .collect(),
            pit_histogram: l.pit_histogram.to_vec(),
            n_last: l.n_last,
            crps_with_last: l.crps_with_last,
            skill: l.skill(),
        }
    }
}
