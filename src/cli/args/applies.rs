//! Which options of the shared groups each command takes, and how it words
//! them. The groups are declared once (`groups`); a command that flattens
//! a group but cannot honour one of its options hides it from `--help` and
//! refuses it when given, with the reason. The clap command every caller
//! uses (parsing, completions, the CLI reference) is [`command`].

use super::Cli;
use clap::parser::ValueSource;
use clap::{ArgMatches, CommandFactory};

/// Trial-by-trial comparisons need the same trials in every run.
const PAIRED: &str =
    "it compares runs trial by trial, so every run needs the same trials; give --trials instead";
/// Runs that never compute the risk analytics.
const NO_ANALYTICS: &str = "its runs never compute the risk analytics";
/// `merge` takes the run from its parts.
const FROM_PARTS: &str = "the parts hold the run they were made with; give it to the command that made them (simulate --shard, sweep --task, mitigate --task)";

/// (command, option id, why it does not apply).
pub const NOT_APPLICABLE: &[(&str, &str, &str)] = &[
    ("quotas", "precision", PAIRED),
    ("quotas", "no_analytics", NO_ANALYTICS),
    ("split", "precision", PAIRED),
    ("split", "no_analytics", NO_ANALYTICS),
    ("sweep", "precision", PAIRED),
    ("sweep", "no_analytics", NO_ANALYTICS),
    ("mitigate", "precision", PAIRED),
    ("mitigate", "no_analytics", NO_ANALYTICS),
    ("compare", "precision", PAIRED),
    ("compare", "no_analytics", NO_ANALYTICS),
    ("compare", "bom", "it writes no CSV"),
    ("check", "precision", PAIRED),
    ("check", "no_analytics", NO_ANALYTICS),
    ("check", "bom", "it writes no CSV"),
    (
        "report",
        "bom",
        "it writes no CSV (the HTML page, charts and results.xlsx)",
    ),
    (
        "backtest",
        "precision",
        "the forecast is scored on a fixed number of trials; give --trials instead",
    ),
    ("backtest", "no_analytics", NO_ANALYTICS),
    (
        "backtest",
        "sampler",
        "the forecast is plain Monte Carlo, as a fitted scenario is",
    ),
    (
        "backtest",
        "exact_deals",
        "the forecast draws every deal of a fitted scenario already",
    ),
    ("merge", "trials", FROM_PARTS),
    ("merge", "seed", FROM_PARTS),
    ("merge", "sampler", FROM_PARTS),
    ("merge", "precision", FROM_PARTS),
    ("merge", "exact_deals", FROM_PARTS),
    ("merge", "no_analytics", FROM_PARTS),
    (
        "slurm",
        "threads",
        "each task runs --cpus worker threads; give --cpus instead",
    ),
    (
        "slurm",
        "precision",
        "where a run to a precision stops depends on every chunk before it, so it cannot be split into shards; give --trials instead",
    ),
    (
        "init",
        "out",
        "give the folder as the argument: quotaplan init DIR",
    ),
];

/// How `--name` reads for an option id (`no_analytics` → `--no-analytics`).
fn flag(id: &str) -> String {
    format!("--{}", id.replace('_', "-"))
}

