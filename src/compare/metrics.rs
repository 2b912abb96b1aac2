//! Metrics by path in a summary (`team.p_hit_target`,
//! `reps.R03.sales.mean`): lookup, the names a summary has, suggestions for
//! a mistyped one, and the check that every metric asked for exists.

use crate::source::diag::did_you_mean;
use serde_json::Value;

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

/// A number at a dotted path; a segment under an array picks the item with
/// that `id` (`reps.R03.p_attain`), or, for items that also have a `by`
/// (the roll-ups), two segments pick it: `groups.region.华东.p_hit`. An
/// id may itself contain dots.
pub fn lookup(v: &Value, path: &str) -> Option<f64> {
    let segs: Vec<&str> = path.split('.').collect();
    lookup_in(v, &segs)
}

pub(super) fn lookup_in(cur: &Value, segs: &[&str]) -> Option<f64> {
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
pub(super) fn known_groups(metric: &str, v: &Value) -> Option<String> {
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
pub(super) fn se_of(v: &Value, path: &str) -> Option<f64> {
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
