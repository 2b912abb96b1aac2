//! Quotas, quarters, compensation, risk analytics, convergence and sampling
//! (the quota/comp/analytics issue), against closed forms and exact counts.

use crate::common::{load_str, mean_var};
use quotaplan::engine::{self, Sampler, SimOptions};
use quotaplan::model::QuotaMethod;

const EXAMPLE: &str = include_str!("../../scenarios/format-example.toml");
const EXAMPLE_UNITS: &str = include_str!("../../scenarios/format-example-units.csv");

fn example(method: &str) -> quotaplan::model::Model {
    let toml = EXAMPLE
        .replace(
            "file = \"format-example-units.csv\"",
            "file = \"units.csv\"",
        )
        .replace("method = \"given\"", &format!("method = \"{method}\""));
    load_str(&toml, Some(EXAMPLE_UNITS))
}

fn cents(xs: &[f64]) -> i64 {
    xs.iter().map(|x| (x * 100.0).round() as i64).sum()
}

#[test]
fn equal_probability_quotas_give_every_rep_the_same_chance() {
    let m = example("equal-probability");
    let opts = SimOptions {
        analytics: false,
        ..SimOptions::new(200_000, 7)
    };
    let sim = quotaplan::simulate(&m, &opts, None).unwrap();
    let (res, q) = (&sim.result, &sim.quotas);
    let p_star = q.p_star.unwrap();
    // The pool, to the cent: 80,000,000 x 1.10.
    assert_eq!(cents(&res.quotas), 8_800_000_000);
    for (r, st) in res.reps.iter().enumerate() {
        let p = st.hits as f64 / res.trials as f64;
        assert!(
            (p - p_star).abs() <= 0.01,
            "rep {} P(attain) {p} vs p* {p_star}",
            m.reps[r].id
        );
    }
    assert!(p_star > 0.05 && p_star < 0.95);
}

#[test]
fn proportional_quotas_follow_expected_sales_and_respect_bounds() {
    let m = example("proportional");
    let res = quotaplan::simulate(&m, &SimOptions::new(1000, 1), None)
        .unwrap()
        .result;
    let expected = m.expected_sales();
    let total: f64 = expected.iter().sum();
    assert_eq!(cents(&res.quotas), 8_800_000_000);
    for (q, e) in res.quotas.iter().zip(&expected) {
        assert!(
            (q - 88_000_000.0 * e / total).abs() < 0.02,
            "{q} vs {}",
            88_000_000.0 * e / total
        );
    }

    // An override is kept, a cap and a floor pin their reps, the rest absorb it.
    let toml = EXAMPLE
        .replace(
            "file = \"format-example-units.csv\"",
            "file = \"units.csv\"",
        )
        .replace("method = \"given\"", "method = \"proportional\"")
        .replace(
            "quota = 7_900_000",
            "quota = 7_900_000\nquota_override = 7_000_000",
        )
        .replace(
            "quota = 9_500_000",
            "quota = 9_500_000\nquota_cap = 9_000_000",
        )
        .replace(
            "quota = 6_000_000 ",
            "quota = 6_000_000\nquota_floor = 5_000_000 ",
        );
    let b = load_str(&toml, Some(EXAMPLE_UNITS));
    let sim = quotaplan::simulate(&b, &SimOptions::new(1000, 1), None).unwrap();
    let res = &sim.result;
    let id = |s: &str| b.reps.iter().position(|r| r.id == s).unwrap();
    assert_eq!(res.quotas[id("R01")], 7_000_000.0);
    assert_eq!(res.quotas[id("R02")], 9_000_000.0);
    assert_eq!(res.quotas[id("R06")], 5_000_000.0);
    assert_eq!(cents(&res.quotas), 8_800_000_000);
    // The free reps keep their proportions among themselves.
    let free: Vec<usize> = (0..b.reps.len())
        .filter(|&r| ![id("R01"), id("R02"), id("R06")].contains(&r))
        .collect();
    let ratio = res.quotas[free[0]] / expected[free[0]];
    for &r in &free {
        assert!((res.quotas[r] / expected[r] - ratio).abs() < 1e-6 * ratio);
    }
    let pinned: Vec<&str> = sim.quotas.pinned.iter().map(|p| p.1.name()).collect();
    assert_eq!(pinned.len(), 3, "{pinned:?}");
}

