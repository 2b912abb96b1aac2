//! A proposed alignment applied to the scenario: the new owners, the
//! quotas that follow the territories, and P(attain) before and after on
//! the same trials.

use super::balance::{AlignError, AlignOptions, Alignment, apply};
use super::risk::align;
use super::targets::{TargetBasis, target_basis};
use crate::engine::SimOptions;
use crate::model::money::{Cents, grouped, settle};
use crate::model::{Model, QuotaMethod};
use crate::simulation::simulate;

/// A unit's owner before and after a realignment.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitMove {
    pub unit: usize,
    /// The current owner's id ("" without one).
    pub old_owner: String,
    pub new_owner: String,
    /// It had an owner and now has another.
    pub moved: bool,
}

/// One territory of a realignment with what it holds and how likely its
/// rep is to reach quota before and after (same random numbers).
#[derive(Clone, Debug, PartialEq)]
pub struct TerritoryRow {
    pub id: String,
    pub name: String,
    /// Potential of its units: expected sales at full coverage in a
    /// neutral market.
    pub expected_sales: f64,
    pub workload_hours: f64,
    pub accounts: u64,
    /// Its share of the balanced total (see [`Realignment::targets`]).
    pub target_share: f64,
    /// Its rep's expected presence over the horizon
    /// ([`crate::model::Rep::horizon_presence`]).
    pub presence: f64,
    pub capacity_hours: Option<f64>,
    /// What its rep is expected to sell before market risks (potential ×
    /// coverage × mean productivity × presence, [`Model::expected_sales`]):
    /// today, when the territories are the reps and every unit has an
    /// owner, and with the new territory.
    pub rep_sales_before: Option<f64>,
    pub rep_sales_after: f64,
    /// The quota P before uses (the scenario's), and the one P after uses
    /// (see [`Realignment::after_quotas`]).
    pub quota_before: Option<f64>,
    pub quota_after: Option<f64>,
    /// Units it takes over from other reps and units it gives away (when
    /// the territories are the reps).
    pub units_gained: Option<usize>,
    pub units_lost: Option<usize>,
    /// Trials reaching quota today, when every unit has an owner, the
    /// territories are the reps and the scenario's quotas can be decided
    /// (out of [`Realignment::trials`]).
    pub hits_before: Option<u64>,
    /// Trials reaching quota with the new territories (`None` when there
    /// are no quotas to reach: no quotas and no company target).
    pub hits_after: Option<u64>,
}

impl TerritoryRow {
    /// Relative change of the rep's expected sales, when known.
    pub fn sales_change(&self) -> Option<f64> {
        self.rep_sales_before
            .filter(|b| *b > 0.0)
            .map(|b| self.rep_sales_after / b - 1.0)
    }
}

/// Which quotas the "after" simulation uses.
#[derive(Clone, Debug, PartialEq)]
pub enum AfterQuotas {
    /// The scenario's given quotas, re-derived in proportion to each new
    /// territory's expected sales at the same total (overrides, floors and
    /// caps kept).
    Refitted { total: f64 },
    /// The scenario's computed method on the new territories.
    Method(QuotaMethod),
    /// Proportional to expected sales at the company target: the reps had
    /// no quotas to keep, or the territories are new.
    Proportional,
    /// Nothing to reach: no quotas and no company target.
    Unknown,
}

impl AfterQuotas {
    /// What "P after" is measured against, for the table's header.
    pub fn describe(&self) -> String {
        match self {
            AfterQuotas::Refitted { total } => format!(
                "the given quotas re-derived in proportion to each new territory's expected sales, same total {}",
                grouped(*total)
            ),
            AfterQuotas::Method(m) => format!(
                "the scenario's quota method ({}) on the new territories",
                m.name()
            ),
            AfterQuotas::Proportional => {
                "quotas in proportion to each territory's expected sales at the company target (the reps had no quotas)".into()
            }
            AfterQuotas::Unknown => {
                "not simulated: no quotas and no company_target to derive them from".into()
            }
        }
    }

    /// The new scenario carries these quotas as given ones.
    pub fn written(&self) -> bool {
        matches!(
            self,
            AfterQuotas::Refitted { .. } | AfterQuotas::Proportional
        )
    }

    /// A short name for files.
    pub fn name(&self) -> &'static str {
        match self {
            AfterQuotas::Refitted { .. } => "given-refitted",
            AfterQuotas::Method(_) => "scenario-method",
            AfterQuotas::Proportional => "proportional",
            AfterQuotas::Unknown => "none",
        }
    }
}

