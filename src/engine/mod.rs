//! The Monte Carlo engine: random streams, the trial kernel and the parallel
//! driver. Chunks run in parallel; their partial results are merged in chunk
//! order, so results are bit-identical for any thread count.

mod deals;
mod kernel;
mod options;
mod plan;
pub mod shard;
pub mod streams;

pub use crate::model::{MAX_RUN_TRIALS, PRECISION_HINT};
pub use deals::{DealSampler, MAX_RATE as DEAL_TABLE_MAX_RATE};
pub use options::{
    DEFAULT_SEED, DEFAULT_TRIALS, MAX_TRIALS, OptionsError, RunRequest, Sampler, SimOptions,
};
pub use streams::{CHUNK_SIZE, GENERATOR};

use crate::model::Model;
use crate::stats::{Extremes, Histogram, Moments, Proportion, Welford};
use kernel::{Rngs, Scratch, Strata};
use plan::Plan;
use rand::RngExt;
use rayon::prelude::*;

/// Histogram of each rep's sales, on a scale of its expected sales.
const HIST_RANGE: f64 = 2.5;
const HIST_BINS: usize = 1000;
/// Per rep and quarter, on the quarter's share of expected sales.
const QUARTER_BINS: usize = 200;
/// Payouts, on a scale of each rep's largest plausible payout.
const PAY_RANGE: f64 = 1.25;
const PAY_BINS: usize = 500;
/// Chunks checked before `precision` may stop a run.
const MIN_CHUNKS: u64 = 4;
/// The most memory [`SimOptions::keep_rep_trials`] may take in one run
/// (1 GiB); above it the series are not kept and the result says why.
pub const MAX_KEPT_BYTES: u64 = 1 << 30;

/// Bytes that keeping every rep's per-trial series takes: 8 bytes per rep,
/// trial and series (sales, and payout with a comp plan).
pub fn kept_bytes(reps: usize, trials: u64, comp_plan: bool) -> u64 {
    let series = if comp_plan { 2 } else { 1 };
    (reps as u64)
        .saturating_mul(trials)
        .saturating_mul(8 * series)
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EngineError {
    #[error(transparent)]
    Options(#[from] OptionsError),
    #[error("cannot start {0} worker threads: {1}")]
    Threads(usize, String),
    #[error("{got} quotas given for {reps} reps")]
    QuotaCount { got: usize, reps: usize },
    /// `--precision` decides where to stop from every chunk before, so a
    /// run split into shards cannot use it.
    #[error(
        "--precision cannot be split into shards: where it stops depends on every chunk before; give --trials"
    )]
    PrecisionInShard,
    #[error("chunks {start}..{end} are not within the run's {chunks} chunks")]
    ChunksOutside { start: u64, end: u64, chunks: u64 },
    /// Shards' states that cannot be this run's (another scenario, other
    /// quotas or options): what differs.
    #[error("the parts are not of this run: {0}")]
    PartMismatch(String),
}

/// Per-rep, per-quarter results.
#[derive(Clone, Debug)]
pub struct RepQuarterStats {
    pub quota: f64,
    pub sales: Welford,
    pub hits: u64,
    pub hist: Histogram,
    /// Year-to-date attainment at the end of the quarter.
    pub ytd_quota: f64,
    pub ytd_attainment: Welford,
    pub ytd_hits: u64,
}

impl RepQuarterStats {
    pub fn sales_quantile(&self, p: f64) -> f64 {
        self.hist.quantile(p)
    }
}

#[derive(Clone, Debug)]
pub struct PayoutStats {
    pub payout: Welford,
    pub hist: Histogram,
}

impl PayoutStats {
    pub fn quantile(&self, p: f64) -> f64 {
        self.hist.quantile(p)
    }
}

/// Per-rep streaming results.
#[derive(Clone, Debug)]
pub struct RepStats {
    pub sales: Welford,
    /// Trials with attainment >= 1.
    pub hits: u64,
    /// Sales, binned on a scale of the rep's expected sales.
    pub hist: Histogram,
    pub quarters: Vec<RepQuarterStats>,
    pub payout: Option<PayoutStats>,
}

impl RepStats {
    pub fn sales_quantile(&self, p: f64) -> f64 {
        self.hist.quantile(p)
    }
}

/// A roll-up's results ([`crate::model::Model::rep_groups`], same order):
/// its sales are the sum of its reps' sales in each trial, so its P(hit)
/// comes from the same trials, not from the reps' probabilities.
#[derive(Clone, Debug)]
pub struct GroupStats {
    /// The sum of the group's reps' quotas.
    pub quota: f64,
    pub sales: Welford,
    /// Trials with group sales >= the group's quota.
    pub hits: u64,
    /// Sales, binned on a scale of the group's expected sales.
    pub hist: Histogram,
}

