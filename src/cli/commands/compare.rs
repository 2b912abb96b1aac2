//! `quotaplan compare` and `quotaplan check`: deltas beyond noise and gates
//! for CI pipelines. Exit codes: 0 pass, 1 a gate failed, 2 an error.

use crate::cli::args::{CheckArgs, CompareArgs, GateArgs};
use crate::cli::fail::Fail;
use crate::cli::load;
use crate::cli::output::{Output, print};
use quotaplan::compare::{self, Gate, GateResult, Side};
use quotaplan::report::{self, OutputFile};
use quotaplan::scenario::Purpose;
use std::path::{Path, PathBuf};

/// Errors here exit 2 (1 means a gate failed).
fn err2(e: impl Into<Fail>) -> Fail {
    Fail::Compare(Box::new(e.into()))
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

/// A scenario simulated here; with `--out`, its summary is kept as
/// `<out>/<name>.summary.json`.
fn simulate(path: &Path, g: &GateArgs, keep_as: &str) -> Result<Side, Fail> {
    let loaded = load::document(Some(path), &[])
        .map_err(err2)?
        .validate(Purpose::Simulate, &[]);
    let checked = load::check(loaded).map_err(|e| match e {
        Fail::Reported => err2(Fail::Usage(format!(
            "`{}` has errors; nothing compared",
            path.display()
        ))),
        other => err2(other),
    })?;
    let model = &checked.scenario.model;
    let opts = g.run.sim(&checked.scenario.run).map_err(err2)?;
    let opts = quotaplan::SimOptions {
        analytics: false,
        ..opts
    };
    let sim = quotaplan::simulate(model, &opts, None).map_err(err2)?;
    let side = Side::simulated(model, sim, checked.warnings);
    if let Some(dir) = &g.run.out {
        let bytes = serde_json::to_string_pretty(&side.summary).expect("plain data") + "\n";
        let output = g.run.output();
        output
            .write(
                dir,
                &[OutputFile {
                    name: format!("{keep_as}.summary.json"),
                    bytes: bytes.into_bytes(),
                }],
            )
            .map_err(err2)?;
        output.status(format!(
            "Wrote {}",
            dir.join(format!("{keep_as}.summary.json")).display()
        ));
    }
    Ok(side)
}

/// A side from a `summary.json` (or a result folder holding one), or a
/// scenario simulated here.
fn side(path: &Path, g: &GateArgs, keep_as: &str) -> Result<Side, Fail> {
    let json = if path.is_dir() {
        path.join("summary.json")
    } else {
        path.to_path_buf()
    };
    if json.extension().is_some_and(|e| e == "json") {
        let text = std::fs::read_to_string(&json).map_err(|source| {
            err2(Fail::Read {
                path: json.clone(),
                source,
            })
        })?;
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
            err2(Fail::Usage(format!(
                "`{}` is not a summary.json: {e}",
                json.display()
            )))
        })?;
        return Ok(Side::from_summary(value));
    }
    simulate(path, g, keep_as)
}

fn write_reports(g: &GateArgs, md: &str, suites: &[(String, Vec<GateResult>)]) -> Result<(), Fail> {
    let output = Output {
        quiet: g.run.quiet,
        bom: false,
    };
    if let Some(p) = &g.markdown {
        output.write_file(p, md.as_bytes()).map_err(err2)?;
    }
    if let Some(p) = &g.junit {
        output
            .write_file(p, report::compare::junit(suites).as_bytes())
            .map_err(err2)?;
    }
    Ok(())
}

pub fn compare(a: CompareArgs) -> Result<(), Fail> {
    let gates = parse_gates(&a.gates)?;
    a.gates.run.paired("compare").map_err(err2)?;
    let base = side(&a.base, &a.gates, "base")?;
    let cand = side(&a.candidate, &a.gates, "candidate")?;
    let name = format!("{} vs {}", a.base.display(), a.candidate.display());
    let c = compare::compare(&base, &cand, &a.metric, &gates);
    let md = report::compare::markdown(&name, &c.deltas, &c.gates);
    print(&md)?;
    write_reports(&a.gates, &md, &[(name, c.gates.clone())])?;
    if c.passed() {
        Ok(())
    } else {
        Err(Fail::GateFailed)
    }
}

pub fn check(a: CheckArgs) -> Result<(), Fail> {
    let mut gates = parse_gates(&a.gates)?;
    a.gates.run.paired("check").map_err(err2)?;
    if gates.is_empty() {
        gates.push(Gate::max_change("team.p_hit_target=0.02", true).expect("valid"));
    }
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(&a.dir)
        .map_err(|source| {
            err2(Fail::Read {
                path: a.dir.clone(),
                source,
            })
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    scenarios.sort();
    if scenarios.is_empty() {
        return Err(err2(Fail::Usage(format!(
            "no *.toml scenarios in `{}`",
            a.dir.display()
        ))));
    }
    let output = a.gates.run.output();
    let mut suites = Vec::new();
    let mut md = String::new();
    let mut failed = false;
    for path in &scenarios {
        let stem = path
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
        let cand = simulate(path, &a.gates, &stem)?;
        let baseline = a.baseline.join(format!("{stem}.summary.json"));
        if a.update {
            let body = serde_json::to_string_pretty(&cand.summary).expect("plain data") + "\n";
            output
                .write(
                    &a.baseline,
                    &[OutputFile {
                        name: format!("{stem}.summary.json"),
                        bytes: body.into_bytes(),
                    }],
                )
                .map_err(err2)?;
            output.status(format!("updated {}", baseline.display()));
            continue;
        }
        if !baseline.is_file() {
            return Err(err2(Fail::Usage(format!(
                "no baseline `{}`; record one with --update",
                baseline.display()
            ))));
        }
        let base = side(&baseline, &a.gates, &stem)?;
        let c = compare::compare(&base, &cand, &[], &gates);
        failed |= !c.passed();
        md.push_str(&report::compare::markdown(&stem, &c.deltas, &c.gates));
        md.push('\n');
        suites.push((stem, c.gates));
    }
    if a.update {
        return Ok(());
    }
    print(&md)?;
    write_reports(&a.gates, &md, &suites)?;
    if failed {
        Err(Fail::GateFailed)
    } else {
        Ok(())
    }
}
