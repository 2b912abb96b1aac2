//! `[[risks]]` as written: kind, probability, the units each reaches, its
//! start window and impact.

use super::super::reader::{Reader, Sp, Tab};
use super::super::tree::{Node, Value};
use super::dist::{RawDist, read_dist};
use crate::source::diag::{ProblemKind, Span};

const RISK_KEYS: &[&str] = &["id", "kind", "probability", "applies_to", "start", "impact"];
const SCOPE_KEYS: &[&str] = &["regions", "segments", "units", "reps"];

/// Spanned list of spanned strings.
pub type SpStrings = Sp<Vec<Sp<String>>>;

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

pub(super) fn read_risks(r: &mut Reader<'_>, n: &Node) -> Vec<RawRisk> {
    let mut risks = Vec::new();
    if let Some(items) = r.array(n, "risks") {
        for item in items {
            if let Some(t) = r.table(item, "[[risks]]") {
                risks.push(read_risk(r, t, item));
            }
        }
    }
    risks
}

fn read_risk(r: &mut Reader<'_>, mut t: Tab<'_>, item: &Node) -> RawRisk {
    let mut risk = RawRisk {
        written: t.keys(),
        id: r.string_at(&mut t, "id"),
        kind: r.string_at(&mut t, "kind"),
        probability: r.number_at(&mut t, "probability"),
        impact: r.at(&mut t, "impact", read_dist),
        span: Some(item.span.clone()),
        ..RawRisk::default()
    };
    if let Some(n) = t.get("applies_to") {
        risk.applies_to = read_scope(r, n);
    }
    if let Some(n) = t.get("start") {
        risk.start = read_start(r, n);
    }
    t.finish(r, RISK_KEYS);
    risk
}

/// `applies_to`: `"all"` or a filter.
fn read_scope(r: &mut Reader<'_>, n: &Node) -> Option<RawScope> {
    match &n.value {
        Value::String(s) if s == "all" => Some(RawScope::All),
        Value::Table(_) => {
            let mut s = r.table(n, "applies_to").expect("is a table");
            let scope = RawScope::Filter(Box::new(RawFilter {
                regions: r.strings_at(&mut s, "regions"),
                segments: r.strings_at(&mut s, "segments"),
                units: r.strings_at(&mut s, "units"),
                reps: r.strings_at(&mut s, "reps"),
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
    }
}

/// `start = { from, to }`: the months a risk may start in.
fn read_start(r: &mut Reader<'_>, n: &Node) -> Option<(Sp<i64>, Sp<i64>, Span)> {
    let mut s = r.table(n, "start")?;
    let from = r.integer_at(&mut s, "from");
    let to = r.integer_at(&mut s, "to");
    let start = match (from, to) {
        (Some(f), Some(t)) => Some((f, t, n.span.clone())),
        (f, t) if f.is_none() && t.is_none() || s.len() < 2 => {
            r.err(
                ProblemKind::Missing,
                &n.span,
                "`start` needs both `from` and `to` (months, inclusive)",
            );
            None
        }
        _ => None,
    };
    s.finish(r, &["from", "to"]);
    start
}
