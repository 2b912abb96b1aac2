//! A share of a run's chunks, for one task of a job array, and the exact merge
//! of the shares. The chunk layout never depends on who runs a chunk
//! (docs/src/reliability.md, Reproducibility), so a shard runs chunks `a..b`
//! exactly as a single process would. What it keeps is mergeable without loss:
//!
//! - counts and histograms add up exactly in any order: one sum per shard;
//! - per-trial series (team sales, payouts, risk inputs) are concatenated
//!   in chunk order;
//! - the floating-point sums (moments) depend on the order of addition, so
//!   each chunk's are kept and the merge adds them chunk by chunk, in the
//!   same order as [`super::run`]: the sums come out bit for bit the same.
//!
//! A shard's part grows with its chunks × (reps × (2 + 2 × quarters) + roll-ups +
//! quarters + risks) moments of 48 bytes, plus 8 bytes per trial per
//! series.

use super::driver::{Setup, drive, in_pool};
use super::{EngineError, SimResult};
use crate::engine::{CHUNK_SIZE, SimOptions};
use crate::model::Model;
use crate::stats::{HistogramRaw, Moments};
use std::ops::Range;

/// What one shard computed: its chunks' mergeable state.
#[derive(Clone, Debug, PartialEq)]
pub struct ShardState {
    /// The chunks run (chunk `c` holds trials `c × CHUNK_SIZE ..`).
    pub chunks: Range<u64>,
    /// Per chunk, in chunk order, every moment accumulator of the chunk,
    /// in the engine's fixed order.
    pub chunk_moments: Vec<Vec<Moments>>,
    /// Integer counts summed over the shard's chunks.
    pub counts: Vec<u64>,
    /// Histograms summed over the shard's chunks.
    pub histograms: Vec<HistogramRaw>,
    /// Per-trial series of the shard's trials, in trial order.
    pub series: Vec<Vec<f64>>,
    /// Each risk's realised input per trial (with analytics).
    pub inputs: Vec<Vec<f32>>,
}

/// Chunks of a run of `trials` trials.
pub fn chunk_count(trials: u64) -> u64 {
    trials.div_ceil(CHUNK_SIZE)
}

/// The share of task `i` of `n` (1-based) in `total` items (chunks, grid
/// points, evaluations): a contiguous block, the blocks' sizes differing
/// by at most one.
pub fn block(total: u64, i: u64, n: u64) -> Range<u64> {
    let at = |k: u64| (u128::from(k) * u128::from(total) / u128::from(n.max(1))) as u64;
    at(i - 1)..at(i)
}

