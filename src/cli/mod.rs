//! The command line: argument parsing, file and terminal I/O, rendering of
//! problems. The library below it never touches files or the terminal.

mod args;
mod compare_cmd;
mod files;
mod fonts;
mod init_cmd;
mod mitigate_cmd;
mod paint;
mod progress;
mod render;
mod report_cmd;
mod split_cmd;
mod sweep_cmd;

use anyhow_free::Fail;
use args::{Cli, Command, GenerateArgs, QuotasArgs, SimulateArgs, ValidateArgs};
use clap::Parser;
use quotaplan::engine::{self, SimOptions};
use quotaplan::report;
use quotaplan::scenario::{self, Loaded, Purpose};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Failure modes at the CLI edge, each with its exit code.
mod anyhow_free {
    pub enum Fail {
        /// Already reported to the user (problems were printed).
        Reported,
        /// A message to print.
        Message(String),
        /// A message and an exit code of its own (compare: 2 for errors).
        Exit(i32, String),
    }

    impl<E: std::fmt::Display> From<E> for Fail {
        fn from(e: E) -> Self {
            Fail::Message(e.to_string())
        }
    }
}

pub const DEMO_TOML: &str = include_str!("../../scenarios/demo.toml");
pub const DEMO_UNITS: &str = include_str!("../../scenarios/demo-units.csv");
const DEMO_NAME: &str = "scenarios/demo.toml (embedded)";

/// Entry point for `main`: returns the process exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    progress::set_quiet(cli.quiet);
    files::set_bom(cli.bom);
    let result = match cli.command {
        Command::Simulate(a) => simulate(a),
        Command::Validate(a) => validate(a),
        Command::Generate(a) => generate(a),
        Command::Quotas(a) => quotas(a),
        Command::Split(a) => split_cmd::split(a),
        Command::Sweep(a) => sweep_cmd::sweep(a),
        Command::Compare(a) => compare_cmd::compare(a),
        Command::Check(a) => compare_cmd::check(a),
        Command::Mitigate(a) => mitigate_cmd::mitigate(a),
        Command::Report(a) => report_cmd::run(a),
        Command::Init(a) => init_cmd::init(a),
        Command::Completions(a) => init_cmd::completions(a),
    };
    match result {
        Ok(()) => 0,
        Err(Fail::Reported) => 1,
        Err(Fail::Message(m)) => {
            eprintln!("error: {m}");
            1
        }
        Err(Fail::Exit(code, m)) => {
            if !m.is_empty() {
                eprintln!("error: {m}");
            }
            code
        }
    }
}

/// Loads a scenario from disk, or the embedded demo when `path` is None.
fn load(path: Option<&Path>, purpose: Purpose, sets: &[String]) -> Result<Loaded, Fail> {
    match path {
        None => Ok(scenario::load_with(
            DEMO_NAME,
            DEMO_TOML,
            &scenario::MemoryLoader(vec![("demo-units.csv".into(), DEMO_UNITS.into())]),
            purpose,
            sets,
        )),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| format!("cannot read scenario `{}`: {e}", p.display()))?;
            Ok(scenario::load_with(
                &p.display().to_string(),
                &text,
                &files::DiskLoader,
                purpose,
                sets,
            ))
        }
    }
}

/// Prints problems; fails when any is an error, so nothing runs or is written.
fn check(loaded: &Loaded) -> Result<(), Fail> {
    render::problems(loaded);
    if loaded.model.is_none() {
        Err(Fail::Reported)
    } else {
        Ok(())
    }
}

