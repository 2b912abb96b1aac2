//! Deal lumpiness (compound Poisson unit-months) against closed forms.
//!
//! A deal unit's month m is `mu(u,m) / (lam' s_m) * sum_{i<=N} D_i` with
//! `N ~ Poisson(lam' s_m)`, `lam' = deals_per_year * months / 12`, and
//! `D_i` log-normal with mean 1 and cv `c`. Given the month's mean `mu`:
//! E = mu and Var = mu^2 (1 + c^2) / (lam' s_m) (the compound Poisson
//! variance `rate * E[D^2]`, scaled). Months are independent given the
//! potential P, so a unit's year has Var[Y | P] = P^2 (1 + c^2) / lam' and,
//! with a log-normal potential of cv `v`,
//! Var[Y] = mu^2 (1 + v^2) (1 + c^2) / lam' + mu^2 v^2.

use crate::common::{assert_within_se, load_str, mean_var};
use quotaplan::engine::{DealSampler, SimResult};

/// Both ways of drawing deal unit-months: the per-class quantile tables
/// (the default) and every deal drawn. Every closed form below holds for
/// both.
const SAMPLERS: [bool; 2] = [false, true];

/// Runs the engine with the deal tables (`exact` false) or every deal
/// drawn, and checks the run used what was asked.
fn run_deals(
    model: &quotaplan::model::Model,
    trials: u64,
    seed: u64,
    threads: usize,
    exact: bool,
) -> SimResult {
    let res = quotaplan::simulate(
        model,
        &quotaplan::SimOptions {
            threads: Some(threads),
            exact_deals: exact,
            ..quotaplan::SimOptions::new(trials, seed)
        },
        None,
    )
    .expect("simulation runs")
    .result;
    // Months expecting more deals than a table is built for draw every deal.
    let top_season = model.seasonality.iter().cloned().fold(0.0, f64::max);
    let many = model.units.iter().any(|u| {
        u.deals.is_some_and(|d| {
            d.per_year * model.months as f64 / 12.0 * top_season
                > quotaplan::engine::DEAL_TABLE_MAX_RATE
        })
    });
    match res.deal_sampler {
        Some(DealSampler::Exact) => assert!(exact || many, "tables were asked for"),
        Some(DealSampler::Table { .. }) => assert!(!exact, "exact draws were asked for"),
        None => panic!("a scenario with deal units reports its deal sampler"),
    }
    res
}

fn run(model: &quotaplan::model::Model, trials: u64, seed: u64, threads: usize) -> SimResult {
    run_deals(model, trials, seed, threads, false)
}

/// Sample fourth central moment, for the standard error of a variance.
fn se_of_variance(xs: &[f64]) -> f64 {
    let (m, v) = mean_var(xs);
    let n = xs.len() as f64;
    let m4 = xs.iter().map(|x| (x - m).powi(4)).sum::<f64>() / n;
    ((m4 - v * v * (n - 3.0) / (n - 1.0)) / n).sqrt()
}

fn one_rep(units_csv: &str, months: u32, weights: Option<&str>) -> quotaplan::model::Model {
    let toml = format!(
        "[scenario]\ncompany_target = 1000\nmonths = {months}\n{}[units]\nfile = \"units.csv\"\n\
         [[reps]]\nid = \"A\"\nquota = 1000\n",
        weights.map_or(String::new(), |w| format!("[seasonality]\nweights = {w}\n"))
    );
    load_str(&toml, Some(units_csv))
}

