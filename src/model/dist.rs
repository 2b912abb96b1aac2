//! Probability distributions of the model (docs/src/model.md, Distributions).
//!
//! `Dist` is plain data so scenarios can be compared, cloned and serialised
//! without carrying sampler state; the few derived constants a sampler needs
//! are recomputed per draw, which costs a handful of flops and keeps
//! `sample` allocation-free.

use rand::{Rng, RngExt};
use rand_distr::{Distribution, StandardNormal};
use statrs::function::beta::{beta_reg, ln_beta};

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

/// A distribution family as scenario files write it. This table is the one
/// place the families are known: validation checks names and parameters
/// against it, help texts list it, and the generator writes it.
#[derive(Debug, PartialEq, Eq)]
pub struct Family {
    pub name: &'static str,
    /// Parameters the family takes, in the order files write them.
    pub params: &'static [&'static str],
    /// Parameters it needs.
    pub required: &'static [&'static str],
    /// Parameters of which it needs one (a log-normal's `sd` or `cv`).
    pub one_of: &'static [&'static str],
    /// Parameters that are lists of numbers rather than numbers.
    pub lists: &'static [&'static str],
}

const fn spec(
    name: &'static str,
    params: &'static [&'static str],
    required: &'static [&'static str],
) -> Family {
    Family {
        name,
        params,
        required,
        one_of: &[],
        lists: &[],
    }
}

/// Every family, in the order help texts list them.
pub const FAMILIES: &[Family] = &[
    spec("fixed", &["value"], &["value"]),
    spec("normal", &["mean", "sd"], &["mean", "sd"]),
    Family {
        one_of: &["sd", "cv"],
        ..spec("lognormal", &["mean", "sd", "cv"], &["mean"])
    },
    spec("uniform", &["min", "max"], &["min", "max"]),
    spec(
        "triangular",
        &["min", "mode", "max"],
        &["min", "mode", "max"],
    ),
    spec("pert", &["min", "mode", "max"], &["min", "mode", "max"]),
    spec("beta", &["alpha", "beta", "min", "max"], &["alpha", "beta"]),
    Family {
        lists: &["values", "weights"],
        ..spec("discrete", &["values", "weights"], &["values"])
    },
    spec("bernoulli", &["p"], &["p"]),
];

impl Family {
    pub fn by_name(name: &str) -> Option<&'static Family> {
        FAMILIES.iter().find(|f| f.name == name)
    }

    /// Family names, for help texts and suggestions.
    pub fn names() -> Vec<&'static str> {
        FAMILIES.iter().map(|f| f.name).collect()
    }
}

/// A parameter value given to [`Dist::new`].
#[derive(Clone, Debug, PartialEq)]
pub enum Param {
    Num(f64),
    List(Vec<f64>),
}

/// Why parameters do not make a distribution. The message names the
/// parameter as files write it; [`DistError::param`] says which one is at
/// fault (or none: the distribution as a whole).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DistError {
    #[error("unknown distribution `{0}`")]
    UnknownFamily(String),
    #[error("`{param}` is missing")]
    Missing { param: &'static str },
    #[error("`{param}` must be a finite number, found {value}")]
    NotFinite { param: &'static str, value: f64 },
    #[error("`{param}` must not be negative, found {value}")]
    Negative { param: &'static str, value: f64 },
    #[error("`{param}` must be positive, found {value}")]
    NotPositive { param: &'static str, value: f64 },
    #[error("`{param}` must be a probability between 0 and 1, found {value}")]
    NotProbability { param: &'static str, value: f64 },
    #[error("give either `sd` or `cv` for a lognormal, not both")]
    SdAndCv,
    #[error("uniform needs min <= max, found min {min} > max {max}")]
    UniformOrder { min: f64, max: f64 },
    #[error(
        "{family} needs min <= mode <= max with min < max, found min {min}, mode {mode}, max {max}"
    )]
    ModeOrder {
        family: &'static str,
        min: f64,
        mode: f64,
        max: f64,
    },
    #[error("beta needs min < max, found min {min}, max {max}")]
    BetaRange { min: f64, max: f64 },
    #[error("discrete `weights` has {weights} entries but `values` has {values}")]
    WeightsLength { weights: usize, values: usize },
    #[error("discrete `weights` must be non-negative with a positive sum")]
    BadWeights,
    #[error("discrete `values` must be a non-empty array of finite numbers")]
    BadValues,
}

impl DistError {
    /// The parameter the problem is about; `None` for the whole distribution.
    pub fn param(&self) -> Option<&'static str> {
        match self {
            DistError::Missing { param }
            | DistError::NotFinite { param, .. }
            | DistError::Negative { param, .. }
            | DistError::NotPositive { param, .. }
            | DistError::NotProbability { param, .. } => Some(param),
            DistError::SdAndCv => Some("cv"),
            DistError::UniformOrder { .. } | DistError::ModeOrder { .. } => Some("min"),
            DistError::WeightsLength { .. } | DistError::BadWeights => Some("weights"),
            DistError::BadValues => Some("values"),
            DistError::UnknownFamily(_) | DistError::BetaRange { .. } => None,
        }
    }

    /// What is allowed, where a short rule says it.
    pub fn help(&self) -> Option<String> {
        match self {
            DistError::Negative { param, .. } => Some(format!("allowed: {param} >= 0")),
            DistError::NotPositive { param, .. } => Some(format!("allowed: {param} > 0")),
            DistError::NotProbability { .. } => Some("allowed: 0 <= value <= 1".into()),
            _ => None,
        }
    }
}

fn finite(param: &'static str, value: f64) -> Result<f64, DistError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(DistError::NotFinite { param, value })
    }
}

