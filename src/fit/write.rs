//! The fitted scenario as files: the TOML (every fitted value with a
//! comment giving n, se and method; every value not in the history marked
//! `# ASSUMPTION: review`), its units CSV (per-unit evidence is in
//! `fit.json`: a CSV has no place for comments), and the evidence.

use super::churn::Churn;
use super::deals::UnitDeals;
use super::market::Trend;
use super::panel::Panel;
use super::potential::Levels;
use super::team::Team;
use super::{Estimate, Evidence, FitOptions, FittedSegment, FittedUnit};
use crate::history::{History, NONE, dates};
use crate::scenario::edit::toml_string;
use crate::source::Setting;
use chrono::NaiveDate;
use std::fmt::Write;

pub struct Fits {
    pub seasonality: Vec<Estimate>,
    pub trend: Trend,
    pub deals: Vec<UnitDeals>,
    pub levels: Levels,
    pub shock: Estimate,
    pub churn: Churn,
    pub team: Team,
    pub groups: Vec<String>,
}

/// The placeholder rep of units sold without an owner.
pub const UNASSIGNED: &str = "(unassigned)";

pub fn evidence(
    h: &History,
    opts: &FitOptions,
    p: &Panel,
    end_month: i32,
    (first, last): (NaiveDate, NaiveDate),
    f: Fits,
) -> Evidence {
    let cal_start = end_month.rem_euclid(12) as usize;
    let horizon: Vec<f64> = (0..opts.months)
        .map(|i| f.seasonality[(cal_start + i) % 12].value)
        .collect();
    // Share of a year's sales that falls in the horizon (years for > 12 months).
    let share: f64 = horizon.iter().sum();
    let horizon_weights: Vec<f64> = horizon.iter().map(|w| w / share).collect();
    let (units, inactive, reps) = fitted_units(h, p, &f, share);
    let mut assumptions = vec![
        "capacity_hours: not in the history; absent = every rep covers its territory fully"
            .to_string(),
        "workload_hours: not in the history (0 for every unit)".into(),
        "quotas: placeholders, each rep's fitted potential".into(),
        "company_target: placeholder, the sum of the fitted potentials".into(),
        "comp_plan: not in the history; none written".into(),
        "currency: not in the history".into(),
        "vacancy_months and vacancy_coverage: industry defaults".into(),
    ];
    if f.team.attrition.is_none() {
        assumptions.push(format!(
            "attrition: no {}; the B2B average 0.14",
            opts.spelling.of(Setting::Roster)
        ));
    }
    if f.team.ramp.is_none() {
        assumptions.push("ramp_months: no hire seen for 18 months in a roster; the usual 5".into());
    }
    if !h.has_owner {
        assumptions
            .push("reps: the history has no owner column; one rep `team` owns every unit".into());
    }
    if f.trend.growth.n < 2 {
        assumptions.push("trend: one full year cannot show a trend; flat".into());
    }
    if f.churn.loss.n == 0 {
        assumptions.push(
            "account_loss: needs two years (a unit with sales in one, checked the next); none written"
                .into(),
        );
    }
    if f.levels.productivity_cv.n == 0 {
        assumptions.push(
            "productivity: no rep-years to fit the spread on (needs owners and two years); none"
                .into(),
        );
    }
    Evidence {
        source: opts.source.clone(),
        rows: h.rows.len(),
        first_date: first.to_string(),
        last_date: last.to_string(),
        full_years: p.blocks,
        years_from: dates::month_label(p.first_month),
        horizon_from: dates::month_label(end_month),
        horizon_start: dates::month_start(end_month).format("%Y-%m").to_string(),
        horizon_months: opts.months,
        returns_rows: h.returns.rows,
        returns_total: h.returns.total,
        rows_after_until: h.after_until,
        rows_before_first_year: p.rows_before,
        deals: p.deals.len(),
        seasonality: f.seasonality,
        horizon_weights,
        growth: f.trend.growth,
        market_shock_sd: f.shock,
        account_loss: f.churn.loss,
        units_won_per_year: f.churn.won_per_year,
        productivity_cv: f.levels.productivity_cv,
        attrition: f.team.attrition,
        ramp_months: f.team.ramp,
        segments: f
            .groups
            .iter()
            .zip(f.levels.group_cv)
            .map(|(s, cv)| FittedSegment {
                segment: s.clone(),
                potential_cv: cv,
            })
            .collect(),
        units,
        units_inactive: inactive,
        reps,
        assumptions,
    }
}

