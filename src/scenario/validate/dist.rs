//! Distributions as files write them -> [`Dist`], by the family table
//! ([`FAMILIES`](crate::model::dist::FAMILIES)): names and parameters are
//! checked against it, values by the checked constructors.

use super::super::raw::{RawDist, RawParam};
use super::super::reader::Sp;
use super::context::Context;
use crate::model::dist::{Dist, DistError, Family, Param};
use crate::source::diag::{ProblemKind, Span, did_you_mean};

/// A validated distribution, or `None` with the problems recorded.
pub fn dist(cx: &mut Context<'_>, d: &RawDist, what: &str) -> Option<Dist> {
    let fam = d.family.v.as_str();
    let Some(spec) = Family::by_name(fam) else {
        let names = Family::names();
        let mut help = String::new();
        if let Some(s) = did_you_mean(fam, &names) {
            help.push_str(&format!("did you mean `{s}`? "));
        }
        help.push_str(&format!("families: {}", names.join(", ")));
        cx.err(
            ProblemKind::UnknownName,
            &d.family.span,
            format!("unknown distribution `{fam}` for `{what}`"),
        )
        .help(help);
        return None;
    };
    let takes = format!("`{fam}` takes: {}", spec.params.join(", "));
    let mut ok = true;
    for (k, _) in &d.params {
        if !spec.params.contains(&k.v.as_str()) {
            ok = false;
            let mut help = String::new();
            if let Some(s) = did_you_mean(&k.v, spec.params) {
                help.push_str(&format!("did you mean `{s}`? "));
            }
            help.push_str(&takes);
            cx.err(
                ProblemKind::UnknownKey,
                &k.span,
                format!("unknown parameter `{}` for a {fam} distribution", k.v),
            )
            .help(help);
        }
    }
    let given = |name: &str| d.written.iter().any(|k| k == name);
    for r in spec.required {
        if !given(r) {
            ok = false;
            cx.err(
                ProblemKind::Missing,
                &d.span,
                format!("the {fam} distribution of `{what}` needs `{r}`"),
            )
            .help(takes.clone());
        }
    }
    if !ok || d.params.len() < d.written.len() {
        // A parameter of the wrong type was reported as such.
        return None;
    }
    if !spec.one_of.is_empty() && !spec.one_of.iter().any(|p| given(p)) {
        let list: Vec<String> = spec.one_of.iter().map(|p| format!("`{p}`")).collect();
        cx.err(
            ProblemKind::Missing,
            &d.span,
            format!(
                "the {fam} distribution of `{what}` needs {}",
                list.join(" or ")
            ),
        );
        return None;
    }
    let mut params: Vec<(&str, Param)> = Vec::new();
    for (k, v) in &d.params {
        let list = spec.lists.contains(&k.v.as_str());
        match (&v.v, list) {
            (RawParam::Num(x), false) => {
                if let Some(x) = cx.finite(&Sp::new(*x, v.span.clone()), &k.v) {
                    params.push((&k.v, Param::Num(x)));
                } else {
                    ok = false;
                }
            }
            (RawParam::List(l), true) => {
                params.push((&k.v, Param::List(l.iter().map(|x| x.v).collect())));
            }
            (RawParam::List(_), false) => {
                ok = false;
                cx.err(
                    ProblemKind::WrongType,
                    &v.span,
                    format!("`{}` of `{fam}` must be a number, found an array", k.v),
                );
            }
            (RawParam::Num(_), true) => {
                ok = false;
                cx.err(
                    ProblemKind::WrongType,
                    &v.span,
                    format!("`{}` of `{fam}` must be an array of numbers", k.v),
                );
            }
        }
    }
    if !ok {
        return None;
    }
    match Dist::new(fam, &params) {
        Ok(dist) => Some(dist),
        Err(e) => {
            let span: Span = e
                .param()
                .and_then(|p| d.params.iter().find(|(k, _)| k.v == p))
                .map_or_else(|| d.span.clone(), |(_, v)| v.span.clone());
            let p = cx.err(kind_of(&e), &span, e.to_string());
            if let Some(h) = e.help() {
                p.help(h);
            }
            None
        }
    }
}

