//! Comparing two results for CI: deltas of headline metrics, whether each
//! is beyond noise, and gates that decide pass or fail. Works on
//! `summary.json` values; when both sides were simulated here with the same
//! seed, paired per-trial differences give the (much smaller) common-random-
//! numbers standard error.

use crate::model::Model;
use crate::simulation::Simulation;
use crate::stats::{hit_indicators, paired_se};
use serde::Serialize;
use serde_json::Value;

/// A metric compared between base and candidate.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Delta {
    pub metric: String,
    pub base: f64,
    pub candidate: f64,
    pub delta: f64,
    /// Standard error of the delta, when known.
    pub se: Option<f64>,
    /// |delta| > 1.96 se (false without an se).
    pub significant: bool,
}

/// A gate's verdict.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct GateResult {
    pub gate: String,
    pub passed: bool,
    pub detail: String,
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

/// A number at a dotted path; a segment under an array picks the item with
/// that `id` (`reps.R03.p_attain`).
pub fn lookup(v: &Value, path: &str) -> Option<f64> {
    let mut cur = v;
    for seg in path.split('.') {
        cur = match cur {
            Value::Object(m) => m.get(seg)?,
            Value::Array(a) => a
                .iter()
                .find(|x| x.get("id").and_then(Value::as_str) == Some(seg))?,
            _ => return None,
        };
    }
    cur.as_f64()
}

/// The standard error published beside a metric (`x_se`, or `mean_se` for `mean`).
fn se_of(v: &Value, path: &str) -> Option<f64> {
    lookup(v, &format!("{path}_se"))
}

/// The metrics compared by default: the team's headline figures and every
/// rep's probability of reaching quota.
pub fn default_metrics(base: &Value, candidate: &Value) -> Vec<String> {
    let mut m: Vec<String> = [
        "team.p_hit_target",
        "team.sales.mean",
        "team.sales.p10",
        "team.sales.p50",
        "team.attainment.p50",
        "team.shortfall.var95",
        "team.shortfall.cvar95",
        "team.reps_at_quota.mean",
        "compensation.total_payout.mean",
    ]
    .map(String::from)
    .to_vec();
    if let (Some(a), Some(b)) = (base["reps"].as_array(), candidate["reps"].as_array()) {
        for r in a {
            if let Some(id) = r["id"].as_str()
                && b.iter().any(|x| x["id"].as_str() == Some(id))
            {
                m.push(format!("reps.{id}.p_attain"));
            }
        }
    }
    m.retain(|k| lookup(base, k).is_some() && lookup(candidate, k).is_some());
    m
}

/// Deltas of `metrics`. `paired_se` may give a common-random-numbers
/// standard error for a metric (from per-trial differences); otherwise the
/// two published standard errors combine as if independent (conservative).
pub fn deltas(
    base: &Value,
    candidate: &Value,
    metrics: &[String],
    paired_se: &dyn Fn(&str) -> Option<f64>,
) -> Vec<Delta> {
    metrics
        .iter()
        .filter_map(|m| {
            let (a, b) = (lookup(base, m)?, lookup(candidate, m)?);
            let se = paired_se(m)
                .or_else(|| Some((se_of(base, m)?.powi(2) + se_of(candidate, m)?.powi(2)).sqrt()));
            let delta = b - a;
            Some(Delta {
                metric: m.clone(),
                base: a,
                candidate: b,
                delta,
                se,
                significant: se.is_some_and(|s| delta.abs() > 1.96 * s && delta != 0.0),
            })
        })
        .collect()
}

/// Evaluates the gates; a metric a gate names must exist.
pub fn gates(gates: &[Gate], base: &Value, candidate: &Value, deltas: &[Delta]) -> Vec<GateResult> {
    gates
        .iter()
        .map(|g| match g {
            Gate::FailIf { metric, op, value } => match lookup(candidate, metric) {
                None => GateResult {
                    gate: g.describe(),
                    passed: false,
                    detail: format!("the candidate has no metric `{metric}`"),
                },
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
                    }
                }
            },
            Gate::MaxDrop { metric, by } | Gate::MaxRise { metric, by } => {
                let drop = matches!(g, Gate::MaxDrop { .. });
                let d = deltas
                    .iter()
                    .find(|d| &d.metric == metric)
                    .cloned()
                    .or_else(|| {
                        let (a, b) = (lookup(base, metric)?, lookup(candidate, metric)?);
                        Some(Delta {
                            metric: metric.clone(),
                            base: a,
                            candidate: b,
                            delta: b - a,
                            se: None,
                            significant: true,
                        })
                    });
                match d {
                    None => GateResult {
                        gate: g.describe(),
                        passed: false,
                        detail: format!("no metric `{metric}` on both sides"),
                    },
                    Some(d) => {
                        let change = if drop { -d.delta } else { d.delta };
                        let failed = change > *by && d.significant;
                        let noise = d.se.map_or(String::new(), |s| format!(" (se {s:.6})"));
                        GateResult {
                            gate: g.describe(),
                            passed: !failed,
                            detail: format!(
                                "{metric}: {:.6} -> {:.6}, change {:+.6}{noise}{}",
                                d.base,
                                d.candidate,
                                d.delta,
                                if change > *by && !d.significant {
                                    ", within noise"
                                } else {
                                    ""
                                }
                            ),
                        }
                    }
                }
            }
        })
        .collect()
}

