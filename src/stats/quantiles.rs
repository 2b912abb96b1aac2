//! Quantiles of sorted samples and the tail measures built on them.

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

/// [`quantile_sorted`] of `values` in any order, without sorting them all:
/// the two order statistics it needs are selected (the slice is
/// reordered).
pub fn quantile_unsorted(values: &mut [f64], p: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let h = (values.len() - 1) as f64 * p.clamp(0.0, 1.0);
    let lo = h.floor() as usize;
    let (_, &mut low, above) = values.select_nth_unstable_by(lo, f64::total_cmp);
    let high = above.iter().copied().min_by(f64::total_cmp).unwrap_or(low);
    low + (h - lo as f64) * (high - low)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsorted_quantiles_are_the_sorted_ones() {
        let values: Vec<f64> = (0..1001)
            .map(|i| ((i * 7919) % 1013) as f64 * 0.37)
            .collect();
        let mut sorted = values.clone();
        sorted.sort_by(f64::total_cmp);
        for p in [0.0, 0.01, 0.5, 0.99, 0.999, 1.0] {
            let mut v = values.clone();
            assert_eq!(
                quantile_unsorted(&mut v, p),
                quantile_sorted(&sorted, p),
                "{p}"
            );
        }
        assert!(quantile_unsorted(&mut [], 0.5).is_nan());
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
