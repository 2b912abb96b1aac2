//! `[[reps]]` and `[rep_defaults]` as written: each rep's settings, its
//! quota as given and its grouping keys.

use super::super::reader::{Reader, Sp, Tab};
use super::super::tree::Node;
use super::dist::{RawDist, read_dist};
use crate::source::diag::Span;

const REP_FIELD_KEYS: &[&str] = &[
    "capacity_hours",
    "capacity_elasticity",
    "attrition",
    "vacancy_months",
    "vacancy_coverage",
    "ramp_months",
    "productivity",
];
pub const REP_KEYS: &[&str] = &[
    "id",
    "name",
    "home",
    "quota",
    "quota_floor",
    "quota_cap",
    "quota_override",
    "quarterly_quota",
    "ramp_remaining",
    "start_month",
    "capacity_hours",
    "capacity_elasticity",
    "attrition",
    "vacancy_months",
    "vacancy_coverage",
    "ramp_months",
    "productivity",
];

/// Rep fields that `[rep_defaults]` may also set.
#[derive(Clone, Debug, Default)]
pub struct RawRepFields {
    pub capacity_hours: Option<Sp<f64>>,
    pub capacity_elasticity: Option<Sp<f64>>,
    pub attrition: Option<Sp<f64>>,
    pub vacancy_months: Option<Sp<i64>>,
    pub vacancy_coverage: Option<Sp<f64>>,
    pub ramp_months: Option<Sp<f64>>,
    pub productivity: Option<RawDist>,
}

#[derive(Clone, Debug, Default)]
pub struct RawRep {
    pub id: Option<Sp<String>>,
    pub name: Option<Sp<String>>,
    pub quota: Option<Sp<f64>>,
    /// The key was written (even if its value was unusable).
    pub quota_written: bool,
    /// The unit where the rep is based (for distance-to-home compactness).
    pub home: Option<Sp<String>>,
    pub quota_floor: Option<Sp<f64>>,
    pub quota_cap: Option<Sp<f64>>,
    pub quota_override: Option<Sp<f64>>,
    pub quarterly_quota: Option<Sp<Vec<Sp<f64>>>>,
    pub ramp_remaining: Option<Sp<f64>>,
    pub start_month: Option<Sp<i64>>,
    /// Grouping keys and their values (`region = "华东"`), in the order
    /// of the keys in use (built-in first, then declared).
    pub groups: Vec<(String, Sp<String>)>,
    pub fields: RawRepFields,
    /// Keys written (also those whose value could not be read).
    pub written: Vec<String>,
    pub span: Option<Span>,
}

/// `[rep_defaults]`.
pub(super) fn read_rep_defaults(r: &mut Reader<'_>, n: &Node) -> RawRepFields {
    let Some(mut t) = r.table(n, "[rep_defaults]") else {
        return RawRepFields::default();
    };
    let fields = read_rep_fields(r, &mut t);
    t.finish(r, REP_FIELD_KEYS);
    fields
}

/// `[[reps]]`; `group_keys` are the grouping keys a rep may carry.
pub(super) fn read_reps(r: &mut Reader<'_>, n: &Node, group_keys: &[String]) -> Vec<RawRep> {
    let rep_keys: Vec<&str> = REP_KEYS
        .iter()
        .copied()
        .chain(group_keys.iter().map(String::as_str))
        .collect();
    let mut reps = Vec::new();
    let Some(items) = r.array(n, "reps") else {
        return reps;
    };
    for item in items {
        if let Some(mut t) = r.table(item, "[[reps]]") {
            let rep = read_rep(r, &mut t, item, group_keys);
            t.finish_hinted(
                r,
                &rep_keys,
                "; a grouping key other than region and manager is declared first: [groups] keys = [\"channel\"]",
            );
            reps.push(rep);
        }
    }
    reps
}

fn read_rep(r: &mut Reader<'_>, t: &mut Tab<'_>, item: &Node, group_keys: &[String]) -> RawRep {
    let groups = group_keys
        .iter()
        .filter_map(|k| r.string_at(t, k).map(|v| (k.clone(), v)))
        .collect();
    RawRep {
        written: t.keys(),
        id: r.string_at(t, "id"),
        name: r.string_at(t, "name"),
        quota_written: t.get("quota").is_some(),
        home: r.string_at(t, "home"),
        quota: r.number_at(t, "quota"),
        quota_floor: r.number_at(t, "quota_floor"),
        quota_cap: r.number_at(t, "quota_cap"),
        quota_override: r.number_at(t, "quota_override"),
        quarterly_quota: r.numbers_at(t, "quarterly_quota"),
        ramp_remaining: r.number_at(t, "ramp_remaining"),
        start_month: r.integer_at(t, "start_month"),
        groups,
        fields: read_rep_fields(r, t),
        span: Some(item.span.clone()),
    }
}

fn read_rep_fields(r: &mut Reader<'_>, t: &mut Tab<'_>) -> RawRepFields {
    RawRepFields {
        capacity_hours: r.number_at(t, "capacity_hours"),
        capacity_elasticity: r.number_at(t, "capacity_elasticity"),
        attrition: r.number_at(t, "attrition"),
        vacancy_months: r.integer_at(t, "vacancy_months"),
        vacancy_coverage: r.number_at(t, "vacancy_coverage"),
        ramp_months: r.number_at(t, "ramp_months"),
        productivity: r.at(t, "productivity", read_dist),
    }
}
