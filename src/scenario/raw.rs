//! Stage one: the scenario file as written, every value with its place.
//! Types and unknown keys are checked here; meaning is checked in `validate`.

use super::reader::{Reader, Sp, Tab};
use super::tree::{self, Node, Value};
use crate::model::dist::Family;
use crate::source::diag::{ProblemKind, Problems, Span};

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

/// A set of [`UNIT_KEYS`]: a units CSV has a million rows, and a set of
/// bits costs nothing to make.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct UnitKeys(u32);

impl UnitKeys {
    /// Adds `key`; a key that is not a unit key is not kept.
    pub fn insert(&mut self, key: &str) {
        if let Some(i) = UNIT_KEYS.iter().position(|k| *k == key) {
            self.0 |= 1 << i;
        }
    }

    pub fn contains(&self, key: &str) -> bool {
        UNIT_KEYS
            .iter()
            .position(|k| *k == key)
            .is_some_and(|i| self.0 & (1 << i) != 0)
    }
}

/// A unit, from the CSV or an inline `[[units]]` table.
#[derive(Clone, Debug, Default)]
pub struct RawUnit {
    pub id: Option<Sp<String>>,
    pub name: Option<Sp<String>>,
    pub region: Option<Sp<String>>,
    pub segment: Option<Sp<String>>,
    pub x: Option<Sp<f64>>,
    pub y: Option<Sp<f64>>,
    pub lat: Option<Sp<f64>>,
    pub lon: Option<Sp<f64>>,
    pub potential: Option<RawPotential>,
    pub potential_cv: Option<Sp<f64>>,
    pub deals_per_year: Option<Sp<f64>>,
    pub deal_size_cv: Option<Sp<f64>>,
    pub workload_hours: Option<Sp<f64>>,
    pub accounts: Option<Sp<f64>>,
    pub owner: Option<Sp<String>>,
    pub locked: Option<Sp<bool>>,
    /// A potential was written but could not be read.
    pub potential_unreadable: bool,
    /// Unit keys (or columns) written, also those whose value could not be
    /// read (unknown keys are reported when read and not kept here).
    pub written: UnitKeys,
    pub span: Option<Span>,
}

#[derive(Clone, Debug)]
pub enum RawPotential {
    Mean(Sp<f64>),
    Dist(RawDist),
}

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
    /// of [`RawScenario::group_keys`].
    pub groups: Vec<(String, Sp<String>)>,
    pub fields: RawRepFields,
    /// Keys written (also those whose value could not be read).
    pub written: Vec<String>,
    pub span: Option<Span>,
}

/// Spanned list of spanned strings.
pub type SpStrings = Sp<Vec<Sp<String>>>;
/// Spanned list of spanned (x, y) points.
pub type SpPoints = Sp<Vec<(Sp<f64>, Sp<f64>)>>;
/// Spanned rows of spanned numbers.
pub type SpMatrix = Sp<Vec<Sp<Vec<Sp<f64>>>>>;

#[derive(Clone, Debug)]
pub enum RawScope {
    All,
    Filter(Box<RawFilter>),
}

#[derive(Clone, Debug)]
pub struct RawFilter {
    pub regions: Option<SpStrings>,
    pub segments: Option<SpStrings>,
    pub units: Option<SpStrings>,
    pub reps: Option<SpStrings>,
    pub span: Span,
}

#[derive(Clone, Debug, Default)]
pub struct RawRisk {
    pub id: Option<Sp<String>>,
    pub kind: Option<Sp<String>>,
    pub probability: Option<Sp<f64>>,
    pub applies_to: Option<RawScope>,
    pub start: Option<(Sp<i64>, Sp<i64>, Span)>,
    pub impact: Option<RawDist>,
    /// Keys written (also those whose value could not be read).
    pub written: Vec<String>,
    pub span: Option<Span>,
}

#[derive(Clone, Debug, Default)]
pub struct RawCorrelation {
    pub pairs: Vec<(Sp<String>, Sp<String>, Sp<f64>)>,
    pub risks: Option<Sp<Vec<Sp<String>>>>,
    pub matrix: Option<SpMatrix>,
    pub span: Option<Span>,
}

