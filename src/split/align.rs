//! Territory alignment from a scenario: the bridge between the model and the
//! optimizer. It chooses the adjacency (edge list, or Delaunay
//! triangulation of the locations), the balance metric and the targets,
//! applies a plan back to the model, and, for `Balance::Risk`, evaluates
//! candidate plans by simulation with common random numbers.

use super::{Graph, SplitError, SplitInput, SplitResult, optimize};
use crate::engine::{self, EngineError, SimOptions};
use crate::model::{Model, QuotaMethod, geo};
use crate::quota::QuotaError;
use crate::simulation::simulate;

/// What territories are balanced on.
#[derive(Clone, Debug, PartialEq)]
pub enum Balance {
    /// Expected sales at full coverage in a neutral market (mean potential).
    Sales,
    Workload,
    Accounts,
    /// Weights of sales, workload and accounts shares.
    Mix([f64; 3]),
    /// Each territory's probability of reaching an equal quota (simulated).
    Risk,
}

/// Why a balance metric could not be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum BalanceError {
    #[error(
        "`{0}` is not a balance metric; allowed: sales, workload, accounts, risk, mix:w1,w2,w3"
    )]
    Unknown(String),
    #[error(
        "`{0}`: mix weights must be three numbers, e.g. mix:0.6,0.3,0.1 (sales, workload, accounts)"
    )]
    NotNumbers(String),
    #[error("`{0}`: mix weights must be three non-negative numbers, not all zero")]
    BadWeights(String),
}

impl Balance {
    pub fn parse(s: &str) -> Result<Balance, BalanceError> {
        match s {
            "sales" => Ok(Balance::Sales),
            "workload" => Ok(Balance::Workload),
            "accounts" => Ok(Balance::Accounts),
            "risk" => Ok(Balance::Risk),
            _ => {
                let w = s
                    .strip_prefix("mix:")
                    .ok_or_else(|| BalanceError::Unknown(s.to_string()))?;
                let parts: Vec<f64> = w
                    .split(',')
                    .map(|x| x.trim().parse::<f64>())
                    .collect::<Result<_, _>>()
                    .map_err(|_| BalanceError::NotNumbers(s.to_string()))?;
                match parts[..] {
                    [a, b, c] if a >= 0.0 && b >= 0.0 && c >= 0.0 && a + b + c > 0.0 => {
                        Ok(Balance::Mix([a, b, c]))
                    }
                    _ => Err(BalanceError::BadWeights(s.to_string())),
                }
            }
        }
    }

