//! The Monte Carlo engine: random streams, the trial kernel and the parallel
//! driver. Chunks run in parallel; their partial results are merged in chunk
//! order, so results are bit-identical for any thread count.

mod kernel;
mod plan;
pub mod streams;

pub use streams::{CHUNK_SIZE, GENERATOR};

use crate::model::{Model, QuotaMethod};
use crate::stats::{Histogram, Welford};
use kernel::{Rngs, Scratch};
use plan::Plan;
use rayon::prelude::*;

/// Chunks evaluated between two ordered merges; bounds memory, not results.
const WAVE: u64 = 32;
/// Histogram of each rep's sales, on a scale of its expected sales.
const HIST_RANGE: f64 = 2.5;
const HIST_BINS: usize = 2500;

#[derive(Clone, Debug)]
pub struct SimOptions {
    pub trials: u64,
    pub seed: u64,
    /// Worker threads; `None` uses all cores. Never changes the results.
    pub threads: Option<usize>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EngineError {
    #[error("rep `{0}` has no quota; give one, or choose [quotas] method = \"proportional\"")]
    MissingQuota(String),
    #[error(
        "quota method `equal-probability` is not available in this version; use \"given\" or \"proportional\""
    )]
    MethodUnavailable,
    #[error("trials must be at least 1")]
    NoTrials,
    #[error("cannot start {0} worker threads: {1}")]
    Threads(usize, String),
}

/// Per-rep streaming results.
#[derive(Clone, Debug)]
pub struct RepStats {
    pub sales: Welford,
    /// Trials with attainment >= 1.
    pub hits: u64,
    /// Sales divided by `scale`, binned.
    pub hist: Histogram,
    pub scale: f64,
}

impl RepStats {
    pub fn sales_quantile(&self, p: f64) -> f64 {
        self.hist.quantile(p) * self.scale
    }
}

#[derive(Clone, Debug)]
pub struct QuarterStats {
    pub target: f64,
    pub sales: Welford,
    pub hits: u64,
}

/// Everything a run produced. Memory is O(trials) for the team total only.
#[derive(Clone, Debug)]
pub struct SimResult {
    pub trials: u64,
    pub seed: u64,
    pub chunk_size: u64,
    pub quotas: Vec<f64>,
    /// Team sales per trial, in trial order.
    pub team: Vec<f64>,
    pub reps: Vec<RepStats>,
    /// `at_quota[k]`: trials in which exactly k reps reached quota.
    pub at_quota: Vec<u64>,
    pub quarters: Vec<QuarterStats>,
}

/// The quota each rep carries in this run (DESIGN §2; the computed methods
/// beyond proportional come with the quota module).
pub fn resolve_quotas(model: &Model) -> Result<Vec<f64>, EngineError> {
    match model.quotas.method {
        QuotaMethod::Given => model
            .reps
            .iter()
            .map(|r| {
                r.quota
                    .ok_or_else(|| EngineError::MissingQuota(r.id.clone()))
            })
            .collect(),
        QuotaMethod::Proportional => {
            let expected = model.expected_sales();
            let total: f64 = expected.iter().sum();
            let pool = model.company_target * (1.0 + model.quotas.over_assignment);
            Ok(expected
                .iter()
                .map(|e| if total > 0.0 { pool * e / total } else { 0.0 })
                .collect())
        }
        QuotaMethod::EqualProbability => Err(EngineError::MethodUnavailable),
    }
}

struct Partial {
    reps: Vec<Welford>,
    hits: Vec<u64>,
    hist: Vec<Histogram>,
    team: Vec<f64>,
    at_quota: Vec<u64>,
    quarters: Vec<Welford>,
    quarter_hits: Vec<u64>,
}

impl Partial {
    fn new(n_reps: usize, n_quarters: usize, cap: usize) -> Self {
        Partial {
            reps: vec![Welford::default(); n_reps],
            hits: vec![0; n_reps],
            hist: vec![Histogram::new(HIST_RANGE, HIST_BINS); n_reps],
            team: Vec::with_capacity(cap),
            at_quota: vec![0; n_reps + 1],
            quarters: vec![Welford::default(); n_quarters],
            quarter_hits: vec![0; n_quarters],
        }
    }

