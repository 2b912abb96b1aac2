//! `[correlation]` as written: pairs, or a matrix over listed risks.

use super::super::reader::{Reader, Sp};
use super::super::tree::{Node, Value};
use crate::source::diag::{ProblemKind, Span};

const CORRELATION_KEYS: &[&str] = &["pairs", "risks", "matrix"];

/// Spanned rows of spanned numbers.
pub type SpMatrix = Sp<Vec<Sp<Vec<Sp<f64>>>>>;

#[derive(Clone, Debug, Default)]
pub struct RawCorrelation {
    pub pairs: Vec<(Sp<String>, Sp<String>, Sp<f64>)>,
    pub risks: Option<Sp<Vec<Sp<String>>>>,
    pub matrix: Option<SpMatrix>,
    pub span: Option<Span>,
}

pub(super) fn read_correlation(r: &mut Reader<'_>, n: &Node) -> Option<RawCorrelation> {
    let mut t = r.table(n, "[correlation]")?;
    let mut c = RawCorrelation {
        span: Some(n.span.clone()),
        ..RawCorrelation::default()
    };
    if let Some(p) = t.get("pairs")
        && let Some(items) = r.array(p, "pairs")
    {
        for item in items {
            let ok = match &item.value {
                Value::Array(a) if a.len() == 3 => {
                    let a1 = r.string(&a[0], "pairs");
                    let b1 = r.string(&a[1], "pairs");
                    let rho = r.number(&a[2], "pairs");
                    if let (Some(x), Some(y), Some(z)) = (a1, b1, rho) {
                        c.pairs.push((x, y, z));
                    }
                    true
                }
                _ => false,
            };
            if !ok {
                r.err(
                    ProblemKind::Shape,
                    &item.span,
                    "each correlation pair must be [\"risk_a\", \"risk_b\", rho]",
                );
            }
        }
    }
    c.risks = r.strings_at(&mut t, "risks");
    if let Some(m) = t.get("matrix")
        && let Some(rows) = r.array(m, "matrix")
    {
        let parsed: Vec<_> = rows.iter().map(|row| r.numbers(row, "matrix")).collect();
        if let Some(rows) = parsed.into_iter().collect::<Option<Vec<_>>>() {
            c.matrix = Some(Sp::new(rows, m.span.clone()));
        }
    }
    t.finish(r, CORRELATION_KEYS);
    Some(c)
}
