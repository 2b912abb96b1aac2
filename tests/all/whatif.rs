//! What-if scenarios: `extends` deep merge and `--set` overrides, with
//! problems pointing at the file (or argument) that wrote the value; and
//! `mitigate`: the best set under a budget, the rebalance plan's seed.

use crate::common::repo;
use quotaplan::engine::SimOptions;
use quotaplan::scenario::{self, Document, MemoryLoader, Purpose, Scenario};
use quotaplan::stats::p_hit;
use quotaplan::territory::{AlignOptions, Balance, align, apply};
use quotaplan::whatif::{
    EXHAUSTIVE_MAX_SETS, MitigateRequest, MitigationPlan, REBALANCE_MAX_DISRUPTION,
    REBALANCE_SEEDS, REBALANCE_TOLERANCE, SHORTLIST, SearchMethod, mitigate,
};

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
    Document::read_spelled(
        "what-if.toml",
        child.as_bytes(),
        &MemoryLoader(vec![("base.toml".into(), BASE.into())]),
        &sets,
        crate::common::FLAGS,
    )
    .validate(Purpose::Simulate, &[])
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

// --- mitigate: the best set under a budget, and the rebalance plan's seed ---

/// The demo scenario as a document (its units file served from memory).
fn demo_doc() -> Document {
    let toml = std::fs::read_to_string(repo("scenarios/demo.toml")).expect("demo scenario");
    let units = std::fs::read_to_string(repo("scenarios/demo-units.csv")).expect("demo units");
    Document::read(
        "demo.toml",
        &toml,
        &MemoryLoader(vec![("demo-units.csv".into(), units)]),
        &[],
    )
}

fn checked(doc: &Document) -> Scenario {
    doc.validate(Purpose::Simulate, &[])
        .scenario
        .expect("valid scenario")
}

fn run_mitigate(
    doc: &Document,
    request: &MitigateRequest,
    trials: u64,
    seed: u64,
) -> MitigationPlan {
    let opts = SimOptions {
        threads: Some(2),
        analytics: false,
        ..SimOptions::new(trials, seed)
    };
    mitigate(doc, &checked(doc), request, &opts).expect("mitigate runs")
}

/// Eight user mitigations, each adding expected sales to one unit: every
/// one helps, so without a budget all 255 sets are feasible (more than the
/// exhaustive cutoff) and the knapsack shortlist is used.
fn eight_levers() -> String {
    let mut s = String::from(
        "[scenario]\nname = \"levers\"\ncompany_target = 10000\nseed = 3\n\
         [[reps]]\nid = \"A\"\nquota = 5000\n[[reps]]\nid = \"B\"\nquota = 5000\n\
         [[risks]]\nid = \"macro\"\nkind = \"shock\"\napplies_to = \"all\"\n\
         impact = { normal = { mean = 0.0, sd = 0.15 } }\n",
    );
    for k in 1..=8 {
        s.push_str(&format!(
            "[[units]]\nid = \"u{k}\"\npotential = 1200\nowner = \"{}\"\n",
            if k % 2 == 0 { "A" } else { "B" }
        ));
    }
    for k in 1..=8 {
        s.push_str(&format!(
            "[[mitigations]]\nid = \"m{k}\"\nkind = \"reduction\"\ndescription = \"lever {k}\"\ncost = {}\nset = {{ \"units.u{k}.potential\" = {} }}\n",
            10_000 * k,
            1200 + 40 * k
        ));
    }
    s
}

/// Above the cutoff the search shortlists by an exact knapsack on the own
/// effects, simulates the shortlist together and picks the best of it;
/// at or below it, every feasible set is simulated and the best is the
/// best of all of them.
#[test]
fn best_set_search_is_exhaustive_up_to_the_cutoff_then_a_shortlist() {
    let doc = Document::read("levers.toml", &eight_levers(), &MemoryLoader(vec![]), &[]);
    let plan = run_mitigate(&doc, &MitigateRequest::new(0.8), 4000, 9);
    let s = &plan.search;
    assert_eq!(s.eligible.len(), 8, "every lever helps beyond noise");
    assert_eq!(s.method, SearchMethod::Knapsack);
    assert_eq!(s.feasible_sets, None);
    assert_eq!(s.sets.len(), SHORTLIST);
    assert_eq!(
        plan.chosen,
        (0..8).collect::<Vec<_>>(),
        "all levers together"
    );
    for w in s.sets.windows(2) {
        assert!(w[0].outcome.dp >= w[1].outcome.dp, "best first");
    }
    let text = quotaplan::report::mitigate::table(&plan);
    assert!(
        text.contains(&format!("more than {EXHAUSTIVE_MAX_SETS} feasible sets"))
            && text.contains("knapsack"),
        "{text}"
    );

    // A budget of 120,000 leaves few enough sets (58) to simulate them all.
    let budget = 120_000.0;
    let plan = run_mitigate(
        &doc,
        &MitigateRequest {
            budget: Some(budget),
            ..MitigateRequest::new(0.8)
        },
        4000,
        9,
    );
    let s = &plan.search;
    let costs: Vec<f64> = plan.candidates.iter().map(|c| c.cost).collect();
    let feasible = (1u32..256)
        .filter(|m| {
            (0..8)
                .filter(|i| m >> i & 1 == 1)
                .map(|i| costs[i])
                .sum::<f64>()
                <= budget
        })
        .count();
    assert!(feasible <= EXHAUSTIVE_MAX_SETS);
    assert_eq!(s.method, SearchMethod::Exhaustive);
    assert_eq!(s.feasible_sets, Some(feasible));
    assert_eq!(s.sets.len(), feasible, "every feasible set simulated");
    let best = &s.sets[0];
    assert!(best.cost <= budget);
    assert!(s.sets.iter().all(|x| x.outcome.dp <= best.outcome.dp));
    assert_eq!(plan.chosen, best.members);
    assert!(
        quotaplan::report::mitigate::table(&plan)
            .contains(&format!("exhaustive search: all {feasible} feasible sets"))
    );
}

