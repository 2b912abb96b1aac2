//! What a run produced: per rep, per roll-up, per quarter and per risk,
//! streaming statistics and the per-trial series that stay small.

use super::deals::DealSampler;
use super::options::Sampler;
use crate::stats::{Histogram, Welford};

/// The most memory [`SimOptions::keep_rep_trials`](super::SimOptions::keep_rep_trials) may take in one run
/// (1 GiB); above it the series are not kept and the result says why.
pub const MAX_KEPT_BYTES: u64 = 1 << 30;

/// Bytes that keeping every rep's per-trial series takes: 8 bytes per rep,
/// trial and series (sales, and payout with a comp plan).
pub fn kept_bytes(reps: usize, trials: u64, comp_plan: bool) -> u64 {
    let series = if comp_plan { 2 } else { 1 };
    (reps as u64)
        .saturating_mul(trials)
        .saturating_mul(8 * series)
}

/// Per-rep, per-quarter results.
#[derive(Clone, Debug)]
pub struct RepQuarterStats {
    pub quota: f64,
    pub sales: Welford,
    pub hits: u64,
    pub hist: Histogram,
    /// Year-to-date attainment at the end of the quarter.
    pub ytd_quota: f64,
    pub ytd_attainment: Welford,
    pub ytd_hits: u64,
}

impl RepQuarterStats {
    pub fn sales_quantile(&self, p: f64) -> f64 {
        self.hist.quantile(p)
    }
}

#[derive(Clone, Debug)]
pub struct PayoutStats {
    pub payout: Welford,
    pub hist: Histogram,
}

impl PayoutStats {
    pub fn quantile(&self, p: f64) -> f64 {
        self.hist.quantile(p)
    }
}

/// Per-rep streaming results.
#[derive(Clone, Debug)]
pub struct RepStats {
    pub sales: Welford,
    /// Trials with attainment >= 1.
    pub hits: u64,
    /// Sales, binned on a scale of the rep's expected sales.
    pub hist: Histogram,
    pub quarters: Vec<RepQuarterStats>,
    pub payout: Option<PayoutStats>,
}

impl RepStats {
    pub fn sales_quantile(&self, p: f64) -> f64 {
        self.hist.quantile(p)
    }
}

/// A roll-up's results ([`crate::model::Model::rep_groups`], same order):
/// its sales are the sum of its reps' sales in each trial, so its P(hit)
/// comes from the same trials, not from the reps' probabilities.
#[derive(Clone, Debug)]
pub struct GroupStats {
    /// The sum of the group's reps' quotas.
    pub quota: f64,
    pub sales: Welford,
    /// Trials with group sales >= the group's quota.
    pub hits: u64,
    /// Sales, binned on a scale of the group's expected sales.
    pub hist: Histogram,
}

impl GroupStats {
    pub fn sales_quantile(&self, p: f64) -> f64 {
        self.hist.quantile(p)
    }
}

#[derive(Clone, Debug)]
pub struct QuarterStats {
    pub target: f64,
    pub sales: Welford,
    pub hits: u64,
}

/// What each risk did, trial by trial (for rank correlations and tornado
/// swings) and on average when switched off (common random numbers).
#[derive(Clone, Debug)]
pub struct RiskStats {
    /// Realised input per trial, in trial order (see the kernel).
    pub inputs: Vec<f32>,
    /// Team sales with the risk switched off minus team sales.
    pub off_delta: Welford,
}

/// Each rep's values per trial, when
/// [`SimOptions::keep_rep_trials`](super::SimOptions::keep_rep_trials) asked
/// for them: in trial order (chunks merged in order, like `team`), so they
/// are the same for any thread count.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum RepTrials {
    /// Not asked for.
    #[default]
    NotKept,
    /// `sales[r][t]`, and `payout[r][t]` with a comp plan (else empty).
    Kept {
        sales: Vec<Vec<f64>>,
        payout: Vec<Vec<f64>>,
    },
    /// Asked for, but they would take `bytes`, above [`MAX_KEPT_BYTES`].
    TooLarge { bytes: u64 },
}

/// Everything a run produced. Memory grows per trial only by the team total,
/// the total payout and one f32 per risk (and, when asked, by each rep's
/// sales and payout: see [`RepTrials`]).
#[derive(Clone, Debug)]
pub struct SimResult {
    pub trials: u64,
    pub seed: u64,
    pub chunk_size: u64,
    pub sampler: Sampler,
    /// How deal units' months were drawn (`None` without deal units).
    pub deal_sampler: Option<DealSampler>,
    pub quotas: Vec<f64>,
    /// Team sales per trial, in trial order.
    pub team: Vec<f64>,
    /// Total payout per trial (empty without a comp plan).
    pub payout_total: Vec<f64>,
    pub reps: Vec<RepStats>,
    /// Per roll-up of reps (empty when the reps carry no grouping keys).
    pub groups: Vec<GroupStats>,
    /// `at_quota[k]`: trials in which exactly k reps reached quota.
    pub at_quota: Vec<u64>,
    pub quarters: Vec<QuarterStats>,
    /// Per risk in model order (empty without analytics).
    pub risks: Vec<RiskStats>,
    /// The run stopped early because it reached the requested precision.
    pub reached_precision: bool,
    /// Per-rep series for paired comparisons (only when asked for).
    pub rep_trials: RepTrials,
    /// Each unit's sales per trial (`unit_trials[u][t]`), when
    /// [`SimOptions::keep_unit_trials`](super::SimOptions::keep_unit_trials) asked and they fit under
    /// [`MAX_KEPT_BYTES`]; otherwise empty. Closed months of a re-forecast
    /// are booked per rep, so they are not in a unit's figure.
    pub unit_trials: Vec<Vec<f64>>,
}
