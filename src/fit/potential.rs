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
    let years = unit_years(p, index);
    let rep_years = rep_years(p, index, &years);
    let (cv2, deal_k) = unit_cv2(p, deals, group, &years, &rep_years);
    let (cv2_post, cv2_groups) = shrink(&cv2, groups);
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
                years.steady[u].len(),
                "the segment's year-to-year cv, shrunk by the unit's own years (empirical Bayes)"
                    .into(),
            )
        })
        .collect();
    let noise = UnitNoise { cv2_post, deal_k };
    let productivity_cv = productivity_cv(&rep_years.effects, &noise);
    let team_noise = team_noise(&years, &noise);
    let potential = potential(&years, &noise, &productivity_cv, group, groups, next);
    Levels {
        potential,
        cv,
        group_cv,
        productivity_cv,
        team_noise,
    }
}

/// A unit's share of the team in block `k`.
fn share(p: &Panel, index: &[f64], u: usize, k: usize) -> f64 {
    p.total(u, k) / index[k]
}

/// Each unit's level (mean share of the team) and the years it rests on.
struct UnitYears {
    level: Vec<f64>,
    /// Years the level is the mean of.
    years: Vec<usize>,
    /// Whole years (neither won nor lost in them).
    steady: Vec<Vec<usize>>,
}

/// Levels over whole years, else over any active year.
fn unit_years(p: &Panel, index: &[f64]) -> UnitYears {
    let t = p.blocks;
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
            level[u] = used.iter().map(|&k| share(p, index, u, k)).sum::<f64>() / used.len() as f64;
        }
        years[u] = used.len();
        steady_blocks[u] = steady;
    }
    UnitYears {
        level,
        years,
        steady: steady_blocks,
    }
}

/// Units' whole years around their levels, and the common part of the
/// units a rep had in a year.
struct RepYears {
    /// Relative deviation of a unit's year from its level, per (unit, year).
    dev: HashMap<(usize, usize), f64>,
    /// Per rep-year of two or more units: its weighted mean deviation and
    /// its units' weights.
    effects: Vec<(f64, Vec<(usize, f64)>)>,
    /// A unit's squared deviation from its rep-year's mean, corrected for
    /// its own weight in that mean, per (unit, year).
    corrected: HashMap<(usize, usize), f64>,
}

/// Relative deviations, and rep-year groups.
fn rep_years(p: &Panel, index: &[f64], y: &UnitYears) -> RepYears {
    let t = p.blocks;
    let mut dev: HashMap<(usize, usize), f64> = HashMap::new();
    let mut rep_years: HashMap<(u32, usize), Vec<usize>> = HashMap::new();
    for u in 0..p.units {
        if y.steady[u].len() < 2 {
            continue;
        }
        for &k in &y.steady[u] {
            dev.insert((u, k), share(p, index, u, k) / y.level[u] - 1.0);
            let owner = p.owner[u * t + k];
            if owner != NONE {
                rep_years.entry((owner, k)).or_default().push(u);
            }
        }
    }
    let mut effects: Vec<(f64, Vec<(usize, f64)>)> = Vec::new();
    let mut corrected: HashMap<(usize, usize), f64> = HashMap::new();
    let mut keys: Vec<&(u32, usize)> = rep_years.keys().collect();
    keys.sort_unstable();
    for key in keys {
        let members = &rep_years[key];
        let k = key.1;
        if members.len() < 2 {
            continue;
        }
        let total: f64 = members.iter().map(|&u| y.level[u]).sum();
        let weights: Vec<(usize, f64)> = members.iter().map(|&u| (u, y.level[u] / total)).collect();
        let rho: f64 = weights.iter().map(|&(u, w)| w * dev[&(u, k)]).sum();
        let sum_w2: f64 = weights.iter().map(|(_, w)| w * w).sum();
        for &(u, w) in &weights {
            let e = dev[&(u, k)] - rho;
            corrected.insert((u, k), e * e / (1.0 - 2.0 * w + sum_w2).max(0.05));
        }
        effects.push((rho, weights));
    }
    RepYears {
        dev,
        effects,
        corrected,
    }
}

