//! `quotaplan split`: propose territories, write the plan and a scenario
//! with the new alignment, and compare P(attain) before and after.
//!
//! Every file goes into the result folder (`--out`, else
//! `output/<scenario-name>/split/`), written as one folder: the plan, the
//! maps and the new scenario `<stem>.split.toml` with its units
//! `<stem>.split-units.csv`, whose paths (units, edges, `extends`) resolve
//! from there. `--write-scenario FILE` puts the new scenario at FILE
//! instead. Everything is computed before anything is written, so a run
//! that fails writes nothing.

use crate::cli::args::SplitArgs;
use crate::cli::fail::Fail;
use crate::cli::files::absolute;
use crate::cli::json;
use crate::cli::load;
use crate::cli::output::{ResultSet, listed, print};
use crate::cli::paint::Paint;
use quotaplan::model::Model;
use quotaplan::report::{self, OutputFile, split::SplitResult};
use quotaplan::scenario::{Document, Purpose, edit};
use quotaplan::territory::{AlignOptions, Balance, Realignment, Targets};
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

/// Every file name `split` writes into its result folder apart from the
/// new scenario's (which carry the scenario's stem).
const FILES: &[&str] = &[
    "assignment.csv",
    "territories.csv",
    "split.json",
    "map-before.svg",
    "map-after.svg",
    report::workbook::FILE_NAME,
];

pub fn run(a: SplitArgs, paint: Paint) -> Result<(), Fail> {
    let (doc, checked) =
        load::scenario(a.scenario.as_deref(), &a.what_if.set, Purpose::Align, paint)?;
    let model = &checked.scenario.model;
    let sim = a.run.sim(&checked.scenario.run)?;
    let output = a.output.output();
    let out_dir = a.output.out_dir(&model.name, Some("split"));
    output.check_result_dir(&out_dir)?;
    let stem = match &a.scenario {
        Some(p) => p
            .file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned()),
        None => "demo".to_string(),
    };
    let target = scenario_target(&a, &doc, &out_dir, &stem)?;
    let k = match (a.territories, model.reps.len()) {
        (Some(0), _) => {
            return Err(Fail::Usage("--territories must be at least 1".to_string()));
        }
        (Some(k), _) => k,
        (None, 0) => {
            return Err(Fail::Usage(
                "the scenario has no reps, so the number of territories is unknown: give --territories K (e.g. --territories 5); split then proposes K territories T01..TK and a scenario skeleton with a rep for each".to_string(),
            ));
        }
        (None, n) => n,
    };
    if k > model.units.len() {
        return Err(Fail::Usage(format!(
            "--territories {k} is more than the {} units: every territory needs at least one unit",
            model.units.len()
        )));
    }
    let targets = if a.capacity_targets {
        output.status("note: --capacity-targets is deprecated; use --targets capacity");
        Targets::Capacity
    } else {
        a.targets.into()
    };
    let current = k == model.reps.len() && model.units.iter().any(|u| u.owner.is_some());
    let opts = AlignOptions {
        k,
        balance: Balance::parse(&a.balance)?,
        tolerance: a.tolerance,
        max_disruption: a.max_disruption,
        max_moved_accounts: a.max_moved_accounts,
        max_distance: a.max_distance,
        targets,
        continuity: !a.no_continuity,
        frontier: !a.no_frontier && current,
        time_limit: Some(Duration::from_secs_f64(a.time_limit)),
        seed: sim.seed,
        threads: sim.threads,
        risk_trials: sim.trials,
        spelling: crate::cli::flags::FLAGS,
    };
    let plan = quotaplan::territory::realign(model, &opts, &sim)?;
    let result = SplitResult {
        before: model,
        plan: &plan,
    };
    let mut files = report::render_all(&report::split::split_exporters(&result), &result)?;
    if a.xlsx {
        files.push(OutputFile {
            name: report::workbook::FILE_NAME.into(),
            bytes: report::workbook::split_workbook(&result)?,
        });
    }

    let new = new_scenario(&a, &doc, model, &plan, &target)?;
    let mut elsewhere: Vec<OutputFile> = Vec::new();
    let mut note = String::new();
    match new {
        Ok(scenario_files) if target.in_result => files.extend(scenario_files),
        Ok(scenario_files) => elsewhere = scenario_files,
        Err(why) => note = format!(" ({why})"),
    }
    let own: Vec<&str> = FILES
        .iter()
        .copied()
        .chain([target.toml_name.as_str(), target.units_name.as_str()])
        .collect();
    // The new scenario at FILE first, then the result folder, swapped in
    // whole; when that fails, the files FILE created go again.
    let created: Vec<PathBuf> = elsewhere
        .iter()
        .map(|f| target.dir.join(&f.name))
        .filter(|p| !p.exists())
        .collect();
    if !elsewhere.is_empty() {
        output.write(&target.dir, &elsewhere)?;
    }
    if let Err(e) = output.write_result(
        &out_dir,
        ResultSet {
            command: "split",
            own: &own,
            files: &files,
        },
    ) {
        for p in &created {
            let _ = std::fs::remove_file(p);
        }
        return Err(e);
    }
    if a.json {
        match files.iter().find(|f| f.name == "split.json") {
            Some(f) => print(&String::from_utf8_lossy(&f.bytes))?,
            None => json::print_json(&json::files(&files))?,
        }
    } else {
        print(&report::split::table(&result))?;
    }
    let mut wrote = listed(&out_dir, &files);
    if !elsewhere.is_empty() {
        wrote.push_str(&format!(" and {}", listed(&target.dir, &elsewhere)));
    }
    output.status(format!("Wrote {wrote}{note}"));
    if plan.alignment.result.feasible {
        Ok(())
    } else {
        Err(Fail::Reported)
    }
}

