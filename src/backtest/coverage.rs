//! Coverage of central intervals: the share of actuals inside the forecast's
//! central c interval should be c. Below c the forecast is overconfident
//! (too narrow or biased), above it underconfident.

use crate::stats::{proportion_se, quantile_sorted};

/// Nominal levels of the central intervals scored: 10 %, 20 %, …, 90 %.
pub const NOMINAL: [f64; 9] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/// The levels reported under `coverage` in the JSON and the table.
pub const HEADLINE: [f64; 3] = [0.5, 0.8, 0.9];

/// Whether `y` lies in each central interval of the sorted samples
/// (bounds included, from the type 7 quantiles of
/// [`quantile_sorted`]), one flag per [`NOMINAL`] level. A point mass at
/// the actual (zero sales simulated and observed) covers it.
pub fn covered(sorted: &[f64], y: f64) -> [bool; NOMINAL.len()] {
    NOMINAL.map(|c| {
        let lo = quantile_sorted(sorted, 0.5 - c / 2.0);
        let hi = quantile_sorted(sorted, 0.5 + c / 2.0);
        lo <= y && y <= hi
    })
}

/// The observed coverage of one nominal level over the items of a level.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Coverage {
    /// The interval's nominal level, e.g. 0.8.
    pub nominal: f64,
    /// Share of items whose actual is inside.
    pub observed: f64,
    /// Binomial standard error of the observed share if the forecast were
    /// calibrated: `sqrt(c (1 − c) / n)`. Items of one level share market
    /// shocks, so the true spread can be larger.
    pub se: f64,
    /// Items inside, of `n`.
    pub inside: usize,
    pub n: usize,
}

impl Coverage {
    pub fn new(nominal: f64, inside: usize, n: usize) -> Coverage {
        Coverage {
            nominal,
            observed: inside as f64 / n.max(1) as f64,
            se: proportion_se(nominal, n as u64),
            inside,
            n,
        }
    }

    /// Observed minus nominal in standard errors (0 without items).
    pub fn z(&self) -> f64 {
        if self.se > 0.0 {
            (self.observed - self.nominal) / self.se
        } else {
            0.0
        }
    }

    /// Outside ±2 standard errors of the nominal level, and a count that
    /// far off is rare for a calibrated forecast (below 2.5 % on its side,
    /// exact binomial): with a handful of items, such as the one team, no
    /// count is, though 0 of 1 inside the 80 % interval is 2 standard
    /// errors out.
    pub fn flagged(&self) -> bool {
        let z = self.z();
        z.abs() > 2.0 && self.tail(z < 0.0) < 0.025
    }

    /// Whether any count of `n` items could be flagged at this level: not
    /// with one item, nor with a few at the 90 % level.
    pub fn decidable(&self) -> bool {
        [0, self.n]
            .iter()
            .any(|&k| Coverage::new(self.nominal, k, self.n).flagged())
    }

    /// The chance of `inside` or fewer (`low`), or of `inside` or more,
    /// under Binomial(n, nominal).
    fn tail(&self, low: bool) -> f64 {
        use statrs::distribution::{Binomial, DiscreteCDF};
        let Ok(b) = Binomial::new(self.nominal, self.n as u64) else {
            return 1.0;
        };
        let k = self.inside as u64;
        match (low, k) {
            (true, _) => b.cdf(k),
            (false, 0) => 1.0,
            (false, _) => b.sf(k - 1),
        }
    }

    /// The level as a whole percent, the JSON key ("50").
    pub fn key(&self) -> String {
        percent_key(self.nominal)
    }
}

/// A nominal level as its JSON key: 0.5 -> "50".
pub fn percent_key(nominal: f64) -> String {
    format!("{:.0}", 100.0 * nominal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_include_their_bounds_and_point_masses() {
        let x: Vec<f64> = (0..=100).map(f64::from).collect();
        // The central 50 % interval of 0..=100 is [25, 75].
        let c = covered(&x, 75.0);
        assert!(c[4] && !c[3]);
        assert!(covered(&x, 50.0).iter().all(|&b| b));
        assert!(!covered(&x, 96.0).iter().any(|&b| b));
        assert!(covered(&[0.0; 50], 0.0).iter().all(|&b| b));
        let cov = Coverage::new(0.8, 70, 100);
        assert!((cov.se - 0.04).abs() < 1e-12);
        assert!(cov.flagged() && cov.z() < 0.0);
        assert!(!Coverage::new(0.8, 75, 100).flagged());
        // Too cautious: 95 of 100 inside the 80 % interval (z = 3.75).
        assert!(Coverage::new(0.8, 95, 100).flagged());
        // One item cannot show miscalibration, though 0 of 1 inside the
        // 80 % interval is 2 standard errors out (P = 0.2).
        assert!(!Coverage::new(0.8, 0, 1).flagged());
        assert!(!Coverage::new(0.9, 0, 1).flagged());
        assert!(!Coverage::new(0.8, 0, 1).decidable());
        assert!(Coverage::new(0.8, 0, 5).decidable());
        // Three of twenty inside the 50 % interval (z = -3.1, P = 0.0013).
        assert!(Coverage::new(0.5, 3, 20).flagged());
        assert_eq!(cov.key(), "80");
    }
}
