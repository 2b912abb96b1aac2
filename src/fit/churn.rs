//! Account loss: of the units that bought in a full year, the share that
//! bought nothing the year after (binomial). The month a loss starts is
//! not visible in yearly activity; the scenario's `account_loss` starts it
//! in a uniform month of the horizon.

use super::Estimate;
use super::panel::Panel;

pub struct Churn {
    pub loss: Estimate,
    /// Units that first bought in a later full year, per year (reported).
    pub won_per_year: f64,
}

pub fn fit(p: &Panel) -> Churn {
    let (mut at_risk, mut lost, mut won) = (0usize, 0usize, 0usize);
    for u in 0..p.units {
        for k in 0..p.blocks.saturating_sub(1) {
            if p.active(u, k) {
                at_risk += 1;
                lost += usize::from(!p.active(u, k + 1));
            } else if p.active(u, k + 1) && (0..k).all(|j| !p.active(u, j)) {
                won += 1;
            }
        }
    }
    let prob = if at_risk > 0 {
        lost as f64 / at_risk as f64
    } else {
        0.0
    };
    Churn {
        loss: Estimate {
            value: prob,
            se: if at_risk > 0 {
                (prob * (1.0 - prob) / at_risk as f64).sqrt()
            } else {
                f64::NAN
            },
            n: at_risk,
            method: format!(
                "{lost} of {at_risk} unit-years with sales had none the year after (binomial)"
            ),
        },
        won_per_year: won as f64 / (p.blocks.saturating_sub(1)).max(1) as f64,
    }
}