#[derive(Clone, Debug, Default)]
pub struct RawQuotas {
    pub method: Option<Sp<String>>,
    pub over_assignment: Option<Sp<f64>>,
    pub round_to: Option<Sp<f64>>,
}

/// `[groups] keys = [...]`: grouping keys beyond the built-in
/// [`BUILTIN_GROUP_KEYS`].
#[derive(Clone, Debug, Default)]
pub struct RawGroups {
    pub keys: Vec<Sp<String>>,
}

#[derive(Clone, Debug, Default)]
pub struct RawComp {
    pub target_incentive: Option<Sp<f64>>,
    pub curve: Option<SpPoints>,
    pub commission: Option<SpPoints>,
    pub team_bonus_pool: Option<Sp<f64>>,
    pub team_bonus_threshold: Option<Sp<f64>>,
    pub budget: Option<Sp<f64>>,
    /// Keys written (also those whose value could not be read).
    pub written: Vec<String>,
    pub span: Option<Span>,
}

/// A user-defined mitigation: overrides (as `--set` would apply them,
/// each with the source text of its value) and a cost.
#[derive(Clone, Debug, Default)]
pub struct RawMitigation {
    pub id: Option<Sp<String>>,
    pub kind: Option<Sp<String>>,
    pub description: Option<Sp<String>>,
    pub cost: Option<Sp<f64>>,
    /// (key path, value) pairs.
    pub set: Vec<(Sp<String>, Node)>,
    /// Keys written (also those whose value could not be read).
    pub written: Vec<String>,
    pub span: Option<Span>,
}

#[derive(Clone, Debug, Default)]
pub struct RawScenario {
    pub header: RawHeader,
    pub seasonality: Option<Sp<Vec<Sp<f64>>>>,
    pub units_file: Option<Sp<String>>,
    /// Adjacency as a CSV of unit-id pairs.
    pub units_edges: Option<Sp<String>>,
    /// The sheet of a units workbook (default: its first).
    pub units_sheet: Option<Sp<String>>,
    /// CSV header names for unit keys (CRM exports): (key, column name).
    pub units_columns: Vec<(String, Sp<String>)>,
    pub units: Vec<RawUnit>,
    pub rep_defaults: RawRepFields,
    pub reps: Vec<RawRep>,
    pub groups: RawGroups,
    pub risks: Vec<RawRisk>,
    pub correlation: Option<RawCorrelation>,
    pub quotas: RawQuotas,
    pub comp_plan: Option<RawComp>,
    pub mitigations: Vec<RawMitigation>,
}

const TOP_KEYS: &[&str] = &[
    "scenario",
    "seasonality",
    "units",
    "rep_defaults",
    "reps",
    "groups",
    "risks",
    "correlation",
    "quotas",
    "comp_plan",
    "mitigations",
];
const SCENARIO_KEYS: &[&str] = &[
    "name",
    "start",
    "currency",
    "months",
    "seed",
    "trials",
    "company_target",
];
pub const UNIT_KEYS: &[&str] = &[
    "id",
    "name",
    "region",
    "segment",
    "x",
    "y",
    "lat",
    "lon",
    "potential",
    "potential_cv",
    "deals_per_year",
    "deal_size_cv",
    "workload_hours",
    "accounts",
    "owner",
    "locked",
];
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
const RISK_KEYS: &[&str] = &["id", "kind", "probability", "applies_to", "start", "impact"];
const SCOPE_KEYS: &[&str] = &["regions", "segments", "units", "reps"];
const CORRELATION_KEYS: &[&str] = &["pairs", "risks", "matrix"];
const QUOTA_KEYS: &[&str] = &["method", "over_assignment", "round_to"];
/// Grouping keys every rep may carry without declaring them.
pub const BUILTIN_GROUP_KEYS: &[&str] = &["region", "manager"];

/// A name `[groups] keys` may declare: ASCII letters, digits, `_` and `-`
/// (it becomes a CSV value and a segment of a gate's dotted path), and
/// neither a rep setting nor a built-in grouping key.
pub fn declarable_group_key(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !REP_KEYS.contains(&name)
        && !BUILTIN_GROUP_KEYS.contains(&name)
}
const COMP_KEYS: &[&str] = &[
    "target_incentive",
    "curve",
    "commission",
    "team_bonus",
    "budget",
];

