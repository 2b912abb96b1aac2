//! Raw command-line arguments (clap). Option groups commands share are
//! declared once (`groups`) and flattened into each command; `command()`
//! adjusts them per command (help, defaults) and hides what does not
//! apply, and `refuse_not_applicable` refuses it when given anyway.

mod applies;
mod groups;
mod other;
mod plan;
mod values;

pub use applies::{command, refuse_not_applicable};
pub use groups::*;
pub use other::*;
pub use plan::*;
pub use values::*;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "quotaplan",
    version,
    about = "Monte Carlo risk and territory planning for quota-carrying sales teams",
    after_help = "Examples:\n  quotaplan init my-plan                  # a commented starter scenario\n  quotaplan simulate my-plan/scenario.toml\n  quotaplan report my-plan/scenario.toml  # one HTML file with every chart\n  quotaplan simulate                      # the embedded East China demo\n\nEach command has examples: quotaplan help <COMMAND>"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Colour in terminal output: auto = only on a terminal and when
    /// NO_COLOR is unset (CLICOLOR_FORCE=1 forces it); always; never
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Simulate a scenario and write summary.json, reps.csv and quarters.csv
    #[command(
        after_help = "Examples:\n  quotaplan simulate                      # the embedded East China demo\n  quotaplan simulate scenarios/format-example.toml --trials 50000 --seed 7\n  quotaplan simulate plan.toml --out results/ --json > summary.json\n  quotaplan simulate plan.toml --trials 1e6 --shard 2/8 --out parts/   # one of 8 shards; then: quotaplan merge parts/"
    )]
    Simulate(SimulateArgs),
    /// Check scenario files and print every problem (exit 1 if any is an error)
    #[command(after_help = "Examples:\n  quotaplan validate scenarios/*.toml")]
    Validate(ValidateArgs),
    /// Write a synthetic scenario of any size (TOML plus units CSV beside it)
    #[command(
        after_help = "Examples:\n  quotaplan generate --units 10000 --reps 200 --risks 20 --seed 1 --out big.toml"
    )]
    Generate(GenerateArgs),
    /// Fit a scenario to transaction history (CRM export): seasonality, potentials, deals, risks
    #[command(
        after_help = "Examples:\n  quotaplan fit sales.csv                                  # writes output/sales/fit/fitted.toml\n  quotaplan fit orders.csv --columns date=\"Order Date\",unit=\"Customer ID\",owner=\"Sales Rep\",amount=Sales,region=Region,segment=Segment --date-format %m/%d/%Y\n  quotaplan fit sales.csv --roster roster.csv --until 2026-01-01 --out plans/fy26.toml\n  quotaplan generate --units 500 --reps 20 --history 4 --out synth.toml && quotaplan fit synth-history.csv\n\nThe history needs a date, a unit and an amount per row (owner, region, segment optional).\nBeside the scenario go its units CSV (<stem>-units.csv) and fit.json (every fitted value\nwith n, standard error and method). Lines marked `# ASSUMPTION: review` are not in the\nhistory. Problems in the history are listed with line and column (exit 2); nothing is written."
    )]
    Fit(FitArgs),
    /// Fit the history up to a cutoff, forecast the months after it and score the forecast against what happened
    #[command(
        after_help = "Examples:\n  quotaplan backtest sales.csv --cutoff 2025-12-31\n  quotaplan backtest orders.csv --cutoff 2016-12-31 --horizon 12 --columns date=\"Order Date\",unit=\"Customer ID\",owner=\"Sales Rep\",amount=Sales,region=Region --date-format %m/%d/%Y\n\nWrites backtest.json (coverage of the 50/80/90 % intervals, PIT, CRPS against the naive\nlast-period forecast, Brier score) per level (team, owner, unit, region), backtest.html with\nthe reliability chart and PIT histograms, and the scenario fitted up to the cutoff."
    )]
    Backtest(BacktestArgs),
    /// Propose quotas (proportional or equal-probability), or take them from a CSV, and write them as a new scenario
    #[command(
        after_help = "Examples:\n  quotaplan quotas scenarios/format-example.toml --method equal-probability\n  quotaplan quotas plan.toml --method proportional --over-assignment 0.15 --write-scenario plan-fy27.toml\n  quotaplan quotas plan.toml --from quotas.csv     # the CSV the report's quota planner exports\n\nA --from CSV has the columns rep,quota and one row for every rep of the scenario (comma,\nsemicolon or tab separated; BOM and CRLF are fine). Problems are listed with line and column\n(exit 2); nothing is written."
    )]
    Quotas(QuotasArgs),
    /// Propose balanced, contiguous territories and write the plan
    #[command(
        after_help = "Examples:\n  quotaplan split scenarios/iowa.toml --tolerance 0.005\n  quotaplan split scenarios/iowa.toml --territories 8 --tolerance 0.02\n  quotaplan split plan.toml --max-disruption 0.2 --max-moved-accounts 50 --max-distance 150\n  quotaplan split plan.toml --balance mix:0.6,0.3,0.1 --targets capacity --set reps.R03.capacity_hours=1200\n  quotaplan split units-only.toml --territories 12 --write-scenario fy27.toml\n  quotaplan split plan.toml --balance risk --trials 5000\n\nEvery file goes into the result folder (--out, default output/<scenario-name>/split/), the new\nscenario <stem>.split.toml with its units too; a run that fails writes nothing."
    )]
    Split(SplitArgs),
    /// Run a grid of what-ifs and write headline metrics per combination
    #[command(
        after_help = "Examples:\n  quotaplan sweep plan.toml --vary risks.macro.impact.normal.sd=0.04,0.06,0.08\n  quotaplan sweep plan.toml --vary quotas.over_assignment=0.05,0.1,0.15 --vary reps.R03.quota=6e6,7e6\n  quotaplan sweep plan.toml --vary quotas.over_assignment=0.05,0.1,0.15 --task 1/3 --out parts/   # then: quotaplan merge parts/"
    )]
    Sweep(SweepArgs),
    /// Compare two results (summary.json or scenarios) with gates for CI (exit 0 pass, 1 gate failed, 2 error)
    #[command(
        after_help = "Examples:\n  quotaplan compare base.toml candidate.toml --max-drop team.p_hit_target=0.02\n  quotaplan compare output/base/summary.json output/new/summary.json --fail-if 'team.p_hit_target < 0.6' --junit gates.xml --markdown comment.md\n  quotaplan compare base.toml candidate.toml --metric reps.R03.payout.mean --adjust none\n\nBoth sides scenarios with the same seed and trials: paired (common-random-numbers) standard errors.\nQuantile rows (p10, VaR, CVaR) have no SE and are never called significant."
    )]
    Compare(CompareArgs),
    /// Run every scenario in a folder against committed baselines (golden files)
    #[command(
        after_help = "Examples:\n  quotaplan check scenarios/ --baseline baselines/ --update     # record baselines\n  quotaplan check scenarios/ --baseline baselines/ --max-drop team.p_hit_target=0.02 --junit gates.xml"
    )]
    Check(CheckArgs),
    /// Merge the part files of a run split with --shard or --task into exactly its single-process outputs
    #[command(
        after_help = "Examples:\n  quotaplan simulate plan.toml --trials 100000 --shard 1/3 --out parts/   # and 2/3, 3/3, anywhere\n  quotaplan merge parts/ --out result/                                     # = quotaplan simulate plan.toml --trials 100000 --out result/\n  quotaplan merge parts/part-1-of-3.qpart parts/part-2-of-3.qpart parts/part-3-of-3.qpart\n  quotaplan sweep plan.toml --vary quotas.over_assignment=0.05,0.1,0.15 --task 2/3 --out sweep-parts/\n  quotaplan merge sweep-parts/ --out sweep/\n\nThe parts must be of one run (same scenario, seed, trials, options and quotaplan version) and\ncover it once: a missing or duplicate part, or one of another run, is refused by name.\nThe merge reads the scenario again from where the tasks read it and checks its hash."
    )]
    Merge(MergeArgs),
    /// Write a Slurm job array (one shard per task) and the dependent merge job
    #[command(
        after_help = "Examples:\n  quotaplan slurm plan.toml --shards 16 --trials 1e6 --time 30 --mem 2G --out runs/fy27\n  sh runs/fy27/submit.sh                  # sbatch the array, then the merge with --dependency=afterok\n  quotaplan slurm --shards 4 --partition short --time 0:10:00\n\nWrites array.sbatch (#SBATCH --array=0-(N-1); task k runs --shard $((SLURM_ARRAY_TASK_ID+1))/N),\nmerge.sbatch and submit.sh into --out; the merged result goes to DIR/result/."
    )]
    Slurm(SlurmArgs),
    /// Rank mitigations (bench rep, key-account programme, rebalancing, your [[mitigations]]) by what they buy
    #[command(
        after_help = "Examples:\n  quotaplan mitigate plan.toml --goal 0.8\n  quotaplan mitigate plan.toml --budget 500000 --bench-cost 240000 --programme-cost 150000\n  quotaplan mitigate plan.toml --task 1/4 --out parts/   # a quarter of the evaluations; then: quotaplan merge parts/"
    )]
    Mitigate(MitigateArgs),
    /// Write a self-contained HTML report with every chart, and the charts as SVG and PNG
    #[command(
        after_help = "Examples:\n  quotaplan report                        # simulate the demo and report on it\n  quotaplan report output/my-team/        # a folder written by `simulate`\n  quotaplan report plan.toml --out plan.html --charts none\n  quotaplan report plan.toml --font /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc\n\nThe HTML file loads nothing from anywhere: it works offline and prints on A4."
    )]
    Report(ReportArgs),
    /// Write a commented starter scenario (scenario.toml) and units template (units.csv)
    #[command(
        after_help = "Examples:\n  quotaplan init                          # into the current folder\n  quotaplan init plans/fy27 && quotaplan validate plans/fy27/scenario.toml"
    )]
    Init(InitArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    #[command(
        after_help = "Examples:\n  quotaplan completions bash > ~/.local/share/bash-completion/completions/quotaplan\n  quotaplan completions zsh > ~/.zfunc/_quotaplan      # with fpath+=(~/.zfunc) in .zshrc\n  quotaplan completions fish > ~/.config/fish/completions/quotaplan.fish"
    )]
    Completions(CompletionsArgs),
}

#[cfg(test)]
mod tests {
    use super::command;

    /// Every argument of every command, and every value of a choice, says
    /// what it is for in `--help`.
    #[test]
    fn every_option_of_every_command_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            if cmd.get_about().is_none() && !path.is_empty() {
                missing.push(format!("{path}: the command has no description"));
            }
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if matches!(id, "help" | "version") {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() && !arg.is_hide_set() {
                    missing.push(format!("{path} {id}"));
                }
                // Choices of our own say what each does (the shells of
                // `completions` are clap_complete's names).
                if arg.get_action().takes_values() && path != " completions" {
                    for v in arg.get_possible_values() {
                        if v.get_help().is_none() && !v.is_hide_set() {
                            missing.push(format!("{path} {id}={}", v.get_name()));
                        }
                    }
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.get_name() == "help" {
                    continue;
                }
                walk(sub, &format!("{path} {}", sub.get_name()), missing);
            }
        }
        let cmd = command();
        let mut missing = Vec::new();
        walk(&cmd, "", &mut missing);
        assert!(
            missing.is_empty(),
            "arguments without help text:\n  {}",
            missing.join("\n  ")
        );
    }
}
