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
        None => target_basis(model, k, opts.targets).targets(total),
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
/// territory `t` stays with rep `t`; otherwise the reps become `T01..Tk`
/// ([`territory_reps`]), quotas proportional.
pub fn apply(model: &Model, assignment: &[usize], k: usize) -> Model {
    let mut m = model.clone();
    if k != model.reps.len() {
        m.reps = territory_reps(model, k);
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
    /// Potential of its units: expected sales at full coverage in a
    /// neutral market.
    pub expected_sales: f64,
    pub workload_hours: f64,
    pub accounts: u64,
    /// Its share of the balanced total (see [`Realignment::targets`]).
    pub target_share: f64,
    /// Its rep's expected presence over the horizon
    /// ([`crate::model::Rep::horizon_presence`]).
    pub presence: f64,
    pub capacity_hours: Option<f64>,
    /// What its rep is expected to sell before market risks (potential ×
    /// coverage × mean productivity × presence, [`Model::expected_sales`]):
    /// today, when the territories are the reps and every unit has an
    /// owner, and with the new territory.
    pub rep_sales_before: Option<f64>,
    pub rep_sales_after: f64,
    /// The quota P before uses (the scenario's), and the one P after uses
    /// (see [`Realignment::after_quotas`]).
    pub quota_before: Option<f64>,
    pub quota_after: Option<f64>,
    /// Units it takes over from other reps and units it gives away (when
    /// the territories are the reps).
    pub units_gained: Option<usize>,
    pub units_lost: Option<usize>,
    /// Trials reaching quota today, when every unit has an owner, the
    /// territories are the reps and the scenario's quotas can be decided
    /// (out of [`Realignment::trials`]).
    pub hits_before: Option<u64>,
    /// Trials reaching quota with the new territories (`None` when there
    /// are no quotas to reach: no quotas and no company target).
    pub hits_after: Option<u64>,
}

impl TerritoryRow {
    /// Relative change of the rep's expected sales, when known.
    pub fn sales_change(&self) -> Option<f64> {
        self.rep_sales_before
            .filter(|b| *b > 0.0)
            .map(|b| self.rep_sales_after / b - 1.0)
    }
}

/// What each territory's target rests on: its share of the balanced total
/// and the figures the share comes from.
#[derive(Clone, Debug, PartialEq)]
pub struct TargetBasis {
    pub mode: Targets,
    /// Share of the total per territory; they sum to 1.
    pub shares: Vec<f64>,
    /// What the shares are in proportion to (capacity × presence, capacity
    /// or 1 each); all zero when nothing tells the territories apart.
    pub weights: Vec<f64>,
    /// Expected presence of each territory's rep over the horizon.
    pub presence: Vec<f64>,
    /// Capacity hours of each territory's rep (`None`: no limit given).
    pub capacity: Vec<Option<f64>>,
    /// How missing figures were filled in.
    pub notes: Vec<String>,
}

impl TargetBasis {
    /// The territories' targets of a balanced `total`: `total × w / Σw`
    /// (so equal targets are exactly `total / k`).
    pub fn targets(&self, total: f64) -> Vec<f64> {
        let sum: f64 = self.weights.iter().sum();
        if sum > 0.0 && sum.is_finite() {
            self.weights.iter().map(|w| total * w / sum).collect()
        } else {
            let k = self.shares.len();
            vec![total / k.max(1) as f64; k]
        }
    }

    /// The mode and what it means, for a header line.
    pub fn describe(&self) -> String {
        match self.mode {
            Targets::Equal => "equal".into(),
            Targets::Capacity => "capacity (in proportion to capacity hours)".into(),
            Targets::Presence => "presence (in proportion to capacity × expected presence: start month, ramp, vacancy after attrition)".into(),
        }
    }

    /// The mode as flags and files name it.
    pub fn name(&self) -> &'static str {
        match self.mode {
            Targets::Equal => "equal",
            Targets::Capacity => "capacity",
            Targets::Presence => "presence",
        }
    }
}

/// Which quotas the "after" simulation uses.
#[derive(Clone, Debug, PartialEq)]
pub enum AfterQuotas {
    /// The scenario's given quotas, re-derived in proportion to each new
    /// territory's expected sales at the same total (overrides, floors and
    /// caps kept).
    Refitted { total: f64 },
    /// The scenario's computed method on the new territories.
    Method(QuotaMethod),
    /// Proportional to expected sales at the company target: the reps had
    /// no quotas to keep, or the territories are new.
    Proportional,
    /// Nothing to reach: no quotas and no company target.
    Unknown,
}

