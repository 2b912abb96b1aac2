//! Rank and linear correlation, for the risk drivers' sensitivity and the
//! fairness of quotas.

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
