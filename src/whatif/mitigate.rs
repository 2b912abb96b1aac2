//! Risk responses ranked by what they buy: candidates from the scenario's
//! structure and risk register (a bench rep, a key-account programme,
//! rebalancing overloaded territories) plus the scenario's own
//! `[[mitigations]]`, each evaluated against the plan with common random
//! numbers; then the best combination under a budget, evaluated together,
//! and the over-assignment that makes the target a safe bet.

use super::{WhatIfError, variant};
use crate::engine::SimOptions;
use crate::model::{Model, RiskKind};
use crate::scenario::{Document, MitigationKind, Override, Scenario, Value};
use crate::simulation::{Simulation, simulate};
use crate::split::{AlignOptions, Balance, align, apply};
use crate::stats::{hit_indicators, p_hit, paired_se, quantile_sorted};

/// What a user asks of `mitigate`.
#[derive(Clone, Debug, PartialEq)]
pub struct MitigateRequest {
    /// Wanted P(team hits target), for the over-assignment advice.
    pub goal: f64,
    /// Most to spend on the recommended combination.
    pub budget: Option<f64>,
    /// Cost of a bench rep (default: 2 x the comp plan's target incentive).
    pub bench_cost: Option<f64>,
    /// Cost of a key-account programme (default: 1 x target incentive).
    pub programme_cost: Option<f64>,
}

/// A risk response to evaluate.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub id: String,
    pub kind: MitigationKind,
    pub description: String,
    pub cost: f64,
    pub overrides: Vec<Override>,
    /// A territory change (owner of each unit) instead of, or beside,
    /// overrides.
    pub owners: Option<Vec<usize>>,
}

/// The paired (common random numbers) change a candidate makes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outcome {
    /// Change of P(team hits target), and its standard error.
    pub dp: f64,
    pub dp_se: f64,
    pub dsales: f64,
    pub dpayout: f64,
}

impl Outcome {
    /// The 95 % interval of `dp`.
    pub fn dp_ci95(&self) -> [f64; 2] {
        [self.dp - 1.96 * self.dp_se, self.dp + 1.96 * self.dp_se]
    }

    /// Change of P per unit of currency (`None` for a free response).
    pub fn dp_per_cost(&self, cost: f64) -> Option<f64> {
        (cost > 0.0).then(|| self.dp / cost)
    }
}

/// Every candidate's outcome, the ranking, and what to do.
#[derive(Clone, Debug)]
pub struct MitigationPlan {
    pub scenario: String,
    pub target: f64,
    /// P(team hits target) today.
    pub p0: f64,
    pub goal: f64,
    /// Team sales reached with probability `goal`.
    pub safe: f64,
    /// Over-assignment today, and what carrying the target at `goal` needs.
    pub over_assignment: f64,
    pub over_assignment_needed: f64,
    pub candidates: Vec<Candidate>,
    pub outcomes: Vec<Outcome>,
    /// Candidates by Δ P, best first.
    pub ranking: Vec<usize>,
    /// The recommended combination (beyond noise, within the budget).
    pub chosen: Vec<usize>,
    pub spent: f64,
    pub budget: Option<f64>,
    /// The chosen ones evaluated together (when more than one).
    pub combined: Option<Outcome>,
    pub trials: u64,
    pub seed: u64,
}

fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        0.0
    } else {
        x.iter().sum::<f64>() / x.len() as f64
    }
}

/// Paired (common random numbers) change against the base.
fn outcome(base: &Simulation, cand: &Simulation, target: f64) -> Outcome {
    let (b, c) = (&base.result, &cand.result);
    Outcome {
        dp: p_hit(&c.team, target) - p_hit(&b.team, target),
        dp_se: paired_se(
            &hit_indicators(&b.team, target),
            &hit_indicators(&c.team, target),
        ),
        dsales: mean(&c.team) - mean(&b.team),
        dpayout: mean(&c.payout_total) - mean(&b.payout_total),
    }
}

