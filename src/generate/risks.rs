//! The risk register: every kind of risk, scope and distribution family in
//! turn, with a few positive correlations, and each unit's expected
//! multiplier from it.

use super::geography::{ENTERPRISE, Region, Unit};
use super::reps::Rep;
use super::{MONTHS, digits, round_dp, uniform};
use crate::model::dist::Dist;
use rand::RngExt;
use rand::rngs::ChaCha8Rng;

/// The generator draws parameters inside each family's valid range.
const VALID: &str = "generated distribution parameters are valid";

#[derive(Clone, Copy)]
pub(super) enum Kind {
    Shock,
    Event,
    AccountLoss,
}

pub(super) enum Scope {
    All,
    Regions(Vec<usize>),
    Segments(Vec<usize>),
    Units(Vec<usize>),
    Reps(Vec<usize>),
}

pub(super) struct Risk {
    pub(super) id: String,
    pub(super) kind: Kind,
    pub(super) probability: Option<f64>,
    pub(super) scope: Scope,
    pub(super) start: Option<(u32, u32)>,
    pub(super) impact: Dist,
}

/// Each unit's expected sales multiplier from the risk register (the product
/// of each risk's mean effect; correlations are ignored, which is fine for a
/// mean used to set a target).
pub(super) fn risk_multipliers(
    risks: &[Risk],
    units: &[Unit],
    regions: &[Region],
    reps: &[Rep],
    seasonality: &[f64],
    owner_of: impl Fn(usize) -> usize,
) -> Vec<f64> {
    let weight_sum: f64 = seasonality.iter().sum();
    // share of the year's sales from month s (1-based) on
    let tail = |s: u32| seasonality[(s - 1) as usize..].iter().sum::<f64>() / weight_sum;
    let mean_tail =
        |from: u32, to: u32| (from..=to).map(tail).sum::<f64>() / f64::from(to - from + 1);
    let mut out = vec![1.0; units.len()];
    for risk in risks {
        let mean = &risk.impact.mean();
        let factor = match risk.kind {
            Kind::Shock => 1.0 + mean,
            Kind::Event => {
                let (from, to) = risk.start.unwrap_or((1, MONTHS));
                1.0 + risk.probability.unwrap_or(0.0) * mean * mean_tail(from, to)
            }
            Kind::AccountLoss => {
                1.0 - risk.probability.unwrap_or(0.0) * mean * mean_tail(1, MONTHS)
            }
        };
        match &risk.scope {
            Scope::All => out.iter_mut().for_each(|m| *m *= factor),
            Scope::Units(list) => list.iter().for_each(|&i| out[i] *= factor),
            Scope::Regions(list) => {
                let mut hit = vec![false; regions.len()];
                list.iter().for_each(|&r| hit[r] = true);
                for (m, u) in out.iter_mut().zip(units) {
                    if hit[u.region] {
                        *m *= factor;
                    }
                }
            }
            Scope::Segments(list) => {
                for (m, u) in out.iter_mut().zip(units) {
                    if list.contains(&(u.segment as usize)) {
                        *m *= factor;
                    }
                }
            }
            Scope::Reps(list) => {
                let mut hit = vec![false; reps.len()];
                list.iter().for_each(|&r| hit[r] = true);
                for (i, m) in out.iter_mut().enumerate() {
                    if hit[owner_of(i)] {
                        *m *= factor;
                    }
                }
            }
        }
    }
    out.iter().map(|m| m.max(0.0)).collect()
}

pub(super) fn risks(
    rng: &mut ChaCha8Rng,
    count: usize,
    units: &[Unit],
    regions: &[Region],
    rep_count: usize,
) -> Vec<Risk> {
    let pools = Pools::new(units, regions, rep_count);
    let width = digits(count - 1).max(2);
    let mut out = Vec::with_capacity(count);
    out.push(Risk {
        id: "macro".to_string(),
        kind: Kind::Shock,
        probability: None,
        scope: Scope::All,
        start: None,
        impact: Dist::normal(0.0, round_dp(uniform(rng, 0.03, 0.08), 3)).expect(VALID),
    });
    for i in 1..count {
        let kind = match i % 3 {
            0 => Kind::Shock,
            1 => Kind::Event,
            _ => Kind::AccountLoss,
        };
        let scope = pools.scope(rng, i, kind);
        let family = i / 3;
        let (base, probability, start, impact) = match kind {
            Kind::Shock => shock(rng, &scope, family),
            Kind::Event => event(rng, &scope, family),
            Kind::AccountLoss => account_loss(rng, &scope, family),
        };
        out.push(Risk {
            id: format!("{base}_{i:0width$}"),
            kind,
            probability,
            scope,
            start,
            impact,
        });
    }
    out
}