/// Reads the whole document; syntax errors come back as problems too.
pub fn read(text: &str, file: usize, problems: &mut Problems) -> RawScenario {
    let (doc, _) = tree::parse(text, file, problems);
    read_doc(&doc, &mut Reader { problems })
}

/// Reads a parsed (possibly merged) document.
pub fn read_doc(doc: &Node, r: &mut Reader<'_>) -> RawScenario {
    let mut raw = RawScenario::default();
    let Value::Table(doc_table) = &doc.value else {
        return raw;
    };
    let mut top = Tab::new("the scenario file", doc.span.clone(), doc_table);
    // `extends` was resolved by the merge; it is allowed here.
    let _ = top.get("extends");

    if let Some(n) = top.get("scenario") {
        raw.header = read_header(r, n);
    }
    if let Some(n) = top.get("seasonality")
        && let Some(mut t) = r.table(n, "seasonality")
    {
        if let Some(w) = t.get("weights") {
            raw.seasonality = r.numbers(w, "weights");
        }
        t.finish(r, &["weights"]);
    }
    if let Some(n) = top.get("units") {
        match &n.value {
            Value::Table(_) => {
                let mut t = r.table(n, "[units]").expect("is a table");
                if let Some(f) = t.get("file") {
                    raw.units_file = r.string(f, "file");
                }
                if let Some(f) = t.get("edges") {
                    raw.units_edges = r.string(f, "edges");
                }
                if let Some(f) = t.get("sheet") {
                    raw.units_sheet = r.string(f, "sheet");
                }
                if let Some(c) = t.get("columns")
                    && let Some(mut ct) = r.table(c, "[units] columns")
                {
                    for key in UNIT_KEYS {
                        if let Some(n) = ct.get(key)
                            && let Some(name) = r.string(n, key)
                        {
                            raw.units_columns.push((key.to_string(), name));
                        }
                    }
                    ct.finish(r, UNIT_KEYS);
                }
                t.finish(r, &["file", "sheet", "edges", "columns"]);
            }
            Value::Array(items) => {
                for item in items {
                    if let Some(t) = r.table(item, "[[units]]") {
                        raw.units.push(read_unit(r, t));
                    }
                }
            }
            _ => {
                r.err(ProblemKind::WrongType, &n.span, "`units` must be a table `[units] file = \"...\"` or an array of `[[units]]` tables");
            }
        }
    }
    if let Some(n) = top.get("rep_defaults")
        && let Some(mut t) = r.table(n, "[rep_defaults]")
    {
        raw.rep_defaults = read_rep_fields(r, &mut t);
        t.finish(r, REP_FIELD_KEYS);
    }
    if let Some(n) = top.get("groups") {
        raw.groups = read_groups(r, n);
    }
    // Grouping keys a rep may carry: the built-in ones, then the declared
    // ones (a declared key that repeats or clashes is reported by
    // `validate` and not accepted here).
    let group_keys: Vec<String> = BUILTIN_GROUP_KEYS
        .iter()
        .map(|k| k.to_string())
        .chain(
            raw.groups
                .keys
                .iter()
                .map(|k| k.v.clone())
                .filter(|k| declarable_group_key(k)),
        )
        .fold(Vec::new(), |mut v, k| {
            if !v.contains(&k) {
                v.push(k);
            }
            v
        });
    let rep_keys: Vec<&str> = REP_KEYS
        .iter()
        .copied()
        .chain(group_keys.iter().map(String::as_str))
        .collect();
    if let Some(n) = top.get("reps")
        && let Some(items) = r.array(n, "reps")
    {
        for item in items {
            if let Some(mut t) = r.table(item, "[[reps]]") {
                let groups = group_keys
                    .iter()
                    .filter_map(|k| {
                        let v = t.get(k)?;
                        r.string(v, k).map(|v| (k.clone(), v))
                    })
                    .collect();
                let rep = RawRep {
                    written: t.keys(),
                    id: t.get("id").and_then(|n| r.string(n, "id")),
                    name: t.get("name").and_then(|n| r.string(n, "name")),
                    quota_written: t.get("quota").is_some(),
                    home: t.get("home").and_then(|n| r.string(n, "home")),
                    quota: t.get("quota").and_then(|n| r.number(n, "quota")),
                    quota_floor: t
                        .get("quota_floor")
                        .and_then(|n| r.number(n, "quota_floor")),
                    quota_cap: t.get("quota_cap").and_then(|n| r.number(n, "quota_cap")),
                    quota_override: t
                        .get("quota_override")
                        .and_then(|n| r.number(n, "quota_override")),
                    quarterly_quota: t
                        .get("quarterly_quota")
                        .and_then(|n| r.numbers(n, "quarterly_quota")),
                    ramp_remaining: t
                        .get("ramp_remaining")
                        .and_then(|n| r.number(n, "ramp_remaining")),
                    start_month: t
                        .get("start_month")
                        .and_then(|n| r.integer(n, "start_month")),
                    groups,
                    fields: read_rep_fields(r, &mut t),
                    span: Some(item.span.clone()),
                };
                t.finish_hinted(
                    r,
                    &rep_keys,
                    "; a grouping key other than region and manager is declared first: [groups] keys = [\"channel\"]",
                );
                raw.reps.push(rep);
            }
        }
    }
    if let Some(n) = top.get("risks")
        && let Some(items) = r.array(n, "risks")
    {
        for item in items {
            if let Some(t) = r.table(item, "[[risks]]") {
                raw.risks.push(read_risk(r, t, item));
            }
        }
    }
    if let Some(n) = top.get("correlation") {
        raw.correlation = read_correlation(r, n);
    }
    if let Some(n) = top.get("quotas")
        && let Some(mut t) = r.table(n, "[quotas]")
    {
        raw.quotas.method = t.get("method").and_then(|n| r.string(n, "method"));
        raw.quotas.over_assignment = t
            .get("over_assignment")
            .and_then(|n| r.number(n, "over_assignment"));
        raw.quotas.round_to = t.get("round_to").and_then(|n| r.number(n, "round_to"));
        t.finish(r, QUOTA_KEYS);
    }
    if let Some(n) = top.get("mitigations")
        && let Some(items) = r.array(n, "mitigations")
    {
        for item in items {
            if let Some(mut t) = r.table(item, "[[mitigations]]") {
                let mut m = RawMitigation {
                    written: t.keys(),
                    id: t.get("id").and_then(|n| r.string(n, "id")),
                    kind: t.get("kind").and_then(|n| r.string(n, "kind")),
                    description: t
                        .get("description")
                        .and_then(|n| r.string(n, "description")),
                    cost: t.get("cost").and_then(|n| r.number(n, "cost")),
                    span: Some(item.span.clone()),
                    ..RawMitigation::default()
                };
                if let Some(sn) = t.get("set")
                    && let Value::Table(st) = &sn.value
                {
                    for (k, v) in st.iter() {
                        m.set
                            .push((Sp::new(k.name.clone(), k.span.clone()), v.clone()));
                    }
                } else if let Some(sn) = t.get("set") {
                    r.err(
                        ProblemKind::WrongType,
                        &sn.span,
                        "`set` must be a table of \"key.path\" = value overrides",
                    );
                }
                t.finish(r, &["id", "kind", "description", "cost", "set"]);
                raw.mitigations.push(m);
            }
        }
    }
    if let Some(n) = top.get("comp_plan") {
        raw.comp_plan = read_comp(r, n);
    }
    top.finish(r, TOP_KEYS);
    raw
}

