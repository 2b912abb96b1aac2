//! The model compiled for speed: units grouped by the set of shocks and events
//! that reach them, sums kept per (rep, group) slot. The trial result equals
//! the per-unit formula of docs/src/model.md; only the order of work changes.

use crate::model::dist::Dist;
use crate::model::money::{Cents, settle, to_cents};
use crate::model::{Model, RiskKind};
use nalgebra::DMatrix;
use std::collections::HashMap;
use std::ops::Range;

pub(crate) enum CopulaKind {
    Shock,
    Event {
        probability: f64,
        from: u32,
        to: u32,
    },
}

pub(crate) struct CopulaRisk {
    pub kind: CopulaKind,
    pub impact: Dist,
}

pub(crate) struct LossRisk {
    pub probability: f64,
    pub impact: Dist,
    /// (unit index, slot) of every unit in scope.
    pub units: Vec<(u32, u32)>,
}

/// A unit whose sales arrive as deals (docs/src/model.md, Deals): its
/// smooth expected flow is in the slot sums like any unit's, and the trial
/// adds the deviation of the compound Poisson draw from that flow.
pub(crate) struct DealUnit {
    pub unit: u32,
    pub slot: u32,
    /// Expected deals over the horizon (λ × months / 12); month m expects
    /// `per_horizon × s_m`.
    pub per_horizon: f64,
    /// Location and scale of a deal's log size, for a mean size of 1.
    pub ln_mu: f64,
    pub ln_sigma: f64,
}

pub(crate) struct RepPlan {
    pub quota: f64,
    /// Quota of each quarter, and year to date at the end of each quarter.
    pub quarter_quota: Vec<f64>,
    pub ytd_quota: Vec<f64>,
    pub coverage: f64,
    pub leave_probability: f64,
    /// Leaving month is uniform over `leave_from..=leave_to`.
    pub leave_from: usize,
    pub leave_to: usize,
    pub productivity: Dist,
    /// Presence by month: row 0 when the rep stays, row `L` when it leaves in month L.
    pub presence: Vec<Vec<f64>>,
}

pub(crate) struct RepGroupPlan {
    pub reps: Vec<u32>,
    pub quota: f64,
}

pub(crate) struct Plan {
    pub months: usize,
    pub seasonality: Vec<f64>,
    pub copula: Vec<CopulaRisk>,
    /// Lower-triangular (or general) factor of the copula correlation; None = independent.
    pub factor: Option<DMatrix<f64>>,
    /// Copula-risk indices per group.
    pub groups: Vec<Vec<usize>>,
    /// (rep, group) per slot.
    pub slots: Vec<(u32, u32)>,
    /// Constant potential per slot from units without uncertainty.
    pub fixed_base: Vec<f64>,
    /// Log-normal units: location and scale of the log, and slot.
    pub ln_loc: Vec<f64>,
    pub ln_sigma: Vec<f64>,
    pub ln_slot: Vec<u32>,
    pub ln_unit: Vec<u32>,
    /// Units with another potential distribution.
    pub other: Vec<(u32, u32, Dist)>,
    pub losses: Vec<LossRisk>,
    /// Fixed potentials per unit (used when a fixed unit suffers a loss).
    pub fixed_potential: Vec<f64>,
    pub reps: Vec<RepPlan>,
    /// Roll-ups of reps ([`Model::rep_groups`]): members and the sum of
    /// their quotas (added in rep order).
    pub rep_groups: Vec<RepGroupPlan>,
    /// Quarter of each month.
    pub quarter_of: Vec<usize>,
    pub quarters: usize,
    pub quarter_target: Vec<f64>,
    /// Seasonality share of each quarter.
    pub quarter_share: Vec<f64>,
    /// Model risk index of each copula risk and of each loss risk.
    pub copula_risk: Vec<usize>,
    pub loss_risk: Vec<usize>,
    /// Groups each copula risk reaches.
    pub groups_of_copula: Vec<Vec<u32>>,
    /// Share of the year's seasonality from month index m on.
    pub season_tail: Vec<f64>,
    /// Units with deal lumpiness, in unit order.
    pub deals: Vec<DealUnit>,
    /// Per deal unit and month: expected deals, its reciprocal (0 for a
    /// month without sales) and the chance of none, `exp(-rate)`.
    pub deal_rate: Vec<f64>,
    pub deal_inv_rate: Vec<f64>,
    pub deal_p0: Vec<f64>,
    /// Slot of each unit (`u32::MAX` for an unowned unit).
    pub unit_slot: Vec<u32>,
    /// Work out each unit's sales per trial (see `kernel::unit_totals`).
    pub unit_detail: bool,
    /// Closed months of an in-year re-forecast, and their booked sales per
    /// rep (`rep * actual_months + m`).
    pub actual_months: usize,
    pub actual_rep_month: Vec<f64>,
    /// Index into `deals` per unit (`u32::MAX` for a smooth unit); empty
    /// when no unit has deals.
    pub deal_of_unit: Vec<u32>,
    /// The slots with deal units, ascending.
    pub deal_slots: Vec<u32>,
    /// Quantile tables of the deal classes (set by the run, from its seed),
    /// or `None` to draw every deal.
    pub deal_tables: Option<super::deals::DealTables>,
}