impl AfterQuotas {
    /// What "P after" is measured against, for the table's header.
    pub fn describe(&self) -> String {
        match self {
            AfterQuotas::Refitted { total } => format!(
                "the given quotas re-derived in proportion to each new territory's expected sales, same total {}",
                grouped(*total)
            ),
            AfterQuotas::Method(m) => format!(
                "the scenario's quota method ({}) on the new territories",
                m.name()
            ),
            AfterQuotas::Proportional => {
                "quotas in proportion to each territory's expected sales at the company target (the reps had no quotas)".into()
            }
            AfterQuotas::Unknown => {
                "not simulated: no quotas and no company_target to derive them from".into()
            }
        }
    }

    /// The new scenario carries these quotas as given ones.
    pub fn written(&self) -> bool {
        matches!(
            self,
            AfterQuotas::Refitted { .. } | AfterQuotas::Proportional
        )
    }

    /// A short name for files.
    pub fn name(&self) -> &'static str {
        match self {
            AfterQuotas::Refitted { .. } => "given-refitted",
            AfterQuotas::Method(_) => "scenario-method",
            AfterQuotas::Proportional => "proportional",
            AfterQuotas::Unknown => "none",
        }
    }
}

/// A proposed alignment applied to the scenario, with the figures a sales
/// leader reads: per territory and per unit.
#[derive(Clone, Debug)]
pub struct Realignment {
    pub options: AlignOptions,
    pub alignment: Alignment,
    /// The scenario with the new owners (and `T01..Tk` reps when `k` is
    /// not the number of reps), with the quotas P after was simulated with.
    pub model: Model,
    pub territories: Vec<TerritoryRow>,
    pub moves: Vec<UnitMove>,
    /// The territories are the scenario's reps (`k` equals their number).
    pub same_reps: bool,
    /// What the targets rest on.
    pub targets: TargetBasis,
    /// Which quotas P after uses.
    pub after_quotas: AfterQuotas,
    pub trials: u64,
    pub seed: u64,
    /// Time the alignment took (every optimizer run and risk evaluation).
    pub elapsed: std::time::Duration,
}

impl Realignment {
    /// A given quota no longer fits its territory when the rep's expected
    /// sales move by more than this share while the quota stays.
    pub const QUOTA_FIT: f64 = 0.10;

    /// Territories whose given quota no longer fits: the rep's expected
    /// sales moved by more than [`Realignment::QUOTA_FIT`] while the scenario's quota
    /// stays (only under `given` quotas).
    pub fn misfits(&self) -> Vec<&TerritoryRow> {
        if !matches!(self.after_quotas, AfterQuotas::Refitted { .. }) {
            return Vec::new();
        }
        self.territories
            .iter()
            .filter(|t| t.sales_change().is_some_and(|c| c.abs() > Self::QUOTA_FIT))
            .collect()
    }

    /// (rep id, quota) for the new scenario when it must carry the quotas
    /// P after used as given ones.
    pub fn written_quotas(&self) -> Option<Vec<(String, f64)>> {
        if !self.after_quotas.written() {
            return None;
        }
        self.territories
            .iter()
            .map(|t| t.quota_after.map(|q| (t.id.clone(), q)))
            .collect()
    }
}

