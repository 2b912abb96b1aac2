//! Every problem in one pass, each with its exact text and place.

use quotaplan::scenario::{self, MemoryLoader, Purpose};

const UNITS: &str = "\
id,name,region,segment,x,y,potential,potential_cv,workload_hours,accounts,owner,locked
U1,浦东,上海,SMB,0,0,1000000,0.2,100,5,R01,false
U2,苏州,江苏,Enterprise,1,0,2000000,0.3,100,5,R02,false
";

const GOOD: &str = r#"
[scenario]
name = "t"
months = 12
seed = 1
trials = 100
company_target = 3000000

[units]
file = "units.csv"

[[reps]]
id = "R01"
name = "王芳"
quota = 1000000

[[reps]]
id = "R02"
quota = 2000000

[[risks]]
id = "macro"
kind = "shock"
applies_to = "all"
impact = { normal = { mean = 0.0, sd = 0.05 } }

[[risks]]
id = "entry"
kind = "event"
probability = 0.3
applies_to = { regions = ["江苏"] }
start = { from = 3, to = 9 }
impact = { pert = { min = -0.3, mode = -0.1, max = 0.0 } }

[[risks]]
id = "churn"
kind = "account_loss"
probability = 0.05
applies_to = { segments = ["Enterprise"] }
impact = { uniform = { min = 0.3, max = 0.8 } }
"#;

/// A scenario `s.toml` read with `units` as its `units.csv`.
fn load(toml: &str, units: &str) -> scenario::Loaded {
    scenario::load(
        "s.toml",
        toml,
        &MemoryLoader(vec![("units.csv".into(), units.into())]),
        Purpose::Simulate,
    )
}

/// Problems of a scenario, rendered one per line as `severity: file:line:col: message (help)`.
fn problems(toml: &str, units: &str) -> Vec<String> {
    let l = load(toml, units);
    l.problems.iter().map(|p| p.plain(&l.sources)).collect()
}

/// `GOOD` with `from` replaced by `to` (exactly once).
fn edit(from: &str, to: &str) -> String {
    assert_eq!(
        GOOD.matches(from).count(),
        1,
        "fixture edit `{from}` must match once"
    );
    GOOD.replacen(from, to, 1)
}

fn assert_has(list: &[String], expected: &str) {
    assert!(
        list.iter().any(|p| p == expected),
        "expected\n  {expected}\namong\n  {}",
        list.join("\n  ")
    );
}

#[test]
fn good_fixture_is_clean() {
    assert_eq!(problems(GOOD, UNITS), Vec::<String>::new());
}

#[test]
fn unknown_key_suggests_the_right_one() {
    let p = problems(
        &edit("quota = 2000000", "quota = 2000000\ncapacity_hour = 1500"),
        UNITS,
    );
    assert_eq!(
        p,
        [
            "error: s.toml:20:1: unknown key `capacity_hour` in [[reps]] (did you mean `capacity_hours`? allowed keys: id, name, home, quota, quota_floor, quota_cap, quota_override, quarterly_quota, ramp_remaining, start_month, capacity_hours, capacity_elasticity, attrition, vacancy_months, vacancy_coverage, ramp_months, productivity, region, manager)"
        ]
    );
}

#[test]
fn wrong_type() {
    let p = problems(&edit("quota = 2000000", "quota = \"two million\""), UNITS);
    assert_eq!(
        p,
        ["error: s.toml:19:9: `quota` must be a number, found a string"]
    );
}

#[test]
fn negative_non_finite_and_out_of_range_values() {
    let t = edit(
        "quota = 1000000",
        "quota = -5\nattrition = 1.2\nvacancy_coverage = nan",
    );
    let p = problems(&t, UNITS);
    assert_eq!(
        p,
        [
            "error: s.toml:15:9: `quota` must be positive, found -5 (allowed: quota > 0)",
            "error: s.toml:16:13: `attrition` must be a probability between 0 and 1, found 1.2 (allowed: 0 <= value <= 1)",
            "error: s.toml:17:20: `vacancy_coverage` must be a finite number, found NaN",
        ]
    );
}