fn non_negative(param: &'static str, value: f64) -> Result<f64, DistError> {
    if finite(param, value)? < 0.0 {
        Err(DistError::Negative { param, value })
    } else {
        Ok(value)
    }
}

fn positive(param: &'static str, value: f64) -> Result<f64, DistError> {
    if finite(param, value)? <= 0.0 {
        Err(DistError::NotPositive { param, value })
    } else {
        Ok(value)
    }
}

/// Checked constructors: the only way library code builds a [`Dist`].
impl Dist {
    pub fn fixed(value: f64) -> Result<Dist, DistError> {
        Ok(Dist::Fixed(finite("value", value)?))
    }

    pub fn normal(mean: f64, sd: f64) -> Result<Dist, DistError> {
        let mean = finite("mean", mean)?;
        Ok(Dist::Normal {
            mean,
            sd: non_negative("sd", sd)?,
        })
    }

    /// A log-normal by its mean and standard deviation in natural units.
    pub fn lognormal(mean: f64, sd: f64) -> Result<Dist, DistError> {
        let mean = positive("mean", mean)?;
        Ok(Dist::LogNormal {
            mean,
            sd: non_negative("sd", sd)?,
        })
    }

    /// A log-normal by its mean and coefficient of variation.
    pub fn lognormal_cv(mean: f64, cv: f64) -> Result<Dist, DistError> {
        let mean = positive("mean", mean)?;
        Ok(Dist::LogNormal {
            mean,
            sd: mean * non_negative("cv", cv)?,
        })
    }

    pub fn uniform(min: f64, max: f64) -> Result<Dist, DistError> {
        let (min, max) = (finite("min", min)?, finite("max", max)?);
        if min > max {
            return Err(DistError::UniformOrder { min, max });
        }
        Ok(Dist::Uniform { min, max })
    }

    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Dist, DistError> {
        let (min, mode, max) = ordered("triangular", min, mode, max)?;
        Ok(Dist::Triangular { min, mode, max })
    }

    /// Beta-PERT (lambda = 4) on [min, max] with its mode.
    pub fn pert(min: f64, mode: f64, max: f64) -> Result<Dist, DistError> {
        let (min, mode, max) = ordered("pert", min, mode, max)?;
        Ok(Dist::Pert { min, mode, max })
    }

    pub fn beta(alpha: f64, beta: f64, min: f64, max: f64) -> Result<Dist, DistError> {
        let alpha = positive("alpha", alpha)?;
        let beta = positive("beta", beta)?;
        let (min, max) = (finite("min", min)?, finite("max", max)?);
        if min >= max {
            return Err(DistError::BetaRange { min, max });
        }
        Ok(Dist::Beta {
            alpha,
            beta,
            min,
            max,
        })
    }

    /// `values` with `weights` (equal weights when `None`).
    pub fn discrete(values: Vec<f64>, weights: Option<Vec<f64>>) -> Result<Dist, DistError> {
        let weights = match weights {
            Some(w) => {
                if w.len() != values.len() {
                    return Err(DistError::WeightsLength {
                        weights: w.len(),
                        values: values.len(),
                    });
                }
                if w.iter().any(|x| !x.is_finite() || *x < 0.0) || w.iter().sum::<f64>() <= 0.0 {
                    return Err(DistError::BadWeights);
                }
                w
            }
            None => vec![1.0; values.len()],
        };
        if values.is_empty() || values.iter().any(|x| !x.is_finite()) {
            return Err(DistError::BadValues);
        }
        Ok(Dist::Discrete { values, weights })
    }

    pub fn bernoulli(p: f64) -> Result<Dist, DistError> {
        if !(0.0..=1.0).contains(&finite("p", p)?) {
            return Err(DistError::NotProbability {
                param: "p",
                value: p,
            });
        }
        Ok(Dist::Bernoulli { p })
    }

