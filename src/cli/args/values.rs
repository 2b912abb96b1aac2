//! Values of options: value enums with what each choice does, and the
//! parsers that refuse a bad value with what is allowed (a share typed as
//! a percentage gets the hint to write it as a fraction).

/// When to colour (`--color`).
#[derive(clap::ValueEnum, Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ColorChoice {
    /// Only on a terminal, and never with NO_COLOR set
    #[default]
    Auto,
    /// Always, even into a file or a pipe
    Always,
    /// Never
    Never,
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
pub(crate) fn kilometres(s: &str) -> Result<f64, String> {
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
pub(crate) fn seconds(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 && x <= 604_800.0 => Ok(x),
        Ok(_) => Err(format!(
            "`{s}` is not a time limit: give a positive number of seconds, at most 604800 (a week), e.g. 120"
        )),
        Err(_) => Err(format!("`{s}` is not a number of seconds, e.g. 120")),
    }
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

pub(crate) fn png_scale(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.5..=4.0).contains(&x) => Ok(x),
        _ => Err(format!("`{s}` is not a PNG scale; allowed: 0.5 to 4")),
    }
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

pub(crate) fn precision(s: &str) -> Result<f64, String> {
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

pub(crate) fn probability(s: &str) -> Result<f64, String> {
    fraction(
        s,
        |p| p > 0.0 && p < 1.0,
        "a probability between 0 and 1",
        "0.8",
    )
}

pub(crate) fn share(s: &str) -> Result<f64, String> {
    fraction(
        s,
        |p| (0.0..=1.0).contains(&p),
        "a share between 0 and 1",
        "0.2",
    )
}

pub(crate) fn tolerance(s: &str) -> Result<f64, String> {
    fraction(
        s,
        |p| (0.0..=1.0).contains(&p),
        "a share between 0 and 1 (±)",
        "0.02",
    )
}

pub(crate) fn over_assignment(s: &str) -> Result<f64, String> {
    fraction(
        s,
        |p| p > -1.0 && p <= 1.0,
        "a share above -1 and at most 1 (0.1 = quotas add up to 110 % of target)",
        "0.1",
    )
}

/// A trial count: a whole number, also as `20_000` or `1e5`, from 1 to
/// the most a run accepts (bigger asks belong to `--precision`).
pub(crate) fn trials(s: &str) -> Result<u64, String> {
    use quotaplan::engine::{MAX_RUN_TRIALS, precision_hint};
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
            "`{s}` trials is more than the {} a run accepts; {}",
            MAX_RUN_TRIALS,
            precision_hint(crate::cli::flags::FLAGS)
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
