//! Units as written: `[units]` naming a file (with its sheet, edges and
//! column names), or inline `[[units]]` tables. The rows of a units file
//! are read by `units_csv` into the same [`RawUnit`].

use super::super::reader::{Reader, Sp, Tab};
use super::super::tree::{Node, Value};
use super::RawScenario;
use super::dist::{RawDist, read_dist};
use crate::source::diag::{ProblemKind, Span};

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

/// `units`: where the units are (a file, its sheet and edges, its column
/// names) or the units themselves.
pub(super) fn read_units(r: &mut Reader<'_>, n: &Node, raw: &mut RawScenario) {
    match &n.value {
        Value::Table(_) => {
            let mut t = r.table(n, "[units]").expect("is a table");
            raw.units_file = r.string_at(&mut t, "file");
            raw.units_edges = r.string_at(&mut t, "edges");
            raw.units_sheet = r.string_at(&mut t, "sheet");
            if let Some(c) = t.get("columns")
                && let Some(mut ct) = r.table(c, "[units] columns")
            {
                for key in UNIT_KEYS {
                    if let Some(name) = r.string_at(&mut ct, key) {
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
        id: r.string_at(&mut t, "id"),
        name: r.string_at(&mut t, "name"),
        region: r.string_at(&mut t, "region"),
        segment: r.string_at(&mut t, "segment"),
        x: r.number_at(&mut t, "x"),
        y: r.number_at(&mut t, "y"),
        lat: r.number_at(&mut t, "lat"),
        lon: r.number_at(&mut t, "lon"),
        potential,
        potential_cv: r.number_at(&mut t, "potential_cv"),
        deals_per_year: r.number_at(&mut t, "deals_per_year"),
        deal_size_cv: r.number_at(&mut t, "deal_size_cv"),
        workload_hours: r.number_at(&mut t, "workload_hours"),
        accounts: r.number_at(&mut t, "accounts"),
        owner: r.string_at(&mut t, "owner"),
        locked: r.bool_at(&mut t, "locked"),
        potential_unreadable,
        span,
    };
    t.finish(r, UNIT_KEYS);
    u
}
