//! The continuous ranked probability score of a forecast given as samples:
//! one number per outcome, in the outcome's units, that rewards both a
//! sharp and a calibrated forecast (lower is better; a point forecast
//! scores its absolute error, so a naive forecast is comparable).

/// CRPS of the empirical distribution of `sorted` (ascending, finite, not
/// empty) at the outcome `y`: `E|X − y| − ½ E|X − X'|` with `X`, `X'`
/// drawn from the samples with replacement, which equals
/// `∫ (F_m(z) − 1{z ≥ y})² dz` exactly. With sorted samples
/// `½ E|X − X'| = Σ (2i − m − 1) x_(i) / m²` (i from 1), so the score costs
/// O(m) after the O(m log m) sort instead of the O(m²) pairs.
///
/// As an estimate of the CRPS of the distribution the samples come from it
/// is high by `E|X − X'| / (2m)` (the pairs include each sample with
/// itself): 0.06 % of σ for m = 1,000 normal draws.
pub fn crps_sorted(sorted: &[f64], y: f64) -> f64 {
    let m = sorted.len() as f64;
    // Differences from y keep the sums small; the weights sum to zero, so
    // the spread term is unchanged by the shift.
    let (mut abs, mut spread) = (0.0, 0.0);
    for (i, &x) in sorted.iter().enumerate() {
        let d = x - y;
        abs += d.abs();
        spread += (2.0 * i as f64 + 1.0 - m) * d;
    }
    (abs / m - spread / (m * m)).max(0.0)
}

/// CRPS of a point forecast: its absolute error.
pub fn crps_point(forecast: f64, y: f64) -> f64 {
    (forecast - y).abs()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::dist::std_normal_cdf;
    use rand::rngs::ChaCha8Rng;
    use rand::{RngExt, SeedableRng};
    use rand_distr::{Distribution, StandardNormal};

    /// The definition, over every pair: O(m²).
    fn crps_pairs(x: &[f64], y: f64) -> f64 {
        let m = x.len() as f64;
        let e1 = x.iter().map(|a| (a - y).abs()).sum::<f64>() / m;
        let e2 = x
            .iter()
            .map(|a| x.iter().map(|b| (a - b).abs()).sum::<f64>())
            .sum::<f64>()
            / (m * m);
        e1 - 0.5 * e2
    }

    /// The integral definition, ∫ (F_m(z) − 1{z ≥ y})² dz, exactly: both
    /// functions are steps, so the integral is a sum over the pieces.
    fn crps_integral(x: &[f64], y: f64) -> f64 {
        let mut cuts: Vec<f64> = x.to_vec();
        cuts.push(y);
        cuts.sort_by(f64::total_cmp);
        let m = x.len() as f64;
        let mut total = 0.0;
        for w in cuts.windows(2) {
            let mid = 0.5 * (w[0] + w[1]);
            let f = x.iter().filter(|&&a| a <= mid).count() as f64 / m;
            let h = if mid >= y { 1.0 } else { 0.0 };
            total += (f - h).powi(2) * (w[1] - w[0]);
        }
        total
    }

    fn sorted(mut v: Vec<f64>) -> Vec<f64> {
        v.sort_by(f64::total_cmp);
        v
    }

    #[test]
    fn sorted_formula_equals_the_pairwise_and_integral_definitions() {
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        for case in 0..200 {
            let m = rng.random_range(1..40);
            // Every fourth case has integer values, so ties and an outcome
            // equal to samples occur.
            let ints = case % 4 == 0;
            let draw = |r: &mut ChaCha8Rng| {
                let v: f64 = r.random_range(-5.0..5.0);
                if ints { v.round() } else { v }
            };
            let x: Vec<f64> = (0..m).map(|_| draw(&mut rng)).collect();
            let y = draw(&mut rng);
            let fast = crps_sorted(&sorted(x.clone()), y);
            let pairs = crps_pairs(&x, y);
            let integral = crps_integral(&x, y);
            assert!(
                (fast - pairs).abs() < 1e-12,
                "case {case}: {fast} vs {pairs}"
            );
            assert!(
                (fast - integral).abs() < 1e-12,
                "case {case}: {fast} vs {integral}"
            );
        }
    }

    #[test]
    fn a_point_mass_scores_its_absolute_error() {
        assert_eq!(crps_sorted(&[3.0; 7], 3.0), 0.0);
        assert!((crps_sorted(&[3.0; 7], 5.5) - 2.5).abs() < 1e-15);
        assert_eq!(crps_point(3.0, 5.5), 2.5);
        // Far from the outcome in money: no loss of precision from the shift.
        let x: Vec<f64> = (0..1000).map(|i| 1e9 + f64::from(i)).collect();
        let near = crps_sorted(&x, 1e9 + 500.0);
        let unit: Vec<f64> = (0..1000).map(f64::from).collect();
        assert!((near - crps_sorted(&unit, 500.0)).abs() < 1e-6);
    }

    /// CRPS of N(μ, σ) at y: σ [z (2Φ(z) − 1) + 2φ(z) − 1/√π].
    fn crps_normal(mu: f64, sigma: f64, y: f64) -> f64 {
        let z = (y - mu) / sigma;
        let pdf = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
        sigma
            * (z * (2.0 * std_normal_cdf(z) - 1.0) + 2.0 * pdf - 1.0 / std::f64::consts::PI.sqrt())
    }

    #[test]
    fn normal_samples_match_the_closed_form_within_monte_carlo_error() {
        // The closed form itself: 0.2337 σ at the mean (Gneiting & Raftery).
        assert!((crps_normal(0.0, 1.0, 0.0) - 0.233_695).abs() < 1e-6);
        let (reps, m) = (400, 1000);
        let mut rng = ChaCha8Rng::seed_from_u64(2016);
        for (mu, sigma, y) in [
            (100.0, 20.0, 100.0),
            (100.0, 20.0, 130.0),
            (5e6, 1e6, 2.3e6),
            (-3.0, 0.5, -3.2),
        ] {
            // Independent sample sets; the spread of their scores gives the
            // standard error of the mean score.
            let scores: Vec<f64> = (0..reps)
                .map(|_| {
                    let x: Vec<f64> = (0..m)
                        .map(|_| {
                            let z: f64 = StandardNormal.sample(&mut rng);
                            mu + sigma * z
                        })
                        .collect();
                    crps_sorted(&sorted(x), y)
                })
                .collect();
            let mean = scores.iter().sum::<f64>() / reps as f64;
            let se = crate::stats::mean_se(&scores);
            // The sample score is high by E|X − X'| / 2m = σ / (m √π).
            let bias = sigma / (m as f64 * std::f64::consts::PI.sqrt());
            let want = crps_normal(mu, sigma, y) + bias;
            assert!(
                (mean - want).abs() < 4.0 * se,
                "N({mu}, {sigma}) at {y}: {mean} vs {want} (se {se})"
            );
            // The test has power: the SE is small against the score.
            assert!(se < 0.01 * want, "se {se} vs {want}");
        }
    }
}
