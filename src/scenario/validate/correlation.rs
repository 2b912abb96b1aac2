//! `[correlation]` among the copula-driven risks (shocks and events), as
//! pairs or a matrix; a matrix that is not positive semi-definite is
//! repaired to the nearest correlation matrix, with a warning.

use super::super::raw::{RawCorrelation, RawScenario, SpMatrix};
use super::super::reader::Sp;
use super::context::{Context, with_percent_hint};
use super::risks::Risks;
use crate::model::{RiskKind, correlation};
use crate::source::diag::{ProblemKind, Span, did_you_mean};
use nalgebra::DMatrix;
use std::collections::HashMap;

pub fn validate(cx: &mut Context<'_>, raw: &RawScenario, risks: &Risks) -> Option<DMatrix<f64>> {
    let c = raw.correlation.as_ref()?;
    let copula = Copula::new(risks);
    let n = copula.members.len();
    let mut m = DMatrix::<f64>::identity(n, n);
    let mut ok = pairs(cx, c, &copula, &mut m);
    if let Some(mat) = &c.matrix {
        ok &= matrix(cx, c, mat, &copula, &mut m);
    }
    if !(ok && n > 0) {
        return None;
    }
    let rep = correlation::repair(&m);
    if !rep.was_psd {
        let span = c
            .matrix
            .as_ref()
            .map_or(c.span.clone().unwrap_or(cx.top.clone()), |m| m.span.clone());
        let list = &risks.risks;
        let members = &copula.members;
        let change = rep.largest_change.map_or_else(String::new, |(i, j, _)| {
            format!(
                "; largest change: `{}` ~ `{}` {:.4} -> {:.4}",
                list[members[i]].id,
                list[members[j]].id,
                m[(i, j)],
                rep.matrix[(i, j)]
            )
        });
        cx.warn(ProblemKind::Repaired, &span, format!("the correlation matrix is not positive semi-definite and was repaired to the nearest correlation matrix (Higham 2002){change}"));
    }
    Some(rep.matrix)
}

/// The risks the copula draws (shocks and events; account losses are
/// drawn independently), by their place in the list of risks.
struct Copula<'a> {
    risks: &'a Risks,
    members: Vec<usize>,
}

impl<'a> Copula<'a> {
    fn new(risks: &'a Risks) -> Self {
        let members = risks
            .risks
            .iter()
            .enumerate()
            .filter(|(_, r)| !matches!(r.kind, RiskKind::AccountLoss { .. }))
            .map(|(i, _)| i)
            .collect();
        Copula { risks, members }
    }

    /// Position of a risk among the copula's, or None (reported).
    fn position(&self, id: &Sp<String>, cx: &mut Context<'_>) -> Option<usize> {
        let (list, risks) = (&self.risks.risks, self.risks);
        match list.iter().position(|r| r.id == id.v) {
            // A risk that failed its own checks: already reported.
            None if risks.ids.contains_key(&id.v) => None,
            None => {
                let mut ids: Vec<(&str, usize)> =
                    risks.ids.iter().map(|(k, v)| (k.as_str(), *v)).collect();
                ids.sort_by_key(|x| x.1);
                let ids: Vec<&str> = ids.into_iter().map(|x| x.0).collect();
                let p = cx.err(
                    ProblemKind::UnknownName,
                    &id.span,
                    format!("`{}` is not a risk id", id.v),
                );
                match did_you_mean(&id.v, &ids) {
                    Some(s) => p.help(format!("did you mean `{s}`? risks: {}", ids.join(", "))),
                    None => p.help(format!("risks: {}", ids.join(", "))),
                };
                None
            }
            Some(i) if matches!(list[i].kind, RiskKind::AccountLoss { .. }) => {
                cx.err(
                    ProblemKind::Conflict,
                    &id.span,
                    format!(
                        "`{}` is an account_loss risk, which is drawn independently of the copula",
                        id.v
                    ),
                )
                .help("only shocks and events can be correlated");
                None
            }
            Some(i) => self.members.iter().position(|&k| k == i),
        }
    }
}