/// Where the new scenario goes and under which names.
struct ScenarioTarget {
    /// The folder it goes into.
    dir: PathBuf,
    toml_name: String,
    units_name: String,
    /// `dir` is the result folder: the scenario is written with the rest.
    in_result: bool,
}

/// The result folder with `<stem>.split.toml` and `<stem>.split-units.csv`,
/// or `--write-scenario FILE` with `<FILE stem>-units.csv` beside it.
/// Refuses, before any work, a FILE that would overwrite the scenario or
/// its units, or whose folder does not exist.
fn scenario_target(
    a: &SplitArgs,
    doc: &Document,
    out_dir: &Path,
    stem: &str,
) -> Result<ScenarioTarget, Fail> {
    let Some(file) = &a.write_scenario else {
        return Ok(ScenarioTarget {
            dir: out_dir.to_path_buf(),
            toml_name: format!("{stem}.split.toml"),
            units_name: format!("{stem}.split-units.csv"),
            in_result: true,
        });
    };
    let name = file
        .file_name()
        .ok_or_else(|| {
            Fail::Usage(format!(
                "--write-scenario `{}` does not name a file",
                file.display()
            ))
        })?
        .to_string_lossy()
        .into_owned();
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    if !dir.is_dir() {
        return Err(Fail::Usage(format!(
            "--write-scenario `{}`: the folder `{}` does not exist",
            file.display(),
            dir.display()
        )));
    }
    if file.is_dir() {
        return Err(Fail::Usage(format!(
            "--write-scenario `{}` is a folder; name the scenario file to write, e.g. {}/plan.split.toml",
            file.display(),
            file.display()
        )));
    }
    let units_name = format!(
        "{}-units.csv",
        file.file_stem()
            .map_or("scenario".into(), |s| s.to_string_lossy().into_owned())
    );
    let same = |p: &Path, q: &Path| normalise(&absolute(p)) == normalise(&absolute(q));
    let units_path = dir.join(&units_name);
    let inputs: Vec<PathBuf> = a
        .scenario
        .iter()
        .cloned()
        .chain(doc.units_source().map(|u| PathBuf::from(&u.name)))
        .chain(doc.edges_source().map(|e| PathBuf::from(&e.name)))
        .collect();
    if let Some(clash) = inputs
        .iter()
        .find(|i| same(i, file) || same(i, &units_path))
    {
        return Err(Fail::Usage(format!(
            "--write-scenario `{}` would overwrite `{}`, which this run reads; write the new scenario to another file",
            file.display(),
            clash.display()
        )));
    }
    Ok(ScenarioTarget {
        in_result: same(&dir, out_dir),
        dir,
        toml_name: name,
        units_name,
    })
}

