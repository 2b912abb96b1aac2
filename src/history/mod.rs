//! Transaction history: one row per order, closed-won deal or monthly
//! booking (date, unit, amount; optionally owner, region, segment), read
//! from a CRM export into a validated [`History`]. Pure: the caller passes
//! the bytes; problems come back located (file, line, column) through the
//! scenario's diagnostics, every one in one pass.
//!
//! What `fit` needs and what a backtest needs are both here: the rows
//! (netted per unit and day into deals by `fit`), and totals per month and
//! level ([`History::monthly`]) over any date range, so a backtest can fit
//! on [`History::before`] a cutoff and read the actuals after it.

pub mod actuals;
pub mod columns;
pub mod dates;
mod read;
mod roster;

pub use columns::{Columns, ColumnsError};
pub use read::{Read, ReadOptions, read};
pub use roster::RosterRep;

use chrono::NaiveDate;

/// "No owner" in [`Txn::owner`] (and no region or segment).
pub const NONE: u32 = u32::MAX;

/// One row of the history, with names interned.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Txn {
    pub date: NaiveDate,
    /// Index into [`History::units`].
    pub unit: u32,
    /// Index into [`History::owners`], or [`NONE`].
    pub owner: u32,
    /// Index into [`History::regions`], or [`NONE`].
    pub region: u32,
    /// Index into [`History::segments`], or [`NONE`].
    pub segment: u32,
    /// Negative for a return or credit note.
    pub amount: f64,
}

/// A unit as the history last saw it.
#[derive(Clone, Debug, PartialEq)]
pub struct UnitInfo {
    pub id: String,
    /// Tags and owner of the unit's most recent row ([`NONE`] if none).
    pub region: u32,
    pub segment: u32,
    pub owner: u32,
}

/// Negative rows (returns, credit notes): netted into their unit's sales.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Returns {
    pub rows: usize,
    /// Their sum (negative).
    pub total: f64,
}

/// A validated history, rows sorted by date.
#[derive(Clone, Debug, PartialEq)]
pub struct History {
    pub units: Vec<UnitInfo>,
    pub owners: Vec<String>,
    pub regions: Vec<String>,
    pub segments: Vec<String>,
    pub rows: Vec<Txn>,
    pub returns: Returns,
    /// Rows dated on or after `--until`, left out.
    pub after_until: usize,
    /// The roster, when one was given.
    pub roster: Option<Vec<RosterRep>>,
    /// Which optional columns the file had.
    pub has_owner: bool,
    pub has_region: bool,
    pub has_segment: bool,
}

/// The key of a row at some level.
type KeyOf = Box<dyn Fn(&Txn) -> u32>;

/// What totals are grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Team,
    Unit,
    Owner,
    Region,
    Segment,
}

/// Totals per key and month: `totals[key][month]` for the months
/// `first_month..first_month + months` (month indices as
/// [`dates::month_index`]). Keys are unit ids, owners, regions or segments
/// ("" for rows without one), or `"team"`.
#[derive(Clone, Debug, PartialEq)]
pub struct MonthlyTotals {
    pub keys: Vec<String>,
    pub first_month: i32,
    pub months: usize,
    pub totals: Vec<Vec<f64>>,
}

impl History {
    /// The first and last date of the rows.
    pub fn span(&self) -> Option<(NaiveDate, NaiveDate)> {
        Some((self.rows.first()?.date, self.rows.last()?.date))
    }

    /// The rows dated before `cutoff` (the roster too, as it was known
    /// then): what a backtest fits on.
    pub fn before(&self, cutoff: NaiveDate) -> History {
        let end = self.rows.partition_point(|r| r.date < cutoff);
        let mut h = History {
            rows: self.rows[..end].to_vec(),
            after_until: self.after_until + self.rows.len() - end,
            roster: self.roster.as_ref().map(|r| {
                r.iter()
                    .filter(|p| p.hired.is_none_or(|d| d < cutoff))
                    .map(|p| RosterRep {
                        left: p.left.filter(|d| *d < cutoff),
                        ..p.clone()
                    })
                    .collect()
            }),
            ..self.clone()
        };
        h.returns = Returns::default();
        for r in &h.rows {
            if r.amount < 0.0 {
                h.returns.rows += 1;
                h.returns.total += r.amount;
            }
        }
        for u in &mut h.units {
            u.owner = NONE;
        }
        for r in &h.rows {
            let u = &mut h.units[r.unit as usize];
            (u.owner, u.region, u.segment) = (r.owner, r.region, r.segment);
        }
        h
    }

    /// Net totals per key and month over `from..until` (dates; `until`
    /// excluded), by `level`. The region and segment of a row are those it
    /// was booked with.
    pub fn monthly(&self, level: Level, from: NaiveDate, until: NaiveDate) -> MonthlyTotals {
        let first_month = dates::month_index(from);
        let last_month = dates::month_index(until.pred_opt().unwrap_or(until));
        let months = (last_month - first_month + 1).max(0) as usize;
        let (keys, key_of): (Vec<String>, KeyOf) = match level {
            Level::Team => (vec!["team".into()], Box::new(|_| 0)),
            Level::Unit => (
                self.units.iter().map(|u| u.id.clone()).collect(),
                Box::new(|r| r.unit),
            ),
            Level::Owner => (self.owners.clone(), Box::new(|r| r.owner)),
            Level::Region => (self.regions.clone(), Box::new(|r| r.region)),
            Level::Segment => (self.segments.clone(), Box::new(|r| r.segment)),
        };
        let mut keys = keys;
        let none = keys.len();
        let mut totals = vec![vec![0.0; months]; keys.len() + 1];
        let start = self.rows.partition_point(|r| r.date < from);
        let mut any_none = false;
        for r in self.rows[start..].iter().take_while(|r| r.date < until) {
            let k = key_of(r);
            let k = if k == NONE {
                any_none = true;
                none
            } else {
                k as usize
            };
            totals[k][(dates::month_index(r.date) - first_month) as usize] += r.amount;
        }
        if any_none {
            keys.push(String::new());
        } else {
            totals.pop();
        }
        MonthlyTotals {
            keys,
            first_month,
            months,
            totals,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(text: &str) -> History {
        let r = read(("h.csv", text.as_bytes()), None, &ReadOptions::default());
        let msgs: Vec<String> = r.problems.iter().map(|p| p.plain(&r.sources)).collect();
        r.history.unwrap_or_else(|| panic!("{msgs:?}"))
    }

    #[test]
    fn monthly_totals_by_level_over_a_range() {
        let h = history(
            "date,unit,owner,amount,region\n2025-01-05,A,ann,100,N\n2025-01-20,B,bob,50,S\n2025-02-01,A,bob,30,N\n2025-03-01,A,bob,-10,N\n",
        );
        let d = |m| NaiveDate::from_ymd_opt(2025, m, 1).unwrap();
        let t = h.monthly(Level::Owner, d(1), d(4));
        assert_eq!(t.keys, ["ann", "bob"]);
        assert_eq!(t.totals, [vec![100.0, 0.0, 0.0], vec![50.0, 30.0, -10.0]]);
        let t = h.monthly(Level::Team, d(2), d(3));
        assert_eq!(t.totals, [vec![30.0]]);
        let before = h.before(d(2));
        assert_eq!(before.rows.len(), 2);
        assert_eq!(before.units[0].owner, 0, "A was ann's before February");
        assert_eq!(h.units[0].owner, 1);
        assert_eq!(h.returns.rows, 1);
    }
}
