//! Part files: one task's share of a run split across processes or
//! machines (a shard of `simulate`'s chunks, a share of `sweep`'s grid
//! points or of `mitigate`'s evaluations), versioned and checksummed, and
//! merged into exactly the outputs of a single process.
//!
//! Layout (every integer little-endian):
//!
//! ```text
//! "quotaplan-part\n"          15 bytes, the magic
//! u32  format version         FORMAT_VERSION
//! u64  header length, header  JSON (Header): what run this is a part of
//! u64  body length, body      binary: the mergeable state (Body)
//! [u8; 32]                    SHA-256 of everything before it
//! ```
//!
//! Floats are stored as their bits, so a merge adds exactly the numbers a
//! single process adds. The header is JSON so that `head -c 2000 FILE`
//! shows what a part is.

mod codec;
mod cover;

pub use cover::{MergeProblem, coverage, held, mismatches};

use crate::engine::shard::ShardState;
use crate::model::{Model, Pin, QuotaMethod, QuotaSolution};
use crate::stats::{HistogramRaw, Moments};
use crate::whatif::{Evaluated, Outcome, SweepRun};
use codec::{Reader, Short, Writer};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The first bytes of every part file.
pub const MAGIC: &[u8; 15] = b"quotaplan-part\n";
/// The layout of the file and of its body; a reader refuses another.
pub const FORMAT_VERSION: u32 = 1;
/// The file name extension of part files.
pub const EXTENSION: &str = "qpart";

/// What run a part belongs to. Parts merge only when everything but
/// `task` and `range` is the same. Nothing here depends on the machine,
/// the thread count or the time: a task run again writes the same bytes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub format: String,
    pub format_version: u32,
    /// The quotaplan that wrote it: results are promised identical only
    /// within one version.
    pub quotaplan_version: String,
    /// `simulate`, `sweep` or `mitigate`.
    pub command: String,
    /// The scenario's name.
    pub scenario: String,
    /// SHA-256 of the validated scenario (see [`scenario_hash`]).
    pub scenario_hash: String,
    pub seed: u64,
    pub trials: u64,
    pub chunk_size: u64,
    /// This part is task `task` of `tasks` (1-based).
    pub task: u64,
    pub tasks: u64,
    /// What is shared out: `chunks`, `grid points` or `evaluations`.
    pub unit: String,
    /// The share this part holds: `[first, end)` of `total`.
    pub range: [u64; 2],
    pub total: u64,
    /// Options that change results (sampler, analytics, quota method, ...).
    pub options: BTreeMap<String, String>,
    /// How the run was asked for (the command line's inputs), so that the
    /// merge can read the same scenario again.
    pub inputs: serde_json::Value,
}

impl Header {
    /// The fields two parts of one run share, as (name, value) pairs in a
    /// fixed order, for naming the first that differs.
    pub fn identity(&self) -> Vec<(&'static str, String)> {
        vec![
            ("format version", self.format_version.to_string()),
            ("quotaplan version", self.quotaplan_version.clone()),
            ("command", self.command.clone()),
            ("scenario hash", self.scenario_hash.clone()),
            ("seed", self.seed.to_string()),
            ("trials", self.trials.to_string()),
            ("chunk size", self.chunk_size.to_string()),
            (
                "options",
                serde_json::to_string(&self.options).expect("plain map"),
            ),
            (
                "inputs",
                serde_json::to_string(&self.inputs).expect("plain value"),
            ),
            ("shared-out total", format!("{} {}", self.total, self.unit)),
        ]
    }
}

/// The mergeable state of a part.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// A shard of `simulate`: the quotas it ran with (decided once per
    /// shard: an equal-probability calibration is deterministic, so every
    /// shard decides the same) and its chunks' state.
    Simulate {
        quotas: QuotaSolution,
        state: ShardState,
    },
    /// A share of `sweep`'s grid: each point's scenario name and run.
    Sweep {
        names: Vec<String>,
        runs: Vec<SweepRun>,
    },
    /// A share of `mitigate`'s evaluations.
    Mitigate { evaluated: Vec<Evaluated> },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    pub header: Header,
    pub body: Body,
}

