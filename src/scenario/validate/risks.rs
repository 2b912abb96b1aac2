//! `[[risks]]`: kind, probability, start window, impact and the units each
//! risk reaches.

use super::super::raw::{RawFilter, RawRisk, RawScenario, RawScope, SpStrings};
use super::context::{Context, IdRule, with_percent_hint};
use super::dist::{Scale, dist, scale};
use super::reps::Reps;
use super::units::{Tag, Units};
use crate::model::{Risk, RiskKind};
use crate::source::diag::{ProblemKind, did_you_mean};
use std::collections::{BTreeSet, HashMap};

const ID: IdRule = IdRule {
    entry: "a [[risks]] entry",
    kind: "risk",
    missing_help: None,
    unique_help: true,
};

pub struct Risks {
    pub risks: Vec<Risk>,
    /// Ids of every entry with an id, in file order (including risks that
    /// failed their own checks).
    pub ids: HashMap<String, usize>,
}

/// Scopes are checked against the units only when they could be read
/// (after an unreadable units file, scopes are not reported as naming
/// nothing).
pub fn validate(cx: &mut Context<'_>, raw: &RawScenario, reps: &Reps, units: &Units) -> Risks {
    let units_known = units.known;
    let regions = units.regions.names();
    let segments = units.segments.names();
    let mut out = Risks {
        risks: Vec::new(),
        ids: HashMap::new(),
    };
    for r in &raw.risks {
        let span = r.span.clone().unwrap_or(cx.top.clone());
        let seen = r.id.as_ref().is_some_and(|i| out.ids.contains_key(&i.v));
        let Some(id) = cx.new_id(&r.id, &span, seen, r.written.iter().any(|k| k == "id"), &ID)
        else {
            continue;
        };
        out.ids.insert(id.v.clone(), out.ids.len());
        let kind = kind(cx, r, &id.v);
        let written = |k: &str| r.written.iter().any(|w| w == k);
        let impact = match &r.impact {
            None if written("impact") => None,
            None => {
                cx.err(ProblemKind::Missing, &span, format!("risk `{}` has no `impact`", id.v)).help("e.g. impact = { normal = { mean = 0.0, sd = 0.06 } }");
                None
            }
            Some(d) => dist(cx, d, "impact").and_then(|dist| {
                if matches!(kind, Some(RiskKind::AccountLoss { .. })) {
                    let (lo, hi) = dist.support();
                    if lo < 0.0 || hi > 1.0 {
                        cx.err(ProblemKind::OutOfRange, &d.span, "an account_loss impact is the share of sales lost and must lie in [0, 1]")
                            .help(with_percent_hint("use uniform, triangular, pert or beta with 0 <= min and max <= 1", hi));
                        return None;
                    }
                } else if matches!(kind, Some(RiskKind::Shock | RiskKind::Event { .. }))
                    && !scale(cx, d, &dist, "impact", Scale::Change)
                {
                    return None;
                }
                Some(dist)
            }),
        };
        let scope = match &r.applies_to {
            None if written("applies_to") => None,
            None => {
                cx.err(ProblemKind::Missing, &span, format!("risk `{}` has no `applies_to`", id.v)).help("write applies_to = \"all\" or a table with regions, segments, units or reps");
                None
            }
            Some(RawScope::All) => Some((0..units.units.len()).collect::<Vec<_>>()),
            Some(RawScope::Filter(_)) if !units_known => None,
            Some(RawScope::Filter(f)) => {
                filter(cx, f, raw, reps, units, &regions, &segments).inspect(|s| {
                    if s.is_empty() && units.ok {
                        cx.warn(
                            ProblemKind::NoEffect,
                            &f.span,
                            format!(
                                "risk `{}` applies to no unit (its filters select nothing together)",
                                id.v
                            ),
                        );
                    }
                })
            }
        };
        if let (Some(kind), Some(impact), Some(units)) = (kind, impact, scope) {
            out.risks.push(Risk {
                id: id.v.clone(),
                kind,
                units,
                impact,
            });
        }
    }
    out
}