/// What a risk's scope is chosen from: the regions and segments that have
/// units, the enterprise units and the reps.
struct Pools {
    regions: Vec<usize>,
    segments: Vec<usize>,
    enterprise: Vec<usize>,
    has_enterprise: bool,
    units: usize,
    reps: usize,
}

impl Pools {
    fn new(units: &[Unit], regions: &[Region], rep_count: usize) -> Self {
        let mut region_used = vec![false; regions.len()];
        let mut segment_used = [false; 4];
        for u in units {
            region_used[u.region] = true;
            segment_used[u.segment as usize] = true;
        }
        Pools {
            regions: (0..regions.len()).filter(|&r| region_used[r]).collect(),
            segments: (0..4).filter(|&s| segment_used[s]).collect(),
            enterprise: (0..units.len())
                .filter(|&i| units[i].segment == ENTERPRISE)
                .collect(),
            has_enterprise: segment_used[ENTERPRISE as usize],
            units: units.len(),
            reps: rep_count,
        }
    }

    /// The scope of risk `i`: regions, segments, units and reps in a
    /// fixed pattern (an account loss on segments takes the enterprise
    /// segment when there is one).
    fn scope(&self, rng: &mut ChaCha8Rng, i: usize, kind: Kind) -> Scope {
        const PATTERN: [u8; 8] = [0, 1, 0, 3, 1, 2, 0, 3];
        match PATTERN[(i - 1) % PATTERN.len()] {
            0 => Scope::Regions(choose(rng, &self.regions, 1, 3)),
            1 => {
                if matches!(kind, Kind::AccountLoss) && self.has_enterprise {
                    Scope::Segments(vec![ENTERPRISE as usize])
                } else {
                    Scope::Segments(choose(rng, &self.segments, 1, 2))
                }
            }
            2 => {
                let all: Vec<usize>;
                let pool = if self.enterprise.len() >= 3 {
                    &self.enterprise
                } else {
                    all = (0..self.units).collect();
                    &all
                };
                Scope::Units(choose(rng, pool, 3, 8))
            }
            _ => {
                let all: Vec<usize> = (0..self.reps).collect();
                Scope::Reps(choose(rng, &all, 1, 3))
            }
        }
    }
}

/// Between `lo` and `hi` distinct items of `pool`, kept in order.
fn choose(rng: &mut ChaCha8Rng, pool: &[usize], lo: usize, hi: usize) -> Vec<usize> {
    let k = rng.random_range(lo..=hi).min(pool.len());
    let mut picked: Vec<usize> = rand::seq::index::sample(rng, pool.len(), k)
        .iter()
        .map(|i| pool[i])
        .collect();
    picked.sort_unstable();
    picked
}