/// Splits the units ([`align`]), applies the plan, and simulates P(attain)
/// before (the scenario's quotas) and after on the same trials. Under
/// `given` quotas the after-quotas are re-derived in proportion to each new
/// territory's expected sales at the same total, so the comparison shows
/// the territories, not quotas that no longer fit them ([`AfterQuotas`]).
pub fn realign(
    model: &Model,
    opts: &AlignOptions,
    sim: &SimOptions,
) -> Result<Realignment, AlignError> {
    let started = std::time::Instant::now();
    let mut al = align(model, opts)?;
    let elapsed = started.elapsed();
    let k = opts.k;
    let targets = target_basis(model, k, opts.targets);
    al.notes.extend(targets.notes.iter().cloned());
    let assignment = al.result.assignment.clone();
    let mut after_model = apply(model, &assignment, k);
    let same_reps = k == model.reps.len();
    let owned = model.units.iter().all(|u| u.owner.is_some());
    let current = same_reps && owned;
    let sim = SimOptions {
        analytics: false,
        ..sim.clone()
    };
    let before = if current && quotas_decidable(model) {
        Some(simulate(model, &sim, None)?)
    } else {
        None
    };
    let after_quotas = refit_quotas(model, &mut after_model)?;
    let after = if after_quotas == AfterQuotas::Unknown {
        None
    } else {
        Some(simulate(&after_model, &sim, None)?)
    };
    if let (AfterQuotas::Proportional | AfterQuotas::Refitted { .. }, Some(a)) =
        (&after_quotas, &after)
    {
        // The new scenario carries them as given quotas.
        for (rep, q) in after_model.reps.iter_mut().zip(&a.quotas.quotas) {
            rep.quota = Some(*q);
        }
        after_model.quotas.method = QuotaMethod::Given;
    }
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
            let new = rep_id(assignment[u]);
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
    let mut gained = vec![0usize; k];
    let mut lost = vec![0usize; k];
    for (u, unit) in model.units.iter().enumerate() {
        let t = assignment[u];
        sales[t] += unit.potential.mean();
        accounts[t] += unit.accounts;
        if let Some(o) = unit.owner.filter(|&o| same_reps && o != t) {
            gained[t] += 1;
            lost[o] += 1;
        }
    }
    let rep_before = current.then(|| model.expected_sales());
    let rep_after = after_model.expected_sales();
    let quota_before = before.as_ref().map(|b| b.quotas.quotas.clone());
    let territories = (0..k)
        .map(|t| TerritoryRow {
            id: rep_id(t),
            name: after_model.reps[t].name.clone(),
            expected_sales: sales[t],
            workload_hours: workload[t],
            accounts: accounts[t],
            target_share: targets.shares[t],
            presence: targets.presence[t],
            capacity_hours: targets.capacity[t],
            rep_sales_before: rep_before.as_ref().map(|s| s[t]),
            rep_sales_after: rep_after[t],
            quota_before: quota_before.as_ref().map(|q| q[t]),
            quota_after: after.as_ref().map(|a| a.quotas.quotas[t]),
            units_gained: same_reps.then_some(gained[t]),
            units_lost: same_reps.then_some(lost[t]),
            hits_before: before.as_ref().map(|b| b.result.reps[t].hits),
            hits_after: after.as_ref().map(|a| a.result.reps[t].hits),
        })
        .collect();
    Ok(Realignment {
        options: opts.clone(),
        alignment: al,
        model: after_model,
        territories,
        moves,
        same_reps,
        targets,
        after_quotas,
        trials: sim.trials,
        seed: sim.seed,
        elapsed,
    })
}

/// The scenario's quotas can be decided: given ones on every rep, or a
/// company target for a computed method.
fn quotas_decidable(model: &Model) -> bool {
    match model.quotas.method {
        QuotaMethod::Given => model
            .reps
            .iter()
            .all(|r| r.quota_override.or(r.quota).is_some()),
        _ => model.company_target.is_finite(),
    }
}

/// Sets the quotas the "after" model is simulated with (see
/// [`AfterQuotas`]). Given quotas follow their territories: each scales
/// with its rep's expected sales after/before, overrides stay, and the set
/// is brought back to the same total (to the cent).
fn refit_quotas(model: &Model, after: &mut Model) -> Result<AfterQuotas, AlignError> {
    let target = model.company_target.is_finite();
    match after.quotas.method {
        QuotaMethod::Given if quotas_decidable(after) => {
            let total: f64 = after
                .reps
                .iter()
                .filter_map(|r| r.quota_override.or(r.quota))
                .sum();
            // Each quota follows its territory: scaled by how the rep's
            // expected sales change, then the whole set brought back to
            // the same total. A territory that does not change keeps its
            // quota when nothing else changes either.
            let (before, now) = (model.expected_sales(), after.expected_sales());
            let scaled: Vec<f64> = after
                .reps
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let q = r.quota_override.or(r.quota).unwrap_or(0.0);
                    if r.quota_override.is_some() || before[i] <= 0.0 {
                        q
                    } else {
                        q * now[i] / before[i]
                    }
                })
                .collect();
            let free: f64 = after
                .reps
                .iter()
                .zip(&scaled)
                .filter(|(r, _)| r.quota_override.is_none())
                .map(|(_, q)| q)
                .sum();
            let fixed: f64 = after.reps.iter().filter_map(|r| r.quota_override).sum();
            let scale = if free > 0.0 {
                (total - fixed) / free
            } else {
                1.0
            };
            let mut q: Vec<f64> = after
                .reps
                .iter()
                .zip(&scaled)
                .map(|(r, &q)| match r.quota_override {
                    Some(o) => o,
                    None => crate::engine::to_cents(q * scale),
                })
                .collect();
            // The rounding residue goes to the largest free quota, so the
            // set adds up to the cent.
            let residue = crate::engine::to_cents(total - q.iter().sum::<f64>());
            if let Some(i) = (0..q.len())
                .filter(|&i| after.reps[i].quota_override.is_none())
                .max_by(|&a, &b| q[a].total_cmp(&q[b]).then(b.cmp(&a)))
            {
                q[i] = crate::engine::to_cents(q[i] + residue);
            }
            for (rep, q) in after.reps.iter_mut().zip(q) {
                if let (Some(old), Some(quarters)) = (rep.quota, rep.quarterly_quota.as_mut())
                    && old > 0.0
                {
                    quarters.iter_mut().for_each(|x| *x *= q / old);
                }
                rep.quota = Some(q);
            }
            Ok(AfterQuotas::Refitted { total })
        }
        QuotaMethod::Given if target => {
            after.quotas.method = QuotaMethod::Proportional;
            Ok(AfterQuotas::Proportional)
        }
        QuotaMethod::Given => Ok(AfterQuotas::Unknown),
        // New territories: `apply` chose proportional quotas.
        QuotaMethod::Proportional if target && model.quotas.method == QuotaMethod::Given => {
            Ok(AfterQuotas::Proportional)
        }
        m if target => Ok(AfterQuotas::Method(m)),
        _ => Ok(AfterQuotas::Unknown),
    }
}