impl GroupStats {
    pub fn sales_quantile(&self, p: f64) -> f64 {
        self.hist.quantile(p)
    }
}

#[derive(Clone, Debug)]
pub struct QuarterStats {
    pub target: f64,
    pub sales: Welford,
    pub hits: u64,
}

/// What each risk did, trial by trial (for rank correlations and tornado
/// swings) and on average when switched off (common random numbers).
#[derive(Clone, Debug)]
pub struct RiskStats {
    /// Realised input per trial, in trial order (see the kernel).
    pub inputs: Vec<f32>,
    /// Team sales with the risk switched off minus team sales.
    pub off_delta: Welford,
}

/// Each rep's values per trial, when [`SimOptions::keep_rep_trials`] asked
/// for them: in trial order (chunks merged in order, like `team`), so they
/// are the same for any thread count.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum RepTrials {
    /// Not asked for.
    #[default]
    NotKept,
    /// `sales[r][t]`, and `payout[r][t]` with a comp plan (else empty).
    Kept {
        sales: Vec<Vec<f64>>,
        payout: Vec<Vec<f64>>,
    },
    /// Asked for, but they would take `bytes`, above [`MAX_KEPT_BYTES`].
    TooLarge { bytes: u64 },
}

/// Everything a run produced. Memory grows per trial only by the team total,
/// the total payout and one f32 per risk (and, when asked, by each rep's
/// sales and payout: see [`RepTrials`]).
#[derive(Clone, Debug)]
pub struct SimResult {
    pub trials: u64,
    pub seed: u64,
    pub chunk_size: u64,
    pub sampler: Sampler,
    /// How deal units' months were drawn (`None` without deal units).
    pub deal_sampler: Option<DealSampler>,
    pub quotas: Vec<f64>,
    /// Team sales per trial, in trial order.
    pub team: Vec<f64>,
    /// Total payout per trial (empty without a comp plan).
    pub payout_total: Vec<f64>,
    pub reps: Vec<RepStats>,
    /// Per roll-up of reps (empty when the reps carry no grouping keys).
    pub groups: Vec<GroupStats>,
    /// `at_quota[k]`: trials in which exactly k reps reached quota.
    pub at_quota: Vec<u64>,
    pub quarters: Vec<QuarterStats>,
    /// Per risk in model order (empty without analytics).
    pub risks: Vec<RiskStats>,
    /// The run stopped early because it reached the requested precision.
    pub reached_precision: bool,
    /// Per-rep series for paired comparisons (only when asked for).
    pub rep_trials: RepTrials,
    /// Each unit's sales per trial (`unit_trials[u][t]`), when
    /// [`SimOptions::keep_unit_trials`] asked and they fit under
    /// [`MAX_KEPT_BYTES`]; otherwise empty. Closed months of a re-forecast
    /// are booked per rep, so they are not in a unit's figure.
    pub unit_trials: Vec<Vec<f64>>,
}

/// Every rep's histograms: of sales, of each quarter's sales and of
/// payouts. Counts add up and extremes join in a total order, so chunks'
/// histograms give the same result merged in any order. A chunk therefore
/// counts into a set from the run's pool, which goes on counting whichever
/// chunks its thread runs next (each chunk's extremes joined as a merge
/// joins them), and the pool's sets are merged at the end: one set per
/// thread, not one per chunk waiting to be merged in chunk order. With
/// 100,000 reps a set takes about 0.9 GB.
struct Hists {
    hist: Vec<Histogram>,
    rq_hist: Vec<Histogram>,
    pay_hist: Vec<Histogram>,
    group_hist: Vec<Histogram>,
}

impl Hists {
    fn new(plan: &Plan, scales: &Scales, comp: bool) -> Self {
        let (n, nq) = (plan.reps.len(), plan.quarters);
        let np = if comp { n } else { 0 };
        let rq_shift = |i: usize| scales.sales[i / nq] * plan.quarter_share[i % nq];
        Hists {
            hist: scales
                .sales
                .iter()
                .map(|&s| Histogram::new(s, HIST_RANGE, HIST_BINS))
                .collect(),
            rq_hist: (0..n * nq)
                .map(|i| Histogram::new(rq_shift(i), HIST_RANGE, QUARTER_BINS))
                .collect(),
            pay_hist: (0..np)
                .map(|r| Histogram::new(scales.pay[r], PAY_RANGE, PAY_BINS))
                .collect(),
            group_hist: scales
                .groups
                .iter()
                .map(|&s| Histogram::new(s, HIST_RANGE, HIST_BINS))
                .collect(),
        }
    }