/// A risk's id stem, probability, start window and impact.
type Drawn = (&'static str, Option<f64>, Option<(u32, u32)>, Dist);

/// A parameter drawn between `lo` and `hi`, to three decimals.
fn r3(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    round_dp(uniform(rng, lo, hi), 3)
}

/// A shock: the families in turn, one of them an upside.
fn shock(rng: &mut ChaCha8Rng, scope: &Scope, family: usize) -> Drawn {
    let base = match *scope {
        Scope::Regions(_) => "regional_slowdown",
        Scope::Segments(_) => "price_pressure",
        Scope::Units(_) => "key_account_budget",
        _ => "territory_disruption",
    };
    let impact = match family % 6 {
        0 => Dist::normal(r3(rng, -0.03, 0.0), r3(rng, 0.03, 0.08)).expect(VALID),
        1 => Dist::triangular(
            r3(rng, -0.18, -0.08),
            r3(rng, -0.05, 0.0),
            r3(rng, 0.02, 0.06),
        )
        .expect(VALID),
        // an upside: a positive-only factor (subsidy, stimulus)
        2 => Dist::lognormal_cv(r3(rng, 0.02, 0.05), round_dp(uniform(rng, 0.6, 1.0), 2))
            .expect(VALID),
        3 => Dist::uniform(r3(rng, -0.10, -0.04), r3(rng, 0.01, 0.05)).expect(VALID),
        4 => Dist::pert(
            r3(rng, -0.20, -0.10),
            r3(rng, -0.04, 0.0),
            r3(rng, 0.03, 0.08),
        )
        .expect(VALID),
        _ => Dist::beta(
            2.0,
            round_dp(uniform(rng, 2.0, 5.0), 1),
            r3(rng, -0.15, -0.08),
            r3(rng, 0.04, 0.08),
        )
        .expect(VALID),
    };
    let base = if matches!(impact, Dist::LogNormal { .. }) {
        "demand_upside"
    } else {
        base
    };
    (base, None, None, impact)
}

/// An event: a downside, its start window and probability.
fn event(rng: &mut ChaCha8Rng, scope: &Scope, family: usize) -> Drawn {
    let base = match *scope {
        Scope::Regions(_) => "competitor_entry",
        Scope::Segments(_) => "budget_freeze",
        Scope::Units(_) => "key_account_tender",
        _ => "channel_partner_exit",
    };
    let impact = match family % 4 {
        0 => Dist::pert(
            r3(rng, -0.35, -0.20),
            r3(rng, -0.15, -0.06),
            r3(rng, -0.04, -0.01),
        )
        .expect(VALID),
        1 => Dist::triangular(
            r3(rng, -0.35, -0.20),
            r3(rng, -0.15, -0.06),
            r3(rng, -0.04, -0.01),
        )
        .expect(VALID),
        2 => Dist::uniform(r3(rng, -0.25, -0.12), r3(rng, -0.06, -0.02)).expect(VALID),
        _ => Dist::beta(
            2.0,
            round_dp(uniform(rng, 3.0, 5.0), 1),
            r3(rng, -0.40, -0.25),
            r3(rng, -0.05, -0.01),
        )
        .expect(VALID),
    };
    let from = rng.random_range(1..=6);
    let to = rng.random_range(from + 2..=MONTHS);
    let p = round_dp(uniform(rng, 0.05, 0.30), 2);
    (base, Some(p), Some((from, to)), impact)
}

/// An account loss: the share lost and its probability, higher for
/// narrow scopes.
fn account_loss(rng: &mut ChaCha8Rng, scope: &Scope, family: usize) -> Drawn {
    let base = match *scope {
        Scope::Regions(_) => "regional_churn",
        Scope::Segments(_) => "key_account_churn",
        Scope::Units(_) => "named_account_loss",
        _ => "rep_book_churn",
    };
    // the share lost: bounded in [0.2, 0.9]
    let impact = match family % 4 {
        0 => Dist::uniform(r3(rng, 0.2, 0.4), r3(rng, 0.6, 0.9)).expect(VALID),
        1 => Dist::beta(2.0, round_dp(uniform(rng, 2.0, 4.0), 1), 0.2, 0.9).expect(VALID),
        2 => Dist::pert(0.2, r3(rng, 0.35, 0.6), r3(rng, 0.7, 0.9)).expect(VALID),
        _ => Dist::triangular(0.2, r3(rng, 0.35, 0.6), r3(rng, 0.7, 0.9)).expect(VALID),
    };
    // narrow scopes (named accounts) are likelier to churn
    let p = match *scope {
        Scope::Units(_) | Scope::Reps(_) => uniform(rng, 0.10, 0.30),
        _ => uniform(rng, 0.02, 0.10),
    };
    (base, Some(round_dp(p, 3)), None, impact)
}

/// Positive correlations: the macro shock with up to three copula-driven
/// risks, and one pair among those when there are three. Never all pairs.
pub(super) fn correlations(rng: &mut ChaCha8Rng, risks: &[Risk]) -> Vec<(usize, usize, f64)> {
    let driven: Vec<usize> = (1..risks.len())
        .filter(|&i| !matches!(risks[i].kind, Kind::AccountLoss))
        .take(3)
        .collect();
    let mut pairs: Vec<(usize, usize, f64)> = driven
        .iter()
        .map(|&k| (0, k, round_dp(uniform(rng, 0.15, 0.5), 2)))
        .collect();
    if driven.len() == 3 {
        pairs.push((driven[0], driven[1], round_dp(uniform(rng, 0.1, 0.3), 2)));
    }
    pairs
}
