//! Risk responses ranked by what they buy: candidates from the scenario's
//! structure and risk register (a bench rep, a key-account programme,
//! rebalancing overloaded territories) plus the scenario's own
//! `[[mitigations]]`, each evaluated against the plan with common random
//! numbers; then the best set under a budget, found by simulating the
//! feasible sets together (see [`SearchMethod`]), and the over-assignment
//! that makes the target a safe bet.
//!
//! The rebalance plan comes from the territory optimizer, whose result
//! depends on its seed: the plan is made with several optimizer seeds and
//! each plan evaluated, so the reported interval covers the plans, not just
//! one of them.

use super::best_set::{self, Item, tie_order, within};
use super::{WhatIfError, variant};
use crate::engine::SimOptions;
use crate::model::{Model, RiskKind};
use crate::scenario::{Document, MitigationKind, Override, Scenario, Value};
use crate::simulation::{Simulation, simulate};
use crate::stats::{
    hit_bits, hit_indicators, p_hit, paired_hit_change, paired_se, quantile_sorted,
};
use crate::territory::{AlignOptions, Balance, align, apply};

/// Optimizer seeds the rebalance plan is made with by default.
pub const REBALANCE_SEEDS: usize = 5;
/// Balance tolerance of the rebalance plan (sales and workload mix).
pub const REBALANCE_TOLERANCE: f64 = 0.05;
/// Most of the current sales the rebalance plan may move (a soft cap: the
/// optimizer returns its least disruptive plan when none is within it).
pub const REBALANCE_MAX_DISRUPTION: f64 = 0.2;
/// Up to this many feasible sets, every one is simulated together.
pub const EXHAUSTIVE_MAX_SETS: usize = 64;
/// Above it, the best this many sets by the sum of individual effects are.
pub const SHORTLIST: usize = 8;

/// What a user asks of `mitigate`.
#[derive(Clone, Debug, PartialEq)]
pub struct MitigateRequest {
    /// Wanted P(team hits target), for the over-assignment advice.
    pub goal: f64,
    /// Most to spend on the recommended set.
    pub budget: Option<f64>,
    /// Cost of a bench rep (default: 2 x the comp plan's target incentive).
    pub bench_cost: Option<f64>,
    /// Cost of a key-account programme (default: 1 x target incentive).
    pub programme_cost: Option<f64>,
    /// Optimizer seeds to make the rebalance plan with (at least 1; the
    /// run's seed and the ones after it). [`REBALANCE_SEEDS`] by default.
    pub rebalance_seeds: usize,
}

impl MitigateRequest {
    /// Goal `goal`, no budget, assumed costs, [`REBALANCE_SEEDS`] seeds.
    pub fn new(goal: f64) -> Self {
        MitigateRequest {
            goal,
            budget: None,
            bench_cost: None,
            programme_cost: None,
            rebalance_seeds: REBALANCE_SEEDS,
        }
    }
}

/// One territory plan the optimizer made for a territory change.
#[derive(Clone, Debug, PartialEq)]
pub struct TerritoryPlan {
    /// The optimizer seed that made it (`quotaplan split --seed` makes the
    /// same plan with the same balance, tolerance and cap).
    pub seed: u64,
    /// The territory (rep) of each unit.
    pub owners: Vec<usize>,
    /// Share of the current expected sales that changes owner.
    pub disruption: f64,
    /// Largest relative deviation of a territory from its balance target.
    pub max_deviation: f64,
    /// Within the balance tolerance and the disruption cap.
    pub feasible: bool,
}

/// A risk response to evaluate.
#[derive(Clone, Debug)]
pub struct Candidate {
    pub id: String,
    pub kind: MitigationKind,
    pub description: String,
    pub cost: f64,
    pub overrides: Vec<Override>,
    /// A territory change: the plan made with each optimizer seed (empty
    /// for a change without one). At most one territory change per set.
    pub plans: Vec<TerritoryPlan>,
}