    pub fn name(&self) -> String {
        match self {
            Balance::Sales => "sales".into(),
            Balance::Workload => "workload".into(),
            Balance::Accounts => "accounts".into(),
            Balance::Risk => "risk".into(),
            Balance::Mix([a, b, c]) => format!("mix:{a},{b},{c}"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AlignError {
    #[error(
        "the scenario has no adjacency: give `[units] edges = \"edges.csv\"` or unit locations (x, y or lat, lon) for every unit"
    )]
    NoAdjacency,
    #[error("{0}")]
    Split(#[from] SplitError),
    #[error("{0}")]
    Engine(#[from] EngineError),
    #[error("{0}")]
    Quota(#[from] QuotaError),
    #[error(
        "unit `{unit}` is locked to rep `{rep}`, which has no territory among the {k} requested"
    )]
    LockedOutside { unit: String, rep: String, k: usize },
}

/// The adjacency graph and a note saying where it came from.
pub fn graph(model: &Model) -> Result<(Graph, String), AlignError> {
    match &model.edges {
        Some(edges) => Ok((
            Graph::from_edges(model.units.len(), edges)?,
            format!(
                "adjacency: {} edges from the scenario's edge list",
                edges.len()
            ),
        )),
        None => {
            let pts = geo::planar_all(&model.units).ok_or(AlignError::NoAdjacency)?;
            let g = Graph::delaunay(&pts)?;
            let note = format!(
                "adjacency: no edge list given, derived by Delaunay triangulation of the unit locations ({} edges)",
                g.edge_count()
            );
            Ok((g, note))
        }
    }
}

/// The balanced quantity of each unit.
pub fn weights(model: &Model, balance: &Balance) -> Vec<f64> {
    let sales: Vec<f64> = model.units.iter().map(|u| u.potential.mean()).collect();
    let work: Vec<f64> = model.units.iter().map(|u| u.workload_hours).collect();
    let acc: Vec<f64> = model.units.iter().map(|u| u.accounts as f64).collect();
    match balance {
        Balance::Sales | Balance::Risk => sales,
        Balance::Workload => work,
        Balance::Accounts => acc,
        Balance::Mix(w) => {
            let share = |v: &[f64]| {
                let t: f64 = v.iter().sum();
                v.iter()
                    .map(|x| if t > 0.0 { x / t } else { 0.0 })
                    .collect::<Vec<_>>()
            };
            let (s, k, a) = (share(&sales), share(&work), share(&acc));
            (0..sales.len())
                .map(|i| w[0] * s[i] + w[1] * k[i] + w[2] * a[i])
                .collect()
        }
    }
}

/// Options of a split beyond the metric.
#[derive(Clone, Debug)]
pub struct AlignOptions {
    pub k: usize,
    pub balance: Balance,
    pub tolerance: f64,
    pub max_disruption: Option<f64>,
    /// Largest number of accounts that may change owner.
    pub max_moved_accounts: Option<u64>,
    /// Travel radius around each rep's home in km; `None` picks one per
    /// rep (see [`input`]).
    pub max_distance: Option<f64>,
    /// What each territory's share of the total is.
    pub targets: Targets,
    /// Units change owner only when that buys balance (see
    /// [`SplitInput::continuity`]).
    pub continuity: bool,
    /// Also compute the balance–disruption frontier.
    pub frontier: bool,
    pub time_limit: Option<std::time::Duration>,
    pub seed: u64,
    pub threads: Option<usize>,
    /// Trials per evaluation under `Balance::Risk`.
    pub risk_trials: u64,
}

/// How territory targets are set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Targets {
    /// Every territory the same share.
    Equal,
    /// In proportion to the rep's capacity hours.
    Capacity,
    /// In proportion to what the rep can sell in the horizon: capacity ×
    /// expected presence (start month, ramp, vacancy after attrition).
    Presence,
}

/// What a split produced: the plan, and under risk balance the spread of
/// P(reaching an equal quota) it achieved.
#[derive(Clone, Debug)]
pub struct Alignment {
    pub result: SplitResult,
    pub notes: Vec<String>,
    /// Best deviation at each disruption cap (empty unless asked for and
    /// there is a current alignment).
    pub frontier: Vec<super::FrontierPoint>,
    /// Per territory P(sales >= equal quota), when evaluated.
    pub p_equal_quota: Option<Vec<f64>>,
}

/// Builds the optimizer's input. Territory `t` is rep `t` when `k` equals
/// the number of reps (then current owners, locks and capacities carry
/// over); otherwise territories are new and only locks to reps below `k`
/// are kept.
pub fn input<'a>(
    model: &Model,
    graph: &'a Graph,
    locations: Option<&'a [(f64, f64)]>,
    lat_lon: Option<&'a [(f64, f64)]>,
    opts: &AlignOptions,
    weight: Vec<f64>,
    targets: Option<Vec<f64>>,
) -> Result<SplitInput<'a>, AlignError> {
    let k = opts.k;
    let same = k == model.reps.len();
    let mut inp = SplitInput::new(graph, weight.clone(), k);
    let total: f64 = weight.iter().sum();
    inp.targets = match targets {
        Some(t) => t,
        None if opts.targets != Targets::Equal && same => {
            let caps: Vec<f64> = model
                .reps
                .iter()
                .map(|r| r.capacity_hours.unwrap_or(1.0))
                .collect();
            let ct: f64 = caps.iter().sum();
            caps.iter().map(|c| total * c / ct).collect()
        }
        None => vec![total / k as f64; k],
    };
    inp.tolerance = opts.tolerance;
    inp.max_disruption = opts.max_disruption;
    inp.seed = opts.seed;
    inp.threads = opts.threads;
    inp.locations = locations;
    inp.lat_lon = lat_lon;
    inp.disruption_weight = model.units.iter().map(|u| u.potential.mean()).collect();
    // Reps' homes anchor their territories.
    if same && model.reps.iter().any(|r| r.home_unit.is_some()) {
        inp.home_unit = model.reps.iter().map(|r| r.home_unit).collect();
    }
    inp.workload = model.units.iter().map(|u| u.workload_hours).collect();
    inp.accounts = model.units.iter().map(|u| u.accounts as f64).collect();
    inp.max_moved_accounts = opts.max_moved_accounts.map(|a| a as f64);
    inp.continuity = opts.continuity;
    inp.time_limit = opts.time_limit;
    for (i, u) in model.units.iter().enumerate() {
        if same {
            inp.current[i] = u.owner;
        }
        if u.locked
            && let Some(r) = u.owner
        {
            if r >= k {
                return Err(AlignError::LockedOutside {
                    unit: u.id.clone(),
                    rep: model.reps[r].id.clone(),
                    k,
                });
            }
            inp.locked[i] = Some(r);
        }
    }
    inp.max_distance = travel_radii(&inp, opts.max_distance);
    Ok(inp)
}

