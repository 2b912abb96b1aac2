//! The parallel driver: chunks run in parallel waves and their partial
//! results are merged in chunk order, so results are bit-identical for any
//! thread count. A run may stop early once it reaches the precision asked
//! for.

use super::deals::{self, DealSampler};
use super::error::{EngineError, PoolError};
use super::kernel::{self, Rngs, Scratch, Strata};
use super::partial::{Hists, Keep, Partial, Scales, assemble};
use super::plan::Plan;
use super::result::{MAX_KEPT_BYTES, RepTrials, SimResult, kept_bytes};
use super::streams::{self, CHUNK_SIZE};
use super::{Sampler, SimOptions};
use crate::model::Model;
use crate::stats::Proportion;
use rand::RngExt;
use rayon::prelude::*;

/// Chunks checked before `precision` may stop a run.
const MIN_CHUNKS: u64 = 4;

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
fn block_trials(n: usize, nq: usize, comp: bool, ng: usize) -> usize {
    let per_trial = 8 * (n.max(1) * (1 + nq + usize::from(comp)) + ng);
    (FOLD_BYTES / per_trial).clamp(1, CHUNK_SIZE as usize)
}

/// The generators of chunk `chunk`, one per purpose.
fn chunk_rngs(seed: u64, chunk: u64) -> Rngs {
    use streams::{Purpose, chunk_rng};
    Rngs {
        risks: chunk_rng(seed, Purpose::Risks, chunk),
        reps: chunk_rng(seed, Purpose::Reps, chunk),
        units: chunk_rng(seed, Purpose::Units, chunk),
        losses: chunk_rng(seed, Purpose::AccountLoss, chunk),
        deals: chunk_rng(seed, Purpose::Deals, chunk),
    }
}

/// Runs the trials of chunk `chunk`: its accumulators, its histograms
/// counted into `hists`.
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
    let seed = opts.seed;
    let mut rngs = chunk_rngs(seed, chunk);
    let st =
        (opts.sampler == Sampler::LatinHypercube).then(|| strata(seed, chunk, plan.copula.len()));
    let mut s = Scratch::new(plan);
    let mut out = Partial::new(plan, scales, keep, trials as usize);
    // Per-rep values are buffered rep-major for a block of trials and
    // folded into their moments and histograms rep by rep after it: one
    // rep's histogram stays in cache instead of every rep's being touched
    // on every trial.
    let tn = trials as usize;
    let mut buf = Block::new(plan, keep, tn);
    let mut first = 0;
    while first < tn {
        let bn = buf.trials.min(tn - first);
        for t in first..first + bn {
            kernel::trial(
                plan,
                &mut rngs,
                t as u64,
                st.as_ref(),
                opts.analytics,
                &mut s,
            );
            buf.record(model, plan, &s, t - first, bn, &mut out);
        }
        buf.fold_reps(plan, bn, &mut out, hists);
        buf.fold_groups(plan, bn, &mut out, hists);
        buf.keep_series(bn, &mut out);
        first += bn;
    }
    out
}

/// A chunk's buffers: per-rep values of a block of trials, rep-major
/// (`r * bn + b` for trial `b` of a block of `bn`), and one trial's
/// working sums.
struct Block {
    keep: Keep,
    /// Trials a block holds at most.
    trials: usize,
    sales: Vec<f64>,
    groups: Vec<f64>,
    /// Per rep and quarter (`(r * quarters + q) * bn + b`).
    rq: Vec<f64>,
    pay: Vec<f64>,
    /// One trial's sales per unit (only when unit series are kept).
    units: Vec<f64>,
    /// A rep's year to date over a block, while it is folded.
    ytd: Vec<f64>,
    /// One trial's team sales per quarter.
    qsum: Vec<f64>,
}

impl Block {
    fn new(plan: &Plan, keep: Keep, trials: usize) -> Self {
        let n = plan.reps.len();
        let nq = plan.quarters;
        let ng = plan.rep_groups.len();
        let block = block_trials(n, nq, keep.comp, ng).min(trials.max(1));
        Block {
            keep,
            trials: block,
            sales: vec![0.0; n * block],
            groups: vec![0.0; ng * block],
            rq: vec![0.0; n * nq * block],
            pay: vec![0.0; if keep.comp { n * block } else { 0 }],
            units: vec![
                0.0;
                if keep.unit_trials {
                    plan.unit_slot.len()
                } else {
                    0
                }
            ],
            ytd: vec![0.0; block],
            qsum: vec![0.0; nq],
        }
    }

    /// Takes the trial just run (trial `b` of a block of `bn`): per-rep
    /// values into the buffers, team figures straight into `out`.
    #[inline]
    fn record(
        &mut self,
        model: &Model,
        plan: &Plan,
        s: &Scratch,
        b: usize,
        bn: usize,
        out: &mut Partial,
    ) {
        let nq = plan.quarters;
        let team: f64 = s.team_month.iter().sum();
        let mut at = 0;
        for (r, &sales) in s.rep_sales.iter().enumerate() {
            self.sales[r * bn + b] = sales;
            at += usize::from(sales >= plan.reps[r].quota);
            for q in 0..nq {
                self.rq[(r * nq + q) * bn + b] = s.rep_quarter[r * nq + q];
            }
        }
        // A roll-up's sales: its reps' sales added in rep order.
        for (g, rg) in plan.rep_groups.iter().enumerate() {
            self.groups[g * bn + b] = rg.reps.iter().map(|&r| s.rep_sales[r as usize]).sum();
        }
        if let Some(c) = model.comp_plan.as_ref() {
            let bonus = c.team_bonus_pool(team / model.company_target) / plan.reps.len() as f64;
            let mut pay_total = 0.0;
            for (r, &sales) in s.rep_sales.iter().enumerate() {
                let p = c.rep_payout(sales, plan.reps[r].quota) + bonus;
                self.pay[r * bn + b] = p;
                pay_total += p;
            }
            out.pay_total.push(pay_total);
        }
        out.at_quota[at] += 1;
        self.record_quarters(plan, s, out);
        out.team.push(team);
        if self.keep.unit_trials {
            kernel::unit_totals(plan, s, &mut self.units);
            for (kept, &v) in out.unit_sales.iter_mut().zip(&self.units) {
                kept.push(v);
            }
        }
        if self.keep.analytics {
            for k in 0..out.inputs.len() {
                out.inputs[k].push(s.inputs[k] as f32);
                out.off[k].push(s.off_delta[k]);
            }
        }
    }

