// Reference values carry all the digits mpmath printed.
#![allow(clippy::excessive_precision)]

use super::*;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};

const N: usize = 200_000;

/// A family under test with its mean and variance written out from the
/// textbook closed forms (independently of `Dist::mean`/`Dist::variance`).
struct Case {
    dist: Dist,
    mean: f64,
    var: f64,
    continuous: bool,
    seed: u64,
}

fn cases() -> Vec<Case> {
    // Beta(α, β) on [lo, hi]: mean lo + (hi−lo)α/(α+β), var (hi−lo)²αβ/((α+β)²(α+β+1)).
    let beta_var = |a: f64, b: f64, w: f64| w * w * a * b / ((a + b).powi(2) * (a + b + 1.0));
    vec![
        Case {
            dist: Dist::Fixed(3.5),
            mean: 3.5,
            var: 0.0,
            continuous: false,
            seed: 1,
        },
        Case {
            dist: Dist::Normal {
                mean: 10.0,
                sd: 2.0,
            },
            mean: 10.0,
            var: 4.0,
            continuous: true,
            seed: 2,
        },
        Case {
            // cv = 0.4 → E = 100, Var = (0.4·100)² = 1600.
            dist: Dist::lognormal_cv(100.0, 0.4).unwrap(),
            mean: 100.0,
            var: 1600.0,
            continuous: true,
            seed: 3,
        },
        Case {
            // (a+b)/2 = 2, (b−a)²/12 = 64/12.
            dist: Dist::Uniform {
                min: -2.0,
                max: 6.0,
            },
            mean: 2.0,
            var: 64.0 / 12.0,
            continuous: true,
            seed: 4,
        },
        Case {
            // Right-skewed: (a+c+b)/3 = 3, (a²+b²+c²−ab−ac−bc)/18 = (1+4+36−2−6−12)/18.
            dist: Dist::Triangular {
                min: 1.0,
                mode: 2.0,
                max: 6.0,
            },
            mean: 3.0,
            var: 21.0 / 18.0,
            continuous: true,
            seed: 5,
        },
        Case {
            // Right-skewed PERT: α = 1.8, β = 4.2; (a+4c+b)/6 = 3, (μ−a)(b−μ)/7 = 3.
            dist: Dist::Pert {
                min: 0.0,
                mode: 2.0,
                max: 10.0,
            },
            mean: 3.0,
            var: 3.0,
            continuous: true,
            seed: 6,
        },
        Case {
            dist: Dist::Beta {
                alpha: 2.0,
                beta: 5.0,
                min: 10.0,
                max: 20.0,
            },
            mean: 10.0 + 10.0 * 2.0 / 7.0,
            var: beta_var(2.0, 5.0, 10.0),
            continuous: true,
            seed: 7,
        },
        Case {
            // α < 1: infinite density at the lower end (Cheng's BC sampler,
            // bisection fallback in the quantile).
            dist: Dist::Beta {
                alpha: 0.5,
                beta: 2.0,
                min: 0.0,
                max: 1.0,
            },
            mean: 0.2,
            var: beta_var(0.5, 2.0, 1.0),
            continuous: true,
            seed: 8,
        },
        Case {
            // Unsorted, unnormalised: E = (5·1 + 1·2 + 2·1)/4 = 9/4,
            // E[X²] = (25 + 2 + 4)/4 = 31/4, Var = 31/4 − 81/16 = 43/16.
            dist: Dist::Discrete {
                values: vec![5.0, 1.0, 2.0],
                weights: vec![1.0, 2.0, 1.0],
            },
            mean: 9.0 / 4.0,
            var: 43.0 / 16.0,
            continuous: false,
            seed: 9,
        },
        Case {
            dist: Dist::Bernoulli { p: 0.3 },
            mean: 0.3,
            var: 0.3 * 0.7,
            continuous: false,
            seed: 10,
        },
    ]
}

/// Probabilities for the inverse-CDF checks, tails included.
fn p_grid() -> Vec<f64> {
    let mut ps = vec![1e-12, 1e-9, 1e-6, 1e-4];
    ps.extend((1..1000).map(|k| k as f64 / 1000.0));
    ps.extend([1.0 - 1e-4, 1.0 - 1e-6, 1.0 - 1e-9]);
    ps
}

