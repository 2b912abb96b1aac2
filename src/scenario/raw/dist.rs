//! Distributions as written: a family table of parameters, or a plain
//! number (fixed). Which families and parameters exist is checked in
//! `validate`.

use super::super::reader::{Reader, Sp};
use super::super::tree::{Node, Value};
use crate::model::dist::Family;
use crate::source::diag::{ProblemKind, Span};

/// A distribution as written: `{ family = { param = value, ... } }` or a plain number.
#[derive(Clone, Debug)]
pub struct RawDist {
    pub family: Sp<String>,
    pub params: Vec<(Sp<String>, Sp<RawParam>)>,
    /// Parameters written (also those whose value could not be read).
    pub written: Vec<String>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum RawParam {
    Num(f64),
    List(Vec<Sp<f64>>),
}

/// `{ family = { k = v } }`, `{ fixed = 1.0 }` or a plain number (fixed).
pub fn read_dist(r: &mut Reader<'_>, n: &Node, what: &str) -> Option<RawDist> {
    let span = n.span.clone();
    match &n.value {
        Value::Integer(_) | Value::Float(_) => {
            let v = r.number(n, what)?;
            Some(RawDist {
                family: Sp::new("fixed".into(), span.clone()),
                params: vec![(
                    Sp::new("value".into(), span.clone()),
                    Sp::new(RawParam::Num(v.v), span.clone()),
                )],
                written: vec!["value".into()],
                span,
            })
        }
        Value::Table(t) => {
            if t.len() != 1 {
                r.err(
                    ProblemKind::Shape,
                    &n.span,
                    format!(
                        "`{what}` must name exactly one distribution, found {} keys",
                        t.len()
                    ),
                )
                .help(format!(
                    "e.g. {what} = {{ normal = {{ mean = 0.0, sd = 0.05 }} }}; families: {}",
                    Family::names().join(", ")
                ));
                return None;
            }
            let (k, v) = t.iter().next().expect("one entry");
            let family = Sp::new(k.name.clone(), k.span.clone());
            let mut params = Vec::new();
            let mut written = Vec::new();
            match &v.value {
                Value::Table(p) => {
                    for (pk, pv) in p.iter() {
                        written.push(pk.name.clone());
                        let name = Sp::new(pk.name.clone(), pk.span.clone());
                        let val = match &pv.value {
                            Value::Array(_) => r
                                .numbers(pv, &pk.name)
                                .map(|l| Sp::new(RawParam::List(l.v), l.span)),
                            _ => r
                                .number(pv, &pk.name)
                                .map(|x| Sp::new(RawParam::Num(x.v), x.span)),
                        };
                        if let Some(val) = val {
                            params.push((name, val));
                        }
                    }
                }
                Value::Integer(_) | Value::Float(_) => {
                    let x = r.number(v, &k.name)?;
                    written.push("value".into());
                    params.push((
                        Sp::new("value".into(), x.span.clone()),
                        Sp::new(RawParam::Num(x.v), x.span),
                    ));
                }
                _ => {
                    r.err(
                        ProblemKind::WrongType,
                        &v.span,
                        format!(
                            "parameters of `{}` must be a table, e.g. {{ mean = 0.0, sd = 0.05 }}",
                            k.name
                        ),
                    );
                    return None;
                }
            }
            Some(RawDist {
                family,
                params,
                written,
                span,
            })
        }
        _ => {
            r.err(
                ProblemKind::WrongType,
                &n.span,
                format!(
                    "`{what}` must be a distribution table or a number, found {}",
                    n.value.type_name()
                ),
            )
            .help(format!(
                "e.g. {what} = {{ normal = {{ mean = 0.0, sd = 0.05 }} }}; families: {}",
                Family::names().join(", ")
            ));
            None
        }
    }
}