#[test]
fn impossible_bounds_are_an_error_not_a_wrong_answer() {
    let toml = EXAMPLE
        .replace(
            "file = \"format-example-units.csv\"",
            "file = \"units.csv\"",
        )
        .replace("method = \"given\"", "method = \"proportional\"")
        .replace(
            "quota = 7_900_000",
            "quota = 7_900_000\nquota_floor = 90_000_000",
        );
    let b = load_str(&toml, Some(EXAMPLE_UNITS));
    let err = quotaplan::simulate(&b, &SimOptions::new(100, 1), None).unwrap_err();
    assert!(
        err.to_string()
            .contains("more than the quota pool 88000000.00"),
        "{err}"
    );
}

/// No randomness: sales are known, so payouts, quarters and YTD are exact.
const FIXED: &str = r#"
[scenario]
company_target = 2000
[seasonality]
weights = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2]
[[reps]]
id = "A"
quota = 1000
[[reps]]
id = "B"
quota = 1600
quarterly_quota = [100, 100, 600, 800]
[[units]]
id = "a"
potential = 1200
owner = "A"
[[units]]
id = "b"
potential = 900
owner = "B"
[comp_plan]
target_incentive = 100
curve = [[0.0, 0.0], [0.5, 0.0], [1.0, 1.0], [1.5, 2.0]]
commission = [[0, 0.01], [1000, 0.02]]
team_bonus = { pool = 60, threshold = 1.0 }
budget = 400
"#;

#[test]
fn payouts_quarters_and_ytd_are_exact_for_known_outcomes() {
    let m = load_str(FIXED, None);
    let sim = quotaplan::simulate(&m, &SimOptions::new(50, 3), None).unwrap();
    let s = sim.summary(&m, vec![]);
    // A sells 1200 of 1000 (120 %): 100 x (1 + 0.2 x 2) = 140, commission
    // 1000 x 0.01 + 200 x 0.02 = 14; team 2100 >= 2000 so the pool of 60 is
    // split: +30. B sells 900 of 1600 (56.25 %): 100 x 0.125 = 12.5,
    // commission 9, bonus 30.
    let pay = |i: usize| s.reps[i].payout.as_ref().unwrap().mean;
    assert!((pay(0) - 184.0).abs() < 1e-9, "{}", pay(0));
    assert!((pay(1) - 51.5).abs() < 1e-9, "{}", pay(1));
    let c = s.compensation.as_ref().unwrap();
    assert!((c.total_payout.mean - 235.5).abs() < 1e-9);
    assert!((c.cost_of_sales.mean - 235.5 / 2100.0).abs() < 1e-12);
    assert_eq!(c.p_over_budget, Some(0.0));
    // Quarters: seasonality 1/18 per month in H1, 2/18 in H2.
    let a = &s.reps[0].quarters;
    let quarter_sales = [200.0, 200.0, 400.0, 400.0];
    for (q, want) in a.iter().zip(quarter_sales) {
        assert!((q.sales.mean - want).abs() < 1e-9);
        // A's quota is phased by seasonality: 1000 x the same shares, in
        // whole cents (166.67, 166.67, 333.33, 333.33 add up to 1000).
        assert_eq!(q.quota, (want / 1.2 * 100.0).round() / 100.0);
        assert_eq!(q.p_attain, Some(1.0));
    }
    // B's quarterly quotas are given; YTD after Q2 is 300 of 200, after Q3 600 of 800.
    let b = &s.reps[1].quarters;
    assert_eq!(
        b.iter().map(|q| q.quota).collect::<Vec<_>>(),
        [100.0, 100.0, 600.0, 800.0]
    );
    assert_eq!(
        b.iter().map(|q| q.p_attain.unwrap()).collect::<Vec<_>>(),
        [1.0, 1.0, 0.0, 0.0]
    );
    assert!((b[1].ytd_attainment_mean - 300.0 / 200.0).abs() < 1e-12);
    assert!((b[2].ytd_attainment_mean - 600.0 / 800.0).abs() < 1e-12);
    assert_eq!(b[1].p_ytd_attain, 1.0);
    assert_eq!(b[2].p_ytd_attain, 0.0);

    // Team bonus off when the team misses: raise the target.
    let miss = load_str(
        &FIXED.replace("company_target = 2000", "company_target = 2200"),
        None,
    );
    let sim = quotaplan::simulate(&miss, &SimOptions::new(10, 3), None).unwrap();
    let s = sim.summary(&miss, vec![]);
    assert!((s.compensation.unwrap().total_payout.mean - 175.5).abs() < 1e-9);
}

