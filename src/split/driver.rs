//! The driver: validate, split the graph into connected parts (see
//! `allocate`), run independent chains per part in parallel, keep the
//! best, report.

use super::allocate::{Sub, allocate, problem};
use super::anneal::{self, Params};
use super::distance::{home_distances, mean_edge_length};
use super::error::PoolError;
use super::exact::{EXACT_MAX, exhaustive};
use super::plan::{Key, Problem, State};
use super::proofs::{anchored, heavy_unit_note, proofs};
use super::report::report;
use super::seed;
use super::tree::Trees;
use super::validate::validate;
use super::{Limits, SplitError, SplitInput, SplitResult, Stop};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rayon::prelude::*;
use std::time::Instant;

/// Runs the optimizer. Errors only for invalid input; an unattainable
/// tolerance or limit gives `feasible = false` and the best plan found.
///
/// Search: rounds of `chains` independent chains per connected part. The
/// first round starts from the current alignment (or fresh spanning-tree
/// plans), later rounds alternate fresh starts with restarts from the best
/// plan so far. The search stops when a feasible plan has not improved for
/// `patience` rounds (converged), when infeasibility is proven, after
/// `max_rounds`, or at the time limit; [`SplitResult::stop`] says which.
/// Two-territory parts of at most [`EXACT_MAX`] units are searched
/// exhaustively when the rounds found no feasible plan.
pub fn optimize(input: &SplitInput<'_>) -> Result<SplitResult, SplitError> {
    let started = Instant::now();
    validate(input)?;
    let deadline = input.time_limit.map(|d| started + d);
    let (n, k) = (input.graph.len(), input.targets.len());
    let mut notes = Vec::new();
    let km = home_distances(input);
    let (eff, anchors) = anchored(input, &km, &mut notes);
    let mut proven = proofs(&eff, &km, &anchors);
    heavy_unit_note(&eff, &mut notes);
    let subs = allocate(&eff, &mut notes);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(input.threads.unwrap_or(0))
        .build()
        .map_err(|e| SplitError::Threads(input.threads.unwrap_or(0), PoolError::new(e)))?;
    let edge_len = mean_edge_length(input);
    let mut assignment = vec![0usize; n];
    let mut iterations = 0u64;
    let mut hit_time_limit = false;
    let mut rounds_max = 0;
    let mut stop = if proven.is_empty() {
        Stop::Converged
    } else {
        Stop::Infeasible
    };
    for (si, sub) in subs.iter().enumerate() {
        if sub.labels.len() == 1 {
            for &u in &sub.units {
                assignment[u] = sub.labels[0];
            }
            continue;
        }
        let p = problem(&eff, sub, edge_len, &km);
        let start = start_plan(input, &p, &part_name(&subs, si), &mut notes);
        let mut found = search(input, &pool, &p, si, start, deadline, &proven);
        iterations += found.iterations;
        hit_time_limit |= found.hit_time_limit;
        rounds_max = rounds_max.max(found.rounds);
        exhaust(&p, &mut found, &mut proven, &part_name(&subs, si));
        stop = worse_stop(stop, found.stop);
        if let Some((_, a)) = found.best {
            for (i, &t) in a.iter().enumerate() {
                assignment[p.units[i]] = p.labels[t as usize];
            }
        }
    }
    if hit_time_limit {
        notes.push(
            "the time limit stopped the search: this result depends on machine speed and load"
                .to_string(),
        );
    }
    let limits = Limits {
        km: &km,
        max_distance: &input.max_distance,
        anchors: &anchors,
        current: &input.current,
        disruption_weight: &input.disruption_weight,
        max_disruption: input.max_disruption,
        accounts: &input.accounts,
        max_moved_accounts: input.max_moved_accounts,
    };
    let r = report(
        &eff,
        assignment,
        iterations,
        started,
        hit_time_limit,
        notes,
        k,
        &km,
        &limits,
    );
    Ok(conclude(input, r, proven, stop, rounds_max))
}

