//! Grouping keys on reps (`region`, `manager`, and the keys `[groups]
//! keys` declares): which keys are in use, and each rep's value of each.
//! Every rep carries every key in use, so each key's roll-up adds up to
//! the team.

use super::super::raw::{BUILTIN_GROUP_KEYS, REP_KEYS, RawScenario};
use super::context::Context;
use crate::source::diag::ProblemKind;

/// Each `[[reps]]` entry's grouping keys and values, in the order of the
/// keys in use (built-in keys first, then the declared ones).
pub fn validate(cx: &mut Context<'_>, raw: &RawScenario) -> Vec<Vec<(String, String)>> {
    let mut declared: Vec<String> = Vec::new();
    for k in &raw.groups.keys {
        let name = k.v.as_str();
        let problem = if BUILTIN_GROUP_KEYS.contains(&name) {
            Some(format!(
                "`{name}` is always a grouping key: leave it out of [groups] keys"
            ))
        } else if REP_KEYS.contains(&name) {
            Some(format!(
                "`{name}` is a rep setting, not a grouping key: choose another name"
            ))
        } else if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            Some(format!(
                "grouping key `{name}` must be letters a-z, digits, `_` or `-` (it names a column and a gate path)"
            ))
        } else if declared.iter().any(|d| d == name) {
            Some(format!("grouping key `{name}` is declared twice"))
        } else {
            None
        };
        match problem {
            Some(msg) => {
                let kind = if declared.iter().any(|d| d == name) {
                    ProblemKind::Duplicate
                } else {
                    ProblemKind::Conflict
                };
                cx.err(kind, &k.span, msg)
                    .help("e.g. [groups] keys = [\"channel\", \"team\"]; region and manager need no declaration");
            }
            None => declared.push(name.to_string()),
        }
    }
    // Keys in use: a built-in key some rep carries, and every declared key.
    let mut keys: Vec<String> = BUILTIN_GROUP_KEYS
        .iter()
        .filter(|k| {
            raw.reps
                .iter()
                .any(|r| r.groups.iter().any(|(g, _)| g == *k))
        })
        .map(|k| k.to_string())
        .collect();
    for d in declared {
        if raw
            .reps
            .iter()
            .any(|r| r.groups.iter().any(|(g, _)| *g == d))
        {
            keys.push(d);
        } else if let Some(k) = raw.groups.keys.iter().find(|k| k.v == d) {
            cx.warn(
                ProblemKind::NoEffect,
                &k.span,
                format!("grouping key `{d}` is declared but no rep carries it"),
            )
            .help(format!("give reps a value, e.g. {d} = \"...\" in [[reps]]"));
        }
    }
    let mut out = Vec::with_capacity(raw.reps.len());
    for r in &raw.reps {
        let mut mine = Vec::with_capacity(keys.len());
        for key in &keys {
            match r.groups.iter().find(|(k, _)| k == key) {
                Some((_, v)) if v.v.trim().is_empty() => {
                    cx.err(ProblemKind::Missing, &v.span, format!("`{key}` is empty"))
                        .help(format!("give the rep's {key}, e.g. {key} = \"unassigned\""));
                }
                Some((_, v)) => mine.push((key.clone(), v.v.clone())),
                // A value of the wrong type was reported as such.
                None if r.written.iter().any(|k| k == key) => {}
                None => {
                    let span =
                        r.id.as_ref()
                            .map(|i| i.span.clone())
                            .or_else(|| r.span.clone())
                            .unwrap_or(cx.top.clone());
                    let id = r.id.as_ref().map_or("?", |i| i.v.as_str());
                    cx.err(
                        ProblemKind::Missing,
                        &span,
                        format!("rep `{id}` has no `{key}`, but other reps have one"),
                    )
                    .help(format!(
                        "every rep carries every grouping key in use ({}), so each roll-up adds up to the team; e.g. {key} = \"unassigned\"",
                        keys.join(", ")
                    ));
                }
            }
        }
        out.push(mine);
    }
    out
}