impl Candidate {
    pub fn is_territory_change(&self) -> bool {
        !self.plans.is_empty()
    }
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

/// What a candidate does, as reported.
#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    /// The headline figures: the candidate's paired outcome; for a
    /// territory change, that of its median plan (by Δ P), the plan used in
    /// sets.
    pub outcome: Outcome,
    /// The reported 95 % interval of Δ P: the paired one; for a territory
    /// change, from the lowest lower bound to the highest upper bound over
    /// its plans, so it covers every evaluated plan.
    pub dp_ci95: [f64; 2],
    /// Each plan's outcome (`Candidate::plans` order; empty without plans).
    pub plans: Vec<Outcome>,
    /// The plan used in sets and for the headline (the median plan).
    pub plan_used: Option<usize>,
}

impl Assessment {
    /// Its whole interval is above zero.
    pub fn helps_beyond_noise(&self) -> bool {
        self.dp_ci95[0] > 0.0
    }

    /// The lowest and highest Δ P over the plans (None without plans).
    pub fn plan_dp_range(&self) -> Option<[f64; 2]> {
        (!self.plans.is_empty()).then(|| {
            self.plans
                .iter()
                .fold([f64::INFINITY, f64::NEG_INFINITY], |[lo, hi], o| {
                    [lo.min(o.dp), hi.max(o.dp)]
                })
        })
    }
}

/// How the sets simulated together were chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SearchMethod {
    /// At most [`EXHAUSTIVE_MAX_SETS`] feasible sets: every one simulated
    /// together; the best is the best feasible set (on these trials).
    Exhaustive,
    /// More: an exact knapsack on the candidates' own Δ P (as if effects
    /// added up) shortlisted the best [`SHORTLIST`] sets, each simulated
    /// together; the best is the best of the shortlist.
    Knapsack,
}

/// A set of candidates simulated together.
#[derive(Clone, Debug, PartialEq)]
pub struct SetOutcome {
    /// Candidate indices, in candidate order.
    pub members: Vec<usize>,
    pub cost: f64,
    /// Joint paired outcome against the plan.
    pub outcome: Outcome,
    /// Sum of the members' own Δ P (what the knapsack ranks by).
    pub additive_dp: f64,
}

/// The search for the best set under the budget.
#[derive(Clone, Debug, PartialEq)]
pub struct SetSearch {
    pub method: SearchMethod,
    /// Candidates that help beyond noise (interval above zero) and fit the
    /// budget alone: the ones sets are made of.
    pub eligible: Vec<usize>,
    /// Feasible sets (cost within the budget, at most one territory
    /// change): their number when searched exhaustively, else more than
    /// [`EXHAUSTIVE_MAX_SETS`].
    pub feasible_sets: Option<usize>,
    /// Every set simulated together, best first: higher joint Δ P, then
    /// cheaper, fewer members, candidate order. The first is recommended.
    pub sets: Vec<SetOutcome>,
    /// The best set's joint Δ P minus the next best's, with its paired
    /// standard error.
    pub margin: Option<(f64, f64)>,
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
    pub assessments: Vec<Assessment>,
    /// Candidates by headline Δ P, best first.
    pub ranking: Vec<usize>,
    pub search: SetSearch,
    /// The recommended set (the search's best; empty when none helps).
    pub chosen: Vec<usize>,
    pub spent: f64,
    pub budget: Option<f64>,
    pub trials: u64,
    pub seed: u64,
}

impl MitigationPlan {
    /// The recommended set, simulated together.
    pub fn best(&self) -> Option<&SetOutcome> {
        self.search.sets.first()
    }

