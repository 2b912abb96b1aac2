//! Territory planning from a scenario: targets that follow what each rep
//! can sell (capacity × expected presence), quotas that follow the new
//! territories, new alignments from units alone, and where `split` writes.

use crate::common::{assert_within_se, load_str, quotaplan, repo, run, tmp};
use quotaplan::engine::SimOptions;
use quotaplan::territory::{AlignOptions, Balance, Targets, realign};
use std::path::Path;

/// The presence a target is built on is the engine's: a planned hire
/// (start month, ramp), a recent hire and an established rep, each with
/// attrition and a vacancy, simulated with fixed potential and
/// productivity and no risks, sell on average potential × presence.
#[test]
fn horizon_presence_is_what_the_engine_simulates() {
    let toml = r#"
[scenario]
company_target = 3000
[seasonality]
weights = [0.06, 0.05, 0.08, 0.08, 0.09, 0.09, 0.08, 0.08, 0.09, 0.09, 0.10, 0.11]
[[reps]]
id = "hire"
quota = 500
start_month = 4
ramp_months = 3
attrition = 0.2
vacancy_months = 2
vacancy_coverage = 0.25
[[reps]]
id = "recent"
quota = 800
ramp_months = 5
ramp_remaining = 2
attrition = 0.3
vacancy_months = 3
vacancy_coverage = 0.5
[[reps]]
id = "old"
quota = 900
attrition = 0.14
vacancy_months = 3
vacancy_coverage = 0.25
ramp_months = 5
[[units]]
id = "a"
potential = 1000
owner = "hire"
[[units]]
id = "b"
potential = 1000
owner = "recent"
[[units]]
id = "c"
potential = 1000
owner = "old"
"#;
    let model = load_str(toml, None);
    let res = run(&model, 40_000, 3, 2);
    for (r, rep) in model.reps.iter().enumerate() {
        let presence = rep.horizon_presence(&model.seasonality);
        assert_within_se(
            &format!("presence of {}", rep.id),
            res.reps[r].sales.mean / 1000.0,
            presence,
            res.reps[r].sales.se() / 1000.0,
        );
    }
    // A seat starting in April without ramp, in an even year, is there 9
    // months of 12.
    let mut seat = model.reps[0].clone();
    seat.ramp_months = 0.0;
    seat.attrition = 0.0;
    assert!((seat.horizon_presence(&[1.0 / 12.0; 12]) - 0.75).abs() < 1e-12);
}

/// A grid of units, 10 km apart, six to a row, each with potential 1,000,000 and 100
/// hours of work; units are owned in consecutive blocks by the reps.
fn row_scenario(reps: &str, owners: &[&str]) -> String {
    let mut t =
        format!("[scenario]\nname = \"row\"\ncompany_target = 20_000_000\nseed = 5\n\n{reps}\n");
    for (i, o) in owners.iter().enumerate() {
        t.push_str(&format!(
            "[[units]]\nid = \"U{i:02}\"\nx = {}\ny = {}\npotential = 1_000_000\nworkload_hours = 100\naccounts = 3\nowner = \"{o}\"\n\n",
            10 * (i % 6),
            10 * (i / 6)
        ));
    }
    t
}

