//! What the report's quota planner needs: each planned rep's simulated
//! sales distribution as a grid of quantiles, and the comp plan. A rep's
//! sales do not depend on its quota, so P(attain) and the expected payout
//! for any quota follow from that distribution without simulating again.
//! Written by `simulate` as `planner.json`.

use super::Summary;
use super::fairness::{FAIR_HIGH, FAIR_LOW};
use crate::engine::SimResult;
use crate::model::Model;
use crate::stats::{Histogram, Proportion};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Quantiles per rep when few reps are planned: P(attain) steps of 0.001.
pub const MAX_QUANTILES: usize = 1000;
/// Fewest quantiles per rep, however many reps are planned.
pub const MIN_QUANTILES: usize = 200;
/// Numbers the page may embed in all (about 5 bytes each): above
/// `NUMBER_BUDGET / MAX_QUANTILES` planned reps the grid gets coarser.
pub const NUMBER_BUDGET: usize = 200_000;

/// The quantiles per rep for `reps` planned reps.
pub fn quantile_count(reps: usize) -> usize {
    (NUMBER_BUDGET / reps.max(1)).clamp(MIN_QUANTILES, MAX_QUANTILES)
}

/// One planned rep: its quota and its sales distribution.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PlannerRep {
    pub id: String,
    pub name: String,
    /// The quota of the run.
    pub quota: f64,
    /// Closed-form expected sales before market risks (what `proportional`
    /// quotas follow).
    pub expected: f64,
    /// Simulated mean sales.
    pub mean: f64,
    /// P(sales >= quota) counted in the run's trials.
    pub p_attain: f64,
    /// Largest difference between a P(attain) read from the grid and the
    /// share of the run's trials reaching that quota (see [`PlannerRep::error`]).
    pub err: f64,
    /// The quantiles are integers times `unit` (a power of ten at most a
    /// thousandth of the histogram's bin).
    pub unit: f64,
    /// The smallest sales (quantile 0), in units.
    pub q0: i64,
    /// Differences of consecutive quantiles `k / K`, k = 1..=K, in units.
    pub d: Vec<i64>,
}

/// The comp plan as the page computes it (the same functions as
/// [`crate::model::CompPlan`]).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PlannerComp {
    pub target_incentive: f64,
    pub curve: Vec<[f64; 2]>,
    pub commission: Vec<[f64; 2]>,
    /// Each rep's expected share of the team bonus pool: it depends on the
    /// team's sales only, so no quota changes it.
    pub bonus_per_rep: f64,
}

/// Everything the planner embeds.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PlannerData {
    pub version: String,
    pub currency: String,
    pub target: f64,
    /// The scenario's over-assignment (for computed quotas).
    pub over_assignment: f64,
    pub trials: u64,
    /// Quantiles per rep (the grid's step in probability is `1 / quantiles`).
    pub quantiles: usize,
    /// The fairness band: P(attain) outside it is flagged.
    pub fair: [f64; 2],
    /// Reps not planned (a run too large to list every rep): their count
    /// and quotas, held as they are.
    pub fixed_reps: usize,
    pub fixed_quota: f64,
    pub comp: Option<PlannerComp>,
    pub reps: Vec<PlannerRep>,
}

impl PlannerData {
    /// The largest error of any planned rep's P(attain).
    pub fn max_error(&self) -> f64 {
        self.reps.iter().map(|r| r.err).fold(0.0, f64::max)
    }
}

impl PlannerRep {
    /// The quantiles `k / K`, k = 0..=K, decoded.
    pub fn quantiles(&self) -> Vec<f64> {
        let mut at = self.q0;
        let mut out = Vec::with_capacity(self.d.len() + 1);
        out.push(at as f64 * self.unit);
        for &d in &self.d {
            at += d;
            out.push(at as f64 * self.unit);
        }
        out
    }

    /// P(sales >= quota) read from the grid, as the page reads it: one
    /// minus the share below `quota`, linear between quantiles.
    pub fn p_attain_at(&self, quota: f64) -> f64 {
        p_from_grid(&self.quantiles(), quota)
    }
}

/// P(X >= q) from quantiles at `k / K`: 1 at or below the smallest, 0
/// above the largest, else one minus the interpolated share below `q`.
/// The page's `pAttain` is this function.
pub fn p_from_grid(qs: &[f64], q: f64) -> f64 {
    let k_max = qs.len() - 1;
    if k_max == 0 {
        return if q <= qs[0] { 1.0 } else { 0.0 };
    }
    if q <= qs[0] {
        return 1.0;
    }
    if q > qs[k_max] {
        return 0.0;
    }
    // The last quantile strictly below q.
    let k = qs.partition_point(|&x| x < q) - 1;
    let (a, b) = (qs[k], qs[k + 1]);
    let frac = if b > a { (q - a) / (b - a) } else { 1.0 };
    1.0 - (k as f64 + frac) / k_max as f64
}

