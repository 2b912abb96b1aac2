//! Statistical correctness of the engine: every test compares simulated results
//! with a closed form derived from the model of docs/src/model.md (derivations
//! in the comments), with tolerances derived from standard errors and a fixed
//! seed, or exactly (up to floating-point rounding) when the scenario has no
//! randomness in the quantity checked.
//!
//! Run with `--nocapture` to see each estimate next to its closed form.

use crate::common::{
    K_SE, assert_exact, assert_within_se, load_full, load_str, mean_var, run, simulation,
};
use quotaplan::stats::{Welford, quantile_sorted};

/// Uneven seasonality used by several tests (normalised by the loader).
const WEIGHTS: [f64; 12] = [6., 5., 8., 8., 9., 9., 8., 8., 9., 9., 10., 11.];

fn weights_toml(w: &[f64]) -> String {
    let parts: Vec<String> = w.iter().map(|x| format!("{x:?}")).collect();
    format!("[seasonality]\nweights = [{}]\n", parts.join(", "))
}

/// Seasonality normalised the way docs/src/model.md says: `s_m = w_m / sum(w)`.
fn normalised(w: &[f64]) -> Vec<f64> {
    let sum: f64 = w.iter().sum();
    w.iter().map(|x| x / sum).collect()
}

/// docs/src/model.md: `ramp(k) = min(1, (k - 0.5) / rho)`, `ramp(k) = 1` when
/// rho = 0.
fn ramp(k: f64, rho: f64) -> f64 {
    if rho == 0.0 {
        1.0
    } else {
        ((k - 0.5) / rho).min(1.0)
    }
}

/// A rep's presence rules, written out from docs/src/model.md independently of
/// the library's `Rep` methods.
#[derive(Clone, Copy)]
struct Seat {
    rho: f64,
    /// `ramp_remaining` of a recent hire.
    remaining: Option<f64>,
    /// `start_month` of a planned hire.
    start: Option<u32>,
    attrition: f64,
    vacancy_months: u32,
    vacancy_coverage: f64,
}

impl Seat {
    fn established(rho: f64) -> Seat {
        Seat {
            rho,
            remaining: None,
            start: None,
            attrition: 0.0,
            vacancy_months: 0,
            vacancy_coverage: 0.0,
        }
    }

    /// Presence in month `m` (1-based) if the rep stays.
    fn stay(&self, m: u32) -> f64 {
        match (self.start, self.remaining) {
            (Some(s), _) if m < s => 0.0,
            (Some(s), _) => ramp(f64::from(m - s + 1), self.rho),
            (None, Some(r)) => ramp(self.rho - r + f64::from(m), self.rho),
            (None, None) => 1.0,
        }
    }

    /// Presence in month `m` if the rep leaves in month `l`.
    fn left(&self, m: u32, l: u32) -> f64 {
        if m < l {
            self.stay(m)
        } else if m < l + self.vacancy_months {
            self.vacancy_coverage
        } else {
            ramp(f64::from(m - (l + self.vacancy_months) + 1), self.rho)
        }
    }

    /// Probability of leaving within the horizon: `1 - (1 - a)^(months/12)`.
    fn q(&self, months: u32) -> f64 {
        1.0 - (1.0 - self.attrition).powf(f64::from(months) / 12.0)
    }

    /// Sales of a rep with fixed potential `p` in each outcome: index 0 when
    /// it stays, index L when it leaves in month L; with their probabilities.
    fn outcomes(&self, p: f64, s: &[f64]) -> Vec<(f64, f64)> {
        let months = s.len() as u32;
        let q = self.q(months);
        let sales = |e: &dyn Fn(u32) -> f64| -> f64 {
            (1..=months).map(|m| p * s[m as usize - 1] * e(m)).sum()
        };
        let mut out = vec![(sales(&|m| self.stay(m)), 1.0 - q)];
        for l in 1..=months {
            out.push((sales(&|m| self.left(m, l)), q / f64::from(months)));
        }
        out
    }
}

/// Mean and variance of a discrete distribution given as (value, probability).
fn discrete_moments(d: &[(f64, f64)]) -> (f64, f64) {
    let total: f64 = d.iter().map(|x| x.1).sum();
    assert!((total - 1.0).abs() < 1e-12);
    let mean: f64 = d.iter().map(|(v, p)| v * p).sum();
    let var: f64 = d.iter().map(|(v, p)| p * (v - mean).powi(2)).sum();
    (mean, var)
}

// ---------------------------------------------------------------------------
// 1. Log-normal potentials.

/// One rep, no risks, no attrition, unlimited capacity: Team = sum_u P_u with
/// independent log-normal P_u (mean mu_u, sd mu_u cv_u), seasonality summing
/// to 1 and presence 1. So E[Team] = sum mu_u and Var[Team] = sum (mu_u cv_u)^2.
/// SE of the sample variance: sqrt((mu4 - sigma^4 (n-3)/(n-1)) / n), with the
/// fourth central moment of a sum of independent zero-mean terms
/// mu4 = sum mu4_u + 6 sum_{u<v} var_u var_v and, for a log-normal with
/// s^2 = ln(1 + cv^2), mu4_u = var_u^2 (e^{4s^2} + 2e^{3s^2} + 3e^{2s^2} - 3).
#[test]
fn lognormal_potentials_mean_and_variance() {
    let units = [
        ("u1", 1000.0, 0.2),
        ("u2", 2000.0, 0.3),
        ("u3", 500.0, 0.5),
        ("u4", 1500.0, 0.1),
    ];
    let mut csv = String::from("id,potential,potential_cv,workload_hours,owner\n");
    for (id, mu, cv) in units {
        csv.push_str(&format!("{id},{mu},{cv},100,A\n"));
    }
    let toml = format!(
        "[scenario]\ncompany_target = 5000\n{}[units]\nfile = \"units.csv\"\n\
         [[reps]]\nid = \"A\"\nquota = 5000\n",
        weights_toml(&WEIGHTS)
    );
    let model = load_str(&toml, Some(&csv));
    let n = 50_000;
    let res = run(&model, n, 11, 4);

    let mean: f64 = units.iter().map(|u| u.1).sum();
    let vars: Vec<f64> = units.iter().map(|u| (u.1 * u.2).powi(2)).collect();
    let var: f64 = vars.iter().sum();
    let mut mu4 = 0.0;
    for (i, (_, _, cv)) in units.iter().enumerate() {
        let s2 = (1.0 + cv * cv).ln();
        let kurt = (4.0 * s2).exp() + 2.0 * (3.0 * s2).exp() + 3.0 * (2.0 * s2).exp() - 3.0;
        mu4 += vars[i] * vars[i] * kurt;
        for v in &vars[i + 1..] {
            mu4 += 6.0 * vars[i] * v;
        }
    }
    let nf = n as f64;
    let se_var = ((mu4 - var * var * (nf - 3.0) / (nf - 1.0)) / nf).sqrt();

    let (m, v) = mean_var(&res.team);
    assert_within_se("lognormal: team mean", m, mean, (var / nf).sqrt());
    assert_within_se("lognormal: team variance", v, var, se_var);
    // The rep's streaming statistics see the same numbers.
    assert_exact("rep mean = team mean", res.reps[0].sales.mean, m);
    assert!((res.reps[0].sales.variance() - v).abs() <= 1e-9 * v);
}

