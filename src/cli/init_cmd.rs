//! `quotaplan init` (a commented starter scenario and units CSV) and
//! `quotaplan completions` (shell completion scripts).

use super::anyhow_free::Fail;
use super::files;
use clap::{Args, CommandFactory};
use std::path::PathBuf;

/// The starter scenario; its comments explain every section.
pub const STARTER_TOML: &str = include_str!("../../assets/init/scenario.toml");
/// The units template it reads (`file = "units.csv"`).
pub const STARTER_UNITS: &str = include_str!("../../assets/init/units.csv");

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Folder to write scenario.toml and units.csv into (created if needed)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite scenario.toml and units.csv if they exist
    #[arg(long)]
    pub force: bool,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

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
            return Err(Fail::Message(format!(
                "{} already exist{}; choose another folder or pass --force to overwrite",
                existing.join(" and "),
                if existing.len() == 1 { "s" } else { "" }
            )));
        }
    }
    files::write_all(
        &a.dir,
        &[
            (names[0], STARTER_TOML.as_bytes()),
            (names[1], STARTER_UNITS.as_bytes()),
        ],
    )?;
    let s = a.dir.join(names[0]);
    println!(
        "Wrote {} and {}\n\nNext:\n  quotaplan validate {s}\n  quotaplan simulate {s}\n  quotaplan report {s}",
        s.display(),
        a.dir.join(names[1]).display(),
        s = s.display()
    );
    Ok(())
}

pub fn completions(a: CompletionsArgs) -> Result<(), Fail> {
    let mut cmd = super::args::Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(a.shell, &mut cmd, "quotaplan", &mut out);
    Ok(())
}
