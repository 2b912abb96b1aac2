//! The history cut into full years ("blocks" of 12 months ending with the
//! last month of the history), per unit: what every estimator reads.
//!
//! A deal is a unit's net positive amount on one day: the lines of one
//! order, and a same-day correction, are one deal; a return booked on
//! another day lowers the month's sales but is not a deal (its count and
//! total are reported). Rows before the first full year are left out.

use crate::history::{History, NONE, dates};

/// One deal: a unit's net positive amount on a day.
#[derive(Clone, Copy, Debug)]
pub struct Deal {
    pub unit: u32,
    pub block: u16,
    /// Month within the block, 0..12.
    pub pos: u8,
    pub size: f64,
}

pub struct Panel {
    /// Full years in the history.
    pub blocks: usize,
    /// Month index (as [`dates::month_index`]) of the first block's first month.
    pub first_month: i32,
    pub units: usize,
    /// Net sales per unit and block: `totals[u * blocks + k]`.
    pub totals: Vec<f64>,
    /// Owner of each unit's last row in each block ([`NONE`] if none).
    pub owner: Vec<u32>,
    /// Net sales per unit, block and month: `monthly[(u * blocks + k) * 12 + pos]`.
    pub monthly: Vec<f64>,
    /// Deals sorted by unit, then date.
    pub deals: Vec<Deal>,
    /// Rows before the first full year (left out).
    pub rows_before: usize,
}

impl Panel {
    pub fn total(&self, u: usize, k: usize) -> f64 {
        self.totals[u * self.blocks + k]
    }

    pub fn active(&self, u: usize, k: usize) -> bool {
        self.total(u, k) > 0.0
    }

    /// Active in block `k` and in the blocks either side of it (those that
    /// exist): a whole year of business, not the year a unit was won or lost.
    pub fn steady(&self, u: usize, k: usize) -> bool {
        self.active(u, k)
            && (k == 0 || self.active(u, k - 1))
            && (k + 1 == self.blocks || self.active(u, k + 1))
    }

    /// The deals of unit `u` (a slice of [`Panel::deals`]).
    pub fn unit_deals(&self, u: usize) -> &[Deal] {
        let from = self.deals.partition_point(|d| (d.unit as usize) < u);
        let to = self.deals.partition_point(|d| (d.unit as usize) <= u);
        &self.deals[from..to]
    }
}

/// Cuts the history into full years ending at `end_month` (exclusive month
/// index). `None` when there is not one full year.
pub fn build(h: &History, end_month: i32) -> Option<Panel> {
    let first_row_month = dates::month_index(h.rows.first()?.date);
    let blocks = ((end_month - first_row_month) / 12).max(0) as usize;
    if blocks == 0 {
        return None;
    }
    let first_month = end_month - 12 * blocks as i32;
    let n = h.units.len();
    let mut totals = vec![0.0; n * blocks];
    let mut monthly = vec![0.0; n * blocks * 12];
    let mut owner = vec![NONE; n * blocks];
    let mut rows_before = 0;
    // (unit, day, amount) for netting per unit and day.
    let mut days: Vec<(u32, i32, f64)> = Vec::with_capacity(h.rows.len());
    for r in &h.rows {
        let m = dates::month_index(r.date) - first_month;
        if m < 0 {
            rows_before += 1;
            continue;
        }
        if m >= 12 * blocks as i32 {
            continue;
        }
        let (k, pos) = (m as usize / 12, m as usize % 12);
        let i = r.unit as usize * blocks + k;
        totals[i] += r.amount;
        monthly[i * 12 + pos] += r.amount;
        if r.owner != NONE {
            owner[i] = r.owner;
        }
        days.push((
            r.unit,
            chrono::Datelike::num_days_from_ce(&r.date),
            r.amount,
        ));
    }
    // Rows are in date order; a stable sort by unit keeps it within a unit.
    days.sort_by_key(|d| d.0);
    let mut deals = Vec::new();
    let mut i = 0;
    while i < days.len() {
        let (unit, day) = (days[i].0, days[i].1);
        let mut net = 0.0;
        while i < days.len() && days[i].0 == unit && days[i].1 == day {
            net += days[i].2;
            i += 1;
        }
        if net > 0.0 {
            let date = chrono::NaiveDate::from_num_days_from_ce_opt(day).expect("a date read");
            let m = (dates::month_index(date) - first_month) as usize;
            deals.push(Deal {
                unit,
                block: (m / 12) as u16,
                pos: (m % 12) as u8,
                size: net,
            });
        }
    }
    Some(Panel {
        blocks,
        first_month,
        units: n,
        totals,
        owner,
        monthly,
        deals,
        rows_before,
    })
}