/// One side of a comparison: a summary (as `summary.json` holds it) and,
/// when it was simulated here, its team sales per trial with the seed.
#[derive(Clone, Debug)]
pub struct Side {
    pub summary: Value,
    pub trials: Option<(Vec<f64>, u64)>,
    pub target: f64,
}

impl Side {
    /// A side read from a `summary.json`.
    pub fn from_summary(summary: Value) -> Side {
        let target = summary["team"]["target"].as_f64().unwrap_or(f64::NAN);
        Side {
            summary,
            trials: None,
            target,
        }
    }

    /// A side simulated here (its summary and its trials).
    pub fn simulated(model: &Model, sim: Simulation, warnings: Vec<String>) -> Side {
        let summary =
            serde_json::to_value(sim.summary(model, warnings)).expect("a summary is plain data");
        Side {
            summary,
            trials: Some((sim.result.team, sim.result.seed)),
            target: model.company_target,
        }
    }
}

/// The deltas and gate verdicts between two sides.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub deltas: Vec<Delta>,
    pub gates: Vec<GateResult>,
}

impl Comparison {
    pub fn passed(&self) -> bool {
        self.gates.iter().all(|g| g.passed)
    }
}

/// Compares `candidate` with `base`: the default metrics, `extra` ones and
/// every metric a gate names. When both sides were simulated here with the
/// same seed and trials, the team's mean and P(hit) get paired
/// (common-random-numbers) standard errors.
pub fn compare(base: &Side, candidate: &Side, extra: &[String], gates: &[Gate]) -> Comparison {
    let mut metrics = default_metrics(&base.summary, &candidate.summary);
    metrics.extend(extra.iter().cloned());
    for g in gates {
        if !metrics.iter().any(|m| m == g.metric()) {
            metrics.push(g.metric().to_string());
        }
    }
    let pairs = match (&base.trials, &candidate.trials) {
        (Some((x, sx)), Some((y, sy))) if x.len() == y.len() && sx == sy => Some((
            paired_se(x, y),
            paired_se(
                &hit_indicators(x, base.target),
                &hit_indicators(y, candidate.target),
            ),
        )),
        _ => None,
    };
    let paired = |metric: &str| {
        let (sales, hits) = pairs?;
        match metric {
            "team.sales.mean" => Some(sales),
            "team.p_hit_target" => Some(hits),
            _ => None,
        }
    };
    let deltas = deltas(&base.summary, &candidate.summary, &metrics, &paired);
    let gates = self::gates(gates, &base.summary, &candidate.summary, &deltas);
    Comparison { deltas, gates }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_by_path_and_id() {
        let v: Value =
            serde_json::json!({"team": {"p": 0.5}, "reps": [{"id": "A", "p_attain": 0.3}]});
        assert_eq!(lookup(&v, "team.p"), Some(0.5));
        assert_eq!(lookup(&v, "reps.A.p_attain"), Some(0.3));
        assert_eq!(lookup(&v, "reps.B.p_attain"), None);
    }

    #[test]
    fn gates_parse_and_judge() {
        assert_eq!(
            Gate::fail_if("team.p_hit_target < 0.6").unwrap(),
            Gate::FailIf {
                metric: "team.p_hit_target".into(),
                op: "<".into(),
                value: 0.6
            }
        );
        assert!(Gate::fail_if("nonsense").is_err());
        let a = serde_json::json!({"team": {"p_hit_target": 0.60, "p_hit_target_se": 0.005}});
        let b = serde_json::json!({"team": {"p_hit_target": 0.55, "p_hit_target_se": 0.005}});
        let m = vec!["team.p_hit_target".to_string()];
        let d = deltas(&a, &b, &m, &|_| None);
        assert!(d[0].significant);
        let r = gates(
            &[
                Gate::max_change("team.p_hit_target=0.02", true).unwrap(),
                Gate::fail_if("team.p_hit_target < 0.5").unwrap(),
            ],
            &a,
            &b,
            &d,
        );
        assert!(!r[0].passed && r[1].passed);
        // The same drop within noise passes.
        let noisy = serde_json::json!({"team": {"p_hit_target": 0.55, "p_hit_target_se": 0.05}});
        let d = deltas(&a, &noisy, &m, &|_| None);
        assert!(!d[0].significant);
        assert!(
            gates(
                &[Gate::max_change("team.p_hit_target=0.02", true).unwrap()],
                &a,
                &noisy,
                &d
            )[0]
            .passed
        );
    }
}