/// Other potential families go through the generic sampler: uniform(a, b)
/// has mean (a+b)/2 and variance (b-a)^2/12; triangular(a, c, b) mean
/// (a+b+c)/3, variance (a^2+b^2+c^2-ab-ac-bc)/18; PERT(a, c, b) is a + (b-a)
/// Beta(al, be) with al = 1 + 4(c-a)/(b-a), be = 1 + 4(b-c)/(b-a): mean
/// (a+4c+b)/6, variance (b-a)^2 al be / ((al+be)^2 (al+be+1)). Team = sum.
/// The variance's SE uses the sample fourth central moment.
#[test]
fn other_potential_families_mean_and_variance() {
    let toml = r#"
[scenario]
company_target = 3000
[[reps]]
id = "A"
quota = 3000
[[units]]
id = "u1"
potential = { uniform = { min = 500, max = 1500 } }
owner = "A"
[[units]]
id = "u2"
potential = { triangular = { min = 0, mode = 300, max = 900 } }
owner = "A"
[[units]]
id = "u3"
potential = { pert = { min = 1000, mode = 1200, max = 2000 } }
owner = "A"
"#;
    let model = load_str(toml, None);
    let n = 30_000;
    let res = run(&model, n, 21, 4);
    let (a, c, b) = (1000.0f64, 1200.0f64, 2000.0f64);
    let (al, be) = (1.0 + 4.0 * (c - a) / (b - a), 1.0 + 4.0 * (b - c) / (b - a));
    let mean = 1000.0 + 400.0 + (a + 4.0 * c + b) / 6.0;
    let var = 1000.0f64.powi(2) / 12.0
        + (300.0f64 * 300.0 + 900.0 * 900.0 - 300.0 * 900.0) / 18.0
        + (b - a).powi(2) * al * be / ((al + be).powi(2) * (al + be + 1.0));
    let (m, v) = mean_var(&res.team);
    let nf = n as f64;
    let m4 = res.team.iter().map(|x| (x - m).powi(4)).sum::<f64>() / nf;
    assert_within_se("other families: team mean", m, mean, (var / nf).sqrt());
    assert_within_se(
        "other families: team variance",
        v,
        var,
        ((m4 - v * v) / nf).sqrt(),
    );
}

/// Productivity is drawn once per rep per trial and multiplies every month:
/// with fixed potentials P_r and productivity U(0.5, 1.5), Team = sum_r P_r
/// U_r, E = sum P_r, Var = sum P_r^2 / 12 (a draw per month would shrink the
/// variance about twelvefold). mu4 = sum P_r^4 / 80 + 6 prod var_r.
#[test]
fn productivity_drawn_once_per_rep_and_trial() {
    let toml = r#"
[scenario]
company_target = 3000
[rep_defaults]
productivity = { uniform = { min = 0.5, max = 1.5 } }
[[reps]]
id = "A"
quota = 1000
[[reps]]
id = "B"
quota = 2000
[[units]]
id = "uA"
potential = 1000
owner = "A"
[[units]]
id = "uB"
potential = 2000
owner = "B"
"#;
    let model = load_str(toml, None);
    let n = 30_000;
    let res = run(&model, n, 22, 4);
    let (v1, v2) = (1000.0f64.powi(2) / 12.0, 2000.0f64.powi(2) / 12.0);
    let var = v1 + v2;
    let mu4 = (1000.0f64.powi(4) + 2000.0f64.powi(4)) / 80.0 + 6.0 * v1 * v2;
    let nf = n as f64;
    let (m, v) = mean_var(&res.team);
    assert_within_se("productivity: team mean", m, 3000.0, (var / nf).sqrt());
    assert_within_se(
        "productivity: team variance",
        v,
        var,
        ((mu4 - var * var * (nf - 3.0) / (nf - 1.0)) / nf).sqrt(),
    );
}

// ---------------------------------------------------------------------------
// 2. One normal shock.

/// Fixed potentials P (total), one shock X ~ N(mu, sd) on all units:
/// Team = P (1 + X) (the floor at zero is 10 sd away), so E = P (1 + mu),
/// Var = P^2 sd^2; for normal data Var(sample variance) = 2 sigma^4 / (n - 1).
#[test]
fn normal_shock_on_all_units() {
    let toml = r#"
[scenario]
company_target = 3000
[[reps]]
id = "A"
quota = 1000
[[reps]]
id = "B"
quota = 2000
[[units]]
id = "u1"
potential = 1200
owner = "A"
[[units]]
id = "u2"
potential = 800
owner = "B"
[[units]]
id = "u3"
potential = 1000
owner = "B"
[[risks]]
id = "macro"
kind = "shock"
applies_to = "all"
impact = { normal = { mean = -0.05, sd = 0.1 } }
"#;
    let model = load_str(toml, None);
    let n = 30_000;
    let res = run(&model, n, 12, 4);
    let (p, mu, sd) = (3000.0, -0.05, 0.1);
    let var = (p * sd) * (p * sd);
    let nf = n as f64;
    let (m, v) = mean_var(&res.team);
    assert_within_se("shock: team mean", m, p * (1.0 + mu), (var / nf).sqrt());
    assert_within_se(
        "shock: team variance",
        v,
        var,
        (2.0 * var * var / (nf - 1.0)).sqrt(),
    );
    // Rep A carries 1200/3000 of the same factor.
    assert_within_se(
        "shock: rep A sd",
        res.reps[0].sales.sd(),
        1200.0 * sd,
        1200.0 * sd / (2.0 * (nf - 1.0)).sqrt(),
    );
}

/// "A multiplier product below zero is floored at zero": X ~ U(-2, 0) on
/// the only unit (P fixed) gives Team = P Y with Y = max(0, 1 + X): Y = 0 with
/// probability 1/2, else U(0, 1). So E[Y^k] = 1 / (2 (k + 1)): E = P/4,
/// Var = P^2 (1/6 - 1/16), P(Team = 0) = 1/2.
#[test]
fn negative_multiplier_is_floored_at_zero() {
    let toml = r#"
[scenario]
company_target = 1000
[[reps]]
id = "A"
quota = 1000
[[units]]
id = "u"
potential = 1000
owner = "A"
[[risks]]
id = "crash"
kind = "shock"
applies_to = "all"
impact = { uniform = { min = -2.0, max = 0.0 } }
"#;
    let model = load_str(toml, None);
    let n = 20_000;
    let res = run(&model, n, 23, 4);
    let e = |k: i32| 1.0 / (2.0 * f64::from(k + 1));
    let mu = e(1);
    let var = e(2) - mu * mu;
    let mu4 = e(4) - 4.0 * mu * e(3) + 6.0 * mu * mu * e(2) - 3.0 * mu.powi(4);
    let nf = n as f64;
    assert!(res.team.iter().all(|&t| t >= 0.0), "negative team sales");
    let zero = res.team.iter().filter(|&&t| t == 0.0).count() as f64 / nf;
    assert_within_se("floor: P(team = 0)", zero, 0.5, (0.25 / nf).sqrt());
    let (m, v) = mean_var(&res.team);
    assert_within_se(
        "floor: team mean",
        m,
        1000.0 * mu,
        1000.0 * (var / nf).sqrt(),
    );
    assert_within_se(
        "floor: team variance",
        v / 1e6,
        var,
        ((mu4 - var * var) / nf).sqrt(),
    );
}

