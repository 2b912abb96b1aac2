//! Booked sales for an in-year re-forecast: a history (same columns as for
//! `fit`) put onto a scenario's horizon, month by month and rep by rep.

use super::{History, NONE, dates};
use crate::model::{Actuals, Model};
use crate::source::{Setting, Spelling};
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

/// Why actuals cannot be placed on a scenario's horizon.
#[derive(Clone, Debug, PartialEq)]
pub enum ActualsError {
    NoStart,
    /// The as-of date is not a month's last day (the one to try instead).
    MidMonth(NaiveDate, NaiveDate),
    /// The as-of date is before the horizon's first month (named).
    BeforeStart(NaiveDate, String),
}

impl ActualsError {
    /// The message, naming the as-of date as the caller spells it.
    pub fn message(&self, spelling: Spelling) -> String {
        let as_of = spelling.of(Setting::AsOf);
        match self {
            ActualsError::NoStart => "the scenario does not say when its horizon starts: add start = \"YYYY-MM\" to [scenario] so dated actuals can be placed".into(),
            ActualsError::MidMonth(d, end) => format!(
                "{as_of} {d} is not the last day of a month: actuals cover whole months (try {end})"
            ),
            ActualsError::BeforeStart(d, start) => format!(
                "{as_of} {d} is before the horizon starts ({start}): nothing is booked yet"
            ),
        }
    }
}

impl std::fmt::Display for ActualsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message(Spelling::default()))
    }
}

impl std::error::Error for ActualsError {}

/// What was booked, and what of it could not be placed.
#[derive(Clone, Debug, PartialEq)]
pub struct Booked {
    pub actuals: Actuals,
    /// Rows whose unit is neither a unit nor a rep of the scenario (and
    /// whose owner is not a rep either): left out, with their total.
    pub unmatched_rows: usize,
    pub unmatched_total: f64,
    /// Rows dated after the as-of date (left out).
    pub later_rows: usize,
    /// Booked months (from the horizon's start) in which no row was
    /// placed: a whole team selling nothing in a month is more likely an
    /// export that stops early or a wrong as-of date.
    pub empty_months: Vec<usize>,
    /// The as-of date is past the horizon's last month: every month is
    /// booked.
    pub past_end: bool,
}

/// What the reader of a re-forecast should know of its actuals beyond the
/// figures: rows left out, and months that look wrong.
#[derive(Clone, Debug, PartialEq)]
pub enum BookingNote {
    /// Rows naming neither a unit nor a rep of the scenario: left out.
    Unmatched { rows: usize, total: f64 },
    /// Rows dated after the as-of date or the horizon: left out.
    Later { rows: usize },
    /// The as-of date is after the horizon's last month (named): every
    /// month is booked, so the results are the actuals.
    PastEnd { last_month: String },
    /// Booked months (named) without a single row, of the `booked` months:
    /// they count as months with no sales, which is more likely an export
    /// that stops early or an as-of date too late. A warning.
    EmptyMonths { months: Vec<String>, booked: usize },
}

impl Booked {
    /// The notes on these actuals, in the order a reader needs them; months
    /// are named by the calendar when the horizon's start is known.
    pub fn notes(&self, model: &Model) -> Vec<BookingNote> {
        let label = |m: usize| {
            model.start.map_or(format!("month {}", m + 1), |(y, m0)| {
                dates::month_label(y * 12 + m0 as i32 - 1 + m as i32)
            })
        };
        let mut notes = Vec::new();
        if self.unmatched_rows > 0 {
            notes.push(BookingNote::Unmatched {
                rows: self.unmatched_rows,
                total: self.unmatched_total,
            });
        }
        if self.later_rows > 0 {
            notes.push(BookingNote::Later {
                rows: self.later_rows,
            });
        }
        if self.past_end {
            notes.push(BookingNote::PastEnd {
                last_month: label(model.months - 1),
            });
        }
        if !self.empty_months.is_empty() {
            notes.push(BookingNote::EmptyMonths {
                months: self.empty_months.iter().map(|&m| label(m)).collect(),
                booked: self.actuals.months,
            });
        }
        notes
    }
}

/// Places `h` on `model`'s horizon up to `as_of` (the last day of a month;
/// past the horizon's end means the whole horizon is booked). A row counts
/// for its unit's owner in the scenario; a row whose unit column holds a
/// rep id (actuals per rep), or whose owner is a rep, counts for that rep.
/// A roster's leave dates in the closed months make those reps vacancies.
pub fn booked(model: &Model, h: &History, as_of: NaiveDate) -> Result<Booked, ActualsError> {
    let (y, m) = model.start.ok_or(ActualsError::NoStart)?;
    if as_of.succ_opt().is_some_and(|d| d.day() != 1) {
        let end = dates::month_start(dates::month_index(as_of) + 1)
            .pred_opt()
            .unwrap_or(as_of);
        return Err(ActualsError::MidMonth(as_of, end));
    }
    let start = y * 12 + m as i32 - 1;
    let closed = dates::month_index(as_of) - start + 1;
    if closed < 1 {
        return Err(ActualsError::BeforeStart(as_of, format!("{y}-{m:02}")));
    }
    let months = (closed as usize).min(model.months);
    let unit_of: HashMap<&str, usize> = model
        .units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.as_str(), i))
        .collect();
    let rep_of: HashMap<&str, usize> = model
        .reps
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let mut rep_month = vec![0.0; model.reps.len() * months];
    let (mut unmatched_rows, mut unmatched_total, mut later_rows) = (0, 0.0, 0);
    let mut placed = vec![false; months];
    for row in &h.rows {
        let mi = dates::month_index(row.date) - start;
        if mi < 0 {
            continue;
        }
        if mi as usize >= months {
            later_rows += 1;
            continue;
        }
        let unit = h.units[row.unit as usize].id.as_str();
        let owner = (row.owner != NONE).then(|| h.owners[row.owner as usize].as_str());
        let rep = unit_of
            .get(unit)
            .and_then(|&u| model.units[u].owner)
            .or_else(|| rep_of.get(unit).copied())
            .or_else(|| owner.and_then(|o| rep_of.get(o).copied()));
        match rep {
            Some(r) => {
                rep_month[r * months + mi as usize] += row.amount;
                placed[mi as usize] = true;
            }
            None => {
                unmatched_rows += 1;
                unmatched_total += row.amount;
            }
        }
    }
    let mut left = vec![None; model.reps.len()];
    if let Some(roster) = &h.roster {
        for p in roster {
            if let (Some(&r), Some(d)) = (rep_of.get(p.rep.as_str()), p.left) {
                let l = dates::month_index(d) - start + 1;
                if l >= 1 && l as usize <= months {
                    left[r] = Some(l as u32);
                }
            }
        }
    }
    Ok(Booked {
        actuals: Actuals {
            months,
            rep_month,
            left,
        },
        unmatched_rows,
        unmatched_total,
        later_rows,
        empty_months: (0..months).filter(|&m| !placed[m]).collect(),
        past_end: closed as usize > model.months,
    })
}
