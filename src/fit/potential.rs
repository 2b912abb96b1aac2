//! Each unit's potential and potential_cv, and the spread of rep
//! productivity.
//!
//! A unit's year, divided by the team's (which takes out the trend and the
//! market), is its share of the team. Its level is the mean share over
//! its whole years (not the year it was won or lost), projected with the
//! team's trend; thin units are shrunk (in logs) toward their segment.
//!
//! The relative variance V of a unit's year around its level has three
//! parts: the rep's year (productivity, common to the rep's units: taken
//! out as the rep-year mean), deal noise (compound Poisson: k = (1 + c²)/λ
//! for λ deals of size cv c) and the potential's own year-to-year cv:
//! V = cv² + (1 + cv²)·k. So cv² = (V − k)/(1 + k) per unit; one unit's
//! few years say little, so cv² is pooled within the segment (empirical
//! Bayes). Productivity: the variance of the rep-year means less what unit
//! noise explains (a one-way random-effects ANOVA).

use super::Estimate;
use super::deals::UnitDeals;
use super::panel::Panel;
use super::shrink::{Noisy, shrink};
use crate::history::NONE;
use std::collections::HashMap;

pub struct Levels {
    /// Annual potential for the year after the history, per unit (`None`
    /// for a unit with no sales in any full year).
    pub potential: Vec<Option<Estimate>>,
    /// potential_cv per unit (its segment's, shrunk).
    pub cv: Vec<Estimate>,
    /// potential_cv per group (segment).
    pub group_cv: Vec<Estimate>,
    pub productivity_cv: Estimate,
    /// Variance of the team's log total explained by unit noise.
    pub team_noise: f64,
}