fn kind(cx: &mut Context<'_>, r: &RawRisk, id: &str) -> Option<RiskKind> {
    let span = r.span.clone().unwrap_or(cx.top.clone());
    let probability = r
        .probability
        .as_ref()
        .map(|p| cx.probability(p, "probability"));
    let kinds = RiskKind::NAMES.join(", ");
    let written = |k: &str| r.written.iter().any(|w| w == k);
    let kind = match r.kind.as_ref().map(|k| k.v.as_str()) {
        None if written("kind") => None,
        None => {
            cx.err(
                ProblemKind::Missing,
                &span,
                format!("risk `{id}` has no `kind`"),
            )
            .help(format!("allowed: {kinds}"));
            None
        }
        Some("shock") => {
            if let Some(p) = &r.probability {
                cx.err(
                    ProblemKind::Conflict,
                    &p.span,
                    "a shock has no `probability`; it always applies",
                )
                .help("use kind = \"event\" for something that may or may not happen");
            }
            Some(RiskKind::Shock)
        }
        Some("event") => {
            let start = match &r.start {
                None => Some((1, cx.months as u32)),
                Some((f, t, s)) => match (cx.month(f, "from"), cx.month(t, "to")) {
                    (Some(a), Some(b)) if a <= b => Some((a, b)),
                    (Some(a), Some(b)) => {
                        cx.err(
                            ProblemKind::Conflict,
                            s,
                            format!("`start` window must have from <= to, found from {a} > to {b}"),
                        );
                        None
                    }
                    _ => None,
                },
            };
            match probability {
                None if written("probability") => None,
                None => {
                    cx.err(
                        ProblemKind::Missing,
                        &span,
                        format!("event `{id}` needs a `probability`"),
                    )
                    .help("the chance it happens within the horizon, 0..=1");
                    None
                }
                Some(p) => p
                    .zip(start)
                    .map(|(probability, start)| RiskKind::Event { probability, start }),
            }
        }
        Some("account_loss") => match probability {
            None if written("probability") => None,
            None => {
                cx.err(
                    ProblemKind::Missing,
                    &span,
                    format!("account_loss `{id}` needs a `probability`"),
                )
                .help("the chance each unit in scope loses a share of its sales");
                None
            }
            Some(p) => p.map(|probability| RiskKind::AccountLoss { probability }),
        },
        Some(other) => {
            let k = r.kind.as_ref().expect("matched Some");
            let mut help = String::new();
            if let Some(s) = did_you_mean(other, &RiskKind::NAMES) {
                help.push_str(&format!("did you mean `{s}`? "));
            }
            help.push_str(&format!("allowed: {kinds}"));
            cx.err(
                ProblemKind::UnknownName,
                &k.span,
                format!("unknown risk kind `{other}`"),
            )
            .help(help);
            None
        }
    };
    if let Some((_, _, s)) = &r.start
        && !matches!(kind, Some(RiskKind::Event { .. }) | None)
    {
        cx.err(
            ProblemKind::Conflict,
            s,
            "only events have a `start` window",
        );
    }
    kind
}

/// The units a filter selects (all its lists must match), or `None` when it
/// names something the scenario does not have.
fn filter(
    cx: &mut Context<'_>,
    f: &RawFilter,
    raw: &RawScenario,
    reps: &Reps,
    units: &Units,
    regions: &BTreeSet<&str>,
    segments: &BTreeSet<&str>,
) -> Option<Vec<usize>> {
    let mut ok = true;
    let mut check =
        |list: &Option<SpStrings>, known: &dyn Fn(&str) -> bool, all: Vec<&str>, what: &str| {
            let Some(l) = list else { return };
            if l.v.is_empty() {
                cx.err(ProblemKind::Missing, &l.span, format!("`{what}` is empty"));
                ok = false;
            }
            for s in &l.v {
                if !known(&s.v) {
                    ok = false;
                    let p = cx.err(
                        ProblemKind::UnknownName,
                        &s.span,
                        format!("`{}` is not one of the scenario's {what}", s.v),
                    );
                    match did_you_mean(&s.v, &all) {
                        Some(m) => p.help(format!(
                            "did you mean `{m}`? known {what}: {}",
                            all.join(", ")
                        )),
                        None => p.help(format!("known {what}: {}", all.join(", "))),
                    };
                }
            }
        };
    check(
        &f.regions,
        &|s| regions.contains(s),
        regions.iter().copied().collect(),
        "regions",
    );
    check(
        &f.segments,
        &|s| segments.contains(s),
        segments.iter().copied().collect(),
        "segments",
    );
    check(
        &f.units,
        &|s| units.index.contains_key(s),
        Vec::new(),
        "units",
    );
    check(
        &f.reps,
        &|s| reps.index.contains_key(s),
        raw.reps
            .iter()
            .filter_map(|r| r.id.as_ref().map(|i| i.v.as_str()))
            .collect(),
        "reps",
    );
    // Each list as a set, so a million units are matched in one pass.
    let texts = |l: &Option<SpStrings>, tag: &Tag| {
        l.as_ref()
            .map(|l| tag.selected(l.v.iter().map(|x| x.v.as_str())))
    };
    let in_regions = texts(&f.regions, &units.regions);
    let in_segments = texts(&f.segments, &units.segments);
    let in_units: Option<Vec<bool>> = f.units.as_ref().map(|l| {
        let mut yes = vec![false; units.units.len()];
        for x in &l.v {
            if let Some(&i) = units.index.get(&x.v) {
                yes[i] = true;
            }
        }
        yes
    });
    let of_reps: Option<Vec<bool>> = f.reps.as_ref().map(|l| {
        let mut yes = vec![false; reps.index.values().max().map_or(0, |m| m + 1)];
        for x in &l.v {
            if let Some(&r) = reps.index.get(&x.v) {
                yes[r] = true;
            }
        }
        yes
    });
    ok.then(|| {
        (0..units.units.len())
            .filter(|&i| {
                let u = &units.units[i];
                in_regions
                    .as_ref()
                    .is_none_or(|yes| yes[units.regions.of(i)])
                    && in_segments
                        .as_ref()
                        .is_none_or(|yes| yes[units.segments.of(i)])
                    && in_units.as_ref().is_none_or(|yes| yes[i])
                    && of_reps
                        .as_ref()
                        .is_none_or(|yes| u.owner.is_some_and(|r| yes.get(r) == Some(&true)))
            })
            .collect()
    })
}
