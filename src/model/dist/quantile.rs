//! The inverse and the cumulative distribution functions.

use super::normal::{std_normal_cdf, std_normal_quantile};
use super::{Dist, lognormal_sigma, pert_shape};
use statrs::function::beta::{beta_reg, ln_beta};

impl Dist {
    /// Inverse CDF, the generalised inverse `inf{x : F(x) >= p}` for atoms.
    ///
    /// `p` is clamped to [0, 1]; `quantile(0)` is the lower end of the support
    /// (rather than `-inf` for atoms) so a copula uniform of exactly 0 still
    /// maps to a value the distribution can take. Unbounded families return
    /// ±∞ at 0 and 1. Beta and PERT are solved numerically (to ~1e-14
    /// relative), so their monotonicity holds only up to that last digit.
    pub fn quantile(&self, p: f64) -> f64 {
        if p.is_nan() {
            return f64::NAN;
        }
        let p = p.clamp(0.0, 1.0);
        match self {
            Dist::Fixed(v) => *v,
            &Dist::Normal { mean, sd } => {
                if sd == 0.0 {
                    return mean;
                }
                mean + sd * std_normal_quantile(p)
            }
            &Dist::LogNormal { mean, sd } => {
                if sd == 0.0 {
                    return mean;
                }
                let (s, s2) = lognormal_sigma(mean, sd);
                mean * (s * std_normal_quantile(p) - 0.5 * s2).exp()
            }
            &Dist::Uniform { min, max } => min + (max - min) * p,
            &Dist::Triangular { min, mode, max } => {
                if min == max {
                    return min;
                }
                triangular_quantile(min, mode, max, p)
            }
            &Dist::Pert { min, mode, max } => {
                if min == max {
                    return min;
                }
                let (a, b) = pert_shape(min, mode, max);
                min + (max - min) * beta_quantile(a, b, p)
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
                min + (max - min) * beta_quantile(alpha, beta, p)
            }
            Dist::Discrete { values, weights } => {
                // O(k²) over unsorted values avoids allocating a sorted copy on the
                // copula hot path; k is a handful. Using `discrete_cdf` itself as
                // the criterion keeps `cdf(quantile(p)) >= p` exact under rounding.
                let mut best = f64::INFINITY;
                for (&v, &w) in values.iter().zip(weights) {
                    if w > 0.0 && v < best && discrete_cdf(values, weights, v) >= p {
                        best = v;
                    }
                }
                if best.is_finite() {
                    best
                } else {
                    // Unreachable for valid weights; fall back to the top of the support.
                    values
                        .iter()
                        .zip(weights)
                        .filter(|&(_, &w)| w > 0.0)
                        .map(|(&v, _)| v)
                        .fold(f64::NEG_INFINITY, f64::max)
                }
            }
            &Dist::Bernoulli { p: pb } => {
                if p > 1.0 - pb || pb >= 1.0 {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }

    /// Cumulative distribution function `P(X <= x)`.
    pub fn cdf(&self, x: f64) -> f64 {
        if x.is_nan() {
            return f64::NAN;
        }
        // Bounded families test the upper bound first so that min == max gives a
        // right-continuous step instead of dividing by zero.
        match self {
            &Dist::Fixed(v) => step(x, v),
            &Dist::Normal { mean, sd } => {
                if sd == 0.0 {
                    return step(x, mean);
                }
                std_normal_cdf((x - mean) / sd)
            }
            &Dist::LogNormal { mean, sd } => {
                if sd == 0.0 {
                    return step(x, mean);
                }
                if x <= 0.0 {
                    return 0.0;
                }
                let (s, s2) = lognormal_sigma(mean, sd);
                std_normal_cdf(((x / mean).ln() + 0.5 * s2) / s)
            }
            &Dist::Uniform { min, max } => {
                if x >= max {
                    1.0
                } else if x <= min {
                    0.0
                } else {
                    (x - min) / (max - min)
                }
            }
            &Dist::Triangular { min, mode, max } => {
                if x >= max {
                    1.0
                } else if x <= min {
                    0.0
                } else if x <= mode {
                    (x - min) * (x - min) / ((max - min) * (mode - min))
                } else {
                    1.0 - (max - x) * (max - x) / ((max - min) * (max - mode))
                }
            }
            &Dist::Pert { min, mode, max } => {
                if x >= max {
                    return 1.0;
                }
                if x <= min {
                    return 0.0;
                }
                let (a, b) = pert_shape(min, mode, max);
                beta_reg(a, b, ((x - min) / (max - min)).clamp(0.0, 1.0))
            }
            &Dist::Beta {
                alpha,
                beta,
                min,
                max,
            } => {
                if x >= max {
                    return 1.0;
                }
                if x <= min {
                    return 0.0;
                }
                beta_reg(alpha, beta, ((x - min) / (max - min)).clamp(0.0, 1.0))
            }
            Dist::Discrete { values, weights } => discrete_cdf(values, weights, x),
            &Dist::Bernoulli { p } => {
                if x >= 1.0 {
                    1.0
                } else if x >= 0.0 {
                    1.0 - p
                } else {
                    0.0
                }
            }
        }
    }
}

/// Right-continuous unit step at `at`.
fn step(x: f64, at: f64) -> f64 {
    if x >= at { 1.0 } else { 0.0 }
}

/// Closed-form triangular inverse CDF (requires `min < max`).
pub(super) fn triangular_quantile(min: f64, mode: f64, max: f64, p: f64) -> f64 {
    let range = max - min;
    let fc = (mode - min) / range;
    // The clamps stop the two branches from crossing by an ulp at the mode,
    // which would otherwise break monotonicity there.
    if p < fc {
        (min + (p * range * (mode - min)).sqrt()).min(mode)
    } else {
        (max - ((1.0 - p) * range * (max - mode)).sqrt()).max(mode)
    }
}

/// Inverse of the regularised incomplete beta function `I_x(a, b)`.
fn beta_quantile(a: f64, b: f64, p: f64) -> f64 {
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    let m = a / (a + b);
    if p <= beta_reg(a, b, m) {
        beta_lower_quantile(a, b, p, m)
    } else {
        // Mirror the upper half onto a lower tail of Beta(b, a): the solver
        // then always works where ln F is nearly linear in ln x, and 1 − x is
        // resolved to full relative precision before the final subtraction.
        1.0 - beta_lower_quantile(b, a, 1.0 - p, b / (a + b))
    }
}

/// Root of `I_x(a, b) = p` in `(0, hi]`, given `I_hi(a, b) >= p`.
///
/// Newton on ln F against ln x: it is exact for the power-law tail
/// `F ≈ x^a / (a B)` and globally convergent where ln F(e^t) is concave,
/// so p = 1e-300 takes as few steps as the median, where plain Newton in x
/// creeps down by a factor (1 − 1/a) per step. A bracket with geometric
/// bisection catches the remaining cases (a < 1, b < 1, underflow of F).
fn beta_lower_quantile(a: f64, b: f64, p: f64, hi: f64) -> f64 {
    let ln_b = ln_beta(a, b);
    let ln_p = p.ln();
    let (mut lo, mut hi) = (0.0, hi);
    let mut x = ((ln_p + a.ln() + ln_b) / a).exp();
    if x == 0.0 {
        // The root lies below the smallest subnormal.
        return 0.0;
    }
    if x >= hi {
        x = 0.5 * hi;
    }
    // F itself carries ~1e-15 relative rounding noise, so asking for less than
    // a few ulps would only make the iteration chase that noise.
    const TOL: f64 = 16.0 * f64::EPSILON;
    for _ in 0..100 {
        let fx = beta_reg(a, b, x);
        if fx == p {
            return x;
        }
        if fx < p {
            lo = x;
        } else {
            hi = x;
        }
        if hi - lo <= TOL * hi {
            // Bracket down to a few ulps without hitting p (huge density, e.g. a
            // U-shaped beta next to an end): no double does better.
            return hi;
        }
        // With g(t) = ln F(e^t) − ln p: g' is the elasticity e = x f(x) / F(x)
        // and g'' = e (a − (b−1) x/(1−x) − e), so Halley's step costs nothing
        // extra. F == 0 (underflow) gives no slope and falls through to bisection.
        let ln_x = x.ln();
        let ln_fx = fx.ln();
        let e = ((a - 1.0) * ln_x + (b - 1.0) * (-x).ln_1p() - ln_b + ln_x - ln_fx).exp();
        let g = ln_fx - ln_p;
        let newton = g / e;
        let halley = newton / (1.0 - 0.5 * newton * (a - (b - 1.0) * x / (1.0 - x) - e));
        let dt = if halley.is_finite() && halley * newton > 0.0 {
            halley
        } else {
            newton
        };
        let next = x * (-dt).exp();
        if (next - x).abs() <= TOL * x {
            return next;
        }
        x = if next > lo && next < hi {
            next
        } else if lo > 0.0 {
            (lo * hi).sqrt()
        } else {
            0.5 * hi
        };
    }
    x
}

/// `P(X <= x)` for a weighted discrete distribution.
///
/// Summing in index order makes `cdf(max value)` bit-identical to 1, which
/// `quantile(1)` relies on.
fn discrete_cdf(values: &[f64], weights: &[f64], x: f64) -> f64 {
    let mut below = 0.0;
    let mut total = 0.0;
    for (&v, &w) in values.iter().zip(weights) {
        total += w;
        if v <= x {
            below += w;
        }
    }
    below / total
}
