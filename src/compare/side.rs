//! One side of a comparison: its summary and, when simulated here, the
//! per-trial values that make paired standard errors possible.

use crate::engine::{RepTrials, Sampler};
use crate::model::Model;
use crate::simulation::Simulation;
use crate::stats::{hit_indicators, mean_se};
use serde_json::Value;

/// One rep's values per trial, kept by a side simulated here.
#[derive(Clone, Debug)]
pub struct RepSeries {
    pub id: String,
    pub quota: f64,
    pub sales: Vec<f64>,
    /// Empty without a comp plan.
    pub payout: Vec<f64>,
}

/// A roll-up of reps, for series summed from its reps' series.
#[derive(Clone, Debug)]
pub struct GroupMembers {
    pub by: String,
    pub id: String,
    pub quota: f64,
    pub reps: Vec<usize>,
}

/// What a side simulated here keeps per trial, for paired differences.
#[derive(Clone, Debug)]
pub struct Trials {
    pub seed: u64,
    pub sampler: Sampler,
    pub n: usize,
    pub target: f64,
    /// Team sales per trial.
    pub team: Vec<f64>,
    /// Total payout per trial (empty without a comp plan).
    pub payout_total: Vec<f64>,
    /// `at_quota[k]`: trials in which exactly k reps reached quota.
    pub at_quota: Vec<u64>,
    /// Per rep, when kept (see [`crate::engine::RepTrials`]).
    pub reps: Vec<RepSeries>,
    /// The roll-ups: key, value, quota and member indices into `reps`
    /// (their series are the members' sums, when `reps` are kept).
    pub groups: Vec<GroupMembers>,
    /// The per-rep series were asked for but not kept: the bytes they need.
    pub reps_too_large: Option<u64>,
}

impl Trials {
    fn rep(&self, id: &str) -> Option<&RepSeries> {
        self.reps.iter().find(|r| r.id == id)
    }

    /// The per-trial values whose mean is `metric`, when this side has them.
    pub fn series(&self, metric: &str) -> Option<Vec<f64>> {
        let nonempty = |v: &Vec<f64>| (!v.is_empty()).then(|| v.clone());
        match metric {
            "team.sales.mean" => Some(self.team.clone()),
            "team.attainment.mean" => Some(self.team.iter().map(|x| x / self.target).collect()),
            "team.p_hit_target" => Some(hit_indicators(&self.team, self.target)),
            "compensation.total_payout.mean" => nonempty(&self.payout_total),
            "team.reps_at_quota.mean" => {
                if self.reps.is_empty() {
                    return None;
                }
                let mut at = vec![0.0; self.n];
                for r in &self.reps {
                    for (a, &s) in at.iter_mut().zip(&r.sales) {
                        *a += f64::from(u8::from(s >= r.quota));
                    }
                }
                Some(at)
            }
            _ if metric.starts_with("groups.") => {
                if self.reps.is_empty() {
                    return None;
                }
                let g = self.groups.iter().find_map(|g| {
                    let what = metric.strip_prefix(&format!("groups.{}.{}.", g.by, g.id))?;
                    Some((g, what))
                })?;
                // Summed in rep order, as the engine sums them.
                let sales: Vec<f64> = (0..self.n)
                    .map(|t| g.0.reps.iter().map(|&r| self.reps[r].sales[t]).sum())
                    .collect();
                match g.1 {
                    "p_hit" => Some(hit_indicators(&sales, g.0.quota)),
                    "sales.mean" => Some(sales),
                    _ => None,
                }
            }
            _ => {
                let rest = metric.strip_prefix("reps.")?;
                let (id, what) = rest.split_once('.')?;
                let r = self.rep(id)?;
                match what {
                    "p_attain" => Some(hit_indicators(&r.sales, r.quota)),
                    "sales.mean" => Some(r.sales.clone()),
                    "payout.mean" => nonempty(&r.payout),
                    _ => None,
                }
            }
        }
    }

    /// The standard error of `metric` from this side's trials alone.
    pub(super) fn own_se(&self, metric: &str) -> Option<f64> {
        if let Some(s) = self.series(metric) {
            return Some(mean_se(&s));
        }
        if metric == "team.reps_at_quota.mean" {
            // From the counts of trials with k reps at quota.
            let n: u64 = self.at_quota.iter().sum();
            if n < 2 {
                return None;
            }
            let nf = n as f64;
            let kc = || {
                self.at_quota
                    .iter()
                    .enumerate()
                    .map(|(k, &c)| (k as f64, c as f64))
            };
            let mean = kc().map(|(k, c)| k * c).sum::<f64>() / nf;
            let ss = kc().map(|(k, c)| c * (k - mean).powi(2)).sum::<f64>();
            return Some((ss / (nf - 1.0) / nf).sqrt());
        }
        None
    }

    /// Whether two runs drew the same random numbers trial by trial.
    pub(super) fn pairs_with(&self, o: &Trials) -> bool {
        self.seed == o.seed && self.sampler == o.sampler && self.n == o.n
    }
}

/// One side of a comparison: a summary (as `summary.json` holds it) and,
/// when it was simulated here, its per-trial values.
#[derive(Clone, Debug)]
pub struct Side {
    pub summary: Value,
    pub trials: Option<Trials>,
}

impl Side {
    /// A side read from a `summary.json`.
    pub fn from_summary(summary: Value) -> Side {
        Side {
            summary,
            trials: None,
        }
    }

    /// A side simulated here (its summary and its trials). Per-rep metrics
    /// are paired only when the run kept its per-rep series
    /// ([`crate::engine::SimOptions::keep_rep_trials`]).
    pub fn simulated(model: &Model, sim: Simulation, warnings: Vec<String>) -> Side {
        // As summary.json holds it: above MAX_LISTED_REPS reps, the worst
        // and best reps only.
        let summary = serde_json::to_value(sim.summary(model, warnings).into_bounded())
            .expect("a summary is plain data");
        let res = sim.result;
        let (reps, reps_too_large) = match res.rep_trials {
            RepTrials::NotKept => (Vec::new(), None),
            RepTrials::TooLarge { bytes } => (Vec::new(), Some(bytes)),
            RepTrials::Kept { sales, payout } => {
                let mut payout = payout.into_iter();
                let reps = model
                    .reps
                    .iter()
                    .zip(&res.quotas)
                    .zip(sales)
                    .map(|((rep, &quota), sales)| RepSeries {
                        id: rep.id.clone(),
                        quota,
                        sales,
                        payout: payout.next().unwrap_or_default(),
                    })
                    .collect();
                (reps, None)
            }
        };
        Side {
            summary,
            trials: Some(Trials {
                seed: res.seed,
                sampler: res.sampler,
                n: res.team.len(),
                target: model.company_target,
                team: res.team,
                payout_total: res.payout_total,
                at_quota: res.at_quota,
                groups: model
                    .rep_groups()
                    .into_iter()
                    .zip(&res.groups)
                    .map(|(g, st)| GroupMembers {
                        by: g.by,
                        id: g.id,
                        quota: st.quota,
                        reps: g.reps,
                    })
                    .collect(),
                reps,
                reps_too_large,
            }),
        }
    }
}