    fn merge(&mut self, o: &Hists) {
        for (a, b) in [
            (&mut self.hist, &o.hist),
            (&mut self.rq_hist, &o.rq_hist),
            (&mut self.pay_hist, &o.pay_hist),
            (&mut self.group_hist, &o.group_hist),
        ] {
            a.iter_mut().zip(b).for_each(|(x, y)| x.merge(y));
        }
    }

    /// Every histogram, in a fixed order (a part file's).
    fn all(&mut self) -> impl Iterator<Item = &mut Histogram> {
        self.hist
            .iter_mut()
            .chain(&mut self.rq_hist)
            .chain(&mut self.pay_hist)
            .chain(&mut self.group_hist)
    }

    /// Takes out every histogram's extremes, before a chunk is counted.
    fn take_extremes(&mut self) -> Vec<Extremes> {
        self.all().map(Histogram::take_extremes).collect()
    }

    /// Joins extremes taken out before a chunk with the chunk's own.
    fn merge_extremes(&mut self, earlier: Vec<Extremes>) {
        self.all()
            .zip(earlier)
            .for_each(|(h, e)| h.merge_extremes(e));
    }
}

/// A chunk's results (and, merged in chunk order, the run's). Moments are
/// sums around fixed shifts: no division per trial on the hot path.
struct Partial {
    reps: Vec<Moments>,
    hits: Vec<u64>,
    rq: Vec<Moments>,
    rq_hits: Vec<u64>,
    ytd: Vec<Moments>,
    ytd_hits: Vec<u64>,
    pay: Vec<Moments>,
    groups: Vec<Moments>,
    group_hits: Vec<u64>,
    /// The chunk's histograms, when they must wait to be merged in chunk
    /// order (a run that may stop early must not count the chunks after
    /// its stop); otherwise merged into the run's at once.
    hists: Option<Hists>,
    pay_total: Vec<f64>,
    team: Vec<f64>,
    at_quota: Vec<u64>,
    quarters: Vec<Moments>,
    quarter_hits: Vec<u64>,
    inputs: Vec<Vec<f32>>,
    off: Vec<Moments>,
    /// Kept per-rep series (empty unless kept): sales, then payouts.
    rep_sales: Vec<Vec<f64>>,
    rep_pay: Vec<Vec<f64>>,
    unit_sales: Vec<Vec<f64>>,
}

/// What a run keeps beyond the streaming statistics.
#[derive(Clone, Copy)]
struct Keep {
    comp: bool,
    analytics: bool,
    rep_trials: bool,
    unit_trials: bool,
}

impl Partial {
    fn new(plan: &Plan, scales: &Scales, keep: Keep, cap: usize) -> Self {
        let Keep {
            comp, analytics, ..
        } = keep;
        let (n, nq) = (plan.reps.len(), plan.quarters);
        let kept = |on: bool| {
            if keep.rep_trials && on {
                // One allocation each (`vec![v; n]` would clone without capacity).
                (0..n).map(|_| Vec::with_capacity(cap)).collect()
            } else {
                Vec::new()
            }
        };
        let n_risks = if analytics {
            plan.copula.len() + plan.losses.len()
        } else {
            0
        };
        let np = if comp { n } else { 0 };
        let rq_shift = |i: usize| scales.sales[i / nq] * plan.quarter_share[i % nq];
        Partial {
            reps: scales.sales.iter().map(|&s| Moments::new(s)).collect(),
            hits: vec![0; n],
            rq: (0..n * nq).map(|i| Moments::new(rq_shift(i))).collect(),
            rq_hits: vec![0; n * nq],
            ytd: vec![Moments::new(1.0); n * nq],
            ytd_hits: vec![0; n * nq],
            pay: (0..np).map(|r| Moments::new(0.5 * scales.pay[r])).collect(),
            groups: scales.groups.iter().map(|&s| Moments::new(s)).collect(),
            group_hits: vec![0; scales.groups.len()],
            hists: None,
            pay_total: Vec::with_capacity(if comp { cap } else { 0 }),
            team: Vec::with_capacity(cap),
            at_quota: vec![0; n + 1],
            quarters: plan
                .quarter_target
                .iter()
                .map(|&t| Moments::new(t))
                .collect(),
            quarter_hits: vec![0; nq],
            inputs: vec![Vec::with_capacity(cap); n_risks],
            off: vec![Moments::new(0.0); n_risks],
            rep_sales: kept(true),
            rep_pay: kept(comp),
            unit_sales: if keep.unit_trials {
                (0..plan.unit_slot.len())
                    .map(|_| Vec::with_capacity(cap))
                    .collect()
            } else {
                Vec::new()
            },
        }
    }

