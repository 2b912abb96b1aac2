//! `[[mitigations]]`: each needs an id, a known kind and a cost; its `set`
//! keys are overrides as `--set` takes them, applied when it is evaluated.

use super::super::overrides::Override;
use super::super::raw::RawScenario;
use super::super::tree::Key;
use super::super::{Mitigation, MitigationKind};
use super::context::{Context, IdRule, MAX_AMOUNT};
use crate::source::diag::{ProblemKind, Sources};

const ID: IdRule = IdRule {
    entry: "a [[mitigations]] entry",
    kind: "mitigation",
    missing_help: None,
    unique_help: false,
};

pub fn validate(cx: &mut Context<'_>, raw: &RawScenario, sources: &Sources) -> Vec<Mitigation> {
    let mut out: Vec<Mitigation> = Vec::new();
    for m in &raw.mitigations {
        let span = m.span.clone().unwrap_or(cx.top.clone());
        let seen =
            m.id.as_ref()
                .is_some_and(|i| out.iter().any(|x| x.id == i.v));
        let Some(id) = cx.new_id(&m.id, &span, seen, m.written.iter().any(|k| k == "id"), &ID)
        else {
            continue;
        };
        let kind = match &m.kind {
            None => MitigationKind::Reduction,
            Some(k) => MitigationKind::ALL
                .into_iter()
                .find(|x| x.name() == k.v)
                .unwrap_or_else(|| {
                    let names: Vec<&str> = MitigationKind::ALL.iter().map(|x| x.name()).collect();
                    cx.err(
                        ProblemKind::UnknownName,
                        &k.span,
                        format!("unknown mitigation kind `{}`", k.v),
                    )
                    .help(format!("allowed: {}", names.join(", ")));
                    MitigationKind::Reduction
                }),
        };
        let cost = match &m.cost {
            Some(c) if c.v.is_finite() && c.v >= 0.0 && c.v <= MAX_AMOUNT => c.v,
            Some(c) => {
                cx.err(
                    ProblemKind::OutOfRange,
                    &c.span,
                    format!("`cost` must be a number >= 0, found {}", c.v),
                );
                0.0
            }
            None if m.written.iter().any(|k| k == "cost") => 0.0,
            None => {
                cx.err(
                    ProblemKind::Missing,
                    &span,
                    format!("mitigation `{}` has no `cost`", id.v),
                )
                .help("what it costs over the horizon, in the scenario's currency (0 if free)");
                0.0
            }
        };
        if m.set.is_empty() {
            cx.err(
                ProblemKind::Missing,
                &span,
                format!("mitigation `{}` changes nothing", id.v),
            )
            .help("give set = { \"key.path\" = value, ... } with the overrides it makes");
        }
        let overrides = m
            .set
            .iter()
            .map(|(k, v)| {
                let key = Key {
                    name: k.v.clone(),
                    span: k.span.clone(),
                };
                Override::in_file(&key, v, sources)
            })
            .collect();
        out.push(Mitigation {
            id: id.v.clone(),
            kind,
            description: m
                .description
                .as_ref()
                .map_or_else(String::new, |d| d.v.clone()),
            cost,
            overrides,
        });
    }
    out
}