/// Three reps of equal capacity; R03 is a seat that starts in April.
/// Under presence targets (the default) its territory is 0.75 of a
/// full-year rep's (9 of 33 equal units against 12), so it sells less and
/// gets a smaller share; under equal targets it would get a full-size
/// territory.
#[test]
fn an_unstarted_seat_gets_a_smaller_territory() {
    let reps = "[[reps]]\nid = \"R01\"\nquota = 7_000_000\ncapacity_hours = 2000\n\n[[reps]]\nid = \"R02\"\nquota = 7_000_000\ncapacity_hours = 2000\n\n[[reps]]\nid = \"R03\"\nquota = 7_000_000\ncapacity_hours = 2000\nstart_month = 4\n";
    let mut owners = vec!["R01"; 11];
    owners.extend(["R02"; 11]);
    owners.extend(["R03"; 11]);
    let model = load_str(&row_scenario(reps, &owners), None);
    let plan = |targets: Targets| {
        let opts = AlignOptions {
            k: 3,
            balance: Balance::Sales,
            tolerance: 0.05,
            max_disruption: None,
            max_moved_accounts: None,
            max_distance: None,
            targets,
            continuity: true,
            frontier: false,
            time_limit: None,
            seed: 5,
            threads: Some(2),
            risk_trials: 500,
            spelling: Default::default(),
        };
        realign(
            &model,
            &opts,
            &SimOptions {
                threads: Some(2),
                ..SimOptions::new(2_000, 5)
            },
        )
        .expect("the split runs")
    };
    let p = plan(Targets::Presence);
    let t = &p.territories;
    assert!(p.alignment.result.feasible, "{:?}", p.alignment.notes);
    assert!((t[2].presence - 0.75).abs() < 1e-12, "{}", t[2].presence);
    assert!((t[0].presence - 1.0).abs() < 1e-12);
    assert!((t[2].target_share - 0.75 / 2.75).abs() < 1e-12);
    for full in &t[..2] {
        assert!(
            t[2].expected_sales < full.expected_sales,
            "the April seat's territory ({}) is smaller than {}'s ({})",
            t[2].expected_sales,
            full.id,
            full.expected_sales
        );
        assert!(t[2].rep_sales_after < full.rep_sales_after);
    }
    // Every territory within ±5 % of its share of the 33 M.
    for row in t {
        let target = 33e6 * row.target_share;
        assert!((row.expected_sales / target - 1.0).abs() <= 0.05 + 1e-9);
    }
    // The given quotas (7 M each) no longer fit: P after uses quotas
    // re-derived in proportion to the new territories, same 21 M total.
    let q: Vec<f64> = t.iter().map(|r| r.quota_after.expect("quota")).collect();
    assert!((q.iter().sum::<f64>() - 21e6).abs() < 0.01, "{q:?}");
    assert!(q[2] < q[0] && q[2] < q[1], "{q:?}");
    assert_eq!(t[0].quota_before, Some(7e6));
    assert!(
        t.iter()
            .all(|r| r.hits_before.is_some() && r.hits_after.is_some())
    );

    // The table: a header with the stop, the frontier when computed, and
    // per territory its presence and target share.
    let mut shown = p.clone();
    shown.alignment.frontier = [0.05, 0.1, 1.0]
        .iter()
        .map(|&cap| quotaplan::split::FrontierPoint {
            cap,
            max_deviation: 0.1 - cap / 20.0,
            disruption: cap.min(0.4),
            feasible: cap > 0.05,
        })
        .collect();
    let table = quotaplan::report::split::table(&quotaplan::report::split::SplitResult {
        before: &model,
        plan: &shown,
    });
    println!("{table}");
    for want in [
        "search: ",
        "moved: ",
        "targets: presence",
        "P(quota)",
        "at most   5 % moving → best deviation   9.75 % (5.0 % moves), not within ±5 %",
        "at most  10 % moving → best deviation   9.50 % (10.0 % moves)",
        "unconstrained        → best deviation   5.00 % (40.0 % moves)",
    ] {
        assert!(table.contains(want), "{want}:\n{table}");
    }
    let r03 = table
        .lines()
        .find(|l| l.starts_with("R03"))
        .expect("R03 row");
    assert!(r03.contains("27.3%") && r03.contains("0.75"), "{r03}");
    assert!(
        table
            .lines()
            .all(|l| quotaplan::report::format::width(l) <= 80),
        "{table}"
    );

    let e = plan(Targets::Equal);
    assert!((e.territories[2].target_share - 1.0 / 3.0).abs() < 1e-12);
    assert!(e.territories[2].expected_sales > t[2].expected_sales);
}

