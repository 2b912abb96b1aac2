//! Raw command-line arguments (clap). The options every run shares are one
//! group, [`RunArgs`], resolved once per command in `options`.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

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
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = crate::cli::paint::ColorChoice::Auto)]
    pub color: crate::cli::paint::ColorChoice,
}

/// How a command runs and where its results go. One group for every
/// command that simulates or writes results; defaults are documented on
/// each option and decided in one place (`SimOptions::resolve` for the
/// run, `options::resolve` for the output).
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
    /// Output folder (default: output/<scenario-name>/, with a subfolder
    /// per command); for report, a FILE.html or a folder
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
    /// Override a scenario key, e.g. --set risks.macro.impact.normal.sd=0.1
    /// or --set reps.R03.quota=7e6 (repeatable; validated like the file)
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    pub set: Vec<String>,
    /// Print split.json to stdout instead of the table
    #[arg(long)]
    pub json: bool,
}

/// How territory targets are set (`--targets`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TargetsArg {
    /// Every territory the same share
    Equal,
    /// In proportion to the rep's capacity hours
    Capacity,
    /// In proportion to capacity × expected presence over the horizon
    Presence,
}

impl From<TargetsArg> for quotaplan::territory::Targets {
    fn from(t: TargetsArg) -> Self {
        match t {
            TargetsArg::Equal => quotaplan::territory::Targets::Equal,
            TargetsArg::Capacity => quotaplan::territory::Targets::Capacity,
            TargetsArg::Presence => quotaplan::territory::Targets::Presence,
        }
    }
}

/// A distance in km: a positive number.
fn kilometres(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        Ok(_) => Err(format!(
            "`{s}` is not a travel radius: give a positive distance in km, e.g. 150 (leave the option out for the automatic radius per rep)"
        )),
        Err(_) => Err(format!(
            "`{s}` is not a number; give a distance in km, e.g. 150"
        )),
    }
}

/// A time limit in seconds: a positive number, at most a week.
fn seconds(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 && x <= 604_800.0 => Ok(x),
        Ok(_) => Err(format!(
            "`{s}` is not a time limit: give a positive number of seconds, at most 604800 (a week), e.g. 120"
        )),
        Err(_) => Err(format!("`{s}` is not a number of seconds, e.g. 120")),
    }
}

#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum MethodArg {
    /// The quotas the scenario gives
    Given,
    /// In proportion to each rep's expected sales
    Proportional,
    /// Every rep equally likely to reach quota
    EqualProbability,
}