// ---------------------------------------------------------------------------
// 3. An event.

/// Event on unit A only (region East), probability p, start month M uniform on
/// 4..=6, fixed impact X. Fixed potentials, so the team takes exactly 4 values:
/// no event: P_A + P_B; event from month M: P_B + P_A (sum_{m<M} s_m +
/// (1 + X) sum_{m>=M} s_m). P(no event) = 1 - p, P(M = k) = p / 3.
#[test]
fn event_frequency_and_exact_size() {
    let toml = format!(
        r#"
[scenario]
company_target = 1500
{}
[[reps]]
id = "A"
quota = 1000
[[units]]
id = "uA"
region = "East"
potential = 1000
owner = "A"
[[units]]
id = "uB"
region = "West"
potential = 500
owner = "A"
[[risks]]
id = "entry"
kind = "event"
probability = 0.3
applies_to = {{ regions = ["East"] }}
start = {{ from = 4, to = 6 }}
impact = -0.25
"#,
        weights_toml(&WEIGHTS)
    );
    let model = load_str(&toml, None);
    let s = normalised(&WEIGHTS);
    let (pa, pb, p, x) = (1000.0, 500.0, 0.3, -0.25);
    // values[0]: no event; values[k]: event from month 3 + k.
    let mut values = vec![pa + pb];
    let mut probs = vec![1.0 - p];
    for start in 4..=6usize {
        let before: f64 = s[..start - 1].iter().sum();
        let after: f64 = s[start - 1..].iter().sum();
        values.push(pb + pa * (before + (1.0 + x) * after));
        probs.push(p / 3.0);
    }
    let n = 20_000;
    let res = run(&model, n, 13, 4);
    let mut counts = [0u64; 4];
    for (t, &team) in res.team.iter().enumerate() {
        let k = values
            .iter()
            .position(|&v| (team - v).abs() <= 1e-12 * v)
            .unwrap_or_else(|| panic!("trial {t}: team {team} is none of {values:?}"));
        counts[k] += 1;
    }
    println!("CHECK event: every trial's team equals one of {values:?} to 1e-12");
    let nf = n as f64;
    let labels = ["no event", "from month 4", "from month 5", "from month 6"];
    for k in 0..4 {
        let f = counts[k] as f64 / nf;
        let se = (probs[k] * (1.0 - probs[k]) / nf).sqrt();
        assert_within_se(&format!("event: P({})", labels[k]), f, probs[k], se);
    }
}

// ---------------------------------------------------------------------------
// 4. Attrition, vacancy and ramp.

/// Fixed potentials, uneven seasonality. A rep stays with probability 1 - q (q
/// = 1 - (1 - a)^(months/12)) or leaves in month L ~ U{1..months}; its sales
/// are P sum_m s_m e(m) with e from the presence rules of docs/src/model.md
/// (computed by `Seat`, not by the library). So E[S] = P sum_m s_m ((1-q)
/// e_stay(m) + q/months sum_L e_L(m)) and the variance follows from the same 13
/// outcomes. Rep A is established, rep B a recent hire (its own ramp before
/// leaving).
#[test]
fn attrition_vacancy_and_ramp_expected_sales() {
    let toml = format!(
        r#"
[scenario]
company_target = 1800
{}
[[reps]]
id = "A"
quota = 1000
attrition = 0.3
vacancy_months = 2
vacancy_coverage = 0.25
ramp_months = 4
[[reps]]
id = "B"
quota = 800
attrition = 0.5
vacancy_months = 1
vacancy_coverage = 0.0
ramp_months = 3
ramp_remaining = 2
[[units]]
id = "uA"
potential = 1000
owner = "A"
[[units]]
id = "uB"
potential = 800
owner = "B"
"#,
        weights_toml(&WEIGHTS)
    );
    let model = load_str(&toml, None);
    let s = normalised(&WEIGHTS);
    let seats = [
        (
            1000.0,
            Seat {
                attrition: 0.3,
                vacancy_months: 2,
                vacancy_coverage: 0.25,
                ..Seat::established(4.0)
            },
        ),
        (
            800.0,
            Seat {
                remaining: Some(2.0),
                attrition: 0.5,
                vacancy_months: 1,
                vacancy_coverage: 0.0,
                ..Seat::established(3.0)
            },
        ),
    ];
    let n = 40_000;
    let res = run(&model, n, 14, 4);
    let nf = n as f64;
    let mut outcomes = Vec::new();
    for (r, (p, seat)) in seats.iter().enumerate() {
        let o = seat.outcomes(*p, &s);
        let (mean, var) = discrete_moments(&o);
        assert_within_se(
            &format!("attrition: rep {r} mean"),
            res.reps[r].sales.mean,
            mean,
            (var / nf).sqrt(),
        );
        // The library's own closed form agrees with the hand computation.
        assert_exact(
            &format!("attrition: Model::expected_sales rep {r}"),
            model.expected_sales()[r],
            mean,
        );
        outcomes.push(o);
    }
    // Every trial is one of the 13 x 13 combinations of outcomes.
    let mut sums: Vec<f64> = Vec::new();
    for a in &outcomes[0] {
        for b in &outcomes[1] {
            sums.push(a.0 + b.0);
        }
    }
    for &t in &res.team {
        assert!(
            sums.iter().any(|&v| (t - v).abs() <= 1e-12 * v),
            "team {t} is no combination of departure outcomes"
        );
    }
}

/// Horizon scaling of attrition: months = 6, equal seasonality, the leave
/// probability is 1 - (1 - a)^(6/12) and L ~ U{1..6}.
#[test]
fn attrition_scales_with_horizon() {
    let toml = r#"
[scenario]
months = 6
company_target = 1000
[[reps]]
id = "A"
quota = 1000
attrition = 0.4
vacancy_months = 1
vacancy_coverage = 0.5
ramp_months = 2
[[units]]
id = "u"
potential = 1000
owner = "A"
"#;
    let model = load_str(toml, None);
    let seat = Seat {
        attrition: 0.4,
        vacancy_months: 1,
        vacancy_coverage: 0.5,
        ..Seat::established(2.0)
    };
    let o = seat.outcomes(1000.0, &[1.0 / 6.0; 6]);
    let (mean, var) = discrete_moments(&o);
    let n = 30_000;
    let res = run(&model, n, 15, 4);
    let stayed = res
        .team
        .iter()
        .filter(|&&t| (t - o[0].0).abs() <= 1e-9)
        .count() as f64;
    let nf = n as f64;
    let q = 1.0 - 0.6f64.sqrt();
    assert_within_se(
        "attrition (6 months): P(leave)",
        1.0 - stayed / nf,
        q,
        (q * (1.0 - q) / nf).sqrt(),
    );
    let (m, _) = mean_var(&res.team);
    assert_within_se("attrition (6 months): mean", m, mean, (var / nf).sqrt());
}