    /// The next best set simulated together.
    pub fn next_best(&self) -> Option<&SetOutcome> {
        self.search.sets.get(1)
    }
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

/// The rebalance plans, one per optimizer seed (`seeds` of them, from the
/// run's seed on); none when no rep is overloaded or no plan can be made.
fn rebalance_plans(model: &Model, seeds: usize, opts: &SimOptions) -> Vec<TerritoryPlan> {
    let workload = model.workload_by_rep();
    if !model
        .reps
        .iter()
        .zip(&workload)
        .any(|(r, &w)| r.coverage(w) < 1.0)
    {
        return Vec::new();
    }
    (0..seeds.max(1) as u64)
        .map_while(|j| {
            let seed = opts.seed.wrapping_add(j);
            align(
                model,
                &AlignOptions {
                    k: model.reps.len(),
                    balance: Balance::Mix([0.5, 0.5, 0.0]),
                    tolerance: REBALANCE_TOLERANCE,
                    max_disruption: Some(REBALANCE_MAX_DISRUPTION),
                    max_moved_accounts: None,
                    max_distance: None,
                    targets: crate::territory::Targets::Equal,
                    continuity: true,
                    frontier: false,
                    time_limit: None,
                    seed,
                    threads: opts.threads,
                    risk_trials: 1000,
                    spelling: Default::default(),
                },
            )
            .ok()
            .map(|al| TerritoryPlan {
                seed,
                disruption: al.result.disruption,
                max_deviation: al.result.max_deviation,
                feasible: al.result.feasible,
                owners: al.result.assignment,
            })
        })
        .collect()
}

/// Candidates from the scenario's structure and risk register, then the
/// scenario's own `[[mitigations]]`. The rebalance description is
/// completed once its plans are evaluated.
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
            plans: Vec::new(),
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
            plans: Vec::new(),
        });
    }
    let plans = rebalance_plans(model, request.rebalance_seeds, opts);
    if !plans.is_empty() {
        out.push(Candidate {
            id: "rebalance".into(),
            kind: MitigationKind::Reduction,
            description: String::new(),
            cost: 0.0,
            overrides: Vec::new(),
            plans,
        });
    }
    out.extend(base.mitigations.iter().map(|m| Candidate {
        id: m.id.clone(),
        kind: m.kind,
        description: m.description.clone(),
        cost: m.cost,
        overrides: m.overrides.clone(),
        plans: Vec::new(),
    }));
    out
}

/// The rebalance description: what it does and how its plan varies with
/// the optimizer seed.
fn rebalance_description(c: &Candidate, a: &Assessment) -> String {
    let plans = &c.plans;
    let [mlo, mhi] = plans
        .iter()
        .fold([f64::INFINITY, f64::NEG_INFINITY], |[lo, hi], p| {
            [lo.min(p.disruption), hi.max(p.disruption)]
        });
    let infeasible = plans.iter().filter(|p| !p.feasible).count();
    let limits = match infeasible {
        0 => String::new(),
        1 if plans.len() == 1 => format!(
            "; it misses ±{:.0} % balance or moves more than {:.0} % of sales",
            100.0 * REBALANCE_TOLERANCE,
            100.0 * REBALANCE_MAX_DISRUPTION
        ),
        n if n == plans.len() => format!(
            "; no plan met ±{:.0} % balance with at most {:.0} % of sales moving",
            100.0 * REBALANCE_TOLERANCE,
            100.0 * REBALANCE_MAX_DISRUPTION
        ),
        n => format!(
            "; {n} of {} plans miss ±{:.0} % balance or move more than {:.0} % of sales",
            plans.len(),
            100.0 * REBALANCE_TOLERANCE,
            100.0 * REBALANCE_MAX_DISRUPTION
        ),
    };
    let what = "move contiguous units from overloaded reps to reps with spare capacity (balance sales and workload)";
    let used = &plans[a.plan_used.unwrap_or(0)];
    if plans.len() == 1 {
        return format!(
            "{what}; one plan, fixed to optimizer seed {} ({:.0} % of sales moves{limits}): other seeds give other plans, and the interval is this plan's only",
            used.seed,
            100.0 * used.disruption
        );
    }
    if plans.iter().all(|p| p.owners == plans[0].owners) {
        return format!(
            "{what}; every optimizer seed gives the same plan ({} seeds, {}-{}): {:.0} % of sales moves{limits}; the interval is this plan's",
            plans.len(),
            plans[0].seed,
            plans[plans.len() - 1].seed,
            100.0 * used.disruption
        );
    }
    let [dlo, dhi] = a.plan_dp_range().unwrap_or([f64::NAN; 2]);
    format!(
        "{what}; the plan varies with the optimizer seed: {} plans (seeds {}-{}) move {:.0}-{:.0} % of sales and change P(team) by {:+.2} to {:+.2} pts{limits}; figures are the median plan's (seed {}), the interval spans all {} plans",
        plans.len(),
        plans[0].seed,
        plans[plans.len() - 1].seed,
        100.0 * mlo,
        100.0 * mhi,
        100.0 * dlo,
        100.0 * dhi,
        used.seed,
        plans.len()
    )
}

