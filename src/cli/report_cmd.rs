//! `quotaplan report`: one self-contained HTML file (and the charts as SVG
//! and PNG files) from a result folder written by `simulate`, or from a
//! scenario simulated on the spot.

use super::anyhow_free::Fail;
use super::{files, fonts, progress};
use clap::Args;
use quotaplan::engine::{self, SimOptions};
use quotaplan::report::{self, Summary, charts, html};
use quotaplan::scenario::Purpose;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// A result folder written by `simulate` (it holds summary.json), or a
    /// scenario file to simulate first; the embedded demo when omitted
    #[arg(value_name = "RESULT_DIR|SCENARIO")]
    pub input: Option<PathBuf>,
    /// The HTML file to write (default: report.html in the result folder,
    /// or in output/<scenario-name>/ for a scenario)
    #[arg(long, short, value_name = "FILE.html")]
    pub out: Option<PathBuf>,
    /// Chart files to write into charts/ beside the report
    #[arg(long, value_enum, default_value_t = ChartFiles::All)]
    pub charts: ChartFiles,
    /// Font for the names the embedded font cannot draw in PNG charts (e.g.
    /// a CJK .ttc); default: $QUOTAPLAN_FONT, then common system CJK fonts
    #[arg(long, value_name = "PATH")]
    pub font: Option<PathBuf>,
    /// PNG pixels per chart pixel (2 gives sharp slides)
    #[arg(long, default_value_t = 2.0, value_parser = png_scale)]
    pub png_scale: f64,
    /// When simulating a scenario: number of trials (default: the scenario's)
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub trials: Option<u64>,
    /// When simulating a scenario: random seed (default: the scenario's)
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores); results do not depend on it
    #[arg(long, value_parser = super::args::threads)]
    pub threads: Option<usize>,
    /// When simulating a scenario: override a scenario key (repeatable),
    /// e.g. --set reps.R03.quota=7e6
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    pub set: Vec<String>,
}

/// Which chart files to write beside the HTML report.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartFiles {
    /// SVG and PNG
    All,
    Svg,
    Png,
    /// Only the HTML report
    None,
}

fn png_scale(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.5..=4.0).contains(&x) => Ok(x),
        _ => Err(format!("`{s}` is not a PNG scale; allowed: 0.5 to 4")),
    }
}

/// What a report is made from.
struct Input {
    summary: Summary,
    data: Option<charts::ChartData>,
    /// Where report.html goes by default.
    dir: PathBuf,
    notes: Vec<String>,
    simulated: bool,
}

/// A result folder written by `simulate`.
fn from_dir(dir: &Path) -> Result<Input, Fail> {
    let path = dir.join("summary.json");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "`{}` has no readable summary.json ({e}); run `quotaplan simulate SCENARIO --out {}` first, or give `quotaplan report` a scenario file",
            dir.display(),
            dir.display()
        )
    })?;
    let summary = report::summary_from_json(&text).map_err(|e| {
        format!(
            "cannot read `{}`: {e} (written by another quotaplan version? run `quotaplan simulate` again)",
            path.display()
        )
    })?;
    let mut notes = Vec::new();
    if summary.version != env!("CARGO_PKG_VERSION") {
        notes.push(format!(
            "These results were written by quotaplan {}; this report was made by {}.",
            summary.version,
            env!("CARGO_PKG_VERSION")
        ));
    }
    let cpath = dir.join("charts.json");
    let data = match std::fs::read_to_string(&cpath) {
        Ok(t) => match report::chart_data_from_json(&t) {
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
        return Err(Fail::Message(format!(
            "{} does not belong to {} (different reps); run `quotaplan simulate` again",
            cpath.display(),
            path.display()
        )));
    }
    Ok(Input {
        summary,
        data,
        dir: dir.to_path_buf(),
        notes,
        simulated: false,
    })
}

