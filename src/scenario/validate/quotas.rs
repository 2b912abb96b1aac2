//! `[quotas]`: the method and over-assignment, and under `given` a quota
//! on every rep.

use super::super::Purpose;
use super::super::raw::RawScenario;
use super::context::Context;
use crate::model::{QuotaMethod, QuotaPolicy};
use crate::source::diag::{ProblemKind, did_you_mean};

pub fn validate(cx: &mut Context<'_>, raw: &RawScenario) -> Option<QuotaPolicy> {
    let method = match &raw.quotas.method {
        None => Some(QuotaMethod::Given),
        Some(m) => QuotaMethod::from_name(&m.v).or_else(|| {
            let names: Vec<&str> = QuotaMethod::ALL.iter().map(|m| m.name()).collect();
            let mut help = String::new();
            if let Some(s) = did_you_mean(&m.v, &names) {
                help.push_str(&format!("did you mean `{s}`? "));
            }
            help.push_str(&format!("allowed: {}", names.join(", ")));
            cx.err(
                ProblemKind::UnknownName,
                &m.span,
                format!("unknown quota method `{}`", m.v),
            )
            .help(help);
            None
        }),
    };
    let over_assignment = match &raw.quotas.over_assignment {
        Some(x) => cx.finite(x, "over_assignment").and_then(|o| {
            if o <= -1.0 {
                cx.err(
                    ProblemKind::OutOfRange,
                    &x.span,
                    format!("`over_assignment` must be greater than -1, found {o}"),
                );
                return None;
            }
            cx.fraction(x, "over_assignment", 1.0, 0.5)
        }),
        None => Some(0.0),
    };
    if method == Some(QuotaMethod::Given) && cx.purpose == Purpose::Simulate {
        for r in &raw.reps {
            if !r.quota_written {
                let span =
                    r.id.as_ref()
                        .map_or(r.span.clone().unwrap_or(cx.top.clone()), |i| i.span.clone());
                cx.err(ProblemKind::Missing, &span, format!("rep `{}` has no `quota`", r.id.as_ref().map_or("?", |i| i.v.as_str())))
                    .help("[quotas] method = \"given\" needs a quota on every rep; or use method = \"proportional\" or \"equal-probability\"");
            }
        }
    }
    let round_to = match &raw.quotas.round_to {
        None => Some(None),
        Some(x) => round_to(cx, raw, x, over_assignment.unwrap_or(0.0)).map(Some),
    };
    Some(QuotaPolicy {
        method: method?,
        over_assignment: over_assignment?,
        round_to: round_to?,
    })
}

/// `round_to`: a positive whole number of cents, small enough that every
/// rep can carry at least one step on average (at most the pool divided
/// by the number of reps). Whether each proposed quota is at least one
/// step is known only once quotas are computed (see [`crate::quota`]).
fn round_to(
    cx: &mut Context<'_>,
    raw: &RawScenario,
    x: &super::super::reader::Sp<f64>,
    over_assignment: f64,
) -> Option<f64> {
    let v = cx.amount(x, "round_to", true)?;
    if ((v * 100.0).round() - v * 100.0).abs() > 1e-6 {
        cx.err(
            ProblemKind::OutOfRange,
            &x.span,
            format!("`round_to` must be a whole number of cents, found {v}"),
        )
        .help("e.g. round_to = 10000 rounds quotas to multiples of 10,000");
        return None;
    }
    let reps = raw.reps.len();
    if let Some(t) = &raw.header.company_target
        && reps > 0
        && t.v.is_finite()
        && t.v > 0.0
    {
        let mean = t.v * (1.0 + over_assignment) / reps as f64;
        if v > mean {
            cx.err(
                ProblemKind::OutOfRange,
                &x.span,
                format!(
                    "`round_to` ({v}) is larger than the average quota ({mean:.2}: company_target x (1 + over_assignment) over {reps} reps)"
                ),
            )
            .help("round_to is a rounding step, much smaller than a quota: e.g. 10000 for quotas in the millions");
            return None;
        }
    }
    Some(v)
}
