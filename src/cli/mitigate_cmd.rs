//! `quotaplan mitigate`: candidate mitigations from the scenario's structure
//! and risk register plus the user's `[[mitigations]]`, each evaluated
//! against the base with common random numbers; a ranked table and the best
//! combination under a budget, evaluated together.

use super::args::MitigateArgs;
use super::{Fail, check, files, load};
use quotaplan::alignment::{self, AlignOptions, Balance};
use quotaplan::compare;
use quotaplan::engine::{self, SimOptions, SimResult};
use quotaplan::model::{Model, RiskKind};
use quotaplan::report;
use quotaplan::scenario::Purpose;
use quotaplan::stats::quantile_sorted;
use std::fmt::Write as _;
use std::path::PathBuf;

struct Candidate {
    id: String,
    kind: String,
    description: String,
    cost: f64,
    sets: Vec<String>,
    /// A territory change (owners by unit) instead of overrides.
    owners: Option<Vec<usize>>,
}

struct Outcome {
    dp: f64,
    dp_se: f64,
    dsales: f64,
    dpayout: f64,
}

fn p_hit(r: &SimResult, target: f64) -> f64 {
    r.team.iter().filter(|&&x| x >= target).count() as f64 / r.trials as f64
}

fn mean(x: &[f64]) -> f64 {
    if x.is_empty() {
        0.0
    } else {
        x.iter().sum::<f64>() / x.len() as f64
    }
}

/// Paired (common random numbers) change against the base.
fn outcome(base: &SimResult, cand: &SimResult, target: f64) -> Outcome {
    Outcome {
        dp: p_hit(cand, target) - p_hit(base, target),
        dp_se: compare::paired_se(
            &compare::hits(&base.team, target),
            &compare::hits(&cand.team, target),
        ),
        dsales: mean(&cand.team) - mean(&base.team),
        dpayout: mean(&cand.payout_total) - mean(&base.payout_total),
    }
}

