//! quotaplan: Monte Carlo risk and territory planning for quota-carrying
//! sales organisations. The library does no I/O and never prints; the CLI
//! does.
//!
//! The layers, bottom first. Each uses only the layers listed before it;
//! the layout test (`tests/all/layout.rs`) reads this list and fails on
//! any import that reaches up.
//!
//! 1. [`stats`]: accumulators, quantiles, proportions, correlation.
//! 2. [`source`]: bytes to text, delimited tables and sheets, problems
//!    with their places.
//! 3. [`model`]: validated domain types (units, reps, risks,
//!    distributions, comp plan, geography, money, decided quotas).
//! 4. [`split`]: territory optimisation on a graph: contiguity, balance,
//!    compactness, disruption.
//! 5. [`scenario`]: files to document to validated [`scenario::Scenario`],
//!    what-if overrides applied in memory.
//! 6. [`history`]: transaction history in, and sales booked so far.
//! 7. [`engine`]: random streams, the trial kernel, the parallel driver.
//! 8. [`analysis`]: summary statistics, sensitivity, fairness, chart data.
//! 9. [`quota`]: quotas given, proportional or equal-probability.
//! 10. [`simulation`]: quotas decided, then the engine run with them.
//! 11. [`territory`]: a scenario split into territories and the plan taken
//!     back into it, with quotas refitted and risk evaluated.
//! 12. [`whatif`]: sweeps and ranked mitigations.
//! 13. [`compare`]: two results, or a suite against baselines, with gates.
//! 14. [`generate`]: synthetic scenarios and histories of any size.
//! 15. [`fit`]: history to scenario.
//! 16. [`backtest`]: fit, forecast and score against what happened.
//! 17. [`part`]: part files of runs split across processes or machines,
//!     and their exact merge.
//! 18. [`report`]: rendering only (tables, exporters, charts, HTML).

pub mod analysis;
pub mod backtest;
pub mod compare;
pub mod engine;
pub mod fit;
pub mod generate;
pub mod history;
pub mod model;
pub mod part;
pub mod quota;
pub mod report;
pub mod scenario;
pub mod simulation;
pub mod source;
pub mod split;
pub mod stats;
pub mod territory;
pub mod whatif;

pub use engine::{RunRequest, SimOptions};
pub use simulation::{Simulation, simulate};