/// The plan a part's first round starts from: the current alignment,
/// repaired when it is incomplete or not contiguous, or none (fresh plans)
/// without one or when it leaves a territory empty.
fn start_plan(
    input: &SplitInput<'_>,
    p: &Problem,
    part: &str,
    notes: &mut Vec<String>,
) -> Option<Vec<u32>> {
    if !input.current.iter().any(Option::is_some) {
        return None;
    }
    match seed::repair_current(p) {
        Some((a, changed)) => {
            if changed {
                notes.push(format!(
                    "the current alignment{part} was incomplete or not contiguous; it was repaired before optimizing"
                ));
            }
            Some(a)
        }
        None => {
            notes.push(format!(
                "the current alignment{part} leaves a territory empty; the search started from fresh plans"
            ));
            None
        }
    }
}

/// What the rounds of one part found.
struct PartSearch {
    best: Option<(Key, Vec<u32>)>,
    rounds: usize,
    stop: Stop,
    iterations: u64,
    hit_time_limit: bool,
}

/// Rounds of chains on part `si` until a feasible plan stops improving,
/// the search stalls without one, infeasibility is proven, the rounds run
/// out or the time limit strikes.
fn search(
    input: &SplitInput<'_>,
    pool: &rayon::ThreadPool,
    p: &Problem,
    si: usize,
    start: Option<Vec<u32>>,
    deadline: Option<Instant>,
    proven: &[String],
) -> PartSearch {
    let mut best: Option<(Key, Vec<u32>)> = None;
    let mut stale = 0;
    let mut round = 0;
    let mut iterations = 0;
    let mut hit_time_limit = false;
    let stop = loop {
        let from_best = round % 2 == 1 && best.is_some();
        let params = params(input, p, deadline, start.is_some() || from_best);
        let from = if from_best {
            best.as_ref().map(|b| b.1.as_slice())
        } else {
            start.as_deref()
        };
        let outs = run_round(input, pool, p, si, round, from, &params);
        round += 1;
        let mut hit = false;
        let mut improved = false;
        for out in outs {
            iterations += out.iterations;
            hit |= out.hit_deadline;
            let key = State::new(p, out.assign.clone()).key();
            if best.as_ref().is_none_or(|b| key.better_than(&b.0)) {
                improved |= best
                    .as_ref()
                    .is_none_or(|b| key.clearly_better_than(&b.0, CONVERGED));
                best = Some((key, out.assign));
            }
        }
        stale = if improved { 0 } else { stale + 1 };
        let feasible = best.as_ref().is_some_and(|b| b.0.feasible());
        if hit {
            hit_time_limit = true;
            break Stop::TimeLimit;
        }
        if feasible && stale >= input.patience {
            break Stop::Converged;
        }
        if !proven.is_empty() {
            break Stop::Infeasible;
        }
        if !feasible && stale >= STALL * input.patience.max(1) {
            break Stop::Stalled;
        }
        if round >= input.max_rounds {
            break Stop::Rounds;
        }
    };
    PartSearch {
        best,
        rounds: round,
        stop,
        iterations,
        hit_time_limit,
    }
}

/// One round: `chains` chains in parallel, each from `from` or, without
/// it, from a fresh spanning-tree plan drawn with the chain's own stream.
fn run_round(
    input: &SplitInput<'_>,
    pool: &rayon::ThreadPool,
    p: &Problem,
    si: usize,
    round: usize,
    from: Option<&[u32]>,
    params: &Params,
) -> Vec<anneal::ChainOut> {
    pool.install(|| {
        (0..input.chains)
            .into_par_iter()
            .map(|c| {
                let mut rng = chain_rng(input.seed, si, round * input.chains + c);
                let first = match from {
                    Some(a) => a.to_vec(),
                    None => {
                        let mut trees = Trees::new(p.n());
                        let mut a = seed::tree_seed(p, &mut trees, &mut rng);
                        seed::relabel_for_homes(p, &mut a);
                        a
                    }
                };
                anneal::run(p, first, rng, params)
            })
            .collect()
    })
}

