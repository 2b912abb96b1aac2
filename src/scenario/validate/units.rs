//! Units (from the CSV or inline `[[units]]`): potential, workload,
//! accounts, location and owner.

use super::super::Purpose;
use super::super::diag::{ProblemKind, did_you_mean};
use super::super::raw::{RawPotential, RawScenario, RawUnit};
use super::super::reader::Sp;
use super::context::{Context, IdRule, MAX_AMOUNT};
use super::dist::{Scale, dist, scale};
use super::reps::Reps;
use crate::model::dist::Dist;
use crate::model::{Deals, Location, Unit};
use std::collections::HashMap;

const ID: IdRule = IdRule {
    entry: "a unit",
    kind: "unit",
    missing_help: None,
    unique_help: true,
};

pub struct Units {
    pub units: Vec<Unit>,
    pub index: HashMap<String, usize>,
    /// Every unit validated (failed ones hold a place so indices line up).
    pub ok: bool,
}

/// `raw_units` are the CSV's when the scenario names one, else its inline
/// `[[units]]`. `file_failed`: the units file was named but could not be
/// read (reported already), so "no units" is not an error here.
pub fn validate(
    cx: &mut Context<'_>,
    raw: &RawScenario,
    raw_units: &[RawUnit],
    reps: &Reps,
    file_failed: bool,
) -> Units {
    if raw_units.is_empty() && raw.units_file.is_none() && !file_failed {
        let top = cx.top.clone();
        cx.err(ProblemKind::Missing, &top, "the scenario has no units")
            .help("add `[units] file = \"units.csv\"` or inline [[units]] tables");
    }
    let mut out = Units {
        units: Vec::new(),
        index: HashMap::new(),
        ok: true,
    };
    for u in raw_units {
        let span = u.span.clone().unwrap_or(cx.top.clone());
        let seen = u.id.as_ref().is_some_and(|i| out.index.contains_key(&i.v));
        let Some(id) = cx.new_id(&u.id, &span, seen, &u.written, &ID) else {
            out.ok = false;
            continue;
        };
        out.index.insert(id.v.clone(), out.units.len());
        match unit(cx, u, &id.v, raw, reps) {
            Some(unit) => out.units.push(unit),
            None => {
                out.ok = false;
                // Holds the place so scopes can still be resolved by index.
                out.units.push(Unit {
                    id: id.v.clone(),
                    name: String::new(),
                    region: text(&u.region),
                    segment: text(&u.segment),
                    location: None,
                    potential: Dist::Fixed(0.0),
                    deals: None,
                    workload_hours: 0.0,
                    accounts: 0,
                    owner: None,
                    locked: false,
                });
            }
        }
    }
    if out.ok && !out.units.is_empty() && out.units.iter().all(|u| u.potential.mean() == 0.0) {
        let top = cx.top.clone();
        cx.warn(
            ProblemKind::OutOfRange,
            &top,
            "every unit's potential is 0: every sale and every attainment will be 0",
        )
        .help("potential is the expected sales of a unit over the horizon at full coverage");
    }
    out
}

fn text(s: &Option<Sp<String>>) -> String {
    s.as_ref().map_or_else(String::new, |n| n.v.clone())
}