/// A proposed alignment applied to the scenario, with the figures a sales
/// leader reads: per territory and per unit.
#[derive(Clone, Debug)]
pub struct Realignment {
    pub options: AlignOptions,
    pub alignment: Alignment,
    /// The scenario with the new owners (and `T01..Tk` reps when `k` is
    /// not the number of reps), with the quotas P after was simulated with.
    pub model: Model,
    pub territories: Vec<TerritoryRow>,
    pub moves: Vec<UnitMove>,
    /// The territories are the scenario's reps (`k` equals their number).
    pub same_reps: bool,
    /// What the targets rest on.
    pub targets: TargetBasis,
    /// Which quotas P after uses.
    pub after_quotas: AfterQuotas,
    pub trials: u64,
    pub seed: u64,
    /// Time the alignment took (every optimizer run and risk evaluation).
    pub elapsed: std::time::Duration,
}

impl Realignment {
    /// A given quota no longer fits its territory when the rep's expected
    /// sales move by more than this share while the quota stays.
    pub const QUOTA_FIT: f64 = 0.10;

    /// Territories whose given quota no longer fits: the rep's expected
    /// sales moved by more than [`Realignment::QUOTA_FIT`] while the scenario's quota
    /// stays (only under `given` quotas).
    pub fn misfits(&self) -> Vec<&TerritoryRow> {
        if !matches!(self.after_quotas, AfterQuotas::Refitted { .. }) {
            return Vec::new();
        }
        self.territories
            .iter()
            .filter(|t| t.sales_change().is_some_and(|c| c.abs() > Self::QUOTA_FIT))
            .collect()
    }

    /// (rep id, quota) for the new scenario when it must carry the quotas
    /// P after used as given ones.
    pub fn written_quotas(&self) -> Option<Vec<(String, f64)>> {
        if !self.after_quotas.written() {
            return None;
        }
        self.territories
            .iter()
            .map(|t| t.quota_after.map(|q| (t.id.clone(), q)))
            .collect()
    }
}

/// Splits the units ([`align`]), applies the plan, and simulates P(attain)
/// before (the scenario's quotas) and after on the same trials. Under
/// `given` quotas the after-quotas are re-derived in proportion to each new
/// territory's expected sales at the same total, so the comparison shows
/// the territories, not quotas that no longer fit them ([`AfterQuotas`]).
pub fn realign(
    model: &Model,
    opts: &AlignOptions,
    sim: &SimOptions,
) -> Result<Realignment, AlignError> {
    let started = std::time::Instant::now();
    let mut al = align(model, opts)?;
    let elapsed = started.elapsed();
    let k = opts.k;
    let targets = target_basis(model, k, opts.targets);
    al.notes.extend(targets.notes.iter().cloned());
    let assignment = al.result.assignment.clone();
    let mut after_model = apply(model, &assignment, k);
    let same_reps = k == model.reps.len();
    let owned = model.units.iter().all(|u| u.owner.is_some());
    let current = same_reps && owned;
    let sim = SimOptions {
        analytics: false,
        ..sim.clone()
    };
    let before = if current && quotas_decidable(model) {
        Some(simulate(model, &sim, None)?)
    } else {
        None
    };
    let after_quotas = refit_quotas(model, &mut after_model)?;
    let after = if after_quotas == AfterQuotas::Unknown {
        None
    } else {
        Some(simulate(&after_model, &sim, None)?)
    };
    if let (AfterQuotas::Proportional | AfterQuotas::Refitted { .. }, Some(a)) =
        (&after_quotas, &after)
    {
        // The new scenario carries them as given quotas.
        for (rep, q) in after_model.reps.iter_mut().zip(&a.quotas.quotas) {
            rep.quota = Some(*q);
        }
        after_model.quotas.method = QuotaMethod::Given;
    }
    let rep_id = |t: usize| after_model.reps[t].id.clone();
    let moves = model
        .units
        .iter()
        .enumerate()
        .map(|(u, unit)| {
            let old = unit
                .owner
                .map(|o| model.reps[o].id.clone())
                .unwrap_or_default();
            let new = rep_id(assignment[u]);
            UnitMove {
                unit: u,
                moved: !old.is_empty() && old != new,
                old_owner: old,
                new_owner: new,
            }
        })
        .collect();
    let workload = after_model.workload_by_rep();
    let mut sales = vec![0.0; k];
    let mut accounts = vec![0u64; k];
    let mut gained = vec![0usize; k];
    let mut lost = vec![0usize; k];
    for (u, unit) in model.units.iter().enumerate() {
        let t = assignment[u];
        sales[t] += unit.potential.mean();
        accounts[t] += unit.accounts;
        if let Some(o) = unit.owner.filter(|&o| same_reps && o != t) {
            gained[t] += 1;
            lost[o] += 1;
        }
    }
    let rep_before = current.then(|| model.expected_sales());
    let rep_after = after_model.expected_sales();
    let quota_before = before.as_ref().map(|b| b.quotas.quotas.clone());
    let territories = (0..k)
        .map(|t| TerritoryRow {
            id: rep_id(t),
            name: after_model.reps[t].name.clone(),
            expected_sales: sales[t],
            workload_hours: workload[t],
            accounts: accounts[t],
            target_share: targets.shares[t],
            presence: targets.presence[t],
            capacity_hours: targets.capacity[t],
            rep_sales_before: rep_before.as_ref().map(|s| s[t]),
            rep_sales_after: rep_after[t],
            quota_before: quota_before.as_ref().map(|q| q[t]),
            quota_after: after.as_ref().map(|a| a.quotas.quotas[t]),
            units_gained: same_reps.then_some(gained[t]),
            units_lost: same_reps.then_some(lost[t]),
            hits_before: before.as_ref().map(|b| b.result.reps[t].hits),
            hits_after: after.as_ref().map(|a| a.result.reps[t].hits),
        })
        .collect();
    Ok(Realignment {
        options: opts.clone(),
        alignment: al,
        model: after_model,
        territories,
        moves,
        same_reps,
        targets,
        after_quotas,
        trials: sim.trials,
        seed: sim.seed,
        elapsed,
    })
}

