//! `quotaplan backtest`: fit the history up to a cutoff, forecast the
//! months after it, score the forecast against what happened.

use super::fit::{load_history, parse_date};
use crate::cli::args::BacktestArgs;
use crate::cli::fail::Fail;
use crate::cli::files::slug;
use crate::cli::flags::FLAGS;
use crate::cli::fonts;
use crate::cli::output::print;
use crate::cli::paint::Paint;
use quotaplan::backtest::{BacktestOptions, backtest};
use quotaplan::report::{self, OutputFile};
use std::path::PathBuf;

pub fn run(a: BacktestArgs, paint: Paint) -> Result<(), Fail> {
    let cutoff = parse_date("--cutoff", &a.cutoff)?;
    let history = load_history(&a.history, &a.read, None, paint)?;
    // clap gives the defaults (2000 trials, seed 1).
    let (trials, seed) = (a.run.trials.unwrap_or(2000), a.run.seed.unwrap_or(1));
    let name = a.history.display().to_string();
    let outcome = backtest(
        &history,
        &BacktestOptions {
            cutoff,
            horizon_months: a.horizon,
            trials,
            seed,
            threads: a.run.threads,
            source: name.clone(),
            spelling: FLAGS,
        },
    )
    .map_err(|e| Fail::Unreadable(format!("cannot backtest `{name}`: {}", e.message(FLAGS))))?;
    let cutoff_text = cutoff.format("%Y-%m-%d").to_string();
    let doc = outcome.backtest.to_json(&cutoff_text, a.horizon as u32);
    let json = serde_json::to_string_pretty(&doc).expect("backtest serialises") + "\n";
    let found = fonts::find(None)?;
    let (page, chart_files) = report::backtest::page(
        &outcome,
        &slug_name(&a.history),
        &cutoff_text,
        a.horizon as u32,
        &found.fonts,
    )
    .map_err(|e| Fail::Unreadable(format!("cannot draw the backtest charts: {e}")))?;
    let stem = a
        .history
        .file_stem()
        .map_or_else(|| "history".into(), |s| s.to_string_lossy().into_owned());
    let dir = a
        .output
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("output").join(slug(&stem)).join("backtest"));
    let output = a.output.output();
    output.write(
        &dir,
        &[
            OutputFile {
                name: "backtest.json".into(),
                bytes: json.clone().into_bytes(),
            },
            OutputFile {
                name: "backtest.html".into(),
                bytes: page.into_bytes(),
            },
            OutputFile {
                name: "fitted.toml".into(),
                bytes: outcome.fitted.toml.clone().into_bytes(),
            },
            OutputFile {
                name: "fitted-units.csv".into(),
                bytes: outcome.fitted.units_csv.clone().into_bytes(),
            },
            OutputFile {
                name: "fit.json".into(),
                bytes: outcome.fitted.json().into_bytes(),
            },
        ],
    )?;
    if !chart_files.is_empty() {
        output.write(&dir.join("charts"), &chart_files)?;
    }
    if a.json {
        print(&json)?;
    } else {
        let horizon = a.horizon as u32;
        print(&report::backtest::terminal(
            &outcome,
            &name,
            &cutoff_text,
            horizon,
            trials,
        ))?;
    }
    output.status(format!("Wrote {}", dir.display()));
    Ok(())
}

fn slug_name(p: &std::path::Path) -> String {
    p.file_name()
        .map_or_else(|| "history".into(), |s| s.to_string_lossy().into_owned())
}