#[test]
fn csv_cells_report_row_and_column() {
    let units = UNITS
        .replace("1000000,0.2,100", "-1000000,-0.2,abc")
        .replace("R02,false", "R9,false");
    let p = problems(GOOD, &units);
    assert_eq!(
        p,
        [
            "error: units.csv:2:18: `potential` must not be negative, found -1000000 (allowed: potential >= 0)",
            "error: units.csv:2:27: `potential_cv` must not be negative, found -0.2 (allowed: potential_cv >= 0)",
            "error: units.csv:2:32: column `workload_hours` must be a number, found `abc` (write plain numbers such as 1250000 or 0.18, without thousands separators)",
            "error: units.csv:3:43: unit `U2` is owned by `R9`, which is not a rep (owners must be ids of [[reps]])",
        ]
    );
}

#[test]
fn probability_and_distribution_shape() {
    let t = edit("probability = 0.3", "probability = 1.3").replace(
        "min = -0.3, mode = -0.1, max = 0.0",
        "min = 0.2, mode = -0.1, max = -0.3",
    );
    let p = problems(&t, UNITS);
    assert_eq!(
        p,
        [
            "error: s.toml:30:15: `probability` must be a probability between 0 and 1, found 1.3 (allowed: 0 <= value <= 1)",
            "error: s.toml:33:27: pert needs min <= mode <= max with min < max, found min 0.2, mode -0.1, max -0.3",
        ]
    );
}

#[test]
fn negative_cv_in_a_distribution() {
    let t = edit(
        "[[reps]]\nid = \"R02\"",
        "[[reps]]\nid = \"R02\"\nproductivity = { lognormal = { mean = 1.0, cv = -0.1 } }",
    );
    assert_eq!(
        problems(&t, UNITS),
        ["error: s.toml:19:49: `cv` must not be negative, found -0.1 (allowed: cv >= 0)"]
    );
}

#[test]
fn duplicate_ids() {
    let t = edit("id = \"R02\"", "id = \"R01\"");
    let units = UNITS.replace("U2,", "U1,");
    let p = problems(&t, &units);
    assert_has(
        &p,
        "error: s.toml:18:6: duplicate rep id `R01` (rep ids must be unique)",
    );
    assert_has(
        &p,
        "error: units.csv:3:1: duplicate unit id `U1` (unit ids must be unique)",
    );
}

#[test]
fn unknown_risk_ids_regions_and_kinds() {
    let t = format!(
        "{}\n[correlation]\npairs = [[\"macro\", \"entyr\", 0.4], [\"macro\", \"churn\", 0.2]]\n",
        edit("regions = [\"江苏\"]", "regions = [\"江素\"]")
    )
    .replace("kind = \"shock\"", "kind = \"shok\"");
    let p = problems(&t, UNITS);
    assert_eq!(
        p,
        [
            "error: s.toml:23:8: unknown risk kind `shok` (did you mean `shock`? allowed: shock, event, account_loss)",
            "error: s.toml:31:27: `江素` is not one of the scenario's regions (did you mean `江苏`? known regions: 上海, 江苏)",
            "error: s.toml:43:20: `entyr` is not a risk id (did you mean `entry`? risks: macro, entry, churn)",
            "error: s.toml:43:45: `churn` is an account_loss risk, which is drawn independently of the copula (only shocks and events can be correlated)",
        ]
    );
}

#[test]
fn missing_quota_and_owner() {
    let t = edit("quota = 2000000\n", "");
    let units = UNITS.replace("R02,false", ",false");
    let p = problems(&t, &units);
    assert_eq!(
        p,
        [
            "error: s.toml:18:6: rep `R02` has no `quota` ([quotas] method = \"given\" needs a quota on every rep; or use method = \"proportional\" or \"equal-probability\")",
            "error: units.csv:3:1: unit `U2` has no owner (simulate needs every unit assigned to a rep; fill the `owner` column with a rep id)",
            "warning: s.toml:18:6: rep `R02` owns no units (its sales will be zero; assign units or remove the rep)",
        ]
    );
}

#[test]
fn units_without_owner_are_fine_for_alignment() {
    let units = UNITS.replace("R02,false", ",false");
    let l = scenario::load(
        "s.toml",
        GOOD,
        &MemoryLoader(vec![("units.csv".into(), units)]),
        Purpose::Align,
    );
    assert!(l.scenario.is_some());
}

