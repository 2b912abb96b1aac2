//! `quotaplan compare` and `quotaplan check`: deltas beyond noise and gates
//! for CI pipelines. Exit codes: 0 pass, 1 a gate failed, 2 an error.

use super::args::{CheckArgs, CompareArgs, GateArgs};
use super::{Fail, files, render};
use quotaplan::compare::{self, Delta, Gate, GateResult};
use quotaplan::engine::{self, SimOptions, SimResult};
use quotaplan::report;
use quotaplan::scenario::{self, Purpose};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn err2(m: impl std::fmt::Display) -> Fail {
    Fail::Exit(2, m.to_string())
}

fn parse_gates(g: &GateArgs) -> Result<Vec<Gate>, Fail> {
    let mut out = Vec::new();
    for s in &g.fail_if {
        out.push(Gate::fail_if(s).map_err(err2)?);
    }
    for s in &g.max_drop {
        out.push(Gate::max_change(s, true).map_err(err2)?);
    }
    for s in &g.max_rise {
        out.push(Gate::max_change(s, false).map_err(err2)?);
    }
    Ok(out)
}

/// A side of a comparison: its summary, and its trials when simulated here.
struct Side {
    summary: Value,
    run: Option<SimResult>,
    target: f64,
}

fn simulate(path: &Path, g: &GateArgs) -> Result<Side, Fail> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| err2(format!("cannot read `{}`: {e}", path.display())))?;
    let loaded = scenario::load(
        &path.display().to_string(),
        &text,
        &files::DiskLoader,
        Purpose::Simulate,
    );
    render::problems(&loaded);
    let model = loaded
        .model
        .as_ref()
        .ok_or_else(|| err2(format!("`{}` has errors; nothing compared", path.display())))?;
    let opts = SimOptions {
        threads: g.threads,
        analytics: false,
        ..SimOptions::new(
            g.trials.unwrap_or(model.trials),
            g.seed.unwrap_or(model.seed),
        )
    };
    let res = engine::simulate(model, &opts, None).map_err(err2)?;
    let warnings = loaded
        .warnings()
        .map(|p| p.plain(&loaded.sources))
        .collect();
    let summary = serde_json::to_value(report::summarise(model, &res, warnings)).map_err(err2)?;
    Ok(Side {
        summary,
        run: Some(res),
        target: model.company_target,
    })
}

fn side(path: &Path, g: &GateArgs) -> Result<Side, Fail> {
    let json = if path.is_dir() {
        path.join("summary.json")
    } else {
        path.to_path_buf()
    };
    if json.extension().is_some_and(|e| e == "json") {
        let text = std::fs::read_to_string(&json)
            .map_err(|e| err2(format!("cannot read `{}`: {e}", json.display())))?;
        let summary: Value = serde_json::from_str(&text)
            .map_err(|e| err2(format!("`{}` is not a summary.json: {e}", json.display())))?;
        let target = summary["team"]["target"].as_f64().unwrap_or(f64::NAN);
        return Ok(Side {
            summary,
            run: None,
            target,
        });
    }
    simulate(path, g)
}

/// Standard errors from paired per-trial differences (common random
/// numbers), when both sides were simulated here with the same trials.
fn paired(a: &Side, b: &Side) -> impl Fn(&str) -> Option<f64> {
    let pairs = match (&a.run, &b.run) {
        (Some(x), Some(y)) if x.trials == y.trials && x.seed == y.seed => Some((
            compare::paired_se(&x.team, &y.team),
            compare::paired_se(
                &compare::hits(&x.team, a.target),
                &compare::hits(&y.team, b.target),
            ),
        )),
        _ => None,
    };
    move |metric: &str| {
        let (sales, hits) = pairs?;
        match metric {
            "team.sales.mean" => Some(sales),
            "team.p_hit_target" => Some(hits),
            _ => None,
        }
    }
}

