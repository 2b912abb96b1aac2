//! The family table: the one place distribution families are named.

use super::Dist;

/// A distribution family as scenario files write it. This table is the one
/// place the families are known: validation checks names and parameters
/// against it, help texts list it, and the generator writes it.
#[derive(Debug, PartialEq, Eq)]
pub struct Family {
    pub name: &'static str,
    /// Parameters the family takes, in the order files write them.
    pub params: &'static [&'static str],
    /// Parameters it needs.
    pub required: &'static [&'static str],
    /// Parameters of which it needs one (a log-normal's `sd` or `cv`).
    pub one_of: &'static [&'static str],
    /// Parameters that are lists of numbers rather than numbers.
    pub lists: &'static [&'static str],
}

const fn spec(
    name: &'static str,
    params: &'static [&'static str],
    required: &'static [&'static str],
) -> Family {
    Family {
        name,
        params,
        required,
        one_of: &[],
        lists: &[],
    }
}

/// Every family, in the order help texts list them.
pub const FAMILIES: &[Family] = &[
    spec("fixed", &["value"], &["value"]),
    spec("normal", &["mean", "sd"], &["mean", "sd"]),
    Family {
        one_of: &["sd", "cv"],
        ..spec("lognormal", &["mean", "sd", "cv"], &["mean"])
    },
    spec("uniform", &["min", "max"], &["min", "max"]),
    spec(
        "triangular",
        &["min", "mode", "max"],
        &["min", "mode", "max"],
    ),
    spec("pert", &["min", "mode", "max"], &["min", "mode", "max"]),
    spec("beta", &["alpha", "beta", "min", "max"], &["alpha", "beta"]),
    Family {
        lists: &["values", "weights"],
        ..spec("discrete", &["values", "weights"], &["values"])
    },
    spec("bernoulli", &["p"], &["p"]),
];

impl Family {
    pub fn by_name(name: &str) -> Option<&'static Family> {
        FAMILIES.iter().find(|f| f.name == name)
    }

    /// Family names, for help texts and suggestions.
    pub fn names() -> Vec<&'static str> {
        FAMILIES.iter().map(|f| f.name).collect()
    }
}

impl Dist {
    /// The family's entry in [`FAMILIES`].
    pub fn spec(&self) -> &'static Family {
        &FAMILIES[match self {
            Dist::Fixed(_) => 0,
            Dist::Normal { .. } => 1,
            Dist::LogNormal { .. } => 2,
            Dist::Uniform { .. } => 3,
            Dist::Triangular { .. } => 4,
            Dist::Pert { .. } => 5,
            Dist::Beta { .. } => 6,
            Dist::Discrete { .. } => 7,
            Dist::Bernoulli { .. } => 8,
        }]
    }

    /// Stable family name used in reports and serialised scenarios.
    pub fn family(&self) -> &'static str {
        self.spec().name
    }
}