/// The scenario's quotas can be decided: given ones on every rep, or a
/// company target for a computed method.
fn quotas_decidable(model: &Model) -> bool {
    match model.quotas.method {
        QuotaMethod::Given => model
            .reps
            .iter()
            .all(|r| r.quota_override.or(r.quota).is_some()),
        _ => model.company_target.is_finite(),
    }
}

/// Sets the quotas the "after" model is simulated with (see
/// [`AfterQuotas`]). Given quotas follow their territories: each scales
/// with its rep's expected sales after/before, overrides stay, and the set
/// is brought back to the same total (to the cent).
fn refit_quotas(model: &Model, after: &mut Model) -> Result<AfterQuotas, AlignError> {
    let target = model.company_target.is_finite();
    match after.quotas.method {
        QuotaMethod::Given if quotas_decidable(after) => {
            let total: f64 = after
                .reps
                .iter()
                .filter_map(|r| r.quota_override.or(r.quota))
                .sum();
            // Each quota follows its territory: scaled by how the rep's
            // expected sales change, then the whole set brought back to
            // the same total. A territory that does not change keeps its
            // quota when nothing else changes either.
            let (before, now) = (model.expected_sales(), after.expected_sales());
            let scaled: Vec<f64> = after
                .reps
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let q = r.quota_override.or(r.quota).unwrap_or(0.0);
                    if r.quota_override.is_some() || before[i] <= 0.0 {
                        q
                    } else {
                        q * now[i] / before[i]
                    }
                })
                .collect();
            let free: f64 = after
                .reps
                .iter()
                .zip(&scaled)
                .filter(|(r, _)| r.quota_override.is_none())
                .map(|(_, q)| q)
                .sum();
            let fixed: f64 = after.reps.iter().filter_map(|r| r.quota_override).sum();
            let scale = if free > 0.0 {
                (total - fixed) / free
            } else {
                1.0
            };
            let q: Vec<f64> = after
                .reps
                .iter()
                .zip(&scaled)
                .map(|(r, &q)| r.quota_override.unwrap_or(q * scale))
                .collect();
            // The rounding residue goes to the largest free quota, so the
            // set adds up to the cent.
            let free = |i: usize, _| after.reps[i].quota_override.is_none();
            let q: Vec<f64> = settle(&q, total, free)
                .unwrap_or_else(|| q.iter().map(|&x| Cents::nearest(x)).collect())
                .into_iter()
                .map(Cents::amount)
                .collect();
            for (rep, q) in after.reps.iter_mut().zip(q) {
                if let (Some(old), Some(quarters)) = (rep.quota, rep.quarterly_quota.as_mut())
                    && old > 0.0
                {
                    quarters.iter_mut().for_each(|x| *x *= q / old);
                }
                rep.quota = Some(q);
            }
            Ok(AfterQuotas::Refitted { total })
        }
        QuotaMethod::Given if target => {
            after.quotas.method = QuotaMethod::Proportional;
            Ok(AfterQuotas::Proportional)
        }
        QuotaMethod::Given => Ok(AfterQuotas::Unknown),
        // New territories: `apply` chose proportional quotas.
        QuotaMethod::Proportional if target && model.quotas.method == QuotaMethod::Given => {
            Ok(AfterQuotas::Proportional)
        }
        m if target => Ok(AfterQuotas::Method(m)),
        _ => Ok(AfterQuotas::Unknown),
    }
}
