//! The accumulators of a chunk, which merged in chunk order are the run's,
//! and the histograms, which merge in any order; then the result made from
//! them.

use super::plan::Plan;
use super::result::{
    GroupStats, PayoutStats, QuarterStats, RepQuarterStats, RepStats, RepTrials, RiskStats,
    SimResult,
};
use super::{CHUNK_SIZE, SimOptions};
use crate::model::Model;
use crate::stats::{Extremes, Histogram, Moments};

/// Histogram of each rep's sales, on a scale of its expected sales.
const HIST_RANGE: f64 = 2.5;
const HIST_BINS: usize = 1000;
/// Per rep and quarter, on the quarter's share of expected sales.
const QUARTER_BINS: usize = 200;
/// Payouts, on a scale of each rep's largest plausible payout.
const PAY_RANGE: f64 = 1.25;
const PAY_BINS: usize = 500;

/// Every rep's histograms: of sales, of each quarter's sales and of
/// payouts. Counts add up and extremes join in a total order, so chunks'
/// histograms give the same result merged in any order. A chunk therefore
/// counts into a set from the run's pool, which goes on counting whichever
/// chunks its thread runs next (each chunk's extremes joined as a merge
/// joins them), and the pool's sets are merged at the end: one set per
/// thread, not one per chunk waiting to be merged in chunk order. With
/// 100,000 reps a set takes about 0.9 GB.
pub(super) struct Hists {
    pub(super) hist: Vec<Histogram>,
    pub(super) rq_hist: Vec<Histogram>,
    pub(super) pay_hist: Vec<Histogram>,
    pub(super) group_hist: Vec<Histogram>,
}

