//! `quotaplan fit`: a transaction history in, a scenario (TOML, units CSV)
//! and its evidence (fit.json) out, with a one-page report.

use crate::cli::args::{FitArgs, HistoryArgs};
use crate::cli::fail::Fail;
use crate::cli::files::{read_input, slug};
use crate::cli::flags::FLAGS;
use crate::cli::output::print;
use crate::cli::paint::Paint;
use crate::cli::{render, terminal};
use quotaplan::fit::{FitOptions, fit};
use quotaplan::history::History;
use quotaplan::history::{Columns, ReadOptions, dates, read};
use quotaplan::report::OutputFile;
use quotaplan::scenario::Loaded;
use std::path::{Path, PathBuf};

/// A date given on the command line (ISO 8601).
pub(crate) fn parse_date(flag: &str, text: &str) -> Result<chrono::NaiveDate, Fail> {
    dates::parse(text, None)
        .map_err(|e| Fail::Usage(format!("{flag}: {} ({})", e.message(FLAGS), e.help(FLAGS))))
}

/// Reads a history (and roster) as `fit` and `backtest` take them; every
/// problem is printed, and any error fails with exit 2.
pub(crate) fn load_history(
    path: &Path,
    how: &HistoryArgs,
    until: Option<chrono::NaiveDate>,
    paint: Paint,
) -> Result<History, Fail> {
    let roster = how.roster.as_deref();
    let date_format = how.date_format.clone();
    let columns = match how.columns.as_deref() {
        Some(spec) => Columns::parse(spec).map_err(|e| Fail::Usage(e.message(FLAGS)))?,
        None => Columns::default(),
    };
    let read_file = |p: &Path| {
        read_input(p).map_err(|source| Fail::Read {
            path: p.to_path_buf(),
            source,
        })
    };
    let history_bytes = read_file(path)?;
    let roster_bytes = roster.map(read_file).transpose()?;
    let history_name = path.display().to_string();
    let roster_name = roster.map(|p| p.display().to_string());
    let got = read(
        (&history_name, &history_bytes),
        roster_name.as_deref().zip(roster_bytes.as_deref()),
        &ReadOptions {
            columns,
            date_format,
            until,
            spelling: FLAGS,
        },
    );
    let loaded = Loaded {
        scenario: None,
        problems: got.problems,
        sources: got.sources,
    };
    render::problems(&loaded, paint);
    got.history.ok_or(Fail::ReportedInput)
}

pub fn run(a: FitArgs, paint: Paint) -> Result<(), Fail> {
    let until = a
        .until
        .as_deref()
        .map(|u| parse_date("--until", u))
        .transpose()?;
    let history = load_history(&a.history, &a.read, until, paint)?;
    let history_name = a.history.display().to_string();
    let stem = a
        .history
        .file_stem()
        .map_or_else(|| "history".into(), |s| s.to_string_lossy().into_owned());
    let out: PathBuf = a.output.out.clone().unwrap_or_else(|| {
        PathBuf::from("output")
            .join(slug(&stem))
            .join("fit")
            .join("fitted.toml")
    });
    let name = out
        .file_name()
        .ok_or_else(|| Fail::Usage("--out must name a file, e.g. fitted.toml".into()))?
        .to_string_lossy()
        .into_owned();
    let out_stem = out
        .file_stem()
        .map_or_else(|| "fitted".into(), |s| s.to_string_lossy().into_owned());
    let units_file = format!("{out_stem}-units.csv");
    let fitted = fit(
        &history,
        &FitOptions {
            months: a.months,
            source: history_name.clone(),
            units_file: units_file.clone(),
            until,
            spelling: FLAGS,
        },
    )
    .map_err(|e| Fail::Unreadable(format!("cannot fit `{history_name}`: {}", e.message(FLAGS))))?;
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let json = fitted.json();
    let output = a.output.output();
    output.write(
        dir,
        &[
            OutputFile {
                name,
                bytes: fitted.toml.clone().into_bytes(),
            },
            OutputFile {
                name: units_file.clone(),
                bytes: fitted.units_csv.clone().into_bytes(),
            },
            OutputFile {
                name: "fit.json".into(),
                bytes: json.clone().into_bytes(),
            },
        ],
    )?;
    if a.json {
        print(&json)?;
    } else {
        terminal::eprint("");
        print(&quotaplan::report::fit::render(&fitted.evidence, FLAGS))?;
    }
    output.status(format!(
        "Wrote {}, {} and {}",
        out.display(),
        dir.join(&units_file).display(),
        dir.join("fit.json").display()
    ));
    Ok(())
}
