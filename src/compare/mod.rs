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

use crate::engine::{MAX_KEPT_BYTES, RepTrials, Sampler};
use crate::model::Model;
use crate::model::dist::std_normal_cdf;
use crate::simulation::Simulation;
use crate::source::diag::did_you_mean;
use crate::stats::{adjusted, hit_indicators, mean_se, paired_se};
use serde::Serialize;
use serde_json::Value;

pub use crate::stats::Adjust;

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
const QUANTILES: &[&str] = &[
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

/// Why two results cannot be compared as asked: a metric name that the
/// summaries do not have (a usage error, not a failed gate).
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum CompareError {
    #[error("unknown metric `{metric}`{help}")]
    UnknownMetric { metric: String, help: String },
    #[error("the {missing} has no metric `{metric}` (the {other} has it)")]
    OneSided {
        metric: String,
        missing: &'static str,
        other: &'static str,
    },
    #[error(
        "`{metric}` is not in the {side}'s summary: with {count} reps (more than {listed_up_to}) a summary lists only the worst and best {listed} reps by P(attain), and every rep's figures are in reps.csv and rep_quarters.csv of the result folder; a per-rep gate on a run this large can name only a listed rep (`{example}`) or a team figure"
    )]
    NotListed {
        metric: String,
        side: &'static str,
        count: usize,
        listed_up_to: usize,
        listed: usize,
        example: String,
    },
}

