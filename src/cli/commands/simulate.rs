//! `quotaplan simulate`: run a scenario and write its results.

use crate::cli::args::SimulateArgs;
use crate::cli::fail::Fail;
use crate::cli::load::{self, DEMO_NAME};
use crate::cli::output::{ResultSet, listed, print};
use crate::cli::{paint, progress};
use quotaplan::engine::SimOptions;
use quotaplan::report::{self, OutputFile, Results};
use quotaplan::scenario::Purpose;
use std::time::Instant;

/// Every file `simulate` writes into its result folder.
const FILES: &[&str] = &[
    "summary.json",
    "reps.csv",
    "quarters.csv",
    "rep_quarters.csv",
    "risks.csv",
    "charts.json",
    "run.json",
];

pub fn run(a: SimulateArgs) -> Result<(), Fail> {
    let (_, checked) = load::scenario(a.scenario.as_deref(), &a.set, Purpose::Simulate)?;
    let mut model = checked.scenario.model.clone();
    let mut notes = Vec::new();
    if let (Some(path), Some(as_of)) = (&a.actuals, &a.as_of) {
        let as_of = super::fit::parse_date("--as-of", as_of)?;
        let how = crate::cli::args::HistoryArgs {
            columns: a.columns.clone(),
            date_format: a.date_format.clone(),
            roster: a.roster.clone(),
        };
        let h = super::fit::load_history(path, &how, None)?;
        let b = quotaplan::history::actuals::booked(&model, &h, as_of)
            .map_err(|e| Fail::Usage(e.to_string()))?;
        if b.unmatched_rows > 0 {
            notes.push(format!(
                "{} row(s) of the actuals ({:.2} in total) name neither a unit nor a rep of the scenario: left out",
                b.unmatched_rows, b.unmatched_total
            ));
        }
        if b.later_rows > 0 {
            notes.push(format!(
                "{} row(s) of the actuals are dated after --as-of or the horizon: left out",
                b.later_rows
            ));
        }
        model.actuals = Some(b.actuals);
    }
    let model = &model;
    let output = a.run.output();
    let mut request = a.run.request();
    request.no_analytics = a.no_analytics;
    let opts = SimOptions::resolve(&request, &checked.scenario.run)?;
    let out_dir = a.run.out_dir(&model.name, None);
    output.check_result_dir(&out_dir)?;
    let started = Instant::now();
    let sim = progress::run("Simulating", opts.trials, output.quiet, |p| {
        quotaplan::simulate(model, &opts, p)
    })?;
    let elapsed = started.elapsed().as_secs_f64();
    let summary = sim.summary(model, checked.warnings);
    let charts = sim.chart_data(model);
    let results = Results {
        summary: &summary,
        charts: &charts,
    };
    let mut files = report::render_all(&report::results_exporters(), &results)?;
    let run = serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "scenario": model.name,
        "source": a.scenario.as_ref().map_or(DEMO_NAME.to_string(), |p| p.display().to_string()),
        "started_unix": std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()).saturating_sub(elapsed as u64),
        "elapsed_seconds": elapsed,
        "threads": opts.threads.unwrap_or_else(rayon::current_num_threads),
        "trials": sim.result.trials,
        "units": model.units.len(),
        "unit_trials_per_second": model.units.len() as f64 * sim.result.trials as f64 / elapsed,
    });
    files.push(OutputFile {
        name: "run.json".into(),
        bytes: (serde_json::to_string_pretty(&run).expect("plain data") + "\n").into_bytes(),
    });
    output.write_result(
        &out_dir,
        ResultSet {
            command: "simulate",
            own: FILES,
            files: &files,
        },
    )?;
    if a.json {
        print(&String::from_utf8_lossy(&files[0].bytes))?;
    } else {
        // What summary.json holds: above MAX_LISTED_REPS reps, the
        // distribution of reps and the worst and best, not every row.
        let shown = summary.bounded();
        print(&paint::stdout(&report::summary_table(&shown)))?;
        if let Some(rf) = &shown.reforecast {
            print(&report::reforecast_table(rf, &shown.currency))?;
            if let Some(d) = shown
                .rep_digest
                .as_ref()
                .filter(|d| d.reforecast_left_out > 0)
            {
                print(&format!(
                    "(the listed reps only: {} more in the run)\n",
                    d.reforecast_left_out
                ))?;
            }
        }
    }
    for n in &notes {
        crate::cli::terminal::eprint(&format!("note: {n}"));
    }
    output.status(format!(
        "Wrote {} in {elapsed:.2} s",
        listed(&out_dir, &files)
    ));
    Ok(())
}
