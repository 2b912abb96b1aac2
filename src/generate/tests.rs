use super::write::f;
use super::*;
use std::collections::{HashMap, HashSet};

fn spec(units: usize, reps: usize, risks: usize, seed: u64) -> GenerateSpec {
    GenerateSpec {
        units,
        reps,
        risks,
        seed,
        trials: 20_000,
        units_file: "synthetic-units.csv".to_string(),
        edges_file: None,
    }
}

fn rows(g: &Generated) -> Vec<Vec<&str>> {
    g.units_csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect()
}

fn table(g: &Generated) -> toml::Table {
    toml::from_str::<toml::Table>(&g.toml).expect("generated TOML parses")
}

fn array<'a>(t: &'a toml::Table, key: &str) -> &'a Vec<toml::Value> {
    t[key].as_array().expect("array of tables")
}

#[test]
fn deterministic_for_a_seed() {
    let s = spec(500, 12, 9, 42);
    assert_eq!(synthetic(&s), synthetic(&s));
}

#[test]
fn different_seeds_differ() {
    let a = synthetic(&spec(500, 12, 9, 1));
    let b = synthetic(&spec(500, 12, 9, 2));
    assert_ne!(a.units_csv, b.units_csv);
    assert_ne!(a.toml, b.toml);
}

#[test]
fn toml_parses_with_expected_counts() {
    for (units, reps, risks) in [(1, 1, 3), (7, 7, 3), (40, 3, 4), (2000, 40, 20)] {
        let s = spec(units, reps, risks, 7);
        let g = synthetic(&s);
        let t = table(&g);
        assert_eq!(array(&t, "reps").len(), reps);
        assert_eq!(array(&t, "risks").len(), risks);
        for key in [
            "scenario",
            "seasonality",
            "units",
            "rep_defaults",
            "correlation",
            "quotas",
            "comp_plan",
        ] {
            assert!(t.contains_key(key), "missing [{key}]");
        }
        assert_eq!(t["units"]["file"].as_str(), Some("synthetic-units.csv"));
        assert_eq!(
            t["scenario"]["name"].as_str().unwrap(),
            format!("synthetic-{units}u-{reps}r-{risks}k")
        );
        assert_eq!(t["scenario"]["seed"].as_integer(), Some(7));
        let w = t["seasonality"]["weights"].as_array().unwrap();
        assert_eq!(w.len(), 12);
        let sum: f64 = w.iter().map(|v| v.as_float().unwrap()).sum();
        assert!((sum - 1.0).abs() < 0.002, "weights sum {sum}");
    }
}