/// One unit, a one-month horizon: the team is one compound Poisson
/// unit-month. Mean, variance and the probability of no deal at all
/// (`exp(-lam')`) match the closed forms.
#[test]
fn a_unit_month_is_compound_poisson() {
    let (mu, lam, c) = (1200.0, 36.0, 0.8);
    let model = one_rep(
        &format!("id,potential,deals_per_year,deal_size_cv,owner\nu1,{mu},{lam},{c},A\n"),
        1,
        None,
    );
    let n = 200_000;
    for exact in SAMPLERS {
        let res = run_deals(&model, n, 3, 2, exact);
        let rate = lam / 12.0;
        let var = mu * mu * (1.0 + c * c) / rate;
        let (m, v) = mean_var(&res.team);
        let nf = n as f64;
        assert_within_se("deals: unit-month mean", m, mu, (var / nf).sqrt());
        assert_within_se(
            "deals: unit-month variance",
            v,
            var,
            se_of_variance(&res.team),
        );
        let p0 = (-rate).exp();
        let zeros = res.team.iter().filter(|&&x| x == 0.0).count() as f64 / nf;
        // The table puts the zero-deal draws in whole cells: within a cell of
        // the exact probability (1 / 1024), on top of the sampling error.
        let cell = if exact { 0.0 } else { 1.0 / 1024.0 };
        let se = (p0 * (1.0 - p0) / nf).sqrt();
        assert!(
            (zeros - p0).abs() <= cell + 4.5 * se,
            "deals: P(no deal) {zeros} vs {p0} (exact draws: {exact})"
        );
    }
}

/// A rep's year over several deal units with uncertain potentials and an
/// uneven seasonality, next to a smooth unit: mean and variance of the
/// team match the sum of the per-unit closed forms.
#[test]
fn a_reps_year_with_deals_and_uncertain_potentials() {
    let units = [
        ("u1", 1000.0, 0.2, Some((12.0, 0.5))),
        ("u2", 3000.0, 0.1, Some((4.0, 1.2))),
        ("u3", 500.0, 0.3, Some((50.0, 0.0))),
        ("u4", 800.0, 0.25, None),
    ];
    let mut csv = String::from("id,potential,potential_cv,deals_per_year,deal_size_cv,owner\n");
    for (id, mu, v, d) in units {
        match d {
            Some((l, c)) => csv.push_str(&format!("{id},{mu},{v},{l},{c},A\n")),
            None => csv.push_str(&format!("{id},{mu},{v},,,A\n")),
        }
    }
    let model = one_rep(&csv, 12, Some("[6, 5, 8, 8, 9, 9, 8, 8, 9, 9, 10, 11]"));
    let n = 100_000;
    for exact in SAMPLERS {
        let res = run_deals(&model, n, 5, 2, exact);
        let mean: f64 = units.iter().map(|u| u.1).sum();
        let var: f64 = units
            .iter()
            .map(|&(_, mu, v, d)| {
                let smooth = (mu * v).powi(2);
                match d {
                    Some((l, c)) => mu * mu * (1.0 + v * v) * (1.0 + c * c) / l + smooth,
                    None => smooth,
                }
            })
            .sum();
        let (m, s2) = mean_var(&res.team);
        assert_within_se("deals: rep-year mean", m, mean, (var / n as f64).sqrt());
        assert_within_se(
            "deals: rep-year variance",
            s2,
            var,
            se_of_variance(&res.team),
        );
    }
}

/// As deals get many and small, the lumpy unit converges to the smooth
/// one: with the potentials drawn from the same stream, the per-trial
/// difference has mean 0 and sd `P sqrt((1 + c^2) / lam)`.
#[test]
fn many_small_deals_converge_to_the_smooth_flow() {
    let (mu, v, lam, c) = (1000.0, 0.3, 20_000.0, 0.7);
    let smooth = one_rep(
        &format!("id,potential,potential_cv,owner\nu1,{mu},{v},A\n"),
        12,
        None,
    );
    let lumpy = one_rep(
        &format!(
            "id,potential,potential_cv,deals_per_year,deal_size_cv,owner\nu1,{mu},{v},{lam},{c},A\n"
        ),
        12,
        None,
    );
    let n = 2_000;
    let a = crate::common::run(&smooth, n, 9, 2);
    for exact in SAMPLERS {
        let b = run_deals(&lumpy, n, 9, 2, exact);
        // Relative differences (Y_deal - P) / P: mean 0, variance (1 + c^2) / lam.
        let rel: Vec<f64> = a
            .team
            .iter()
            .zip(&b.team)
            .map(|(p, y)| (y - p) / p)
            .collect();
        let want = (1.0 + c * c) / lam;
        let (m, var) = mean_var(&rel);
        let nf = n as f64;
        assert_within_se(
            "deals: lam->inf mean difference",
            m,
            0.0,
            (want / nf).sqrt(),
        );
        assert_within_se(
            "deals: lam->inf variance of difference",
            var,
            want,
            se_of_variance(&rel),
        );
        assert!(
            var.sqrt() < 0.01,
            "sd of the relative difference {}",
            var.sqrt()
        );
    }
}

