//! Streaming, mergeable accumulators. Memory stays fixed however many trials
//! run; merging in a fixed order keeps floating-point results reproducible.

/// Mean and variance by Welford's method; merged with Chan's formula.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Welford {
    pub n: u64,
    pub mean: f64,
    m2: f64,
}

impl Welford {
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    pub fn merge(&mut self, o: &Welford) {
        if o.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *o;
            return;
        }
        let n = self.n + o.n;
        let d = o.mean - self.mean;
        self.mean += d * o.n as f64 / n as f64;
        self.m2 += o.m2 + d * d * (self.n as f64 * o.n as f64 / n as f64);
        self.n = n;
    }

    /// Sample variance (n - 1 denominator).
    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            0.0
        } else {
            self.m2 / (self.n - 1) as f64
        }
    }

    pub fn sd(&self) -> f64 {
        self.variance().sqrt()
    }

    /// Standard error of the mean.
    pub fn se(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            (self.variance() / self.n as f64).sqrt()
        }
    }
}

impl Welford {
    /// From a count, mean and sum of squared deviations.
    pub fn from_parts(n: u64, mean: f64, m2: f64) -> Self {
        Welford {
            n,
            mean,
            m2: m2.max(0.0),
        }
    }
}

/// Sums of deviations from a fixed shift: no division per value, so cheap
/// on the hot path; the shift (a value near the mean) keeps the sums
/// accurate. Chunks with the same shift merge by adding, in chunk order.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Moments {
    pub n: u64,
    shift: f64,
    s1: f64,
    s2: f64,
}

impl Moments {
    pub fn new(shift: f64) -> Self {
        Moments {
            n: 0,
            shift,
            s1: 0.0,
            s2: 0.0,
        }
    }

    #[inline]
    pub fn push(&mut self, x: f64) {
        let d = x - self.shift;
        self.n += 1;
        self.s1 += d;
        self.s2 += d * d;
    }

    pub fn merge(&mut self, o: &Moments) {
        debug_assert_eq!(
            self.shift.to_bits(),
            o.shift.to_bits(),
            "moments merge with one shift"
        );
        self.n += o.n;
        self.s1 += o.s1;
        self.s2 += o.s2;
    }

    pub fn welford(&self) -> Welford {
        if self.n == 0 {
            return Welford::default();
        }
        let n = self.n as f64;
        Welford::from_parts(
            self.n,
            self.shift + self.s1 / n,
            self.s2 - self.s1 * self.s1 / n,
        )
    }
}

/// Integer-count histogram on `[0, hi)` with equal bins plus an overflow
/// count; counts merge exactly in any order. Quantiles interpolate within a
/// bin, so their error is at most one bin width.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    hi: f64,
    /// bins / hi, so a push multiplies instead of dividing.
    per_unit: f64,
    counts: Vec<u32>,
    overflow: u64,
    max: f64,
}

impl Histogram {
    pub fn new(hi: f64, bins: usize) -> Self {
        Histogram {
            hi,
            per_unit: bins as f64 / hi,
            counts: vec![0; bins],
            overflow: 0,
            max: 0.0,
        }
    }

    #[inline]
    pub fn push(&mut self, x: f64) {
        let b = (x.max(0.0) * self.per_unit) as usize;
        if b < self.counts.len() {
            self.counts[b] += 1;
        } else {
            self.overflow += 1;
            self.max = self.max.max(x);
        }
    }

    pub fn merge(&mut self, o: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        self.overflow += o.overflow;
        self.max = self.max.max(o.max);
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().map(|&c| u64::from(c)).sum::<u64>() + self.overflow
    }

    /// Quantile by linear interpolation of the cumulative counts; values in
    /// the overflow are spread evenly between `hi` and the largest seen.
    pub fn quantile(&self, p: f64) -> f64 {
        let n = self.total();
        if n == 0 {
            return f64::NAN;
        }
        let target = p.clamp(0.0, 1.0) * n as f64;
        let width = self.hi / self.counts.len() as f64;
        let mut cum = 0.0;
        for (i, &c) in self.counts.iter().enumerate() {
            let c = f64::from(c);
            if c > 0.0 && cum + c >= target {
                return width * (i as f64 + (target - cum) / c);
            }
            cum += c;
        }
        let frac = if self.overflow == 0 {
            1.0
        } else {
            ((target - cum) / self.overflow as f64).clamp(0.0, 1.0)
        };
        self.hi + (self.max - self.hi) * frac
    }
}

