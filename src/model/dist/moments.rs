//! Mean, variance and support.

use super::{Dist, pert_shape};

impl Dist {
    pub fn mean(&self) -> f64 {
        match self {
            &Dist::Fixed(v) => v,
            &Dist::Normal { mean, .. } | &Dist::LogNormal { mean, .. } => mean,
            &Dist::Uniform { min, max } => 0.5 * (min + max),
            &Dist::Triangular { min, mode, max } => (min + mode + max) / 3.0,
            &Dist::Pert { min, mode, max } => (min + 4.0 * mode + max) / 6.0,
            &Dist::Beta {
                alpha,
                beta,
                min,
                max,
            } => min + (max - min) * alpha / (alpha + beta),
            Dist::Discrete { values, weights } => {
                let total: f64 = weights.iter().sum();
                values.iter().zip(weights).map(|(v, w)| v * w).sum::<f64>() / total
            }
            &Dist::Bernoulli { p } => p,
        }
    }

    pub fn variance(&self) -> f64 {
        match self {
            Dist::Fixed(_) => 0.0,
            &Dist::Normal { sd, .. } | &Dist::LogNormal { sd, .. } => sd * sd,
            &Dist::Uniform { min, max } => (max - min) * (max - min) / 12.0,
            &Dist::Triangular { min, mode, max } => {
                (min * min + mode * mode + max * max - min * mode - min * max - mode * max) / 18.0
            }
            &Dist::Pert { min, mode, max } => {
                if min == max {
                    return 0.0;
                }
                let (a, b) = pert_shape(min, mode, max);
                beta_variance(a, b, max - min)
            }
            &Dist::Beta {
                alpha,
                beta,
                min,
                max,
            } => beta_variance(alpha, beta, max - min),
            Dist::Discrete { values, weights } => {
                // Two-pass around the mean to avoid cancellation of E[X²] − E[X]².
                let total: f64 = weights.iter().sum();
                let m = self.mean();
                values
                    .iter()
                    .zip(weights)
                    .map(|(v, w)| w * (v - m) * (v - m))
                    .sum::<f64>()
                    / total
            }
            &Dist::Bernoulli { p } => p * (1.0 - p),
        }
    }

    /// Smallest and largest value the distribution can take.
    pub fn support(&self) -> (f64, f64) {
        match self {
            Dist::Normal { sd, mean } if *sd == 0.0 => (*mean, *mean),
            Dist::Normal { .. } => (f64::NEG_INFINITY, f64::INFINITY),
            Dist::LogNormal { .. } => (0.0, f64::INFINITY),
            _ => (self.quantile(0.0), self.quantile(1.0)),
        }
    }
}

/// Variance of Beta(a, b) scaled to an interval of width `range`.
fn beta_variance(a: f64, b: f64, range: f64) -> f64 {
    let s = a + b;
    range * range * a * b / (s * s * (s + 1.0))
}
