//! Monthly weights: each full year's monthly shares (of units in business
//! the whole year, so a unit won or lost mid-year does not tilt them),
//! detrended for growth within the year, averaged over the years, and shrunk
//! toward flat by the evidence. The standard error comes from the deals:
//! a compound Poisson month's variance is estimated without bias by the sum
//! of its squared deal sizes; year-level factors (potential, market, rep
//! productivity) multiply every month alike and cancel in a share.

use super::Estimate;
use super::panel::Panel;

/// Weights by calendar month (0 = January), summing to 1.
pub fn fit(p: &Panel, growth: f64) -> Vec<Estimate> {
    let t = p.blocks;
    let mut share = vec![[0.0f64; 12]; t];
    let mut var = vec![[0.0f64; 12]; t];
    let mut deals = [0usize; 12];
    for k in 0..t {
        let mut month = [0.0f64; 12];
        let mut squares = [0.0f64; 12];
        let mut steady = vec![false; p.units];
        for (u, s) in steady.iter_mut().enumerate() {
            *s = p.steady(u, k);
            if *s {
                let base = (u * t + k) * 12;
                for (m, x) in month.iter_mut().enumerate() {
                    *x += p.monthly[base + m];
                }
            }
        }
        for d in p.deals.iter().filter(|d| d.block as usize == k) {
            if steady[d.unit as usize] {
                squares[d.pos as usize] += d.size * d.size;
                deals[d.pos as usize] += 1;
            }
        }
        let total: f64 = month.iter().sum();
        if total <= 0.0 {
            continue;
        }
        // Growth within the year lifts late months: take it out.
        let mut detrended = [0.0; 12];
        for m in 0..12 {
            detrended[m] = month[m] / total * (-growth * (m as f64 - 5.5) / 12.0).exp();
        }
        let sum: f64 = detrended.iter().sum();
        let all_squares: f64 = squares.iter().sum();
        for m in 0..12 {
            let s = detrended[m] / sum;
            share[k][m] = s;
            var[k][m] = ((1.0 - s).powi(2) * squares[m] + s * s * (all_squares - squares[m]))
                / (total * total);
        }
    }
    let years = t as f64;
    let raw: Vec<(f64, f64)> = (0..12)
        .map(|m| {
            let mean = share.iter().map(|s| s[m]).sum::<f64>() / years;
            let se = var.iter().map(|v| v[m]).sum::<f64>().sqrt() / years;
            (mean, se)
        })
        .collect();
    let flat = 1.0 / 12.0;
    let spread = raw.iter().map(|(s, _)| (s - flat).powi(2)).sum::<f64>() / 12.0;
    let noise = raw.iter().map(|(_, se)| se * se).sum::<f64>() / 12.0;
    let tau2 = (spread - noise).max(0.0);
    let shrunk: Vec<(f64, f64, f64)> = raw
        .iter()
        .map(|&(s, se)| {
            let w = if tau2 + se * se > 0.0 {
                tau2 / (tau2 + se * se)
            } else {
                1.0
            };
            (flat + w * (s - flat), se * w.sqrt(), w)
        })
        .collect();
    let sum: f64 = shrunk.iter().map(|x| x.0).sum();
    // The position in a block is a calendar month offset by the first month.
    let first = p.first_month.rem_euclid(12) as usize;
    let mut out = vec![Estimate::default(); 12];
    for (pos, &(v, se, w)) in shrunk.iter().enumerate() {
        out[(first + pos) % 12] = Estimate {
            value: v / sum,
            se,
            n: deals[pos],
            method: format!(
                "mean share of the year over {t} full year(s), detrended, shrunk {:.0} % toward 1/12; se from the deals (compound Poisson)",
                (1.0 - w) * 100.0
            ),
        };
    }
    out
}