/// The units that sell in the history's last full year, each with its
/// potential over the horizon (`share` of a year); how many were left out;
/// and their owners, in the order first met.
fn fitted_units(
    h: &History,
    p: &Panel,
    f: &Fits,
    share: f64,
) -> (Vec<FittedUnit>, usize, Vec<String>) {
    let name = |list: &[String], i: u32| {
        if i == NONE {
            String::new()
        } else {
            list[i as usize].clone()
        }
    };
    let mut units = Vec::new();
    let mut inactive = 0;
    let mut reps: Vec<String> = Vec::new();
    for (u, info) in h.units.iter().enumerate() {
        let potential = match &f.levels.potential[u] {
            Some(e) if p.active(u, p.blocks - 1) => e,
            _ => {
                inactive += 1;
                continue;
            }
        };
        let owner = if !h.has_owner {
            "team".to_string()
        } else if info.owner == NONE {
            UNASSIGNED.to_string()
        } else {
            h.owners[info.owner as usize].clone()
        };
        if !reps.contains(&owner) {
            reps.push(owner.clone());
        }
        units.push(FittedUnit {
            id: info.id.clone(),
            owner,
            region: name(&h.regions, info.region),
            segment: name(&h.segments, info.segment),
            potential: Estimate {
                value: potential.value * share,
                se: potential.se * share,
                ..potential.clone()
            },
            potential_cv: f.levels.cv[u].clone(),
            deals_per_year: f.deals[u].per_year.clone(),
            deal_size_cv: f.deals[u].size_cv.clone(),
        });
    }
    (units, inactive, reps)
}

/// `n 1234, se 0.012: method`.
fn note(e: &Estimate, decimals: usize) -> String {
    let se = if e.se.is_finite() {
        format!("{:.*}", decimals, e.se)
    } else {
        "unknown".into()
    };
    format!("fitted: se {se}, n {}; {}", e.n, e.method)
}

const ASSUME: &str = "# ASSUMPTION: review";

/// The fitted scenario, section by section.
pub fn toml(e: &Evidence, opts: &FitOptions) -> String {
    let mut t = String::new();
    scenario(&mut t, e, opts);
    t.push('\n');
    seasonality(&mut t, e);
    t.push('\n');
    units(&mut t, e, opts);
    t.push('\n');
    rep_defaults(&mut t, e);
    reps(&mut t, e);
    risks(&mut t, e);
    quotas(&mut t);
    t
}

/// The opening comment (where the fit came from) and `[scenario]`.
fn scenario(t: &mut String, e: &Evidence, opts: &FitOptions) {
    let stem = opts
        .source
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(&opts.source)
        .trim_end_matches(".csv");
    let _ = writeln!(
        t,
        "# Fitted by `quotaplan fit` from {} ({} rows, {} to {}):",
        opts.source, e.rows, e.first_date, e.last_date
    );
    let _ = writeln!(
        t,
        "# {} full year(s) from {}; the horizon starts {}.",
        e.full_years, e.years_from, e.horizon_from
    );
    let _ = writeln!(
        t,
        "# Every fitted value has a comment with its standard error (se), evidence (n)"
    );
    let _ = writeln!(
        t,
        "# and method; fit.json beside this file has them all, per unit too."
    );
    let _ = writeln!(
        t,
        "# Lines marked `{ASSUME}` are not in the history: check them."
    );
    t.push('\n');
    t.push_str("[scenario]\n");
    let _ = writeln!(t, "name = {}", toml_string(&format!("fitted from {stem}")));
    let _ = writeln!(
        t,
        "currency = \"CNY\"              {ASSUME} (not in the history)"
    );
    let _ = writeln!(t, "months = {}", opts.months);
    let _ = writeln!(
        t,
        "start = {}             # the month after the history",
        toml_string(&e.horizon_start)
    );
    t.push_str("seed = 1\ntrials = 10000\n");
    let total: f64 = e.units.iter().map(|u| u.potential.value).sum();
    let _ = writeln!(
        t,
        "company_target = {:.0}   {ASSUME}: placeholder, the sum of the fitted potentials",
        total.round()
    );
}