impl From<MethodArg> for quotaplan::model::QuotaMethod {
    fn from(m: MethodArg) -> Self {
        match m {
            MethodArg::Given => quotaplan::model::QuotaMethod::Given,
            MethodArg::Proportional => quotaplan::model::QuotaMethod::Proportional,
            MethodArg::EqualProbability => quotaplan::model::QuotaMethod::EqualProbability,
        }
    }
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
    /// Also write results.xlsx: one workbook, a sheet per table (Summary, Reps with current and proposed quotas),
    /// with number formats (money, percentages), a frozen header row and
    /// a filter
    #[arg(long)]
    pub xlsx: bool,
    /// Where to write the scenario with the proposed quotas (default:
    /// <scenario>.quotas.toml beside the scenario; for the demo, in --out)
    #[arg(long)]
    pub write_scenario: Option<PathBuf>,
    /// Override a scenario key, e.g. --set risks.macro.impact.normal.sd=0.1
    /// or --set reps.R03.quota=7e6 (repeatable; validated like the file)
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    pub set: Vec<String>,
    /// Print the proposal as JSON to stdout instead of the table: method,
    /// over_assignment, total, p_star, trials, seed and one object per rep
    /// with the columns of quotas.csv
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct SimulateArgs {
    /// Scenario file; the embedded demo when omitted
    pub scenario: Option<PathBuf>,
    #[command(flatten)]
    pub run: RunArgs,
    /// Print summary.json to stdout instead of the table
    #[arg(long)]
    pub json: bool,
    /// Also write results.xlsx: one workbook, a sheet per table (Summary, Reps, Quarters, Risks),
    /// with number formats (money, percentages), a frozen header row and
    /// a filter
    #[arg(long)]
    pub xlsx: bool,
    /// Skip the risk analytics (rank correlations, tornado, attributable loss)
    #[arg(long)]
    pub no_analytics: bool,
    /// Override a scenario key, e.g. --set risks.macro.impact.normal.sd=0.1
    /// or --set reps.R03.quota=7e6 (repeatable; validated like the file)
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    pub set: Vec<String>,
    /// In-year re-forecast: sales booked so far (a history CSV, as for
    /// `fit`: per unit, or per rep with the rep id in the unit column);
    /// needs --as-of and the scenario's [scenario] start
    #[arg(long, value_name = "FILE", requires = "as_of")]
    pub actuals: Option<PathBuf>,
    /// Last day booked (YYYY-MM-DD, the last day of a month): months up to
    /// it are the actuals, the rest is simulated
    #[arg(long, value_name = "DATE", requires = "actuals")]
    pub as_of: Option<String>,
    /// Column mapping of the actuals (as for `fit`)
    #[arg(long, value_name = "FIELD=COLUMN,...", requires = "actuals")]
    pub columns: Option<String>,
    /// Date format of the actuals (as for `fit`)
    #[arg(long, value_name = "FORMAT", requires = "actuals")]
    pub date_format: Option<String>,
    /// Roster CSV (rep,hire_date,leave_date): reps that left by --as-of are
    /// vacancies from their leaving month
    #[arg(long, value_name = "FILE", requires = "actuals")]
    pub roster: Option<PathBuf>,
    /// Run only shard I of N (1-based) of the trial chunks and write one
    /// part file, --out DIR/part-I-of-N.qpart (default DIR:
    /// output/<scenario-name>/parts/); `quotaplan merge` turns the N parts
    /// into exactly this command's outputs
    #[arg(long, value_name = "I/N", value_parser = task_share, conflicts_with_all = ["json", "precision"])]
    pub shard: Option<Share>,
}

/// One task's share of a run split across processes: task `task` of `of`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Share {
    pub task: u64,
    pub of: u64,
}

impl Share {
    /// The part file's name: `part-I-of-N.qpart`.
    pub fn file_name(&self) -> String {
        format!(
            "part-{}-of-{}.{}",
            self.task,
            self.of,
            quotaplan::part::EXTENSION
        )
    }
}

impl std::fmt::Display for Share {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.task, self.of)
    }
}

/// The most tasks a run is split into.
pub const MAX_TASKS: u64 = 100_000;

/// `I/N`: task I of N, 1 <= I <= N.
pub(crate) fn task_share(s: &str) -> Result<Share, String> {
    let bad = || {
        format!(
            "`{s}` is not a share: give I/N, task I of N counted from 1 (e.g. 2/8; in a Slurm array, $((SLURM_ARRAY_TASK_ID+1))/N)"
        )
    };
    let (i, n) = s.trim().split_once('/').ok_or_else(bad)?;
    let (i, n): (u64, u64) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || n > MAX_TASKS {
        return Err(format!("`{s}`: N must be 1 to {MAX_TASKS}"));
    }
    if i == 0 || i > n {
        return Err(format!(
            "`{s}`: I must be 1 to {n} (tasks are counted from 1; a 0-based index such as SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX needs +1)"
        ));
    }
    Ok(Share { task: i, of: n })
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, Default)]
pub enum SamplerArg {
    #[default]
    /// Plain Monte Carlo
    Mc,
    /// Latin hypercube on the risk drivers
    Lhs,
}

impl From<SamplerArg> for quotaplan::engine::Sampler {
    fn from(s: SamplerArg) -> Self {
        match s {
            SamplerArg::Mc => quotaplan::engine::Sampler::MonteCarlo,
            SamplerArg::Lhs => quotaplan::engine::Sampler::LatinHypercube,
        }
    }
}

