//! A transaction history simulated from a synthetic scenario, so `fit`
//! can be tried and its parameter recovery tested against known truth.
//!
//! The history covers `years` calendar years before the horizon (which is
//! taken to be calendar year [`HORIZON_YEAR`]). Per unit and year: the
//! potential grows [`GROWTH`] a year toward the scenario's (its horizon
//! level); a year factor log-normal with mean 1 and the unit's
//! `potential_cv`; the year's market shock (the scenario's `macro` sd);
//! the owner's productivity that year (log-normal, cv
//! [`PRODUCTIVITY_CV`]). A unit is lost for good at the start of a year
//! with probability [`LOSS`]. Sales come in deals: N ~ Poisson(λ s_m) a
//! month on distinct days 1-27, each log-normal with cv `deal_size_cv` and
//! mean (the year's level) / λ; a deal is returned in part (day 28 of its
//! month, a negative row) with probability [`RETURNS`]. The units CSV gains
//! `deals_per_year` and `deal_size_cv` columns. Deterministic per seed
//! (its own random stream: the scenario is the same as without history).

use super::geography::SEGMENTS;
use super::{GenerateSpec, Generated, parts, round_dp, uniform};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, LogNormal, Normal, Poisson};
use std::fmt::Write;

pub const HORIZON_YEAR: i32 = 2026;
pub const GROWTH: f64 = 0.04;
pub const LOSS: f64 = 0.04;
pub const RETURNS: f64 = 0.03;
pub const PRODUCTIVITY_CV: f64 = 0.12;

/// What the history was simulated with.
#[derive(Clone, Debug, PartialEq)]
pub struct Truth {
    /// By calendar month (January first), as the scenario's weights.
    pub seasonality: Vec<f64>,
    pub macro_sd: f64,
    /// Per unit (CSV order): id, segment, potential_cv, λ, deal size cv.
    pub units: Vec<TrueUnit>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TrueUnit {
    pub id: String,
    pub segment: String,
    pub potential_cv: f64,
    pub deals_per_year: f64,
    pub deal_size_cv: f64,
}

/// A scenario with deals and its history.
#[derive(Clone, Debug, PartialEq)]
pub struct WithHistory {
    pub scenario: Generated,
    /// `date,unit,owner,amount,region,segment`.
    pub history_csv: String,
    pub truth: Truth,
}

/// Deals a year by segment (SMB, Mid-Market, Enterprise, Public): many
/// small orders to few large ones.
const DEALS: [(f64, f64); 4] = [(20.0, 60.0), (10.0, 30.0), (6.0, 15.0), (8.0, 24.0)];

fn lognormal(mean: f64, cv: f64) -> LogNormal<f64> {
    let s2 = (1.0 + cv * cv).ln();
    LogNormal::new(mean.ln() - s2 / 2.0, s2.sqrt()).expect("finite parameters")
}

/// Generates the scenario of `spec` and `years` years of its history.
pub fn with_history(spec: &GenerateSpec, years: u32) -> WithHistory {
    let (mut scenario, p) = parts(spec);
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    rng.set_stream(0x6869_7374);
    let deals: Vec<(f64, f64)> = p
        .units
        .iter()
        .map(|u| {
            let (lo, hi) = DEALS[u.segment as usize];
            (
                round_dp(uniform(&mut rng, lo, hi), 1),
                round_dp(uniform(&mut rng, 0.3, 0.95), 2),
            )
        })
        .collect();
    // The units CSV gains the deal columns.
    let mut csv = String::with_capacity(scenario.units_csv.len() + deals.len() * 12);
    for (i, line) in scenario.units_csv.lines().enumerate() {
        csv.push_str(line);
        match i {
            0 => csv.push_str(",deals_per_year,deal_size_cv"),
            _ => {
                let (l, c) = deals[i - 1];
                let _ = write!(csv, ",{l},{c}");
            }
        }
        csv.push('\n');
    }
    scenario.units_csv = csv;
    let width = super::digits(p.units.len()).max(6);
    let id = |i: usize| format!("U{:0width$}", i + 1);
    let mut out = String::with_capacity(p.units.len() * years as usize * 40 * 48);
    out.push_str("date,unit,owner,amount,region,segment\n");
    let mut alive = vec![true; p.units.len()];
    let macro_shock = Normal::new(0.0, p.macro_sd).expect("finite sd");
    let productivity = lognormal(1.0, PRODUCTIVITY_CV);
    let first_year = HORIZON_YEAR - years as i32;
    let mut rows: Vec<(u32, usize, f64)> = Vec::new();
    for year in first_year..HORIZON_YEAR {
        if year > first_year {
            for a in alive.iter_mut().filter(|a| **a) {
                *a = rng.random::<f64>() >= LOSS;
            }
        }
        let market = 1.0 + macro_shock.sample(&mut rng);
        let prod: Vec<f64> = p
            .reps
            .iter()
            .map(|_| productivity.sample(&mut rng))
            .collect();
        let trend = (1.0 + GROWTH).powi(year - HORIZON_YEAR);
        let level: Vec<f64> = p
            .units
            .iter()
            .enumerate()
            .map(|(i, u)| {
                let z = if u.cv > 0.0 {
                    lognormal(1.0, u.cv).sample(&mut rng)
                } else {
                    1.0
                };
                u.potential * trend * z * market.max(0.0) * prod[p.owner[i]]
            })
            .collect();
        for (m, s) in p.seasonality.iter().enumerate() {
            rows.clear();
            for (i, u) in p.units.iter().enumerate() {
                if !alive[i] || level[i] <= 0.0 {
                    continue;
                }
                let (lambda, cv) = deals[i];
                let n = Poisson::new(lambda * s).map_or(0, |d| d.sample(&mut rng) as usize);
                if n == 0 {
                    continue;
                }
                let size = lognormal(level[i] / lambda, cv);
                let days: Vec<usize> = if n <= 27 {
                    rand::seq::index::sample(&mut rng, 27, n).into_vec()
                } else {
                    (0..n).map(|_| rng.random_range(0..27)).collect()
                };
                let _ = u;
                for day in days {
                    let amount = size.sample(&mut rng);
                    rows.push((day as u32 + 1, i, amount));
                    if rng.random::<f64>() < RETURNS {
                        rows.push((28, i, -amount * uniform(&mut rng, 0.1, 1.0)));
                    }
                }
            }
            rows.sort_by_key(|r| (r.0, r.1));
            for &(day, i, amount) in &rows {
                let u = &p.units[i];
                let _ = writeln!(
                    out,
                    "{year}-{:02}-{day:02},{},{},{amount:.2},{},{}",
                    m + 1,
                    id(i),
                    p.reps[p.owner[i]].id,
                    p.regions[u.region].name,
                    SEGMENTS[u.segment as usize].name
                );
            }
        }
    }
    WithHistory {
        scenario,
        history_csv: out,
        truth: Truth {
            seasonality: p.seasonality.clone(),
            macro_sd: p.macro_sd,
            units: p
                .units
                .iter()
                .enumerate()
                .map(|(i, u)| TrueUnit {
                    id: id(i),
                    segment: SEGMENTS[u.segment as usize].name.to_string(),
                    potential_cv: u.cv,
                    deals_per_year: deals[i].0,
                    deal_size_cv: deals[i].1,
                })
                .collect(),
        },
    }
}
