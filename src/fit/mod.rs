//! `fit`: transaction history -> a scenario, every parameter with its
//! evidence (n, standard error, method). Pure: takes a validated
//! [`History`], returns the scenario's TOML and units CSV as text, the
//! evidence (also as `fit.json`), which `report::fit` renders as a
//! one-page report.
//!
//! The history is cut into full years ending with its last month
//! ([`panel`]); from them come, in order: the team's trend ([`market`]),
//! seasonality, deals per year and deal size cv ([`deals`]), each unit's
//! potential and potential_cv and the spread of rep productivity
//! ([`potential`]), the market shock, account loss ([`churn`]), and from a
//! roster attrition and ramp ([`team`]). What the history cannot tell
//! (capacity, comp plan, target, quotas) is written as a placeholder
//! marked `# ASSUMPTION: review`.

mod churn;
mod deals;
mod market;
mod panel;
mod potential;
mod shrink;
mod team;
mod write;

use crate::history::{History, NONE, dates};
use crate::source::{Setting, Spelling};
use chrono::NaiveDate;
use serde::Serialize;

/// A fitted value and its evidence.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Estimate {
    pub value: f64,
    /// Standard error (NaN when the data cannot say).
    pub se: f64,
    /// The evidence's size (deals, years, unit-years, reps: see `method`).
    pub n: usize,
    pub method: String,
}

/// What to fit for.
#[derive(Clone, Debug)]
pub struct FitOptions {
    /// The horizon of the scenario, in months from the month after the history.
    pub months: usize,
    /// The history file's name (for the scenario's name and comments).
    pub source: String,
    /// The file name the scenario's `[units] file =` points at.
    pub units_file: String,
    /// The last day of the history: rows on or after it were left out.
    /// When `None`, the month of the last row is taken as complete.
    pub until: Option<NaiveDate>,
    /// How the caller spells its settings, for the assumptions that name
    /// one.
    pub spelling: Spelling,
}

/// The horizon asked for is not 1 to 60 months.
fn months_out_of_range(months: usize, spelling: Spelling) -> String {
    format!(
        "{} {months} is out of range: a horizon of 1 to 60 months",
        spelling.of(Setting::Months)
    )
}

impl FitError {
    /// The message, naming settings as the caller spells them.
    pub fn message(&self, spelling: Spelling) -> String {
        match self {
            FitError::Months(m) => months_out_of_range(*m, spelling),
            other => other.to_string(),
        }
    }
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            months: 12,
            source: "history.csv".into(),
            units_file: "fitted-units.csv".into(),
            until: None,
            spelling: Spelling::default(),
        }
    }
}

/// Why a history cannot be fitted.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum FitError {
    #[error(
        "the history spans {months} month(s) up to {end}: fitting needs at least one full year (12 months)"
    )]
    TooShort { months: i32, end: String },
    #[error("the history has no rows to fit")]
    NoRows,
    #[error(
        "no unit has sales in the last full year of the history ({year}): nothing to fit a scenario on"
    )]
    NoActiveUnits { year: String },
    #[error("{}", months_out_of_range(*.0, Spelling::default()))]
    Months(usize),
}

/// One unit as fitted.
#[derive(Clone, Debug, Serialize)]
pub struct FittedUnit {
    pub id: String,
    pub owner: String,
    pub region: String,
    pub segment: String,
    /// Expected sales over the horizon.
    pub potential: Estimate,
    pub potential_cv: Estimate,
    pub deals_per_year: Estimate,
    pub deal_size_cv: Estimate,
}

/// A segment's pooled potential_cv.
#[derive(Clone, Debug, Serialize)]
pub struct FittedSegment {
    pub segment: String,
    pub potential_cv: Estimate,
}

