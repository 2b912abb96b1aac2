//! One trial: the formula of docs/src/model.md (One trial), evaluated per (rep,
//! group) slot, plus what the risk analytics need from the same random numbers:
//! each risk's realised input and the team total with that risk switched off.

use super::deals::{DealTables, WORD_MONTHS, Wyrand};
use super::plan::{CopulaKind, Plan};
use super::streams::seek_trial;
use crate::model::dist::{std_normal_cdf, std_normal_quantile};
use rand::rngs::ChaCha8Rng;
use rand::{Rng, RngExt};
use rand_distr::{Distribution, StandardNormal};

/// The chunk's generators, one per purpose.
pub(crate) struct Rngs {
    pub risks: ChaCha8Rng,
    pub reps: ChaCha8Rng,
    pub units: ChaCha8Rng,
    pub losses: ChaCha8Rng,
    pub deals: ChaCha8Rng,
}

/// Latin hypercube strata of a chunk: `perm[k][t]` is the stratum of trial
/// `t` in copula dimension `k`.
pub(crate) struct Strata {
    pub perm: Vec<Vec<u32>>,
    pub size: f64,
}

/// Per-trial working memory, reused across the trials of a chunk.
pub(crate) struct Scratch {
    e: Vec<f64>,
    z: Vec<f64>,
    x: Vec<f64>,
    /// First active month index of each copula risk (months = never).
    from: Vec<usize>,
    gm: Vec<f64>,
    group_base: Vec<f64>,
    base: Vec<f64>,
    pot: Vec<f64>,
    loss: Vec<f64>,
    touched: Vec<u32>,
    /// (unit, slot, share lost, month, loss-risk index)
    events: Vec<(u32, u32, f64, u32, u32)>,
    rep_month: Vec<f64>,
    /// Per deal unit and month: the deal draw over its expected flow (mean
    /// 1); written only for units whose draws are read again.
    deal_eps: Vec<f64>,
    /// One deal unit's draws, month by month.
    month_eps: Vec<f64>,
    /// Deal units whose draws are read again, in deal order, and beside
    /// each its range in `events`.
    deal_special: Vec<u32>,
    deal_special_events: Vec<(u32, u32)>,
    /// Each deal unit's potential this trial, in deal order.
    deal_pot: Vec<f64>,
    /// Per slot and month: the sales deals add to the smooth flow, before
    /// the market multiplier and the rep's scale.
    slot_dev: Vec<f64>,
    /// Coverage x productivity x presence per rep and month.
    scale: Vec<f64>,
    pub rep_sales: Vec<f64>,
    /// Sales per rep and quarter (`r * quarters + q`).
    pub rep_quarter: Vec<f64>,
    pub team_month: Vec<f64>,
    /// Realised input of each risk, in the model's risk order: a shock's
    /// impact, an event's occurrence x impact, an account loss's lost sales
    /// (negative). Low is bad for all.
    pub inputs: Vec<f64>,
    /// Team sales with the risk switched off minus team sales, per risk.
    pub off_delta: Vec<f64>,
}

impl Scratch {
    pub fn new(plan: &Plan) -> Self {
        let k = plan.copula.len();
        let m = plan.months;
        let n_risks = plan.copula.len() + plan.losses.len();
        Scratch {
            e: vec![0.0; k],
            z: vec![0.0; k],
            x: vec![0.0; k],
            from: vec![0; k],
            gm: vec![0.0; plan.groups.len() * m],
            group_base: vec![0.0; plan.groups.len() * m],
            base: vec![0.0; plan.slots.len()],
            pot: if plan.losses.is_empty() && plan.deals.is_empty() && !plan.unit_detail {
                Vec::new()
            } else {
                plan.fixed_potential.clone()
            },
            loss: vec![0.0; plan.slots.len() * m],
            touched: Vec::new(),
            events: Vec::new(),
            rep_month: vec![0.0; plan.reps.len() * m],
            deal_eps: vec![0.0; plan.deals.len() * m],
            month_eps: vec![0.0; m],
            deal_special: Vec::new(),
            deal_special_events: Vec::new(),
            deal_pot: Vec::new(),
            slot_dev: if plan.deals.is_empty() {
                Vec::new()
            } else {
                vec![0.0; plan.slots.len() * m]
            },
            scale: vec![0.0; plan.reps.len() * m],
            rep_sales: vec![0.0; plan.reps.len()],
            rep_quarter: vec![0.0; plan.reps.len() * plan.quarters],
            team_month: vec![0.0; m],
            inputs: vec![0.0; n_risks],
            off_delta: vec![0.0; n_risks],
        }
    }
}