/// `split --territories 5` on units alone (no reps, no quotas, no target)
/// proposes five territories and a skeleton scenario with a placeholder rep
/// for each, which `validate` and `simulate` accept.
#[test]
fn units_only_split_writes_a_skeleton_that_validates() {
    let dir = tmp("units-only");
    let demo = std::fs::read_to_string(repo("scenarios/demo-units.csv")).unwrap();
    let units: String = demo
        .lines()
        .map(|l| l.split(',').take(10).collect::<Vec<_>>().join(","))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.join("units.csv"), units + "\n").unwrap();
    std::fs::write(
        dir.join("region.toml"),
        "[scenario]\nname = \"New region\"\n\n[units]\nfile = \"units.csv\"\n",
    )
    .unwrap();
    let a = quotaplan()
        .arg("split")
        .arg(dir.join("region.toml"))
        .args([
            "--territories",
            "5",
            "--tolerance",
            "0.05",
            "--trials",
            "200",
            "--out",
        ])
        .arg(dir.join("out"))
        .assert()
        .success();
    let stdout = String::from_utf8_lossy(&a.get_output().stdout).to_string();
    for t in ["T01", "T05"] {
        assert!(stdout.contains(t), "{stdout}");
    }
    let skeleton = std::fs::read_to_string(dir.join("out/region.split.toml")).unwrap();
    for id in ["T01", "T02", "T03", "T04", "T05"] {
        assert!(skeleton.contains(&format!("id = \"{id}\"")), "{skeleton}");
    }
    assert!(skeleton.contains("assumption"), "{skeleton}");
    assert!(skeleton.contains("company_target = "), "{skeleton}");
    let csv = std::fs::read_to_string(dir.join("out/region.split-units.csv")).unwrap();
    assert!(csv.lines().next().unwrap().ends_with(",owner"), "{csv}");
    assert_eq!(csv.lines().count(), 42);
    assert!(csv.lines().skip(1).all(|l| l.contains(",T0")), "{csv}");
    // Nothing beside the input.
    assert_eq!(names(&dir), ["out", "region.toml", "units.csv"]);
    quotaplan()
        .arg("validate")
        .arg(dir.join("out/region.split.toml"))
        .assert()
        .success();
    quotaplan()
        .arg("simulate")
        .arg(dir.join("out/region.split.toml"))
        .args(["--trials", "200", "--quiet", "--out"])
        .arg(dir.join("sim"))
        .assert()
        .success();
    // Without --territories it says what to give.
    let a = quotaplan()
        .arg("split")
        .arg(dir.join("region.toml"))
        .assert()
        .code(2);
    let stderr = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(stderr.contains("give --territories K"), "{stderr}");
}

/// The file names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The demo scenario copied into `dir`, its units keyed by a `code`
/// column (as a CRM export would have them).
fn demo_copy(dir: &Path) {
    std::fs::copy(repo("scenarios/demo.toml"), dir.join("demo.toml")).unwrap();
    let units = std::fs::read_to_string(repo("scenarios/demo-units.csv")).unwrap();
    std::fs::write(dir.join("crm.csv"), units.replacen("id,", "code,", 1)).unwrap();
}

