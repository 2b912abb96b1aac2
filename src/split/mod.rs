//! Territory design (docs/src/territories.md): split units into `k` contiguous,
//! balanced, compact territories that respect locked units and limit disruption
//! of the current alignment.
//!
//! It knows only graphs, weights and limits; [`crate::territory`] builds
//! its input from a scenario and takes the plan back. Pieces, small and
//! composable in the GerryChain manner:
//! - [`Graph`] (`graph`, `delaunay`): adjacency from an edge list or from
//!   locations;
//! - `plan`: a sub-problem and the incrementally scored plan state;
//! - `tree`: random spanning trees and balanced cuts (ReCom);
//! - `seed`: starting plans (repaired current alignment, or recursive
//!   spanning-tree bisection);
//! - `anneal`: the proposals (boundary flip, pair flip, ReCom) with
//!   Metropolis acceptance under a cooling schedule;
//! - [`check()`]: the hard constraints, verified from scratch;
//! - `validate`, `proofs` (anchors and what is infeasible up front),
//!   `distance`;
//! - `allocate`: islands, and the sub-problem of each connected part;
//! - `driver`: parallel chains per part, `exact`: exhaustive search of small
//!   parts, `report`: the final report; `frontier`: the best plan under
//!   each cap on disruption.
//!
//! Results are a function of the input and `seed` alone: chains are
//! iteration-bounded, each has its own random stream, and the best is picked
//! by score with ties going to the lowest chain index, so the thread count
//! never matters. Only a hit `time_limit` (a safety stop) makes a result
//! depend on machine speed; [`SplitResult::hit_time_limit`] says so.

mod allocate;
mod anneal;
mod check;
mod delaunay;
mod distance;
mod driver;
mod error;
mod exact;
mod frontier;
mod graph;
mod plan;
mod proofs;
mod report;
mod seed;
mod tree;
mod validate;

pub use check::{Limits, Violation, check, check_limits};
pub use distance::home_distances;
pub use driver::optimize;
pub use error::{PoolError, SplitError};
pub use frontier::{FrontierPoint, frontier};
pub use graph::Graph;

use std::time::Duration;

/// Everything the optimizer needs. Build with [`SplitInput::new`] and set
/// the fields that matter; all vectors are indexed by unit (length `n`) or
/// by territory (length `k = targets.len()`).
#[derive(Clone, Debug)]
pub struct SplitInput<'a> {
    pub graph: &'a Graph,
    /// The balanced metric per unit (expected sales, workload, accounts or
    /// a mix); the caller computes it.
    pub weight: Vec<f64>,
    /// Target of the metric per territory; must sum to the total weight.
    /// Unequal targets express unequal capacity.
    pub targets: Vec<f64>,
    /// Every territory within `±tolerance` (relative) of its target; hard.
    pub tolerance: f64,
    /// Unit -> territory it must stay in; hard.
    pub locked: Vec<Option<usize>>,
    /// Current owner of each unit, for disruption and as the starting plan.
    pub current: Vec<Option<usize>>,
    /// What disruption is measured in (usually expected sales).
    pub disruption_weight: Vec<f64>,
    /// Largest share of the current owners' disruption weight that may move
    /// to another territory. Treated as a constraint ranked below balance:
    /// the best plan within the cap is returned when one is found,
    /// otherwise the least disruptive one, marked infeasible.
    pub max_disruption: Option<f64>,
    /// Home unit of each territory's rep (length `k`, or empty for none).
    /// A home is an anchor: the territory holds its home unit (unless two
    /// territories share it) and stays within `max_distance` of it.
    pub home_unit: Vec<Option<usize>>,
    /// Unit locations (planar, km); needed for the distance-to-home term
    /// and to attach islands to their nearest mainland.
    pub locations: Option<&'a [(f64, f64)]>,
    /// Great-circle positions `(lat, lon)` in degrees, when the units are
    /// geographic: distances to home are then great-circle kilometres;
    /// otherwise they are planar distances between `locations`.
    pub lat_lon: Option<&'a [(f64, f64)]>,
    /// Travel radius around each home, in km (length `k`, `None` for no
    /// limit, or empty for none at all); hard.
    pub max_distance: Vec<Option<f64>>,
    /// Workload of each unit: compactness is reported as the
    /// workload-weighted distance to the home.
    pub workload: Vec<f64>,
    /// Accounts of each unit, and the largest number that may change
    /// owner; hard, like `max_disruption`.
    pub accounts: Vec<f64>,
    pub max_moved_accounts: Option<f64>,
    /// Customer ownership continuity: with a current alignment, a unit
    /// changes owner only when that buys balance (or a hard constraint),
    /// never for compactness alone.
    pub continuity: bool,
    /// Cost, in cut edges, of an average-weight unit lying one typical edge
    /// length (the mean distance between adjacent units) from its rep's home.
    pub home_weight: f64,
    pub seed: u64,
    /// Independent search chains per connected part. Fixed by the caller
    /// (never by the thread count) so results are reproducible.
    pub chains: usize,
    /// Iterations per chain and restart; `None` scales with the problem size.
    pub iterations: Option<u64>,
    /// Restart rounds without improvement of the best plan after which the
    /// search has converged.
    pub patience: usize,
    /// Restart rounds at most (each runs `chains` chains).
    pub max_rounds: usize,
    /// Safety stop. Hitting it makes the result depend on machine speed.
    pub time_limit: Option<Duration>,
    /// Worker threads; `None` uses all cores. Never changes the result.
    pub threads: Option<usize>,
}

