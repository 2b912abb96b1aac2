//! `[comp_plan]`: the payout curve or commission tiers, the team bonus and
//! the budget.

use super::super::raw::{RawComp, SpPoints};
use super::context::Context;
use crate::model::{CompPlan, TeamBonus};
use crate::source::diag::ProblemKind;

pub fn validate(cx: &mut Context<'_>, c: &RawComp) -> Option<CompPlan> {
    let span = c.span.clone().unwrap_or(cx.top.clone());
    let target_incentive = c
        .target_incentive
        .as_ref()
        .map_or(Some(0.0), |t| cx.amount(t, "target_incentive", false));
    // Curve: (attainment, multiple of the target incentive), both shares;
    // commission: (sales threshold, rate on sales above it).
    let curve = points(cx, &c.curve, "curve", Share(10.0), Share(10.0));
    let commission = points(cx, &c.commission, "commission", Amount, Share(1.0));
    let written = |k: &str| c.written.iter().any(|w| w == k);
    if c.curve.is_none() && c.commission.is_none() && !written("curve") && !written("commission") {
        cx.err(
            ProblemKind::Missing,
            &span,
            "[comp_plan] needs a payout `curve` or `commission` tiers",
        );
    }
    let team_bonus = match (&c.team_bonus_pool, &c.team_bonus_threshold) {
        (None, _) => Some(None),
        (Some(p), t) => {
            let pool = cx.amount(p, "pool", false);
            let threshold = t.as_ref().map_or(Some(1.0), |t| {
                cx.non_negative(t, "threshold")
                    .and_then(|_| cx.fraction(t, "threshold", 10.0, 2.0))
            });
            pool.zip(threshold)
                .map(|(pool, threshold)| Some(TeamBonus { pool, threshold }))
        }
    };
    let budget = cx.opt_amount(&c.budget, "budget");
    Some(CompPlan {
        target_incentive: target_incentive?,
        curve: curve?,
        commission: commission?,
        team_bonus: team_bonus?,
        budget: budget?,
    })
}

/// What a coordinate of a comp plan point is.
#[derive(Clone, Copy)]
enum Coord {
    /// An amount of money.
    Amount,
    /// A share (1.0 = 100 %) of at most this.
    Share(f64),
}
use Coord::{Amount, Share};

fn coord(
    cx: &mut Context<'_>,
    v: &super::super::reader::Sp<f64>,
    what: &str,
    c: Coord,
) -> Option<f64> {
    let x = cx.non_negative(v, what)?;
    match c {
        Amount => cx.amount(v, what, false),
        Share(max) => cx.fraction(v, what, max, max).map(|_| x),
    }
}

/// Points `[x, y]` with strictly increasing x, both not negative.
fn points(
    cx: &mut Context<'_>,
    list: &Option<SpPoints>,
    what: &str,
    xs: Coord,
    ys: Coord,
) -> Option<Vec<(f64, f64)>> {
    let Some(l) = list else {
        return Some(Vec::new());
    };
    let mut out: Vec<(f64, f64)> = Vec::new();
    let mut ok = true;
    for (x, y) in &l.v {
        match (coord(cx, x, what, xs), coord(cx, y, what, ys)) {
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
