//! `quotaplan quotas`: propose quotas (or take them from a CSV, such as the
//! report planner's export) and write them as a new scenario, comments and
//! layout untouched.

use crate::cli::args::QuotasArgs;
use crate::cli::fail::Fail;
use crate::cli::files::{absolute, read_input};
use crate::cli::json;
use crate::cli::load::{self, DEMO_UNITS};
use crate::cli::output::print;
use crate::cli::paint::Paint;
use crate::cli::render;
use quotaplan::model::QuotaMethod;
use quotaplan::report::{self, Exporter, OutputFile};
use quotaplan::scenario::{Loaded, Purpose, edit, quotas_csv};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub fn run(a: QuotasArgs, paint: Paint) -> Result<(), Fail> {
    let (doc, checked) = load::scenario(
        a.scenario.as_deref(),
        &a.what_if.set,
        Purpose::Simulate,
        paint,
    )?;
    let model = &checked.scenario.model;
    let opts = a.run.sim(&checked.scenario.run)?;
    let output = a.output.output();
    let started = Instant::now();
    let proposal = match &a.from {
        Some(path) => {
            let quotas = from_csv(path, model, paint)?;
            quotaplan::quota::given(model, &quotas, &opts)?
        }
        None => quotaplan::quota::propose(
            model,
            a.method.map(QuotaMethod::from),
            a.over_assignment,
            &opts,
        )?,
    };
    let elapsed = started.elapsed().as_secs_f64();

    // The new scenario: same text, proposed quotas, method "given".
    let rows: Vec<(String, f64)> = proposal
        .rows
        .iter()
        .map(|r| (r.id.clone(), r.proposed))
        .collect();
    let mut text = edit::with_given_quotas(&doc.root().text, &rows);
    let out_dir = a.output.out_dir(&model.name, None);
    let scenario_out = match (&a.write_scenario, &a.scenario) {
        (Some(p), _) => p.clone(),
        (None, Some(src)) => src.with_extension("quotas.toml"),
        (None, None) => out_dir.join("demo.quotas.toml"),
    };
    let mut extra: Vec<(PathBuf, String)> = Vec::new();
    match &a.scenario {
        None => extra.push((
            scenario_out.with_file_name("demo-units.csv"),
            DEMO_UNITS.to_string(),
        )),
        Some(src) => {
            let src_dir = src.parent().unwrap_or(Path::new(""));
            let new_dir = scenario_out.parent().unwrap_or(Path::new(""));
            if absolute(src_dir) != absolute(new_dir)
                && let Some(units) = doc.units_source()
            {
                text = edit::with_units_file(
                    &text,
                    &absolute(Path::new(&units.name)).display().to_string(),
                );
            }
        }
    }
    extra.push((scenario_out.clone(), text));
    let csv = report::quotas::QuotasCsv;
    let mut files = vec![OutputFile {
        name: csv.file_name(),
        bytes: csv.export(&proposal)?,
    }];
    if !proposal.groups.is_empty() {
        let groups = report::quotas::QuotaGroupsCsv;
        files.push(OutputFile {
            name: groups.file_name(),
            bytes: groups.export(&proposal)?,
        });
    }
    if a.xlsx {
        files.push(OutputFile {
            name: report::workbook::FILE_NAME.into(),
            bytes: report::workbook::quotas_workbook(&proposal, model)?,
        });
    }
    output.write(&out_dir, &files)?;
    for (path, body) in &extra {
        output.write_file(path, body.as_bytes())?;
    }
    if a.json {
        json::print_json(&report::quotas::json(&proposal))?;
    } else {
        let currency = if model.currency.is_empty() {
            String::new()
        } else {
            format!(", amounts in {}", model.currency)
        };
        print(&format!(
            "{}\n{}",
            report::quotas::table(&proposal),
            report::format::wrap(
                &format!(
                    "{} ({} trials, seed {}, {elapsed:.2} s{currency})",
                    report::quotas::method_line(&proposal),
                    report::format::money(proposal.trials as f64),
                    proposal.seed,
                ),
                report::format::TERMINAL_WIDTH
            )
        ))?;
    }
    output.status(format!(
        "Wrote {} and {}",
        crate::cli::output::listed(&out_dir, &files),
        scenario_out.display()
    ));
    Ok(())
}

/// One quota per rep of `model` from the CSV at `path`; every problem is
/// printed, and any error fails with exit 2 before anything is written.
fn from_csv(path: &Path, model: &quotaplan::model::Model, paint: Paint) -> Result<Vec<f64>, Fail> {
    let bytes = read_input(path).map_err(|source| Fail::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let ids: Vec<&str> = model.reps.iter().map(|r| r.id.as_str()).collect();
    let got = quotas_csv::read_quotas(&path.display().to_string(), &bytes, &ids);
    render::problems(
        &Loaded {
            scenario: None,
            problems: got.problems,
            sources: got.sources,
        },
        paint,
    );
    got.quotas.ok_or(Fail::ReportedInput)
}
