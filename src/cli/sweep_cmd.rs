//! `quotaplan sweep`: the grid of what-ifs over one or more keys, every
//! combination simulated with the same random numbers.

use super::args::SweepArgs;
use super::{Fail, check, files, load};
use quotaplan::engine::{self, SimOptions};
use quotaplan::report;
use quotaplan::scenario::Purpose;
use std::path::PathBuf;

/// `key=v1,v2,...` into the key and its values.
fn parse_vary(s: &str) -> Result<(String, Vec<String>), Fail> {
    let (k, v) = s.split_once('=').ok_or_else(|| {
        Fail::Message(format!(
            "--vary `{s}` needs key.path=v1,v2,... (e.g. --vary reps.R03.quota=6e6,7e6,8e6)"
        ))
    })?;
    let values: Vec<String> = v
        .split(',')
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect();
    if values.is_empty() {
        return Err(Fail::Message(format!("--vary `{s}` lists no values")));
    }
    Ok((k.trim().to_string(), values))
}

pub fn sweep(a: SweepArgs) -> Result<(), Fail> {
    let varies: Vec<(String, Vec<String>)> = a
        .vary
        .iter()
        .map(|v| parse_vary(v))
        .collect::<Result<_, _>>()?;
    if varies.is_empty() {
        return Err(Fail::Message(
            "give at least one --vary key.path=v1,v2,...".into(),
        ));
    }
    // Every combination, the first key varying slowest.
    let mut grid: Vec<Vec<(String, String)>> = vec![Vec::new()];
    for (k, vals) in &varies {
        grid = grid
            .into_iter()
            .flat_map(|combo| {
                vals.iter().map(move |v| {
                    let mut c = combo.clone();
                    c.push((k.clone(), v.clone()));
                    c
                })
            })
            .collect();
    }
    let mut rows = Vec::new();
    let mut csv = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = varies.iter().map(|(k, _)| k.clone()).collect();
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
    csv.write_record(&header)?;
    let mut name = String::new();
    let mut p_hits = Vec::new();
    for combo in &grid {
        let mut sets = a.set.clone();
        sets.extend(combo.iter().map(|(k, v)| format!("{k}={v}")));
        let loaded = load(a.scenario.as_deref(), Purpose::Simulate, &sets)?;
        check(&loaded)?;
        let model = loaded.model.as_ref().expect("checked");
        name = model.name.clone();
        let opts = SimOptions {
            threads: a.threads,
            analytics: false,
            ..SimOptions::new(
                a.trials.unwrap_or(model.trials),
                a.seed.unwrap_or(model.seed),
            )
        };
        let res = engine::simulate(model, &opts, None)?;
        let s = report::summarise(model, &res, Vec::new());
        let t = &s.team;
        p_hits.push(t.p_hit_target);
        let payout = s.compensation.as_ref().map(|c| c.total_payout.mean);
        let mut row: Vec<String> = combo.iter().map(|(_, v)| v.clone()).collect();
        row.extend(
            [
                s.trials as f64,
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
        row.push(payout.map_or_else(String::new, |p| p.to_string()));
        csv.write_record(&row)?;
        let values: serde_json::Map<String, serde_json::Value> = combo
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect();
        rows.push(serde_json::json!({
            "set": values,
            "trials": s.trials,
            "p_hit_target": t.p_hit_target,
            "p_hit_target_se": t.p_hit_target_se,
            "sales": { "mean": t.sales.mean, "p10": t.sales.p10, "p50": t.sales.p50, "p90": t.sales.p90 },
            "shortfall": { "var95": t.shortfall.var95, "cvar95": t.shortfall.cvar95 },
            "reps_at_quota_mean": t.reps_at_quota.mean,
            "payout_mean": payout,
        }));
        let label: Vec<String> = combo.iter().map(|(k, v)| format!("{k}={v}")).collect();
        println!(
            "{:<48} P(team hits target) {:>6.1}% ± {:.1}%   mean sales {:>16.0}",
            label.join(" "),
            100.0 * t.p_hit_target,
            196.0 * t.p_hit_target_se,
            t.sales.mean
        );
    }
    let out_dir = a.out.clone().unwrap_or_else(|| {
        PathBuf::from("output")
            .join(files::slug(&name))
            .join("sweep")
    });
    let json = serde_json::json!({ "scenario": name, "vary": varies.iter().map(|(k, v)| serde_json::json!({ "key": k, "values": v })).collect::<Vec<_>>(), "runs": rows });
    let csv_text = String::from_utf8(csv.into_inner().map_err(|e| e.to_string())?)?;
    // A heatmap of P(team hits target) over one or two varied keys.
    let heat = match &varies[..] {
        [(k, vals)] => Some(report::charts::Grid {
            title: format!("{name}: P(team hits target)"),
            x_label: k.clone(),
            y_label: String::new(),
            columns: vals.clone(),
            rows: vec![String::new()],
            values: vec![p_hits.iter().map(|&p| Some(p)).collect()],
            format: report::charts::ValueFormat::Percent,
            higher_is_better: true,
        }),
        [(k1, v1), (k2, v2)] => Some(report::charts::Grid {
            title: format!("{name}: P(team hits target)"),
            x_label: k2.clone(),
            y_label: k1.clone(),
            columns: v2.clone(),
            rows: v1.clone(),
            values: p_hits
                .chunks(v2.len())
                .map(|row| row.iter().map(|&p| Some(p)).collect())
                .collect(),
            format: report::charts::ValueFormat::Percent,
            higher_is_better: true,
        }),
        _ => None,
    };
    let svg = match &heat {
        Some(g) => Some(
            report::charts::heatmap(g)
                .svg(&report::charts::FontSet::embedded())
                .map_err(|e| e.to_string())?
                .data,
        ),
        None => None,
    };
    let json_text = serde_json::to_string_pretty(&json)? + "\n";
    let mut out: Vec<(&str, &[u8])> = vec![
        ("sweep.csv", csv_text.as_bytes()),
        ("sweep.json", json_text.as_bytes()),
    ];
    if let Some(svg) = &svg {
        out.push(("sweep.svg", svg.as_bytes()));
    }
    files::write_all(&out_dir, &out)?;
    println!(
        "Wrote {}/{{sweep.csv, sweep.json, sweep.svg}} ({} runs, same seed: differences are not noise)",
        out_dir.display(),
        grid.len()
    );
    Ok(())
}
