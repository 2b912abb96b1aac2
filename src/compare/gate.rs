//! Gates: the conditions CI fails on (`--fail-if`, `--max-drop`,
//! `--max-rise`) and their verdicts.

use super::metrics::lookup;
use super::noise::{Delta, Noise, fmt_p};
use crate::stats::Adjust;
use serde::Serialize;
use serde_json::Value;

/// A gate's verdict (or a check's case that could not be judged).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct GateResult {
    pub gate: String,
    pub passed: bool,
    pub detail: String,
    /// The case could not be run (an error, not a failed gate).
    pub error: bool,
}

impl GateResult {
    /// A case that failed for a reason other than a gate (e.g. no baseline).
    pub fn failed(gate: &str, detail: String) -> GateResult {
        GateResult {
            gate: gate.to_string(),
            passed: false,
            detail,
            error: false,
        }
    }

    /// A case that could not be run.
    pub fn errored(gate: &str, detail: String) -> GateResult {
        GateResult {
            error: true,
            ..GateResult::failed(gate, detail)
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Gate {
    /// `metric < value` (or >, <=, >=) on the candidate fails.
    FailIf {
        metric: String,
        op: String,
        value: f64,
    },
    /// A drop of the metric by more than `by`, beyond noise, fails.
    MaxDrop { metric: String, by: f64 },
    /// A rise of the metric by more than `by`, beyond noise, fails.
    MaxRise { metric: String, by: f64 },
}

/// Why a gate could not be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum GateError {
    #[error("`{text}`: `{value}` is not a number")]
    NotANumber { text: String, value: String },
    #[error(
        "`{0}` is not a condition; write e.g. 'team.p_hit_target < 0.6' (operators <, <=, >, >=)"
    )]
    NotACondition(String),
    #[error("`{0}`: write metric=amount, e.g. team.p_hit_target=0.02")]
    NotAChange(String),
}

impl Gate {
    /// `team.p_hit_target < 0.6` for --fail-if; `team.p_hit_target=0.02` for --max-drop/--max-rise.
    pub fn fail_if(s: &str) -> Result<Gate, GateError> {
        for op in ["<=", ">=", "<", ">"] {
            if let Some((m, v)) = s.split_once(op) {
                let value = v.trim().parse::<f64>().map_err(|_| GateError::NotANumber {
                    text: s.to_string(),
                    value: v.trim().to_string(),
                })?;
                return Ok(Gate::FailIf {
                    metric: m.trim().to_string(),
                    op: op.to_string(),
                    value,
                });
            }
        }
        Err(GateError::NotACondition(s.to_string()))
    }

    pub fn max_change(s: &str, drop: bool) -> Result<Gate, GateError> {
        let (m, v) = s
            .split_once('=')
            .ok_or_else(|| GateError::NotAChange(s.to_string()))?;
        let by = v.trim().parse::<f64>().map_err(|_| GateError::NotANumber {
            text: s.to_string(),
            value: v.trim().to_string(),
        })?;
        let metric = m.trim().to_string();
        Ok(if drop {
            Gate::MaxDrop { metric, by }
        } else {
            Gate::MaxRise { metric, by }
        })
    }

    /// The metric the gate reads.
    pub fn metric(&self) -> &str {
        match self {
            Gate::FailIf { metric, .. }
            | Gate::MaxDrop { metric, .. }
            | Gate::MaxRise { metric, .. } => metric,
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Gate::FailIf { metric, op, value } => format!("fail if {metric} {op} {value}"),
            Gate::MaxDrop { metric, by } => format!("max drop of {metric}: {by}"),
            Gate::MaxRise { metric, by } => format!("max rise of {metric}: {by}"),
        }
    }
}

/// Evaluates the gates against the deltas (every metric a gate names must
/// have one, see [`compare`]): `--max-drop`/`--max-rise` on a tested metric
/// fail only beyond noise (adjusted); on an untested one (a quantile) they
/// compare the raw change and say so.
pub fn gates(
    gates: &[Gate],
    candidate: &Value,
    deltas: &[Delta],
    adjust: Adjust,
) -> Vec<GateResult> {
    gates
        .iter()
        .map(|g| match g {
            Gate::FailIf { metric, op, value } => match lookup(candidate, metric) {
                None => GateResult::failed(
                    &g.describe(),
                    format!("the candidate has no metric `{metric}`"),
                ),
                Some(x) => {
                    let hit = match op.as_str() {
                        "<" => x < *value,
                        "<=" => x <= *value,
                        ">" => x > *value,
                        _ => x >= *value,
                    };
                    GateResult {
                        gate: g.describe(),
                        passed: !hit,
                        detail: format!("{metric} = {x:.6}"),
                        error: false,
                    }
                }
            },
            Gate::MaxDrop { metric, by } | Gate::MaxRise { metric, by } => {
                let drop = matches!(g, Gate::MaxDrop { .. });
                let Some(d) = deltas.iter().find(|d| &d.metric == metric) else {
                    return GateResult::failed(
                        &g.describe(),
                        format!("no metric `{metric}` on both sides"),
                    );
                };
                let change = if drop { -d.delta } else { d.delta };
                let head = format!(
                    "{metric}: {:.6} -> {:.6}, change {:+.6}",
                    d.base, d.candidate, d.delta
                );
                let (failed, tail) = match &d.noise {
                    Noise::Tested {
                        se,
                        paired,
                        p_adjusted,
                        ..
                    } => {
                        let how = if *paired { "paired " } else { "" };
                        let p = match adjust {
                            Adjust::None => format!("p {}", fmt_p(*p_adjusted)),
                            a => format!("p {} {}-adjusted", fmt_p(*p_adjusted), a.name()),
                        };
                        let within = if change > *by && !d.significant {
                            ", within noise"
                        } else {
                            ""
                        };
                        (
                            change > *by && d.significant,
                            format!(" ({how}se {se:.6}, {p}){within}"),
                        )
                    }
                    Noise::Untested(why) => (
                        change > *by,
                        format!(
                            "; not noise-protected ({}): the raw change is compared",
                            why.label()
                        ),
                    ),
                };
                GateResult {
                    gate: g.describe(),
                    passed: !failed,
                    detail: format!("{head}{tail}"),
                    error: false,
                }
            }
        })
        .collect()
}
