//! Distributions as files write them -> [`Dist`], by the family table
//! ([`FAMILIES`](crate::model::dist::FAMILIES)): names and parameters are
//! checked against it, values by the checked constructors.

use super::super::diag::{ProblemKind, Span, did_you_mean};
use super::super::raw::{RawDist, RawParam};
use super::super::reader::Sp;
use super::context::Context;
use crate::model::dist::{Dist, DistError, Family, Param};

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
    let given = |name: &str| d.params.iter().any(|(k, _)| k.v == name);
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
    if !ok {
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
