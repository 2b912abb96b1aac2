//! Errors for bad input. An infeasible tolerance is not an error: the
//! optimizer still returns its best plan, marked `feasible = false`.

use std::sync::Arc;

/// Why a split could not be attempted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SplitError {
    #[error("edge {index} ({i}, {j}) names a unit outside 0..{n}")]
    EdgeOutOfRange {
        index: usize,
        i: usize,
        j: usize,
        n: usize,
    },
    #[error("edge {index} joins unit {unit} to itself")]
    SelfLoop { index: usize, unit: usize },
    #[error("location of unit {unit} is not a finite number")]
    NonFiniteLocation { unit: usize },
    #[error("{what} has {got} entries but there are {expected}")]
    LengthMismatch {
        what: &'static str,
        expected: usize,
        got: usize,
    },
    #[error("at least one territory is needed")]
    NoTerritories,
    #[error("{k} territories cannot be made from {n} units")]
    TooManyTerritories { k: usize, n: usize },
    #[error("weight of unit {unit} is {value}; weights must be finite and not negative")]
    InvalidWeight { unit: usize, value: f64 },
    #[error("disruption weight of unit {unit} is {value}; it must be finite and not negative")]
    InvalidDisruptionWeight { unit: usize, value: f64 },
    #[error("the weights sum to zero; nothing can be balanced")]
    ZeroTotalWeight,
    #[error("target of territory {territory} is {value}; targets must be finite and positive")]
    InvalidTarget { territory: usize, value: f64 },
    #[error(
        "targets sum to {targets} but the weights sum to {weights}; scale the targets to the total weight"
    )]
    TargetSumMismatch { targets: f64, weights: f64 },
    #[error("tolerance {0} must be finite and not negative")]
    InvalidTolerance(f64),
    #[error("max_disruption {0} must be a share between 0 and 1")]
    InvalidMaxDisruption(f64),
    #[error("unit {unit} is locked to territory {territory}, but there are only {k} territories")]
    LockOutOfRange {
        unit: usize,
        territory: usize,
        k: usize,
    },
    #[error(
        "unit {unit} is currently owned by territory {territory}, but there are only {k} territories"
    )]
    CurrentOutOfRange {
        unit: usize,
        territory: usize,
        k: usize,
    },
    #[error("home unit of territory {territory} is outside 0..{n}")]
    HomeOutOfRange { territory: usize, n: usize },
    #[error("max_distance of territory {territory} is {value}; it must be a positive number of km")]
    InvalidMaxDistance { territory: usize, value: f64 },
    #[error("max_moved_accounts {0} must be finite and not negative")]
    InvalidMaxMovedAccounts(f64),
    #[error("home locations need unit locations to measure distance to home")]
    HomesWithoutLocations,
    #[error("home_weight {0} must be finite and not negative")]
    InvalidHomeWeight(f64),
    #[error("chains must be at least 1")]
    NoChains,
    #[error("cannot start {0} worker threads: {1}")]
    Threads(usize, #[source] PoolError),
}

/// Why the worker threads could not start: rayon's error, kept whole and
/// shared so that [`SplitError`] stays `Clone`. It shows as rayon's message
/// and leads on to rayon's own cause; two are equal when they say the same
/// (rayon's error cannot be compared).
#[derive(Clone, Debug)]
pub struct PoolError(Arc<rayon::ThreadPoolBuildError>);

impl PoolError {
    pub(super) fn new(e: rayon::ThreadPoolBuildError) -> Self {
        PoolError(Arc::new(e))
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
        Arc::ptr_eq(&self.0, &other.0) || self.0.to_string() == other.0.to_string()
    }
}
