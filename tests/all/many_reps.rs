//! A run with more reps than a summary lists (above `MAX_LISTED_REPS`):
//! summary.json and the terminal stay small and keep the team, the
//! distribution of reps and the worst and best; the CSV files keep every
//! rep; `--json`, `report`, `compare` and `check` work on such a summary.

use crate::common::{quotaplan, tmp};
use quotaplan::analysis::{LISTED_REPS, MAX_LISTED_REPS};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const REPS: usize = 3000;

/// A generated scenario of [`REPS`] reps simulated once (300 trials) into
/// a result folder; returns the folder holding the scenario and `out/`,
/// and the terminal output.
fn run() -> &'static (PathBuf, String) {
    static RUN: OnceLock<(PathBuf, String)> = OnceLock::new();
    RUN.get_or_init(|| {
        const { assert!(REPS > MAX_LISTED_REPS, "the test exercises the bound") };
        let dir = tmp("many-reps");
        quotaplan()
            .args(["generate", "--units", "6000", "--reps"])
            .arg(REPS.to_string())
            .args(["--risks", "6", "--seed", "3", "--no-edges", "-q", "--out"])
            .arg(dir.join("many.toml"))
            .assert()
            .success();
        let a = quotaplan()
            .args(["simulate", "--trials", "300", "-q", "--out"])
            .arg(dir.join("out"))
            .arg(dir.join("many.toml"))
            .assert()
            .success();
        let stdout = String::from_utf8(a.get_output().stdout.clone()).expect("UTF-8");
        (dir, stdout)
    })
}

fn out() -> PathBuf {
    run().0.join("out")
}

fn json(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).expect("readable")).expect("JSON")
}

/// `reps.csv` as (id, p_attain), in rep order: every rep, as written.
fn reps_csv() -> Vec<(String, f64)> {
    let mut r = csv::Reader::from_path(out().join("reps.csv")).expect("reps.csv");
    let headers = r.headers().expect("header").clone();
    let col = |name: &str| headers.iter().position(|h| h == name).expect(name);
    let (id, p) = (col("id"), col("p_attain"));
    r.records()
        .map(|rec| {
            let rec = rec.expect("row");
            (rec[id].to_string(), rec[p].parse().expect("number"))
        })
        .collect()
}