fn validate(a: ValidateArgs) -> Result<(), Fail> {
    let purpose = if a.for_alignment {
        Purpose::Align
    } else {
        Purpose::Simulate
    };
    let mut failed = false;
    for f in &a.files {
        let loaded = load(Some(f), purpose, &a.set)?;
        render::problems(&loaded);
        let (e, w) = (loaded.errors().count(), loaded.warnings().count());
        match &loaded.model {
            Some(m) => eprintln!(
                "{}: ok — {} units, {} reps, {} risks ({w} warning{})",
                f.display(),
                m.units.len(),
                m.reps.len(),
                m.risks.len(),
                plural(w)
            ),
            None => {
                failed = true;
                eprintln!(
                    "{}: {e} error{}, {w} warning{}",
                    f.display(),
                    plural(e),
                    plural(w)
                );
            }
        }
    }
    if failed { Err(Fail::Reported) } else { Ok(()) }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn simulate(a: SimulateArgs) -> Result<(), Fail> {
    let loaded = load(a.scenario.as_deref(), Purpose::Simulate, &a.set)?;
    check(&loaded)?;
    let model = loaded.model.as_ref().expect("checked");
    let opts = SimOptions {
        trials: a.trials.unwrap_or(if a.precision.is_some() {
            engine::MAX_TRIALS
        } else {
            model.trials
        }),
        seed: a.seed.unwrap_or(model.seed),
        threads: a.threads,
        sampler: a.sampler.into(),
        analytics: !a.no_analytics,
        precision: a.precision,
    };
    let warnings: Vec<String> = loaded
        .warnings()
        .map(|p| p.plain(&loaded.sources))
        .collect();
    let out_dir = a
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(files::slug(&model.name)));
    let started = Instant::now();
    let result = progress::run("Simulating", opts.trials, |p| {
        engine::simulate(model, &opts, p)
    })?;
    let elapsed = started.elapsed().as_secs_f64();
    let summary = report::summarise(model, &result, warnings);
    let json = serde_json::to_string_pretty(&summary)? + "\n";
    let run = serde_json::json!({
        "version": env!("CARGO_PKG_VERSION"),
        "scenario": model.name,
        "source": a.scenario.as_ref().map_or(DEMO_NAME.to_string(), |p| p.display().to_string()),
        "started_unix": std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs()).saturating_sub(elapsed as u64),
        "elapsed_seconds": elapsed,
        "threads": a.threads.unwrap_or_else(rayon::current_num_threads),
        "trials": opts.trials,
        "units": model.units.len(),
        "unit_trials_per_second": model.units.len() as f64 * opts.trials as f64 / elapsed,
    });
    files::write_all(
        &out_dir,
        &[
            ("summary.json", json.as_bytes()),
            ("reps.csv", report::reps_csv(&summary).as_bytes()),
            ("quarters.csv", report::quarters_csv(&summary).as_bytes()),
            (
                "rep_quarters.csv",
                report::rep_quarters_csv(&summary).as_bytes(),
            ),
            ("risks.csv", report::risks_csv(&summary).as_bytes()),
            (
                "charts.json",
                report::charts::charts_json(model, &result).as_bytes(),
            ),
            (
                "run.json",
                (serde_json::to_string_pretty(&run)? + "\n").as_bytes(),
            ),
        ],
    )?;
    if a.json {
        print!("{json}");
    } else {
        print!("{}", paint::stdout(&report::summary_table(&summary)));
        println!();
        println!(
            "Wrote {}/{{summary.json, reps.csv, quarters.csv, rep_quarters.csv, risks.csv, charts.json, run.json}} in {elapsed:.2} s",
            out_dir.display()
        );
    }
    Ok(())
}

fn generate(a: GenerateArgs) -> Result<(), Fail> {
    if a.units < a.reps || a.reps == 0 || a.risks < 3 {
        return Err(Fail::Message(format!(
            "--units ({}) must be at least --reps ({}), --reps at least 1, and --risks ({}) at least 3 (one of each kind)",
            a.units, a.reps, a.risks
        )));
    }
    if a.seed > i64::MAX as u64 || a.trials > i64::MAX as u64 {
        return Err(Fail::Message(format!(
            "--seed and --trials must be at most {} (TOML integers are 64-bit signed)",
            i64::MAX
        )));
    }
    let stem = a
        .out
        .file_stem()
        .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    let units_file = format!("{stem}-units.csv");
    let g = quotaplan::generate::synthetic(&quotaplan::generate::GenerateSpec {
        units: a.units,
        reps: a.reps,
        risks: a.risks,
        seed: a.seed,
        trials: a.trials,
        units_file: units_file.clone(),
        edges_file: (!a.no_edges).then(|| format!("{stem}-edges.csv")),
    });
    let dir = a
        .out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = a
        .out
        .file_name()
        .ok_or("--out must name a file")?
        .to_string_lossy()
        .into_owned();
    let edges_file = format!("{stem}-edges.csv");
    let mut out: Vec<(&str, &[u8])> = vec![
        (&name, g.toml.as_bytes()),
        (&units_file, g.units_csv.as_bytes()),
    ];
    if let Some(e) = &g.edges_csv {
        out.push((&edges_file, e.as_bytes()));
    }
    files::write_all(dir, &out)?;
    eprintln!(
        "Wrote {} and {}",
        a.out.display(),
        dir.join(&units_file).display()
    );
    Ok(())
}

