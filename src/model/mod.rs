//! Validated domain types: pure data, no I/O. Everything here has passed
//! validation, so the engine can trust it without re-checking.

pub mod comp;
pub mod correlation;
pub mod dist;
pub mod geo;
pub mod money;
pub mod quotas;

pub use comp::{CompPlan, TeamBonus};
pub use money::{Cents, to_cents};
pub use quotas::{Pin, QuotaSolution};

use crate::source::{Setting, Spelling};
use dist::Dist;
use nalgebra::DMatrix;

/// A validated scenario, ready to simulate.
#[derive(Clone, Debug)]
pub struct Model {
    pub name: String,
    /// Calendar (year, month) of the horizon's first month, when given:
    /// dated inputs (actuals, history) map onto the horizon through it.
    pub start: Option<(i32, u32)>,
    pub currency: String,
    pub months: usize,
    pub company_target: f64,
    /// One weight per month, summing to 1.
    pub seasonality: Vec<f64>,
    pub units: Vec<Unit>,
    pub reps: Vec<Rep>,
    pub risks: Vec<Risk>,
    /// Correlation of the copula drivers, indexed like [`Model::copula_risks`].
    pub correlation: Option<DMatrix<f64>>,
    pub quotas: QuotaPolicy,
    pub comp_plan: Option<CompPlan>,
    /// Adjacency between units (index pairs, i < j) when the scenario gives
    /// an edge list; otherwise territory tools derive it from locations.
    pub edges: Option<Vec<(usize, usize)>>,
    /// Sales already booked this horizon, for an in-year re-forecast
    /// (`None` plans the whole horizon).
    pub actuals: Option<Actuals>,
}

/// What is known of the horizon so far: the closed months' sales replace
/// the simulated ones, and what could only have happened in them (an
/// event's start, a rep's departure) is conditioned on what is known.
#[derive(Clone, Debug, PartialEq)]
pub struct Actuals {
    /// Months of the horizon already closed.
    pub months: usize,
    /// Booked sales per rep and closed month (`rep * months + m`).
    pub rep_month: Vec<f64>,
    /// The month (1-based) a rep left in, for reps that left in the closed
    /// months; the others are known to have stayed through them.
    pub left: Vec<Option<u32>>,
}

impl Actuals {
    /// Booked sales of rep `r` so far.
    pub fn rep_total(&self, r: usize) -> f64 {
        self.rep_month[r * self.months..(r + 1) * self.months]
            .iter()
            .sum()
    }
}

impl Model {
    /// Indices of the risks whose driver goes through the Gaussian copula
    /// (shocks and events; account losses are independent by definition).
    pub fn copula_risks(&self) -> Vec<usize> {
        self.risks
            .iter()
            .enumerate()
            .filter(|(_, r)| !matches!(r.kind, RiskKind::AccountLoss { .. }))
            .map(|(i, _)| i)
            .collect()
    }

    /// Units owned by each rep, by index.
    pub fn units_by_rep(&self) -> Vec<Vec<usize>> {
        let mut by = vec![Vec::new(); self.reps.len()];
        for (i, u) in self.units.iter().enumerate() {
            if let Some(r) = u.owner {
                by[r].push(i);
            }
        }
        by
    }