pub fn mitigate(a: MitigateArgs) -> Result<(), Fail> {
    let loaded = load(a.scenario.as_deref(), Purpose::Simulate, &a.set)?;
    check(&loaded)?;
    let model = loaded.model.as_ref().expect("checked");
    let opts = SimOptions {
        threads: a.threads,
        analytics: false,
        ..SimOptions::new(
            a.trials.unwrap_or(model.trials),
            a.seed.unwrap_or(model.seed),
        )
    };
    let base = engine::simulate(model, &opts, None)?;
    let target = model.company_target;
    let p0 = p_hit(&base, target);
    let ti = model.comp_plan.as_ref().map_or(0.0, |c| c.target_incentive);

    // Candidates from the scenario's structure and risk register.
    let mut cands: Vec<Candidate> = Vec::new();
    let backfill: Vec<String> = model
        .reps
        .iter()
        .filter(|r| r.attrition > 0.0 && r.vacancy_months > 1)
        .map(|r| format!("reps.{}.vacancy_months=1", r.id))
        .collect();
    if !backfill.is_empty() {
        let cost = a.bench_cost.unwrap_or(2.0 * ti);
        cands.push(Candidate {
            id: "bench_rep".into(),
            kind: "reduction".into(),
            description: format!(
                "a bench rep fills any vacancy within a month (cost {})",
                if a.bench_cost.is_some() {
                    "given"
                } else {
                    "assumed: 2 x target incentive"
                }
            ),
            cost,
            sets: backfill,
            owners: None,
        });
    }
    let losses: Vec<String> = model
        .risks
        .iter()
        .filter_map(|r| match r.kind {
            RiskKind::AccountLoss { probability } if probability > 0.0 => {
                Some(format!("risks.{}.probability={}", r.id, probability / 2.0))
            }
            _ => None,
        })
        .collect();
    if !losses.is_empty() {
        cands.push(Candidate {
            id: "key_account_programme".into(),
            kind: "reduction".into(),
            description: format!(
                "a key-account programme halves account-loss probabilities (cost {})",
                if a.programme_cost.is_some() {
                    "given"
                } else {
                    "assumed: 1 x target incentive"
                }
            ),
            cost: a.programme_cost.unwrap_or(ti),
            sets: losses,
            owners: None,
        });
    }
    let workload = model.workload_by_rep();
    if model
        .reps
        .iter()
        .zip(&workload)
        .any(|(r, &w)| r.coverage(w) < 1.0)
    {
        let al = alignment::align(
            model,
            &AlignOptions {
                k: model.reps.len(),
                balance: Balance::Mix([0.5, 0.5, 0.0]),
                tolerance: 0.05,
                max_disruption: Some(0.2),
                capacity_targets: false,
                seed: opts.seed,
                threads: a.threads,
                risk_trials: 1000,
            },
        );
        if let Ok(al) = al {
            cands.push(Candidate {
                id: "rebalance".into(),
                kind: "reduction".into(),
                description: format!(
                    "move contiguous units from overloaded reps to reps with spare capacity (balance sales and workload, {:.0} % of sales moves)",
                    100.0 * al.result.disruption
                ),
                cost: 0.0,
                sets: Vec::new(),
                owners: Some(al.result.assignment),
            });
        }
    }
    for m in &model.mitigations {
        cands.push(Candidate {
            id: m.id.clone(),
            kind: m.kind.clone(),
            description: m.description.clone(),
            cost: m.cost,
            sets: m.sets.clone(),
            owners: None,
        });
    }

    // Each candidate against the base, same random numbers.
    let evaluate = |sets: &[String], owners: Option<&Vec<usize>>| -> Result<SimResult, Fail> {
        let mut all = a.set.clone();
        all.extend(sets.iter().cloned());
        let l = load(a.scenario.as_deref(), Purpose::Simulate, &all)?;
        check(&l)?;
        let mut m: Model = l.model.expect("checked");
        if let Some(o) = owners {
            m = alignment::apply(&m, o, m.reps.len());
        }
        Ok(engine::simulate(&m, &opts, None)?)
    };
    let mut rows = Vec::new();
    for c in &cands {
        let r = evaluate(&c.sets, c.owners.as_ref())?;
        rows.push(outcome(&base, &r, target));
    }

    // Recommended combination under the budget: best benefit per cost first.
    let budget = a.budget.unwrap_or(f64::INFINITY);
    let mut order: Vec<usize> = (0..cands.len())
        .filter(|&i| rows[i].dp > 1.96 * rows[i].dp_se)
        .collect();
    order.sort_by(|&x, &y| {
        let per = |i: usize| {
            if cands[i].cost > 0.0 {
                rows[i].dp / cands[i].cost
            } else {
                f64::INFINITY
            }
        };
        per(y).total_cmp(&per(x)).then(x.cmp(&y))
    });
    let mut chosen = Vec::new();
    let mut spent = 0.0;
    for i in order {
        // One territory change at a time; overrides combine freely.
        if cands[i].owners.is_some() && chosen.iter().any(|&j: &usize| cands[j].owners.is_some()) {
            continue;
        }
        if spent + cands[i].cost <= budget {
            spent += cands[i].cost;
            chosen.push(i);
        }
    }
    let combined = if chosen.len() > 1 {
        let sets: Vec<String> = chosen
            .iter()
            .flat_map(|&i| cands[i].sets.iter().cloned())
            .collect();
        let owners = chosen.iter().find_map(|&i| cands[i].owners.as_ref());
        Some(outcome(&base, &evaluate(&sets, owners)?, target))
    } else {
        None
    };

    // The over-assignment that makes the plan a `goal` bet.
    let mut sorted = base.team.clone();
    sorted.sort_by(f64::total_cmp);
    let safe = quantile_sorted(&sorted, 1.0 - a.goal);
    let oa_needed = (1.0 + model.quotas.over_assignment) * target / safe - 1.0;

    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}: P(team hits target) {:.1} % today; goal {:.0} %",
        model.name,
        100.0 * p0,
        100.0 * a.goal
    );
    let _ = writeln!(
        o,
        "Over-assignment: the team reaches {} with probability {:.0} %; to carry the target {} safely, quotas need {:.1} % over-assignment (now {:.1} %), or commit {} to head office.",
        report::money(safe),
        100.0 * a.goal,
        report::money(target),
        100.0 * oa_needed,
        100.0 * model.quotas.over_assignment,
        report::money(safe)
    );
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:<4} {:<24} {:<10} {:>22} {:>14} {:>12} {:>12} {:>14}",
        "Rank",
        "Mitigation",
        "Kind",
        "Δ P(team) [95 % CI]",
        "Δ sales",
        "Δ payout",
        "Cost",
        "ΔP per 1M"
    );
    let mut rank: Vec<usize> = (0..cands.len()).collect();
    rank.sort_by(|&x, &y| rows[y].dp.total_cmp(&rows[x].dp).then(x.cmp(&y)));
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record([
        "rank",
        "id",
        "kind",
        "description",
        "delta_p_hit",
        "delta_p_hit_se",
        "delta_sales_mean",
        "delta_payout_mean",
        "cost",
        "delta_p_per_million",
        "recommended",
    ])?;
    for (n, &i) in rank.iter().enumerate() {
        let (c, r) = (&cands[i], &rows[i]);
        let per = if c.cost > 0.0 {
            format!("{:+.4}", r.dp / c.cost * 1e6)
        } else {
            "free".into()
        };
        let _ = writeln!(
            o,
            "{:<4} {:<24} {:<10} {:>+7.2} pts [{:+.2}, {:+.2}] {:>14.0} {:>12.0} {:>12.0} {:>14}{}",
            n + 1,
            c.id,
            c.kind,
            100.0 * r.dp,
            100.0 * (r.dp - 1.96 * r.dp_se),
            100.0 * (r.dp + 1.96 * r.dp_se),
            r.dsales,
            r.dpayout,
            c.cost,
            per,
            if chosen.contains(&i) { "  *" } else { "" }
        );
        let _ = writeln!(o, "     {}", c.description);
        csv.write_record([
            (n + 1).to_string(),
            c.id.clone(),
            c.kind.clone(),
            c.description.clone(),
            r.dp.to_string(),
            r.dp_se.to_string(),
            r.dsales.to_string(),
            r.dpayout.to_string(),
            c.cost.to_string(),
            if c.cost > 0.0 {
                (r.dp / c.cost * 1e6).to_string()
            } else {
                String::new()
            },
            chosen.contains(&i).to_string(),
        ])?;
    }
    let _ = writeln!(o);
    match (&combined, chosen.len()) {
        (_, 0) => {
            let _ = writeln!(
                o,
                "No mitigation raises P(team hits target) beyond noise within the budget."
            );
        }
        (Some(r), _) => {
            let _ = writeln!(
                o,
                "Recommended (*) together, cost {spent:.0}{}: Δ P(team) {:+.2} pts [{:+.2}, {:+.2}] → {:.1} %, Δ sales {:+.0} (evaluated together: interactions included)",
                if budget.is_finite() {
                    format!(" of budget {budget:.0}")
                } else {
                    String::new()
                },
                100.0 * r.dp,
                100.0 * (r.dp - 1.96 * r.dp_se),
                100.0 * (r.dp + 1.96 * r.dp_se),
                100.0 * (p0 + r.dp),
                r.dsales
            );
        }
        (None, _) => {
            let i = chosen[0];
            let _ = writeln!(
                o,
                "Recommended (*): {} alone, cost {:.0}: P(team) → {:.1} %",
                cands[i].id,
                cands[i].cost,
                100.0 * (p0 + rows[i].dp)
            );
        }
    }
    let out_dir = a.out.clone().unwrap_or_else(|| {
        PathBuf::from("output")
            .join(files::slug(&model.name))
            .join("mitigate")
    });
    let csv_text = String::from_utf8(csv.into_inner().map_err(|e| e.to_string())?)?;
    files::write_all(&out_dir, &[("mitigations.csv", csv_text.as_bytes())])?;
    let _ = writeln!(
        o,
        "Wrote {} ({} trials, seed {}, the same random numbers for every candidate)",
        out_dir.join("mitigations.csv").display(),
        opts.trials,
        opts.seed
    );
    print!("{o}");
    Ok(())
}
