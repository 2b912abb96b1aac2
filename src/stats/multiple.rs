//! Multiple comparisons: when many deltas are tested at once, the chance
//! that at least one identical pair looks "significant" grows with their
//! number. Adjusted p-values keep that family-wise chance at the level.

/// How p-values of a family of tests are adjusted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Adjust {
    /// Each test at the level on its own (the family-wise error grows with
    /// the number of tests).
    None,
    /// Holm's step-down method: family-wise error at most the level, and
    /// never less powerful than Bonferroni.
    #[default]
    Holm,
    /// Each p-value times the number of tests.
    Bonferroni,
}

impl Adjust {
    pub fn name(self) -> &'static str {
        match self {
            Adjust::None => "none",
            Adjust::Holm => "Holm",
            Adjust::Bonferroni => "Bonferroni",
        }
    }
}

/// Adjusted p-values, in the order given: a test is significant at level
/// `a` when its adjusted p-value is at most `a`.
pub fn adjusted(p: &[f64], how: Adjust) -> Vec<f64> {
    let m = p.len() as f64;
    match how {
        Adjust::None => p.to_vec(),
        Adjust::Bonferroni => p.iter().map(|&x| (x * m).min(1.0)).collect(),
        Adjust::Holm => {
            let mut order: Vec<usize> = (0..p.len()).collect();
            order.sort_by(|&a, &b| p[a].total_cmp(&p[b]).then(a.cmp(&b)));
            let mut out = vec![1.0; p.len()];
            let mut running: f64 = 0.0;
            for (rank, &i) in order.iter().enumerate() {
                running = running.max(((m - rank as f64) * p[i]).min(1.0));
                out[i] = running;
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holm_steps_down() {
        // Textbook: p = 0.01, 0.04, 0.03, 0.005 with m = 4:
        // sorted 0.005*4 = 0.02, 0.01*3 = 0.03, 0.03*2 = 0.06, 0.04*1 = 0.04 -> 0.06.
        let a = adjusted(&[0.01, 0.04, 0.03, 0.005], Adjust::Holm);
        let want = [0.03, 0.06, 0.06, 0.02];
        for (x, w) in a.iter().zip(want) {
            assert!((x - w).abs() < 1e-12, "{a:?}");
        }
        assert_eq!(adjusted(&[0.01, 0.5], Adjust::Bonferroni), vec![0.02, 1.0]);
        assert_eq!(adjusted(&[0.01, 0.5], Adjust::None), vec![0.01, 0.5]);
        assert!(adjusted(&[], Adjust::Holm).is_empty());
    }
}
