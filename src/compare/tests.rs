//! Unit tests of the comparison.

use super::*;
use serde_json::Value;

#[test]
fn lookup_by_path_and_id() {
    let v: Value = serde_json::json!({"team": {"p": 0.5}, "reps": [{"id": "A", "p_attain": 0.3}]});
    assert_eq!(lookup(&v, "team.p"), Some(0.5));
    assert_eq!(lookup(&v, "reps.A.p_attain"), Some(0.3));
    assert_eq!(lookup(&v, "reps.B.p_attain"), None);
    assert_eq!(metric_names(&v), vec!["reps.A.p_attain", "team.p"]);
}

#[test]
fn unknown_metrics_are_errors_with_a_suggestion() {
    let v = serde_json::json!({"team": {"p_hit_target": 0.6, "p_hit_target_se": 0.01,
        "sales": {"mean": 1.0, "p10": 0.5}}});
    let side = Side::from_summary(v.clone());
    let typo = Gate::max_change("team.p_hit=0.01", true).unwrap();
    let e = compare(&side, &side, &[], &[typo], Adjust::Holm).unwrap_err();
    assert_eq!(
        e.to_string(),
        "unknown metric `team.p_hit` (did you mean `team.p_hit_target`?)"
    );
    let e = check_metrics(&v, &v, &["team.sales.maen".into()], &[]).unwrap_err();
    assert!(
        e.to_string().contains("did you mean `team.sales.mean`"),
        "{e}"
    );
}

#[test]
fn gates_parse_and_judge() {
    assert_eq!(
        Gate::fail_if("team.p_hit_target < 0.6").unwrap(),
        Gate::FailIf {
            metric: "team.p_hit_target".into(),
            op: "<".into(),
            value: 0.6
        }
    );
    assert!(Gate::fail_if("nonsense").is_err());
    let a = serde_json::json!({"team": {"p_hit_target": 0.60, "p_hit_target_se": 0.005}});
    let b = serde_json::json!({"team": {"p_hit_target": 0.55, "p_hit_target_se": 0.005}});
    let m = vec!["team.p_hit_target".to_string()];
    let d = deltas(&a, &b, &m, &|_| None, Adjust::Holm);
    assert!(d[0].significant);
    let r = gates(
        &[
            Gate::max_change("team.p_hit_target=0.02", true).unwrap(),
            Gate::fail_if("team.p_hit_target < 0.5").unwrap(),
        ],
        &b,
        &d,
        Adjust::Holm,
    );
    assert!(!r[0].passed && r[1].passed);
    // The same drop within noise passes.
    let noisy = serde_json::json!({"team": {"p_hit_target": 0.55, "p_hit_target_se": 0.05}});
    let d = deltas(&a, &noisy, &m, &|_| None, Adjust::Holm);
    assert!(!d[0].significant);
    let g = gates(
        &[Gate::max_change("team.p_hit_target=0.02", true).unwrap()],
        &noisy,
        &d,
        Adjust::Holm,
    );
    assert!(g[0].passed && g[0].detail.contains("within noise"), "{g:?}");
}

#[test]
fn quantiles_are_never_significant_and_gates_on_them_compare_raw_changes() {
    let a = serde_json::json!({"team": {"shortfall": {"cvar95": 1.0e6}}});
    let b = serde_json::json!({"team": {"shortfall": {"cvar95": 3.5e6}}});
    let m = vec!["team.shortfall.cvar95".to_string()];
    let d = deltas(&a, &b, &m, &|_| None, Adjust::None);
    assert_eq!(d[0].noise, Noise::Untested(Untested::Quantile));
    assert!(!d[0].significant);
    let g = gates(
        &[Gate::max_change("team.shortfall.cvar95=2e6", false).unwrap()],
        &b,
        &d,
        Adjust::None,
    );
    assert!(!g[0].passed, "a raw rise of 2.5 M beyond 2 M fails");
    assert!(g[0].detail.contains("not noise-protected"), "{g:?}");
}

#[test]
fn holm_needs_more_than_one_test_to_differ() {
    // Ten metrics each 2.2 SE off: each alone is "significant" at 5 %,
    // none survives Holm across ten.
    let mut a = serde_json::Map::new();
    let mut b = serde_json::Map::new();
    let mut m = Vec::new();
    for i in 0..10 {
        a.insert(format!("p{i}x"), 0.5.into());
        a.insert(format!("p{i}x_se"), 0.01.into());
        b.insert(format!("p{i}x"), (0.5 + 0.022 * 2f64.sqrt()).into());
        b.insert(format!("p{i}x_se"), 0.01.into());
        m.push(format!("p{i}x"));
    }
    let (a, b) = (Value::Object(a), Value::Object(b));
    let none = deltas(&a, &b, &m, &|_| None, Adjust::None);
    let holm = deltas(&a, &b, &m, &|_| None, Adjust::Holm);
    assert!(none.iter().all(|d| d.significant));
    assert!(holm.iter().all(|d| !d.significant));
}
