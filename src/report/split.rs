//! A realignment: the table `split` prints, `assignment.csv`,
//! `territories.csv`, `split.json` and the before/after territory maps.

use super::charts::{self, FontSet};
use super::export::{Exporter, ReportError, csv_text};
use super::format::{column_width, pad};
use crate::analysis::MapData;
use crate::model::Model;
use crate::split::Realignment;
use std::fmt::Write;

/// A realignment with the scenario it changes (for names and the map).
pub struct SplitResult<'a> {
    pub before: &'a Model,
    pub plan: &'a Realignment,
}

/// What the plan achieved, the notes, and per territory its figures and
/// P(attain) before and after.
pub fn table(r: &SplitResult<'_>) -> String {
    let (model, plan) = (r.before, r.plan);
    let res = &plan.alignment.result;
    let opts = &plan.options;
    let k = opts.k;
    let elapsed = plan.elapsed.as_secs_f64();
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}: {k} territories balanced on {} within ±{:.2} % — {}",
        model.name,
        opts.balance.name(),
        100.0 * opts.tolerance,
        if res.feasible {
            "feasible"
        } else {
            "NOT feasible (best plan shown)"
        }
    );
    let _ = writeln!(
        o,
        "max deviation {:.3} %, cut edges {}, disruption {:.1} % of expected sales, {} iterations in {elapsed:.2} s",
        100.0 * res.max_deviation,
        res.cut_edges,
        100.0 * res.disruption,
        res.iterations
    );
    for n in &plan.alignment.notes {
        let _ = writeln!(o, "  note: {n}");
    }
    let _ = writeln!(o);
    let nw = column_width(plan.territories.iter().map(|t| t.name.as_str()), 4);
    let _ = writeln!(
        o,
        "{:<6} {} {:>6} {:>14} {:>8} {:>10} {:>5} {:>9} {:>9}",
        "Terr.",
        pad("Name", nw),
        "Units",
        "Exp. sales",
        "Dev.",
        "Workload",
        "Cut",
        "P before",
        "P after"
    );
    for (t, row) in plan.territories.iter().enumerate() {
        let m = &res.per_territory[t];
        let pct = |hits: u64| 100.0 * hits as f64 / plan.trials as f64;
        let pb = row
            .hits_before
            .map_or("—".to_string(), |h| format!("{:.1}%", pct(h)));
        let _ = writeln!(
            o,
            "{:<6} {} {:>6} {:>14.0} {:>+7.2}% {:>10.0} {:>5} {:>9} {:>8.1}%",
            row.id,
            pad(&row.name, nw),
            m.units,
            row.expected_sales,
            100.0 * m.deviation,
            row.workload_hours,
            m.cut_edges,
            pb,
            pct(row.hits_after)
        );
    }
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "P before/after: P(attain) simulated with the scenario's quotas ({} trials, seed {}, same random numbers)",
        plan.trials, plan.seed
    );
    o
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
        csv_text(|w| {
            w.write_record([
                "territory",
                "name",
                "units",
                "balance_metric",
                "target",
                "deviation",
                "expected_sales",
                "workload_hours",
                "accounts",
                "cut_edges",
                "gained",
                "lost",
                "home_distance",
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
                    m.deviation.to_string(),
                    row.expected_sales.to_string(),
                    row.workload_hours.to_string(),
                    row.accounts.to_string(),
                    m.cut_edges.to_string(),
                    m.gained.to_string(),
                    m.lost.to_string(),
                    m.home_distance.map_or_else(String::new, |d| d.to_string()),
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
        super::export::json(&serde_json::json!({
            "scenario": r.before.name,
            "territories": opts.k,
            "balance": opts.balance.name(),
            "tolerance": opts.tolerance,
            "max_disruption": opts.max_disruption,
            "seed": opts.seed,
            "feasible": res.feasible,
            "max_deviation": res.max_deviation,
            "cut_edges": res.cut_edges,
            "disruption": res.disruption,
            "iterations": res.iterations,
            "hit_time_limit": res.hit_time_limit,
            "violations": res.violations.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>(),
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
                message: "no unit has a location".into(),
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