    /// The floating-point sums, in a fixed order: the only state whose
    /// merge depends on the order of the chunks.
    fn moments_mut(&mut self) -> [&mut Vec<Moments>; 7] {
        [
            &mut self.reps,
            &mut self.rq,
            &mut self.ytd,
            &mut self.pay,
            &mut self.quarters,
            &mut self.off,
            &mut self.groups,
        ]
    }

    /// The integer counts, in a fixed order (they add up in any order).
    fn counts_mut(&mut self) -> [&mut Vec<u64>; 6] {
        [
            &mut self.hits,
            &mut self.rq_hits,
            &mut self.ytd_hits,
            &mut self.at_quota,
            &mut self.quarter_hits,
            &mut self.group_hits,
        ]
    }

    /// The per-trial series, in a fixed order (concatenated chunk by chunk).
    fn series_mut(&mut self) -> Vec<&mut Vec<f64>> {
        let mut out = vec![&mut self.team, &mut self.pay_total];
        out.extend(self.rep_sales.iter_mut());
        out.extend(self.rep_pay.iter_mut());
        out.extend(self.unit_sales.iter_mut());
        out
    }

    fn merge(&mut self, o: Partial) {
        fn add<T: Copy + std::ops::AddAssign>(a: &mut [T], b: &[T]) {
            a.iter_mut().zip(b).for_each(|(x, y)| *x += *y);
        }
        let merge_m =
            |a: &mut [Moments], b: &[Moments]| a.iter_mut().zip(b).for_each(|(x, y)| x.merge(y));
        merge_m(&mut self.reps, &o.reps);
        add(&mut self.hits, &o.hits);
        merge_m(&mut self.rq, &o.rq);
        add(&mut self.rq_hits, &o.rq_hits);
        merge_m(&mut self.ytd, &o.ytd);
        add(&mut self.ytd_hits, &o.ytd_hits);
        merge_m(&mut self.pay, &o.pay);
        merge_m(&mut self.groups, &o.groups);
        add(&mut self.group_hits, &o.group_hits);
        self.pay_total.extend_from_slice(&o.pay_total);
        self.team.extend_from_slice(&o.team);
        add(&mut self.at_quota, &o.at_quota);
        merge_m(&mut self.quarters, &o.quarters);
        add(&mut self.quarter_hits, &o.quarter_hits);
        for (a, b) in self.inputs.iter_mut().zip(&o.inputs) {
            a.extend_from_slice(b);
        }
        merge_m(&mut self.off, &o.off);
        for (a, b) in self.rep_sales.iter_mut().zip(&o.rep_sales) {
            a.extend_from_slice(b);
        }
        for (a, b) in self.rep_pay.iter_mut().zip(&o.rep_pay) {
            a.extend_from_slice(b);
        }
        for (a, b) in self.unit_sales.iter_mut().zip(&o.unit_sales) {
            a.extend_from_slice(b);
        }
    }
}

/// Scales of the per-rep histograms: expected sales (or the quota), and the
/// largest plausible payout.
struct Scales {
    sales: Vec<f64>,
    pay: Vec<f64>,
    /// Each roll-up's: the sum of its reps' sales scales.
    groups: Vec<f64>,
}

fn strata(seed: u64, chunk: u64, dims: usize) -> Strata {
    let mut rng = streams::chunk_rng(seed, streams::Purpose::Strata, chunk);
    let perm = (0..dims)
        .map(|_| {
            let mut p: Vec<u32> = (0..CHUNK_SIZE as u32).collect();
            for i in (1..p.len()).rev() {
                let j = rng.random_range(0..=i);
                p.swap(i, j);
            }
            p
        })
        .collect();
    Strata {
        perm,
        size: CHUNK_SIZE as f64,
    }
}

/// A lock that a panic elsewhere does not poison (the panic is reported
/// by rayon; the data is only counts).
fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Bytes of per-rep values a chunk buffers before folding them into the
/// moments and histograms. The fold goes rep by rep, so one rep's
/// histograms stay in cache for a block of trials; the block is the whole
/// chunk for a few hundred reps and shorter for many, so that 100,000 reps
/// do not buffer gigabytes per thread. The block length never changes the
/// results: each rep's values are folded in trial order either way.
const FOLD_BYTES: usize = 64 << 20;