#[test]
fn seasonality_length_and_zero() {
    let short = format!("{GOOD}\n[seasonality]\nweights = [1, 2, 3]\n");
    assert_eq!(
        problems(&short, UNITS),
        [
            "error: s.toml:43:11: `weights` must have one weight per month: expected 12, found 3 (the horizon is 12 months, set by [scenario] months)"
        ]
    );
    let zero = format!("{GOOD}\n[seasonality]\nweights = [0,0,0,0,0,0,0,0,0,0,0,0]\n");
    assert_eq!(
        problems(&zero, UNITS),
        [
            "error: s.toml:43:11: seasonality `weights` are all zero (give at least one positive weight; they are normalised to sum to 1)"
        ]
    );
}

#[test]
fn correlation_out_of_range() {
    let t = format!("{GOOD}\n[correlation]\npairs = [[\"macro\", \"entry\", 1.5]]\n");
    assert_eq!(
        problems(&t, UNITS),
        [
            "error: s.toml:43:29: correlation must be between -1 and 1, found 1.5 (allowed: -1 <= rho <= 1)"
        ]
    );
}

#[test]
fn syntax_errors_have_places() {
    let p = problems("[scenario]\nname = \"x\nmonths = 12\n", UNITS);
    assert_eq!(
        p,
        ["error: s.toml:2:10: TOML syntax: invalid basic string, expected `\"`"]
    );
}

#[test]
fn unknown_distribution_and_parameter() {
    let t = edit(
        "normal = { mean = 0.0, sd = 0.05 }",
        "normal = { mean = 0.0, sigma = 0.05 }",
    )
    .replace(
        "uniform = { min = 0.3, max = 0.8 }",
        "unifrom = { min = 0.3, max = 0.8 }",
    );
    assert_eq!(
        problems(&t, UNITS),
        [
            "error: s.toml:25:10: the normal distribution of `impact` needs `sd` (`normal` takes: mean, sd)",
            "error: s.toml:25:35: unknown parameter `sigma` for a normal distribution (`normal` takes: mean, sd)",
            "error: s.toml:40:12: unknown distribution `unifrom` for `impact` (did you mean `uniform`? families: fixed, normal, lognormal, uniform, triangular, pert, beta, discrete, bernoulli)",
        ]
    );
}

#[test]
fn non_psd_matrix_is_repaired_with_a_warning() {
    let t = GOOD.replace(
        "[[risks]]\nid = \"churn\"",
        "[[risks]]\nid = \"third\"\nkind = \"shock\"\napplies_to = \"all\"\nimpact = { normal = { mean = 0.0, sd = 0.02 } }\n\n[[risks]]\nid = \"churn\"",
    ) + "\n[correlation]\nmatrix = [[1, 0.9, 0], [0.9, 1, 0.8], [0, 0.8, 1]]\n";
    let l = scenario::load(
        "s.toml",
        &t,
        &MemoryLoader(vec![("units.csv".into(), UNITS.into())]),
        Purpose::Simulate,
    );
    let p: Vec<String> = l.problems.iter().map(|p| p.plain(&l.sources)).collect();
    assert_eq!(
        p,
        [
            "warning: s.toml:49:10: the correlation matrix is not positive semi-definite and was repaired to the nearest correlation matrix (Higham 2002); largest change: `macro` ~ `entry` 0.9000 -> 0.7752"
        ]
    );
    let c = l
        .scenario
        .expect("warnings do not stop a run")
        .model
        .correlation
        .expect("a matrix");
    let r4 = |x: f64| (x * 1e4).round() / 1e4;
    assert_eq!(
        (r4(c[(0, 1)]), r4(c[(0, 2)]), r4(c[(1, 2)])),
        (0.7752, 0.0791, 0.6910)
    );
}

#[test]
fn every_problem_in_one_pass() {
    let t = edit("quota = 1000000", "quota = -1")
        .replace("kind = \"shock\"", "kind = \"shok\"")
        .replace("probability = 0.05", "probability = 5");
    let units = UNITS.replace("R02,false", "R7,false");
    assert_eq!(problems(&t, &units).len(), 4);
}

