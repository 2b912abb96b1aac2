//! The command line: arguments in, library calls, files and terminal out.
//! The library below it never touches files or the terminal; this layer
//! computes nothing.

mod args;
mod commands;
mod fail;
mod files;
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
use clap::Parser;

/// Entry point for `main`: returns the process exit code.
pub fn run() -> i32 {
    let cli = Cli::parse();
    paint::choose(cli.color);
    let result = match cli.command {
        Command::Simulate(a) => commands::simulate::run(a),
        Command::Validate(a) => commands::validate::run(a),
        Command::Generate(a) => commands::generate::run(a),
        Command::Fit(a) => commands::fit::run(a),
        Command::Backtest(a) => commands::backtest::run(a),
        Command::Quotas(a) => commands::quotas::run(a),
        Command::Split(a) => commands::split::run(a),
        Command::Sweep(a) => commands::sweep::run(a),
        Command::Compare(a) => commands::compare::compare(a),
        Command::Check(a) => commands::compare::check(a),
        Command::Mitigate(a) => commands::mitigate::run(a),
        Command::Merge(a) => commands::merge::run(a),
        Command::Slurm(a) => commands::slurm::run(a),
        Command::Report(a) => commands::report::run(a),
        Command::Init(a) => commands::init::init(a),
        Command::Completions(a) => commands::init::completions(a),
    };
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
