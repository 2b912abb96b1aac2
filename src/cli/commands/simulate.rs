//! `quotaplan simulate`: run a scenario and write its results.

use crate::cli::args::{HistoryArgs, OutputArgs, ScenarioArgs, Share, SimulateArgs};
use crate::cli::fail::Fail;
use crate::cli::flags::FLAGS;
use crate::cli::load::{self, DEMO_NAME};
use crate::cli::output::{ResultSet, listed, print};
use crate::cli::paint::Paint;
use crate::cli::parts::{self, Inputs};
use crate::cli::progress;
use quotaplan::engine::SimOptions;
use quotaplan::report::{self, OutputFile, Results};
use quotaplan::scenario::Purpose;
use std::collections::BTreeMap;
use std::time::Instant;

/// Every file `simulate` writes into its result folder.
const FILES: &[&str] = &[
    "summary.json",
    "reps.csv",
    "quarters.csv",
    "rep_quarters.csv",
    "risks.csv",
    "groups.csv",
    "charts.json",
    "planner.json",
    "run.json",
    report::workbook::FILE_NAME,
];

/// A scenario read and ready to simulate: the model (with actuals), its
/// warnings, notes for the terminal and the run options.
pub struct Prepared {
    pub model: quotaplan::model::Model,
    pub warnings: Vec<String>,
    /// Lines for the terminal after the results ("note: …", "warning: …").
    pub notes: Vec<String>,
    pub opts: SimOptions,
}

/// Reads the scenario (and actuals) as `a` asks and resolves the run.
pub fn prepare(a: &SimulateArgs, paint: Paint) -> Result<Prepared, Fail> {
    let (_, checked) = load::scenario(
        a.scenario.as_deref(),
        &a.what_if.set,
        Purpose::Simulate,
        paint,
    )?;
    let mut model = checked.scenario.model.clone();
    let mut checked_warnings = checked.warnings.clone();
    let mut notes = Vec::new();
    if let (Some(path), Some(as_of)) = (&a.actuals, &a.as_of) {
        let as_of = super::fit::parse_date("--as-of", as_of)?;
        let h = super::fit::load_history(path, &a.read, None, paint)?;
        let b = quotaplan::history::actuals::booked(&model, &h, as_of)
            .map_err(|e| Fail::Usage(e.message(FLAGS)))?;
        for note in b.notes(&model) {
            let (line, warning) = report::booking_note(&note, as_of, FLAGS);
            if let Some(w) = warning {
                checked_warnings.push(w);
            }
            notes.push(line);
        }
        model.actuals = Some(b.actuals);
    }
    let opts = a.run.sim(&checked.scenario.run)?;
    Ok(Prepared {
        model,
        warnings: checked_warnings,
        notes,
        opts,
    })
}

pub fn run(a: SimulateArgs, paint: Paint) -> Result<(), Fail> {
    if let Some(share) = a.shard {
        return shard(&a, share, paint);
    }
    let p = prepare(&a, paint)?;
    let output = a.output.output();
    let out_dir = a.output.out_dir(&p.model.name, None);
    output.check_result_dir(&out_dir)?;
    let started = Instant::now();
    let sim = progress::run("Simulating", p.opts.trials, output.quiet, |cb| {
        quotaplan::simulate(&p.model, &p.opts, cb)
    })?;
    let elapsed = started.elapsed().as_secs_f64();
    let run = run_json(&p, a.scenario.as_deref(), sim.result.trials, elapsed);
    let how = Publish {
        json: a.json,
        xlsx: a.xlsx,
        paint,
    };
    publish(&p, &sim, run, &output, &out_dir, how, elapsed)
}

/// What `run.json` says of a run (how it was made: the one file of a
/// result that describes the machine and the time, not the results).
pub fn run_json(
    p: &Prepared,
    scenario: Option<&std::path::Path>,
    trials: u64,
    elapsed: f64,
) -> serde_json::Value {
    let model = &p.model;
    serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "scenario": model.name,
        "source": scenario.map_or(DEMO_NAME.to_string(), |p| p.display().to_string()),
        "started_unix": std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()).saturating_sub(elapsed as u64),
        "elapsed_seconds": elapsed,
        "threads": p.opts.threads.unwrap_or_else(rayon::current_num_threads),
        "trials": trials,
        "units": model.units.len(),
        "unit_trials_per_second": model.units.len() as f64 * trials as f64 / elapsed,
    })
}

/// What a run's results are printed as, and what more is written.
#[derive(Clone, Copy)]
pub struct Publish {
    pub json: bool,
    pub xlsx: bool,
    pub paint: Paint,
}