/// Each territory's travel radius: the one asked for, or automatically
/// the larger of 1.5 × the coverage radius (the farthest any unit lies from
/// its nearest home) and the farthest unit the rep owns today, so no rep
/// is sent farther than today or than the map requires.
fn travel_radii(inp: &SplitInput<'_>, asked: Option<f64>) -> Vec<Option<f64>> {
    let km = super::driver::home_distances(inp);
    if km.iter().all(Option::is_none) {
        return Vec::new();
    }
    if let Some(r) = asked {
        return km.iter().map(|d| d.as_ref().map(|_| r)).collect();
    }
    let n = inp.graph.len();
    let cover = (0..n)
        .map(|u| {
            km.iter()
                .flatten()
                .map(|d| d[u])
                .fold(f64::INFINITY, f64::min)
        })
        .fold(0.0, f64::max);
    km.iter()
        .enumerate()
        .map(|(t, d)| {
            let d = d.as_ref()?;
            let today = (0..n)
                .filter(|&u| inp.current[u] == Some(t))
                .map(|u| d[u])
                .fold(0.0, f64::max);
            Some((1.5 * cover).max(today).max(1e-9))
        })
        .collect()
}

/// The model with the plan's owners. With `k` equal to the number of reps
/// territory `t` stays with rep `t`; otherwise the reps become `T01..Tk`,
/// each like the first rep (no ramp or start), quotas proportional.
pub fn apply(model: &Model, assignment: &[usize], k: usize) -> Model {
    let mut m = model.clone();
    if k != model.reps.len() {
        let template = model.reps[0].clone();
        m.reps = (0..k)
            .map(|t| crate::model::Rep {
                id: format!("T{:02}", t + 1),
                name: format!("Territory {}", t + 1),
                quota: None,
                quota_floor: None,
                quota_cap: None,
                quota_override: None,
                quarterly_quota: None,
                ramp_remaining: None,
                start_month: None,
                ..template.clone()
            })
            .collect();
        if m.quotas.method == QuotaMethod::Given {
            m.quotas.method = QuotaMethod::Proportional;
        }
    }
    for (u, &t) in m.units.iter_mut().zip(assignment) {
        u.owner = Some(t);
    }
    m
}

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
        .map(|r| r.hits as f64 / res.trials as f64)
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
            "travel radius: automatic, {lo:.0}–{hi:.0} km around each rep's home (1.5 × the coverage radius, or farther where a rep covers more today; set one with --max-distance KM)"
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
        super::frontier(&f, &FRONTIER_CAPS)?
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