/// Zero randomness: with all seasonality in month m, team = sum_r P_r e_r(m),
/// so twelve runs read each month's presence exactly. The examples of
/// docs/src/model.md: recent hire R = 3, rho = 5: 0.5, 0.7, 0.9, then 1;
/// planned hire S = 4, rho = 2: 0, 0, 0, 0.25, 0.75, then 1; planned hire S = 7
/// without ramp.
#[test]
fn recent_and_planned_hire_presence_exact() {
    let recent = [0.5, 0.7, 0.9, 1., 1., 1., 1., 1., 1., 1., 1., 1.];
    let planned = [0., 0., 0., 0.25, 0.75, 1., 1., 1., 1., 1., 1., 1.];
    let no_ramp = [0., 0., 0., 0., 0., 0., 1., 1., 1., 1., 1., 1.];
    for m in 1..=12u32 {
        let mut w = [0.0; 12];
        w[m as usize - 1] = 1.0;
        let toml = format!(
            r#"
[scenario]
company_target = 1000
{}
[[reps]]
id = "R"
quota = 1
ramp_months = 5
ramp_remaining = 3
[[reps]]
id = "S"
quota = 1
ramp_months = 2
start_month = 4
[[reps]]
id = "T"
quota = 1
start_month = 7
[[units]]
id = "uR"
potential = 1000
owner = "R"
[[units]]
id = "uS"
potential = 300
owner = "S"
[[units]]
id = "uT"
potential = 70
owner = "T"
"#,
            weights_toml(&w)
        );
        let model = load_str(&toml, None);
        let res = run(&model, 3, 1, 1);
        let i = m as usize - 1;
        // Hand rules agree with the numbers docs/src/model.md states.
        let seat_r = Seat {
            remaining: Some(3.0),
            ..Seat::established(5.0)
        };
        let seat_s = Seat {
            start: Some(4),
            ..Seat::established(2.0)
        };
        assert_exact("seat R", seat_r.stay(m), recent[i]);
        assert_exact("seat S", seat_s.stay(m), planned[i]);
        for (r, want) in [1000.0 * recent[i], 300.0 * planned[i], 70.0 * no_ramp[i]]
            .into_iter()
            .enumerate()
        {
            assert_exact(&format!("month {m} rep {r}"), res.reps[r].sales.mean, want);
            assert_eq!(res.reps[r].sales.variance(), 0.0);
        }
        for &t in &res.team {
            assert_exact(
                &format!("month {m} team"),
                t,
                1000.0 * recent[i] + 300.0 * planned[i] + 70.0 * no_ramp[i],
            );
        }
    }
    println!("CHECK presence: recent hire {recent:?}, planned hire {planned:?} exact");
}

/// A planned hire who starts in month 10 cannot sell, nor leave, before
/// month 10: the leaving month is uniform over its employed months 10..=12
/// and the annual attrition is scaled to those 3 months,
/// q = 1 - (1 - 0.5)^(3/12). With a one-month vacancy at zero coverage and no
/// ramp, a departure costs exactly one month's sales (100), so
/// E[sales] = 300 - 100 q, and every trial is 300 or 200.
#[test]
fn attrition_of_a_planned_hire_starts_with_the_hire() {
    let toml = r#"
[scenario]
company_target = 1000
[[reps]]
id = "H"
quota = 1000
start_month = 10
attrition = 0.5
vacancy_months = 1
[[units]]
id = "u"
potential = 1200
owner = "H"
"#;
    let model = load_str(toml, None);
    let n = 20_000;
    let res = run(&model, n, 16, 4);
    let q = 1.0 - 0.5f64.powf(3.0 / 12.0);
    let (m, v) = mean_var(&res.team);
    println!(
        "CHECK planned hire: mean {m} vs 300 - 100 q = {}",
        300.0 - 100.0 * q
    );
    assert!(
        res.team
            .iter()
            .all(|&t| (t - 300.0).abs() < 1e-9 || (t - 200.0).abs() < 1e-9)
    );
    assert_within_se(
        "planned hire mean",
        m,
        300.0 - 100.0 * q,
        (v / n as f64).sqrt(),
    );
    assert_exact(
        "expected_sales",
        model.expected_sales()[0],
        300.0 - 100.0 * q,
    );
}

// ---------------------------------------------------------------------------
// 5. Coverage under overload.

/// coverage = min(1, capacity / W)^beta multiplies the rep's sales exactly.
/// Each rep owns units of workload 400 + 600 = 1000 h and potential 1000.
#[test]
fn coverage_under_overload_exact() {
    let mut toml = String::from("[scenario]\ncompany_target = 4000\n");
    let reps = [
        ("A", Some(600.0), 1.0),
        ("B", Some(600.0), 0.5),
        ("C", Some(2000.0), 1.0),
        ("D", None, 1.0),
        ("E", Some(250.0), 2.0),
    ];
    for (id, cap, beta) in reps {
        toml.push_str(&format!(
            "[[reps]]\nid = \"{id}\"\nquota = 1000\ncapacity_elasticity = {beta:?}\n"
        ));
        if let Some(c) = cap {
            toml.push_str(&format!("capacity_hours = {c:?}\n"));
        }
    }
    for (id, _, _) in reps {
        toml.push_str(&format!(
            "[[units]]\nid = \"{id}1\"\npotential = 300\nworkload_hours = 400\nowner = \"{id}\"\n\
             [[units]]\nid = \"{id}2\"\npotential = 700\nworkload_hours = 600\nowner = \"{id}\"\n"
        ));
    }
    let model = load_str(&toml, None);
    let res = run(&model, 50, 5, 2);
    let mut team = 0.0;
    for (r, (id, cap, beta)) in reps.iter().enumerate() {
        let cov = cap.map_or(1.0, |c: f64| (c / 1000.0).min(1.0).powf(*beta));
        team += 1000.0 * cov;
        assert_exact(
            &format!("coverage rep {id}"),
            res.reps[r].sales.mean,
            1000.0 * cov,
        );
        println!(
            "CHECK coverage rep {id}: sales {} vs {} exact",
            res.reps[r].sales.mean,
            1000.0 * cov
        );
    }
    for &t in &res.team {
        assert_exact("coverage team", t, team);
    }
}

// ---------------------------------------------------------------------------
// 6. Seasonality with a start month.

