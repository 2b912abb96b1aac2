//! `quotaplan compare` and `quotaplan check`: deltas beyond noise and gates
//! for CI pipelines. Exit codes: 0 pass, 1 a gate failed, 2 an error.

use crate::cli::args::{CheckArgs, CompareArgs, GateArgs};
use crate::cli::fail::Fail;
use crate::cli::load;
use crate::cli::output::{Output, print};
use crate::cli::terminal;
use quotaplan::compare::{self, CompareError, Gate, GateResult, Side};
use quotaplan::report::{self, OutputFile};
use quotaplan::scenario::Purpose;
use std::collections::BTreeSet;
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
/// `<out>/<name>.summary.json`. `keep_reps` keeps each rep's per-trial
/// values for paired standard errors (bounded by the engine).
fn simulate(path: &Path, g: &GateArgs, keep_as: &str, keep_reps: bool) -> Result<Side, Fail> {
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
        keep_rep_trials: keep_reps,
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

/// Where a side's summary.json is, when the path names a summary (or a
/// result folder holding one) rather than a scenario.
fn summary_path(path: &Path) -> Option<PathBuf> {
    let json = if path.is_dir() {
        path.join("summary.json")
    } else {
        path.to_path_buf()
    };
    json.extension()
        .is_some_and(|e| e == "json")
        .then_some(json)
}

/// A side from a `summary.json` (or a result folder holding one), or a
/// scenario simulated here.
fn side(path: &Path, g: &GateArgs, keep_as: &str, keep_reps: bool) -> Result<Side, Fail> {
    if let Some(json) = summary_path(path) {
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
    simulate(path, g, keep_as, keep_reps)
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
    // Per-rep series pay off only when both sides are simulated here.
    let keep_reps = summary_path(&a.base).is_none() && summary_path(&a.candidate).is_none();
    let base = side(&a.base, &a.gates, "base", keep_reps)?;
    let cand = side(&a.candidate, &a.gates, "candidate", keep_reps)?;
    let name = format!("{} vs {}", a.base.display(), a.candidate.display());
    let c =
        compare::compare(&base, &cand, &a.metric, &gates, a.gates.adjust.into()).map_err(err2)?;
    let md = report::compare::markdown(&name, &c);
    if a.gates.json {
        crate::cli::json::print_json(&report::compare::json(&name, &c))?;
    } else {
        print(&report::compare::terminal(&name, &c))?;
    }
    write_reports(&a.gates, &md, &[(name, c.gates.clone())])?;
    if c.passed() {
        Ok(())
    } else {
        Err(Fail::GateFailed)
    }
}

/// A scenario that was not compared: its one testcase, in the markdown
/// and the JUnit suites.
fn not_compared(
    stem: &str,
    case: GateResult,
    (md, term): (&mut String, &mut String),
    suites: &mut Vec<(String, Vec<GateResult>)>,
) {
    md.push_str(&report::compare::markdown_cases(
        stem,
        std::slice::from_ref(&case),
    ));
    md.push('\n');
    term.push_str(&report::compare::terminal_cases(
        stem,
        std::slice::from_ref(&case),
    ));
    term.push('\n');
    suites.push((stem.to_string(), vec![case]));
}

/// Every scenario is reported: one that cannot be simulated is an errored
/// testcase, one without a baseline a failed one; a metric that no
/// scenario has is a usage error (exit 2) with a suggestion.
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
    if !a.update && !a.baseline.is_dir() {
        return Err(err2(Fail::Unreadable(format!(
            "no baseline folder `{}`; record the baselines with `quotaplan check {} --baseline {} --update`",
            a.baseline.display(),
            a.dir.display(),
            a.baseline.display()
        ))));
    }
    let adjust = a.gates.adjust.into();
    let output = a.gates.run.output();
    let mut suites: Vec<(String, Vec<GateResult>)> = Vec::new();
    let mut md = String::new();
    let mut term = String::new();
    let mut json_cases: Vec<serde_json::Value> = Vec::new();
    let (mut failed, mut errored) = (false, false);
    // Gate metrics some scenario has, and the metric errors met on the way.
    let mut known: BTreeSet<String> = BTreeSet::new();
    let mut metric_errors: Vec<CompareError> = Vec::new();
    for path in &scenarios {
        let stem = path
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
        let cand = match simulate(path, &a.gates, &stem, false) {
            Ok(c) => c,
            Err(e) => {
                terminal::eprintln(&format!("error: {stem}: {e}"));
                errored = true;
                not_compared(
                    &stem,
                    GateResult::errored("simulate", e.to_string()),
                    (&mut md, &mut term),
                    &mut suites,
                );
                continue;
            }
        };
        for g in &gates {
            if compare::lookup(&cand.summary, g.metric()).is_some() {
                known.insert(g.metric().to_string());
            }
        }
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
            failed = true;
            not_compared(
                &stem,
                GateResult::failed(
                    "baseline",
                    format!(
                        "no baseline `{}`; record one with --update",
                        baseline.display()
                    ),
                ),
                (&mut md, &mut term),
                &mut suites,
            );
            continue;
        }
        let base = match side(&baseline, &a.gates, &stem, false) {
            Ok(b) => b,
            Err(e) => {
                terminal::eprintln(&format!("error: {stem}: {e}"));
                errored = true;
                not_compared(
                    &stem,
                    GateResult::errored("baseline", e.to_string()),
                    (&mut md, &mut term),
                    &mut suites,
                );
                continue;
            }
        };
        match compare::compare(&base, &cand, &[], &gates, adjust) {
            Ok(c) => {
                failed |= !c.passed();
                json_cases.push(report::compare::json(&stem, &c));
                md.push_str(&report::compare::markdown(&stem, &c));
                md.push('\n');
                term.push_str(&report::compare::terminal(&stem, &c));
                term.push('\n');
                suites.push((stem, c.gates));
            }
            Err(e) => {
                failed = true;
                not_compared(
                    &stem,
                    GateResult::failed("metrics", e.to_string()),
                    (&mut md, &mut term),
                    &mut suites,
                );
                metric_errors.push(e);
            }
        }
    }
    // A metric no scenario has is a typo on the command line.
    if let Some(e) = metric_errors
        .into_iter()
        .find(|e| !known.contains(e.metric()))
    {
        return Err(err2(e));
    }
    if a.update {
        return if errored {
            Err(err2(Fail::Reported))
        } else {
            Ok(())
        };
    }
    if a.gates.json {
        // Scenarios compared carry their deltas; the others (no baseline,
        // an error) their one gate result.
        let compared: Vec<&str> = json_cases
            .iter()
            .filter_map(|c| c["name"].as_str())
            .collect();
        let mut cases: Vec<serde_json::Value> = suites
            .iter()
            .filter(|(stem, _)| !compared.contains(&stem.as_str()))
            .map(|(stem, gates)| {
                serde_json::json!({
                    "name": stem,
                    "passed": gates.iter().all(|g| g.passed),
                    "gates": gates,
                })
            })
            .collect();
        cases.extend(json_cases.iter().cloned());
        cases.sort_by(|x, y| x["name"].as_str().cmp(&y["name"].as_str()));
        crate::cli::json::print_json(&serde_json::json!({
            "passed": !failed && !errored,
            "scenarios": cases,
        }))?;
    } else {
        print(&term)?;
    }
    write_reports(&a.gates, &md, &suites)?;
    if errored {
        Err(err2(Fail::Reported))
    } else if failed {
        Err(Fail::GateFailed)
    } else {
        Ok(())
    }
}