impl Plan {
    pub fn new(model: &Model, quotas: &[f64]) -> Plan {
        let quarters = model.quarters();
        let months = model.months;
        let copula_idx = model.copula_risks();
        let Slots {
            groups,
            slots,
            unit_slot,
        } = Slots::new(model, &copula_idx);
        let pot = Potentials::new(model, &unit_slot, slots.len());
        let deals = Deals::new(model, &unit_slot);
        let copula = copula_risks(model, &copula_idx);
        let losses = loss_risks(model, &unit_slot);
        let reps = rep_plans(model, quotas, &quarters);
        let factor = model
            .correlation
            .as_ref()
            .filter(|c| !c.is_identity(0.0))
            .map(crate::model::correlation::factor);
        let (quarter_of, quarter_target) = quarter_targets(model, &quarters);
        let loss_risk: Vec<usize> = model
            .risks
            .iter()
            .enumerate()
            .filter(|(_, r)| matches!(r.kind, RiskKind::AccountLoss { .. }))
            .map(|(i, _)| i)
            .collect();
        let mut groups_of_copula = vec![Vec::new(); copula_idx.len()];
        for (g, members) in groups.iter().enumerate() {
            for &k in members {
                groups_of_copula[k].push(g as u32);
            }
        }
        let season_tail = (0..months)
            .map(|m| model.seasonality[m..].iter().sum())
            .collect();
        let rep_groups = model
            .rep_groups()
            .into_iter()
            .map(|g| RepGroupPlan {
                quota: g.reps.iter().map(|&r| quotas[r]).sum(),
                reps: g.reps.iter().map(|&r| r as u32).collect(),
            })
            .collect();
        Plan {
            rep_groups,
            months,
            seasonality: model.seasonality.clone(),
            copula,
            factor,
            groups,
            slots,
            fixed_base: pot.fixed_base,
            ln_loc: pot.ln_loc,
            ln_sigma: pot.ln_sigma,
            ln_slot: pot.ln_slot,
            ln_unit: pot.ln_unit,
            other: pot.other,
            losses,
            fixed_potential: pot.fixed_potential,
            reps,
            quarter_of,
            quarters: quarters.len(),
            quarter_share: quarters
                .iter()
                .map(|r| r.clone().map(|m| model.seasonality[m]).sum())
                .collect(),
            quarter_target,
            copula_risk: copula_idx.clone(),
            loss_risk,
            groups_of_copula,
            season_tail,
            deals: deals.units,
            deal_rate: deals.rate,
            deal_inv_rate: deals.inv_rate,
            deal_p0: deals.p0,
            deal_of_unit: deals.of_unit,
            deal_slots: deals.slots,
            deal_tables: None,
            unit_slot,
            unit_detail: false,
            actual_months: model.actuals.as_ref().map_or(0, |a| a.months),
            actual_rep_month: model
                .actuals
                .as_ref()
                .map_or_else(Vec::new, |a| a.rep_month.clone()),
        }
    }
}

/// Units grouped by the set of copula risks that reach them, and the
/// (rep, group) slots whose sums the kernel keeps.
struct Slots {
    groups: Vec<Vec<usize>>,
    slots: Vec<(u32, u32)>,
    unit_slot: Vec<u32>,
}

