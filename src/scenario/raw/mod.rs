//! Stage one: the scenario file as written, every value with its place.
//! Types and unknown keys are checked here; meaning is checked in `validate`.
//! One module per section of the file, as `validate` is split.

mod comp;
mod correlation;
mod dist;
mod groups;
mod header;
mod mitigations;
mod quotas;
mod reps;
mod risks;
mod units;

pub use comp::{RawComp, SpPoints};
pub use correlation::{RawCorrelation, SpMatrix};
pub use dist::{RawDist, RawParam};
pub use groups::{BUILTIN_GROUP_KEYS, RawGroups};
pub use header::RawHeader;
pub use mitigations::RawMitigation;
pub use quotas::RawQuotas;
pub use reps::{REP_KEYS, RawRep, RawRepFields};
pub use risks::{RawFilter, RawRisk, RawScope, SpStrings};
pub use units::{RawPotential, RawUnit, UNIT_KEYS};

use super::reader::{Reader, Sp, Tab};
use super::tree::{self, Node, Value};
use crate::source::diag::Problems;

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

/// Reads the whole document; syntax errors come back as problems too.
pub fn read(text: &str, file: usize, problems: &mut Problems) -> RawScenario {
    let (doc, _) = tree::parse(text, file, problems);
    read_doc(&doc, &mut Reader { problems })
}

/// Reads a parsed (possibly merged) document, section by section.
pub fn read_doc(doc: &Node, r: &mut Reader<'_>) -> RawScenario {
    let mut raw = RawScenario::default();
    let Value::Table(doc_table) = &doc.value else {
        return raw;
    };
    let mut top = Tab::new("the scenario file", doc.span.clone(), doc_table);
    // `extends` was resolved by the merge; it is allowed here.
    let _ = top.get("extends");

    if let Some(n) = top.get("scenario") {
        raw.header = header::read_header(r, n);
    }
    if let Some(n) = top.get("seasonality") {
        raw.seasonality = header::read_seasonality(r, n);
    }
    if let Some(n) = top.get("units") {
        units::read_units(r, n, &mut raw);
    }
    if let Some(n) = top.get("rep_defaults") {
        raw.rep_defaults = reps::read_rep_defaults(r, n);
    }
    if let Some(n) = top.get("groups") {
        raw.groups = groups::read_groups(r, n);
    }
    let group_keys = groups::group_keys(&raw.groups);
    if let Some(n) = top.get("reps") {
        raw.reps = reps::read_reps(r, n, &group_keys);
    }
    if let Some(n) = top.get("risks") {
        raw.risks = risks::read_risks(r, n);
    }
    if let Some(n) = top.get("correlation") {
        raw.correlation = correlation::read_correlation(r, n);
    }
    if let Some(n) = top.get("quotas") {
        raw.quotas = quotas::read_quotas(r, n);
    }
    if let Some(n) = top.get("mitigations") {
        raw.mitigations = mitigations::read_mitigations(r, n);
    }
    if let Some(n) = top.get("comp_plan") {
        raw.comp_plan = comp::read_comp(r, n);
    }
    top.finish(r, TOP_KEYS);
    raw
}
