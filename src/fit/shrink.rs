//! Empirical Bayes: a thin unit's estimate borrows strength from its group
//! (segment). Within a group, true values spread with variance tau² (the
//! spread of the estimates less their sampling variance); each estimate is
//! pulled toward the group mean by the share of its variance that is noise.

/// An estimate with its sampling variance, in a group.
#[derive(Clone, Copy, Debug)]
pub struct Noisy {
    pub group: usize,
    pub x: f64,
    /// Sampling variance; infinite when the unit has no evidence of its own.
    pub var: f64,
}

/// Per group: mean, tau², the standard error of the mean, and members
/// with evidence.
#[derive(Clone, Copy, Debug, Default)]
pub struct Group {
    pub mean: f64,
    pub tau2: f64,
    pub se: f64,
    pub n: usize,
}

/// Posterior mean and variance of each estimate, and the groups.
pub fn shrink(items: &[Noisy], groups: usize) -> (Vec<(f64, f64)>, Vec<Group>) {
    let all = stats(items.iter().filter(|i| i.var.is_finite()));
    let g: Vec<Group> = (0..groups)
        .map(|k| {
            let s = stats(items.iter().filter(|i| i.group == k && i.var.is_finite()));
            // A group too small to say its spread leans on everyone's.
            if s.n < 3 { Group { n: s.n, ..all } } else { s }
        })
        .collect();
    let post = items
        .iter()
        .map(|i| {
            let gr = g[i.group];
            if !i.var.is_finite() {
                return (gr.mean, gr.tau2 + gr.se * gr.se);
            }
            let w = if gr.tau2 + i.var > 0.0 {
                gr.tau2 / (gr.tau2 + i.var)
            } else {
                1.0
            };
            (
                gr.mean + w * (i.x - gr.mean),
                w * i.var + (1.0 - w).powi(2) * gr.se * gr.se,
            )
        })
        .collect();
    (post, g)
}

fn stats<'a>(items: impl Iterator<Item = &'a Noisy>) -> Group {
    let (mut n, mut sum, mut sum2, mut noise) = (0usize, 0.0, 0.0, 0.0);
    for i in items {
        n += 1;
        sum += i.x;
        sum2 += i.x * i.x;
        noise += i.var;
    }
    if n == 0 {
        return Group::default();
    }
    let nf = n as f64;
    let mean = sum / nf;
    let var = if n > 1 {
        (sum2 - nf * mean * mean) / (nf - 1.0)
    } else {
        0.0
    };
    Group {
        mean,
        tau2: (var - noise / nf).max(0.0),
        se: (var.max(0.0) / nf).sqrt(),
        n,
    }
}
