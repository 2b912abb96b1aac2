//! Scoring a backtest: forecasts made at a cutoff (simulated samples per
//! item) against what happened over the next horizon. Per level of the
//! history (team, owner, unit, region) it answers whether the intervals
//! hold as often as they claim (coverage, PIT), how good the forecast is in
//! money (CRPS) against the naive "same as last period" forecast, and how
//! well it calls P(reaching a quota of last period + 10 %) (Brier score).
//!
//! Ties: sales have point masses (a unit with no sale and many simulated
//! zeros), where the simulated CDF jumps over the actual. Each item's PIT
//! is then the mid-rank `(F(y−) + F(y)) / 2`, the expectation of the
//! randomised PIT, and the PIT histogram spreads each item uniformly over
//! `[F(y−), F(y)]` (the non-randomised histogram of Czado, Gneiting and
//! Held 2009): no random numbers, so a backtest repeats exactly and needs
//! no seed, and a calibrated forecast still gives a flat histogram.
//!
//! Pure computation: fitting the history and simulating the forecast are
//! done before; rendering is [`crate::report::backtest`]'s.

mod coverage;
mod crps;
mod json;
mod pit;
mod run;

pub use coverage::{Coverage, HEADLINE, NOMINAL, covered, percent_key};
pub use crps::{crps_point, crps_sorted};
pub use json::BacktestJson;
pub use pit::{PIT_BINS, bin_se, mid_rank, pit_histogram, pit_interval};
pub use run::{BacktestOptions, BacktestOutcome, BacktestRunError, backtest};

use crate::model::to_cents;
use rayon::prelude::*;
use std::borrow::Cow;
use std::fmt;

/// The naive forecast's quota: last period's actual plus 10 %.
pub const QUOTA_UPLIFT: f64 = 1.1;

/// A grouping of the history that forecasts are scored at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Team,
    Owner,
    Unit,
    Region,
}

impl Level {
    /// Every level, in report order.
    pub const ALL: [Level; 4] = [Level::Team, Level::Owner, Level::Unit, Level::Region];

    /// The level's JSON key and name.
    pub fn key(self) -> &'static str {
        match self {
            Level::Team => "team",
            Level::Owner => "owner",
            Level::Unit => "unit",
            Level::Region => "region",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// One forecast and its outcome: a team, owner, unit or region over the
/// horizon after the cutoff.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub id: String,
    /// Equally weighted draws of the forecast, in any order. A sketch of
    /// quantiles at levels `(i − ½) / n` works as well (already sorted
    /// samples are not copied).
    pub samples: Vec<f64>,
    /// What happened.
    pub actual: f64,
    /// The same item's actual over the horizon before the cutoff, when the
    /// history has it: the naive forecast, and last × 1.1 the quota of the
    /// Brier score.
    pub last: Option<f64>,
}

/// Why items cannot be scored.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum BacktestError {
    #[error("the {0} level is given twice")]
    DuplicateLevel(Level),
    #[error("the {0} level has no items to score")]
    EmptyLevel(Level),
    #[error("{level} `{id}` has no simulated samples")]
    NoSamples { level: Level, id: String },
    #[error("{level} `{id}`: a simulated sample is not a finite number ({value})")]
    NonFiniteSample {
        level: Level,
        id: String,
        value: f64,
    },
    #[error("{level} `{id}`: the actual outcome is not a finite number ({value})")]
    NonFiniteActual {
        level: Level,
        id: String,
        value: f64,
    },
    #[error("{level} `{id}`: last period's actual is not a finite number ({value})")]
    NonFiniteLast {
        level: Level,
        id: String,
        value: f64,
    },
}

/// The naive forecast of an item with a last period, and the quota call.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NaiveScore {
    /// Last period's actual: the naive point forecast.
    pub last: f64,
    /// CRPS of the naive forecast, |last − actual|.
    pub crps: f64,
    /// last × [`QUOTA_UPLIFT`], to the cent.
    pub quota: f64,
    /// The forecast's P(actual ≥ quota): the share of samples reaching it.
    pub p_reach: f64,
    /// Whether the actual reached it.
    pub reached: bool,
}

/// How one item's forecast did.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemScore {
    pub id: String,
    pub actual: f64,
    /// Mid-rank PIT: the simulated CDF at the actual, a tie (a jump of the
    /// CDF at the actual) split in the middle.
    pub pit: f64,
    /// The simulated CDF just below and at the actual.
    pub pit_interval: [f64; 2],
    /// Inside each central interval of [`NOMINAL`].
    pub covered: [bool; NOMINAL.len()],
    /// CRPS of the sample forecast.
    pub crps: f64,
    /// Without a last period, `None`.
    pub naive: Option<NaiveScore>,
}

/// How the forecasts of one level did.
#[derive(Clone, Debug, PartialEq)]
pub struct LevelScore {
    pub level: Level,
    /// Items, in the order given.
    pub items: Vec<ItemScore>,
    /// Observed coverage of each central interval of [`NOMINAL`].
    pub coverage: [Coverage; NOMINAL.len()],
    /// The non-randomised PIT histogram: share of items per bin.
    pub pit_histogram: [f64; PIT_BINS],
    /// Mean CRPS of the forecast over every item.
    pub crps: f64,
    /// Items with a last period (the naive forecast and Brier score use
    /// only these).
    pub n_last: usize,
    /// Mean CRPS of the forecast over the items with a last period, the
    /// like-for-like comparison with `crps_naive`.
    pub crps_with_last: Option<f64>,
    /// Mean CRPS of the naive forecast.
    pub crps_naive: Option<f64>,
    /// Brier score of P(actual ≥ last × 1.1).
    pub brier: Option<f64>,
}

impl LevelScore {
    pub fn n(&self) -> usize {
        self.items.len()
    }