fn assert_close(actual: f64, expected: f64, tol: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: got {actual:e}, expected {expected:e} (tol {tol:e}, diff {:e})",
        (actual - expected).abs()
    );
}

#[test]
fn closed_form_moments() {
    for c in cases() {
        let scale = c.mean.abs().max(1.0);
        assert_close(c.dist.mean(), c.mean, 1e-12 * scale, c.dist.family());
        assert_close(
            c.dist.variance(),
            c.var,
            1e-12 * c.var.max(1.0),
            c.dist.family(),
        );
    }
}

#[test]
fn sample_moments_match() {
    for c in cases() {
        let d = &c.dist;
        let fam = d.family();
        let mut rng = ChaCha8Rng::seed_from_u64(c.seed);
        let xs: Vec<f64> = (0..N).map(|_| d.sample(&mut rng)).collect();
        let n = N as f64;
        let m = xs.iter().sum::<f64>() / n;
        let m2 = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n;
        let m4 = xs.iter().map(|x| (x - m).powi(4)).sum::<f64>() / n;
        let s2 = m2 * n / (n - 1.0);

        let se_mean = (d.variance() / n).sqrt();
        assert!(
            (m - d.mean()).abs() <= 4.0 * se_mean,
            "{fam}: sample mean {m} vs {} (se {se_mean:e})",
            d.mean()
        );

        let se_var = ((m4 - m2 * m2) / n).sqrt();
        assert!(
            (s2 - d.variance()).abs() <= 4.0 * se_var,
            "{fam}: sample variance {s2} vs {} (se {se_var:e})",
            d.variance()
        );

        // At atoms F(quantile(q)) exceeds q, so compare against F there.
        for q in [0.25, 0.5, 0.75] {
            let x = d.quantile(q);
            let target = if c.continuous { q } else { d.cdf(x) };
            let ecdf = xs.iter().filter(|&&v| v <= x).count() as f64 / n;
            let se = (target * (1.0 - target) / n).sqrt();
            assert!(
                (ecdf - target).abs() <= 4.0 * se,
                "{fam}: ECDF at q{q} = {ecdf} vs {target} (se {se:e})"
            );
        }
    }
}

#[test]
fn quantile_inverts_cdf() {
    for c in cases() {
        let d = &c.dist;
        let fam = d.family();
        for p in p_grid() {
            let x = d.quantile(p);
            if c.continuous {
                assert_close(d.cdf(x), p, 1e-9, &format!("{fam} cdf(quantile({p}))"));
            } else {
                let tiny = 1e-9 * x.abs().max(1.0);
                assert!(d.cdf(x) >= p, "{fam}: cdf(quantile({p})) < p");
                assert!(d.cdf(x - tiny) < p, "{fam}: quantile({p}) not the infimum");
            }
        }
    }
}

#[test]
fn quantile_is_monotone() {
    let mut ps = vec![0.0];
    ps.extend(p_grid());
    ps.push(1.0);
    for c in cases() {
        let qs: Vec<f64> = ps.iter().map(|&p| c.dist.quantile(p)).collect();
        for (w, p) in qs.windows(2).zip(&ps) {
            assert!(
                w[0] <= w[1],
                "{}: quantile decreases after p = {p}: {} > {}",
                c.dist.family(),
                w[0],
                w[1]
            );
        }
    }
}

#[test]
fn support_endpoints() {
    let tri = Dist::Triangular {
        min: 1.0,
        mode: 2.0,
        max: 6.0,
    };
    assert_eq!((tri.quantile(0.0), tri.quantile(1.0)), (1.0, 6.0));
    assert_eq!(tri.quantile(-3.0), 1.0, "p is clamped");
    let n = Dist::Normal { mean: 0.0, sd: 1.0 };
    assert_eq!(n.quantile(0.0), f64::NEG_INFINITY);
    assert_eq!(n.quantile(1.0), f64::INFINITY);
    assert_eq!(Dist::lognormal_cv(5.0, 0.2).unwrap().quantile(0.0), 0.0);
    let disc = Dist::Discrete {
        values: vec![5.0, 1.0, 2.0, 0.0],
        weights: vec![1.0, 2.0, 1.0, 0.0],
    };
    assert_eq!(
        disc.quantile(0.0),
        1.0,
        "zero-weight value is not in the support"
    );
    assert_eq!(disc.quantile(1.0), 5.0);
    assert_eq!(disc.cdf(0.0), 0.0);
    assert_eq!(Dist::Bernoulli { p: 1.0 }.quantile(0.0), 1.0);
    assert_eq!(Dist::Bernoulli { p: 0.0 }.quantile(1.0), 0.0);
}

