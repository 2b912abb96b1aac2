//! Quotas (DESIGN §2): given, proportional to expected territory sales, or
//! equal-probability (every rep equally likely to reach quota). Computed
//! quotas add up exactly (to the cent) to `company_target x (1 +
//! over_assignment)`, keep manual overrides and respect floors and caps.

mod proposal;

pub use proposal::{Proposal, ProposalRow, given, propose};

use crate::engine::{self, EngineError, SimOptions};
use crate::model::{Model, Pin, QuotaMethod, QuotaSolution};

/// Why quotas cannot be decided.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum QuotaError {
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(
        "rep `{0}` has no quota; give one, or choose [quotas] method = \"proportional\" or \"equal-probability\""
    )]
    MissingQuota(String),
    #[error(
        "overrides and floors add up to {total:.2}, more than the quota pool {pool:.2} (company_target x (1 + over_assignment))"
    )]
    FloorsAbovePool { total: f64, pool: f64 },
    #[error(
        "every rep's quota is pinned by an override, floor or cap; they add up to {fixed:.2}, not the pool {pool:.2}"
    )]
    AllPinned { fixed: f64, pool: f64 },
    #[error("the quotas cannot add up to the pool: every rep is pinned")]
    CannotRound,
    #[error("over-assignment must be greater than -1, found {0}")]
    OverAssignment(f64),
}

