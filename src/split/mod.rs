//! Territory design (DESIGN §3): split units into `k` contiguous, balanced,
//! compact territories that respect locked units and limit disruption of the
//! current alignment.
//!
//! `align` is the bridge from a scenario (adjacency, balance metric,
//! targets, risk evaluation by simulation); the optimizer below it knows
//! only graphs and weights. Pieces, small and composable in the GerryChain
//! manner:
//! - [`Graph`] (`graph`, `delaunay`): adjacency from an edge list or from
//!   locations;
//! - `plan`: a sub-problem and the incrementally scored plan state;
//! - `tree`: random spanning trees and balanced cuts (ReCom);
//! - `seed`: starting plans (repaired current alignment, or recursive
//!   spanning-tree bisection);
//! - `anneal`: the proposals (boundary flip, pair flip, ReCom) with
//!   Metropolis acceptance under a cooling schedule;
//! - [`check()`]: the hard constraints, verified from scratch;
//! - `driver`: islands, parallel chains and the final report.
//!
//! Results are a function of the input and `seed` alone: chains are
//! iteration-bounded, each has its own random stream, and the best is picked
//! by score with ties going to the lowest chain index, so the thread count
//! never matters. Only a hit `time_limit` (a safety stop) makes a result
//! depend on machine speed; [`SplitResult::hit_time_limit`] says so.

mod align;
mod anneal;
mod check;
mod delaunay;
mod driver;
mod error;
mod graph;
mod plan;
mod seed;
mod tree;

pub use align::{
    AlignError, AlignOptions, Alignment, Balance, BalanceError, Realignment, TerritoryRow,
    UnitMove, align, apply, graph, input, p_equal_quota, realign, weights,
};
pub use check::{Violation, check};
pub use driver::optimize;
pub use error::SplitError;
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
    /// Home of each territory's rep (length `k`, or empty for none).
    pub homes: Vec<Option<(f64, f64)>>,
    /// Unit locations; needed for the distance-to-home term and to attach
    /// islands to their nearest mainland.
    pub locations: Option<&'a [(f64, f64)]>,
    /// Cost, in cut edges, of an average-weight unit lying one typical edge
    /// length (the mean distance between adjacent units) from its rep's home.
    pub home_weight: f64,
    pub seed: u64,
    /// Independent search chains per connected part. Fixed by the caller
    /// (never by the thread count) so results are reproducible.
    pub chains: usize,
    /// Iterations per chain; `None` scales with the problem size.
    pub iterations: Option<u64>,
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
            homes: Vec::new(),
            locations: None,
            home_weight: 0.2,
            seed: 0,
            chains: 4,
            iterations: None,
            time_limit: None,
            threads: None,
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
    /// Weight-averaged distance from its units to the rep's home.
    pub home_distance: Option<f64>,
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
    pub per_territory: Vec<TerritoryMetrics>,
    /// Broken hard constraints, as [`check()`] reports them.
    pub violations: Vec<Violation>,
    /// Iterations over all chains.
    pub iterations: u64,
    pub elapsed: Duration,
    pub hit_time_limit: bool,
    /// What the user should know: islands, repairs, unattainable limits.
    pub notes: Vec<String>,
}
