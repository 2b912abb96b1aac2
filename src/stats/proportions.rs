//! Probabilities estimated from trials: how often a total reaches its
//! target, with standard errors and intervals. "Hits" means reaching it
//! (>=) everywhere in quotaplan.

/// How often something happened in `n` trials: the estimate with its
/// standard error and 95 % interval. Every probability quotaplan reports
/// (P(attain), P(hit target), P(payout above)) is one of these.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Proportion {
    pub hits: u64,
    pub n: u64,
}

impl Proportion {
    pub fn new(hits: u64, n: u64) -> Self {
        Proportion { hits, n }
    }

    /// The trials of `values` that reach `target`.
    pub fn of(values: &[f64], target: f64) -> Self {
        Proportion::new(hits(values, target), values.len() as u64)
    }

    /// The estimate `hits / n` (NaN without trials).
    pub fn p(self) -> f64 {
        self.hits as f64 / self.n as f64
    }

    /// The estimate in percent, `100 hits / n` (rounded once, as printed).
    pub fn percent(self) -> f64 {
        100.0 * self.hits as f64 / self.n as f64
    }

    /// Its standard error.
    pub fn se(self) -> f64 {
        proportion_se(self.p(), self.n)
    }

    /// The half-width of its normal 95 % interval, `1.96 se`.
    pub fn half_width95(self) -> f64 {
        1.96 * self.se()
    }

    /// Its Wilson score interval at 95 %.
    pub fn wilson95(self) -> [f64; 2] {
        wilson95(self.p(), self.n)
    }
}

/// Trials in which `value >= target`.
pub fn hits(values: &[f64], target: f64) -> u64 {
    values.iter().filter(|&&x| x >= target).count() as u64
}

/// The share of trials in which `value >= target` (NaN without trials).
pub fn p_hit(values: &[f64], target: f64) -> f64 {
    Proportion::of(values, target).p()
}

/// 1 where a trial reaches the target, else 0 (for paired differences).
pub fn hit_indicators(values: &[f64], target: f64) -> Vec<f64> {
    values
        .iter()
        .map(|&x| f64::from(u8::from(x >= target)))
        .collect()
}

/// Standard error of a proportion.
pub fn proportion_se(p: f64, n: u64) -> f64 {
    if n == 0 {
        0.0
    } else {
        (p * (1.0 - p) / n as f64).sqrt()
    }
}

/// Wilson score interval for a proportion at 95 %: better than ±1.96 SE
/// near 0 and 1, where headline probabilities often sit.
pub fn wilson95(p: f64, n: u64) -> [f64; 2] {
    if n == 0 {
        return [0.0, 1.0];
    }
    let (z, n) = (1.959963984540054, n as f64);
    let d = 1.0 + z * z / n;
    let c = (p + z * z / (2.0 * n)) / d;
    let h = z * (p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt() / d;
    // At p = 0 or 1 the bound is exactly 0 or 1 (rounding would nudge it).
    let lo = if p <= 0.0 { 0.0 } else { (c - h).max(0.0) };
    let hi = if p >= 1.0 { 1.0 } else { (c + h).min(1.0) };
    [lo, hi]
}

/// Standard error of the mean of per-trial differences: the change of a
/// mean (or of a probability, with 0/1 values) between two runs that share
/// their random numbers.
pub fn paired_se(base: &[f64], candidate: &[f64]) -> f64 {
    let n = base.len().min(candidate.len()) as f64;
    if n < 2.0 {
        return f64::NAN;
    }
    let d: Vec<f64> = base.iter().zip(candidate).map(|(a, b)| b - a).collect();
    let m = d.iter().sum::<f64>() / n;
    (d.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0) / n).sqrt()
}

/// Standard error of the mean of independent values (NaN below 2 values).
pub fn mean_se(values: &[f64]) -> f64 {
    let n = values.len() as f64;
    if n < 2.0 {
        return f64::NAN;
    }
    let m = values.iter().sum::<f64>() / n;
    (values.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0) / n).sqrt()
}