    fn merge(&mut self, o: Partial) {
        for i in 0..self.reps.len() {
            self.reps[i].merge(&o.reps[i]);
            self.hits[i] += o.hits[i];
            self.hist[i].merge(&o.hist[i]);
        }
        self.team.extend_from_slice(&o.team);
        for (a, b) in self.at_quota.iter_mut().zip(&o.at_quota) {
            *a += b;
        }
        for q in 0..self.quarters.len() {
            self.quarters[q].merge(&o.quarters[q]);
            self.quarter_hits[q] += o.quarter_hits[q];
        }
    }
}

fn run_chunk(plan: &Plan, seed: u64, chunk: u64, trials: u64, scales: &[f64]) -> Partial {
    use streams::{Purpose, chunk_rng};
    let mut rngs = Rngs {
        risks: chunk_rng(seed, Purpose::Risks, chunk),
        reps: chunk_rng(seed, Purpose::Reps, chunk),
        units: chunk_rng(seed, Purpose::Units, chunk),
        losses: chunk_rng(seed, Purpose::AccountLoss, chunk),
    };
    let n_reps = plan.reps.len();
    let nq = plan.quarter_target.len();
    let mut s = Scratch::new(plan);
    let mut out = Partial::new(n_reps, nq, trials as usize);
    let mut qsum = vec![0.0; nq];
    for t in 0..trials {
        kernel::trial(plan, &mut rngs, t, &mut s);
        let mut at = 0;
        for (r, &sales) in s.rep_sales.iter().enumerate() {
            out.reps[r].push(sales);
            out.hist[r].push(sales / scales[r]);
            if sales >= plan.reps[r].quota {
                out.hits[r] += 1;
                at += 1;
            }
        }
        out.at_quota[at] += 1;
        qsum.fill(0.0);
        for (m, &v) in s.team_month.iter().enumerate() {
            qsum[plan.quarter_of[m]] += v;
        }
        for (q, &sum) in qsum.iter().enumerate() {
            out.quarters[q].push(sum);
            if sum >= plan.quarter_target[q] {
                out.quarter_hits[q] += 1;
            }
        }
        out.team.push(s.team_month.iter().sum());
    }
    out
}

/// Runs the simulation. `progress` is told the number of trials finished
/// after each wave (for a progress bar); it never affects the results.
pub fn simulate(
    model: &Model,
    opts: &SimOptions,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<SimResult, EngineError> {
    if opts.trials == 0 {
        return Err(EngineError::NoTrials);
    }
    let quotas = resolve_quotas(model)?;
    let plan = Plan::new(model, &quotas);
    let expected = model.expected_sales();
    let scales: Vec<f64> = expected
        .iter()
        .zip(&quotas)
        .map(|(&e, &q)| {
            if e > 0.0 {
                e
            } else if q > 0.0 {
                q
            } else {
                1.0
            }
        })
        .collect();
    let chunks = opts.trials.div_ceil(CHUNK_SIZE);
    let trials_in = |c: u64| CHUNK_SIZE.min(opts.trials - c * CHUNK_SIZE);
    let run = || {
        let mut acc = Partial::new(
            plan.reps.len(),
            plan.quarter_target.len(),
            opts.trials as usize,
        );
        let mut w = 0;
        while w < chunks {
            let end = (w + WAVE).min(chunks);
            let parts: Vec<Partial> = (w..end)
                .into_par_iter()
                .map(|c| run_chunk(&plan, opts.seed, c, trials_in(c), &scales))
                .collect();
            for p in parts {
                acc.merge(p);
            }
            if let Some(f) = progress {
                f(acc.team.len() as u64);
            }
            w = end;
        }
        acc
    };
    let acc = match opts.threads {
        None => run(),
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| EngineError::Threads(n, e.to_string()))?
            .install(run),
    };
    Ok(SimResult {
        trials: opts.trials,
        seed: opts.seed,
        chunk_size: CHUNK_SIZE,
        reps: acc
            .reps
            .into_iter()
            .zip(acc.hits)
            .zip(acc.hist)
            .zip(&scales)
            .map(|(((sales, hits), hist), &scale)| RepStats {
                sales,
                hits,
                hist,
                scale,
            })
            .collect(),
        quotas,
        team: acc.team,
        at_quota: acc.at_quota,
        quarters: acc
            .quarters
            .into_iter()
            .zip(acc.quarter_hits)
            .zip(&plan.quarter_target)
            .map(|((sales, hits), &target)| QuarterStats {
                target,
                sales,
                hits,
            })
            .collect(),
    })
}