/// One evaluation of a candidate against the plan: the candidate alone,
/// or a territory change with one of its plans. A mitigate run's
/// evaluations are independent of each other, so tasks of a job array can
/// share them out (`mitigate --task`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub candidate: usize,
    pub plan: Option<usize>,
}

/// What an evaluation found: its paired outcome, and the trials in which
/// the team hit the target (bits, for the paired margin between sets).
#[derive(Clone, Debug, PartialEq)]
pub struct Evaluated {
    pub outcome: Outcome,
    pub bits: Vec<u64>,
}

/// A mitigate run prepared: the plan's own run and the candidates. Every
/// task of a split run and the merge prepare the same (deterministic).
pub struct Mitigation<'a> {
    doc: &'a Document,
    base: &'a Scenario,
    request: &'a MitigateRequest,
    opts: SimOptions,
    base_run: Simulation,
    target: f64,
    candidates: Vec<Candidate>,
}

impl<'a> Mitigation<'a> {
    /// Simulates the plan and lists the candidates (making the rebalance
    /// plans).
    pub fn prepare(
        doc: &'a Document,
        base: &'a Scenario,
        request: &'a MitigateRequest,
        opts: &SimOptions,
    ) -> Result<Self, WhatIfError> {
        let opts = SimOptions {
            analytics: false,
            ..opts.clone()
        };
        let base_run = simulate(&base.model, &opts, None)?;
        let candidates = candidates(base, request, &opts);
        Ok(Mitigation {
            doc,
            base,
            request,
            target: base.model.company_target,
            opts,
            base_run,
            candidates,
        })
    }

    pub fn candidates(&self) -> &[Candidate] {
        &self.candidates
    }

    /// Every evaluation of the candidates, in order: each candidate alone,
    /// a territory change once per plan.
    pub fn evaluations(&self) -> Vec<Evaluation> {
        self.candidates
            .iter()
            .enumerate()
            .flat_map(|(i, c)| {
                let plans: Vec<Option<usize>> = if c.plans.is_empty() {
                    vec![None]
                } else {
                    (0..c.plans.len()).map(Some).collect()
                };
                plans
                    .into_iter()
                    .map(move |plan| Evaluation { candidate: i, plan })
            })
            .collect()
    }

    /// One joint evaluation: the overrides, then the territory plan.
    fn joint(
        &self,
        overrides: &[Override],
        owners: Option<&[usize]>,
        label: &str,
    ) -> Result<Evaluated, WhatIfError> {
        let mut m: Model = variant(self.doc, overrides, label)?.model;
        if let Some(o) = owners {
            m = apply(&m, o, m.reps.len());
        }
        let run = simulate(&m, &self.opts, None)?;
        Ok(Evaluated {
            outcome: outcome(&self.base_run, &run, self.target),
            bits: hit_bits(&run.result.team, self.target),
        })
    }

    /// Runs one evaluation.
    pub fn evaluate(&self, e: Evaluation) -> Result<Evaluated, WhatIfError> {
        let c = &self.candidates[e.candidate];
        let owners = e.plan.map(|p| c.plans[p].owners.as_slice());
        self.joint(&c.overrides, owners, &format!("mitigation `{}`", c.id))
    }

