//! Quotas proposed by a method beside the current ones: what each rep would
//! carry and how likely it is to reach it, before and after, on the same
//! random numbers.

use super::{QuotaError, resolve};
use crate::engine::{self, SimOptions};
use crate::model::{Model, Pin, QuotaMethod, QuotaSolution};
use crate::stats::{Proportion, proportion_se};

/// One rep's current and proposed quota.
#[derive(Clone, Debug, PartialEq)]
pub struct ProposalRow {
    pub id: String,
    pub name: String,
    /// Closed-form expected sales before market risks.
    pub expected_sales: f64,
    /// The quota the scenario gives today (override, else quota).
    pub current: Option<f64>,
    pub proposed: f64,
    /// P(reaching the current quota), when every rep has one.
    pub p_current: Option<f64>,
    pub p_proposed: f64,
    /// The bound the proposed quota was held at, if any.
    pub pinned: Option<Pin>,
}

impl ProposalRow {
    /// Proposed minus current, when there is a current quota.
    pub fn change(&self) -> Option<f64> {
        self.current.map(|c| self.proposed - c)
    }
}

/// A roll-up's current and proposed quota (the sums of its reps'), and
/// P(group sales >= group quota) before and after, from the same trials.
#[derive(Clone, Debug, PartialEq)]
pub struct ProposalGroup {
    pub by: String,
    pub id: String,
    pub reps: usize,
    pub current: Option<f64>,
    pub proposed: f64,
    pub p_current: Option<f64>,
    pub p_proposed: f64,
}

impl ProposalGroup {
    /// Proposed minus current, when there is a current quota.
    pub fn change(&self) -> Option<f64> {
        self.current.map(|c| self.proposed - c)
    }
}

/// A quota proposal for the whole team.
#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    pub method: QuotaMethod,
    pub over_assignment: f64,
    pub solution: QuotaSolution,
    pub rows: Vec<ProposalRow>,
    /// Subtotals by every grouping key and value (empty without groups).
    pub groups: Vec<ProposalGroup>,
    pub trials: u64,
    pub seed: u64,
}

impl Proposal {
    /// What the proposed quotas add up to.
    pub fn total(&self) -> f64 {
        self.solution
            .pool
            .unwrap_or_else(|| self.solution.quotas.iter().sum())
    }

    /// Standard error of each P(attain) figure (binomial, same trials).
    pub fn p_se(&self, p: f64) -> f64 {
        proportion_se(p, self.trials)
    }
}

/// Proposes quotas by `method` (default: the scenario's computed method,
/// else equal-probability) summing to the target times (1 +
/// `over_assignment`, default the scenario's), and simulates the current
/// and proposed quotas on the same trials (`opts.trials` exactly; risk
/// analytics are not needed).
pub fn propose(
    model: &Model,
    method: Option<QuotaMethod>,
    over_assignment: Option<f64>,
    opts: &SimOptions,
) -> Result<Proposal, QuotaError> {
    let method = method.unwrap_or(match model.quotas.method {
        QuotaMethod::Given => QuotaMethod::EqualProbability,
        m => m,
    });
    if let Some(x) = over_assignment
        && !(x > -1.0 && x.is_finite())
    {
        return Err(QuotaError::OverAssignment(x));
    }
    let mut proposed = model.clone();
    proposed.quotas.method = method;
    if let Some(x) = over_assignment {
        proposed.quotas.over_assignment = x;
    }
    let opts = SimOptions {
        analytics: false,
        precision: None,
        ..opts.clone()
    };
    let solution = resolve(&proposed, &opts)?;
    beside_current(model, &proposed, solution, &opts)
}

/// Quotas decided elsewhere (e.g. a CSV exported by the report's quota
/// planner), in the order of `model.reps`, beside the current ones on the
/// same trials (`opts.trials` exactly).
pub fn given(model: &Model, quotas: &[f64], opts: &SimOptions) -> Result<Proposal, QuotaError> {
    if quotas.len() != model.reps.len() {
        return Err(engine::EngineError::QuotaCount {
            got: quotas.len(),
            reps: model.reps.len(),
        }
        .into());
    }
    let opts = SimOptions {
        analytics: false,
        precision: None,
        ..opts.clone()
    };
    let mut proposed = model.clone();
    proposed.quotas.method = QuotaMethod::Given;
    let solution = QuotaSolution {
        method: QuotaMethod::Given,
        quotas: quotas.iter().map(|&q| crate::model::to_cents(q)).collect(),
        pool: None,
        p_star: None,
        pinned: Vec::new(),
    };
    beside_current(model, &proposed, solution, &opts)
}

/// Simulates `solution` (the quotas of `proposed`) and the current quotas
/// of `model`, when every rep has one, on the same trials.
fn beside_current(
    model: &Model,
    proposed: &Model,
    solution: QuotaSolution,
    opts: &SimOptions,
) -> Result<Proposal, QuotaError> {
    let after = engine::run(proposed, &solution.quotas, opts, None)?;
    let current: Option<Vec<f64>> = model
        .reps
        .iter()
        .map(|r| r.quota_override.or(r.quota))
        .collect();
    let before = match &current {
        Some(q) => Some(engine::run(model, q, opts, None)?),
        None => None,
    };
    let expected = model.expected_sales();
    let n = opts.trials;
    let p = |hits| Proportion::new(hits, n).p();
    let rows = model
        .reps
        .iter()
        .enumerate()
        .map(|(i, r)| ProposalRow {
            id: r.id.clone(),
            name: r.name.clone(),
            expected_sales: expected[i],
            current: current.as_ref().map(|c| c[i]),
            proposed: solution.quotas[i],
            p_current: before.as_ref().map(|b| p(b.reps[i].hits)),
            p_proposed: p(after.reps[i].hits),
            pinned: solution.pin_of(i),
        })
        .collect();
    let groups = model
        .rep_groups()
        .into_iter()
        .zip(&after.groups)
        .enumerate()
        .map(|(g, (rg, st))| ProposalGroup {
            by: rg.by,
            id: rg.id,
            reps: rg.reps.len(),
            current: before.as_ref().map(|b| b.groups[g].quota),
            proposed: st.quota,
            p_current: before.as_ref().map(|b| p(b.groups[g].hits)),
            p_proposed: p(st.hits),
        })
        .collect();
    Ok(Proposal {
        method: proposed.quotas.method,
        over_assignment: proposed.quotas.over_assignment,
        solution,
        rows,
        groups,
        trials: opts.trials,
        seed: opts.seed,
    })
}