impl Slots {
    fn new(model: &Model, copula_idx: &[usize]) -> Self {
        let mut unit_risks: Vec<Vec<usize>> = vec![Vec::new(); model.units.len()];
        for (ci, &ri) in copula_idx.iter().enumerate() {
            for &u in &model.risks[ri].units {
                unit_risks[u].push(ci);
            }
        }
        let mut group_of: HashMap<Vec<usize>, usize> = HashMap::new();
        let mut groups = Vec::new();
        let mut slot_of: HashMap<(usize, usize), usize> = HashMap::new();
        let mut slots = Vec::new();
        let mut unit_slot = vec![u32::MAX; model.units.len()];
        for (u, unit) in model.units.iter().enumerate() {
            let Some(rep) = unit.owner else { continue };
            let g = *group_of.entry(unit_risks[u].clone()).or_insert_with(|| {
                groups.push(unit_risks[u].clone());
                groups.len() - 1
            });
            let s = *slot_of.entry((rep, g)).or_insert_with(|| {
                slots.push((rep as u32, g as u32));
                slots.len() - 1
            });
            unit_slot[u] = s as u32;
        }
        Slots {
            groups,
            slots,
            unit_slot,
        }
    }
}

/// The owned units' potentials by how they are drawn: constant ones
/// summed per slot, log-normal ones by the location and scale of their
/// log, any other distribution as it is.
struct Potentials {
    fixed_base: Vec<f64>,
    fixed_potential: Vec<f64>,
    ln_loc: Vec<f64>,
    ln_sigma: Vec<f64>,
    ln_slot: Vec<u32>,
    ln_unit: Vec<u32>,
    other: Vec<(u32, u32, Dist)>,
}

impl Potentials {
    fn new(model: &Model, unit_slot: &[u32], slots: usize) -> Self {
        let mut fixed_base = vec![0.0; slots];
        let mut fixed_potential = vec![0.0; model.units.len()];
        let (mut ln_loc, mut ln_sigma, mut ln_slot, mut ln_unit, mut other) =
            (vec![], vec![], vec![], vec![], vec![]);
        for (u, unit) in model.units.iter().enumerate() {
            let s = unit_slot[u];
            if s == u32::MAX {
                continue;
            }
            match &unit.potential {
                Dist::Fixed(v) => {
                    fixed_base[s as usize] += v;
                    fixed_potential[u] = *v;
                }
                Dist::LogNormal { mean, sd } if *sd == 0.0 => {
                    fixed_base[s as usize] += mean;
                    fixed_potential[u] = *mean;
                }
                Dist::LogNormal { mean, sd } => {
                    let s2 = (1.0 + (sd / mean).powi(2)).ln();
                    ln_loc.push(mean.ln() - 0.5 * s2);
                    ln_sigma.push(s2.sqrt());
                    ln_slot.push(s);
                    ln_unit.push(u as u32);
                }
                d => other.push((u as u32, s, d.clone())),
            }
        }
        Potentials {
            fixed_base,
            fixed_potential,
            ln_loc,
            ln_sigma,
            ln_slot,
            ln_unit,
            other,
        }
    }
}

/// The owned units with deal lumpiness and their monthly deal rates (see
/// the fields of [`Plan`] of the same names).
struct Deals {
    units: Vec<DealUnit>,
    of_unit: Vec<u32>,
    slots: Vec<u32>,
    rate: Vec<f64>,
    inv_rate: Vec<f64>,
    p0: Vec<f64>,
}