/// A scenario (or the demo), simulated now.
fn from_scenario(path: Option<&Path>, a: &ReportArgs) -> Result<Input, Fail> {
    let loaded = super::load(path, Purpose::Simulate, &a.set)?;
    super::check(&loaded)?;
    let model = loaded.model.as_ref().expect("checked");
    let opts = SimOptions {
        threads: a.threads,
        ..SimOptions::new(
            a.trials.unwrap_or(model.trials),
            a.seed.unwrap_or(model.seed),
        )
    };
    let warnings: Vec<String> = loaded
        .warnings()
        .map(|p| p.plain(&loaded.sources))
        .collect();
    let result = progress::run("Simulating", opts.trials, |p| {
        engine::simulate(model, &opts, p)
    })?;
    Ok(Input {
        summary: report::summarise(model, &result, warnings),
        data: Some(charts::chart_data(model, &result)),
        dir: PathBuf::from("output").join(files::slug(&model.name)),
        notes: Vec::new(),
        simulated: true,
    })
}

pub fn run(a: ReportArgs) -> Result<(), Fail> {
    let input = match &a.input {
        Some(p) if p.is_dir() => from_dir(p)?,
        other => from_scenario(other.as_deref(), &a)?,
    };
    let s = &input.summary;
    let d = input.data.as_ref();
    let html_path = a
        .out
        .clone()
        .unwrap_or_else(|| input.dir.join("report.html"));
    let html_dir = html_path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let html_name = html_path
        .file_name()
        .ok_or("--out must name a file")?
        .to_string_lossy()
        .into_owned();

    let want_svg = matches!(a.charts, ChartFiles::All | ChartFiles::Svg);
    let want_png = matches!(a.charts, ChartFiles::All | ChartFiles::Png);
    let fonts = if want_png && (a.font.is_some() || charts::needs_fallback(s, d).is_some()) {
        let found = fonts::find(a.font.as_deref())?;
        for n in &found.notes {
            eprintln!("warning: {n}");
        }
        found.fonts
    } else {
        charts::FontSet::embedded()
    };

    let list = charts::standard(s, d);
    let mut svgs = Vec::with_capacity(list.len());
    let mut chart_files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut missing = BTreeSet::new();
    for c in &list {
        let svg = c.svg(&fonts)?.data;
        if want_svg {
            chart_files.push((format!("{}.svg", c.id), svg.clone().into_bytes()));
        }
        if want_png {
            let png = c.png(&fonts, a.png_scale)?;
            missing.extend(png.missing_glyphs);
            chart_files.push((format!("{}.png", c.id), png.data));
        }
        svgs.push(svg);
    }
    if !missing.is_empty() {
        let missing: Vec<String> = missing.into_iter().collect();
        eprintln!("{}", fonts::missing_warning(&missing));
    }
    let pairs: Vec<(&charts::Chart, &str)> =
        list.iter().zip(svgs.iter().map(String::as_str)).collect();
    let page = html::render(s, &pairs, &input.notes);

    let charts_dir = html_dir.join("charts");
    if !chart_files.is_empty() {
        let refs: Vec<(&str, &[u8])> = chart_files
            .iter()
            .map(|(n, b)| (n.as_str(), b.as_slice()))
            .collect();
        files::write_all(&charts_dir, &refs)?;
    }
    files::write_all(&html_dir, &[(&html_name, page.as_bytes())])?;

    if input.simulated {
        println!(
            "{}: P(team hits target) {:.1}% ± {:.1}% ({} trials, seed {})",
            s.scenario,
            100.0 * s.team.p_hit_target,
            100.0 * 1.96 * s.team.p_hit_target_se,
            s.trials,
            s.seed
        );
    }
    if !progress::quiet() {
        let extra = if chart_files.is_empty() {
            String::new()
        } else {
            format!(
                " and {} chart files in {}",
                chart_files.len(),
                charts_dir.display()
            )
        };
        println!("Wrote {}{extra}", html_dir.join(&html_name).display());
    }
    Ok(())
}