impl CompareError {
    pub fn metric(&self) -> &str {
        match self {
            CompareError::UnknownMetric { metric, .. }
            | CompareError::OneSided { metric, .. }
            | CompareError::NotListed { metric, .. } => metric,
        }
    }
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
/// that `id` (`reps.R03.p_attain`), or, for items that also have a `by`
/// (the roll-ups), two segments pick it: `groups.region.华东.p_hit`. An
/// id may itself contain dots.
pub fn lookup(v: &Value, path: &str) -> Option<f64> {
    let segs: Vec<&str> = path.split('.').collect();
    lookup_in(v, &segs)
}

fn lookup_in(cur: &Value, segs: &[&str]) -> Option<f64> {
    let Some((seg, rest)) = segs.split_first() else {
        return cur.as_f64();
    };
    match cur {
        Value::Object(m) => lookup_in(m.get(*seg)?, rest),
        Value::Array(a) => {
            let by_key = a.iter().any(|x| x.get("by").is_some());
            let (items, rest): (Vec<&Value>, &[&str]) = if by_key {
                let items = a
                    .iter()
                    .filter(|x| x.get("by").and_then(Value::as_str) == Some(seg))
                    .collect();
                (items, rest)
            } else {
                (a.iter().collect(), segs)
            };
            // The id is one or more segments (ids may hold dots).
            (1..=rest.len()).find_map(|k| {
                let id = rest[..k].join(".");
                let item = items
                    .iter()
                    .find(|x| x.get("id").and_then(Value::as_str) == Some(id.as_str()))?;
                lookup_in(item, &rest[k..])
            })
        }
        _ => None,
    }
}

/// Every metric [`lookup`] can read in a summary: the dotted paths of its
/// numbers (items of arrays by their `id`, roll-ups by `by` and `id`).
pub fn metric_names(v: &Value) -> Vec<String> {
    fn walk(v: &Value, path: &str, out: &mut Vec<String>) {
        let join = |seg: &str| {
            if path.is_empty() {
                seg.to_string()
            } else {
                format!("{path}.{seg}")
            }
        };
        match v {
            Value::Number(_) => out.push(path.to_string()),
            Value::Object(m) => m.iter().for_each(|(k, x)| walk(x, &join(k), out)),
            Value::Array(a) => {
                for x in a {
                    if let Some(id) = x.get("id").and_then(Value::as_str) {
                        let seg = match x.get("by").and_then(Value::as_str) {
                            Some(by) => format!("{by}.{id}"),
                            None => id.to_string(),
                        };
                        walk(x, &join(&seg), out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(v, "", &mut out);
    out
}

/// For a `groups.` metric that names no roll-up: the roll-ups there are
/// (`groups.region.华东`, ...), or that the summary has none.
fn known_groups(metric: &str, v: &Value) -> Option<String> {
    let rest = metric.strip_prefix("groups.")?;
    let groups = v.get("groups").and_then(Value::as_array);
    let names: Vec<String> = groups
        .into_iter()
        .flatten()
        .filter_map(|g| {
            Some(format!(
                "groups.{}.{}",
                g["by"].as_str()?,
                g["id"].as_str()?
            ))
        })
        .collect();
    if names.is_empty() {
        return Some(
            "; this summary has no roll-ups: give reps grouping keys (region = \"...\", manager = \"...\") in the scenario".into(),
        );
    }
    if names.iter().any(|n| metric.starts_with(&format!("{n}."))) {
        // The group exists; the figure after it does not.
        return None;
    }
    let by = rest.split('.').next().unwrap_or("");
    let same_key: Vec<&String> = names
        .iter()
        .filter(|n| n.starts_with(&format!("groups.{by}.")))
        .collect();
    let list = if same_key.is_empty() {
        names.iter().collect::<Vec<_>>()
    } else {
        same_key
    };
    const SHOWN: usize = 20;
    let mut shown: Vec<&str> = list.iter().take(SHOWN).map(|s| s.as_str()).collect();
    let more = list.len().saturating_sub(SHOWN);
    let tail = if more > 0 {
        shown.push("...");
        format!(" ({more} more)")
    } else {
        String::new()
    };
    Some(format!(
        "; no such group: the summary has {}{tail}, each with p_hit, quota, sales.mean, sales.p10, ...",
        shown.join(", ")
    ))
}

/// The closest metric name the summary has: by edit distance, else the
/// shortest name that starts with what was typed (`team.p_hit` ->
/// `team.p_hit_target`).
pub fn suggest(metric: &str, summary: &Value) -> Option<String> {
    let names = metric_names(summary);
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    if let Some(s) = did_you_mean(metric, &refs) {
        return Some(s.to_string());
    }
    refs.iter()
        .filter(|n| n.starts_with(metric) && !n.ends_with("_se"))
        .min_by_key(|n| (n.len(), **n))
        .map(|s| s.to_string())
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
    if let (Some(a), Some(b)) = (base["groups"].as_array(), candidate["groups"].as_array()) {
        for g in a {
            if let (Some(by), Some(id)) = (g["by"].as_str(), g["id"].as_str())
                && b.iter()
                    .any(|x| x["by"].as_str() == Some(by) && x["id"].as_str() == Some(id))
            {
                m.push(format!("groups.{by}.{id}.p_hit"));
            }
        }
    }
    m.retain(|k| lookup(base, k).is_some() && lookup(candidate, k).is_some());
    m
}

/// Two-sided p-value of `delta` against a normal error with `se`; a zero
/// delta is never significant, a non-zero one with zero error always is.
fn p_value(delta: f64, se: f64) -> f64 {
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

/// One rep's values per trial, kept by a side simulated here.
#[derive(Clone, Debug)]
pub struct RepSeries {
    pub id: String,
    pub quota: f64,
    pub sales: Vec<f64>,
    /// Empty without a comp plan.
    pub payout: Vec<f64>,
}

/// A roll-up of reps, for series summed from its reps' series.
#[derive(Clone, Debug)]
pub struct GroupMembers {
    pub by: String,
    pub id: String,
    pub quota: f64,
    pub reps: Vec<usize>,
}

/// What a side simulated here keeps per trial, for paired differences.
#[derive(Clone, Debug)]
pub struct Trials {
    pub seed: u64,
    pub sampler: Sampler,
    pub n: usize,
    pub target: f64,
    /// Team sales per trial.
    pub team: Vec<f64>,
    /// Total payout per trial (empty without a comp plan).
    pub payout_total: Vec<f64>,
    /// `at_quota[k]`: trials in which exactly k reps reached quota.
    pub at_quota: Vec<u64>,
    /// Per rep, when kept (see [`crate::engine::RepTrials`]).
    pub reps: Vec<RepSeries>,
    /// The roll-ups: key, value, quota and member indices into `reps`
    /// (their series are the members' sums, when `reps` are kept).
    pub groups: Vec<GroupMembers>,
    /// The per-rep series were asked for but not kept: the bytes they need.
    pub reps_too_large: Option<u64>,
}

impl Trials {
    fn rep(&self, id: &str) -> Option<&RepSeries> {
        self.reps.iter().find(|r| r.id == id)
    }

    /// The per-trial values whose mean is `metric`, when this side has them.
    pub fn series(&self, metric: &str) -> Option<Vec<f64>> {
        let nonempty = |v: &Vec<f64>| (!v.is_empty()).then(|| v.clone());
        match metric {
            "team.sales.mean" => Some(self.team.clone()),
            "team.attainment.mean" => Some(self.team.iter().map(|x| x / self.target).collect()),
            "team.p_hit_target" => Some(hit_indicators(&self.team, self.target)),
            "compensation.total_payout.mean" => nonempty(&self.payout_total),
            "team.reps_at_quota.mean" => {
                if self.reps.is_empty() {
                    return None;
                }
                let mut at = vec![0.0; self.n];
                for r in &self.reps {
                    for (a, &s) in at.iter_mut().zip(&r.sales) {
                        *a += f64::from(u8::from(s >= r.quota));
                    }
                }
                Some(at)
            }
            _ if metric.starts_with("groups.") => {
                if self.reps.is_empty() {
                    return None;
                }
                let g = self.groups.iter().find_map(|g| {
                    let what = metric.strip_prefix(&format!("groups.{}.{}.", g.by, g.id))?;
                    Some((g, what))
                })?;
                // Summed in rep order, as the engine sums them.
                let sales: Vec<f64> = (0..self.n)
                    .map(|t| g.0.reps.iter().map(|&r| self.reps[r].sales[t]).sum())
                    .collect();
                match g.1 {
                    "p_hit" => Some(hit_indicators(&sales, g.0.quota)),
                    "sales.mean" => Some(sales),
                    _ => None,
                }
            }
            _ => {
                let rest = metric.strip_prefix("reps.")?;
                let (id, what) = rest.split_once('.')?;
                let r = self.rep(id)?;
                match what {
                    "p_attain" => Some(hit_indicators(&r.sales, r.quota)),
                    "sales.mean" => Some(r.sales.clone()),
                    "payout.mean" => nonempty(&r.payout),
                    _ => None,
                }
            }
        }
    }

    /// The standard error of `metric` from this side's trials alone.
    fn own_se(&self, metric: &str) -> Option<f64> {
        if let Some(s) = self.series(metric) {
            return Some(mean_se(&s));
        }
        if metric == "team.reps_at_quota.mean" {
            // From the counts of trials with k reps at quota.
            let n: u64 = self.at_quota.iter().sum();
            if n < 2 {
                return None;
            }
            let nf = n as f64;
            let kc = || {
                self.at_quota
                    .iter()
                    .enumerate()
                    .map(|(k, &c)| (k as f64, c as f64))
            };
            let mean = kc().map(|(k, c)| k * c).sum::<f64>() / nf;
            let ss = kc().map(|(k, c)| c * (k - mean).powi(2)).sum::<f64>();
            return Some((ss / (nf - 1.0) / nf).sqrt());
        }
        None
    }

    /// Whether two runs drew the same random numbers trial by trial.
    fn pairs_with(&self, o: &Trials) -> bool {
        self.seed == o.seed && self.sampler == o.sampler && self.n == o.n
    }
}

/// One side of a comparison: a summary (as `summary.json` holds it) and,
/// when it was simulated here, its per-trial values.
#[derive(Clone, Debug)]
pub struct Side {
    pub summary: Value,
    pub trials: Option<Trials>,
}

impl Side {
    /// A side read from a `summary.json`.
    pub fn from_summary(summary: Value) -> Side {
        Side {
            summary,
            trials: None,
        }
    }

    /// A side simulated here (its summary and its trials). Per-rep metrics
    /// are paired only when the run kept its per-rep series
    /// ([`crate::engine::SimOptions::keep_rep_trials`]).
    pub fn simulated(model: &Model, sim: Simulation, warnings: Vec<String>) -> Side {
        // As summary.json holds it: above MAX_LISTED_REPS reps, the worst
        // and best reps only.
        let summary = serde_json::to_value(sim.summary(model, warnings).into_bounded())
            .expect("a summary is plain data");
        let res = sim.result;
        let (reps, reps_too_large) = match res.rep_trials {
            RepTrials::NotKept => (Vec::new(), None),
            RepTrials::TooLarge { bytes } => (Vec::new(), Some(bytes)),
            RepTrials::Kept { sales, payout } => {
                let mut payout = payout.into_iter();
                let reps = model
                    .reps
                    .iter()
                    .zip(&res.quotas)
                    .zip(sales)
                    .map(|((rep, &quota), sales)| RepSeries {
                        id: rep.id.clone(),
                        quota,
                        sales,
                        payout: payout.next().unwrap_or_default(),
                    })
                    .collect();
                (reps, None)
            }
        };
        Side {
            summary,
            trials: Some(Trials {
                seed: res.seed,
                sampler: res.sampler,
                n: res.team.len(),
                target: model.company_target,
                team: res.team,
                payout_total: res.payout_total,
                at_quota: res.at_quota,
                groups: model
                    .rep_groups()
                    .into_iter()
                    .zip(&res.groups)
                    .map(|(g, st)| GroupMembers {
                        by: g.by,
                        id: g.id,
                        quota: st.quota,
                        reps: g.reps,
                    })
                    .collect(),
                reps,
                reps_too_large,
            }),
        }
    }
}

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
        assert_eq!(metric_names(&v), vec!["reps.A.p_attain", "team.p"]);
    }

    #[test]
    fn unknown_metrics_are_errors_with_a_suggestion() {
        let v = serde_json::json!({"team": {"p_hit_target": 0.6, "p_hit_target_se": 0.01,
            "sales": {"mean": 1.0, "p10": 0.5}}});
        let side = Side::from_summary(v.clone());
        let typo = Gate::max_change("team.p_hit=0.01", true).unwrap();
        let e = compare(&side, &side, &[], &[typo], Adjust::Holm).unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown metric `team.p_hit` (did you mean `team.p_hit_target`?)"
        );
        let e = check_metrics(&v, &v, &["team.sales.maen".into()], &[]).unwrap_err();
        assert!(
            e.to_string().contains("did you mean `team.sales.mean`"),
            "{e}"
        );
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
        let d = deltas(&a, &b, &m, &|_| None, Adjust::Holm);
        assert!(d[0].significant);
        let r = gates(
            &[
                Gate::max_change("team.p_hit_target=0.02", true).unwrap(),
                Gate::fail_if("team.p_hit_target < 0.5").unwrap(),
            ],
            &b,
            &d,
            Adjust::Holm,
        );
        assert!(!r[0].passed && r[1].passed);
        // The same drop within noise passes.
        let noisy = serde_json::json!({"team": {"p_hit_target": 0.55, "p_hit_target_se": 0.05}});
        let d = deltas(&a, &noisy, &m, &|_| None, Adjust::Holm);
        assert!(!d[0].significant);
        let g = gates(
            &[Gate::max_change("team.p_hit_target=0.02", true).unwrap()],
            &noisy,
            &d,
            Adjust::Holm,
        );
        assert!(g[0].passed && g[0].detail.contains("within noise"), "{g:?}");
    }

    #[test]
    fn quantiles_are_never_significant_and_gates_on_them_compare_raw_changes() {
        let a = serde_json::json!({"team": {"shortfall": {"cvar95": 1.0e6}}});
        let b = serde_json::json!({"team": {"shortfall": {"cvar95": 3.5e6}}});
        let m = vec!["team.shortfall.cvar95".to_string()];
        let d = deltas(&a, &b, &m, &|_| None, Adjust::None);
        assert_eq!(d[0].noise, Noise::Untested(Untested::Quantile));
        assert!(!d[0].significant);
        let g = gates(
            &[Gate::max_change("team.shortfall.cvar95=2e6", false).unwrap()],
            &b,
            &d,
            Adjust::None,
        );
        assert!(!g[0].passed, "a raw rise of 2.5 M beyond 2 M fails");
        assert!(g[0].detail.contains("not noise-protected"), "{g:?}");
    }

    #[test]
    fn holm_needs_more_than_one_test_to_differ() {
        // Ten metrics each 2.2 SE off: each alone is "significant" at 5 %,
        // none survives Holm across ten.
        let mut a = serde_json::Map::new();
        let mut b = serde_json::Map::new();
        let mut m = Vec::new();
        for i in 0..10 {
            a.insert(format!("p{i}x"), 0.5.into());
            a.insert(format!("p{i}x_se"), 0.01.into());
            b.insert(format!("p{i}x"), (0.5 + 0.022 * 2f64.sqrt()).into());
            b.insert(format!("p{i}x_se"), 0.01.into());
            m.push(format!("p{i}x"));
        }
        let (a, b) = (Value::Object(a), Value::Object(b));
        let none = deltas(&a, &b, &m, &|_| None, Adjust::None);
        let holm = deltas(&a, &b, &m, &|_| None, Adjust::Holm);
        assert!(none.iter().all(|d| d.significant));
        assert!(holm.iter().all(|d| !d.significant));
    }
}
