//! `quotaplan fit`: a transaction history in, a scenario (TOML, units CSV)
//! and its evidence (fit.json) out, with a one-page report.

use crate::cli::args::FitArgs;
use crate::cli::fail::Fail;
use crate::cli::files::{read_input, slug};
use crate::cli::output::{Output, print};
use crate::cli::{render, terminal};
use quotaplan::fit::{FitOptions, fit};
use quotaplan::history::{Columns, ReadOptions, dates, read};
use quotaplan::report::OutputFile;
use quotaplan::scenario::Loaded;
use std::path::{Path, PathBuf};

pub fn run(a: FitArgs) -> Result<(), Fail> {
    let columns = match &a.columns {
        Some(spec) => Columns::parse(spec).map_err(|e| Fail::Usage(e.to_string()))?,
        None => Columns::default(),
    };
    let until = a
        .until
        .as_deref()
        .map(|u| {
            dates::parse(u, None)
                .map_err(|e| Fail::Usage(format!("--until: {} ({})", e.message, e.help)))
        })
        .transpose()?;
    let read_file = |p: &Path| {
        read_input(p).map_err(|source| Fail::Read {
            path: p.to_path_buf(),
            source,
        })
    };
    let history_bytes = read_file(&a.history)?;
    let roster_bytes = a.roster.as_deref().map(read_file).transpose()?;
    let history_name = a.history.display().to_string();
    let roster_name = a.roster.as_ref().map(|p| p.display().to_string());
    let got = read(
        (&history_name, &history_bytes),
        roster_name.as_deref().zip(roster_bytes.as_deref()),
        &ReadOptions {
            columns,
            date_format: a.date_format.clone(),
            until,
        },
    );
    let loaded = Loaded {
        scenario: None,
        problems: got.problems,
        sources: got.sources,
    };
    render::problems(&loaded);
    let Some(history) = got.history else {
        return Err(Fail::ReportedInput);
    };
    let stem = a
        .history
        .file_stem()
        .map_or_else(|| "history".into(), |s| s.to_string_lossy().into_owned());
    let out: PathBuf = a.out.clone().unwrap_or_else(|| {
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
        },
    )
    .map_err(|e| Fail::Unreadable(format!("cannot fit `{history_name}`: {e}")))?;
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let json = fitted.json();
    let output = Output {
        quiet: a.quiet,
        bom: false,
    };
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
        print(&fitted.report())?;
    }
    output.status(format!(
        "Wrote {}, {} and {}",
        out.display(),
        dir.join(&units_file).display(),
        dir.join("fit.json").display()
    ));
    Ok(())
}
