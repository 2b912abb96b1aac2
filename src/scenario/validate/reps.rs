//! `[[reps]]` with `[rep_defaults]`: capacity, attrition, vacancy, ramp,
//! productivity and quotas as written (quota methods are `quotas`).

use super::super::Purpose;
use super::super::raw::{RawRep, RawRepFields, RawScenario};
use super::super::reader::Sp;
use super::context::{Context, IdRule};
use super::dist::{Scale, dist, scale};
use crate::model::Rep;
use crate::model::dist::Dist;
use crate::source::diag::ProblemKind;
use std::collections::HashMap;

/// The reps, and each id's position among the `[[reps]]` entries.
pub struct Reps {
    pub reps: Vec<Rep>,
    pub index: HashMap<String, usize>,
    /// Every entry became a rep (indices line up with `index`).
    pub ok: bool,
}

const ID: IdRule = IdRule {
    entry: "a [[reps]] entry",
    kind: "rep",
    missing_help: Some("every rep needs a unique id, e.g. id = \"R01\""),
    unique_help: true,
};

pub fn validate(cx: &mut Context<'_>, raw: &RawScenario) -> Reps {
    let mut out = Reps {
        reps: Vec::new(),
        index: HashMap::new(),
        ok: true,
    };
    for (i, r) in raw.reps.iter().enumerate() {
        let span = r.span.clone().unwrap_or(cx.top.clone());
        let seen = r.id.as_ref().is_some_and(|i| out.index.contains_key(&i.v));
        let Some(id) = cx.new_id(&r.id, &span, seen, r.written.iter().any(|k| k == "id"), &ID)
        else {
            out.ok = false;
            continue;
        };
        out.index.insert(id.v.clone(), i);
        match rep(cx, r, &id.v, &raw.rep_defaults) {
            Some(rep) => out.reps.push(rep),
            None => out.ok = false,
        }
    }
    // A new alignment may start from units alone: `split --territories K`
    // proposes the territories and a scenario skeleton with their reps.
    if raw.reps.is_empty() && cx.purpose == Purpose::Simulate {
        let top = cx.top.clone();
        cx.err(ProblemKind::Missing, &top, "the scenario has no [[reps]]")
            .help("add at least one [[reps]] table with an id");
    }
    out
}