    /// A distribution from its family name and named parameters, as a
    /// scenario writes them. Unknown parameters are ignored here (files are
    /// checked against [`FAMILIES`] first).
    pub fn new(family: &str, params: &[(&str, Param)]) -> Result<Dist, DistError> {
        let fam =
            Family::by_name(family).ok_or_else(|| DistError::UnknownFamily(family.to_string()))?;
        let get = |name: &'static str| params.iter().find(|(k, _)| *k == name).map(|(_, v)| v);
        let num = |name: &'static str| -> Result<Option<f64>, DistError> {
            match get(name) {
                None => Ok(None),
                Some(Param::Num(x)) => Ok(Some(*x)),
                Some(Param::List(_)) => Err(DistError::NotFinite {
                    param: name,
                    value: f64::NAN,
                }),
            }
        };
        let need = |name: &'static str| num(name)?.ok_or(DistError::Missing { param: name });
        let list = |name: &'static str| match get(name) {
            Some(Param::List(l)) => Ok(Some(l.clone())),
            Some(Param::Num(_)) => Err(DistError::BadValues),
            None => Ok(None),
        };
        match fam.name {
            "fixed" => Dist::fixed(need("value")?),
            "normal" => Dist::normal(need("mean")?, need("sd")?),
            "lognormal" => match (num("sd")?, num("cv")?) {
                (Some(_), Some(_)) => Err(DistError::SdAndCv),
                (Some(sd), None) => Dist::lognormal(need("mean")?, sd),
                (None, Some(cv)) => Dist::lognormal_cv(need("mean")?, cv),
                (None, None) => Err(DistError::Missing { param: "sd" }),
            },
            "uniform" => Dist::uniform(need("min")?, need("max")?),
            "triangular" => Dist::triangular(need("min")?, need("mode")?, need("max")?),
            "pert" => Dist::pert(need("min")?, need("mode")?, need("max")?),
            "beta" => Dist::beta(
                need("alpha")?,
                need("beta")?,
                num("min")?.unwrap_or(0.0),
                num("max")?.unwrap_or(1.0),
            ),
            "discrete" => Dist::discrete(
                list("values")?.ok_or(DistError::Missing { param: "values" })?,
                list("weights")?,
            ),
            "bernoulli" => Dist::bernoulli(need("p")?),
            other => Err(DistError::UnknownFamily(other.to_string())),
        }
    }

    /// Named parameters as files write them, in the family's order (a
    /// log-normal by its mean and cv); inverse of [`Dist::new`].
    pub fn params(&self) -> Vec<(&'static str, Param)> {
        use Param::{List, Num};
        match self {
            &Dist::Fixed(v) => vec![("value", Num(v))],
            &Dist::Normal { mean, sd } => vec![("mean", Num(mean)), ("sd", Num(sd))],
            &Dist::LogNormal { mean, sd } => vec![("mean", Num(mean)), ("cv", Num(sd / mean))],
            &Dist::Uniform { min, max } => vec![("min", Num(min)), ("max", Num(max))],
            &Dist::Triangular { min, mode, max } | &Dist::Pert { min, mode, max } => {
                vec![("min", Num(min)), ("mode", Num(mode)), ("max", Num(max))]
            }
            &Dist::Beta {
                alpha,
                beta,
                min,
                max,
            } => vec![
                ("alpha", Num(alpha)),
                ("beta", Num(beta)),
                ("min", Num(min)),
                ("max", Num(max)),
            ],
            Dist::Discrete { values, weights } => vec![
                ("values", List(values.clone())),
                ("weights", List(weights.clone())),
            ],
            &Dist::Bernoulli { p } => vec![("p", Num(p))],
        }
    }
}

fn ordered(
    family: &'static str,
    min: f64,
    mode: f64,
    max: f64,
) -> Result<(f64, f64, f64), DistError> {
    let (min, mode, max) = (
        finite("min", min)?,
        finite("mode", mode)?,
        finite("max", max)?,
    );
    if !(min <= mode && mode <= max && min < max) {
        return Err(DistError::ModeOrder {
            family,
            min,
            mode,
            max,
        });
    }
    Ok((min, mode, max))
}

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

    /// The family's entry in [`FAMILIES`].
    pub fn spec(&self) -> &'static Family {
        &FAMILIES[match self {
            Dist::Fixed(_) => 0,
            Dist::Normal { .. } => 1,
            Dist::LogNormal { .. } => 2,
            Dist::Uniform { .. } => 3,
            Dist::Triangular { .. } => 4,
            Dist::Pert { .. } => 5,
            Dist::Beta { .. } => 6,
            Dist::Discrete { .. } => 7,
            Dist::Bernoulli { .. } => 8,
        }]
    }

    /// Stable family name used in reports and serialised scenarios.
    pub fn family(&self) -> &'static str {
        self.spec().name
    }
}

