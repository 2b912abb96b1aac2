//! `quotaplan backtest`: fit the history up to a cutoff, forecast the
//! months after it, score the forecast against what happened.

use super::fit::{load_history, parse_date};
use crate::cli::args::BacktestArgs;
use crate::cli::fail::Fail;
use crate::cli::files::slug;
use crate::cli::fonts;
use crate::cli::output::print;
use crate::cli::paint::Paint;
use quotaplan::backtest::{BacktestOptions, backtest};
use quotaplan::report::OutputFile;
use quotaplan::report::backtest::{calibration_table, charts, html_section};
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
        },
    )
    .map_err(|e| Fail::Unreadable(format!("cannot backtest `{name}`: {e}")))?;
    let cutoff_text = cutoff.format("%Y-%m-%d").to_string();
    let doc = outcome.backtest.to_json(&cutoff_text, a.horizon as u32);
    let json = serde_json::to_string_pretty(&doc).expect("backtest serialises") + "\n";
    let mut notes = Vec::new();
    if outcome.partial {
        notes.push(format!(
            "the history ends before the horizon does ({}): the actuals of the last months are partial",
            outcome.horizon_end.pred_opt().unwrap_or(outcome.horizon_end)
        ));
    }
    if outcome.new_units > 0 {
        notes.push(format!(
            "{} unit(s) first sold after the cutoff ({:.0} in the horizon): no forecast can know them, so they are only in the team and region actuals",
            outcome.new_units, outcome.new_units_sales
        ));
    }
    let found = fonts::find(None)?;
    let section = html_section(
        &outcome.backtest,
        &cutoff_text,
        a.horizon as u32,
        &found.fonts,
    )
    .map_err(|e| Fail::Unreadable(format!("cannot draw the backtest charts: {e}")))?;
    // The same charts as files, as `report` writes them: SVG and PNG.
    let mut chart_files = Vec::new();
    for c in charts(&outcome.backtest) {
        let drawn = c
            .svg(&found.fonts)
            .and_then(|svg| Ok((svg, c.png(&found.fonts, 2.0)?)))
            .map_err(|e| Fail::Unreadable(format!("cannot draw the backtest charts: {e}")))?;
        chart_files.push(OutputFile {
            name: format!("{}.svg", c.id),
            bytes: drawn.0.data.into_bytes(),
        });
        chart_files.push(OutputFile {
            name: format!("{}.png", c.id),
            bytes: drawn.1.data,
        });
    }
    let mut body = String::new();
    for n in &notes {
        body.push_str(&format!(
            "<p class=\"note\">{}</p>\n",
            quotaplan::report::escape(n)
        ));
    }
    body.push_str(&section);
    let page = quotaplan::report::html::standalone(
        &format!("Backtest of {} at {cutoff_text}", slug_name(&a.history)),
        &body,
    );
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
        let mut text = quotaplan::report::format::wrap(
            &format!(
                "Backtest: fitted on {name} up to {cutoff_text}, {} months forecast ({} trials) against what happened",
                a.horizon, trials
            ),
            quotaplan::report::format::TERMINAL_WIDTH,
        );
        text.push('\n');
        text.push_str(&calibration_table(&outcome.backtest));
        for n in &notes {
            text.push('\n');
            text.push_str(&quotaplan::report::format::wrap_indented(
                n,
                quotaplan::report::format::TERMINAL_WIDTH,
                "note: ",
                "  ",
            ));
        }
        if !text.ends_with('\n') {
            text.push('\n');
        }
        print(&text)?;
    }
    output.status(format!("Wrote {}", dir.display()));
    Ok(())
}

fn slug_name(p: &std::path::Path) -> String {
    p.file_name()
        .map_or_else(|| "history".into(), |s| s.to_string_lossy().into_owned())
}
