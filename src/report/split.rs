//! A realignment: the table `split` prints, `assignment.csv`,
//! `territories.csv`, `split.json` and the before/after territory maps.

use super::charts::{self, FontSet};
use super::export::{Exporter, ReportError, csv_text};
use super::format::{Align, Table, column_width, money, pad, truncate, wrap, wrap_indented};
use crate::analysis::MapData;
use crate::model::Model;
use crate::stats::Proportion;
use crate::territory::Realignment;
use std::fmt::Write;

/// A realignment with the scenario it changes (for names and the map).
pub struct SplitResult<'a> {
    pub before: &'a Model,
    pub plan: &'a Realignment,
}

/// What the plan achieved, the notes, and per territory its figures and
/// P(attain) before and after; then the quotas P after uses when given
/// quotas were re-derived, and the balance–disruption frontier.
pub fn table(r: &SplitResult<'_>) -> String {
    let plan = r.plan;
    let mut o = String::new();
    summary(&mut o, r);
    let misfits: Vec<&str> = plan.misfits().iter().map(|t| t.id.as_str()).collect();
    let iw = column_width(plan.territories.iter().map(|t| t.id.as_str()), 5);
    territory_tables(&mut o, plan, &misfits);
    explanations(&mut o, plan, &misfits);
    if plan.written_quotas().is_some() && plan.same_reps {
        quota_table(&mut o, plan, iw);
    }
    frontier_table(&mut o, plan);
    o
}

/// The plan in a few lines: balanced on what and whether within the
/// tolerance, how the search ended, the balance reached, what moves, the
/// targets and limits, and why no plan can be feasible, with the notes.
fn summary(o: &mut String, r: &SplitResult<'_>) {
    let (model, plan) = (r.before, r.plan);
    let res = &plan.alignment.result;
    let opts = &plan.options;
    let k = opts.k;
    let elapsed = plan.elapsed.as_secs_f64();
    o.push_str(&wrap(
        &format!(
            "{}: {k} territories balanced on {} within ±{:.2} % — {}",
            model.name,
            opts.balance.name(),
            100.0 * opts.tolerance,
            if res.feasible {
                "feasible"
            } else {
                "NOT feasible (best plan shown)"
            }
        ),
        WRAP,
    ));
    let _ = writeln!(
        o,
        "search: {} after {} round{} ({} iterations, {elapsed:.2} s)",
        res.stop.describe(),
        res.rounds,
        if res.rounds == 1 { "" } else { "s" },
        money(res.iterations as f64),
    );
    let _ = writeln!(
        o,
        "balance: max deviation {:.3} %, {} cut edges",
        100.0 * res.max_deviation,
        res.cut_edges,
    );
    moved(o, r);
    o.push_str(&wrap_indented(
        &format!(
            "targets: {}; continuity {}; travel radius {}",
            plan.targets.describe(),
            if opts.continuity { "on" } else { "off" },
            opts.max_distance
                .map_or("automatic per rep".to_string(), |d| format!(
                    "{} km",
                    trim(d)
                ))
        ),
        WRAP,
        "",
        "  ",
    ));
    for why in &res.proven_infeasible {
        o.push_str(&wrap_indented(why, WRAP, "  infeasible: ", "    "));
    }
    for n in &plan.alignment.notes {
        o.push_str(&wrap_indented(n, WRAP, "  note: ", "    "));
    }
    let _ = writeln!(o);
}

/// What moves against the current alignment, with the caps; nothing to
/// compare for a new alignment.
fn moved(o: &mut String, r: &SplitResult<'_>) {
    let (model, plan) = (r.before, r.plan);
    let res = &plan.alignment.result;
    let opts = &plan.options;
    let current = plan.same_reps && model.units.iter().any(|u| u.owner.is_some());
    if current {
        let cap = |c: Option<String>| c.map_or(" (no cap)".to_string(), |c| format!(" (cap {c})"));
        let line = format!(
            "moved: {:.1} % of expected sales{}, {} accounts{}, {} of {} units",
            100.0 * res.disruption,
            cap(opts
                .max_disruption
                .map(|c| format!("{} %", trim(100.0 * c)))),
            money(res.moved_accounts),
            cap(opts.max_moved_accounts.map(|c| money(c as f64))),
            res.moved_units,
            model.units.len()
        );
        o.push_str(&wrap_indented(&line, WRAP, "", "  "));
    } else {
        let _ = writeln!(o, "moved: nothing to compare (a new alignment)");
    }
}

