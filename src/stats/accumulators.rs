//! Streaming, mergeable accumulators. Memory stays fixed however many
//! trials run; merging in a fixed order keeps floating-point results
//! reproducible.

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
    /// Smallest and largest value, so constant values give an exact mean.
    min: f64,
    max: f64,
}

impl Moments {
    pub fn new(shift: f64) -> Self {
        Moments {
            n: 0,
            shift,
            s1: 0.0,
            s2: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    #[inline]
    pub fn push(&mut self, x: f64) {
        let d = x - self.shift;
        self.n += 1;
        self.s1 += d;
        self.s2 += d * d;
        self.min = self.min.min(x);
        self.max = self.max.max(x);
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
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
    }

    /// Every field, for a part file of a sharded run: `(n, [shift, s1, s2,
    /// min, max])`. [`Moments::from_raw`] gives the same accumulator back.
    pub fn to_raw(&self) -> (u64, [f64; 5]) {
        (self.n, [self.shift, self.s1, self.s2, self.min, self.max])
    }

    pub fn from_raw(n: u64, [shift, s1, s2, min, max]: [f64; 5]) -> Self {
        Moments {
            n,
            shift,
            s1,
            s2,
            min,
            max,
        }
    }

    pub fn welford(&self) -> Welford {
        if self.n == 0 {
            return Welford::default();
        }
        // Constant values: the shifted sums would leave rounding dust.
        if self.min == self.max {
            return Welford::from_parts(self.n, self.min, 0.0);
        }
        let n = self.n as f64;
        Welford::from_parts(
            self.n,
            self.shift + self.s1 / n,
            self.s2 - self.s1 * self.s1 / n,
        )
    }
}

/// The recorded part of a [`Histogram`] (see [`Histogram::to_raw`]).
#[derive(Clone, Debug, PartialEq)]
pub struct HistogramRaw {
    pub counts: Vec<u32>,
    pub overflow: u64,
    pub max_scaled: f64,
    pub min: f64,
    pub max: f64,
    pub at_min: u64,
    pub at_max: u64,
}

/// Integer-count histogram of values scaled by `1 / scale` on `[0, hi)`,
/// with equal bins plus an overflow count; counts merge exactly in any
/// order. Quantiles interpolate within a bin, so their error is at most one
/// bin width (`hi × scale / bins`); but point masses are exact: the
/// smallest and largest values and how often each occurs are kept, so
/// constant values, zeros before a start month or a cap come out exactly.
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    hi: f64,
    /// bins / hi, so a push multiplies instead of dividing.
    per_unit: f64,
    scale: f64,
    inv: f64,
    counts: Vec<u32>,
    overflow: u64,
    /// Largest scaled value seen in the overflow.
    max_scaled: f64,
    min: f64,
    max: f64,
    at_min: u64,
    at_max: u64,
}

impl Histogram {
    /// A histogram of values on `[0, hi × scale)`.
    pub fn new(scale: f64, hi: f64, bins: usize) -> Self {
        Histogram {
            hi,
            per_unit: bins as f64 / hi,
            scale,
            inv: 1.0 / scale,
            counts: vec![0; bins],
            overflow: 0,
            max_scaled: 0.0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
            at_min: 0,
            at_max: 0,
        }
    }

    #[inline]
    pub fn push(&mut self, x: f64) {
        let xs = x * self.inv;
        let b = (xs.max(0.0) * self.per_unit) as usize;
        if b < self.counts.len() {
            self.counts[b] += 1;
        } else {
            self.overflow += 1;
            self.max_scaled = self.max_scaled.max(xs);
        }
        if x < self.min {
            self.min = x;
            self.at_min = 1;
        } else if x == self.min {
            self.at_min += 1;
        }
        if x > self.max {
            self.max = x;
            self.at_max = 1;
        } else if x == self.max {
            self.at_max += 1;
        }
    }

    /// Takes out the extremes (the smallest and largest value and how often
    /// each occurred), leaving none. A histogram that goes on counting the
    /// values of another chunk keeps its counts, but the extremes of a
    /// chunk must join the others as [`Histogram::merge`] joins them (in a
    /// total order), so that the result does not depend on which chunks
    /// one histogram counted.
    pub fn take_extremes(&mut self) -> Extremes {
        let e = Extremes {
            min: self.min,
            at_min: self.at_min,
            max: self.max,
            at_max: self.at_max,
        };
        (self.min, self.at_min) = (f64::INFINITY, 0);
        (self.max, self.at_max) = (f64::NEG_INFINITY, 0);
        e
    }

    /// Joins extremes taken out by [`Histogram::take_extremes`], as
    /// [`Histogram::merge`] joins another histogram's.
    pub fn merge_extremes(&mut self, o: Extremes) {
        match self.min.total_cmp(&o.min) {
            std::cmp::Ordering::Greater => (self.min, self.at_min) = (o.min, o.at_min),
            std::cmp::Ordering::Equal => self.at_min += o.at_min,
            std::cmp::Ordering::Less => {}
        }
        match self.max.total_cmp(&o.max) {
            std::cmp::Ordering::Less => (self.max, self.at_max) = (o.max, o.at_max),
            std::cmp::Ordering::Equal => self.at_max += o.at_max,
            std::cmp::Ordering::Greater => {}
        }
    }