/// Group multiplier of month `m`, optionally leaving one risk out.
#[inline]
fn group_factor(members: &[usize], x: &[f64], from: &[usize], m: usize, skip: usize) -> f64 {
    let mut f = 1.0;
    for &k in members {
        if k != skip && m >= from[k] {
            f *= 1.0 + x[k];
        }
    }
    f.max(0.0)
}

/// One trial, `t` of its chunk: the draws of every purpose, in a fixed
/// order, and the sums they make (see `Scratch`'s public fields).
pub(crate) fn trial(
    plan: &Plan,
    rngs: &mut Rngs,
    t: u64,
    strata: Option<&Strata>,
    analytics: bool,
    s: &mut Scratch,
) {
    seek(plan, rngs, t);
    draw_market(plan, rngs, t, strata, s);
    draw_reps(plan, rngs, s);
    draw_potentials(plan, rngs, s);
    if !s.pot.is_empty() {
        draw_losses(plan, rngs, s);
        apply_losses(plan, s);
    }
    // A slot with several losing units was touched once per unit.
    s.touched.sort_unstable();
    s.touched.dedup();
    sum_slots(plan, s);
    if !plan.deals.is_empty() {
        draw_deals(plan, &mut rngs.deals, s);
    }
    sum_reps(plan, s);
    if analytics {
        attribute(plan, s);
    }
    let months = plan.months;
    for &slot in &s.touched {
        s.loss[slot as usize * months..(slot as usize + 1) * months].fill(0.0);
    }
    s.touched.clear();
}

/// Every stream to trial `t`'s offset, so the trial draws the same numbers
/// whatever ran before it.
#[inline(always)]
fn seek(plan: &Plan, rngs: &mut Rngs, t: u64) {
    seek_trial(&mut rngs.risks, t);
    seek_trial(&mut rngs.reps, t);
    seek_trial(&mut rngs.units, t);
    seek_trial(&mut rngs.losses, t);
    if !plan.deals.is_empty() {
        seek_trial(&mut rngs.deals, t);
    }
}

/// Market risks through the Gaussian copula: each risk's realised input
/// and first month, then each group's multiplier per month.
#[inline(always)]
fn draw_market(plan: &Plan, rngs: &mut Rngs, t: u64, strata: Option<&Strata>, s: &mut Scratch) {
    let months = plan.months;
    match strata {
        None => {
            for e in s.e.iter_mut() {
                *e = StandardNormal.sample(&mut rngs.risks);
            }
        }
        Some(st) => {
            for (k, e) in s.e.iter_mut().enumerate() {
                let u = (f64::from(st.perm[k][t as usize]) + rngs.risks.random::<f64>()) / st.size;
                *e = std_normal_quantile(u.clamp(f64::MIN_POSITIVE, 1.0 - f64::EPSILON));
            }
        }
    }
    match &plan.factor {
        Some(a) => {
            for i in 0..s.z.len() {
                s.z[i] = (0..s.e.len()).map(|j| a[(i, j)] * s.e[j]).sum();
            }
        }
        None => s.z.copy_from_slice(&s.e),
    }
    for (k, r) in plan.copula.iter().enumerate() {
        let u = std_normal_cdf(s.z[k]);
        match r.kind {
            CopulaKind::Shock => {
                s.x[k] = r.impact.quantile(u);
                s.from[k] = 0;
                s.inputs[plan.copula_risk[k]] = s.x[k];
            }
            CopulaKind::Event {
                probability,
                from,
                to,
            } => {
                // Month and size are drawn whether or not it happens, so
                // the draws stay aligned across scenarios.
                let month = rngs.risks.random_range(from..=to);
                s.x[k] = r.impact.sample(&mut rngs.risks);
                let happens = u < probability;
                s.from[k] = if happens { month as usize - 1 } else { months };
                s.inputs[plan.copula_risk[k]] = if happens { s.x[k] } else { 0.0 };
            }
        }
    }
    for (g, members) in plan.groups.iter().enumerate() {
        for m in 0..months {
            s.gm[g * months + m] =
                plan.seasonality[m] * group_factor(members, &s.x, &s.from, m, usize::MAX);
        }
    }
}