/// Trials per block for `n` reps, `nq` quarters, payouts or not and `ng`
/// roll-ups.
fn fold_block(n: usize, nq: usize, comp: bool, ng: usize) -> usize {
    let per_trial = 8 * (n.max(1) * (1 + nq + usize::from(comp)) + ng);
    (FOLD_BYTES / per_trial).clamp(1, CHUNK_SIZE as usize)
}

#[allow(clippy::too_many_arguments)]
fn run_chunk(
    model: &Model,
    plan: &Plan,
    opts: &SimOptions,
    chunk: u64,
    trials: u64,
    scales: &Scales,
    keep: Keep,
    hists: &mut Hists,
) -> Partial {
    use streams::{Purpose, chunk_rng};
    let seed = opts.seed;
    let mut rngs = Rngs {
        risks: chunk_rng(seed, Purpose::Risks, chunk),
        reps: chunk_rng(seed, Purpose::Reps, chunk),
        units: chunk_rng(seed, Purpose::Units, chunk),
        losses: chunk_rng(seed, Purpose::AccountLoss, chunk),
        deals: chunk_rng(seed, Purpose::Deals, chunk),
    };
    let st =
        (opts.sampler == Sampler::LatinHypercube).then(|| strata(seed, chunk, plan.copula.len()));
    let comp = model.comp_plan.as_ref();
    let n = plan.reps.len();
    let nq = plan.quarters;
    let mut s = Scratch::new(plan);
    let mut out = Partial::new(plan, scales, keep, trials as usize);
    let mut qsum = vec![0.0; nq];
    // Per-rep values are buffered rep-major for a block of trials and
    // folded into their moments and histograms rep by rep after it: one
    // rep's histogram stays in cache instead of every rep's being touched
    // on every trial.
    let tn = trials as usize;
    let ng = plan.rep_groups.len();
    let block = fold_block(n, nq, comp.is_some(), ng).min(tn.max(1));
    let mut sales_buf = vec![0.0; n * block];
    let mut group_buf = vec![0.0; ng * block];
    let mut rq_buf = vec![0.0; n * nq * block];
    let mut pay_buf = vec![0.0; if comp.is_some() { n * block } else { 0 }];
    let mut unit_buf = vec![
        0.0;
        if keep.unit_trials {
            plan.unit_slot.len()
        } else {
            0
        }
    ];
    let mut ytd = vec![0.0; block];
    let mut first = 0;
    while first < tn {
        let bn = block.min(tn - first);
        for t in first..first + bn {
            kernel::trial(
                plan,
                &mut rngs,
                t as u64,
                st.as_ref(),
                opts.analytics,
                &mut s,
            );
            let b = t - first;
            let team: f64 = s.team_month.iter().sum();
            let mut at = 0;
            for (r, &sales) in s.rep_sales.iter().enumerate() {
                sales_buf[r * bn + b] = sales;
                at += usize::from(sales >= plan.reps[r].quota);
                for q in 0..nq {
                    rq_buf[(r * nq + q) * bn + b] = s.rep_quarter[r * nq + q];
                }
            }
            // A roll-up's sales: its reps' sales added in rep order.
            for (g, rg) in plan.rep_groups.iter().enumerate() {
                group_buf[g * bn + b] = rg.reps.iter().map(|&r| s.rep_sales[r as usize]).sum();
            }
            if let Some(c) = comp {
                let bonus = c.team_bonus_pool(team / model.company_target) / n as f64;
                let mut pay_total = 0.0;
                for (r, &sales) in s.rep_sales.iter().enumerate() {
                    let p = c.rep_payout(sales, plan.reps[r].quota) + bonus;
                    pay_buf[r * bn + b] = p;
                    pay_total += p;
                }
                out.pay_total.push(pay_total);
            }
            out.at_quota[at] += 1;
            qsum.fill(0.0);
            for (m, &v) in s.team_month.iter().enumerate() {
                qsum[plan.quarter_of[m]] += v;
            }
            for (q, &sum) in qsum.iter().enumerate() {
                out.quarters[q].push(sum);
                if sum >= plan.quarter_target[q] {
                    out.quarter_hits[q] += 1;
                }
            }
            out.team.push(team);
            if keep.unit_trials {
                kernel::unit_totals(plan, &s, &mut unit_buf);
                for (kept, &v) in out.unit_sales.iter_mut().zip(&unit_buf) {
                    kept.push(v);
                }
            }
            if opts.analytics {
                for k in 0..out.inputs.len() {
                    out.inputs[k].push(s.inputs[k] as f32);
                    out.off[k].push(s.off_delta[k]);
                }
            }
        }
        for (r, rep) in plan.reps.iter().enumerate() {
            for &sales in &sales_buf[r * bn..(r + 1) * bn] {
                out.reps[r].push(sales);
                hists.hist[r].push(sales);
                out.hits[r] += u64::from(sales >= rep.quota);
            }
            let ytd = &mut ytd[..bn];
            ytd.fill(0.0);
            for q in 0..nq {
                let i = r * nq + q;
                let ytd_inv = if rep.ytd_quota[q] > 0.0 {
                    1.0 / rep.ytd_quota[q]
                } else {
                    0.0
                };
                for (v, cum) in rq_buf[i * bn..(i + 1) * bn].iter().zip(ytd.iter_mut()) {
                    out.rq[i].push(*v);
                    hists.rq_hist[i].push(*v);
                    out.rq_hits[i] += u64::from(*v >= rep.quarter_quota[q]);
                    *cum += v;
                    out.ytd[i].push(*cum * ytd_inv);
                    out.ytd_hits[i] += u64::from(*cum >= rep.ytd_quota[q]);
                }
            }
            if comp.is_some() {
                for &p in &pay_buf[r * bn..(r + 1) * bn] {
                    out.pay[r].push(p);
                    hists.pay_hist[r].push(p);
                }
            }
        }
        for (g, rg) in plan.rep_groups.iter().enumerate() {
            for &sales in &group_buf[g * bn..(g + 1) * bn] {
                out.groups[g].push(sales);
                hists.group_hist[g].push(sales);
                out.group_hits[g] += u64::from(sales >= rg.quota);
            }
        }
        // Kept series are the buffers' rows: rep-major, trial order.
        for (r, kept) in out.rep_sales.iter_mut().enumerate() {
            kept.extend_from_slice(&sales_buf[r * bn..(r + 1) * bn]);
        }
        for (r, kept) in out.rep_pay.iter_mut().enumerate() {
            kept.extend_from_slice(&pay_buf[r * bn..(r + 1) * bn]);
        }
        first += bn;
    }
    out
}

