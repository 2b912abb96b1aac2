//! The option groups commands share, each declared once and flattened
//! into every command it concerns: how a simulation runs ([`RunArgs`]),
//! where results go and how they are written ([`OutputArgs`]), what-if
//! overrides of the scenario ([`ScenarioArgs`]), how a transaction history
//! is read ([`HistoryArgs`]) and the CI gates ([`GateArgs`]). An option of a
//! group that does not apply to a command is hidden from its help and
//! refused (see `applies`).

use super::values::*;
use clap::Args;
use std::path::PathBuf;

/// How a simulation runs: trials, seed, threads, sampler and what is
/// computed. Flattened into every command that simulates or passes a run
/// on (merge, slurm); defaults are decided in one place
/// (`SimOptions::resolve`).
#[derive(Args, Debug, Clone, Default)]
pub struct RunArgs {
    /// Number of trials (default: the scenario's `trials`, else 10,000)
    #[arg(long, value_parser = trials)]
    pub trials: Option<u64>,
    /// Random seed (default: the scenario's `seed`, else 0)
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores); results do not depend on it
    #[arg(long, value_parser = threads)]
    pub threads: Option<usize>,
    /// How risk drivers are sampled
    #[arg(long, value_enum, default_value_t = SamplerArg::Mc)]
    pub sampler: SamplerArg,
    /// Add whole chunks of trials until the 95 % half-width of P(team hits
    /// target) is at most this (e.g. 0.005); --trials is then the most to
    /// run (default 10,000,000). simulate and report only: the other
    /// commands compare runs trial by trial
    #[arg(long, value_parser = precision)]
    pub precision: Option<f64>,
    /// Draw every deal of units with deals_per_year instead of sampling
    /// their months from per-class quantile tables (slower; to check the
    /// tables, which are used only when at most 64 (rate, cv) classes exist)
    #[arg(long)]
    pub exact_deals: bool,
    /// Skip the risk analytics (rank correlations, tornado, attributable loss)
    #[arg(long)]
    pub no_analytics: bool,
}

/// Where results go and how they are written. Flattened into every
/// command that writes files.
#[derive(Args, Debug, Clone, Default)]
pub struct OutputArgs {
    /// Output folder (default: output/<scenario-name>/, with a subfolder
    /// per command)
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// No progress bar and no "Wrote ..." status lines
    #[arg(long, short)]
    pub quiet: bool,
    /// Start CSV outputs with a UTF-8 byte-order mark, so Excel opens
    /// Chinese names correctly (numbers stay plain, without separators)
    #[arg(long)]
    pub bom: bool,
}

/// What-if overrides of the scenario a command reads, validated like the
/// file.
#[derive(Args, Debug, Clone, Default)]
pub struct ScenarioArgs {
    /// Override a scenario key, e.g. --set risks.macro.impact.normal.sd=0.1
    /// or --set reps.R03.quota=7e6 (repeatable; validated like the file)
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    pub set: Vec<String>,
}

/// How a transaction history is read (`fit`, `backtest`).
#[derive(Args, Debug, Clone, Default)]
pub struct HistoryArgs {
    /// Which CSV column holds which field: FIELD=COLUMN,... with fields
    /// date, unit, owner, amount, region, segment (default: columns named
    /// like the fields), e.g. date="Order Date",unit="Customer ID"
    #[arg(long, value_name = "FIELD=COLUMN,...")]
    pub columns: Option<String>,
    /// Format of the dates (chrono/strftime, e.g. %m/%d/%Y or %d.%m.%Y);
    /// ISO 8601 (YYYY-MM-DD, with or without a time) needs none
    #[arg(long, value_name = "FORMAT")]
    pub date_format: Option<String>,
    /// Roster CSV (rep,hire_date,leave_date) for attrition and ramp
    #[arg(long, value_name = "FILE")]
    pub roster: Option<PathBuf>,
}

/// Gates shared by compare and check.
#[derive(Args, Debug, Clone)]
pub struct GateArgs {
    /// Fail when the candidate meets a condition, e.g. 'team.p_hit_target < 0.6'
    #[arg(long = "fail-if", value_name = "CONDITION")]
    pub fail_if: Vec<String>,
    /// Fail when a metric drops by more than an amount beyond noise, e.g. team.p_hit_target=0.02
    #[arg(long = "max-drop", value_name = "METRIC=AMOUNT")]
    pub max_drop: Vec<String>,
    /// Fail when a metric rises by more than an amount beyond noise, e.g. team.shortfall.cvar95=1e6
    #[arg(long = "max-rise", value_name = "METRIC=AMOUNT")]
    pub max_rise: Vec<String>,
    /// Multiple-comparison adjustment of the significance of deltas and of
    /// --max-drop/--max-rise: holm keeps the chance of any false flag
    /// across the tested metrics at 5 %; none tests each metric at 5 % alone
    #[arg(long, value_enum, default_value_t = AdjustArg::Holm)]
    pub adjust: AdjustArg,
    /// Write JUnit XML (one testcase per gate)
    #[arg(long)]
    pub junit: Option<PathBuf>,
    /// Write a PR-comment-ready markdown report
    #[arg(long)]
    pub markdown: Option<PathBuf>,
    /// Print the comparison as JSON to stdout instead of the markdown:
    /// per scenario, the deltas (metric, base, candidate, delta, noise,
    /// significant), the gate results, the adjustment and whether it passed
    #[arg(long)]
    pub json: bool,
}
