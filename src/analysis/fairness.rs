//! Are the quotas fair? The spread of P(attain) across reps, whether
//! attainment depends on territory size, and the reps far from the rest
//! with the likely reason.

use super::summary::{Fairness, FairnessFlag, RepSummary};
use crate::model::Model;
use crate::stats::{Welford, pearson};

/// The fairness band: a rep whose P(attain) is below `FAIR_LOW` or above
/// `FAIR_HIGH` is flagged (far from the 50–60 % that is typical).
pub const FAIR_LOW: f64 = 0.3;
pub const FAIR_HIGH: f64 = 0.8;

/// Where a rep's P(attain) falls against the fairness band. Every output
/// that marks a probability (terminal colour, chart bars, HTML classes,
/// the planner) takes it from here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FairnessBand {
    /// Below [`FAIR_LOW`]: the quota is unlikely to be made.
    Below,
    Within,
    /// Above [`FAIR_HIGH`]: the quota is too easy.
    Above,
}

impl FairnessBand {
    pub fn of(p: f64) -> FairnessBand {
        if p < FAIR_LOW {
            FairnessBand::Below
        } else if p > FAIR_HIGH {
            FairnessBand::Above
        } else {
            FairnessBand::Within
        }
    }
}

/// Are the quotas fair? Spread of P(attain), dependence of attainment on
/// territory size, and reps far from the rest with the likely reason.
pub fn fairness(model: &Model, reps: &[RepSummary], expected: &[f64]) -> Fairness {
    let mut w = Welford::default();
    reps.iter().for_each(|r| w.push(r.p_attain));
    let att: Vec<f64> = reps
        .iter()
        .map(|r| {
            if r.quota > 0.0 {
                r.sales.mean / r.quota
            } else {
                0.0
            }
        })
        .collect();
    let flags = reps
        .iter()
        .enumerate()
        .filter(|(_, r)| FairnessBand::of(r.p_attain) != FairnessBand::Within)
        .map(|(i, r)| {
            let rep = &model.reps[i];
            let mut why = Vec::new();
            if FairnessBand::of(r.p_attain) == FairnessBand::Below {
                if r.coverage < 0.95 {
                    why.push(format!(
                        "overloaded territory (coverage {:.0} %)",
                        r.coverage * 100.0
                    ));
                }
                if rep.start_month.is_some() || rep.ramp_remaining.is_some() {
                    why.push("ramping hire".to_string());
                }
                if r.quota > 1.1 * r.sales.mean {
                    why.push(format!(
                        "high quota ({:.0} % of mean sales)",
                        100.0 * r.quota / r.sales.mean.max(1.0)
                    ));
                }
                if why.is_empty() {
                    why.push("wide sales spread against the quota".to_string());
                }
            } else {
                if r.quota < 0.9 * r.sales.mean {
                    why.push(format!(
                        "low quota ({:.0} % of mean sales)",
                        100.0 * r.quota / r.sales.mean.max(1.0)
                    ));
                }
                if why.is_empty() {
                    why.push("quota near the low end of the sales range".to_string());
                }
            }
            FairnessFlag {
                id: r.id.clone(),
                name: r.name.clone(),
                p_attain: r.p_attain,
                reason: why.join("; "),
            }
        })
        .collect();
    Fairness {
        p_attain_min: reps
            .iter()
            .map(|r| r.p_attain)
            .fold(f64::INFINITY, f64::min),
        p_attain_max: reps
            .iter()
            .map(|r| r.p_attain)
            .fold(f64::NEG_INFINITY, f64::max),
        p_attain_sd: w.sd(),
        corr_size_attainment: pearson(expected, &att),
        flags,
    }
}