/// What a run (or a shard of one) is made with, decided once from the
/// model, the quotas and the options.
struct Setup {
    plan: Plan,
    scales: Scales,
    keep: Keep,
    /// Trials to run; with `precision`, the most.
    max_trials: u64,
    /// Bytes the kept per-rep series would take.
    wanted: u64,
    deal_sampler: Option<DealSampler>,
}

impl Setup {
    fn new(model: &Model, quotas: &[f64], opts: &SimOptions) -> Result<Setup, EngineError> {
        opts.check()?;
        if quotas.len() != model.reps.len() {
            return Err(EngineError::QuotaCount {
                got: quotas.len(),
                reps: model.reps.len(),
            });
        }
        let mut plan = Plan::new(model, quotas);
        let expected = model.expected_sales();
        let sales_scale: Vec<f64> = expected
            .iter()
            .zip(quotas)
            .map(|(&e, &q)| {
                if e > 0.0 {
                    e
                } else if q > 0.0 {
                    q
                } else {
                    1.0
                }
            })
            .collect();
        let pay_scale = match &model.comp_plan {
            None => Vec::new(),
            Some(c) => sales_scale
                .iter()
                .zip(quotas)
                .map(|(&s, &q)| {
                    let bonus = c
                        .team_bonus
                        .as_ref()
                        .map_or(0.0, |b| b.pool / quotas.len() as f64);
                    (c.target_incentive * c.max_multiple()
                        + c.commission(HIST_RANGE * s.max(q))
                        + bonus)
                        .max(1.0)
                })
                .collect(),
        };
        let scales = Scales {
            groups: plan
                .rep_groups
                .iter()
                .map(|g| g.reps.iter().map(|&r| sales_scale[r as usize]).sum())
                .collect(),
            sales: sales_scale,
            pay: pay_scale,
        };
        let max_trials = if opts.precision.is_some() {
            opts.trials.max(MIN_CHUNKS * CHUNK_SIZE)
        } else {
            opts.trials
        };
        let comp = model.comp_plan.is_some();
        let wanted = kept_bytes(model.reps.len(), max_trials, comp);
        let keep = Keep {
            comp,
            analytics: opts.analytics,
            rep_trials: opts.keep_rep_trials && wanted <= MAX_KEPT_BYTES,
            unit_trials: opts.keep_unit_trials
                && (model.units.len() as u64).saturating_mul(max_trials) * 8 <= MAX_KEPT_BYTES,
        };
        plan.unit_detail = keep.unit_trials;
        let deal_sampler = (!plan.deals.is_empty()).then(|| {
            if !opts.exact_deals {
                plan.deal_tables = deals::DealTables::build(&plan, opts.seed);
            }
            match &plan.deal_tables {
                Some(t) => DealSampler::Table { classes: t.classes },
                None => DealSampler::Exact,
            }
        });
        Ok(Setup {
            plan,
            scales,
            keep,
            max_trials,
            wanted,
            deal_sampler,
        })
    }

