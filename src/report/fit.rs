//! The one-page fit report for the terminal (80 columns): what was read,
//! what was fitted with its standard error, and what to review.

use super::format::{TERMINAL_WIDTH, wrap_indented};
use crate::fit::{Estimate, Evidence};
use crate::source::{Setting, Spelling};
use std::fmt::Write;

fn se(e: &Estimate, decimals: usize) -> String {
    if e.se.is_finite() {
        format!("{:.*}", decimals, e.se)
    } else {
        "?".into()
    }
}

fn pct(e: &Estimate) -> String {
    format!(
        "{:.1} % (se {})",
        e.value * 100.0,
        if e.se.is_finite() {
            format!("{:.1}", e.se * 100.0)
        } else {
            "?".into()
        }
    )
}

fn median(mut xs: Vec<f64>) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

pub fn render(e: &Evidence, spelling: Spelling) -> String {
    let mut r = String::new();
    let _ = writeln!(r, "Fit of {}", e.source);
    let _ = writeln!(
        r,
        "  {} rows, {} to {}; {} full year(s) from {}",
        e.rows, e.first_date, e.last_date, e.full_years, e.years_from
    );
    let _ = writeln!(
        r,
        "  {} deals (net positive unit-days); returns netted: {} rows, {:.0}",
        e.deals, e.returns_rows, e.returns_total
    );
    if e.rows_after_until > 0 || e.rows_before_first_year > 0 {
        let _ = writeln!(
            r,
            "  left out: {} rows after {}, {} before the first full year",
            e.rows_after_until,
            spelling.of(Setting::Until),
            e.rows_before_first_year
        );
    }
    seasonality(&mut r, e);
    let _ = writeln!(r, "\nTeam");
    if e.growth.n < 2 {
        let _ = writeln!(
            r,
            "  trend        flat: ASSUMPTION (one full year shows no trend)"
        );
    } else {
        let _ = writeln!(
            r,
            "  trend        {:+.1} % a year (se {})",
            (e.growth.value.exp() - 1.0) * 100.0,
            if e.growth.se.is_finite() {
                format!("{:.1}", e.growth.se * 100.0)
            } else {
                "?".into()
            }
        );
    }
    let _ = writeln!(
        r,
        "  market shock normal sd {:.3} (se {}, {} years{}, predictive)",
        e.market_shock_sd.value,
        se(&e.market_shock_sd, 3),
        e.market_shock_sd.n,
        if e.market_shock_sd.n < 7 {
            ", wide prior"
        } else {
            ""
        }
    );
    if e.account_loss.n == 0 {
        let _ = writeln!(
            r,
            "  account loss none: ASSUMPTION (needs two years to see a unit stop)"
        );
    } else {
        let _ = writeln!(
            r,
            "  account loss {} a year ({} unit-years)",
            pct(&e.account_loss),
            e.account_loss.n
        );
    }
    if e.productivity_cv.n == 0 {
        let _ = writeln!(
            r,
            "  rep productivity cv none: ASSUMPTION (no rep-years to fit it on)"
        );
    } else {
        let _ = writeln!(
            r,
            "  rep productivity cv {:.3} (se {}, {} rep-years)",
            e.productivity_cv.value,
            se(&e.productivity_cv, 3),
            e.productivity_cv.n
        );
    }
    match &e.attrition {
        Some(a) => {
            let _ = writeln!(r, "  attrition    {} ({} leavers)", pct(a), a.n);
        }
        None => {
            let _ = writeln!(
                r,
                "  attrition    0.14: ASSUMPTION (no {})",
                spelling.of(Setting::Roster)
            );
        }
    }
    match &e.ramp_months {
        Some(a) => {
            let _ = writeln!(
                r,
                "  ramp         {:.1} months (se {}, {} hires)",
                a.value,
                se(a, 1),
                a.n
            );
        }
        None => {
            let _ = writeln!(
                r,
                "  ramp         5 months: ASSUMPTION (no hires in a roster)"
            );
        }
    }
    units(&mut r, e);
    let _ = writeln!(r, "\nReview (ASSUMPTION in the scenario):");
    for a in &e.assumptions {
        r.push_str(&wrap_indented(a, TERMINAL_WIDTH, "  - ", "    "));
    }
    r
}

/// Each month's share of the year with its standard error, four months a
/// line.
fn seasonality(r: &mut String, e: &Evidence) {
    let _ = writeln!(r, "\nSeasonality (share of the year, se)");
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    for row in 0..3 {
        let mut line = String::new();
        for (m, s) in e.seasonality.iter().enumerate().skip(row * 4).take(4) {
            let _ = write!(line, " {} {:.4} ({})", NAMES[m], s.value, se(s, 4));
        }
        let _ = writeln!(r, "{line}");
    }
}

/// The units fitted: their total potential over the horizon, typical deal
/// rate and size spread, and the year-to-year spread per segment.
fn units(r: &mut String, e: &Evidence) {
    let total: f64 = e.units.iter().map(|u| u.potential.value).sum();
    let _ = writeln!(
        r,
        "\nUnits: {} fitted, {} reps; {} without sales in the last year left out",
        e.units.len(),
        e.reps.len(),
        e.units_inactive
    );
    let _ = writeln!(
        r,
        "  potential over {} months from {}: {:.0} in total",
        e.horizon_months, e.horizon_from, total
    );
    let lambdas: Vec<f64> = e.units.iter().map(|u| u.deals_per_year.value).collect();
    let cvs: Vec<f64> = e.units.iter().map(|u| u.deal_size_cv.value).collect();
    let _ = writeln!(
        r,
        "  deals a year: median {:.1}; deal size cv: median {:.2}",
        median(lambdas),
        median(cvs)
    );
    let _ = writeln!(
        r,
        "  potential_cv by segment (year-to-year, beyond deal noise):"
    );
    for s in e.segments.iter().take(8) {
        let name = if s.segment.is_empty() {
            "(none)"
        } else {
            &s.segment
        };
        let name: String = name.chars().take(24).collect();
        let _ = writeln!(
            r,
            "    {:<24} {:.3} (se {}, {} units)",
            name,
            s.potential_cv.value,
            se(&s.potential_cv, 3),
            s.potential_cv.n
        );
    }
    if e.segments.len() > 8 {
        let _ = writeln!(r, "    … {} more in fit.json", e.segments.len() - 8);
    }
}