/// The new scenario's files (the TOML and, when the units are a CSV, the
/// units with their new owners), or why none is written. When the
/// territories are the reps: the scenario with the new owners, and with
/// the quotas P after used when they were re-derived. When the scenario
/// has no reps: a skeleton with a placeholder rep per territory.
fn new_scenario(
    a: &SplitArgs,
    doc: &Document,
    model: &Model,
    plan: &Realignment,
    target: &ScenarioTarget,
) -> Result<Result<Vec<OutputFile>, String>, Fail> {
    let skeleton = !plan.same_reps && model.reps.is_empty();
    if !plan.same_reps && !skeleton {
        return Ok(Err(format!(
            "no new scenario written: {} territories for {} reps; assignment.csv holds the plan",
            plan.options.k,
            model.reps.len()
        )));
    }
    let owner_of = |id: &str| {
        model
            .units
            .iter()
            .position(|u| u.id == id)
            .map(|u| plan.moves[u].new_owner.clone())
    };
    let root = doc.root().text.clone();
    let new_dir = normalise(&absolute(&target.dir));
    let src_dir = a
        .scenario
        .as_ref()
        .map(|p| normalise(&absolute(p.parent().unwrap_or(Path::new("")))));
    let mut files = Vec::new();
    let inline = has_inline_units(&root);
    let mut text = match doc.units_source() {
        Some(units) if !inline => {
            let new_units = edit::units_with_owners(&units.text, &doc.units_columns(), &owner_of)
                .map_err(|e| {
                Fail::Usage(format!(
                    "cannot write the new units file from `{}`: {e}",
                    units.name
                ))
            })?;
            files.push(OutputFile {
                name: target.units_name.clone(),
                bytes: new_units.into_bytes(),
            });
            let mut keys: Vec<(&str, String)> = vec![("file", target.units_name.clone())];
            if let Some(edges) = doc.edges_source() {
                keys.push(("edges", relative(&new_dir, Path::new(&edges.name))));
            }
            let keys: Vec<(&str, &str)> = keys.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let mut text = edit::with_units_keys(&root, &keys);
            // Units read from a workbook's sheet are written as a CSV.
            if units.sheet.is_some() {
                text = edit::without_units_sheet(&text);
            }
            // A mapping given with --set goes into the file, or its
            // headers would not read.
            edit::with_units_columns(&text, &doc.units_columns())
        }
        None if inline => edit::with_inline_owners(&root, &owner_of),
        _ => {
            return Ok(Err(
                "no new scenario written: the units are not in the scenario file itself (they come from the scenario it extends)".into(),
            ));
        }
    };
    if let (Some(base), Some(src)) = (edit::extends_path(&text), &src_dir) {
        text = edit::with_extends(&text, &relative(&new_dir, &src.join(base)));
    }
    if skeleton {
        text = with_skeleton_reps(&text, plan);
    } else {
        if let Some(q) = plan.written_quotas() {
            text = edit::with_given_quotas(&text, &q);
        } else if assumed_quotas(plan) {
            let q: Vec<(String, f64)> = plan
                .territories
                .iter()
                .map(|t| (t.id.clone(), quotaplan::model::to_cents(t.rep_sales_after)))
                .collect();
            text = edit::with_given_quotas(&text, &q);
        }
        text = edit::with_company_target(
            &text,
            plan.territories.iter().map(|t| t.rep_sales_after).sum(),
            "assumption: the reps' expected sales; put the company's target here",
        );
    }
    let units_csv = !files.is_empty();
    let text = format!(
        "{}{text}",
        header_comment(
            a,
            model,
            plan,
            units_csv.then_some(target.units_name.as_str()),
            skeleton
        )
    );
    files.push(OutputFile {
        name: target.toml_name.clone(),
        bytes: text.into_bytes(),
    });
    Ok(Ok(files))
}

/// The reps had no quotas and there is no company target to derive them
/// from: the new scenario gets each rep's expected sales as an assumed
/// quota, so it validates and simulates as written.
fn assumed_quotas(plan: &Realignment) -> bool {
    plan.after_quotas.name() == "none"
}

/// The root scenario writes its units inline as `[[units]]`.
fn has_inline_units(text: &str) -> bool {
    text.lines().any(|l| {
        l.split('#')
            .next()
            .is_some_and(|b| b.trim().replace(' ', "") == "[[units]]")
    })
}