    /// What a push changes (the counts, overflow and point masses), for a
    /// part file of a sharded run; the bins' layout is the run's own.
    pub fn to_raw(&self) -> HistogramRaw {
        HistogramRaw {
            counts: self.counts.clone(),
            overflow: self.overflow,
            max_scaled: self.max_scaled,
            min: self.min,
            max: self.max,
            at_min: self.at_min,
            at_max: self.at_max,
        }
    }

    /// Adds the values recorded in `raw`, exactly as [`Histogram::merge`]
    /// adds another histogram's; `None` when the bin counts differ.
    pub fn merge_raw(&mut self, raw: &HistogramRaw) -> Option<()> {
        if raw.counts.len() != self.counts.len() {
            return None;
        }
        let mut o = Histogram::new(self.scale, self.hi, self.counts.len());
        o.counts.clone_from(&raw.counts);
        o.overflow = raw.overflow;
        o.max_scaled = raw.max_scaled;
        o.min = raw.min;
        o.max = raw.max;
        o.at_min = raw.at_min;
        o.at_max = raw.at_max;
        self.merge(&o);
        Some(())
    }

    /// Empty again, as [`Histogram::new`] made it.
    pub fn clear(&mut self) {
        self.counts.fill(0);
        self.overflow = 0;
        self.max_scaled = 0.0;
        self.min = f64::INFINITY;
        self.max = f64::NEG_INFINITY;
        self.at_min = 0;
        self.at_max = 0;
    }

    pub fn merge(&mut self, o: &Histogram) {
        for (a, b) in self.counts.iter_mut().zip(&o.counts) {
            *a += b;
        }
        self.overflow += o.overflow;
        self.max_scaled = self.max_scaled.max(o.max_scaled);
        self.merge_extremes(Extremes {
            min: o.min,
            at_min: o.at_min,
            max: o.max,
            at_max: o.at_max,
        });
    }

    pub fn total(&self) -> u64 {
        self.counts.iter().map(|&c| u64::from(c)).sum::<u64>() + self.overflow
    }

    /// The smallest and largest value pushed (exact).
    pub fn range(&self) -> (f64, f64) {
        (self.min, self.max)
    }

    /// The largest error of a quantile away from the point masses: one bin.
    pub fn resolution(&self) -> f64 {
        self.hi / self.counts.len() as f64 * self.scale
    }

    /// Quantile: exact at the smallest and largest values when they carry
    /// mass (and for constant values); elsewhere linear interpolation of
    /// the cumulative counts (values in the overflow spread evenly between
    /// `hi` and the largest seen), within the range seen.
    pub fn quantile(&self, p: f64) -> f64 {
        self.quantile_from(p, self.total(), &mut Scan::default())
    }

    /// [`Histogram::quantile`] at each of `ps`, in one pass over the bins
    /// when `ps` ascend (a chart asks for hundreds per rep, and a run may
    /// have 100,000 reps).
    pub fn quantiles(&self, ps: &[f64]) -> Vec<f64> {
        let n = self.total();
        let mut scan = Scan::default();
        ps.iter()
            .map(|&p| self.quantile_from(p, n, &mut scan))
            .collect()
    }

    /// The quantile at `p` of `n` values, the bin scan going on from
    /// `scan` when `p` is not below the one before.
    fn quantile_from(&self, p: f64, n: u64, scan: &mut Scan) -> f64 {
        if n == 0 {
            return f64::NAN;
        }
        let target = p.clamp(0.0, 1.0) * n as f64;
        if self.min == self.max || target <= self.at_min as f64 {
            return self.min;
        }
        if target > (n - self.at_max) as f64 {
            return self.max;
        }
        if target < scan.target {
            *scan = Scan::default();
        }
        scan.target = target;
        let width = self.hi / self.counts.len() as f64;
        while scan.bin < self.counts.len() {
            let c = f64::from(self.counts[scan.bin]);
            if c > 0.0 && scan.cum + c >= target {
                let v = width * (scan.bin as f64 + (target - scan.cum) / c) * self.scale;
                return v.clamp(self.min, self.max);
            }
            scan.cum += c;
            scan.bin += 1;
        }
        let frac = if self.overflow == 0 {
            1.0
        } else {
            ((target - scan.cum) / self.overflow as f64).clamp(0.0, 1.0)
        };
        ((self.hi + (self.max_scaled - self.hi) * frac) * self.scale).clamp(self.min, self.max)
    }
}

/// A histogram's smallest and largest value and how often each occurred.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Extremes {
    min: f64,
    at_min: u64,
    max: f64,
    at_max: u64,
}

/// Where a scan for quantiles stands: the bin, the counts before it, and
/// the last target found.
#[derive(Default)]
struct Scan {
    bin: usize,
    cum: f64,
    target: f64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::quantile_sorted;

