//! `quotaplan report`: one self-contained HTML file (and the charts as SVG
//! and PNG files) from a result folder written by `simulate`, or from a
//! scenario simulated on the spot.

use crate::cli::args::{ChartFiles, ReportArgs};
use crate::cli::fail::Fail;
use crate::cli::output::{ResultSet, print, read_result};
use crate::cli::paint::Paint;
use crate::cli::{files, fonts, load, progress, terminal};
use quotaplan::analysis::{
    ChartData, PlannerData, Summary, chart_data_from_json, planner_from_json, summary_from_json,
};
use quotaplan::engine::SimOptions;
use quotaplan::report::{OutputFile, charts, format, html, workbook};
use quotaplan::scenario::Purpose;
use std::path::{Path, PathBuf};

/// Every chart file `report` may write into `charts/` (the ids of
/// `charts::standard`; files the previous report listed in its marker go
/// too when not written again).
const CHART_FILES: &[&str] = &[
    "team-distribution.svg",
    "team-distribution.png",
    "convergence.svg",
    "convergence.png",
    "rep-attainment.svg",
    "rep-attainment.png",
    "p-attain.svg",
    "p-attain.png",
    "group-p-hit.svg",
    "group-p-hit.png",
    "quarterly-fan.svg",
    "quarterly-fan.png",
    "payout-curve.svg",
    "payout-curve.png",
    "tornado.svg",
    "tornado.png",
    "territory-map.svg",
    "territory-map.png",
];

/// What a report is made from.
struct Input {
    summary: Summary,
    data: Option<ChartData>,
    /// The quota planner's data (absent from results of older versions).
    planner: Option<PlannerData>,
    /// Where report.html goes by default.
    dir: PathBuf,
    notes: Vec<String>,
    simulated: bool,
}

/// A result folder written by `simulate`.
fn from_dir(dir: &Path) -> Result<Input, Fail> {
    let path = dir.join("summary.json");
    let cpath = dir.join("charts.json");
    let ppath = dir.join("planner.json");
    // All from the same result, even while a run replaces it.
    let (text, chart_text, planner_text) = read_result(dir, || {
        (
            std::fs::read_to_string(&path),
            std::fs::read_to_string(&cpath),
            std::fs::read_to_string(&ppath),
        )
    });
    let text = text.map_err(|e| {
        Fail::Unreadable(format!(
            "`{}` has no readable summary.json ({e}); run `quotaplan simulate SCENARIO --out {}` first, or give `quotaplan report` a scenario file",
            dir.display(),
            dir.display()
        ))
    })?;
    let summary = summary_from_json(&text).map_err(|e| {
        Fail::Usage(format!(
            "cannot read `{}`: {e} (written by another quotaplan version? run `quotaplan simulate` again)",
            path.display()
        ))
    })?;
    let mut notes = Vec::new();
    if summary.version != env!("CARGO_PKG_VERSION") {
        notes.push(format!(
            "These results were written by quotaplan {}; this report was made by {}.",
            summary.version,
            env!("CARGO_PKG_VERSION")
        ));
    }
    let data = match chart_text {
        Ok(t) => match chart_data_from_json(&t) {
            Ok(d) => Some(d),
            Err(e) => {
                notes.push(format!(
                    "{} could not be read ({e}): the charts that need it are left out; run `quotaplan simulate` again to write it.",
                    cpath.display()
                ));
                None
            }
        },
        Err(_) => {
            notes.push(format!(
                "{} is missing (results written before quotaplan wrote chart data): the team distribution, convergence, per-rep attainment, payout and territory charts are left out; run `quotaplan simulate` again to add them.",
                cpath.display()
            ));
            None
        }
    };
    if let Some(d) = &data
        && d.reps.len() != summary.reps.len()
    {
        return Err(Fail::Usage(format!(
            "{} does not belong to {} (different reps); run `quotaplan simulate` again",
            cpath.display(),
            path.display()
        )));
    }
    let planner = match planner_text.map(|t| planner_from_json(&t)) {
        Ok(Ok(p))
            if p.reps
                .iter()
                .all(|r| summary.reps.iter().any(|s| s.id == r.id)) =>
        {
            Some(p)
        }
        Ok(Ok(_)) => {
            return Err(Fail::Usage(format!(
                "{} does not belong to {} (different reps); run `quotaplan simulate` again",
                ppath.display(),
                path.display()
            )));
        }
        Ok(Err(e)) => {
            notes.push(format!(
                "{} could not be read ({e}): the quota planner is left out; run `quotaplan simulate` again to write it.",
                ppath.display()
            ));
            None
        }
        Err(_) => {
            notes.push(format!(
                "{} is missing (results written before quotaplan had the quota planner): the planner is left out; run `quotaplan simulate` again to add it.",
                ppath.display()
            ));
            None
        }
    };
    Ok(Input {
        summary,
        data,
        planner,
        dir: dir.to_path_buf(),
        notes,
        simulated: false,
    })
}