    /// The team's sales per quarter in the trial just run.
    #[inline]
    fn record_quarters(&mut self, plan: &Plan, s: &Scratch, out: &mut Partial) {
        let qsum = &mut self.qsum;
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
    }

    /// Folds a block of `bn` trials into each rep's moments and histograms,
    /// rep by rep: sales, each quarter's and the year to date, payouts.
    fn fold_reps(&mut self, plan: &Plan, bn: usize, out: &mut Partial, hists: &mut Hists) {
        let nq = plan.quarters;
        for (r, rep) in plan.reps.iter().enumerate() {
            for &sales in &self.sales[r * bn..(r + 1) * bn] {
                out.reps[r].push(sales);
                hists.hist[r].push(sales);
                out.hits[r] += u64::from(sales >= rep.quota);
            }
            let ytd = &mut self.ytd[..bn];
            ytd.fill(0.0);
            for q in 0..nq {
                let i = r * nq + q;
                let ytd_inv = if rep.ytd_quota[q] > 0.0 {
                    1.0 / rep.ytd_quota[q]
                } else {
                    0.0
                };
                for (v, cum) in self.rq[i * bn..(i + 1) * bn].iter().zip(ytd.iter_mut()) {
                    out.rq[i].push(*v);
                    hists.rq_hist[i].push(*v);
                    out.rq_hits[i] += u64::from(*v >= rep.quarter_quota[q]);
                    *cum += v;
                    out.ytd[i].push(*cum * ytd_inv);
                    out.ytd_hits[i] += u64::from(*cum >= rep.ytd_quota[q]);
                }
            }
            if self.keep.comp {
                for &p in &self.pay[r * bn..(r + 1) * bn] {
                    out.pay[r].push(p);
                    hists.pay_hist[r].push(p);
                }
            }
        }
    }

    /// Folds a block of `bn` trials into each roll-up's moments and
    /// histograms.
    fn fold_groups(&self, plan: &Plan, bn: usize, out: &mut Partial, hists: &mut Hists) {
        for (g, rg) in plan.rep_groups.iter().enumerate() {
            for &sales in &self.groups[g * bn..(g + 1) * bn] {
                out.groups[g].push(sales);
                hists.group_hist[g].push(sales);
                out.group_hits[g] += u64::from(sales >= rg.quota);
            }
        }
    }

    /// Appends a block to the kept series: the buffers' rows are rep-major,
    /// in trial order.
    fn keep_series(&self, bn: usize, out: &mut Partial) {
        for (r, kept) in out.rep_sales.iter_mut().enumerate() {
            kept.extend_from_slice(&self.sales[r * bn..(r + 1) * bn]);
        }
        for (r, kept) in out.rep_pay.iter_mut().enumerate() {
            kept.extend_from_slice(&self.pay[r * bn..(r + 1) * bn]);
        }
    }
}

/// What a run (or a shard of one) is made with, decided once from the
/// model, the quotas and the options.
pub(super) struct Setup {
    plan: Plan,
    scales: Scales,
    keep: Keep,
    /// Trials to run; with `precision`, the most.
    pub(super) max_trials: u64,
    /// Bytes the kept per-rep series would take.
    wanted: u64,
    deal_sampler: Option<DealSampler>,
}

impl Setup {
    pub(super) fn new(
        model: &Model,
        quotas: &[f64],
        opts: &SimOptions,
    ) -> Result<Setup, EngineError> {
        opts.check()?;
        if quotas.len() != model.reps.len() {
            return Err(EngineError::QuotaCount {
                got: quotas.len(),
                reps: model.reps.len(),
            });
        }
        let mut plan = Plan::new(model, quotas);
        let scales = Scales::new(model, quotas, &plan);
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
    pub(super) fn chunks(&self) -> u64 {
        self.max_trials.div_ceil(CHUNK_SIZE)
    }

    pub(super) fn trials_in(&self, chunk: u64) -> u64 {
        CHUNK_SIZE.min(self.max_trials - chunk * CHUNK_SIZE)
    }

    /// An empty accumulator with room for `trials` per-trial values.
    pub(super) fn partial(&self, trials: u64) -> Partial {
        Partial::new(
            &self.plan,
            &self.scales,
            self.keep,
            trials.min(1 << 24) as usize,
        )
    }

    /// An empty set of the run's histograms.
    pub(super) fn hists(&self) -> Hists {
        Hists::new(&self.plan, &self.scales, self.keep.comp)
    }

    /// The result of the merged partials `acc` and histograms `hists`.
    pub(super) fn finish(
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
pub(super) fn in_pool<T: Send>(
    opts: &SimOptions,
    f: impl FnOnce() -> T + Send,
) -> Result<T, EngineError> {
    match opts.threads {
        None => Ok(f()),
        Some(n) => Ok(rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .map_err(|e| EngineError::Threads(n, PoolError::new(e)))?
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
pub(super) fn drive(
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