fn read_groups(r: &mut Reader<'_>, n: &Node) -> RawGroups {
    let Some(mut t) = r.table(n, "[groups]") else {
        return RawGroups::default();
    };
    let keys = t
        .get("keys")
        .and_then(|k| r.strings(k, "keys"))
        .map_or_else(Vec::new, |k| k.v);
    t.finish(r, &["keys"]);
    RawGroups { keys }
}

fn read_header(r: &mut Reader<'_>, n: &Node) -> RawHeader {
    let Some(mut t) = r.table(n, "[scenario]") else {
        return RawHeader::default();
    };
    let h = RawHeader {
        written: t.keys(),
        name: t.get("name").and_then(|n| r.string(n, "name")),
        currency: t.get("currency").and_then(|n| r.string(n, "currency")),
        months: t.get("months").and_then(|n| r.integer(n, "months")),
        seed: t.get("seed").and_then(|n| r.integer(n, "seed")),
        trials: t.get("trials").and_then(|n| r.integer(n, "trials")),
        company_target: t
            .get("company_target")
            .and_then(|n| r.number(n, "company_target")),
        start: t.get("start").and_then(|n| r.string(n, "start")),
        span: Some(n.span.clone()),
    };
    t.finish(r, SCENARIO_KEYS);
    h
}

