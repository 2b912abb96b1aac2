//! Which risks drive the outcome: rank correlation of each risk's realised
//! input with team sales, its share of the variance, the tornado swing and
//! the loss attributable to it (team mean with the risk switched off, on
//! the same trials).

use crate::engine::SimResult;
use crate::model::{Model, RiskKind};
use crate::stats::{quantile_sorted, ranks, spearman_ranked};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Tornado {
    /// Team sales P50 among trials with the risk's input in its bottom decile.
    pub low_p50: f64,
    /// ... and in its top decile.
    pub high_p50: f64,
    pub swing: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RiskSummary {
    pub id: String,
    pub kind: String,
    pub probability: f64,
    /// Expected multiplier change: a shock's mean X; an event's p x mean
    /// impact; an account loss's -(p x mean share lost) per unit in scope.
    pub expected_impact: f64,
    /// Spearman rank correlation of the risk's realised input with team sales.
    pub spearman: f64,
    /// Squared rank correlations normalised to 100 % across risks.
    pub contribution: f64,
    pub tornado: Tornado,
    /// Team mean with the risk switched off minus with it (same trials).
    pub attributable_loss: f64,
    pub attributable_loss_se: f64,
    /// 1 = the largest contribution to variance.
    pub rank: usize,
}

/// Risk analytics: rank correlation with team sales, its share of variance,
/// tornado swing and the loss attributable to each risk.
pub fn risks(model: &Model, res: &SimResult) -> Vec<RiskSummary> {
    if res.risks.is_empty() {
        return Vec::new();
    }
    let team_ranks = ranks(&res.team);
    let n = res.team.len();
    let decile = (n / 10).max(1);
    let median_of = |idx: &[usize]| {
        let mut v: Vec<f64> = idx.iter().map(|&i| res.team[i]).collect();
        v.sort_by(f64::total_cmp);
        quantile_sorted(&v, 0.5)
    };
    let mut out: Vec<RiskSummary> = model
        .risks
        .iter()
        .zip(&res.risks)
        .map(|(r, st)| {
            let rho = spearman_ranked(&ranks(&st.inputs), &team_ranks);
            let mut order: Vec<usize> = (0..n).collect();
            order.sort_by(|&a, &b| st.inputs[a].total_cmp(&st.inputs[b]).then(a.cmp(&b)));
            let low = median_of(&order[..decile]);
            let high = median_of(&order[n - decile..]);
            let (probability, expected_impact) = match r.kind {
                RiskKind::Shock => (1.0, r.impact.mean()),
                RiskKind::Event { probability, .. } => (probability, probability * r.impact.mean()),
                RiskKind::AccountLoss { probability } => {
                    (probability, -probability * r.impact.mean())
                }
            };
            RiskSummary {
                id: r.id.clone(),
                kind: r.kind.name().to_string(),
                probability,
                expected_impact,
                spearman: rho,
                contribution: rho * rho,
                tornado: Tornado {
                    low_p50: low,
                    high_p50: high,
                    swing: high - low,
                },
                attributable_loss: st.off_delta.mean,
                attributable_loss_se: st.off_delta.se(),
                rank: 0,
            }
        })
        .collect();
    let total: f64 = out.iter().map(|r| r.contribution).sum();
    for r in &mut out {
        r.contribution = if total > 0.0 {
            r.contribution / total
        } else {
            0.0
        };
    }
    let mut by: Vec<usize> = (0..out.len()).collect();
    by.sort_by(|&a, &b| {
        out[b]
            .contribution
            .total_cmp(&out[a].contribution)
            .then(a.cmp(&b))
    });
    for (rank, &i) in by.iter().enumerate() {
        out[i].rank = rank + 1;
    }
    out
}