#[test]
fn the_summary_lists_the_worst_and_best_reps_and_the_distribution_of_all() {
    let s = json(&out().join("summary.json"));
    let size = std::fs::metadata(out().join("summary.json")).unwrap().len();
    // Every rep would take about 4 KB; the bounded summary is a few dozen.
    assert!(size < 200_000, "summary.json is {size} bytes");
    let reps = s["reps"].as_array().expect("reps");
    assert_eq!(reps.len(), 2 * LISTED_REPS);
    let d = &s["rep_digest"];
    assert_eq!(d["count"], REPS);
    assert_eq!(d["listed_up_to"], MAX_LISTED_REPS);
    assert_eq!(
        d["detail"],
        serde_json::json!(["reps.csv", "rep_quarters.csv"])
    );

    // The worst and best, worked out again from every rep in reps.csv
    // (ties go to the earlier rep).
    let all = reps_csv();
    assert_eq!(all.len(), REPS, "reps.csv keeps every rep");
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by(|&a, &b| all[a].1.total_cmp(&all[b].1).then(a.cmp(&b)));
    let worst: Vec<&str> = order[..LISTED_REPS]
        .iter()
        .map(|&i| all[i].0.as_str())
        .collect();
    let mut best_order = order[REPS - LISTED_REPS..].to_vec();
    best_order.sort_by(|&a, &b| all[b].1.total_cmp(&all[a].1).then(a.cmp(&b)));
    let best: Vec<&str> = best_order.iter().map(|&i| all[i].0.as_str()).collect();
    let ids = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(ids(&d["worst"]), worst);
    assert_eq!(ids(&d["best"]), best);
    let listed: Vec<&str> = reps.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(listed, [worst.clone(), best.clone()].concat());
    // A listed rep has the same figures as in reps.csv.
    for r in reps {
        let id = r["id"].as_str().unwrap();
        let csv = all.iter().find(|(i, _)| i == id).unwrap().1;
        assert_eq!(r["p_attain"].as_f64().unwrap(), csv, "{id}");
    }

    // P(attain) across reps: exact quantiles of the CSV's column, and
    // bands that count every rep once.
    let mut p: Vec<f64> = all.iter().map(|(_, p)| *p).collect();
    p.sort_by(f64::total_cmp);
    let q = |x: f64| quotaplan::stats::quantile_sorted(&p, x);
    let a = &d["p_attain"];
    for (key, want) in [
        ("min", p[0]),
        ("p10", q(0.1)),
        ("p50", q(0.5)),
        ("p90", q(0.9)),
        ("max", p[REPS - 1]),
    ] {
        assert_eq!(a[key].as_f64().unwrap(), want, "{key}");
    }
    let mean = p.iter().sum::<f64>() / REPS as f64;
    assert!((a["mean"].as_f64().unwrap() - mean).abs() < 1e-12);
    let bands = d["p_attain_bands"].as_array().unwrap();
    assert_eq!(bands.len(), 10);
    for b in bands {
        let (from, to) = (b["from"].as_f64().unwrap(), b["to"].as_f64().unwrap());
        let n = p
            .iter()
            .filter(|&&x| x >= from && (x < to || (to == 1.0 && x <= 1.0)))
            .count();
        assert_eq!(b["reps"].as_u64().unwrap() as usize, n, "band {from}-{to}");
    }
    // Flags and pins of reps not listed are counted, not listed.
    let flags = s["fairness"]["flags"].as_array().unwrap();
    assert!(flags.len() <= 2 * LISTED_REPS);
    assert!(d["flags_left_out"].as_u64().is_some());

    // rep_quarters.csv keeps every rep's quarters too.
    let rows = std::fs::read_to_string(out().join("rep_quarters.csv"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(rows, 1 + 4 * REPS);
    // charts.json: the listed reps' distributions, in the summary's order.
    let charts = json(&out().join("charts.json"));
    let chart_ids: Vec<&str> = charts["reps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(chart_ids, listed);
}

/// `n` with thousands separators, as the terminal prints counts.
fn thousands(n: usize) -> String {
    quotaplan::report::format::money(n as f64)
}

#[test]
fn the_terminal_shows_the_team_the_distribution_and_the_ends_not_every_rep() {
    let stdout = &run().1;
    let lines = stdout.lines().count();
    assert!(lines < 120, "{lines} lines:\n{stdout}");
    for want in [
        "P(team hits target)",
        &format!(
            "{} reps, more than {}: the worst and best {LISTED_REPS} are listed",
            thousands(REPS),
            thousands(MAX_LISTED_REPS)
        ),
        "P(quota) across reps: mean",
        " 80-90 90-100\n",
        &format!(
            "Lowest P(quota): {LISTED_REPS} of {} reps\n",
            thousands(REPS)
        ),
        &format!(
            "Highest P(quota): {LISTED_REPS} of {} reps\n",
            thousands(REPS)
        ),
    ] {
        assert!(stdout.contains(want), "missing {want:?} in:\n{stdout}");
    }
    // --json prints the bounded summary.json.
    let a = quotaplan()
        .args(["simulate", "--trials", "300", "-q", "--json", "--out"])
        .arg(run().0.join("out-json"))
        .arg(run().0.join("many.toml"))
        .assert()
        .success();
    let printed = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    assert_eq!(
        printed,
        std::fs::read_to_string(out().join("summary.json")).unwrap()
    );
}

#[test]
fn report_reads_a_bounded_result_folder() {
    let html = run().0.join("report.html");
    quotaplan()
        .args(["report", "--charts", "none", "--out"])
        .arg(&html)
        .arg(out())
        .assert()
        .success();
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        page.contains(&format!("{REPS} reps, more than the {MAX_LISTED_REPS}")),
        "the page says the reps are not all listed"
    );
    assert!(page.contains("<code>reps.csv</code>"));
}

#[test]
fn the_planner_plans_the_listed_reps_and_holds_the_rest() {
    // planner.json: the listed reps' distributions (1,000 quantiles each),
    // the others' count and quotas held fixed.
    let p = json(&out().join("planner.json"));
    let listed: Vec<String> = json(&out().join("summary.json"))["reps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    let planned: Vec<String> = p["reps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(planned, listed);
    assert_eq!(p["quantiles"], 1000);
    assert_eq!(p["fixed_reps"], REPS - listed.len());
    let mut r = csv::Reader::from_path(out().join("reps.csv")).expect("reps.csv");
    let headers = r.headers().expect("header").clone();
    let (id, quota) = (
        headers.iter().position(|h| h == "id").unwrap(),
        headers.iter().position(|h| h == "quota").unwrap(),
    );
    let fixed: f64 = r
        .records()
        .map(|rec| rec.expect("row"))
        .filter(|rec| !listed.iter().any(|l| l == &rec[id]))
        .map(|rec| rec[quota].parse::<f64>().unwrap())
        .sum();
    let got = p["fixed_quota"].as_f64().unwrap();
    assert!((got - fixed).abs() <= 1e-6 * fixed, "{got} vs {fixed}");
    let size = std::fs::metadata(out().join("planner.json")).unwrap().len();
    assert!(size < 400_000, "planner.json is {size} bytes");
}

#[test]
fn compare_works_on_bounded_summaries_and_names_what_a_per_rep_gate_needs() {
    let summary = out().join("summary.json");
    let d = json(&summary)["rep_digest"].clone();
    let listed = d["worst"][0].as_str().unwrap().to_string();
    // A listed rep and the team can be gated.
    let a = quotaplan()
        .arg("compare")
        .arg(&summary)
        .arg(&summary)
        .args(["--max-drop", "team.p_hit_target=0.01"])
        .args(["--fail-if", &format!("reps.{listed}.p_attain > 0.99")])
        .assert()
        .success();
    let md = String::from_utf8_lossy(&a.get_output().stdout).into_owned();
    assert!(
        md.contains(&format!(
            "lists only the worst and best {LISTED_REPS} of its {REPS} reps"
        )),
        "{md}"
    );
    assert!(md.contains(&format!("reps.{listed}.p_attain")), "{md}");
    // A rep that is not listed: a usage error that says where it is.
    let all = reps_csv();
    let hidden = all
        .iter()
        .map(|(id, _)| id)
        .find(|id| !d.to_string().contains(id.as_str()))
        .unwrap();
    let a = quotaplan()
        .arg("compare")
        .arg(&summary)
        .arg(&summary)
        .args(["--fail-if", &format!("reps.{hidden}.p_attain < 0.1")])
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert!(
        err.contains(&format!(
            "`reps.{hidden}.p_attain` is not in the candidate's summary: with {REPS} reps (more than {MAX_LISTED_REPS})"
        )) && err.contains("reps.csv and rep_quarters.csv"),
        "{err}"
    );
}

#[test]
fn check_records_and_judges_bounded_baselines() {
    let dir = &run().0;
    let baseline = dir.join("baseline");
    quotaplan()
        .arg("check")
        .arg(dir)
        .args(["--trials", "300", "-q", "--update", "--baseline"])
        .arg(&baseline)
        .assert()
        .success();
    let kept = json(&baseline.join("many.summary.json"));
    assert_eq!(kept["rep_digest"]["count"], REPS);
    assert_eq!(kept["reps"].as_array().unwrap().len(), 2 * LISTED_REPS);
    quotaplan()
        .arg("check")
        .arg(dir)
        .args(["--trials", "300", "-q", "--baseline"])
        .arg(&baseline)
        .args(["--max-drop", "team.p_hit_target=0.05"])
        .assert()
        .success();
}