/// The reps of `k` new territories `T01..Tk`: each like the scenario's
/// first rep (capacity, attrition, vacancy, ramp, productivity) but with no
/// quota, no ramp or start still ahead and no home; a scenario without
/// reps gives reps with no capacity limit who never leave.
pub fn territory_reps(model: &Model, k: usize) -> Vec<crate::model::Rep> {
    let template = model
        .reps
        .first()
        .cloned()
        .unwrap_or_else(|| crate::model::Rep {
            id: String::new(),
            name: String::new(),
            quota: None,
            quota_floor: None,
            quota_cap: None,
            quota_override: None,
            quarterly_quota: None,
            home_unit: None,
            capacity_hours: None,
            capacity_elasticity: 1.0,
            attrition: 0.0,
            vacancy_months: 0,
            vacancy_coverage: 0.0,
            ramp_months: 0.0,
            ramp_remaining: None,
            start_month: None,
            productivity: crate::model::dist::Dist::Fixed(1.0),
            groups: Vec::new(),
        });
    (0..k)
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
            home_unit: None,
            // New territories belong to no region or manager yet.
            groups: Vec::new(),
            ..template.clone()
        })
        .collect()
}

/// Each territory's share of the balanced total under `mode`, and what it
/// rests on. Territory `t` is rep `t` when `k` is the number of reps;
/// otherwise the territories are new and alike ([`territory_reps`]), so
/// their shares are equal whatever the mode.
///
/// - `Equal`: `1 / k` each.
/// - `Capacity`: in proportion to `capacity_hours`.
/// - `Presence`: in proportion to `capacity_hours ×` the rep's expected
///   presence over the horizon ([`crate::model::Rep::horizon_presence`],
///   the engine's own presence model: start month, linear ramp, a departure
///   with probability `attrition` scaled to the months employed, in a
///   uniform month, then `vacancy_months` at `vacancy_coverage` and a
///   replacement ramping up; weighted by seasonality). A seat starting in
///   April with no ramp is present 0.75 of an evenly seasonal year, so its
///   target is 0.75 of a full-year rep's of equal capacity.
///
/// A rep without `capacity_hours` (no limit) counts with the mean capacity
/// of those that have one (with a note), or all count alike when none
/// has. When every weight is zero the shares are equal.
pub fn target_basis(model: &Model, k: usize, mode: Targets) -> TargetBasis {
    let same = k == model.reps.len();
    let reps = if same {
        model.reps.clone()
    } else {
        territory_reps(model, k)
    };
    let presence: Vec<f64> = reps
        .iter()
        .map(|r| r.horizon_presence(&model.seasonality))
        .collect();
    let capacity: Vec<Option<f64>> = reps.iter().map(|r| r.capacity_hours).collect();
    let mut notes = Vec::new();
    let given: Vec<f64> = capacity.iter().flatten().copied().collect();
    let fill = if given.is_empty() {
        1.0
    } else {
        given.iter().sum::<f64>() / given.len() as f64
    };
    if mode != Targets::Equal && same && !given.is_empty() && given.len() < reps.len() {
        let missing: Vec<&str> = reps
            .iter()
            .filter(|r| r.capacity_hours.is_none())
            .map(|r| r.id.as_str())
            .collect();
        notes.push(format!(
            "targets: {} without capacity_hours count with the mean capacity of the others ({} h): {}",
            if missing.len() == 1 { "1 rep" } else { "reps" },
            grouped(fill),
            list_ids(&missing, 5)
        ));
    }
    if mode != Targets::Equal && !same && !model.reps.is_empty() {
        notes.push(format!(
            "targets: the {k} territories are new (not the scenario's {} reps), so their targets are equal",
            model.reps.len()
        ));
    }
    let weights: Vec<f64> = (0..reps.len())
        .map(|t| {
            let cap = capacity[t].unwrap_or(fill);
            match if same { mode } else { Targets::Equal } {
                Targets::Equal => 1.0,
                Targets::Capacity => cap,
                Targets::Presence => cap * presence[t],
            }
        })
        .collect();
    let sum: f64 = weights.iter().sum();
    let shares = if sum > 0.0 && sum.is_finite() {
        weights.iter().map(|w| w / sum).collect()
    } else {
        vec![1.0 / k.max(1) as f64; k]
    };
    TargetBasis {
        mode,
        shares,
        weights,
        presence,
        capacity,
        notes,
    }
}