/// Deterministic: established rep (P = 1200) and a planned hire starting in
/// month 5 with rho = 3 (presence 1/6, 1/2, 5/6, then 1; P = 900). Quarter q's
/// sales are sum_{m in q} s_m (1200 + 900 e(m)); the quarter target is the
/// company target phased by seasonality.
#[test]
fn quarterly_sales_with_planned_hire_exact() {
    let toml = format!(
        r#"
[scenario]
company_target = 2000
{}
[[reps]]
id = "A"
quota = 1200
[[reps]]
id = "H"
quota = 500
start_month = 5
ramp_months = 3
[[units]]
id = "uA"
potential = 1200
owner = "A"
[[units]]
id = "uH"
potential = 900
owner = "H"
"#,
        weights_toml(&WEIGHTS)
    );
    let model = load_str(&toml, None);
    let s = normalised(&WEIGHTS);
    let hire = Seat {
        start: Some(5),
        ..Seat::established(3.0)
    };
    let res = run(&model, 100, 6, 2);
    let mut team = 0.0;
    for q in 0..4 {
        let months = 3 * q + 1..=3 * q + 3;
        let sales: f64 = months
            .clone()
            .map(|m| s[m as usize - 1] * (1200.0 + 900.0 * hire.stay(m)))
            .sum();
        let target: f64 = months.map(|m| 2000.0 * s[m as usize - 1]).sum();
        team += sales;
        println!(
            "CHECK Q{}: sales mean {} vs {sales} exact",
            q + 1,
            res.quarters[q as usize].sales.mean
        );
        assert_exact(
            &format!("Q{} sales", q + 1),
            res.quarters[q as usize].sales.mean,
            sales,
        );
        assert_eq!(res.quarters[q as usize].sales.variance(), 0.0);
        assert_exact(
            &format!("Q{} target", q + 1),
            res.quarters[q as usize].target,
            target,
        );
    }
    for &t in &res.team {
        assert_exact("team", t, team);
    }
}

// ---------------------------------------------------------------------------
// 7. Correlated shocks.

/// Three shocks X_A, X_B, X_C ~ N(0, sd_k), each on one rep's only unit
/// (fixed potentials P_k). Rep A is established, rep B a planned hire from
/// month 4 and rep C from month 7 (no ramp), with equal seasonality. With
/// Y_k = P_k (1 + X_k):
///   rep sales A = Y_A, B = 3/4 Y_B, C = 1/2 Y_C;
///   Q1 = Y_A/4, Q2 = (Y_A + Y_B)/4, Q3 = Q4 = (Y_A + Y_B + Y_C)/4;
///   Team = Y_A + 3/4 Y_B + 1/2 Y_C.
/// The sample variance of a linear combination is the quadratic form of the
/// sample covariance matrix, so the streaming variances of reps and quarters
/// and the variance of the team vector give the sample covariances exactly:
///   C_AB = (16 V(Q2) - V_A - V_B) / 2,
///   S1 = C_AC + C_BC = (16 V(Q3) - V_A - V_B - V_C) / 2 - C_AB,
///   S2 = C_AC/2 + 3/8 C_BC = (V(T) - V_A - 9/16 V_B - 1/4 V_C) / 2 - 3/4 C_AB,
///   C_BC = 4 S1 - 8 S2, C_AC = S1 - C_BC.
/// For normal impacts X = sd * Phi^-1(U) with U = Phi(Z), so corr(X) equals
/// the copula correlation. SE of a sample correlation: (1 - rho^2)/sqrt(n).
/// With |rho| >= 0.3 for every pair, 4.5 SE <= 0.02 needs
/// n >= (4.5 * 0.91 / 0.02)^2 = 41 912 trials.
fn recovered_correlations(res: &quotaplan::engine::SimResult) -> [f64; 3] {
    let va = res.reps[0].sales.variance();
    let vb = res.reps[1].sales.variance() * 16.0 / 9.0;
    let vc = res.reps[2].sales.variance() * 4.0;
    let vq2 = res.quarters[1].sales.variance();
    let vq3 = res.quarters[2].sales.variance();
    let (_, vt) = mean_var(&res.team);
    let cab = (16.0 * vq2 - va - vb) / 2.0;
    let s1 = (16.0 * vq3 - va - vb - vc) / 2.0 - cab;
    let s2 = (vt - va - 9.0 / 16.0 * vb - vc / 4.0) / 2.0 - 0.75 * cab;
    let cbc = 4.0 * s1 - 8.0 * s2;
    let cac = s1 - cbc;
    [
        cab / (va * vb).sqrt(),
        cac / (va * vc).sqrt(),
        cbc / (vb * vc).sqrt(),
    ]
}

fn three_shock_scenario(correlation: &str) -> String {
    format!(
        r#"
[scenario]
company_target = 3000
[[reps]]
id = "A"
quota = 1000
[[reps]]
id = "B"
quota = 900
start_month = 4
[[reps]]
id = "C"
quota = 450
start_month = 7
[[units]]
id = "uA"
potential = 1000
owner = "A"
[[units]]
id = "uB"
potential = 1200
owner = "B"
[[units]]
id = "uC"
potential = 900
owner = "C"
[[risks]]
id = "sA"
kind = "shock"
applies_to = {{ units = ["uA"] }}
impact = {{ normal = {{ mean = 0.0, sd = 0.10 }} }}
[[risks]]
id = "sB"
kind = "shock"
applies_to = {{ units = ["uB"] }}
impact = {{ normal = {{ mean = 0.0, sd = 0.08 }} }}
[[risks]]
id = "sC"
kind = "shock"
applies_to = {{ units = ["uC"] }}
impact = {{ normal = {{ mean = 0.0, sd = 0.12 }} }}
{correlation}
"#
    )
}

const CORR_TRIALS: u64 = 42_000;

/// Checks each recovered correlation within K_SE standard errors; with
/// `within_002`, also that this tolerance is finer than 0.02 (the brief's
/// requirement) and that the estimate is within 0.02.
fn check_correlations(what: &str, got: [f64; 3], want: [f64; 3], n: u64, within_002: bool) {
    let names = ["A~B", "A~C", "B~C"];
    for k in 0..3 {
        let se = (1.0 - want[k] * want[k]) / (n as f64).sqrt();
        assert_within_se(&format!("{what}: corr {}", names[k]), got[k], want[k], se);
        if within_002 {
            assert!(K_SE * se <= 0.02, "too few trials for a 0.02 check");
            assert!((got[k] - want[k]).abs() <= 0.02);
        }
    }
}

#[test]
fn correlated_shocks_recover_pairs() {
    let toml = three_shock_scenario(
        "[correlation]\npairs = [[\"sA\", \"sB\", 0.6], [\"sA\", \"sC\", -0.3], \
         [\"sC\", \"sB\", 0.5]]\n",
    );
    let model = load_str(&toml, None);
    let res = run(&model, CORR_TRIALS, 17, 4);
    // The identities behind the recovery: the marginal sds are right too.
    let nf = CORR_TRIALS as f64;
    for (r, (p, sd, share)) in [
        (1000.0, 0.10, 1.0),
        (1200.0, 0.08, 0.75),
        (900.0, 0.12, 0.5),
    ]
    .into_iter()
    .enumerate()
    {
        let want = p * sd * share;
        assert_within_se(
            &format!("corr: rep {r} sd"),
            res.reps[r].sales.sd(),
            want,
            want / (2.0 * (nf - 1.0)).sqrt(),
        );
    }
    check_correlations(
        "pairs",
        recovered_correlations(&res),
        [0.6, -0.3, 0.5],
        CORR_TRIALS,
        true,
    );
}