/// Writes a run's result folder and prints its summary: one path for
/// `simulate` and for `merge` of its shards.
pub fn publish(
    p: &Prepared,
    sim: &quotaplan::Simulation,
    run: serde_json::Value,
    output: &crate::cli::output::Output,
    out_dir: &std::path::Path,
    how: Publish,
    elapsed: f64,
) -> Result<(), Fail> {
    let Publish { json, xlsx, paint } = how;
    let model = &p.model;
    let summary = sim.summary(model, p.warnings.clone());
    let charts = sim.chart_data(model);
    let results = Results {
        summary: &summary,
        charts: &charts,
    };
    let mut exporters = report::results_exporters();
    if xlsx {
        exporters.push(Box::new(report::workbook::ResultsXlsx));
    }
    let mut files = report::render_all(&exporters, &results)?;
    // The report's quota planner: the distributions of the reps
    // summary.json lists.
    let planner = sim.planner_data(model, &summary.bounded());
    files.push(OutputFile {
        name: "planner.json".into(),
        bytes: (serde_json::to_string(&planner).expect("plain data") + "\n").into_bytes(),
    });
    files.push(OutputFile {
        name: "run.json".into(),
        bytes: (serde_json::to_string_pretty(&run).expect("plain data") + "\n").into_bytes(),
    });
    output.write_result(
        out_dir,
        ResultSet {
            command: "simulate",
            own: FILES,
            files: &files,
        },
    )?;
    if json {
        print(&String::from_utf8_lossy(&files[0].bytes))?;
    } else {
        // What summary.json holds: above MAX_LISTED_REPS reps, the
        // distribution of reps and the worst and best, not every row.
        let shown = summary.bounded();
        print(&paint.stdout_text(&report::summary_table(&shown)))?;
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
    for n in &p.notes {
        crate::cli::terminal::eprintln(n);
    }
    output.status(format!(
        "Wrote {} in {elapsed:.2} s",
        listed(out_dir, &files)
    ));
    Ok(())
}

/// How `a` asked for the run, for the part header and the merge.
pub fn inputs(a: &SimulateArgs) -> Inputs {
    Inputs {
        actuals: a.actuals.as_ref().map(|path| crate::cli::parts::Actuals {
            path: path.clone(),
            as_of: a.as_of.clone().unwrap_or_default(),
            columns: a.read.columns.clone(),
            date_format: a.read.date_format.clone(),
            roster: a.read.roster.clone(),
        }),
        ..Inputs::new(a.scenario.as_deref(), &a.what_if.set, &a.run)
    }
}

/// The arguments that ask for the run `i` describes (for the merge).
pub fn args(i: &Inputs) -> SimulateArgs {
    SimulateArgs {
        scenario: i.scenario.clone(),
        run: i.run_args(),
        output: OutputArgs::default(),
        what_if: ScenarioArgs { set: i.set.clone() },
        json: false,
        xlsx: false,
        actuals: i.actuals.as_ref().map(|x| x.path.clone()),
        as_of: i.actuals.as_ref().map(|x| x.as_of.clone()),
        read: HistoryArgs {
            columns: i.actuals.as_ref().and_then(|x| x.columns.clone()),
            date_format: i.actuals.as_ref().and_then(|x| x.date_format.clone()),
            roster: i.actuals.as_ref().and_then(|x| x.roster.clone()),
        },
        shard: None,
    }
}

/// Options that change a simulation's results, recorded in its parts.
pub fn options(p: &Prepared, quotas: &quotaplan::model::QuotaSolution) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("sampler".to_string(), p.opts.sampler.name().to_string()),
        ("analytics".to_string(), p.opts.analytics.to_string()),
        ("exact deals".to_string(), p.opts.exact_deals.to_string()),
        ("quota method".to_string(), quotas.method.name().to_string()),
        ("reps".to_string(), p.model.reps.len().to_string()),
        ("units".to_string(), p.model.units.len().to_string()),
    ])
}

/// `simulate --shard I/N`: decide the quotas (an equal-probability
/// calibration is run by every shard: it is deterministic, so each decides
/// the same), run the shard's chunks and write its part.
fn shard(a: &SimulateArgs, share: Share, paint: Paint) -> Result<(), Fail> {
    let started = Instant::now();
    let p = prepare(a, paint)?;
    let output = a.output.output();
    let chunks = quotaplan::engine::shard::chunk_count(p.opts.trials);
    parts::check_share(
        share,
        chunks,
        &format!("chunks of {} trials", quotaplan::engine::CHUNK_SIZE),
        " (or more --trials)",
    )?;
    let dir = parts::dir(a.output.out.as_deref(), &p.model.name);
    let range = quotaplan::engine::shard::block(chunks, share.task, share.of);
    let quotas = quotaplan::quota::resolve(&p.model, &p.opts)?;
    let shard_trials = (range.end * quotaplan::engine::CHUNK_SIZE).min(p.opts.trials)
        - range.start * quotaplan::engine::CHUNK_SIZE;
    let state = progress::run(
        &format!("Simulating shard {share}"),
        shard_trials,
        output.quiet,
        |cb| {
            quotaplan::engine::shard::run_shard(
                &p.model,
                &quotas.quotas,
                &p.opts,
                range.clone(),
                cb,
            )
        },
    )?;
    let inputs = inputs(a);
    let elapsed = started.elapsed().as_secs_f64();
    let path = parts::write(
        &output,
        &dir,
        share,
        parts::Run {
            command: "simulate",
            scenario: &p.model.name,
            scenario_hash: quotaplan::part::scenario_hash(&p.model),
            seed: p.opts.seed,
            trials: p.opts.trials,
            unit: "chunks",
            total: chunks,
            options: options(&p, &quotas),
            inputs: &inputs,
        },
        range.clone(),
        quotaplan::part::Body::Simulate { quotas, state },
    )?;
    for n in &p.notes {
        crate::cli::terminal::eprintln(n);
    }
    output.status(format!(
        "Wrote {} (shard {share}: chunks {}..{} of {chunks}, {shard_trials} trials) in {elapsed:.2} s",
        path.display(),
        range.start,
        range.end
    ));
    Ok(())
}
