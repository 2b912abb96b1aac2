//! Scenarios in: the file named on the command line (or the embedded demo)
//! read into a document once, validated, its problems printed.

use super::fail::Fail;
use super::files::{DiskLoader, read_input};
use super::flags::FLAGS;
use super::paint::Paint;
use super::render;
use quotaplan::scenario::{Document, Loaded, MemoryLoader, Purpose, Scenario};
use quotaplan::whatif::WhatIfError;
use std::path::Path;

pub const DEMO_TOML: &str = include_str!("../../scenarios/demo.toml");
pub const DEMO_UNITS: &str = include_str!("../../scenarios/demo-units.csv");
pub const DEMO_NAME: &str = "scenarios/demo.toml (embedded)";

/// Reads the scenario at `path`, or the embedded demo when `None`, with
/// the `--set` overrides.
pub fn document(path: Option<&Path>, sets: &[String]) -> Result<Document, Fail> {
    match path {
        None => Ok(Document::read_spelled(
            DEMO_NAME,
            DEMO_TOML.as_bytes(),
            &MemoryLoader(vec![("demo-units.csv".into(), DEMO_UNITS.into())]),
            sets,
            FLAGS,
        )),
        Some(p) => {
            let bytes = read_input(p).map_err(|source| Fail::Read {
                path: p.to_path_buf(),
                source,
            })?;
            Ok(Document::read_spelled(
                &p.display().to_string(),
                &bytes,
                &DiskLoader,
                sets,
                FLAGS,
            ))
        }
    }
}

/// A scenario without errors and its warnings as plain lines.
pub struct Checked {
    pub scenario: Scenario,
    pub warnings: Vec<String>,
}

/// Prints the problems; fails when any is an error, so nothing runs or is
/// written.
pub fn check(loaded: Loaded, paint: Paint) -> Result<Checked, Fail> {
    render::problems(&loaded, paint);
    let warnings = loaded.warning_lines();
    match loaded.scenario {
        Some(scenario) => Ok(Checked { scenario, warnings }),
        None => Err(Fail::Reported),
    }
}

/// Reads and checks the scenario for `purpose` in one go.
pub fn scenario(
    path: Option<&Path>,
    sets: &[String],
    purpose: Purpose,
    paint: Paint,
) -> Result<(Document, Checked), Fail> {
    let doc = document(path, sets)?;
    let checked = check(doc.validate(purpose, &[]), paint)?;
    Ok((doc, checked))
}

/// A what-if that failed: its scenario's problems are printed.
pub fn what_if(e: WhatIfError, paint: Paint) -> Fail {
    match e {
        WhatIfError::Invalid { loaded, .. } => {
            render::problems(&loaded, paint);
            Fail::Reported
        }
        WhatIfError::Options(e) => e.into(),
        WhatIfError::Quota(e) => e.into(),
        WhatIfError::Align(e) => e.into(),
    }
}
