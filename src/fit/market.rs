//! The team's trend and its market shock. The team total (of units sold to
//! in every full year, so that won and lost accounts do not pass for
//! growth) is fitted with a log-linear trend; its year-to-year deviations
//! around the trend, less what unit noise explains, are the market shock.
//! Few years say little about a spread: the shock's variance is combined
//! with a prior (sd 0.05, worth 2 years of evidence), and with 2-4 years the
//! prior dominates; the report says so. The shock written into the
//! scenario is predictive: it also carries the uncertainty of the trend's
//! projection to the year after the history.

use super::Estimate;
use super::panel::Panel;

/// The prior on the market shock's sd and its weight in years.
pub const PRIOR_SD: f64 = 0.05;
pub const PRIOR_YEARS: f64 = 2.0;

pub struct Trend {
    /// Growth per year, log.
    pub growth: Estimate,
    /// Team index per block (sum of the panel units' totals).
    pub index: Vec<f64>,
    /// The trend's index for the year after the history.
    pub next: f64,
    /// Log residuals around the trend, per block.
    pub residuals: Vec<f64>,
}

pub fn trend(p: &Panel) -> Trend {
    let t = p.blocks;
    let in_all: Vec<usize> = (0..p.units)
        .filter(|&u| (0..t).all(|k| p.active(u, k)))
        .collect();
    let panel_units = in_all.len();
    let members: Vec<usize> = if in_all.is_empty() {
        (0..p.units).collect()
    } else {
        in_all
    };
    let index: Vec<f64> = (0..t)
        .map(|k| {
            members
                .iter()
                .map(|&u| p.total(u, k).max(0.0))
                .sum::<f64>()
                .max(1e-9)
        })
        .collect();
    let logs: Vec<f64> = index.iter().map(|x| x.ln()).collect();
    let kbar = (t as f64 - 1.0) / 2.0;
    let lbar = logs.iter().sum::<f64>() / t as f64;
    let sxx: f64 = (0..t).map(|k| (k as f64 - kbar).powi(2)).sum();
    let b = if t >= 2 {
        (0..t)
            .map(|k| (k as f64 - kbar) * (logs[k] - lbar))
            .sum::<f64>()
            / sxx
    } else {
        0.0
    };
    let a = lbar - b * kbar;
    let residuals: Vec<f64> = (0..t).map(|k| logs[k] - a - b * k as f64).collect();
    let df = t.saturating_sub(2) as f64;
    let s2 = if df > 0.0 {
        residuals.iter().map(|r| r * r).sum::<f64>() / df
    } else {
        PRIOR_SD * PRIOR_SD
    };
    let se_b = if t >= 2 { (s2 / sxx).sqrt() } else { f64::NAN };
    Trend {
        growth: Estimate {
            value: b,
            se: se_b,
            n: t,
            method: format!(
                "log-linear trend of the total of the {panel_units} units sold to in every full year, over {t} year(s)"
            ),
        },
        next: (a + b * t as f64).exp(),
        index,
        residuals,
    }
}

/// The market shock's sd: residual variance less `noise` (the variance
/// of the team's log total that unit-level noise explains), combined with
/// the prior.
pub fn shock(tr: &Trend, noise: f64) -> Estimate {
    let t = tr.residuals.len();
    let df = t.saturating_sub(2) as f64;
    let s2 = if df > 0.0 {
        (tr.residuals.iter().map(|r| r * r).sum::<f64>() / df - noise).max(0.0)
    } else {
        0.0
    };
    let post = (PRIOR_YEARS * PRIOR_SD * PRIOR_SD + df * s2) / (PRIOR_YEARS + df);
    // Next year's level is the trend projected one year past the data, and
    // that projection is itself uncertain: the forecast's shock carries the
    // prediction variance of a regression, (1/t + (t - kbar)^2 / Sxx) times
    // the year-to-year variance, on top of the new year's own shock.
    let tf = t as f64;
    let kbar = (tf - 1.0) / 2.0;
    let sxx: f64 = (0..t).map(|k| (k as f64 - kbar).powi(2)).sum();
    let h = if t >= 2 {
        1.0 / tf + (tf - kbar).powi(2) / sxx
    } else {
        1.0
    };
    let sd = (post + (post + noise) * h).sqrt();
    Estimate {
        value: sd,
        se: sd / (2.0 * (PRIOR_YEARS + df)).sqrt(),
        n: t,
        method: format!(
            "sd of the team total around its trend ({t} year(s), {df:.0} degree(s) of freedom, less unit noise), with a prior sd {PRIOR_SD} worth {PRIOR_YEARS:.0} years, widened by the uncertainty of the trend projected to next year (x{:.2}){}",
            (1.0 + h * (1.0 + noise / post.max(1e-12))).sqrt(),
            if df < 5.0 {
                ": few years, the prior weighs heavily"
            } else {
                ""
            }
        ),
    }
}