/// What the new scenario is, in comment lines at its top.
fn header_comment(
    a: &SplitArgs,
    model: &Model,
    plan: &Realignment,
    units_file: Option<&str>,
    skeleton: bool,
) -> String {
    let o = &plan.options;
    let mut c = format!(
        "# Territories proposed by `quotaplan split` for \"{}\": {} territories balanced on {} within ±{} %, targets {}, seed {}.\n",
        model.name.replace('\n', " "),
        o.k,
        o.balance.name(),
        trim_float(100.0 * o.tolerance),
        plan.targets.name(),
        o.seed
    );
    if let Some(units) = units_file {
        c.push_str(&format!("# The new owners are in {units}.\n"));
    }
    if skeleton {
        c.push_str("# A skeleton: the reps T01.. at the end are placeholders, one per territory;\n# their quotas and capacity are assumptions to fill in.\n");
    } else if plan.written_quotas().is_some() {
        c.push_str(&format!("# Quotas: {}.\n", plan.after_quotas.describe()));
    } else if assumed_quotas(plan) {
        c.push_str("# Quotas: the scenario had none; the quotas written are assumptions to fill in\n# (each rep's expected sales on the new territory).\n");
    }
    if !a.what_if.set.is_empty() {
        c.push_str(&format!(
            "# Not written here: the run's --set {} (add them to reproduce the run).\n",
            a.what_if.set.join(", --set ")
        ));
    }
    c.push('\n');
    c
}

/// The skeleton's reps: a placeholder per territory with an assumed quota
/// (the P-after quotas when the scenario has a company target, else the
/// territory's expected sales) and its workload as a commented capacity,
/// plus a company target when the scenario has none.
fn with_skeleton_reps(text: &str, plan: &Realignment) -> String {
    let written = plan.written_quotas();
    let (quotas, why): (Vec<f64>, &str) = match &written {
        Some(q) => (
            q.iter().map(|(_, q)| *q).collect(),
            "assumption: in proportion to expected sales at the company target",
        ),
        None => (
            plan.territories.iter().map(|t| t.rep_sales_after).collect(),
            "assumption: the territory's expected sales",
        ),
    };
    let total: f64 = quotas.iter().sum();
    let mut text = edit::with_company_target(
        text,
        total,
        "assumption: the territories' expected sales; put the company's target here",
    );
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text.push_str(&format!(
        "\n# ---------------------------------------------------------------- territories\n# One placeholder rep per territory proposed by `quotaplan split --territories {}`.\n# ASSUMPTIONS to fill in: name the reps, set each quota (or [quotas] method =\n# \"equal-probability\") and capacity_hours (the rep's selling hours over the\n# horizon; without it coverage is full). The commented figure is the\n# territory's workload.\n",
        plan.options.k
    ));
    for (t, row) in plan.territories.iter().enumerate() {
        text.push_str(&format!(
            "\n[[reps]]\nid = {}\nname = {}\nquota = {}  # {why}\n# capacity_hours = {}  # assumption: the territory's workload\n",
            edit::toml_string(&row.id),
            edit::toml_string(&row.name),
            edit::toml_number(quotas[t]),
            edit::toml_number(row.workload_hours.ceil()),
        ));
    }
    text
}

/// `x` without trailing zeros: 2, 0.5.
fn trim_float(x: f64) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A path with `.` and `..` resolved lexically.
fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `to` as a path relative to the folder `from` (both made absolute), with
/// `/` separators; `to` absolute when they share no root.
fn relative(from: &Path, to: &Path) -> String {
    let from = normalise(&absolute(from));
    let to = normalise(&absolute(to));
    let (f, t): (Vec<_>, Vec<_>) = (from.components().collect(), to.components().collect());
    if f.first() != t.first() {
        return to.display().to_string();
    }
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); f.len() - common];
    parts.extend(
        t[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(
            relative(Path::new("/a/b/out/split"), Path::new("/a/b/edges.csv")),
            "../../edges.csv"
        );
        assert_eq!(
            relative(Path::new("/a/b"), Path::new("/a/b/./c/../e.csv")),
            "e.csv"
        );
        assert_eq!(
            relative(Path::new("/x"), Path::new("/y/z.csv")),
            "../y/z.csv"
        );
    }
}