/// An event with probability p, fixed impact -0.2 on every unit from month 1:
/// switching it off adds back 0.2 x P in the trials where it happened, so
/// the attributable loss is 0.2 x P x p in expectation.
#[test]
fn attributable_loss_and_rank_correlations() {
    let toml = r#"
[scenario]
company_target = 1000
[[reps]]
id = "A"
quota = 1000
[[units]]
id = "a"
potential = 600
potential_cv = 0.1
owner = "A"
[[units]]
id = "b"
potential = 400
owner = "A"
[[risks]]
id = "big"
kind = "shock"
applies_to = "all"
impact = { normal = { mean = 0.0, sd = 0.10 } }
[[risks]]
id = "tiny"
kind = "shock"
applies_to = { units = ["b"] }
impact = { normal = { mean = 0.0, sd = 0.01 } }
[[risks]]
id = "strike"
kind = "event"
probability = 0.25
applies_to = "all"
start = { from = 1, to = 1 }
impact = { fixed = -0.2 }
[[risks]]
id = "churn"
kind = "account_loss"
probability = 0.3
applies_to = { units = ["b"] }
impact = { uniform = { min = 0.5, max = 0.5 } }
"#;
    let m = load_str(toml, None);
    let n = 40_000;
    let sim = quotaplan::simulate(&m, &SimOptions::new(n, 5), None).unwrap();
    let res = &sim.result;
    let s = sim.summary(&m, vec![]);
    let risk = |id: &str| s.risks.iter().find(|r| r.id == id).unwrap();
    // Strike: E[loss] = p x 0.2 x E[sales with it switched off] = 0.25 x 0.2 x E[(1+X) (P_a + P_b (1 - loss_b))].
    // E[1+X] = 1; E[P_a] = 600; E[P_b (1 - F [m >= L])] = 400 x (1 - 0.3 x 0.5 x (13/24)) with equal seasonality.
    let churn_share = 0.3 * 0.5 * (13.0 / 24.0);
    let want_strike = 0.25 * 0.2 * (600.0 + 400.0 * (1.0 - churn_share));
    let st = risk("strike");
    assert!(
        (st.attributable_loss - want_strike).abs() <= 4.5 * st.attributable_loss_se,
        "{} vs {want_strike} (se {})",
        st.attributable_loss,
        st.attributable_loss_se
    );
    // Churn: restores 400 x F x (13 - L)/12 where it hit, times the strike and shock factors: E = 400 x 0.3 x 0.5 x 13/24 x (1 - 0.25 x 0.2).
    let want_churn = 400.0 * churn_share * (1.0 - 0.25 * 0.2);
    let ch = risk("churn");
    assert!(
        (ch.attributable_loss - want_churn).abs() <= 4.5 * ch.attributable_loss_se,
        "{} vs {want_churn}",
        ch.attributable_loss
    );
    // A zero-mean shock costs nothing on average (within its SE).
    let big = risk("big");
    assert!(big.attributable_loss.abs() <= 4.5 * big.attributable_loss_se);
    // The big shock drives the spread: largest share, positive rank correlation, rank 1.
    assert_eq!(big.rank, 1);
    // Variance shares of the team: shock 0.1^2 = 0.0100, strike 0.2^2 x
    // 0.25 x 0.75 = 0.0075, potential (60/1000)^2 = 0.0036, churn < 0.0005:
    // Pearson of the shock about sqrt(0.0100 / 0.0215) = 0.68.
    assert!(
        big.spearman > 0.55 && big.spearman < 0.8,
        "{}",
        big.spearman
    );
    assert_eq!(risk("strike").rank, 2);
    // Low input is the bad side for every risk: the strike's -0.2 goes with low sales.
    assert!(risk("strike").spearman > 0.3, "{}", risk("strike").spearman);
    assert!(risk("churn").spearman > 0.0, "{}", risk("churn").spearman);
    assert!(big.contribution > risk("tiny").contribution * 50.0);
    let total: f64 = s.risks.iter().map(|r| r.contribution).sum();
    assert!((total - 1.0).abs() < 1e-12);
    // Tornado: bottom vs top decile of the big shock's impact. The team is
    // roughly 1000 (1 + X) x (event, churn effects), so the swing is about
    // 1000 x 0.1 x (E[Z | top decile] - E[Z | bottom decile]) ~ 351 x 0.95 ...
    assert!(
        big.tornado.swing > 250.0 && big.tornado.swing < 400.0,
        "{}",
        big.tornado.swing
    );
    assert!(big.tornado.low_p50 < big.tornado.high_p50);
    // Events enter as occurrence x impact: the strike's input is -0.2 in
    // about a quarter of the trials and 0 otherwise.
    let inputs = &res.risks[2].inputs;
    let hits = inputs.iter().filter(|&&x| x == -0.2f32).count() as f64 / n as f64;
    assert!((hits - 0.25).abs() < 4.5 * (0.25f64 * 0.75 / n as f64).sqrt());
    assert!(inputs.iter().all(|&x| x == 0.0 || x == -0.2f32));
}