/// Candidates from the scenario's structure and risk register, then the
/// scenario's own `[[mitigations]]`.
fn candidates(base: &Scenario, request: &MitigateRequest, opts: &SimOptions) -> Vec<Candidate> {
    let model = &base.model;
    let ti = model.comp_plan.as_ref().map_or(0.0, |c| c.target_incentive);
    let mut out = Vec::new();
    let backfill: Vec<Override> = model
        .reps
        .iter()
        .filter(|r| r.attrition > 0.0 && r.vacancy_months > 1)
        .map(|r| {
            Override::new(
                &format!("reps.{}.vacancy_months", r.id),
                Value::Integer(Some(1)),
            )
        })
        .collect();
    if !backfill.is_empty() {
        out.push(Candidate {
            id: "bench_rep".into(),
            kind: MitigationKind::Reduction,
            description: format!(
                "a bench rep fills any vacancy within a month (cost {})",
                if request.bench_cost.is_some() {
                    "given"
                } else {
                    "assumed: 2 x target incentive"
                }
            ),
            cost: request.bench_cost.unwrap_or(2.0 * ti),
            overrides: backfill,
            owners: None,
        });
    }
    let losses: Vec<Override> = model
        .risks
        .iter()
        .filter_map(|r| match r.kind {
            RiskKind::AccountLoss { probability } if probability > 0.0 => Some(Override::new(
                &format!("risks.{}.probability", r.id),
                Value::Float(Some(probability / 2.0)),
            )),
            _ => None,
        })
        .collect();
    if !losses.is_empty() {
        out.push(Candidate {
            id: "key_account_programme".into(),
            kind: MitigationKind::Reduction,
            description: format!(
                "a key-account programme halves account-loss probabilities (cost {})",
                if request.programme_cost.is_some() {
                    "given"
                } else {
                    "assumed: 1 x target incentive"
                }
            ),
            cost: request.programme_cost.unwrap_or(ti),
            overrides: losses,
            owners: None,
        });
    }
    let workload = model.workload_by_rep();
    if model
        .reps
        .iter()
        .zip(&workload)
        .any(|(r, &w)| r.coverage(w) < 1.0)
        && let Ok(al) = align(
            model,
            &AlignOptions {
                k: model.reps.len(),
                balance: Balance::Mix([0.5, 0.5, 0.0]),
                tolerance: 0.05,
                max_disruption: Some(0.2),
                capacity_targets: false,
                seed: opts.seed,
                threads: opts.threads,
                risk_trials: 1000,
            },
        )
    {
        out.push(Candidate {
            id: "rebalance".into(),
            kind: MitigationKind::Reduction,
            description: format!(
                "move contiguous units from overloaded reps to reps with spare capacity (balance sales and workload, {:.0} % of sales moves)",
                100.0 * al.result.disruption
            ),
            cost: 0.0,
            overrides: Vec::new(),
            owners: Some(al.result.assignment),
        });
    }
    out.extend(base.mitigations.iter().map(|m| Candidate {
        id: m.id.clone(),
        kind: m.kind,
        description: m.description.clone(),
        cost: m.cost,
        overrides: m.overrides.clone(),
        owners: None,
    }));
    out
}

/// Evaluates every candidate against `base` (the scenario `doc` holds,
/// validated) with the same trials `opts`, ranks them, and recommends the
/// best combination under the budget.
pub fn mitigate(
    doc: &Document,
    base: &Scenario,
    request: &MitigateRequest,
    opts: &SimOptions,
) -> Result<MitigationPlan, WhatIfError> {
    let model = &base.model;
    let opts = SimOptions {
        analytics: false,
        ..opts.clone()
    };
    let base_run = simulate(model, &opts, None)?;
    let target = model.company_target;
    let p0 = p_hit(&base_run.result.team, target);
    let cands = candidates(base, request, &opts);

    let evaluate = |overrides: &[Override], owners: Option<&Vec<usize>>, label: &str| {
        let mut m: Model = variant(doc, overrides, label)?.model;
        if let Some(o) = owners {
            m = apply(&m, o, m.reps.len());
        }
        Ok::<_, WhatIfError>(outcome(&base_run, &simulate(&m, &opts, None)?, target))
    };
    let outcomes = cands
        .iter()
        .map(|c| {
            evaluate(
                &c.overrides,
                c.owners.as_ref(),
                &format!("mitigation `{}`", c.id),
            )
        })
        .collect::<Result<Vec<_>, _>>()?;

    // Recommended combination under the budget: best benefit per cost first.
    let budget = request.budget.unwrap_or(f64::INFINITY);
    let mut order: Vec<usize> = (0..cands.len())
        .filter(|&i| outcomes[i].dp > 1.96 * outcomes[i].dp_se)
        .collect();
    order.sort_by(|&x, &y| {
        let per = |i: usize| {
            outcomes[i]
                .dp_per_cost(cands[i].cost)
                .unwrap_or(f64::INFINITY)
        };
        per(y).total_cmp(&per(x)).then(x.cmp(&y))
    });
    let mut chosen: Vec<usize> = Vec::new();
    let mut spent = 0.0;
    for i in order {
        // One territory change at a time; overrides combine freely.
        if cands[i].owners.is_some() && chosen.iter().any(|&j| cands[j].owners.is_some()) {
            continue;
        }
        if spent + cands[i].cost <= budget {
            spent += cands[i].cost;
            chosen.push(i);
        }
    }
    let combined = if chosen.len() > 1 {
        let overrides: Vec<Override> = chosen
            .iter()
            .flat_map(|&i| cands[i].overrides.iter().cloned())
            .collect();
        let owners = chosen.iter().find_map(|&i| cands[i].owners.as_ref());
        Some(evaluate(&overrides, owners, "the recommended combination")?)
    } else {
        None
    };

    // The over-assignment that makes the plan a `goal` bet.
    let mut sorted = base_run.result.team.clone();
    sorted.sort_by(f64::total_cmp);
    let safe = quantile_sorted(&sorted, 1.0 - request.goal);
    let mut ranking: Vec<usize> = (0..cands.len()).collect();
    ranking.sort_by(|&x, &y| outcomes[y].dp.total_cmp(&outcomes[x].dp).then(x.cmp(&y)));
    Ok(MitigationPlan {
        scenario: model.name.clone(),
        target,
        p0,
        goal: request.goal,
        safe,
        over_assignment: model.quotas.over_assignment,
        over_assignment_needed: (1.0 + model.quotas.over_assignment) * target / safe - 1.0,
        candidates: cands,
        outcomes,
        ranking,
        chosen,
        spent,
        budget: request.budget,
        combined,
        trials: opts.trials,
        seed: opts.seed,
    })
}
