//! A backtest end to end: fit the history up to the cutoff, simulate the
//! horizon after it from the fitted scenario, and score the simulated
//! distributions against what the history shows happened.

use super::{Backtest, BacktestError, Item, Level, score};
use crate::engine::{RepTrials, SimOptions, SimResult};
use crate::fit::{FitError, FitOptions, Fitted, fit};
use crate::history::{self, History, dates};
use crate::model::Model;
use crate::quota::QuotaError;
use crate::scenario::{self, MemoryLoader, Problem, Purpose, Sources};
use crate::source::{Setting, Spelling};
use chrono::{Datelike, NaiveDate};
use std::fmt;

/// What to backtest.
#[derive(Clone, Debug)]
pub struct BacktestOptions {
    /// The last day of the history the forecast may see: the last day of a
    /// month, so the horizon is whole months.
    pub cutoff: NaiveDate,
    pub horizon_months: usize,
    pub trials: u64,
    pub seed: u64,
    pub threads: Option<usize>,
    /// The history file's name (for the fitted scenario's comments).
    pub source: String,
    /// How the caller spells its settings, for messages that name one.
    pub spelling: Spelling,
}

/// A backtest with what it was made from.
#[derive(Debug)]
pub struct BacktestOutcome {
    pub backtest: Backtest,
    /// The scenario fitted on the history up to the cutoff.
    pub fitted: Fitted,
    /// Units that first sold after the cutoff: the forecast cannot know
    /// them, so they are scored only inside the team and region totals
    /// (which the forecast misses by their sales).
    pub new_units: usize,
    pub new_units_sales: f64,
    /// First day after the horizon (exclusive end of the actuals).
    pub horizon_end: NaiveDate,
    /// The history ends before the horizon does: the actuals are partial.
    pub partial: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum BacktestRunError {
    #[error("{}", self.message(Spelling::default()))]
    CutoffMidMonth(NaiveDate, NaiveDate),
    #[error("{}", self.message(Spelling::default()))]
    Horizon(usize),
    #[error("the history has no rows after the cutoff {0}: nothing to score the forecast against")]
    NothingAfter(NaiveDate),
    #[error(
        "the history has no rows on or before the cutoff {0} (its first row is dated {1}): nothing to fit on; a year needs a cutoff of {2} or later"
    )]
    NothingBefore(NaiveDate, NaiveDate, NaiveDate),
    #[error("fitting the history up to the cutoff: {0}")]
    Fit(#[from] FitError),
    #[error("the scenario fitted up to the cutoff does not load: {0}")]
    Scenario(FittedProblems),
    #[error("simulating the horizon: {0}")]
    Simulate(#[from] QuotaError),
    #[error(
        "the forecast keeps per-unit sales for every trial, which would take {0} bytes: use fewer trials"
    )]
    TooLarge(u64),
    #[error(transparent)]
    Score(#[from] BacktestError),
}

impl BacktestRunError {
    /// The message, naming settings as the caller spells them.
    pub fn message(&self, spelling: Spelling) -> String {
        match self {
            BacktestRunError::CutoffMidMonth(cutoff, end) => format!(
                "{} {cutoff} is not the last day of a month: the forecast covers whole months (try {end})",
                spelling.of(Setting::Cutoff)
            ),
            BacktestRunError::Horizon(h) => format!(
                "{} {h} is out of range: 1 to 60 months",
                spelling.of(Setting::Horizon)
            ),
            BacktestRunError::Fit(e) => format!(
                "fitting the history up to the cutoff: {}",
                e.message(spelling)
            ),
            other => other.to_string(),
        }
    }
}

/// The errors of a fitted scenario that does not load, with the texts
/// they point into; shown one after another, each as one line.
#[derive(Debug)]
pub struct FittedProblems {
    pub problems: Vec<Problem>,
    pub sources: Sources,
}

impl fmt::Display for FittedProblems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let msgs: Vec<String> = self
            .problems
            .iter()
            .filter(|p| p.severity == scenario::Severity::Error)
            .map(|p| p.plain(&self.sources))
            .collect();
        f.write_str(&msgs.join("; "))
    }
}