/// Everything fitted, with its evidence.
#[derive(Clone, Debug, Serialize)]
pub struct Evidence {
    pub source: String,
    pub rows: usize,
    pub first_date: String,
    pub last_date: String,
    pub full_years: usize,
    /// The first month of the full years and of the horizon (`Jan 2026`).
    pub years_from: String,
    pub horizon_from: String,
    /// The horizon's first month as `YYYY-MM` (the scenario's `start`).
    pub horizon_start: String,
    pub horizon_months: usize,
    pub returns_rows: usize,
    pub returns_total: f64,
    pub rows_after_until: usize,
    pub rows_before_first_year: usize,
    pub deals: usize,
    /// By calendar month, January first.
    pub seasonality: Vec<Estimate>,
    /// The scenario's weights, horizon month 1 first.
    pub horizon_weights: Vec<f64>,
    pub growth: Estimate,
    pub market_shock_sd: Estimate,
    pub account_loss: Estimate,
    pub units_won_per_year: f64,
    pub productivity_cv: Estimate,
    pub attrition: Option<Estimate>,
    pub ramp_months: Option<Estimate>,
    pub segments: Vec<FittedSegment>,
    pub units: Vec<FittedUnit>,
    /// Units with no sales in the last full year: left out (lost).
    pub units_inactive: usize,
    pub reps: Vec<String>,
    pub assumptions: Vec<String>,
}

/// A fitted scenario.
#[derive(Clone, Debug)]
pub struct Fitted {
    pub toml: String,
    pub units_csv: String,
    pub evidence: Evidence,
}

impl Fitted {
    /// `fit.json`: every fitted value with n, se and method.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(&self.evidence).expect("evidence serialises") + "\n"
    }
}

/// Fits a scenario to `h`.
pub fn fit(h: &History, opts: &FitOptions) -> Result<Fitted, FitError> {
    if !(1..=60).contains(&opts.months) {
        return Err(FitError::Months(opts.months));
    }
    let (first, last) = h.span().ok_or(FitError::NoRows)?;
    let end_month = match opts.until {
        Some(u) => dates::month_index(u),
        None => dates::month_index(last) + 1,
    };
    let p = panel::build(h, end_month).ok_or_else(|| FitError::TooShort {
        months: end_month - dates::month_index(first),
        end: dates::month_label(end_month - 1),
    })?;
    let last_block = p.blocks - 1;
    if !(0..p.units).any(|u| p.active(u, last_block)) {
        return Err(FitError::NoActiveUnits {
            year: format!(
                "{} to {}",
                dates::month_label(end_month - 12),
                dates::month_label(end_month - 1)
            ),
        });
    }
    // Groups for pooling: segments, else regions, else one.
    let (group, names): (Vec<usize>, Vec<String>) = if h.has_segment && !h.segments.is_empty() {
        grouping(h.units.iter().map(|u| u.segment), &h.segments)
    } else if h.has_region && !h.regions.is_empty() {
        grouping(h.units.iter().map(|u| u.region), &h.regions)
    } else {
        (vec![0; h.units.len()], vec![String::new()])
    };
    let trend = market::trend(&p);
    let seasonality = seasonality::fit(&p, trend.growth.value);
    let deals = deals::fit(&p, &group, names.len());
    let levels = potential::fit(&p, &trend.index, trend.next, &deals, &group, names.len());
    let shock = market::shock(&trend, levels.team_noise);
    let churn = churn::fit(&p);
    let weights: Vec<f64> = seasonality.iter().map(|e| e.value).collect();
    let team = team::fit(
        h,
        &weights,
        dates::month_start(p.first_month),
        dates::month_start(end_month),
    );
    let evidence = write::evidence(
        h,
        opts,
        &p,
        end_month,
        (first, last),
        write::Fits {
            seasonality,
            trend,
            deals,
            levels,
            shock,
            churn,
            team,
            groups: names,
        },
    );
    Ok(Fitted {
        toml: write::toml(&evidence, opts),
        units_csv: write::units_csv(&evidence),
        evidence,
    })
}

fn grouping(tags: impl Iterator<Item = u32>, names: &[String]) -> (Vec<usize>, Vec<String>) {
    let mut out_names = names.to_vec();
    let untagged = out_names.len();
    let mut any_untagged = false;
    let group = tags
        .map(|t| {
            if t == NONE {
                any_untagged = true;
                untagged
            } else {
                t as usize
            }
        })
        .collect();
    if any_untagged {
        out_names.push(String::new());
    }
    (group, out_names)
}

mod seasonality;
