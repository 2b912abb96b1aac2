//! Scoring against known answers: calibrated, too narrow and zero-inflated
//! forecasts at fixed seeds (bounds from binomial standard errors), a small
//! case by hand, the JSON shape, and the input checks.

use super::*;
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rand_distr::{Distribution, StandardNormal};
use serde_json::{Value, json};

/// `n` items whose forecasts are `m` draws of N(μ_i, spread × σ_i) and
/// whose actuals come from N(μ_i, σ_i): calibrated when `spread` is 1.
fn normal_items(seed: u64, n: usize, m: usize, spread: f64) -> Vec<Item> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n)
        .map(|i| {
            let mu = 1000.0 * (1 + i % 7) as f64;
            let sigma = 0.2 * mu;
            let mut z = || -> f64 { StandardNormal.sample(&mut rng) };
            let samples = (0..m).map(|_| mu + spread * sigma * z()).collect();
            let actual = mu + sigma * z();
            Item {
                id: format!("u{i}"),
                samples,
                actual,
                last: Some(mu),
            }
        })
        .collect()
}

fn one_level(level: Level, items: Vec<Item>) -> LevelScore {
    let b = score(&[(level, items)]).expect("valid items");
    b.levels.into_iter().next().expect("one level")
}

#[test]
fn a_calibrated_forecast_covers_at_the_nominal_rate_and_its_pit_is_uniform() {
    let n = 2000;
    let l = one_level(Level::Unit, normal_items(7, n, 400, 1.0));
    for c in &l.coverage {
        assert!(
            c.z().abs() < 3.0,
            "{}: observed {} (se {}, z {:.2})",
            c.key(),
            c.observed,
            c.se,
            c.z()
        );
    }
    let se = bin_se(n);
    for (b, share) in l.pit_histogram.iter().enumerate() {
        assert!((share - 0.1).abs() < 3.0 * se, "bin {b}: {share} (se {se})");
    }
    // Mean PIT 1/2 with sd sqrt(1/12) per item.
    let mean = l.items.iter().map(|i| i.pit).sum::<f64>() / n as f64;
    assert!((mean - 0.5).abs() < 3.0 * (1.0 / 12.0 / n as f64).sqrt());
    assert!((l.pit_histogram.iter().sum::<f64>() - 1.0).abs() < 1e-12);
}

#[test]
fn a_too_narrow_forecast_covers_less_than_nominal_and_its_pit_is_u_shaped() {
    let n = 1000;
    // Half the true spread: the central 50 % interval holds the actual
    // with probability P(|Z| < 0.674 / 2) = 26.4 %.
    let l = one_level(Level::Owner, normal_items(8, n, 400, 0.5));
    for c in &l.coverage {
        assert!(c.z() < -3.0 && c.flagged(), "{}: {}", c.key(), c.observed);
    }
    let c50 = l.coverage_at(0.5).expect("50 %");
    // Expected 0.264, with the binomial SE of that share.
    let se = (0.264 * 0.736 / n as f64).sqrt();
    assert!((c50.observed - 0.264).abs() < 3.0 * se, "{}", c50.observed);
    let h = l.pit_histogram;
    let se = bin_se(n);
    assert!(h[0] > 0.1 + 3.0 * se && h[9] > 0.1 + 3.0 * se, "{h:?}");
    assert!(h[4] < 0.1 - 3.0 * se && h[5] < 0.1 - 3.0 * se, "{h:?}");
    // A forecast that is also centred right scores better than one that
    // is too narrow: compare with the calibrated forecast's CRPS.
    let good = one_level(Level::Owner, normal_items(8, n, 400, 1.0));
    assert!(good.crps < l.crps);
}

#[test]
fn zero_inflated_calibrated_forecasts_give_a_flat_histogram() {
    // Each unit sells nothing with probability 0.4, else an exponential
    // amount; forecast and actual share that law. 40 % of actuals are
    // zero and tie with about 40 % of the samples.
    let (n, m) = (2000, 500);
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let draw = |r: &mut ChaCha8Rng| {
        if r.random::<f64>() < 0.4 {
            0.0
        } else {
            -1000.0 * (1.0 - r.random::<f64>()).ln()
        }
    };
    let items: Vec<Item> = (0..n)
        .map(|i| Item {
            id: format!("u{i}"),
            samples: (0..m).map(|_| draw(&mut rng)).collect(),
            actual: draw(&mut rng),
            last: None,
        })
        .collect();
    let zeros = items.iter().filter(|i| i.actual == 0.0).count();
    let l = one_level(Level::Unit, items);
    let se = bin_se(n);
    for (b, share) in l.pit_histogram.iter().enumerate() {
        assert!((share - 0.1).abs() < 3.0 * se, "bin {b}: {share}");
    }
    // The mid-ranks of the zeros sit near 0.2: a histogram of mid-ranks
    // would pile them into one bin.
    let mid_bin_2 = l
        .items
        .iter()
        .filter(|i| (0.2..0.3).contains(&i.pit) || (0.1..0.2).contains(&i.pit))
        .count();
    assert!(mid_bin_2 as f64 > 0.9 * zeros as f64);
    // Zero actuals are inside every central interval that reaches zero.
    assert!(l.coverage_at(0.1).expect("10 %").observed > 0.0);
    assert_eq!((l.crps_naive, l.brier, l.skill()), (None, None, None));
}