/// A number in `range` that is a share or probability: a whole number that
/// only makes sense as a percentage gets the hint ("0.8, not 80").
fn fraction(s: &str, ok: impl Fn(f64) -> bool, what: &str, example: &str) -> Result<f64, String> {
    let x: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number; {what}, e.g. {example}"))?;
    if x.is_finite() && ok(x) {
        return Ok(x);
    }
    let hint = if (2.0..=100.0).contains(&x.abs()) {
        let f = format!("{:.6}", x / 100.0);
        format!(
            " ({s} looks like a percentage: write {}, not {s})",
            f.trim_end_matches('0').trim_end_matches('.')
        )
    } else {
        String::new()
    };
    Err(format!(
        "`{s}` is out of range: {what}, e.g. {example}{hint}"
    ))
}

/// The smallest `--precision`: at P near 0.5 it needs about
/// (1.96 · 0.5 / 0.0001)² ≈ 96 million trials, just within a run's bound.
const MIN_PRECISION: f64 = 1e-4;

fn precision(s: &str) -> Result<f64, String> {
    let p = fraction(
        s,
        |p| p > 0.0 && p < 0.5,
        "give the 95 % half-width of P(team hits target) as a probability",
        "0.005",
    )?;
    if p < MIN_PRECISION {
        let needed = (1.96 * 0.5 / p).powi(2);
        return Err(format!(
            "`{s}` would need about {needed:.1e} trials at P near 0.5, more than the {} a run accepts; the smallest precision is {MIN_PRECISION} (about 96 million trials)",
            quotaplan::engine::MAX_RUN_TRIALS
        ));
    }
    Ok(p)
}

fn probability(s: &str) -> Result<f64, String> {
    fraction(
        s,
        |p| p > 0.0 && p < 1.0,
        "a probability between 0 and 1",
        "0.8",
    )
}

fn share(s: &str) -> Result<f64, String> {
    fraction(
        s,
        |p| (0.0..=1.0).contains(&p),
        "a share between 0 and 1",
        "0.2",
    )
}

fn tolerance(s: &str) -> Result<f64, String> {
    fraction(
        s,
        |p| (0.0..=1.0).contains(&p),
        "a share between 0 and 1 (±)",
        "0.02",
    )
}

fn over_assignment(s: &str) -> Result<f64, String> {
    fraction(
        s,
        |p| p > -1.0 && p <= 1.0,
        "a share above -1 and at most 1 (0.1 = quotas add up to 110 % of target)",
        "0.1",
    )
}

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
    /// Override a scenario key, e.g. --set risks.macro.impact.normal.sd=0.1
    /// or --set reps.R03.quota=7e6 (repeatable; validated like the file)
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    pub set: Vec<String>,
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
    /// Scenario file to write (default: output/<history-name>/fit/fitted.toml);
    /// its units CSV (<stem>-units.csv) and fit.json go beside it
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Print fit.json to stdout instead of the report
    #[arg(long)]
    pub json: bool,
    /// No "Wrote ..." status lines
    #[arg(long, short)]
    pub quiet: bool,
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
    /// Number of trials of the forecast
    #[arg(long, default_value_t = 2000, value_parser = trials)]
    pub trials: u64,
    /// Random seed
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores); results do not depend on it
    #[arg(long, value_parser = threads)]
    pub threads: Option<usize>,
    /// Result folder (default: output/<history-name>/backtest/)
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Print backtest.json to stdout instead of the calibration table
    #[arg(long)]
    pub json: bool,
    /// No "Wrote ..." status lines
    #[arg(long, short)]
    pub quiet: bool,
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
    /// Scenario file to write; the units CSV goes beside it as <stem>-units.csv
    #[arg(long)]
    pub out: PathBuf,
    /// Also write <stem>-history.csv: YEARS years of transactions before the
    /// scenario's horizon, simulated from it (deals, seasonality, market
    /// shocks, account losses, returns), for trying `fit`
    #[arg(long, value_name = "YEARS", value_parser = clap::builder::RangedU64ValueParser::<u32>::new().range(1..=20))]
    pub history: Option<u32>,
    /// Do not write the adjacency (<stem>-edges.csv, a Delaunay triangulation of the unit locations)
    #[arg(long)]
    pub no_edges: bool,
    /// No "Wrote ..." status line
    #[arg(long, short)]
    pub quiet: bool,
}