/// With LHS every chunk of 1024 trials hits each of the 1024 strata of each
/// driver exactly once; the team mean of a shock-dominated scenario has a
/// much smaller standard error across replications than plain Monte Carlo.
#[test]
fn latin_hypercube_stratifies_and_reduces_error() {
    let toml = r#"
[scenario]
company_target = 1000
[[reps]]
id = "A"
quota = 1000
[[units]]
id = "a"
potential = 1000
owner = "A"
[[risks]]
id = "macro"
kind = "shock"
applies_to = "all"
impact = { normal = { mean = 0.0, sd = 0.1 } }
"#;
    let m = load_str(toml, None);
    let lhs = |seed: u64, n: u64| {
        let opts = SimOptions {
            sampler: Sampler::LatinHypercube,
            ..SimOptions::new(n, seed)
        };
        quotaplan::simulate(&m, &opts, None).unwrap().result
    };
    // Team = 1000 (1 + 0.1 Z): recover Z's uniform and its stratum.
    let res = lhs(3, 2048);
    for chunk in res.team.chunks(1024) {
        let mut seen = vec![false; 1024];
        for &t in chunk {
            let z = (t / 1000.0 - 1.0) / 0.1;
            let u = quotaplan::model::dist::std_normal_cdf(z);
            let k = ((u * 1024.0).floor() as usize).min(1023);
            assert!(!seen[k], "stratum {k} hit twice");
            seen[k] = true;
        }
    }
    // Replicated means: LHS vs plain Monte Carlo, 30 seeds of 1024 trials.
    let spread = |sampler: Sampler| {
        let means: Vec<f64> = (0..30)
            .map(|seed| {
                let opts = SimOptions {
                    sampler,
                    ..SimOptions::new(1024, 100 + seed)
                };
                let r = quotaplan::simulate(&m, &opts, None).unwrap().result;
                r.team.iter().sum::<f64>() / r.team.len() as f64
            })
            .collect();
        mean_var(&means).1.sqrt()
    };
    let (mc, lh) = (spread(Sampler::MonteCarlo), spread(Sampler::LatinHypercube));
    // MC: sd of a mean = 100 / sqrt(1024) = 3.1; LHS removes almost all of it.
    assert!(mc > 2.0 && mc < 4.5, "MC spread {mc}");
    assert!(lh < 0.1 * mc, "LHS spread {lh} vs MC {mc}");
    // Reproducible: same seed, same numbers, any thread count.
    let a = lhs(9, 3000);
    let b = quotaplan::simulate(
        &m,
        &SimOptions {
            sampler: Sampler::LatinHypercube,
            threads: Some(1),
            ..SimOptions::new(3000, 9)
        },
        None,
    )
    .unwrap()
    .result;
    assert_eq!(a.team, b.team);
}