/// docs/src/model.md (Correlation): the repair of [[1,.9,0],[.9,1,.8],[0,.8,1]]
/// has off-diagonals 0.7752, 0.0791, 0.6910; the loader warns and the run uses
/// the repaired (singular) matrix, whose correlations the simulation
/// reproduces.
#[test]
fn non_psd_matrix_is_repaired_and_runs() {
    let toml = three_shock_scenario(
        "[correlation]\nrisks = [\"sA\", \"sB\", \"sC\"]\n\
         matrix = [[1.0, 0.9, 0.0], [0.9, 1.0, 0.8], [0.0, 0.8, 1.0]]\n",
    );
    let loaded = load_full(&toml, None);
    let warnings: Vec<String> = loaded
        .warnings()
        .map(|p| p.plain(&loaded.sources))
        .collect();
    println!("CHECK repair warning: {warnings:?}");
    assert!(
        warnings
            .iter()
            .any(|w| w.contains("not positive semi-definite") && w.contains("repaired")),
        "no repair warning in {warnings:?}"
    );
    let model = loaded
        .scenario
        .expect("a repaired matrix still loads")
        .model;
    let c = model.correlation.clone().expect("correlation kept");
    let repaired = [c[(0, 1)], c[(0, 2)], c[(1, 2)]];
    for (got, want) in repaired.iter().zip([0.7752, 0.0791, 0.6910]) {
        assert!((got - want).abs() < 5e-5, "repaired {repaired:?}");
    }
    // 20 000 trials: 4.5 SE is at most 0.032, against distances of 0.12,
    // 0.08 and 0.11 between the repaired and the given correlations.
    let n = 20_000;
    let res = run(&model, n, 18, 4);
    check_correlations("repaired", recovered_correlations(&res), repaired, n, false);
}

/// The copula acts on an event's occurrence: it happens when its driver
/// U_e = Phi(Z_e) < p, i.e. Z_e < c = Phi^-1(p), and a shock is X = sd Z_s
/// with corr(Z_e, Z_s) = rho. Then E[Z_s | Z_e < c] = -rho phi(c) / p, so
/// E[X | event] = -sd rho phi(c)/p and E[X | no event] = sd rho phi(c)/(1-p):
/// a positive correlation ties the event (bad) to a low shock (bad).
/// The event (from month 1, impact -0.5) hits a unit of potential 10 000 and
/// the shock a unit of 1 000, so each trial's team reveals both: the event
/// moves the team by 5 000, the shock by about 100 (sd).
#[test]
fn event_and_shock_correlated_through_the_copula() {
    let toml = r#"
[scenario]
company_target = 11000
[[reps]]
id = "A"
quota = 10000
[[reps]]
id = "B"
quota = 1000
[[units]]
id = "uA"
potential = 10000
owner = "A"
[[units]]
id = "uB"
potential = 1000
owner = "B"
[[risks]]
id = "ev"
kind = "event"
probability = 0.3
applies_to = { units = ["uA"] }
start = { from = 1, to = 1 }
impact = -0.5
[[risks]]
id = "sh"
kind = "shock"
applies_to = { units = ["uB"] }
impact = { normal = { mean = 0.0, sd = 0.1 } }
[correlation]
pairs = [["sh", "ev", 0.5]]
"#;
    let model = load_str(toml, None);
    let n = 20_000;
    let res = run(&model, n, 24, 4);
    let (p, rho, sd) = (0.3, 0.5, 0.1);
    let c: f64 = -0.524_400_512_708_040_7; // Phi^-1(0.3)
    let phi = (-0.5 * c * c).exp() / (2.0 * std::f64::consts::PI).sqrt();
    let (mut hit, mut miss) = (Vec::new(), Vec::new());
    for &t in &res.team {
        if t < 7500.0 {
            hit.push((t - 5000.0) / 1000.0 - 1.0);
        } else {
            miss.push((t - 10000.0) / 1000.0 - 1.0);
        }
    }
    let nf = n as f64;
    let ph = hit.len() as f64 / nf;
    assert_within_se("copula: P(event)", ph, p, (p * (1.0 - p) / nf).sqrt());
    let (mh, vh) = mean_var(&hit);
    let (mm, vm) = mean_var(&miss);
    assert_within_se(
        "copula: E[X | event]",
        mh,
        -sd * rho * phi / p,
        (vh / hit.len() as f64).sqrt(),
    );
    assert_within_se(
        "copula: E[X | no event]",
        mm,
        sd * rho * phi / (1.0 - p),
        (vm / miss.len() as f64).sqrt(),
    );
}

// ---------------------------------------------------------------------------
// 8. Account loss.

/// Each unit u in scope of loss risk k independently loses F_k ~ U(a_k, b_k)
/// with probability p_k from month L ~ U{1..12}: S(u,m) = P_u s_m (1 + X)
/// prod_k (1 - I_k F_k [m >= L_k]). All factors are independent, so
/// E[S(u,m)] = E[P_u] s_m (1 + mu_X) prod_k (1 - p_k E[F_k] m/12), using
/// P(L <= m) = m/12. Expected loss = E[team without losses] - E[team].
/// Two loss risks overlap on u2; u3 has a log-normal potential; u4 is out of
/// scope; a shock with mean -0.1 checks that losses scale with the market.
#[test]
fn account_loss_expected_sales() {
    let toml = format!(
        r#"
[scenario]
company_target = 5000
{}
[[reps]]
id = "A"
quota = 2500
[[reps]]
id = "B"
quota = 2500
[[units]]
id = "u1"
segment = "Ent"
potential = 1000
owner = "A"
[[units]]
id = "u2"
segment = "Ent"
potential = 2000
owner = "B"
[[units]]
id = "u3"
segment = "Ent"
potential = 1500
potential_cv = 0.05
owner = "A"
[[units]]
id = "u4"
segment = "SMB"
potential = 800
owner = "B"
[[risks]]
id = "churn"
kind = "account_loss"
probability = 0.2
applies_to = {{ segments = ["Ent"] }}
impact = {{ uniform = {{ min = 0.3, max = 0.8 }} }}
[[risks]]
id = "churn2"
kind = "account_loss"
probability = 0.1
applies_to = {{ units = ["u2"] }}
impact = {{ uniform = {{ min = 0.1, max = 0.5 }} }}
[[risks]]
id = "macro"
kind = "shock"
applies_to = "all"
impact = {{ normal = {{ mean = -0.1, sd = 0.02 }} }}
"#,
        weights_toml(&WEIGHTS)
    );
    let model = load_str(&toml, None);
    let s = normalised(&WEIGHTS);
    let market = 1.0 - 0.1;
    // (potential mean, [(p, E[F])] of the loss risks reaching the unit)
    let units: [(f64, &[(f64, f64)]); 4] = [
        (1000.0, &[(0.2, 0.55)]),
        (2000.0, &[(0.2, 0.55), (0.1, 0.3)]),
        (1500.0, &[(0.2, 0.55)]),
        (800.0, &[]),
    ];
    let mut no_loss = 0.0;
    let mut expected = 0.0;
    for (p, risks) in units {
        for m in 1..=12 {
            let keep: f64 = risks
                .iter()
                .map(|(pk, f)| 1.0 - pk * f * f64::from(m) / 12.0)
                .product();
            no_loss += p * s[m as usize - 1] * market;
            expected += p * s[m as usize - 1] * market * keep;
        }
    }
    let n = 20_000;
    let res = run(&model, n, 19, 4);
    let (m, v) = mean_var(&res.team);
    let se = (v / n as f64).sqrt();
    assert_within_se(
        "account loss: expected loss",
        no_loss - m,
        no_loss - expected,
        se,
    );
    assert_within_se("account loss: team mean", m, expected, se);
}