/// A trial count: a whole number, also as `20_000` or `1e5`, from 1 to
/// the most a run accepts (bigger asks belong to `--precision`).
pub(crate) fn trials(s: &str) -> Result<u64, String> {
    use quotaplan::engine::{MAX_RUN_TRIALS, PRECISION_HINT};
    let t = s.trim().replace('_', "");
    let n = match t.parse::<u64>() {
        Ok(n) => n as f64,
        Err(_) => t
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite() && x.fract() == 0.0)
            .ok_or_else(|| format!("`{s}` is not a whole number of trials, e.g. 20000 or 2e4"))?,
    };
    if n < 1.0 {
        return Err(format!("`{s}` trials: give at least 1"));
    }
    if n > MAX_RUN_TRIALS as f64 {
        return Err(format!(
            "`{s}` trials is more than the {} a run accepts; {PRECISION_HINT}",
            MAX_RUN_TRIALS
        ));
    }
    Ok(n as u64)
}

pub(crate) fn threads(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(n) if (1..=1024).contains(&n) => Ok(n),
        _ => Err(format!("`{s}` is not a thread count; allowed: 1 to 1024")),
    }
}

#[derive(Args, Debug)]
pub struct SweepArgs {
    /// Scenario file; the embedded demo when omitted
    pub scenario: Option<PathBuf>,
    /// A key and its values: key.path=v1,v2,... (repeat for a grid)
    #[arg(long, value_name = "KEY.PATH=V1,V2,...")]
    pub vary: Vec<String>,
    /// Fixed overrides applied to every run
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    pub set: Vec<String>,
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
    /// When a side is a scenario, how it is simulated; --out DIR keeps the
    /// summary.json of each side simulated
    #[command(flatten)]
    pub run: RunArgs,
}

/// How the significance of many deltas is adjusted.
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default)]
pub enum AdjustArg {
    /// Each metric at 5 % on its own
    None,
    /// Holm's step-down: at most 5 % chance of any false flag
    #[default]
    Holm,
    /// Bonferroni: each p-value times the number of metrics tested
    Bonferroni,
}

