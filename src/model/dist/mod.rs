//! Probability distributions of the model (docs/src/model.md, Distributions).
//!
//! `Dist` is plain data so scenarios can be compared, cloned and serialised
//! without carrying sampler state; the few derived constants a sampler needs
//! are recomputed per draw, which costs a handful of flops and keeps
//! `sample` allocation-free.
//!
//! - `checked`: the checked constructors, parameters by name and why they
//!   can fail;
//! - `family`: the family table scenario files are checked against;
//! - `sample`, `quantile`, `moments`: draws, the inverse and cumulative
//!   distribution functions, mean, variance and support;
//! - `normal`: the standard normal's CDF and quantile, which the copula
//!   uses directly.

mod checked;
mod family;
mod moments;
mod normal;
mod quantile;
mod sample;
#[cfg(test)]
mod tests;

pub use checked::{DistError, Param};
pub use family::{FAMILIES, Family};
pub use normal::{std_normal_cdf, std_normal_quantile};

/// A distribution of the model (docs/src/model.md, Distributions). Build one
/// with a checked constructor ([`Dist::normal`], ..., or [`Dist::new`]), which
/// refuses parameters the samplers cannot honour.
#[derive(Clone, Debug, PartialEq)]
pub enum Dist {
    Fixed(f64),
    Normal {
        mean: f64,
        sd: f64,
    },
    /// natural-units mean and standard deviation of the log-normal variable itself (not of its log)
    LogNormal {
        mean: f64,
        sd: f64,
    },
    Uniform {
        min: f64,
        max: f64,
    },
    Triangular {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// Beta-PERT with the standard lambda = 4
    Pert {
        min: f64,
        mode: f64,
        max: f64,
    },
    /// Beta(alpha, beta) scaled to [min, max]
    Beta {
        alpha: f64,
        beta: f64,
        min: f64,
        max: f64,
    },
    /// values with weights (weights already > 0 sum, not necessarily normalised)
    Discrete {
        values: Vec<f64>,
        weights: Vec<f64>,
    },
    Bernoulli {
        p: f64,
    },
}

/// `(sigma, sigma²)` of the underlying normal, from the natural-units moments.
fn lognormal_sigma(mean: f64, sd: f64) -> (f64, f64) {
    let cv = sd / mean;
    // ln_1p keeps sigma accurate for the small CVs typical of mature pipelines.
    let s2 = (cv * cv).ln_1p();
    (s2.sqrt(), s2)
}

/// Beta shape parameters of a PERT with lambda = 4.
fn pert_shape(min: f64, mode: f64, max: f64) -> (f64, f64) {
    let range = max - min;
    (
        1.0 + 4.0 * (mode - min) / range,
        1.0 + 4.0 * (max - mode) / range,
    )
}