    /// Months of each quarter (0-based month indices); a last partial quarter
    /// keeps whatever months remain.
    pub fn quarters(&self) -> Vec<std::ops::Range<usize>> {
        (0..self.months)
            .step_by(3)
            .map(|s| s..(s + 3).min(self.months))
            .collect()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Location {
    Planar { x: f64, y: f64 },
    Geo { lat: f64, lon: f64 },
}

#[derive(Clone, Debug)]
pub struct Unit {
    pub id: String,
    pub name: String,
    pub region: String,
    pub segment: String,
    pub location: Option<Location>,
    /// Sales over the horizon at full coverage in a neutral market.
    pub potential: Dist,
    /// Won deals per year (λ) and the cv of a deal's size: sales arrive as
    /// a compound Poisson sum of log-normal deals with the same mean as the
    /// smooth flow. `None` keeps the smooth flow.
    pub deals: Option<Deals>,
    pub workload_hours: f64,
    pub accounts: u64,
    /// Index into [`Model::reps`].
    pub owner: Option<usize>,
    pub locked: bool,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Deals {
    pub per_year: f64,
    pub size_cv: f64,
}

#[derive(Clone, Debug)]
pub struct Rep {
    pub id: String,
    pub name: String,
    /// The quota as written (under `given`, the quota; otherwise the current
    /// quota shown beside a computed one).
    pub quota: Option<f64>,
    /// Bounds a computed quota must respect.
    pub quota_floor: Option<f64>,
    pub quota_cap: Option<f64>,
    /// A manual quota that a computed method keeps; the others absorb the rest.
    pub quota_override: Option<f64>,
    /// Quota per quarter; when absent the quota is phased by seasonality.
    pub quarterly_quota: Option<Vec<f64>>,
    /// Index of the unit where the rep is based.
    pub home_unit: Option<usize>,
    /// `None` means unlimited: the rep always covers its territory fully.
    pub capacity_hours: Option<f64>,
    pub capacity_elasticity: f64,
    /// Probability of leaving within a 12-month year.
    pub attrition: f64,
    pub vacancy_months: u32,
    pub vacancy_coverage: f64,
    pub ramp_months: f64,
    pub ramp_remaining: Option<f64>,
    pub start_month: Option<u32>,
    pub productivity: Dist,
    /// Grouping keys and the rep's value of each (`("region", "华东")`):
    /// every rep of a model carries the same keys in the same order
    /// (validation sees to it), so roll-ups add up to the team.
    pub groups: Vec<(String, String)>,
}

/// Reps sharing one value of a grouping key: the unit of a roll-up.
#[derive(Clone, Debug, PartialEq)]
pub struct RepGroup {
    /// The grouping key (`region`).
    pub by: String,
    /// Its value (`华东`).
    pub id: String,
    /// Indices into [`Model::reps`], ascending.
    pub reps: Vec<usize>,
}

impl Model {
    /// Every group of every grouping key: keys in the reps' order, and
    /// within a key the values in order of their first rep. Empty when the
    /// reps carry no grouping keys.
    pub fn rep_groups(&self) -> Vec<RepGroup> {
        let mut keys: Vec<&str> = Vec::new();
        for r in &self.reps {
            for (k, _) in &r.groups {
                if !keys.contains(&k.as_str()) {
                    keys.push(k);
                }
            }
        }
        let mut out: Vec<RepGroup> = Vec::new();
        for key in keys {
            let mut at: std::collections::HashMap<&str, usize> = Default::default();
            for (i, r) in self.reps.iter().enumerate() {
                let Some((_, v)) = r.groups.iter().find(|(k, _)| k == key) else {
                    continue;
                };
                let g = *at.entry(v).or_insert_with(|| {
                    out.push(RepGroup {
                        by: key.to_string(),
                        id: v.clone(),
                        reps: Vec::new(),
                    });
                    out.len() - 1
                });
                out[g].reps.push(i);
            }
        }
        out
    }
}

impl Rep {
    /// docs/src/model.md, Reps: `ramp(k) = min(1, (k - 0.5) / rho)` for tenure
    /// month `k >= 1`.
    pub fn ramp(&self, k: f64) -> f64 {
        if self.ramp_months <= 0.0 {
            1.0
        } else {
            ((k - 0.5) / self.ramp_months).clamp(0.0, 1.0)
        }
    }

    /// Presence in month `m` (1-based) when the rep does not leave.
    pub fn base_presence(&self, m: u32) -> f64 {
        if let Some(s) = self.start_month {
            if m < s {
                0.0
            } else {
                self.ramp(f64::from(m - s + 1))
            }
        } else if let Some(r) = self.ramp_remaining {
            self.ramp(self.ramp_months - r + f64::from(m))
        } else {
            1.0
        }
    }

    /// Presence in month `m` when the rep leaves in month `leave` (1-based).
    pub fn presence_after_leaving(&self, m: u32, leave: u32) -> f64 {
        if m < leave {
            self.base_presence(m)
        } else if m < leave + self.vacancy_months {
            self.vacancy_coverage
        } else {
            self.ramp(f64::from(m - (leave + self.vacancy_months) + 1))
        }
    }

    /// First month in which the rep can leave: a planned hire cannot leave
    /// before it starts.
    pub fn first_leave_month(&self) -> u32 {
        self.start_month.unwrap_or(1)
    }

    /// Probability of leaving within the horizon: the annual rate scaled to
    /// the months the rep is employed in it.
    pub fn leave_probability(&self, months: usize) -> f64 {
        let employed = (months as u32 + 1).saturating_sub(self.first_leave_month());
        1.0 - (1.0 - self.attrition).powf(f64::from(employed) / 12.0)
    }

    /// Expected presence per month, averaging exactly over the leaving month
    /// (uniform over the months the rep is employed).
    pub fn expected_presence(&self, months: usize) -> Vec<f64> {
        let q = self.leave_probability(months);
        let first = self.first_leave_month();
        let n = f64::from(months as u32 + 1 - first);
        (1..=months as u32)
            .map(|m| {
                let stay = self.base_presence(m);
                let left: f64 = (first..=months as u32)
                    .map(|l| self.presence_after_leaving(m, l))
                    .sum::<f64>()
                    / n;
                (1.0 - q) * stay + q * left
            })
            .collect()
    }

    /// The share of a full horizon's sales the seat is expected to sell:
    /// [`Rep::expected_presence`] weighted by the seasonality (`weights`,
    /// one per month, summing to 1). 1 for an established rep who never
    /// leaves; 0.75 for a seat starting in month 4 of 12 with no ramp and
    /// even seasonality. This is the presence factor of
    /// [`Model::expected_sales`], so with it a rep's expected sales are
    /// potential × coverage × mean productivity × this.
    pub fn horizon_presence(&self, weights: &[f64]) -> f64 {
        self.expected_presence(weights.len())
            .iter()
            .zip(weights)
            .map(|(e, s)| e * s)
            .sum()
    }

    /// `min(1, capacity / workload)^elasticity`; full coverage without workload.
    pub fn coverage(&self, workload_hours: f64) -> f64 {
        match self.capacity_hours {
            Some(c) if workload_hours > 0.0 => {
                (c / workload_hours).min(1.0).powf(self.capacity_elasticity)
            }
            _ => 1.0,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Risk {
    pub id: String,
    pub kind: RiskKind,
    /// Indices of the units in scope, ascending.
    pub units: Vec<usize>,
    pub impact: Dist,
}

#[derive(Clone, Debug, PartialEq)]
pub enum RiskKind {
    /// Multiplies units in scope by `1 + X` for the whole horizon.
    Shock,
    /// Happens with `probability`, from a month uniform in `start` (inclusive, 1-based).
    Event { probability: f64, start: (u32, u32) },
    /// Each unit in scope independently loses a share `F` from a uniform month.
    AccountLoss { probability: f64 },
}

impl RiskKind {
    /// The kinds' names as files write them.
    pub const NAMES: [&'static str; 3] = ["shock", "event", "account_loss"];

    pub fn name(&self) -> &'static str {
        match self {
            RiskKind::Shock => "shock",
            RiskKind::Event { .. } => "event",
            RiskKind::AccountLoss { .. } => "account_loss",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QuotaMethod {
    Given,
    Proportional,
    EqualProbability,
}

impl QuotaMethod {
    /// Every method, in the order help texts list them.
    pub const ALL: [QuotaMethod; 3] = [
        QuotaMethod::Given,
        QuotaMethod::Proportional,
        QuotaMethod::EqualProbability,
    ];

    /// The name used in scenario files, flags and reports.
    pub fn name(self) -> &'static str {
        match self {
            QuotaMethod::Given => "given",
            QuotaMethod::Proportional => "proportional",
            QuotaMethod::EqualProbability => "equal-probability",
        }
    }

    pub fn from_name(name: &str) -> Option<QuotaMethod> {
        Self::ALL.into_iter().find(|m| m.name() == name)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct QuotaPolicy {
    pub method: QuotaMethod,
    pub over_assignment: f64,
    /// Computed quotas are multiples of this (in the scenario's currency),
    /// still adding up to the pool exactly (see [`crate::quota`]).
    pub round_to: Option<f64>,
}

impl Model {
    /// Workload (hours) of each rep's territory.
    pub fn workload_by_rep(&self) -> Vec<f64> {
        let mut w = vec![0.0; self.reps.len()];
        for u in &self.units {
            if let Some(r) = u.owner {
                w[r] += u.workload_hours;
            }
        }
        w
    }

    /// Closed-form expected sales per rep before market risks: potential ×
    /// coverage × mean productivity × seasonality-weighted expected presence.
    /// It is the plan's neutral-market baseline; market risks move the
    /// simulated mean away from it.
    pub fn expected_sales(&self) -> Vec<f64> {
        let workload = self.workload_by_rep();
        let mut potential = vec![0.0; self.reps.len()];
        for u in &self.units {
            if let Some(r) = u.owner {
                potential[r] += u.potential.mean();
            }
        }
        self.reps
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let presence = r.horizon_presence(&self.seasonality);
                potential[i] * r.coverage(workload[i]) * r.productivity.mean() * presence
            })
            .collect()
    }
}

/// What a scenario asks of a run (`[scenario] trials` and `seed`), before
/// the run's own options and defaults are applied (see
/// [`crate::engine::SimOptions::resolve`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunSettings {
    pub trials: Option<u64>,
    pub seed: Option<u64>,
}

/// The most trials one run accepts: per-trial values (the team total, the
/// payout, the risk drivers) are kept for exact quantiles and analytics.
pub const MAX_RUN_TRIALS: u64 = 100_000_000;

/// What to do instead of asking for more trials than a run accepts, naming
/// the precision setting as the caller spells it.
pub fn precision_hint(spelling: Spelling) -> String {
    let p = spelling.of(Setting::Precision);
    format!(
        "to stop when P(team hits target) is known well enough, use {p} (e.g. {p} 0.001: about 960,000 trials at P near 0.5, fewer elsewhere)"
    )
}