/// `--set` works on split (also a column mapping and units file given with
/// it), every file goes into --out, and the new scenario there validates.
#[test]
fn split_with_set_writes_only_into_out() {
    let dir = tmp("split-set");
    demo_copy(&dir);
    std::fs::copy(repo("scenarios/demo-units.csv"), dir.join("demo-units.csv")).unwrap();
    let before = names(&dir);
    let out = dir.join("out");
    quotaplan()
        .arg("split")
        .arg(dir.join("demo.toml"))
        .args([
            "--set",
            "reps.R01.quota=7e6",
            "--tolerance",
            "0.1",
            "--trials",
            "300",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        names(&dir),
        [before.clone(), vec!["out".to_string()]].concat()
    );
    for f in [
        "assignment.csv",
        "territories.csv",
        "split.json",
        "demo.split.toml",
        "demo.split-units.csv",
    ] {
        assert!(out.join(f).is_file(), "{f} in --out");
    }
    let text = std::fs::read_to_string(out.join("demo.split.toml")).unwrap();
    assert!(text.contains("file = \"demo.split-units.csv\""), "{text}");
    assert!(text.contains("--set reps.R01.quota=7e6"), "{text}");
    quotaplan()
        .arg("validate")
        .arg(out.join("demo.split.toml"))
        .assert()
        .success();

    // The units from another file with its ids in `code`, both by --set.
    let out2 = dir.join("out2");
    quotaplan()
        .current_dir(&dir)
        .arg("split")
        .arg("demo.toml")
        .args([
            "--set",
            "units.file=crm.csv",
            "--set",
            "units.columns.id=code",
            "--tolerance",
            "0.1",
            "--trials",
            "300",
            "--quiet",
            "--out",
            "out2",
        ])
        .assert()
        .success();
    let units = std::fs::read_to_string(out2.join("demo.split-units.csv")).unwrap();
    assert!(units.starts_with("code,"), "{units}");
    quotaplan()
        .arg("validate")
        .arg(out2.join("demo.split.toml"))
        .assert()
        .success();
    assert_eq!(
        names(&dir),
        [before, vec!["out".to_string(), "out2".to_string()]].concat()
    );
}

/// A run that fails writes nothing: not on a bad override, not when a
/// file of the result cannot be written (the folder is swapped in whole),
/// and not with --write-scenario.
#[test]
fn a_failed_split_writes_nothing() {
    let dir = tmp("split-fails");
    demo_copy(&dir);
    std::fs::copy(repo("scenarios/demo-units.csv"), dir.join("demo-units.csv")).unwrap();
    let before = names(&dir);
    quotaplan()
        .arg("split")
        .arg(dir.join("demo.toml"))
        .args(["--set", "reps.R01.quota=-5", "--out"])
        .arg(dir.join("out"))
        .assert()
        .failure();
    assert_eq!(names(&dir), before);
    quotaplan()
        .arg("split")
        .arg(dir.join("demo.toml"))
        .env("QUOTAPLAN_WRITE_FAIL", "file#3")
        .args(["--tolerance", "0.1", "--trials", "200", "--quiet", "--out"])
        .arg(dir.join("out"))
        .arg("--write-scenario")
        .arg(dir.join("new.toml"))
        .assert()
        .failure();
    assert_eq!(names(&dir), before, "nothing left behind");
}

/// Options that make no sense are refused with what to write instead.
#[test]
fn split_refuses_bad_limits() {
    for (args, says) in [
        (vec!["--max-distance", "0"], "positive distance in km"),
        (vec!["--max-distance", "-5"], "positive distance in km"),
        (vec!["--max-distance", "NaN"], "positive distance in km"),
        (vec!["--max-disruption", "20"], "write 0.2, not 20"),
        (vec!["--tolerance", "5"], "write 0.05, not 5"),
        (vec!["--time-limit", "0"], "positive number of seconds"),
        (
            vec!["--targets", "fair"],
            "possible values: equal, capacity, presence",
        ),
    ] {
        let a = quotaplan().arg("split").args(&args).assert().code(2);
        let stderr = String::from_utf8_lossy(&a.get_output().stderr).to_string();
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}

/// Many reps without units are one warning naming the first few, not a
/// line each (a new alignment validated for alignment gets none at all).
#[test]
fn many_idle_reps_are_one_warning() {
    let dir = tmp("idle-reps");
    let mut toml = String::from("[scenario]\ncompany_target = 1000\n\n");
    for r in 1..=12 {
        toml.push_str(&format!("[[reps]]\nid = \"R{r:02}\"\nquota = 100\n\n"));
    }
    toml.push_str("[[units]]\nid = \"a\"\npotential = 500\nowner = \"R01\"\n\n[[units]]\nid = \"b\"\npotential = 500\nowner = \"R02\"\n");
    std::fs::write(dir.join("s.toml"), &toml).unwrap();
    let a = quotaplan()
        .arg("validate")
        .arg(dir.join("s.toml"))
        .assert()
        .success();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&a.get_output().stdout),
        String::from_utf8_lossy(&a.get_output().stderr)
    );
    assert!(
        all.contains("10 reps own no units: R03, R04, R05, R06, R07, … (+5 more)"),
        "{all}"
    );
    assert!(!all.contains("owns no units"), "{all}");
    assert!(all.contains("1 warning"), "{all}");

    // A few are named one by one.
    let mut few = String::from("[scenario]\ncompany_target = 1000\n\n");
    for r in 1..=3 {
        few.push_str(&format!("[[reps]]\nid = \"R{r:02}\"\nquota = 100\n\n"));
    }
    few.push_str("[[units]]\nid = \"a\"\npotential = 500\nowner = \"R01\"\n");
    std::fs::write(dir.join("few.toml"), &few).unwrap();
    let a = quotaplan()
        .arg("validate")
        .arg(dir.join("few.toml"))
        .assert()
        .success();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&a.get_output().stdout),
        String::from_utf8_lossy(&a.get_output().stderr)
    );
    assert!(
        all.contains("rep `R02` owns no units") && all.contains("rep `R03` owns no units"),
        "{all}"
    );

    // Validated for alignment with no owners at all: no warning.
    let fresh = toml
        .replace("owner = \"R01\"\n", "")
        .replace("owner = \"R02\"\n", "");
    std::fs::write(dir.join("fresh.toml"), fresh).unwrap();
    let a = quotaplan()
        .arg("validate")
        .arg("--for-alignment")
        .arg(dir.join("fresh.toml"))
        .assert()
        .success();
    let all = String::from_utf8_lossy(&a.get_output().stdout).to_string()
        + &String::from_utf8_lossy(&a.get_output().stderr);
    assert!(
        !all.contains("own no units") && !all.contains("owns no units"),
        "{all}"
    );
}