/// What a distribution's values mean, for the checks of their scale.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Scale {
    /// A relative change: -0.2 is -20 % (shock and event impacts).
    Change,
    /// A multiplier around 1 (productivity).
    Multiplier,
    /// An amount of money (potential).
    Amount,
}

/// Checks that a valid distribution's values are on the scale they mean:
/// an impact of 5 (+500 %) or a productivity of 100 can only be a
/// percentage typed as a whole number (an error); a shock sd of 0.6 may be
/// meant (a warning).
pub fn scale(cx: &mut Context<'_>, d: &RawDist, dist: &Dist, what: &str, scale: Scale) -> bool {
    let (mean, sd) = (dist.mean(), dist.variance().sqrt());
    let (lo, hi) = dist.support();
    let hint = "if these are percentages, divide them by 100";
    match scale {
        Scale::Change => {
            // Below -1 the multiplier turns negative and is floored at 0
            // (docs/src/model.md): legal, and covered by the warning below.
            let absurd = mean.abs() > 1.0 || sd > 1.0 || (hi.is_finite() && hi > 10.0);
            if absurd {
                cx.err(
                    ProblemKind::OutOfRange,
                    &d.span,
                    format!("`{what}` is a relative change (-0.2 is -20 %), but this one has mean {mean} and sd {sd:.4}"),
                )
                .help(hint);
                return false;
            }
            if mean.abs() > 0.5 || sd > 0.5 || (lo.is_finite() && lo < -1.0) {
                cx.warn(
                    ProblemKind::OutOfRange,
                    &d.span,
                    format!("`{what}` moves sales a lot: mean {:+.0} %, sd {:.0} %", 100.0 * mean, 100.0 * sd),
                )
                .help("a relative change: -0.2 is -20 %; if you meant smaller percentages, divide by 100");
            }
        }
        Scale::Multiplier => {
            if mean > 10.0 {
                cx.err(
                    ProblemKind::OutOfRange,
                    &d.span,
                    format!("`{what}` multiplies sales (1.0 = as planned), but its mean is {mean}"),
                )
                .help(hint);
                return false;
            }
            if mean > 2.0 {
                cx.warn(
                    ProblemKind::OutOfRange,
                    &d.span,
                    format!("`{what}` multiplies sales by {mean} on average"),
                )
                .help("1.0 = as planned; if you meant a percentage, divide by 100");
            }
        }
        Scale::Amount => {
            if mean > super::context::MAX_AMOUNT
                || (hi.is_finite() && hi > super::context::MAX_AMOUNT)
            {
                cx.err(
                    ProblemKind::OutOfRange,
                    &d.span,
                    format!(
                        "`{what}` reaches {:e}, more than the {:e} quotaplan accepts",
                        mean.max(hi),
                        super::context::MAX_AMOUNT
                    ),
                );
                return false;
            }
        }
    }
    if matches!(dist, Dist::LogNormal { .. }) && mean > 0.0 && sd / mean > super::context::MAX_CV {
        cx.err(
            ProblemKind::OutOfRange,
            &d.span,
            format!(
                "`{what}` has a cv of {}, a spread more than {} times its mean",
                sd / mean,
                super::context::MAX_CV
            ),
        )
        .help(hint);
        return false;
    }
    true
}

fn kind_of(e: &DistError) -> ProblemKind {
    match e {
        DistError::UnknownFamily(_) => ProblemKind::UnknownName,
        DistError::Missing { .. } => ProblemKind::Missing,
        DistError::SdAndCv
        | DistError::UniformOrder { .. }
        | DistError::ModeOrder { .. }
        | DistError::BetaRange { .. } => ProblemKind::Conflict,
        DistError::WeightsLength { .. } => ProblemKind::Shape,
        DistError::NotFinite { .. }
        | DistError::Negative { .. }
        | DistError::NotPositive { .. }
        | DistError::NotProbability { .. }
        | DistError::BadWeights
        | DistError::BadValues => ProblemKind::OutOfRange,
    }
}
