//! Golden files: the results of the embedded demo, the format example, the
//! Iowa split, and the demo's quotas, sweep and mitigations are committed
//! under `tests/golden/` and must come out byte for byte the same. A change
//! that moves a figure on purpose re-records them with
//! `QUOTAPLAN_UPDATE_GOLDEN=1 cargo test --release golden` and says why in
//! its commit.

use crate::common::{quotaplan, repo, tmp};
use std::path::{Path, PathBuf};

/// Compares `got/<name>` with `tests/golden/<case>/<name>` for every name,
/// or records them when `QUOTAPLAN_UPDATE_GOLDEN` is set.
fn assert_golden(case: &str, got: &Path, names: &[&str]) {
    let want_dir = repo("tests/golden").join(case);
    let update = std::env::var_os("QUOTAPLAN_UPDATE_GOLDEN").is_some();
    let mut differ = Vec::new();
    for name in names {
        let got_path = got.join(name);
        let bytes = std::fs::read(&got_path)
            .unwrap_or_else(|e| panic!("{case}: {} was not written: {e}", got_path.display()));
        let want_path = want_dir.join(name);
        if update {
            std::fs::create_dir_all(&want_dir).expect("golden folder");
            std::fs::write(&want_path, &bytes).expect("golden file written");
            continue;
        }
        let want = std::fs::read(&want_path)
            .unwrap_or_else(|e| panic!("{case}: no golden file {}: {e}", want_path.display()));
        if bytes != want {
            let (g, w) = (
                String::from_utf8_lossy(&bytes),
                String::from_utf8_lossy(&want),
            );
            let line = g
                .lines()
                .zip(w.lines())
                .position(|(a, b)| a != b)
                .unwrap_or_else(|| g.lines().count().min(w.lines().count()));
            differ.push(format!(
                "{name}: first difference at line {}:\n  golden: {}\n  now:    {}",
                line + 1,
                w.lines().nth(line).unwrap_or("<end of file>"),
                g.lines().nth(line).unwrap_or("<end of file>"),
            ));
        }
    }
    assert!(
        differ.is_empty(),
        "{case}: results differ from tests/golden/{case}/ (re-record with QUOTAPLAN_UPDATE_GOLDEN=1 only if the change is intended):\n{}",
        differ.join("\n")
    );
}

#[test]
fn demo_results_are_unchanged() {
    let out = tmp("golden-demo");
    quotaplan()
        .args(["simulate", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_golden("demo", &out, crate::common::SIMULATE_FILES);
}

#[test]
fn format_example_results_are_unchanged() {
    let out = tmp("golden-format-example");
    quotaplan()
        .arg("simulate")
        .arg(repo("scenarios/format-example.toml"))
        .args(["--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_golden("format-example", &out, crate::common::SIMULATE_FILES);
}

#[test]
fn iowa_split_is_unchanged() {
    let dir = tmp("golden-iowa");
    for f in ["iowa.toml", "iowa-units.csv", "iowa-edges.csv"] {
        std::fs::copy(repo("scenarios").join(f), dir.join(f)).expect("copy the Iowa scenario");
    }
    let out: PathBuf = dir.join("out");
    quotaplan()
        .arg("split")
        .arg(dir.join("iowa.toml"))
        .args(["--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_golden(
        "iowa-split",
        &out,
        &[
            "assignment.csv",
            "territories.csv",
            "split.json",
            "iowa.split.toml",
            "iowa.split-units.csv",
        ],
    );
}

#[test]
fn demo_quotas_are_unchanged() {
    let out = tmp("golden-quotas");
    quotaplan()
        .args(["quotas", "--quiet", "--out"])
        .arg(&out)
        .arg("--write-scenario")
        .arg(out.join("demo.quotas.toml"))
        .assert()
        .success();
    assert_golden("demo-quotas", &out, &["quotas.csv", "demo.quotas.toml"]);
}

#[test]
fn demo_sweep_is_unchanged() {
    let out = tmp("golden-sweep");
    quotaplan()
        .args([
            "sweep",
            "--vary",
            "quotas.over_assignment=0,0.1",
            "--vary",
            "risks.macro.impact.normal.sd=0.04,0.08",
            "--trials",
            "3000",
            "--quiet",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    assert_golden("demo-sweep", &out, &["sweep.csv", "sweep.json"]);
}

#[test]
fn demo_mitigations_are_unchanged() {
    let out = tmp("golden-mitigate");
    quotaplan()
        .args(["mitigate", "--trials", "3000", "--quiet", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert_golden(
        "demo-mitigate",
        &out,
        &["mitigations.csv", "mitigation_sets.csv"],
    );
}
