//! Quotas (docs/src/model.md, Quotas): given, proportional to expected
//! territory sales, or equal-probability (every rep equally likely to reach
//! quota). Computed quotas add up exactly (to the cent) to `company_target x (1
//! + over_assignment)`, keep manual overrides and respect floors and caps.

mod proposal;

pub use proposal::{Proposal, ProposalGroup, ProposalRow, given, propose};

use crate::engine::{self, EngineError, SimOptions};
use crate::model::money::{Cents, settle};
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
    #[error(
        "the computed quotas add up to {rest:.2}, not a multiple of round_to ({step}): make company_target x (1 + over_assignment), less the quotas held at an override, floor or cap, a multiple of round_to"
    )]
    RoundToRemainder { rest: f64, step: f64 },
    #[error(
        "rep `{rep}` would carry {quota:.2}, less than one round_to step ({step}); use a smaller [quotas] round_to"
    )]
    RoundToTooLarge { rep: String, quota: f64, step: f64 },
    #[error(
        "quotas cannot be rounded to multiples of {step} within the reps' quota_floor and quota_cap; use a smaller [quotas] round_to or loosen the bounds"
    )]
    RoundToBounds { step: f64 },
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
                        .map(crate::model::to_cents)
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
    crate::model::to_cents(model.company_target * (1.0 + model.quotas.over_assignment))
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
    round_to_pool(&mut quotas, &pinned, pool)?;
    if let Some(step) = model.quotas.round_to {
        round_to_step(model, &mut quotas, &pinned, step)?;
    }
    Ok((quotas, pinned))
}

/// Rounds to cents and puts the rounding residue on the largest free quota,
/// so the quotas add up to the pool exactly.
fn round_to_pool(quotas: &mut [f64], pinned: &[(usize, Pin)], pool: f64) -> Result<(), QuotaError> {
    let free = |r: usize, _| !pinned.iter().any(|p| p.0 == r);
    let cents = settle(quotas, pool, free).ok_or(QuotaError::CannotRound)?;
    for (q, c) in quotas.iter_mut().zip(cents) {
        *q = c.amount();
    }
    Ok(())
}