/// The simplest case from the brief, with fixed potentials and no shock:
/// expected loss = P p E[F] sum_m s_m m/12; the loss of one unit takes values
/// P F W with W = sum_{m>=L} s_m, so its variance is
/// P^2 (p E[F^2] E[W^2] - p^2 E[F]^2 E[W]^2) (used for the SE).
#[test]
fn account_loss_single_unit_closed_form() {
    let toml = format!(
        r#"
[scenario]
company_target = 1000
{}
[[reps]]
id = "A"
quota = 1000
[[units]]
id = "u"
potential = 1000
owner = "A"
[[risks]]
id = "churn"
kind = "account_loss"
probability = 0.25
applies_to = "all"
impact = {{ uniform = {{ min = 0.2, max = 0.6 }} }}
"#,
        weights_toml(&WEIGHTS)
    );
    let model = load_str(&toml, None);
    let s = normalised(&WEIGHTS);
    let (p_unit, p, a, b) = (1000.0, 0.25, 0.2, 0.6);
    let ef = (a + b) / 2.0;
    let ef2 = (a * a + a * b + b * b) / 3.0;
    // W(L) = sum_{m >= L} s_m, L uniform on 1..=12.
    let w: Vec<f64> = (1..=12).map(|l| s[l - 1..].iter().sum()).collect();
    let ew = w.iter().sum::<f64>() / 12.0;
    let ew2 = w.iter().map(|x| x * x).sum::<f64>() / 12.0;
    let ew_check: f64 = (1..=12).map(|m| s[m - 1] * m as f64 / 12.0).sum();
    assert_exact("E[W] two ways", ew, ew_check);
    let loss = p_unit * p * ef * ew;
    let var = p_unit * p_unit * (p * ef2 * ew2 - (p * ef * ew).powi(2));
    let n = 30_000;
    let res = run(&model, n, 20, 4);
    let (m, _) = mean_var(&res.team);
    assert_within_se(
        "account loss (one unit): expected loss",
        p_unit - m,
        loss,
        (var / n as f64).sqrt(),
    );
    let hit = res.team.iter().filter(|&&t| t < p_unit - 1e-9).count() as f64 / n as f64;
    assert_within_se(
        "account loss (one unit): P(loss)",
        hit,
        p,
        (p * (1.0 - p) / n as f64).sqrt(),
    );
}

// ---------------------------------------------------------------------------
// 9. Reproducibility.

/// Every random ingredient: log-normal and PERT potentials, a triangular and
/// a normal shock, an event with a PERT impact, correlation, key-account
/// losses, attrition, log-normal productivity, capacity, hires.
fn rich_scenario() -> String {
    format!(
        r#"
[scenario]
company_target = 7000
{}
[rep_defaults]
attrition = 0.2
vacancy_months = 2
vacancy_coverage = 0.25
ramp_months = 4
productivity = {{ lognormal = {{ mean = 1.0, cv = 0.1 }} }}
[[reps]]
id = "A"
quota = 2800
capacity_hours = 900
[[reps]]
id = "B"
quota = 3000
ramp_remaining = 2
[[reps]]
id = "C"
quota = 1200
start_month = 3
[[units]]
id = "u1"
region = "East"
segment = "SMB"
potential = 1500
potential_cv = 0.2
workload_hours = 500
owner = "A"
[[units]]
id = "u2"
region = "West"
segment = "Ent"
potential = 1800
potential_cv = 0.3
workload_hours = 600
owner = "A"
[[units]]
id = "u3"
region = "East"
segment = "Ent"
potential = {{ pert = {{ min = 1500, mode = 2500, max = 4000 }} }}
owner = "B"
[[units]]
id = "u4"
region = "West"
segment = "SMB"
potential = 1000
potential_cv = 0.15
owner = "B"
[[units]]
id = "u5"
region = "East"
segment = "SMB"
potential = 2000
potential_cv = 0.25
owner = "C"
[[risks]]
id = "macro"
kind = "shock"
applies_to = "all"
impact = {{ normal = {{ mean = 0.0, sd = 0.06 }} }}
[[risks]]
id = "price"
kind = "shock"
applies_to = {{ segments = ["SMB"] }}
impact = {{ triangular = {{ min = -0.2, mode = -0.05, max = 0.02 }} }}
[[risks]]
id = "entry"
kind = "event"
probability = 0.3
applies_to = {{ regions = ["East"] }}
start = {{ from = 3, to = 9 }}
impact = {{ pert = {{ min = -0.3, mode = -0.12, max = -0.02 }} }}
[[risks]]
id = "churn"
kind = "account_loss"
probability = 0.1
applies_to = {{ segments = ["Ent"] }}
impact = {{ uniform = {{ min = 0.3, max = 0.8 }} }}
[correlation]
pairs = [["macro", "price", 0.4], ["macro", "entry", 0.3]]
"#,
        weights_toml(&WEIGHTS)
    )
}

fn bits(xs: &[f64]) -> Vec<u64> {
    xs.iter().map(|x| x.to_bits()).collect()
}

/// docs/src/reliability.md (Reproducibility): fixed chunks, one stream per
/// chunk, a fixed offset per trial, merge in chunk order. So the team vector
/// (and every streaming statistic) is bit-identical for any thread count, trial
/// i is the same whatever the trial count, and a different seed gives different
/// trials.
#[test]
fn reproducible_across_threads_and_trial_counts() {
    let model = load_str(&rich_scenario(), None);
    let base = run(&model, 5000, 42, 1);
    assert_eq!(base.team.len(), 5000);
    for threads in [2, 8] {
        let other = run(&model, 5000, 42, threads);
        assert_eq!(bits(&base.team), bits(&other.team), "threads {threads}");
        for (a, b) in base.reps.iter().zip(&other.reps) {
            assert_eq!(a.sales, b.sales);
            assert_eq!(a.hits, b.hits);
            assert_eq!(a.hist, b.hist);
            // Histograms of chunks join as they finish, in any order.
            for (qa, qb) in a.quarters.iter().zip(&b.quarters) {
                assert_eq!(qa.hist, qb.hist);
                assert_eq!(qa.ytd_attainment, qb.ytd_attainment);
            }
            assert_eq!(
                a.payout.as_ref().map(|p| &p.hist),
                b.payout.as_ref().map(|p| &p.hist)
            );
        }
        for (a, b) in base.quarters.iter().zip(&other.quarters) {
            assert_eq!(a.sales, b.sales);
            assert_eq!(a.hits, b.hits);
        }
        assert_eq!(base.at_quota, other.at_quota);
    }
    let short = run(&model, 1500, 42, 3);
    assert_eq!(bits(&short.team), bits(&base.team[..1500]));
    let a = run(&model, 1024, 42, 2);
    let b = run(&model, 1025, 42, 2);
    assert_eq!(bits(&a.team), bits(&b.team[..1024]));
    assert_eq!(b.team[1024].to_bits(), base.team[1024].to_bits());
    assert_eq!(bits(&a.team), bits(&base.team[..1024]));
    let reseeded = run(&model, 5000, 43, 2);
    let same = base
        .team
        .iter()
        .zip(&reseeded.team)
        .filter(|(x, y)| x == y)
        .count();
    println!(
        "CHECK reproducibility: threads 1/2/8 identical; prefixes identical; seed 43 equal in {same} of 5000 trials"
    );
    assert!(
        same < 50,
        "seed 43 repeats {same} of 5000 trials of seed 42"
    );
}