/// Why bytes are not a readable part.
#[derive(Debug, thiserror::Error)]
pub enum PartError {
    #[error("not a quotaplan part file (it does not start with `quotaplan-part`)")]
    NotAPart,
    #[error(
        "part file format {found}, this quotaplan reads format {FORMAT_VERSION}: re-run the task with this version"
    )]
    FormatVersion { found: u32 },
    #[error("the file is cut short or damaged (its checksum does not match): re-run the task")]
    Damaged,
    #[error("its header cannot be read: {0}")]
    Header(#[source] serde_json::Error),
    #[error("its {0} state cannot be read: the file is damaged or of another format")]
    Body(&'static str),
}

/// Streams `Debug` text into a hash without building the string.
struct HashWriter(Sha256);

impl std::fmt::Write for HashWriter {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.update(s.as_bytes());
        Ok(())
    }
}

/// SHA-256 (hex) of the validated scenario: every value that can change a
/// result (units, reps, risks, correlation, quotas policy, comp plan,
/// actuals), through its exact `Debug` form (floats print their shortest
/// exact digits), so the same scenario hashes the same on every machine.
pub fn scenario_hash(model: &Model) -> String {
    use std::fmt::Write;
    let mut h = HashWriter(Sha256::new());
    write!(h, "{model:?}").expect("hashing cannot fail");
    hex(&h.0.finalize())
}

