//! The alignment: one optimizer run, or under `Balance::Risk` a few
//! rounds that move targets toward the territories less likely to reach an
//! equal quota, every candidate simulated with the same random numbers.

use super::balance::{AlignError, AlignOptions, Alignment, Balance, apply, graph, input, weights};
use crate::engine::{self, SimOptions};
use crate::model::{Model, geo};
use crate::source::Setting;
use crate::split::{SplitInput, frontier, optimize};
use crate::stats::Proportion;

/// P(each territory's sales >= an equal quota), by simulation. The equal
/// quota is the pool (target x (1 + over-assignment)) split evenly.
pub fn p_equal_quota(model: &Model, opts: &AlignOptions) -> Result<Vec<f64>, AlignError> {
    let k = model.reps.len();
    let quota = model.company_target * (1.0 + model.quotas.over_assignment) / k as f64;
    let sim = SimOptions {
        threads: opts.threads,
        analytics: false,
        ..SimOptions::new(opts.risk_trials, opts.seed)
    };
    let res = engine::run(model, &vec![quota; k], &sim, None)?;
    Ok(res
        .reps
        .iter()
        .map(|r| Proportion::new(r.hits, res.trials).p())
        .collect())
}

/// Disruption caps of the balance–disruption frontier.
pub const FRONTIER_CAPS: [f64; 5] = [0.05, 0.1, 0.2, 0.3, 1.0];

/// Says how far reps may travel.
fn radius_note(inp: &SplitInput<'_>, opts: &AlignOptions, notes: &mut Vec<String>) {
    let r: Vec<f64> = inp.max_distance.iter().flatten().copied().collect();
    if r.is_empty() {
        return;
    }
    let (lo, hi) = r.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &x| {
        (lo.min(x), hi.max(x))
    });
    notes.push(match opts.max_distance {
        Some(km) => format!("travel radius: {km:.0} km around each rep's home"),
        None => format!(
            "travel radius: automatic, {lo:.0}–{hi:.0} km around each rep's home (1.5 × the coverage radius, or farther where a rep covers more today; set one with {} KM)",
            opts.spelling.of(Setting::MaxDistance)
        ),
    });
}

/// Splits the scenario's units into `opts.k` territories.
///
/// Under `Balance::Risk` the plan is first balanced on expected sales; then,
/// a few rounds: simulate it (same seed, so every candidate sees the same
/// random numbers), find each territory's chance of reaching an equal quota,
/// and move targets toward the territories that need more expected sales to
/// reach the same chance (the riskier ones); keep the candidate with the
/// smallest spread of chances.
pub fn align(model: &Model, opts: &AlignOptions) -> Result<Alignment, AlignError> {
    let (g, note) = graph(model)?;
    let locations = geo::planar_all(&model.units);
    let lat_lon = geo::lat_lon_all(&model.units);
    let mut notes = vec![note];
    let weight = weights(model, &opts.balance);
    let inp = input(
        model,
        &g,
        locations.as_deref(),
        lat_lon.as_deref(),
        opts,
        weight.clone(),
        None,
    )?;
    radius_note(&inp, opts, &mut notes);
    let first = optimize(&inp)?;
    let frontier = if opts.frontier && inp.current.iter().any(Option::is_some) {
        let mut f = inp.clone();
        f.max_rounds = f.max_rounds.min(8);
        frontier(&f, &FRONTIER_CAPS)?
    } else {
        Vec::new()
    };
    if let Some((u, share)) = weight
        .iter()
        .enumerate()
        .map(|(u, w)| {
            (
                u,
                w / inp
                    .targets
                    .iter()
                    .cloned()
                    .fold(f64::NEG_INFINITY, f64::max),
            )
        })
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .filter(|&(_, share)| share > 1.0 + opts.tolerance)
    {
        notes.push(format!(
            "unit `{}` alone is {:.0} % of the largest territory target: no plan can meet ±{:.1} % with these units (split the unit, lock it as its own territory with its own target, or use fewer territories)",
            model.units[u].id,
            100.0 * share,
            100.0 * opts.tolerance
        ));
    }
    if opts.balance != Balance::Risk {
        notes.extend(
            first
                .notes
                .iter()
                .filter(|n| !n.contains(" alone exceeds the largest target"))
                .cloned(),
        );
        return Ok(Alignment {
            result: first,
            notes,
            frontier,
            p_equal_quota: None,
        });
    }
    // Candidates: sales-balanced, then mixes that also balance workload (an
    // overloaded territory covers less of its potential), then target
    // adjustments toward the territories with the lower chance. Every
    // candidate is simulated with the same random numbers; the one with the
    // smallest spread of chances wins.
    let spread = |p: &[f64]| {
        p.iter().cloned().fold(f64::NEG_INFINITY, f64::max)
            - p.iter().cloned().fold(f64::INFINITY, f64::min)
    };
    let mut best_p = p_equal_quota(&apply(model, &first.assignment, opts.k), opts)?;
    let mut best = first;
    let mut best_weight = weight.clone();
    let mut best_targets = inp.targets.clone();
    for (round, mix) in [[0.75, 0.25, 0.0], [0.5, 0.5, 0.0], [0.25, 0.75, 0.0]]
        .iter()
        .enumerate()
    {
        let w = weights(model, &Balance::Mix(*mix));
        let mut o = opts.clone();
        o.seed = opts.seed.wrapping_add(round as u64 + 1);
        let inp = input(
            model,
            &g,
            locations.as_deref(),
            lat_lon.as_deref(),
            &o,
            w.clone(),
            None,
        )?;
        let cand = optimize(&inp)?;
        let p = p_equal_quota(&apply(model, &cand.assignment, opts.k), opts)?;
        if cand.feasible && spread(&p) < spread(&best_p) {
            best = cand;
            best_p = p;
            best_targets = inp.targets.clone();
            best_weight = w;
        }
    }
    for round in 0..3u64 {
        let mean = best_p.iter().sum::<f64>() / best_p.len() as f64;
        let total: f64 = best_weight.iter().sum();
        let mut targets: Vec<f64> = best_targets
            .iter()
            .zip(&best_p)
            .map(|(t, p)| t * (1.0 + 0.5 * (mean - p)))
            .collect();
        let s: f64 = targets.iter().sum();
        targets.iter_mut().for_each(|t| *t *= total / s);
        let mut o = opts.clone();
        o.seed = opts.seed.wrapping_add(10 + round);
        let inp = input(
            model,
            &g,
            locations.as_deref(),
            lat_lon.as_deref(),
            &o,
            best_weight.clone(),
            Some(targets.clone()),
        )?;
        let cand = optimize(&inp)?;
        let p = p_equal_quota(&apply(model, &cand.assignment, opts.k), opts)?;
        if cand.feasible && spread(&p) < spread(&best_p) {
            best = cand;
            best_p = p;
            best_targets = targets;
        }
    }
    notes.extend(best.notes.iter().cloned());
    notes.push(format!(
        "risk balance: P(reaching an equal quota) spans {:.1} % to {:.1} % across territories ({} trials per evaluation, common random numbers)",
        100.0 * best_p.iter().cloned().fold(f64::INFINITY, f64::min),
        100.0 * best_p.iter().cloned().fold(f64::NEG_INFINITY, f64::max),
        opts.risk_trials
    ));
    Ok(Alignment {
        result: best,
        notes,
        frontier,
        p_equal_quota: Some(best_p),
    })
}
