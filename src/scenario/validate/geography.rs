//! Where things are: reps' home units and the adjacency between units.
//! Both name units, so after an unreadable units file they are not checked
//! (every name would look unknown).

use super::super::raw::RawScenario;
use super::context::Context;
use super::units::Units;
use crate::model::Rep;
use crate::scenario::units_csv::EdgeList;
use crate::source::diag::{ProblemKind, Span, did_you_mean};
use rayon::prelude::*;
use std::collections::HashMap;

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

/// The edge list as unit index pairs `(i, j)`, `i < j`, in file order.
pub fn edges(cx: &mut Context<'_>, list: &EdgeList<'_>, units: &Units) -> Vec<(usize, usize)> {
    // Looked up in parallel: with a million units nearly every lookup
    // misses the cache. Unit indices fit in 32 bits (a file of 2^32 rows
    // is far beyond what is read).
    let found: Vec<(Option<u32>, Option<u32>)> = (0..list.count())
        .into_par_iter()
        .with_min_len(1 << 12)
        .map(|k| {
            let (a, b) = list.ids(k);
            let at = |id: &str| units.index.get(id).map(|&i| i as u32);
            (at(a), at(b))
        })
        .collect();
    // A pair listed again: sorted by pair, then by row, every entry after
    // the first of its pair.
    let mut pairs: Vec<(u32, u32, u32)> = found
        .iter()
        .enumerate()
        .filter_map(|(k, f)| match *f {
            (Some(i), Some(j)) if i != j => Some((i.min(j), i.max(j), k as u32)),
            _ => None,
        })
        .collect();
    pairs.par_sort_unstable();
    let mut repeated = vec![false; list.count()];
    for w in pairs.windows(2) {
        if (w[0].0, w[0].1) == (w[1].0, w[1].1) {
            repeated[w[1].2 as usize] = true;
        }
    }
    drop(pairs);
    let mut ids: Option<Vec<&str>> = None;
    let mut suggestions: HashMap<String, Option<String>> = HashMap::new();
    let mut unknown = |x: &str, span: &Span, cx: &mut Context<'_>| {
        // Suggestions are looked for once per unknown name, and the list
        // of ids is made only when one is needed.
        let suggestion = suggestions
            .entry(x.to_string())
            .or_insert_with(|| {
                let ids =
                    ids.get_or_insert_with(|| units.units.iter().map(|u| u.id.as_str()).collect());
                did_you_mean(x, ids).map(str::to_string)
            })
            .clone();
        let p = cx.err(
            ProblemKind::UnknownName,
            span,
            format!("edge names `{x}`, which is not a unit id"),
        );
        if let Some(s) = suggestion {
            p.help(format!("did you mean `{s}`?"));
        }
    };
    let mut out = Vec::with_capacity(list.count());
    for (k, f) in found.into_iter().enumerate() {
        let (i, j) = match f {
            (Some(i), Some(j)) if i != j && !repeated[k] => (i as usize, j as usize),
            _ => {
                let (a, b) = list.ids(k);
                let (a_span, b_span) = list.places(k);
                match f {
                    (Some(_), Some(_)) if repeated[k] => {
                        cx.warn(
                            ProblemKind::Duplicate,
                            &a_span,
                            format!("the edge `{a}`-`{b}` is listed twice"),
                        );
                    }
                    (Some(_), Some(_)) => {
                        cx.err(
                            ProblemKind::Conflict,
                            &b_span,
                            format!("unit `{a}` cannot be adjacent to itself"),
                        );
                    }
                    (i, j) => {
                        if i.is_none() {
                            unknown(a, &a_span, cx);
                        }
                        if j.is_none() {
                            unknown(b, &b_span, cx);
                        }
                    }
                }
                continue;
            }
        };
        out.push((i.min(j), i.max(j)));
    }
    out
}