pub fn fit(
    p: &Panel,
    index: &[f64],
    next: f64,
    deals: &[UnitDeals],
    group: &[usize],
    groups: usize,
) -> Levels {
    let t = p.blocks;
    let share = |u: usize, k: usize| p.total(u, k) / index[k];
    // Levels over whole years, else over any active year.
    let mut level = vec![0.0; p.units];
    let mut years = vec![0usize; p.units];
    let mut steady_blocks: Vec<Vec<usize>> = vec![Vec::new(); p.units];
    for u in 0..p.units {
        let steady: Vec<usize> = (0..t).filter(|&k| p.steady(u, k)).collect();
        let used: Vec<usize> = if steady.is_empty() {
            (0..t).filter(|&k| p.active(u, k)).collect()
        } else {
            steady.clone()
        };
        if !used.is_empty() {
            level[u] = used.iter().map(|&k| share(u, k)).sum::<f64>() / used.len() as f64;
        }
        years[u] = used.len();
        steady_blocks[u] = steady;
    }
    // Relative deviations, and rep-year groups.
    let mut dev: HashMap<(usize, usize), f64> = HashMap::new();
    let mut rep_years: HashMap<(u32, usize), Vec<usize>> = HashMap::new();
    for u in 0..p.units {
        if steady_blocks[u].len() < 2 {
            continue;
        }
        for &k in &steady_blocks[u] {
            dev.insert((u, k), share(u, k) / level[u] - 1.0);
            let owner = p.owner[u * t + k];
            if owner != NONE {
                rep_years.entry((owner, k)).or_default().push(u);
            }
        }
    }
    let mut rep_effect: Vec<(f64, Vec<(usize, f64)>)> = Vec::new();
    let mut corrected: HashMap<(usize, usize), f64> = HashMap::new();
    let mut keys: Vec<&(u32, usize)> = rep_years.keys().collect();
    keys.sort_unstable();
    for key in keys {
        let members = &rep_years[key];
        let k = key.1;
        if members.len() < 2 {
            continue;
        }
        let total: f64 = members.iter().map(|&u| level[u]).sum();
        let weights: Vec<(usize, f64)> = members.iter().map(|&u| (u, level[u] / total)).collect();
        let rho: f64 = weights.iter().map(|&(u, w)| w * dev[&(u, k)]).sum();
        let sum_w2: f64 = weights.iter().map(|(_, w)| w * w).sum();
        for &(u, w) in &weights {
            let e = dev[&(u, k)] - rho;
            corrected.insert((u, k), e * e / (1.0 - 2.0 * w + sum_w2).max(0.05));
        }
        rep_effect.push((rho, weights));
    }
    // Per unit: cv² = (V − k)/(1 + k).
    let mut cv2 = Vec::with_capacity(p.units);
    let mut deal_k = vec![0.0; p.units];
    for u in 0..p.units {
        let d = &deals[u];
        let lambda = d.per_year.value.max(1e-9);
        let bias = 1.0 - 1.0 / (d.per_year.n.max(2) as f64);
        let k = (1.0 + d.size_cv.value.powi(2)) / lambda * bias;
        deal_k[u] = k;
        let s = &steady_blocks[u];
        if s.len() < 2 {
            cv2.push(Noisy {
                group: group[u],
                x: 0.0,
                var: f64::INFINITY,
            });
            continue;
        }
        let sum: f64 = s
            .iter()
            .map(|&kk| {
                corrected
                    .get(&(u, kk))
                    .copied()
                    .unwrap_or_else(|| dev[&(u, kk)].powi(2))
            })
            .sum();
        let v = sum / (s.len() - 1) as f64;
        cv2.push(Noisy {
            group: group[u],
            x: (v - k) / (1.0 + k),
            var: 2.0 * v * v / (s.len() - 1) as f64 / (1.0 + k).powi(2),
        });
    }
    let (cv2_post, cv2_groups) = shrink(&cv2, groups);
    let to_cv = |c2: f64, var: f64, n: usize, method: String| {
        let c = c2.max(0.0).sqrt();
        Estimate {
            value: c,
            se: if c > 0.01 {
                var.sqrt() / (2.0 * c)
            } else {
                var.sqrt().sqrt()
            },
            n,
            method,
        }
    };
    let group_cv: Vec<Estimate> = cv2_groups
        .iter()
        .map(|g| {
            to_cv(
                g.mean,
                g.se * g.se,
                g.n,
                format!("year-to-year variation of {} unit(s) beyond deal noise and rep years, pooled (empirical Bayes)", g.n),
            )
        })
        .collect();
    let cv: Vec<Estimate> = (0..p.units)
        .map(|u| {
            let (c2, var) = cv2_post[u];
            to_cv(
                c2,
                var,
                steady_blocks[u].len(),
                "the segment's year-to-year cv, shrunk by the unit's own years (empirical Bayes)"
                    .into(),
            )
        })
        .collect();
    // Unit noise variance (relative) for ANOVA and the team's shock.
    let unit_var = |u: usize| {
        let c2 = cv2_post[u].0.max(0.0);
        c2 + (1.0 + c2) * deal_k[u]
    };
    let mut terms = Vec::new();
    for (rho, weights) in &rep_effect {
        let v: f64 = weights.iter().map(|&(u, w)| w * w * unit_var(u)).sum();
        terms.push(rho * rho - v);
    }
    let n = terms.len();
    let mean = if n > 0 {
        terms.iter().sum::<f64>() / n as f64
    } else {
        0.0
    };
    let sd = if n > 1 {
        (terms.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
    } else {
        f64::NAN
    };
    let productivity_cv = to_cv(
        mean,
        sd * sd / n.max(1) as f64,
        n,
        format!(
            "spread of {n} rep-year means of their units' deviations, less unit noise (random-effects ANOVA)"
        ),
    );
    // The team index is a sum of units: its relative variance from them.
    let mut team_noise = 0.0;
    let total: f64 = level.iter().sum();
    if total > 0.0 {
        for u in 0..p.units {
            if years[u] > 0 {
                team_noise += (level[u] / total).powi(2) * unit_var(u);
            }
        }
    }
    // Potential: level × next year's index, shrunk in logs.
    let logs: Vec<Noisy> = (0..p.units)
        .map(|u| {
            if level[u] <= 0.0 {
                return Noisy {
                    group: group[u],
                    x: 0.0,
                    var: f64::INFINITY,
                };
            }
            Noisy {
                group: group[u],
                x: level[u].ln(),
                var: (unit_var(u) + productivity_cv.value.powi(2)) / years[u] as f64,
            }
        })
        .collect();
    let (log_post, _) = shrink(&logs, groups);
    // Shrinking in logs pulls toward a geometric centre, below the mean:
    // shrinkage should move potential between units, not lose it, so the
    // shrunk levels are rescaled to the unshrunk total.
    let (raw, shrunk) = (0..p.units)
        .filter(|&u| level[u] > 0.0)
        .fold((0.0, 0.0), |(a, b), u| {
            (a + level[u], b + log_post[u].0.exp())
        });
    let keep_total = if shrunk > 0.0 { raw / shrunk } else { 1.0 };
    let potential = (0..p.units)
        .map(|u| {
            (level[u] > 0.0).then(|| {
                let (l, v) = log_post[u];
                let value = l.exp() * keep_total * next;
                Estimate {
                    value,
                    se: value * v.sqrt(),
                    n: years[u],
                    method: format!("mean share of the team over {} whole year(s) x the team's trend next year, shrunk toward the segment", years[u]),
                }
            })
        })
        .collect();
    Levels {
        potential,
        cv,
        group_cv,
        productivity_cv,
        team_noise,
    }
}
