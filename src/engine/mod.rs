//! The Monte Carlo engine: random streams, the trial kernel and the parallel
//! driver. Chunks run in parallel; their partial results are merged in chunk
//! order, so results are bit-identical for any thread count.
//!
//! - `plan`: the model compiled for speed; `kernel` (with `deals`): one
//!   trial;
//! - `partial`: a chunk's accumulators, their merge and the result made
//!   from them; `result`: what a run produced;
//! - `driver`: chunks in parallel waves, precision stopping; [`shard`]: a
//!   share of a run's chunks and the exact merge of the shares.

mod deals;
mod driver;
mod error;
mod kernel;
mod options;
mod partial;
mod plan;
mod result;
pub mod shard;
pub mod streams;

pub use crate::model::{MAX_RUN_TRIALS, precision_hint};
pub use deals::{DealSampler, MAX_RATE as DEAL_TABLE_MAX_RATE};
pub use driver::run;
pub use error::{EngineError, PoolError};
pub use options::{
    DEFAULT_SEED, DEFAULT_TRIALS, MAX_TRIALS, OptionsError, RunRequest, Sampler, SimOptions,
};
pub use result::{
    GroupStats, MAX_KEPT_BYTES, PayoutStats, QuarterStats, RepQuarterStats, RepStats, RepTrials,
    RiskStats, SimResult, kept_bytes,
};
pub use streams::{CHUNK_SIZE, GENERATOR};