/// Reps: productivity, attrition, presence, coverage, as each rep's scale
/// per month.
#[inline(always)]
fn draw_reps(plan: &Plan, rngs: &mut Rngs, s: &mut Scratch) {
    let months = plan.months;
    for (r, rep) in plan.reps.iter().enumerate() {
        let prod = rep.productivity.sample(&mut rngs.reps).max(0.0);
        let leaves = rngs.reps.random::<f64>() < rep.leave_probability;
        let month = rngs.reps.random_range(rep.leave_from..=rep.leave_to);
        let presence = &rep.presence[if leaves { month } else { 0 }];
        let c = rep.coverage * prod;
        for (out, &e) in s.scale[r * months..(r + 1) * months]
            .iter_mut()
            .zip(presence)
        {
            *out = c * e;
        }
    }
}

/// Potentials, summed per slot (and kept per unit when losses, deals or
/// unit detail read them again).
#[inline(always)]
fn draw_potentials(plan: &Plan, rngs: &mut Rngs, s: &mut Scratch) {
    s.base.copy_from_slice(&plan.fixed_base);
    let keep = !s.pot.is_empty();
    for i in 0..plan.ln_loc.len() {
        let z: f64 = StandardNormal.sample(&mut rngs.units);
        let p = (plan.ln_loc[i] + plan.ln_sigma[i] * z).exp();
        s.base[plan.ln_slot[i] as usize] += p;
        if keep {
            s.pot[plan.ln_unit[i] as usize] = p;
        }
    }
    for (u, slot, d) in &plan.other {
        let p = d.sample(&mut rngs.units).max(0.0);
        s.base[*slot as usize] += p;
        if keep {
            s.pot[*u as usize] = p;
        }
    }
}

/// Key-account losses: each unit in scope independently, as events
/// (unit, slot, share lost, month, loss risk).
#[inline(always)]
fn draw_losses(plan: &Plan, rngs: &mut Rngs, s: &mut Scratch) {
    let months = plan.months;
    s.events.clear();
    for (li, l) in plan.losses.iter().enumerate() {
        s.inputs[plan.loss_risk[li]] = 0.0;
        s.off_delta[plan.loss_risk[li]] = 0.0;
        // Skip ahead geometrically to the next unit that loses: the same
        // law as one Bernoulli draw per unit, with far fewer draws.
        if l.probability <= 0.0 {
            continue;
        }
        let log_q = (-l.probability).ln_1p();
        let mut i = 0usize;
        loop {
            if l.probability < 1.0 {
                let u: f64 = 1.0 - rngs.losses.random::<f64>();
                let skip = (u.ln() / log_q).floor();
                if skip >= (l.units.len() - i) as f64 {
                    break;
                }
                i += skip as usize;
            }
            if i >= l.units.len() {
                break;
            }
            let (u, slot) = l.units[i];
            let f = l.impact.sample(&mut rngs.losses).clamp(0.0, 1.0);
            let month = rngs.losses.random_range(1..=months as u32);
            s.events.push((u, slot, f, month, li as u32));
            i += 1;
        }
    }
}