/// Quantile of sorted data, linear interpolation between order statistics
/// (Hyndman & Fan type 7, as in R and numpy's default).
pub fn quantile_sorted(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Standard error of a proportion.
pub fn proportion_se(p: f64, n: u64) -> f64 {
    if n == 0 {
        0.0
    } else {
        (p * (1.0 - p) / n as f64).sqrt()
    }
}

/// Value at risk and conditional value at risk of a loss at level `alpha`
/// (e.g. 0.95): the alpha-quantile of the loss and the mean of the worst
/// `1 - alpha` share of outcomes. `losses` must be sorted ascending.
pub fn var_cvar(sorted_losses: &[f64], alpha: f64) -> (f64, f64) {
    let var = quantile_sorted(sorted_losses, alpha);
    let n = sorted_losses.len();
    // The tolerance keeps 0.05 * 8000 at 400: 1 - 0.95 is a hair above 0.05.
    let k = ((1.0 - alpha) * n as f64 - 1e-9).ceil().max(1.0) as usize;
    let tail = &sorted_losses[n - k.min(n)..];
    (var, tail.iter().sum::<f64>() / tail.len() as f64)
}

/// Ranks 1..=n with ties given their average rank.
pub fn ranks<T: Copy + PartialOrd>(xs: &[T]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..xs.len()).collect();
    idx.sort_by(|&a, &b| {
        xs[a]
            .partial_cmp(&xs[b])
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(&b))
    });
    let mut r = vec![0.0; xs.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && xs[idx[j + 1]] == xs[idx[i]] {
            j += 1;
        }
        let avg = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            r[k] = avg;
        }
        i = j + 1;
    }
    r
}

/// Pearson correlation; 0 when either side has no spread.
pub fn pearson(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    if n < 2.0 {
        return 0.0;
    }
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    if sxx <= 0.0 || syy <= 0.0 {
        0.0
    } else {
        sxy / (sxx * syy).sqrt()
    }
}

/// Spearman rank correlation (Pearson on average ranks).
pub fn spearman_ranked(rank_x: &[f64], rank_y: &[f64]) -> f64 {
    pearson(rank_x, rank_y)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn welford_merge_matches_single_pass() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1000) as f64 / 10.0)
            .collect();
        let mut all = Welford::default();
        xs.iter().for_each(|&x| all.push(x));
        let (mut a, mut b) = (Welford::default(), Welford::default());
        xs[..333].iter().for_each(|&x| a.push(x));
        xs[333..].iter().for_each(|&x| b.push(x));
        a.merge(&b);
        let mean = xs.iter().sum::<f64>() / 1000.0;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 999.0;
        assert!((a.mean - mean).abs() < 1e-10 && (all.mean - mean).abs() < 1e-10);
        assert!((a.variance() - var).abs() < 1e-8 && (all.variance() - var).abs() < 1e-8);
    }

    #[test]
    fn moments_match_welford() {
        let xs: Vec<f64> = (0..5000)
            .map(|i| 1e6 + ((i * 7919) % 1000) as f64)
            .collect();
        let mut w = Welford::default();
        xs.iter().for_each(|&x| w.push(x));
        let (mut a, mut b) = (Moments::new(1.0005e6), Moments::new(1.0005e6));
        xs[..1234].iter().for_each(|&x| a.push(x));
        xs[1234..].iter().for_each(|&x| b.push(x));
        a.merge(&b);
        let m = a.welford();
        assert_eq!(m.n, 5000);
        assert!((m.mean - w.mean).abs() < 1e-9);
        assert!((m.variance() - w.variance()).abs() < 1e-6 * w.variance());
    }

    #[test]
    fn histogram_quantiles_within_a_bin() {
        let mut h = Histogram::new(2.0, 2000);
        let xs: Vec<f64> = (0..10_000).map(|i| i as f64 / 10_000.0 * 1.5).collect();
        xs.iter().for_each(|&x| h.push(x));
        for p in [0.1, 0.5, 0.9] {
            assert!((h.quantile(p) - quantile_sorted(&xs, p)).abs() <= 0.001 + 1e-12);
        }
        let mut o = Histogram::new(1.0, 10);
        [0.5, 3.0, 5.0].iter().for_each(|&x| o.push(x));
        assert_eq!(o.quantile(1.0), 5.0);
    }

    #[test]
    fn ranks_average_ties_and_spearman() {
        assert_eq!(ranks(&[10.0, 30.0, 20.0, 20.0]), vec![1.0, 4.0, 2.5, 2.5]);
        let x = [1.0, 2.0, 3.0, 4.0, 5.0];
        let y = [2.0, 4.0, 9.0, 16.0, 100.0];
        assert!((spearman_ranked(&ranks(&x), &ranks(&y)) - 1.0).abs() < 1e-12);
        let z: Vec<f64> = y.iter().rev().copied().collect();
        assert!((spearman_ranked(&ranks(&x), &ranks(&z)) + 1.0).abs() < 1e-12);
        // Hand-computed: ranks (1,2,3,4) vs (2,1,4,3): rho = 1 - 6*4/(4*15) = 0.6.
        assert!(
            (spearman_ranked(&ranks(&[1.0, 2.0, 3.0, 4.0]), &ranks(&[2.0, 1.0, 4.0, 3.0])) - 0.6)
                .abs()
                < 1e-12
        );
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
    fn type7_quantile_and_tail() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&v, 0.5), 2.5);
        let losses: Vec<f64> = (1..=100).map(f64::from).collect();
        let (var, cvar) = var_cvar(&losses, 0.95);
        assert!((var - 95.05).abs() < 1e-12);
        assert_eq!(cvar, (96..=100).sum::<i32>() as f64 / 5.0);
    }
}