/// `[seasonality]`: the fitted calendar months as comments, the horizon's
/// weights as the value.
fn seasonality(t: &mut String, e: &Evidence) {
    t.push_str("[seasonality]\n");
    let _ = writeln!(
        t,
        "# Month 1 is {}. Per calendar month (share of the year):",
        e.horizon_from
    );
    const NAMES: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    for (m, s) in e.seasonality.iter().enumerate() {
        let _ = writeln!(
            t,
            "#   {} {:.4}  se {:.4}, n {} deals",
            NAMES[m], s.value, s.se, s.n
        );
    }
    if let Some(s) = e.seasonality.first() {
        let _ = writeln!(t, "# method: {}", s.method);
    }
    let w: Vec<String> = e
        .horizon_weights
        .iter()
        .map(|w| format!("{w:.5}"))
        .collect();
    let _ = writeln!(t, "weights = [{}]", w.join(", "));
}

/// `[units]`: the units file, and how its columns were fitted.
fn units(t: &mut String, e: &Evidence, opts: &FitOptions) {
    t.push_str("[units]\n");
    t.push_str("# id,region,segment,potential,potential_cv,deals_per_year,deal_size_cv,owner\n");
    let _ = writeln!(
        t,
        "# potential: expected sales over the {} months ({}).",
        opts.months,
        e.units.first().map_or("", |u| u.potential.method.as_str())
    );
    t.push_str("# potential_cv: the segment's year-to-year variation beyond deal noise (see [[segments]] below),\n");
    t.push_str("#   widened per unit by the standard error of its fitted level (a forecast is as wide as what is known);\n");
    t.push_str("# deals_per_year and deal_size_cv: per unit. Evidence per unit: fit.json.\n");
    for s in &e.segments {
        let _ = writeln!(
            t,
            "#   potential_cv {:<16} {:.3}  {}",
            if s.segment.is_empty() {
                "(all)"
            } else {
                &s.segment
            },
            s.potential_cv.value,
            note(&s.potential_cv, 3)
        );
    }
    let _ = writeln!(t, "# workload_hours: not in the history  {ASSUME}");
    let _ = writeln!(t, "file = {}", toml_string(&opts.units_file));
}

/// `[rep_defaults]`: attrition, ramp and productivity as fitted, the rest
/// assumed.
fn rep_defaults(t: &mut String, e: &Evidence) {
    t.push_str("[rep_defaults]\n");
    let _ = writeln!(
        t,
        "# capacity_hours: not in the history; absent = every rep covers its territory fully  {ASSUME}"
    );
    match &e.attrition {
        Some(a) => {
            let _ = writeln!(t, "attrition = {:.4}   # {}", a.value, note(a, 4));
        }
        None => {
            let _ = writeln!(t, "attrition = 0.14   {ASSUME}: no roster; the B2B average");
        }
    }
    let _ = writeln!(t, "vacancy_months = 3   {ASSUME}");
    let _ = writeln!(t, "vacancy_coverage = 0.25   {ASSUME}");
    match &e.ramp_months {
        Some(r) => {
            let _ = writeln!(t, "ramp_months = {:.1}   # {}", r.value, note(r, 1));
        }
        None => {
            let _ = writeln!(
                t,
                "ramp_months = 5   {ASSUME}: no hires seen in a roster; the usual 5"
            );
        }
    }
    let pc = &e.productivity_cv;
    if pc.value > 0.0 {
        let _ = writeln!(
            t,
            "productivity = {{ lognormal = {{ mean = 1.0, cv = {:.4} }} }}   # {}",
            pc.value,
            note(pc, 4)
        );
    } else if pc.n == 0 {
        let _ = writeln!(
            t,
            "productivity = {{ fixed = 1.0 }}   {ASSUME}: no rep-years to fit the spread on (needs owners and two years)"
        );
    } else {
        let _ = writeln!(
            t,
            "productivity = {{ fixed = 1.0 }}   # {}: no spread beyond noise",
            note(pc, 4)
        );
    }
}