#[test]
fn edges_name_units_that_exist() {
    let t = GOOD.replace(
        "file = \"units.csv\"",
        "file = \"units.csv\"\nedges = \"edges.csv\"",
    );
    let l = scenario::load(
        "s.toml",
        &t,
        &MemoryLoader(vec![
            ("units.csv".into(), UNITS.into()),
            (
                "edges.csv".into(),
                "from,to\nU1,U2\nU2,U1\nU1,U3\nU2,U2\n".into(),
            ),
        ]),
        Purpose::Simulate,
    );
    let p: Vec<String> = l.problems.iter().map(|p| p.plain(&l.sources)).collect();
    assert_eq!(
        p,
        [
            "error: edges.csv:4:4: edge names `U3`, which is not a unit id (did you mean `U1`?)",
            "error: edges.csv:5:4: unit `U2` cannot be adjacent to itself",
            "warning: edges.csv:3:1: the edge `U2`-`U1` is listed twice",
        ]
    );
    let ok = scenario::load(
        "s.toml",
        &t,
        &MemoryLoader(vec![
            ("units.csv".into(), UNITS.into()),
            ("edges.csv".into(), "a,b\nU2,U1\n".into()),
        ]),
        Purpose::Simulate,
    );
    assert_eq!(ok.scenario.unwrap().model.edges, Some(vec![(0, 1)]));
}

#[test]
fn a_home_must_be_a_unit() {
    let t = edit("name = \"王芳\"", "name = \"王芳\"\nhome = \"U9\"");
    assert_eq!(
        problems(&t, UNITS),
        [
            "error: s.toml:15:8: `home` of rep `R01` is `U9`, which is not a unit id (did you mean `U1`?)"
        ]
    );
    let ok = edit("name = \"王芳\"", "name = \"王芳\"\nhome = \"U2\"");
    let l = scenario::load(
        "s.toml",
        &ok,
        &MemoryLoader(vec![("units.csv".into(), UNITS.into())]),
        Purpose::Simulate,
    );
    assert_eq!(l.scenario.unwrap().model.reps[0].home_unit, Some(1));
}

/// A CRM export read through a column mapping; unmapped columns are
/// reported and ignored, a mapping to a column that is not there is an error.
#[test]
fn crm_exports_through_a_column_mapping() {
    let crm = "Account ID,Account Name,Annual Potential,Account Owner,Hours,Industry\nA-1,Acme 上海,1000000,R01,100,Retail\nA-2,Beta,2000000,R02,100,Retail\n";
    let t = GOOD
        .replace("file = \"units.csv\"", "file = \"units.csv\"\ncolumns = { id = \"Account ID\", name = \"Account Name\", potential = \"Annual Potential\", owner = \"Account Owner\", workload_hours = \"Hours\" }")
        .replace("applies_to = { regions = [\"江苏\"] }", "applies_to = \"all\"")
        .replace("applies_to = { segments = [\"Enterprise\"] }", "applies_to = { units = [\"A-2\"] }");
    let l = scenario::load(
        "s.toml",
        &t,
        &MemoryLoader(vec![("units.csv".into(), crm.into())]),
        Purpose::Simulate,
    );
    let p: Vec<String> = l.problems.iter().map(|p| p.plain(&l.sources)).collect();
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].starts_with("warning: units.csv:1:62: unknown column `Industry` is ignored"),
        "{p:?}"
    );
    let m = l.scenario.expect("valid").model;
    assert_eq!(
        (
            m.units[0].id.as_str(),
            m.units[0].name.as_str(),
            m.units[1].potential.mean()
        ),
        ("A-1", "Acme 上海", 2_000_000.0)
    );
    assert_eq!(m.units[1].owner, Some(1));

    let typo = t.replace("\"Annual Potential\"", "\"Annual Potentail\"");
    let l = scenario::load(
        "s.toml",
        &typo,
        &MemoryLoader(vec![("units.csv".into(), crm.into())]),
        Purpose::Simulate,
    );
    let p: Vec<String> = l.problems.iter().map(|p| p.plain(&l.sources)).collect();
    assert_eq!(
        p[..2],
        [
            "error: s.toml:11:67: column `Annual Potentail` (mapped to `potential`) is not in the units CSV (did you mean `Annual Potential`? the CSV has: Account ID, Account Name, Annual Potential, Account Owner, Hours, Industry)",
            "error: units.csv:1:1: the units CSV has no `potential` column (required columns: id, potential; optional: the other unit keys)",
        ]
    );
    assert_eq!(p.len(), 4, "no repeated per-row errors: {p:?}");
}

