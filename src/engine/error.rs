//! Why a run cannot be made.

use super::options::OptionsError;
use crate::source::{Setting, Spelling};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EngineError {
    #[error(transparent)]
    Options(#[from] OptionsError),
    #[error("cannot start {0} worker threads: {1}")]
    Threads(usize, #[source] PoolError),
    #[error("{got} quotas given for {reps} reps")]
    QuotaCount { got: usize, reps: usize },
    /// A run to a precision decides where to stop from every chunk before,
    /// so a run split into shards cannot be one.
    #[error("{}", self.message(Spelling::default()))]
    PrecisionInShard,
    #[error("chunks {start}..{end} are not within the run's {chunks} chunks")]
    ChunksOutside { start: u64, end: u64, chunks: u64 },
    /// Shards' states that cannot be this run's (another scenario, other
    /// quotas or options): what differs.
    #[error("the parts are not of this run: {0}")]
    PartMismatch(String),
}

impl EngineError {
    /// The message, naming settings as the caller spells them.
    pub fn message(&self, spelling: Spelling) -> String {
        match self {
            EngineError::Options(e) => e.message(spelling),
            EngineError::PrecisionInShard => format!(
                "{} cannot be split into shards: where it stops depends on every chunk before; give a number of trials",
                spelling.of(Setting::Precision)
            ),
            other => other.to_string(),
        }
    }
}

/// Why the worker threads could not start: rayon's error, kept whole. It
/// shows as rayon's message and leads on to rayon's own cause; two are
/// equal when they say the same (rayon's error cannot be compared).
#[derive(Debug)]
pub struct PoolError(rayon::ThreadPoolBuildError);

impl PoolError {
    pub(super) fn new(e: rayon::ThreadPoolBuildError) -> Self {
        PoolError(e)
    }

    /// rayon's error.
    pub fn rayon(&self) -> &rayon::ThreadPoolBuildError {
        &self.0
    }
}

impl std::fmt::Display for PoolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for PoolError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl PartialEq for PoolError {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_string() == other.0.to_string()
    }
}