/// What the losses take from their slots per month, and each loss risk's
/// realised input; the slots touched are noted to be reset.
#[inline(always)]
fn apply_losses(plan: &Plan, s: &mut Scratch) {
    if s.events.is_empty() {
        return;
    }
    let months = plan.months;
    s.events.sort_by_key(|e| e.0);
    let mut i = 0;
    while i < s.events.len() {
        let u = s.events[i].0;
        let mut j = i;
        while j < s.events.len() && s.events[j].0 == u {
            j += 1;
        }
        let slot = s.events[i].1 as usize;
        let p = s.pot[u as usize];
        let row = &mut s.loss[slot * months..(slot + 1) * months];
        for (m, out) in row.iter_mut().enumerate() {
            let mut keep_share = 1.0;
            for &(_, _, f, l, _) in &s.events[i..j] {
                if m + 1 >= l as usize {
                    keep_share *= 1.0 - f;
                }
            }
            *out += p * (1.0 - keep_share);
        }
        for &(_, _, f, l, li) in &s.events[i..j] {
            s.inputs[plan.loss_risk[li as usize]] -= p * f * plan.season_tail[l as usize - 1];
        }
        s.touched.push(slot as u32);
        i = j;
    }
}

/// Sum per rep and month of each slot's potential under its group's
/// multiplier, less what losses took.
#[inline(always)]
fn sum_slots(plan: &Plan, s: &mut Scratch) {
    let months = plan.months;
    s.rep_month.fill(0.0);
    for (slot, &(r, g)) in plan.slots.iter().enumerate() {
        let b = s.base[slot];
        let gm = &s.gm[g as usize * months..(g as usize + 1) * months];
        let rm = &mut s.rep_month[r as usize * months..(r as usize + 1) * months];
        for m in 0..months {
            rm[m] += gm[m] * b;
        }
    }
    for &slot in &s.touched {
        let (r, g) = plan.slots[slot as usize];
        let slot = slot as usize;
        let gm = &s.gm[g as usize * months..(g as usize + 1) * months];
        let rm = &mut s.rep_month[r as usize * months..(r as usize + 1) * months];
        let loss = &s.loss[slot * months..(slot + 1) * months];
        for m in 0..months {
            rm[m] -= gm[m] * loss[m];
        }
    }
}

/// Each rep's sales (scaled by the rep; booked ones in closed months) per
/// month into its total, its quarters and the team's months.
#[inline(always)]
fn sum_reps(plan: &Plan, s: &mut Scratch) {
    let months = plan.months;
    s.team_month.fill(0.0);
    let nq = plan.quarters;
    for r in 0..plan.reps.len() {
        let rm = &s.rep_month[r * months..(r + 1) * months];
        let sc = &s.scale[r * months..(r + 1) * months];
        let rq = &mut s.rep_quarter[r * nq..(r + 1) * nq];
        rq.fill(0.0);
        let mut total = 0.0;
        let known = plan.actual_months;
        for m in 0..months {
            let v = if m < known {
                plan.actual_rep_month[r * known + m]
            } else {
                sc[m] * rm[m]
            };
            s.team_month[m] += v;
            rq[plan.quarter_of[m]] += v;
            total += v;
        }
        s.rep_sales[r] = total;
    }
}

