//! Attrition and ramp from the roster. Attrition: leavers over the years
//! reps were on the team within the history (a Poisson rate, as a
//! probability of leaving within 12 months). Ramp: for reps hired within
//! the history and seen for at least 18 months, the sales they missed in
//! their first year against their level in months 13-24 (deseasonalised);
//! a linear ramp of ρ months misses ρ/2 months of sales, so ρ = 2 × missed.

use super::Estimate;
use crate::history::{History, dates};
use chrono::NaiveDate;

pub struct Team {
    pub attrition: Option<Estimate>,
    pub ramp: Option<Estimate>,
}

pub fn fit(h: &History, seasonality: &[f64], from: NaiveDate, until: NaiveDate) -> Team {
    let Some(roster) = &h.roster else {
        return Team {
            attrition: None,
            ramp: None,
        };
    };
    let years = |a: NaiveDate, b: NaiveDate| (b - a).num_days().max(0) as f64 / 365.25;
    let (mut exposure, mut leavers) = (0.0, 0usize);
    for r in roster {
        let start = r.hired.map_or(from, |d| d.max(from));
        let end = r.left.map_or(until, |d| d.min(until));
        if end > start {
            exposure += years(start, end);
        }
        if r.left.is_some_and(|d| d >= from && d < until) {
            leavers += 1;
        }
    }
    let attrition = (exposure > 0.0).then(|| {
        let rate = leavers as f64 / exposure;
        Estimate {
            value: 1.0 - (-rate).exp(),
            se: (-rate).exp() * (leavers.max(1) as f64).sqrt() / exposure,
            n: leavers,
            method: format!(
                "{leavers} leaver(s) over {exposure:.1} rep-years on the roster (Poisson rate)"
            ),
        }
    });
    // Monthly sales per owner, deseasonalised.
    let first = dates::month_index(from);
    let months = (dates::month_index(until) - first).max(0) as usize;
    let mut ramps = Vec::new();
    for r in roster {
        let Some(hired) = r.hired.filter(|d| *d >= from) else {
            continue;
        };
        let Some(owner) = h.owners.iter().position(|o| *o == r.rep) else {
            continue;
        };
        let start = (dates::month_index(hired) - first) as usize;
        let seen = months.saturating_sub(start);
        if seen < 18
            || r.left
                .is_some_and(|d| dates::month_index(d) - first < start as i32 + 18)
        {
            continue;
        }
        let mut sales = vec![0.0; 24.min(seen)];
        for row in h.rows.iter().filter(|row| row.owner == owner as u32) {
            let m = dates::month_index(row.date) - first - start as i32;
            if (0..sales.len() as i32).contains(&m) {
                let cal = (first + start as i32 + m).rem_euclid(12) as usize;
                sales[m as usize] += row.amount / (seasonality[cal] * 12.0).max(1e-9);
            }
        }
        let steady = sales[12..].iter().sum::<f64>() / (sales.len() - 12) as f64;
        if steady <= 0.0 {
            continue;
        }
        let missed: f64 = sales[..12]
            .iter()
            .map(|x| (1.0 - x / steady).clamp(0.0, 1.0))
            .sum();
        ramps.push((2.0 * missed).clamp(0.0, 12.0));
    }
    let ramp = (!ramps.is_empty()).then(|| {
        let n = ramps.len() as f64;
        let mean = ramps.iter().sum::<f64>() / n;
        let sd = if ramps.len() > 1 {
            (ramps.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            f64::NAN
        };
        Estimate {
            value: mean,
            se: sd / n.sqrt(),
            n: ramps.len(),
            method: format!(
                "2 x the months of sales missed in the first year by {} hire(s) seen 18+ months",
                ramps.len()
            ),
        }
    });
    Team { attrition, ramp }
}