fn compare_sides(
    name: &str,
    a: &Side,
    b: &Side,
    extra: &[String],
    gates: &[Gate],
) -> (Vec<Delta>, Vec<GateResult>, String) {
    let mut metrics = compare::default_metrics(&a.summary, &b.summary);
    metrics.extend(extra.iter().cloned());
    for g in gates {
        let m = match g {
            Gate::FailIf { metric, .. }
            | Gate::MaxDrop { metric, .. }
            | Gate::MaxRise { metric, .. } => metric,
        };
        if !metrics.contains(m) {
            metrics.push(m.clone());
        }
    }
    let ps = paired(a, b);
    let deltas = compare::deltas(&a.summary, &b.summary, &metrics, &ps);
    let results = compare::gates(gates, &a.summary, &b.summary, &deltas);
    let md = compare::markdown(name, &deltas, &results);
    (deltas, results, md)
}

fn write_reports(g: &GateArgs, md: &str, suites: &[(String, Vec<GateResult>)]) -> Result<(), Fail> {
    let write = |p: &PathBuf, body: &str| -> Result<(), Fail> {
        let dir = p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = p
            .file_name()
            .ok_or_else(|| err2(format!("`{}` is not a file name", p.display())))?
            .to_string_lossy()
            .into_owned();
        files::write_all(dir, &[(&name, body.as_bytes())]).map_err(err2)
    };
    if let Some(p) = &g.markdown {
        write(p, md)?;
    }
    if let Some(p) = &g.junit {
        write(p, &compare::junit(suites))?;
    }
    Ok(())
}

pub fn compare(a: CompareArgs) -> Result<(), Fail> {
    let gates = parse_gates(&a.gates)?;
    let base = side(&a.base, &a.gates)?;
    let cand = side(&a.candidate, &a.gates)?;
    let name = format!("{} vs {}", a.base.display(), a.candidate.display());
    let (_, results, md) = compare_sides(&name, &base, &cand, &a.metric, &gates);
    print!("{md}");
    write_reports(&a.gates, &md, &[(name, results.clone())])?;
    if results.iter().any(|r| !r.passed) {
        Err(Fail::Exit(1, String::new()))
    } else {
        Ok(())
    }
}

pub fn check(a: CheckArgs) -> Result<(), Fail> {
    let mut gates = parse_gates(&a.gates)?;
    if gates.is_empty() {
        gates.push(Gate::max_change("team.p_hit_target=0.02", true).expect("valid"));
    }
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(&a.dir)
        .map_err(|e| err2(format!("cannot read `{}`: {e}", a.dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    scenarios.sort();
    if scenarios.is_empty() {
        return Err(err2(format!(
            "no *.toml scenarios in `{}`",
            a.dir.display()
        )));
    }
    let mut suites = Vec::new();
    let mut md = String::new();
    let mut failed = false;
    for path in &scenarios {
        let stem = path
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
        let cand = simulate(path, &a.gates)?;
        let baseline = a.baseline.join(format!("{stem}.summary.json"));
        if a.update {
            let body = serde_json::to_string_pretty(&cand.summary).map_err(err2)? + "\n";
            files::write_all(
                &a.baseline,
                &[(&format!("{stem}.summary.json"), body.as_bytes())],
            )
            .map_err(err2)?;
            println!("updated {}", baseline.display());
            continue;
        }
        if !baseline.is_file() {
            return Err(err2(format!(
                "no baseline `{}`; record one with --update",
                baseline.display()
            )));
        }
        let base = side(&baseline, &a.gates)?;
        let (_, results, part) = compare_sides(&stem, &base, &cand, &[], &gates);
        failed |= results.iter().any(|r| !r.passed);
        md.push_str(&part);
        md.push('\n');
        suites.push((stem, results));
    }
    if a.update {
        return Ok(());
    }
    print!("{md}");
    write_reports(&a.gates, &md, &suites)?;
    if failed {
        Err(Fail::Exit(1, String::new()))
    } else {
        Ok(())
    }
}