/// Each unit's sales in the trial just run (open months only), for
/// backtests by unit: potential × market × coverage × productivity ×
/// presence × what account losses left × the deal draw, per month.
pub(crate) fn unit_totals(plan: &Plan, s: &Scratch, out: &mut [f64]) {
    let months = plan.months;
    let mut ev = 0;
    for (u, &slot) in plan.unit_slot.iter().enumerate() {
        out[u] = 0.0;
        while ev < s.events.len() && (s.events[ev].0 as usize) < u {
            ev += 1;
        }
        let mut end = ev;
        while end < s.events.len() && s.events[end].0 as usize == u {
            end += 1;
        }
        if slot == u32::MAX {
            continue;
        }
        let (r, g) = plan.slots[slot as usize];
        let (r, g) = (r as usize, g as usize);
        let p = s.pot[u];
        let eps = plan
            .deal_of_unit
            .get(u)
            .filter(|&&d| d != u32::MAX)
            .map(|&d| &s.deal_eps[d as usize * months..(d as usize + 1) * months]);
        let mut total = 0.0;
        for m in plan.actual_months..months {
            let mut keep = 1.0;
            for &(_, _, f, l, _) in &s.events[ev..end] {
                if m + 1 >= l as usize {
                    keep *= 1.0 - f;
                }
            }
            let e = eps.map_or(1.0, |e| e[m]);
            total += s.scale[r * months + m] * s.gm[g * months + m] * p * keep * e;
        }
        out[u] = total;
        ev = end;
    }
}

/// Deal lumpiness: each deal unit's month is a compound Poisson sum of
/// log-normal deals whose mean is the smooth flow, so the draw enters as
/// the smooth flow times `eps` (mean 1). Account losses scale the flow
/// before the deals are drawn, and the deal counts do not depend on the
/// flow, so switching a risk off scales a unit's deal sales like its flow.
/// With the run's deal tables a month takes one table draw; without them
/// every deal is drawn.
///
/// The deviations from the flow (potential × what losses left × (eps − 1))
/// are summed per slot, the market multiplier being the slot's, and each
/// deal slot's sum enters its rep's months once: a unit-month costs one
/// table draw and one addition, and the slot sums are what the risk
/// analytics need anyway.
#[inline(never)]
fn draw_deals(plan: &Plan, rng: &mut ChaCha8Rng, s: &mut Scratch) {
    let months = plan.months;
    let mut fast = Wyrand::new(rng.next_u64());
    s.slot_dev.fill(0.0);
    match &plan.deal_tables {
        Some(t) => table_deals(plan, t, &mut fast, s),
        None => exact_deals(plan, rng, s),
    }
    for &slot in &plan.deal_slots {
        let slot = slot as usize;
        let (r, g) = plan.slots[slot];
        let (r, g) = (r as usize, g as usize);
        let gm = &s.gm[g * months..(g + 1) * months];
        let rm = &mut s.rep_month[r * months..(r + 1) * months];
        let sd = &s.slot_dev[slot * months..(slot + 1) * months];
        for m in 0..months {
            rm[m] += gm[m] * sd[m];
        }
    }
}

/// Deal draws from the run's tables, a word's four months at a time over all units
/// (see [`DealTables::add_pass`]). Units whose draws are read again
/// (account-loss attribution for a unit with losses this trial, backtests
/// by unit) take their turn in the same pass and record their draws; a
/// unit with losses adds its flow scaled by what the losses left.
fn table_deals(plan: &Plan, t: &DealTables, rng: &mut Wyrand, s: &mut Scratch) {
    let months = plan.months;
    // The units read again, in deal order, with their events.
    let (special, ranges) = (&mut s.deal_special, &mut s.deal_special_events);
    special.clear();
    ranges.clear();
    if plan.unit_detail {
        let mut ev = 0;
        for (d, du) in plan.deals.iter().enumerate() {
            while ev < s.events.len() && s.events[ev].0 < du.unit {
                ev += 1;
            }
            let mut end = ev;
            while end < s.events.len() && s.events[end].0 == du.unit {
                end += 1;
            }
            special.push(d as u32);
            ranges.push((ev as u32, end as u32));
            ev = end;
        }
    } else {
        let mut ev = 0;
        while ev < s.events.len() {
            let u = s.events[ev].0;
            let mut end = ev;
            while end < s.events.len() && s.events[end].0 == u {
                end += 1;
            }
            let d = plan
                .deal_of_unit
                .get(u as usize)
                .copied()
                .unwrap_or(u32::MAX);
            if d != u32::MAX {
                special.push(d);
                ranges.push((ev as u32, end as u32));
            }
            ev = end;
        }
    }
    let rows = t.row_tables();
    t.deal_potentials(&s.pot, &mut s.deal_pot);
    let (special, ranges, events, eps) = (
        &s.deal_special,
        &s.deal_special_events,
        &s.events,
        &mut s.deal_eps,
    );
    // What the unit's losses leave of its flow in month `m`, recording its
    // draws.
    let mut kept = |i: usize, m: usize, dev: &[f64], keep: &mut [f64]| {
        let (d, (a, b)) = (special[i] as usize, ranges[i]);
        for (k, dev) in dev.iter().enumerate() {
            keep[k] = 1.0;
            for &(_, _, f, l, _) in &events[a as usize..b as usize] {
                if m + k + 1 >= l as usize {
                    keep[k] *= 1.0 - f;
                }
            }
            eps[d * months + m + k] = 1.0 + dev;
        }
    };
    // Passes of a word's months, then what is left over.
    let mut m = 0;
    while m < months {
        let (pot, out) = (&s.deal_pot, &mut s.slot_dev);
        macro_rules! pass {
            ($n:literal) => {
                t.add_pass::<$n>(&rows, m, pot, rng, out, special, |i, dev| {
                    let mut keep = [1.0; $n];
                    kept(i, m, &dev, &mut keep);
                    keep
                })
            };
        }
        // The arms below cover every pass length up to a word's months.
        const _: () = assert!(WORD_MONTHS == 4);
        let n = (months - m).min(WORD_MONTHS);
        match n {
            4 => pass!(4),
            3 => pass!(3),
            2 => pass!(2),
            _ => pass!(1),
        }
        m += n;
    }
}

