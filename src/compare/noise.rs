//! Whether a change is beyond noise: deltas with their standard errors
//! and adjusted p-values, or the reason a delta has none.

use super::metrics::{lookup, se_of};
use crate::model::dist::std_normal_cdf;
use crate::stats::{Adjust, adjusted};
use serde::Serialize;
use serde_json::Value;

/// The level every test (after adjustment) is judged at.
pub const LEVEL: f64 = 0.05;

/// Why a delta has no standard error (and is never called significant).
#[derive(Clone, Copy, Debug, Serialize, PartialEq, Eq)]
pub enum Untested {
    /// A quantile or tail measure: no simple standard error.
    Quantile,
    /// A mean or probability whose standard error neither side gives.
    NotPublished,
    /// Anything else (a spread, a quota, a setting).
    NoSe,
}

impl Untested {
    pub fn label(self) -> &'static str {
        match self {
            Untested::Quantile => "no SE: quantile",
            Untested::NotPublished => "no SE published",
            Untested::NoSe => "no SE",
        }
    }

    fn of(metric: &str) -> Untested {
        let last = metric.rsplit('.').next().unwrap_or(metric);
        if QUANTILES.contains(&last) {
            Untested::Quantile
        } else if last == "mean" || last.starts_with("p_") {
            Untested::NotPublished
        } else {
            Untested::NoSe
        }
    }
}

/// Last path segments that name quantiles or tail measures.
pub(super) const QUANTILES: &[&str] = &[
    "p5", "p10", "p25", "p50", "p75", "p90", "p95", "var95", "cvar95",
];

/// How a delta stands against noise.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub enum Noise {
    /// Tested: its standard error (paired per trial, or the two sides'
    /// combined as independent), the two-sided p-value and the p-value
    /// adjusted across the family of tested metrics.
    Tested {
        se: f64,
        paired: bool,
        p: f64,
        p_adjusted: f64,
    },
    /// Not tested; never significant.
    Untested(Untested),
}

/// A metric compared between base and candidate.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Delta {
    pub metric: String,
    pub base: f64,
    pub candidate: f64,
    pub delta: f64,
    pub noise: Noise,
    /// Adjusted p-value at most [`LEVEL`] and a non-zero delta (false when
    /// untested).
    pub significant: bool,
}

impl Delta {
    /// The standard error of the delta, when known.
    pub fn se(&self) -> Option<f64> {
        match self.noise {
            Noise::Tested { se, .. } => Some(se),
            Noise::Untested(_) => None,
        }
    }
}

/// Two-sided p-value of `delta` against a normal error with `se`; a zero
/// delta is never significant, a non-zero one with zero error always is.
pub(super) fn p_value(delta: f64, se: f64) -> f64 {
    if delta == 0.0 {
        1.0
    } else if se == 0.0 {
        0.0
    } else {
        (2.0 * std_normal_cdf(-(delta / se).abs())).min(1.0)
    }
}

/// Deltas of `metrics`, with significance adjusted across the tested ones.
/// `se` gives a metric's standard error and whether it is paired (per-trial
/// differences under common random numbers); without one the two
/// published standard errors combine as if independent, and without those
/// the metric is shown untested.
pub fn deltas(
    base: &Value,
    candidate: &Value,
    metrics: &[String],
    se: &dyn Fn(&str) -> Option<(f64, bool)>,
    adjust: Adjust,
) -> Vec<Delta> {
    let mut out: Vec<Delta> = metrics
        .iter()
        .filter_map(|m| {
            let (a, b) = (lookup(base, m)?, lookup(candidate, m)?);
            let delta = b - a;
            let known = se(m)
                .or_else(|| {
                    Some((
                        (se_of(base, m)?.powi(2) + se_of(candidate, m)?.powi(2)).sqrt(),
                        false,
                    ))
                })
                .filter(|(s, _)| s.is_finite());
            let noise = match known {
                Some((s, paired)) => Noise::Tested {
                    se: s,
                    paired,
                    p: p_value(delta, s),
                    p_adjusted: 1.0,
                },
                None => Noise::Untested(Untested::of(m)),
            };
            Some(Delta {
                metric: m.clone(),
                base: a,
                candidate: b,
                delta,
                noise,
                significant: false,
            })
        })
        .collect();
    let ps: Vec<f64> = out
        .iter()
        .filter_map(|d| match d.noise {
            Noise::Tested { p, .. } => Some(p),
            Noise::Untested(_) => None,
        })
        .collect();
    let mut adj = adjusted(&ps, adjust).into_iter();
    for d in &mut out {
        if let Noise::Tested { p_adjusted, .. } = &mut d.noise {
            *p_adjusted = adj.next().expect("one per tested delta");
            d.significant = *p_adjusted <= LEVEL && d.delta != 0.0;
        }
    }
    out
}

/// A p-value for people: 4 decimals near 0, else 2; "< 0.0001" below it.
pub fn fmt_p(p: f64) -> String {
    if p < 1e-4 {
        "< 0.0001".into()
    } else if p < 0.01 {
        format!("{p:.4}")
    } else {
        format!("{p:.2}")
    }
}
