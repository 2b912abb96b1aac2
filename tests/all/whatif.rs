//! What-if scenarios: `extends` deep merge and `--set` overrides, with
//! problems pointing at the file (or argument) that wrote the value.

use quotaplan::engine::SimOptions;
use quotaplan::scenario::{self, MemoryLoader, Purpose};

const BASE: &str = r#"[scenario]
name = "base"
company_target = 3000
seed = 4
[[reps]]
id = "A"
quota = 1000
[[reps]]
id = "B"
quota = 2000
attrition = 0.1
[[units]]
id = "a"
potential = 1000
owner = "A"
[[units]]
id = "b"
potential = 2000
owner = "B"
[[risks]]
id = "macro"
kind = "shock"
applies_to = "all"
impact = { normal = { mean = 0.0, sd = 0.05 } }
"#;

fn load(child: &str, sets: &[&str]) -> scenario::Loaded {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    scenario::load_with(
        "what-if.toml",
        child,
        &MemoryLoader(vec![("base.toml".into(), BASE.into())]),
        Purpose::Simulate,
        &sets,
    )
}

fn plain(l: &scenario::Loaded) -> Vec<String> {
    l.problems.iter().map(|p| p.plain(&l.sources)).collect()
}

#[test]
fn extends_merges_tables_and_matches_array_items_by_id() {
    let l = load(
        "extends = \"base.toml\"\n[scenario]\nname = \"what if\"\n[[reps]]\nid = \"B\"\nquota = 2500\n[[reps]]\nid = \"C\"\nquota = 10\n[[units]]\nid = \"c\"\npotential = 10\nowner = \"C\"\n[[risks]]\nid = \"macro\"\nimpact = { normal = { mean = 0.0, sd = 0.2 } }\n",
        &[],
    );
    assert_eq!(plain(&l), Vec::<String>::new());
    let m = l.scenario.unwrap().model;
    assert_eq!(m.name, "what if");
    assert_eq!(m.company_target, 3000.0, "kept from the base");
    assert_eq!(m.reps.len(), 3);
    let b = &m.reps[1];
    assert_eq!(
        (b.quota, b.attrition),
        (Some(2500.0), 0.1),
        "overridden key and kept key"
    );
    assert_eq!(m.units.len(), 3);
    assert_eq!(
        m.risks[0].impact,
        quotaplan::model::dist::Dist::Normal { mean: 0.0, sd: 0.2 }
    );
    assert_eq!(
        m.risks[0].kind,
        quotaplan::model::RiskKind::Shock,
        "kind kept from the base"
    );
}

#[test]
fn problems_point_at_the_file_that_wrote_the_value() {
    let l = load(
        "extends = \"base.toml\"\n[[reps]]\nid = \"A\"\nquota = -1\n",
        &["reps.B.attrition=2"],
    );
    assert_eq!(
        plain(&l),
        [
            "error: what-if.toml:4:9: `quota` must be positive, found -1 (allowed: quota > 0)",
            "error: --set reps.B.attrition=2:1:18: `attrition` must be a probability between 0 and 1, found 2 (allowed: 0 <= value <= 1; 2 looks like a percentage: write 0.02, not 2)",
        ]
    );
    let missing = load("extends = \"nowhere.toml\"\n", &[]);
    assert_eq!(
        plain(&missing)[0],
        "error: what-if.toml:1:11: cannot read base scenario `nowhere.toml`: no such file (the path is relative to the scenario that extends it)"
    );
}

#[test]
fn extends_cycles_are_reported() {
    let l = scenario::load_with(
        "a.toml",
        "extends = \"b.toml\"\n",
        &MemoryLoader(vec![
            ("b.toml".into(), "extends = \"a.toml\"\n".into()),
            ("a.toml".into(), "extends = \"b.toml\"\n".into()),
        ]),
        Purpose::Simulate,
        &[],
    );
    assert_eq!(
        plain(&l),
        [
            "error: b.toml:1:11: `extends` makes a cycle: `a.toml` is already part of this scenario (a base scenario must not extend (directly or not) the file that extends it)"
        ]
    );
}

#[test]
fn set_overrides_any_key_and_is_validated() {
    let l = load(
        BASE,
        &[
            "risks.macro.impact.normal.sd=0.1",
            "reps.A.quota=7e2",
            "scenario.name=tuned",
        ],
    );
    assert_eq!(plain(&l), Vec::<String>::new());
    let m = l.scenario.unwrap().model;
    assert_eq!(m.reps[0].quota, Some(700.0));
    assert_eq!(m.name, "tuned");
    assert_eq!(
        m.risks[0].impact,
        quotaplan::model::dist::Dist::Normal { mean: 0.0, sd: 0.1 }
    );
    let bad = load(
        BASE,
        &[
            "reps.Z.quota=1",
            "risks.macro.impact.normal.sigma=0.1",
            "nokey",
        ],
    );
    assert_eq!(
        plain(&bad),
        [
            "error: --set reps.Z.quota=1:1:6: `reps` has no item with id `Z` (ids: A, B)",
            "error: --set risks.macro.impact.normal.sigma=0.1:1:27: unknown parameter `sigma` for a normal distribution (`normal` takes: mean, sd)",
            "error: --set nokey:1:1: a --set needs `key.path=value` (e.g. --set risks.macro.impact.normal.sd=0.1 or --set reps.R03.quota=7e6)",
        ]
    );
}

/// A what-if written as a file and the same change as --set give the same
/// numbers: the common random numbers make the difference exact.
#[test]
fn a_what_if_file_and_a_set_agree() {
    let a = load(
        "extends = \"base.toml\"\n[[reps]]\nid = \"B\"\nattrition = 0.3\n",
        &[],
    )
    .scenario
    .unwrap()
    .model;
    let b = load(BASE, &["reps.B.attrition=0.3"])
        .scenario
        .unwrap()
        .model;
    let ra = quotaplan::simulate(&a, &SimOptions::new(3000, 1), None)
        .unwrap()
        .result;
    let rb = quotaplan::simulate(&b, &SimOptions::new(3000, 1), None)
        .unwrap()
        .result;
    assert_eq!(ra.team, rb.team);
}