/// The quotas a run uses, by the scenario's method.
pub fn resolve(model: &Model, opts: &SimOptions) -> Result<QuotaSolution, QuotaError> {
    match model.quotas.method {
        QuotaMethod::Given => {
            let quotas = model
                .reps
                .iter()
                .map(|r| {
                    r.quota_override
                        .or(r.quota)
                        .map(crate::engine::to_cents)
                        .ok_or_else(|| QuotaError::MissingQuota(r.id.clone()))
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(QuotaSolution {
                method: QuotaMethod::Given,
                quotas,
                pool: None,
                p_star: None,
                pinned: Vec::new(),
            })
        }
        QuotaMethod::Proportional => proportional(model),
        QuotaMethod::EqualProbability => equal_probability(model, opts),
    }
}

fn pool(model: &Model) -> f64 {
    (model.company_target * (1.0 + model.quotas.over_assignment) * 100.0).round() / 100.0
}

/// Quotas proportional to expected sales (potential x coverage x expected
/// presence x productivity), so recent and planned hires carry quotas in
/// proportion to the months they are expected to sell.
pub fn proportional(model: &Model) -> Result<QuotaSolution, QuotaError> {
    let expected = model.expected_sales();
    let (quotas, pinned) = fill(model, |lambda, r| lambda * expected[r], 0.0, 1.0, false)?;
    Ok(QuotaSolution {
        method: QuotaMethod::Proportional,
        quotas,
        pool: Some(pool(model)),
        p_star: None,
        pinned,
    })
}

/// Every rep equally likely to reach quota. Simulates once (the same seed and
/// trials as the run, so the run's P(attain) lands on p*), then solves for
/// the common probability whose quotas add up to the pool.
pub fn equal_probability(model: &Model, opts: &SimOptions) -> Result<QuotaSolution, QuotaError> {
    let provisional = proportional(model)?.quotas;
    // Under --precision `trials` is only a cap; calibrate on a fixed count.
    let calib = SimOptions {
        analytics: false,
        precision: None,
        trials: if opts.precision.is_some() {
            opts.trials.min(200_000)
        } else {
            opts.trials
        },
        ..opts.clone()
    };
    let res = engine::run(model, &provisional, &calib, None)?;
    // Quota reached with probability p: the (1 - p) quantile of sales.
    let (quotas, pinned) = fill(
        model,
        |p, r| res.reps[r].sales_quantile(1.0 - p),
        0.0,
        1.0,
        true,
    )?;
    let p_star = solve_p(model, &res, &quotas, &pinned);
    Ok(QuotaSolution {
        method: QuotaMethod::EqualProbability,
        quotas,
        pool: Some(pool(model)),
        p_star: Some(p_star),
        pinned,
    })
}

/// The parameter at which the free reps' quotas were set (re-derived for the report).
fn solve_p(model: &Model, res: &engine::SimResult, quotas: &[f64], pinned: &[(usize, Pin)]) -> f64 {
    let free: Vec<usize> = (0..model.reps.len())
        .filter(|r| !pinned.iter().any(|p| p.0 == *r))
        .collect();
    if free.is_empty() {
        return f64::NAN;
    }
    let target: f64 = free.iter().map(|&r| quotas[r]).sum();
    let (mut lo, mut hi) = (0.0, 1.0);
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        let s: f64 = free
            .iter()
            .map(|&r| res.reps[r].sales_quantile(1.0 - mid))
            .sum();
        if s > target { lo = mid } else { hi = mid }
    }
    0.5 * (lo + hi)
}

/// Quotas and the reps held at an override, floor or cap.
type Filled = (Vec<f64>, Vec<(usize, Pin)>);

/// Sets quotas `f(x, rep)` for the reps not pinned, with one common `x`
/// found by bisection so all quotas add up to the pool. Overrides are kept;
/// a rep whose quota falls outside its floor or cap is pinned there and the
/// others absorb the difference. `f` is increasing in `x` unless
/// `decreasing`. Rounded to cents, exactly.
fn fill(
    model: &Model,
    f: impl Fn(f64, usize) -> f64,
    lo0: f64,
    hi0: f64,
    decreasing: bool,
) -> Result<Filled, QuotaError> {
    let n = model.reps.len();
    let pool = pool(model);
    let mut quotas = vec![0.0; n];
    let mut pinned: Vec<(usize, Pin)> = Vec::new();
    for (r, rep) in model.reps.iter().enumerate() {
        if let Some(o) = rep.quota_override {
            pinned.push((r, Pin::Override));
            quotas[r] = o;
        }
    }
    loop {
        let fixed: f64 = pinned.iter().map(|&(r, _)| quotas[r]).sum();
        let rest = pool - fixed;
        let free: Vec<usize> = (0..n)
            .filter(|r| !pinned.iter().any(|p| p.0 == *r))
            .collect();
        let floors: f64 = free
            .iter()
            .map(|&r| model.reps[r].quota_floor.unwrap_or(0.0))
            .sum();
        if floors > rest + 0.005 {
            return Err(QuotaError::FloorsAbovePool {
                total: fixed + floors,
                pool,
            });
        }
        if free.is_empty() {
            if rest.abs() > 0.005 {
                return Err(QuotaError::AllPinned { fixed, pool });
            }
            break;
        }
        let total = |x: f64| free.iter().map(|&r| f(x, r)).sum::<f64>();
        let mut hi = hi0;
        if !decreasing {
            for _ in 0..200 {
                if total(hi) >= rest {
                    break;
                }
                hi *= 2.0;
            }
        }
        let (mut lo, mut up) = (lo0, hi);
        for _ in 0..200 {
            let mid = 0.5 * (lo + up);
            if (total(mid) < rest) != decreasing {
                lo = mid;
            } else {
                up = mid;
            }
        }
        let x = 0.5 * (lo + up);
        let mut changed = false;
        for &r in &free {
            let raw = f(x, r);
            let rep = &model.reps[r];
            if let Some(c) = rep.quota_cap.filter(|&c| raw > c) {
                pinned.push((r, Pin::Cap));
                quotas[r] = c;
                changed = true;
            } else if let Some(fl) = rep.quota_floor.filter(|&fl| raw < fl) {
                pinned.push((r, Pin::Floor));
                quotas[r] = fl;
                changed = true;
            }
        }
        if !changed {
            for &r in &free {
                quotas[r] = f(x, r);
            }
            break;
        }
    }
    round_to_pool(model, &mut quotas, &pinned, pool)?;
    Ok((quotas, pinned))
}

/// Rounds to cents and puts the rounding residue on the largest free quota,
/// so the quotas add up to the pool exactly.
fn round_to_pool(
    model: &Model,
    quotas: &mut [f64],
    pinned: &[(usize, Pin)],
    pool: f64,
) -> Result<(), QuotaError> {
    let mut cents: Vec<i64> = quotas.iter().map(|q| (q * 100.0).round() as i64).collect();
    let want = (pool * 100.0).round() as i64;
    let diff = want - cents.iter().sum::<i64>();
    let free = (0..model.reps.len())
        .filter(|r| !pinned.iter().any(|p| p.0 == *r))
        .max_by(|&a, &b| cents[a].cmp(&cents[b]).then(b.cmp(&a)));
    match free {
        Some(r) => cents[r] += diff,
        None if diff != 0 => {
            return Err(QuotaError::CannotRound);
        }
        None => {}
    }
    for (q, c) in quotas.iter_mut().zip(cents) {
        *q = c as f64 / 100.0;
    }
    Ok(())
}