fn unit(
    cx: &mut Context<'_>,
    u: &RawUnit,
    id: &str,
    raw: &RawScenario,
    reps: &Reps,
) -> Option<Unit> {
    let span = u.span.clone().unwrap_or(cx.top.clone());
    let potential = match &u.potential {
        None if u.potential_unreadable => None,
        None => {
            cx.err(
                ProblemKind::Missing,
                &span,
                format!("unit `{id}` has no `potential`"),
            )
            .help("potential = expected sales over the horizon at full coverage");
            None
        }
        Some(RawPotential::Mean(m)) => {
            let mean = cx.amount(m, "potential", false);
            let cv = match &u.potential_cv {
                Some(c) => cx.cv(c, "potential_cv"),
                None => Some(0.0),
            };
            match (mean, cv) {
                (Some(m), Some(c)) if m == 0.0 || c == 0.0 => Some(Dist::Fixed(m)),
                (Some(m), Some(c)) => Dist::lognormal_cv(m, c).ok(),
                _ => None,
            }
        }
        Some(RawPotential::Dist(d)) => {
            if let Some(c) = &u.potential_cv {
                cx.err(
                    ProblemKind::Conflict,
                    &c.span,
                    "`potential_cv` applies only when `potential` is a number (log-normal mean)",
                );
            }
            dist(cx, d, "potential").and_then(|dist| {
                if !scale(cx, d, &dist, "potential", Scale::Amount) {
                    None
                } else if dist.support().0 < 0.0 {
                    cx.err(
                        ProblemKind::OutOfRange,
                        &d.span,
                        "`potential` can be negative with this distribution",
                    )
                    .help("use lognormal or a bounded family with min >= 0");
                    None
                } else {
                    Some(dist)
                }
            })
        }
    };
    let deals = deals(cx, u);
    let workload_hours = u
        .workload_hours
        .as_ref()
        .map_or(Some(0.0), |w| cx.amount(w, "workload_hours", false));
    let accounts = match &u.accounts {
        Some(a) if a.v >= 0.0 && a.v.fract() == 0.0 && a.v <= MAX_AMOUNT => Some(a.v as u64),
        Some(a) => {
            cx.err(
                ProblemKind::OutOfRange,
                &a.span,
                format!("`accounts` must be a whole number >= 0, found {}", a.v),
            );
            None
        }
        None => Some(0),
    };
    let location = location(cx, u, id);
    let owner = match &u.owner {
        None => {
            if cx.purpose == Purpose::Simulate && !u.written.iter().any(|k| k == "owner") {
                cx.err(ProblemKind::Missing, &span, format!("unit `{id}` has no owner"))
                    .help("simulate needs every unit assigned to a rep; fill the `owner` column with a rep id");
            }
            Some(None)
        }
        Some(o) => match reps.index.get(&o.v) {
            Some(&r) => Some(Some(r)),
            None => {
                let ids: Vec<&str> = raw
                    .reps
                    .iter()
                    .filter_map(|r| r.id.as_ref().map(|i| i.v.as_str()))
                    .collect();
                let p = cx.err(
                    ProblemKind::UnknownName,
                    &o.span,
                    format!("unit `{id}` is owned by `{}`, which is not a rep", o.v),
                );
                match did_you_mean(&o.v, &ids) {
                    Some(s) => p.help(format!(
                        "did you mean `{s}`? owners must be ids of [[reps]]"
                    )),
                    None => p.help("owners must be ids of [[reps]]"),
                };
                None
            }
        },
    };
    Some(Unit {
        id: id.to_string(),
        name: u
            .name
            .as_ref()
            .map_or_else(|| id.to_string(), |n| n.v.clone()),
        region: text(&u.region),
        segment: text(&u.segment),
        location: location?,
        potential: potential?,
        deals: deals?,
        workload_hours: workload_hours?,
        accounts: accounts?,
        owner: owner?,
        locked: u.locked.as_ref().is_some_and(|l| l.v),
    })
}

/// Deal lumpiness: `deals_per_year` turns it on; `deal_size_cv` alone has
/// nothing to act on.
fn deals(cx: &mut Context<'_>, u: &RawUnit) -> Option<Option<Deals>> {
    let cv = match &u.deal_size_cv {
        // Deal sizes are skewed: a cv of 1-3 is common, so only a spread
        // above 3 (or a whole-number percentage) is worth a word.
        Some(c) => Some(cx.cv_warn_above(c, "deal_size_cv", 3.0)?),
        None => None,
    };
    let Some(l) = &u.deals_per_year else {
        if let Some(c) = &u.deal_size_cv {
            cx.err(
                ProblemKind::Conflict,
                &c.span,
                "`deal_size_cv` needs `deals_per_year`",
            )
            .help("give deals_per_year (expected won deals per year) or drop deal_size_cv");
            return None;
        }
        return Some(None);
    };
    let per_year = cx.positive(l, "deals_per_year")?;
    if per_year > MAX_DEALS_PER_YEAR {
        cx.err(
            ProblemKind::OutOfRange,
            &l.span,
            format!("`deals_per_year` is {per_year}, more than {MAX_DEALS_PER_YEAR}"),
        )
        .help("with this many deals the flow is smooth: leave deals_per_year out");
        return None;
    }
    Some(Some(Deals {
        per_year,
        size_cv: cv.unwrap_or(0.0),
    }))
}

/// Each deal is drawn, so the cost of a unit grows with its deal rate.
const MAX_DEALS_PER_YEAR: f64 = 100_000.0;

