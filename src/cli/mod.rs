//! The command line: arguments in, library calls, files and terminal out.
//! The library below it never touches files or the terminal; this layer
//! computes nothing.

mod args;
mod commands;
mod fail;
mod files;
mod flags;
mod fonts;
mod json;
mod load;
mod options;
mod output;
mod paint;
mod parts;
mod progress;
#[cfg(test)]
mod reference;
mod render;
mod terminal;

use args::{Cli, Command};
use clap::FromArgMatches;
use fail::Fail;
use paint::Paint;

/// Entry point for `main`: returns the process exit code.
pub fn run() -> i32 {
    let matches = args::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let paint = Paint::new(cli.color);
    let result = args::refuse_not_applicable(&matches)
        .map_err(Fail::Usage)
        .and_then(|()| dispatch(cli.command, paint));
    match result {
        Ok(()) => 0,
        Err(e) => {
            if e.needs_message() {
                terminal::eprintln(&format!("error: {e}"));
            }
            e.code()
        }
    }
}

fn dispatch(command: Command, paint: Paint) -> Result<(), Fail> {
    match command {
        Command::Simulate(a) => commands::simulate::run(a, paint),
        Command::Validate(a) => commands::validate::run(a, paint),
        Command::Generate(a) => commands::generate::run(a),
        Command::Fit(a) => commands::fit::run(a, paint),
        Command::Backtest(a) => commands::backtest::run(a, paint),
        Command::Quotas(a) => commands::quotas::run(a, paint),
        Command::Split(a) => commands::split::run(a, paint),
        Command::Sweep(a) => commands::sweep::run(a, paint),
        Command::Compare(a) => commands::compare::compare(a, paint),
        Command::Check(a) => commands::compare::check(a, paint),
        Command::Mitigate(a) => commands::mitigate::run(a, paint),
        Command::Merge(a) => commands::merge::run(a, paint),
        Command::Slurm(a) => commands::slurm::run(a, paint),
        Command::Report(a) => commands::report::run(a, paint),
        Command::Init(a) => commands::init::init(a),
        Command::Completions(a) => commands::init::completions(a),
    }
}
