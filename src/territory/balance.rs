//! What a split balances, and the optimizer's input built from a scenario.

use super::targets::{Targets, target_basis, territory_reps};
use crate::engine::EngineError;
use crate::model::{Model, QuotaMethod, geo};
use crate::quota::QuotaError;
use crate::source::Spelling;
use crate::split::{FrontierPoint, Graph, SplitError, SplitInput, SplitResult, home_distances};

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
    /// How the caller spells its settings, for notes that name one.
    pub spelling: Spelling,
}

/// What a split produced: the plan, and under risk balance the spread of
/// P(reaching an equal quota) it achieved.
#[derive(Clone, Debug)]
pub struct Alignment {
    pub result: SplitResult,
    pub notes: Vec<String>,
    /// Best deviation at each disruption cap (empty unless asked for and
    /// there is a current alignment).
    pub frontier: Vec<FrontierPoint>,
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
    let km = home_distances(inp);
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