/// Runs the backtest on `h` (the whole history, later rows included).
pub fn backtest(h: &History, o: &BacktestOptions) -> Result<BacktestOutcome, BacktestRunError> {
    let w = window(h, o)?;
    let before = h.before(w.next);
    let units_file = "fitted-units.csv".to_string();
    let fitted = fit(
        &before,
        &FitOptions {
            months: o.horizon_months,
            source: o.source.clone(),
            units_file: units_file.clone(),
            until: Some(w.next),
            spelling: o.spelling,
        },
    )?;
    let loaded = scenario::load(
        "fitted.toml",
        &fitted.toml,
        &MemoryLoader(vec![(units_file, fitted.units_csv.clone())]),
        Purpose::Simulate,
    );
    let model = match loaded.scenario {
        Some(s) => s.model,
        None => {
            return Err(BacktestRunError::Scenario(FittedProblems {
                problems: loaded.problems,
                sources: loaded.sources,
            }));
        }
    };
    let opts = SimOptions {
        threads: o.threads,
        analytics: false,
        keep_rep_trials: true,
        keep_unit_trials: true,
        ..SimOptions::new(o.trials, o.seed)
    };
    let sim = crate::simulate(&model, &opts, None)?;
    let res = sim.result;
    if res.unit_trials.is_empty() && !model.units.is_empty() {
        return Err(BacktestRunError::TooLarge(
            model.units.len() as u64 * res.trials * 8,
        ));
    }
    let scored = levels(h, &model, &res, &w);
    let backtest = score(&scored.levels)?;
    Ok(BacktestOutcome {
        backtest,
        fitted,
        new_units: scored.new_units,
        new_units_sales: scored.new_units_sales,
        horizon_end: w.horizon_end,
        partial: w.partial,
    })
}

/// The months a backtest fits on and forecasts.
struct Window {
    /// The first day after the cutoff.
    next: NaiveDate,
    /// First day after the horizon.
    horizon_end: NaiveDate,
    /// First day of the horizon's length before the cutoff (last period).
    last_start: NaiveDate,
    partial: bool,
}

/// The horizon after the cutoff, once the options and the history allow
/// a backtest.
fn window(h: &History, o: &BacktestOptions) -> Result<Window, BacktestRunError> {
    if !(1..=60).contains(&o.horizon_months) {
        return Err(BacktestRunError::Horizon(o.horizon_months));
    }
    let next = o.cutoff.succ_opt().unwrap_or(o.cutoff);
    if next.day() != 1 {
        let m = dates::month_index(o.cutoff);
        let end = dates::month_start(m + 1).pred_opt().unwrap_or(o.cutoff);
        return Err(BacktestRunError::CutoffMidMonth(o.cutoff, end));
    }
    let start = dates::month_index(next);
    let horizon = o.horizon_months as i32;
    let horizon_end = dates::month_start(start + horizon);
    let last_start = dates::month_start(start - horizon);
    if h.span().is_none_or(|(_, last)| last < next) {
        return Err(BacktestRunError::NothingAfter(o.cutoff));
    }
    if let Some((first, _)) = h.span().filter(|&(first, _)| first >= next) {
        let year_end = dates::month_start(dates::month_index(first) + 12)
            .pred_opt()
            .unwrap_or(first);
        return Err(BacktestRunError::NothingBefore(o.cutoff, first, year_end));
    }
    // A history that stops inside the horizon's last month counts that
    // month as booked; one that stops in an earlier month is partial.
    let partial = h
        .span()
        .is_some_and(|(_, last)| dates::month_index(last) < start + horizon - 1);
    Ok(Window {
        next,
        horizon_end,
        last_start,
        partial,
    })
}

/// What the forecast is scored on, and the units it could not know.
struct Scored {
    levels: Vec<(Level, Vec<Item>)>,
    new_units: usize,
    new_units_sales: f64,
}

