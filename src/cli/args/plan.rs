//! The planning commands: simulate, quotas, split, sweep, mitigate, report.

use super::groups::*;
use super::values::*;
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// Scenario file; the embedded demo when omitted
    pub scenario: Option<PathBuf>,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub what_if: ScenarioArgs,
    /// Print summary.json to stdout instead of the table
    #[arg(long)]
    pub json: bool,
    /// Also write results.xlsx: one workbook, a sheet per table (Summary, Reps, Quarters, Risks),
    /// with number formats (money, percentages), a frozen header row and
    /// a filter
    #[arg(long)]
    pub xlsx: bool,
    /// In-year re-forecast: sales booked so far (a history CSV, as for
    /// `fit`: per unit, or per rep with the rep id in the unit column);
    /// needs --as-of and the scenario's [scenario] start
    #[arg(long, value_name = "FILE", requires = "as_of")]
    pub actuals: Option<PathBuf>,
    /// Last day booked (YYYY-MM-DD, the last day of a month): months up to
    /// it are the actuals, the rest is simulated
    #[arg(long, value_name = "DATE", requires = "actuals")]
    pub as_of: Option<String>,
    /// How the actuals are read (as for `fit`; each needs --actuals)
    #[command(flatten)]
    pub read: HistoryArgs,
    /// Run only shard I of N (1-based) of the trial chunks and write one
    /// part file, --out DIR/part-I-of-N.qpart (default DIR:
    /// output/<scenario-name>/parts/); `quotaplan merge` turns the N parts
    /// into exactly this command's outputs
    #[arg(long, value_name = "I/N", value_parser = task_share, conflicts_with_all = ["json", "precision"])]
    pub shard: Option<Share>,
}