#[test]
fn beta_cdf_and_quantile_match_polynomial_closed_form() {
    // Beta(2, 3): F(x) = 6x² − 8x³ + 3x⁴; PERT(0, 2.5, 10) is Beta(2, 4):
    // F(x) = 10x² − 20x³ + 15x⁴ − 4x⁵.
    let beta = Dist::Beta {
        alpha: 2.0,
        beta: 3.0,
        min: 0.0,
        max: 1.0,
    };
    let pert = Dist::Pert {
        min: 0.0,
        mode: 2.5,
        max: 10.0,
    };
    for k in 1..100 {
        let x = k as f64 / 100.0;
        let fb = 6.0 * x.powi(2) - 8.0 * x.powi(3) + 3.0 * x.powi(4);
        let fp = 10.0 * x.powi(2) - 20.0 * x.powi(3) + 15.0 * x.powi(4) - 4.0 * x.powi(5);
        assert_close(beta.cdf(x), fb, 1e-13, "beta cdf");
        assert_close(pert.cdf(10.0 * x), fp, 1e-13, "pert cdf");
        // Relative accuracy of the quantile, not just of the round trip.
        assert_close(beta.quantile(fb), x, 1e-10 * x, "beta quantile");
        assert_close(
            pert.quantile(fp),
            10.0 * x,
            1e-10 * 10.0 * x,
            "pert quantile",
        );
    }
}

#[test]
fn beta_quantile_tails_match_closed_forms() {
    // Beta(2, 1): F = x², Beta(1, 2): F = 1 − (1−x)²; together they cover
    // both the direct and the mirrored branch, down to p = 1e-300.
    let b21 = Dist::Beta {
        alpha: 2.0,
        beta: 1.0,
        min: 0.0,
        max: 1.0,
    };
    let b12 = Dist::Beta {
        alpha: 1.0,
        beta: 2.0,
        min: 0.0,
        max: 1.0,
    };
    let mut ps = vec![1e-300, 1e-100, 1e-30, 1e-12, 1e-6];
    ps.extend((1..100).map(|k| k as f64 / 100.0));
    ps.extend([1.0 - 1e-6, 1.0 - 1e-12]);
    for p in ps {
        assert_close(b21.quantile(p), p.sqrt(), 1e-13 * p.sqrt(), "Beta(2,1)");
        let x = -(0.5 * (-p).ln_1p()).exp_m1(); // 1 − sqrt(1 − p) without cancellation
        assert_close(b12.quantile(p), x, 1e-13 * x, "Beta(1,2)");
    }
    // Power-law tail of Beta(2, 5) (B = 1/30): F ≈ 15 x² for x ≈ 1e-151.
    let b25 = Dist::Beta {
        alpha: 2.0,
        beta: 5.0,
        min: 0.0,
        max: 1.0,
    };
    let x = (1e-300_f64 / 15.0).sqrt();
    assert_close(b25.quantile(1e-300), x, 1e-13 * x, "Beta(2,5) far tail");
}

#[test]
fn lognormal_closed_forms() {
    let (mean, cv) = (100.0, 0.4);
    let d = Dist::lognormal_cv(mean, cv).unwrap();
    assert_eq!(d, Dist::LogNormal { mean, sd: 40.0 });
    // Median exp(μ) = mean / sqrt(1 + cv²).
    let median = mean / (1.0 + cv * cv).sqrt();
    assert_close(d.quantile(0.5), median, 1e-12 * median, "lognormal median");
    assert_close(d.cdf(median), 0.5, 1e-15, "lognormal cdf at median");
}

