//! Building the summary of a run from the engine's results and the quotas
//! it was run with.

use super::fairness::fairness;
use super::sensitivity::risks;
use super::summary::*;
use crate::engine::{CHUNK_SIZE, GENERATOR, RepQuarterStats, SimResult};
use crate::model::{Cents, Model, QuotaSolution};
use crate::stats::{Proportion, Welford, hits, quantile_sorted, var_cvar};

fn ci(w: &Welford) -> [f64; 2] {
    let h = 1.959963984540054 * w.se();
    [w.mean - h, w.mean + h]
}

/// Band of per-trial values (exact quantiles).
fn band_of(values: &[f64]) -> Band {
    let mut w = Welford::default();
    values.iter().for_each(|&x| w.push(x));
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let q = |p| quantile_sorted(&sorted, p);
    Band {
        mean: w.mean,
        mean_se: w.se(),
        mean_ci95: ci(&w),
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

/// The quantiles a [`Spread`] shows, in one pass over a histogram.
const SPREAD_PS: [f64; 3] = [0.1, 0.5, 0.9];

/// `q`: the quantiles at [`SPREAD_PS`].
fn spread(w: &Welford, q: &[f64]) -> Spread {
    Spread {
        mean: w.mean,
        mean_se: w.se(),
        mean_ci95: ci(w),
        sd: w.sd(),
        p10: q[0],
        p50: q[1],
        p90: q[2],
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

/// Builds the summary of a run with the quotas it was decided with;
/// `warnings` are the scenario's, already rendered.
pub fn summarise(
    model: &Model,
    res: &SimResult,
    decided: &QuotaSolution,
    warnings: Vec<String>,
) -> Summary {
    let n = res.trials;
    let p_hit = Proportion::new(hits(&res.team, model.company_target), n);
    let expected = model.expected_sales();
    let quarter_names: Vec<String> = (1..=model.quarters().len())
        .map(|q| format!("Q{q}"))
        .collect();
    let reps = rep_summaries(model, res, &expected, &quarter_names);
    let reforecast = reforecast(model, res, &reps, p_hit);
    Summary {
        version: env!("CARGO_PKG_VERSION").to_string(),
        scenario: model.name.clone(),
        currency: model.currency.clone(),
        months: model.months,
        seed: res.seed,
        trials: n,
        chunk_size: CHUNK_SIZE,
        generator: GENERATOR.to_string(),
        sampler: res.sampler.name().to_string(),
        deal_sampler: res.deal_sampler.map(|d| d.describe()),
        reached_precision: res.reached_precision,
        team: team(model, res, p_hit),
        quota: quota_info(model, res, decided),
        fairness: fairness(model, &reps, &expected),
        reforecast,
        reps,
        rep_digest: None,
        groups: group_summaries(model, res),
        quarters: quarter_summaries(model, res, &quarter_names),
        compensation: compensation(model, res),
        risks: risks(model, res),
        warnings,
    }
}

/// The team against the company target.
fn team(model: &Model, res: &SimResult, p_hit: Proportion) -> Team {
    let target = model.company_target;
    let attainment: Vec<f64> = res.team.iter().map(|x| x / target).collect();
    let mut shortfall: Vec<f64> = res.team.iter().map(|x| (target - x).max(0.0)).collect();
    shortfall.sort_by(f64::total_cmp);
    let (var95, cvar95) = var_cvar(&shortfall, 0.95);
    let n_at: u64 = res.at_quota.iter().sum();
    let at_mean = res
        .at_quota
        .iter()
        .enumerate()
        .map(|(k, &c)| k as f64 * c as f64)
        .sum::<f64>()
        / n_at as f64;
    Team {
        target,
        sales: band_of(&res.team),
        attainment: band_of(&attainment),
        p_hit_target: p_hit.p(),
        p_hit_target_se: p_hit.se(),
        p_hit_target_ci95: p_hit.wilson95(),
        reps_at_quota: Count {
            mean: at_mean,
            p10: count_quantile(&res.at_quota, 0.1),
            p50: count_quantile(&res.at_quota, 0.5),
            p90: count_quantile(&res.at_quota, 0.9),
        },
        shortfall: Shortfall { var95, cvar95 },
    }
}

/// Each rep: sales, attainment, quarters and payout.
fn rep_summaries(
    model: &Model,
    res: &SimResult,
    expected: &[f64],
    quarter_names: &[String],
) -> Vec<RepSummary> {
    let n = res.trials;
    let workload = model.workload_by_rep();
    model
        .reps
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let st = &res.reps[i];
            let quota = res.quotas[i];
            let p = Proportion::new(st.hits, n);
            let q = st.hist.quantiles(&SPREAD_PS);
            RepSummary {
                id: r.id.clone(),
                name: r.name.clone(),
                quota,
                coverage: r.coverage(workload[i]),
                workload_hours: workload[i],
                expected_sales: expected[i],
                sales: spread(&st.sales, &q),
                attainment: RepAttainment {
                    p10: q[0] / quota,
                    p50: q[1] / quota,
                    p90: q[2] / quota,
                },
                p_attain: p.p(),
                p_attain_se: p.se(),
                p_attain_ci95: p.wilson95(),
                quarters: rep_quarters(&st.quarters, quarter_names, n),
                payout: st
                    .payout
                    .as_ref()
                    .map(|ps| spread(&ps.payout, &ps.hist.quantiles(&SPREAD_PS))),
            }
        })
        .collect()
}

/// A rep's quarters: each quarter's quota and sales, and year to date.
fn rep_quarters(quarters: &[RepQuarterStats], quarter_names: &[String], n: u64) -> Vec<RepQuarter> {
    quarters
        .iter()
        .zip(quarter_names)
        .map(|(qs, name)| {
            let pq = Proportion::new(qs.hits, n);
            RepQuarter {
                quarter: name.clone(),
                quota: qs.quota,
                sales: spread(&qs.sales, &qs.hist.quantiles(&SPREAD_PS)),
                p_attain: (qs.quota > 0.0).then(|| pq.p()),
                p_attain_se: (qs.quota > 0.0).then(|| pq.se()),
                ytd_quota: qs.ytd_quota,
                ytd_attainment_mean: qs.ytd_attainment.mean,
                p_ytd_attain: Proportion::new(qs.ytd_hits, n).p(),
            }
        })
        .collect()
}

/// Each group of reps (by region, manager, ...) against its quota.
fn group_summaries(model: &Model, res: &SimResult) -> Vec<GroupSummary> {
    model
        .rep_groups()
        .into_iter()
        .zip(&res.groups)
        .map(|(g, st)| {
            let p = Proportion::new(st.hits, res.trials);
            GroupSummary {
                by: g.by,
                id: g.id,
                reps: g.reps.len(),
                quota: st.quota,
                sales: spread(&st.sales, &st.hist.quantiles(&SPREAD_PS)),
                p_hit: p.p(),
                p_hit_se: p.se(),
                p_hit_ci95: p.wilson95(),
            }
        })
        .collect()
}

/// The team's quarters against their targets.
fn quarter_summaries(model: &Model, res: &SimResult, quarter_names: &[String]) -> Vec<Quarter> {
    model
        .quarters()
        .iter()
        .zip(&res.quarters)
        .zip(quarter_names)
        .map(|((range, q), name)| {
            let p = Proportion::new(q.hits, res.trials);
            Quarter {
                quarter: name.clone(),
                months: range.clone().map(|m| m + 1).collect(),
                target: q.target,
                sales_mean: q.sales.mean,
                sales_sd: q.sales.sd(),
                p_hit: p.p(),
                p_hit_se: p.se(),
                p_hit_ci95: p.wilson95(),
            }
        })
        .collect()
}

/// Payouts and cost of sales, with a comp plan.
fn compensation(model: &Model, res: &SimResult) -> Option<Compensation> {
    model.comp_plan.as_ref().map(|c| {
        let cost: Vec<f64> = res
            .payout_total
            .iter()
            .zip(&res.team)
            .map(|(p, t)| if *t > 0.0 { p / t } else { 0.0 })
            .collect();
        Compensation {
            total_payout: band_of(&res.payout_total),
            cost_of_sales: band_of(&cost),
            budget: c.budget,
            p_over_budget: c.budget.map(|b| {
                let over = res.payout_total.iter().filter(|&&p| p > b).count();
                Proportion::new(over as u64, res.trials).p()
            }),
        }
    })
}

/// How the quotas were decided.
fn quota_info(model: &Model, res: &SimResult, decided: &QuotaSolution) -> QuotaInfo {
    QuotaInfo {
        method: decided.method.name().to_string(),
        over_assignment: model.quotas.over_assignment,
        total: Cents(res.quotas.iter().map(|&q| Cents::nearest(q).0).sum()).amount(),
        p_star: decided.p_star,
        pinned: decided
            .pinned
            .iter()
            .map(|&(r, by)| Pinned {
                id: model.reps[r].id.clone(),
                by: by.name().to_string(),
            })
            .collect(),
    }
}

/// With sales booked so far: what each seat has booked, needs and can
/// expect per open month.
fn reforecast(
    model: &Model,
    res: &SimResult,
    reps: &[RepSummary],
    p_hit: Proportion,
) -> Option<Reforecast> {
    let target = model.company_target;
    model.actuals.as_ref().map(|a| {
        let open = model.months - a.months;
        let per = |x: f64| if open == 0 { 0.0 } else { x / open as f64 };
        let booked_team: f64 = (0..model.reps.len()).map(|r| a.rep_total(r)).sum();
        let team_mean = res.team.iter().sum::<f64>() / res.trials as f64;
        Reforecast {
            months_closed: a.months,
            months_open: open,
            team: SeatForecast {
                id: "team".to_string(),
                quota: target,
                booked: booked_team,
                p_attain: p_hit.p(),
                needed_per_month: per((target - booked_team).max(0.0)),
                expected_per_month: per(team_mean - booked_team),
                left_in_month: None,
            },
            reps: reps
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let booked = a.rep_total(i);
                    SeatForecast {
                        id: r.id.clone(),
                        quota: r.quota,
                        booked,
                        p_attain: r.p_attain,
                        needed_per_month: per((r.quota - booked).max(0.0)),
                        expected_per_month: per(r.sales.mean - booked),
                        left_in_month: a.left[i],
                    }
                })
                .collect(),
        }
    })
}
