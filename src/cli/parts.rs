//! Part files on disk: written atomically by a task (`simulate --shard`,
//! `sweep --task`, `mitigate --task`), read and checked by `merge`. The
//! format is the library's ([`quotaplan::part`]); here are the file names,
//! how a run was asked for (so the merge reads the same scenario again),
//! and the checks that name the offending files.

use super::args::Share;
use super::fail::Fail;
use super::files::{absolute, read_input, slug};
use super::flags::FLAGS;
use super::output::Output;
use quotaplan::part::{self, Body, Header, MergeProblem, Part};
use quotaplan::report;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// How a run was asked for: the command line's inputs that decide the
/// results. Relative paths are the working folder's (`cwd`), where the
/// merge reads them again.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Inputs {
    pub cwd: PathBuf,
    /// The scenario as named on the command line (`None`: the demo).
    pub scenario: Option<PathBuf>,
    pub set: Vec<String>,
    pub trials: Option<u64>,
    pub seed: Option<u64>,
    /// `mc` or `lhs`.
    pub sampler: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_analytics: bool,
    /// --exact-deals.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub exact_deals: bool,
    /// simulate --actuals and what reads them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actuals: Option<Actuals>,
    /// sweep --vary.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vary: Vec<String>,
    /// mitigate's request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigate: Option<MitigateInputs>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Actuals {
    pub path: PathBuf,
    pub as_of: String,
    pub columns: Option<String>,
    pub date_format: Option<String>,
    pub roster: Option<PathBuf>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MitigateInputs {
    pub goal: f64,
    pub budget: Option<f64>,
    pub bench_cost: Option<f64>,
    pub programme_cost: Option<f64>,
    pub rebalance_seeds: usize,
}

impl Inputs {
    /// The run's inputs from the run options group.
    pub fn new(scenario: Option<&Path>, set: &[String], run: &super::args::RunArgs) -> Inputs {
        Inputs {
            cwd: absolute(Path::new(".")),
            scenario: scenario.map(Path::to_path_buf),
            set: set.to_vec(),
            trials: run.trials,
            seed: run.seed,
            sampler: match run.sampler {
                super::args::SamplerArg::Mc => "mc",
                super::args::SamplerArg::Lhs => "lhs",
            }
            .into(),
            exact_deals: run.exact_deals,
            no_analytics: run.no_analytics,
            ..Inputs::default()
        }
    }

    /// The run options group that asks for the same run.
    pub fn run_args(&self) -> super::args::RunArgs {
        super::args::RunArgs {
            trials: self.trials,
            seed: self.seed,
            sampler: if self.sampler == "lhs" {
                super::args::SamplerArg::Lhs
            } else {
                super::args::SamplerArg::Mc
            },
            exact_deals: self.exact_deals,
            no_analytics: self.no_analytics,
            ..Default::default()
        }
    }
}

/// What every part header shares, before the task's own fields.
pub struct Run<'a> {
    pub command: &'a str,
    pub scenario: &'a str,
    pub scenario_hash: String,
    pub seed: u64,
    pub trials: u64,
    pub unit: &'a str,
    pub total: u64,
    pub options: BTreeMap<String, String>,
    pub inputs: &'a Inputs,
}

/// The folder parts go into: `--out`, else output/<scenario>/parts/.
pub fn dir(out: Option<&Path>, scenario: &str) -> PathBuf {
    out.map_or_else(
        || PathBuf::from("output").join(slug(scenario)).join("parts"),
        Path::to_path_buf,
    )
}

/// Refuses a share of more tasks than there are items to share out.
pub fn check_share(share: Share, total: u64, unit: &str, hint: &str) -> Result<(), Fail> {
    if share.of > total {
        return Err(Fail::Usage(format!(
            "{} tasks for {total} {unit}: every task needs at least one; use at most {total} tasks{hint}",
            share.of
        )));
    }
    Ok(())
}