/// Per territory, its balance (sales, deviation, share, presence,
/// workload, units moved) and its reach and P(quota) before and after,
/// `!` marking a rep whose quota no longer fits (`misfits`).
fn territory_tables(o: &mut String, plan: &Realignment, misfits: &[&str]) {
    let res = &plan.alignment.result;
    let mut balance = Table::new(&[
        ("Rep", Align::Left),
        ("Name", Align::Left),
        ("Expected\nsales", Align::Right),
        ("Off\ntarget", Align::Right),
        ("Target\nshare", Align::Right),
        ("Presence", Align::Right),
        ("Workload\nhours", Align::Right),
        ("Units\n+/−", Align::Right),
    ]);
    let mut reach = Table::new(&[
        ("Rep", Align::Left),
        ("Name", Align::Left),
        ("Home\nkm", Align::Right),
        ("Farthest\nkm", Align::Right),
        ("P(quota)\nbefore", Align::Right),
        ("P(quota)\nafter", Align::Right),
        ("", Align::Left),
    ]);
    let pct = |hits: Option<u64>| {
        hits.map_or("—".to_string(), |h| {
            format!("{:.1}%", Proportion::new(h, plan.trials).percent())
        })
    };
    let km = |x: Option<f64>| x.map_or_else(|| "—".to_string(), |d| format!("{d:.0}"));
    for (t, row) in plan.territories.iter().enumerate() {
        let m = &res.per_territory[t];
        let units = match (row.units_gained, row.units_lost) {
            (Some(0), Some(0)) => "0".to_string(),
            (Some(g), Some(l)) => format!("+{g} −{l}"),
            _ => "—".to_string(),
        };
        let name = truncate(&row.name, NAME_MAX);
        balance.row(vec![
            row.id.clone(),
            name.clone(),
            money(row.expected_sales),
            format!("{:+.2}%", 100.0 * m.deviation),
            format!("{:.1}%", 100.0 * row.target_share),
            format!("{:.2}", row.presence),
            money(row.workload_hours),
            units,
        ]);
        reach.row(vec![
            row.id.clone(),
            name,
            km(m.home_distance),
            km(m.farthest),
            pct(row.hits_before),
            pct(row.hits_after),
            if misfits.contains(&row.id.as_str()) {
                "!".to_string()
            } else {
                String::new()
            },
        ]);
    }
    o.push_str(&balance.render());
    let _ = writeln!(o);
    o.push_str(&reach.render());
    let _ = writeln!(o);
}

/// How to read the tables' columns, which quotas P(quota) before and after
/// use, and the reps whose quota no longer fits.
fn explanations(o: &mut String, plan: &Realignment, misfits: &[&str]) {
    let mut legend = String::from(
        "Expected sales: potential (full coverage, neutral market). Off target: from the territory's target. Target share: its share of the total. Presence: the rep's expected presence over the horizon. Units: gained and lost. Home km: workload-weighted mean distance to the rep's home; farthest: the farthest unit.",
    );
    o.push_str(&wrap(&legend, WRAP));
    legend.clear();
    if plan.territories.iter().any(|t| t.hits_before.is_some()) {
        legend.push_str("P(quota) before: with the scenario's quotas. ");
    } else {
        legend.push_str("P(quota) before: none (no current alignment with quotas to compare). ");
    }
    if plan.after_quotas.name() == "none" {
        legend.push_str(
            "P(quota) after: not simulated (no quotas, and no company_target to derive them from).",
        );
    } else {
        legend.push_str(&format!(
            "P(quota) after: with {}. {} trials, seed {}, same random numbers.",
            plan.after_quotas.describe(),
            plan.trials,
            plan.seed
        ));
    }
    o.push_str(&wrap(&legend, WRAP));
    if !misfits.is_empty() {
        o.push_str(&wrap(
            &format!(
                "! the scenario's quota no longer fits: the rep's expected sales change by more than {:.0} % ({}); P(quota) after uses the re-derived quotas below.",
                100.0 * Realignment::QUOTA_FIT,
                misfits.join(", ")
            ),
            WRAP,
        ));
    }
}

