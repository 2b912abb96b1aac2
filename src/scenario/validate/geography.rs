//! Where things are: reps' home units and the adjacency between units.
//! Both name units, so after an unreadable units file they are not checked
//! (every name would look unknown).

use super::super::diag::{ProblemKind, did_you_mean};
use super::super::raw::RawScenario;
use super::super::reader::Sp;
use super::context::Context;
use super::units::Units;
use crate::model::Rep;
use std::collections::HashSet;

/// Sets each rep's `home_unit` from its `home`.
pub fn homes(cx: &mut Context<'_>, raw: &RawScenario, reps: &mut [Rep], units: &Units) {
    for r in &raw.reps {
        let (Some(id), Some(home)) = (&r.id, &r.home) else {
            continue;
        };
        match units.index.get(&home.v) {
            Some(&u) => {
                if let Some(rep) = reps.iter_mut().find(|x| x.id == id.v) {
                    rep.home_unit = Some(u);
                }
            }
            None => {
                let ids: Vec<&str> = units.units.iter().map(|u| u.id.as_str()).collect();
                let p = cx.err(
                    ProblemKind::UnknownName,
                    &home.span,
                    format!(
                        "`home` of rep `{}` is `{}`, which is not a unit id",
                        id.v, home.v
                    ),
                );
                if let Some(s) = did_you_mean(&home.v, &ids) {
                    p.help(format!("did you mean `{s}`?"));
                }
            }
        }
    }
}

/// The edge list as unit index pairs `(i, j)`, `i < j`.
pub fn edges(
    cx: &mut Context<'_>,
    list: &[(Sp<String>, Sp<String>)],
    units: &Units,
) -> Vec<(usize, usize)> {
    let ids: Vec<&str> = units.units.iter().map(|u| u.id.as_str()).collect();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let find = |x: &Sp<String>, cx: &mut Context<'_>| match units.index.get(&x.v) {
        Some(&i) => Some(i),
        None => {
            let p = cx.err(
                ProblemKind::UnknownName,
                &x.span,
                format!("edge names `{}`, which is not a unit id", x.v),
            );
            if let Some(s) = did_you_mean(&x.v, &ids) {
                p.help(format!("did you mean `{s}`?"));
            }
            None
        }
    };
    for (a, b) in list {
        let (i, j) = (find(a, cx), find(b, cx));
        let (Some(i), Some(j)) = (i, j) else {
            continue;
        };
        if i == j {
            cx.err(
                ProblemKind::Conflict,
                &b.span,
                format!("unit `{}` cannot be adjacent to itself", a.v),
            );
        } else if !seen.insert((i.min(j), i.max(j))) {
            cx.warn(
                ProblemKind::Duplicate,
                &a.span,
                format!("the edge `{}`-`{}` is listed twice", a.v, b.v),
            );
        } else {
            out.push((i.min(j), i.max(j)));
        }
    }
    out
}