/// Standard normal CDF, Cody's algorithm (TOMS 715 ANORM, as in R's `pnorm`).
///
/// Cody's rational approximations of the erfc type are evaluated directly in
/// `z` (no `z/√2` rounding) with `exp(-z²/2)` split into an exact and a small
/// part, so the lower tail keeps a few 1e-15 relative precision down to the
/// underflow limit. statrs 0.19's `erfc` is not used: it spells Boost's
/// single-precision interval constants as 10-digit decimals, leaving ~1e-10
/// relative error for x >= 0.5 (fixed upstream in statrs-dev/statrs#412).
// Coefficients are kept digit-for-digit as published so they can be audited.
#[allow(clippy::excessive_precision)]
pub fn std_normal_cdf(z: f64) -> f64 {
    const A: [f64; 5] = [
        2.235_252_035_460_683_928_7,
        1.610_282_310_685_558_788_1e2,
        1.067_689_485_460_370_958_2e3,
        1.815_498_125_334_356_124_9e4,
        6.568_233_791_820_744_911_3e-2,
    ];
    const B: [f64; 4] = [
        4.720_258_190_468_824_187e1,
        9.760_985_517_377_766_932_2e2,
        1.026_093_220_861_897_820_5e4,
        4.550_778_933_502_672_995_6e4,
    ];
    const C: [f64; 9] = [
        3.989_415_120_881_346_676_4e-1,
        8.883_149_794_388_375_941_2,
        9.350_665_613_217_785_597_9e1,
        5.972_702_763_948_002_622_6e2,
        2.494_537_585_290_372_671_1e3,
        6.848_190_450_536_282_332_6e3,
        1.160_265_143_764_735_012_4e4,
        9.842_714_838_383_978_021_8e3,
        1.076_557_677_372_019_231_7e-8,
    ];
    const D: [f64; 8] = [
        2.226_668_804_432_811_569_1e1,
        2.353_879_017_826_249_986_1e2,
        1.519_377_599_407_554_805e3,
        6.485_558_298_266_760_755e3,
        1.861_557_164_088_509_809_1e4,
        3.490_095_272_114_597_726_6e4,
        3.891_200_328_609_327_141_1e4,
        1.968_542_967_685_999_072_7e4,
    ];
    const P: [f64; 6] = [
        2.158_985_340_579_569_9e-1,
        1.274_011_611_602_473_639e-1,
        2.223_527_787_064_980_7e-2,
        1.421_619_193_227_893_466e-3,
        2.911_287_495_116_879_2e-5,
        2.307_344_176_494_017_303e-2,
    ];
    const Q: [f64; 5] = [
        1.284_260_096_144_911_21,
        4.682_382_124_808_651_18e-1,
        6.598_813_786_892_855_15e-2,
        3.782_396_332_027_582_44e-3,
        7.297_515_550_839_662_05e-5,
    ];
    const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_677_939_946_059_934;
    const SQRT_32: f64 = 5.656_854_249_492_380_195_206_754_896_838;

    /// exp(-x²/2) · factor, with x² split so the exponent is exact for the
    /// leading 4 binary digits of x (x² alone would lose ~x² ulps).
    fn gauss_tail(x: f64, factor: f64) -> f64 {
        let xsq = (x * 16.0).trunc() / 16.0;
        let del = (x - xsq) * (x + xsq);
        (-xsq * xsq * 0.5).exp() * (-del * 0.5).exp() * factor
    }

    if z.is_nan() {
        return f64::NAN;
    }
    let y = z.abs();
    if y <= 0.674_489_75 {
        let (mut num, mut den) = (0.0, 0.0);
        if y > 0.5 * f64::EPSILON {
            let zsq = z * z;
            num = A[4] * zsq;
            den = zsq;
            for i in 0..3 {
                num = (num + A[i]) * zsq;
                den = (den + B[i]) * zsq;
            }
        }
        return 0.5 + z * (num + A[3]) / (den + B[3]);
    }
    let upper_tail = if y <= SQRT_32 {
        let mut num = C[8] * y;
        let mut den = y;
        for i in 0..7 {
            num = (num + C[i]) * y;
            den = (den + D[i]) * y;
        }
        gauss_tail(y, (num + C[7]) / (den + D[7]))
    } else if -37.5193 < z && z < 8.2924 {
        let zsq = 1.0 / (z * z);
        let mut num = P[5] * zsq;
        let mut den = zsq;
        for i in 0..4 {
            num = (num + P[i]) * zsq;
            den = (den + Q[i]) * zsq;
        }
        let r = zsq * (num + P[4]) / (den + Q[4]);
        gauss_tail(y, (FRAC_1_SQRT_2PI - r) / y)
    } else {
        0.0
    };
    if z > 0.0 {
        1.0 - upper_tail
    } else {
        upper_tail
    }
}

