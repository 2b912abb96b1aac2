//! What every section's rules share: where problems go, what the scenario
//! is for, and the checks of single values.

use super::super::Purpose;
use super::super::diag::{Problem, ProblemKind, Problems, Span};
use super::super::reader::Sp;

/// The state shared by the sections while a scenario is validated.
pub struct Context<'p> {
    pub problems: &'p mut Problems,
    pub purpose: Purpose,
    /// Where problems without a better place point (the scenario file).
    pub top: Span,
    /// The horizon, once `[scenario]` has been read.
    pub months: usize,
}

impl Context<'_> {
    pub fn err(&mut self, kind: ProblemKind, span: &Span, msg: impl Into<String>) -> &mut Problem {
        self.problems.error(kind, span, msg)
    }

    pub fn warn(&mut self, kind: ProblemKind, span: &Span, msg: impl Into<String>) -> &mut Problem {
        self.problems.warning(kind, span, msg)
    }

    /// An entry's id when it has one not `seen` before; a missing or
    /// repeated id is reported. `entry` names the entry in messages ("a
    /// [[reps]] entry"), `kind` the id ("rep").
    pub fn new_id<'a>(
        &mut self,
        id: &'a Option<Sp<String>>,
        entry: &Span,
        seen: bool,
        rule: &IdRule,
    ) -> Option<&'a Sp<String>> {
        let Some(id) = id else {
            let p = self.err(
                ProblemKind::Missing,
                entry,
                format!("{} has no `id`", rule.entry),
            );
            if let Some(h) = rule.missing_help {
                p.help(h);
            }
            return None;
        };
        if seen {
            let p = self.err(
                ProblemKind::Duplicate,
                &id.span,
                format!("duplicate {} id `{}`", rule.kind, id.v),
            );
            if rule.unique_help {
                p.help(format!("{} ids must be unique", rule.kind));
            }
            return None;
        }
        Some(id)
    }

    pub fn has_errors(&self) -> bool {
        self.problems.has_errors()
    }

    pub fn finite(&mut self, x: &Sp<f64>, what: &str) -> Option<f64> {
        if x.v.is_finite() {
            Some(x.v)
        } else {
            self.err(
                ProblemKind::OutOfRange,
                &x.span,
                format!("`{what}` must be a finite number, found {}", x.v),
            );
            None
        }
    }

    pub fn non_negative(&mut self, x: &Sp<f64>, what: &str) -> Option<f64> {
        let v = self.finite(x, what)?;
        if v < 0.0 {
            self.err(
                ProblemKind::OutOfRange,
                &x.span,
                format!("`{what}` must not be negative, found {v}"),
            )
            .help(format!("allowed: {what} >= 0"));
            return None;
        }
        Some(v)
    }

    pub fn positive(&mut self, x: &Sp<f64>, what: &str) -> Option<f64> {
        let v = self.finite(x, what)?;
        if v <= 0.0 {
            self.err(
                ProblemKind::OutOfRange,
                &x.span,
                format!("`{what}` must be positive, found {v}"),
            )
            .help(format!("allowed: {what} > 0"));
            return None;
        }
        Some(v)
    }

    /// An optional positive value: `Some(None)` when absent, `None` when bad.
    pub fn opt_positive(&mut self, x: &Option<Sp<f64>>, what: &str) -> Option<Option<f64>> {
        match x {
            Some(q) => self.positive(q, what).map(Some),
            None => Some(None),
        }
    }

    pub fn probability(&mut self, x: &Sp<f64>, what: &str) -> Option<f64> {
        let v = self.finite(x, what)?;
        if !(0.0..=1.0).contains(&v) {
            self.err(
                ProblemKind::OutOfRange,
                &x.span,
                format!("`{what}` must be a probability between 0 and 1, found {v}"),
            )
            .help("allowed: 0 <= value <= 1");
            return None;
        }
        Some(v)
    }

    /// A month of the horizon (1-based).
    pub fn month(&mut self, x: &Sp<i64>, what: &str) -> Option<u32> {
        let months = self.months;
        if x.v < 1 || x.v > months as i64 {
            self.err(
                ProblemKind::OutOfRange,
                &x.span,
                format!(
                    "`{what}` must be a month between 1 and {months}, found {}",
                    x.v
                ),
            )
            .help(format!(
                "allowed: 1..={months} (the horizon is {months} months)"
            ));
            return None;
        }
        Some(x.v as u32)
    }
}

/// How an entry's id is named in messages.
pub struct IdRule {
    pub entry: &'static str,
    pub kind: &'static str,
    pub missing_help: Option<&'static str>,
    pub unique_help: bool,
}
