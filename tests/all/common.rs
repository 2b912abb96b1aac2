//! Helpers shared by the integration test modules.
#![allow(dead_code)]

use quotaplan::engine::{SimOptions, SimResult, simulate};
use quotaplan::model::Model;
use quotaplan::scenario::{self, Loaded, MemoryLoader, Purpose};

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
    match loaded.model {
        Some(m) => m,
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