    /// Chunks of the whole run.
    fn chunks(&self) -> u64 {
        self.max_trials.div_ceil(CHUNK_SIZE)
    }

    fn trials_in(&self, chunk: u64) -> u64 {
        CHUNK_SIZE.min(self.max_trials - chunk * CHUNK_SIZE)
    }

    /// An empty accumulator with room for `trials` per-trial values.
    fn partial(&self, trials: u64) -> Partial {
        Partial::new(
            &self.plan,
            &self.scales,
            self.keep,
            trials.min(1 << 24) as usize,
        )
    }

    /// An empty set of the run's histograms.
    fn hists(&self) -> Hists {
        Hists::new(&self.plan, &self.scales, self.keep.comp)
    }

    /// The result of the merged partials `acc` and histograms `hists`.
    fn finish(
        &self,
        model: &Model,
        quotas: &[f64],
        opts: &SimOptions,
        acc: Partial,
        hists: Hists,
        reached: bool,
    ) -> SimResult {
        let mut result = assemble(model, &self.plan, quotas, opts, acc, hists, reached);
        result.deal_sampler = self.deal_sampler;
        if opts.keep_rep_trials && !self.keep.rep_trials {
            result.rep_trials = RepTrials::TooLarge { bytes: self.wanted };
        }
        result
    }
}

/// Runs `f` on `opts.threads` worker threads (all cores when `None`).
fn in_pool<T: Send>(opts: &SimOptions, f: impl FnOnce() -> T + Send) -> Result<T, EngineError> {
    match opts.threads {
        None => Ok(f()),
        Some(n) => Ok(rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| EngineError::Threads(n, e.to_string()))?
            .install(f)),
    }
}

/// Runs the chunks `range` in parallel waves and hands each chunk's
/// partial to `each` in chunk order; `each` returns false to stop.
/// `progress` is told the trials of `range` finished after each wave.
/// Returns the histograms of every chunk run, counted into one set per
/// thread; with `in_order`, each chunk's partial carries its own instead
/// (and the set returned is empty), for a caller that may stop early.
#[allow(clippy::too_many_arguments)]
fn drive(
    model: &Model,
    s: &Setup,
    opts: &SimOptions,
    range: std::ops::Range<u64>,
    in_order: bool,
    progress: Option<&(dyn Fn(u64) + Sync)>,
    mut each: impl FnMut(u64, Partial) -> bool,
) -> Hists {
    let threads = opts
        .threads
        .unwrap_or_else(rayon::current_num_threads)
        .max(1) as u64;
    // Chunks evaluated between two ordered merges: bounds memory, never
    // changes the results (merging is in chunk order whatever the wave).
    let wave = 2 * threads;
    let pool: std::sync::Mutex<Vec<Hists>> = std::sync::Mutex::new(Vec::new());
    let mut done = 0;
    let mut w = range.start;
    'waves: while w < range.end {
        let end = (w + wave).min(range.end);
        let parts: Vec<Partial> = (w..end)
            .into_par_iter()
            .map(|c| {
                let run = |h: &mut Hists| {
                    run_chunk(
                        model,
                        &s.plan,
                        opts,
                        c,
                        s.trials_in(c),
                        &s.scales,
                        s.keep,
                        h,
                    )
                };
                if in_order {
                    let mut h = s.hists();
                    let mut p = run(&mut h);
                    p.hists = Some(h);
                    return p;
                }
                let mut h = lock(&pool).pop().unwrap_or_else(|| s.hists());
                let earlier = h.take_extremes();
                let p = run(&mut h);
                h.merge_extremes(earlier);
                lock(&pool).push(h);
                p
            })
            .collect();
        for (c, p) in (w..end).zip(parts) {
            done += s.trials_in(c);
            if !each(c, p) {
                break 'waves;
            }
        }
        if let Some(f) = progress {
            f(done);
        }
        w = end;
    }
    let mut sets = pool
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut h = sets.pop().unwrap_or_else(|| s.hists());
    for o in &sets {
        h.merge(o);
    }
    h
}