// ---------------------------------------------------------------------------
// 10. Summary.

/// summarise() must agree with the team vector it summarises: P(team >=
/// target) by counting, type-7 quantiles of the sorted vector (hence
/// monotone), the mean, VaR/CVaR of the shortfall; and summary.json must be
/// byte-identical for threads 1 and 2.
#[test]
fn summary_consistent_with_team_vector() {
    let model = load_str(&rich_scenario(), None);
    let n = 8000;
    let sim = simulation(&model, n, 7, 1);
    let res = &sim.result;
    let sum = sim.summary(&model, vec![]);
    let target = model.company_target;
    let hits = res.team.iter().filter(|&&t| t >= target).count() as f64 / n as f64;
    println!(
        "CHECK summary: p_hit_target {} vs counted {hits}",
        sum.team.p_hit_target
    );
    assert!(
        hits > 0.05 && hits < 0.95,
        "target should be in the bulk: {hits}"
    );
    assert_eq!(sum.team.p_hit_target, hits);
    assert_exact(
        "p_hit_target_se",
        sum.team.p_hit_target_se,
        (hits * (1.0 - hits) / n as f64).sqrt(),
    );
    let mut sorted = res.team.clone();
    sorted.sort_by(f64::total_cmp);
    let b = &sum.team.sales;
    let qs = [b.p5, b.p10, b.p25, b.p50, b.p75, b.p90, b.p95];
    for (q, p) in qs.iter().zip([0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95]) {
        // Type 7: h = (n - 1) p, interpolate between order statistics.
        let h = (n - 1) as f64 * p;
        let lo = h.floor() as usize;
        let want = sorted[lo] + (h - lo as f64) * (sorted[lo + 1] - sorted[lo]);
        assert_exact(&format!("team p{}", p * 100.0), *q, want);
    }
    assert!(
        qs.windows(2).all(|w| w[0] <= w[1]),
        "quantiles not sorted: {qs:?}"
    );
    assert!(sorted[0] <= b.p5 && b.p95 <= sorted[n as usize - 1]);
    let (m, v) = mean_var(&res.team);
    assert!((b.mean - m).abs() <= 1e-9 * m && (b.sd - v.sqrt()).abs() <= 1e-9 * v.sqrt());
    let att = &sum.team.attainment;
    assert_exact("attainment p50", att.p50, b.p50 / target);
    // Shortfall: VaR95 is the 95 % quantile of max(0, target - team).
    let mut short: Vec<f64> = res.team.iter().map(|t| (target - t).max(0.0)).collect();
    short.sort_by(f64::total_cmp);
    assert_exact(
        "var95",
        sum.team.shortfall.var95,
        quantile_sorted(&short, 0.95),
    );
    assert!(sum.team.shortfall.cvar95 >= sum.team.shortfall.var95);
    // Reps at quota: counts add up and agree with per-rep hits.
    assert_eq!(res.at_quota.iter().sum::<u64>(), n);
    let weighted: u64 = res
        .at_quota
        .iter()
        .enumerate()
        .map(|(k, c)| k as u64 * c)
        .sum();
    assert_eq!(weighted, res.reps.iter().map(|r| r.hits).sum::<u64>());
    for (r, rs) in sum.reps.iter().enumerate() {
        assert_eq!(rs.p_attain, res.reps[r].hits as f64 / n as f64);
        assert!(rs.sales.p10 <= rs.sales.p50 && rs.sales.p50 <= rs.sales.p90);
    }
    // summary.json is reproducible across thread counts.
    let sim2 = simulation(&model, n, 7, 2);
    let sum2 = sim2.summary(&model, vec![]);
    let j1 = serde_json::to_string(&sum).expect("serialises");
    let j2 = serde_json::to_string(&sum2).expect("serialises");
    assert_eq!(j1, j2);
}

/// With one rep its histogram quantiles must match the exact quantiles of
/// the team vector to within one bin (2.5 x expected sales / 2500 bins).
#[test]
fn rep_histogram_quantiles_within_a_bin() {
    let toml = r#"
[scenario]
company_target = 3000
[[reps]]
id = "A"
quota = 3000
[[units]]
id = "u1"
potential = 2000
potential_cv = 0.3
owner = "A"
[[units]]
id = "u2"
potential = 1000
potential_cv = 0.2
owner = "A"
"#;
    let model = load_str(toml, None);
    let res = run(&model, 20_000, 8, 2);
    let mut sorted = res.team.clone();
    sorted.sort_by(f64::total_cmp);
    let bin = 2.5 * 3000.0 / 2500.0;
    let mut w = Welford::default();
    res.team.iter().for_each(|&t| w.push(t));
    for p in [0.1, 0.5, 0.9] {
        let h = res.reps[0].sales_quantile(p);
        let exact = quantile_sorted(&sorted, p);
        assert!(
            (h - exact).abs() <= bin + 1e-9,
            "p{p}: histogram {h} vs exact {exact} (bin {bin})"
        );
    }
    assert_exact("rep Welford = team Welford", res.reps[0].sales.mean, w.mean);
    let hits = res.team.iter().filter(|&&t| t >= 3000.0).count() as u64;
    assert_eq!(res.reps[0].hits, hits);
}

/// CVaR95 is the mean shortfall of the worst 5 % of trials: with n = 8000
/// trials, exactly the 400 largest shortfalls. (`1.0 - 0.95` is
/// 0.050000000000000044 in floating point, so `ceil((1 - alpha) n)` gives 401.)
#[test]
fn summary_cvar_is_mean_of_worst_five_percent() {
    let model = load_str(&rich_scenario(), None);
    let n = 8000;
    let sim = simulation(&model, n, 7, 2);
    let res = &sim.result;
    let sum = sim.summary(&model, vec![]);
    let target = model.company_target;
    let mut short: Vec<f64> = res.team.iter().map(|t| (target - t).max(0.0)).collect();
    short.sort_by(f64::total_cmp);
    let k = n as usize / 20;
    let cvar = short[short.len() - k..].iter().sum::<f64>() / k as f64;
    println!(
        "CHECK cvar95: summary {} vs mean of the worst {k}: {cvar}",
        sum.team.shortfall.cvar95
    );
    assert_exact("cvar95", sum.team.shortfall.cvar95, cvar);
}
