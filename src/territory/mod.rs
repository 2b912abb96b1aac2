//! Territory alignment: a scenario's units split into territories and the
//! plan taken back into the scenario. It chooses the adjacency (the edge
//! list, or a Delaunay triangulation of the locations), the balance metric
//! and the targets, runs the optimizer of [`crate::split`] (which knows only
//! graphs and weights), applies the plan to the model, re-derives the
//! quotas for the new territories, and evaluates plans by simulation with
//! common random numbers (`Balance::Risk`, P(attain) before and after).
//!
//! - `balance`: what is balanced, and the optimizer's input built from a
//!   scenario;
//! - `targets`: each territory's share of the total, and the reps of new
//!   territories;
//! - `risk`: the alignment itself, with the risk-balancing rounds;
//! - `realign`: the plan applied, quotas refitted, before and after.

mod balance;
mod realign;
mod risk;
mod targets;

pub use balance::{
    AlignError, AlignOptions, Alignment, Balance, BalanceError, apply, graph, input, weights,
};
pub use realign::{AfterQuotas, Realignment, TerritoryRow, UnitMove, realign};
pub use risk::{FRONTIER_CAPS, align, p_equal_quota};
pub use targets::{TargetBasis, Targets, list_ids, target_basis, territory_reps};
