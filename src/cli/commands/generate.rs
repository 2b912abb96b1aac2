//! `quotaplan generate`: a synthetic scenario of any size.

use crate::cli::args::GenerateArgs;
use crate::cli::fail::Fail;
use quotaplan::generate::history::with_history;
use quotaplan::generate::{GenerateSpec, synthetic};
use quotaplan::report::OutputFile;
use std::path::Path;

pub fn run(a: GenerateArgs) -> Result<(), Fail> {
    if a.units < a.reps || a.reps == 0 || a.risks < 3 {
        return Err(Fail::Usage(format!(
            "--units ({}) must be at least --reps ({}), --reps at least 1, and --risks ({}) at least 3 (one of each kind)",
            a.units, a.reps, a.risks
        )));
    }
    if a.seed > i64::MAX as u64 || a.trials > i64::MAX as u64 {
        return Err(Fail::Usage(format!(
            "--seed and --trials must be at most {} (TOML integers are 64-bit signed)",
            i64::MAX
        )));
    }
    // clap requires --out here.
    let out = a.output.out.clone().unwrap_or_default();
    let name = out
        .file_name()
        .ok_or_else(|| Fail::Usage("--out must name a file".into()))?
        .to_string_lossy()
        .into_owned();
    let stem = out
        .file_stem()
        .map_or_else(|| "scenario".into(), |s| s.to_string_lossy().into_owned());
    let units_file = format!("{stem}-units.csv");
    let edges_file = format!("{stem}-edges.csv");
    let spec = GenerateSpec {
        units: a.units,
        reps: a.reps,
        risks: a.risks,
        seed: a.seed,
        trials: a.trials,
        units_file: units_file.clone(),
        edges_file: (!a.no_edges).then(|| edges_file.clone()),
    };
    let history_file = format!("{stem}-history.csv");
    let (g, history) = match a.history {
        Some(years) => {
            let h = with_history(&spec, years);
            (h.scenario, Some(h.history_csv))
        }
        None => (synthetic(&spec), None),
    };
    let dir = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut files = vec![
        OutputFile {
            name,
            bytes: g.toml.into_bytes(),
        },
        OutputFile {
            name: units_file.clone(),
            bytes: g.units_csv.into_bytes(),
        },
    ];
    if let Some(e) = g.edges_csv {
        files.push(OutputFile {
            name: edges_file,
            bytes: e.into_bytes(),
        });
    }
    if let Some(h) = history {
        files.push(OutputFile {
            name: history_file.clone(),
            bytes: h.into_bytes(),
        });
    }
    let output = a.output.output();
    output.write(dir, &files)?;
    output.status(format!(
        "Wrote {} and {}{}",
        out.display(),
        dir.join(&units_file).display(),
        if a.history.is_some() {
            format!(" and {}", dir.join(&history_file).display())
        } else {
            String::new()
        }
    ));
    Ok(())
}
