//! `[comp_plan]` as written: target incentive, payout curve or commission
//! tiers, team bonus and budget.

use super::super::reader::{Reader, Sp};
use super::super::tree::{Node, Value};
use crate::source::diag::{ProblemKind, Span};

const COMP_KEYS: &[&str] = &[
    "target_incentive",
    "curve",
    "commission",
    "team_bonus",
    "budget",
];

/// Spanned list of spanned (x, y) points.
pub type SpPoints = Sp<Vec<(Sp<f64>, Sp<f64>)>>;

#[derive(Clone, Debug, Default)]
pub struct RawComp {
    pub target_incentive: Option<Sp<f64>>,
    pub curve: Option<SpPoints>,
    pub commission: Option<SpPoints>,
    pub team_bonus_pool: Option<Sp<f64>>,
    pub team_bonus_threshold: Option<Sp<f64>>,
    pub budget: Option<Sp<f64>>,
    /// Keys written (also those whose value could not be read).
    pub written: Vec<String>,
    pub span: Option<Span>,
}

fn read_points(r: &mut Reader<'_>, n: &Node, what: &str) -> Option<SpPoints> {
    let items = r.array(n, what)?;
    let mut pts = Vec::new();
    for item in items {
        match &item.value {
            Value::Array(a) if a.len() == 2 => {
                if let (Some(x), Some(y)) = (r.number(&a[0], what), r.number(&a[1], what)) {
                    pts.push((x, y));
                }
            }
            _ => {
                r.err(
                    ProblemKind::Shape,
                    &item.span,
                    format!("each point of `{what}` must be a pair [x, y]"),
                );
            }
        }
    }
    Some(Sp::new(pts, n.span.clone()))
}

pub(super) fn read_comp(r: &mut Reader<'_>, n: &Node) -> Option<RawComp> {
    let mut t = r.table(n, "[comp_plan]")?;
    let mut c = RawComp {
        written: t.keys(),
        target_incentive: r.number_at(&mut t, "target_incentive"),
        budget: r.number_at(&mut t, "budget"),
        span: Some(n.span.clone()),
        ..RawComp::default()
    };
    if let Some(x) = t.get("curve") {
        c.curve = read_points(r, x, "curve");
    }
    if let Some(x) = t.get("commission") {
        c.commission = read_points(r, x, "commission");
    }
    if let Some(x) = t.get("team_bonus")
        && let Some(mut b) = r.table(x, "team_bonus")
    {
        c.team_bonus_pool = r.number_at(&mut b, "pool");
        c.team_bonus_threshold = r.number_at(&mut b, "threshold");
        if c.team_bonus_pool.is_none() && b.get("pool").is_none() {
            r.err(
                ProblemKind::Missing,
                &x.span,
                "`team_bonus` needs `pool` (amount paid when the team reaches its threshold)",
            );
        }
        b.finish(r, &["pool", "threshold"]);
    }
    t.finish(r, COMP_KEYS);
    Some(c)
}