/// `[quotas] round_to`: the free quotas (not held at an override, floor or
/// cap) become multiples of `step` and still add up to what they added up
/// to, by the largest remainder method in whole cents: each is rounded
/// down to a multiple, then the steps left over go one each to the reps
/// with the largest remainders, ties to the earlier rep in scenario
/// order. A rep rounded down below its floor gets its step first; a rep
/// whose step would take it above its cap gets none.
fn round_to_step(
    model: &Model,
    quotas: &mut [f64],
    pinned: &[(usize, Pin)],
    step: f64,
) -> Result<(), QuotaError> {
    let cents = |x: f64| Cents::nearest(x).0;
    let unit = cents(step);
    let free: Vec<usize> = (0..model.reps.len())
        .filter(|r| !pinned.iter().any(|p| p.0 == *r))
        .collect();
    if free.is_empty() || unit <= 0 {
        return Ok(());
    }
    let exact: Vec<i64> = free.iter().map(|&r| cents(quotas[r])).collect();
    let rest: i64 = exact.iter().sum();
    if rest % unit != 0 {
        return Err(QuotaError::RoundToRemainder {
            rest: rest as f64 / 100.0,
            step,
        });
    }
    if let Some((i, _)) = exact
        .iter()
        .enumerate()
        .filter(|(_, e)| **e < unit)
        .min_by_key(|(i, e)| (**e, *i))
    {
        return Err(QuotaError::RoundToTooLarge {
            rep: model.reps[free[i]].id.clone(),
            quota: exact[i] as f64 / 100.0,
            step,
        });
    }
    let mut units: Vec<i64> = exact.iter().map(|e| e.div_euclid(unit)).collect();
    let mut left = rest / unit - units.iter().sum::<i64>();
    // Largest remainder first; ties by rep order.
    let mut order: Vec<usize> = (0..free.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(exact[i].rem_euclid(unit)), i));
    let floor = |i: usize| model.reps[free[i]].quota_floor.map_or(0, cents);
    let cap = |i: usize| model.reps[free[i]].quota_cap.map_or(i64::MAX, cents);
    let must: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| units[i] * unit < floor(i))
        .collect();
    for &i in &must {
        units[i] += 1;
        left -= 1;
    }
    for &i in &order {
        if left <= 0 {
            break;
        }
        if must.contains(&i) || (units[i] + 1) * unit > cap(i) {
            continue;
        }
        units[i] += 1;
        left -= 1;
    }
    let within = (0..free.len()).all(|i| units[i] * unit >= floor(i) && units[i] * unit <= cap(i));
    if left != 0 || !within {
        return Err(QuotaError::RoundToBounds { step });
    }
    for (i, &r) in free.iter().enumerate() {
        quotas[r] = (units[i] * unit) as f64 / 100.0;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(quotas: &[(f64, Option<f64>, Option<f64>)]) -> Model {
        let text = quotas
            .iter()
            .enumerate()
            .map(|(i, _)| format!("[[reps]]\nid = \"R{i}\"\n"))
            .collect::<String>();
        let doc = format!(
            "[scenario]\ncompany_target = 1000000\n[quotas]\nmethod = \"proportional\"\n{text}[[units]]\nid = \"U\"\npotential = 1000\nowner = \"R0\"\n"
        );
        let loaded = crate::scenario::load(
            "t.toml",
            &doc,
            &crate::scenario::MemoryLoader(Vec::new()),
            crate::scenario::Purpose::Simulate,
        );
        let mut m = loaded.scenario.expect("a valid scenario").model;
        for (r, &(_, floor, cap)) in m.reps.iter_mut().zip(quotas) {
            r.quota_floor = floor;
            r.quota_cap = cap;
        }
        m
    }

    #[test]
    fn largest_remainder_on_a_hand_computed_example() {
        // 100,000 in steps of 10,000: floors 30,000 + 30,000 + 30,000 =
        // 90,000 leave one step; remainders 4,000, 3,000 and 3,000 -> the
        // first rep gets it.
        let m = model(&[(0.0, None, None); 3]);
        let mut q = vec![34_000.0, 33_000.0, 33_000.0];
        round_to_step(&m, &mut q, &[], 10_000.0).unwrap();
        assert_eq!(q, vec![40_000.0, 30_000.0, 30_000.0]);
        // Remainders 5,000 / 5,000 / 0 with one step left: the tie goes to
        // the earlier rep.
        let mut q = vec![25_000.0, 25_000.0, 50_000.0];
        round_to_step(&m, &mut q, &[], 10_000.0).unwrap();
        assert_eq!(q, vec![30_000.0, 20_000.0, 50_000.0]);
        // Two steps left among remainders 9,000 / 6,000 / 5,000: the two largest.
        let mut q = vec![19_000.0, 16_000.0, 65_000.0];
        round_to_step(&m, &mut q, &[], 10_000.0).unwrap();
        assert_eq!(q, vec![20_000.0, 20_000.0, 60_000.0]);
    }

    #[test]
    fn pinned_quotas_stay_and_bounds_hold() {
        let m = model(&[
            (0.0, None, None),
            (0.0, None, Some(20_000.0)),
            (0.0, None, None),
        ]);
        // Rep 1 may not go up to 20,000 + 10,000... its cap is 20,000, so it
        // may round to 20,000 but not 30,000; rep 0 is pinned.
        let mut q = vec![12_345.67, 19_000.0, 41_000.0];
        round_to_step(&m, &mut q, &[(0, Pin::Override)], 10_000.0).unwrap();
        assert_eq!(q, vec![12_345.67, 20_000.0, 40_000.0]);
        let capped = model(&[(0.0, None, Some(15_000.0)), (0.0, None, None)]);
        let mut q = vec![14_000.0, 16_000.0];
        round_to_step(&capped, &mut q, &[], 10_000.0).unwrap();
        assert_eq!(
            q,
            vec![10_000.0, 20_000.0],
            "the cap keeps rep 0 from the larger remainder"
        );
        let floored = model(&[(0.0, None, None), (0.0, Some(15_000.0), None)]);
        let mut q = vec![24_000.0, 16_000.0];
        round_to_step(&floored, &mut q, &[], 10_000.0).unwrap();
        assert_eq!(
            q,
            vec![20_000.0, 20_000.0],
            "the floor takes the step first"
        );
    }

    #[test]
    fn a_total_off_the_grid_and_a_step_above_a_quota_are_refused() {
        let m = model(&[(0.0, None, None); 2]);
        let mut q = vec![15_000.0, 10_001.0];
        assert!(matches!(
            round_to_step(&m, &mut q, &[], 10_000.0),
            Err(QuotaError::RoundToRemainder { .. })
        ));
        let mut q = vec![5_000.0, 15_000.0];
        let e = round_to_step(&m, &mut q, &[], 10_000.0).unwrap_err();
        assert_eq!(
            e.to_string(),
            "rep `R0` would carry 5000.00, less than one round_to step (10000); use a smaller [quotas] round_to"
        );
    }
}
