//! Comparing two results for CI: deltas of headline metrics, whether each
//! is beyond noise, and gates that decide pass or fail. Works on
//! `summary.json` values; when both sides were simulated here with the same
//! seed, paired per-trial differences give the (much smaller) common-random-
//! numbers standard error.

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

impl Gate {
    /// `team.p_hit_target < 0.6` for --fail-if; `team.p_hit_target=0.02` for --max-drop/--max-rise.
    pub fn fail_if(s: &str) -> Result<Gate, String> {
        for op in ["<=", ">=", "<", ">"] {
            if let Some((m, v)) = s.split_once(op) {
                let value = v
                    .trim()
                    .parse::<f64>()
                    .map_err(|_| format!("`{s}`: `{}` is not a number", v.trim()))?;
                return Ok(Gate::FailIf {
                    metric: m.trim().to_string(),
                    op: op.to_string(),
                    value,
                });
            }
        }
        Err(format!(
            "`{s}` is not a condition; write e.g. 'team.p_hit_target < 0.6' (operators <, <=, >, >=)"
        ))
    }

    pub fn max_change(s: &str, drop: bool) -> Result<Gate, String> {
        let (m, v) = s
            .split_once('=')
            .ok_or_else(|| format!("`{s}`: write metric=amount, e.g. team.p_hit_target=0.02"))?;
        let by = v
            .trim()
            .parse::<f64>()
            .map_err(|_| format!("`{s}`: `{}` is not a number", v.trim()))?;
        let metric = m.trim().to_string();
        Ok(if drop {
            Gate::MaxDrop { metric, by }
        } else {
            Gate::MaxRise { metric, by }
        })
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

/// Standard error of the mean of per-trial differences: the change of a
/// mean (or of a probability, with 0/1 values) between two runs that share
/// their random numbers.
pub fn paired_se(base: &[f64], candidate: &[f64]) -> f64 {
    let n = base.len().min(candidate.len()) as f64;
    if n < 2.0 {
        return f64::NAN;
    }
    let d: Vec<f64> = base.iter().zip(candidate).map(|(a, b)| b - a).collect();
    let m = d.iter().sum::<f64>() / n;
    (d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0) / n).sqrt()
}

/// 1 where a trial reaches the target, else 0.
pub fn hits(team: &[f64], target: f64) -> Vec<f64> {
    team.iter()
        .map(|&x| f64::from(u8::from(x >= target)))
        .collect()
}

/// A PR-comment-ready markdown report.
pub fn markdown(title: &str, deltas: &[Delta], results: &[GateResult]) -> String {
    let mut o = format!(
        "### {title}\n\n| metric | base | candidate | change | significant |\n| --- | ---: | ---: | ---: | :---: |\n"
    );
    for d in deltas {
        let sig = match (d.se, d.significant) {
            (None, _) => "n/a".to_string(),
            (Some(_), true) => "**yes**".to_string(),
            (Some(s), false) => format!("no (±{:.4})", 1.96 * s),
        };
        o.push_str(&format!(
            "| `{}` | {:.4} | {:.4} | {:+.4} | {sig} |\n",
            d.metric, d.base, d.candidate, d.delta
        ));
    }
    if !results.is_empty() {
        o.push_str("\n| gate | result | detail |\n| --- | --- | --- |\n");
        for r in results {
            o.push_str(&format!(
                "| {} | {} | {} |\n",
                r.gate,
                if r.passed { "pass" } else { "**FAIL**" },
                r.detail
            ));
        }
    }
    o
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// JUnit XML: one testsuite per comparison, one testcase per gate.
pub fn junit(suites: &[(String, Vec<GateResult>)]) -> String {
    let tests: usize = suites.iter().map(|s| s.1.len()).sum();
    let failures: usize = suites
        .iter()
        .map(|s| s.1.iter().filter(|r| !r.passed).count())
        .sum();
    let mut o = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"quotaplan\" tests=\"{tests}\" failures=\"{failures}\">\n"
    );
    for (name, results) in suites {
        let f = results.iter().filter(|r| !r.passed).count();
        o.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{f}\" errors=\"0\">\n",
            xml_escape(name),
            results.len()
        ));
        for r in results {
            o.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{}\"",
                xml_escape(name),
                xml_escape(&r.gate)
            ));
            if r.passed {
                o.push_str("/>\n");
            } else {
                o.push_str(&format!(
                    ">\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                    xml_escape(&r.detail),
                    xml_escape(&r.detail)
                ));
            }
        }
        o.push_str("  </testsuite>\n");
    }
    o.push_str("</testsuites>\n");
    o
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

    #[test]
    fn junit_shape() {
        let x = junit(&[(
            "s<1>".into(),
            vec![GateResult {
                gate: "g".into(),
                passed: false,
                detail: "d&".into(),
            }],
        )]);
        assert!(x.contains("<testsuites name=\"quotaplan\" tests=\"1\" failures=\"1\">"));
        assert!(x.contains("<testsuite name=\"s&lt;1&gt;\""));
        assert!(x.contains("<failure message=\"d&amp;\">"));
    }
}