    #[test]
    fn quantiles_in_one_pass_are_each_quantile() {
        let mut h = Histogram::new(2.0, 1.5, 40);
        for i in 0..500 {
            h.push(((i * 7919) % 613) as f64 * 0.01);
        }
        h.push(0.0);
        h.push(9.0);
        let ps: Vec<f64> = (0..=200).map(|k| f64::from(k) / 200.0).collect();
        let one_by_one: Vec<f64> = ps.iter().map(|&p| h.quantile(p)).collect();
        assert_eq!(h.quantiles(&ps), one_by_one);
        // Out of order asks start the scan again.
        let back: Vec<f64> = ps.iter().rev().copied().collect();
        let mut expected = one_by_one.clone();
        expected.reverse();
        assert_eq!(h.quantiles(&back), expected);
    }

    #[test]
    fn histograms_merge_in_any_order_and_clear_to_new() {
        let values = |k: usize| (0..50).map(move |i| ((i * 37 + k * 11) % 23) as f64 * 0.1);
        let part = |k: usize| {
            let mut h = Histogram::new(1.0, 2.0, 10);
            values(k).for_each(|x| h.push(x));
            h
        };
        let mut forward = Histogram::new(1.0, 2.0, 10);
        let mut backward = forward.clone();
        (0..4).for_each(|k| forward.merge(&part(k)));
        (0..4).rev().for_each(|k| backward.merge(&part(k)));
        assert_eq!(forward, backward);
        let mut h = part(1);
        h.clear();
        assert_eq!(h, Histogram::new(1.0, 2.0, 10));
        // One histogram counting chunk after chunk, each chunk's extremes
        // joined as a merge joins them, is their merge. -0.0 and 0.0 are
        // equal to a push but ordered in a merge: the case that tells.
        let chunks = [vec![0.0, 1.0, -0.0], vec![-0.0, 0.5], vec![0.0, 0.0, 3.0]];
        let fresh = |c: &Vec<f64>| {
            let mut h = Histogram::new(1.0, 2.0, 10);
            c.iter().for_each(|&x| h.push(x));
            h
        };
        let mut merged = Histogram::new(1.0, 2.0, 10);
        chunks.iter().for_each(|c| merged.merge(&fresh(c)));
        let mut counted = Histogram::new(1.0, 2.0, 10);
        for c in &chunks {
            let earlier = counted.take_extremes();
            c.iter().for_each(|&x| counted.push(x));
            counted.merge_extremes(earlier);
        }
        assert_eq!(counted, merged);
    }

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
        let mut h = Histogram::new(1.0, 2.0, 2000);
        let xs: Vec<f64> = (0..10_000).map(|i| i as f64 / 10_000.0 * 1.5).collect();
        xs.iter().for_each(|&x| h.push(x));
        for p in [0.1, 0.5, 0.9] {
            assert!((h.quantile(p) - quantile_sorted(&xs, p)).abs() <= 0.001 + 1e-12);
        }
        let mut o = Histogram::new(1.0, 1.0, 10);
        [0.5, 3.0, 5.0].iter().for_each(|&x| o.push(x));
        assert_eq!(o.quantile(1.0), 5.0);
    }

    #[test]
    fn point_masses_are_exact() {
        // Constant values on a scale that does not divide them.
        let mut c = Histogram::new(661_500.0, 2.5, 1000);
        (0..100).for_each(|_| c.push(660_000.0));
        for p in [0.0, 0.1, 0.5, 0.9, 1.0] {
            assert_eq!(c.quantile(p), 660_000.0);
        }
        // Zeros in 30 % of the trials, the rest spread out.
        let mut z = Histogram::new(1.0, 2.0, 200);
        (0..30).for_each(|_| z.push(0.0));
        (0..70).for_each(|i| z.push(0.5 + f64::from(i) / 100.0));
        assert_eq!(z.quantile(0.1), 0.0);
        assert_eq!(z.quantile(0.3), 0.0);
        assert!(z.quantile(0.31) >= 0.5 && z.quantile(0.5) > 0.5);
        assert_eq!(z.quantile(1.0), 1.19);
        // Merging in either order gives the same atoms.
        let (mut a, mut b) = (Histogram::new(1.0, 2.0, 10), Histogram::new(1.0, 2.0, 10));
        [0.0, 0.0, 1.0].iter().for_each(|&x| a.push(x));
        [0.0, 1.5].iter().for_each(|&x| b.push(x));
        let mut ab = a.clone();
        ab.merge(&b);
        b.merge(&a);
        assert_eq!(ab, b);
        assert_eq!(ab.quantile(0.6), 0.0);
    }

    #[test]
    fn constant_moments_have_an_exact_mean() {
        let mut m = Moments::new(2_698.0);
        (0..1000).for_each(|_| m.push(0.0));
        assert_eq!(m.welford().mean, 0.0);
        assert_eq!(m.welford().variance(), 0.0);
    }
}