#[test]
fn every_risk_kind_present_and_ids_unique() {
    for risks in [3, 4, 10, 25] {
        let t = table(&synthetic(&spec(300, 10, risks, 3)));
        let list = array(&t, "risks");
        let kinds: HashSet<&str> = list.iter().map(|r| r["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, HashSet::from(["shock", "event", "account_loss"]));
        let ids: HashSet<&str> = list.iter().map(|r| r["id"].as_str().unwrap()).collect();
        assert_eq!(ids.len(), risks);
        assert_eq!(list[0]["applies_to"].as_str(), Some("all"));
        for r in list {
            match r["kind"].as_str().unwrap() {
                "shock" => assert!(!r.as_table().unwrap().contains_key("probability")),
                "event" => {
                    let p = r["probability"].as_float().unwrap();
                    assert!((0.02..=0.3).contains(&p));
                    let from = r["start"]["from"].as_integer().unwrap();
                    let to = r["start"]["to"].as_integer().unwrap();
                    assert!(1 <= from && from < to && to <= 12);
                }
                _ => {
                    let p = r["probability"].as_float().unwrap();
                    assert!((0.02..=0.3).contains(&p));
                }
            }
        }
        // correlation pairs name existing risks and are not all pairs
        let pairs = t["correlation"]["pairs"].as_array().unwrap();
        assert!(!pairs.is_empty() && pairs.len() < risks * (risks - 1) / 2);
        for p in pairs {
            let p = p.as_array().unwrap();
            assert!(ids.contains(p[0].as_str().unwrap()));
            assert!(ids.contains(p[1].as_str().unwrap()));
            let rho = p[2].as_float().unwrap();
            assert!(rho > 0.0 && rho <= 0.5);
        }
    }
}

#[test]
fn scopes_name_existing_things() {
    let g = synthetic(&spec(1000, 25, 30, 11));
    let t = table(&g);
    let rows = rows(&g);
    let unit_ids: HashSet<&str> = rows.iter().map(|r| r[0]).collect();
    let regions: HashSet<&str> = rows.iter().map(|r| r[2]).collect();
    let segments: HashSet<&str> = rows.iter().map(|r| r[3]).collect();
    let rep_ids: HashSet<&str> = array(&t, "reps")
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let mut seen = HashSet::new();
    for r in array(&t, "risks").iter().skip(1) {
        let scope = r["applies_to"].as_table().unwrap();
        assert_eq!(scope.len(), 1);
        let (key, list) = scope.iter().next().unwrap();
        let known = match key.as_str() {
            "regions" => &regions,
            "segments" => &segments,
            "units" => &unit_ids,
            "reps" => &rep_ids,
            other => panic!("unexpected scope {other}"),
        };
        seen.insert(key.clone());
        for v in list.as_array().unwrap() {
            assert!(known.contains(v.as_str().unwrap()), "{key}: {v}");
        }
    }
    assert_eq!(seen.len(), 4, "scopes used: {seen:?}");
}

#[test]
fn csv_shape_and_ownership() {
    for (units, reps) in [(1, 1), (10, 10), (997, 31), (5000, 100)] {
        let g = synthetic(&spec(units, reps, 5, 99));
        assert_eq!(g.units_csv.lines().count(), units + 1);
        assert_eq!(g.units_csv.lines().next(), Some(UNITS_CSV_HEADER));
        let t = table(&g);
        let rep_ids: Vec<&str> = array(&t, "reps")
            .iter()
            .map(|r| r["id"].as_str().unwrap())
            .collect();
        let known: HashSet<&str> = rep_ids.iter().copied().collect();
        let mut owned: HashMap<&str, usize> = HashMap::new();
        for r in rows(&g) {
            assert_eq!(r.len(), 12, "{r:?}");
            assert!(known.contains(r[10]), "unknown owner {}", r[10]);
            *owned.entry(r[10]).or_default() += 1;
            let x: f64 = r[4].parse().unwrap();
            let y: f64 = r[5].parse().unwrap();
            assert!((0.0..=1.0).contains(&x) && (0.0..=1.0).contains(&y));
            assert!(r[6].parse::<u64>().unwrap() > 0);
            let cv: f64 = r[7].parse().unwrap();
            assert!(cv == 0.0 || (0.1..=0.35).contains(&cv));
            assert!(r[8].parse::<f64>().unwrap() > 0.0);
            assert!(r[9].parse::<u32>().unwrap() >= 1);
            assert!(r[11] == "true" || r[11] == "false");
        }
        for id in &rep_ids {
            assert!(
                owned.get(id).copied().unwrap_or(0) >= 1,
                "{id} owns nothing"
            );
        }
    }
}

#[test]
fn workload_and_quotas_are_realistic() {
    let g = synthetic(&spec(10_000, 200, 20, 5));
    let t = table(&g);
    let target = t["scenario"]["company_target"].as_integer().unwrap() as f64;
    let mut potential: HashMap<&str, f64> = HashMap::new();
    let mut work: HashMap<&str, f64> = HashMap::new();
    for r in rows(&g) {
        *potential.entry(r[10]).or_default() += r[6].parse::<f64>().unwrap();
        *work.entry(r[10]).or_default() += r[8].parse::<f64>().unwrap();
    }
    let total: f64 = potential.values().sum();
    // 0.95 x potential, less the risk register's expected drag
    let share = target / total;
    assert!((0.8..0.95).contains(&share), "target / potential {share}");
    let median = {
        let mut p: Vec<f64> = rows(&g).iter().map(|r| r[6].parse().unwrap()).collect();
        p.sort_by(f64::total_cmp);
        p[p.len() / 2]
    };
    assert!((200_000.0..450_000.0).contains(&median), "median {median}");
    let mut overloaded = 0;
    let mut quotas = 0.0;
    for rep in array(&t, "reps") {
        let id = rep["id"].as_str().unwrap();
        let capacity = rep
            .get("capacity_hours")
            .and_then(|c| c.as_integer())
            .unwrap_or(1600) as f64;
        if work[id] > capacity {
            overloaded += 1;
        }
        let quota = rep["quota"].as_integer().unwrap() as f64;
        quotas += quota;
        if rep.get("start_month").is_none() && rep.get("ramp_remaining").is_none() {
            let ratio = quota / potential[id];
            assert!(
                (0.75..1.25).contains(&ratio),
                "{id}: quota/potential {ratio}"
            );
        }
    }
    assert!((15..=35).contains(&overloaded), "{overloaded} overloaded");
    let over_assignment = quotas / target - 1.0;
    assert!((0.05..0.2).contains(&over_assignment), "{over_assignment}");
}

#[test]
fn large_scenario_is_plain_text() {
    let g = synthetic(&spec(100_000, 2000, 50, 8));
    assert_eq!(g.units_csv.lines().count(), 100_001);
    assert!(g.units_csv.lines().nth(1).unwrap().starts_with("U000001,"));
    let odd = g
        .units_csv
        .lines()
        .skip(1)
        .find(|l| l.contains('_') || l.contains("e-") || l.contains("NaN"));
    assert_eq!(odd, None);
    let t = table(&g);
    assert_eq!(array(&t, "reps").len(), 2000);
    assert_eq!(array(&t, "reps")[0]["id"].as_str(), Some("R0001"));
}

#[test]
fn float_formatting() {
    assert_eq!(f(0.25, 4), "0.25");
    assert_eq!(f(1.0, 3), "1.0");
    assert_eq!(f(-0.00001, 3), "0.0");
    assert_eq!(f(-0.125, 3), "-0.125");
    assert_eq!(f(1234.56, 1), "1234.6");
}

#[test]
#[should_panic(expected = "risks (2) must be at least 3")]
fn too_few_risks_panics() {
    synthetic(&spec(10, 2, 2, 1));
}

#[test]
#[should_panic(expected = "units (3) must be at least reps (4)")]
fn fewer_units_than_reps_panics() {
    synthetic(&spec(3, 4, 3, 1));
}