/// Per unit: cv² = (V − k)/(1 + k), with its sampling variance; and k,
/// the deal noise.
fn unit_cv2(
    p: &Panel,
    deals: &[UnitDeals],
    group: &[usize],
    y: &UnitYears,
    ry: &RepYears,
) -> (Vec<Noisy>, Vec<f64>) {
    let mut cv2 = Vec::with_capacity(p.units);
    let mut deal_k = vec![0.0; p.units];
    for u in 0..p.units {
        let d = &deals[u];
        let lambda = d.per_year.value.max(1e-9);
        let bias = 1.0 - 1.0 / (d.per_year.n.max(2) as f64);
        let k = (1.0 + d.size_cv.value.powi(2)) / lambda * bias;
        deal_k[u] = k;
        let s = &y.steady[u];
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
                ry.corrected
                    .get(&(u, kk))
                    .copied()
                    .unwrap_or_else(|| ry.dev[&(u, kk)].powi(2))
            })
            .sum();
        let v = sum / (s.len() - 1) as f64;
        cv2.push(Noisy {
            group: group[u],
            x: (v - k) / (1.0 + k),
            var: 2.0 * v * v / (s.len() - 1) as f64 / (1.0 + k).powi(2),
        });
    }
    (cv2, deal_k)
}

/// A cv from a fitted cv² and its variance.
fn to_cv(c2: f64, var: f64, n: usize, method: String) -> Estimate {
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
}

/// What makes a unit's year vary: its shrunk cv² and its deal noise.
struct UnitNoise {
    /// Shrunk (cv², variance) per unit.
    cv2_post: Vec<(f64, f64)>,
    deal_k: Vec<f64>,
}

impl UnitNoise {
    /// Unit noise variance (relative) for ANOVA and the team's shock.
    fn var(&self, u: usize) -> f64 {
        let c2 = self.cv2_post[u].0.max(0.0);
        c2 + (1.0 + c2) * self.deal_k[u]
    }
}

/// The spread of rep-year means less what unit noise explains.
fn productivity_cv(effects: &[(f64, Vec<(usize, f64)>)], noise: &UnitNoise) -> Estimate {
    let mut terms = Vec::new();
    for (rho, weights) in effects {
        let v: f64 = weights.iter().map(|&(u, w)| w * w * noise.var(u)).sum();
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
    to_cv(
        mean,
        sd * sd / n.max(1) as f64,
        n,
        format!(
            "spread of {n} rep-year means of their units' deviations, less unit noise (random-effects ANOVA)"
        ),
    )
}

/// The team index is a sum of units: its relative variance from them.
fn team_noise(y: &UnitYears, noise: &UnitNoise) -> f64 {
    let mut team_noise = 0.0;
    let total: f64 = y.level.iter().sum();
    if total > 0.0 {
        for u in 0..y.level.len() {
            if y.years[u] > 0 {
                team_noise += (y.level[u] / total).powi(2) * noise.var(u);
            }
        }
    }
    team_noise
}

/// Potential: level × next year's index, shrunk in logs.
fn potential(
    y: &UnitYears,
    noise: &UnitNoise,
    productivity_cv: &Estimate,
    group: &[usize],
    groups: usize,
    next: f64,
) -> Vec<Option<Estimate>> {
    let (level, years) = (&y.level, &y.years);
    let units = level.len();
    let logs: Vec<Noisy> = (0..units)
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
                var: (noise.var(u) + productivity_cv.value.powi(2)) / years[u] as f64,
            }
        })
        .collect();
    let (log_post, _) = shrink(&logs, groups);
    // Shrinking in logs pulls toward a geometric centre, below the mean:
    // shrinkage should move potential between units, not lose it, so the
    // shrunk levels are rescaled to the unshrunk total.
    let (raw, shrunk) = (0..units)
        .filter(|&u| level[u] > 0.0)
        .fold((0.0, 0.0), |(a, b), u| {
            (a + level[u], b + log_post[u].0.exp())
        });
    let keep_total = if shrunk > 0.0 { raw / shrunk } else { 1.0 };
    (0..units)
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
        .collect()
}