/// Runs the chunks `range` of the run `opts` asks for (with the quotas
/// already decided). `progress` is told the shard's trials finished.
pub fn run_shard(
    model: &Model,
    quotas: &[f64],
    opts: &SimOptions,
    range: Range<u64>,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<ShardState, EngineError> {
    if opts.precision.is_some() {
        return Err(EngineError::PrecisionInShard);
    }
    let s = Setup::new(model, quotas, opts)?;
    let chunks = s.chunks();
    if range.start > range.end || range.end > chunks {
        return Err(EngineError::ChunksOutside {
            start: range.start,
            end: range.end,
            chunks,
        });
    }
    let trials: u64 = range.clone().map(|c| s.trials_in(c)).sum();
    in_pool(opts, || {
        let mut acc = s.partial(trials);
        let mut chunk_moments = Vec::with_capacity((range.end - range.start) as usize);
        let mut hists = drive(
            model,
            &s,
            opts,
            range.clone(),
            false,
            progress,
            |_, mut p| {
                chunk_moments.push(
                    p.moments_mut()
                        .iter()
                        .flat_map(|v| v.iter().copied())
                        .collect(),
                );
                acc.merge(p);
                true
            },
        );
        ShardState {
            chunks: range.clone(),
            chunk_moments,
            counts: acc
                .counts_mut()
                .iter()
                .flat_map(|v| v.iter().copied())
                .collect(),
            histograms: hists.all().map(|h| h.to_raw()).collect(),
            series: acc.series_mut().into_iter().map(std::mem::take).collect(),
            inputs: std::mem::take(&mut acc.inputs),
        }
    })
}

/// The result of the whole run from its shards' states, which must cover
/// its chunks once each, in chunk order: bit for bit what [`super::run`]
/// returns for the same model, quotas and options.
pub fn merge_shards(
    model: &Model,
    quotas: &[f64],
    opts: &SimOptions,
    parts: &[ShardState],
) -> Result<SimResult, EngineError> {
    if opts.precision.is_some() {
        return Err(EngineError::PrecisionInShard);
    }
    let s = Setup::new(model, quotas, opts)?;
    let chunks = s.chunks();
    let mut next = 0;
    for p in parts {
        if p.chunks.start != next || p.chunks.end < p.chunks.start {
            return Err(EngineError::PartMismatch(format!(
                "chunks {}..{} follow chunk {next}: the parts must cover chunks 0..{chunks} once each, in order",
                p.chunks.start, p.chunks.end
            )));
        }
        if p.chunk_moments.len() as u64 != p.chunks.end - p.chunks.start {
            return Err(EngineError::PartMismatch(format!(
                "chunks {}..{} hold the sums of {} chunks",
                p.chunks.start,
                p.chunks.end,
                p.chunk_moments.len()
            )));
        }
        next = p.chunks.end;
    }
    if next != chunks {
        return Err(EngineError::PartMismatch(format!(
            "the parts end at chunk {next}, the run has {chunks}"
        )));
    }
    let mut acc = s.partial(s.max_trials);
    let mut hists = s.hists();
    let mismatch = |what: &str, got: usize, want: usize| {
        EngineError::PartMismatch(format!("{got} {what} where this run has {want}"))
    };
    for p in parts {
        for sums in &p.chunk_moments {
            let mut fields = acc.moments_mut();
            let want: usize = fields.iter().map(|v| v.len()).sum();
            if sums.len() != want {
                return Err(mismatch("moment sums", sums.len(), want));
            }
            for (a, b) in fields.iter_mut().flat_map(|v| v.iter_mut()).zip(sums) {
                // The shift is the run's: another shift is another model
                // or other quotas.
                if a.to_raw().1[0].to_bits() != b.to_raw().1[0].to_bits() {
                    return Err(EngineError::PartMismatch(
                        "a moment's shift differs: another scenario or other quotas".into(),
                    ));
                }
                a.merge(b);
            }
        }
        let mut counts = acc.counts_mut();
        let want: usize = counts.iter().map(|v| v.len()).sum();
        if p.counts.len() != want {
            return Err(mismatch("counts", p.counts.len(), want));
        }
        for (a, b) in counts.iter_mut().flat_map(|v| v.iter_mut()).zip(&p.counts) {
            *a += *b;
        }
        let want = hists.all().count();
        if p.histograms.len() != want {
            return Err(mismatch("histograms", p.histograms.len(), want));
        }
        for (a, b) in hists.all().zip(&p.histograms) {
            a.merge_raw(b).ok_or_else(|| {
                EngineError::PartMismatch(format!(
                    "a histogram of {} bins differs from this run's",
                    b.counts.len()
                ))
            })?;
        }
        let mut series = acc.series_mut();
        if p.series.len() != series.len() {
            return Err(mismatch("per-trial series", p.series.len(), series.len()));
        }
        for (a, b) in series.iter_mut().zip(&p.series) {
            a.extend_from_slice(b);
        }
        if p.inputs.len() != acc.inputs.len() {
            return Err(mismatch(
                "risk input series",
                p.inputs.len(),
                acc.inputs.len(),
            ));
        }
        for (a, b) in acc.inputs.iter_mut().zip(&p.inputs) {
            a.extend_from_slice(b);
        }
    }
    if acc.team.len() as u64 != s.max_trials {
        return Err(EngineError::PartMismatch(format!(
            "the parts hold {} trials, the run has {}",
            acc.team.len(),
            s.max_trials
        )));
    }
    Ok(s.finish(model, quotas, opts, acc, hists, false))
}