fn read_unit(r: &mut Reader<'_>, mut t: Tab<'_>) -> RawUnit {
    let span = Some(t.span.clone());
    let written = t.get("potential").is_some();
    let potential = t.get("potential").and_then(|n| match &n.value {
        Value::Table(_) => read_dist(r, n, "potential").map(RawPotential::Dist),
        _ => r.number(n, "potential").map(RawPotential::Mean),
    });
    let potential_unreadable = written && potential.is_none();
    let u = RawUnit {
        written: t.keys().iter().fold(UnitKeys::default(), |mut w, k| {
            w.insert(k);
            w
        }),
        id: t.get("id").and_then(|n| r.string(n, "id")),
        name: t.get("name").and_then(|n| r.string(n, "name")),
        region: t.get("region").and_then(|n| r.string(n, "region")),
        segment: t.get("segment").and_then(|n| r.string(n, "segment")),
        x: t.get("x").and_then(|n| r.number(n, "x")),
        y: t.get("y").and_then(|n| r.number(n, "y")),
        lat: t.get("lat").and_then(|n| r.number(n, "lat")),
        lon: t.get("lon").and_then(|n| r.number(n, "lon")),
        potential,
        potential_cv: t
            .get("potential_cv")
            .and_then(|n| r.number(n, "potential_cv")),
        deals_per_year: t
            .get("deals_per_year")
            .and_then(|n| r.number(n, "deals_per_year")),
        deal_size_cv: t
            .get("deal_size_cv")
            .and_then(|n| r.number(n, "deal_size_cv")),
        workload_hours: t
            .get("workload_hours")
            .and_then(|n| r.number(n, "workload_hours")),
        accounts: t.get("accounts").and_then(|n| r.number(n, "accounts")),
        owner: t.get("owner").and_then(|n| r.string(n, "owner")),
        locked: t.get("locked").and_then(|n| r.bool(n, "locked")),
        potential_unreadable,
        span,
    };
    t.finish(r, UNIT_KEYS);
    u
}

fn read_rep_fields(r: &mut Reader<'_>, t: &mut Tab<'_>) -> RawRepFields {
    RawRepFields {
        capacity_hours: t
            .get("capacity_hours")
            .and_then(|n| r.number(n, "capacity_hours")),
        capacity_elasticity: t
            .get("capacity_elasticity")
            .and_then(|n| r.number(n, "capacity_elasticity")),
        attrition: t.get("attrition").and_then(|n| r.number(n, "attrition")),
        vacancy_months: t
            .get("vacancy_months")
            .and_then(|n| r.integer(n, "vacancy_months")),
        vacancy_coverage: t
            .get("vacancy_coverage")
            .and_then(|n| r.number(n, "vacancy_coverage")),
        ramp_months: t
            .get("ramp_months")
            .and_then(|n| r.number(n, "ramp_months")),
        productivity: t
            .get("productivity")
            .and_then(|n| read_dist(r, n, "productivity")),
    }
}

