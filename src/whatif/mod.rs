//! What-ifs: the scenario changed by typed overrides (or a new territory
//! plan) and simulated again on the same random numbers, so differences
//! are the change's, not noise. A grid of them is a [`sweep()`]; ranked
//! risk responses are [`mitigate()`]. The scenario's files are read once
//! ([`Document`]); every variant is applied in memory.

mod best_set;
mod mitigate;
mod sweep;

pub use mitigate::{
    Assessment, Candidate, EXHAUSTIVE_MAX_SETS, Evaluated, Evaluation, MitigateRequest, Mitigation,
    MitigationPlan, Outcome, REBALANCE_MAX_DISRUPTION, REBALANCE_SEEDS, REBALANCE_TOLERANCE,
    SHORTLIST, SearchMethod, SetOutcome, SetSearch, TerritoryPlan, mitigate,
};
/// The grid from its points' runs (for a merge of `--task` parts).
pub use sweep::assemble as assemble_sweep;
pub use sweep::{Sweep, SweepRun, Vary, VaryError, grid, sweep, sweep_points};

use crate::engine::OptionsError;
use crate::quota::QuotaError;
use crate::scenario::{Document, Loaded, Override, Purpose, Scenario};
use crate::territory::AlignError;

/// Why a what-if could not be evaluated.
#[derive(Debug, thiserror::Error)]
pub enum WhatIfError {
    /// The changed scenario has errors; they are in the [`Loaded`] (with
    /// the texts to render them against).
    #[error("the scenario with {label} has errors")]
    Invalid { label: String, loaded: Box<Loaded> },
    #[error(transparent)]
    Options(#[from] OptionsError),
    #[error(transparent)]
    Quota(#[from] QuotaError),
    #[error(transparent)]
    Align(#[from] AlignError),
}

/// The scenario with `overrides` applied, or the problems they cause.
fn variant(doc: &Document, overrides: &[Override], label: &str) -> Result<Scenario, WhatIfError> {
    let loaded = doc.validate(Purpose::Simulate, overrides);
    match loaded.scenario {
        Some(s) => Ok(s),
        None => Err(WhatIfError::Invalid {
            label: label.to_string(),
            loaded: Box::new(loaded),
        }),
    }
}