impl Deals {
    fn new(model: &Model, unit_slot: &[u32]) -> Self {
        let months = model.months;
        let mut deals = Vec::new();
        let mut deal_of_unit = Vec::new();
        for (u, unit) in model.units.iter().enumerate() {
            let (Some(d), s) = (unit.deals, unit_slot[u]) else {
                continue;
            };
            if s == u32::MAX {
                continue;
            }
            if deal_of_unit.is_empty() {
                deal_of_unit = vec![u32::MAX; model.units.len()];
            }
            deal_of_unit[u] = deals.len() as u32;
            let s2 = d.size_cv.powi(2).ln_1p();
            deals.push(DealUnit {
                unit: u as u32,
                slot: s,
                per_horizon: d.per_year * months as f64 / 12.0,
                ln_mu: -0.5 * s2,
                ln_sigma: s2.sqrt(),
            });
        }
        let mut deal_slots: Vec<u32> = deals.iter().map(|d| d.slot).collect();
        deal_slots.sort_unstable();
        deal_slots.dedup();
        let mut deal_rate = Vec::with_capacity(deals.len() * months);
        for du in &deals {
            deal_rate.extend(model.seasonality.iter().map(|s| du.per_horizon * s));
        }
        let deal_inv_rate = deal_rate
            .iter()
            .map(|&r| if r > 0.0 { 1.0 / r } else { 0.0 })
            .collect();
        let deal_p0 = deal_rate.iter().map(|&r| (-r).exp()).collect();
        Deals {
            units: deals,
            of_unit: deal_of_unit,
            slots: deal_slots,
            rate: deal_rate,
            inv_rate: deal_inv_rate,
            p0: deal_p0,
        }
    }
}

/// The copula risks (shocks and events), events with their start window
/// given the closed months.
fn copula_risks(model: &Model, copula_idx: &[usize]) -> Vec<CopulaRisk> {
    copula_idx
        .iter()
        .map(|&ri| {
            let r = &model.risks[ri];
            CopulaRisk {
                kind: match r.kind {
                    RiskKind::Event { probability, start } => {
                        let (probability, from, to) = event_window(model, probability, start);
                        CopulaKind::Event {
                            probability,
                            from,
                            to,
                        }
                    }
                    _ => CopulaKind::Shock,
                },
                impact: r.impact.clone(),
            }
        })
        .collect()
}

/// The account-loss risks, each with the owned units in its scope.
fn loss_risks(model: &Model, unit_slot: &[u32]) -> Vec<LossRisk> {
    model
        .risks
        .iter()
        .filter_map(|r| match r.kind {
            RiskKind::AccountLoss { probability } => Some(LossRisk {
                probability,
                impact: r.impact.clone(),
                units: r
                    .units
                    .iter()
                    .filter(|&&u| unit_slot[u] != u32::MAX)
                    .map(|&u| (u as u32, unit_slot[u]))
                    .collect(),
            }),
            _ => None,
        })
        .collect()
}

/// Each rep's plan: presence by leaving month, quarterly quotas, coverage
/// and leaving window.
fn rep_plans(model: &Model, quotas: &[f64], quarters: &[Range<usize>]) -> Vec<RepPlan> {
    let months = model.months;
    let workload = model.workload_by_rep();
    model
        .reps
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut presence = vec![
                (1..=months as u32)
                    .map(|m| r.base_presence(m))
                    .collect::<Vec<_>>(),
            ];
            for l in 1..=months as u32 {
                presence.push(
                    (1..=months as u32)
                        .map(|m| r.presence_after_leaving(m, l))
                        .collect(),
                );
            }
            let quarter_quota = quarter_quotas(model, i, quotas[i], quarters);
            let leave = leave_window(model, i);
            // Summed in cents, so the year to date is exact too.
            let ytd_quota = quarter_quota
                .iter()
                .scan(Cents(0), |acc, &q| {
                    acc.0 += Cents::nearest(q).0;
                    Some(acc.amount())
                })
                .collect();
            RepPlan {
                quota: quotas[i],
                quarter_quota,
                ytd_quota,
                coverage: r.coverage(workload[i]),
                leave_probability: leave.0,
                leave_from: leave.1,
                leave_to: leave.2,
                productivity: r.productivity.clone(),
                presence,
            }
        })
        .collect()
}

