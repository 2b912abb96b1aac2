//! `quotaplan compare` and `quotaplan check`: deltas beyond noise and gates
//! for CI pipelines. Exit codes: 0 pass, 1 a gate failed, 2 an error.

use crate::cli::args::{CheckArgs, CompareArgs, GateArgs, OutputArgs, RunArgs};
use crate::cli::fail::Fail;
use crate::cli::load;
use crate::cli::output::{Output, print};
use crate::cli::paint::Paint;
use crate::cli::terminal;
use quotaplan::compare::{self, Gate, Side, Suite};
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

/// How the sides of a comparison are simulated and where their summaries
/// are kept.
struct How<'a> {
    run: &'a RunArgs,
    output: &'a OutputArgs,
    paint: Paint,
}

/// A scenario simulated here; with `--out`, its summary is kept as
/// `<out>/<name>.summary.json`. `keep_reps` keeps each rep's per-trial
/// values for paired standard errors (bounded by the engine).
fn simulate(path: &Path, how: &How<'_>, keep_as: &str, keep_reps: bool) -> Result<Side, Fail> {
    let loaded = load::document(Some(path), &[])
        .map_err(err2)?
        .validate(Purpose::Simulate, &[]);
    let checked = load::check(loaded, how.paint).map_err(|e| match e {
        Fail::Reported => err2(Fail::Usage(format!(
            "`{}` has errors; nothing compared",
            path.display()
        ))),
        other => err2(other),
    })?;
    let model = &checked.scenario.model;
    let opts = how.run.sim(&checked.scenario.run).map_err(err2)?;
    let opts = quotaplan::SimOptions {
        analytics: false,
        keep_rep_trials: keep_reps,
        ..opts
    };
    let sim = quotaplan::simulate(model, &opts, None).map_err(err2)?;
    let side = Side::simulated(model, sim, checked.warnings);
    if let Some(dir) = &how.output.out {
        let bytes = serde_json::to_string_pretty(&side.summary).expect("plain data") + "\n";
        let output = how.output.output();
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
fn side(path: &Path, how: &How<'_>, keep_as: &str, keep_reps: bool) -> Result<Side, Fail> {
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
    simulate(path, how, keep_as, keep_reps)
}

/// The markdown and JUnit files asked for.
fn write_reports(g: &GateArgs, quiet: bool, md: &str, junit: &str) -> Result<(), Fail> {
    let output = Output { quiet, bom: false };
    if let Some(p) = &g.markdown {
        output.write_file(p, md.as_bytes()).map_err(err2)?;
    }
    if let Some(p) = &g.junit {
        output.write_file(p, junit.as_bytes()).map_err(err2)?;
    }
    Ok(())
}

pub fn compare(a: CompareArgs, paint: Paint) -> Result<(), Fail> {
    let gates = parse_gates(&a.gates)?;
    let how = How {
        run: &a.run,
        output: &a.output,
        paint,
    };
    // Per-rep series pay off only when both sides are simulated here.
    let keep_reps = summary_path(&a.base).is_none() && summary_path(&a.candidate).is_none();
    let base = side(&a.base, &how, "base", keep_reps)?;
    let cand = side(&a.candidate, &how, "candidate", keep_reps)?;
    let name = format!("{} vs {}", a.base.display(), a.candidate.display());
    let c =
        compare::compare(&base, &cand, &a.metric, &gates, a.gates.adjust.into()).map_err(err2)?;
    let md = report::compare::markdown(&name, &c);
    if a.gates.json {
        crate::cli::json::print_json(&report::compare::json(&name, &c))?;
    } else {
        print(&report::compare::terminal(&name, &c))?;
    }
    let junit = report::compare::junit(&[(name, c.gates.clone())]);
    write_reports(&a.gates, a.output.quiet, &md, &junit)?;
    if c.passed() {
        Ok(())
    } else {
        Err(Fail::GateFailed)
    }
}

/// The `*.toml` scenarios of the suite's folder, by name.
fn scenarios(dir: &Path) -> Result<Vec<PathBuf>, Fail> {
    let mut scenarios: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|source| {
            err2(Fail::Read {
                path: dir.to_path_buf(),
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
            dir.display()
        ))));
    }
    Ok(scenarios)
}

/// Every scenario is reported: one that cannot be simulated is an errored
/// testcase, one without a baseline a failed one; a metric that no
/// scenario has is a usage error (exit 2) with a suggestion.
pub fn check(a: CheckArgs, paint: Paint) -> Result<(), Fail> {
    let mut gates = parse_gates(&a.gates)?;
    if gates.is_empty() {
        gates.push(Gate::max_change("team.p_hit_target=0.02", true).expect("valid"));
    }
    let scenarios = scenarios(&a.dir)?;
    if !a.update && !a.baseline.is_dir() {
        return Err(err2(Fail::Unreadable(format!(
            "no baseline folder `{}`; record the baselines with `quotaplan check {} --baseline {} --update`",
            a.baseline.display(),
            a.dir.display(),
            a.baseline.display()
        ))));
    }
    let how = How {
        run: &a.run,
        output: &a.output,
        paint,
    };
    let mut suite = Suite::default();
    for path in &scenarios {
        let stem = path
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
        check_one(&a, &how, &gates, &mut suite, path, &stem)?;
    }
    // A metric no scenario has is a typo on the command line.
    if let Some(e) = suite.unknown_metric() {
        return Err(err2(e.clone()));
    }
    if a.update {
        return if suite.errored_any() {
            Err(err2(Fail::Reported))
        } else {
            Ok(())
        };
    }
    if a.gates.json {
        crate::cli::json::print_json(&report::compare::suite_json(&suite))?;
    } else {
        print(&report::compare::suite_terminal(&suite))?;
    }
    let (md, junit) = (
        report::compare::suite_markdown(&suite),
        report::compare::suite_junit(&suite),
    );
    write_reports(&a.gates, a.output.quiet, &md, &junit)?;
    if suite.errored_any() {
        Err(err2(Fail::Reported))
    } else if !suite.passed() {
        Err(Fail::GateFailed)
    } else {
        Ok(())
    }
}

/// One scenario of the suite: simulated, then compared with its baseline
/// (or, with `--update`, recorded as the baseline).
fn check_one(
    a: &CheckArgs,
    how: &How<'_>,
    gates: &[Gate],
    suite: &mut Suite,
    path: &Path,
    stem: &str,
) -> Result<(), Fail> {
    let cand = match simulate(path, how, stem, false) {
        Ok(c) => c,
        Err(e) => {
            terminal::eprintln(&format!("error: {stem}: {e}"));
            suite.errored(stem, "simulate", e.to_string());
            return Ok(());
        }
    };
    suite.saw(&cand, gates);
    let baseline = a.baseline.join(format!("{stem}.summary.json"));
    if a.update {
        let body = serde_json::to_string_pretty(&cand.summary).expect("plain data") + "\n";
        let output = a.output.output();
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
        return Ok(());
    }
    if !baseline.is_file() {
        let why = format!(
            "no baseline `{}`; record one with --update",
            baseline.display()
        );
        suite.failed(stem, "baseline", why);
        return Ok(());
    }
    match side(&baseline, how, stem, false) {
        Ok(base) => suite.compare(stem, &base, &cand, gates, a.gates.adjust.into()),
        Err(e) => {
            terminal::eprintln(&format!("error: {stem}: {e}"));
            suite.errored(stem, "baseline", e.to_string());
        }
    }
    Ok(())
}
