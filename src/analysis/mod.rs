//! What a run means: the summary statistics of `summary.json` (team, reps,
//! quarters, payouts, shortfall VaR/CVaR), the risk drivers' sensitivity,
//! the fairness of quotas, and the distributions the charts draw. Computed
//! from the engine's results; rendering is [`crate::report`]'s.

mod chart_data;
mod fairness;
mod json;
mod planner;
mod rep_digest;
mod sensitivity;
mod summarise;
mod summary;

pub use chart_data::{
    ChartData, ConvergencePoint, Hist, MapData, MapRep, MapUnit, PayoutCurve, RepDist, chart_data,
};
pub use fairness::{FAIR_HIGH, FAIR_LOW, FairnessBand};
pub use json::{ReadError, chart_data_from_json, planner_from_json, summary_from_json};
pub use planner::{
    MAX_QUANTILES, MIN_QUANTILES, NUMBER_BUDGET, PlannerComp, PlannerData, PlannerRep, p_from_grid,
    planner_data, quantile_count,
};
pub use rep_digest::{Across, LISTED_REPS, MAX_LISTED_REPS, REP_DETAIL, RepBand, RepDigest};
pub use sensitivity::{RiskSummary, Tornado};
pub use summarise::summarise;
pub use summary::{
    Band, Compensation, Count, Fairness, FairnessFlag, GroupSummary, Pinned, Quarter, QuotaInfo,
    Reforecast, RepAttainment, RepQuarter, RepSummary, SeatForecast, Shortfall, Spread, Summary,
    Team,
};
