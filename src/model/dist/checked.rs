//! Checked constructors, and a distribution from its family name and named
//! parameters as files write them.

use super::Dist;
use super::family::Family;

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
    /// checked against [`FAMILIES`](super::FAMILIES) first).
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