/// A unit's owner before and after a realignment.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitMove {
    pub unit: usize,
    /// The current owner's id ("" without one).
    pub old_owner: String,
    pub new_owner: String,
    /// It had an owner and now has another.
    pub moved: bool,
}

/// One territory of a realignment with what it holds and how likely its
/// rep is to reach quota before and after (same random numbers).
#[derive(Clone, Debug, PartialEq)]
pub struct TerritoryRow {
    pub id: String,
    pub name: String,
    pub expected_sales: f64,
    pub workload_hours: f64,
    pub accounts: u64,
    /// Trials reaching quota today, when every unit has an owner and the
    /// territories are the reps (out of [`Realignment::trials`]).
    pub hits_before: Option<u64>,
    /// Trials reaching quota with the new territories.
    pub hits_after: u64,
}

/// A proposed alignment applied to the scenario, with the figures a sales
/// leader reads: per territory and per unit.
#[derive(Clone, Debug)]
pub struct Realignment {
    pub options: AlignOptions,
    pub alignment: Alignment,
    /// The scenario with the new owners (and `T01..Tk` reps when `k` is
    /// not the number of reps).
    pub model: Model,
    pub territories: Vec<TerritoryRow>,
    pub moves: Vec<UnitMove>,
    /// The territories are the scenario's reps (`k` equals their number).
    pub same_reps: bool,
    pub trials: u64,
    pub seed: u64,
    /// Time the alignment took (every optimizer run and risk evaluation).
    pub elapsed: std::time::Duration,
}

/// Splits the units ([`align`]), applies the plan, and simulates P(attain)
/// before and after with the scenario's quota method on the same trials.
pub fn realign(
    model: &Model,
    opts: &AlignOptions,
    sim: &SimOptions,
) -> Result<Realignment, AlignError> {
    let started = std::time::Instant::now();
    let al = align(model, opts)?;
    let elapsed = started.elapsed();
    let k = opts.k;
    let r = &al.result;
    let after_model = apply(model, &r.assignment, k);
    let same_reps = k == model.reps.len();
    let sim = SimOptions {
        analytics: false,
        ..sim.clone()
    };
    let before = if same_reps && model.units.iter().all(|u| u.owner.is_some()) {
        Some(simulate(model, &sim, None)?)
    } else {
        None
    };
    let after = simulate(&after_model, &sim, None)?;
    let rep_id = |t: usize| after_model.reps[t].id.clone();
    let moves = model
        .units
        .iter()
        .enumerate()
        .map(|(u, unit)| {
            let old = unit
                .owner
                .map(|o| model.reps[o].id.clone())
                .unwrap_or_default();
            let new = rep_id(r.assignment[u]);
            UnitMove {
                unit: u,
                moved: !old.is_empty() && old != new,
                old_owner: old,
                new_owner: new,
            }
        })
        .collect();
    let workload = after_model.workload_by_rep();
    let mut sales = vec![0.0; k];
    let mut accounts = vec![0u64; k];
    for (u, unit) in model.units.iter().enumerate() {
        sales[r.assignment[u]] += unit.potential.mean();
        accounts[r.assignment[u]] += unit.accounts;
    }
    let territories = (0..k)
        .map(|t| TerritoryRow {
            id: rep_id(t),
            name: after_model.reps[t].name.clone(),
            expected_sales: sales[t],
            workload_hours: workload[t],
            accounts: accounts[t],
            hits_before: before.as_ref().map(|b| b.result.reps[t].hits),
            hits_after: after.result.reps[t].hits,
        })
        .collect();
    Ok(Realignment {
        options: opts.clone(),
        alignment: al,
        model: after_model,
        territories,
        moves,
        same_reps,
        trials: sim.trials,
        seed: sim.seed,
        elapsed,
    })
}
