//! Comparing two results for CI: deltas of headline metrics, whether each
//! is beyond noise, and gates that decide pass or fail. Works on
//! `summary.json` values; when both sides were simulated here with the same
//! seed, sampler and trials, paired per-trial differences give the (much
//! smaller) common-random-numbers standard error of every mean and
//! probability that has per-trial values.
//!
//! Every delta with a standard error is a test; the family of tests is
//! adjusted for multiple comparisons ([`Adjust`], Holm by default), so
//! comparing a plan with itself under another seed rarely flags anything.
//! Quantiles (p10, p50, VaR, CVaR, ...) have no simple standard error: they
//! are shown, never called significant, and a gate on one compares the
//! raw change and says it is not noise-protected.

mod gate;
mod metrics;
mod noise;
mod side;
mod suite;
#[cfg(test)]
mod tests;

pub use crate::stats::Adjust;
pub use gate::{Gate, GateError, GateResult, gates};
pub use metrics::{CompareError, default_metrics, lookup, metric_names, suggest};
pub use noise::{Delta, LEVEL, Noise, Untested, deltas, fmt_p};
pub use side::{GroupMembers, RepSeries, Side, Trials};
pub use suite::{Case, Outcome, Suite};

use crate::engine::MAX_KEPT_BYTES;
use crate::stats::paired_se;
use metrics::{known_groups, se_of};
use serde_json::Value;

/// The deltas and gate verdicts between two sides, and how they were
/// judged.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub deltas: Vec<Delta>,
    pub gates: Vec<GateResult>,
    pub adjust: Adjust,
    /// Whether the standard errors are paired per trial (both sides
    /// simulated here with the same seed, sampler and trials).
    pub paired: bool,
    /// What a reader needs to know about how noise was judged.
    pub notes: Vec<String>,
}

impl Comparison {
    pub fn passed(&self) -> bool {
        self.gates.iter().all(|g| g.passed)
    }

    /// Deltas with a standard error (the family the adjustment covers).
    pub fn tested(&self) -> usize {
        self.deltas
            .iter()
            .filter(|d| matches!(d.noise, Noise::Tested { .. }))
            .count()
    }

    /// One sentence on how many metrics were tested, at what level, and
    /// with which adjustment.
    pub fn method(&self) -> String {
        let (m, all) = (self.tested(), self.deltas.len());
        let paired = if self.paired {
            "standard errors from paired per-trial differences (common random numbers)"
        } else {
            "standard errors of independent runs"
        };
        let adjust = match self.adjust {
            Adjust::None => {
                let any = 1.0 - (1.0 - LEVEL).powi(m as i32);
                format!(
                    "each at the 5 % level without adjustment (identical plans would show a false flag somewhere up to {:.0} % of the time)",
                    100.0 * any
                )
            }
            a => format!(
                "at the 5 % level, {}-adjusted across them (the chance of any false flag is at most 5 %)",
                a.name()
            ),
        };
        format!("{m} of {all} metrics tested for noise, {adjust}; {paired}.")
    }
}

