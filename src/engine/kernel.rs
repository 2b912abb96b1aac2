//! One trial: DESIGN §1's formula, evaluated per (rep, group) slot.

use super::plan::{CopulaKind, Plan};
use super::streams::seek_trial;
use crate::model::dist::std_normal_cdf;
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

/// Per-trial working memory, reused across the trials of a chunk.
pub(crate) struct Scratch {
    e: Vec<f64>,
    z: Vec<f64>,
    /// Copula driver of each shock/event (uniform; low = bad side).
    pub drivers: Vec<f64>,
    x: Vec<f64>,
    /// First active month index of each copula risk (months = never).
    from: Vec<usize>,
    gm: Vec<f64>,
    base: Vec<f64>,
    pot: Vec<f64>,
    loss: Vec<f64>,
    touched: Vec<u32>,
    events: Vec<(u32, u32, f64, u32)>,
    rep_month: Vec<f64>,
    pub rep_sales: Vec<f64>,
    pub team_month: Vec<f64>,
}

impl Scratch {
    pub fn new(plan: &Plan) -> Self {
        let k = plan.copula.len();
        let m = plan.months;
        Scratch {
            e: vec![0.0; k],
            z: vec![0.0; k],
            drivers: vec![0.0; k],
            x: vec![0.0; k],
            from: vec![0; k],
            gm: vec![0.0; plan.groups.len() * m],
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
            rep_sales: vec![0.0; plan.reps.len()],
            team_month: vec![0.0; m],
        }
    }
}

pub(crate) fn trial(plan: &Plan, rngs: &mut Rngs, t: u64, s: &mut Scratch) {
    let months = plan.months;
    seek_trial(&mut rngs.risks, t);
    seek_trial(&mut rngs.reps, t);
    seek_trial(&mut rngs.units, t);
    seek_trial(&mut rngs.losses, t);

    // Market risks through the Gaussian copula.
    for e in s.e.iter_mut() {
        *e = StandardNormal.sample(&mut rngs.risks);
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
        s.drivers[k] = u;
        match r.kind {
            CopulaKind::Shock => {
                s.x[k] = r.impact.quantile(u);
                s.from[k] = 0;
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
                s.from[k] = if u < probability {
                    month as usize - 1
                } else {
                    months
                };
            }
        }
    }
    for (g, members) in plan.groups.iter().enumerate() {
        let row = &mut s.gm[g * months..(g + 1) * months];
        for (m, out) in row.iter_mut().enumerate() {
            let mut f = 1.0;
            for &k in members {
                if m >= s.from[k] {
                    f *= 1.0 + s.x[k];
                }
            }
            *out = plan.seasonality[m] * f.max(0.0);
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
        for l in &plan.losses {
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
                s.events.push((u, slot, f, month));
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
                    for &(_, _, f, l) in &s.events[i..j] {
                        if m + 1 >= l as usize {
                            keep_share *= 1.0 - f;
                        }
                    }
                    *out += p * (1.0 - keep_share);
                }
                s.touched.push(slot as u32);
                i = j;
            }
        }
    }

    // Sum per rep and month.
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
        let loss = &mut s.loss[slot * months..(slot + 1) * months];
        for m in 0..months {
            rm[m] -= gm[m] * loss[m];
            loss[m] = 0.0;
        }
    }
    s.touched.clear();

    // Reps: productivity, attrition, presence, coverage.
    s.team_month.fill(0.0);
    for (r, rep) in plan.reps.iter().enumerate() {
        let prod = rep.productivity.sample(&mut rngs.reps).max(0.0);
        let leaves = rngs.reps.random::<f64>() < rep.leave_probability;
        let month = rngs.reps.random_range(rep.leave_from..=months);
        let presence = &rep.presence[if leaves { month } else { 0 }];
        let scale = rep.coverage * prod;
        let rm = &s.rep_month[r * months..(r + 1) * months];
        let mut total = 0.0;
        for m in 0..months {
            let v = scale * presence[m] * rm[m];
            s.team_month[m] += v;
            total += v;
        }
        s.rep_sales[r] = total;
    }
}