impl<'a> SplitInput<'a> {
    /// `k` territories with equal targets, ±1 % tolerance, nothing locked,
    /// no current alignment, 4 chains, seed 0.
    pub fn new(graph: &'a Graph, weight: Vec<f64>, k: usize) -> Self {
        let n = graph.len();
        let total: f64 = weight.iter().sum();
        SplitInput {
            graph,
            targets: vec![total / k.max(1) as f64; k],
            disruption_weight: weight.clone(),
            weight,
            tolerance: 0.01,
            locked: vec![None; n],
            current: vec![None; n],
            max_disruption: None,
            home_unit: Vec::new(),
            locations: None,
            lat_lon: None,
            max_distance: Vec::new(),
            workload: vec![1.0; n],
            accounts: vec![1.0; n],
            max_moved_accounts: None,
            continuity: true,
            home_weight: 0.2,
            seed: 0,
            chains: 4,
            iterations: None,
            patience: 2,
            max_rounds: 64,
            time_limit: None,
            threads: None,
        }
    }
}

/// Why the search ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// A feasible plan and `patience` rounds without improving it.
    Converged,
    /// An exhaustive search settled it (small instances).
    Exhausted,
    /// Infeasibility is proven; the search did not run in vain.
    Infeasible,
    /// `max_rounds` restart rounds ran.
    Rounds,
    /// No feasible plan, and several rounds without any improvement.
    Stalled,
    /// The time limit stopped it: the result depends on machine speed.
    TimeLimit,
}

impl Stop {
    pub fn describe(&self) -> &'static str {
        match self {
            Stop::Converged => "converged",
            Stop::Exhausted => "exhaustive search",
            Stop::Infeasible => "proven infeasible",
            Stop::Rounds => "restart limit reached",
            Stop::Stalled => "no improvement in the last rounds",
            Stop::TimeLimit => "time limit",
        }
    }
}

/// Per-territory figures of a plan.
#[derive(Clone, Debug, PartialEq)]
pub struct TerritoryMetrics {
    pub weight: f64,
    pub target: f64,
    /// `weight / target - 1`.
    pub deviation: f64,
    pub units: usize,
    /// Edges with exactly one end in this territory.
    pub cut_edges: usize,
    /// Disruption weight this territory took over from other owners.
    pub gained: f64,
    /// Disruption weight it currently owns that went elsewhere.
    pub lost: f64,
    /// Workload-weighted mean distance (km) from its units to the rep's
    /// home: the compactness a rep feels.
    pub home_distance: Option<f64>,
    /// Farthest unit from the home (km).
    pub farthest: Option<f64>,
    /// Accounts it took over from other owners.
    pub accounts_gained: f64,
}

#[derive(Clone, Debug)]
pub struct SplitResult {
    /// Territory of each unit.
    pub assignment: Vec<usize>,
    /// Every hard constraint holds and disruption is within its cap.
    pub feasible: bool,
    /// `max_t |w_t / target_t - 1|`.
    pub max_deviation: f64,
    pub cut_edges: usize,
    /// Share of the disruption weight of units with a current owner that
    /// changed owner (0 without a current alignment).
    pub disruption: f64,
    /// Accounts of units that changed owner.
    pub moved_accounts: f64,
    /// Units that changed owner.
    pub moved_units: usize,
    pub per_territory: Vec<TerritoryMetrics>,
    /// Broken hard constraints, as [`check()`] reports them.
    pub violations: Vec<Violation>,
    /// Iterations over all chains.
    pub iterations: u64,
    pub elapsed: Duration,
    pub hit_time_limit: bool,
    /// Why the search stopped.
    pub stop: Stop,
    /// Restart rounds run (over all connected parts, the largest count).
    pub rounds: usize,
    /// Why no feasible plan can exist, when that is proven before or by
    /// the search (`None` when feasible or merely not found).
    pub proven_infeasible: Vec<String>,
    /// What the user should know: islands, repairs, unattainable limits.
    pub notes: Vec<String>,
}