/// Compares `candidate` with `base`: the default metrics, `extra` ones and
/// every metric a gate names (each must exist: see [`check_metrics`]).
/// When both sides were simulated here with the same seed, sampler and
/// trials, every metric with per-trial values gets a paired
/// (common-random-numbers) standard error: the team's mean sales,
/// attainment and P(hit), total payout, and, when the runs kept them, each
/// rep's P(attain), mean sales and mean payout and the reps at quota.
pub fn compare(
    base: &Side,
    candidate: &Side,
    extra: &[String],
    gates: &[Gate],
    adjust: Adjust,
) -> Result<Comparison, CompareError> {
    check_metrics(&base.summary, &candidate.summary, extra, gates)?;
    let mut metrics = default_metrics(&base.summary, &candidate.summary);
    for m in extra
        .iter()
        .map(String::as_str)
        .chain(gates.iter().map(Gate::metric))
    {
        if !metrics.iter().any(|x| x == m) {
            metrics.push(m.to_string());
        }
    }
    let mut notes = Vec::new();
    let pair = match (&base.trials, &candidate.trials) {
        (Some(x), Some(y)) if x.pairs_with(y) => Some((x, y)),
        (Some(x), Some(y)) => {
            notes.push(format!(
                "The sides were simulated with different random numbers (seed {} and {}, {} and {} trials): standard errors are those of independent runs.",
                x.seed, y.seed, x.n, y.n
            ));
            None
        }
        _ => {
            notes.push(
                "A summary.json keeps no per-trial values: standard errors are those of independent runs (conservative when both came from the same seed)."
                    .into(),
            );
            None
        }
    };
    for (name, side) in [("base", base), ("candidate", candidate)] {
        if let Some(d) = side.summary.get("rep_digest") {
            notes.push(format!(
                "The {name}'s summary lists only the worst and best {} of its {} reps: per-rep rows cover the reps listed on both sides (every rep's figures are in reps.csv and rep_quarters.csv).",
                side.summary["reps"].as_array().map_or(0, Vec::len) / 2,
                d["count"]
            ));
        }
        if let Some(bytes) = side.trials.as_ref().and_then(|t| t.reps_too_large) {
            notes.push(format!(
                "Per-rep trials of the {name} were not kept: they would take {:.1} GiB, above the {} GiB bound; per-rep metrics and reps at quota use unpaired standard errors.",
                bytes as f64 / f64::from(1u32 << 30),
                MAX_KEPT_BYTES >> 30
            ));
        }
    }
    let se = |metric: &str| -> Option<(f64, bool)> {
        if let Some((x, y)) = pair
            && let (Some(a), Some(b)) = (x.series(metric), y.series(metric))
        {
            return Some((paired_se(&a, &b), true));
        }
        // Unpaired: each side's own error (published, else from its trials).
        let own =
            |s: &Side| se_of(&s.summary, metric).or_else(|| s.trials.as_ref()?.own_se(metric));
        Some(((own(base)?.powi(2) + own(candidate)?.powi(2)).sqrt(), false))
    };
    let deltas = deltas(&base.summary, &candidate.summary, &metrics, &se, adjust);
    if deltas
        .iter()
        .any(|d| matches!(d.noise, Noise::Untested(Untested::Quantile)))
    {
        notes.push(
            "Quantile rows (p10, p50, VaR, CVaR) have no simple standard error: they are shown, never called significant, and a gate on one compares the raw change (not noise-protected)."
                .into(),
        );
    }
    let gates = self::gates(gates, &candidate.summary, &deltas, adjust);
    Ok(Comparison {
        deltas,
        gates,
        adjust,
        paired: pair.is_some(),
        notes,
    })
}

/// Checks that every metric asked for (extras and gates) exists: on both
/// sides for a delta or a change gate, on the candidate for `--fail-if`.
pub fn check_metrics(
    base: &Value,
    candidate: &Value,
    extra: &[String],
    gates: &[Gate],
) -> Result<(), CompareError> {
    let both = extra.iter().map(String::as_str).chain(
        gates
            .iter()
            .filter(|g| !matches!(g, Gate::FailIf { .. }))
            .map(Gate::metric),
    );
    let unknown = |metric: &str, v: &Value| {
        CompareError::UnknownMetric {
        metric: metric.to_string(),
        help: match (known_groups(metric, v), suggest(metric, v)) {
            (Some(g), _) => g,
            (None, Some(s)) => format!(" (did you mean `{s}`?)"),
            (None, None) => "; metrics are dotted paths into summary.json, e.g. team.p_hit_target, team.sales.p10, reps.R01.p_attain or groups.region.East.p_hit".to_string(),
        },
    }
    };
    for m in both {
        for (v, side) in [(base, "base"), (candidate, "candidate")] {
            not_listed(v, m, side)?;
        }
        match (lookup(base, m).is_some(), lookup(candidate, m).is_some()) {
            (true, true) => {}
            (false, false) => return Err(unknown(m, candidate)),
            (false, true) => {
                return Err(CompareError::OneSided {
                    metric: m.to_string(),
                    missing: "base",
                    other: "candidate",
                });
            }
            (true, false) => {
                return Err(CompareError::OneSided {
                    metric: m.to_string(),
                    missing: "candidate",
                    other: "base",
                });
            }
        }
    }
    for g in gates {
        if let Gate::FailIf { metric, .. } = g
            && lookup(candidate, metric).is_none()
        {
            not_listed(candidate, metric, "candidate")?;
            return Err(unknown(metric, candidate));
        }
    }
    Ok(())
}

/// A per-rep metric of a rep that `v`, a summary that does not list
/// every rep, leaves out.
fn not_listed(v: &Value, metric: &str, side: &'static str) -> Result<(), CompareError> {
    let Some(digest) = v.get("rep_digest") else {
        return Ok(());
    };
    if !metric.starts_with("reps.") || lookup(v, metric).is_some() {
        return Ok(());
    }
    let what = metric.splitn(3, '.').nth(2).unwrap_or("p_attain");
    let listed = v["reps"].as_array().map_or(0, Vec::len);
    Err(CompareError::NotListed {
        metric: metric.to_string(),
        side,
        count: digest["count"].as_u64().unwrap_or(0) as usize,
        listed_up_to: digest["listed_up_to"].as_u64().unwrap_or(0) as usize,
        listed: listed / 2,
        example: format!(
            "reps.{}.{what}",
            v["reps"][0]["id"].as_str().unwrap_or("R01")
        ),
    })
}