/// The rebalance plan depends on the optimizer's seed. It is made with
/// several seeds; each plan is the one `align` makes with that seed, and
/// the reported interval covers every plan's Δ P and paired interval; the
/// text says the plan varies with the seed. With one seed it says the plan
/// is fixed.
#[test]
fn rebalance_interval_covers_every_optimizer_seeds_plan() {
    let doc = demo_doc();
    let scen = checked(&doc);
    let model = &scen.model;
    let (trials, seed) = (3000, 5);
    let plan = run_mitigate(&doc, &MitigateRequest::new(0.8), trials, seed);
    let i = plan
        .candidates
        .iter()
        .position(|c| c.id == "rebalance")
        .expect("the demo has overloaded reps");
    let (c, a) = (&plan.candidates[i], &plan.assessments[i]);
    assert_eq!(c.plans.len(), REBALANCE_SEEDS);
    assert_eq!(
        c.plans.iter().map(|p| p.seed).collect::<Vec<_>>(),
        (seed..seed + REBALANCE_SEEDS as u64).collect::<Vec<_>>()
    );
    let opts = SimOptions {
        threads: Some(2),
        analytics: false,
        ..SimOptions::new(trials, seed)
    };
    let base = quotaplan::simulate(model, &opts, None).unwrap().result;
    let p0 = p_hit(&base.team, model.company_target);
    let [lo, hi] = a.dp_ci95;
    for (k, p) in c.plans.iter().enumerate() {
        // The plan is what the optimizer makes with that seed...
        let al = align(
            model,
            &AlignOptions {
                k: model.reps.len(),
                balance: Balance::Mix([0.5, 0.5, 0.0]),
                tolerance: REBALANCE_TOLERANCE,
                max_disruption: Some(REBALANCE_MAX_DISRUPTION),
                max_moved_accounts: None,
                max_distance: None,
                targets: quotaplan::territory::Targets::Equal,
                continuity: true,
                frontier: false,
                time_limit: None,
                seed: p.seed,
                threads: Some(1),
                risk_trials: 1000,
                spelling: Default::default(),
            },
        )
        .unwrap();
        assert_eq!(al.result.assignment, p.owners, "seed {}", p.seed);
        // ...its Δ P, simulated here independently, is the one reported...
        let m = apply(model, &p.owners, model.reps.len());
        let run = quotaplan::simulate(&m, &opts, None).unwrap().result;
        let dp = p_hit(&run.team, model.company_target) - p0;
        assert_eq!(dp, a.plans[k].dp, "seed {}", p.seed);
        // ...and the candidate's interval covers it and its interval.
        let [plo, phi] = a.plans[k].dp_ci95();
        assert!(
            lo <= plo && phi <= hi && lo <= dp && dp <= hi,
            "{dp} in [{lo}, {hi}]"
        );
        println!(
            "rebalance, optimizer seed {}: Δ P {:+.2} pts [{:+.2}, {:+.2}], {:.0} % of sales moves",
            p.seed,
            100.0 * dp,
            100.0 * plo,
            100.0 * phi,
            100.0 * p.disruption
        );
    }
    // The text says whether the seeds agree.
    let same = c.plans.iter().all(|p| p.owners == c.plans[0].owners);
    let text = &c.description;
    assert_eq!(
        text.contains("every optimizer seed gives the same plan"),
        same,
        "{text}"
    );
    assert_eq!(
        text.contains("the plan varies with the optimizer seed"),
        !same,
        "{text}"
    );
    // The headline is the median plan's, and that plan is the one sets use.
    let used = a.plan_used.unwrap();
    let below = a.plans.iter().filter(|o| o.dp < a.plans[used].dp).count();
    let above = a.plans.iter().filter(|o| o.dp > a.plans[used].dp).count();
    assert!(below <= REBALANCE_SEEDS / 2 && above <= REBALANCE_SEEDS / 2);
    assert_eq!(a.outcome, a.plans[used]);
    assert!(
        c.description.contains(&format!("{REBALANCE_SEEDS} plans"))
            || c.description.contains(&format!("{REBALANCE_SEEDS} seeds")),
        "{}",
        c.description
    );
    let text = quotaplan::report::mitigate::table(&plan);
    assert!(
        text.contains(if same {
            "every optimizer seed gives the same plan"
        } else {
            "varies with the optimizer seed"
        }) && text.contains(&format!("optimizer seed {seed}:")),
        "{text}"
    );

    // One seed: the plan is fixed, and the text says the interval is that plan's.
    let one = run_mitigate(
        &doc,
        &MitigateRequest {
            rebalance_seeds: 1,
            ..MitigateRequest::new(0.8)
        },
        trials,
        seed,
    );
    let (c1, a1) = (&one.candidates[i], &one.assessments[i]);
    assert_eq!(c1.plans.len(), 1);
    assert_eq!(c1.plans[0].owners, c.plans[0].owners);
    assert_eq!(a1.dp_ci95, a1.outcome.dp_ci95());
    assert!(
        c1.description
            .contains(&format!("fixed to optimizer seed {seed}")),
        "{}",
        c1.description
    );
}
