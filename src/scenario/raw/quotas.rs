//! `[quotas]` as written: the method, over-assignment and rounding.

use super::super::reader::{Reader, Sp};
use super::super::tree::Node;

const QUOTA_KEYS: &[&str] = &["method", "over_assignment", "round_to"];

#[derive(Clone, Debug, Default)]
pub struct RawQuotas {
    pub method: Option<Sp<String>>,
    pub over_assignment: Option<Sp<f64>>,
    pub round_to: Option<Sp<f64>>,
}

pub(super) fn read_quotas(r: &mut Reader<'_>, n: &Node) -> RawQuotas {
    let Some(mut t) = r.table(n, "[quotas]") else {
        return RawQuotas::default();
    };
    let q = RawQuotas {
        method: r.string_at(&mut t, "method"),
        over_assignment: r.number_at(&mut t, "over_assignment"),
        round_to: r.number_at(&mut t, "round_to"),
    };
    t.finish(r, QUOTA_KEYS);
    q
}