/// Every deal drawn: a Poisson count per month, a log-normal per deal.
fn exact_deals(plan: &Plan, rng: &mut ChaCha8Rng, s: &mut Scratch) {
    let months = plan.months;
    let mut ev = 0;
    let e = &mut s.month_eps;
    for (d, du) in plan.deals.iter().enumerate() {
        let u = du.unit as usize;
        let p = s.pot[u];
        while ev < s.events.len() && s.events[ev].0 < du.unit {
            ev += 1;
        }
        let mut end = ev;
        while end < s.events.len() && s.events[end].0 == du.unit {
            end += 1;
        }
        let slot = du.slot as usize;
        let sd = &mut s.slot_dev[slot * months..(slot + 1) * months];
        let events = &s.events[ev..end];
        ev = end;
        let rates = &plan.deal_rate[d * months..(d + 1) * months];
        let inv = &plan.deal_inv_rate[d * months..(d + 1) * months];
        let p0 = &plan.deal_p0[d * months..(d + 1) * months];
        for m in 0..months {
            e[m] = if inv[m] > 0.0 {
                let n = poisson(rng, rates[m], p0[m]);
                let mut sum = 0.0;
                if du.ln_sigma == 0.0 {
                    sum = n as f64;
                } else {
                    for _ in 0..n {
                        let z: f64 = StandardNormal.sample(rng);
                        sum += exp(du.ln_mu + du.ln_sigma * z);
                    }
                }
                sum * inv[m]
            } else {
                1.0
            };
        }
        for m in 0..months {
            let mut keep = 1.0;
            for &(_, _, f, l, _) in events {
                if m + 1 >= l as usize {
                    keep *= 1.0 - f;
                }
            }
            sd[m] += p * keep * (e[m] - 1.0);
        }
        // Kept only where it is read again: account-loss attribution (a
        // unit with losses this trial) and backtests by unit.
        if plan.unit_detail || !events.is_empty() {
            s.deal_eps[d * months..(d + 1) * months].copy_from_slice(e);
        }
    }
}

/// A Poisson draw with mean `mean` and `p0 = exp(-mean)`: inversion from
/// one uniform for the small means deal rates have (a multiplication per
/// step), the library's rejection sampler for large ones.
#[inline]
fn poisson(rng: &mut ChaCha8Rng, mean: f64, p0: f64) -> u64 {
    if mean < INVERSION_MAX {
        let u: f64 = rng.random();
        let mut p = p0;
        let mut cdf = p;
        let mut k = 0usize;
        while u > cdf && p > 0.0 {
            k += 1;
            p *= mean * RECIPROCAL[k];
            cdf += p;
        }
        k as u64
    } else {
        rand_distr::Poisson::new(mean).map_or(0, |d| d.sample(rng) as u64)
    }
}