/// Standard normal quantile, Wichura's AS241 (PPND16).
///
/// AS241 is accurate to ~1e-15 relative across the whole range (checked
/// against mpmath down to p = 1e-307), including the far tails the copula reaches, at the cost of one rational function and
/// at most a `ln` and a `sqrt`. Returns ±∞ at 0 and 1.
// Coefficients are kept digit-for-digit as published so they can be audited.
#[allow(clippy::excessive_precision)]
pub fn std_normal_quantile(p: f64) -> f64 {
    const A: [f64; 8] = [
        3.387_132_872_796_366_608,
        1.331_416_678_917_843_774_5e2,
        1.971_590_950_306_551_442_7e3,
        1.373_169_376_550_946_112_5e4,
        4.592_195_393_154_987_145_7e4,
        6.726_577_092_700_870_085_3e4,
        3.343_057_558_358_812_810_5e4,
        2.509_080_928_730_122_672_7e3,
    ];
    const B: [f64; 8] = [
        1.0,
        4.231_333_070_160_091_125_2e1,
        6.871_870_074_920_579_083_0e2,
        5.394_196_021_424_751_107_7e3,
        2.121_379_430_158_659_586_7e4,
        3.930_789_580_009_271_061_0e4,
        2.872_908_573_572_194_267_4e4,
        5.226_495_278_852_854_561_0e3,
    ];
    const C: [f64; 8] = [
        1.423_437_110_749_683_577_34,
        4.630_337_846_156_545_295_90,
        5.769_497_221_460_691_405_50,
        3.647_848_324_763_204_605_04,
        1.270_458_252_452_368_382_58,
        2.417_807_251_774_506_117_70e-1,
        2.272_384_498_926_918_458_33e-2,
        7.745_450_142_783_414_076_40e-4,
    ];
    const D: [f64; 8] = [
        1.0,
        2.053_191_626_637_758_821_87,
        1.676_384_830_183_803_849_40,
        6.897_673_349_851_000_045_50e-1,
        1.481_039_764_274_800_745_90e-1,
        1.519_866_656_361_645_719_66e-2,
        5.475_938_084_995_344_946_00e-4,
        1.050_750_071_644_416_843_24e-9,
    ];
    const E: [f64; 8] = [
        6.657_904_643_501_103_777_20,
        5.463_784_911_164_114_369_90,
        1.784_826_539_917_291_335_80,
        2.965_605_718_285_048_912_30e-1,
        2.653_218_952_657_612_309_30e-2,
        1.242_660_947_388_078_438_60e-3,
        2.711_555_568_743_487_578_15e-5,
        2.010_334_399_292_288_132_65e-7,
    ];
    const F: [f64; 8] = [
        1.0,
        5.998_322_065_558_879_376_90e-1,
        1.369_298_809_227_358_053_10e-1,
        1.487_536_129_085_061_485_25e-2,
        7.868_691_311_456_132_591_00e-4,
        1.846_318_317_510_054_681_80e-5,
        1.421_511_758_316_445_888_70e-7,
        2.044_263_103_389_939_785_64e-15,
    ];
    fn poly(c: &[f64; 8], x: f64) -> f64 {
        c.iter().rev().fold(0.0, |acc, &k| acc * x + k)
    }

    if p.is_nan() {
        return f64::NAN;
    }
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180_625 - q * q;
        return q * poly(&A, r) / poly(&B, r);
    }
    // Work with the smaller tail probability; 1 - p is exact for p >= 0.5.
    let r = if q < 0.0 { p } else { 1.0 - p };
    let r = (-r.ln()).sqrt();
    let x = if r <= 5.0 {
        let r = r - 1.6;
        poly(&C, r) / poly(&D, r)
    } else {
        let r = r - 5.0;
        poly(&E, r) / poly(&F, r)
    };
    if q < 0.0 { -x } else { x }
}

