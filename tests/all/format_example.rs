//! The reference scenario parses and means what its comments say.

use crate::common::{load_full, load_str};
use quotaplan::model::dist::Dist;
use quotaplan::model::{Location, QuotaMethod, RiskKind};

const TOML: &str = include_str!("../../scenarios/format-example.toml");
const CSV: &str = include_str!("../../scenarios/format-example-units.csv");

/// The shared copy must stay identical to the one in the repo.
#[test]
fn repo_copy_matches_the_shared_reference() {
    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/scenarios/format-example.toml");
    if let Ok(text) = std::fs::read_to_string(shared) {
        assert_eq!(
            text, TOML,
            "scenarios/format-example.toml differs from ../shared/scenarios/"
        );
    }
}

#[test]
fn every_key_means_what_its_comment_says() {
    let toml = TOML.replace(
        "file = \"format-example-units.csv\"",
        "file = \"units.csv\"",
    );
    let m = load_str(&toml, Some(CSV));
    let run = load_full(&toml, Some(CSV)).scenario.unwrap().run;
    assert_eq!(
        (
            m.name.as_str(),
            m.currency.as_str(),
            m.months,
            run.seed,
            run.trials
        ),
        ("East China FY2027", "CNY", 12, Some(2027), Some(20000))
    );
    assert_eq!(m.company_target, 80_000_000.0);

    // Seasonality weights are normalised to sum to 1.
    let raw = [
        0.06, 0.05, 0.08, 0.08, 0.09, 0.09, 0.08, 0.08, 0.09, 0.09, 0.10, 0.11,
    ];
    let sum: f64 = raw.iter().sum();
    for (w, r) in m.seasonality.iter().zip(raw) {
        assert!((w - r / sum).abs() < 1e-15);
    }

    // Units: CSV columns, log-normal potential with its cv, owners, locks.
    assert_eq!(m.units.len(), 34);
    let u6 = &m.units[5];
    assert_eq!(
        (
            u6.id.as_str(),
            u6.name.as_str(),
            u6.region.as_str(),
            u6.segment.as_str()
        ),
        ("U06", "Qingpu", "Shanghai", "Enterprise")
    );
    assert_eq!(u6.potential, Dist::lognormal_cv(5_355_000.0, 0.3).unwrap());
    assert_eq!(
        (u6.workload_hours, u6.accounts, u6.locked),
        (583.0, 14, true)
    );
    assert_eq!(
        u6.location,
        Some(Location::Planar {
            x: 0.502,
            y: -0.295
        })
    );
    assert_eq!(m.reps[u6.owner.unwrap()].id, "R03");

    // Rep defaults apply unless a rep overrides them.
    let rep = |id: &str| m.reps.iter().find(|r| r.id == id).unwrap();
    let r01 = rep("R01");
    assert_eq!(
        (r01.name.as_str(), r01.quota, r01.capacity_hours),
        ("王芳", Some(7_900_000.0), Some(1500.0))
    );
    assert_eq!(
        (
            r01.attrition,
            r01.vacancy_months,
            r01.vacancy_coverage,
            r01.ramp_months
        ),
        (0.14, 3, 0.25, 5.0)
    );
    assert_eq!(r01.productivity, Dist::lognormal_cv(1.0, 0.12).unwrap());
    assert_eq!(rep("R09").capacity_hours, Some(1300.0));
    // Recent hire: three more months of ramp (0.5, 0.7, 0.9, then 1 with a 5-month ramp).
    let r07 = rep("R07");
    let presence: Vec<f64> = (1..=5).map(|m| r07.base_presence(m)).collect();
    assert_eq!(presence, [0.5, 0.7, 0.9, 1.0, 1.0]);
    // Planned hire: absent in months 1-3, ramps from month 4, never leaves.
    let r12 = rep("R12");
    assert_eq!((r12.start_month, r12.attrition), (Some(4), 0.0));
    assert_eq!(r12.base_presence(3), 0.0);
    assert_eq!(r12.base_presence(4), 0.1);

    // Risks: kinds, scopes and impacts.
    let risk = |id: &str| m.risks.iter().find(|r| r.id == id).unwrap();
    assert_eq!(risk("macro").units.len(), 34);
    assert_eq!(
        risk("macro").impact,
        Dist::Normal {
            mean: 0.0,
            sd: 0.06
        }
    );
    let smb: Vec<usize> = (0..34).filter(|&i| m.units[i].segment == "SMB").collect();
    assert_eq!(risk("price_war_smb").units, smb);
    let zj = risk("competitor_entry_zhejiang");
    assert_eq!(
        zj.kind,
        RiskKind::Event {
            probability: 0.3,
            start: (3, 9)
        }
    );
    assert!(zj.units.iter().all(|&u| m.units[u].region == "Zhejiang") && !zj.units.is_empty());
    assert_eq!(
        zj.impact,
        Dist::Pert {
            min: -0.30,
            mode: -0.12,
            max: -0.02
        }
    );
    let churn = risk("key_account_churn");
    assert_eq!(churn.kind, RiskKind::AccountLoss { probability: 0.05 });
    assert!(
        churn
            .units
            .iter()
            .all(|&u| m.units[u].segment == "Enterprise")
    );

    // Correlation over shocks and events in file order: macro, price war, entry.
    let c = m.correlation.as_ref().unwrap();
    assert_eq!(
        (c[(0, 1)], c[(0, 2)], c[(1, 2)], c[(1, 0)]),
        (0.4, 0.3, 0.0, 0.4)
    );

    assert_eq!(m.quotas.method, QuotaMethod::Given);
    assert_eq!(m.quotas.over_assignment, 0.10);
    let comp = m.comp_plan.as_ref().unwrap();
    assert_eq!(comp.target_incentive, 120_000.0);
    assert_eq!(
        comp.curve,
        [(0.0, 0.0), (0.5, 0.0), (1.0, 1.0), (1.5, 2.0), (2.0, 2.5)]
    );
    let bonus = comp.team_bonus.as_ref().unwrap();
    assert_eq!((bonus.pool, bonus.threshold), (600_000.0, 1.0));
}

#[test]
fn demo_is_rich_enough() {
    let toml = include_str!("../../scenarios/demo.toml").replace("demo-units.csv", "units.csv");
    let m = load_str(&toml, Some(include_str!("../../scenarios/demo-units.csv")));
    assert!(m.units.len() >= 30 && m.reps.len() >= 10);
    for kind in ["shock", "event", "account_loss"] {
        assert!(
            m.risks.iter().any(|r| r.kind.name() == kind),
            "demo has a {kind}"
        );
    }
}
