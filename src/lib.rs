//! quotaplan: Monte Carlo risk and territory planning for quota-carrying
//! sales organisations. The library does no I/O and never prints; the CLI
//! does.
//!
//! Layers, each using only those listed before it:
//! - [`stats`]: accumulators, quantiles, proportions, correlation;
//! - [`model`]: validated domain types (units, reps, risks, distributions,
//!   comp plan, geography, decided quotas);
//! - [`scenario`]: files -> document -> validated [`scenario::Scenario`],
//!   what-if overrides applied in memory;
//! - [`engine`]: random streams, the trial kernel, the parallel driver;
//! - [`analysis`]: summary statistics, sensitivity, fairness, chart data;
//! - capabilities: [`quota`], [`simulation`] (quotas + engine), [`split`],
//!   [`whatif`] (sweep, mitigate), [`compare`], [`generate`], [`history`]
//!   (transaction history in), [`fit`] (history -> scenario) and
//!   [`backtest`] (fit, forecast and score against what happened);
//! - [`part`]: part files of runs split across processes or machines
//!   (shards and tasks), and their exact merge;
//! - [`report`]: rendering only (tables, exporters, charts, HTML).

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
pub mod split;
pub mod stats;
pub mod whatif;

pub use engine::{RunRequest, SimOptions};
pub use simulation::{Simulation, simulate};