/// A small two-territory part the rounds found no feasible plan for is
/// searched exhaustively: its best plan, or a proof there is none.
fn exhaust(p: &Problem, found: &mut PartSearch, proven: &mut Vec<String>, part: &str) {
    if found.best.as_ref().is_none_or(|b| !b.0.feasible())
        && proven.is_empty()
        && p.k() == 2
        && p.n() <= EXACT_MAX
    {
        match exhaustive(p) {
            Some(a) => found.best = Some((State::new(p, a.clone()).key(), a)),
            None => proven.push(format!(
                "an exhaustive search of every split of the {} units{part} into two contiguous territories found none within every limit",
                p.n(),
            )),
        }
        found.stop = Stop::Exhausted;
    }
}

/// The report with the search's outcome: proofs of infeasibility (unless
/// a feasible plan refutes them), why no feasible plan was found, the stop.
fn conclude(
    input: &SplitInput<'_>,
    mut r: SplitResult,
    mut proven: Vec<String>,
    mut stop: Stop,
    rounds_max: usize,
) -> SplitResult {
    if !proven.is_empty() && r.feasible {
        // A proof and a feasible plan cannot both stand.
        proven.clear();
    }
    if !r.feasible && proven.is_empty() && stop != Stop::Exhausted {
        r.notes.push(format!(
            "no plan within every limit was found after {rounds_max} restart round(s) of {} chains ({}); infeasibility is not proven",
            input.chains,
            stop.describe()
        ));
    }
    if !proven.is_empty() {
        stop = Stop::Infeasible;
    }
    r.stop = stop;
    r.rounds = rounds_max;
    r.proven_infeasible = proven;
    r
}

/// A round that improves the best plan by less than this share of its
/// score (cut edges and distance to home, or disruption under continuity)
/// counts as no improvement for convergence; it is still kept.
const CONVERGED: f64 = 0.01;

/// Without a feasible plan, the search stops after this many times
/// `patience` rounds without improvement.
const STALL: usize = 4;

/// The stop reported for several parts: the one that says least about
/// the optimum.
fn worse_stop(a: Stop, b: Stop) -> Stop {
    let rank = |s: Stop| match s {
        Stop::Exhausted => 0,
        Stop::Converged => 1,
        Stop::Infeasible => 2,
        Stop::Stalled => 3,
        Stop::Rounds => 4,
        Stop::TimeLimit => 5,
    };
    if rank(b) > rank(a) { b } else { a }
}

fn part_name(subs: &[Sub], si: usize) -> String {
    if subs.len() > 1 {
        format!(" (in component part {})", si + 1)
    } else {
        String::new()
    }
}

/// Chain `c` of sub-problem `si`: one ChaCha8 key per seed, one stream per
/// (sub-problem, chain), so adding chains never shifts existing ones.
fn chain_rng(seed: u64, si: usize, c: usize) -> ChaCha8Rng {
    let mut state = seed ^ 0x5EED_5B11_7000_0000;
    let mut key = [0u8; 32];
    for chunk in key.chunks_exact_mut(8) {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    let mut rng = ChaCha8Rng::from_seed(key);
    rng.set_stream(((si as u64) << 32) | c as u64);
    rng
}

/// The search schedule. Starting from the current alignment the chain runs
/// cooler, so it refines that plan instead of wandering far from it.
fn params(input: &SplitInput<'_>, p: &Problem, deadline: Option<Instant>, warm: bool) -> Params {
    let n = p.n() as u64;
    let iterations = input
        .iterations
        .unwrap_or_else(|| (n * 300).clamp(300_000, 3_000_000));
    Params {
        iterations,
        t0: if warm { 0.6 } else { 1.5 },
        t1: 0.03,
        lambda0: 0.3,
        lambda1: 30.0,
        // ReCom redraws two whole territories: with few large ones it costs
        // more than it brings, so it is drawn less often there.
        recom: 0.002 * (200.0 * p.k() as f64 / n as f64).min(1.0),
        pair: 0.25,
        deadline,
    }
}