/// A scenario (or the demo), simulated now.
fn from_scenario(path: Option<&Path>, a: &ReportArgs, paint: Paint) -> Result<Input, Fail> {
    let (_, checked) = load::scenario(path, &a.what_if.set, Purpose::Simulate, paint)?;
    let model = &checked.scenario.model;
    let opts: SimOptions = a.run.sim(&checked.scenario.run)?;
    let sim = progress::run("Simulating", opts.trials, a.output.quiet, |p| {
        quotaplan::simulate(model, &opts, p)
    })?;
    // The page shows what summary.json would hold (above MAX_LISTED_REPS
    // reps, the distribution of reps and the worst and best).
    let summary = sim.summary(model, checked.warnings).into_bounded();
    let mut data = sim.chart_data(model);
    data.keep_listed(&summary);
    let planner = sim.planner_data(model, &summary);
    Ok(Input {
        summary,
        data: Some(data),
        planner: Some(planner),
        dir: PathBuf::from("output").join(files::slug(&model.name)),
        notes: Vec::new(),
        simulated: true,
    })
}

pub fn run(a: ReportArgs, paint: Paint) -> Result<(), Fail> {
    let input = match &a.input {
        Some(p) if p.is_dir() => from_dir(p)?,
        other => from_scenario(other.as_deref(), &a, paint)?,
    };
    let s = &input.summary;
    let d = input.data.as_ref();
    let output = a.output.output();
    // --out is the page (FILE.html) or the folder it goes in.
    let html_path = match &a.output.out {
        Some(p) if p.extension().is_some_and(|e| e == "html" || e == "htm") => p.clone(),
        Some(dir) => dir.join("report.html"),
        None => input.dir.join("report.html"),
    };
    let html_dir = html_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let html_name = html_path
        .file_name()
        .ok_or_else(|| Fail::Usage("--out must name a file".into()))?
        .to_string_lossy()
        .into_owned();

    let want_svg = matches!(a.charts, ChartFiles::All | ChartFiles::Svg);
    let want_png = matches!(a.charts, ChartFiles::All | ChartFiles::Png);
    let fonts = if want_png && (a.font.is_some() || charts::needs_fallback(s, d).is_some()) {
        let found = fonts::find(a.font.as_deref())?;
        for n in &found.notes {
            terminal::eprintln(&format!("warning: {n}"));
        }
        found.fonts
    } else {
        charts::FontSet::embedded()
    };

    let list = charts::standard(s, d);
    let files = charts::ChartFiles {
        svg: want_svg,
        png: want_png,
        png_scale: a.png_scale,
    };
    let drawn = charts::draw_all(&list, &fonts, files)?;
    if !drawn.missing_glyphs.is_empty() {
        let missing: Vec<String> = drawn.missing_glyphs.into_iter().collect();
        terminal::eprintln(&fonts::missing_warning(&missing));
    }
    let chart_files = drawn.files;
    let pairs: Vec<(&charts::Chart, &str)> = list
        .iter()
        .zip(drawn.svgs.iter().map(String::as_str))
        .collect();
    let page = html::render_with_planner(
        s,
        &pairs,
        &input.notes,
        input.planner.as_ref(),
        crate::cli::flags::FLAGS,
    );

    let charts_dir = html_dir.join("charts");
    if !chart_files.is_empty() {
        output.write_result(
            &charts_dir,
            ResultSet {
                command: "report",
                own: CHART_FILES,
                files: &chart_files,
            },
        )?;
    }
    let mut page_files = vec![OutputFile {
        name: html_name.clone(),
        bytes: page.into_bytes(),
    }];
    if a.xlsx {
        page_files.push(OutputFile {
            name: workbook::FILE_NAME.into(),
            bytes: workbook::workbook(&workbook::results_sheets(s), &s.currency)?,
        });
    }
    output.write(&html_dir, &page_files)?;

    if a.json {
        // As summary.json holds it (fields in their order).
        print(&(serde_json::to_string_pretty(s).expect("a summary serialises") + "\n"))?;
    } else if input.simulated {
        print(&format!(
            "{}: P(team hits target) {} ({} trials, seed {})\n",
            s.scenario,
            format::p_with_halfwidth(s.team.p_hit_target, s.team.p_hit_target_se),
            s.trials,
            s.seed
        ))?;
    }
    let extra = if chart_files.is_empty() {
        String::new()
    } else {
        format!(
            " and {} chart files in {}",
            chart_files.len(),
            charts_dir.display()
        )
    };
    output.status(format!(
        "Wrote {}{extra}",
        crate::cli::output::listed(&html_dir, &page_files)
    ));
    Ok(())
}
