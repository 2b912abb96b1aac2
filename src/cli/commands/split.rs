//! `quotaplan split`: propose territories, write the plan and a scenario
//! with the new alignment, and compare P(attain) before and after.

use crate::cli::args::SplitArgs;
use crate::cli::fail::Fail;
use crate::cli::load::{self, DEMO_UNITS};
use crate::cli::output::{ResultSet, print};
use quotaplan::report::{self, OutputFile, split::SplitResult};
use quotaplan::scenario::{Purpose, edit};
use quotaplan::split::{AlignOptions, Balance};
use std::path::{Path, PathBuf};

/// Every file `split` writes into its result folder (the demo's new
/// scenario too).
const FILES: &[&str] = &[
    "assignment.csv",
    "territories.csv",
    "split.json",
    "map-before.svg",
    "map-after.svg",
    "demo.split.toml",
    "demo.split-units.csv",
];

pub fn run(a: SplitArgs) -> Result<(), Fail> {
    let run = a.run.paired("split")?;
    let (doc, checked) = load::scenario(a.scenario.as_deref(), &a.set, Purpose::Align)?;
    let model = &checked.scenario.model;
    let sim = run.sim(&checked.scenario.run)?;
    let output = run.output();
    if let Some(dir) = &run.out {
        output.check_result_dir(dir)?;
    }
    let k = a.territories.unwrap_or(model.reps.len());
    let opts = AlignOptions {
        k,
        balance: Balance::parse(&a.balance)?,
        tolerance: a.tolerance,
        max_disruption: a.max_disruption,
        max_moved_accounts: None,
        max_distance: None,
        targets: if a.capacity_targets {
            quotaplan::split::Targets::Capacity
        } else {
            quotaplan::split::Targets::Equal
        },
        continuity: true,
        frontier: false,
        time_limit: None,
        seed: sim.seed,
        threads: sim.threads,
        risk_trials: sim.trials,
    };
    let plan = quotaplan::split::realign(model, &opts, &sim)?;
    let result = SplitResult {
        before: model,
        plan: &plan,
    };
    let out_dir = run.out_dir(&model.name, Some("split"));
    let mut files = report::render_all(&report::split::split_exporters(&result), &result)?;

    // The new scenario beside the original (relative paths keep working);
    // for the demo, in the result folder with the rest.
    let mut note = String::new();
    let mut beside: Option<(PathBuf, Vec<OutputFile>)> = None;
    let mut scenario_path = None;
    if plan.same_reps {
        let (dir, stem) = match &a.scenario {
            Some(p) => (
                Some(p.parent().unwrap_or(Path::new("")).to_path_buf()),
                p.file_stem()
                    .map_or("scenario".into(), |s| s.to_string_lossy().into_owned()),
            ),
            None => (None, "demo".to_string()),
        };
        let units_name = format!("{stem}.split-units.csv");
        let units_src = doc.units_source().map_or(DEMO_UNITS, |f| f.text.as_str());
        let owner_of = |id: &str| {
            model
                .units
                .iter()
                .position(|u| u.id == id)
                .map(|u| plan.moves[u].new_owner.clone())
        };
        let new_units = edit::units_with_owners(units_src, &owner_of)
            .map_err(|e| Fail::Usage(e.to_string()))?;
        let text = edit::with_units_file(&doc.root().text, &units_name);
        let toml_name = format!("{stem}.split.toml");
        let scenario_files = vec![
            OutputFile {
                name: units_name,
                bytes: new_units.into_bytes(),
            },
            OutputFile {
                name: toml_name.clone(),
                bytes: text.into_bytes(),
            },
        ];
        match dir {
            Some(dir) => {
                let dir = if dir.as_os_str().is_empty() {
                    PathBuf::from(".")
                } else {
                    dir
                };
                scenario_path = Some(dir.join(&toml_name));
                beside = Some((dir, scenario_files));
            }
            None => files.extend(scenario_files),
        }
    } else {
        note = format!(
            " (no new scenario written: {k} territories for {} reps; assignment.csv holds the plan)",
            model.reps.len()
        );
    }
    output.write_result(
        &out_dir,
        ResultSet {
            command: "split",
            own: FILES,
            files: &files,
        },
    )?;
    let mut written: Vec<PathBuf> = files
        .iter()
        .filter(|f| !f.name.ends_with(".split-units.csv"))
        .map(|f| out_dir.join(&f.name))
        .collect();
    if let Some((dir, scenario_files)) = &beside {
        output.write(dir, scenario_files)?;
    }
    written.extend(scenario_path);
    print(&report::split::table(&result))?;
    output.status(format!(
        "Wrote {}{note}",
        written
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    if plan.alignment.result.feasible {
        Ok(())
    } else {
        Err(Fail::Reported)
    }
}