fn quotas(a: QuotasArgs) -> Result<(), Fail> {
    use quotaplan::model::QuotaMethod;
    let loaded = load(a.scenario.as_deref(), Purpose::Simulate, &a.set)?;
    check(&loaded)?;
    let model = loaded.model.as_ref().expect("checked");
    let method = a
        .method
        .map(QuotaMethod::from)
        .unwrap_or(match model.quotas.method {
            QuotaMethod::Given => QuotaMethod::EqualProbability,
            m => m,
        });
    if let Some(x) = a.over_assignment
        && !(x > -1.0 && x.is_finite())
    {
        return Err(Fail::Message(format!(
            "--over-assignment must be greater than -1, found {x}"
        )));
    }
    let mut proposed_model = model.clone();
    proposed_model.quotas.method = method;
    if let Some(x) = a.over_assignment {
        proposed_model.quotas.over_assignment = x;
    }
    let opts = SimOptions {
        threads: a.threads,
        analytics: false,
        ..SimOptions::new(
            a.trials.unwrap_or(model.trials),
            a.seed.unwrap_or(model.seed),
        )
    };
    let started = Instant::now();
    let solution = quotaplan::quota::resolve(&proposed_model, &opts)?;
    let after = engine::run(&proposed_model, &solution.quotas, &opts, None)?;
    let current: Option<Vec<f64>> = model
        .reps
        .iter()
        .map(|r| r.quota_override.or(r.quota))
        .collect();
    let before = match &current {
        Some(q) => Some(engine::run(model, q, &opts, None)?),
        None => None,
    };
    let expected = model.expected_sales();
    let n = opts.trials as f64;

    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record([
        "id",
        "name",
        "expected_sales",
        "current_quota",
        "proposed_quota",
        "p_attain_current",
        "p_attain_proposed",
        "pinned",
    ])?;
    let mut table = String::new();
    use std::fmt::Write as _;
    let nw = model
        .reps
        .iter()
        .map(|r| report::width(&r.name))
        .max()
        .unwrap_or(4)
        .max(4);
    let _ = writeln!(
        table,
        "{:<8} {} {:>14} {:>14} {:>14} {:>9} {:>9}  Held at",
        "Rep",
        report::pad("Name", nw),
        "Expected",
        "Current",
        "Proposed",
        "P before",
        "P after",
    );
    let mut rows = Vec::new();
    for (i, r) in model.reps.iter().enumerate() {
        let cur = current.as_ref().map(|c| c[i]);
        let pb = before.as_ref().map(|b| b.reps[i].hits as f64 / n);
        let pa = after.reps[i].hits as f64 / n;
        let pin = solution
            .pinned
            .iter()
            .find(|p| p.0 == i)
            .map_or("", |p| p.1.name());
        let fmt = |x: Option<f64>, pct: bool| {
            x.map_or_else(
                || "—".to_string(),
                |v| {
                    if pct {
                        format!("{:.1}%", 100.0 * v)
                    } else {
                        format!("{v:.0}")
                    }
                },
            )
        };
        let _ = writeln!(
            table,
            "{:<8} {} {:>14.0} {:>14} {:>14.0} {:>9} {:>8.1}%  {pin}",
            r.id,
            report::pad(&r.name, nw),
            expected[i],
            fmt(cur, false),
            solution.quotas[i],
            fmt(pb, true),
            100.0 * pa
        );
        csv.write_record([
            r.id.clone(),
            r.name.clone(),
            expected[i].to_string(),
            cur.map_or_else(String::new, |c| c.to_string()),
            format!("{:.2}", solution.quotas[i]),
            pb.map_or_else(String::new, |p| p.to_string()),
            pa.to_string(),
            pin.to_string(),
        ])?;
        rows.push((r.id.clone(), solution.quotas[i]));
    }
    let csv = String::from_utf8(csv.into_inner().map_err(|e| e.to_string())?)?;

    // The new scenario: same text, proposed quotas, method "given".
    let source = &loaded.sources.files[0];
    let mut text = quotaplan::scenario::edit::with_given_quotas(&source.text, &rows);
    let out_dir = a
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(files::slug(&model.name)));
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
            if files::absolute(src_dir) != files::absolute(new_dir)
                && let Some(units) = loaded.sources.files.get(1)
            {
                text = quotaplan::scenario::edit::with_units_file(
                    &text,
                    &files::absolute(Path::new(&units.name))
                        .display()
                        .to_string(),
                );
            }
        }
    }
    extra.push((scenario_out.clone(), text));
    files::write_all(&out_dir, &[("quotas.csv", csv.as_bytes())])?;
    for (path, body) in &extra {
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .ok_or("the scenario path must name a file")?
            .to_string_lossy()
            .into_owned();
        files::write_all(dir, &[(&name, body.as_bytes())])?;
    }

    print!("{table}");
    println!();
    let pool = solution
        .pool
        .unwrap_or_else(|| solution.quotas.iter().sum());
    print!(
        "Method {}: quotas add up to {:.2}",
        quotaplan::quota::method_name(solution.method),
        pool
    );
    if let Some(p) = solution.p_star {
        print!(
            "; every rep not held at a bound reaches quota with probability p* = {:.3}",
            p
        );
    }
    println!(
        " ({} trials, seed {}, {:.2} s)",
        opts.trials,
        opts.seed,
        started.elapsed().as_secs_f64()
    );
    println!(
        "Wrote {} and {}",
        out_dir.join("quotas.csv").display(),
        scenario_out.display()
    );
    Ok(())
}
