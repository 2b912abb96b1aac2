//! Units (from the CSV or inline `[[units]]`): potential, workload,
//! accounts, location and owner.

use super::super::Purpose;
use super::super::raw::{RawPotential, RawScenario, RawUnit};
use super::super::reader::Sp;
use super::UnitSource;
use super::context::{Context, IdRule, MAX_AMOUNT};
use super::dist::{Scale, dist, scale};
use super::reps::Reps;
use crate::model::dist::Dist;
use crate::model::{Deals, Location, Unit};
use crate::source::diag::{ProblemKind, did_you_mean};
use std::collections::{BTreeSet, HashMap};

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
    /// The units could be read (not an unreadable or broken file), so what
    /// names units can be checked against them.
    pub known: bool,
    /// The regions and segments the units name, for risk scopes.
    pub regions: Tag,
    pub segments: Tag,
}

/// A text tag of the units (region or segment) as small numbers, so that
/// a risk's scope is matched against a million units without hashing each
/// unit's text.
#[derive(Default)]
pub struct Tag {
    /// Every text written (also on units that failed their checks or have
    /// no id; absent is ""), with its code.
    codes: HashMap<String, u32>,
    /// The code of each unit's text, indexed like [`Units::units`].
    of_unit: Vec<u32>,
}

impl Tag {
    fn code(&mut self, text: &Option<Sp<String>>) -> u32 {
        let text = text.as_ref().map_or("", |t| t.v.as_str());
        if let Some(&c) = self.codes.get(text) {
            return c;
        }
        let c = self.codes.len() as u32;
        self.codes.insert(text.to_string(), c);
        c
    }

    /// The texts written, without the empty one, in order.
    pub fn names(&self) -> BTreeSet<&str> {
        self.codes
            .keys()
            .map(String::as_str)
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// Per code, whether its text is one of `texts`.
    pub fn selected<'a>(&self, texts: impl Iterator<Item = &'a str>) -> Vec<bool> {
        let mut yes = vec![false; self.codes.len()];
        for t in texts {
            if let Some(&c) = self.codes.get(t) {
                yes[c as usize] = true;
            }
        }
        yes
    }

    /// The code of unit `i`'s text.
    pub fn of(&self, i: usize) -> usize {
        self.of_unit[i] as usize
    }
}

/// Validates the units of `source` (the CSV's rows are read one at a
/// time). Inline `[[units]]` must exist when no units file is named.
pub fn validate(
    cx: &mut Context<'_>,
    raw: &RawScenario,
    source: UnitSource<'_>,
    reps: &Reps,
) -> Units {
    let mut out = Units {
        units: Vec::new(),
        index: HashMap::new(),
        ok: true,
        known: true,
        regions: Tag::default(),
        segments: Tag::default(),
    };
    let rep_ids: Vec<&str> = raw
        .reps
        .iter()
        .filter_map(|r| r.id.as_ref().map(|i| i.v.as_str()))
        .collect();
    let mut owners = Owners::default();
    match source {
        UnitSource::Inline => {
            if raw.units.is_empty() && raw.units_file.is_none() {
                let top = cx.top.clone();
                cx.err(ProblemKind::Missing, &top, "the scenario has no units")
                    .help("add `[units] file = \"units.csv\"` or inline [[units]] tables");
            }
            for u in &raw.units {
                out.add(cx, u.clone(), reps, &rep_ids, &mut owners);
            }
        }
        UnitSource::Csv(mut rows) => {
            while let Some(u) = rows.next(cx.problems) {
                out.add(cx, u, reps, &rep_ids, &mut owners);
            }
            out.known = rows.finish(cx.problems);
        }
        UnitSource::Failed => out.known = false,
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

impl Units {
    /// Validates one unit and adds it (a failed one holds its place).
    fn add(
        &mut self,
        cx: &mut Context<'_>,
        u: RawUnit,
        reps: &Reps,
        rep_ids: &[&str],
        owners: &mut Owners,
    ) {
        let codes = (self.regions.code(&u.region), self.segments.code(&u.segment));
        let span = u.span.clone().unwrap_or(cx.top.clone());
        let seen = u.id.as_ref().is_some_and(|i| self.index.contains_key(&i.v));
        let Some(id) = cx.new_id(&u.id, &span, seen, u.written.contains("id"), &ID) else {
            self.ok = false;
            return;
        };
        let id = id.v.clone();
        self.index.insert(id.clone(), self.units.len());
        self.regions.of_unit.push(codes.0);
        self.segments.of_unit.push(codes.1);
        let checked = checked(cx, &u, &id, reps, rep_ids, owners);
        let RawUnit {
            name,
            region,
            segment,
            ..
        } = u;
        let (region, segment) = (text(region), text(segment));
        let Some(c) = checked else {
            self.ok = false;
            // Holds the place so scopes can still be resolved by index.
            self.units.push(Unit {
                id,
                name: String::new(),
                region,
                segment,
                location: None,
                potential: Dist::Fixed(0.0),
                deals: None,
                workload_hours: 0.0,
                accounts: 0,
                owner: None,
                locked: false,
            });
            return;
        };
        self.units.push(Unit {
            name: name.map_or_else(|| id.clone(), |n| n.v),
            id,
            region,
            segment,
            location: c.location,
            potential: c.potential,
            deals: c.deals,
            workload_hours: c.workload_hours,
            accounts: c.accounts,
            owner: c.owner,
            locked: c.locked,
        });
    }
}

fn text(s: Option<Sp<String>>) -> String {
    s.map(|n| n.v).unwrap_or_default()
}

/// Suggestions for owners that are not reps, each worked out once (a
/// file may name the same wrong owner on many rows).
#[derive(Default)]
struct Owners(HashMap<String, Option<String>>);

impl Owners {
    fn did_you_mean(&mut self, owner: &str, rep_ids: &[&str]) -> Option<String> {
        if let Some(s) = self.0.get(owner) {
            return s.clone();
        }
        let s = did_you_mean(owner, rep_ids).map(str::to_string);
        self.0.insert(owner.to_string(), s.clone());
        s
    }
}

/// What a unit's checks give besides its texts.
struct Checked {
    location: Option<Location>,
    potential: Dist,
    deals: Option<Deals>,
    workload_hours: f64,
    accounts: u64,
    owner: Option<usize>,
    locked: bool,
}

fn checked(
    cx: &mut Context<'_>,
    u: &RawUnit,
    id: &str,
    reps: &Reps,
    rep_ids: &[&str],
    owners: &mut Owners,
) -> Option<Checked> {
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
            if cx.purpose == Purpose::Simulate && !u.written.contains("owner") {
                cx.err(ProblemKind::Missing, &span, format!("unit `{id}` has no owner"))
                    .help("simulate needs every unit assigned to a rep; fill the `owner` column with a rep id");
            }
            Some(None)
        }
        Some(o) => match reps.index.get(&o.v) {
            Some(&r) => Some(Some(r)),
            None => {
                let suggestion = owners.did_you_mean(&o.v, rep_ids);
                let p = cx.err(
                    ProblemKind::UnknownName,
                    &o.span,
                    format!("unit `{id}` is owned by `{}`, which is not a rep", o.v),
                );
                match suggestion {
                    Some(s) => p.help(format!(
                        "did you mean `{s}`? owners must be ids of [[reps]]"
                    )),
                    None => p.help("owners must be ids of [[reps]]"),
                };
                None
            }
        },
    };
    Some(Checked {
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
            u.written.contains(k)
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
