//! `[scenario]` and `[seasonality]`: the horizon, the target, the run
//! settings and the monthly weights, as written.

use super::super::reader::{Reader, Sp};
use super::super::tree::Node;
use crate::source::diag::Span;

#[derive(Clone, Debug, Default)]
pub struct RawHeader {
    pub name: Option<Sp<String>>,
    pub currency: Option<Sp<String>>,
    pub months: Option<Sp<i64>>,
    pub seed: Option<Sp<i64>>,
    pub trials: Option<Sp<i64>>,
    pub company_target: Option<Sp<f64>>,
    pub start: Option<Sp<String>>,
    /// Keys written (also those whose value could not be read).
    pub written: Vec<String>,
    pub span: Option<Span>,
}

const SCENARIO_KEYS: &[&str] = &[
    "name",
    "start",
    "currency",
    "months",
    "seed",
    "trials",
    "company_target",
];

pub(super) fn read_header(r: &mut Reader<'_>, n: &Node) -> RawHeader {
    let Some(mut t) = r.table(n, "[scenario]") else {
        return RawHeader::default();
    };
    let h = RawHeader {
        written: t.keys(),
        name: r.string_at(&mut t, "name"),
        currency: r.string_at(&mut t, "currency"),
        months: r.integer_at(&mut t, "months"),
        seed: r.integer_at(&mut t, "seed"),
        trials: r.integer_at(&mut t, "trials"),
        company_target: r.number_at(&mut t, "company_target"),
        start: r.string_at(&mut t, "start"),
        span: Some(n.span.clone()),
    };
    t.finish(r, SCENARIO_KEYS);
    h
}

/// `[seasonality] weights`.
pub(super) fn read_seasonality(r: &mut Reader<'_>, n: &Node) -> Option<Sp<Vec<Sp<f64>>>> {
    let mut t = r.table(n, "seasonality")?;
    let weights = r.numbers_at(&mut t, "weights");
    t.finish(r, &["weights"]);
    weights
}