#[test]
fn mitigations_need_an_id_a_known_kind_and_a_cost() {
    let t = format!(
        "{GOOD}\n[[mitigations]]\nid = \"m1\"\nkind = \"insurance\"\nset = {{ \"reps.R01.quota\" = 900000 }}\n"
    );
    assert_eq!(
        problems(&t, UNITS),
        [
            "error: s.toml:42:1: mitigation `m1` has no `cost` (what it costs over the horizon, in the scenario's currency (0 if free))",
            "error: s.toml:44:8: unknown mitigation kind `insurance` (allowed: avoidance, transfer, reduction, acceptance)",
        ]
    );
    let ok = format!(
        "{GOOD}\n[[mitigations]]\nid = \"m1\"\nkind = \"reduction\"\ncost = 5\nset = {{ \"reps.R01.quota\" = 900_000 }}\n"
    );
    let l = scenario::load(
        "s.toml",
        &ok,
        &MemoryLoader(vec![("units.csv".into(), UNITS.into())]),
        Purpose::Simulate,
    );
    assert_eq!(
        l.scenario.unwrap().mitigations[0]
            .overrides
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["reps.R01.quota=900_000"]
    );
}

/// A units file that cannot be read is one error: the regions, segments and
/// homes that name what it would have held are not reported as unknown,
/// and no rep is warned to own no units.
#[test]
fn a_missing_units_file_is_one_error_without_cascades() {
    let t = GOOD
        .replace("file = \"units.csv\"", "file = \"missing.csv\"")
        .replace("id = \"R02\"", "id = \"R02\"\nhome = \"U2\"");
    let l = scenario::load(
        "s.toml",
        &t,
        &MemoryLoader(vec![("units.csv".into(), UNITS.into())]),
        Purpose::Simulate,
    );
    let p: Vec<String> = l.problems.iter().map(|p| p.plain(&l.sources)).collect();
    assert_eq!(
        p,
        [
            "error: s.toml:10:8: cannot read units file `missing.csv`: no such file (the path is relative to the scenario file)"
        ]
    );
    assert_eq!(l.problems[0].kind, scenario::ProblemKind::File);
}

/// An edges file named in a base scenario that cannot be read points at the
/// base file (where the key is written), not into the scenario extending it.
#[test]
fn a_missing_edges_file_in_a_base_points_at_the_base() {
    let base = GOOD.replace(
        "file = \"units.csv\"",
        "file = \"units.csv\"\nedges = \"edges.csv\"",
    );
    let l = scenario::load_with(
        "child.toml",
        "extends = \"base.toml\"\n[scenario]\nname = \"child\"\n",
        &MemoryLoader(vec![
            ("base.toml".into(), base),
            ("units.csv".into(), UNITS.into()),
        ]),
        Purpose::Simulate,
        &[],
    );
    let p: Vec<String> = l.problems.iter().map(|p| p.plain(&l.sources)).collect();
    assert_eq!(
        p,
        [
            "error: base.toml:11:9: cannot read edges file `edges.csv`: no such file (the path is relative to the scenario file)"
        ]
    );
    let span = l.problems[0].span.as_ref().expect("a place");
    let file = &l.sources.files[span.file];
    assert_eq!(&file.text[span.range.clone()], "\"edges.csv\"");
}

/// Problems say what kind they are, for programs that act on them.
#[test]
fn problems_carry_a_kind() {
    let t = edit("sd = 0.05", "sd = -0.05").replace("probability = 0.05", "probability = 5");
    let l = load(&t, UNITS);
    let kinds: Vec<scenario::ProblemKind> = l.problems.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            scenario::ProblemKind::OutOfRange,
            scenario::ProblemKind::OutOfRange
        ],
        "{:?}",
        l.problems
    );
    let unknown = edit("name = \"t\"", "nmae = \"t\"");
    let l = load(&unknown, UNITS);
    assert_eq!(l.problems[0].kind, scenario::ProblemKind::UnknownKey);
}