/// Both `x` and `y`, or both `lat` and `lon`, or none.
fn location(cx: &mut Context<'_>, u: &RawUnit, id: &str) -> Option<Option<Location>> {
    let span = u.span.clone().unwrap_or(cx.top.clone());
    match (&u.x, &u.y, &u.lat, &u.lon) {
        (Some(x), Some(y), None, None) => {
            let x = cx.finite(x, "x");
            let y = cx.finite(y, "y");
            x.zip(y).map(|(x, y)| Some(Location::Planar { x, y }))
        }
        (None, None, Some(la), Some(lo)) => {
            let lat = cx.finite(la, "lat").filter(|l| (-90.0..=90.0).contains(l));
            let lon = cx
                .finite(lo, "lon")
                .filter(|l| (-180.0..=180.0).contains(l));
            if lat.is_none() {
                cx.err(
                    ProblemKind::OutOfRange,
                    &la.span,
                    format!("`lat` must be between -90 and 90 degrees, found {}", la.v),
                );
            }
            if lon.is_none() {
                cx.err(
                    ProblemKind::OutOfRange,
                    &lo.span,
                    format!("`lon` must be between -180 and 180 degrees, found {}", lo.v),
                );
            }
            lat.zip(lon)
                .map(|(lat, lon)| Some(Location::Geo { lat, lon }))
        }
        (None, None, None, None) => Some(None),
        // A coordinate that was written but unreadable is already reported.
        _ if ["x", "y", "lat", "lon"].iter().any(|k| {
            u.written.iter().any(|w| w == k)
                && match *k {
                    "x" => u.x.is_none(),
                    "y" => u.y.is_none(),
                    "lat" => u.lat.is_none(),
                    _ => u.lon.is_none(),
                }
        }) =>
        {
            None
        }
        _ => {
            cx.err(
                ProblemKind::Missing,
                &span,
                format!(
                    "unit `{id}` needs a location as both `x` and `y`, or both `lat` and `lon`"
                ),
            );
            None
        }
    }
}

/// Reps without units (their sales would be zero): a warning for each, or
/// one warning that names the first few when there are more than
/// [`IDLE_LISTED`]. A new alignment (no unit has an owner yet, validated
/// for alignment) gets none: every rep owns nothing until it is made.
pub fn warn_idle_reps(cx: &mut Context<'_>, raw: &RawScenario, reps: &Reps, units: &Units) {
    if !(reps.ok && units.ok) {
        return;
    }
    if cx.purpose == Purpose::Align && units.units.iter().all(|u| u.owner.is_none()) {
        return;
    }
    let mut owns = vec![false; raw.reps.len()];
    for u in &units.units {
        if let Some(r) = u.owner.filter(|&r| r < owns.len()) {
            owns[r] = true;
        }
    }
    let idle: Vec<usize> = (0..raw.reps.len()).filter(|&r| !owns[r]).collect();
    let span_of = |cx: &Context<'_>, ri: usize| {
        raw.reps[ri]
            .id
            .as_ref()
            .map_or(cx.top.clone(), |i| i.span.clone())
    };
    if idle.len() > IDLE_LISTED {
        let ids: Vec<&str> = idle.iter().map(|&r| reps.reps[r].id.as_str()).collect();
        let span = span_of(cx, idle[0]);
        cx.warn(
            ProblemKind::NoEffect,
            &span,
            format!(
                "{} reps own no units: {}",
                idle.len(),
                short_list(&ids, IDLE_LISTED)
            ),
        )
        .help("their sales will be zero; assign units or remove the reps (`quotaplan split` proposes territories)");
        return;
    }
    for ri in idle {
        let span = span_of(cx, ri);
        cx.warn(
            ProblemKind::NoEffect,
            &span,
            format!("rep `{}` owns no units", reps.reps[ri].id),
        )
        .help("its sales will be zero; assign units or remove the rep");
    }
}

/// Reps without units named one by one up to this many; more are summarised.
pub const IDLE_LISTED: usize = 5;

/// `ids` up to `max` of them, else the first `max` and how many more:
/// "R01, R02, R03, R04, R05, … (+7 more)".
fn short_list(ids: &[&str], max: usize) -> String {
    if ids.len() <= max {
        ids.join(", ")
    } else {
        format!("{}, … (+{} more)", ids[..max].join(", "), ids.len() - max)
    }
}