/// Inversion walks at most this far past the mean before the probabilities
/// underflow; above it the rejection sampler is faster anyway.
const INVERSION_MAX: f64 = 30.0;

/// `1 / k`, so inversion multiplies instead of dividing. Long enough for
/// every count inversion can reach below [`INVERSION_MAX`] (the
/// probabilities underflow to zero well before 256).
static RECIPROCAL: [f64; 256] = {
    let mut r = [0.0; 256];
    let mut k = 1;
    while k < 256 {
        r[k] = 1.0 / k as f64;
        k += 1;
    }
    r
};

/// `e^x` without a library call, for deal sizes (many per unit-trial):
/// `2^k e^r` with `r = x - k ln 2` in two parts (Cody–Waite) and a degree-13
/// Taylor polynomial on |r| <= ln2/2, within 1 ulp of `f64::exp` on the
/// range log deal sizes take; outside [-700, 700] it defers to `f64::exp`.
// The Cody–Waite constants are kept digit-for-digit as published (fdlibm)
// so they can be audited; the f64 values are the same.
#[allow(clippy::excessive_precision)]
#[inline]
pub(crate) fn exp(x: f64) -> f64 {
    const LN2_HI: f64 = 0.693_147_180_369_123_816_49;
    const LN2_LO: f64 = 1.908_214_929_270_587_700_02e-10;
    if !(-700.0..=700.0).contains(&x) {
        return x.exp();
    }
    // Round to nearest by the 1.5 * 2^52 trick (no library call).
    const SHIFT: f64 = 6_755_399_441_055_744.0;
    let k = (x * std::f64::consts::LOG2_E + SHIFT) - SHIFT;
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // 1 + r + r^2 (1/2! + r/3! + ... + r^11/13!), the bracket by Estrin's
    // scheme (pairs, then pairs of pairs by r^2 and r^4: four
    // multiplications deep where Horner's rule is thirteen, so the deals
    // of a month overlap), and the 1 added last, as Horner's rule would,
    // to keep its accuracy.
    let c = &INV_FACT;
    let (r2, r4) = (r * r, r * r * (r * r));
    let pair = |i: usize| c[i] + c[i + 1] * r;
    let q0 = pair(2) + pair(4) * r2;
    let q1 = pair(6) + pair(8) * r2;
    let q2 = pair(10) + pair(12) * r2;
    let q = q0 + (q1 + q2 * r4) * r4;
    let p = 1.0 + (r + r2 * q);
    f64::from_bits(p.to_bits().wrapping_add(((k as i64) << 52) as u64))
}

/// 1/i! for i = 0..=13.
const INV_FACT: [f64; 14] = {
    let mut f = [1.0; 14];
    let mut i = 1;
    while i < 14 {
        f[i] = f[i - 1] / i as f64;
        i += 1;
    }
    f
};

