//! Helpers shared by the integration test modules.
#![allow(dead_code)]

use quotaplan::engine::{SimOptions, SimResult};
use quotaplan::model::Model;
use quotaplan::scenario::{self, Loaded, MemoryLoader, Purpose};
use quotaplan::{Simulation, simulate};

/// Reads a scenario from text; `csv` is served as `units.csv` when given.
pub fn load_full(toml: &str, csv: Option<&str>) -> Loaded {
    let files = csv
        .map(|c| vec![("units.csv".to_string(), c.to_string())])
        .unwrap_or_default();
    scenario::load("test.toml", toml, &MemoryLoader(files), Purpose::Simulate)
}

/// Reads a scenario that must be valid; panics with every problem rendered.
pub fn load_str(toml: &str, csv: Option<&str>) -> Model {
    let loaded = load_full(toml, csv);
    match loaded.scenario {
        Some(s) => s.model,
        None => {
            let msgs: Vec<String> = loaded
                .problems
                .iter()
                .map(|p| p.plain(&loaded.sources))
                .collect();
            panic!("scenario did not load:\n{}", msgs.join("\n"));
        }
    }
}

/// Runs the engine; panics on an engine error.
pub fn run(model: &Model, trials: u64, seed: u64, threads: usize) -> SimResult {
    simulation(model, trials, seed, threads).result
}

/// Decides the quotas and runs the engine; panics on an error.
pub fn simulation(model: &Model, trials: u64, seed: u64, threads: usize) -> Simulation {
    simulate(
        model,
        &SimOptions {
            threads: Some(threads),
            ..SimOptions::new(trials, seed)
        },
        None,
    )
    .expect("simulation runs")
}

/// Sample mean and (n - 1) sample variance.
pub fn mean_var(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var)
}

/// Number of standard errors a statistical check may miss by. With a fixed
/// seed the tests are deterministic; 4.5 SE keeps a correct engine passing
/// for essentially any seed (two-sided p ~ 7e-6 per check).
pub const K_SE: f64 = 4.5;

/// Asserts `|estimate - exact| <= K_SE * se` and reports the comparison.
pub fn assert_within_se(what: &str, estimate: f64, exact: f64, se: f64) {
    let tol = K_SE * se;
    let z = (estimate - exact) / se;
    println!(
        "CHECK {what}: estimate {estimate:.6} vs closed form {exact:.6}, tol {tol:.6} ({K_SE} SE), z = {z:+.2}"
    );
    assert!(
        (estimate - exact).abs() <= tol,
        "{what}: estimate {estimate} vs closed form {exact}: off by {:.2} SE (tol {K_SE} SE = {tol})",
        z
    );
}

/// Asserts equality up to floating-point rounding (relative 1e-12).
pub fn assert_exact(what: &str, got: f64, want: f64) {
    let tol = 1e-12 * want.abs().max(1.0);
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, want {want} (diff {:e})",
        got - want
    );
}

/// The `quotaplan` binary built by cargo for these tests.
pub fn quotaplan() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("quotaplan").expect("binary built")
}

/// A fresh, empty folder for one test (named after the test and process).
pub fn tmp(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("quotaplan-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// A path inside the repository.
pub fn repo(p: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// The first of `names` found on PATH. A test that needs an outside program
/// skips (with a note) when it is missing, so `cargo test` passes on a fresh
/// machine; `.ci/run` installs the programs and sets
/// `QUOTAPLAN_REQUIRE_EXTERNAL=1`, under which a missing program fails the
/// test instead: CI never skips silently.
pub fn external_program(names: &[&str], why: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        assert!(
            std::env::var_os("QUOTAPLAN_REQUIRE_EXTERNAL").is_none_or(|v| v != "1"),
            "{why}; none of {names:?} is on PATH and QUOTAPLAN_REQUIRE_EXTERNAL=1 (CI) forbids skipping"
        );
        eprintln!(
            "SKIP: {why}; none of {names:?} is on PATH (set QUOTAPLAN_REQUIRE_EXTERNAL=1 to make this an error)"
        );
    }
    found
}

/// The files `simulate` writes whose bytes are its results (`run.json`
/// describes the process).
pub const SIMULATE_FILES: &[&str] = &[
    "summary.json",
    "reps.csv",
    "quarters.csv",
    "rep_quarters.csv",
    "risks.csv",
    "charts.json",
];

/// Settings spelt as the command line's flags, for library calls whose
/// messages are compared with what `quotaplan` prints.
pub const FLAGS: quotaplan::source::Spelling = quotaplan::source::Spelling::new(|s| {
    use quotaplan::source::Setting;
    match s {
        Setting::AsOf => "--as-of",
        Setting::Columns => "--columns",
        Setting::Cutoff => "--cutoff",
        Setting::DateFormat => "--date-format",
        Setting::From => "--from",
        Setting::Horizon => "--horizon",
        Setting::MaxDistance => "--max-distance",
        Setting::Months => "--months",
        Setting::Precision => "--precision",
        Setting::Roster => "--roster",
        Setting::Set => "--set",
        Setting::Shard => "--shard",
        Setting::Task => "--task",
        Setting::Until => "--until",
        Setting::Vary => "--vary",
    }
});
