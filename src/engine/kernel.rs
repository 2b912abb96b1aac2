//! One trial: DESIGN §1's formula, evaluated per (rep, group) slot, plus
//! what the risk analytics need from the same random numbers: each risk's
//! realised input and the team total with that risk switched off.

use super::plan::{CopulaKind, Plan};
use super::streams::seek_trial;
use crate::model::dist::{std_normal_cdf, std_normal_quantile};
use rand::RngExt;
use rand::rngs::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// The chunk's generators, one per purpose.
pub(crate) struct Rngs {
    pub risks: ChaCha8Rng,
    pub reps: ChaCha8Rng,
    pub units: ChaCha8Rng,
    pub losses: ChaCha8Rng,
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
            pot: if plan.losses.is_empty() {
                Vec::new()
            } else {
                plan.fixed_potential.clone()
            },
            loss: vec![0.0; plan.slots.len() * m],
            touched: Vec::new(),
            events: Vec::new(),
            rep_month: vec![0.0; plan.reps.len() * m],
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

pub(crate) fn trial(
    plan: &Plan,
    rngs: &mut Rngs,
    t: u64,
    strata: Option<&Strata>,
    analytics: bool,
    s: &mut Scratch,
) {
    let months = plan.months;
    seek_trial(&mut rngs.risks, t);
    seek_trial(&mut rngs.reps, t);
    seek_trial(&mut rngs.units, t);
    seek_trial(&mut rngs.losses, t);

    // Market risks through the Gaussian copula.
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

    // Reps: productivity, attrition, presence, coverage.
    for (r, rep) in plan.reps.iter().enumerate() {
        let prod = rep.productivity.sample(&mut rngs.reps).max(0.0);
        let leaves = rngs.reps.random::<f64>() < rep.leave_probability;
        let month = rngs.reps.random_range(rep.leave_from..=months);
        let presence = &rep.presence[if leaves { month } else { 0 }];
        let c = rep.coverage * prod;
        for (out, &e) in s.scale[r * months..(r + 1) * months]
            .iter_mut()
            .zip(presence)
        {
            *out = c * e;
        }
    }

    // Potentials.
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

    // Key-account losses: each unit in scope independently.
    if keep {
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
        if !s.events.is_empty() {
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
                    s.inputs[plan.loss_risk[li as usize]] -=
                        p * f * plan.season_tail[l as usize - 1];
                }
                s.touched.push(slot as u32);
                i = j;
            }
        }
    }

    // A slot with several losing units was touched once per unit.
    s.touched.sort_unstable();
    s.touched.dedup();

    // Sum per rep and month, then scale by the rep.
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
    s.team_month.fill(0.0);
    let nq = plan.quarters;
    for r in 0..plan.reps.len() {
        let rm = &s.rep_month[r * months..(r + 1) * months];
        let sc = &s.scale[r * months..(r + 1) * months];
        let rq = &mut s.rep_quarter[r * nq..(r + 1) * nq];
        rq.fill(0.0);
        let mut total = 0.0;
        for m in 0..months {
            let v = sc[m] * rm[m];
            s.team_month[m] += v;
            rq[plan.quarter_of[m]] += v;
            total += v;
        }
        s.rep_sales[r] = total;
    }

    if analytics {
        attribute(plan, s);
    }
    for &slot in &s.touched {
        s.loss[slot as usize * months..(slot as usize + 1) * months].fill(0.0);
    }
    s.touched.clear();
}

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
            for m in s.from[k]..months {
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
        for a in i..j {
            let li = s.events[a].4;
            if s.events[i..a].iter().any(|e| e.4 == li) {
                continue;
            }
            let mut delta = 0.0;
            for m in 0..months {
                let (mut all, mut without) = (1.0, 1.0);
                for &(_, _, f, l, lj) in &s.events[i..j] {
                    if m + 1 >= l as usize {
                        all *= 1.0 - f;
                        if lj != li {
                            without *= 1.0 - f;
                        }
                    }
                }
                delta += s.scale[r * months + m] * s.gm[g * months + m] * p * (without - all);
            }
            s.off_delta[plan.loss_risk[li as usize]] += delta;
        }
        i = j;
    }
}