/// Two-sample Kolmogorov–Smirnov distance, ties (the months without a
/// deal) handled by comparing the two CDFs after each distinct value.
fn ks_distance(a: &[f64], b: &[f64]) -> f64 {
    let mut a = a.to_vec();
    let mut b = b.to_vec();
    a.sort_unstable_by(f64::total_cmp);
    b.sort_unstable_by(f64::total_cmp);
    let (mut i, mut j, mut d) = (0, 0, 0.0f64);
    while i < a.len() && j < b.len() {
        let x = a[i].min(b[j]);
        while i < a.len() && a[i] <= x {
            i += 1;
        }
        while j < b.len() && b[j] <= x {
            j += 1;
        }
        d = d.max((i as f64 / a.len() as f64 - j as f64 / b.len() as f64).abs());
    }
    d
}

/// The tables draw a unit's month and year from the same distribution as
/// drawing every deal: a two-sample Kolmogorov–Smirnov test between the
/// two samplers (independent streams), with only the deals random. A
/// table draws a cell as its draws' mean, so a single month's CDF may be
/// off by up to one cell (1 / 1024) on top of the test's critical
/// distance (at a 1-in-10,000 level); a year of twelve months may not.
#[test]
fn the_tables_match_every_deal_drawn_in_distribution() {
    let n = 100_000;
    let critical = (-(1e-4f64 / 2.0).ln() / 2.0).sqrt() * (2.0 / n as f64).sqrt();
    for (lam, c, months) in [
        (3.0, 1.5, 1),
        (3.0, 1.5, 12),
        (36.0, 0.8, 12),
        (8.0, 0.3, 3),
    ] {
        let model = one_rep(
            &format!("id,potential,deals_per_year,deal_size_cv,owner\nu1,1000,{lam},{c},A\n"),
            months,
            None,
        );
        let table = run_deals(&model, n, 31, 2, false);
        let exact = run_deals(&model, n, 32, 2, true);
        let d = ks_distance(&table.team, &exact.team);
        let allowed = critical + if months == 1 { 1.0 / 1024.0 } else { 0.0 };
        assert!(
            d <= allowed,
            "λ {lam}, cv {c}, {months} months: KS distance {d} > {allowed}"
        );
    }
}

/// Deals draw from their own stream at a fixed offset per trial: results
/// are bit-identical for any thread count, and a scenario without deals is
/// unchanged by another unit gaining them only in that unit's sales.
#[test]
fn deals_are_reproducible_across_threads() {
    let csv = "id,potential,potential_cv,deals_per_year,deal_size_cv,owner\n\
               u1,1000,0.2,12,0.5,A\nu2,2000,0.1,,,A\nu3,700,0.3,3,1.1,A\n";
    let model = one_rep(csv, 12, None);
    for exact in SAMPLERS {
        let one = run_deals(&model, 3000, 17, 1, exact);
        for threads in [2, 5] {
            let other = run_deals(&model, 3000, 17, threads, exact);
            let bits = |r: &quotaplan::engine::SimResult| -> Vec<u64> {
                r.team.iter().map(|x| x.to_bits()).collect()
            };
            assert_eq!(bits(&one), bits(&other), "threads {threads}");
        }
    }
}