/// The command line's clap command: the derived one, with each command's
/// own wording and defaults of the shared options, and what does not apply
/// hidden.
pub fn command() -> clap::Command {
    let mut cmd = Cli::command();
    for &(name, id, _) in NOT_APPLICABLE {
        cmd = cmd.mut_subcommand(name, |s| s.mut_arg(id, |a| a.hide(true)));
    }
    cmd.mut_subcommand("simulate", |s| {
        ["columns", "date_format", "roster"]
            .into_iter()
            .fold(s, |s, id| s.mut_arg(id, |a| a.requires("actuals")))
    })
    .mut_subcommand("report", |s| {
        s.mut_arg("out", |a| {
            a.value_name("FILE.html|DIR").help(
                "The HTML file to write (FILE.html) or its folder (default: report.html in the result folder, or in output/<scenario-name>/ for a scenario)",
            )
        })
    })
    .mut_subcommand("fit", |s| {
        s.mut_arg("out", |a| {
            a.value_name("FILE").help(
                "Scenario file to write (default: output/<history-name>/fit/fitted.toml); its units CSV (<stem>-units.csv) and fit.json go beside it",
            )
        })
    })
    .mut_subcommand("generate", |s| {
        s.mut_arg("out", |a| {
            a.value_name("FILE")
                .required(true)
                .help("Scenario file to write; the units CSV goes beside it as <stem>-units.csv")
        })
    })
    .mut_subcommand("backtest", |s| {
        s.mut_arg("trials", |a| {
            a.default_value("2000")
                .help("Number of trials of the forecast")
        })
        .mut_arg("seed", |a| a.default_value("1").help("Random seed"))
        .mut_arg("out", |a| {
            a.help("Result folder (default: output/<history-name>/backtest/)")
        })
    })
    .mut_subcommand("compare", |s| {
        s.mut_arg("out", |a| {
            a.help("Keep the summary.json of each side simulated here, as DIR/base.summary.json and DIR/candidate.summary.json")
        })
    })
    .mut_subcommand("check", |s| {
        s.mut_arg("out", |a| {
            a.help("Keep the summary.json of each scenario simulated, as DIR/<scenario>.summary.json")
        })
    })
    .mut_subcommand("merge", |s| {
        s.mut_arg("threads", |a| {
            a.help("Worker threads for what the merge simulates itself (mitigate's sets)")
        })
        .mut_arg("out", |a| {
            a.help("Result folder (default: the command's own, e.g. output/<scenario-name>/)")
        })
    })
    .mut_subcommand("slurm", |s| {
        s.mut_arg("out", |a| {
            a.help("Folder for the scripts, the parts (parts/), the logs (logs/) and the merged result (result/) (default: output/<scenario-name>/slurm/)")
        })
        .mut_arg("bom", |a| {
            a.help("Start the merged CSV outputs with a UTF-8 byte-order mark (as simulate --bom)")
        })
        .mut_arg("set", |a| {
            a.help("Override a scenario key (repeatable), passed to every task")
        })
    })
    .mut_subcommand("init", |s| {
        s.mut_arg("quiet", |a| a.help("No \"Wrote ...\" status line"))
    })
}

/// Refuses an option a command does not take (see [`NOT_APPLICABLE`]),
/// with the reason.
pub fn refuse_not_applicable(m: &ArgMatches) -> Result<(), String> {
    let Some((name, sub)) = m.subcommand() else {
        return Ok(());
    };
    for &(command, id, why) in NOT_APPLICABLE {
        if command == name
            && sub
                .try_get_raw(id)
                .is_ok_and(|_| sub.value_source(id) == Some(ValueSource::CommandLine))
        {
            return Err(format!("{} does not apply to `{command}`: {why}", flag(id)));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(args: &[&str]) -> Result<(), String> {
        let m = command()
            .try_get_matches_from(std::iter::once("quotaplan").chain(args.iter().copied()))
            .expect("parses");
        refuse_not_applicable(&m)
    }

    #[test]
    fn an_option_a_command_cannot_honour_is_refused_with_the_reason() {
        let e = refused(&["merge", "parts/", "--trials", "500"]).unwrap_err();
        assert!(
            e.starts_with("--trials does not apply to `merge`: the parts hold the run"),
            "{e}"
        );
        let e = refused(&["sweep", "--vary", "a=1", "--precision", "0.01"]).unwrap_err();
        assert_eq!(
            e,
            "--precision does not apply to `sweep`: it compares runs trial by trial, so every run needs the same trials; give --trials instead"
        );
        let e = refused(&["slurm", "--shards", "2", "--threads", "4"]).unwrap_err();
        assert!(e.contains("give --cpus instead"), "{e}");
        // A default is not a choice: only what was typed is refused.
        refused(&["merge", "parts/", "--threads", "2"]).expect("merge takes --threads");
        refused(&["sweep", "--vary", "a=1", "--trials", "5"]).expect("sweep takes --trials");
        refused(&["backtest", "h.csv", "--cutoff", "2025-12-31"]).expect("defaults are fine");
    }

    #[test]
    fn what_does_not_apply_is_hidden_from_help() {
        let cmd = command();
        for &(name, id, _) in NOT_APPLICABLE {
            let sub = cmd.find_subcommand(name).expect("a command");
            let arg = sub
                .get_arguments()
                .find(|a| a.get_id() == id)
                .unwrap_or_else(|| panic!("`{name}` has no option `{id}`"));
            assert!(arg.is_hide_set(), "{name} {id}");
        }
    }

    #[test]
    fn every_command_that_writes_takes_the_same_output_options() {
        let cmd = command();
        for sub in cmd.get_subcommands() {
            let ids: Vec<&str> = sub.get_arguments().map(|a| a.get_id().as_str()).collect();
            if ids.contains(&"quiet") {
                for id in ["out", "quiet", "bom"] {
                    assert!(ids.contains(&id), "`{}` lacks --{id}", sub.get_name());
                }
            }
        }
    }
}