    /// Ranks the candidates from their evaluations (all of them, in the
    /// order of [`Mitigation::evaluations`]), finds the best set under the
    /// budget (simulating the sets of two or more together) and the
    /// over-assignment that makes the target a `goal` bet.
    pub fn finish(mut self, evaluated: Vec<Evaluated>) -> Result<MitigationPlan, WhatIfError> {
        assert_eq!(
            self.evaluations().len(),
            evaluated.len(),
            "one result per evaluation"
        );
        let mut cands = std::mem::take(&mut self.candidates);
        let (request, opts, target) = (self.request, &self.opts, self.target);
        let model = &self.base.model;
        let base_run = &self.base_run;
        let p0 = p_hit(&base_run.result.team, target);
        let (assessments, bits) = assess(&cands, evaluated);
        for (c, a) in cands.iter_mut().zip(&assessments) {
            if c.is_territory_change() && c.id == "rebalance" {
                c.description = rebalance_description(c, a);
            }
        }
        let search = self.best_set(&cands, &assessments, &bits)?;
        let chosen = search
            .sets
            .first()
            .map_or_else(Vec::new, |s| s.members.clone());
        let spent = search.sets.first().map_or(0.0, |s| s.cost);

        // The over-assignment that makes the plan a `goal` bet.
        let mut sorted = base_run.result.team.clone();
        sorted.sort_by(f64::total_cmp);
        let safe = quantile_sorted(&sorted, 1.0 - request.goal);
        let mut ranking: Vec<usize> = (0..cands.len()).collect();
        ranking.sort_by(|&x, &y| {
            assessments[y]
                .outcome
                .dp
                .total_cmp(&assessments[x].outcome.dp)
                .then(x.cmp(&y))
        });
        Ok(MitigationPlan {
            scenario: model.name.clone(),
            target,
            p0,
            goal: request.goal,
            safe,
            over_assignment: model.quotas.over_assignment,
            over_assignment_needed: (1.0 + model.quotas.over_assignment) * target / safe - 1.0,
            candidates: cands,
            assessments,
            ranking,
            search,
            chosen,
            spent,
            budget: request.budget,
            trials: opts.trials,
            seed: opts.seed,
        })
    }

    /// The best set under the budget: the sets of candidates that help
    /// beyond noise, every feasible one or a knapsack's shortlist,
    /// simulated together and ranked.
    fn best_set(
        &self,
        cands: &[Candidate],
        assessments: &[Assessment],
        bits: &[Vec<u64>],
    ) -> Result<SetSearch, WhatIfError> {
        let n = self.base_run.result.team.len() as u64;
        let budget = self.request.budget.unwrap_or(f64::INFINITY);
        let eligible: Vec<usize> = (0..cands.len())
            .filter(|&i| assessments[i].helps_beyond_noise() && within(cands[i].cost, budget))
            .collect();
        let items: Vec<Item> = eligible
            .iter()
            .map(|&i| Item {
                cost: cands[i].cost,
                gain: assessments[i].outcome.dp,
                territory: cands[i].is_territory_change(),
            })
            .collect();
        let (method, feasible_sets, shortlist) =
            match best_set::feasible_sets(&items, budget, EXHAUSTIVE_MAX_SETS) {
                Some(all) => (SearchMethod::Exhaustive, Some(all.len()), all),
                None => (
                    SearchMethod::Knapsack,
                    None,
                    best_set::top_additive(&items, budget, SHORTLIST),
                ),
            };
        let mut sets = Vec::with_capacity(shortlist.len());
        let mut set_bits = Vec::with_capacity(shortlist.len());
        for s in shortlist {
            let members: Vec<usize> = s.iter().map(|&j| eligible[j]).collect();
            let (o, b) = self.simulate_set(cands, assessments, bits, &members)?;
            sets.push(SetOutcome {
                cost: members.iter().map(|&i| cands[i].cost).sum(),
                additive_dp: members.iter().map(|&i| assessments[i].outcome.dp).sum(),
                members,
                outcome: o,
            });
            set_bits.push(b);
        }
        let mut order: Vec<usize> = (0..sets.len()).collect();
        order.sort_by(|&x, &y| {
            let (a, b) = (&sets[x], &sets[y]);
            b.outcome
                .dp
                .total_cmp(&a.outcome.dp)
                .then_with(|| tie_order(&a.members, a.cost, &b.members, b.cost))
        });
        let margin = match order[..] {
            [best, next, ..] => Some(paired_hit_change(&set_bits[next], &set_bits[best], n)),
            _ => None,
        };
        let sets: Vec<SetOutcome> = order.into_iter().map(|i| sets[i].clone()).collect();
        Ok(SetSearch {
            method,
            eligible,
            feasible_sets,
            sets,
            margin,
        })
    }

