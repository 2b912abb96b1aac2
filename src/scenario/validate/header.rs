//! `[scenario]` and `[seasonality]`: the horizon, the target, the run
//! settings the scenario asks for, and the monthly weights.

use super::super::Purpose;
use super::super::raw::RawScenario;
use super::context::Context;
use crate::model::{MAX_RUN_TRIALS, RunSettings, precision_hint};
use crate::source::diag::ProblemKind;

pub struct Header {
    pub name: String,
    /// Calendar month of the horizon's first month (year, month 1-12).
    pub start: Option<(i32, u32)>,
    pub currency: String,
    pub company_target: f64,
    pub run: RunSettings,
    /// One weight per month, summing to 1.
    pub seasonality: Vec<f64>,
}

/// Reads the header; sets `cx.months` for the sections after it.
pub fn validate(cx: &mut Context<'_>, raw: &RawScenario) -> Header {
    let h = &raw.header;
    let hs = h.span.clone().unwrap_or(cx.top.clone());
    cx.months = match &h.months {
        Some(m) if (1..=600).contains(&m.v) => m.v as usize,
        Some(m) => {
            cx.err(
                ProblemKind::OutOfRange,
                &m.span,
                format!("`months` must be between 1 and 600, found {}", m.v),
            );
            12
        }
        None => 12,
    };
    let seed = match &h.seed {
        Some(s) if s.v >= 0 => Some(s.v as u64),
        Some(s) => {
            cx.err(
                ProblemKind::OutOfRange,
                &s.span,
                format!("`seed` must be a non-negative whole number, found {}", s.v),
            );
            None
        }
        None => None,
    };
    let trials = match &h.trials {
        Some(t) if t.v as u64 > MAX_RUN_TRIALS => {
            let hint = precision_hint(cx.spelling);
            cx.err(
                ProblemKind::OutOfRange,
                &t.span,
                format!(
                    "`trials` is {}, more than the {MAX_RUN_TRIALS} a run accepts",
                    t.v
                ),
            )
            .help(hint);
            None
        }
        Some(t) if t.v >= 1 => Some(t.v as u64),
        Some(t) => {
            cx.err(
                ProblemKind::OutOfRange,
                &t.span,
                format!("`trials` must be at least 1, found {}", t.v),
            );
            None
        }
        None => None,
    };
    let company_target = match &h.company_target {
        Some(t) => cx.amount(t, "company_target", true).unwrap_or(1.0),
        None => {
            if cx.purpose == Purpose::Simulate && !h.written.iter().any(|k| k == "company_target") {
                cx.err(
                    ProblemKind::Missing,
                    &hs,
                    "[scenario] needs `company_target` (the company's sales target for the horizon)",
                );
            }
            f64::NAN
        }
    };
    let start = h.start.as_ref().and_then(|s| {
        let parsed = parse_year_month(&s.v);
        if parsed.is_none() {
            cx.err(
                ProblemKind::WrongType,
                &s.span,
                format!(
                    "`start` must be a year and month such as \"2027-01\", found `{}`",
                    s.v
                ),
            )
            .help("the calendar month of the horizon's first month: YYYY-MM");
        }
        parsed
    });
    Header {
        start,
        name: h
            .name
            .as_ref()
            .map_or_else(|| "scenario".to_string(), |s| s.v.clone()),
        currency: h
            .currency
            .as_ref()
            .map_or_else(String::new, |s| s.v.clone()),
        company_target,
        run: RunSettings { trials, seed },
        seasonality: seasonality(cx, raw),
    }
}

fn seasonality(cx: &mut Context<'_>, raw: &RawScenario) -> Vec<f64> {
    let months = cx.months;
    let even = vec![1.0 / months as f64; months];
    let Some(w) = &raw.seasonality else {
        return even;
    };
    let mut good = true;
    if w.v.len() != months {
        cx.err(
            ProblemKind::Shape,
            &w.span,
            format!(
                "`weights` must have one weight per month: expected {months}, found {}",
                w.v.len()
            ),
        )
        .help(format!(
            "the horizon is {months} months, set by [scenario] months"
        ));
        good = false;
    }
    for x in &w.v {
        good &= cx.non_negative(x, "seasonality weight").is_some();
    }
    let sum: f64 = w.v.iter().map(|x| x.v).sum();
    if good && sum <= 0.0 {
        cx.err(
            ProblemKind::OutOfRange,
            &w.span,
            "seasonality `weights` are all zero",
        )
        .help("give at least one positive weight; they are normalised to sum to 1");
        good = false;
    }
    if good {
        w.v.iter().map(|x| x.v / sum).collect()
    } else {
        even
    }
}

/// `YYYY-MM` (or `YYYY-MM-DD`, whose day is ignored) as (year, month).
pub(crate) fn parse_year_month(s: &str) -> Option<(i32, u32)> {
    let mut parts = s.trim().split('-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    if let Some(d) = parts.next() {
        let d: u32 = d.parse().ok()?;
        if !(1..=31).contains(&d) {
            return None;
        }
    }
    if parts.next().is_some() || !(1..=12).contains(&m) || !(1900..=9999).contains(&y) {
        return None;
    }
    Some((y, m))
}
