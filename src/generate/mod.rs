//! Synthetic scenarios of any size, for benchmarks, load tests and demos.
//!
//! [`synthetic`] builds a scenario in the reference format (the TOML of
//! `scenarios/format-example.toml` and its units CSV) from a handful of sizes
//! and a seed. It is pure: it returns both files as strings and the caller
//! decides where to write them. The same [`GenerateSpec`] always gives the
//! same bytes.
//!
//! What the generated organisation looks like:
//! - regions (about one per 50 units, at least 4) laid out on a jittered grid
//!   in the unit square; units cluster around their region's centre;
//! - four segments (SMB, Mid-Market, Enterprise, Public) with their own
//!   potential, uncertainty, account size and selling effort;
//! - potential log-normally spread around a median of about 300 000;
//! - each rep owns a spatially coherent block of units (units are sorted by
//!   region, then west to east, and cut into `reps` consecutive blocks);
//! - most territories need 80-97 % of their rep's selling hours; about one in
//!   ten needs 8-35 % more than the rep has (coverage below 1);
//! - "expected potential": a unit's potential times the mean effect of the
//!   risks that reach it. Each quota is about 1.08 x the rep's expected
//!   territory potential, ramp-adjusted for new and planned hires, varied by
//!   ±15 %; the company target is 0.95 x the sum of those ramp-adjusted
//!   expected potentials: a stretch once coverage gaps and attrition are
//!   counted (the team makes it roughly 35-55 % of the time, a rep 20-30 %);
//! - a risk register that cycles through every kind of risk, scope and
//!   distribution family, with a few positive correlations.
//!
//! Its parts:
//! - `geography`: segments, regions and units; `reps`: reps, workloads and
//!   quotas; `risks`: the risk register; `write`: the files;
//! - [`history`]: a transaction history simulated from the scenario.

mod geography;
pub mod history;
mod reps;
mod risks;
#[cfg(test)]
mod tests;
mod write;

use crate::model::dist::Dist;
use geography::{Region, Unit, regions, units};
use rand::rngs::ChaCha8Rng;
use rand::{RngExt, SeedableRng};
use rand_distr::StandardNormal;
use reps::{Rep, reps, set_quotas, size_workloads};
use risks::{correlations, risk_multipliers, risks};
use write::{write_csv, write_edges, write_toml};

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GenerateSpec {
    /// Number of territory units (rows of the CSV); at least `reps`.
    pub units: usize,
    /// Number of reps; at least 1.
    pub reps: usize,
    /// Number of risks in the register; at least 3 (one of each kind).
    pub risks: usize,
    /// Seed of the generator, also written as the scenario's `seed`.
    /// Must fit in a TOML integer (at most `i64::MAX`).
    pub seed: u64,
    /// The scenario's `trials`.
    pub trials: u64,
    /// file name the TOML's `[units] file =` points at, e.g. "big-units.csv"
    pub units_file: String,
    /// When given, an adjacency CSV (Delaunay triangulation of the unit
    /// locations) is generated and the TOML's `[units] edges =` names it.
    pub edges_file: Option<String>,
}

/// A generated scenario: the TOML and the units CSV it refers to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    pub toml: String,
    pub units_csv: String,
    /// Pairs of adjacent unit ids (`from,to`), when `edges_file` was given.
    pub edges_csv: Option<String>,
}

/// The header of the units CSV, in column order.
pub const UNITS_CSV_HEADER: &str =
    "id,name,region,segment,x,y,potential,potential_cv,workload_hours,accounts,owner,locked";

const MONTHS: u32 = 12;
const DEFAULT_CAPACITY: f64 = 1600.0;
const RAMP_MONTHS: u32 = 5;
const MEDIAN_POTENTIAL: f64 = 295_000.0;
const QUOTA_UPLIFT: f64 = 1.08;
const TARGET_SHARE: f64 = 0.95;

/// Builds a synthetic scenario. Deterministic for `spec` (the generator is
/// `ChaCha8Rng::seed_from_u64(spec.seed)`).
///
/// # Panics
/// When `reps < 1`, `units < reps`, `risks < 3`, or `seed` or `trials` exceed
/// `i64::MAX` (TOML integers are signed 64-bit). Callers validate first.
pub fn synthetic(spec: &GenerateSpec) -> Generated {
    parts(spec).0
}

