//! The probability integral transform: where each actual falls in its own
//! forecast distribution. Over many items a calibrated forecast puts the
//! actuals uniformly over [0, 1]; a U shape means too narrow a forecast, a
//! hump too wide, a slope a bias.
//!
//! Sales often have point masses (a unit with no sale, simulated zeros),
//! where the simulated CDF jumps over the actual. quotaplan scores ties
//! without randomness, so a backtest needs no seed and repeats exactly:
//! - each item's PIT is the mid-rank `(F(y−) + F(y)) / 2`, the expectation
//!   of the randomised PIT (a uniform draw between the two);
//! - the histogram is the non-randomised PIT histogram of Czado, Gneiting
//!   and Held (2009): each item spreads its unit weight uniformly over
//!   `[F(y−), F(y)]`, which is the expected histogram of the randomised
//!   PIT. A calibrated forecast with point masses gives a flat histogram,
//!   where the mid-ranks alone would pile up in the middle of each jump.

/// Bins of the PIT histogram.
pub const PIT_BINS: usize = 10;

/// The simulated CDF just below and at `y`: the shares of `sorted`
/// (ascending) below `y` and at most `y`.
pub fn pit_interval(sorted: &[f64], y: f64) -> [f64; 2] {
    let m = sorted.len() as f64;
    let below = sorted.partition_point(|&x| x < y);
    let at_most = below + sorted[below..].partition_point(|&x| x <= y);
    [below as f64 / m, at_most as f64 / m]
}

/// The mid-rank PIT of an interval from [`pit_interval`].
pub fn mid_rank(interval: [f64; 2]) -> f64 {
    0.5 * (interval[0] + interval[1])
}

/// The non-randomised PIT histogram of the intervals: the share of items
/// in each of [`PIT_BINS`] equal bins (shares sum to 1; zeros without
/// items).
pub fn pit_histogram(intervals: &[[f64; 2]]) -> [f64; PIT_BINS] {
    let mut bins = [0.0; PIT_BINS];
    let k = PIT_BINS as f64;
    for &[lo, hi] in intervals {
        if hi - lo <= 0.0 {
            // No jump: all the weight in the bin holding the value (1.0 in
            // the last bin).
            bins[((lo * k) as usize).min(PIT_BINS - 1)] += 1.0;
            continue;
        }
        for (b, bin) in bins.iter_mut().enumerate() {
            let (a, z) = (b as f64 / k, (b + 1) as f64 / k);
            let overlap = hi.min(z) - lo.max(a);
            if overlap > 0.0 {
                *bin += overlap / (hi - lo);
            }
        }
    }
    let n = intervals.len().max(1) as f64;
    bins.map(|c| c / n)
}

/// Standard error of a bin's share under a calibrated forecast: the
/// binomial SE of 1 / [`PIT_BINS`] with `n` items (the non-randomised
/// histogram varies a little less).
pub fn bin_se(n: usize) -> f64 {
    let p = 1.0 / PIT_BINS as f64;
    crate::stats::proportion_se(p, n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_take_the_mid_rank_and_spread_over_the_jump() {
        // 600 simulated zeros, 400 positive values; the actual is zero.
        let mut x = vec![0.0; 600];
        x.extend((1..=400).map(f64::from));
        let iv = pit_interval(&x, 0.0);
        assert_eq!(iv, [0.0, 0.6]);
        assert!((mid_rank(iv) - 0.3).abs() < 1e-15);
        let h = pit_histogram(&[iv]);
        for (b, share) in h.iter().enumerate() {
            let want = if b < 6 { 1.0 / 6.0 } else { 0.0 };
            assert!((share - want).abs() < 1e-12, "bin {b}: {share}");
        }
        // Without ties the interval is a point.
        assert_eq!(pit_interval(&x, 100.5), [0.7, 0.7]);
        assert_eq!(pit_interval(&x, -1.0), [0.0, 0.0]);
        assert_eq!(pit_interval(&x, 1e9), [1.0, 1.0]);
        assert_eq!(pit_histogram(&[[1.0, 1.0], [0.0, 0.0]])[9], 0.5);
    }

    #[test]
    fn a_jump_inside_one_bin_stays_there() {
        let h = pit_histogram(&[[0.42, 0.48]]);
        assert!((h[4] - 1.0).abs() < 1e-12);
        assert!((h.iter().sum::<f64>() - 1.0).abs() < 1e-12);
    }
}