/// Right-continuous unit step at `at`.
fn step(x: f64, at: f64) -> f64 {
    if x >= at { 1.0 } else { 0.0 }
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

/// Variance of Beta(a, b) scaled to an interval of width `range`.
fn beta_variance(a: f64, b: f64, range: f64) -> f64 {
    let s = a + b;
    range * range * a * b / (s * s * (s + 1.0))
}

/// Closed-form triangular inverse CDF (requires `min < max`).
fn triangular_quantile(min: f64, mode: f64, max: f64, p: f64) -> f64 {
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

/// Standard Beta(a, b) draw via Cheng's algorithms (rand_distr).
fn beta_sample<R: Rng + ?Sized>(a: f64, b: f64, rng: &mut R) -> f64 {
    // Construction is a few flops; invalid shapes cannot occur after validation,
    // but NaN is a better failure mode than a panic inside a parallel simulation.
    debug_assert!(a > 0.0 && b > 0.0, "beta shapes must be positive");
    rand_distr::Beta::new(a, b).map_or(f64::NAN, |d| d.sample(rng))
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

#[cfg(test)]
// Reference values carry all the digits mpmath printed.
#[allow(clippy::excessive_precision)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::ChaCha8Rng;

    const N: usize = 200_000;

    /// A family under test with its mean and variance written out from the
    /// textbook closed forms (independently of `Dist::mean`/`Dist::variance`).
    struct Case {
        dist: Dist,
        mean: f64,
        var: f64,
        continuous: bool,
        seed: u64,
    }

    fn cases() -> Vec<Case> {
        // Beta(α, β) on [lo, hi]: mean lo + (hi−lo)α/(α+β), var (hi−lo)²αβ/((α+β)²(α+β+1)).
        let beta_var = |a: f64, b: f64, w: f64| w * w * a * b / ((a + b).powi(2) * (a + b + 1.0));
        vec![
            Case {
                dist: Dist::Fixed(3.5),
                mean: 3.5,
                var: 0.0,
                continuous: false,
                seed: 1,
            },
            Case {
                dist: Dist::Normal {
                    mean: 10.0,
                    sd: 2.0,
                },
                mean: 10.0,
                var: 4.0,
                continuous: true,
                seed: 2,
            },
            Case {
                // cv = 0.4 → E = 100, Var = (0.4·100)² = 1600.
                dist: Dist::lognormal_cv(100.0, 0.4).unwrap(),
                mean: 100.0,
                var: 1600.0,
                continuous: true,
                seed: 3,
            },
            Case {
                // (a+b)/2 = 2, (b−a)²/12 = 64/12.
                dist: Dist::Uniform {
                    min: -2.0,
                    max: 6.0,
                },
                mean: 2.0,
                var: 64.0 / 12.0,
                continuous: true,
                seed: 4,
            },
            Case {
                // Right-skewed: (a+c+b)/3 = 3, (a²+b²+c²−ab−ac−bc)/18 = (1+4+36−2−6−12)/18.
                dist: Dist::Triangular {
                    min: 1.0,
                    mode: 2.0,
                    max: 6.0,
                },
                mean: 3.0,
                var: 21.0 / 18.0,
                continuous: true,
                seed: 5,
            },
            Case {
                // Right-skewed PERT: α = 1.8, β = 4.2; (a+4c+b)/6 = 3, (μ−a)(b−μ)/7 = 3.
                dist: Dist::Pert {
                    min: 0.0,
                    mode: 2.0,
                    max: 10.0,
                },
                mean: 3.0,
                var: 3.0,
                continuous: true,
                seed: 6,
            },
            Case {
                dist: Dist::Beta {
                    alpha: 2.0,
                    beta: 5.0,
                    min: 10.0,
                    max: 20.0,
                },
                mean: 10.0 + 10.0 * 2.0 / 7.0,
                var: beta_var(2.0, 5.0, 10.0),
                continuous: true,
                seed: 7,
            },
            Case {
                // α < 1: infinite density at the lower end (Cheng's BC sampler,
                // bisection fallback in the quantile).
                dist: Dist::Beta {
                    alpha: 0.5,
                    beta: 2.0,
                    min: 0.0,
                    max: 1.0,
                },
                mean: 0.2,
                var: beta_var(0.5, 2.0, 1.0),
                continuous: true,
                seed: 8,
            },
            Case {
                // Unsorted, unnormalised: E = (5·1 + 1·2 + 2·1)/4 = 9/4,
                // E[X²] = (25 + 2 + 4)/4 = 31/4, Var = 31/4 − 81/16 = 43/16.
                dist: Dist::Discrete {
                    values: vec![5.0, 1.0, 2.0],
                    weights: vec![1.0, 2.0, 1.0],
                },
                mean: 9.0 / 4.0,
                var: 43.0 / 16.0,
                continuous: false,
                seed: 9,
            },
            Case {
                dist: Dist::Bernoulli { p: 0.3 },
                mean: 0.3,
                var: 0.3 * 0.7,
                continuous: false,
                seed: 10,
            },
        ]
    }

    /// Probabilities for the inverse-CDF checks, tails included.
    fn p_grid() -> Vec<f64> {
        let mut ps = vec![1e-12, 1e-9, 1e-6, 1e-4];
        ps.extend((1..1000).map(|k| k as f64 / 1000.0));
        ps.extend([1.0 - 1e-4, 1.0 - 1e-6, 1.0 - 1e-9]);
        ps
    }

    fn assert_close(actual: f64, expected: f64, tol: f64, what: &str) {
        assert!(
            (actual - expected).abs() <= tol,
            "{what}: got {actual:e}, expected {expected:e} (tol {tol:e}, diff {:e})",
            (actual - expected).abs()
        );
    }

    #[test]
    fn closed_form_moments() {
        for c in cases() {
            let scale = c.mean.abs().max(1.0);
            assert_close(c.dist.mean(), c.mean, 1e-12 * scale, c.dist.family());
            assert_close(
                c.dist.variance(),
                c.var,
                1e-12 * c.var.max(1.0),
                c.dist.family(),
            );
        }
    }

    #[test]
    fn sample_moments_match() {
        for c in cases() {
            let d = &c.dist;
            let fam = d.family();
            let mut rng = ChaCha8Rng::seed_from_u64(c.seed);
            let xs: Vec<f64> = (0..N).map(|_| d.sample(&mut rng)).collect();
            let n = N as f64;
            let m = xs.iter().sum::<f64>() / n;
            let m2 = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n;
            let m4 = xs.iter().map(|x| (x - m).powi(4)).sum::<f64>() / n;
            let s2 = m2 * n / (n - 1.0);

            let se_mean = (d.variance() / n).sqrt();
            assert!(
                (m - d.mean()).abs() <= 4.0 * se_mean,
                "{fam}: sample mean {m} vs {} (se {se_mean:e})",
                d.mean()
            );

            let se_var = ((m4 - m2 * m2) / n).sqrt();
            assert!(
                (s2 - d.variance()).abs() <= 4.0 * se_var,
                "{fam}: sample variance {s2} vs {} (se {se_var:e})",
                d.variance()
            );

            // At atoms F(quantile(q)) exceeds q, so compare against F there.
            for q in [0.25, 0.5, 0.75] {
                let x = d.quantile(q);
                let target = if c.continuous { q } else { d.cdf(x) };
                let ecdf = xs.iter().filter(|&&v| v <= x).count() as f64 / n;
                let se = (target * (1.0 - target) / n).sqrt();
                assert!(
                    (ecdf - target).abs() <= 4.0 * se,
                    "{fam}: ECDF at q{q} = {ecdf} vs {target} (se {se:e})"
                );
            }
        }
    }

    #[test]
    fn quantile_inverts_cdf() {
        for c in cases() {
            let d = &c.dist;
            let fam = d.family();
            for p in p_grid() {
                let x = d.quantile(p);
                if c.continuous {
                    assert_close(d.cdf(x), p, 1e-9, &format!("{fam} cdf(quantile({p}))"));
                } else {
                    let tiny = 1e-9 * x.abs().max(1.0);
                    assert!(d.cdf(x) >= p, "{fam}: cdf(quantile({p})) < p");
                    assert!(d.cdf(x - tiny) < p, "{fam}: quantile({p}) not the infimum");
                }
            }
        }
    }

    #[test]
    fn quantile_is_monotone() {
        let mut ps = vec![0.0];
        ps.extend(p_grid());
        ps.push(1.0);
        for c in cases() {
            let qs: Vec<f64> = ps.iter().map(|&p| c.dist.quantile(p)).collect();
            for (w, p) in qs.windows(2).zip(&ps) {
                assert!(
                    w[0] <= w[1],
                    "{}: quantile decreases after p = {p}: {} > {}",
                    c.dist.family(),
                    w[0],
                    w[1]
                );
            }
        }
    }

    #[test]
    fn support_endpoints() {
        let tri = Dist::Triangular {
            min: 1.0,
            mode: 2.0,
            max: 6.0,
        };
        assert_eq!((tri.quantile(0.0), tri.quantile(1.0)), (1.0, 6.0));
        assert_eq!(tri.quantile(-3.0), 1.0, "p is clamped");
        let n = Dist::Normal { mean: 0.0, sd: 1.0 };
        assert_eq!(n.quantile(0.0), f64::NEG_INFINITY);
        assert_eq!(n.quantile(1.0), f64::INFINITY);
        assert_eq!(Dist::lognormal_cv(5.0, 0.2).unwrap().quantile(0.0), 0.0);
        let disc = Dist::Discrete {
            values: vec![5.0, 1.0, 2.0, 0.0],
            weights: vec![1.0, 2.0, 1.0, 0.0],
        };
        assert_eq!(
            disc.quantile(0.0),
            1.0,
            "zero-weight value is not in the support"
        );
        assert_eq!(disc.quantile(1.0), 5.0);
        assert_eq!(disc.cdf(0.0), 0.0);
        assert_eq!(Dist::Bernoulli { p: 1.0 }.quantile(0.0), 1.0);
        assert_eq!(Dist::Bernoulli { p: 0.0 }.quantile(1.0), 0.0);
    }

    #[test]
    fn beta_cdf_and_quantile_match_polynomial_closed_form() {
        // Beta(2, 3): F(x) = 6x² − 8x³ + 3x⁴; PERT(0, 2.5, 10) is Beta(2, 4):
        // F(x) = 10x² − 20x³ + 15x⁴ − 4x⁵.
        let beta = Dist::Beta {
            alpha: 2.0,
            beta: 3.0,
            min: 0.0,
            max: 1.0,
        };
        let pert = Dist::Pert {
            min: 0.0,
            mode: 2.5,
            max: 10.0,
        };
        for k in 1..100 {
            let x = k as f64 / 100.0;
            let fb = 6.0 * x.powi(2) - 8.0 * x.powi(3) + 3.0 * x.powi(4);
            let fp = 10.0 * x.powi(2) - 20.0 * x.powi(3) + 15.0 * x.powi(4) - 4.0 * x.powi(5);
            assert_close(beta.cdf(x), fb, 1e-13, "beta cdf");
            assert_close(pert.cdf(10.0 * x), fp, 1e-13, "pert cdf");
            // Relative accuracy of the quantile, not just of the round trip.
            assert_close(beta.quantile(fb), x, 1e-10 * x, "beta quantile");
            assert_close(
                pert.quantile(fp),
                10.0 * x,
                1e-10 * 10.0 * x,
                "pert quantile",
            );
        }
    }

    #[test]
    fn beta_quantile_tails_match_closed_forms() {
        // Beta(2, 1): F = x², Beta(1, 2): F = 1 − (1−x)²; together they cover
        // both the direct and the mirrored branch, down to p = 1e-300.
        let b21 = Dist::Beta {
            alpha: 2.0,
            beta: 1.0,
            min: 0.0,
            max: 1.0,
        };
        let b12 = Dist::Beta {
            alpha: 1.0,
            beta: 2.0,
            min: 0.0,
            max: 1.0,
        };
        let mut ps = vec![1e-300, 1e-100, 1e-30, 1e-12, 1e-6];
        ps.extend((1..100).map(|k| k as f64 / 100.0));
        ps.extend([1.0 - 1e-6, 1.0 - 1e-12]);
        for p in ps {
            assert_close(b21.quantile(p), p.sqrt(), 1e-13 * p.sqrt(), "Beta(2,1)");
            let x = -(0.5 * (-p).ln_1p()).exp_m1(); // 1 − sqrt(1 − p) without cancellation
            assert_close(b12.quantile(p), x, 1e-13 * x, "Beta(1,2)");
        }
        // Power-law tail of Beta(2, 5) (B = 1/30): F ≈ 15 x² for x ≈ 1e-151.
        let b25 = Dist::Beta {
            alpha: 2.0,
            beta: 5.0,
            min: 0.0,
            max: 1.0,
        };
        let x = (1e-300_f64 / 15.0).sqrt();
        assert_close(b25.quantile(1e-300), x, 1e-13 * x, "Beta(2,5) far tail");
    }

    #[test]
    fn lognormal_closed_forms() {
        let (mean, cv) = (100.0, 0.4);
        let d = Dist::lognormal_cv(mean, cv).unwrap();
        assert_eq!(d, Dist::LogNormal { mean, sd: 40.0 });
        // Median exp(μ) = mean / sqrt(1 + cv²).
        let median = mean / (1.0 + cv * cv).sqrt();
        assert_close(d.quantile(0.5), median, 1e-12 * median, "lognormal median");
        assert_close(d.cdf(median), 0.5, 1e-15, "lognormal cdf at median");
    }

    #[test]
    fn point_masses_are_constant() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let degenerate = [
            Dist::Fixed(7.0),
            Dist::Normal { mean: 7.0, sd: 0.0 },
            Dist::LogNormal { mean: 7.0, sd: 0.0 },
            Dist::lognormal_cv(7.0, 0.0).unwrap(),
            Dist::Uniform { min: 7.0, max: 7.0 },
            Dist::Triangular {
                min: 7.0,
                mode: 7.0,
                max: 7.0,
            },
            Dist::Pert {
                min: 7.0,
                mode: 7.0,
                max: 7.0,
            },
            Dist::Beta {
                alpha: 2.0,
                beta: 3.0,
                min: 7.0,
                max: 7.0,
            },
        ];
        for d in &degenerate {
            let fam = d.family();
            for _ in 0..10 {
                assert_eq!(d.sample(&mut rng), 7.0, "{fam}");
            }
            for p in [0.0, 0.3, 1.0] {
                assert_eq!(d.quantile(p), 7.0, "{fam}");
            }
            assert_eq!((d.cdf(7.0 - 1e-12), d.cdf(7.0)), (0.0, 1.0), "{fam}");
            assert_eq!((d.mean(), d.variance()), (7.0, 0.0), "{fam}");
        }
        // Point masses leave the stream untouched.
        let mut a = ChaCha8Rng::seed_from_u64(12);
        let mut b = ChaCha8Rng::seed_from_u64(12);
        Dist::Normal { mean: 1.0, sd: 0.0 }.sample(&mut a);
        assert_eq!(a.random::<u64>(), b.random::<u64>());
    }

    #[test]
    fn family_names() {
        let names: Vec<&str> = cases().iter().map(|c| c.dist.family()).collect();
        assert_eq!(
            names,
            [
                "fixed",
                "normal",
                "lognormal",
                "uniform",
                "triangular",
                "pert",
                "beta",
                "beta",
                "discrete",
                "bernoulli"
            ]
        );
    }

    #[test]
    fn std_normal_quantile_known_values() {
        // Reference values from 40-digit mpmath.
        let known = [
            (0.5, 0.0),
            (0.25, -0.674_489_750_196_081_743_2),
            (0.9, 1.281_551_565_544_600_467),
            (0.95, 1.644_853_626_951_472_715),
            (0.975, 1.959_963_984_540_054_236),
            (0.99, 2.326_347_874_040_841_101),
            (0.999, 3.090_232_306_167_813_542),
            (1e-10, -6.361_340_902_404_056_205),
            (1e-20, -9.262_340_089_798_407_574),
        ];
        for (p, z) in known {
            assert_close(
                std_normal_quantile(p),
                z,
                4.0 * f64::EPSILON * z.abs().max(1.0),
                &format!("quantile({p})"),
            );
        }
        // Exact symmetry where 1 − p is representable.
        for k in 2..=53 {
            let p = 0.5f64.powi(k);
            assert_eq!(std_normal_quantile(1.0 - p), -std_normal_quantile(p));
        }
        assert!(std_normal_quantile(f64::MIN_POSITIVE).is_finite());
        // Round trip with relative accuracy deep in the lower tail.
        for p in [1e-300, 1e-100, 1e-30, 1e-15, 1e-5, 0.1, 0.3] {
            let rt = std_normal_cdf(std_normal_quantile(p));
            assert_close(rt, p, 1e-12 * p, &format!("cdf(quantile({p}))"));
        }
    }

    #[test]
    fn std_normal_cdf_known_values() {
        // Reference values from 40-digit mpmath.
        let known = [
            (0.0, 0.5),
            (0.3, 0.617_911_422_188_952_633_1),
            (1.0, 0.841_344_746_068_542_948_6),
            (-1.0, 0.158_655_253_931_457_051_4),
            (1.96, 0.975_002_104_851_779_563_8),
            (-5.0, 2.866_515_718_791_939_117e-7),
            (-10.0, 7.619_853_024_160_526_066e-24),
            (-20.0, 2.753_624_118_606_233_695e-89),
            (-37.0, 5.725_571_222_524_576_823e-300),
        ];
        for (z, p) in known {
            // Absolute 1e-15 in the body, and relative accuracy in the lower tail.
            let tol = 1e-15_f64.min(1e-12 * p);
            assert_close(std_normal_cdf(z), p, tol, &format!("cdf({z})"));
        }
        assert_eq!(std_normal_cdf(f64::NEG_INFINITY), 0.0);
        assert_eq!(std_normal_cdf(f64::INFINITY), 1.0);
    }
}