impl From<AdjustArg> for quotaplan::compare::Adjust {
    fn from(a: AdjustArg) -> Self {
        match a {
            AdjustArg::None => quotaplan::compare::Adjust::None,
            AdjustArg::Holm => quotaplan::compare::Adjust::Holm,
            AdjustArg::Bonferroni => quotaplan::compare::Adjust::Bonferroni,
        }
    }
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
    /// Override a scenario key, e.g. --set risks.macro.impact.normal.sd=0.1
    /// (repeatable; validated like the file)
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    pub set: Vec<String>,
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
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Part files written with --shard or --task (or folders holding them:
    /// every *.qpart inside)
    #[arg(required = true, value_name = "PARTS")]
    pub parts: Vec<PathBuf>,
    /// Result folder (default: the command's own, e.g.
    /// output/<scenario-name>/)
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Worker threads for what the merge simulates itself (mitigate's sets)
    #[arg(long, value_parser = threads)]
    pub threads: Option<usize>,
    /// Print the merged result as JSON to stdout instead of the table, as
    /// the command of the parts does with --json
    #[arg(long)]
    pub json: bool,
    /// Also write results.xlsx: one workbook, a sheet per table (as the merged command writes it),
    /// with number formats (money, percentages), a frozen header row and
    /// a filter
    #[arg(long)]
    pub xlsx: bool,
    /// No "Wrote ..." status lines
    #[arg(long, short)]
    pub quiet: bool,
    /// Start CSV outputs with a UTF-8 byte-order mark (as simulate --bom)
    #[arg(long)]
    pub bom: bool,
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
    /// Folder for the scripts, the parts (parts/), the logs (logs/) and the
    /// merged result (result/) (default: output/<scenario-name>/slurm/)
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Number of trials (default: the scenario's `trials`, else 10,000)
    #[arg(long, value_parser = trials)]
    pub trials: Option<u64>,
    /// Random seed (default: the scenario's `seed`, else 0)
    #[arg(long)]
    pub seed: Option<u64>,
    /// How risk drivers are sampled
    #[arg(long, value_enum, default_value_t = SamplerArg::Mc)]
    pub sampler: SamplerArg,
    /// Skip the risk analytics
    #[arg(long)]
    pub no_analytics: bool,
    /// Draw every deal instead of sampling deal months from quantile
    /// tables (as simulate --exact-deals)
    #[arg(long)]
    pub exact_deals: bool,
    /// Start the merged CSV outputs with a UTF-8 byte-order mark (as
    /// simulate --bom)
    #[arg(long)]
    pub bom: bool,
    /// Override a scenario key (repeatable), passed to every task
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    pub set: Vec<String>,
    /// No "Wrote ..." status line
    #[arg(long, short)]
    pub quiet: bool,
}

/// Slurm's time formats: MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS.
pub(crate) fn slurm_time(s: &str) -> Result<String, String> {
    let t = s.trim();
    let bad = || {
        format!(
            "`{s}` is not a Slurm time limit: give MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS (e.g. 30, 1:30:00, 2-00:00:00)"
        )
    };
    let num = |x: &str| -> Result<u64, String> {
        if x.is_empty() || x.len() > 6 || !x.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        x.parse().map_err(|_| bad())
    };
    let (days, rest) = match t.split_once('-') {
        Some((d, r)) => (Some(num(d)?), r),
        None => (None, t),
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let nums = parts
        .iter()
        .map(|p| num(p))
        .collect::<Result<Vec<_>, _>>()?;
    let sixty = |x: u64| if x < 60 { Ok(()) } else { Err(bad()) };
    match (days, nums.as_slice()) {
        (None, [_]) => {}
        (None, [_, ss]) => sixty(*ss)?,
        (None, [_, mm, ss]) | (Some(_), [_, mm, ss]) => {
            sixty(*mm)?;
            sixty(*ss)?;
        }
        (Some(_), [_]) => {}
        (Some(_), [_, mm]) => sixty(*mm)?,
        _ => return Err(bad()),
    }
    if nums.iter().all(|&x| x == 0) && days.unwrap_or(0) == 0 {
        return Err(format!(
            "`{s}`: a time limit of zero; give at least a minute, e.g. 10"
        ));
    }
    Ok(t.to_string())
}

/// Slurm's memory: a positive whole number, optional K/M/G/T suffix.
pub(crate) fn slurm_mem(s: &str) -> Result<String, String> {
    let t = s.trim();
    let digits = t.trim_end_matches(['K', 'M', 'G', 'T', 'k', 'm', 'g', 't']);
    let suffix = &t[digits.len()..];
    let ok = !digits.is_empty()
        && suffix.len() <= 1
        && digits.bytes().all(|b| b.is_ascii_digit())
        && digits.parse::<u64>().is_ok_and(|n| n > 0);
    if !ok {
        return Err(format!(
            "`{s}` is not a Slurm memory size: give a positive whole number with an optional K, M, G or T suffix (no suffix: MB), e.g. 4G or 500M"
        ));
    }
    Ok(t.to_uppercase())
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
    /// When simulating a scenario, how; --out is the HTML file to write
    /// (FILE.html) or its folder (default: report.html in the result
    /// folder, or in output/<scenario-name>/ for a scenario)
    #[command(flatten)]
    pub run: RunArgs,
    /// When simulating a scenario: override a scenario key (repeatable),
    /// e.g. --set reps.R03.quota=7e6
    #[arg(long = "set", value_name = "KEY.PATH=VALUE")]
    pub set: Vec<String>,
}

/// Which chart files to write beside the HTML report.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartFiles {
    /// SVG and PNG
    All,
    /// SVG only
    Svg,
    /// PNG only
    Png,
    /// Only the HTML report
    None,
}

fn png_scale(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.5..=4.0).contains(&x) => Ok(x),
        _ => Err(format!("`{s}` is not a PNG scale; allowed: 0.5 to 4")),
    }
}

#[derive(Args, Debug)]
pub struct InitArgs {
    /// Folder to write scenario.toml and units.csv into (created if needed)
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Overwrite scenario.toml and units.csv if they exist
    #[arg(long)]
    pub force: bool,
    /// No "Wrote ..." status line
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory;

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
        let cmd = Cli::command();
        let mut missing = Vec::new();
        walk(&cmd, "", &mut missing);
        assert!(
            missing.is_empty(),
            "arguments without help text:\n  {}",
            missing.join("\n  ")
        );
    }
}
