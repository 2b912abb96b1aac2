//! Simulating a plan: decide the quotas by the scenario's method, run the
//! engine with them, and read the results. Every capability that simulates
//! (simulate, report, sweep, mitigate, split, compare) goes through here.

use crate::analysis::{self, ChartData, PlannerData, Summary};
use crate::engine::{self, SimOptions, SimResult};
use crate::model::{Model, QuotaSolution};
use crate::quota::{self, QuotaError};

/// A run and the quotas it was run with.
#[derive(Clone, Debug)]
pub struct Simulation {
    pub quotas: QuotaSolution,
    pub result: SimResult,
}

/// Decides the quotas (docs/src/model.md, Quotas) and runs the simulation with
/// them. `progress` is told the trials finished so far; it never changes
/// results.
pub fn simulate(
    model: &Model,
    opts: &SimOptions,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<Simulation, QuotaError> {
    let quotas = quota::resolve(model, opts)?;
    let result = engine::run(model, &quotas.quotas, opts, progress)?;
    Ok(Simulation { quotas, result })
}

impl Simulation {
    /// The summary of `summary.json`; `warnings` are the scenario's.
    pub fn summary(&self, model: &Model, warnings: Vec<String>) -> Summary {
        analysis::summarise(model, &self.result, &self.quotas, warnings)
    }

    /// What the charts need beyond the summary.
    pub fn chart_data(&self, model: &Model) -> ChartData {
        analysis::chart_data(model, &self.result)
    }

    /// What the report's quota planner embeds, for the reps `summary`
    /// lists (give it the summary as written: bounded above
    /// [`analysis::MAX_LISTED_REPS`] reps).
    pub fn planner_data(&self, model: &Model, summary: &Summary) -> PlannerData {
        analysis::planner_data(model, &self.result, summary)
    }

    /// P(team hits target) of this run.
    pub fn p_hit(&self, model: &Model) -> f64 {
        crate::stats::p_hit(&self.result.team, model.company_target)
    }
}