/// Explanations are wrapped to this many columns.
const WRAP: usize = super::format::TERMINAL_WIDTH;

/// Names longer than this many columns are shortened in the table.
const NAME_MAX: usize = 16;

/// `x` without trailing zeros: 20, 2.5.
fn trim(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The quotas P after uses beside the scenario's, with each rep's expected
/// sales before and after.
fn quota_table(o: &mut String, plan: &Realignment, iw: usize) {
    let _ = writeln!(o);
    o.push_str(&wrap(
        &format!(
            "Quotas for P(quota) after ({}):",
            plan.after_quotas.describe()
        ),
        WRAP,
    ));
    let _ = writeln!(
        o,
        "{} {:>12}   {:>12} {:>8}  {:>12}   {:>12}",
        pad("Terr.", iw),
        "Rep sales",
        "→ after",
        "Change",
        "Quota",
        "→ after"
    );
    let dash = |x: Option<f64>| x.map_or("—".to_string(), money);
    for row in &plan.territories {
        let change = row
            .sales_change()
            .map_or("—".to_string(), |c| format!("{:+.1}%", 100.0 * c));
        let misfit = row
            .sales_change()
            .is_some_and(|c| c.abs() > Realignment::QUOTA_FIT);
        let _ = writeln!(
            o,
            "{} {:>12} → {:>12} {:>8}  {:>12} → {:>12}{}",
            pad(&row.id, iw),
            dash(row.rep_sales_before),
            money(row.rep_sales_after),
            change,
            dash(row.quota_before),
            dash(row.quota_after),
            if misfit { " !" } else { "" }
        );
    }
    o.push_str(&wrap(
        "Rep sales: what the rep is expected to sell before market risks (potential × coverage × productivity × presence).",
        WRAP,
    ));
}

/// The best deviation when at most each share of expected sales may move.
fn frontier_table(o: &mut String, plan: &Realignment) {
    let points = &plan.alignment.frontier;
    if points.is_empty() {
        return;
    }
    let _ = writeln!(o);
    o.push_str(&wrap(
        "Balance–disruption frontier (the best plan when at most this share of expected sales may move):",
        WRAP,
    ));
    for p in points {
        let cap = if p.cap >= 1.0 {
            "unconstrained       ".to_string()
        } else {
            format!("at most {:>3} % moving", trim(100.0 * p.cap))
        };
        let _ = writeln!(
            o,
            "  {cap} → best deviation {:>6.2} % ({:.1} % moves){}",
            100.0 * p.max_deviation,
            100.0 * p.disruption,
            if p.feasible {
                String::new()
            } else {
                format!(", not within ±{} %", trim(100.0 * plan.options.tolerance))
            }
        );
    }
}

/// `assignment.csv`: every unit's old and new owner.
pub struct AssignmentCsv;
/// `territories.csv`: each territory's balance, size, shape and P(equal quota).
pub struct TerritoriesCsv;
/// `split.json`: the plan's options and quality.
pub struct SplitJson;
/// `map-before.svg` / `map-after.svg`: territories today and proposed.
pub struct MapSvg {
    pub after: bool,
}

impl Exporter<SplitResult<'_>> for AssignmentCsv {
    fn file_name(&self) -> String {
        "assignment.csv".into()
    }

    fn export(&self, r: &SplitResult<'_>) -> Result<Vec<u8>, ReportError> {
        csv_text(|w| {
            w.write_record(["unit", "name", "old_owner", "new_owner", "locked", "moved"])?;
            for mv in &r.plan.moves {
                let unit = &r.before.units[mv.unit];
                w.write_record([
                    unit.id.clone(),
                    unit.name.clone(),
                    mv.old_owner.clone(),
                    mv.new_owner.clone(),
                    unit.locked.to_string(),
                    mv.moved.to_string(),
                ])?;
            }
            Ok(())
        })
    }
}

