//! Statistics of simulated trials: streaming accumulators, quantiles and
//! tail measures, proportions with their errors, multiple-comparison
//! adjustments, and correlation. Pure
//! functions and plain data.

mod accumulators;
mod correlation;
mod multiple;
mod proportions;
mod quantiles;

pub use accumulators::{Extremes, Histogram, HistogramRaw, Moments, Welford};
pub use correlation::{pearson, ranks, spearman_ranked};
pub use multiple::{Adjust, adjusted};
pub use proportions::{
    Proportion, hit_bits, hit_indicators, hits, mean_se, p_hit, paired_hit_change, paired_se,
    proportion_se, wilson95,
};
pub use quantiles::{quantile_sorted, quantile_unsorted, var_cvar};
