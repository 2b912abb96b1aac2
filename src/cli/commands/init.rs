//! `quotaplan init` (a commented starter scenario and units CSV) and
//! `quotaplan completions` (shell completion scripts).

use crate::cli::args::{CompletionsArgs, InitArgs, command};
use crate::cli::fail::Fail;
use crate::cli::output::print;
use quotaplan::report::OutputFile;

/// The starter scenario; its comments explain every section.
pub const STARTER_TOML: &str = include_str!("../../../assets/init/scenario.toml");
/// The units template it reads (`file = "units.csv"`).
pub const STARTER_UNITS: &str = include_str!("../../../assets/init/units.csv");

pub fn init(a: InitArgs) -> Result<(), Fail> {
    let names = ["scenario.toml", "units.csv"];
    if !a.force {
        let existing: Vec<String> = names
            .iter()
            .map(|n| a.dir.join(n))
            .filter(|p| p.exists())
            .map(|p| format!("`{}`", p.display()))
            .collect();
        if !existing.is_empty() {
            return Err(Fail::Usage(format!(
                "{} already exist{}; choose another folder or pass --force to overwrite",
                existing.join(" and "),
                if existing.len() == 1 { "s" } else { "" }
            )));
        }
    }
    let output = a.output.output();
    output.write(
        &a.dir,
        &[
            OutputFile {
                name: names[0].into(),
                bytes: STARTER_TOML.as_bytes().to_vec(),
            },
            OutputFile {
                name: names[1].into(),
                bytes: STARTER_UNITS.as_bytes().to_vec(),
            },
        ],
    )?;
    let s = a.dir.join(names[0]);
    output.status(format!(
        "Wrote {} and {}",
        s.display(),
        a.dir.join(names[1]).display()
    ));
    print(&format!(
        "Next:\n  quotaplan validate {s}\n  quotaplan simulate {s}\n  quotaplan report {s}\n",
        s = s.display()
    ))
}

pub fn completions(a: CompletionsArgs) -> Result<(), Fail> {
    let mut cmd = command();
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "quotaplan", &mut script);
    print(&String::from_utf8_lossy(&script))
}
