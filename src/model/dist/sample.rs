//! Drawing one value.

use super::quantile::triangular_quantile;
use super::{Dist, lognormal_sigma, pert_shape};
use rand::{Rng, RngExt};
use rand_distr::{Distribution, StandardNormal};

impl Dist {
    /// Draws one value.
    ///
    /// Point masses (`Fixed`, `sd == 0`, `min == max`) return their value
    /// without consuming randomness: that branch is needed anyway (the
    /// triangular and PERT formulas would divide by zero), and callers cannot
    /// rely on draw-count alignment in any case because the normal and beta
    /// samplers use rejection and consume a variable number of draws. Use
    /// `quantile` with your own uniforms when common random numbers matter.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        match self {
            Dist::Fixed(v) => *v,
            &Dist::Normal { mean, sd } => {
                if sd == 0.0 {
                    return mean;
                }
                let z: f64 = StandardNormal.sample(rng);
                mean + sd * z
            }
            &Dist::LogNormal { mean, sd } => {
                if sd == 0.0 {
                    return mean;
                }
                let (s, s2) = lognormal_sigma(mean, sd);
                let z: f64 = StandardNormal.sample(rng);
                mean * (s * z - 0.5 * s2).exp()
            }
            &Dist::Uniform { min, max } => {
                if min == max {
                    return min;
                }
                min + (max - min) * rng.random::<f64>()
            }
            &Dist::Triangular { min, mode, max } => {
                if min == max {
                    return min;
                }
                triangular_quantile(min, mode, max, rng.random::<f64>())
            }
            &Dist::Pert { min, mode, max } => {
                if min == max {
                    return min;
                }
                let (a, b) = pert_shape(min, mode, max);
                min + (max - min) * beta_sample(a, b, rng)
            }
            &Dist::Beta {
                alpha,
                beta,
                min,
                max,
            } => {
                if min == max {
                    return min;
                }
                min + (max - min) * beta_sample(alpha, beta, rng)
            }
            Dist::Discrete { values, weights } => {
                let total: f64 = weights.iter().sum();
                let target = rng.random::<f64>() * total;
                let mut cum = 0.0;
                for (&v, &w) in values.iter().zip(weights) {
                    cum += w;
                    if target < cum {
                        return v;
                    }
                }
                // `u * total` can round up to `total`; the last positive-weight
                // entry is then the one the scan would have reached.
                values
                    .iter()
                    .zip(weights)
                    .rev()
                    .find(|&(_, &w)| w > 0.0)
                    .map_or(f64::NAN, |(&v, _)| v)
            }
            &Dist::Bernoulli { p } => {
                if rng.random::<f64>() < p {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }
}

/// Standard Beta(a, b) draw via Cheng's algorithms (rand_distr).
fn beta_sample<R: Rng + ?Sized>(a: f64, b: f64, rng: &mut R) -> f64 {
    // Construction is a few flops; invalid shapes cannot occur after validation,
    // but NaN is a better failure mode than a panic inside a parallel simulation.
    debug_assert!(a > 0.0 && b > 0.0, "beta shapes must be positive");
    rand_distr::Beta::new(a, b).map_or(f64::NAN, |d| d.sample(rng))
}