#[derive(Args, Debug)]
pub struct QuotasArgs {
    /// Scenario file; the embedded demo when omitted
    pub scenario: Option<PathBuf>,
    /// Quota method (default: the scenario's [quotas] method, or equal-probability when it is "given")
    #[arg(long, value_enum)]
    pub method: Option<MethodArg>,
    /// Sum of quotas = company_target x (1 + this), e.g. 0.1 (default: the scenario's)
    #[arg(long, allow_negative_numbers = true, value_parser = over_assignment)]
    pub over_assignment: Option<f64>,
    /// Take the quotas from a CSV (rep,quota; one row per rep), e.g. the
    /// report planner's export, instead of proposing them
    #[arg(long, value_name = "FILE", conflicts_with_all = ["method", "over_assignment"])]
    pub from: Option<PathBuf>,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub what_if: ScenarioArgs,
    /// Also write results.xlsx: one workbook, a sheet per table (Summary, Reps with current and proposed quotas),
    /// with number formats (money, percentages), a frozen header row and
    /// a filter
    #[arg(long)]
    pub xlsx: bool,
    /// Where to write the scenario with the proposed quotas (default:
    /// <scenario>.quotas.toml beside the scenario; for the demo, in --out)
    #[arg(long)]
    pub write_scenario: Option<PathBuf>,
    /// Print the proposal as JSON to stdout instead of the table: method,
    /// over_assignment, total, p_star, trials, seed and one object per rep
    /// with the columns of quotas.csv
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct SplitArgs {
    /// Scenario file; the embedded demo when omitted
    pub scenario: Option<PathBuf>,
    /// Number of territories (default: one per rep; required when the
    /// scenario has units but no reps)
    #[arg(long, value_parser = clap::value_parser!(usize))]
    pub territories: Option<usize>,
    /// Balance on sales, workload, accounts, mix:w1,w2,w3 or risk
    #[arg(long, default_value = "sales")]
    pub balance: String,
    /// Every territory within ±this share of its target (0.02 = ±2 %)
    #[arg(long, default_value_t = 0.02, value_parser = tolerance)]
    pub tolerance: f64,
    /// Each territory's share of the total: presence = in proportion to what
    /// its rep can sell in the horizon (capacity × expected presence: start
    /// month, ramp, vacancy after attrition); capacity = capacity hours
    /// only; equal
    #[arg(long, value_enum, default_value_t = TargetsArg::Presence)]
    pub targets: TargetsArg,
    /// Deprecated: the same as --targets capacity
    #[arg(long, hide = true, conflicts_with = "targets")]
    pub capacity_targets: bool,
    /// Largest share of expected sales that may change owner (0.2 = 20 %); a
    /// hard limit
    #[arg(long, value_parser = share)]
    pub max_disruption: Option<f64>,
    /// Largest number of accounts that may change owner; a hard limit
    #[arg(long, value_name = "N")]
    pub max_moved_accounts: Option<u64>,
    /// Travel radius around each rep's home unit, in km (default: automatic
    /// per rep, the larger of 1.5 × its coverage radius and the farthest
    /// unit it owns today)
    #[arg(long, value_name = "KM", allow_negative_numbers = true, value_parser = kilometres)]
    pub max_distance: Option<f64>,
    /// Let units change owner for compactness too (by default a unit moves
    /// only when that buys balance: customer ownership continuity)
    #[arg(long)]
    pub no_continuity: bool,
    /// Stop searching after this many seconds (the result then depends on
    /// machine speed, and says so)
    #[arg(long, value_name = "SECONDS", default_value_t = 120.0, value_parser = seconds)]
    pub time_limit: f64,
    /// Skip the balance–disruption frontier (the best deviation when at most
    /// 5, 10, 20, 30 % of sales may move), computed by default when there
    /// is a current alignment
    #[arg(long)]
    pub no_frontier: bool,
    /// Write the new scenario to FILE (its units CSV beside it as
    /// <stem>-units.csv) instead of into the result folder
    #[arg(long, value_name = "FILE")]
    pub write_scenario: Option<PathBuf>,
    /// Also write results.xlsx: one workbook, a sheet per table (Summary, Territories, Assignment),
    /// with number formats (money, percentages), a frozen header row and
    /// a filter
    #[arg(long)]
    pub xlsx: bool,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub what_if: ScenarioArgs,
    /// Print split.json to stdout instead of the table
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// Scenario file; the embedded demo when omitted
    pub scenario: Option<PathBuf>,
    /// A key and its values: key.path=v1,v2,... (repeat for a grid)
    #[arg(long, value_name = "KEY.PATH=V1,V2,...")]
    pub vary: Vec<String>,
    /// Run only task I of N (1-based) of the grid points and write one part
    /// file, --out DIR/part-I-of-N.qpart; `quotaplan merge` turns the N
    /// parts into exactly this command's outputs
    #[arg(long, value_name = "I/N", value_parser = task_share)]
    pub task: Option<Share>,
    /// Print sweep.json to stdout instead of the table
    #[arg(long, conflicts_with = "task")]
    pub json: bool,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub what_if: ScenarioArgs,
}

#[derive(Args, Debug)]
pub struct MitigateArgs {
    /// Scenario file; the embedded demo when omitted
    pub scenario: Option<PathBuf>,
    /// Wanted P(team hits target), e.g. 0.8
    #[arg(long, default_value_t = 0.8, value_parser = probability)]
    pub goal: f64,
    /// Most to spend on the recommended set
    #[arg(long)]
    pub budget: Option<f64>,
    /// Cost of a bench rep (default: 2 x the comp plan's target incentive)
    #[arg(long)]
    pub bench_cost: Option<f64>,
    /// Cost of a key-account programme (default: 1 x target incentive)
    #[arg(long)]
    pub programme_cost: Option<f64>,
    /// Optimizer seeds the rebalance plan is made with (the run's seed and
    /// the ones after it); its interval covers every plan
    #[arg(long, default_value_t = quotaplan::whatif::REBALANCE_SEEDS, value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..=100))]
    pub rebalance_seeds: usize,
    /// Also write results.xlsx: one workbook, a sheet per table (Summary, Mitigations, Sets),
    /// with number formats (money, percentages), a frozen header row and
    /// a filter
    #[arg(long)]
    pub xlsx: bool,
    /// Run only task I of N (1-based) of the candidates' evaluations and
    /// write one part file, --out DIR/part-I-of-N.qpart; `quotaplan merge`
    /// ranks them and simulates the sets, with exactly this command's
    /// outputs
    #[arg(long, value_name = "I/N", value_parser = task_share)]
    pub task: Option<Share>,
    /// Print mitigations.csv and mitigation_sets.csv as JSON to stdout
    /// instead of the table ({"mitigations": [rows], "mitigation_sets":
    /// [rows]})
    #[arg(long, conflicts_with = "task")]
    pub json: bool,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub what_if: ScenarioArgs,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// A result folder written by `simulate` (it holds summary.json), or a
    /// scenario file to simulate first; the embedded demo when omitted
    #[arg(value_name = "RESULT_DIR|SCENARIO")]
    pub input: Option<PathBuf>,
    /// Chart files to write into charts/ beside the report
    #[arg(long, value_enum, default_value_t = ChartFiles::All)]
    pub charts: ChartFiles,
    /// Font for the names the embedded font cannot draw in PNG charts (e.g.
    /// a CJK .ttc); default: $QUOTAPLAN_FONT, then common system CJK fonts,
    /// then the bundled Droid Sans Fallback
    #[arg(long, value_name = "PATH")]
    pub font: Option<PathBuf>,
    /// PNG pixels per chart pixel (2 gives sharp slides)
    #[arg(long, default_value_t = 2.0, value_parser = png_scale)]
    pub png_scale: f64,
    /// Also write results.xlsx: one workbook, a sheet per table (Summary, Reps, Quarters, Risks; beside the HTML file),
    /// with number formats (money, percentages), a frozen header row and
    /// a filter
    #[arg(long)]
    pub xlsx: bool,
    /// Print the summary the report shows (summary.json) to stdout
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub what_if: ScenarioArgs,
}