/// The error of a grid read against the trials' own share: the grid's step
/// `1 / K`; the histogram's interpolation within a bin (at most the largest
/// share of trials in one bin, or in the overflow above it); and rounding
/// the quantiles to `unit` (at most the share within `unit` of a value).
fn error(h: &Histogram, k: usize, unit: f64) -> f64 {
    let raw = h.to_raw();
    let n = h.total().max(1) as f64;
    let biggest = raw.counts.iter().copied().max().unwrap_or(0) as f64 / n;
    let over = raw.overflow as f64 / n;
    let w = h.resolution();
    let top = w * raw.counts.len() as f64;
    let (_, max) = h.range();
    let over_width = max - top;
    let rounding = if w > 0.0 {
        let in_bins = biggest * (unit / w).min(1.0);
        let in_over = if over_width > 0.0 {
            over * (unit / over_width).min(1.0)
        } else {
            over
        };
        in_bins.max(in_over)
    } else {
        0.0
    };
    1.0 / k as f64 + biggest.max(over) + rounding
}

/// A power of ten at most a thousandth of `width` (1 for no width).
fn unit_for(width: f64) -> f64 {
    if width > 0.0 && width.is_finite() {
        10f64.powf((width / 1000.0).log10().floor())
    } else {
        1.0
    }
}

/// The planner's data for a run: the reps `summary` lists (every rep up
/// to [`super::MAX_LISTED_REPS`], else the worst and best; the rest are
/// held fixed).
pub fn planner_data(model: &Model, res: &SimResult, summary: &Summary) -> PlannerData {
    let index: HashMap<&str, usize> = model
        .reps
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let planned: Vec<usize> = summary
        .reps
        .iter()
        .filter_map(|r| index.get(r.id.as_str()).copied())
        .collect();
    let k = quantile_count(planned.len());
    let ps: Vec<f64> = (0..=k).map(|i| i as f64 / k as f64).collect();
    let expected = model.expected_sales();
    let reps = planned
        .iter()
        .map(|&i| {
            let st = &res.reps[i];
            let unit = unit_for(st.hist.resolution());
            let ints: Vec<i64> = st
                .hist
                .quantiles(&ps)
                .into_iter()
                .map(|x| {
                    if x.is_finite() {
                        (x / unit).round() as i64
                    } else {
                        0
                    }
                })
                .collect();
            PlannerRep {
                id: model.reps[i].id.clone(),
                name: model.reps[i].name.clone(),
                quota: res.quotas[i],
                expected: expected[i],
                mean: st.sales.mean,
                p_attain: Proportion::new(st.hits, res.trials.max(1)).p(),
                err: error(&st.hist, k, unit),
                unit,
                q0: ints[0],
                d: ints.windows(2).map(|w| w[1] - w[0]).collect(),
            }
        })
        .collect();
    let is_planned: std::collections::HashSet<usize> = planned.iter().copied().collect();
    let fixed: Vec<usize> = (0..model.reps.len())
        .filter(|i| !is_planned.contains(i))
        .collect();
    let comp = model.comp_plan.as_ref().map(|c| {
        let paid = res
            .team
            .iter()
            .filter(|&&t| c.team_bonus_pool(t / model.company_target) > 0.0)
            .count() as f64;
        let pool = c.team_bonus.as_ref().map_or(0.0, |b| b.pool);
        PlannerComp {
            target_incentive: c.target_incentive,
            curve: c.curve.iter().map(|&(a, m)| [a, m]).collect(),
            commission: c.commission.iter().map(|&(s, r)| [s, r]).collect(),
            bonus_per_rep: if res.team.is_empty() {
                0.0
            } else {
                pool / model.reps.len().max(1) as f64 * paid / res.team.len() as f64
            },
        }
    });
    PlannerData {
        version: env!("CARGO_PKG_VERSION").to_string(),
        currency: summary.currency.clone(),
        target: model.company_target,
        over_assignment: model.quotas.over_assignment,
        trials: res.trials,
        quantiles: k,
        fair: [FAIR_LOW, FAIR_HIGH],
        fixed_reps: fixed.len(),
        fixed_quota: fixed.iter().map(|&i| res.quotas[i]).sum(),
        comp,
        reps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_reads_are_one_minus_the_interpolated_share_below() {
        let qs = [10.0, 20.0, 20.0, 40.0, 50.0];
        assert_eq!(p_from_grid(&qs, 5.0), 1.0);
        assert_eq!(p_from_grid(&qs, 10.0), 1.0);
        assert!((p_from_grid(&qs, 15.0) - 0.875).abs() < 1e-12);
        // A point mass at 20 holds a quarter: P(X >= 20) counts it.
        assert!((p_from_grid(&qs, 20.0) - 0.75).abs() < 1e-12);
        assert!((p_from_grid(&qs, 30.0) - 0.375).abs() < 1e-12);
        assert_eq!(p_from_grid(&qs, 50.0), 0.0);
        assert_eq!(p_from_grid(&qs, 50.1), 0.0);
        assert_eq!(p_from_grid(&[7.0], 7.0), 1.0);
    }

    #[test]
    fn quantile_count_stays_within_its_bounds() {
        assert_eq!(quantile_count(1), MAX_QUANTILES);
        assert_eq!(quantile_count(200), MAX_QUANTILES);
        assert_eq!(quantile_count(1000), 200);
        assert_eq!(quantile_count(100_000), MIN_QUANTILES);
    }

    #[test]
    fn units_are_powers_of_ten_below_a_thousandth_of_a_bin() {
        assert_eq!(unit_for(12_500.0), 10.0);
        assert_eq!(unit_for(9_999.0), 1.0);
        assert!((unit_for(0.37) - 1e-4).abs() < 1e-18);
        assert_eq!(unit_for(0.0), 1.0);
    }
}
