//! `[[mitigations]]` as written: id, kind, description, cost and the
//! overrides it sets.

use super::super::reader::{Reader, Sp, Tab};
use super::super::tree::{Node, Value};
use crate::source::diag::{ProblemKind, Span};

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

pub(super) fn read_mitigations(r: &mut Reader<'_>, n: &Node) -> Vec<RawMitigation> {
    let mut mitigations = Vec::new();
    if let Some(items) = r.array(n, "mitigations") {
        for item in items {
            if let Some(t) = r.table(item, "[[mitigations]]") {
                mitigations.push(read_mitigation(r, t, item));
            }
        }
    }
    mitigations
}

fn read_mitigation(r: &mut Reader<'_>, mut t: Tab<'_>, item: &Node) -> RawMitigation {
    let mut m = RawMitigation {
        written: t.keys(),
        id: r.string_at(&mut t, "id"),
        kind: r.string_at(&mut t, "kind"),
        description: r.string_at(&mut t, "description"),
        cost: r.number_at(&mut t, "cost"),
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
    m
}
