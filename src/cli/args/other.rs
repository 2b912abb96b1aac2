//! The other commands: checking and making scenarios (validate, generate,
//! init, completions), history (fit, backtest), CI (compare, check) and
//! runs across machines (merge, slurm).

use super::groups::*;
use super::values::*;
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct ValidateArgs {
    /// Scenario files
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Validate for territory alignment (units may have no owner yet)
    #[arg(long = "for-alignment")]
    pub for_alignment: bool,
    /// Show every problem (otherwise the first 200, errors first, the first
    /// 20 with a snippet of the file)
    #[arg(long)]
    pub all: bool,
    /// Print every file's verdict and problems as JSON to stdout (nothing
    /// on stderr): [{file, ok, units, reps, risks, errors, warnings,
    /// problems: [{severity, location, message, help}]}]
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub what_if: ScenarioArgs,
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// Number of territory units
    #[arg(long)]
    pub units: usize,
    /// Number of reps
    #[arg(long)]
    pub reps: usize,
    /// Number of risks in the risk register
    #[arg(long, default_value_t = 20)]
    pub risks: usize,
    /// Random seed of the generator (the same seed writes the same files)
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Trials written into the scenario
    #[arg(long, default_value_t = 10_000, value_parser = trials)]
    pub trials: u64,
    /// Also write <stem>-history.csv: YEARS years of transactions before the
    /// scenario's horizon, simulated from it (deals, seasonality, market
    /// shocks, account losses, returns), for trying `fit`
    #[arg(long, value_name = "YEARS", value_parser = clap::builder::RangedU64ValueParser::<u32>::new().range(1..=20))]
    pub history: Option<u32>,
    /// Do not write the adjacency (<stem>-edges.csv, a Delaunay triangulation of the unit locations)
    #[arg(long)]
    pub no_edges: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Folder to write scenario.toml and units.csv into (created if needed)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite scenario.toml and units.csv if they exist
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Args, Debug)]
pub struct FitArgs {
    /// Transaction history CSV: one row per order, closed-won deal or monthly booking
    pub history: PathBuf,
    #[command(flatten)]
    pub read: HistoryArgs,
    /// Leave out rows dated on or after this day (YYYY-MM-DD); the horizon
    /// starts in its month
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Horizon of the fitted scenario in months
    #[arg(long, default_value_t = 12, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=60))]
    pub months: usize,
    /// Print fit.json to stdout instead of the report
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct BacktestArgs {
    /// Transaction history CSV (as for `fit`), with rows after the cutoff
    pub history: PathBuf,
    /// Last day the forecast may see (YYYY-MM-DD, the last day of a month)
    #[arg(long, value_name = "DATE")]
    pub cutoff: String,
    /// Months forecast after the cutoff
    #[arg(long, default_value_t = 12, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=60))]
    pub horizon: usize,
    #[command(flatten)]
    pub read: HistoryArgs,
    /// Print backtest.json to stdout instead of the calibration table
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct CompareArgs {
    /// summary.json (or a result folder holding one) or a scenario
    pub base: PathBuf,
    /// summary.json (or a result folder holding one) or a scenario
    pub candidate: PathBuf,
    /// Extra metrics to compare, by path (e.g. reps.R03.sales.mean)
    #[arg(long = "metric")]
    pub metric: Vec<String>,
    #[command(flatten)]
    pub gates: GateArgs,
    /// When a side is a scenario, how it is simulated
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Folder of scenarios (*.toml)
    pub dir: PathBuf,
    /// Folder of baseline summaries (<scenario>.summary.json)
    #[arg(long)]
    pub baseline: PathBuf,
    /// Rewrite the baselines from this run instead of checking
    #[arg(long)]
    pub update: bool,
    #[command(flatten)]
    pub gates: GateArgs,
    /// How the scenarios are simulated
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Part files written with --shard or --task (or folders holding them:
    /// every *.qpart inside)
    #[arg(required = true, value_name = "PARTS")]
    pub parts: Vec<PathBuf>,
    /// Print the merged result as JSON to stdout instead of the table, as
    /// the command of the parts does with --json
    #[arg(long)]
    pub json: bool,
    /// Also write results.xlsx: one workbook, a sheet per table (as the merged command writes it),
    /// with number formats (money, percentages), a frozen header row and
    /// a filter
    #[arg(long)]
    pub xlsx: bool,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Args, Debug)]
pub struct SlurmArgs {
    /// Scenario file; the embedded demo when omitted
    pub scenario: Option<PathBuf>,
    /// Number of array tasks (shards of the trial chunks)
    #[arg(long, value_parser = clap::builder::RangedU64ValueParser::<u64>::new().range(1..=MAX_TASKS))]
    pub shards: u64,
    /// Slurm partition (default: the cluster's default partition)
    #[arg(long, value_name = "P")]
    pub partition: Option<String>,
    /// Wall-time limit of each task and of the merge, as Slurm takes it:
    /// MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS
    #[arg(long, value_name = "T", value_parser = slurm_time)]
    pub time: Option<String>,
    /// Memory of each task and of the merge: a whole number with an
    /// optional K, M, G or T suffix (Slurm's --mem; no suffix means MB)
    #[arg(long, value_name = "M", value_parser = slurm_mem)]
    pub mem: Option<String>,
    /// CPUs per task (each shard runs this many worker threads)
    #[arg(long, default_value_t = 1, value_parser = clap::builder::RangedU64ValueParser::<u64>::new().range(1..=1024))]
    pub cpus: u64,
    /// The quotaplan the jobs run (default: this executable's path)
    #[arg(long, value_name = "PATH")]
    pub quotaplan: Option<PathBuf>,
    /// The run every task makes
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub what_if: ScenarioArgs,
}