#[test]
fn precision_stops_at_the_same_whole_chunk_for_any_thread_count() {
    let m = example("given");
    let run = |threads| {
        let opts = SimOptions {
            precision: Some(0.01),
            threads: Some(threads),
            analytics: false,
            ..SimOptions::new(engine::MAX_TRIALS, 11)
        };
        quotaplan::simulate(&m, &opts, None).unwrap().result
    };
    let (a, b) = (run(1), run(2));
    assert!(a.reached_precision);
    assert_eq!(a.trials, b.trials);
    assert_eq!(a.team, b.team);
    assert_eq!(a.trials % engine::CHUNK_SIZE, 0);
    let half = |t: &[f64]| {
        let p = t.iter().filter(|&&x| x >= m.company_target).count() as f64 / t.len() as f64;
        1.96 * (p * (1.0 - p) / t.len() as f64).sqrt()
    };
    assert!(half(&a.team) <= 0.01);
    // One chunk fewer was not yet precise enough.
    let shorter = &a.team[..a.team.len() - engine::CHUNK_SIZE as usize];
    assert!(half(shorter) > 0.01);
    // p about 0.4: needs about 1.96^2 x 0.24 / 0.01^2 = 9,200 trials.
    assert!(a.trials > 8_000 && a.trials < 11_000, "{}", a.trials);
    // Chunks run after the stop (in the same wave) count nowhere: every
    // rep's statistics and histograms are those of a run of exactly the
    // trials kept (which merges its histograms as chunks finish).
    let plain = quotaplan::simulate(
        &m,
        &SimOptions {
            threads: Some(2),
            analytics: false,
            ..SimOptions::new(a.trials, 11)
        },
        None,
    )
    .unwrap()
    .result;
    assert_eq!(plain.team, b.team);
    for (x, y) in b.reps.iter().zip(&plain.reps) {
        assert_eq!((&x.sales, x.hits, &x.hist), (&y.sales, y.hits, &y.hist));
        for (qx, qy) in x.quarters.iter().zip(&y.quarters) {
            assert_eq!((&qx.hist, qx.hits), (&qy.hist, qy.hits));
        }
        assert_eq!(
            x.payout.as_ref().map(|p| &p.hist),
            y.payout.as_ref().map(|p| &p.hist)
        );
    }
}

#[test]
fn fairness_flags_name_the_reason() {
    let m = example("given");
    let sim = quotaplan::simulate(&m, &SimOptions::new(20_000, 2), None).unwrap();
    let s = sim.summary(&m, vec![]);
    let f = &s.fairness;
    let r06 = f
        .flags
        .iter()
        .find(|f| f.id == "R06")
        .expect("R06 carries more quota than its territory supports");
    assert!(r06.reason.contains("high quota"), "{}", r06.reason);
    let r12 = f
        .flags
        .iter()
        .find(|f| f.id == "R12")
        .expect("the planned hire");
    assert!(r12.reason.contains("ramping hire"), "{}", r12.reason);
    assert!(f.p_attain_min < 0.1 && f.p_attain_max > 0.5);
    // Under equal-probability quotas the spread collapses.
    let eq = example("equal-probability");
    let sim = quotaplan::simulate(&eq, &SimOptions::new(20_000, 2), None).unwrap();
    let s = sim.summary(&eq, vec![]);
    assert!(
        s.fairness.p_attain_sd < 0.01
            && s.fairness
                .flags
                .iter()
                .all(|f| f.p_attain > 0.8 || f.p_attain < 0.3)
    );
    assert_eq!(eq.quotas.method, QuotaMethod::EqualProbability);
}