/// Rep `i`'s quota per quarter: as given, or its annual `quota` phased by
/// seasonality (and by its ramp, for a hire), in whole cents.
fn quarter_quotas(model: &Model, i: usize, quota: f64, quarters: &[Range<usize>]) -> Vec<f64> {
    let r = &model.reps[i];
    match &r.quarterly_quota {
        Some(q) => q.iter().map(|&x| to_cents(x)).collect(),
        None => {
            // Phased by seasonality; a hire's quota also follows
            // its ramp, so an absent quarter carries no quota.
            let ramping = r.start_month.is_some() || r.ramp_remaining.is_some();
            let w: Vec<f64> = (0..model.months)
                .map(|m| {
                    model.seasonality[m]
                        * if ramping {
                            r.base_presence(m as u32 + 1)
                        } else {
                            1.0
                        }
                })
                .collect();
            let total: f64 = w.iter().sum();
            let shares: Vec<f64> = quarters
                .iter()
                .map(|range| {
                    if total > 0.0 {
                        quota * range.clone().map(|m| w[m]).sum::<f64>() / total
                    } else {
                        0.0
                    }
                })
                .collect();
            phase_in_cents(quota, &shares)
        }
    }
}

/// The quarter of each month, and the company's target per quarter.
fn quarter_targets(model: &Model, quarters: &[Range<usize>]) -> (Vec<usize>, Vec<f64>) {
    let mut quarter_of = vec![0; model.months];
    let mut quarter_target = vec![0.0; quarters.len()];
    for (q, range) in quarters.iter().enumerate() {
        for m in range.clone() {
            quarter_of[m] = q;
            quarter_target[q] += model.company_target * model.seasonality[m];
        }
    }
    (quarter_of, quarter_target)
}

/// A rep's chance of leaving and the window of its leaving month, given
/// what the closed months showed: a rep that left did so in its month; one
/// that stayed can leave only later, with the model's probability
/// conditioned on not having left (leaving months are uniform, so
/// `q r / n / (1 - q (n - r) / n)` for `r` of `n` months remaining).
fn leave_window(model: &Model, r: usize) -> (f64, usize, usize) {
    let rep = &model.reps[r];
    let months = model.months;
    let first = rep.first_leave_month() as usize;
    let q = rep.leave_probability(months);
    let Some(a) = &model.actuals else {
        return (q, first, months);
    };
    if let Some(l) = a.left[r] {
        return (1.0, l as usize, l as usize);
    }
    let n = (months + 1).saturating_sub(first);
    let from = first.max(a.months + 1);
    if from > months || n == 0 {
        return (0.0, months.max(1), months.max(1));
    }
    let remaining = months + 1 - from;
    let passed = n - remaining;
    let (nf, rf, pf) = (n as f64, remaining as f64, passed as f64);
    (q * rf / nf / (1.0 - q * pf / nf), from, months)
}

/// An event's probability and start window given the closed months: a
/// window already past is resolved (the event did not start, unless it was
/// certain), and one the as-of date cuts keeps only its open months, with
/// the probability conditioned on no start so far.
fn event_window(model: &Model, p: f64, (from, to): (u32, u32)) -> (f64, u32, u32) {
    let Some(a) = &model.actuals else {
        return (p, from, to);
    };
    let known = a.months as u32;
    if p >= 1.0 || known < from {
        return (p, from, to);
    }
    if known >= to {
        return (0.0, from, to);
    }
    let (w, passed) = (f64::from(to - from + 1), f64::from(known - from + 1));
    (p * (w - passed) / w / (1.0 - p * passed / w), known + 1, to)
}

/// Quarterly shares of an annual quota in whole cents that add up to the
/// annual quota (in cents) exactly: the rounding residue goes to the
/// largest quarter.
fn phase_in_cents(annual: f64, shares: &[f64]) -> Vec<f64> {
    let cents = settle(shares, annual, |_, c| c.0 > 0)
        .unwrap_or_else(|| shares.iter().map(|&x| Cents::nearest(x)).collect());
    cents.into_iter().map(Cents::amount).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn phased_quotas_are_whole_cents_adding_up_to_the_annual() {
        let q = super::phase_in_cents(
            480_000.0,
            &[120_000.000_000_01, 119_999.999_999_99, 120_000.0, 120_000.0],
        );
        assert_eq!(q, vec![120_000.0; 4]);
        let q = super::phase_in_cents(100.0, &[33.333_333, 33.333_333, 33.333_334]);
        assert_eq!((q.iter().sum::<f64>() * 100.0).round(), 10_000.0);
        // Each is the double nearest to a whole number of cents.
        assert!(q.iter().all(|x| *x == (x * 100.0).round() / 100.0), "{q:?}");
    }
}