/// One rep: its own fields, else `[rep_defaults]`, else the defaults of
/// docs/src/model.md (Reps).
fn rep(cx: &mut Context<'_>, r: &RawRep, id: &str, d: &RawRepFields) -> Option<Rep> {
    let months = cx.months;
    let own = &r.fields;
    let f = |a: &Option<Sp<f64>>, b: &Option<Sp<f64>>| a.clone().or_else(|| b.clone());
    let capacity = f(&own.capacity_hours, &d.capacity_hours);
    let capacity_hours = capacity
        .as_ref()
        .and_then(|x| cx.amount(x, "capacity_hours", false));
    if let (Some(0.0), Some(c)) = (capacity_hours, &capacity) {
        cx.warn(
            ProblemKind::OutOfRange,
            &c.span,
            format!("rep `{id}` has `capacity_hours = 0`: it covers none of its territory, so its sales are 0"),
        )
        .help("give the hours the rep can sell over the horizon, or leave capacity_hours out for no limit");
    }
    let capacity_elasticity = f(&own.capacity_elasticity, &d.capacity_elasticity)
        .map_or(Some(1.0), |x| cx.non_negative(&x, "capacity_elasticity"));
    let attrition =
        f(&own.attrition, &d.attrition).map_or(Some(0.0), |x| cx.probability(&x, "attrition"));
    let vacancy_months = match own.vacancy_months.clone().or(d.vacancy_months.clone()) {
        None => Some(0),
        Some(x) if x.v >= 0 && x.v <= months as i64 => Some(x.v as u32),
        Some(x) => {
            cx.err(
                ProblemKind::OutOfRange,
                &x.span,
                format!(
                    "`vacancy_months` must be between 0 and {months}, found {}",
                    x.v
                ),
            );
            None
        }
    };
    let vacancy_coverage = f(&own.vacancy_coverage, &d.vacancy_coverage)
        .map_or(Some(0.0), |x| cx.probability(&x, "vacancy_coverage"));
    let ramp_months = f(&own.ramp_months, &d.ramp_months)
        .map_or(Some(0.0), |x| cx.non_negative(&x, "ramp_months"));
    let productivity = match own.productivity.as_ref().or(d.productivity.as_ref()) {
        None => Some(Dist::Fixed(1.0)),
        Some(pd) => dist(cx, pd, "productivity").and_then(|dist| {
            if !scale(cx, pd, &dist, "productivity", Scale::Multiplier) {
                None
            } else if dist.support().0 < 0.0 {
                cx.err(ProblemKind::OutOfRange, &pd.span, "`productivity` can be negative with this distribution")
                    .help("productivity multiplies sales; use lognormal { mean = 1.0, cv = 0.12 } or a bounded family with min >= 0");
                None
            } else {
                Some(dist)
            }
        }),
    };
    let quota = cx.opt_amount(&r.quota, "quota");
    let quota_floor = cx.opt_amount(&r.quota_floor, "quota_floor");
    let quota_cap = cx.opt_amount(&r.quota_cap, "quota_cap");
    let quota_override = cx.opt_amount(&r.quota_override, "quota_override");
    if let (Some(Some(f)), Some(Some(c)), Some(cs)) = (quota_floor, quota_cap, &r.quota_cap)
        && f > c
    {
        cx.err(
            ProblemKind::Conflict,
            &cs.span,
            format!("`quota_cap` ({c}) is below `quota_floor` ({f})"),
        );
    }
    let quarterly_quota = quarterly(cx, r);
    let ramp_remaining = match &r.ramp_remaining {
        Some(x) => match cx.non_negative(x, "ramp_remaining") {
            Some(rr) if ramp_months.is_some_and(|rm| rr > rm) => {
                cx.err(ProblemKind::Conflict, &x.span, format!("`ramp_remaining` ({rr}) exceeds `ramp_months` ({})", ramp_months.unwrap_or(0.0)))
                    .help("ramp_remaining counts the months of ramp still ahead, so it is at most ramp_months");
                None
            }
            other => other.map(Some),
        },
        None => Some(None),
    };
    let start_month = match &r.start_month {
        Some(x) => cx.month(x, "start_month").map(Some),
        None => Some(None),
    };
    if let (Some(_), Some(b)) = (&r.ramp_remaining, &r.start_month) {
        cx.err(ProblemKind::Conflict, &b.span, "a rep cannot have both `start_month` (planned hire) and `ramp_remaining` (recent hire)");
    }
    Some(Rep {
        id: id.to_string(),
        name: r
            .name
            .as_ref()
            .map_or_else(|| id.to_string(), |n| n.v.clone()),
        quota: quota?,
        quota_floor: quota_floor?,
        quota_cap: quota_cap?,
        quota_override: quota_override?,
        quarterly_quota: quarterly_quota?,
        home_unit: None,
        capacity_hours,
        capacity_elasticity: capacity_elasticity?,
        attrition: attrition?,
        vacancy_months: vacancy_months?,
        vacancy_coverage: vacancy_coverage?,
        ramp_months: ramp_months?,
        ramp_remaining: ramp_remaining?,
        start_month: start_month?,
        productivity: productivity?,
        // Set from the whole team's keys by `groups`.
        groups: Vec::new(),
    })
}

/// `quarterly_quota`: one entry per quarter; a warning when they do not add
/// up to the annual quota.
fn quarterly(cx: &mut Context<'_>, r: &RawRep) -> Option<Option<Vec<f64>>> {
    let months = cx.months;
    let n_quarters = months.div_ceil(3);
    let Some(qq) = &r.quarterly_quota else {
        return Some(None);
    };
    let vals: Option<Vec<f64>> =
        qq.v.iter()
            .map(|x| cx.amount(x, "quarterly_quota", false))
            .collect();
    if qq.v.len() != n_quarters {
        cx.err(ProblemKind::Shape, &qq.span, format!("`quarterly_quota` must have one entry per quarter: expected {n_quarters}, found {}", qq.v.len()))
            .help(format!("the horizon of {months} months has {n_quarters} quarters"));
        return None;
    }
    if let (Some(vals), Some(q)) = (&vals, &r.quota) {
        let sum: f64 = vals.iter().sum();
        if (sum - q.v).abs() > 0.005 * q.v {
            cx.warn(
                ProblemKind::Conflict,
                &qq.span,
                format!(
                    "`quarterly_quota` sums to {sum}, not the annual `quota` {}",
                    q.v
                ),
            )
            .help("quarterly attainment uses these figures; annual attainment uses `quota`");
        }
    }
    vals.map(Some)
}
