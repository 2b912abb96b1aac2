//! Figures that must be exact, not estimates: quantiles of point masses,
//! quotas to the cent, and what a run records about itself.

use crate::common::{load_str, quotaplan, simulation, tmp};

/// A rep whose sales are constant (no uncertainty anywhere) gets exactly
/// that value as every quantile, whatever the histogram's scale.
#[test]
fn constant_sales_have_exact_quantiles() {
    let model = load_str(
        r#"
[scenario]
company_target = 600000
[[reps]]
id = "A"
quota = 600000
capacity_hours = 1000
[[units]]
id = "u"
potential = 660000
workload_hours = 1000
owner = "A"
"#,
        None,
    );
    let sim = simulation(&model, 2048, 1, 2);
    let s = sim.summary(&model, Vec::new());
    let r = &s.reps[0];
    assert_eq!(
        (
            r.sales.mean,
            r.sales.sd,
            r.sales.p10,
            r.sales.p50,
            r.sales.p90
        ),
        (660_000.0, 0.0, 660_000.0, 660_000.0, 660_000.0)
    );
    assert_eq!(r.attainment.p50, 1.1);
    for q in &r.quarters {
        assert_eq!((q.sales.p10, q.sales.p90), (q.sales.mean, q.sales.mean));
        assert_eq!(q.sales.mean, 165_000.0, "{q:?}");
    }
}

/// A planned hire has no sales before its start month: exactly 0, not a
/// smear over the first histogram bin; and its later quarters' quotas are
/// whole cents that add up to the annual quota.
#[test]
fn a_hire_before_it_starts_sells_exactly_nothing() {
    let model = load_str(
        r#"
[scenario]
company_target = 2000000
[[reps]]
id = "A"
quota = 1000000
[[reps]]
id = "H"
quota = 700000
start_month = 4
ramp_months = 2
[[units]]
id = "a"
potential = 1000000
potential_cv = 0.2
owner = "A"
[[units]]
id = "h"
potential = 1000000
potential_cv = 0.3
owner = "H"
"#,
        None,
    );
    let sim = simulation(&model, 4096, 3, 2);
    let s = sim.summary(&model, Vec::new());
    let h = &s.reps[1];
    let q1 = &h.quarters[0];
    assert_eq!(
        (
            q1.sales.mean,
            q1.sales.sd,
            q1.sales.p10,
            q1.sales.p50,
            q1.sales.p90
        ),
        (0.0, 0.0, 0.0, 0.0, 0.0)
    );
    let cents: Vec<f64> = h.quarters.iter().map(|q| q.quota * 100.0).collect();
    assert!(cents.iter().all(|c| c.fract() == 0.0), "{cents:?}");
    assert_eq!(cents.iter().sum::<f64>(), 70_000_000.0);
    assert_eq!(h.quarters.last().unwrap().ytd_quota, 700_000.0);
}

/// Quotas are compared to the cent: sales of exactly the phased quota
/// reach it (a quota of 120,000.00000000001 would be missed).
#[test]
fn sales_of_exactly_the_quarterly_quota_reach_it() {
    let model = load_str(
        r#"
[scenario]
company_target = 480000
[seasonality]
weights = [0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]
[[reps]]
id = "A"
quota = 480000
[[units]]
id = "u"
potential = 480000
owner = "A"
"#,
        None,
    );
    let sim = simulation(&model, 1024, 1, 1);
    let s = sim.summary(&model, Vec::new());
    for q in &s.reps[0].quarters {
        assert_eq!(q.quota, 120_000.0);
        assert_eq!(q.p_attain, Some(1.0), "{q:?}");
    }
    assert_eq!(s.reps[0].p_attain, 1.0);
}

/// `run.json` records the trials that ran, not the cap of `--precision`.
#[test]
fn run_json_records_the_trials_actually_run() {
    let out = tmp("run-json-precision");
    quotaplan()
        .args(["simulate", "--precision", "0.02", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let trials = run["trials"].as_u64().unwrap();
    assert_eq!(Some(trials), summary["trials"].as_u64());
    assert!(trials < 10_000, "stopped early at the precision: {trials}");
    let rate = run["unit_trials_per_second"].as_f64().unwrap();
    let elapsed = run["elapsed_seconds"].as_f64().unwrap();
    assert!((rate * elapsed / 41.0 - trials as f64).abs() < 1.0);
}
