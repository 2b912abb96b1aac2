//! Deals per year (λ) and the cv of a deal's size, per unit. λ is the
//! unit's deals over the full years it was active (Poisson; thin units
//! shrunk toward their segment). A deal's size within a unit and year is
//! log-normal around a level that moves from year to year with the
//! market and the unit's potential, so the size cv comes from the spread
//! of log sizes around each year's mean (pooled over the unit's years,
//! shrunk toward the segment): cv = sqrt(exp(σ²) − 1).

use super::Estimate;
use super::panel::Panel;
use super::shrink::{Noisy, shrink};

pub struct UnitDeals {
    pub per_year: Estimate,
    pub size_cv: Estimate,
}

pub fn fit(p: &Panel, group: &[usize], groups: usize) -> Vec<UnitDeals> {
    let t = p.blocks;
    let mut rate = Vec::with_capacity(p.units);
    let mut logvar = Vec::with_capacity(p.units);
    let mut counts = Vec::with_capacity(p.units);
    for (u, &g) in group.iter().enumerate() {
        let active: Vec<bool> = (0..t).map(|k| p.active(u, k)).collect();
        let years = active.iter().filter(|a| **a).count() as f64;
        let mut n = 0usize;
        let (mut ss, mut df) = (0.0, 0usize);
        let deals = p.unit_deals(u);
        for (k, _) in active.iter().enumerate().filter(|(_, a)| **a) {
            let logs: Vec<f64> = deals
                .iter()
                .filter(|d| d.block as usize == k)
                .map(|d| d.size.ln())
                .collect();
            n += logs.len();
            if logs.len() >= 2 {
                let m = logs.iter().sum::<f64>() / logs.len() as f64;
                ss += logs.iter().map(|x| (x - m).powi(2)).sum::<f64>();
                df += logs.len() - 1;
            }
        }
        counts.push((n, years, df));
        rate.push(Noisy {
            group: g,
            x: if years > 0.0 { n as f64 / years } else { 0.0 },
            var: if years > 0.0 {
                (n.max(1) as f64) / (years * years)
            } else {
                f64::INFINITY
            },
        });
        let s2 = if df > 0 { ss / df as f64 } else { 0.0 };
        logvar.push(Noisy {
            group: g,
            x: s2,
            var: if df > 0 {
                2.0 * s2 * s2 / df as f64
            } else {
                f64::INFINITY
            },
        });
    }
    let (rate_post, _) = shrink(&rate, groups);
    let (var_post, _) = shrink(&logvar, groups);
    (0..p.units)
        .map(|u| {
            let (n, years, df) = counts[u];
            let (lambda, lv) = rate_post[u];
            let (s2, sv) = var_post[u];
            let s2 = s2.max(1e-6);
            let cv = (s2.exp() - 1.0).sqrt();
            UnitDeals {
                per_year: Estimate {
                    value: lambda.max(0.0),
                    se: lv.sqrt(),
                    n,
                    method: format!("deals (net positive days) over {years:.0} active year(s), Poisson, shrunk toward the segment"),
                },
                size_cv: Estimate {
                    value: cv,
                    se: sv.sqrt() * s2.exp() / (2.0 * cv),
                    n: df,
                    method: "log-normal: spread of log deal sizes within each year, shrunk toward the segment".into(),
                },
            }
        })
        .collect()
}