impl Exporter<SplitResult<'_>> for TerritoriesCsv {
    fn file_name(&self) -> String {
        "territories.csv".into()
    }

    fn export(&self, r: &SplitResult<'_>) -> Result<Vec<u8>, ReportError> {
        let plan = r.plan;
        let opt = |x: Option<f64>| x.map_or_else(String::new, |v| v.to_string());
        let opt_n = |x: Option<usize>| x.map_or_else(String::new, |v| v.to_string());
        let p = |h: Option<u64>| {
            h.map_or_else(String::new, |h| {
                Proportion::new(h, plan.trials).p().to_string()
            })
        };
        csv_text(|w| {
            w.write_record([
                "territory",
                "name",
                "units",
                "balance_metric",
                "target",
                "target_share",
                "deviation",
                "expected_sales",
                "presence",
                "capacity_hours",
                "workload_hours",
                "accounts",
                "cut_edges",
                "gained",
                "lost",
                "units_gained",
                "units_lost",
                "accounts_gained",
                "home_distance_km",
                "farthest_km",
                "rep_sales_before",
                "rep_sales_after",
                "quota_before",
                "quota_after",
                "p_before",
                "p_after",
                "p_equal_quota",
            ])?;
            for (t, m) in plan.alignment.result.per_territory.iter().enumerate() {
                let row = &plan.territories[t];
                w.write_record([
                    row.id.clone(),
                    row.name.clone(),
                    m.units.to_string(),
                    m.weight.to_string(),
                    m.target.to_string(),
                    row.target_share.to_string(),
                    m.deviation.to_string(),
                    row.expected_sales.to_string(),
                    row.presence.to_string(),
                    opt(row.capacity_hours),
                    row.workload_hours.to_string(),
                    row.accounts.to_string(),
                    m.cut_edges.to_string(),
                    m.gained.to_string(),
                    m.lost.to_string(),
                    opt_n(row.units_gained),
                    opt_n(row.units_lost),
                    m.accounts_gained.to_string(),
                    opt(m.home_distance),
                    opt(m.farthest),
                    opt(row.rep_sales_before),
                    row.rep_sales_after.to_string(),
                    opt(row.quota_before),
                    opt(row.quota_after),
                    p(row.hits_before),
                    p(row.hits_after),
                    plan.alignment
                        .p_equal_quota
                        .as_ref()
                        .map_or_else(String::new, |p| p[t].to_string()),
                ])?;
            }
            Ok(())
        })
    }
}

impl Exporter<SplitResult<'_>> for SplitJson {
    fn file_name(&self) -> String {
        "split.json".into()
    }

    fn export(&self, r: &SplitResult<'_>) -> Result<Vec<u8>, ReportError> {
        let (plan, opts) = (r.plan, &r.plan.options);
        let res = &plan.alignment.result;
        let p = |h: Option<u64>| h.map(|h| Proportion::new(h, plan.trials).p());
        let misfits: Vec<&str> = plan.misfits().iter().map(|t| t.id.as_str()).collect();
        let territories: Vec<serde_json::Value> = plan
            .territories
            .iter()
            .zip(&res.per_territory)
            .map(|(row, m)| {
                serde_json::json!({
                    "id": row.id,
                    "name": row.name,
                    "units": m.units,
                    "expected_sales": row.expected_sales,
                    "target_share": row.target_share,
                    "deviation": m.deviation,
                    "presence": row.presence,
                    "capacity_hours": row.capacity_hours,
                    "workload_hours": row.workload_hours,
                    "accounts": row.accounts,
                    "cut_edges": m.cut_edges,
                    "home_distance_km": m.home_distance,
                    "farthest_km": m.farthest,
                    "units_gained": row.units_gained,
                    "units_lost": row.units_lost,
                    "accounts_gained": m.accounts_gained,
                    "rep_sales_before": row.rep_sales_before,
                    "rep_sales_after": row.rep_sales_after,
                    "quota_before": row.quota_before,
                    "quota_after": row.quota_after,
                    "quota_fits": !misfits.contains(&row.id.as_str()),
                    "p_before": p(row.hits_before),
                    "p_after": p(row.hits_after),
                })
            })
            .collect();
        let frontier: Vec<serde_json::Value> = plan
            .alignment
            .frontier
            .iter()
            .map(|f| {
                serde_json::json!({
                    "cap": f.cap,
                    "max_deviation": f.max_deviation,
                    "disruption": f.disruption,
                    "feasible": f.feasible,
                })
            })
            .collect();
        super::export::json(&serde_json::json!({
            "scenario": r.before.name,
            "territories": opts.k,
            "balance": opts.balance.name(),
            "tolerance": opts.tolerance,
            "targets": plan.targets.name(),
            "max_disruption": opts.max_disruption,
            "max_moved_accounts": opts.max_moved_accounts,
            "max_distance_km": opts.max_distance,
            "continuity": opts.continuity,
            "time_limit_s": opts.time_limit.map(|t| t.as_secs_f64()),
            "seed": opts.seed,
            "feasible": res.feasible,
            "stop": res.stop.describe(),
            "rounds": res.rounds,
            "proven_infeasible": res.proven_infeasible,
            "max_deviation": res.max_deviation,
            "cut_edges": res.cut_edges,
            "disruption": res.disruption,
            "moved_accounts": res.moved_accounts,
            "moved_units": res.moved_units,
            "iterations": res.iterations,
            "hit_time_limit": res.hit_time_limit,
            "violations": res.violations.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>(),
            "frontier": frontier,
            "p_after_quotas": plan.after_quotas.name(),
            "p_after_quotas_description": plan.after_quotas.describe(),
            "quota_fit_threshold": Realignment::QUOTA_FIT,
            "quotas_no_longer_fit": misfits,
            "trials": plan.trials,
            "per_territory": territories,
            "notes": plan.alignment.notes,
        }))
    }
}