/// Team sales with each risk switched off, as a difference from the actual:
/// only the slots a risk reaches are recomputed, with the same draws.
fn attribute(plan: &Plan, s: &mut Scratch) {
    let months = plan.months;
    // Each group's rep-scaled sales before its market multiplier: switching
    // a risk off changes only the multiplier of the groups it reaches.
    s.group_base.fill(0.0);
    for (slot, &(r, g)) in plan.slots.iter().enumerate() {
        let (r, g) = (r as usize, g as usize);
        let b = s.base[slot];
        let loss = &s.loss[slot * months..(slot + 1) * months];
        let sc = &s.scale[r * months..(r + 1) * months];
        let w = &mut s.group_base[g * months..(g + 1) * months];
        for m in 0..months {
            w[m] += sc[m] * (b - loss[m]);
        }
    }
    if !s.slot_dev.is_empty() {
        for (slot, &(r, g)) in plan.slots.iter().enumerate() {
            let (r, g) = (r as usize, g as usize);
            let dev = &s.slot_dev[slot * months..(slot + 1) * months];
            let sc = &s.scale[r * months..(r + 1) * months];
            let w = &mut s.group_base[g * months..(g + 1) * months];
            for m in 0..months {
                w[m] += sc[m] * dev[m];
            }
        }
    }
    for (k, groups) in plan.groups_of_copula.iter().enumerate() {
        let ri = plan.copula_risk[k];
        s.off_delta[ri] = 0.0;
        if s.from[k] >= months || s.x[k] == 0.0 {
            continue;
        }
        let mut delta = 0.0;
        for &g in groups {
            let g = g as usize;
            let members = &plan.groups[g];
            for m in s.from[k].max(plan.actual_months)..months {
                let off = plan.seasonality[m] * group_factor(members, &s.x, &s.from, m, k);
                delta += (off - s.gm[g * months + m]) * s.group_base[g * months + m];
            }
        }
        s.off_delta[ri] = delta;
    }
    // Account losses: restore what one risk took, keeping the others.
    let mut i = 0;
    while i < s.events.len() {
        let u = s.events[i].0;
        let mut j = i;
        while j < s.events.len() && s.events[j].0 == u {
            j += 1;
        }
        let slot = s.events[i].1 as usize;
        let (r, g) = plan.slots[slot];
        let (r, g) = (r as usize, g as usize);
        let p = s.pot[u as usize];
        let eps = plan
            .deal_of_unit
            .get(u as usize)
            .filter(|&&d| d != u32::MAX)
            .map(|&d| &s.deal_eps[d as usize * months..(d as usize + 1) * months]);
        for a in i..j {
            let li = s.events[a].4;
            if s.events[i..a].iter().any(|e| e.4 == li) {
                continue;
            }
            let mut delta = 0.0;
            // Closed months are booked: no risk changes them.
            for m in plan.actual_months..months {
                let (mut all, mut without) = (1.0, 1.0);
                for &(_, _, f, l, lj) in &s.events[i..j] {
                    if m + 1 >= l as usize {
                        all *= 1.0 - f;
                        if lj != li {
                            without *= 1.0 - f;
                        }
                    }
                }
                let e = eps.map_or(1.0, |e| e[m]);
                delta += s.scale[r * months + m] * s.gm[g * months + m] * p * (without - all) * e;
            }
            s.off_delta[plan.loss_risk[li as usize]] += delta;
        }
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn fast_exp_is_within_one_ulp_of_the_library() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut worst: f64 = 0.0;
        for i in 0..200_000 {
            let x = if i < 100_000 {
                rng.random::<f64>() * 60.0 - 40.0
            } else {
                rng.random::<f64>() * 1400.0 - 700.0
            };
            let (got, want) = (exp(x), x.exp());
            let ulp = f64::from_bits(want.to_bits() + 1) - want;
            worst = worst.max((got - want).abs() / ulp);
        }
        assert!(worst <= 1.0, "worst error {worst} ulp");
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-800.0), 0.0);
        assert!(exp(800.0).is_infinite());
    }

    #[test]
    fn poisson_inversion_matches_the_probabilities() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let mean = 2.5;
        let n = 400_000;
        let mut counts = [0u64; 12];
        for _ in 0..n {
            let k = poisson(&mut rng, mean, (-mean).exp()) as usize;
            counts[k.min(11)] += 1;
        }
        let mut p = (-mean).exp();
        for (k, &c) in counts.iter().enumerate().take(8) {
            let got = c as f64 / n as f64;
            let se = (p * (1.0 - p) / n as f64).sqrt();
            assert!((got - p).abs() <= 4.5 * se, "P(N = {k}): {got} vs {p}");
            p *= mean / (k + 1) as f64;
        }
    }
}