fn parts(spec: &GenerateSpec) -> (Generated, Parts) {
    assert!(
        spec.reps >= 1,
        "synthetic scenario: reps must be at least 1"
    );
    assert!(
        spec.units >= spec.reps,
        "synthetic scenario: units ({}) must be at least reps ({}) so that every rep owns a unit",
        spec.units,
        spec.reps
    );
    assert!(
        spec.risks >= 3,
        "synthetic scenario: risks ({}) must be at least 3 (one shock, one event, one account_loss)",
        spec.risks
    );
    assert!(
        i64::try_from(spec.seed).is_ok(),
        "synthetic scenario: seed ({}) must be at most {} to fit in a TOML integer",
        spec.seed,
        i64::MAX
    );
    assert!(
        i64::try_from(spec.trials).is_ok(),
        "synthetic scenario: trials ({}) must be at most {}",
        spec.trials,
        i64::MAX
    );

    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let seasonality = seasonality(&mut rng);
    let regions = regions(
        &mut rng,
        (spec.units as f64 / 50.0).round().max(4.0) as usize,
    );
    let mut units = units(&mut rng, spec.units, &regions);
    // Spatially coherent territories: regions are numbered along a serpentine
    // path, units within a region run west to east; cut into equal blocks.
    units.sort_by(|a, b| a.region.cmp(&b.region).then(a.x.total_cmp(&b.x)));
    let owner_of = |i: usize| i * spec.reps / spec.units;

    let mut reps = reps(&mut rng, spec.reps);
    size_workloads(&mut rng, &mut units, &reps, owner_of);
    let risks = risks(&mut rng, spec.risks, &units, &regions, spec.reps);
    let pairs = correlations(&mut rng, &risks);
    // Expected potential: what each unit is expected to sell at full
    // coverage once the risk register has played out (on average).
    let expected: Vec<f64> =
        risk_multipliers(&risks, &units, &regions, &reps, &seasonality, owner_of)
            .iter()
            .zip(&units)
            .map(|(m, u)| m * u.potential)
            .collect();
    let ramp_adjusted = set_quotas(&mut rng, &expected, &mut reps, &seasonality, owner_of);
    let company_target = round_to(TARGET_SHARE * ramp_adjusted, 1000.0);

    let toml = write_toml(
        spec,
        company_target,
        &seasonality,
        &regions,
        &units,
        &reps,
        &risks,
        &pairs,
    );
    let units_csv = write_csv(&units, &regions, &reps, owner_of);
    let edges_csv = spec.edges_file.as_ref().map(|_| write_edges(&units));
    let generated = Generated {
        toml,
        units_csv,
        edges_csv,
    };
    let parts = Parts {
        seasonality,
        regions,
        units,
        reps,
        macro_sd: match risks[0].impact {
            Dist::Normal { sd, .. } => sd,
            _ => 0.05,
        },
        owner: (0..spec.units).map(owner_of).collect(),
    };
    (generated, parts)
}

/// What a history is simulated from (see [`history`]).
struct Parts {
    seasonality: Vec<f64>,
    regions: Vec<Region>,
    units: Vec<Unit>,
    reps: Vec<Rep>,
    macro_sd: f64,
    owner: Vec<usize>,
}

// ---------------------------------------------------------------- helpers

fn normal(rng: &mut ChaCha8Rng) -> f64 {
    rng.sample(StandardNormal)
}

fn uniform(rng: &mut ChaCha8Rng, lo: f64, hi: f64) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}

/// `x` rounded to `decimals` decimal places (keeps what is written and what
/// is computed from it the same).
fn round_dp(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

fn round_to(x: f64, step: f64) -> f64 {
    (x / step).round() * step
}

/// Monthly weights: a typical B2B year (slow Q1, strong Q4) with noise.
fn seasonality(rng: &mut ChaCha8Rng) -> Vec<f64> {
    const BASE: [f64; 12] = [
        0.065, 0.055, 0.08, 0.08, 0.085, 0.09, 0.08, 0.075, 0.09, 0.09, 0.1, 0.11,
    ];
    let raw: Vec<f64> = BASE
        .iter()
        .map(|b| b * (1.0 + 0.08 * normal(rng)).max(0.5))
        .collect();
    let sum: f64 = raw.iter().sum();
    raw.iter().map(|w| round_dp(w / sum, 4)).collect()
}

fn digits(n: usize) -> usize {
    n.max(1).ilog10() as usize + 1
}
