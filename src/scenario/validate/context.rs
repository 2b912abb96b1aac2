//! What every section's rules share: where problems go, what the scenario
//! is for, and the checks of single values.

use super::super::Purpose;
use super::super::reader::Sp;
use crate::source::diag::{Problem, ProblemKind, Problems, Span};

/// The state shared by the sections while a scenario is validated.
pub struct Context<'p> {
    pub problems: &'p mut Problems,
    pub purpose: Purpose,
    /// Where problems without a better place point (the scenario file).
    pub top: Span,
    /// The horizon, once `[scenario]` has been read.
    pub months: usize,
    /// How the caller spells its settings, for help that names one.
    pub spelling: crate::source::Spelling,
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
        id_written: bool,
        rule: &IdRule,
    ) -> Option<&'a Sp<String>> {
        let Some(id) = id else {
            // An id of the wrong type was reported as such.
            if id_written {
                return None;
            }
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

    /// An optional positive amount: `Some(None)` when absent, `None` when bad.
    pub fn opt_amount(&mut self, x: &Option<Sp<f64>>, what: &str) -> Option<Option<f64>> {
        match x {
            Some(q) => self.amount(q, what, true).map(Some),
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
            .help(with_percent_hint("allowed: 0 <= value <= 1", v));
            return None;
        }
        Some(v)
    }

    /// An amount of money (or a count of hours, accounts): finite, not
    /// negative (positive when `positive`), and at most [`MAX_AMOUNT`], so
    /// sums stay exact to the cent and never overflow.
    pub fn amount(&mut self, x: &Sp<f64>, what: &str, positive: bool) -> Option<f64> {
        let v = if positive {
            self.positive(x, what)?
        } else {
            self.non_negative(x, what)?
        };
        if v > MAX_AMOUNT {
            self.err(
                ProblemKind::OutOfRange,
                &x.span,
                format!("`{what}` is {v:e}, more than the {MAX_AMOUNT:e} quotaplan accepts"),
            )
            .help("amounts are in the scenario's currency (and hours in hours); 1e15 is a thousand trillion");
            return None;
        }
        Some(v)
    }

    /// A coefficient of variation: not negative; above [`MAX_CV`] it can
    /// only be a percentage typed as a whole number (an error); above 1 it
    /// is legal but unusual (a warning).
    pub fn cv(&mut self, x: &Sp<f64>, what: &str) -> Option<f64> {
        self.cv_warn_above(x, what, 1.0)
    }

    /// [`Context::cv`] with the warning from `warn_above` (deal sizes
    /// often spread more than their mean).
    pub fn cv_warn_above(&mut self, x: &Sp<f64>, what: &str, warn_above: f64) -> Option<f64> {
        let v = self.non_negative(x, what)?;
        if v > MAX_CV {
            self.err(
                ProblemKind::OutOfRange,
                &x.span,
                format!("`{what}` is {v}: a spread {v} times the mean"),
            )
            .help(with_percent_hint(
                &format!("allowed: 0 <= {what} <= {MAX_CV}"),
                v,
            ));
            return None;
        }
        if v > warn_above {
            self.warn(
                ProblemKind::OutOfRange,
                &x.span,
                format!(
                    "`{what}` is {v}: a spread of {:.0} % of the mean",
                    100.0 * v
                ),
            )
            .help(format!("if you meant {v} %, write {}", v / 100.0));
        }
        Some(v)
    }

    /// A share that a whole number would make absurd (over-assignment,
    /// a bonus threshold, an attainment): above `max` it is an error with
    /// the percentage hint; above `warn_above` a warning.
    pub fn fraction(&mut self, x: &Sp<f64>, what: &str, max: f64, warn_above: f64) -> Option<f64> {
        let v = self.finite(x, what)?;
        if v > max {
            self.err(
                ProblemKind::OutOfRange,
                &x.span,
                format!("`{what}` is {v}, a share of {:.0} %", 100.0 * v),
            )
            .help(with_percent_hint(
                &format!("allowed: at most {max} ({:.0} %)", 100.0 * max),
                v,
            ));
            return None;
        }
        if v > warn_above {
            self.warn(
                ProblemKind::OutOfRange,
                &x.span,
                format!("`{what}` is {v}, that is {:.0} %", 100.0 * v),
            )
            .help(format!(
                "shares are fractions: if you meant {v} %, write {}",
                v / 100.0
            ));
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

/// The largest amount (money, hours, accounts) a scenario may hold: sums
/// of many such amounts stay exact to the cent in 64-bit arithmetic.
pub const MAX_AMOUNT: f64 = 1e15;

/// The largest coefficient of variation: a spread 10 times the mean.
pub const MAX_CV: f64 = 10.0;

/// `help`, plus "looks like a percentage" when `v` reads as one.
pub fn with_percent_hint(help: &str, v: f64) -> String {
    match percent_hint(v) {
        Some(h) => format!("{help}; {h}"),
        None => help.to_string(),
    }
}

/// "14 looks like a percentage: write 0.14" for values from 2 to 100
/// (just above 1 is more likely a slip than a percentage).
pub fn percent_hint(v: f64) -> Option<String> {
    (v.abs() >= 2.0 && v.abs() <= 100.0).then(|| {
        let f = format!("{:.6}", v / 100.0);
        let f = f.trim_end_matches('0').trim_end_matches('.');
        format!("{v} looks like a percentage: write {f}, not {v}")
    })
}

/// How an entry's id is named in messages.
pub struct IdRule {
    pub entry: &'static str,
    pub kind: &'static str,
    pub missing_help: Option<&'static str>,
    pub unique_help: bool,
}