/// SHA-256 (hex) of a scenario document's files as read (name and text
/// of each), for the what-ifs that apply their changes to the document.
pub fn document_hash(doc: &crate::scenario::Document) -> String {
    let mut h = Sha256::new();
    for f in &doc.sources().files {
        for s in [&f.name, &f.text] {
            h.update((s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        }
    }
    hex(&h.finalize())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of a part file.
pub fn encode(part: &Part) -> Vec<u8> {
    let header = serde_json::to_vec_pretty(&part.header).expect("plain data");
    let mut w = Writer::default();
    w.bytes.extend_from_slice(MAGIC);
    w.u32(FORMAT_VERSION);
    w.len(header.len());
    w.bytes.extend_from_slice(&header);
    let mut b = Writer::default();
    body(&mut b, &part.body);
    w.len(b.bytes.len());
    w.bytes.extend_from_slice(&b.bytes);
    let sum = Sha256::digest(&w.bytes);
    w.bytes.extend_from_slice(&sum);
    w.bytes
}

/// The header and the body's bytes, after checking magic, format and
/// checksum.
fn split(bytes: &[u8]) -> Result<(Header, &[u8]), PartError> {
    if !bytes.starts_with(MAGIC) {
        return Err(PartError::NotAPart);
    }
    let mut r = Reader::new(&bytes[MAGIC.len()..]);
    let found = r.u32().map_err(|_| PartError::Damaged)?;
    if found != FORMAT_VERSION {
        return Err(PartError::FormatVersion { found });
    }
    if bytes.len() < MAGIC.len() + 4 + 32 {
        return Err(PartError::Damaged);
    }
    let (content, sum) = bytes.split_at(bytes.len() - 32);
    if Sha256::digest(content).as_slice() != sum {
        return Err(PartError::Damaged);
    }
    let mut r = Reader::new(&content[MAGIC.len() + 4..]);
    let hlen = r.len(1).map_err(|_| PartError::Damaged)?;
    let start = MAGIC.len() + 4 + 8;
    let header: Header =
        serde_json::from_slice(&content[start..start + hlen]).map_err(PartError::Header)?;
    let mut r = Reader::new(&content[start + hlen..]);
    let blen = r.len(1).map_err(|_| PartError::Damaged)?;
    let body_start = start + hlen + 8;
    if body_start + blen != content.len() {
        return Err(PartError::Damaged);
    }
    Ok((header, &content[body_start..]))
}

/// Reads only the header (checking the whole file's checksum).
pub fn decode_header(bytes: &[u8]) -> Result<Header, PartError> {
    split(bytes).map(|(h, _)| h)
}

/// Reads a part file.
pub fn decode(bytes: &[u8]) -> Result<Part, PartError> {
    let (header, b) = split(bytes)?;
    let what = match header.command.as_str() {
        "simulate" => "shard",
        "sweep" => "grid",
        _ => "evaluations",
    };
    let mut r = Reader::new(b);
    let body = read_body(&mut r)
        .ok()
        .filter(|_| r.done())
        .ok_or(PartError::Body(what))?;
    Ok(Part { header, body })
}

const SIMULATE: u8 = 1;
const SWEEP: u8 = 2;
const MITIGATE: u8 = 3;

fn body(w: &mut Writer, b: &Body) {
    match b {
        Body::Simulate { quotas, state } => {
            w.u8(SIMULATE);
            quota_solution(w, quotas);
            shard_state(w, state);
        }
        Body::Sweep { names, runs } => {
            w.u8(SWEEP);
            w.len(runs.len());
            for (name, run) in names.iter().zip(runs) {
                w.str(name);
                sweep_run(w, run);
            }
        }
        Body::Mitigate { evaluated } => {
            w.u8(MITIGATE);
            w.len(evaluated.len());
            for e in evaluated {
                let Outcome {
                    dp,
                    dp_se,
                    dsales,
                    dpayout,
                } = e.outcome;
                for x in [dp, dp_se, dsales, dpayout] {
                    w.f64(x);
                }
                w.u64s(&e.bits);
            }
        }
    }
}

fn read_body(r: &mut Reader<'_>) -> Result<Body, Short> {
    match r.u8()? {
        SIMULATE => Ok(Body::Simulate {
            quotas: read_quota_solution(r)?,
            state: read_shard_state(r)?,
        }),
        SWEEP => {
            let n = r.len(8)?;
            let mut names = Vec::with_capacity(n);
            let mut runs = Vec::with_capacity(n);
            for _ in 0..n {
                names.push(r.str()?);
                runs.push(read_sweep_run(r)?);
            }
            Ok(Body::Sweep { names, runs })
        }
        MITIGATE => {
            let n = r.len(32)?;
            let evaluated = (0..n)
                .map(|_| {
                    Ok(Evaluated {
                        outcome: Outcome {
                            dp: r.f64()?,
                            dp_se: r.f64()?,
                            dsales: r.f64()?,
                            dpayout: r.f64()?,
                        },
                        bits: r.u64s()?,
                    })
                })
                .collect::<Result<_, Short>>()?;
            Ok(Body::Mitigate { evaluated })
        }
        _ => Err(Short),
    }
}

fn quota_solution(w: &mut Writer, q: &QuotaSolution) {
    w.u8(match q.method {
        QuotaMethod::Given => 0,
        QuotaMethod::Proportional => 1,
        QuotaMethod::EqualProbability => 2,
    });
    w.f64s(&q.quotas);
    w.opt_f64(q.pool);
    w.opt_f64(q.p_star);
    w.len(q.pinned.len());
    for &(r, pin) in &q.pinned {
        w.len(r);
        w.u8(match pin {
            Pin::Override => 0,
            Pin::Floor => 1,
            Pin::Cap => 2,
        });
    }
}

fn read_quota_solution(r: &mut Reader<'_>) -> Result<QuotaSolution, Short> {
    let method = match r.u8()? {
        0 => QuotaMethod::Given,
        1 => QuotaMethod::Proportional,
        2 => QuotaMethod::EqualProbability,
        _ => return Err(Short),
    };
    let quotas = r.f64s()?;
    let pool = r.opt_f64()?;
    let p_star = r.opt_f64()?;
    let n = r.len(9)?;
    let pinned = (0..n)
        .map(|_| {
            let rep = usize::try_from(r.u64()?).map_err(|_| Short)?;
            let pin = match r.u8()? {
                0 => Pin::Override,
                1 => Pin::Floor,
                2 => Pin::Cap,
                _ => return Err(Short),
            };
            Ok((rep, pin))
        })
        .collect::<Result<_, Short>>()?;
    Ok(QuotaSolution {
        method,
        quotas,
        pool,
        p_star,
        pinned,
    })
}

fn shard_state(w: &mut Writer, s: &ShardState) {
    w.u64(s.chunks.start);
    w.u64(s.chunks.end);
    w.len(s.chunk_moments.len());
    for chunk in &s.chunk_moments {
        w.len(chunk.len());
        for m in chunk {
            let (n, v) = m.to_raw();
            w.u64(n);
            for x in v {
                w.f64(x);
            }
        }
    }
    w.u64s(&s.counts);
    w.len(s.histograms.len());
    for h in &s.histograms {
        w.u32s(&h.counts);
        w.u64(h.overflow);
        for x in [h.max_scaled, h.min, h.max] {
            w.f64(x);
        }
        w.u64(h.at_min);
        w.u64(h.at_max);
    }
    w.len(s.series.len());
    for v in &s.series {
        w.f64s(v);
    }
    w.len(s.inputs.len());
    for v in &s.inputs {
        w.f32s(v);
    }
}

fn read_shard_state(r: &mut Reader<'_>) -> Result<ShardState, Short> {
    let chunks = r.u64()?..r.u64()?;
    let n = r.len(8)?;
    let chunk_moments = (0..n)
        .map(|_| {
            let k = r.len(48)?;
            (0..k)
                .map(|_| {
                    let n = r.u64()?;
                    let v = [r.f64()?, r.f64()?, r.f64()?, r.f64()?, r.f64()?];
                    Ok(Moments::from_raw(n, v))
                })
                .collect()
        })
        .collect::<Result<_, Short>>()?;
    let counts = r.u64s()?;
    let n = r.len(48)?;
    let histograms = (0..n)
        .map(|_| {
            Ok(HistogramRaw {
                counts: r.u32s()?,
                overflow: r.u64()?,
                max_scaled: r.f64()?,
                min: r.f64()?,
                max: r.f64()?,
                at_min: r.u64()?,
                at_max: r.u64()?,
            })
        })
        .collect::<Result<_, Short>>()?;
    let n = r.len(8)?;
    let series = (0..n).map(|_| r.f64s()).collect::<Result<_, Short>>()?;
    let n = r.len(8)?;
    let inputs = (0..n).map(|_| r.f32s()).collect::<Result<_, Short>>()?;
    Ok(ShardState {
        chunks,
        chunk_moments,
        counts,
        histograms,
        series,
        inputs,
    })
}

/// A sweep point's figures, every field by name (a new field in the
/// summary's team figures stops this from compiling until it is stored).
fn sweep_run(w: &mut Writer, run: &SweepRun) {
    use crate::analysis::{Band, Count, Shortfall, Team};
    let SweepRun {
        values,
        trials,
        team,
        payout_mean,
    } = run;
    w.len(values.len());
    for v in values {
        w.str(v);
    }
    w.u64(*trials);
    let Team {
        target,
        sales,
        attainment,
        p_hit_target,
        p_hit_target_se,
        p_hit_target_ci95,
        reps_at_quota,
        shortfall,
    } = team;
    w.f64(*target);
    for b in [sales, attainment] {
        let Band {
            mean,
            mean_se,
            mean_ci95,
            sd,
            p5,
            p10,
            p25,
            p50,
            p75,
            p90,
            p95,
        } = b;
        for x in [
            mean,
            mean_se,
            &mean_ci95[0],
            &mean_ci95[1],
            sd,
            p5,
            p10,
            p25,
            p50,
            p75,
            p90,
            p95,
        ] {
            w.f64(*x);
        }
    }
    for x in [
        p_hit_target,
        p_hit_target_se,
        &p_hit_target_ci95[0],
        &p_hit_target_ci95[1],
    ] {
        w.f64(*x);
    }
    let Count {
        mean,
        p10,
        p50,
        p90,
    } = reps_at_quota;
    for x in [mean, p10, p50, p90] {
        w.f64(*x);
    }
    let Shortfall { var95, cvar95 } = shortfall;
    w.f64(*var95);
    w.f64(*cvar95);
    w.opt_f64(*payout_mean);
}

fn read_sweep_run(r: &mut Reader<'_>) -> Result<SweepRun, Short> {
    use crate::analysis::{Band, Count, Shortfall, Team};
    let n = r.len(8)?;
    let values = (0..n).map(|_| r.str()).collect::<Result<_, Short>>()?;
    let trials = r.u64()?;
    let target = r.f64()?;
    let mut band = || -> Result<Band, Short> {
        Ok(Band {
            mean: r.f64()?,
            mean_se: r.f64()?,
            mean_ci95: [r.f64()?, r.f64()?],
            sd: r.f64()?,
            p5: r.f64()?,
            p10: r.f64()?,
            p25: r.f64()?,
            p50: r.f64()?,
            p75: r.f64()?,
            p90: r.f64()?,
            p95: r.f64()?,
        })
    };
    let sales = band()?;
    let attainment = band()?;
    let team = Team {
        target,
        sales,
        attainment,
        p_hit_target: r.f64()?,
        p_hit_target_se: r.f64()?,
        p_hit_target_ci95: [r.f64()?, r.f64()?],
        reps_at_quota: Count {
            mean: r.f64()?,
            p10: r.f64()?,
            p50: r.f64()?,
            p90: r.f64()?,
        },
        shortfall: Shortfall {
            var95: r.f64()?,
            cvar95: r.f64()?,
        },
    };
    Ok(SweepRun {
        values,
        trials,
        team,
        payout_mean: r.opt_f64()?,
    })
}