    /// The paired outcome and hit bits of the set `members` simulated
    /// together (a territory change with its median plan).
    fn simulate_set(
        &self,
        cands: &[Candidate],
        assessments: &[Assessment],
        bits: &[Vec<u64>],
        members: &[usize],
    ) -> Result<(Outcome, Vec<u64>), WhatIfError> {
        if let [i] = members[..] {
            // Alone it is the candidate's own evaluation (same model, same trials).
            return Ok((assessments[i].outcome, bits[i].clone()));
        }
        let overrides: Vec<Override> = members
            .iter()
            .flat_map(|&i| cands[i].overrides.iter().cloned())
            .collect();
        let owners = members.iter().find_map(|&i| {
            assessments[i]
                .plan_used
                .map(|p| cands[i].plans[p].owners.as_slice())
        });
        let names: Vec<&str> = members.iter().map(|&i| cands[i].id.as_str()).collect();
        self.joint(
            &overrides,
            owners,
            &format!("the set {}", names.join(" + ")),
        )
        .map(|e| (e.outcome, e.bits))
    }
}

/// Each candidate's assessment and the trials its team hit the target in
/// (its median plan's, for a territory change), from the evaluations in
/// the order of [`Mitigation::evaluations`].
fn assess(cands: &[Candidate], evaluated: Vec<Evaluated>) -> (Vec<Assessment>, Vec<Vec<u64>>) {
    let mut results = evaluated.into_iter();
    let mut assessments = Vec::with_capacity(cands.len());
    let mut bits = Vec::with_capacity(cands.len());
    for c in cands {
        if c.plans.is_empty() {
            let Evaluated {
                outcome: o,
                bits: b,
            } = results.next().expect("one result per evaluation");
            assessments.push(Assessment {
                outcome: o,
                dp_ci95: o.dp_ci95(),
                plans: Vec::new(),
                plan_used: None,
            });
            bits.push(b);
            continue;
        }
        let mut per_plan = Vec::with_capacity(c.plans.len());
        let mut plan_bits = Vec::with_capacity(c.plans.len());
        for _ in &c.plans {
            let Evaluated {
                outcome: o,
                bits: b,
            } = results.next().expect("one result per evaluation");
            per_plan.push(o);
            plan_bits.push(b);
        }
        // The median plan by Δ P (the lower middle for an even count; ties
        // by seed order).
        let mut by_dp: Vec<usize> = (0..per_plan.len()).collect();
        by_dp.sort_by(|&x, &y| per_plan[x].dp.total_cmp(&per_plan[y].dp).then(x.cmp(&y)));
        let used = by_dp[(by_dp.len() - 1) / 2];
        let dp_ci95 = per_plan
            .iter()
            .fold([f64::INFINITY, f64::NEG_INFINITY], |[lo, hi], o| {
                let [l, h] = o.dp_ci95();
                [lo.min(l), hi.max(h)]
            });
        assessments.push(Assessment {
            outcome: per_plan[used],
            dp_ci95,
            plans: per_plan,
            plan_used: Some(used),
        });
        bits.push(plan_bits.swap_remove(used));
    }
    (assessments, bits)
}

/// Evaluates every candidate against `base` (the scenario `doc` holds,
/// validated) with the same trials `opts`, ranks them, and finds the best
/// set under the budget.
pub fn mitigate(
    doc: &Document,
    base: &Scenario,
    request: &MitigateRequest,
    opts: &SimOptions,
) -> Result<MitigationPlan, WhatIfError> {
    let m = Mitigation::prepare(doc, base, request, opts)?;
    let evaluated = m
        .evaluations()
        .into_iter()
        .map(|e| m.evaluate(e))
        .collect::<Result<Vec<_>, _>>()?;
    m.finish(evaluated)
}