impl Hists {
    pub(super) fn new(plan: &Plan, scales: &Scales, comp: bool) -> Self {
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

    pub(super) fn merge(&mut self, o: &Hists) {
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
    pub(super) fn all(&mut self) -> impl Iterator<Item = &mut Histogram> {
        self.hist
            .iter_mut()
            .chain(&mut self.rq_hist)
            .chain(&mut self.pay_hist)
            .chain(&mut self.group_hist)
    }

    /// Takes out every histogram's extremes, before a chunk is counted.
    pub(super) fn take_extremes(&mut self) -> Vec<Extremes> {
        self.all().map(Histogram::take_extremes).collect()
    }

    /// Joins extremes taken out before a chunk with the chunk's own.
    pub(super) fn merge_extremes(&mut self, earlier: Vec<Extremes>) {
        self.all()
            .zip(earlier)
            .for_each(|(h, e)| h.merge_extremes(e));
    }
}

/// A chunk's results (and, merged in chunk order, the run's). Moments are
/// sums around fixed shifts: no division per trial on the hot path.
pub(super) struct Partial {
    pub(super) reps: Vec<Moments>,
    pub(super) hits: Vec<u64>,
    pub(super) rq: Vec<Moments>,
    pub(super) rq_hits: Vec<u64>,
    pub(super) ytd: Vec<Moments>,
    pub(super) ytd_hits: Vec<u64>,
    pub(super) pay: Vec<Moments>,
    pub(super) groups: Vec<Moments>,
    pub(super) group_hits: Vec<u64>,
    /// The chunk's histograms, when they must wait to be merged in chunk
    /// order (a run that may stop early must not count the chunks after
    /// its stop); otherwise merged into the run's at once.
    pub(super) hists: Option<Hists>,
    pub(super) pay_total: Vec<f64>,
    pub(super) team: Vec<f64>,
    pub(super) at_quota: Vec<u64>,
    pub(super) quarters: Vec<Moments>,
    pub(super) quarter_hits: Vec<u64>,
    pub(super) inputs: Vec<Vec<f32>>,
    pub(super) off: Vec<Moments>,
    /// Kept per-rep series (empty unless kept): sales, then payouts.
    pub(super) rep_sales: Vec<Vec<f64>>,
    pub(super) rep_pay: Vec<Vec<f64>>,
    pub(super) unit_sales: Vec<Vec<f64>>,
}

/// What a run keeps beyond the streaming statistics.
#[derive(Clone, Copy)]
pub(super) struct Keep {
    pub(super) comp: bool,
    pub(super) analytics: bool,
    pub(super) rep_trials: bool,
    pub(super) unit_trials: bool,
}

impl Partial {
    pub(super) fn new(plan: &Plan, scales: &Scales, keep: Keep, cap: usize) -> Self {
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
    pub(super) fn moments_mut(&mut self) -> [&mut Vec<Moments>; 7] {
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
    pub(super) fn counts_mut(&mut self) -> [&mut Vec<u64>; 6] {
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
    pub(super) fn series_mut(&mut self) -> Vec<&mut Vec<f64>> {
        let mut out = vec![&mut self.team, &mut self.pay_total];
        out.extend(self.rep_sales.iter_mut());
        out.extend(self.rep_pay.iter_mut());
        out.extend(self.unit_sales.iter_mut());
        out
    }

    pub(super) fn merge(&mut self, o: Partial) {
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
pub(super) struct Scales {
    sales: Vec<f64>,
    pay: Vec<f64>,
    /// Each roll-up's: the sum of its reps' sales scales.
    groups: Vec<f64>,
}

impl Scales {
    pub(super) fn new(model: &Model, quotas: &[f64], plan: &Plan) -> Self {
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
        Scales {
            groups: plan
                .rep_groups
                .iter()
                .map(|g| g.reps.iter().map(|&r| sales_scale[r as usize]).sum())
                .collect(),
            sales: sales_scale,
            pay: pay_scale,
        }
    }
}

/// The run's result from its merged accumulators and histograms.
pub(super) fn assemble(
    model: &Model,
    plan: &Plan,
    quotas: &[f64],
    opts: &SimOptions,
    mut acc: Partial,
    hists: Hists,
    reached: bool,
) -> SimResult {
    let unit_trials = std::mem::take(&mut acc.unit_sales);
    let rep_trials = kept_rep_trials(&mut acc);
    let Hists {
        hist,
        rq_hist,
        pay_hist,
        group_hist,
    } = hists;
    let groups = group_stats(plan, &mut acc, group_hist);
    let reps = rep_stats(model, plan, &mut acc, hist, rq_hist, pay_hist);
    let quarters = quarter_stats(plan, &mut acc);
    let risks = risk_stats(&mut acc);
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
        quarters,
        risks,
        reached_precision: reached,
        rep_trials,
        unit_trials,
    }
}

/// The per-rep series, when they were kept.
fn kept_rep_trials(acc: &mut Partial) -> RepTrials {
    if acc.rep_sales.is_empty() {
        RepTrials::NotKept
    } else {
        RepTrials::Kept {
            sales: std::mem::take(&mut acc.rep_sales),
            payout: std::mem::take(&mut acc.rep_pay),
        }
    }
}

/// Each roll-up's statistics, in the plan's order of roll-ups.
fn group_stats(plan: &Plan, acc: &mut Partial, hist: Vec<Histogram>) -> Vec<GroupStats> {
    std::mem::take(&mut acc.groups)
        .into_iter()
        .zip(std::mem::take(&mut acc.group_hits))
        .zip(hist)
        .zip(&plan.rep_groups)
        .map(|(((sales, hits), hist), g)| GroupStats {
            quota: g.quota,
            sales: sales.welford(),
            hits,
            hist,
        })
        .collect()
}

/// Each rep's statistics, with its quarters' and, with a comp plan, its
/// payouts' (the accumulators are rep-major, quarter-minor).
fn rep_stats(
    model: &Model,
    plan: &Plan,
    acc: &mut Partial,
    hist: Vec<Histogram>,
    rq_hist: Vec<Histogram>,
    pay_hist: Vec<Histogram>,
) -> Vec<RepStats> {
    let nq = plan.quarters;
    let mut rq = std::mem::take(&mut acc.rq).into_iter();
    let mut rq_hits = std::mem::take(&mut acc.rq_hits).into_iter();
    let mut rq_hist = rq_hist.into_iter();
    let mut ytd = std::mem::take(&mut acc.ytd).into_iter();
    let mut ytd_hits = std::mem::take(&mut acc.ytd_hits).into_iter();
    let mut pay = std::mem::take(&mut acc.pay).into_iter();
    let mut pay_hist = pay_hist.into_iter();
    std::mem::take(&mut acc.reps)
        .into_iter()
        .zip(std::mem::take(&mut acc.hits))
        .zip(hist)
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
        .collect()
}

/// The team's statistics per quarter.
fn quarter_stats(plan: &Plan, acc: &mut Partial) -> Vec<QuarterStats> {
    std::mem::take(&mut acc.quarters)
        .into_iter()
        .zip(std::mem::take(&mut acc.quarter_hits))
        .zip(&plan.quarter_target)
        .map(|((sales, hits), &target)| QuarterStats {
            target,
            sales: sales.welford(),
            hits,
        })
        .collect()
}

/// Each risk's inputs and switched-off deltas (empty without analytics).
fn risk_stats(acc: &mut Partial) -> Vec<RiskStats> {
    std::mem::take(&mut acc.inputs)
        .into_iter()
        .zip(std::mem::take(&mut acc.off))
        .map(|(inputs, off_delta)| RiskStats {
            inputs,
            off_delta: off_delta.welford(),
        })
        .collect()
}