/// `pairs` into `m`; false when one cannot be used.
fn pairs(
    cx: &mut Context<'_>,
    c: &RawCorrelation,
    copula: &Copula<'_>,
    m: &mut DMatrix<f64>,
) -> bool {
    let mut ok = true;
    let mut set: HashMap<(usize, usize), Span> = HashMap::new();
    for (a, b, rho) in &c.pairs {
        let (ia, ib) = (copula.position(a, cx), copula.position(b, cx));
        let r = cx
            .finite(rho, "correlation")
            .filter(|x| (-1.0..=1.0).contains(x));
        if rho.v.is_finite() && r.is_none() {
            cx.err(
                ProblemKind::OutOfRange,
                &rho.span,
                format!("correlation must be between -1 and 1, found {}", rho.v),
            )
            .help(with_percent_hint("allowed: -1 <= rho <= 1", rho.v));
        }
        match (ia, ib, r) {
            (Some(i), Some(j), Some(_)) if i == j => {
                cx.err(
                    ProblemKind::Conflict,
                    &b.span,
                    format!("a risk cannot be correlated with itself (`{}`)", a.v),
                );
                ok = false;
            }
            (Some(i), Some(j), Some(r)) => {
                let key = (i.min(j), i.max(j));
                if set.contains_key(&key) {
                    cx.err(
                        ProblemKind::Duplicate,
                        &a.span,
                        format!("the pair `{}`, `{}` is given twice", a.v, b.v),
                    );
                    ok = false;
                }
                set.insert(key, a.span.clone());
                m[(i, j)] = r;
                m[(j, i)] = r;
            }
            _ => ok = false,
        }
    }
    ok
}

/// `matrix` (over `risks`, or every copula risk in file order) into `m`;
/// false when it cannot be used.
fn matrix(
    cx: &mut Context<'_>,
    c: &RawCorrelation,
    mat: &SpMatrix,
    copula: &Copula<'_>,
    m: &mut DMatrix<f64>,
) -> bool {
    let mut ok = true;
    if !c.pairs.is_empty() {
        cx.err(
            ProblemKind::Conflict,
            &mat.span,
            "give the correlation as `pairs` or as `matrix`, not both",
        );
        ok = false;
    }
    let order: Vec<Option<usize>> = match &c.risks {
        Some(ids) => ids.v.iter().map(|id| copula.position(id, cx)).collect(),
        None => (0..copula.members.len()).map(Some).collect(),
    };
    if order.iter().any(Option::is_none) {
        ok = false;
    } else if mat.v.len() != order.len() || mat.v.iter().any(|row| row.v.len() != order.len()) {
        let names = if c.risks.is_some() {
            "the listed `risks`"
        } else {
            "shock and event risks"
        };
        cx.err(ProblemKind::Shape, &mat.span, format!("`matrix` must be {0} x {0}, one row and column per {names}", order.len()))
            .help("list the risks in order with `risks = [...]`, or give one row per shock/event in file order");
        ok = false;
    } else {
        for (i, row) in mat.v.iter().enumerate() {
            for (j, x) in row.v.iter().enumerate() {
                if !x.v.is_finite() || !(-1.0..=1.0).contains(&x.v) {
                    cx.err(
                        ProblemKind::OutOfRange,
                        &x.span,
                        format!("correlation must be between -1 and 1, found {}", x.v),
                    );
                    ok = false;
                } else if i == j && x.v != 1.0 {
                    cx.err(
                        ProblemKind::OutOfRange,
                        &x.span,
                        format!(
                            "the diagonal of a correlation matrix must be 1, found {}",
                            x.v
                        ),
                    );
                    ok = false;
                } else if (mat.v[j].v[i].v - x.v).abs() > 1e-12 {
                    if i < j {
                        cx.err(ProblemKind::Conflict, &x.span, format!("the correlation matrix must be symmetric: [{i}][{j}] = {} but [{j}][{i}] = {}", x.v, mat.v[j].v[i].v));
                    }
                    ok = false;
                } else {
                    let (a, b) = (order[i].expect("checked"), order[j].expect("checked"));
                    m[(a, b)] = x.v;
                }
            }
        }
    }
    ok
}