/// `[[reps]]`, each with its fitted potential as a placeholder quota.
fn reps(t: &mut String, e: &Evidence) {
    for rep in &e.reps {
        let quota: f64 = e
            .units
            .iter()
            .filter(|u| &u.owner == rep)
            .map(|u| u.potential.value)
            .sum();
        t.push_str("\n[[reps]]\n");
        let _ = writeln!(t, "id = {}", toml_string(rep));
        let _ = writeln!(
            t,
            "quota = {:.0}   {ASSUME}: placeholder, the rep's fitted potential",
            (quota / 1000.0).round().max(1.0) * 1000.0
        );
    }
}

/// `[[risks]]`: the market shock, and account loss when the history shows it.
fn risks(t: &mut String, e: &Evidence) {
    t.push_str("\n[[risks]]\nid = \"market\"\nkind = \"shock\"\napplies_to = \"all\"\n");
    let _ = writeln!(t, "# {}", note(&e.market_shock_sd, 4));
    let _ = writeln!(
        t,
        "impact = {{ normal = {{ mean = 0.0, sd = {:.4} }} }}",
        e.market_shock_sd.value
    );
    let loss = &e.account_loss;
    if loss.value > 0.0 {
        t.push_str(
            "\n[[risks]]\nid = \"account_loss\"\nkind = \"account_loss\"\napplies_to = \"all\"\n",
        );
        let _ = writeln!(t, "probability = {:.4}   # {}", loss.value, note(loss, 4));
        t.push_str("# a lost account buys nothing from a uniform month of the horizon on\n");
        t.push_str("impact = { fixed = 1.0 }\n");
    } else if loss.n == 0 {
        let _ = writeln!(
            t,
            "\n# account_loss: none written: it needs two years (a unit with sales in one, checked the next)  {ASSUME}"
        );
    } else {
        let _ = writeln!(
            t,
            "\n# account_loss: no unit stopped buying ({}); none written",
            loss.method
        );
    }
}

/// `[quotas]`, and the comp plan the history cannot give.
fn quotas(t: &mut String) {
    t.push_str("\n[quotas]\n");
    let _ = writeln!(
        t,
        "method = \"given\"   {ASSUME}: the quotas above are placeholders"
    );
    let _ = writeln!(t, "over_assignment = 0.10   {ASSUME}");
    let _ = writeln!(
        t,
        "\n# [comp_plan]: not in the history; add the plan to see payouts  {ASSUME}"
    );
}

/// The cv the scenario's potential carries: the unit's year-to-year cv and
/// the uncertainty of its fitted level together (log-normal:
/// `(1 + cv^2)(1 + (se/potential)^2) - 1`), so a forecast from the fitted
/// scenario is as wide as what is known.
pub fn predictive_cv(u: &super::FittedUnit) -> f64 {
    let rel = if u.potential.value > 0.0 && u.potential.se.is_finite() {
        u.potential.se / u.potential.value
    } else {
        0.0
    };
    ((1.0 + u.potential_cv.value.powi(2)) * (1.0 + rel * rel) - 1.0)
        .max(0.0)
        .sqrt()
}

pub fn units_csv(e: &Evidence) -> String {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    let _ = w.write_record([
        "id",
        "region",
        "segment",
        "potential",
        "potential_cv",
        "deals_per_year",
        "deal_size_cv",
        "owner",
    ]);
    for u in &e.units {
        let _ = w.write_record([
            u.id.as_str(),
            &u.region,
            &u.segment,
            &format!("{:.0}", u.potential.value.round().max(1.0)),
            &format!("{:.4}", predictive_cv(u)),
            &format!("{:.3}", u.deals_per_year.value.max(0.001)),
            &format!("{:.4}", u.deal_size_cv.value),
            &u.owner,
        ]);
    }
    String::from_utf8(w.into_inner().expect("a Vec never fails")).expect("UTF-8 in, UTF-8 out")
}