/// Units' sales per trial (kept for backtests) add up to the team in every
/// trial, with deals, account losses, an event, a shock and attrition.
#[test]
fn unit_sales_per_trial_add_up_to_the_team() {
    let csv = "id,potential,potential_cv,deals_per_year,deal_size_cv,region,owner\n\
               u1,1000,0.2,12,0.5,N,A\nu2,2000,0.1,,,N,A\nu3,700,0.3,3,1.1,S,B\nu4,900,0,,,S,B\n";
    let toml = "[scenario]\ncompany_target = 4000\n[units]\nfile = \"units.csv\"\n\
                [[reps]]\nid = \"A\"\nquota = 3000\nattrition = 0.3\nvacancy_months = 2\n\
                [[reps]]\nid = \"B\"\nquota = 1500\n\
                [[risks]]\nid = \"macro\"\nkind = \"shock\"\napplies_to = \"all\"\n\
                impact = { normal = { mean = 0, sd = 0.1 } }\n\
                [[risks]]\nid = \"rival\"\nkind = \"event\"\nprobability = 0.4\n\
                applies_to = { regions = [\"S\"] }\nimpact = { fixed = -0.3 }\n\
                [[risks]]\nid = \"churn\"\nkind = \"account_loss\"\nprobability = 0.3\n\
                applies_to = \"all\"\nimpact = { uniform = { min = 0.2, max = 0.8 } }\n";
    let model = load_str(toml, Some(csv));
    let opts = quotaplan::SimOptions {
        keep_unit_trials: true,
        threads: Some(2),
        ..quotaplan::SimOptions::new(3000, 21)
    };
    let sim = quotaplan::simulate(&model, &opts, None).expect("runs");
    let units = &sim.result.unit_trials;
    assert_eq!(units.len(), 4);
    for (t, &team) in sim.result.team.iter().enumerate() {
        let sum: f64 = units.iter().map(|u| u[t]).sum();
        assert!(
            (sum - team).abs() <= 1e-9 * team.abs().max(1.0),
            "trial {t}: {sum} vs {team}"
        );
    }
    let plain = run(&model, 3000, 21, 1);
    assert_eq!(
        plain.team.iter().map(|x| x.to_bits()).collect::<Vec<_>>(),
        sim.result
            .team
            .iter()
            .map(|x| x.to_bits())
            .collect::<Vec<_>>(),
        "keeping unit sales never changes the results"
    );
}

/// Deal fields are checked like the rest: a deal size cv of 1.5 is normal
/// (no warning), 5 is worth a warning, 80 is a percentage typed as a whole
/// number (an error with the hint), a cv without a deal rate and a rate of
/// 0 are refused.
#[test]
fn deal_fields_are_validated() {
    let problems = |csv: &str| -> Vec<String> {
        let toml = "[scenario]\ncompany_target = 1000\n[units]\nfile = \"units.csv\"\n\
                    [[reps]]\nid = \"A\"\nquota = 1000\n";
        let l = crate::common::load_full(toml, Some(csv));
        l.problems.iter().map(|p| p.plain(&l.sources)).collect()
    };
    let head = "id,potential,deals_per_year,deal_size_cv,owner\n";
    assert!(problems(&format!("{head}u1,100,12,1.5,A\n")).is_empty());
    let p = problems(&format!("{head}u1,100,12,5,A\n"));
    assert!(p.len() == 1 && p[0].starts_with("warning"), "{p:?}");
    let p = problems(&format!("{head}u1,100,12,80,A\n"));
    assert!(
        p.iter()
            .any(|m| m.starts_with("error") && m.contains("0.8")),
        "{p:?}"
    );
    let p = problems("id,potential,deal_size_cv,owner\nu1,100,0.5,A\n");
    assert!(
        p.iter().any(|m| m.contains("needs `deals_per_year`")),
        "{p:?}"
    );
    let p = problems(&format!("{head}u1,100,0,0.5,A\n"));
    assert!(
        p.iter()
            .any(|m| m.starts_with("error") && m.contains("deals_per_year")),
        "{p:?}"
    );
}
