//! A check suite: every scenario of a folder against its baseline, each
//! one a case. A scenario that cannot be simulated is an errored case, one
//! without a baseline or with a metric it lacks a failed one; a gate metric
//! that no scenario has is a mistake on the command line, not a failed
//! gate.

use super::{Adjust, CompareError, Comparison, Gate, GateResult, Side, compare, lookup};
use std::collections::BTreeSet;

/// How one scenario of the suite came out.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Compared(Comparison),
    /// Not compared: a missing baseline or a metric the summaries lack.
    Failed(GateResult),
    /// Not compared: the scenario or its baseline could not be read or run.
    Errored(GateResult),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub name: String,
    pub outcome: Outcome,
}

impl Case {
    /// Its gate verdicts (one for a case not compared).
    pub fn gates(&self) -> &[GateResult] {
        match &self.outcome {
            Outcome::Compared(c) => &c.gates,
            Outcome::Failed(g) | Outcome::Errored(g) => std::slice::from_ref(g),
        }
    }

    pub fn passed(&self) -> bool {
        self.gates().iter().all(|g| g.passed)
    }
}

/// The cases in the order they were run, and what the gates' metrics are
/// checked against.
#[derive(Clone, Debug, Default)]
pub struct Suite {
    pub cases: Vec<Case>,
    /// Gate metrics some scenario has.
    known: BTreeSet<String>,
    /// Metric errors met on the way, checked against `known` at the end.
    metric_errors: Vec<CompareError>,
}

impl Suite {
    /// A scenario or baseline that could not be read or run, at `stage`.
    pub fn errored(&mut self, name: &str, stage: &str, why: String) {
        self.cases.push(Case {
            name: name.to_string(),
            outcome: Outcome::Errored(GateResult::errored(stage, why)),
        });
    }

    /// A scenario that could not be compared, at `stage`.
    pub fn failed(&mut self, name: &str, stage: &str, why: String) {
        self.cases.push(Case {
            name: name.to_string(),
            outcome: Outcome::Failed(GateResult::failed(stage, why)),
        });
    }

    /// Notes which gate metrics a simulated candidate has.
    pub fn saw(&mut self, candidate: &Side, gates: &[Gate]) {
        for g in gates {
            if lookup(&candidate.summary, g.metric()).is_some() {
                self.known.insert(g.metric().to_string());
            }
        }
    }

    /// Compares a scenario with its baseline under `gates`.
    pub fn compare(
        &mut self,
        name: &str,
        base: &Side,
        candidate: &Side,
        gates: &[Gate],
        adjust: Adjust,
    ) {
        match compare(base, candidate, &[], gates, adjust) {
            Ok(c) => self.cases.push(Case {
                name: name.to_string(),
                outcome: Outcome::Compared(c),
            }),
            Err(e) => {
                self.failed(name, "metrics", e.to_string());
                self.metric_errors.push(e);
            }
        }
    }

    /// A gate metric that no scenario has: a typo on the command line.
    pub fn unknown_metric(&self) -> Option<&CompareError> {
        self.metric_errors
            .iter()
            .find(|e| !self.known.contains(e.metric()))
    }

    /// Some scenario or baseline could not be read or run.
    pub fn errored_any(&self) -> bool {
        self.cases
            .iter()
            .any(|c| matches!(c.outcome, Outcome::Errored(_)))
    }

    /// Every case compared and passed every gate.
    pub fn passed(&self) -> bool {
        self.cases.iter().all(Case::passed)
    }
}