fn read_risk(r: &mut Reader<'_>, mut t: Tab<'_>, item: &Node) -> RawRisk {
    let mut risk = RawRisk {
        written: t.keys(),
        id: t.get("id").and_then(|n| r.string(n, "id")),
        kind: t.get("kind").and_then(|n| r.string(n, "kind")),
        probability: t
            .get("probability")
            .and_then(|n| r.number(n, "probability")),
        impact: t.get("impact").and_then(|n| read_dist(r, n, "impact")),
        span: Some(item.span.clone()),
        ..RawRisk::default()
    };
    if let Some(n) = t.get("applies_to") {
        risk.applies_to = match &n.value {
            Value::String(s) if s == "all" => Some(RawScope::All),
            Value::Table(_) => {
                let mut s = r.table(n, "applies_to").expect("is a table");
                let scope = RawScope::Filter(Box::new(RawFilter {
                    regions: s.get("regions").and_then(|n| r.strings(n, "regions")),
                    segments: s.get("segments").and_then(|n| r.strings(n, "segments")),
                    units: s.get("units").and_then(|n| r.strings(n, "units")),
                    reps: s.get("reps").and_then(|n| r.strings(n, "reps")),
                    span: n.span.clone(),
                }));
                if s.is_empty() {
                    r.err(ProblemKind::Missing, &n.span, "`applies_to` is empty")
                        .help("write \"all\" or a table with regions, segments, units or reps");
                }
                s.finish(r, SCOPE_KEYS);
                Some(scope)
            }
            _ => {
                r.err(ProblemKind::WrongType, &n.span, "`applies_to` must be \"all\" or a table")
                    .help("e.g. applies_to = { regions = [\"Zhejiang\"] }; keys: regions, segments, units, reps");
                None
            }
        };
    }
    if let Some(n) = t.get("start")
        && let Some(mut s) = r.table(n, "start")
    {
        let from = s.get("from").and_then(|n| r.integer(n, "from"));
        let to = s.get("to").and_then(|n| r.integer(n, "to"));
        match (from, to) {
            (Some(f), Some(t)) => risk.start = Some((f, t, n.span.clone())),
            (f, t) if f.is_none() && t.is_none() || s.len() < 2 => {
                r.err(
                    ProblemKind::Missing,
                    &n.span,
                    "`start` needs both `from` and `to` (months, inclusive)",
                );
            }
            _ => {}
        }
        s.finish(r, &["from", "to"]);
    }
    t.finish(r, RISK_KEYS);
    risk
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

fn read_correlation(r: &mut Reader<'_>, n: &Node) -> Option<RawCorrelation> {
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
    if let Some(x) = t.get("risks") {
        c.risks = r.strings(x, "risks");
    }
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

fn read_points(r: &mut Reader<'_>, n: &Node, what: &str) -> Option<SpPoints> {
    let items = r.array(n, what)?;
    let mut pts = Vec::new();
    for item in items {
        match &item.value {
            Value::Array(a) if a.len() == 2 => {
                if let (Some(x), Some(y)) = (r.number(&a[0], what), r.number(&a[1], what)) {
                    pts.push((x, y));
                }
            }
            _ => {
                r.err(
                    ProblemKind::Shape,
                    &item.span,
                    format!("each point of `{what}` must be a pair [x, y]"),
                );
            }
        }
    }
    Some(Sp::new(pts, n.span.clone()))
}

fn read_comp(r: &mut Reader<'_>, n: &Node) -> Option<RawComp> {
    let mut t = r.table(n, "[comp_plan]")?;
    let mut c = RawComp {
        written: t.keys(),
        target_incentive: t
            .get("target_incentive")
            .and_then(|n| r.number(n, "target_incentive")),
        budget: t.get("budget").and_then(|n| r.number(n, "budget")),
        span: Some(n.span.clone()),
        ..RawComp::default()
    };
    if let Some(x) = t.get("curve") {
        c.curve = read_points(r, x, "curve");
    }
    if let Some(x) = t.get("commission") {
        c.commission = read_points(r, x, "commission");
    }
    if let Some(x) = t.get("team_bonus")
        && let Some(mut b) = r.table(x, "team_bonus")
    {
        c.team_bonus_pool = b.get("pool").and_then(|n| r.number(n, "pool"));
        c.team_bonus_threshold = b.get("threshold").and_then(|n| r.number(n, "threshold"));
        if c.team_bonus_pool.is_none() && b.get("pool").is_none() {
            r.err(
                ProblemKind::Missing,
                &x.span,
                "`team_bonus` needs `pool` (amount paid when the team reaches its threshold)",
            );
        }
        b.finish(r, &["pool", "threshold"]);
    }
    t.finish(r, COMP_KEYS);
    Some(c)
}