/// Runs the simulation with the quotas already decided (see
/// [`crate::quota`]). `progress` is told the number of trials finished
/// after each wave (for a progress bar); it never affects the results.
pub fn run(
    model: &Model,
    quotas: &[f64],
    opts: &SimOptions,
    progress: Option<&(dyn Fn(u64) + Sync)>,
) -> Result<SimResult, EngineError> {
    let s = Setup::new(model, quotas, opts)?;
    // Histograms of chunks merge in any order (see `Hists`), unless the
    // run may stop early: then each chunk has its own, merged in chunk
    // order once the chunk is known to count.
    let in_order = opts.precision.is_some();
    let (acc, hists, reached) = in_pool(opts, || {
        let mut acc = s.partial(s.max_trials);
        let mut ordered = in_order.then(|| s.hists());
        let mut hits = 0u64;
        let mut reached = false;
        let pooled = drive(
            model,
            &s,
            opts,
            0..s.chunks(),
            in_order,
            progress,
            |c, mut p| {
                hits += crate::stats::hits(&p.team, model.company_target);
                if let (Some(all), Some(h)) = (ordered.as_mut(), p.hists.take()) {
                    all.merge(&h);
                }
                acc.merge(p);
                if let Some(target) = opts.precision
                    && c + 1 >= MIN_CHUNKS
                {
                    let known = Proportion::new(hits, acc.team.len() as u64);
                    if known.half_width95() <= target {
                        reached = true;
                        return false;
                    }
                }
                true
            },
        );
        (acc, ordered.unwrap_or(pooled), reached)
    })?;
    Ok(s.finish(model, quotas, opts, acc, hists, reached))
}

fn assemble(
    model: &Model,
    plan: &Plan,
    quotas: &[f64],
    opts: &SimOptions,
    mut acc: Partial,
    hists: Hists,
    reached: bool,
) -> SimResult {
    let nq = plan.quarters;
    let unit_trials = std::mem::take(&mut acc.unit_sales);
    let rep_trials = if acc.rep_sales.is_empty() {
        RepTrials::NotKept
    } else {
        RepTrials::Kept {
            sales: std::mem::take(&mut acc.rep_sales),
            payout: std::mem::take(&mut acc.rep_pay),
        }
    };
    let mut rq = acc.rq.into_iter();
    let mut rq_hits = acc.rq_hits.into_iter();
    let mut rq_hist = hists.rq_hist.into_iter();
    let mut ytd = acc.ytd.into_iter();
    let mut ytd_hits = acc.ytd_hits.into_iter();
    let mut pay = acc.pay.into_iter();
    let mut pay_hist = hists.pay_hist.into_iter();
    let groups = acc
        .groups
        .into_iter()
        .zip(acc.group_hits)
        .zip(hists.group_hist)
        .zip(&plan.rep_groups)
        .map(|(((sales, hits), hist), g)| GroupStats {
            quota: g.quota,
            sales: sales.welford(),
            hits,
            hist,
        })
        .collect();
    let reps = acc
        .reps
        .into_iter()
        .zip(acc.hits)
        .zip(hists.hist)
        .enumerate()
        .map(|(r, ((sales, hits), hist))| RepStats {
            sales: sales.welford(),
            hits,
            hist,
            quarters: (0..nq)
                .map(|q| RepQuarterStats {
                    quota: plan.reps[r].quarter_quota[q],
                    sales: rq.next().expect("one per rep and quarter").welford(),
                    hits: rq_hits.next().expect("one per rep and quarter"),
                    hist: rq_hist.next().expect("one per rep and quarter"),
                    ytd_quota: plan.reps[r].ytd_quota[q],
                    ytd_attainment: ytd.next().expect("one per rep and quarter").welford(),
                    ytd_hits: ytd_hits.next().expect("one per rep and quarter"),
                })
                .collect(),
            payout: model.comp_plan.as_ref().map(|_| PayoutStats {
                payout: pay.next().expect("one per rep").welford(),
                hist: pay_hist.next().expect("one per rep"),
            }),
        })
        .collect();
    SimResult {
        trials: acc.team.len() as u64,
        seed: opts.seed,
        chunk_size: CHUNK_SIZE,
        sampler: opts.sampler,
        deal_sampler: None,
        quotas: quotas.to_vec(),
        team: acc.team,
        payout_total: acc.pay_total,
        reps,
        groups,
        at_quota: acc.at_quota,
        quarters: acc
            .quarters
            .into_iter()
            .zip(acc.quarter_hits)
            .zip(&plan.quarter_target)
            .map(|((sales, hits), &target)| QuarterStats {
                target,
                sales: sales.welford(),
                hits,
            })
            .collect(),
        risks: acc
            .inputs
            .into_iter()
            .zip(acc.off)
            .map(|(inputs, off_delta)| RiskStats {
                inputs,
                off_delta: off_delta.welford(),
            })
            .collect(),
        reached_precision: reached,
        rep_trials,
        unit_trials,
    }
}
