//! The headline figures of a run, as written to `summary.json`. Nothing in
//! here depends on time or machine, so the file is reproducible byte for byte.

use crate::engine::{CHUNK_SIZE, GENERATOR, SimResult};
use crate::model::Model;
use crate::stats::{Welford, proportion_se, quantile_sorted, var_cvar};
use serde::Serialize;

/// Mean, spread and quantiles of a quantity.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Band {
    pub mean: f64,
    pub sd: f64,
    pub p5: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
    pub p95: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Count {
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Shortfall {
    /// 95th percentile of max(0, target - team sales).
    pub var95: f64,
    /// Mean shortfall in the worst 5 % of trials.
    pub cvar95: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Team {
    pub target: f64,
    pub sales: Band,
    pub attainment: Band,
    pub p_hit_target: f64,
    pub p_hit_target_se: f64,
    pub reps_at_quota: Count,
    pub shortfall: Shortfall,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RepSales {
    pub mean: f64,
    pub sd: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RepAttainment {
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct RepSummary {
    pub id: String,
    pub name: String,
    pub quota: f64,
    pub coverage: f64,
    pub workload_hours: f64,
    pub expected_sales: f64,
    pub sales: RepSales,
    pub attainment: RepAttainment,
    pub p_attain: f64,
    pub p_attain_se: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Quarter {
    pub quarter: String,
    pub months: Vec<usize>,
    /// The quarter's share of the company target (phased by seasonality).
    pub target: f64,
    pub sales_mean: f64,
    pub sales_sd: f64,
    pub p_hit: f64,
    pub p_hit_se: f64,
}

#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Summary {
    pub version: String,
    pub scenario: String,
    pub currency: String,
    pub months: usize,
    pub seed: u64,
    pub trials: u64,
    pub chunk_size: u64,
    pub generator: String,
    pub team: Team,
    pub reps: Vec<RepSummary>,
    pub quarters: Vec<Quarter>,
    pub warnings: Vec<String>,
}

fn band(sorted: &[f64], w: &Welford) -> Band {
    let q = |p| quantile_sorted(sorted, p);
    Band {
        mean: w.mean,
        sd: w.sd(),
        p5: q(0.05),
        p10: q(0.10),
        p25: q(0.25),
        p50: q(0.50),
        p75: q(0.75),
        p90: q(0.90),
        p95: q(0.95),
    }
}

/// Smallest count k with P(K <= k) >= p.
fn count_quantile(hist: &[u64], p: f64) -> f64 {
    let n: u64 = hist.iter().sum();
    let mut cum = 0;
    for (k, &c) in hist.iter().enumerate() {
        cum += c;
        if cum as f64 >= p * n as f64 && cum > 0 {
            return k as f64;
        }
    }
    (hist.len() - 1) as f64
}

/// Builds the summary; `warnings` are the scenario's, already rendered.
pub fn summarise(model: &Model, res: &SimResult, warnings: Vec<String>) -> Summary {
    let target = model.company_target;
    let mut team_w = Welford::default();
    res.team.iter().for_each(|&x| team_w.push(x));
    let mut sorted = res.team.clone();
    sorted.sort_by(f64::total_cmp);
    let att: Vec<f64> = sorted.iter().map(|x| x / target).collect();
    let mut att_w = Welford::default();
    res.team.iter().for_each(|&x| att_w.push(x / target));
    let hits = res.team.iter().filter(|&&x| x >= target).count() as u64;
    let p_hit = hits as f64 / res.trials as f64;
    let shortfall: Vec<f64> = sorted.iter().rev().map(|x| (target - x).max(0.0)).collect();
    let (var95, cvar95) = var_cvar(&shortfall, 0.95);
    let n_at: u64 = res.at_quota.iter().sum();
    let at_mean = res
        .at_quota
        .iter()
        .enumerate()
        .map(|(k, &c)| k as f64 * c as f64)
        .sum::<f64>()
        / n_at as f64;

    let workload = model.workload_by_rep();
    let expected = model.expected_sales();
    let reps = model
        .reps
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let st = &res.reps[i];
            let quota = res.quotas[i];
            let p = st.hits as f64 / res.trials as f64;
            let q = |x: f64| st.sales_quantile(x);
            RepSummary {
                id: r.id.clone(),
                name: r.name.clone(),
                quota,
                coverage: r.coverage(workload[i]),
                workload_hours: workload[i],
                expected_sales: expected[i],
                sales: RepSales {
                    mean: st.sales.mean,
                    sd: st.sales.sd(),
                    p10: q(0.1),
                    p50: q(0.5),
                    p90: q(0.9),
                },
                attainment: RepAttainment {
                    p10: q(0.1) / quota,
                    p50: q(0.5) / quota,
                    p90: q(0.9) / quota,
                },
                p_attain: p,
                p_attain_se: proportion_se(p, res.trials),
            }
        })
        .collect();
    let quarters = model
        .quarters()
        .iter()
        .zip(&res.quarters)
        .enumerate()
        .map(|(i, (range, q))| {
            let p = q.hits as f64 / res.trials as f64;
            Quarter {
                quarter: format!("Q{}", i + 1),
                months: range.clone().map(|m| m + 1).collect(),
                target: q.target,
                sales_mean: q.sales.mean,
                sales_sd: q.sales.sd(),
                p_hit: p,
                p_hit_se: proportion_se(p, res.trials),
            }
        })
        .collect();
    Summary {
        version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: model.name.clone(),
        currency: model.currency.clone(),
        months: model.months,
        seed: res.seed,
        trials: res.trials,
        chunk_size: CHUNK_SIZE,
        generator: GENERATOR.to_string(),
        team: Team {
            target,
            sales: band(&sorted, &team_w),
            attainment: band(&att, &att_w),
            p_hit_target: p_hit,
            p_hit_target_se: proportion_se(p_hit, res.trials),
            reps_at_quota: Count {
                mean: at_mean,
                p10: count_quantile(&res.at_quota, 0.1),
                p50: count_quantile(&res.at_quota, 0.5),
                p90: count_quantile(&res.at_quota, 0.9),
            },
            shortfall: Shortfall { var95, cvar95 },
        },
        reps,
        quarters,
        warnings,
    }
}