#[test]
fn a_small_case_by_hand() {
    let items = vec![
        Item {
            id: "a".into(),
            samples: vec![3.0, 1.0, 2.0, 4.0],
            actual: 2.0,
            last: Some(4.0),
        },
        Item {
            id: "b".into(),
            samples: vec![10.0, 10.0, 10.0, 10.0],
            actual: 12.0,
            last: None,
        },
    ];
    let l = one_level(Level::Region, items);
    let a = &l.items[0];
    // F(2−) = 1/4, F(2) = 2/4.
    assert_eq!(a.pit_interval, [0.25, 0.5]);
    assert_eq!(a.pit, 0.375);
    // E|X − 2| = 1, ½E|X − X'| = (1/16)(−3·1 − 1·2 + 1·3 + 3·4) = 10/16.
    assert!((a.crps - (1.0 - 10.0 / 16.0)).abs() < 1e-15);
    let nv = a.naive.expect("last");
    assert_eq!((nv.crps, nv.reached), (2.0, false));
    assert!((nv.quota - 4.4).abs() < 1e-12);
    assert_eq!(nv.p_reach, 0.0);
    let b = &l.items[1];
    assert_eq!((b.pit, b.crps, b.naive), (1.0, 2.0, None));
    assert!((l.crps - (0.375 + 2.0) / 2.0).abs() < 1e-15);
    assert_eq!(l.n_last, 1);
    assert_eq!(l.crps_naive, Some(2.0));
    assert_eq!(l.crps_with_last, Some(0.375));
    assert_eq!(l.skill(), Some(1.0 - 0.375 / 2.0));
    // P(reach 4.4) = 0 and it was not reached: a perfect call.
    assert_eq!(l.brier, Some(0.0));
    // Item a's actual 2 is inside the central 50 % interval [1.75, 3.25];
    // b's 12 is outside every interval of a point mass at 10.
    assert_eq!(l.coverage_at(0.5).expect("50").observed, 0.5);
    assert_eq!(l.coverage_at(0.1).expect("10").observed, 0.0);
}

#[test]
fn brier_scores_the_share_of_samples_reaching_the_quota() {
    // Samples 0..100: P(≥ 55) = 45 %. Reached: (0.45 − 1)²; missed: 0.45².
    let samples: Vec<f64> = (0..100).map(f64::from).collect();
    let item = |actual: f64| Item {
        id: format!("{actual}"),
        samples: samples.clone(),
        actual,
        last: Some(50.0),
    };
    let l = one_level(Level::Owner, vec![item(60.0), item(20.0)]);
    let want = (0.55f64.powi(2) + 0.45f64.powi(2)) / 2.0;
    assert!((l.brier.expect("brier") - want).abs() < 1e-12);
    // An actual exactly at the quota reaches it (>= as everywhere).
    let at = one_level(Level::Owner, vec![item(55.0)]);
    assert!(at.items[0].naive.expect("last").reached);
}

fn sample_backtest() -> Backtest {
    let team = vec![Item {
        id: "team".into(),
        samples: (0..200).map(f64::from).collect(),
        actual: 120.0,
        last: Some(100.0),
    }];
    let units = vec![
        Item {
            id: "u1".into(),
            samples: vec![0.0, 0.0, 5.0, 9.0],
            actual: 0.0,
            last: None,
        },
        Item {
            id: "u2".into(),
            samples: vec![1.0, 2.0, 3.0],
            actual: 2.5,
            last: None,
        },
    ];
    // Given out of order: reported in level order.
    score(&[(Level::Unit, units), (Level::Team, team)]).expect("valid")
}

