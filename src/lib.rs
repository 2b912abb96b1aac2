//! quotaplan: Monte Carlo risk and territory planning for quota-carrying sales
//! organisations. The library does no I/O and never prints; the CLI does.

pub mod alignment;
pub mod comp;
pub mod compare;
pub mod engine;
pub mod generate;
pub mod model;
pub mod quota;
pub mod report;
pub mod scenario;
pub mod split;
pub mod stats;