/// The simulated horizon level by level (team, reps, units, regions)
/// beside what the history shows after the cutoff and in the period
/// before it.
fn levels(h: &History, model: &Model, res: &SimResult, w: &Window) -> Scored {
    let (next, horizon_end, last_start) = (w.next, w.horizon_end, w.last_start);
    let totals = |level: history::Level, from: NaiveDate, until: NaiveDate| {
        let t = h.monthly(level, from, until);
        t.keys
            .into_iter()
            .zip(t.totals.iter().map(|row| row.iter().sum::<f64>()))
            .collect::<std::collections::HashMap<String, f64>>()
    };
    let item = |id: &str, samples: Vec<f64>, level: history::Level| {
        let actual = totals(level, next, horizon_end);
        let last = totals(level, last_start, next);
        Item {
            id: id.to_string(),
            samples,
            actual: actual.get(id).copied().unwrap_or(0.0),
            last: last.get(id).copied(),
        }
    };
    let mut levels: Vec<(Level, Vec<Item>)> = Vec::new();
    levels.push((
        Level::Team,
        vec![item("team", res.team.clone(), history::Level::Team)],
    ));
    if h.has_owner
        && let RepTrials::Kept { sales, .. } = &res.rep_trials
    {
        let actual = totals(history::Level::Owner, next, horizon_end);
        let last = totals(history::Level::Owner, last_start, next);
        let items = model
            .reps
            .iter()
            .zip(sales)
            .map(|(r, s)| Item {
                id: r.id.clone(),
                samples: s.clone(),
                actual: actual.get(&r.id).copied().unwrap_or(0.0),
                last: last.get(&r.id).copied(),
            })
            .collect::<Vec<_>>();
        if !items.is_empty() {
            levels.push((Level::Owner, items));
        }
    }
    let unit_actual = totals(history::Level::Unit, next, horizon_end);
    let unit_last = totals(history::Level::Unit, last_start, next);
    let known: std::collections::HashSet<&str> =
        model.units.iter().map(|u| u.id.as_str()).collect();
    let (mut new_units, mut new_units_sales) = (0, 0.0);
    for (id, &v) in &unit_actual {
        if !known.contains(id.as_str()) && !unit_last.contains_key(id) && v != 0.0 {
            new_units += 1;
            new_units_sales += v;
        }
    }
    let units: Vec<Item> = model
        .units
        .iter()
        .zip(&res.unit_trials)
        .map(|(u, s)| Item {
            id: u.id.clone(),
            samples: s.clone(),
            actual: unit_actual.get(&u.id).copied().unwrap_or(0.0),
            last: unit_last.get(&u.id).copied(),
        })
        .collect();
    if !units.is_empty() {
        levels.push((Level::Unit, units));
    }
    if h.has_region {
        levels.extend(region_level(model, &res.unit_trials, res.trials, |id| {
            let a = totals(history::Level::Region, next, horizon_end);
            let l = totals(history::Level::Region, last_start, next);
            (a.get(id).copied().unwrap_or(0.0), l.get(id).copied())
        }));
    }
    Scored {
        levels,
        new_units,
        new_units_sales,
    }
}

/// Regions' sales per trial: their units' sales added up trial by trial.
fn region_level(
    model: &Model,
    unit_trials: &[Vec<f64>],
    trials: u64,
    outcome: impl Fn(&str) -> (f64, Option<f64>),
) -> Option<(Level, Vec<Item>)> {
    let mut names: Vec<&str> = model
        .units
        .iter()
        .map(|u| u.region.as_str())
        .filter(|r| !r.is_empty())
        .collect();
    names.sort_unstable();
    names.dedup();
    if names.is_empty() {
        return None;
    }
    let items = names
        .iter()
        .map(|&name| {
            let mut samples = vec![0.0; trials as usize];
            for (u, s) in model.units.iter().zip(unit_trials) {
                if u.region == name {
                    for (acc, v) in samples.iter_mut().zip(s) {
                        *acc += v;
                    }
                }
            }
            let (actual, last) = outcome(name);
            Item {
                id: name.to_string(),
                samples,
                actual,
                last,
            }
        })
        .collect();
    Some((Level::Region, items))
}
