//! How a run is made: trials, seed, threads, sampler, precision and
//! analytics, resolved once from what was asked and what the scenario says.

use crate::model::{MAX_RUN_TRIALS, RunSettings, precision_hint};
use crate::source::Spelling;

/// Trials when neither the request nor the scenario says.
pub const DEFAULT_TRIALS: u64 = 10_000;
/// Seed when neither the request nor the scenario says.
pub const DEFAULT_SEED: u64 = 0;
/// Upper bound on trials when running to a precision without a trial count.
pub const MAX_TRIALS: u64 = 10_000_000;

/// How the risk drivers are sampled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sampler {
    #[default]
    MonteCarlo,
    /// Latin hypercube over the copula's independent normals, stratified
    /// within each chunk; the copula factor then applies the correlation.
    LatinHypercube,
}

impl Sampler {
    pub fn name(self) -> &'static str {
        match self {
            Sampler::MonteCarlo => "monte-carlo",
            Sampler::LatinHypercube => "latin-hypercube",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct SimOptions {
    /// Trials to run; with `precision`, the most to run.
    pub trials: u64,
    pub seed: u64,
    /// Worker threads; `None` uses all cores. Never changes the results.
    pub threads: Option<usize>,
    pub sampler: Sampler,
    /// Keep risk inputs and switched-off totals for the risk analytics.
    pub analytics: bool,
    /// Keep each rep's sales (and payout, with a comp plan) per trial, in
    /// trial order, for paired comparisons (see [`super::RepTrials`]). Off
    /// by default; never changes any other result. Refused, with the
    /// reason in the result, above [`super::MAX_KEPT_BYTES`].
    pub keep_rep_trials: bool,
    /// Keep each unit's sales per trial (for backtests by unit and
    /// region), like `keep_rep_trials` and under the same memory cap.
    pub keep_unit_trials: bool,
    /// Stop at the first whole chunk where the 95 % half-width of
    /// P(team hits target) is at most this.
    pub precision: Option<f64>,
    /// Draw every deal instead of sampling deal unit-months from their
    /// class's quantile table (see [`super::DealSampler`]): slower, for
    /// checking the tables.
    pub exact_deals: bool,
}

/// What a caller asks of a run; `None` leaves the choice to the scenario,
/// then to the defaults.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RunRequest {
    pub trials: Option<u64>,
    pub seed: Option<u64>,
    pub threads: Option<usize>,
    pub sampler: Sampler,
    pub precision: Option<f64>,
    /// Skip the risk analytics (they cost time and memory per trial).
    pub no_analytics: bool,
    /// Draw every deal (see [`SimOptions::exact_deals`]).
    pub exact_deals: bool,
}

/// Why a request cannot be run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum OptionsError {
    #[error("trials must be at least 1")]
    NoTrials,
    #[error("{}", self.message(Spelling::default()))]
    TooManyTrials(u64),
    #[error("precision must be a half-width between 0 and 0.5, found {0}")]
    BadPrecision(f64),
    #[error("threads must be between 1 and 1024, found {0}")]
    BadThreads(usize),
}

impl OptionsError {
    /// The message, naming settings as the caller spells them.
    pub fn message(&self, spelling: Spelling) -> String {
        match self {
            OptionsError::TooManyTrials(t) => format!(
                "{t} trials is more than the {MAX_RUN_TRIALS} a run accepts; {}",
                precision_hint(spelling)
            ),
            other => other.to_string(),
        }
    }
}

impl SimOptions {
    pub fn new(trials: u64, seed: u64) -> Self {
        SimOptions {
            trials,
            seed,
            threads: None,
            sampler: Sampler::MonteCarlo,
            analytics: true,
            keep_rep_trials: false,
            keep_unit_trials: false,
            precision: None,
            exact_deals: false,
        }
    }

    /// The one place run defaults are decided:
    /// - trials: the request's, else the scenario's `trials`, else 10,000;
    ///   with a precision and no trial count, at most 10,000,000;
    /// - seed: the request's, else the scenario's `seed`, else 0;
    /// - threads: the request's, else all cores (results never depend on it);
    /// - sampler: plain Monte Carlo unless asked; analytics on unless asked off.
    pub fn resolve(
        request: &RunRequest,
        scenario: &RunSettings,
    ) -> Result<SimOptions, OptionsError> {
        let trials = match (request.trials, request.precision) {
            (Some(t), _) => t,
            (None, Some(_)) => MAX_TRIALS,
            (None, None) => scenario.trials.unwrap_or(DEFAULT_TRIALS),
        };
        let opts = SimOptions {
            trials,
            seed: request.seed.or(scenario.seed).unwrap_or(DEFAULT_SEED),
            threads: request.threads,
            sampler: request.sampler,
            analytics: !request.no_analytics,
            keep_rep_trials: false,
            keep_unit_trials: false,
            precision: request.precision,
            exact_deals: request.exact_deals,
        };
        opts.check()?;
        Ok(opts)
    }

    /// The options can be run.
    pub fn check(&self) -> Result<(), OptionsError> {
        if self.trials == 0 {
            return Err(OptionsError::NoTrials);
        }
        if self.trials > MAX_RUN_TRIALS {
            return Err(OptionsError::TooManyTrials(self.trials));
        }
        if let Some(p) = self.precision
            && !(p > 0.0 && p < 0.5)
        {
            return Err(OptionsError::BadPrecision(p));
        }
        if let Some(t) = self.threads
            && !(1..=1024).contains(&t)
        {
            return Err(OptionsError::BadThreads(t));
        }
        Ok(())
    }
}