impl MapSvg {
    /// The map as a chart, `None` when no unit has a location. The map
    /// before shows the scenario's reps (and their homes); the map after
    /// shows the plan's territories, with the reps' homes only when each
    /// territory stays with its rep (`T01..Tk` territories have none).
    pub fn chart(&self, r: &SplitResult<'_>) -> Option<charts::Chart> {
        let (model, plan) = (r.before, r.plan);
        let k = plan.options.k;
        if self.after {
            let mut map = MapData::from_model(&plan.model)?;
            if k != model.reps.len() {
                for rep in &mut map.reps {
                    rep.home = None;
                }
            }
            // The map holds the located units only: match them by id.
            let index: std::collections::HashMap<&str, usize> = model
                .units
                .iter()
                .enumerate()
                .map(|(i, u)| (u.id.as_str(), i))
                .collect();
            let before = map.assign_by_id(|id| {
                index
                    .get(id)
                    .and_then(|&i| model.units[i].owner.filter(|&o| o < k))
            });
            let after = map.assign_by_id(|id| {
                index
                    .get(id)
                    .and_then(|&i| plan.alignment.result.assignment.get(i).copied())
            });
            charts::territory_map(
                &map,
                &after,
                Some(&before),
                &format!(
                    "{}: proposed territories (ringed units change owner)",
                    model.name
                ),
            )
        } else {
            let map = MapData::from_model(model)?;
            charts::territory_map(
                &map,
                &map.current(),
                None,
                &format!("{}: territories before", model.name),
            )
        }
    }
}

impl Exporter<SplitResult<'_>> for MapSvg {
    fn file_name(&self) -> String {
        if self.after {
            "map-after.svg".into()
        } else {
            "map-before.svg".into()
        }
    }

    fn export(&self, r: &SplitResult<'_>) -> Result<Vec<u8>, ReportError> {
        let chart = self.chart(r).ok_or_else(|| {
            ReportError::Chart(charts::ChartError {
                chart: self.file_name(),
                source: charts::ChartErrorKind::NoLocation,
            })
        })?;
        Ok(chart.svg(&FontSet::embedded())?.data.into_bytes())
    }
}

/// The files `split` writes: the tables, and the maps when units have
/// locations.
pub fn split_exporters<'a>(r: &SplitResult<'_>) -> Vec<Box<dyn Exporter<SplitResult<'a>>>> {
    let mut out: Vec<Box<dyn Exporter<SplitResult<'a>>>> = vec![
        Box::new(AssignmentCsv),
        Box::new(TerritoriesCsv),
        Box::new(SplitJson),
    ];
    for after in [false, true] {
        if (MapSvg { after }).chart(r).is_some() {
            out.push(Box::new(MapSvg { after }));
        }
    }
    out
}
