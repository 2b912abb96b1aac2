//! A sweep: a line per grid point, `sweep.csv`, `sweep.json`, and
//! `sweep.svg`, a heatmap of P(team hits target) over one or two keys.

use super::charts::{self, FontSet, Grid, ValueFormat};
use super::export::{Exporter, ReportError, csv_text};
use super::format::{Align, Table, money, pct};
use crate::whatif::Sweep;

/// One row per grid point: the values of the varied keys, P(team hits
/// target) with its 95 % half-width, and expected team sales.
pub fn lines(s: &Sweep) -> String {
    let mut heads: Vec<(&str, Align)> = s
        .vary
        .iter()
        .map(|v| (v.key.as_str(), Align::Left))
        .collect();
    heads.extend([
        ("P(team hits\ntarget)", Align::Right),
        ("95 %\n±", Align::Right),
        ("Expected\nsales", Align::Right),
    ]);
    let mut t = Table::new(&heads);
    for run in &s.runs {
        let team = &run.team;
        let mut row: Vec<String> = run.values.iter().map(ToString::to_string).collect();
        row.extend([
            pct(team.p_hit_target),
            pct(1.96 * team.p_hit_target_se),
            money(team.sales.mean),
        ]);
        t.row(row);
    }
    t.render()
}

/// `sweep.csv`: one row per grid point.
pub struct SweepCsv;
/// `sweep.json`: the grid and the headline figures of each point.
pub struct SweepJson;
/// `sweep.svg`: P(team hits target) over one or two varied keys.
pub struct SweepHeatmap;

impl Exporter<Sweep> for SweepCsv {
    fn file_name(&self) -> String {
        "sweep.csv".into()
    }

    fn export(&self, s: &Sweep) -> Result<Vec<u8>, ReportError> {
        csv_text(|w| {
            let mut header: Vec<String> = s.vary.iter().map(|v| v.key.clone()).collect();
            header.extend(
                [
                    "trials",
                    "p_hit_target",
                    "p_hit_target_se",
                    "sales_mean",
                    "sales_p10",
                    "sales_p50",
                    "sales_p90",
                    "shortfall_var95",
                    "shortfall_cvar95",
                    "reps_at_quota_mean",
                    "payout_mean",
                ]
                .map(String::from),
            );
            w.write_record(&header)?;
            for run in &s.runs {
                let t = &run.team;
                let mut row = run.values.clone();
                row.extend(
                    [
                        run.trials as f64,
                        t.p_hit_target,
                        t.p_hit_target_se,
                        t.sales.mean,
                        t.sales.p10,
                        t.sales.p50,
                        t.sales.p90,
                        t.shortfall.var95,
                        t.shortfall.cvar95,
                        t.reps_at_quota.mean,
                    ]
                    .iter()
                    .map(|x| x.to_string()),
                );
                row.push(run.payout_mean.map_or_else(String::new, |p| p.to_string()));
                w.write_record(&row)?;
            }
            Ok(())
        })
    }
}

impl Exporter<Sweep> for SweepJson {
    fn file_name(&self) -> String {
        "sweep.json".into()
    }

    fn export(&self, s: &Sweep) -> Result<Vec<u8>, ReportError> {
        let runs: Vec<serde_json::Value> = s
            .runs
            .iter()
            .map(|run| {
                let t = &run.team;
                let values: serde_json::Map<String, serde_json::Value> = s
                    .vary
                    .iter()
                    .zip(&run.values)
                    .map(|(v, x)| (v.key.clone(), serde_json::Value::String(x.clone())))
                    .collect();
                serde_json::json!({
                    "set": values,
                    "trials": run.trials,
                    "p_hit_target": t.p_hit_target,
                    "p_hit_target_se": t.p_hit_target_se,
                    "sales": { "mean": t.sales.mean, "p10": t.sales.p10, "p50": t.sales.p50, "p90": t.sales.p90 },
                    "shortfall": { "var95": t.shortfall.var95, "cvar95": t.shortfall.cvar95 },
                    "reps_at_quota_mean": t.reps_at_quota.mean,
                    "payout_mean": run.payout_mean,
                })
            })
            .collect();
        super::export::json(&serde_json::json!({
            "scenario": s.scenario,
            "vary": s.vary.iter().map(|v| serde_json::json!({ "key": v.key, "values": v.values })).collect::<Vec<_>>(),
            "runs": runs,
        }))
    }
}

impl SweepHeatmap {
    /// The heatmap, for one or two varied keys.
    pub fn grid(s: &Sweep) -> Option<Grid> {
        let p: Vec<Option<f64>> = s.runs.iter().map(|r| Some(r.team.p_hit_target)).collect();
        let title = format!("{}: P(team hits target)", s.scenario);
        match &s.vary[..] {
            [v] => Some(Grid {
                title,
                x_label: v.key.clone(),
                y_label: String::new(),
                columns: v.values.clone(),
                rows: vec![String::new()],
                values: vec![p],
                format: ValueFormat::Percent,
                higher_is_better: true,
            }),
            [v1, v2] => Some(Grid {
                title,
                x_label: v2.key.clone(),
                y_label: v1.key.clone(),
                columns: v2.values.clone(),
                rows: v1.values.clone(),
                values: p.chunks(v2.values.len()).map(<[_]>::to_vec).collect(),
                format: ValueFormat::Percent,
                higher_is_better: true,
            }),
            _ => None,
        }
    }
}

impl Exporter<Sweep> for SweepHeatmap {
    fn file_name(&self) -> String {
        "sweep.svg".into()
    }

    fn export(&self, s: &Sweep) -> Result<Vec<u8>, ReportError> {
        let grid = Self::grid(s).ok_or_else(|| charts::ChartError {
            chart: "sweep".into(),
            source: charts::ChartErrorKind::HeatmapKeys,
        })?;
        Ok(charts::heatmap(&grid)
            .svg(&FontSet::embedded())?
            .data
            .into_bytes())
    }
}

/// The files `sweep` writes (the heatmap for one or two varied keys).
pub fn sweep_exporters(s: &Sweep) -> Vec<Box<dyn Exporter<Sweep>>> {
    let mut out: Vec<Box<dyn Exporter<Sweep>>> = vec![Box::new(SweepCsv), Box::new(SweepJson)];
    if SweepHeatmap::grid(s).is_some() {
        out.push(Box::new(SweepHeatmap));
    }
    out
}