/// `ids` as a short list: all of them up to `max`, else the first `max`
/// and how many more ("R01, R02, R03, … (+9 more)").
pub fn list_ids(ids: &[&str], max: usize) -> String {
    if ids.len() <= max {
        ids.join(", ")
    } else {
        format!("{}, … (+{} more)", ids[..max].join(", "), ids.len() - max)
    }
}

/// A whole number with thousands separators for messages: 88,000,000.
fn grouped(x: f64) -> String {
    let s = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x <= -0.5 { format!("-{out}") } else { out }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{MemoryLoader, Purpose, load};

    fn model(reps: &str) -> Model {
        let text = format!(
            "[scenario]\ncompany_target = 100\n{reps}\n[[units]]\nid = \"a\"\npotential = 1\nx = 0\ny = 0\n"
        );
        load("t.toml", &text, &MemoryLoader(Vec::new()), Purpose::Align)
            .scenario
            .expect("valid")
            .model
    }

    #[test]
    fn targets_follow_capacity_and_presence() {
        let m = model(
            "[[reps]]\nid = \"R1\"\ncapacity_hours = 1000\n[[reps]]\nid = \"R2\"\n[[reps]]\nid = \"R3\"\ncapacity_hours = 3000\nstart_month = 4\n",
        );
        let cap = target_basis(&m, 3, Targets::Capacity);
        let want = [1.0 / 6.0, 1.0 / 3.0, 0.5];
        for (s, w) in cap.shares.iter().zip(want) {
            assert!((s - w).abs() < 1e-12, "{:?}", cap.shares);
        }
        assert_eq!(cap.notes.len(), 1);
        assert!(cap.notes[0].contains("R2") && cap.notes[0].contains("2,000 h"));
        let pres = target_basis(&m, 3, Targets::Presence);
        assert_eq!(pres.presence, vec![1.0, 1.0, 0.75]);
        let w = [1000.0, 2000.0, 2250.0];
        for (s, w) in pres.shares.iter().zip(w) {
            assert!((s - w / 5250.0).abs() < 1e-12, "{:?}", pres.shares);
        }
        let t = pres.targets(5250.0);
        assert!((t[2] - 2250.0).abs() < 1e-9, "{t:?}");
        // Equal targets are exactly total / k; new territories are alike.
        assert_eq!(
            target_basis(&m, 3, Targets::Equal).targets(10.0),
            vec![10.0 / 3.0; 3]
        );
        let new = target_basis(&m, 2, Targets::Presence);
        assert_eq!(new.targets(10.0), vec![5.0, 5.0]);
        assert!(new.notes.iter().any(|n| n.contains("are new")));
    }

    #[test]
    fn reps_of_new_territories_have_no_home_or_quota() {
        let m = model(
            "[[reps]]\nid = \"R1\"\nquota = 5\nhome = \"a\"\nramp_remaining = 1\nramp_months = 2\n",
        );
        let reps = territory_reps(&m, 2);
        assert_eq!(reps[1].id, "T02");
        assert!(
            reps.iter()
                .all(|r| r.quota.is_none() && r.home_unit.is_none() && r.ramp_remaining.is_none())
        );
        let none = territory_reps(&model(""), 1);
        assert_eq!(none[0].capacity_hours, None);
        assert_eq!(none[0].attrition, 0.0);
    }
}
