//! The headline figures of a run, as written to `summary.json` (built by
//! [`summarise`](super::summarise)). Nothing in here depends on time or
//! machine, so the file is reproducible byte for byte.

use super::rep_digest::RepDigest;
use super::sensitivity::RiskSummary;
use serde::{Deserialize, Serialize};

/// Mean (with its standard error and 95 % interval), spread and quantiles.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Band {
    pub mean: f64,
    pub mean_se: f64,
    pub mean_ci95: [f64; 2],
    pub sd: f64,
    pub p5: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
    pub p95: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Count {
    pub mean: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Shortfall {
    /// 95th percentile of max(0, target - team sales).
    pub var95: f64,
    /// Mean shortfall in the worst 5 % of trials.
    pub cvar95: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Team {
    pub target: f64,
    pub sales: Band,
    pub attainment: Band,
    pub p_hit_target: f64,
    pub p_hit_target_se: f64,
    pub p_hit_target_ci95: [f64; 2],
    pub reps_at_quota: Count,
    pub shortfall: Shortfall,
}

/// Mean (with SE and interval) and quantiles of a per-rep quantity.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Spread {
    pub mean: f64,
    pub mean_se: f64,
    pub mean_ci95: [f64; 2],
    pub sd: f64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RepAttainment {
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RepQuarter {
    pub quarter: String,
    pub quota: f64,
    pub sales: Spread,
    /// None for a quarter without quota (a hire not yet started).
    pub p_attain: Option<f64>,
    pub p_attain_se: Option<f64>,
    /// Year to date at the end of the quarter.
    pub ytd_quota: f64,
    pub ytd_attainment_mean: f64,
    pub p_ytd_attain: f64,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct RepSummary {
    pub id: String,
    pub name: String,
    pub quota: f64,
    pub coverage: f64,
    pub workload_hours: f64,
    pub expected_sales: f64,
    pub sales: Spread,
    pub attainment: RepAttainment,
    pub p_attain: f64,
    pub p_attain_se: f64,
    pub p_attain_ci95: [f64; 2],
    pub quarters: Vec<RepQuarter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payout: Option<Spread>,
}

/// A roll-up of reps by one value of a grouping key (`region` = `华东`).
/// Its sales are the sum of its reps' sales in each trial, so `p_hit` is
/// P(group sales >= group quota) from the same trials, not a product of
/// the reps' probabilities.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct GroupSummary {
    /// The grouping key.
    pub by: String,
    /// The key's value.
    pub id: String,
    /// Number of reps in the group.
    pub reps: usize,
    /// The sum of the reps' quotas.
    pub quota: f64,
    pub sales: Spread,
    pub p_hit: f64,
    pub p_hit_se: f64,
    pub p_hit_ci95: [f64; 2],
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Quarter {
    pub quarter: String,
    pub months: Vec<usize>,
    /// The quarter's share of the company target (phased by seasonality).
    pub target: f64,
    pub sales_mean: f64,
    pub sales_sd: f64,
    pub p_hit: f64,
    pub p_hit_se: f64,
    pub p_hit_ci95: [f64; 2],
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct QuotaInfo {
    pub method: String,
    pub over_assignment: f64,
    /// Sum of quotas (company_target x (1 + over_assignment) for computed methods).
    pub total: f64,
    /// Common probability of reaching quota (equal-probability only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_star: Option<f64>,
    /// Reps held at an override, floor or cap.
    pub pinned: Vec<Pinned>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Pinned {
    pub id: String,
    pub by: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Compensation {
    pub total_payout: Band,
    /// Total payout / team sales, per trial.
    pub cost_of_sales: Band,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p_over_budget: Option<f64>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub version: String,
    pub scenario: String,
    pub currency: String,
    pub months: usize,
    pub seed: u64,
    pub trials: u64,
    pub chunk_size: u64,
    pub generator: String,
    pub sampler: String,
    /// How deal units' months were drawn; absent without deal units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deal_sampler: Option<String>,
    pub reached_precision: bool,
    pub team: Team,
    pub quota: QuotaInfo,
    /// Every rep, or above [`MAX_LISTED_REPS`](super::MAX_LISTED_REPS)
    /// reps only the worst and best (see `rep_digest`).
    pub reps: Vec<RepSummary>,
    /// Present when `reps` does not list every rep: the distribution of
    /// them all and where every rep's figures are.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rep_digest: Option<RepDigest>,
    /// Roll-ups by every grouping key and value; absent when the reps
    /// carry no grouping keys.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupSummary>,
    pub quarters: Vec<Quarter>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compensation: Option<Compensation>,
    pub risks: Vec<RiskSummary>,
    pub fairness: Fairness,
    /// Present for an in-year re-forecast (`simulate --actuals`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reforecast: Option<Reforecast>,
    pub warnings: Vec<String>,
}

/// An in-year re-forecast: what is booked, and the monthly run-rate each
/// seat needs over the open months against what the model expects. The
/// probabilities (team `p_hit_target`, reps' `p_attain`) are already
/// conditioned on the booked months.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Reforecast {
    pub months_closed: usize,
    pub months_open: usize,
    pub team: SeatForecast,
    pub reps: Vec<SeatForecast>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct SeatForecast {
    pub id: String,
    /// Quota (the company target for the team).
    pub quota: f64,
    pub booked: f64,
    /// P(quota reached | booked so far).
    pub p_attain: f64,
    /// (quota - booked) / open months, not below 0.
    pub needed_per_month: f64,
    /// (expected sales - booked) / open months.
    pub expected_per_month: f64,
    /// Month (1-based) the rep left in, when it left in the closed months.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_in_month: Option<u32>,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct FairnessFlag {
    pub id: String,
    pub name: String,
    pub p_attain: f64,
    pub reason: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Fairness {
    pub p_attain_min: f64,
    pub p_attain_max: f64,
    pub p_attain_sd: f64,
    /// Correlation across reps of territory expected sales and mean
    /// attainment: near 0 when attainment does not depend on territory size.
    pub corr_size_attainment: f64,
    pub flags: Vec<FairnessFlag>,
}