    /// Coverage of the central interval at `nominal` (one of [`NOMINAL`]).
    pub fn coverage_at(&self, nominal: f64) -> Option<&Coverage> {
        self.coverage
            .iter()
            .find(|c| (c.nominal - nominal).abs() < 1e-9)
    }

    /// CRPS skill against the naive forecast on the same items,
    /// `1 − crps / crps_naive`: above 0 the forecast beats it, 1 is
    /// perfect. `None` without a last period or when the naive forecast
    /// was exact.
    pub fn skill(&self) -> Option<f64> {
        match (self.crps_with_last, self.crps_naive) {
            (Some(c), Some(n)) if n > 0.0 => Some(1.0 - c / n),
            _ => None,
        }
    }
}

/// A scored backtest: one [`LevelScore`] per level given.
#[derive(Clone, Debug, PartialEq)]
pub struct Backtest {
    /// In [`Level::ALL`] order.
    pub levels: Vec<LevelScore>,
}

impl Backtest {
    pub fn level(&self, level: Level) -> Option<&LevelScore> {
        self.levels.iter().find(|l| l.level == level)
    }

    /// The backtest's JSON document (serialize it with serde_json):
    /// `{"cutoff", "horizon_months", "levels": {"team": …, …}}`, a level
    /// absent when it was not scored. See [`BacktestJson`].
    pub fn to_json<'a>(&'a self, cutoff: &'a str, horizon_months: u32) -> BacktestJson<'a> {
        BacktestJson::new(self, cutoff, horizon_months)
    }
}

/// Scores each level's items (levels in any order, each at most once).
/// Every input is checked first; the first problem, in the order given, is
/// the error.
pub fn score(levels: &[(Level, Vec<Item>)]) -> Result<Backtest, BacktestError> {
    for (i, (level, items)) in levels.iter().enumerate() {
        if levels[..i].iter().any(|(l, _)| l == level) {
            return Err(BacktestError::DuplicateLevel(*level));
        }
        if items.is_empty() {
            return Err(BacktestError::EmptyLevel(*level));
        }
        for item in items {
            check(*level, item)?;
        }
    }
    let mut out: Vec<LevelScore> = levels
        .iter()
        .map(|(level, items)| score_level(*level, items))
        .collect();
    out.sort_by_key(|l| l.level);
    Ok(Backtest { levels: out })
}

fn check(level: Level, item: &Item) -> Result<(), BacktestError> {
    let id = || item.id.clone();
    if item.samples.is_empty() {
        return Err(BacktestError::NoSamples { level, id: id() });
    }
    if let Some(&value) = item.samples.iter().find(|x| !x.is_finite()) {
        return Err(BacktestError::NonFiniteSample {
            level,
            id: id(),
            value,
        });
    }
    if !item.actual.is_finite() {
        return Err(BacktestError::NonFiniteActual {
            level,
            id: id(),
            value: item.actual,
        });
    }
    match item.last {
        Some(value) if !value.is_finite() => Err(BacktestError::NonFiniteLast {
            level,
            id: id(),
            value,
        }),
        _ => Ok(()),
    }
}

/// One item (checked): sorts a copy of its samples unless already sorted.
fn score_item(item: &Item) -> ItemScore {
    let sorted: Cow<'_, [f64]> = if item.samples.is_sorted() {
        Cow::Borrowed(&item.samples)
    } else {
        let mut v = item.samples.clone();
        v.sort_unstable_by(f64::total_cmp);
        Cow::Owned(v)
    };
    let y = item.actual;
    let interval = pit_interval(&sorted, y);
    let naive = item.last.map(|last| {
        // To the cent, as every quota: 50 × 1.1 is 55, not 55.000000000000007.
        let quota = to_cents(last * QUOTA_UPLIFT);
        // Reaching is >= everywhere in quotaplan.
        let below = sorted.partition_point(|&x| x < quota);
        NaiveScore {
            last,
            crps: crps_point(last, y),
            quota,
            p_reach: (sorted.len() - below) as f64 / sorted.len() as f64,
            reached: y >= quota,
        }
    });
    ItemScore {
        id: item.id.clone(),
        actual: y,
        pit: mid_rank(interval),
        pit_interval: interval,
        covered: covered(&sorted, y),
        crps: crps_sorted(&sorted, y),
        naive,
    }
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, n) = values.fold((0.0, 0usize), |(s, n), v| (s + v, n + 1));
    (n > 0).then(|| sum / n as f64)
}

fn score_level(level: Level, items: &[Item]) -> LevelScore {
    // Items are independent; collected in order, so the result does not
    // depend on the thread count.
    let scores: Vec<ItemScore> = items.par_iter().map(score_item).collect();
    let n = scores.len();
    let coverage = std::array::from_fn(|k| {
        let inside = scores.iter().filter(|s| s.covered[k]).count();
        Coverage::new(NOMINAL[k], inside, n)
    });
    let intervals: Vec<[f64; 2]> = scores.iter().map(|s| s.pit_interval).collect();
    let with_last = || scores.iter().filter_map(|s| s.naive.map(|nv| (s, nv)));
    LevelScore {
        level,
        coverage,
        pit_histogram: pit_histogram(&intervals),
        crps: mean(scores.iter().map(|s| s.crps)).unwrap_or(f64::NAN),
        n_last: with_last().count(),
        crps_with_last: mean(with_last().map(|(s, _)| s.crps)),
        crps_naive: mean(with_last().map(|(_, nv)| nv.crps)),
        brier: mean(
            with_last().map(|(_, nv)| (nv.p_reach - f64::from(u8::from(nv.reached))).powi(2)),
        ),
        items: scores,
    }
}

#[cfg(test)]
mod tests;
