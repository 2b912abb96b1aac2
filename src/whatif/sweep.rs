//! A grid of what-ifs: every combination of the varied keys' values,
//! simulated with the same seed, with the headline figures of each.

use super::{WhatIfError, variant};
use crate::analysis::Team;
use crate::engine::{RunRequest, SimOptions};
use crate::scenario::{Document, Override, OverrideError};
use crate::simulation::simulate;
use crate::source::{Setting, Spelling};

/// One varied key and its values, each as an override (`key=value`).
#[derive(Clone, Debug, PartialEq)]
pub struct Vary {
    pub key: String,
    /// The values as written.
    pub values: Vec<String>,
    overrides: Vec<Override>,
}

/// Why a key and its values to vary could not be read.
#[derive(Clone, Debug, PartialEq)]
pub enum VaryError {
    NoKey(String),
    NoValues(String),
    Value { text: String, error: OverrideError },
}

impl VaryError {
    /// The message, naming the setting as the caller spells it.
    pub fn message(&self, spelling: Spelling) -> String {
        let vary = spelling.of(Setting::Vary);
        match self {
            VaryError::NoKey(t) => format!(
                "{vary} `{t}` needs key.path=v1,v2,... (e.g. {vary} reps.R03.quota=6e6,7e6,8e6)"
            ),
            VaryError::NoValues(t) => format!("{vary} `{t}` lists no values"),
            VaryError::Value { text, error } => format!("{vary} `{text}`: {}", error.message),
        }
    }
}

impl std::fmt::Display for VaryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Spelling::default()))
    }
}

impl std::error::Error for VaryError {}

impl Vary {
    /// `key.path=v1,v2,...` (values are TOML, as overrides take them);
    /// messages name the setting as `spelling` says.
    pub fn parse(text: &str, spelling: Spelling) -> Result<Vary, VaryError> {
        let (k, v) = text
            .split_once('=')
            .ok_or_else(|| VaryError::NoKey(text.to_string()))?;
        let key = k.trim().to_string();
        let values: Vec<String> = v
            .split(',')
            .map(|x| x.trim().to_string())
            .filter(|x| !x.is_empty())
            .collect();
        if values.is_empty() {
            return Err(VaryError::NoValues(text.to_string()));
        }
        let overrides = values
            .iter()
            .map(|v| {
                let one = format!("{key}={v}");
                let label = format!("{} {one}", spelling.of(Setting::Vary));
                Override::parse(&label, &one, spelling).map_err(|error| VaryError::Value {
                    text: text.to_string(),
                    error,
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Vary {
            key,
            values,
            overrides,
        })
    }
}

/// One point of the grid.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepRun {
    /// The value of each varied key, as written.
    pub values: Vec<String>,
    pub trials: u64,
    pub team: Team,
    /// Mean total payout (with a comp plan).
    pub payout_mean: Option<f64>,
}

/// The grid and its results, the first key varying slowest.
#[derive(Clone, Debug)]
pub struct Sweep {
    pub scenario: String,
    pub vary: Vec<Vary>,
    pub runs: Vec<SweepRun>,
}

/// Every combination of the varied keys' value indices, the first key
/// varying slowest: the grid's points in order.
pub fn grid(vary: &[Vary]) -> Vec<Vec<usize>> {
    let mut grid: Vec<Vec<usize>> = vec![Vec::new()];
    for v in vary {
        grid = grid
            .into_iter()
            .flat_map(|combo| {
                (0..v.values.len()).map(move |i| {
                    let mut c = combo.clone();
                    c.push(i);
                    c
                })
            })
            .collect();
    }
    grid
}

/// Simulates every combination of `vary` on the scenario `doc` (with the
/// same seed, so the differences between runs are the changes'). Each
/// point resolves its run options against its own scenario (a sweep may
/// vary `scenario.trials`).
pub fn sweep(doc: &Document, vary: &[Vary], request: &RunRequest) -> Result<Sweep, WhatIfError> {
    let points = grid(vary).len();
    let (names, runs) = sweep_points(doc, vary, request, 0..points)?;
    Ok(assemble(vary, &names, runs))
}

/// The grid `vary` from its points' runs (all of them, in grid order) and
/// the scenario name of each.
pub fn assemble(vary: &[Vary], names: &[String], runs: Vec<SweepRun>) -> Sweep {
    Sweep {
        scenario: names.last().cloned().unwrap_or_default(),
        vary: vary.to_vec(),
        runs,
    }
}

/// Simulates the points `range` of the grid (one task's share): each
/// point's run and the name of its scenario.
pub fn sweep_points(
    doc: &Document,
    vary: &[Vary],
    request: &RunRequest,
    range: std::ops::Range<usize>,
) -> Result<(Vec<String>, Vec<SweepRun>), WhatIfError> {
    let grid = grid(vary);
    let mut names = Vec::with_capacity(range.len());
    let mut runs = Vec::with_capacity(range.len());
    for combo in &grid[range] {
        let overrides: Vec<Override> = combo
            .iter()
            .zip(vary)
            .map(|(&i, v)| v.overrides[i].clone())
            .collect();
        let label = overrides
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" ");
        let scenario = variant(doc, &overrides, &label)?;
        let model = &scenario.model;
        names.push(model.name.clone());
        let opts = SimOptions {
            analytics: false,
            ..SimOptions::resolve(request, &scenario.run)?
        };
        let sim = simulate(model, &opts, None)?;
        let s = sim.summary(model, Vec::new());
        runs.push(SweepRun {
            values: combo
                .iter()
                .zip(vary)
                .map(|(&i, v)| v.values[i].clone())
                .collect(),
            trials: s.trials,
            team: s.team,
            payout_mean: s.compensation.as_ref().map(|c| c.total_payout.mean),
        });
    }
    Ok((names, runs))
}