#[test]
fn point_masses_are_constant() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let degenerate = [
        Dist::Fixed(7.0),
        Dist::Normal { mean: 7.0, sd: 0.0 },
        Dist::LogNormal { mean: 7.0, sd: 0.0 },
        Dist::lognormal_cv(7.0, 0.0).unwrap(),
        Dist::Uniform { min: 7.0, max: 7.0 },
        Dist::Triangular {
            min: 7.0,
            mode: 7.0,
            max: 7.0,
        },
        Dist::Pert {
            min: 7.0,
            mode: 7.0,
            max: 7.0,
        },
        Dist::Beta {
            alpha: 2.0,
            beta: 3.0,
            min: 7.0,
            max: 7.0,
        },
    ];
    for d in &degenerate {
        let fam = d.family();
        for _ in 0..10 {
            assert_eq!(d.sample(&mut rng), 7.0, "{fam}");
        }
        for p in [0.0, 0.3, 1.0] {
            assert_eq!(d.quantile(p), 7.0, "{fam}");
        }
        assert_eq!((d.cdf(7.0 - 1e-12), d.cdf(7.0)), (0.0, 1.0), "{fam}");
        assert_eq!((d.mean(), d.variance()), (7.0, 0.0), "{fam}");
    }
    // Point masses leave the stream untouched.
    let mut a = ChaCha8Rng::seed_from_u64(12);
    let mut b = ChaCha8Rng::seed_from_u64(12);
    Dist::Normal { mean: 1.0, sd: 0.0 }.sample(&mut a);
    assert_eq!(a.random::<u64>(), b.random::<u64>());
}

#[test]
fn family_names() {
    let names: Vec<&str> = cases().iter().map(|c| c.dist.family()).collect();
    assert_eq!(
        names,
        [
            "fixed",
            "normal",
            "lognormal",
            "uniform",
            "triangular",
            "pert",
            "beta",
            "beta",
            "discrete",
            "bernoulli"
        ]
    );
}

#[test]
fn std_normal_quantile_known_values() {
    // Reference values from 40-digit mpmath.
    let known = [
        (0.5, 0.0),
        (0.25, -0.674_489_750_196_081_743_2),
        (0.9, 1.281_551_565_544_600_467),
        (0.95, 1.644_853_626_951_472_715),
        (0.975, 1.959_963_984_540_054_236),
        (0.99, 2.326_347_874_040_841_101),
        (0.999, 3.090_232_306_167_813_542),
        (1e-10, -6.361_340_902_404_056_205),
        (1e-20, -9.262_340_089_798_407_574),
    ];
    for (p, z) in known {
        assert_close(
            std_normal_quantile(p),
            z,
            4.0 * f64::EPSILON * z.abs().max(1.0),
            &format!("quantile({p})"),
        );
    }
    // Exact symmetry where 1 − p is representable.
    for k in 2..=53 {
        let p = 0.5f64.powi(k);
        assert_eq!(std_normal_quantile(1.0 - p), -std_normal_quantile(p));
    }
    assert!(std_normal_quantile(f64::MIN_POSITIVE).is_finite());
    // Round trip with relative accuracy deep in the lower tail.
    for p in [1e-300, 1e-100, 1e-30, 1e-15, 1e-5, 0.1, 0.3] {
        let rt = std_normal_cdf(std_normal_quantile(p));
        assert_close(rt, p, 1e-12 * p, &format!("cdf(quantile({p}))"));
    }
}

#[test]
fn std_normal_cdf_known_values() {
    // Reference values from 40-digit mpmath.
    let known = [
        (0.0, 0.5),
        (0.3, 0.617_911_422_188_952_633_1),
        (1.0, 0.841_344_746_068_542_948_6),
        (-1.0, 0.158_655_253_931_457_051_4),
        (1.96, 0.975_002_104_851_779_563_8),
        (-5.0, 2.866_515_718_791_939_117e-7),
        (-10.0, 7.619_853_024_160_526_066e-24),
        (-20.0, 2.753_624_118_606_233_695e-89),
        (-37.0, 5.725_571_222_524_576_823e-300),
    ];
    for (z, p) in known {
        // Absolute 1e-15 in the body, and relative accuracy in the lower tail.
        let tol = 1e-15_f64.min(1e-12 * p);
        assert_close(std_normal_cdf(z), p, tol, &format!("cdf({z})"));
    }
    assert_eq!(std_normal_cdf(f64::NEG_INFINITY), 0.0);
    assert_eq!(std_normal_cdf(f64::INFINITY), 1.0);
}