#[test]
fn json_has_exactly_the_documented_shape() {
    let b = sample_backtest();
    assert_eq!(
        b.levels.iter().map(|l| l.level).collect::<Vec<_>>(),
        [Level::Team, Level::Unit]
    );
    let v: Value = serde_json::to_value(b.to_json("2016-12-31", 12)).expect("json");
    assert_eq!(v["cutoff"], json!("2016-12-31"));
    assert_eq!(v["horizon_months"], json!(12));
    let top: Vec<&str> = v
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(top.len(), 3);
    let levels = v["levels"].as_object().expect("levels");
    // Absent levels are absent, not null.
    assert_eq!(levels.keys().collect::<Vec<_>>(), ["team", "unit"]);
    for (name, l) in levels {
        let n = l["n"].as_u64().expect("n") as usize;
        let cov = l["coverage"].as_object().expect("coverage");
        assert_eq!(cov.keys().collect::<Vec<_>>(), ["50", "80", "90"], "{name}");
        assert!(
            cov.values()
                .all(|s| (0.0..=1.0).contains(&s.as_f64().expect("share")))
        );
        assert_eq!(l["pit"].as_array().expect("pit").len(), n);
        assert!(l["crps"].is_f64());
        for key in ["crps_naive", "brier"] {
            assert!(l.get(key).is_some(), "{name}.{key} present");
        }
        assert_eq!(l["ids"].as_array().expect("ids").len(), n);
        assert_eq!(l["reliability"].as_object().expect("rel").len(), 9);
        assert_eq!(l["pit_histogram"].as_array().expect("hist").len(), 10);
    }
    let unit = &levels["unit"];
    // No unit has a last period: the naive CRPS and Brier score are null.
    assert_eq!(unit["crps_naive"], Value::Null);
    assert_eq!(unit["brier"], Value::Null);
    assert_eq!(unit["skill"], Value::Null);
    // u1: actual 0 ties with two of four samples: mid-rank 1/4; u2: 2.5
    // is above two of three samples.
    assert_eq!(unit["pit"], json!([0.25, 2.0 / 3.0]));
    assert_eq!(unit["ids"], json!(["u1", "u2"]));
    let team = &levels["team"];
    assert_eq!(team["n"], json!(1));
    assert_eq!(team["crps_naive"], json!(20.0));
    assert!(team["brier"].is_f64());
    // The text keeps the documented order of keys.
    let text = serde_json::to_string(&b.to_json("2016-12-31", 12)).expect("text");
    let order = [
        "\"n\"",
        "\"coverage\"",
        "\"pit\"",
        "\"crps\"",
        "\"crps_naive\"",
        "\"brier\"",
    ];
    let at: Vec<usize> = order.iter().map(|k| text.find(k).expect(k)).collect();
    assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(text.find("\"team\"") < text.find("\"unit\""));
}

#[test]
fn scoring_is_deterministic_and_ignores_sample_order() {
    let items = normal_items(3, 50, 300, 1.0);
    let mut sorted = items.clone();
    for i in &mut sorted {
        i.samples.sort_by(f64::total_cmp);
    }
    let a = score(&[(Level::Unit, items.clone())]).expect("valid");
    let b = score(&[(Level::Unit, sorted)]).expect("valid");
    assert_eq!(a, b);
    assert_eq!(a, score(&[(Level::Unit, items)]).expect("valid"));
}

#[test]
fn bad_inputs_are_errors_naming_the_item() {
    let ok = || Item {
        id: "x".into(),
        samples: vec![1.0, 2.0],
        actual: 1.0,
        last: None,
    };
    let run = |levels: &[(Level, Vec<Item>)]| score(levels).expect_err("must fail");
    assert_eq!(
        run(&[(Level::Team, vec![ok()]), (Level::Team, vec![ok()])]),
        BacktestError::DuplicateLevel(Level::Team)
    );
    assert_eq!(
        run(&[(Level::Owner, vec![])]),
        BacktestError::EmptyLevel(Level::Owner)
    );
    let mut no_samples = ok();
    no_samples.samples.clear();
    assert!(matches!(
        run(&[(Level::Unit, vec![no_samples])]),
        BacktestError::NoSamples {
            level: Level::Unit,
            ..
        }
    ));
    let mut nan = ok();
    nan.samples[1] = f64::NAN;
    let e = run(&[(Level::Unit, vec![ok(), nan])]);
    assert!(matches!(e, BacktestError::NonFiniteSample { .. }));
    assert_eq!(
        e.to_string(),
        "unit `x`: a simulated sample is not a finite number (NaN)"
    );
    let mut inf = ok();
    inf.actual = f64::INFINITY;
    assert!(matches!(
        run(&[(Level::Region, vec![inf])]),
        BacktestError::NonFiniteActual { .. }
    ));
    let mut last = ok();
    last.last = Some(f64::NAN);
    assert!(matches!(
        run(&[(Level::Region, vec![last])]),
        BacktestError::NonFiniteLast { .. }
    ));
}