/// Writes task `share`'s part into `dir`, atomically (a temporary file,
/// synced, renamed into place): a task killed mid-write leaves no part.
pub fn write(
    output: &Output,
    dir: &Path,
    share: Share,
    run: Run<'_>,
    range: std::ops::Range<u64>,
    body: Body,
) -> Result<PathBuf, Fail> {
    let header = Header {
        format: "quotaplan-part".into(),
        format_version: part::FORMAT_VERSION,
        quotaplan_version: env!("CARGO_PKG_VERSION").into(),
        command: run.command.into(),
        scenario: run.scenario.into(),
        scenario_hash: run.scenario_hash,
        seed: run.seed,
        trials: run.trials,
        chunk_size: quotaplan::engine::CHUNK_SIZE,
        task: share.task,
        tasks: share.of,
        unit: run.unit.into(),
        range: [range.start, range.end],
        total: run.total,
        options: run.options,
        inputs: serde_json::to_value(run.inputs).expect("plain data"),
    };
    let path = dir.join(share.file_name());
    let output = Output {
        bom: false,
        ..*output
    };
    output.write_file(&path, &part::encode(&Part { header, body }))?;
    Ok(path)
}

/// The part files named: files as given, folders by their `*.qpart`
/// files (sorted by name).
fn files(named: &[PathBuf]) -> Result<Vec<PathBuf>, Fail> {
    let mut out = Vec::new();
    for p in named {
        if p.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|source| Fail::Read {
                    path: p.clone(),
                    source,
                })?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == part::EXTENSION) && f.is_file())
                .collect();
            if inside.is_empty() {
                return Err(Fail::Unreadable(format!(
                    "`{}` holds no part files (*.{})",
                    p.display(),
                    part::EXTENSION
                )));
            }
            inside.sort();
            out.extend(inside);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// A part file read from disk.
pub struct Read {
    pub path: PathBuf,
    pub part: Part,
}

/// Reads every part named and checks that they are of one run and cover
/// it once; every problem is named with its file, in one message.
pub fn read_all(named: &[PathBuf]) -> Result<Vec<Read>, Fail> {
    let paths = files(named)?;
    let mut problems = Vec::new();
    let mut read = Vec::new();
    for path in paths {
        let bytes = match read_input(&path) {
            Ok(b) => b,
            Err(source) => {
                problems.push(format!("cannot read `{}`: {source}", path.display()));
                continue;
            }
        };
        match part::decode(&bytes) {
            Ok(part) => read.push(Read { path, part }),
            Err(e) => problems.push(format!("`{}`: {e}", path.display())),
        }
    }
    let headers: Vec<&Header> = read.iter().map(|r| &r.part.header).collect();
    let paths: Vec<&Path> = read.iter().map(|r| r.path.as_path()).collect();
    let named = |found: Vec<MergeProblem>| -> Vec<String> {
        found
            .iter()
            .map(|p| report::parts::merge_problem(p, &paths, &headers, FLAGS))
            .collect()
    };
    problems.extend(named(part::mismatches(&headers, env!("CARGO_PKG_VERSION"))));
    if problems.is_empty() {
        problems.extend(named(part::coverage(&headers)));
    }
    if !problems.is_empty() {
        return Err(Fail::Unreadable(format!(
            "cannot merge these parts:\n  - {}",
            problems.join("\n  - ")
        )));
    }
    read.sort_by_key(|r| (r.part.header.range[0], r.part.header.range[1]));
    Ok(read)
}

/// Checks the scenario read again for the merge against the parts' hash.
pub fn check_hash(parts: &[Read], now: &str) -> Result<(), Fail> {
    let h = &parts[0].part.header;
    if h.scenario_hash != now {
        return Err(Fail::Unreadable(format!(
            "the scenario changed since the parts were made: `{}` hashes to {} now, the parts were made from {}; re-run the tasks",
            h.inputs
                .get("scenario")
                .and_then(|v| v.as_str())
                .unwrap_or("the embedded demo"),
            &now[..16],
            &h.scenario_hash[..16.min(h.scenario_hash.len())]
        )));
    }
    Ok(())
}
