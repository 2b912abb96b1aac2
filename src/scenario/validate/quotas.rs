//! `[quotas]`: the method and over-assignment, and under `given` a quota
//! on every rep.

use super::super::Purpose;
use super::super::diag::{ProblemKind, did_you_mean};
use super::super::raw::RawScenario;
use super::context::Context;
use crate::model::{QuotaMethod, QuotaPolicy};

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
    Some(QuotaPolicy {
        method: method?,
        over_assignment: over_assignment?,
    })
}
