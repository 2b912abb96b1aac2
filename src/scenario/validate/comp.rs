//! `[comp_plan]`: the payout curve or commission tiers, the team bonus and
//! the budget.

use super::super::diag::ProblemKind;
use super::super::raw::{RawComp, SpPoints};
use super::context::Context;
use crate::model::{CompPlan, TeamBonus};

pub fn validate(cx: &mut Context<'_>, c: &RawComp) -> Option<CompPlan> {
    let span = c.span.clone().unwrap_or(cx.top.clone());
    let target_incentive = c
        .target_incentive
        .as_ref()
        .map_or(Some(0.0), |t| cx.non_negative(t, "target_incentive"));
    let curve = points(cx, &c.curve, "curve");
    let commission = points(cx, &c.commission, "commission");
    if c.curve.is_none() && c.commission.is_none() {
        cx.err(
            ProblemKind::Missing,
            &span,
            "[comp_plan] needs a payout `curve` or `commission` tiers",
        );
    }
    let team_bonus = match (&c.team_bonus_pool, &c.team_bonus_threshold) {
        (None, _) => Some(None),
        (Some(p), t) => {
            let pool = cx.non_negative(p, "pool");
            let threshold = t
                .as_ref()
                .map_or(Some(1.0), |t| cx.non_negative(t, "threshold"));
            pool.zip(threshold)
                .map(|(pool, threshold)| Some(TeamBonus { pool, threshold }))
        }
    };
    let budget = cx.opt_positive(&c.budget, "budget");
    Some(CompPlan {
        target_incentive: target_incentive?,
        curve: curve?,
        commission: commission?,
        team_bonus: team_bonus?,
        budget: budget?,
    })
}

/// Points `[x, y]` with strictly increasing x, both not negative.
fn points(cx: &mut Context<'_>, list: &Option<SpPoints>, what: &str) -> Option<Vec<(f64, f64)>> {
    let Some(l) = list else {
        return Some(Vec::new());
    };
    let mut out: Vec<(f64, f64)> = Vec::new();
    let mut ok = true;
    for (x, y) in &l.v {
        match (cx.non_negative(x, what), cx.non_negative(y, what)) {
            (Some(a), Some(b)) => {
                if let Some(&(prev, _)) = out.last()
                    && a <= prev
                {
                    cx.err(ProblemKind::Conflict, &x.span, format!("`{what}` points must have strictly increasing first values, found {a} after {prev}"));
                    ok = false;
                }
                out.push((a, b));
            }
            _ => ok = false,
        }
    }
    ok.then_some(out)
}