/// Trials reaching `target`, one bit per trial (bit `i % 64` of word
/// `i / 64`): the hit indicators of [`hit_indicators`] packed, so many runs
/// can be kept for paired comparisons.
pub fn hit_bits(values: &[f64], target: f64) -> Vec<u64> {
    let mut bits = vec![0u64; values.len().div_ceil(64)];
    for (i, &x) in values.iter().enumerate() {
        if x >= target {
            bits[i / 64] |= 1 << (i % 64);
        }
    }
    bits
}

/// The change of P(hit) from run `a` to run `b` over the same `n` trials
/// (packed by [`hit_bits`]), and its paired standard error: the mean and
/// standard error of the per-trial differences (+1, 0 or -1), as
/// [`paired_se`] computes them from the indicators.
pub fn paired_hit_change(a: &[u64], b: &[u64], n: u64) -> (f64, f64) {
    let (mut gained, mut lost) = (0u64, 0u64);
    for (x, y) in a.iter().zip(b) {
        gained += u64::from((y & !x).count_ones());
        lost += u64::from((x & !y).count_ones());
    }
    if n < 2 {
        return (f64::NAN, f64::NAN);
    }
    let nf = n as f64;
    let m = (gained as f64 - lost as f64) / nf;
    // Sum of squared deviations: sum d^2 - n m^2, with d^2 = 1 where they differ.
    let ss = ((gained + lost) as f64 - nf * m * m).max(0.0);
    (m, (ss / (nf - 1.0) / nf).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proportion_is_its_hits_over_its_trials() {
        let p = Proportion::new(3, 8);
        assert_eq!(p.p(), 0.375);
        assert_eq!(p.percent(), 37.5);
        assert_eq!(p.se(), (0.375f64 * 0.625 / 8.0).sqrt());
        assert_eq!(p.half_width95(), 1.96 * p.se());
        assert_eq!(p.wilson95(), wilson95(0.375, 8));
        assert_eq!(
            Proportion::of(&[1.0, 2.0, 3.0, 4.0], 2.5),
            Proportion::new(2, 4)
        );
        assert!(Proportion::new(0, 0).p().is_nan());
        assert_eq!(Proportion::new(0, 0).se(), 0.0);
    }

    #[test]
    fn wilson_interval() {
        // p = 0.5, n = 100: centre 0.5, half-width 0.0962 (textbook value).
        let [lo, hi] = wilson95(0.5, 100);
        assert!((lo - 0.4038).abs() < 1e-4 && (hi - 0.5962).abs() < 1e-4);
        let [lo, _] = wilson95(0.0, 50);
        assert_eq!(lo, 0.0);
    }

    #[test]
    fn hits_count_reaching_the_target() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(hits(&v, 3.0), 2);
        assert_eq!(p_hit(&v, 3.0), 0.5);
        assert_eq!(hit_indicators(&v, 3.0), vec![0.0, 0.0, 1.0, 1.0]);
    }

    #[test]
    fn paired_se_of_a_constant_shift_is_zero() {
        assert_eq!(paired_se(&[1.0, 2.0, 3.0], &[2.0, 3.0, 4.0]), 0.0);
        // Differences 1, -1: sd sqrt(2), se 1.
        assert!((paired_se(&[0.0, 0.0], &[1.0, -1.0]) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn packed_hits_give_the_paired_change_and_se() {
        // 150 trials, two runs sharing them: the packed computation agrees
        // with the indicator one.
        let a: Vec<f64> = (0..150).map(|i| ((i * 37) % 101) as f64).collect();
        let b: Vec<f64> = (0..150).map(|i| ((i * 53 + 11) % 103) as f64).collect();
        let (t, n) = (50.0, 150);
        let (ia, ib) = (hit_indicators(&a, t), hit_indicators(&b, t));
        let (m, se) = paired_hit_change(&hit_bits(&a, t), &hit_bits(&b, t), n);
        assert!((m - (p_hit(&b, t) - p_hit(&a, t))).abs() < 1e-12);
        assert!((se - paired_se(&ia, &ib)).abs() < 1e-12);
        assert_eq!(hit_bits(&a, t).len(), 3);
    }
}
