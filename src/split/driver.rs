//! The driver: validate, split the graph into connected sub-problems, run
//! independent chains per sub-problem in parallel, keep the best, report.
//!
//! Islands. Territories are allocated to connected components in proportion
//! to weight: greedily, each to the component whose weight most exceeds the
//! targets already placed there, after locked territories and preferring the
//! component holding most of the territory's current units. A component left
//! without a territory is too small to hold one; it joins, through a "ferry"
//! link that is not counted as a cut edge, the territory owning the nearest
//! mainland unit (nearest by location; without locations, the first unit of
//! the component whose weight falls furthest short of its targets). So a
//! territory may own an island beside its mainland part, and contiguity is
//! judged within each component, as [`check()`] does.

use super::anneal::{self, Params};
use super::error::PoolError;
use super::plan::{HomeTerm, Key, NONE, OTHER, Problem, State};
use super::seed;
use super::tree::Trees;
use super::{
    Limits, SplitError, SplitInput, SplitResult, Stop, TerritoryMetrics, Violation, check,
    check_limits,
};
use rand::SeedableRng;
use rand::rngs::ChaCha8Rng;
use rayon::prelude::*;
use std::time::Instant;

/// One connected part of the search: a component and its attached islands.
struct Sub {
    units: Vec<usize>,
    labels: Vec<usize>,
    /// Global unit pairs linking an island to its mainland.
    ferries: Vec<(usize, usize)>,
    /// Locks added so an island locked to a territory lands in it.
    extra_locks: Vec<(usize, usize)>,
}

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
    let g = input.graph;
    let (n, k) = (g.len(), input.targets.len());
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
        let start = if input.current.iter().any(Option::is_some) {
            match seed::repair_current(&p) {
                Some((a, changed)) => {
                    if changed {
                        notes.push(format!(
                            "the current alignment{} was incomplete or not contiguous; it was repaired before optimizing",
                            part_name(&subs, si)
                        ));
                    }
                    Some(a)
                }
                None => {
                    notes.push(format!(
                        "the current alignment{} leaves a territory empty; the search started from fresh plans",
                        part_name(&subs, si)
                    ));
                    None
                }
            }
        } else {
            None
        };
        let mut best: Option<(Key, Vec<u32>)> = None;
        let mut stale = 0;
        let mut round = 0;
        let sub_stop = loop {
            let from_best = round % 2 == 1 && best.is_some();
            let params = params(input, &p, deadline, start.is_some() || from_best);
            let outs: Vec<anneal::ChainOut> = pool.install(|| {
                (0..input.chains)
                    .into_par_iter()
                    .map(|c| {
                        let mut rng = chain_rng(input.seed, si, round * input.chains + c);
                        let first = match (&best, &start) {
                            (Some((_, b)), _) if from_best => b.clone(),
                            (_, Some(a)) => a.clone(),
                            _ => {
                                let mut trees = Trees::new(p.n());
                                let mut a = seed::tree_seed(&p, &mut trees, &mut rng);
                                seed::relabel_for_homes(&p, &mut a);
                                a
                            }
                        };
                        anneal::run(&p, first, rng, &params)
                    })
                    .collect()
            });
            round += 1;
            let mut hit = false;
            let mut improved = false;
            for out in outs {
                iterations += out.iterations;
                hit |= out.hit_deadline;
                let key = State::new(&p, out.assign.clone()).key();
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
        rounds_max = rounds_max.max(round);
        let mut sub_stop = sub_stop;
        if best.as_ref().is_none_or(|b| !b.0.feasible())
            && proven.is_empty()
            && p.k() == 2
            && p.n() <= EXACT_MAX
        {
            match exhaustive(&p) {
                Some(a) => best = Some((State::new(&p, a.clone()).key(), a)),
                None => proven.push(format!(
                    "an exhaustive search of every split of the {} units{} into two contiguous territories found none within every limit",
                    p.n(),
                    part_name(&subs, si)
                )),
            }
            sub_stop = Stop::Exhausted;
        }
        stop = worse_stop(stop, sub_stop);
        if let Some((_, a)) = best {
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
    let mut r = report(
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
    Ok(r)
}

/// Energy, in cut edges, of an average unit changing owner under
/// continuity: enough that compactness alone rarely moves a unit, small
/// enough that balance still can.
const MOVE_COST: f64 = 1.0;

/// A round that improves the best plan by less than this share of its
/// score (cut edges and distance to home, or disruption under continuity)
/// counts as no improvement for convergence; it is still kept.
const CONVERGED: f64 = 0.01;

/// Without a feasible plan, the search stops after this many times
/// `patience` rounds without improvement.
const STALL: usize = 4;

/// Largest two-territory part searched exhaustively (2^(n-1) splits).
pub const EXACT_MAX: usize = 22;

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

/// Every split of a two-territory part: the best plan within every hard
/// limit, or `None` when there is none. Only for small parts.
fn exhaustive(p: &Problem) -> Option<Vec<u32>> {
    let n = p.n();
    let mut best: Option<(Key, Vec<u32>)> = None;
    let mut assign = vec![0u32; n];
    let mut seen = vec![false; n];
    let mut stack = Vec::with_capacity(n);
    let connected = |assign: &[u32], t: u32, seen: &mut [bool], stack: &mut Vec<usize>| {
        seen.fill(false);
        let Some(s0) = (0..n).find(|&u| assign[u] == t) else {
            return false;
        };
        let mut count = 1;
        seen[s0] = true;
        stack.clear();
        stack.push(s0);
        while let Some(x) = stack.pop() {
            for &y in p.graph.nbrs(x) {
                let y = y as usize;
                if !seen[y] && assign[y] == t {
                    seen[y] = true;
                    count += 1;
                    stack.push(y);
                }
            }
        }
        count == assign.iter().filter(|&&a| a == t).count()
    };
    // Unit 0 in territory 0 and in territory 1: both orientations.
    for first in 0..2u32 {
        for mask in 0u64..(1u64 << (n - 1)) {
            assign[0] = first;
            let mut w0 = if first == 0 { p.weight[0] } else { 0.0 };
            for (u, a) in assign.iter_mut().enumerate().skip(1) {
                *a = if (mask >> (u - 1)) & 1 == 1 {
                    1 - first
                } else {
                    first
                };
                if *a == 0 {
                    w0 += p.weight[u];
                }
            }
            let total: f64 = p.targets.iter().sum();
            if p.excess(0, w0) > 0.0 || p.excess(1, total - w0) > 0.0 {
                continue;
            }
            if (0..n).any(|u| p.barred(u, assign[u])) {
                continue;
            }
            if !connected(&assign, 0, &mut seen, &mut stack)
                || !connected(&assign, 1, &mut seen, &mut stack)
            {
                continue;
            }
            let key = State::new(p, assign.clone()).key();
            if key.feasible() && best.as_ref().is_none_or(|b| key.better_than(&b.0)) {
                best = Some((key, assign.clone()));
            }
        }
    }
    best.map(|b| b.1)
}

/// Distance (km) of every unit to each territory's home unit: great-circle
/// for geographic units, planar otherwise.
pub fn home_distances(input: &SplitInput<'_>) -> Vec<Option<Vec<f64>>> {
    input
        .home_unit
        .iter()
        .map(|h| {
            let h = (*h)?;
            match (input.lat_lon, input.locations) {
                (Some(ll), _) => Some(
                    ll.iter()
                        .map(|&x| crate::model::geo::great_circle_km(x, ll[h]))
                        .collect(),
                ),
                (None, Some(loc)) => Some(loc.iter().map(|&x| dist(x, loc[h])).collect()),
                (None, None) => None,
            }
        })
        .collect()
}

/// The input with home units locked to their territory (anchors), and the
/// anchors. A home unit shared by several reps anchors none of them; a
/// home unit locked to another territory stays with its lock (and
/// [`proofs`] reports the conflict).
fn anchored<'a>(
    input: &SplitInput<'a>,
    km: &[Option<Vec<f64>>],
    notes: &mut Vec<String>,
) -> (SplitInput<'a>, Vec<Option<usize>>) {
    let k = input.targets.len();
    let mut eff = input.clone();
    let mut anchors = vec![None; k];
    let mut shared = Vec::new();
    for (t, h) in input.home_unit.iter().enumerate() {
        let Some(h) = *h else { continue };
        let sharers = input.home_unit.iter().filter(|&&o| o == Some(h)).count();
        if sharers > 1 {
            shared.push(t);
            continue;
        }
        anchors[t] = Some(h);
        if eff.locked[h].is_none() {
            eff.locked[h] = Some(t);
        }
    }
    if !shared.is_empty() {
        notes.push(format!(
            "{} territories share a home unit with another; they are not anchored to it, only kept within their travel radius",
            shared.len()
        ));
    }
    let without: Vec<usize> = (0..k)
        .filter(|&t| input.home_unit.get(t).is_none_or(Option::is_none))
        .collect();
    if !input.home_unit.is_empty() && !without.is_empty() {
        notes.push(format!(
            "{} territor{} without a home (placed where the plan is best): {}",
            without.len(),
            if without.len() == 1 { "y" } else { "ies" },
            list(&without)
        ));
    }
    let _ = km;
    (eff, anchors)
}

/// Territory numbers, at most eight of them.
fn list(ts: &[usize]) -> String {
    let mut s: Vec<String> = ts.iter().take(8).map(|t| t.to_string()).collect();
    if ts.len() > 8 {
        s.push(format!("(+{} more)", ts.len() - 8));
    }
    s.join(", ")
}

/// Reasons no plan can meet the limits, each a proof: a unit too heavy for
/// every territory it may join, a locked set already over its target, a
/// unit no territory may take, a home locked elsewhere.
fn proofs(
    input: &SplitInput<'_>,
    km: &[Option<Vec<f64>>],
    anchors: &[Option<usize>],
) -> Vec<String> {
    let (n, k) = (input.graph.len(), input.targets.len());
    let tol = input.tolerance;
    let far = |u: usize, t: usize| match (km.get(t), input.max_distance.get(t)) {
        (Some(Some(d)), Some(Some(limit))) => d[u] > *limit,
        _ => false,
    };
    let allowed = |u: usize, t: usize| input.locked[u].is_none_or(|l| l == t) && !far(u, t);
    let mut out = Vec::new();
    let mut homeless = Vec::new();
    let mut heavy = Vec::new();
    for u in 0..n {
        let ok: Vec<usize> = (0..k).filter(|&t| allowed(u, t)).collect();
        if ok.is_empty() {
            homeless.push(u);
        } else if ok
            .iter()
            .all(|&t| input.weight[u] > (1.0 + tol) * input.targets[t] * (1.0 + 1e-12))
        {
            heavy.push(u);
        }
    }
    if !homeless.is_empty() {
        out.push(format!(
            "{} unit(s) may join no territory (locked beyond its radius, or beyond every radius): units {}",
            homeless.len(),
            list(&homeless)
        ));
    }
    if !heavy.is_empty() {
        out.push(format!(
            "{} unit(s) alone weigh more than (1 + tolerance) × the target of every territory they may join: units {}",
            heavy.len(),
            list(&heavy)
        ));
    }
    let mut locked_w = vec![0.0; k];
    for (u, l) in input.locked.iter().enumerate() {
        if let Some(t) = *l {
            locked_w[t] += input.weight[u];
        }
    }
    for (t, (&w, &target)) in locked_w.iter().zip(&input.targets).enumerate() {
        if w > (1.0 + tol) * target * (1.0 + 1e-12) {
            out.push(format!(
                "the units locked to territory {t} (home included) already weigh {:.1} % of its target, more than the tolerance allows",
                100.0 * w / target
            ));
        }
    }
    for (t, h) in anchors.iter().enumerate() {
        if let Some(h) = *h
            && input.locked[h].is_some_and(|l| l != t)
        {
            out.push(format!(
                "the home unit {h} of territory {t} is locked to territory {}",
                input.locked[h].unwrap_or(t)
            ));
        }
    }
    out
}

/// A unit heavier than every target makes the tolerance unattainable
/// whatever the plan; saying so up front explains the infeasible result.
fn heavy_unit_note(input: &SplitInput<'_>, notes: &mut Vec<String>) {
    let t_max = input.targets.iter().copied().fold(0.0, f64::max);
    let heaviest = (0..input.weight.len())
        .max_by(|&a, &b| input.weight[a].total_cmp(&input.weight[b]).then(b.cmp(&a)));
    if let Some(u) = heaviest {
        let bound = input.weight[u] / t_max - 1.0;
        if bound > input.tolerance {
            notes.push(format!(
                "unit {u} alone exceeds the largest target by {:.3} %: no plan is within ±{:.3} %",
                100.0 * bound,
                100.0 * input.tolerance
            ));
        }
    }
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

fn validate(input: &SplitInput<'_>) -> Result<(), SplitError> {
    let n = input.graph.len();
    let k = input.targets.len();
    let lengths = [
        ("weight", input.weight.len()),
        ("locked", input.locked.len()),
        ("current", input.current.len()),
        ("disruption_weight", input.disruption_weight.len()),
        ("workload", input.workload.len()),
        ("accounts", input.accounts.len()),
    ];
    for (what, got) in lengths {
        if got != n {
            return Err(SplitError::LengthMismatch {
                what,
                expected: n,
                got,
            });
        }
    }
    if let Some(loc) = input.locations {
        if loc.len() != n {
            return Err(SplitError::LengthMismatch {
                what: "locations",
                expected: n,
                got: loc.len(),
            });
        }
        if let Some(unit) = loc
            .iter()
            .position(|p| !p.0.is_finite() || !p.1.is_finite())
        {
            return Err(SplitError::NonFiniteLocation { unit });
        }
    }
    if k == 0 {
        return Err(SplitError::NoTerritories);
    }
    if k > n {
        return Err(SplitError::TooManyTerritories { k, n });
    }
    if !input.home_unit.is_empty() && input.home_unit.len() != k {
        return Err(SplitError::LengthMismatch {
            what: "home_unit",
            expected: k,
            got: input.home_unit.len(),
        });
    }
    if let Some(unit) = input.weight.iter().position(|w| !w.is_finite() || *w < 0.0) {
        return Err(SplitError::InvalidWeight {
            unit,
            value: input.weight[unit],
        });
    }
    if let Some(unit) = input
        .disruption_weight
        .iter()
        .position(|w| !w.is_finite() || *w < 0.0)
    {
        return Err(SplitError::InvalidDisruptionWeight {
            unit,
            value: input.disruption_weight[unit],
        });
    }
    let total: f64 = input.weight.iter().sum();
    if total <= 0.0 {
        return Err(SplitError::ZeroTotalWeight);
    }
    if let Some(territory) = input
        .targets
        .iter()
        .position(|t| !t.is_finite() || *t <= 0.0)
    {
        return Err(SplitError::InvalidTarget {
            territory,
            value: input.targets[territory],
        });
    }
    let sum_targets: f64 = input.targets.iter().sum();
    if (sum_targets - total).abs() > 1e-6 * total {
        return Err(SplitError::TargetSumMismatch {
            targets: sum_targets,
            weights: total,
        });
    }
    if !input.tolerance.is_finite() || input.tolerance < 0.0 {
        return Err(SplitError::InvalidTolerance(input.tolerance));
    }
    for (unit, l) in input.locked.iter().enumerate() {
        if let Some(t) = *l
            && t >= k
        {
            return Err(SplitError::LockOutOfRange {
                unit,
                territory: t,
                k,
            });
        }
    }
    for (unit, c) in input.current.iter().enumerate() {
        if let Some(t) = *c
            && t >= k
        {
            return Err(SplitError::CurrentOutOfRange {
                unit,
                territory: t,
                k,
            });
        }
    }
    if let Some(m) = input.max_disruption
        && !(0.0..=1.0).contains(&m)
    {
        return Err(SplitError::InvalidMaxDisruption(m));
    }
    if input.home_unit.iter().any(Option::is_some) && input.locations.is_none() {
        return Err(SplitError::HomesWithoutLocations);
    }
    if let Some(territory) = input
        .home_unit
        .iter()
        .position(|h| h.is_some_and(|u| u >= n))
    {
        return Err(SplitError::HomeOutOfRange { territory, n });
    }
    if !input.home_weight.is_finite() || input.home_weight < 0.0 {
        return Err(SplitError::InvalidHomeWeight(input.home_weight));
    }
    if !input.max_distance.is_empty() && input.max_distance.len() != k {
        return Err(SplitError::LengthMismatch {
            what: "max_distance",
            expected: k,
            got: input.max_distance.len(),
        });
    }
    if let Some(territory) = input
        .max_distance
        .iter()
        .position(|d| d.is_some_and(|d| !d.is_finite() || d <= 0.0))
    {
        return Err(SplitError::InvalidMaxDistance {
            territory,
            value: input.max_distance[territory].unwrap_or(0.0),
        });
    }
    if let Some(a) = input.max_moved_accounts
        && (!a.is_finite() || a < 0.0)
    {
        return Err(SplitError::InvalidMaxMovedAccounts(a));
    }
    if input.chains == 0 {
        return Err(SplitError::NoChains);
    }
    Ok(())
}

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt()
}

/// The typical distance between adjacent units: the unit of the
/// distance-to-home term, so `home_weight` means the same at any scale.
fn mean_edge_length(input: &SplitInput<'_>) -> f64 {
    let Some(loc) = input.locations else {
        return 1.0;
    };
    let g = input.graph;
    let total: f64 = g.edges().map(|(i, j)| dist(loc[i], loc[j])).sum();
    if g.edge_count() == 0 || total <= 0.0 {
        1.0
    } else {
        total / g.edge_count() as f64
    }
}

/// Allocates territories to components (see the module docs).
fn allocate(input: &SplitInput<'_>, notes: &mut Vec<String>) -> Vec<Sub> {
    let g = input.graph;
    let k = input.targets.len();
    let comps = g.components();
    if comps.len() == 1 {
        return vec![Sub {
            units: comps[0].clone(),
            labels: (0..k).collect(),
            ferries: Vec::new(),
            extra_locks: Vec::new(),
        }];
    }
    let nc = comps.len();
    let comp_of = g.component_of();
    let total: f64 = input.weight.iter().sum();
    let w: Vec<f64> = comps
        .iter()
        .map(|c| c.iter().map(|&u| input.weight[u]).sum())
        .collect();
    notes.push(format!(
        "the graph has {nc} components; territories were allocated to components in proportion to their weight"
    ));
    let mut owner: Vec<Option<usize>> = vec![None; k];
    let mut count = vec![0usize; nc];
    let mut deficit = w.clone();
    // Locks decide first.
    let mut lock_count = vec![0usize; k * nc];
    for (u, l) in input.locked.iter().enumerate() {
        if let Some(t) = *l {
            lock_count[t * nc + comp_of[u]] += 1;
        }
    }
    // Pass 1 places locked territories whose component is big enough to hold
    // a territory; islands with locks are resolved when they are attached.
    for t in 0..k {
        let row = &lock_count[t * nc..(t + 1) * nc];
        let best = (0..nc)
            .filter(|&c| row[c] > 0 && w[c] >= 0.5 * input.targets[t] && count[c] < comps[c].len())
            .max_by(|&a, &b| row[a].cmp(&row[b]).then(b.cmp(&a)));
        if let Some(c) = best {
            if row.iter().filter(|&&x| x > 0).count() > 1 {
                notes.push(format!(
                    "territory {t} has locked units in several components; it was placed in component {c}"
                ));
            }
            owner[t] = Some(c);
            count[c] += 1;
            deficit[c] -= input.targets[t];
        }
    }
    let mut pref = vec![None; k];
    {
        let mut cur = vec![0.0; k * nc];
        for (u, c) in input.current.iter().enumerate() {
            if let Some(t) = *c {
                cur[t * nc + comp_of[u]] += input.disruption_weight[u] + 1e-300;
            }
        }
        for (t, p) in pref.iter_mut().enumerate() {
            let row = &cur[t * nc..(t + 1) * nc];
            *p = (0..nc)
                .filter(|&c| row[c] > 0.0)
                .max_by(|&a, &b| row[a].total_cmp(&row[b]).then(b.cmp(&a)));
        }
    }
    let mut order: Vec<usize> = (0..k).filter(|&t| owner[t].is_none()).collect();
    order.sort_by(|&a, &b| {
        input.targets[b]
            .total_cmp(&input.targets[a])
            .then(a.cmp(&b))
    });
    for t in order {
        let eligible = |c: usize| count[c] < comps[c].len();
        let c = match pref[t] {
            Some(c) if eligible(c) && deficit[c] >= 0.5 * input.targets[t] => c,
            _ => (0..nc)
                .filter(|&c| eligible(c))
                .max_by(|&a, &b| deficit[a].total_cmp(&deficit[b]).then(b.cmp(&a)))
                .unwrap_or(0),
        };
        owner[t] = Some(c);
        count[c] += 1;
        deficit[c] -= input.targets[t];
    }
    // Attach components without a territory.
    let mut ferries: Vec<Vec<(usize, usize)>> = vec![Vec::new(); nc];
    let mut attached: Vec<Vec<usize>> = vec![Vec::new(); nc];
    let mut extra_locks: Vec<Vec<(usize, usize)>> = vec![Vec::new(); nc];
    let mut virtual_lock: Vec<Option<usize>> = input.locked.clone();
    let mut small_notes = Vec::new();
    for s in (0..nc).filter(|&c| count[c] == 0) {
        let (island, landing) = match input.locations {
            Some(loc) => {
                let m = comps[s].len() as f64;
                let centre = comps[s].iter().fold((0.0, 0.0), |acc, &u| {
                    (acc.0 + loc[u].0 / m, acc.1 + loc[u].1 / m)
                });
                let landing = (0..g.len())
                    .filter(|&u| count[comp_of[u]] > 0)
                    .min_by(|&a, &b| dist(loc[a], centre).total_cmp(&dist(loc[b], centre)))
                    .unwrap_or(0);
                let island = comps[s]
                    .iter()
                    .copied()
                    .min_by(|&a, &b| {
                        dist(loc[a], loc[landing]).total_cmp(&dist(loc[b], loc[landing]))
                    })
                    .unwrap_or(comps[s][0]);
                (island, landing)
            }
            None => {
                let c = (0..nc)
                    .filter(|&c| count[c] > 0)
                    .min_by(|&a, &b| deficit[a].total_cmp(&deficit[b]).then(a.cmp(&b)))
                    .unwrap_or(0);
                (comps[s][0], comps[c][0])
            }
        };
        let host = comp_of[landing];
        deficit[host] += w[s];
        ferries[host].push((island, landing));
        attached[host].push(s);
        let mut locks: Vec<usize> = comps[s].iter().filter_map(|&u| input.locked[u]).collect();
        locks.sort_unstable();
        locks.dedup();
        match locks.as_slice() {
            [] => {}
            [t] if owner[*t] == Some(host) && virtual_lock[landing].is_none_or(|l| l == *t) => {
                virtual_lock[landing] = Some(*t);
                extra_locks[host].push((landing, *t));
            }
            _ => notes.push(format!(
                "component {s} is too small for a territory of its own and its locked units cannot all be honoured"
            )),
        }
        small_notes.push(format!(
            "component {s} ({} units, {:.2} % of the weight) is too small for a territory of its own; it joins the territory of unit {landing}",
            comps[s].len(),
            100.0 * w[s] / total
        ));
    }
    if small_notes.len() > 5 {
        notes.push(format!(
            "{} components are too small for a territory of its own; each joins the territory of its nearest mainland unit",
            small_notes.len()
        ));
    } else {
        notes.extend(small_notes);
    }
    let mut subs = Vec::new();
    for c in (0..nc).filter(|&c| count[c] > 0) {
        let mut units = comps[c].clone();
        for &s in &attached[c] {
            units.extend_from_slice(&comps[s]);
        }
        let labels: Vec<usize> = (0..k).filter(|&t| owner[t] == Some(c)).collect();
        let target: f64 = labels.iter().map(|&t| input.targets[t]).sum();
        let weight: f64 = units.iter().map(|&u| input.weight[u]).sum();
        if (weight / target - 1.0).abs() > input.tolerance {
            notes.push(format!(
                "component {c} holds {:.2} % of the weight but its {} territories have {:.2} % of the target; their balance is off by at least {:.2} %",
                100.0 * weight / total,
                labels.len(),
                100.0 * target / total,
                100.0 * (weight / target - 1.0).abs()
            ));
        }
        subs.push(Sub {
            units,
            labels,
            ferries: std::mem::take(&mut ferries[c]),
            extra_locks: std::mem::take(&mut extra_locks[c]),
        });
    }
    subs
}

fn problem(input: &SplitInput<'_>, sub: &Sub, edge_len: f64, km: &[Option<Vec<f64>>]) -> Problem {
    let g = input.graph;
    let mut local = vec![u32::MAX; g.len()];
    for (i, &u) in sub.units.iter().enumerate() {
        local[u] = i as u32;
    }
    let mut tlocal = vec![u32::MAX; input.targets.len()];
    for (i, &t) in sub.labels.iter().enumerate() {
        tlocal[t] = i as u32;
    }
    let ferries: Vec<(u32, u32)> = sub
        .ferries
        .iter()
        .map(|&(a, b)| (local[a], local[b]))
        .collect();
    let graph = g.induced(&sub.units, &ferries);
    let comp_of = g.component_of();
    let real = graph
        .edges()
        .map(|(i, j)| comp_of[sub.units[i]] == comp_of[sub.units[j]])
        .collect();
    let weight: Vec<f64> = sub.units.iter().map(|&u| input.weight[u]).collect();
    let sub_w: f64 = weight.iter().sum();
    let sub_t: f64 = sub.labels.iter().map(|&t| input.targets[t]).sum();
    // Targets scaled to the part's weight, so an unavoidable mismatch
    // between a component and its territories is shared evenly.
    let scale = if sub_w > 0.0 { sub_w / sub_t } else { 1.0 };
    let targets = sub
        .labels
        .iter()
        .map(|&t| input.targets[t] * scale)
        .collect();
    let mut locked: Vec<u32> = sub
        .units
        .iter()
        .map(|&u| input.locked[u].map_or(NONE, |t| tlocal[t]))
        .map(|t| if t == u32::MAX { NONE } else { t })
        .collect();
    for &(u, t) in &sub.extra_locks {
        locked[local[u] as usize] = tlocal[t];
    }
    let current: Vec<u32> = sub
        .units
        .iter()
        .map(|&u| match input.current[u] {
            None => NONE,
            Some(t) if tlocal[t] != u32::MAX => tlocal[t],
            Some(_) => OTHER,
        })
        .collect();
    let dis_w: Vec<f64> = sub
        .units
        .iter()
        .map(|&u| input.disruption_weight[u])
        .collect();
    let dis_total = dis_w
        .iter()
        .zip(&current)
        .filter(|&(_, &c)| c != NONE)
        .map(|(w, _)| w)
        .sum();
    let local_km = |t: usize| -> Vec<f64> {
        match km.get(t) {
            Some(Some(d)) => sub.units.iter().map(|&u| d[u]).collect(),
            _ => Vec::new(),
        }
    };
    let home = match input.locations {
        Some(loc) if input.home_unit.iter().any(Option::is_some) && input.home_weight > 0.0 => {
            let mean_w = input.weight.iter().sum::<f64>() / g.len() as f64;
            Some(HomeTerm {
                loc: sub.units.iter().map(|&u| loc[u]).collect(),
                homes: sub
                    .labels
                    .iter()
                    .map(|&t| input.home_unit[t].map(|h| loc[h]))
                    .collect(),
                km: sub.labels.iter().map(|&t| local_km(t)).collect(),
                factor: sub
                    .units
                    .iter()
                    .map(|&u| input.home_weight * input.weight[u] / mean_w / edge_len)
                    .collect(),
            })
        }
        _ => None,
    };
    let far: Vec<Vec<bool>> = if input.max_distance.iter().any(Option::is_some) {
        sub.labels
            .iter()
            .map(|&t| match (km.get(t), input.max_distance.get(t)) {
                (Some(Some(d)), Some(Some(limit))) => {
                    sub.units.iter().map(|&u| d[u] > *limit).collect()
                }
                _ => vec![false; sub.units.len()],
            })
            .collect()
    } else {
        Vec::new()
    };
    let acc: Vec<f64> = sub.units.iter().map(|&u| input.accounts[u]).collect();
    let acc_total = acc
        .iter()
        .zip(&current)
        .filter(|&(_, &c)| c != NONE)
        .map(|(a, _)| a)
        .sum();
    let with_owner = current.iter().filter(|&&c| c != NONE).count();
    let move_cost = if input.continuity && dis_total > 0.0 {
        MOVE_COST * with_owner as f64 / dis_total
    } else {
        0.0
    };
    Problem {
        graph,
        real,
        weight,
        targets,
        tol: input.tolerance,
        step: 0.25 * sub.labels.len() as f64 / sub.units.len() as f64,
        locked,
        current,
        dis_w,
        dis_total,
        dis_cap: input.max_disruption,
        acc,
        acc_cap: input.max_moved_accounts.map(|cap| {
            // The cap shared among parts by their accounts with an owner.
            let all: f64 = (0..g.len())
                .filter(|&u| input.current[u].is_some())
                .map(|u| input.accounts[u])
                .sum();
            if all > 0.0 {
                cap * acc_total / all
            } else {
                cap
            }
        }),
        acc_total,
        far,
        move_cost,
        home,
        units: sub.units.clone(),
        labels: sub.labels.clone(),
    }
}

#[allow(clippy::too_many_arguments)]
fn report(
    input: &SplitInput<'_>,
    assignment: Vec<usize>,
    iterations: u64,
    started: Instant,
    hit_time_limit: bool,
    mut notes: Vec<String>,
    k: usize,
    km: &[Option<Vec<f64>>],
    limits: &Limits<'_>,
) -> SplitResult {
    let g = input.graph;
    let mut per: Vec<TerritoryMetrics> = input
        .targets
        .iter()
        .map(|&target| TerritoryMetrics {
            weight: 0.0,
            target,
            deviation: 0.0,
            units: 0,
            cut_edges: 0,
            gained: 0.0,
            lost: 0.0,
            home_distance: None,
            farthest: None,
            accounts_gained: 0.0,
        })
        .collect();
    let mut home_sum = vec![0.0; k];
    let mut work = vec![0.0; k];
    let (mut moved, mut owned, mut moved_accounts, mut moved_units) = (0.0, 0.0, 0.0, 0);
    for (u, &t) in assignment.iter().enumerate() {
        per[t].weight += input.weight[u];
        per[t].units += 1;
        if let Some(c) = input.current[u] {
            let dw = input.disruption_weight[u];
            owned += dw;
            if c != t {
                moved += dw;
                moved_accounts += input.accounts[u];
                moved_units += 1;
                per[t].gained += dw;
                per[t].accounts_gained += input.accounts[u];
                per[c].lost += dw;
            }
        }
        if let Some(Some(d)) = km.get(t) {
            home_sum[t] += input.workload[u] * d[u];
            work[t] += input.workload[u];
            per[t].farthest = Some(per[t].farthest.unwrap_or(0.0).max(d[u]));
        }
    }
    let mut cut_edges = 0;
    for (i, j) in g.edges() {
        if assignment[i] != assignment[j] {
            cut_edges += 1;
            per[assignment[i]].cut_edges += 1;
            per[assignment[j]].cut_edges += 1;
        }
    }
    let mut max_deviation: f64 = 0.0;
    for (t, m) in per.iter_mut().enumerate() {
        m.deviation = m.weight / m.target - 1.0;
        max_deviation = max_deviation.max(m.deviation.abs());
        if let Some(Some(_)) = km.get(t) {
            m.home_distance = Some(if work[t] > 0.0 {
                home_sum[t] / work[t]
            } else {
                0.0
            });
        }
    }
    let disruption = if owned > 0.0 { moved / owned } else { 0.0 };
    let mut violations = check(
        g,
        &assignment,
        k,
        &input.weight,
        &input.targets,
        input.tolerance,
        &input.locked,
    );
    violations.extend(check_limits(&assignment, limits));
    if violations
        .iter()
        .any(|v| matches!(v, Violation::Unbalanced { .. }))
    {
        notes.push(format!(
            "no plan within ±{:.3} % was found; the best plan deviates up to {:.3} %",
            100.0 * input.tolerance,
            100.0 * max_deviation
        ));
    }
    SplitResult {
        moved_accounts,
        moved_units,
        stop: Stop::Converged,
        rounds: 0,
        proven_infeasible: Vec::new(),
        feasible: violations.is_empty(),
        assignment,
        max_deviation,
        cut_edges,
        disruption,
        per_territory: per,
        violations,
        iterations,
        elapsed: started.elapsed(),
        hit_time_limit,
        notes,
    }
}

/// The best plan when at most `cap` of the disruption weight may change
/// owner.
#[derive(Clone, Debug, PartialEq)]
pub struct FrontierPoint {
    pub cap: f64,
    /// Largest deviation from target of the best plan within the cap.
    pub max_deviation: f64,
    /// Share that actually moves.
    pub disruption: f64,
    /// Within the balance tolerance (and every other hard limit).
    pub feasible: bool,
}

/// The balance–disruption frontier: the best plan under each cap, so
/// leadership can weigh balance against continuity.
///
/// Caps are taken in increasing order; a plan within a smaller cap is
/// within every larger one, so a point never shows a worse deviation than
/// the point before it (the search is heuristic and may find a worse plan
/// under the looser cap).
pub fn frontier(input: &SplitInput<'_>, caps: &[f64]) -> Result<Vec<FrontierPoint>, SplitError> {
    let mut caps = caps.to_vec();
    caps.sort_by(f64::total_cmp);
    let mut out: Vec<FrontierPoint> = Vec::with_capacity(caps.len());
    for cap in caps {
        let mut inp = input.clone();
        inp.max_disruption = Some(cap);
        let r = optimize(&inp)?;
        let mut point = FrontierPoint {
            cap,
            max_deviation: r.max_deviation,
            disruption: r.disruption,
            feasible: r.feasible,
        };
        if let Some(prev) = out.last()
            && (prev.feasible, -prev.max_deviation) > (point.feasible, -point.max_deviation)
        {
            point = FrontierPoint {
                cap,
                ..prev.clone()
            };
        }
        out.push(point);
    }
    Ok(out)
}
